//! The Diff view's part of `update`: choosing the two versions, asking the
//! worker for the comparison and taking it in, moving through the list and
//! the changes, and opening the threads of the comments shown in the text.

use crate::store::Store;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::changes::doc::{self, DiffDoc, DocKey};
use crate::tui::changes::state::{DiffSlot, Endpoint, FIRST_CHAPTER, PickChoice, PickSide, Picker};
use crate::tui::job::{self, After};
use crate::tui::state::{Popup, State};
use crate::tui::update::move_in;

/// Commits offered in the picker besides the meetings.
const PICK_COMMITS: usize = 200;

/// Keeps the view current after any action while it is shown: picks the
/// default versions, asks for the comparison when there is none for them
/// (or HEAD moved under one that involves HEAD or the working folder), and
/// lays the selected entry out again when the width or mode changed.
pub fn keep_current(state: &mut State) {
    if state.quit {
        return;
    }
    if state.diff.from.is_none() || state.diff.to.is_none() {
        choose_defaults(state);
    }
    let (Some(from), Some(to)) = (state.diff.from.clone(), state.diff.to.clone()) else {
        return;
    };
    let asked = match &state.diff.pending {
        // A newer choice supersedes a comparison still being made.
        Some((_, f, t)) => f == &from && t == &to,
        None => match &state.diff.data {
            None => false,
            Some(d) => {
                d.from == from
                    && d.to == to
                    && !((from.moves() || to.moves()) && d.head != state.head)
            }
        },
    };
    if !asked && state.diff.error.is_none() {
        request(state, from, to);
    }
    relayout(state);
}

/// The last meeting to HEAD; when the last meeting is HEAD itself, the
/// meeting before it to the last one; without meetings, the first commit
/// to HEAD.
fn choose_defaults(state: &mut State) {
    let tags = &state.tags;
    let pair = match tags.last() {
        Some(last) if state.head.as_deref() == Some(last.commit.as_str()) && tags.len() >= 2 => {
            Some((
                Endpoint::Meeting(tags[tags.len() - 2].number),
                Endpoint::Meeting(last.number),
            ))
        }
        Some(last) => Some((Endpoint::Meeting(last.number), Endpoint::Head)),
        None if state.log.len() >= 2 => state
            .log
            .last()
            .map(|first| (Endpoint::Commit(first.commit.clone()), Endpoint::Head)),
        None => None,
    };
    match pair {
        Some((from, to)) => {
            state.diff.from = Some(from);
            state.diff.to = Some(to);
            state.diff.error = None;
        }
        None => {
            state.diff.error = Some(tr!(
                "Der er endnu kun én version af oplægget, så der er intet at sammenligne.",
                "There is only one version of the draft yet, so there is nothing to compare."
            ))
        }
    }
}

/// Queues the comparison on the worker; a newer request makes older
/// answers be dropped when they arrive.
fn request(state: &mut State, from: Endpoint, to: Endpoint) {
    let id = state.diff.next_id;
    state.diff.next_id += 1;
    state.diff.pending = Some((id, from.clone(), to.clone()));
    let slot = DiffSlot::new(id);
    let cell = slot.cell.clone();
    let work: job::Work = Box::new(move |root: &std::path::Path, _: Option<&str>| {
        let store = Store::open(root)?;
        let data = crate::tui::changes::state::compute(&store, &from, &to)?;
        if let Ok(mut c) = cell.lock() {
            *c = Some(data);
        }
        Ok(None)
    });
    state.jobs.push(job::Job {
        work,
        done: String::new(),
        after: After::Diff(slot),
    });
}

/// The worker's answer: shown if it answers the latest request.
pub fn arrived(state: &mut State, slot: &DiffSlot, error: Option<String>) {
    if state.diff.pending.as_ref().map(|p| p.0) != Some(slot.id) {
        return;
    }
    state.diff.pending = None;
    let data = match (error, slot.take()) {
        (None, Some(data)) => data,
        (error, _) => {
            state.diff.error = Some(error.unwrap_or_else(|| {
                tr!(
                    "Sammenligningen gav intet resultat.",
                    "The comparison gave no result."
                )
            }));
            return;
        }
    };
    let same = state
        .diff
        .data
        .as_ref()
        .is_some_and(|d| d.from == data.from && d.to == data.to);
    state.diff.error = None;
    if !same {
        state.diff.entry = first_changed(&data);
        state.diff.cursor = 0;
        state.diff.scroll = 0;
    }
    state.diff.data = Some(Box::new(data));
    state.diff.doc = DiffDoc::default();
    select_wanted(state);
    relayout(state);
}

/// Compares `from` with `to`, on `chapter` when it is given (another tab's
/// way here, e.g. Mit overblik's `c`).
pub fn show(state: &mut State, from: Endpoint, to: Endpoint, chapter: Option<String>) {
    state.diff.from = Some(from);
    state.diff.to = Some(to);
    state.diff.error = None;
    state.diff.want_chapter = chapter;
    // Already compared: select the chapter now.
    select_wanted(state);
}

/// Selects the chapter asked for, once the comparison holding it is here.
fn select_wanted(state: &mut State) {
    let Some(slug) = state.diff.want_chapter.clone() else {
        return;
    };
    let Some(data) = &state.diff.data else {
        return;
    };
    if Some(&data.from) != state.diff.from.as_ref() || Some(&data.to) != state.diff.to.as_ref() {
        return;
    }
    state.diff.want_chapter = None;
    if let Some(i) = data
        .diff
        .chapters
        .iter()
        .position(|c| c.side().slug == slug)
    {
        state.diff.entry = FIRST_CHAPTER + i;
        state.diff.cursor = 0;
        state.diff.scroll = 0;
        state.diff.doc = DiffDoc::default();
    }
}

/// The first changed chapter, else the recommendations.
fn first_changed(data: &crate::tui::changes::state::DiffData) -> usize {
    let chapters = &data.diff.chapters;
    match chapters.iter().position(|c| !c.is_unchanged()) {
        Some(i) => FIRST_CHAPTER + i,
        None if data
            .diff
            .recommendations
            .iter()
            .any(|r| r.change != crate::diff::RecChange::Unchanged) =>
        {
            0
        }
        None if data.diff.summary.comments.written + data.diff.summary.comments.resolved > 0 => 1,
        None if !chapters.is_empty() => FIRST_CHAPTER,
        None => 0,
    }
}

/// Lays the selected entry out again if its key changed, keeping the
/// cursor on the same block.
fn relayout(state: &mut State) {
    let Some(data) = &state.diff.data else {
        return;
    };
    let entries = state.diff.entries();
    state.diff.entry = state.diff.entry.min(entries.saturating_sub(1));
    let key = DocKey {
        entry: state.diff.entry,
        width: crate::tui::layout::diff_text_width(state.width),
        side_by_side: state.diff.side_by_side,
        signs: !state.theme.color,
    };
    if state.diff.doc.key == Some(key) {
        return;
    }
    let same_entry = state.diff.doc.key.is_some_and(|k| k.entry == key.entry);
    let group = state.diff.doc.rows.get(state.diff.cursor).map(|r| r.group);
    state.diff.doc = doc::build(data, key);
    let rows = state.diff.doc.rows.len();
    state.diff.cursor = match group {
        Some(g) if same_entry => state
            .diff
            .doc
            .rows
            .iter()
            .position(|r| r.group == g)
            .unwrap_or(0),
        _ => state.diff.cursor.min(rows.saturating_sub(1)),
    };
    follow_cursor(state);
}

/// Handles an action in the Diff view.
pub fn diff(state: &mut State, action: Action) {
    match action {
        Action::ChooseFrom => open_picker(state, PickSide::From),
        Action::ChooseTo => open_picker(state, PickSide::To),
        Action::SideBySide => {
            state.diff.side_by_side = !state.diff.side_by_side;
            state.message = Some(if state.diff.side_by_side {
                tr!(
                    "Før til venstre, efter til højre.",
                    "Before on the left, after on the right."
                )
            } else {
                tr!("Før og efter i én tekst.", "Before and after in one text.")
            });
        }
        Action::Focus => state.diff.text_focus = !state.diff.text_focus,
        Action::NextChange | Action::PrevChange => next_change(state, action == Action::NextChange),
        Action::NextMarker | Action::PrevMarker => {
            let marks = state.diff.doc.marks.clone();
            if !jump(state, &marks, action == Action::NextMarker) {
                state.message = Some(tr!(
                    "Ikke flere kommentarer i den retning.",
                    "No more comments that way."
                ));
            }
        }
        Action::Open if !state.diff.text_focus => state.diff.text_focus = true,
        Action::Open => open_thread(state),
        Action::Back => state.diff.text_focus = false,
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            if state.diff.text_focus {
                let page = crate::tui::layout::diff_text_height(state.height).max(1);
                let rows = state.diff.doc.rows.len();
                move_in(&mut state.diff.cursor, rows, &action, page);
                follow_cursor(state);
            } else {
                let mut entry = state.diff.entry;
                move_in(&mut entry, state.diff.entries(), &action, 10);
                select_entry(state, entry);
            }
        }
        _ => {}
    }
}

fn select_entry(state: &mut State, entry: usize) {
    if entry != state.diff.entry {
        state.diff.entry = entry;
        state.diff.cursor = 0;
        state.diff.scroll = 0;
        relayout(state);
    }
}

/// Moves the cursor to the next (or previous) of `rows`; false if none.
fn jump(state: &mut State, rows: &[usize], forward: bool) -> bool {
    let cursor = state.diff.cursor;
    let target = if forward {
        rows.iter().copied().find(|&r| r > cursor)
    } else {
        rows.iter().rev().copied().find(|&r| r < cursor)
    };
    match target {
        Some(r) => {
            state.diff.text_focus = true;
            state.diff.cursor = r;
            reveal(state);
            true
        }
        None => false,
    }
}

/// After a jump: the cursor's row a third down the pane when it was out
/// of view, so what follows it shows too.
fn reveal(state: &mut State) {
    let height = crate::tui::layout::diff_text_height(state.height).max(1);
    let d = &mut state.diff;
    if d.cursor < d.scroll || d.cursor >= d.scroll + height {
        d.scroll = d.cursor.saturating_sub(height / 3);
    }
}

/// `n`/`N`: the next change in this entry, else in the next changed chapter.
fn next_change(state: &mut State, forward: bool) {
    let stops = state.diff.doc.stops.clone();
    if jump(state, &stops, forward) {
        return;
    }
    let Some(data) = &state.diff.data else {
        return;
    };
    let changed = |i: &usize| !data.diff.chapters[*i].is_unchanged();
    let next = match state.diff.chapter() {
        Some(c) if forward => (c + 1..data.diff.chapters.len()).find(changed),
        Some(c) => (0..c).rev().find(changed),
        None => None,
    };
    match next {
        Some(c) => {
            select_entry(state, FIRST_CHAPTER + c);
            let stops = &state.diff.doc.stops;
            let at = if forward { stops.first() } else { stops.last() };
            state.diff.cursor = at.copied().unwrap_or(0);
            state.diff.text_focus = true;
            reveal(state);
        }
        None => {
            state.message = Some(tr!(
                "Ikke flere ændringer i den retning.",
                "No more changes that way."
            ))
        }
    }
}

/// Scrolls so the cursor's row is visible.
fn follow_cursor(state: &mut State) {
    let height = crate::tui::layout::diff_text_height(state.height).max(1);
    let d = &mut state.diff;
    if d.cursor < d.scroll {
        d.scroll = d.cursor;
    } else if d.cursor >= d.scroll + height {
        d.scroll = d.cursor + 1 - height;
    }
}

/// Enter in the text: the thread of the comment on the cursor's row, or
/// of the comments on its block.
fn open_thread(state: &mut State) {
    let doc = &state.diff.doc;
    let Some(row) = doc.rows.get(state.diff.cursor) else {
        return;
    };
    let mut ids: Vec<String> = row.comments.clone();
    if ids.is_empty() {
        for r in doc.rows.iter().filter(|r| r.group == row.group) {
            for id in &r.comments {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
    }
    let mut list: Vec<usize> = Vec::new();
    for id in &ids {
        if let Some(i) = root_of(state, id)
            && !list.contains(&i)
        {
            list.push(i);
        }
    }
    state.popup = match list.len() {
        0 if ids.is_empty() => {
            state.message = Some(tr!(
                "Ingen kommentarer her. m/M springer mellem kommentarerne.",
                "No comments here. m/M jump between the comments."
            ));
            None
        }
        0 => {
            state.message = Some(tr!(
                "Kommentaren findes ikke i den nyeste version.",
                "The comment is not in the latest version."
            ));
            None
        }
        1 => Some(Popup::Thread(list[0])),
        _ => Some(Popup::Markers(list, 0)),
    };
}

/// The comment a thread starts with (following replies up), as an index
/// into the workspace's comments.
fn root_of(state: &State, id: &str) -> Option<usize> {
    let comments = &state.ws.comments;
    let mut i = comments.iter().position(|c| c.id == id)?;
    for _ in 0..comments.len() {
        match &comments[i].reply_to {
            Some(parent) => match comments.iter().position(|c| &c.id == parent) {
                Some(p) => i = p,
                None => break,
            },
            None => break,
        }
    }
    Some(i)
}

/// `/` in the Diff view: the next row with the words.
pub fn find(state: &mut State, text: &str) {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    let rows = &state.diff.doc.rows;
    let n = rows.len();
    let start = state.diff.cursor + 1;
    let hit = (start..n)
        .chain(0..start.min(n))
        .find(|&r| doc::row_text(&rows[r]).to_lowercase().contains(&needle));
    match hit {
        Some(r) => {
            state.diff.text_focus = true;
            state.diff.cursor = r;
            reveal(state);
        }
        None => {
            state.message = Some(tr!(
                "«{text}» står ikke her.",
                "«{text}» is not shown here."
            ))
        }
    }
}

// -------------------------------------------------------------- the picker

/// Everything that can be compared: the meetings (newest first), the latest
/// version, the working folder and the recent commits.
fn choices(state: &State) -> Vec<PickChoice> {
    let mut out = Vec::new();
    for t in state.tags.iter().rev() {
        let date = t.date.map(|d| d.format("%Y-%m-%d").to_string());
        out.push(PickChoice {
            endpoint: Endpoint::Meeting(t.number),
            label: tr!("Møde {}", "Meeting {}", t.number),
            detail: [date.unwrap_or_default(), t.title.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
        });
    }
    if let Some(first) = state.log.first() {
        out.push(PickChoice {
            endpoint: Endpoint::Head,
            label: tr!("Nyeste version", "Latest version"),
            detail: format!(
                "HEAD · {} · {}",
                first.time.format("%Y-%m-%d"),
                first.summary
            ),
        });
    }
    out.push(PickChoice {
        endpoint: Endpoint::Worktree,
        label: tr!("Arbejdsmappen", "Working folder"),
        detail: tr!(
            "også det, der endnu ikke er gemt i git",
            "including what is not yet saved in git"
        ),
    });
    for e in state.log.iter().take(PICK_COMMITS) {
        let tags = if e.tags.is_empty() {
            String::new()
        } else {
            format!("[{}] ", e.tags.join(", "))
        };
        out.push(PickChoice {
            endpoint: Endpoint::Commit(e.commit.clone()),
            label: e.commit[..e.commit.len().min(7)].to_string(),
            detail: format!(
                "{} {tags}{}: {}",
                e.time.format("%Y-%m-%d %H:%M"),
                e.author,
                e.summary
            ),
        });
    }
    out
}

fn open_picker(state: &mut State, side: PickSide) {
    let (Some(from), Some(to)) = (state.diff.from.clone(), state.diff.to.clone()) else {
        if let Some(e) = &state.diff.error {
            state.popup = Some(Popup::Info(e.clone()));
        }
        return;
    };
    let choices = choices(state);
    let current = if side == PickSide::From { &from } else { &to };
    let cursor = choices
        .iter()
        .position(|c| &c.endpoint == current)
        .unwrap_or(0);
    state.popup = Some(Popup::DiffPick(Box::new(Picker {
        side,
        from,
        to,
        choices,
        cursor,
    })));
}

/// Keys in the picker: ↑/↓ choose for the side being chosen, ←/→ (or f/t)
/// switch side, Enter compares, Esc leaves everything as it was.
pub fn picker(state: &mut State, action: Action) -> Option<Action> {
    let Some(Popup::DiffPick(p)) = state.popup.as_mut() else {
        return None;
    };
    let side_to = |p: &mut Picker, side: PickSide| {
        p.side = side;
        let current = if side == PickSide::From {
            &p.from
        } else {
            &p.to
        };
        if let Some(i) = p.choices.iter().position(|c| &c.endpoint == current) {
            p.cursor = i;
        }
    };
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            move_in(&mut p.cursor, p.choices.len(), &action, 10);
            if let Some(c) = p.choices.get(p.cursor) {
                match p.side {
                    PickSide::From => p.from = c.endpoint.clone(),
                    PickSide::To => p.to = c.endpoint.clone(),
                }
            }
        }
        Action::Focus => {
            let other = match p.side {
                PickSide::From => PickSide::To,
                PickSide::To => PickSide::From,
            };
            side_to(p, other);
        }
        Action::ChooseFrom => side_to(p, PickSide::From),
        Action::ChooseTo => side_to(p, PickSide::To),
        Action::Open => {
            let (from, to) = (p.from.clone(), p.to.clone());
            state.popup = None;
            if state.diff.from.as_ref() == Some(&from) && state.diff.to.as_ref() == Some(&to) {
                // The same pair again: compare afresh (the working folder may have changed).
                state.diff.data = None;
            }
            state.diff.from = Some(from);
            state.diff.to = Some(to);
            state.diff.error = None;
        }
        Action::Back | Action::Quit => state.popup = None,
        _ => {}
    }
    None
}
