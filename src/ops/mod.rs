//! The operations people perform, with their role checks: the single API the
//! command line and the terminal UI both call. Every operation validates
//! everything first and then writes exactly one commit (or one tag), so a
//! refused or failed operation leaves the workspace as it was.

mod anchors;
mod chapters;
mod comments;
mod meetings;
mod members;
pub mod mine;
pub mod ranking;
mod recommendations;
mod server;
mod suggestions;
mod sync;
pub mod verify;
mod workspace;

use std::path::Path;

use chrono::{DateTime, FixedOffset, Local, Timelike};

pub use crate::store::{Progress, SyncConflict, SyncReport, Tracking};
pub use chapters::{ChapterFacts, chapter_facts};
pub use comments::{NewTarget, anchor_in, may_change_comment, seeded_ids};
pub use recommendations::RecEdit;
pub use server::{hook_script, server_init};
pub use suggestions::{AcceptPlan, AcceptText, Accepted};
pub use sync::{Cloned, DEFAULT_REMOTE, clone, clone_folder, report_lines, unenforced_server};
pub use verify::verify;
pub use workspace::{Saved, init, load_without_comments, parse_person, save, writer};

use crate::error::{Error, Result};
use crate::model::{Choice, Member, Role, Workspace};
use crate::store::{Change, Identity, Store};
use crate::tr;

/// Finds the workspace: `repo` if given, else the one containing the
/// current directory.
pub fn open_store(repo: Option<&Path>) -> Result<Store> {
    match repo {
        Some(path) => Store::discover(path),
        None => {
            let cwd = std::env::current_dir().map_err(Error::io("."))?;
            Store::discover(&cwd)
        }
    }
}

/// What a role may or may not do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Write comments and replies.
    Comment,
    /// Change chapters and recommendations.
    EditContent,
    /// Answer comments with a disposition.
    Resolve,
    /// Add or change members.
    ManageMembers,
    /// Plan meetings and tag drafts as sent.
    ManageMeetings,
    /// Confirm where a comment's quote stands now, or attach it to other words.
    Reanchor,
}

impl Action {
    fn describe(self) -> String {
        match self {
            Action::Comment => tr!("kommentere", "comment"),
            Action::EditContent => tr!(
                "ændre kapitler og anbefalinger",
                "change chapters and recommendations"
            ),
            Action::Resolve => tr!("besvare kommentarer", "resolve comments"),
            Action::ManageMembers => tr!("ændre medlemmer", "change members"),
            Action::ManageMeetings => tr!("planlægge og tagge møder", "plan and tag meetings"),
            Action::Reanchor => tr!(
                "flytte kommentarers citater til ny tekst",
                "move comments' quotes to new words"
            ),
        }
    }

    /// Roles allowed to do it.
    pub fn allowed(self) -> &'static [Role] {
        match self {
            Action::Comment => &[Role::Writer, Role::Member],
            _ => &[Role::Writer],
        }
    }
}

/// Whether `member` may do `action`; the error says why not.
pub fn permit(member: &Member, action: Action) -> Result<()> {
    if action.allowed().contains(&member.role) {
        return Ok(());
    }
    let allowed = match action {
        Action::Comment => tr!("skribenter og medlemmer", "writers and members"),
        _ => tr!("skribenter", "writers"),
    };
    Err(Error::Forbidden {
        name: member.name.clone(),
        role: member.role.label().to_string(),
        action: action.describe(),
        allowed,
    })
}

/// A member acting on a workspace. Holds the store, who acts, and the clock.
pub struct Session {
    store: Store,
    actor: Member,
    clock: Option<DateTime<FixedOffset>>,
}

impl Session {
    /// Acts as `email` (from `--as` or `OPLAEG_AUTHOR`), else as git's
    /// `user.email`; the address must belong to a member in `oplaeg.toml`.
    pub fn new(store: Store, email: Option<&str>) -> Result<Session> {
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => e.to_string(),
            None => store.git_email().ok_or(Error::NoIdentity)?,
        };
        let actor = member_at_head(&store, &email)?;
        Ok(Session {
            store,
            actor,
            clock: None,
        })
    }

    /// Acts as another member from now on (the demo replays several people).
    pub fn set_actor(&mut self, email: &str) -> Result<()> {
        self.actor = member_at_head(&self.store, email)?;
        Ok(())
    }

    /// Fixes the time stamped on commits and comments (the demo and tests);
    /// `None` uses the real clock.
    pub fn set_time(&mut self, time: Option<DateTime<FixedOffset>>) {
        self.clock = time;
    }

    /// Who acts.
    pub fn actor(&self) -> &Member {
        &self.actor
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether the actor may do `action`.
    pub fn permit(&self, action: Action) -> Result<()> {
        permit(&self.actor, action)
    }

    fn now(&self) -> DateTime<FixedOffset> {
        self.clock.unwrap_or_else(|| {
            // Whole seconds: the files stay readable and git keeps no more.
            let now = Local::now().fixed_offset();
            now.with_nanosecond(0).unwrap_or(now)
        })
    }

    fn identity(&self) -> Identity {
        Identity {
            name: self.actor.name.clone(),
            email: self.actor.email.clone(),
        }
    }

    /// The committed workspace that changes are made against.
    fn head(&self) -> Result<Workspace> {
        Ok(self.head_at()?.0)
    }

    /// The committed workspace and the commit it was read from; edits pass
    /// the commit on as their base (see [`Change::based_on`]).
    fn head_at(&self) -> Result<(Workspace, Option<git2::Oid>)> {
        let oid = self.store.head()?;
        Ok((self.store.load_commit(oid)?, oid))
    }

    fn commit(&self, change: Change) -> Result<git2::Oid> {
        self.store.commit(&change, &self.identity(), self.now())
    }
}

/// The member with this address as `oplaeg.toml` at HEAD has them; while that file is broken
/// there, as the newest earlier version that can be read has them (so a
/// writer can still save the fix).
pub(crate) fn member_at_head(store: &Store, email: &str) -> Result<Member> {
    let config = match store.head_config() {
        Ok(c) => c,
        Err(Error::File(p)) => store.last_readable_config()?.ok_or(Error::File(p))?,
        Err(e) => return Err(e),
    };
    config
        .member(email)
        .cloned()
        .ok_or_else(|| Error::NotAMember(email.to_string()))
}

/// The member's organisation in parentheses, for commit messages.
fn org(member: &Member) -> String {
    format!("({})", member.organisation)
}

/// A commit message a writer gave: not empty.
fn non_empty_message(message: &str) -> Result<String> {
    non_empty(
        message,
        tr!(
            "beskeden er tom: skriv hvad du har ændret",
            "the message is empty: say what you changed"
        ),
    )
}

fn non_empty(text: &str, what: String) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(Error::Empty(what))
    } else {
        Ok(t.to_string())
    }
}
