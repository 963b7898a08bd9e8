//! Comments that follow the text: placing quotes in later versions of the
//! demo and of the sample oplæg after realistic edits, the writers'
//! confirmations and re-attachments, checked through the library, the
//! command line and plain git.

mod common;

use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;

use common::{MEMBER, MEMBER2, WRITER, Ws, toml_get, toml_str};
use oplaeg::anchor::{Anchorer, Fate, Placement, WrittenOn};
use oplaeg::model::{Comment, Workspace};
use oplaeg::ops::NewTarget;
use oplaeg::store::{Rev, Store};
use oplaeg::text::searchable_text;
use serde_json::Value;

/// Every quoting comment of `comments` placed in `target`, by quote.
fn places(store: &Store, target: &Workspace, comments: &[Comment]) -> HashMap<String, Placement> {
    let mut anchorer = Anchorer::new(store, target);
    let mut out = HashMap::new();
    for c in comments {
        let Some(p) = anchorer.place(c) else { continue };
        let slug = c.target.chapter.as_deref().unwrap();
        let text = searchable_text(&target.chapter(slug).unwrap().markdown);
        if let (Some(span), Some(t)) = (&p.span, &p.text) {
            assert_eq!(&text[span.clone()], t, "span and text of {}", c.id);
        }
        out.insert(c.target.anchor.as_ref().unwrap().quote.clone(), p);
    }
    out
}

#[track_caller]
fn fuzzy_on(p: &Placement, words: &str) -> f64 {
    let Fate::Fuzzy { score } = p.fate else {
        panic!("not fuzzy: {p:?}")
    };
    assert_eq!(p.text.as_deref(), Some(words));
    assert!(score > 0.6 && score < 1.0, "{score}");
    score
}

// Quotes of the demo's history (demo/history.toml) and what the chapter
// revisions (demo/revisions/) made of them.
const RM_PRAEMISSER: &str = "Præmisserne er udledt af de udfordringer, som vidensafdækningen har peget på, og af drøftelserne i følgegruppen.";
const KL_REHAB: &str = "Kommunerne varetager hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
const RM_INTERNATIONAL: &str = "Sammenlignet med de øvrige nordiske lande har Danmark haft en lavere overlevelse efter kræft, men forskellen er blevet mindre gennem de seneste tyve år.";
const DR_AI_DATA: &str = "Gode løsninger baseret på kunstig intelligens forudsætter adgang til store mængder data af høj kvalitet.";
const RH_AI_ALLE_LED: &str = "Kunstig intelligens forventes på sigt at kunne aflaste personalet i alle led af kræftforløbet.";
const KB_ULIGHED: &str = "Kræft rammer ikke alle lige, og borgere med kort uddannelse har både højere forekomst af flere kræftformer og dårligere overlevelse.";
const KB_PREHAB_GEOGRAFI: &str = "Tilbuddene er i dag spredte, og om patienten får et tilbud, afhænger i høj grad af det enkelte sygehus.";
const RM_KAPACITET: &str = "Kapaciteten er presset, og manglen på sundhedspersonale vil ikke kunne løses inden for kræftplanens periode.";

fn demo() -> (tempfile::TempDir, Store) {
    let (tmp, root) = common::tui::demo_in_tempdir();
    let store = Store::open(&root).unwrap();
    (tmp, store)
}

#[test]
fn the_demos_comments_follow_its_revisions() {
    let (_tmp, store) = demo();
    for rev in ["HEAD", "meeting/4"] {
        let ws = store.load(&Rev::Named(rev.into())).unwrap();
        let p = places(&store, &ws, &ws.comments);
        fuzzy_on(
            &p[RM_PRAEMISSER],
            "Præmisserne er udledt af de væsentligste udfordringer, som vidensafdækningen har peget på, og af drøftelserne i følgegruppen.",
        );
        fuzzy_on(
            &p[KL_REHAB],
            "Kommunerne varetager langt hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.",
        );
        fuzzy_on(
            &p[RM_INTERNATIONAL],
            "Sammenlignet med de øvrige nordiske lande har Danmark haft en lavere overlevelse efter kræft, men forskellen er blevet markant mindre gennem de seneste tyve år.",
        );
        fuzzy_on(
            &p[DR_AI_DATA],
            "Gode løsninger baseret på kunstig intelligens forudsætter adgang til tilstrækkelige mængder data af høj kvalitet.",
        );
        // Deleted from the chapter's introduction: nothing to fall back to.
        assert_eq!(p[RH_AI_ALLE_LED].fate, Fate::Orphaned);
        assert_eq!(p[RH_AI_ALLE_LED].span, None);
        // Unchanged, but a new paragraph and the heading «Ulighed i kræft»
        // now stand before it.
        assert_eq!(p[KB_ULIGHED].fate, Fate::Moved);
        assert_eq!(p[KB_ULIGHED].text.as_deref(), Some(KB_ULIGHED));
        // The ændringsforslag the writers applied added words after the
        // quote's: it is placed on the quoted words that still stand.
        fuzzy_on(
            &p[KB_PREHAB_GEOGRAFI],
            "Tilbuddene er i dag spredte, og om patienten får et tilbud, afhænger i høj grad af det enkelte sygehus",
        );
        // Everything else in the demo is unchanged.
        let special = [
            RM_PRAEMISSER,
            KL_REHAB,
            RM_INTERNATIONAL,
            DR_AI_DATA,
            RH_AI_ALLE_LED,
            KB_ULIGHED,
            KB_PREHAB_GEOGRAFI,
        ];
        let rest: Vec<_> = p
            .iter()
            .filter(|(q, _)| !special.contains(&q.as_str()))
            .collect();
        assert!(rest.len() >= 2, "{rev}: {rest:?}");
        for (q, place) in rest {
            assert_eq!(place.fate, Fate::Exact, "{rev}: {q}");
            assert_eq!(place.text.as_deref(), Some(q.as_str()));
        }
    }
}

/// An anchorer that forgets each chapter's versions after every comment
/// (as `oplaeg diff` does after each chapter's comments) places every
/// comment as one that keeps them all.
#[test]
fn a_chapter_forgotten_is_placed_the_same_again() {
    let (_tmp, store) = demo();
    // HEAD's comments, placed on HEAD and on the older drafts.
    let comments = store.load(&Rev::Named("HEAD".into())).unwrap().comments;
    for rev in ["HEAD", "meeting/4", "meeting/3"] {
        let ws = store.load(&Rev::Named(rev.into())).unwrap();
        let mut keeping = Anchorer::without_cache(&store, &ws);
        let mut forgetting = Anchorer::without_cache(&store, &ws);
        let mut placed = 0;
        // Twice over: the second round places on chapters forgotten.
        for c in comments.iter().chain(&comments) {
            let kept = keeping.place(c);
            let again = forgetting.place(c);
            assert_eq!(again, kept, "{rev}: {}", c.id);
            placed += usize::from(kept.is_some());
            if let Some(slug) = &c.target.chapter {
                forgetting.done_with(slug);
            }
        }
        assert!(placed >= 10, "{rev}: only {placed} placed");
        assert_eq!(forgetting.used().placed, keeping.used().placed);
    }
}

#[test]
fn placed_the_same_from_a_version_in_hand_and_with_commits_shared() {
    // As `oplaeg diff` places: the diff's other side in hand (a comment
    // written on one of its chapter files needs no read of git) and the
    // written-on commits looked up once for anchorers on several threads.
    let (_tmp, store) = demo();
    let comments = store.load(&Rev::Named("HEAD".into())).unwrap().comments;
    let revs = ["HEAD", "meeting/4", "meeting/3"];
    let loaded: Vec<Workspace> = revs
        .iter()
        .map(|r| store.load(&Rev::Named((*r).into())).unwrap())
        .collect();
    let shared = Arc::new(WrittenOn::default());
    let mut saved = 0;
    for (k, target) in loaded.iter().enumerate() {
        for (j, other) in loaded.iter().enumerate().filter(|(j, _)| *j != k) {
            let mut alone = Anchorer::without_cache(&store, target);
            let mut helped = Anchorer::without_cache(&store, target)
                .knowing(other)
                .sharing(shared.clone());
            for c in &comments {
                let p = helped.place(c);
                assert_eq!(
                    p,
                    alone.place(c),
                    "{} knowing {}: {}",
                    revs[k],
                    revs[j],
                    c.id
                );
            }
            assert_eq!(helped.used(), alone.used());
            assert!(helped.files_read() <= alone.files_read());
            saved += alone.files_read() - helped.files_read();
        }
    }
    assert!(saved > 0, "no comment was placed from a version in hand");
}

#[test]
fn a_quote_twice_in_the_version_in_hand_is_not_taken_on_trust() {
    // The version a comment was written on had its quote twice: in the
    // paragraph commented on and in a paragraph at the end. Then the first
    // is deleted and the last rewritten so that the quote there has the
    // whole context of the one commented on. Taking the quote with its
    // context on trust would put the comment there; the comparison says
    // those words stood there already. The same with that version in hand
    // (as `oplaeg diff` has its FROM) as when its file is read from git.
    let ws = sample();
    let slug = "rehabilitering";
    let file = "drafts/05-rehabilitering.md";
    let md = chapter(&ws, slug);
    let id = comment_on(&ws, MEMBER2, slug, KL_REHAB);
    let quote = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let later = format!("Derfor gælder det fortsat: {quote} Det skal følges nøje.");
    let commit = |text: &str, date: &str, message: &str| {
        ws.write(file, text);
        ws.git_commit_all_as(common::WRITER_NAME, WRITER, date, message)
    };
    let twice = format!("{}\n\n{later}\n", md.trim_end());
    let written_on = commit(
        &twice,
        "2024-08-01T10:00:00+02:00",
        "Pointen gentaget til sidst",
    );
    let start = md.find(quote).expect("the quote");
    let end = start + md[start..].find("\n\n").expect("a paragraph");
    let rewritten = format!(
        "Almen praksis har en rolle i at opfange behov, som opstår efter endt behandling, og i at \
         henvise videre. {quote} Genoptræningsplaner og henvisninger indeholder ikke altid \
         tilstrækkelige oplysninger."
    );
    let edited = format!(
        "{}{}\n\n{rewritten}\n",
        &md[..start],
        md[end + 2..].trim_end()
    );
    let now = commit(
        &edited,
        "2024-08-02T10:00:00+02:00",
        "Afsnittet om overgangen skrevet om",
    );
    let store = ws.store();
    let in_hand = store.load(&Rev::Named(written_on.clone())).unwrap();
    let target = store.load(&Rev::Named(now)).unwrap();
    let text = searchable_text(&twice);
    let at = text.find(quote).expect("the quote");
    let mut c = target.comment(&id).unwrap().clone();
    c.target.anchor = Some(
        oplaeg::anchor::anchor_at(&text, at..at + quote.len(), &written_on).expect("an anchor"),
    );
    let new_text = searchable_text(&edited);
    assert_eq!(new_text.matches(quote).count(), 1);
    let a = c.target.anchor.as_ref().unwrap();
    assert!(!a.unique, "the quote stood twice where it was written");
    assert!(new_text.contains(&format!("{}{quote}{}", a.before, a.after)));

    let mut alone = Anchorer::without_cache(&store, &target);
    let read = alone.place(&c).expect("a quote");
    assert_eq!(
        read.fate,
        Fate::Section {
            heading: "Opgavefordeling mellem sektorerne".into()
        }
    );
    assert_eq!(
        alone.files_read(),
        1,
        "the file read once, to count and to compare"
    );
    let mut helped = Anchorer::without_cache(&store, &target).knowing(&in_hand);
    assert_eq!(helped.place(&c), Some(read.clone()));
    assert_eq!(helped.files_read(), 0);

    // A version loaded without the chapter's text (as the diff loads
    // unchanged chapters) is no text of that file: it is read.
    let mut textless = in_hand.clone();
    for ch in &mut textless.chapters {
        ch.markdown.clear();
    }
    let mut unhelped = Anchorer::without_cache(&store, &target).knowing(&textless);
    assert_eq!(unhelped.place(&c), Some(read));
    assert_eq!(unhelped.files_read(), alone.files_read());
}

#[test]
fn a_quote_recorded_as_once_is_placed_without_reading_where_it_was_written() {
    // A comment written through oplaeg records that its quote stood once
    // in the version it was written on (the only quotes it accepts).
    // Placed in a later version where the quote stands with all its
    // context, it is exact without that version's commit or chapter file
    // being read to count the quote again; the same as counting says.
    let ws = sample();
    let slug = "rehabilitering";
    let id = comment_on(&ws, MEMBER2, slug, KL_REHAB);
    let file = comment_file(&ws, &id);
    assert_eq!(toml_str(&file, "target.anchor.quote"), KL_REHAB);
    assert_eq!(
        toml_get(&file, "target.anchor.unique").as_bool(),
        Some(true)
    );
    // Another paragraph added at the end: a new file, the quote untouched.
    let md = chapter(&ws, slug);
    ws.session(WRITER)
        .revise_chapter(
            slug,
            &format!("{}\n\nEt nyt afsnit til sidst i kapitlet.\n", md.trim_end()),
            "Kapitel 5: et afsnit mere",
        )
        .unwrap();
    let store = ws.store();
    let head = store.load(&Rev::head()).unwrap();
    let c = head.comment(&id).unwrap().clone();
    let mut recorded = Anchorer::without_cache(&store, &head);
    let p = recorded.place(&c).expect("a quote");
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(KL_REHAB));
    assert_eq!(recorded.files_read(), 0, "nothing read to count the quote");
    // The same anchor without the record (as in files written before it
    // was kept) is counted in the file it was written on: one read.
    let mut unrecorded = c.clone();
    unrecorded.target.anchor.as_mut().unwrap().unique = false;
    let mut counting = Anchorer::without_cache(&store, &head);
    assert_eq!(counting.place(&unrecorded), Some(p));
    assert_eq!(counting.files_read(), 1);

    // Every comment of the demo (written as members write them) placed on
    // HEAD and two meetings' drafts: the same with the record as counted.
    let (_tmp, store) = demo();
    let comments = store.load(&Rev::head()).unwrap().comments;
    let recorded_quotes = comments
        .iter()
        .filter(|c| c.target.anchor.as_ref().is_some_and(|a| a.unique))
        .count();
    assert!(recorded_quotes > 10, "{recorded_quotes}");
    let unrecorded: Vec<Comment> = comments
        .iter()
        .cloned()
        .map(|mut c| {
            if let Some(a) = c.target.anchor.as_mut() {
                a.unique = false;
            }
            c
        })
        .collect();
    let mut saved = 0;
    for rev in ["HEAD", "meeting/4", "meeting/3"] {
        let target = store.load(&Rev::Named(rev.into())).unwrap();
        let mut recorded = Anchorer::without_cache(&store, &target);
        let mut counting = Anchorer::without_cache(&store, &target);
        for (c, u) in comments.iter().zip(&unrecorded) {
            assert_eq!(recorded.place(c), counting.place(u), "{rev}: {}", c.id);
        }
        assert!(recorded.files_read() <= counting.files_read());
        saved += counting.files_read() - recorded.files_read();
    }
    assert!(saved > 0, "no read was saved by the record");
}

#[test]
fn placed_back_onto_an_older_draft() {
    // The comments of today placed on the draft sent for meeting 3: the
    // ones written then are exact, and a quote from a sentence added later
    // stands nowhere in it.
    let (_tmp, store) = demo();
    let head = store.load(&Rev::head()).unwrap();
    let m3 = store.load(&Rev::Named("meeting/3".into())).unwrap();
    let p = places(&store, &m3, &head.comments);
    assert_eq!(p[RM_PRAEMISSER].fate, Fate::Exact);
    assert_eq!(p[RH_AI_ALLE_LED].fate, Fate::Exact);
    assert_eq!(p[KB_ULIGHED].fate, Fate::Exact);
    assert!(!p[RM_KAPACITET].fate.is_placed(), "{:?}", p[RM_KAPACITET]);
}

/// The sample oplæg's chapter 5 (rehabilitering) as committed.
fn sample() -> Ws {
    Ws::with_files(&oplaeg::demo::sample_files())
}

fn chapter(ws: &Ws, slug: &str) -> String {
    ws.load_head().chapter(slug).unwrap().markdown.clone()
}

fn comment_on(ws: &Ws, who: &str, chapter: &str, quote: &str) -> String {
    ws.session(who)
        .add_comment(
            NewTarget::Chapter {
                chapter: chapter.into(),
                quote: Some(quote.into()),
            },
            "En kommentar til netop denne sætning.",
        )
        .unwrap()
        .id
}

fn place_now(ws: &Ws, id: &str) -> Placement {
    let store = ws.store();
    let head = store.load(&Rev::head()).unwrap();
    let c = head.comment(id).unwrap();
    Anchorer::new(&store, &head).place(c).expect("a quote")
}

#[track_caller]
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "«{from}» must occur once");
    text.replace(from, to)
}

#[test]
fn realistic_edits_of_the_sample() {
    let ws = sample();
    let slug = "rehabilitering";
    let md = chapter(&ws, slug);
    let reworded = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let untouched =
        "Mange patienter giver udtryk for, at de selv må finde vej til de tilbud, der findes.";
    let deleted = "Den korte tid mellem diagnose og operation, som pakkeforløbene sikrer, er en udfordring for prehabilitering.";
    let split = "Nogle klarer sig med råd og vejledning, mens andre har brug for et længerevarende og tværfagligt forløb.";
    let ids: Vec<String> = [reworded, untouched, deleted, split]
        .iter()
        .map(|q| comment_on(&ws, MEMBER2, slug, q))
        .collect();

    // The writer rewords one sentence, splits another, deletes a third
    // under its heading, and puts a new section in the middle.
    let mut new = replace_once(
        &md,
        reworded,
        "Overgangen fra sygehus til kommune er fortsat et sårbart punkt.",
    );
    new = replace_once(
        &new,
        split,
        "Nogle klarer sig med råd og vejledning. Andre har brug for et længerevarende og tværfagligt forløb.",
    );
    new = replace_once(&new, &format!("{deleted} "), "");
    new = replace_once(
        &new,
        "## Prehabilitering",
        "## Data om rehabilitering\n\nDer mangler nationale data om henvisning og deltagelse.\n\n## Prehabilitering",
    );
    ws.session(WRITER)
        .revise_chapter(slug, &new, "Kapitel 5: sproglige rettelser")
        .unwrap();

    fuzzy_on(
        &place_now(&ws, &ids[0]),
        "Overgangen fra sygehus til kommune er fortsat et sårbart punkt.",
    );
    let p = place_now(&ws, &ids[1]);
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(untouched));
    assert_eq!(
        place_now(&ws, &ids[2]).fate,
        Fate::Section {
            heading: "Prehabilitering".into()
        }
    );
    let p = place_now(&ws, &ids[3]);
    fuzzy_on(
        &p,
        "Nogle klarer sig med råd og vejledning. Andre har brug for et længerevarende og tværfagligt forløb.",
    );
}

#[test]
fn a_renumbered_chapter_keeps_its_history() {
    // The chapter is renumbered by hand with plain git and the quoted
    // sentence rewritten heavily: only the history (found by the chapter's
    // slug, not its file name) tells that the rewrite is where the quote was.
    let ws = sample();
    let id = comment_on(&ws, MEMBER2, "rehabilitering", KL_REHAB);
    let rewritten = "Kommunerne står for størstedelen af de rehabiliterende tilbud, når patienten er udskrevet.";
    let md = replace_once(&chapter(&ws, "rehabilitering"), KL_REHAB, rewritten);
    ws.git(&[
        "mv",
        "drafts/05-rehabilitering.md",
        "drafts/07-rehabilitering.md",
    ]);
    ws.write("drafts/07-rehabilitering.md", &md);
    ws.git_commit_all_as(
        common::WRITER_NAME,
        WRITER,
        "2024-08-01T10:00:00+02:00",
        "Kapitel 5 bliver kapitel 7",
    );
    let head = ws.load_head();
    assert_eq!(head.chapter("rehabilitering").unwrap().number, 7);
    let p = place_now(&ws, &id);
    let Fate::Fuzzy { score } = p.fate else {
        panic!("{p:?}")
    };
    assert_eq!(p.text.as_deref(), Some(rewritten));
    assert!(score < oplaeg::anchor::FAR_MIN_WITH_CONTEXT, "{score}");
    // Without the history the same words would not be accepted.
    let anchor = head.comment(&id).unwrap().target.anchor.clone().unwrap();
    let alone = oplaeg::anchor::place_in(&anchor, None, &md);
    assert!(!matches!(alone.fate, Fate::Fuzzy { .. }), "{alone:?}");
}

#[test]
fn a_look_alike_sentence_does_not_capture_the_comment() {
    let ws = sample();
    let slug = "rehabilitering";
    let md = chapter(&ws, slug);
    let id = comment_on(&ws, MEMBER2, slug, KL_REHAB);
    // The writers delete the sentence, and a new section elsewhere says
    // something that looks much like it.
    let look_alike = "Regionerne varetager hovedparten af de specialiserede indsatser, når patienten er indlagt på sygehuset.";
    let mut new = replace_once(&md, &format!("{KL_REHAB} "), "");
    new.push_str(&format!(
        "\n## Sygehusene\n\n{look_alike} Det gælder især komplekse forløb.\n"
    ));
    ws.session(WRITER)
        .revise_chapter(slug, &new, "Kapitel 5: opgavefordelingen beskrevet på ny")
        .unwrap();
    let p = place_now(&ws, &id);
    assert_eq!(
        p.fate,
        Fate::Section {
            heading: "Opgavefordeling mellem sektorerne".into()
        }
    );
    assert_eq!(p.text, None);
    assert!(oplaeg::anchor::similarity(KL_REHAB, look_alike) > 0.6);
}

/// The comment file at HEAD, parsed.
fn comment_file(ws: &Ws, id: &str) -> toml::Table {
    ws.show("HEAD", &format!("comments/{id}.toml"))
        .parse()
        .unwrap()
}

#[test]
fn confirmations_and_reattachments_are_recorded_and_hold() {
    let ws = sample();
    let slug = "rehabilitering";
    let md = chapter(&ws, slug);
    let written_on = ws.head();
    let id = comment_on(&ws, MEMBER2, slug, KL_REHAB);
    let edited = "Kommunerne varetager langt hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
    ws.session(WRITER)
        .revise_chapter(
            slug,
            &replace_once(&md, KL_REHAB, edited),
            "Kapitel 5: rettelse",
        )
        .unwrap();
    fuzzy_on(&place_now(&ws, &id), edited);

    // Members may not decide; refused with nothing written.
    let member = ws.session(MEMBER);
    let e = ws.refused(|| member.confirm_anchor(&id));
    assert!(matches!(e, oplaeg::Error::Forbidden { .. }), "{e}");

    // The writer confirms: one commit by the writer, only the comment's file.
    let before = ws.head();
    let s = ws.session_at(WRITER, "2024-08-20T10:00:00+02:00");
    s.confirm_anchor(&id[..8]).unwrap();
    assert_eq!(ws.git(&["rev-parse", "HEAD~1"]).trim(), before);
    assert_eq!(
        ws.changed_files("HEAD"),
        vec![format!("M\tcomments/{id}.toml")]
    );
    assert_eq!(ws.log1("%ae", "HEAD").trim(), WRITER);
    let subject = ws.log1("%s", "HEAD");
    assert!(
        subject.starts_with("Citat bekræftet for kommentar fra KL til kapitel"),
        "{subject}"
    );
    let file = comment_file(&ws, &id);
    assert_eq!(toml_str(&file, "target.anchor.quote"), edited);
    assert_eq!(toml_str(&file, "target.anchor.commit"), before);
    // The words confirmed stand once in that version, and the file says so.
    assert_eq!(
        toml_get(&file, "target.anchor.unique").as_bool(),
        Some(true)
    );
    let history = toml_get(&file, "target.anchor.history").as_array().unwrap();
    assert_eq!(history.len(), 1);
    let h = history[0].as_table().unwrap();
    assert_eq!(h["change"].as_str(), Some("confirmed"));
    assert_eq!(h["quote"].as_str(), Some(KL_REHAB));
    assert_eq!(h["commit"].as_str(), Some(written_on.as_str()));
    assert_eq!(h["by"].as_str(), Some(WRITER));
    assert_eq!(place_now(&ws, &id).fate, Fate::Exact);
    // Nothing left to confirm.
    let e = ws.refused(|| s.confirm_anchor(&id));
    assert!(e.to_string().contains("uændret"), "{e}");

    // A later version edits elsewhere: the confirmed words hold.
    let md = chapter(&ws, slug);
    let later = replace_once(&md, "behovet varierer betydeligt", "behovet varierer meget");
    ws.session(WRITER)
        .revise_chapter(slug, &later, "Kapitel 5: endnu en rettelse")
        .unwrap();
    let p = place_now(&ws, &id);
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(edited));

    // The sentence is deleted; the writer attaches the comment elsewhere.
    let md = chapter(&ws, slug);
    ws.session(WRITER)
        .revise_chapter(
            slug,
            &replace_once(&md, &format!("{edited} "), ""),
            "Kapitel 5: sætning udgået",
        )
        .unwrap();
    assert!(!place_now(&ws, &id).fate.is_placed());
    let e = ws.refused(|| s.confirm_anchor(&id));
    assert!(e.to_string().contains("--quote"), "{e}");
    let e = ws.refused(|| s.reattach_anchor(&id, "findes ikke i kapitlet"));
    assert!(matches!(e, oplaeg::Error::QuoteNotFound { .. }), "{e}");
    let new_words = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    s.reattach_anchor(&id, new_words).unwrap();
    let subject = ws.log1("%s", "HEAD");
    assert!(
        subject.starts_with("Kommentar fra KL knyttet til ny tekst i kapitel"),
        "{subject}"
    );
    let file = comment_file(&ws, &id);
    assert_eq!(toml_str(&file, "target.anchor.quote"), new_words);
    let history = toml_get(&file, "target.anchor.history").as_array().unwrap();
    let kinds: Vec<&str> = history
        .iter()
        .map(|h| h["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["confirmed", "reattached"]);
    assert_eq!(history[1]["quote"].as_str(), Some(edited));
    // The comment's own words and answer are untouched.
    assert_eq!(
        toml_str(&file, "body"),
        "En kommentar til netop denne sætning."
    );

    // And it holds for a version after that.
    let md = chapter(&ws, slug);
    ws.session(WRITER)
        .revise_chapter(
            slug,
            &format!("{md}\n## Nyt\n\nEn ny sidste tekst.\n"),
            "Kapitel 5: nyt afsnit",
        )
        .unwrap();
    let p = place_now(&ws, &id);
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(new_words));
    ws.assert_clean();
}

#[test]
fn only_quoting_comments_can_be_moved() {
    let ws = sample();
    let s = ws.session(WRITER);
    let whole = s
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: None,
            },
            "Om hele kapitlet.",
        )
        .unwrap();
    let e = ws.refused(|| s.reattach_anchor(&whole.id, KL_REHAB));
    assert!(e.to_string().contains("hele kapitlet"), "{e}");
    let id = comment_on(&ws, MEMBER2, "rehabilitering", KL_REHAB);
    let reply = ws.session(MEMBER).reply(&id, "Enig.").unwrap();
    let e = ws.refused(|| s.confirm_anchor(&reply.id));
    assert!(e.to_string().contains("svar"), "{e}");
    let e = ws.refused(|| s.reattach_anchor(&id, KL_REHAB));
    assert!(e.to_string().contains("allerede"), "{e}");
}

// ---------------------------------------------------------------------------
// The command line.

fn oplaeg(ws: &Ws, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    for (k, v) in common::isolated_env(&ws.home) {
        c.env(k, v);
    }
    c.env_remove("OPLAEG_AUTHOR")
        .env("LANG", "da_DK.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--repo")
        .arg(&ws.root)
        .args(args)
        .output()
        .unwrap()
}

#[track_caller]
fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_command_line_shows_fates_and_records_decisions() {
    let ws = sample();
    let slug = "rehabilitering";
    let md = chapter(&ws, slug);
    let id = comment_on(&ws, MEMBER2, slug, KL_REHAB);
    let edited = "Kommunerne varetager langt hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
    ws.session(WRITER)
        .revise_chapter(
            slug,
            &replace_once(&md, KL_REHAB, edited),
            "Kapitel 5: rettelse",
        )
        .unwrap();

    let list = ok(oplaeg(&ws, &["comment", "list", "--chapter", slug]));
    assert!(list.contains("[tilnærmet"), "{list}");
    let json: Value = serde_json::from_str(&ok(oplaeg(
        &ws,
        &["--format", "json", "comment", "show", &id],
    )))
    .unwrap();
    assert_eq!(json[0]["placement"]["fate"]["kind"], "fuzzy");
    assert_eq!(json[0]["placement"]["text"], edited);
    assert!(json[0]["placement"]["fate"]["score"].as_f64().unwrap() > 0.9);
    let show = ok(oplaeg(&ws, &["comment", "anchor", &id]));
    assert!(
        show.contains("tilnærmet") && show.contains(edited),
        "{show}"
    );
    assert!(show.contains("--confirm"), "{show}");

    // A member is refused with the reason; nothing is written.
    let head = ws.head();
    let out = oplaeg(
        &ws,
        &["--as", MEMBER, "comment", "anchor", &id, "--confirm"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skribenter"));
    assert_eq!(ws.head(), head);

    ok(oplaeg(
        &ws,
        &["--as", WRITER, "comment", "anchor", &id, "--confirm"],
    ));
    assert_eq!(
        ws.changed_files("HEAD"),
        vec![format!("M\tcomments/{id}.toml")]
    );
    let json: Value = serde_json::from_str(&ok(oplaeg(
        &ws,
        &["--format", "json", "comment", "anchor", &id],
    )))
    .unwrap();
    assert_eq!(json["placement"]["fate"]["kind"], "exact");
    assert_eq!(json["target"]["anchor"]["quote"], edited);
    assert_eq!(json["target"]["anchor"]["history"][0]["quote"], KL_REHAB);

    let out = oplaeg(
        &ws,
        &[
            "--as",
            WRITER,
            "comment",
            "anchor",
            &id,
            "--quote",
            "Indsatsen omfatter både fysiske, psykiske og sociale forhold, og behovet varierer betydeligt fra patient til patient.",
        ],
    );
    ok(out);
    let file = comment_file(&ws, &id);
    assert_eq!(
        toml_str(&file, "target.anchor.quote"),
        "Indsatsen omfatter både fysiske, psykiske og sociale forhold, og behovet varierer betydeligt fra patient til patient."
    );
    let list = ok(oplaeg(&ws, &["comment", "list", "--chapter", slug]));
    assert!(!list.contains('['), "all exact now: {list}");
}
