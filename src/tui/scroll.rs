//! Text panes that scroll: the lines are wrapped here, once, to the pane's
//! width, so the keys know exactly how many rows there are and the view
//! draws exactly those rows. The same keys scroll every pane and popup:
//! ↑/↓ j/k, PgUp/PgDn, Home/End, g/G and the mouse wheel.

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::action::Action;

/// The lines word-wrapped to `width` columns, keeping styles. A word longer
/// than the width is cut where it must be; blank lines stay. The rows a
/// line continues on are indented as the line is (up to half the width), so
/// an indented quote or answer stays one block.
pub fn wrap(lines: &[Line<'static>], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let lead = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars())
            .take_while(|c| *c == ' ')
            .count();
        let indent = if lead * 2 <= width { lead } else { 0 };
        let mut row: Vec<Span<'static>> = Vec::new();
        let mut used = 0usize;
        let flush = |row: &mut Vec<Span<'static>>, out: &mut Vec<Line<'static>>| {
            out.push(Line::from(std::mem::take(row)).style(line.style));
            if indent > 0 {
                row.push(Span::raw(" ".repeat(indent)));
            }
            indent
        };
        for span in &line.spans {
            for piece in pieces(&span.content) {
                let word = piece.trim_end_matches(' ');
                let word_w = word.width();
                if used > indent && used + word_w > width {
                    used = flush(&mut row, &mut out);
                }
                if used + word_w > width {
                    // Cut a word that fits on no line.
                    let mut part = String::new();
                    for ch in piece.chars() {
                        let w = ch.width().unwrap_or(0);
                        if used + w > width && used > indent {
                            row.push(Span::styled(std::mem::take(&mut part), span.style));
                            used = flush(&mut row, &mut out);
                        }
                        part.push(ch);
                        used += w;
                    }
                    row.push(Span::styled(part, span.style));
                } else {
                    used += piece.width();
                    row.push(Span::styled(piece.to_string(), span.style));
                }
            }
        }
        flush(&mut row, &mut out);
    }
    out
}

/// A text split into words, each with the spaces after it (leading spaces
/// form a piece of their own, so indentation stays).
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let after = rest[word_end..]
            .find(|c| c != ' ')
            .map_or(rest.len(), |n| word_end + n);
        let end = if word_end == 0 { after } else { after.max(1) };
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// The largest offset that still fills a window of `height` rows.
pub fn max_offset(total: usize, height: usize) -> usize {
    total.saturating_sub(height)
}

/// Scrolls `offset` over `total` rows in a window of `height` rows by a
/// movement action; false (nothing done) for any other action.
pub fn apply(offset: &mut usize, action: &Action, total: usize, height: usize) -> bool {
    let max = max_offset(total, height);
    let page = super::layout::page(height);
    *offset = match action {
        Action::Up => offset.saturating_sub(1),
        Action::Down => (*offset + 1).min(max),
        Action::PageUp => offset.saturating_sub(page),
        Action::PageDown => (*offset + page).min(max),
        Action::Top => 0,
        Action::Bottom => max,
        _ => return false,
    };
    // A window that grew (or text that shrank) never leaves empty rows below.
    *offset = (*offset).min(max);
    true
}

/// Whether an action moves a selection or a scroll position.
pub fn is_movement(action: &Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_wrap_within_the_width_and_keep_indentation() {
        let wrapped = wrap(&[Line::raw("  et to tre fire fem seks")], 10);
        // The continued rows keep the line's indentation.
        assert_eq!(text(&wrapped), ["  et to ", "  tre fire ", "  fem seks"]);
        for l in &wrapped {
            assert!(l.to_string().trim_end().width() <= 10);
        }
    }

    #[test]
    fn a_long_word_is_cut_and_blank_lines_stay() {
        let wrapped = wrap(
            &[Line::raw("abcdefghijkl"), Line::raw(""), Line::raw("æøå")],
            5,
        );
        assert_eq!(text(&wrapped), ["abcde", "fghij", "kl", "", "æøå"]);
    }

    #[test]
    fn styles_survive_wrapping() {
        let style = ratatui::style::Style::new().fg(ratatui::style::Color::Red);
        let line = Line::from(vec![Span::raw("a b "), Span::styled("rød tekst", style)]);
        let wrapped = wrap(&[line], 6);
        assert_eq!(text(&wrapped), ["a b ", "rød ", "tekst"]);
        assert_eq!(wrapped[2].spans[0].style, style);
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut o = 0;
        assert!(apply(&mut o, &Action::Bottom, 60, 20));
        assert_eq!(o, 40);
        apply(&mut o, &Action::Down, 60, 20);
        assert_eq!(o, 40);
        apply(&mut o, &Action::Up, 60, 20);
        assert_eq!(o, 39);
        apply(&mut o, &Action::PageUp, 60, 20);
        assert_eq!(o, 20);
        apply(&mut o, &Action::Top, 60, 20);
        assert_eq!(o, 0);
        apply(&mut o, &Action::PageDown, 10, 20);
        assert_eq!(o, 0, "nothing to scroll when it all fits");
        assert!(!apply(&mut o, &Action::Open, 60, 20));
    }
}
