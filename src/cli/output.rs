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
    // Buffered: standard output is line-buffered, and a large listing has
    // many lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write_json(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes pretty JSON in which every control character (DEL and C1 too,
/// which plain JSON leaves raw), bidi override and invisible formatting
/// character is escaped, so the JSON itself is safe to show in a terminal.
fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeFormatter::default());
    value.serialize(&mut ser)?;
    Ok(())
}

/// serde_json's pretty printer, escaping what a terminal would interpret.
#[derive(Default)]
struct SafeFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| crate::text::is_unsafe_for_terminal(c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
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
}
