//! Working together: clones of one oplæg sync through a shared bare
//! repository, by path and through a real `git daemon` on 127.0.0.1. The
//! results are checked with plain git as well.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::tui::screen;
use common::*;
use oplaeg::Error;
use oplaeg::model::Role;
use oplaeg::ops::{self, NewTarget, Session};
use oplaeg::store::{Integration, Progress, Store, SyncReport};

/// A second writer, to make writers' conflicts.
const WRITER2: &str = "anders.vestergaard@sst.example";
const WRITER2_NAME: &str = "Anders Vestergaard";

fn quiet() -> impl FnMut(&Progress) {
    |_: &Progress| {}
}

/// The writer's workspace, a bare server it was sent to, and room for clones.
struct Group {
    ws: Ws,
    server: PathBuf,
}

impl Group {
    /// The sample oplæg with a second writer, sent to a new bare repository
    /// (made with plain git) by the first writer's `sync`.
    fn new() -> Group {
        let ws = Ws::sample();
        ws.session_at(WRITER, "2024-05-27T10:05:00+02:00")
            .member_add(WRITER2_NAME, WRITER2, WRITER_ORG, Role::Writer)
            .expect("second writer");
        let server = ws.tmp.join("server.git");
        git(
            &ws.tmp,
            &[
                "init",
                "-q",
                "--bare",
                "--initial-branch=main",
                "server.git",
            ],
        );
        ws.git(&["remote", "add", "origin", server.to_str().unwrap()]);
        let report = sync(&ws.root, WRITER).expect("first sync");
        assert_eq!(report.integration, Integration::NewOnServer);
        Group { ws, server }
    }

    /// A new clone for `email` from `url`, in the group's temporary folder.
    fn clone_from(&self, url: &str, name: &str, email: &str) -> PathBuf {
        let path = self.ws.tmp.join(name);
        let cloned = ops::clone(url, &path, Some(email), &mut quiet()).expect("clone");
        assert_eq!(
            cloned.member.as_ref().map(|m| m.email.as_str()),
            Some(email)
        );
        cloned.store.root().to_path_buf()
    }

    fn clone(&self, name: &str, email: &str) -> PathBuf {
        self.clone_from(self.server.to_str().unwrap(), name, email)
    }

    /// `git ls-tree` of the server's main: the comment files.
    fn server_comments(&self) -> Vec<String> {
        comment_files(&self.server, "main")
    }
}

fn session(root: &Path, email: &str) -> Session {
    Session::new(Store::open(root).expect("open clone"), Some(email)).expect("session")
}

fn sync(root: &Path, email: &str) -> oplaeg::Result<SyncReport> {
    session(root, email).sync(None, &mut quiet())
}

fn comment(root: &Path, email: &str, body: &str) -> String {
    session(root, email)
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: None,
            },
            body,
        )
        .expect("comment")
        .id
}

/// Comment files in a revision, by plain git.
fn comment_files(dir: &Path, rev: &str) -> Vec<String> {
    let out = git(dir, &["ls-tree", "-r", "--name-only", rev, "comments/"]);
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    v
}

fn rev(dir: &Path, r: &str) -> String {
    git(dir, &["rev-parse", r])
}

/// True when `commit` is in the history of `tip` (plain git).
fn contains(dir: &Path, tip: &str, commit: &str) -> bool {
    git_output(dir, &["merge-base", "--is-ancestor", commit, tip])
        .status
        .success()
}

fn expected_files(ids: &[String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|i| format!("comments/{i}.toml")).collect();
    v.sort();
    v
}

/// Three members comment on their own clones at the same time, then sync
/// in turn and then all at once; everyone ends with every comment, and no
/// commit made anywhere is missing from the server.
fn everyone_ends_with_every_comment(g: &Group, url: &str) {
    if url != g.server.to_str().unwrap() {
        // Clones talk to the server through `url`; so does the writer.
        g.ws.git(&["remote", "set-url", "origin", url]);
    }
    let jens = g.clone_from(url, "jens", MEMBER);
    let birgitte = g.clone_from(url, "birgitte", MEMBER2);
    let writer = g.ws.root.clone();
    let people = [
        (writer.clone(), WRITER),
        (jens.clone(), MEMBER),
        (birgitte.clone(), MEMBER2),
    ];

    // Everyone writes at the same time, each on their own clone.
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = people
            .iter()
            .map(|(root, email)| {
                s.spawn(move || {
                    (0..3)
                        .map(|i| comment(root, email, &format!("{email} nr. {i}")))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("commenting thread"))
            .collect()
    });
    let local_heads: Vec<String> = people.iter().map(|(r, _)| rev(r, "HEAD")).collect();

    // In turn: Jens, Birgitte, the writer.
    assert_eq!(sync(&jens, MEMBER).unwrap().sent, 3);
    let b = sync(&birgitte, MEMBER2).unwrap();
    assert_eq!(b.integration, Integration::Merged);
    assert_eq!(b.received, 3);
    let w = sync(&writer, WRITER).unwrap();
    assert_eq!(w.integration, Integration::Merged);

    // More comments, then everyone syncs at once.
    let more: Vec<String> = people
        .iter()
        .map(|(root, email)| comment(root, email, "endnu en"))
        .collect();
    std::thread::scope(|s| {
        for (root, email) in &people {
            s.spawn(move || sync(root, email).expect("concurrent sync"));
        }
    });
    // A last round so everyone has what the others sent last.
    for (root, email) in &people {
        sync(root, email).expect("final sync");
    }

    let all: Vec<String> = ids.iter().chain(&more).cloned().collect();
    let expected = expected_files(&all);
    assert_eq!(
        g.server_comments(),
        expected,
        "the server has every comment"
    );
    let server_main = rev(&g.server, "main");
    for (root, email) in &people {
        assert_eq!(
            comment_files(root, "HEAD"),
            expected,
            "{email} has every comment"
        );
        assert_eq!(rev(root, "HEAD"), server_main, "{email} is in step");
        // Plain git agrees the branch tracks the server and nothing is pending.
        let st = git(root, &["status", "-sb"]);
        assert!(st.starts_with("## main...origin/main"), "{st}");
        assert!(!st.contains("ahead") && !st.contains("behind"), "{st}");
        // The library loads every comment too.
        let ws = Store::open(root)
            .unwrap()
            .load(&oplaeg::store::Rev::head())
            .unwrap();
        assert_eq!(ws.comments.len(), all.len());
    }
    for head in &local_heads {
        assert!(
            contains(&g.server, "main", head),
            "{head} reached the server"
        );
    }
    // The merge commits are authored by the members who synced, in Danish.
    let merges = git(&g.server, &["log", "--merges", "--format=%ae %s", "main"]);
    assert!(merges.lines().count() >= 2, "{merges}");
    assert!(merges.contains(MEMBER2), "{merges}");
    assert!(
        merges
            .lines()
            .all(|l| l.contains("Sammenfletning med origin/main")),
        "{merges}"
    );
    // Nothing was ever forced: the server's reflog-free history is linear in
    // first parents from the first sync (every update was a fast-forward).
    let first = git(&g.server, &["rev-list", "--max-parents=0", "main"]);
    assert_eq!(first.lines().count(), 1);
}

#[test]
fn members_sync_through_a_bare_repository() {
    let g = Group::new();
    let url = g.server.to_str().unwrap().to_string();
    everyone_ends_with_every_comment(&g, &url);
}

#[test]
fn members_sync_through_a_file_url() {
    let g = Group::new();
    let url = format!("file://{}", g.server.display());
    everyone_ends_with_every_comment(&g, &url);
}

#[test]
fn members_sync_through_git_daemon() {
    let g = Group::new();
    let daemon = Daemon::start(&g.ws.tmp, &g.ws.home);
    let url = daemon.url("server.git");
    everyone_ends_with_every_comment(&g, &url);
    // The server refuses nothing it should accept, and git itself reads it.
    let out = git(&g.ws.tmp, &["ls-remote", &url]);
    assert!(out.contains("refs/heads/main"), "{out}");
    daemon.stop();
}

/// Two writers edit the same paragraph: the second sync stops, sends
/// nothing, keeps the local commit, and the plain-git steps it gives work.
#[test]
fn a_writers_conflict_is_reported_and_nothing_is_lost() {
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    let writer = g.ws.root.clone();
    let text = g.ws.read("drafts/02-rehabilitering.md");
    let mine = text.replace(
        "Behovet vurderes løbende.\n\nFlere",
        "Behovet vurderes hver måned.\n\nFlere",
    );
    let theirs = text.replace(
        "Behovet vurderes løbende.\n\nFlere",
        "Behovet vurderes årligt.\n\nFlere",
    );
    assert_ne!(mine, text);
    session(&writer, WRITER)
        .revise_chapter("rehabilitering", &mine, "Hyppigere vurdering")
        .unwrap();
    session(&anders, WRITER2)
        .revise_chapter("rehabilitering", &theirs, "Årlig vurdering")
        .unwrap();
    sync(&writer, WRITER).expect("the first writer's sync goes through");
    let server_before = rev(&g.server, "main");
    let head_before = rev(&anders, "HEAD");
    let reflog_before = git(&anders, &["reflog", "show", "main"]);

    let err = sync(&anders, WRITER2).expect_err("a conflict");
    let Error::SyncConflict(c) = &err else {
        panic!("expected a sync conflict, got {err}")
    };
    assert_eq!(c.files.len(), 1, "{err}");
    assert_eq!(c.files[0].path, "drafts/02-rehabilitering.md");
    assert_eq!(c.local_commits, 1);
    assert_eq!(c.remote_commits, 1);
    let text = err.to_string();
    assert!(text.contains("drafts/02-rehabilitering.md"), "{text}");
    assert!(text.contains("git merge --no-commit origin/main"), "{text}");

    // Nothing sent, nothing local changed, nothing lost.
    assert_eq!(rev(&g.server, "main"), server_before, "nothing was pushed");
    assert_eq!(rev(&anders, "HEAD"), head_before, "the branch stayed");
    assert_eq!(git(&anders, &["reflog", "show", "main"]), reflog_before);
    assert_eq!(
        git(&anders, &["status", "--porcelain"]),
        "",
        "no half-merged files"
    );
    assert!(!anders.join(".git/MERGE_HEAD").exists());
    assert!(
        std::fs::read_to_string(anders.join("drafts/02-rehabilitering.md"))
            .unwrap()
            .contains("årligt")
    );

    // The steps from the message, with plain git, then sync again.
    let out = git_output(&anders, &["merge", "--no-commit", "origin/main"]);
    assert!(!out.status.success(), "git reports the conflict too");
    let marked = std::fs::read_to_string(anders.join("drafts/02-rehabilitering.md")).unwrap();
    assert!(marked.contains("<<<<<<<"), "{marked}");
    let resolved = text_without_markers(&marked, "Behovet vurderes hver måned og mindst årligt.");
    std::fs::write(anders.join("drafts/02-rehabilitering.md"), &resolved).unwrap();
    git_env(
        &anders,
        &["commit", "-a", "--no-edit"],
        &author_env(WRITER2_NAME, WRITER2, "2024-06-01T10:00:00+02:00"),
    );
    let r = sync(&anders, WRITER2).expect("sync after resolving");
    assert_eq!(r.integration, Integration::UpToDate);
    assert!(
        contains(&g.server, "main", &head_before),
        "Anders' commit reached the server"
    );
    let on_server = git(&g.server, &["show", "main:drafts/02-rehabilitering.md"]);
    assert!(
        on_server.contains("hver måned og mindst årligt"),
        "{on_server}"
    );
    sync(&writer, WRITER).unwrap();
    assert_eq!(rev(&writer, "HEAD"), rev(&g.server, "main"));
}

/// Replaces a conflict block (markers and both sides) with one line.
fn text_without_markers(marked: &str, replacement: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in marked.lines() {
        if line.starts_with("<<<<<<<") {
            inside = true;
            out.push_str(replacement);
            out.push('\n');
        } else if line.starts_with(">>>>>>>") {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn edits_to_different_paragraphs_merge() {
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    let writer = g.ws.root.clone();
    let text = g.ws.read("drafts/02-rehabilitering.md");
    let mine = text.replace(
        "# Rehabilitering\n",
        "# Rehabilitering\n\nEt nyt første afsnit.\n",
    );
    let theirs = text.replace(
        "Flere patienter henvises i dag",
        "Langt flere patienter henvises i dag",
    );
    session(&writer, WRITER)
        .revise_chapter("rehabilitering", &mine, "Nyt afsnit")
        .unwrap();
    session(&anders, WRITER2)
        .revise_chapter("rehabilitering", &theirs, "Tydeligere")
        .unwrap();
    sync(&writer, WRITER).unwrap();
    let r = sync(&anders, WRITER2).expect("different paragraphs combine");
    assert_eq!(r.integration, Integration::Merged);
    let merged = git(&g.server, &["show", "main:drafts/02-rehabilitering.md"]);
    assert!(merged.contains("Et nyt første afsnit."), "{merged}");
    assert!(merged.contains("Langt flere patienter"), "{merged}");
    let author = git(&g.server, &["log", "-1", "--format=%an <%ae>", "main"]);
    assert_eq!(author, format!("{WRITER2_NAME} <{WRITER2}>"));
}

#[test]
fn two_new_priority_orders_conflict() {
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    let writer = g.ws.root.clone();
    // The writer moves rank 2 up; Anders adds a recommendation at the end.
    session(&writer, WRITER)
        .rec_move("rehabilitering-til-alle", 1)
        .unwrap();
    session(&anders, WRITER2)
        .rec_add(
            "Ny anbefaling",
            oplaeg::model::Horizon::Long,
            "Tekst.",
            None,
        )
        .unwrap();
    sync(&writer, WRITER).unwrap();
    let server_before = rev(&g.server, "main");
    let err = sync(&anders, WRITER2).expect_err("the order was changed on both sides");
    let Error::SyncConflict(c) = &err else {
        panic!("{err}")
    };
    assert!(c.files.iter().any(|f| f.path == "priority.toml"), "{err}");
    assert!(err.to_string().contains("prioritering") || err.to_string().contains("priority"));
    assert_eq!(rev(&g.server, "main"), server_before);
    assert_eq!(git(&anders, &["status", "--porcelain"]), "");
}

#[test]
fn the_same_comment_resolved_twice_conflicts_but_comments_never_do() {
    let g = Group::new();
    let id = comment(&g.ws.root, MEMBER, "Hvem betaler?");
    sync(&g.ws.root, WRITER).unwrap();
    let anders = g.clone("anders", WRITER2);
    let jens = g.clone("jens", MEMBER);
    // Comments and replies from two clones: never a conflict.
    let reply = session(&jens, MEMBER).reply(&id, "Og hvornår?").unwrap();
    sync(&jens, MEMBER).unwrap();
    session(&g.ws.root, WRITER)
        .resolve(&id, oplaeg::model::Disposition::Met, "Regionerne.")
        .unwrap();
    session(&anders, WRITER2)
        .resolve(
            &id,
            oplaeg::model::Disposition::Noted,
            "Taget til efterretning.",
        )
        .unwrap();
    let w = sync(&g.ws.root, WRITER).expect("a reply and a resolution combine");
    assert_eq!(w.integration, Integration::Merged);
    let err = sync(&anders, WRITER2).expect_err("resolved twice");
    let Error::SyncConflict(c) = &err else {
        panic!("{err}")
    };
    assert_eq!(c.files[0].path, format!("comments/{id}.toml"), "{err}");
    assert!(comment_files(&g.server, "main").contains(&format!("comments/{}.toml", reply.id)));
}

/// Hand edits in a file the server changed stop the sync before anything
/// changes; hand edits elsewhere are kept through a sync.
#[test]
fn uncommitted_edits_the_merge_would_touch_are_refused() {
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    let text = g.ws.read("drafts/02-rehabilitering.md");
    session(&g.ws.root, WRITER)
        .revise_chapter("rehabilitering", &text.replace("fem år", "ti år"), "Ti år")
        .unwrap();
    sync(&g.ws.root, WRITER).unwrap();
    let chapter = anders.join("drafts/02-rehabilitering.md");
    std::fs::write(&chapter, format!("{text}\nMin kladde.\n")).unwrap();
    let head = rev(&anders, "HEAD");
    let err = sync(&anders, WRITER2).expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains("drafts/02-rehabilitering.md"), "{msg}");
    assert_eq!(rev(&anders, "HEAD"), head);
    assert!(
        std::fs::read_to_string(&chapter)
            .unwrap()
            .contains("Min kladde.")
    );

    // An edit in another file does not block, and survives the sync.
    std::fs::write(&chapter, &text).unwrap();
    let intro = anders.join("drafts/01-indledning.md");
    let mut edited = std::fs::read_to_string(&intro).unwrap();
    edited.push_str("\nKladde i indledningen.\n");
    std::fs::write(&intro, &edited).unwrap();
    let r = sync(&anders, WRITER2).expect("sync around the hand edit");
    assert_eq!(r.integration, Integration::FastForward);
    assert_eq!(std::fs::read_to_string(&intro).unwrap(), edited);
    assert!(std::fs::read_to_string(&chapter).unwrap().contains("ti år"));
    assert_eq!(
        git(&anders, &["status", "--porcelain"]),
        " M drafts/01-indledning.md"
    );
}

#[test]
fn meeting_tags_travel_and_a_different_tag_is_reported() {
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    session(&g.ws.root, WRITER).meeting_tag(5).unwrap();
    let r = sync(&g.ws.root, WRITER).unwrap();
    assert_eq!(r.tags_sent, ["meeting/5"]);
    assert_eq!(
        git(&g.server, &["rev-parse", "meeting/5^{commit}"]),
        rev(&g.ws.root, "meeting/5^{commit}")
    );
    // Anders tags meeting 6 on a later commit of his, the writer meeting 6 on hers.
    comment(&anders, WRITER2, "før mødet");
    session(&anders, WRITER2).meeting_tag(6).unwrap();
    session(&g.ws.root, WRITER).meeting_tag(6).unwrap();
    let a = sync(&anders, WRITER2).unwrap();
    assert_eq!(a.tags_received, ["meeting/5"]);
    assert_eq!(a.tags_sent, ["meeting/6"]);
    let mine = rev(&g.ws.root, "meeting/6");
    let w = sync(&g.ws.root, WRITER).unwrap();
    assert_eq!(w.tag_conflicts.len(), 1);
    assert_eq!(w.tag_conflicts[0].name, "meeting/6");
    // Neither tag was moved.
    assert_eq!(rev(&g.ws.root, "meeting/6"), mine);
    assert_eq!(rev(&g.server, "meeting/6"), rev(&anders, "meeting/6"));
}

#[test]
fn clone_refuses_what_is_not_an_oplaeg_and_leaves_nothing() {
    let g = Group::new();
    git(&g.ws.tmp, &["init", "-q", "--bare", "empty.git"]);
    let target = g.ws.tmp.join("x");
    let empty = g.ws.tmp.join("empty.git");
    let clone_empty = || {
        ops::clone(empty.to_str().unwrap(), &target, None, &mut quiet())
            .err()
            .expect("an empty repository is refused")
    };
    let err = clone_empty();
    assert!(err.to_string().contains("oplaeg sync"), "{err}");
    assert!(!target.exists());
    let hidden = g.ws.tmp.join(".x.oplaeg-clone");
    assert!(!hidden.exists(), "the hidden folder the clone is made in");
    let err = ops::clone("/nonexistent/x.git", &target, None, &mut quiet())
        .err()
        .expect("a missing server");
    assert!(!target.exists(), "{err}");
    assert!(!hidden.exists(), "{err}");
    // An empty folder made beforehand is left as it was.
    std::fs::create_dir(&target).unwrap();
    clone_empty();
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
    assert!(!hidden.exists());
    // An existing folder with files is never cloned into.
    let err = ops::clone(g.server.to_str().unwrap(), &g.ws.root, None, &mut quiet())
        .err()
        .expect("not into a full folder");
    assert!(matches!(err, Error::Exists(_)), "{err}");
}

#[test]
fn a_server_whose_head_names_another_branch_still_clones() {
    let g = Group::new();
    git(&g.server, &["symbolic-ref", "HEAD", "refs/heads/master"]);
    let jens = g.clone("jens", MEMBER);
    assert_eq!(git(&jens, &["rev-parse", "--abbrev-ref", "HEAD"]), "main");
    assert_eq!(rev(&jens, "HEAD"), rev(&g.server, "main"));
    comment(&jens, MEMBER, "hej");
    assert_eq!(sync(&jens, MEMBER).unwrap().sent, 1);
}

#[test]
fn unknown_server_names_are_explained() {
    let g = Group::new();
    let err = session(&g.ws.root, WRITER)
        .sync(Some("upstream"), &mut quiet())
        .expect_err("no such server");
    let msg = err.to_string();
    assert!(msg.contains("upstream") && msg.contains("origin"), "{msg}");
}

#[test]
fn progress_is_reported_while_syncing() {
    let g = Group::new();
    let jens = g.clone("jens", MEMBER);
    comment(&jens, MEMBER, "hej");
    let mut seen: Vec<Progress> = Vec::new();
    session(&jens, MEMBER)
        .sync(None, &mut |p: &Progress| seen.push(p.clone()))
        .unwrap();
    assert!(
        matches!(seen.first(), Some(Progress::Connecting(_))),
        "{seen:?}"
    );
    assert!(seen.contains(&Progress::Integrating), "{seen:?}");
    assert!(
        seen.iter().any(|p| matches!(p, Progress::Sending { .. })),
        "{seen:?}"
    );
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn oplaeg(home: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut c, home);
    c.current_dir(dir).env("LANG", "da_DK.UTF-8").args(args);
    c.output().expect("run oplaeg")
}

#[track_caller]
fn oplaeg_ok(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = oplaeg(home, dir, args);
    assert!(
        out.status.success(),
        "oplaeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn clone_then_status_shows_ahead_and_behind() {
    let g = Group::new();
    let home = &g.ws.home;
    let server = g.server.to_str().unwrap();
    let out = oplaeg_ok(home, &g.ws.tmp, &["clone", server, "--as", MEMBER]);
    let jens = g.ws.tmp.join("server");
    assert!(out.contains("Jens Nørgaard"), "{out}");
    assert!(out.contains("oplaeg sync"), "{out}");
    assert_eq!(git(&jens, &["config", "user.email"]), MEMBER);

    // Without --as: the next steps say how to say who you are.
    let out = oplaeg_ok(home, &g.ws.tmp, &["clone", server, "anon"]);
    assert!(
        out.contains("git -C") && out.contains("config user.email"),
        "{out}"
    );
    assert!(out.contains(MEMBER2), "the members are listed: {out}");

    let status = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&oplaeg_ok(home, dir, &["status", "--format", "json"])).unwrap()
    };
    let s = status(&jens);
    assert_eq!(s["sync"]["upstream"], "origin/main");
    assert_eq!(s["sync"]["ahead"], 0);
    assert_eq!(s["sync"]["behind"], 0);

    oplaeg_ok(
        home,
        &jens,
        &["comment", "add", "--chapter", "2", "--body", "Et"],
    );
    oplaeg_ok(
        home,
        &jens,
        &["comment", "add", "--chapter", "2", "--body", "To"],
    );
    comment(&g.ws.root, WRITER, "fra skribenten");
    sync(&g.ws.root, WRITER).unwrap();
    // Ahead 2; behind is only known after the next sync fetched.
    assert_eq!(status(&jens)["sync"]["ahead"], 2);
    let text = oplaeg_ok(home, &jens, &["status"]);
    assert!(text.contains("2 ændring(er) at sende"), "{text}");
    git(&jens, &["fetch", "-q"]);
    assert_eq!(status(&jens)["sync"]["behind"], 1);

    let out = oplaeg_ok(home, &jens, &["sync", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["integration"], "merged");
    assert_eq!(r["received"], 1);
    assert_eq!(r["sent"], 3);
    let s = status(&jens);
    assert_eq!(
        (s["sync"]["ahead"].clone(), s["sync"]["behind"].clone()),
        (0.into(), 0.into())
    );
    let text = oplaeg_ok(home, &jens, &["sync"]);
    assert!(text.contains("intet nyt fra serveren"), "{text}");

    // A conflict is one error on stderr with exit status 1.
    let out = oplaeg(home, &jens, &["sync", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}

/// Syncs like a person told "try again in a moment": a sync either works or
/// gives up with [`Error::ServerBusy`] (never anything else), and a later
/// try works.
fn sync_patiently(root: &Path, email: &str) -> SyncReport {
    for _ in 0..10 {
        match sync(root, email) {
            Ok(r) => return r,
            Err(Error::ServerBusy(n)) => {
                eprintln!("{email}: server busy after {n} attempts; trying again");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("sync under load: {e}"),
        }
    }
    panic!("{email}: the server stayed busy");
}

/// Many members, many comments, syncing at random moments at the same time
/// (the example `load_sync` runs the full 20 × 50). `url` is what the
/// clones use; `None` is the bare repository's path.
fn many_members_sync_in_random_order(g: &Group, url: Option<&str>) {
    let members = 6;
    let per = 8;
    let mut clones = Vec::new();
    for i in 0..members {
        let email = format!("m{i}@test.example");
        session(&g.ws.root, WRITER)
            .member_add(&format!("Medlem {i}"), &email, "Testorg", Role::Member)
            .unwrap();
        clones.push(email);
    }
    sync(&g.ws.root, WRITER).unwrap();
    let roots: Vec<(PathBuf, String)> = clones
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let root = match url {
                Some(u) => g.clone_from(u, &format!("c{i}"), e),
                None => g.clone(&format!("c{i}"), e),
            };
            (root, e.clone())
        })
        .collect();
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = roots
            .iter()
            .enumerate()
            .map(|(n, (root, email))| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let mut seed = n as u64 * 7919 + 17;
                    for i in 0..per {
                        mine.push(comment(root, email, &format!("{email} {i}")));
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        if (seed >> 33).is_multiple_of(3) {
                            sync_patiently(root, email);
                        }
                    }
                    sync_patiently(root, email);
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("member thread"))
            .collect()
    });
    assert_eq!(ids.len(), members * per);
    let on_server = g.server_comments();
    for id in &ids {
        assert!(
            on_server.contains(&format!("comments/{id}.toml")),
            "{id} missing"
        );
    }
    assert_eq!(on_server.len(), ids.len());
    // And the server's history keeps the roles: every comment by its author,
    // every merge adding nothing of its own.
    let report = ops::verify(&Store::open(&g.server).unwrap(), Some("main"), None).unwrap();
    assert!(report.ok(), "{:?}", report.violations);
    assert!(report.commits > members * per, "{}", report.commits);
}

#[test]
fn many_members_sync_at_random_moments_through_a_bare_repository() {
    many_members_sync_in_random_order(&Group::new(), None);
}

/// Through `git daemon` the server itself refuses a push whose base moved,
/// and the clones fetch, combine and try again.
#[test]
fn many_members_sync_at_random_moments_through_git_daemon() {
    let g = Group::new();
    let daemon = Daemon::start(&g.ws.tmp, &g.ws.home);
    many_members_sync_in_random_order(&g, Some(&daemon.url("server.git")));
}

// ---------------------------------------------------------------------------
// The terminal UI
// ---------------------------------------------------------------------------

fn ui(root: &Path, email: &str) -> oplaeg::tui::State {
    oplaeg::tui::State::new(Store::open(root).unwrap(), Some(email.to_string()), 100, 30).unwrap()
}

/// The screen as text, one line per row.
fn key_s() -> oplaeg::tui::Action {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    oplaeg::tui::keymap::lookup(
        oplaeg::tui::keymap::Scope::Comments,
        &KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT),
    )
    .expect("S is bound")
}

#[test]
fn the_ui_syncs_with_one_key_and_shows_the_result() {
    use oplaeg::tui::state::Popup;
    let g = Group::new();
    let jens = g.clone("jens", MEMBER);
    let mine = comment(&jens, MEMBER, "fra brugerfladen");
    let theirs = comment(&g.ws.root, WRITER, "fra skribenten");
    sync(&g.ws.root, WRITER).unwrap();

    let mut state = ui(&jens, MEMBER);
    assert!(screen(&state).contains("⇅ ↑1 ↓0"), "{}", screen(&state));
    assert_eq!(key_s(), oplaeg::tui::Action::Sync);
    oplaeg::tui::dispatch(&mut state, key_s());
    let Some(Popup::Sync(p)) = &state.popup else {
        panic!("a sync popup")
    };
    assert!(!p.running && !p.failed, "{p:?}");
    let shown = screen(&state);
    assert!(shown.contains("Synkroniseret med origin"), "{shown}");
    assert!(shown.contains("flettet"), "{shown}");
    assert!(shown.contains("⇅ ↑0 ↓0"), "{shown}");
    // Reloaded: both comments are in the UI's workspace, and on the server.
    let ids: Vec<&str> = state.ws.comments.iter().map(|c| c.id.as_str()).collect();
    assert!(ids.contains(&mine.as_str()) && ids.contains(&theirs.as_str()));
    assert_eq!(g.server_comments(), comment_files(&jens, "HEAD"));
    oplaeg::tui::dispatch(&mut state, oplaeg::tui::Action::Back);
    assert!(state.popup.is_none());
}

#[test]
fn the_ui_shows_a_conflict_with_the_files_and_steps() {
    use oplaeg::tui::state::Popup;
    let g = Group::new();
    let anders = g.clone("anders", WRITER2);
    session(&g.ws.root, WRITER)
        .rec_move("rehabilitering-til-alle", 1)
        .unwrap();
    sync(&g.ws.root, WRITER).unwrap();
    session(&anders, WRITER2)
        .rec_add("Ny", oplaeg::model::Horizon::Long, "Tekst.", None)
        .unwrap();
    let head = rev(&anders, "HEAD");
    let mut state = ui(&anders, WRITER2);
    oplaeg::tui::dispatch(&mut state, oplaeg::tui::Action::Resize(80, 24));
    oplaeg::tui::dispatch(&mut state, oplaeg::tui::Action::Sync);
    let Some(Popup::Sync(p)) = &state.popup else {
        panic!("a sync popup")
    };
    assert!(p.failed, "{p:?}");
    let shown = screen(&state);
    assert!(shown.contains("priority.toml"), "{shown}");
    // At the smallest size the whole text and how to close it still show.
    assert!(shown.contains("git merge --abort"), "{shown}");
    assert!(shown.contains("Enter eller Esc lukker"), "{shown}");
    assert!(
        shown.contains("git merge --no-commit origin/main"),
        "{shown}"
    );
    assert_eq!(rev(&anders, "HEAD"), head);
}

// ---------------------------------------------------------------------------
// ssh, against a real sshd on 127.0.0.1 (skipped when sshd is not installed)
// ---------------------------------------------------------------------------

/// The binary with `home` as HOME and no ssh-agent, waiting at most a
/// minute (a credential loop would hang here instead of ending).
fn oplaeg_ssh(home: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut c, home);
    c.current_dir(dir)
        .env("LANG", "da_DK.UTF-8")
        .env_remove("SSH_AUTH_SOCK")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run oplaeg");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("oplaeg {args:?} did not finish within a minute");
}

#[test]
fn members_sync_over_ssh_with_key_files_and_clear_refusals() {
    let g = Group::new();
    let home = g.ws.tmp.join("ssh-home");
    let Some(sshd) = Sshd::start(&g.ws.tmp, &home) else {
        return;
    };
    sshd.trust(&home);
    let url = sshd.url(&g.server);
    let dir = &g.ws.tmp;

    // A member clones over ssh with the key file, comments and syncs.
    let out = oplaeg_ssh(&home, dir, &["clone", &url, "jens", "--as", MEMBER]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jens = dir.join("jens");
    assert_eq!(git(&jens, &["remote", "get-url", "origin"]), url);
    let id = comment(&jens, MEMBER, "over ssh");
    let out = oplaeg_ssh(&home, &jens, &["sync", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["sent"], 1);
    assert!(g.server_comments().contains(&format!("comments/{id}.toml")));

    // An unknown host key: refused, with how to check and trust it.
    let stranger = dir.join("stranger-home");
    std::fs::create_dir_all(stranger.join(".ssh")).unwrap();
    std::fs::copy(
        home.join(".ssh/id_ed25519"),
        stranger.join(".ssh/id_ed25519"),
    )
    .unwrap();
    let out = oplaeg_ssh(&stranger, dir, &["clone", &url, "x1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("known_hosts") && err.contains(&format!("-p {}", sshd.port)),
        "{err}"
    );
    assert!(!dir.join("x1").exists());

    // A key the server does not know: each key is offered once, then a
    // clear refusal naming what was tried (no endless prompting).
    let wrong = dir.join("wrong-home");
    std::fs::create_dir_all(wrong.join(".ssh")).unwrap();
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(wrong.join(".ssh/id_ed25519"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    sshd.trust(&wrong);
    let out = oplaeg_ssh(&wrong, dir, &["clone", &url, "x2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("id_ed25519") && err.contains("ssh-add"),
        "{err}"
    );
    assert!(!dir.join("x2").exists());
    sshd.stop();
}

/// A member's comment on a sentence of the rehabilitation chapter, then the
/// writer edits that chapter, commits and tags meeting `n` (each meeting
/// then has a draft of its own), and sends it to the server.
fn hold_meeting(g: &Group, n: u32) {
    session(&g.ws.root, MEMBER)
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: Some(UNIQUE_QUOTE.into()),
            },
            &format!("Citat før møde {n}"),
        )
        .expect("quoted comment");
    add_to_chapter(g, &format!("Tilføjet før møde {n}."));
    session(&g.ws.root, WRITER).meeting_tag(n).unwrap();
    sync(&g.ws.root, WRITER).unwrap();
}

/// The writer adds a line to the rehabilitation chapter and commits it.
fn add_to_chapter(g: &Group, line: &str) {
    let path = g.ws.root.join("drafts/02-rehabilitering.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n{line}\n")).unwrap();
    g.ws.git_commit_all_as(WRITER_NAME, WRITER, "2024-06-01T10:00:00+02:00", line);
}

/// Whether the clone `dir`'s cache holds the chapters of `rev` in the
/// writer's workspace `writer` (the tree id from plain git; the file is
/// named by it).
fn drafts_cached(dir: &Path, writer: &Path, rev_: &str) -> bool {
    let tree = rev(writer, &format!("{rev_}:drafts"));
    dir.join(".git/oplaeg/cache")
        .join(format!("drafts-{tree}"))
        .is_file()
}

/// `oplaeg diff FROM TO --format json` on a clone; with `cache` false the
/// cache is turned off for the run.
fn diff_json(dir: &Path, from: &str, to: &str, cache: bool) -> String {
    let out = diff_cmd(dir, from, to, cache).output().unwrap();
    checked(&["oplaeg", "diff", from, to], out)
}

/// The command `oplaeg diff FROM TO --format json` on a clone, isolated;
/// with `cache` false the cache is turned off for the run.
fn diff_cmd(dir: &Path, from: &str, to: &str, cache: bool) -> Command {
    let home = dir.join(".git/test-home");
    std::fs::create_dir_all(&home).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    c.arg("--repo")
        .arg(dir)
        .args(["diff", from, to, "--format", "json"]);
    isolate(&mut c, &home);
    if !cache {
        c.env("OPLAEG_NO_CACHE", "1");
    }
    c
}

/// Whether every quoted comment of `rev` in the clone `dir` is placed on
/// `rev`'s chapters from the cache (none placed anew); how many there are.
fn placed_from_cache(dir: &Path, rev_: &str) -> usize {
    let store = Store::open(dir).unwrap();
    let ws = store.load(&oplaeg::store::Rev::parse(rev_)).unwrap();
    let mut anchorer = oplaeg::anchor::Anchorer::new(&store, &ws);
    let placed = ws.comments.iter().filter_map(|c| anchorer.place(c)).count();
    let used = anchorer.used();
    assert_eq!(used.placed, 0, "{rev_}: all placements from the cache");
    assert_eq!(used.reused, placed);
    placed
}

/// A new clone is ready for what a member does first – compare the last
/// meetings' drafts and open the oplæg: the chapters of the last three
/// meetings and the whole workspace at HEAD are in its cache, and the
/// comments are placed on HEAD's and the last meeting's chapters. A sync
/// that brings a new meeting does the same for it. The diffs read the same
/// with the cache off.
#[test]
fn a_clone_and_a_sync_ready_the_cache_for_the_last_meetings() {
    let g = Group::new();
    for n in 1..=4 {
        hold_meeting(&g, n);
    }
    // The chapter edited again after the meeting: HEAD's placements are not
    // the meeting's.
    add_to_chapter(&g, "Tilføjet efter møde 4.");
    comment(&g.ws.root, WRITER, "efter møde 4");
    sync(&g.ws.root, WRITER).unwrap();
    let jens = g.clone("jens", MEMBER);
    assert!(
        !drafts_cached(&jens, &g.ws.root, "meeting/1"),
        "only the last three"
    );
    for m in ["meeting/2", "meeting/3", "meeting/4", "HEAD"] {
        assert!(
            drafts_cached(&jens, &g.ws.root, m),
            "{m}'s chapters are cached"
        );
    }
    let store = Store::open(&jens).unwrap();
    store.load(&oplaeg::store::Rev::head()).unwrap();
    assert!(store.cache_use().folder_hit, "HEAD's comments are cached");
    assert_eq!(store.cache_use().parsed, 0);
    assert_eq!(placed_from_cache(&jens, "meeting/4"), 4);
    assert_eq!(placed_from_cache(&jens, "HEAD"), 4);
    assert_eq!(
        diff_json(&jens, "meeting/3", "meeting/4", true),
        diff_json(&jens, "meeting/3", "meeting/4", false)
    );

    hold_meeting(&g, 5);
    assert!(!drafts_cached(&jens, &g.ws.root, "meeting/5"));
    sync(&jens, MEMBER).unwrap();
    assert!(
        drafts_cached(&jens, &g.ws.root, "meeting/5"),
        "the new meeting's chapters"
    );
    assert_eq!(placed_from_cache(&jens, "meeting/5"), 5);
    // A clone made when HEAD is the last meeting: its comments placed once,
    // for both.
    assert_eq!(rev(&g.server, "HEAD"), rev(&g.server, "meeting/5^{commit}"));
    let birgitte = g.clone("birgitte", MEMBER2);
    assert_eq!(placed_from_cache(&birgitte, "meeting/5"), 5);
    assert_eq!(placed_from_cache(&birgitte, "HEAD"), 5);
    assert_eq!(
        diff_json(&jens, "meeting/4", "meeting/5", true),
        diff_json(&jens, "meeting/4", "meeting/5", false)
    );
}

/// Everything `oplaeg diff FROM TO --format json` says on a clone (exit
/// status, output, errors), with the cache on or off.
fn diff_outcome(dir: &Path, from: &str, to: &str, cache: bool) -> (bool, String, String) {
    let out = diff_cmd(dir, from, to, cache).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A server whose meeting tags point at what no writer's `oplaeg meeting`
/// makes – a tree, a blob, an annotated tag of a tree, a commit whose
/// `drafts` is a file, a commit whose drafts hold a folder, a link, a
/// submodule and text that is not UTF-8 under chapter names, a commit
/// outside the branch's history, names that are not meeting numbers – stops
/// neither a clone nor a sync (both ready the cache for the last meetings),
/// and every diff to those tags reads the same with the cache as without.
#[test]
fn odd_meeting_tags_on_the_server_stop_neither_clone_nor_sync() {
    let g = Group::new();
    for n in 1..=2 {
        hold_meeting(&g, n);
    }
    let birgitte = g.clone("birgitte", MEMBER2);
    let who = [
        ("GIT_AUTHOR_NAME", "Ukendt"),
        ("GIT_AUTHOR_EMAIL", "ukendt@example.org"),
        ("GIT_COMMITTER_NAME", "Ukendt"),
        ("GIT_COMMITTER_EMAIL", "ukendt@example.org"),
    ];
    let server = &g.server;
    let tree = rev(server, "main^{tree}");
    let blob = rev(server, "main:oplaeg.toml");
    git(server, &["update-ref", "refs/tags/meeting/7", &tree]);
    git(server, &["update-ref", "refs/tags/meeting/8", &blob]);
    git_env(
        server,
        &["tag", "-a", "meeting/10", "-m", "Møde 10", &tree],
        &who,
    );
    // Commits made with plain git in a clone of their own.
    let crafted = g.ws.tmp.join("crafted");
    git(
        &g.ws.tmp,
        &["clone", "-q", server.to_str().unwrap(), "crafted"],
    );
    let commit = |msg: &str| {
        git_env(&crafted, &["add", "-A"], &who);
        git_env(
            &crafted,
            &["commit", "-q", "--allow-empty", "-m", msg],
            &who,
        );
    };
    // meeting/9: `drafts` is a file.
    git(&crafted, &["rm", "-rq", "drafts"]);
    std::fs::write(crafted.join("drafts"), "ikke en mappe\n").unwrap();
    commit("drafts er en fil");
    git(&crafted, &["tag", "meeting/9"]);
    // meeting/11: odd entries under chapter names.
    git(&crafted, &["reset", "-q", "--hard", "origin/main"]);
    let drafts = crafted.join("drafts");
    std::fs::create_dir_all(drafts.join("05-mappe.md")).unwrap();
    std::fs::write(drafts.join("05-mappe.md/x.md"), "# X\n").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", drafts.join("06-link.md")).unwrap();
    std::fs::write(
        drafts.join("07-bytes.md"),
        b"# Bytes \xff\xfe\n\nTekst \xc3\n",
    )
    .unwrap();
    git_env(
        &crafted,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{},drafts/08-modul.md", rev(server, "main")),
        ],
        &who,
    );
    git_env(
        &crafted,
        &[
            "add",
            "drafts/05-mappe.md",
            "drafts/06-link.md",
            "drafts/07-bytes.md",
        ],
        &who,
    );
    git_env(
        &crafted,
        &["commit", "-q", "-m", "mærkelige kapitler"],
        &who,
    );
    git(&crafted, &["tag", "meeting/11"]);
    // meeting/12: a commit outside the branch's history, with a broken
    // configuration.
    git(&crafted, &["checkout", "-q", "--orphan", "fremmed"]);
    git(&crafted, &["rm", "-rqf", "--cached", "."]);
    std::fs::write(crafted.join("oplaeg.toml"), "[[[ikke toml\n").unwrap();
    git_env(&crafted, &["add", "oplaeg.toml"], &who);
    git_env(&crafted, &["commit", "-q", "-m", "fremmed"], &who);
    git(&crafted, &["tag", "meeting/12"]);
    git(&crafted, &["tag", "meeting/4294967297"]);
    git(&crafted, &["tag", "meeting/-3"]);
    git(
        &crafted,
        &[
            "push",
            "-q",
            "origin",
            "refs/tags/meeting/9",
            "refs/tags/meeting/11",
            "refs/tags/meeting/12",
            "refs/tags/meeting/4294967297",
            "refs/tags/meeting/-3",
        ],
    );

    let jens = g.clone("jens", MEMBER);
    let report = sync(&birgitte, MEMBER2).expect("a sync past odd meeting tags");
    assert_eq!(rev(&birgitte, "HEAD"), rev(server, "main"), "{report:?}");
    for dir in [&jens, &birgitte] {
        oplaeg_ok(&dir.join(".git/test-home"), dir, &["status"]);
        assert_eq!(
            diff_json(dir, "meeting/1", "meeting/2", true),
            diff_json(dir, "meeting/1", "meeting/2", false)
        );
    }
    for to in [
        "meeting/7",
        "meeting/8",
        "meeting/9",
        "meeting/10",
        "meeting/11",
        "meeting/12",
    ] {
        let with = diff_outcome(&jens, "meeting/2", to, true);
        assert_eq!(with, diff_outcome(&jens, "meeting/2", to, false), "{to}");
        assert!(!with.2.contains("panicked"), "{to}: {}", with.2);
        // The tags of a tree or a file are named as such, not as unknown.
        let not_commit = ["meeting/7", "meeting/8", "meeting/10"].contains(&to);
        assert_eq!(!with.0, not_commit, "{to}: {}", with.2);
        if not_commit {
            assert!(
                with.2.contains("ikke en version af oplægget"),
                "{to}: {}",
                with.2
            );
        }
    }
}

/// A clone that fetches from one path and pushes to another
/// (`remote.origin.pushurl`): the sync's push lands where the push URL
/// says, not in the fetch URL's repository (libgit2's transport for a path
/// pushes to the fetch URL by itself).
#[test]
fn a_push_url_that_is_a_path_gets_the_push() {
    let g = Group::new();
    let jens = g.clone("jens", MEMBER);
    let mirror = g.ws.tmp.join("mirror.git");
    git(
        &g.ws.tmp,
        &[
            "clone",
            "-q",
            "--bare",
            g.server.to_str().unwrap(),
            "mirror.git",
        ],
    );
    let before = rev(&mirror, "main");
    git(
        &jens,
        &["remote", "set-url", "origin", mirror.to_str().unwrap()],
    );
    git(
        &jens,
        &[
            "remote",
            "set-url",
            "--push",
            "origin",
            g.server.to_str().unwrap(),
        ],
    );
    let id = comment(&jens, MEMBER, "sendt til push-adressen");
    let report = sync(&jens, MEMBER).expect("sync");
    assert_eq!(report.sent, 1);
    assert!(g.server_comments().contains(&format!("comments/{id}.toml")));
    assert_eq!(rev(&g.server, "main"), rev(&jens, "HEAD"));
    assert_eq!(
        rev(&mirror, "main"),
        before,
        "nothing pushed to the fetch URL"
    );
}

#[track_caller]
fn assert_fsck_clean(dir: &Path) {
    let fsck = git_output(dir, &["fsck", "--full", "--no-dangling"]);
    assert!(
        fsck.status.success() && fsck.stdout.is_empty(),
        "git fsck: {}{}",
        String::from_utf8_lossy(&fsck.stdout),
        String::from_utf8_lossy(&fsck.stderr)
    );
}

/// After housekeeping: the clone reads every comment in `ids` from git
/// (the load cache gone), writes one more and syncs on; server and clone
/// hold the same comments and plain git finds the clone whole.
#[track_caller]
fn assert_reads_all_and_syncs_on(g: &Group, ids: &[String]) {
    let root = &g.ws.root;
    let _ = std::fs::remove_dir_all(root.join(".git/oplaeg/cache"));
    let loaded = Store::open(root)
        .expect("open")
        .load(&oplaeg::store::Rev::head())
        .expect("load");
    for id in ids {
        assert!(
            loaded.comments.iter().any(|c| &c.id == id),
            "comment {id} read from git"
        );
    }
    comment(root, MEMBER, "Efter oprydningen");
    sync(root, MEMBER).expect("the next sync");
    assert_eq!(
        comment_files(&g.server, "main"),
        comment_files(root, "HEAD")
    );
    assert_fsck_clean(root);
}

/// Comments written until the clone holds `at_least` loose objects.
fn comment_until_loose(root: &Path, at_least: usize) -> Vec<String> {
    let mut ids = Vec::new();
    while loose_objects(root) < at_least {
        ids.push(comment(
            root,
            MEMBER,
            &format!("Bemærkning nr. {}", ids.len()),
        ));
    }
    ids
}

/// The loose objects of many changes go into one pack at the next sync,
/// and their files go: no object is lost, plain git finds the repository
/// whole, the server and the clone hold the same comments, and the clone
/// reads every one of them from the pack.
#[test]
fn a_sync_packs_many_loose_objects_and_loses_none() {
    let g = Group::new();
    let root = g.ws.root.clone();
    let ids = comment_until_loose(&root, oplaeg::store::PACK_AT_OBJECTS);
    let before = object_ids(&root);
    let packs_before = pack_files(&root).len();
    sync(&root, MEMBER).expect("sync");
    assert_eq!(loose_objects(&root), 0, "every loose object packed");
    assert_eq!(object_ids(&root), before, "the same objects, none lost");
    let packs_after = pack_files(&root).len();
    assert!(packs_after > packs_before, "a new pack");
    assert_fsck_clean(&root);
    assert_eq!(
        comment_files(&g.server, "main"),
        comment_files(&root, "HEAD")
    );
    assert_reads_all_and_syncs_on(&g, &ids);
}

/// A few changes stay loose: a sync packs only when there are many.
#[test]
fn a_sync_leaves_a_few_loose_objects_alone() {
    let g = Group::new();
    let root = g.ws.root.clone();
    comment(&root, MEMBER, "Én bemærkning");
    let loose = loose_objects(&root);
    assert!(loose > 0 && loose < oplaeg::store::PACK_AT_OBJECTS);
    sync(&root, MEMBER).expect("sync");
    assert_eq!(loose_objects(&root), loose);
}

/// Attacks on packing through the files in `.git/objects`: a file named
/// like an object that is not one, and a real object whose file was cut
/// short (libgit2's reader loops forever on one; packing must not hand it
/// one). Neither stops the sync or costs another object: each is left
/// where it is, out of the pack, and the rest is packed.
#[test]
fn damaged_loose_objects_never_cost_another_object() {
    let g = Group::new();
    let root = g.ws.root.clone();
    comment_until_loose(&root, oplaeg::store::PACK_AT_OBJECTS);
    let objects = root.join(".git/objects");

    // Not an object at all, under an object's name.
    let junk_id = "ab".to_string() + &"0".repeat(38);
    std::fs::create_dir_all(objects.join("ab")).unwrap();
    let junk = objects.join("ab").join(&junk_id[2..]);
    std::fs::write(&junk, b"this is not a git object").unwrap();
    sync(&root, MEMBER).expect("sync with a junk file");
    assert!(junk.exists(), "what git cannot read is left alone");
    assert_eq!(loose_objects(&root), 1, "everything else packed");
    std::fs::remove_file(&junk).unwrap();
    assert_fsck_clean(&root);

    // A real object whose file is cut short.
    comment_until_loose(&root, oplaeg::store::PACK_AT_OBJECTS);
    let big = g.ws.tmp.join("big.txt");
    std::fs::write(&big, "x".repeat(100_000)).unwrap();
    let id = git(&root, &["hash-object", "-w", big.to_str().unwrap()]);
    let file = objects.join(&id[..2]).join(&id[2..]);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() > 40);
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let before = object_ids(&root);
    sync(&root, MEMBER).expect("sync with an object cut short");
    assert!(file.exists(), "the damaged file is left alone");
    assert_eq!(loose_objects(&root), 1, "everything else packed");
    assert_eq!(object_ids(&root), before, "no object lost");
    std::fs::remove_file(&file).unwrap();
    assert_fsck_clean(&root);
    assert_eq!(
        comment_files(&g.server, "main"),
        comment_files(&root, "HEAD")
    );
}

/// Many small packs – as the fetches of many syncs leave them – are merged
/// into one at the next sync, and go: no object is lost (plain git), a pack
/// marked to be kept stays, and the clone reads every comment and syncs on.
#[test]
fn a_sync_merges_many_small_packs_and_loses_no_object() {
    let g = Group::new();
    let root = g.ws.root.clone();
    let mut ids = Vec::new();
    while pack_files(&root).len() < oplaeg::store::MERGE_AT_PACKS + 1 {
        ids.push(comment(&root, MEMBER, &format!("Pakke nr. {}", ids.len())));
        git(&root, &["-c", "gc.auto=0", "repack", "-q", "-d"]);
    }
    let kept = pack_files(&root)[0].clone();
    std::fs::write(kept.with_extension("keep"), "").unwrap();
    let before = object_ids(&root);
    sync(&root, MEMBER).expect("sync");
    let after = pack_files(&root);
    assert_eq!(
        after.len(),
        2,
        "the kept pack and the merged one: {after:?}"
    );
    assert!(after.contains(&kept), "the kept pack stays");
    assert_eq!(object_ids(&root), before, "the same objects, none lost");
    assert_fsck_clean(&root);
    assert_reads_all_and_syncs_on(&g, &ids);
}
