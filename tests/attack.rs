//! The attack suite: a real bare server made by `oplaeg server init`, and a
//! member (or a writer) who tries, with plain `git push`, every way of
//! fooling it the shapes of git allow – refs, parents, trees, tags and the
//! fields that name a person. Every attack must be refused with a reason
//! that names the rule, and the server's refs must stay exactly as they
//! were (`git for-each-ref`). The ordinary ways of working must still be
//! accepted, and `oplaeg verify` must pass on the server afterwards.
//! `oplaeg sync` is tried against path, `file://`, `git://` and `ssh://`
//! servers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use oplaeg::model::Disposition;
use oplaeg::ops::{NewTarget, Session};
use oplaeg::store::{Progress, Store};

const DATE: &str = "2024-06-01T12:00:00+02:00";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn on_chapter() -> NewTarget {
    NewTarget::Chapter {
        chapter: "rehabilitering".into(),
        quote: None,
    }
}

fn session(root: &Path, email: &str) -> Session {
    Session::new(Store::open(root).expect("open clone"), Some(email)).expect("session")
}

/// A writer's workspace published to a server made by `oplaeg server init`,
/// with a comment by each member, a resolution and meeting tag 3.
struct Lab {
    ws: Ws,
    server: PathBuf,
    /// Jens's comment (resolved by the writer) and Birgitte's (open).
    jens_comment: String,
    birgitte_comment: String,
}

impl Lab {
    fn new() -> Lab {
        let ws = Ws::sample();
        let jens = ws
            .session(MEMBER)
            .add_comment(on_chapter(), "Jens' kommentar.")
            .unwrap();
        let birgitte = ws
            .session(MEMBER2)
            .add_comment(on_chapter(), "Birgittes kommentar.")
            .unwrap();
        ws.session(WRITER)
            .resolve(&jens.id, Disposition::Met, "Rettet.")
            .unwrap();
        ws.session(WRITER).meeting_tag(3).unwrap();
        let server = ws.tmp.join("server.git");
        let out = init_server(&server, &ws.home);
        let said = text(&out.stdout);
        assert!(said.contains("Næste skridt"), "{said}");
        assert!(said.contains("OPLAEG_PUSHER"), "{said}");
        ws.git(&["remote", "add", "origin", server.to_str().unwrap()]);
        // The writer publishes with plain git: a root commit into an empty
        // server, and the meeting tag.
        let out = ws.git_output(&["push", "origin", "main", "refs/tags/meeting/3"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("holder rollerne"));
        Lab {
            ws,
            server,
            jens_comment: jens.id,
            birgitte_comment: birgitte.id,
        }
    }

    /// A plain `git clone` of the server for `email`, with git's identity set.
    fn clone(&self, folder: &str, name: &str, email: &str) -> PathBuf {
        let dir = self.ws.tmp.join(folder);
        checked(
            &["clone"],
            git_output_in(
                &self.ws.tmp,
                &self.ws.home,
                &["clone", "-q", self.server.to_str().unwrap(), folder],
                &[],
            ),
        );
        git(&dir, &["config", "user.name", name]);
        git(&dir, &["config", "user.email", email]);
        dir
    }

    fn jens(&self) -> PathBuf {
        self.clone("jens", MEMBER_NAME, MEMBER)
    }

    fn refs(&self) -> String {
        server_refs(&self.server)
    }

    /// `git push ARGS` in `dir` as plain git does it.
    fn push(&self, dir: &Path, args: &[&str]) -> Output {
        self.push_env(dir, args, &[])
    }

    fn push_env(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut all = vec!["push"];
        all.extend_from_slice(args);
        git_output_in(dir, &self.ws.home, &all, env)
    }

    /// The push was refused naming `rule`, and the server did not change.
    #[track_caller]
    fn refused(&self, before: &str, out: &Output, rule: &str) -> String {
        let err = text(&out.stderr);
        assert!(!out.status.success(), "the push must be refused:\n{err}");
        assert!(
            err.contains(&format!("[{rule}]")),
            "expected [{rule}]:\n{err}"
        );
        assert!(err.contains("intet af skubbet er gemt"), "{err}");
        assert_eq!(self.refs(), before, "the server's refs changed:\n{err}");
        err
    }

    /// `oplaeg verify` on the server: the whole history keeps the roles.
    #[track_caller]
    fn verify_server(&self) {
        let out = oplaeg_cmd(&self.ws.home)
            .arg("--repo")
            .arg(&self.server)
            .arg("verify")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let fsck = git_output(&self.server, &["fsck", "--no-dangling"]);
        assert!(fsck.status.success(), "{}", text(&fsck.stderr));
    }
}

/// A commit of everything in `dir` made by hand as `name <email>`.
fn commit_as(dir: &Path, name: &str, email: &str, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git_env(
        dir,
        &["commit", "-q", "--allow-empty", "-m", message],
        &author_env(name, email, DATE),
    );
    git(dir, &["rev-parse", "HEAD"])
}

/// `oplaeg.toml` with `email`'s role changed to `role`.
fn promote(config: &str, email: &str, role: &str) -> String {
    let at = config.find(&format!("email = \"{email}\"")).unwrap();
    let rest = &config[at..];
    let line = rest.find("role = ").unwrap();
    let end = rest[line..].find('\n').unwrap();
    format!(
        "{}role = \"{role}\"{}",
        &config[..at + line],
        &rest[line + end..]
    )
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const CHAPTER: &str = "drafts/02-rehabilitering.md";

// ---------------------------------------------------------------------------
// The server itself
// ---------------------------------------------------------------------------

#[test]
fn server_init_makes_a_guarded_bare_repository_and_keeps_an_existing_one() {
    let lab = Lab::new();
    for (key, value) in [
        ("receive.denyNonFastForwards", "true"),
        ("receive.denyDeletes", "true"),
        ("receive.fsckObjects", "true"),
        ("core.bare", "true"),
    ] {
        assert_eq!(git(&lab.server, &["config", key]), value, "{key}");
    }
    let hook = read(&lab.server, "hooks/pre-receive");
    assert!(hook.contains("verify --pre-receive"), "{hook}");
    assert!(hook.contains(env!("CARGO_BIN_EXE_oplaeg")), "{hook}");
    // Run again on the same server: its content stays, the hook is renewed.
    let before = lab.refs();
    let out = init_server(&lab.server, &lab.ws.home);
    assert!(text(&out.stdout).contains("indholdet er uændret"));
    assert_eq!(lab.refs(), before);
    // A folder with other things in it is refused.
    let other = lab.ws.tmp.join("other");
    write(&other, "x.txt", "x");
    let out = oplaeg_cmd(&lab.ws.home)
        .args(["server", "init"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("hverken tom"),
        "{}",
        text(&out.stderr)
    );
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// Refs: which, how they move, never deleted
// ---------------------------------------------------------------------------

#[test]
fn a_takeover_through_an_unrelated_root_commit_is_refused_in_every_shape() {
    let lab = Lab::new();
    let jens = lab.jens();
    let before = lab.refs();
    // A root commit making Jens a writer, with a chapter edit.
    git(&jens, &["switch", "-q", "--orphan", "takeover"]);
    let config = read(&lab.ws.root, "oplaeg.toml");
    let promoted = promote(&config, MEMBER, "writer");
    assert_ne!(promoted, config);
    for f in ["oplaeg.toml", CHAPTER] {
        let from = lab.ws.root.join(f);
        write(&jens, f, &std::fs::read_to_string(from).unwrap());
    }
    write(&jens, "oplaeg.toml", &promoted);
    write(&jens, CHAPTER, "# Rehabilitering\n\nJens bestemmer nu.\n");
    commit_as(&jens, MEMBER_NAME, MEMBER, "Ny begyndelse");

    // To a new branch: no such branch is kept.
    let out = lab.push(&jens, &["origin", "takeover"]);
    let err = lab.refused(&before, &out, "ref-not-allowed");
    assert!(err.contains("refs/heads/takeover"), "{err}");
    // Other names for it: a tag, a note, a ref outside heads and tags.
    for dest in [
        "refs/tags/v1",
        "refs/notes/commits",
        "refs/oplaeg/x",
        "refs/tags/meeting/x",
    ] {
        let out = lab.push(&jens, &["origin", &format!("takeover:{dest}")]);
        lab.refused(&before, &out, "ref-not-allowed");
    }
    // Merged into main so the files equal main's ("nothing added").
    git(&jens, &["switch", "-q", "main"]);
    git_env(
        &jens,
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-s",
            "ours",
            "-m",
            "Flet",
            "takeover",
        ],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let out = lab.push(&jens, &["origin", "main"]);
    let err = lab.refused(&before, &out, "unrelated-history");
    assert!(err.contains("remote:"), "{err}");
    // The other way round: main merged into the root's line.
    git(&jens, &["reset", "-q", "--hard", "origin/main"]);
    git(&jens, &["switch", "-q", "takeover"]);
    git_env(
        &jens,
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-s",
            "ours",
            "-m",
            "Flet",
            "origin/main",
        ],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let out = lab.push(&jens, &["origin", "takeover:main"]);
    lab.refused(&before, &out, "unrelated-history");
    // Or the root itself forced in place of main.
    let out = lab.push(&jens, &["-f", "origin", "takeover^1:refs/heads/main"]);
    lab.refused(&before, &out, "fast-forward-only");
    // The server still knows Jens as a member only.
    let out = oplaeg_cmd(&lab.ws.home)
        .args(["--format", "json", "member", "list", "--repo"])
        .arg(&lab.server)
        .output()
        .unwrap();
    let list = text(&out.stdout);
    let members: serde_json::Value = serde_json::from_str(&list).unwrap();
    let jens_role = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == MEMBER)
        .map(|m| m["role"].clone());
    assert_eq!(jens_role, Some(serde_json::json!("member")), "{list}");
    lab.verify_server();
}

#[test]
fn history_is_never_rewritten_or_deleted() {
    let lab = Lab::new();
    // The writer adds ten more commits, then tries to rewrite them away.
    for i in 0..10 {
        lab.ws
            .session(WRITER)
            .revise_chapter(
                "rehabilitering",
                &format!("# Rehabilitering\n\nUdgave {i}.\n"),
                "Ny udgave",
            )
            .unwrap();
    }
    let out = lab.ws.git_output(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = lab.refs();
    let out = lab.ws.git_output(&["push", "-f", "origin", "HEAD~10:main"]);
    lab.refused(&before, &out, "fast-forward-only");
    // A member's forced push of an older state too.
    let jens = lab.jens();
    let out = lab.push(&jens, &["-f", "origin", "HEAD~3:main"]);
    lab.refused(&before, &out, "fast-forward-only");
    // Deleting the meeting tag, or main, by anyone.
    let out = lab
        .ws
        .git_output(&["push", "origin", ":refs/tags/meeting/3"]);
    lab.refused(&before, &out, "no-deletes");
    let out = lab.push(&jens, &["origin", ":refs/heads/main"]);
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert_eq!(lab.refs(), before);
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// Meeting tags
// ---------------------------------------------------------------------------

#[test]
fn meeting_tags_are_made_once_by_a_writer_on_main_and_never_copied() {
    let lab = Lab::new();
    let ws = &lab.ws;
    let before = lab.refs();
    // The writer's own meeting/3 tag object pushed again as meeting/9.
    let tag3 = ws.git(&["rev-parse", "refs/tags/meeting/3"]);
    let out = ws.git_output(&["push", "origin", &format!("{tag3}:refs/tags/meeting/9")]);
    let err = lab.refused(&before, &out, "meeting-tag-shape");
    assert!(err.contains("meeting/3"), "{err}");
    // meeting/3 moved to another draft.
    ws.session(WRITER)
        .revise_chapter("rehabilitering", "# Rehabilitering\n\nNy.\n", "Ny")
        .unwrap();
    let out = ws.git_output(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = lab.refs();
    ws.git_env(
        &["tag", "-f", "-a", "meeting/3", "-m", "3. møde"],
        &author_env(WRITER_NAME, WRITER, DATE),
    );
    let out = ws.git_output(&["push", "-f", "origin", "refs/tags/meeting/3"]);
    lab.refused(&before, &out, "meeting-tag-shape");
    // A lightweight tag, even by the writer.
    ws.git(&["tag", "meeting/5"]);
    let out = ws.git_output(&["push", "origin", "refs/tags/meeting/5"]);
    lab.refused(&before, &out, "meeting-tags-by-writers");
    // A tag on a commit outside main.
    ws.git(&["switch", "-q", "-c", "side"]);
    ws.session(WRITER)
        .revise_chapter("rehabilitering", "# Rehabilitering\n\nSide.\n", "Side")
        .unwrap();
    ws.git_env(
        &["tag", "-a", "meeting/6", "-m", "6. møde"],
        &author_env(WRITER_NAME, WRITER, DATE),
    );
    let out = ws.git_output(&["push", "origin", "refs/tags/meeting/6"]);
    lab.refused(&before, &out, "meeting-tag-shape");
    ws.git(&["switch", "-q", "main"]);
    // A member's annotated tag, with the right name and on main.
    let jens = lab.jens();
    git_env(
        &jens,
        &["tag", "-a", "meeting/7", "-m", "7. møde"],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let out = lab.push(&jens, &["origin", "refs/tags/meeting/7"]);
    lab.refused(&before, &out, "meeting-tags-by-writers");
    // The writer's own new meeting tag on main is accepted.
    ws.git(&["tag", "-d", "meeting/5"]);
    ws.session(WRITER).meeting_tag(4).unwrap();
    let out = ws.git_output(&["push", "origin", "refs/tags/meeting/4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(lab.refs().contains("refs/tags/meeting/4"));
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// Merges
// ---------------------------------------------------------------------------

/// Jens's clone with a comment of his own, fetched after the writers'
/// work ([`writers_work_after`]) reached the server: ready to merge.
fn jens_behind_the_writers(lab: &Lab) -> PathBuf {
    let jens = lab.jens();
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Fra Jens' klon.")
        .unwrap();
    writers_work_after(lab);
    git(&jens, &["fetch", "-q", "origin"]);
    jens
}

/// The writer's work on the server after Jens cloned: a chapter edit, a
/// resolution and Birgitte's reply.
fn writers_work_after(lab: &Lab) {
    lab.ws
        .session(WRITER)
        .revise_chapter(
            "rehabilitering",
            &format!("{SAMPLE_REHAB}\nSkribentens nye afsnit.\n"),
            "Nyt afsnit",
        )
        .unwrap();
    lab.ws
        .session(WRITER)
        .resolve(&lab.birgitte_comment, Disposition::PartlyMet, "Delvist.")
        .unwrap();
    lab.ws
        .session(MEMBER2)
        .reply(&lab.birgitte_comment, "Tak for svaret.")
        .unwrap();
    let out = lab.ws.git_output(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn merges_that_drop_or_change_the_other_side_are_refused() {
    let lab = Lab::new();
    let jens = jens_behind_the_writers(&lab);
    let before = lab.refs();
    let member = author_env(MEMBER_NAME, MEMBER, DATE);

    // -s ours: the writers' chapter edit, resolution and the reply vanish.
    git_env(
        &jens,
        &["merge", "-q", "-s", "ours", "-m", "Flet", "origin/main"],
        &member,
    );
    let out = lab.push(&jens, &["origin", "main"]);
    let err = lab.refused(&before, &out, "writers-only");
    assert!(err.contains(CHAPTER), "{err}");
    assert!(err.contains("[comment-deleted]"), "{err}");
    git(&jens, &["reset", "-q", "--hard", "HEAD~1"]);

    // An evil merge: git's merge, then the chapter put back as it was.
    git_env(
        &jens,
        &["merge", "-q", "--no-commit", "origin/main"],
        &member,
    );
    write(&jens, CHAPTER, SAMPLE_REHAB);
    git(&jens, &["add", "-A"]);
    git_env(&jens, &["commit", "-q", "-m", "Flet"], &member);
    let out = lab.push(&jens, &["origin", "main"]);
    lab.refused(&before, &out, "writers-only");
    git(&jens, &["reset", "-q", "--hard", "HEAD~1"]);

    // A merge that also undoes the writer's resolution of a comment (keeps
    // Birgitte's comment as it was before it was answered).
    git_env(
        &jens,
        &["merge", "-q", "--no-commit", "origin/main"],
        &member,
    );
    let file = format!("comments/{}.toml", lab.birgitte_comment);
    let original = git(&jens, &["show", &format!("HEAD:{file}")]);
    write(&jens, &file, &format!("{original}\n"));
    git(&jens, &["add", "-A"]);
    git_env(&jens, &["commit", "-q", "-m", "Flet"], &member);
    let out = lab.push(&jens, &["origin", "main"]);
    let err = lab.refused(&before, &out, "decisions-by-writers");
    assert!(err.contains("[resolution]"), "{err}");
    git(&jens, &["reset", "-q", "--hard", "HEAD~1"]);

    // Another strategy: -X ours on a merge where git alone would conflict
    // is the same as choosing a side by hand.
    git_env(
        &jens,
        &[
            "merge",
            "-q",
            "-s",
            "ort",
            "-X",
            "ours",
            "-m",
            "Flet",
            "origin/main",
        ],
        &member,
    );
    // (No conflict here: the result is git's own merge, and accepted below
    // once pushed; kept aside to try an octopus first.)
    let merged = git(&jens, &["rev-parse", "HEAD"]);
    git(&jens, &["reset", "-q", "--hard", "HEAD~1"]);

    // An octopus merge of main and two side lines.
    git(&jens, &["switch", "-q", "-c", "side1", "HEAD~1"]);
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Side et.")
        .unwrap();
    git(&jens, &["switch", "-q", "main"]);
    git_env(
        &jens,
        &["merge", "-q", "-m", "Blæksprutte", "origin/main", "side1"],
        &member,
    );
    assert_eq!(
        git(&jens, &["rev-list", "--parents", "-n", "1", "HEAD"])
            .split(' ')
            .count(),
        4,
        "an octopus merge"
    );
    let out = lab.push(&jens, &["origin", "main"]);
    lab.refused(&before, &out, "octopus-merge");
    git(&jens, &["reset", "-q", "--hard", "HEAD~1"]);

    // The ordinary merge of the writers' work by a member is accepted.
    let out = lab.push(&jens, &["origin", &format!("{merged}:refs/heads/main")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(git(&lab.server, &["rev-parse", "main"]), merged);
    lab.verify_server();
}

#[test]
fn a_member_resolving_a_conflict_in_a_chapter_is_refused() {
    let lab = Lab::new();
    // Two writers' lines that conflict in the same paragraph.
    let ws = &lab.ws;
    ws.git(&["switch", "-q", "-c", "a"]);
    ws.session(WRITER)
        .revise_chapter("rehabilitering", "# Rehabilitering\n\nUdgave A.\n", "A")
        .unwrap();
    ws.git(&["switch", "-q", "main"]);
    ws.session(WRITER)
        .revise_chapter("rehabilitering", "# Rehabilitering\n\nUdgave B.\n", "B")
        .unwrap();
    let out = ws.git_output(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let jens = lab.jens();
    // Jens gets the writer's other line (from a file, as a bundle would).
    git(
        &jens,
        &["fetch", "-q", lab.ws.root.to_str().unwrap(), "a:a"],
    );
    let before = lab.refs();
    let member = author_env(MEMBER_NAME, MEMBER, DATE);
    let out = git_output_in(&jens, &lab.ws.home, &["merge", "-q", "a"], &member);
    assert!(!out.status.success(), "the merge conflicts");
    write(&jens, CHAPTER, "# Rehabilitering\n\nJens' valg.\n");
    git(&jens, &["add", "-A"]);
    git_env(&jens, &["commit", "-q", "--no-edit"], &member);
    let out = lab.push(&jens, &["origin", "main"]);
    let err = lab.refused(&before, &out, "writers-only");
    assert!(err.contains(CHAPTER), "{err}");
}

// ---------------------------------------------------------------------------
// Fields that name a person
// ---------------------------------------------------------------------------

/// A comment file as Jens would write it by hand, with `extra` appended.
fn jens_file(email: &str, extra: &str) -> String {
    format!(
        "created = \"{DATE}\"\nbody = \"Min kommentar.\"\nstatus = \"open\"\n\n[author]\nname = \"{MEMBER_NAME}\"\nemail = \"{email}\"\norganisation = \"{MEMBER_ORG}\"\n\n[target]\nchapter = \"rehabilitering\"\n{extra}"
    )
}

#[test]
fn forged_decisions_in_a_members_files_are_refused() {
    let lab = Lab::new();
    let jens = lab.jens();
    let before = lab.refs();
    let anchor = format!(
        "\n[target.anchor]\nquote = \"rehabilitering\"\ncommit = \"abc\"\n\n[[target.anchor.history]]\nchange = \"confirmed\"\nquote = \"rehabilitering\"\ncommit = \"abc\"\nby = \"{WRITER}\"\nat = \"{DATE}\"\n"
    );
    let resolution = |by: &str| {
        format!(
            "\n[resolution]\ndisposition = \"met\"\nresponse = \"Ja.\"\nby = \"{by}\"\nat = \"{DATE}\"\n"
        )
    };
    let reply = |extra: &str| {
        jens_file(MEMBER, extra).replace(
            "status = \"open\"",
            &format!("status = \"open\"\nreply_to = \"{}\"", lab.birgitte_comment),
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "anchor history by a writer",
            jens_file(MEMBER, &anchor),
            "decisions-by-writers",
        ),
        (
            "anchor history in a reply",
            reply(&anchor),
            "decisions-by-writers",
        ),
        (
            "a resolution by the writer in upper case",
            jens_file(MEMBER, &resolution(&WRITER.to_uppercase()))
                .replace("\"open\"", "\"resolved\""),
            "resolutions-by-writers",
        ),
        (
            "a resolution in a reply",
            reply(&resolution(WRITER)).replace("status = \"open\"", "status = \"resolved\""),
            "resolutions-by-writers",
        ),
        (
            "a field oplaeg does not know yet",
            jens_file(MEMBER, &format!("\n[approval]\nby = \"{WRITER}\"\n")),
            "unreadable-comment",
        ),
        (
            "in another member's name",
            jens_file(MEMBER2, ""),
            "own-comments-only",
        ),
    ];
    for (what, content, rule) in cases {
        write(&jens, "comments/01j00000000000000000forged.toml", &content);
        commit_as(&jens, MEMBER_NAME, MEMBER, "Kommentar");
        let out = lab.push(&jens, &["origin", "main"]);
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("[{rule}]")),
            "{what}: expected [{rule}]:\n{err}"
        );
        lab.refused(&before, &out, rule);
        git(&jens, &["reset", "-q", "--hard", "origin/main"]);
    }
    // Jens's own comment under his address in upper case is his.
    write(
        &jens,
        "comments/01j0000000000000000000upper.toml",
        &jens_file(&MEMBER.to_uppercase(), ""),
    );
    commit_as(&jens, MEMBER_NAME, &MEMBER.to_uppercase(), "Kommentar");
    let out = lab.push(&jens, &["origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A writer rewriting another writer's resolution in their name, or a
    // member's text: refused too.
    lab.ws.git(&["pull", "-q", "--ff-only", "origin", "main"]);
    let before = lab.refs();
    let file = format!("comments/{}.toml", lab.jens_comment);
    let resolved = lab.ws.read(&file);
    lab.ws
        .write(&file, &resolved.replace("Jens' kommentar.", "Noget andet."));
    lab.ws
        .git_commit_all_as(WRITER_NAME, WRITER, DATE, "Rettet");
    let out = lab.ws.git_output(&["push", "origin", "main"]);
    lab.refused(&before, &out, "own-comments-only");
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// Who pushes
// ---------------------------------------------------------------------------

#[test]
fn a_server_that_knows_the_pusher_takes_only_their_own_commits() {
    let lab = Lab::new();
    let jens = lab.jens();
    // Jens pushes a commit authored as the writer (it would pass on the
    // claim alone: writers may edit chapters).
    write(
        &jens,
        CHAPTER,
        "# Rehabilitering\n\nSom om det var Mette.\n",
    );
    commit_as(&jens, WRITER_NAME, WRITER, "Skribentens ændring");
    let before = lab.refs();
    for (var, value) in [
        ("OPLAEG_PUSHER", MEMBER),
        ("GITEA_PUSHER_EMAIL", &MEMBER.to_uppercase()),
        ("REMOTE_USER", MEMBER),
    ] {
        let out = lab.push_env(&jens, &["origin", "main"], &[(var, value)]);
        lab.refused(&before, &out, "pusher-is-author");
    }
    // GitLab names an account; without a mapping the push fails closed.
    let out = lab.push_env(&jens, &["origin", "main"], &[("GL_USERNAME", "jensn")]);
    let err = lab.refused(&before, &out, "unknown-pusher");
    assert!(err.contains("oplaeg-user.jensn.email"), "{err}");
    git(&lab.server, &["config", "oplaeg-user.jensn.email", MEMBER]);
    let out = lab.push_env(&jens, &["origin", "main"], &[("GL_USERNAME", "jensn")]);
    lab.refused(&before, &out, "pusher-is-author");
    // Jens's own comment, pushed by Jens: accepted.
    git(&jens, &["reset", "-q", "--hard", "origin/main"]);
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Min egen.")
        .unwrap();
    let out = lab.push_env(&jens, &["origin", "main"], &[("GL_USERNAME", "jensn")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// The ordinary ways of working are accepted
// ---------------------------------------------------------------------------

fn quiet() -> impl FnMut(&Progress) {
    |_: &Progress| {}
}

#[test]
fn ordinary_work_is_accepted_and_the_result_verifies() {
    let lab = Lab::new();
    // Everyone reaches the server through git daemon, so its hook judges
    // every push (a folder server would run none).
    let daemon = Daemon::start(&lab.ws.tmp, &lab.ws.home);
    let url = daemon.url("server.git");
    let jens = lab.jens();
    let birgitte = lab.clone("birgitte", MEMBER2_NAME, MEMBER2);
    for dir in [&jens, &birgitte, &lab.ws.root] {
        git(dir, &["remote", "set-url", "origin", &url]);
    }
    // Both comment at the same time and sync in turn (the second merges).
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Jens igen.")
        .unwrap();
    session(&birgitte, MEMBER2)
        .add_comment(on_chapter(), "Birgitte igen.")
        .unwrap();
    session(&jens, MEMBER).sync(None, &mut quiet()).unwrap();
    session(&birgitte, MEMBER2)
        .sync(None, &mut quiet())
        .unwrap();
    // The writer edits a chapter and resolves; Jens, with a new comment,
    // merges the writer's chapter edit into his clone.
    lab.ws.git(&["pull", "-q", "--no-rebase", "origin", "main"]);
    writers_work_after(&lab);
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Efter skribenten.")
        .unwrap();
    let r = session(&jens, MEMBER).sync(None, &mut quiet()).unwrap();
    assert!(r.merge_commit.is_some(), "Jens merged the writer's work");
    // The writer answers and tags the next meeting.
    lab.ws.git(&["pull", "-q", "--no-rebase", "origin", "main"]);
    let open = lab.ws.load_head().comments;
    let target = open
        .iter()
        .find(|c| c.body == "Jens igen.")
        .expect("Jens's comment reached the writer");
    let writer = lab.ws.session(WRITER);
    writer
        .resolve(&target.id, Disposition::NotMet, "Nej.")
        .unwrap();
    writer.meeting_tag(4).unwrap();
    let r = writer.sync(None, &mut quiet()).unwrap();
    assert_eq!(r.tags_sent, ["meeting/4"]);
    assert!(lab.refs().contains("refs/tags/meeting/4"));
    daemon.stop();
    lab.verify_server();
}

// ---------------------------------------------------------------------------
// oplaeg sync against every kind of server
// ---------------------------------------------------------------------------

/// A member's chapter edit made by hand: sync refuses before sending.
fn chapter_edit_by_hand(dir: &Path) {
    write(dir, CHAPTER, "# Rehabilitering\n\nJens' version.\n");
    commit_as(dir, MEMBER_NAME, MEMBER, "Bedre");
}

/// A writer turns Jens into a reviewer on the server, behind Jens's back:
/// Jens's next comment passes his own check (he last saw himself as a
/// member) and only the server can refuse it.
fn demote_jens(lab: &Lab) {
    lab.ws.git(&["pull", "-q", "--no-rebase", "origin", "main"]);
    let config = lab.ws.read("oplaeg.toml");
    lab.ws
        .write("oplaeg.toml", &promote(&config, MEMBER, "reviewer"));
    lab.ws
        .git_commit_all_as(WRITER_NAME, WRITER, DATE, "Jens læser nu kun");
    let out = lab.ws.git_output(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn sync_bin(home: &Path, dir: &Path) -> Output {
    oplaeg_cmd(home)
        .current_dir(dir)
        .args(["--as", MEMBER, "sync"])
        .output()
        .unwrap()
}

#[test]
fn sync_to_a_folder_server_checks_before_it_sends_and_says_it_cannot_be_enforced() {
    let lab = Lab::new();
    for (folder, url) in [
        ("by-path", lab.server.display().to_string()),
        ("by-file-url", format!("file://{}", lab.server.display())),
    ] {
        let jens = lab.clone(folder, MEMBER_NAME, MEMBER);
        git(&jens, &["remote", "set-url", "origin", &url]);
        let before = lab.refs();
        chapter_edit_by_hand(&jens);
        let out = sync_bin(&lab.ws.home, &jens);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("intet er sendt"), "{err}");
        assert!(err.contains("[writers-only]"), "{err}");
        assert!(err.contains(CHAPTER), "{err}");
        assert_eq!(lab.refs(), before, "{url}");
        // An allowed change goes through, with the plain warning.
        git(&jens, &["reset", "-q", "--hard", "origin/main"]);
        session(&jens, MEMBER)
            .add_comment(on_chapter(), &format!("Via {folder}."))
            .unwrap();
        let out = sync_bin(&lab.ws.home, &jens);
        let said = text(&out.stdout);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(said.contains("kan ikke håndhæve rollerne"), "{said}");
        assert!(said.contains("oplaeg server init"), "{said}");
    }
    lab.verify_server();
}

/// The hook's reasons reach the member in Danish over `url`.
fn refused_by_the_hook_over(lab: &Lab, url: &str, home: &Path, folder: &str) {
    let jens = lab.clone(folder, MEMBER_NAME, MEMBER);
    git(&jens, &["remote", "set-url", "origin", url]);
    // First an allowed comment over this transport.
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Over nettet.")
        .unwrap();
    let out = sync_bin(home, &jens);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("håndhæve"), "a real server");
    // Then demoted on the server; his next comment is refused there.
    demote_jens(lab);
    let before = lab.refs();
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Efter degraderingen.")
        .unwrap();
    let out = sync_bin(home, &jens);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Serverens begrundelse"), "{url}:\n{err}");
    assert!(err.contains("[reviewers-read]"), "{url}:\n{err}");
    assert!(err.contains("en læser må kun læse"), "{url}:\n{err}");
    assert!(err.contains("intet af skubbet er gemt"), "{url}:\n{err}");
    assert_eq!(lab.refs(), before);
}

#[test]
fn sync_over_git_daemon_shows_the_hooks_reasons() {
    let lab = Lab::new();
    let daemon = Daemon::start(&lab.ws.tmp, &lab.ws.home);
    refused_by_the_hook_over(&lab, &daemon.url("server.git"), &lab.ws.home, "jens-git");
    daemon.stop();
    lab.verify_server();
}

#[test]
fn sync_over_ssh_shows_the_hooks_reasons_and_the_key_names_the_pusher() {
    let lab = Lab::new();
    let home = lab.ws.tmp.join("ssh-home");
    // The key is Jens's: the server sets OPLAEG_PUSHER for it.
    let options = format!(
        "command=\"env OPLAEG_PUSHER={MEMBER} git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",restrict"
    );
    let Some(sshd) = Sshd::start_with(&lab.ws.tmp, &home, &options) else {
        return;
    };
    sshd.trust(&home);
    let url = sshd.url(&lab.server);
    // A writer's commit carried by Jens over his key: refused by the pusher rule.
    let jens = lab.clone("jens-carrier", MEMBER_NAME, MEMBER);
    git(&jens, &["remote", "set-url", "origin", &url]);
    write(
        &jens,
        CHAPTER,
        "# Rehabilitering\n\nSom om det var Mette.\n",
    );
    commit_as(&jens, WRITER_NAME, WRITER, "Skribentens ændring");
    let before = lab.refs();
    let out = sync_bin(&home, &jens);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[pusher-is-author]"), "{err}");
    assert_eq!(lab.refs(), before);
    refused_by_the_hook_over(&lab, &url, &home, "jens-ssh");
    sshd.stop();
    lab.verify_server();
}

#[test]
fn the_roles_of_a_fresh_group_hold_from_the_first_push() {
    // A writer's first push of a workspace whose later commit makes a
    // member act is judged commit by commit; a root commit into a server
    // that already has one is not taken.
    let lab = Lab::new();
    let other = Ws::sample();
    other.git(&["remote", "add", "origin", lab.server.to_str().unwrap()]);
    let before = lab.refs();
    let out = other.git_output(&["push", "-f", "origin", "main"]);
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("[fast-forward-only]") || err.contains("[unrelated-history]"),
        "{err}"
    );
    assert_eq!(lab.refs(), before);
    // Into an empty server the same workspace is accepted.
    let fresh = other.tmp.join("fresh.git");
    init_server(&fresh, &other.home);
    let out = other.git_output(&["push", fresh.to_str().unwrap(), "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------
// Files oplaeg never writes: symlinks, submodules, executables, beyond limits
// ---------------------------------------------------------------------------

/// How a hostile file is put into a clone and committed.
enum Put {
    /// A file with this content.
    File(String, String),
    /// A symlink pointing at this target (a folder's files removed first).
    Link(String, &'static str),
    /// A file with this content, marked executable.
    Exec(String, String),
    /// A submodule entry (gitlink) naming the clone's HEAD commit.
    Gitlink(String),
}

fn file(rel: &str, content: String) -> Put {
    Put::File(rel.to_string(), content)
}

fn link(rel: &str, target: &'static str) -> Put {
    Put::Link(rel.to_string(), target)
}

fn exec(rel: &str, content: String) -> Put {
    Put::Exec(rel.to_string(), content)
}

fn gitlink(rel: &str) -> Put {
    Put::Gitlink(rel.to_string())
}

/// Puts `puts` into `dir` and commits them with plain git as `name <email>`.
fn commit_puts(dir: &Path, puts: &[Put], name: &str, email: &str) {
    use std::os::unix::fs::PermissionsExt;
    for p in puts {
        match p {
            Put::File(rel, content) => write(dir, rel, content),
            Put::Link(rel, target) => {
                let path = dir.join(rel);
                if path.is_dir() {
                    git(dir, &["rm", "-r", "-q", rel]);
                    let _ = std::fs::remove_dir_all(&path);
                }
                let _ = std::fs::remove_file(&path);
                std::os::unix::fs::symlink(target, &path).unwrap();
            }
            Put::Exec(rel, content) => {
                write(dir, rel, content);
                let mode = std::fs::Permissions::from_mode(0o755);
                std::fs::set_permissions(dir.join(rel), mode).unwrap();
            }
            Put::Gitlink(_) => {}
        }
    }
    git(dir, &["add", "-A"]);
    // A gitlink goes straight into the index (`add -A` would drop it again).
    let head = git(dir, &["rev-parse", "HEAD"]);
    for p in puts {
        if let Put::Gitlink(rel) = p {
            let info = format!("160000,{head},{rel}");
            git(dir, &["update-index", "--add", "--cacheinfo", &info]);
        }
    }
    git_env(
        dir,
        &["commit", "-q", "-m", "Ændring"],
        &author_env(name, email, DATE),
    );
}

/// A text nested `depth` quotes deep.
fn deep_quote(depth: usize) -> String {
    format!("{} dybt", ">".repeat(depth))
}

const NEW_COMMENT: &str = "comments/01j0000000000000000000shape.toml";

#[test]
fn a_members_symlinks_executables_submodules_and_oversized_files_are_refused() {
    let lab = Lab::new();
    let jens = lab.jens();
    let before = lab.refs();
    let own = format!("comments/{}.toml", lab.jens_comment);
    let big = "x".repeat(oplaeg::model::limits::SMALL_FILE_BYTES as usize + 1);
    let body = |text: &str| jens_file(MEMBER, "").replace("Min kommentar.", text);
    let cases: Vec<(&str, Vec<Put>, &str)> = vec![
        (
            "a comment file that is a symlink to oplaeg.toml",
            vec![link(NEW_COMMENT, "../oplaeg.toml")],
            "file-mode",
        ),
        (
            "a comment file that is a symlink outside the workspace",
            vec![link(NEW_COMMENT, "/etc/passwd")],
            "file-mode",
        ),
        (
            "the comments folder replaced by a symlink",
            vec![link("comments", "/tmp")],
            "file-mode",
        ),
        (
            "an executable comment",
            vec![exec(NEW_COMMENT, jens_file(MEMBER, ""))],
            "file-mode",
        ),
        (
            "his own comment made executable (the content unchanged)",
            vec![exec(&own, read(&jens, &own))],
            "file-mode",
        ),
        (
            "a submodule in comments/",
            vec![gitlink(NEW_COMMENT)],
            "file-mode",
        ),
        (
            "a submodule outside the workspace's folders",
            vec![gitlink("vendor")],
            "file-mode",
        ),
        (
            "a comment body beyond the size limit",
            vec![file(NEW_COMMENT, body(&big))],
            "limits",
        ),
        (
            "a comment body nested 40 quotes deep",
            vec![file(NEW_COMMENT, body(&deep_quote(40)))],
            "limits",
        ),
        (
            "a symlink next to an ordinary comment",
            vec![
                file(NEW_COMMENT, jens_file(MEMBER, "")),
                link("comments/01j0000000000000000000link2.toml", "/etc/passwd"),
            ],
            "file-mode",
        ),
    ];
    for (what, puts, rule) in cases {
        commit_puts(&jens, &puts, MEMBER_NAME, MEMBER);
        let out = lab.push(&jens, &["origin", "main"]);
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("[{rule}]")),
            "{what}: expected [{rule}]:\n{err}"
        );
        lab.refused(&before, &out, rule);
        git(&jens, &["reset", "-q", "--hard", "origin/main"]);
        git(&jens, &["clean", "-q", "-fdx"]);
    }
    // The reason says what is wrong, in Danish by default.
    commit_puts(
        &jens,
        &[link(NEW_COMMENT, "/etc/passwd")],
        MEMBER_NAME,
        MEMBER,
    );
    let out = lab.push(&jens, &["origin", "main"]);
    let err = lab.refused(&before, &out, "file-mode");
    assert!(err.contains("er et symbolsk link"), "{err}");
    git(&jens, &["reset", "-q", "--hard", "origin/main"]);

    // A merge that brings a symlink of its own is refused too.
    lab.ws.git(&["pull", "-q", "--ff-only", "origin", "main"]);
    writers_work_after(&lab);
    let before = lab.refs();
    git(&jens, &["fetch", "-q", "origin"]);
    git(
        &jens,
        &["merge", "-q", "--no-ff", "--no-commit", "origin/main"],
    );
    commit_puts(
        &jens,
        &[link(NEW_COMMENT, "../drafts")],
        MEMBER_NAME,
        MEMBER,
    );
    assert_eq!(
        git(&jens, &["rev-list", "--count", "--merges", "-1", "HEAD"]),
        "1"
    );
    let out = lab.push(&jens, &["origin", "main"]);
    lab.refused(&before, &out, "file-mode");

    // His ordinary comment still goes through, and the history verifies.
    git(&jens, &["reset", "-q", "--hard", "origin/main"]);
    commit_puts(
        &jens,
        &[file(NEW_COMMENT, jens_file(MEMBER, ""))],
        MEMBER_NAME,
        MEMBER,
    );
    let out = lab.push(&jens, &["origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    lab.verify_server();
}

#[test]
fn a_writers_symlinks_executables_and_files_beyond_the_limits_are_refused() {
    let lab = Lab::new();
    let root = lab.ws.root.clone();
    let before = lab.refs();
    let config = lab.ws.read("oplaeg.toml");
    let rec = "recommendations/tidlig-diagnostik.toml";
    let many = oplaeg::model::limits::MAX_CHAPTERS + 1;
    let cases: Vec<(&str, Vec<Put>, &str)> = vec![
        (
            "a chapter that is a symlink outside the workspace",
            vec![link(CHAPTER, "/etc/passwd")],
            "file-mode",
        ),
        (
            "a new chapter that is a symlink to another chapter",
            vec![link("drafts/09-kopi.md", "02-rehabilitering.md")],
            "file-mode",
        ),
        (
            "an executable oplaeg.toml",
            vec![exec("oplaeg.toml", config.clone())],
            "file-mode",
        ),
        (
            "an executable priority.toml",
            vec![exec("priority.toml", lab.ws.read("priority.toml"))],
            "file-mode",
        ),
        (
            "an executable recommendation",
            vec![exec(rec, lab.ws.read(rec))],
            "file-mode",
        ),
        (
            "a chapter that is a submodule",
            vec![gitlink("drafts/09-modul.md")],
            "file-mode",
        ),
        (
            "a chapter nested 40 quotes deep",
            vec![file(
                CHAPTER,
                format!("# Rehabilitering\n\n{}\n", deep_quote(40)),
            )],
            "limits",
        ),
        (
            "a chapter nested 20 lists deep",
            vec![file(
                CHAPTER,
                (0..20).fold("# Rehabilitering\n\n".to_string(), |s, d| {
                    format!("{s}{}- punkt\n", "  ".repeat(d))
                }),
            )],
            "limits",
        ),
        (
            "oplaeg.toml beyond its size limit",
            vec![file(
                "oplaeg.toml",
                format!(
                    "{config}\n# {}\n",
                    "x".repeat(oplaeg::model::limits::SETTINGS_BYTES as usize)
                ),
            )],
            "limits",
        ),
        (
            "more chapter files than the limit in one commit",
            (0..many)
                .map(|i| file(&format!("drafts/{}-kapitel.md", 10 + i), format!("# {i}\n")))
                .collect(),
            "limits",
        ),
    ];
    for (what, puts, rule) in cases {
        commit_puts(&root, &puts, WRITER_NAME, WRITER);
        let out = lab.ws.git_output(&["push", "origin", "main"]);
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("[{rule}]")),
            "{what}: expected [{rule}]:\n{err}"
        );
        lab.refused(&before, &out, rule);
        lab.ws.git(&["reset", "-q", "--hard", "origin/main"]);
        lab.ws.git(&["clean", "-q", "-fdx"]);
    }
    // `oplaeg verify` over the same commits says it too, in English with --lang en.
    commit_puts(&root, &[exec("oplaeg.toml", config)], WRITER_NAME, WRITER);
    let out = oplaeg_cmd(&lab.ws.home)
        .current_dir(&root)
        .args(["--lang", "en", "verify", "origin/main..HEAD"])
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("[file-mode]"), "{said}");
    assert!(said.contains("oplaeg.toml is marked executable"), "{said}");
    // The writer's ordinary work is still accepted.
    lab.ws.git(&["reset", "-q", "--hard", "origin/main"]);
    writers_work_after(&lab);
    lab.verify_server();
}

#[test]
fn the_hook_reads_the_pushed_commits_differences_from_git_inside_the_quarantine() {
    // OPLAEG_VERIFY_GIT=require: the hook fails rather than fall back to
    // libgit2, so these pushes show that the `git` child it starts sees the
    // quarantined objects of the push.
    let lab = Lab::new();
    let require = [("OPLAEG_VERIFY_GIT", "require")];
    let jens = jens_behind_the_writers(&lab);
    let before = lab.refs();
    let member = author_env(MEMBER_NAME, MEMBER, DATE);
    git_env(
        &jens,
        &["merge", "-q", "-s", "ours", "-m", "Flet", "origin/main"],
        &member,
    );
    let out = lab.push_env(&jens, &["origin", "main"], &require);
    lab.refused(&before, &out, "writers-only");
    git(&jens, &["reset", "-q", "--hard", "origin/main"]);
    session(&jens, MEMBER)
        .add_comment(on_chapter(), "Endnu en.")
        .unwrap();
    let out = lab.push_env(&jens, &["origin", "main"], &require);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_ne!(lab.refs(), before);
    let out = oplaeg_cmd(&lab.ws.home)
        .env("OPLAEG_VERIFY_GIT", "require")
        .args(["--repo", lab.server.to_str().unwrap(), "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}
