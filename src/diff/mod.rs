//! Differences between two versions of the oplæg: chapters (block by block,
//! with word-level changes inside edited blocks and moved blocks shown as
//! moved), recommendations (priority, horizon, status, texts) and comments
//! (written and answered in between, and where quoted ones sit now). Data
//! only: the command line and the terminal UI style it.
//!
//! ```no_run
//! # fn main() -> oplaeg::Result<()> {
//! use oplaeg::diff::{self, DiffOptions};
//! use oplaeg::store::{Rev, Store};
//! let store = Store::discover(std::path::Path::new("."))?;
//! let d = diff::between(&store, &Rev::parse("3"), &Rev::head(), &DiffOptions::default())?;
//! println!("{} words added", d.summary.words_added);
//! # Ok(())
//! # }
//! ```

pub mod align;
pub mod blocks;
mod bounds;
pub mod chapters;
pub mod comments;
mod json;
mod load;
pub mod plain;
pub mod recommendations;
pub mod words;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub use blocks::{
    ApplyError, Block, BlockChange, BlockDiff, BlockKind, ChapterSummary, Context, apply,
    diff_blocks, split_blocks,
};
pub use chapters::{ChapterDiff, ChapterSide, ChapterStatus};
pub use comments::{AnchorReport, CommentChanges, FateCounts};
pub use json::JsonView;
pub use plain::{PlainBlock, PlainText, plain_blocks};
pub use recommendations::{Change, FieldDiff, RecChange, RecDiff, RecFact, RecField};
pub use words::{Op, Segment, diff_words};

use crate::error::{Error, Result};
use crate::model::{Comment, Recommendation, Workspace};
use crate::store::{Rev, Store};
use crate::tr;

/// What to compare and how much to keep.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Only this chapter (slug, number or file name, looked up in TO, then
    /// FROM), the recommendations related to it and the comments on it.
    pub chapter: Option<String>,
    /// Keep the blocks and word segments (false: counts only, for `--stat`).
    pub detail: bool,
    /// How much of the unchanged blocks to keep (see [`Context`]).
    pub context: Context,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            chapter: None,
            detail: true,
            context: Context::Copied,
        }
    }
}

/// One side of a comparison, as a person named it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Side {
    /// As given: `meeting/3`, `HEAD`, a commit id, or `worktree`.
    pub name: String,
    /// The commit (None for the working tree).
    pub commit: Option<String>,
    /// The commit's time.
    pub time: Option<DateTime<FixedOffset>>,
    /// The meeting whose tag points at the commit, if any.
    pub meeting: Option<u32>,
}

impl Side {
    /// Describes a revision.
    pub fn of(store: &Store, rev: &Rev) -> Result<Side> {
        let Rev::Named(name) = rev else {
            return Ok(Side {
                name: "worktree".into(),
                ..Side::default()
            });
        };
        if name == "HEAD" && store.head()?.is_none() {
            return Ok(Side {
                name: name.clone(),
                ..Side::default()
            });
        }
        let oid = store.resolve(name)?;
        let id = oid.to_string();
        let tags = store.meeting_tags()?;
        let named = name.rsplit('/').next().and_then(|n| n.parse::<u32>().ok());
        let meeting = tags
            .iter()
            .filter(|t| t.commit == id)
            .max_by_key(|t| Some(t.number) == named)
            .map(|t| t.number);
        Ok(Side {
            name: name.clone(),
            time: Some(store.commit_time(oid)?),
            commit: Some(id),
            meeting,
        })
    }
}

/// Counts over chapters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChapterCounts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Renamed or renumbered (the text may be the same).
    pub renamed: usize,
    pub unchanged: usize,
    /// Present but unreadable on one side (see [`ChapterStatus::Unreadable`]).
    pub unreadable: usize,
}

/// Counts over recommendations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecCounts {
    pub added: usize,
    pub removed: usize,
    /// Moved in the priority order (not only shifted by others).
    pub moved: usize,
    pub horizon_changed: usize,
    pub status_changed: usize,
    /// A title, text, goal, realizability or Kræftplan IV text changed.
    pub text_changed: usize,
    pub unchanged: usize,
}

/// Counts over comments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommentCounts {
    /// Comments and replies written since FROM.
    pub written: usize,
    /// Of which replies.
    pub replies: usize,
    pub resolved: usize,
    pub withdrawn: usize,
    /// Quoted comments reported in `anchors`, by fate.
    pub anchors: FateCounts,
}

impl CommentCounts {
    fn of(comments: &CommentChanges) -> CommentCounts {
        CommentCounts {
            written: comments.written.len(),
            replies: comments
                .written
                .iter()
                .filter(|c| c.reply_to.is_some())
                .count(),
            resolved: comments.resolved.len(),
            withdrawn: comments.withdrawn.len(),
            anchors: FateCounts::of(&comments.anchors),
        }
    }
}

/// The whole difference in numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub chapters: ChapterCounts,
    pub words_added: usize,
    pub words_removed: usize,
    pub blocks_moved: usize,
    pub recommendations: RecCounts,
    pub comments: CommentCounts,
}

/// Everything that differs between two versions.
#[derive(Clone, Debug, Serialize)]
pub struct WorkspaceDiff {
    pub from: Side,
    pub to: Side,
    /// The oplæg's title in TO.
    pub title: String,
    /// The chapter the diff is restricted to (its slug), if any.
    pub chapter: Option<String>,
    pub summary: Summary,
    /// The chapters that differ (text, number or name): TO's in order, then
    /// those only in FROM. Unchanged ones are only counted in `summary`.
    pub chapters: Vec<ChapterDiff>,
    /// The recommendations that differ: TO's in priority order, then
    /// removed ones. Unchanged ones are only counted.
    pub recommendations: Vec<RecDiff>,
    pub comments: CommentChanges,
    /// Every chapter's number by slug (TO's, and FROM's for chapters only
    /// there), to name the chapters comments are on.
    pub chapter_numbers: BTreeMap<String, u32>,
    /// Every recommendation's rank by slug (TO's, and FROM's for removed ones).
    pub recommendation_ranks: BTreeMap<String, usize>,
    /// How many times chapter text was read (instrumentation: unchanged
    /// chapters with a known blob id are never read).
    #[serde(skip)]
    pub chapter_reads: usize,
}

impl WorkspaceDiff {
    /// A chapter as the comment lists name it: `kap. 5` (TO's number, or
    /// FROM's for a chapter only there), or the slug when neither has it.
    pub fn chapter_name(&self, slug: &str) -> String {
        match self.chapter_numbers.get(slug) {
            Some(n) => format!("{} {n}", tr!("kap.", "ch.")),
            None => slug.to_string(),
        }
    }

    /// What a comment is on, as the comment lists of the text, HTML and
    /// terminal views name it: `kap. 5`, `anb. 3`, else the slug; empty
    /// for neither.
    pub fn target_name(&self, comment: &Comment) -> String {
        let target = &comment.target;
        match (&target.chapter, &target.recommendation) {
            (Some(slug), _) => self.chapter_name(slug),
            (None, Some(slug)) => match self.recommendation_ranks.get(slug) {
                Some(rank) => format!("{} {rank}", tr!("anb.", "rec.")),
                None => slug.clone(),
            },
            (None, None) => String::new(),
        }
    }
}

/// The revision `oplaeg diff` starts from when none is given: the last
/// meeting tag.
pub fn default_from(store: &Store) -> Result<Rev> {
    match store.meeting_tags()?.last() {
        Some(t) => Ok(Rev::Named(t.name.clone())),
        None if store.repo().is_shallow() => store.refuse_shallow().map(|()| Rev::head()),
        None => Err(Error::Invalid(tr!(
            "der er endnu intet mødetag (meeting/N) at sammenligne med; angiv selv, hvad der skal sammenlignes, fx `oplaeg diff HEAD~3 HEAD`, eller tag et udkast med `oplaeg meeting tag N`",
            "there is no meeting tag (meeting/N) to compare with yet; say what to compare, e.g. `oplaeg diff HEAD~3 HEAD`, or tag a draft with `oplaeg meeting tag N`"
        ))),
    }
}

/// Loads two revisions and compares them.
pub fn between(
    store: &Store,
    from: &Rev,
    to: &Rev,
    options: &DiffOptions,
) -> Result<WorkspaceDiff> {
    let (d, loaded) = between_loaded(store, from, to, options)?;
    // Thousands of small allocations: freed beside the caller's work.
    std::thread::spawn(move || drop(loaded));
    Ok(d)
}

/// [`between`], handing back the two versions as loaded for it (partial:
/// see `load`; TO's comments are in the diff's lists, not in TO) instead
/// of freeing them, so a process that ends next can leave them to the
/// operating system.
pub fn between_loaded(
    store: &Store,
    from: &Rev,
    to: &Rev,
    options: &DiffOptions,
) -> Result<(WorkspaceDiff, (Workspace, Workspace))> {
    // The diff reads from git's packs many times over: its reader of the
    // object folder opens their indexes once.
    let _kept = store.keep_reader();
    let from_side = Side::of(store, from)?;
    let to_side = Side::of(store, to)?;
    let (a, mut b) = load::load_pair(store, from, to)?;
    let (mut d, listed) = compare_listing(store, &a, &b, options)?;
    // TO's comments are listed as they are, not copied: the partial
    // version handed back holds none.
    let comments = std::mem::take(&mut b.comments);
    listed.taken(comments, &mut d.comments);
    d.summary.comments = CommentCounts::of(&d.comments);
    d.from = from_side;
    d.to = to_side;
    Ok((d, (a, b)))
}

/// Compares two loaded versions (sides are left empty; see [`between`]).
///
/// Chapters with the same blob id on both sides are skipped without their
/// text being read; `store` is used to place quoted comments in `to`.
pub fn compare(
    store: &Store,
    from: &Workspace,
    to: &Workspace,
    options: &DiffOptions,
) -> Result<WorkspaceDiff> {
    let (mut d, listed) = compare_listing(store, from, to, options)?;
    listed.cloned(&to.comments, &mut d.comments);
    d.summary.comments = CommentCounts::of(&d.comments);
    Ok(d)
}

/// [`compare`], with the comments part's lists of comments left empty and
/// what goes into them (see [`comments::Listed`]); the summary counts them
/// once they are filled.
fn compare_listing(
    store: &Store,
    from: &Workspace,
    to: &Workspace,
    options: &DiffOptions,
) -> Result<(WorkspaceDiff, comments::Listed)> {
    let only = match &options.chapter {
        None => None,
        Some(key) => Some(match to.chapter(key) {
            Ok(c) => c.slug.clone(),
            Err(e) => from.chapter(key).map(|c| c.slug.clone()).map_err(|_| e)?,
        }),
    };
    let mut reads = chapters::Reads::default();
    let mut chapters = chapters::compare_chapters(
        &from.chapters,
        &to.chapters,
        only.as_deref(),
        (options.detail, options.context),
        &mut reads,
    );
    // A chapter that is only missing because its file cannot be read on
    // the other side was neither removed nor added.
    for c in &mut chapters {
        let unreadable = match (&c.from, &c.to) {
            (Some(f), None) => to.broken_chapters.contains_key(&f.slug),
            (None, Some(t)) => from.broken_chapters.contains_key(&t.slug),
            _ => false,
        };
        if unreadable {
            c.status = ChapterStatus::Unreadable;
            c.blocks = Vec::new();
            c.summary = Default::default();
        }
    }

    // Slugs in view (both sides).
    let mut in_view: HashSet<&str> = HashSet::new();
    for c in &chapters {
        for side in [&c.from, &c.to].into_iter().flatten() {
            in_view.insert(&side.slug);
        }
    }
    let rec_keep = |a: Option<&Recommendation>, b: Option<&Recommendation>| {
        only.is_none()
            || [a, b]
                .into_iter()
                .flatten()
                .any(|r| r.chapters.iter().any(|s| in_view.contains(s.as_str())))
    };
    let recommendations = recommendations::compare_recommendations(
        &from.recommendations,
        &to.recommendations,
        options.detail,
        &rec_keep,
    );
    let comment_keep = |c: &Comment| {
        only.is_none()
            || c.target
                .chapter
                .as_deref()
                .is_some_and(|s| in_view.contains(s))
    };
    let (comments, listed) = comments::compare_comments(store, from, to, &comment_keep)?;

    let mut summary = Summary::default();
    for c in &chapters {
        let counts = &mut summary.chapters;
        match c.status {
            ChapterStatus::Added => counts.added += 1,
            ChapterStatus::Removed => counts.removed += 1,
            ChapterStatus::Changed => counts.changed += 1,
            ChapterStatus::Unchanged => counts.unchanged += 1,
            ChapterStatus::Unreadable => counts.unreadable += 1,
        }
        if c.renamed || c.renumbered {
            counts.renamed += 1;
        }
        summary.words_added += c.summary.words_added;
        summary.words_removed += c.summary.words_removed;
        summary.blocks_moved += c.summary.blocks_moved;
    }
    for r in &recommendations {
        let counts = &mut summary.recommendations;
        match r.change {
            RecChange::Added => counts.added += 1,
            RecChange::Removed => counts.removed += 1,
            RecChange::Unchanged => counts.unchanged += 1,
            RecChange::Changed => {}
        }
        counts.moved += usize::from(r.moved);
        counts.horizon_changed += usize::from(r.horizon.is_some());
        counts.status_changed += usize::from(r.status.is_some());
        counts.text_changed += usize::from(r.change == RecChange::Changed && !r.fields.is_empty());
    }
    // Only what differs is listed; the rest is counted above.
    chapters.retain(|c| !c.is_unchanged());
    let mut recommendations = recommendations;
    recommendations.retain(|r| r.change != RecChange::Unchanged);
    let mut chapter_numbers = BTreeMap::new();
    let mut recommendation_ranks = BTreeMap::new();
    for c in from.chapters.iter().chain(&to.chapters) {
        chapter_numbers.insert(c.slug.clone(), c.number);
    }
    for r in from.recommendations.iter().chain(&to.recommendations) {
        recommendation_ranks.insert(r.slug.clone(), r.rank);
    }
    let d = WorkspaceDiff {
        chapter_numbers,
        recommendation_ranks,
        from: Side::default(),
        to: Side::default(),
        title: to.config.title.clone(),
        chapter: only,
        summary,
        chapters,
        recommendations,
        comments,
        chapter_reads: reads.0,
    };
    Ok((d, listed))
}
