//! Tab 5, Historik: the changes, newest first, and what the chosen one says.
//! The view's state is here; its `update` and `view` beside it.

pub mod update;
pub mod view;

/// Historik: the change chosen (index into `log`), focus and the detail
/// pane's scroll.
#[derive(Clone, Debug, Default)]
pub struct HistoryView {
    pub selected: usize,
    pub detail_focus: bool,
    pub detail_scroll: usize,
}
