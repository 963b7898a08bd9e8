//! Benchmark of the terminal UI on a large workspace: time to the first
//! frame (what a person sees first: the draft, with the comments still
//! loading), to the fully loaded frame and to the frame with everything the
//! first tab asked for (a member's Mit overblik), and the time from a
//! keystroke to the next finished frame, with plain `git` timed in the same
//! run for reference.
//!
//! ```sh
//! cargo run --release --example gen_workspace -- --chapters 60 --megabytes 5 \
//!     --comments 10000 --commits 2000 --meetings 4 /tmp/large
//! cargo run --release --example bench_ui -- /tmp/large [--hash-checks]
//! ```
//!
//! Frames are drawn into ratatui's TestBackend at 120×40, so the figures are
//! oplaeg's own work (update + render) without the terminal's drawing. Jobs
//! (the load after the first frame, Mit overblik's overview, a comparison)
//! run on worker threads as in the terminal ([`oplaeg::tui::job::Worker`]);
//! a keystroke is timed on the UI thread, and a job's result separately,
//! from its arrival to the frame that shows it.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use oplaeg::store::Store;
use oplaeg::tui::job::Worker;
use oplaeg::tui::state::LoadState;
use oplaeg::tui::{Action, State, dispatch_async, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frame(t: &mut Terminal<TestBackend>, s: &State) {
    t.draw(|f| views::render(f, s))
        .expect("drawing into memory cannot fail");
}

/// Lets running jobs end: each result is handed to the state and drawn as
/// it arrives (that UI-thread time goes to `arrivals`), and the jobs it
/// queues are started, until none runs.
fn settle(
    s: &mut State,
    w: &mut Worker,
    t: &mut Terminal<TestBackend>,
    arrivals: &mut Vec<Duration>,
) {
    w.start(s);
    while !w.idle() {
        let start = Instant::now();
        if w.take_done(s) {
            w.start(s);
            frame(t, s);
            arrivals.push(start.elapsed());
        } else {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let p = |q: f64| v[((v.len() - 1) as f64 * q) as usize];
    (p(0.5), p(0.95), *v.last().expect("at least one sample"))
}

fn git(root: &PathBuf, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success());
    start.elapsed()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root: PathBuf = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: bench_ui WORKSPACE [--hash-checks]"))?;
    // As the binary does, libgit2 does not re-hash every object it reads
    // (`--hash-checks` keeps it, as this benchmark did before 2026-12-06).
    if !args.iter().any(|a| a == "--hash-checks") {
        Store::skip_hash_checks();
    }
    let email = {
        let ws = Store::open(&root)?.load(&oplaeg::store::Rev::head())?;
        ws.config
            .members
            .iter()
            .find(|m| m.role == oplaeg::model::Role::Member)
            .map(|m| m.email.clone())
    };

    // First frame: open the workspace, build the state from what is cheap,
    // draw. Then the worker's load arrives (the loaded frame), then what
    // the first tab asked for once loaded (a member's overview).
    let mut firsts = Vec::new();
    let mut loadeds = Vec::new();
    let mut settleds = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut s = State::open(Store::open(&root)?, email.clone(), 120, 40)?;
        let mut t = Terminal::new(TestBackend::new(120, 40))?;
        frame(&mut t, &s);
        firsts.push(start.elapsed());
        let mut w = Worker::default();
        w.start(&mut s);
        while s.load == LoadState::Loading {
            if !w.wait(&mut s, Duration::from_millis(5)) && w.idle() {
                break;
            }
        }
        anyhow::ensure!(s.load == LoadState::Loaded, "loading failed: {:?}", s.load);
        frame(&mut t, &s);
        loadeds.push(start.elapsed());
        settle(&mut s, &mut w, &mut t, &mut Vec::new());
        settleds.push(start.elapsed());
    }

    // Keystrokes: each is one action dispatched and one frame drawn.
    let mut s = State::open(Store::open(&root)?, email, 120, 40)?;
    let mut t = Terminal::new(TestBackend::new(120, 40))?;
    let mut w = Worker::default();
    frame(&mut t, &s);
    let mut arrivals = Vec::new();
    settle(&mut s, &mut w, &mut t, &mut arrivals);
    let mut keys: Vec<(&str, Action)> = Vec::new();
    // A member starts on Mit overblik; the reader is tab 1.
    keys.push(("switch tab", Action::Tab(0)));
    for _ in 0..30 {
        keys.push((
            "chapter list ↓ (opens and wraps the next chapter)",
            Action::Down,
        ));
    }
    keys.push(("focus text", Action::Focus));
    for _ in 0..200 {
        keys.push(("reader ↓ (next sentence)", Action::Down));
    }
    keys.push(("reader page down", Action::PageDown));
    keys.push(("resize (rewraps the chapter)", Action::Resize(100, 40)));
    keys.push(("resize (rewraps the chapter)", Action::Resize(120, 40)));
    for tab in [1, 2, 3, 4, 0] {
        keys.push(("switch tab", Action::Tab(tab)));
    }
    keys.push(("switch tab", Action::Tab(2)));
    for _ in 0..200 {
        keys.push(("comment list ↓", Action::Down));
    }
    keys.push(("comment filter (10,000 comments)", Action::FilterStatus));
    keys.push(("comment filter (10,000 comments)", Action::FilterStatus));
    keys.push(("switch tab", Action::Tab(4)));
    for _ in 0..200 {
        keys.push(("history ↓", Action::Down));
    }
    keys.push(("switch tab", Action::Tab(6)));
    for _ in 0..100 {
        keys.push(("Mit overblik ↓ (the member's own comments)", Action::Down));
    }
    let mut by_kind: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    for (kind, action) in keys {
        let start = Instant::now();
        dispatch_async(&mut s, action);
        w.start(&mut s);
        frame(&mut t, &s);
        let d = start.elapsed();
        settle(&mut s, &mut w, &mut t, &mut arrivals);
        all.push(d);
        match by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, v)) => v.push(d),
            None => by_kind.push((kind, vec![d])),
        }
    }

    let git_log: Vec<Duration> = (0..5)
        .map(|_| git(&root, &["log", "-1", "--format=%H"]))
        .collect();
    let git_status: Vec<Duration> = (0..5)
        .map(|_| git(&root, &["status", "--porcelain"]))
        .collect();

    let ws = &s.ws;
    let bytes: usize = ws.chapters.iter().map(|c| c.markdown.len()).sum();
    println!(
        "workspace: {} chapters, {:.1} MB of text, {} comments, {} commits",
        ws.chapters.len(),
        bytes as f64 / 1e6,
        ws.comments.len(),
        s.log.len()
    );
    let (m, p95, max) = stats(firsts);
    println!(
        "first frame (open + draft + draw, comments loading): median {} · p95 {} · max {}",
        ms(m),
        ms(p95),
        ms(max)
    );
    let (m, p95, max) = stats(loadeds);
    println!(
        "fully loaded frame (comments, placements, history): median {} · p95 {} · max {}",
        ms(m),
        ms(p95),
        ms(max)
    );
    let (m, p95, max) = stats(settleds);
    println!(
        "first tab complete (a member's Mit overblik made): median {} · p95 {} · max {}",
        ms(m),
        ms(p95),
        ms(max)
    );
    if !arrivals.is_empty() {
        let n = arrivals.len();
        let (m, _, max) = stats(arrivals);
        println!(
            "a job's result to frame (UI thread), n={n}: median {} · max {}",
            ms(m),
            ms(max)
        );
    }
    let (m, p95, max) = stats(all.clone());
    println!(
        "keystroke to frame, all {} keys: median {} · p95 {} · max {}",
        all.len(),
        ms(m),
        ms(p95),
        ms(max)
    );
    for (kind, v) in by_kind {
        let n = v.len();
        let (m, _, max) = stats(v);
        println!("  {kind:<52} n={n:<4} median {} · max {}", ms(m), ms(max));
    }
    let (m, _, _) = stats(git_log);
    println!(
        "reference, plain git in the same run: `git log -1` median {}",
        ms(m)
    );
    let (m, _, _) = stats(git_status);
    println!(
        "reference, plain git in the same run: `git status` median {}",
        ms(m)
    );
    Ok(())
}
