//! Benchmark of `oplaeg verify` against plain git over the same history:
//! the whole history checked (`oplaeg verify`) beside git reading the same
//! commits and trees (`git log --raw --no-renames`, `git rev-list --objects
//! --all`), a short range (`oplaeg verify HEAD~3..HEAD`), and a server's
//! `pre-receive` hook judging a push of the last three commits (`oplaeg
//! verify --pre-receive` in a bare repository that holds everything up to
//! `HEAD~3`). The whole history is also checked with `OPLAEG_VERIFY_GIT=0`
//! (tree differences from libgit2 instead of one `git diff-tree` process).
//! Each is a separate process; wall time and CPU time (user +
//! system, from `getrusage` of the children) are printed.
//!
//! ```sh
//! cargo build --release --bin oplaeg --examples
//! cargo run --release --example bench_verify -- [--runs 3] [--oplaeg PATH] [WORKSPACE]
//! ```
//!
//! WORKSPACE (default: `/tmp/oplaeg-bench-verify`) is generated first when
//! it does not exist, with the `gen_workspace` example built next to this
//! one: `--chapters 200 --megabytes 20 --comments 50000 --commits 5000
//! --seed 42` (some minutes and about 1 GB of disk; delete it afterwards).
//! `--oplaeg` defaults to `target/release/oplaeg`. The bare repository for
//! the hook borrows the workspace's objects (`objects/info/alternates`), so
//! it costs nothing to make.
//!
//! Not a test: it prints figures, and fails only when something does not
//! run or `verify` reports a broken rule on the generated history.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PAGER", "cat")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    c
}

fn git_out(dir: &Path, args: &[&str]) -> Result<String> {
    let out = git_cmd(dir).args(args).output().context("running git")?;
    ensure!(
        out.status.success(),
        "git {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// CPU time (user + system) of every child process waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// One process run: wall and CPU time, and its standard output's line count.
struct Run {
    wall: Duration,
    cpu: Duration,
    lines: usize,
}

fn run(mut cmd: Command, stdin: Option<&str>) -> Result<Run> {
    use std::io::Write as _;
    let cpu0 = children_cpu();
    let t0 = Instant::now();
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().context("starting the process")?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A process that stops early says why on its own output, below.
        let _ = pipe.write_all(text.as_bytes());
    }
    let out = child.wait_with_output()?;
    let wall = t0.elapsed();
    let cpu = children_cpu().saturating_sub(cpu0);
    ensure!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
    Ok(Run { wall, cpu, lines })
}

/// The median run (by wall time) of `runs`.
fn best_of(runs: usize, mut once: impl FnMut() -> Result<Run>) -> Result<Run> {
    let mut all = (0..runs.max(1))
        .map(|_| once())
        .collect::<Result<Vec<_>>>()?;
    all.sort_by_key(|r| r.wall);
    let mid = all.len() / 2;
    Ok(all.swap_remove(mid))
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn main() -> Result<()> {
    let mut runs = 3usize;
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut oplaeg = manifest.join("target/release/oplaeg");
    let mut ws = PathBuf::from("/tmp/oplaeg-bench-verify");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            "--oplaeg" => oplaeg = args.next().context("--oplaeg PATH")?.into(),
            _ if a.starts_with("--") => bail!("unknown option {a}"),
            _ => ws = a.into(),
        }
    }
    ensure!(
        oplaeg.exists(),
        "{} is missing: cargo build --release --bin oplaeg",
        oplaeg.display()
    );
    if !ws.exists() {
        let generator = std::env::current_exe()?.with_file_name("gen_workspace");
        println!("generating {} (some minutes)…", ws.display());
        let status = Command::new(&generator)
            .args([
                "--chapters",
                "200",
                "--megabytes",
                "20",
                "--comments",
                "50000",
                "--commits",
                "5000",
                "--seed",
                "42",
            ])
            .arg(&ws)
            .status()
            .with_context(|| format!("running {}", generator.display()))?;
        ensure!(status.success(), "gen_workspace failed");
    }
    let commits = git_out(&ws, &["rev-list", "--count", "HEAD"])?;
    let comments = git_out(&ws, &["ls-tree", "--name-only", "HEAD", "comments/"])?
        .lines()
        .count();
    println!(
        "workspace {}: {commits} commits, {comments} comment files",
        ws.display()
    );

    let oplaeg_cmd = |repo: &Path| {
        let mut c = Command::new(&oplaeg);
        c.arg("--lang")
            .arg("en")
            .arg("--repo")
            .arg(repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        for var in [
            "OPLAEG_PUSHER",
            "GITEA_PUSHER_EMAIL",
            "GL_USERNAME",
            "REMOTE_USER",
        ] {
            c.env_remove(var);
        }
        c
    };

    let mut rows: Vec<(String, Run)> = Vec::new();
    let whole = best_of(runs, || {
        let mut c = oplaeg_cmd(&ws);
        c.arg("verify");
        run(c, None)
    })?;
    rows.push(("oplaeg verify (whole history)".into(), whole));
    // The same without the `git` program's help: libgit2 compares every tree.
    let libgit2 = best_of(runs, || {
        let mut c = oplaeg_cmd(&ws);
        c.arg("verify").env("OPLAEG_VERIFY_GIT", "0");
        run(c, None)
    })?;
    rows.push((
        "oplaeg verify, OPLAEG_VERIFY_GIT=0 (libgit2 only)".into(),
        libgit2,
    ));
    let log = best_of(runs, || {
        let mut c = git_cmd(&ws);
        c.args(["log", "--raw", "--no-renames", "--format=%H"]);
        run(c, None)
    })?;
    rows.push(("git log --raw --no-renames (whole history)".into(), log));
    let objects = best_of(runs, || {
        let mut c = git_cmd(&ws);
        c.args(["rev-list", "--objects", "--all"]);
        run(c, None)
    })?;
    let n_objects = objects.lines;
    rows.push((
        format!("git rev-list --objects --all ({n_objects} objects)"),
        objects,
    ));
    let range = best_of(runs, || {
        let mut c = oplaeg_cmd(&ws);
        c.args(["verify", "HEAD~3..HEAD"]);
        run(c, None)
    })?;
    rows.push(("oplaeg verify HEAD~3..HEAD".into(), range));
    let log3 = best_of(runs, || {
        let mut c = git_cmd(&ws);
        c.args([
            "log",
            "--raw",
            "--no-renames",
            "--format=%H",
            "HEAD~3..HEAD",
        ]);
        run(c, None)
    })?;
    rows.push(("git log --raw --no-renames HEAD~3..HEAD".into(), log3));

    // A server holding everything up to HEAD~3, judging a push of the rest.
    let server = tempfile::Builder::new()
        .prefix("oplaeg-bench-verify-server")
        .tempdir()?;
    let bare = server.path().join("server.git");
    git_out(
        server.path(),
        &["init", "-q", "--bare", "-b", "main", "server.git"],
    )?;
    let objects_dir = std::fs::canonicalize(ws.join(".git/objects"))?;
    std::fs::write(
        bare.join("objects/info/alternates"),
        format!("{}\n", objects_dir.display()),
    )?;
    let old = git_out(&ws, &["rev-parse", "HEAD~3"])?;
    let new = git_out(&ws, &["rev-parse", "HEAD"])?;
    git_out(&bare, &["update-ref", "refs/heads/main", &old])?;
    let input = format!("{old} {new} refs/heads/main\n");
    let hook = best_of(runs, || {
        let mut c = oplaeg_cmd(&bare);
        c.args(["verify", "--pre-receive"]);
        run(c, Some(&input))
    })?;
    rows.push((
        "oplaeg verify --pre-receive (a push of 3 commits)".into(),
        hook,
    ));
    let plain = best_of(runs, || {
        let mut c = git_cmd(&bare);
        c.args(["rev-list", "--objects", &new, &format!("^{old}")]);
        run(c, None)
    })?;
    rows.push(("git rev-list --objects of the same 3 commits".into(), plain));

    println!("median of {runs} run(s), each a separate process:");
    println!("{:<58} {:>9} {:>9}", "", "wall", "CPU");
    for (what, r) in &rows {
        println!("{what:<58} {:>9} {:>9}", secs(r.wall), secs(r.cpu));
    }
    Ok(())
}
