//! Reading history: meeting tags and the commit log.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use git2::Oid;
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};

/// A held meeting: the annotated tag `meeting/N` on the draft sent for it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MeetingTag {
    pub number: u32,
    /// `meeting/N`.
    pub name: String,
    /// The tagged commit.
    pub commit: String,
    /// From the tag message's `Dato:` line, else the day it was tagged.
    pub date: Option<NaiveDate>,
    /// The first line of the tag message.
    pub title: String,
}

/// One commit of the history.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub time: DateTime<FixedOffset>,
    pub author: String,
    pub email: String,
    /// The first line of the message.
    pub summary: String,
    /// The whole message.
    pub message: String,
    /// Tags pointing at this commit (e.g. `meeting/4`).
    pub tags: Vec<String>,
}

pub(crate) fn git_time(t: git2::Time) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
    offset
        .timestamp_opt(t.seconds(), 0)
        .single()
        .unwrap_or_else(|| offset.timestamp_opt(0, 0).single().expect("epoch is valid"))
}

/// A meeting tag's message: its first line is the meeting's title, and a
/// line `Dato: YYYY-MM-DD` its date. Anything else is ignored; a message
/// without them gives an empty title and no date.
pub fn parse_meeting_message(message: &str) -> (String, Option<NaiveDate>) {
    let title = message.lines().next().unwrap_or("").trim().to_string();
    let date = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("Dato:"))
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    (title, date)
}

impl Store {
    /// When a commit was authored.
    pub fn commit_time(&self, commit: Oid) -> Result<DateTime<FixedOffset>> {
        let c = self
            .repo
            .find_commit(commit)
            .map_err(Error::git(commit.to_string()))?;
        Ok(git_time(c.author().when()))
    }

    /// The first commit of HEAD's history (following first parents): where
    /// the workspace began. None in a repository without commits.
    pub fn first_commit(&self) -> Result<Option<Oid>> {
        let Some(head) = self.head()? else {
            return Ok(None);
        };
        let mut walk = self.repo.revwalk().map_err(Error::git("HEAD"))?;
        walk.push(head).map_err(Error::git("HEAD"))?;
        walk.simplify_first_parent().map_err(Error::git("HEAD"))?;
        let mut last = head;
        for oid in walk {
            last = oid.map_err(Error::git("HEAD"))?;
        }
        Ok(Some(last))
    }

    /// Every `meeting/N` tag, by number.
    pub fn meeting_tags(&self) -> Result<Vec<MeetingTag>> {
        let names = self
            .repo
            .tag_names(Some("meeting/*"))
            .map_err(Error::git("tags"))?;
        let mut out = Vec::new();
        for name in names.iter().flatten().flatten() {
            let Some(number) = name
                .strip_prefix("meeting/")
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(reference) = self.repo.find_reference(&format!("refs/tags/{name}")) else {
                continue;
            };
            let Ok(commit) = reference.peel_to_commit() else {
                continue;
            };
            let (title, date) = match reference.peel_to_tag() {
                Ok(tag) => {
                    let message = String::from_utf8_lossy(tag.message_bytes().unwrap_or(b""));
                    let (title, date) = parse_meeting_message(&message);
                    let date =
                        date.or_else(|| tag.tagger().map(|s| git_time(s.when()).date_naive()));
                    (title, date)
                }
                Err(_) => (String::new(), Some(git_time(commit.time()).date_naive())),
            };
            out.push(MeetingTag {
                number,
                name: name.to_string(),
                commit: commit.id().to_string(),
                date,
                title,
            });
        }
        out.sort_by_key(|t| t.number);
        Ok(out)
    }

    /// Tags by the commit they point at.
    pub fn tags_by_commit(&self) -> Result<HashMap<Oid, Vec<String>>> {
        let mut map: HashMap<Oid, Vec<String>> = HashMap::new();
        let names = self.repo.tag_names(None).map_err(Error::git("tags"))?;
        for name in names.iter().flatten().flatten() {
            if let Ok(c) = self
                .repo
                .find_reference(&format!("refs/tags/{name}"))
                .and_then(|r| r.peel_to_commit())
            {
                map.entry(c.id()).or_default().push(name.to_string());
            }
        }
        Ok(map)
    }

    /// The history from HEAD, newest first, at most `limit` commits.
    pub fn log(&self, limit: Option<usize>) -> Result<Vec<LogEntry>> {
        let Some(head) = self.head()? else {
            return Ok(Vec::new());
        };
        let tags = self.tags_by_commit()?;
        let mut walk = self.repo.revwalk().map_err(Error::git("log"))?;
        walk.set_sorting(git2::Sort::TIME | git2::Sort::TOPOLOGICAL)
            .map_err(Error::git("log"))?;
        walk.push(head).map_err(Error::git("log"))?;
        let mut out = Vec::new();
        for oid in walk {
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
            let oid = oid.map_err(Error::git("log"))?;
            let c = self.repo.find_commit(oid).map_err(Error::git("log"))?;
            let author = c.author();
            let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
            out.push(LogEntry {
                commit: oid.to_string(),
                time: git_time(author.when()),
                author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                summary: message.lines().next().unwrap_or("").to_string(),
                message,
                tags: tags.get(&oid).cloned().unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

impl Store {
    /// The files a commit changed against its first parent, as `A path`,
    /// `M path`, `D path` or `R old → new`.
    pub fn changed_files(&self, commit: &str) -> Result<Vec<String>> {
        let oid = Oid::from_str(commit).map_err(Error::git(commit.to_string()))?;
        let c = self
            .repo
            .find_commit(oid)
            .map_err(Error::git(commit.to_string()))?;
        let tree = c.tree().map_err(Error::git("tree"))?;
        let parent = match c.parent(0) {
            Ok(p) => Some(p.tree().map_err(Error::git("tree"))?),
            Err(_) => None,
        };
        let mut diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), None)
            .map_err(Error::git("diff"))?;
        diff.find_similar(None).map_err(Error::git("diff"))?;
        let mut out = Vec::new();
        for d in diff.deltas() {
            let path = |f: git2::DiffFile| {
                f.path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            };
            let line = match d.status() {
                git2::Delta::Added => format!("A {}", path(d.new_file())),
                git2::Delta::Deleted => format!("D {}", path(d.old_file())),
                git2::Delta::Renamed => {
                    format!("R {} → {}", path(d.old_file()), path(d.new_file()))
                }
                _ => format!("M {}", path(d.new_file())),
            };
            out.push(line);
        }
        Ok(out)
    }
}
