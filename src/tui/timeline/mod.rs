//! Tab 4, Tidslinje: the recommendations by horizon and the meetings with their deadlines.
//! The view's state is here; its `update` and `view` beside it.

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
