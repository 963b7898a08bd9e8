//! Tab 5, Historik: the commits, newest first, with author, organisation and
//! meeting tags, the selected change's message below; Enter shows what it
//! changed in the Ændringer tab.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};

use crate::tui::layout;
use crate::tui::panes::Pane;
use crate::tui::state::{State, View};
use crate::tui::views::{list_offset, pane, safe};

pub fn render(frame: &mut Frame, state: &State) {
    let [list_area, _] = layout::panes(View::History, state.width, state.height, true);
    let height = usize::from(list_area.height.saturating_sub(2));
    let offset = list_offset(state.history.selected, height);
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
            let head = format!(
                "{} {}{org} ",
                e.time.format("%Y-%m-%d %H:%M"),
                state.name_of(&e.email)
            );
            let selected = i == state.history.selected;
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
        List::new(items).block(pane::block(
            Line::raw(title),
            !state.history.detail_focus,
            state,
        )),
        list_area,
    );
    let block = pane::block(
        Line::raw(crate::tr!(" Ændringen ", " The change ")),
        state.history.detail_focus,
        state,
    );
    pane::draw(frame, state, Pane::HistoryDetail, block, false);
}
