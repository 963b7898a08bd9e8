//! DOCX (Word), streamed: `word/document.xml` is written paragraph by
//! paragraph straight into its (deflated) zip entry, so a document of any
//! size needs little more memory than its model. Headings use real heading
//! styles (`heading 1` … with outline levels), so Word's navigation pane
//! and table of contents work; the contents are filled in when the file is
//! made, so they show before Word updates any field. Changes since a
//! meeting are real tracked changes (`w:ins`/`w:del`), which Word and
//! LibreOffice can accept or reject. All text is escaped for XML; control
//! characters, which XML cannot hold, were removed from the model.

use std::collections::HashMap;
use std::io::{self, Seek, Write};

use super::doc::{Block, BoxKind, Document, Mark, Span, Table, headings};
use crate::error::{Error, Result};
use crate::i18n::Lang;

const ACCENT: &str = "0B4F8A";
const MUTED: &str = "5B6573";
/// A4 in twentieths of a point, with 2 cm margins.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN: i32 = 1134;
const TEXT_W: usize = (PAGE_W as usize) - 2 * (MARGIN as usize);
/// Abstract numbering ids: bullets (also the one bullet instance's id) and
/// numbered lists (each ordered list is an instance of its own, from 10).
const BULLETS: usize = 2;
const DECIMAL: usize = 3;
const FIRST_ORDERED: usize = 10;

/// The namespaces of the document and the footers.
const NAMESPACES: &str = "xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w10=\"urn:schemas-microsoft-com:office:word\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" xmlns:wpg=\"http://schemas.microsoft.com/office/word/2010/wordprocessingGroup\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:wp14=\"http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\" mc:Ignorable=\"w14 wp14\"";

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

fn color_of(tone: &str) -> &'static str {
    match tone {
        "met" => "1F6F3A",
        "partly_met" => "8A5A00",
        "not_met" | "open" => "A12626",
        "noted" => "3D4F66",
        _ => MUTED,
    }
}

/// Writes text escaped for XML (element content and attribute values).
fn esc(out: &mut impl Write, s: &str) -> io::Result<()> {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&s.as_bytes()[from..i])?;
        out.write_all(rep)?;
        from = i + 1;
    }
    out.write_all(&s.as_bytes()[from..])
}

fn escaped(s: &str) -> String {
    super::html::escape(s)
}

/// A paragraph's properties.
#[derive(Clone, Copy, Default)]
struct PPr<'s> {
    style: Option<&'s str>,
    keep_next: bool,
    page_break_before: bool,
    /// Numbering instance and level.
    num: Option<(usize, usize)>,
    before: Option<u32>,
    after: Option<u32>,
    /// Left indent and hanging indent.
    ind: Option<(i32, Option<i32>)>,
    jc: Option<&'static str>,
}

impl<'s> PPr<'s> {
    fn style(style: &'s str) -> PPr<'s> {
        PPr {
            style: Some(style),
            ..PPr::default()
        }
    }

    fn indented(self, indent: i32) -> PPr<'s> {
        if indent > 0 {
            PPr {
                ind: Some((indent, None)),
                ..self
            }
        } else {
            self
        }
    }
}

/// A run's properties.
#[derive(Clone, Copy, Default)]
struct RPr {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
    color: Option<&'static str>,
}

impl RPr {
    fn of(s: &Span, bold: bool) -> RPr {
        RPr {
            bold: s.style.strong || bold,
            italic: s.style.emph,
            strike: s.style.strike,
            code: s.style.code,
            color: s.tone.map(color_of),
        }
    }

    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        if !(self.bold || self.italic || self.strike || self.code || self.color.is_some()) {
            return Ok(());
        }
        out.write_all(b"<w:rPr>")?;
        if self.code {
            out.write_all(
                b"<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/>",
            )?;
        }
        if self.bold {
            out.write_all(b"<w:b/><w:bCs/>")?;
        }
        if self.italic {
            out.write_all(b"<w:i/><w:iCs/>")?;
        }
        if self.strike {
            out.write_all(b"<w:strike/>")?;
        }
        if let Some(c) = self.color {
            write!(out, "<w:color w:val=\"{c}\"/>")?;
        }
        out.write_all(b"</w:rPr>")
    }
}

/// The body of `word/document.xml`, written as it is walked.
struct Body<'a, W: Write> {
    out: W,
    doc: &'a Document,
    date: String,
    /// Headings in the contents: their id → bookmark number (see [`bookmark`]).
    bookmarks: HashMap<&'a str, usize>,
    /// Ordered lists met so far: (instance id, level, first number).
    ordered: Vec<(usize, usize, u64)>,
    /// Ids of tracked changes, unique in the document.
    next_change: usize,
    /// Paragraph ids (`w14:paraId`), unique in the document.
    next_para: u32,
}

impl<W: Write> Body<'_, W> {
    fn open_p(&mut self, p: &PPr, mark: Mark) -> io::Result<()> {
        self.next_para += 1;
        write!(self.out, "<w:p w14:paraId=\"{:08x}\">", self.next_para)?;
        let has_props = p.style.is_some()
            || p.keep_next
            || p.page_break_before
            || p.num.is_some()
            || p.before.is_some()
            || p.after.is_some()
            || p.ind.is_some()
            || p.jc.is_some()
            || mark != Mark::None;
        if !has_props {
            return Ok(());
        }
        self.out.write_all(b"<w:pPr>")?;
        if let Some(s) = p.style {
            write!(self.out, "<w:pStyle w:val=\"{s}\"/>")?;
        }
        if p.keep_next {
            self.out.write_all(b"<w:keepNext/>")?;
        }
        if p.page_break_before {
            self.out.write_all(b"<w:pageBreakBefore/>")?;
        }
        if let Some((id, level)) = p.num {
            write!(
                self.out,
                "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr>"
            )?;
        }
        match (p.before, p.after) {
            (None, None) => {}
            (b, a) => {
                self.out.write_all(b"<w:spacing")?;
                if let Some(b) = b {
                    write!(self.out, " w:before=\"{b}\"")?;
                }
                if let Some(a) = a {
                    write!(self.out, " w:after=\"{a}\"")?;
                }
                self.out.write_all(b"/>")?;
            }
        }
        if let Some((left, hanging)) = p.ind {
            write!(self.out, "<w:ind w:left=\"{left}\" w:right=\"0\"")?;
            if let Some(h) = hanging {
                write!(self.out, " w:hanging=\"{h}\"")?;
            }
            self.out.write_all(b"/>")?;
        }
        if let Some(jc) = p.jc {
            write!(self.out, "<w:jc w:val=\"{jc}\"/>")?;
        }
        // A paragraph inserted or deleted whole has its end marked too, so
        // accepting the change leaves no empty paragraph behind.
        match mark {
            Mark::None => {}
            Mark::Inserted | Mark::Deleted => {
                let tag = if mark == Mark::Inserted { "ins" } else { "del" };
                self.out.write_all(b"<w:rPr>")?;
                self.change_start(tag, &self.doc.change_author, true)?;
                self.out.write_all(b"</w:rPr>")?;
            }
        }
        self.out.write_all(b"</w:pPr>")
    }

    /// `<w:ins …>` or `<w:del …>` (`empty`: closed at once, a paragraph mark).
    fn change_start(&mut self, tag: &str, author: &str, empty: bool) -> io::Result<()> {
        write!(
            self.out,
            "<w:{tag} w:id=\"{}\" w:author=\"",
            self.next_change
        )?;
        self.next_change += 1;
        esc(&mut self.out, author)?;
        write!(
            self.out,
            "\" w:date=\"{}\"{}>",
            self.date,
            if empty { "/" } else { "" }
        )
    }

    /// A run of text; `\n` is a line break.
    fn run(&mut self, props: RPr, text: &str, deleted: bool) -> io::Result<()> {
        self.out.write_all(b"<w:r>")?;
        props.write(&mut self.out)?;
        let tag: &[u8] = if deleted { b"w:delText" } else { b"w:t" };
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"<w:br w:type=\"textWrapping\"/>")?;
            }
            if !line.is_empty() {
                self.out.write_all(b"<")?;
                self.out.write_all(tag)?;
                self.out.write_all(b" xml:space=\"preserve\">")?;
                esc(&mut self.out, line)?;
                self.out.write_all(b"</")?;
                self.out.write_all(tag)?;
                self.out.write_all(b">")?;
            }
        }
        self.out.write_all(b"</w:r>")
    }

    /// A run of one piece of text as it is (title page, labels, contents).
    fn plain_run(&mut self, props: RPr, text: &str) -> io::Result<()> {
        self.out.write_all(b"<w:r>")?;
        props.write(&mut self.out)?;
        self.out.write_all(b"<w:t xml:space=\"preserve\">")?;
        esc(&mut self.out, text)?;
        self.out.write_all(b"</w:t></w:r>")
    }

    /// Spans as runs, each inserted or deleted one as a tracked change;
    /// `bold` makes them all bold (table headers, totals).
    fn spans(&mut self, spans: &[Span], bold: bool) -> io::Result<()> {
        for s in spans {
            // A link outside the document is written out after its words.
            let linked;
            let text = match &s.link {
                Some(l) if !l.starts_with('#') && l != &s.text => {
                    linked = format!("{} ({l})", s.text);
                    &linked
                }
                _ => &s.text,
            };
            let props = RPr::of(s, bold);
            let author = s.author.as_deref().unwrap_or(&self.doc.change_author);
            match s.mark {
                Mark::None => self.run(props, text, false)?,
                Mark::Inserted => {
                    self.change_start("ins", author, false)?;
                    self.run(props, text, false)?;
                    self.out.write_all(b"</w:ins>")?;
                }
                Mark::Deleted => {
                    self.change_start("del", author, false)?;
                    self.run(props, text, true)?;
                    self.out.write_all(b"</w:del>")?;
                }
            }
        }
        Ok(())
    }

    /// A whole paragraph of spans.
    fn para(&mut self, p: &PPr, spans: &[Span], bold: bool) -> io::Result<()> {
        let mark = whole_mark(spans);
        self.open_p(p, mark)?;
        self.spans(spans, bold)?;
        self.out.write_all(b"</w:p>")
    }

    /// A paragraph of one run of plain text.
    fn simple(&mut self, p: &PPr, props: RPr, text: &str) -> io::Result<()> {
        self.open_p(p, Mark::None)?;
        self.plain_run(props, text)?;
        self.out.write_all(b"</w:p>")
    }

    fn title_page(&mut self) -> io::Result<()> {
        let doc = self.doc;
        let plain = RPr::default();
        self.simple(&PPr::style("Kicker"), plain, &doc.kicker.to_uppercase())?;
        self.simple(&PPr::style("Title"), plain, &doc.title)?;
        if let Some(s) = &doc.subtitle {
            self.simple(&PPr::style("Subtitle"), plain, s)?;
        }
        for (k, v) in &doc.meta {
            let p = PPr {
                after: Some(60),
                ..PPr::default()
            };
            self.open_p(&p, Mark::None)?;
            let bold = RPr {
                bold: true,
                ..RPr::default()
            };
            self.plain_run(bold, &format!("{k}: "))?;
            self.plain_run(plain, v)?;
            self.out.write_all(b"</w:p>")?;
        }
        if let Some(n) = &doc.note {
            let p = PPr {
                before: Some(360),
                ..PPr::default()
            };
            let props = RPr {
                italic: true,
                color: Some(MUTED),
                ..RPr::default()
            };
            self.simple(&p, props, n)?;
        }
        Ok(())
    }

    /// The contents on a page of their own: a real TOC field that Word
    /// updates (with page numbers) when the file is opened, holding the
    /// entries as linked text meanwhile, so every viewer shows them.
    fn contents(&mut self, entries: &[(u8, &str, String)]) -> io::Result<()> {
        if entries.is_empty() {
            self.open_p(&PPr::default(), Mark::None)?;
            return self
                .out
                .write_all(b"<w:r><w:br w:type=\"page\"/></w:r></w:p>");
        }
        let p = PPr {
            page_break_before: true,
            ..PPr::style("TOCHeading")
        };
        self.simple(&p, RPr::default(), &self.doc.toc_title)?;
        let last = entries.len() - 1;
        for (i, (level, id, text)) in entries.iter().enumerate() {
            let style = if *level == 1 { "TOC1" } else { "TOC2" };
            self.open_p(&PPr::style(style), Mark::None)?;
            if i == 0 {
                self.out.write_all(
                    b"<w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/><w:instrText>TOC \\o &quot;1-2&quot; \\h</w:instrText><w:fldChar w:fldCharType=\"separate\" w:dirty=\"false\"/></w:r>",
                )?;
            }
            let name = self.bookmarks.get(id).map(|n| bookmark(*n));
            write!(
                self.out,
                "<w:hyperlink w:anchor=\"{}\" w:history=\"1\">",
                name.unwrap_or_default()
            )?;
            self.plain_run(RPr::default(), text)?;
            self.out.write_all(b"</w:hyperlink>")?;
            if i == last {
                self.out.write_all(
                    b"<w:r><w:fldChar w:fldCharType=\"end\" w:dirty=\"false\"/></w:r>",
                )?;
            }
            self.out.write_all(b"</w:p>")?;
        }
        Ok(())
    }

    fn block(&mut self, b: &Block, indent: i32) -> io::Result<()> {
        match b {
            Block::Heading { level, text, id } => {
                let style = format!("Heading{}", (*level).clamp(1, 4));
                let p = PPr {
                    keep_next: true,
                    page_break_before: *level == 1 && self.doc.chapters_on_new_pages,
                    ..PPr::style(&style)
                };
                self.open_p(&p, whole_mark(text))?;
                let mark = self.bookmarks.get(id.as_str()).copied();
                if let Some(n) = mark {
                    write!(
                        self.out,
                        "<w:bookmarkStart w:id=\"{n}\" w:name=\"{}\"/>",
                        bookmark(n)
                    )?;
                }
                self.spans(text, false)?;
                if let Some(n) = mark {
                    write!(self.out, "<w:bookmarkEnd w:id=\"{n}\"/>")?;
                }
                self.out.write_all(b"</w:p>")
            }
            Block::Para(text) => self.para(&PPr::default().indented(indent), text, false),
            Block::Note(text) => self.para(&PPr::style("Byline").indented(indent), text, false),
            Block::Code(text) => {
                let props = RPr {
                    code: true,
                    ..RPr::default()
                };
                let p = PPr {
                    after: Some(0),
                    ind: Some((indent + 284, None)),
                    ..PPr::default()
                };
                for line in text.split('\n') {
                    self.open_p(&p, Mark::None)?;
                    self.run(props, line, false)?;
                    self.out.write_all(b"</w:p>")?;
                }
                Ok(())
            }
            Block::Rule => {
                let p = PPr {
                    jc: Some("center"),
                    ..PPr::default()
                };
                let props = RPr {
                    color: Some(MUTED),
                    ..RPr::default()
                };
                self.simple(&p, props, "* * *")
            }
            Block::Quote(blocks) => {
                for inner in blocks {
                    match inner {
                        Block::Para(text) => self.para(&PPr::style("Quote"), text, false)?,
                        other => self.block(other, indent + 567)?,
                    }
                }
                Ok(())
            }
            Block::List { start, items } => self.list(*start, items, 0, indent),
            Block::Table(t) => self.table(t),
            Block::Fields(fields) => {
                for (label, blocks) in fields {
                    let p = PPr {
                        keep_next: true,
                        ..PPr::style("FieldLabel")
                    }
                    .indented(indent);
                    self.simple(&p, RPr::default(), &label.to_uppercase())?;
                    for inner in blocks {
                        self.block(inner, indent)?;
                    }
                }
                Ok(())
            }
            Block::Boxed { kind, blocks } => {
                let inner_indent = match kind {
                    BoxKind::Comment => indent,
                    BoxKind::Reply => indent + 425,
                };
                for inner in blocks {
                    self.block(inner, inner_indent)?;
                }
                Ok(())
            }
        }
    }

    fn list(
        &mut self,
        start: Option<u64>,
        items: &[Vec<Block>],
        depth: usize,
        indent: i32,
    ) -> io::Result<()> {
        let num = match start {
            None => BULLETS,
            Some(n) => {
                let id = FIRST_ORDERED + self.ordered.len();
                self.ordered.push((id, depth, n));
                id
            }
        };
        let text_indent = 360 * (depth as i32 + 1) + indent;
        for item in items {
            for (i, b) in item.iter().enumerate() {
                match b {
                    Block::Para(text) if i == 0 => {
                        let p = PPr {
                            num: Some((num, depth)),
                            after: Some(60),
                            ind: (indent > 0).then_some((text_indent, Some(360))),
                            ..PPr::default()
                        };
                        self.para(&p, text, false)?;
                    }
                    Block::List { start, items } => self.list(*start, items, depth + 1, indent)?,
                    other => self.block(other, text_indent)?,
                }
            }
        }
        Ok(())
    }

    fn table(&mut self, t: &Table) -> io::Result<()> {
        let cols = t.header.len().max(1);
        let numeric = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
        // The builder's relative widths, else count columns narrow and the
        // text columns sharing the rest.
        let grid: Vec<usize> = if t.widths.len() == cols {
            let sum: usize = t
                .widths
                .iter()
                .map(|w| usize::from(*w))
                .sum::<usize>()
                .max(1);
            t.widths
                .iter()
                .map(|w| TEXT_W * usize::from(*w) / sum)
                .collect()
        } else {
            let narrow = 1500.min(TEXT_W / cols);
            let n_narrow = (0..cols).filter(|&i| numeric(i)).count();
            let wide = (TEXT_W - narrow * n_narrow) / (cols - n_narrow).max(1);
            (0..cols)
                .map(|i| if numeric(i) { narrow } else { wide })
                .collect()
        };
        write!(
            self.out,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_W}\" w:type=\"dxa\"/><w:jc w:val=\"left\"/><w:tblBorders>"
        )?;
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            write!(
                self.out,
                "<w:{side} w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"/>"
            )?;
        }
        self.out
            .write_all(b"</w:tblBorders></w:tblPr><w:tblGrid>")?;
        for w in &grid {
            write!(self.out, "<w:gridCol w:w=\"{w}\" w:type=\"dxa\"/>")?;
        }
        self.out.write_all(b"</w:tblGrid>")?;
        let cell = |this: &mut Self, spans: &[Span], i: usize, head: bool, bold: bool| {
            let width = grid[i.min(cols - 1)];
            write!(
                this.out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
            )?;
            if head {
                this.out
                    .write_all(b"<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EEF2F7\"/>")?;
            }
            this.out.write_all(b"</w:tcPr>")?;
            let p = PPr {
                jc: (numeric(i) && !(head && i == 0)).then_some("right"),
                ..PPr::style("TableText")
            };
            this.para(&p, spans, head || bold)?;
            this.out.write_all(b"</w:tc>")
        };
        self.out.write_all(b"<w:tr>")?;
        for (i, c) in t.header.iter().enumerate() {
            cell(self, c, i, true, false)?;
        }
        self.out.write_all(b"</w:tr>")?;
        let last = t.rows.len().saturating_sub(1);
        for (r, row) in t.rows.iter().enumerate() {
            let bold = t.total_row && r == last;
            self.out.write_all(b"<w:tr>")?;
            for (i, c) in row.iter().enumerate() {
                cell(self, c, i, false, bold)?;
            }
            // Every row has as many cells as the header.
            for i in row.len()..cols {
                cell(self, &[], i, false, false)?;
            }
            self.out.write_all(b"</w:tr>")?;
        }
        self.out.write_all(b"</w:tbl>")
    }
}

/// The name of the bookmark on the `n`th heading in the contents.
fn bookmark(n: usize) -> String {
    format!("_Toc{n:08}")
}

/// How a paragraph's end is marked: inserted or deleted when all its spans are.
fn whole_mark(spans: &[Span]) -> Mark {
    if !spans.is_empty() && spans.iter().all(|s| s.mark == Mark::Inserted) {
        Mark::Inserted
    } else if !spans.is_empty() && spans.iter().all(|s| s.mark == Mark::Deleted) {
        Mark::Deleted
    } else {
        Mark::None
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => "da-DK",
        Lang::En => "en-GB",
    }
}

/// The document's properties (title, author, dates).
fn core_xml(doc: &Document, date: &str) -> String {
    let lang = lang_code(doc.lang);
    format!(
        "{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:lastModifiedBy>oplaeg</cp:lastModifiedBy><dc:language>{lang}</dc:language><cp:revision>1</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        escaped(&doc.title),
        escaped(doc.subtitle.as_deref().unwrap_or("")),
        escaped(&doc.author),
    )
}

/// A paragraph style.
struct StyleDef {
    id: &'static str,
    name: &'static str,
    based_on: bool,
    next: bool,
    size: Option<u32>,
    bold: bool,
    italic: bool,
    color: Option<&'static str>,
    before: Option<u32>,
    after: Option<u32>,
    line: Option<u32>,
    /// Left and right indent.
    ind: Option<(u32, u32)>,
    outline: Option<u32>,
}

const PLAIN_STYLE: StyleDef = StyleDef {
    id: "",
    name: "",
    based_on: true,
    next: false,
    size: None,
    bold: false,
    italic: false,
    color: None,
    before: None,
    after: None,
    line: None,
    ind: None,
    outline: None,
};

const fn heading(
    id: &'static str,
    name: &'static str,
    size: u32,
    color: &'static str,
    italic: bool,
    outline: u32,
) -> StyleDef {
    StyleDef {
        id,
        name,
        next: true,
        size: Some(size),
        bold: true,
        italic,
        color: Some(color),
        before: Some(360),
        after: Some(120),
        outline: Some(outline),
        ..PLAIN_STYLE
    }
}

const STYLES: [StyleDef; 15] = [
    StyleDef {
        id: "Normal",
        name: "Normal",
        based_on: false,
        after: Some(140),
        line: Some(276),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "Title",
        name: "Title",
        size: Some(56),
        bold: true,
        color: Some(ACCENT),
        before: Some(2400),
        after: Some(240),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "Subtitle",
        name: "Subtitle",
        size: Some(32),
        color: Some(MUTED),
        after: Some(720),
        ..PLAIN_STYLE
    },
    heading("Heading1", "heading 1", 36, ACCENT, false, 0),
    heading("Heading2", "heading 2", 28, ACCENT, false, 1),
    heading("Heading3", "heading 3", 24, "1D2430", false, 2),
    heading("Heading4", "heading 4", 22, "1D2430", true, 3),
    StyleDef {
        id: "TOCHeading",
        name: "TOC Heading",
        size: Some(32),
        bold: true,
        color: Some(ACCENT),
        after: Some(240),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "TOC1",
        name: "toc 1",
        next: true,
        bold: true,
        before: Some(120),
        after: Some(40),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "TOC2",
        name: "toc 2",
        next: true,
        ind: Some((440, 0)),
        after: Some(40),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "Kicker",
        name: "Kicker",
        size: Some(20),
        bold: true,
        color: Some(ACCENT),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "Quote",
        name: "Quote",
        italic: true,
        color: Some("333C48"),
        ind: Some((567, 567)),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "Byline",
        name: "Byline",
        size: Some(18),
        color: Some(MUTED),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "FieldLabel",
        name: "Field Label",
        size: Some(17),
        bold: true,
        color: Some(MUTED),
        before: Some(160),
        after: Some(40),
        ..PLAIN_STYLE
    },
    StyleDef {
        id: "TableText",
        name: "Table Text",
        size: Some(19),
        after: Some(0),
        line: Some(240),
        ..PLAIN_STYLE
    },
];

/// `word/styles.xml`: Arial 10.5 pt in the document's language, and the
/// paragraph styles above.
fn styles_xml(lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "{XML_HEAD}<w:styles xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\" mc:Ignorable=\"w14 w15\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\" w:eastAsia=\"Arial\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"{}\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>",
        lang_code(lang)
    );
    for st in &STYLES {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"{}\"><w:name w:val=\"{}\"/>",
            st.id, st.name
        );
        if st.based_on {
            s.push_str("<w:basedOn w:val=\"Normal\"/>");
        }
        if st.next {
            s.push_str("<w:next w:val=\"Normal\"/>");
        }
        s.push_str("<w:qFormat/>");
        let spacing = st.before.is_some() || st.after.is_some() || st.line.is_some();
        if spacing || st.ind.is_some() || st.outline.is_some() {
            s.push_str("<w:pPr>");
            if spacing {
                s.push_str("<w:spacing");
                for (k, v) in [
                    ("before", st.before),
                    ("after", st.after),
                    ("line", st.line),
                ] {
                    if let Some(v) = v {
                        let _ = write!(s, " w:{k}=\"{v}\"");
                    }
                }
                s.push_str("/>");
            }
            if let Some((l, r)) = st.ind {
                let _ = write!(s, "<w:ind w:left=\"{l}\" w:right=\"{r}\"/>");
            }
            if let Some(o) = st.outline {
                let _ = write!(s, "<w:outlineLvl w:val=\"{o}\"/>");
            }
            s.push_str("</w:pPr>");
        }
        if st.bold || st.italic || st.color.is_some() || st.size.is_some() {
            s.push_str("<w:rPr>");
            if st.bold {
                s.push_str("<w:b/><w:bCs/>");
            }
            if st.italic {
                s.push_str("<w:i/><w:iCs/>");
            }
            if let Some(c) = st.color {
                let _ = write!(s, "<w:color w:val=\"{c}\"/>");
            }
            if let Some(z) = st.size {
                let _ = write!(s, "<w:sz w:val=\"{z}\"/><w:szCs w:val=\"{z}\"/>");
            }
            s.push_str("</w:rPr>");
        }
        s.push_str("</w:style>");
    }
    s.push_str("</w:styles>");
    s
}

/// `word/numbering.xml`: bullets, numbered lists, and an instance of the
/// numbered list for each ordered list, starting at its first number.
fn numbering_xml(ordered: &[(usize, usize, u64)]) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "{XML_HEAD}<w:numbering xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    );
    for (id, bullets) in [(BULLETS, true), (DECIMAL, false)] {
        let _ = write!(s, "<w:abstractNum w:abstractNumId=\"{id}\">");
        for level in 0..6usize {
            let (format, text) = if bullets {
                ("bullet", ["•", "◦", "▪"][level % 3].to_string())
            } else {
                (
                    ["decimal", "lowerLetter", "lowerRoman"][level % 3],
                    format!("%{}.", level + 1),
                )
            };
            let indent = 360 * (level + 1);
            let _ = write!(
                s,
                "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/><w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{indent}\" w:right=\"0\" w:hanging=\"360\"/></w:pPr></w:lvl>"
            );
        }
        s.push_str("</w:abstractNum>");
    }
    let _ = write!(
        s,
        "<w:num w:numId=\"{BULLETS}\"><w:abstractNumId w:val=\"{BULLETS}\"/></w:num>"
    );
    for (id, level, start) in ordered {
        let _ = write!(
            s,
            "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"{DECIMAL}\"/><w:lvlOverride w:ilvl=\"{level}\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>"
        );
    }
    s.push_str("</w:numbering>");
    s
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/></Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>oplaeg</Application></Properties>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/><Relationship Id=\"rIdFooter1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/><Relationship Id=\"rIdFooter2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/></Relationships>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"840\"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:useFELayout/><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/><w:compatSetting w:name=\"overrideTableStyleFontSizeAndJustification\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"1\"/><w:compatSetting w:name=\"enableOpenTypeFeatures\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"1\"/><w:compatSetting w:name=\"doNotFlipMirrorIndents\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"1\"/><w:compatSetting w:name=\"differentiateMultirowTableHeaders\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"1\"/><w:compatSetting w:name=\"useWord2013TrackBottomHyphenation\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"0\"/></w:compat></w:settings>";

const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Symbol\"><w:charset w:val=\"02\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Arial\"><w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Consolas\"><w:charset w:val=\"00\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font></w:fonts>";

/// Page numbers, centred, on every page but the title page.
fn footer_xml(page_number: bool) -> String {
    let body = if page_number {
        "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"false\"/><w:instrText>PAGE</w:instrText><w:fldChar w:fldCharType=\"separate\" w:dirty=\"false\"/><w:t xml:space=\"preserve\">1</w:t><w:fldChar w:fldCharType=\"end\" w:dirty=\"false\"/></w:r></w:p>"
    } else {
        "<w:p/>"
    };
    format!("{XML_HEAD}<w:ftr {NAMESPACES}>{body}</w:ftr>")
}

/// Writes a document as a DOCX file into `out`, `word/document.xml`
/// streamed as the model is walked. Entries have the fixed 1980 time stamp,
/// so the same document gives the same bytes.
pub fn write<W: Write + Seek>(doc: &Document, out: W) -> Result<W> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::Invalid(crate::tr!(
            "Word-filen kunne ikke laves: {e}",
            "the Word file could not be made: {e}"
        ))
    };
    write_zip(doc, out).map_err(|e| failed(&e))
}

fn write_zip<W: Write + Seek>(doc: &Document, out: W) -> zip::result::ZipResult<W> {
    use zip::write::SimpleFileOptions;
    let date = doc.date.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(out);
    let small_parts: [(&str, &str); 4] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/app.xml", APP),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
    ];
    for (name, text) in small_parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("docProps/core.xml", options)?;
    zip.write_all(core_xml(doc, &date).as_bytes())?;

    zip.start_file("word/document.xml", options)?;
    let ordered = {
        let mut body = Body {
            out: io::BufWriter::with_capacity(64 * 1024, &mut zip),
            doc,
            date,
            bookmarks: HashMap::new(),
            ordered: Vec::new(),
            next_change: 0,
            next_para: 0,
        };
        body.document()?;
        body.out.flush()?;
        body.ordered
    };
    let parts: [(&str, String); 6] = [
        ("word/styles.xml", styles_xml(doc.lang)),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", FONT_TABLE.to_string()),
        ("word/numbering.xml", numbering_xml(&ordered)),
        ("word/footer1.xml", footer_xml(true)),
        ("word/footer2.xml", footer_xml(false)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.finish()
}

impl<W: Write> Body<'_, W> {
    /// The whole of `word/document.xml`.
    fn document(&mut self) -> io::Result<()> {
        write!(self.out, "{XML_HEAD}<w:document {NAMESPACES}><w:body>")?;
        self.title_page()?;
        let doc = self.doc;
        let entries: Vec<(u8, &str, String)> = if doc.toc {
            headings(&doc.blocks)
                .into_iter()
                .filter(|(l, _, _)| *l <= 2)
                .collect()
        } else {
            Vec::new()
        };
        for (i, (_, id, _)) in entries.iter().enumerate() {
            self.bookmarks.insert(id, i + 1);
        }
        self.contents(&entries)?;
        drop(entries);
        for b in &doc.blocks {
            self.block(b, 0)?;
        }
        write!(
            self.out,
            "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/><w:footerReference w:type=\"first\" r:id=\"rIdFooter2\"/><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/><w:pgMar w:top=\"{}\" w:right=\"{MARGIN}\" w:bottom=\"{}\" w:left=\"{MARGIN}\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/><w:cols w:space=\"425\" w:num=\"1\"/><w:titlePg/></w:sectPr></w:body></w:document>",
            MARGIN + 113,
            MARGIN + 227
        )
    }
}
