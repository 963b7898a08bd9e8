//! Prioritering (tab 8) without a terminal: keys go through the key table
//! and `update`, screens are drawn with ratatui's TestBackend at 80×24 and
//! 120×40 on the demo (round 1 closed, round 2 open). What the UI writes
//! is checked with plain git; what it shows against the core's results.

mod common;
use common::git;
use common::tui::{Demo, demo as new_demo};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::ops::ranking::{adopted_order, rounds_at};
use oplaeg::store::{Rev, Store};
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{State, dispatch, to_action, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A member without a ranking in round 2.
const CAMILLA: &str = "camilla.froestrup@regionh.example";
/// A member who ranked in round 2.
const JENS: &str = "jens.noergaard@rm.example";
const WRITER: &str = "mette.holm@sst.example";
const REVIEWER: &str = "rasmus.winther@sds.example";

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// One demo for the tests that only read.
fn demo() -> &'static Demo {
    common::tui::shared_demo()
}

/// The UI as `email` starts it, on the Prioritering tab (key 8).
fn start(root: &std::path::Path, email: &str, w: u16, h: u16) -> State {
    let store = Store::open(root).unwrap();
    let mut s = State::new(store, Some(email.to_string()), w, h).unwrap();
    s.theme.color = false;
    s.popup = None;
    press(&mut s, KeyCode::Char('8'), KeyModifiers::NONE);
    assert_eq!(s.view, View::Ranking);
    s
}

/// A key as the terminal sends it, through the key table.
fn press(s: &mut State, code: KeyCode, mods: KeyModifiers) {
    let action = to_action(s, Event::Key(KeyEvent::new(code, mods)))
        .unwrap_or_else(|| panic!("{code:?} does nothing"));
    dispatch(s, action);
}

fn key(s: &mut State, c: char) {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    press(s, KeyCode::Char(c), mods);
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn screen(state: &State) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

fn footer(state: &State) -> String {
    screen(state).last().cloned().unwrap_or_default()
}

fn shows(state: &State, text: &str) -> bool {
    screen(state).iter().any(|l| l.contains(text))
}

fn commits(root: &std::path::Path) -> usize {
    git(root, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

fn toml_at(root: &std::path::Path, path: &str) -> toml::Table {
    git(root, &["show", &format!("HEAD:{path}")])
        .parse::<toml::Table>()
        .unwrap()
}

fn strings(v: &toml::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The titles of round `n`'s items in the group's aggregate order, from
/// the core.
fn aggregate_titles(root: &std::path::Path, n: u32) -> Vec<String> {
    let store = Store::open(root).unwrap();
    let at = rounds_at(&store, &Rev::head()).unwrap();
    let today = chrono::Local::now().date_naive();
    let r = at.results(Some(n), today).unwrap();
    r.items.into_iter().map(|i| i.title).collect()
}

#[test]
fn a_member_ranks_marks_no_opinion_gives_a_reason_and_saves_one_commit() {
    let d = new_demo();
    // Drawn at both sizes before the member acts (at 80×24).
    for (w, h) in [SIZES[1], SIZES[0]] {
        let mut s = start(&d.root, CAMILLA, w, h);
        let screen_text = screen(&s).join("\n");
        assert!(screen_text.contains("ikke afgivet"), "{screen_text}");
        assert!(screen_text.contains("Prioriteringsrunde 2 til møde 5"));
        assert!(
            screen_text.contains("r viser gruppens resultater"),
            "the way to the results is named: {screen_text}"
        );
        let foot = footer(&s);
        for k in ["K/⇧↑", "J/⇧↓", "Enter", "ingen holdning"] {
            assert!(foot.contains(k), "{k} missing from the footer: {foot}");
        }
        for k in ["luk runde", "åbn runde", "tag i brug"] {
            assert!(!foot.contains(k), "a member is offered «{k}»: {foot}");
        }
        assert!(s.ranking.edit.is_some());
        // Only the size matters for drawing; act once.
        if w != 80 {
            continue;
        }
        let items = s.ranking.rounds()[1].file.items.clone();
        let before = commits(&d.root);
        // The 3rd up to the 1st with K and ⇧↑ (the writers' reorder keys).
        key(&mut s, 'j');
        key(&mut s, 'j');
        key(&mut s, 'K');
        press(&mut s, KeyCode::Up, KeyModifiers::SHIFT);
        // The last to no. 2 with "flyt til nr.".
        key(&mut s, 'G');
        key(&mut s, '#');
        assert!(matches!(s.popup, Some(Popup::Form(_))));
        typed(&mut s, "2");
        press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
        assert!(s.popup.is_none(), "{:?}", s.message);
        // The 5th: no opinion, with a reason.
        key(&mut s, 'g');
        for _ in 0..4 {
            key(&mut s, 'j');
        }
        key(&mut s, 'i');
        key(&mut s, 'b');
        typed(&mut s, "Uden for vores felt");
        press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
        assert!(shows(&s, "ingen holdning ✎"), "{}", screen(&s).join("\n"));
        assert_eq!(commits(&d.root), before, "moving writes nothing");
        press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
        assert!(s.popup.is_none(), "{:?}", s.popup.is_some());
        assert_eq!(commits(&d.root), before + 1, "one ranking, one commit");

        // Exactly one file, the member's own, written by the member.
        assert_eq!(git(&d.root, &["log", "-1", "--format=%ae"]).trim(), CAMILLA);
        let changed = git(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
        let path = "rankings/2/camilla-froestrup-regionh-example.toml";
        assert_eq!(changed.trim(), path);
        let file = toml_at(&d.root, path);
        let mut expected = items.clone();
        let third = expected.remove(2);
        expected.insert(0, third);
        let last = expected.pop().unwrap();
        expected.insert(1, last);
        let none = expected.remove(4);
        assert_eq!(strings(&file["order"]), expected);
        assert_eq!(strings(&file["no_opinion"]), vec![none.clone()]);
        assert_eq!(
            file["reasons"][none.as_str()].as_str(),
            Some("Uden for vores felt")
        );
        // Saved: the list says so, and Esc has nothing to undo.
        assert!(shows(&s, "Din rangordning er gemt"));
        assert!(!footer(&s).contains("Esc"), "{}", footer(&s));
    }
}

#[test]
fn esc_puts_the_saved_ranking_back_and_writes_nothing() {
    let d = new_demo();
    let mut s = start(&d.root, JENS, 80, 24);
    let saved = s.ranking.rounds()[1]
        .submission_of(JENS)
        .unwrap()
        .file
        .order
        .clone();
    assert!(shows(&s, "Din rangordning er gemt"));
    let before = commits(&d.root);
    // A click on the list's third row (tab bar, border, two rows above) selects it.
    dispatch(&mut s, oplaeg::tui::Action::Click(5, 4));
    assert_eq!(s.ranking.selected, 2);
    key(&mut s, 'g');
    key(&mut s, 'J');
    key(&mut s, 'J');
    assert!(shows(&s, "Ikke gemt"), "{}", screen(&s).join("\n"));
    assert!(footer(&s).contains("Esc"));
    press(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(s.ranking.edit.as_ref().unwrap().order, saved);
    assert!(!shows(&s, "Ikke gemt"));
    assert_eq!(commits(&d.root), before);
}

#[test]
fn the_results_show_the_cores_order_with_bars_agreement_and_counts() {
    let d = demo();
    for email in [WRITER, JENS, REVIEWER] {
        for (w, h) in SIZES {
            let mut s = start(&d.root, email, w, h);
            if email == JENS {
                key(&mut s, 'r');
            }
            let lines = oplaeg::tui::ranking::view::results_lines(&s, usize::from(w - 2));
            let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let all = text.join("\n");
            // Readable at the width: no line is cut by the pane.
            for l in &text {
                assert!(
                    unicode_width::UnicodeWidthStr::width(l.as_str()) <= usize::from(w - 2),
                    "too wide at {w}: «{l}»"
                );
            }
            assert!(
                all.contains("Prioriteringsrunde 2 (til møde 5) – åben"),
                "{all}"
            );
            assert!(all.contains("Kendalls W = "), "{all}");
            assert!(all.contains("p = ") || all.contains("p < "), "{all}");
            assert!(
                all.contains("Siden runde 1"),
                "movement since round 1: {all}"
            );
            assert!(all.contains("Borda"), "{all}");
            assert!(all.contains("Skr."), "the writers' order beside: {all}");
            // The aggregate order is the core's, one row each, with a bar.
            let titles = aggregate_titles(&d.root, 2);
            let mut last = 0;
            for (i, t) in titles.iter().enumerate() {
                let start: String = t.chars().take(12).collect();
                let row = text
                    .iter()
                    .position(|l| l.starts_with(&format!("{:>2}. ", i + 1)) && l.contains(&start))
                    .unwrap_or_else(|| panic!("no row {} «{t}»:\n{all}", i + 1));
                assert!(row > last || i == 0, "row {} out of order", i + 1);
                assert!(text[row].contains('│'), "a range bar: {}", text[row]);
                last = row;
            }
            // The table of the rest: Borda, n, no opinion, missing, as the core has them.
            let head = text
                .iter()
                .position(|l| l.contains("Borda    n  Ingen h.  Mangl."))
                .unwrap_or_else(|| panic!("the counts' heading:\n{all}"));
            let store = Store::open(&d.root).unwrap();
            let core = rounds_at(&store, &Rev::head())
                .unwrap()
                .results(Some(2), chrono::Local::now().date_naive())
                .unwrap();
            for (row, item) in text[head + 1..].iter().zip(&core.items) {
                let cols: Vec<&str> = row.split_whitespace().rev().take(4).collect();
                assert_eq!(
                    cols,
                    [
                        item.missing.to_string(),
                        item.no_opinion.to_string(),
                        item.n.to_string(),
                        oplaeg::ranking::render::number(item.borda, 1),
                    ],
                    "{row}"
                );
            }
            // On screen, the same heading; and it scrolls with End.
            assert!(shows(&s, "resultater af runde 2"));
            key(&mut s, 'G');
            assert!(s.ranking.results_scroll > 0, "End scrolls at {w}×{h}");
            assert!(shows(&s, "Runde 2 af 2"), "{}", screen(&s).join("\n"));
            key(&mut s, 'g');
            assert_eq!(s.ranking.results_scroll, 0);
            // [ shows round 1: closed, nothing before it.
            key(&mut s, '[');
            let one = oplaeg::tui::ranking::view::results_lines(&s, usize::from(w - 2))
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                one.contains("Prioriteringsrunde 1 (til møde 4) – lukket"),
                "{one}"
            );
            assert!(!one.contains("Siden runde"), "{one}");
        }
    }
}

#[test]
fn the_footer_offers_each_role_only_its_own_keys() {
    let d = demo();
    let s = start(&d.root, WRITER, 80, 24);
    let foot = footer(&s);
    assert!(foot.contains("luk runde"), "{foot}");
    for k in ["K/⇧↑", "gem", "åbn runde", "Enter"] {
        assert!(
            !foot.contains(k),
            "a writer is offered «{k}» while round 2 is open: {foot}"
        );
    }
    let s = start(&d.root, REVIEWER, 80, 24);
    let foot = footer(&s);
    for k in ["K/⇧↑", "luk runde", "åbn runde", "tag i brug", "Enter"] {
        assert!(!foot.contains(k), "a reviewer is offered «{k}»: {foot}");
    }
    // The keys a member would use are refused with a reason.
    let mut s = start(&d.root, REVIEWER, 80, 24);
    key(&mut s, 'K');
    assert!(matches!(&s.popup, Some(Popup::Error(e)) if e.contains("medlemmer")));
}

#[test]
fn a_writer_closes_the_round_adopts_the_order_and_opens_the_next() {
    let d = new_demo();
    // The questions and the form are drawn whole at the larger size too.
    let mut big = start(&d.root, WRITER, 120, 40);
    key(&mut big, 'x');
    assert!(shows(&big, "Luk prioriteringsrunde 2?"));
    assert!(shows(&big, "j/Enter: ja · n/Esc: nej"));
    key(&mut big, 'n');
    key(&mut big, 'o');
    assert!(
        matches!(&big.popup, Some(Popup::Error(e)) if e.contains("stadig åben")),
        "one round at a time"
    );
    let mut s = start(&d.root, WRITER, 80, 24);
    let before = commits(&d.root);
    key(&mut s, 'x');
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
    let question = screen(&s).join("\n");
    assert!(question.contains("Luk prioriteringsrunde 2?"), "{question}");
    assert!(
        question.contains("Camilla Frøstrup"),
        "who is missing: {question}"
    );
    key(&mut s, 'n');
    assert_eq!(commits(&d.root), before, "no closes nothing");
    key(&mut s, 'x');
    press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(commits(&d.root), before + 1);
    assert_eq!(
        git(&d.root, &["show", "--name-only", "--format=", "HEAD"]).trim(),
        "rankings/2/round.toml"
    );
    let round = toml_at(&d.root, "rankings/2/round.toml");
    assert_eq!(round["closed_by"].as_str(), Some(WRITER));
    assert!(
        shows(&s, "runde 2 er lukket") || shows(&s, "Runde 2 er lukket") || shows(&s, "– lukket")
    );

    // A member can no longer change their ranking.
    let mut m = start(&d.root, JENS, 80, 24);
    key(&mut m, 'r');
    assert!(shows(&m, "(lukket)"), "{}", screen(&m).join("\n"));
    assert!(!footer(&m).contains("K/⇧↑"), "{}", footer(&m));
    key(&mut m, 'K');
    assert!(matches!(&m.popup, Some(Popup::Error(e)) if e.contains("lukket")));
    assert_eq!(commits(&d.root), before + 1);
    // One who did not rank sees that, not a list that looks like a ranking.
    let mut c = start(&d.root, CAMILLA, 80, 24);
    key(&mut c, 'r');
    assert!(
        shows(&c, "Du afgav ingen rangordning i runde 2."),
        "{}",
        screen(&c).join("\n")
    );
    assert!(!shows(&c, " 1. "), "{}", screen(&c).join("\n"));

    // Adopt: asks first, then one commit with the core's order.
    let store = Store::open(&d.root).unwrap();
    let at = rounds_at(&store, &Rev::head()).unwrap();
    let current: Vec<String> = at
        .workspace
        .recommendations
        .iter()
        .map(|r| r.slug.clone())
        .collect();
    let expected = adopted_order(&at.rounds[1], &current);
    assert_ne!(expected, current);
    key(&mut s, 'a');
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
    assert!(shows(&s, "(var nr."), "{}", screen(&s).join("\n"));
    press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(commits(&d.root), before + 2);
    assert_eq!(
        git(&d.root, &["show", "--name-only", "--format=", "HEAD"]).trim(),
        "priority.toml"
    );
    let order: Vec<String> =
        s.ws.recommendations
            .iter()
            .map(|r| r.slug.clone())
            .collect();
    assert_eq!(order, expected);
    assert!(
        !footer(&s).contains("tag i brug"),
        "already adopted: {}",
        footer(&s)
    );

    // Open round 3 from the form, with a closing date.
    let closes = (chrono::Local::now().date_naive() + chrono::Days::new(10)).to_string();
    key(&mut s, 'o');
    let Some(Popup::Form(f)) = &s.popup else {
        panic!("a form")
    };
    assert_eq!(f.fields.len(), 2);
    press(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    // Whatever was filled in, this date.
    for _ in 0..12 {
        press(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut s, "2024-01-01");
    press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        matches!(&s.popup, Some(Popup::Form(f)) if f.error.as_deref().is_some_and(|e| e.contains("passeret"))),
        "a past date is refused in the form"
    );
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut s, &closes);
    press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(s.popup.is_none());
    assert_eq!(commits(&d.root), before + 3);
    let round = toml_at(&d.root, "rankings/3/round.toml");
    let written = &round["closes"];
    assert_eq!(
        written
            .as_str()
            .map_or_else(|| written.to_string(), str::to_string),
        closes
    );
    assert_eq!(strings(&round["items"]), expected);
    assert!(
        shows(&s, "Prioriteringsrunde 3"),
        "{}",
        screen(&s).join("\n")
    );
    // The member now ranks round 3, counting down to its closing date.
    let m = start(&d.root, JENS, 80, 24);
    assert!(shows(&m, "Lukker om 10 dage"), "{}", screen(&m).join("\n"));
}

#[test]
fn a_member_who_has_not_ranked_is_told_at_start() {
    let d = demo();
    let open = |email: &str| {
        let store = Store::open(&d.root).unwrap();
        State::new(store, Some(email.to_string()), 80, 24).unwrap()
    };
    let s = open(CAMILLA);
    assert_eq!(s.view, View::Mine);
    let said = s.message.clone().unwrap_or_default();
    assert!(
        said.contains("Runde 2 er åben") && said.contains("tryk 8"),
        "{said}"
    );
    assert!(
        screen(&s)[22].contains("tryk 8"),
        "the whole sentence fits in the status line at 80 columns: {}",
        screen(&s)[22]
    );
    for email in [JENS, WRITER, REVIEWER] {
        let said = open(email).message.unwrap_or_default();
        assert!(!said.contains("tryk 8"), "{email}: {said}");
    }
}
