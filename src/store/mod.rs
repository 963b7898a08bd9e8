//! The git side: find and open a workspace, load it at any revision, write a
//! change as exactly one commit, meeting tags, and the history. The only
//! module that touches the repository.

mod binary;
mod cache;
mod changes;
mod history;
mod housekeeping;
pub mod https;
mod journal;
mod local;
mod objects;
use objects::Objects;
mod placements;
mod remote;
mod revision;
mod server;
mod source;
pub mod status;
mod sync;
mod walk;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, RepositoryInitOptions, Signature, Time};

pub use cache::{Cache, CacheUse, KEEP as CACHE_KEEP, reseal as reseal_cache_file};
pub use changes::{ChangedComment, ChangesCache, reseal as reseal_changes_file};
pub use history::{LogEntry, MeetingTag, parse_meeting_message};
pub use housekeeping::{MERGE_AT_PACKS, PACK_AT_BYTES, PACK_AT_OBJECTS, Packed};
pub(crate) use journal::pause_point;
pub use placements::{FILE as PLACEMENTS_FILE, Placements};
pub use remote::{
    Attempt, Credentials, MAX_CREDENTIAL_CALLS, Progress, default_keys, display_url, human_bytes,
};
pub use revision::RevisionInfo;
pub use server::{SERVER_SETTINGS, ServerSetup, init_server};
pub use source::{TreeSource, WorktreeSource};
pub use sync::{
    ConflictFile, Integration, MAX_ATTEMPTS, SyncConflict, SyncReport, TagConflict, Tracking,
};
pub use walk::{CommitFacts, PathChange, TagFacts, Walk};

use crate::error::{Error, Kind, Result};
use crate::model::{Workspace, paths};
use crate::text::is_valid_name;
use crate::tr;

/// A revision a person can name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rev {
    /// The files on disk, committed or not.
    Worktree,
    /// Anything git or the meeting numbers can name: `4`, `meeting/4`, a
    /// commit id, `HEAD`, a branch.
    Named(String),
}

impl Rev {
    /// The current commit.
    pub fn head() -> Rev {
        Rev::Named("HEAD".into())
    }

    /// `worktree` (or `arbejdsmappe`) for the files on disk, anything else by name.
    pub fn parse(s: &str) -> Rev {
        match s.trim() {
            "worktree" | "arbejdsmappe" | "working-tree" => Rev::Worktree,
            other => Rev::Named(other.to_string()),
        }
    }
}

/// A file that differs between two commits (see [`Store::changed_in`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedFile {
    /// The name inside its folder.
    pub name: String,
    /// Its blob in the first commit (None: added).
    pub old: Option<Oid>,
    /// Its blob in the second commit (None: deleted).
    pub new: Option<Oid>,
}

/// Who makes a commit.
#[derive(Clone, Debug)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// A set of file writes and deletions that becomes one commit.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// The commit message, in Danish (the repository's language).
    pub message: String,
    /// Path relative to the root, and the new content (`None` deletes).
    pub writes: Vec<(String, Option<Vec<u8>>)>,
    /// The HEAD the change was computed from. When set, the change is
    /// refused with [`Error::Concurrent`] if HEAD has moved since, so an
    /// edit made from an old state never overwrites a newer one. New files
    /// with fresh names (comments) need no base.
    pub base: Option<Option<Oid>>,
}

impl Change {
    /// A change with a message and no writes yet.
    pub fn new(message: impl Into<String>) -> Change {
        Change {
            message: message.into(),
            writes: Vec::new(),
            base: None,
        }
    }

    /// Requires HEAD to still be `base` when the change is committed.
    pub fn based_on(mut self, base: Option<Oid>) -> Change {
        self.base = Some(base);
        self
    }

    /// Adds a file write.
    pub fn write(mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) -> Change {
        self.writes.push((path.into(), Some(content.into())));
        self
    }
}

/// An open workspace repository: a clone with its working tree, or (for
/// reading only, as a server's hook does) a bare repository.
pub struct Store {
    repo: Repository,
    /// The working tree's root; for a bare repository, the repository itself.
    root: PathBuf,
    bare: bool,
    /// Spare handles on the same repository for worker threads (see
    /// [`Store::handle`]), kept so their opened packs and caches are reused.
    spares: std::sync::Mutex<Vec<Repository>>,
    /// How the last load of a commit used the cache (see [`Store::cache_use`]).
    cache_use: std::sync::Mutex<CacheUse>,
    /// The placements cache as last read or written, shared with the
    /// handles (see [`Placements`]).
    placements: std::sync::Arc<placements::Shared>,
    /// The reader of the object folder, kept between reads while asked to
    /// (see [`Store::keep_reader`]).
    kept: Kept,
}

/// The reader of a repository's object folder kept from one read to the
/// next, so that a diff opens its pack indexes once, and the delta bases
/// one read unpacked serve the next (see [`Store::keep_reader`]).
#[derive(Default)]
struct Kept {
    /// How many [`KeepReader`]s ask for it; a handle keeps it for life.
    asked: std::sync::atomic::AtomicUsize,
    reader: std::sync::Mutex<Option<Objects>>,
}

/// While it lives, the store keeps its reader of the object folder from
/// one read to the next; dropped, the reader (with its open pack files,
/// which a long-lived program should not hold on to) is let go.
pub struct KeepReader<'s> {
    store: &'s Store,
}

impl Drop for KeepReader<'_> {
    fn drop(&mut self) {
        let kept = &self.store.kept;
        if kept.asked.fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1
            && let Ok(mut reader) = kept.reader.lock()
        {
            reader.take();
        }
    }
}

/// The blob entries (name, id) of a tree as git stores it (`MODE NAME\0ID`
/// one after the other), in its order; `None` when it is not that. A mode
/// other than a folder's (`40000`, also written `040000`) or a submodule's
/// (`160000`) is a file, as libgit2 reads it.
fn tree_blobs(raw: &[u8]) -> Option<Vec<(&[u8], Oid)>> {
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let space = memchr::memchr(b' ', rest)?;
        let mode = &rest[..space];
        if mode.is_empty() || mode.len() > 7 || !mode.iter().all(|b| (b'0'..=b'7').contains(b)) {
            return None;
        }
        let after = &rest[space + 1..];
        let nul = memchr::memchr(0, after)?;
        let name = &after[..nul];
        let id = after.get(nul + 1..nul + 21)?;
        if name.is_empty() {
            return None;
        }
        // The file type bits, as libgit2 reads them (`040000` is a folder too).
        let kind = mode.iter().fold(0u32, |m, b| m << 3 | u32::from(b - b'0')) & 0o170_000;
        if kind != 0o040_000 && kind != 0o160_000 {
            out.push((name, Oid::from_bytes(id).ok()?));
        }
        rest = &after[nul + 21..];
    }
    Some(out)
}

/// The files that differ between two folders' trees as git stores them
/// (either absent), compared by blob id in one walk over both; `None` when
/// either is not a tree, or its names are not in git's order.
fn changed_blobs(a: Option<&[u8]>, b: Option<&[u8]>) -> Option<Vec<ChangedFile>> {
    let a = a.map_or(Some(Vec::new()), tree_blobs)?;
    let b = b.map_or(Some(Vec::new()), tree_blobs)?;
    let sorted = |t: &[(&[u8], Oid)]| t.windows(2).all(|w| w[0].0 < w[1].0);
    if !sorted(&a) || !sorted(&b) {
        return None;
    }
    Some(merge_changed(&a, &b))
}

/// The files that differ between two folders' files (name and blob id,
/// each list in git's order), in one walk over both.
fn merge_changed<N: AsRef<[u8]>>(a: &[(N, Oid)], b: &[(N, Oid)]) -> Vec<ChangedFile> {
    let file = |n: &N, old: Option<Oid>, new: Option<Oid>| ChangedFile {
        name: String::from_utf8_lossy(n.as_ref()).into_owned(),
        old,
        new,
    };
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.as_ref().cmp(y.0.as_ref()),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => {
                if a[i].1 != b[j].1 {
                    out.push(file(&a[i].0, Some(a[i].1), Some(b[j].1)));
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                out.push(file(&a[i].0, Some(a[i].1), None));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(file(&b[j].0, None, Some(b[j].1)));
                j += 1;
            }
        }
    }
    out
}

/// Blob `id` handed to `f`: read by `objects` (the fast reader of the
/// object folder) when it can, else by libgit2, which also reports what is
/// wrong with an object the reader refused.
fn read_blob<T>(
    repo: &Repository,
    objects: Option<&mut Objects>,
    id: Oid,
    f: impl FnOnce(&[u8]) -> T,
) -> Result<T> {
    if let Some(objects) = objects {
        if let Some(bytes) = objects.blob(id) {
            return Ok(f(&bytes));
        }
        if let Some(path) = objects.damaged(id) {
            return Err(damaged_object(id, path));
        }
    }
    let blob = repo.find_blob(id).map_err(Error::git(id.to_string()))?;
    Ok(f(blob.content()))
}

/// The error for git object `id`, whose loose file `path` is damaged (cut
/// short by a crash or a full disk, say): said rather than handed to
/// libgit2, which may loop forever on it (see [`Objects::damaged`]).
fn damaged_object(id: Oid, path: &Path) -> Error {
    Error::Invalid(crate::tr!(
        "git-objektet {id} er beskadiget: filen {} er afkortet eller ødelagt (typisk efter et nedbrud eller en fuld disk). Er dit arbejde synkroniseret, så hent oplægget igen med `oplaeg clone` i en ny mappe; `git fsck` viser, hvad der ellers er beskadiget.",
        "the git object {id} is damaged: the file {} is cut short or broken (typically after a crash or a full disk). If your work is synchronised, fetch the oplæg again with `oplaeg clone` into a new folder; `git fsck` shows what else is damaged.",
        path.display()
    ))
}

/// Why git would not open the repository at `root`: another user's
/// repository git does not trust, or no repository at all.
fn open_error(root: &Path, e: &git2::Error) -> Error {
    match e.code() {
        git2::ErrorCode::Owner => Error::NotOwned(root.into()),
        _ => Error::NotAGitRepository(root.into()),
    }
}

impl Store {
    /// The workspace that contains `start`: the nearest folder at or above it
    /// with an `oplaeg.toml`, which must be the top of a git repository.
    /// A bare repository (a shared server's) is opened as it is, for reading.
    pub fn discover(start: &Path) -> Result<Store> {
        let start = std::fs::canonicalize(start).map_err(Error::io(start))?;
        if let Ok(repo) = Repository::open(&start)
            && repo.is_bare()
        {
            return Store::bare(repo, &start);
        }
        for dir in start.ancestors() {
            if dir.join(paths::CONFIG).is_file() {
                return Store::open(dir);
            }
        }
        Err(Error::NotAWorkspace(start))
    }

    /// Opens the workspace whose root is `root`, or the bare repository at
    /// `root` (for reading only).
    pub fn open(root: &Path) -> Result<Store> {
        let repo = Repository::open(root).map_err(|e| open_error(root, &e))?;
        if repo.is_bare() {
            return Store::bare(repo, root);
        }
        let workdir = repo
            .workdir()
            .ok_or_else(|| Error::NotAGitRepository(root.into()))?
            .to_path_buf();
        let same = std::fs::canonicalize(&workdir).ok() == std::fs::canonicalize(root).ok();
        if !same {
            return Err(Error::NotAGitRepository(root.into()));
        }
        if !workdir.join(paths::CONFIG).is_file() {
            return Err(Error::NotAWorkspace(workdir));
        }
        let root = std::fs::canonicalize(&workdir).unwrap_or(workdir);
        let store = Store {
            repo,
            root,
            bare: false,
            spares: Default::default(),
            cache_use: Default::default(),
            placements: Default::default(),
            kept: Default::default(),
        };
        store.recover_if_interrupted();
        Ok(store)
    }

    /// A bare repository, read from git objects only. Inside a server's
    /// `pre-receive` hook the pushed objects wait in a quarantine folder that
    /// git names in `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`;
    /// those are added so the pushed commits can be read.
    fn bare(repo: Repository, path: &Path) -> Result<Store> {
        let same = std::fs::canonicalize(repo.path()).ok() == std::fs::canonicalize(path).ok();
        if !same {
            return Err(Error::NotAGitRepository(path.into()));
        }
        let mut extra: Vec<String> = Vec::new();
        if let Ok(dir) = std::env::var("GIT_OBJECT_DIRECTORY") {
            extra.push(dir);
        }
        if let Some(dirs) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            // git separates them as PATH is: `:`, and `;` on Windows.
            extra.extend(std::env::split_paths(&dirs).map(|p| p.display().to_string()));
        }
        let own = std::fs::canonicalize(repo.path().join("objects")).ok();
        let odb = repo.odb().map_err(Error::git("objects"))?;
        for dir in extra.iter().filter(|d| !d.is_empty()) {
            let path = Path::new(dir);
            let path = if path.is_relative() {
                repo.path().join(path)
            } else {
                path.to_path_buf()
            };
            let canonical = std::fs::canonicalize(&path).ok();
            if canonical.is_some() && canonical != own {
                odb.add_disk_alternate(&path.to_string_lossy())
                    .map_err(Error::git(dir.clone()))?;
            }
        }
        drop(odb);
        let root = std::fs::canonicalize(repo.path()).unwrap_or_else(|_| repo.path().into());
        Ok(Store {
            repo,
            root,
            bare: true,
            spares: Default::default(),
            cache_use: Default::default(),
            placements: Default::default(),
            kept: Default::default(),
        })
    }

    /// True for a bare repository (no working tree; oplaeg only reads it).
    pub fn is_bare(&self) -> bool {
        self.bare
    }

    pub(crate) fn refuse_bare(&self) -> Result<()> {
        if self.bare {
            return Err(Error::Invalid(tr!(
                "{0} er et bart repository (en server uden arbejdsmappe); oplaeg kan læse det, men ændringer laves i en klon: `oplaeg clone {0}`, og arbejd i den",
                "{0} is a bare repository (a server without a working tree); oplaeg can read it, but changes are made in a clone: `oplaeg clone {0}`, and work there",
                self.root.display()
            )));
        }
        Ok(())
    }

    /// The one-line explanation for a shallow clone (only the newest
    /// commits fetched), for what needs the whole history.
    fn shallow_error(&self) -> Error {
        Error::Invalid(tr!(
            "{} er en overfladisk klon (shallow: kun de nyeste ændringer og ingen mødetags er hentet); hent hele historikken med `git fetch --unshallow --tags` og prøv igen",
            "{} is a shallow clone (only the newest changes and no meeting tags were fetched); fetch the whole history with `git fetch --unshallow --tags` and try again",
            self.root.display()
        ))
    }

    /// The one-line explanation for a branch without commits.
    fn unborn_error(&self) -> Error {
        let branch = self
            .branch_ref()
            .map(|b| b.trim_start_matches("refs/heads/").to_string())
            .unwrap_or_else(|_| "HEAD".into());
        Error::Invalid(tr!(
            "grenen «{branch}» har endnu ingen commits, så oplæggets filer er ikke gemt i git. En skribent gemmer den første version med `git add -A` og `git commit -m \"Første udkast\"` (eller starter med `oplaeg init` i en tom mappe)",
            "the branch «{branch}» has no commits yet, so the oplæg's files are not in git. A writer saves the first version with `git add -A` and `git commit -m \"First draft\"` (or starts with `oplaeg init` in an empty folder)"
        ))
    }

    /// Refuses in a shallow clone (see [`Store::shallow_error`]).
    pub fn refuse_shallow(&self) -> Result<()> {
        if self.repo.is_shallow() {
            return Err(self.shallow_error());
        }
        Ok(())
    }

    /// Creates an empty repository (branch `main`) at `root` for a new workspace.
    pub fn init(root: &Path) -> Result<Store> {
        if root.join(".git").exists() || root.join(paths::CONFIG).exists() {
            return Err(Error::Exists(root.display().to_string()));
        }
        std::fs::create_dir_all(root).map_err(Error::io(root))?;
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = Repository::init_opts(root, &opts).map_err(Error::git(tr!(
            "oprettelse af repository",
            "creating the repository"
        )))?;
        let root = repo.workdir().unwrap_or(root);
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Store {
            repo,
            root,
            bare: false,
            spares: Default::default(),
            cache_use: Default::default(),
            placements: Default::default(),
            kept: Default::default(),
        })
    }

    /// Another handle on the same repository, for a worker thread (a
    /// `Store` cannot be shared between threads). Give it back with
    /// [`Store::give_back`] so the next worker reuses it: opening packs and
    /// warming their caches again costs more than the work of a small job.
    pub fn handle(&self) -> Result<Store> {
        let spare = self.spares.lock().map_or(None, |mut spares| spares.pop());
        let repo = match spare {
            Some(r) => r,
            None => Repository::open(self.repo.path()).map_err(|e| open_error(&self.root, &e))?,
        };
        Ok(Store {
            repo,
            root: self.root.clone(),
            bare: self.bare,
            spares: Default::default(),
            cache_use: Default::default(),
            placements: self.placements.clone(),
            // A handle serves one piece of work and is given back (and its
            // reader let go) after it.
            kept: Kept {
                asked: 1.into(),
                reader: Default::default(),
            },
        })
    }

    /// Takes back a handle made by [`Store::handle`].
    pub fn give_back(&self, other: Store) {
        if let Ok(mut spares) = self.spares.lock() {
            spares.push(other.repo);
        }
    }

    /// The workspace's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The repository, for the parts (diff, sync) that need more of git.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The tree of the top-level folder `dir` (such as `drafts`) in
    /// `commit`; `None` when the commit or the folder is not there.
    pub fn folder_tree(&self, commit: Oid, dir: &str) -> Option<Oid> {
        let tree = self.repo.find_commit(commit).ok()?.tree().ok()?;
        let entry = tree.get_name(dir)?;
        (entry.kind() == Some(git2::ObjectType::Tree)).then(|| entry.id())
    }

    /// The commit HEAD points to; `None` in a repository without commits.
    pub fn head(&self) -> Result<Option<Oid>> {
        match self.repo.head() {
            Ok(r) => Ok(r.target()),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
            Err(e) => Err(Error::git("HEAD")(e)),
        }
    }

    /// The commit a name points to: a meeting number (`4`), `meeting/4`, a
    /// commit id or prefix, `HEAD`, a branch or any other git revision.
    pub fn resolve(&self, spec: &str) -> Result<Oid> {
        let spec = spec.trim();
        let digits = !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit());
        let meeting_ref = format!("refs/tags/meeting/{spec}");
        let named = if digits && (spec.len() < 4 || self.repo.find_reference(&meeting_ref).is_ok())
        {
            meeting_ref
        } else if spec.starts_with("meeting/") || spec.starts_with("møde/") {
            format!(
                "refs/tags/meeting/{}",
                spec.split_once('/').map_or("", |x| x.1)
            )
        } else {
            spec.to_string()
        };
        let object = self.repo.revparse_single(&named).ok();
        if let Some(commit) = object.as_ref().and_then(|o| o.peel_to_commit().ok()) {
            return Ok(commit.id());
        }
        if self.repo.is_shallow() {
            return Err(self.shallow_error());
        }
        // A name that is there but not a version (a tag of a tree or a
        // file, made with plain git): say so, never "unknown".
        let kind = object.and_then(|o| match o.kind() {
            Some(git2::ObjectType::Tag) => o.peel(git2::ObjectType::Any).ok()?.kind(),
            kind => kind,
        });
        let what = match kind {
            Some(git2::ObjectType::Tree) => {
                Some(("en mappe (et git-træ)", "a folder (a git tree)"))
            }
            Some(git2::ObjectType::Blob) => Some(("en fil", "a file")),
            _ => None,
        };
        if let Some((da, en)) = what {
            return Err(Error::Invalid(tr!(
                "«{spec}» er ikke en version af oplægget: det peger på {da}, ikke på et commit; bed en skribent sætte det om",
                "«{spec}» is not a version of the oplæg: it points at {en}, not at a commit; ask a writer to set it again"
            )));
        }
        let tags = self.meeting_tags().unwrap_or_default();
        Err(Error::unknown(
            Kind::Revision,
            spec,
            tags.iter().map(|t| t.name.as_str()),
        ))
    }

    /// Loads the workspace at a revision.
    pub fn load(&self, rev: &Rev) -> Result<Workspace> {
        match rev {
            Rev::Worktree => {
                self.refuse_bare()?;
                Workspace::load(&WorktreeSource {
                    root: self.root.clone(),
                })
            }
            Rev::Named(name) => {
                if name == "HEAD" && self.head()?.is_none() {
                    return self.load_commit(None).map_err(|e| match e {
                        Error::NotAWorkspace(_) => self.unborn_error(),
                        e => e,
                    });
                }
                let oid = self.resolve(name)?;
                self.load_commit(Some(oid))
            }
        }
    }

    /// `oplaeg.toml` as committed at HEAD, without reading anything else.
    pub fn head_config(&self) -> Result<crate::model::Config> {
        let tree = match self.head()? {
            Some(oid) => Some(
                self.repo
                    .find_commit(oid)
                    .and_then(|c| c.tree())
                    .map_err(Error::git(oid.to_string()))?,
            ),
            None => None,
        };
        Workspace::load_config(&TreeSource {
            repo: &self.repo,
            tree,
        })
    }

    /// The newest `oplaeg.toml` in HEAD's first-parent history that can be
    /// read (looking back at most 1,000 commits).
    pub fn last_readable_config(&self) -> Result<Option<crate::model::Config>> {
        let mut next = self.head()?;
        for _ in 0..1000 {
            let Some(oid) = next else { break };
            let commit = self
                .repo
                .find_commit(oid)
                .map_err(Error::git(oid.to_string()))?;
            let source = TreeSource {
                repo: &self.repo,
                tree: Some(commit.tree().map_err(Error::git(oid.to_string()))?),
            };
            if let Ok(config) = Workspace::load_config(&source) {
                return Ok(Some(config));
            }
            next = commit.parent_id(0).ok();
        }
        Ok(None)
    }

    /// The files of a commit as a [`crate::model::Source`].
    pub fn source_at(&self, commit: Oid) -> Result<TreeSource<'_>> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(Error::git(commit.to_string()))?;
        Ok(TreeSource {
            repo: &self.repo,
            tree: Some(tree),
        })
    }

    /// Loads the workspace exactly as it is in a commit (`None`: empty),
    /// its comment files through the cache (see [`cache`]).
    pub fn load_commit(&self, commit: Option<Oid>) -> Result<Workspace> {
        self.load_commit_via(commit, &|source| Workspace::load(source))
    }

    /// Like [`Store::load_commit`] (the same source, through the cache),
    /// with `load` reading the workspace from it: it may leave files out
    /// (see [`crate::ops::load_without_comments`]).
    pub fn load_commit_via(
        &self,
        commit: Option<Oid>,
        load: &dyn Fn(&dyn crate::model::Source) -> Result<Workspace>,
    ) -> Result<Workspace> {
        let tree = match commit {
            Some(oid) => Some(
                self.repo
                    .find_commit(oid)
                    .and_then(|c| c.tree())
                    .map_err(Error::git(oid.to_string()))?,
            ),
            None => None,
        };
        let source = TreeSource {
            repo: &self.repo,
            tree,
        };
        match Cache::of(&self.repo) {
            Some(cache) => {
                let cached = cache::Cached {
                    source,
                    cache,
                    used: Default::default(),
                };
                let ws = load(&cached);
                if let Ok(mut u) = self.cache_use.lock() {
                    *u = cached.used.into_inner();
                }
                ws
            }
            None => load(&source),
        }
    }

    /// How the last [`Store::load_commit`] used the cache.
    pub fn cache_use(&self) -> CacheUse {
        self.cache_use.lock().map(|u| *u).unwrap_or_default()
    }

    /// Reads one file at a commit.
    pub fn read_at(&self, commit: Oid, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(Error::git(commit.to_string()))?;
        crate::model::Source::read(
            &TreeSource {
                repo: &self.repo,
                tree: Some(tree),
            },
            path,
        )
    }

    /// Stops libgit2 from re-hashing every object it reads, for the rest of
    /// the process. Plain git does not check objects on reading either
    /// (`git fsck` does); a damaged object still fails to decompress. Used
    /// by `diff`, which reads thousands of objects only to show them.
    pub fn skip_hash_checks() {
        git2::opts::strict_hash_verification(false);
    }

    /// The files directly inside `dir` at `commit`, as names and blob ids,
    /// without reading them (empty when the folder is absent).
    pub fn tree_files(&self, commit: Oid, dir: &str) -> Result<Vec<(String, Oid)>> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(Error::git(commit.to_string()))?;
        let sub = match tree.get_path(Path::new(dir)) {
            Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => self
                .repo
                .find_tree(e.id())
                .map_err(Error::git(dir.to_string()))?,
            Ok(_) => return Ok(Vec::new()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::git(dir.to_string())(e)),
        };
        Ok(sub
            .iter()
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
            .filter_map(|e| Some((e.name().ok()?.to_string(), e.id())))
            .collect())
    }

    /// The files directly inside `dir` that differ between two commits,
    /// compared by blob id in one walk over both (git keeps tree entries
    /// sorted), without reading any file and without naming unchanged ones.
    pub fn changed_in(&self, dir: &str, a: Oid, b: Oid) -> Result<Vec<ChangedFile>> {
        let subtree_id = |c: Oid| -> Result<Option<Oid>> {
            let tree = self
                .repo
                .find_commit(c)
                .and_then(|c| c.tree())
                .map_err(Error::git(c.to_string()))?;
            match tree.get_path(Path::new(dir)) {
                Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => Ok(Some(e.id())),
                Ok(_) => Ok(None),
                Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                Err(e) => Err(Error::git(dir.to_string())(e)),
            }
        };
        let (ia, ib) = (subtree_id(a)?, subtree_id(b)?);
        if ia.is_some() && ia == ib {
            return Ok(Vec::new());
        }
        // The two trees as git stores them, walked without libgit2's tree
        // objects (two folders of 10,000 comment files); libgit2 walks any
        // the reader of the object folder does not read.
        let mut objects = self.take_objects();
        let mut damaged = None;
        let walked = objects.as_mut().and_then(|objects| {
            let mut raw = |id: Option<Oid>| match id {
                Some(id) => match objects.tree(id) {
                    Some(tree) => Some(Some(tree)),
                    None => {
                        damaged = objects.damaged(id).map(|p| damaged_object(id, p));
                        None
                    }
                },
                None => Some(None),
            };
            let (x, y) = (raw(ia)?, raw(ib)?);
            // The trees' delta bases serve no blob read next.
            objects.forget_bases();
            changed_blobs(x.as_deref(), y.as_deref())
        });
        self.put_objects(objects);
        if let Some(out) = walked {
            return Ok(out);
        }
        if let Some(e) = damaged {
            return Err(e);
        }
        let subtree = |id: Option<Oid>| -> Result<Option<git2::Tree<'_>>> {
            id.map(|id| self.repo.find_tree(id))
                .transpose()
                .map_err(Error::git(dir.to_string()))
        };
        let files = |t: Option<git2::Tree<'_>>| -> Vec<(Vec<u8>, Oid)> {
            t.iter()
                .flat_map(|t| t.iter())
                .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                .map(|e| (e.name_bytes().to_vec(), e.id()))
                .collect()
        };
        let (ta, tb) = (files(subtree(ia)?), files(subtree(ib)?));
        Ok(merge_changed(&ta, &tb))
    }

    /// The reader of this repository's own object folder for blobs read in
    /// bulk ([`objects`]): the one kept (see [`Store::keep_reader`]) or a
    /// new one; none for a bare repository, whose objects may wait in a
    /// quarantine folder elsewhere. Handed back with [`Store::put_objects`].
    fn take_objects(&self) -> Option<Objects> {
        if self.bare {
            return None;
        }
        let kept = self.kept.reader.lock().ok().and_then(|mut r| r.take());
        kept.or_else(|| Objects::open(&self.repo.path().join("objects")))
    }

    /// Takes back a reader from [`Store::take_objects`]: kept while asked
    /// to, else let go.
    fn put_objects(&self, objects: Option<Objects>) {
        if objects.is_some()
            && self.kept.asked.load(std::sync::atomic::Ordering::Acquire) > 0
            && let Ok(mut reader) = self.kept.reader.lock()
        {
            *reader = objects;
        }
    }

    /// Keeps the reader of the object folder from one read to the next
    /// until the guard is dropped: for work that reads from git many times
    /// over, such as a diff (its pack indexes are then read once).
    pub fn keep_reader(&self) -> KeepReader<'_> {
        self.kept
            .asked
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        KeepReader { store: self }
    }

    /// Lets the kept reader of the object folder (if any) go of the delta
    /// bases it holds, once the reads that share them are done: memory the
    /// rest of the work then uses again.
    pub fn forget_delta_bases(&self) {
        if let Ok(mut reader) = self.kept.reader.lock()
            && let Some(objects) = reader.as_mut()
        {
            objects.forget_bases();
        }
    }

    /// The content of blob `id`: from the reader of the object folder when
    /// it can, else from libgit2.
    pub fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>> {
        let mut objects = self.take_objects();
        let read = read_blob(&self.repo, objects.as_mut(), id, <[u8]>::to_vec);
        self.put_objects(objects);
        read
    }

    /// Reads blobs and maps each with `f` (given its index in `ids` and its
    /// content), in order, spread over a few threads (each with its own
    /// handle on the repository) when each gets at least `per_thread`:
    /// reading and parsing thousands of small files is work worth sharing.
    pub fn map_blobs<T: Send>(
        &self,
        ids: &[Oid],
        per_thread: usize,
        f: &(dyn Fn(usize, &[u8]) -> T + Sync),
    ) -> Result<Vec<T>> {
        let threads = crate::platform::processors()
            .clamp(1, 4)
            .min(ids.len() / per_thread.max(1));
        if threads <= 1 {
            let mut objects = self.take_objects();
            let read = ids
                .iter()
                .enumerate()
                .map(|(k, id)| read_blob(&self.repo, objects.as_mut(), *id, |b| f(k, b)))
                .collect();
            self.put_objects(objects);
            return read;
        }
        // Work is taken a few items at a time, so big and small files
        // spread evenly over the threads.
        const BATCH: usize = 8;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = |store: &Store| -> Result<Vec<(usize, T)>> {
            let (repo, mut objects) = (&store.repo, store.take_objects());
            let mut mine = Vec::new();
            let read = loop {
                let start = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                if start >= ids.len() {
                    break Ok(mine);
                }
                let batch = ids.iter().enumerate().skip(start).take(BATCH);
                if let Err(e) = batch.into_iter().try_for_each(|(k, id)| {
                    mine.push((k, read_blob(repo, objects.as_mut(), *id, |b| f(k, b))?));
                    Ok::<(), Error>(())
                }) {
                    break Err(e);
                }
            };
            store.put_objects(objects);
            read
        };
        let handles: Vec<Store> = (1..threads).map(|_| self.handle()).collect::<Result<_>>()?;
        let mut all: Vec<(usize, T)> = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
            let workers: Vec<_> = handles
                .into_iter()
                .map(|h| {
                    let work = &work;
                    scope.spawn(move || {
                        let done = work(&h);
                        (h, done)
                    })
                })
                .collect();
            let mut all = work(self);
            for w in workers {
                let (h, done) = w.join().map_err(|_| {
                    Error::Invalid("en tråd, der læste git-objekter, stoppede".into())
                })?;
                self.give_back(h);
                match (&mut all, done) {
                    (Ok(all), Ok(done)) => all.extend(done),
                    (Ok(_), Err(e)) => all = Err(e),
                    (Err(_), _) => {}
                }
            }
            all
        })?;
        all.sort_unstable_by_key(|x| x.0);
        Ok(all.into_iter().map(|x| x.1).collect())
    }

    /// `user.email` from git's configuration, if set.
    pub fn git_email(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// Workspace files whose content on disk differs from HEAD (sorted).
    pub fn uncommitted(&self) -> Result<Vec<String>> {
        self.uncommitted_from(status::Source::from_env())
    }

    /// [`Store::uncommitted`] from the given source: `git status` (falling
    /// back to libgit2) or libgit2 alone. Both give the same list.
    pub fn uncommitted_from(&self, source: status::Source) -> Result<Vec<String>> {
        let Some(workdir) = self.repo.workdir().filter(|_| !self.bare) else {
            return Ok(Vec::new());
        };
        let mut paths = status::changed_paths(&self.repo, workdir, source)?;
        paths.retain(|p| paths::is_workspace_file(p, false));
        Ok(paths)
    }

    /// Writes `change` as one commit on the current branch, authored at
    /// `when` by `who`, and updates the files on disk to match.
    ///
    /// All or nothing: the commit is built from HEAD's tree in memory first;
    /// files are then written atomically (each to a temporary file that is
    /// renamed into place) and the branch is moved only if nobody else moved
    /// it meanwhile. If anything fails, the files written so far are put back
    /// and the branch is left where it was. A file with uncommitted edits is
    /// never overwritten.
    pub fn commit(
        &self,
        change: &Change,
        who: &Identity,
        when: DateTime<FixedOffset>,
    ) -> Result<Oid> {
        self.commit_inner(change, who, when, false)
    }

    /// Like [`Store::commit`], for a writer's hand edits: the files may have
    /// uncommitted changes, because those changes are what is committed.
    pub fn commit_edits(
        &self,
        change: &Change,
        who: &Identity,
        when: DateTime<FixedOffset>,
    ) -> Result<Oid> {
        self.commit_inner(change, who, when, true)
    }

    fn commit_inner(
        &self,
        change: &Change,
        who: &Identity,
        when: DateTime<FixedOffset>,
        edits: bool,
    ) -> Result<Oid> {
        self.refuse_bare()?;
        for (path, content) in &change.writes {
            check_path(path)?;
            check_size(path, content.as_deref())?;
            check_nesting(path, content.as_deref())?;
        }
        check_signature(&who.name, &who.email)?;
        // One writer at a time per clone: the lock is held from reading HEAD
        // until the branch has moved, and released by the OS if we die.
        let _lock = self.lock()?;
        // A write killed half-way is finished or undone before this one.
        self.recover()?;
        self.refuse_unfinished_git_operation()?;
        self.check_index_unlocked()?;
        let branch = self.branch_ref()?;
        let head = self.head()?;
        if let Some(base) = change.base
            && base != head
        {
            return Err(Error::Concurrent);
        }
        let parent = match head {
            Some(oid) => Some(self.repo.find_commit(oid).map_err(Error::git("HEAD"))?),
            None => None,
        };
        if !edits {
            for (path, _) in &change.writes {
                self.ensure_clean(path)?;
            }
        }

        let base_tree = match &parent {
            Some(c) => c.tree().map_err(Error::git("HEAD"))?,
            None => {
                let empty = self
                    .repo
                    .treebuilder(None)
                    .and_then(|b| b.write())
                    .map_err(Error::git("tomt træ"))?;
                self.repo.find_tree(empty).map_err(Error::git("tomt træ"))?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in &change.writes {
            match content {
                Some(bytes) => {
                    let blob = self.repo.blob(bytes).map_err(Error::git(path.clone()))?;
                    update.upsert(path.as_str(), blob, git2::FileMode::Blob);
                }
                None => {
                    update.remove(path.as_str());
                }
            }
        }
        let tree_id = update
            .create_updated(&self.repo, &base_tree)
            .map_err(Error::git(tr!(
                "opbygning af commit",
                "building the commit"
            )))?;
        if parent.is_some() && tree_id == base_tree.id() {
            return Err(Error::Invalid(tr!(
                "ingen ændring: indholdet er allerede sådan",
                "no change: the content is already like that"
            )));
        }
        let tree = self.repo.find_tree(tree_id).map_err(Error::git("tree"))?;
        let sig = signature(who, when)?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let commit = self
            .repo
            .commit(
                None,
                &sig,
                &sig,
                &git_message(&change.message),
                &tree,
                &parents,
            )
            .map_err(Error::git("commit"))?;

        // Files, then the index, then the branch: if any step fails, the
        // steps before it are undone, and the branch never points at a
        // commit the working tree and index do not show. If the process is
        // killed meanwhile, the journal lets the next one finish or undo it.
        journal::pause_point("commit-object");
        self.begin_journal(&journal::Journal {
            commit,
            head,
            branch: branch.clone(),
            paths: change.writes.iter().map(|(p, _)| p.clone()).collect(),
        })?;
        journal::pause_point("journal");
        let mut written: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
        if let Err(e) = self.write_files(change, &mut written) {
            restore(&written);
            self.end_journal();
            return Err(e);
        }
        journal::pause_point("files");
        let index_backup = match self.update_index(change) {
            Ok(b) => b,
            Err(e) => {
                restore(&written);
                self.end_journal();
                return Err(e);
            }
        };
        journal::pause_point("index");
        let message = git_message(&change.message);
        let log = format!("oplaeg: {}", message.lines().next().unwrap_or(""));
        let moved = match head {
            Some(old) => self
                .repo
                .reference_matching(&branch, commit, true, old, &log),
            None => self.repo.reference(&branch, commit, false, &log),
        };
        if let Err(e) = moved {
            self.restore_index(&index_backup);
            restore(&written);
            self.end_journal();
            return Err(match e.code() {
                git2::ErrorCode::Modified | git2::ErrorCode::Exists => Error::Concurrent,
                _ => Error::git(tr!("flytning af grenen", "moving the branch"))(e),
            });
        }
        journal::pause_point("branch");
        self.end_journal();
        Ok(commit)
    }

    /// Refuses, with what to do, while git is in the middle of a merge,
    /// rebase, cherry-pick, revert or `git am`: a commit made now would
    /// record the files with their conflict markers as ordinary work and
    /// drop what git was doing (a merge's second parent, say).
    pub(crate) fn refuse_unfinished_git_operation(&self) -> Result<()> {
        use git2::RepositoryState as S;
        if self.bare {
            return Ok(());
        }
        let (da, en, finish, abort) = match self.repo.state() {
            S::Clean => return Ok(()),
            S::Merge => (
                "en sammenfletning (git merge)",
                "a merge (git merge)",
                "git commit",
                "git merge --abort",
            ),
            S::Rebase | S::RebaseInteractive | S::RebaseMerge => (
                "en rebase (git rebase)",
                "a rebase (git rebase)",
                "git rebase --continue",
                "git rebase --abort",
            ),
            S::CherryPick | S::CherryPickSequence => (
                "en cherry-pick (git cherry-pick)",
                "a cherry-pick (git cherry-pick)",
                "git cherry-pick --continue",
                "git cherry-pick --abort",
            ),
            S::Revert | S::RevertSequence => (
                "en revert (git revert)",
                "a revert (git revert)",
                "git revert --continue",
                "git revert --abort",
            ),
            S::ApplyMailbox | S::ApplyMailboxOrRebase => (
                "en git am",
                "a git am",
                "git am --continue",
                "git am --abort",
            ),
            S::Bisect => (
                "en git bisect",
                "a git bisect",
                "git bisect reset",
                "git bisect reset",
            ),
        };
        Err(Error::Invalid(tr!(
            "git er midt i {da} i {root}, så oplaeg ændrer intet nu (det ville gemme filerne med eventuelle <<<<<<<-markeringer som almindeligt arbejde). Gør den færdig: ret filerne og kør `{finish}`, eller fortryd med `{abort}`; prøv så igen",
            "git is in the middle of {en} in {root}, so oplaeg changes nothing now (it would save the files, with any <<<<<<< markers, as ordinary work). Finish it: fix the files and run `{finish}`, or undo it with `{abort}`; then try again",
            root = self.root.display()
        )))
    }

    /// Takes the clone's write lock (`.git/oplaeg.lock`), waiting for
    /// another oplaeg process or thread that holds it.
    fn lock(&self) -> Result<std::fs::File> {
        let file = self.lock_file()?;
        file.lock()
            .map_err(Error::io(self.repo.path().join("oplaeg.lock")))?;
        Ok(file)
    }

    /// The lock file, opened but not locked.
    fn lock_file(&self) -> Result<std::fs::File> {
        let path = self.repo.path().join("oplaeg.lock");
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(Error::io(&path))
    }

    fn branch_ref(&self) -> Result<String> {
        let head = self
            .repo
            .find_reference("HEAD")
            .map_err(Error::git("HEAD"))?;
        match head.symbolic_target().ok().flatten() {
            Some(t) if t.starts_with("refs/heads/") => Ok(t.to_string()),
            _ => Err(Error::Invalid(tr!(
                "HEAD peger ikke på en gren (detached HEAD); skift til en gren med `git switch main`",
                "HEAD is not on a branch (detached HEAD); switch to a branch with `git switch main`"
            ))),
        }
    }

    fn ensure_clean(&self, path: &str) -> Result<()> {
        match self.repo.status_file(Path::new(path)) {
            Ok(s) if s.is_empty() || s.is_ignored() => Ok(()),
            Ok(_) => Err(Error::Uncommitted(path.to_string())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(()),
            Err(e) => Err(Error::git(format!("git status {path}"))(e)),
        }
    }

    fn write_files(
        &self,
        change: &Change,
        written: &mut Vec<(PathBuf, Option<Vec<u8>>)>,
    ) -> Result<()> {
        for (path, content) in &change.writes {
            let full = self.root.join(path);
            let old = std::fs::read(&full).ok();
            match content {
                Some(bytes) => {
                    write_atomic(&full, bytes)?;
                    if written.is_empty() {
                        journal::pause_point("first-file");
                    }
                }
                None => match std::fs::remove_file(&full) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(&full)(e)),
                },
            }
            written.push((full, old));
        }
        Ok(())
    }

    /// Stages the change's paths; returns their previous index entries so
    /// a failed change can put them back.
    fn update_index(&self, change: &Change) -> Result<IndexBackup> {
        let mut index = self.repo.index().map_err(Error::git("index"))?;
        index.read(true).map_err(Error::git("index"))?;
        let backup: IndexBackup = change
            .writes
            .iter()
            .map(|(p, _)| (p.clone(), index.get_path(Path::new(p), 0)))
            .collect();
        for (path, content) in &change.writes {
            let p = Path::new(path);
            let r = match content {
                Some(_) => index.add_path(p),
                None => index.remove_path(p),
            };
            r.map_err(Error::git(format!("index {path}")))?;
        }
        index.write().map_err(Error::git("index"))?;
        Ok(backup)
    }

    /// Puts index entries back (best effort, after another error).
    fn restore_index(&self, backup: &IndexBackup) {
        let Ok(mut index) = self.repo.index() else {
            return;
        };
        for (path, entry) in backup {
            let _ = match entry {
                Some(e) => index.add(e),
                None => index.remove_path(Path::new(path)),
            };
        }
        let _ = index.write();
    }

    /// Marks a commit as the draft sent for meeting `number` with an
    /// annotated tag `meeting/N`.
    pub fn tag_meeting(
        &self,
        number: u32,
        commit: Oid,
        message: &str,
        who: &Identity,
        when: DateTime<FixedOffset>,
    ) -> Result<()> {
        self.refuse_bare()?;
        self.refuse_unfinished_git_operation()?;
        let name = format!("meeting/{number}");
        if self
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok()
        {
            return Err(Error::Exists(tr!(
                "mødetagget {name}",
                "the meeting tag {name}"
            )));
        }
        let object = self
            .repo
            .find_object(commit, None)
            .map_err(Error::git(commit.to_string()))?;
        let sig = signature(who, when)?;
        self.repo
            .tag(&name, &object, &sig, &git_message(message), false)
            .map_err(Error::git(name.clone()))?;
        Ok(())
    }
}

type IndexBackup = Vec<(String, Option<git2::IndexEntry>)>;

/// A commit or tag message git can store and `git log` can show safely:
/// messages are built from people's text (names, organisations, titles), so
/// control characters (escape sequences, NUL) and invisible formatting
/// characters are written visibly, as `\u{1b}`, the way oplaeg shows them
/// everywhere else ([`crate::text::for_terminal`]); line breaks stay.
pub(crate) fn git_message(message: &str) -> std::borrow::Cow<'_, str> {
    crate::text::for_terminal(message, true)
}

/// The author and committer of a commit or tag by `who` at `when`. The
/// name is people's text and `git log` prints it as it is, so control and
/// invisible characters are written visibly (see [`git_message`]).
pub(crate) fn signature(who: &Identity, when: DateTime<FixedOffset>) -> Result<Signature<'static>> {
    let time = Time::new(when.timestamp(), when.offset().local_minus_utc() / 60);
    Signature::new(
        &crate::text::for_terminal(&who.name, false),
        &who.email,
        &time,
    )
    .map_err(Error::git(tr!("forfatter", "author")))
}

/// Refuses a name or address git cannot put in a commit (`<`, `>`, line
/// breaks, or empty), before anything is written.
pub fn check_signature(name: &str, email: &str) -> Result<()> {
    let bad = |s: &str| s.trim().is_empty() || s.contains(['<', '>', '\n', '\0']);
    if bad(name) {
        return Err(Error::InvalidValue {
            field: tr!("navn", "name"),
            value: name.to_string(),
            expected: tr!(
                "et navn uden < > og linjeskift",
                "a name without < > and line breaks"
            ),
        });
    }
    if bad(email)
        || !email.contains('@')
        || email.contains(char::is_whitespace)
        || email.contains(crate::text::is_unsafe_for_terminal)
    {
        return Err(Error::InvalidValue {
            field: tr!("e-mail", "e-mail"),
            value: email.to_string(),
            expected: tr!(
                "en e-mailadresse uden < > og mellemrum",
                "an e-mail address without < > and spaces"
            ),
        });
    }
    Ok(())
}

/// Refuses content beyond the documented limit for its kind of file.
fn check_size(path: &str, content: Option<&[u8]>) -> Result<()> {
    use crate::model::limits;
    let size = content.map_or(0, <[u8]>::len) as u64;
    let max = limits::max_bytes(path);
    if size > max {
        let (size, max) = (limits::human(size), limits::human(max));
        return Err(Error::Invalid(tr!(
            "{path} ville blive for stor ({size}; grænsen er {max}). Gør teksten kortere; intet er ændret",
            "{path} would be too large ({size}; the limit is {max}). Make the text shorter; nothing was changed"
        )));
    }
    Ok(())
}

/// Refuses text whose quotes or lists nest deeper than the documented limit
/// (a chapter's Markdown, or any text in a TOML file), as `verify` would.
fn check_nesting(path: &str, content: Option<&[u8]>) -> Result<()> {
    use crate::model::limits;
    let Some(text) = content.and_then(|c| std::str::from_utf8(c).ok()) else {
        return Ok(());
    };
    let depth = if path.ends_with(".md") {
        limits::nesting(text)
    } else if path.ends_with(".toml") {
        text.parse::<toml::Table>()
            .map_or(0, |t| limits::table_nesting(&t))
    } else {
        0
    };
    match limits::nesting_problem(path, depth) {
        Some(why) => Err(Error::Invalid(tr!(
            "{why}. Gør teksten fladere; intet er ændret",
            "{why}. Make the text flatter; nothing was changed"
        ))),
        None => Ok(()),
    }
}

/// Only the workspace's own files, with names that cannot leave it.
pub fn check_path(path: &str) -> Result<()> {
    let ok = if path == paths::CONFIG || path == paths::PRIORITY {
        true
    } else if let Some(kind) = crate::ranking::parse_path(path) {
        kind != crate::ranking::RankingPath::Other
    } else if let Some((dir, file)) = path.split_once('/') {
        let stem = file
            .strip_suffix(".md")
            .or_else(|| file.strip_suffix(".toml"))
            .unwrap_or("");
        [paths::DRAFTS, paths::RECOMMENDATIONS, paths::COMMENTS].contains(&dir)
            && is_valid_name(stem)
    } else {
        false
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what: "sti",
            value: path.to_string(),
        })
    }
}

/// Writes a regular, non-executable file (mode 0644) atomically.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, false)
}

/// Writes a regular file atomically: to a temporary file beside it that is
/// renamed into place. The mode is set, never taken over from what was
/// there: a symlink in the way is replaced by a file (its target is not
/// written through, and its 0777 is not copied), an executable bit is kept
/// only when git's tree says so (`executable`, 0755; else 0644).
fn write_atomic_mode(path: &Path, bytes: &[u8], executable: bool) -> Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = atomic_write_file::OpenOptions::new();
    #[cfg(unix)]
    {
        use atomic_write_file::unix::OpenOptionsExt;
        options.preserve_mode(false).preserve_owner(false);
    }
    let mut file = options.open(path).map_err(Error::io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(Error::io(path))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    file.write_all(bytes).map_err(Error::io(path))?;
    file.commit().map_err(Error::io(path))
}

/// Like [`write_atomic_mode`], without waiting for the disk (no fsync):
/// for the many files a sync may bring, where waiting for each made a
/// 600-file sync take ten seconds. The file still appears whole or not at
/// all to anyone who reads it, also if the process is killed; after a power
/// loss the sync journal lets the next command finish or undo the step.
fn write_atomic_unsynced(path: &Path, bytes: &[u8], executable: bool) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `.NAME.XXXXXX`, the pattern the journal's recovery clears.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix("")
        .rand_bytes(6)
        .tempfile_in(dir)
        .map_err(Error::io(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(Error::io(path))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    tmp.write_all(bytes).map_err(Error::io(path))?;
    tmp.persist(path).map_err(|e| Error::io(path)(e.error))?;
    Ok(())
}

/// Puts files back as they were before a failed change (best effort: this
/// runs only after another error, which is the one reported).
fn restore(written: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, old) in written.iter().rev() {
        let _ = match old {
            Some(bytes) => write_atomic(path, bytes),
            None => std::fs::remove_file(path).map_err(Error::io(path)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_users_repository_is_named_as_such_with_the_way_out() {
        let root = Path::new("/srv/delt/kraeftplan");
        let owner = git2::Error::new(git2::ErrorCode::Owner, git2::ErrorClass::Config, "owner");
        let e = open_error(root, &owner);
        assert!(matches!(e, Error::NotOwned(_)));
        let text = e.to_string();
        // (Either language: other tests may switch it meanwhile.)
        assert!(text.contains("ejes af en anden bruger") || text.contains("owned by another user"));
        assert!(text.contains("git config --global --add safe.directory /srv/delt/kraeftplan"));
        let missing =
            git2::Error::new(git2::ErrorCode::NotFound, git2::ErrorClass::Repository, "x");
        assert!(matches!(
            open_error(root, &missing),
            Error::NotAGitRepository(_)
        ));
    }

    #[test]
    fn paths_cannot_escape() {
        assert!(check_path("comments/01abc.toml").is_ok());
        assert!(check_path("drafts/05-rehabilitering.md").is_ok());
        assert!(check_path("oplaeg.toml").is_ok());
        assert!(check_path("comments/../x.toml").is_err());
        assert!(check_path("../oplaeg.toml").is_err());
        assert!(check_path("/etc/passwd").is_err());
        assert!(check_path("src/main.rs").is_err());
        assert!(check_path("comments/a/b.toml").is_err());
    }

    /// Blobs read in bulk are git's bytes, whether the reader of the object
    /// folder reads them (packed and loose, on one thread or several) or,
    /// for one it does not hold (here: one only an alternate object folder
    /// has), libgit2.
    #[test]
    fn blobs_read_in_bulk_are_gits_also_where_the_reader_has_none() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        let repo = store.repo();
        let mut ids: Vec<Oid> = Vec::new();
        let tree = repo.head().unwrap().peel_to_tree().unwrap();
        tree.walk(git2::TreeWalkMode::PreOrder, |_, e| {
            if e.kind() == Some(git2::ObjectType::Blob) {
                ids.push(e.id());
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
        assert!(ids.len() > 20, "{} blobs", ids.len());
        // One more blob, only in another object folder named as alternate.
        let other = git2::Repository::init_bare(tmp.path().join("other.git")).unwrap();
        let only_there = other.blob("Kun i den anden mappe.\n".as_bytes()).unwrap();
        std::fs::write(
            repo.path().join("objects/info/alternates"),
            format!("{}\n", other.path().join("objects").display()),
        )
        .unwrap();
        ids.push(only_there);
        let store = Store::open(store.root()).unwrap();
        assert!(
            store
                .take_objects()
                .is_some_and(|mut o| o.blob(only_there).is_none())
        );
        let gits: Vec<Vec<u8>> = ids
            .iter()
            .map(|id| store.repo().find_blob(*id).unwrap().content().to_vec())
            .collect();
        let packed = |store: &Store| {
            std::fs::read_dir(store.repo().path().join("objects/pack")).map_or(0, |d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".pack"))
                    .count()
            })
        };
        assert_eq!(packed(&store), 0, "the demo's objects are loose");
        for round in ["loose", "packed"] {
            if round == "packed" {
                let done = std::process::Command::new("git")
                    .args(["repack", "-a", "-d", "-q", "--depth=50"])
                    .current_dir(store.root())
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .status()
                    .expect("git runs");
                assert!(done.success());
            }
            let store = Store::open(store.root()).unwrap();
            assert_eq!(packed(&store) > 0, round == "packed");
            // The reader itself reads all but the alternate's blob.
            let mut objects = store.take_objects().expect("the object folder opens");
            let by_reader = ids.iter().filter(|id| objects.blob(**id).is_some()).count();
            assert_eq!(by_reader, ids.len() - 1, "{round}");
            for per_thread in [usize::MAX, 1] {
                let read = store
                    .map_blobs(&ids, per_thread, &|_, b| b.to_vec())
                    .unwrap();
                assert_eq!(read, gits, "{round}, per_thread {per_thread}");
            }
        }
    }

    /// A loose object whose file is damaged (cut short, emptied, junk,
    /// bytes added or changed) makes a diff that reads it fail at once
    /// with an error that names it, never loop: libgit2 1.9.7 loops forever
    /// on some such files, so the reader says it instead of asking libgit2.
    /// A changed comment file and the `comments/` tree itself are tried.
    #[test]
    fn a_damaged_loose_object_is_an_error_not_a_hang() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        let root = store.root().to_path_buf();
        let git = |args: &[&str]| -> String {
            let done = std::process::Command::new("git")
                .args(args)
                .current_dir(&root)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .expect("git runs");
            assert!(done.status.success(), "git {args:?}");
            String::from_utf8(done.stdout).unwrap().trim().to_string()
        };
        let listed = git(&[
            "diff",
            "--raw",
            "--abbrev=40",
            "meeting/3",
            "meeting/4",
            "--",
            "comments/",
        ]);
        let comment = listed
            .lines()
            .find_map(|l| Some(l.split_whitespace().nth(3)?.to_string()))
            .expect("a changed comment");
        let tree = git(&["rev-parse", "meeting/4:comments"]);
        let loose = |id: &str| root.join(".git/objects").join(&id[..2]).join(&id[2..]);
        for id in [comment, tree] {
            let path = loose(&id);
            let original = std::fs::read(&path).expect("a loose object");
            let n = original.len();
            let mut damaged: Vec<Vec<u8>> = [0, 1, 2, 10, n / 2, n - 4, n - 1]
                .iter()
                .map(|&k| original[..k].to_vec())
                .collect();
            damaged.push(b"junk".to_vec());
            damaged.push([&original[..], b"more"].concat());
            // (Another object's whole file in its place is not seen: ids
            // are not hashed again on reading, as git does not either.)
            let mut flipped = original.clone();
            flipped[n / 2] ^= 0x40;
            damaged.push(flipped);
            let mut perms = std::fs::metadata(&path).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&path, perms).unwrap();
            for (k, bytes) in damaged.iter().enumerate() {
                std::fs::write(&path, bytes).unwrap();
                let _ = std::fs::remove_dir_all(root.join(".git/oplaeg/cache"));
                let (tx, rx) = std::sync::mpsc::channel();
                let at = root.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(diff_3_to_4(&at).map_err(|e| e.to_string()));
                });
                let got = rx
                    .recv_timeout(std::time::Duration::from_secs(60))
                    .unwrap_or_else(|_| panic!("{id}, damage {k}: no answer within a minute"));
                let e = got.expect_err(&format!("{id}, damage {k}: an error"));
                assert!(e.contains(&id), "{id}, damage {k}: {e}");
            }
            std::fs::write(&path, &original).unwrap();
        }
        let _ = std::fs::remove_dir_all(root.join(".git/oplaeg/cache"));
        assert!(diff_3_to_4(&root).is_ok(), "whole again");
    }

    /// `oplaeg diff meeting/3 meeting/4` in the workspace at `root`.
    fn diff_3_to_4(root: &Path) -> Result<()> {
        let store = Store::open(root)?;
        let options = crate::diff::DiffOptions::default();
        crate::diff::between(&store, &Rev::parse("3"), &Rev::parse("4"), &options).map(|_| ())
    }

    /// A reader kept for a diff reads git's bytes throughout, also when the
    /// object folder changes under it (a repack removes the packs it has
    /// open; new objects arrive loose and packed), and is let go with the
    /// last guard; a handle keeps its own until it is given back.
    #[test]
    fn a_kept_reader_reads_gits_bytes_while_the_folder_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        let git = |args: &[&str]| {
            let done = std::process::Command::new("git")
                .args(args)
                .current_dir(store.root())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .expect("git runs");
            assert!(done.status.success(), "git {args:?}");
            done.stdout
        };
        let blobs = |store: &Store| -> Vec<Oid> {
            let out = git(&["rev-list", "--objects", "--all"]);
            String::from_utf8(out)
                .unwrap()
                .lines()
                .filter_map(|l| Oid::from_str(l.split(' ').next()?).ok())
                .filter(|id| {
                    store.repo().find_object(*id, None).unwrap().kind()
                        == Some(git2::ObjectType::Blob)
                })
                .collect()
        };
        let held = |store: &Store| store.kept.reader.lock().unwrap().is_some();
        let same_as_git = |store: &Store, ids: &[Oid]| {
            for id in ids {
                let cat = git(&["cat-file", "blob", &id.to_string()]);
                assert_eq!(store.blob_bytes(*id).unwrap(), cat, "{id}");
            }
        };
        git(&["repack", "-a", "-d", "-q"]);
        let before = blobs(&store);
        assert!(before.len() > 20);

        assert!(!held(&store));
        same_as_git(&store, &before[..3]);
        assert!(!held(&store), "not kept unasked");
        let outer = store.keep_reader();
        let inner = store.keep_reader();
        same_as_git(&store, &before);
        assert!(held(&store));

        // New versions of a file, loose and then all packed again with
        // deltas, the packs the reader has open removed.
        for n in 0..3 {
            std::fs::write(store.root().join("ny.md"), format!("Ny tekst {n}.\n")).unwrap();
            git(&["add", "ny.md"]);
            git(&[
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@x",
                "commit",
                "-qm",
                "ny",
            ]);
        }
        let loose = blobs(&store);
        same_as_git(&store, &loose);
        git(&["repack", "-a", "-d", "-f", "-q", "--depth=50"]);
        same_as_git(&store, &loose);
        let ids = loose.clone();
        let read = store.map_blobs(&ids, 1, &|_, b| b.to_vec()).unwrap();
        for (id, bytes) in ids.iter().zip(read) {
            assert_eq!(bytes, git(&["cat-file", "blob", &id.to_string()]));
        }

        drop(inner);
        assert!(held(&store), "kept while a guard lives");
        drop(outer);
        assert!(!held(&store), "let go with the last guard");

        let handle = store.handle().unwrap();
        same_as_git(&handle, &loose[..2]);
        assert!(held(&handle));
        store.give_back(handle);
        assert!(!held(&store));
    }

    /// The comment files that differ between two revisions, found by walking
    /// the two trees as git stores them, are what plain git lists, with the
    /// same blob ids on both sides.
    #[test]
    fn changed_files_are_gits() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        let revs = ["HEAD~12", "HEAD~6", "meeting/3", "meeting/4", "HEAD"];
        let bare_path = tmp.path().join("bare.git");
        let cloned = std::process::Command::new("git")
            .args(["clone", "--bare", "-q"])
            .arg(store.root())
            .arg(&bare_path)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git runs");
        assert!(cloned.success());
        let bare = Store::open(&bare_path).unwrap();
        assert!(bare.is_bare() && bare.take_objects().is_none());
        let mut compared = 0;
        for (k, from) in revs.iter().enumerate() {
            for to in &revs[k + 1..] {
                let (a, b) = (store.resolve(from).unwrap(), store.resolve(to).unwrap());
                let listed = std::process::Command::new("git")
                    .args(["diff", "--raw", "--no-renames", "--abbrev=40"])
                    .args([a.to_string(), b.to_string()])
                    .args(["--", "comments/"])
                    .current_dir(store.root())
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .output()
                    .expect("git runs");
                assert!(listed.status.success());
                let zero =
                    |id: &str| (id.bytes().any(|b| b != b'0')).then(|| Oid::from_str(id).unwrap());
                let gits: Vec<ChangedFile> = String::from_utf8(listed.stdout)
                    .unwrap()
                    .lines()
                    .map(|line| {
                        let (meta, path) = line.split_once('\t').unwrap();
                        let f: Vec<&str> = meta.split(' ').collect();
                        ChangedFile {
                            name: path.strip_prefix("comments/").unwrap().to_string(),
                            old: zero(f[2]),
                            new: zero(f[3]),
                        }
                    })
                    .collect();
                let ours = store.changed_in(paths::COMMENTS, a, b).unwrap();
                assert_eq!(ours, gits, "{from}..{to}");
                // A bare repository's trees are walked by libgit2.
                assert_eq!(bare.changed_in(paths::COMMENTS, a, b).unwrap(), gits);
                compared += ours.len();
            }
        }
        assert!(compared > 20, "only {compared} changed files");
    }

    /// A tree as git stores it: files listed in order, folders and
    /// submodules left out, anything malformed refused.
    #[test]
    fn raw_trees_are_read_or_refused() {
        let id = |n: u8| [n; 20];
        let entry = |mode: &str, name: &str, n: u8| {
            let mut e = format!("{mode} {name}\0").into_bytes();
            e.extend_from_slice(&id(n));
            e
        };
        let entries = [
            entry("100644", "a.toml", 1),
            entry("40000", "b", 2),
            entry("100755", "c.toml", 3),
            entry("160000", "d", 4),
            entry("120000", "e", 5),
            entry("040000", "f", 6),
        ];
        let tree: Vec<u8> = entries.concat();
        // Where a whole entry ends: a tree may be cut there.
        let ends: Vec<usize> = entries
            .iter()
            .scan(0, |at, e| {
                *at += e.len();
                Some(*at)
            })
            .collect();
        let blobs = tree_blobs(&tree).unwrap();
        let names: Vec<&[u8]> = blobs.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, [&b"a.toml"[..], b"c.toml", b"e"]);
        assert_eq!(blobs[1].1, Oid::from_bytes(&id(3)).unwrap());
        assert_eq!(tree_blobs(b"").unwrap(), vec![]);
        for cut in 1..tree.len() {
            if !ends.contains(&cut) {
                assert!(tree_blobs(&tree[..cut]).is_none(), "cut at {cut}");
            }
        }
        for bad in [
            entry("10064x", "a", 1),
            entry("", "a", 1),
            entry("100644", "", 1),
            entry("12345678", "a", 1),
        ] {
            assert!(tree_blobs(&bad).is_none(), "{bad:?}");
        }
        // Files out of git's order: refused (libgit2 then walks the trees).
        let unsorted = [entry("100644", "b", 1), entry("100644", "a", 2)].concat();
        assert!(changed_blobs(Some(&unsorted), None).is_none());
        let one = entry("100644", "a", 1);
        let other = [entry("100644", "a", 2), entry("100644", "b", 3)].concat();
        let changed = changed_blobs(Some(&one), Some(&other)).unwrap();
        let (x, y, z) = (
            Oid::from_bytes(&id(1)).unwrap(),
            Oid::from_bytes(&id(2)).unwrap(),
            Oid::from_bytes(&id(3)).unwrap(),
        );
        assert_eq!(
            changed,
            vec![
                ChangedFile {
                    name: "a".into(),
                    old: Some(x),
                    new: Some(y)
                },
                ChangedFile {
                    name: "b".into(),
                    old: None,
                    new: Some(z)
                },
            ]
        );
        assert_eq!(changed_blobs(None, None).unwrap(), vec![]);
    }

    #[test]
    fn revisions_parse() {
        assert_eq!(Rev::parse("worktree"), Rev::Worktree);
        assert_eq!(Rev::parse("4"), Rev::Named("4".into()));
    }
}
