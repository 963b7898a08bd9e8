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

/// Bytes that may start a white space character: ASCII white space and the
/// lead bytes of U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
/// U+202F, U+205F and U+3000.
const SPACE_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let leads = [
        b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c, 0xc2, 0xe1, 0xe2, 0xe3,
    ];
    let mut i = 0;
    while i < leads.len() {
        t[leads[i] as usize] = true;
        i += 1;
    }
    t
};

/// The length of the white space character at byte `i` of `s`, or 0.
#[inline]
fn space_at(s: &str, i: usize) -> usize {
    let b = s.as_bytes()[i];
    if !SPACE_LEAD[usize::from(b)] {
        0
    } else if b < 0x80 {
        1
    } else {
        match s[i..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        }
    }
}

/// Whether byte `b` may start a white space character other than the plain
/// space: [`SPACE_LEAD`] without `' '`, written as comparisons so that a
/// loop over many bytes is vectorised.
#[inline]
fn other_space_lead(b: u8) -> bool {
    (b.wrapping_sub(b'\t') < 5) | (b == 0xc2) | (b.wrapping_sub(0xe1) < 3)
}

/// The first byte of `bytes` at or after `from` for which
/// [`other_space_lead`] holds; 32 bytes are looked at in one step.
fn next_other_space_lead(bytes: &[u8], from: usize) -> Option<usize> {
    const STEP: usize = 32;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + STEP) {
        // No early exit inside the chunk: the whole test is a few vector
        // instructions.
        let mut hit = 0u8;
        for &b in chunk {
            hit |= u8::from(other_space_lead(b));
        }
        if hit != 0 {
            break;
        }
        i += STEP;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| other_space_lead(b))
        .map(|k| i + k)
}

/// `s` without the white space at its ends, when that is already
/// collapsed: no white space but single plain spaces between words (most
/// pieces of a chapter's text, which are one line of Markdown each).
fn collapsed_already(s: &str) -> Option<&str> {
    let t = s.trim();
    let bytes = t.as_bytes();
    let mut at = 0;
    // A lead byte of a character that is not white space (such as `–` or
    // `§`) is passed over.
    while let Some(k) = next_other_space_lead(bytes, at) {
        if space_at(t, k) != 0 {
            return None;
        }
        at = k + 1;
    }
    // Built once: building a searcher for every piece cost more than the
    // search.
    static TWO_SPACES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    TWO_SPACES.find(bytes).is_none().then_some(t)
}

/// Appends `s` to `out` with every run of white space as one space and none
/// at either end: `split_whitespace().join(" ")` without allocating, copying
/// whole stretches where the words are already separated by single spaces
/// (chapters are collapsed on every load and every comparison).
pub(crate) fn push_collapsed(out: &mut String, s: &str) {
    if let Some(t) = collapsed_already(s) {
        out.push_str(t);
        return;
    }
    let bytes = s.as_bytes();
    let len = bytes.len();
    let mut copy_from: Option<usize> = None;
    let mut need_space = false;
    let mut wrote = false;
    let mut i = 0;
    while i < len {
        // Skip ahead to the next byte that may start white space.
        let mut k = i;
        while k < len && !SPACE_LEAD[usize::from(bytes[k])] {
            k += 1;
        }
        if k > i && copy_from.is_none() {
            if need_space && wrote {
                out.push(' ');
            }
            need_space = false;
            copy_from = Some(i);
        }
        i = k;
        if i >= len {
            break;
        }
        let w = space_at(s, i);
        if w == 0 {
            // A lead byte of a character that is not white space.
            if copy_from.is_none() {
                if need_space && wrote {
                    out.push(' ');
                }
                need_space = false;
                copy_from = Some(i);
            }
            i += 1;
            continue;
        }
        let mut j = i + w;
        while j < len {
            match space_at(s, j) {
                0 => break,
                w => j += w,
            }
        }
        if copy_from.is_some() && j == i + 1 && bytes[i] == b' ' && j < len {
            i = j; // a single space between words: copied with them
            continue;
        }
        if let Some(from) = copy_from.take() {
            out.push_str(&s[from..i]);
            wrote = true;
        }
        need_space = true;
        i = j;
    }
    if let Some(from) = copy_from {
        out.push_str(&s[from..]);
    }
}

/// The text a reader sees in a Markdown chapter: markup removed, one block
/// of the diff engine (heading, paragraph, list item, quote, code block) per
/// line, separated by blank lines.
pub fn markdown_to_text(markdown: &str) -> String {
    let plain = crate::diff::plain_blocks(markdown);
    let mut out = String::with_capacity(plain.text.len() + 2 * plain.blocks.len());
    let mut end = 0;
    for b in &plain.blocks {
        // Blocks whose words run on without a space (a code span across a
        // cut) stay joined.
        if b.text.start > end {
            out.push_str("\n\n");
        }
        out.push_str(&plain.text[b.text.clone()]);
        end = b.text.end;
    }
    out
}

/// One block of a chapter's text (see [`text_blocks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextBlock {
    /// The block's words, markup removed, white space collapsed; never empty.
    pub text: String,
    /// The heading level (1 for the chapter title `# `), `None` for other blocks.
    pub heading: Option<u8>,
}

/// The blocks of [`markdown_to_text`] with what kind each is: joined by
/// blank lines they are `markdown_to_text`, joined by single spaces they are
/// [`searchable_text`] (except where an inline element runs across a line
/// the engine cuts at and CommonMark does not: there the words run on).
pub fn text_blocks(markdown: &str) -> Vec<TextBlock> {
    let (text, blocks) = searchable_blocks(markdown);
    blocks
        .into_iter()
        .map(|(range, heading)| TextBlock {
            text: text[range].to_string(),
            heading,
        })
        .collect()
}

/// Where a block is in [`searchable_text`] (bytes) and its heading level
/// (`None` for blocks that are not headings).
pub type BlockSpan = (std::ops::Range<usize>, Option<u8>);

/// [`searchable_text`] and where its blocks are in it: the blocks of the
/// diff engine ([`crate::diff::plain_blocks`]), the same blocks `oplaeg diff`
/// compares.
pub fn searchable_blocks(markdown: &str) -> (String, Vec<BlockSpan>) {
    let plain = crate::diff::plain_blocks(markdown);
    let spans = plain
        .blocks
        .iter()
        .map(|b| (b.text.clone(), b.heading))
        .collect();
    (plain.text, spans)
}

/// The chapter text that quotes are matched against: [`markdown_to_text`]
/// with all white space collapsed to single spaces.
pub fn searchable_text(markdown: &str) -> String {
    searchable_blocks(markdown).0
}

/// The runs of 32 bytes of `bytes` (the last one shorter) that hold a byte
/// `flagged` says yes to, as ranges of `bytes`, in order. Each run is
/// checked without branching, which the compiler turns into vector
/// instructions: for text in which such bytes are rare, so that only the
/// runs returned need a closer look.
#[inline]
pub(crate) fn runs_flagged(
    bytes: &[u8],
    flagged: impl Fn(u8) -> bool,
) -> impl Iterator<Item = std::ops::Range<usize>> {
    const RUN: usize = 32;
    bytes
        .chunks(RUN)
        .enumerate()
        .filter(move |(_, run)| run.iter().fold(false, |any, &x| any | flagged(x)))
        .map(|(k, run)| k * RUN..k * RUN + run.len())
}

/// How often `needle` occurs in `text`, overlapping occurrences included
/// (`ab ab` occurs twice in `ab ab ab`, so it does not name one place).
pub fn occurrences(text: &str, needle: &str) -> usize {
    let mut count = 0;
    let mut from = 0;
    while let Some(i) = text[from..].find(needle) {
        count += 1;
        let at = from + i;
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    count
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

/// At most `max` characters of `s`, with `…` when cut. Looks at no more
/// than `max + 1` characters, however long `s` is.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.char_indices().nth(max).is_none() {
        Cow::Borrowed(s)
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        Cow::Owned(t)
    }
}

/// True for characters that change how a terminal shows the text around them
/// without being visible themselves: bidi overrides and isolates, zero-width
/// characters, line and paragraph separators, invisible tag characters, and
/// the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{061C}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// True for a character that must not reach a terminal as it is: a control
/// character (escape sequences, NUL, DEL, C1) or an invisible formatting
/// character (see [`for_terminal`]).
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// True for a byte that may start a character [`is_unsafe_for_terminal`]
/// is true for: C0 controls (except `newline`, given as 0xFF when newlines
/// count) and DEL, and the UTF-8 lead bytes of C1 controls and U+00AD
/// (0xC2), U+061C (0xD8), U+180E (0xE1), U+200B–U+2069 (0xE2), U+FEFF and
/// U+FFF9–U+FFFB (0xEF) and the tag characters U+E0000–U+E007F (0xF3).
/// Continuation bytes are never flagged, so a flagged byte starts a
/// character. Written without a table lookup so that a loop over it runs
/// on vector registers.
#[inline(always)]
pub(crate) const fn may_start_unsafe(b: u8, newline: u8) -> bool {
    ((b < 0x20) & (b != newline))
        | (b == 0x7f)
        | (b == 0xc2)
        | (b == 0xd8)
        | (b == 0xe1)
        | (b == 0xe2)
        | (b == 0xef)
        | (b == 0xf3)
}

/// The first character of `s` that [`is_unsafe_for_terminal`] is true for,
/// with its byte offset; `skip_newlines` passes over `\n`. Reads ordinary
/// text (ASCII and most letters, æ, ø, å included) without decoding it:
/// output of many megabytes is checked on every print.
pub fn first_unsafe_for_terminal(s: &str, skip_newlines: bool) -> Option<(usize, char)> {
    first_unsafe_in_utf8(s.as_bytes(), skip_newlines)
}

/// [`first_unsafe_for_terminal`] on bytes that are UTF-8 (bytes that are
/// not are passed over).
pub fn first_unsafe_in_utf8(bytes: &[u8], skip_newlines: bool) -> Option<(usize, char)> {
    const CHUNK: usize = 32;
    let newline = if skip_newlines { b'\n' } else { 0xff };
    let mut i = 0;
    while i < bytes.len() {
        // A whole chunk without a flagged byte is passed over at once.
        if let Some(chunk) = bytes.get(i..i + CHUNK)
            && !chunk
                .iter()
                .fold(false, |any, &b| any | may_start_unsafe(b, newline))
        {
            i += CHUNK;
            continue;
        }
        // Otherwise the chunk a byte at a time.
        let end = (i + CHUNK).min(bytes.len());
        while i < end {
            let b = bytes[i];
            if !may_start_unsafe(b, newline) {
                i += 1;
                continue;
            }
            let width = match b {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            match bytes
                .get(i..i + width)
                .and_then(|c| std::str::from_utf8(c).ok())
                .and_then(|c| c.chars().next())
            {
                Some(c) if is_unsafe_for_terminal(c) => return Some((i, c)),
                Some(_) => i += width,
                // Not UTF-8 (never in a &str): passed over.
                None => i += 1,
            }
        }
    }
    None
}

/// Other people's text made safe for a terminal: control characters (escape
/// sequences, NUL, DEL, C1 controls), bidi overrides and zero-width characters
/// are shown visibly as `\u{1b}`-style escapes instead of being interpreted.
/// Newlines are kept when `keep_newlines` is true, tabs become spaces.
pub fn for_terminal(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if first_unsafe_for_terminal(s, keep_newlines).is_none() {
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

/// Whether `query` names `name` by whole words: its words, in order, are
/// consecutive words of `name`, letter case ignored. "Region" finds "Region
/// Midtjylland", but "KL" does not find "Dansk Selskab for Klinisk Onkologi"
/// and "Region" does not find "Danske Regioner".
pub fn names_by_words(name: &str, query: &str) -> bool {
    fn words(s: &str) -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
    let (name, query) = (words(name), words(query));
    !query.is_empty() && name.windows(query.len()).any(|w| w == query.as_slice())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_by_words_matches_whole_words_only() {
        assert!(names_by_words("Region Midtjylland", "region"));
        assert!(names_by_words("Region Midtjylland", "REGION midtjylland"));
        assert!(names_by_words("KL", "kl"));
        assert!(names_by_words(
            "Dansk Selskab for Klinisk Onkologi",
            "klinisk onkologi"
        ));
        assert!(!names_by_words("Dansk Selskab for Klinisk Onkologi", "KL"));
        assert!(!names_by_words("Danske Regioner", "Region"));
        assert!(!names_by_words("Region Midtjylland", "Midtjylland Region"));
        assert!(!names_by_words("Region Midtjylland", " "));
        assert!(names_by_words("Kræftens Bekæmpelse", "kræftens"));
    }

    use super::*;

    #[test]
    fn the_fast_finder_agrees_with_the_character_rule() {
        // Every character up to U+E0100 (and a few beyond), alone and among
        // ordinary Danish text: the byte table must never miss one.
        let chars = (0u32..0xE0100)
            .chain([0xF0000, 0x10FFFF])
            .filter_map(char::from_u32);
        for c in chars {
            for keep in [false, true] {
                let expected = is_unsafe_for_terminal(c) && !(keep && c == '\n');
                let s = format!("Blåbær{c}øl");
                let found = first_unsafe_for_terminal(&s, keep);
                if expected {
                    assert_eq!(found, Some(("Blåbær".len(), c)), "{:x}", c as u32);
                } else {
                    assert_eq!(found, None, "{:x}", c as u32);
                }
            }
        }
        assert_eq!(
            first_unsafe_for_terminal("a\nb\u{1b}", true),
            Some((3, '\u{1b}'))
        );
        assert_eq!(first_unsafe_for_terminal("a\nb", false), Some((1, '\n')));
    }

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
    fn blocks_make_both_texts() {
        let md = "# Titel\n\nEn *vigtig*\nsætning.\n\n## Under\n\n- punkt ét\n- punkt **to**\n\n```\nkode  her\n```\n";
        let blocks = text_blocks(md);
        assert_eq!(blocks[0].heading, Some(1));
        assert_eq!(blocks[2].text, "Under");
        assert_eq!(blocks[2].heading, Some(2));
        assert_eq!(blocks[3].heading, None);
        let joined: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(joined.join(" "), searchable_text(md));
        assert_eq!(
            searchable_text(md),
            collapse_ws(&markdown_to_text(md)),
            "the text quotes are matched in is the reader's text, collapsed"
        );
    }

    #[test]
    fn the_quick_scan_knows_the_same_lead_bytes() {
        for b in 0..=255u8 {
            assert_eq!(
                other_space_lead(b),
                SPACE_LEAD[usize::from(b)] && b != b' ',
                "{b:#x}"
            );
        }
        // Found in every position of a step and past it.
        for at in 0..70 {
            let mut bytes = vec![b'a'; 70];
            bytes[at] = b'\n';
            assert_eq!(next_other_space_lead(&bytes, 0), Some(at));
            assert_eq!(next_other_space_lead(&bytes, at + 1), None);
        }
    }

    #[test]
    fn collapsing_white_space() {
        for s in [
            "",
            "  ",
            "a",
            " a  b\n\tc ",
            "æ\u{a0}ø\u{2003}å",
            "x\u{3000}",
            "\n\nord ",
            "\u{85}é\u{2028}\u{2029}\u{202f}\u{205f}\u{1680}\u{2e80}\u{e000}",
            "a\u{b}\u{c}b\u{1c}",
            "ab ",
            " ab",
            // Past the first 32 bytes, and lead bytes of other characters.
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u{a0}b",
            "ord – ord § ord ordordordordordordordordordord\tx",
            " ord – ord § ord ordordordordordordordordordord x  ",
            "ord – ord § ord ordordordordordordordordordord  x",
        ] {
            assert_eq!(
                collapse_ws(s),
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    /// The text as it was computed before blocks were kept: quotes written
    /// then must still be found.
    fn reference_text(markdown: &str) -> String {
        use pulldown_cmark::{Event, Parser, TagEnd};
        let mut out = String::new();
        let mut block = String::new();
        let flush = |out: &mut String, block: &mut String| {
            let b = block.split_whitespace().collect::<Vec<_>>().join(" ");
            if !b.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&b);
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

    proptest::proptest! {
        #[test]
        fn texts_are_what_they_were(md in "([a-zæø ]|\n|#|\\*|-|`|>|<b>|\\||1\\.|12\\.|\u{a0}|  |\t|\\[|\\]\\(u\\)|\\\\|&amp;|===|~~~){0,120}") {
            // The blocks are the diff engine's now, cut where the source's
            // lines say; the words and their order are what they were.
            let reference = collapse_ws(&reference_text(&md));
            proptest::prop_assert_eq!(collapse_ws(&markdown_to_text(&md)), reference.clone());
            proptest::prop_assert_eq!(searchable_text(&md), reference);
        }

        /// Mostly words and single spaces, as in a chapter's lines, so
        /// that both the quick path for text that is collapsed already and
        /// the way out of it are taken.
        #[test]
        fn collapsing_words_matches_split_whitespace(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    10 => "[a-zæøå]{1,6}",
                    6 => proptest::strategy::Just(" ".to_string()),
                    1 => proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec!["–", "§", "é"]),
                        String::from
                    ),
                    1 => proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec![
                            "\u{a0}", "\u{2003}", "\u{3000}", "\u{1680}", "\u{85}", "\t",
                            "\n", "\u{b}", "  ",
                        ]),
                        String::from
                    ),
                ],
                0..80,
            ),
        ) {
            let s = pieces.concat();
            proptest::prop_assert_eq!(
                collapse_ws(&s),
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }

        #[test]
        fn collapsing_matches_split_whitespace(s in "(\\PC|\\s|\u{85}|\u{2028}){0,60}") {
            proptest::prop_assert_eq!(
                collapse_ws(&s),
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    #[test]
    fn runs_flagged_names_the_runs_of_32_bytes_that_hold_a_flagged_byte() {
        let mut bytes = vec![b'a'; 100];
        for at in [0, 31, 32, 99] {
            bytes[at] = b'*';
        }
        let runs: Vec<_> = runs_flagged(&bytes, |b| b == b'*').collect();
        assert_eq!(runs, [0..32, 32..64, 96..100]);
        assert_eq!(runs_flagged(b"", |_| true).count(), 0);
        assert_eq!(runs_flagged(&bytes, |b| b == b'#').count(), 0);
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
        for c in ['\u{2028}', '\u{2066}', '\u{E0041}', '\u{9b}', '\u{7f}'] {
            let shown = for_terminal(&c.to_string(), true).into_owned();
            assert!(!shown.chars().any(is_unsafe_for_terminal), "{shown}");
            assert_eq!(shown, format!("\\u{{{:x}}}", c as u32));
        }
    }
}
