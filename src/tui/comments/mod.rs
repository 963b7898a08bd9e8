//! Tab 3, Kommentarer: every thread, filtered and searched, and the chosen one beside it.
//! The view's state is here; its `update` and `view` beside it.

pub mod update;
pub mod view;

/// Kommentarer: focus and the thread pane's scroll.
#[derive(Clone, Debug, Default)]
pub struct CommentsView {
    pub thread_focus: bool,
    pub thread_scroll: usize,
}
