//! The diff as pretty JSON, the big lists rendered on a few threads.
//!
//! The output is byte for byte what `serde_json::to_writer_pretty` gives
//! for [`WorkspaceDiff`] (a test holds it to that): the chapters and the
//! written and resolved comments are rendered element by element in
//! parallel, indented to their depth, and put in as raw JSON.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::diff::{AnchorReport, RecDiff, Side, Summary, WorkspaceDiff, par_map};
use crate::model::Comment;

#[derive(Serialize)]
struct Out<'a> {
    from: &'a Side,
    to: &'a Side,
    title: &'a str,
    chapter: &'a Option<String>,
    summary: &'a Summary,
    chapters: Box<RawValue>,
    recommendations: &'a [RecDiff],
    comments: CommentsOut<'a>,
    chapter_numbers: &'a BTreeMap<String, u32>,
    recommendation_ranks: &'a BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct CommentsOut<'a> {
    written: Box<RawValue>,
    resolved: Box<RawValue>,
    withdrawn: &'a [Comment],
    anchors: &'a [AnchorReport],
}

/// A pretty JSON array at nesting `depth` (two spaces a level), its
/// elements rendered in parallel.
fn array<T: Serialize + Sync>(items: &[T], depth: usize) -> serde_json::Result<Box<RawValue>> {
    if items.is_empty() {
        return RawValue::from_string("[]".into());
    }
    let inner = "  ".repeat(depth + 1);
    let rendered = par_map(items, |item| {
        serde_json::to_string_pretty(item).map(|s| s.replace('\n', &format!("\n{inner}")))
    });
    let mut out = String::from("[\n");
    for (k, r) in rendered.into_iter().enumerate() {
        if k > 0 {
            out.push_str(",\n");
        }
        out.push_str(&inner);
        out.push_str(&r?);
    }
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
    out.push(']');
    RawValue::from_string(out)
}

/// The whole diff as pretty JSON (without the final newline).
pub fn render(d: &WorkspaceDiff) -> serde_json::Result<String> {
    let out = Out {
        from: &d.from,
        to: &d.to,
        title: &d.title,
        chapter: &d.chapter,
        summary: &d.summary,
        chapters: array(&d.chapters, 1)?,
        recommendations: &d.recommendations,
        comments: CommentsOut {
            written: array(&d.comments.written, 2)?,
            resolved: array(&d.comments.resolved, 2)?,
            withdrawn: &d.comments.withdrawn,
            anchors: &d.comments.anchors,
        },
        chapter_numbers: &d.chapter_numbers,
        recommendation_ranks: &d.recommendation_ranks,
    };
    serde_json::to_string_pretty(&out)
}
