//! The Diff view (tab 6, Ændringer) without a terminal: driven through
//! `update` only, drawn with ratatui's TestBackend at 80×24 and 120×40, on
//! the demo workspace whose meetings 3 and 4 are tagged and whose chapters
//! 03, 04, 05 and 11 were revised between them. What the screen shows is
//! checked against the demo's history read with plain git.

mod common;
use common::git;
use common::tui::{Demo, demo as new_demo};

use oplaeg::diff::{ChapterStatus, Op};
use oplaeg::store::Store;
use oplaeg::tui::changes::doc::row_text;
use oplaeg::tui::changes::state::{Endpoint, FIRST_CHAPTER, PickSide};
use oplaeg::tui::state::Popup;
use oplaeg::tui::{Action, State, dispatch, dispatch_async, job, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const WRITER: &str = "mette.holm@sst.example";

/// One demo for the tests that only read.
fn demo() -> &'static Demo {
    common::tui::shared_demo()
}

fn state(d: &Demo, w: u16, h: u16, colour: bool) -> State {
    let store = Store::open(&d.root).unwrap();
    let mut s = State::new(store, Some(WRITER.to_string()), w, h).unwrap();
    s.theme.color = colour;
    s
}

fn buffer(state: &State) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    t.backend().buffer().clone()
}

/// Columns `from..to` of every row, as text.
fn columns(buf: &Buffer, from: u16, to: u16) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| (from..to).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

fn screen(state: &State) -> String {
    columns(&buffer(state), 0, state.width).join("\n")
}

/// The text pane's words (without the gutter), rows joined by spaces, so
/// words wrapped onto the next row read as in the paragraph.
fn pane(state: &State) -> String {
    let start = oplaeg::tui::layout::diff_list_width(state.width) + 3;
    let rows = columns(&buffer(state), start, state.width - 1);
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Picks a version in the picker with the keys a person would press.
fn pick(s: &mut State, side: PickSide, want: &Endpoint) {
    let open = if side == PickSide::From {
        Action::ChooseFrom
    } else {
        Action::ChooseTo
    };
    common::tui::pick_version(s, open, want);
    assert!(s.popup.is_none());
}

/// The Diff tab comparing meeting 3 with meeting 4.
fn meetings_3_to_4(w: u16, h: u16, colour: bool) -> State {
    let mut s = state(demo(), w, h, colour);
    dispatch(&mut s, Action::Tab(5));
    pick(&mut s, PickSide::From, &Endpoint::Meeting(3));
    pick(&mut s, PickSide::To, &Endpoint::Meeting(4));
    let data = s.diff.data.as_ref().expect("compared");
    assert_eq!(
        (&data.from, &data.to),
        (&Endpoint::Meeting(3), &Endpoint::Meeting(4))
    );
    s
}

/// Selects a chapter in the list by its slug (with the arrow keys).
fn open_chapter(s: &mut State, slug: &str) -> usize {
    let index = s
        .diff
        .data
        .as_ref()
        .unwrap()
        .diff
        .chapters
        .iter()
        .position(|c| c.side().slug == slug)
        .expect("the chapter is compared");
    if s.diff.text_focus {
        dispatch(s, Action::Focus);
    }
    dispatch(s, Action::Top);
    for _ in 0..FIRST_CHAPTER + index {
        dispatch(s, Action::Down);
    }
    assert_eq!(s.diff.chapter(), Some(index));
    index
}

/// Presses `n` until the pane shows `text`; panics after the last change.
fn next_until(s: &mut State, text: &str) {
    for _ in 0..=s.diff.doc.stops.len() {
        if pane(s).contains(text) {
            return;
        }
        dispatch(s, Action::NextChange);
    }
    panic!("never showed «{text}»:\n{}", screen(s));
}

/// The chapters git says changed between the meetings.
fn chapters_changed_in_git() -> Vec<String> {
    let out = git(
        &demo().root,
        &[
            "diff",
            "--name-only",
            "meeting/3",
            "meeting/4",
            "--",
            "drafts",
        ],
    );
    out.lines()
        .map(|l| {
            let file = l.trim_start_matches("drafts/").trim_end_matches(".md");
            file.split_once('-').unwrap().1.to_string()
        })
        .collect()
}

#[test]
fn it_opens_on_the_last_meeting_and_computes_off_the_ui_thread() {
    let d = demo();
    let mut s = state(d, 120, 40, true);
    dispatch_async(&mut s, Action::Tab(5));
    // The demo has comments after meeting 4, so: meeting 4 → HEAD.
    assert_eq!(s.diff.from, Some(Endpoint::Meeting(4)));
    assert_eq!(s.diff.to, Some(Endpoint::Head));
    assert_eq!(
        s.jobs.len(),
        1,
        "the comparison is queued, not made in update"
    );
    assert!(s.diff.data.is_none());
    let text = screen(&s);
    assert!(text.contains("beregner"), "{text}");
    assert!(
        text.contains("Sammenligner møde 4 med nyeste (HEAD)"),
        "{text}"
    );
    // Keys are answered meanwhile, and a newer choice supersedes the old one.
    pick_async(&mut s, PickSide::From, &Endpoint::Meeting(3));
    assert_eq!(s.jobs.len(), 2);
    let old = s.jobs.remove(0);
    let new = s.jobs.remove(0);
    let new_done = job::run(&d.root, Some(WRITER), new);
    let old_done = job::run(&d.root, Some(WRITER), old);
    dispatch_async(&mut s, Action::JobDone(new_done));
    dispatch_async(&mut s, Action::JobDone(old_done));
    let data = s.diff.data.as_ref().expect("the newer answer is shown");
    assert_eq!(data.from, Endpoint::Meeting(3));
    assert_eq!(data.to, Endpoint::Head);
    assert!(s.diff.pending.is_none() && s.jobs.is_empty());
    assert!(s.busy.is_none(), "a comparison never blocks saving");
    // The first revised chapter is selected.
    let slug = &data.diff.chapters[s.diff.chapter().unwrap()].side().slug;
    assert_eq!(slug, &chapters_changed_in_git()[0]);
}

/// Like [`pick`], without running the queued job.
fn pick_async(s: &mut State, side: PickSide, want: &Endpoint) {
    dispatch_async(
        s,
        if side == PickSide::From {
            Action::ChooseFrom
        } else {
            Action::ChooseTo
        },
    );
    let Some(Popup::DiffPick(p)) = &s.popup else {
        panic!("the picker is open")
    };
    let target = p.choices.iter().position(|c| &c.endpoint == want).unwrap();
    let cursor = p.cursor;
    for _ in 0..cursor.abs_diff(target) {
        dispatch_async(
            s,
            if target > cursor {
                Action::Down
            } else {
                Action::Up
            },
        );
    }
    dispatch_async(s, Action::Open);
}

#[test]
fn the_list_has_every_chapter_with_counts_and_git_agrees_which_changed() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = meetings_3_to_4(w, h, false);
        let data = s.diff.data.as_ref().unwrap();
        let changed: Vec<String> = data
            .diff
            .chapters
            .iter()
            .filter(|c| c.status == ChapterStatus::Changed)
            .map(|c| c.side().slug.clone())
            .collect();
        assert_eq!(changed, chapters_changed_in_git());
        assert_eq!(changed.len(), 4, "the demo revises 03, 04, 05 and 11");
        let text = screen(&s);
        assert_eq!(text.lines().count(), usize::from(h));
        assert!(text.contains("6 Ændringer"), "{text}");
        assert!(text.contains("Fra møde 3"), "{text}");
        assert!(text.contains("til møde 4"), "{text}");
        for c in data
            .diff
            .chapters
            .iter()
            .filter(|c| c.status == ChapterStatus::Changed)
        {
            let counts = format!("+{} −{}", c.summary.words_added, c.summary.words_removed);
            assert!(text.contains(&counts), "{w}×{h}: no «{counts}»\n{text}");
        }
        // Chapter 11 has moved paragraphs.
        assert!(text.contains("↕3"), "{text}");
        assert!(text.contains("Anbefalinger") && text.contains("Kommentarer"));
    }
}

#[test]
fn revised_words_are_marked_inside_the_paragraph_without_colour() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = meetings_3_to_4(w, h, false);
        open_chapter(&mut s, "teknologi-og-kunstig-intelligens");
        // Chapter 11's revision in the demo: "en ny mulighed" became "et nyt redskab".
        next_until(&mut s, "[-en ny mulighed-]{+et nyt redskab+}");
        // Every change of the chapter's first edited paragraph is marked
        // where it is, the deleted words before the inserted ones.
        let data = s.diff.data.as_ref().unwrap();
        let ch = &data.diff.chapters[s.diff.chapter().unwrap()];
        let block = ch
            .blocks
            .iter()
            .find(|b| {
                !b.segments.iter().all(|x| x.op == Op::Equal) && b.old.is_some() && b.new.is_some()
            })
            .unwrap();
        let doc: String = s
            .diff
            .doc
            .rows
            .iter()
            .map(row_text)
            .collect::<Vec<_>>()
            .join(" ");
        // Comment markers (●) may sit on the words; they are not text.
        let doc = doc.replace('●', "");
        let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
        for seg in block
            .segments
            .iter()
            .filter(|x| x.op != Op::Equal && !x.text.trim().is_empty())
        {
            let words = seg.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let marked = match seg.op {
                Op::Insert => format!("{{+{words}+}}"),
                _ => format!("[-{words}-]"),
            };
            assert!(doc.contains(&marked), "{w}×{h}: {marked} not in\n{doc}");
        }
        // Chapter 4: a word inserted into an unchanged sentence.
        open_chapter(&mut s, "status-paa-kraeftomraadet");
        next_until(&mut s, "forskellen er blevet {+markant+} mindre");
        assert!(screen(&s).contains("ændring"), "the title counts changes");
    }
}

/// Cells whose symbols spell `word` on one row: their positions.
fn find_word(buf: &Buffer, word: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let line: String = row.concat();
        if let Some(byte) = line.find(word) {
            // Map the byte offset back to a column (all symbols here are one cell).
            let mut acc = 0;
            for (x, sym) in row.iter().enumerate() {
                if acc == byte {
                    return Some((u16::try_from(x).unwrap(), y));
                }
                acc += sym.len();
            }
        }
    }
    None
}

#[test]
fn with_colour_deleted_words_are_red_and_struck_inserted_green_and_underlined() {
    let mut s = meetings_3_to_4(120, 40, true);
    open_chapter(&mut s, "teknologi-og-kunstig-intelligens");
    next_until(&mut s, "en ny mulighed et nyt redskab");
    let text = screen(&s);
    assert!(
        !text.contains("{+") && !text.contains("[-"),
        "no signs with colour"
    );
    let buf = buffer(&s);
    let (x, y) = find_word(&buf, "mulighed").expect("the deleted word is shown");
    let cell = &buf[(x, y)];
    assert_eq!(cell.fg, Color::Red);
    assert!(cell.modifier.contains(Modifier::CROSSED_OUT));
    let (x, y) = find_word(&buf, "redskab").expect("the inserted word is shown");
    let cell = &buf[(x, y)];
    assert_eq!(cell.fg, Color::Green);
    assert!(cell.modifier.contains(Modifier::UNDERLINED));
    // Unchanged words are neither.
    let (x, y) = find_word(&buf, "diagnostik").unwrap();
    assert!(!buf[(x, y)].modifier.contains(Modifier::CROSSED_OUT));
    assert!(!buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn side_by_side_shows_before_on_the_left_and_after_on_the_right() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = meetings_3_to_4(w, h, false);
        open_chapter(&mut s, "teknologi-og-kunstig-intelligens");
        dispatch(&mut s, Action::SideBySide);
        assert!(s.diff.side_by_side);
        let start = oplaeg::tui::layout::diff_list_width(w) + 3;
        let half = oplaeg::tui::changes::doc::column_width(oplaeg::tui::layout::diff_text_width(w));
        let gap = u16::try_from(half).unwrap() + start;
        let mut seen = false;
        for _ in 0..=s.diff.doc.stops.len() {
            let buf = buffer(&s);
            let left = columns(&buf, start, gap).join(" ");
            let right = columns(&buf, gap + 3, w - 1).join(" ");
            if left.contains("[-en") && right.contains("{+et") {
                assert!(!left.contains("redskab"), "{left}");
                assert!(!right.contains("mulighed"), "{right}");
                seen = true;
                break;
            }
            dispatch(&mut s, Action::NextChange);
        }
        assert!(seen, "{w}×{h}:\n{}", screen(&s));
        // Every row fits its column.
        for row in &s.diff.doc.rows {
            if let Some(r) = &row.right {
                let lw: usize = row
                    .left
                    .iter()
                    .map(|p| unicode_width::UnicodeWidthStr::width(p.text.as_str()))
                    .sum();
                let rw: usize = r
                    .iter()
                    .map(|p| unicode_width::UnicodeWidthStr::width(p.text.as_str()))
                    .sum();
                assert!(lw <= half && rw <= half, "{lw} {rw} > {half}");
            }
        }
        dispatch(&mut s, Action::SideBySide);
        assert!(pane(&s).contains("{+"), "back to inline");
    }
}

#[test]
fn n_and_shift_n_jump_between_changes_and_on_to_the_next_chapter() {
    let mut s = meetings_3_to_4(120, 40, false);
    open_chapter(&mut s, "baggrund-og-metode");
    let stops = s.diff.doc.stops.clone();
    assert!(stops.len() >= 5, "{stops:?}");
    for (k, &row) in stops.iter().enumerate() {
        dispatch(&mut s, Action::NextChange);
        assert_eq!(s.diff.cursor, row);
        assert!(screen(&s).contains(&format!("ændring {} af {}", k + 1, stops.len())));
        // The row the cursor is on shows a change.
        let text = row_text(&s.diff.doc.rows[row]);
        assert!(
            text.contains("{+") || text.contains("[-") || text.contains("↕"),
            "{text}"
        );
    }
    dispatch(&mut s, Action::PrevChange);
    assert_eq!(s.diff.cursor, stops[stops.len() - 2]);
    dispatch(&mut s, Action::NextChange);
    // Past the last change: the next revised chapter, at its first change.
    dispatch(&mut s, Action::NextChange);
    let data = s.diff.data.as_ref().unwrap();
    assert_eq!(
        data.diff.chapters[s.diff.chapter().unwrap()].side().slug,
        "status-paa-kraeftomraadet"
    );
    assert_eq!(Some(&s.diff.cursor), s.diff.doc.stops.first());
    // And back again, to the last change of chapter 3.
    dispatch(&mut s, Action::PrevChange);
    let data = s.diff.data.as_ref().unwrap();
    assert_eq!(
        data.diff.chapters[s.diff.chapter().unwrap()].side().slug,
        "baggrund-og-metode"
    );
    assert_eq!(s.diff.cursor, *stops.last().unwrap());
    // The cursor's row is on screen.
    let visible = oplaeg::tui::layout::diff_text_height(s.height);
    assert!(s.diff.cursor >= s.diff.scroll && s.diff.cursor < s.diff.scroll + visible);
}

/// The 1-based position of a recommendation in a version's priority.toml.
fn rank_in_git(rev: &str, slug: &str) -> usize {
    let text = git(&demo().root, &["show", &format!("{rev}:priority.toml")]);
    let order: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .map(|l| l.trim_end_matches([',', '"']))
        .collect();
    order.iter().position(|s| *s == slug).expect("ranked") + 1
}

#[test]
fn the_recommendations_pane_shows_moves_horizons_and_status() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = meetings_3_to_4(w, h, false);
        dispatch(&mut s, Action::Top);
        assert_eq!(s.diff.entry, 0);
        // Enough rows to show the whole pane: read the laid-out rows too.
        let rows: Vec<String> = s.diff.doc.rows.iter().map(row_text).collect();
        let all = rows.join("\n");
        for slug in [
            "faelles-beslutningstagning",
            "datadeling-paa-tvaers-af-sektorer",
        ] {
            let moved = format!(
                "#{} → #{}",
                rank_in_git("meeting/3", slug),
                rank_in_git("meeting/4", slug)
            );
            assert!(all.contains(&moved), "{moved} in\n{all}");
        }
        assert!(all.contains("tidshorisont: lang → mellemlang"), "{all}");
        assert!(all.contains("status: udkast → foreslået"), "{all}");
        assert!(all.contains("flyttet i prioriteringen"), "{all}");
        // Unchanged ones are not listed.
        let title = "Beslutningsstøtte og målrettet tidlig opsporing i almen praksis";
        assert!(!all.contains(title), "{all}");
        // The screen shows the first of them.
        let text = screen(&s);
        assert!(
            text.contains("Anbefalinger fra møde 3 til møde 4"),
            "{text}"
        );
        // n walks to a move, and it is on screen.
        dispatch(&mut s, Action::Focus);
        for _ in 0..s.diff.doc.stops.len() {
            if pane(&s).contains(" → #") {
                break;
            }
            dispatch(&mut s, Action::NextChange);
        }
        assert!(pane(&s).contains(" → #"), "{}", screen(&s));
    }
}

#[test]
fn comment_markers_sit_in_the_diff_with_their_fate_and_open_their_thread() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = meetings_3_to_4(w, h, false);
        let ci = open_chapter(&mut s, "status-paa-kraeftomraadet");
        let data = s.diff.data.as_ref().unwrap();
        let reports: Vec<_> = data
            .diff
            .comments
            .anchors
            .iter()
            .filter(|r| r.chapter == "status-paa-kraeftomraadet")
            .cloned()
            .collect();
        assert!(reports.len() >= 2, "{reports:?}");
        assert_eq!(data.markers[ci].len(), reports.len());
        let rows: Vec<String> = s.diff.doc.rows.iter().map(row_text).collect();
        let joined = rows
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for r in &reports {
            let fate = r.placement.as_ref().unwrap().fate.label();
            let note = format!("● {} · {fate}", r.author.organisation);
            assert!(joined.contains(&note), "{w}×{h}: {note} in\n{joined}");
            let head: String = r
                .quote
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(joined.contains(&format!("«{head}")), "{head}");
        }
        // A comment whose words are still there (unchanged or edited) has its
        // marker on the words it was placed on.
        let placed = reports
            .iter()
            .find_map(|r| r.placement.as_ref().unwrap().text.clone())
            .expect("a placed quote in chapter 4");
        let first_word = placed.split_whitespace().next().unwrap();
        assert!(
            rows.iter().any(|r| r.contains(&format!("●{first_word}"))),
            "●{first_word}"
        );
        // m jumps to each note in turn, and Enter shows its thread.
        for (k, &mark) in s.diff.doc.marks.clone().iter().enumerate() {
            dispatch(&mut s, Action::NextMarker);
            assert_eq!(s.diff.cursor, mark, "mark {k}");
            let id = s.diff.doc.rows[mark].comments[0].clone();
            dispatch(&mut s, Action::Open);
            match &s.popup {
                Some(Popup::Thread(i)) => assert_eq!(s.ws.comments[*i].id, id),
                _ => panic!("Enter shows the thread"),
            }
            let text = screen(&s);
            assert!(text.contains("Tråd"), "{text}");
            dispatch(&mut s, Action::Back);
        }
        dispatch(&mut s, Action::NextMarker);
        assert!(
            s.message
                .as_deref()
                .unwrap_or("")
                .contains("Ikke flere kommentarer")
        );
    }
}

#[test]
fn the_comments_entry_lists_what_was_answered_and_written() {
    let mut s = meetings_3_to_4(120, 40, false);
    dispatch(&mut s, Action::Top);
    dispatch(&mut s, Action::Down);
    assert_eq!(s.diff.entry, 1);
    let data = s.diff.data.as_ref().unwrap();
    let resolved = data.diff.comments.resolved.len();
    let written = data.diff.comments.written.len();
    // Plain git: comment files added between the meetings.
    let added = git(
        &demo().root,
        &[
            "diff",
            "--name-only",
            "--diff-filter=A",
            "meeting/3",
            "meeting/4",
            "--",
            "comments",
        ],
    );
    assert_eq!(written, added.lines().count());
    let text = pane(&s);
    assert!(
        text.contains(&format!("Besvaret siden møde 3 ({resolved})")),
        "{text}"
    );
    let rows: Vec<String> = s.diff.doc.rows.iter().map(row_text).collect();
    assert!(
        rows.join("\n")
            .contains(&format!("Skrevet siden møde 3 ({written})"))
    );
    // Enter on an answered one opens its thread.
    dispatch(&mut s, Action::NextChange);
    dispatch(&mut s, Action::Open);
    let id = &data_first_resolved(&s);
    match &s.popup {
        Some(Popup::Thread(i)) => assert_eq!(&s.ws.comments[*i].id, id),
        _ => panic!("a thread"),
    }
}

/// Every comment written between the meetings is named by its chapter's
/// number in TO (as the text diff names it), also on a chapter that did not
/// change, whose slug a reader would not know.
#[test]
fn the_comments_entry_names_chapters_by_number_also_unchanged_ones() {
    let mut s = meetings_3_to_4(160, 40, false);
    dispatch(&mut s, Action::Top);
    dispatch(&mut s, Action::Down);
    let data = s.diff.data.as_ref().unwrap();
    // Plain git: meeting/4's chapter files, `NN-slug.md`.
    let files = git(
        &demo().root,
        &["ls-tree", "--name-only", "meeting/4", "drafts/"],
    );
    let number = |slug: &str| -> u32 {
        files
            .lines()
            .filter_map(|f| f.strip_prefix("drafts/")?.strip_suffix(".md"))
            .find_map(|f| {
                let (n, rest) = f.split_once('-')?;
                (rest == slug).then(|| n.parse().ok()).flatten()
            })
            .unwrap_or_else(|| panic!("{slug} in meeting/4: {files}"))
    };
    let changed: Vec<&str> = data
        .diff
        .chapters
        .iter()
        .map(|c| c.side().slug.as_str())
        .collect();
    let rows = s
        .diff
        .doc
        .rows
        .iter()
        .map(row_text)
        .collect::<Vec<_>>()
        .join("\n");
    let mut unchanged = 0;
    for c in &data.diff.comments.written {
        let Some(slug) = c.target.chapter.as_deref() else {
            continue;
        };
        unchanged += usize::from(!changed.contains(&slug));
        let named = format!("{} · kap. {}:", c.author.organisation, number(slug));
        assert!(rows.contains(&named), "{named} in\n{rows}");
        assert!(!rows.contains(&format!(" · {slug}:")), "{slug} in\n{rows}");
    }
    assert!(unchanged > 0, "a comment on a chapter that did not change");
}

fn data_first_resolved(s: &State) -> String {
    s.diff.data.as_ref().unwrap().diff.comments.resolved[0]
        .id
        .clone()
}

#[test]
fn the_picker_offers_meetings_head_the_working_folder_and_commits() {
    let mut s = meetings_3_to_4(80, 24, false);
    dispatch(&mut s, Action::ChooseTo);
    let text = screen(&s);
    assert!(text.contains("Sammenlign"), "{text}");
    assert!(text.contains("Møde 4") && text.contains("Møde 3"), "{text}");
    assert!(
        text.contains("Nyeste version") && text.contains("Arbejdsmappen"),
        "{text}"
    );
    let head = git(&demo().root, &["rev-parse", "--short=7", "HEAD"]);
    assert!(text.contains(head.trim()), "{text}");
    // ↓ changes the TO side only; Esc leaves everything as it was.
    dispatch(&mut s, Action::Down);
    match &s.popup {
        Some(Popup::DiffPick(p)) => {
            assert_eq!(p.side, PickSide::To);
            assert_eq!(p.from, Endpoint::Meeting(3));
            assert_ne!(p.to, Endpoint::Meeting(4));
        }
        _ => panic!("still open"),
    }
    dispatch(&mut s, Action::Focus);
    assert!(matches!(&s.popup, Some(Popup::DiffPick(p)) if p.side == PickSide::From));
    dispatch(&mut s, Action::Back);
    assert!(s.popup.is_none());
    assert_eq!(s.diff.to, Some(Endpoint::Meeting(4)));
    assert!(s.jobs.is_empty());
    // Help lists the view's keys.
    dispatch(&mut s, Action::Help);
    let help = screen(&s);
    assert!(help.contains("Taster i fanen «Ændringer»"), "{help}");
    assert!(
        help.contains("næste ændring") && help.contains("side om side"),
        "{help}"
    );
}

#[test]
fn the_working_folder_can_be_compared_and_odd_text_is_escaped() {
    let d = new_demo();
    let file = d.root.join("drafts/01-indledning.md");
    let before = std::fs::read_to_string(&file).unwrap();
    let after = before.replacen(
        "Kræft er fortsat",
        "Kræft er fortsat og i stigende grad \u{1b}[2J",
        1,
    );
    assert_ne!(before, after);
    std::fs::write(&file, after).unwrap();
    let mut s = state(&d, 120, 40, false);
    dispatch(&mut s, Action::Tab(5));
    pick(&mut s, PickSide::From, &Endpoint::Head);
    pick(&mut s, PickSide::To, &Endpoint::Worktree);
    let data = s.diff.data.as_ref().unwrap();
    assert_eq!(s.diff.chapter(), Some(0), "the edited chapter is selected");
    assert_eq!(data.diff.chapters[0].status, ChapterStatus::Changed);
    let text = pane(&s);
    assert!(
        text.contains("{+og i stigende grad \\u{1b}[2J+}"),
        "the escape is shown, not sent: {text}"
    );
    assert!(!screen(&s).contains('\u{1b}'));
    // Choosing the same pair again compares afresh.
    std::fs::write(&file, &before).unwrap();
    pick(&mut s, PickSide::To, &Endpoint::Worktree);
    let data = s.diff.data.as_ref().unwrap();
    assert!(
        data.diff
            .chapters
            .iter()
            .all(|c| c.status == ChapterStatus::Unchanged)
    );
}

#[test]
fn resizing_lays_the_text_out_again_and_keeps_the_place() {
    let mut s = meetings_3_to_4(120, 40, false);
    open_chapter(&mut s, "rehabilitering");
    dispatch(&mut s, Action::NextChange);
    dispatch(&mut s, Action::NextChange);
    let group = s.diff.doc.rows[s.diff.cursor].group;
    let wide = s.diff.doc.rows.len();
    dispatch(&mut s, Action::Resize(80, 24));
    assert!(
        s.diff.doc.rows.len() > wide,
        "narrower text takes more rows"
    );
    assert_eq!(s.diff.doc.rows[s.diff.cursor].group, group);
    for row in &s.diff.doc.rows {
        let w: usize = row
            .left
            .iter()
            .map(|p| unicode_width::UnicodeWidthStr::width(p.text.as_str()))
            .sum();
        assert!(
            w <= usize::from(oplaeg::tui::layout::diff_text_width(80)),
            "{row:?}"
        );
    }
    let text = screen(&s);
    assert_eq!(text.lines().count(), 24);
    assert!(text.contains("5 Rehabilitering"), "{text}");
}

#[test]
fn when_head_moves_a_comparison_with_head_is_made_again() {
    let d = new_demo();
    let mut s = state(&d, 100, 30, false);
    dispatch(&mut s, Action::Tab(5));
    assert_eq!(s.diff.to, Some(Endpoint::Head));
    let before = s.diff.data.as_ref().unwrap().head.clone();
    assert!(
        s.diff
            .data
            .as_ref()
            .unwrap()
            .diff
            .chapters
            .iter()
            .all(|c| c.is_unchanged()),
        "no chapter changed since meeting 4 in the demo"
    );
    // Someone revises chapter 2 with plain git; F5 reads the workspace again.
    let file = d.root.join("drafts/02-sammenfatning.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nEt nyt afsnit om prioritering.\n")).unwrap();
    common::git_env(
        &d.root,
        &["commit", "-qam", "Sammenfatning: nyt afsnit"],
        &common::author_env("Mette Holm", WRITER, "2024-10-01T10:00:00+02:00"),
    );
    dispatch(&mut s, Action::Reload);
    let data = s.diff.data.as_ref().unwrap();
    assert_ne!(data.head, before);
    assert_eq!(
        data.head.as_deref(),
        Some(git(&d.root, &["rev-parse", "HEAD"]).trim())
    );
    let changed: Vec<&str> = data
        .diff
        .chapters
        .iter()
        .filter(|c| !c.is_unchanged())
        .map(|c| c.side().slug.as_str())
        .collect();
    assert_eq!(changed, ["sammenfatning"]);
    // Five words added, shown beside the chapter in the list.
    assert!(screen(&s).contains("+5 −0"), "{}", screen(&s));
}

// ------------------------------------------------------ ændringsforslag

/// The demo's open suggestion in chapter 5 (by DSAM, after meeting 4).
const OPEN_QUOTE: &str = "Behovsvurderingen gennemføres ikke systematisk";

/// The rows of the doc as text, each row's words joined by single spaces.
fn doc_rows(s: &State) -> Vec<String> {
    s.diff
        .doc
        .rows
        .iter()
        .map(|r| row_text(r).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Meeting 4 to HEAD (what the tab opens on), chapter 5 selected: its text
/// did not change since, yet it is listed (`·`) for its open suggestion.
fn chapter_five_since_meeting_4(w: u16, h: u16, colour: bool) -> State {
    let mut s = state(demo(), w, h, colour);
    dispatch(&mut s, Action::Tab(5));
    let data = s.diff.data.as_ref().expect("compared");
    assert_eq!(
        (&data.from, &data.to),
        (&Endpoint::Meeting(4), &Endpoint::Head)
    );
    let ci = open_chapter(&mut s, "rehabilitering");
    let data = s.diff.data.as_ref().unwrap();
    assert_eq!(data.diff.chapters[ci].status, ChapterStatus::Unchanged);
    s
}

#[test]
fn an_open_suggestion_shows_as_a_proposed_change_under_its_words() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = chapter_five_since_meeting_4(w, h, false);
        let rows = doc_rows(&s);
        let all = rows.join(" ");
        // The note: who proposed it, where the words stand, the change with
        // its deleted and new words marked, and that it awaits the writers.
        let head = "✎ Dansk Selskab for Almen Medicin · uændret · forslag til ny formulering fra Line Thygesen Bak:";
        assert!(all.contains(head), "{w}×{h}: {all}");
        assert!(
            all.contains("sygehuse{+, kommuner+} og [-kommuner-]{+almen praksis+}."),
            "{w}×{h}: {all}"
        );
        assert!(all.contains("Udfald: afventer skribenterne"), "{all}");
        // It sits under the paragraph that holds the words, whose glyph
        // stands before the quote's first word.
        let note = rows.iter().position(|r| r.starts_with("✎ Dansk")).unwrap();
        let words = rows
            .iter()
            .position(|r| r.contains("✎Behovsvurderingen gennemføres"))
            .expect("the glyph sits before the quoted words");
        assert!(words < note, "{w}×{h}: words at {words}, note at {note}");
        assert!(
            rows[words..note].iter().all(|r| !r.is_empty()),
            "the note follows the paragraph directly: {:?}",
            &rows[words..=note]
        );
        // m reaches the note, Enter opens its thread, where a writer applies it.
        let id = s.diff.doc.rows[note].comments[0].clone();
        let mark = s.diff.doc.marks.iter().position(|&m| m == note).unwrap();
        for _ in 0..=mark {
            dispatch(&mut s, Action::NextMarker);
        }
        assert_eq!(s.diff.cursor, note);
        assert!(
            screen(&s).contains("Dansk Selskab for Almen"),
            "{}",
            screen(&s)
        );
        dispatch(&mut s, Action::Open);
        match &s.popup {
            Some(Popup::Thread(i)) => {
                let c = &s.ws.comments[*i];
                assert_eq!(c.id, id);
                assert!(
                    c.target
                        .anchor
                        .as_ref()
                        .unwrap()
                        .quote
                        .starts_with(OPEN_QUOTE)
                );
            }
            _ => panic!("Enter shows the thread"),
        }
        assert!(
            screen(&s).contains("Forslag til ny formulering"),
            "{}",
            screen(&s)
        );
    }
}

#[test]
fn with_colour_the_proposal_strikes_its_deleted_words_underlines_new_ones_and_keeps_the_rest() {
    let mut s = chapter_five_since_meeting_4(120, 40, true);
    let note = s
        .diff
        .doc
        .rows
        .iter()
        .position(|r| row_text(r).contains("✎ Dansk Selskab for Almen"))
        .unwrap();
    let change = (note..s.diff.doc.rows.len())
        .find(|&r| row_text(&s.diff.doc.rows[r]).contains("almen praksis"))
        .expect("the change follows the note's head");
    // The cursor on the change: the note is in view.
    if !s.diff.text_focus {
        dispatch(&mut s, Action::Focus);
    }
    for _ in 0..s.diff.doc.rows.len() {
        if s.diff.cursor >= change {
            break;
        }
        dispatch(&mut s, Action::Down);
    }
    assert_eq!(s.diff.cursor, change, "the cursor reaches the change");
    let buf = buffer(&s);
    let text = screen(&s);
    assert!(!text.contains("{+"), "no signs with colour:\n{text}");
    // In the note, below the paragraph (which has the same words, plain):
    // «kommuner» that goes is red and struck, «almen praksis» green and
    // underlined (without signs a space keeps them apart), and the words
    // that stay are neither.
    let (_, top) = find_word(&buf, "✎ Dansk Selskab").expect("the note is in view");
    let below = |word: &str| {
        (top..buf.area.height)
            .find_map(|y| {
                let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                let byte = line.find(word)?;
                Some((u16::try_from(line[..byte].chars().count()).unwrap(), y))
            })
            .unwrap_or_else(|| panic!("«{word}» in the note:\n{text}"))
    };
    let (x, y) = below("kommuner almen praksis");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(buf[(x, y)].modifier.contains(Modifier::CROSSED_OUT));
    let (x, y) = below("almen praksis");
    assert_eq!(buf[(x, y)].fg, Color::Green);
    assert!(buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
    let (x, y) = below("systematisk");
    assert!(!buf[(x, y)].modifier.contains(Modifier::CROSSED_OUT));
    assert!(!buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn an_applied_suggestion_shows_its_outcome_in_the_comparison_where_it_was_answered() {
    let mut s = meetings_3_to_4(120, 40, false);
    open_chapter(&mut s, "rehabilitering");
    let all = doc_rows(&s).join(" ");
    assert!(
        all.contains("forslag til ny formulering fra Sofie Lund Ahlmann:"),
        "{all}"
    );
    assert!(all.contains("{+og af, hvor patienten bor+}"), "{all}");
    assert!(
        all.contains("Udfald: imødekommet, indført i kapitlet"),
        "{all}"
    );
    // The words it proposed stand in meeting 4's text, as git has them.
    let chapter = git(
        &demo().root,
        &["show", "meeting/4:drafts/05-rehabilitering.md"],
    );
    assert!(
        chapter.contains("af det enkelte sygehus og af, hvor patienten bor."),
        "{chapter}"
    );
}

#[test]
fn open_suggestions_written_before_from_show_too_and_the_comments_entry_lists_them() {
    // HEAD against the working folder: nothing was written between them,
    // yet the open suggestion is shown where its words stand; the applied
    // one (answered before FROM) is not.
    let mut s = state(demo(), 120, 40, false);
    dispatch(&mut s, Action::Tab(5));
    pick(&mut s, PickSide::From, &Endpoint::Head);
    pick(&mut s, PickSide::To, &Endpoint::Worktree);
    let data = s.diff.data.as_ref().unwrap();
    assert!(data.diff.comments.anchors.is_empty());
    assert_eq!(data.open_suggestions.len(), 1);
    open_chapter(&mut s, "rehabilitering");
    let all = doc_rows(&s).join(" ");
    assert!(all.contains("Ingen ændringer i teksten"), "{all}");
    assert!(all.contains("✎ Dansk Selskab for Almen Medicin"), "{all}");
    assert!(all.contains("[-kommuner-]{+almen praksis+}"), "{all}");
    assert!(!all.contains("Sofie Lund Ahlmann"), "{all}");
    // The comments entry counts and lists the open ones.
    if s.diff.text_focus {
        dispatch(&mut s, Action::Focus);
    }
    dispatch(&mut s, Action::Top);
    dispatch(&mut s, Action::Down);
    assert_eq!(s.diff.entry, 1, "the comments entry");
    let all = doc_rows(&s).join(" ");
    assert!(
        all.contains("Forslag til ny formulering, der venter på skribenterne i arbejdsmappen (1):"),
        "{all}"
    );
    assert!(
        all.contains("✎ Dansk Selskab for Almen Medicin · kap. 5: «Behovsvurderingen gennemføres"),
        "{all}"
    );
    assert!(all.contains("→ «Behovsvurderingen gennemføres"), "{all}");
}
