//! The document model every export is built as, and every renderer reads:
//! headings, paragraphs of styled text, lists, quotes, tables, labelled
//! fields and boxed sections. Text in it is already cleaned (see [`clean`]);
//! renderers escape it for their format and never interpret it as markup.

/// A whole document: a title page, an optional table of contents, the body.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The language of the labels, for `lang` attributes.
    pub lang: crate::i18n::Lang,
    /// Small line above the title (the authority, the kind of document).
    pub kicker: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// Label and value pairs on the title page (revision, date, meeting …).
    pub meta: Vec<(String, String)>,
    /// A paragraph under the title page's facts (what the marks mean …).
    pub note: Option<String>,
    /// Whether a table of contents follows the title page.
    pub toc: bool,
    /// The heading of the table of contents.
    pub toc_title: String,
    /// Whether each level-1 heading starts a new page when printed.
    pub chapters_on_new_pages: bool,
    /// Who the document is from (DOCX properties).
    pub author: String,
    /// When the content was made, for DOCX properties and revision marks.
    pub date: chrono::DateTime<chrono::FixedOffset>,
    /// The name revision marks are attributed to in DOCX.
    pub change_author: String,
    pub blocks: Vec<Block>,
}

/// A block of the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// `level` 1 is a chapter; `id` is unique in the document (for links).
    Heading {
        level: u8,
        id: String,
        text: Vec<Span>,
    },
    Para(Vec<Span>),
    /// Items are blocks; `start` is the first number of an ordered list.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Code(String),
    Rule,
    Table(Table),
    /// Labelled parts: `Kommentar:` followed by its paragraphs.
    Fields(Vec<(String, Vec<Block>)>),
    /// A framed group (a comment with its answer, a reply).
    Boxed {
        kind: BoxKind,
        blocks: Vec<Block>,
    },
    /// A small grey line (who wrote, when).
    Note(Vec<Span>),
}

/// What a framed group is, for its look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxKind {
    Comment,
    Reply,
}

/// A table with a header row.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    pub header: Vec<Vec<Span>>,
    pub rows: Vec<Vec<Vec<Span>>>,
    /// Columns to right-align (counts).
    pub numeric: Vec<bool>,
    /// Relative column widths (empty: even).
    pub widths: Vec<u16>,
    /// Whether the last row is a total (drawn bold).
    pub total_row: bool,
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// The text; `\n` is a line break.
    pub text: String,
    pub style: Style,
    pub mark: Mark,
    /// A link target: `#id` inside the document, or an `http(s)`/`mailto` address.
    pub link: Option<String>,
    /// A semantic colour: a disposition key (`met`, `partly_met` …), `open`, `withdrawn`.
    pub tone: Option<&'static str>,
    /// Who an inserted or deleted span is attributed to, when not the
    /// document's [`Document::change_author`] (a suggestion's proposer).
    pub author: Option<String>,
}

/// Inline styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Style {
    pub strong: bool,
    pub emph: bool,
    pub code: bool,
    pub strike: bool,
}

/// Whether a span was added or removed since the version compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mark {
    #[default]
    None,
    Inserted,
    Deleted,
}

impl Span {
    /// Plain text.
    pub fn plain(text: impl AsRef<str>) -> Span {
        Span {
            text: clean(text.as_ref()),
            ..Span::default()
        }
    }

    /// Bold text.
    pub fn strong(text: impl AsRef<str>) -> Span {
        Span {
            style: Style {
                strong: true,
                ..Style::default()
            },
            ..Span::plain(text)
        }
    }

    /// Italic text.
    pub fn emph(text: impl AsRef<str>) -> Span {
        Span {
            style: Style {
                emph: true,
                ..Style::default()
            },
            ..Span::plain(text)
        }
    }

    /// The same span with a link.
    pub fn linked(mut self, target: impl Into<String>) -> Span {
        self.link = Some(target.into());
        self
    }

    /// The same span with a tone.
    pub fn toned(mut self, tone: &'static str) -> Span {
        self.tone = Some(tone);
        self
    }
}

impl Block {
    /// A paragraph of one plain span.
    pub fn para(text: impl AsRef<str>) -> Block {
        Block::Para(vec![Span::plain(text)])
    }

    /// A heading of plain text.
    pub fn heading(level: u8, id: impl Into<String>, text: impl AsRef<str>) -> Block {
        Block::Heading {
            level,
            id: id.into(),
            text: vec![Span::plain(text)],
        }
    }

    /// The block's words without markup (for tests, alignment and TOCs).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        let sep = |out: &mut String| {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
        };
        match self {
            Block::Heading { text, .. } | Block::Para(text) | Block::Note(text) => {
                sep(out);
                out.push_str(&spans_text(text));
            }
            Block::Code(t) => {
                sep(out);
                out.push_str(t);
            }
            Block::Rule => {}
            Block::List { items, .. } => {
                for item in items {
                    for b in item {
                        b.collect_text(out);
                    }
                }
            }
            Block::Quote(blocks) | Block::Boxed { blocks, .. } => {
                for b in blocks {
                    b.collect_text(out);
                }
            }
            Block::Table(t) => {
                for row in std::iter::once(&t.header).chain(t.rows.iter()) {
                    sep(out);
                    let cells: Vec<String> = row.iter().map(|c| spans_text(c)).collect();
                    out.push_str(&cells.join(" | "));
                }
            }
            Block::Fields(fields) => {
                for (label, blocks) in fields {
                    sep(out);
                    out.push_str(label);
                    for b in blocks {
                        b.collect_text(out);
                    }
                }
            }
        }
    }
}

/// The text of spans, joined.
pub fn spans_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// Plain text (a comment, a response) as paragraphs: blank lines separate
/// paragraphs, single line breaks are kept as breaks. Never read as markup.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !current.is_empty() {
            out.push(Block::Para(vec![Span::plain(current.join("\n"))]));
            current.clear();
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut current, &mut out);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Someone's text made safe for a document: control characters and the
/// invisible characters that reorder text (bidi overrides and isolates) are
/// shown as `\u{1b}`-style escapes, tabs become spaces, CR is dropped.
/// Newlines are kept. XML cannot even hold most control characters, so this
/// runs once, when text enters the model.
pub fn clean(s: &str) -> String {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFE}' | '\u{FFFF}')
    };
    if !s.chars().any(|c| bad(c) || c == '\t' || c == '\r') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' => {}
            '\t' => out.push(' '),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Every heading of the document with its level, id and text, in order.
pub fn headings(blocks: &[Block]) -> Vec<(u8, &str, String)> {
    let mut out = Vec::new();
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<(u8, &'a str, String)>) {
        for b in blocks {
            match b {
                Block::Heading { level, id, text } => {
                    // Deleted words are not part of the heading a reader sees.
                    let visible: String = text
                        .iter()
                        .filter(|s| s.mark != Mark::Deleted)
                        .map(|s| s.text.as_str())
                        .collect();
                    out.push((*level, id.as_str(), visible));
                }
                Block::Quote(inner) | Block::Boxed { blocks: inner, .. } => walk(inner, out),
                Block::Fields(fields) => {
                    for (_, inner) in fields {
                        walk(inner, out);
                    }
                }
                _ => {}
            }
        }
    }
    walk(blocks, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_shows_controls_and_bidi_but_keeps_letters() {
        assert_eq!(clean("æøå ÆØÅ 🎉"), "æøå ÆØÅ 🎉");
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\u{202E}y\0"), "x\\u{202e}y\\u{0}");
        assert_eq!(clean("a\r\nb\tc"), "a\nb c");
        // Soft hyphen and joiners are ordinary in text.
        assert_eq!(clean("kræft\u{00AD}plan"), "kræft\u{00AD}plan");
    }

    #[test]
    fn plain_text_keeps_paragraphs_and_breaks() {
        let blocks = text_blocks("Første linje.\nAnden linje.\n\n  \nNyt afsnit **ikke fed**.");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].plain_text(), "Første linje.\nAnden linje.");
        assert_eq!(blocks[1].plain_text(), "Nyt afsnit **ikke fed**.");
    }
}
