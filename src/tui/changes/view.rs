//! Tab 6, Ændringer: what changed between two versions. A line naming the
//! versions, the list (recommendations, comments, then every chapter with
//! its counts) and the selected entry's changes, inline or side by side.
//! The picker popup for the versions is drawn here too.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::diff::{ChapterDiff, ChapterStatus, RecChange};
use crate::tui::changes::doc::{COLUMN_GAP, Look, Piece, column_width};
use crate::tui::changes::state::{Endpoint, FIRST_CHAPTER, PickSide, Picker};
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::views::{list_offset, safe};

/// Width of the list for a terminal `width` wide.
pub fn list_width(width: u16) -> u16 {
    crate::tui::layout::diff_list_width(width)
}

/// Columns of text in the text pane (after borders and the 2-column gutter).
pub fn text_width(width: u16) -> u16 {
    crate::tui::layout::diff_text_width(width)
}

/// Rows of text visible, for a terminal `height` high.
pub fn text_height(height: u16) -> usize {
    crate::tui::layout::diff_text_height(height)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    render_header(frame, header, state);
    let [list, text] = Layout::horizontal([
        Constraint::Length(list_width(area.width)),
        Constraint::Min(20),
    ])
    .areas(body);
    render_list(frame, list, state);
    render_text(frame, text, state);
}

fn render_header(frame: &mut Frame, area: Rect, state: &State) {
    let d = &state.diff;
    let data = d.data.as_ref();
    // A meeting by its date; other versions by their commit's date.
    let side = |chosen: Option<&Endpoint>, from: bool| {
        let Some(e) = chosen else {
            return "–".to_string();
        };
        let date = match e {
            Endpoint::Meeting(n) => state
                .tags
                .iter()
                .find(|t| t.number == *n)
                .and_then(|t| t.date)
                .map(|d| d.format("%d.%m.%Y").to_string()),
            _ => data
                .filter(|x| if from { &x.from } else { &x.to } == e)
                .and_then(|x| if from { &x.diff.from } else { &x.diff.to }.time)
                .map(|t| t.format("%d.%m.%Y").to_string()),
        };
        match date {
            Some(d) => format!("{}, {d}", e.label()),
            None => e.label(),
        }
    };
    let mut spans = vec![
        Span::raw(crate::tr!(" Fra ", " From ")),
        Span::styled(side(d.from.as_ref(), true), state.theme.title()),
        Span::raw(crate::tr!(" → til ", " → to ")),
        Span::styled(side(d.to.as_ref(), false), state.theme.title()),
    ];
    if d.pending.is_some() {
        spans.push(Span::styled(
            crate::tr!("  ⏳ beregner …", "  ⏳ computing …"),
            state.theme.marker(),
        ));
    } else if d.side_by_side {
        spans.push(Span::styled(
            crate::tr!("  · side om side", "  · side by side"),
            state.theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The counts shown beside a chapter in the list, with their style.
fn counts(c: &ChapterDiff, theme: &Theme) -> (String, Style) {
    let s = &c.summary;
    match c.status {
        ChapterStatus::Added => (crate::tr!("ny", "new"), theme.ok()),
        ChapterStatus::Removed => (crate::tr!("fjernet", "removed"), theme.error()),
        ChapterStatus::Unreadable => (crate::tr!("ulæselig", "unreadable"), theme.error()),
        ChapterStatus::Changed => {
            let mut t = format!("+{} −{}", s.words_added, s.words_removed);
            if s.blocks_moved > 0 {
                t.push_str(&format!(" ↕{}", s.blocks_moved));
            }
            (t, theme.marker())
        }
        ChapterStatus::Unchanged if c.renamed || c.renumbered => {
            (crate::tr!("omdøbt", "renamed"), theme.marker())
        }
        ChapterStatus::Unchanged => ("·".into(), theme.dim()),
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &State) {
    let d = &state.diff;
    let height = usize::from(area.height.saturating_sub(2));
    let inner = usize::from(area.width.saturating_sub(2));
    let mut title = crate::tr!(" Ændringer ", " Changes ");
    let mut rows: Vec<(String, String, Style)> = Vec::new();
    if let Some(data) = &d.data {
        let s = &data.diff.summary;
        title = format!(" +{} −{} ", s.words_added, s.words_removed);
        let recs = data
            .diff
            .recommendations
            .iter()
            .filter(|r| r.change != RecChange::Unchanged)
            .count();
        rows.push((
            crate::tr!("Anbefalinger", "Recommendations"),
            if recs > 0 {
                recs.to_string()
            } else {
                "·".into()
            },
            state.theme.marker(),
        ));
        rows.push((
            crate::tr!("Kommentarer", "Comments"),
            format!("+{} ✓{}", s.comments.written, s.comments.resolved),
            state.theme.marker(),
        ));
        for c in &data.diff.chapters {
            let side = c.side();
            let (n, style) = counts(c, &state.theme);
            rows.push((
                format!("{:>2} {}", side.number, safe(&side.title)),
                n,
                style,
            ));
        }
    }
    let offset = list_offset(d.entry, height);
    let items: Vec<ListItem> = rows
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, (name, count, count_style))| {
            let selected = i == d.entry;
            let style = if selected && !d.text_focus {
                state.theme.selected()
            } else if selected {
                state.theme.title()
            } else {
                Style::new()
            };
            let count_w = count.width();
            let name_w = inner.saturating_sub(count_w + 2);
            let name = crate::text::truncate(&name, name_w.saturating_sub(1)).into_owned();
            let pad = name_w.saturating_sub(name.width() + 1);
            let separator = if i + 1 == FIRST_CHAPTER {
                Modifier::UNDERLINED
            } else {
                Modifier::empty()
            };
            ListItem::new(Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, style),
                Span::styled(
                    format!("{name}{}", " ".repeat(pad)),
                    style.add_modifier(separator),
                ),
                Span::raw(" "),
                Span::styled(count, count_style),
            ]))
        })
        .collect();
    frame.render_widget(
        List::new(items).block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(focus_border(!d.text_focus))
                .title(title),
        ),
        area,
    );
}

fn look_style(look: Look, theme: &Theme) -> Style {
    match look {
        Look::Plain => Style::new(),
        Look::Strong => theme.title(),
        Look::Dim => theme.dim(),
        Look::Insert => theme.inserted(),
        Look::Delete => theme.deleted(),
        Look::Sign => Style::new().add_modifier(Modifier::BOLD),
        Look::Comment => theme.marker(),
        Look::Label => theme.quote(),
    }
}

fn spans(pieces: &[Piece], theme: &Theme) -> Vec<Span<'static>> {
    pieces
        .iter()
        .map(|p| Span::styled(p.text.clone(), look_style(p.look, theme)))
        .collect()
}

fn pane_title(state: &State) -> String {
    let d = &state.diff;
    let Some(data) = &d.data else {
        return crate::tr!(" Ændringer ", " Changes ");
    };
    let name = match d.chapter() {
        None if d.entry == 0 => crate::tr!("Anbefalinger", "Recommendations"),
        None => crate::tr!("Kommentarer", "Comments"),
        Some(c) => data.diff.chapters.get(c).map_or_else(String::new, |c| {
            let s = c.side();
            format!("{} {}", s.number, safe(&s.title))
        }),
    };
    let stops = &d.doc.stops;
    if stops.is_empty() {
        return format!(" {name} ");
    }
    let at = stops.iter().filter(|&&r| r <= d.cursor).count();
    if d.entry == 1 {
        format!(" {name} · {at}/{} ", stops.len())
    } else if at == 0 {
        crate::tr!(
            " {name} · {} ændringer ",
            " {name} · {} changes ",
            stops.len()
        )
    } else {
        crate::tr!(
            " {name} · ændring {at} af {} ",
            " {name} · change {at} of {} ",
            stops.len()
        )
    }
}

/// The focused pane has a thick border, as in the other views (and
/// without colour).
fn focus_border(focused: bool) -> ratatui::widgets::BorderType {
    if focused {
        ratatui::widgets::BorderType::Thick
    } else {
        ratatui::widgets::BorderType::Plain
    }
}

fn render_text(frame: &mut Frame, area: Rect, state: &State) {
    let d = &state.diff;
    let border = if d.text_focus {
        state.theme.title()
    } else {
        state.theme.dim()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(focus_border(d.text_focus))
        .border_style(border)
        .title(pane_title(state));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if d.data.is_none() || d.error.is_some() {
        let text = match (&d.error, &d.from, &d.to) {
            (Some(e), _, _) => vec![
                Line::styled(safe(e), state.theme.error()),
                Line::raw(""),
                Line::raw(crate::tr!(
                    "Tryk f eller t for at vælge, hvad der skal sammenlignes.",
                    "Press f or t to choose what to compare."
                )),
            ],
            (None, Some(f), Some(t)) => vec![Line::raw(crate::tr!(
                "Sammenligner {} med {} …",
                "Comparing {} with {} …",
                f.label(),
                t.label()
            ))],
            _ => vec![Line::raw("")],
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    }
    let height = usize::from(inner.height);
    let half = column_width(inner.width.saturating_sub(2));
    let mut lines = Vec::with_capacity(height);
    for (r, row) in d.doc.rows.iter().enumerate().skip(d.scroll).take(height) {
        let cursor = r == d.cursor;
        let mut line = vec![
            if cursor {
                Span::styled(
                    "▶",
                    if d.text_focus {
                        state.theme.marker()
                    } else {
                        state.theme.dim()
                    },
                )
            } else {
                Span::raw(" ")
            },
            Span::styled(
                row.sign.to_string(),
                match row.sign {
                    '+' => state.theme.ok(),
                    '-' => state.theme.error(),
                    ' ' => Style::new(),
                    _ => state.theme.marker(),
                },
            ),
        ];
        line.extend(spans(&row.left, &state.theme));
        if let Some(right) = &row.right {
            let used: usize = row.left.iter().map(|p| p.text.width()).sum();
            line.push(Span::raw(" ".repeat(half.saturating_sub(used))));
            line.push(Span::styled(COLUMN_GAP, state.theme.dim()));
            line.extend(spans(right, &state.theme));
        }
        lines.push(Line::from(line));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The picker: FROM and TO at the top, the versions below.
pub fn picker(frame: &mut Frame, r: Rect, state: &State, p: &Picker) {
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.title())
        .title(crate::tr!(" Sammenlign ", " Compare "));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let chosen = |side: PickSide| {
        if p.side == side {
            state.theme.selected().add_modifier(Modifier::BOLD)
        } else {
            state.theme.title()
        }
    };
    let mut lines = vec![
        Line::from(vec![
            Span::raw(crate::tr!("Fra: ", "From: ")),
            Span::styled(format!(" {} ", p.from.label()), chosen(PickSide::From)),
            Span::raw(crate::tr!("  →  til: ", "  →  to: ")),
            Span::styled(format!(" {} ", p.to.label()), chosen(PickSide::To)),
        ]),
        Line::styled(
            match p.side {
                PickSide::From => crate::tr!(
                    "Vælg den version, der sammenlignes fra:",
                    "Choose the version to compare from:"
                ),
                PickSide::To => crate::tr!(
                    "Vælg den version, der sammenlignes med:",
                    "Choose the version to compare with:"
                ),
            },
            state.theme.dim(),
        ),
    ];
    let help = Line::styled(
        crate::tr!(
            "↑/↓ vælg · ←/→ fra eller til · Enter: sammenlign · Esc: fortryd",
            "↑/↓ choose · ←/→ from or to · Enter: compare · Esc: cancel"
        ),
        state.theme.dim(),
    );
    let height = usize::from(inner.height).saturating_sub(lines.len() + 1);
    let width = usize::from(inner.width);
    let offset = list_offset(p.cursor, height);
    for (i, c) in p.choices.iter().enumerate().skip(offset).take(height) {
        let selected = i == p.cursor;
        let style = if selected {
            state.theme.selected()
        } else {
            Style::new()
        };
        let label = format!("{}{:<16}", if selected { "▶ " } else { "  " }, c.label);
        let rest = width.saturating_sub(label.width() + 1);
        lines.push(Line::from(vec![
            Span::styled(label, style),
            Span::raw(" "),
            Span::styled(
                crate::text::truncate(&safe(&c.detail), rest).into_owned(),
                if selected { style } else { state.theme.dim() },
            ),
        ]));
    }
    let [list, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(Paragraph::new(help), footer);
}
