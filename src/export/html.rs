//! HTML: one self-contained HTML5 file. The style sheet is inline, there is
//! no script, and a Content-Security-Policy forbids loading anything, so the
//! file opens the same offline, in a mail attachment or from a web server.
//! A print style sheet gives A4 pages with each chapter on a new page.
//! Every piece of text is escaped; nothing from the workspace becomes markup.

use std::fmt::Write;

use super::doc::{Block, BoxKind, Document, Mark, Span, Table, headings};
use crate::i18n::Lang;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1d2430; --muted: #5b6573; --line: #d5dae1; --accent: #0b4f8a;
  --met: #1f6f3a; --partly: #8a5a00; --not: #a12626; --noted: #3d4f66; --open: #a12626; }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0; color: var(--ink); background: #f4f5f7;
  font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  line-height: 1.55; }
.page { max-width: 56rem; margin: 2rem auto; background: #fff; padding: 3rem 3.5rem;
  box-shadow: 0 1px 4px rgba(0,0,0,.08); }
.titlepage { border-bottom: 3px solid var(--accent); padding-bottom: 2rem; margin-bottom: 2rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--accent);
  font-weight: 600; font-size: .85rem; margin: 0 0 2.5rem; }
.doc-title { font-size: 2.3rem; line-height: 1.2; margin: 0 0 .4rem; }
.subtitle { font-size: 1.25rem; color: var(--muted); margin: 0 0 2rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.note { margin-top: 1.5rem; padding: .75rem 1rem; background: #f1f5fa; border-left: 4px solid var(--accent); }
nav.toc h2 { font-size: 1.3rem; }
nav.toc ol { list-style: none; padding-left: 0; }
nav.toc ol ol { padding-left: 1.4rem; font-size: .95rem; }
nav.toc li { margin: .2rem 0; }
nav.toc a { color: var(--ink); text-decoration: none; border-bottom: 1px dotted var(--line); }
h2, h3, h4, h5, h6 { line-height: 1.25; margin: 2rem 0 .6rem; }
h2 { font-size: 1.65rem; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
h3 { font-size: 1.3rem; }
h4 { font-size: 1.1rem; }
h5, h6 { font-size: 1rem; }
p { margin: 0 0 .8rem; }
blockquote { margin: .4rem 0 .8rem; padding: .4rem 1rem; border-left: 4px solid var(--line);
  color: #333c48; background: #fafbfc; font-style: italic; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; white-space: pre-wrap; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { font-size: .8rem; }
table.wide th, table.wide td { padding: .3rem .35rem; }
tr.total td { font-weight: 700; background: #f7f8fa; }
.comment { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1.2rem .6rem; margin: 1.2rem 0; }
.comment h4 { margin-top: .9rem; }
.reply { border-left: 3px solid var(--line); padding: .1rem 0 .1rem 1rem; margin: .5rem 0; }
.byline { color: var(--muted); font-size: .9rem; margin-bottom: .6rem; }
dl.fields { margin: 0; }
dl.fields dt { font-weight: 700; font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); margin-top: .8rem; }
dl.fields dd { margin: .2rem 0 0; }
.tone-met { color: var(--met); } .tone-partly_met { color: var(--partly); }
.tone-not_met { color: var(--not); } .tone-noted { color: var(--noted); }
.tone-open { color: var(--open); } .tone-withdrawn { color: var(--muted); }
ins { color: #0f5d2a; background: #e3f4e8; text-decoration: underline; }
del { color: #9b1c1c; background: #fbe7e7; text-decoration: line-through; }
hr { border: 0; border-top: 1px solid var(--line); margin: 1.5rem 0; }
a { color: var(--accent); }
@media (max-width: 40rem) { .page { padding: 1.5rem 1.2rem; margin: 0; } html { font-size: 16px; } }
@page { size: A4; margin: 2.2cm 2cm 2.4cm; }
@media print {
  html { font-size: 11pt; }
  body { background: #fff; }
  .page { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  .titlepage { border-bottom: 0; min-height: 22cm; break-after: page; }
  nav.toc { break-after: page; }
  h2.chapter { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  tr, blockquote { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  ins { background: none; } del { background: none; }
}
"#;

/// Writes a document as one HTML5 file, a top-level block at a time.
pub fn write(doc: &Document, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let lang = match doc.lang {
        Lang::Da => "da",
        Lang::En => "en",
    };
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"generator\" content=\"oplaeg\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        escape(&doc.title)
    );
    o.push_str("<header class=\"titlepage\">\n");
    let _ = writeln!(o, "<p class=\"kicker\">{}</p>", escape(&doc.kicker));
    let _ = writeln!(o, "<h1 class=\"doc-title\">{}</h1>", escape(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(o, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    if !doc.meta.is_empty() {
        o.push_str("<dl class=\"meta\">\n");
        for (k, v) in &doc.meta {
            let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        o.push_str("</dl>\n");
    }
    if let Some(n) = &doc.note {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(n));
    }
    o.push_str("</header>\n");
    if doc.toc {
        toc(doc, &mut o);
    }
    o.push_str("<main>\n");
    for b in &doc.blocks {
        block(b, doc, &mut o);
        if o.len() >= CHUNK {
            out.write_all(o.as_bytes())?;
            o.clear();
        }
    }
    o.push_str("</main>\n</div>\n</body>\n</html>\n");
    out.write_all(o.as_bytes())
}

/// How much text is gathered before it is written out.
const CHUNK: usize = 64 * 1024;

fn toc(doc: &Document, o: &mut String) {
    let hs: Vec<_> = headings(&doc.blocks)
        .into_iter()
        .filter(|(l, _, _)| *l <= 2)
        .collect();
    if hs.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<nav class=\"toc\" aria-label=\"{0}\">\n<h2>{0}</h2>\n<ol>\n",
        escape(&doc.toc_title)
    );
    let mut open_sub = false;
    for (i, (level, id, text)) in hs.iter().enumerate() {
        if *level == 1 {
            if open_sub {
                o.push_str("</ol>");
                open_sub = false;
            }
            if i > 0 {
                o.push_str("</li>\n");
            }
            let _ = write!(o, "<li><a href=\"#{}\">{}</a>", escape(id), escape(text));
        } else {
            if !open_sub {
                o.push_str("\n<ol>\n");
                open_sub = true;
            }
            let _ = writeln!(
                o,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(id),
                escape(text)
            );
        }
    }
    if open_sub {
        o.push_str("</ol>");
    }
    o.push_str("</li>\n</ol>\n</nav>\n");
}

fn spans(list: &[Span], o: &mut String) {
    for s in list {
        span(s, o);
    }
}

fn span(s: &Span, o: &mut String) {
    let mut open: Vec<&str> = Vec::new();
    let mut start = |tag: &'static str, attrs: String, o: &mut String| {
        let _ = write!(o, "<{tag}{attrs}>");
        open.push(tag);
    };
    match s.mark {
        Mark::Inserted => start("ins", String::new(), o),
        Mark::Deleted => start("del", String::new(), o),
        Mark::None => {}
    }
    if let Some(link) = &s.link {
        start("a", format!(" href=\"{}\"", escape(link)), o);
    }
    if let Some(tone) = s.tone {
        start("span", format!(" class=\"tone-{}\"", escape(tone)), o);
    }
    if s.style.strong {
        start("strong", String::new(), o);
    }
    if s.style.emph {
        start("em", String::new(), o);
    }
    if s.style.strike {
        start("s", String::new(), o);
    }
    if s.style.code {
        start("code", String::new(), o);
    }
    for (i, line) in s.text.split('\n').enumerate() {
        if i > 0 {
            o.push_str("<br>");
        }
        o.push_str(&escape(line));
    }
    for tag in open.iter().rev() {
        let _ = write!(o, "</{tag}>");
    }
}

fn block(b: &Block, doc: &Document, o: &mut String) {
    match b {
        Block::Heading { level, id, text } => {
            // The document's title is the page's h1; its chapters are h2.
            let h = (*level + 1).min(6);
            let class = if *level == 1 && doc.chapters_on_new_pages {
                " class=\"chapter\""
            } else {
                ""
            };
            let _ = write!(o, "<h{h} id=\"{}\"{class}>", escape(id));
            spans(text, o);
            let _ = writeln!(o, "</h{h}>");
        }
        Block::Para(text) => {
            o.push_str("<p>");
            spans(text, o);
            o.push_str("</p>\n");
        }
        Block::Note(text) => {
            o.push_str("<p class=\"byline\">");
            spans(text, o);
            o.push_str("</p>\n");
        }
        Block::List { start, items } => {
            match start {
                Some(1) => o.push_str("<ol>\n"),
                Some(n) => {
                    let _ = writeln!(o, "<ol start=\"{n}\">");
                }
                None => o.push_str("<ul>\n"),
            }
            for item in items {
                o.push_str("<li>");
                // A one-paragraph item is written without <p>, as Markdown does.
                match item.as_slice() {
                    [Block::Para(text)] => spans(text, o),
                    _ => {
                        for b in item {
                            block(b, doc, o);
                        }
                    }
                }
                o.push_str("</li>\n");
            }
            o.push_str(if start.is_some() {
                "</ol>\n"
            } else {
                "</ul>\n"
            });
        }
        Block::Quote(blocks) => {
            o.push_str("<blockquote>\n");
            for b in blocks {
                block(b, doc, o);
            }
            o.push_str("</blockquote>\n");
        }
        Block::Code(text) => {
            let _ = writeln!(o, "<pre><code>{}</code></pre>", escape(text));
        }
        Block::Rule => o.push_str("<hr>\n"),
        Block::Table(t) => table(t, o),
        Block::Fields(fields) => {
            o.push_str("<dl class=\"fields\">\n");
            for (label, blocks) in fields {
                let _ = writeln!(o, "<dt>{}</dt>", escape(label));
                o.push_str("<dd>");
                for b in blocks {
                    block(b, doc, o);
                }
                o.push_str("</dd>\n");
            }
            o.push_str("</dl>\n");
        }
        Block::Boxed { kind, blocks } => {
            let class = match kind {
                BoxKind::Comment => "comment",
                BoxKind::Reply => "reply",
            };
            let tag = if *kind == BoxKind::Comment {
                "article"
            } else {
                "div"
            };
            let _ = writeln!(o, "<{tag} class=\"{class}\">");
            for b in blocks {
                block(b, doc, o);
            }
            let _ = writeln!(o, "</{tag}>");
        }
    }
}

fn table(t: &Table, o: &mut String) {
    let num = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
    // Many columns (counts per disposition) need a smaller type to fit a page.
    o.push_str(if t.header.len() >= 6 {
        "<table class=\"wide\">\n"
    } else {
        "<table>\n"
    });
    if t.widths.len() == t.header.len() {
        let sum: u32 = t.widths.iter().map(|w| u32::from(*w)).sum::<u32>().max(1);
        o.push_str("<colgroup>");
        for w in &t.widths {
            let _ = write!(o, "<col style=\"width: {}%\">", u32::from(*w) * 100 / sum);
        }
        o.push_str("</colgroup>\n");
    }
    o.push_str("<thead><tr>");
    for (i, cell) in t.header.iter().enumerate() {
        o.push_str(if num(i) { "<th class=\"num\">" } else { "<th>" });
        spans(cell, o);
        o.push_str("</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        o.push_str(if t.total_row && r == last {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.iter().enumerate() {
            o.push_str(if num(i) { "<td class=\"num\">" } else { "<td>" });
            spans(cell, o);
            o.push_str("</td>");
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
}
