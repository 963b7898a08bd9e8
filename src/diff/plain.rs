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

use super::blocks::{BlockKind, split_blocks};

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
        if parts.is_empty() || (range.start >= source_end && k + 1 < cuts.len()) {
            if !parts.is_empty() {
                parts[k].1 = heading.filter(|_| !plain_words);
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
    if let Some(last) = parts.last_mut() {
        last.1 = heading.filter(|_| !plain_words);
    }

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
}
