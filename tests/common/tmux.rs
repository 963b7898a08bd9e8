//! The real binary in a real terminal: tmux on a socket of its own runs
//! `oplaeg`, keys are sent as a person types them and the screen is read
//! back. The tmux server is killed when the value is dropped, also when a
//! test fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_oplaeg");
/// The one session each server runs.
const SESSION: &str = "e2e";

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// `command` in a new tmux server (its socket named by `name` and the
    /// process) on a terminal `width`×`height`.
    pub fn start(name: &str, (width, height): (u16, u16), command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("oplaeg-e2e-{name}-{}", std::process::id()),
        };
        let (width, height) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        tmux
    }

    /// A tmux command on this server; its standard output.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys one after another (tmux key names, or `-l` and text).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", SESSION, k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", SESSION])
    }

    /// Waits until the screen shows `text` (the UI answers asynchronously).
    pub fn wait_for(&self, text: &str) -> String {
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

/// The UI on the workspace at `root` as `email` in tmux at `size`: Danish,
/// no mouse, no personal git configuration; `env` adds variables
/// (`"NO_COLOR=1 "`).
pub fn ui_on(root: &Path, name: &str, email: &str, size: (u16, u16), env: &str) -> Tmux {
    let command = format!(
        "LANG=da_DK.UTF-8 {env}OPLAEG_MOUSE=off GIT_CONFIG_GLOBAL=/dev/null {BIN} --repo '{}' --as {email}",
        root.display()
    );
    Tmux::start(name, size, &command)
}

/// The UI on an existing workspace in tmux at 80×24 as `email`.
pub fn session_on(root: &Path, name: &str, email: &str) -> Tmux {
    ui_on(root, name, email, (80, 24), "")
}

/// A demo workspace of the test's own (see [`super::tui::demo`]).
pub fn demo_workspace() -> (TempDir, PathBuf) {
    super::tui::demo_in_tempdir()
}

/// A demo workspace and the UI running on it in tmux at 80×24 as `email`.
pub fn demo_session(name: &str, email: &str) -> (TempDir, PathBuf, Tmux) {
    let (tmp, root) = demo_workspace();
    let tmux = session_on(&root, name, email);
    (tmp, root, tmux)
}
