//! Drawing the screen: pure functions of [`State`]. No I/O, no git, no
//! re-reading. The tab bar, status line and footer are here ([`chrome`]);
//! each tab draws itself (its folder's `view`), popups last. Every pane is
//! drawn where [`crate::tui::layout`] puts it.

pub mod chrome;
pub mod pane;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::state::State;

pub use super::layout::list_offset;
pub use super::panes::safe;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if layout::too_small(area.width, area.height) {
        let text = crate::tr!(
            "Terminalen er for lille ({}×{}). oplaeg skal bruge mindst {MIN_WIDTH}×{MIN_HEIGHT}. Gør vinduet større, eller tryk q for at afslutte.",
            "The terminal is too small ({}×{}). oplaeg needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Make the window larger, or press q to quit.",
            area.width,
            area.height
        );
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let s = layout::screen(area.width, area.height);
    chrome::tabs(frame, s.tabs, state);
    view(frame, s.body, state);
    chrome::status(frame, s.status, state);
    chrome::footer(frame, s.footer, state);
    crate::tui::popups::view::render(frame, area, state);
    if state.help.is_some() {
        crate::tui::popups::view::help(frame, state);
    }
}

fn view(frame: &mut Frame, area: Rect, state: &State) {
    if crate::tui::loading::covers(state) {
        crate::tui::loading::render(frame, area, state);
        return;
    }
    (crate::tui::tabs::tab(state.view).render)(frame, area, state);
}
