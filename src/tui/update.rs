//! The only place the UI's state changes: `update(state, action)`. Writes go
//! through the same [`crate::ops`] as the command line; their errors become
//! popups, never crashes.

use ratatui_textarea::TextArea;

use super::action::Action;
use super::job::{self, After};
use super::layout;
use super::panes::{self, Pane};
use super::state::{Compose, ComposeTarget, Draft, Popup, State, SyncPopup, View};
use super::tabs::{TABS, tab};
use crate::model::{Choice, Disposition};
use crate::ops::{Action as Permission, NewTarget, RecEdit, Session};
use crate::tr;

/// Carries out one action; may return a follow-up action. What a view
/// draws from is made here too, so that drawing only reads the state.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    let next = carry_out(state, action);
    if state.view == View::Mine {
        super::mine::view::refresh(state);
    }
    next
}

fn carry_out(state: &mut State, action: Action) -> Option<Action> {
    let before = popup_identity(state.popup.as_ref());
    let next = apply(state, action);
    if popup_identity(state.popup.as_ref()) != before {
        // Another popup (or another thread) starts at its top.
        state.popup_scroll = 0;
    }
    if state.load != super::loading::LoadState::Loaded {
        // The views below ask for what they show once everything is read.
        return next;
    }
    if state.view == View::Diff {
        // Ask for the comparison, or lay it out again, when it is due.
        super::changes::update::keep_current(state);
    }
    if state.view == View::Mine {
        super::mine::update::keep_current(state);
    }
    if state.view == View::Ranking {
        super::ranking::update::keep_current(state);
    }
    next
}

/// Which popup is open, to notice when another one opens.
fn popup_identity(popup: Option<&Popup>) -> Option<(std::mem::Discriminant<Popup>, usize)> {
    popup.map(|p| {
        let index = match p {
            Popup::Thread(i) => *i,
            _ => 0,
        };
        (std::mem::discriminant(p), index)
    })
}

fn apply(state: &mut State, action: Action) -> Option<Action> {
    if let Action::Resize(w, h) = action {
        state.width = w;
        state.height = h;
        if state.reader.doc.width != state.text_width() {
            let keep = state.reader.cursor;
            state.reader.doc.rewrap(state.text_width());
            state.reader.cursor = keep;
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
    if state.help.is_some() {
        help(state, action);
        return None;
    }
    if let Action::ScrollUp(x, y) | Action::ScrollDown(x, y) = action {
        let up = matches!(action, Action::ScrollUp(..));
        wheel(state, up, x, y);
        return None;
    }
    if action == Action::Help {
        state.help = Some(0);
        return None;
    }
    if state.popup.is_some() {
        return popup(state, action);
    }
    if state.search_input.is_some() {
        return search(state, action);
    }
    state.message = None;
    // A key that cannot work here says why, as the help marks it: what the
    // role may not do (or not to this comment) in a popup, what needs
    // another pane or view in the status line.
    if let Some(why) = panes::refusal(state, &action) {
        if panes::place_refusal(state, &action).as_ref() == Some(&why) {
            state.message = Some(as_sentence(&why));
        } else {
            state.popup = Some(Popup::Error(why));
        }
        return None;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::NextTab => state.view = View::at((state.view.index() + 1) % TABS.len()),
        Action::PrevTab => {
            state.view = View::at((state.view.index() + TABS.len() - 1) % TABS.len())
        }
        Action::Tab(i) => state.view = View::at(i),
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
        Action::Export => super::popups::export::open(state),
        Action::Click(x, y) => return click(state, x, y),
        Action::FocusLeft | Action::FocusRight => {
            let right = action == Action::FocusRight;
            if focused_right(state) != right {
                return Some(Action::Focus);
            }
        }
        other => {
            if other == Action::Back {
                return back(state);
            }
            return (tab(state.view).update)(state, other);
        }
    }
    None
}

/// Esc in a view: what the view undoes or closes (a selection, an order
/// not saved, a filter, the right pane's focus); when there is nothing,
/// the status line says so and how to quit, so the key never seems dead.
fn back(state: &mut State) -> Option<Action> {
    let before = undo_marks(state);
    let next = (tab(state.view).update)(state, Action::Back);
    if next.is_none() && undo_marks(state) == before {
        if focused_right(state) {
            return Some(Action::Focus);
        }
        state.message = Some(tr!(
            "Intet at lukke eller fortryde her (q afslutter).",
            "Nothing to close or undo here (q quits)."
        ));
    }
    next
}

/// What Esc can change in a view, to tell whether it did.
fn undo_marks(state: &State) -> String {
    format!(
        "{:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {} {}",
        state.view,
        state.popup.is_some(),
        focused_right(state),
        state.reader.selection,
        state.recs.pending,
        state.comments_view.status_filter,
        state.comments_view.org_filter,
        state.comments_view.place_filter,
        state.comments_view.search,
        state.message.is_some(),
    )
}

/// A reason (`gå først ind i teksten …`) as a sentence for the status line.
fn as_sentence(reason: &str) -> String {
    let mut chars = reason.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Whether the right pane (text, details, thread) of the view has focus.
fn focused_right(state: &State) -> bool {
    (tab(state.view).right_focused)(state)
}

/// The help over everything: it scrolls, and closes with Esc, q, Enter or ?.
fn help(state: &mut State, action: Action) {
    if !panes::scroll(state, Pane::Help, &action)
        && matches!(
            action,
            Action::Back | Action::Quit | Action::Help | Action::Open
        )
    {
        state.help = None;
    }
}

/// The mouse wheel: scrolls the popup, or the pane under the pointer
/// (giving it focus), three rows at a time.
fn wheel(state: &mut State, up: bool, x: u16, y: u16) {
    let step = if up { Action::Up } else { Action::Down };
    if state.popup.is_none() && !layout::too_small(state.width, state.height) {
        let [left, right] = layout::panes(state.view, state.width, state.height, true);
        let want_right = if layout::contains(right, x, y) {
            Some(true)
        } else if layout::contains(left, x, y) {
            Some(false)
        } else {
            None
        };
        if let Some(r) = want_right
            && r != focused_right(state)
        {
            dispatch_now(state, Action::Focus);
        }
    }
    for _ in 0..3 {
        dispatch_now(state, step.clone());
    }
}

/// Applies an action and its follow-ups at once.
fn dispatch_now(state: &mut State, action: Action) {
    let mut next = Some(action);
    while let Some(a) = next {
        next = update(state, a);
    }
}

/// A click: a tab, a row of a list, or a pane to focus. Where things are
/// comes from [`layout`], as for drawing.
fn click(state: &mut State, x: u16, y: u16) -> Option<Action> {
    if layout::too_small(state.width, state.height) {
        return None;
    }
    let screen = layout::screen(state.width, state.height);
    if layout::contains(screen.tabs, x, y) {
        return layout::tab_at(x, state.width, state.view).map(Action::Tab);
    }
    let [left, right] = layout::panes(state.view, state.width, state.height, true);
    if layout::contains(right, x, y) && !matches!(state.view, View::Diff | View::Mine) {
        if !focused_right(state) {
            return Some(Action::Focus);
        }
        return None;
    }
    if !layout::contains(left, x, y) {
        return None;
    }
    match state.view {
        View::Reader => {
            state.reader.text_focus = false;
            if let Some(i) = layout::list_row(left, y, state.reader.chapter)
                && i < state.ws.chapters.len()
            {
                select_chapter(state, i);
            }
        }
        View::Recs => {
            state.recs.detail_focus = false;
            if let Some(i) = layout::list_row(left, y, state.recs.selected)
                && i < state.ws.recommendations.len()
            {
                super::recommendations::update::select_rec(state, i);
            }
        }
        View::Comments => {
            state.comments_view.thread_focus = false;
            if let Some(i) = layout::list_row(left, y, state.comments_view.selected)
                && i < state.comments_view.rows.len()
            {
                state.comments_view.selected = i;
                state.comments_view.thread_scroll = 0;
            }
        }
        View::History => {
            state.history.detail_focus = false;
            if let Some(i) = layout::list_row(left, y, state.history.selected)
                && i < state.log.len()
            {
                state.history.selected = i;
                state.history.detail_scroll = 0;
            }
        }
        View::Timeline => state.timeline.calendar_focus = false,
        View::Ranking => super::ranking::update::click(state, y),
        View::Diff | View::Mine => {}
    }
    None
}

/// Opens a chapter in the reader.
pub fn select_chapter(state: &mut State, index: usize) {
    if index != state.reader.chapter || state.reader.doc.blocks.is_empty() {
        state.reader.chapter = index;
        state.reader.cursor = 0;
        state.reader.scroll = 0;
        state.reader.selection = None;
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
                state.comments_view.search.clear();
                state.rebuild_comment_rows();
            }
            return None;
        }
        Action::Open => {
            let text = state.search_input.take().unwrap_or_default();
            (tab(state.view).find)(state, &text);
            return None;
        }
        _ => return None,
    }
    if state.view == View::Comments {
        state.comments_view.search = state.search_input.clone().unwrap_or_default();
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
    let mut editor = new_editor(&text);
    editor.set_placeholder_text(tr!(
        // Short enough for the editor at 80 columns; the keys are in the
        // title and the footer.
        "Skriv her – teksten gemmes som kladde undervejs.",
        "Type here – the text is kept as a draft as you go."
    ));
    state.popup = Some(Popup::Compose(Box::new(Compose {
        target,
        title,
        editor,
    })));
}

fn popup(state: &mut State, action: Action) -> Option<Action> {
    let text = matches!(
        state.popup,
        Some(
            Popup::Thread(_)
                | Popup::Error(_)
                | Popup::Info(_)
                | Popup::ConfirmWithdraw(_)
                | Popup::DraftOffer(_)
                | Popup::Sync(_)
                | Popup::Confirm(_)
        )
    );
    let markers = matches!(state.popup, Some(Popup::Markers(..)));
    match &state.popup {
        Some(Popup::Export(_)) => return super::popups::export::update(state, action),
        Some(Popup::Form(_)) => return super::popups::forms::update(state, action),
        Some(Popup::Choice(_)) => return super::popups::forms::choice(state, action),
        Some(Popup::Confirm(_)) if !super::scroll::is_movement(&action) => {
            return super::popups::forms::confirm(state, action);
        }
        _ => {}
    }
    if text && panes::scroll(state, Pane::Popup, &action) {
        return None;
    }
    if markers
        && matches!(
            action,
            Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
        )
    {
        panes::scroll(state, Pane::Popup, &action);
        return None;
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
            Action::DeleteToLineStart | Action::DeleteWord | Action::Undo => {
                let changed = match action {
                    Action::DeleteToLineStart => c.editor.delete_line_by_head(),
                    Action::DeleteWord => c.editor.delete_word(),
                    _ => c.editor.undo(),
                };
                if changed {
                    let draft = Draft {
                        target: c.target.clone(),
                        text: c.text(),
                    };
                    state.save_draft(&draft);
                }
            }
            Action::Edit(input) if c.editor.input(input.clone()) => {
                let draft = Draft {
                    target: c.target.clone(),
                    text: c.text(),
                };
                state.save_draft(&draft);
            }
            Action::EditorText(text) => {
                c.editor = new_editor(&text);
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
            Action::Top => *choice = 0,
            Action::Bottom => *choice = 3,
            Action::Disposition(n) => {
                *choice = n.min(3);
                return Some(Action::Open);
            }
            Action::Open => {
                let d = Disposition::ALL[*choice];
                let comment = comment.clone();
                if d == Disposition::PartlyMet
                    && super::popups::suggestion::partly_met(state, &comment)
                {
                    return None;
                }
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
            super::reader::anchoring::decide(state, Some(i), &action);
        }
        Popup::Thread(i) => {
            let i = *i;
            match action {
                Action::EditComment | Action::WithdrawComment => {
                    state.popup = None;
                    super::comments::update::change_own_comment(state, i, &action);
                }
                Action::Reply => reply_to(state, i),
                Action::Resolve => resolve(state, i),
                Action::AcceptSuggestion => match panes::place_refusal(state, &action) {
                    Some(why) => state.message = Some(as_sentence(&why)),
                    None => super::popups::suggestion::accept(state, i),
                },
                Action::Back | Action::Open | Action::Quit => state.popup = None,
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
        Popup::DiffPick(_) => return super::changes::update::picker(state, action),
        Popup::Markers(list, chosen) => match action {
            Action::Up => *chosen = chosen.saturating_sub(1),
            Action::Down => *chosen = (*chosen + 1).min(list.len().saturating_sub(1)),
            Action::Open | Action::Back | Action::Quit => {
                let picked = list.get(*chosen).copied();
                state.popup = match (action, picked) {
                    (Action::Open, Some(i)) => Some(Popup::Thread(i)),
                    _ => None,
                };
            }
            _ => {}
        },
        _ => {
            if matches!(action, Action::Back | Action::Open | Action::Quit) {
                state.popup = None;
            }
        }
    }
    // The chosen thread of several stays in view.
    if let Some(Popup::Markers(list, chosen)) = &state.popup {
        let (list, chosen) = (list.clone(), *chosen);
        state.popup_scroll = markers_row(state, &list, chosen);
    }
    None
}

/// The first row of the chosen thread among several, as wrapped.
fn markers_row(state: &State, list: &[usize], chosen: usize) -> usize {
    let width = layout::inner(panes::rect(state, Pane::Popup)).width;
    let mut row = 0;
    for (n, i) in list.iter().enumerate().take(chosen) {
        row += usize::from(n > 0) + 1;
        row += super::scroll::wrap(&panes::thread_lines(state, *i), width).len();
    }
    row + usize::from(chosen > 0)
}

/// Opens the editor for a reply to the thread that starts with comment `i`.
pub(crate) fn reply_to(state: &mut State, i: usize) {
    if refuse(state, Permission::Comment) {
        return;
    }
    let c = &state.ws.comments[i];
    let title = tr!("Svar til {}", "Reply to {}", c.author.organisation);
    compose(state, ComposeTarget::Reply(c.id.clone()), title, "");
}

/// Asks for the disposition to resolve comment `i` with.
pub(crate) fn resolve(state: &mut State, i: usize) {
    if refuse(state, Permission::Resolve) {
        return;
    }
    state.popup = Some(Popup::Disposition {
        comment: state.ws.comments[i].id.clone(),
        choice: 0,
    });
}

/// An editor on a text that wraps long lines at words.
pub(crate) fn new_editor(text: &str) -> TextArea<'static> {
    let mut editor = TextArea::new(text.lines().map(str::to_string).collect());
    editor.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    editor
}

/// Queues a write to run off the UI thread; refused while another runs,
/// so changes land one at a time and in the order they were asked for.
pub(crate) fn queue(
    state: &mut State,
    busy: String,
    done: String,
    after: After,
    work: job::Work,
) -> bool {
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
pub(crate) fn write(
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
    let before = state.head.clone();
    if let Some(loaded) = job::take_loaded(outcome) {
        state.apply(loaded);
    }
    state.message = Some(if failed {
        tr!("Synkroniseringen stoppede.", "The sync stopped.")
    } else {
        tr!("Synkroniseret.", "Synced.")
    });
    // What arrived for me goes in the status line instead of the report
    // (a sync that went through needs no answer), and Mit overblik opens
    // on it.
    if !failed && super::mine::update::after_sync(state, before) {
        if matches!(state.popup, Some(Popup::Sync(_))) {
            state.popup = None;
        }
        super::mine::update::keep_current(state);
        return;
    }
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
        super::changes::update::arrived(state, slot, error);
        return;
    }
    if let After::Mine(slot) = &data.after {
        let error = data.result.as_ref().err().cloned();
        super::mine::update::arrived(state, slot, error);
        return;
    }
    if data.after == After::Load {
        // The rest of the workspace, after the first screen.
        match (&data.result, job::take_loaded(outcome)) {
            (Ok(_), Some(loaded)) => state.apply(loaded),
            (Err(e), _) => state.load = super::loading::LoadState::Failed(e.clone()),
            // Taken already: never wait for a result that cannot come.
            (Ok(_), None) => {
                state.load = super::loading::LoadState::Failed(tr!(
                    "indlæsningen gav intet resultat",
                    "the load gave no result"
                ))
            }
        }
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
        After::SelectRec(i) => {
            state.recs.selected = i.min(state.ws.recommendations.len().saturating_sub(1))
        }
        After::SavedOrder(i) => {
            state.recs.pending = None;
            state.recs.selected = i.min(state.ws.recommendations.len().saturating_sub(1));
        }
        After::ClearDraft => {
            state.submitting = None;
            state.clear_draft();
        }
        After::ShowSync => {}
        After::Info => state.popup = Some(Popup::Info(data.done.clone())),
        After::Diff(_) | After::Mine(_) | After::Load => {}
    }
}

fn submit(state: &mut State) {
    // A write re-reads the workspace; it waits for the first read to end,
    // so the older read never replaces the newer one.
    if let Some(why) = super::loading::refusal(state, &Action::Submit) {
        state.message = Some(as_sentence(&why));
        return;
    }
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
        ComposeTarget::Suggest { chapter, quote } => write(
            state,
            tr!(
                "Forslaget til ny formulering er gemt.",
                "The suggestion for new wording was saved."
            ),
            After::ClearDraft,
            move |s| s.suggest(&chapter, &quote, &text, "").map(|_| ()),
        ),
        ComposeTarget::AcceptEdited {
            comment,
            disposition,
        } => {
            let d = Disposition::parse(&disposition).unwrap_or(Disposition::Met);
            super::popups::suggestion::apply(
                state,
                comment,
                crate::ops::AcceptText::Edited(text),
                d,
                After::ClearDraft,
            )
        }
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

pub(crate) fn move_in(index: &mut usize, len: usize, action: &Action, page: usize) {
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
pub(crate) fn refuse(state: &mut State, what: Permission) -> bool {
    match state.may(what) {
        Ok(()) => false,
        Err(why) => {
            state.popup = Some(Popup::Error(why));
            true
        }
    }
}
