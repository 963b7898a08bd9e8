//! The load cache under `.git/oplaeg/cache/` never changes what is shown:
//! loading a commit through it equals loading the same commit straight from
//! git, over random histories (comments and chapters added, edited, removed,
//! broken; revisions checked out with plain git behind oplaeg's back; the
//! cache deleted, truncated, filled with garbage or swapped between
//! commits; the language switched), and a dirty working tree is still read
//! from disk.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::Ws;
use oplaeg::i18n::{Lang, set_lang};
use oplaeg::model::{Comment, Workspace};
use oplaeg::ops::NewTarget;
use oplaeg::store::{Cache, Rev, Store};
use proptest::prelude::*;

/// The language is process-wide: the tests here take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Everything a load gives, in a comparable form.
fn fingerprint(ws: &Workspace) -> String {
    let mut broken: Vec<_> = ws.broken_chapters.iter().collect();
    broken.sort();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        ws.config, ws.chapters, ws.recommendations, ws.comments, ws.problems, broken
    )
}

/// The commit at HEAD loaded through the cache, and straight from git;
/// asserts they are equal and returns the cached one.
fn check_commit(store: &Store, commit: git2::Oid) -> Workspace {
    let cached = store
        .load_commit(Some(commit))
        .expect("load through the cache");
    let plain = Workspace::load(&store.source_at(commit).expect("the commit's files"))
        .expect("load from git");
    assert_eq!(fingerprint(&cached), fingerprint(&plain), "commit {commit}");
    cached
}

fn cache_dir(ws: &Ws) -> PathBuf {
    Cache::dir_of(&ws.root.join(".git"))
}

fn cache_files(ws: &Ws) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache_dir(ws))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn comment_text(body: &str, chapter: &str, reply_to: Option<&str>) -> String {
    let c = Comment {
        id: String::new(),
        created: common::at("2024-06-12T10:15:00+02:00"),
        body: body.to_string(),
        status: oplaeg::model::CommentStatus::Open,
        reply_to: reply_to.map(str::to_string),
        author: oplaeg::model::Author {
            name: common::MEMBER_NAME.into(),
            email: common::MEMBER.into(),
            organisation: common::MEMBER_ORG.into(),
        },
        target: oplaeg::model::Target {
            chapter: Some(chapter.to_string()),
            ..Default::default()
        },
        resolution: None,
        suggestion: None,
    };
    c.to_file()
}

/// What a step writes into a comment file.
#[derive(Clone, Debug)]
enum Body {
    /// A valid comment with this body.
    Valid(String),
    /// A reply to another comment (maybe one that does not exist).
    Reply(usize),
    /// Not TOML at all.
    Broken,
    /// TOML the plain reader does not take (an inline table).
    Unusual,
    /// Not UTF-8.
    Latin1,
}

#[derive(Clone, Debug)]
enum Step {
    WriteComment(usize, Body),
    RemoveComment(usize),
    /// A file with an invalid name, or one that is not a comment.
    OddFile(bool),
    /// Marks a comment file executable (git records the mode).
    Executable(usize),
    WriteChapter(usize, String),
    RemoveChapter(usize),
    /// Back to an earlier commit on a new branch, with plain git.
    Checkout(usize),
    /// Damage to the cache folder, between loads.
    Damage(Damage),
    Lang(bool),
}

#[derive(Clone, Debug)]
enum Damage {
    Delete,
    Truncate(usize),
    Garbage(Vec<u8>),
    /// One cached folder's contents under another's name.
    Swap,
    /// One byte changed in the body.
    Flip(usize),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        4 => "[a-zæøå \"'\\\\\n#=\\[\\]{}]{0,40}".prop_map(Body::Valid),
        1 => (0usize..6).prop_map(Body::Reply),
        1 => Just(Body::Broken),
        1 => Just(Body::Unusual),
        1 => Just(Body::Latin1),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        Just(Damage::Delete),
        (0usize..4000).prop_map(Damage::Truncate),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(Damage::Garbage),
        Just(Damage::Swap),
        (0usize..4000).prop_map(Damage::Flip),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0usize..6, body()).prop_map(|(i, b)| Step::WriteComment(i, b)),
        2 => (0usize..6).prop_map(Step::RemoveComment),
        1 => any::<bool>().prop_map(Step::OddFile),
        1 => (0usize..6).prop_map(Step::Executable),
        2 => (0usize..3, "[a-z ]{0,20}").prop_map(|(i, t)| Step::WriteChapter(i, t)),
        1 => (0usize..3).prop_map(Step::RemoveChapter),
        2 => (0usize..20).prop_map(Step::Checkout),
        3 => damage().prop_map(Step::Damage),
        1 => any::<bool>().prop_map(Step::Lang),
    ]
}

const CHAPTERS: [&str; 3] = ["indledning", "rehabilitering", "screening"];

/// A comment id for slot `i` (valid, time-sortable names).
fn comment_id(i: usize) -> String {
    format!("01j0000000000000000000000{i}")
}

fn comment_path(ws: &Ws, i: usize) -> PathBuf {
    ws.root.join(format!("comments/{}.toml", comment_id(i)))
}

fn chapter_path(ws: &Ws, i: usize) -> PathBuf {
    ws.root
        .join(format!("drafts/{:02}-{}.md", i + 1, CHAPTERS[i]))
}

/// `git add -A` and `git commit` as the writer.
fn commit(ws: &Ws, message: &str) {
    ws.git(&["add", "-A"]);
    ws.git_env(
        &["commit", "-q", "-m", message],
        &common::author_env(
            common::WRITER_NAME,
            common::WRITER,
            "2024-06-01T10:00:00+02:00",
        ),
    );
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(path, bytes).expect("write");
}

#[cfg(unix)]
fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if path.exists() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[cfg(not(unix))]
fn set_executable(_: &Path) {}

/// Applies a step; returns whether files changed (and need a commit).
fn apply(ws: &Ws, step: &Step, commits: &[String]) -> bool {
    match step {
        Step::WriteComment(i, b) => {
            let chapter = CHAPTERS[i % CHAPTERS.len()];
            let bytes = match b {
                Body::Valid(text) => comment_text(text, chapter, None).into_bytes(),
                Body::Reply(to) => comment_text("svar", chapter, Some(&comment_id(*to))).into_bytes(),
                Body::Broken => b"body = \n[target\n".to_vec(),
                Body::Unusual => comment_text("x", chapter, None)
                    .replace(
                        "[author]\nname = \"Jens Nørgaard\"\nemail = \"jens.noergaard@rm.example\"\norganisation = \"Region Midtjylland\"",
                        "author = { name = \"Jens\", email = \"j@x.example\", organisation = \"RM\" }",
                    )
                    .into_bytes(),
                Body::Latin1 => b"body = \"\xe6\"\n".to_vec(),
            };
            write(&comment_path(ws, *i), &bytes);
            true
        }
        Step::RemoveComment(i) => std::fs::remove_file(comment_path(ws, *i)).is_ok(),
        Step::OddFile(bad_name) => {
            let name = if *bad_name {
                "Bad Name.toml"
            } else {
                "notes.txt"
            };
            write(&ws.root.join("comments").join(name), b"body = \"x\"\n");
            true
        }
        Step::Executable(i) => {
            set_executable(&comment_path(ws, *i));
            true
        }
        Step::WriteChapter(i, text) => {
            write(
                &chapter_path(ws, *i),
                format!("# Kapitel {i}\n\n{text}\n").as_bytes(),
            );
            true
        }
        Step::RemoveChapter(i) => std::fs::remove_file(chapter_path(ws, *i)).is_ok(),
        Step::Checkout(back) => {
            let target = &commits[commits.len() - 1 - back % commits.len()];
            let branch = format!("b{}", commits.len() * 100 + back);
            ws.git(&["checkout", "-q", "-B", &branch, target]);
            false
        }
        Step::Damage(d) => {
            damage_cache(ws, d);
            false
        }
        Step::Lang(en) => {
            set_lang(if *en { Lang::En } else { Lang::Da });
            false
        }
    }
}

fn damage_cache(ws: &Ws, d: &Damage) {
    let files = cache_files(ws);
    match d {
        Damage::Delete => {
            let _ = std::fs::remove_dir_all(cache_dir(ws));
        }
        Damage::Truncate(n) => {
            for f in &files {
                let bytes = std::fs::read(f).expect("read the cache");
                std::fs::write(f, &bytes[..(*n).min(bytes.len())]).expect("truncate");
            }
        }
        Damage::Garbage(g) => {
            for f in &files {
                std::fs::write(f, g).expect("garbage");
            }
        }
        Damage::Swap => {
            if let [a, b, ..] = files.as_slice() {
                let (x, y) = (std::fs::read(a).expect("a"), std::fs::read(b).expect("b"));
                std::fs::write(a, y).expect("swap a");
                std::fs::write(b, x).expect("swap b");
            }
        }
        Damage::Flip(at) => {
            for f in &files {
                let mut bytes = std::fs::read(f).expect("read the cache");
                if !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] ^= 0x20;
                    std::fs::write(f, bytes).expect("flip");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn loading_through_the_cache_equals_loading_from_git(
        steps in proptest::collection::vec(step(), 1..10)
    ) {
        let _serial = serial();
        let ws = Ws::sample();
        let mut commits = vec![ws.head()];
        let store = ws.store();
        for (n, step) in steps.iter().enumerate() {
            if apply(&ws, step, &commits) {
                ws.git(&["add", "-A"]);
                if !ws.git(&["status", "--porcelain"]).trim().is_empty() {
                    commit(&ws, &format!("trin {n}"));
                    commits.push(ws.head());
                }
            }
            // HEAD as plain git sees it, through a fresh store (a new
            // process would), and an older commit through the same store.
            let head = git2::Oid::from_str(&ws.head()).expect("an id");
            check_commit(&Store::open(&ws.root).expect("open"), head);
            let old = git2::Oid::from_str(&commits[n % commits.len()]).expect("an id");
            check_commit(&store, old);
            check_commit(&store, head);
            // Loaded twice: the second reads no comment file from git.
            prop_assert_eq!(store.cache_use().parsed, 0, "{:?}", store.cache_use());
        }
        set_lang(Lang::Da);
    }
}

#[test]
fn a_second_load_reads_no_file_and_a_new_commit_reads_only_what_changed() {
    let _serial = serial();
    let ws = Ws::sample();
    for i in 0..5 {
        write(
            &comment_path(&ws, i),
            comment_text(&format!("kommentar {i}"), "indledning", None).as_bytes(),
        );
    }
    ws.git(&["add", "-A"]);
    commit(&ws, "fem kommentarer");
    let store = ws.store();
    let head = git2::Oid::from_str(&ws.head()).expect("an id");
    check_commit(&store, head);
    let first = store.cache_use();
    assert_eq!((first.parsed, first.written), (5, true), "{first:?}");
    check_commit(&store, head);
    let second = store.cache_use();
    assert!(second.folder_hit && second.parsed == 0, "{second:?}");

    // One edited, one added: two files read, four answered by the cache.
    write(
        &comment_path(&ws, 1),
        comment_text("ændret", "indledning", None).as_bytes(),
    );
    write(
        &comment_path(&ws, 5),
        comment_text("ny", "indledning", None).as_bytes(),
    );
    ws.git(&["add", "-A"]);
    commit(&ws, "en ændret, en ny");
    let head = git2::Oid::from_str(&ws.head()).expect("an id");
    let loaded = check_commit(&store, head);
    let third = store.cache_use();
    assert_eq!((third.parsed, third.reused), (2, 4), "{third:?}");
    assert_eq!(loaded.comments.len(), 6);

    // The cache is not part of the repository: git sees nothing new.
    assert!(cache_files(&ws).len() >= 2, "{:?}", cache_files(&ws));
    assert_eq!(ws.git(&["status", "--porcelain", "--ignored"]).trim(), "");
    // At most KEEP folders are kept.
    for i in 6..(6 + oplaeg::store::CACHE_KEEP + 2) {
        write(
            &comment_path(&ws, i),
            comment_text("mere", "indledning", None).as_bytes(),
        );
        ws.git(&["add", "-A"]);
        commit(&ws, "mere");
        check_commit(&store, git2::Oid::from_str(&ws.head()).expect("an id"));
    }
    let folders = cache_files(&ws)
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("comments-"))
        })
        .count();
    assert_eq!(folders, oplaeg::store::CACHE_KEEP);
}

#[test]
fn a_dirty_working_tree_is_read_from_disk_and_writes_stay_correct() {
    let _serial = serial();
    let ws = Ws::sample();
    let s = ws.session(common::MEMBER);
    let on = || NewTarget::Chapter {
        chapter: "indledning".into(),
        quote: None,
    };
    s.add_comment(on(), "Første").expect("add a comment");
    let head = ws.load_head();
    let id = head.comments[0].id.clone();
    // Edited on disk, not committed: the working tree shows the edit, HEAD
    // (through the cache) does not.
    let path = ws.root.join(format!("comments/{id}.toml"));
    let text = std::fs::read_to_string(&path).expect("the comment file");
    std::fs::write(
        &path,
        text.replace("body = ", "body = \"på disken\"\nxbody = "),
    )
    .expect("edit");
    let disk = ws.store().load(&Rev::Worktree).expect("the working tree");
    assert!(
        disk.problems
            .iter()
            .any(|p| p.file.ends_with(&format!("{id}.toml"))),
        "{:?}",
        disk.problems
    );
    let again = ws.load_head();
    assert_eq!(fingerprint(&again), fingerprint(&head));
    std::fs::write(&path, text).expect("restore");
    // A write through oplaeg is seen at once through the cache.
    s.add_comment(on(), "Anden").expect("add a comment");
    let after = ws.load_head();
    assert_eq!(after.comments.len(), 2);
    let plain = Workspace::load(
        &ws.store()
            .source_at(git2::Oid::from_str(&ws.head()).expect("an id"))
            .expect("files"),
    )
    .expect("load");
    assert_eq!(fingerprint(&after), fingerprint(&plain));
}
