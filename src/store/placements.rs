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
//! - Writers take turns (a lock on `.git/oplaeg/anchors.lock`), and each
//!   merges in the file as it is when its turn comes, so entries another
//!   process or thread saved meanwhile are kept.
//! - Read once per process, not once per anchorer (every chapter opened in
//!   the terminal UI makes one): the parsed entries are shared by the
//!   store and its worker handles, and reused while the file on disk is
//!   the one they came from (its header line, size, time and inode); a
//!   write by this process replaces them, one by another process makes the
//!   next anchorer read the file again.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use git2::Oid;

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

/// The placements file as this process last read or wrote it, shared by
/// every anchorer on the repository (a [`super::Store`] and the handles of
/// its worker threads), so that opening chapter after chapter reads the
/// file once. Each use checks the file's header line (its body's length and
/// checksum) first, so a write by another process is read anew.
#[derive(Default)]
pub(crate) struct Shared {
    last: Mutex<Option<Arc<Snapshot>>>,
    /// Whole reads of the file (for tests).
    reads: AtomicUsize,
}

/// What tells one state of the file from another without reading it all:
/// its header line (the body's length and checksum) and the file's size,
/// time and inode, so that a file damaged or replaced behind oplaeg's back
/// is read again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    header: String,
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(header: String, meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Stamp {
            header,
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// The entries of one state of the file.
struct Snapshot {
    /// The file they were read from or written to (None: none readable).
    stamp: Option<Stamp>,
    entries: Vec<(Oid, Placement)>,
    index: HashMap<Oid, usize>,
}

impl Snapshot {
    fn new(stamp: Option<Stamp>, entries: Vec<(Oid, Placement)>) -> Snapshot {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (*k, i))
            .collect();
        Snapshot {
            stamp,
            entries,
            index,
        }
    }
}

impl Shared {
    /// The file as it is now: the snapshot kept when the file is still the
    /// one it was made from, else read anew (nothing for a missing or
    /// damaged file).
    fn current(&self, path: &Path) -> Arc<Snapshot> {
        let on_disk = read_stamp(path);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some(stamp), Some(snapshot)) = (&on_disk, last.as_ref())
            && snapshot.stamp.as_ref() == Some(stamp)
        {
            return snapshot.clone();
        }
        self.reads.fetch_add(1, Ordering::Relaxed);
        let snapshot = Arc::new(match read(path) {
            Some((stamp, entries)) => Snapshot::new(Some(stamp), entries),
            None => Snapshot::new(None, Vec::new()),
        });
        *last = Some(snapshot.clone());
        snapshot
    }

    /// After this process wrote the file (`None`: the write failed).
    fn wrote(&self, snapshot: Option<Snapshot>) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = snapshot.map(Arc::new);
    }

    /// How often the whole file was read.
    #[cfg(test)]
    fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }
}

/// The placements cache of one repository for one anchorer, read when
/// first asked.
pub struct Placements {
    path: PathBuf,
    shared: Arc<Shared>,
    loaded: Option<Arc<Snapshot>>,
    /// The loaded entries this run used.
    used: HashSet<Oid>,
    /// Placed anew this run.
    new: Vec<(Oid, Placement)>,
}

impl Placements {
    /// The cache of a repository with a working tree; None when the load
    /// cache is off (`OPLAEG_NO_CACHE=1`, a bare repository).
    pub fn of(store: &super::Store) -> Option<Placements> {
        let repo = store.repo();
        Cache::of(repo)?;
        Some(Placements::at(
            Cache::dir_of(repo.path()).join(FILE),
            store.placements.clone(),
        ))
    }

    fn at(path: PathBuf, shared: Arc<Shared>) -> Placements {
        Placements {
            path,
            shared,
            loaded: None,
            used: HashSet::new(),
            new: Vec::new(),
        }
    }

    fn load(&mut self) -> &Snapshot {
        self.loaded
            .get_or_insert_with(|| self.shared.current(&self.path))
    }

    /// The placement remembered under `key`.
    pub fn get(&mut self, key: Oid) -> Option<Placement> {
        let loaded = self.load();
        let i = *loaded.index.get(&key)?;
        let placement = loaded.entries.get(i).map(|(_, p)| p.clone());
        self.used.insert(key);
        placement
    }

    /// Remembers a placement made anew.
    pub fn put(&mut self, key: Oid, placement: &Placement) {
        self.new.push((key, placement.clone()));
    }

    /// Takes over what `other` (another anchorer's view of the same file,
    /// say on another thread) used and placed anew, to be saved with this
    /// one's in one write; `other` then has nothing to save.
    pub fn absorb(&mut self, mut other: Placements) {
        if self.loaded.is_none() {
            self.loaded = other.loaded.take();
        }
        // Entries `other` used from a snapshot other than this one's are
        // in the file as it is at saving time, which is merged in anyway.
        self.used.extend(other.used.drain());
        self.new.append(&mut other.new);
    }

    /// Writes the file when something was placed anew, keeping at most
    /// [`KEEP`] × `comments` entries (the used ones first, then the new
    /// ones, then the rest of the file as it is now). Errors are ignored:
    /// the next run places again.
    pub fn save(&mut self, comments: usize) {
        if self.new.is_empty() {
            return;
        }
        // One writer at a time, and the file as it is then merged in: what
        // another process or thread saved meanwhile is kept, not replaced.
        let Some(_turn) = take_turn(&self.path) else {
            self.new.clear();
            return;
        };
        let new = std::mem::take(&mut self.new);
        let used = std::mem::take(&mut self.used);
        let loaded = self.loaded.take();
        let used = loaded
            .iter()
            .flat_map(|s| s.entries.iter())
            .filter(|(k, _)| used.contains(k));
        // The rest from the file as it is now (under the lock).
        let rest = self.shared.current(&self.path);
        let limit = (KEEP * comments).max(MIN_KEPT);
        let mut seen: HashSet<Oid> = HashSet::new();
        let mut out: Vec<(Oid, Placement)> = Vec::new();
        for (k, p) in used.chain(new.iter()).chain(rest.entries.iter()) {
            if out.len() == limit {
                break;
            }
            if seen.insert(*k) {
                out.push((*k, p.clone()));
            }
        }
        let written = write(&self.path, &out).ok();
        self.shared
            .wrote(written.map(|stamp| Snapshot::new(Some(stamp), out)));
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

/// The file's stamp and entries; `None` for a missing or damaged file.
fn read(path: &Path) -> Option<(Stamp, Vec<(Oid, Placement)>)> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).ok()?;
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
    d.is_empty()
        .then(|| (Stamp::of(header.to_string(), &meta), out))
}

/// The file's stamp, reading only its first line.
fn read_stamp(path: &Path) -> Option<Stamp> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let mut start = Vec::with_capacity(HEADER_MAX);
    file.take(HEADER_MAX as u64).read_to_end(&mut start).ok()?;
    let newline = memchr::memchr(b'\n', &start)?;
    let header = String::from_utf8(start[..newline].to_vec()).ok()?;
    Some(Stamp::of(header, &meta))
}

/// The lock file writers take turns on, beside the cache folder (not in
/// it: the load cache removes files it does not know there).
const LOCK: &str = "anchors.lock";
/// How long a writer waits for its turn before it gives up (the next run
/// places again).
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Waits, a bounded time, for the turn to write the file at `path`: a lock
/// on [`LOCK`] in the folder above the cache folder, held until the file
/// is dropped. None when there is no turn to be had.
fn take_turn(path: &Path) -> Option<std::fs::File> {
    let dir = path.parent()?.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .ok()?;
    let deadline = std::time::Instant::now() + TURN_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Some(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            Err(_) => return None,
        }
    }
}

/// More than any header line is long.
const HEADER_MAX: usize = 256;

/// Writes the file (to a temporary name, renamed); its stamp.
fn write(path: &Path, entries: &[(Oid, Placement)]) -> std::io::Result<Stamp> {
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
    let header = header_line(&body);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(header.as_bytes())?;
    tmp.write_all(b"\n")?;
    tmp.write_all(&body)?;
    tmp.flush()?;
    // A rename keeps the file's size, time and inode.
    let stamp = Stamp::of(header, &tmp.as_file().metadata()?);
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> Oid {
        Oid::hash_object(git2::ObjectType::Blob, format!("key {i}").as_bytes()).unwrap()
    }

    fn placement(i: usize) -> Placement {
        let text = format!("ord {i}");
        Placement {
            fate: Fate::Exact,
            span: Some(i..i + text.len()),
            text: Some(text),
        }
    }

    /// A cache file in a new folder with entries `0..n`, saved through
    /// `shared`: the folder (removed when dropped), the file, and `shared`.
    fn saved(n: usize) -> (tempfile::TempDir, PathBuf, Arc<Shared>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join(FILE);
        let shared = Arc::new(Shared::default());
        let mut p = Placements::at(path.clone(), shared.clone());
        for i in 0..n {
            p.put(key(i), &placement(i));
        }
        p.save(10);
        (dir, path, shared)
    }

    fn on_disk(path: &Path) -> HashMap<Oid, Placement> {
        read(path)
            .map(|(_, e)| e)
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    #[test]
    fn the_file_is_read_once_for_many_anchorers_and_again_after_another_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join(FILE);
        let shared = Arc::new(Shared::default());
        let mut first = Placements::at(path.clone(), shared.clone());
        assert_eq!(first.get(key(0)), None);
        for i in 0..3 {
            first.put(key(i), &placement(i));
        }
        first.save(10);
        let reads = shared.reads();
        // Chapter after chapter opened: found without reading the file again.
        for _ in 0..20 {
            let mut next = Placements::at(path.clone(), shared.clone());
            for i in 0..3 {
                assert_eq!(next.get(key(i)), Some(placement(i)));
            }
            next.save(10);
        }
        assert_eq!(shared.reads(), reads);
        // A write in between by this process: seen without a read.
        let mut writer = Placements::at(path.clone(), shared.clone());
        writer.put(key(5), &placement(5));
        writer.save(10);
        let mut next = Placements::at(path.clone(), shared.clone());
        assert_eq!(next.get(key(5)), Some(placement(5)));
        assert_eq!(shared.reads(), reads);
        // Another process (its own shared state) writes: read anew, once.
        let mut other = Placements::at(path.clone(), Arc::new(Shared::default()));
        other.put(key(7), &placement(7));
        other.save(10);
        for _ in 0..3 {
            let mut next = Placements::at(path.clone(), shared.clone());
            assert_eq!(next.get(key(7)), Some(placement(7)));
            assert_eq!(next.get(key(0)), Some(placement(0)));
            assert_eq!(next.get(key(5)), Some(placement(5)));
        }
        assert_eq!(shared.reads(), reads + 1);
        assert_eq!(on_disk(&path).len(), 5);
    }

    /// What an anchorer on another thread used and placed is saved with the
    /// one it is handed to, in that one's write; the anchorer handing it
    /// over writes nothing.
    #[test]
    fn placements_handed_over_are_saved_in_one_write() {
        let (_dir, path, shared) = saved(4);
        let before = std::fs::read(&path).unwrap();
        let mut main = Placements::at(path.clone(), shared.clone());
        let mut worker = Placements::at(path.clone(), shared.clone());
        assert_eq!(worker.get(key(2)), Some(placement(2)));
        worker.put(key(20), &placement(20));
        main.put(key(10), &placement(10));
        main.absorb(worker);
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written yet");
        main.save(10);
        let stored = on_disk(&path);
        assert_eq!(stored.len(), 6);
        for i in [0, 1, 2, 3, 10, 20] {
            assert_eq!(stored.get(&key(i)), Some(&placement(i)), "{i}");
        }
        let mut again = Placements::at(path.clone(), shared);
        assert_eq!(again.get(key(20)), Some(placement(20)));
    }

    /// Two writers at once (each with its own state, as two processes
    /// have, and two sharing one, as threads of one process do) each
    /// saving new entries again and again: every entry of both is on disk
    /// afterwards, and a reader meanwhile never finds a damaged file.
    #[test]
    fn concurrent_writers_keep_each_others_entries_and_never_damage_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join(FILE);
        let one = Arc::new(Shared::default());
        let writers: Vec<(usize, Arc<Shared>)> = vec![
            (0, Arc::new(Shared::default())),
            (1, Arc::new(Shared::default())),
            (2, one.clone()),
            (3, one),
        ];
        const ROUNDS: usize = 40;
        const EACH: usize = 3;
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (path, done) = (path.clone(), done.clone());
            std::thread::spawn(move || {
                let mut checked = 0;
                while !done.load(Ordering::Relaxed) {
                    if path.exists() {
                        assert!(read(&path).is_some(), "a damaged file was seen");
                        checked += 1;
                    }
                }
                checked
            })
        };
        let threads: Vec<_> = writers
            .into_iter()
            .map(|(w, shared)| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for round in 0..ROUNDS {
                        let mut p = Placements::at(path.clone(), shared.clone());
                        let _ = p.get(key(0));
                        for e in 0..EACH {
                            let i = 1 + (w * ROUNDS + round) * EACH + e;
                            p.put(key(i), &placement(i));
                        }
                        p.save(1000);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        let stored = on_disk(&path);
        let missing: Vec<usize> = (1..=4 * ROUNDS * EACH)
            .filter(|i| stored.get(&key(*i)) != Some(&placement(*i)))
            .collect();
        assert!(missing.is_empty(), "lost: {missing:?}");
    }

    /// A damaged file (garbage, cut short, an intact header over a body cut
    /// short) is ignored, also by an anchorer that had read it whole
    /// before, and rewritten whole by the next save.
    #[test]
    fn a_damaged_file_is_ignored_and_rewritten() {
        let (_dir, path, shared) = saved(4);
        let good = std::fs::read(&path).unwrap();
        let newline = good.iter().position(|b| *b == b'\n').unwrap();
        for damaged in [
            b"garbage\n\x00\x01\x02".to_vec(),
            good[..good.len() / 2].to_vec(),
            good[..newline + 1].to_vec(),
            [&good[..good.len() - 1], b"x"].concat(),
            Vec::new(),
        ] {
            std::fs::write(&path, &damaged).unwrap();
            let mut p = Placements::at(path.clone(), shared.clone());
            assert_eq!(p.get(key(1)), None, "{damaged:?}");
            p.put(key(9), &placement(9));
            p.save(10);
            let stored = on_disk(&path);
            assert_eq!(stored.get(&key(9)), Some(&placement(9)));
            assert_eq!(stored.len(), 1, "only what the file still held");
            // Back to the good file for the next kind of damage.
            std::fs::write(&path, &good).unwrap();
        }
    }
}
