//! Benchmark: re-anchoring every comment of a workspace onto a version.
//!
//! ```text
//! cargo run --release --example gen_workspace -- --chapters 60 --megabytes 5 \
//!     --comments 10000 --commits 2000 --meetings 4 --seed 42 /tmp/large
//! cargo run --release --example bench_anchor -- /tmp/large [REV ...]
//! ```
//!
//! For each revision (default `HEAD` and the last meeting tag) it loads the
//! workspace once, then places all its comments with a fresh
//! [`oplaeg::anchor::Anchorer`] several times (a fresh one each time, so
//! nothing is cached between runs) and prints the median, the fastest and
//! the slowest run with the fates found, and the CPU time of the runs (on
//! Linux) to tell work from waiting on a busy machine. For reference it times, in the same
//! run, plain `git diff --word-diff=porcelain` of the chapters between the
//! first meeting tag and the revision: git following the same text changes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use oplaeg::anchor::Anchorer;
use oplaeg::model::{Comment, Workspace};
use oplaeg::store::{Rev, Store};

const RUNS: usize = 7;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .context("usage: bench_anchor WORKSPACE [REV ...]")?,
    );
    let store = Store::open(&root)?;
    let tags = store.meeting_tags()?;
    let mut revs: Vec<String> = args.collect();
    if revs.is_empty() {
        revs.push("HEAD".into());
        if let Some(last) = tags.last() {
            revs.push(last.name.clone());
        }
    }
    let first_tag = tags.first().map(|t| t.name.clone());
    for rev in &revs {
        let t = Instant::now();
        let ws = store.load(&Rev::Named(rev.clone()))?;
        let load = t.elapsed();
        let quoting = ws
            .comments
            .iter()
            .filter(|c| c.reply_to.is_none() && c.target.anchor.is_some())
            .count();
        println!(
            "{rev}: {} comments ({quoting} quoting a chapter), {} chapters; load {}",
            ws.comments.len(),
            ws.chapters.len(),
            ms(load)
        );
        measure(&store, &ws, &ws.comments, "place all comments");
        // Every comment quoting: the other comments get the quotes (anchor
        // and chapter) of the quoting ones, round-robin.
        let quotes: Vec<_> = ws
            .comments
            .iter()
            .filter(|c| c.reply_to.is_none() && c.target.anchor.is_some())
            .map(|c| c.target.clone())
            .collect();
        if !quotes.is_empty() {
            let all: Vec<Comment> = ws
                .comments
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut c = c.clone();
                    c.reply_to = None;
                    if c.target.anchor.is_none() {
                        c.target = quotes[i % quotes.len()].clone();
                    }
                    c
                })
                .collect();
            measure(
                &store,
                &ws,
                &all,
                &format!("place {} comments that all quote", all.len()),
            );
        }
        if let Some(from) = &first_tag {
            let git = time_git(
                &root,
                &["diff", "--word-diff=porcelain", from, rev, "--", "drafts"],
            )?;
            println!(
                "  reference: git diff --word-diff=porcelain {from} {rev} -- drafts: {}",
                ms(git)
            );
        }
    }
    Ok(())
}

/// Places `comments` on `ws` with a fresh anchorer, RUNS times, and prints
/// the times and the fates of the first run.
fn measure(store: &Store, ws: &Workspace, comments: &[Comment], what: &str) {
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut fates: BTreeMap<&'static str, usize> = BTreeMap::new();
    for run in 0..RUNS {
        let c = cpu_time();
        let t = Instant::now();
        let mut anchorer = Anchorer::new(store, ws);
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut none = 0;
        for c in comments {
            match anchorer.place(c) {
                Some(p) => *counts.entry(p.fate.key()).or_default() += 1,
                None => none += 1,
            }
        }
        times.push(t.elapsed());
        if let (Some(a), Some(b)) = (c, cpu_time()) {
            cpu.push(b - a);
        }
        if run == 0 {
            if none > 0 {
                counts.insert("(none: no quote, reply or recommendation)", none);
            }
            fates = counts;
        }
    }
    times.sort();
    println!(
        "  {what}: median {}  fastest {}  slowest {}  ({RUNS} runs)",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    if cpu.len() == RUNS {
        cpu.sort();
        println!(
            "    CPU time of the same runs: median {}  fastest {}",
            ms(cpu[RUNS / 2]),
            ms(cpu[0])
        );
    }
    let list: Vec<String> = fates.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("    {}", list.join(" · "));
}

fn time_git(root: &PathBuf, args: &[&str]) -> Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .context("git")?;
        times.push(t.elapsed());
        if !out.status.success() {
            bail!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    times.sort();
    Ok(times[1])
}

/// CPU time of this thread so far (Linux: /proc/thread-self/schedstat, in
/// nanoseconds), to tell the work from waiting on a busy machine.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
