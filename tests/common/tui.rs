//! The terminal UI in-process for the screen tests: a demo workspace, the
//! UI's state on it as someone, keys as a person presses them, and the
//! screen (ratatui's `TestBackend`) as text.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::store::Store;
use oplaeg::tui::changes::state::Endpoint;
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{Action, State, dispatch, to_action, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key};
use tempfile::TempDir;

/// The demo workspace in a temporary folder (gone when this is dropped).
pub struct Demo {
    /// The temporary folder removed on drop; `None` for [`shared_demo`].
    _tmp: Option<TempDir>,
    pub root: PathBuf,
}

/// A demo workspace of the test's own, free to write to: a copy of the demo
/// this process built (see [`template`]).
pub fn demo() -> Demo {
    let (tmp, root) = demo_in_tempdir();
    Demo {
        _tmp: Some(tmp),
        root,
    }
}

/// As [`demo`]: the workspace is the folder `demo` in the temporary folder.
pub fn demo_in_tempdir() -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let root = tmp.path().join("demo");
    demo_at(&root);
    (tmp, root)
}

/// One copy of the demo for a whole test file's tests that only read it,
/// in a [`super::process_folder`] (a static is never dropped).
pub fn shared_demo() -> &'static Demo {
    static SHARED: OnceLock<Demo> = OnceLock::new();
    SHARED.get_or_init(|| {
        let root = super::process_folder("shared-demo").join("demo");
        demo_at(&root);
        Demo { _tmp: None, root }
    })
}

/// The demo, as [`demo`] gives it, at `root` (which must not exist).
pub fn demo_at(root: &Path) {
    assert!(!root.exists(), "{} exists", root.display());
    copy_dir(template(), root);
}

/// The demo, built once per test process: building it takes seconds, a
/// copy milliseconds, and the demo is the same every time (fixed times and
/// seeded ids). Nothing opens it but [`copy_dir`], so no test sees another's
/// writes or cache. It lives in cargo's folder for test files, named by the
/// process; a later process removes those of processes that have ended.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = super::process_folder("demo-per-process");
        let root = dir.join("demo");
        oplaeg::demo::build(&root).expect("the demo builds");
        root
    })
}

/// Copies the folder `from` (files and folders, as they are) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder for the copy");
    for entry in std::fs::read_dir(from).expect("the folder reads") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("the file copies");
        }
    }
}

/// The UI on the workspace at `root` as `email` on a `width`×`height`
/// terminal, as it starts.
pub fn start(root: &Path, email: &str, width: u16, height: u16) -> State {
    let store = Store::open(root).expect("the workspace opens");
    State::new(store, Some(email.to_string()), width, height).expect("the UI starts")
}

/// As [`start`], in the draft (a member would start on Mit overblik).
pub fn in_reader(root: &Path, email: &str, width: u16, height: u16) -> State {
    let mut s = start(root, email, width, height);
    s.view = View::Reader;
    s
}

/// The screen as text, a line a row.
pub fn screen(state: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).expect("a terminal");
    t.draw(|f| views::render(f, state)).expect("the UI draws");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A key as the terminal reports it, through the key table.
pub fn press(state: &mut State, code: KeyCode, mods: KeyModifiers) {
    if let Some(a) = to_action(state, Event::Key(KeyEvent::new(code, mods))) {
        dispatch(state, a);
    }
}

/// Text typed into the open editor or field.
pub fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        dispatch(
            state,
            Action::Edit(Input {
                key: Key::Char(c),
                ..Input::default()
            }),
        );
    }
}

/// Chooses `want` in the Ændringer view's version picker, opened with
/// `open` (choose FROM or TO), with the keys a person would press.
pub fn pick_version(s: &mut State, open: Action, want: &Endpoint) {
    dispatch(s, open);
    let (cursor, target) = match &s.popup {
        Some(Popup::DiffPick(p)) => (
            p.cursor,
            p.choices
                .iter()
                .position(|c| &c.endpoint == want)
                .expect("the version is offered"),
        ),
        _ => panic!("the picker is open"),
    };
    let key = if target > cursor {
        Action::Down
    } else {
        Action::Up
    };
    for _ in 0..cursor.abs_diff(target) {
        dispatch(s, key.clone());
    }
    dispatch(s, Action::Open);
}
