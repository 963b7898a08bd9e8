//! Drawing a scrolling text pane: the border (thick when it has focus), the
//! rows from the scroll offset on, and where there is more, a scroll bar
//! and the rows shown in the bottom border.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::scrollbar;
use ratatui::text::Line;
use ratatui::widgets::{
    Block, BorderType, Borders, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

use crate::tui::layout;
use crate::tui::panes::{self, Pane};
use crate::tui::scroll;
use crate::tui::state::State;

/// A pane's block: thick and bold when focused, plain otherwise.
pub fn block(title: Line<'static>, focused: bool, state: &State) -> Block<'static> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused {
        b.border_type(BorderType::Thick)
            .border_style(state.theme.title())
    } else {
        b
    }
}

/// Draws `pane` at its place (from [`layout`]) with its block.
pub fn draw(frame: &mut Frame, state: &State, pane: Pane, block: Block<'static>, clear: bool) {
    let area = panes::rect(state, pane);
    let rows = panes::wrapped(state, pane);
    draw_rows(
        frame,
        area,
        block,
        rows,
        panes::offset(state, pane),
        clear,
        state,
    );
}

/// Draws already wrapped rows in `area` from `offset` on.
pub fn draw_rows(
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    rows: Vec<Line<'static>>,
    offset: usize,
    clear: bool,
    state: &State,
) {
    let total = rows.len();
    draw_window(
        frame,
        area,
        block,
        total,
        offset,
        clear,
        state,
        |from, n| rows.into_iter().skip(from).take(n).collect(),
    );
}

/// Draws `total` wrapped rows in `area` from `offset` on, asking `rows`
/// for only those shown (from, how many).
#[allow(clippy::too_many_arguments)]
pub fn draw_window(
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    total: usize,
    offset: usize,
    clear: bool,
    state: &State,
    rows: impl FnOnce(usize, usize) -> Vec<Line<'static>>,
) {
    if clear {
        frame.render_widget(Clear, area);
    }
    let inner = layout::inner(area);
    let height = usize::from(inner.height);
    let offset = offset.min(scroll::max_offset(total, height));
    let mut block = block;
    if total > height {
        let last = (offset + height).min(total);
        block = block.title_bottom(
            Line::styled(
                crate::tr!(
                    " {}–{} af {} ↑↓ PgUp/PgDn ",
                    " {}–{} of {} ↑↓ PgUp/PgDn ",
                    offset + 1,
                    last,
                    total
                ),
                state.theme.dim(),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, area);
    let visible = rows(offset, height);
    frame.render_widget(Paragraph::new(visible), inner);
    if total > height {
        let mut bar = ScrollbarState::new(scroll::max_offset(total, height) + 1).position(offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .symbols(scrollbar::VERTICAL)
                .begin_symbol(None)
                .end_symbol(None),
            area.inner(ratatui::layout::Margin::new(0, 1)),
            &mut bar,
        );
    }
}
