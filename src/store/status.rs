//! Which files on disk differ from HEAD (the "unsaved" list of `status` and
//! the terminal UI), from the `git` program when it runs here and from
//! libgit2 otherwise.
//!
//! libgit2's status walk stats and compares every file itself, without
//! git's stat-cache shortcuts: on a 10,000-comment workspace it took about
//! half the CPU of `oplaeg status`, while `git status` does the same work
//! in a fraction. `git status` is read-only here (`GIT_OPTIONAL_LOCKS=0`:
//! it does not refresh the index), and any trouble with it (no git, a
//! repository git refuses, output it does not end cleanly) falls back to
//! libgit2 for the whole answer. Both give the same list: see
//! `tests/status_source.rs`.

use std::path::Path;
use std::process::{Command, Stdio};

use git2::Repository;

use crate::error::{Error, Result};

/// `OPLAEG_STATUS_GIT=0` uses libgit2 only.
pub const ENV_SWITCH: &str = "OPLAEG_STATUS_GIT";

/// Where the list of changed files comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `git status`, falling back to libgit2 when git is not usable.
    Git,
    /// libgit2 only.
    Libgit2,
}

impl Source {
    /// [`Source::Git`] unless [`ENV_SWITCH`] switches it off.
    pub fn from_env() -> Source {
        match std::env::var(ENV_SWITCH) {
            Ok(v)
                if matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "0" | "no" | "off" | "false"
                ) =>
            {
                Source::Libgit2
            }
            _ => Source::Git,
        }
    }
}

/// Every path (relative to the root, `/`-separated) that differs between
/// HEAD, the index and the files on disk, untracked files included and
/// ignored ones left out; sorted, each once.
pub fn changed_paths(repo: &Repository, workdir: &Path, source: Source) -> Result<Vec<String>> {
    let mut paths = match source {
        Source::Git => from_git(repo.path(), workdir).map_or_else(|| from_libgit2(repo), Ok)?,
        Source::Libgit2 => from_libgit2(repo)?,
    };
    paths.sort_unstable();
    paths.dedup();
    Ok(paths)
}

fn from_libgit2(repo: &Repository) -> Result<Vec<String>> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(Error::git("git status"))?;
    Ok(statuses
        .iter()
        .filter(|s| !s.status().is_ignored())
        .filter_map(|s| s.path().ok().map(str::to_string))
        .collect())
}

/// `git status --porcelain -z` read into paths (unsorted, not filtered);
/// `None` on any trouble.
pub fn from_git(git_dir: &Path, workdir: &Path) -> Option<Vec<String>> {
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .arg("--work-tree")
        .arg(workdir)
        .args([
            "--no-pager",
            "--no-optional-locks",
            "-c",
            "status.renames=false",
            "-c",
            "core.quotePath=false",
            // Never start a file-system monitor daemon that outlives us.
            "-c",
            "core.fsmonitor=false",
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignored=no",
            "--no-renames",
            "--ignore-submodules=none",
        ])
        .current_dir(workdir)
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_DIR")
        .env_remove("GIT_COMMON_DIR")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    parse_porcelain(&output.stdout)
}

/// Entries of `XY path\0`; `None` for anything else (a rename's second
/// path cannot occur with `--no-renames`, so it is trouble too).
fn parse_porcelain(out: &[u8]) -> Option<Vec<String>> {
    if out.is_empty() {
        return Some(Vec::new());
    }
    let body = out.strip_suffix(b"\0")?;
    body.split(|b| *b == 0)
        .map(|entry| {
            let (code, path) = (entry.get(..3)?, entry.get(3..)?);
            let known = |c: u8| b" MADRCU?!T".contains(&c);
            if code[2] != b' ' || !known(code[0]) || !known(code[1]) || path.is_empty() {
                return None;
            }
            if matches!(code[0], b'R' | b'C') {
                return None;
            }
            String::from_utf8(path.to_vec()).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_porcelain;

    #[test]
    fn porcelain_entries_are_read_and_anything_odd_is_refused() {
        let out = b" M drafts/01-a.md\0?? comments/x.toml\0D  old.md\0";
        assert_eq!(
            parse_porcelain(out),
            Some(vec![
                "drafts/01-a.md".to_string(),
                "comments/x.toml".to_string(),
                "old.md".to_string()
            ])
        );
        assert_eq!(parse_porcelain(b""), Some(vec![]));
        // Not ended by NUL, a rename, a short entry, an unknown code, bad UTF-8.
        assert_eq!(parse_porcelain(b" M a.md"), None);
        assert_eq!(parse_porcelain(b"R  new.md\0old.md\0"), None);
        assert_eq!(parse_porcelain(b" M\0"), None);
        assert_eq!(parse_porcelain(b"ZZ a.md\0"), None);
        assert_eq!(parse_porcelain(b" M \xff.md\0"), None);
    }
}
