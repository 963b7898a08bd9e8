//! Re-anchoring accuracy on a fixed sample of generated edits (the harness
//! of `examples/anchor_accuracy`): no comment may be placed on the wrong
//! words, and few may be missed. The full run with the Hypothesis baseline
//! beside it: `cargo run --release --example anchor_accuracy`.

#[allow(dead_code)]
#[path = "../examples/anchor_accuracy/cases.rs"]
mod cases;
#[allow(dead_code)]
#[path = "../examples/anchor_accuracy/hypothesis.rs"]
mod hypothesis;
#[allow(dead_code)]
#[path = "../examples/anchor_accuracy/run.rs"]
mod run;

use cases::{Corpus, Kind, Truth};
use oplaeg::text::searchable_text;
use run::Verdict;

/// Cases per kind in CI (seven kinds): 700 cases, a few seconds.
const PER_KIND: usize = 100;
const SEED: u64 = 1;

#[test]
fn no_comment_lands_on_the_wrong_words() {
    let cases = Corpus::sample().generate(PER_KIND, SEED);
    assert_eq!(cases.len(), PER_KIND * Kind::ALL.len());
    let (report, outcomes) = run::score(&cases, run::oplaeg);
    let wrong: Vec<String> = cases
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.verdict == Verdict::Wrong)
        .map(|(c, o)| run::describe(c, o, o))
        .collect();
    assert!(wrong.is_empty(), "wrong placements:\n{}", wrong.join("\n"));
    let t = &report.total;
    assert!(
        t.missed * 100 <= t.cases * 2,
        "{} of {} missed (at most 2 %)",
        t.missed,
        t.cases
    );
}

#[test]
fn the_generated_truth_is_where_the_words_are() {
    let cases = Corpus::sample().generate(20, SEED + 1);
    for case in &cases {
        let old = searchable_text(&case.old);
        let new = searchable_text(&case.new);
        let quote = &old[case.quote.clone()];
        assert!(!quote.trim().is_empty());
        match (&case.truth, case.kind) {
            (Truth::Gone, Kind::DeletedLookAlike) => {}
            (Truth::At(at), Kind::SmallEdit | Kind::Rewrite) => {
                assert_ne!(
                    &new[at.clone()],
                    quote,
                    "{}: the words were edited",
                    case.variant
                )
            }
            (Truth::At(at), _) => assert_eq!(&new[at.clone()], quote, "{}", case.variant),
            (truth, kind) => panic!("{kind:?} with {truth:?}"),
        }
        if case.kind == Kind::DeletedLookAlike && case.variant.contains("identical") {
            // The look-alike really is the quote, word for word.
            assert!(new.contains(quote), "{}", case.variant);
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_cases() {
    let corpus = Corpus::sample();
    let a = corpus.generate(5, 9);
    let b = corpus.generate(5, 9);
    let c = corpus.generate(5, 10);
    let texts = |v: &[cases::Case]| v.iter().map(|c| c.new.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&a), texts(&b));
    assert_ne!(texts(&a), texts(&c));
}

#[test]
fn scoring_tells_the_right_words_from_others() {
    let at = Truth::At(10..20);
    assert_eq!(run::judge(&at, Some(&(10..20))), Verdict::Correct);
    assert_eq!(run::judge(&at, Some(&(12..21))), Verdict::Correct);
    assert_eq!(run::judge(&at, Some(&(30..40))), Verdict::Wrong);
    // Most of the truth but much more besides: wrong.
    assert_eq!(run::judge(&at, Some(&(0..40))), Verdict::Wrong);
    assert_eq!(run::judge(&at, None), Verdict::Missed);
    assert_eq!(run::judge(&Truth::Gone, None), Verdict::Correct);
    assert_eq!(run::judge(&Truth::Gone, Some(&(1..2))), Verdict::Wrong);
}

#[test]
fn the_baseline_puts_a_deleted_quote_on_its_look_alike() {
    // Hypothesis has no minimum score: a sentence that merely looks like the
    // deleted quote receives it. This is what the engine must not do.
    let cases: Vec<cases::Case> = Corpus::sample()
        .generate(20, SEED)
        .into_iter()
        .filter(|c| c.kind == Kind::DeletedLookAlike)
        .collect();
    let (report, _) = run::score(&cases, run::baseline);
    assert_eq!(report.total.cases, 20);
    assert!(report.total.wrong * 2 > 20, "{}", report.total.wrong);
    let (ours, _) = run::score(&cases, run::oplaeg);
    assert_eq!(ours.total.wrong, 0);
}
