//! Mit overblik drawn: one pane that scrolls with the shared keys. At the
//! top what happened since, then my comments by outcome, then the coming
//! meetings. Everyone's text goes through [`safe`].

use std::rc::Rc;

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::diff::{ChapterStatus, Op, Segment};
use crate::i18n::count;
use crate::model::Choice;
use crate::ops::mine::{MyComment, Overview, QuoteKind, QuoteNow, Scope, SinceBasis, SinceReport};
use crate::tr;
use crate::tui::layout;
use crate::tui::mine::state::SinceChoice;
use crate::tui::panes::{Pane, safe};
use crate::tui::state::State;
use crate::tui::views::pane;

pub fn render(frame: &mut Frame, state: &State) {
    let title = match state.mine.scope {
        Scope::Member => tr!(" Mit overblik ", " My overview "),
        Scope::Organisation => tr!(
            " Min organisations overblik ",
            " My organisation's overview "
        ),
    };
    let block = pane::block(Line::raw(title), true, state);
    let area = crate::tui::panes::rect(state, Pane::Mine);
    let total = total_rows(state);
    pane::draw_window(
        frame,
        area,
        block,
        total,
        state.mine.scroll,
        false,
        state,
        |from, n| window(state, from, n),
    );
}

/// The pane's lines, not wrapped, the selected comment marked.
pub fn lines(state: &State) -> Vec<Line<'static>> {
    let b = built(state);
    let mut out = b.lines.clone();
    if let Some((head, line)) = selected_heading(state, &b) {
        out[head] = line;
    }
    out
}

/// The line each comment's heading is on (in [`lines`]), in the order of
/// [`crate::ops::mine::Overview::comments`].
pub fn headings(state: &State) -> Vec<usize> {
    built(state).heads.clone()
}

/// The wrapped row the selected comment's heading is on.
pub fn selected_row(state: &State) -> Option<usize> {
    let b = built(state);
    let head = *b.heads.get(state.mine.selected)?;
    b.starts.get(head).copied()
}

/// How many rows the pane has, wrapped to its width.
pub fn total_rows(state: &State) -> usize {
    let b = built(state);
    match selected_rows(state, &b) {
        Some((from, to, rows)) => b.rows.len() - (to - from) + rows.len(),
        None => b.rows.len(),
    }
}

/// `height` wrapped rows from `offset` on, as drawn; only those are copied.
pub fn window(state: &State, offset: usize, height: usize) -> Vec<Line<'static>> {
    let b = built(state);
    let (from, to, marked) = selected_rows(state, &b).unwrap_or((0, 0, Vec::new()));
    b.rows[..from]
        .iter()
        .chain(&marked)
        .chain(&b.rows[to..])
        .skip(offset)
        .take(height)
        .cloned()
        .collect()
}

/// The overview's lines and their wrapping, built once for what they show
/// and the width: moving the selection reuses them, and only the selected
/// comment's heading is made anew (see [`selected_heading`]).
pub struct Built {
    /// What they were built for; `None` when not cached (no overview yet,
    /// or an error shown).
    key: Option<BuiltKey>,
    /// Every comment's heading unselected.
    lines: Vec<Line<'static>>,
    heads: Vec<usize>,
    /// [`Built::lines`] wrapped to the pane's width.
    rows: Vec<Line<'static>>,
    /// The row each line starts on; one more at the end.
    starts: Vec<usize>,
}

/// What [`Built`] depends on: the overview that arrived (by its number),
/// whose and since what, whether a newer one is being made, the pane's
/// width and the theme.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BuiltKey {
    data: u64,
    scope: Scope,
    since: SinceChoice,
    pending: bool,
    width: u16,
    color: bool,
}

/// What the lines for the state as it is depend on; `None` when they are
/// not kept (no overview yet, or an error shown).
fn built_key(state: &State) -> Option<BuiltKey> {
    let m = &state.mine;
    let current = m.key(state.head.as_ref());
    let shows_error = matches!(&m.error, Some((k, _)) if *k == current);
    (!shows_error && m.data.is_some()).then(|| BuiltKey {
        data: m.arrivals,
        scope: m.scope,
        since: m.since.clone(),
        pending: m.pending.is_some(),
        width: pane_width(state),
        color: state.theme.color,
    })
}

fn pane_width(state: &State) -> u16 {
    layout::inner(crate::tui::panes::rect(state, Pane::Mine)).width
}

/// The lines for the state as it is: those kept in the state while nothing
/// they depend on changed (see [`refresh`]), else built for this call
/// alone. Changes nothing, builds nothing else and does no I/O.
pub fn built(state: &State) -> Rc<Built> {
    let key = built_key(state);
    if key.is_some()
        && let Some(b) = state.mine.built.as_ref()
        && b.key == key
    {
        return Rc::clone(b);
    }
    Rc::new(make(state, key))
}

/// Part of `update`: builds the lines again when what they depend on
/// changed (an overview arrived, another scope or "since", a width, the
/// colours), so that drawing only reads them.
pub fn refresh(state: &mut State) {
    let key = built_key(state);
    if key.is_none() {
        state.mine.built = None;
        return;
    }
    if state.mine.built.as_ref().is_some_and(|b| b.key == key) {
        return;
    }
    state.mine.built = Some(Rc::new(make(state, key)));
}

fn make(state: &State, key: Option<BuiltKey>) -> Built {
    let width = pane_width(state);
    let (lines, heads) = build(state);
    let mut rows = Vec::with_capacity(lines.len());
    let mut starts = Vec::with_capacity(lines.len() + 1);
    for l in &lines {
        starts.push(rows.len());
        rows.extend(crate::tui::scroll::wrap(std::slice::from_ref(l), width));
    }
    starts.push(rows.len());
    Built {
        key,
        lines,
        heads,
        rows,
        starts,
    }
}

/// The selected comment's heading, marked, and the line it is on.
fn selected_heading(state: &State, b: &Built) -> Option<(usize, Line<'static>)> {
    let head = *b.heads.get(state.mine.selected)?;
    let o = state.mine.overview()?;
    let c = o.comments().nth(state.mine.selected)?;
    Some((head, heading(state, o, c, true)))
}

/// The rows the selected heading takes unmarked (from, to), and its rows
/// marked.
fn selected_rows(state: &State, b: &Built) -> Option<(usize, usize, Vec<Line<'static>>)> {
    let (head, line) = selected_heading(state, b)?;
    let width = pane_width(state);
    let rows = crate::tui::scroll::wrap(&[line], width);
    Some((*b.starts.get(head)?, *b.starts.get(head + 1)?, rows))
}

/// The lines, and the line each comment's heading is on; no comment is
/// marked selected (the functions above put the mark in).
fn build(state: &State) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut heads = Vec::new();
    let th = &state.theme;
    out.push(Line::from(vec![
        Span::styled(
            match state.mine.scope {
                Scope::Member => tr!("Mine kommentarer", "My comments"),
                Scope::Organisation => tr!(
                    "Min organisations kommentarer",
                    "My organisation's comments"
                ),
            },
            th.marker(),
        ),
        Span::raw(" · "),
        Span::raw(tr!("siden {}", "since {}", state.mine.since.label())),
        Span::styled(
            tr!(
                "   (o mine/org. · s siden · r læst)",
                "   (o mine/org. · s since · r read)"
            ),
            th.dim(),
        ),
    ]));
    let key = state.mine.key(state.head.as_ref());
    let o = match (&state.mine.data, &state.mine.error) {
        (_, Some((k, e))) if *k == key => {
            out.push(Line::styled(safe(e), th.error()));
            return (out, heads);
        }
        (Some((_, o)), _) => o,
        (None, _) => {
            out.push(Line::styled(
                tr!("Overblikket laves …", "Making the overview …"),
                th.dim(),
            ));
            return (out, heads);
        }
    };
    if state.mine.pending.is_some() {
        out.push(Line::styled(tr!("Opdateres …", "Updating …"), th.dim()));
    }
    out.push(Line::raw(tr!(
        "{} besvaret · {} åbne · {} trukket tilbage",
        "{} answered · {} open · {} withdrawn",
        count(
            o.answered.len(),
            &tr!("kommentar", "comment"),
            &tr!("kommentarer", "comments")
        ),
        o.open.len(),
        o.withdrawn.len()
    )));
    if let Some(s) = &o.since {
        since(&mut out, state, o, s);
    }
    for (heading, list) in [
        (tr!("Besvaret", "Answered"), &o.answered),
        (tr!("Åbne", "Open"), &o.open),
        (tr!("Trukket tilbage", "Withdrawn"), &o.withdrawn),
    ] {
        out.push(Line::raw(""));
        out.push(Line::styled(
            format!("{heading} ({})", list.len()),
            th.marker(),
        ));
        if list.is_empty() {
            out.push(Line::styled(
                format!("  {}", tr!("ingen", "none")),
                th.dim(),
            ));
        }
        for c in list {
            heads.push(out.len());
            comment(&mut out, state, o, c);
        }
    }
    upcoming(&mut out, state, o);
    (out, heads)
}

/// A comment's heading: where and when, and by whom when not by me.
fn heading(state: &State, o: &Overview, c: &MyComment, selected: bool) -> Line<'static> {
    let th = &state.theme;
    let by = if o.scope == Scope::Organisation || !c.mine {
        format!(" · {}", safe(&c.author.name))
    } else {
        String::new()
    };
    let style = if selected {
        th.selected()
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(if selected { "▶ " } else { "  " }, style),
        Span::styled(
            format!(
                "{} · {}{by}",
                safe(&c.on.label()),
                c.created.format("%Y-%m-%d")
            ),
            style.patch(th.dim()),
        ),
    ])
}

fn comment(out: &mut Vec<Line<'static>>, state: &State, o: &Overview, c: &MyComment) {
    out.push(heading(state, o, c, false));
    let th = &state.theme;
    if let Some(q) = &c.quote {
        out.push(Line::styled(
            format!("    «{}»", safe(&crate::text::truncate(q, 200))),
            th.quote(),
        ));
        if let Some(now) = &c.quote_now {
            quote_now(out, state, now);
        }
    }
    for l in c.body.lines() {
        out.push(Line::raw(format!("    {}", safe(l))));
    }
    if let Some(a) = &c.answer {
        out.push(Line::from(vec![
            Span::raw("    → "),
            Span::styled(a.disposition.label().to_string(), th.ok()),
            Span::styled(
                format!(" · {} · {}", safe(a.who()), a.at.format("%Y-%m-%d")),
                th.dim(),
            ),
        ]));
        for l in a.response.lines() {
            out.push(Line::raw(format!("      {}", safe(l))));
        }
    }
    if let Some(last) = c.replies.last() {
        out.push(Line::styled(
            format!(
                "    {} ({} {}, {})",
                count(
                    c.replies.len(),
                    &tr!("svar i tråden", "reply in the thread"),
                    &tr!("svar i tråden", "replies in the thread")
                ),
                tr!("seneste fra", "latest from"),
                safe(&last.author.name),
                last.created.format("%Y-%m-%d")
            ),
            th.dim(),
        ));
    }
}

/// Where the quote stands in the draft now.
fn quote_now(out: &mut Vec<Line<'static>>, state: &State, q: &QuoteNow) {
    let label = tr!("I dag:", "Now:");
    let what = match q.kind {
        QuoteKind::Moved => tr!(
            "uændret, men flyttet eller med ny tekst omkring",
            "unchanged, but moved or with new text around it"
        ),
        QuoteKind::Edited => {
            let pct = q.score.map_or(0.0, |s| (s * 100.0).round());
            tr!("ændret ({pct} % ens):", "edited ({pct} % alike):")
        }
        QuoteKind::Section => tr!(
            "teksten er væk; afsnittet «{}» findes stadig",
            "the words are gone; the section «{}» remains",
            safe(q.heading.as_deref().unwrap_or_default())
        ),
        k => k.label(),
    };
    out.push(Line::styled(
        format!("    {label} {what}"),
        state.theme.dim(),
    ));
    if q.kind == QuoteKind::Edited && !q.words.is_empty() {
        out.push(words(state, "      ", &q.words));
    }
}

/// Old and new words in one line: struck and underlined in colour,
/// `[-…-]{+…+}` without.
fn words(state: &State, indent: &str, segments: &[Segment]) -> Line<'static> {
    let th = &state.theme;
    let mut spans = vec![Span::raw(indent.to_string())];
    for seg in segments {
        let text = safe(&seg.text);
        match seg.op {
            Op::Equal => spans.push(Span::raw(text)),
            Op::Delete if th.color => spans.push(Span::styled(text, th.deleted())),
            Op::Insert if th.color => spans.push(Span::styled(text, th.inserted())),
            Op::Delete => spans.push(Span::raw(format!("[-{text}-]"))),
            Op::Insert => spans.push(Span::raw(format!("{{+{text}+}}"))),
        }
    }
    Line::from(spans)
}

/// `Siden udkastet til møde 4` and the like.
fn since_words(s: &SinceReport) -> String {
    let f = &s.from;
    match f.basis {
        SinceBasis::LastMeeting | SinceBasis::Revision => match f.meeting {
            Some(n) => tr!(
                "Siden udkastet til møde {n}",
                "Since the draft for meeting {n}"
            ),
            None => tr!(
                "Siden version {}",
                "Since revision {}",
                safe(&f.name[..f.name.len().min(7)])
            ),
        },
        SinceBasis::LastLook => tr!(
            "Siden du sidst kiggede ({})",
            "Since you last looked ({})",
            f.marked_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        ),
        SinceBasis::Beginning => tr!("Siden begyndelsen", "Since the beginning"),
    }
}

fn since(out: &mut Vec<Line<'static>>, state: &State, o: &Overview, s: &SinceReport) {
    let th = &state.theme;
    out.push(Line::raw(""));
    out.push(Line::styled(format!("{}:", since_words(s)), th.marker()));
    if let Some(note) = &s.from.note {
        out.push(Line::styled(format!("  ({})", safe(note)), th.dim()));
    }
    match s.arrived.message(o.scope) {
        Some(m) => out.push(Line::raw(format!("  {m}"))),
        None => {
            out.push(Line::raw(format!(
                "  {}",
                tr!("Intet nyt.", "Nothing new.")
            )));
            return;
        }
    }
    for a in &s.answers {
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", tr!("Nyt svar:", "New answer:"))),
            Span::raw(safe(&a.on.label())),
            Span::raw(" → "),
            Span::styled(a.answer.disposition.label().to_string(), th.ok()),
            Span::styled(
                format!(
                    " · {} · {}",
                    safe(a.answer.who()),
                    a.answer.at.format("%Y-%m-%d")
                ),
                th.dim(),
            ),
        ]));
    }
    for r in &s.replies {
        out.push(Line::raw(format!(
            "  {} {} · {} ({}), {}",
            tr!("Ny kommentar i tråden:", "New reply in the thread:"),
            safe(&r.on.label()),
            safe(&r.reply.author.name),
            safe(&r.reply.author.organisation),
            r.reply.created.format("%Y-%m-%d")
        )));
    }
    for q in &s.quotes {
        out.push(Line::raw(format!(
            "  {} {}",
            tr!("Citerede ord ændret:", "Quoted words edited:"),
            safe(&q.on.label())
        )));
        if q.after.is_none() {
            out.push(Line::styled(
                format!("    «{}» {}", safe(&q.before), tr!("er væk", "is gone")),
                th.dim(),
            ));
        } else {
            out.push(words(state, "    ", &q.words));
        }
    }
    for c in &s.chapters {
        let side = c.side();
        let what = match c.status {
            ChapterStatus::Added => tr!("ny", "new"),
            ChapterStatus::Removed => tr!("fjernet", "removed"),
            _ => tr!(
                "+{} −{} ord",
                "+{} −{} words",
                c.summary.words_added,
                c.summary.words_removed
            ),
        };
        out.push(Line::raw(format!(
            "  {} {}. {} ({what})",
            tr!("Kapitel ændret:", "Chapter changed:"),
            side.number,
            safe(&side.title)
        )));
    }
    for r in &s.recommendations {
        let mut notes = Vec::new();
        if let (Some(a), Some(b)) = (r.from_rank, r.to_rank)
            && a != b
        {
            notes.push(tr!("prioritet {a} → {b}", "priority {a} → {b}"));
        }
        if let Some(h) = &r.horizon {
            notes.push(tr!(
                "horisont {} → {}",
                "horizon {} → {}",
                crate::tui::panes::horizon_label(state, h.from),
                crate::tui::panes::horizon_label(state, h.to)
            ));
        }
        out.push(Line::raw(format!(
            "  {} {}{}",
            tr!("Anbefaling ændret:", "Recommendation changed:"),
            safe(&r.title),
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            }
        )));
    }
    if !s.chapters.is_empty() || !s.recommendations.is_empty() {
        out.push(Line::styled(
            tr!(
                "  (c viser ændringerne i den valgte kommentars kapitel)",
                "  (c shows the changes in the selected comment's chapter)"
            ),
            th.dim(),
        ));
    }
}

fn upcoming(out: &mut Vec<Line<'static>>, state: &State, o: &Overview) {
    out.push(Line::raw(""));
    out.push(Line::styled(
        tr!("Kommende møder og frister", "Coming meetings and deadlines"),
        state.theme.marker(),
    ));
    if o.upcoming.is_empty() {
        out.push(Line::styled(
            format!("  {}", tr!("ingen", "none")),
            state.theme.dim(),
        ));
    }
    for u in &o.upcoming {
        let deadline = match u.deadline {
            Some(d) => tr!(
                " · frist for kommentarer {}",
                " · comment deadline {}",
                d.format("%Y-%m-%d")
            ),
            None => String::new(),
        };
        out.push(Line::raw(format!(
            "  {} {} «{}» {}{deadline}",
            tr!("Møde", "Meeting"),
            u.number,
            safe(&u.title),
            u.date.format("%Y-%m-%d"),
        )));
    }
}
