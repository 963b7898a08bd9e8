//! Walking a range of history for `oplaeg verify`: which commits a range
//! names, who made each one, and the meeting tags it carries (what each
//! commit changes is worked out in `ops::verify::merge`). Reads git objects
//! only, so it works in a bare repository (a server's `pre-receive` hook) as
//! well as in a clone.

use git2::{ObjectType, Oid};

use super::Store;
use crate::error::{Error, Kind, Result};
use crate::tr;

/// The commits and tags a range names.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    /// Commits to check, parents before children.
    pub commits: Vec<Oid>,
    /// The annotated or plain tag at the range's end, when it names one.
    pub tag: Option<TagFacts>,
}

/// A tag at the end of a range.
#[derive(Clone, Debug)]
pub struct TagFacts {
    /// `meeting/4`: the tag object's own name, or the ref's without `refs/tags/`.
    pub name: String,
    /// The commit it marks.
    pub commit: Oid,
    /// Who made an annotated tag (name, e-mail); `None` for a plain tag.
    pub tagger: Option<(String, String)>,
}

/// Who made a commit and what it is.
#[derive(Clone, Debug)]
pub struct CommitFacts {
    pub id: Oid,
    pub parents: Vec<Oid>,
    pub author_name: String,
    pub author_email: String,
    pub summary: String,
}

/// A file a commit changed: its blob before and after (`None` where the
/// file does not exist) and its mode after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathChange {
    pub path: String,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
    /// The file's git mode after the change (`0o100644`, `0o100755`, a
    /// symlink's `0o120000`, a submodule's `0o160000`); `None` when removed.
    pub mode: Option<i32>,
}

/// True for git's all-zero id (a ref that does not exist yet or any more).
fn is_zero(spec: &str) -> bool {
    spec.len() >= 40 && spec.bytes().all(|b| b == b'0')
}

impl Store {
    /// The commits a range names, oldest first:
    /// - `A..B`: commits reachable from B and not from A;
    /// - `0000…0000..B` (git's zero id, as a server's hook sees a new branch):
    ///   commits reachable from B that no branch or tag has yet;
    /// - `B`: B's whole history;
    /// - nothing to check when B is the zero id (a deleted ref).
    ///
    /// B may be a tag (`meeting/4`, or a tag object's id): the tag is
    /// returned too, with `refname` naming it when B is a plain id.
    pub fn walk(&self, spec: &str, refname: Option<&str>) -> Result<Walk> {
        // In a shallow clone the oldest commits look like new roots that
        // add everything: checking them would report false violations.
        self.refuse_shallow()?;
        let spec = spec.trim();
        let (from, to) = match spec.split_once("..") {
            Some((a, b)) => (Some(a.trim()), b.trim()),
            None => (None, spec),
        };
        let to = if to.is_empty() { "HEAD" } else { to };
        if is_zero(to) {
            return Ok(Walk::default());
        }
        if to == "HEAD" && self.head()?.is_none() {
            return Ok(Walk::default());
        }
        let (end, tag) = self.range_end(to, refname)?;
        let mut walk = self.repo.revwalk().map_err(Error::git("revwalk"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(Error::git("revwalk"))?;
        walk.push(end).map_err(Error::git("revwalk"))?;
        match from {
            Some(a) if is_zero(a) => {
                for glob in ["refs/heads", "refs/tags"] {
                    walk.hide_glob(glob).map_err(Error::git("revwalk"))?;
                }
            }
            Some(a) => {
                let a = if a.is_empty() { "HEAD" } else { a };
                let (start, _) = self.range_end(a, None)?;
                walk.hide(start).map_err(Error::git("revwalk"))?;
            }
            None => {}
        }
        let commits = walk
            .collect::<std::result::Result<Vec<Oid>, _>>()
            .map_err(Error::git("revwalk"))?;
        Ok(Walk { commits, tag })
    }

    /// The commit a side of a range names, and the tag when it is one.
    fn range_end(&self, spec: &str, refname: Option<&str>) -> Result<(Oid, Option<TagFacts>)> {
        let object = match self.repo.revparse_single(spec) {
            Ok(o) => o,
            Err(_) => {
                let commit = self.resolve(spec)?;
                self.repo
                    .find_object(commit, None)
                    .map_err(Error::git(spec.to_string()))?
            }
        };
        let commit = object
            .peel_to_commit()
            .map_err(|_| Error::unknown(Kind::Revision, spec, []))?
            .id();
        let tag_ref = refname.and_then(|r| r.strip_prefix("refs/tags/"));
        let tag = match object.kind() {
            Some(ObjectType::Tag) => {
                let t = object.as_tag().ok_or_else(|| {
                    Error::Invalid(tr!("{spec} er ikke et tag", "{spec} is not a tag"))
                })?;
                Some(TagFacts {
                    name: tag_ref
                        .map(str::to_string)
                        .or_else(|| t.name().ok().map(str::to_string))
                        .unwrap_or_default(),
                    commit,
                    tagger: t.tagger().map(|s| {
                        (
                            String::from_utf8_lossy(s.name_bytes()).into_owned(),
                            String::from_utf8_lossy(s.email_bytes()).into_owned(),
                        )
                    }),
                })
            }
            _ => tag_ref.map(|name| TagFacts {
                name: name.to_string(),
                commit,
                tagger: None,
            }),
        };
        Ok((commit, tag))
    }

    /// Author, parents and summary of a commit.
    pub fn commit_facts(&self, id: Oid) -> Result<CommitFacts> {
        let c = self
            .repo
            .find_commit(id)
            .map_err(Error::git(id.to_string()))?;
        let author = c.author();
        let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
        Ok(CommitFacts {
            id,
            parents: c.parent_ids().collect(),
            author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            summary: message.lines().next().unwrap_or("").to_string(),
        })
    }

    /// A blob's bytes.
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>> {
        self.repo
            .find_blob(id)
            .map(|b| b.content().to_vec())
            .map_err(Error::git(id.to_string()))
    }

    /// The id of `oplaeg.toml`'s blob in a commit, if it has one.
    pub fn config_blob(&self, commit: Oid) -> Result<Option<Oid>> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(Error::git(commit.to_string()))?;
        Ok(tree
            .get_name(crate::model::paths::CONFIG)
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .map(|e| e.id()))
    }
}
