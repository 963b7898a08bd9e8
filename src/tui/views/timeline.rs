//! Tab 4, Tidslinje: the recommendations in three lanes by horizon with their
//! spans in years, and the meeting calendar with today's date marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::safe;
use crate::model::{Choice, Horizon};
use crate::tui::state::State;

/// Years shown on the axis.
const YEARS: u32 = 10;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [lanes, calendar] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    render_lanes(frame, lanes, state);
    render_calendar(frame, calendar, state);
}

fn render_lanes(frame: &mut Frame, area: Rect, state: &State) {
    let lanes = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area);
    for (h, lane) in Horizon::ALL.iter().zip(lanes.iter()) {
        let def = state.ws.config.horizons.get(*h);
        let inner_width = usize::from(lane.width.saturating_sub(2));
        // The span drawn on a 0–10 year axis, one cell per year.
        let from = def.from_years.min(YEARS) as usize;
        let to = def.to_years.unwrap_or(YEARS).min(YEARS) as usize;
        let bar = format!(
            "{}{}{}{}",
            "·".repeat(from),
            "█".repeat(to.saturating_sub(from).max(1)),
            "·".repeat((YEARS as usize).saturating_sub(to.max(from + 1))),
            if def.to_years.is_none() { "→" } else { "" }
        );
        let mut lines = vec![
            Line::styled(bar, state.theme.horizon(*h)),
            Line::styled(
                crate::tr!("0{}10 år", "0{}10 years", " ".repeat(7)),
                state.theme.dim(),
            ),
            Line::raw(""),
        ];
        let recs: Vec<_> = state
            .ws
            .recommendations
            .iter()
            .filter(|r| r.horizon == *h)
            .collect();
        if recs.is_empty() {
            lines.push(Line::styled(
                crate::tr!("(ingen)", "(none)"),
                state.theme.dim(),
            ));
        }
        for r in recs {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>2}. ", r.rank), state.theme.horizon(*h)),
                Span::raw(
                    crate::text::truncate(&safe(&r.title), inner_width.saturating_sub(4))
                        .into_owned(),
                ),
            ]));
        }
        let title = Span::styled(
            format!(" {} {} ({}) ", h.badge(), safe(&def.label), def.span()),
            state.theme.horizon(*h),
        );
        let scroll =
            u16::try_from(state.timeline_scroll.min(lines.len().saturating_sub(1))).unwrap_or(0);
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::ALL).title(title))
                .scroll((scroll, 0)),
            *lane,
        );
    }
}

fn render_calendar(frame: &mut Frame, area: Rect, state: &State) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tr!(" Møder og frister ", " Meetings and deadlines "));
    let mut rows: Vec<(chrono::NaiveDate, Line)> = Vec::new();
    let mut numbers: Vec<u32> = state.ws.config.meetings.iter().map(|m| m.number).collect();
    numbers.extend(state.tags.iter().map(|t| t.number));
    numbers.sort_unstable();
    numbers.dedup();
    for n in numbers {
        let planned = state.ws.config.meetings.iter().find(|m| m.number == n);
        let tag = state.tags.iter().find(|t| t.number == n);
        let Some(date) = planned.map(|m| m.date).or_else(|| tag.and_then(|t| t.date)) else {
            continue;
        };
        let title = planned
            .map(|m| m.title.clone())
            .or_else(|| tag.map(|t| t.title.clone()))
            .unwrap_or_default();
        let (mark, state_text) = match tag {
            Some(t) => (
                "■",
                crate::tr!("udkast sendt ({})", "draft sent ({})", safe(&t.name)),
            ),
            None if date < state.today => ("□", crate::tr!("ikke tagget", "not tagged")),
            None => ("□", crate::tr!("planlagt", "planned")),
        };
        let mut spans = vec![
            Span::styled(format!("{mark} {date}  "), state.theme.title()),
            Span::raw(format!("{}  ", safe(&title))),
            Span::styled(state_text, state.theme.dim()),
        ];
        if let Some(d) = planned.and_then(|m| m.deadline) {
            spans.push(Span::styled(
                crate::tr!("  · frist for kommentarer {d}", "  · comment deadline {d}"),
                state.theme.marker(),
            ));
        }
        rows.push((date, Line::from(spans)));
    }
    let today = Line::styled(
        crate::tr!("▶ {} i dag", "▶ {} today", state.today),
        state.theme.error(),
    );
    let pos = rows
        .iter()
        .position(|(d, _)| *d > state.today)
        .unwrap_or(rows.len());
    let mut lines: Vec<Line> = rows.into_iter().map(|(_, l)| l).collect();
    lines.insert(pos, today);
    if lines.len() == 1 {
        lines.push(Line::raw(crate::tr!(
            "Ingen møder planlagt. En skribent planlægger med `oplaeg meeting add`.",
            "No meetings planned. A writer plans them with `oplaeg meeting add`."
        )));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
