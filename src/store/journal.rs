//! Crash safety for writes. A change touches three places that cannot be
//! updated together: the files on disk, git's index, and the branch. The
//! branch moves last and atomically, so HEAD is always a whole commit; but a
//! process killed between the steps would leave files or index entries that
//! belong to a commit the branch does not point at (or, killed after the
//! branch moved, files still showing the old state).
//!
//! So before the first file is written, a small journal in `.git` names the
//! new commit, the old HEAD, the branch and the paths. It is removed once
//! the branch has moved (or a failed change was undone). When a journal is
//! found and no oplaeg process holds the write lock (the OS releases it when
//! its holder dies), the write was interrupted: the next opening of the
//! workspace finishes it (the branch moved: files and index are brought to
//! the new commit) or undoes it (files and index go back to HEAD). A file
//! that holds neither version was edited by hand since, and is left alone.
//!
//! A sync uses the same journal when it moves the branch to the server's
//! work (its files are written one by one, atomically, like a change's),
//! and one more: `oplaeg-sync.journal` lives for the whole sync. Found
//! without a live sync, it means git's library died with lock files of its
//! own (`index.lock`, a ref's `.lock`) and the sync's private refs left
//! behind; those that date from the dead sync are removed, so the next
//! command is never jammed by them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use git2::{ObjectType, Oid, Tree};

use super::Store;
use crate::error::{Error, Result};
use crate::tr;

/// The journal's file name inside `.git`.
const JOURNAL: &str = "oplaeg-write.journal";

/// The sync journal's file name inside `.git`.
const SYNC_JOURNAL: &str = "oplaeg-sync.journal";

/// Lock files git (and libgit2) take at the top of `.git`.
const GIT_LOCKS: [&str; 5] = [
    "index.lock",
    "HEAD.lock",
    "packed-refs.lock",
    "config.lock",
    "FETCH_HEAD.lock",
];

/// What an interrupted write was doing.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Journal {
    pub commit: Oid,
    pub head: Option<Oid>,
    pub branch: String,
    pub paths: Vec<String>,
}

impl Journal {
    fn render(&self) -> String {
        let mut s = String::from("oplaeg write journal 1\n");
        s.push_str(&format!("commit {}\n", self.commit));
        match self.head {
            Some(h) => s.push_str(&format!("head {h}\n")),
            None => s.push_str("head -\n"),
        }
        s.push_str(&format!("branch {}\n", self.branch));
        for p in &self.paths {
            s.push_str(&format!("path {p}\n"));
        }
        s
    }

    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != "oplaeg write journal 1" {
            return None;
        }
        let mut commit = None;
        let mut head = None;
        let mut branch = None;
        let mut paths = Vec::new();
        for line in lines {
            let (key, value) = line.split_once(' ')?;
            match key {
                "commit" => commit = Oid::from_str(value).ok(),
                "head" if value == "-" => head = Some(None),
                "head" => head = Some(Some(Oid::from_str(value).ok()?)),
                "branch" if value.starts_with("refs/heads/") => branch = Some(value.to_string()),
                "path" if is_safe_repo_path(value) => paths.push(value.to_string()),
                _ => return None,
            }
        }
        Some(Journal {
            commit: commit?,
            head: head?,
            branch: branch?,
            paths,
        })
    }
}

/// A path inside the working tree that cannot leave it or reach into
/// `.git` (a sync journals whatever paths the server's commits touch).
pub(super) fn is_safe_repo_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', '\0', '\n'])
        && path.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.eq_ignore_ascii_case(".git")
        })
}

/// Stops here when the developer build is told to (`OPLAEG_TEST_PAUSE_AT`),
/// so the crash tests can kill the process at an exact step of a write.
pub(crate) fn pause_point(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("OPLAEG_TEST_PAUSE_AT").is_ok_and(|s| s == step) {
        eprintln!("oplaeg-test: paused at {step}");
        std::thread::sleep(Duration::from_secs(60));
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

impl Store {
    fn journal_path(&self) -> PathBuf {
        self.repo.path().join(JOURNAL)
    }

    /// Records a write about to start (with the write lock held).
    pub(super) fn begin_journal(&self, journal: &Journal) -> Result<()> {
        super::write_atomic(&self.journal_path(), journal.render().as_bytes())
    }

    /// The write finished or was undone.
    pub(super) fn end_journal(&self) {
        let _ = std::fs::remove_file(self.journal_path());
    }

    fn sync_journal_path(&self) -> PathBuf {
        self.repo.path().join(SYNC_JOURNAL)
    }

    /// Records that a sync with `remote` starts (with the write lock held).
    pub(super) fn begin_sync_journal(&self, remote: &str) -> Result<()> {
        let text = format!("oplaeg sync journal 1\nremote {remote}\n");
        super::write_atomic(&self.sync_journal_path(), text.as_bytes())
    }

    /// The sync ended (done or refused); its private refs go with it.
    pub(super) fn end_sync_journal(&self) {
        let _ = self.delete_private_refs();
        let _ = std::fs::remove_file(self.sync_journal_path());
    }

    /// Removes what a sync that died left in `.git`: lock files taken after
    /// it started, and its private refs (the write lock is held).
    fn recover_sync(&self) -> Result<()> {
        let path = self.sync_journal_path();
        let Ok(meta) = std::fs::metadata(&path) else {
            return Ok(());
        };
        let since = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let git_dir = self.repo.path();
        for name in GIT_LOCKS {
            remove_stale_lock(&git_dir.join(name), since);
        }
        let mut locks = Vec::new();
        find_lock_files(&git_dir.join("refs"), &mut locks, 0);
        for lock in &locks {
            remove_stale_lock(lock, since);
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            self.recover_local_server(&text, since);
        }
        self.delete_private_refs()?;
        std::fs::remove_file(&path).map_err(Error::io(&path))
    }

    /// A sync with a server that is a folder on this machine writes the
    /// server's refs itself (libgit2's local transport takes git's lock on
    /// the ref there, `refs/heads/main.lock`). Killed while it held one, it
    /// left the server's branch locked: every later push would be refused
    /// ("failed to lock"), by oplaeg's retries ten times over, until someone
    /// deleted the file. So the locks in the server that date from the dead
    /// sync go like the clone's: with the server's oplaeg lock held (no
    /// other oplaeg sync is in a round with it), and only those that no live
    /// git program releases within moments.
    fn recover_local_server(&self, journal: &str, since: SystemTime) {
        let Some(remote) = journal
            .lines()
            .find_map(|l| l.strip_prefix("remote "))
            .map(str::trim)
        else {
            return;
        };
        // The server the push wrote to (a sync takes its turn there too).
        let Some(url) = self.repo.find_remote(remote).ok().and_then(|r| {
            let url = r.url().ok()?.to_string();
            Some(super::sync::push_url(&r, &url))
        }) else {
            return;
        };
        let Some(server) = super::sync::local_repository(&url) else {
            return;
        };
        let Ok(_turn) = super::sync::lock_file(&server.join("oplaeg-sync.lock")) else {
            return;
        };
        for name in GIT_LOCKS {
            remove_stale_lock(&server.join(name), since);
        }
        let mut locks = Vec::new();
        find_lock_files(&server.join("refs"), &mut locks, 0);
        for lock in &locks {
            remove_stale_lock(lock, since);
        }
    }

    /// Deletes `refs/oplaeg/*` (where a sync keeps refs only while it runs).
    fn delete_private_refs(&self) -> Result<()> {
        let glob = "refs/oplaeg/*";
        let refs = self.repo.references_glob(glob).map_err(Error::git(glob))?;
        for mut r in refs.flatten() {
            r.delete().map_err(Error::git(glob))?;
        }
        Ok(())
    }

    /// Refuses, with what to do, when git's index is locked by a file that
    /// no oplaeg write of this clone left (those are cleared by recovery):
    /// another git program is running, or one died. Writing around it would
    /// leave files on disk that the index does not know.
    pub(super) fn check_index_unlocked(&self) -> Result<()> {
        let lock = self.repo.path().join("index.lock");
        if lock.exists() {
            return Err(Error::Invalid(tr!(
                "git's indeks er låst af {}: et andet git-program kører lige nu, eller et er stoppet midt i et skridt. Vent på det; kører intet git-program, så slet filen og prøv igen. Intet er ændret",
                "git's index is locked by {}: another git program is running right now, or one stopped in the middle of a step. Wait for it; if no git program is running, delete the file and try again. Nothing was changed",
                lock.display()
            )));
        }
        Ok(())
    }

    /// Finishes or undoes an interrupted write, if there is one and no
    /// other oplaeg process is writing. Called when the workspace is opened;
    /// best effort (a failure leaves the journal for the next time).
    pub(super) fn recover_if_interrupted(&self) {
        if self.bare || !(self.journal_path().exists() || self.sync_journal_path().exists()) {
            return;
        }
        let Ok(lock) = self.lock_file() else { return };
        if lock.try_lock().is_err() {
            return; // another oplaeg process is writing right now
        }
        let _ = self.recover();
    }

    /// Finishes or undoes an interrupted write, and clears what an
    /// interrupted sync left (the write lock is held).
    pub(super) fn recover(&self) -> Result<()> {
        self.recover_sync()?;
        self.recover_write()
    }

    /// Finishes or undoes an interrupted write (the write lock is held).
    pub(super) fn recover_write(&self) -> Result<()> {
        let path = self.journal_path();
        remove_temporary_files(&path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&path)(e)),
        };
        let Some(journal) = Journal::parse(&text) else {
            // Not ours to interpret; a journal is only ever written whole.
            self.end_journal();
            return Ok(());
        };
        let since = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        // A lock file git's library left when the process died mid-step.
        let lock_files = [
            self.repo.path().join("index.lock"),
            self.repo.path().join(format!("{}.lock", journal.branch)),
        ];
        for lock in &lock_files {
            remove_stale_lock(lock, since);
        }

        let now = self
            .repo
            .find_reference(&journal.branch)
            .ok()
            .and_then(|r| r.target());
        let finished = now == Some(journal.commit);
        let tree_of = |oid: Option<Oid>| -> Result<Option<Tree<'_>>> {
            match oid {
                Some(o) => Ok(Some(
                    self.repo
                        .find_commit(o)
                        .and_then(|c| c.tree())
                        .map_err(Error::git(o.to_string()))?,
                )),
                None => Ok(None),
            }
        };
        // Where files and index should end: the new commit if the branch
        // moved, else whatever the branch points at now.
        let (want_tree, other_tree) = if finished {
            (tree_of(Some(journal.commit))?, tree_of(journal.head)?)
        } else {
            (tree_of(now)?, tree_of(Some(journal.commit))?)
        };
        let mut index = self.repo.index().map_err(Error::git("index"))?;
        index.read(true).map_err(Error::git("index"))?;
        for rel in &journal.paths {
            let (want, executable) = self.content(want_tree.as_ref(), rel)?;
            let (other, _) = self.content(other_tree.as_ref(), rel)?;
            let full = self.root.join(rel);
            remove_temporary_files(&full);
            let disk = std::fs::read(&full).ok();
            if disk != want {
                if disk != other {
                    continue; // changed by hand since: leave it, and its index entry
                }
                match &want {
                    Some(bytes) => super::write_atomic_mode(&full, bytes, executable)?,
                    None => {
                        let _ = std::fs::remove_file(&full);
                    }
                }
            }
            let staged = match want {
                Some(_) => index.add_path(Path::new(rel)),
                None => match index.get_path(Path::new(rel), 0) {
                    Some(_) => index.remove_path(Path::new(rel)),
                    None => Ok(()),
                },
            };
            staged.map_err(Error::git(format!("index {rel}")))?;
        }
        index.write().map_err(Error::git("index"))?;
        self.end_journal();
        Ok(())
    }

    /// A file's bytes in a tree (`None` when absent or not a regular
    /// file), and whether git marks it executable.
    fn content(&self, tree: Option<&Tree<'_>>, path: &str) -> Result<(Option<Vec<u8>>, bool)> {
        let Some(tree) = tree else {
            return Ok((None, false));
        };
        let entry = match tree.get_path(Path::new(path)) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok((None, false)),
            Err(e) => return Err(Error::git(path.to_string())(e)),
        };
        let mode = entry.filemode();
        let regular = mode == i32::from(git2::FileMode::Blob)
            || mode == i32::from(git2::FileMode::BlobExecutable);
        if entry.kind() != Some(ObjectType::Blob) || !regular {
            return Ok((None, false));
        }
        let executable = mode == i32::from(git2::FileMode::BlobExecutable);
        Ok((Some(self.blob(entry.id())?), executable))
    }
}

/// Removes a lock file created after `since` (during the interrupted
/// write), once no live process seems to hold it: a git command that holds
/// a lock finishes within moments, a dead one never.
fn remove_stale_lock(lock: &Path, since: SystemTime) {
    for _ in 0..20 {
        let Ok(meta) = std::fs::metadata(lock) else {
            return;
        };
        if meta.modified().is_ok_and(|m| m < since) {
            return; // older than the journal: not from the interrupted write
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_file(lock);
}

/// Lock files (`*.lock`) under a folder of refs.
fn find_lock_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => find_lock_files(&path, out, depth + 1),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "lock") => {
                out.push(path);
            }
            _ => {}
        }
    }
}

/// Removes the temporary files an interrupted atomic write of `path` left
/// beside it (`.NAME.XXXXXX`).
fn remove_temporary_files(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(suffix) = file.strip_prefix(&prefix)
            && suffix.len() == 6
            && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_round_trip_and_refuse_anything_else() {
        let j = Journal {
            commit: Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap(),
            head: None,
            branch: "refs/heads/main".into(),
            paths: vec!["comments/01abc.toml".into(), "priority.toml".into()],
        };
        assert_eq!(Journal::parse(&j.render()), Some(j));
        assert_eq!(Journal::parse("oplaeg write journal 1\ncommit x\n"), None);
        let escape = "oplaeg write journal 1\ncommit 0123456789abcdef0123456789abcdef01234567\nhead -\nbranch refs/heads/main\npath ../../etc/passwd\n";
        assert_eq!(Journal::parse(escape), None);
        for bad in [
            "/etc/passwd",
            ".git/config",
            "a/.GIT/x",
            "a//b",
            "a/./b",
            "",
        ] {
            assert!(!is_safe_repo_path(bad), "{bad}");
        }
        assert!(is_safe_repo_path("docs/README.md"));
        assert!(is_safe_repo_path(".gitignore"));
    }
}
