//! Placing the generated cases with oplaeg's engine and with the
//! Hypothesis baseline, and scoring them against the truth.

use std::collections::BTreeMap;
use std::ops::Range;

use oplaeg::anchor::{anchor_at, place_in};
use oplaeg::text::searchable_text;

use crate::cases::{Case, Kind, Truth};
use crate::hypothesis;

/// How a placement compares with the truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// On the quoted words (most of the placement is most of the truth), or
    /// no placement for words that are gone.
    Correct,
    /// On other words.
    Wrong,
    /// Not placed although the words are there.
    Missed,
}

/// What one matcher did with one case.
pub struct Outcome {
    pub verdict: Verdict,
    /// The engine's fate key ("exact", …); "found"/"none" for the baseline.
    pub fate: String,
    pub span: Option<Range<usize>>,
}

pub fn judge(truth: &Truth, span: Option<&Range<usize>>) -> Verdict {
    match (truth, span) {
        (Truth::Gone, None) => Verdict::Correct,
        (Truth::Gone, Some(_)) => Verdict::Wrong,
        (Truth::At(_), None) => Verdict::Missed,
        (Truth::At(t), Some(s)) => {
            let overlap = s.end.min(t.end).saturating_sub(s.start.max(t.start));
            if 2 * overlap >= t.len() && 2 * overlap >= s.len() {
                Verdict::Correct
            } else {
                Verdict::Wrong
            }
        }
    }
}

/// oplaeg's engine on one case.
pub fn oplaeg(case: &Case) -> Outcome {
    let old_text = searchable_text(&case.old);
    let anchor = anchor_at(&old_text, case.quote.clone(), "old").expect("a quote is never empty");
    let p = place_in(&anchor, Some(&case.old), &case.new);
    Outcome {
        verdict: judge(&case.truth, p.span.as_ref()),
        fate: p.fate.key().to_string(),
        span: p.span,
    }
}

/// The Hypothesis baseline on one case.
pub fn baseline(case: &Case) -> Outcome {
    let old_text = searchable_text(&case.old);
    let new_text = searchable_text(&case.new);
    let quote = &old_text[case.quote.clone()];
    let before = &old_text[..case.quote.start];
    let prefix: String = {
        let c: Vec<char> = before.chars().collect();
        c[c.len().saturating_sub(hypothesis::CONTEXT)..]
            .iter()
            .collect()
    };
    let suffix: String = old_text[case.quote.end..]
        .chars()
        .take(hypothesis::CONTEXT)
        .collect();
    let hint = before.chars().count();
    let span = hypothesis::match_quote(&new_text, quote, &prefix, &suffix, Some(hint));
    Outcome {
        verdict: judge(&case.truth, span.as_ref()),
        fate: if span.is_some() { "found" } else { "none" }.to_string(),
        span,
    }
}

/// Counts for one kind.
#[derive(Default, Clone)]
pub struct Tally {
    pub cases: usize,
    pub correct: usize,
    pub wrong: usize,
    pub missed: usize,
    /// Wrong placements labelled exact or moved.
    pub wrong_sure: usize,
    pub fates: BTreeMap<String, usize>,
}

impl Tally {
    pub fn add(&mut self, o: &Outcome) {
        self.cases += 1;
        match o.verdict {
            Verdict::Correct => self.correct += 1,
            Verdict::Wrong => {
                self.wrong += 1;
                if o.fate == "exact" || o.fate == "moved" {
                    self.wrong_sure += 1;
                }
            }
            Verdict::Missed => self.missed += 1,
        }
        *self.fates.entry(o.fate.clone()).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Tally) {
        self.cases += other.cases;
        self.correct += other.correct;
        self.wrong += other.wrong;
        self.missed += other.missed;
        self.wrong_sure += other.wrong_sure;
        for (k, v) in &other.fates {
            *self.fates.entry(k.clone()).or_default() += v;
        }
    }
}

/// Per kind, and in all.
pub struct Report {
    pub kinds: Vec<(Kind, Tally)>,
    pub total: Tally,
}

pub fn score(cases: &[Case], matcher: fn(&Case) -> Outcome) -> (Report, Vec<Outcome>) {
    let mut kinds: BTreeMap<Kind, Tally> = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        let o = matcher(case);
        kinds.entry(case.kind).or_default().add(&o);
        outcomes.push(o);
    }
    let mut total = Tally::default();
    for t in kinds.values() {
        total.merge(t);
    }
    (
        Report {
            kinds: kinds.into_iter().collect(),
            total,
        },
        outcomes,
    )
}

fn pct(n: usize, of: usize) -> String {
    format!("{:.1} %", 100.0 * n as f64 / of.max(1) as f64)
}

/// A Markdown table of both matchers side by side.
pub fn table(ours: &Report, theirs: &Report) -> String {
    let mut out = String::from(
        "| kind | cases | oplaeg correct | wrong (of them exact/moved) | missed | Hypothesis correct | wrong | missed |\n|---|---|---|---|---|---|---|---|\n",
    );
    let rows = ours
        .kinds
        .iter()
        .map(|(k, t)| (k.name(), t))
        .chain(std::iter::once(("all", &ours.total)));
    let theirs_rows: Vec<&Tally> = theirs
        .kinds
        .iter()
        .map(|(_, t)| t)
        .chain(std::iter::once(&theirs.total))
        .collect();
    for ((name, t), h) in rows.zip(theirs_rows) {
        out.push_str(&format!(
            "| {name} | {} | {} | {} ({}) | {} | {} | {} | {} |\n",
            t.cases,
            pct(t.correct, t.cases),
            pct(t.wrong, t.cases),
            t.wrong_sure,
            pct(t.missed, t.cases),
            pct(h.correct, h.cases),
            pct(h.wrong, h.cases),
            pct(h.missed, h.cases),
        ));
    }
    out
}

/// One case told in full, for looking into a failure.
pub fn describe(case: &Case, ours: &Outcome, theirs: &Outcome) -> String {
    let old_text = searchable_text(&case.old);
    let new_text = searchable_text(&case.new);
    let show = |span: Option<&Range<usize>>| match span {
        Some(r) => format!("{r:?} «{}»", &new_text[r.clone()]),
        None => "—".to_string(),
    };
    let truth = match &case.truth {
        Truth::At(r) => show(Some(r)),
        Truth::Gone => "gone".to_string(),
    };
    format!(
        "[{} / {}]\n  quote  {:?} «{}»\n  truth  {truth}\n  oplaeg {:?} {} {}\n  hypo   {:?} {}\n",
        case.kind.name(),
        case.variant,
        case.quote,
        &old_text[case.quote.clone()],
        ours.verdict,
        ours.fate,
        show(ours.span.as_ref()),
        theirs.verdict,
        show(theirs.span.as_ref()),
    )
}

/// Fates of the engine's placements, as "exact 120 · moved 3 …".
pub fn fates(t: &Tally) -> String {
    t.fates
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(" · ")
}
