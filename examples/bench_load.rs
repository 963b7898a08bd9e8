//! Benchmark of loading: the terminal UI's first frame and the read
//! commands (`status`, `comment list`, `chapters`, the exports), each with
//! the load cache under `.git/oplaeg/cache/` warm and cold (deleted before
//! each run), beside plain `git status` on the same repository in the same
//! run. Wall time is the median of the runs; memory is the peak resident
//! size of the process (the largest over the runs).
//!
//! ```sh
//! cargo build --release --bin oplaeg --example gen_workspace --example bench_load
//! target/release/examples/gen_workspace --chapters 60 --megabytes 5 \
//!     --comments 10000 --commits 2000 /tmp/large
//! target/release/examples/bench_load /tmp/large [--runs 5] [--exports]
//! ```
//!
//! The `oplaeg` binary is the one built next to this example
//! (`target/release/oplaeg`). Frames are drawn into ratatui's TestBackend at
//! 120×40, so the first frame is oplaeg's own work without a terminal; it is
//! opened as the first member (who starts on Mit overblik), as `bench_ui` does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oplaeg::store::{Cache, Store};
use oplaeg::tui::job::Worker;
use oplaeg::tui::state::LoadState;
use oplaeg::tui::{State, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// One measured run: wall time, CPU time (user and system) and peak
/// resident memory in KiB.
struct Run {
    wall: Duration,
    cpu: Duration,
    peak_kib: i64,
}

/// Runs a command to its end and measures it (its own peak memory, read
/// with `wait4`, so other processes do not count).
fn measure(program: &Path, args: &[&str], dir: &Path) -> anyhow::Result<Run> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet waited for; both pointers are valid.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    anyhow::ensure!(r == pid, "wait4 failed for {program:?} {args:?}");
    anyhow::ensure!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{} {} failed",
        program.display(),
        args.join(" ")
    );
    // The child was reaped by wait4; std must not wait for it again.
    std::mem::forget(child);
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Ok(Run {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        peak_kib: usage.ru_maxrss,
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mb(kib: i64) -> String {
    format!("{:.0} MB", kib as f64 / 1024.0)
}

fn clear_cache(root: &Path) {
    let _ = std::fs::remove_dir_all(Cache::dir_of(&root.join(".git")));
}

/// Times `runs` runs; `cold` deletes the cache before each.
fn series(
    program: &Path,
    args: &[&str],
    root: &Path,
    runs: usize,
    cold: bool,
) -> anyhow::Result<(Duration, i64)> {
    series_cpu(program, args, root, runs, cold).map(|(wall, _, peak)| (wall, peak))
}

/// [`series`] with the median CPU time too.
fn series_cpu(
    program: &Path,
    args: &[&str],
    root: &Path,
    runs: usize,
    cold: bool,
) -> anyhow::Result<(Duration, Duration, i64)> {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut peak = 0;
    if !cold {
        measure(program, args, root)?; // fills the cache
    }
    for _ in 0..runs {
        if cold {
            clear_cache(root);
        }
        let r = measure(program, args, root)?;
        walls.push(r.wall);
        cpus.push(r.cpu);
        peak = peak.max(r.peak_kib);
    }
    Ok((median(walls), median(cpus), peak))
}

/// The first frame (drawn before the comments are read, as the terminal
/// does) and the fully loaded frame after the worker's load arrived.
fn first_frame(root: &Path, email: &Option<String>) -> anyhow::Result<(Duration, Duration)> {
    let start = Instant::now();
    let mut s = State::open(Store::open(root)?, email.clone(), 120, 40)?;
    let mut t = Terminal::new(TestBackend::new(120, 40))?;
    t.draw(|f| views::render(f, &s))?;
    let first = start.elapsed();
    let mut worker = Worker::default();
    worker.start(&mut s);
    while s.load == LoadState::Loading {
        if !worker.wait(&mut s, Duration::from_millis(5)) && worker.idle() {
            break;
        }
    }
    anyhow::ensure!(s.load == LoadState::Loaded, "loading failed: {:?}", s.load);
    t.draw(|f| views::render(f, &s))?;
    Ok((first, start.elapsed()))
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut runs = 5;
    let mut exports = false;
    let mut exports_only = false;
    let mut only: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--exports" => exports = true,
            "--exports-only" => {
                exports = true;
                exports_only = true;
            }
            "--only" => only.extend(args.next()),
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.ok_or_else(|| {
        anyhow::anyhow!(
            "usage: bench_load WORKSPACE [--runs N] [--exports | --exports-only] [--only TEXT]…"
        )
    })?;
    let root = std::fs::canonicalize(root)?;
    let oplaeg = std::env::current_exe()?
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("oplaeg"))
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            anyhow::anyhow!("build the binary first: cargo build --release --bin oplaeg")
        })?;
    // Skipping libgit2's re-hashing of every object read, as the binary does.
    Store::skip_hash_checks();
    // The first member (who starts on Mit overblik), from the
    // configuration alone: loading the workspace here would raise this
    // process's peak memory, which a spawned child's `wait4` figure
    // inherits (it is taken over at `exec`).
    let email = Store::open(&root)?
        .head_config()?
        .members
        .iter()
        .find(|m| m.role == oplaeg::model::Role::Member)
        .map(|m| m.email.clone());

    println!("workspace {}", root.display());
    println!("runs      {runs} (median wall time; peak memory of the process)\n");
    println!("{:<34} {:>12} {:>10}", "work", "wall", "peak");

    if !exports_only {
        let git = PathBuf::from("git");
        let (g, gpeak) = series(&git, &["status"], &root, runs, false)?;
        println!("{:<34} {:>12} {:>10}", "git status", ms(g), mb(gpeak));
        let commands: [&[&str]; 3] = [&["status"], &["comment", "list"], &["chapters"]];
        for command in commands {
            let name = format!("oplaeg {}", command.join(" "));
            let (warm, wpeak) = series(&oplaeg, command, &root, runs, false)?;
            let (cold, cpeak) = series(&oplaeg, command, &root, runs, true)?;
            println!(
                "{:<34} {:>12} {:>10}   {:.1}× git",
                name,
                ms(warm),
                mb(wpeak),
                warm.as_secs_f64() / g.as_secs_f64()
            );
            println!(
                "{:<34} {:>12} {:>10}",
                format!("{name} (cold)"),
                ms(cold),
                mb(cpeak)
            );
        }
    }
    if exports {
        let out = tempfile::tempdir()?;
        // Every kind of export: both documents in every format, with and
        // without their "since" marks, the oplæg with suggestions, and a
        // member's overview (`export mine`, as the first member).
        let member = email.clone().unwrap_or_default();
        let kinds: [(&str, &[&str], &str); 13] = [
            ("notat", &["export", "notat"], "docx"),
            ("notat", &["export", "notat"], "html"),
            ("notat", &["export", "notat"], "md"),
            (
                "notat --since meeting/3",
                &["export", "notat", "--since", "meeting/3"],
                "docx",
            ),
            ("oplaeg", &["export", "oplaeg"], "docx"),
            ("oplaeg", &["export", "oplaeg"], "html"),
            ("oplaeg", &["export", "oplaeg"], "md"),
            (
                "oplaeg --changes-since meeting/3",
                &["export", "oplaeg", "--changes-since", "meeting/3"],
                "docx",
            ),
            (
                "oplaeg --changes-since meeting/3",
                &["export", "oplaeg", "--changes-since", "meeting/3"],
                "html",
            ),
            (
                "oplaeg --suggestions",
                &["export", "oplaeg", "--suggestions"],
                "docx",
            ),
            ("mine", &["--as", member.as_str(), "export", "mine"], "docx"),
            ("mine", &["--as", member.as_str(), "export", "mine"], "html"),
            (
                "mine --all",
                &["--as", member.as_str(), "export", "mine", "--all"],
                "docx",
            ),
        ];
        for (name, command, ext) in kinds {
            if !only.is_empty()
                && !only
                    .iter()
                    .any(|o| format!("{name} .{ext}").contains(o.as_str()))
            {
                continue;
            }
            let file = out.path().join(format!("export.{ext}"));
            let file = file.to_string_lossy().into_owned();
            let mut args: Vec<&str> = command.to_vec();
            args.extend(["--force", "-o", file.as_str()]);
            let (wall, cpu, peak) = series_cpu(&oplaeg, &args, &root, runs.min(3), false)?;
            println!(
                "{:<50} {:>12} {:>10}   CPU {}",
                format!("oplaeg export {name} (.{ext})"),
                ms(wall),
                mb(peak),
                ms(cpu)
            );
        }
    }
    if !exports_only {
        // In this process, after every command (exports too): a child's peak
        // memory as `wait4` reports it includes this process's size.
        let mut cold = Vec::new();
        for _ in 0..runs {
            clear_cache(&root);
            cold.push(first_frame(&root, &email)?);
        }
        first_frame(&root, &email)?;
        let warm: Vec<(Duration, Duration)> = (0..runs)
            .map(|_| first_frame(&root, &email))
            .collect::<anyhow::Result<_>>()?;
        for (what, runs) in [("cache warm", warm), ("cache cold", cold)] {
            let (first, loaded): (Vec<Duration>, Vec<Duration>) = runs.into_iter().unzip();
            println!(
                "{:<34} {:>12}",
                format!("TUI first frame, {what}"),
                ms(median(first))
            );
            println!(
                "{:<34} {:>12}",
                format!("TUI loaded frame, {what}"),
                ms(median(loaded))
            );
        }
    }
    Ok(())
}
