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
//! - The body is the compact binary form of [`super::binary`] (format 3;
//!   format 1 was JSON, three times slower to read), so a warm load costs
//!   about as much as reading the file.
//! - Files are written to a temporary name and renamed, so a reader never
//!   sees half a file; the folder may be deleted at any time.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Tree};

use super::binary::{Dec, Enc, get_comment_file, put_comment_file, put_file, skip_comment_file};
use crate::error::{Error, Result};
use crate::model::{
    Comment, CommentFile, FileData, FileFlaw, Problem, at_most_by, limits, paths, read_comment_file,
};

/// Bump when what is cached, or how a file reads, changes.
const FORMAT: u32 = 4;
/// How many folders (tree ids) are kept.
pub const KEEP: usize = 4;
const MAGIC: &str = "oplaeg-cache";
/// Chapter folders' cache files are named this and their tree id.
const DRAFTS_PREFIX: &str = "drafts-";
/// Tallies (numbers derived from one tree, see [`Cache::tally`]) are named
/// this, their kind and their tree id.
const TALLY_PREFIX: &str = "tally-";
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

    /// Whether a file for the chapters of the `drafts/` tree `tree` is
    /// here (whether it is whole is checked when it is read).
    pub fn holds_drafts(&self, tree: Oid) -> bool {
        self.drafts_of(tree).is_file()
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

    /// The chapter files cached for `tree`, read straight into each file's
    /// own buffer (5 MB of chapters are not copied twice); `None` unless
    /// the body is whole, exactly what [`put_file`] wrote, and fits its
    /// header.
    fn read_drafts(&self, path: &Path, tree: Oid) -> Option<Vec<FileData>> {
        let (mut d, header) = Stream::open(path)?;
        let n = d.len()?;
        let mut files = Vec::with_capacity(n.min(1 << 12));
        for _ in 0..n {
            // What `binary::put_file` wrote.
            let name = d.string()?;
            let len = d.len()?;
            let bytes = d.bytes(len)?;
            let id = d.opt_string()?;
            let flaw = d.flaw()?;
            files.push(FileData {
                name,
                bytes,
                id,
                flaw,
            });
        }
        let (len, sum) = d.finish()?;
        (header == header_for(FORMAT, ANY_LANG, tree, len, sum).as_bytes()).then_some(files)
    }

    /// The chapter files `wanted` (name and blob id) as cached for the
    /// `drafts/` tree `tree`, as text by blob id (each checked as UTF-8 and
    /// copied once, see [`Stream::text`]); `None` when that tree is not
    /// cached or its file is not whole. Only reads: a diff takes the
    /// versions of the chapters it compares from here when an earlier load
    /// kept them (the draft at each meeting a member worked on), instead of
    /// from git's packs.
    pub fn draft_texts(
        &self,
        tree: Oid,
        wanted: &HashMap<&str, Oid>,
    ) -> Option<HashMap<Oid, Result<String, Vec<u8>>>> {
        let (mut d, header) = Stream::open(&self.drafts_of(tree))?;
        let n = d.len()?;
        let mut out = HashMap::with_capacity(wanted.len());
        for _ in 0..n {
            // What `binary::put_file` wrote.
            let name = d.string()?;
            let len = d.len()?;
            // Only the files asked for are checked and copied; the others
            // are summed and passed over.
            let text = match wanted.get(name.as_str()) {
                Some(_) => Some(d.text(len)?),
                None => d.skip(len).map(|()| None)?,
            };
            let id = d.opt_string()?;
            // Only files kept as git gives them: a flawed one (a link, an
            // executable, one too big) may be kept without its bytes.
            let plain = d.flaw()?.is_none();
            let id = id.and_then(|id| Oid::from_str(&id).ok());
            if let (true, Some(id), Some(text)) = (plain, id, text)
                && wanted.get(name.as_str()) == Some(&id)
            {
                out.insert(id, text);
            }
        }
        let (len, sum) = d.finish()?;
        (header == header_for(FORMAT, ANY_LANG, tree, len, sum).as_bytes()).then_some(out)
    }

    fn tally_of(&self, kind: &str, tree: Oid) -> PathBuf {
        self.dir.join(format!("{TALLY_PREFIX}{kind}-{tree}"))
    }

    /// A tally of `kind` (letters only) kept for the tree `tree`: numbers by
    /// name that depend on nothing but that tree's content (for example
    /// open threads per chapter for a `comments/` tree). `None` when not
    /// kept, or damaged, or written by another version. The header names
    /// the kind where a comments folder names its language.
    pub fn tally(&self, kind: &str, tree: Oid) -> Option<Vec<(String, u64)>> {
        let bytes = std::fs::read(self.tally_of(kind, tree)).ok()?;
        let body = body_under(&bytes, |body| header_in(FORMAT, kind, tree, body))?;
        let mut d = Dec::new(body);
        let n = d.len()?;
        let mut out = Vec::with_capacity(n.min(body.len()));
        for _ in 0..n {
            out.push((d.string()?, d.u64()?));
        }
        d.is_empty().then_some(out)
    }

    /// Keeps a tally for [`Cache::tally`] (silently not, on any error).
    pub fn put_tally(&self, kind: &str, tree: Oid, tally: &[(String, u64)]) {
        let mut e = Enc::default();
        e.len(tally.len());
        for (name, n) in tally {
            e.str(name);
            e.u64(*n);
        }
        let path = self.tally_of(kind, tree);
        let _ = self.write_body(&path, &header_in(FORMAT, kind, tree, &e.bytes), &e.bytes);
    }

    /// The comments of `tree` (a commit's root tree), as
    /// [`crate::model::Source::comments`] gives them.
    pub fn comments(
        &self,
        repo: &Repository,
        tree: &Tree<'_>,
        problems: &mut Vec<Problem>,
        used: &mut CacheUse,
    ) -> Result<Vec<Comment>> {
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
        let before = problems.len();
        if let Some(comments) = self.read_whole(&path, sub.id(), &entries, problems) {
            used.folder_hit = true;
            used.reused = entries.len();
            return Ok(comments);
        }
        problems.truncate(before);
        let mut known: HashMap<String, Entry> = self
            .newest(&[])
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
        let mut comments = Vec::with_capacity(out.len());
        for e in out {
            problems.extend(e.read.problems);
            comments.extend(e.read.comment);
        }
        Ok(comments)
    }

    /// The comments of a folder cached whole for `tree`, when its entries
    /// are exactly `entries` (names, blob ids and modes): built straight
    /// from the file, each file's problems pushed onto `problems` (which
    /// the caller cuts back when this gives `None`).
    fn read_whole(
        &self,
        path: &Path,
        tree: Oid,
        entries: &[git2::TreeEntry<'_>],
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<Comment>> {
        let bytes = std::fs::read(path).ok()?;
        let body = checked_body(&bytes, tree)?;
        let mut d = Dec::new(body);
        if d.len()? != entries.len() {
            return None;
        }
        let mut comments = Vec::with_capacity(entries.len());
        for e in entries {
            let name = d.str()?;
            let blob = Oid::from_bytes(d.raw(20)?).ok()?;
            let mode = d.u32()? as i32;
            if e.id() != blob || e.filemode() != mode || e.name_bytes() != name.as_bytes() {
                return None;
            }
            let read = get_comment_file(&mut d, id_of(name))?;
            problems.extend(read.problems);
            comments.extend(read.comment);
        }
        d.is_empty().then_some(comments)
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
        let mut d = Dec::new(checked_body(&bytes, tree)?);
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
        decode(checked_body(&bytes, tree)?)
    }

    /// The most recently written folder in this language, and its tree id,
    /// but for those of the trees in `but`.
    pub(crate) fn newest(&self, but: &[Oid]) -> Option<(PathBuf, Oid)> {
        let suffix = format!("-{}", Cache::lang());
        std::fs::read_dir(&self.dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let tree = name.strip_prefix("comments-")?.strip_suffix(&suffix)?;
                let tree = Oid::from_str(tree).ok().filter(|t| !but.contains(t))?;
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
        write_atomically(&self.dir, path, header, body)?;
        // Tallies are small: a few kinds, each for a few trees.
        let kinds = [
            ("comments-", KEEP),
            (DRAFTS_PREFIX, KEEP),
            (TALLY_PREFIX, 4 * KEEP),
        ];
        prune(&self.dir, &kinds, &[super::placements::FILE]);
        Ok(())
    }
}

/// Writes a cache file – its header line, then its body – to a temporary
/// name in `dir` and renames it to `path`, so a reader never sees half a
/// file.
pub(super) fn write_atomically(
    dir: &Path,
    path: &Path,
    header: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write_atomically_parts(dir, path, header, &[body])
}

/// [`write_atomically`] with the body in parts, written one after the
/// other (large parts, such as chapters, go to the file as they are rather
/// than copied into one body first).
pub(super) fn write_atomically_parts(
    dir: &Path,
    path: &Path,
    header: &str,
    body: &[&[u8]],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
    out.write_all(header.as_bytes())?;
    out.write_all(b"\n")?;
    for part in body {
        out.write_all(part)?;
    }
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Keeps the newest files of each kind in `dir` (by name prefix, how many
/// to keep) and the files named in `spare`, and deletes other files older
/// than a minute (temporary files left by a process that was killed).
pub(super) fn prune(dir: &Path, kinds: &[(&str, usize)], spare: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut found: Vec<Vec<(std::time::SystemTime, PathBuf)>> = vec![Vec::new(); kinds.len()];
    for e in entries.filter_map(|e| e.ok()) {
        let Some(meta) = e.metadata().ok() else {
            continue;
        };
        let (Ok(modified), true) = (meta.modified(), meta.is_file()) else {
            continue;
        };
        let name = e.file_name();
        let name = name.to_string_lossy();
        match kinds
            .iter()
            .position(|(prefix, _)| name.starts_with(prefix))
        {
            Some(k) => found[k].push((modified, e.path())),
            None if !spare.contains(&name.as_ref())
                && now
                    .duration_since(modified)
                    .is_ok_and(|age| age.as_secs() > 60) =>
            {
                let _ = std::fs::remove_file(e.path());
            }
            None => {}
        }
    }
    for (mut files, (_, keep)) in found.into_iter().zip(kinds) {
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        for (_, path) in files.into_iter().skip(*keep) {
            let _ = std::fs::remove_file(path);
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

    fn comments(&self, problems: &mut Vec<Problem>) -> Result<Option<Vec<Comment>>> {
        let Some(tree) = &self.source.tree else {
            return Ok(None);
        };
        let mut used = CacheUse::default();
        let comments = self
            .cache
            .comments(self.source.repo, tree, problems, &mut used)?;
        self.used.set(used);
        Ok(Some(comments))
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

/// The body of a comments folder's file, when its header is the one this
/// version writes for that body, `tree` and the language.
fn checked_body(bytes: &[u8], tree: Oid) -> Option<&[u8]> {
    body_under(bytes, |body| header_line(tree, body))
}

/// The body of a cache file (a header line, then the body), when its
/// header is exactly `header` made for that body.
pub(super) fn body_under(bytes: &[u8], header: impl FnOnce(&[u8]) -> String) -> Option<&[u8]> {
    let newline = memchr::memchr(b'\n', bytes)?;
    let body = &bytes[newline + 1..];
    (bytes[..newline] == *header(body).as_bytes()).then_some(body)
}

fn header_line(tree: Oid, body: &[u8]) -> String {
    header_in(FORMAT, Cache::lang(), tree, body)
}

fn header_in(format: u32, lang: &str, tree: Oid, body: &[u8]) -> String {
    header_for(format, lang, tree, body.len(), checksum(body))
}

/// [`header_in`] from the body's length and checksum.
fn header_for(format: u32, lang: &str, tree: Oid, len: usize, sum: u64) -> String {
    format!(
        "{MAGIC} {format} {} {lang} {tree} {len} {sum:016x}",
        env!("CARGO_PKG_VERSION"),
    )
}

/// Gives a file in a cache folder (a comments folder or the placements
/// file) a header that fits its body as it is now, as if this version had
/// written that body. Tests use it to make damage that the checksum cannot
/// see: a cut or garbled body must still be ignored, never misread.
#[doc(hidden)]
pub fn reseal(path: &Path) -> std::io::Result<()> {
    reseal_with(path, header_of_file)
}

/// Rewrites the cache file at `path` with the header `header` makes from
/// its name and its body (all after the first line; all of it if there is
/// none), for [`reseal`] and the diff cache's.
pub(super) fn reseal_with(
    path: &Path,
    header: impl FnOnce(&str, &[u8]) -> std::io::Result<String>,
) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    let body = match memchr::memchr(b'\n', &bytes) {
        Some(n) => &bytes[n + 1..],
        None => &bytes[..],
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let mut out = header(name, body)?.into_bytes();
    out.push(b'\n');
    out.extend_from_slice(body);
    std::fs::write(path, out)
}

/// The header this version writes for the load cache's file `name`.
fn header_of_file(name: &str, body: &[u8]) -> std::io::Result<String> {
    Ok(if name == super::placements::FILE {
        super::placements::header_line(body)
    } else if let Some(tree) = name.strip_prefix(DRAFTS_PREFIX) {
        let tree = Oid::from_str(tree).map_err(std::io::Error::other)?;
        header_in(FORMAT, ANY_LANG, tree, body)
    } else if let Some((kind, tree)) = name
        .strip_prefix(TALLY_PREFIX)
        .and_then(|n| n.split_once('-'))
    {
        let tree = Oid::from_str(tree).map_err(std::io::Error::other)?;
        header_in(FORMAT, kind, tree, body)
    } else {
        let parsed = name
            .strip_prefix("comments-")
            .and_then(|n| n.split_once('-'))
            .and_then(|(tree, lang)| Some((Oid::from_str(tree).ok()?, lang)));
        let Some((tree, lang)) = parsed else {
            return Err(std::io::Error::other("not a cache file"));
        };
        header_in(FORMAT, lang, tree, body)
    })
}

/// A fast 64-bit checksum that catches truncation and damage (not an
/// attacker: whoever can write `.git/` can change the repository itself).
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Checksum::new(bytes.len());
    sum.update(bytes);
    sum.finish()
}

/// [`checksum`] over bytes that come in pieces (a file read as it is
/// decoded), given their whole length first. Four independent lanes of 8
/// bytes each, so the multiplications overlap (one lane took a few
/// milliseconds for a 10,000-comment folder).
pub(super) struct Checksum {
    lanes: [u64; 4],
    /// Bytes of an unfinished 32-byte block.
    pending: [u8; 32],
    filled: usize,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(h: u64, w: u64) -> u64 {
    (h ^ w).wrapping_mul(K).rotate_left(29)
}

fn word(c: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(c);
    u64::from_le_bytes(w)
}

impl Checksum {
    pub fn new(len: usize) -> Checksum {
        let seed = len as u64 ^ K;
        Checksum {
            lanes: [
                seed,
                seed.rotate_left(16),
                seed.rotate_left(32),
                seed.rotate_left(48),
            ],
            pending: [0; 32],
            filled: 0,
        }
    }

    fn block(&mut self, b: &[u8]) {
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            *lane = mix(*lane, word(&b[i * 8..i * 8 + 8]));
        }
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        if self.filled > 0 {
            let take = (32 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 32 {
                return;
            }
            let pending = self.pending;
            self.block(&pending);
            self.filled = 0;
        }
        let mut blocks = bytes.chunks_exact(32);
        for b in &mut blocks {
            self.block(b);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let mut h = self.lanes.iter().fold(K, |h, &lane| mix(h, lane));
        let rest = &self.pending[..self.filled];
        let mut words = rest.chunks_exact(8);
        for w in &mut words {
            h = mix(h, word(w));
        }
        for &b in words.remainder() {
            h = mix(h, u64::from(b));
        }
        h ^ (h >> 32)
    }
}

/// A cache file's body read straight from the file as it is decoded, for
/// bodies of large parts (the chapters, here and in the diff's cache): each
/// part is read into its own buffer, with no copy of the whole body in
/// memory. Checks every length
/// against what is left, like [`Dec`], and sums what it reads.
pub(super) struct Stream {
    file: std::io::BufReader<std::fs::File>,
    /// The body's length, and how much of it is not read yet.
    total: usize,
    left: usize,
    sum: Checksum,
    /// The buffer [`Stream::text`] reads into, used again for every part.
    scratch: Vec<u8>,
}

impl Stream {
    /// The body of the cache file at `path` and its header line (without
    /// the newline), to be compared with the one made from
    /// [`Stream::finish`]'s length and checksum.
    pub fn open(path: &Path) -> Option<(Stream, Vec<u8>)> {
        use std::io::BufRead as _;
        let file = std::fs::File::open(path).ok()?;
        let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
        let mut file = std::io::BufReader::with_capacity(1 << 16, file);
        let mut header = Vec::new();
        // A header is one short line.
        std::io::Read::take(&mut file, 512)
            .read_until(b'\n', &mut header)
            .ok()?;
        if header.pop() != Some(b'\n') {
            return None;
        }
        let left = size.checked_sub(header.len() + 1)?;
        let stream = Stream {
            file,
            total: left,
            left,
            sum: Checksum::new(left),
            scratch: Vec::new(),
        };
        Some((stream, header))
    }

    pub fn bytes(&mut self, n: usize) -> Option<Vec<u8>> {
        use std::io::Read as _;
        if n > self.left {
            return None;
        }
        // Read into the spare capacity: no pass to zero the buffer first.
        let mut out = Vec::with_capacity(n);
        (&mut self.file).take(n as u64).read_to_end(&mut out).ok()?;
        if out.len() != n {
            return None;
        }
        self.left -= n;
        self.sum.update(&out);
        Some(out)
    }

    /// The next `n` bytes as [`crate::model::checked_text`] gives them:
    /// text when they are UTF-8, else the bytes. They are read into one
    /// buffer used again for every part, so only the text is new memory
    /// (a fresh page costs the kernel more than the copy).
    pub fn text(&mut self, n: usize) -> Option<Result<String, Vec<u8>>> {
        self.scratch_read(n)?;
        Some(crate::model::checked_text(&self.scratch))
    }

    /// Passes over the next `n` bytes (summed, not kept).
    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.scratch_read(n)
    }

    /// A file's flaw as `binary::put_file` wrote it.
    pub fn flaw(&mut self) -> Option<Option<FileFlaw>> {
        Some(match self.u8()? {
            0 => None,
            1 => Some(FileFlaw::Symlink),
            2 => Some(FileFlaw::Executable),
            3 => Some(FileFlaw::TooBig(self.u64()?)),
            _ => return None,
        })
    }

    /// Reads the next `n` bytes into the scratch buffer and sums them.
    fn scratch_read(&mut self, n: usize) -> Option<()> {
        use std::io::Read as _;
        if n > self.left {
            return None;
        }
        self.scratch.clear();
        (&mut self.file)
            .take(n as u64)
            .read_to_end(&mut self.scratch)
            .ok()?;
        if self.scratch.len() != n {
            return None;
        }
        self.left -= n;
        self.sum.update(&self.scratch);
        Some(())
    }

    pub fn fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        use std::io::Read as _;
        if N > self.left {
            return None;
        }
        let mut out = [0; N];
        self.file.read_exact(&mut out).ok()?;
        self.left -= N;
        self.sum.update(&out);
        Some(out)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.fixed::<1>()?[0])
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.fixed()?))
    }

    pub fn len(&mut self) -> Option<usize> {
        let n = u32::from_le_bytes(self.fixed()?) as usize;
        (n <= self.left).then_some(n)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.bytes(n)?).ok()
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }

    /// The body's length and checksum, when all of it was read and the
    /// file ends there.
    pub fn finish(mut self) -> Option<(usize, u64)> {
        use std::io::BufRead as _;
        let at_end = self.left == 0 && self.file.fill_buf().ok()?.is_empty();
        at_end.then(|| (self.total, self.sum.finish()))
    }
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

    #[test]
    fn pruning_keeps_the_newest_of_each_kind_the_spared_and_fresh_files() {
        let dir = tempfile::tempdir().expect("a folder");
        let at = |name: &str, age: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, name).expect("write");
            let then = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(then))
                .expect("age");
        };
        for (i, age) in [500, 400, 300, 200, 100].into_iter().enumerate() {
            at(&format!("a-{i}"), age);
        }
        at("b-old", 900);
        at("spared", 900);
        at(".tmp-stale", 120);
        at(".tmp-fresh", 5);
        std::fs::create_dir(dir.path().join("sub")).expect("a sub-folder");
        prune(dir.path(), &[("a-", 2), ("b-", 1)], &["spared"]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".tmp-fresh", "a-3", "a-4", "b-old", "spared", "sub"]);
    }

    #[test]
    fn the_checksum_in_pieces_equals_the_checksum_at_once() {
        let text: Vec<u8> = (0..777u32).map(|i| (i * 31 % 253) as u8).collect();
        for piece in [1, 3, 7, 8, 31, 32, 33, 64, 100, 777] {
            for start in [0, 1, 5, 40] {
                let mut sum = Checksum::new(text.len());
                sum.update(&text[..start]);
                for part in text[start..].chunks(piece) {
                    sum.update(part);
                }
                assert_eq!(
                    sum.finish(),
                    checksum(&text),
                    "pieces of {piece} after {start}"
                );
            }
        }
    }

    #[test]
    fn the_checksum_sees_changes_in_every_lane_and_order() {
        let text: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let base = checksum(&text);
        for i in 0..text.len() {
            let mut other = text.clone();
            other[i] ^= 0x80;
            assert_ne!(checksum(&other), base, "byte {i}");
        }
        for n in 0..text.len() {
            assert_ne!(checksum(&text[..n]), base, "cut to {n}");
        }
        // Two 32-byte blocks swapped, and two words of one block swapped.
        let mut swapped = text.clone();
        swapped[..64].rotate_left(32);
        assert_ne!(checksum(&swapped), base);
        let mut swapped = text.clone();
        swapped[..16].rotate_left(8);
        assert_ne!(checksum(&swapped), base);
    }
}
