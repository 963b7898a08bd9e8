//! State that belongs to one clone and one person and is never committed
//! (what a member last looked at): small files under `.git/oplaeg/`, which
//! git neither tracks nor sends anywhere.

use std::path::PathBuf;

use super::{Store, write_atomic};
use crate::error::{Error, Result};

/// The folder inside the repository's git directory.
const FOLDER: &str = "oplaeg";

/// A key as a file name: lower case, with every byte other than `a-z`,
/// `0-9`, `@`, `_` and `-` written as `%XX`, so two keys never share a
/// file and no key can name a path (no `/`, no `.`).
fn file_name(key: &str) -> String {
    let mut out = String::new();
    for b in key.trim().to_lowercase().bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'@' | b'_' | b'-') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

impl Store {
    /// Where the state `area`/`key` is kept: `.git/oplaeg/AREA/KEY`.
    /// `area` is one of the program's own names (letters and `-`).
    pub fn local_state_path(&self, area: &str, key: &str) -> PathBuf {
        self.repo
            .path()
            .join(FOLDER)
            .join(file_name(area))
            .join(file_name(key))
    }

    /// The state `area`/`key`; None when there is none.
    pub fn read_local_state(&self, area: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let path = self.local_state_path(area, key);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path)(e)),
        }
    }

    /// Replaces the state `area`/`key` atomically (a reader sees the old or
    /// the new file, never half of one). Refused in a bare repository,
    /// which is a server's and belongs to no one person.
    pub fn write_local_state(&self, area: &str, key: &str, bytes: &[u8]) -> Result<()> {
        self.refuse_bare()?;
        write_atomic(&self.local_state_path(area, key), bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn keys_become_distinct_plain_file_names() {
        assert_eq!(file_name("Jens@RM.example"), "jens@rm%2eexample");
        assert_eq!(file_name("../x"), "%2e%2e%2fx");
        assert_ne!(file_name("a.b"), file_name("a%2eb"));
        assert!(!file_name("æ/ø").contains('/'));
    }
}
