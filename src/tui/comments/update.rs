//! Kommentarer's part of `update`: the list and its filters, the thread
//! beside it, replying, resolving, and changing one's own comments.

use crate::ops::Action as Permission;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::layout;
use crate::tui::panes::{self, Pane};
use crate::tui::state::{ComposeTarget, Popup, State, StatusFilter, View};
use crate::tui::update::{compose, move_in, reply_to, resolve, select_chapter};

/// Handles an action in the Kommentarer view.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    if action == Action::Focus {
        state.comments_view.thread_focus = !state.comments_view.thread_focus;
        return None;
    }
    if state.comments_view.thread_focus && panes::scroll(state, Pane::CommentThread, &action) {
        return None;
    }
    let [list, _] = layout::panes(View::Comments, state.width, state.height, false);
    let page = layout::page(usize::from(layout::inner(list).height));
    let len = state.comments_view.rows.len();
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let before = state.comments_view.selected;
            move_in(&mut state.comments_view.selected, len, &action, page);
            if state.comments_view.selected != before {
                state.comments_view.thread_scroll = 0;
            }
        }
        Action::FilterStatus => {
            state.comments_view.status_filter = match state.comments_view.status_filter {
                StatusFilter::All => StatusFilter::Open,
                StatusFilter::Open => StatusFilter::Resolved,
                StatusFilter::Resolved => StatusFilter::All,
            };
            state.rebuild_comment_rows();
        }
        Action::FilterOrganisation => {
            state.comments_view.org_filter = next_filter(
                &state.organisations(),
                state.comments_view.org_filter.as_ref(),
            );
            state.rebuild_comment_rows();
        }
        Action::FilterPlace => {
            state.comments_view.place_filter =
                next_filter(&state.places(), state.comments_view.place_filter.as_ref());
            state.rebuild_comment_rows();
        }
        Action::Back => {
            state.comments_view.status_filter = StatusFilter::All;
            state.comments_view.org_filter = None;
            state.comments_view.place_filter = None;
            state.comments_view.search.clear();
            state.rebuild_comment_rows();
        }
        Action::Open => {
            if let Some(i) = state.selected_comment() {
                state.popup = Some(Popup::Thread(i));
            }
        }
        Action::Reply => {
            if let Some(i) = state.selected_comment() {
                reply_to(state, i);
            }
        }
        Action::EditComment | Action::WithdrawComment => {
            if let Some(i) = state.selected_comment() {
                change_own_comment(state, i, &action);
            }
        }
        Action::Resolve => {
            if let Some(i) = state.selected_comment() {
                resolve(state, i);
            }
        }
        Action::ConfirmAnchor | Action::AttachAnchor => {
            crate::tui::reader::anchoring::decide(state, None, &action);
        }
        Action::Jump => {
            let i = state.selected_comment()?;
            let c = state.ws.comments[i].clone();
            if let Some(ch) = &c.target.chapter
                && let Some(idx) = state.ws.chapters.iter().position(|x| &x.slug == ch)
            {
                state.view = View::Reader;
                select_chapter(state, idx);
                state.reader.text_focus = true;
                crate::tui::reader::anchoring::cursor_to_comment(state, i);
            } else if let Some(r) = &c.target.recommendation
                && let Some(idx) = state.ws.recommendations.iter().position(|x| &x.slug == r)
            {
                state.view = View::Recs;
                state.recs.selected = idx;
            }
        }
        _ => {}
    }
    None
}

/// Edits (in the editor popup) or withdraws (after asking) the actor's own
/// open comment in the thread that starts with comment `root`.
pub(crate) fn change_own_comment(state: &mut State, root: usize, action: &Action) {
    let i = match own_in_thread(state, root) {
        Ok(i) => i,
        Err(why) => {
            state.popup = Some(Popup::Error(why));
            return;
        }
    };
    let c = &state.ws.comments[i];
    let id = c.id.clone();
    if *action == Action::WithdrawComment {
        state.popup = Some(Popup::ConfirmWithdraw(id));
        return;
    }
    let body = c.body.clone();
    let title = tr!("Ret din kommentar", "Edit your comment");
    compose(state, ComposeTarget::EditComment(id), title, &body);
}

/// The comment of a thread the actor may edit or withdraw: the thread's
/// first comment when it is theirs, else their newest open reply in it.
pub(crate) fn own_in_thread(state: &State, root: usize) -> Result<usize, String> {
    state.may(Permission::Comment)?;
    let Some(actor) = state.actor.as_ref() else {
        return Err(state.actor_problem.clone().unwrap_or_default());
    };
    let ws = &state.ws;
    let mine = |c: &crate::model::Comment| c.author.email.eq_ignore_ascii_case(&actor.email);
    if !mine(&ws.comments[root]) {
        let mut queue = vec![ws.comments[root].id.clone()];
        let mut found = None;
        while let Some(id) = queue.pop() {
            for r in ws.replies(&id) {
                if mine(r) && r.is_open() && found.is_none_or(|f: usize| ws.comments[f].id < r.id) {
                    found = ws.comments.iter().position(|x| x.id == r.id);
                }
                queue.push(r.id.clone());
            }
        }
        if let Some(i) = found {
            return Ok(i);
        }
    }
    crate::ops::may_change_comment(actor, &ws.comments[root])
        .map(|()| root)
        .map_err(|e| e.to_string())
}

/// The next value of a cycling filter: none → the first → … → the last → none.
fn next_filter(values: &[String], current: Option<&String>) -> Option<String> {
    match current {
        None => values.first().cloned(),
        Some(cur) => values.iter().skip_while(|v| *v != cur).nth(1).cloned(),
    }
}
