//! Chapters compared block by block: a chapter's Markdown is cut into
//! headings, paragraphs, list items and code blocks; blocks are matched
//! between the versions (unchanged, moved, edited in place, inserted,
//! deleted), and an edited block carries its word-level difference.
//!
//! Cutting is lossless: a block is a slice of the Markdown source including
//! the blank lines after it, so the blocks of a version joined give the
//! version back byte for byte. Every [`BlockDiff`] carries segments whose
//! equal and deleted parts are its FROM text and whose equal and inserted
//! parts are its TO text; [`apply`] rebuilds TO from FROM with them.

use std::collections::HashMap;

use super::align::{
    Bag, Fast, MAX_ALIGN_PAIRS, Part, best_pairs, could_overlap, may_overlap, overlap, parts,
};
use super::words::{self, Op, Segment, diff_words};
use serde::Serialize;

/// What a block of Markdown is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// `# …` to `###### …`.
    Heading,
    /// Consecutive lines of prose (also tables and quotes).
    Paragraph,
    /// One item of a bullet or numbered list, with its continuation lines.
    ListItem,
    /// A fenced code block.
    Code,
    /// Only blank lines (at the very start of a file).
    Blank,
}

/// A block of a chapter's Markdown: a slice of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'a> {
    pub kind: BlockKind,
    /// The source of the block including its line end and the blank lines
    /// after it.
    pub text: &'a str,
}

impl Block<'_> {
    /// The text blocks are matched by: without the trailing white space, so
    /// a paragraph that moves to the end of the file still matches itself.
    pub fn key(&self) -> &str {
        self.text.trim_end()
    }
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_heading(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return false;
    }
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(char::is_whitespace)
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.starts_with([' ', '\t']) && !is_rule(t);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && t[digits..].starts_with(['.', ')'])
        && t[digits + 1..].starts_with([' ', '\t'])
}

/// Whether a list item line may end a paragraph (CommonMark): a bullet,
/// or a numbered item starting at 1, with words after its mark. A wrapped
/// line such as `12. maj …` continues the paragraph.
fn interrupts_paragraph(line: &str) -> bool {
    let t = line.trim_start();
    let rest = match t.strip_prefix(['-', '*', '+']) {
        Some(rest) => rest,
        None => match t.strip_prefix("1.").or_else(|| t.strip_prefix("1)")) {
            Some(rest) => rest,
            None => return false,
        },
    };
    !rest.trim().is_empty()
}

/// `---`, `***`: a thematic break, not a list item.
fn is_rule(t: &str) -> bool {
    let mut marks = t.bytes().filter(|b| !b.is_ascii_whitespace());
    let Some(first) = marks.next().filter(|b| matches!(b, b'-' | b'*')) else {
        return false;
    };
    let mut n = 1;
    for b in marks {
        if b != first {
            return false;
        }
        n += 1;
    }
    n >= 3
}

fn fence(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// Cuts Markdown into blocks; joined, they are exactly `markdown`.
pub fn split_blocks(markdown: &str) -> Vec<Block<'_>> {
    // The lines with their ends (as `split_inclusive('\n')`, with SIMD).
    let mut lines: Vec<&str> = Vec::with_capacity(markdown.len() / 64 + 1);
    let mut line_start = 0;
    for end in memchr::memchr_iter(b'\n', markdown.as_bytes()) {
        lines.push(&markdown[line_start..=end]);
        line_start = end + 1;
    }
    if line_start < markdown.len() {
        lines.push(&markdown[line_start..]);
    }
    let mut blocks = Vec::new();
    let mut offset = 0;
    let mut i = 0;
    // Blank lines before the first block.
    let mut start = 0;
    while i < lines.len() && is_blank(lines[i]) {
        offset += lines[i].len();
        i += 1;
    }
    if offset > 0 {
        blocks.push(Block {
            kind: BlockKind::Blank,
            text: &markdown[..offset],
        });
        start = offset;
    }
    while i < lines.len() {
        let first = lines[i];
        let kind;
        offset += first.len();
        i += 1;
        if is_heading(first) {
            kind = BlockKind::Heading;
        } else if let Some(f) = fence(first) {
            kind = BlockKind::Code;
            while i < lines.len() {
                let l = lines[i];
                offset += l.len();
                i += 1;
                if l.trim_start().starts_with(f) {
                    break;
                }
            }
        } else {
            kind = if is_list_item(first) {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            };
            while i < lines.len() {
                let l = lines[i];
                let item =
                    is_list_item(l) && (kind == BlockKind::ListItem || interrupts_paragraph(l));
                if is_blank(l) || is_heading(l) || item || fence(l).is_some() {
                    break;
                }
                offset += l.len();
                i += 1;
            }
        }
        while i < lines.len() && is_blank(lines[i]) {
            offset += lines[i].len();
            i += 1;
        }
        blocks.push(Block {
            kind,
            text: &markdown[start..offset],
        });
        start = offset;
    }
    blocks
}

/// What happened to a block between FROM and TO.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockChange {
    /// Same words, same place (white space at its end may differ).
    Unchanged,
    /// Only in TO.
    Inserted,
    /// Only in FROM.
    Deleted,
    /// Edited where it stands; the segments mark the words.
    Changed,
    /// Moved to another place, perhaps also edited (`edited`).
    Moved,
}

/// One block of a changed chapter, in TO's order with deleted blocks where
/// they stood in FROM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockDiff {
    pub change: BlockChange,
    pub kind: BlockKind,
    /// Position among FROM's blocks, from 0 (None when inserted).
    pub old: Option<usize>,
    /// Position among TO's blocks, from 0 (None when deleted).
    pub new: Option<usize>,
    /// For a moved block: whether its words changed too.
    pub edited: bool,
    pub words_added: usize,
    pub words_removed: usize,
    /// Equal and deleted segments give the FROM text, equal and inserted
    /// ones the TO text (both including the blank lines after the block).
    pub segments: Vec<Segment>,
    /// For an unchanged block left without segments by
    /// [`Context::Referenced`]: where its text is in TO's Markdown (see
    /// [`unchanged_text`]); `None` for every other block.
    #[serde(skip)]
    pub referenced: Option<std::ops::Range<usize>>,
}

impl BlockDiff {
    /// The block's text in FROM (empty when inserted).
    pub fn old_text(&self) -> String {
        words::old_text(&self.segments)
    }

    /// The block's text in TO (empty when deleted).
    pub fn new_text(&self) -> String {
        words::new_text(&self.segments)
    }

    fn new(
        change: BlockChange,
        kind: BlockKind,
        old: Option<usize>,
        new: Option<usize>,
        segments: Vec<Segment>,
    ) -> BlockDiff {
        let (words_added, words_removed) = words::word_counts(&segments);
        let edited = change == BlockChange::Moved && (words_added > 0 || words_removed > 0);
        BlockDiff {
            change,
            kind,
            old,
            new,
            edited,
            referenced: None,
            words_added,
            words_removed,
            segments,
        }
    }
}

/// Counts over a chapter's blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChapterSummary {
    pub words_added: usize,
    pub words_removed: usize,
    pub blocks_added: usize,
    pub blocks_removed: usize,
    pub blocks_changed: usize,
    pub blocks_moved: usize,
}

impl ChapterSummary {
    /// The counts of a list of block diffs.
    pub fn of(blocks: &[BlockDiff]) -> ChapterSummary {
        let mut s = ChapterSummary::default();
        for b in blocks {
            s.words_added += b.words_added;
            s.words_removed += b.words_removed;
            match b.change {
                BlockChange::Inserted => s.blocks_added += 1,
                BlockChange::Deleted => s.blocks_removed += 1,
                BlockChange::Changed => s.blocks_changed += 1,
                BlockChange::Moved => s.blocks_moved += 1,
                BlockChange::Unchanged => {}
            }
        }
        s
    }

    /// Adds another chapter's counts.
    pub fn add(&mut self, other: &ChapterSummary) {
        self.words_added += other.words_added;
        self.words_removed += other.words_removed;
        self.blocks_added += other.blocks_added;
        self.blocks_removed += other.blocks_removed;
        self.blocks_changed += other.blocks_changed;
        self.blocks_moved += other.blocks_moved;
    }
}

/// Two blocks are taken as versions of each other in place from this
/// similarity (shared words), and as a moved-and-edited block from the
/// second, stricter one.
const IN_PLACE_SIMILARITY: f64 = 0.5;
const MOVED_SIMILARITY: f64 = 0.6;
/// One block replaced by one other in the same place is taken as rewritten
/// from this similarity.
const REWRITE_SIMILARITY: f64 = 0.2;
/// Above this many candidate pairs, moved-and-edited blocks are not looked
/// for (a chapter rewritten from scratch); exact moves still are.
const MAX_MOVE_PAIRS: usize = 40_000;

fn same_class(a: BlockKind, b: BlockKind) -> bool {
    (a == BlockKind::Heading) == (b == BlockKind::Heading)
}

/// A run of FROM blocks replaced by a run of TO blocks.
struct Hunk {
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
}

/// How much of the unchanged blocks a diff keeps: their text is most of a
/// chapter, and not every output needs a copy of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Every block with its segments.
    Copied,
    /// Unchanged blocks other than headings without segments (output that
    /// shows what changed under its heading).
    Headings,
    /// Unchanged blocks that read the same in both versions without
    /// segments: their text is TO's block at position `new`, where the
    /// output takes it from (see [`unchanged_text`]).
    Referenced,
}

/// The block-level difference of two versions of a chapter.
pub fn diff_blocks(old_md: &str, new_md: &str) -> Vec<BlockDiff> {
    diff_blocks_for(old_md, new_md, Context::Copied)
}

/// The one segment an unchanged block left without segments by
/// [`Context::Referenced`] has: the text of TO's block at its position, in
/// `to` (TO's Markdown, which the diff cut without keeping the blocks).
/// `None` for any other block.
pub fn unchanged_text<'t>(block: &BlockDiff, to: &'t str) -> Option<&'t str> {
    if block.change != BlockChange::Unchanged || !block.segments.is_empty() {
        return None;
    }
    to.get(block.referenced.clone()?)
}

/// [`diff_blocks`], keeping of the unchanged blocks what `context` says.
pub fn diff_blocks_for(old_md: &str, new_md: &str, context: Context) -> Vec<BlockDiff> {
    let a = split_blocks(old_md);
    let b = split_blocks(new_md);
    let ka: Vec<&str> = a.iter().map(Block::key).collect();
    let kb: Vec<&str> = b.iter().map(Block::key).collect();

    // Equal runs and hunks in between, in order.
    enum Piece {
        Equal(usize, usize, usize),
        Hunk(usize),
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut hunks: Vec<Hunk> = Vec::new();
    for part in parts(&ka, &kb) {
        match part {
            Part::Equal { old, new, len } => pieces.push(Piece::Equal(old, new, len)),
            Part::Changed { old, new } => {
                pieces.push(Piece::Hunk(hunks.len()));
                hunks.push(Hunk { old, new });
            }
        }
    }

    // Pairs: partner of each deleted FROM block and inserted TO block.
    let mut old_partner: Vec<Option<usize>> = vec![None; a.len()];
    let mut new_partner: Vec<Option<usize>> = vec![None; b.len()];
    // Whether the pair of a TO block is the same block edited in place
    // (else it moved).
    let mut in_place = vec![false; b.len()];
    let mut hunk_of_old = vec![usize::MAX; a.len()];
    let mut hunk_of_new = vec![usize::MAX; b.len()];
    for (h, hunk) in hunks.iter().enumerate() {
        for i in hunk.old.clone() {
            hunk_of_old[i] = h;
        }
        for j in hunk.new.clone() {
            hunk_of_new[j] = h;
        }
    }

    // 1. Exact moves: the same words deleted in one place, inserted in another.
    let mut by_key: HashMap<&str, Vec<usize>, Fast> = HashMap::default();
    for hunk in &hunks {
        for i in hunk.old.clone() {
            if !ka[i].is_empty() {
                by_key.entry(ka[i]).or_default().push(i);
            }
        }
    }
    for list in by_key.values_mut() {
        list.reverse(); // pop() takes the first
    }
    for hunk in &hunks {
        for j in hunk.new.clone() {
            if let Some(i) = by_key.get_mut(kb[j]).and_then(Vec::pop) {
                old_partner[i] = Some(j);
                new_partner[j] = Some(i);
            }
        }
    }

    // Shared words of two blocks (same kind of block), computed once.
    let mut bags_a: HashMap<usize, Bag<'_>, Fast> = HashMap::default();
    let mut bags_b: HashMap<usize, Bag<'_>, Fast> = HashMap::default();
    let mut known: HashMap<(usize, usize), f64, Fast> = HashMap::default();
    let mut sim = |i: usize, j: usize, threshold: f64| -> f64 {
        if !same_class(a[i].kind, b[j].kind) || !could_overlap(ka[i], kb[j], threshold) {
            return 0.0;
        }
        if let Some(&s) = known.get(&(i, j)) {
            return s;
        }
        let bag_i = bags_a.entry(i).or_insert_with(|| Bag::of(ka[i]));
        let bag_j = bags_b.entry(j).or_insert_with(|| Bag::of(kb[j]));
        // Most pairs tried for a move share far too few words: told from
        // the bags' counts without merging them (and not remembered, so a
        // lower threshold later still counts).
        if !may_overlap(bag_i, bag_j, threshold) {
            return 0.0;
        }
        let s = overlap(bag_i, bag_j);
        known.insert((i, j), s);
        s
    };

    // How well each block could be paired where it stands.
    let mut best_old = vec![0.0f64; a.len()];
    let mut best_new = vec![0.0f64; b.len()];
    let unpaired = |hunk: &Hunk, old_partner: &[Option<usize>], new_partner: &[Option<usize>]| {
        let olds: Vec<usize> = hunk
            .old
            .clone()
            .filter(|&i| old_partner[i].is_none())
            .collect();
        let news: Vec<usize> = hunk
            .new
            .clone()
            .filter(|&j| new_partner[j].is_none())
            .collect();
        (olds, news)
    };
    for hunk in &hunks {
        let (olds, news) = unpaired(hunk, &old_partner, &new_partner);
        if olds.len() * news.len() > MAX_ALIGN_PAIRS {
            continue;
        }
        for &i in &olds {
            for &j in &news {
                let s = sim(i, j, IN_PLACE_SIMILARITY);
                if s >= IN_PLACE_SIMILARITY {
                    best_old[i] = best_old[i].max(s);
                    best_new[j] = best_new[j].max(s);
                }
            }
        }
    }

    // Candidates for moved-and-edited blocks: similar blocks anywhere.
    let lone_old: Vec<usize> = (0..a.len())
        .filter(|&i| hunk_of_old[i] != usize::MAX && old_partner[i].is_none() && !ka[i].is_empty())
        .collect();
    let lone_new: Vec<usize> = (0..b.len())
        .filter(|&j| hunk_of_new[j] != usize::MAX && new_partner[j].is_none() && !kb[j].is_empty())
        .collect();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    if lone_old.len() * lone_new.len() <= MAX_MOVE_PAIRS {
        for &i in &lone_old {
            for &j in &lone_new {
                let s = sim(i, j, MOVED_SIMILARITY);
                if s >= MOVED_SIMILARITY {
                    candidates.push((s, i, j));
                }
            }
        }
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    }

    // 2. Moved and edited, first where the block elsewhere is a better
    //    match than anything where it stood.
    for &(s, i, j) in &candidates {
        if hunk_of_old[i] != hunk_of_new[j]
            && s > best_old[i]
            && s > best_new[j]
            && old_partner[i].is_none()
            && new_partner[j].is_none()
        {
            old_partner[i] = Some(j);
            new_partner[j] = Some(i);
        }
    }

    // 3. Edited in place: similar blocks within one hunk, aligned in order
    //    so the total similarity is highest.
    for hunk in &hunks {
        let (olds, news) = unpaired(hunk, &old_partner, &new_partner);
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        let mut in_hunk = |i: usize, j: usize| -> f64 {
            let s = sim(i, j, IN_PLACE_SIMILARITY);
            if s >= IN_PLACE_SIMILARITY { s } else { 0.0 }
        };
        for (i, j) in best_pairs(&olds, &news, &mut in_hunk) {
            old_partner[i] = Some(j);
            new_partner[j] = Some(i);
            in_place[j] = true;
        }
    }

    // Then the other moved-and-edited blocks, also those in one hunk that
    // cross the blocks edited in place there.
    for &(_, i, j) in &candidates {
        if old_partner[i].is_none() && new_partner[j].is_none() {
            old_partner[i] = Some(j);
            new_partner[j] = Some(i);
        }
    }

    // 4. One block replaced by one other where it stood, sharing some
    //    words: the same block, rewritten (shown word by word).
    for (h, hunk) in hunks.iter().enumerate() {
        let mut anchors: Vec<(usize, usize)> = hunk
            .old
            .clone()
            .filter_map(|i| old_partner[i].map(|j| (i, j)))
            .filter(|&(_, j)| hunk_of_new[j] == h && in_place[j])
            .collect();
        anchors.push((hunk.old.end, hunk.new.end));
        let (mut from_i, mut from_j) = (hunk.old.start, hunk.new.start);
        for (end_i, end_j) in anchors {
            let olds: Vec<usize> = (from_i..end_i)
                .filter(|&i| old_partner[i].is_none())
                .collect();
            let news: Vec<usize> = (from_j..end_j.max(from_j))
                .filter(|&j| new_partner[j].is_none())
                .collect();
            if let ([i], [j]) = (olds.as_slice(), news.as_slice())
                && same_class(a[*i].kind, b[*j].kind)
                && overlap(&Bag::of(ka[*i]), &Bag::of(kb[*j])) >= REWRITE_SIMILARITY
            {
                old_partner[*i] = Some(*j);
                new_partner[*j] = Some(*i);
                in_place[*j] = true;
            }
            from_i = end_i + 1;
            from_j = end_j + 1;
        }
    }

    // Where each of TO's blocks starts (they follow each other), for the
    // unchanged blocks whose text the output takes from TO.
    let starts: Vec<usize> = match context {
        Context::Referenced => b
            .iter()
            .scan(0, |at, block| {
                let start = *at;
                *at += block.text.len();
                Some(start)
            })
            .collect(),
        _ => Vec::new(),
    };
    debug_assert!(
        starts.is_empty() || b.iter().map(|x| x.text.len()).sum::<usize>() == new_md.len(),
        "TO's blocks are its Markdown, one after the other"
    );
    // Output in TO order; deleted blocks where they stood.
    let mut out = Vec::with_capacity(b.len() + 4);
    for piece in &pieces {
        match *piece {
            Piece::Equal(i, j, n) => {
                for k in 0..n {
                    let (old, new) = (a[i + k].text, b[j + k].text);
                    // The keys are equal here (the text without its
                    // trailing white space): only that white space may
                    // differ, so it alone is compared.
                    debug_assert_eq!(ka[i + k], kb[j + k]);
                    let same =
                        old.len() == new.len() && old[ka[i + k].len()..] == new[kb[j + k].len()..];
                    let kind = b[j + k].kind;
                    let kept = match context {
                        Context::Copied => true,
                        Context::Headings => kind == BlockKind::Heading,
                        Context::Referenced => !same,
                    };
                    let mut block = BlockDiff::new(
                        BlockChange::Unchanged,
                        kind,
                        Some(i + k),
                        Some(j + k),
                        if kept {
                            segments_of(old, new, same)
                        } else {
                            Vec::new()
                        },
                    );
                    if !kept && let Some(&start) = starts.get(j + k) {
                        block.referenced = Some(start..start + new.len());
                    }
                    out.push(block);
                }
            }
            Piece::Hunk(h) => {
                let hunk = &hunks[h];
                let mut next_i = hunk.old.start;
                let deleted = |i: usize, out: &mut Vec<BlockDiff>| {
                    if old_partner[i].is_none() {
                        out.push(BlockDiff::new(
                            BlockChange::Deleted,
                            a[i].kind,
                            Some(i),
                            None,
                            vec![Segment {
                                op: Op::Delete,
                                text: a[i].text.to_string(),
                            }],
                        ));
                    }
                };
                for j in hunk.new.clone() {
                    match new_partner[j] {
                        Some(i) if in_place[j] => {
                            while next_i < i {
                                deleted(next_i, &mut out);
                                next_i += 1;
                            }
                            next_i = next_i.max(i + 1);
                            out.push(BlockDiff::new(
                                BlockChange::Changed,
                                b[j].kind,
                                Some(i),
                                Some(j),
                                diff_words(a[i].text, b[j].text),
                            ));
                        }
                        Some(i) => out.push(BlockDiff::new(
                            BlockChange::Moved,
                            b[j].kind,
                            Some(i),
                            Some(j),
                            pair_segments(a[i].text, b[j].text),
                        )),
                        None => out.push(BlockDiff::new(
                            BlockChange::Inserted,
                            b[j].kind,
                            None,
                            Some(j),
                            vec![Segment {
                                op: Op::Insert,
                                text: b[j].text.to_string(),
                            }],
                        )),
                    }
                }
                while next_i < hunk.old.end {
                    deleted(next_i, &mut out);
                    next_i += 1;
                }
            }
        }
    }
    out
}

/// Segments for two versions of one block: one equal segment when they are
/// the same, else the word difference.
fn pair_segments(old: &str, new: &str) -> Vec<Segment> {
    segments_of(old, new, old == new)
}

/// [`pair_segments`] when whether the two versions are `same` is known.
fn segments_of(old: &str, new: &str, same: bool) -> Vec<Segment> {
    if same {
        vec![Segment {
            op: Op::Equal,
            text: new.to_string(),
        }]
    } else {
        diff_words(old, new)
    }
}

/// Why [`apply`] refused a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// Positions are missing, repeated or out of range.
    Positions,
    /// The diff's FROM side is not the given text.
    NotFrom,
}

/// Applies block diffs to FROM and returns TO.
///
/// Checks that the blocks' FROM sides, in FROM order, are exactly `from`
/// (so the diff really describes this text), then joins the TO sides in TO
/// order.
pub fn apply(blocks: &[BlockDiff], from: &str) -> Result<String, ApplyError> {
    let mut olds: Vec<(usize, &BlockDiff)> = blocks
        .iter()
        .filter_map(|b| b.old.map(|i| (i, b)))
        .collect();
    let mut news: Vec<(usize, &BlockDiff)> = blocks
        .iter()
        .filter_map(|b| b.new.map(|j| (j, b)))
        .collect();
    olds.sort_by_key(|x| x.0);
    news.sort_by_key(|x| x.0);
    if olds.iter().enumerate().any(|(k, x)| x.0 != k)
        || news.iter().enumerate().any(|(k, x)| x.0 != k)
    {
        return Err(ApplyError::Positions);
    }
    let mut rest = from;
    for (_, b) in &olds {
        for s in b.segments.iter().filter(|s| s.op != Op::Insert) {
            rest = rest
                .strip_prefix(s.text.as_str())
                .ok_or(ApplyError::NotFrom)?;
        }
    }
    if !rest.is_empty() {
        return Err(ApplyError::NotFrom);
    }
    Ok(news.iter().map(|(_, b)| b.new_text()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(BlockKind, &str)> {
        split_blocks(md).iter().map(|b| (b.kind, b.text)).collect()
    }

    #[test]
    fn cuts_markdown_into_blocks_losslessly() {
        let md = "\n# Titel\n\nEt afsnit\nover to linjer.\n\n- punkt ét\n- punkt to\n  fortsat\n1. nummer\n\n```\nkode\n\nmere\n```\n## Under\nSidste.";
        let t = texts(md);
        assert_eq!(
            t,
            vec![
                (BlockKind::Blank, "\n"),
                (BlockKind::Heading, "# Titel\n\n"),
                (BlockKind::Paragraph, "Et afsnit\nover to linjer.\n\n"),
                (BlockKind::ListItem, "- punkt ét\n"),
                (BlockKind::ListItem, "- punkt to\n  fortsat\n"),
                (BlockKind::ListItem, "1. nummer\n\n"),
                (BlockKind::Code, "```\nkode\n\nmere\n```\n"),
                (BlockKind::Heading, "## Under\n"),
                (BlockKind::Paragraph, "Sidste."),
            ]
        );
        assert_eq!(t.iter().map(|x| x.1).collect::<String>(), md);
        assert!(split_blocks("").is_empty());
        assert_eq!(texts("---\n"), vec![(BlockKind::Paragraph, "---\n")]);
        assert_eq!(
            texts("#hashtag\n"),
            vec![(BlockKind::Paragraph, "#hashtag\n")]
        );
    }

    #[test]
    fn a_wrapped_line_starting_with_a_number_continues_its_paragraph() {
        // CommonMark: only a bullet or an item numbered 1 ends a paragraph.
        let md = "Mødet holdes den\n12. maj i Aarhus.\n\nNæste:\n1. første\n12. tolvte\n- punkt\n";
        assert_eq!(
            texts(md),
            vec![
                (
                    BlockKind::Paragraph,
                    "Mødet holdes den\n12. maj i Aarhus.\n\n"
                ),
                (BlockKind::Paragraph, "Næste:\n"),
                (BlockKind::ListItem, "1. første\n"),
                (BlockKind::ListItem, "12. tolvte\n"),
                (BlockKind::ListItem, "- punkt\n"),
            ]
        );
        // An empty item does not end a paragraph either.
        assert_eq!(texts("Tekst\n-\n").len(), 1);
        assert_eq!(texts("Tekst\n1.\n").len(), 1);
    }

    fn changes(d: &[BlockDiff]) -> Vec<BlockChange> {
        d.iter().map(|b| b.change).collect()
    }

    #[test]
    fn edited_paragraph_is_paired_with_its_old_version() {
        let old = "# T\n\nRegionerne skal sikre hurtig udredning af alle.\n\nAndet afsnit.\n";
        let new =
            "# T\n\nRegionerne skal sikre hurtig og ensartet udredning af alle.\n\nAndet afsnit.\n";
        let d = diff_blocks(old, new);
        assert_eq!(
            changes(&d),
            [
                BlockChange::Unchanged,
                BlockChange::Changed,
                BlockChange::Unchanged
            ]
        );
        assert_eq!(d[1].words_added, 2);
        assert!(
            d[1].segments
                .iter()
                .any(|s| s.op == Op::Insert && s.text == "og ensartet ")
        );
        assert_eq!(apply(&d, old).unwrap(), new);
    }

    #[test]
    fn a_moved_paragraph_is_moved_not_deleted_and_inserted() {
        let old = "# T\n\nA er først.\n\nB kommer så.\n\nC til sidst.\n";
        let new = "# T\n\nB kommer så.\n\nC til sidst.\n\nA er først.\n";
        let d = diff_blocks(old, new);
        let moved: Vec<&BlockDiff> = d
            .iter()
            .filter(|b| b.change == BlockChange::Moved)
            .collect();
        assert_eq!(moved.len(), 1, "{d:?}");
        assert_eq!(moved[0].old, Some(1));
        assert_eq!(moved[0].new, Some(3));
        assert!(!moved[0].edited);
        assert_eq!((moved[0].words_added, moved[0].words_removed), (0, 0));
        assert!(
            d.iter()
                .all(|b| !matches!(b.change, BlockChange::Inserted | BlockChange::Deleted))
        );
        assert_eq!(apply(&d, old).unwrap(), new);
    }

    #[test]
    fn moved_and_edited_paragraph_keeps_its_word_changes() {
        let old = "# T\n\nEt betydeligt antal kræfttilfælde kan desuden forebygges gennem rygestop og motion.\n\n## Ulighed\n\nKræft rammer ikke alle lige.\n";
        let new = "# T\n\n## Ulighed\n\nKræft rammer ikke alle lige.\n\nEt betydeligt antal kræfttilfælde kan forebygges gennem rygestop og motion.\n";
        let d = diff_blocks(old, new);
        let m = d
            .iter()
            .find(|b| b.change == BlockChange::Moved && b.edited)
            .expect("a moved and edited block");
        assert_eq!(m.words_removed, 1);
        assert_eq!(apply(&d, old).unwrap(), new);
    }

    #[test]
    fn inserted_and_deleted_blocks() {
        let old = "# T\n\nFørste.\n\nSlettes helt og aldeles.\n";
        let new = "# T\n\nFørste.\n\n## Ny overskrift\n\nHelt nyt indhold her.\n";
        let d = diff_blocks(old, new);
        let s = ChapterSummary::of(&d);
        assert_eq!(s.blocks_added, 2);
        assert_eq!(s.blocks_removed, 1);
        assert_eq!(s.words_removed, 4);
        assert_eq!(s.words_added, 6);
        assert_eq!(apply(&d, old).unwrap(), new);
        assert_eq!(apply(&d, "noget andet"), Err(ApplyError::NotFrom));
    }

    #[test]
    fn trailing_blank_lines_do_not_make_a_change() {
        let old = "# T\n\nA.\n\nB.\n";
        let new = "# T\n\nB.\n\nA.\n";
        let d = diff_blocks(old, new);
        assert_eq!(ChapterSummary::of(&d).words_added, 0);
        assert_eq!(ChapterSummary::of(&d).blocks_moved, 1);
        assert_eq!(apply(&d, old).unwrap(), new);
    }
}
