//! Roles that hold in the app: members edit and withdraw their own open
//! comments and nothing else; reviewers only read; only writers change
//! content, members, resolutions and meetings. Checked through the library,
//! with plain git, and through the real binary.

mod common;

use std::process::Command;

use chrono::NaiveDate;
use common::*;
use oplaeg::Error;
use oplaeg::model::{Choice, CommentStatus, Disposition, Horizon, Role};
use oplaeg::ops::{Action, NewTarget, RecEdit, Session, permit};

fn on_chapter(quote: Option<&str>) -> NewTarget {
    NewTarget::Chapter {
        chapter: "rehabilitering".into(),
        quote: quote.map(str::to_string),
    }
}

#[test]
fn a_member_edits_their_own_open_comment_in_one_commit() {
    let ws = Ws::sample();
    let jens = ws.session_at(MEMBER, "2024-06-01T09:00:00+02:00");
    let c = jens
        .add_comment(on_chapter(Some(UNIQUE_QUOTE)), "Første udgave.")
        .unwrap();
    let before = ws.read(&format!("comments/{}.toml", c.id));
    let commits = ws.commit_count();

    let jens = ws.session_at(MEMBER, "2024-06-02T09:00:00+02:00");
    let edited = jens
        .edit_comment(&c.id[..8], "Anden udgave,\nmed to linjer.")
        .unwrap();
    assert_eq!(edited.id, c.id);
    assert_eq!(ws.commit_count(), commits + 1);
    assert_eq!(
        ws.changed_files("HEAD"),
        [format!("M\tcomments/{}.toml", c.id)]
    );
    assert_eq!(
        ws.log1("%an <%ae>|%s", "HEAD"),
        format!("{MEMBER_NAME} <{MEMBER}>|Kommentar rettet ({MEMBER_ORG})")
    );
    assert!(
        ws.log1("%b", "HEAD")
            .contains(&format!("Kommentar: {}", c.id))
    );
    ws.assert_clean();

    // Only the text changed: target, quote, time and author stay.
    let after = ws.read_toml(&format!("comments/{}.toml", c.id));
    assert_eq!(toml_str(&after, "body"), "Anden udgave,\nmed to linjer.");
    assert_eq!(toml_str(&after, "status"), "open");
    let old: toml::Table = before.parse().unwrap();
    for key in [
        "created",
        "author.email",
        "target.chapter",
        "target.anchor.quote",
    ] {
        assert_eq!(toml_get(&after, key), toml_get(&old, key), "{key}");
    }
    let loaded = ws.load_head();
    assert_eq!(
        loaded.comment(&c.id).unwrap().body,
        "Anden udgave,\nmed to linjer."
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
}

#[test]
fn a_member_withdraws_their_own_comment_and_it_cannot_change_after() {
    let ws = Ws::sample();
    let jens = ws.session(MEMBER);
    let c = jens.add_comment(on_chapter(None), "Glem det.").unwrap();
    let w = jens.withdraw_comment(&c.id).unwrap();
    assert_eq!(w.status, CommentStatus::Withdrawn);
    assert_eq!(
        ws.log1("%ae|%s", "HEAD"),
        format!("{MEMBER}|Kommentar trukket tilbage ({MEMBER_ORG})")
    );
    assert_eq!(
        ws.changed_files("HEAD"),
        [format!("M\tcomments/{}.toml", c.id)]
    );
    let file = ws.read_toml(&format!("comments/{}.toml", c.id));
    assert_eq!(toml_str(&file, "status"), "withdrawn");
    assert_eq!(toml_str(&file, "body"), "Glem det.");
    ws.assert_clean();

    // Withdrawn is final: no edit, no second withdrawal, nothing to resolve.
    let e = ws.refused(|| jens.edit_comment(&c.id, "Alligevel."));
    assert!(e.to_string().contains("trukket tilbage"), "{e}");
    ws.refused(|| jens.withdraw_comment(&c.id));
    let writer = ws.session(WRITER);
    let e = ws.refused(|| writer.resolve(&c.id, Disposition::Noted, "Noteret."));
    assert!(e.to_string().contains("trukket tilbage"), "{e}");
    // Replying to it is still possible (the thread stays).
    ws.session(MEMBER2).reply(&c.id, "Forstået.").unwrap();
}

#[test]
fn only_the_author_changes_a_comment_and_only_while_it_is_open() {
    let ws = Ws::sample();
    let jens = ws.session(MEMBER);
    let c = jens
        .add_comment(on_chapter(None), "Min kommentar.")
        .unwrap();

    // Another member, a writer and a reviewer may not touch it.
    for email in [MEMBER2, WRITER] {
        let other = ws.session(email);
        let e = ws.refused(|| other.edit_comment(&c.id, "Overskrevet."));
        assert!(e.to_string().contains(MEMBER_NAME), "{e}");
        ws.refused(|| other.withdraw_comment(&c.id));
    }
    let reviewer = ws.session(REVIEWER);
    let e = ws.refused(|| reviewer.edit_comment(&c.id, "Læser."));
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    let e = ws.refused(|| reviewer.withdraw_comment(&c.id));
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");

    // Empty or unchanged texts are refused.
    ws.refused(|| jens.edit_comment(&c.id, "  \n "));
    ws.refused(|| jens.edit_comment(&c.id, "Min kommentar."));

    // A writer's own comment is theirs to edit.
    let writer = ws.session(WRITER);
    let own = writer
        .add_comment(on_chapter(None), "Skribentens note.")
        .unwrap();
    writer
        .edit_comment(&own.id, "Skribentens rettede note.")
        .unwrap();

    // Once resolved, the comment is closed for its author too.
    writer
        .resolve(&c.id, Disposition::Met, "Det er rettet.")
        .unwrap();
    let e = ws.refused(|| jens.edit_comment(&c.id, "Efter svaret."));
    assert!(e.to_string().contains("besvaret"), "{e}");
    ws.refused(|| jens.withdraw_comment(&c.id));
    ws.assert_clean();
}

#[test]
fn a_member_edits_their_own_reply() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(on_chapter(None), "Spørgsmål.")
        .unwrap();
    let birgitte = ws.session(MEMBER2);
    let r = birgitte.reply(&c.id, "Svar med tastefjel.").unwrap();
    birgitte
        .edit_comment(&r.id, "Svar uden tastefejl.")
        .unwrap();
    let head = ws.load_head();
    let reply = head.comment(&r.id).unwrap();
    assert_eq!(reply.body, "Svar uden tastefejl.");
    assert_eq!(reply.reply_to.as_deref(), Some(c.id.as_str()));
    ws.refused(|| ws.session(MEMBER).edit_comment(&r.id, "Ikke din."));
}

/// Every write operation, by name, for the role matrix.
fn every_write(s: &Session, comment: &str) -> Vec<(&'static str, oplaeg::Result<()>)> {
    let date = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
    vec![
        (
            "add_comment",
            s.add_comment(on_chapter(None), "Tekst.").map(|_| ()),
        ),
        ("reply", s.reply(comment, "Svar.").map(|_| ())),
        (
            "resolve",
            s.resolve(comment, Disposition::Noted, "Noteret.")
                .map(|_| ()),
        ),
        (
            "rec_add",
            s.rec_add("Ny anbefaling", Horizon::Long, "Tekst.", None)
                .map(|_| ()),
        ),
        ("rec_move", s.rec_move("tidlig-diagnostik", 2).map(|_| ())),
        (
            "rec_set",
            s.rec_set(
                "rehabilitering-til-alle",
                &RecEdit {
                    goal: Some("Nyt mål.".into()),
                    ..RecEdit::default()
                },
            )
            .map(|_| ()),
        ),
        (
            "revise_chapter",
            s.revise_chapter("indledning", "# Indledning\n\nNy tekst.\n", "Ny indledning")
                .map(|_| ()),
        ),
        (
            "member_add",
            s.member_add("Ny Person", "ny.person@x.example", "X", Role::Member)
                .map(|_| ()),
        ),
        (
            "meeting_add",
            s.meeting_add(5, date, "5. møde", None).map(|_| ()),
        ),
        ("meeting_tag", s.meeting_tag(5).map(|_| ())),
        ("save", s.save("Egne ændringer").map(|_| ())),
    ]
}

#[test]
fn reviewers_only_read_and_members_only_comment() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER2)
        .add_comment(on_chapter(None), "Til tråden.")
        .unwrap();
    // A hand edit on disk, so `save` has something it could commit.
    ws.write(
        "drafts/02-rehabilitering.md",
        &format!("{SAMPLE_REHAB}\nRettet i hånden.\n"),
    );

    for (email, role) in [(REVIEWER, Role::Reviewer), (MEMBER, Role::Member)] {
        let s = ws.session(email);
        let before = ws.snapshot();
        for (name, result) in every_write(&s, &c.id) {
            let commenting = matches!(name, "add_comment" | "reply");
            if role == Role::Member && commenting {
                assert!(result.is_ok(), "a member may {name}: {result:?}");
                continue;
            }
            match result {
                Err(Error::Forbidden { role: r, .. }) => {
                    assert_eq!(r, role.label_in(oplaeg::i18n::Lang::Da), "{name}");
                }
                other => panic!("{email} may not {name}, got {other:?}"),
            }
        }
        if role == Role::Reviewer {
            assert_eq!(ws.snapshot(), before, "a reviewer changed something");
        }
    }
    // Members' two comments were the only commits.
    let subjects = ws.git(&["log", "-3", "--format=%ae"]);
    assert_eq!(
        subjects.lines().collect::<Vec<_>>(),
        [MEMBER, MEMBER, MEMBER2]
    );

    // A writer may do every one of them.
    let writer = ws.session(WRITER);
    for (name, result) in every_write(&writer, &c.id) {
        assert!(result.is_ok(), "a writer may {name}: {result:?}");
    }
}

#[test]
fn the_permission_table_matches_the_roles() {
    let m = |role| member("X", "x@y.example", "Org", role);
    for action in [
        Action::Comment,
        Action::EditContent,
        Action::Resolve,
        Action::ManageMembers,
        Action::ManageMeetings,
    ] {
        assert!(permit(&m(Role::Writer), action).is_ok(), "{action:?}");
        assert!(permit(&m(Role::Reviewer), action).is_err(), "{action:?}");
        assert_eq!(
            permit(&m(Role::Member), action).is_ok(),
            action == Action::Comment,
            "{action:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn oplaeg(ws: &Ws, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, &ws.home);
    cmd.env("LANG", "da_DK.UTF-8")
        .arg("--repo")
        .arg(&ws.root)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn comment_edit_and_withdraw_on_the_command_line() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(on_chapter(None), "Fra CLI.")
        .unwrap();
    let short = &c.id[..6];

    let out = oplaeg(
        &ws,
        &["--as", MEMBER, "comment", "edit", short, "Rettet."],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("er rettet"));
    assert_eq!(ws.load_head().comment(&c.id).unwrap().body, "Rettet.");

    // Without a text (or with -), the text comes from standard input.
    let out = oplaeg(
        &ws,
        &["--as", MEMBER, "--format", "json", "comment", "edit", short],
        Some("Fra standard input.\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["body"], "Fra standard input.");
    assert_eq!(json["id"], c.id.as_str());

    // Someone else's comment: exit 1, one line, nothing written.
    let before = ws.snapshot();
    let out = oplaeg(&ws, &["--as", MEMBER2, "comment", "withdraw", short], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("oplaeg: fejl: kommentaren er skrevet af"),
        "{err}"
    );
    assert_eq!(ws.snapshot(), before);

    let out = oplaeg(&ws, &["--as", MEMBER, "comment", "withdraw", short], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("trukket tilbage"));
    assert_eq!(
        ws.git(&["show", &format!("HEAD:comments/{}.toml", c.id)])
            .lines()
            .find(|l| l.starts_with("status"))
            .unwrap(),
        "status = \"withdrawn\""
    );
    let listed = oplaeg(&ws, &["comment", "list", "--status", "withdrawn"], None);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&c.id));
}
