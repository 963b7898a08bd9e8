//! Anbefalinger's part of `update`: moving in the list, making a new order
//! (saved as one change), choosing horizon and status, editing fields.

use crate::ops::Action as Permission;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::job::After;
use crate::tui::layout;
use crate::tui::panes::{self, Pane};
use crate::tui::state::{ComposeTarget, State, View};
use crate::tui::update::{compose, move_in, refuse, select_chapter, write};

/// Handles an action in the Anbefalinger view.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    if action == Action::Focus {
        state.recs.detail_focus = !state.recs.detail_focus;
        return None;
    }
    if state.recs.detail_focus && panes::scroll(state, Pane::RecDetail, &action) {
        return None;
    }
    let [list, _] = layout::panes(View::Recs, state.width, state.height, false);
    let page = layout::page(usize::from(layout::inner(list).height));
    let len = state.ws.recommendations.len();
    let rec = state.selected_rec().cloned()?;
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let mut i = state.recs.selected;
            move_in(&mut i, len, &action, page);
            select_rec(state, i);
        }
        Action::MoveUp | Action::MoveDown => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            let to = if action == Action::MoveUp {
                state.recs.selected.checked_sub(1)
            } else {
                Some(state.recs.selected + 1).filter(|&t| t < len)
            };
            if let Some(to) = to {
                let order = state.recs.pending.get_or_insert_with(|| {
                    state
                        .ws
                        .recommendations
                        .iter()
                        .map(|r| r.slug.clone())
                        .collect()
                });
                order.swap(state.recs.selected, to);
                state.recs.selected = to;
                state.message = Some(tr!(
                    "«{}» er nu nr. {} – Enter gemmer rækkefølgen, Esc fortryder.",
                    "«{}» is now no. {} – Enter saves the order, Esc undoes.",
                    rec.title,
                    to + 1
                ));
                unchanged_order_is_no_order(state);
            }
        }
        Action::Open if state.recs.pending.is_some() => save_order(state),
        Action::Open => state.recs.detail_focus = true,
        Action::Back if state.recs.pending.is_some() => {
            // Back to the saved order, on the same recommendation.
            state.recs.pending = None;
            state.recs.selected = state
                .ws
                .recommendations
                .iter()
                .position(|r| r.slug == rec.slug)
                .unwrap_or(0);
            state.message = Some(tr!("Rækkefølgen er som før.", "The order is as it was."));
        }
        Action::MoveTo => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            crate::tui::popups::forms::ask_rank(state, &rec);
        }
        Action::ChooseHorizon | Action::ChooseStatus => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            crate::tui::popups::forms::choose(state, &rec, action == Action::ChooseHorizon);
        }
        Action::EditText | Action::EditGoal | Action::EditRealizability => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            let (field, label, current) = match action {
                Action::EditGoal => ("goal", tr!("Mål", "Goal"), rec.goal.clone()),
                Action::EditRealizability => (
                    "realizability",
                    tr!("Realiserbarhed", "Realizability"),
                    rec.realizability.clone(),
                ),
                _ => ("text", tr!("Tekst", "Text"), rec.text.clone()),
            };
            compose(
                state,
                ComposeTarget::RecField {
                    rec: rec.slug.clone(),
                    field: field.into(),
                },
                format!("{label}: {}", rec.title),
                &current,
            );
        }
        Action::CommentWhole => {
            if refuse(state, Permission::Comment) {
                return None;
            }
            let title = tr!(
                "Kommentar til anbefaling {}",
                "Comment on recommendation {}",
                rec.rank
            );
            compose(state, ComposeTarget::Rec(rec.slug.clone()), title, "");
        }
        Action::Jump => {
            if let Some(i) = rec
                .chapters
                .first()
                .and_then(|s| state.ws.chapters.iter().position(|c| &c.slug == s))
            {
                state.view = View::Reader;
                select_chapter(state, i);
            } else {
                state.message = Some(tr!(
                    "Anbefalingen nævner ingen kapitler.",
                    "The recommendation names no chapters."
                ));
            }
        }
        _ => {}
    }
    None
}

/// `/`: the first recommendation whose title or text holds the words.
pub fn find(state: &mut State, text: &str) {
    let t = text.to_lowercase();
    let order = state.rec_order();
    if let Some(i) = order.iter().position(|&k| {
        let r = &state.ws.recommendations[k];
        r.title.to_lowercase().contains(&t) || r.text.to_lowercase().contains(&t)
    }) {
        select_rec(state, i);
    }
}

/// An order moved back to where it was is no change to save.
fn unchanged_order_is_no_order(state: &mut State) {
    let same = state.recs.pending.as_ref().is_some_and(|o| {
        o.iter()
            .zip(&state.ws.recommendations)
            .all(|(a, r)| *a == r.slug)
    });
    if same {
        state.recs.pending = None;
    }
}

/// Saves the order made with K/J as one change.
fn save_order(state: &mut State) {
    let Some(order) = state.recs.pending.clone() else {
        return;
    };
    let at = state.recs.selected;
    let moved = state
        .ws
        .recommendations
        .iter()
        .enumerate()
        .filter(|(i, r)| order.get(*i) != Some(&r.slug))
        .count();
    let done = tr!(
        "Den nye rækkefølge er gemt ({} flyttet).",
        "The new order was saved ({} moved).",
        moved
    );
    write(state, done, After::SavedOrder(at), move |s| {
        s.rec_reorder(&order).map(|_| ())
    });
}

/// Selects a recommendation in the list; its details start at the top.
pub(crate) fn select_rec(state: &mut State, i: usize) {
    if i != state.recs.selected {
        state.recs.detail_scroll = 0;
    }
    state.recs.selected = i;
}
