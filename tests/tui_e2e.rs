//! The real binary in a real terminal: tmux runs `oplaeg` on a demo
//! workspace; keys are sent as a person types them and the screen is read
//! back. Afterwards plain git and `oplaeg comment list --format json` must
//! show the comment with the right author and anchor. Needs tmux: skipped
//! loudly without it, required in CI (`.ci/run` installs it).

mod common;
use common::git;

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oplaeg");

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "e2e", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits until the screen shows `text` (the UI answers asynchronously).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "never showed «{text}»:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn a_member_moves_through_every_tab_and_comments_on_a_quote() {
    if !common::tools::available(
        "a_member_moves_through_every_tab_and_comments_on_a_quote",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("demo");
    let out = Command::new(BIN)
        .args(["demo", "--no-tui"])
        .arg(&root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success());

    let tmux = Tmux {
        socket: format!("oplaeg-e2e-{}", std::process::id()),
    };
    let command = format!(
        "LANG=da_DK.UTF-8 OPLAEG_MOUSE=off GIT_CONFIG_GLOBAL=/dev/null {BIN} --repo '{}' --as jens.noergaard@rm.example",
        root.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    tmux.wait_for("Jens Nørgaard · Region Midtjylland · medlem");

    for (key, shows) in [
        ("2", "Prioriterede anbefalinger"),
        ("3", "Tråd"),
        ("4", "i dag"),
        ("5", "[meeting/4]"),
        ("1", "Kapitler"),
    ] {
        tmux.keys(&[key]);
        tmux.wait_for(shows);
    }
    tmux.keys(&["?"]);
    tmux.wait_for("Taster i fanen «Oplæg»");
    tmux.keys(&["Escape"]);

    // Chapter 5, into the text, the second sentence, comment on it.
    tmux.keys(&["j", "j", "j", "j"]);
    tmux.wait_for("▶ 5 Rehabilitering");
    tmux.keys(&["l", "j", "c"]);
    tmux.wait_for("Kommentar til kapitel 5");
    tmux.keys(&["-l", "Husk kommunernes økonomi."]);
    tmux.keys(&["C-s"]);
    tmux.wait_for("Kommentaren er gemt.");
    tmux.keys(&["q"]);

    assert_eq!(
        git(&root, &["log", "-1", "--format=%an <%ae>|%s"]).trim(),
        "Jens Nørgaard <jens.noergaard@rm.example>|Kommentar til kapitel 5 Rehabilitering (Region Midtjylland)"
    );
    let list = Command::new(BIN)
        .args(["--repo"])
        .arg(&root)
        .args([
            "--format",
            "json",
            "comment",
            "list",
            "--chapter",
            "rehabilitering",
        ])
        .output()
        .unwrap();
    let comments: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let mine = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body"] == "Husk kommunernes økonomi.")
        .expect("the comment is listed");
    assert_eq!(mine["author"]["email"], "jens.noergaard@rm.example");
    assert_eq!(mine["author"]["organisation"], "Region Midtjylland");
    let quote = mine["target"]["anchor"]["quote"].as_str().unwrap();
    let chapter = std::fs::read_to_string(root.join("drafts/05-rehabilitering.md")).unwrap();
    let text = oplaeg::text::searchable_text(&chapter);
    assert_eq!(
        text.matches(quote).count(),
        1,
        "the anchor quotes the chapter exactly once: {quote}"
    );
    assert_eq!(
        mine["target"]["anchor"]["commit"].as_str().unwrap().len(),
        40
    );
}

/// The text pane of the Diff tab at 120 columns (right of the 36-column
/// list and its border), rows joined, so wrapped words read in order.
fn diff_pane(screen: &str) -> String {
    let rows: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(39).take(80).collect())
        .collect();
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_diff_tab_compares_meeting_3_with_meeting_4() {
    if !common::tools::available(
        "the_diff_tab_compares_meeting_3_with_meeting_4",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("demo");
    let out = Command::new(BIN)
        .args(["demo", "--no-tui"])
        .arg(&root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success());

    let tmux = Tmux {
        socket: format!("oplaeg-e2e-diff-{}", std::process::id()),
    };
    // Without colour, so the screen itself shows what was deleted and inserted.
    let command = format!(
        "LANG=da_DK.UTF-8 NO_COLOR=1 OPLAEG_MOUSE=off GIT_CONFIG_GLOBAL=/dev/null {BIN} --repo '{}' --as jens.noergaard@rm.example",
        root.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    tmux.wait_for("Jens Nørgaard · Region Midtjylland · medlem");

    // The Diff tab opens on the last meeting compared with the newest version.
    tmux.keys(&["6"]);
    tmux.wait_for("Fra møde 4");
    tmux.wait_for("Kommentarer fra møde 4 til nyeste (HEAD)");

    // Choose meeting 3 → meeting 4 in the picker.
    tmux.keys(&["f"]);
    tmux.wait_for("Vælg den version, der sammenlignes fra");
    tmux.keys(&["j"]);
    tmux.wait_for("Fra:  møde 3");
    tmux.keys(&["l"]);
    tmux.wait_for("Vælg den version, der sammenlignes med");
    tmux.keys(&["k", "k"]);
    tmux.wait_for("til:  møde 4");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Fra møde 3, 06.06.2024 → til møde 4");

    // The first revised chapter is selected, with its counts from git's history.
    let s = tmux.wait_for("3 Baggrund og metode · 1");
    let changed = git(
        &root,
        &[
            "diff",
            "--name-only",
            "meeting/3",
            "meeting/4",
            "--",
            "drafts",
        ],
    );
    assert!(
        changed.contains("drafts/03-baggrund-og-metode.md"),
        "{changed}"
    );
    assert!(s.contains("+168 −26"), "{s}");

    // n jumps to the first change, n again to the second, N back.
    tmux.keys(&["n"]);
    let s = tmux.wait_for("ændring 1 af");
    assert!(s.contains("{+") || s.contains("[-"), "{s}");
    tmux.keys(&["n"]);
    tmux.wait_for("ændring 2 af");
    tmux.keys(&["N"]);
    tmux.wait_for("ændring 1 af");

    // Chapter 11 in the list: its revised sentence, marked word by word.
    tmux.keys(&["h", "j", "j", "j", "j", "j", "j", "j", "j"]);
    tmux.wait_for("▶11 Teknologi");
    tmux.keys(&["l", "n"]);
    let s = tmux.wait_for("11 Teknologi og kunstig intelligens · ændring 1 af");
    let pane = diff_pane(&s);
    assert!(
        pane.contains("[-en ny mulighed-]{+et nyt redskab+}"),
        "{pane}\n{s}"
    );

    // Side by side: before on the left, after on the right.
    tmux.keys(&["s"]);
    tmux.wait_for("· side om side");
    let s = tmux.wait_for("{+et nyt");
    let row = s
        .lines()
        .find(|l| l.contains("{+et nyt"))
        .expect("a row with the inserted words");
    let (before, after) = row.rsplit_once(" │ ").expect("two columns");
    assert!(before.contains("[-en ny"), "{row}");
    assert!(!before.contains("{+") && !after.contains("[-"), "{row}");
    tmux.keys(&["s"]);
    tmux.wait_for("Før og efter i én tekst.");

    // m: the next comment in the text; Enter shows its thread.
    tmux.keys(&["m"]);
    tmux.wait_for("● Region Hovedstaden ·");
    tmux.keys(&["Enter"]);
    tmux.wait_for("┌ Tråd –");
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);
}
