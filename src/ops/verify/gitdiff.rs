//! The tree differences of a whole range of commits from ONE `git
//! diff-tree --stdin` process, when the `git` program is there (a server's
//! hook always has it).
//!
//! Why: each commit that adds a comment makes a new `comments/` tree (3 MB
//! at 50,000 comments), stored as a small delta against an older one.
//! libgit2 never caches a delta base larger than 1 MB, so it inflates every
//! such tree in full; git caches bases up to 96 MB and applies only the
//! deltas. See `docs/performance-verify.md`.
//!
//! What comes from git: each commit's files that differ from each of its
//! parents (a root commit: from the empty tree), and how the first-parent
//! difference changes the number of entries directly in each folder with a
//! file-count limit. Everything else – merges against git's clean merge,
//! blobs, the judging – stays with libgit2. On any trouble (no git, an
//! error, output that does not parse or does not match the commits asked
//! for) nothing is returned and the caller uses libgit2 for the whole run.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use git2::Oid;

use super::merge::{Changes, Entry};
use super::shape;

/// Turns the `git` program off for verify when set to `0`, `no`, `off` or
/// `false` (the libgit2 path is used, e.g. to compare the two); `require`
/// makes verify fail rather than fall back (for tests).
pub const ENV_SWITCH: &str = "OPLAEG_VERIFY_GIT";

/// Whether [`ENV_SWITCH`] says `require`.
pub fn required() -> bool {
    std::env::var(ENV_SWITCH).is_ok_and(|v| v.trim().eq_ignore_ascii_case("require"))
}

/// What git said about a range of commits.
#[derive(Debug, Default)]
pub struct GitDiffs {
    /// Each commit's differences from each parent, in parent order (a root
    /// commit: one, from the empty tree).
    per_parent: HashMap<Oid, Vec<Changes>>,
    /// Each commit's first parent (`None` for a root commit) and how its
    /// difference from it changes the number of entries directly in each
    /// folder of [`shape::folder_limits`], in that order.
    entries: HashMap<Oid, (Option<Oid>, [i64; 3])>,
}

impl GitDiffs {
    /// The files `commit` changes against its parent number `parent`.
    pub fn against(&self, commit: Oid, parent: usize) -> Option<&Changes> {
        self.per_parent.get(&commit).and_then(|v| v.get(parent))
    }

    /// The first parent of `commit` and the change in entry counts of the
    /// limited folders, when git described the commit.
    pub fn entry_delta(&self, commit: Oid) -> Option<(Option<Oid>, [i64; 3])> {
        self.entries.get(&commit).copied()
    }
}

/// Whether verify may use the `git` program: not switched off, and
/// `git --version` runs (checked once per process).
pub fn git_available() -> bool {
    if let Ok(v) = std::env::var(ENV_SWITCH)
        && matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "no" | "off" | "false"
        )
    {
        return false;
    }
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("git")
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Asks git for the differences of `commits` (each with its parents) in the
/// repository at `git_dir`. `None` on any trouble. The environment is passed
/// on as it is, so in a `pre-receive` hook the child sees the quarantined
/// objects of the push (`GIT_OBJECT_DIRECTORY`,
/// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, `GIT_QUARANTINE_PATH`).
pub fn load(git_dir: &Path, commits: &[(Oid, Vec<Oid>)]) -> Option<GitDiffs> {
    if commits.is_empty() || !git_available() {
        return None;
    }
    // One input line per (commit, parent): "C P" compares C with P; a
    // lone "C" (a root) with the empty tree, thanks to --root.
    let mut input = String::with_capacity(commits.len() * 82);
    let mut expected: Vec<(Oid, usize)> = Vec::with_capacity(commits.len());
    for (id, parents) in commits {
        if parents.is_empty() {
            input.push_str(&format!("{id}\n"));
            expected.push((*id, 0));
        }
        for (i, p) in parents.iter().enumerate() {
            input.push_str(&format!("{id} {p}\n"));
            expected.push((*id, i));
        }
    }
    let mut child = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args([
            "--no-pager",
            "--no-replace-objects",
            "-c",
            "core.quotePath=false",
            "-c",
            "diff.renames=false",
            "-c",
            "diff.ignoreSubmodules=none",
            "diff-tree",
            "--stdin",
            "-r",
            "-t",
            "-z",
            "--root",
            "--always",
            "--no-renames",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--ignore-submodules=none",
            "--raw",
        ])
        .env_remove("GIT_WORK_TREE")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Written from a thread: git writes while it reads, and a full pipe
    // either way would otherwise stop both.
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).is_ok());
    let output = child.wait_with_output().ok()?;
    let written = writer.join().unwrap_or(false);
    if !written || !output.status.success() {
        return None;
    }
    parse(&output.stdout, &expected, commits)
}

/// Parses `diff-tree -z --raw -t` output: per input line a header (the
/// commit's id, from `--always`) and then records
/// `:MODE MODE ID ID STATUS\0PATH\0`.
fn parse(out: &[u8], expected: &[(Oid, usize)], commits: &[(Oid, Vec<Oid>)]) -> Option<GitDiffs> {
    let first_parent: HashMap<Oid, Option<Oid>> = commits
        .iter()
        .map(|(id, parents)| (*id, parents.first().copied()))
        .collect();
    let folders = shape::folder_limits().map(|(d, _)| d);
    let mut diffs = GitDiffs::default();
    let mut tokens = out.split(|&b| b == 0);
    let mut next_expected = expected.iter();
    // The diff being filled: its commit, parent number, files and counts.
    let mut current: Option<(Oid, usize, Changes, [i64; 3])> = None;
    let finish = |diffs: &mut GitDiffs, cur: Option<(Oid, usize, Changes, [i64; 3])>| {
        if let Some((id, parent, changes, delta)) = cur {
            if parent == 0 {
                let fp = first_parent.get(&id).copied().flatten();
                diffs.entries.insert(id, (fp, delta));
            }
            diffs.per_parent.entry(id).or_default().push(changes);
        }
    };
    while let Some(token) = tokens.next() {
        if token.is_empty() {
            // Only the end of the output may be empty (after the last NUL).
            if tokens.next().is_some() {
                return None;
            }
            break;
        }
        if let Some(record) = token.strip_prefix(b":") {
            let (_, _, changes, delta) = current.as_mut()?;
            let path = tokens.next()?;
            let (old, new) = parse_record(record)?;
            let path = String::from_utf8_lossy(path).into_owned();
            if path.is_empty() {
                return None;
            }
            // Entries directly in a limited folder (files or folders).
            if let Some((dir, name)) = path.rsplit_once('/')
                && !name.is_empty()
                && let Some(i) = folders.iter().position(|f| *f == dir)
            {
                delta[i] += i64::from(new.is_some()) - i64::from(old.is_some());
            }
            let is_tree = |e: &Option<Entry>| e.is_some_and(|e| e.mode == 0o040000);
            let (old, new) = (
                old.filter(|_| !is_tree(&old)),
                new.filter(|_| !is_tree(&new)),
            );
            if old.is_some() || new.is_some() {
                changes.insert(path, (old, new));
            }
        } else {
            // A header: the commit of the next input line.
            let id = Oid::from_str(std::str::from_utf8(token).ok()?).ok()?;
            let &(want, parent) = next_expected.next()?;
            if id != want || token.len() != 40 {
                return None;
            }
            finish(&mut diffs, current.take());
            current = Some((id, parent, Changes::new(), [0; 3]));
        }
    }
    finish(&mut diffs, current.take());
    // Every input line answered, and nothing more.
    if next_expected.next().is_some() {
        return None;
    }
    Some(diffs)
}

/// `MODE MODE ID ID STATUS` → the entry before and after (`None` where the
/// mode is 000000).
fn parse_record(record: &[u8]) -> Option<(Option<Entry>, Option<Entry>)> {
    let text = std::str::from_utf8(record).ok()?;
    let mut parts = text.split(' ');
    let (m1, m2, i1, i2, status) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || status.is_empty() {
        return None;
    }
    let entry = |mode: &str, id: &str| -> Option<Option<Entry>> {
        if mode.len() != 6 || id.len() != 40 {
            return None;
        }
        let mode = i32::from_str_radix(mode, 8).ok()?;
        let id = Oid::from_str(id).ok()?;
        match (mode, id.is_zero()) {
            (0, true) => Some(None),
            (0, false) => None,
            (m, _) => Some(Some(Entry { id, mode: m })),
        }
    };
    let (old, new) = (entry(m1, i1)?, entry(m2, i2)?);
    if old.is_none() && new.is_none() {
        return None;
    }
    Some((old, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).expect("20 bytes")
    }

    #[test]
    fn records_and_headers_are_parsed_and_checked() {
        let (c, p) = (id(1), id(2));
        let blob = "ab".repeat(20);
        let zero = "0".repeat(40);
        let out = format!(
            "{c}\0:000000 100644 {zero} {blob} A\0comments/x.toml\0:040000 040000 {blob} {blob} M\0comments\0"
        );
        let commits = vec![(c, vec![p])];
        let diffs = parse(out.as_bytes(), &[(c, 0)], &commits).expect("parses");
        let changes = diffs.against(c, 0).expect("diff");
        assert_eq!(changes.len(), 1, "folders are not files: {changes:?}");
        let (old, new) = &changes["comments/x.toml"];
        assert!(old.is_none());
        assert_eq!(new.map(|e| e.mode), Some(0o100644));
        assert_eq!(diffs.entry_delta(c), Some((Some(p), [1, 0, 0])));
        // Another commit's header, a missing answer, a broken record.
        assert!(parse(out.as_bytes(), &[(p, 0)], &commits).is_none());
        assert!(parse(out.as_bytes(), &[(c, 0), (c, 1)], &commits).is_none());
        let broken = format!("{c}\0:000000 100644 {zero} A\0x\0");
        assert!(parse(broken.as_bytes(), &[(c, 0)], &commits).is_none());
        let no_path = format!("{c}\0:000000 100644 {zero} {blob} A\0");
        assert!(parse(no_path.as_bytes(), &[(c, 0)], &commits).is_none());
    }
}
