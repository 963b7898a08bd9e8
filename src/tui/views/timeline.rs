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
    let block = Block::default().borders(Borders::ALL).title(crate::tr!(
        " Anbefalinger efter tidshorisont ",
        " Recommendations by horizon "
    ));
    let inner_width = usize::from(area.width.saturating_sub(2));
    let label_w = 24;
    let axis_w = inner_width.saturating_sub(label_w + 1).max(10);
    let per_year = axis_w as f64 / f64::from(YEARS);
    let mut lines = Vec::new();
    let mut axis = " ".repeat(label_w + 1);
    for y in 0..YEARS {
        let cell = format!("{y}");
        let w = ((f64::from(y + 1) * per_year) as usize)
            .saturating_sub((f64::from(y) * per_year) as usize);
        axis.push_str(&format!("{cell:<w$}"));
    }
    lines.push(Line::styled(
        format!("{axis}{}", crate::tr!(" år", " years")),
        state.theme.dim(),
    ));
    for h in Horizon::ALL {
        let def = state.ws.config.horizons.get(*h);
        let from = (f64::from(def.from_years) * per_year) as usize;
        let to = (f64::from(def.to_years.unwrap_or(YEARS).min(YEARS)) * per_year) as usize;
        let bar = format!(
            "{}{}{}",
            " ".repeat(from),
            "█".repeat(to.saturating_sub(from).max(1)),
            if def.to_years.is_none() { "→" } else { "" }
        );
        let label = format!("{} ({})", def.label, def.span());
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<label_w$} "), state.theme.horizon(*h)),
            Span::styled(bar, state.theme.horizon(*h)),
        ]));
        for r in state.ws.recommendations.iter().filter(|r| r.horizon == *h) {
            lines.push(Line::raw(format!(
                "   {:>2}. {}",
                r.rank,
                crate::text::truncate(&safe(&r.title), inner_width.saturating_sub(8))
            )));
        }
    }
    let scroll =
        u16::try_from(state.timeline_scroll.min(lines.len().saturating_sub(1))).unwrap_or(0);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
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
                crate::tr!("udkast sendt ({})", "draft sent ({})", t.name),
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
