//! `oplaeg verify`: roles that hold in the history. Commits made with plain
//! git (as anyone can) are checked against who made them; the same check
//! runs as the `pre-receive` hook of a real bare server made by `oplaeg
//! server init`, and plain `git push` is refused or accepted by it (the
//! attacks on it are in `tests/attack.rs`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use oplaeg::model::{Comment, CommentStatus, Disposition};
use oplaeg::ops::verify::{Report, Rule};
use oplaeg::ops::{NewTarget, verify};
use oplaeg::store::Store;

const DATE: &str = "2024-06-01T12:00:00+02:00";

fn check(ws: &Ws, range: Option<&str>) -> Report {
    verify(&ws.store(), range, None).expect("verify runs")
}

/// The rules broken, as (short commit, file, rule).
fn broken(report: &Report) -> Vec<(String, Option<String>, Rule)> {
    report
        .violations
        .iter()
        .map(|v| (v.commit[..7].to_string(), v.file.clone(), v.rule))
        .collect()
}

fn short(id: &str) -> String {
    id[..7].to_string()
}

fn on_chapter() -> NewTarget {
    NewTarget::Chapter {
        chapter: "rehabilitering".into(),
        quote: None,
    }
}

/// A comment file written by hand as `author` would: the library's own format.
fn comment_file(author: (&str, &str, &str), body: &str) -> String {
    let text = format!(
        "created = \"{DATE}\"\nbody = \"{body}\"\nstatus = \"open\"\n\n[author]\nname = \"{}\"\nemail = \"{}\"\norganisation = \"{}\"\n\n[target]\nchapter = \"rehabilitering\"\n",
        author.0, author.1, author.2
    );
    let parsed: Comment = toml::from_str(&text).expect("a valid comment");
    assert_eq!(parsed.body, body);
    text
}

const JENS: (&str, &str, &str) = (MEMBER_NAME, MEMBER, MEMBER_ORG);
const BIRGITTE: (&str, &str, &str) = (MEMBER2_NAME, MEMBER2, MEMBER2_ORG);

#[test]
fn the_apps_own_history_passes() {
    let ws = Ws::sample();
    let jens = ws.session(MEMBER);
    let c = jens.add_comment(on_chapter(), "En kommentar.").unwrap();
    let r = ws.session(MEMBER2).reply(&c.id, "Et svar.").unwrap();
    let c2 = jens.add_comment(on_chapter(), "Endnu en.").unwrap();
    jens.edit_comment(&c2.id, "Endnu en, rettet.").unwrap();
    jens.withdraw_comment(&c2.id).unwrap();
    ws.session(MEMBER2)
        .edit_comment(&r.id, "Et rettet svar.")
        .unwrap();
    ws.session(WRITER)
        .resolve(&c.id, Disposition::Met, "Rettet.")
        .unwrap();
    ws.session(WRITER).meeting_tag(3).unwrap();
    let report = check(&ws, None);
    assert!(report.ok(), "{:#?}", report.violations);
    assert_eq!(report.commits, ws.commit_count());

    // Through the binary, as text and JSON, exit status 0.
    let out = oplaeg(&ws.root, &ws.home, &["verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ingen brud på rollerne"));
    let out = oplaeg(
        &ws.root,
        &ws.home,
        &["--format", "json", "verify", "HEAD~2..HEAD"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["commits"], 2);
    assert_eq!(json["violations"], serde_json::json!([]));
}

#[test]
fn a_members_chapter_edit_is_refused_with_commit_author_and_file() {
    let ws = Ws::sample();
    ws.write(
        "drafts/02-rehabilitering.md",
        &format!("{SAMPLE_REHAB}\nJens' egen sætning.\n"),
    );
    let bad = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Lidt bedre formuleret");
    let report = check(&ws, None);
    assert_eq!(
        broken(&report),
        [(
            short(&bad),
            Some("drafts/02-rehabilitering.md".into()),
            Rule::WritersOnly
        )]
    );
    let v = &report.violations[0];
    assert_eq!((v.author.as_str(), v.email.as_str()), (MEMBER_NAME, MEMBER));
    assert!(v.message.contains("kun skribenter"), "{}", v.message);

    let out = oplaeg(&ws.root, &ws.home, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&short(&bad)), "{stdout}");
    assert!(stdout.contains(MEMBER), "{stdout}");
    assert!(stdout.contains("drafts/02-rehabilitering.md"), "{stdout}");
    assert!(stdout.contains("[writers-only]"), "{stdout}");
    assert!(text(&out.stderr).starts_with("oplaeg: fejl: 1 brud på rollerne"));
    let out = oplaeg(&ws.root, &ws.home, &["--format", "json", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["violations"][0]["rule"], "writers-only");
    assert_eq!(json["violations"][0]["commit"], bad.as_str());

    // The range before the bad commit is fine; the range of it alone is not.
    assert!(check(&ws, Some("HEAD~1")).ok());
    assert_eq!(check(&ws, Some("HEAD~1..HEAD")).violations.len(), 1);
}

#[test]
fn members_change_only_their_own_open_comments() {
    let ws = Ws::sample();
    let theirs = ws
        .session(MEMBER2)
        .add_comment(on_chapter(), "Birgittes.")
        .unwrap();
    let file = |id: &str| format!("comments/{id}.toml");

    // 1. A new comment in someone else's name.
    ws.write(
        &file("01j000000000000000000fake1"),
        &comment_file(BIRGITTE, "Falsk."),
    );
    let c1 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Kommentar");
    // 2. Someone else's comment changed.
    let other = ws
        .read(&file(&theirs.id))
        .replace("Birgittes.", "Ændret af Jens.");
    ws.write(&file(&theirs.id), &other);
    let c2 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Rettelse");
    // 3. Their own comment resolved by hand.
    let own = "01j000000000000000000own01";
    ws.write(&file(own), &comment_file(JENS, "Min egen."));
    let c3 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Kommentar");
    let resolved = format!(
        "{}\n[resolution]\ndisposition = \"met\"\nresponse = \"Selvfølgelig.\"\nby = \"{MEMBER}\"\nat = \"{DATE}\"\n",
        ws.read(&file(own))
            .replace("status = \"open\"", "status = \"resolved\"")
    );
    ws.write(&file(own), &resolved);
    let c4 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Besvaret");
    // 4. Then edited although it is no longer open.
    ws.write(
        &file(own),
        &resolved.replace("Min egen.", "Min egen, igen."),
    );
    let c5 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Rettet");
    // 5. A comment deleted.
    std::fs::remove_file(ws.root.join(file(own))).unwrap();
    let c6 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Væk");
    // 6. A broken comment file.
    ws.write(
        &file("01j00000000000000000broken"),
        "body = \"uden resten\n",
    );
    let c7 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Ødelagt");

    let report = check(&ws, None);
    let got = broken(&report);
    let expected = [
        (c1, "01j000000000000000000fake1", Rule::OwnCommentsOnly),
        (c2, theirs.id.as_str(), Rule::OwnCommentsOnly),
        (c4, own, Rule::ResolutionsByWriters),
        (c5, own, Rule::OpenCommentsOnly),
        (c6, own, Rule::CommentDeleted),
        (c7, "01j00000000000000000broken", Rule::UnreadableComment),
    ]
    .map(|(c, id, rule)| (short(&c), Some(file(id)), rule));
    assert_eq!(got, expected, "{:#?}", report.violations);
    assert!(
        !got.iter().any(|(c, _, _)| *c == short(&c3)),
        "own comment is fine"
    );
    assert!(
        report.violations[1].message.contains(MEMBER2_NAME),
        "{}",
        report.violations[1].message
    );
}

#[test]
fn membership_changes_come_from_writers_and_are_judged_by_the_group_before() {
    let ws = Ws::sample();
    // A member makes themselves a writer and, in the next commit, edits a
    // chapter "as a writer": the first is refused; the second is judged by
    // the changed file, so the push as a whole must be refused (the hook
    // checks every commit of a push).
    let config = ws.read("oplaeg.toml");
    let promoted = config.replacen(
        &format!("email = \"{MEMBER}\"\norganisation = \"{MEMBER_ORG}\"\nrole = \"member\""),
        &format!("email = \"{MEMBER}\"\norganisation = \"{MEMBER_ORG}\"\nrole = \"writer\""),
        1,
    );
    assert_ne!(config, promoted, "the member's entry was found");
    ws.write("oplaeg.toml", &promoted);
    let c1 = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Jeg er skribent nu");
    let report = check(&ws, None);
    assert_eq!(
        broken(&report),
        [(
            short(&c1),
            Some("oplaeg.toml".into()),
            Rule::MembersByWriters
        )]
    );

    // Someone not in the group at all.
    ws.write("drafts/03-nyt.md", "# Nyt\n\nTekst.\n");
    let c2 = ws.git_commit_all_as("Ukendt", "ukendt@x.example", DATE, "Nyt kapitel");
    assert!(broken(&check(&ws, None)).contains(&(short(&c2), None, Rule::NotAMember)));
}

#[test]
fn a_new_member_may_act_after_the_commit_that_adds_them() {
    let ws = Ws::sample();
    let writer = ws.session(WRITER);
    writer
        .member_add(
            "Ny Person",
            "ny@x.example",
            "Ny Org",
            oplaeg::model::Role::Member,
        )
        .unwrap();
    ws.session("ny@x.example")
        .add_comment(on_chapter(), "Min første.")
        .unwrap();
    assert!(check(&ws, None).ok());

    // Adding oneself in the same commit one acts in is judged by the old group.
    let config = ws.read("oplaeg.toml");
    ws.write(
        "oplaeg.toml",
        &format!(
            "{config}\n[[members]]\nname = \"Snyder\"\nemail = \"snyd@x.example\"\norganisation = \"X\"\nrole = \"writer\"\n"
        ),
    );
    let c = ws.git_commit_all_as("Snyder", "snyd@x.example", DATE, "Ny skribent");
    assert_eq!(
        broken(&check(&ws, None)),
        [(short(&c), None, Rule::NotAMember)]
    );
}

#[test]
fn reviewers_may_not_comment_even_by_hand() {
    let ws = Ws::sample();
    ws.write(
        "comments/01j0000000000000000review1.toml",
        &comment_file((REVIEWER_NAME, REVIEWER, REVIEWER_ORG), "Læser siger."),
    );
    let c = ws.git_commit_all_as(REVIEWER_NAME, REVIEWER, DATE, "Kommentar");
    assert_eq!(
        broken(&check(&ws, None)),
        [(
            short(&c),
            Some("comments/01j0000000000000000review1.toml".into()),
            Rule::ReviewersRead
        )]
    );
}

#[test]
fn merges_are_judged_by_what_they_add_beyond_their_parents() {
    let ws = Ws::sample();
    let base = ws.head();
    // The writer revises a chapter on main.
    ws.session(WRITER)
        .revise_chapter(
            "indledning",
            "# Indledning\n\nNy indledning.\n",
            "Ny indledning",
        )
        .unwrap();
    let writers = ws.head();
    // Meanwhile a member comments on a branch made from the old state …
    ws.git(&["switch", "-q", "-c", "jens", &base]);
    ws.session(MEMBER)
        .add_comment(on_chapter(), "Fra min klon.")
        .unwrap();
    // … and merges the writer's work: a member's merge bringing a chapter
    // change made by a writer is fine.
    ws.git_env(
        &["merge", "-q", "--no-ff", "-m", "Flet", &writers],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let report = check(&ws, None);
    assert!(report.ok(), "{:#?}", report.violations);

    // A merge that changes a chapter while merging (an "evil merge") is not.
    ws.git(&["switch", "-q", "-c", "jens2", &base]);
    ws.session(MEMBER)
        .add_comment(on_chapter(), "Endnu en.")
        .unwrap();
    let no_commit = ["merge", "-q", "--no-ff", "--no-commit", &writers];
    ws.git_env(&no_commit, &author_env(MEMBER_NAME, MEMBER, DATE));
    ws.write(
        "drafts/02-rehabilitering.md",
        "# Rehabilitering\n\nOmskrevet.\n",
    );
    ws.git(&["add", "-A"]);
    ws.git_env(
        &["commit", "-q", "-m", "Flet"],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let evil = ws.head();
    assert_eq!(
        broken(&check(&ws, None)),
        [(
            short(&evil),
            Some("drafts/02-rehabilitering.md".into()),
            Rule::WritersOnly
        )]
    );
}

#[test]
fn meeting_tags_come_from_writers_as_annotated_tags() {
    let ws = Ws::sample();
    ws.session(WRITER).meeting_tag(3).unwrap();
    assert!(check(&ws, Some("meeting/3")).ok());

    ws.git_env(
        &[
            "tag",
            "-a",
            "meeting/9",
            "-m",
            "9. møde\n\nDato: 2024-12-01",
        ],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let report = check(&ws, Some("meeting/9"));
    let v = &report.violations;
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].rule, Rule::MeetingTagsByWriters);
    assert_eq!(v[0].file.as_deref(), Some("refs/tags/meeting/9"));
    assert_eq!(v[0].email, MEMBER);

    // A plain tag has no tagger: refused when the hook names the ref.
    let head = ws.head();
    let zero = "0".repeat(40);
    let range = format!("{zero}..{head}");
    let report = verify(&ws.store(), Some(&range), Some("refs/tags/meeting/10")).unwrap();
    assert_eq!(broken(&report).len(), 1);
    assert_eq!(report.violations[0].rule, Rule::MeetingTagsByWriters);
    assert_eq!(report.commits, 0, "every commit is on a branch already");
    // Other tags are none of verify's business.
    let report = verify(&ws.store(), Some(&range), Some("refs/tags/v1")).unwrap();
    assert!(report.ok());
}

#[test]
fn a_zero_start_means_what_no_ref_has_yet_and_a_zero_end_nothing() {
    let ws = Ws::sample();
    let zero = "0".repeat(40);
    // Commits on no branch yet (as a pushed new branch is, inside the hook).
    ws.git(&["switch", "-q", "--detach"]);
    ws.write("drafts/01-indledning.md", "# Indledning\n\nÆndret.\n");
    let bad = ws.git_commit_all_as(MEMBER_NAME, MEMBER, DATE, "Ændret");
    let report = check(&ws, Some(&format!("{zero}..{bad}")));
    assert_eq!(report.commits, 1);
    assert_eq!(broken(&report)[0].0, short(&bad));
    assert_eq!(check(&ws, Some(&format!("{bad}..{zero}"))).commits, 0);
}

#[test]
fn a_merge_that_drops_the_other_side_is_the_mergers_own_change() {
    let ws = Ws::sample();
    let base = ws.head();
    let theirs = ws
        .session(MEMBER2)
        .add_comment(on_chapter(), "Birgittes.")
        .unwrap();
    ws.session(WRITER)
        .revise_chapter("rehabilitering", "# Rehabilitering\n\nNy.\n", "Ny")
        .unwrap();
    let writers = ws.head();
    ws.git(&["switch", "-q", "-c", "jens", &base]);
    ws.session(MEMBER)
        .add_comment(on_chapter(), "Jens'.")
        .unwrap();
    ws.git_env(
        &["merge", "-q", "-s", "ours", "-m", "Flet", &writers],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let merge = ws.head();
    let report = check(&ws, None);
    let got = broken(&report);
    assert_eq!(
        got,
        [
            (
                short(&merge),
                Some(format!("comments/{}.toml", theirs.id)),
                Rule::CommentDeleted
            ),
            (
                short(&merge),
                Some("drafts/02-rehabilitering.md".into()),
                Rule::WritersOnly
            ),
        ],
        "{:#?}",
        report.violations
    );
    // The same merge made the ordinary way is the writer's work only.
    ws.git(&["reset", "-q", "--hard", "HEAD~1"]);
    ws.git_env(
        &["merge", "-q", "-m", "Flet", &writers],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    assert!(check(&ws, None).ok());
}

#[test]
fn a_second_first_commit_in_the_history_is_unrelated() {
    let ws = Ws::sample();
    ws.git(&["switch", "-q", "--orphan", "other"]);
    ws.write(
        "drafts/02-rehabilitering.md",
        "# Rehabilitering\n\nAndet.\n",
    );
    let root = ws.git_commit_all_as(WRITER_NAME, WRITER, DATE, "Anden begyndelse");
    ws.git(&["switch", "-q", "-f", "main"]);
    ws.git_env(
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-s",
            "ours",
            "-m",
            "Flet",
            "other",
        ],
        &author_env(WRITER_NAME, WRITER, DATE),
    );
    let merge = ws.head();
    let report = check(&ws, None);
    // The merge is judged by both parents' groups, and the unrelated side
    // has none: no role can come from it.
    assert_eq!(
        broken(&report),
        [
            (short(&root), None, Rule::UnrelatedHistory),
            (short(&merge), Some("oplaeg.toml".into()), Rule::NotAMember)
        ],
        "{:#?}",
        report.violations
    );
}

#[test]
fn every_rule_has_a_distinct_key() {
    let keys: std::collections::HashSet<&str> = Rule::ALL.iter().map(|r| r.key()).collect();
    assert_eq!(keys.len(), Rule::ALL.len());
    for r in Rule::ALL {
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json, r.key());
    }
}

// ---------------------------------------------------------------------------
// A real bare server made by `oplaeg server init`
// ---------------------------------------------------------------------------

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn oplaeg(repo: &Path, home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, home);
    cmd.env("LANG", "da_DK.UTF-8")
        .arg("--repo")
        .arg(repo)
        .args(args)
        .output()
        .unwrap()
}

fn git_in(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    git_output_in(dir, home, args, env)
}

#[test]
fn the_pre_receive_hook_refuses_a_members_chapter_edit_and_accepts_a_comment() {
    let ws = Ws::sample();
    let server: PathBuf = ws.tmp.join("server.git");
    init_server(&server, &ws.home);

    // The writer publishes the workspace: a new branch (old = 000…), every
    // commit checked, all fine.
    ws.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    let out = ws.git_output(&["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        git(&server, &["rev-parse", "main"]),
        ws.head(),
        "the server took the writer's history"
    );
    // verify works on the bare repository itself.
    let out = oplaeg(&server, &ws.home, &["verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A member clones and comments with oplaeg: accepted.
    let clone = ws.tmp.join("jens");
    let out = git_in(
        &ws.tmp,
        &ws.home,
        &["clone", "-q", server.to_str().unwrap(), "jens"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = oplaeg(&clone, &ws.home, &comment_args(MEMBER, "Fra Jens' klon."));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let comment = git(&clone, &["rev-parse", "HEAD"]);
    let out = git_in(&clone, &ws.home, &["push", "-q"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(git(&server, &["rev-parse", "main"]), comment);

    // The member edits a chapter with plain git and pushes: refused, with
    // the reason shown to the pusher, and the server unchanged.
    std::fs::write(
        clone.join("drafts/02-rehabilitering.md"),
        "# Rehabilitering\n\nJens skriver om.\n",
    )
    .unwrap();
    git(&clone, &["add", "-A"]);
    git_env(
        &clone,
        &["commit", "-q", "-m", "Bedre kapitel"],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let bad = git(&clone, &["rev-parse", "HEAD"]);
    let out = git_in(&clone, &ws.home, &["push"], &[]);
    assert!(!out.status.success(), "the push must be refused");
    let err = text(&out.stderr);
    assert!(err.contains("pre-receive hook declined"), "{err}");
    assert!(err.contains("[writers-only]"), "{err}");
    assert!(err.contains(&bad[..7]), "{err}");
    assert!(err.contains("drafts/02-rehabilitering.md"), "{err}");
    assert_eq!(git(&server, &["rev-parse", "main"]), comment);
    assert!(
        !git_output(&server, &["cat-file", "-e", &bad])
            .status
            .success(),
        "the refused commit is not in the server's objects"
    );

    // A member's meeting tag is refused too; the writer's is accepted.
    git(&clone, &["reset", "-q", "--hard", "origin/main"]);
    git_env(
        &clone,
        &["tag", "-a", "meeting/9", "-m", "9. møde"],
        &author_env(MEMBER_NAME, MEMBER, DATE),
    );
    let out = git_in(&clone, &ws.home, &["push", "origin", "meeting/9"], &[]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("[meeting-tags-by-writers]"));
    ws.git(&["pull", "-q", "--ff-only", "origin", "main"]);
    ws.session(WRITER).meeting_tag(3).unwrap();
    let out = ws.git_output(&["push", "-q", "origin", "meeting/3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = oplaeg(&server, &ws.home, &["--format", "json", "meeting", "list"]);
    assert!(text(&out.stdout).contains("meeting/3"));

    // Other branches are not kept, and nothing is deleted.
    let out = ws.git_output(&["push", "origin", "main:refs/heads/extra"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("[ref-not-allowed]"));
    let out = ws.git_output(&["push", "origin", ":refs/tags/meeting/3"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("[no-deletes]"));

    let fsck = git_output(&server, &["fsck", "--no-dangling"]);
    assert!(fsck.status.success(), "{}", text(&fsck.stderr));
    let _ = Store::open(&server).expect("the bare server opens for reading");
    assert_eq!(
        CommentStatus::Open,
        Store::open(&server)
            .unwrap()
            .load(&oplaeg::store::Rev::head())
            .unwrap()
            .comments
            .last()
            .unwrap()
            .status
    );
}

#[test]
fn a_bare_repository_is_read_only() {
    let ws = Ws::sample();
    let server = ws.tmp.join("bare.git");
    checked(
        &["clone"],
        git_in(
            &ws.tmp,
            &ws.home,
            &[
                "clone",
                "-q",
                "--bare",
                ws.root.to_str().unwrap(),
                "bare.git",
            ],
            &[],
        ),
    );
    for args in [
        vec!["status"],
        vec!["comment", "list"],
        vec!["log"],
        vec!["rec", "list"],
        vec!["member", "list"],
    ] {
        let out = oplaeg(&server, &ws.home, &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    let out = oplaeg(
        &server,
        &ws.home,
        &[
            "--as",
            MEMBER,
            "comment",
            "add",
            "--chapter",
            "1",
            "--body",
            "Hej",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("bart repository"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(git(&server, &["rev-parse", "main"]), ws.head());
}

#[test]
fn the_tree_comparison_finds_what_git_finds() {
    use oplaeg::ops::verify::merge;
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(on_chapter(), "En kommentar.")
        .unwrap();
    ws.session(WRITER)
        .resolve(&c.id, Disposition::Met, "Ja.")
        .unwrap();
    // Files and folders appearing, vanishing and turning into each other,
    // with names that sort differently as files and as folders.
    ws.write("a.b", "x");
    ws.write("a/b.txt", "y");
    ws.git_commit_all_as(WRITER_NAME, WRITER, DATE, "Filer");
    std::fs::remove_dir_all(ws.root.join("a")).unwrap();
    ws.write("a", "nu en fil");
    ws.write("a-b/c", "z");
    ws.git_commit_all_as(WRITER_NAME, WRITER, DATE, "Mappe bliver fil");
    std::fs::remove_file(ws.root.join("a")).unwrap();
    ws.write("a/ny.txt", "igen en mappe");
    std::fs::remove_file(ws.root.join("drafts/02-rehabilitering.md")).unwrap();
    ws.git_commit_all_as(WRITER_NAME, WRITER, DATE, "Fil bliver mappe");
    let store = ws.store();
    let trees = merge::Trees::new(store.repo());
    let all = git(&ws.root, &["rev-list", "HEAD"]);
    for id in all.lines() {
        let oid = git2::Oid::from_str(id).unwrap();
        let mut ours: Vec<String> = merge::commit_changes(&trees, oid)
            .unwrap()
            .into_iter()
            .map(|c| c.path)
            .collect();
        ours.sort();
        let plain = git(
            &ws.root,
            &[
                "diff-tree",
                "--root",
                "--no-commit-id",
                "-r",
                "--name-only",
                id,
            ],
        );
        let mut theirs: Vec<String> = plain.lines().map(str::to_string).collect();
        theirs.sort();
        assert_eq!(ours, theirs, "commit {id}");
    }
}

#[test]
fn a_members_merge_of_two_writers_edits_in_one_chapter_is_gits_merge() {
    // Both sides changed the same file (different paragraphs): git merges
    // the content itself, and a member's merge that equals it is fine; one
    // that differs from it anywhere in that file is not.
    let ws = Ws::sample();
    let base = ws.head();
    let first = SAMPLE_REHAB.replace("Kommunerne varetager", "Kommunerne står for");
    ws.session(WRITER)
        .revise_chapter("rehabilitering", &first, "Første afsnit")
        .unwrap();
    let one = ws.head();
    ws.git(&["switch", "-q", "-c", "to", &base]);
    let second = SAMPLE_REHAB.replace("Flere patienter", "Langt flere patienter");
    ws.session(WRITER)
        .revise_chapter("rehabilitering", &second, "Andet afsnit")
        .unwrap();
    ws.session(MEMBER)
        .add_comment(on_chapter(), "Jens.")
        .unwrap();
    let member = author_env(MEMBER_NAME, MEMBER, DATE);
    ws.git_env(&["merge", "-q", "-m", "Flet", &one], &member);
    assert!(
        ws.read("drafts/02-rehabilitering.md")
            .contains("Langt flere")
    );
    assert!(ws.read("drafts/02-rehabilitering.md").contains("står for"));
    let report = check(&ws, None);
    assert!(report.ok(), "{:#?}", report.violations);
    ws.git(&["reset", "-q", "--hard", "HEAD~1"]);
    ws.git_env(&["merge", "-q", "--no-commit", &one], &member);
    ws.write(
        "drafts/02-rehabilitering.md",
        &ws.read("drafts/02-rehabilitering.md")
            .replace("står for", "STÅR FOR"),
    );
    ws.git(&["add", "-A"]);
    ws.git_env(&["commit", "-q", "-m", "Flet"], &member);
    let merge = ws.head();
    assert_eq!(
        broken(&check(&ws, None)),
        [(
            short(&merge),
            Some("drafts/02-rehabilitering.md".into()),
            Rule::WritersOnly
        )]
    );
}

#[test]
fn a_conflict_settled_by_keeping_one_side_loses_no_decision() {
    let ws = Ws::sample();
    ws.session(WRITER)
        .member_add(
            "Anders",
            "anders@sst.example",
            WRITER_ORG,
            oplaeg::model::Role::Writer,
        )
        .unwrap();
    let c = ws
        .session(MEMBER)
        .add_comment(on_chapter(), "Jens'.")
        .unwrap();
    let base = ws.head();
    ws.session(WRITER)
        .resolve(&c.id, Disposition::Met, "Mettes svar.")
        .unwrap();
    let mettes = ws.head();
    ws.git(&["switch", "-q", "-c", "anders", &base]);
    ws.session("anders@sst.example")
        .resolve(&c.id, Disposition::NotMet, "Anders' svar.")
        .unwrap();
    // Anders keeps Mette's answer: a writer may choose either side.
    let writer = author_env("Anders", "anders@sst.example", DATE);
    let out = git_output_in(&ws.root, &ws.home, &["merge", "-q", &mettes], &writer);
    assert!(
        !out.status.success(),
        "the two answers conflict: {}",
        text(&out.stderr)
    );
    let file = format!("comments/{}.toml", c.id);
    ws.git(&["checkout", "--theirs", "--", &file]);
    ws.git(&["add", "-A"]);
    ws.git_env(&["commit", "-q", "--no-edit"], &writer);
    let report = check(&ws, None);
    assert!(report.ok(), "{:#?}", report.violations);

    // Jens edits his comment while Mette answers it, and settles the
    // conflict by keeping his own side: Mette's answer would be lost.
    ws.git(&["switch", "-q", "-c", "jens", &base]);
    ws.session(MEMBER)
        .edit_comment(&c.id, "Jens', rettet.")
        .unwrap();
    let member = author_env(MEMBER_NAME, MEMBER, DATE);
    let out = git_output_in(&ws.root, &ws.home, &["merge", "-q", &mettes], &member);
    assert!(!out.status.success(), "edit and answer conflict");
    ws.git(&["checkout", "--ours", "--", &file]);
    ws.git(&["add", "-A"]);
    ws.git_env(&["commit", "-q", "--no-edit"], &member);
    let lost = ws.head();
    assert_eq!(
        broken(&check(&ws, None)),
        [(short(&lost), Some(file.clone()), Rule::DecisionsByWriters)]
    );
    // Keeping Mette's answered side instead is fine.
    ws.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let _ = git_output_in(&ws.root, &ws.home, &["merge", "-q", &mettes], &member);
    ws.git(&["checkout", "--theirs", "--", &file]);
    ws.git(&["add", "-A"]);
    ws.git_env(&["commit", "-q", "--no-edit"], &member);
    let report = check(&ws, None);
    assert!(report.ok(), "{:#?}", report.violations);
}
