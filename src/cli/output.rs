//! Printing: JSON exactly as stored, text made safe for the terminal.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::text::for_terminal;

/// Prints a value as pretty JSON (user text kept exact; JSON escapes controls).
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // Buffered: standard output is line-buffered, and a large listing has
    // many lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// One line of someone's text, safe to print.
pub fn safe(s: &str) -> Cow<'_, str> {
    for_terminal(s, false)
}

/// A block of someone's text (newlines kept), safe to print, indented.
pub fn block(s: &str, indent: &str) -> String {
    for_terminal(s, true)
        .lines()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `s` padded with spaces to `width` terminal columns (wide characters count
/// double), cut with `…` when longer.
pub fn pad(s: &str, width: usize) -> String {
    let s = for_terminal(s, false);
    if s.width() <= width {
        let fill = width - s.width();
        return format!("{s}{}", " ".repeat(fill));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    used += 1;
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_terminal_columns() {
        assert_eq!(pad("æøå", 5), "æøå  ");
        assert_eq!(pad("日本", 5), "日本 ");
        assert_eq!(pad("abcdefgh", 5), "abcd…");
        assert_eq!(pad("日本語です", 5), "日本…");
        assert_eq!(pad("a\u{1b}b", 10), "a\\u{1b}b  ");
    }
}
