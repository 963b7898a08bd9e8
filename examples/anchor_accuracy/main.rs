//! Accuracy of re-anchoring: generated edits of the sample chapters with
//! known truth, placed by oplaeg's engine and by a baseline that scores
//! matches the way Hypothesis describes (see `hypothesis.rs`).
//!
//! ```text
//! cargo run --release --example anchor_accuracy                 # 150 cases per kind, seed 1
//! cargo run --release --example anchor_accuracy -- --per-kind 300 --seed 7
//! cargo run --release --example anchor_accuracy -- --show wrong # every case oplaeg got wrong
//! cargo run --release --example anchor_accuracy -- --show missed
//! cargo run --release --example anchor_accuracy -- --show moved # every case of one kind (its key)
//! cargo run --release --example anchor_accuracy -- --show wrong --dump /tmp/cases # and their texts
//! ```
//!
//! Seven kinds of edit (see `cases.rs`). A placement is CORRECT when most
//! of it is most of the quoted words' new place (or, for deleted words,
//! when nothing is placed), WRONG when it sits on other words, MISSED when
//! the words are there but nothing was placed. `tests/anchor_accuracy.rs`
//! runs a fixed sample in CI and fails on any wrong placement.

mod cases;
mod hypothesis;
mod run;

use std::time::Instant;

use anyhow::{Context, Result, bail};
use cases::{Corpus, Kind};
use run::Verdict;

fn main() -> Result<()> {
    let mut per_kind = 150;
    let mut seed = 1;
    let mut show: Option<String> = None;
    let mut dump: Option<String> = None;
    let mut dumped = 0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--per-kind" => per_kind = args.next().context("--per-kind N")?.parse()?,
            "--seed" => seed = args.next().context("--seed N")?.parse()?,
            "--show" => show = Some(args.next().context("--show wrong|missed|KIND")?),
            "--dump" => dump = Some(args.next().context("--dump DIR")?),
            other => bail!("unknown argument {other}"),
        }
    }
    let corpus = Corpus::sample();
    let cases = corpus.generate(per_kind, seed);
    let t = Instant::now();
    let (ours, our_outcomes) = run::score(&cases, run::oplaeg);
    let took = t.elapsed();
    let (theirs, their_outcomes) = run::score(&cases, run::baseline);
    if let Some(what) = &show {
        for ((case, o), h) in cases.iter().zip(&our_outcomes).zip(&their_outcomes) {
            let pick = match what.as_str() {
                "wrong" => o.verdict == Verdict::Wrong,
                "missed" => o.verdict == Verdict::Missed,
                "hypothesis-wrong" => h.verdict == Verdict::Wrong,
                key => case.kind.key() == key,
            };
            if pick {
                println!("{}", run::describe(case, o, h));
                if let Some(dir) = &dump {
                    let n = dumped;
                    dumped += 1;
                    std::fs::write(format!("{dir}/{n}-old.md"), &case.old)?;
                    std::fs::write(format!("{dir}/{n}-new.md"), &case.new)?;
                    println!("  (written to {dir}/{n}-old.md and -new.md)\n");
                }
            }
        }
    }
    println!(
        "{} cases ({per_kind} per kind, seed {seed}); oplaeg placed them in {} ms\n",
        cases.len(),
        took.as_millis()
    );
    print!("{}", run::table(&ours, &theirs));
    println!();
    for (kind, t) in &ours.kinds {
        println!("{:<32} {}", kind.name(), run::fates(t));
    }
    let variants = variant_breakdown(&cases, &our_outcomes, &their_outcomes);
    println!("\nby variant (oplaeg correct/wrong/missed | Hypothesis correct/wrong/missed):");
    for line in variants {
        println!("  {line}");
    }
    Ok(())
}

fn variant_breakdown(
    cases: &[cases::Case],
    ours: &[run::Outcome],
    theirs: &[run::Outcome],
) -> Vec<String> {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<(Kind, String), [usize; 6]> = BTreeMap::new();
    for ((c, o), h) in cases.iter().zip(ours).zip(theirs) {
        let e = by.entry((c.kind, c.variant.clone())).or_default();
        let i = |v: Verdict| match v {
            Verdict::Correct => 0,
            Verdict::Wrong => 1,
            Verdict::Missed => 2,
        };
        e[i(o.verdict)] += 1;
        e[3 + i(h.verdict)] += 1;
    }
    by.into_iter()
        .map(|((k, v), n)| {
            format!(
                "{:<12} {:<34} {:>3}/{:>2}/{:>2} | {:>3}/{:>2}/{:>2}",
                k.key(),
                v,
                n[0],
                n[1],
                n[2],
                n[3],
                n[4],
                n[5]
            )
        })
        .collect()
}
