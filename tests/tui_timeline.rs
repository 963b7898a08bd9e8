//! Tidslinje: the recommendations on calendar years from the plan's start,
//! by horizon, with the meetings, deadlines and today on the same axis —
//! read off the screen at 80×24 and 120×40.

mod common;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use oplaeg::store::Store;
use oplaeg::tui::state::View;
use oplaeg::tui::{State, dispatch, to_action, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WRITER: &str = "mette.holm@sst.example";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn state(root: &std::path::Path, (w, h): (u16, u16)) -> State {
    let mut s = State::new(Store::open(root).unwrap(), Some(WRITER.to_string()), w, h).unwrap();
    s.set_today(chrono::NaiveDate::from_ymd_opt(2024, 9, 12).unwrap());
    s.view = View::Timeline;
    s
}

fn screen(state: &State) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

fn key(state: &mut State, code: KeyCode) {
    if let Some(a) = to_action(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE))) {
        dispatch(state, a);
    }
}

/// The row holding `text`, and the column (in characters) it starts at.
fn find(rows: &[String], text: &str) -> Option<(usize, usize)> {
    rows.iter()
        .enumerate()
        .find_map(|(y, r)| r.find(text).map(|byte| (y, r[..byte].chars().count())))
}

fn col_of(row: &str, c: char) -> Option<usize> {
    row.chars().position(|x| x == c)
}

#[test]
fn recommendations_sit_on_the_years_of_their_horizon_with_the_process_and_today() {
    let (_tmp, root) = common::tui::demo_in_tempdir();
    for size in SIZES {
        let mut s = state(&root, size);
        let rows = screen(&s);
        let all = rows.join("\n");
        assert!(all.contains("planen fra 2025"), "{all}");
        // The axis: the process year, a month a column, then the plan's years.
        let (years, y2024) = find(&rows, "2024").expect("the process year");
        let year_col = |y: &str| {
            let byte = rows[years]
                .find(y)
                .unwrap_or_else(|| panic!("{y} on the axis:\n{all}"));
            rows[years][..byte].chars().count()
        };
        let y2025 = year_col("2025");
        assert_eq!(y2025 - y2024, 13, "{all}");
        let months = &rows[years + 1];
        assert!(
            months.contains("jfmamjja▼ond"),
            "today in september: {months}"
        );
        assert!(months.contains("▼ i dag 12.09.2024"), "{months}");
        // Meetings 3 and 4 had drafts sent (tags), 2 had none and 5 is
        // planned; the deadlines are marked; the plan starts at 2025.
        let process = &rows[years + 2];
        assert!(process.contains("Møder og frister"), "{process}");
        let col = |month0: usize| y2024 + month0;
        let at = |row: &str, c: usize| row.chars().nth(c).unwrap();
        assert_eq!(
            at(process, col(3)),
            '○',
            "meeting 2 in april, no draft: {process}"
        );
        assert_eq!(at(process, col(5)), '●', "meeting 3 in june: {process}");
        assert_eq!(
            at(process, col(4)),
            '!',
            "meeting 3's deadline in may: {process}"
        );
        assert_eq!(at(process, y2025), '▲', "the plan starts: {process}");
        // Each horizon names its calendar years where its bars begin.
        for (label, years_text, first) in [
            ("kort (0–2 år)", "2025–2026", "2025"),
            ("mellemlang (2–5 år)", "2027–2029", "2027"),
        ] {
            let Some((hy, _)) = find(&rows, label) else {
                continue; // below the edge at 80×24; scrolled to further down
            };
            let yc = year_col(first);
            let (ty, tc) = find(&rows, years_text).expect(years_text);
            assert_eq!((ty, tc), (hy, yc), "{label} starts under {first}:\n{all}");
            // Its first recommendation's bar starts there too.
            let bar = &rows[hy + 1];
            assert_eq!(col_of(bar, '█'), Some(yc), "{label}: {bar}");
        }
        // Every recommendation is on the chart, scrolled to if need be.
        let mut seen = String::new();
        for _ in 0..20 {
            seen.push_str(&screen(&s).join("\n"));
            key(&mut s, KeyCode::Down);
        }
        for r in &s.ws.recommendations {
            let head: String = r.title.chars().take(8).collect();
            assert!(seen.contains(&head), "{} not on the chart", r.title);
        }
        assert!(seen.contains("fra 2030"), "the long horizon: {seen}");
        assert!(seen.contains("▲ planen begynder"), "the legend");
        key(&mut s, KeyCode::Char('G'));
        assert!(
            screen(&s).join("\n").contains("▲ planen begynder"),
            "End shows the legend"
        );
    }
}

#[test]
fn the_axis_follows_plan_start() {
    let (_tmp, root) = common::tui::demo_in_tempdir();
    let mut s = state(&root, (120, 40));
    s.ws.config.plan_start = Some(2027);
    let all = screen(&s).join("\n");
    assert!(all.contains("planen fra 2027"), "{all}");
    assert!(all.contains("2027–2028"), "kort from 2027: {all}");
    assert!(all.contains("2029–2031"), "mellemlang: {all}");
    assert!(all.contains("fra 2032"), "lang: {all}");
    // Without the setting: the year after the last meeting (2024).
    s.ws.config.plan_start = None;
    assert!(screen(&s).join("\n").contains("planen fra 2025"));
}
