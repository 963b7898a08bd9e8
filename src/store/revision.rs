//! What a revision is, in words a document can print: its commit, its date,
//! and the meeting whose draft it is (or comes after).

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use super::history::git_time;
use super::{MeetingTag, Rev, Store};
use crate::error::{Error, Result};

/// A revision described for a title page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionInfo {
    /// The commit, or `None` for the files on disk (or an empty repository).
    pub commit: Option<Oid>,
    /// When the commit was made (the author's time).
    pub time: Option<DateTime<FixedOffset>>,
    /// The meeting whose draft this very commit is (tagged `meeting/N`).
    pub meeting: Option<MeetingTag>,
    /// The latest meeting tagged at or before this commit in its history.
    pub last_meeting: Option<MeetingTag>,
}

impl Store {
    /// Describes a revision: `Rev::Worktree` has no commit and counts from HEAD.
    pub fn revision_info(&self, rev: &Rev) -> Result<RevisionInfo> {
        let (commit, worktree) = match rev {
            Rev::Worktree => (self.head()?, true),
            Rev::Named(name) if name == "HEAD" => (self.head()?, false),
            Rev::Named(name) => (Some(self.resolve(name)?), false),
        };
        let Some(oid) = commit else {
            return Ok(RevisionInfo {
                commit: None,
                time: None,
                meeting: None,
                last_meeting: None,
            });
        };
        let c = self
            .repo
            .find_commit(oid)
            .map_err(Error::git(oid.to_string()))?;
        let mut meeting = None;
        let mut last = None;
        for tag in self.meeting_tags()? {
            let Ok(tagged) = Oid::from_str(&tag.commit) else {
                continue;
            };
            let at_or_before =
                tagged == oid || self.repo.graph_descendant_of(oid, tagged).unwrap_or(false);
            if tagged == oid && !worktree {
                meeting = Some(tag.clone());
            }
            if at_or_before
                && last
                    .as_ref()
                    .is_none_or(|l: &MeetingTag| l.number < tag.number)
            {
                last = Some(tag);
            }
        }
        Ok(RevisionInfo {
            commit: (!worktree).then_some(oid),
            time: (!worktree).then(|| git_time(c.author().when())),
            meeting,
            last_meeting: last,
        })
    }
}
