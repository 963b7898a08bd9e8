//! Text helpers shared by every part: names, white space, Markdown to plain
//! text, and making other people's text safe to print in a terminal.

use std::borrow::Cow;

/// True for a slug or id: one or more of `a-z`, `0-9`, `-`, at most 100 long.
/// Such a name can never leave the workspace when used in a path.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug from a Danish title: `Tidlig opsporing af kræft` → `tidlig-opsporing-af-kraeft`.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' => out.push('e'),
            'ü' => out.push('u'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    let mut slug: String = out.trim_matches('-').chars().take(60).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Every run of white space (newlines too) as one space, trimmed.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    out
}

/// Whether byte `k` of `t` may need attention when collapsing white space:
/// a control byte (tabs and line breaks among them), a space followed by a
/// space, or the lead byte of a character that may be non-ASCII white space
/// (U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000 all start with C2, E1,
/// E2 or E3). `k + 1` must be inside `t`.
#[inline(always)]
fn needs_look(t: &[u8], k: usize) -> bool {
    let b = t[k];
    (b < 0x20)
        | ((b == b' ') & (t[k + 1] == b' '))
        | (b == 0xc2)
        | (b == 0xe1)
        | (b == 0xe2)
        | (b == 0xe3)
}

/// The first position at or after `i` that [`needs_look`], or `t.len()`.
/// `t` ends in a byte that is not ASCII white space.
fn next_look(t: &[u8], mut i: usize) -> usize {
    const LANES: usize = 16;
    // Whole blocks first, tested without branches so they vectorise.
    while i + LANES < t.len() {
        let mut any = false;
        for k in i..i + LANES {
            any |= needs_look(t, k);
        }
        if any {
            break;
        }
        i += LANES;
    }
    while i + 1 < t.len() {
        if needs_look(t, i) {
            return i;
        }
        i += 1;
    }
    // The last byte: only a lead byte can matter there.
    if i < t.len() && matches!(t[i], 0xc2 | 0xe1 | 0xe2 | 0xe3) {
        return i;
    }
    t.len()
}

/// Appends `s` with every run of white space as one space and none at the
/// ends (white space as [`char::is_whitespace`]). Text with single spaces
/// between words, the usual case, is copied in whole runs.
fn push_collapsed(out: &mut String, s: &str) {
    let t = s.trim();
    let bytes = t.as_bytes();
    let mut run = 0;
    let mut i = 0;
    loop {
        i = next_look(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let w = t[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8);
        if w == 0 {
            // A control character or a letter that is not white space.
            i += 1;
            continue;
        }
        // White space from here: back up over single spaces before it, and
        // skip all of it.
        let mut start = i;
        while start > run && bytes[start - 1] == b' ' {
            start -= 1;
        }
        let mut end = i;
        while let Some(c) = t[end..].chars().next().filter(|c| c.is_whitespace()) {
            end += c.len_utf8();
        }
        out.push_str(&t[run..start]);
        out.push(' ');
        run = end;
        i = end;
    }
    out.push_str(&t[run..]);
}

/// The text a reader sees in a Markdown chapter: markup removed, one block
/// (heading, paragraph, list item, quote) per line-pair, separated by blank lines.
pub fn markdown_to_text(markdown: &str) -> String {
    reader_text(markdown, "\n\n")
}

/// The reader's text with its blocks joined by `separator`.
fn reader_text(markdown: &str, separator: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    let mut block = String::new();
    let flush = |out: &mut String, block: &mut String| {
        let mark = out.len();
        if !out.is_empty() {
            out.push_str(separator);
        }
        let text_start = out.len();
        push_collapsed(out, block);
        if out.len() == text_start {
            out.truncate(mark);
        }
        block.clear();
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => block.push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) => block.push_str(&t),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => flush(&mut out, &mut block),
            Event::Start(pulldown_cmark::Tag::Item) => flush(&mut out, &mut block),
            _ => {}
        }
    }
    flush(&mut out, &mut block);
    out
}

/// The chapter text that quotes are matched against: [`markdown_to_text`]
/// with all white space collapsed to single spaces.
pub fn searchable_text(markdown: &str) -> String {
    // The same as collapsing `markdown_to_text`: its blocks are already
    // collapsed, so joining them with one space gives the result in one pass.
    reader_text(markdown, " ")
}

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (or `name` is a prefix of it).
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = if !name.is_empty() && c.starts_with(name) {
            0.95
        } else {
            strsim::jaro_winkler(name, c)
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.8).map(|(_, c)| c.to_string())
}

/// At most `max` characters of `s`, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        Cow::Owned(t)
    }
}

/// True for characters that change how a terminal shows the text around them
/// without being visible themselves: bidi overrides and isolates, zero-width
/// characters, and the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{061C}'
            | '\u{00AD}'
    )
}

/// Other people's text made safe for a terminal: control characters (escape
/// sequences, NUL, DEL, C1 controls), bidi overrides and zero-width characters
/// are shown visibly as `\u{1b}`-style escapes instead of being interpreted.
/// Newlines are kept when `keep_newlines` is true, tabs become spaces.
pub fn for_terminal(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = s
        .chars()
        .any(|c| (c.is_control() && !(keep_newlines && c == '\n')) || is_invisible_format(c));
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push_str("    "),
            c if c.is_control() || is_invisible_format(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_valid_name("tidlig-opsporing"));
        assert!(is_valid_name("01j2abc"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("../etc"));
        assert!(!is_valid_name("Kapitel"));
        assert!(!is_valid_name("a/b"));
        assert!(!is_valid_name("kræft"));
    }

    #[test]
    fn slugs_from_danish_titles() {
        assert_eq!(
            slugify("Tidlig opsporing af kræft"),
            "tidlig-opsporing-af-kraeft"
        );
        assert_eq!(slugify("  Senfølger – og så?  "), "senfoelger-og-saa");
        assert!(is_valid_name(&slugify("Rehabilitering & prehabilitering")));
    }

    #[test]
    fn markdown_becomes_reader_text() {
        let md = "# Titel\n\nEn *vigtig*\nsætning.\n\n- punkt ét\n- punkt **to**\n";
        assert_eq!(
            markdown_to_text(md),
            "Titel\n\nEn vigtig sætning.\n\npunkt ét\n\npunkt to"
        );
        assert_eq!(
            searchable_text(md),
            "Titel En vigtig sætning. punkt ét punkt to"
        );
    }

    #[test]
    fn white_space_collapses_like_split_whitespace() {
        for s in [
            "",
            "   ",
            " a  b\tc\n\nd ",
            "æ\u{a0}ø\u{3000}å\u{2003}x",
            "zero\u{200b}width stays",
            "a\u{30a}  👍🏽\r\n\u{85}end",
            "\u{b}\u{c}x",
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_ws(s), want, "{s:?}");
        }
        let md = "# T\n\nEt  *afsnit*\nher.\n\n- ét\n-   to\n\n> citat\u{a0} her\n";
        assert_eq!(searchable_text(md), collapse_ws(&markdown_to_text(md)));
    }

    proptest::proptest! {
        #[test]
        fn collapsing_agrees_with_split_whitespace(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "æ", "ø", "å", "a\u{30a}", "👍🏽", " ", "  ", "\t", "\n", "\r",
                "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}", "\u{200a}",
                "\u{200b}", "\u{2028}", "\u{2029}", "\u{202f}", "\u{205f}", "\u{3000}",
                "\u{e000}", "Ω", "日本", "\u{1b}", "x", "« ", " »", "–",
            ]), 0..60)
        ) {
            let s: String = parts.concat();
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(collapse_ws(&s), want);
        }
    }

    #[test]
    fn nearest_suggests_typos_only() {
        let c = ["rehabilitering", "senfoelger", "palliation"];
        assert_eq!(
            nearest("rehabilitring", c).as_deref(),
            Some("rehabilitering")
        );
        assert_eq!(nearest("senf", c).as_deref(), Some("senfoelger"));
        assert_eq!(nearest("xyz", c), None);
    }

    #[test]
    fn hostile_text_is_shown_not_interpreted() {
        let s = "ok\u{1b}]52;c;aGFjaw==\u{7}\u{202E}txt\u{200B}\0";
        let safe = for_terminal(s, false);
        assert!(!safe.chars().any(|c| c.is_control()));
        assert!(safe.contains("\\u{1b}"));
        assert!(safe.contains("\\u{202e}"));
        assert!(safe.contains("\\u{200b}"));
        assert!(safe.contains("\\u{0}"));
        assert_eq!(for_terminal("æøå 🎉", false), "æøå 🎉");
        assert_eq!(for_terminal("a\nb", true), "a\nb");
        assert_eq!(for_terminal("a\nb", false), "a\\u{a}b");
    }
}
