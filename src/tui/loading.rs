//! The first screen before everything is read. The terminal UI opens with
//! what is cheap ([`crate::ops::load_without_comments`]: `oplaeg.toml`, the
//! chapters, the recommendations) and draws the draft at once, while a
//! worker thread reads the rest (the comments, their placements, the
//! history) as an ordinary read-only [`super::job::Job`] with
//! [`super::job::After::Load`], the way writes run; the result replaces the
//! first screen's workspace when it arrives.
//!
//! Meanwhile only the draft can be read: every other tab shows that it is
//! loading, and a key that needs what is not read yet says so (through
//! [`super::panes::place_refusal`], so the footer and the help leave it
//! out too) instead of acting on a workspace without its comments. A load
//! that fails is shown in those tabs with what to do; F5 tries again.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Action;
use super::state::{State, View};
use crate::tr;

/// Whether everything the UI shows has been read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LoadState {
    /// Everything is read.
    #[default]
    Loaded,
    /// The first screen is shown; the worker reads the rest.
    Loading,
    /// Reading the rest failed, for this reason.
    Failed(String),
}

/// What the status line says while the rest is read or after it failed.
pub fn note(state: &State) -> Option<String> {
    match &state.load {
        LoadState::Loaded => None,
        LoadState::Loading => Some(tr!(
            "Indlæser kommentarer og historik …",
            "Loading comments and history …"
        )),
        LoadState::Failed(_) => Some(tr!(
            "Kommentarerne kunne ikke indlæses (F5 prøver igen).",
            "The comments could not be loaded (F5 tries again)."
        )),
    }
}

/// Whether the view shows the loading note instead of its content: all but
/// the draft, which is read before the first screen.
pub fn covers(state: &State) -> bool {
    state.load != LoadState::Loaded && state.view != View::Reader
}

/// Why a key cannot work before everything is read (`None`: it can).
/// Leaving, the help, the tabs and moving through the draft work at once.
pub fn refusal(state: &State, action: &Action) -> Option<String> {
    let failed = match &state.load {
        LoadState::Loaded => return None,
        LoadState::Loading => false,
        LoadState::Failed(_) => true,
    };
    let always = matches!(
        action,
        Action::Quit
            | Action::Help
            | Action::NextTab
            | Action::PrevTab
            | Action::Tab(_)
            | Action::Resize(..)
            | Action::JobDone(_)
            | Action::SyncProgress(_)
    );
    let in_draft = state.popup.is_none()
        && state.view == View::Reader
        && match action {
            a if super::scroll::is_movement(a) => true,
            Action::Focus
            | Action::FocusLeft
            | Action::FocusRight
            | Action::Back
            | Action::ScrollUp(..)
            | Action::ScrollDown(..)
            | Action::Click(..) => true,
            // Enter opens a chapter from the list; in the text it opens
            // the comments at the cursor, which are not read yet.
            Action::Open => !state.reader.text_focus,
            _ => false,
        };
    // A click on the tab bar switches tabs from any view.
    let on_tabs = match action {
        Action::Click(x, y) if !super::layout::too_small(state.width, state.height) => {
            let tabs = super::layout::screen(state.width, state.height).tabs;
            super::layout::contains(tabs, *x, *y)
        }
        _ => false,
    };
    if always || in_draft || on_tabs || (failed && *action == Action::Reload) {
        return None;
    }
    Some(if failed {
        tr!(
            "kommentarerne kunne ikke indlæses; ret fejlen og tryk F5 for at prøve igen",
            "the comments could not be loaded; fix the error and press F5 to try again"
        )
    } else {
        tr!(
            "kommentarerne indlæses stadig; tasten virker om et øjeblik",
            "the comments are still loading; the key works in a moment"
        )
    })
}

/// Draws the note that covers a view while the rest is read (or why it
/// could not be).
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let title = Line::raw(format!(" {} ", state.view.title()));
    let block = super::views::pane::block(title, true, state);
    let mut lines = Vec::new();
    match &state.load {
        LoadState::Failed(why) => {
            lines.push(Line::styled(
                tr!(
                    "Arbejdsområdet kunne ikke indlæses helt:",
                    "The workspace could not be loaded completely:"
                ),
                state.theme.error(),
            ));
            for l in why.lines() {
                lines.push(Line::raw(super::views::safe(l)));
            }
            lines.push(Line::raw(""));
            lines.push(Line::raw(tr!(
                "Ret fejlen, og tryk F5 for at prøve igen. Oplægget (1) kan læses imens.",
                "Fix the error and press F5 to try again. The draft (1) can be read meanwhile."
            )));
        }
        _ => {
            lines.push(Line::styled(
                tr!(
                    "⏳ Indlæser kommentarer, placeringer og historik …",
                    "⏳ Loading comments, placements and history …"
                ),
                state.theme.marker(),
            ));
            lines.push(Line::raw(""));
            lines.push(Line::raw(tr!(
                "Oplægget (1) kan læses imens; fanen vises, så snart alt er indlæst.",
                "The draft (1) can be read meanwhile; the tab shows as soon as everything is loaded."
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
