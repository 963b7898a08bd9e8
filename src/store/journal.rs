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

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use git2::{ObjectType, Oid, Tree};

use super::Store;
use crate::error::{Error, Result};

/// The journal's file name inside `.git`.
const JOURNAL: &str = "oplaeg-write.journal";

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
                "path" => {
                    super::check_path(value).ok()?;
                    paths.push(value.to_string());
                }
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

/// Stops here when the developer build is told to (`OPLAEG_TEST_PAUSE_AT`),
/// so the crash tests can kill the process at an exact step of a write.
pub(super) fn pause_point(step: &str) {
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

    /// Finishes or undoes an interrupted write, if there is one and no
    /// other oplaeg process is writing. Called when the workspace is opened;
    /// best effort (a failure leaves the journal for the next time).
    pub(super) fn recover_if_interrupted(&self) {
        if self.bare || !self.journal_path().exists() {
            return;
        }
        let Ok(lock) = self.lock_file() else { return };
        if lock.try_lock().is_err() {
            return; // another oplaeg process is writing right now
        }
        let _ = self.recover();
    }

    /// Finishes or undoes an interrupted write (the write lock is held).
    pub(super) fn recover(&self) -> Result<()> {
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
            let want = self.content(want_tree.as_ref(), rel)?;
            let other = self.content(other_tree.as_ref(), rel)?;
            let full = self.root.join(rel);
            remove_temporary_files(&full);
            let disk = std::fs::read(&full).ok();
            if disk != want {
                if disk != other {
                    continue; // changed by hand since: leave it, and its index entry
                }
                match &want {
                    Some(bytes) => super::write_atomic(&full, bytes)?,
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

    /// A file's bytes in a tree (`None` when absent).
    fn content(&self, tree: Option<&Tree<'_>>, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(tree) = tree else { return Ok(None) };
        let entry = match tree.get_path(Path::new(path)) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git(path.to_string())(e)),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        Ok(Some(self.blob(entry.id())?))
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
    }
}
