//! Tab 2, Anbefalinger: the prioritised list with horizon badges, and a
//! detail pane with every field, related chapters and comment threads.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph, Wrap};

use super::{list_offset, safe};
use crate::model::Choice;
use crate::tui::state::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    render_list(frame, list, state);
    render_detail(frame, detail, state);
}

fn render_list(frame: &mut Frame, area: Rect, state: &State) {
    let ws = &state.ws;
    let mut title = crate::tr!(
        " Prioriterede anbefalinger ",
        " Prioritised recommendations "
    );
    let over = ws.recommendations.len() > ws.config.recommended_count;
    if over {
        title = crate::tr!(
            " ⚠ {} anbefalinger – følgegruppen bad om højst {} ",
            " ⚠ {} recommendations – the group asked for at most {} ",
            ws.recommendations.len(),
            ws.config.recommended_count
        );
    }
    let height = usize::from(area.height.saturating_sub(2));
    let offset = list_offset(state.rec, height);
    let width = usize::from(area.width.saturating_sub(2));
    let items: Vec<ListItem> = ws
        .recommendations
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, r)| {
            let selected = i == state.rec;
            let comments = state.per_rec.get(&r.slug).copied().unwrap_or(0);
            let tail = format!(" {} 💬{comments}", r.status.label());
            let title_w =
                width.saturating_sub(8 + unicode_width::UnicodeWidthStr::width(tail.as_str()));
            let t = crate::text::truncate(&safe(&r.title), title_w).into_owned();
            let pad = title_w.saturating_sub(unicode_width::UnicodeWidthStr::width(t.as_str()));
            let base = if selected {
                state.theme.selected()
            } else {
                Style::new()
            };
            ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{}{:>2} ", if selected { "▶" } else { " " }, r.rank),
                    base,
                ),
                Span::styled(
                    format!("[{}]", r.horizon.badge()),
                    state.theme.horizon(r.horizon),
                ),
                Span::styled(format!(" {t}{}", " ".repeat(pad)), base),
                Span::styled(tail, state.theme.dim()),
            ]))
        })
        .collect();
    let style = if over {
        state.theme.error()
    } else {
        Style::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, style));
    frame.render_widget(List::new(items).block(block), area);
}

fn render_detail(frame: &mut Frame, area: Rect, state: &State) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tr!(" Detaljer ", " Details "));
    let Some(r) = state.ws.recommendations.get(state.rec) else {
        let text = crate::tr!("Ingen anbefalinger endnu.", "No recommendations yet.");
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let def = state.ws.config.horizons.get(r.horizon);
    let mut lines = vec![
        Line::styled(
            format!("{}. {}", r.rank, safe(&r.title)),
            state.theme.title(),
        ),
        Line::from(vec![
            Span::styled(
                format!("{} ", crate::tr!("Tidshorisont:", "Horizon:")),
                state.theme.dim(),
            ),
            Span::styled(
                format!("{} ({})", safe(&def.label), def.span()),
                state.theme.horizon(r.horizon),
            ),
        ]),
        Line::from(vec![
            Span::styled(
                format!("{} ", crate::tr!("Status:", "Status:")),
                state.theme.dim(),
            ),
            Span::raw(r.status.label()),
        ]),
    ];
    let mut section = |label: String, text: &str| {
        if !text.trim().is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(label, state.theme.title()));
            for l in text.lines() {
                lines.push(Line::raw(safe(l)));
            }
        }
    };
    section(crate::tr!("Anbefaling", "Recommendation"), &r.text);
    section(crate::tr!("Mål", "Goal"), &r.goal);
    section(
        crate::tr!("Realiserbarhed", "Realizability"),
        &r.realizability,
    );
    if let Some(k) = &r.kraeftplan_iv {
        section(
            crate::tr!("Sammenhæng til Kræftplan IV", "Link to Kræftplan IV"),
            k,
        );
    }
    if !r.chapters.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            crate::tr!(
                "Relaterede kapitler (g går til det første)",
                "Related chapters (g goes to the first)"
            ),
            state.theme.title(),
        ));
        for slug in &r.chapters {
            let name = state
                .ws
                .chapters
                .iter()
                .find(|c| &c.slug == slug)
                .map_or_else(|| slug.clone(), |c| format!("{} {}", c.number, c.title));
            lines.push(Line::raw(format!("  {}", safe(&name))));
        }
    }
    let threads: Vec<_> = state
        .ws
        .comments
        .iter()
        .filter(|c| {
            c.reply_to.is_none() && c.target.recommendation.as_deref() == Some(r.slug.as_str())
        })
        .collect();
    if !threads.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            crate::tr!("Kommentarer", "Comments"),
            state.theme.title(),
        ));
        for c in threads {
            lines.push(Line::styled(
                format!(
                    "● {} ({}) · {}",
                    safe(&c.author.name),
                    safe(&c.author.organisation),
                    c.status.label()
                ),
                state.theme.marker(),
            ));
            for l in c.body.lines() {
                lines.push(Line::raw(format!("  {}", safe(l))));
            }
            if let Some(res) = &c.resolution {
                lines.push(Line::styled(
                    format!("  → {}: {}", res.disposition.label(), safe(&res.response)),
                    state.theme.ok(),
                ));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
