//! A write killed at any moment leaves a valid workspace. The real binary is
//! killed with SIGKILL at each step of a write (the developer build pauses
//! there when told to by `OPLAEG_TEST_PAUSE_AT`) and at random moments
//! during many writes; then the workspace loads without problems, `git
//! fsck` is clean, git sees no stray change, and the next write goes through
//! (the lock is not stuck).
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn oplaeg(ws: &Ws, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, &ws.home);
    cmd.env("LANG", "da_DK.UTF-8")
        .env_remove("OPLAEG_TEST_PAUSE_AT")
        .arg("--repo")
        .arg(&ws.root)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn comment_add(ws: &Ws, body: &str) -> Command {
    oplaeg(ws, &comment_args(MEMBER, body))
}

/// Everything that must hold after a kill, once the workspace is opened
/// again: it loads without problems, plain git sees no change and no broken
/// object, and the next write succeeds.
#[track_caller]
fn assert_valid(ws: &Ws, what: &str) {
    let out = oplaeg(ws, &["--format", "json", "status"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: status fails: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["problems"], serde_json::json!([]), "{what}");
    assert_eq!(status["uncommitted"], serde_json::json!([]), "{what}");
    let porcelain = ws.status();
    assert!(porcelain.is_empty(), "{what}: git status:\n{porcelain}");
    let cached = ws.git_output(&["diff", "--cached", "--quiet"]);
    assert!(
        cached.status.success(),
        "{what}: the index differs from HEAD"
    );
    let fsck = ws.git_output(&["fsck", "--full", "--no-dangling"]);
    assert!(
        fsck.status.success() && fsck.stdout.is_empty(),
        "{what}: git fsck: {}{}",
        String::from_utf8_lossy(&fsck.stdout),
        String::from_utf8_lossy(&fsck.stderr)
    );
    assert!(
        !ws.root.join(".git/oplaeg-write.journal").exists(),
        "{what}: the journal was not cleared"
    );
    let loaded = ws.load_head();
    assert!(loaded.problems.is_empty(), "{what}: {:?}", loaded.problems);
}

/// Starts a write that stops at `step`, waits until it is there, kills it.
fn kill_at(mut cmd: Command, step: &str) {
    let mut child = cmd
        .env("OPLAEG_TEST_PAUSE_AT", step)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        format!("oplaeg-test: paused at {step}"),
        "the write should pause at {step}"
    );
    kill(&mut child);
}

fn kill(child: &mut Child) {
    child.kill().unwrap(); // SIGKILL: no destructor, no cleanup runs
    child.wait().unwrap();
}

const STEPS: [&str; 6] = [
    "commit-object",
    "journal",
    "first-file",
    "files",
    "index",
    "branch",
];

#[test]
fn a_new_comment_killed_at_every_step_leaves_a_valid_workspace() {
    let ws = Ws::sample();
    for (n, step) in STEPS.iter().enumerate() {
        let before = ws.head();
        let comments = ws.load_head().comments.len();
        kill_at(comment_add(&ws, &format!("Dræbt ved {step}.")), step);
        assert_valid(&ws, step);
        // Killed after the branch moved, the comment is there (and its file
        // on disk); before, nothing of it is.
        let after = ws.load_head();
        if *step == "branch" {
            assert_eq!(after.comments.len(), comments + 1, "{step}");
            assert_ne!(ws.head(), before);
        } else {
            assert_eq!(after.comments.len(), comments, "{step}");
            assert_eq!(ws.head(), before, "{step}");
        }
        // The lock is free: the next write goes through.
        let out = comment_add(&ws, &format!("Efter {n}.")).output().unwrap();
        assert!(
            out.status.success(),
            "after {step}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_valid(&ws, &format!("after {step}"));
    }
}

#[test]
fn an_edit_killed_at_every_step_is_finished_or_undone() {
    let ws = Ws::sample();
    let id = ws.chapter_comment(MEMBER, "Version 0.");
    for (n, step) in STEPS.iter().enumerate() {
        let old = ws.load_head().comment(&id).unwrap().body.clone();
        let new = format!("Version {}.", n + 1);
        kill_at(
            oplaeg(&ws, &["--as", MEMBER, "comment", "edit", &id, &new]),
            step,
        );
        assert_valid(&ws, step);
        let now = ws.load_head().comment(&id).unwrap().body.clone();
        let expected = if *step == "branch" { &new } else { &old };
        assert_eq!(&now, expected, "{step}");
        let on_disk = std::fs::read_to_string(ws.root.join(format!("comments/{id}.toml"))).unwrap();
        assert!(
            on_disk.contains(expected.as_str()),
            "{step}: the file on disk matches HEAD"
        );
        if *step != "branch" {
            let out = oplaeg(&ws, &["--as", MEMBER, "comment", "edit", &id, &new])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "after {step}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn a_hand_edit_made_after_a_crash_is_never_overwritten() {
    let ws = Ws::sample();
    kill_at(comment_add(&ws, "Halvt skrevet."), "files");
    // Someone edits the half-written file by hand before oplaeg runs again.
    let orphan = std::fs::read_dir(ws.root.join("comments"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("the interrupted write left its file");
    std::fs::write(&orphan, "# mine\n").unwrap();
    let out = oplaeg(&ws, &["status"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&orphan).unwrap(), "# mine\n");
    assert!(!ws.root.join(".git/oplaeg-write.journal").exists());
}

/// A small deterministic generator for the kill delays (no extra crate).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn many_writes_killed_at_random_moments_leave_a_valid_workspace() {
    let ws = Ws::sample();
    // How long one write takes here, so kills land inside writes.
    let start = Instant::now();
    let out = comment_add(&ws, "Målt.").output().unwrap();
    assert!(out.status.success());
    let span = u64::try_from(start.elapsed().as_micros()).unwrap_or(200_000);
    let seed = 0x5eed_0000 + u64::from(std::process::id() % 1000);
    eprintln!("seed {seed}, one write takes {span} µs");
    let mut rng = Lcg(seed);
    let mut finished = 0;
    for n in 0..40 {
        let mut child = comment_add(&ws, &format!("Kommentar {n}."))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(span * 12 / 10)));
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        } else {
            kill(&mut child);
        }
        // Every few kills, a reader opens the workspace meanwhile.
        if n % 10 == 9 {
            assert_valid(&ws, &format!("after {} kills", n + 1));
        }
    }
    eprintln!("{finished} of 40 writes finished before the kill");
    assert_valid(&ws, "at the end");
    // Every comment in HEAD is whole, and each is one commit by the member.
    let head = ws.load_head();
    let by_member = ws
        .git(&["log", "--format=%ae", "--author", MEMBER])
        .lines()
        .count();
    assert_eq!(head.comments.len(), by_member);
    let out = comment_add(&ws, "Til sidst.").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
