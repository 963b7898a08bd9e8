//! Judging a push against what the server already has: the refs it may
//! change, how, and every commit and tag the push brings.

use std::collections::HashSet;

use git2::{ObjectType, Oid};

use super::judge::{Checker, Group};
use super::{Report, Rule, Violation};
use crate::error::{Error, Result};
use crate::store::{Store, TagFacts};
use crate::tr;

/// The branch a workspace lives on.
pub const MAIN: &str = "refs/heads/main";
const MEETING: &str = "refs/tags/meeting/";

/// One line of a `pre-receive` hook's input: a ref, its old and new value
/// (git's zero id for "did not exist" / "deleted").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: Oid,
    pub new: Oid,
    pub refname: String,
}

/// Reads the hook's input, one `old new ref` per line.
pub fn parse_updates(text: &str) -> Result<Vec<RefUpdate>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split_whitespace();
        let (Some(old), Some(new), Some(refname), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::Invalid(tr!(
                "kan ikke læse linjen «{line}» fra git (ventede «gammel ny ref»)",
                "cannot read the line «{line}» from git (expected «old new ref»)"
            )));
        };
        let id = |s: &str| {
            Oid::from_str(s).map_err(|_| {
                Error::Invalid(tr!(
                    "«{s}» er ikke et commit-id",
                    "«{s}» is not a commit id"
                ))
            })
        };
        out.push(RefUpdate {
            old: id(old)?,
            new: id(new)?,
            refname: refname.to_string(),
        });
    }
    Ok(out)
}

/// What the server holds before the push.
#[derive(Clone, Debug, Default)]
pub struct ServerState {
    /// Its `main`, if it has one.
    pub main: Option<Oid>,
    /// Commits every ref points at (everything reachable from them is held).
    pub held: Vec<Oid>,
}

impl ServerState {
    /// The refs of `store` itself (a server's bare repository, in its hook).
    pub fn of_repository(store: &Store) -> Result<ServerState> {
        Self::from_refs(store, "refs/", MAIN)
    }

    /// The server `remote` as this clone last saw it (`refs/remotes/NAME/`).
    pub fn of_remote(store: &Store, remote: &str) -> Result<ServerState> {
        Self::from_refs(
            store,
            &format!("refs/remotes/{remote}/"),
            &format!("refs/remotes/{remote}/main"),
        )
    }

    fn from_refs(store: &Store, prefix: &str, main: &str) -> Result<ServerState> {
        let repo = store.repo();
        let mut state = ServerState::default();
        let refs = repo
            .references_glob(&format!("{prefix}*"))
            .map_err(Error::git("refs"))?;
        for r in refs {
            let r = r.map_err(Error::git("refs"))?;
            let Ok(commit) = r.peel_to_commit() else {
                continue;
            };
            if r.name() == Ok(main) {
                state.main = Some(commit.id());
            }
            state.held.push(commit.id());
        }
        Ok(state)
    }

    fn is_empty(&self) -> bool {
        self.main.is_none() && self.held.is_empty()
    }
}

/// `meeting/N` for `refs/tags/meeting/N` with N a number (no leading 0).
fn meeting_name(refname: &str) -> Option<&str> {
    let n = refname.strip_prefix(MEETING)?;
    let ok = !n.is_empty()
        && n.len() <= 6
        && n.bytes().all(|b| b.is_ascii_digit())
        && !n.starts_with('0');
    ok.then(|| &refname["refs/tags/".len()..])
}

fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

struct Push<'s> {
    checker: Checker<'s>,
    state: ServerState,
    pusher: Option<String>,
}

impl Push<'_> {
    fn refuse(&mut self, commit: Oid, refname: &str, rule: Rule, message: String) {
        self.checker.out.push(Violation {
            commit: commit.to_string(),
            author: String::new(),
            email: String::new(),
            file: Some(refname.to_string()),
            rule,
            message,
        });
    }

    fn main_group(&mut self) -> Result<Option<Group>> {
        match self.state.main {
            Some(m) => Ok(Some(self.checker.config_at(m)?)),
            None => Ok(None),
        }
    }

    /// Whether `commit` is `tip` or in its history.
    fn on(&self, tip: Oid, commit: Oid) -> bool {
        tip == commit
            || self
                .checker
                .store
                .repo()
                .graph_descendant_of(tip, commit)
                .unwrap_or(false)
    }

    /// The ref rules; the commits the accepted refs bring are returned.
    fn refs(&mut self, updates: &[RefUpdate]) -> Result<Vec<Oid>> {
        let repo = self.checker.store.repo();
        let mut tips = Vec::new();
        let new_main = updates
            .iter()
            .find(|u| u.refname == MAIN && !u.new.is_zero())
            .map(|u| u.new);
        for u in updates {
            let r = u.refname.as_str();
            if u.new.is_zero() {
                self.refuse(
                    u.old,
                    r,
                    Rule::NoDeletes,
                    tr!(
                        "intet på den fælles server slettes ({r}); historikken er oplæggets arkiv",
                        "nothing on the shared server is deleted ({r}); the history is the oplæg's record"
                    ),
                );
                continue;
            }
            if r == MAIN {
                let Ok(commit) = repo.find_commit(u.new) else {
                    self.refuse(
                        u.new,
                        r,
                        Rule::RefNotAllowed,
                        tr!("main skal pege på en commit", "main must point at a commit"),
                    );
                    continue;
                };
                if !u.old.is_zero() && !self.on(commit.id(), u.old) {
                    self.refuse(
                        u.new,
                        r,
                        Rule::FastForwardOnly,
                        tr!(
                            "main flyttes kun fremad: den nye main bygger ikke videre på serverens ({}); hent og flet først (oplaeg sync), skub aldrig med --force",
                            "main only moves forward: the new main does not build on the server's ({}); fetch and merge first (oplaeg sync), never push with --force",
                            &u.old.to_string()[..7]
                        ),
                    );
                    continue;
                }
                tips.push(commit.id());
                continue;
            }
            let Some(name) = meeting_name(r) else {
                self.refuse(
                    u.new,
                    r,
                    Rule::RefNotAllowed,
                    tr!(
                        "serveren gemmer kun grenen main og mødetags meeting/N, ikke {r}; skub til main (oplaeg sync)",
                        "the server keeps only the branch main and meeting tags meeting/N, not {r}; push to main (oplaeg sync)"
                    ),
                );
                continue;
            };
            if !u.old.is_zero() {
                self.refuse(
                    u.new,
                    r,
                    Rule::MeetingTagShape,
                    tr!(
                        "mødetagget {name} findes allerede på serveren og flyttes aldrig; et nyt udkast får et nyt møde",
                        "the meeting tag {name} already exists on the server and is never moved; a new draft gets a new meeting"
                    ),
                );
                continue;
            }
            let tag = match repo.find_object(u.new, None) {
                Ok(o) if o.kind() == Some(ObjectType::Tag) => o.into_tag().ok(),
                _ => None,
            };
            let Some(tag) = tag else {
                let commit = repo
                    .find_object(u.new, None)
                    .ok()
                    .and_then(|o| o.peel_to_commit().ok());
                let facts = TagFacts {
                    name: name.to_string(),
                    commit: commit.map_or(u.new, |c| c.id()),
                    tagger: None,
                };
                self.checker.tag_by_writer(&facts, &[]);
                continue;
            };
            let own_name = String::from_utf8_lossy(tag.name_bytes()).into_owned();
            if own_name != name {
                self.refuse(
                    u.new,
                    r,
                    Rule::MeetingTagShape,
                    tr!(
                        "tag-objektet hedder «{own_name}», men skubbes som {name}; et mødetag kan ikke genbruges under et andet navn",
                        "the tag object is named «{own_name}» but pushed as {name}; a meeting tag cannot be reused under another name"
                    ),
                );
                continue;
            }
            if tag.target_type() != Some(ObjectType::Commit) {
                self.refuse(
                    u.new,
                    r,
                    Rule::MeetingTagShape,
                    tr!(
                        "mødetagget {name} skal markere en commit",
                        "the meeting tag {name} must mark a commit"
                    ),
                );
                continue;
            }
            let commit = tag.target_id();
            let main = new_main.or(self.state.main);
            if !main.is_some_and(|m| self.on(m, commit)) {
                self.refuse(
                    commit,
                    r,
                    Rule::MeetingTagShape,
                    tr!(
                        "mødetagget {name} markerer {}, som ikke er en del af main; tag et udkast på main",
                        "the meeting tag {name} marks {}, which is not part of main; tag a draft on main",
                        &commit.to_string()[..7]
                    ),
                );
                continue;
            }
            let tagger = tag.tagger().map(|s| {
                (
                    String::from_utf8_lossy(s.name_bytes()).into_owned(),
                    String::from_utf8_lossy(s.email_bytes()).into_owned(),
                )
            });
            let facts = TagFacts {
                name: name.to_string(),
                commit,
                tagger: tagger.clone(),
            };
            let mut groups = vec![self.checker.config_at(commit)?];
            if let Some(g) = self.main_group()? {
                groups.push(g);
            }
            if self.checker.tag_by_writer(&facts, &groups)
                && let (Some(pusher), Some((tname, temail))) = (self.pusher.clone(), tagger)
                && !same_person(&pusher, &temail)
            {
                self.checker.out.push(Violation {
                    commit: commit.to_string(),
                    author: tname,
                    email: temail.clone(),
                    file: Some(r.to_string()),
                    rule: Rule::PusherIsAuthor,
                    message: tr!(
                        "tagget er lavet af {temail}, men skubbet af {pusher}; man skubber kun sine egne",
                        "the tag was made by {temail} but pushed by {pusher}; one pushes only one's own"
                    ),
                });
            }
            tips.push(commit);
        }
        Ok(tips)
    }

    /// Every commit reachable from `tips` that the server does not hold.
    fn commits(&mut self, tips: &[Oid]) -> Result<usize> {
        if tips.is_empty() {
            return Ok(0);
        }
        let repo = self.checker.store.repo();
        let mut walk = repo.revwalk().map_err(Error::git("revwalk"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(Error::git("revwalk"))?;
        for &t in tips {
            walk.push(t).map_err(Error::git("revwalk"))?;
        }
        for &h in &self.state.held {
            walk.hide(h).map_err(Error::git("revwalk"))?;
        }
        let commits = walk
            .collect::<std::result::Result<Vec<Oid>, _>>()
            .map_err(Error::git("revwalk"))?;
        self.checker.prefetch(&commits)?;
        let server = self.main_group()?;
        let mut roots = 0;
        let pushed: HashSet<Oid> = commits.iter().copied().collect();
        for &id in &commits {
            let c = self.checker.store.commit_facts(id)?;
            if let Some(pusher) = self.pusher.clone()
                && !same_person(&pusher, &c.author_email)
            {
                let email = c.author_email.clone();
                self.checker.push(
                    &c,
                    None,
                    Rule::PusherIsAuthor,
                    tr!(
                        "commit'en er lavet af {email}, men skubbet af {pusher}; man skubber kun sine egne ændringer (de andres hentes fra serveren)",
                        "the commit was made by {email} but pushed by {pusher}; one pushes only one's own changes (the others' come from the server)"
                    ),
                );
            }
            let mut groups = Vec::new();
            if c.parents.is_empty() {
                roots += 1;
                if !self.state.is_empty() || roots > 1 {
                    self.checker.unrelated_root(&c);
                    continue;
                }
                groups.push(self.checker.config_at(id)?);
            }
            for &p in &c.parents {
                if !pushed.contains(&p) && server.is_some() {
                    continue;
                }
                groups.push(self.checker.config_at(p)?);
            }
            if let Some(g) = &server {
                groups.push(g.clone());
            }
            self.checker.commit(&c, &groups)?;
        }
        Ok(commits.len())
    }
}

/// Judges a push to the server whose bare repository `store` is (run inside
/// its `pre-receive` hook, before any ref moves): the refs it may change
/// and every commit and meeting tag it brings, judged by the group the
/// server already holds. `pusher`: the member the server says is pushing.
pub fn verify_push(store: &Store, updates: &[RefUpdate], pusher: Option<&str>) -> Result<Report> {
    let state = ServerState::of_repository(store)?;
    let mut push = Push {
        checker: Checker::new(store),
        state,
        pusher: pusher.map(str::to_string),
    };
    let tips = push.refs(updates)?;
    let commits = push.commits(&tips)?;
    let range = updates
        .iter()
        .map(|u| u.refname.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Report {
        range,
        commits,
        violations: push.checker.out,
    })
}

/// Judges the commits `oplaeg sync` is about to send to `remote`: HEAD's
/// commits the server did not have when this clone last fetched, by the
/// same rules the server's hook uses, before anything leaves the clone.
pub fn check_outgoing(store: &Store, remote: &str) -> Result<Report> {
    let state = ServerState::of_remote(store, remote)?;
    let Some(head) = store.head()? else {
        return Ok(Report {
            range: "HEAD".into(),
            commits: 0,
            violations: Vec::new(),
        });
    };
    let mut push = Push {
        checker: Checker::new(store),
        state,
        pusher: None,
    };
    let commits = push.commits(&[head])?;
    Ok(Report {
        range: format!("{remote}/main..HEAD"),
        commits,
        violations: push.checker.out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbered_meeting_tags_are_meeting_tags() {
        assert_eq!(meeting_name("refs/tags/meeting/4"), Some("meeting/4"));
        assert_eq!(meeting_name("refs/tags/meeting/12"), Some("meeting/12"));
        for bad in [
            "refs/tags/meeting/04",
            "refs/tags/meeting/",
            "refs/tags/meeting/4a",
            "refs/tags/meeting/4/x",
            "refs/tags/v1",
            "refs/heads/meeting/4",
        ] {
            assert_eq!(meeting_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn hook_input_is_read_line_by_line() {
        let zero = "0".repeat(40);
        let one = "1".repeat(40);
        let text = format!("{zero} {one} refs/heads/main\n{one} {zero} refs/tags/meeting/1\n");
        let u = parse_updates(&text).unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[0].old.is_zero());
        assert_eq!(u[1].refname, "refs/tags/meeting/1");
        assert!(parse_updates("x y").is_err());
    }
}
