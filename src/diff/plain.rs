//! The engine's blocks as a reader sees them: the blocks [`split_blocks`]
//! cuts, each with its words, markup removed and white space collapsed.
//!
//! This is the *searchable text* comments quote ([`crate::text::searchable_text`]):
//! the blocks' words joined by single spaces. The anchoring compares two
//! versions of a chapter block by block on these blocks, so `oplaeg diff`
//! and the anchoring see the same headings, paragraphs, list items and code
//! blocks.
//!
//! The words are taken from one CommonMark parse of the whole chapter (so
//! escapes, entities, code spans and links read the same as anywhere else)
//! and given to the block their source bytes start in. Between elements
//! that are separate to a reader (two paragraphs of a list item, a list
//! item and the one nested in it) a space is kept, so the text does not
//! depend on where the blocks are cut.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::blocks::{Block, BlockKind, split_blocks};

/// One block of [`split_blocks`] with words in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainBlock {
    /// Its position among the blocks of [`split_blocks`] (the positions
    /// [`super::BlockDiff`]'s `old` and `new` count).
    pub index: usize,
    pub kind: BlockKind,
    /// The block's bytes in the Markdown: exactly a [`super::Block`]'s text.
    pub source: Range<usize>,
    /// Where the block's words are in [`PlainText::text`]; never empty.
    pub text: Range<usize>,
    /// The heading level when all of the block's words are a heading's (an
    /// ATX heading `## …`, also a setext heading or one inside a quote, or
    /// the part of one in this block); `None` for other blocks.
    pub heading: Option<u8>,
}

/// A chapter's searchable text and its blocks, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlainText {
    /// The blocks' words joined by single spaces (none where an inline
    /// element such as a code span runs across a line the engine cuts at
    /// and CommonMark does not: there the words run on).
    pub text: String,
    /// The blocks that have words (blank lines, rules and blocks of markup
    /// alone are left out).
    pub blocks: Vec<PlainBlock>,
}

impl PlainText {
    /// The words of block `i`.
    pub fn block_text(&self, i: usize) -> &str {
        &self.text[self.blocks[i].text.clone()]
    }
}

/// True for a parser event between whose sides a reader sees separate
/// elements (the end of a paragraph, heading, list item, code block or
/// table cell, the start of a list item): their words are kept apart by a
/// space.
pub fn separates_words(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::End(
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
        ) | Event::Start(Tag::Item)
    )
}

/// The blocks of `markdown` as [`split_blocks`] cuts them, with their words.
pub fn plain_blocks(markdown: &str) -> PlainText {
    let cuts = split_blocks(markdown);
    if cuts.is_empty() {
        return PlainText::default();
    }
    // The words of the whole chapter before white space is collapsed, and
    // where each block's part of them starts (with its heading level).
    let mut words = String::with_capacity(markdown.len());
    let mut parts: Vec<(usize, Option<u8>)> = Vec::with_capacity(cuts.len());
    match quick_blocks(markdown, &cuts) {
        // Blocks of plain words are taken as they stand; the parser reads
        // the runs of other blocks, each run on its own.
        Some(quick) => {
            let mut start = 0;
            let mut i = 0;
            while i < cuts.len() {
                if let Some(plain) = quick[i] {
                    push_plain(&cuts[i], plain, &mut words, &mut parts);
                    start += cuts[i].text.len();
                    i += 1;
                    continue;
                }
                let (from, begin) = (i, start);
                while i < cuts.len() && quick[i].is_none() {
                    start += cuts[i].text.len();
                    i += 1;
                }
                parsed_words(
                    &markdown[begin..start],
                    &cuts[from..i],
                    &mut words,
                    &mut parts,
                );
            }
        }
        None => parsed_words(markdown, &cuts, &mut words, &mut parts),
    }
    collapsed(&cuts, &words, &parts)
}

/// The words of the blocks `cuts` (which are `markdown`, whole) from a
/// CommonMark parse of `markdown`, appended to `words`, and where each
/// block's part starts (with its heading level) to `parts`: one part for
/// every block.
fn parsed_words(
    markdown: &str,
    cuts: &[Block<'_>],
    words: &mut String,
    parts: &mut Vec<(usize, Option<u8>)>,
) {
    let first = parts.len();
    let mut source_end = 0;
    let mut k = 0;
    // The level of the heading the parser is in, and of the first heading
    // the current block has words of.
    let mut in_heading: Option<u8> = None;
    let mut heading: Option<u8> = None;
    // Whether the current block has words outside any heading.
    let mut plain_words = false;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        // Events belong to the block their source starts in.
        let started = parts.len() > first;
        if !started || (range.start >= source_end && k + 1 < cuts.len()) {
            if started {
                parts[first + k].1 = heading.filter(|_| !plain_words);
                k += 1;
            }
            while k + 1 < cuts.len() && source_end + cuts[k].text.len() <= range.start {
                source_end += cuts[k].text.len();
                parts.push((words.len(), None));
                k += 1;
            }
            source_end += cuts[k].text.len();
            parts.push((words.len(), None));
            heading = None;
            plain_words = false;
        }
        if separates_words(&event) {
            words.push(' ');
        }
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                words.push_str(&t);
                if !t.trim().is_empty() {
                    match in_heading {
                        Some(_) => heading = heading.or(in_heading),
                        None => plain_words = true,
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => words.push(' '),
            Event::Start(Tag::Heading { level, .. }) => in_heading = Some(level as u8),
            Event::End(TagEnd::Heading(_)) => in_heading = None,
            _ => {}
        }
    }
    if parts.len() > first
        && let Some(last) = parts.last_mut()
    {
        last.1 = heading.filter(|_| !plain_words);
    }
    // Blocks after the last event have no words.
    while parts.len() < first + cuts.len() {
        parts.push((words.len(), None));
    }
}

/// Whether `text` has a byte that never stands in a block taken as plain
/// words: markup (emphasis, code, links, HTML, entities, escapes, quotes)
/// or a control character other than the line end (tabs and carriage
/// returns CommonMark reads in ways of its own).
fn has_markup(text: &str) -> bool {
    let markup = |x: u8| {
        (x < 0x20 && x != b'\n')
            || x == b'&'
            || x == b'*'
            || x == b'<'
            || x == b'>'
            // [ \ ] ^ _ `
            || (0x5b..=0x60).contains(&x)
    };
    crate::text::runs_flagged(text.as_bytes(), markup)
        .next()
        .is_some()
}

/// Which blocks of `markdown` (cut as `cuts`) are plain words that
/// [`push_plain`] gives exactly as the CommonMark parse of the whole
/// chapter does – a heading, paragraph or list item without any markup,
/// starting a block of its own at the start of its line – so that only the
/// other blocks need the parser. `None` when the chapter has anything that
/// can reach across blocks (fenced code, HTML, link definitions), so the
/// parser reads it whole.
///
/// A run of other blocks is parsed on its own, so it must start where
/// CommonMark starts a new block whatever came before: a block that may
/// continue the one before it (a line indented, a numbered item that may
/// not interrupt a paragraph) takes the plain block before it into its run.
fn quick_blocks(markdown: &str, cuts: &[Block<'_>]) -> Option<Vec<Option<Plain>>> {
    if reaches_across(markdown) {
        return None;
    }
    let mut quick: Vec<Option<Plain>> = vec![None; cuts.len()];
    for (i, cut) in cuts.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &cuts[p]);
        let after_break = prev.is_none_or(|p| p.kind == BlockKind::Heading || ends_blank(p.text));
        let at_margin = !cut.text.starts_with([' ', '\t']);
        let fresh = at_margin
            && match cut.kind {
                BlockKind::Heading | BlockKind::Blank => true,
                BlockKind::Paragraph => after_break,
                BlockKind::ListItem => match numbered(cut.text) {
                    None => true,
                    Some((number, delimiter)) => {
                        after_break
                            || number == "1"
                            // The next item of a numbered list the block
                            // before (plain words) is an item of.
                            || prev.is_some_and(|p| {
                                quick[i - 1].is_some()
                                    && p.kind == BlockKind::ListItem
                                    && numbered(p.text).is_some_and(|(_, d)| d == delimiter)
                            })
                    }
                },
                BlockKind::Code => false,
            };
        quick[i] = match cut.kind {
            _ if !fresh => None,
            BlockKind::Blank => Some((cut.text.len(), None)),
            _ => plain_block(cut),
        };
        // A run must start afresh: else the plain block before joins it.
        if !fresh && i > 0 {
            quick[i - 1] = None;
        }
    }
    Some(quick)
}

/// Whether `markdown` has something that may reach across the blocks
/// [`split_blocks`] cuts: HTML (`<`), a carriage return, a code fence
/// (```` ``` ```` or `~~~`) or a link definition's `]:`. Two passes of
/// `memchr`, one for the bytes that settle it alone and one for the first
/// bytes of the rest, instead of a search for each of the five (a chapter
/// of plain words has few of those bytes or none).
fn reaches_across(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    memchr::memchr2(b'<', b'\r', bytes).is_some()
        || memchr::memchr3_iter(b'`', b'~', b']', bytes).any(|i| match bytes[i] {
            b'`' => bytes[i..].starts_with(b"```"),
            b'~' => bytes[i..].starts_with(b"~~~"),
            _ => bytes.get(i + 1) == Some(&b':'),
        })
}

/// Whether a block ends with a blank line (is blank lines alone, or has a
/// blank line after its words).
fn ends_blank(text: &str) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    match body.rsplit_once('\n') {
        Some((_, last)) => last.trim().is_empty(),
        None => text.trim().is_empty(),
    }
}

/// The number and delimiter of a numbered list item's mark (`3.`, `1)`).
fn numbered(text: &str) -> Option<(&str, u8)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let delimiter = *text.as_bytes().get(digits)?;
    (digits > 0 && matches!(delimiter, b'.' | b')')).then(|| (&text[..digits], delimiter))
}

/// Whether `s` begins like something CommonMark reads as more than words
/// (a heading, quote, list, rule, setext line or markup), or with white
/// space.
fn begins_markup(s: &str) -> bool {
    s.starts_with(|c: char| c.is_whitespace() || "#-+=>*<[`~_|\\&".contains(c))
        || numbered(s).is_some()
        || s.is_empty()
}

/// Where a plain block's words start in its text, and its heading level.
type Plain = (usize, Option<u8>);

/// For a block that is plain words (see [`quick_blocks`]): where its words
/// start in its text and its heading level.
fn plain_block(cut: &Block<'_>) -> Option<Plain> {
    let text = cut.text;
    if has_markup(text) {
        return None;
    }
    // No line may be a setext underline or a rule: only the lines that
    // start (after spaces) with `=` or `-` are looked at.
    let underline = |l: &str| {
        let t = l.trim();
        !t.is_empty() && t.bytes().all(|b| matches!(b, b'=' | b'-' | b' '))
    };
    let mut line_start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
        let line = &text[line_start..end];
        line_start = end + 1;
        if line.trim_start_matches(' ').starts_with(['=', '-']) && underline(line) {
            return None;
        }
    }
    let (start, level) = match cut.kind {
        BlockKind::Heading => {
            let hashes = text.bytes().take_while(|&b| b == b'#').count();
            let rest = text[hashes..].strip_prefix(' ')?;
            // A closing sequence of `#` is not words: left to the parser.
            if rest.contains('#') {
                return None;
            }
            (text.len() - rest.len(), Some(u8::try_from(hashes).ok()?))
        }
        BlockKind::Paragraph => (0, None),
        BlockKind::ListItem => {
            let mark = match numbered(text) {
                Some((number, _)) => number.len() + 1,
                None if text.starts_with(['-', '+']) => 1,
                None => return None,
            };
            let rest = text[mark..].strip_prefix(' ')?;
            (text.len() - rest.len(), None)
        }
        BlockKind::Code | BlockKind::Blank => return None,
    };
    (!begins_markup(&text[start..])).then_some((start, level))
}

/// Appends the words of a plain block (see [`quick_blocks`]) as the parser
/// gives them: a list item's after a space (its start), each block's
/// followed by a space (its end); white space is collapsed later.
fn push_plain(
    cut: &Block<'_>,
    (start, level): Plain,
    words: &mut String,
    parts: &mut Vec<(usize, Option<u8>)>,
) {
    parts.push((words.len(), level));
    if cut.kind == BlockKind::Blank {
        return;
    }
    if cut.kind == BlockKind::ListItem {
        words.push(' ');
    }
    words.push_str(&cut.text[start..]);
    words.push(' ');
}

/// The blocks' words with white space collapsed, block by block.
fn collapsed(cuts: &[Block<'_>], words: &str, parts: &[(usize, Option<u8>)]) -> PlainText {
    // Collapse the white space of the whole text, block by block: a space
    // joins two blocks where there was white space between their words
    // (there always is, unless an inline element such as a code span runs
    // across a line the engine cuts at and CommonMark does not).
    let mut out = PlainText {
        text: String::with_capacity(words.len()),
        blocks: Vec::with_capacity(parts.len()),
    };
    let mut source_start = 0;
    let mut space_before = false;
    for (i, cut) in cuts.iter().enumerate() {
        let source = source_start..source_start + cut.text.len();
        source_start = source.end;
        let Some(&(from, heading)) = parts.get(i) else {
            break;
        };
        let to = parts.get(i + 1).map_or(words.len(), |p| p.0);
        let piece = &words[from..to];
        space_before |= piece.starts_with(char::is_whitespace);
        let before = out.text.len();
        if space_before && !out.text.is_empty() {
            out.text.push(' ');
        }
        let start = out.text.len();
        crate::text::push_collapsed(&mut out.text, piece);
        if out.text.len() == start {
            out.text.truncate(before);
            space_before |= !piece.is_empty();
            continue;
        }
        out.blocks.push(PlainBlock {
            index: i,
            kind: cut.kind,
            source,
            text: start..out.text.len(),
            heading,
        });
        space_before = piece.ends_with(char::is_whitespace);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks as one parse of the whole chapter gives them (what
    /// [`plain_blocks`] gives for a chapter it cannot take in parts).
    fn parsed_whole(markdown: &str) -> PlainText {
        let cuts = split_blocks(markdown);
        let mut words = String::new();
        let mut parts = Vec::new();
        parsed_words(markdown, &cuts, &mut words, &mut parts);
        collapsed(&cuts, &words, &parts)
    }

    fn blocks(md: &str) -> Vec<(BlockKind, &str, String, Option<u8>)> {
        let p = plain_blocks(md);
        (0..p.blocks.len())
            .map(|i| {
                let b = &p.blocks[i];
                (
                    b.kind,
                    &md[b.source.clone()],
                    p.block_text(i).to_string(),
                    b.heading,
                )
            })
            .collect()
    }

    #[test]
    fn blocks_are_the_engines_with_their_words() {
        let md = "# Titel\n\nEt *afsnit*\nover to linjer.\n\n- punkt ét\n  - indrykket\n1. nummer `kode`\n\n> citat\n> videre\n\n```\nkode\n```\n## Under &amp; over\n\n---\n\n| a | b |\n|---|---|\n";
        assert_eq!(
            blocks(md),
            vec![
                (BlockKind::Heading, "# Titel\n\n", "Titel".into(), Some(1)),
                (
                    BlockKind::Paragraph,
                    "Et *afsnit*\nover to linjer.\n\n",
                    "Et afsnit over to linjer.".into(),
                    None
                ),
                (BlockKind::ListItem, "- punkt ét\n", "punkt ét".into(), None),
                (
                    BlockKind::ListItem,
                    "  - indrykket\n",
                    "indrykket".into(),
                    None
                ),
                (
                    BlockKind::ListItem,
                    "1. nummer `kode`\n\n",
                    "nummer kode".into(),
                    None
                ),
                (
                    BlockKind::Paragraph,
                    "> citat\n> videre\n\n",
                    "citat videre".into(),
                    None
                ),
                (BlockKind::Code, "```\nkode\n```\n", "kode".into(), None),
                (
                    BlockKind::Heading,
                    "## Under &amp; over\n\n",
                    "Under & over".into(),
                    Some(2)
                ),
                (
                    BlockKind::Paragraph,
                    "| a | b |\n|---|---|\n",
                    "| a | b | |---|---|".into(),
                    None
                ),
            ]
        );
        assert_eq!(
            plain_blocks(md).text,
            "Titel Et afsnit over to linjer. punkt ét indrykket nummer kode citat videre kode Under & over | a | b | |---|---|"
        );
        assert_eq!(plain_blocks(""), PlainText::default());
        assert_eq!(plain_blocks("\n\n---\n").blocks, vec![]);
    }

    #[test]
    fn a_setext_heading_or_one_in_a_quote_is_a_heading_only_alone() {
        assert_eq!(
            blocks("Titel\n=====\n\nTekst.\n"),
            vec![
                (
                    BlockKind::Paragraph,
                    "Titel\n=====\n\n",
                    "Titel".into(),
                    Some(1)
                ),
                (BlockKind::Paragraph, "Tekst.\n", "Tekst.".into(), None),
            ]
        );
        assert_eq!(
            blocks("> ## Citeret\n> og tekst\n")[0].3,
            None,
            "words outside the heading make the block a paragraph"
        );
        assert_eq!(blocks("> ## Citeret\n")[0].3, Some(2));
    }

    #[test]
    fn a_wrapped_line_starting_with_a_date_stays_in_its_paragraph() {
        // `12. maj` cannot start a list inside a paragraph in CommonMark,
        // and the engine does not cut there either.
        let md = "Mødet er i år den\n12. maj i Aarhus.\n";
        let p = plain_blocks(md);
        assert_eq!(p.text, "Mødet er i år den 12. maj i Aarhus.");
        assert_eq!(p.blocks.len(), 1);
    }

    /// Lines of every kind the quick path must tell apart: plain words
    /// (also with a `#`, a `|`, a no-break space or a date that looks like
    /// a numbered item), headings (also closed, empty or not headings),
    /// bullets and numbered items (also empty, with two spaces, nested or
    /// starting with a heading, rule or another mark), indented lines,
    /// setext underlines and rules, and markup of every kind (also what
    /// reaches across blocks: fences, HTML, link definitions).
    const LINES: &[&str] = &[
        "",
        "",
        "",
        "Ord og flere ord",
        "Kræftplan æøå, 43 dage.",
        "tekst den\u{a0}12. maj",
        "a#b og x | y",
        "\u{a0}ord efter ikke-brudt mellemrum",
        "12. maj i Aarhus",
        "2. punkt",
        "1234567890. ikke en liste",
        "# Titel",
        "## Titel ##",
        "### a #b",
        "#Titel",
        "####### syv",
        "# ",
        "#",
        "- punkt",
        "+ plus",
        "-  to mellemrum",
        "- # overskrift",
        "- - dobbelt",
        "- 1. tal",
        "- ---",
        "-",
        "- ",
        "1. en",
        "1) en",
        "3) tre",
        "3. tre",
        "  fortsat",
        "   tre mellemrum",
        "    kode eller fortsat",
        "  - indrykket",
        "    - dybt",
        "  1. indrykket tal",
        "\tfane",
        "ord\tfane",
        "===",
        "---",
        "- - -",
        "= = =",
        "***",
        "___",
        "*fremhævet*",
        "`kode`",
        "[link](u)",
        "[ref]",
        "&amp; og",
        "a\\*b",
        "> citat",
        ">",
        "_x_",
        "ord  ",
        "Mødet\r",
        "nul\u{0}tegn",
    ];

    /// Lines that reach across blocks (the quick path is then not taken).
    const ACROSS: &[&str] = &["```", "~~~", "<b>x</b>", "<!-- k", "-->", "[ref]: http://x"];

    fn chapter(lines: &[&str], end: bool) -> String {
        let mut md = lines.join("\n");
        if end {
            md.push('\n');
        }
        md
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Taking blocks of plain words as they stand and parsing only the
        /// others gives exactly what one parse of the whole chapter gives.
        #[test]
        fn plain_blocks_are_what_the_whole_parse_gives(
            lines in proptest::collection::vec(proptest::sample::select(LINES), 0..40),
            end in proptest::prelude::any::<bool>(),
        ) {
            let md = chapter(&lines, end);
            proptest::prop_assert_eq!(plain_blocks(&md), parsed_whole(&md), "{:?}", md);
        }

        #[test]
        fn chapters_with_what_reaches_across_blocks_are_parsed_whole(
            lines in proptest::collection::vec(
                proptest::sample::select([LINES, ACROSS].concat()),
                0..40,
            ),
            end in proptest::prelude::any::<bool>(),
        ) {
            let md = chapter(&lines, end);
            proptest::prop_assert_eq!(plain_blocks(&md), parsed_whole(&md), "{:?}", md);
        }

        /// The two passes find what a search for each of the five marks
        /// finds, in text made mostly of those marks and their parts.
        #[test]
        fn what_reaches_across_is_what_the_searches_find(
            text in r"[<\r`~\]:a æ\n]{0,100}",
        ) {
            let searched = ["<", "\r", "```", "~~~", "]:"].iter().any(|n| text.contains(n));
            proptest::prop_assert_eq!(reaches_across(&text), searched, "{:?}", text);
        }
    }

    /// Found by the property test: the block before ends in a rule (`- ---`
    /// is one), so `12. maj` cannot be the next item of its list; it
    /// continues the paragraph after the rule, mark and all.
    #[test]
    fn a_number_after_a_rule_is_words_of_the_paragraph_before_it() {
        let md = "1. en\n- ---\n*fremhævet*\n12. maj i Aarhus\n";
        assert_eq!(plain_blocks(md), parsed_whole(md));
        assert_eq!(plain_blocks(md).text, "en fremhævet 12. maj i Aarhus");
    }

    #[test]
    fn most_blocks_of_a_chapter_of_prose_are_taken_as_plain_words() {
        let md = "# Titel\n\nEt afsnit uden opmærkning.\nOg en linje til.\n\n- punkt et\n- punkt *to*\n- punkt tre\n\n1. en\n2. to\n\nAfsnit med *fremhævning*.\n\n## Mere\nTekst.\n";
        let cuts = split_blocks(md);
        let quick = quick_blocks(md, &cuts).expect("nothing reaches across blocks");
        let kinds: Vec<bool> = quick.iter().map(Option::is_some).collect();
        assert_eq!(
            kinds,
            [true, true, true, false, true, true, true, false, true, true],
            "{cuts:#?}"
        );
        assert_eq!(plain_blocks(md), parsed_whole(md));
        assert!(quick_blocks("```\nkode\n```\n", &split_blocks("```\nkode\n```\n")).is_none());
    }
}
