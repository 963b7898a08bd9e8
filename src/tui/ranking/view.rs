//! Prioritering drawn. The results: one pane over the whole body with the
//! picture of [`crate::ranking::render::render`] (ranked list, range bars,
//! writers' order, W, widest spread, movement) and a table of the rest
//! (Borda, n, no opinion). The member's own ranking: their list on the
//! left, the round and the selected recommendation on the right. Every
//! mark is a character, so it reads without colour; everyone's text goes
//! through [`safe`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};
use unicode_width::UnicodeWidthStr;

use crate::ranking::render::{self, SpanKind};
use crate::tr;
use crate::tui::layout;
use crate::tui::panes::safe;
use crate::tui::state::State;
use crate::tui::views::{list_offset, pane};

use super::state::Mode;
use super::update::{is_member, mode, not_editable, rows, title_of, unsaved};

pub fn render(frame: &mut Frame, state: &State) {
    match mode(state) {
        Mode::Results => render_results(frame, state),
        Mode::Mine => render_own(frame, state),
    }
}

/// Where the results are drawn: the whole body.
pub fn results_area(state: &State) -> Rect {
    layout::screen(state.width, state.height).body
}

/// The member's list and the detail pane beside it.
pub fn own_panes(state: &State) -> [Rect; 2] {
    layout::panes(
        crate::tui::state::View::Ranking,
        state.width,
        state.height,
        false,
    )
}

fn render_results(frame: &mut Frame, state: &State) {
    let area = results_area(state);
    let inner = layout::inner(area);
    let lines = results_lines(state, usize::from(inner.width));
    let rows = crate::tui::scroll::wrap(&lines, inner.width);
    let title = match state.ranking.shown() {
        Some(r) => tr!(
            " Prioritering – resultater af runde {} ",
            " Ranking – results of round {} ",
            r.number
        ),
        None => tr!(" Prioritering ", " Ranking "),
    };
    let block = pane::block(Line::raw(title), true, state);
    pane::draw_rows(
        frame,
        area,
        block,
        rows,
        state.ranking.results_scroll,
        false,
        state,
    );
}

fn style(state: &State, kind: SpanKind) -> Style {
    match kind {
        SpanKind::Plain => Style::new(),
        SpanKind::Heading => state.theme.title(),
        SpanKind::Bar => state.theme.quote(),
        SpanKind::Differs => state.theme.marker(),
        SpanKind::Faint => state.theme.dim(),
    }
}

/// The results pane's lines for `width` columns, not wrapped.
pub fn results_lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let th = &state.theme;
    let mut out = Vec::new();
    if let Some(e) = &state.ranking.error {
        out.push(Line::styled(safe(e), th.error()));
        return out;
    }
    let Some(round) = state.ranking.shown() else {
        out.push(Line::raw(tr!(
            "Der er ingen prioriteringsrunder endnu.",
            "There are no ranking rounds yet."
        )));
        out.push(Line::raw(""));
        out.push(Line::styled(
            if state.may(crate::ops::Action::ManageMeetings).is_ok() {
                tr!(
                    "Tryk o for at åbne en runde på den nuværende liste af anbefalinger.",
                    "Press o to open a round on the current list of recommendations."
                )
            } else {
                tr!(
                    "En skribent åbner en runde; så kan hvert medlem rangordne anbefalingerne her.",
                    "A writer opens a round; then every member can rank the recommendations here."
                )
            },
            th.dim(),
        ));
        return out;
    };
    let Some(at) = &state.ranking.data else {
        return out;
    };
    let r = match at.results(Some(round.number), state.today) {
        Ok(r) => r,
        Err(e) => {
            out.push(Line::styled(safe(&e.to_string()), th.error()));
            return out;
        }
    };
    for l in render::render(&r, width) {
        out.push(Line::from(
            l.spans
                .into_iter()
                .map(|s| Span::styled(s.text, style(state, s.kind)))
                .collect::<Vec<_>>(),
        ));
    }
    // What the picture leaves out: Borda points, how many ranked each
    // item, and how many had no opinion or left it out.
    out.push(Line::raw(""));
    out.push(Line::styled(
        tr!("Point og antal", "Points and counts"),
        th.title(),
    ));
    // Columns: number, title, Borda, n, no opinion, missing.
    let (nr, borda, n, none, missing) = (4, 7, 5, 10, 8);
    let title_w = width
        .saturating_sub(nr + 1 + borda + n + none + missing)
        .clamp(10, 60);
    out.push(Line::styled(
        format!(
            "{}{} {}{}{}{}",
            pad(&tr!(" Nr", " No"), nr),
            pad(&tr!("Anbefaling", "Recommendation"), title_w),
            right("Borda", borda),
            right("n", n),
            right(&tr!("Ingen h.", "No op."), none),
            right(&tr!("Mangl.", "Miss."), missing),
        ),
        th.title(),
    ));
    for i in &r.items {
        out.push(Line::raw(format!(
            "{}{} {}{}{}{}",
            pad(&format!("{:>2}.", i.aggregate_rank), nr),
            pad(&fit(&safe(&i.title), title_w), title_w),
            right(&render::number(i.borda, 1), borda),
            right(&i.n.to_string(), n),
            right(&i.no_opinion.to_string(), none),
            right(&i.missing.to_string(), missing),
        )));
    }
    out.push(Line::styled(
        tr!(
            "Borda: summen over medlemmerne af (antal anbefalinger − plads).",
            "Borda: the sum over the members of (number of recommendations − place)."
        ),
        th.dim(),
    ));
    out.push(Line::styled(
        tr!(
            "n: antal, der rangordnede den. Mangl.: afgav uden at nævne den.",
            "n: how many ranked it. Miss.: submitted without naming it."
        ),
        th.dim(),
    ));
    if !at.problems.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(
            tr!("Ikke talt med", "Not counted"),
            th.error(),
        ));
        for p in &at.problems {
            out.push(Line::raw(format!("  {}", safe(&p.to_string()))));
        }
    }
    let count = at.rounds.len();
    if count > 1 {
        out.push(Line::raw(""));
        out.push(Line::styled(
            tr!(
                "Runde {} af {count}: [ og ] viser de andre runder.",
                "Round {} of {count}: [ and ] show the other rounds.",
                round.number
            ),
            th.dim(),
        ));
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn right(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

fn fit(s: &str, width: usize) -> String {
    crate::text::truncate(s, width).into_owned()
}

fn render_own(frame: &mut Frame, state: &State) {
    let [list, detail] = own_panes(state);
    render_list(frame, list, state);
    let inner = layout::inner(detail);
    let rows = crate::tui::scroll::wrap(&detail_lines(state), inner.width);
    let block = pane::block(
        Line::raw(tr!(" Runde og anbefaling ", " Round and recommendation ")),
        state.ranking.detail_focus,
        state,
    );
    pane::draw_rows(
        frame,
        detail,
        block,
        rows,
        state.ranking.detail_scroll,
        false,
        state,
    );
}

fn render_list(frame: &mut Frame, area: Rect, state: &State) {
    let th = &state.theme;
    let round = state.ranking.own_round(state.today);
    let editable = not_editable(state).is_none();
    let submitted = round.is_some_and(|r| {
        state
            .actor_email
            .as_deref()
            .is_some_and(|e| r.submission_of(e).is_some())
    });
    let (title, title_style) = match round {
        Some(r) if editable && !submitted => (
            tr!(
                " Runde {}: ikke afgivet – Enter gemmer ",
                " Round {}: not submitted – Enter saves ",
                r.number
            ),
            th.marker(),
        ),
        _ if editable && unsaved(state) => (
            tr!(
                " Ikke gemt: Enter gemmer, Esc fortryder ",
                " Not saved: Enter saves, Esc undoes "
            ),
            th.marker(),
        ),
        Some(r) if editable => (
            tr!(
                " Min rangordning – runde {} ",
                " My ranking – round {} ",
                r.number
            ),
            Style::new(),
        ),
        Some(r) => (
            tr!(
                " Min rangordning – runde {} (lukket) ",
                " My ranking – round {} (closed) ",
                r.number
            ),
            Style::new(),
        ),
        None => (tr!(" Min rangordning ", " My ranking "), Style::new()),
    };
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let slugs = rows(state);
    let offset = list_offset(state.ranking.selected, height);
    let edit = state.ranking.edit.as_ref();
    let saved = round.and_then(|r| {
        state
            .actor_email
            .as_deref()
            .and_then(|e| r.submission_of(e))
    });
    let items: Vec<ListItem> = slugs
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, slug)| {
            let selected = i == state.ranking.selected;
            let none = match edit {
                Some(e) => e.no_opinion.contains(slug),
                None => saved.is_some_and(|s| s.file.no_opinion.contains(slug)),
            };
            let reason = match edit {
                Some(e) => e.reasons.contains_key(slug),
                None => saved.is_some_and(|s| s.file.reasons.contains_key(slug)),
            };
            let place = match edit {
                Some(e) => e.place(slug),
                None if none => None,
                None => Some(
                    slugs[..i]
                        .iter()
                        .filter(|s| !saved.is_some_and(|x| x.file.no_opinion.contains(*s)))
                        .count()
                        + 1,
                ),
            };
            let number = place.map_or_else(|| "  – ".to_string(), |p| format!("{p:>2}. "));
            let mut tail = String::new();
            if none {
                tail.push_str(&tr!(" ingen holdning", " no opinion"));
            }
            if reason {
                tail.push_str(" ✎");
            }
            let title_w = width.saturating_sub(5 + UnicodeWidthStr::width(tail.as_str()));
            let t = fit(&safe(&title_of(state, slug)), title_w);
            let gap = title_w.saturating_sub(UnicodeWidthStr::width(t.as_str()));
            let base = if selected {
                th.selected()
            } else if none {
                th.dim()
            } else {
                Style::new()
            };
            ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{}{number}", if selected { "▶" } else { " " }),
                    base,
                ),
                Span::styled(format!("{t}{}", " ".repeat(gap)), base),
                Span::styled(tail, th.dim()),
            ]))
        })
        .collect();
    let mut list = List::new(items);
    if slugs.is_empty() {
        list = List::new(vec![ListItem::new(match round {
            Some(r) => tr!(
                "Du afgav ingen rangordning i runde {}.",
                "You submitted no ranking in round {}.",
                r.number
            ),
            None => tr!("Ingen runde at rangordne i.", "No round to rank in."),
        })]);
    }
    let block = pane::block(
        Line::from(Span::styled(title, title_style)),
        !state.ranking.detail_focus,
        state,
    );
    frame.render_widget(list.block(block), area);
}

/// When the round closes, counted from today.
fn closing(state: &State, round: &crate::ranking::Round) -> String {
    if round.file.closed.is_some() || !round.file.is_open_on(state.today) {
        return render::title(&results_stub(state, round));
    }
    match round.file.closes {
        None => tr!(
            "Åben, til en skribent lukker den.",
            "Open until a writer closes it."
        ),
        Some(d) => {
            let days = (d - state.today).num_days();
            let when = crate::export::words::date(crate::i18n::lang(), d);
            match days {
                0 => tr!(
                    "Lukker i dag ({when} er sidste dag).",
                    "Closes today ({when} is the last day)."
                ),
                1 => tr!(
                    "Lukker i morgen (til og med {when}).",
                    "Closes tomorrow (until {when} inclusive)."
                ),
                n => tr!(
                    "Lukker om {n} dage (til og med {when}).",
                    "Closes in {n} days (until {when} inclusive)."
                ),
            }
        }
    }
}

fn results_stub(state: &State, round: &crate::ranking::Round) -> crate::ranking::Results {
    crate::ranking::compute(
        round,
        None,
        &state.ws.recommendations,
        &state.ws.config,
        state.today,
    )
}

/// The detail pane beside the member's list: the round, whether the
/// ranking is saved, and the selected recommendation with its reason.
pub fn detail_lines(state: &State) -> Vec<Line<'static>> {
    let th = &state.theme;
    let mut out = Vec::new();
    if let Some(e) = &state.ranking.error {
        out.push(Line::styled(safe(e), th.error()));
        return out;
    }
    let Some(round) = state.ranking.own_round(state.today) else {
        out.push(Line::raw(tr!(
            "Der er ingen prioriteringsrunder endnu. Når en skribent åbner en, rangordner du anbefalingerne her.",
            "There are no ranking rounds yet. When a writer opens one, you rank the recommendations here."
        )));
        return out;
    };
    let mut head = tr!("Prioriteringsrunde {}", "Ranking round {}", round.number);
    if let Some(m) = round.file.meeting {
        head.push_str(&tr!(" til møde {m}", " for meeting {m}"));
    }
    out.push(Line::styled(head, th.title()));
    out.push(Line::raw(closing(state, round)));
    let email = state.actor_email.clone().unwrap_or_default();
    let saved = round.submission_of(&email);
    let editable = not_editable(state).is_none();
    let status = match (saved, editable, unsaved(state)) {
        (_, true, true) if saved.is_some() => Line::styled(
            tr!(
                "Ændret, ikke gemt: Enter gemmer, Esc fortryder.",
                "Changed, not saved: Enter saves, Esc undoes."
            ),
            th.marker(),
        ),
        (None, true, _) => Line::styled(
            tr!(
                "Ikke afgivet endnu: flyt med K/J, Enter gemmer.",
                "Not submitted yet: move with K/J, Enter saves."
            ),
            th.marker(),
        ),
        (Some(s), _, _) => Line::raw(tr!(
            "Din rangordning er gemt {}.",
            "Your ranking was saved on {}.",
            crate::export::words::date(crate::i18n::lang(), s.file.submitted.date_naive())
        )),
        (None, false, _) => Line::raw(tr!(
            "Du afgav ingen rangordning i denne runde.",
            "You submitted no ranking in this round."
        )),
    };
    out.push(status);
    if !editable && is_member(state) {
        out.push(Line::styled(
            tr!(
                "Runden er lukket: kun til læsning. r viser resultaterne.",
                "The round is closed: read only. r shows the results."
            ),
            th.dim(),
        ));
    } else if editable {
        out.push(Line::styled(
            tr!(
                "r viser gruppens resultater indtil nu; ? viser alle taster.",
                "r shows the group's results so far; ? shows every key."
            ),
            th.dim(),
        ));
    }
    out.push(Line::raw(""));
    let rows = rows(state);
    let Some(slug) = rows.get(state.ranking.selected) else {
        return out;
    };
    out.push(Line::styled(safe(&title_of(state, slug)), th.title()));
    let edit = state.ranking.edit.as_ref();
    let none = match edit {
        Some(e) => e.no_opinion.contains(slug),
        None => saved.is_some_and(|s| s.file.no_opinion.contains(slug)),
    };
    let writers = round.file.items.iter().position(|s| s == slug);
    let mut facts = Vec::new();
    if none {
        facts.push(tr!("Ingen holdning", "No opinion"));
    } else if let Some(p) = edit.and_then(|e| e.place(slug)) {
        facts.push(tr!("Din nr. {p}", "Your no. {p}"));
    }
    if let Some(w) = writers {
        facts.push(tr!(
            "skribenternes nr. {} da runden åbnede",
            "the writers' no. {} when the round opened",
            w + 1
        ));
    }
    out.push(Line::raw(facts.join(" · ")));
    let reason = match edit {
        Some(e) => e.reasons.get(slug).cloned(),
        None => saved.and_then(|s| s.file.reasons.get(slug).cloned()),
    };
    out.push(match reason {
        Some(r) => Line::from(vec![
            Span::styled(tr!("Begrundelse: ", "Reason: "), th.title()),
            Span::raw(safe(&r)),
        ]),
        None if editable => Line::styled(
            tr!(
                "Ingen begrundelse (b skriver en kort).",
                "No reason (b writes a short one)."
            ),
            th.dim(),
        ),
        None => Line::styled(tr!("Ingen begrundelse.", "No reason."), th.dim()),
    });
    if let Some(rec) = state.ws.recommendations.iter().find(|r| &r.slug == slug) {
        out.push(Line::raw(""));
        for l in rec.text.lines() {
            out.push(Line::raw(safe(l)));
        }
    }
    out
}
