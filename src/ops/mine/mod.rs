//! "Mit overblik": what became of a member's comments, and what changed
//! since they last looked. Pure data for both faces: `oplaeg mine`, the
//! export `oplaeg export mine`, and the terminal UI's tab all call
//! [`overview`] and only lay its result out.
//!
//! - **Whose comments.** The acting member's first comments (not replies),
//!   or with [`Scope::Organisation`] every first comment written by someone
//!   of their organisation (as the comment records it), grouped by outcome:
//!   answered, still open, withdrawn. Each says where its quote stands in
//!   the current draft, by the one anchoring engine ([`crate::anchor`]).
//! - **What happened since** a revision, the last meeting tag or the
//!   member's last look ([`marker`]): new answers, new replies in their
//!   threads, edits to the quoted words, changed chapters and
//!   recommendations they commented on (the word diff from [`crate::diff`]).
//! - **Coming up**: meetings not yet held and their comment deadlines.

mod arrived;
mod marker;
mod since;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

pub use arrived::{Arrived, arrived_between};
pub use marker::{LastLook, MarkerState, mark_read, marker_path, read_last_look};
pub use since::{NewAnswer, NewReply, QuoteEdit, SinceBasis, SinceFrom, SinceReport};

use crate::anchor::{Anchorer, Fate, Placement};
use crate::diff::{Segment, diff_words};
use crate::error::Result;
use crate::model::{Author, Comment, CommentStatus, Disposition, Member, Workspace};
use crate::store::{MeetingTag, Rev, Store};
use crate::tr;

/// Whose comments an overview covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The acting member's own.
    #[default]
    Member,
    /// Everyone's from the acting member's organisation.
    Organisation,
}

/// What "since" is measured from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Since {
    /// The last meeting tag (`oplaeg mine` without options); no "since"
    /// part when nothing is tagged yet.
    #[default]
    LastMeeting,
    /// A revision a person named (`--since 3`, `meeting/3`, a commit).
    Revision(String),
    /// The member's last-look marker (`--since-last-look`); without a
    /// usable marker, the last meeting tag, else the beginning.
    LastLook,
    /// No "since" part at all.
    Nothing,
}

/// What to look at.
#[derive(Clone, Debug)]
pub struct Query {
    /// The acting member's address (must be a member at HEAD).
    pub email: String,
    pub scope: Scope,
    pub since: Since,
    /// Today, for the days until meetings and deadlines.
    pub today: NaiveDate,
}

/// A person as the overview names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub organisation: String,
}

impl Person {
    fn of(m: &Member) -> Person {
        Person {
            name: m.name.clone(),
            email: m.email.clone(),
            organisation: m.organisation.clone(),
        }
    }
}

/// What a comment is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Chapter,
    Recommendation,
}

/// The chapter or recommendation a comment is on, as the current draft
/// names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    /// The slug the comment names.
    pub slug: String,
    /// The chapter's number or the recommendation's rank now; None when it
    /// is no longer in the draft.
    pub number: Option<usize>,
    /// Its title now (None when gone).
    pub title: Option<String>,
}

impl Subject {
    fn of(ws: &Workspace, c: &Comment) -> Subject {
        if let Some(slug) = &c.target.recommendation {
            let r = ws.recommendations.iter().find(|r| &r.slug == slug);
            return Subject {
                kind: SubjectKind::Recommendation,
                slug: slug.clone(),
                number: r.map(|r| r.rank),
                title: r.map(|r| r.title.clone()),
            };
        }
        let slug = c.target.chapter.clone().unwrap_or_default();
        let ch = ws.chapters.iter().find(|x| x.slug == slug);
        Subject {
            kind: SubjectKind::Chapter,
            slug,
            number: ch.map(|x| x.number as usize),
            title: ch.map(|x| x.title.clone()),
        }
    }

    /// `kap. 5 Rehabilitering` / `anb. 2 Tidlig opsporing` / the slug when gone.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            SubjectKind::Chapter => tr!("kap.", "ch."),
            SubjectKind::Recommendation => tr!("anb.", "rec."),
        };
        match (self.number, &self.title) {
            (Some(n), Some(t)) => format!("{kind} {n} {t}"),
            _ => tr!(
                "{kind} «{}» (findes ikke længere)",
                "{kind} «{}» (no longer there)",
                self.slug
            ),
        }
    }
}

/// Where a comment's quote stands in the current draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// The quoted words are unchanged where they were.
    Unchanged,
    /// Unchanged words, now elsewhere or among other text.
    Moved,
    /// The words were edited: see `now` and `words`.
    Edited,
    /// The words are gone; the section (heading) they stood under remains.
    Section,
    /// The words are gone.
    Orphaned,
    /// The comment's chapter is no longer in the draft.
    ChapterGone,
}

impl QuoteKind {
    /// `uændret`, `flyttet`, `ændret`, `afsnit`, `forældreløs`, `kapitel fjernet`.
    pub fn label(self) -> String {
        match self {
            QuoteKind::Unchanged => tr!("uændret", "unchanged"),
            QuoteKind::Moved => tr!("flyttet", "moved"),
            QuoteKind::Edited => tr!("ændret", "edited"),
            QuoteKind::Section => tr!("kun afsnittet findes", "only the section remains"),
            QuoteKind::Orphaned => tr!("forældreløs", "orphaned"),
            QuoteKind::ChapterGone => tr!("kapitlet er fjernet", "the chapter was removed"),
        }
    }
}

/// A quote's fate in the current draft, from [`crate::anchor`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteNow {
    pub kind: QuoteKind,
    /// The words the quote is found at now (moved or edited; for unchanged
    /// the quote itself). None when gone.
    pub now: Option<String>,
    /// How alike the edited words are (0–1), for `edited`.
    pub score: Option<f64>,
    /// The heading that remains, for `section`.
    pub heading: Option<String>,
    /// Old (the quote) against new words, for `edited`: equal and deleted
    /// segments give the quote, equal and inserted ones the words now.
    pub words: Vec<Segment>,
    /// Where the words stand: a byte range of the chapter's searchable text
    /// (see [`crate::text::searchable_text`]); None when gone.
    pub span: Option<Range<usize>>,
}

impl QuoteNow {
    fn of(quote: &str, placement: Option<Placement>) -> QuoteNow {
        let Some(p) = placement else {
            return QuoteNow {
                kind: QuoteKind::ChapterGone,
                now: None,
                score: None,
                heading: None,
                words: Vec::new(),
                span: None,
            };
        };
        let (kind, score, heading) = match &p.fate {
            Fate::Exact => (QuoteKind::Unchanged, None, None),
            Fate::Moved => (QuoteKind::Moved, None, None),
            Fate::Fuzzy { score } => (QuoteKind::Edited, Some(*score), None),
            Fate::Section { heading } => (QuoteKind::Section, None, Some(heading.clone())),
            Fate::Orphaned => (QuoteKind::Orphaned, None, None),
        };
        let words = match (&kind, &p.text) {
            (QuoteKind::Edited, Some(now)) => diff_words(quote, now),
            _ => Vec::new(),
        };
        QuoteNow {
            kind,
            now: p.text,
            score,
            heading,
            words,
            span: p.span,
        }
    }
}

/// The writers' answer to a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub disposition: Disposition,
    pub response: String,
    /// The writer's address, and name when they are a member.
    pub by: String,
    pub by_name: Option<String>,
    pub at: DateTime<FixedOffset>,
}

impl Answer {
    fn of(ws: &Workspace, c: &Comment) -> Option<Answer> {
        let r = c.resolution.as_ref()?;
        Some(Answer {
            disposition: r.disposition,
            response: r.response.clone(),
            by: r.by.clone(),
            by_name: ws.config.member(&r.by).map(|m| m.name.clone()),
            at: r.at,
        })
    }

    /// The name of who answered, else their address.
    pub fn who(&self) -> &str {
        self.by_name.as_deref().unwrap_or(&self.by)
    }
}

/// A reply in a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub id: String,
    pub created: DateTime<FixedOffset>,
    pub author: Author,
    pub body: String,
    pub status: CommentStatus,
    /// Written by the acting member.
    pub mine: bool,
}

/// One of the member's (or organisation's) comments and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MyComment {
    pub id: String,
    pub created: DateTime<FixedOffset>,
    pub author: Author,
    /// Written by the acting member (false: by a colleague).
    pub mine: bool,
    pub status: CommentStatus,
    pub body: String,
    pub on: Subject,
    /// The words it was written on.
    pub quote: Option<String>,
    /// Where the quote stands now (None without a quote).
    pub quote_now: Option<QuoteNow>,
    pub answer: Option<Answer>,
    /// Every reply below it, oldest first.
    pub replies: Vec<Reply>,
}

/// A meeting not yet held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Upcoming {
    pub number: u32,
    pub title: String,
    pub date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// Days from today to the meeting (negative: the date has passed, but
    /// the draft was not tagged for it).
    pub days: i64,
    /// Days from today to the deadline for written comments.
    pub deadline_days: Option<i64>,
}

/// Everything the overview shows.
#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    /// Who is looking.
    pub member: Person,
    pub scope: Scope,
    /// The commit the overview describes (HEAD); what [`mark_read`] marks.
    pub commit: Option<String>,
    pub answered: Vec<MyComment>,
    pub open: Vec<MyComment>,
    pub withdrawn: Vec<MyComment>,
    /// What happened since; None with [`Since::Nothing`], or with
    /// [`Since::LastMeeting`] before any meeting is tagged.
    pub since: Option<SinceReport>,
    pub upcoming: Vec<Upcoming>,
}

impl Overview {
    /// All comments of the overview: answered, open, withdrawn.
    pub fn comments(&self) -> impl Iterator<Item = &MyComment> {
        self.answered
            .iter()
            .chain(&self.open)
            .chain(&self.withdrawn)
    }

    /// How many comments the overview holds.
    pub fn len(&self) -> usize {
        self.answered.len() + self.open.len() + self.withdrawn.len()
    }

    /// No comments at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Same address, ignoring case and surrounding space.
pub(crate) fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Same organisation, ignoring case and surrounding space.
pub(crate) fn same_org(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Who the overview is about and whose comments count.
pub(crate) struct Who {
    pub member: Member,
    pub scope: Scope,
}

impl Who {
    /// Whether a comment's author is in scope.
    pub fn covers(&self, author: &Author) -> bool {
        match self.scope {
            Scope::Member => self.is_me(author),
            Scope::Organisation => {
                self.is_me(author) || same_org(&author.organisation, &self.member.organisation)
            }
        }
    }

    pub fn is_me(&self, author: &Author) -> bool {
        same_email(&author.email, &self.member.email)
    }
}

/// The first comment of the thread `c` is in (itself for a first comment);
/// a reply whose parent is missing, or a cycle, ends at the last one found.
pub(crate) fn thread_root<'a>(by_id: &HashMap<&str, &'a Comment>, c: &'a Comment) -> &'a Comment {
    let mut at = c;
    let mut seen: HashSet<&str> = HashSet::new();
    while let Some(parent) = at.reply_to.as_deref() {
        if !seen.insert(at.id.as_str()) {
            break;
        }
        match by_id.get(parent) {
            Some(p) => at = p,
            None => break,
        }
    }
    at
}

/// Whether `c` starts a thread (no parent, or a parent that is missing).
fn is_first(by_id: &HashMap<&str, &Comment>, c: &Comment) -> bool {
    c.reply_to
        .as_deref()
        .is_none_or(|p| !by_id.contains_key(p) || p == c.id)
}

/// The overview for `query` over the workspace at HEAD.
pub fn overview(store: &Store, query: &Query) -> Result<Overview> {
    let member = super::member_at_head(store, &query.email)?;
    let who = Who {
        member,
        scope: query.scope,
    };
    let head = store.head()?;
    let ws = store.load_commit(head)?;
    let mut anchorer = Anchorer::new(store, &ws);
    let mine = my_comments(&ws, &who, &mut anchorer);
    drop(anchorer);
    let (mut answered, mut open, mut withdrawn) = (Vec::new(), Vec::new(), Vec::new());
    for c in mine {
        match c.status {
            CommentStatus::Resolved => answered.push(c),
            CommentStatus::Open => open.push(c),
            CommentStatus::Withdrawn => withdrawn.push(c),
        }
    }
    let tags = store.meeting_tags()?;
    let since = since::report(store, &ws, head, &who, &query.since, &tags)?;
    Ok(Overview {
        member: Person::of(&who.member),
        scope: who.scope,
        commit: head.map(|h| h.to_string()),
        answered,
        open,
        withdrawn,
        since,
        upcoming: upcoming(&ws, &tags, query.today),
    })
}

/// The first comments in scope, oldest first, with their replies and the
/// fate of their quotes in `ws`.
fn my_comments(ws: &Workspace, who: &Who, anchorer: &mut Anchorer<'_>) -> Vec<MyComment> {
    let by_id: HashMap<&str, &Comment> = ws.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut replies: HashMap<&str, Vec<&Comment>> = HashMap::new();
    for c in &ws.comments {
        if !is_first(&by_id, c) {
            let root = thread_root(&by_id, c);
            if root.id != c.id {
                replies.entry(root.id.as_str()).or_default().push(c);
            }
        }
    }
    let mut out = Vec::new();
    for c in ws.comments.iter().filter(|c| is_first(&by_id, c)) {
        if !who.covers(&c.author) {
            continue;
        }
        let mut thread = replies.remove(c.id.as_str()).unwrap_or_default();
        thread.sort_by(|a, b| a.id.cmp(&b.id));
        let quote = c.target.anchor.as_ref().map(|a| a.quote.clone());
        let quote_now = quote.as_ref().map(|q| QuoteNow::of(q, anchorer.place(c)));
        out.push(MyComment {
            id: c.id.clone(),
            created: c.created,
            author: c.author.clone(),
            mine: who.is_me(&c.author),
            status: c.status,
            body: c.body.clone(),
            on: Subject::of(ws, c),
            quote,
            quote_now,
            answer: Answer::of(ws, c),
            replies: thread
                .into_iter()
                .map(|r| Reply {
                    id: r.id.clone(),
                    created: r.created,
                    author: r.author.clone(),
                    body: r.body.clone(),
                    status: r.status,
                    mine: who.is_me(&r.author),
                })
                .collect(),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Meetings not yet held: planned, untagged, after the last tagged one.
fn upcoming(ws: &Workspace, tags: &[MeetingTag], today: NaiveDate) -> Vec<Upcoming> {
    let last_held = tags.iter().map(|t| t.number).max().unwrap_or(0);
    let mut out: Vec<Upcoming> = ws
        .config
        .meetings
        .iter()
        .filter(|m| m.number > last_held && !tags.iter().any(|t| t.number == m.number))
        .map(|m| Upcoming {
            number: m.number,
            title: m.title.clone(),
            date: m.date,
            deadline: m.deadline,
            days: (m.date - today).num_days(),
            deadline_days: m.deadline.map(|d| (d - today).num_days()),
        })
        .collect();
    out.sort_by_key(|u| (u.date, u.number));
    out
}

/// The revision the last meeting tag names, if any.
pub(crate) fn last_meeting(tags: &[MeetingTag]) -> Option<&MeetingTag> {
    tags.iter().max_by_key(|t| t.number)
}

/// The commit a revision names (for `--since`); the files on disk are
/// refused, since only commits can be compared this way.
pub fn resolve_rev(store: &Store, spec: &str) -> Result<git2::Oid> {
    let rev = Rev::parse(spec);
    match rev {
        Rev::Named(name) => store.resolve(&name),
        Rev::Worktree => Err(crate::error::Error::Invalid(tr!(
            "«{spec}» er filerne på disken; skriv en version (fx 3, meeting/3 eller et commit-id)",
            "«{spec}» is the files on disk; give a revision (e.g. 3, meeting/3 or a commit id)"
        ))),
    }
}
