//! Historik's part of `update`: the list, the selected change's message,
//! and Enter to see what it changed in Ændringer.

use crate::tr;
use crate::tui::action::Action;
use crate::tui::changes::state::Endpoint;
use crate::tui::layout;
use crate::tui::panes::{self, Pane};
use crate::tui::state::{State, View};
use crate::tui::update::move_in;

/// Handles an action in the Historik view.
pub fn update(state: &mut State, action: Action) {
    if action == Action::Focus {
        state.history.detail_focus = !state.history.detail_focus;
        return;
    }
    if action == Action::Open {
        return show_change(state);
    }
    if state.history.detail_focus && panes::scroll(state, Pane::HistoryDetail, &action) {
        return;
    }
    let [list, _] = layout::panes(View::History, state.width, state.height, true);
    let page = layout::page(usize::from(layout::inner(list).height));
    let before = state.history.selected;
    move_in(&mut state.history.selected, state.log.len(), &action, page);
    if state.history.selected != before {
        state.history.detail_scroll = 0;
    }
}

/// Historik's Enter: what the selected change changed, in Ændringer
/// (from the version before it to it).
fn show_change(state: &mut State) {
    let Some(entry) = state.log.get(state.history.selected) else {
        return;
    };
    if state.history.selected + 1 >= state.log.len() {
        state.message = Some(tr!(
            "Den første ændring har intet før sig at sammenligne med.",
            "The first change has nothing before it to compare with."
        ));
        return;
    }
    let id = entry.commit.clone();
    state.diff.from = Some(Endpoint::Commit(format!("{id}^")));
    state.diff.to = Some(Endpoint::Commit(id));
    state.diff.error = None;
    state.view = View::Diff;
}

/// `/`: the first change whose message or author holds the words.
pub fn find(state: &mut State, text: &str) {
    let t = text.to_lowercase();
    if let Some(i) = state
        .log
        .iter()
        .position(|e| e.summary.to_lowercase().contains(&t) || e.author.to_lowercase().contains(&t))
    {
        state.history.selected = i;
        state.history.detail_scroll = 0;
    }
}
