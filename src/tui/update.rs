//! The only place the UI's state changes: `update(state, action)`. Writes go
//! through the same [`crate::ops`] as the command line; their errors become
//! popups, never crashes.

use ratatui_textarea::TextArea;

use super::action::Action;
use super::job::{self, After};
use super::state::{Compose, ComposeTarget, Draft, Popup, State, StatusFilter, SyncPopup, View};
use crate::model::{Choice, Disposition, Horizon, RecStatus};
use crate::ops::{Action as Permission, NewTarget, RecEdit, Session};
use crate::tr;

/// Carries out one action; may return a follow-up action.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    let next = apply(state, action);
    if state.view == View::Diff {
        // Ask for the comparison, or lay it out again, when it is due.
        super::diff_update::keep_current(state);
    }
    next
}

fn apply(state: &mut State, action: Action) -> Option<Action> {
    if let Action::Resize(w, h) = action {
        state.width = w;
        state.height = h;
        if state.doc.width != state.text_width() {
            let keep = state.cursor;
            state.doc.rewrap(state.text_width());
            state.cursor = keep;
        }
        return None;
    }
    if let Action::JobDone(outcome) = &action {
        job_done(state, outcome);
        return None;
    }
    if let Action::SyncProgress(p) = action {
        if let Some(Popup::Sync(s)) = &mut state.popup
            && s.running
        {
            s.progress = Some(p);
        }
        return None;
    }
    if state.popup.is_some() {
        return popup(state, action);
    }
    if state.search_input.is_some() {
        return search(state, action);
    }
    state.message = None;
    match action {
        Action::Quit => state.quit = true,
        Action::Help => state.popup = Some(Popup::Help),
        Action::NextTab => state.view = View::ALL[(state.view.index() + 1) % View::ALL.len()],
        Action::PrevTab => {
            state.view = View::ALL[(state.view.index() + View::ALL.len() - 1) % View::ALL.len()]
        }
        Action::Tab(i) => state.view = View::ALL[i.min(View::ALL.len() - 1)],
        Action::Reload => {
            queue(
                state,
                tr!("Indlæser …", "Loading …"),
                tr!("Indlæst igen fra git.", "Reloaded from git."),
                After::Nothing,
                job::reread(),
            );
        }
        Action::Sync => start_sync(state),
        Action::Search => state.search_input = Some(String::new()),
        Action::Export => super::export_form::open(state),
        Action::ScrollUp => {
            for _ in 0..3 {
                update(state, Action::Up);
            }
        }
        Action::ScrollDown => {
            for _ in 0..3 {
                update(state, Action::Down);
            }
        }
        Action::Click(x, y) => return click(state, x, y),
        other => match state.view {
            View::Reader => super::reader_update::reader(state, other),
            View::Recs => return recs(state, other),
            View::Comments => return comments(state, other),
            View::Timeline => timeline(state, other),
            View::History => history(state, other),
            View::Diff => super::diff_update::diff(state, other),
        },
    }
    None
}

fn click(state: &mut State, x: u16, y: u16) -> Option<Action> {
    if y == 0 {
        let mut col = 0;
        for (i, v) in View::ALL.iter().enumerate() {
            let w = super::views::chrome::tab_width(*v, state.width);
            if x >= col && x < col + w {
                return Some(Action::Tab(i));
            }
            col += w;
        }
        return None;
    }
    // Lists start below the tab bar and their top border; they scroll so the
    // selection stays visible (see views::list_offset).
    let list_height = usize::from(state.height.saturating_sub(5));
    let row = usize::from(y.saturating_sub(2));
    let at = |selected: usize| row + super::views::list_offset(selected, list_height);
    match state.view {
        View::Reader
            if x < super::views::reader::LIST_WIDTH
                && at(state.chapter) < state.ws.chapters.len() =>
        {
            state.text_focus = false;
            let i = at(state.chapter);
            select_chapter(state, i);
        }
        View::Reader if x >= super::views::reader::LIST_WIDTH => state.text_focus = true,
        View::Recs if at(state.rec) < state.ws.recommendations.len() => state.rec = at(state.rec),
        View::Comments if at(state.comment) < state.comment_rows.len() => {
            state.comment = at(state.comment)
        }
        View::History if at(state.commit) < state.log.len() => state.commit = at(state.commit),
        _ => {}
    }
    None
}

/// Opens a chapter in the reader.
pub fn select_chapter(state: &mut State, index: usize) {
    if index != state.chapter || state.doc.blocks.is_empty() {
        state.chapter = index;
        state.cursor = 0;
        state.scroll = 0;
        state.selection = None;
        state.rebuild_document();
    }
}

fn search(state: &mut State, action: Action) -> Option<Action> {
    let input = state.search_input.as_mut()?;
    match action {
        Action::SearchChar(c) => input.push(c),
        Action::SearchBackspace => {
            input.pop();
        }
        Action::Back => {
            state.search_input = None;
            if state.view == View::Comments {
                state.comment_search.clear();
                state.rebuild_comment_rows();
            }
            return None;
        }
        Action::Open => {
            let text = state.search_input.take().unwrap_or_default();
            match state.view {
                View::Reader => super::reader_update::find(state, &text),
                View::Comments => {}
                View::Recs => {
                    let t = text.to_lowercase();
                    if let Some(i) = state.ws.recommendations.iter().position(|r| {
                        r.title.to_lowercase().contains(&t) || r.text.to_lowercase().contains(&t)
                    }) {
                        state.rec = i;
                    }
                }
                View::History => {
                    let t = text.to_lowercase();
                    if let Some(i) = state.log.iter().position(|e| {
                        e.summary.to_lowercase().contains(&t)
                            || e.author.to_lowercase().contains(&t)
                    }) {
                        state.commit = i;
                    }
                }
                View::Timeline => {}
                View::Diff => super::diff_update::find(state, &text),
            }
            return None;
        }
        _ => return None,
    }
    if state.view == View::Comments {
        state.comment_search = state.search_input.clone().unwrap_or_default();
        state.rebuild_comment_rows();
    }
    None
}

/// Opens the editor popup for a target, offering back a kept draft for it.
///
/// Anything in the text a terminal would interpret (escape sequences, bidi
/// overrides, invisible characters) is shown escaped in the editor, so what
/// is saved is exactly what the person saw.
pub fn compose(state: &mut State, target: ComposeTarget, title: String, initial: &str) {
    let text = match state.load_draft() {
        Some(d) if d.target == target => d.text,
        _ => initial.to_string(),
    };
    let text = crate::text::for_terminal(&text, true);
    let mut editor = TextArea::new(text.lines().map(str::to_string).collect());
    editor.set_placeholder_text(tr!(
        "Skriv her. Ctrl+S gemmer, Esc lukker (teksten gemmes som kladde), Ctrl+E åbner $EDITOR.",
        "Type here. Ctrl+S saves, Esc closes (the text is kept as a draft), Ctrl+E opens $EDITOR."
    ));
    state.popup = Some(Popup::Compose(Box::new(Compose {
        target,
        title,
        editor,
    })));
}

fn popup(state: &mut State, action: Action) -> Option<Action> {
    if matches!(state.popup, Some(Popup::Export(_))) {
        return super::export_form::update(state, action);
    }
    let p = state.popup.as_mut()?;
    match p {
        Popup::Compose(c) => match action {
            Action::Back => {
                let draft = Draft {
                    target: c.target.clone(),
                    text: c.text(),
                };
                if !draft.text.trim().is_empty() {
                    state.save_draft(&draft);
                    state.message = Some(tr!(
                        "Teksten er gemt som kladde og tilbydes igen næste gang.",
                        "The text is kept as a draft and offered again next time."
                    ));
                }
                state.popup = None;
            }
            Action::Submit => submit(state),
            Action::ExternalEditor => state.wants_editor = true,
            Action::Edit(input) if c.editor.input(input.clone()) => {
                let draft = Draft {
                    target: c.target.clone(),
                    text: c.text(),
                };
                state.save_draft(&draft);
            }
            Action::EditorText(text) => {
                c.editor = TextArea::new(text.lines().map(str::to_string).collect());
                let draft = Draft {
                    target: c.target.clone(),
                    text,
                };
                state.save_draft(&draft);
            }
            _ => {}
        },
        Popup::Disposition { comment, choice } => match action {
            Action::Up => *choice = choice.saturating_sub(1),
            Action::Down => *choice = (*choice + 1).min(3),
            Action::Disposition(n) => {
                *choice = n.min(3);
                return Some(Action::Open);
            }
            Action::Open => {
                let d = Disposition::ALL[*choice];
                let comment = comment.clone();
                let title = tr!("Svar ({})", "Response ({})", d.label());
                compose(
                    state,
                    ComposeTarget::Resolve {
                        comment,
                        disposition: d.key().to_string(),
                    },
                    title,
                    "",
                );
            }
            Action::Back => state.popup = None,
            _ => {}
        },
        Popup::DraftOffer(d) => match action {
            Action::Open => {
                let d = d.clone();
                let title = tr!("Kladde", "Draft");
                state.popup = None;
                compose(state, d.target, title, &d.text);
            }
            Action::Back => {
                state.popup = None;
                state.message = Some(tr!(
                    "Kladden ligger der stadig; den tilbydes igen, når du skriver samme sted.",
                    "The draft is still kept; it is offered again when you write in the same place."
                ));
            }
            Action::Quit => state.quit = true,
            _ => {}
        },
        Popup::Thread(i) if matches!(action, Action::ConfirmAnchor | Action::AttachAnchor) => {
            let i = *i;
            super::anchoring::decide(state, Some(i), &action);
        }
        Popup::Thread(i) => {
            let i = *i;
            match action {
                Action::EditComment | Action::WithdrawComment => {
                    state.popup = None;
                    change_own_comment(state, i, &action);
                }
                Action::Back | Action::Open | Action::Quit | Action::Help => state.popup = None,
                _ => {}
            }
        }
        Popup::ConfirmWithdraw(id) => match action {
            Action::Open => {
                let id = id.clone();
                state.popup = None;
                write(
                    state,
                    tr!(
                        "Kommentaren er trukket tilbage.",
                        "The comment was withdrawn."
                    ),
                    After::Nothing,
                    move |s| s.withdraw_comment(&id).map(|_| ()),
                );
            }
            Action::Back | Action::Quit => state.popup = None,
            _ => {}
        },
        Popup::DiffPick(_) => return super::diff_update::picker(state, action),
        Popup::Markers(list, chosen) => match action {
            Action::Up => *chosen = chosen.saturating_sub(1),
            Action::Down => *chosen = (*chosen + 1).min(list.len().saturating_sub(1)),
            Action::Open | Action::Back | Action::Quit | Action::Help => {
                let picked = list.get(*chosen).copied();
                state.popup = match (action, picked) {
                    (Action::Open, Some(i)) => Some(Popup::Thread(i)),
                    _ => None,
                };
            }
            _ => {}
        },
        _ => match action {
            Action::Quit if matches!(p, Popup::Help) => state.popup = None,
            Action::Back | Action::Open | Action::Quit | Action::Help => state.popup = None,
            _ => {}
        },
    }
    None
}

/// Queues a write to run off the UI thread; refused while another runs,
/// so changes land one at a time and in the order they were asked for.
fn queue(state: &mut State, busy: String, done: String, after: After, work: job::Work) -> bool {
    if state.busy.is_some() {
        state.message = Some(tr!(
            "Vent et øjeblik: den forrige ændring gemmes stadig.",
            "One moment: the previous change is still being saved."
        ));
        return false;
    }
    state.busy = Some(busy);
    state.jobs.push(job::Job { work, done, after });
    true
}

/// Queues a write through a session acting as the UI's member.
pub(super) fn write(
    state: &mut State,
    done: String,
    after: After,
    f: impl FnOnce(&Session) -> crate::error::Result<()> + Send + 'static,
) -> bool {
    queue(
        state,
        tr!("Gemmer …", "Saving …"),
        done,
        after,
        job::with_session(f),
    )
}

/// Starts a sync with the server in the background, with its popup.
fn start_sync(state: &mut State) {
    if state.actor.is_none() {
        state.popup = Some(Popup::Error(
            state.actor_problem.clone().unwrap_or_default(),
        ));
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let queued = queue(
        state,
        tr!("Synkroniserer med serveren …", "Syncing with the server …"),
        tr!("Synkroniseret.", "Synced."),
        After::ShowSync,
        job::sync(tx),
    );
    if queued {
        state.sync_progress = Some(rx);
        state.popup = Some(Popup::Sync(SyncPopup {
            running: true,
            ..SyncPopup::default()
        }));
    }
}

/// A sync finished: its report, or what stopped it, in the sync popup.
fn sync_done(state: &mut State, outcome: &job::Outcome) {
    state.sync_progress = None;
    let data = &outcome.0;
    let (lines, failed) = match &data.result {
        Ok(_) => (data.done.lines().map(str::to_string).collect(), false),
        Err(e) => (e.lines().map(str::to_string).collect(), true),
    };
    if let Some(loaded) = job::take_loaded(outcome) {
        state.apply(loaded);
    }
    state.message = Some(if failed {
        tr!("Synkroniseringen stoppede.", "The sync stopped.")
    } else {
        tr!("Synkroniseret.", "Synced.")
    });
    // Shown even if the popup was closed meanwhile: the result matters.
    if !matches!(state.popup, Some(Popup::Compose(_))) {
        state.popup = Some(Popup::Sync(SyncPopup {
            running: false,
            progress: None,
            lines,
            failed,
        }));
    }
}

/// A job finished: show the new workspace, or the error (reopening the
/// editor with its text, so nothing typed is lost).
fn job_done(state: &mut State, outcome: &job::Outcome) {
    let data = &outcome.0;
    if let After::Diff(slot) = &data.after {
        // A comparison for the Diff view; writes are not involved.
        let error = data.result.as_ref().err().cloned();
        super::diff_update::arrived(state, slot, error);
        return;
    }
    state.busy = None;
    if data.after == After::ShowSync {
        sync_done(state, outcome);
        return;
    }
    match &data.result {
        Ok(_) => {}
        Err(e) => {
            match state.submitting.take() {
                Some(c) => {
                    state.popup = Some(Popup::Compose(c));
                    state.message = Some(e.clone());
                }
                None => state.popup = Some(Popup::Error(e.clone())),
            }
            return;
        }
    }
    // The workspace itself is moved out of the shared outcome once.
    if let Some(loaded) = job::take_loaded(outcome) {
        state.apply(loaded);
    }
    state.message = Some(data.done.clone());
    match data.after {
        After::Nothing => {}
        After::SelectRec(i) => state.rec = i.min(state.ws.recommendations.len().saturating_sub(1)),
        After::ClearDraft => {
            state.submitting = None;
            state.clear_draft();
        }
        After::ShowSync => {}
        After::Info => state.popup = Some(Popup::Info(data.done.clone())),
        After::Diff(_) => {}
    }
}

fn submit(state: &mut State) {
    let Some(Popup::Compose(c)) = state.popup.take() else {
        return;
    };
    let text = c.text();
    let target = c.target.clone();
    state.save_draft(&Draft {
        target: target.clone(),
        text: text.clone(),
    });
    let saved_comment = tr!("Kommentaren er gemt.", "The comment was saved.");
    let queued = match target {
        ComposeTarget::Quote { chapter, quote } => {
            write(state, saved_comment, After::ClearDraft, move |s| {
                let target = NewTarget::Chapter {
                    chapter,
                    quote: Some(quote),
                };
                s.add_comment(target, &text).map(|_| ())
            })
        }
        ComposeTarget::Chapter(chapter) => {
            write(state, saved_comment, After::ClearDraft, move |s| {
                let target = NewTarget::Chapter {
                    chapter,
                    quote: None,
                };
                s.add_comment(target, &text).map(|_| ())
            })
        }
        ComposeTarget::Rec(r) => write(state, saved_comment, After::ClearDraft, move |s| {
            s.add_comment(NewTarget::Recommendation(r), &text)
                .map(|_| ())
        }),
        ComposeTarget::Reply(id) => write(
            state,
            tr!("Svaret er gemt.", "The reply was saved."),
            After::ClearDraft,
            move |s| s.reply(&id, &text).map(|_| ()),
        ),
        ComposeTarget::Resolve {
            comment,
            disposition,
        } => {
            let d = Disposition::parse(&disposition).unwrap_or(Disposition::Noted);
            write(
                state,
                tr!("Kommentaren er besvaret.", "The comment was resolved."),
                After::ClearDraft,
                move |s| s.resolve(&comment, d, &text).map(|_| ()),
            )
        }
        ComposeTarget::EditComment(id) => write(
            state,
            tr!("Kommentaren er rettet.", "The comment was edited."),
            After::ClearDraft,
            move |s| s.edit_comment(&id, &text).map(|_| ()),
        ),
        ComposeTarget::RecField { rec, field } => {
            let mut edit = RecEdit::default();
            match field.as_str() {
                "goal" => edit.goal = Some(text),
                "realizability" => edit.realizability = Some(text),
                _ => edit.text = Some(text),
            }
            write(
                state,
                tr!(
                    "Anbefalingen er opdateret.",
                    "The recommendation was updated."
                ),
                After::ClearDraft,
                move |s| s.rec_set(&rec, &edit).map(|_| ()),
            )
        }
    };
    if queued {
        state.submitting = Some(c);
    } else {
        // Another change is still being saved: keep the editor open.
        state.popup = Some(Popup::Compose(c));
    }
}

pub(super) fn move_in(index: &mut usize, len: usize, action: &Action, page: usize) {
    let last = len.saturating_sub(1);
    *index = match action {
        Action::Up => index.saturating_sub(1),
        Action::Down => (*index + 1).min(last),
        Action::PageUp => index.saturating_sub(page),
        Action::PageDown => (*index + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => *index,
    };
}

/// True (and an explaining popup) when the actor may not do `what`.
pub(super) fn refuse(state: &mut State, what: Permission) -> bool {
    match state.may(what) {
        Ok(()) => false,
        Err(why) => {
            state.popup = Some(Popup::Error(why));
            true
        }
    }
}

fn recs(state: &mut State, action: Action) -> Option<Action> {
    let page = usize::from(state.height.saturating_sub(6)).max(1);
    let len = state.ws.recommendations.len();
    let rec = state.ws.recommendations.get(state.rec).cloned()?;
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_in(&mut state.rec, len, &action, page),
        Action::MoveUp | Action::MoveDown => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            let to = if action == Action::MoveUp {
                rec.rank.saturating_sub(1)
            } else {
                rec.rank + 1
            };
            if to >= 1 && to <= len {
                let done = tr!("«{}» er nu nr. {to}.", "«{}» is now no. {to}.", rec.title);
                let slug = rec.slug.clone();
                write(state, done, After::SelectRec(to - 1), move |s| {
                    s.rec_move(&slug, to).map(|_| ())
                });
            }
        }
        Action::CycleHorizon | Action::CycleStatus => {
            if refuse(state, Permission::EditContent) {
                return None;
            }
            let mut edit = RecEdit::default();
            if action == Action::CycleHorizon {
                let i = Horizon::ALL
                    .iter()
                    .position(|h| *h == rec.horizon)
                    .unwrap_or(0);
                edit.horizon = Some(Horizon::ALL[(i + 1) % Horizon::ALL.len()]);
            } else {
                let i = RecStatus::ALL
                    .iter()
                    .position(|h| *h == rec.status)
                    .unwrap_or(0);
                edit.status = Some(RecStatus::ALL[(i + 1) % RecStatus::ALL.len()]);
            }
            let slug = rec.slug.clone();
            write(
                state,
                tr!("«{}» er opdateret.", "«{}» was updated.", rec.title),
                After::Nothing,
                move |s| s.rec_set(&slug, &edit).map(|_| ()),
            );
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

fn comments(state: &mut State, action: Action) -> Option<Action> {
    let page = usize::from(state.height.saturating_sub(6)).max(1);
    let len = state.comment_rows.len();
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_in(&mut state.comment, len, &action, page),
        Action::FilterStatus => {
            state.status_filter = match state.status_filter {
                StatusFilter::All => StatusFilter::Open,
                StatusFilter::Open => StatusFilter::Resolved,
                StatusFilter::Resolved => StatusFilter::All,
            };
            state.rebuild_comment_rows();
        }
        Action::FilterOrganisation => {
            state.org_filter = next_filter(&state.organisations(), state.org_filter.as_ref());
            state.rebuild_comment_rows();
        }
        Action::FilterPlace => {
            state.place_filter = next_filter(&state.places(), state.place_filter.as_ref());
            state.rebuild_comment_rows();
        }
        Action::Back => {
            state.status_filter = StatusFilter::All;
            state.org_filter = None;
            state.place_filter = None;
            state.comment_search.clear();
            state.rebuild_comment_rows();
        }
        Action::Open => {
            if let Some(i) = state.selected_comment() {
                state.popup = Some(Popup::Thread(i));
            }
        }
        Action::Reply => {
            if refuse(state, Permission::Comment) {
                return None;
            }
            if let Some(i) = state.selected_comment() {
                let c = &state.ws.comments[i];
                let title = tr!("Svar til {}", "Reply to {}", c.author.organisation);
                compose(state, ComposeTarget::Reply(c.id.clone()), title, "");
            }
        }
        Action::EditComment | Action::WithdrawComment => {
            if let Some(i) = state.selected_comment() {
                change_own_comment(state, i, &action);
            }
        }
        Action::Resolve => {
            if refuse(state, Permission::Resolve) {
                return None;
            }
            if let Some(i) = state.selected_comment() {
                state.popup = Some(Popup::Disposition {
                    comment: state.ws.comments[i].id.clone(),
                    choice: 0,
                });
            }
        }
        Action::ConfirmAnchor | Action::AttachAnchor => {
            super::anchoring::decide(state, None, &action);
        }
        Action::Jump => {
            let i = state.selected_comment()?;
            let c = state.ws.comments[i].clone();
            if let Some(ch) = &c.target.chapter
                && let Some(idx) = state.ws.chapters.iter().position(|x| &x.slug == ch)
            {
                state.view = View::Reader;
                select_chapter(state, idx);
                state.text_focus = true;
                super::anchoring::cursor_to_comment(state, i);
            } else if let Some(r) = &c.target.recommendation
                && let Some(idx) = state.ws.recommendations.iter().position(|x| &x.slug == r)
            {
                state.view = View::Recs;
                state.rec = idx;
            }
        }
        _ => {}
    }
    None
}

/// Edits (in the editor popup) or withdraws (after asking) the actor's own
/// open comment in the thread that starts with comment `root`.
fn change_own_comment(state: &mut State, root: usize, action: &Action) {
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

fn timeline(state: &mut State, action: Action) {
    let len = state.ws.recommendations.len() + state.ws.config.meetings.len() + 12;
    move_in(&mut state.timeline_scroll, len, &action, 10);
}

fn history(state: &mut State, action: Action) {
    let page = usize::from(state.height.saturating_sub(6)).max(1);
    match action {
        Action::Open => {
            let Some(entry) = state.log.get(state.commit) else {
                return;
            };
            match state.store.changed_files(&entry.commit) {
                Ok(files) => state.commit_files = Some((entry.commit.clone(), files)),
                Err(e) => state.popup = Some(Popup::Error(e.to_string())),
            }
        }
        Action::Back => state.commit_files = None,
        other => {
            move_in(&mut state.commit, state.log.len(), &other, page);
            if state
                .commit_files
                .as_ref()
                .is_some_and(|(c, _)| Some(c) != state.log.get(state.commit).map(|e| &e.commit))
            {
                state.commit_files = None;
            }
        }
    }
}
