//! Mit overblik's part of `update`: asking the worker for the overview,
//! taking it in, the keys, and what a sync brought.

use crate::ops::mine::{self, Query, Scope, SubjectKind};
use crate::store::Store;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::changes::state::Endpoint;
use crate::tui::job::{self, After};
use crate::tui::mine::state::{MineSlot, SinceChoice};
use crate::tui::panes::{self, Pane};
use crate::tui::state::{Popup, State, View};

/// Asks for the overview when what is shown is not what is wanted (another
/// scope, another "since", a new HEAD); nothing while it is being made.
pub fn keep_current(state: &mut State) {
    // Before the comments are read there is nothing to make it from.
    if state.quit || state.load != crate::tui::loading::LoadState::Loaded {
        return;
    }
    let key = state.mine.key(state.head.as_ref());
    if state.mine.pending.as_ref().is_some_and(|(_, k)| *k == key)
        || state.mine.data.as_ref().is_some_and(|(k, _)| *k == key)
        || state.mine.error.as_ref().is_some_and(|(k, _)| *k == key)
    {
        return;
    }
    let email = match (&state.actor, &state.actor_email) {
        (Some(_), Some(e)) => e.clone(),
        _ => {
            let why = state.actor_problem.clone().unwrap_or_default();
            state.mine.error = Some((key, why));
            return;
        }
    };
    let id = state.mine.next_id;
    state.mine.next_id += 1;
    state.mine.pending = Some((id, key.clone()));
    let slot = MineSlot::new(id);
    let cell = slot.cell.clone();
    let query = Query {
        email,
        scope: key.scope,
        since: key.since.since(),
        today: state.today,
    };
    let work: job::Work = Box::new(move |root: &std::path::Path, _: Option<&str>| {
        let store = Store::open(root)?;
        let o = mine::overview(&store, &query)?;
        if let Ok(mut c) = cell.lock() {
            *c = Some(o);
        }
        Ok(None)
    });
    state.jobs.push(job::Job {
        work,
        done: String::new(),
        after: After::Mine(slot),
    });
}

/// The worker's answer: kept if it answers the latest request.
pub fn arrived(state: &mut State, slot: &MineSlot, error: Option<String>) {
    let Some((id, key)) = state.mine.pending.clone() else {
        return;
    };
    if id != slot.id {
        return;
    }
    state.mine.pending = None;
    match (error, slot.take()) {
        (None, Some(o)) => {
            let same = state
                .mine
                .data
                .as_ref()
                .is_some_and(|(k, _)| k.scope == key.scope && k.since == key.since);
            if !same {
                state.mine.selected = 0;
                state.mine.scroll = 0;
            }
            let n = o.comments().count();
            state.mine.selected = state.mine.selected.min(n.saturating_sub(1));
            state.mine.error = None;
            state.mine.data = Some((key, Box::new(o)));
            state.mine.arrivals += 1;
        }
        (error, _) => {
            let why = error.unwrap_or_else(|| {
                tr!(
                    "Overblikket gav intet resultat.",
                    "The overview gave no result."
                )
            });
            state.mine.error = Some((key, why));
        }
    }
}

/// Handles an action in Mit overblik.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    match action {
        Action::MineScope => {
            state.mine.scope = match state.mine.scope {
                Scope::Member => Scope::Organisation,
                Scope::Organisation => Scope::Member,
            };
            state.message = Some(match state.mine.scope {
                Scope::Member => tr!("Mine kommentarer.", "My comments."),
                Scope::Organisation => tr!(
                    "Alle kommentarer fra min organisation.",
                    "All comments from my organisation."
                ),
            });
        }
        Action::MineSince => {
            state.mine.since = next_since(state);
            state.message = Some(tr!("Siden {}.", "Since {}.", state.mine.since.label()));
        }
        Action::MarkRead => mark_read(state),
        Action::MineNext | Action::MinePrev => select(state, action == Action::MineNext),
        Action::Open => open_thread(state),
        Action::MineChanges => show_changes(state),
        a => {
            panes::scroll(state, Pane::Mine, &a);
        }
    }
    None
}

/// The next "since": the last meeting, each earlier meeting, my last look.
fn next_since(state: &State) -> SinceChoice {
    let mut meetings: Vec<u32> = state.tags.iter().map(|t| t.number).collect();
    meetings.sort_unstable();
    meetings.dedup();
    // The last meeting is `LastMeeting`; the earlier ones follow, newest first.
    let earlier: Vec<u32> = meetings.iter().rev().skip(1).copied().collect();
    match &state.mine.since {
        SinceChoice::LastMeeting => earlier
            .first()
            .map_or(SinceChoice::LastLook, |n| SinceChoice::Meeting(*n)),
        SinceChoice::Meeting(n) => earlier
            .iter()
            .find(|m| *m < n)
            .map_or(SinceChoice::LastLook, |m| SinceChoice::Meeting(*m)),
        SinceChoice::LastLook | SinceChoice::Sync(_) => SinceChoice::LastMeeting,
    }
}

/// Moves my last-look marker to the version shown.
fn mark_read(state: &mut State) {
    let (Some(email), Some(commit)) = (
        state.actor_email.clone(),
        state.mine.overview().and_then(|o| o.commit.clone()),
    ) else {
        state.message = Some(tr!("Intet at markere endnu.", "Nothing to mark yet."));
        return;
    };
    let now = chrono::Local::now().fixed_offset();
    match mine::mark_read(&state.store, &email, &commit, now) {
        Ok(_) => {
            state.mine.marks += 1;
            state.message = Some(tr!(
                "Markeret som læst: \"siden sidst jeg kiggede\" regnes nu herfra.",
                "Marked as read: \"since I last looked\" now counts from here."
            ));
        }
        Err(e) => state.popup = Some(Popup::Error(e.to_string())),
    }
}

/// Selects the next or previous comment and scrolls to it.
fn select(state: &mut State, forward: bool) {
    let n = state.mine.overview().map_or(0, |o| o.comments().count());
    if n == 0 {
        state.message = Some(none_here());
        return;
    }
    let s = &mut state.mine.selected;
    *s = if forward {
        (*s + 1).min(n - 1)
    } else {
        s.saturating_sub(1)
    };
    let row = super::view::selected_row(state);
    if let Some(row) = row {
        state.mine.scroll = row.saturating_sub(1);
    }
}

/// Enter: the selected comment's thread, as in Kommentarer.
fn open_thread(state: &mut State) {
    let Some(id) = selected_id(state) else {
        state.message = Some(none_here());
        return;
    };
    match state.ws.comments.iter().position(|c| c.id == id) {
        Some(i) => state.popup = Some(Popup::Thread(i)),
        None => {
            state.message = Some(tr!(
                "Kommentaren findes ikke i den indlæste version.",
                "The comment is not in the loaded version."
            ))
        }
    }
}

/// Said when a key for a comment finds none in the overview.
fn none_here() -> String {
    tr!(
        "Her er ingen kommentarer at vælge.",
        "There are no comments here to choose."
    )
}

fn selected_id(state: &State) -> Option<String> {
    let o = state.mine.overview()?;
    o.comments().nth(state.mine.selected).map(|c| c.id.clone())
}

/// `c`: what changed since the overview's "since" in the selected
/// comment's chapter (or the recommendations), in Ændringer.
fn show_changes(state: &mut State) {
    let Some(o) = state.mine.overview() else {
        return;
    };
    let from = o
        .since
        .as_ref()
        .and_then(|s| s.from.commit.clone())
        .map(Endpoint::Commit);
    let Some(from) = from else {
        state.message = Some(tr!(
            "Der er ingen tidligere version at sammenligne med.",
            "There is no earlier version to compare with."
        ));
        return;
    };
    let target = o
        .comments()
        .nth(state.mine.selected)
        .map(|c| (c.on.kind, c.on.slug.clone()));
    let chapter = match target {
        Some((SubjectKind::Chapter, slug)) => Some(slug),
        _ => None,
    };
    crate::tui::changes::update::show(state, from, Endpoint::Head, chapter);
    state.view = View::Diff;
}

/// After a sync: what arrived for me between HEAD before and after, in the
/// status line, and the tab opened on it. False when nothing arrived.
pub fn after_sync(state: &mut State, before: Option<String>) -> bool {
    let (Some(email), Some(after)) = (state.actor_email.clone(), state.head.clone()) else {
        return false;
    };
    if state.actor.is_none() || before.as_ref() == Some(&after) {
        return false;
    }
    let (Ok(to), from) = (
        git2::Oid::from_str(&after),
        before.as_deref().and_then(|b| git2::Oid::from_str(b).ok()),
    ) else {
        return false;
    };
    let Ok(arrived) = mine::arrived_between(&state.store, &email, Scope::Member, from, to) else {
        return false;
    };
    let Some(message) = arrived.message(Scope::Member) else {
        return false;
    };
    state.message = Some(message);
    state.mine.scope = Scope::Member;
    state.mine.since = match before {
        Some(b) => SinceChoice::Sync(b),
        None => SinceChoice::LastMeeting,
    };
    state.view = View::Mine;
    true
}

/// `/`: the first comment whose text, quote or place holds the words.
pub fn find(state: &mut State, text: &str) {
    let t = text.to_lowercase();
    let Some(o) = state.mine.overview() else {
        return;
    };
    let hit = o.comments().position(|c| {
        c.body.to_lowercase().contains(&t)
            || c.quote
                .as_deref()
                .is_some_and(|q| q.to_lowercase().contains(&t))
            || c.on.label().to_lowercase().contains(&t)
    });
    if let Some(i) = hit {
        state.mine.selected = i;
        if let Some(row) = super::view::selected_row(state) {
            state.mine.scroll = row.saturating_sub(1);
        }
    }
}
