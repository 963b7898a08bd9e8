//! Tab 1, Oplæg: the chapter list and the reader, with comment markers in
//! the margin and the cursor and selection on sentences. The chapter is
//! parsed and wrapped once ([`document`]); comments are placed on it
//! ([`anchoring`]); `update` moves through it; `view` draws it.

pub mod anchoring;
pub mod document;
pub mod update;
pub mod view;
