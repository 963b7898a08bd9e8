//! Ændringsforslag: a comment that proposes new wording for its quoted
//! words, and the pure logic around it that both faces and the exports use.
//!
//! - [`proposed_change`]: the proposal as word-level data (deleted words,
//!   new words), for drawing it struck and marked.
//! - [`merge::merge3`]: a word-level three-way merge, for a quote whose
//!   words were edited since the member read them.
//! - [`source::replace_span`]: writing new words into a chapter's Markdown in
//!   place of words of its rendered text, keeping the markup.
//! - [`Outcome`]: what became of a suggestion, for lists and the notat.
//! - [`member_change_problem`]: the rule `oplaeg verify` applies to
//!   suggestion fields in members' commits.
//!
//! The operations (propose, plan and accept) are in [`crate::ops`].

pub mod merge;
pub mod source;

use serde::Serialize;

use crate::diff::{Segment, diff_words};
use crate::model::{Choice, Comment, CommentStatus, Disposition};
use crate::tr;

pub use merge::{Merged, merge3};
pub use source::{ApplyError, replace_span};

/// The proposal as word-level segments: `Delete` segments are the quoted
/// words that go, `Insert` the new ones, `Equal` what stays. The equal and
/// deleted segments give the quote, the equal and inserted the new text.
pub fn proposed_change(quote: &str, text: &str) -> Vec<Segment> {
    diff_words(quote, text)
}

/// What became of a suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Awaiting the writers.
    Open,
    /// Awaiting the writers, and the words it is on were changed by another
    /// suggestion (its id) that was applied: it needs a new look.
    NeedsReview { after: String },
    /// Written into the chapter (with the words actually written).
    Applied {
        disposition: Disposition,
        text: String,
    },
    /// Answered without changing the chapter.
    Answered { disposition: Disposition },
    /// Withdrawn by its author.
    Withdrawn,
}

impl Outcome {
    /// The outcome of `comment`'s suggestion; `None` for other comments.
    pub fn of(comment: &Comment) -> Option<Outcome> {
        let s = comment.suggestion.as_ref()?;
        Some(match (comment.status, &comment.resolution, &s.applied) {
            (CommentStatus::Withdrawn, _, _) => Outcome::Withdrawn,
            (CommentStatus::Resolved, Some(r), Some(a)) => Outcome::Applied {
                disposition: r.disposition,
                text: a.text.clone(),
            },
            (CommentStatus::Resolved, Some(r), None) => Outcome::Answered {
                disposition: r.disposition,
            },
            _ => match &s.review {
                Some(after) => Outcome::NeedsReview {
                    after: after.clone(),
                },
                None => Outcome::Open,
            },
        })
    }

    /// One line for people, in the user's language.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Open => tr!("afventer skribenterne", "awaiting the writers"),
            Outcome::NeedsReview { .. } => tr!(
                "skal ses igen: et andet forslag til de samme ord er indført",
                "needs a new look: another suggestion on the same words was applied"
            ),
            Outcome::Applied { disposition, .. } => tr!(
                "{}, indført i kapitlet",
                "{}, applied to the chapter",
                disposition.label()
            ),
            Outcome::Answered { disposition } => {
                tr!("{}, ikke indført", "{}, not applied", disposition.label())
            }
            Outcome::Withdrawn => tr!("trukket tilbage", "withdrawn"),
        }
    }
}

/// Why a member's (non-writer's) change to a comment file breaks the rules
/// for suggestions, if it does: only writers mark a suggestion as applied or
/// as needing a new look, and a suggestion cannot be added to, or taken from,
/// a comment after it was written (the writers may be answering it).
/// `old` is the file before the change (`None` for a new file).
pub fn member_change_problem(old: Option<&Comment>, new: &Comment) -> Option<String> {
    let before = old.and_then(|o| o.suggestion.as_ref());
    let after = new.suggestion.as_ref();
    let writer_fields = |s: Option<&crate::model::Suggestion>| {
        s.map(|s| (s.applied.clone(), s.review.clone()))
            .unwrap_or_default()
    };
    if writer_fields(before) != writer_fields(after) {
        return Some(tr!(
            "kun skribenter indfører ændringsforslag eller markerer dem til et nyt kig ([suggestion] applied/review)",
            "only writers apply suggestions or mark them for a new look ([suggestion] applied/review)"
        ));
    }
    if old.is_some() && before.is_some() != after.is_some() {
        return Some(tr!(
            "et ændringsforslag kan ikke tilføjes til eller fjernes fra en skrevet kommentar; skriv en ny",
            "a suggestion cannot be added to or removed from a written comment; write a new one"
        ));
    }
    None
}

#[cfg(test)]
mod tests;
