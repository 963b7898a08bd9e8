//! Tab 4, Tidslinje: the recommendations in three lanes by horizon with their
//! spans in years, and the meeting calendar with today's date marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::{Choice, Horizon};
use crate::tui::layout;
use crate::tui::panes::{horizon_label, short_date};
use crate::tui::state::{State, View};
use crate::tui::views::{pane, safe};

/// Years shown on the axis.
const YEARS: u32 = 10;

pub fn render(frame: &mut Frame, state: &State) {
    let [lanes, calendar] = layout::panes(View::Timeline, state.width, state.height, false);
    render_lanes(frame, lanes, state);
    render_calendar(frame, calendar, state);
}

fn render_lanes(frame: &mut Frame, area: Rect, state: &State) {
    let lanes = layout::timeline_lanes(area);
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
            format!(
                " {} {} ({}) ",
                h.badge(),
                safe(&horizon_label(state, *h)),
                def.span()
            ),
            state.theme.horizon(*h),
        );
        let scroll = u16::try_from(
            state
                .timeline
                .lanes_scroll
                .min(lines.len().saturating_sub(1)),
        )
        .unwrap_or(0);
        frame.render_widget(
            Paragraph::new(lines)
                .block(pane::block(
                    Line::from(title),
                    !state.timeline.calendar_focus,
                    state,
                ))
                .scroll((scroll, 0)),
            *lane,
        );
    }
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
