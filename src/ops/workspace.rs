//! Creating a workspace, and recording a writer's hand edits as a commit.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Local};

use super::{Action, Session, permit};
use crate::error::{Error, Result};
use crate::model::{Config, FileData, Member, PriorityFile, Role, Source, Workspace, paths};
use crate::store::{Change, Identity, Store, WorktreeSource};
use crate::tr;

/// Creates a new workspace at `path`: a git repository with `oplaeg.toml`
/// (one writer), an empty priority list and a first chapter, as one commit.
/// `files` replaces the first chapter with other content (the demo).
pub fn init(
    path: &Path,
    config: &Config,
    files: &[(String, Vec<u8>)],
    when: Option<DateTime<FixedOffset>>,
) -> Result<Store> {
    let writer = config
        .members
        .iter()
        .find(|m| m.role == Role::Writer)
        .ok_or_else(|| {
            Error::Invalid(tr!(
                "et nyt oplæg skal have mindst én skribent",
                "a new oplæg needs at least one writer"
            ))
        })?;
    if config.title.trim().is_empty() {
        return Err(Error::Empty(tr!("titlen er tom", "the title is empty")));
    }
    if !writer.email.contains('@') {
        return Err(Error::InvalidValue {
            field: "--writer".into(),
            value: writer.email.clone(),
            expected: tr!("\"Navn <email>\"", "\"Name <email>\""),
        });
    }
    crate::store::check_signature(&writer.name, &writer.email)?;
    let store = Store::init(path)?;
    let mut change = Change::new(format!("Nyt fagligt oplæg: {}", config.title))
        .write(paths::CONFIG, crate::model::to_toml(config));
    if files.is_empty() {
        change = change
            .write(
                format!("{}/01-indledning.md", paths::DRAFTS),
                "# Indledning\n\nSkriv oplæggets indledning her.\n",
            )
            .write(paths::PRIORITY, PriorityFile::render(&[]));
    }
    for (p, bytes) in files {
        change = change.write(p.clone(), bytes.clone());
    }
    let who = Identity {
        name: writer.name.clone(),
        email: writer.email.clone(),
    };
    store.commit(
        &change,
        &who,
        when.unwrap_or_else(|| Local::now().fixed_offset()),
    )?;
    Ok(store)
}

impl Session {
    /// Records the hand edits in the working tree (chapters, recommendations,
    /// priority, oplaeg.toml) as one commit by the acting writer. Refuses
    /// when an edited file no longer loads, naming file, line and column.
    pub fn save(&self, message: &str) -> Result<Saved> {
        save(self, message)
    }
}

/// What [`save`] recorded, and the changed files it left alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Saved {
    /// Files recorded in the commit.
    pub saved: Vec<String>,
    /// Changed files that `save` does not record: comment files (comments are
    /// changed with `oplaeg comment …`, so their author and history stay
    /// true) and paths git cannot store.
    pub skipped: Vec<String>,
}

/// See [`Session::save`].
pub fn save(session: &Session, message: &str) -> Result<Saved> {
    session.store().refuse_bare()?;
    permit(session.actor(), Action::EditContent)?;
    let message = super::non_empty_message(message)?;
    let store = session.store();
    let changed = store.uncommitted()?;
    if changed.is_empty() {
        return Err(Error::Invalid(tr!(
            "der er ingen ændringer at gemme",
            "there are no changes to save"
        )));
    }
    let ws = Workspace::load(&WorktreeSource {
        root: store.root().to_path_buf(),
    })?;
    let (head, base) = session.head_at()?;
    let new_problems: Vec<_> = ws
        .problems
        .iter()
        .filter(|p| changed.contains(&p.file) && !head.problems.contains(p))
        .collect();
    if let Some(p) = new_problems.first() {
        return Err(Error::File((*p).clone()));
    }
    let mut change = Change::new(message).based_on(base);
    let mut skipped = Vec::new();
    for path in &changed {
        if path.starts_with(paths::COMMENTS) || crate::store::check_path(path).is_err() {
            skipped.push(path.clone());
            continue;
        }
        let full = store.root().join(path);
        let content = match std::fs::read(&full) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(full)(e)),
        };
        change.writes.push((path.clone(), content));
    }
    if change.writes.is_empty() {
        return Err(Error::Invalid(tr!(
            "der er ingen ændringer i kapitler, anbefalinger eller oplaeg.toml at gemme",
            "there are no changes to chapters, recommendations or oplaeg.toml to save"
        )));
    }
    let saved = change.writes.iter().map(|(p, _)| p.clone()).collect();
    store.commit_edits(&change, &session.identity(), session.now())?;
    Ok(Saved { saved, skipped })
}

/// A member line as people write it: `Mette Holm <mette.holm@sst.dk>`.
pub fn parse_person(text: &str) -> Option<(String, String)> {
    let (name, rest) = text.split_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    let name = name.trim();
    (!name.is_empty() && email.contains('@')).then(|| (name.to_string(), email.to_string()))
}

/// The first writer of a new workspace.
pub fn writer(name: &str, email: &str, organisation: &str) -> Member {
    Member {
        name: name.to_string(),
        email: email.to_string(),
        organisation: organisation.to_string(),
        role: Role::Writer,
    }
}

/// A [`Source`] that shows no comment files, for [`load_without_comments`].
struct WithoutComments<'a>(&'a dyn Source);

impl Source for WithoutComments<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.0.read(path)
    }

    fn files(&self, dir: &str) -> Result<Vec<FileData>> {
        if dir == paths::COMMENTS {
            return Ok(Vec::new());
        }
        self.0.files(dir)
    }
}

/// The workspace at `commit` without its comments: `oplaeg.toml`, the
/// chapters and the recommendations, which is what a first screen needs
/// (the terminal UI draws the draft from it while the rest is read on a
/// worker thread). The work that grows with the number of comments (reading
/// and parsing them, checking their references) is left out, so
/// `comments` is empty and `problems` holds only the other files' problems.
/// [`Store::load_commit`] reads the whole workspace.
pub fn load_without_comments(store: &Store, commit: Option<git2::Oid>) -> Result<Workspace> {
    // Through the store's cache, as a whole load reads the other files.
    store.load_commit_via(commit, &|source| Workspace::load(&WithoutComments(source)))
}
