//! Tab 3, Kommentarer: every thread, filtered and searched, and the chosen one beside it.
//! The view's state is here; its `update` and `view` beside it.

pub mod update;
pub mod view;

/// Kommentarer: the list's filters, search and rows, the thread chosen,
/// focus and the thread pane's scroll.
#[derive(Clone, Debug)]
pub struct CommentsView {
    /// The row chosen (index into `rows`).
    pub selected: usize,
    pub status_filter: StatusFilter,
    pub org_filter: Option<String>,
    /// Only comments on this place: `chapter:slug` or `rec:slug`.
    pub place_filter: Option<String>,
    pub search: String,
    /// Indexes into `ws.comments`, newest first, after filters and search.
    pub rows: Vec<usize>,
    pub thread_focus: bool,
    pub thread_scroll: usize,
}

impl Default for CommentsView {
    fn default() -> CommentsView {
        CommentsView {
            selected: 0,
            status_filter: StatusFilter::All,
            org_filter: None,
            place_filter: None,
            search: String::new(),
            rows: Vec::new(),
            thread_focus: false,
            thread_scroll: 0,
        }
    }
}

/// Which comments the comment list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Open,
    Resolved,
}
