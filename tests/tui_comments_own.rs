//! The terminal UI: a member edits and withdraws their own comments from the
//! Kommentarer tab and from the thread popup; everyone else is refused with
//! the reason. Driven through keys and `update`, drawn with TestBackend,
//! checked with the library and plain git.

mod common;
use common::tui::{screen, typed};

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::model::CommentStatus;
use oplaeg::ops::NewTarget;
use oplaeg::tui::state::{ComposeTarget, Popup, View};
use oplaeg::tui::{Action, State, dispatch, to_action};

fn state(ws: &Ws, email: &str) -> State {
    common::tui::in_reader(&ws.root, email, 100, 30)
}

/// A key pressed in the running UI (through the same mapping as the terminal).
fn press(state: &mut State, code: KeyCode) {
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(a) = to_action(state, ev) {
        dispatch(state, a);
    }
}

fn comment(ws: &Ws, email: &str, body: &str) -> String {
    let target = NewTarget::Chapter {
        chapter: "rehabilitering".into(),
        quote: None,
    };
    ws.session(email).add_comment(target, body).unwrap().id
}

#[test]
fn a_member_edits_their_comment_from_the_comment_list() {
    let ws = Ws::sample();
    let id = comment(&ws, MEMBER, "Min kommentar.");
    let mut s = state(&ws, MEMBER);
    dispatch(&mut s, Action::Tab(2));
    assert_eq!(s.view, View::Comments);
    press(&mut s, KeyCode::Char('e'));
    match &s.popup {
        Some(Popup::Compose(c)) => {
            assert_eq!(c.target, ComposeTarget::EditComment(id.clone()));
            assert_eq!(c.text(), "Min kommentar.");
        }
        _ => panic!("the editor should open on the comment's text"),
    }
    assert!(screen(&s).contains("Ret din kommentar"));
    typed(&mut s, "Rettet: ");
    dispatch(&mut s, Action::Submit);
    assert!(s.popup.is_none());
    assert_eq!(s.message.as_deref(), Some("Kommentaren er rettet."));
    assert_eq!(
        ws.load_head().comment(&id).unwrap().body,
        "Rettet: Min kommentar."
    );
    assert_eq!(
        ws.log1("%ae|%s", "HEAD"),
        format!("{MEMBER}|Kommentar rettet ({MEMBER_ORG})")
    );
    ws.assert_clean();
    // The screen shows the new text.
    assert!(screen(&s).contains("Rettet: Min kommentar."));
}

#[test]
fn withdrawing_asks_first_and_works_from_the_thread_popup() {
    let ws = Ws::sample();
    let id = comment(&ws, MEMBER, "Jeg fortryder.");
    let commits = ws.commit_count();
    let mut s = state(&ws, MEMBER);
    dispatch(&mut s, Action::Tab(2));
    press(&mut s, KeyCode::Enter);
    assert!(matches!(s.popup, Some(Popup::Thread(_))));
    let shown = screen(&s);
    assert!(shown.contains(" w  træk tilbage"), "{shown}");

    // w asks; n cancels and nothing is written.
    press(&mut s, KeyCode::Char('w'));
    assert!(matches!(&s.popup, Some(Popup::ConfirmWithdraw(x)) if *x == id));
    let shown = screen(&s);
    assert!(
        shown.contains("Vil du trække denne kommentar tilbage?"),
        "{shown}"
    );
    assert!(
        shown.contains("Jeg fortryder."),
        "the words, not an id: {shown}"
    );
    press(&mut s, KeyCode::Char('n'));
    assert!(s.popup.is_none());
    assert_eq!(ws.commit_count(), commits);

    // Again from the thread, and j confirms.
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('w'));
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(ws.commit_count(), commits + 1);
    assert_eq!(
        ws.load_head().comment(&id).unwrap().status,
        CommentStatus::Withdrawn
    );
    assert_eq!(
        s.message.as_deref(),
        Some("Kommentaren er trukket tilbage.")
    );
    ws.assert_clean();

    // Withdrawn is final: the next attempt explains why not.
    press(&mut s, KeyCode::Char('e'));
    match &s.popup {
        Some(Popup::Error(e)) => assert!(e.contains("trukket tilbage"), "{e}"),
        _ => panic!("expected an explanation"),
    }
}

#[test]
fn in_someone_elses_thread_e_edits_your_own_reply() {
    let ws = Ws::sample();
    let root = comment(&ws, MEMBER2, "Birgittes kommentar.");
    let reply = ws.session(MEMBER).reply(&root, "Jens' svar.").unwrap().id;
    let mut s = state(&ws, MEMBER);
    dispatch(&mut s, Action::Tab(2));
    press(&mut s, KeyCode::Char('e'));
    match &s.popup {
        Some(Popup::Compose(c)) => {
            assert_eq!(c.target, ComposeTarget::EditComment(reply.clone()))
        }
        _ => panic!("the editor should open on the member's own reply"),
    }
}

#[test]
fn others_and_reviewers_are_refused_with_the_reason() {
    let ws = Ws::sample();
    comment(&ws, MEMBER, "Jens' kommentar.");
    let commits = ws.commit_count();
    for (email, expected) in [
        (MEMBER2, "skrevet af Jens Nørgaard"),
        (WRITER, "skrevet af Jens Nørgaard"),
        (REVIEWER, "rollen læser"),
    ] {
        let mut s = state(&ws, email);
        dispatch(&mut s, Action::Tab(2));
        for key in ['e', 'w'] {
            press(&mut s, KeyCode::Char(key));
            match &s.popup {
                Some(Popup::Error(e)) => assert!(e.contains(expected), "{email}: {e}"),
                _ => panic!("{email} pressing {key} should be refused"),
            }
            assert!(screen(&s).contains("Det kunne ikke lade sig gøre"));
            dispatch(&mut s, Action::Back);
        }
    }
    assert_eq!(ws.commit_count(), commits);
}

#[test]
fn the_help_lists_the_new_keys_and_marks_them_for_reviewers() {
    let ws = Ws::sample();
    let mut s = state(&ws, REVIEWER);
    dispatch(&mut s, Action::Tab(2));
    dispatch(&mut s, Action::Help);
    let shown = screen(&s);
    let line = shown
        .lines()
        .find(|l| l.contains("ret din egen åbne kommentar"))
        .expect("edit key in the help");
    assert!(line.contains("✗ ikke her"), "{line}");
}
