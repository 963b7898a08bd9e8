//! The terminal UI in-process for the screen tests: a demo workspace, the
//! UI's state on it as someone, keys as a person presses them, and the
//! screen (ratatui's `TestBackend`) as text.

use std::path::{Path, PathBuf};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::store::Store;
use oplaeg::tui::state::View;
use oplaeg::tui::{Action, State, dispatch, to_action, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key};
use tempfile::TempDir;

/// The demo workspace in a temporary folder (gone when this is dropped).
pub struct Demo {
    _tmp: TempDir,
    pub root: PathBuf,
}

/// A fresh demo workspace, for tests that write to it.
pub fn demo() -> Demo {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let root = tmp.path().join("demo");
    oplaeg::demo::build(&root).expect("the demo builds");
    Demo { _tmp: tmp, root }
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
