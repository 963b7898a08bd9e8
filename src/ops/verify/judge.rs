//! Judging one commit: who made it, in which role, and every file it
//! changes (for a merge: what it changes beyond git's own merge).

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use git2::Oid;

use super::{Rule, Violation, fields, gitdiff, merge, shape};
use crate::error::Result;
use crate::model::{Choice, Comment, CommentStatus, Config, Role, parse_toml, paths};
use crate::store::{CommitFacts, PathChange, Store, TagFacts};
use crate::text::is_valid_name;
use crate::tr;

/// A parsed `oplaeg.toml`; `None` when missing or unreadable.
pub(super) type Group = Option<Rc<Config>>;

pub(super) struct Checker<'s> {
    pub store: &'s Store,
    trees: merge::Trees<'s>,
    /// Parsed `oplaeg.toml`s by blob id (most commits share one).
    configs: HashMap<Oid, Group>,
    /// Entries directly in each limited folder, by commit (see
    /// [`Checker::folder_counts`]).
    counts: HashMap<Oid, [i64; 3]>,
    pub out: Vec<Violation>,
}

/// Writer above member above reviewer.
fn rank(role: Role) -> u8 {
    match role {
        Role::Writer => 2,
        Role::Member => 1,
        Role::Reviewer => 0,
    }
}

/// "et medlem", "en læser": the role with its article.
fn a_role(role: Role) -> String {
    match role {
        Role::Writer => tr!("en skribent", "a writer"),
        Role::Member => tr!("et medlem", "a member"),
        Role::Reviewer => tr!("en læser", "a reviewer"),
    }
}

/// A comment file's path and id, when `path` is one.
pub(super) fn comment_id(path: &str) -> Option<&str> {
    path.strip_prefix("comments/")
        .and_then(|f| f.strip_suffix(".toml"))
        .filter(|id| is_valid_name(id))
}

impl<'s> Checker<'s> {
    pub fn new(store: &'s Store) -> Checker<'s> {
        Checker {
            store,
            trees: merge::Trees::new(store.repo()),
            configs: HashMap::new(),
            counts: HashMap::new(),
            out: Vec::new(),
        }
    }

    /// Reads the differences of all of `commits` (parents before children)
    /// from one `git` process when git is there; otherwise, or when that
    /// fails in any way, libgit2 compares the trees commit by commit.
    pub fn prefetch(&mut self, commits: &[Oid]) -> Result<()> {
        let required = gitdiff::required();
        if commits.is_empty() || !(required || gitdiff::git_available()) {
            return Ok(());
        }
        let repo = self.store.repo();
        let mut with_parents = Vec::with_capacity(commits.len());
        for &id in commits {
            let c = repo
                .find_commit(id)
                .map_err(crate::error::Error::git(id.to_string()))?;
            with_parents.push((id, c.parent_ids().collect::<Vec<_>>()));
        }
        self.trees.git = gitdiff::load(repo.path(), &with_parents);
        if required && self.trees.git.is_none() {
            let var = gitdiff::ENV_SWITCH;
            return Err(crate::error::Error::Invalid(tr!(
                "git kunne ikke give forskellene, og {var}=require",
                "git could not give the differences, and {var}=require"
            )));
        }
        Ok(())
    }

    /// How many entries lie directly in each folder of
    /// [`shape::folder_limits`] at `commit`. With git's differences, counted
    /// from the nearest known commit on the first-parent line, so the large
    /// `comments/` tree is not read again for every commit.
    fn folder_counts(&mut self, commit: Oid) -> Result<[i64; 3]> {
        let mut chain = Vec::new();
        let mut cur = commit;
        let base = loop {
            if let Some(c) = self.counts.get(&cur) {
                break *c;
            }
            match self.trees.git.as_ref().and_then(|g| g.entry_delta(cur)) {
                Some((parent, _)) => {
                    chain.push(cur);
                    match parent {
                        Some(p) => cur = p,
                        None => break [0; 3],
                    }
                }
                None => {
                    let counts = self.read_folder_counts(cur)?;
                    if self.trees.git.is_some() {
                        self.counts.insert(cur, counts);
                    }
                    break counts;
                }
            }
        };
        let mut counts = base;
        for id in chain.iter().rev() {
            if let Some((_, delta)) = self.trees.git.as_ref().and_then(|g| g.entry_delta(*id)) {
                for (c, d) in counts.iter_mut().zip(delta) {
                    *c += d;
                }
            }
            self.counts.insert(*id, counts);
        }
        Ok(counts)
    }

    /// [`Checker::folder_counts`] from the commit's tree.
    fn read_folder_counts(&self, commit: Oid) -> Result<[i64; 3]> {
        let tree = self.trees.of_commit(commit)?;
        let mut counts = [0; 3];
        for (count, (folder, _)) in counts.iter_mut().zip(shape::folder_limits()) {
            if let Some(e) = tree.get_name(folder)
                && e.kind() == Some(git2::ObjectType::Tree)
            {
                *count = self.trees.get(e.id(), folder)?.len() as i64;
            }
        }
        Ok(counts)
    }

    /// `oplaeg.toml` as of a commit.
    pub fn config_at(&mut self, commit: Oid) -> Result<Group> {
        let Some(blob) = self.store.config_blob(commit)? else {
            return Ok(None);
        };
        if let Some(c) = self.configs.get(&blob) {
            return Ok(c.clone());
        }
        let bytes = self.store.blob(blob)?;
        let config = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| parse_toml::<Config>(paths::CONFIG, t).ok())
            .map(Rc::new);
        self.configs.insert(blob, config.clone());
        Ok(config)
    }

    pub fn push(&mut self, c: &CommitFacts, file: Option<&str>, rule: Rule, message: String) {
        self.out.push(Violation {
            commit: c.id.to_string(),
            author: c.author_name.clone(),
            email: c.author_email.clone(),
            file: file.map(str::to_string),
            rule,
            message,
        });
    }

    /// A root commit where the workspace already has one.
    pub fn unrelated_root(&mut self, c: &CommitFacts) {
        self.push(
            c,
            None,
            Rule::UnrelatedHistory,
            tr!(
                "en ny første commit (uden forælder) hører ikke til oplæggets historik; byg videre på serverens main (git pull) i stedet",
                "a new first commit (without a parent) does not belong to the oplæg's history; build on the server's main (git pull) instead"
            ),
        );
    }

    /// The author's role: the lowest they hold in any of `groups`; `None`
    /// (with the violation recorded) when they are not a member of all.
    fn role(&mut self, c: &CommitFacts, groups: &[Group]) -> Option<Role> {
        let mut role = Role::Writer;
        for g in groups {
            let Some(config) = g else {
                self.push(
                    c,
                    Some(paths::CONFIG),
                    Rule::NotAMember,
                    tr!(
                        "der er intet læsbart oplaeg.toml at afgøre forfatterens rolle ud fra",
                        "there is no readable oplaeg.toml to tell the author's role from"
                    ),
                );
                return None;
            };
            let Some(member) = config.member(&c.author_email) else {
                let email = &c.author_email;
                self.push(
                    c,
                    None,
                    Rule::NotAMember,
                    tr!(
                        "forfatteren {email} er ikke medlem i oplaeg.toml",
                        "the author {email} is not a member in oplaeg.toml"
                    ),
                );
                return None;
            };
            if rank(member.role) < rank(role) {
                role = member.role;
            }
        }
        Some(role)
    }

    /// Judges one commit by `groups` (the groups before it: one per parent,
    /// plus the server's, or its own for the first commit).
    pub fn commit(&mut self, c: &CommitFacts, groups: &[Group]) -> Result<()> {
        let Some(role) = self.role(c, groups) else {
            return Ok(());
        };
        let changes = match c.parents.len() {
            0 | 1 => merge::commit_changes(&self.trees, c.id)?,
            2 => merge::own_changes(&self.trees, c.id)?,
            _ => {
                self.push(
                    c,
                    None,
                    Rule::OctopusMerge,
                    tr!(
                        "en sammenfletning af mere end to linjer på én gang kan ikke efterprøves; flet én ad gangen (git merge med én gren)",
                        "a merge of more than two lines at once cannot be checked; merge one at a time (git merge with one branch)"
                    ),
                );
                return Ok(());
            }
        };
        let changes = self.shape(c, changes)?;
        for change in changes {
            if c.parents.len() == 2 && self.one_side_taken(c, role, &change)? {
                continue;
            }
            self.change(c, role, &change)?;
        }
        Ok(())
    }

    /// Reports every change nobody may make – a symlink, a submodule, an
    /// executable file, a file beyond the limits (see [`shape`]) – and
    /// returns the others, to be judged by the author's role. Files added
    /// to a folder that now holds more than its limit are not judged one by
    /// one (the commit is refused anyway).
    fn shape(&mut self, c: &CommitFacts, changes: Vec<PathChange>) -> Result<Vec<PathChange>> {
        let mut added_to: Vec<&'static str> = Vec::new();
        for change in &changes {
            if change.old.is_none()
                && change.new.is_some()
                && let Some(folder) = shape::limited_folder(&change.path)
                && !added_to.contains(&folder)
            {
                added_to.push(folder);
            }
        }
        let mut over = Vec::new();
        if !added_to.is_empty() {
            let counts = self.folder_counts(c.id)?;
            for folder in added_to {
                let count = shape::folder_limits()
                    .iter()
                    .position(|(f, _)| *f == folder)
                    .map_or(0, |i| counts[i].max(0) as usize);
                if let Some(message) = shape::count_problem(folder, count) {
                    self.push(c, Some(&format!("{folder}/")), Rule::Limits, message);
                    over.push(folder);
                }
            }
        }
        let odb = self
            .store
            .repo()
            .odb()
            .map_err(crate::error::Error::git("objects"))?;
        let mut keep = Vec::with_capacity(changes.len());
        for change in changes {
            let (Some(new), Some(mode)) = (change.new, change.mode) else {
                keep.push(change);
                continue;
            };
            let path = change.path.as_str();
            if shape::limited_folder(path).is_some_and(|f| over.contains(&f)) {
                continue;
            }
            if let Some(message) = shape::mode_problem(path, mode) {
                self.push(c, Some(path), Rule::FileMode, message);
                continue;
            }
            if !crate::model::paths::is_workspace_file(path, true) {
                keep.push(change);
                continue;
            }
            let (size, _) = odb
                .read_header(new)
                .map_err(crate::error::Error::git(path.to_string()))?;
            if let Some(message) = shape::size_problem(path, size as u64) {
                self.push(c, Some(path), Rule::Limits, message);
                continue;
            }
            let depth = if path.ends_with(".md") {
                let bytes = self.store.blob(new)?;
                std::str::from_utf8(&bytes).map_or(0, shape::nesting)
            } else if path.ends_with(".toml") {
                self.table(new)?.map_or(0, |t| shape::table_nesting(&t))
            } else {
                0
            };
            if let Some(message) = shape::nesting_problem(path, depth) {
                self.push(c, Some(path), Rule::Limits, message);
                continue;
            }
            keep.push(change);
        }
        Ok(keep)
    }

    /// A file a merge left exactly as one of its parents has it (the way a
    /// conflict is often settled: "keep theirs"). A writer may choose either
    /// side. Anyone else may do so only for a comment file and only when
    /// nothing decided on the other side is lost: every table with `by`
    /// there is kept, and a resolved or withdrawn comment stays so. True
    /// when the file has been judged here.
    fn one_side_taken(&mut self, c: &CommitFacts, role: Role, change: &PathChange) -> Result<bool> {
        let Some(new) = change.new else {
            return Ok(false);
        };
        let mut sides = Vec::new();
        for &p in &c.parents {
            let tree = self.trees.of_commit(p)?;
            sides.push(tree.get_path(Path::new(&change.path)).ok().map(|e| e.id()));
        }
        if !sides.contains(&Some(new)) {
            return Ok(false);
        }
        if role == Role::Writer {
            return Ok(true);
        }
        if comment_id(&change.path).is_none() {
            return Ok(false);
        }
        let Some(kept) = self.table(new)? else {
            return Ok(false);
        };
        for side in sides.into_iter().flatten().filter(|&b| b != new) {
            let Some(other) = self.table(side)? else {
                continue;
            };
            if let Some(lost) = fields::lost_decision(&other, &kept) {
                let path = change.path.clone();
                self.push(
                    c,
                    Some(&path),
                    Rule::DecisionsByWriters,
                    tr!(
                        "sammenfletningen beholder filen, som den er på den ene side, og mister en afgørelse fra den anden ({lost}); kun skribenter kan fjerne en afgørelse – behold den besvarede udgave",
                        "the merge keeps the file as one side has it and loses a decision from the other ({lost}); only writers can remove a decision – keep the resolved version"
                    ),
                );
                return Ok(true);
            }
        }
        Ok(true)
    }

    /// One file the commit changed, by an author in `role`.
    fn change(&mut self, c: &CommitFacts, role: Role, change: &PathChange) -> Result<()> {
        let path = change.path.as_str();
        let label = a_role(role);
        if role == Role::Writer {
            if comment_id(path).is_some()
                && let Some(new) = change.new
            {
                let old = match change.old {
                    Some(o) => self.table(o)?,
                    None => None,
                };
                if let Some(new) = self.table(new)?
                    && let Some((rule, message)) =
                        fields::problem(old.as_ref(), &new, &c.author_email, role)
                {
                    self.push(c, Some(path), rule, message);
                }
            }
            return Ok(());
        }
        if path == paths::CONFIG {
            self.push(
                c,
                Some(path),
                Rule::MembersByWriters,
                tr!(
                    "oplaeg.toml (medlemmer, roller og møder) må kun ændres af skribenter, ikke af {label}",
                    "oplaeg.toml (members, roles and meetings) may only be changed by writers, not by {label}"
                ),
            );
            return Ok(());
        }
        // Ranking files (issue 16): judged in their own module.
        if crate::ranking::parse_path(path).is_some() {
            for message in crate::ops::ranking::verify_ranking_change(self.store, c, role, change)?
            {
                self.push(c, Some(path), Rule::Rankings, message);
            }
            return Ok(());
        }
        if comment_id(path).is_none() {
            self.push(
                c,
                Some(path),
                Rule::WritersOnly,
                tr!(
                    "kun skribenter må ændre kapitler, anbefalinger, prioriteringen og andre filer; {label} må kun ændre sine egne kommentarer",
                    "only writers may change chapters, recommendations, the priority and other files; {label} may only change their own comments"
                ),
            );
            return Ok(());
        }
        if role == Role::Reviewer {
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
        let Some(new_id) = change.new else {
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
        let new = match self.comment(path, new_id)? {
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
        let mine = |comment: &Comment| {
            comment
                .author
                .email
                .trim()
                .eq_ignore_ascii_case(c.author_email.trim())
        };
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
        // Suggestions: only writers apply them or mark them for a new look.
        let before = match &old {
            Some(Ok(before)) => Some(before),
            _ => None,
        };
        if let Some(why) = crate::suggest::member_change_problem(before, &new) {
            self.push(c, Some(path), Rule::ResolutionsByWriters, why);
            return Ok(());
        }
        let old_table = match change.old {
            Some(o) => self.table(o)?,
            None => None,
        };
        if let Some(new_table) = self.table(new_id)?
            && let Some((rule, message)) =
                fields::problem(old_table.as_ref(), &new_table, &c.author_email, role)
        {
            self.push(c, Some(path), rule, message);
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

    /// A file as a TOML table, whatever keys it has; `None` if it is not TOML.
    fn table(&self, blob: Oid) -> Result<Option<toml::Table>> {
        let bytes = self.store.blob(blob)?;
        Ok(std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok()))
    }

    /// A meeting tag (history mode): annotated, made by a writer of the
    /// group at the commit it marks.
    pub fn tag(&mut self, tag: &TagFacts) -> Result<()> {
        if !tag.name.starts_with("meeting/") {
            return Ok(());
        }
        let group = self.config_at(tag.commit)?;
        self.tag_by_writer(tag, &[group]);
        Ok(())
    }

    /// A meeting tag is annotated and its tagger a writer in every group.
    pub fn tag_by_writer(&mut self, tag: &TagFacts, groups: &[Group]) -> bool {
        let file = format!("refs/tags/{}", tag.name);
        let Some((name, email)) = &tag.tagger else {
            self.out.push(Violation {
                commit: tag.commit.to_string(),
                author: String::new(),
                email: String::new(),
                file: Some(file),
                rule: Rule::MeetingTagsByWriters,
                message: tr!(
                    "et mødetag skal være et annoteret tag fra en skribent (oplaeg meeting tag), ikke et let tag",
                    "a meeting tag must be an annotated tag by a writer (oplaeg meeting tag), not a lightweight one"
                ),
            });
            return false;
        };
        let writer = groups.iter().all(|g| {
            g.as_ref()
                .and_then(|c| c.member(email))
                .is_some_and(|m| m.role == Role::Writer)
        });
        if !writer {
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
        writer
    }
}
