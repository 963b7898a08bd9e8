//! "What happened since": the part of an overview that compares the draft
//! now with an earlier revision, for the comments in scope. The comparison
//! itself is [`crate::diff::compare`]; this keeps what concerns the member.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use git2::Oid;
use serde::Serialize;

use super::arrived::Arrived;
use super::marker::{MarkerState, read_last_look};
use super::{Answer, Reply, Since, Subject, Who, is_first, last_meeting, resolve_rev, thread_root};
use crate::anchor::Anchorer;
use crate::diff::{self, ChapterDiff, DiffOptions, RecDiff, Segment, diff_words};
use crate::error::Result;
use crate::model::{Comment, Workspace};
use crate::store::{MeetingTag, Store};
use crate::tr;

/// Where "since" was measured from, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SinceBasis {
    /// A revision the person named.
    Revision,
    /// The last meeting tag.
    LastMeeting,
    /// The member's last-look marker.
    LastLook,
    /// The beginning (the first commit): no marker and no meeting tag to
    /// fall back on.
    Beginning,
}

/// The earlier side of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SinceFrom {
    pub basis: SinceBasis,
    /// As named: `meeting/4`, the spec given, or the marker's commit.
    pub name: String,
    /// None only in a repository without commits.
    pub commit: Option<String>,
    /// When the last look was marked (basis `last_look`).
    pub marked_at: Option<DateTime<FixedOffset>>,
    /// The meeting tag at that commit, if any.
    pub meeting: Option<u32>,
    /// Why the basis is not the one asked for (a missing or unusable
    /// marker), in the user's language; None when it is.
    pub note: Option<String>,
}

/// A comment in scope that was answered since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewAnswer {
    /// The answered comment's id (see [`super::Overview::answered`]).
    pub comment: String,
    pub on: Subject,
    pub quote: Option<String>,
    pub answer: Answer,
}

/// A reply written since in a thread in scope, by someone else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewReply {
    /// The thread's first comment.
    pub thread: String,
    pub on: Subject,
    pub reply: Reply,
}

/// Quoted words edited since.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteEdit {
    pub comment: String,
    /// The chapter's slug.
    pub chapter: String,
    pub on: Subject,
    /// The words as they stood at FROM (the quote itself when the comment
    /// is newer than FROM or its words were not found there).
    pub before: String,
    /// The words now; None when they are gone.
    pub after: Option<String>,
    /// `before` against `after` word by word (empty when gone).
    pub words: Vec<Segment>,
}

/// What happened since, for the comments in scope.
#[derive(Clone, Debug, Serialize)]
pub struct SinceReport {
    pub from: SinceFrom,
    /// The commit compared with (HEAD).
    pub to: Option<String>,
    pub answers: Vec<NewAnswer>,
    pub replies: Vec<NewReply>,
    pub quotes: Vec<QuoteEdit>,
    /// Chapters commented on whose text, number or name changed, with the
    /// block and word diff.
    pub chapters: Vec<ChapterDiff>,
    /// Recommendations commented on that changed: priority, horizon,
    /// status, texts.
    pub recommendations: Vec<RecDiff>,
    /// The counts of the above.
    pub arrived: Arrived,
}

impl SinceReport {
    /// Nothing happened.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
            && self.replies.is_empty()
            && self.quotes.is_empty()
            && self.chapters.is_empty()
            && self.recommendations.is_empty()
    }

    fn empty(from: SinceFrom, to: Option<Oid>) -> SinceReport {
        SinceReport {
            from,
            to: to.map(|t| t.to_string()),
            answers: Vec::new(),
            replies: Vec::new(),
            quotes: Vec::new(),
            chapters: Vec::new(),
            recommendations: Vec::new(),
            arrived: Arrived::default(),
        }
    }
}

/// The FROM side for a `since`, or None for no report.
fn from_side(
    store: &Store,
    who: &Who,
    since: &Since,
    tags: &[MeetingTag],
) -> Result<Option<(SinceFrom, Option<Oid>)>> {
    let meeting_of = |oid: Oid| {
        let id = oid.to_string();
        tags.iter()
            .filter(|t| t.commit == id)
            .map(|t| t.number)
            .max()
    };
    let fallback = |note: Option<String>| -> Result<(SinceFrom, Option<Oid>)> {
        match last_meeting(tags) {
            Some(t) => {
                let oid = store.resolve(&t.name)?;
                Ok((
                    SinceFrom {
                        basis: SinceBasis::LastMeeting,
                        name: t.name.clone(),
                        commit: Some(oid.to_string()),
                        marked_at: None,
                        meeting: Some(t.number),
                        note,
                    },
                    Some(oid),
                ))
            }
            None => {
                let first = store.first_commit()?;
                Ok((
                    SinceFrom {
                        basis: SinceBasis::Beginning,
                        name: tr!("begyndelsen", "the beginning"),
                        commit: first.map(|f| f.to_string()),
                        marked_at: None,
                        meeting: None,
                        note,
                    },
                    first,
                ))
            }
        }
    };
    match since {
        Since::Nothing => Ok(None),
        Since::LastMeeting => match last_meeting(tags) {
            Some(_) => fallback(None).map(Some),
            None => Ok(None),
        },
        Since::Revision(spec) => {
            let oid = resolve_rev(store, spec)?;
            Ok(Some((
                SinceFrom {
                    basis: SinceBasis::Revision,
                    name: spec.trim().to_string(),
                    commit: Some(oid.to_string()),
                    marked_at: None,
                    meeting: meeting_of(oid),
                    note: None,
                },
                Some(oid),
            )))
        }
        Since::LastLook => {
            let note = match read_last_look(store, &who.member.email) {
                MarkerState::At(look) => match Oid::from_str(&look.commit) {
                    Ok(oid) if store.repo().find_commit(oid).is_ok() => {
                        return Ok(Some((
                            SinceFrom {
                                basis: SinceBasis::LastLook,
                                name: look.commit[..look.commit.len().min(7)].to_string(),
                                commit: Some(look.commit.clone()),
                                marked_at: Some(look.at),
                                meeting: meeting_of(oid),
                                note: None,
                            },
                            Some(oid),
                        )));
                    }
                    _ => tr!(
                        "du har sidst kigget på en version, som ikke findes i denne kopi",
                        "you last looked at a version this copy does not have"
                    ),
                },
                MarkerState::Missing => tr!(
                    "du har ikke markeret noget som læst endnu",
                    "you have not marked anything as read yet"
                ),
                MarkerState::Corrupt(_) => tr!(
                    "mærket for hvad du sidst har læst kunne ikke læses",
                    "the marker of what you last read could not be read"
                ),
            };
            fallback(Some(note)).map(Some)
        }
    }
}

/// The "since" part of an overview of `to` (loaded at `to_commit`).
pub(super) fn report(
    store: &Store,
    to: &Workspace,
    to_commit: Option<Oid>,
    who: &Who,
    since: &Since,
    tags: &[MeetingTag],
) -> Result<Option<SinceReport>> {
    let Some((from, from_commit)) = from_side(store, who, since, tags)? else {
        return Ok(None);
    };
    if from_commit == to_commit {
        return Ok(Some(SinceReport::empty(from, to_commit)));
    }
    let old = store.load_commit(from_commit)?;
    let mut report = compare(store, &old, to, who)?;
    report.from = from;
    report.to = to_commit.map(|t| t.to_string());
    Ok(Some(report))
}

/// What concerns `who` between two loaded versions (sides left empty).
pub(super) fn compare(
    store: &Store,
    old: &Workspace,
    new: &Workspace,
    who: &Who,
) -> Result<SinceReport> {
    let by_id: HashMap<&str, &Comment> = new.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    // Threads in scope: begun by someone in scope, or replied to by the member.
    let mut threads: HashSet<&str> = HashSet::new();
    for c in &new.comments {
        let root = thread_root(&by_id, c);
        let begun = is_first(&by_id, root) && who.covers(&root.author);
        if begun || (c.reply_to.is_some() && who.is_me(&c.author)) {
            threads.insert(root.id.as_str());
        }
    }
    let firsts: Vec<&Comment> = new
        .comments
        .iter()
        .filter(|c| is_first(&by_id, c) && who.covers(&c.author))
        .collect();
    let d = diff::compare(store, old, new, &DiffOptions::default())?;

    let mut report = SinceReport::empty(
        SinceFrom {
            basis: SinceBasis::Revision,
            name: String::new(),
            commit: None,
            marked_at: None,
            meeting: None,
            note: None,
        },
        None,
    );
    for c in &d.comments.resolved {
        if c.reply_to.is_none()
            && who.covers(&c.author)
            && let Some(answer) = Answer::of(new, c)
        {
            report.answers.push(NewAnswer {
                comment: c.id.clone(),
                on: Subject::of(new, c),
                quote: c.target.anchor.as_ref().map(|a| a.quote.clone()),
                answer,
            });
        }
    }
    for c in &d.comments.written {
        if c.reply_to.is_none() || who.is_me(&c.author) {
            continue;
        }
        let root = thread_root(&by_id, c);
        if threads.contains(root.id.as_str()) {
            report.replies.push(NewReply {
                thread: root.id.clone(),
                on: Subject::of(new, root),
                reply: Reply {
                    id: c.id.clone(),
                    created: c.created,
                    author: c.author.clone(),
                    body: c.body.clone(),
                    status: c.status,
                    mine: false,
                },
            });
        }
    }
    report.quotes = quote_edits(store, old, new, &firsts);

    let chapters: HashSet<&str> = firsts
        .iter()
        .filter_map(|c| c.target.chapter.as_deref())
        .collect();
    let recs: HashSet<&str> = firsts
        .iter()
        .filter_map(|c| c.target.recommendation.as_deref())
        .collect();
    report.chapters = d
        .chapters
        .into_iter()
        .filter(|c| {
            [&c.from, &c.to]
                .into_iter()
                .flatten()
                .any(|s| chapters.contains(s.slug.as_str()))
        })
        .collect();
    report.recommendations = d
        .recommendations
        .into_iter()
        .filter(|r| recs.contains(r.slug.as_str()))
        .collect();
    report.arrived = Arrived::of(&report);
    Ok(report)
}

/// The quoted words that differ between `old` and `new`.
fn quote_edits(
    store: &Store,
    old: &Workspace,
    new: &Workspace,
    firsts: &[&Comment],
) -> Vec<QuoteEdit> {
    let before_ids: HashMap<&str, &Comment> =
        old.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut at_old = Anchorer::new(store, old);
    let mut at_new = Anchorer::new(store, new);
    let mut out = Vec::new();
    for c in firsts {
        let (Some(anchor), Some(chapter)) = (&c.target.anchor, &c.target.chapter) else {
            continue;
        };
        // A comment newer than FROM was written on the words it quotes.
        let before = if before_ids.contains_key(c.id.as_str()) {
            at_old
                .place(c)
                .and_then(|p| p.text)
                .unwrap_or_else(|| anchor.quote.clone())
        } else {
            anchor.quote.clone()
        };
        let after = at_new.place(c).and_then(|p| p.text);
        if after.as_deref() == Some(before.as_str()) {
            continue;
        }
        // Words that were already gone at FROM and still are: nothing new.
        if after.is_none() && before_ids.contains_key(c.id.as_str()) {
            let was_placed = at_old.place(c).is_some_and(|p| p.fate.is_placed());
            if !was_placed {
                continue;
            }
        }
        let words = after
            .as_deref()
            .map(|a| diff_words(&before, a))
            .unwrap_or_default();
        out.push(QuoteEdit {
            comment: c.id.clone(),
            chapter: chapter.clone(),
            on: Subject::of(new, c),
            before,
            after,
            words,
        });
    }
    out
}
