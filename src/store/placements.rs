//! A cache of anchor placements, beside the load cache in
//! `.git/oplaeg/cache/` (see [`super::cache`]).
//!
//! Where a comment's quote lands depends only on its anchor, the chapter
//! file it was written on and the chapter text it is placed in (see
//! [`crate::anchor`]). [`crate::anchor::Anchorer`] names those three by
//! content – the anchor as written, the written-on chapter's blob id, and
//! the target chapter's blob id (or, for a chapter not read from git, the
//! git id of its text) – and hashes them into one key, so an entry is only
//! ever found for exactly the inputs it was computed from, committed or
//! not.
//!
//! - One file, `anchors`, with a header (format, program version, length
//!   and checksum) like the load cache's; a file that does not match in
//!   every respect is ignored and rewritten, and any error is silent.
//! - Written to a temporary name and renamed, and only when something was
//!   placed anew; entries used by the run come first, and at most
//!   [`super::cache::KEEP`] times the comments of the placed version are
//!   kept (about that many versions' worth).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};

use super::cache::{Cache, KEEP, checksum};
use crate::anchor::{Fate, Placement};

/// Bump when what is cached, or how anchors are placed, changes (2: the
/// anchoring compares versions on the diff engine's blocks).
const FORMAT: u32 = 2;
const MAGIC: &str = "oplaeg-anchors";
/// The file's name in the cache folder.
pub const FILE: &str = "anchors";
/// Entries kept at least (a small workspace switching between many versions).
const MIN_KEPT: usize = 1000;

/// One placement as stored (the score as its bits, so it reads back equal).
#[derive(Serialize, Deserialize)]
struct Stored {
    key: String,
    fate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heading: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    span: Option<(usize, usize)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

impl Stored {
    fn of(key: Oid, p: &Placement) -> Stored {
        let (score, heading) = match &p.fate {
            Fate::Fuzzy { score } => (Some(score.to_bits()), None),
            Fate::Section { heading } => (None, Some(heading.clone())),
            _ => (None, None),
        };
        Stored {
            key: key.to_string(),
            fate: p.fate.key().to_string(),
            score,
            heading,
            span: p.span.as_ref().map(|s| (s.start, s.end)),
            text: p.text.clone(),
        }
    }

    fn restore(self) -> Option<(Oid, Placement)> {
        let fate = match (self.fate.as_str(), self.score, self.heading) {
            ("exact", None, None) => Fate::Exact,
            ("moved", None, None) => Fate::Moved,
            ("fuzzy", Some(bits), None) => Fate::Fuzzy {
                score: f64::from_bits(bits),
            },
            ("section", None, Some(heading)) => Fate::Section { heading },
            ("orphaned", None, None) => Fate::Orphaned,
            _ => return None,
        };
        if fate.is_placed() != (self.span.is_some() && self.text.is_some()) {
            return None;
        }
        Some((
            Oid::from_str(&self.key).ok()?,
            Placement {
                fate,
                span: self.span.map(|(a, b)| a..b),
                text: self.text,
            },
        ))
    }
}

/// The placements cache of one repository, read when first asked.
pub struct Placements {
    path: PathBuf,
    loaded: Option<Vec<(Oid, Placement)>>,
    index: HashMap<Oid, usize>,
    /// Which loaded entries this run used.
    used: Vec<bool>,
    /// Placed anew this run.
    new: Vec<(Oid, Placement)>,
}

impl Placements {
    /// The cache of a repository with a working tree; None when the load
    /// cache is off (`OPLAEG_NO_CACHE=1`, a bare repository).
    pub fn of(repo: &Repository) -> Option<Placements> {
        Cache::of(repo)?;
        Some(Placements {
            path: Cache::dir_of(repo.path()).join(FILE),
            loaded: None,
            index: HashMap::new(),
            used: Vec::new(),
            new: Vec::new(),
        })
    }

    fn load(&mut self) {
        if self.loaded.is_some() {
            return;
        }
        let entries = read(&self.path).unwrap_or_default();
        self.index = entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (*k, i))
            .collect();
        self.used = vec![false; entries.len()];
        self.loaded = Some(entries);
    }

    /// The placement remembered under `key`.
    pub fn get(&mut self, key: Oid) -> Option<Placement> {
        self.load();
        let i = *self.index.get(&key)?;
        self.used[i] = true;
        self.loaded.as_ref()?.get(i).map(|(_, p)| p.clone())
    }

    /// Remembers a placement made anew.
    pub fn put(&mut self, key: Oid, placement: &Placement) {
        self.new.push((key, placement.clone()));
    }

    /// Writes the file when something was placed anew, keeping at most
    /// [`KEEP`] × `comments` entries (the used ones first). Errors are
    /// ignored: the next run places again.
    pub fn save(&mut self, comments: usize) {
        if self.new.is_empty() {
            return;
        }
        let loaded = self.loaded.take().unwrap_or_default();
        let used: Vec<(Oid, Placement)> = loaded
            .into_iter()
            .zip(std::mem::take(&mut self.used))
            .filter_map(|(e, u)| u.then_some(e))
            .collect();
        let new = std::mem::take(&mut self.new);
        // The rest from the file as it is now: another anchorer (or
        // process) may have written it meanwhile.
        let rest = read(&self.path).unwrap_or_default();
        let mut seen: std::collections::HashSet<Oid> = std::collections::HashSet::new();
        let mut out: Vec<Stored> = Vec::new();
        for (k, p) in used.iter().chain(new.iter()).chain(rest.iter()) {
            if seen.insert(*k) {
                out.push(Stored::of(*k, p));
            }
        }
        out.truncate((KEEP * comments).max(MIN_KEPT));
        let _ = write(&self.path, &out);
    }
}

fn header_line(body: &[u8]) -> String {
    format!(
        "{MAGIC} {FORMAT} {} {} {:016x}",
        env!("CARGO_PKG_VERSION"),
        body.len(),
        checksum(body)
    )
}

fn read(path: &Path) -> Option<Vec<(Oid, Placement)>> {
    let bytes = std::fs::read(path).ok()?;
    let newline = memchr::memchr(b'\n', &bytes)?;
    let header = std::str::from_utf8(&bytes[..newline]).ok()?;
    let body = &bytes[newline + 1..];
    if header != header_line(body) {
        return None;
    }
    let stored: Vec<Stored> = serde_json::from_slice(body).ok()?;
    stored.into_iter().map(Stored::restore).collect()
}

fn write(path: &Path, entries: &[Stored]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let body = serde_json::to_vec(entries).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(header_line(&body).as_bytes())?;
    tmp.write_all(b"\n")?;
    tmp.write_all(&body)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
