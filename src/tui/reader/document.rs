//! A chapter prepared for reading: Markdown parsed into blocks (headings,
//! paragraphs, list items), each block's text split into sentences (the unit
//! a reader selects to quote), and the whole wrapped to a width. Built once
//! per chapter and width, so drawing a frame only copies ready lines.

use unicode_width::UnicodeWidthStr;

/// How a piece of text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Plain,
    Emphasis,
    Strong,
    Code,
}

/// What kind of block a piece of the chapter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    Item,
    Quote,
}

/// One block: its text (white space collapsed, markup removed), the looks
/// of its character ranges, and where its sentences start and end.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    /// (byte start, byte end, look) covering `text`.
    pub looks: Vec<(usize, usize, Look)>,
    /// (byte start, byte end) of each sentence in `text`.
    pub sentences: Vec<(usize, usize)>,
}

/// A word placed on a wrapped line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub look: Look,
    /// Index of the sentence in the whole chapter.
    pub sentence: usize,
    /// Byte offset of the word in its block's text.
    pub start: usize,
}

/// One wrapped screen line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub block: usize,
    pub prefix: &'static str,
    pub words: Vec<Word>,
}

/// A chapter as blocks and sentences, wrapped to `width`.
#[derive(Clone, Debug)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// (block, start, end) of every sentence, in reading order.
    pub sentences: Vec<(usize, usize, usize)>,
    pub width: u16,
    pub lines: Vec<Line>,
    /// The first line of each block.
    pub block_line: Vec<usize>,
}

impl Document {
    /// Parses and wraps a chapter.
    pub fn new(markdown: &str, width: u16) -> Document {
        let blocks = parse(markdown);
        let mut sentences = Vec::new();
        for (b, block) in blocks.iter().enumerate() {
            for &(s, e) in &block.sentences {
                sentences.push((b, s, e));
            }
        }
        let mut doc = Document {
            blocks,
            sentences,
            width: 0,
            lines: Vec::new(),
            block_line: Vec::new(),
        };
        doc.rewrap(width);
        doc
    }

    /// Wraps again for a new width (after a resize).
    pub fn rewrap(&mut self, width: u16) {
        self.width = width;
        self.lines.clear();
        self.block_line.clear();
        let mut first_sentence = 0;
        for (b, block) in self.blocks.iter().enumerate() {
            if b > 0 {
                self.lines.push(Line {
                    block: b,
                    prefix: "",
                    words: Vec::new(),
                });
            }
            self.block_line.push(self.lines.len());
            wrap_block(b, block, first_sentence, width, &mut self.lines);
            first_sentence += block.sentences.len();
        }
    }

    /// The text of sentences `from..=to` (in reading order), joined by spaces.
    pub fn quote(&self, from: usize, to: usize) -> String {
        let (from, to) = (from.min(to), from.max(to));
        let mut parts = Vec::new();
        for &(b, s, e) in self
            .sentences
            .get(from..=to.min(self.sentences.len().saturating_sub(1)))
            .unwrap_or(&[])
        {
            parts.push(self.blocks[b].text[s..e].to_string());
        }
        parts.join(" ")
    }

    /// The line on which a sentence starts.
    pub fn line_of_sentence(&self, sentence: usize) -> usize {
        self.lines
            .iter()
            .position(|l| l.words.iter().any(|w| w.sentence == sentence))
            .unwrap_or(0)
    }

    /// The block where `quote` occurs (white space collapsed), if any.
    pub fn block_of_quote(&self, quote: &str) -> Option<usize> {
        self.blocks.iter().position(|b| b.text.contains(quote))
    }
}

fn parse(markdown: &str) -> Vec<Block> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut text = String::new();
    let mut looks: Vec<(usize, usize, Look)> = Vec::new();
    let mut kind = BlockKind::Paragraph;
    let mut stack: Vec<Look> = Vec::new();
    let mut quote_depth = 0;
    let finish = |blocks: &mut Vec<Block>,
                  text: &mut String,
                  looks: &mut Vec<(usize, usize, Look)>,
                  kind: BlockKind| {
        let (t, l) = collapse(text, looks);
        if !t.is_empty() {
            let sentences = split_sentences(&t);
            blocks.push(Block {
                kind,
                text: t,
                looks: l,
                sentences,
            });
        }
        text.clear();
        looks.clear();
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                finish(&mut blocks, &mut text, &mut looks, kind);
                kind = BlockKind::Heading(level as u8);
            }
            Event::Start(Tag::Item) => {
                finish(&mut blocks, &mut text, &mut looks, kind);
                kind = BlockKind::Item;
            }
            // A paragraph inside a list item belongs to the item.
            Event::Start(Tag::Paragraph) if kind != BlockKind::Item => {
                finish(&mut blocks, &mut text, &mut looks, kind);
                kind = if quote_depth > 0 {
                    BlockKind::Quote
                } else {
                    BlockKind::Paragraph
                };
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth -= 1,
            Event::Start(Tag::Emphasis) => stack.push(Look::Emphasis),
            Event::Start(Tag::Strong) => stack.push(Look::Strong),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                stack.pop();
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                let look = stack.last().copied().unwrap_or(Look::Plain);
                let start = text.len();
                text.push_str(&t);
                looks.push((start, text.len(), look));
            }
            Event::Code(t) => {
                let start = text.len();
                text.push_str(&t);
                looks.push((start, text.len(), Look::Code));
            }
            Event::SoftBreak | Event::HardBreak => {
                let start = text.len();
                text.push(' ');
                looks.push((start, text.len(), Look::Plain));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => {
                finish(&mut blocks, &mut text, &mut looks, kind);
                kind = BlockKind::Paragraph;
            }
            _ => {}
        }
    }
    finish(&mut blocks, &mut text, &mut looks, kind);
    blocks
}

/// Collapses white space like [`crate::text::collapse_ws`], keeping looks aligned.
fn collapse(text: &str, looks: &[(usize, usize, Look)]) -> (String, Vec<(usize, usize, Look)>) {
    let mut out = String::new();
    let mut out_looks: Vec<(usize, usize, Look)> = Vec::new();
    let mut pending_space = false;
    for &(s, e, look) in looks {
        for c in text[s..e].chars() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            let start = out.len();
            out.push(c);
            match out_looks.last_mut() {
                Some(last) if last.2 == look && last.1 == start => last.1 = out.len(),
                _ => out_looks.push((start, out.len(), look)),
            }
        }
    }
    (out, out_looks)
}

/// Sentence boundaries: after `.`, `!`, `?` or `:` followed by a space and
/// an upper-case letter, a digit or a quotation mark. Abbreviations such as
/// "fx." or "bl.a." rarely precede a capital in Danish prose.
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for i in 0..chars.len() {
        let (pos, c) = chars[i];
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(space_pos, ' ')) = chars.get(i + 1) else {
            continue;
        };
        let Some(&(_, next)) = chars.get(i + 2) else {
            continue;
        };
        if next.is_uppercase() || next.is_ascii_digit() || matches!(next, '«' | '"' | '»') {
            out.push((start, pos + c.len_utf8()));
            start = space_pos + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

fn wrap_block(b: usize, block: &Block, first_sentence: usize, width: u16, lines: &mut Vec<Line>) {
    let prefix: &'static str = match block.kind {
        BlockKind::Item => "• ",
        BlockKind::Quote => "│ ",
        _ => "",
    };
    let cont: &'static str = if prefix.is_empty() { "" } else { "  " };
    let width = usize::from(width).max(10);
    let mut line = Line {
        block: b,
        prefix,
        words: Vec::new(),
    };
    let mut used = prefix.width();
    let mut offset = 0;
    for word in block.text.split(' ') {
        let start = offset;
        offset += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        let sentence = first_sentence
            + block
                .sentences
                .iter()
                .position(|&(s, e)| start >= s && start < e)
                .unwrap_or(0);
        let look = block
            .looks
            .iter()
            .find(|&&(s, e, _)| start >= s && start < e)
            .map_or(Look::Plain, |l| l.2);
        let look = match block.kind {
            BlockKind::Heading(_) => Look::Strong,
            _ => look,
        };
        let w = word.width();
        let needed = if line.words.is_empty() { w } else { w + 1 };
        if !line.words.is_empty() && used + needed > width {
            lines.push(std::mem::replace(
                &mut line,
                Line {
                    block: b,
                    prefix: cont,
                    words: Vec::new(),
                },
            ));
            used = cont.width();
        }
        used += if line.words.is_empty() { w } else { w + 1 };
        line.words.push(Word {
            text: word.to_string(),
            look,
            sentence,
            start,
        });
    }
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "# Rehabilitering\n\nKommunerne har *hovedparten* af indsatsen. Behovet vokser år for år.\n\n- Første punkt\n- Andet punkt med `kode`\n";

    #[test]
    fn blocks_sentences_and_looks() {
        let d = Document::new(MD, 40);
        assert_eq!(d.blocks.len(), 4);
        assert_eq!(d.blocks[0].kind, BlockKind::Heading(1));
        assert_eq!(
            d.blocks[1].text,
            "Kommunerne har hovedparten af indsatsen. Behovet vokser år for år."
        );
        assert_eq!(d.blocks[1].sentences.len(), 2);
        assert_eq!(
            d.quote(1, 2),
            "Kommunerne har hovedparten af indsatsen. Behovet vokser år for år."
        );
        assert_eq!(d.quote(2, 2), "Behovet vokser år for år.");
        assert_eq!(d.blocks[2].kind, BlockKind::Item);
        let emph = d
            .lines
            .iter()
            .flat_map(|l| &l.words)
            .find(|w| w.text == "hovedparten")
            .unwrap();
        assert_eq!(emph.look, Look::Emphasis);
    }

    #[test]
    fn wraps_to_width_by_display_columns() {
        let d = Document::new(MD, 20);
        for l in &d.lines {
            let w: usize = l.prefix.width()
                + l.words.iter().map(|w| w.text.width()).sum::<usize>()
                + l.words.len().saturating_sub(1);
            assert!(w <= 20, "{l:?}");
        }
        let wide = Document::new("日本語 の テキスト 🎉🎉 æøå ".repeat(10).as_str(), 12);
        assert!(wide.lines.len() > 5);
    }

    #[test]
    fn quotes_match_the_core_search_text() {
        let d = Document::new(MD, 30);
        let core = crate::text::searchable_text(MD);
        for i in 0..d.sentences.len() {
            assert!(core.contains(&d.quote(i, i)), "{}", d.quote(i, i));
        }
    }

    #[test]
    fn sentences_do_not_split_on_lowercase_after_period() {
        let s = split_sentences("Det gælder fx. kommunerne. Og regionerne.");
        assert_eq!(s.len(), 2);
    }
}
