//! `oplaeg`: a fagligt oplæg, its prioritised recommendations and the
//! følgegruppe's comments, kept in a git repository.
//!
//! The core (`model`, `store`, `ops`, `text`) never touches the terminal; the
//! command line (`cli`) and the terminal UI call the same [`ops`].

#![forbid(unsafe_code)]

pub mod anchor;
pub mod cli;
pub mod demo;
pub mod diff;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod model;
pub mod ops;
pub mod platform;
pub mod ranking;
pub mod store;
pub mod suggest;
pub mod text;
pub mod tui;

pub use error::{Error, Result};
