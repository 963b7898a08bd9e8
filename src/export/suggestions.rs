//! Suggestions in the exports: open ones in the oplæg as tracked changes in
//! their proposers' names (the quoted words deleted, the new words inserted,
//! so a reviewer in Word can see, accept or reject each), and every one in
//! the høringsnotat with its outcome.
//!
//! Limits: a suggestion is marked where the anchoring finds its words today
//! (exact, moved or edited) and only when they lie within one paragraph,
//! heading, list item or table cell of the document and are not already
//! marked (by `--changes-since` or an overlapping suggestion); others are
//! left unmarked (the høringsnotat still lists them).

use super::doc::{Block, Document, Mark, Span, Style};
use super::words::w;
use crate::anchor::Anchorer;
use crate::diff::Op;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::Comment;
use crate::store::{Rev, Store};
use crate::suggest::{Outcome, proposed_change};
use crate::text::collapse_ws;

/// One suggestion to mark: the words that stand now, which occurrence of
/// them in the chapter's text, the proposed words and who proposed them.
struct ToMark {
    chapter: String,
    words: String,
    occurrence: usize,
    proposed: String,
    author: String,
}

/// Marks the open suggestions of the revision `at` in the oplæg `doc`.
pub fn mark_open(store: &Store, at: &Rev, doc: &mut Document) -> Result<()> {
    let ws = store.load(at)?;
    let mut anchorer = Anchorer::new(store, &ws);
    let mut todo = Vec::new();
    for c in ws.comments.iter().filter(|c| c.is_open()) {
        let (Some(s), Some(slug)) = (&c.suggestion, &c.target.chapter) else {
            continue;
        };
        let Some(p) = anchorer.place(c) else { continue };
        let (Some(span), Some(words)) = (p.span, p.text) else {
            continue;
        };
        let Some(text) = anchorer.target_text(slug) else {
            continue;
        };
        let occurrence = text[..span.start].matches(words.as_str()).count();
        todo.push(ToMark {
            chapter: slug.clone(),
            words,
            occurrence,
            proposed: s.text.clone(),
            author: format!("{} ({})", c.author.name, c.author.organisation),
        });
    }
    let mut marked = 0;
    for t in &todo {
        if mark_one(&mut doc.blocks, t) {
            marked += 1;
        }
    }
    if marked > 0 {
        let note = w(
            doc.lang,
            "Åbne forslag til ny formulering fra følgegruppen er vist som registrerede ændringer i forslagsstillerens navn.",
            "Open proposals for new wording from the group are shown as tracked changes in the proposer's name.",
        );
        doc.note = Some(match doc.note.take() {
            Some(n) => format!("{n} {note}"),
            None => note,
        });
    }
    Ok(())
}

/// Marks one suggestion in the blocks of its chapter (after the level-1
/// heading `kap-SLUG`); whether it was marked.
fn mark_one(blocks: &mut [Block], t: &ToMark) -> bool {
    let id = format!("kap-{}", t.chapter);
    let Some(start) = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, id: i, .. } if *i == id))
    else {
        return false;
    };
    let end = blocks[start + 1..]
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }))
        .map_or(blocks.len(), |i| start + 1 + i);
    let mut seen = 0;
    for b in &mut blocks[start..end] {
        if let Some(done) = in_block(b, t, &mut seen) {
            return done;
        }
    }
    false
}

/// Looks for the occurrence in a block's runs of text, in reading order;
/// `Some(marked)` once it is found.
fn in_block(b: &mut Block, t: &ToMark, seen: &mut usize) -> Option<bool> {
    match b {
        Block::Heading { text, .. } | Block::Para(text) => in_spans(text, t, seen),
        Block::List { items, .. } => items
            .iter_mut()
            .flat_map(|i| i.iter_mut())
            .find_map(|b| in_block(b, t, seen)),
        Block::Quote(inner) | Block::Boxed { blocks: inner, .. } => {
            inner.iter_mut().find_map(|b| in_block(b, t, seen))
        }
        Block::Table(table) => table
            .rows
            .iter_mut()
            .flat_map(|r| r.iter_mut())
            .find_map(|cell| in_spans(cell, t, seen)),
        Block::Fields(fields) => fields
            .iter_mut()
            .flat_map(|(_, bs)| bs.iter_mut())
            .find_map(|b| in_block(b, t, seen)),
        Block::Code(_) | Block::Rule | Block::Note(_) => None,
    }
}

/// The spans' text with white space collapsed, and for each of its bytes
/// the span and byte it came from.
fn collapsed(spans: &[Span]) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut from = Vec::new();
    // Where the pending run of white space began.
    let mut space: Option<(usize, usize)> = None;
    for (i, s) in spans.iter().enumerate() {
        for (j, c) in s.text.char_indices() {
            if c.is_whitespace() {
                if space.is_none() && !text.is_empty() {
                    space = Some((i, j));
                }
                continue;
            }
            if let Some(at) = space.take() {
                text.push(' ');
                from.push(at);
            }
            let at = text.len();
            text.push(c);
            from.extend(std::iter::repeat_n((i, j), text.len() - at));
        }
    }
    (text, from)
}

fn in_spans(spans: &mut Vec<Span>, t: &ToMark, seen: &mut usize) -> Option<bool> {
    let (text, from) = collapsed(spans);
    let needle = collapse_ws(&t.words);
    let found: Vec<usize> = text
        .match_indices(needle.as_str())
        .map(|(i, _)| i)
        .collect();
    if *seen + found.len() <= t.occurrence {
        *seen += found.len();
        return None;
    }
    let a = found[t.occurrence - *seen];
    let b = a + needle.len();
    // A position in the collapsed text as (span, byte) in the spans.
    let end = (spans.len(), 0);
    let pos = |p: usize| from.get(p).copied().unwrap_or(end);
    let (first, _) = pos(a);
    let (last, _) = from[b - 1];
    if spans[first..=last].iter().any(|s| s.mark != Mark::None) {
        return Some(false);
    }
    let mut out = cut(spans, (0, 0), pos(a), Mark::None, None);
    let mut at = a;
    for seg in proposed_change(&needle, &collapse_ws(&t.proposed)) {
        match seg.op {
            Op::Insert => out.push(Span {
                mark: Mark::Inserted,
                author: Some(t.author.clone()),
                style: spans[first].style,
                ..Span::plain(&seg.text)
            }),
            op => {
                let mark = if op == Op::Delete {
                    Mark::Deleted
                } else {
                    Mark::None
                };
                let to = at + seg.text.len();
                let author = (mark != Mark::None).then(|| t.author.clone());
                out.extend(cut(spans, pos(at), pos(to), mark, author));
                at = to;
            }
        }
    }
    out.extend(cut(spans, pos(b), end, Mark::None, None));
    *spans = out;
    Some(true)
}

/// The text of `spans` from `from` to `to` (span, byte), each piece keeping
/// its span's style, with `mark`.
fn cut(
    spans: &[Span],
    from: (usize, usize),
    to: (usize, usize),
    mark: Mark,
    author: Option<String>,
) -> Vec<Span> {
    let mut out = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        if k < from.0 || k > to.0 {
            continue;
        }
        let start = if k == from.0 { from.1 } else { 0 };
        let end = if k == to.0 { to.1 } else { s.text.len() };
        if start < end {
            let keep = s.mark;
            out.push(Span {
                text: s.text[start..end].to_string(),
                mark: if mark == Mark::None { keep } else { mark },
                author: if mark == Mark::None {
                    s.author.clone()
                } else {
                    author.clone()
                },
                ..s.clone()
            });
        }
    }
    out
}

/// The høringsnotat's field for a suggestion: the proposed change (deleted
/// words struck, new words bold) and what became of it.
pub fn notat_field(lang: Lang, c: &Comment) -> Option<(String, Vec<Block>)> {
    let (s, a, outcome) = (
        c.suggestion.as_ref()?,
        c.target.anchor.as_ref()?,
        Outcome::of(c)?,
    );
    let spans = proposed_change(&a.quote, &s.text)
        .into_iter()
        .map(|seg| {
            let mut span = Span::plain(&seg.text);
            match seg.op {
                Op::Equal => {}
                Op::Delete => span.style.strike = true,
                Op::Insert => {
                    span.style = Style {
                        strong: true,
                        ..Style::default()
                    };
                }
            }
            span
        })
        .collect();
    let result = match &outcome {
        Outcome::Open => w(lang, "Afventer skribenterne.", "Awaiting the writers."),
        Outcome::NeedsReview { .. } => w(
            lang,
            "Skal ses igen: et andet forslag til de samme ord er indført.",
            "Needs a new look: another proposal on the same words was applied.",
        ),
        Outcome::Applied { text, .. } if text != &s.text => match lang {
            Lang::Da => format!("Indført i kapitlet med skribenternes tekst: «{text}»."),
            Lang::En => format!("Applied to the chapter with the writers' text: «{text}»."),
        },
        Outcome::Applied { .. } => w(lang, "Indført i kapitlet.", "Applied to the chapter."),
        Outcome::Answered { .. } => w(lang, "Ikke indført.", "Not applied."),
        Outcome::Withdrawn => w(lang, "Trukket tilbage.", "Withdrawn."),
    };
    Some((
        w(lang, "Forslag til ny formulering", "Proposed new wording"),
        vec![Block::Para(spans), Block::Note(vec![Span::plain(result)])],
    ))
}
