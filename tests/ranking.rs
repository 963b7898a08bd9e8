//! Prioritisation rounds (issue 16) over real repositories: members in
//! their own clones submit rankings, sync through a bare server, and every
//! clone computes the same results; a member cannot submit for another or
//! after the close, neither in the app nor past `verify`; round two shows
//! the movement; a writer adopts the group's order as one commit.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use common::*;
use oplaeg::Error;
use oplaeg::model::{Horizon, Role};
use oplaeg::ops::ranking::rounds_at;
use oplaeg::ops::verify::{Report, Rule};
use oplaeg::ops::{self, Session};
use oplaeg::ranking::{RankingFile, Results, member_id, ranking_path};
use oplaeg::store::{Progress, Rev, Store};

/// A third member, from a region.
const MEMBER3: &str = "camilla.froestrup@regionh.example";
const MEMBER3_NAME: &str = "Camilla Frøstrup";

const A: &str = "tidlig-diagnostik";
const B: &str = "rehabilitering-til-alle";
const C: &str = "kapacitet";
const D: &str = "datadeling";

fn quiet() -> impl FnMut(&Progress) {
    |_: &Progress| {}
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, d).expect("a June day")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn session(root: &Path, email: &str, time: &str) -> Session {
    let mut s = Session::new(Store::open(root).expect("open"), Some(email)).expect("session");
    s.set_time(Some(at(time)));
    s
}

fn submit(
    root: &Path,
    email: &str,
    time: &str,
    order: &[&str],
    none: &[&str],
) -> oplaeg::Result<(u32, RankingFile)> {
    session(root, email, time).ranking_submit(&strings(order), &strings(none), &BTreeMap::new())
}

fn results(root: &Path, round: Option<u32>, today: NaiveDate) -> Results {
    rounds_at(&Store::open(root).expect("open"), &Rev::head())
        .expect("rounds")
        .results(round, today)
        .expect("results")
}

/// The sample oplæg with four recommendations and three members, and
/// round 1 opened (closing 20 June 2024).
fn workspace() -> Ws {
    workspace_closing(Some(day(20)))
}

fn workspace_closing(closes: Option<NaiveDate>) -> Ws {
    let ws = Ws::sample();
    let w = ws.session_at(WRITER, "2024-05-28T09:00:00+02:00");
    w.rec_add("Kapacitet", Horizon::Short, "Mere kapacitet.", Some(C))
        .expect("rec");
    w.rec_add("Datadeling", Horizon::Long, "Del data.", Some(D))
        .expect("rec");
    w.member_add(MEMBER3_NAME, MEMBER3, "Region Hovedstaden", Role::Member)
        .expect("member");
    let (n, round) = ws
        .session_at(WRITER, "2024-06-01T09:00:00+02:00")
        .ranking_open(None, closes)
        .expect("open");
    assert_eq!(n, 1);
    assert_eq!(round.items, strings(&[A, B, C, D]));
    ws
}

fn check(root: &Path, range: Option<&str>) -> Report {
    ops::verify(&Store::open(root).expect("open"), range, None).expect("verify runs")
}

fn rules(report: &Report) -> Vec<(Option<String>, Rule)> {
    report
        .violations
        .iter()
        .map(|v| (v.file.clone(), v.rule))
        .collect()
}

#[test]
fn three_clones_rank_sync_and_compute_the_same_results() {
    let ws = workspace();
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
    let sync = |root: &Path, email: &str| {
        session(root, email, "2024-06-10T12:00:00+02:00")
            .sync(None, &mut quiet())
            .expect("sync")
    };
    sync(&ws.root, WRITER);
    let members = [
        (MEMBER, "rm", [D, A, B, C].as_slice(), [].as_slice()),
        (MEMBER2, "kl", [B, A].as_slice(), [C].as_slice()),
        (MEMBER3, "rh", [D, B, A, C].as_slice(), [].as_slice()),
    ];
    let mut clones: Vec<(PathBuf, &str)> = Vec::new();
    for (i, (email, name, order, none)) in members.iter().enumerate() {
        let path = ws.tmp.join(name);
        let cloned =
            ops::clone(server.to_str().unwrap(), &path, Some(email), &mut quiet()).expect("clone");
        let root = cloned.store.root().to_path_buf();
        let (n, file) = submit(
            &root,
            email,
            &format!("2024-06-0{}T10:00:00+02:00", i + 2),
            order,
            none,
        )
        .expect("submit");
        assert_eq!(n, 1);
        assert_eq!(file.order, strings(order));
        // Exactly the member's own file, in one commit.
        let out = git(&root, &["show", "--name-only", "--format=", "HEAD"]);
        assert_eq!(out.trim(), ranking_path(1, &member_id(email)));
        clones.push((root, email));
    }
    // Everyone sends, then everyone fetches what the others sent.
    for (root, email) in &clones {
        sync(root, email);
    }
    for (root, email) in &clones {
        sync(root, email);
    }
    sync(&ws.root, WRITER);

    // The server holds the round and three rankings (plain git).
    let files = git(
        &server,
        &["ls-tree", "-r", "--name-only", "main", "rankings/"],
    );
    let mut expected: Vec<String> = vec!["rankings/1/round.toml".into()];
    for (email, ..) in &members {
        expected.push(ranking_path(1, &member_id(email)));
    }
    expected.sort();
    let mut got: Vec<String> = files.lines().map(str::to_string).collect();
    got.sort();
    assert_eq!(got, expected);

    // Every clone computes exactly the same results.
    let reference = results(&ws.root, None, day(15));
    assert_eq!(reference.rankings, 3);
    let json = serde_json::to_string(&reference).unwrap();
    for (root, _) in &clones {
        assert_eq!(
            serde_json::to_string(&results(root, None, day(15))).unwrap(),
            json
        );
    }
    // The hand-computed aggregate: completed ranks RM (2,3,4,1), KL
    // (2,1,3.5,3.5), RH (3,2,4,1); Borda Σ(4 − rank): A 5, B 6, C 0.5, D 6.5.
    let order: Vec<&str> = reference.items.iter().map(|i| i.slug.as_str()).collect();
    assert_eq!(order, [D, B, A, C]);
    assert_eq!(reference.items[0].borda, 6.5);
    let c = reference.items.iter().find(|i| i.slug == C).unwrap();
    assert_eq!((c.n, c.no_opinion, c.missing), (2, 1, 0));
    let w = reference.kendalls_w.expect("W with three rankings");
    assert!((0.0..=1.0).contains(&w));
    // The stable JSON keys.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in ["round", "rankings", "kendalls_w", "chi_square", "p_value"] {
        assert!(value.get(key).is_some(), "{key}");
    }
    for key in [
        "slug",
        "mean_rank",
        "median_rank",
        "iqr",
        "borda",
        "writers_rank",
        "n",
        "no_opinion",
    ] {
        assert!(value["items"][0].get(key).is_some(), "{key}");
    }
    // The whole shared history keeps the rules.
    let report = check(&ws.root, None);
    assert!(report.ok(), "{:?}", report.violations);
}

#[test]
fn the_app_takes_only_a_members_own_ranking_while_the_round_is_open() {
    let ws = workspace();
    let before = ws.commit_count();
    // Writers and reviewers do not rank.
    for who in [WRITER, REVIEWER] {
        let e = submit(&ws.root, who, "2024-06-02T10:00:00+02:00", &[A, B], &[]).unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    }
    // Someone not in the group is refused before anything else.
    assert!(matches!(
        Session::new(ws.store(), Some("fremmed@x.example")),
        Err(Error::NotAMember(_))
    ));
    // Unknown and repeated slugs are refused, with the round's list.
    let e = submit(
        &ws.root,
        MEMBER,
        "2024-06-02T10:00:00+02:00",
        &[A, "ukendt"],
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("ukendt"), "{e}");
    assert!(e.to_string().contains(D), "{e}");
    let e = submit(&ws.root, MEMBER, "2024-06-02T10:00:00+02:00", &[A, B], &[B]).unwrap_err();
    assert!(e.to_string().contains(B), "{e}");
    assert_eq!(ws.commit_count(), before);
    // Numbers name the round's recommendations; the member changes their mind.
    let (_, file) = submit(
        &ws.root,
        MEMBER,
        "2024-06-02T10:00:00+02:00",
        &["2", "1"],
        &[],
    )
    .expect("submit");
    assert_eq!(file.order, strings(&[B, A]));
    submit(&ws.root, MEMBER, "2024-06-03T10:00:00+02:00", &[C, A], &[D]).expect("change");
    assert_eq!(ws.commit_count(), before + 2);
    let own = ranking_path(1, &member_id(MEMBER));
    assert_eq!(ws.changed_files("HEAD"), vec![format!("M\t{own}")]);
    let toml = ws.read_toml(&own);
    assert_eq!(toml_str(&toml, "member"), MEMBER);
    // After the closing date the round is closed, by the clock alone.
    let e = submit(&ws.root, MEMBER2, "2024-06-21T08:00:00+02:00", &[A, B], &[]).unwrap_err();
    assert!(e.to_string().contains("lukket"), "{e}");
    // On the closing date it is still open.
    submit(&ws.root, MEMBER2, "2024-06-20T23:00:00+02:00", &[A, B], &[]).expect("last day");
    // A writer closes; nobody can submit any more, and a second close says so.
    ws.session_at(WRITER, "2024-06-20T23:30:00+02:00")
        .ranking_close(None)
        .expect("close");
    let count = ws.commit_count();
    let e = submit(&ws.root, MEMBER3, "2024-06-20T23:40:00+02:00", &[A, B], &[]).unwrap_err();
    assert!(e.to_string().contains("lukket"), "{e}");
    assert!(
        ws.session_at(WRITER, "2024-06-20T23:45:00+02:00")
            .ranking_close(Some(1))
            .is_err()
    );
    assert_eq!(ws.commit_count(), count);
    // Members cannot open or close rounds.
    assert!(matches!(
        ws.session_at(MEMBER, "2024-06-22T10:00:00+02:00")
            .ranking_open(None, None),
        Err(Error::Forbidden { .. })
    ));
    // The app's own history passes verify.
    assert!(check(&ws.root, None).ok());
}

/// A ranking file's text for `email`, written by hand.
fn ranking_text(email: &str, order: &[&str]) -> String {
    RankingFile {
        member: email.to_string(),
        name: "X".into(),
        organisation: "KL".into(),
        submitted: at("2024-06-05T10:00:00+02:00"),
        order: strings(order),
        no_opinion: Vec::new(),
        reasons: BTreeMap::new(),
    }
    .render()
}

#[test]
fn verify_takes_only_a_members_own_ranking_while_the_round_is_open() {
    let ws = workspace();
    let start = ws.head();
    let own = ranking_path(1, &member_id(MEMBER));
    let theirs = ranking_path(1, &member_id(MEMBER2));
    let date = "2024-06-05T10:00:00+02:00";

    // Their own ranking, by plain git, while open: accepted.
    ws.write(&own, &ranking_text(MEMBER, &[A, B]));
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, date, "min rangordning");
    assert!(check(&ws.root, Some(&format!("{start}..HEAD"))).ok());

    // Another member's file, even in that member's name: refused.
    let base = ws.head();
    ws.write(&theirs, &ranking_text(MEMBER2, &[B, A]));
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, date, "for Birgitte");
    assert_eq!(
        rules(&check(&ws.root, Some(&format!("{base}..HEAD")))),
        vec![(Some(theirs.clone()), Rule::Rankings)]
    );
    ws.git(&["reset", "-q", "--hard", &base]);

    // Their own file in someone else's name, or ranking strangers: refused.
    ws.write(&own, &ranking_text(MEMBER2, &[B, A]));
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, date, "i en andens navn");
    ws.write(&own, &ranking_text(MEMBER, &[B, "ukendt"]));
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, date, "ukendt anbefaling");
    let report = check(&ws.root, Some(&format!("{base}..HEAD")));
    assert_eq!(report.violations.len(), 2, "{:?}", report.violations);
    assert!(report.violations.iter().all(|v| v.rule == Rule::Rankings));
    assert!(
        report
            .violations
            .iter()
            .any(|v| v.message.contains(MEMBER2))
    );
    ws.git(&["reset", "-q", "--hard", &base]);

    // A member may not open, extend or close a round.
    let round = ws.read("rankings/1/round.toml");
    ws.write(
        "rankings/1/round.toml",
        &round.replace("closes = \"2024-06-20\"\n", ""),
    );
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, date, "længere frist");
    assert_eq!(
        rules(&check(&ws.root, Some(&format!("{base}..HEAD")))),
        vec![(Some("rankings/1/round.toml".into()), Rule::Rankings)]
    );
    ws.git(&["reset", "-q", "--hard", &base]);

    // After the closing date (the commit's own date): refused.
    ws.write(&own, &ranking_text(MEMBER, &[B, A]));
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, "2024-06-21T09:00:00+02:00", "for sent");
    let report = check(&ws.root, Some(&format!("{base}..HEAD")));
    assert_eq!(rules(&report), vec![(Some(own.clone()), Rule::Rankings)]);
    assert!(report.violations[0].message.contains("2024-06-20"));
    ws.git(&["reset", "-q", "--hard", &base]);

    // After a writer's close commit, even before the date: refused; so is
    // deleting one's ranking.
    ws.session_at(WRITER, "2024-06-06T09:00:00+02:00")
        .ranking_close(None)
        .expect("close");
    let closed = ws.head();
    ws.write(&own, &ranking_text(MEMBER, &[B, A]));
    ws.git_commit_all_as(
        MEMBER_NAME,
        MEMBER,
        "2024-06-07T09:00:00+02:00",
        "efter lukning",
    );
    ws.git(&["rm", "-q", &own]);
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, "2024-06-07T09:10:00+02:00", "slettet");
    let report = check(&ws.root, Some(&format!("{closed}..HEAD")));
    assert_eq!(report.violations.len(), 2, "{:?}", report.violations);
    assert!(report.violations.iter().all(|v| v.rule == Rule::Rankings
        && v.file.as_deref() == Some(own.as_str())
        && v.message.contains("lukket")));

    // A reviewer may not rank at all.
    ws.git(&["reset", "-q", "--hard", &base]);
    let reviewer_file = ranking_path(1, &member_id(REVIEWER));
    ws.write(&reviewer_file, &ranking_text(REVIEWER, &[A, B]));
    ws.git_commit_all_as(REVIEWER_NAME, REVIEWER, date, "læser");
    assert_eq!(
        rules(&check(&ws.root, Some(&format!("{base}..HEAD")))),
        vec![(Some(reviewer_file), Rule::Rankings)]
    );
}

#[test]
fn round_two_shows_the_movement_and_the_writers_adopt_the_order() {
    let ws = workspace();
    let t = |d: u32, h: u32| format!("2024-06-{d:02}T{h:02}:00:00+02:00");
    submit(&ws.root, MEMBER, &t(2, 10), &[A, B, C, D], &[]).unwrap();
    submit(&ws.root, MEMBER2, &t(2, 11), &[A, C, B, D], &[]).unwrap();
    submit(&ws.root, MEMBER3, &t(2, 12), &[B, A, C, D], &[]).unwrap();
    // Adopting an open round is refused.
    assert!(
        ws.session_at(WRITER, &t(3, 9))
            .ranking_adopt(None)
            .unwrap_err()
            .to_string()
            .contains("åben")
    );
    ws.session_at(WRITER, &t(3, 10))
        .ranking_close(None)
        .expect("close");
    let first = results(&ws.root, Some(1), day(3));
    assert!(first.previous.is_none());
    assert!(first.items.iter().all(|i| i.moved.is_none()));

    // Between the rounds the writers add a recommendation.
    ws.session_at(WRITER, &t(4, 10))
        .rec_add("Screening", Horizon::Medium, "Screen.", Some("screening"))
        .expect("rec");
    let (n, round) = ws
        .session_at(WRITER, &t(5, 10))
        .ranking_open(None, None)
        .expect("round 2");
    assert_eq!(n, 2);
    assert_eq!(round.items.len(), 5);
    submit(&ws.root, MEMBER, &t(6, 10), &[D, C, A, B, "screening"], &[]).unwrap();
    submit(&ws.root, MEMBER2, &t(6, 11), &[D, A, C, B], &["screening"]).unwrap();
    submit(
        &ws.root,
        MEMBER3,
        &t(6, 12),
        &[C, D, B, A, "screening"],
        &[],
    )
    .unwrap();

    let second = results(&ws.root, None, day(7));
    assert_eq!(second.round, 2);
    let prev = second.previous.as_ref().expect("movement since round 1");
    assert_eq!(prev.round, 1);
    assert_eq!(prev.added, strings(&["screening"]));
    assert!(prev.left_out.is_empty());
    let change = prev.kendalls_w_change.expect("W in both rounds");
    assert!((change - (second.kendalls_w.unwrap() - first.kendalls_w.unwrap())).abs() < 1e-12);
    let item = |slug: &str| second.items.iter().find(|i| i.slug == slug).unwrap();
    // Round 1 (Borda A 8, B 6, C 4, D 0): A B C D.
    // Completed ranks in round 2 (n = 5): RM D1 C2 A3 B4; KL D1 A2 C3 B4
    // (screening 5); RH C1 D2 B3 A4. Borda Σ(5 − rank): D 11, C 9, A 6, B 4.
    let order: Vec<&str> = second.items.iter().map(|i| i.slug.as_str()).collect();
    assert_eq!(order, [D, C, A, B, "screening"]);
    assert_eq!(item(D).moved, Some(3));
    assert_eq!(item(C).moved, Some(1));
    assert_eq!(item(A).moved, Some(-2));
    assert_eq!(item(B).moved, Some(-2));
    assert_eq!(item("screening").moved, None);
    // The text shows the movement and the change of W.
    let text: Vec<String> = oplaeg::ranking::render::render(&second, 80)
        .iter()
        .map(|l| l.text())
        .collect();
    assert!(
        text.iter().any(|l| l.starts_with("Siden runde 1")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|l| l.contains("↑3 Datadeling")),
        "{text:#?}"
    );
    assert!(text.iter().all(|l| l.chars().count() <= 80), "{text:#?}");

    // Nothing reorders by itself; a writer adopts the order in one commit.
    let before_order = ws.read("priority.toml");
    let count = ws.commit_count();
    ws.session_at(WRITER, &t(8, 10))
        .ranking_close(None)
        .expect("close");
    assert_eq!(ws.read("priority.toml"), before_order);
    let adopted = ws
        .session_at(WRITER, &t(8, 11))
        .ranking_adopt(None)
        .expect("adopt");
    assert_eq!(adopted.order, strings(&[D, C, A, B, "screening"]));
    assert_eq!(ws.commit_count(), count + 2);
    assert_eq!(
        ws.changed_files("HEAD"),
        vec!["M\tpriority.toml".to_string()]
    );
    let shown = ws.show("HEAD", "priority.toml");
    let positions: Vec<usize> = [D, C, A, B, "screening"]
        .iter()
        .map(|s| shown.find(&format!("\"{s}\"")).expect("in priority.toml"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{shown}");
    // Adopting the same order again is refused.
    assert!(
        ws.session_at(WRITER, &t(8, 12))
            .ranking_adopt(None)
            .is_err()
    );
    assert!(check(&ws.root, None).ok());
}

#[test]
fn the_command_line_submits_and_shows_results_escaped() {
    // The binary runs on the real clock: a round without a closing date.
    let ws = workspace_closing(None);
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
        isolate(&mut cmd, &ws.home);
        let out = cmd
            .env("LANG", "da_DK.UTF-8")
            .arg("--repo")
            .arg(&ws.root)
            .args(args)
            .output()
            .expect("run oplaeg");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let reason = format!("{A}=Hurtig \u{202e}udredning\u{1b}[31m");
    let (ok, out, err) = run(&[
        "--as",
        MEMBER,
        "ranking",
        "submit",
        "--order",
        "1,2,3",
        "--no-opinion",
        D,
        "--reason",
        &reason,
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("runde 1"), "{out}");
    let (ok, _, err) = run(&[
        "--as",
        MEMBER2,
        "ranking",
        "submit",
        "--order",
        &format!("{B},{A}"),
        "--reason",
        &format!("{B}=<script>alert(1)</script> & mere"),
    ]);
    assert!(ok, "{err}");
    // Submitting for someone else is not possible: --as names a member,
    // and only their own file is written.
    let (ok, _, err) = run(&[
        "--as",
        "fremmed@x.example",
        "ranking",
        "submit",
        "--order",
        A,
    ]);
    assert!(!ok);
    assert!(err.contains("fremmed@x.example"), "{err}");

    let (ok, out, err) = run(&["ranking", "results"]);
    assert!(ok, "{err}");
    assert!(out.contains("Prioriteringsrunde 1"), "{out}");
    assert!(out.contains("Kendalls W ="), "{out}");
    assert!(
        !out.contains('\u{202e}') && !out.contains('\u{1b}'),
        "{out:?}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    let (ok, out, _) = run(&["--lang", "en", "ranking", "results"]);
    assert!(ok);
    assert!(
        out.contains("Ranking round 1") && out.contains("Kendall's W ="),
        "{out}"
    );

    let (ok, out, err) = run(&["ranking", "results", "--format", "json"]);
    assert!(ok, "{err}");
    assert!(!out.contains('\u{202e}') && !out.contains('\u{1b}'));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["round"], 1);
    assert_eq!(v["rankings"], 2);
    let a = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == A)
        .unwrap();
    assert_eq!(a["n"], 2);
    assert_eq!(
        a["reasons"][0]["text"],
        "Hurtig \u{202e}udredning\u{1b}[31m"
    );
    // A round's document, and the høringsnotat's section, escape user text.
    let file = ws.tmp.join("runde.html");
    let (ok, out, err) = run(&["ranking", "export", "-o", file.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let html = std::fs::read_to_string(&file).expect("the round's document");
    assert!(html.contains("Prioriteringsrunde 1") && html.contains("Kendalls W"));
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    let (ok, _, _) = run(&["ranking", "export", "-o", file.to_str().unwrap()]);
    assert!(!ok, "an existing file is not overwritten without --force");
    let notat = ws.tmp.join("notat.md");
    let (ok, _, err) = run(&[
        "export",
        "notat",
        "--format",
        "md",
        "-o",
        notat.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let md = std::fs::read_to_string(&notat).expect("notat");
    assert!(
        md.contains("Følgegruppens prioritering af anbefalingerne"),
        "{md}"
    );
    assert!(md.contains("Kendalls W = "), "{md}");
    let d = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == D)
        .unwrap();
    assert_eq!(
        (d["n"].as_u64(), d["no_opinion"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn a_ranking_made_after_the_writers_close_in_another_clone_is_not_counted() {
    let ws = workspace_closing(None);
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
    let sync = |root: &Path, email: &str| {
        session(root, email, "2024-06-12T12:00:00+02:00")
            .sync(None, &mut quiet())
            .expect("sync")
    };
    sync(&ws.root, WRITER);
    let clone = ws.tmp.join("rm");
    ops::clone(server.to_str().unwrap(), &clone, Some(MEMBER), &mut quiet()).expect("clone");
    submit(&ws.root, MEMBER2, "2024-06-05T10:00:00+02:00", &[A, B], &[]).expect("in time");
    ws.session_at(WRITER, "2024-06-10T09:00:00+02:00")
        .ranking_close(None)
        .expect("close");
    sync(&ws.root, WRITER);
    // The member's clone has not seen the close yet and still takes it.
    submit(&clone, MEMBER, "2024-06-11T09:00:00+02:00", &[B, A], &[]).expect("late");
    sync(&clone, MEMBER);
    sync(&ws.root, WRITER);
    let at = rounds_at(&ws.store(), &Rev::head()).expect("rounds");
    let late = ranking_path(1, &member_id(MEMBER));
    // Both files are in the history, but only the one in time counts.
    assert!(ws.show("HEAD", &late).contains(MEMBER));
    let r = at.results(None, day(12)).expect("results");
    assert_eq!(r.rankings, 1);
    assert_eq!(at.problems.len(), 1);
    assert_eq!(at.problems[0].file, late);
}

#[test]
fn status_names_the_open_round_and_whether_the_member_has_ranked() {
    // The binary runs on the real clock: a round without a closing date.
    let ws = workspace_closing(None);
    let status = |email: &str, lang: &str, json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
        isolate(&mut cmd, &ws.home);
        cmd.arg("--repo")
            .arg(&ws.root)
            .args(["--as", email, "--lang", lang]);
        if json {
            cmd.args(["--format", "json"]);
        }
        let out = cmd.arg("status").output().expect("run oplaeg");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    submit(&ws.root, MEMBER, "2024-06-02T09:00:00+02:00", &[A, B], &[]).expect("submit");
    let da = status(MEMBER, "da", false);
    assert!(
        da.contains("Prioritering: runde 1 er åben – 1 af 3 medlemmer har rangordnet"),
        "{da}"
    );
    assert!(da.contains("Du har rangordnet"), "{da}");
    let en = status(MEMBER3, "en", false);
    assert!(
        en.contains("Ranking:      round 1 is open – 1 of 3 members have ranked"),
        "{en}"
    );
    assert!(en.contains("You have not ranked yet"), "{en}");
    // A writer does not rank: no line about their own ranking.
    let writer = status(WRITER, "da", false);
    assert!(writer.contains("runde 1 er åben"), "{writer}");
    assert!(!writer.contains("Du har"), "{writer}");
    let json: serde_json::Value = serde_json::from_str(&status(MEMBER3, "en", true)).unwrap();
    assert_eq!(json["ranking_round"]["round"], 1);
    assert_eq!(json["ranking_round"]["rankings"], 1);
    assert_eq!(json["ranking_round"]["submitted"], false);
    // Closed: nothing to mention.
    ws.session_at(WRITER, "2024-06-03T09:00:00+02:00")
        .ranking_close(None)
        .expect("close");
    let closed = status(MEMBER3, "da", false);
    assert!(!closed.contains("Prioritering:"), "{closed}");
    let json: serde_json::Value = serde_json::from_str(&status(MEMBER3, "en", true)).unwrap();
    assert!(json["ranking_round"].is_null());
}
