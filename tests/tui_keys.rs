//! Tried as a new user would: in every role and every view, at 80×24, each
//! key the help shows for that place (read from the key table) is pressed on
//! the demo. Nothing may panic; a key shown as available must do something
//! a person can see (the screen changes: a popup, a message, a move) — and a
//! key the role may not use says why. The footer offers only keys the role
//! may use.

mod common;
use common::tui::{Demo, demo, press, screen, start};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::model::Role;
use oplaeg::tui::action::Action;
use oplaeg::tui::keymap::{self, Binding};
use oplaeg::tui::state::View;
use oplaeg::tui::{State, dispatch, panes, to_action};

const ROLES: [(Role, &str); 3] = [
    (Role::Writer, "mette.holm@sst.example"),
    (Role::Member, "jens.noergaard@rm.example"),
    (Role::Reviewer, "rasmus.winther@sds.example"),
];

fn state(d: &Demo, email: &str, view: View) -> State {
    let mut s = start(&d.root, email, 80, 24);
    s.set_today(chrono::NaiveDate::from_ymd_opt(2024, 9, 12).unwrap());
    s.popup = None;
    // Through the tab key, as a person gets there (the view loads what it shows).
    s.view = View::Reader;
    dispatch(&mut s, oplaeg::tui::Action::Tab(view.index()));
    assert_eq!(s.view, view);
    s
}

/// The footer row as drawn.
fn footer(state: &State) -> String {
    screen(state).lines().last().unwrap_or_default().to_string()
}

/// The ways a key is tried: on the view as it opens, after moving down a
/// few rows (so up, top and page up have somewhere to go), and with the
/// right-hand pane focused (the reader's text, the details, the calendar).
fn contexts() -> [&'static [(KeyCode, KeyModifiers)]; 3] {
    const DOWN: (KeyCode, KeyModifiers) = (KeyCode::Down, KeyModifiers::NONE);
    const RIGHT: (KeyCode, KeyModifiers) = (KeyCode::Right, KeyModifiers::NONE);
    [&[], &[DOWN, DOWN, DOWN], &[RIGHT, DOWN, DOWN]]
}

/// Keys that may rightly leave the screen as it is: the number of the tab
/// already shown.
fn may_do_nothing(view: View, b: &Binding) -> bool {
    matches!(b.action, Action::Tab(i) if i == view.index())
}

/// Puts a state back as it opens on `view` (cheaper than opening the
/// workspace again); Ændringer and Mit overblik compute what they show when
/// entered, so for them a new state is opened.
fn fresh(d: &Demo, email: &str, view: View, old: Option<State>) -> State {
    let Some(mut s) = old.filter(|_| !matches!(view, View::Diff | View::Mine)) else {
        return state(d, email, view);
    };
    s.popup = None;
    s.help = None;
    s.message = None;
    s.search_input = None;
    s.quit = false;
    s.popup_scroll = 0;
    s.wants_editor = false;
    s.reader = Default::default();
    s.recs = Default::default();
    s.comments_view = Default::default();
    s.timeline = Default::default();
    s.history = Default::default();
    s.set_today(chrono::NaiveDate::from_ymd_opt(2024, 9, 12).unwrap());
    s.rebuild();
    s.view = View::Reader;
    dispatch(&mut s, Action::Tab(view.index()));
    s
}

/// Keys that move in a list or pane.
fn moves(a: &Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

/// Presses every key the help shows in every view as `email`; returns the
/// the keys that did nothing visible, as `(view, label, action, help)`.
fn silent_keys(role: Role, email: &str) -> Vec<(View, &'static str, Action, String)> {
    let d = demo();
    let mut silent = Vec::new();
    let mut spare: Option<State> = None;
    for view in View::all() {
        // The screen each way of trying starts from, drawn once.
        let mut starts: Vec<Option<String>> = vec![None; contexts().len()];
        for b in keymap::help_for(view.scope()) {
            let (code, mods) = b.keys[0];
            let what = format!("{role:?} in {view:?}: {} ({code:?})", b.label);
            // The other keys of the binding are the same key to the table.
            for &(c, m) in &b.keys[1..] {
                let s = fresh(&d, email, view, spare.take());
                let other = to_action(&s, Event::Key(KeyEvent::new(c, m)));
                let first = to_action(&s, Event::Key(KeyEvent::new(code, mods)));
                assert_eq!(other, first, "{what}: {c:?} does what {code:?} does");
                spare = Some(s);
            }
            let mut did = false;
            for (k, setup) in contexts().into_iter().enumerate() {
                let mut s = fresh(&d, email, view, spare.take());
                for &(c, m) in setup {
                    press(&mut s, c, m);
                }
                // Moving into the pane may have opened something.
                if s.popup.is_some() || s.view != view {
                    spare = Some(s);
                    continue;
                }
                let before = match &starts[k] {
                    Some(b) if !matches!(view, View::Diff | View::Mine) => b.clone(),
                    _ => {
                        let b = screen(&s);
                        starts[k] = Some(b.clone());
                        b
                    }
                };
                let refused = panes::refusal(&s, &b.action);
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    press(&mut s, code, mods);
                    screen(&s)
                }));
                let Ok(after) = outcome else {
                    panic!("{what} panicked");
                };
                let changed = after != before || s.quit;
                spare = Some(s);
                if let Some(why) = refused {
                    // A refused key explains itself where it is pressed.
                    assert!(changed, "{what} is refused ({why}) but says nothing");
                }
                if changed {
                    did = true;
                    break;
                }
            }
            if !did && !may_do_nothing(view, b) {
                silent.push((view, b.label, b.action.clone(), b.help().to_string()));
            }
        }
    }
    silent
}

fn no_silent_keys(role: Role, email: &str) {
    let silent: Vec<String> = silent_keys(role, email)
        .into_iter()
        .filter(|(view, _, action, _)| {
            // Mit overblik of someone without comments of their own fits
            // the screen: nothing to move through (the member's moves).
            !(moves(action) && *view == View::Mine && role != Role::Member)
        })
        .map(|(view, label, _, help)| format!("{role:?} in {view:?}: {label} – {help}"))
        .collect();
    assert!(
        silent.is_empty(),
        "keys the help shows that do nothing:\n{}",
        silent.join("\n")
    );
}

#[test]
fn the_footer_offers_only_keys_the_role_may_use() {
    let d = demo();
    for (role, email) in ROLES {
        for view in View::all() {
            for setup in contexts() {
                let mut s = state(&d, email, view);
                for &(c, m) in setup {
                    press(&mut s, c, m);
                }
                if s.popup.is_some() {
                    continue;
                }
                let shown = footer(&s);
                let scope = panes::scope(&s);
                let chain: Vec<&Binding> = keymap::help_for(scope).collect();
                let member = s.actor.clone().unwrap();
                assert_eq!(member.role, role);
                for b in chain.iter().filter(|b| b.footer) {
                    let Some(p) = keymap::permission(&b.action) else {
                        continue;
                    };
                    if oplaeg::ops::permit(&member, p).is_ok() {
                        continue;
                    }
                    // Another key with the same label that the role may use.
                    let shared = chain.iter().any(|o| {
                        o.label == b.label
                            && keymap::permission(&o.action)
                                .is_none_or(|p| oplaeg::ops::permit(&member, p).is_ok())
                    });
                    assert!(
                        shared || !shown.contains(&format!(" {} ", b.label)),
                        "{role:?} in {view:?}: the footer offers {} ({}), which the role may not use:\n{shown}",
                        b.label,
                        b.help()
                    );
                }
            }
        }
    }
}

#[test]
fn every_key_does_something_for_a_writer() {
    no_silent_keys(ROLES[0].0, ROLES[0].1);
}

#[test]
fn every_key_does_something_for_a_member() {
    no_silent_keys(ROLES[1].0, ROLES[1].1);
}

#[test]
fn every_key_does_something_for_a_reviewer() {
    no_silent_keys(ROLES[2].0, ROLES[2].1);
}
