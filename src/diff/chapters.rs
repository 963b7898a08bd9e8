//! Chapters of two versions: matched by slug, then (for renamed files) by
//! content; unchanged chapters (same blob) are skipped without their text
//! being touched; changed ones get a block diff.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::align::{Bag, overlap};
use super::blocks::{self, ApplyError, BlockDiff, ChapterSummary, Context, diff_blocks_for};
use crate::model::Chapter;

/// A chapter as it is on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChapterSide {
    pub number: u32,
    pub slug: String,
    pub file: String,
    pub title: String,
    /// The git blob id (None for the working tree).
    pub blob: Option<String>,
}

impl ChapterSide {
    fn of(c: &Chapter) -> ChapterSide {
        ChapterSide {
            number: c.number,
            slug: c.slug.clone(),
            file: c.file.clone(),
            title: c.title.clone(),
            blob: c.blob.clone(),
        }
    }
}

/// What happened to a chapter's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChapterStatus {
    Added,
    Removed,
    Changed,
    /// Same text (the file may still be renamed or renumbered).
    Unchanged,
    /// The file is there on one side but cannot be read (not UTF-8, too
    /// large, a symlink): neither added nor removed; `status` says why.
    Unreadable,
}

/// One chapter's difference.
#[derive(Clone, Debug, Serialize)]
pub struct ChapterDiff {
    pub status: ChapterStatus,
    /// None when added.
    pub from: Option<ChapterSide>,
    /// None when removed.
    pub to: Option<ChapterSide>,
    /// The slug changed (matched by content).
    pub renamed: bool,
    /// The number changed.
    pub renumbered: bool,
    pub summary: ChapterSummary,
    /// The blocks in TO's order (all inserted for an added chapter, all
    /// deleted for a removed one); empty when unchanged, or with `--stat`.
    pub blocks: Vec<BlockDiff>,
}

impl ChapterDiff {
    /// The side to name the chapter by: TO, or FROM when removed.
    pub fn side(&self) -> &ChapterSide {
        self.to
            .as_ref()
            .or(self.from.as_ref())
            .expect("a chapter diff has at least one side")
    }

    /// Nothing to show: same text and same file name.
    pub fn is_unchanged(&self) -> bool {
        self.status == ChapterStatus::Unchanged && !self.renamed && !self.renumbered
    }

    /// Rebuilds TO's Markdown from FROM's with the blocks (see [`blocks::apply`]).
    pub fn apply(&self, from: &str) -> Result<String, ApplyError> {
        if self.status == ChapterStatus::Unchanged {
            return Ok(from.to_string());
        }
        blocks::apply(&self.blocks, from)
    }
}

/// Counts how often chapter text was read, so tests can see that unchanged
/// chapters are skipped.
#[derive(Default)]
pub(crate) struct Reads(pub usize);

impl Reads {
    fn text<'c>(&mut self, c: &'c Chapter) -> &'c str {
        self.0 += 1;
        &c.markdown
    }
}

/// Two chapters are the same file renamed from this similarity of words.
const RENAME_SIMILARITY: f64 = 0.5;

/// The same text on both sides without reading it when git says so.
fn same_text(a: &Chapter, b: &Chapter, reads: &mut Reads) -> bool {
    match (&a.blob, &b.blob) {
        (Some(x), Some(y)) => x == y,
        _ => reads.text(a) == reads.text(b),
    }
}

/// Pairs of (FROM index, TO index) for chapters that are one another's
/// versions: same slug, else same blob, else similar text.
fn match_chapters(from: &[&Chapter], to: &[&Chapter], reads: &mut Reads) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let by_slug: HashMap<&str, usize> = to
        .iter()
        .enumerate()
        .map(|(j, c)| (c.slug.as_str(), j))
        .collect();
    let mut used_to: HashSet<usize> = HashSet::new();
    let mut lone_from = Vec::new();
    for (i, c) in from.iter().enumerate() {
        match by_slug.get(c.slug.as_str()) {
            Some(&j) => {
                pairs.push((i, j));
                used_to.insert(j);
            }
            None => lone_from.push(i),
        }
    }
    let lone_to: Vec<usize> = (0..to.len()).filter(|j| !used_to.contains(j)).collect();
    if lone_from.is_empty() || lone_to.is_empty() {
        return pairs;
    }
    // Renamed files: the same blob first, then the most similar text.
    let mut taken_from = HashSet::new();
    for &i in &lone_from {
        if let Some(&j) = lone_to.iter().find(|&&j| {
            !used_to.contains(&j) && from[i].blob.is_some() && from[i].blob == to[j].blob
        }) {
            pairs.push((i, j));
            used_to.insert(j);
            taken_from.insert(i);
        }
    }
    let rest_from: Vec<usize> = lone_from
        .into_iter()
        .filter(|i| !taken_from.contains(i))
        .collect();
    let rest_to: Vec<usize> = lone_to
        .into_iter()
        .filter(|j| !used_to.contains(j))
        .collect();
    if rest_from.is_empty() || rest_to.is_empty() {
        return pairs;
    }
    let bags_from: Vec<Bag<'_>> = rest_from
        .iter()
        .map(|&i| Bag::of(reads.text(from[i])))
        .collect();
    let bags_to: Vec<Bag<'_>> = rest_to
        .iter()
        .map(|&j| Bag::of(reads.text(to[j])))
        .collect();
    let mut candidates = Vec::new();
    for (x, &i) in rest_from.iter().enumerate() {
        for (y, &j) in rest_to.iter().enumerate() {
            let s = overlap(&bags_from[x], &bags_to[y]);
            if s >= RENAME_SIMILARITY {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut done_from = HashSet::new();
    for (_, i, j) in candidates {
        if !done_from.contains(&i) && !used_to.contains(&j) {
            pairs.push((i, j));
            done_from.insert(i);
            used_to.insert(j);
        }
    }
    pairs
}

/// The chapter differences: TO's chapters in order (each paired with its
/// FROM version when there is one), then chapters only in FROM.
/// `only` restricts to chapters whose slug on either side is in it;
/// `detail` and `context` are [`super::DiffOptions`]'.
pub(crate) fn compare_chapters(
    from: &[Chapter],
    to: &[Chapter],
    only: Option<&str>,
    (detail, context): (bool, Context),
    reads: &mut Reads,
) -> Vec<ChapterDiff> {
    let mut from: Vec<&Chapter> = from.iter().collect();
    let mut to: Vec<&Chapter> = to.iter().collect();
    let mut pairs = match_chapters(&from, &to, reads);
    if let Some(slug) = only {
        // The chapter and, when it was renamed, its other version.
        let keep_from: Vec<bool> = (0..from.len())
            .map(|i| {
                from[i].slug == slug || pairs.iter().any(|&(x, j)| x == i && to[j].slug == slug)
            })
            .collect();
        let keep_to: Vec<bool> = (0..to.len())
            .map(|j| {
                to[j].slug == slug || pairs.iter().any(|&(i, y)| y == j && from[i].slug == slug)
            })
            .collect();
        let renumber = |keep: &[bool]| -> Vec<Option<usize>> {
            let mut n = 0;
            keep.iter()
                .map(|&k| {
                    k.then(|| {
                        n += 1;
                        n - 1
                    })
                })
                .collect()
        };
        let (nf, nt) = (renumber(&keep_from), renumber(&keep_to));
        pairs = pairs
            .into_iter()
            .filter_map(|(i, j)| Some((nf[i]?, nt[j]?)))
            .collect();
        from = from
            .into_iter()
            .zip(&keep_from)
            .filter_map(|(c, &k)| k.then_some(c))
            .collect();
        to = to
            .into_iter()
            .zip(&keep_to)
            .filter_map(|(c, &k)| k.then_some(c))
            .collect();
    }
    let mut from_partner: Vec<Option<usize>> = vec![None; from.len()];
    let mut to_partner: Vec<Option<usize>> = vec![None; to.len()];
    for &(i, j) in &pairs {
        from_partner[i] = Some(j);
        to_partner[j] = Some(i);
    }
    // Each chapter is diffed where its case is decided (reading only what
    // differs), one after the other. On two threads the chapters took 5.9
    // instead of 6.5 ms of wall time (prose workspace) for 2–3 ms more CPU
    // time, and the whole diff was no faster (see docs/performance-diff.md;
    // a heap arena per thread did not change it).
    let mut out = Vec::with_capacity(to.len() + from.len());
    let mut push = |f: Option<&Chapter>, t: Option<&Chapter>, status, blocks: Vec<BlockDiff>| {
        out.push(ChapterDiff {
            status,
            renamed: matches!((f, t), (Some(f), Some(t)) if f.slug != t.slug),
            renumbered: matches!((f, t), (Some(f), Some(t)) if f.number != t.number),
            from: f.map(ChapterSide::of),
            to: t.map(ChapterSide::of),
            summary: ChapterSummary::of(&blocks),
            blocks,
        })
    };
    for (j, t) in to.iter().enumerate() {
        match to_partner[j] {
            Some(i) if same_text(from[i], t, reads) => {
                push(
                    Some(from[i]),
                    Some(*t),
                    ChapterStatus::Unchanged,
                    Vec::new(),
                );
            }
            Some(i) => {
                let blocks = diff_blocks_for(reads.text(from[i]), reads.text(t), context);
                push(Some(from[i]), Some(*t), ChapterStatus::Changed, blocks);
            }
            None => {
                let blocks = diff_blocks_for("", reads.text(t), context);
                push(None, Some(*t), ChapterStatus::Added, blocks);
            }
        }
    }
    for (i, f) in from.iter().enumerate() {
        if from_partner[i].is_none() {
            let blocks = diff_blocks_for(reads.text(f), "", context);
            push(Some(*f), None, ChapterStatus::Removed, blocks);
        }
    }
    if !detail {
        for d in &mut out {
            d.blocks = Vec::new();
        }
    }
    out
}
