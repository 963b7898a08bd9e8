//! The load cache under `.git/oplaeg/cache/` never changes what is shown:
//! loading a commit through it equals loading the same commit straight from
//! git, over random histories (comments and chapters added, edited, removed,
//! broken; revisions checked out with plain git behind oplaeg's back; the
//! cache deleted, truncated, filled with garbage or swapped between
//! commits; the language switched), and a dirty working tree is still read
//! from disk. Likewise anchor placements through the cache equal those
//! made without it, and an unchanged version places no anchor again;
//! `oplaeg chapters`' numbers kept as tallies equal those counted anew; and
//! `oplaeg diff`'s own cache (`.git/oplaeg/cache/diff/`), damaged or not,
//! never changes the diff's output.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::Ws;
use oplaeg::anchor::{AnchorUse, Anchorer, Placement};
use oplaeg::i18n::{Lang, set_lang};
use oplaeg::model::{Anchor, Comment, Workspace};
use oplaeg::ops::NewTarget;
use oplaeg::store::{Cache, ChangesCache, Rev, Store, reseal_cache_file, reseal_changes_file};
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
    files_in(&cache_dir(ws))
}

/// The files (not folders) in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn comment_text(body: &str, chapter: &str, reply_to: Option<&str>) -> String {
    anchored_comment_text(body, chapter, reply_to, None)
}

fn anchored_comment_text(
    body: &str,
    chapter: &str,
    reply_to: Option<&str>,
    anchor: Option<Anchor>,
) -> String {
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
            anchor,
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
    /// A comment on words of [`WORDS`] (the quote's, the context's before
    /// and after), written on the commit this many back (the last: one the
    /// repository does not have).
    Quoted(Vec<usize>, Vec<usize>, Vec<usize>, usize),
}

/// The words quotes and chapters are made of, so quotes are found, edited,
/// moved and lost.
const WORDS: [&str; 8] = [
    "borger", "sygehus", "kommune", "plan", "tid", "ret", "pleje", "samme",
];

fn words(ix: &[usize]) -> String {
    ix.iter()
        .map(|i| WORDS[i % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
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
    /// A chapter of [`WORDS`]: paragraphs, maybe under a `##` heading.
    WriteChapterWords(usize, Vec<Vec<usize>>, bool),
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
    /// Cut, and given a header that fits what is left (so the checksum
    /// cannot tell): the body itself must read as nothing.
    ResealedCut(usize),
    /// The body replaced by bytes in the binary format's shape (a count,
    /// then anything), under a header that fits them.
    ResealedGarbage(u32, Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        4 => "[a-zæøå \"'\\\\\n#=\\[\\]{}]{0,40}".prop_map(Body::Valid),
        1 => (0usize..6).prop_map(Body::Reply),
        1 => Just(Body::Broken),
        1 => Just(Body::Unusual),
        1 => Just(Body::Latin1),
        4 => (
            proptest::collection::vec(0usize..8, 1..4),
            proptest::collection::vec(0usize..8, 0..3),
            proptest::collection::vec(0usize..8, 0..3),
            0usize..6,
        )
            .prop_map(|(q, b, a, back)| Body::Quoted(q, b, a, back)),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        Just(Damage::Delete),
        (0usize..4000).prop_map(Damage::Truncate),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(Damage::Garbage),
        Just(Damage::Swap),
        (0usize..4000).prop_map(Damage::Flip),
        (0usize..4000).prop_map(Damage::ResealedCut),
        (0u32..4, proptest::collection::vec(any::<u8>(), 0..200))
            .prop_map(|(n, g)| Damage::ResealedGarbage(n, g)),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0usize..6, body()).prop_map(|(i, b)| Step::WriteComment(i, b)),
        2 => (0usize..6).prop_map(Step::RemoveComment),
        1 => any::<bool>().prop_map(Step::OddFile),
        1 => (0usize..6).prop_map(Step::Executable),
        2 => (0usize..3, "[a-z ]{0,20}").prop_map(|(i, t)| Step::WriteChapter(i, t)),
        3 => (
            0usize..3,
            proptest::collection::vec(proptest::collection::vec(0usize..8, 1..12), 1..4),
            any::<bool>()
        )
            .prop_map(|(i, p, h)| Step::WriteChapterWords(i, p, h)),
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

/// Commits `n` comments on the chapter «indledning».
fn commit_comments(ws: &Ws, n: usize, message: &str) {
    for i in 0..n {
        write(
            &comment_path(ws, i),
            comment_text(&format!("kommentar {i}"), "indledning", None).as_bytes(),
        );
    }
    ws.git(&["add", "-A"]);
    commit(ws, message);
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
                Body::Quoted(q, b, a, back) => {
                    let commit = if *back == 5 {
                        "1234567890abcdef1234567890abcdef12345678".to_string()
                    } else {
                        commits[commits.len() - 1 - back % commits.len()].clone()
                    };
                    let anchor = Anchor {
                        quote: words(q),
                        before: words(b),
                        after: words(a),
                        commit,
                        // Both ways of writing an anchor, through the cache.
                        unique: back % 2 == 0,
                        history: Vec::new(),
                    };
                    anchored_comment_text("citat", chapter, None, Some(anchor)).into_bytes()
                }
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
        Step::WriteChapterWords(i, paragraphs, heading) => {
            let mut text = format!("# Kapitel {i}\n\n");
            for (n, p) in paragraphs.iter().enumerate() {
                if *heading && n == paragraphs.len() / 2 {
                    text.push_str("## Afsnit\n\n");
                }
                text.push_str(&words(p));
                text.push_str("\n\n");
            }
            write(&chapter_path(ws, *i), text.as_bytes());
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
    damage_files(&cache_dir(ws), d, reseal_cache_file);
}

/// Replaces `word` in the cache file at `path` by `with` (of the same
/// length) and gives it a header that fits again (`reseal`); the bytes it
/// had before.
fn forge(
    path: &Path,
    word: &[u8],
    with: &[u8],
    reseal: fn(&Path) -> std::io::Result<()>,
) -> Vec<u8> {
    let held = std::fs::read(path).expect("the cache file");
    let at = held
        .windows(word.len())
        .position(|w| w == word)
        .expect("the word in the cache file");
    let mut forged = held.clone();
    forged[at..at + word.len()].copy_from_slice(with);
    std::fs::write(path, forged).expect("forge");
    reseal(path).expect("reseal");
    held
}

/// Damages the files of the cache folder `dir` (`reseal` gives one a header
/// that fits its body).
fn damage_files(dir: &Path, d: &Damage, reseal: fn(&Path) -> std::io::Result<()>) {
    let files = files_in(dir);
    let reseal_cache_file = reseal;
    match d {
        Damage::Delete => {
            let _ = std::fs::remove_dir_all(dir);
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
        Damage::ResealedCut(n) => {
            for f in &files {
                let bytes = std::fs::read(f).expect("read the cache");
                let header = bytes.iter().position(|b| *b == b'\n').unwrap_or(0);
                // Only a real cut: the whole body would read as it is.
                let keep = (header + 1 + n).min(bytes.len().saturating_sub(1));
                std::fs::write(f, &bytes[..keep]).expect("cut");
                reseal_cache_file(f).expect("reseal");
            }
        }
        Damage::ResealedGarbage(count, g) => {
            for f in &files {
                let mut bytes = b"header\n".to_vec();
                bytes.extend_from_slice(&count.to_le_bytes());
                bytes.extend_from_slice(g);
                std::fs::write(f, bytes).expect("garbage");
                reseal_cache_file(f).expect("reseal");
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

/// Each comment's placement in `ws`, and how the anchorer placed them.
fn placements(store: &Store, ws: &Workspace, cached: bool) -> (Vec<Option<Placement>>, AnchorUse) {
    let mut anchorer = if cached {
        Anchorer::new(store, ws)
    } else {
        Anchorer::without_cache(store, ws)
    };
    let placed = ws.comments.iter().map(|c| anchorer.place(c)).collect();
    (placed, anchorer.used())
}

/// Places the comments of `ws` without the cache, through it, and through
/// it again: all equal, and the second time through it places nothing.
fn check_placements(store: &Store, ws: &Workspace) -> usize {
    let (plain, plain_use) = placements(store, ws, false);
    let (first, _) = placements(store, ws, true);
    assert_eq!(first, plain, "through the cache");
    let (second, used) = placements(store, ws, true);
    assert_eq!(second, plain, "through the cache, again");
    assert_eq!(
        used,
        AnchorUse {
            reused: plain_use.placed,
            placed: 0
        }
    );
    plain_use.placed
}

/// `oplaeg chapters`' numbers for HEAD (through the cache's tallies, or
/// writing them) equal those counted from `ws`, HEAD loaded from git, twice.
fn check_facts(store: &Store, ws: &Workspace) {
    let expected: Vec<(String, usize, usize)> = ws
        .chapters
        .iter()
        .map(|c| {
            let words = oplaeg::text::searchable_text(&c.markdown)
                .split_whitespace()
                .count();
            (c.slug.clone(), words, ws.open_comments_on_chapter(&c.slug))
        })
        .collect();
    for round in ["first", "second"] {
        let facts: Vec<(String, usize, usize)> = oplaeg::ops::chapter_facts(store)
            .expect("the chapters' numbers")
            .into_iter()
            .map(|f| (f.chapter.slug, f.words, f.open_comments))
            .collect();
        assert_eq!(facts, expected, "{round} time");
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
            let fresh = Store::open(&ws.root).expect("open");
            check_facts(&fresh, &check_commit(&fresh, head));
            let old = git2::Oid::from_str(&commits[n % commits.len()]).expect("an id");
            // Placed on an older version first, the same comments on
            // other chapter texts share the cache with HEAD's.
            check_placements(&store, &check_commit(&store, old));
            let loaded = check_commit(&store, head);
            // Loaded twice: the second reads no comment file from git.
            prop_assert_eq!(store.cache_use().parsed, 0, "{:?}", store.cache_use());
            check_placements(&store, &loaded);
        }
        set_lang(Lang::Da);
    }
}

#[test]
fn a_second_load_reads_no_file_and_a_new_commit_reads_only_what_changed() {
    let _serial = serial();
    let ws = Ws::sample();
    commit_comments(&ws, 5, "fem kommentarer");
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
fn the_chapters_numbers_come_from_tallies_without_reading_the_comments() {
    let _serial = serial();
    let ws = Ws::sample();
    commit_comments(&ws, 4, "fire kommentarer");
    let store = ws.store();
    let open = |store: &Store| -> Vec<(String, usize)> {
        oplaeg::ops::chapter_facts(store)
            .expect("facts")
            .into_iter()
            .map(|f| (f.chapter.slug, f.open_comments))
            .collect()
    };
    let first = open(&store);
    assert!(first.contains(&("indledning".to_string(), 4)), "{first:?}");
    let named = |prefix: &str| {
        cache_files(&ws)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(named("tally-open-").len(), 1, "{:?}", cache_files(&ws));
    assert_eq!(named("tally-words-").len(), 1, "{:?}", cache_files(&ws));
    // With the tallies kept, the comments are not read: their folder is
    // not written again once deleted.
    for f in named("comments-") {
        std::fs::remove_file(f).expect("remove");
    }
    assert_eq!(open(&Store::open(&ws.root).expect("open")), first);
    assert!(named("comments-").is_empty(), "{:?}", cache_files(&ws));

    // A new commit has a new comments tree: counted anew, not the old tally.
    write(
        &comment_path(&ws, 4),
        comment_text("en til", "indledning", None).as_bytes(),
    );
    ws.git(&["add", "-A"]);
    commit(&ws, "en til");
    let second = open(&Store::open(&ws.root).expect("open"));
    assert!(
        second.contains(&("indledning".to_string(), 5)),
        "{second:?}"
    );
    assert_eq!(named("tally-open-").len(), 2, "{:?}", cache_files(&ws));
    // A damaged tally is not believed (cut and resealed so that its header
    // fits; garbage): the numbers are counted again.
    for f in named("tally-") {
        let bytes = std::fs::read(&f).expect("read");
        std::fs::write(&f, &bytes[..bytes.len() - 3]).expect("cut");
        reseal_cache_file(&f).expect("reseal");
    }
    assert_eq!(open(&Store::open(&ws.root).expect("open")), second);
    for f in named("tally-") {
        std::fs::write(&f, b"oplaeg-cache 3 x\n\x05garbage").expect("garbage");
    }
    assert_eq!(open(&Store::open(&ws.root).expect("open")), second);
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

/// Writes chapter `i` as these paragraphs.
fn write_chapter(ws: &Ws, i: usize, paragraphs: &[&str]) {
    let text = format!("# Kapitel {i}\n\n{}\n", paragraphs.join("\n\n"));
    write(&chapter_path(ws, i), text.as_bytes());
}

/// A comment in slot `slot` quoting `quote` in chapter `i` as of HEAD.
fn write_quote(ws: &Ws, slot: usize, i: usize, quote: &str) {
    let anchor = Anchor {
        quote: quote.to_string(),
        before: String::new(),
        after: String::new(),
        commit: ws.head(),
        unique: false,
        history: Vec::new(),
    };
    write(
        &comment_path(ws, slot),
        anchored_comment_text("citat", CHAPTERS[i], None, Some(anchor)).as_bytes(),
    );
}

#[test]
fn a_second_load_places_no_anchor_and_an_edited_chapter_places_only_its_own() {
    let _serial = serial();
    let ws = Ws::sample();
    write_chapter(&ws, 0, &["borger og sygehus", "kommune plan tid"]);
    write_chapter(&ws, 1, &["ret til pleje", "samme tid"]);
    commit(&ws, "kapitler");
    write_quote(&ws, 0, 0, "borger og sygehus");
    write_quote(&ws, 1, 0, "plan tid");
    write_quote(&ws, 2, 0, "findes ikke");
    write_quote(&ws, 3, 1, "ret til pleje");
    write_quote(&ws, 4, 1, "samme");
    commit(&ws, "citater");
    let store = ws.store();
    let head = git2::Oid::from_str(&ws.head()).expect("an id");
    let loaded = check_commit(&store, head);
    let quoted = loaded
        .comments
        .iter()
        .filter(|c| c.target.anchor.is_some())
        .count();
    assert_eq!(check_placements(&store, &loaded), quoted);
    assert_eq!(quoted, 5);

    // Another process, same version: nothing placed.
    let again = Store::open(&ws.root).expect("open");
    let (_, used) = placements(&again, &again.load_commit(Some(head)).expect("load"), true);
    assert_eq!(
        used,
        AnchorUse {
            reused: quoted,
            placed: 0
        }
    );

    // Chapter 1 edited: only its two comments are placed again.
    write_chapter(&ws, 1, &["ret til god pleje", "samme tid"]);
    commit(&ws, "kapitel 1 rettet");
    let head = git2::Oid::from_str(&ws.head()).expect("an id");
    let loaded = check_commit(&store, head);
    let (placed, used) = placements(&store, &loaded, true);
    assert_eq!(
        used,
        AnchorUse {
            reused: quoted - 2,
            placed: 2
        }
    );
    assert_eq!(placed, placements(&store, &loaded, false).0);

    // A damaged or deleted cache is placed anew, silently, and rewritten.
    let file = cache_dir(&ws).join(oplaeg::store::PLACEMENTS_FILE);
    let bytes = std::fs::read(&file).expect("the placements file");
    for damaged in [
        bytes[..bytes.len() / 2].to_vec(),
        b"oplaeg-anchors 1 x\n[]".to_vec(),
        bytes.iter().map(|b| b ^ 1).collect(),
        // Intact but of the format before: placed by older rules.
        {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let (magic, rest) = text.split_once(' ').expect("a header");
            let (format, rest) = rest.split_once(' ').expect("a format");
            let older = format.parse::<u32>().expect("a format number") - 1;
            format!("{magic} {older} {rest}").into_bytes()
        },
    ] {
        std::fs::write(&file, damaged).expect("damage");
        let (after, used) = placements(&store, &loaded, true);
        assert_eq!(after, placed);
        assert_eq!(
            used,
            AnchorUse {
                reused: 0,
                placed: quoted
            }
        );
        assert_eq!(check_placements(&store, &loaded), quoted);
    }
    std::fs::remove_dir_all(cache_dir(&ws)).expect("delete the cache");
    assert_eq!(check_placements(&store, &loaded), quoted);
    // Never part of the repository.
    assert_eq!(ws.git(&["status", "--porcelain", "--ignored"]).trim(), "");
}

#[test]
fn uncommitted_chapters_are_placed_on_by_their_text() {
    let _serial = serial();
    let ws = Ws::sample();
    write_chapter(&ws, 0, &["borger og sygehus", "kommune plan tid"]);
    commit(&ws, "kapitel");
    write_quote(&ws, 0, 0, "borger og sygehus");
    write_quote(&ws, 1, 0, "kommune plan");
    commit(&ws, "citater");
    let store = ws.store();
    for text in [
        ["sygehus og borger", "kommune plan tid"],
        ["borger og sygehuse", "plan kommune tid"],
        ["borger og sygehus", "kommune plan tid"],
        ["sygehus og borger", "kommune plan tid"],
    ] {
        // Edited on disk, not committed.
        write_chapter(&ws, 0, &text);
        let disk = store.load(&Rev::Worktree).expect("the working tree");
        let chapter = disk
            .chapters
            .iter()
            .find(|c| c.slug == CHAPTERS[0])
            .expect("the chapter");
        assert!(chapter.markdown.contains(text[0]));
        assert!(check_placements(&store, &disk) >= 2);
    }
}

/// `oplaeg diff` between two meeting tags takes the comments it lists from
/// the load cache where that holds their revision's `comments/` folder;
/// whatever happened to the cache, its output (JSON and text) is byte for
/// byte that of the same diff with the cache off.
/// The output of `oplaeg ARGS` (a diff) in `ws`, through the cache or with
/// it turned off; the command must succeed.
fn oplaeg_diff(ws: &Ws, args: &[&str], no_cache: bool) -> Vec<u8> {
    let mut c = common::oplaeg_cmd(&ws.home);
    c.arg("--repo").arg(&ws.root);
    c.args(args);
    if no_cache {
        c.env("OPLAEG_NO_CACHE", "1");
    } else {
        c.env_remove("OPLAEG_NO_CACHE");
    }
    let out = c.output().expect("run oplaeg diff");
    assert!(
        out.status.success(),
        "oplaeg diff: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_diff_through_a_damaged_cache_equals_one_without_it() {
    use common::{MEMBER, MEMBER2, UNIQUE_QUOTE, WRITER};
    use oplaeg::model::Disposition;

    let _serial = serial();
    set_lang(Lang::Da);
    let ws = Ws::sample();
    let early = ws.chapter_comment(MEMBER, "cache-probe-early");
    ws.session(WRITER).meeting_tag(1).expect("meeting 1");
    let m = ws.session(MEMBER2);
    let quoted = m
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: Some(UNIQUE_QUOTE.into()),
            },
            "cache-probe-quoted",
        )
        .expect("a quoted comment");
    ws.chapter_comment(MEMBER, "cache-probe-plain");
    let w = ws.session(WRITER);
    w.reply(&quoted.id, "cache-probe-reply").expect("reply");
    w.resolve(&early, Disposition::Noted, "cache-probe-noted")
        .expect("resolve");
    w.meeting_tag(2).expect("meeting 2");

    let diff = |format: &str, no_cache: bool| -> Vec<u8> {
        oplaeg_diff(
            &ws,
            &["diff", "meeting/1", "meeting/2", "--format", format],
            no_cache,
        )
    };
    let (json, text) = (diff("json", true), diff("text", true));
    // What the diff lists, checked against git: the three comment files
    // added between the tags, and the one changed (resolved).
    let v: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let added = ws.git(&[
        "diff",
        "--name-only",
        "--diff-filter=A",
        "meeting/1",
        "meeting/2",
        "--",
        "comments",
    ]);
    let mut written: Vec<String> = v["comments"]["written"]
        .as_array()
        .expect("written comments")
        .iter()
        .map(|c| format!("comments/{}.toml", c["id"].as_str().unwrap_or_default()))
        .collect();
    written.sort();
    assert_eq!(written, added.lines().map(String::from).collect::<Vec<_>>());
    assert!(String::from_utf8_lossy(&json).contains("cache-probe-noted"));

    // Fills the cache with both tags' folders, as loads of them do.
    let warm = || {
        let _ = std::fs::remove_dir_all(cache_dir(&ws));
        let store = Store::open(&ws.root).expect("open");
        for tag in ["meeting/1", "meeting/2"] {
            store.load(&Rev::Named(tag.into())).expect("load a tag");
            assert!(store.cache_use().written, "{tag} cached");
        }
    };
    let tree = ws.git(&["rev-parse", "meeting/2:comments"]);
    let folder = cache_dir(&ws).join(format!("comments-{}-da", tree.trim()));

    // The diff does take the comments from the cache: a cached folder
    // changed under a header that fits it shows in the output.
    warm();
    let bytes = std::fs::read(&folder).expect("meeting 2's folder cached");
    let probe = b"cache-probe-plain";
    let at = bytes
        .windows(probe.len())
        .position(|w| w == probe)
        .expect("the comment in the cache");
    let mut forged = bytes.clone();
    forged[at..at + probe.len()].copy_from_slice(b"cache-probe-FORGE");
    std::fs::write(&folder, forged).expect("forge");
    reseal_cache_file(&folder).expect("reseal");
    assert!(String::from_utf8_lossy(&diff("json", false)).contains("cache-probe-FORGE"));

    let damages = [
        None,
        Some(Damage::Delete),
        Some(Damage::Truncate(0)),
        Some(Damage::Truncate(90)),
        Some(Damage::Garbage(b"not a cache\n".repeat(40))),
        Some(Damage::Swap),
        Some(Damage::Flip(200)),
        Some(Damage::ResealedCut(40)),
        Some(Damage::ResealedGarbage(3, vec![7; 64])),
    ];
    for damage in &damages {
        warm();
        if let Some(d) = damage {
            damage_cache(&ws, d);
        }
        // Twice: the first run may rewrite what it found damaged.
        for round in 0..2 {
            assert!(
                diff("json", false) == json,
                "JSON differs, {damage:?}, round {round}"
            );
            assert!(
                diff("text", false) == text,
                "text differs, {damage:?}, round {round}"
            );
        }
    }
}

/// `oplaeg diff` between two commits keeps the comment files that differ
/// and what they read as in its own cache (`.git/oplaeg/cache/diff/`),
/// keyed by the two `comments/` trees. It does take them from there (a
/// forged file under a fitting header shows), and whatever happens to that
/// cache – deleted, cut, garbage, a byte flipped, cut or garbled under a
/// fitting header, swapped between pairs – the output (JSON and text, both
/// directions, both languages) is byte for byte that of the diff with the
/// cache off, with broken, removed and resolved comment files among the
/// changes.
#[test]
fn a_diff_through_a_damaged_diff_cache_equals_one_without_it() {
    use common::{MEMBER, MEMBER2, UNIQUE_QUOTE, WRITER};
    use oplaeg::model::Disposition;

    let _serial = serial();
    set_lang(Lang::Da);
    let ws = Ws::sample();
    let early = ws.chapter_comment(MEMBER, "diffcache-probe-early");
    let gone = ws.chapter_comment(MEMBER2, "diffcache-probe-gone");
    write(
        &ws.root.join("comments/01j00000000000000000000zz.toml"),
        b"body = \"x",
    );
    commit(&ws, "a broken comment file");
    ws.session(WRITER).meeting_tag(1).expect("meeting 1");
    let m = ws.session(MEMBER2);
    m.add_comment(
        NewTarget::Chapter {
            chapter: "rehabilitering".into(),
            quote: Some(UNIQUE_QUOTE.into()),
        },
        "diffcache-probe-quoted",
    )
    .expect("a quoted comment");
    ws.chapter_comment(MEMBER, "diffcache-probe-plain");
    ws.session(WRITER)
        .resolve(&early, Disposition::Noted, "diffcache-probe-noted")
        .expect("resolve");
    std::fs::remove_file(ws.root.join(format!("comments/{gone}.toml"))).expect("remove");
    write(
        &ws.root.join("comments/01j00000000000000000000zy.toml"),
        &[0xff, 0xfe, b'x'],
    );
    write(
        &ws.root.join("comments/01j00000000000000000000zz.toml"),
        b"still = [broken",
    );
    let rehab = ws.root.join("drafts/02-rehabilitering.md");
    let mut chapter = std::fs::read_to_string(&rehab).expect("the chapter");
    chapter.push_str("\nEt nyt afsnit om diffcache-probe-chapter.\n");
    write(&rehab, chapter.as_bytes());
    // A chapter that is no longer UTF-8: unreadable, read from git and
    // from the cache alike.
    let intro = ws.root.join("drafts/01-indledning.md");
    let mut broken = std::fs::read(&intro).expect("the chapter");
    broken.extend_from_slice(b"\nEt afsnit med \xff\xfe.\n");
    write(&intro, &broken);
    commit(
        &ws,
        "a removed, a changed and a new broken comment file; a chapter edited, one broken",
    );
    ws.session(WRITER).meeting_tag(2).expect("meeting 2");

    let pairs = [("meeting/1", "meeting/2"), ("meeting/2", "meeting/1")];
    let runs: Vec<[&str; 4]> = pairs
        .iter()
        .flat_map(|(a, b)| {
            [
                [*a, *b, "json", "da"],
                [*a, *b, "text", "da"],
                [*a, *b, "json", "en"],
            ]
        })
        .collect();
    let diff = |run: &[&str; 4], no_cache: bool| -> Vec<u8> {
        oplaeg_diff(
            &ws,
            &["--lang", run[3], "diff", run[0], run[1], "--format", run[2]],
            no_cache,
        )
    };
    let expected: Vec<Vec<u8>> = runs.iter().map(|r| diff(r, true)).collect();
    let json = String::from_utf8_lossy(&expected[0]);
    assert!(json.contains("diffcache-probe-noted"), "{json}");
    assert!(json.contains("diffcache-probe-plain"), "{json}");
    assert!(json.contains("\"unreadable\": 1"), "{json}");

    let dir = ChangesCache::dir_of(&ws.root.join(".git"));
    let tree = |rev: &str| {
        ws.git(&["rev-parse", &format!("{rev}:comments")])
            .trim()
            .to_string()
    };
    let file = dir.join(format!(
        "changes-{}-{}-da",
        tree("meeting/1"),
        tree("meeting/2")
    ));
    // Every run through the cache, twice: the first may (re)write it.
    let check = |what: &str| {
        for round in 0..2 {
            for (run, want) in runs.iter().zip(&expected) {
                assert!(
                    diff(run, false) == *want,
                    "{run:?} differs, {what}, round {round}"
                );
            }
        }
    };
    let _ = std::fs::remove_dir_all(cache_dir(&ws));
    // The first diff of a pair keeps the comments that differ, and only a
    // mark for the chapters; the second keeps the chapters too.
    assert!(diff(&runs[0], false) == expected[0], "the first diff");
    let kinds = || -> Vec<String> {
        files_in(&dir)
            .iter()
            .filter_map(|f| f.file_name()?.to_str()?.split('-').next().map(String::from))
            .collect()
    };
    assert_eq!(kinds(), ["changes", "seen"], "after the first diff");
    assert!(diff(&runs[1], false) == expected[1], "the second diff");
    assert_eq!(kinds(), ["changes", "chapters"], "after the second diff");
    check("from an empty cache");
    assert!(file.is_file(), "the diff filled its cache: {file:?}");
    assert_eq!(
        files_in(&dir).len(),
        6,
        "comments: two pairs in two languages; chapters: two pairs"
    );

    // The chapter files that differ are read from there too.
    let drafts = |rev: &str| {
        ws.git(&["rev-parse", &format!("{rev}:drafts")])
            .trim()
            .to_string()
    };
    let chapters = dir.join(format!(
        "chapters-{}-{}",
        drafts("meeting/1"),
        drafts("meeting/2")
    ));
    let held = forge(
        &chapters,
        b"diffcache-probe-chapter",
        b"diffcache-probe-FORGED!",
        reseal_changes_file,
    );
    assert!(String::from_utf8_lossy(&diff(&runs[0], false)).contains("diffcache-probe-FORGED!"));
    std::fs::write(&chapters, &held).expect("restore");

    // The diff does read it: a comment changed under a fitting header shows.
    let bytes = forge(
        &file,
        b"diffcache-probe-plain",
        b"diffcache-probe-FORGE",
        reseal_changes_file,
    );
    assert!(String::from_utf8_lossy(&diff(&runs[0], false)).contains("diffcache-probe-FORGE"));
    // A header for another language, version or pair does not fit.
    std::fs::write(&file, &bytes).expect("restore");
    let other = dir.join(format!(
        "changes-{}-{}-en",
        tree("meeting/1"),
        tree("meeting/2")
    ));
    std::fs::copy(&file, &other).expect("copy");
    check("a Danish file under the English name");

    let damages = [
        Damage::Delete,
        Damage::Truncate(0),
        Damage::Truncate(90),
        Damage::Truncate(400),
        Damage::Garbage(b"not a cache\n".repeat(40)),
        Damage::Swap,
        Damage::Flip(150),
        Damage::Flip(700),
        Damage::ResealedCut(10),
        Damage::ResealedCut(300),
        Damage::ResealedGarbage(3, vec![7; 64]),
        Damage::ResealedGarbage(1, vec![1; 8]),
    ];
    for damage in &damages {
        let _ = std::fs::remove_dir_all(&dir);
        for run in &runs {
            diff(run, false);
        }
        damage_files(&dir, damage, reseal_changes_file);
        check(&format!("{damage:?}"));
    }

    // Neither tag's folder in the load cache, only a later commit's (as
    // after the TUI or `status` on HEAD): the diff takes the files that did
    // not change since from that folder (a forged one shows), and whatever
    // happened to it, the output is the same.
    ws.chapter_comment(MEMBER, "diffcache-probe-later");
    let newest = || {
        let _ = std::fs::remove_dir_all(cache_dir(&ws));
        let store = Store::open(&ws.root).expect("open");
        store.load(&Rev::head()).expect("load HEAD");
        assert!(store.cache_use().written, "HEAD cached");
    };
    newest();
    let head_tree = ws.git(&["rev-parse", "HEAD:comments"]);
    let folder = cache_dir(&ws).join(format!("comments-{}-da", head_tree.trim()));
    forge(
        &folder,
        b"diffcache-probe-plain",
        b"diffcache-probe-FORGE",
        reseal_cache_file,
    );
    assert!(String::from_utf8_lossy(&diff(&runs[0], false)).contains("diffcache-probe-FORGE"));
    for damage in [
        None,
        Some(Damage::Flip(300)),
        Some(Damage::Truncate(120)),
        Some(Damage::ResealedCut(200)),
        Some(Damage::ResealedGarbage(2, vec![9; 40])),
    ] {
        newest();
        if let Some(d) = &damage {
            damage_cache(&ws, d);
        }
        check(&format!("HEAD's folder only, {damage:?}"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A diff takes the versions of the chapters it compares from the load
/// cache when an earlier load kept them (the drafts of both revisions, as a
/// member who worked at both meetings has them), not from git: a cached
/// chapter changed under a header that fits it shows in the output. Any
/// damage to those files leaves the output byte for byte that of the diff
/// with the cache off (read from git).
#[test]
fn a_diff_takes_the_chapters_an_earlier_load_kept() {
    use common::WRITER;

    let _serial = serial();
    set_lang(Lang::Da);
    let ws = Ws::sample();
    ws.session(WRITER).meeting_tag(1).expect("meeting 1");
    let path = ws.root.join("drafts/02-rehabilitering.md");
    let before = std::fs::read_to_string(&path).expect("the chapter");
    let after = format!("{before}\nEt nyt afsnit om genoptræning efter kræft.\n");
    write(&path, after.as_bytes());
    write(
        &ws.root.join("drafts/01-indledning.md"),
        std::fs::read_to_string(ws.root.join("drafts/01-indledning.md"))
            .expect("the introduction")
            .replacen("Sundhedsstyrelsen", "Styrelsen", 1)
            .as_bytes(),
    );
    commit(&ws, "two chapters edited");
    ws.session(WRITER).meeting_tag(2).expect("meeting 2");

    let diff_dir = cache_dir(&ws).join("diff");
    let diff = |format: &str, no_cache: bool| -> Vec<u8> {
        let _ = std::fs::remove_dir_all(&diff_dir);
        oplaeg_diff(
            &ws,
            &["diff", "meeting/1", "meeting/2", "--format", format],
            no_cache,
        )
    };
    let (json, text) = (diff("json", true), diff("text", true));
    let shown = String::from_utf8_lossy(&text).into_owned();
    assert!(shown.contains("genoptræning"), "{shown}");
    assert!(shown.contains("Styrelsen"), "{shown}");

    // Both tags loaded, as uses of the workspace at both meetings do.
    let warm = || {
        let _ = std::fs::remove_dir_all(cache_dir(&ws));
        let store = Store::open(&ws.root).expect("open");
        for tag in ["meeting/1", "meeting/2"] {
            store.load(&Rev::Named(tag.into())).expect("load a tag");
        }
    };
    let drafts = |tag: &str| {
        let tree = ws.git(&["rev-parse", &format!("{tag}:drafts")]);
        cache_dir(&ws).join(format!("drafts-{}", tree.trim()))
    };
    warm();
    assert!(drafts("meeting/1").is_file() && drafts("meeting/2").is_file());
    assert!(diff("json", false) == json);

    // Both sides come from there: a word forged in each tag's file shows.
    forge(
        &drafts("meeting/1"),
        b"Sundhedsstyrelsens",
        b"SUNDHEDSSTYRELSENS",
        reseal_cache_file,
    );
    let forged = String::from_utf8_lossy(&diff("text", false)).into_owned();
    assert!(forged.contains("SUNDHEDSSTYRELSENS"), "{forged}");
    warm();
    forge(
        &drafts("meeting/2"),
        b"genoptr",
        b"GENOPTR",
        reseal_cache_file,
    );
    let forged = String::from_utf8_lossy(&diff("text", false)).into_owned();
    assert!(forged.contains("GENOPTR"), "{forged}");

    let damages = [
        Damage::Delete,
        Damage::Truncate(0),
        Damage::Truncate(90),
        Damage::Garbage(b"not a cache\n".repeat(40)),
        Damage::Swap,
        Damage::Flip(200),
        Damage::Flip(900),
        Damage::ResealedCut(40),
        Damage::ResealedCut(700),
        Damage::ResealedGarbage(3, vec![7; 64]),
        Damage::ResealedGarbage(1, b"\x05x.md\xff\xff\xff\xff".to_vec()),
    ];
    for damage in &damages {
        warm();
        damage_cache(&ws, damage);
        assert!(diff("json", false) == json, "JSON differs, {damage:?}");
        assert!(diff("text", false) == text, "text differs, {damage:?}");
    }
}

/// When a side's own comment folder is not cached, the diff takes what it
/// can from the newest other folder: also when the newest of all is the
/// other side's own (read already). Here the cache holds FROM's folder
/// (written last) and HEAD's, not TO's: TO's comments come from HEAD's
/// folder, as a word forged there shows; with that folder damaged the
/// output is that of the diff without any cache.
#[test]
fn a_side_without_its_folder_takes_the_newest_other() {
    use common::{MEMBER, WRITER};

    let _serial = serial();
    set_lang(Lang::Da);
    let ws = Ws::sample();
    ws.chapter_comment(MEMBER, "newest-probe-early");
    ws.session(WRITER).meeting_tag(1).expect("meeting 1");
    ws.chapter_comment(MEMBER, "newest-probe-written");
    ws.session(WRITER).meeting_tag(2).expect("meeting 2");
    ws.chapter_comment(MEMBER, "newest-probe-after");

    let diff = |no_cache: bool| -> Vec<u8> {
        let _ = std::fs::remove_dir_all(cache_dir(&ws).join("diff"));
        oplaeg_diff(
            &ws,
            &["diff", "meeting/1", "meeting/2", "--format", "json"],
            no_cache,
        )
    };
    let plain = diff(true);
    assert!(String::from_utf8_lossy(&plain).contains("newest-probe-written"));

    let folder = |rev: &str| {
        let tree = ws.git(&["rev-parse", &format!("{rev}:comments")]);
        cache_dir(&ws).join(format!("comments-{}-da", tree.trim()))
    };
    let fill = || {
        let _ = std::fs::remove_dir_all(cache_dir(&ws));
        ws.load("HEAD");
        ws.load("meeting/1");
        assert!(folder("HEAD").is_file() && folder("meeting/1").is_file());
        assert!(!folder("meeting/2").exists());
    };
    // HEAD's folder older than meeting/1's, whatever writing it did.
    let age = |path: &Path| {
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(old))
            .expect("set the time");
    };

    fill();
    forge(
        &folder("HEAD"),
        b"newest-probe-written",
        b"NEWEST-probe-written",
        reseal_cache_file,
    );
    age(&folder("HEAD"));
    let forged = String::from_utf8_lossy(&diff(false)).into_owned();
    assert!(forged.contains("NEWEST-probe-written"), "{forged}");

    for damage in [
        Damage::Truncate(50),
        Damage::Flip(300),
        Damage::ResealedCut(60),
        Damage::Garbage(b"x".repeat(100)),
    ] {
        fill();
        damage_files(&cache_dir(&ws), &damage, reseal_cache_file);
        assert!(diff(false) == plain, "{damage:?}");
    }
}
