//! Tab 2, Anbefalinger: the prioritised list and the details beside it.
//! The view's state is here; its `update` and `view` beside it.

pub mod update;
pub mod view;

/// Anbefalinger: the row chosen, which pane has focus, the detail pane's scroll and an
/// order being made with K/J before it is saved.
#[derive(Clone, Debug, Default)]
pub struct RecsView {
    /// The row chosen in the list.
    pub selected: usize,
    pub detail_focus: bool,
    pub detail_scroll: usize,
    /// The new order (slugs) while K/J move recommendations; Enter saves it
    /// as one change, Esc puts the old one back.
    pub pending: Option<Vec<String>>,
}
