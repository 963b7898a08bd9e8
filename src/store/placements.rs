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
//!   every respect is ignored and rewritten, and any error is silent. The
//!   body is binary (see [`super::binary`]; format 1 was JSON).
//! - Written to a temporary name and renamed, and only when something was
//!   placed anew; entries used by the run come first, and at most
//!   [`super::cache::KEEP`] times the comments of the placed version are
//!   kept (about that many versions' worth).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::binary::{Dec, Enc};
use super::cache::{Cache, KEEP, checksum};
use crate::anchor::{Fate, Placement};

/// Bump when what is cached, or how anchors are placed, changes (2: the
/// compact binary format; 3: the anchoring compares versions on the diff
/// engine's blocks).
const FORMAT: u32 = 3;
const MAGIC: &str = "oplaeg-anchors";
/// The file's name in the cache folder.
pub const FILE: &str = "anchors";
/// Entries kept at least (a small workspace switching between many versions).
const MIN_KEPT: usize = 1000;

/// Writes one placement (the score as its bits, so it reads back equal).
fn put(e: &mut Enc, key: Oid, p: &Placement) {
    e.raw(key.as_bytes());
    match &p.fate {
        Fate::Exact => e.u8(0),
        Fate::Moved => e.u8(1),
        Fate::Fuzzy { score } => {
            e.u8(2);
            e.u64(score.to_bits());
        }
        Fate::Section { heading } => {
            e.u8(3);
            e.str(heading);
        }
        Fate::Orphaned => e.u8(4),
    }
    e.opt_usize(p.span.as_ref().map(|s| s.start));
    e.opt_usize(p.span.as_ref().map(|s| s.end));
    e.opt_str(p.text.as_deref());
}

/// Reads what [`put`] wrote; `None` for anything else, and for a placement
/// that could not have been made (a span without text, or the reverse).
fn get(d: &mut Dec<'_>) -> Option<(Oid, Placement)> {
    let key = Oid::from_bytes(d.raw(20)?).ok()?;
    let fate = match d.u8()? {
        0 => Fate::Exact,
        1 => Fate::Moved,
        2 => Fate::Fuzzy {
            score: f64::from_bits(d.u64()?),
        },
        3 => Fate::Section {
            heading: d.string()?,
        },
        4 => Fate::Orphaned,
        _ => return None,
    };
    let span = match (d.opt_usize()?, d.opt_usize()?) {
        (Some(a), Some(b)) => Some(a..b),
        (None, None) => None,
        _ => return None,
    };
    let text = d.opt_string()?;
    if fate.is_placed() != (span.is_some() && text.is_some()) {
        return None;
    }
    Some((key, Placement { fate, span, text }))
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
        let limit = (KEEP * comments).max(MIN_KEPT);
        let mut out: Vec<(Oid, &Placement)> = Vec::new();
        for (k, p) in used.iter().chain(new.iter()).chain(rest.iter()) {
            if out.len() == limit {
                break;
            }
            if seen.insert(*k) {
                out.push((*k, p));
            }
        }
        let _ = write(&self.path, &out);
    }
}

pub(super) fn header_line(body: &[u8]) -> String {
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
    let mut d = Dec::new(body);
    let n = d.len()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(get(&mut d)?);
    }
    d.is_empty().then_some(out)
}

fn write(path: &Path, entries: &[(Oid, &Placement)]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut e = Enc::default();
    e.len(entries.len());
    for (k, p) in entries {
        put(&mut e, *k, p);
    }
    let body = e.bytes;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(header_line(&body).as_bytes())?;
    tmp.write_all(b"\n")?;
    tmp.write_all(&body)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
