//! Working together: sync with the shared server, and clone it as a new
//! member. The git work is in [`crate::store`]; this adds who acts.

use std::path::Path;

use super::Session;
use crate::error::{Error, Result};
use crate::i18n::count;
use crate::model::Member;
use crate::model::paths;
use crate::store::{CACHE_KEEP, Cache, Integration, Progress, Rev, Store, SyncReport};
use crate::tr;

/// The server sync uses when none is named.
pub const DEFAULT_REMOTE: &str = "origin";

impl Session {
    /// Fetches the server's work, combines it with this clone's (a merge
    /// commit authored by the acting member when both moved) and sends the
    /// result back. Stops before sending anything when two people changed
    /// the same thing ([`Error::SyncConflict`]). Any member may sync.
    pub fn sync(
        &self,
        remote: Option<&str>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncReport> {
        let remote = remote
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or(DEFAULT_REMOTE);
        // The server's own rules, checked here first: nothing that it would
        // refuse (or, without a hook, should refuse) leaves the clone.
        let outgoing = super::verify::check_outgoing(&self.store, remote)?;
        if !outgoing.ok() {
            return Err(outgoing_refused(&outgoing));
        }
        let report = self
            .store
            .sync(remote, &self.identity(), self.now(), progress)?;
        // A new meeting's draft may have come (HEAD is loaded by whatever
        // shows the result).
        prepare_cache(&self.store, false);
        Ok(report)
    }
}

/// Why sync sends nothing: the local commits that break the roles.
fn outgoing_refused(report: &super::verify::Report) -> Error {
    let mut lines = String::new();
    for v in &report.violations {
        lines.push_str(&format!(
            "\n  {}  {}  [{}] {}",
            &v.commit[..v.commit.len().min(7)],
            v.file.as_deref().unwrap_or("–"),
            v.rule.key(),
            v.message
        ));
    }
    let n = report.violations.len();
    Error::Invalid(tr!(
        "intet er sendt: {n} af dine lokale ændringer bryder rollerne, og serveren ville afvise dem:{lines}\nFjern eller ret de commits (fx `git rebase -i` eller, for at smide alle lokale ændringer væk, `git reset --hard` til serverens main) og gør ændringen igen med oplaeg; kør så `oplaeg sync`.",
        "nothing was sent: {n} of your local changes break the roles, and the server would refuse them:{lines}\nRemove or fix those commits (e.g. `git rebase -i` or, to drop every local change, `git reset --hard` to the server's main) and make the change again with oplaeg; then run `oplaeg sync`."
    ))
}

/// A warning for a server reached as a folder (a path or `file://`): git
/// runs no hooks there, so nothing on the server enforces the roles.
pub fn unenforced_server(url: &str) -> Option<String> {
    let url = url.trim();
    let local = url.starts_with("file://")
        || (!url.contains("://") && !url.split('/').next().unwrap_or("").contains(':'));
    local.then(|| {
        tr!(
            "⚠ Serveren {url} er en mappe (sti eller file://). Sådan en server kører ingen hook og kan ikke håndhæve rollerne: enhver med skriveadgang til mappen kan ændre alt. oplaeg har tjekket dine egne ændringer, men ikke de andres. Opret serveren med `oplaeg server init` og nå den over ssh:// (eller git://).",
            "⚠ The server {url} is a folder (a path or file://). Such a server runs no hook and cannot enforce the roles: anyone who can write to the folder can change anything. oplaeg checked your own changes, but not the others'. Create the server with `oplaeg server init` and reach it over ssh:// (or git://)."
        )
    })
}

/// A new clone and what the new member should do next.
pub struct Cloned {
    pub store: Store,
    /// The member the clone acts as, when `--as` named one (also written to
    /// the clone's `user.email`/`user.name`).
    pub member: Option<Member>,
    /// An address given that is not a member (the clone is made anyway).
    pub unknown: Option<String>,
    /// The members listed in the oplæg, to pick from.
    pub members: Vec<Member>,
}

/// Clones the oplæg at `url` into `path`. With `email`, checks that it is a
/// member and sets the clone's git identity to that member, so the next
/// commands need no `--as`. An unknown address leaves the clone in place
/// and says so.
pub fn clone(
    url: &str,
    path: &Path,
    email: Option<&str>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Cloned> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Error::Empty(tr!(
            "adressen er tom: angiv serverens adresse, fx ssh://server/kraeftplan.git",
            "the address is empty: give the server's address, e.g. ssh://server/kraeftplan.git"
        )));
    }
    let mut member = None;
    let mut unknown = None;
    let mut members = Vec::new();
    let store = Store::clone_from(url, path, progress, &mut |store| {
        let config = store.head_config()?;
        if let Some(e) = email.map(str::trim).filter(|e| !e.is_empty()) {
            match config.member(e) {
                Some(m) => {
                    store.set_identity(&m.name, &m.email)?;
                    member = Some(m.clone());
                }
                None => unknown = Some(e.to_string()),
            }
        }
        members = config.members;
        Ok(())
    })?;
    prepare_cache(&store, true);
    Ok(Cloned {
        store,
        member,
        unknown,
        members,
    })
}

/// How many of the last meetings' drafts [`prepare_cache`] keeps ready:
/// the cache keeps [`CACHE_KEEP`] drafts, and HEAD's is one of them.
const MEETINGS_READY: usize = CACHE_KEEP - 1;

/// Readies this clone's cache (`.git/oplaeg/cache`, see
/// [`crate::store::Cache`]) for what members do first after a clone or a
/// sync: comparing the last meetings' drafts and opening the oplæg.
///
/// - The chapters of each of the last meetings are cached if they are not:
///   a diff between two meetings then reads them from one file each, not
///   from git's packs.
/// - The first time the last meeting's chapters are cached, its comments
///   are placed on them (the placements are cached, see
///   [`crate::store::Placements`]): a diff to that meeting then finds the
///   comments it reports already placed.
/// - With `head`, the whole workspace at HEAD is loaded and its comments
///   placed, as the terminal UI and `comment list` need them.
///
/// Nothing here is needed: each part is skipped silently when it fails,
/// and the cache may be deleted at any time. Does nothing when the cache
/// is off (`OPLAEG_NO_CACHE=1`).
pub fn prepare_cache(store: &Store, head: bool) {
    let Some(cache) = Cache::of(store.repo()) else {
        return;
    };
    let tags = store.meeting_tags().unwrap_or_default();
    let start = tags.len().saturating_sub(MEETINGS_READY);
    // The commit whose comments were placed here (HEAD's, when HEAD is
    // the last meeting: not loaded and placed twice).
    let mut placed = None;
    for (k, tag) in tags.iter().enumerate().skip(start) {
        let Ok(commit) = git2::Oid::from_str(&tag.commit) else {
            continue;
        };
        let ready = store
            .folder_tree(commit, paths::DRAFTS)
            .is_none_or(|tree| cache.holds_drafts(tree));
        if ready {
            continue;
        }
        if k + 1 == tags.len() {
            if let Ok(ws) = store.load_commit(Some(commit)) {
                place_all(store, &ws);
                placed = Some(commit);
            }
        } else {
            let _ = super::load_without_comments(store, Some(commit));
        }
    }
    crate::store::pause_point("cache-meetings");
    if head
        && (placed.is_none() || store.head().ok().flatten() != placed)
        && let Ok(ws) = store.load(&Rev::head())
    {
        place_all(store, &ws);
    }
}

/// Places every comment of `ws` on its chapters, remembering the
/// placements in the cache (as a diff places them: chapter by chapter, on
/// a few threads).
fn place_all(store: &Store, ws: &crate::model::Workspace) {
    let comments: Vec<&crate::model::Comment> = ws.comments.iter().collect();
    let _ = crate::diff::comments::place_all(store, ws, None, &comments);
}

/// The default folder for a clone of `url`: its last part without `.git`.
pub fn clone_folder(url: &str) -> String {
    let trimmed = url.trim().trim_end_matches('/');
    let last = trimmed.rsplit(['/', ':', '\\']).next().unwrap_or(trimmed);
    let name = last.strip_suffix(".git").unwrap_or(last);
    if name.is_empty() {
        "oplaeg".to_string()
    } else {
        name.to_string()
    }
}

/// A sync report as lines for a person (the command line and the terminal
/// UI both show these). Not escaped for the terminal: the caller does that.
pub fn report_lines(r: &SyncReport) -> Vec<String> {
    let changes = |n: usize| count(n, &tr!("ændring", "change"), &tr!("ændringer", "changes"));
    let mut out = vec![tr!(
        "Synkroniseret med {} ({}).",
        "Synced with {} ({}).",
        r.remote,
        r.url
    )];
    let how = match r.integration {
        Integration::NewOnServer => tr!(
            "grenen {} er oprettet på serveren",
            "the branch {} was created on the server",
            r.branch
        ),
        Integration::UpToDate => tr!("intet nyt fra serveren", "nothing new from the server"),
        Integration::FastForward => tr!(
            "serverens ændringer er hentet",
            "the server's changes were taken"
        ),
        Integration::Merged => tr!(
            "flettet med dine ændringer i en sammenfletning ({})",
            "merged with your changes in a merge commit ({})",
            r.merge_commit
                .as_deref()
                .map_or("", |c| &c[..c.len().min(7)])
        ),
    };
    out.push(format!(
        "  {} {} · {} {} · {how}",
        tr!("Hentet:", "Received:"),
        changes(r.received),
        tr!("sendt:", "sent:"),
        changes(r.sent)
    ));
    if !r.tags_received.is_empty() {
        out.push(tr!(
            "  Mødetags hentet: {}",
            "  Meeting tags received: {}",
            r.tags_received.join(", ")
        ));
    }
    if !r.tags_sent.is_empty() {
        out.push(tr!(
            "  Mødetags sendt: {}",
            "  Meeting tags sent: {}",
            r.tags_sent.join(", ")
        ));
    }
    for c in &r.tag_conflicts {
        let (here, there) = (
            &c.local[..c.local.len().min(7)],
            &c.remote[..c.remote.len().min(7)],
        );
        out.push(tr!(
            "  ⚠ Mødetagget {} markerer noget andet her ({here}) end på serveren ({there}). Intet er ændret; aftal med skribenterne, hvilket udkast der blev sendt, og slet det forkerte tag med `git tag -d {}`.",
            "  ⚠ The meeting tag {} marks something else here ({here}) than on the server ({there}). Nothing was changed; agree with the writers which draft was sent, and delete the wrong tag with `git tag -d {}`.",
            c.name,
            c.name
        ));
    }
    if let Some(w) = unenforced_server(&r.url) {
        out.push(format!("  {w}"));
    }
    if r.attempts > 1 {
        out.push(tr!(
            "  (serveren blev ændret undervejs; {} forsøg)",
            "  (the server changed meanwhile; {} attempts)",
            r.attempts
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_folders_come_from_the_address() {
        assert_eq!(
            clone_folder("ssh://git@host/sst/kraeftplan.git"),
            "kraeftplan"
        );
        assert_eq!(clone_folder("/srv/git/kraeftplan.git/"), "kraeftplan");
        assert_eq!(clone_folder("git@host:kraeftplan"), "kraeftplan");
        assert_eq!(clone_folder(""), "oplaeg");
    }

    #[test]
    fn folder_servers_are_named_as_unenforced() {
        for local in [
            "/srv/git/k.git",
            "file:///srv/git/k.git",
            "../k.git",
            "k.git",
        ] {
            assert!(unenforced_server(local).is_some(), "{local}");
        }
        for real in [
            "ssh://server/srv/k.git",
            "git://server/k.git",
            "git@server:k.git",
            "https://host/k.git",
        ] {
            assert!(unenforced_server(real).is_none(), "{real}");
        }
    }
}
