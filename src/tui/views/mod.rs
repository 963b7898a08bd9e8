//! Drawing: pure functions of [`State`]. No I/O, no git, no re-reading.

mod anchors;
pub mod chrome;
mod comments;
pub mod diff;
mod export;
mod history;
mod popup;
pub mod reader;
mod recs;
mod sync;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use super::state::{State, View};

/// The smallest terminal the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
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
    let [tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    chrome::tabs(frame, tabs, state);
    view(frame, body, state);
    chrome::status(frame, status, state);
    chrome::footer(frame, footer, state);
    popup::render(frame, area, state);
}

fn view(frame: &mut Frame, area: Rect, state: &State) {
    match state.view {
        View::Reader => reader::render(frame, area, state),
        View::Recs => recs::render(frame, area, state),
        View::Comments => comments::render(frame, area, state),
        View::Timeline => timeline::render(frame, area, state),
        View::History => history::render(frame, area, state),
        View::Diff => diff::render(frame, area, state),
    }
}

/// Other people's text, safe for the terminal (see [`crate::text::for_terminal`]).
pub fn safe(s: &str) -> String {
    crate::text::for_terminal(s, false).into_owned()
}

/// The first visible row of a list so `selected` stays in view.
pub fn list_offset(selected: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        selected.saturating_sub(height - 1)
    }
}
