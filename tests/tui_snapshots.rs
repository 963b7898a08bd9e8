//! Snapshots of every view and every popup of the terminal UI, drawn from the
//! demo workspace at 80×24 and 120×40. The demo is the same on every run (its
//! ids are seeded, its dates fixed) and "today" is pinned, so a snapshot only
//! changes when the screen does. The `.snap` files beside this file were
//! read and approved by a person: a change shows as a failing test with the
//! difference; approve it with `cargo insta review` (or `INSTA_UPDATE=always
//! cargo test --test tui_snapshots` and read the diff in git). In CI
//! (`CI=true`) a missing snapshot fails.

mod common;
use common::tui::{Demo, demo, start};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::tui::state::{ComposeTarget, Draft, Popup, View};
use oplaeg::tui::{State, dispatch, to_action, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WRITER: &str = "mette.holm@sst.example";
const MEMBER: &str = "jens.noergaard@rm.example";
const REVIEWER: &str = "rasmus.winther@sds.example";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Between the fourth meeting and the last one's comment deadline.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 9, 12).unwrap()
}

fn state(d: &Demo, email: &str, (w, h): (u16, u16), view: View) -> State {
    let mut s = start(&d.root, email, w, h);
    s.set_today(today());
    // Through the tab key, as a person gets there (the view loads what it shows).
    s.view = View::Reader;
    dispatch(&mut s, oplaeg::tui::Action::Tab(view.index()));
    assert_eq!(s.view, view);
    s
}

fn press(state: &mut State, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    if let Some(a) = to_action(state, Event::Key(KeyEvent::new(code, mods))) {
        dispatch(state, a);
    }
}

fn keys(state: &mut State, text: &str) {
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
}

/// The screen as text, one line per row, trailing blanks cut, with the
/// folder the tests run in (shown by the export form) written as `<mappe>`.
fn screen(state: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        for x in 0..buf.area.width {
            row.push_str(buf[(x, y)].symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn snap(name: &str, state: &State) {
    let text = screen(state);
    insta::assert_snapshot!(format!("{name}_{}x{}", state.width, state.height), text);
}

#[test]
fn every_view() {
    let d = demo();
    for size in SIZES {
        for (view, name) in [
            (View::Reader, "oplaeg"),
            (View::Recs, "anbefalinger"),
            (View::Comments, "kommentarer"),
            (View::Timeline, "tidslinje"),
            (View::History, "historik"),
            (View::Diff, "aendringer"),
        ] {
            let s = state(&d, WRITER, size, view);
            assert!(s.popup.is_none());
            snap(&format!("view_{name}"), &s);
        }
        // Mit overblik is where a member starts.
        let s = state(&d, MEMBER, size, View::Mine);
        snap("view_mit_overblik", &s);
        // The open round as a member ranks it, and its results as a writer reads them.
        let s = state(&d, MEMBER, size, View::Ranking);
        snap("view_prioritering_medlem", &s);
        let s = state(&d, WRITER, size, View::Ranking);
        snap("view_prioritering", &s);
        // A reviewer sees the same draft with no write keys in the footer.
        let s = state(&d, REVIEWER, size, View::Recs);
        snap("view_anbefalinger_laeser", &s);
        // The panes that open or take focus.
        let mut s = state(&d, WRITER, size, View::History);
        press(&mut s, KeyCode::Enter);
        snap("view_historik_aaben", &s);
        let mut s = state(&d, WRITER, size, View::Recs);
        press(&mut s, KeyCode::Right);
        snap("view_anbefalinger_detaljer", &s);
    }
}

#[test]
fn every_popup() {
    let d = demo();
    for size in SIZES {
        let writer = |view| state(&d, WRITER, size, view);

        let mut s = writer(View::Reader);
        keys(&mut s, "?");
        assert!(s.help.is_some());
        snap("popup_hjaelp", &s);

        let mut s = writer(View::Comments);
        press(&mut s, KeyCode::Enter);
        assert!(matches!(s.popup, Some(Popup::Thread(_))));
        snap("popup_traad", &s);
        keys(&mut s, "?");
        snap("popup_hjaelp_over_traad", &s);

        let mut s = writer(View::Comments);
        keys(&mut s, "a");
        assert!(
            matches!(s.popup, Some(Popup::Disposition { .. })),
            "a resolves"
        );
        snap("popup_besvar", &s);
        press(&mut s, KeyCode::Enter);
        assert!(matches!(s.popup, Some(Popup::Compose(_))));
        snap("popup_tekstfelt", &s);

        let mut s = writer(View::Reader);
        let roots: Vec<usize> = (0..s.ws.comments.len())
            .filter(|&i| s.ws.comments[i].reply_to.is_none())
            .take(3)
            .collect();
        s.popup = Some(Popup::Markers(roots, 1));
        snap("popup_flere_kommentarer", &s);

        let mut s = writer(View::Recs);
        keys(&mut s, "t");
        assert!(
            matches!(s.popup, Some(Popup::Choice(_))),
            "t chooses a horizon"
        );
        snap("popup_horisont", &s);

        let mut s = writer(View::Recs);
        keys(&mut s, "s");
        snap("popup_status", &s);
        // The last status drops the recommendation, which is asked first.
        press(&mut s, KeyCode::End);
        press(&mut s, KeyCode::Enter);
        assert!(matches!(s.popup, Some(Popup::Confirm(_))), "dropping asks");
        snap("popup_bekraeft_udgaaet", &s);

        let mut s = writer(View::Recs);
        keys(&mut s, "#");
        assert!(matches!(s.popup, Some(Popup::Form(_))), "# asks for a rank");
        snap("popup_flyt_til_nr", &s);

        let mut s = writer(View::Timeline);
        keys(&mut s, "m");
        assert!(matches!(s.popup, Some(Popup::Form(_))), "m plans a meeting");
        snap("popup_planlaeg_moede", &s);

        let mut s = writer(View::Timeline);
        keys(&mut s, "t");
        assert!(
            matches!(s.popup, Some(Popup::Confirm(_))),
            "t tags a meeting"
        );
        snap("popup_send_udkast", &s);

        let mut s = writer(View::Diff);
        keys(&mut s, "f");
        assert!(matches!(s.popup, Some(Popup::DiffPick(_))));
        snap("popup_vaelg_versioner", &s);

        let mut s = writer(View::Reader);
        keys(&mut s, "E");
        // The default folder is where the tests run; a fixed one keeps the
        // snapshot the same on every machine.
        match &mut s.popup {
            Some(Popup::Export(form)) => {
                // The name carries HEAD's short id, which follows the demo.
                let name = form.path.rsplit('/').next().unwrap_or_default();
                assert!(
                    name.starts_with("hoeringsnotat-") && name.ends_with(".docx"),
                    "{}",
                    form.path
                );
                form.path = format!("/home/mette/{name}");
            }
            _ => panic!("E opens the export form"),
        }
        snap("popup_eksport", &s);

        // A member withdrawing their own comment is asked first.
        let mut s = state(&d, MEMBER, size, View::Comments);
        let own =
            s.ws.comments
                .iter()
                .find(|c| c.author.email == MEMBER && c.reply_to.is_none())
                .map(|c| c.id.clone())
                .unwrap();
        s.popup = Some(Popup::ConfirmWithdraw(own));
        snap("popup_traek_tilbage", &s);

        // A reviewer may not comment: the refusal says why.
        let mut s = state(&d, REVIEWER, size, View::Recs);
        keys(&mut s, "c");
        assert!(
            matches!(s.popup, Some(Popup::Error(_))) || s.message.is_some(),
            "a reviewer is told why not"
        );
        snap("popup_fejl_laeser", &s);

        let mut s = writer(View::Reader);
        s.popup = Some(Popup::Info(
            "Kommentaren har intet citat at flytte.".to_string(),
        ));
        snap("popup_besked", &s);

        let mut s = writer(View::Reader);
        s.popup = Some(Popup::DraftOffer(Draft {
            target: ComposeTarget::Rec(s.ws.recommendations[0].slug.clone()),
            text: "Jeg foreslår, at anbefalingen nævner almen praksis.".to_string(),
        }));
        snap("popup_kladde", &s);

        // Syncing a workspace with no server says what to do.
        let mut s = writer(View::Reader);
        keys(&mut s, "S");
        assert!(matches!(s.popup, Some(Popup::Sync(_))), "S syncs");
        snap("popup_synkroniser", &s);
    }
}
