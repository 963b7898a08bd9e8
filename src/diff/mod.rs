//! Differences between versions of the oplæg: the word-level diff of prose
//! that chapters, recommendations and exports build on.

pub mod words;

pub use words::{Op, Segment, diff_words};
