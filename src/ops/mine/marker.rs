//! The last-look marker: per member and per clone, the commit the member
//! last confirmed they had read (`oplaeg mine --mark-read`), kept under
//! `.git/oplaeg/last-look/` (see [`Store::write_local_state`]) and never
//! committed or sent. It moves only when the member confirms; a missing,
//! unreadable or unknown marker is reported, never an error.

use chrono::{DateTime, FixedOffset};
use git2::Oid;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Store;
use crate::tr;

/// The area of local state the markers live in.
const AREA: &str = "last-look";

/// What a member last confirmed having read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastLook {
    /// The commit they had in front of them.
    pub commit: String,
    /// When they confirmed.
    pub at: DateTime<FixedOffset>,
}

/// The marker as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerState {
    /// No marker yet (the member never confirmed, in this clone).
    Missing,
    /// A file that is not a marker; the reason, for people.
    Corrupt(String),
    /// A well-formed marker (its commit may still be unknown to this clone:
    /// check before use).
    At(LastLook),
}

/// Where `email`'s marker is kept.
pub fn marker_path(store: &Store, email: &str) -> std::path::PathBuf {
    store.local_state_path(AREA, email)
}

/// Reads `email`'s marker; never fails (an unreadable file is `Corrupt`).
pub fn read_last_look(store: &Store, email: &str) -> MarkerState {
    let bytes = match store.read_local_state(AREA, email) {
        Ok(Some(b)) => b,
        Ok(None) => return MarkerState::Missing,
        Err(e) => return MarkerState::Corrupt(e.to_string()),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return MarkerState::Corrupt(tr!("ikke UTF-8-tekst", "not UTF-8 text"));
    };
    match toml::from_str::<LastLook>(text) {
        Ok(look) if Oid::from_str(look.commit.trim()).is_ok() && look.commit.len() == 40 => {
            MarkerState::At(look)
        }
        Ok(look) => MarkerState::Corrupt(tr!(
            "«{}» er ikke et commit-id",
            "«{}» is not a commit id",
            look.commit
        )),
        Err(e) => MarkerState::Corrupt(e.message().to_string()),
    }
}

/// Marks `commit` as read by `email` at `at`: the commit the member had in
/// front of them (an overview's [`super::Overview::commit`]), so work that
/// arrived after they looked stays new. The commit must exist here.
pub fn mark_read(
    store: &Store,
    email: &str,
    commit: &str,
    at: DateTime<FixedOffset>,
) -> Result<LastLook> {
    let oid = Oid::from_str(commit.trim())
        .ok()
        .filter(|o| store.repo().find_commit(*o).is_ok())
        .ok_or_else(|| {
            Error::Invalid(tr!(
                "versionen «{commit}» findes ikke i denne kopi",
                "the revision «{commit}» is not in this copy"
            ))
        })?;
    let look = LastLook {
        commit: oid.to_string(),
        at,
    };
    let text = crate::model::to_toml(&look);
    store.write_local_state(AREA, email, text.as_bytes())?;
    Ok(look)
}
