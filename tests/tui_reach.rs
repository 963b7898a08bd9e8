//! Every text in the terminal UI can be reached: each pane and popup is
//! opened on the demo's longest content, scrolled to its end with the keys a
//! person uses (through the real key table), and the last line must be on
//! the screen — at 80×24 and at 120×40.

mod common;
use common::tui::{Demo, demo, in_reader, press, screen};

use crossterm::event::{KeyCode, KeyModifiers};
use oplaeg::ops::Session;
use oplaeg::store::Store;
use oplaeg::tui::panes::{self, Pane};
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{Action, State, dispatch};

const WRITER: &str = "mette.holm@sst.example";
const MEMBER: &str = "jens.noergaard@rm.example";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn state(d: &Demo, email: &str, (w, h): (u16, u16)) -> State {
    in_reader(&d.root, email, w, h)
}

fn key(state: &mut State, code: KeyCode) {
    press(state, code, KeyModifiers::NONE);
}

/// The last non-blank row of a pane as drawn, trimmed.
fn last_row(state: &State, pane: Pane) -> String {
    panes::wrapped(state, pane)
        .iter()
        .rev()
        .map(|l| l.to_string().trim().to_string())
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

fn assert_shows(state: &State, text: &str, what: &str) {
    let s = screen(state);
    assert!(
        s.contains(text),
        "{}×{} {what}: «{text}» not on screen:\n{s}",
        state.width,
        state.height
    );
}

#[test]
fn the_help_scrolls_to_its_last_line_in_every_view_and_over_a_popup() {
    let d = demo();
    for size in SIZES {
        let mut s = state(&d, WRITER, size);
        for tab in ['1', '2', '3', '4', '5', '6'] {
            key(&mut s, KeyCode::Char(tab));
            key(&mut s, KeyCode::Char('?'));
            assert!(s.help.is_some(), "? opens the help");
            let before = screen(&s);
            key(&mut s, KeyCode::End);
            let last = last_row(&s, Pane::Help);
            assert!(
                last.ends_with("tyk.") || last.ends_with("border."),
                "{last}"
            );
            assert_shows(&s, &last, "help end");
            if size.1 == 24 {
                assert!(!before.contains(&last), "the help is longer than 80×24");
            }
            key(&mut s, KeyCode::Char('g'));
            assert_shows(&s, "Taster i fanen", "help top");
            key(&mut s, KeyCode::Esc);
            assert!(s.help.is_none());
        }
        // Over a thread, ? opens the help for the thread, and Esc goes back to it.
        key(&mut s, KeyCode::Char('3'));
        key(&mut s, KeyCode::Enter);
        assert!(matches!(s.popup, Some(Popup::Thread(_))));
        key(&mut s, KeyCode::Char('?'));
        assert!(s.help.is_some() && matches!(s.popup, Some(Popup::Thread(_))));
        assert_shows(&s, "Taster i vinduet «Tråd»", "help over a thread");
        assert_shows(&s, "svar i tråden", "the thread's keys");
        key(&mut s, KeyCode::Esc);
        assert!(s.help.is_none() && matches!(s.popup, Some(Popup::Thread(_))));
    }
}

#[test]
fn a_thread_with_a_sixty_line_answer_is_read_to_its_end() {
    let d = demo();
    let writer = Session::new(Store::open(&d.root).unwrap(), Some(WRITER)).unwrap();
    let ws = writer.store().load(&oplaeg::store::Rev::head()).unwrap();
    let root = ws
        .comments
        .iter()
        .find(|c| c.reply_to.is_none() && c.is_open())
        .unwrap()
        .id
        .clone();
    let answer: Vec<String> = (1..=60)
        .map(|n| format!("Svarlinje {n} af 60 fra Sundhedsstyrelsen."))
        .collect();
    writer.reply(&root, &answer.join("\n")).unwrap();
    for size in SIZES {
        let mut s = state(&d, MEMBER, size);
        let i = s.ws.comments.iter().position(|c| c.id == root).unwrap();
        s.popup = Some(Popup::Thread(i));
        assert!(!screen(&s).contains("Svarlinje 60 af 60"));
        // Down a line, a page, then to the end, as a reader does.
        key(&mut s, KeyCode::Char('j'));
        assert_eq!(s.popup_scroll, 1);
        key(&mut s, KeyCode::PageDown);
        assert!(s.popup_scroll > 1);
        key(&mut s, KeyCode::End);
        assert_shows(&s, "Svarlinje 60 af 60", "thread end");
        let last = last_row(&s, Pane::Popup);
        assert_shows(&s, &last, "thread's last row");
        key(&mut s, KeyCode::Home);
        assert_eq!(s.popup_scroll, 0);
        // The mouse wheel scrolls it too.
        dispatch(&mut s, Action::ScrollDown(40, 10));
        assert_eq!(s.popup_scroll, 3);
        // r replies from the thread.
        key(&mut s, KeyCode::Char('r'));
        assert!(matches!(s.popup, Some(Popup::Compose(_))), "r replies");
    }
}

#[test]
fn every_recommendations_details_scroll_to_the_end() {
    let d = demo();
    for size in SIZES {
        let mut s = state(&d, MEMBER, size);
        key(&mut s, KeyCode::Char('2'));
        let count = s.ws.recommendations.len();
        for n in 0..count {
            s.recs.selected = n;
            s.recs.detail_scroll = 0;
            key(&mut s, KeyCode::Right);
            assert!(s.recs.detail_focus);
            key(&mut s, KeyCode::Char('G'));
            let last = last_row(&s, Pane::RecDetail);
            assert_shows(&s, &last, &format!("rec {n} details"));
            key(&mut s, KeyCode::Char('h'));
            assert!(!s.recs.detail_focus, "h goes back to the list");
        }
        // The one with a link to Kræftplan IV shows it once scrolled.
        let with_k4 =
            s.ws.recommendations
                .iter()
                .position(|r| r.kraeftplan_iv.is_some())
                .expect("the demo links a recommendation to Kræftplan IV");
        s.recs.selected = with_k4;
        key(&mut s, KeyCode::Char('l'));
        for _ in 0..40 {
            if screen(&s).contains("Sammenhæng til Kræftplan IV") {
                break;
            }
            key(&mut s, KeyCode::Char('j'));
        }
        assert_shows(&s, "Sammenhæng til Kræftplan IV", "Kræftplan IV");
    }
}

#[test]
fn the_longest_thread_in_the_comment_list_and_history_details_scroll() {
    let d = demo();
    for size in SIZES {
        let mut s = state(&d, WRITER, size);
        key(&mut s, KeyCode::Char('3'));
        let longest = (0..s.comments_view.rows.len())
            .max_by_key(|&r| panes::thread_lines(&s, s.comments_view.rows[r]).len())
            .unwrap();
        s.comments_view.selected = longest;
        key(&mut s, KeyCode::Right);
        key(&mut s, KeyCode::End);
        let last = last_row(&s, Pane::CommentThread);
        assert_shows(&s, &last, "comment thread end");

        key(&mut s, KeyCode::Char('5'));
        let longest = (0..s.log.len())
            .max_by_key(|&i| s.log[i].message.len())
            .unwrap();
        s.history.selected = longest;
        key(&mut s, KeyCode::Right);
        key(&mut s, KeyCode::End);
        let last = last_row(&s, Pane::HistoryDetail);
        assert_shows(&s, &last, "history detail end");
    }
}

#[test]
fn the_reader_reaches_the_last_line_of_every_chapter() {
    let d = demo();
    for size in SIZES {
        let mut s = state(&d, MEMBER, size);
        for n in 0..s.ws.chapters.len() {
            key(&mut s, KeyCode::Left);
            key(&mut s, KeyCode::Home);
            for _ in 0..n {
                key(&mut s, KeyCode::Down);
            }
            key(&mut s, KeyCode::Right);
            assert!(s.reader.text_focus, "→ focuses the text");
            key(&mut s, KeyCode::End);
            let last = s
                .reader
                .doc
                .lines
                .iter()
                .rev()
                .find(|l| !l.words.is_empty())
                .map(|l| {
                    l.words
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            assert_shows(&s, last.trim(), &format!("chapter {n} end"));
            // PgDn at the end stays at the end.
            key(&mut s, KeyCode::PageDown);
            assert_shows(&s, last.trim(), &format!("chapter {n} end after PgDn"));
        }
    }
}

#[test]
fn the_list_of_several_threads_scrolls_and_withdrawing_shows_the_words() {
    let d = demo();
    let member = Session::new(Store::open(&d.root).unwrap(), Some(MEMBER)).unwrap();
    let words = "Denne kommentar trækkes tilbage for at prøve dialogen.";
    member
        .add_comment(
            oplaeg::ops::NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: None,
            },
            words,
        )
        .unwrap();
    for size in SIZES {
        let mut s = state(&d, MEMBER, size);
        let all: Vec<usize> = (0..s.ws.comments.len())
            .filter(|&i| s.ws.comments[i].reply_to.is_none())
            .collect();
        s.popup = Some(Popup::Markers(all.clone(), 0));
        key(&mut s, KeyCode::End);
        let last = last_row(&s, Pane::Popup);
        assert_shows(&s, &last, "several threads, end");
        // ↓ chooses the next thread and brings it into view.
        key(&mut s, KeyCode::Home);
        key(&mut s, KeyCode::Down);
        assert!(matches!(&s.popup, Some(Popup::Markers(_, 1))));
        assert_shows(&s, &format!("▶ 2/{}", all.len()), "the chosen thread");
        key(&mut s, KeyCode::Esc);

        // Withdrawing asks with the comment's own words.
        key(&mut s, KeyCode::Char('3'));
        let mine = (0..s.comments_view.rows.len())
            .find(|&r| s.ws.comments[s.comments_view.rows[r]].body == words)
            .unwrap();
        s.comments_view.selected = mine;
        key(&mut s, KeyCode::Char('w'));
        assert!(matches!(s.popup, Some(Popup::ConfirmWithdraw(_))));
        assert_shows(&s, "Denne kommentar trækkes tilbage", "withdraw dialog");
        key(&mut s, KeyCode::Char('n'));
        assert!(s.popup.is_none());
        assert_eq!(s.view, View::Comments);
    }
}

#[test]
fn a_long_sync_report_and_a_long_error_scroll_to_their_end() {
    let d = demo();
    for size in SIZES {
        let mut s = state(&d, MEMBER, size);
        let lines: Vec<String> = (1..=60).map(|n| format!("Rapportlinje {n}.")).collect();
        s.popup = Some(Popup::Sync(oplaeg::tui::state::SyncPopup {
            running: false,
            progress: None,
            lines: lines.clone(),
            failed: true,
        }));
        assert!(!screen(&s).contains("Rapportlinje 60."));
        key(&mut s, KeyCode::End);
        assert_shows(&s, "Rapportlinje 60.", "sync report end");
        assert_shows(&s, "Enter eller Esc lukker", "how to close it");
        key(&mut s, KeyCode::Esc);
        assert!(s.popup.is_none());

        s.popup = Some(Popup::Error(lines.join("\n")));
        key(&mut s, KeyCode::Char('G'));
        assert_shows(&s, "Rapportlinje 60.", "error end");
        key(&mut s, KeyCode::Enter);
        assert!(s.popup.is_none());
    }
}

#[test]
fn a_long_comment_is_read_whole_before_it_is_withdrawn() {
    let d = demo();
    let member = Session::new(Store::open(&d.root).unwrap(), Some(MEMBER)).unwrap();
    let body: Vec<String> = (1..=40)
        .map(|n| format!("Afsnit {n} af min kommentar."))
        .collect();
    member
        .add_comment(
            oplaeg::ops::NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: None,
            },
            &body.join("\n"),
        )
        .unwrap();
    let mut s = state(&d, MEMBER, (80, 24));
    key(&mut s, KeyCode::Char('3'));
    s.comments_view.selected = (0..s.comments_view.rows.len())
        .find(|&r| {
            s.ws.comments[s.comments_view.rows[r]]
                .body
                .starts_with("Afsnit 1 ")
        })
        .unwrap();
    key(&mut s, KeyCode::Char('w'));
    assert!(matches!(s.popup, Some(Popup::ConfirmWithdraw(_))));
    assert!(!screen(&s).contains("Afsnit 40 af"));
    // ↓ and End scroll the question; they do not answer it.
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::End);
    assert!(matches!(s.popup, Some(Popup::ConfirmWithdraw(_))));
    assert_shows(&s, "Afsnit 40 af min kommentar.", "the whole comment");
    key(&mut s, KeyCode::Esc);
    assert!(s.popup.is_none());

    // In the reader, keys for the text are offered once the text has focus.
    key(&mut s, KeyCode::Char('1'));
    let footer = |s: &State| screen(s).lines().last().unwrap_or("").to_string();
    assert!(!footer(&s).contains("kommentér"), "{}", footer(&s));
    key(&mut s, KeyCode::Right);
    assert!(footer(&s).contains("kommentér"), "{}", footer(&s));
}
