//! A chapter's Markdown (CommonMark with tables and strikethrough) read
//! into the document model. Raw HTML in the source becomes visible text,
//! images become their description (nothing is ever loaded), and only
//! `http(s)` and `mailto` links are kept as links.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::doc::{Block, Span, Style, Table, clean};

enum Frame {
    Root(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    /// A list item: its blocks, and inline text of a tight item not yet in a paragraph.
    Item(Vec<Block>, Vec<Span>),
    Quote(Vec<Block>),
    Para(Vec<Span>),
    Heading(u8, Vec<Span>),
    Code(String),
    Html(String),
    Table(Table, bool),
    Row(Vec<Vec<Span>>),
    Cell(Vec<Span>),
}

/// How deep quotes and lists nest in an export. Deeper ones are kept, with
/// all their text, at this depth: every renderer walks the document
/// recursively, and Word cannot open a document nested some hundreds deep.
pub const MAX_NESTING: usize = crate::model::limits::MAX_NESTING;

struct Builder {
    stack: Vec<Frame>,
    /// Quotes and lists opened beyond [`MAX_NESTING`] (not given a frame;
    /// their ends are passed over).
    flat_quotes: usize,
    flat_lists: usize,
    style: Style,
    strong: usize,
    emph: usize,
    strike: usize,
    links: Vec<Option<String>>,
    image: usize,
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Only links that cannot run code or load anything by themselves.
fn safe_link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        .then(|| clean(url.trim()))
}

impl Builder {
    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Root(b)) | Some(Frame::Quote(b)) => b.push(block),
            Some(Frame::Item(b, pending)) => {
                if !pending.is_empty() {
                    b.push(Block::Para(std::mem::take(pending)));
                }
                b.push(block);
            }
            // Blocks cannot appear elsewhere in CommonMark; keep them anyway.
            _ => {
                if let Some(Frame::Root(b)) = self.stack.first_mut() {
                    b.push(block);
                }
            }
        }
    }

    fn inline(&mut self) -> Option<&mut Vec<Span>> {
        match self.stack.last_mut() {
            Some(Frame::Para(s))
            | Some(Frame::Heading(_, s))
            | Some(Frame::Cell(s))
            | Some(Frame::Item(_, s)) => Some(s),
            _ => None,
        }
    }

    fn text(&mut self, text: &str, code: bool) {
        match self.stack.last_mut() {
            Some(Frame::Code(s)) | Some(Frame::Html(s)) => {
                s.push_str(text);
                return;
            }
            _ => {}
        }
        let span = Span {
            text: clean(text),
            style: Style {
                code,
                emph: self.emph > 0 || self.image > 0,
                ..self.style
            },
            link: self.links.iter().rev().flatten().next().cloned(),
            ..Span::default()
        };
        if let Some(target) = self.inline() {
            // Join runs of the same style so renderers emit fewer pieces.
            if let Some(last) = target.last_mut()
                && last.style == span.style
                && last.link == span.link
            {
                last.text.push_str(&span.text);
                return;
            }
            target.push(span);
        } else {
            // Text outside any paragraph (should not happen): keep it.
            self.push_block(Block::Para(vec![span]));
        }
    }

    fn sync_style(&mut self) {
        self.style = Style {
            strong: self.strong > 0,
            emph: self.emph > 0,
            strike: self.strike > 0,
            code: false,
        };
    }

    /// Quotes and lists now open.
    fn nesting(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| matches!(f, Frame::Quote(_) | Frame::List { .. }))
            .count()
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::BlockQuote(_)
                if self.flat_quotes + self.flat_lists > 0 || self.nesting() >= MAX_NESTING =>
            {
                self.flat_quotes += 1;
            }
            Tag::List(_)
                if self.flat_quotes + self.flat_lists > 0 || self.nesting() >= MAX_NESTING =>
            {
                self.flat_lists += 1;
            }
            Tag::Paragraph => self.stack.push(Frame::Para(Vec::new())),
            Tag::Heading { level, .. } => self
                .stack
                .push(Frame::Heading(level_number(level), Vec::new())),
            Tag::BlockQuote(_) => self.stack.push(Frame::Quote(Vec::new())),
            Tag::CodeBlock(_) => self.stack.push(Frame::Code(String::new())),
            Tag::HtmlBlock => self.stack.push(Frame::Html(String::new())),
            Tag::List(start) => self.stack.push(Frame::List {
                start,
                items: Vec::new(),
            }),
            Tag::Item => self.stack.push(Frame::Item(Vec::new(), Vec::new())),
            Tag::Table(_) => self.stack.push(Frame::Table(Table::default(), false)),
            Tag::TableHead => {
                if let Some(Frame::Table(_, head)) = self.stack.last_mut() {
                    *head = true;
                }
                self.stack.push(Frame::Row(Vec::new()));
            }
            Tag::TableRow => self.stack.push(Frame::Row(Vec::new())),
            Tag::TableCell => self.stack.push(Frame::Cell(Vec::new())),
            Tag::Emphasis => {
                self.emph += 1;
                self.sync_style();
            }
            Tag::Strong => {
                self.strong += 1;
                self.sync_style();
            }
            Tag::Strikethrough => {
                self.strike += 1;
                self.sync_style();
            }
            Tag::Link { dest_url, .. } => self.links.push(safe_link(&dest_url)),
            Tag::Image { .. } => self.image += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis => {
                self.emph = self.emph.saturating_sub(1);
                self.sync_style();
            }
            TagEnd::Strong => {
                self.strong = self.strong.saturating_sub(1);
                self.sync_style();
            }
            TagEnd::Strikethrough => {
                self.strike = self.strike.saturating_sub(1);
                self.sync_style();
            }
            TagEnd::Link => {
                self.links.pop();
            }
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::Paragraph => {
                if let Some(Frame::Para(spans)) = self.stack.pop() {
                    self.push_block(Block::Para(spans));
                }
            }
            TagEnd::Heading(_) => {
                if let Some(Frame::Heading(level, text)) = self.stack.pop() {
                    self.push_block(Block::Heading {
                        level,
                        id: String::new(),
                        text,
                    });
                }
            }
            TagEnd::BlockQuote(_) if self.flat_quotes > 0 => self.flat_quotes -= 1,
            TagEnd::List(_) if self.flat_lists > 0 => self.flat_lists -= 1,
            TagEnd::BlockQuote(_) => {
                if let Some(Frame::Quote(blocks)) = self.stack.pop() {
                    self.push_block(Block::Quote(blocks));
                }
            }
            TagEnd::CodeBlock => {
                if let Some(Frame::Code(text)) = self.stack.pop() {
                    self.push_block(Block::Code(clean(text.trim_end_matches('\n'))));
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(Frame::Html(text)) = self.stack.pop() {
                    let text = text.trim();
                    if !text.is_empty() {
                        self.push_block(Block::para(text));
                    }
                }
            }
            TagEnd::Item => {
                if let Some(Frame::Item(mut blocks, pending)) = self.stack.pop() {
                    if !pending.is_empty() {
                        blocks.push(Block::Para(pending));
                    }
                    if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                        items.push(blocks);
                    } else {
                        // An item of a list kept flat: its blocks join
                        // whatever holds it.
                        for block in blocks {
                            self.push_block(block);
                        }
                    }
                }
            }
            TagEnd::List(_) => {
                if let Some(Frame::List { start, items }) = self.stack.pop() {
                    self.push_block(Block::List { start, items });
                }
            }
            TagEnd::TableCell => {
                if let Some(Frame::Cell(spans)) = self.stack.pop()
                    && let Some(Frame::Row(cells)) = self.stack.last_mut()
                {
                    cells.push(spans);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Frame::Row(cells)) = self.stack.pop()
                    && let Some(Frame::Table(table, head)) = self.stack.last_mut()
                {
                    if *head && table.header.is_empty() {
                        table.numeric = vec![false; cells.len()];
                        table.header = cells;
                        *head = false;
                    } else {
                        table.rows.push(cells);
                    }
                }
            }
            TagEnd::Table => {
                if let Some(Frame::Table(table, _)) = self.stack.pop() {
                    self.push_block(Block::Table(table));
                }
            }
            _ => {}
        }
    }
}

/// Reads Markdown into blocks. Headings get empty ids; the caller names them.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut b = Builder {
        stack: vec![Frame::Root(Vec::new())],
        flat_quotes: 0,
        flat_lists: 0,
        style: Style::default(),
        strong: 0,
        emph: 0,
        strike: 0,
        links: Vec::new(),
        image: 0,
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => b.start(tag),
            Event::End(tag) => b.end(tag),
            Event::Text(t) => b.text(&t, false),
            Event::Code(t) => b.text(&t, true),
            // Raw HTML is shown as the text it is, never passed through.
            Event::Html(t) | Event::InlineHtml(t) => b.text(&t, false),
            Event::SoftBreak => b.text(" ", false),
            Event::HardBreak => b.text("\n", false),
            Event::Rule => b.push_block(Block::Rule),
            Event::TaskListMarker(done) => b.text(if done { "☑ " } else { "☐ " }, false),
            Event::FootnoteReference(t) => b.text(&format!("[{t}]"), false),
            Event::InlineMath(t) | Event::DisplayMath(t) => b.text(&t, true),
        }
    }
    // Close anything left open (malformed input cannot lose text).
    while b.stack.len() > 1 {
        match b.stack.pop() {
            Some(Frame::Para(s)) | Some(Frame::Heading(_, s)) | Some(Frame::Cell(s)) => {
                b.push_block(Block::Para(s))
            }
            Some(Frame::Code(t)) | Some(Frame::Html(t)) => b.push_block(Block::para(t)),
            _ => {}
        }
    }
    match b.stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headings_lists_emphasis_and_tables() {
        let md = "# Titel\n\nEn *vigtig* og **fed** sætning.\n\n- ét\n- to med `kode`\n\n1. først\n2. så\n\n> citat\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let b = blocks(md);
        assert!(matches!(&b[0], Block::Heading { level: 1, .. }));
        let Block::Para(spans) = &b[1] else {
            panic!("{b:?}")
        };
        assert!(spans.iter().any(|s| s.style.emph && s.text == "vigtig"));
        assert!(spans.iter().any(|s| s.style.strong && s.text == "fed"));
        let Block::List { start: None, items } = &b[2] else {
            panic!("{b:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1][0].plain_text(), "to med kode");
        assert!(matches!(&b[3], Block::List { start: Some(1), .. }));
        assert!(matches!(&b[4], Block::Quote(_)));
        let Block::Table(t) = &b[5] else {
            panic!("{b:?}")
        };
        assert_eq!(t.header.len(), 2);
        assert_eq!(t.rows.len(), 1);
    }

    #[test]
    fn deep_nesting_is_kept_flat_beyond_the_limit_with_all_its_text() {
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::Quote(inner) => 1 + depth(inner),
                    Block::List { items, .. } => {
                        1 + items.iter().map(|i| depth(i)).max().unwrap_or(0)
                    }
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        let mut md = ">".repeat(200);
        md.push_str(" bund\n\n");
        for d in 0..100 {
            md.push_str(&format!("{}- punkt {d}\n", "  ".repeat(d)));
        }
        let b = blocks(&md);
        assert!(depth(&b) <= MAX_NESTING, "{}", depth(&b));
        let text: String = b.iter().map(Block::plain_text).collect();
        assert!(text.contains("bund"));
        for d in 0..100 {
            assert!(text.contains(&format!("punkt {d}")), "{d}");
        }
    }

    #[test]
    fn raw_html_and_images_become_text_and_bad_links_are_dropped() {
        let b = blocks(
            "Før <script>alert(1)</script> efter ![et billede](http://x/y.png) [klik](javascript:alert(1)) [ok](https://sst.dk)\n\n<div>blok</div>\n",
        );
        let text = b[0].plain_text();
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(text.contains("et billede"), "{text}");
        let Block::Para(spans) = &b[0] else { panic!() };
        let links: Vec<&str> = spans.iter().filter_map(|s| s.link.as_deref()).collect();
        assert_eq!(links, ["https://sst.dk"]);
        assert_eq!(b[1].plain_text(), "<div>blok</div>");
    }
}
