//! The list of unsaved files (`oplaeg status`, the terminal UI) is the same
//! whether it comes from `git status` or from libgit2, for every kind of
//! change plain git can make: edits, staged edits undone on disk, deletions,
//! files removed from the index and made again, untracked files in new
//! folders, ignored files, names with spaces and Danish letters, and files
//! outside the workspace's folders.

mod common;

use common::Ws;
use oplaeg::store::status::{self, Source};

const CHAPTER: &str = "drafts/02-rehabilitering.md";

fn both(ws: &Ws) -> Vec<String> {
    let store = ws.store();
    let git = store.uncommitted_from(Source::Git).expect("git's list");
    let lib = store
        .uncommitted_from(Source::Libgit2)
        .expect("libgit2's list");
    assert_eq!(git, lib, "git status and libgit2 disagree");
    // The git list came from git itself, not from the fallback.
    let repo = store.repo();
    let workdir = repo.workdir().expect("a working tree");
    assert!(
        status::from_git(repo.path(), workdir).is_some(),
        "git status answered"
    );
    git
}

#[test]
fn git_status_and_libgit2_give_the_same_unsaved_files() {
    if !common::tools::available(
        "git_status_and_libgit2_give_the_same_unsaved_files",
        &["git"],
        "git",
    ) {
        return;
    }
    let ws = Ws::sample();
    assert!(
        both(&ws).is_empty(),
        "a fresh workspace has nothing unsaved"
    );

    // An edit on disk.
    let text = std::fs::read_to_string(ws.root.join(CHAPTER)).expect("the chapter");
    ws.write(CHAPTER, &format!("{text}\nEt nyt afsnit.\n"));
    assert_eq!(both(&ws), [CHAPTER]);

    // Staged, then undone on disk: the index still differs from HEAD.
    ws.git(&["add", CHAPTER]);
    ws.write(CHAPTER, &text);
    assert_eq!(both(&ws), [CHAPTER]);
    ws.git(&["reset", "-q", "--", CHAPTER]);
    assert!(both(&ws).is_empty(), "undone in the index too");

    // Deleted; removed from the index and made again as an untracked file.
    let rec = "recommendations/tidlig-diagnostik.toml";
    std::fs::remove_file(ws.root.join(rec)).expect("delete");
    let intro = "drafts/01-indledning.md";
    ws.git(&["rm", "-q", "--cached", intro]);
    // Untracked files in a new folder, names with a space and Danish
    // letters, an ignored file and files outside the workspace.
    ws.write("comments/ny-mappe/dyb/kommentar.toml", "id = \"x\"\n");
    ws.write("drafts/03 ændringer i æøå.md", "# Ændringer\n");
    ws.write(".gitignore", "*.bak\n");
    ws.write("drafts/kladde.bak", "ignoreret\n");
    ws.write("noter.txt", "uden for arbejdsmappen\n");

    let listed = both(&ws);
    assert_eq!(
        listed,
        [
            "comments/ny-mappe/dyb/kommentar.toml",
            "drafts/01-indledning.md",
            "drafts/03 ændringer i æøå.md",
            "recommendations/tidlig-diagnostik.toml",
        ]
    );
    // Plain git sees the same workspace files changed.
    let porcelain = ws.git(&["status", "--porcelain", "-z", "--untracked-files=all"]);
    for path in &listed {
        assert!(porcelain.contains(path.as_str()), "{path} in\n{porcelain}");
    }
    assert!(porcelain.contains("noter.txt") && !porcelain.contains("kladde.bak"));

    // Reading the list changed nothing in the index (git ran read-only).
    let index = std::fs::read(ws.root.join(".git/index")).expect("the index");
    both(&ws);
    assert_eq!(
        std::fs::read(ws.root.join(".git/index")).expect("the index"),
        index
    );
}
