//! The sync popup: how far a running sync has come, then its report or
//! what stopped it (with the steps to resolve a conflict).

use crate::tui::panes::Pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::state::{State, SyncPopup};
use crate::tui::views::safe;

/// A bar of `width` cells for `done` of `total`: `█████░░░░░ 50 %`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let total = total.max(1);
    let done = done.min(total);
    let filled = done * width / total;
    format!(
        "{}{} {:>3} %",
        "█".repeat(filled),
        "░".repeat(width - filled),
        done * 100 / total
    )
}

/// The popup's text: the step and a bar while running, then the report.
pub fn lines(state: &State, popup: &SyncPopup) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    if popup.running {
        let step = popup.progress.as_ref().map_or_else(
            || crate::tr!("Forbinder …", "Connecting …"),
            crate::store::Progress::describe,
        );
        lines.push(Line::styled(
            format!("⏳ {}", safe(&step)),
            state.theme.marker(),
        ));
        if let Some((done, total)) = popup.progress.as_ref().and_then(|p| p.fraction()) {
            lines.push(Line::raw(bar(done, total, 40)));
        }
    } else {
        let style = if popup.failed {
            state.theme.error()
        } else {
            state.theme.ok()
        };
        for (i, l) in popup.lines.iter().enumerate() {
            let s = if i == 0 {
                style
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(Span::styled(safe(l), s)));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, _area: Rect, state: &State, popup: &SyncPopup) {
    // How to close it sits in the bottom border, so it shows even when a
    // long conflict text fills the window (which then scrolls).
    let close = if popup.running {
        crate::tr!(
            " Esc lukker; synkroniseringen fortsætter i baggrunden ",
            " Esc closes; the sync goes on in the background "
        )
    } else {
        crate::tr!(" Enter eller Esc lukker ", " Enter or Esc closes ")
    };
    let title = if popup.running {
        crate::tr!(" Synkroniserer med serveren ", " Syncing with the server ")
    } else if popup.failed {
        crate::tr!(" Synkroniseringen stoppede ", " The sync stopped ")
    } else {
        crate::tr!(" Synkroniseret ", " Synced ")
    };
    let block = crate::tui::views::pane::block(Line::raw(title), true, state)
        .title_bottom(Line::styled(close, state.theme.dim()));
    crate::tui::views::pane::draw(frame, state, Pane::Popup, block, true);
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(0, 10, 10), "░░░░░░░░░░   0 %");
        assert_eq!(bar(5, 10, 10), "█████░░░░░  50 %");
        assert_eq!(bar(12, 10, 10), "██████████ 100 %");
        assert_eq!(bar(0, 0, 4), "░░░░   0 %");
    }
}
