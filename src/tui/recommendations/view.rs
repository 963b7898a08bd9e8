//! Tab 2, Anbefalinger: the prioritised list with horizon badges, and a
//! detail pane with every field, related chapters and comment threads.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};

use crate::model::Choice;
use crate::tui::layout;
use crate::tui::panes::Pane;
use crate::tui::state::{State, View};
use crate::tui::views::{list_offset, pane, safe};

pub fn render(frame: &mut Frame, state: &State) {
    let [list, _] = layout::panes(View::Recs, state.width, state.height, false);
    render_list(frame, list, state);
    let title = Line::raw(crate::tr!(" Detaljer ", " Details "));
    let block = pane::block(title, state.recs.detail_focus, state);
    pane::draw(frame, state, Pane::RecDetail, block, false);
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
    if state.recs.pending.is_some() {
        title = crate::tr!(
            " Ikke gemt: Enter gemmer, Esc fortryder ",
            " Not saved: Enter saves, Esc undoes "
        );
    }
    let height = usize::from(area.height.saturating_sub(2));
    let offset = list_offset(state.recs.selected, height);
    let width = usize::from(area.width.saturating_sub(2));
    let order = state.rec_order();
    let items: Vec<ListItem> = order
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .filter_map(|(i, &k)| ws.recommendations.get(k).map(|r| (i, r)))
        .map(|(i, r)| {
            let selected = i == state.recs.selected;
            // While an order is being made, the ranks shown are the new ones.
            let rank = i + 1;
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
                    format!("{}{:>2} ", if selected { "▶" } else { " " }, rank),
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
    } else if state.recs.pending.is_some() {
        state.theme.marker()
    } else {
        Style::new()
    };
    let block = pane::block(
        Line::from(Span::styled(title, style)),
        !state.recs.detail_focus,
        state,
    );
    frame.render_widget(List::new(items).block(block), area);
}
