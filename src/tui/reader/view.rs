//! Tab 1, Oplæg: the chapter list beside the reader, with comment markers
//! in the margin and the cursor and selection on sentences.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph};

use crate::tui::layout;
use crate::tui::reader::document::Look;
use crate::tui::state::{State, View};
use crate::tui::views::{list_offset, pane, safe};

/// The width the chapter text wraps to, for a terminal `width` wide.
pub fn text_width(width: u16) -> u16 {
    layout::reader_text_width(width)
}

pub fn render(frame: &mut Frame, state: &State) {
    let [list, text] = layout::panes(View::Reader, state.width, state.height, false);
    chapters(frame, list, state);
    reader(frame, text, state);
}

fn chapters(frame: &mut Frame, area: Rect, state: &State) {
    let height = usize::from(area.height.saturating_sub(2));
    let offset = list_offset(state.reader.chapter, height);
    let items: Vec<ListItem> = state
        .ws
        .chapters
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, c)| {
            let open = state.open_per_chapter.get(&c.slug).copied().unwrap_or(0);
            let mark = if i == state.reader.chapter {
                "▶"
            } else {
                " "
            };
            let count = if open > 0 {
                format!(" ●{open}")
            } else {
                String::new()
            };
            let style = if i == state.reader.chapter && !state.reader.text_focus {
                state.theme.selected()
            } else if i == state.reader.chapter {
                state.theme.title()
            } else {
                Style::new()
            };
            let width =
                usize::from(layout::CHAPTER_LIST_WIDTH).saturating_sub(8 + count.chars().count());
            let title = crate::text::truncate(&safe(&c.title), width).into_owned();
            ListItem::new(Line::from(vec![
                Span::styled(format!("{mark}{:>2} {title}", c.number), style),
                Span::styled(count, state.theme.marker()),
            ]))
        })
        .collect();
    let block = pane::block(
        Line::raw(crate::tr!(" Kapitler ", " Chapters ")),
        !state.reader.text_focus,
        state,
    );
    frame.render_widget(List::new(items).block(block), area);
}

fn reader(frame: &mut Frame, area: Rect, state: &State) {
    let Some(ch) = state.ws.chapters.get(state.reader.chapter) else {
        let text = crate::tr!(
            "Oplægget har ingen kapitler endnu. En skribent lægger dem i drafts/ (NN-slug.md).",
            "The draft has no chapters yet. A writer puts them in drafts/ (NN-slug.md)."
        );
        frame.render_widget(
            Paragraph::new(text).block(Block::default().borders(Borders::ALL)),
            area,
        );
        return;
    };
    let mut title = format!(" {} {} ", ch.number, safe(&ch.title));
    if state.reader.anchors.attaching.is_some() {
        title.push_str(&crate::tr!(
            "· vælg ny tekst til kommentaren: Enter knytter, Esc fortryder ",
            "· choose new words for the comment: Enter attaches, Esc cancels "
        ));
    } else if !state.reader.unplaced.is_empty() {
        let n = state.reader.unplaced.len();
        title.push_str(&crate::tr!(
            "· {} uden placering i denne version (Enter i starten viser dem) ",
            "· {} not placed in this version (Enter at the start shows them) ",
            crate::tr!(
                "{}",
                "{}",
                match crate::i18n::lang() {
                    crate::i18n::Lang::Da => crate::i18n::count(n, "kommentar", "kommentarer"),
                    crate::i18n::Lang::En => crate::i18n::count(n, "comment", "comments"),
                }
            )
        ));
    }
    let mut block = pane::block(Line::raw(title), state.reader.text_focus, state);
    let rows = layout::reader_text_height(state.height);
    let total = state.reader.doc.lines.len();
    let suggestion = suggestion_at_cursor(state);
    if total > rows && suggestion.is_none() {
        let last = (state.reader.scroll + rows).min(total);
        block = block.title_bottom(
            Line::styled(
                crate::tr!(
                    " {}–{} af {} ",
                    " {}–{} of {} ",
                    state.reader.scroll + 1,
                    last,
                    total
                ),
                state.theme.dim(),
            )
            .right_aligned(),
        );
    }
    if let Some(line) = suggestion {
        block = block.title_bottom(line);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let (sel_from, sel_to) = match state.reader.selection {
        Some(s) => (s.min(state.reader.cursor), s.max(state.reader.cursor)),
        None => (state.reader.cursor, state.reader.cursor),
    };
    let height = usize::from(inner.height);
    let mut lines = Vec::with_capacity(height);
    let mut last_block = usize::MAX;
    for line in state
        .reader
        .doc
        .lines
        .iter()
        .skip(state.reader.scroll)
        .take(height)
    {
        let first_of_block = line.block != last_block && !line.words.is_empty();
        if !line.words.is_empty() {
            last_block = line.block;
        }
        // ● on the quoted words, ◐ on edited words (approximate), § at the
        // heading of a section whose quoted words are gone.
        let gutter = match state.reader.markers.get(&line.block) {
            Some(list) if first_of_block => {
                let suggestion = list.iter().any(|&i| {
                    let c = &state.ws.comments[i];
                    c.is_open() && c.suggestion.is_some()
                });
                let symbol = if state.reader.anchors.any_fuzzy(list) {
                    '◐'
                } else if state.reader.anchors.all_sections(list) {
                    '§'
                } else if suggestion {
                    '✎'
                } else {
                    '●'
                };
                // The number counts open comments, as the chapter list does;
                // a paragraph whose comments are all answered shows ✓, all
                // withdrawn –.
                let open = list
                    .iter()
                    .filter(|&&i| state.ws.comments[i].is_open())
                    .count();
                let answered = list
                    .iter()
                    .any(|&i| state.ws.comments[i].status == crate::model::CommentStatus::Resolved);
                let (count, style) = if open > 0 {
                    (open.to_string(), state.theme.marker())
                } else if answered {
                    ("✓".to_string(), state.theme.ok())
                } else {
                    ("–".to_string(), state.theme.dim())
                };
                Span::styled(format!("{symbol}{count:<2} "), style)
            }
            _ => Span::raw("    "),
        };
        let marks = state.reader.anchors.marks.get(&line.block);
        let mut spans = vec![gutter, Span::raw(line.prefix)];
        for (i, w) in line.words.iter().enumerate() {
            let mut style = match w.look {
                Look::Plain => Style::new(),
                Look::Emphasis => Style::new().add_modifier(ratatui::style::Modifier::ITALIC),
                Look::Strong => state.theme.title(),
                Look::Code => state.theme.quote(),
            };
            if let Some(marks) = marks {
                let end = w.start + w.text.len();
                if let Some(&(_, _, fuzzy)) = marks.iter().find(|m| m.0 < end && w.start < m.1) {
                    style = style.patch(state.theme.anchored(fuzzy));
                }
            }
            if let Some(ranges) = state.reader.anchors.suggested.get(&line.block) {
                let end = w.start + w.text.len();
                if ranges.iter().any(|r| r.0 < end && w.start < r.1) {
                    style = style.patch(state.theme.deleted());
                }
            }
            let in_sel = w.sentence >= sel_from && w.sentence <= sel_to;
            if state.reader.text_focus && in_sel {
                style = if state.reader.selection.is_some() {
                    style.patch(state.theme.selected())
                } else {
                    style.patch(state.theme.cursor())
                };
            }
            if i > 0 {
                let joined = state.reader.text_focus
                    && in_sel
                    && line.words[i - 1].sentence >= sel_from
                    && line.words[i - 1].sentence <= sel_to;
                spans.push(Span::styled(" ", if joined { style } else { Style::new() }));
            }
            spans.push(Span::styled(safe(&w.text), style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The open suggestion in the cursor's paragraph, as one line for the
/// pane's lower border: who proposed it and the change, deleted words
/// struck and new ones underlined (`[-…-]{+…+}` without colour).
fn suggestion_at_cursor(state: &State) -> Option<Line<'static>> {
    if !state.reader.text_focus {
        return None;
    }
    let b = state.reader.doc.sentences.get(state.reader.cursor)?.0;
    let c = state.reader.markers.get(&b)?.iter().find_map(|&i| {
        let c = &state.ws.comments[i];
        (c.is_open() && c.suggestion.is_some()).then_some(c)
    })?;
    let (s, a) = (c.suggestion.as_ref()?, c.target.anchor.as_ref()?);
    let mut spans = vec![Span::styled(
        format!(" ✎ {}: ", safe(&c.author.name)),
        state.theme.title(),
    )];
    spans.extend(crate::tui::popups::suggestion::change_spans(
        state,
        &a.quote,
        &s.text,
        Some(3),
    ));
    spans.push(Span::raw(" "));
    Some(Line::from(spans))
}
