//! Benchmark of `oplaeg diff` against plain git on a large workspace: the
//! whole process `oplaeg diff meeting/3 meeting/4 --format json` (and the
//! text) beside `git diff --word-diff=porcelain meeting/3 meeting/4`, run
//! alternately in the same run, several times; medians of the wall time and
//! of the CPU time (user + system, of the process and its threads) compared.
//!
//! ```sh
//! cargo build --release --bin oplaeg --examples
//! cargo run --release --example bench_diff -- [--runs 9] [--prose] [--first | --clone | --no-cache] [--baseline OLD-OPLAEG] [WORKSPACE]
//! ```
//!
//! `--baseline` runs another build of `oplaeg` (say, of the main branch)
//! alternately in the same run, for before-and-after figures.
//!
//! Without `--first`, `--clone` or `--no-cache` every timed run finds the
//! diff's own cache filled (by the warm-up run), as when a pair of revisions
//! has been diffed before. `--first` puts back, before every run of
//! `oplaeg`, the cache (`.git/oplaeg/cache`) exactly as one `oplaeg status`
//! at HEAD left it: the first diff of a pair, nothing placed on its
//! revisions before. `--clone` does the same in a new clone made with
//! `oplaeg clone` (next to WORKSPACE, named `…-clone`; git runs there too),
//! with the cache as the clone left it: the first diff on a new member's
//! clone. With `--no-cache` the whole `.git/oplaeg/cache` goes before every
//! run.
//!
//! WORKSPACE (default: `/tmp/oplaeg-bench-diff`, with `--prose`
//! `/tmp/oplaeg-bench-diff-prose`) is generated first when it does not
//! exist, with the `gen_workspace` example built next to this one:
//! `--chapters 60 --megabytes 5 --comments 10000 --commits 2000 --meetings 4
//! --seed 42`, or with `--prose` a workspace of prose only: `--prose
//! --chapters 60 --megabytes 5 --comments 0 --commits 5 --meetings 4 --seed
//! 42` (60 chapters of about 85 KB, about 5 % of the paragraphs of every
//! chapter edited between two meetings, no comments). The benchmark checks
//! that the tags `meeting/3` and `meeting/4` exist and that chapters changed
//! between them. Both programs write to /dev/null; git runs with its
//! configuration isolated.
//!
//! Not a test: it prints figures, and fails only when something does not
//! run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

fn git_cmd(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PAGER", "cat")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    c
}

fn git_out(root: &Path, args: &[&str]) -> Result<String> {
    let out = git_cmd(root).args(args).output().context("running git")?;
    ensure!(
        out.status.success(),
        "git {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// CPU time (user + system) used so far by the children waited for.
#[cfg(unix)]
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let t = |v: libc::timeval| {
        Duration::from_secs(v.tv_sec as u64) + Duration::from_micros(v.tv_usec as u64)
    };
    t(u.ru_utime) + t(u.ru_stime)
}

#[cfg(not(unix))]
fn children_cpu() -> Duration {
    Duration::ZERO
}

/// Runs a command with its output thrown away; its wall and CPU time.
fn timed(cmd: &mut Command) -> Result<(Duration, Duration)> {
    let cpu = children_cpu();
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .status()
        .context("running the command")?;
    let t = start.elapsed();
    ensure!(status.success(), "{cmd:?} failed");
    Ok((t, children_cpu().saturating_sub(cpu)))
}

/// Bytes a command writes.
fn output_size(cmd: &mut Command) -> Result<usize> {
    let out = cmd.output().context("running the command")?;
    ensure!(out.status.success(), "{cmd:?} failed");
    Ok(out.stdout.len())
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<()> {
    let mut runs = 9usize;
    let mut root: Option<PathBuf> = None;
    let mut prose = false;
    let mut baseline: Option<PathBuf> = None;
    // The cache's state before every run of oplaeg (see the module's notes).
    let mut cold = Cold::Warm;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .context("--runs N")?
            }
            "--prose" => prose = true,
            "--first" => cold = Cold::First,
            "--clone" => cold = Cold::Clone,
            "--no-cache" => cold = Cold::None,
            "--baseline" => {
                baseline = Some(args.next().map(PathBuf::from).context("--baseline BIN")?)
            }
            "-h" | "--help" => {
                println!(
                    "usage: bench_diff [--runs N] [--prose] [--first | --clone | --no-cache] [--baseline OTHER-OPLAEG] [WORKSPACE]"
                );
                return Ok(());
            }
            other => root = Some(PathBuf::from(other)),
        }
    }
    let root = root.unwrap_or_else(|| {
        PathBuf::from(if prose {
            "/tmp/oplaeg-bench-diff-prose"
        } else {
            "/tmp/oplaeg-bench-diff"
        })
    });
    ensure!(runs >= 1, "--runs must be at least 1");

    // The binaries built next to this example (target/release/...).
    let me = std::env::current_exe()?;
    let examples = me.parent().context("the example's folder")?;
    let target = examples.parent().context("the target folder")?;
    let oplaeg = target.join("oplaeg");
    ensure!(
        oplaeg.is_file(),
        "{} is missing: run `cargo build --release --bin oplaeg --examples` first",
        oplaeg.display()
    );
    if !target.ends_with("release") {
        eprintln!("warning: not a release build; the figures mean little");
    }

    if !root.join("oplaeg.toml").is_file() {
        let generator = examples.join("gen_workspace");
        ensure!(
            generator.is_file(),
            "{} is missing: run `cargo build --release --examples` first",
            generator.display()
        );
        println!("generating {} …", root.display());
        let sizes: &[&str] = if prose {
            &["--prose", "--comments", "0", "--commits", "5"]
        } else {
            &["--comments", "10000", "--commits", "2000"]
        };
        let status = Command::new(&generator)
            .args(["--chapters", "60", "--megabytes", "5"])
            .args(sizes)
            .args(["--meetings", "4", "--seed", "42"])
            .arg(&root)
            .status()?;
        ensure!(status.success(), "gen_workspace failed");
    }

    // The workspace has what the benchmark needs.
    for tag in ["meeting/3", "meeting/4"] {
        git_out(&root, &["rev-parse", "--verify", "--quiet", tag])
            .with_context(|| format!("the workspace has no tag {tag}"))?;
    }
    let chapters = git_out(
        &root,
        &[
            "diff",
            "--name-only",
            "meeting/3",
            "meeting/4",
            "--",
            "drafts",
        ],
    )?;
    let changed = chapters.lines().count();
    if changed == 0 {
        bail!("no chapter changed between meeting/3 and meeting/4");
    }
    let files = git_out(&root, &["diff", "--name-only", "meeting/3", "meeting/4"])?
        .lines()
        .count();
    let total = git_out(&root, &["ls-tree", "--name-only", "meeting/4", "drafts/"])?
        .lines()
        .count();

    // With --clone, the figures are a new clone's.
    let root = match cold {
        Cold::Clone => {
            let mut name = root.file_name().context("the workspace's name")?.to_owned();
            name.push("-clone");
            let clone = root.with_file_name(name);
            if clone.exists() {
                std::fs::remove_dir_all(&clone)?;
            }
            let started = Instant::now();
            let status = Command::new(&oplaeg)
                .arg("clone")
                .arg(&root)
                .arg(&clone)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .stdout(Stdio::null())
                .status()?;
            ensure!(status.success(), "oplaeg clone failed");
            println!(
                "cloned to {} with oplaeg clone in {}",
                clone.display(),
                ms(started.elapsed())
            );
            clone
        }
        _ => root,
    };

    let run_as = |bin: &Path, format: &str| {
        let mut c = Command::new(bin);
        c.arg("--repo")
            .arg(&root)
            .args(["diff", "meeting/3", "meeting/4", "--format", format])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("CLICOLOR_FORCE");
        c
    };
    // HEAD's load cache, as any use of the workspace leaves it (a new
    // clone is measured as `oplaeg clone` left it).
    let cache = root.join(".git/oplaeg/cache");
    if cold != Cold::Clone {
        if cold != Cold::Warm {
            let _ = std::fs::remove_dir_all(&cache);
        }
        let mut warm_up = Command::new(&oplaeg);
        warm_up.arg("--repo").arg(&root).arg("status");
        ensure!(
            warm_up.stdout(Stdio::null()).status()?.success(),
            "oplaeg status failed"
        );
    }
    // The cache as it is now, put back before every run.
    let snapshot = root.join(".git/oplaeg-bench-cache");
    let _ = std::fs::remove_dir_all(&snapshot);
    if matches!(cold, Cold::First | Cold::Clone) {
        copy_dir(&cache, &snapshot)?;
    }
    let clear = || -> anyhow::Result<()> {
        if cold != Cold::Warm {
            let _ = std::fs::remove_dir_all(&cache);
        }
        if matches!(cold, Cold::First | Cold::Clone) {
            copy_dir(&snapshot, &cache)?;
        }
        Ok(())
    };
    let ours = || run_as(&oplaeg, "json");
    let ours_text = || run_as(&oplaeg, "text");
    let git = || {
        let mut c = git_cmd(&root);
        c.args(["diff", "--word-diff=porcelain", "meeting/3", "meeting/4"]);
        c
    };

    let sizes = (
        output_size(&mut ours())?,
        output_size(&mut ours_text())?,
        output_size(&mut git())?,
    );
    // Warm the page cache for both.
    timed(&mut ours())?;
    timed(&mut git())?;

    let (mut t_ours, mut t_text, mut t_git) = (Vec::new(), Vec::new(), Vec::new());
    let (mut t_base, mut t_base_text) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        t_git.push(timed(&mut git())?);
        clear()?;
        t_ours.push(timed(&mut ours())?);
        clear()?;
        t_text.push(timed(&mut ours_text())?);
        if let Some(b) = &baseline {
            clear()?;
            t_base.push(timed(&mut run_as(b, "json"))?);
            clear()?;
            t_base_text.push(timed(&mut run_as(b, "text"))?);
        }
    }
    let split = |v: &[(Duration, Duration)]| {
        (
            median(v.iter().map(|x| x.0).collect()),
            median(v.iter().map(|x| x.1).collect()),
        )
    };
    let ((o, o_min, o_max), (oc, _, _)) = split(&t_ours);
    let ((x, x_min, x_max), (xc, _, _)) = split(&t_text);
    let ((g, g_min, g_max), (gc, _, _)) = split(&t_git);

    println!(
        "workspace {}: {changed} of {total} chapters and {files} files changed between meeting/3 and meeting/4",
        root.display()
    );
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let state = match cold {
        Cold::Warm => "the diff's cache filled (a pair diffed before)",
        Cold::First => {
            "the cache put back as `oplaeg status` at HEAD left it before each run (the first diff of a pair)"
        }
        Cold::Clone => {
            "the cache put back as `oplaeg clone` left it before each run (the first diff on a new clone)"
        }
        Cold::None => "the whole cache deleted before each run",
    };
    println!(
        "{runs} runs each, alternating; wall time of the whole process, CPU time (user + system) of it and its threads; {cores} cores, load average {load}; {state}\n"
    );
    println!(
        "{:<52} {:>7} {:>7} {:>7} {:>8} {:>8}",
        "command", "wall", "min", "max", "CPU", "output"
    );
    let row = |name: &str, m: Duration, lo: Duration, hi: Duration, cpu: Duration, size: usize| {
        println!(
            "{name:<52} {:>7} {:>7} {:>7} {:>8} {:>5.1} MB",
            ms(m),
            ms(lo),
            ms(hi),
            ms(cpu),
            size as f64 / 1e6
        );
    };
    row(
        "oplaeg diff meeting/3 meeting/4 --format json",
        o,
        o_min,
        o_max,
        oc,
        sizes.0,
    );
    row(
        "oplaeg diff meeting/3 meeting/4 (text, piped)",
        x,
        x_min,
        x_max,
        xc,
        sizes.1,
    );
    row(
        "git diff --word-diff=porcelain meeting/3 meeting/4",
        g,
        g_min,
        g_max,
        gc,
        sizes.2,
    );
    if baseline.is_some() {
        let ((b, b_min, b_max), (bc, _, _)) = split(&t_base);
        let ((bt, bt_min, bt_max), (btc, _, _)) = split(&t_base_text);
        row("baseline --format json", b, b_min, b_max, bc, sizes.0);
        row("baseline (text, piped)", bt, bt_min, bt_max, btc, sizes.1);
    }
    println!();
    for (name, wall, cpu) in [("json", o, oc), ("text", x, xc)] {
        let (rw, rc) = (
            wall.as_secs_f64() / g.as_secs_f64(),
            cpu.as_secs_f64() / gc.as_secs_f64().max(1e-9),
        );
        let verdict = if rw <= 1.0 && rc <= 1.0 {
            "no slower than git"
        } else {
            "SLOWER than git"
        };
        println!("oplaeg ({name}) / git: wall {rw:.2}, CPU {rc:.2} → {verdict}");
    }
    Ok(())
}

/// The cache's state before each timed run of oplaeg.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cold {
    /// As the warm-up run left it.
    Warm,
    /// As `oplaeg status` left it.
    First,
    /// As `oplaeg clone` left it, in a new clone.
    Clone,
    /// No cache.
    None,
}

/// Copies the files of folder `from` (and its folders) to `to`.
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}
