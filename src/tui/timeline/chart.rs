//! The Tidslinje chart: calendar years on one axis, from the process (the
//! meetings and their comment deadlines, a month per column) to the plan's
//! years (from `plan_start` in `oplaeg.toml`), with each recommendation's
//! horizon drawn as a bar over its years and today marked. Plain symbols
//! carry the meaning, so it reads without colour.

use chrono::{Datelike, NaiveDate};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::model::{Choice, Horizon};
use crate::tr;
use crate::tui::panes::horizon_label;
use crate::tui::state::State;
use crate::tui::views::safe;

/// The fewest columns a year of the plan gets (`2025` and a space).
const MIN_YEAR: usize = 5;
/// Process years at most (each a column per month).
const MAX_PROCESS_YEARS: usize = 2;

/// One stretch of the axis: a year, drawn a column per month (a process
/// year) or as a block of columns (a plan year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    year: i32,
    start: usize,
    width: usize,
    monthly: bool,
}

/// The axis: where each year sits, in columns after the label.
#[derive(Clone, Debug)]
pub struct Axis {
    segments: Vec<Segment>,
    /// Columns of the whole axis.
    pub width: usize,
    /// Columns of the label on the left of each row.
    pub label: usize,
    /// Columns inside the pane.
    pub inner: usize,
    pub plan_start: i32,
}

impl Axis {
    /// The axis for a pane `inner` columns wide.
    pub fn new(state: &State, inner: usize) -> Axis {
        let config = &state.ws.config;
        let plan_start = config.plan_start_year(state.today);
        // The process: the years with meetings or today, before the plan
        // (the last two of them).
        let mut process: Vec<i32> = config
            .meetings
            .iter()
            .map(|m| m.date.year())
            .chain(state.tags.iter().filter_map(|t| t.date.map(|d| d.year())))
            .chain(std::iter::once(state.today.year()))
            .filter(|y| *y < plan_start)
            .collect();
        process.sort_unstable();
        process.dedup();
        let skip = process.len().saturating_sub(MAX_PROCESS_YEARS);
        let mut segments = Vec::new();
        let mut col = 0;
        for &year in &process[skip..] {
            segments.push(Segment {
                year,
                start: col,
                width: 13,
                monthly: true,
            });
            col += 13;
        }
        // The plan: past the long horizon's start, as many years as fit;
        // the titles on the left get what the years leave (20–44 columns).
        let h = &config.horizons;
        let wanted = [
            h.short.to_years.unwrap_or(0),
            h.medium.to_years.unwrap_or(0),
            h.long.to_years.unwrap_or(0),
            h.long.from_years + 3,
        ]
        .into_iter()
        .max()
        .unwrap_or(8)
        .clamp(3, 30) as usize;
        let label = inner
            .saturating_sub(col + 1 + wanted * MIN_YEAR)
            .clamp(20, 44);
        // One column is kept for the arrow after the last year.
        let room = inner.saturating_sub(label + col + 1);
        let years = wanted.min(room / MIN_YEAR).max(1);
        let each = (room / years).clamp(MIN_YEAR, 12);
        for k in 0..years {
            segments.push(Segment {
                year: plan_start + k as i32,
                start: col,
                width: each,
                monthly: false,
            });
            col += each;
        }
        Axis {
            segments,
            width: col + 1,
            label,
            inner,
            plan_start,
        }
    }

    /// The column of a date on the axis, if the axis shows its year.
    fn column(&self, date: NaiveDate) -> Option<usize> {
        let s = self.segments.iter().find(|s| s.year == date.year())?;
        let within = if s.monthly {
            date.month0() as usize
        } else {
            (date.ordinal0() as usize * s.width.saturating_sub(1)) / 366
        };
        Some(s.start + within)
    }

    /// The columns of the plan years `from..to` after the plan's start (to
    /// the end of the axis when `to` is open), and whether it runs on past it.
    fn span(&self, from: u32, to: Option<u32>) -> Option<(usize, usize, bool)> {
        let first = self.plan_start + from as i32;
        let plan: Vec<&Segment> = self.segments.iter().filter(|s| !s.monthly).collect();
        let last_shown = plan.last()?.year;
        let last = to.map_or(last_shown, |t| self.plan_start + t as i32 - 1);
        let a = plan.iter().find(|s| s.year == first)?;
        let b = plan.iter().rev().find(|s| s.year <= last.min(last_shown))?;
        Some((
            a.start,
            b.start + b.width - 1,
            to.is_none() || last > last_shown,
        ))
    }
}

/// A row of the axis being drawn: a character and its style per column.
struct Row(Vec<(char, Style)>);

impl Row {
    fn new(width: usize) -> Row {
        Row(vec![(' ', Style::new()); width])
    }

    fn put(&mut self, col: usize, c: char, style: Style) {
        if let Some(cell) = self.0.get_mut(col) {
            *cell = (c, style);
        }
    }

    fn text(&mut self, col: usize, text: &str, style: Style) {
        for (k, c) in text.chars().enumerate() {
            self.put(col + k, c, style);
        }
    }

    /// Puts today's line where nothing else is drawn.
    fn today(&mut self, col: Option<usize>, style: Style) {
        if let Some(c) = col
            && self.0.get(c).is_some_and(|(ch, _)| *ch == ' ')
        {
            self.put(c, '│', style);
        }
    }

    fn line(self, label: String, label_style: Style, width: usize) -> Line<'static> {
        let mut spans = vec![Span::styled(pad(&label, width), label_style)];
        let mut run = String::new();
        let mut style = Style::new();
        for (c, s) in self.0 {
            if s != style && !run.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut run), style));
            }
            style = s;
            run.push(c);
        }
        spans.push(Span::styled(run, style));
        Line::from(spans)
    }
}

/// `text` cut or padded to `width` columns.
fn pad(text: &str, width: usize) -> String {
    let cut = crate::text::truncate(text, width.saturating_sub(1));
    let used = unicode_width::UnicodeWidthStr::width(cut.as_ref());
    format!("{cut}{}", " ".repeat(width.saturating_sub(used)))
}

/// The rows that stay at the top: the years, the months with today, the
/// process.
pub fn header(state: &State, axis: &Axis) -> Vec<Line<'static>> {
    let t = &state.theme;
    let today = axis.column(state.today);
    let mut years = Row::new(axis.width);
    let mut months = Row::new(axis.width);
    for s in &axis.segments {
        years.text(s.start, &s.year.to_string(), t.title());
        if s.monthly {
            months.text(s.start, "jfmamjjasond", t.dim());
        }
    }
    if let Some(last) = axis.segments.last() {
        years.put(last.start + last.width, '→', t.dim());
    }
    if let Some(c) = today {
        months.put(c, '▼', t.error());
    }
    let mut process = Row::new(axis.width);
    for m in &state.ws.config.meetings {
        if let Some(c) = m.deadline.and_then(|d| axis.column(d)) {
            process.put(c, '!', t.marker());
        }
    }
    for n in state.meeting_numbers() {
        let planned = state.ws.config.meetings.iter().find(|m| m.number == n);
        let tag = state.tags.iter().find(|t| t.number == n);
        let Some(date) = planned.map(|m| m.date).or_else(|| tag.and_then(|t| t.date)) else {
            continue;
        };
        if let Some(c) = axis.column(date) {
            process.put(c, if tag.is_some() { '●' } else { '○' }, t.title());
        }
    }
    if let Some(s) = axis.segments.iter().find(|s| s.year == axis.plan_start) {
        process.put(s.start, '▲', t.title());
    }
    process.today(today, t.error());
    let today_label = match today {
        Some(_) => tr!("▼ i dag {}", "▼ today {}", state.today.format("%d.%m.%Y")),
        None => tr!("i dag {}", "today {}", state.today.format("%d.%m.%Y")),
    };
    vec![
        years.line(String::new(), Style::new(), axis.label),
        months.line(today_label, t.error(), axis.label),
        process.line(
            tr!("Møder og frister", "Meetings, deadlines"),
            t.title(),
            axis.label,
        ),
    ]
}

/// The rows below, scrolled: each horizon with its years and its
/// recommendations as bars, then what the symbols mean.
pub fn body(state: &State, axis: &Axis) -> Vec<Line<'static>> {
    let t = &state.theme;
    let today = axis.column(state.today);
    let mut lines = Vec::new();
    for &h in Horizon::ALL {
        let def = state.ws.config.horizons.get(h);
        let span = axis.span(def.from_years, def.to_years);
        let first = axis.plan_start + def.from_years as i32;
        let years = match def.to_years {
            Some(to) if to > def.from_years + 1 => {
                format!("{first}–{}", axis.plan_start + to as i32 - 1)
            }
            Some(_) => first.to_string(),
            None => tr!("fra {first}", "from {first}"),
        };
        let mut head = Row::new(axis.width);
        if let Some((a, _, _)) = span {
            head.text(a, &years, t.horizon(h));
        }
        head.today(today, t.error());
        let title = format!("{} ({})", safe(&horizon_label(state, h)), def.span());
        lines.push(head.line(title, t.horizon(h), axis.label));
        let recs: Vec<_> = state
            .rec_order()
            .into_iter()
            .filter_map(|i| state.ws.recommendations.get(i))
            .filter(|r| r.horizon == h)
            .collect();
        if recs.is_empty() {
            let mut row = Row::new(axis.width);
            row.today(today, t.error());
            lines.push(row.line(
                format!("  {}", tr!("(ingen)", "(none)")),
                t.dim(),
                axis.label,
            ));
        }
        for r in recs {
            let mut row = Row::new(axis.width);
            if let Some((a, b, open)) = span {
                for c in a..b {
                    row.put(c, '█', t.horizon(h));
                }
                if open {
                    row.put(b, '→', t.horizon(h));
                }
            }
            row.today(today, t.error());
            let label = format!("{:>2}. {}", r.rank, safe(&r.title));
            lines.push(row.line(label, Style::new(), axis.label));
        }
    }
    lines.push(Line::raw(""));
    // What the symbols mean, as many to a row as fit.
    let legend = [
        tr!("● møde, udkast sendt", "● meeting, draft sent"),
        tr!("○ møde", "○ meeting"),
        tr!("! frist for kommentarer", "! comment deadline"),
        tr!("▼│ i dag", "▼│ today"),
        tr!("▲ planen begynder", "▲ the plan starts"),
        tr!("█ horisontens år", "█ the horizon's years"),
    ];
    let mut row = String::new();
    for item in legend {
        let wide = unicode_width::UnicodeWidthStr::width(row.as_str())
            + 2
            + unicode_width::UnicodeWidthStr::width(item.as_str());
        if !row.is_empty() && wide > axis.inner {
            lines.push(Line::styled(std::mem::take(&mut row), t.dim()));
        }
        if !row.is_empty() {
            row.push_str("  ");
        }
        row.push_str(&item);
    }
    lines.push(Line::styled(row, t.dim()));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(plan_start: i32, segments: Vec<Segment>) -> Axis {
        let width = segments.last().map_or(0, |s| s.start + s.width) + 1;
        Axis {
            segments,
            width,
            label: 20,
            inner: 78,
            plan_start,
        }
    }

    fn seg(year: i32, start: usize, width: usize, monthly: bool) -> Segment {
        Segment {
            year,
            start,
            width,
            monthly,
        }
    }

    #[test]
    fn dates_fall_in_their_month_or_their_part_of_the_year() {
        let a = axis(
            2025,
            vec![
                seg(2024, 0, 13, true),
                seg(2025, 13, 5, false),
                seg(2026, 18, 5, false),
            ],
        );
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(a.column(d(2024, 1, 31)), Some(0));
        assert_eq!(a.column(d(2024, 9, 12)), Some(8));
        assert_eq!(a.column(d(2025, 1, 1)), Some(13));
        assert_eq!(a.column(d(2025, 12, 31)), Some(16));
        assert_eq!(a.column(d(2027, 1, 1)), None, "past the axis");
    }

    #[test]
    fn horizons_cover_their_years_and_open_ones_run_on() {
        let a = axis(
            2025,
            (0..8)
                .map(|k| seg(2025 + k, k as usize * 5, 5, false))
                .collect(),
        );
        // kort 0–2: 2025 and 2026.
        assert_eq!(a.span(0, Some(2)), Some((0, 9, false)));
        // mellemlang 2–5: 2027–2029.
        assert_eq!(a.span(2, Some(5)), Some((10, 24, false)));
        // lang 5+: 2030 to the end, and on.
        assert_eq!(a.span(5, None), Some((25, 39, true)));
        // Past the axis: cut at its end, and runs on.
        assert_eq!(a.span(5, Some(20)), Some((25, 39, true)));
        assert_eq!(a.span(9, None), None, "starts after the axis");
    }
}
