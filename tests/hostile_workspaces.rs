//! Hostile workspaces: half-finished git states, file modes and symlinks,
//! reply cycles, deep nesting, huge texts, BOM and CRLF, a broken
//! `oplaeg.toml`, unborn, bare and shallow repositories. Every command runs
//! under a timeout and must end without a panic, with a clear message or
//! problem report; what it must refuse, it refuses changing nothing.
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;
use oplaeg::text::is_unsafe_for_terminal;

/// Runs the real binary in `dir` (with `LANG` Danish unless `args` sets
/// `--lang`), killing it if it takes longer than `TIMEOUT`.
fn oplaeg_in(home: &Path, dir: &Path, args: &[&str]) -> Output {
    const TIMEOUT: Duration = Duration::from_secs(20);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, home);
    let child = cmd
        .env("LANG", "da_DK.UTF-8")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start oplaeg");
    // Output is read while the command runs (a full pipe would stall it).
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(TIMEOUT) {
        Ok(out) => out.expect("output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("oplaeg {args:?} hung (killed after {TIMEOUT:?})");
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("stack overflow"),
        "oplaeg {args:?} crashed: {err}"
    );
    out
}

fn oplaeg(ws: &Ws, args: &[&str]) -> Output {
    oplaeg_in(&ws.home, &ws.root, args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "should be refused");
    stderr(out)
}

/// Bytes with nothing a terminal would interpret but line breaks.
#[track_caller]
fn assert_harmless(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && is_unsafe_for_terminal(c))
    {
        panic!("{what}: raw U+{:04X} in {text:?}", c as u32);
    }
}

// ---------------------------------------------------------------------------
// Half-finished git states
// ---------------------------------------------------------------------------

const CHAPTER: &str = "drafts/02-rehabilitering.md";

/// Two commits that change the same line of a chapter differently: `side`
/// (a branch) and `main`.
fn diverged() -> Ws {
    let ws = Ws::sample();
    let text = ws.read(CHAPTER);
    ws.git(&["switch", "-q", "-c", "side"]);
    ws.write(
        CHAPTER,
        &text.replacen("Rehabilitering", "Rehabilitering (side)", 2),
    );
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Side");
    ws.git(&["switch", "-q", "main"]);
    ws.write(
        CHAPTER,
        &text.replacen("Rehabilitering", "Rehabilitering (main)", 2),
    );
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Main");
    ws
}

/// Leaves git in the middle of `what` with a conflict in the chapter.
fn start_unfinished(ws: &Ws, what: &str) {
    let side = ws.git(&["rev-parse", "side"]);
    let args: Vec<&str> = match what {
        "merge" => vec!["merge", "side"],
        "rebase" => vec!["rebase", "side"],
        "cherry-pick" => vec!["cherry-pick", &side],
        "revert" => vec!["revert", "--no-edit", "HEAD"],
        other => panic!("{other}"),
    };
    if what == "revert" {
        // A revert conflicts when a later commit changed the same line.
        let text = ws.read(CHAPTER);
        ws.write(CHAPTER, &text.replacen("(main)", "(main, igen)", 1));
        ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Igen");
        let out = ws.git_output(&["revert", "--no-edit", "HEAD~1"]);
        assert!(!out.status.success(), "the revert should conflict");
        return;
    }
    let mut env_args = vec!["-c", "user.name=W", "-c", "user.email=w@x.example"];
    env_args.extend(args);
    let out = ws.git_output(&env_args);
    assert!(!out.status.success(), "git {what} should conflict");
}

#[test]
fn every_write_is_refused_while_git_is_in_the_middle_of_something() {
    for what in ["merge", "rebase", "cherry-pick", "revert"] {
        let ws = diverged();
        start_unfinished(&ws, what);
        assert!(ws.read(CHAPTER).contains("<<<<<<<"), "{what}");
        let head = ws.git(&["rev-parse", "HEAD"]);
        let writes: [&[&str]; 3] = [
            &["--as", WRITER, "save", "-m", "Gem"],
            &comment_args(MEMBER, "Hej"),
            &[
                "--as",
                WRITER,
                "member",
                "add",
                "--name",
                "Ny",
                "--email",
                "ny@x.example",
                "--organisation",
                "X",
            ],
        ];
        for args in writes {
            let err = refused(&oplaeg(&ws, args));
            assert!(err.contains("midt i"), "{what} {args:?}: {err}");
            assert!(err.contains("--abort"), "{what} {args:?}: {err}");
            assert_eq!(ws.git(&["rev-parse", "HEAD"]), head, "{what} {args:?}");
        }
        let en = refused(&oplaeg(
            &ws,
            &["--lang", "en", "--as", WRITER, "save", "-m", "Gem"],
        ));
        assert!(en.contains("in the middle of"), "{en}");
        // Git's own state is untouched: it can still be finished or undone.
        let out = ws.git_output(&[what, "--abort"]);
        assert!(out.status.success(), "{what} --abort");
        ok(oplaeg(&ws, &comment_args(MEMBER, "Nu")));
    }
}

// ---------------------------------------------------------------------------
// Commit messages and names in git
// ---------------------------------------------------------------------------

const ESC: &str = "\u{1b}]0;titel\u{7}\u{1b}[31mRØD\u{1b}[0m\u{202E}";

#[test]
fn plain_git_log_of_oplaegs_own_commits_is_harmless() {
    let ws = Ws::sample();
    let writer = ws.session(WRITER);
    writer
        .member_add(
            &format!("Ond {ESC}"),
            "ond@x.example",
            &format!("Org {ESC}"),
            oplaeg::model::Role::Member,
        )
        .unwrap();
    let text = ws.read(CHAPTER);
    ws.write(
        CHAPTER,
        &text.replacen("# Rehabilitering", &format!("# Rehab {ESC}"), 1),
    );
    let before = ws.head();
    ok(oplaeg(
        &ws,
        &["--as", WRITER, "save", "-m", &format!("Titel {ESC}")],
    ));
    ok(oplaeg(
        &ws,
        &[
            "--as",
            "ond@x.example",
            "comment",
            "add",
            "--chapter",
            "2",
            "--body",
            "Hej",
        ],
    ));
    ok(oplaeg(&ws, &["--as", WRITER, "meeting", "tag", "4"]));
    let log = ws.git_output(&["log", "--format=%an%n%ae%n%B", &format!("{before}~1..")]);
    assert!(log.status.success());
    assert!(!log.stdout.is_empty());
    assert_harmless("git log", &log.stdout);
    let tag = ws.git_output(&["tag", "-n99", "-l", "meeting/*"]);
    assert_harmless("git tag", &tag.stdout);
}

// ---------------------------------------------------------------------------
// File modes and symlinks
// ---------------------------------------------------------------------------

#[test]
fn comment_files_are_written_as_regular_0644_files() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::sample();
    let id = ws.chapter_comment(MEMBER, "Første.");
    let rel = format!("comments/{id}.toml");
    let file = ws.root.join(&rel);
    // Someone made it executable (and committed that).
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T0, "chmod");
    ok(oplaeg(
        &ws,
        &["--as", MEMBER, "comment", "edit", &id, "Anden."],
    ));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
    assert_eq!(
        ws.git(&["ls-files", "-s", &rel]).split(' ').next(),
        Some("100644")
    );
    let porcelain = ws.status();
    assert!(porcelain.is_empty(), "{porcelain}");

    // A symlink in a comment's place is replaced, never written through.
    let outside = ws.tmp.join("outside.txt");
    std::fs::write(&outside, "uberørt\n").unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&outside, &file).unwrap();
    let out = oplaeg(&ws, &["--as", MEMBER, "comment", "edit", &id, "Tredje."]);
    // Either refused (the file is changed by hand) or written as a file.
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "uberørt\n");
    if out.status.success() {
        let meta = std::fs::symlink_metadata(&file).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o644);
    }
}

// ---------------------------------------------------------------------------
// Reply cycles
// ---------------------------------------------------------------------------

/// Adds `reply_to = "to"` to the comment file of `id` (committed by git).
fn point_reply(ws: &Ws, id: &str, to: &str) {
    let rel = format!("comments/{id}.toml");
    let text = ws.read(&rel);
    let text = if text.contains("reply_to") {
        text.lines()
            .map(|l| {
                if l.starts_with("reply_to") {
                    format!("reply_to = \"{to}\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    } else {
        format!("reply_to = \"{to}\"\n{text}")
    };
    ws.write(&rel, &text);
}

#[test]
fn reply_cycles_are_reported_and_never_followed() {
    let ws = Ws::sample();
    let a = ws.chapter_comment(MEMBER, "A.");
    let b = ws.session(MEMBER2).reply(&a, "B svarer A.").unwrap().id;
    let own = ws.chapter_comment(MEMBER, "Svarer sig selv.");
    point_reply(&ws, &a, &b);
    point_reply(&ws, &own, &own);
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T0, "Ring");
    for id in [&a, &b, &own] {
        let out = ok(oplaeg(&ws, &["comment", "show", id]));
        assert!(out.len() < 100_000, "{id}: {} bytes", out.len());
    }
    ok(oplaeg(&ws, &["comment", "list"]));
    ok(oplaeg(&ws, &["--format", "json", "comment", "list"]));
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(status.contains("i ring"), "{status}");
    assert!(status.contains(&format!("comments/{own}.toml")), "{status}");
    let en = ok(oplaeg(&ws, &["--lang", "en", "status"]));
    assert!(en.contains("circle"), "{en}");
    let notat = ws.tmp.join("notat.md");
    ok(oplaeg(
        &ws,
        &["export", "notat", "-o", notat.to_str().unwrap()],
    ));
}

// ---------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------

#[test]
fn a_bom_and_crlf_are_read_as_editors_mean_them() {
    let ws = Ws::sample();
    let text = ws.read(CHAPTER);
    let windows = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    ws.write(CHAPTER, &windows);
    // A comment file saved by a Windows editor too.
    let id = ws.chapter_comment(MEMBER, "Fra Windows.");
    let rel = format!("comments/{id}.toml");
    let comment = ws.read(&rel);
    ws.write(&rel, &format!("\u{FEFF}{}", comment.replace('\n', "\r\n")));
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Windows");
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(!status.contains("ingen overskrift"), "{status}");
    assert!(!status.contains(&rel), "{status}");
    let chapters = ok(oplaeg(&ws, &["chapters"]));
    assert!(chapters.contains("Rehabilitering"), "{chapters}");
    let shown = ok(oplaeg(&ws, &["chapter", "2"]));
    assert!(!shown.contains("\\u{d}"), "{shown}");
    assert!(!shown.contains("\\u{feff}"), "{shown}");
    let comment = ok(oplaeg(&ws, &["comment", "show", &id]));
    assert!(comment.contains("Fra Windows."), "{comment}");
    assert!(!comment.contains("\\u{d}"), "{comment}");
}

// ---------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------

/// A chapter of 10,000 nested quotes and a 2,000-deep list.
fn deep_chapter() -> String {
    let mut text = String::from("# Dybt\n\n");
    text.push_str(&">".repeat(10_000));
    text.push_str(" Bund.\n\n");
    for depth in 0..2_000 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("- punkt\n");
    }
    text.push_str("\nSlut.\n");
    text
}

#[test]
fn deep_nesting_is_exported_and_shown_without_overflowing_the_stack() {
    let ws = Ws::sample();
    ws.write("drafts/03-dybt.md", &deep_chapter());
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Dybt");
    for ext in ["md", "html", "docx"] {
        let out = ws.tmp.join(format!("oplaeg.{ext}"));
        let o = oplaeg(
            &ws,
            &["export", "oplaeg", "--force", "-o", out.to_str().unwrap()],
        );
        assert!(o.status.success(), "{ext}: {}", stderr(&o));
        assert!(out.exists(), "{ext}");
    }
    let notat = ws.tmp.join("notat.html");
    ok(oplaeg(
        &ws,
        &["export", "notat", "-o", notat.to_str().unwrap()],
    ));
    ok(oplaeg(&ws, &["chapter", "3"]));
    ok(oplaeg(&ws, &["status"]));
    ok(oplaeg(&ws, &["diff", "HEAD~1", "HEAD"]));
}

#[test]
fn text_nested_beyond_the_limit_is_refused_when_written_and_nothing_changes() {
    let ws = Ws::sample();
    let head = ws.git(&["rev-parse", "HEAD"]);
    let quotes = format!("{} Bund.", ">".repeat(17));
    let list: String = (0..17)
        .map(|d| format!("{}- punkt\n", "  ".repeat(d)))
        .collect();
    let list = format!("Punkter:\n\n{list}");
    // A comment, a suggestion and a reply: the body or the new words.
    for (what, args) in [
        (
            "a quote in a comment",
            comment_args(MEMBER, quotes.as_str()).to_vec(),
        ),
        (
            "a list in a comment",
            comment_args(MEMBER, list.as_str()).to_vec(),
        ),
    ] {
        let err = refused(&oplaeg(&ws, &args));
        assert!(err.contains("indlejret 17 niveauer"), "{what}: {err}");
        assert!(err.contains("intet er ændret"), "{what}: {err}");
        assert_eq!(ws.git(&["rev-parse", "HEAD"]), head, "{what}");
    }
    // A writer's chapter edit, saved.
    ws.write(CHAPTER, &format!("# Dybt\n\n{quotes}\n"));
    let err = refused(&oplaeg(&ws, &["--as", WRITER, "save", "-m", "Dybt"]));
    assert!(err.contains("indlejret 17 niveauer"), "{err}");
    assert_eq!(ws.git(&["rev-parse", "HEAD"]), head);
    let en = refused(&oplaeg(
        &ws,
        &["--lang", "en", "--as", WRITER, "save", "-m", "Dybt"],
    ));
    assert!(en.contains("nested 17 levels deep"), "{en}");
    // At the limit itself it is accepted.
    ws.write(CHAPTER, &format!("# Dybt\n\n{} Bund.\n", ">".repeat(16)));
    ok(oplaeg(&ws, &["--as", WRITER, "save", "-m", "Dybt nok"]));
    assert_ne!(ws.git(&["rev-parse", "HEAD"]), head);
}

// ---------------------------------------------------------------------------
// Limits, modes and symlinks in what is read
// ---------------------------------------------------------------------------

#[test]
fn a_huge_comment_is_refused_when_written_and_reported_when_read() {
    let ws = Ws::sample();
    let big = "x".repeat(3 * 1024 * 1024);
    let err = ws
        .session(MEMBER)
        .add_comment(
            oplaeg::ops::NewTarget::Chapter {
                chapter: "2".into(),
                quote: None,
            },
            &big,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("for stor"), "{err}");
    assert!(ws.status().is_empty());
    // One committed by plain git: reported, left out, and nothing is slow.
    let id = ws.chapter_comment(MEMBER, "Lille.");
    let rel = format!("comments/{id}.toml");
    let text = ws
        .read(&rel)
        .replace("Lille.", &"y".repeat(20 * 1024 * 1024));
    ws.write(&rel, &text);
    ws.git_commit_all_as(MEMBER_NAME, MEMBER, T0, "Stor");
    let start = std::time::Instant::now();
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(
        status.contains(&rel) && status.contains("for stor"),
        "{status}"
    );
    ok(oplaeg(&ws, &["comment", "list"]));
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn symlinks_and_executable_bits_are_reported_never_trusted() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::sample();
    let secret = ws.tmp.join("hemmelig.toml");
    std::fs::write(&secret, "body = \"hemmelig\"\n").unwrap();
    let link = ws.root.join("comments/01j0000000000000000000link.toml");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let exe = ws.root.join("recommendations/rehabilitering-til-alle.toml");
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Link og x");
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(status.contains("symbolsk link"), "{status}");
    assert!(status.contains("eksekverbar"), "{status}");
    assert!(!status.contains("hemmelig"), "{status}");
    let en = ok(oplaeg(&ws, &["--lang", "en", "status"]));
    assert!(en.contains("symbolic link"), "{en}");
}

// ---------------------------------------------------------------------------
// A broken oplaeg.toml
// ---------------------------------------------------------------------------

#[test]
fn a_broken_config_still_lets_log_status_and_the_fix_work() {
    let ws = Ws::sample();
    let good = ws.read("oplaeg.toml");
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(1, "ødelagt = = 1");
    ws.write("oplaeg.toml", &(lines.join("\n") + "\n"));
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Ødelagt");
    let log = ok(oplaeg(&ws, &["log", "-n", "3"]));
    assert!(log.contains("Ødelagt"), "{log}");
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(status.contains("oplaeg.toml:2:"), "{status}");
    assert!(status.contains("oplaeg save"), "{status}");
    ws.write("oplaeg.toml", &good);
    ok(oplaeg(&ws, &["--as", WRITER, "save", "-m", "Rettet"]));
    assert!(ws.status().is_empty());
    let status = ok(oplaeg(&ws, &["status"]));
    assert!(!status.contains("oplaeg.toml:"), "{status}");
    // The fix is the writer's own commit.
    assert_eq!(ws.git(&["log", "-1", "--format=%ae"]), WRITER);
}

// ---------------------------------------------------------------------------
// Unborn branches, bare repositories, shallow clones
// ---------------------------------------------------------------------------

/// One line, naming the situation and the fix.
#[track_caller]
fn one_line(err: &str, situation: &str, fix: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(situation), "{err}");
    assert!(err.contains(fix), "{err}");
}

#[test]
fn unborn_bare_and_shallow_repositories_get_one_line_errors() {
    let ws = Ws::sample();
    ok(oplaeg(&ws, &["--as", WRITER, "meeting", "tag", "4"]));
    ok(oplaeg(&ws, &comment_args(MEMBER, "Efter")));

    // An unborn branch: the files are there, nothing is committed.
    let unborn = ws.tmp.join("ufoedt");
    std::fs::create_dir_all(&unborn).unwrap();
    git(&unborn, &["init", "-q", "--initial-branch=main"]);
    std::fs::copy(ws.root.join("oplaeg.toml"), unborn.join("oplaeg.toml")).unwrap();
    for args in [&["status"][..], &["log"], &["chapters"]] {
        let err = refused(&oplaeg_in(&ws.home, &unborn, args));
        one_line(&err, "ingen commits", "git commit");
    }
    let err = refused(&oplaeg_in(&ws.home, &unborn, &["--lang", "en", "status"]));
    one_line(&err, "no commits", "git commit");

    // A bare repository: read, never written.
    let bare = ws.tmp.join("server.git");
    git(
        &ws.tmp,
        &[
            "clone",
            "-q",
            "--bare",
            ws.root.to_str().unwrap(),
            "server.git",
        ],
    );
    ok(oplaeg_in(&ws.home, &bare, &["status"]));
    ok(oplaeg_in(&ws.home, &bare, &["log"]));
    for args in [
        &["--as", WRITER, "save", "-m", "x"][..],
        &comment_args(MEMBER, "Hej"),
    ] {
        let err = refused(&oplaeg_in(&ws.home, &bare, args));
        one_line(&err, "bart repository", "oplaeg clone");
    }

    // A shallow clone: no false violations, no «unknown version».
    let url = format!("file://{}", bare.display());
    git(&ws.tmp, &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let shallow = ws.tmp.join("shallow");
    ok(oplaeg_in(&ws.home, &shallow, &["status"]));
    for args in [&["verify"][..], &["diff", "4", "HEAD"], &["diff"]] {
        let err = refused(&oplaeg_in(&ws.home, &shallow, args));
        one_line(&err, "overfladisk klon", "git fetch --unshallow");
    }
}

// ---------------------------------------------------------------------------
// Nothing left out silently
// ---------------------------------------------------------------------------

#[test]
fn an_unreadable_chapter_or_file_is_named_in_exports_and_never_called_removed() {
    let ws = Ws::sample();
    // A chapter saved as Latin-1, and a comment file that is not TOML.
    let mut latin = ws.read(CHAPTER).into_bytes();
    latin.extend_from_slice(b"\nS\xf8ren skrev \xe6ndringer.\n");
    std::fs::write(ws.root.join(CHAPTER), latin).unwrap();
    let id = ws.chapter_comment(MEMBER, "Snart ødelagt.");
    ws.write(&format!("comments/{id}.toml"), "body = = \n");
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Ulæseligt");

    let diff = ok(oplaeg(&ws, &["diff", "HEAD~2", "HEAD"]));
    assert!(!diff.contains("fjernet"), "{diff}");
    assert!(diff.contains("kan ikke læses"), "{diff}");
    let json = ok(oplaeg(&ws, &["--format", "json", "diff", "HEAD~2", "HEAD"]));
    assert!(json.contains("\"unreadable\""), "{json}");

    for (kind, ext) in [("oplaeg", "md"), ("oplaeg", "html"), ("notat", "md")] {
        let out = ws.tmp.join(format!("{kind}.{ext}"));
        let o = oplaeg(
            &ws,
            &["export", kind, "--force", "-o", out.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(CHAPTER), "{kind}.{ext}: {err}");
        assert!(
            err.contains(&format!("comments/{id}.toml")),
            "{kind}.{ext}: {err}"
        );
        let doc = std::fs::read_to_string(&out).unwrap();
        assert!(doc.contains("Problemer"), "{kind}.{ext}");
        assert!(doc.contains("02-rehabilitering.md"), "{kind}.{ext}");
    }
}

// ---------------------------------------------------------------------------
// The terminal UI's background jobs
// ---------------------------------------------------------------------------

#[test]
fn a_failure_inside_a_background_job_becomes_its_error_and_the_ui_lives_on() {
    use oplaeg::tui::job::{self, After, Job};
    let ws = Ws::sample();
    let work: job::Work = Box::new(|_, _| panic!("boom"));
    let outcome = job::run(
        &ws.root,
        Some(WRITER),
        Job {
            work,
            done: "færdig".into(),
            after: After::Nothing,
        },
    );
    let err = outcome.0.result.as_ref().err().expect("an error");
    assert!(err.contains("intern fejl") && err.contains("boom"), "{err}");
    assert_eq!(outcome.0.after, After::Nothing);
    // The next job on the same thread runs normally.
    let work: job::Work = Box::new(|_, _| Ok(None));
    let outcome = job::run(
        &ws.root,
        Some(WRITER),
        Job {
            work,
            done: "færdig".into(),
            after: After::Nothing,
        },
    );
    assert!(outcome.0.result.is_ok());
}

#[test]
fn the_ui_shows_a_deeply_nested_chapter() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let ws = Ws::sample();
    ws.write("drafts/00-dybt.md", &deep_chapter());
    ws.git_commit_all_as(WRITER_NAME, WRITER, T0, "Dybt");
    let state = oplaeg::tui::State::new(ws.store(), Some(WRITER.to_string()), 80, 24).unwrap();
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| oplaeg::tui::views::render(f, &state)).unwrap();
}
