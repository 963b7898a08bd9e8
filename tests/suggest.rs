//! Ændringsforslag: members propose new wording for quoted words, writers
//! apply it in one commit or answer it. Real temporary repositories, results
//! checked with plain `git` too.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use oplaeg::anchor::Fate;
use oplaeg::model::{CommentStatus, Disposition};
use oplaeg::ops::verify::Rule;
use oplaeg::ops::{AcceptText, verify};
use oplaeg::text::searchable_text;

const CHAPTER: &str = "drafts/02-rehabilitering.md";
const T1: &str = "2024-06-01T10:00:00+02:00";
const T2: &str = "2024-06-02T10:00:00+02:00";
const T3: &str = "2024-06-03T10:00:00+02:00";
const T4: &str = "2024-06-04T10:00:00+02:00";

/// The sample with a second paragraph on its own, for moving it.
const SENTENCE: &str = "Flere patienter henvises i dag end for fem år siden.";

fn suggest(ws: &Ws, quote: &str, text: &str) -> String {
    ws.session_at(MEMBER, T1)
        .suggest("rehabilitering", quote, text, "Mere præcist")
        .expect("a member proposes")
        .id
}

/// Writes a new version of the chapter as the writer, one commit.
fn revise(ws: &Ws, markdown: &str, at: &str) {
    ws.session_at(WRITER, at)
        .revise_chapter("rehabilitering", markdown, "Kapitlet revideret")
        .expect("writer revises");
}

/// The sample with a member's suggestion for [`SENTENCE`], and the words
/// edited by the writer since ("for ti år"): a suggestion whose
/// application needs the writer's confirmation. Gives the suggestion's id.
fn suggested_then_edited() -> (Ws, String) {
    let ws = Ws::sample();
    let id = suggest(
        &ws,
        SENTENCE,
        "Langt flere patienter henvises i dag end for fem år siden.",
    );
    revise(
        &ws,
        &ws.read(CHAPTER).replace("for fem år", "for ti år"),
        T2,
    );
    (ws, id)
}

fn accept(ws: &Ws, id: &str, how: AcceptText) -> oplaeg::Result<oplaeg::ops::Accepted> {
    ws.session_at(WRITER, T3)
        .accept_suggestion(id, how, Disposition::Met, Some("Tak, indført."))
}

/// The files HEAD changed, as plain git names them.
fn files_of(ws: &Ws) -> Vec<String> {
    ws.git(&["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The chapter as plain git has it at HEAD, and the files HEAD changed.
fn git_view(ws: &Ws) -> (String, Vec<String>) {
    (
        format!("{}\n", ws.show("HEAD", CHAPTER).trim_end()),
        files_of(ws),
    )
}

#[test]
fn a_suggestion_is_a_comment_file_with_the_new_words() {
    let ws = Ws::sample();
    let before = ws.commit_count();
    let id = suggest(
        &ws,
        SENTENCE,
        "Flere patienter henvises i dag end for ti år siden.",
    );
    assert_eq!(ws.commit_count(), before + 1);
    assert_eq!(files_of(&ws), vec![format!("comments/{id}.toml")]);
    let file = ws.read_toml(&format!("comments/{id}.toml"));
    assert_eq!(
        toml_str(&file, "suggestion.text"),
        "Flere patienter henvises i dag end for ti år siden."
    );
    assert_eq!(toml_str(&file, "target.anchor.quote"), SENTENCE);
    assert_eq!(ws.log1("%ae", "HEAD"), MEMBER);
    // The same words as the quote propose nothing.
    let err = ws.refused(|| {
        ws.session(MEMBER)
            .suggest("rehabilitering", SENTENCE, &format!(" {SENTENCE} "), "")
    });
    assert!(err.to_string().contains("samme"), "{err}");
    // Invisible characters never reach a chapter.
    let err = ws.refused(|| {
        ws.session(MEMBER)
            .suggest("rehabilitering", SENTENCE, "Flere\u{202e} patienter.", "")
    });
    assert!(err.to_string().contains("U+202E"), "{err}");
    // Reviewers only read.
    let err = ws.refused(|| {
        ws.session(REVIEWER)
            .suggest("rehabilitering", SENTENCE, "x", "")
    });
    assert!(matches!(err, oplaeg::Error::Forbidden { .. }), "{err}");
}

#[test]
fn accepting_on_unchanged_text_is_one_commit_that_changes_exactly_the_words() {
    let ws = Ws::sample();
    let id = suggest(&ws, "for fem år siden", "for ti år siden");
    let old = ws.read(CHAPTER);
    let plan = ws.session(WRITER).plan_accept(&id).unwrap();
    assert_eq!(plan.fate, Some(Fate::Exact));
    assert!(!plan.needs_confirmation && plan.refused.is_none());
    let before = ws.commit_count();
    let done = accept(&ws, &id, AcceptText::Proposed).unwrap();
    assert_eq!(ws.commit_count(), before + 1, "one commit");
    let (chapter, files) = git_view(&ws);
    assert_eq!(chapter, old.replace("for fem år siden", "for ti år siden"));
    assert_eq!(
        files,
        vec![format!("comments/{id}.toml"), CHAPTER.to_string()]
    );
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    // Plain git: the diff of the chapter is that one line, that one change.
    let diff = ws.git(&[
        "show",
        "--format=",
        "--word-diff=plain",
        "HEAD",
        "--",
        CHAPTER,
    ]);
    assert!(diff.contains("[-fem-]{+ti+}"), "{diff}");
    assert_eq!(diff.matches("[-").count(), 1, "{diff}");
    let c = &done.comment;
    assert_eq!(c.status, CommentStatus::Resolved);
    let r = c.resolution.as_ref().unwrap();
    assert_eq!(
        (r.disposition, r.response.as_str()),
        (Disposition::Met, "Tak, indført.")
    );
    let applied = c.suggestion.as_ref().unwrap().applied.as_ref().unwrap();
    assert_eq!(applied.replaced, "for fem år siden");
    assert_eq!(applied.text, "for ti år siden");
    // Once answered it is not applied again.
    let err = ws.refused(|| accept(&ws, &id, AcceptText::Proposed));
    assert!(err.to_string().contains("besvaret"), "{err}");
    ws.assert_clean();
    assert!(verify(&ws.store(), None, None).unwrap().ok());
}

#[test]
fn a_moved_quote_is_applied_where_it_stands_now() {
    let ws = Ws::sample();
    let id = suggest(&ws, SENTENCE, "Flere patienter henvises i dag end før.");
    // The writer moves the sentence into a new section, among new words.
    let old = ws.read(CHAPTER);
    let (head, rest) = old.split_once("\n\n").unwrap();
    let (first, _) = rest.split_once("\n\n").unwrap();
    let moved =
        format!("{head}\n\n{first}\n\n## Tal\n\nTallene taler for sig. {SENTENCE} Se tabellen.\n");
    revise(&ws, &moved, T2);
    let plan = ws.session(WRITER).plan_accept(&id).unwrap();
    assert_eq!(plan.fate, Some(Fate::Moved), "{plan:?}");
    assert!(!plan.needs_confirmation);
    accept(&ws, &id, AcceptText::Proposed).unwrap();
    let (chapter, _) = git_view(&ws);
    assert_eq!(
        chapter,
        moved.replace(SENTENCE, "Flere patienter henvises i dag end før.")
    );
}

#[test]
fn edited_words_need_the_writers_confirmation_of_a_merge() {
    let ws = Ws::sample();
    let id = suggest(
        &ws,
        SENTENCE,
        "Langt flere patienter henvises i dag end for fem år siden.",
    );
    let old = ws.read(CHAPTER);
    let edited = old.replace("for fem år siden", "for ti år siden");
    revise(&ws, &edited, T2);
    let plan = ws.session(WRITER).plan_accept(&id).unwrap();
    assert!(matches!(plan.fate, Some(Fate::Fuzzy { .. })), "{plan:?}");
    assert!(plan.needs_confirmation);
    assert_eq!(plan.quoted, SENTENCE);
    assert_eq!(
        plan.current.as_deref(),
        Some("Flere patienter henvises i dag end for ti år siden.")
    );
    let merged = plan.merged.clone().unwrap();
    assert_eq!(
        merged.text,
        "Langt flere patienter henvises i dag end for ti år siden."
    );
    assert!(!merged.conflict);
    // Without confirmation: refused, nothing written.
    let before = ws.commit_count();
    let err = ws.refused(|| accept(&ws, &id, AcceptText::Proposed));
    assert!(err.to_string().contains("--merged"), "{err}");
    assert_eq!(ws.commit_count(), before);
    // Confirmed: the member's change on top of the writer's.
    accept(&ws, &id, AcceptText::Merged).unwrap();
    let (chapter, _) = git_view(&ws);
    assert_eq!(
        chapter,
        edited.replace("Flere patienter henvises", "Langt flere patienter henvises")
    );
}

#[test]
fn partly_met_applies_the_writers_own_text() {
    let ws = Ws::sample();
    let id = suggest(&ws, "for fem år siden", "for ti år siden");
    ws.session_at(WRITER, T3)
        .accept_suggestion(
            &id,
            AcceptText::Edited("for otte år siden".into()),
            Disposition::PartlyMet,
            Some("Tallet er otte år."),
        )
        .unwrap();
    assert!(ws.show("HEAD", CHAPTER).contains("for otte år siden"));
    let c = ws.load_head();
    let c = c.comment(&id).unwrap();
    assert_eq!(
        c.resolution.as_ref().unwrap().disposition,
        Disposition::PartlyMet
    );
    assert_eq!(
        c.suggestion
            .as_ref()
            .unwrap()
            .applied
            .as_ref()
            .unwrap()
            .text,
        "for otte år siden"
    );
    // Declining is answering with another disposition, not accepting.
    let other = suggest(
        &ws,
        "Behovet vurderes løbende. Flere",
        "Behovet vurderes. Flere",
    );
    let err = ws.refused(|| {
        ws.session(WRITER).accept_suggestion(
            &other,
            AcceptText::Proposed,
            Disposition::NotMet,
            None,
        )
    });
    assert!(err.to_string().contains("resolve"), "{err}");
    let before = ws.read(CHAPTER);
    ws.session(WRITER)
        .resolve(&other, Disposition::NotMet, "Vi beholder formuleringen.")
        .unwrap();
    assert_eq!(ws.read(CHAPTER), before, "declining leaves the chapter");
}

#[test]
fn gone_words_are_refused_with_the_reason_and_can_still_be_answered() {
    let ws = Ws::sample();
    let id = suggest(&ws, SENTENCE, "Nyt indhold.");
    let old = ws.read(CHAPTER);
    let (head, rest) = old.split_once("\n\n").unwrap();
    let (first, _) = rest.split_once("\n\n").unwrap();
    revise(&ws, &format!("{head}\n\n{first}\n"), T2);
    let plan = ws.session(WRITER).plan_accept(&id).unwrap();
    assert!(plan.refused.is_some(), "{plan:?}");
    let before = ws.commit_count();
    let err = ws.refused(|| accept(&ws, &id, AcceptText::Merged));
    assert!(err.to_string().contains("findes ikke længere"), "{err}");
    assert!(err.to_string().contains("comment resolve"), "{err}");
    assert_eq!(ws.commit_count(), before);
    ws.session(WRITER)
        .resolve(&id, Disposition::Noted, "Afsnittet er udgået.")
        .unwrap();
}

#[test]
fn markup_around_and_inside_the_words_survives() {
    let md = "# Rehabilitering\n\n\
Kommunerne varetager *hovedparten* af indsatserne, se [rapporten](https://sst.example/r).\n\n\
- Behovsvurdering **skal** ske tidligt.\n\
- Tilbuddene er forskellige.\n";
    let ws = Ws::with_files(&[("drafts/02-rehabilitering.md".into(), md.as_bytes().to_vec())]);
    // Emphasis inside, link at the end.
    let a = suggest(
        &ws,
        "varetager hovedparten af indsatserne, se rapporten",
        "varetager størstedelen af indsatserne, læs rapporten",
    );
    accept(&ws, &a, AcceptText::Proposed).unwrap();
    let now = ws.show("HEAD", CHAPTER);
    assert!(
        now.contains("Kommunerne varetager *størstedelen* af indsatserne, læs [rapporten](https://sst.example/r)."),
        "{now}"
    );
    // A list item with strong emphasis: the marker and the emphasis stay.
    let b = ws
        .session_at(MEMBER, T4)
        .suggest(
            "rehabilitering",
            "Behovsvurdering skal ske tidligt.",
            "Behovsvurdering skal ske ved diagnosen.",
            "",
        )
        .unwrap()
        .id;
    accept(&ws, &b, AcceptText::Proposed).unwrap();
    let now = ws.show("HEAD", CHAPTER);
    assert!(
        now.contains("\n- Behovsvurdering **skal** ske ved diagnosen.\n- Tilbuddene"),
        "{now}"
    );
    // Deleting the emphasised word leaves no empty markup.
    let c = ws
        .session_at(MEMBER, T4)
        .suggest("rehabilitering", "skal ske", "sker", "")
        .unwrap()
        .id;
    accept(&ws, &c, AcceptText::Proposed).unwrap();
    let now = ws.show("HEAD", CHAPTER);
    assert!(
        now.contains("- Behovsvurdering **sker** ved diagnosen."),
        "{now}"
    );
    assert_eq!(
        searchable_text(&now),
        "Rehabilitering Kommunerne varetager størstedelen af indsatserne, læs rapporten. Behovsvurdering sker ved diagnosen. Tilbuddene er forskellige."
    );
}

#[test]
fn overlapping_suggestions_are_never_applied_silently() {
    let ws = Ws::sample();
    let a = suggest(
        &ws,
        "i dag end for fem år siden",
        "i dag end for ti år siden",
    );
    let b = ws
        .session_at(MEMBER2, T2)
        .suggest(
            "rehabilitering",
            "henvises i dag end for fem år",
            "henvises nu end for fem år",
            "",
        )
        .unwrap()
        .id;
    // A suggestion elsewhere in the chapter is not touched.
    let elsewhere = ws
        .session_at(MEMBER2, T2)
        .suggest(
            "rehabilitering",
            "Kommunerne varetager",
            "Kommunerne står for",
            "",
        )
        .unwrap()
        .id;
    let done = accept(&ws, &a, AcceptText::Proposed).unwrap();
    assert_eq!(done.marked, vec![b.clone()]);
    // Plain git: the applying commit rewrote b's file too, marking it.
    assert!(files_of(&ws).contains(&format!("comments/{b}.toml")));
    assert!(!files_of(&ws).contains(&format!("comments/{elsewhere}.toml")));
    let b_file = ws.read_toml(&format!("comments/{b}.toml"));
    assert_eq!(toml_str(&b_file, "suggestion.review"), a);
    // b is re-anchored against the new text and needs a confirmation.
    let plan = ws.session(WRITER).plan_accept(&b).unwrap();
    assert!(plan.needs_confirmation, "{plan:?}");
    assert_eq!(
        plan.current.as_deref(),
        Some("henvises i dag end for ti år")
    );
    let before = ws.commit_count();
    ws.refused(|| accept(&ws, &b, AcceptText::Proposed));
    assert_eq!(ws.commit_count(), before);
    assert_eq!(
        plan.merged.as_ref().map(|m| m.text.as_str()),
        Some("henvises nu end for ti år")
    );
    accept(&ws, &b, AcceptText::Merged).unwrap();
    assert!(
        ws.show("HEAD", CHAPTER)
            .contains("Flere patienter henvises nu end for ti år siden.")
    );
    let b_file = ws.read_toml(&format!("comments/{b}.toml"));
    assert!(
        b_file["suggestion"].get("review").is_none(),
        "cleared when applied"
    );
    // The other one still applies directly.
    accept(&ws, &elsewhere, AcceptText::Proposed).unwrap();
    assert!(ws.show("HEAD", CHAPTER).contains("Kommunerne står for"));
}

#[test]
fn only_writers_apply_and_verify_holds_members_to_it() {
    let ws = Ws::sample();
    let id = suggest(&ws, "for fem år siden", "for ti år siden");
    // A member cannot accept, not even their own suggestion.
    let err = ws.refused(|| {
        ws.session(MEMBER)
            .accept_suggestion(&id, AcceptText::Proposed, Disposition::Met, None)
    });
    assert!(matches!(err, oplaeg::Error::Forbidden { .. }), "{err}");
    let good = ws.head();
    // The writer's applying commit passes verify.
    accept(&ws, &id, AcceptText::Proposed).unwrap();
    let report = verify(&ws.store(), Some(&format!("{good}..HEAD")), None).unwrap();
    assert!(report.ok(), "{:?}", report.violations);
    let applied = ws.head();

    // A member edits the chapter "because a suggestion said so", with plain git.
    let id2 = suggest(&ws, "Kommunerne varetager", "Kommunerne står for");
    let base = ws.head();
    ws.write(
        CHAPTER,
        &ws.read(CHAPTER)
            .replace("Kommunerne varetager", "Kommunerne står for"),
    );
    let text = ws.read(&format!("comments/{id2}.toml"));
    ws.write(
        &format!("comments/{id2}.toml"),
        &format!("{text}\n[suggestion.applied]\nreplaced = \"Kommunerne varetager\"\ntext = \"Kommunerne står for\"\n"),
    );
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T4, "Forslag indført");
    let report = verify(&ws.store(), Some(&format!("{base}..HEAD")), None).unwrap();
    let rules: Vec<(Option<String>, Rule)> = report
        .violations
        .iter()
        .map(|v| (v.file.clone(), v.rule))
        .collect();
    assert!(
        rules.contains(&(Some(CHAPTER.into()), Rule::WritersOnly)),
        "{rules:?}"
    );
    assert!(
        rules.contains(&(
            Some(format!("comments/{id2}.toml")),
            Rule::ResolutionsByWriters
        )),
        "{rules:?}"
    );
    ws.git(&["reset", "--hard", &base]);

    // Marking their own suggestion as applied, chapter untouched: refused too.
    let text = ws.read(&format!("comments/{id2}.toml"));
    ws.write(
        &format!("comments/{id2}.toml"),
        &text.replace(
            "text = \"Kommunerne står for\"",
            "text = \"Kommunerne står for\"\nreview = \"01j00000000000000000000000\"",
        ),
    );
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T4, "Markeret");
    let report = verify(&ws.store(), Some(&format!("{base}..HEAD")), None).unwrap();
    assert_eq!(report.violations.len(), 1, "{:?}", report.violations);
    assert_eq!(report.violations[0].rule, Rule::ResolutionsByWriters);
    ws.git(&["reset", "--hard", &base]);

    // Editing the reason of one's own open suggestion is fine.
    ws.session_at(MEMBER, T4)
        .edit_comment(&id2, "Bedre begrundelse")
        .unwrap();
    let report = verify(&ws.store(), Some(&format!("{applied}..HEAD")), None).unwrap();
    assert!(report.ok(), "{:?}", report.violations);
}

// ---------------------------------------------------------------------------
// The command line and the demo
// ---------------------------------------------------------------------------

fn oplaeg(root: &Path, home: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut c, home);
    c.env("LANG", "da_DK.UTF-8")
        .arg("--repo")
        .arg(root)
        .args(args)
        .output()
        .expect("run oplaeg")
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// On the demo: a member proposes new wording for a sentence in chapter 5,
/// the writer edits the same paragraph elsewhere, then accepts; the chapter
/// reads as both intended, and `git show` shows exactly that.
#[test]
fn demo_member_proposes_writer_edits_the_paragraph_and_accepts() {
    let tmp = tempfile::Builder::new()
        .prefix("oplaeg-suggest-demo-")
        .tempdir()
        .unwrap();
    let root = tmp.path().join("demo");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    oplaeg::demo::build(&root).expect("demo");
    let run = |args: &[&str]| oplaeg(&root, &home, args);
    let file = "drafts/05-rehabilitering.md";
    let quote = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let proposed = "Overgangen mellem sygehus og kommune er det mest sårbare punkt i forløbet.";
    let out = ok(run(&[
        "--as",
        "jens.noergaard@rm.example",
        "--format",
        "json",
        "comment",
        "add",
        "--chapter",
        "5",
        "--quote",
        quote,
        "--suggest",
        proposed,
        "--body",
        "Skærp det.",
    ]));
    let id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = ok(run(&["comment", "show", &id]));
    assert!(shown.contains("Forslag til ny formulering:"), "{shown}");
    assert!(
        shown.contains("[-et sårbart-]{+det mest sårbare+}"),
        "{shown}"
    );
    // The writer edits the same paragraph, another sentence.
    let path = root.join(file);
    let old = std::fs::read_to_string(&path).unwrap();
    let writers_old = "Mange patienter giver udtryk for, at de selv må finde vej";
    let writers_new = "Mange patienter fortæller, at de selv må finde vej";
    assert!(old.contains(writers_old) && old.contains(quote));
    std::fs::write(&path, old.replace(writers_old, writers_new)).unwrap();
    ok(run(&[
        "--as",
        "mette.holm@sst.example",
        "save",
        "-m",
        "Kapitel 5 strammet op",
    ]));
    // A member cannot apply it.
    let refused = run(&[
        "--as",
        "jens.noergaard@rm.example",
        "comment",
        "accept",
        &id,
    ]);
    assert!(!refused.status.success());
    let said = ok(run(&[
        "--as",
        "mette.holm@sst.example",
        "comment",
        "accept",
        &id,
        "--response",
        "Tak, indført.",
    ]));
    assert!(said.contains("indført"), "{said}");
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        isolate(&mut c, &home);
        ok(c.current_dir(&root).args(args).output().unwrap())
    };
    let now = git(&["show", &format!("HEAD:{file}")]);
    let expected = old
        .replace(writers_old, writers_new)
        .replace(quote, proposed);
    assert_eq!(now, expected, "both changes stand");
    let files = git(&["show", "--name-only", "--format=%ae", "HEAD"]);
    assert_eq!(
        files.split_whitespace().collect::<Vec<_>>(),
        vec![
            "mette.holm@sst.example",
            &format!("comments/{id}.toml"),
            file
        ]
    );
    let listed = ok(run(&["comment", "list", "--chapter", "5"]));
    assert!(
        listed.contains("imødekommet, indført i kapitlet"),
        "{listed}"
    );
    let report = ok(run(&["verify"]));
    assert!(!report.contains("fejl"), "{report}");
}

#[test]
fn the_command_line_shows_three_texts_and_waits_for_confirmation() {
    let (ws, id) = suggested_then_edited();
    let head = ws.head();
    let out = oplaeg(
        &ws.root,
        &ws.home,
        &["--as", WRITER, "comment", "accept", &id],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Medlemmet så:",
        "Der står nu:",
        "Medlemmet foreslår:",
        "«Langt flere patienter henvises i dag end for ti år siden.»",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("--merged"));
    assert_eq!(ws.head(), head, "nothing written");
    ok(oplaeg(
        &ws.root,
        &ws.home,
        &["--as", WRITER, "comment", "accept", &id, "--merged"],
    ));
    assert!(
        ws.show("HEAD", CHAPTER)
            .contains("Langt flere patienter henvises i dag end for ti år siden.")
    );
    // JSON: the suggestion with its outcome.
    let json = ok(oplaeg(
        &ws.root,
        &ws.home,
        &["--format", "json", "comment", "show", &id],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["outcome"]["kind"], "applied");
    assert_eq!(
        v[0]["suggestion"]["applied"]["text"],
        "Langt flere patienter henvises i dag end for ti år siden."
    );
}

// ---------------------------------------------------------------------------
// Where suggestions are shown: diff, høringsnotat, the oplæg in Word
// ---------------------------------------------------------------------------

/// A sample workspace with one applied and one open suggestion.
fn with_two_suggestions() -> (Ws, String, String) {
    let ws = Ws::sample();
    let base = ws.head();
    let applied = suggest(&ws, "for fem år siden", "for ti år siden");
    accept(&ws, &applied, AcceptText::Proposed).unwrap();
    let open = ws
        .session_at(MEMBER2, T4)
        .suggest(
            "rehabilitering",
            "Kommunerne varetager hovedparten",
            "Kommunerne står for størstedelen",
            "",
        )
        .unwrap()
        .id;
    ws.git(&["tag", "base", &base]);
    (ws, applied, open)
}

#[test]
fn diff_shows_the_proposed_change_who_proposed_it_and_the_outcome() {
    let (ws, applied, open) = with_two_suggestions();
    let text = ok(oplaeg(&ws.root, &ws.home, &["diff", "base", "HEAD"]));
    assert!(
        text.contains("Forslag til ny formulering (Region Midtjylland):"),
        "{text}"
    );
    assert!(text.contains("for [-fem-]{+ti+} år siden"), "{text}");
    assert!(
        text.contains("Udfald: imødekommet, indført i kapitlet"),
        "{text}"
    );
    assert!(text.contains("Forslag til ny formulering (KL):"), "{text}");
    assert!(text.contains("Udfald: afventer skribenterne"), "{text}");
    let json = ok(oplaeg(
        &ws.root,
        &ws.home,
        &["--format", "json", "diff", "base", "HEAD"],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let written = v["comments"]["written"].as_array().unwrap();
    let find = |id: &str| written.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(
        find(&applied)["suggestion"]["applied"]["text"],
        "for ti år siden"
    );
    assert_eq!(
        find(&open)["suggestion"]["text"],
        "Kommunerne står for størstedelen"
    );
    let html = ok(oplaeg(
        &ws.root,
        &ws.home,
        &["--format", "html", "diff", "base", "HEAD"],
    ));
    assert!(
        html.contains("Forslag til ny formulering</strong> (Region Midtjylland)"),
        "{html}"
    );
    assert!(html.contains("<del>fem</del><ins>ti</ins>"), "{html}");
}

#[test]
fn the_notat_lists_every_suggestion_with_its_outcome() {
    let (ws, _, _) = with_two_suggestions();
    let out = ws.tmp.join("notat.md");
    ok(oplaeg(
        &ws.root,
        &ws.home,
        &["export", "notat", "-o", out.to_str().unwrap()],
    ));
    let md = std::fs::read_to_string(&out).unwrap();
    assert_eq!(md.matches("Forslag til ny formulering").count(), 2, "{md}");
    assert!(md.contains("for ~~fem~~**ti** år siden"), "{md}");
    assert!(md.contains("Indført i kapitlet."), "{md}");
    assert!(md.contains("Afventer skribenterne."), "{md}");
}

/// The tracked changes of a DOCX: (kind, author, text) for each w:ins/w:del.
fn tracked(document_xml: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for kind in ["ins", "del"] {
        let open = format!("<w:{kind} ");
        for part in document_xml.split(&open).skip(1) {
            let author = part
                .split("w:author=\"")
                .nth(1)
                .and_then(|a| a.split('"').next())
                .unwrap_or_default()
                .to_string();
            let body = part
                .split(&format!("</w:{kind}>"))
                .next()
                .unwrap_or_default();
            let body = body.split_once('>').map_or("", |(_, b)| b);
            let text: String = body
                .split('>')
                .filter_map(|p| p.split('<').next())
                .collect();
            out.push((kind.to_string(), author, text));
        }
    }
    out
}

#[test]
fn the_oplaeg_in_word_shows_open_suggestions_as_tracked_changes() {
    let (ws, _, _) = with_two_suggestions();
    let out = ws.tmp.join("oplaeg.docx");
    ok(oplaeg(
        &ws.root,
        &ws.home,
        &[
            "export",
            "oplaeg",
            "--suggestions",
            "-o",
            out.to_str().unwrap(),
        ],
    ));
    let bytes = std::fs::read(&out).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let changes = tracked(&xml);
    let kl = format!("{MEMBER2_NAME} ({MEMBER2_ORG})");
    assert!(
        changes.contains(&("del".into(), kl.clone(), "varetager hovedparten".into())),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("ins".into(), kl.clone(), "står for størstedelen".into())),
        "{changes:?}"
    );
    // Only the open one; the applied one is in the text.
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(xml.contains("for ti år siden"));
    // Without the option: no tracked changes.
    let plain = ws.tmp.join("plain.docx");
    ok(oplaeg(
        &ws.root,
        &ws.home,
        &["export", "oplaeg", "-o", plain.to_str().unwrap()],
    ));
    let bytes = std::fs::read(&plain).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(tracked(&xml).is_empty());

    // LibreOffice reads them as tracked changes in the proposer's name.
    if !common::tools::available(
        "suggestions in the Word export, opened by LibreOffice",
        &["libreoffice"],
        "libreoffice-writer",
    ) {
        return;
    }
    let lo_dir = ws.tmp.join("lo");
    std::fs::create_dir_all(&lo_dir).unwrap();
    let o = Command::new("libreoffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            ws.tmp.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "odt", "--outdir"])
        .arg(&lo_dir)
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let odt = std::fs::read(lo_dir.join("oplaeg.odt")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(odt)).unwrap();
    let mut content = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("content.xml").unwrap(), &mut content).unwrap();
    assert_eq!(
        content.matches("<text:changed-region").count(),
        2,
        "{content}"
    );
    assert!(content.contains("<text:insertion>") && content.contains("<text:deletion>"));
    assert_eq!(
        content
            .matches(&format!("<dc:creator>{kl}</dc:creator>"))
            .count(),
        2
    );
    assert!(
        content.contains("varetager hovedparten"),
        "the deleted words are kept as a change"
    );
}

#[test]
fn a_hand_written_suggestion_with_hidden_characters_is_not_applied() {
    let ws = Ws::sample();
    let id = suggest(&ws, "for fem år siden", "for ti år siden");
    // The member rewrites the proposal in the file by hand (allowed while
    // open), hiding a bidi override in it.
    let path = format!("comments/{id}.toml");
    let text = ws.read(&path).replace(
        "text = \"for ti år siden\"",
        "text = \"for ti \\u202E år siden\"",
    );
    ws.write(&path, &text);
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T2, "Forslag rettet");
    let err = ws.refused(|| accept(&ws, &id, AcceptText::Proposed));
    assert!(err.to_string().contains("U+202E"), "{err}");
    // Shown escaped, never as the character itself.
    let shown = ok(oplaeg(&ws.root, &ws.home, &["comment", "show", &id]));
    assert!(
        !shown.contains('\u{202e}') && shown.contains("\\u{202e}"),
        "{shown}"
    );
}

#[test]
fn json_and_english() {
    let (ws, id) = suggested_then_edited();
    // Refused without confirmation: the plan as JSON, nothing written.
    let out = oplaeg(
        &ws.root,
        &ws.home,
        &["--as", WRITER, "--format", "json", "comment", "accept", &id],
    );
    assert_eq!(out.status.code(), Some(1));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["needs_confirmation"], true);
    assert_eq!(plan["quoted"], SENTENCE);
    assert_eq!(
        plan["current"],
        "Flere patienter henvises i dag end for ti år siden."
    );
    assert_eq!(
        plan["merged"]["text"],
        "Langt flere patienter henvises i dag end for ti år siden."
    );
    let out = oplaeg(
        &ws.root,
        &ws.home,
        &["--lang", "en", "--as", WRITER, "comment", "accept", &id],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("The member saw:") && text.contains("Merged proposal:"),
        "{text}"
    );
    let done = ok(oplaeg(
        &ws.root,
        &ws.home,
        &[
            "--lang", "en", "--as", WRITER, "--format", "json", "comment", "accept", &id,
            "--merged",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&done).unwrap();
    assert_eq!(v["comment"]["resolution"]["disposition"], "met");
    assert_eq!(v["marked"], serde_json::json!([]));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// Through the whole operation (quote, anchor, accept, commit): on
    /// unchanged text the chapter's rendered text changes exactly in the
    /// quoted span, and its Markdown lines outside the quoted lines are
    /// untouched.
    #[test]
    fn accepting_on_unchanged_text_changes_exactly_the_quoted_span(
        blocks in proptest::collection::vec(
            (0usize..3, proptest::collection::vec(0usize..3, 2..6)),
            2..5,
        ),
        from in 0usize..100,
        len in 1usize..5,
        new in proptest::collection::vec("[a-zæø]{1,7}", 0..4),
    ) {
        // Every word unique, so any run of words is a valid quote.
        let mut n = 0;
        let mut md = String::from("# Kapitel\n\n");
        for (kind, marks) in &blocks {
            let words: Vec<String> = marks
                .iter()
                .map(|m| {
                    n += 1;
                    match m {
                        1 => format!("*w{n:03}*"),
                        2 => format!("[w{n:03}](https://x.example)"),
                        _ => format!("w{n:03}"),
                    }
                })
                .collect();
            let prefix = ["", "- ", "## "][*kind];
            md.push_str(&format!("{prefix}{}\n\n", words.join(" ")));
        }
        let first = 1 + from % n;
        let last = (first + len - 1).min(n);
        let quote = (first..=last).map(|i| format!("w{i:03}")).collect::<Vec<_>>().join(" ");
        let text = searchable_text(&md);
        proptest::prop_assume!(text.contains(&quote));
        let new = new.join(" ");
        proptest::prop_assume!(new != quote);
        let ws = Ws::with_files(&[(CHAPTER.into(), md.clone().into_bytes())]);
        let id = ws
            .session_at(MEMBER, T1)
            .suggest("rehabilitering", &quote, &new, "")
            .unwrap()
            .id;
        accept(&ws, &id, AcceptText::Proposed).unwrap();
        let now = ws.read(CHAPTER);
        let committed = ws.show("HEAD", CHAPTER);
        proptest::prop_assert_eq!(committed.trim_end(), now.trim_end());
        let got: String = searchable_text(&now).split_whitespace().collect();
        let expected: String = text.replacen(&quote, &new, 1).split_whitespace().collect();
        proptest::prop_assert_eq!(got, expected, "{}\n=>\n{}", md, now);
        let line_of = |w: usize| md.lines().position(|l| l.contains(&format!("w{w:03}"))).unwrap();
        let (a, b) = (line_of(first), line_of(last));
        let old_lines: Vec<&str> = md.lines().collect();
        let new_lines: Vec<&str> = now.lines().collect();
        proptest::prop_assert_eq!(&old_lines[..a], &new_lines[..a]);
        let tail = old_lines.len() - b - 1;
        proptest::prop_assert!(new_lines.len() >= tail);
        proptest::prop_assert_eq!(&old_lines[b + 1..], &new_lines[new_lines.len() - tail..]);
    }
}
