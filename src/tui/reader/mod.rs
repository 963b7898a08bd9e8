//! Tab 1, Oplæg: the chapter list and the reader, with comment markers in
//! the margin and the cursor and selection on sentences. The chapter is
//! parsed and wrapped once ([`document`]); comments are placed on it
//! ([`anchoring`]); `update` moves through it; `view` draws it.

pub mod anchoring;
pub mod document;
pub mod update;
pub mod view;

use std::collections::HashMap;

/// Oplæg: the chapter shown, its parsed text with the comments placed on
/// it, the cursor and selection, and which pane has focus.
pub struct ReaderState {
    /// Index into `ws.chapters`.
    pub chapter: usize,
    /// Focus on the text (true) or the chapter list (false).
    pub text_focus: bool,
    pub doc: document::Document,
    /// Sentence under the cursor.
    pub cursor: usize,
    /// Start of a selection (sentence), while selecting.
    pub selection: Option<usize>,
    pub scroll: usize,
    /// Comments (indexes into `ws.comments`) anchored in each block.
    pub markers: HashMap<usize, Vec<usize>>,
    /// Comments on this chapter whose quote is no longer in the text.
    pub unplaced: Vec<usize>,
    /// Where this chapter's comments sit in the version shown.
    pub anchors: anchoring::ReaderAnchors,
}

impl Default for ReaderState {
    fn default() -> ReaderState {
        ReaderState {
            chapter: 0,
            text_focus: false,
            doc: document::Document::new("", 40),
            cursor: 0,
            selection: None,
            scroll: 0,
            markers: HashMap::new(),
            unplaced: Vec::new(),
            anchors: Default::default(),
        }
    }
}
