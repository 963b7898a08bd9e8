//! The terminal UI: state, update and views, on the same operations as the
//! command line. Data flows one way: event → keymap → [`Action`] →
//! [`update::update`] → [`views::render`] from `&State`.
//!
//! Each tab is a folder (`reader/`, `recommendations/`, `comments/`,
//! `timeline/`, `history/`, `changes/`) owning its state, `update` and
//! `view`; `popups/` likewise. Shared: [`layout`] (all geometry, for
//! drawing and for the mouse), [`keymap`] (every key, views and popups),
//! [`panes`] and [`scroll`] (text that scrolls), [`state`] (the whole
//! state, made of the views' states).

pub mod action;
pub mod changes;
pub mod comments;
pub mod history;
pub mod job;
pub mod keymap;
pub mod layout;
pub mod loading;
pub mod mine;
pub mod panes;
pub mod popups;
pub mod ranking;
pub mod reader;
pub mod recommendations;
pub mod scroll;
pub mod state;
pub mod tabs;
mod theme;
pub mod timeline;
pub mod update;
pub mod views;

use std::io::Write;
use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers, MouseEventKind};

pub use action::Action;
pub use state::State;

use crate::store::Store;
use state::Popup;

/// Turns a terminal event into an action for the current state: keys are
/// looked up in the key table for what is in front (the help, a popup or
/// the view); in the editor and forms, keys the table does not name are
/// typed text.
pub fn to_action(state: &State, event: Event) -> Option<Action> {
    match event {
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Action::ScrollUp(m.column, m.row)),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown(m.column, m.row)),
            MouseEventKind::Down(_) if state.popup.is_none() && state.help.is_none() => {
                Some(Action::Click(m.column, m.row))
            }
            _ => None,
        },
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            if state.popup.is_none() && state.help.is_none() && state.search_input.is_some() {
                return match key.code {
                    KeyCode::Esc => Some(Action::Back),
                    KeyCode::Enter => Some(Action::Open),
                    KeyCode::Backspace => Some(Action::SearchBackspace),
                    KeyCode::Char(c) if !ctrl => Some(Action::SearchChar(c)),
                    _ => None,
                };
            }
            let scope = panes::scope(state);
            if let Some(action) = keymap::lookup(scope, &key) {
                return Some(action);
            }
            match scope {
                keymap::Scope::Compose => return Some(Action::Edit(key.into())),
                keymap::Scope::Form => {
                    return match key.code {
                        KeyCode::Char(c) if !ctrl => Some(Action::SearchChar(c)),
                        _ => None,
                    };
                }
                _ => {}
            }
            None
        }
        _ => None,
    }
}

/// Applies an action and every follow-up it returns, and runs any queued
/// job to its end right away. For tests and tools: the terminal's event loop
/// uses [`dispatch_async`] and runs jobs on a worker thread instead.
pub fn dispatch(state: &mut State, action: Action) {
    dispatch_async(state, action);
    while !state.jobs.is_empty() {
        let (root, email) = job::target(state);
        let j = state.jobs.remove(0);
        let outcome = job::run(&root, email.as_deref(), j);
        dispatch_async(state, Action::JobDone(outcome));
    }
}

/// Applies an action and every follow-up it returns; queued jobs stay queued.
pub fn dispatch_async(state: &mut State, action: Action) {
    let mut next = Some(action);
    while let Some(a) = next {
        next = update::update(state, a);
    }
}

/// Whether to capture the mouse: on, unless `OPLAEG_MOUSE` is `0`/`off`/`nej`
/// (mouse capture blocks the terminal's own text selection).
fn mouse_wanted() -> bool {
    !matches!(
        std::env::var("OPLAEG_MOUSE")
            .unwrap_or_default()
            .to_lowercase()
            .as_str(),
        "0" | "off" | "no" | "nej" | "false"
    )
}

/// Runs the UI on the workspace at `root`, acting as `email`.
pub fn run(root: &Path, email: Option<String>) -> anyhow::Result<()> {
    let store = Store::open(root)?;
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    // The first screen is drawn before the comments are read (see [`loading`]).
    let mut state = State::open(store, email, w, h)?;
    let mut terminal = ratatui::init();
    job::catch_job_panics();
    let mouse = mouse_wanted();
    if mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    let result = event_loop(&mut terminal, &mut state);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, state: &mut State) -> anyhow::Result<()> {
    // Jobs (writes, and the first full read) run on worker threads; keys
    // are answered meanwhile.
    let mut worker = job::Worker::default();
    loop {
        let size = terminal.size()?;
        if (size.width, size.height) != (state.width, state.height) {
            dispatch_async(state, Action::Resize(size.width, size.height));
        }
        terminal.draw(|f| views::render(f, state))?;
        worker.start(state);
        if state.quit {
            worker.finish_writes(state);
            return Ok(());
        }
        // Only the latest progress of a running sync matters.
        let progress = state
            .sync_progress
            .as_ref()
            .and_then(|rx| rx.try_iter().last());
        if let Some(p) = progress {
            dispatch_async(state, Action::SyncProgress(p));
        }
        worker.take_done(state);
        if !event::poll(std::time::Duration::from_millis(50))? {
            continue;
        }
        let ev = event::read()?;
        if let Some(action) = to_action(state, ev) {
            dispatch_async(state, action);
        }
        if state.wants_editor {
            state.wants_editor = false;
            let text = match &state.popup {
                Some(Popup::Compose(c)) => c.text(),
                _ => continue,
            };
            match external_editor(&text) {
                Ok(new_text) => dispatch_async(state, Action::EditorText(new_text)),
                Err(e) => {
                    state.message = Some(crate::tr!(
                        "Editoren fejlede ({e}); din tekst er uændret.",
                        "The editor failed ({e}); your text is unchanged."
                    ))
                }
            }
            terminal.clear()?;
        }
    }
}

/// Opens `$VISUAL` or `$EDITOR` (without a shell) on the text; the UI is
/// suspended meanwhile and restored after, whatever the editor does.
fn external_editor(text: &str) -> anyhow::Result<String> {
    let (program, args) = crate::platform::editor().ok_or_else(|| {
        anyhow::anyhow!(crate::tr!(
            "ingen editor fundet: sæt $EDITOR, fx export EDITOR=nano",
            "no editor found: set $EDITOR, e.g. export EDITOR=nano"
        ))
    })?;
    let mut file = tempfile::Builder::new()
        .prefix("oplaeg-")
        .suffix(".md")
        .tempfile()?;
    // Editors expect a text file to end with a newline.
    file.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    file.flush()?;
    crossterm::terminal::disable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::LeaveAlternateScreen)?;
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(file.path())
        .status();
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    crossterm::terminal::enable_raw_mode()?;
    let status = status?;
    if !status.success() {
        anyhow::bail!("{program}: {status}");
    }
    let new_text = std::fs::read_to_string(file.path())?;
    Ok(new_text.trim_end_matches('\n').to_string())
}
