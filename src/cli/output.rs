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
    // Buffered: stdout alone writes (a system call) at every line end.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write_json(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes pretty JSON in which every control character (DEL and C1 too,
/// which plain JSON leaves raw), bidi override and invisible formatting
/// character is escaped, so the JSON itself is safe to show in a terminal.
fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> anyhow::Result<()> {
    let mut escaping = Escaping {
        out,
        buf: Vec::with_capacity(Escaping::<W>::CHUNK + 4096),
    };
    serde_json::to_writer_pretty(&mut escaping, value)?;
    escaping.pass_on(true)?;
    Ok(())
}

/// Takes serde_json's output and passes it on with the characters a
/// terminal would interpret escaped as `\uXXXX`.
///
/// serde_json writes raw non-ASCII characters only inside strings, and raw
/// control characters only as the line ends of pretty printing (it escapes
/// them inside strings), so escaping what remains in its output gives the
/// same text to a JSON reader. Doing it afterwards, a chunk at a time, is
/// faster than in a custom formatter (about 20 ms instead of 30 for the
/// 10 MB diff of the benchmark).
struct Escaping<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
}

impl<W: Write> Escaping<'_, W> {
    const CHUNK: usize = 1 << 16;

    /// Escapes and writes what is buffered: all of it at the end, otherwise
    /// up to the last character that may still be incomplete.
    fn pass_on(&mut self, end: bool) -> std::io::Result<()> {
        let cut = if end {
            self.buf.len()
        } else {
            // Back to the start of the last character, which stays behind.
            let mut cut = self.buf.len();
            while cut > 0 {
                cut -= 1;
                if self.buf[cut] & 0xc0 != 0x80 {
                    break;
                }
            }
            cut
        };
        let mut rest = &self.buf[..cut];
        while let Some((at, c)) = crate::text::first_unsafe_in_utf8(rest, true) {
            self.out.write_all(&rest[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(self.out, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        self.out.write_all(rest)?;
        self.buf.drain(..cut);
        Ok(())
    }
}

impl<W: Write> Write for Escaping<'_, W> {
    #[inline]
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::CHUNK {
            self.pass_on(false)?;
        }
        Ok(data.len())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.write(data).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Only whole output is passed on: see `write_json`.
        Ok(())
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
        assert!(bytes.len() > 3 * Escaping::<Vec<u8>>::CHUNK);
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
