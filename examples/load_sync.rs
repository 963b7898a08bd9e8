//! Load test of working together: MEMBERS simulated members (default 20)
//! each write PER comments (default 50) on their own clone and sync in a
//! random order against one bare repository; at the end the server must
//! hold every comment and every clone the same commit. The same schedule
//! is then run with plain git (`git commit` per comment, `git pull
//! --no-edit` + `git push` per sync) for reference.
//!
//! ```sh
//! cargo run --release --example load_sync                # 20 × 50, in turn
//! cargo run --release --example load_sync -- --threads   # all at once
//! cargo run --release --example load_sync -- 5 10        # 5 members × 10
//! ```
//!
//! In turn: each step of the shuffled schedule is one member writing a
//! batch of comments and syncing. With `--threads` every member runs in
//! its own thread and syncs at random moments, so syncs collide and are
//! retried (a local-path server lets oplaeg clients take turns).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use oplaeg::model::{Config, Role};
use oplaeg::ops::{self, NewTarget, Session};
use oplaeg::store::{Progress, Store};

/// Comments written between two syncs of one member.
const BATCH: usize = 10;

/// A small deterministic generator (xorshift), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .context("git runs")?;
    ensure!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn email(i: usize) -> String {
    format!("medlem{i:02}@load.example")
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The writer's workspace with the members, sent to a new bare server.
fn setup(dir: &Path, members: usize) -> Result<PathBuf> {
    let writer = ops::writer("Mette Holm", "mette.holm@sst.example", "Sundhedsstyrelsen");
    let config = Config::new("Belastningsprøve", writer);
    let ws = dir.join("writer");
    ops::init(&ws, &config, &[], None)?;
    let s = Session::new(Store::open(&ws)?, Some("mette.holm@sst.example"))?;
    for i in 0..members {
        s.member_add(&format!("Medlem {i}"), &email(i), "Prøveorg", Role::Member)?;
    }
    let server = dir.join("server.git");
    git(
        dir,
        &[
            "init",
            "-q",
            "--bare",
            "--initial-branch=main",
            "server.git",
        ],
    )?;
    git(
        &ws,
        &["remote", "add", "origin", server.to_str().unwrap_or("")],
    )?;
    s.sync(None, &mut |_: &Progress| {})?;
    Ok(server)
}

fn comment(root: &Path, who: &str, n: usize) -> Result<()> {
    let s = Session::new(Store::open(root)?, Some(who))?;
    s.add_comment(
        NewTarget::Chapter {
            chapter: "indledning".into(),
            quote: None,
        },
        &format!("Kommentar nr. {n} fra {who}."),
    )?;
    Ok(())
}

fn sync(root: &Path, who: &str) -> Result<u32> {
    let s = Session::new(Store::open(root)?, Some(who))?;
    // A person told the server is busy tries again a moment later.
    for _ in 0..20 {
        match s.sync(None, &mut |_: &Progress| {}) {
            Ok(r) => return Ok(r.attempts),
            Err(oplaeg::Error::ServerBusy(_)) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("{who}: the server stayed busy")
}

struct Figures {
    write: Duration,
    sync: Duration,
    syncs: usize,
    retries: u32,
}

fn run_oplaeg(
    dir: &Path,
    server: &Path,
    members: usize,
    per: usize,
    threads: bool,
) -> Result<Figures> {
    let clones: Vec<(PathBuf, String)> = (0..members)
        .map(|i| {
            let root = dir.join(format!("m{i:02}"));
            let who = email(i);
            ops::clone(
                server.to_str().unwrap_or(""),
                &root,
                Some(&who),
                &mut |_: &Progress| {},
            )?;
            Ok((root, who))
        })
        .collect::<Result<_>>()?;
    let mut f = Figures {
        write: Duration::ZERO,
        sync: Duration::ZERO,
        syncs: 0,
        retries: 0,
    };
    if threads {
        let started = Instant::now();
        let results: Vec<Result<(usize, u32)>> = std::thread::scope(|s| {
            let handles: Vec<_> = clones
                .iter()
                .enumerate()
                .map(|(i, (root, who))| {
                    s.spawn(move || -> Result<(usize, u32)> {
                        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
                        let (mut syncs, mut retries) = (0, 0);
                        for n in 0..per {
                            comment(root, who, n)?;
                            if rng.next().is_multiple_of(BATCH as u64) {
                                retries += sync(root, who)? - 1;
                                syncs += 1;
                            }
                        }
                        retries += sync(root, who)? - 1;
                        Ok((syncs + 1, retries))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("member thread"))
                .collect()
        });
        for r in results {
            let (syncs, retries) = r?;
            f.syncs += syncs;
            f.retries += retries;
        }
        f.sync = started.elapsed();
    } else {
        let mut schedule: Vec<usize> = (0..members)
            .flat_map(|m| std::iter::repeat_n(m, per.div_ceil(BATCH)))
            .collect();
        Rng(42).shuffle(&mut schedule);
        let mut written = vec![0usize; members];
        for &m in &schedule {
            let (root, who) = &clones[m];
            let t = Instant::now();
            let end = (written[m] + BATCH).min(per);
            for n in written[m]..end {
                comment(root, who, n)?;
            }
            written[m] = end;
            f.write += t.elapsed();
            let t = Instant::now();
            f.retries += sync(root, who)? - 1;
            f.sync += t.elapsed();
            f.syncs += 1;
        }
    }
    // Everyone syncs once more, so every clone ends with everything.
    let t = Instant::now();
    for (root, who) in &clones {
        sync(root, who)?;
        f.syncs += 1;
    }
    if !threads {
        f.sync += t.elapsed();
    }
    let tip = git(server, &["rev-parse", "main"])?;
    for (root, who) in &clones {
        ensure!(
            git(root, &["rev-parse", "HEAD"])? == tip,
            "{who} is not in step"
        );
    }
    Ok(f)
}

/// The same schedule with plain git: one commit per comment file, and
/// `git pull --no-edit` + `git push` per sync.
fn run_git(dir: &Path, server: &Path, members: usize, per: usize) -> Result<Figures> {
    let mut clones = Vec::new();
    for i in 0..members {
        let name = format!("g{i:02}");
        git(dir, &["clone", "-q", server.to_str().unwrap_or(""), &name])?;
        let root = dir.join(&name);
        git(&root, &["config", "user.email", &email(i)])?;
        git(&root, &["config", "user.name", &format!("Medlem {i}")])?;
        clones.push(root);
    }
    let mut schedule: Vec<usize> = (0..members)
        .flat_map(|m| std::iter::repeat_n(m, per.div_ceil(BATCH)))
        .collect();
    Rng(42).shuffle(&mut schedule);
    let mut written = vec![0usize; members];
    let mut f = Figures {
        write: Duration::ZERO,
        sync: Duration::ZERO,
        syncs: 0,
        retries: 0,
    };
    let pull_push = |root: &Path| -> Result<()> {
        git(root, &["pull", "-q", "--no-rebase", "--no-edit"])?;
        git(root, &["push", "-q", "origin", "main"])?;
        Ok(())
    };
    for &m in &schedule {
        let root = &clones[m];
        let t = Instant::now();
        let end = (written[m] + BATCH).min(per);
        for n in written[m]..end {
            let file = format!("comments/git-{m:02}-{n:03}.toml");
            std::fs::create_dir_all(root.join("comments"))?;
            std::fs::write(root.join(&file), format!("body = \"Kommentar nr. {n}\"\n"))?;
            git(root, &["add", &file])?;
            git(root, &["commit", "-q", "-m", &format!("Kommentar {n}")])?;
        }
        written[m] = end;
        f.write += t.elapsed();
        let t = Instant::now();
        pull_push(root)?;
        f.sync += t.elapsed();
        f.syncs += 1;
    }
    let t = Instant::now();
    for root in &clones {
        git(root, &["pull", "-q", "--no-rebase", "--no-edit"])?;
        f.syncs += 1;
    }
    f.sync += t.elapsed();
    Ok(f)
}

fn count_comments(server: &Path, prefix: &str) -> Result<usize> {
    Ok(git(
        server,
        &["ls-tree", "-r", "--name-only", "main", "comments/"],
    )?
    .lines()
    .filter(|l| l.starts_with(prefix))
    .count())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let threads = args.iter().any(|a| a == "--threads");
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let members = numbers.first().copied().unwrap_or(20);
    let per = numbers.get(1).copied().unwrap_or(50);
    let tmp = tempfile::Builder::new().prefix("oplaeg-load-").tempdir()?;
    let dir = tmp.path();

    let t = Instant::now();
    let server = setup(dir, members)?;
    println!(
        "{members} members × {per} comments, {}, one bare repository on a local path: {}",
        if threads {
            "all at once"
        } else {
            "in a random order"
        },
        server.display()
    );
    let o = run_oplaeg(dir, &server, members, per, threads)?;
    let total = t.elapsed();
    let on_server = count_comments(&server, "comments/")?;
    ensure!(
        on_server == members * per,
        "the server has {on_server} comments, expected {}",
        members * per
    );
    if threads {
        println!(
            "oplaeg: {on_server} comments on the server; {} syncs ({} retried rounds); writing and syncing at once {}, all in {}",
            o.syncs,
            o.retries,
            secs(o.sync),
            secs(total)
        );
    } else {
        println!(
            "oplaeg: {on_server} comments on the server; {} syncs ({} retried rounds); writing {}, syncing {}, all in {}",
            o.syncs,
            o.retries,
            secs(o.write),
            secs(o.sync),
            secs(total)
        );
    }
    let commits = git(&server, &["rev-list", "--count", "main"])?;
    let merges = git(&server, &["rev-list", "--count", "--merges", "main"])?;
    println!("        server history: {commits} commits, of which {merges} merges");
    let t = Instant::now();
    let report = ops::verify(&Store::open(&server)?, Some("main"), None)?;
    ensure!(
        report.ok(),
        "verify found {} broken rules: {:?}",
        report.violations.len(),
        report.violations.first()
    );
    println!(
        "        oplaeg verify on the server: {} commits keep the roles ({})",
        report.commits,
        secs(t.elapsed())
    );

    if !threads {
        let gdir = dir.join("plain-git");
        std::fs::create_dir_all(&gdir)?;
        git(
            &gdir,
            &[
                "clone",
                "-q",
                "--bare",
                server.to_str().unwrap_or(""),
                "server.git",
            ],
        )?;
        let gserver = gdir.join("server.git");
        let g = run_git(&gdir, &gserver, members, per)?;
        let plain = count_comments(&gserver, "comments/git-")?;
        ensure!(plain == members * per, "plain git lost comments: {plain}");
        println!(
            "git:    {plain} comment files; {} pull+push; writing (add+commit) {}, syncing {}",
            g.syncs,
            secs(g.write),
            secs(g.sync)
        );
        println!(
            "        per sync: oplaeg {:.1} ms, git pull+push {:.1} ms",
            o.sync.as_secs_f64() * 1000.0 / o.syncs as f64,
            g.sync.as_secs_f64() * 1000.0 / g.syncs as f64
        );
    }
    Ok(())
}
