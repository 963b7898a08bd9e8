//! What a commit changes, for judging it. An ordinary commit: every file
//! that differs from its parent. A merge: every file where it differs from
//! git's own clean three-way merge of its two parents, and every file git
//! could not merge by itself – that is the merger's own work.
//!
//! The tree comparison skips identical subtrees and walks two sorted
//! listings side by side, so its cost follows the folders a commit touches,
//! not the size of the workspace. A merge whose two sides changed different
//! files (the usual case: comments from several clones) is recognised from
//! those comparisons alone; anything else is handed to libgit2's
//! `merge_commits`, which is git's merge with rename detection.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use git2::{Oid, Repository, Tree};

use crate::error::{Error, Result};
use crate::store::PathChange;

/// Trees read from a repository, the large ones kept for a while: walking
/// history compares each commit's tree with its parent's, so the same
/// `comments/` folder (50,000 files make a 3 MB tree) is needed twice in a
/// row, and libgit2 itself caches only small trees.
pub struct Trees<'r> {
    pub repo: &'r Repository,
    recent: RefCell<Vec<Tree<'r>>>,
    /// The differences of the commits being judged as git reported them
    /// (see [`super::gitdiff`]); `None`: libgit2 compares the trees.
    pub git: Option<super::gitdiff::GitDiffs>,
}

/// Trees with more entries than this are kept in [`Trees`].
const LARGE: usize = 256;
/// How many large trees are kept.
const KEEP: usize = 8;

impl<'r> Trees<'r> {
    pub fn new(repo: &'r Repository) -> Trees<'r> {
        Trees {
            repo,
            recent: RefCell::new(Vec::new()),
            git: None,
        }
    }

    /// The tree `id`.
    pub fn get(&self, id: Oid, context: &str) -> Result<Tree<'r>> {
        if let Some(t) = self.recent.borrow().iter().find(|t| t.id() == id) {
            return Ok(t.clone());
        }
        let tree = self
            .repo
            .find_tree(id)
            .map_err(Error::git(context.to_string()))?;
        if tree.len() > LARGE {
            let mut recent = self.recent.borrow_mut();
            if recent.len() >= KEEP {
                recent.remove(0);
            }
            recent.push(tree.clone());
        }
        Ok(tree)
    }

    /// The files `commit` changes against its parent number `parent`, when
    /// git reported them.
    fn git_changes(&self, commit: Oid, parent: usize) -> Option<Changes> {
        self.git.as_ref()?.against(commit, parent).cloned()
    }

    /// A commit's tree.
    pub fn of_commit(&self, commit: Oid) -> Result<Tree<'r>> {
        let c = self
            .repo
            .find_commit(commit)
            .map_err(Error::git(commit.to_string()))?;
        self.get(c.tree_id(), &commit.to_string())
    }
}

/// A file in a tree: its blob (or other object) and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: Oid,
    pub mode: i32,
}

/// Files that differ between two trees: path → (before, after).
pub type Changes = BTreeMap<String, (Option<Entry>, Option<Entry>)>;

fn is_tree(mode: i32) -> bool {
    mode == 0o040000
}

/// git's order of tree entries: names compared as if folders ended in '/'.
fn order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |s: &[u8], tree: bool| -> u8 {
        match s.get(n) {
            Some(&c) => c,
            None if tree => b'/',
            None => 0,
        }
    };
    next(a, a_tree).cmp(&next(b, b_tree))
}

/// Adds every file under `tree` (as added or removed) to `out`.
fn all_files(
    trees: &Trees<'_>,
    tree: &Tree<'_>,
    prefix: &str,
    added: bool,
    out: &mut Changes,
) -> Result<()> {
    for e in tree.iter() {
        let name = String::from_utf8_lossy(e.name_bytes());
        let path = format!("{prefix}{name}");
        let entry = Entry {
            id: e.id(),
            mode: e.filemode(),
        };
        if is_tree(entry.mode) {
            let sub = trees.get(entry.id, &path)?;
            all_files(trees, &sub, &format!("{path}/"), added, out)?;
        } else if added {
            out.insert(path, (None, Some(entry)));
        } else {
            out.insert(path, (Some(entry), None));
        }
    }
    Ok(())
}

/// The files that differ between trees `a` and `b` (either may be absent).
pub fn diff_trees(
    trees: &Trees<'_>,
    a: Option<&Tree<'_>>,
    b: Option<&Tree<'_>>,
) -> Result<Changes> {
    let mut out = Changes::new();
    match (a, b) {
        (Some(a), Some(b)) => diff_into(trees, a, b, "", &mut out)?,
        (None, Some(b)) => all_files(trees, b, "", true, &mut out)?,
        (Some(a), None) => all_files(trees, a, "", false, &mut out)?,
        (None, None) => {}
    }
    Ok(out)
}

fn diff_into(
    trees: &Trees<'_>,
    a: &Tree<'_>,
    b: &Tree<'_>,
    prefix: &str,
    out: &mut Changes,
) -> Result<()> {
    if a.id() == b.id() {
        return Ok(());
    }
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let step = match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => order(
                x.name_bytes(),
                is_tree(x.filemode()),
                y.name_bytes(),
                is_tree(y.filemode()),
            ),
        };
        let (ta, tb) = match step {
            Ordering::Less => (ia.next(), None),
            Ordering::Greater => (None, ib.next()),
            Ordering::Equal => (ia.next(), ib.next()),
        };
        let entry = |e: &git2::TreeEntry<'_>| Entry {
            id: e.id(),
            mode: e.filemode(),
        };
        let (ea, eb) = (ta.as_ref().map(entry), tb.as_ref().map(entry));
        // Most entries of a large folder are the same on both sides: compared
        // by id and mode only, nothing allocated.
        if ea == eb {
            continue;
        }
        let name = ta
            .as_ref()
            .or(tb.as_ref())
            .map(|e| e.name_bytes())
            .unwrap_or_default();
        let path = format!("{prefix}{}", String::from_utf8_lossy(name));
        let sub = |e: Option<Entry>| -> Result<Option<Tree<'_>>> {
            match e {
                Some(e) if is_tree(e.mode) => trees.get(e.id, &path).map(Some),
                _ => Ok(None),
            }
        };
        let (ta, tb) = (sub(ea)?, sub(eb)?);
        let folder = format!("{path}/");
        match (&ta, &tb) {
            (Some(x), Some(y)) => diff_into(trees, x, y, &folder, out)?,
            (Some(x), None) => {
                all_files(trees, x, &folder, false, out)?;
                if let Some(e) = eb {
                    out.insert(path, (None, Some(e)));
                }
            }
            (None, Some(y)) => {
                all_files(trees, y, &folder, true, out)?;
                if let Some(e) = ea {
                    out.insert(path, (Some(e), None));
                }
            }
            (None, None) => {
                out.insert(path, (ea, eb));
            }
        }
    }
    Ok(())
}

fn to_path_changes(changes: Changes) -> Vec<PathChange> {
    changes
        .into_iter()
        .map(|(path, (old, new))| PathChange {
            path,
            old: old.map(|e| e.id),
            new: new.map(|e| e.id),
            mode: new.map(|e| e.mode),
        })
        .collect()
}

/// The files an ordinary (or first) commit changes against its first parent.
pub fn commit_changes(trees: &Trees<'_>, id: Oid) -> Result<Vec<PathChange>> {
    if let Some(changes) = trees.git_changes(id, 0) {
        return Ok(to_path_changes(changes));
    }
    let c = trees
        .repo
        .find_commit(id)
        .map_err(Error::git(id.to_string()))?;
    let tree = trees.get(c.tree_id(), &id.to_string())?;
    let parent = match c.parent_id(0) {
        Ok(p) => Some(trees.of_commit(p)?),
        Err(_) => None,
    };
    Ok(to_path_changes(diff_trees(
        trees,
        parent.as_ref(),
        Some(&tree),
    )?))
}

/// What a two-parent merge changes beyond git's clean merge of its parents:
/// `old` is the clean merge's version (for a file git could not merge: the
/// first parent's), `new` the merge commit's.
pub fn own_changes(trees: &Trees<'_>, id: Oid) -> Result<Vec<PathChange>> {
    let repo = trees.repo;
    let c = repo.find_commit(id).map_err(Error::git(id.to_string()))?;
    let (p1, p2) = match (c.parent_id(0), c.parent_id(1)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return commit_changes(trees, id),
    };
    let merged = trees.of_commit(id)?;
    let (t1, t2) = (trees.of_commit(p1)?, trees.of_commit(p2)?);
    let bases = repo.merge_bases(p1, p2).ok();
    if let Some(bases) = bases.as_ref().filter(|b| b.len() == 1) {
        let base = trees.of_commit(bases[0])?;
        let ours = diff_trees(trees, Some(&base), Some(&t1))?;
        let theirs = diff_trees(trees, Some(&base), Some(&t2))?;
        let disjoint = !theirs.keys().any(|p| ours.contains_key(p));
        if disjoint {
            // git's merge takes each side's files as they are; the merge
            // commit should differ from the first parent exactly there.
            let against_first = match trees.git_changes(id, 0) {
                Some(changes) => changes,
                None => diff_trees(trees, Some(&t1), Some(&merged))?,
            };
            let same = against_first.len() == theirs.len()
                && against_first
                    .iter()
                    .all(|(p, (_, now))| theirs.get(p).is_some_and(|(_, t)| t == now));
            if same {
                return Ok(Vec::new());
            }
        }
    }
    full_merge(trees, p1, p2, &merged, &t1)
}

/// Compares the merge commit with libgit2's merge of its parents, file by file.
fn full_merge(
    trees: &Trees<'_>,
    p1: Oid,
    p2: Oid,
    merged: &Tree<'_>,
    first: &Tree<'_>,
) -> Result<Vec<PathChange>> {
    let repo = trees.repo;
    let (c1, c2) = (
        repo.find_commit(p1).map_err(Error::git(p1.to_string()))?,
        repo.find_commit(p2).map_err(Error::git(p2.to_string()))?,
    );
    let index = repo
        .merge_commits(&c1, &c2, None)
        .map_err(Error::git(format!("git merge {p1} {p2}")))?;
    let path_of = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut conflicted: HashSet<String> = HashSet::new();
    if index.has_conflicts() {
        for conflict in index.conflicts().map_err(Error::git("merge"))? {
            let conflict = conflict.map_err(Error::git("merge"))?;
            for e in [&conflict.ancestor, &conflict.our, &conflict.their]
                .into_iter()
                .flatten()
            {
                conflicted.insert(path_of(&e.path));
            }
        }
    }
    let mut clean: BTreeMap<String, Entry> = BTreeMap::new();
    for e in index.iter() {
        let stage = (e.flags >> 12) & 0x3;
        if stage == 0 {
            clean.insert(
                path_of(&e.path),
                Entry {
                    id: e.id,
                    mode: e.mode as i32,
                },
            );
        }
    }
    let mut result = Changes::new();
    all_files(trees, merged, "", true, &mut result)?;
    let mut first_files = Changes::new();
    all_files(trees, first, "", true, &mut first_files)?;
    let mut out = Vec::new();
    let paths: std::collections::BTreeSet<&String> = result.keys().chain(clean.keys()).collect();
    for path in paths {
        let now = result.get(path).and_then(|(_, e)| *e);
        let old = if conflicted.contains(path) {
            first_files.get(path).and_then(|(_, e)| e.map(|e| e.id))
        } else {
            let expected = clean.get(path).copied();
            if expected == now {
                continue;
            }
            expected.map(|e| e.id)
        };
        out.push(PathChange {
            path: path.clone(),
            old,
            new: now.map(|e| e.id),
            mode: now.map(|e| e.mode),
        });
    }
    for path in &conflicted {
        if !result.contains_key(path) && !clean.contains_key(path) {
            out.push(PathChange {
                path: path.clone(),
                old: first_files.get(path).and_then(|(_, e)| e.map(|e| e.id)),
                new: None,
                mode: None,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_orders_folders_as_if_they_ended_in_a_slash() {
        assert_eq!(order(b"a", false, b"a.b", false), Ordering::Less);
        assert_eq!(order(b"a", true, b"a.b", false), Ordering::Greater);
        assert_eq!(order(b"a", true, b"a", true), Ordering::Equal);
        assert_eq!(order(b"a-b", false, b"a", true), Ordering::Less);
    }
}
