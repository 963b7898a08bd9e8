//! "Mit overblik" (`oplaeg mine`, [`oplaeg::ops::mine`]): on the demo, each
//! member's comments with their answers and fates, what arrived since the
//! last look across clones, edited quotes, the organisation's view, the
//! last-look marker's robustness, and hostile text. Checked against
//! `comment list --format json` and plain git.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use common::*;
use oplaeg::model::{Disposition, Role};
use oplaeg::ops::mine::{self, MarkerState, Overview, Query, QuoteKind, Scope, Since, SinceBasis};
use oplaeg::ops::{self, NewTarget, Session};
use oplaeg::store::Store;
use serde_json::Value;
use tempfile::TempDir;

const JENS: &str = "jens.noergaard@rm.example";

/// A fresh demo workspace.
fn demo() -> (TempDir, PathBuf) {
    common::tui::demo_in_tempdir()
}

/// The real binary on `root`, in Danish, with git isolated; must succeed.
fn run(root: &Path, args: &[&str]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut c, &shared_home());
    c.env("LANG", "da_DK.UTF-8")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--repo")
        .arg(root)
        .args(args);
    let out = c.output().expect("run oplaeg");
    assert!(
        out.status.success(),
        "oplaeg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(root: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let text = run(root, &all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn query(email: &str, scope: Scope, since: Since) -> Query {
    Query {
        email: email.into(),
        scope,
        since,
        today: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
    }
}

fn overview(root: &Path, email: &str, scope: Scope, since: Since) -> Overview {
    let store = Store::open(root).expect("open");
    mine::overview(&store, &query(email, scope, since)).expect("overview")
}

fn session(root: &Path, email: &str) -> Session {
    Session::new(Store::open(root).expect("open"), Some(email)).expect("session")
}

fn ids(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// The fate key `comment list` gives, as the overview names it.
fn fate_as_kind(placement: &Value) -> &'static str {
    match placement["fate"]["kind"].as_str() {
        Some("exact") => "unchanged",
        Some("moved") => "moved",
        Some("fuzzy") => "edited",
        Some("section") => "section",
        Some("orphaned") => "orphaned",
        None => "chapter_gone",
        Some(other) => panic!("unknown fate {other}"),
    }
}

#[test]
fn each_members_overview_lists_exactly_their_comments_as_comment_list_does() {
    let (_tmp, root) = demo();
    let members = Store::open(&root).unwrap().head_config().unwrap().members;
    let mut seen_with_comments = 0;
    for m in &members {
        let listed = json(&root, &["comment", "list", "--author", &m.email]);
        let firsts: Vec<&Value> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["reply_to"].is_null())
            .collect();
        let o = json(&root, &["mine", "--as", &m.email, "--all"]);
        assert_eq!(o["member"]["email"], m.email.as_str());
        assert!(o["since"].is_null(), "--all has no since part");
        let mut by_id: BTreeMap<String, (&str, &Value)> = BTreeMap::new();
        for (group, status) in [
            ("answered", "resolved"),
            ("open", "open"),
            ("withdrawn", "withdrawn"),
        ] {
            for c in o[group].as_array().unwrap() {
                assert_eq!(c["status"], status, "{c}");
                assert_eq!(c["mine"], true);
                by_id.insert(c["id"].as_str().unwrap().to_string(), (group, c));
            }
        }
        let listed_ids: BTreeSet<String> = firsts
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            by_id.keys().cloned().collect::<BTreeSet<_>>(),
            listed_ids,
            "{}",
            m.email
        );
        for l in &firsts {
            let (_, c) = by_id[l["id"].as_str().unwrap()];
            assert_eq!(c["status"], l["status"]);
            assert_eq!(c["body"], l["body"]);
            match l["resolution"].as_object() {
                Some(r) => {
                    assert_eq!(c["answer"]["disposition"], r["disposition"]);
                    assert_eq!(c["answer"]["response"], r["response"]);
                    assert_eq!(c["answer"]["by"], r["by"]);
                    assert_eq!(c["answer"]["at"], r["at"]);
                }
                None => assert!(c["answer"].is_null()),
            }
            match l["target"]["anchor"]["quote"].as_str() {
                Some(q) => {
                    assert_eq!(c["quote"], q);
                    assert_eq!(c["quote_now"]["kind"], fate_as_kind(&l["placement"]));
                    if let Some(now) = l["placement"]["text"].as_str() {
                        assert_eq!(c["quote_now"]["now"], now);
                    }
                }
                None => assert!(c["quote_now"].is_null()),
            }
            let on = match l["target"]["chapter"].as_str() {
                Some(ch) => ("chapter", ch),
                None => (
                    "recommendation",
                    l["target"]["recommendation"].as_str().unwrap(),
                ),
            };
            assert_eq!(
                (
                    c["on"]["kind"].as_str().unwrap(),
                    c["on"]["slug"].as_str().unwrap()
                ),
                on
            );
        }
        if !firsts.is_empty() {
            seen_with_comments += 1;
        }
    }
    assert!(seen_with_comments >= 6, "the demo's members comment");
    // --mine is the acting member's --author.
    assert_eq!(
        ids(&json(&root, &["comment", "list", "--mine", "--as", JENS])),
        ids(&json(
            &root,
            &["comment", "list", "--author", "JENS.Noergaard@rm.example"]
        ))
    );
    // The demo answers some of Jens's comments and edits one quote.
    let o = overview(&root, JENS, Scope::Member, Since::Nothing);
    assert!(!o.answered.is_empty() && !o.open.is_empty());
    assert!(o.comments().any(|c| {
        c.quote_now
            .as_ref()
            .is_some_and(|q| q.kind == QuoteKind::Edited)
    }));
}

#[test]
fn comment_list_since_lists_what_git_says_changed_in_comments() {
    let (_tmp, root) = demo();
    let listed = ids(&json(&root, &["comment", "list", "--since", "3"]));
    let changed: BTreeSet<String> = git(
        &root,
        &["diff", "--name-only", "meeting/3", "HEAD", "--", "comments"],
    )
    .lines()
    .map(|l| {
        l.trim_start_matches("comments/")
            .trim_end_matches(".toml")
            .to_string()
    })
    .collect();
    assert!(!changed.is_empty());
    assert_eq!(listed, changed);
    assert!(ids(&json(&root, &["comment", "list", "--since", "HEAD"])).is_empty());
}

#[test]
fn an_answer_synced_from_another_clone_arrives_since_the_last_look_until_marked_read() {
    let (tmp, root) = demo();
    let server = tmp.path().join("server.git");
    git(
        tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "--initial-branch=main",
            "server.git",
        ],
    );
    git(
        &root,
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    session(&root, JENS)
        .sync(None, &mut |_| {})
        .expect("first sync");

    // Jens has never marked anything: the last meeting is the fallback.
    let first = json(
        &root,
        &["mine", "--as", JENS, "--since-last-look", "--mark-read"],
    );
    assert_eq!(first["since"]["from"]["basis"], "last_meeting");
    assert!(first["since"]["from"]["note"].is_string());
    let head = git(&root, &["rev-parse", "HEAD"]);
    assert_eq!(first["marked_read"]["commit"], head.trim());
    // The marker lives in .git, untracked and unseen by git status.
    let marker = mine::marker_path(&Store::open(&root).unwrap(), JENS);
    assert!(
        marker.starts_with(root.join(".git")),
        "{}",
        marker.display()
    );
    assert!(marker.is_file());
    assert_eq!(git(&root, &["status", "--porcelain", "--ignored"]), "");
    let quiet = json(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert_eq!(quiet["since"]["from"]["basis"], "last_look");
    assert_eq!(quiet["since"]["answers"], Value::Array(vec![]));

    // A writer answers one of Jens's open comments in another clone.
    let open_id = quiet["open"][0]["id"].as_str().unwrap().to_string();
    let writer_root = tmp.path().join("writer");
    ops::clone(
        server.to_str().unwrap(),
        &writer_root,
        Some(WRITER),
        &mut |_| {},
    )
    .expect("clone");
    let w = session(&writer_root, WRITER);
    w.resolve(
        &open_id,
        Disposition::PartlyMet,
        "Vi viser nu de tre største kræftformer.",
    )
    .expect("resolve");
    w.sync(None, &mut |_| {}).expect("writer sync");

    // Jens syncs: the status line's words, then the overview.
    let before = Store::open(&root).unwrap().head().unwrap();
    let said = run(&root, &["sync", "--as", JENS]);
    assert!(
        said.contains("Til dig: 1 nyt svar på dine kommentarer"),
        "{said}"
    );
    let store = Store::open(&root).unwrap();
    let after = store.head().unwrap().unwrap();
    let arrived = mine::arrived_between(&store, JENS, Scope::Member, before, after).unwrap();
    assert_eq!(arrived.answers, 1);
    assert_eq!(
        arrived.phrases_in(Scope::Member, oplaeg::i18n::Lang::Da)[0],
        "1 nyt svar på dine kommentarer"
    );
    let news = json(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert_eq!(news["since"]["from"]["commit"], head.trim());
    let answers = news["since"]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(answers[0]["comment"], open_id.as_str());
    assert_eq!(answers[0]["answer"]["disposition"], "partly_met");
    assert_eq!(answers[0]["answer"]["by_name"], WRITER_NAME);
    assert_eq!(news["since"]["arrived"]["answers"], 1);
    assert!(
        news["answered"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == open_id.as_str())
    );
    let text = run(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert!(text.contains("1 nyt svar på dine kommentarer"), "{text}");
    assert!(
        text.contains("Vi viser nu de tre største kræftformer."),
        "{text}"
    );
    // Looking again without confirming leaves it new.
    let again = json(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert_eq!(again["since"]["answers"].as_array().unwrap().len(), 1);
    // Confirmed: gone.
    run(
        &root,
        &["mine", "--as", JENS, "--since-last-look", "--mark-read"],
    );
    let done = json(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert_eq!(done["since"]["answers"], Value::Array(vec![]));
    assert_eq!(
        done["since"]["from"]["commit"],
        git(&root, &["rev-parse", "HEAD"]).trim()
    );
    let text = run(&root, &["mine", "--as", JENS, "--since-last-look"]);
    assert!(text.contains("Intet nyt."), "{text}");
    // Another member's marker is their own.
    let other = json(&root, &["mine", "--as", MEMBER2, "--since-last-look"]);
    assert_eq!(other["since"]["from"]["basis"], "last_meeting");
    assert_eq!(git(&root, &["status", "--porcelain", "--ignored"]), "");
}

#[test]
fn an_edit_of_a_quoted_sentence_shows_the_old_and_new_words() {
    let (_tmp, root) = demo();
    let o = overview(&root, JENS, Scope::Member, Since::Nothing);
    let c = o
        .open
        .iter()
        .find(|c| {
            c.quote_now
                .as_ref()
                .is_some_and(|q| q.kind == QuoteKind::Unchanged)
        })
        .expect("an open comment on unchanged words");
    let quote = c.quote.clone().unwrap();
    assert!(quote.contains("vil ikke kunne løses"), "{quote}");
    let store = Store::open(&root).unwrap();
    let ws = store.load(&oplaeg::store::Rev::head()).unwrap();
    let chapter = ws.chapter(&c.on.slug).unwrap();
    let edited = chapter
        .markdown
        .replace("vil ikke kunne løses", "kan ikke løses");
    assert_ne!(edited, chapter.markdown);
    session(&root, WRITER)
        .revise_chapter(&c.on.slug, &edited, "Præmissen skærpet")
        .expect("revise");

    let o = overview(&root, JENS, Scope::Member, Since::Revision("HEAD~1".into()));
    let now = o.open.iter().find(|x| x.id == c.id).unwrap();
    let q = now.quote_now.as_ref().unwrap();
    assert_eq!(q.kind, QuoteKind::Edited);
    assert!(q.now.as_deref().unwrap().contains("kan ikke løses"));
    let old: String = q
        .words
        .iter()
        .filter(|s| s.op != oplaeg::diff::Op::Insert)
        .map(|s| s.text.as_str())
        .collect();
    let new: String = q
        .words
        .iter()
        .filter(|s| s.op != oplaeg::diff::Op::Delete)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(old, quote);
    assert_eq!(Some(new.as_str()), q.now.as_deref());
    let since = o.since.as_ref().unwrap();
    assert_eq!(since.from.basis, SinceBasis::Revision);
    let edit = since
        .quotes
        .iter()
        .find(|e| e.comment == c.id)
        .expect("the edit");
    assert_eq!(edit.before, quote);
    assert!(edit.after.as_deref().unwrap().contains("kan ikke løses"));
    assert!(since.chapters.iter().any(|d| d.side().slug == c.on.slug));
    assert_eq!(since.arrived.quotes, 1);
    // Only the edited quote: the chapter's other quotes stand as they did.
    assert_eq!(since.quotes.len(), 1);

    let text = run(&root, &["mine", "--as", JENS, "--since", "HEAD~1"]);
    assert!(text.contains("Ændret citeret tekst"), "{text}");
    assert!(text.contains("[-vil") && text.contains("{+kan"), "{text}");
    assert!(text.contains("1 citeret tekst er ændret"), "{text}");
}

#[test]
fn the_organisation_sees_every_representatives_comments() {
    let (_tmp, root) = demo();
    let karen = "karen.moelgaard@rm.example";
    session(&root, WRITER)
        .member_add("Karen Mølgaard", karen, "Region Midtjylland", Role::Member)
        .unwrap();
    let rec = Store::open(&root)
        .unwrap()
        .load(&oplaeg::store::Rev::head())
        .unwrap()
        .recommendations[0]
        .slug
        .clone();
    let hers = session(&root, karen)
        .add_comment(
            NewTarget::Recommendation(rec),
            "Regionen ønsker en klarere tidsplan.",
        )
        .unwrap();

    let mine_only = overview(&root, JENS, Scope::Member, Since::Nothing);
    assert!(
        mine_only
            .comments()
            .all(|c| c.mine && c.author.email == JENS)
    );
    assert!(!mine_only.comments().any(|c| c.id == hers.id));
    let org = overview(&root, JENS, Scope::Organisation, Since::Nothing);
    assert_eq!(org.len(), mine_only.len() + 1);
    let k = org
        .open
        .iter()
        .find(|c| c.id == hers.id)
        .expect("Karen's comment");
    assert!(!k.mine);
    assert!(
        org.comments()
            .all(|c| c.author.organisation == "Region Midtjylland")
    );
    let listed: BTreeSet<String> = json(
        &root,
        &["comment", "list", "--organisation", "region midtjylland"],
    )
    .as_array()
    .unwrap()
    .iter()
    .filter(|c| c["reply_to"].is_null())
    .map(|c| c["id"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(
        org.comments()
            .map(|c| c.id.clone())
            .collect::<BTreeSet<_>>(),
        listed
    );

    // Her answer reaches the organisation's view, not Jens's own.
    session(&root, WRITER)
        .resolve(&hers.id, Disposition::Met, "Tidsplanen er tilføjet.")
        .unwrap();
    let org = overview(
        &root,
        JENS,
        Scope::Organisation,
        Since::Revision("HEAD~1".into()),
    );
    let s = org.since.as_ref().unwrap();
    assert_eq!(s.answers.len(), 1);
    assert_eq!(s.answers[0].comment, hers.id);
    assert_eq!(
        s.arrived
            .phrases_in(Scope::Organisation, oplaeg::i18n::Lang::Da),
        vec!["1 nyt svar på organisationens kommentarer".to_string()]
    );
    let own = overview(&root, JENS, Scope::Member, Since::Revision("HEAD~1".into()));
    assert!(own.since.as_ref().unwrap().is_empty());
    let text = run(
        &root,
        &["mine", "--as", JENS, "--organisation", "--since", "HEAD~1"],
    );
    assert!(
        text.contains("Karen Mølgaard") && text.contains("Tidsplanen er tilføjet."),
        "{text}"
    );
}

#[test]
fn a_missing_corrupt_or_unknown_marker_falls_back_and_is_said() {
    let (_tmp, root) = demo();
    let store = Store::open(&root).unwrap();
    let path = mine::marker_path(&store, JENS);
    assert_eq!(mine::read_last_look(&store, JENS), MarkerState::Missing);
    let basis = |root: &Path| {
        let o = overview(root, JENS, Scope::Member, Since::LastLook);
        let f = o.since.unwrap().from;
        (f.basis, f.note.is_some())
    };
    assert_eq!(basis(&root), (SinceBasis::LastMeeting, true));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    for garbage in [
        "\u{0}\u{1b}not toml",
        "commit = 7\n",
        "commit = \"zz\"\nat = 2024-01-01T00:00:00Z\n",
    ] {
        std::fs::write(&path, garbage).unwrap();
        assert!(
            matches!(mine::read_last_look(&store, JENS), MarkerState::Corrupt(_)),
            "{garbage}"
        );
        assert_eq!(basis(&root), (SinceBasis::LastMeeting, true), "{garbage}");
    }
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        mine::read_last_look(&store, JENS),
        MarkerState::Corrupt(_)
    ));
    // A well-formed marker naming a commit this clone does not have.
    let unknown = "c0ffee".repeat(6) + "c0ff";
    std::fs::write(
        &path,
        format!("commit = \"{unknown}\"\nat = \"2024-09-01T10:00:00+02:00\"\n"),
    )
    .unwrap();
    assert!(matches!(
        mine::read_last_look(&store, JENS),
        MarkerState::At(_)
    ));
    assert_eq!(basis(&root), (SinceBasis::LastMeeting, true));
    // Marking an unknown commit is refused and leaves the marker alone.
    let now = at("2024-09-01T10:00:00+02:00");
    assert!(mine::mark_read(&store, JENS, &unknown, now).is_err());
    assert!(mine::mark_read(&store, JENS, "HEAD", now).is_err());
    // A good mark replaces whatever was there, whole.
    let head = store.head().unwrap().unwrap().to_string();
    mine::mark_read(&store, JENS, &head, now).unwrap();
    assert_eq!(basis(&root), (SinceBasis::LastLook, false));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&head), "{text}");
    // The marker is per person: the address's case does not matter.
    assert!(matches!(
        mine::read_last_look(&store, "JENS.NOERGAARD@RM.EXAMPLE"),
        MarkerState::At(_)
    ));

    // Without meeting tags the fallback is the beginning, and the default
    // (the last meeting) gives no since part.
    let ws = Ws::sample();
    ws.session(MEMBER)
        .add_comment(
            NewTarget::Recommendation(ws.load_head().recommendations[0].slug.clone()),
            "Tak.",
        )
        .unwrap();
    let o = overview(&ws.root, MEMBER, Scope::Member, Since::LastLook);
    let s = o.since.unwrap();
    assert_eq!(s.from.basis, SinceBasis::Beginning);
    let first = git(&ws.root, &["rev-list", "--max-parents=0", "HEAD"]);
    assert_eq!(s.from.commit.as_deref(), Some(first.trim()));
    assert!(s.is_empty(), "the recommendation is as it began");
    assert!(
        overview(&ws.root, MEMBER, Scope::Member, Since::LastMeeting)
            .since
            .is_none()
    );
    // Not a member: refused, with the usual explanation.
    let store = ws.store();
    assert!(
        mine::overview(
            &store,
            &query("nobody@example.org", Scope::Member, Since::Nothing)
        )
        .is_err()
    );
}

#[test]
fn hostile_text_is_escaped_in_text_and_exact_in_json_and_exports() {
    let (tmp, root) = demo();
    let rec = Store::open(&root)
        .unwrap()
        .load(&oplaeg::store::Rev::head())
        .unwrap()
        .recommendations[1]
        .slug
        .clone();
    let body = "Farligt \u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} og \u{202e}vendt\u{2066} tekst";
    let response = "Svar \u{1b}[31mrødt\u{9b}1m og \u{200b}skjult";
    let c = session(&root, JENS)
        .add_comment(NewTarget::Recommendation(rec), body)
        .unwrap();
    session(&root, WRITER)
        .resolve(&c.id, Disposition::Noted, response)
        .unwrap();
    let bad = |s: &str| {
        s.chars().any(|ch| {
            matches!(
                ch,
                '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{202e}' | '\u{2066}' | '\u{200b}'
            )
        })
    };
    for args in [
        vec!["mine", "--as", JENS, "--since", "4"],
        vec!["mine", "--as", JENS, "--organisation", "--since", "HEAD~2"],
        vec!["--lang", "en", "mine", "--as", JENS, "--since", "HEAD~2"],
    ] {
        let text = run(&root, &args);
        assert!(!bad(&text), "{text:?}");
        assert!(text.contains("\\u{1b}"), "{text}");
    }
    let raw = run(
        &root,
        &[
            "--format", "json", "mine", "--as", JENS, "--since", "HEAD~2",
        ],
    );
    assert!(!bad(&raw));
    let v: Value = serde_json::from_str(&raw).unwrap();
    let got = v["answered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == c.id.as_str())
        .unwrap();
    assert_eq!(got["body"], body);
    assert_eq!(got["answer"]["response"], response);
    assert_eq!(v["since"]["answers"][0]["answer"]["response"], response);
    for ext in ["md", "html"] {
        let out = tmp.path().join(format!("brief.{ext}"));
        run(
            &root,
            &[
                "export",
                "mine",
                "--as",
                JENS,
                "--since",
                "HEAD~2",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        let doc = std::fs::read_to_string(&out).unwrap();
        assert!(
            !doc.contains('\u{1b}') && !doc.contains('\u{202e}'),
            "{ext}"
        );
        assert!(doc.contains("Farligt"), "{ext}");
    }
}

#[test]
fn the_brief_for_the_next_meeting_holds_comments_answers_and_changed_text() {
    let (tmp, root) = demo();
    let md = tmp.path().join("brief.md");
    let said = run(
        &root,
        &[
            "export",
            "mine",
            "--as",
            JENS,
            "--since",
            "3",
            "-o",
            md.to_str().unwrap(),
        ],
    );
    assert!(said.contains("Overblikket er gemt i"), "{said}");
    let doc = std::fs::read_to_string(&md).unwrap();
    let o = overview(&root, JENS, Scope::Member, Since::Revision("3".into()));
    for c in o.comments() {
        let first_line = c.body.lines().next().unwrap();
        assert!(
            doc.contains(&first_line[..first_line.len().min(40)]),
            "{first_line}\n{doc}"
        );
        if let Some(a) = &c.answer {
            assert!(doc.contains(a.response.lines().next().unwrap()), "{doc}");
        }
    }
    assert!(
        doc.contains("Mit overblik") && doc.contains("Siden udkastet til møde 3"),
        "{doc}"
    );
    assert!(
        doc.contains("Ændret citeret tekst") && doc.contains("væsentligste"),
        "{doc}"
    );
    // The changed chapters' text, read as Markdown and marked, not raw.
    assert!(
        doc.contains("Ændrede kapitler") && doc.contains("<ins>"),
        "{doc}"
    );
    assert!(!doc.contains("\\#") && !doc.contains("<ins>\\-"), "{doc}");
    let docx = tmp.path().join("brief.docx");
    run(
        &root,
        &[
            "export",
            "mine",
            "--as",
            JENS,
            "--organisation",
            "-o",
            docx.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    // Exports never land in the workspace's own files, and git sees none.
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}
