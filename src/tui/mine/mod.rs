//! Tab 7, Mit overblik: what became of my comments (or my organisation's),
//! and what happened since the last meeting or since I last looked. The
//! overview is made by [`crate::ops::mine::overview`] on a worker thread.

pub mod state;
pub mod update;
pub mod view;
