//! Mit overblik (tab 7) without a terminal: driven through `update`, drawn
//! with ratatui's TestBackend at 80×24 and 120×40 on the demo, for two
//! members. What it lists is checked against the demo's comments read
//! directly and against `ops::mine::overview`.

mod common;
use common::tui::{Demo, demo as new_demo};

use oplaeg::model::Choice;
use oplaeg::ops::mine::{self, Query, Scope, Since};
use oplaeg::store::Store;
use oplaeg::tui::mine::state::SinceChoice;
use oplaeg::tui::panes::{self, Pane};
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{Action, State, dispatch, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const JENS: &str = "jens.noergaard@rm.example";
const CAMILLA: &str = "camilla.froestrup@regionh.example";
const WRITER: &str = "mette.holm@sst.example";

/// One demo for the tests that only read.
fn demo() -> &'static Demo {
    common::tui::shared_demo()
}

/// The UI as `email` starts it, with its first jobs run.
fn start(d: &Demo, email: &str, w: u16, h: u16) -> State {
    let store = Store::open(&d.root).unwrap();
    let mut s = State::new(store, Some(email.to_string()), w, h).unwrap();
    s.theme.color = false;
    // Runs the queued overview job (any action does).
    dispatch(&mut s, Action::Resize(w, h));
    s
}

fn screen(state: &State) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

fn text(line: &ratatui::text::Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn overview(d: &Demo, email: &str, scope: Scope, today: chrono::NaiveDate) -> mine::Overview {
    let store = Store::open(&d.root).unwrap();
    mine::overview(
        &store,
        &Query {
            email: email.to_string(),
            scope,
            since: Since::LastMeeting,
            today,
        },
    )
    .unwrap()
}

/// The thread-starting comments written by these people, read from the
/// workspace directly.
fn roots_by(s: &State, emails: &[String]) -> Vec<String> {
    let mut ids: Vec<String> =
        s.ws.comments
            .iter()
            .filter(|c| c.reply_to.is_none() && emails.contains(&c.author.email))
            .map(|c| c.id.clone())
            .collect();
    ids.sort();
    ids
}

/// The tab lists exactly the comments of the overview, each under its
/// heading with its disposition, and nothing for open ones.
fn check_listing(s: &State, o: &mine::Overview) {
    let lines = panes::lines(s, Pane::Mine);
    let heads = oplaeg::tui::mine::view::headings(s);
    let comments: Vec<_> = o.comments().collect();
    assert_eq!(heads.len(), comments.len());
    for (n, (h, c)) in heads.iter().zip(&comments).enumerate() {
        let head = text(&lines[*h]);
        assert!(
            head.contains(&c.created.format("%Y-%m-%d").to_string()),
            "{head}"
        );
        let end = heads.get(n + 1).copied().unwrap_or(lines.len());
        let body: Vec<String> = lines[*h..end].iter().map(text).collect();
        let arrow = body.iter().find(|l| l.trim_start().starts_with("→ "));
        match &c.answer {
            Some(a) => {
                let arrow = arrow.expect("an answered comment shows its answer");
                assert!(arrow.contains(a.disposition.label()), "{arrow}");
                let first = a.response.lines().next().unwrap_or_default();
                assert!(body.iter().any(|l| l.contains(first.trim())), "{first}");
            }
            None => assert!(arrow.is_none(), "{body:?}"),
        }
    }
}

#[test]
fn a_member_starts_on_exactly_their_comments_with_the_dispositions() {
    for email in [JENS, CAMILLA] {
        for (w, h) in [(80, 24), (120, 40)] {
            let s = start(demo(), email, w, h);
            assert_eq!(s.view, View::Mine, "a member starts on Mit overblik");
            let o = overview(demo(), email, Scope::Member, s.today);
            let mut listed: Vec<String> = o.comments().map(|c| c.id.clone()).collect();
            listed.sort();
            assert_eq!(listed, roots_by(&s, &[email.to_string()]));
            assert!(!listed.is_empty(), "{email} has comments in the demo");
            assert!(!o.answered.is_empty(), "{email} has answers in the demo");
            check_listing(&s, &o);
            let rows = screen(&s);
            let all = rows.join("\n");
            assert!(all.contains("Mit overblik"), "{all}");
            assert!(all.contains("Mine kommentarer"), "{all}");
            assert!(all.contains("Siden udkastet til møde 4"), "{all}");
        }
    }
}

#[test]
fn the_end_of_the_overview_scrolls_into_view() {
    for email in [JENS, CAMILLA] {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut s = start(demo(), email, w, h);
            let wrapped = panes::wrapped(&s, Pane::Mine);
            let last = wrapped
                .iter()
                .rev()
                .map(text)
                .find(|l| !l.trim().is_empty())
                .unwrap();
            assert!(
                !screen(&s).join("\n").contains(last.trim()),
                "{last} not yet shown"
            );
            dispatch(&mut s, Action::Bottom);
            let rows = screen(&s);
            assert!(
                rows.iter().any(|r| r.contains(last.trim())),
                "{last:?} in {rows:#?}"
            );
            dispatch(&mut s, Action::Top);
            assert_eq!(s.mine.scroll, 0);
        }
    }
}

#[test]
fn since_meeting_3_is_one_key_away() {
    let mut s = start(demo(), JENS, 80, 24);
    dispatch(&mut s, Action::MineSince);
    assert_eq!(s.mine.since, SinceChoice::Meeting(3));
    let all = panes::lines(&s, Pane::Mine)
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("Siden udkastet til møde 3"), "{all}");
    dispatch(&mut s, Action::MineSince);
    assert_eq!(s.mine.since, SinceChoice::LastLook);
    dispatch(&mut s, Action::MineSince);
    assert_eq!(s.mine.since, SinceChoice::LastMeeting);
}

#[test]
fn the_organisation_sees_every_comment_from_it() {
    let s0 = start(demo(), CAMILLA, 120, 40);
    let org = s0.actor.as_ref().unwrap().organisation.clone();
    let members: Vec<String> = s0
        .ws
        .config
        .members
        .iter()
        .filter(|m| m.organisation == org)
        .map(|m| m.email.clone())
        .collect();
    let mut s = s0;
    dispatch(&mut s, Action::MineScope);
    let o = overview(demo(), CAMILLA, Scope::Organisation, s.today);
    let mut listed: Vec<String> = o.comments().map(|c| c.id.clone()).collect();
    listed.sort();
    assert_eq!(listed, roots_by(&s, &members));
    check_listing(&s, &o);
}

#[test]
fn enter_opens_the_selected_thread_and_c_the_chapter_in_changes() {
    let mut s = start(demo(), JENS, 120, 40);
    let o = overview(demo(), JENS, Scope::Member, s.today);
    dispatch(&mut s, Action::MineNext);
    let want = o.comments().nth(1).unwrap();
    dispatch(&mut s, Action::Open);
    match &s.popup {
        Some(Popup::Thread(i)) => assert_eq!(s.ws.comments[*i].id, want.id),
        _ => panic!("the thread is open"),
    }
    dispatch(&mut s, Action::Back);
    // The first comment on a chapter: `c` shows that chapter in Ændringer.
    let (n, c) = o
        .comments()
        .enumerate()
        .find(|(_, c)| c.on.kind == mine::SubjectKind::Chapter)
        .unwrap();
    dispatch(&mut s, Action::MinePrev);
    assert_eq!(s.mine.selected, 0);
    for _ in 0..n {
        dispatch(&mut s, Action::MineNext);
    }
    assert_eq!(s.mine.selected, n);
    dispatch(&mut s, Action::MineChanges);
    assert_eq!(s.view, View::Diff);
    let from = o
        .since
        .as_ref()
        .and_then(|x| x.from.commit.clone())
        .unwrap();
    assert_eq!(
        s.diff.from,
        Some(oplaeg::tui::changes::state::Endpoint::Commit(from))
    );
    assert!(s.diff.data.is_some(), "compared");
    // Since the last meeting no chapter changed: nothing to select, and
    // the list stays off the chapters.
    let data = s.diff.data.as_ref().unwrap();
    if !data
        .diff
        .chapters
        .iter()
        .any(|ch| ch.side().slug == c.on.slug)
    {
        assert!(s.diff.chapter().is_none());
    }
}

#[test]
fn c_shows_the_comments_chapter_when_it_changed_since() {
    let mut s = start(demo(), JENS, 120, 40);
    let o = overview(demo(), JENS, Scope::Member, s.today);
    // Since the draft for meeting 3, chapters 3, 4, 5 and 11 changed.
    dispatch(&mut s, Action::MineSince);
    assert_eq!(s.mine.since, SinceChoice::Meeting(3));
    let mut checked = 0;
    for (n, c) in o.comments().enumerate() {
        if c.on.kind != mine::SubjectKind::Chapter {
            continue;
        }
        dispatch(&mut s, Action::Tab(6));
        dispatch(&mut s, Action::MinePrev);
        while s.mine.selected > 0 {
            dispatch(&mut s, Action::MinePrev);
        }
        for _ in 0..n {
            dispatch(&mut s, Action::MineNext);
        }
        dispatch(&mut s, Action::MineChanges);
        assert_eq!(s.view, View::Diff);
        let data = s.diff.data.as_ref().expect("compared");
        let changed = data
            .diff
            .chapters
            .iter()
            .position(|ch| ch.side().slug == c.on.slug);
        if let Some(i) = changed {
            assert_eq!(s.diff.chapter(), Some(i), "{}", c.on.slug);
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "a comment on a chapter changed since meeting 3"
    );
}

#[test]
fn marking_read_moves_the_last_look() {
    let d = new_demo();
    let mut s = start(&d, JENS, 80, 24);
    dispatch(&mut s, Action::MineSince);
    dispatch(&mut s, Action::MineSince);
    assert_eq!(s.mine.since, SinceChoice::LastLook);
    dispatch(&mut s, Action::MarkRead);
    let store = Store::open(&d.root).unwrap();
    match mine::read_last_look(&store, JENS) {
        mine::MarkerState::At(l) => assert_eq!(Some(l.commit), s.head.clone()),
        _ => panic!("the marker is set"),
    }
    let all = panes::lines(&s, Pane::Mine)
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("Siden du sidst kiggede"), "{all}");
    assert!(all.contains("Intet nyt."), "{all}");
}

#[test]
fn a_writer_keeps_the_draft_as_first_tab() {
    let s = start(demo(), WRITER, 80, 24);
    assert_eq!(s.view, View::Reader);
}

/// Moving the selection reuses the lines built for the overview and the
/// width (the same shared value, not built again) and still marks the new
/// comment; another width, another overview or other colours build them
/// anew. They are built by the update and kept in the state: drawing only
/// reads them. The rows drawn from them are those of wrapping the whole
/// pane afresh.
#[test]
fn moving_the_selection_reuses_the_built_lines_until_the_overview_or_width_changes() {
    use oplaeg::tui::mine::view;
    use std::rc::Rc;
    let mut s = start(demo(), JENS, 80, 24);
    dispatch(&mut s, Action::Tab(6));
    assert_eq!(s.view, View::Mine);
    let heads = view::headings(&s);
    assert!(heads.len() >= 3, "Jens has comments to move through");
    let same_rows = |s: &State| {
        let all = panes::wrapped(s, Pane::Mine);
        assert_eq!(view::total_rows(s), all.len());
        let drawn: Vec<String> = view::window(s, 0, all.len()).iter().map(text).collect();
        let fresh: Vec<String> = all.iter().map(text).collect();
        assert_eq!(drawn, fresh);
    };
    // The lines the view draws, asserted to be those the update kept in
    // the state (and left there by drawing).
    let kept = |s: &State| -> Rc<view::Built> {
        let shown = view::built(s);
        let kept = s.mine.built.clone().expect("the update built the lines");
        assert!(Rc::ptr_eq(&shown, &kept), "lines built while drawing");
        screen(s);
        let after = s.mine.built.clone().expect("still there after drawing");
        assert!(Rc::ptr_eq(&kept, &after), "drawing replaced the lines");
        kept
    };
    let first = kept(&s);
    for n in 1..3 {
        dispatch(&mut s, Action::MineNext);
        assert_eq!(s.mine.selected, n);
        assert!(Rc::ptr_eq(&first, &kept(&s)), "rebuilt on a move");
        let lines = panes::lines(&s, Pane::Mine);
        assert!(text(&lines[heads[n]]).starts_with("▶ "));
        assert!(!text(&lines[heads[n - 1]]).starts_with("▶ "));
        same_rows(&s);
    }
    // Another height keeps the width and the lines.
    dispatch(&mut s, Action::Resize(80, 30));
    assert!(Rc::ptr_eq(&first, &kept(&s)), "rebuilt for a height");
    // Another width builds them for it.
    dispatch(&mut s, Action::Resize(50, 30));
    let narrow = kept(&s);
    assert!(!Rc::ptr_eq(&first, &narrow), "kept for another width");
    same_rows(&s);
    dispatch(&mut s, Action::MinePrev);
    assert!(Rc::ptr_eq(&narrow, &kept(&s)));
    // Other colours: drawn right at once, kept from the next update on.
    s.theme.color = true;
    let coloured = view::built(&s);
    assert!(!Rc::ptr_eq(&narrow, &coloured), "old colours drawn");
    same_rows(&s);
    dispatch(&mut s, Action::MineNext);
    let coloured = kept(&s);
    assert!(!Rc::ptr_eq(&narrow, &coloured), "kept for other colours");
    s.theme.color = false;
    dispatch(&mut s, Action::MinePrev);
    let narrow = kept(&s);
    assert!(!Rc::ptr_eq(&coloured, &narrow));
    // Another overview (the organisation's, once it arrives) too.
    let arrivals = s.mine.arrivals;
    dispatch(&mut s, Action::MineScope);
    dispatch(&mut s, Action::Resize(50, 30));
    assert!(
        s.mine.arrivals > arrivals,
        "the organisation's overview arrived"
    );
    assert_eq!(
        s.mine.overview().map(|o| o.scope),
        Some(Scope::Organisation)
    );
    let org = kept(&s);
    assert!(!Rc::ptr_eq(&narrow, &org), "kept for another overview");
    dispatch(&mut s, Action::MineNext);
    assert!(Rc::ptr_eq(&org, &kept(&s)));
    same_rows(&s);
}
