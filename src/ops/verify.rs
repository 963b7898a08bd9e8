//! `oplaeg verify`: whether a range of history keeps the roles. Git lets
//! anyone commit anything in their own clone; this is the check a shared
//! server runs (as its `pre-receive` hook) before it accepts a push.
//!
//! Each commit is judged by the `oplaeg.toml` of its first parent, i.e. by
//! the group as it was *before* the commit. So a writer's commit that adds a
//! member is judged by the old list (where the writer is a writer), and the
//! new member's own commits after it by the new list; nobody can add
//! themselves and act in the same commit. The first commit of a workspace
//! has no parent and is judged by its own `oplaeg.toml`.
//!
//! Merges: every ordinary commit in the range is checked on its own, so the
//! commits a merge brings in are judged by who made them. The merge commit
//! itself is judged only by what it introduces beyond its parents: files
//! whose merged content differs from every parent (a conflict resolved by
//! hand, or an "evil merge"). A member who merges the writers' new chapters
//! into their clone therefore passes, while a member who changes a chapter
//! while merging does not.
//!
//! Limits: git records the author a commit *claims*; verify checks the roles
//! against that claim. A server that also authenticates who pushes (ssh keys,
//! accounts on a git host) ties the claim to a person.

use std::collections::HashMap;

use git2::Oid;
use serde::Serialize;

use crate::error::Result;
use crate::model::{Choice, Comment, CommentStatus, Config, Member, Role, parse_toml, paths};
use crate::store::{CommitFacts, PathChange, Store};
use crate::text::is_valid_name;
use crate::tr;

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
    /// Members change only comment files they wrote themselves.
    OwnCommentsOnly,
    /// A comment can be changed only while it is open.
    OpenCommentsOnly,
    /// Only writers resolve comments.
    ResolutionsByWriters,
    /// Comments are never deleted (they are withdrawn).
    CommentDeleted,
    /// A member's comment file that cannot be read.
    UnreadableComment,
    /// Only writers tag meetings, with an annotated tag.
    MeetingTagsByWriters,
    /// Members write only their own ranking, only while its round is open
    /// (see [`crate::ops::ranking::verify_ranking_change`]).
    Rankings,
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
            Rule::CommentDeleted => "comment-deleted",
            Rule::UnreadableComment => "unreadable-comment",
            Rule::MeetingTagsByWriters => "meeting-tags-by-writers",
            Rule::Rankings => "rankings",
        }
    }
}

/// One broken rule.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    /// The commit (for a tag: the commit it marks).
    pub commit: String,
    /// Name and e-mail the commit (or tag) names as its author.
    pub author: String,
    pub email: String,
    /// The file (or `refs/tags/…`) concerned, when the rule is about one.
    pub file: Option<String>,
    pub rule: Rule,
    /// What is wrong, in the user's language.
    pub message: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The range as given.
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
/// being updated when known (a hook knows it), so a plain tag
/// `refs/tags/meeting/N` is recognised too.
pub fn verify(store: &Store, range: Option<&str>, refname: Option<&str>) -> Result<Report> {
    let range = range.unwrap_or("HEAD").to_string();
    let walk = store.walk(&range, refname)?;
    let mut checker = Checker {
        store,
        configs: HashMap::new(),
        out: Vec::new(),
    };
    for &id in &walk.commits {
        checker.commit(id)?;
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

struct Checker<'s> {
    store: &'s Store,
    /// Parsed `oplaeg.toml`s by blob id (most commits share one).
    configs: HashMap<Oid, Option<Config>>,
    out: Vec<Violation>,
}

impl Checker<'_> {
    /// `oplaeg.toml` as of a commit; `None` when missing or unreadable.
    fn config_at(&mut self, commit: Oid) -> Result<Option<Config>> {
        let Some(blob) = self.store.config_blob(commit)? else {
            return Ok(None);
        };
        if let Some(c) = self.configs.get(&blob) {
            return Ok(c.clone());
        }
        let bytes = self.store.blob(blob)?;
        let config = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| parse_toml::<Config>(paths::CONFIG, t).ok());
        self.configs.insert(blob, config.clone());
        Ok(config)
    }

    /// The group a commit is judged by: its first parent's, else its own.
    fn judging_config(&mut self, c: &CommitFacts) -> Result<Option<Config>> {
        if let Some(&parent) = c.parents.first()
            && let Some(config) = self.config_at(parent)?
        {
            return Ok(Some(config));
        }
        self.config_at(c.id)
    }

    fn push(&mut self, c: &CommitFacts, file: Option<&str>, rule: Rule, message: String) {
        self.out.push(Violation {
            commit: c.id.to_string(),
            author: c.author_name.clone(),
            email: c.author_email.clone(),
            file: file.map(str::to_string),
            rule,
            message,
        });
    }

    fn commit(&mut self, id: Oid) -> Result<()> {
        let c = self.store.commit_facts(id)?;
        let Some(config) = self.judging_config(&c)? else {
            self.push(
                &c,
                Some(paths::CONFIG),
                Rule::NotAMember,
                tr!(
                    "der er intet læsbart oplaeg.toml at afgøre forfatterens rolle ud fra",
                    "there is no readable oplaeg.toml to tell the author's role from"
                ),
            );
            return Ok(());
        };
        let Some(member) = config.member(&c.author_email).cloned() else {
            let email = &c.author_email;
            self.push(
                &c,
                None,
                Rule::NotAMember,
                tr!(
                    "forfatteren {email} er ikke medlem i oplaeg.toml",
                    "the author {email} is not a member in oplaeg.toml"
                ),
            );
            return Ok(());
        };
        if member.role == Role::Writer {
            return Ok(());
        }
        for change in self.store.introduced(id)? {
            self.change(&c, &member, &change)?;
        }
        Ok(())
    }

    /// One file changed by a member or reviewer.
    fn change(&mut self, c: &CommitFacts, member: &Member, change: &PathChange) -> Result<()> {
        let path = change.path.as_str();
        let role = member.role.label();
        if path == paths::CONFIG {
            self.push(
                c,
                Some(path),
                Rule::MembersByWriters,
                tr!(
                    "oplaeg.toml (medlemmer, roller og møder) må kun ændres af skribenter, ikke af en {role}",
                    "oplaeg.toml (members, roles and meetings) may only be changed by writers, not by a {role}"
                ),
            );
            return Ok(());
        }
        // Ranking files (issue 16): judged in their own module.
        if crate::ranking::parse_path(path).is_some() {
            for message in
                crate::ops::ranking::verify_ranking_change(self.store, c, member, change)?
            {
                self.push(c, Some(path), Rule::Rankings, message);
            }
            return Ok(());
        }
        let comment_id = path
            .strip_prefix("comments/")
            .and_then(|f| f.strip_suffix(".toml"))
            .filter(|id| is_valid_name(id));
        if comment_id.is_none() {
            self.push(
                c,
                Some(path),
                Rule::WritersOnly,
                tr!(
                    "kun skribenter må ændre kapitler, anbefalinger, prioriteringen og andre filer; en {role} må kun ændre sine egne kommentarer",
                    "only writers may change chapters, recommendations, the priority and other files; a {role} may only change their own comments"
                ),
            );
            return Ok(());
        }
        if member.role == Role::Reviewer {
            self.push(
                c,
                Some(path),
                Rule::ReviewersRead,
                tr!(
                    "en læser må kun læse, ikke kommentere",
                    "a reviewer may only read, not comment"
                ),
            );
            return Ok(());
        }
        let Some(new) = change.new else {
            self.push(
                c,
                Some(path),
                Rule::CommentDeleted,
                tr!(
                    "kommentarer slettes ikke; træk kommentaren tilbage i stedet",
                    "comments are not deleted; withdraw the comment instead"
                ),
            );
            return Ok(());
        };
        let new = match self.comment(path, new)? {
            Ok(comment) => comment,
            Err(problem) => {
                self.push(
                    c,
                    Some(path),
                    Rule::UnreadableComment,
                    tr!(
                        "kommentarfilen kan ikke læses: {problem}",
                        "the comment file cannot be read: {problem}"
                    ),
                );
                return Ok(());
            }
        };
        let old = match change.old {
            Some(id) => Some(self.comment(path, id)?),
            None => None,
        };
        let mine = |comment: &Comment| comment.author.email.eq_ignore_ascii_case(&c.author_email);
        match &old {
            Some(Err(_)) => {
                self.push(
                    c,
                    Some(path),
                    Rule::OwnCommentsOnly,
                    tr!(
                        "den tidligere udgave af kommentaren kan ikke læses, så det kan ikke ses, at den er din",
                        "the earlier version of the comment cannot be read, so it cannot be seen to be yours"
                    ),
                );
                return Ok(());
            }
            Some(Ok(before)) if !mine(before) => {
                let (name, email) = (&before.author.name, &before.author.email);
                self.push(
                    c,
                    Some(path),
                    Rule::OwnCommentsOnly,
                    tr!(
                        "kommentaren er skrevet af {name} <{email}>; et medlem må kun ændre sine egne",
                        "the comment was written by {name} <{email}>; a member may only change their own"
                    ),
                );
                return Ok(());
            }
            Some(Ok(before)) if before.status != CommentStatus::Open => {
                let status = before.status.label();
                self.push(
                    c,
                    Some(path),
                    Rule::OpenCommentsOnly,
                    tr!(
                        "kommentaren var {status} og kan ikke længere ændres",
                        "the comment was {status} and can no longer be changed"
                    ),
                );
                return Ok(());
            }
            _ => {}
        }
        if !mine(&new) {
            let (name, email) = (&new.author.name, &new.author.email);
            self.push(
                c,
                Some(path),
                Rule::OwnCommentsOnly,
                tr!(
                    "kommentaren står i {name} <{email}>s navn, ikke forfatterens",
                    "the comment is in the name of {name} <{email}>, not its author's"
                ),
            );
            return Ok(());
        }
        let resolution_before = old
            .as_ref()
            .and_then(|o| o.as_ref().ok()?.resolution.clone());
        if new.status == CommentStatus::Resolved || new.resolution != resolution_before {
            self.push(
                c,
                Some(path),
                Rule::ResolutionsByWriters,
                tr!(
                    "kun skribenter besvarer kommentarer",
                    "only writers resolve comments"
                ),
            );
        }
        Ok(())
    }

    /// A comment file's content, or why it cannot be read.
    fn comment(&self, path: &str, blob: Oid) -> Result<std::result::Result<Comment, String>> {
        let bytes = self.store.blob(blob)?;
        Ok(match std::str::from_utf8(&bytes) {
            Ok(text) => parse_toml::<Comment>(path, text).map_err(|p| p.to_string()),
            Err(_) => Err(tr!("ikke gyldig UTF-8", "not valid UTF-8")),
        })
    }

    /// A meeting tag must be annotated and made by a writer.
    fn tag(&mut self, tag: &crate::store::TagFacts) -> Result<()> {
        if !tag.name.starts_with("meeting/") {
            return Ok(());
        }
        let commit = self.store.commit_facts(tag.commit)?;
        let file = format!("refs/tags/{}", tag.name);
        let Some((name, email)) = &tag.tagger else {
            self.push(
                &commit,
                Some(&file),
                Rule::MeetingTagsByWriters,
                tr!(
                    "et mødetag skal være et annoteret tag fra en skribent (oplaeg meeting tag), ikke et let tag",
                    "a meeting tag must be an annotated tag by a writer (oplaeg meeting tag), not a lightweight one"
                ),
            );
            return Ok(());
        };
        let role = self
            .config_at(tag.commit)?
            .and_then(|c| c.member(email).map(|m| m.role));
        if role != Some(Role::Writer) {
            self.out.push(Violation {
                commit: tag.commit.to_string(),
                author: name.clone(),
                email: email.clone(),
                file: Some(file),
                rule: Rule::MeetingTagsByWriters,
                message: tr!(
                    "kun skribenter tagger møder; {email} er ikke skribent",
                    "only writers tag meetings; {email} is not a writer"
                ),
            });
        }
        Ok(())
    }
}
