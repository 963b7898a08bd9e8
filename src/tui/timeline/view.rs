//! Tab 4, Tidslinje: the recommendations on calendar years by horizon, with
//! the process and today on the same axis ([`chart`]), and the meeting
//! calendar with today's date marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::chart;
use crate::tui::layout;
use crate::tui::panes::short_date;
use crate::tui::state::{State, View};
use crate::tui::views::{pane, safe};

pub fn render(frame: &mut Frame, state: &State) {
    let [lanes, calendar] = layout::panes(View::Timeline, state.width, state.height, false);
    render_chart(frame, lanes, state);
    render_calendar(frame, calendar, state);
}

fn render_chart(frame: &mut Frame, area: Rect, state: &State) {
    let inner = layout::inner(area);
    let axis = chart::Axis::new(state, usize::from(inner.width));
    let header = chart::header(state, &axis);
    let body = chart::body(state, &axis);
    let rows = usize::from(inner.height).saturating_sub(header.len());
    let offset = state
        .timeline
        .lanes_scroll
        .min(body.len().saturating_sub(rows));
    let title = Line::from(vec![Span::raw(crate::tr!(
        " Anbefalinger på årstal · planen fra {} ",
        " Recommendations by year · the plan from {} ",
        axis.plan_start
    ))]);
    let mut block = pane::block(title, !state.timeline.calendar_focus, state);
    if body.len() > rows {
        block = block.title_bottom(
            Line::styled(
                crate::tr!(
                    " {}–{} af {} ↑↓ PgUp/PgDn ",
                    " {}–{} of {} ↑↓ PgUp/PgDn ",
                    offset + 1,
                    (offset + rows).min(body.len()),
                    body.len()
                ),
                state.theme.dim(),
            )
            .right_aligned(),
        );
    }
    let lines: Vec<Line> = header
        .into_iter()
        .chain(body.into_iter().skip(offset).take(rows))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_calendar(frame: &mut Frame, area: Rect, state: &State) {
    // The next comment deadline, counting down, where it is always seen.
    let next = state
        .ws
        .config
        .meetings
        .iter()
        .filter_map(|m| m.deadline.map(|d| (d, m.number)))
        .filter(|(d, _)| *d >= state.today)
        .min();
    let mut title = vec![Span::raw(crate::tr!(
        " Møder og frister ",
        " Meetings and deadlines "
    ))];
    if let Some((d, n)) = next {
        title.push(Span::styled(
            format!(
                "– {} {} ",
                crate::tr!("møde {n}:", "meeting {n}:"),
                deadline(d, state.today)
            ),
            state.theme.marker(),
        ));
    }
    let block = pane::block(Line::from(title), state.timeline.calendar_focus, state);
    let mut rows: Vec<(chrono::NaiveDate, Line)> = Vec::new();
    let mut selected_date = None;
    for (k, n) in state.meeting_numbers().into_iter().enumerate() {
        let planned = state.ws.config.meetings.iter().find(|m| m.number == n);
        let tag = state.tags.iter().find(|t| t.number == n);
        let date = planned
            .map(|m| m.date)
            .or_else(|| tag.and_then(|t| t.date))
            .unwrap_or(state.today);
        let title = planned
            .map(|m| m.title.clone())
            .or_else(|| tag.map(|t| t.title.clone()))
            .unwrap_or_default();
        let (mark, state_text) = match tag {
            Some(_) => ("■", crate::tr!("udkast sendt", "draft sent")),
            None if date < state.today => ("□", crate::tr!("intet udkast sendt", "no draft sent")),
            None => ("□", crate::tr!("planlagt", "planned")),
        };
        let selected = k == state.timeline.meeting;
        let style = if selected && state.timeline.calendar_focus {
            state.theme.selected()
        } else {
            state.theme.title()
        };
        let mut spans = vec![
            Span::styled(if selected { "▶" } else { " " }, style),
            Span::styled(
                format!("{mark} {} {n}. {date}  ", crate::tr!("møde", "meeting")),
                style,
            ),
            Span::raw(format!("{}  ", safe(&title))),
            Span::styled(state_text, state.theme.dim()),
        ];
        if let Some(d) = planned.and_then(|m| m.deadline) {
            spans.push(Span::styled(
                format!("  · {}", deadline(d, state.today)),
                state.theme.marker(),
            ));
        }
        if selected {
            selected_date = Some(date);
        }
        rows.push((date, Line::from(spans)));
    }
    let today = Line::styled(
        crate::tr!("  ── {} i dag ──", "  ── {} today ──", state.today),
        state.theme.error(),
    );
    let pos = rows
        .iter()
        .position(|(d, _)| *d > state.today)
        .unwrap_or(rows.len());
    let chosen_row = selected_date
        .and_then(|d| rows.iter().position(|(x, _)| *x == d))
        .map(|r| if r >= pos { r + 1 } else { r })
        .unwrap_or(pos);
    let mut lines: Vec<Line> = rows.into_iter().map(|(_, l)| l).collect();
    lines.insert(pos, today);
    if lines.len() == 1 {
        lines.push(Line::raw(crate::tr!(
            "Ingen møder planlagt. En skribent planlægger et med m.",
            "No meetings planned. A writer plans one with m."
        )));
    }
    let height = usize::from(area.height.saturating_sub(2));
    let offset = crate::tui::views::list_offset(chosen_row, height);
    let scroll = u16::try_from(offset).unwrap_or(0);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

/// A comment deadline counting down: `frist om 12 dage (03.06)`.
fn deadline(d: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let days = (d - today).num_days();
    let date = short_date(d, today);
    match days {
        0 => crate::tr!(
            "frist for kommentarer i dag ({date})",
            "comment deadline today ({date})"
        ),
        1 => crate::tr!(
            "frist for kommentarer i morgen ({date})",
            "comment deadline tomorrow ({date})"
        ),
        n if n > 1 => crate::tr!(
            "frist for kommentarer om {n} dage ({date})",
            "comment deadline in {n} days ({date})"
        ),
        _ => crate::tr!(
            "fristen for kommentarer var {date}",
            "the comment deadline was {date}"
        ),
    }
}
