//! Unit and property tests of the matcher, on Markdown texts without git.

use super::*;
use crate::text::searchable_text;
use proptest::prelude::*;

/// The anchor `ops::anchor_in` would write for `quote` in `markdown`.
fn anchor(markdown: &str, quote: &str) -> Anchor {
    crate::ops::anchor_in("T", markdown, quote, "c1").expect("quote occurs once")
}

fn placed(old: &str, quote: &str, new: &str) -> Placement {
    let a = anchor(old, quote);
    let p = place_in(&a, Some(old), new);
    check_span(&p, new);
    p
}

/// A placement's span is on character boundaries and its text is the span's.
fn check_span(p: &Placement, new_markdown: &str) {
    let text = searchable_text(new_markdown);
    match (&p.span, &p.text) {
        (Some(span), Some(t)) => {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert!(span.start < span.end && span.end <= text.len(), "{span:?}");
            assert_eq!(&text[span.clone()], t);
            assert!(p.fate.is_placed());
        }
        (None, None) => assert!(!p.fate.is_placed()),
        other => panic!("span and text disagree: {other:?}"),
    }
}

fn score(p: &Placement) -> f64 {
    match p.fate {
        Fate::Fuzzy { score } => score,
        _ => panic!("not fuzzy: {p:?}"),
    }
}

const CH: &str = "# Rehabilitering

Rehabilitering skal hjælpe patienten til et godt liv under og efter kræft. Behovet varierer fra patient til patient.

## Opgavefordeling

Sygehusene har ansvaret under indlæggelsen. Kommunerne varetager hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset. Almen praksis opfanger behov, der opstår senere.

Overgangen mellem sygehus og kommune er et sårbart punkt. Mange patienter må selv finde vej til tilbuddene.

## Prehabilitering

Prehabilitering styrker patienten før behandlingen. Tilbuddene er spredte og afhænger af det enkelte sygehus.
";

const QUOTE: &str = "Kommunerne varetager hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";

#[test]
fn the_same_version_is_exact() {
    let p = placed(CH, QUOTE, CH);
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(QUOTE));
}

#[test]
fn edits_elsewhere_keep_it_exact() {
    let new = CH
        .replace(
            "Behovet varierer fra patient til patient.",
            "Behovet varierer meget.",
        )
        .replace("Tilbuddene er spredte", "Tilbuddene er i dag spredte")
        + "\n## Nyt afsnit\n\nEn helt ny tekst om noget andet.\n";
    let p = placed(CH, QUOTE, &new);
    assert_eq!(p.fate, Fate::Exact);
    assert_eq!(p.text.as_deref(), Some(QUOTE));
}

#[test]
fn new_text_right_before_it_makes_it_moved() {
    // A new heading and paragraph before the quote's paragraph, the quote
    // being the paragraph's first sentence: the words are unchanged, the
    // text before them is not.
    let old = "# T\n\nFørste afsnit slutter her med nogle ord.\n\nKræft rammer ikke alle lige, og borgere med kort uddannelse har dårligere overlevelse. Ulighed ses også geografisk.\n";
    let new = "# T\n\nFørste afsnit slutter her med nogle ord.\n\nEt helt nyt afsnit om forebyggelse, som står her nu.\n\n## Ulighed i kræft\n\nKræft rammer ikke alle lige, og borgere med kort uddannelse har dårligere overlevelse. Ulighed ses også geografisk.\n";
    let q =
        "Kræft rammer ikke alle lige, og borgere med kort uddannelse har dårligere overlevelse.";
    let p = placed(old, q, new);
    assert_eq!(p.fate, Fate::Moved);
    assert_eq!(p.text.as_deref(), Some(q));
}

#[test]
fn new_text_next_to_it_in_the_same_section_keeps_it_exact() {
    // A sentence added right after the quote, and one right before another
    // quote: both stay where they were, under the same heading.
    let after = "Mange patienter må selv finde vej til tilbuddene.";
    let new = CH.replace(after, &format!("{after} Det gælder især ældre patienter."));
    let p = placed(CH, after, &new);
    assert_eq!(p.fate, Fate::Exact);
    let new = CH.replace(QUOTE, &format!("Det er nyt. {QUOTE}"));
    assert_eq!(placed(CH, QUOTE, &new).fate, Fate::Exact);
    // The same words among other text on both sides: moved.
    let q = "Behovet varierer fra patient til patient.";
    let new = CH.replace(&format!(" {q}"), "").replace(
        "Tilbuddene er spredte",
        &format!("Før. {q} Efter. Tilbuddene er spredte"),
    );
    assert_eq!(placed(CH, q, &new).fate, Fate::Moved);
}

#[test]
fn a_moved_paragraph_is_moved() {
    let moved = CH.replace(
        "Overgangen mellem sygehus og kommune er et sårbart punkt. Mange patienter må selv finde vej til tilbuddene.\n\n",
        "",
    ) + "\nOvergangen mellem sygehus og kommune er et sårbart punkt. Mange patienter må selv finde vej til tilbuddene.\n";
    let q = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let p = placed(CH, q, &moved);
    assert_eq!(p.fate, Fate::Moved);
    assert_eq!(p.text.as_deref(), Some(q));
    let text = searchable_text(&moved);
    assert!(p.span.unwrap().start > text.find("Prehabilitering styrker").unwrap());
}

#[test]
fn an_inserted_word_is_fuzzy_on_the_edited_sentence() {
    let edited = "Kommunerne varetager langt hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
    let new = CH.replace(QUOTE, edited);
    let p = placed(CH, QUOTE, &new);
    let s = score(&p);
    assert!(s > 0.9 && s < 1.0, "{s}");
    assert_eq!(p.text.as_deref(), Some(edited));
}

#[test]
fn replaced_first_and_last_words_are_inside_the_span() {
    let edited = "Regionerne varetager hovedparten af de rehabiliterende indsatser, når patienten er udskrevet fra hospitalet.";
    let new = CH.replace(QUOTE, edited);
    let p = placed(CH, QUOTE, &new);
    let s = score(&p);
    assert!((NEAR_MIN..0.95).contains(&s), "{s}");
    assert_eq!(p.text.as_deref(), Some(edited));
}

#[test]
fn a_phrase_in_an_edited_sentence_keeps_its_bounds() {
    let old = "# T\n\nGode løsninger forudsætter adgang til store mængder data af høj kvalitet. I dag er data spredt.\n";
    let new = "# T\n\nGode løsninger forudsætter adgang til tilstrækkelige mængder data af høj kvalitet. I dag er data spredt.\n";
    let p = placed(old, "adgang til store mængder data", new);
    assert!(score(&p) > 0.6);
    assert_eq!(
        p.text.as_deref(),
        Some("adgang til tilstrækkelige mængder data")
    );
}

#[test]
fn a_look_alike_elsewhere_does_not_capture_a_deleted_quote() {
    // The quoted sentence is deleted; another paragraph says something
    // similar with different words in places. The comment must not jump there.
    let look_alike = "Regionerne varetager hovedparten af de specialiserede indsatser, når patienten er indlagt på sygehuset.";
    let old = CH.replace(
        "Prehabilitering styrker patienten før behandlingen.",
        &format!("Prehabilitering styrker patienten før behandlingen. {look_alike}"),
    );
    let new = old.replace(&format!("{QUOTE} "), "");
    assert!(!searchable_text(&new).contains(QUOTE));
    let sim = similarity(QUOTE, look_alike);
    assert!(sim > 0.6, "the look-alike must really look alike: {sim}");
    let p = placed(&old, QUOTE, &new);
    assert_eq!(
        p.fate,
        Fate::Section {
            heading: "Opgavefordeling".into()
        }
    );
}

/// The anchor for the `n`th occurrence of `quote` in `markdown` (as the
/// reader writes it from a selection, which need not be unique).
fn anchor_nth(markdown: &str, quote: &str, n: usize) -> Anchor {
    let text = searchable_text(markdown);
    let start = text
        .match_indices(quote)
        .nth(n)
        .map(|(i, _)| i)
        .expect("the quote occurs");
    anchor_at(&text, start..start + quote.len(), "c1").expect("not empty")
}

#[test]
fn a_look_alike_that_stood_there_already_never_receives_a_deleted_quote() {
    // The old version already had a sentence like the quote (or the very
    // same sentence) elsewhere; the quoted one is deleted. The comparison
    // maps the look-alike from its own old place, so it is not where the
    // quoted words went, however alike.
    for look_alike in [
        QUOTE.to_string(),
        QUOTE.replace("hovedparten", "størstedelen"),
        QUOTE.replace("hovedparten af de rehabiliterende", "en stor del af de"),
    ] {
        for place in [
            // Right where the comparison puts the deleted words…
            "Overgangen mellem sygehus og kommune er et sårbart punkt.",
            // …and in another section.
            "Prehabilitering styrker patienten før behandlingen.",
        ] {
            let old = CH.replace(place, &format!("{look_alike} {place}"));
            let new = old.replacen(&format!("{QUOTE} "), "", 1);
            let a = anchor_nth(&old, QUOTE, 0);
            let p = place_in(&a, Some(&old), &new);
            check_span(&p, &new);
            assert!(!p.fate.is_placed(), "{look_alike} before {place}: {p:?}");
        }
    }
}

#[test]
fn an_identical_sentence_that_gets_the_quotes_context_is_not_it() {
    // The old version had the quoted sentence twice, the quoted one in the
    // paragraph right after the other; that paragraph is deleted. The other
    // copy now has the quote's text around it on both sides, but the
    // comparison says it stood there already: not the quote.
    let twin = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let old = CH.replace(
        "Almen praksis opfanger behov, der opstår senere.",
        &format!("Almen praksis opfanger behov, der opstår senere. {twin}"),
    );
    let new = old.replace(
        &format!("{twin} Mange patienter må selv finde vej til tilbuddene.\n\n"),
        "",
    );
    let a = anchor_nth(&old, twin, 1);
    let p = place_in(&a, Some(&old), &new);
    check_span(&p, &new);
    assert_eq!(
        p.fate,
        Fate::Section {
            heading: "Opgavefordeling".into()
        }
    );
    // Without history the text alone cannot tell, and the words are there.
    assert!(place_in(&a, None, &new).fate.is_placed());
}

#[test]
fn a_clause_of_a_deleted_sentence_is_judged_with_its_sentence() {
    // The quote is a clause; its sentence is deleted and a reworded sentence
    // elsewhere keeps the clause word for word. The clause alone would pass
    // as "the same words elsewhere", its sentence does not.
    let clause = "når patienten er afsluttet på sygehuset";
    let reworded =
        "Opfølgningen ligger derfor i kommunalt regi, når patienten er afsluttet på sygehuset.";
    let new = CH.replace(&format!("{QUOTE} "), "").replace(
        "Tilbuddene er spredte",
        &format!("{reworded} Tilbuddene er spredte"),
    );
    let p = placed(CH, clause, &new);
    assert!(!p.fate.is_placed(), "{p:?}");
    // The same clause in its sentence, moved there whole, is found.
    let moved = CH.replace(&format!("{QUOTE} "), "").replace(
        "Tilbuddene er spredte",
        &format!("{QUOTE} Tilbuddene er spredte"),
    );
    let p = placed(CH, clause, &moved);
    assert_eq!(p.fate, Fate::Moved);
    assert_eq!(p.text.as_deref(), Some(clause));
}

#[test]
fn an_inserted_sentence_repeating_a_short_quote_does_not_take_it() {
    // A short quote opens its sentence; a new sentence opening with the same
    // words is written right before it, so it has the quote's text before
    // it. The comment stays on the words in the sentence it belongs to.
    let q = "Mange patienter";
    for inserted in [
        "Mange patienter savner overblik.",
        "Mange patienter oplever, at de selv skal koordinere.",
    ] {
        let new = CH.replace(
            "Mange patienter må selv",
            &format!("{inserted} Mange patienter må selv"),
        );
        let p = placed(CH, q, &new);
        let text = searchable_text(&new);
        let want = text.find("Mange patienter må selv").expect("still there");
        assert_eq!(p.span, Some(want..want + q.len()), "{inserted}: {p:?}");
        assert!(matches!(p.fate, Fate::Exact | Fate::Moved), "{p:?}");
    }
}

#[test]
fn a_short_quote_edited_in_a_moved_paragraph_is_found_by_its_context() {
    // A typo is fixed in a short quote and its paragraph moves to another
    // section: the words are nearly the same and their context came along.
    let old = CH.replace("et sårbart punkt", "et sårbart pnukt");
    let para = "Overgangen mellem sygehus og kommune er et sårbart punkt. Mange patienter må selv finde vej til tilbuddene.";
    let new = CH.replace(&format!("{para}\n\n"), "") + &format!("\n{para}\n");
    let p = placed(&old, "sårbart pnukt", &new);
    assert!(matches!(p.fate, Fate::Fuzzy { .. }), "{p:?}");
    assert_eq!(p.text.as_deref(), Some("sårbart punkt"));
    // One word changed in a short quote, the paragraph moved: found too.
    let changed = para.replace("kommune er et sårbart", "kommune er et kritisk");
    let new = CH.replace(&format!("{para}\n\n"), "") + &format!("\n{changed}\n");
    let p = placed(CH, "er et sårbart punkt", &new);
    assert!(matches!(p.fate, Fate::Fuzzy { .. }), "{p:?}");
    assert_eq!(p.text.as_deref(), Some("er et kritisk punkt"));
}

#[test]
fn old_text_next_to_a_deleted_quote_is_not_taken_in() {
    // The quoted sentence is deleted; the sentence now where it was stood
    // there before and shares many words with it. It is not the quote.
    let q = "Almen praksis opfanger behov, der opstår senere.";
    let old = CH.replace(
        "Overgangen mellem sygehus og kommune er et sårbart punkt.",
        "Almen praksis opfanger også behov, der opstår under forløbet. Overgangen mellem sygehus og kommune er et sårbart punkt.",
    );
    let new = old.replace(&format!(" {q}"), "");
    let p = placed(&old, q, &new);
    assert!(!p.fate.is_placed(), "{p:?}");
}

#[test]
fn context_chooses_the_edited_quote_over_a_closer_look_alike() {
    // The quote is edited in place; elsewhere a new sentence is closer to
    // the original wording. The context around the edited one wins.
    let edited = "Kommunerne står for en stor del af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
    let look_alike = "Kommunerne varetager hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på hospice.";
    let new = CH.replace(QUOTE, edited).replace(
        "Prehabilitering styrker patienten før behandlingen.",
        &format!("Prehabilitering styrker patienten før behandlingen. {look_alike}"),
    );
    assert!(similarity(QUOTE, look_alike) > similarity(QUOTE, edited));
    let p = placed(CH, QUOTE, &new);
    assert!(matches!(p.fate, Fate::Fuzzy { .. }), "{p:?}");
    assert_eq!(p.text.as_deref(), Some(edited));
}

#[test]
fn a_deleted_quote_falls_back_to_its_section_then_orphaned() {
    let new = CH.replace(&format!("{QUOTE} "), "");
    let p = placed(CH, QUOTE, &new);
    assert_eq!(
        p.fate,
        Fate::Section {
            heading: "Opgavefordeling".into()
        }
    );
    assert_eq!(p.span, None);
    let renamed = new.replace("## Opgavefordeling", "## Sektorerne");
    assert_eq!(placed(CH, QUOTE, &renamed).fate, Fate::Orphaned);
    // In the introduction (under the chapter's title only): orphaned.
    let intro = "Behovet varierer fra patient til patient.";
    let gone = CH.replace(intro, "");
    assert_eq!(placed(CH, intro, &gone).fate, Fate::Orphaned);
}

#[test]
fn a_rewritten_sentence_is_not_forced_onto_new_words() {
    let rewritten = CH.replace(
        QUOTE,
        "Indsatsen efter udskrivelsen er ofte spredt på flere aktører i nærmiljøet.",
    );
    let p = placed(CH, QUOTE, &rewritten);
    assert!(matches!(p.fate, Fate::Section { .. }), "{p:?}");
}

#[test]
fn moved_and_lightly_edited_far_away_is_fuzzy() {
    let q = "Overgangen mellem sygehus og kommune er et sårbart punkt.";
    let para = "Overgangen mellem sygehus og kommune er et sårbart punkt. Mange patienter må selv finde vej til tilbuddene.";
    let new = CH.replace(&format!("{para}\n\n"), "")
        + "\nOvergangen mellem sygehus og kommune er et meget sårbart punkt. Mange patienter må selv finde vej til tilbuddene.\n";
    let p = placed(CH, q, &new);
    assert!(score(&p) >= FAR_MIN_WITH_CONTEXT, "{p:?}");
    assert_eq!(
        p.text.as_deref(),
        Some("Overgangen mellem sygehus og kommune er et meget sårbart punkt.")
    );
}

#[test]
fn without_history_the_text_is_searched_alone() {
    let a = anchor(CH, QUOTE);
    assert_eq!(place_in(&a, None, CH).fate, Fate::Exact);
    let edited = CH.replace("hovedparten", "langt hovedparten");
    let p = place_in(&a, None, &edited);
    assert!(score(&p) > 0.9, "{p:?}");
    check_span(&p, &edited);
    let gone = CH.replace(QUOTE, "");
    assert_eq!(place_in(&a, None, &gone).fate, Fate::Orphaned);
}

#[test]
fn short_quotes_need_context_to_be_found_elsewhere() {
    let old = "# T\n\nDer er kræft i mange familier. Det er en udfordring for alle.\n\nHelt anden tekst her.\n";
    let new =
        "# T\n\nDet er en udfordring for alle.\n\nHelt anden tekst her om kræft i lungerne.\n";
    let p = placed(old, "kræft i mange", new);
    assert!(!p.fate.is_placed(), "{p:?}");
}

#[test]
fn danish_letters_combining_marks_and_emoji_stay_whole() {
    let old =
        "# Ø\n\nPå a\u{30a}rets møder 👍🏽 drøftes æbler og 👨‍👩‍👧 familier. Næste sætning står her.\n";
    let new = "# Ø\n\nPå a\u{30a}rets gode møder 👍🏿 drøftes æbler og 👨‍👩‍👧 familier. Næste sætning står her.\n";
    let q = "På a\u{30a}rets møder 👍🏽 drøftes æbler og 👨‍👩‍👧 familier.";
    let p = placed(old, q, new);
    assert!(matches!(p.fate, Fate::Fuzzy { .. }), "{p:?}");
    assert_eq!(
        p.text.as_deref(),
        Some("På a\u{30a}rets gode møder 👍🏿 drøftes æbler og 👨‍👩‍👧 familier.")
    );
}

#[test]
fn anchors_built_from_spans_match_ops() {
    let text = searchable_text(CH);
    let start = text.find(QUOTE).unwrap();
    let a = anchor_at(&text, start..start + QUOTE.len(), "c1").unwrap();
    assert_eq!(a, anchor(CH, QUOTE));
    assert!(anchor_at(&text, 3..3, "c1").is_none());
    assert!(anchor_at("æ", 0..1, "c1").is_none());
}

#[test]
fn similarity_weighs_characters_of_shared_words() {
    assert_eq!(similarity("a b c", "a b c"), 1.0);
    assert_eq!(similarity("", ""), 1.0);
    assert_eq!(similarity("kræft", "hjerte"), 0.0);
    let s = similarity("store mængder data", "tilstrækkelige mængder data");
    assert!(s > 0.4 && s < 0.7, "{s}");
}

#[test]
fn labels_and_keys() {
    assert_eq!(Fate::Fuzzy { score: 0.5 }.key(), "fuzzy");
    assert_eq!(Fate::Orphaned.key(), "orphaned");
    let json = serde_json::to_value(Fate::Fuzzy { score: 0.87 }).unwrap();
    assert_eq!(json, serde_json::json!({"kind": "fuzzy", "score": 0.87}));
    let json = serde_json::to_value(Fate::Section {
        heading: "H".into(),
    })
    .unwrap();
    assert_eq!(json, serde_json::json!({"kind": "section", "heading": "H"}));
}

// ---------------------------------------------------------------------------
// Property tests.

const WORDS: &[&str] = &[
    "kræft",
    "plan",
    "øer",
    "åen",
    "æble",
    "udredning",
    "a\u{30a}r",
    "👍🏽",
    "og",
    "i",
    "patienter",
    "sygehus",
    "kommune",
    "Region",
    "NKR",
    "👨‍👩‍👧",
    "behandling",
    "læge",
    "ø\u{308}ko",
    "rehabilitering",
    "data",
    "tid",
    "møde",
    "følgegruppe",
];

fn sentence() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(WORDS), 6..14),
        0..3usize,
    )
        .prop_map(|(w, p)| {
            let mut s = w.join(" ");
            if let Some(first) = s.chars().next() {
                let up: String = first.to_uppercase().collect();
                s.replace_range(..first.len_utf8(), &up);
            }
            s.push_str([".", "!", "?"][p]);
            s
        })
}

fn paragraph() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(sentence(), 1..5)
}

fn chapter() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(paragraph(), 3..9)
}

fn render(paras: &[Vec<String>]) -> String {
    let mut md = String::from("# Kapitel\n");
    for (i, p) in paras.iter().enumerate() {
        if i % 3 == 2 {
            md.push_str(&format!("\n## Afsnit {i}\n"));
        }
        md.push('\n');
        md.push_str(&p.join(" "));
        md.push('\n');
    }
    md
}

/// An edit of a chapter: (kind, paragraph, sentence, new sentence).
type Edit = (u8, usize, usize, String);

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..5u8, 0..20usize, 0..8usize, sentence()), 1..6)
}

/// Applies edits, never touching sentences within two of the protected one.
fn apply(paras: &mut Vec<Vec<String>>, edits: &[Edit], keep: &mut (usize, usize)) {
    let flat = |paras: &Vec<Vec<String>>, p: usize, s: usize| -> usize {
        paras[..p].iter().map(Vec::len).sum::<usize>() + s
    };
    for (kind, p, s, new) in edits {
        let keep_at = flat(paras, keep.0, keep.1);
        let p = p % paras.len();
        let s = s % paras[p].len();
        let here = flat(paras, p, s);
        if here.abs_diff(keep_at) <= 2 || p == keep.0 {
            continue;
        }
        match kind {
            0 => paras[p][s] = new.clone(),
            1 => paras[p].insert(s, new.clone()),
            2 if paras[p].len() > 1 => {
                paras[p].remove(s);
            }
            3 => {
                paras.insert(p, vec![new.clone()]);
                if p <= keep.0 {
                    keep.0 += 1;
                }
            }
            _ => paras[p].push(new.clone()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random edits away from a quote leave it exact, on character boundaries.
    #[test]
    fn unchanged_quotes_stay_exact(
        mut paras in chapter(),
        pick in (0..20usize, 0..8usize),
        edits in edits(),
    ) {
        let p0 = pick.0 % paras.len();
        let mut keep = (p0, pick.1 % paras[p0].len());
        let old = render(&paras);
        let quote = paras[keep.0][keep.1].clone();
        let Ok(a) = crate::ops::anchor_in("T", &old, &quote, "c1") else {
            return Ok(()); // the sentence occurs twice: no anchor can be made
        };
        apply(&mut paras, &edits, &mut keep);
        let new = render(&paras);
        let whole = format!("{}{}{}", a.before, a.quote, a.after);
        prop_assume!(searchable_text(&new).contains(&whole));
        let p = place_in(&a, Some(&old), &new);
        check_span(&p, &new);
        prop_assert_eq!(p.fate, Fate::Exact);
        prop_assert_eq!(p.text.as_deref(), Some(quote.as_str()));
    }

    /// Any quote, context and texts: no panic, spans on character boundaries.
    #[test]
    fn never_panics(
        quote in "\\PC{0,40}",
        before in "\\PC{0,20}",
        after in "\\PC{0,20}",
        old in prop::option::of("(\\PC|\n|#|\\*){0,300}"),
        new in "(\\PC|\n|#|\\*){0,300}",
    ) {
        let a = Anchor { quote, before, after, commit: "x".into(), unique: false, history: Vec::new() };
        let p = place_in(&a, old.as_deref(), &new);
        check_span(&p, &new);
    }

    /// Quotes taken from one random text placed in a random edit of it.
    #[test]
    fn placements_of_edited_texts_are_well_formed(
        mut paras in chapter(),
        pick in (0..20usize, 0..8usize),
        edits in prop::collection::vec((0..5u8, 0..20usize, 0..8usize, sentence()), 1..10),
        cut in (0..5usize, 0..5usize),
    ) {
        let p0 = pick.0 % paras.len();
        let s0 = pick.1 % paras[p0].len();
        let old = render(&paras);
        let words: Vec<&str> = paras[p0][s0].split(' ').collect();
        let end = words.len().saturating_sub(cut.1).max(1);
        let quote = words[cut.0.min(end - 1)..end].join(" ");
        let Ok(a) = crate::ops::anchor_in("T", &old, &quote, "c1") else {
            return Ok(());
        };
        // Edits anywhere, the quote's sentence included.
        for (kind, p, s, new) in &edits {
            let p = p % paras.len();
            let s = s % paras[p].len();
            match kind {
                0 => paras[p][s] = new.clone(),
                1 => paras[p].insert(s, new.clone()),
                2 if paras[p].len() > 1 => { paras[p].remove(s); }
                3 => { let moved = paras.remove(p); paras.push(moved); if paras.is_empty() { paras.push(vec![new.clone()]); } }
                _ => paras[p].push(new.clone()),
            }
        }
        let new = render(&paras);
        let p = place_in(&a, Some(&old), &new);
        check_span(&p, &new);
        if let Fate::Fuzzy { score } = p.fate {
            prop_assert!((0.0..=1.0).contains(&score));
        }
        if matches!(p.fate, Fate::Exact | Fate::Moved) {
            prop_assert_eq!(p.text.as_deref(), Some(a.quote.as_str()));
        }
    }
}

#[test]
fn a_bounded_map_forgets_the_oldest_inserted_beyond_its_size() {
    let mut m: Bounded<u32, &str> = Bounded::new(2);
    m.insert(1, "a");
    m.insert(2, "b");
    // Inserting a known key again neither grows nor reorders it.
    m.insert(1, "A");
    assert_eq!((m.get(&1), m.get(&2)), (Some(&"A"), Some(&"b")));
    m.insert(3, "c");
    assert_eq!(m.get(&1), None, "the oldest inserted goes first");
    assert_eq!((m.get(&2), m.get(&3)), (Some(&"b"), Some(&"c")));
    m.insert(4, "d");
    assert_eq!(
        (m.get(&2), m.get(&3), m.get(&4)),
        (None, Some(&"c"), Some(&"d"))
    );
    assert_eq!(m.map.len(), 2);
    assert_eq!(m.order.len(), 2);
}

/// A placement's cache key answers for everything the placement depends
/// on: any one part changed gives another key, the same parts the same key,
/// and bytes moved from one part into another give another key too.
#[test]
fn every_part_of_a_placement_names_its_key() {
    let base = Anchor {
        quote: "Kræftplanen".into(),
        before: "Om ".into(),
        after: " i dag".into(),
        commit: "48aa8b65a668b10aaa3c5645e8cf530df440ef04".into(),
        unique: false,
        history: Vec::new(),
    };
    let key = |slug: &str, a: &Anchor, held: bool, target: &str| {
        placement_key(slug, a, held, target).expect("a key")
    };
    let first = key("indledning", &base, true, "blob 1");
    assert_eq!(first, key("indledning", &base.clone(), true, "blob 1"));
    let mut changed = Vec::new();
    for edit in 0..5 {
        let mut a = base.clone();
        match edit {
            0 => a.quote.push('r'),
            1 => a.before.insert(0, 'X'),
            2 => a.after.push('!'),
            3 => a.commit = "0dd69d853621176a7849be151a3d6c74c09216b1".into(),
            _ => a.unique = true,
        }
        changed.push(key("indledning", &a, true, "blob 1"));
    }
    changed.push(key("indledningen", &base, true, "blob 1"));
    changed.push(key("indledning", &base, false, "blob 1"));
    changed.push(key("indledning", &base, true, "blob 2"));
    // A byte moved from the slug into the target.
    changed.push(key("indlednin", &base, true, "gblob 1"));
    for (i, k) in changed.iter().enumerate() {
        assert_ne!(*k, first, "change {i} kept the key");
        assert!(!changed[..i].contains(k), "change {i} gave an earlier key");
    }
}
