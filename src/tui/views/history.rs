//! Tab 5, Historik: the commits, newest first, with author, organisation and
//! meeting tags; Enter shows the files a commit changed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph, Wrap};

use super::{list_offset, safe};
use crate::tui::state::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let (list_area, detail) = if state.commit_files.is_some() {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let height = usize::from(list_area.height.saturating_sub(2));
    let offset = list_offset(state.commit, height);
    let width = usize::from(list_area.width.saturating_sub(2));
    let items: Vec<ListItem> = state
        .log
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, e)| {
            let org = state
                .ws
                .config
                .member(&e.email)
                .map(|m| format!(" ({})", m.organisation))
                .unwrap_or_default();
            // Meeting tags first: at 80 columns the message is what gets cut.
            let tags = if e.tags.is_empty() {
                String::new()
            } else {
                format!("[{}] ", safe(&e.tags.join(", ")))
            };
            let head = format!("{} {}{org} ", e.time.format("%Y-%m-%d %H:%M"), e.author);
            let selected = i == state.commit;
            let style = if selected {
                state.theme.selected()
            } else {
                Style::new()
            };
            let used = unicode_width::UnicodeWidthStr::width(head.as_str())
                + unicode_width::UnicodeWidthStr::width(tags.as_str())
                + 2;
            ListItem::new(Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, style),
                Span::styled(safe(&head), style.patch(state.theme.dim())),
                Span::styled(tags, style.patch(state.theme.marker())),
                Span::styled(
                    crate::text::truncate(&safe(&e.summary), width.saturating_sub(used))
                        .into_owned(),
                    style,
                ),
            ]))
        })
        .collect();
    let title = crate::tr!(
        " Historik ({} ændringer) ",
        " History ({} changes) ",
        state.log.len()
    );
    frame.render_widget(
        List::new(items).block(Block::default().borders(Borders::ALL).title(title)),
        list_area,
    );
    if let (Some(area), Some((commit, files))) = (detail, &state.commit_files) {
        let entry = state.log.iter().find(|e| &e.commit == commit);
        let mut lines = vec![Line::styled(
            entry.map(|e| safe(&e.summary)).unwrap_or_default(),
            state.theme.title(),
        )];
        lines.extend(entry.into_iter().flat_map(|e| {
            e.message
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|l| Line::raw(safe(l)))
        }));
        lines.push(Line::raw(""));
        lines.extend(files.iter().map(|f| Line::raw(safe(f))));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", &commit[..commit.len().min(10)]));
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
    }
}
