//! Marking what changed between two versions of a text in the document
//! model: blocks are lined up and paired first (paragraph with paragraph,
//! list item with list item) with the comparison engine of
//! [`crate::diff::align`], then the words inside each changed pair are
//! diffed with [`crate::diff::diff_words`]. Diffing block by block keeps the marks where
//! a reader expects them and is much faster than one diff of a whole chapter.

use super::doc::{Block, Mark, Span, spans_text};
use crate::diff::align::{Part, parts, similarity};
use crate::diff::{BlockChange, Op, diff_blocks, diff_words};

/// How two sequences line up: a pair to compare, or an element only in one.
enum Step {
    /// Equal; the new one is taken.
    Same(usize),
    Pair(usize, usize),
    Old(usize),
    New(usize),
}

/// Lines up `old` and `new` by their keys (`kind` and text): equal runs
/// first (Myers), then inside each changed run every new element is paired
/// with the most alike old one of its kind after the last pairing, when alike
/// enough; the rest are whole insertions and deletions, in reading order.
fn align(old: &[(String, String)], new: &[(String, String)]) -> Vec<Step> {
    const ALIKE: f64 = 0.4;
    let keys = |v: &[(String, String)]| -> Vec<String> {
        v.iter().map(|(k, t)| format!("{k}\u{0}{t}")).collect()
    };
    let (old_keys, new_keys) = (keys(old), keys(new));
    let mut out = Vec::new();
    for part in parts(&old_keys, &new_keys) {
        match part {
            Part::Equal { new, len, .. } => out.extend((new..new + len).map(Step::Same)),
            Part::Changed { old: o, new: n } => {
                let mut next_old = o.start;
                for j in n {
                    let best = (next_old..o.end)
                        .filter(|&i| old[i].0 == new[j].0)
                        .map(|i| (i, similarity(&old[i].1, &new[j].1)))
                        .filter(|(_, s)| *s >= ALIKE)
                        .max_by(|a, b| a.1.total_cmp(&b.1));
                    match best {
                        Some((i, _)) => {
                            out.extend((next_old..i).map(Step::Old));
                            out.push(Step::Pair(i, j));
                            next_old = i + 1;
                        }
                        None => out.push(Step::New(j)),
                    }
                }
                out.extend((next_old..o.end).map(Step::Old));
            }
        }
    }
    out
}

/// The blocks of `new`, with the blocks and words that differ from `old`
/// marked as inserted, and those only in `old` kept in place, marked deleted.
pub fn mark_blocks(old: &[Block], new: &[Block]) -> Vec<Block> {
    let keyed = |v: &[Block]| -> Vec<(String, String)> {
        v.iter().map(|b| (kind(b), b.plain_text())).collect()
    };
    let mut out = Vec::with_capacity(new.len());
    for step in align(&keyed(old), &keyed(new)) {
        match step {
            Step::Same(j) => out.push(new[j].clone()),
            Step::Pair(i, j) => out.extend(pair(&old[i], &new[j])),
            Step::Old(i) => out.push(marked(&old[i], Mark::Deleted)),
            Step::New(j) => out.push(marked(&new[j], Mark::Inserted)),
        }
    }
    out
}

/// A chapter's Markdown in the document model with the changes since `old`
/// marked, block for block as `oplaeg diff` and the Ændringer tab see them
/// ([`crate::diff::diff_blocks`]): unchanged blocks plain, inserted ones
/// marked inserted, deleted ones marked deleted where they stood, an edited
/// block with its changed words marked, and a moved block deleted where it
/// stood and inserted where it is now (so taking every change gives the new
/// text, and refusing every change the old one). `parse` lays Markdown out
/// as blocks ([`super::markdown::blocks`]); runs of unchanged blocks are
/// laid out together, so lists and the like keep their shape.
pub fn mark_chapter(old: &str, new: &str, parse: &dyn Fn(&str) -> Vec<Block>) -> Vec<Block> {
    if old == new {
        return parse(new);
    }
    /// What to lay out, in order: unchanged Markdown, or marked blocks.
    enum Item {
        Same(String),
        Marked(Vec<Block>),
    }
    let whole = |text: &str, mark: Mark| -> Vec<Block> {
        parse(text).iter().map(|b| marked(b, mark)).collect()
    };
    let diffs = diff_blocks(old, new);
    // (FROM position, item); a moved block's new copy has no FROM position.
    let mut items: Vec<(Option<usize>, Item)> = Vec::with_capacity(diffs.len());
    let mut moved: Vec<(usize, String)> = Vec::new();
    for d in &diffs {
        let item = match d.change {
            BlockChange::Unchanged => Item::Same(d.new_text()),
            BlockChange::Inserted => Item::Marked(whole(&d.new_text(), Mark::Inserted)),
            BlockChange::Deleted => Item::Marked(whole(&d.old_text(), Mark::Deleted)),
            BlockChange::Changed => {
                let (a, b) = (parse(&d.old_text()), parse(&d.new_text()));
                Item::Marked(edited(&a, &b))
            }
            BlockChange::Moved => {
                if let Some(i) = d.old {
                    moved.push((i, d.old_text()));
                }
                items.push((None, Item::Marked(whole(&d.new_text(), Mark::Inserted))));
                continue;
            }
        };
        items.push((d.old, item));
    }
    // A moved block's old copy goes where it stood: after the block before
    // it in FROM.
    moved.sort_by_key(|m| m.0);
    for (i, text) in moved {
        let at = match i.checked_sub(1) {
            None => 0,
            Some(before) => items
                .iter()
                .position(|x| x.0 == Some(before))
                .map_or(items.len(), |p| p + 1),
        };
        items.insert(at, (Some(i), Item::Marked(whole(&text, Mark::Deleted))));
    }
    let mut out: Vec<Block> = Vec::new();
    let mut same = String::new();
    let push = |out: &mut Vec<Block>, blocks: Vec<Block>| {
        for b in blocks {
            // List items cut apart by a change are still one list.
            if let (
                Some(Block::List {
                    start: s1,
                    items: mine,
                }),
                Block::List {
                    start: s2,
                    items: theirs,
                },
            ) = (out.last_mut(), &b)
                && s1.is_some() == s2.is_some()
            {
                mine.extend(theirs.iter().cloned());
                continue;
            }
            out.push(b);
        }
    };
    for (_, item) in items {
        match item {
            Item::Same(text) => same.push_str(&text),
            Item::Marked(blocks) => {
                if !same.is_empty() {
                    push(&mut out, parse(&same));
                    same.clear();
                }
                push(&mut out, blocks);
            }
        }
    }
    if !same.is_empty() {
        push(&mut out, parse(&same));
    }
    out
}

/// The layout of one block the diff found edited (not replaced): paired
/// whatever their similarity, down into a list item or quote of one block,
/// so the words marked are the words the diff marks.
fn edited(old: &[Block], new: &[Block]) -> Vec<Block> {
    let ([x], [y]) = (old, new) else {
        return mark_blocks(old, new);
    };
    if kind(x) != kind(y) {
        // Paired with a block of another kind (a paragraph made a list
        // item, say): the words marked inside the new one's shape.
        if let Some(inner) = only_content(y) {
            return vec![wrapped_as(y, edited(old, inner))];
        }
        if let Some(inner) = only_content(x) {
            return edited(inner, new);
        }
        // A heading whose level changed, prose made code or code prose:
        // the words marked in the new one's line.
        if let (Some(a), Some(b)) = (inline(x), inline(y)) {
            return vec![with_inline(y, mark_spans(&a, &b))];
        }
        return mark_blocks(old, new);
    }
    match (x, y) {
        (Block::List { items: a, .. }, Block::List { start, items: b })
            if a.len() == 1 && b.len() == 1 =>
        {
            vec![Block::List {
                start: *start,
                items: vec![edited(&a[0], &b[0])],
            }]
        }
        (Block::Quote(a), Block::Quote(b)) => vec![Block::Quote(edited(a, b))],
        _ => pair(x, y),
    }
}

/// The words of a block that is one run of text (a paragraph, a heading, a
/// note, a code block), as spans.
fn inline(b: &Block) -> Option<Vec<Span>> {
    match b {
        Block::Para(s) | Block::Note(s) | Block::Heading { text: s, .. } => Some(s.clone()),
        Block::Code(t) => Some(vec![code_span(t, Mark::None)]),
        _ => None,
    }
}

/// `spans` in the place of the text of `like` (a block [`inline`] takes
/// apart); code with marks inside is laid out as a paragraph of code, as
/// [`marked`] lays out a whole code block.
fn with_inline(like: &Block, spans: Vec<Span>) -> Block {
    match like {
        Block::Heading { level, id, .. } => Block::Heading {
            level: *level,
            id: id.clone(),
            text: spans,
        },
        Block::Note(_) => Block::Note(spans),
        _ => Block::Para(spans),
    }
}

/// Code as one span.
fn code_span(text: &str, mark: Mark) -> Span {
    Span {
        mark,
        style: super::doc::Style {
            code: true,
            ..Default::default()
        },
        ..Span::plain(text)
    }
}

/// The blocks inside a list of one item or a quote.
fn only_content(b: &Block) -> Option<&[Block]> {
    match b {
        Block::List { items, .. } if items.len() == 1 => Some(&items[0]),
        Block::Quote(blocks) => Some(blocks),
        _ => None,
    }
}

/// `blocks` in the shape of `like` (a list of one item or a quote, as
/// [`only_content`] takes them apart).
fn wrapped_as(like: &Block, blocks: Vec<Block>) -> Block {
    match like {
        Block::List { start, .. } => Block::List {
            start: *start,
            items: vec![blocks],
        },
        _ => Block::Quote(blocks),
    }
}

/// The kind a block is compared as, so a heading never pairs with a
/// paragraph of the same words.
fn kind(b: &Block) -> String {
    match b {
        Block::Heading { level, .. } => format!("h{level}"),
        Block::Para(_) => "p".into(),
        Block::List { start, .. } => format!("l{}", start.is_some()),
        Block::Quote(_) => "q".into(),
        Block::Code(_) => "c".into(),
        Block::Rule => "r".into(),
        Block::Table(_) => "t".into(),
        Block::Fields(_) => "f".into(),
        Block::Boxed { .. } => "b".into(),
        Block::Note(_) => "n".into(),
    }
}

/// Two blocks of the same kind: their inner differences marked.
fn pair(old: &Block, new: &Block) -> Vec<Block> {
    let one = match (old, new) {
        (Block::Para(a), Block::Para(b)) => Block::Para(mark_spans(a, b)),
        (Block::Note(a), Block::Note(b)) => Block::Note(mark_spans(a, b)),
        (Block::Heading { text: a, .. }, Block::Heading { level, id, text: b }) => Block::Heading {
            level: *level,
            id: id.clone(),
            text: mark_spans(a, b),
        },
        (Block::List { items: a, .. }, Block::List { start, items: b }) => Block::List {
            start: *start,
            items: mark_items(a, b),
        },
        (Block::Quote(a), Block::Quote(b)) => Block::Quote(mark_blocks(a, b)),
        _ if old.plain_text() == new.plain_text() => new.clone(),
        // Code edited: its words marked in a paragraph of code.
        (Block::Code(a), Block::Code(b)) => Block::Para(mark_spans(
            &[code_span(a, Mark::None)],
            &[code_span(b, Mark::None)],
        )),
        // Tables and the rest: the old one deleted, the new one inserted.
        _ => return vec![marked(old, Mark::Deleted), marked(new, Mark::Inserted)],
    };
    vec![one]
}

/// List items lined up like blocks: an item is its blocks' text.
fn mark_items(old: &[Vec<Block>], new: &[Vec<Block>]) -> Vec<Vec<Block>> {
    let keyed = |v: &[Vec<Block>]| -> Vec<(String, String)> {
        v.iter()
            .map(|item| {
                let text: Vec<String> = item.iter().map(Block::plain_text).collect();
                ("item".to_string(), text.join("\n"))
            })
            .collect()
    };
    align(&keyed(old), &keyed(new))
        .into_iter()
        .map(|step| match step {
            Step::Same(j) => new[j].clone(),
            Step::Pair(i, j) => mark_blocks(&old[i], &new[j]),
            Step::Old(i) => marked_all(&old[i], Mark::Deleted),
            Step::New(j) => marked_all(&new[j], Mark::Inserted),
        })
        .collect()
}

fn marked_all(blocks: &[Block], mark: Mark) -> Vec<Block> {
    blocks.iter().map(|b| marked(b, mark)).collect()
}

/// A whole block marked as inserted or deleted.
pub fn marked(block: &Block, mark: Mark) -> Block {
    let spans =
        |s: &[Span]| -> Vec<Span> { s.iter().map(|x| Span { mark, ..x.clone() }).collect() };
    match block {
        Block::Heading { level, id, text } => Block::Heading {
            level: *level,
            id: id.clone(),
            text: spans(text),
        },
        Block::Para(s) => Block::Para(spans(s)),
        Block::Note(s) => Block::Note(spans(s)),
        Block::List { start, items } => Block::List {
            start: *start,
            items: items.iter().map(|i| marked_all(i, mark)).collect(),
        },
        Block::Quote(b) => Block::Quote(marked_all(b, mark)),
        Block::Boxed { kind, blocks } => Block::Boxed {
            kind: *kind,
            blocks: marked_all(blocks, mark),
        },
        Block::Fields(f) => Block::Fields(
            f.iter()
                .map(|(l, b)| (l.clone(), marked_all(b, mark)))
                .collect(),
        ),
        Block::Code(t) => Block::Para(vec![code_span(t, mark)]),
        Block::Table(t) => {
            let mut t = t.clone();
            for row in std::iter::once(&mut t.header).chain(t.rows.iter_mut()) {
                for cell in row.iter_mut() {
                    *cell = spans(cell);
                }
            }
            Block::Table(t)
        }
        Block::Rule => Block::Rule,
    }
}

/// The new spans with the words changed since the old ones marked; deleted
/// words keep the old styles, the rest the new ones.
pub fn mark_spans(old: &[Span], new: &[Span]) -> Vec<Span> {
    let old_text = spans_text(old);
    let new_text = spans_text(new);
    if old_text == new_text {
        return new.to_vec();
    }
    let mut out = Vec::new();
    let (mut o, mut n) = (0, 0);
    for seg in diff_words(&old_text, &new_text) {
        let len = seg.text.len();
        match seg.op {
            Op::Equal => {
                out.extend(slice(new, n, n + len, Mark::None));
                o += len;
                n += len;
            }
            Op::Insert => {
                out.extend(slice(new, n, n + len, Mark::Inserted));
                n += len;
            }
            Op::Delete => {
                out.extend(slice(old, o, o + len, Mark::Deleted));
                o += len;
            }
        }
    }
    out
}

/// The part of spans between two byte offsets of their joined text.
fn slice(spans: &[Span], start: usize, end: usize, mark: Mark) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for s in spans {
        let (from, to) = (at, at + s.text.len());
        at = to;
        let (a, b) = (start.max(from), end.min(to));
        if a < b {
            out.push(Span {
                text: s.text[a - from..b - from].to_string(),
                mark,
                ..s.clone()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::markdown::blocks;

    fn visible(blocks: &[Block], keep: Mark) -> String {
        fn walk(b: &Block, keep: Mark, out: &mut String) {
            match b {
                Block::Para(s) | Block::Heading { text: s, .. } => {
                    let line: String = s
                        .iter()
                        .filter(|x| x.mark == Mark::None || x.mark == keep)
                        .map(|x| x.text.as_str())
                        .collect();
                    if !line.is_empty() {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
                Block::List { items, .. } => {
                    for i in items {
                        for b in i {
                            walk(b, keep, out);
                        }
                    }
                }
                Block::Quote(bs) => {
                    for b in bs {
                        walk(b, keep, out);
                    }
                }
                _ => {}
            }
        }
        let mut out = String::new();
        for b in blocks {
            walk(b, keep, &mut out);
        }
        out
    }

    #[test]
    fn marks_rebuild_both_versions() {
        let old = blocks(
            "# Titel\n\nFørste afsnit er uændret.\n\nAndet afsnit med *gamle* ord.\n\nSlettet afsnit.\n\n- punkt ét\n- punkt to\n",
        );
        let new = blocks(
            "# Titel\n\nFørste afsnit er uændret.\n\nAndet afsnit med *nye* ord.\n\n- punkt ét\n- punkt to ændret\n- punkt tre\n\nHelt nyt afsnit.\n",
        );
        let merged = mark_blocks(&old, &new);
        let as_old = visible(&merged, Mark::Deleted);
        let as_new = visible(&merged, Mark::Inserted);
        let plain = |b: &[Block]| visible(b, Mark::None);
        assert_eq!(as_old, plain(&old));
        assert_eq!(as_new, plain(&new));
        // The changed word is marked, the unchanged paragraph is not.
        let Block::Para(p) = &merged[2] else {
            panic!("{merged:?}")
        };
        assert!(
            p.iter()
                .any(|s| s.mark == Mark::Deleted && s.text == "gamle" && s.style.emph)
        );
        assert!(
            p.iter()
                .any(|s| s.mark == Mark::Inserted && s.text == "nye" && s.style.emph)
        );
        assert_eq!(merged[1], new[1]);
    }

    #[test]
    fn a_new_item_before_a_changed_one_does_not_steal_its_pairing() {
        let old = blocks("- ét\n- to\n- Indsatserne skal differentieres efter risiko.\n");
        let new = blocks(
            "- ét\n- to\n- Et helt nyt punkt om noget andet.\n- Indsatserne skal differentieres efter risiko og behov.\n",
        );
        let merged = mark_blocks(&old, &new);
        let Block::List { items, .. } = &merged[0] else {
            panic!("{merged:?}")
        };
        assert_eq!(items.len(), 4, "{items:?}");
        let Block::Para(added) = &items[2][0] else {
            panic!()
        };
        assert!(added.iter().all(|s| s.mark == Mark::Inserted));
        let Block::Para(changed) = &items[3][0] else {
            panic!()
        };
        assert!(
            changed
                .iter()
                .any(|s| s.mark == Mark::None && s.text.contains("Indsatserne"))
        );
        assert!(
            changed
                .iter()
                .any(|s| s.mark == Mark::Inserted && s.text.contains("behov"))
        );
    }

    /// The marks of a chapter laid out with [`mark_chapter`], as `[-old-]`
    /// and `{+new+}`, one line a block (list items each on a line).
    fn marked_lines(old: &str, new: &str) -> Vec<String> {
        fn spans(s: &[Span]) -> String {
            s.iter()
                .map(|x| match x.mark {
                    Mark::None => x.text.clone(),
                    Mark::Inserted => format!("{{+{}+}}", x.text),
                    Mark::Deleted => format!("[-{}-]", x.text),
                })
                .collect()
        }
        let mut out = Vec::new();
        for b in mark_chapter(old, new, &blocks) {
            match b {
                Block::Para(s) | Block::Heading { text: s, .. } => out.push(spans(&s)),
                Block::List { items, .. } => {
                    for item in items {
                        for b in item {
                            if let Block::Para(s) = b {
                                out.push(format!("- {}", spans(&s)));
                            }
                        }
                    }
                }
                other => out.push(format!("{other:?}")),
            }
        }
        out
    }

    #[test]
    fn a_chapter_is_marked_block_for_block_as_the_diff_sees_it() {
        // An edited list item keeps its place and shows the changed word,
        // however little of it is left (the diff pairs it).
        assert_eq!(
            marked_lines(
                "# T\n\n- Kræft år.\n- To.\n",
                "# T\n\n- Patienter år.\n- To.\n"
            ),
            ["T", "- [-Kræft-]{+Patienter+} år.", "- To."]
        );
        // A moved paragraph: deleted where it stood, inserted where it is.
        assert_eq!(
            marked_lines(
                "# T\n\nA er først.\n\nB kommer så.\n\nC til sidst.\n",
                "# T\n\nB kommer så.\n\nC til sidst.\n\nA er først.\n"
            ),
            [
                "T",
                "[-A er først.-]",
                "B kommer så.",
                "C til sidst.",
                "{+A er først.+}"
            ]
        );
        // A heading's level changed: the new level, the changed word marked.
        let heading = mark_chapter("# T\n\n## Kræft år.\n", "# T\n\n### Kræft i år.\n", &blocks);
        assert!(
            matches!(&heading[1], Block::Heading { level: 3, .. }),
            "{heading:?}"
        );
        assert_eq!(
            marked_lines("# T\n\n## Kræft år.\n", "# T\n\n### Kræft i år.\n"),
            ["T", "Kræft {+i +}år."]
        );
        // Code edited, and prose made code: the changed words marked.
        assert_eq!(
            marked_lines(
                "# T\n\n```\nkræft år\n```\n",
                "# T\n\n```\nkræft i år\n```\n"
            ),
            ["T", "kræft {+i +}år"]
        );
        assert_eq!(
            marked_lines("# T\n\nKræft år.\n", "# T\n\n```\nKræft i år.\n```\n"),
            ["T", "Kræft {+i +}år."]
        );
        // Nothing changed: no marks.
        assert_eq!(
            marked_lines("# T\n\n- a\n- b\n", "# T\n\n- a\n- b\n"),
            ["T", "- a", "- b"]
        );
    }

    #[test]
    fn identical_texts_have_no_marks() {
        let b = blocks("# A\n\nTekst.\n");
        assert_eq!(mark_blocks(&b, &b), b);
    }
}
