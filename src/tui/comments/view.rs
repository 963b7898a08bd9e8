//! Tab 3, Kommentarer: every thread, newest first, with filters and search,
//! and the selected thread beside it.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};

use crate::tui::layout;
use crate::tui::panes::{Pane, place, short_date, status_mark};
use crate::tui::state::{State, StatusFilter, View};
use crate::tui::views::{list_offset, pane, safe};

pub fn render(frame: &mut Frame, state: &State) {
    let [list, detail] = layout::panes(View::Comments, state.width, state.height, false);
    let filter = match state.comments_view.status_filter {
        StatusFilter::All => crate::tr!("alle", "all"),
        StatusFilter::Open => crate::tr!("åbne", "open"),
        StatusFilter::Resolved => crate::tr!("besvarede", "answered"),
    };
    let mut title = format!(" {} ({filter}", crate::tr!("Kommentarer", "Comments"));
    if let Some(o) = &state.comments_view.org_filter {
        title.push_str(&format!(", {}", safe(o)));
    }
    if let Some(p) = &state.comments_view.place_filter {
        title.push_str(&format!(
            ", {}",
            crate::text::truncate(&safe(&state.place_label(p)), 30)
        ));
    }
    if !state.comments_view.search.is_empty() {
        title.push_str(&format!(", «{}»", safe(&state.comments_view.search)));
    }
    title.push_str(&format!(") {} ", state.comments_view.rows.len()));
    let height = usize::from(list.height.saturating_sub(2));
    let offset = list_offset(state.comments_view.selected, height);
    let width = usize::from(list.width.saturating_sub(3));
    let items: Vec<ListItem> = state
        .comments_view
        .rows
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
                short_date(c.created.date_naive(), state.today),
                crate::text::truncate(&c.author.organisation, width),
                place,
                crate::text::truncate(first, width)
            );
            let selected = row == state.comments_view.selected;
            let mark = status_mark(c.status);
            let withdrawn = c.status == crate::model::CommentStatus::Withdrawn;
            let style = if selected {
                state.theme.selected()
            } else if withdrawn {
                state.theme.dim()
            } else {
                Style::new()
            };
            let mark_style = match c.status {
                crate::model::CommentStatus::Open => state.theme.marker(),
                crate::model::CommentStatus::Resolved => state.theme.ok(),
                crate::model::CommentStatus::Withdrawn => state.theme.dim(),
            };
            ListItem::new(Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, style),
                Span::styled(format!("{mark} "), mark_style),
                Span::styled(
                    crate::text::truncate(&safe(&text), width.saturating_sub(2)).into_owned(),
                    style,
                ),
            ]))
        })
        .collect();
    frame.render_widget(
        List::new(items).block(pane::block(
            Line::raw(title),
            !state.comments_view.thread_focus,
            state,
        )),
        list,
    );
    let block = pane::block(
        Line::raw(crate::tr!(" Tråd ", " Thread ")),
        state.comments_view.thread_focus,
        state,
    );
    if state.selected_comment().is_some() {
        pane::draw(frame, state, Pane::CommentThread, block, false);
    } else {
        frame.render_widget(
            Paragraph::new(crate::tr!(
                "Ingen kommentarer passer til filtrene. Esc nulstiller.",
                "No comments match the filters. Esc resets."
            ))
            .block(block),
            detail,
        );
    }
}
