//! Printing: JSON exactly as stored, text made safe for the terminal.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::text::for_terminal;

/// Prints a value as pretty JSON. User text is kept exact: characters a
/// terminal would interpret are written as `\uXXXX` escapes, which any JSON
/// reader turns back into the same text (see [`write_json`]).
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // `super::json` buffers by itself and hands stdout large pieces.
    let mut out = std::io::stdout().lock();
    super::json::write_pretty(&mut out, value, b"\n")?;
    out.flush()?;
    Ok(())
}

/// Writes pretty JSON in which every control character (DEL and C1 too,
/// which plain JSON leaves raw), bidi override and invisible formatting
/// character is escaped, so the JSON itself is safe to show in a terminal.
/// Otherwise the bytes are serde_json's pretty printing. `super::json`
/// writes them in one pass (the 9.4 MB diff of the prose benchmark in about
/// 4 ms, where serde_json and a second pass for the terminal's escapes took
/// 11).
#[cfg(test)]
fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> anyhow::Result<()> {
    super::json::write_pretty(out, value, b"")?;
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
    let used = s.width();
    if used <= width {
        let mut out = String::with_capacity(s.len() + width - used);
        out.push_str(&s);
        out.extend(std::iter::repeat_n(' ', width - used));
        return out;
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

    #[test]
    fn json_escapes_what_a_terminal_would_interpret_and_stays_exact() {
        let hostile =
            "a\u{1b}]52;c;eA==\u{7}b\u{7f}\u{9b}31m\u{202e}\u{2066}\u{200b}\0\u{E0041}æ🎉\n\"";
        let mut bytes = Vec::new();
        write_json(&mut bytes, &serde_json::json!({ "body": hostile })).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| crate::text::is_unsafe_for_terminal(c) && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("\\u202e") && text.contains("\\udb40\\udc41"),
            "{text}"
        );
        assert!(text.contains("æ🎉"), "ordinary text stays readable: {text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["body"], hostile);
        // Pretty, as before.
        assert!(text.starts_with("{\n  \"body\": "), "{text}");
    }

    #[test]
    fn json_is_escaped_the_same_across_chunk_boundaries() {
        // Many chunks' worth of text in which every kind of character meets
        // every chunk boundary sooner or later.
        let piece = "æ🎉\u{202e}ø\u{7f}å\u{9b}x\u{E0041}\u{200b}\u{1b}\"é\u{301}";
        let long: Vec<String> = (0..9000).map(|k| format!("{k}{piece}")).collect();
        let mut bytes = Vec::new();
        write_json(&mut bytes, &long).unwrap();
        assert!(bytes.len() > 3 * super::super::json::FLUSH_AT);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| crate::text::is_unsafe_for_terminal(c) && c != '\n')
        );
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, long);
    }
}
