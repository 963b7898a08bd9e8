//! Tab 4, Tidslinje: the recommendations by horizon and the meetings with their deadlines.
//! The view's state is here; its `update` and `view` beside it.

pub mod chart;
pub mod update;
pub mod view;

/// Tidslinje: the meeting chosen in the calendar, focus on it, and the
/// lanes' scroll.
#[derive(Clone, Debug, Default)]
pub struct TimelineView {
    pub calendar_focus: bool,
    pub meeting: usize,
    pub lanes_scroll: usize,
}

/// The meeting chosen when the calendar opens: the next one without a
/// draft sent, else the last (index into [`State::meeting_numbers`]).
pub fn default_meeting(state: &crate::tui::state::State) -> usize {
    let numbers = state.meeting_numbers();
    numbers
        .iter()
        .position(|n| {
            let tagged = state.tags.iter().any(|t| t.number == *n);
            let upcoming = state
                .ws
                .config
                .meetings
                .iter()
                .find(|m| m.number == *n)
                .is_some_and(|m| m.date >= state.today);
            upcoming && !tagged
        })
        .unwrap_or(numbers.len().saturating_sub(1))
}

/// The furthest the chart's rows below its fixed header can scroll, for
/// the terminal's size.
pub fn chart_scroll_max(state: &crate::tui::state::State) -> usize {
    use crate::tui::layout;
    let [area, _] = layout::panes(
        crate::tui::state::View::Timeline,
        state.width,
        state.height,
        false,
    );
    let inner = layout::inner(area);
    let axis = chart::Axis::new(state, usize::from(inner.width));
    let header = chart::header(state, &axis).len();
    let rows = usize::from(inner.height).saturating_sub(header);
    chart::body(state, &axis).len().saturating_sub(rows)
}
