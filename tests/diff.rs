//! `oplaeg diff` and `oplaeg::diff`: the demo's history between meetings 3
//! and 4, small real repositories for renames, recommendations, comments and
//! hostile text, and a property test that the reported changes rebuild TO
//! from FROM exactly while unchanged chapters are never read.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::*;
use oplaeg::anchor::Fate;
use oplaeg::diff::{
    self, BlockChange, ChapterStatus, DiffOptions, Op, RecChange, RecField, WorkspaceDiff,
};
use oplaeg::model::{Chapter, Disposition, Horizon, RecStatus, Workspace};
use oplaeg::ops::{NewTarget, RecEdit};
use oplaeg::store::{Rev, Store};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers

/// The demo workspace, built once for all tests in this file (read only).
fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = process_folder("diff-demo").join("demo");
        oplaeg::demo::build(&dir).expect("build the demo");
        dir
    })
}

fn demo_diff(from: &str, to: &str) -> WorkspaceDiff {
    let store = Store::open(demo()).unwrap();
    diff::between(
        &store,
        &Rev::parse(from),
        &Rev::parse(to),
        &DiffOptions::default(),
    )
    .unwrap()
}

/// The oplaeg binary on `root`, isolated, Danish, colour decided by `env`.
fn oplaeg_in(root: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    c.arg("--repo").arg(root).args(args);
    isolate(&mut c, home);
    c.env("LANG", "da_DK.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run oplaeg")
}

#[track_caller]
fn stdout_ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "oplaeg failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn demo_cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    oplaeg_in(demo(), &shared_home(), args, env)
}

/// All inserted (or deleted) text of a chapter's blocks.
fn changed_text(d: &WorkspaceDiff, slug: &str, op: Op) -> String {
    let c = d
        .chapters
        .iter()
        .find(|c| c.side().slug == slug)
        .unwrap_or_else(|| panic!("no chapter {slug}"));
    c.blocks
        .iter()
        .flat_map(|b| &b.segments)
        .filter(|s| s.op == op && !s.text.trim().is_empty())
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

fn comment_id_by_quote(ws: &Workspace, quote_start: &str) -> String {
    ws.comments
        .iter()
        .find(|c| {
            c.target
                .anchor
                .as_ref()
                .is_some_and(|a| a.quote.starts_with(quote_start))
        })
        .unwrap_or_else(|| panic!("no comment quoting «{quote_start}»"))
        .id
        .clone()
}

// ---------------------------------------------------------------------------
// The demo: meeting 3 → meeting 4

#[test]
fn demo_chapters_between_meetings_3_and_4() {
    let d = demo_diff("3", "4");
    let root = demo();
    let changed: BTreeSet<String> = d
        .chapters
        .iter()
        .filter(|c| c.status == ChapterStatus::Changed)
        .map(|c| c.side().file.clone())
        .collect();
    // Plain git agrees on which chapter files changed.
    let by_git: BTreeSet<String> = git(
        root,
        &[
            "diff",
            "--name-only",
            "meeting/3",
            "meeting/4",
            "--",
            "drafts",
        ],
    )
    .lines()
    .map(str::to_string)
    .collect();
    assert_eq!(changed, by_git);
    assert_eq!(
        changed,
        BTreeSet::from(
            [
                "drafts/03-baggrund-og-metode.md",
                "drafts/04-status-paa-kraeftomraadet.md",
                "drafts/05-rehabilitering.md",
                "drafts/11-teknologi-og-kunstig-intelligens.md"
            ]
            .map(String::from)
        )
    );
    assert_eq!(d.summary.chapters.unchanged, 8);
    // Only the changed chapters' texts were read (twice each).
    assert_eq!(d.chapter_reads, 8);

    // Concrete edits, inside their paragraphs.
    let ins3 = changed_text(&d, "baggrund-og-metode", Op::Insert);
    let del3 = changed_text(&d, "baggrund-og-metode", Op::Delete);
    assert!(ins3.contains("## Udfordringsbilledet"), "{ins3}");
    assert!(ins3.contains("væsentligste "), "{ins3}");
    assert!(
        del3.contains("Et fagligt oplæg kan ikke rumme alt"),
        "{del3}"
    );
    let ins4 = changed_text(&d, "status-paa-kraeftomraadet", Op::Insert);
    assert!(ins4.contains("markant "), "{ins4}");
    assert!(ins4.contains("## Ulighed i kræft"), "{ins4}");
    let ins5 = changed_text(&d, "rehabilitering", Op::Insert);
    assert!(ins5.contains("langt "), "{ins5}");
    assert!(ins5.contains("## Definitioner"), "{ins5}");
    assert_eq!(changed_text(&d, "rehabilitering", Op::Delete), "");
    let ins11 = changed_text(&d, "teknologi-og-kunstig-intelligens", Op::Insert);
    let del11 = changed_text(&d, "teknologi-og-kunstig-intelligens", Op::Delete);
    assert!(ins11.contains("et nyt redskab"), "{ins11}");
    assert!(del11.contains("en ny mulighed"), "{del11}");
    assert!(
        del11.contains("Kunstig intelligens forventes på sigt"),
        "{del11}"
    );
    // The word "langt" is marked inside the otherwise unchanged paragraph.
    let rehab = d
        .chapters
        .iter()
        .find(|c| c.side().slug == "rehabilitering")
        .unwrap();
    let para = rehab
        .blocks
        .iter()
        .find(|b| b.segments.iter().any(|s| s.text == "langt "))
        .unwrap();
    assert_eq!(para.change, BlockChange::Changed);
    assert_eq!((para.words_added, para.words_removed), (1, 0));
    assert!(para.segments[0].text.starts_with("Sygehusene har ansvaret"));

    // Chapter 11: the section «Teknologi tæt på patienten» and the section
    // «Forudsætninger» swapped places; whichever is reported as moved, no
    // paragraph of either is reported as deleted and inserted again.
    let tech = d
        .chapters
        .iter()
        .find(|c| c.side().slug == "teknologi-og-kunstig-intelligens")
        .unwrap();
    assert!(tech.summary.blocks_moved >= 2, "{:?}", tech.summary);
    for b in &tech.blocks {
        if matches!(b.change, BlockChange::Inserted | BlockChange::Deleted) {
            let t = b.new_text() + &b.old_text();
            assert!(
                !t.contains("Videokonsultationer") && !t.contains("Gode løsninger"),
                "moved text reported as {:?}: {t}",
                b.change
            );
        }
    }
    assert!(tech.blocks.iter().any(|b| b.change == BlockChange::Moved));

    // Applying the reported changes to meeting 3's files gives meeting 4's,
    // as plain git shows them.
    for c in d
        .chapters
        .iter()
        .filter(|c| c.status == ChapterStatus::Changed)
    {
        let file = &c.side().file;
        let old = git(root, &["show", &format!("meeting/3:{file}")]) + "\n";
        let new = git(root, &["show", &format!("meeting/4:{file}")]) + "\n";
        assert_eq!(c.apply(&old).as_deref(), Ok(new.as_str()), "{file}");
    }
}

#[test]
fn demo_recommendations_between_meetings_3_and_4() {
    let d = demo_diff("meeting/3", "meeting/4");
    let rec = |slug: &str| {
        d.recommendations
            .iter()
            .find(|r| r.slug == slug)
            .unwrap_or_else(|| panic!("no recommendation {slug}"))
    };
    // Moved by the writers: #8 → #5 and #9 → #8.
    let f = rec("faelles-beslutningstagning");
    assert_eq!((f.from_rank, f.to_rank, f.moved), (Some(8), Some(5), true));
    let dd = rec("datadeling-paa-tvaers-af-sektorer");
    assert_eq!(
        (dd.from_rank, dd.to_rank, dd.moved),
        (Some(9), Some(8), true)
    );
    // Shifted by those moves, not moved themselves.
    let scr = rec("differentieret-screening");
    assert_eq!(
        (scr.from_rank, scr.to_rank, scr.moved),
        (Some(5), Some(6), false)
    );
    assert_eq!(d.summary.recommendations.moved, 2);
    // Horizon kort/lang → mellemlang and status udkast → foreslået.
    let h = scr.horizon.as_ref().expect("a horizon change");
    assert_eq!((h.from, h.to), (Horizon::Long, Horizon::Medium));
    let ki = rec("kunstig-intelligens-i-diagnostik");
    let s = ki.status.as_ref().expect("a status change");
    assert_eq!((s.from, s.to), (RecStatus::Draft, RecStatus::Proposed));
    // The realizability text was rewritten: word diff.
    let k = rec("styrket-kapacitet-og-robusthed");
    assert_eq!(k.change, RecChange::Changed);
    assert_eq!(k.fields.len(), 1);
    let field = &k.fields[0];
    assert_eq!(field.field, RecField::Realizability);
    let inserted: String = field
        .segments
        .iter()
        .filter(|s| s.op == Op::Insert)
        .map(|s| s.text.as_str())
        .collect();
    assert!(inserted.contains("specialsygeplejersker"), "{inserted}");
    assert!(
        field
            .segments
            .iter()
            .any(|s| s.op == Op::Equal && s.text.contains("Efterspørgslen efter udredning"))
    );
    // Untouched ones are only counted.
    assert!(
        d.recommendations
            .iter()
            .all(|r| r.slug != "tidlig-opsporing-i-almen-praksis")
    );
    assert_eq!(d.summary.recommendations.unchanged, 3);
}

#[test]
fn demo_comments_between_meetings_3_and_4() {
    let d = demo_diff("3", "4");
    let root = demo();
    // Written: exactly the comment files plain git sees added.
    let added: BTreeSet<String> = git(
        root,
        &[
            "diff",
            "--name-only",
            "--diff-filter=A",
            "meeting/3",
            "meeting/4",
            "--",
            "comments",
        ],
    )
    .lines()
    .map(|l| {
        l.trim_start_matches("comments/")
            .trim_end_matches(".toml")
            .to_string()
    })
    .collect();
    let written: BTreeSet<String> = d.comments.written.iter().map(|c| c.id.clone()).collect();
    assert_eq!(written, added);
    // The store's walk over both trees finds what plain git finds.
    let store = Store::open(root).unwrap();
    let (m3, m4) = (store.resolve("3").unwrap(), store.resolve("4").unwrap());
    let mut ours: Vec<String> = store
        .changed_in("comments", m3, m4)
        .unwrap()
        .iter()
        .map(|f| {
            let kind = match (f.old, f.new) {
                (None, _) => "A",
                (_, None) => "D",
                _ => "M",
            };
            format!("{kind}\tcomments/{}", f.name)
        })
        .collect();
    ours.sort();
    let mut by_git: Vec<String> = git(
        root,
        &[
            "diff",
            "--name-status",
            "--no-renames",
            "meeting/3",
            "meeting/4",
            "--",
            "comments",
        ],
    )
    .lines()
    .map(str::to_string)
    .collect();
    by_git.sort();
    assert_eq!(ours, by_git);
    assert!(store.changed_in("comments", m4, m4).unwrap().is_empty());
    let back = store.changed_in("comments", m4, m3).unwrap();
    assert!(
        back.iter().any(|f| f.new.is_none()),
        "deleted when going back"
    );
    // 14 comments, 4 replies and one ændringsforslag.
    assert_eq!(d.summary.comments.written, 19);
    assert_eq!(d.summary.comments.replies, 4);
    // Resolved: nine answers in the history, each with its disposition,
    // and the ændringsforslag the writers applied.
    assert_eq!(d.comments.resolved.len(), 10);
    let dispositions: Vec<Disposition> = d
        .comments
        .resolved
        .iter()
        .map(|c| c.resolution.as_ref().unwrap().disposition)
        .collect();
    for want in [
        Disposition::Met,
        Disposition::PartlyMet,
        Disposition::NotMet,
        Disposition::Noted,
    ] {
        assert!(dispositions.contains(&want), "{dispositions:?}");
    }
    let to = Store::open(root).unwrap().load(&Rev::parse("4")).unwrap();
    for c in &d.comments.resolved {
        let file = git(
            root,
            &["show", &format!("meeting/4:comments/{}.toml", c.id)],
        );
        assert!(file.contains("status = \"resolved\""), "{file}");
        assert!(!c.resolution.as_ref().unwrap().response.is_empty());
    }

    // Fates of the quoted comments in meeting 4.
    let fate = |quote_start: &str| {
        let id = comment_id_by_quote(&to, quote_start);
        d.comments
            .anchors
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("no anchor report for «{quote_start}»"))
            .placement
            .clone()
            .expect("the chapter is there")
    };
    // Untouched sentence in an unchanged chapter.
    let p = fate("I flere yderområder");
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(
        p.text.as_deref(),
        Some("I flere yderområder er det vanskeligt at få en fast læge")
    );
    // Untouched sentence in an edited chapter (its surroundings changed).
    let p = fate("Kræft rammer ikke alle lige");
    assert!(matches!(p.fate, Fate::Exact | Fate::Moved), "{p:?}");
    assert!(p.text.unwrap().starts_with("Kræft rammer ikke alle lige"));
    // The sentence the writers deleted («Sætningen er udgået»).
    let p = fate("Kunstig intelligens forventes på sigt");
    assert!(
        matches!(p.fate, Fate::Orphaned | Fate::Section { .. }),
        "{p:?}"
    );
    // Sentences whose words were edited are not exact any more.
    for q in [
        "Gode løsninger baseret på kunstig intelligens",
        "Kommunerne varetager hovedparten",
        "Præmisserne er udledt af de udfordringer",
        "Sammenlignet med de øvrige nordiske lande",
    ] {
        let p = fate(q);
        assert!(!matches!(p.fate, Fate::Exact | Fate::Moved), "«{q}»: {p:?}");
    }
    let counts = d.summary.comments.anchors;
    assert_eq!(
        counts.exact + counts.moved + counts.fuzzy + counts.section + counts.orphaned,
        d.comments.anchors.len()
    );
}

#[test]
fn demo_diff_on_the_command_line() {
    let text = stdout_ok(demo_cli(&["diff", "3", "4"], &[]));
    // Piped: no colour, markers instead.
    assert!(!text.contains('\u{1b}'), "escape codes in piped output");
    for want in [
        "Kapitel 5 Rehabilitering",
        "Kommunerne varetager {+langt +}hovedparten",
        "som [-en ny mulighed-]{+et nyt redskab+}",
        "{+## Udfordringsbilledet+}",
        "#8 → #5",
        "tidshorisont: lang → mellemlang",
        "status: udkast → foreslået",
        "realiserbarhed ændret",
        "Skrevet siden møde 3: 15 kommentarer, 4 svar",
        "Besvaret siden møde 3: 10",
        "delvist imødekommet",
        "ikke imødekommet",
        "taget til efterretning",
        "↕",
        "«Kunstig intelligens forventes på sigt at kunne aflaste personalet i alle led af kræftforløbet.»",
    ] {
        assert!(text.contains(want), "missing «{want}» in:\n{text}");
    }
    // Unchanged chapters are not listed.
    assert!(!text.contains("Kapitel 7 Palliation"), "{text}");

    // English on request.
    let en = stdout_ok(demo_cli(&["--lang", "en", "diff", "3", "4", "--stat"], &[]));
    assert!(en.contains("Changes to"), "{en}");
    assert!(en.contains("horizon: long → medium"), "{en}");
    assert!(
        en.contains("Written since meeting 3: 15 comments, 4 replies"),
        "{en}"
    );
    // --stat: the summary without the text.
    assert!(!en.contains("{+"), "{en}");
    assert!(
        en.contains("Chapter 11 Teknologi og kunstig intelligens"),
        "{en}"
    );

    // Colour when asked for: inserted green and underlined, deleted red and
    // struck through, and no markers.
    let colour = stdout_ok(demo_cli(
        &["diff", "3", "4", "--chapter", "rehabilitering"],
        &[("CLICOLOR_FORCE", "1")],
    ));
    assert!(colour.contains("\u{1b}[32;4mlangt"), "{colour}");
    assert!(!colour.contains("{+"), "{colour}");
    let nocolour = stdout_ok(demo_cli(
        &["diff", "3", "4", "--chapter", "rehabilitering"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    ));
    assert!(!nocolour.contains('\u{1b}'));
    assert!(nocolour.contains("{+langt +}"));
}

#[test]
fn demo_defaults_to_the_last_meeting_and_head() {
    let d = demo_diff("4", "HEAD");
    let text = stdout_ok(demo_cli(&["diff"], &[]));
    assert!(text.contains("fra  meeting/4"), "{text}");
    assert!(text.contains("til  HEAD"), "{text}");
    // After meeting 4 only comments (and an ændringsforslag) were written.
    assert_eq!(d.summary.chapters.changed, 0);
    assert_eq!(d.summary.comments.written, 8);
    assert!(
        text.contains("Skrevet siden møde 4: 8 kommentarer, 0 svar"),
        "{text}"
    );
    // The comments written on meeting 4's text all find their words.
    assert_eq!(d.summary.comments.anchors.exact, 5, "{:?}", d.summary);
}

#[test]
fn demo_json_shape() {
    let out = stdout_ok(demo_cli(&["--format", "json", "diff", "3", "4"], &[]));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    // The command's JSON is the pretty JSON of the library's diff.
    let d = demo_diff("3", "4");
    assert_eq!(out, serde_json::to_string_pretty(&d).unwrap() + "\n");
    for key in [
        "from",
        "to",
        "title",
        "chapter",
        "summary",
        "chapters",
        "recommendations",
        "comments",
    ] {
        assert!(v.get(key).is_some(), "no «{key}» in {v}");
    }
    assert_eq!(v["from"]["name"], "3");
    assert_eq!(v["from"]["meeting"], 3);
    assert_eq!(
        v["from"]["commit"],
        git(demo(), &["rev-parse", "meeting/3^{commit}"]).as_str()
    );
    assert_eq!(v["summary"]["chapters"]["changed"], 4);
    assert_eq!(v["summary"]["recommendations"]["moved"], 2);
    let chapters = v["chapters"].as_array().unwrap();
    // Only the changed chapters are listed; the others are counted.
    assert_eq!(chapters.len(), 4);
    assert_eq!(v["summary"]["chapters"]["unchanged"], 8);
    let rehab = chapters
        .iter()
        .find(|c| c["to"]["slug"] == "rehabilitering")
        .unwrap();
    assert_eq!(rehab["status"], "changed");
    assert_eq!(rehab["from"]["number"], 5);
    assert!(rehab["from"]["blob"].as_str().unwrap().len() == 40);
    let blocks = rehab["blocks"].as_array().unwrap();
    let mut ops = BTreeSet::new();
    for b in blocks {
        for k in [
            "change",
            "kind",
            "old",
            "new",
            "edited",
            "words_added",
            "words_removed",
            "segments",
        ] {
            assert!(b.get(k).is_some(), "block without «{k}»: {b}");
        }
        for s in b["segments"].as_array().unwrap() {
            // (White space at the end of blocks may change too.)
            if !s["text"].as_str().unwrap().trim().is_empty() {
                ops.insert(s["op"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(ops, BTreeSet::from(["equal".into(), "insert".into()]));
    assert!(chapters.iter().all(|c| c["to"]["slug"] != "palliation"));
    let rec = v["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == "differentieret-screening")
        .unwrap();
    assert_eq!(rec["horizon"]["from"], "long");
    assert_eq!(rec["horizon"]["to"], "medium");
    assert_eq!(rec["from_rank"], 5);
    assert_eq!(rec["to_rank"], 6);
    let resolved = v["comments"]["resolved"].as_array().unwrap();
    assert!(
        resolved
            .iter()
            .all(|c| c["resolution"]["disposition"].is_string())
    );
    let anchors = v["comments"]["anchors"].as_array().unwrap();
    assert!(!anchors.is_empty());
    for a in anchors {
        let kind = a["placement"]["fate"]["kind"].as_str().unwrap();
        assert!(["exact", "moved", "fuzzy", "section", "orphaned"].contains(&kind));
        assert!(a["quote"].is_string() && a["id"].is_string() && a["new"].is_boolean());
    }

    // --stat keeps the shape, without blocks and segments.
    let stat: Value = serde_json::from_str(&stdout_ok(demo_cli(
        &["--format", "json", "diff", "3", "4", "--stat"],
        &[],
    )))
    .unwrap();
    assert_eq!(stat["summary"], v["summary"]);
    assert!(
        stat["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["blocks"].as_array().unwrap().is_empty())
    );
}

#[test]
fn demo_html_is_one_self_contained_page() {
    let html = stdout_ok(demo_cli(&["--format", "html", "diff", "3", "4"], &[]));
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"),
        "{}",
        &html[..80]
    );
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<ins>langt </ins>"), "no <ins> for «langt»");
    assert!(html.contains("<del>en ny mulighed</del><ins>et nyt redskab</ins>"));
    // Nothing fetched from elsewhere, no scripts.
    for bad in [
        "<script", "<link", "src=", "url(", "http://", "https://", "@import",
    ] {
        assert!(!html.contains(bad), "the page contains «{bad}»");
    }
    assert_balanced(&html);
    // Only `diff` has an HTML form.
    let out = demo_cli(&["--format", "html", "status"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format html"));
}

/// Every element that must be closed is closed, in order (a small check of
/// well-formedness; void elements and the doctype are skipped).
fn assert_balanced(html: &str) {
    let void = ["meta", "br", "hr", "img", "input", "link"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a closed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "<{open}> closed by </{name}>");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(!name.is_empty(), "odd tag <{tag}>");
            if !void.contains(&name.as_str()) {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

// ---------------------------------------------------------------------------
// Small real repositories

#[test]
fn no_meeting_tag_gives_a_clear_error() {
    let ws = Ws::sample();
    let out = oplaeg_in(&ws.root, &ws.home, &["diff"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("oplaeg: fejl: "), "{err}");
    assert!(err.contains("mødetag"), "{err}");
    // Naming the sides works without tags.
    let text = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["diff", "HEAD~1", "HEAD"],
        &[],
    ));
    assert!(text.contains("0 ændrede"), "{text}");
    // Unknown revisions are named.
    let out = oplaeg_in(&ws.root, &ws.home, &["diff", "9", "HEAD"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unchanged_chapters_are_not_read_and_edits_are_found() {
    let ws = Ws::sample();
    let before = ws.head();
    let edited = SAMPLE_INTRO.replace(
        "faglige anbefalinger",
        "faglige og prioriterede anbefalinger",
    );
    ws.write("drafts/01-indledning.md", &edited);
    ws.git_commit_all_as(
        WRITER_NAME,
        WRITER,
        "2024-06-01T10:00:00+02:00",
        "Indledning rettet",
    );
    assert_eq!(ws.changed_files("HEAD"), ["M\tdrafts/01-indledning.md"]);
    let store = ws.store();
    let d = diff::between(
        &store,
        &Rev::parse(&before),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    assert_eq!(d.chapter_reads, 2, "only the edited chapter is read");
    let intro = &d.chapters[0];
    assert_eq!(intro.status, ChapterStatus::Changed);
    assert_eq!(
        (intro.summary.words_added, intro.summary.words_removed),
        (2, 0)
    );
    assert_eq!(d.chapters.len(), 1, "the unchanged chapter is only counted");
    assert_eq!(d.summary.chapters.unchanged, 1);
    assert_eq!(intro.apply(SAMPLE_INTRO).unwrap(), edited);

    // The working tree as a side: an uncommitted edit shows up.
    ws.write(
        "drafts/02-rehabilitering.md",
        &SAMPLE_REHAB.replace("fem år", "ti år"),
    );
    let text = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["diff", "HEAD", "worktree"],
        &[],
    ));
    assert!(text.contains("[-fem-]{+ti+}"), "{text}");
    assert!(text.contains("arbejdsmappen"), "{text}");

    // The unchanged chapter's blob made unreadable: the diff between the
    // two commits never asks for it (loading the whole version does).
    let blob = ws.git(&["rev-parse", "HEAD:drafts/02-rehabilitering.md"]);
    let object = ws
        .root
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    assert!(object.is_file(), "a loose object {}", object.display());
    std::fs::remove_file(&object).unwrap();
    // (Straight from git: the load cache keeps chapter files by their
    // folder's tree id and would answer without the object.)
    let store = ws.store();
    let head = store.head().unwrap().unwrap();
    assert!(Workspace::load(&store.source_at(head).unwrap()).is_err());
    let d = diff::between(
        &ws.store(),
        &Rev::parse(&before),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .expect("the diff does not read the unchanged chapter");
    assert_eq!(d.summary.chapters.changed, 1);
    assert_eq!(d.summary.chapters.unchanged, 1);
    let json = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["--format", "json", "diff", &before, "HEAD"],
        &[],
    ));
    assert!(json.contains("og prioriterede "), "{json}");
}

#[test]
fn renamed_renumbered_added_and_removed_chapters() {
    let ws = Ws::sample();
    let before = ws.head();
    // Renumbered (same slug, same text) and renamed (new slug, edited).
    ws.git(&[
        "mv",
        "drafts/02-rehabilitering.md",
        "drafts/03-rehabilitering.md",
    ]);
    ws.git(&["mv", "drafts/01-indledning.md", "drafts/01-introduktion.md"]);
    ws.write(
        "drafts/01-introduktion.md",
        &SAMPLE_INTRO.replace("Oplægget beskriver", "Dette oplæg beskriver"),
    );
    ws.write(
        "drafts/02-palliation.md",
        "# Palliation\n\nEt helt nyt kapitel om palliation.\n",
    );
    ws.git_commit_all_as(
        WRITER_NAME,
        WRITER,
        "2024-06-01T10:00:00+02:00",
        "Kapitler flyttet",
    );
    let store = ws.store();
    let d = diff::between(
        &store,
        &Rev::parse(&before),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    let find = |slug: &str| {
        d.chapters
            .iter()
            .find(|c| c.side().slug == slug)
            .unwrap_or_else(|| panic!("{slug}"))
    };
    let rehab = find("rehabilitering");
    assert_eq!(rehab.status, ChapterStatus::Unchanged);
    assert!(rehab.renumbered && !rehab.renamed);
    assert_eq!(rehab.from.as_ref().unwrap().number, 2);
    assert_eq!(rehab.to.as_ref().unwrap().number, 3);
    let intro = find("introduktion");
    assert_eq!(intro.status, ChapterStatus::Changed);
    assert!(intro.renamed);
    assert_eq!(intro.from.as_ref().unwrap().slug, "indledning");
    let old = ws.show(&before, "drafts/01-indledning.md") + "\n";
    assert_eq!(old, SAMPLE_INTRO);
    assert_eq!(
        intro.apply(SAMPLE_INTRO).unwrap(),
        ws.read("drafts/01-introduktion.md")
    );
    let new = find("palliation");
    assert_eq!(new.status, ChapterStatus::Added);
    assert_eq!(new.summary.words_added, 7);
    assert_eq!(new.apply("").unwrap(), ws.read("drafts/02-palliation.md"));
    assert_eq!(d.summary.chapters.renamed, 2);
    assert_eq!(d.summary.chapters.added, 1);

    // Removed: the palliation chapter goes again.
    let mid = ws.head();
    ws.git(&["rm", "-q", "drafts/02-palliation.md"]);
    ws.git_commit_all_as(
        WRITER_NAME,
        WRITER,
        "2024-06-02T10:00:00+02:00",
        "Kapitel fjernet",
    );
    let d = diff::between(
        &store,
        &Rev::parse(&mid),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    let gone = d.chapters.last().unwrap();
    assert_eq!(gone.status, ChapterStatus::Removed);
    assert_eq!(gone.side().slug, "palliation");
    let old = ws.show(&mid, "drafts/02-palliation.md") + "\n";
    assert_eq!(gone.apply(&old).unwrap(), "");
    let text = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["diff", &before, "HEAD"],
        &[],
    ));
    assert!(text.contains("Kapitel 2 → 3 Rehabilitering"), "{text}");
    assert!(
        text.contains("omdøbt fra drafts/01-indledning.md"),
        "{text}"
    );
}

#[test]
fn recommendations_added_removed_moved_and_changed() {
    let ws = Ws::sample();
    let before = ws.head();
    let s = ws.session_at(WRITER, "2024-06-01T10:00:00+02:00");
    s.rec_add(
        "Bedre data om senfølger",
        Horizon::Long,
        "Data skal samles.",
        Some("data"),
    )
    .unwrap();
    s.rec_move("data", 1).unwrap();
    s.rec_set(
        "rehabilitering-til-alle",
        &RecEdit {
            horizon: Some(Horizon::Short),
            status: Some(RecStatus::Agreed),
            goal: Some("Langt flere får rehabilitering i tide.".into()),
            ..RecEdit::default()
        },
    )
    .unwrap();
    let d = diff::between(
        &ws.store(),
        &Rev::parse(&before),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    let order: Vec<(&str, Option<usize>, Option<usize>, bool)> = d
        .recommendations
        .iter()
        .map(|r| (r.slug.as_str(), r.from_rank, r.to_rank, r.moved))
        .collect();
    assert_eq!(
        order,
        [
            ("data", None, Some(1), false),
            ("tidlig-diagnostik", Some(1), Some(2), false),
            ("rehabilitering-til-alle", Some(2), Some(3), false),
        ]
    );
    assert_eq!(d.recommendations[0].change, RecChange::Added);
    let r = &d.recommendations[2];
    assert_eq!(
        r.horizon.as_ref().map(|h| (h.from, h.to)),
        Some((Horizon::Medium, Horizon::Short))
    );
    assert_eq!(r.status.as_ref().map(|h| h.to), Some(RecStatus::Agreed));
    let goal = &r.fields[0];
    assert_eq!(goal.field, RecField::Goal);
    let marked: String = goal
        .segments
        .iter()
        .map(|s| match s.op {
            Op::Equal => s.text.clone(),
            Op::Insert => format!("{{+{}+}}", s.text),
            Op::Delete => format!("[-{}-]", s.text),
        })
        .collect();
    assert_eq!(
        marked,
        "[-Flere-]{+Langt flere+} får rehabilitering{+ i tide+}."
    );

    // Removed by hand with git.
    let mid = ws.head();
    ws.git(&["rm", "-q", "recommendations/tidlig-diagnostik.toml"]);
    ws.write(
        "priority.toml",
        "order = [\"data\", \"rehabilitering-til-alle\"]\n",
    );
    ws.git_commit_all_as(
        WRITER_NAME,
        WRITER,
        "2024-06-02T10:00:00+02:00",
        "Anbefaling fjernet",
    );
    let d = diff::between(
        &ws.store(),
        &Rev::parse(&mid),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    let gone = d.recommendations.last().unwrap();
    assert_eq!(
        (gone.slug.as_str(), gone.change),
        ("tidlig-diagnostik", RecChange::Removed)
    );
    assert_eq!(d.summary.recommendations.removed, 1);
    assert!(gone.fields.iter().any(|f| f.field == RecField::Title));
}

#[test]
fn comments_follow_their_text_and_chapter_filter() {
    let ws = Ws::sample();
    let start = ws.head();
    ws.session_at(WRITER, "2024-06-01T09:00:00+02:00")
        .meeting_tag(1)
        .unwrap();
    let m = ws.session_at(MEMBER, "2024-06-02T10:00:00+02:00");
    let quoted = m
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: Some(UNIQUE_QUOTE.into()),
            },
            "Hvad med økonomien?",
        )
        .unwrap();
    let kept = m
        .add_comment(
            NewTarget::Chapter {
                chapter: "indledning".into(),
                quote: Some("Sundhedsstyrelsens faglige anbefalinger".into()),
            },
            "Godt.",
        )
        .unwrap();
    let w = ws.session_at(WRITER, "2024-06-03T10:00:00+02:00");
    let written = ws.head();
    w.reply(&quoted.id, "Vi ser på det.").unwrap();
    w.resolve(&kept.id, Disposition::Noted, "Tak.").unwrap();
    // A resolved comment is a changed file; the reply a new one.
    let store = ws.store();
    let changed = store
        .changed_in(
            "comments",
            store.resolve(&written).unwrap(),
            store.resolve("HEAD").unwrap(),
        )
        .unwrap();
    assert_eq!(changed.len(), 2, "{changed:?}");
    let resolved = changed
        .iter()
        .find(|f| f.name == format!("{}.toml", kept.id))
        .unwrap();
    assert!(resolved.old.is_some() && resolved.new.is_some() && resolved.old != resolved.new);
    assert!(changed.iter().any(|f| f.old.is_none()));
    // The quoted sentence is deleted from the chapter.
    w.revise_chapter(
        "rehabilitering",
        "# Rehabilitering\n\nFlere patienter henvises i dag end for fem år siden. Behovet vurderes løbende.\n",
        "Kapitel 2 forkortet",
    )
    .unwrap();
    let store = ws.store();
    let d = diff::between(
        &store,
        &Rev::parse("1"),
        &Rev::head(),
        &DiffOptions::default(),
    )
    .unwrap();
    assert_eq!(d.from.meeting, Some(1));
    assert_eq!(d.comments.written.len(), 3);
    assert_eq!(d.summary.comments.replies, 1);
    assert_eq!(d.comments.resolved.len(), 1);
    assert_eq!(d.comments.resolved[0].id, kept.id);
    let fate = |id: &str| {
        d.comments
            .anchors
            .iter()
            .find(|a| a.id == id)
            .unwrap()
            .placement
            .clone()
            .unwrap()
            .fate
    };
    assert!(matches!(
        fate(&quoted.id),
        Fate::Orphaned | Fate::Section { .. }
    ));
    assert_eq!(fate(&kept.id), Fate::Exact);

    // --chapter: only that chapter, its recommendations and its comments.
    let only = diff::between(
        &store,
        &Rev::parse(&start),
        &Rev::head(),
        &DiffOptions {
            chapter: Some("2".into()),
            detail: true,
            context: oplaeg::diff::Context::Copied,
        },
    )
    .unwrap();
    assert_eq!(only.chapter.as_deref(), Some("rehabilitering"));
    assert_eq!(only.chapters.len(), 1);
    assert!(
        only.comments
            .written
            .iter()
            .all(|c| c.target.chapter.as_deref() == Some("rehabilitering"))
    );
    assert_eq!(only.comments.written.len(), 2);
    assert!(
        only.recommendations
            .iter()
            .all(|r| r.slug == "rehabilitering-til-alle")
    );
    let out = oplaeg_in(
        &ws.root,
        &ws.home,
        &["diff", "1", "HEAD", "--chapter", "rehabiliterign"],
        &[],
    );
    // A misspelt chapter is refused with the nearest one suggested (a
    // unique beginning such as `rehab` names the chapter itself).
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mente du «rehabilitering»"));
}

#[test]
fn hostile_text_is_escaped_in_every_format() {
    let ws = Ws::sample();
    ws.session_at(WRITER, "2024-06-01T09:00:00+02:00")
        .meeting_tag(1)
        .unwrap();
    let evil = "<script>alert('x')</script> \u{1b}]52;c;aGFjaw==\u{7}\u{1b}[2J \u{202e}vendt";
    ws.session_at(MEMBER, "2024-06-02T10:00:00+02:00")
        .add_comment(
            NewTarget::Chapter {
                chapter: "indledning".into(),
                quote: None,
            },
            &format!("Kommentar {evil}"),
        )
        .unwrap();
    ws.session_at(WRITER, "2024-06-03T10:00:00+02:00")
        .revise_chapter(
            "indledning",
            &format!("# Indledning\n\nOplægget beskriver {evil} anbefalinger til Kræftplan V.\n"),
            "Indledning",
        )
        .unwrap();
    // Text, piped: not a single escape character gets through.
    let text = stdout_ok(oplaeg_in(&ws.root, &ws.home, &["diff", "1", "HEAD"], &[]));
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(text.contains("\\u{1b}]52"), "{text}");
    assert!(text.contains("Kommentar <script>"), "{text}");
    // Text in colour: the only escapes are our own colour codes.
    let colour = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["diff", "1", "HEAD"],
        &[("CLICOLOR_FORCE", "1")],
    ));
    for (i, _) in colour.match_indices('\u{1b}') {
        let code = &colour[i..colour[i..].find('m').map_or(colour.len(), |e| i + e + 1)];
        assert!(
            [
                "\u{1b}[0m",
                "\u{1b}[1m",
                "\u{1b}[2m",
                "\u{1b}[36m",
                "\u{1b}[32;4m",
                "\u{1b}[31;9m"
            ]
            .contains(&code),
            "foreign escape {code:?}"
        );
    }
    assert!(!colour.contains('\u{7}') && !colour.contains('\u{202e}'));
    // HTML: escaped, no script element.
    let html = stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["--format", "html", "diff", "1", "HEAD"],
        &[],
    ));
    assert!(!html.contains("<script"), "script element in the page");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}') && !html.contains('\u{7}') && !html.contains('\u{202e}'));
    assert_balanced(&html);
    // JSON: the text exactly, as JSON strings.
    let json: Value = serde_json::from_str(&stdout_ok(oplaeg_in(
        &ws.root,
        &ws.home,
        &["--format", "json", "diff", "1", "HEAD"],
        &[],
    )))
    .unwrap();
    assert_eq!(
        json["comments"]["written"][0]["body"].as_str().unwrap(),
        format!("Kommentar {evil}")
    );
}

// ---------------------------------------------------------------------------
// Property: the reported changes rebuild TO from FROM

mod property {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    const WORDS: &[&str] = &[
        "kræft",
        "plan",
        "æble",
        "øer",
        "på",
        "år",
        "a\u{30a}r",
        "ø\u{301}",
        "👍🏽",
        "👨‍👩‍👧",
        "og",
        "i",
        "patienter",
        "udredning",
        "Region",
        "NKR",
        "2024",
        "—",
        "«citat»",
        "ﬁnde",
        "e\u{301}t",
        "Ærø",
        "Å",
        "sundhed,",
        "behandling.",
    ];

    #[derive(Clone, Debug)]
    enum Kind {
        Heading,
        Para,
        Item,
    }

    #[derive(Clone, Debug)]
    struct Blk {
        kind: Kind,
        id: usize,
        words: Vec<String>,
        /// Soft line breaks inside a paragraph (after these word indexes).
        breaks: Vec<usize>,
        /// How many word edits it has had.
        edits: usize,
    }

    fn render(blocks: &[Blk], trailing_newline: bool) -> String {
        let mut s = String::from("# Kapitel\n");
        for b in blocks {
            s.push('\n');
            // A unique token per block, never edited, so every block that
            // stays has a partner.
            let mut text = format!("nr{}", b.id);
            for (i, w) in b.words.iter().enumerate() {
                text.push(if b.breaks.contains(&i) && matches!(b.kind, Kind::Para) {
                    '\n'
                } else {
                    ' '
                });
                text.push_str(w);
            }
            match b.kind {
                Kind::Heading => s.push_str(&format!("## {text}\n")),
                Kind::Para => s.push_str(&format!("{text}\n")),
                Kind::Item => s.push_str(&format!("- {text}\n")),
            }
        }
        if !trailing_newline {
            s.pop();
        }
        s
    }

    #[derive(Clone, Debug)]
    enum Edit {
        Insert {
            at: usize,
            words: Vec<String>,
        },
        Delete {
            at: usize,
        },
        Move {
            from: usize,
            to: usize,
        },
        Replace {
            at: usize,
            word: usize,
            with: String,
        },
        AddWord {
            at: usize,
            word: usize,
            with: String,
        },
        DropWord {
            at: usize,
            word: usize,
        },
        Rewrap {
            at: usize,
            after: usize,
        },
    }

    fn word() -> impl Strategy<Value = String> {
        prop::sample::select(WORDS).prop_map(str::to_string)
    }

    fn block(id: usize) -> impl Strategy<Value = Blk> {
        (
            prop::sample::select(vec![0u8, 1, 1, 1, 2]),
            prop::collection::vec(word(), 1..14),
            prop::collection::vec(0usize..14, 0..2),
        )
            .prop_map(move |(k, words, breaks)| Blk {
                kind: match k {
                    0 => Kind::Heading,
                    1 => Kind::Para,
                    _ => Kind::Item,
                },
                id,
                words,
                breaks,
                edits: 0,
            })
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (0usize..40, prop::collection::vec(word(), 1..10))
                .prop_map(|(at, words)| Edit::Insert { at, words }),
            (0usize..40).prop_map(|at| Edit::Delete { at }),
            (0usize..40, 0usize..40).prop_map(|(from, to)| Edit::Move { from, to }),
            (0usize..40, 0usize..20, word()).prop_map(|(at, word, with)| Edit::Replace {
                at,
                word,
                with
            }),
            (0usize..40, 0usize..20, word()).prop_map(|(at, word, with)| Edit::AddWord {
                at,
                word,
                with
            }),
            (0usize..40, 0usize..20).prop_map(|(at, word)| Edit::DropWord { at, word }),
            (0usize..40, 0usize..20).prop_map(|(at, after)| Edit::Rewrap { at, after }),
        ]
    }

    fn apply_edits(mut blocks: Vec<Blk>, edits: &[Edit]) -> Vec<Blk> {
        let mut next_id = 1000;
        for e in edits {
            let n = blocks.len();
            match e.clone() {
                Edit::Insert { at, words } => {
                    next_id += 1;
                    blocks.insert(
                        at % (n + 1),
                        Blk {
                            kind: Kind::Para,
                            id: next_id,
                            words,
                            breaks: vec![],
                            edits: 0,
                        },
                    );
                }
                Edit::Delete { at } if n > 0 => {
                    blocks.remove(at % n);
                }
                Edit::Move { from, to } if n > 0 => {
                    let b = blocks.remove(from % n);
                    blocks.insert(to % n, b);
                }
                Edit::Replace { at, word, with } if n > 0 => {
                    let b = &mut blocks[at % n];
                    let k = word % b.words.len().max(1);
                    if k < b.words.len() && b.words[k] != with {
                        b.words[k] = with;
                        b.edits += 1;
                    }
                }
                Edit::AddWord { at, word, with } if n > 0 => {
                    let b = &mut blocks[at % n];
                    let k = word % (b.words.len() + 1);
                    b.words.insert(k, with);
                    b.edits += 1;
                }
                Edit::DropWord { at, word } if n > 0 => {
                    let b = &mut blocks[at % n];
                    if b.words.len() > 1 {
                        let k = word % b.words.len();
                        b.words.remove(k);
                        b.edits += 1;
                    }
                }
                Edit::Rewrap { at, after } if n > 0 => {
                    let b = &mut blocks[at % n];
                    if b.breaks.contains(&after) {
                        b.breaks.retain(|x| *x != after);
                    } else {
                        b.breaks.push(after);
                    }
                }
                _ => {}
            }
        }
        blocks
    }

    /// A content id like git's: equal text, equal id.
    fn blob_id(text: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    fn chapter(number: u32, slug: &str, markdown: String) -> Chapter {
        Chapter {
            number,
            slug: slug.into(),
            file: format!("drafts/{number:02}-{slug}.md"),
            title: "Kapitel".into(),
            blob: Some(blob_id(&markdown)),
            markdown,
        }
    }

    fn workspace(chapters: Vec<Chapter>) -> Workspace {
        Workspace {
            config: writer_config(),
            chapters,
            recommendations: vec![],
            comments: vec![],
            problems: vec![],
            broken_chapters: HashMap::new(),
        }
    }

    #[test]
    fn reported_changes_rebuild_to_from_from_and_unchanged_chapters_are_not_read() {
        let ws = Ws::sample();
        let store = ws.store();
        let strategy = (
            prop::collection::vec(0usize..1, 0..16).prop_flat_map(|v| {
                let n = v.len();
                (0..n).map(block).collect::<Vec<_>>()
            }),
            prop::collection::vec(edit(), 0..8),
            any::<bool>(),
            any::<bool>(),
        );
        let mut runner = TestRunner::new(Config {
            cases: 300,
            ..Config::default()
        });
        runner
            .run(&strategy, |(blocks, edits, nl_from, nl_to)| {
                let old_md = render(&blocks, nl_from);
                let new_blocks = apply_edits(blocks.clone(), &edits);
                let new_md = render(&new_blocks, nl_to);
                let other = "# Andet kapitel\n\nUændret tekst med æøå.\n".to_string();
                let from = workspace(vec![
                    chapter(1, "et", old_md.clone()),
                    chapter(2, "to", other.clone()),
                ]);
                // The unchanged chapter's text is replaced by garbage under
                // the same blob id: reading it would show as a change.
                let mut poisoned = chapter(2, "to", other);
                poisoned.markdown = "\u{fffd} ulæselig".into();
                let to = workspace(vec![chapter(1, "et", new_md.clone()), poisoned]);
                let d = diff::compare(&store, &from, &to, &DiffOptions::default()).unwrap();
                // The JSON written from TO's chapters, with no copy of the
                // unchanged blocks' text, is the diff's own JSON exactly.
                let lean = diff::compare(&store, &from, &to, &DiffOptions {
                    context: diff::Context::Referenced,
                    ..DiffOptions::default()
                })
                .unwrap();
                prop_assert_eq!(
                    serde_json::to_string_pretty(&diff::JsonView::of(&lean, &to)).unwrap(),
                    serde_json::to_string_pretty(&d).unwrap()
                );

                if old_md == new_md {
                    prop_assert!(d.chapters.is_empty());
                    prop_assert_eq!(d.summary.chapters.unchanged, 2);
                    prop_assert_eq!(d.chapter_reads, 0);
                    return Ok(());
                }
                // The poisoned chapter is unchanged: only counted.
                prop_assert_eq!(d.chapters.len(), 1);
                prop_assert_eq!(d.summary.chapters.unchanged, 1);
                let et = &d.chapters[0];
                prop_assert_eq!(et.status, ChapterStatus::Changed);
                prop_assert_eq!(d.chapter_reads, 2);
                // The reported changes applied to FROM give TO exactly.
                prop_assert_eq!(et.apply(&old_md), Ok(new_md.clone()));
                // Every block kept (by its unique token) with its words, or
                // with one word edited among at least four, has a partner:
                // it is never reported as deleted and inserted. (A short
                // block rewritten may be.)
                let kept: BTreeSet<usize> = new_blocks
                    .iter()
                    .filter(|b| b.edits == 0 || (b.edits == 1 && b.words.len() >= 4))
                    .map(|b| b.id)
                    .filter(|id| blocks.iter().any(|b| b.id == *id))
                    .collect();
                for b in &et.blocks {
                    let text = b.new_text() + &b.old_text();
                    let token = text
                        .split(|c: char| !c.is_alphanumeric())
                        .find_map(|w| w.strip_prefix("nr").and_then(|n| n.parse::<usize>().ok()));
                    if let Some(id) = token
                        && kept.contains(&id)
                    {
                        prop_assert!(
                            !matches!(b.change, BlockChange::Inserted | BlockChange::Deleted),
                            "block nr{} reported as {:?}",
                            id,
                            b.change
                        );
                    }
                    // Edited blocks are marked word by word: the unedited
                    // token stays an equal segment.
                    let token = |t: &str| t.split_whitespace().find(|w| w.starts_with("nr")).map(str::to_string);
                    if b.change == BlockChange::Changed
                        && let Some(t) = token(&b.old_text())
                        && token(&b.new_text()) == Some(t.clone())
                    {
                        prop_assert!(
                            b.segments
                                .iter()
                                .any(|s| s.op == Op::Equal && s.text.contains(&t)),
                            "{:?}",
                            b.segments
                        );
                    }
                    match b.change {
                        BlockChange::Inserted => {
                            prop_assert!(b.segments.iter().all(|s| s.op == Op::Insert))
                        }
                        BlockChange::Deleted => {
                            prop_assert!(b.segments.iter().all(|s| s.op == Op::Delete))
                        }
                        BlockChange::Unchanged => prop_assert_eq!(
                            b.old_text().trim_end().to_string(),
                            b.new_text().trim_end().to_string()
                        ),
                        _ => {}
                    }
                    // No segment splits a grapheme cluster.
                    for s in &b.segments {
                        let first = s.text.chars().next().unwrap();
                        prop_assert!(
                            !matches!(first, '\u{300}'..='\u{36f}' | '\u{200d}' | '\u{1f3fb}'..='\u{1f3ff}'),
                            "segment starts inside a grapheme: {:?}",
                            s.text
                        );
                    }
                }
                // The counts add up.
                let (mut added, mut removed) = (0, 0);
                for b in &et.blocks {
                    let (a, r) = oplaeg::diff::words::word_counts(&b.segments);
                    added += a;
                    removed += r;
                }
                prop_assert_eq!(
                    (added, removed),
                    (et.summary.words_added, et.summary.words_removed)
                );
                Ok(())
            })
            .unwrap();
    }
}

/// The diff of two commits reads only what differs, and lists TO's comments
/// without copying them; loading both versions whole and comparing them
/// gives the same diff, for every pair of the demo's meetings and commits
/// (comments written, resolved, withdrawn, and written and resolved in the
/// same interval).
#[test]
fn the_diff_of_two_commits_is_the_diff_of_both_loaded_whole() {
    let store = Store::open(demo()).unwrap();
    let revs = ["meeting/3", "meeting/4", "HEAD~3", "HEAD~1", "HEAD"];
    let mut in_two_lists = 0;
    for from in revs {
        for to in revs {
            let (a, b) = (Rev::parse(from), Rev::parse(to));
            let mut sparse = diff::between(&store, &a, &b, &DiffOptions::default()).unwrap();
            let whole = diff::compare(
                &store,
                &store.load(&a).unwrap(),
                &store.load(&b).unwrap(),
                &DiffOptions::default(),
            )
            .unwrap();
            sparse.from = whole.from.clone();
            sparse.to = whole.to.clone();
            assert_eq!(
                serde_json::to_value(&sparse).unwrap(),
                serde_json::to_value(&whole).unwrap(),
                "{from} → {to}"
            );
            let c = &whole.comments;
            in_two_lists += c
                .written
                .iter()
                .filter(|w| c.resolved.iter().chain(&c.withdrawn).any(|r| r.id == w.id))
                .count();
        }
    }
    assert!(
        in_two_lists > 0,
        "no comment written and answered in one interval"
    );
}
