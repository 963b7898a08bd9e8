//! Markdown for review on a git host: CommonMark with GitHub's tables.
//! Text is escaped so that it reads as the words it is: Markdown's
//! punctuation gets a backslash, `<` and `&` cannot start HTML or entities,
//! and nothing at the start of a line can become a heading, list or quote.
//! Changes are marked with `<ins>`/`<del>`, which git hosts show.

use super::doc::{Block, Document, Mark, Span, Table, headings};

/// Escapes text so Markdown shows it literally.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '&'
                | '|'
                | '~'
                | '#'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Makes sure a line of escaped text cannot start a block construct: a
/// list marker (`-`, `+`, `1.`), a setext underline (`=`) or indented code.
fn guard_line_start(line: &str) -> String {
    let t = line.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if t.starts_with(['-', '+', '=']) {
        format!("\\{t}")
    } else if digits > 0 && t[digits..].starts_with(['.', ')']) {
        format!("{}\\{}", &t[..digits], &t[digits..])
    } else {
        t.to_string()
    }
}

fn span(s: &Span) -> String {
    // Markdown cannot put emphasis around leading or trailing spaces; keep
    // them outside the markers.
    let text = &s.text;
    let core = text.trim_matches(|c: char| c == ' ');
    if core.is_empty() {
        return changed(s.mark, text.replace('\n', "\\\n"));
    }
    let lead = &text[..text.len() - text.trim_start_matches(' ').len()];
    let trail = &text[text.trim_end_matches(' ').len()..];
    let mut inner = if s.style.code {
        // Code spans cannot hold escapes; fence with enough backticks.
        let ticks = "`".repeat(core.split(|c| c != '`').map(str::len).max().unwrap_or(0) + 1);
        format!("{ticks} {} {ticks}", core.replace('\n', " "))
    } else {
        core.split('\n')
            .map(escape)
            .collect::<Vec<_>>()
            .join("\\\n")
    };
    if s.style.strike {
        inner = format!("~~{inner}~~");
    }
    if s.style.emph {
        inner = format!("*{inner}*");
    }
    if s.style.strong {
        inner = format!("**{inner}**");
    }
    // Links inside the document are left out: git hosts name heading
    // anchors differently. Others keep their address.
    if let Some(link) = s.link.as_ref().filter(|l| !l.starts_with('#')) {
        inner = format!("[{inner}](<{}>)", link.replace(['<', '>', ' '], ""));
    }
    // The spaces of an inserted or deleted span are part of the change:
    // inside `<ins>`/`<del>` (HTML holds them), so the text before and after
    // reads back with its own spacing («sygehus.», not «sygehus .»).
    match s.mark {
        Mark::None => format!("{lead}{inner}{trail}"),
        mark => changed(mark, format!("{lead}{inner}{trail}")),
    }
}

/// Text wrapped in `<ins>`/`<del>` for its mark.
fn changed(mark: Mark, text: String) -> String {
    match mark {
        Mark::Inserted => format!("<ins>{text}</ins>"),
        Mark::Deleted => format!("<del>{text}</del>"),
        Mark::None => text,
    }
}

/// Inline text that follows a label on its line: only the lines after
/// the first can start a block.
fn inline_after_label(list: &[Span]) -> String {
    let joined: String = list.iter().map(span).collect();
    let mut lines = joined.split('\n');
    let first = lines.next().unwrap_or("").to_string();
    std::iter::once(first)
        .chain(lines.map(guard_line_start))
        .collect::<Vec<_>>()
        .join("\n")
}

fn inline(list: &[Span]) -> String {
    let joined: String = list.iter().map(span).collect();
    // Every line of the paragraph is guarded, the first and those after breaks.
    joined
        .split('\n')
        .map(guard_line_start)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes a document as Markdown, a block at a time.
pub fn write(doc: &Document, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut o = String::new();
    o.push_str(&format!("*{}*\n\n", escape(&doc.kicker)));
    o.push_str(&format!("# {}\n\n", escape(&doc.title)));
    if let Some(s) = &doc.subtitle {
        o.push_str(&format!("**{}**\n\n", escape(s)));
    }
    for (k, v) in &doc.meta {
        o.push_str(&format!("- **{}:** {}\n", escape(k), escape(v)));
    }
    if !doc.meta.is_empty() {
        o.push('\n');
    }
    if let Some(n) = &doc.note {
        o.push_str(&format!("> {}\n\n", escape(n)));
    }
    if doc.toc {
        let hs: Vec<_> = headings(&doc.blocks)
            .into_iter()
            .filter(|(l, _, _)| *l <= 2)
            .collect();
        if !hs.is_empty() {
            o.push_str(&format!("## {}\n\n", escape(&doc.toc_title)));
            for (level, _, text) in hs {
                let indent = if level == 1 { "" } else { "  " };
                o.push_str(&format!("{indent}- {}\n", escape(&text)));
            }
            o.push('\n');
        }
    }
    for b in &doc.blocks {
        block(b, "", &mut o);
        if o.len() >= 64 * 1024 {
            // The newlines at the end stay, to be trimmed at the very end.
            let body = o.trim_end_matches('\n').len();
            out.write_all(&o.as_bytes()[..body])?;
            o.drain(..body);
        }
    }
    // One trailing newline.
    while o.ends_with("\n\n") {
        o.pop();
    }
    out.write_all(o.as_bytes())
}

/// Writes a block; `prefix` starts every line (quotes, list indentation).
fn block(b: &Block, prefix: &str, o: &mut String) {
    let mut lines: Vec<String> = Vec::new();
    match b {
        Block::Heading { level, text, .. } => {
            // The document's title is the only `#`; chapters are `##`.
            let hashes = "#".repeat(usize::from(*level + 1).min(6));
            let words: String = text.iter().map(span).collect();
            lines.push(format!("{hashes} {}", words.replace("\\\n", " ")));
        }
        Block::Para(text) => lines.extend(inline(text).split('\n').map(str::to_string)),
        Block::Note(text) => {
            // A note is set in italics, as one emphasis per span.
            let italic: Vec<Span> = text
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.style.emph = true;
                    s
                })
                .collect();
            lines.extend(inline(&italic).split('\n').map(str::to_string));
        }
        Block::Code(text) => {
            let fence = "`".repeat(
                text.split(|c| c != '`')
                    .map(str::len)
                    .max()
                    .unwrap_or(0)
                    .max(2)
                    + 1,
            );
            lines.push(fence.clone());
            lines.extend(text.lines().map(str::to_string));
            lines.push(fence);
        }
        Block::Rule => lines.push("---".into()),
        Block::Table(t) => lines.extend(table(t)),
        Block::Quote(blocks) => {
            let mut inner = String::new();
            for b in blocks {
                block(b, "> ", &mut inner);
            }
            trim_trailing(&mut inner);
            let mut quoted: Vec<&str> = inner.lines().collect();
            while quoted.last().is_some_and(|l| l.trim() == ">") {
                quoted.pop();
            }
            // Blank lines inside the quote keep the marker.
            for l in quoted {
                lines.push(if l.is_empty() {
                    ">".into()
                } else {
                    l.to_string()
                });
            }
            push_lines(o, prefix, &lines);
            return;
        }
        Block::List { start, items } => {
            for (i, item) in items.iter().enumerate() {
                let marker = match start {
                    Some(n) => format!("{}. ", n + i as u64),
                    None => "- ".to_string(),
                };
                let pad = " ".repeat(marker.len());
                let mut inner = String::new();
                for b in item {
                    block(b, "", &mut inner);
                }
                trim_trailing(&mut inner);
                for (j, l) in inner.lines().enumerate() {
                    let lead = if j == 0 {
                        marker.as_str()
                    } else {
                        pad.as_str()
                    };
                    lines.push(if l.is_empty() {
                        String::new()
                    } else {
                        format!("{lead}{l}")
                    });
                }
            }
        }
        Block::Fields(fields) => {
            for (label, blocks) in fields {
                let label = format!("**{}:**", escape(label));
                match blocks.as_slice() {
                    [Block::Para(text)] => {
                        let t = inline_after_label(text);
                        push_lines(o, prefix, &[format!("{label} {t}")]);
                    }
                    _ => {
                        push_lines(o, prefix, std::slice::from_ref(&label));
                        for b in blocks {
                            block(b, prefix, o);
                        }
                    }
                }
            }
            return;
        }
        Block::Boxed { kind, blocks } => {
            for b in blocks {
                block(b, prefix, o);
            }
            if prefix.is_empty() && *kind == super::doc::BoxKind::Comment {
                push_lines(o, prefix, &["---".to_string()]);
            }
            return;
        }
    }
    push_lines(o, prefix, &lines);
}

fn trim_trailing(s: &mut String) {
    while s.ends_with('\n') {
        s.pop();
    }
}

fn push_lines(o: &mut String, prefix: &str, lines: &[String]) {
    for l in lines {
        if l.is_empty() {
            o.push_str(prefix.trim_end());
        } else {
            o.push_str(prefix);
            o.push_str(l);
        }
        o.push('\n');
    }
    o.push_str(prefix.trim_end());
    o.push('\n');
}

fn table(t: &Table) -> Vec<String> {
    let cell = |c: &[Span]| inline(c).replace('\n', " ");
    let num = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
    let mut out = Vec::new();
    out.push(format!(
        "| {} |",
        t.header
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    out.push(format!(
        "|{}|",
        (0..t.header.len())
            .map(|i| if num(i) { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let text = cell(c);
                if t.total_row && r == last && !text.starts_with("**") && !text.is_empty() {
                    format!("**{text}**")
                } else {
                    text
                }
            })
            .collect();
        out.push(format!("| {} |", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_line_starts() {
        assert_eq!(escape("**fed** <b>&amp;"), "\\*\\*fed\\*\\* \\<b\\>\\&amp;");
        assert_eq!(guard_line_start("- ikke en liste"), "\\- ikke en liste");
        assert_eq!(
            guard_line_start("1. ikke nummereret"),
            "1\\. ikke nummereret"
        );
        assert_eq!(guard_line_start("    ikke kode"), "ikke kode");
        let p = inline(&[Span::plain("# ikke overskrift\n> ikke citat")]);
        assert_eq!(p, "\\# ikke overskrift\\\n\\> ikke citat");
    }
}
