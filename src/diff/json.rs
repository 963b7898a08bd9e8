//! The JSON of a diff written from the diff and TO's chapters.
//!
//! Unchanged blocks are most of a changed chapter, and the JSON carries
//! their text (see docs/json.md). A diff made with [`super::Context::Referenced`]
//! holds no copy of it: an unchanged block that reads the same in both
//! versions has no segments, and [`JsonView`] writes its one `equal`
//! segment straight from TO's chapter. The JSON is exactly that of the
//! [`WorkspaceDiff`] a diff with [`super::Context::Copied`] gives (the tests compare
//! the two on random edits).

use std::collections::{BTreeMap, HashMap};

use serde::{Serialize, Serializer};

use super::blocks::{BlockChange, BlockDiff, BlockKind, ChapterSummary, unchanged_text};
use super::chapters::{ChapterDiff, ChapterSide, ChapterStatus};
use super::{CommentChanges, Op, RecDiff, Segment, Side, Summary, WorkspaceDiff};
use crate::model::Workspace;

/// A [`WorkspaceDiff`] for JSON, with TO's chapters to take unchanged
/// blocks' text from.
#[derive(Serialize)]
pub struct JsonView<'a> {
    from: &'a Side,
    to: &'a Side,
    title: &'a str,
    chapter: &'a Option<String>,
    summary: &'a Summary,
    chapters: Vec<ChapterView<'a>>,
    recommendations: &'a [RecDiff],
    comments: &'a CommentChanges,
    chapter_numbers: &'a BTreeMap<String, u32>,
    recommendation_ranks: &'a BTreeMap<String, usize>,
}

impl<'a> JsonView<'a> {
    /// `d` as JSON, with `to` the version it compared to (the workspace it
    /// was made from, so the blocks' positions are those of its chapters).
    pub fn of(d: &'a WorkspaceDiff, to: &'a Workspace) -> JsonView<'a> {
        let by_slug: HashMap<&str, &str> = to
            .chapters
            .iter()
            .map(|c| (c.slug.as_str(), c.markdown.as_str()))
            .collect();
        JsonView {
            from: &d.from,
            to: &d.to,
            title: &d.title,
            chapter: &d.chapter,
            summary: &d.summary,
            chapters: d
                .chapters
                .iter()
                .map(|c| ChapterView::of(c, &by_slug))
                .collect(),
            recommendations: &d.recommendations,
            comments: &d.comments,
            chapter_numbers: &d.chapter_numbers,
            recommendation_ranks: &d.recommendation_ranks,
        }
    }
}

#[derive(Serialize)]
struct ChapterView<'a> {
    status: ChapterStatus,
    from: &'a Option<ChapterSide>,
    to: &'a Option<ChapterSide>,
    renamed: bool,
    renumbered: bool,
    summary: &'a ChapterSummary,
    blocks: BlocksView<'a>,
}

impl<'a> ChapterView<'a> {
    fn of(c: &'a ChapterDiff, to_texts: &HashMap<&str, &'a str>) -> ChapterView<'a> {
        // TO's Markdown, where unchanged blocks take their text from.
        let to_text =
            c.to.as_ref()
                .and_then(|side| to_texts.get(side.slug.as_str()).copied())
                .unwrap_or_default();
        ChapterView {
            status: c.status,
            from: &c.from,
            to: &c.to,
            renamed: c.renamed,
            renumbered: c.renumbered,
            summary: &c.summary,
            blocks: BlocksView {
                blocks: &c.blocks,
                to: to_text,
            },
        }
    }
}

struct BlocksView<'a> {
    blocks: &'a [BlockDiff],
    to: &'a str,
}

impl Serialize for BlocksView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.blocks.iter().map(|b| BlockView {
            change: b.change,
            kind: b.kind,
            old: b.old,
            new: b.new,
            edited: b.edited,
            words_added: b.words_added,
            words_removed: b.words_removed,
            segments: match unchanged_text(b, self.to) {
                Some(text) => Segments::Equal(text),
                None => Segments::Kept(&b.segments),
            },
        }))
    }
}

#[derive(Serialize)]
struct BlockView<'a> {
    change: BlockChange,
    kind: BlockKind,
    old: Option<usize>,
    new: Option<usize>,
    edited: bool,
    words_added: usize,
    words_removed: usize,
    segments: Segments<'a>,
}

/// A block's segments: its own, or the one `equal` segment of TO's text.
enum Segments<'a> {
    Kept(&'a [Segment]),
    Equal(&'a str),
}

#[derive(Serialize)]
struct SegmentView<'a> {
    op: Op,
    text: &'a str,
}

impl Serialize for Segments<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Segments::Kept(segments) => segments.serialize(s),
            Segments::Equal(text) => [SegmentView {
                op: Op::Equal,
                text,
            }]
            .serialize(s),
        }
    }
}
