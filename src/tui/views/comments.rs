//! Tab 3, Kommentarer: every thread, newest first, with filters and search,
//! and the selected thread beside it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph, Wrap};

use super::{list_offset, safe};
use crate::model::Choice;
use crate::tui::state::{State, StatusFilter};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let filter = match state.status_filter {
        StatusFilter::All => crate::tr!("alle", "all"),
        StatusFilter::Open => crate::tr!("åbne", "open"),
        StatusFilter::Resolved => crate::tr!("besvarede", "resolved"),
    };
    let mut title = format!(" {} ({filter}", crate::tr!("Kommentarer", "Comments"));
    if let Some(o) = &state.org_filter {
        title.push_str(&format!(", {}", safe(o)));
    }
    if let Some(p) = &state.place_filter {
        title.push_str(&format!(
            ", {}",
            crate::text::truncate(&safe(&state.place_label(p)), 30)
        ));
    }
    if !state.comment_search.is_empty() {
        title.push_str(&format!(", «{}»", safe(&state.comment_search)));
    }
    title.push_str(&format!(") {} ", state.comment_rows.len()));
    let height = usize::from(list.height.saturating_sub(2));
    let offset = list_offset(state.comment, height);
    let width = usize::from(list.width.saturating_sub(3));
    let items: Vec<ListItem> = state
        .comment_rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(row, &i)| {
            let c = &state.ws.comments[i];
            let place = place(state, i);
            // Cut before escaping too: a row never needs more than its width,
            // however long the comment.
            let first = c.body.lines().next().unwrap_or("");
            let text = format!(
                "{} {} · {} · {}",
                c.created.format("%d.%m"),
                crate::text::truncate(&c.author.organisation, width),
                place,
                crate::text::truncate(first, width)
            );
            let selected = row == state.comment;
            let mark = match c.status {
                crate::model::CommentStatus::Open => "○",
                crate::model::CommentStatus::Resolved => "✓",
                crate::model::CommentStatus::Withdrawn => "–",
            };
            let style = if selected {
                state.theme.selected()
            } else {
                Style::new()
            };
            ListItem::new(Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, style),
                Span::styled(format!("{mark} "), state.theme.marker()),
                Span::styled(
                    crate::text::truncate(&safe(&text), width.saturating_sub(2)).into_owned(),
                    style,
                ),
            ]))
        })
        .collect();
    frame.render_widget(
        List::new(items).block(Block::default().borders(Borders::ALL).title(title)),
        list,
    );

    let block = Block::default()
        .borders(Borders::ALL)
        .title(crate::tr!(" Tråd ", " Thread "));
    match state.selected_comment() {
        Some(i) => frame.render_widget(
            Paragraph::new(thread_lines(state, i))
                .block(block)
                .wrap(Wrap { trim: false }),
            detail,
        ),
        None => frame.render_widget(
            Paragraph::new(crate::tr!(
                "Ingen kommentarer passer til filtrene. Esc nulstiller.",
                "No comments match the filters. Esc resets."
            ))
            .block(block),
            detail,
        ),
    }
}

/// Where a comment sits: `kap. 5`, `anb. 3`.
pub fn place(state: &State, i: usize) -> String {
    let c = &state.ws.comments[i];
    if let Some(ch) = &c.target.chapter {
        match state.ws.chapters.iter().find(|x| &x.slug == ch) {
            Some(x) => format!("{} {}", crate::tr!("kap.", "ch."), x.number),
            None => ch.clone(),
        }
    } else if let Some(r) = &c.target.recommendation {
        match state.ws.recommendations.iter().find(|x| &x.slug == r) {
            Some(x) => format!("{} {}", crate::tr!("anb.", "rec."), x.rank),
            None => r.clone(),
        }
    } else {
        String::new()
    }
}

/// A comment with its replies and resolution, as lines.
pub fn thread_lines(state: &State, i: usize) -> Vec<Line<'static>> {
    let ws = &state.ws;
    let c = &ws.comments[i];
    let mut lines = vec![Line::styled(safe(&place(state, i)), state.theme.dim())];
    if let Some(a) = &c.target.anchor {
        lines.push(Line::styled(
            format!("«{}»", safe(&a.quote)),
            state.theme.quote(),
        ));
        lines.extend(super::anchors::placement_lines(state, i, a));
    }
    let push = |c: &crate::model::Comment, indent: &str, lines: &mut Vec<Line<'static>>| {
        let withdrawn = if c.status == crate::model::CommentStatus::Withdrawn {
            format!(" · {}", c.status.label())
        } else {
            String::new()
        };
        lines.push(Line::styled(
            format!(
                "{indent}{} · {} ({}){withdrawn}",
                c.created.format("%Y-%m-%d %H:%M"),
                safe(&c.author.name),
                safe(&c.author.organisation)
            ),
            state.theme.title(),
        ));
        // Only what a screen can show: a thread is drawn from its top, so a
        // very long comment costs no more per frame than a screenful.
        let rows = usize::from(state.height);
        let chars = rows * usize::from(state.width);
        for l in c.body.lines().take(rows) {
            let l = crate::text::truncate(l, chars);
            lines.push(Line::raw(format!("{indent}{}", safe(&l))));
        }
        if c.body.lines().nth(rows).is_some() {
            lines.push(Line::styled(
                format!(
                    "{indent}{}",
                    crate::tr!(
                        "… (hele teksten: oplaeg comment show {})",
                        "… (the whole text: oplaeg comment show {})",
                        &c.id
                    )
                ),
                state.theme.dim(),
            ));
        }
    };
    push(c, "", &mut lines);
    let mut queue: Vec<(String, usize)> = vec![(c.id.clone(), 1)];
    while let Some((id, depth)) = queue.pop() {
        for r in ws.replies(&id).collect::<Vec<_>>().into_iter().rev() {
            lines.push(Line::raw(""));
            push(r, &"  ".repeat(depth), &mut lines);
            queue.push((r.id.clone(), depth + 1));
        }
    }
    lines.push(Line::raw(""));
    match &c.resolution {
        Some(r) => {
            lines.push(Line::styled(
                format!(
                    "→ {} ({}, {})",
                    r.disposition.label(),
                    safe(&r.by),
                    r.at.format("%Y-%m-%d")
                ),
                state.theme.ok(),
            ));
            for l in r.response.lines() {
                lines.push(Line::raw(format!("  {}", safe(l))));
            }
        }
        None => lines.push(Line::styled(
            c.status.label().to_string(),
            state.theme.marker(),
        )),
    }
    lines
}
