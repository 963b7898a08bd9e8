//! A sync killed at any moment jams nothing and loses nothing. The real
//! binary's `oplaeg sync` is killed with SIGKILL at each of its steps (the
//! developer build pauses there when told to by `OPLAEG_TEST_PAUSE_AT`) and
//! at random moments of a small and a ~600-commit transfer, through a
//! server given as a path, through `git daemon` (`git://`) and through
//! sshd on 127.0.0.1 (`ssh://`; skipped loudly where sshd is missing). Afterwards
//! plain git must find the clone whole once the next command has run
//! (`git fsck`, `git status --porcelain`, no journal or lock left), the
//! server's branch never rewound, every local commit kept, and the next
//! sync must succeed and bring clone and server together.
//!
//! A longer soak (many more random kills) is `#[ignore]`d; run it with
//! `cargo test --test crash_sync -- --ignored`.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use common::{Daemon, Sshd};
use oplaeg::ops::{self, NewTarget};
use oplaeg::store::Progress;

fn oplaeg(home: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, home);
    cmd.env("LANG", "da_DK.UTF-8")
        .env_remove("OPLAEG_TEST_PAUSE_AT")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn sync_cmd(home: &Path, dir: &Path) -> Command {
    oplaeg(home, dir, &["--as", MEMBER, "sync"])
}

#[track_caller]
fn run_ok(mut cmd: Command, what: &str) -> String {
    let out = cmd.output().expect("run oplaeg");
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn kill(child: &mut Child) {
    let _ = child.kill(); // SIGKILL: no destructor, no cleanup runs
    let _ = child.wait();
}

/// Starts a sync that stops at `step`; kills it there. False when the sync
/// ended without reaching the step (a step that this kind of sync skips).
fn kill_sync_at(home: &Path, dir: &Path, step: &str) -> bool {
    kill_at(sync_cmd(home, dir), step)
}

/// Starts `cmd` (a developer build of oplaeg) told to stop at `step`; kills
/// it there. False when it ended without reaching the step.
fn kill_at(mut cmd: Command, step: &str) -> bool {
    let mut child = cmd
        .env("OPLAEG_TEST_PAUSE_AT", step)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start oplaeg");
    let mut reader = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let reached = loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break false,
            Ok(_) if line.trim() == format!("oplaeg-test: paused at {step}") => break true,
            Ok(_) => {}
        }
    };
    kill(&mut child);
    reached
}

/// How the clone reaches the server.
#[derive(Clone, Copy, Debug)]
enum Transport {
    Path,
    GitDaemon(u16),
    /// `ssh://user@127.0.0.1:PORT/path`.
    Ssh(u16, &'static str),
}

/// A starting point copied for every kill: a bare server that is ahead of
/// a member's clone by `incoming` commits, the clone holding one comment of
/// its own (so the sync merges) unless `fast_forward`.
struct Template {
    ws: Ws,
    dir: PathBuf,
    /// The member's own commit (None for a fast-forward).
    local: Option<String>,
}

impl Template {
    fn new(incoming: usize, fast_forward: bool) -> Template {
        let ws = Ws::sample();
        let dir = ws.tmp.join("template");
        std::fs::create_dir_all(&dir).unwrap();
        let server = dir.join("server.git");
        git(
            &dir,
            &[
                "init",
                "-q",
                "--bare",
                "--initial-branch=main",
                "server.git",
            ],
        );
        ws.git(&["remote", "add", "origin", server.to_str().unwrap()]);
        ws.session(WRITER)
            .sync(None, &mut |_: &Progress| {})
            .expect("first sync");
        let clone = dir.join("clone");
        ops::clone(
            server.to_str().unwrap(),
            &clone,
            Some(MEMBER),
            &mut |_: &Progress| {},
        )
        .expect("clone");
        // The writer's new work reaches the server.
        ws.session(WRITER)
            .add_comment(
                NewTarget::Chapter {
                    chapter: "2".into(),
                    quote: None,
                },
                "Skribentens nye kommentar.",
            )
            .expect("writer's comment");
        let chapter = ws.root.join("drafts/02-rehabilitering.md");
        let text = std::fs::read_to_string(&chapter).unwrap();
        std::fs::write(&chapter, format!("{text}\nEt nyt afsnit fra skribenten.\n")).unwrap();
        ws.session(WRITER)
            .save("Nyt afsnit")
            .expect("writer's save");
        ws.session(WRITER)
            .sync(None, &mut |_: &Progress| {})
            .expect("writer's sync");
        if incoming > 0 {
            many_commits(&server, &ws.home, incoming);
        }
        let local = (!fast_forward).then(|| {
            member_comment(&clone, "Medlemmets egen kommentar, ikke sendt endnu.");
            git(&clone, &["rev-parse", "HEAD"])
        });
        Template { ws, dir, local }
    }

    /// A fresh copy of server and clone in `name`, the clone pointed at its
    /// own server through `transport`.
    fn copy(&self, name: &str, transport: Transport) -> Copy {
        let dir = self.ws.tmp.join(name);
        let status = Command::new("cp")
            .arg("-a")
            .arg(&self.dir)
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        let server = dir.join("server.git");
        let clone = dir.join("clone");
        let url = match transport {
            Transport::Path => server.display().to_string(),
            Transport::GitDaemon(port) => format!("git://127.0.0.1:{port}/{name}/server.git"),
            Transport::Ssh(port, user) => {
                format!("ssh://{user}@127.0.0.1:{port}{}", server.display())
            }
        };
        git(&clone, &["remote", "set-url", "origin", &url]);
        let server_main = git(&server, &["rev-parse", "main"]);
        Copy {
            home: self.ws.home.clone(),
            server,
            clone,
            server_main,
            local: self.local.clone(),
        }
    }
}

/// The member writes a comment on chapter 2 in `clone`, through the library.
fn member_comment(clone: &Path, body: &str) {
    let store = oplaeg::store::Store::open(clone).expect("open clone");
    ops::Session::new(store, Some(MEMBER))
        .expect("member session")
        .add_comment(
            NewTarget::Chapter {
                chapter: "2".into(),
                quote: None,
            },
            body,
        )
        .expect("member's comment");
}

/// `n` commits, each adding a comment file, straight into the server's
/// `main` with `git fast-import` (one process, so it takes a moment only).
fn many_commits(server: &Path, home: &Path, n: usize) {
    let tip = git(server, &["rev-parse", "main"]);
    let mut stream = String::new();
    for k in 0..n {
        let id = format!("01j1{k:022}");
        let body = format!(
            "created = 2024-06-01T10:00:00+02:00\nbody = \"Kommentar nummer {k}.\"\nstatus = \"open\"\n\n[author]\nname = \"{MEMBER2_NAME}\"\nemail = \"{MEMBER2}\"\norganisation = \"{MEMBER2_ORG}\"\n\n[target]\nchapter = \"rehabilitering\"\n"
        );
        let message = format!("Kommentar {k}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter {MEMBER2_NAME} <{MEMBER2}> {} +0200\ndata {}\n{message}",
            1_717_236_000 + k,
            message.len()
        ));
        if k == 0 {
            stream.push_str(&format!("from {tip}\n"));
        }
        stream.push_str(&format!(
            "M 100644 inline comments/{id}.toml\ndata {}\n{body}\n",
            body.len()
        ));
    }
    let mut cmd = Command::new("git");
    isolate(&mut cmd, home);
    let mut child = cmd
        .arg("-C")
        .arg(server)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "git fast-import");
}

/// One server and clone to kill a sync in.
struct Copy {
    home: PathBuf,
    server: PathBuf,
    clone: PathBuf,
    /// The server's branch before the sync.
    server_main: String,
    /// The member's own commit, to be kept.
    local: Option<String>,
}

impl Copy {
    fn is_ancestor(dir: &Path, commit: &str, tip: &str) -> bool {
        git_output(dir, &["merge-base", "--is-ancestor", commit, tip])
            .status
            .success()
    }

    /// Everything that must hold once the next command (`status`) has run
    /// after a kill, checked with plain git; then the next sync succeeds
    /// and leaves clone and server with the same whole history.
    #[track_caller]
    fn assert_whole_and_synced(&self, what: &str) {
        run_ok(
            oplaeg(&self.home, &self.clone, &["status"]),
            &format!("{what}: status after the kill"),
        );
        self.assert_whole(what);
        let local_head = git(&self.clone, &["rev-parse", "HEAD"]);
        if let Some(local) = &self.local {
            assert!(
                Self::is_ancestor(&self.clone, local, &local_head),
                "{what}: the member's own commit is lost"
            );
        }
        let out = run_ok(
            sync_cmd(&self.home, &self.clone),
            &format!("{what}: the next sync"),
        );
        assert!(!out.contains("oplaeg save"), "{what}: {out}");
        self.assert_whole(&format!("{what}, after the next sync"));
        let head = git(&self.clone, &["rev-parse", "HEAD"]);
        let server_main = git(&self.server, &["rev-parse", "main"]);
        assert_eq!(head, server_main, "{what}: clone and server agree");
        assert!(Self::is_ancestor(&self.server, &self.server_main, &head));
        assert!(Self::is_ancestor(&self.clone, &local_head, &head));
        // What the branch holds is what the files show.
        let tracked = git(&self.clone, &["ls-files"]);
        let committed = git(&self.clone, &["ls-tree", "-r", "--name-only", "HEAD"]);
        assert_eq!(tracked, committed, "{what}");
    }

    #[track_caller]
    fn assert_whole(&self, what: &str) {
        let porcelain = git(
            &self.clone,
            &["status", "--porcelain", "--untracked-files=all"],
        );
        assert!(porcelain.is_empty(), "{what}: git status:\n{porcelain}");
        let cached = git_output(&self.clone, &["diff", "--cached", "--quiet"]);
        assert!(
            cached.status.success(),
            "{what}: the index differs from HEAD"
        );
        for dir in [&self.clone, &self.server] {
            let fsck = git_output(dir, &["fsck", "--full", "--no-dangling"]);
            assert!(
                fsck.status.success(),
                "{what}: git fsck in {}: {}",
                dir.display(),
                String::from_utf8_lossy(&fsck.stderr)
            );
        }
        let git_dir = self.clone.join(".git");
        for left in ["oplaeg-write.journal", "oplaeg-sync.journal", "index.lock"] {
            assert!(!git_dir.join(left).exists(), "{what}: {left} was left");
        }
        let refs_locks = git(&self.clone, &["for-each-ref", "refs/oplaeg/"]);
        assert!(
            refs_locks.is_empty(),
            "{what}: private refs left: {refs_locks}"
        );
        assert!(
            Self::is_ancestor(
                &self.server,
                &self.server_main,
                &git(&self.server, &["rev-parse", "main"])
            ),
            "{what}: the server's branch was rewound"
        );
    }
}

const STEPS: [&str; 7] = [
    "sync-fetched",
    "sync-journal",
    "sync-first-file",
    "sync-files",
    "sync-index",
    "sync-branch",
    "sync-pushed",
];

fn killed_at_every_step(fast_forward: bool, transport: impl Fn(&Template) -> Transport) {
    let t = Template::new(0, fast_forward);
    let mut reached = 0;
    for (n, step) in STEPS.iter().enumerate() {
        let c = t.copy(&format!("step{n}"), transport(&t));
        if kill_sync_at(&c.home, &c.clone, step) {
            reached += 1;
        }
        c.assert_whole_and_synced(&format!("killed at {step}"));
    }
    // A fast-forward sends nothing; a merge passes every step.
    assert_eq!(reached, if fast_forward { 6 } else { 7 });
}

#[test]
fn a_merging_sync_killed_at_every_step_through_a_path() {
    killed_at_every_step(false, |_| Transport::Path);
}

#[test]
fn a_fast_forward_killed_at_every_step_through_a_path() {
    killed_at_every_step(true, |_| Transport::Path);
}

#[test]
fn a_merging_sync_killed_at_every_step_through_git_daemon() {
    let t = Template::new(0, false);
    let daemon = Daemon::start(&t.ws.tmp, &t.ws.home);
    let port = daemon.port;
    for (n, step) in STEPS.iter().enumerate() {
        let c = t.copy(&format!("step{n}"), Transport::GitDaemon(port));
        assert!(kill_sync_at(&c.home, &c.clone, step), "{step}");
        c.assert_whole_and_synced(&format!("git://, killed at {step}"));
    }
}

#[test]
fn a_merging_sync_killed_at_every_step_over_ssh() {
    let t = Template::new(0, false);
    let Some(sshd) = Sshd::start(&t.ws.tmp, &t.ws.home) else {
        return;
    };
    sshd.trust(&t.ws.home);
    let user: &'static str = Box::leak(sshd.user.clone().into_boxed_str());
    for (n, step) in STEPS.iter().enumerate() {
        let c = t.copy(&format!("ssh{n}"), Transport::Ssh(sshd.port, user));
        assert!(kill_sync_at(&c.home, &c.clone, step), "{step}");
        c.assert_whole_and_synced(&format!("ssh://, killed at {step}"));
    }
    drop(sshd);
}

/// A sync with a folder server writes the server's branch itself and takes
/// git's lock on it there; killed holding it, it leaves
/// `server.git/refs/heads/main.lock`. The next sync clears what dates from
/// the dead sync in the server as in the clone, instead of being refused
/// "failed to lock" by the server in every one of its attempts.
#[test]
fn a_server_ref_lock_left_by_a_killed_sync_is_cleared_by_the_next() {
    let t = Template::new(0, false);
    let c = t.copy("server-lock", Transport::Path);
    assert!(kill_sync_at(&c.home, &c.clone, "sync-fetched"));
    // What the dead sync's push left in the server (it died holding it).
    let lock = c.server.join("refs/heads/main.lock");
    std::fs::write(&lock, format!("{}\n", c.server_main)).unwrap();
    c.assert_whole_and_synced("a ref lock left in the server");
    assert!(!lock.exists(), "the dead sync's lock is gone");
    // A lock older than the dead sync is someone else's: left alone.
    let c = t.copy("older-lock", Transport::Path);
    let lock = c.server.join("refs/heads/main.lock");
    std::fs::write(&lock, "").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    assert!(kill_sync_at(&c.home, &c.clone, "sync-fetched"));
    run_ok(oplaeg(&c.home, &c.clone, &["status"]), "status");
    assert!(lock.exists(), "a lock from before the sync is not touched");
    // The sync that meets it says the branch is locked and what to do,
    // not that the server kept changing; nothing changed here or there.
    let head = git(&c.clone, &["rev-parse", "HEAD"]);
    let out = sync_cmd(&c.home, &c.clone).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("låst") && err.contains("main.lock"), "{err}");
    assert!(err.contains("slet låsefilen"), "{err}");
    assert!(!err.contains("ændre sig undervejs"), "{err}");
    assert_eq!(git(&c.clone, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&c.server, &["rev-parse", "main"]), c.server_main);
    std::fs::remove_file(&lock).unwrap();
    c.assert_whole_and_synced("after the old lock was deleted");
}

/// The same when the clone fetches from one address and pushes to the
/// server by its path (`remote.origin.pushurl`): the lock is cleared in the
/// server the push went to.
#[test]
fn a_server_ref_lock_is_cleared_where_the_push_went() {
    let t = Template::new(0, false);
    let daemon = Daemon::start(&t.ws.tmp, &t.ws.home);
    let c = t.copy("push-url-lock", Transport::GitDaemon(daemon.port));
    git(
        &c.clone,
        &[
            "config",
            "remote.origin.pushurl",
            c.server.to_str().unwrap(),
        ],
    );
    assert!(kill_sync_at(&c.home, &c.clone, "sync-fetched"));
    let lock = c.server.join("refs/heads/main.lock");
    std::fs::write(&lock, format!("{}\n", c.server_main)).unwrap();
    c.assert_whole_and_synced("a ref lock left where the push went");
    assert!(!lock.exists(), "the dead sync's lock is gone");
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

/// The kind of server the random kills go through.
#[derive(Clone, Copy, Debug)]
enum Via {
    Path,
    GitDaemon,
    Ssh,
}

/// Kills `rounds` syncs of a `incoming`-commit transfer at random moments.
fn killed_at_random_moments(incoming: usize, rounds: usize, via: Via) {
    let t = Template::new(incoming, false);
    // The server processes live until the rounds are done.
    let mut daemon = None;
    let mut sshd = None;
    let transport = match via {
        Via::Path => Transport::Path,
        Via::GitDaemon => {
            let d = Daemon::start(&t.ws.tmp, &t.ws.home);
            let port = d.port;
            daemon = Some(d);
            Transport::GitDaemon(port)
        }
        Via::Ssh => {
            let Some(s) = Sshd::start(&t.ws.tmp, &t.ws.home) else {
                return; // skipped loudly (or failed where sshd is required)
            };
            s.trust(&t.ws.home);
            let user: &'static str = Box::leak(s.user.clone().into_boxed_str());
            let port = s.port;
            sshd = Some(s);
            Transport::Ssh(port, user)
        }
    };
    // How long a whole sync takes here, so the kills land inside one.
    let c = t.copy("measure", transport);
    let start = Instant::now();
    run_ok(sync_cmd(&c.home, &c.clone), "the measured sync");
    let span = u64::try_from(start.elapsed().as_micros()).unwrap_or(1_000_000);
    let seed = 0x5eed_5eed + u64::from(std::process::id() % 1000);
    eprintln!("{via:?}: seed {seed}; one sync of {incoming} commits takes {span} µs");
    let mut rng = Lcg(seed);
    let mut span = span;
    let mut killed = 0;
    for round in 0..rounds {
        // A sync that ends before its kill (this one ran faster than the
        // measured one: the machine's load changed) is checked all the same,
        // and the round is tried again with the kill drawn from the time
        // that sync really took, so the kills land inside the syncs.
        for attempt in 0..3 {
            let c = t.copy(&format!("round{round}-{attempt}"), transport);
            let start = Instant::now();
            let mut child = sync_cmd(&c.home, &c.clone)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let delay = Duration::from_micros(rng.below(span));
            let ended = loop {
                if child.try_wait().unwrap().is_some() {
                    break Some(start.elapsed());
                }
                if start.elapsed() >= delay {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            kill(&mut child);
            c.assert_whole_and_synced(&format!(
                "{via:?}, round {round}, killed after {delay:?} (ended by itself: {ended:?})"
            ));
            let _ = std::fs::remove_dir_all(c.server.parent().unwrap());
            match ended {
                None => {
                    killed += 1;
                    break;
                }
                Some(took) => span = u64::try_from(took.as_micros()).unwrap_or(span).max(1),
            }
        }
    }
    eprintln!("{killed} of {rounds} syncs were killed midway");
    assert!(killed > 0, "no sync was killed midway");
    drop(daemon);
    drop(sshd);
}

#[test]
fn a_small_sync_killed_at_random_moments_through_a_path() {
    killed_at_random_moments(0, 8, Via::Path);
}

#[test]
fn a_600_commit_sync_killed_at_random_moments_through_a_path() {
    killed_at_random_moments(600, 2, Via::Path);
}

#[test]
fn a_600_commit_sync_killed_at_random_moments_through_git_daemon() {
    killed_at_random_moments(600, 2, Via::GitDaemon);
}

#[test]
fn a_small_sync_killed_at_random_moments_over_ssh() {
    killed_at_random_moments(0, 3, Via::Ssh);
}

#[test]
fn a_600_commit_sync_killed_at_random_moments_over_ssh() {
    killed_at_random_moments(600, 2, Via::Ssh);
}

/// The long soak: many more kills of both sizes and every transport.
#[test]
#[ignore = "a soak of a few minutes; run with --ignored"]
fn soak_syncs_killed_at_random_moments() {
    for via in [Via::Path, Via::GitDaemon, Via::Ssh] {
        killed_at_random_moments(0, 60, via);
        killed_at_random_moments(600, 40, via);
    }
}

/// A stale `index.lock` (a git program that died): sync refuses before it
/// changes anything, says what to do, and never advises committing the
/// server's files; once the lock is gone the sync goes through.
#[test]
fn a_stale_index_lock_is_named_and_nothing_is_left_half_done() {
    let t = Template::new(0, true);
    let c = t.copy("lock", Transport::Path);
    let head = git(&c.clone, &["rev-parse", "HEAD"]);
    std::fs::write(c.clone.join(".git/index.lock"), "").unwrap();
    let out = sync_cmd(&c.home, &c.clone).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("index.lock"), "{err}");
    assert!(!err.contains("oplaeg save"), "{err}");
    assert_eq!(git(&c.clone, &["rev-parse", "HEAD"]), head);
    std::fs::remove_file(c.clone.join(".git/index.lock")).unwrap();
    let porcelain = git(
        &c.clone,
        &["status", "--porcelain", "--untracked-files=all"],
    );
    assert!(porcelain.is_empty(), "{porcelain}");
    c.assert_whole_and_synced("after the stale lock");
}

/// Files an interrupted sync of an older version (or plain `git checkout`)
/// left on disk holding exactly the server's content are not the member's
/// edits: the sync takes them in, and no message calls them unsaved work.
#[test]
fn files_that_already_hold_the_servers_version_are_not_called_unsaved() {
    let t = Template::new(0, true);
    let c = t.copy("leftover", Transport::Path);
    git(&c.clone, &["fetch", "-q", "origin"]);
    // The server's files written into the working tree, HEAD not moved:
    // what a killed sync of an older oplaeg left.
    let files = git(&c.clone, &["diff", "--name-only", "HEAD", "origin/main"]);
    assert!(!files.is_empty());
    for f in files.lines() {
        let content = git_output(&c.clone, &["show", &format!("origin/main:{f}")]).stdout;
        let path = c.clone.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let out = sync_cmd(&c.home, &c.clone).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("oplaeg save"), "{err}");
    c.assert_whole("after taking in the leftover files");
}

/// A writers' conflict explains itself on the command line in lines, as
/// written (not as one line with `\u{a}` where each break belongs).
#[test]
fn a_conflicts_explanation_prints_as_lines() {
    let t = Template::new(0, true);
    let c = t.copy("conflict", Transport::Path);
    // A second writer in this clone changes the line the first writer
    // changed on the server (a member's chapter edit would be refused
    // before sending, as the roles say).
    let chapter = c.clone.join("drafts/02-rehabilitering.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nEt andet nyt afsnit, lokalt.\n")).unwrap();
    git_env(
        &c.clone,
        &["commit", "-qam", "Lokalt afsnit"],
        &author_env(WRITER_NAME, WRITER, T0),
    );
    let out = sync_cmd(&c.home, &c.clone).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("\\u{a}"), "{err}");
    assert!(err.lines().count() > 5, "{err}");
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("1. git merge")),
        "{err}"
    );
}

/// A symlink someone pushed with plain git is never written by sync (nor
/// followed): the sync goes through, nothing is staged, and `status`
/// reports the link.
#[test]
fn a_symlink_from_the_server_is_not_written_and_nothing_is_staged() {
    let t = Template::new(0, true);
    let c = t.copy("symlink", Transport::Path);
    let other = c.server.parent().unwrap().join("other");
    git(
        c.server.parent().unwrap(),
        &["clone", "-q", c.server.to_str().unwrap(), "other"],
    );
    let link = "comments/01j0000000000000000000link.toml";
    std::os::unix::fs::symlink("/etc/passwd", other.join(link)).unwrap();
    git(&other, &["add", link]);
    git_env(
        &other,
        &["commit", "-qm", "Et link"],
        &author_env(MEMBER2_NAME, MEMBER2, T0),
    );
    git(&other, &["push", "-q", "origin", "main"]);
    run_ok(sync_cmd(&c.home, &c.clone), "sync");
    assert!(std::fs::symlink_metadata(c.clone.join(link)).is_err());
    let cached = git_output(&c.clone, &["diff", "--cached", "--quiet"]);
    assert!(cached.status.success(), "something is staged");
    let status = run_ok(oplaeg(&c.home, &c.clone, &["status"]), "status");
    assert!(status.contains("symbolsk link"), "{status}");
}

// --- a clone killed ----------------------------------------------------------

/// `oplaeg --as MEMBER clone URL NAME`, run in `parent`.
fn clone_cmd(home: &Path, parent: &Path, url: &str, name: &str) -> Command {
    oplaeg(home, parent, &["--as", MEMBER, "clone", url, name])
}

/// The hidden folder a clone to `parent/name` is made in.
fn staging(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.oplaeg-clone"))
}

/// A whole clone of `server`'s main at `dir`, checked with plain git: no
/// damage, nothing uncommitted, the member's identity set; `oplaeg status`
/// works, and the diff between the two meetings reads the same with the
/// cache off.
#[track_caller]
fn assert_whole_clone(home: &Path, dir: &Path, server: &Path, what: &str) {
    let fsck = git_output(dir, &["fsck", "--full", "--no-dangling"]);
    assert!(
        fsck.status.success(),
        "{what}: git fsck: {}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    let porcelain = git(dir, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(porcelain.is_empty(), "{what}: git status:\n{porcelain}");
    assert_eq!(
        git(dir, &["rev-parse", "HEAD"]),
        git(server, &["rev-parse", "main"]),
        "{what}"
    );
    assert_eq!(git(dir, &["config", "user.email"]), MEMBER, "{what}");
    run_ok(oplaeg(home, dir, &["status"]), &format!("{what}: status"));
    let diff = |cache: bool| {
        let mut cmd = oplaeg(
            home,
            dir,
            &["diff", "meeting/1", "meeting/2", "--format", "json"],
        );
        if !cache {
            cmd.env("OPLAEG_NO_CACHE", "1");
        }
        run_ok(cmd, &format!("{what}: diff"))
    };
    assert_eq!(diff(true), diff(false), "{what}: the diff with the cache");
}

/// After a kill: `parent/name` is absent (or the empty folder it was
/// before) or a whole clone, never half of one; the next clone to the same
/// folder works (or, over a whole clone, refuses to write over it), and
/// leaves no hidden folder behind.
#[track_caller]
fn assert_nothing_or_whole_and_cloned_again(t: &Template, parent: &Path, name: &str, what: &str) {
    let server = t.dir.join("server.git");
    let url = server.to_str().unwrap();
    let dir = parent.join(name);
    let home = &t.ws.home;
    let empty = std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_none());
    if !empty {
        assert_whole_clone(home, &dir, &server, what);
        let out = clone_cmd(home, parent, url, name).output().unwrap();
        assert!(!out.status.success(), "{what}: cloned over a clone");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("findes allerede"),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        run_ok(
            clone_cmd(home, parent, url, name),
            &format!("{what}: the next clone"),
        );
    }
    assert_whole_clone(home, &dir, &server, &format!("{what}, cloned again"));
    assert!(
        !staging(parent, name).exists(),
        "{what}: the hidden folder of the clone was left"
    );
}

/// `oplaeg clone` killed while the clone is still in its hidden folder,
/// while the new clone's cache is being readied, and at moments spread over
/// a whole clone: the folder is never left half made (it is absent or a
/// whole clone with the member's identity), and cloning again works.
#[test]
fn a_clone_killed_at_any_moment_leaves_nothing_or_a_whole_clone() {
    let t = Template::new(0, true);
    let server = t.dir.join("server.git");
    // Two meetings, so the clone readies its cache for them.
    git(&server, &["tag", "meeting/1", "main~1"]);
    git(&server, &["tag", "meeting/2", "main"]);
    let url = server.to_str().unwrap();
    let parent = t.ws.tmp.join("clones");
    std::fs::create_dir_all(&parent).unwrap();
    let home = &t.ws.home;

    assert!(kill_at(clone_cmd(home, &parent, url, "a"), "clone-staged"));
    assert!(
        !parent.join("a").exists(),
        "not in place before it is whole"
    );
    assert!(staging(&parent, "a").join(".git").is_dir());
    assert_nothing_or_whole_and_cloned_again(&t, &parent, "a", "killed before the move");

    assert!(kill_at(
        clone_cmd(home, &parent, url, "b"),
        "cache-meetings"
    ));
    assert!(
        parent.join("b").is_dir(),
        "in place while the cache is readied"
    );
    assert_nothing_or_whole_and_cloned_again(&t, &parent, "b", "killed readying the cache");

    // An empty folder made beforehand is filled the same way.
    std::fs::create_dir_all(parent.join("c")).unwrap();
    assert!(kill_at(clone_cmd(home, &parent, url, "c"), "clone-staged"));
    assert_nothing_or_whole_and_cloned_again(&t, &parent, "c", "an empty folder");

    // Moments spread over a whole clone.
    let started = Instant::now();
    run_ok(clone_cmd(home, &parent, url, "timed"), "a whole clone");
    let whole = started.elapsed();
    for k in 0..6u32 {
        let name = format!("r{k}");
        let mut child = clone_cmd(home, &parent, url, &name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * k / 6);
        kill(&mut child);
        assert_nothing_or_whole_and_cloned_again(
            &t,
            &parent,
            &name,
            &format!("killed after {:?}", whole * k / 6),
        );
    }
}

/// Kills a sync at `step` of its housekeeping; then every object of before
/// is still there, and the clone is whole and syncs on.
#[track_caller]
fn kill_at_housekeeping(c: &Copy, step: &str) {
    let before = object_ids(&c.clone);
    assert!(kill_sync_at(&c.home, &c.clone, step), "{step} reached");
    let after = object_ids(&c.clone);
    for id in &before {
        assert!(after.binary_search(id).is_ok(), "{step}: object {id} lost");
    }
    c.assert_whole_and_synced(&format!("killed at {step}"));
}

/// A sync killed while it packs the clone's loose objects – once the pack
/// is written, and halfway through removing the loose files – loses no
/// object: plain git finds every object of before and the clone whole, and
/// the next sync goes through and brings clone and server together.
#[test]
fn a_sync_killed_while_it_packs_loses_no_object() {
    let t = Template::new(0, false);
    for step in ["pack-written", "pack-half-removed"] {
        let c = t.copy(step, Transport::Path);
        let mut n = 0;
        while loose_objects(&c.clone) < oplaeg::store::PACK_AT_OBJECTS {
            member_comment(&c.clone, &format!("Bemærkning nr. {n} før pakningen."));
            n += 1;
        }
        kill_at_housekeeping(&c, step);
    }
}

/// A sync killed while it merges small packs – once the merged pack is
/// written, and halfway through removing the small ones – loses no object,
/// and the next sync goes through.
#[test]
fn a_sync_killed_while_it_merges_packs_loses_no_object() {
    let t = Template::new(0, false);
    for step in ["packs-merged", "packs-half-removed"] {
        let c = t.copy(step, Transport::Path);
        let mut n = 0;
        while pack_files(&c.clone).len() < oplaeg::store::MERGE_AT_PACKS {
            member_comment(&c.clone, &format!("Pakke nr. {n}."));
            git(&c.clone, &["-c", "gc.auto=0", "repack", "-q", "-d"]);
            n += 1;
        }
        kill_at_housekeeping(&c, step);
    }
}
