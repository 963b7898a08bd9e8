//! DOCX (Word) through docx-rs. Headings use real heading styles
//! (`heading 1` … with outline levels), so Word's navigation pane and
//! table of contents work; the contents are filled in when the file is
//! made, so they show before Word updates any field. Changes since a
//! meeting are real tracked changes (`w:ins`/`w:del`), which Word and
//! LibreOffice can accept or reject. docx-rs escapes all text for XML;
//! control characters, which XML cannot hold, were removed from the model.

use std::collections::HashMap;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Delete, Docx, FieldCharType, Footer, Hyperlink,
    HyperlinkType, IndentLevel, Insert, InstrText, InstrToC, Level, LevelJc, LevelOverride,
    LevelText, LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Shading, SpecialIndentType, Start, Style, StyleType, TableCell, TableRow,
    WidthType,
};

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
/// Numbering ids (abstract and instance) for bullets, and the abstract id
/// of numbered lists; docx-rs always writes a decimal numbering with id 1.
const BULLETS: usize = 2;
const DECIMAL: usize = 3;

struct Ctx {
    /// Numbering instances: bullets use id 1; each ordered list gets its own.
    numberings: Vec<Numbering>,
    next_num: usize,
    author: String,
    date: String,
    /// Headings in the contents: their id → (bookmark id, bookmark name).
    bookmarks: HashMap<String, (usize, String)>,
}

fn color_of(tone: &str) -> &'static str {
    match tone {
        "met" => "1F6F3A",
        "partly_met" => "8A5A00",
        "not_met" | "open" => "A12626",
        "noted" => "3D4F66",
        _ => MUTED,
    }
}

fn styles(docx: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, outline: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(size)
            .bold()
            .color(ACCENT)
            .outline_lvl(outline)
            .line_spacing(LineSpacing::new().before(360).after(120))
    };
    docx.add_style(
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .line_spacing(LineSpacing::new().after(140).line(276)),
    )
    .add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .q_format(true)
            .size(56)
            .bold()
            .color(ACCENT)
            .line_spacing(LineSpacing::new().before(2400).after(240)),
    )
    .add_style(
        Style::new("Subtitle", StyleType::Paragraph)
            .name("Subtitle")
            .based_on("Normal")
            .q_format(true)
            .size(32)
            .color(MUTED)
            .line_spacing(LineSpacing::new().after(720)),
    )
    .add_style(heading("Heading1", "heading 1", 36, 0))
    .add_style(heading("Heading2", "heading 2", 28, 1))
    .add_style(heading("Heading3", "heading 3", 24, 2).color("1D2430"))
    .add_style(
        heading("Heading4", "heading 4", 22, 3)
            .color("1D2430")
            .italic(),
    )
    .add_style(
        Style::new("TOCHeading", StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Normal")
            .size(32)
            .bold()
            .color(ACCENT)
            .line_spacing(LineSpacing::new().after(240)),
    )
    .add_style(
        Style::new("TOC1", StyleType::Paragraph)
            .name("toc 1")
            .based_on("Normal")
            .next("Normal")
            .bold()
            .line_spacing(LineSpacing::new().before(120).after(40)),
    )
    .add_style(
        Style::new("TOC2", StyleType::Paragraph)
            .name("toc 2")
            .based_on("Normal")
            .next("Normal")
            .indent(Some(440), None, None, None)
            .line_spacing(LineSpacing::new().after(40)),
    )
    .add_style(
        Style::new("Kicker", StyleType::Paragraph)
            .name("Kicker")
            .based_on("Normal")
            .size(20)
            .bold()
            .color(ACCENT),
    )
    .add_style(
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .q_format(true)
            .italic()
            .color("333C48")
            .indent(Some(567), None, Some(567), None),
    )
    .add_style(
        Style::new("Byline", StyleType::Paragraph)
            .name("Byline")
            .based_on("Normal")
            .size(18)
            .color(MUTED),
    )
    .add_style(
        Style::new("FieldLabel", StyleType::Paragraph)
            .name("Field Label")
            .based_on("Normal")
            .size(17)
            .bold()
            .color(MUTED)
            .line_spacing(LineSpacing::new().before(160).after(40)),
    )
    .add_style(
        Style::new("TableText", StyleType::Paragraph)
            .name("Table Text")
            .based_on("Normal")
            .size(19)
            .line_spacing(LineSpacing::new().after(0).line(240)),
    )
}

fn numbering_definitions(docx: Docx) -> Docx {
    let mut bullets = AbstractNumbering::new(BULLETS);
    let mut decimal = AbstractNumbering::new(DECIMAL);
    for level in 0..6 {
        let indent = 360 * (level as i32 + 1);
        let symbol = ["•", "◦", "▪"][level % 3];
        bullets = bullets.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new("bullet"),
                LevelText::new(symbol),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
        decimal = decimal.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(["decimal", "lowerLetter", "lowerRoman"][level % 3]),
                LevelText::new(format!("%{}.", level + 1)),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    docx.add_abstract_numbering(bullets)
        .add_abstract_numbering(decimal)
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

fn run_of(s: &Span, text: &str, deleted: bool) -> Run {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        if !line.is_empty() {
            run = if deleted {
                run.add_delete_text(line)
            } else {
                run.add_text(line)
            };
        }
    }
    if s.style.strong {
        run = run.bold();
    }
    if s.style.emph {
        run = run.italic();
    }
    if s.style.strike {
        run = run.strike();
    }
    if s.style.code {
        run = run.fonts(
            RunFonts::new()
                .ascii("Consolas")
                .hi_ansi("Consolas")
                .cs("Consolas"),
        );
    }
    if let Some(tone) = s.tone {
        run = run.color(color_of(tone));
    }
    run
}

impl Ctx {
    /// Adds spans to a paragraph, each inserted or deleted one as a tracked change.
    fn spans(&self, mut p: Paragraph, spans: &[Span]) -> Paragraph {
        for s in spans {
            // A link outside the document is written out after its words.
            let text = match &s.link {
                Some(l) if !l.starts_with('#') && l != &s.text => format!("{} ({l})", s.text),
                _ => s.text.clone(),
            };
            let author = s.author.as_deref().unwrap_or(&self.author);
            p = match s.mark {
                Mark::None => p.add_run(run_of(s, &text, false)),
                Mark::Inserted => p.add_insert(
                    Insert::new(run_of(s, &text, false))
                        .author(author)
                        .date(&self.date),
                ),
                Mark::Deleted => p.add_delete(
                    Delete::new()
                        .add_run(run_of(s, &text, true))
                        .author(author)
                        .date(&self.date),
                ),
            };
        }
        // A paragraph inserted or deleted whole has its end marked too, so
        // accepting the change leaves no empty paragraph behind.
        if !spans.is_empty() && spans.iter().all(|s| s.mark == Mark::Inserted) {
            p = p.insert(&self.author, &self.date);
        } else if !spans.is_empty() && spans.iter().all(|s| s.mark == Mark::Deleted) {
            p = p.delete(&self.author, &self.date);
        }
        p
    }

    fn block(&mut self, b: &Block, indent: i32, doc: &Document, out: &mut Vec<Child>) {
        let ind = |p: Paragraph| {
            if indent > 0 {
                p.indent(Some(indent), None, None, None)
            } else {
                p
            }
        };
        match b {
            Block::Heading { level, text, id } => {
                let style = format!("Heading{}", (*level).clamp(1, 4));
                let mut p = Paragraph::new().style(&style).keep_next(true);
                if *level == 1 && doc.chapters_on_new_pages {
                    p = p.page_break_before(true);
                }
                let mark = self.bookmarks.get(id).cloned();
                if let Some((n, name)) = &mark {
                    p = p.add_bookmark_start(*n, name);
                }
                p = self.spans(p, text);
                if let Some((n, _)) = mark {
                    p = p.add_bookmark_end(n);
                }
                out.push(Child::p(p));
            }
            Block::Para(text) => out.push(Child::p(ind(self.spans(Paragraph::new(), text)))),
            Block::Note(text) => out.push(Child::p(ind(
                self.spans(Paragraph::new().style("Byline"), text)
            ))),
            Block::Code(text) => {
                for line in text.split('\n') {
                    let s = Span {
                        style: super::doc::Style {
                            code: true,
                            ..Default::default()
                        },
                        ..Span::plain(line)
                    };
                    let p = Paragraph::new()
                        .line_spacing(LineSpacing::new().after(0))
                        .indent(Some(indent + 284), None, None, None);
                    out.push(Child::p(self.spans(p, &[s])));
                }
            }
            Block::Rule => out.push(Child::p(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("* * *").color(MUTED)),
            )),
            Block::Quote(blocks) => {
                for inner in blocks {
                    match inner {
                        Block::Para(text) => {
                            out.push(Child::p(self.spans(Paragraph::new().style("Quote"), text)))
                        }
                        other => self.block(other, indent + 567, doc, out),
                    }
                }
            }
            Block::List { start, items } => self.list(*start, items, 0, indent, doc, out),
            Block::Table(t) => out.push(Child::t(self.table(t))),
            Block::Fields(fields) => {
                for (label, blocks) in fields {
                    out.push(Child::p(ind(Paragraph::new()
                        .style("FieldLabel")
                        .keep_next(true)
                        .add_run(Run::new().add_text(label.to_uppercase())))));
                    for inner in blocks {
                        self.block(inner, indent, doc, out);
                    }
                }
            }
            Block::Boxed { kind, blocks } => {
                let inner_indent = match kind {
                    BoxKind::Comment => indent,
                    BoxKind::Reply => indent + 425,
                };
                for inner in blocks {
                    self.block(inner, inner_indent, doc, out);
                }
            }
        }
    }

    fn list(
        &mut self,
        start: Option<u64>,
        items: &[Vec<Block>],
        depth: usize,
        indent: i32,
        doc: &Document,
        out: &mut Vec<Child>,
    ) {
        let num = match start {
            None => BULLETS,
            Some(n) => {
                let id = self.next_num;
                self.next_num += 1;
                self.numberings.push(
                    Numbering::new(id, DECIMAL)
                        .add_override(LevelOverride::new(depth).start(n as usize)),
                );
                id
            }
        };
        let text_indent = 360 * (depth as i32 + 1) + indent;
        for item in items {
            let mut first = true;
            for b in item {
                match b {
                    Block::Para(text) if first => {
                        let mut p = Paragraph::new()
                            .numbering(NumberingId::new(num), IndentLevel::new(depth))
                            .line_spacing(LineSpacing::new().after(60));
                        if indent > 0 {
                            p = p.indent(
                                Some(text_indent),
                                Some(SpecialIndentType::Hanging(360)),
                                None,
                                None,
                            );
                        }
                        out.push(Child::p(self.spans(p, text)));
                    }
                    Block::List { start, items } => {
                        self.list(*start, items, depth + 1, indent, doc, out)
                    }
                    other => self.block(other, text_indent, doc, out),
                }
                first = false;
            }
        }
    }

    fn table(&self, t: &Table) -> docx_rs::Table {
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
        let cell = |spans: &[Span], i: usize, head: bool, bold: bool| {
            let mut p = Paragraph::new().style("TableText");
            if numeric(i) && !(head && i == 0) {
                p = p.align(AlignmentType::Right);
            }
            let spans: Vec<Span> = spans
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.style.strong |= head || bold;
                    s
                })
                .collect();
            let mut c = TableCell::new()
                .add_paragraph(self.spans(p, &spans))
                .width(grid[i.min(cols - 1)], WidthType::Dxa);
            if head {
                c = c.shading(Shading::new().fill("EEF2F7"));
            }
            c
        };
        let mut rows = vec![TableRow::new(
            t.header
                .iter()
                .enumerate()
                .map(|(i, c)| cell(c, i, true, false))
                .collect(),
        )];
        let last = t.rows.len().saturating_sub(1);
        for (r, row) in t.rows.iter().enumerate() {
            let bold = t.total_row && r == last;
            let mut cells: Vec<TableCell> = row
                .iter()
                .enumerate()
                .map(|(i, c)| cell(c, i, false, bold))
                .collect();
            // Every row has as many cells as the header.
            while cells.len() < cols {
                cells.push(cell(&[], cells.len(), false, false));
            }
            rows.push(TableRow::new(cells));
        }
        docx_rs::Table::new(rows)
            .set_grid(grid)
            .width(TEXT_W, WidthType::Dxa)
    }
}

enum Child {
    P(Box<Paragraph>),
    T(Box<docx_rs::Table>),
}

impl Child {
    fn p(p: Paragraph) -> Child {
        Child::P(Box::new(p))
    }
    fn t(t: docx_rs::Table) -> Child {
        Child::T(Box::new(t))
    }
}

fn xml_escape(s: &str) -> String {
    super::html::escape(s)
}

/// The document's properties (title, author, dates), which docx-rs leaves
/// as "unknown".
fn core_xml(doc: &Document, date: &str) -> Vec<u8> {
    let lang = match doc.lang {
        Lang::Da => "da-DK",
        Lang::En => "en-GB",
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:lastModifiedBy>oplaeg</cp:lastModifiedBy><dc:language>{lang}</dc:language><cp:revision>1</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        xml_escape(&doc.title),
        xml_escape(doc.subtitle.as_deref().unwrap_or("")),
        xml_escape(&doc.author),
    )
    .into_bytes()
}

/// Renders a document as a DOCX file.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let date = doc.date.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut ctx = Ctx {
        numberings: Vec::new(),
        next_num: 10,
        author: doc.change_author.clone(),
        date: date.clone(),
        bookmarks: HashMap::new(),
    };
    let font = RunFonts::new()
        .ascii("Arial")
        .hi_ansi("Arial")
        .cs("Arial")
        .east_asia("Arial");
    let mut docx = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN + 113)
                .bottom(MARGIN + 227)
                .left(MARGIN)
                .right(MARGIN)
                .header(709)
                .footer(709),
        )
        .default_fonts(font)
        .default_size(21);
    docx = numbering_definitions(styles(docx));

    // Title page.
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Kicker")
            .add_run(Run::new().add_text(doc.kicker.to_uppercase())),
    );
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(&doc.title)),
    );
    if let Some(s) = &doc.subtitle {
        docx = docx.add_paragraph(
            Paragraph::new()
                .style("Subtitle")
                .add_run(Run::new().add_text(s)),
        );
    }
    for (k, v) in &doc.meta {
        docx = docx.add_paragraph(
            Paragraph::new()
                .line_spacing(LineSpacing::new().after(60))
                .add_run(Run::new().add_text(format!("{k}: ")).bold())
                .add_run(Run::new().add_text(v)),
        );
    }
    if let Some(n) = &doc.note {
        docx = docx.add_paragraph(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(360))
                .add_run(Run::new().add_text(n).italic().color(MUTED)),
        );
    }
    // The contents on a page of their own: a real TOC field that Word
    // updates (with page numbers) when the file is opened, holding the
    // entries as linked text meanwhile, so every viewer shows them.
    let entries: Vec<(u8, &str, String)> = if doc.toc {
        headings(&doc.blocks)
            .into_iter()
            .filter(|(l, _, _)| *l <= 2)
            .collect()
    } else {
        Vec::new()
    };
    for (i, (_, id, _)) in entries.iter().enumerate() {
        ctx.bookmarks
            .insert(id.to_string(), (i + 1, format!("_Toc{:08}", i + 1)));
    }
    if entries.is_empty() {
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    } else {
        docx = docx.add_paragraph(
            Paragraph::new()
                .style("TOCHeading")
                .page_break_before(true)
                .add_run(Run::new().add_text(&doc.toc_title)),
        );
        let last = entries.len() - 1;
        for (i, (level, id, text)) in entries.iter().enumerate() {
            let style = if *level == 1 { "TOC1" } else { "TOC2" };
            let mut p = Paragraph::new().style(style);
            if i == 0 {
                p = p.add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, true)
                        .add_instr_text(InstrText::TOC(
                            InstrToC::new().heading_styles_range(1, 2).hyperlink(),
                        ))
                        .add_field_char(FieldCharType::Separate, false),
                );
            }
            let name = ctx
                .bookmarks
                .get(*id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            p = p.add_hyperlink(
                Hyperlink::new(name, HyperlinkType::Anchor).add_run(Run::new().add_text(text)),
            );
            if i == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            docx = docx.add_paragraph(p);
        }
    }

    let mut children = Vec::new();
    for b in &doc.blocks {
        ctx.block(b, 0, doc, &mut children);
    }
    for child in children {
        docx = match child {
            Child::P(p) => docx.add_paragraph(*p),
            Child::T(t) => docx.add_table(*t),
        };
    }
    for n in std::mem::take(&mut ctx.numberings) {
        docx = docx.add_numbering(n);
    }
    // Page numbers, except on the title page.
    docx = docx
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_page_num(PageNum::new()),
            ),
        )
        .first_footer(Footer::new().add_paragraph(Paragraph::new()))
        .title_pg();

    let mut xml = docx.build();
    xml.doc_props.core = core_xml(doc, &date);
    // The document's language, for spelling and hyphenation.
    let lang = match doc.lang {
        Lang::Da => "da-DK",
        Lang::En => "en-GB",
    };
    let styles = String::from_utf8_lossy(&xml.styles).into_owned();
    if let Some(at) = styles.find("<w:rPrDefault><w:rPr>") {
        let insert = at + "<w:rPrDefault><w:rPr>".len();
        let mut s = styles.clone();
        s.insert_str(insert, &format!("<w:lang w:val=\"{lang}\" />"));
        xml.styles = s.into_bytes();
    }
    let failed = |e: &dyn std::fmt::Display| {
        Error::Invalid(crate::tr!(
            "Word-filen kunne ikke laves: {e}",
            "the Word file could not be made: {e}"
        ))
    };
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| failed(&e))?;
    deflate(&out.into_inner()).map_err(|e| failed(&e))
}

/// docx-rs stores its parts uncompressed; the same parts deflated make a
/// file a seventh of the size. Entries keep their order and the fixed
/// 1980 time stamp, so the same document gives the same bytes.
fn deflate(stored: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut part = input.by_index(i)?;
        if part.is_dir() {
            continue;
        }
        let name = part.name().to_string();
        out.start_file(name, options)?;
        std::io::copy(&mut part, &mut out)?;
    }
    Ok(out.finish()?.into_inner())
}
