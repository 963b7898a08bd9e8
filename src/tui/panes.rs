//! The text of every pane and popup that scrolls, built from the state as
//! lines. Drawing shows them; scrolling counts them (after wrapping to the
//! width [`super::layout`] gives the pane), so both agree on where the end
//! is. Nothing here draws.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::action::Action;
use super::keymap::{BINDINGS, Scope};
use super::layout::{self, Boxed};
use super::state::{Popup, State, View};
use crate::anchor::Fate;
use crate::model::{Anchor, AnchorChangeKind, Choice, CommentStatus, Horizon};
use crate::tr;

/// Other people's text, safe for the terminal (see [`crate::text::for_terminal`]).
pub fn safe(s: &str) -> String {
    crate::text::for_terminal(s, false).into_owned()
}

/// A text pane that scrolls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// Anbefalinger: the selected recommendation's details.
    RecDetail,
    /// Kommentarer: the selected thread.
    CommentThread,
    /// Historik: the selected change's message.
    HistoryDetail,
    /// Mit overblik: the whole overview.
    Mine,
    /// The open popup's text.
    Popup,
    /// The help, over everything.
    Help,
}

/// The box a popup is drawn in.
pub fn popup_box(popup: &Popup) -> Boxed {
    match popup {
        Popup::Thread(_) | Popup::Markers(..) | Popup::DiffPick(_) => Boxed::Large,
        Popup::Sync(_) => Boxed::Tall,
        Popup::Error(_) | Popup::Info(_) => Boxed::Message,
        Popup::Compose(_) => Boxed::Editor,
        Popup::ConfirmWithdraw(_) | Popup::Confirm(_) => Boxed::Confirm,
        Popup::Disposition { .. } | Popup::Choice(_) => Boxed::Choice,
        Popup::Export(_) | Popup::Form(_) => Boxed::Form,
        Popup::DraftOffer(_) => Boxed::Draft,
    }
}

/// Where a pane sits on the screen (its border included).
pub fn rect(state: &State, pane: Pane) -> Rect {
    let (w, h) = (state.width, state.height);
    match pane {
        Pane::RecDetail => layout::panes(View::Recs, w, h, false)[1],
        Pane::CommentThread => layout::panes(View::Comments, w, h, false)[1],
        Pane::HistoryDetail => layout::panes(View::History, w, h, true)[1],
        Pane::Mine => layout::panes(View::Mine, w, h, false)[0],
        Pane::Popup => state
            .popup
            .as_ref()
            .map_or_else(Rect::default, |p| layout::popup(popup_box(p), w, h)),
        Pane::Help => layout::popup(Boxed::Large, w, h),
    }
}

/// The pane's text, not yet wrapped.
pub fn lines(state: &State, pane: Pane) -> Vec<Line<'static>> {
    match pane {
        Pane::RecDetail => rec_detail_lines(state),
        Pane::CommentThread => state
            .selected_comment()
            .map_or_else(Vec::new, |i| thread_lines(state, i)),
        Pane::HistoryDetail => history_detail_lines(state),
        Pane::Mine => super::mine::view::lines(state),
        Pane::Popup => popup_lines(state),
        Pane::Help => help_lines(state),
    }
}

/// The pane's text wrapped to its width, as drawn.
pub fn wrapped(state: &State, pane: Pane) -> Vec<Line<'static>> {
    let inner = layout::inner(rect(state, pane));
    super::scroll::wrap(&lines(state, pane), inner.width)
}

/// How many rows the pane has wrapped; Mit overblik counts its built rows
/// instead of wrapping anew.
pub fn total_rows(state: &State, pane: Pane) -> usize {
    match pane {
        Pane::Mine => super::mine::view::total_rows(state),
        _ => wrapped(state, pane).len(),
    }
}

/// How far the pane is scrolled.
pub fn offset(state: &State, pane: Pane) -> usize {
    match pane {
        Pane::RecDetail => state.recs.detail_scroll,
        Pane::CommentThread => state.comments_view.thread_scroll,
        Pane::HistoryDetail => state.history.detail_scroll,
        Pane::Mine => state.mine.scroll,
        Pane::Popup => state.popup_scroll,
        Pane::Help => state.help.unwrap_or(0),
    }
}

fn offset_mut(state: &mut State, pane: Pane) -> &mut usize {
    match pane {
        Pane::RecDetail => &mut state.recs.detail_scroll,
        Pane::CommentThread => &mut state.comments_view.thread_scroll,
        Pane::HistoryDetail => &mut state.history.detail_scroll,
        Pane::Mine => &mut state.mine.scroll,
        Pane::Popup => &mut state.popup_scroll,
        Pane::Help => state.help.get_or_insert(0),
    }
}

/// Scrolls a pane by a movement action; false for any other action.
pub fn scroll(state: &mut State, pane: Pane, action: &Action) -> bool {
    if !super::scroll::is_movement(action) {
        return false;
    }
    let total = total_rows(state, pane);
    let height = usize::from(layout::inner(rect(state, pane)).height);
    super::scroll::apply(offset_mut(state, pane), action, total, height)
}

/// A date as people read it: `12.03` this year, `12.03.2023` another.
pub fn short_date(date: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if date.year() == today.year() {
        date.format("%d.%m").to_string()
    } else {
        date.format("%d.%m.%Y").to_string()
    }
}

/// A horizon's name in the UI's language: the workspace's own label in
/// Danish, the English word in English.
pub fn horizon_label(state: &State, h: Horizon) -> String {
    match crate::i18n::lang() {
        crate::i18n::Lang::Da => state.ws.config.horizons.get(h).label.clone(),
        crate::i18n::Lang::En => h.label().to_string(),
    }
}

/// A comment's status mark: ○ open, ✓ answered, – withdrawn.
pub fn status_mark(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Open => "○",
        CommentStatus::Resolved => "✓",
        CommentStatus::Withdrawn => "–",
    }
}

/// Where a comment sits: `kap. 5`, `anb. 3`.
pub fn place(state: &State, i: usize) -> String {
    let c = &state.ws.comments[i];
    if let Some(ch) = &c.target.chapter {
        match state.ws.chapters.iter().find(|x| &x.slug == ch) {
            Some(x) => format!("{} {}", tr!("kap.", "ch."), x.number),
            None => ch.clone(),
        }
    } else if let Some(r) = &c.target.recommendation {
        match state.ws.recommendations.iter().find(|x| &x.slug == r) {
            Some(x) => format!("{} {}", tr!("anb.", "rec."), x.rank),
            None => r.clone(),
        }
    } else {
        String::new()
    }
}

/// Characters of one comment's body shown at most; the rest is one
/// command away.
const MAX_BODY_CHARS: usize = 20_000;

/// A comment with its replies and resolution, as lines.
pub fn thread_lines(state: &State, i: usize) -> Vec<Line<'static>> {
    let ws = &state.ws;
    let c = &ws.comments[i];
    let mut lines = vec![Line::styled(safe(&place(state, i)), state.theme.dim())];
    if let Some(a) = &c.target.anchor {
        let style = if c.status == CommentStatus::Withdrawn {
            state.theme.dim()
        } else {
            state.theme.quote()
        };
        lines.push(Line::styled(format!("«{}»", safe(&a.quote)), style));
        lines.extend(super::popups::suggestion::lines(state, c));
        lines.extend(placement_lines(state, i, a));
    }
    let push = |c: &crate::model::Comment, indent: &str, lines: &mut Vec<Line<'static>>| {
        let withdrawn = c.status == CommentStatus::Withdrawn;
        let mark = if withdrawn {
            format!(" · {}", c.status.label())
        } else {
            String::new()
        };
        lines.push(Line::styled(
            format!(
                "{indent}{} · {} ({}){mark}",
                c.created.format("%Y-%m-%d %H:%M"),
                safe(&c.author.name),
                safe(&c.author.organisation)
            ),
            if withdrawn {
                state.theme.dim()
            } else {
                state.theme.title()
            },
        ));
        let body_style = if withdrawn {
            state.theme.dim()
        } else {
            Style::new()
        };
        // At most a few screens of one comment: a megabyte-long comment
        // costs no more to wrap and draw than a long one.
        let mut budget = MAX_BODY_CHARS;
        let mut cut = false;
        for l in c.body.lines() {
            if budget == 0 {
                cut = true;
                break;
            }
            let shown = crate::text::truncate(l, budget);
            budget = budget.saturating_sub(shown.chars().count().max(1));
            cut |= matches!(shown, std::borrow::Cow::Owned(_));
            lines.push(Line::styled(
                format!("{indent}{}", safe(&shown)),
                body_style,
            ));
        }
        if cut {
            lines.push(Line::styled(
                format!(
                    "{indent}{}",
                    tr!(
                        "… (hele teksten: oplaeg comment show {})",
                        "… (the whole text: oplaeg comment show {})",
                        &c.id
                    )
                ),
                state.theme.dim(),
            ));
        }
    };
    push(c, "", &mut lines);
    let mut queue: Vec<(String, usize)> = vec![(c.id.clone(), 1)];
    while let Some((id, depth)) = queue.pop() {
        for r in ws.replies(&id).collect::<Vec<_>>().into_iter().rev() {
            lines.push(Line::raw(""));
            push(r, &"  ".repeat(depth), &mut lines);
            queue.push((r.id.clone(), depth + 1));
        }
    }
    lines.push(Line::raw(""));
    match &c.resolution {
        Some(r) => {
            lines.push(Line::styled(
                format!(
                    "✓ {}: {} ({}, {})",
                    tr!("Besvaret", "Answered"),
                    r.disposition.label(),
                    safe(&state.name_of(&r.by)),
                    r.at.format("%Y-%m-%d")
                ),
                state.theme.ok(),
            ));
            for l in r.response.lines() {
                lines.push(Line::raw(format!("  {}", safe(l))));
            }
        }
        None => lines.push(Line::styled(
            format!("{} {}", status_mark(c.status), c.status.label()),
            if c.status == CommentStatus::Withdrawn {
                state.theme.dim()
            } else {
                state.theme.marker()
            },
        )),
    }
    lines
}

/// Lines under a thread's quote: where it stands in the version shown
/// (nothing when unchanged, or not on the chapter in the reader), its
/// earlier quotes, and what a writer can do about it.
pub fn placement_lines(state: &State, i: usize, anchor: &Anchor) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(p) = state.reader.anchors.placements.get(&i) {
        match (&p.fate, &p.text) {
            (Fate::Exact, _) => {}
            (Fate::Fuzzy { .. } | Fate::Moved, Some(text)) => {
                let symbol = if p.fate.key() == "fuzzy" {
                    "◐"
                } else {
                    "●"
                };
                lines.push(Line::styled(
                    format!(
                        "{symbol} {} {}: «{}»",
                        tr!("Nu:", "Now:"),
                        p.fate.describe(),
                        safe(text)
                    ),
                    state.theme.marker(),
                ));
            }
            (fate, _) => lines.push(Line::styled(
                format!("§ {}", safe(&fate.describe())),
                state.theme.marker(),
            )),
        }
        let writer = state.may(crate::ops::Action::Reanchor).is_ok();
        if writer && p.fate != Fate::Exact {
            let hint = if p.span.is_some() {
                tr!(
                    "b bekræfter placeringen · A knytter kommentaren til anden tekst",
                    "b confirms the placement · A attaches the comment to other words"
                )
            } else {
                tr!(
                    "A knytter kommentaren til ny tekst i kapitlet",
                    "A attaches the comment to new words in the chapter"
                )
            };
            lines.push(Line::styled(hint, state.theme.dim()));
        }
    }
    for h in &anchor.history {
        let what = match h.change {
            AnchorChangeKind::Confirmed => tr!("bekræftet", "confirmed"),
            AnchorChangeKind::Reattached => tr!("flyttet", "moved"),
        };
        lines.push(Line::styled(
            format!(
                "{} «{}» ({what} {} {})",
                tr!("Tidligere citat:", "Earlier quote:"),
                safe(&h.quote),
                safe(&state.name_of(&h.by)),
                h.at.format("%Y-%m-%d")
            ),
            state.theme.dim(),
        ));
    }
    lines
}

/// The selected recommendation: every field, related chapters, comments.
pub fn rec_detail_lines(state: &State) -> Vec<Line<'static>> {
    let Some(r) = state.selected_rec() else {
        return vec![Line::raw(tr!(
            "Ingen anbefalinger endnu.",
            "No recommendations yet."
        ))];
    };
    let def = state.ws.config.horizons.get(r.horizon);
    let mut lines = vec![
        Line::styled(
            format!("{}. {}", r.rank, safe(&r.title)),
            state.theme.title(),
        ),
        Line::from(vec![
            Span::styled(
                format!("{} ", tr!("Tidshorisont:", "Horizon:")),
                state.theme.dim(),
            ),
            Span::styled(
                format!(
                    "{} ({})",
                    safe(&horizon_label(state, r.horizon)),
                    def.span()
                ),
                state.theme.horizon(r.horizon),
            ),
        ]),
        Line::from(vec![
            Span::styled(format!("{} ", tr!("Status:", "Status:")), state.theme.dim()),
            Span::raw(r.status.label()),
        ]),
    ];
    let mut section = |label: String, text: &str| {
        if !text.trim().is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(label, state.theme.title()));
            for l in text.lines() {
                lines.push(Line::raw(safe(l)));
            }
        }
    };
    section(tr!("Anbefaling", "Recommendation"), &r.text);
    section(tr!("Mål", "Goal"), &r.goal);
    section(tr!("Realiserbarhed", "Realizability"), &r.realizability);
    if let Some(k) = &r.kraeftplan_iv {
        section(
            tr!("Sammenhæng til Kræftplan IV", "Link to Kræftplan IV"),
            k,
        );
    }
    if !r.chapters.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            tr!(
                "Relaterede kapitler (> går til det første)",
                "Related chapters (> goes to the first)"
            ),
            state.theme.title(),
        ));
        for slug in &r.chapters {
            let name = state
                .ws
                .chapters
                .iter()
                .find(|c| &c.slug == slug)
                .map_or_else(|| slug.clone(), |c| format!("{} {}", c.number, c.title));
            lines.push(Line::raw(format!("  {}", safe(&name))));
        }
    }
    let threads: Vec<_> = state
        .ws
        .comments
        .iter()
        .filter(|c| {
            c.reply_to.is_none() && c.target.recommendation.as_deref() == Some(r.slug.as_str())
        })
        .collect();
    if !threads.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            tr!("Kommentarer", "Comments"),
            state.theme.title(),
        ));
        for c in threads {
            let withdrawn = c.status == CommentStatus::Withdrawn;
            lines.push(Line::styled(
                format!(
                    "{} {} ({}) · {}",
                    status_mark(c.status),
                    safe(&c.author.name),
                    safe(&c.author.organisation),
                    c.status.label()
                ),
                if withdrawn {
                    state.theme.dim()
                } else {
                    state.theme.marker()
                },
            ));
            for l in c.body.lines() {
                lines.push(Line::raw(format!("  {}", safe(l))));
            }
            if let Some(res) = &c.resolution {
                lines.push(Line::styled(
                    format!("  → {}: {}", res.disposition.label(), safe(&res.response)),
                    state.theme.ok(),
                ));
            }
        }
    }
    lines
}

/// The selected change: its whole message and its meeting tags.
pub fn history_detail_lines(state: &State) -> Vec<Line<'static>> {
    let Some(e) = state.log.get(state.history.selected) else {
        return Vec::new();
    };
    let mut lines = vec![Line::styled(safe(&e.summary), state.theme.title())];
    lines.push(Line::styled(
        format!(
            "{} · {} · {}",
            e.time.format("%Y-%m-%d %H:%M"),
            safe(&e.author),
            &e.commit[..e.commit.len().min(10)]
        ),
        state.theme.dim(),
    ));
    if !e.tags.is_empty() {
        lines.push(Line::styled(
            format!("[{}]", safe(&e.tags.join(", "))),
            state.theme.marker(),
        ));
    }
    lines.extend(
        e.message
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| Line::raw(safe(l))),
    );
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!(
            "Enter viser hvad ændringen ændrede, i fanen Ændringer.",
            "Enter shows what the change changed, in the Changes tab."
        ),
        state.theme.dim(),
    ));
    lines
}

/// The open popup's text (popups with their own drawing give none).
pub fn popup_lines(state: &State) -> Vec<Line<'static>> {
    let Some(popup) = &state.popup else {
        return Vec::new();
    };
    match popup {
        Popup::Thread(i) => thread_lines(state, *i),
        Popup::Markers(list, chosen) => {
            let mut lines = Vec::new();
            for (n, i) in list.iter().enumerate() {
                if n > 0 {
                    lines.push(Line::raw(""));
                }
                let (mark, style) = if n == *chosen {
                    ("▶", state.theme.selected())
                } else {
                    (" ", state.theme.dim())
                };
                lines.push(Line::styled(
                    format!("{mark} {}/{}", n + 1, list.len()),
                    style,
                ));
                lines.extend(thread_lines(state, *i));
            }
            lines
        }
        Popup::Error(text) | Popup::Info(text) => {
            let style = if matches!(popup, Popup::Error(_)) {
                state.theme.error()
            } else {
                state.theme.title()
            };
            text.lines().map(|l| Line::styled(safe(l), style)).collect()
        }
        Popup::ConfirmWithdraw(id) => {
            let words = state
                .ws
                .comments
                .iter()
                .find(|c| &c.id == id)
                .map(|c| c.body.clone())
                .unwrap_or_default();
            let mut lines = vec![Line::raw(tr!(
                "Vil du trække denne kommentar tilbage?",
                "Withdraw this comment?"
            ))];
            lines.push(Line::raw(""));
            for l in words.lines() {
                lines.push(Line::styled(format!("  {}", safe(l)), state.theme.quote()));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                tr!(
                    "Den bliver stående i tråden og historikken, markeret som trukket tilbage, og skal ikke besvares.",
                    "It stays in the thread and the history, marked as withdrawn, and needs no answer."
                ),
                state.theme.dim(),
            ));
            lines
        }
        Popup::Confirm(c) => c.lines.iter().map(|l| Line::raw(safe(l))).collect(),
        Popup::Sync(s) => super::popups::sync_view::lines(state, s),
        Popup::DraftOffer(d) => {
            let mut lines = vec![
                Line::styled(
                    tr!(
                        "Du har en kladde fra sidst:",
                        "You have a draft from last time:"
                    ),
                    state.theme.title(),
                ),
                Line::raw(""),
            ];
            lines.extend(d.text.lines().map(|l| Line::raw(safe(l))));
            lines
        }
        _ => Vec::new(),
    }
}

/// The scope whose keys apply now: the help's, the popup's or the view's.
pub fn scope(state: &State) -> Scope {
    if state.help.is_some() {
        return Scope::Help;
    }
    match &state.popup {
        None => state.view.scope(),
        Some(p) => popup_scope(p),
    }
}

/// The key scope of a popup.
pub fn popup_scope(popup: &Popup) -> Scope {
    match popup {
        Popup::Thread(_) => Scope::Thread,
        Popup::Markers(..) => Scope::Markers,
        Popup::Disposition { .. } => Scope::Disposition,
        Popup::ConfirmWithdraw(_) | Popup::Confirm(_) => Scope::Confirm,
        Popup::Error(_) | Popup::Info(_) | Popup::Sync(_) | Popup::DraftOffer(_) => Scope::Message,
        Popup::Choice(_) => Scope::Choice,
        Popup::Compose(_) => Scope::Compose,
        Popup::Export(_) | Popup::Form(_) => Scope::Form,
        Popup::DiffPick(_) => Scope::Picker,
    }
}

/// Why the person may not use an action here, if they may not: their role
/// does not allow it, or it does not apply to what is selected.
pub fn refusal(state: &State, action: &Action) -> Option<String> {
    if let Some(p) = super::keymap::permission(action)
        && let Err(why) = state.may(p)
    {
        return Some(why);
    }
    if let Some(why) = super::loading::refusal(state, action) {
        return Some(why);
    }
    if state.popup.is_none() && state.view == View::Ranking {
        return super::ranking::update::refusal(state, action);
    }
    if let Action::EditComment | Action::WithdrawComment = action {
        let root = match &state.popup {
            Some(Popup::Thread(i)) => Some(*i),
            None if state.view == View::Comments => state.selected_comment(),
            _ => None,
        }?;
        return super::comments::update::own_in_thread(state, root).err();
    }
    place_refusal(state, action)
}

/// Why a key cannot work where the person is now (not who they are): the
/// pane with focus, the view. [`super::update`] says so when it is pressed.
pub fn place_refusal(state: &State, action: &Action) -> Option<String> {
    if let Some(why) = super::loading::refusal(state, action) {
        return Some(why);
    }
    match action {
        // Only a suggestion (ændringsforslag) has words to apply.
        Action::AcceptSuggestion => match &state.popup {
            Some(Popup::Thread(i))
                if state
                    .ws
                    .comments
                    .get(*i)
                    .is_some_and(|c| c.suggestion.is_none()) =>
            {
                Some(tr!(
                    "kommentaren er ikke et ændringsforslag; besvar den med a",
                    "the comment is not a suggestion; answer it with a"
                ))
            }
            _ => None,
        },
        // Keys that work on the text, while the chapter list has focus.
        Action::Select
        | Action::Suggest
        | Action::CommentQuote
        | Action::CommentParagraph
        | Action::NextMarker
        | Action::PrevMarker
        | Action::ConfirmAnchor
        | Action::AttachAnchor
            if state.popup.is_none() && state.view == View::Reader && !state.reader.text_focus =>
        {
            Some(tr!(
                "gå først ind i teksten med → eller Enter",
                "first go into the text with → or Enter"
            ))
        }
        Action::FocusLeft | Action::FocusRight
            if state.popup.is_none()
                && matches!(
                    super::tabs::tab(state.view).split,
                    super::layout::Split::Whole
                ) =>
        {
            Some(tr!(
                "her er kun én rude; ↑/↓ flytter i den",
                "there is only one pane here; ↑/↓ move in it"
            ))
        }
        Action::Open | Action::Search if state.popup.is_none() && state.view == View::Timeline => {
            Some(tr!("ikke i tidslinjen", "not in the timeline"))
        }
        Action::TagMeeting if state.meeting_numbers().is_empty() => Some(tr!(
            "der er intet møde at tagge til: planlæg et med m",
            "there is no meeting to tag for: plan one with m"
        )),
        _ => None,
    }
}

/// The help: the keys of the popup (if one is open) and of the view, each
/// marked when the person may not use it and why; then the signs.
pub fn help_lines(state: &State) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    // Without an identity most keys are refused: say why, and how to start
    // as a member (the status line has room for little).
    if state.actor.is_none()
        && let Some(problem) = &state.actor_problem
    {
        lines.push(Line::styled(
            tr!(
                "Du læser uden identitet: {}",
                "You are reading without an identity: {}",
                safe(problem)
            ),
            state.theme.error(),
        ));
        lines.push(Line::raw(""));
    }
    // The popup's keys first (when one is open), then the view's, then
    // the keys that work everywhere; each group once.
    let mut groups: Vec<Scope> = Vec::new();
    if let Some(p) = &state.popup {
        groups.extend(popup_scope(p).chain());
    }
    groups.extend(state.view.scope().chain());
    let mut seen = Vec::new();
    groups.retain(|g| {
        let new = !seen.contains(g);
        seen.push(*g);
        new
    });
    lines.push(Line::styled(
        match &state.popup {
            Some(p) => tr!(
                "Taster i vinduet «{}» og derunder",
                "Keys in the «{}» window and below it",
                popup_scope(p).title()
            ),
            None => tr!(
                "Taster i fanen «{}»",
                "Keys in the «{}» tab",
                state.view.title()
            ),
        },
        state.theme.title(),
    ));
    for group in groups {
        lines.push(Line::raw(""));
        let title = if state.popup.is_some() && group == state.view.scope() {
            tr!(
                "{} (når vinduet er lukket)",
                "{} (once the window is closed)",
                group.title()
            )
        } else {
            group.title()
        };
        lines.push(Line::styled(title, state.theme.title()));
        for b in BINDINGS.iter().filter(|b| b.scope == group) {
            let mut spans = vec![
                Span::styled(format!(" {:<16}", b.label), state.theme.marker()),
                Span::raw(b.help().to_string()),
            ];
            if let Some(why) = refusal(state, &b.action) {
                spans[0].style = state.theme.dim();
                spans[1].style = state.theme.dim();
                // The role's refusal is the same for many keys: said
                // briefly here, in full when the key is pressed.
                let role_refuses =
                    super::keymap::permission(&b.action).is_some_and(|p| state.may(p).is_err());
                let why = match (&state.actor, role_refuses) {
                    (Some(m), true) => {
                        tr!("ikke for rollen {}", "not for the role {}", m.role.label())
                    }
                    (None, true) => tr!("kun for medlemmer", "members only"),
                    _ => why,
                };
                spans.push(Span::styled(
                    tr!("  ✗ ikke her: {}", "  ✗ not here: {}", safe(&why)),
                    state.theme.dim(),
                ));
            }
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(tr!("Tegn", "Signs"), state.theme.title()));
    for (sign, da, en) in [
        (
            "● 2",
            "åbne kommentarer på afsnittet (●✓ alle besvaret, ●– alle trukket tilbage)",
            "open comments on the paragraph (●✓ all answered, ●– all withdrawn)",
        ),
        (
            "◐",
            "citatet er ændret siden; fundet omtrent",
            "the quote was edited since; found approximately",
        ),
        (
            "§",
            "citatet er væk; kommentaren står ved afsnittet",
            "the quote is gone; the comment stays with the section",
        ),
        (
            "○",
            "åben kommentar, venter på svar",
            "open comment, awaiting an answer",
        ),
        (
            "✓",
            "besvaret (med afgørelsen, fx delvist imødekommet)",
            "answered (with the disposition, e.g. partly met)",
        ),
        (
            "–",
            "trukket tilbage; skal ikke besvares",
            "withdrawn; needs no answer",
        ),
        (
            "[K] [M] [L]",
            "tidshorisont: kort, mellemlang, lang",
            "horizon: short, medium, long",
        ),
        ("⏳", "gemmer eller synkroniserer", "saving or syncing"),
        ("▶", "det valgte", "what is chosen"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!(" {sign:<16}"), state.theme.marker()),
            Span::raw(match crate::i18n::lang() {
                crate::i18n::Lang::Da => da,
                crate::i18n::Lang::En => en,
            }),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!(
            "Mus: hjulet ruller ruden under musen, et klik vælger. Rammen om ruden med fokus er tyk.",
            "Mouse: the wheel scrolls the pane under the pointer, a click chooses. The pane with focus has a thick border."
        ),
        state.theme.dim(),
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_carry_the_year_only_when_it_is_another() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(short_date(d(2024, 3, 12), d(2024, 8, 1)), "12.03");
        assert_eq!(short_date(d(2023, 3, 12), d(2024, 8, 1)), "12.03.2023");
    }
}
