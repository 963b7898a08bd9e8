//! The oplæg as a document: a title page, the contents, the chapters in
//! order (their Markdown laid out), and the recommendations in priority
//! order, first as a table and then one by one with every field. With a
//! revision to compare with, the words added and removed since are marked.

use super::changes::{mark_blocks, mark_chapter, mark_spans, marked};
use super::doc::{Block, Document, Mark, Span, Table, text_blocks};
use super::notat::{describe_revision, revision_meta};
use super::words::{self, w};
use crate::i18n::Lang;
use crate::model::{Chapter, Recommendation, Workspace};
use crate::store::RevisionInfo;

/// Counts of an exported oplæg.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OplaegStats {
    pub chapters: usize,
    pub recommendations: usize,
    /// Chapters and recommendations with marked changes (with `--changes-since`).
    pub changed: usize,
}

/// A chapter's blocks: its first `# ` heading numbered as the chapter
/// heading (made from the title if missing), the other headings below it.
fn chapter_blocks(c: &Chapter) -> Vec<Block> {
    numbered(c, super::markdown::blocks(&c.markdown), None)
}

/// A chapter's blocks (laid out, perhaps with changes marked) under its
/// numbered heading: the first `# ` heading made the chapter heading, the
/// others put below it. `old_number`: the number it had, to mark a change.
fn numbered(c: &Chapter, mut blocks: Vec<Block>, old_number: Option<u32>) -> Vec<Block> {
    let first_h1 = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }));
    let title = match first_h1 {
        Some(i) => match blocks.remove(i) {
            Block::Heading { text, .. } => text,
            _ => Vec::new(),
        },
        None => vec![Span::plain(&c.title)],
    };
    let mut heading = match old_number {
        Some(n) if n != c.number => vec![
            Span {
                mark: Mark::Deleted,
                ..Span::plain(format!("{n}. "))
            },
            Span {
                mark: Mark::Inserted,
                ..Span::plain(format!("{}. ", c.number))
            },
        ],
        _ => vec![Span::plain(format!("{}. ", c.number))],
    };
    heading.extend(title);
    let mut n = 0;
    for b in &mut blocks {
        if let Block::Heading { level, id, .. } = b {
            n += 1;
            *level = (*level).clamp(2, 4);
            *id = format!("kap-{}-{n}", c.slug);
        }
    }
    blocks.insert(
        0,
        Block::Heading {
            level: 1,
            id: format!("kap-{}", c.slug),
            text: heading,
        },
    );
    blocks
}

/// A recommendation's heading and fields as blocks (without marks).
struct RecParts {
    heading: Vec<Span>,
    text: Vec<Block>,
    fields: Vec<(String, Vec<Block>)>,
}

fn rec_parts(ws: &Workspace, r: &Recommendation, lang: Lang) -> RecParts {
    let mut fields = vec![
        (
            w(lang, "Prioritet", "Priority"),
            vec![Block::para(r.rank.to_string())],
        ),
        (
            w(lang, "Tidshorisont", "Horizon"),
            vec![Block::para(words::horizon(
                lang,
                r.horizon,
                ws.config.horizons.get(r.horizon),
            ))],
        ),
        (
            w(lang, "Status", "Status"),
            vec![Block::para(words::rec_status(lang, r.status))],
        ),
        (w(lang, "Mål", "Goal"), text_or_dash(&r.goal)),
        (
            w(lang, "Realiserbarhed", "Realizability"),
            text_or_dash(&r.realizability),
        ),
    ];
    if let Some(k) = r.kraeftplan_iv.as_deref().filter(|k| !k.trim().is_empty()) {
        fields.push((
            w(lang, "Sammenhæng til Kræftplan IV", "Link to Kræftplan IV"),
            text_blocks(k),
        ));
    }
    if !r.chapters.is_empty() {
        let names: Vec<String> = r
            .chapters
            .iter()
            .map(|s| match ws.chapters.iter().find(|c| &c.slug == s) {
                Some(c) => format!("{}. {}", c.number, c.title),
                None => s.clone(),
            })
            .collect();
        fields.push((
            w(lang, "Relaterede kapitler", "Related chapters"),
            vec![Block::para(names.join("; "))],
        ));
    }
    RecParts {
        heading: vec![Span::plain(format!("{}. {}", r.rank, r.title))],
        text: text_blocks(&r.text),
        fields,
    }
}

fn text_or_dash(s: &str) -> Vec<Block> {
    let b = text_blocks(s);
    if b.is_empty() {
        vec![Block::para("–")]
    } else {
        b
    }
}

fn rec_blocks(slug: &str, parts: RecParts) -> Vec<Block> {
    let mut out = vec![Block::Heading {
        level: 2,
        id: format!("anb-{slug}"),
        text: parts.heading,
    }];
    out.extend(parts.text);
    out.push(Block::Fields(parts.fields));
    out
}

/// Whether a block list carries any mark.
fn has_marks(blocks: &[Block]) -> bool {
    fn spans(s: &[Span]) -> bool {
        s.iter().any(|x| x.mark != Mark::None)
    }
    blocks.iter().any(|b| match b {
        Block::Heading { text, .. } | Block::Para(text) | Block::Note(text) => spans(text),
        Block::List { items, .. } => items.iter().any(|i| has_marks(i)),
        Block::Quote(b) | Block::Boxed { blocks: b, .. } => has_marks(b),
        Block::Fields(f) => f.iter().any(|(_, b)| has_marks(b)),
        Block::Table(t) => {
            t.rows.iter().flatten().any(|c| spans(c)) || t.header.iter().any(|c| spans(c))
        }
        Block::Code(_) | Block::Rule => false,
    })
}

/// Builds the oplæg; `since` is the revision to mark changes against.
pub fn build(
    ws: &Workspace,
    info: &RevisionInfo,
    since: Option<&(String, RevisionInfo, Workspace)>,
    lang: Lang,
    author: &str,
) -> (Document, OplaegStats) {
    let mut stats = OplaegStats {
        chapters: ws.chapters.len(),
        recommendations: ws.recommendations.len(),
        changed: 0,
    };
    let old = since.map(|(_, _, o)| o);
    let mut blocks = Vec::new();

    // Chapters, with those removed since kept where they were, struck out.
    let mut chapter_list: Vec<Vec<Block>> = Vec::new();
    for c in &ws.chapters {
        let merged = match old {
            None => chapter_blocks(c),
            Some(o) => match o.chapters.iter().find(|x| x.slug == c.slug) {
                Some(oc) => numbered(
                    c,
                    mark_chapter(&oc.markdown, &c.markdown, &super::markdown::blocks),
                    Some(oc.number),
                ),
                None => chapter_blocks(c)
                    .iter()
                    .map(|b| marked(b, Mark::Inserted))
                    .collect(),
            },
        };
        chapter_list.push(merged);
    }
    if let Some(o) = old {
        for (i, oc) in o.chapters.iter().enumerate() {
            if ws.chapters.iter().any(|c| c.slug == oc.slug) {
                continue;
            }
            // After the chapter that came before it, if that one is still here.
            let after = o.chapters[..i]
                .iter()
                .rev()
                .find_map(|p| ws.chapters.iter().position(|c| c.slug == p.slug));
            let gone: Vec<Block> = chapter_blocks(oc)
                .iter()
                .map(|b| marked(b, Mark::Deleted))
                .collect();
            let at = after.map_or(0, |p| p + 1).min(chapter_list.len());
            chapter_list.insert(at, gone);
        }
    }
    for ch in chapter_list {
        if old.is_some() && has_marks(&ch) {
            stats.changed += 1;
        }
        blocks.extend(ch);
    }

    // Recommendations: the overview table, then each one.
    blocks.push(Block::heading(
        1,
        "anbefalinger",
        w(lang, "Anbefalinger", "Recommendations"),
    ));
    blocks.push(Block::para(w(
        lang,
        "Anbefalingerne står i prioriteret rækkefølge; den første er den vigtigste.",
        "The recommendations are listed in order of priority; the first is the most important.",
    )));
    let rows = ws
        .recommendations
        .iter()
        .map(|r| {
            vec![
                vec![Span::plain(r.rank.to_string())],
                vec![Span::plain(&r.title).linked(format!("#anb-{}", r.slug))],
                vec![Span::plain(words::horizon(
                    lang,
                    r.horizon,
                    ws.config.horizons.get(r.horizon),
                ))],
                vec![Span::plain(words::rec_status(lang, r.status))],
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        header: vec![
            vec![Span::plain(w(lang, "Nr.", "No."))],
            vec![Span::plain(w(lang, "Anbefaling", "Recommendation"))],
            vec![Span::plain(w(lang, "Tidshorisont", "Horizon"))],
            vec![Span::plain(w(lang, "Status", "Status"))],
        ],
        rows,
        numeric: vec![true, false, false, false],
        widths: vec![7, 55, 23, 15],
        total_row: false,
    }));
    for r in &ws.recommendations {
        let new = rec_parts(ws, r, lang);
        let recs = match old.map(|o| o.recommendations.iter().find(|x| x.slug == r.slug)) {
            None => rec_blocks(&r.slug, new),
            Some(None) => rec_blocks(&r.slug, new)
                .iter()
                .map(|b| marked(b, Mark::Inserted))
                .collect(),
            Some(Some(or)) => {
                // Fields are compared by label, so a field that appears or
                // disappears is a whole insertion or deletion.
                let before = rec_parts(old.unwrap_or(ws), or, lang);
                let mut fields = Vec::new();
                for (label, now) in &new.fields {
                    match before.fields.iter().find(|(l, _)| l == label) {
                        Some((_, then)) => fields.push((label.clone(), mark_blocks(then, now))),
                        None => fields.push((
                            label.clone(),
                            now.iter().map(|b| marked(b, Mark::Inserted)).collect(),
                        )),
                    }
                }
                for (label, then) in &before.fields {
                    if !new.fields.iter().any(|(l, _)| l == label) {
                        fields.push((
                            label.clone(),
                            then.iter().map(|b| marked(b, Mark::Deleted)).collect(),
                        ));
                    }
                }
                rec_blocks(
                    &r.slug,
                    RecParts {
                        heading: mark_spans(&before.heading, &new.heading),
                        text: mark_blocks(&before.text, &new.text),
                        fields,
                    },
                )
            }
        };
        if old.is_some() && has_marks(&recs) {
            stats.changed += 1;
        }
        blocks.extend(recs);
    }
    if let Some(o) = old {
        for or in &o.recommendations {
            if !ws.recommendations.iter().any(|r| r.slug == or.slug) {
                stats.changed += 1;
                blocks.extend(
                    rec_blocks(&format!("{}-udgaaet", or.slug), rec_parts(o, or, lang))
                        .iter()
                        .map(|b| marked(b, Mark::Deleted)),
                );
            }
        }
    }

    let mut meta = revision_meta(lang, info);
    let mut note = None;
    if let Some((spec, since_info, _)) = since {
        let what = describe_revision(lang, spec, since_info);
        meta.push((
            w(lang, "Ændringer", "Changes"),
            format!("{} {what}", w(lang, "Markeret siden", "Marked since")),
        ));
        note = Some(match lang {
            Lang::Da => format!(
                "Tekst, der er tilføjet siden {what}, er understreget; tekst, der er slettet, er overstreget. I Word-udgaven er ændringerne registrerede ændringer, som kan accepteres eller afvises."
            ),
            Lang::En => format!(
                "Text added since {what} is underlined; text removed is struck through. In the Word version the changes are tracked changes that can be accepted or rejected."
            ),
        });
    }
    let subtitle = match (&info.meeting, &info.last_meeting) {
        (Some(m), _) => Some(words::capitalise(&super::notat::meeting_words(lang, m))),
        _ => Some(w(lang, "Udkast", "Draft")),
    };
    let doc = Document {
        lang,
        kicker: if author.is_empty() {
            w(lang, "Fagligt oplæg", "Professional proposal")
        } else {
            author.to_string()
        },
        title: ws.config.title.clone(),
        subtitle,
        meta,
        note,
        toc: true,
        toc_title: w(lang, "Indhold", "Contents"),
        chapters_on_new_pages: true,
        author: author.to_string(),
        date: info
            .time
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        change_author: match since {
            Some((spec, since_info, _)) => format!(
                "{} {}",
                w(lang, "Ændret siden", "Changed since"),
                match &since_info.meeting {
                    Some(m) => m.name.clone(),
                    None => spec.clone(),
                }
            ),
            None => author.to_string(),
        },
        blocks,
    };
    (doc, stats)
}
