//! `oplaeg verify` reads the tree differences of a range from one `git
//! diff-tree --stdin` process when git is there. Those differences must be
//! exactly the ones libgit2's tree comparison finds, for every commit and
//! every parent, on real repositories with varied histories: adds, edits,
//! deletes, mode changes, symlinks, a file becoming a folder, submodule
//! entries, merges (one side only, both sides), an octopus, a second root.

mod common;

use std::path::Path;

use common::git_env;
use git2::{Oid, Repository};
use oplaeg::ops::verify::{gitdiff, merge, shape};

const WHO: [(&str, &str); 6] = [
    ("GIT_AUTHOR_NAME", "Test"),
    ("GIT_AUTHOR_EMAIL", "test@example.org"),
    ("GIT_AUTHOR_DATE", "2024-05-27T10:00:00+02:00"),
    ("GIT_COMMITTER_NAME", "Test"),
    ("GIT_COMMITTER_EMAIL", "test@example.org"),
    ("GIT_COMMITTER_DATE", "2024-05-27T10:00:00+02:00"),
];

fn git(dir: &Path, args: &[&str]) -> String {
    git_env(dir, args, &WHO)
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

fn remove(dir: &Path, path: &str) {
    let p = dir.join(path);
    if p.is_dir() && !p.is_symlink() {
        std::fs::remove_dir_all(p).expect("rm -r");
    } else {
        std::fs::remove_file(p).expect("rm");
    }
}

fn chmod(dir: &Path, path: &str, executable: bool) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}

fn new_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temporary folder");
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["config", "core.symlinks", "true"]);
    tmp
}

/// Entries directly in each limited folder of `commit`'s tree.
fn counts(repo: &Repository, commit: Oid) -> [i64; 3] {
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .expect("tree");
    shape::folder_limits().map(|(folder, _)| match tree.get_name(folder) {
        Some(e) if e.kind() == Some(git2::ObjectType::Tree) => {
            repo.find_tree(e.id()).expect("folder").len() as i64
        }
        _ => 0,
    })
}

/// Every commit of every branch: git's differences equal libgit2's, for
/// each parent, and the entry counts follow from the first parent's.
/// Returns how many (commit, parent) differences were compared.
fn assert_same(dir: &Path) -> usize {
    let repo = Repository::open(dir).expect("open");
    let list = git(dir, &["rev-list", "--all", "--topo-order", "--reverse"]);
    let mut commits = Vec::new();
    for line in list.lines() {
        let id = Oid::from_str(line).expect("id");
        let c = repo.find_commit(id).expect("commit");
        commits.push((id, c.parent_ids().collect::<Vec<_>>()));
    }
    let diffs = gitdiff::load(repo.path(), &commits).expect("git's differences parse");
    let trees = merge::Trees::new(&repo);
    let mut compared = 0;
    for (id, parents) in &commits {
        let tree = trees.of_commit(*id).expect("tree");
        let mut want = Vec::new();
        if parents.is_empty() {
            want.push(merge::diff_trees(&trees, None, Some(&tree)).expect("diff"));
        }
        for p in parents {
            let pt = trees.of_commit(*p).expect("parent tree");
            want.push(merge::diff_trees(&trees, Some(&pt), Some(&tree)).expect("diff"));
        }
        for (i, w) in want.iter().enumerate() {
            let got = diffs.against(*id, i).expect("git answered every parent");
            assert_eq!(got, w, "commit {id}, parent number {i}");
            compared += 1;
        }
        assert!(diffs.against(*id, want.len()).is_none());
        let (first, delta) = diffs.entry_delta(*id).expect("entry counts");
        assert_eq!(first, parents.first().copied());
        let before = first.map_or([0; 3], |p| counts(&repo, p));
        let after = counts(&repo, *id);
        for k in 0..3 {
            assert_eq!(before[k] + delta[k], after[k], "commit {id}, folder {k}");
        }
    }
    compared
}

#[test]
fn a_varied_history_is_described_alike_by_git_and_libgit2() {
    let tmp = new_repo();
    let d = tmp.path();
    write(d, "oplaeg.toml", "x = 1\n");
    write(d, "comments/c1.toml", "a\n");
    write(d, "drafts/01/kapitel.md", "# Et\n");
    write(d, "f", "file\n");
    write(d, "run.sh", "#!/bin/sh\n");
    write(d, "æøå dir/navn med mellemrum.md", "ø\n");
    commit(d, "root");
    chmod(d, "run.sh", true);
    commit(d, "executable");
    // Edit, delete, symlink, a second comment, a file made a folder.
    write(d, "oplaeg.toml", "x = 2\n");
    remove(d, "drafts/01/kapitel.md");
    std::os::unix::fs::symlink("oplaeg.toml", d.join("link")).expect("symlink");
    write(d, "comments/c2.toml", "b\n");
    remove(d, "f");
    write(d, "f/g", "now a folder\n");
    commit(d, "edits");
    // The symlink becomes a file, the folder a file again, same content
    // under a new mode.
    remove(d, "link");
    write(d, "link", "oplaeg.toml");
    remove(d, "f");
    write(d, "f", "file\n");
    commit(d, "types");
    chmod(d, "run.sh", false);
    commit(d, "not executable");
    // A submodule entry.
    let head = git(d, &["rev-parse", "HEAD"]);
    git(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},sub"),
        ],
    );
    git(d, &["commit", "-q", "-m", "gitlink"]);
    // (`git add -A` leaves the submodule entry alone: there is no folder.)
    // A merge with changes on both sides.
    git(d, &["checkout", "-q", "-b", "side"]);
    write(d, "comments/c1.toml", "a, answered\n");
    write(d, "recommendations/r1.toml", "r\n");
    commit(d, "side");
    git(d, &["checkout", "-q", "main"]);
    write(d, "comments/c3.toml", "c\n");
    commit(d, "main");
    git(d, &["merge", "-q", "--no-ff", "--no-edit", "side"]);
    // A merge that takes one side only.
    git(d, &["checkout", "-q", "-b", "ignored", "HEAD~1"]);
    write(d, "comments/c4.toml", "d\n");
    commit(d, "ignored");
    git(d, &["checkout", "-q", "main"]);
    git(d, &["merge", "-q", "-s", "ours", "--no-edit", "ignored"]);
    // An octopus.
    for b in ["o1", "o2", "o3"] {
        git(d, &["checkout", "-q", "-b", b, "main"]);
        write(d, &format!("comments/{b}.toml"), b);
        commit(d, b);
    }
    git(d, &["checkout", "-q", "main"]);
    write(d, "comments/c5.toml", "e\n");
    commit(d, "before the octopus");
    git(d, &["merge", "-q", "--no-edit", "o1", "o2", "o3"]);
    let parents = git(d, &["log", "--format=%P", "-n1", "HEAD"]);
    assert_eq!(parents.split(' ').count(), 4, "an octopus of four");
    // A second root, merged in.
    git(d, &["checkout", "-q", "--orphan", "other"]);
    git(d, &["rm", "-rq", "--cached", "."]);
    for entry in std::fs::read_dir(d).expect("list") {
        let entry = entry.expect("entry");
        if entry.file_name() != ".git" {
            remove(d, &entry.file_name().to_string_lossy());
        }
    }
    write(d, "comments/other.toml", "o\n");
    commit(d, "second root");
    git(d, &["checkout", "-q", "main"]);
    git(
        d,
        &[
            "merge",
            "-q",
            "--no-edit",
            "--allow-unrelated-histories",
            "other",
        ],
    );
    let parents = git(d, &["log", "--format=%P", "-n1", "HEAD"]);
    assert_eq!(parents.split(' ').count(), 2, "a merge at the end");
    let compared = assert_same(d);
    // 14 ordinary commits and roots, 3 two-parent merges, 1 octopus of 4.
    assert_eq!(compared, 14 + 3 * 2 + 4);
}

/// A small pseudo-random generator, so each case is reproducible by seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn random_histories_are_described_alike_by_git_and_libgit2() {
    const PATHS: [&str; 7] = [
        "comments/a.toml",
        "comments/b.toml",
        "comments/sub/c.toml",
        "drafts/01/x.md",
        "recommendations/r.toml",
        "top",
        "comments",
    ];
    for seed in 1..=6u64 {
        let tmp = new_repo();
        let d = tmp.path();
        let mut rng = Rng(seed);
        write(d, "oplaeg.toml", "start\n");
        commit(d, "root");
        let mut branches = vec!["main".to_string()];
        for step in 0..14 {
            match rng.next(8) {
                // Branch off, or merge a branch into the current one.
                0 => {
                    let name = format!("b{step}");
                    git(d, &["checkout", "-q", "-b", &name]);
                    branches.push(name);
                }
                1 if branches.len() > 1 => {
                    let other = branches[rng.next(branches.len())].clone();
                    let args = ["merge", "-q", "--no-ff", "--no-edit", &other];
                    let out = common::git_output_in(d, &common::shared_home(), &args, &WHO);
                    if !out.status.success() {
                        // A conflict: settle it by taking everything as it is.
                        commit(d, "settled");
                    }
                }
                _ => {
                    let path = PATHS[rng.next(PATHS.len())];
                    let p = d.join(path);
                    let exists = p.exists() || p.is_symlink();
                    match rng.next(4) {
                        0 if exists => remove(d, path),
                        1 if exists && p.is_file() && !p.is_symlink() => {
                            chmod(d, path, rng.next(2) == 0);
                        }
                        2 if !exists && !path.contains('/') => {
                            std::os::unix::fs::symlink("oplaeg.toml", &p).expect("symlink");
                        }
                        _ => {
                            if exists && (p.is_dir() || p.is_symlink()) {
                                remove(d, path);
                            }
                            let blocked = Path::new(path)
                                .ancestors()
                                .skip(1)
                                .any(|a| d.join(a).is_file() && a != Path::new(""));
                            if !blocked {
                                write(d, path, &format!("{seed} {step}\n"));
                            }
                        }
                    }
                    commit(d, &format!("step {step}"));
                }
            }
            let current = branches[rng.next(branches.len())].clone();
            git(d, &["checkout", "-q", "-f", &current]);
            git(d, &["clean", "-qfdx"]);
        }
        assert!(assert_same(d) >= 2, "seed {seed}");
    }
}

#[test]
fn without_a_readable_repository_git_gives_nothing_and_libgit2_is_used() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let id = Oid::from_str("0123456789012345678901234567890123456789").expect("id");
    assert!(gitdiff::load(tmp.path(), &[(id, vec![])]).is_none());
    let repo = new_repo();
    // A commit the repository does not hold.
    let git_dir = repo.path().join(".git");
    assert!(gitdiff::load(&git_dir, &[(id, vec![])]).is_none());
}
