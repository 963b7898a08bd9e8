//! Replacing quoted words in a chapter's Markdown while keeping its markup.
//!
//! Quotes live in the chapter's *searchable text* ([`searchable_text`]:
//! markup removed, white space collapsed, blocks joined by single spaces).
//! To replace quoted words, every character of that text is traced back to
//! the bytes of the Markdown it came from ([`SourceMap`]). The quote and the
//! new text are compared word by word; only changed words are rewritten, so
//! markup on unchanged words stays where it was. Within a changed run, old
//! and new words are paired in order (the n-th new word takes the n-th old
//! word's place and markup, the last takes what is left over), so
//! `se [rapporten](url)` → `læs notatet` gives `læs [notatet](url)`.
//!
//! Markup inside a rewritten range (the closing `*` of an emphasis that
//! started before it, a list marker between two items) is kept; an element
//! all of whose words are deleted (an emphasis, a link, a list item, a
//! paragraph) is removed whole, so no empty `**` or `- ` is left behind.
//!
//! Every result is checked: its searchable text must be the old one with the
//! quoted span replaced (white space aside) and its blocks must be the old
//! ones (less any deleted whole); otherwise nothing is returned and the
//! caller says the words must be changed by hand.

use std::ops::Range;

use pulldown_cmark::{Event, Parser};
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::text::{BlockSpan, collapse_ws, searchable_blocks, searchable_text};

/// One character of the searchable text and the Markdown bytes it came from
/// (`None` for the space that joins two blocks).
#[derive(Clone, Debug)]
struct Mapped {
    start: usize,
    source: Option<Range<usize>>,
}

/// An element of the Markdown (paragraph, list item, emphasis, link …): its
/// whole source range and the source ranges of the characters it holds.
#[derive(Clone, Debug)]
struct Element {
    range: Range<usize>,
    /// Indexes into [`SourceMap::raw`] of the characters inside it.
    chars: Range<usize>,
}

/// The searchable text of a Markdown chapter with, for each character, where
/// in the Markdown it came from.
#[derive(Debug)]
pub struct SourceMap {
    /// The searchable text (equal to [`searchable_text`] of the Markdown).
    pub text: String,
    chars: Vec<Mapped>,
    /// Every rendered character before white space was collapsed, with its
    /// source: these bytes are text; the others are markup.
    raw: Vec<(char, Range<usize>)>,
    /// Bytes of the Markdown that some rendered character came from.
    mapped: Vec<bool>,
    elements: Vec<Element>,
    /// The blocks of the text (see [`searchable_blocks`]).
    blocks: Vec<BlockSpan>,
    source: String,
}

/// Aligns the characters of an event's text with its source bytes: escapes
/// (`\*`), entities (`&amp;`) and skipped markup (a code span's backticks)
/// are allowed for. `None` when they cannot be aligned.
fn align(text: &str, source: &str, base: usize) -> Option<Vec<(char, Range<usize>)>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        loop {
            let rest = source.get(i..)?;
            let s = rest.chars().next()?;
            if s == '&'
                && let Some(semi) = rest[..rest.len().min(40)].find(';')
                && semi > 1
                && rest[1..semi]
                    .chars()
                    .all(|x| x.is_ascii_alphanumeric() || x == '#')
                && !(c == '&' && text_continues(&mut chars.clone(), &rest[1..=semi]))
            {
                out.push((c, base + i..base + i + semi + 1));
                i += semi + 1;
                // An entity may stand for more than one character: the
                // others share its end.
                break;
            }
            if s == c || (s.is_whitespace() && c.is_whitespace()) {
                out.push((c, base + i..base + i + s.len_utf8()));
                i += s.len_utf8();
                break;
            }
            if s == '\\' && rest[1..].starts_with(c) {
                out.push((c, base + i..base + i + 1 + c.len_utf8()));
                i += 1 + c.len_utf8();
                break;
            }
            i += s.len_utf8();
        }
    }
    Some(out)
}

/// Whether the characters still to come start with `s`.
fn text_continues(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, s: &str) -> bool {
    s.chars().all(|x| chars.next() == Some(x))
}

impl SourceMap {
    /// Maps `markdown`; `None` when some text cannot be traced to its source
    /// (the caller then refuses to rewrite the chapter).
    pub fn new(markdown: &str) -> Option<SourceMap> {
        let mut raw: Vec<(char, Range<usize>)> = Vec::new();
        // Stretches of `raw` whose words are kept apart by a space, as the
        // engine's plain text keeps them (the blocks themselves are the
        // engine's, from `searchable_blocks` below).
        let mut blocks: Vec<Range<usize>> = Vec::new();
        let mut block_start = 0;
        let mut open: Vec<(Range<usize>, usize)> = Vec::new();
        let mut elements = Vec::new();
        for (event, range) in Parser::new(markdown).into_offset_iter() {
            if crate::diff::plain::separates_words(&event) {
                blocks.push(block_start..raw.len());
                block_start = raw.len();
            }
            match event {
                Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                    raw.extend(align(&t, markdown.get(range.clone())?, range.start)?);
                }
                Event::SoftBreak | Event::HardBreak => raw.push((' ', range)),
                Event::Start(_) => open.push((range, raw.len())),
                Event::End(_) => {
                    let (range, first) = open.pop()?;
                    elements.push(Element {
                        range,
                        chars: first..raw.len(),
                    });
                }
                _ => {}
            }
        }
        blocks.push(block_start..raw.len());
        let mut text = String::new();
        let mut chars: Vec<Mapped> = Vec::new();
        for block in blocks {
            // Collapse white space as `searchable_blocks` does; the kept
            // space maps to the first white space character of its run.
            let mut piece: Vec<(char, Range<usize>)> = Vec::new();
            let mut pending: Option<Range<usize>> = None;
            for (c, r) in &raw[block] {
                if c.is_whitespace() {
                    if pending.is_none() && !piece.is_empty() {
                        pending = Some(r.clone());
                    }
                } else {
                    if let Some(p) = pending.take() {
                        piece.push((' ', p));
                    }
                    piece.push((*c, r.clone()));
                }
            }
            if piece.is_empty() {
                continue;
            }
            if !text.is_empty() {
                chars.push(Mapped {
                    start: text.len(),
                    source: None,
                });
                text.push(' ');
            }
            for (c, r) in piece {
                chars.push(Mapped {
                    start: text.len(),
                    source: Some(r),
                });
                text.push(c);
            }
        }
        let (expected, blocks) = searchable_blocks(markdown);
        if text != expected {
            return None;
        }
        let mut mapped = vec![false; markdown.len()];
        for (_, r) in &raw {
            for m in &mut mapped[r.clone()] {
                *m = true;
            }
        }
        Some(SourceMap {
            text,
            chars,
            raw,
            mapped,
            elements,
            blocks,
            source: markdown.to_string(),
        })
    }

    /// `at` moved past markup that closes elements there (`*`, `](url)`),
    /// so words inserted after a word do not take on its emphasis or link.
    fn past_closing_markup(&self, mut at: usize) -> usize {
        loop {
            let next = self
                .elements
                .iter()
                .filter(|e| e.range.start < at && at < e.range.end)
                .map(|e| e.range.end)
                .filter(|&end| {
                    (at..end).all(|b| !self.mapped[b]) && !self.source_has_space(at..end)
                })
                .min();
            match next {
                Some(end) => at = end,
                None => return at,
            }
        }
    }

    fn source_has_space(&self, range: Range<usize>) -> bool {
        self.source
            .get(range)
            .is_none_or(|s| s.chars().any(char::is_whitespace))
    }

    /// The index of the character starting at byte `at` of the text.
    fn char_at(&self, at: usize) -> Option<usize> {
        self.chars.binary_search_by_key(&at, |m| m.start).ok()
    }

    /// The source range from the first to the last character of the text's
    /// byte range `span` (which must hold a character that is not white space).
    fn source_of(&self, span: Range<usize>) -> Option<Range<usize>> {
        let first = self.char_at(span.start)?;
        let last = self.char_at(prev_char_start(&self.text, span.end)?)?;
        let start = self.chars[first..=last]
            .iter()
            .find_map(|m| m.source.as_ref())?
            .start;
        let end = self.chars[first..=last]
            .iter()
            .rev()
            .find_map(|m| m.source.as_ref())?
            .end;
        Some(start..end)
    }
}

fn prev_char_start(s: &str, end: usize) -> Option<usize> {
    s.get(..end)?.char_indices().next_back().map(|(i, _)| i)
}

/// The words of `s` (runs without white space) as byte ranges.
fn words(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push(st..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// Why a replacement could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// The span is not on characters of the chapter's text.
    BadSpan,
    /// The chapter's text could not be traced to its Markdown, or the result
    /// would not read as intended (unusual markup); change it by hand.
    Unsafe,
}

/// One rewrite: delete the text in `range` (markup in it is kept, see
/// [`delete_text_in`]) and put `new` at its start.
struct Slot {
    range: Range<usize>,
    new: String,
    /// Text positions of the rewritten words (for deletions: to take a
    /// neighbouring space along).
    text_span: Range<usize>,
}

/// Replaces the words at `span` (bytes of the chapter's searchable text) with
/// `replacement` (plain words; Markdown in it is written as it is; white
/// space is collapsed), keeping the markup around and inside the words. An
/// empty replacement deletes the words.
pub fn replace_span(
    markdown: &str,
    span: Range<usize>,
    replacement: &str,
) -> Result<String, ApplyError> {
    let map = SourceMap::new(markdown).ok_or(ApplyError::Unsafe)?;
    let text = &map.text;
    let quote = text.get(span.clone()).ok_or(ApplyError::BadSpan)?;
    if quote.trim().is_empty() {
        return Err(ApplyError::BadSpan);
    }
    let replacement = collapse_ws(replacement);
    let old_words: Vec<Range<usize>> = words(quote)
        .into_iter()
        .map(|w| w.start + span.start..w.end + span.start)
        .collect();
    let new_words = words(&replacement);
    let old_tokens: Vec<&str> = old_words.iter().map(|w| &text[w.clone()]).collect();
    let new_tokens: Vec<&str> = new_words.iter().map(|w| &replacement[w.clone()]).collect();

    let mut slots: Vec<Slot> = Vec::new();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut hunks: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_tokens, &new_tokens) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        match hunks.last_mut() {
            Some((lo, ln)) if lo.end == o.start && ln.end == n.start => {
                lo.end = o.end;
                ln.end = n.end;
            }
            _ => hunks.push((o, n)),
        }
    }
    let joined = |r: Range<usize>| new_tokens[r].join(" ");
    for (o, n) in hunks {
        if o.is_empty() {
            // Pure insertion: after the word before it, else before the first.
            let (at, text_new) = if o.start > 0 {
                let w = &old_words[o.start - 1];
                let src = map.source_of(w.clone()).ok_or(ApplyError::Unsafe)?;
                (map.past_closing_markup(src.end), format!(" {}", joined(n)))
            } else {
                let w = &old_words[0];
                let src = map.source_of(w.clone()).ok_or(ApplyError::Unsafe)?;
                (src.start, format!("{} ", joined(n)))
            };
            inserts.push((at, text_new));
            continue;
        }
        // Pair old and new words in order; the last slot takes the rest.
        let pairs = o.len().min(n.len()).max(1);
        for k in 0..pairs {
            let old_from = o.start + k;
            let old_to = if k + 1 == pairs { o.end } else { old_from + 1 };
            let new_range = if n.is_empty() {
                0..0
            } else if k + 1 == pairs {
                n.start + k..n.end
            } else {
                n.start + k..n.start + k + 1
            };
            let text_span = old_words[old_from].start..old_words[old_to - 1].end;
            let range = map.source_of(text_span.clone()).ok_or(ApplyError::Unsafe)?;
            slots.push(Slot {
                range,
                new: joined(new_range),
                text_span,
            });
        }
    }
    let mut delete = vec![false; markdown.len()];
    for slot in &slots {
        delete_text_in(&map, markdown, slot.range.clone(), &mut delete);
        if slot.new.is_empty() {
            // Take one neighbouring space along, so `*a b*` less `a` is
            // `*b*` and not `* b*` (which is no longer emphasis).
            take_space_along(&map, slot.text_span.clone(), &mut delete);
        } else {
            inserts.push((slot.range.start, slot.new.clone()));
        }
    }
    // Elements left without any of their words lose their markup too.
    for e in &map.elements {
        let mut letters = map.raw[e.chars.clone()]
            .iter()
            .filter(|(c, _)| !c.is_whitespace())
            .peekable();
        if letters.peek().is_none() {
            continue;
        }
        let emptied = letters.all(|(_, r)| r.clone().all(|b| delete[b]));
        let receives = inserts
            .iter()
            .any(|(at, _)| e.range.start <= *at && *at < e.range.end);
        if emptied && !receives {
            for d in &mut delete[e.range.clone()] {
                *d = true;
            }
        }
    }
    inserts.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(markdown.len() + replacement.len());
    let mut next_insert = inserts.iter().peekable();
    let mut was_deleting = false;
    let mut joins = Vec::new();
    for (i, c) in markdown.char_indices() {
        while let Some((_, s)) = next_insert.next_if(|(at, _)| *at <= i) {
            out.push_str(s);
        }
        if delete[i] {
            was_deleting = true;
            continue;
        }
        if was_deleting {
            joins.push(out.len());
            was_deleting = false;
        }
        out.push(c);
    }
    for (_, s) in next_insert {
        out.push_str(s);
    }
    if was_deleting {
        joins.push(out.len());
    }
    let out = tidy_joins(out, &joins);
    check(&map, &out, span, &replacement)?;
    Ok(out)
}

/// Marks the rendered text in `range` for deletion, and the white space
/// between it; other markup in it (a closing `*`, a list marker, a line
/// break between blocks) is kept.
fn delete_text_in(map: &SourceMap, markdown: &str, range: Range<usize>, delete: &mut [bool]) {
    let mut i = range.start;
    while i < range.end {
        if map.mapped[i] {
            delete[i] = true;
            i += 1;
            continue;
        }
        let mut j = i;
        while j < range.end && !map.mapped[j] {
            j += 1;
        }
        if markdown[i..j].bytes().all(|b| b == b' ' || b == b'\t') {
            for d in &mut delete[i..j] {
                *d = true;
            }
        }
        i = j;
    }
}

/// For a deletion: also delete the space after the words in the text (else
/// the one before), when it stands in the Markdown.
fn take_space_along(map: &SourceMap, span: Range<usize>, delete: &mut [bool]) {
    let neighbour = |at: usize| {
        let i = map.char_at(at)?;
        let m = &map.chars[i];
        (map.text[at..].starts_with(' ')).then_some(m.source.clone()?)
    };
    let before = prev_char_start(&map.text, span.start);
    if let Some(r) = neighbour(span.end).or_else(|| before.and_then(neighbour)) {
        for d in &mut delete[r] {
            *d = true;
        }
    }
}

/// Where deleted text left two spaces, or a space before a line end,
/// removes the extra one.
fn tidy_joins(out: String, joins: &[usize]) -> String {
    let mut cut = Vec::new();
    for &j in joins {
        let before = out[..j].chars().next_back();
        let after = out[j..].chars().next();
        match (before, after) {
            (Some(' '), Some(' ')) => cut.push(j),
            (Some(' '), Some('\n') | None) => cut.push(j - 1),
            _ => {}
        }
    }
    if cut.is_empty() {
        return out;
    }
    let mut s = out;
    cut.sort_unstable();
    cut.dedup();
    for j in cut.into_iter().rev() {
        s.remove(j);
    }
    s
}

/// Whether `out` reads as `map`'s text with `span` replaced: the same
/// characters apart from white space, and the same blocks (less blocks
/// deleted whole).
fn check(
    map: &SourceMap,
    out: &str,
    span: Range<usize>,
    replacement: &str,
) -> Result<(), ApplyError> {
    let no_ws = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let rendered_new = searchable_text(replacement);
    let expected = format!(
        "{}{}{}",
        &map.text[..span.start],
        rendered_new,
        &map.text[span.end..]
    );
    let (got, got_blocks) = searchable_blocks(out);
    if no_ws(&got) != no_ws(&expected) {
        return Err(ApplyError::Unsafe);
    }
    // Blocks wholly inside the span may go; the others stay, in order and
    // of the same kind.
    let now: Vec<Option<u8>> = got_blocks.iter().map(|(_, h)| *h).collect();
    let optional: Vec<bool> = map
        .blocks
        .iter()
        .map(|(r, _)| span.start <= r.start && r.end <= span.end)
        .collect();
    let mut at = 0;
    for (i, (_, kind)) in map.blocks.iter().enumerate() {
        let mandatory_after = optional[i + 1..].iter().filter(|o| !**o).count();
        let room = now.len().saturating_sub(at) > mandatory_after;
        if room && now.get(at) == Some(kind) {
            at += 1;
        } else if !optional[i] {
            return Err(ApplyError::Unsafe);
        }
    }
    if at != now.len() {
        return Err(ApplyError::Unsafe);
    }
    Ok(())
}
