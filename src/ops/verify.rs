//! `oplaeg verify`: whether history keeps the roles. Git lets anyone commit
//! anything in their own clone; this is the check a shared server runs (as
//! its `pre-receive` hook, [`verify_push`]) before it accepts a push, and
//! the check `oplaeg sync` runs on what it is about to send
//! ([`check_outgoing`]). The rules and why they hold are in
//! `docs/trust-model.md`.
//!
//! **Who may do what.** A commit is judged by the group (`oplaeg.toml`)
//! *before* it: the lowest role the author has in any of its parents' groups
//! (a merge cannot borrow a role from a side branch) and, on a server, never
//! more than in the group the server already holds on `main`. So nobody can
//! add or promote themselves and act in the same push. Only the first commit
//! of a workspace has no parent; it is judged by its own `oplaeg.toml`, and
//! a server takes one only while it is empty.
//!
//! **Merges** are judged by what they change compared with git's own clean
//! three-way merge of their parents ([`merge`]): every file where the merge
//! commit differs from that, and every file git could not merge by itself,
//! is the merger's own change and needs the merger's role. The commits a
//! merge brings in are judged one by one, by who made them.
//!
//! **Fields that name a person** (a resolution's `by`, an anchor decision's
//! `by`, a comment's author, a withdrawal) must name the commit's author,
//! who must hold the role for it ([`fields`]).
//!
//! Limits: git records the author a commit *claims*. A server that knows
//! who pushes ([`pusher`]) ties that claim to a person.

mod fields;
pub mod gitdiff;
mod judge;
pub mod merge;
mod push;
pub mod pusher;
pub mod shape;

use serde::Serialize;

use crate::error::Result;
use crate::store::Store;

pub use push::{RefUpdate, ServerState, check_outgoing, parse_updates, verify_push};

/// Which rule a change broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The author is not in `oplaeg.toml`.
    NotAMember,
    /// Only writers change chapters, recommendations, the priority and other files.
    WritersOnly,
    /// Only writers change `oplaeg.toml` (members, roles, meetings).
    MembersByWriters,
    /// Reviewers only read.
    ReviewersRead,
    /// Members change only comment files they wrote themselves; nobody
    /// changes who wrote a comment or what someone else wrote.
    OwnCommentsOnly,
    /// A comment can be changed only while it is open.
    OpenCommentsOnly,
    /// Only writers resolve comments.
    ResolutionsByWriters,
    /// Only writers record decisions (anchor moves and any other field with `by`).
    DecisionsByWriters,
    /// A field naming who did something names someone other than the commit's author.
    ActorIsAuthor,
    /// Comments are never deleted (they are withdrawn).
    CommentDeleted,
    /// A member's comment file that cannot be read.
    UnreadableComment,
    /// Only writers tag meetings, with an annotated tag.
    MeetingTagsByWriters,
    /// A meeting tag: created once, its own name equal to the ref, on `main`.
    MeetingTagShape,
    /// A second first commit: history unrelated to the workspace.
    UnrelatedHistory,
    /// A merge of more than two lines at once.
    OctopusMerge,
    /// Only `refs/heads/main` and `refs/tags/meeting/N` are kept on the server.
    RefNotAllowed,
    /// `main` moves forward only.
    FastForwardOnly,
    /// Nothing on the server is deleted.
    NoDeletes,
    /// The push brings commits by someone other than the one pushing.
    PusherIsAuthor,
    /// The server knows who pushes but not which member that is.
    UnknownPusher,
    /// Members write only their own ranking, only while its round is open
    /// (see [`crate::ops::ranking::verify_ranking_change`]).
    Rankings,
    /// A symlink, a submodule or an executable file: oplaeg's files are
    /// regular files (see [`shape`]).
    FileMode,
    /// A file beyond the documented limits: its size, how many files its
    /// folder holds, how deep its quotes and lists nest.
    Limits,
}

impl Rule {
    /// The rule's key, as in the JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Rule::NotAMember => "not-a-member",
            Rule::WritersOnly => "writers-only",
            Rule::MembersByWriters => "members-by-writers",
            Rule::ReviewersRead => "reviewers-read",
            Rule::OwnCommentsOnly => "own-comments-only",
            Rule::OpenCommentsOnly => "open-comments-only",
            Rule::ResolutionsByWriters => "resolutions-by-writers",
            Rule::DecisionsByWriters => "decisions-by-writers",
            Rule::ActorIsAuthor => "actor-is-author",
            Rule::CommentDeleted => "comment-deleted",
            Rule::UnreadableComment => "unreadable-comment",
            Rule::MeetingTagsByWriters => "meeting-tags-by-writers",
            Rule::MeetingTagShape => "meeting-tag-shape",
            Rule::UnrelatedHistory => "unrelated-history",
            Rule::OctopusMerge => "octopus-merge",
            Rule::RefNotAllowed => "ref-not-allowed",
            Rule::FastForwardOnly => "fast-forward-only",
            Rule::NoDeletes => "no-deletes",
            Rule::PusherIsAuthor => "pusher-is-author",
            Rule::UnknownPusher => "unknown-pusher",
            Rule::Rankings => "rankings",
            Rule::FileMode => "file-mode",
            Rule::Limits => "limits",
        }
    }

    /// Every rule, for documentation and tests.
    pub const ALL: [Rule; 23] = [
        Rule::NotAMember,
        Rule::WritersOnly,
        Rule::MembersByWriters,
        Rule::ReviewersRead,
        Rule::OwnCommentsOnly,
        Rule::OpenCommentsOnly,
        Rule::ResolutionsByWriters,
        Rule::DecisionsByWriters,
        Rule::ActorIsAuthor,
        Rule::CommentDeleted,
        Rule::UnreadableComment,
        Rule::MeetingTagsByWriters,
        Rule::MeetingTagShape,
        Rule::UnrelatedHistory,
        Rule::OctopusMerge,
        Rule::RefNotAllowed,
        Rule::FastForwardOnly,
        Rule::NoDeletes,
        Rule::PusherIsAuthor,
        Rule::UnknownPusher,
        Rule::Rankings,
        Rule::FileMode,
        Rule::Limits,
    ];
}

/// One broken rule.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    /// The commit (for a tag: the commit it marks; for a ref: its new value).
    pub commit: String,
    /// Name and e-mail the commit (or tag) names as its author.
    pub author: String,
    pub email: String,
    /// The file (or `refs/…`) concerned, when the rule is about one.
    pub file: Option<String>,
    pub rule: Rule,
    /// What is wrong, in the user's language.
    pub message: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The range as given (for a push: the refs updated).
    pub range: String,
    /// How many commits were checked.
    pub commits: usize,
    pub violations: Vec<Violation>,
}

impl Report {
    /// True when no rule was broken.
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks every commit in `range` (see [`Store::walk`]; `None`: the whole
/// history of HEAD), and the meeting tag at its end. `refname` is the ref
/// being updated when known, so a plain tag `refs/tags/meeting/N` is
/// recognised too. A root commit other than the first one on HEAD's
/// first-parent line is history unrelated to the workspace.
pub fn verify(store: &Store, range: Option<&str>, refname: Option<&str>) -> Result<Report> {
    let range = range.unwrap_or("HEAD").to_string();
    let walk = store.walk(&range, refname)?;
    let mut checker = judge::Checker::new(store);
    checker.prefetch(&walk.commits)?;
    let first_root = match walk.commits.last() {
        Some(&tip) => Some(first_parent_root(store, tip)?),
        None => None,
    };
    for &id in &walk.commits {
        let c = store.commit_facts(id)?;
        let mut groups = Vec::with_capacity(c.parents.len().max(1));
        if c.parents.is_empty() {
            if Some(id) != first_root {
                checker.unrelated_root(&c);
                continue;
            }
            groups.push(checker.config_at(id)?);
        }
        for &p in &c.parents {
            groups.push(checker.config_at(p)?);
        }
        checker.commit(&c, &groups)?;
    }
    if let Some(tag) = &walk.tag {
        checker.tag(tag)?;
    }
    Ok(Report {
        range,
        commits: walk.commits.len(),
        violations: checker.out,
    })
}

/// The root reached by following first parents from `tip`.
fn first_parent_root(store: &Store, tip: git2::Oid) -> Result<git2::Oid> {
    let repo = store.repo();
    let mut id = tip;
    loop {
        let c = repo
            .find_commit(id)
            .map_err(crate::error::Error::git(id.to_string()))?;
        match c.parent_id(0) {
            Ok(p) => id = p,
            Err(_) => return Ok(id),
        }
    }
}
