//! A cache of read comment files, kept under `.git/oplaeg/cache/` so nothing
//! in it is ever committed or synced.
//!
//! Reading a large workspace is dominated by its comment files (tens of
//! thousands of small TOML files). What one of them reads as depends only on
//! its name, mode and content (and the language of the messages), and git
//! names the content: so the cache remembers a [`CommentFile`] by
//! (name, blob id, mode), and the whole folder by its tree id.
//!
//! - A load of a commit whose `comments/` tree is cached reads one file.
//! - Otherwise the newest cached folder (usually the previous commit's)
//!   answers for every file whose name, blob and mode are unchanged, and
//!   only the files that differ are read from git and parsed; the result is
//!   cached under the new tree id (the last [`KEEP`] folders are kept).
//! - Entries are only ever looked up by ids git computed from the content,
//!   so a stale cache (a branch switched with plain git) cannot answer for
//!   the wrong content. The working tree is never read through it.
//! - Each file carries a header (format, program version, language, tree id,
//!   length and checksum); one that does not match in every respect –
//!   truncated, garbage, another version or format – is ignored and
//!   rewritten. Any error in the cache is silent: the load goes on from git.
//! - The chapter files (`drafts/`) are kept by their tree id too, as git
//!   gives them (names, bytes, blob ids), in `drafts-TREE`: reading one
//!   file is several times cheaper than unpacking each chapter's chain of
//!   deltas from git's packs. They do not depend on the language.
//! - The body is the compact binary form of [`super::binary`] (format 2;
//!   format 1 was JSON, three times slower to read), so a warm load costs
//!   about as much as reading the file.
//! - Files are written to a temporary name and renamed, so a reader never
//!   sees half a file; the folder may be deleted at any time.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Tree};

use super::binary::{
    Dec, Enc, get_comment_file, get_file, put_comment_file, put_file, skip_comment_file,
};
use crate::error::{Error, Result};
use crate::model::{
    Comment, CommentFile, FileData, Problem, at_most_by, limits, paths, read_comment_file,
};

/// Bump when what is cached, or how a file reads, changes.
const FORMAT: u32 = 2;
/// How many folders (tree ids) are kept.
pub const KEEP: usize = 4;
const MAGIC: &str = "oplaeg-cache";
/// Chapter folders' cache files are named this and their tree id.
const DRAFTS_PREFIX: &str = "drafts-";
/// The language in a chapter folder's header: none matters.
const ANY_LANG: &str = "-";

/// One comment file as remembered (its comment's id set from the name).
struct Entry {
    name: String,
    blob: Oid,
    mode: i32,
    read: CommentFile,
}

/// How a load used the cache (for tests and benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheUse {
    /// The whole folder came from the cache.
    pub folder_hit: bool,
    /// Files answered by the cache.
    pub reused: usize,
    /// Files read from git and parsed.
    pub parsed: usize,
    /// Whether a new folder was written.
    pub written: bool,
}

/// The cache folder of a repository.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of a repository with a working tree (a bare server
    /// repository is read without one). `OPLAEG_NO_CACHE=1` turns it off.
    pub fn of(repo: &Repository) -> Option<Cache> {
        if repo.is_bare() || std::env::var_os("OPLAEG_NO_CACHE").is_some_and(|v| v == "1") {
            return None;
        }
        Some(Cache {
            dir: Cache::dir_of(repo.path()),
        })
    }

    /// `.git/oplaeg/cache`.
    pub fn dir_of(git_dir: &Path) -> PathBuf {
        git_dir.join("oplaeg").join("cache")
    }

    fn lang() -> &'static str {
        match crate::i18n::lang() {
            crate::i18n::Lang::Da => "da",
            crate::i18n::Lang::En => "en",
        }
    }

    fn file_of(&self, tree: Oid) -> PathBuf {
        self.dir.join(format!("comments-{tree}-{}", Cache::lang()))
    }

    fn drafts_of(&self, tree: Oid) -> PathBuf {
        self.dir.join(format!("{DRAFTS_PREFIX}{tree}"))
    }

    /// The chapter files of the `drafts/` tree `tree`, as `read` gives them
    /// (called only when they are not cached, and then cached).
    pub fn draft_files(
        &self,
        tree: Oid,
        read: impl FnOnce() -> Result<Vec<FileData>>,
    ) -> Result<Vec<FileData>> {
        let path = self.drafts_of(tree);
        if let Some(files) = self.read_drafts(&path, tree) {
            return Ok(files);
        }
        let files = read()?;
        let mut e = Enc::default();
        e.len(files.len());
        for f in &files {
            put_file(&mut e, f);
        }
        let _ = self.write_body(
            &path,
            &header_in(FORMAT, ANY_LANG, tree, &e.bytes),
            &e.bytes,
        );
        Ok(files)
    }

    fn read_drafts(&self, path: &Path, tree: Oid) -> Option<Vec<FileData>> {
        let bytes = std::fs::read(path).ok()?;
        let newline = memchr::memchr(b'\n', &bytes)?;
        let body = &bytes[newline + 1..];
        if bytes[..newline] != *header_in(FORMAT, ANY_LANG, tree, body).as_bytes() {
            return None;
        }
        let mut d = Dec::new(body);
        let n = d.len()?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            files.push(get_file(&mut d)?);
        }
        d.is_empty().then_some(files)
    }

    /// The comment files of `tree` (a commit's root tree), as
    /// [`crate::model::Source::comment_files`] gives them.
    pub fn comment_files(
        &self,
        repo: &Repository,
        tree: &Tree<'_>,
        problems: &mut Vec<Problem>,
        used: &mut CacheUse,
    ) -> Result<Vec<CommentFile>> {
        let sub = match tree.get_path(Path::new(paths::COMMENTS)) {
            Ok(e) if e.kind() == Some(ObjectType::Tree) => repo
                .find_tree(e.id())
                .map_err(Error::git(paths::COMMENTS.to_string()))?,
            Ok(_) => return Ok(Vec::new()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::git(paths::COMMENTS.to_string())(e)),
        };
        let entries: Vec<git2::TreeEntry<'_>> = sub
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob) && e.name().is_ok())
            .collect();
        let entries = at_most_by(
            entries,
            |e| e.name().unwrap_or_default(),
            paths::COMMENTS,
            limits::MAX_COMMENTS,
            problems,
        );
        let path = self.file_of(sub.id());
        if let Some(cached) = self.read(&path, sub.id())
            && cached.len() == entries.len()
            && cached.iter().zip(&entries).all(|(c, e)| same(c, e))
        {
            used.folder_hit = true;
            used.reused = cached.len();
            return Ok(cached.into_iter().map(|e| e.read).collect());
        }
        let mut known: HashMap<String, Entry> = self
            .newest()
            .and_then(|(p, t)| self.read(&p, t))
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.name.clone(), e))
            .collect();
        let odb = repo.odb().map_err(Error::git("objects"))?;
        let mut out = Vec::with_capacity(entries.len());
        for e in &entries {
            let name = e.name().unwrap_or_default();
            match known.remove(name) {
                Some(k) if same(&k, e) => {
                    used.reused += 1;
                    out.push(k);
                }
                _ => {
                    let Some(file) = super::source::blob_file(repo, &odb, paths::COMMENTS, e)?
                    else {
                        continue;
                    };
                    used.parsed += 1;
                    let mut read = read_comment_file(file);
                    // The id is the file name, as a cached file gives it.
                    if let Some(c) = &mut read.comment {
                        c.id = id_of(name).to_string();
                    }
                    out.push(Entry {
                        name: name.to_string(),
                        blob: e.id(),
                        mode: e.filemode(),
                        read,
                    });
                }
            }
        }
        used.written = self.write(&path, sub.id(), &out).is_ok();
        Ok(out.into_iter().map(|e| e.read).collect())
    }

    /// The comments of the `comments/` tree `tree` named in `wanted` (file
    /// name and blob id) as cached by a load of a commit with that tree:
    /// by file name, the comment each read as (`None`: it read as none);
    /// files cached with another blob id are left out. `None` when that
    /// tree is not cached whole in this language. The other files are
    /// stepped over, not built; nothing is read from git or written.
    pub fn comments_of(
        &self,
        tree: Oid,
        wanted: &HashMap<&str, Oid>,
    ) -> Option<HashMap<String, Option<Comment>>> {
        let bytes = std::fs::read(self.file_of(tree)).ok()?;
        let newline = memchr::memchr(b'\n', &bytes)?;
        let body = &bytes[newline + 1..];
        if bytes[..newline] != *header_line(tree, body).as_bytes() {
            return None;
        }
        let mut d = Dec::new(body);
        let n = d.len()?;
        let mut out = HashMap::with_capacity(wanted.len());
        for _ in 0..n {
            let name = d.str()?;
            let blob = Oid::from_bytes(d.raw(20)?).ok()?;
            let _mode = d.u32()?;
            if wanted.get(name) == Some(&blob) {
                let read = get_comment_file(&mut d, id_of(name))?;
                out.insert(name.to_string(), read.comment);
            } else {
                skip_comment_file(&mut d)?;
            }
        }
        d.is_empty().then_some(out)
    }

    /// A cached folder, when it is whole and was written by this version
    /// for this tree in this language.
    fn read(&self, path: &Path, tree: Oid) -> Option<Vec<Entry>> {
        let bytes = std::fs::read(path).ok()?;
        let newline = memchr::memchr(b'\n', &bytes)?;
        let header = std::str::from_utf8(&bytes[..newline]).ok()?;
        let body = &bytes[newline + 1..];
        let expected = header_line(tree, body);
        if header != expected {
            return None;
        }
        decode(body)
    }

    /// The most recently written folder in this language, and its tree id.
    pub(crate) fn newest(&self) -> Option<(PathBuf, Oid)> {
        let suffix = format!("-{}", Cache::lang());
        std::fs::read_dir(&self.dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let tree = name.strip_prefix("comments-")?.strip_suffix(&suffix)?;
                let tree = Oid::from_str(tree).ok()?;
                let modified = e.metadata().ok()?.modified().ok()?;
                Some((modified, e.path(), tree))
            })
            .max_by_key(|(m, _, _)| *m)
            .map(|(_, p, t)| (p, t))
    }

    /// Writes a folder atomically, then keeps only the [`KEEP`] newest.
    fn write(&self, path: &Path, tree: Oid, entries: &[Entry]) -> std::io::Result<()> {
        let body = encode(entries);
        self.write_body(path, &header_line(tree, &body), &body)
    }

    /// Writes a header and body atomically, then prunes.
    fn write_body(&self, path: &Path, header: &str, body: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(header.as_bytes())?;
        tmp.write_all(b"\n")?;
        tmp.write_all(body)?;
        tmp.persist(path).map_err(|e| e.error)?;
        self.prune();
        Ok(())
    }

    /// Deletes all but the [`KEEP`] newest comment folders and chapter
    /// folders, and temporary files older than a minute (left by a process
    /// that was killed).
    fn prune(&self) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        let mut folders = Vec::new();
        let mut drafts = Vec::new();
        for e in dir.filter_map(|e| e.ok()) {
            let Some(modified) = e.metadata().ok().and_then(|m| m.modified().ok()) else {
                continue;
            };
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("comments-") {
                folders.push((modified, e.path()));
            } else if name.starts_with(DRAFTS_PREFIX) {
                drafts.push((modified, e.path()));
            } else if name != super::placements::FILE
                && now
                    .duration_since(modified)
                    .is_ok_and(|age| age.as_secs() > 60)
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
        for mut kind in [folders, drafts] {
            kind.sort_by_key(|f| std::cmp::Reverse(f.0));
            for (_, path) in kind.into_iter().skip(KEEP) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// A commit's files with its comment files read through the cache.
pub(crate) struct Cached<'r> {
    pub source: super::TreeSource<'r>,
    pub cache: Cache,
    pub used: std::cell::Cell<CacheUse>,
}

impl crate::model::Source for Cached<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.source.read(path)
    }

    fn files(&self, dir: &str) -> Result<Vec<FileData>> {
        let Some(tree) = &self.source.tree else {
            return self.source.files(dir);
        };
        match tree.get_path(Path::new(dir)) {
            Ok(e) if dir == paths::DRAFTS && e.kind() == Some(ObjectType::Tree) => {
                self.cache.draft_files(e.id(), || self.source.files(dir))
            }
            _ => self.source.files(dir),
        }
    }

    fn comment_files(&self, problems: &mut Vec<Problem>) -> Result<Option<Vec<CommentFile>>> {
        let Some(tree) = &self.source.tree else {
            return Ok(None);
        };
        let mut used = CacheUse::default();
        let files = self
            .cache
            .comment_files(self.source.repo, tree, problems, &mut used)?;
        self.used.set(used);
        Ok(Some(files))
    }
}

/// Whether a remembered file is this tree entry.
fn same(cached: &Entry, entry: &git2::TreeEntry<'_>) -> bool {
    entry.id() == cached.blob
        && entry.filemode() == cached.mode
        && entry.name_bytes() == cached.name.as_bytes()
}

/// A comment's id is its file name without `.toml` (empty for another
/// name); neither the file nor the cache stores it.
fn id_of(name: &str) -> &str {
    name.strip_suffix(".toml").unwrap_or_default()
}

/// The body of a cache file: the count, then each file's name, blob id,
/// mode and what it read as.
fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut e = Enc::default();
    e.len(entries.len());
    for x in entries {
        e.str(&x.name);
        e.raw(x.blob.as_bytes());
        e.u32(x.mode as u32);
        put_comment_file(&mut e, &x.read);
    }
    e.bytes
}

/// Reads [`encode`]'s body back; `None` unless it is whole and exactly that.
fn decode(body: &[u8]) -> Option<Vec<Entry>> {
    let mut d = Dec::new(body);
    let n = d.len()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let name = d.str()?;
        let blob = Oid::from_bytes(d.raw(20)?).ok()?;
        let mode = d.u32()? as i32;
        let read = get_comment_file(&mut d, id_of(name))?;
        out.push(Entry {
            name: name.to_string(),
            blob,
            mode,
            read,
        });
    }
    d.is_empty().then_some(out)
}

fn header_line(tree: Oid, body: &[u8]) -> String {
    header_in(FORMAT, Cache::lang(), tree, body)
}

fn header_in(format: u32, lang: &str, tree: Oid, body: &[u8]) -> String {
    format!(
        "{MAGIC} {format} {} {lang} {tree} {} {:016x}",
        env!("CARGO_PKG_VERSION"),
        body.len(),
        checksum(body)
    )
}

/// Gives a file in a cache folder (a comments folder or the placements
/// file) a header that fits its body as it is now, as if this version had
/// written that body. Tests use it to make damage that the checksum cannot
/// see: a cut or garbled body must still be ignored, never misread.
#[doc(hidden)]
pub fn reseal(path: &Path) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    let body = match memchr::memchr(b'\n', &bytes) {
        Some(n) => &bytes[n + 1..],
        None => &bytes[..],
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let header = if name == super::placements::FILE {
        super::placements::header_line(body)
    } else if let Some(tree) = name.strip_prefix(DRAFTS_PREFIX) {
        let tree = Oid::from_str(tree).map_err(std::io::Error::other)?;
        header_in(FORMAT, ANY_LANG, tree, body)
    } else {
        let parsed = name
            .strip_prefix("comments-")
            .and_then(|n| n.split_once('-'))
            .and_then(|(tree, lang)| Some((Oid::from_str(tree).ok()?, lang)));
        let Some((tree, lang)) = parsed else {
            return Err(std::io::Error::other("not a cache file"));
        };
        header_in(FORMAT, lang, tree, body)
    };
    let mut out = header.into_bytes();
    out.push(b'\n');
    out.extend_from_slice(body);
    std::fs::write(path, out)
}

/// A fast 64-bit checksum that catches truncation and damage (not an
/// attacker: whoever can write `.git/` can change the repository itself).
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = bytes.len() as u64 ^ K;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, body: &str) -> Entry {
        let text = format!(
            "created = \"2024-06-12T10:15:00+02:00\"\nbody = \"{body}\"\nstatus = \"open\"\n\n[author]\nname = \"A\"\nemail = \"a@x.dk\"\norganisation = \"O\"\n\n[target]\nchapter = \"kap\"\n"
        );
        let mut read = read_comment_file(crate::model::FileData {
            name: name.to_string(),
            bytes: text.into_bytes(),
            id: None,
            flaw: None,
        });
        assert!(read.comment.is_some(), "{:?}", read.problems);
        if let Some(c) = &mut read.comment {
            c.id = id_of(name).to_string();
        }
        Entry {
            name: name.to_string(),
            blob: Oid::hash_object(ObjectType::Blob, body.as_bytes()).expect("an id"),
            mode: 0o100644,
            read,
        }
    }

    fn sample() -> Vec<Entry> {
        vec![
            entry("01j00000000000000000000001.toml", "én"),
            entry("01j00000000000000000000002.toml", "to «citat»"),
        ]
    }

    fn written(dir: &Path, tree: Oid, body: &[u8], format: u32) -> PathBuf {
        let cache = Cache {
            dir: dir.to_path_buf(),
        };
        let path = cache.file_of(tree);
        let mut bytes = header_in(format, Cache::lang(), tree, body).into_bytes();
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    #[test]
    fn a_folder_reads_back_equal_and_a_resealed_cut_or_garbage_body_reads_as_nothing() {
        let dir = tempfile::tempdir().expect("a folder");
        let tree = Oid::hash_object(ObjectType::Tree, b"t").expect("an id");
        let cache = Cache {
            dir: dir.path().to_path_buf(),
        };
        let body = encode(&sample());
        let path = written(dir.path(), tree, &body, FORMAT);
        let back = cache.read(&path, tree).expect("reads back");
        let (a, b): (Vec<_>, Vec<_>) = (
            back.iter()
                .map(|e| (&e.name, e.blob, e.mode, &e.read))
                .collect(),
            sample()
                .into_iter()
                .map(|e| (e.name, e.blob, e.mode, e.read))
                .collect(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((x.0, x.1, x.2, x.3), (&y.0, y.1, y.2, &y.3));
        }
        // Resealing a whole file changes nothing (tests rely on it to make
        // damage the header cannot see).
        reseal(&path).expect("reseal");
        assert!(cache.read(&path, tree).is_some());
        // With a header that fits (the checksum cannot help), any cut of
        // the body, and bytes in the shape of a count followed by garbage.
        for cut in 0..body.len() {
            let path = written(dir.path(), tree, &body[..cut], FORMAT);
            assert!(cache.read(&path, tree).is_none(), "cut at {cut}");
        }
        for garbage in [&[2u8, 0, 0, 0, 5, 0, 0, 0][..], &[0xff; 64], b"[]"] {
            let path = written(dir.path(), tree, garbage, FORMAT);
            assert!(cache.read(&path, tree).is_none());
        }
        // Trailing bytes after the last entry.
        let mut longer = body.clone();
        longer.push(0);
        let path = written(dir.path(), tree, &longer, FORMAT);
        assert!(cache.read(&path, tree).is_none());
    }

    #[test]
    fn chapter_files_read_back_equal_and_are_read_from_git_only_when_not_cached() {
        let dir = tempfile::tempdir().expect("a folder");
        let tree = Oid::hash_object(ObjectType::Tree, b"d").expect("an id");
        let cache = Cache {
            dir: dir.path().to_path_buf(),
        };
        let file = |name: &str, bytes: &[u8], flaw| FileData {
            name: name.to_string(),
            bytes: bytes.to_vec(),
            id: Some(format!("{name}-id")),
            flaw,
        };
        let files = vec![
            file("01-a.md", "# Á\n\ntekst".as_bytes(), None),
            file(
                "02-b.md",
                b"\xff not utf-8",
                Some(crate::model::FileFlaw::Executable),
            ),
            file(
                "03-c.md",
                b"",
                Some(crate::model::FileFlaw::TooBig(1 << 40)),
            ),
            file("04-d.md", b"", Some(crate::model::FileFlaw::Symlink)),
        ];
        let first = cache.draft_files(tree, || Ok(files.clone())).expect("read");
        let keys = |fs: &[FileData]| -> Vec<_> {
            fs.iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.bytes.clone(),
                        f.id.clone(),
                        f.flaw.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(keys(&first), keys(&files));
        let again = cache
            .draft_files(tree, || panic!("read from git although cached"))
            .expect("cached");
        assert_eq!(keys(&again), keys(&files));
        // Cut under a header that fits: read from git again.
        let path = cache.drafts_of(tree);
        let bytes = std::fs::read(&path).expect("the file");
        std::fs::write(&path, &bytes[..bytes.len() - 3]).expect("cut");
        reseal(&path).expect("reseal");
        let mut asked = false;
        let back = cache
            .draft_files(tree, || {
                asked = true;
                Ok(files.clone())
            })
            .expect("read");
        assert!(asked);
        assert_eq!(keys(&back), keys(&files));
    }

    #[test]
    fn a_file_of_the_json_format_before_is_ignored() {
        let dir = tempfile::tempdir().expect("a folder");
        let tree = Oid::hash_object(ObjectType::Tree, b"t").expect("an id");
        let cache = Cache {
            dir: dir.path().to_path_buf(),
        };
        // Format 1 as it was written: a JSON list of name, blob, mode, read.
        let old: Vec<serde_json::Value> = sample()
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "blob": e.blob.to_string(),
                    "mode": e.mode,
                    "read": e.read,
                })
            })
            .collect();
        let body = serde_json::to_vec(&old).expect("json");
        let path = written(dir.path(), tree, &body, 1);
        assert!(cache.read(&path, tree).is_none());
        // Even under this format's number the JSON is no body.
        let path = written(dir.path(), tree, &body, FORMAT);
        assert!(cache.read(&path, tree).is_none());
    }

    #[test]
    fn the_checksum_sees_any_changed_byte_and_length() {
        let text = b"a comment body that is long enough to have some chunks".to_vec();
        let base = checksum(&text);
        for i in 0..text.len() {
            let mut other = text.clone();
            other[i] ^= 1;
            assert_ne!(checksum(&other), base, "byte {i}");
        }
        assert_ne!(checksum(&text[..text.len() - 1]), base);
    }
}
