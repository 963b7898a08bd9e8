//! Working together through a shared repository: fetch the server's work,
//! combine it with the local work, send the result back; clone; and how far
//! a clone is ahead of or behind its server.
//!
//! The rules that keep everyone's work safe:
//! - Combining happens in memory first. Only a clean result touches the
//!   branch and the files; when two people changed the same thing, nothing
//!   local changes and nothing is sent (see [`SyncConflict`]). A merge
//!   commit is sent first and becomes the local branch only once the server
//!   has taken it, so a refused round leaves nothing behind.
//! - Only fast-forward pushes: the server's branch is never rewound, so no
//!   commit on it is ever lost. When the server moved meanwhile, the push is
//!   refused and sync fetches and combines again (a bounded number of times).
//! - Meeting tags are fetched and sent, but an existing tag is never moved:
//!   a tag that differs between here and the server is reported instead.
//! - The clone's write lock (`.git/oplaeg.lock`) is held throughout, so no
//!   oplaeg write in this clone runs in between.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use git2::build::{CheckoutBuilder, RepoBuilder};
use git2::{AutotagOption, FetchOptions, Oid, PushOptions, Tree};
use serde::Serialize;

use super::remote::{Link, Progress, display_url};
use super::{Identity, Store, TreeSource, check_signature};
use crate::error::{Error, Result};
use crate::model::{Workspace, paths};
use crate::tr;

/// How often sync fetches and combines again when the server keeps moving.
pub const MAX_ATTEMPTS: u32 = 10;

/// Where the server's meeting tags are fetched to before they are compared
/// with the local ones (removed again right after).
const INCOMING: &str = "refs/oplaeg/incoming";

/// Where a merge commit waits while it is sent (removed again right after).
const OUTGOING: &str = "refs/oplaeg/outgoing";

/// What combining found to do (a merge is sent before it is applied).
enum Plan {
    NewOnServer,
    UpToDate,
    /// Done already: the branch moved forward to the server's.
    FastForward,
    /// This merge commit joins both; not applied yet.
    Merge(Oid),
}

/// How the server's work was combined with the local work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Integration {
    /// The server did not have the branch yet: it was sent as it is.
    NewOnServer,
    /// Nothing new on the server.
    UpToDate,
    /// Only the server had new work: the local branch moved forward to it.
    FastForward,
    /// Both had new work: a merge commit joins them.
    Merged,
}

/// A meeting tag that points to different things here and on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagConflict {
    pub name: String,
    /// The commit the local tag marks.
    pub local: String,
    /// The commit the server's tag marks.
    pub remote: String,
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub remote: String,
    /// The server's address (any password hidden).
    pub url: String,
    /// The local branch (`main`).
    pub branch: String,
    /// The server's branch as seen locally (`origin/main`).
    pub upstream: String,
    pub integration: Integration,
    /// The merge commit, when one was made.
    pub merge_commit: Option<String>,
    /// Commits received from the server.
    pub received: usize,
    /// Commits sent to the server.
    pub sent: usize,
    /// The local branch's commit afterwards (the server has the same).
    pub head: String,
    pub tags_received: Vec<String>,
    pub tags_sent: Vec<String>,
    pub tag_conflicts: Vec<TagConflict>,
    /// How many rounds of fetch, combine and push it took.
    pub attempts: u32,
}

/// A file both sides changed in a way that cannot be combined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictFile {
    pub path: String,
    /// What was changed on both sides, in the user's language.
    pub reason: String,
}

/// Why a sync stopped before sending anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncConflict {
    pub remote: String,
    /// `origin/main`: what to merge by hand.
    pub upstream: String,
    /// The workspace folder, for the instructions.
    pub root: PathBuf,
    pub files: Vec<ConflictFile>,
    /// Local commits the server does not have (kept).
    pub local_commits: usize,
    /// Server commits not here yet.
    pub remote_commits: usize,
}

impl SyncConflict {
    /// The whole explanation, with the steps to resolve it by hand.
    pub fn describe(&self) -> String {
        let mut s = tr!(
            "Synkroniseringen er stoppet: du og en anden har ændret det samme, og det kan oplaeg ikke flette af sig selv. Intet er sendt til serveren, og dine egne ændringer ({} lokale) er bevaret uændret.\n",
            "Sync stopped: you and someone else changed the same thing, and oplaeg cannot combine that by itself. Nothing was sent to the server, and your own changes ({} local) are kept unchanged.\n",
            self.local_commits
        );
        s.push_str(&tr!(
            "\nÆndret begge steder:\n",
            "\nChanged on both sides:\n"
        ));
        // Paths and reasons come from the server's commits: one line each,
        // whatever they hold (the explanation's own line breaks stay).
        let one_line = |t: &str| crate::text::for_terminal(t, false).into_owned();
        for f in &self.files {
            s.push_str(&format!(
                "  {} – {}\n",
                one_line(&f.path),
                one_line(&f.reason)
            ));
        }
        let root = self.root.display();
        let up = &self.upstream;
        s.push_str(&tr!(
            "\nSådan løser du det (i mappen {root}):\n  1. git merge --no-commit {up}\n     (git skriver begge versioner ind i filerne mellem <<<<<<< og >>>>>>>)\n  2. Ret filerne ovenfor: behold den rigtige tekst og slet markeringslinjerne.\n     I priority.toml skal hver anbefaling stå præcis én gang i den ønskede rækkefølge.\n  3. git commit -a --no-edit\n  4. oplaeg sync   (eller S i brugerfladen)\nFortryd undervejs med: git merge --abort (så er alt som før).\n",
            "\nHow to resolve it (in the folder {root}):\n  1. git merge --no-commit {up}\n     (git writes both versions into the files between <<<<<<< and >>>>>>>)\n  2. Edit the files above: keep the right text and delete the marker lines.\n     In priority.toml each recommendation must appear exactly once, in the wanted order.\n  3. git commit -a --no-edit\n  4. oplaeg sync   (or S in the UI)\nUndo on the way with: git merge --abort (everything is as before).\n"
        ));
        s
    }
}

/// How far the local branch is from its server branch, as of the last sync
/// (no network is used).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tracking {
    pub remote: String,
    /// `origin/main`.
    pub upstream: String,
    /// Local commits the server has not received; `None` before the first sync.
    pub ahead: Option<usize>,
    /// Server commits not yet here; `None` before the first sync.
    pub behind: Option<usize>,
}

/// The branch and where it goes on the server.
struct Route {
    remote: String,
    url: String,
    /// Where a push goes: `remote.NAME.pushurl`, else [`Route::url`].
    push_url: String,
    /// `refs/heads/main`.
    local_ref: String,
    /// `main`.
    branch: String,
    /// `refs/heads/main` on the server.
    remote_ref: String,
    /// `refs/remotes/origin/main`.
    tracking_ref: String,
    /// `origin/main`.
    upstream: String,
}

impl Store {
    /// Fetches from `remote_name`, combines the server's work with the local
    /// work (a merge commit by `who` at `when` when both moved), and sends
    /// the result and any new meeting tags back. See the module docs for the
    /// rules; [`Error::SyncConflict`] when two people changed the same thing.
    pub fn sync(
        &self,
        remote_name: &str,
        who: &Identity,
        when: DateTime<FixedOffset>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncReport> {
        check_signature(&who.name, &who.email)?;
        self.refuse_bare()?;
        let _lock = self.lock()?;
        // What a sync or write that died left behind is cleared first.
        self.recover()?;
        self.refuse_unfinished_git_operation()?;
        self.check_index_unlocked()?;
        let route = self.route(remote_name)?;
        self.begin_sync_journal(&route.remote)?;
        let result = self.sync_rounds(&route, who, when, progress);
        self.end_sync_journal();
        if result.is_ok() {
            // Housekeeping, with the lock still held; a pack that cannot be
            // written leaves everything as it was (see `housekeeping`).
            let _ = self.pack_loose_objects(super::PACK_AT_OBJECTS, super::PACK_AT_BYTES);
            let _ = self.merge_packs(super::MERGE_AT_PACKS);
        }
        result
    }

    /// The rounds of fetch, combine and send (the lock and journal are held).
    fn sync_rounds(
        &self,
        route: &Route,
        who: &Identity,
        when: DateTime<FixedOffset>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncReport> {
        let remote_name = route.remote.as_str();
        let mut remote = self.repo.find_remote(remote_name).map_err(Error::git(tr!(
            "opslag af serveren {remote_name}",
            "looking up the server {remote_name}"
        )))?;
        let link = Link::new(progress, self.repo.workdir(), self.repo.config().ok());
        let start = self.head()?.ok_or_else(|| {
            Error::Invalid(tr!(
                "der er intet at synkronisere endnu (ingen commits)",
                "there is nothing to sync yet (no commits)"
            ))
        })?;
        let mut report = SyncReport {
            remote: route.remote.clone(),
            url: display_url(&route.url),
            branch: route.branch.clone(),
            upstream: route.upstream.clone(),
            integration: Integration::UpToDate,
            merge_commit: None,
            received: 0,
            sent: 0,
            head: start.to_string(),
            tags_received: Vec::new(),
            tags_sent: Vec::new(),
            tag_conflicts: Vec::new(),
            attempts: 0,
        };
        let outgoing = format!("{OUTGOING}/{}", route.remote);
        let mut fast_forwarded = false;
        // Rounds in a row that a folder server refused for a lock on its
        // branch while we held its oplaeg lock (so no oplaeg sync held it).
        let mut locked_rounds = 0;
        for attempt in 1..=MAX_ATTEMPTS {
            report.attempts = attempt;
            if attempt > 1 {
                link.report(&Progress::Retrying(attempt));
                backoff(attempt);
            }
            link.report(&Progress::Connecting(report.url.clone()));
            // libgit2 writes a local-path server's refs without checking
            // that they did not move since it looked, so oplaeg clients of
            // such a server take turns for a whole round (which also means
            // they never need a second one). Real servers check themselves.
            let server_turn = match local_repository(&route.push_url) {
                Some(dir) => Some(lock_file(&dir.join("oplaeg-sync.lock"))?),
                None => None,
            };
            let remote_tags = self.fetch(&mut remote, route, &link)?;
            super::journal::pause_point("sync-fetched");
            self.take_tags(&remote_tags, &mut report)?;
            let theirs = self.ref_target(&route.tracking_ref);
            let ours = self.head()?.unwrap_or(start);
            link.report(&Progress::Integrating);
            let plan = self.integrate(route, ours, theirs, who, when)?;
            // What the server should get: for a merge, the merge commit,
            // which becomes the local branch only once the server has it
            // (so a refused round leaves nothing behind here).
            let (integration, send) = match plan {
                Plan::NewOnServer => (Integration::NewOnServer, ours),
                Plan::UpToDate => (Integration::UpToDate, ours),
                Plan::FastForward => {
                    fast_forwarded = true;
                    (Integration::FastForward, self.head()?.unwrap_or(ours))
                }
                Plan::Merge(commit) => (Integration::Merged, commit),
            };
            report.integration = match integration {
                Integration::UpToDate if fast_forwarded => Integration::FastForward,
                i => i,
            };
            report.received = match theirs {
                Some(t) => self.count_missing(start, t)?,
                None => 0,
            };
            let to_send = match theirs {
                Some(t) => self.count_missing(t, send)?,
                None => self.count_all(send)?,
            };
            let mut refspecs = Vec::new();
            if theirs != Some(send) {
                let source = if report.integration == Integration::Merged {
                    self.repo
                        .reference(&outgoing, send, true, "oplaeg sync: sammenfletning")
                        .map_err(Error::git(outgoing.clone()))?;
                    outgoing.clone()
                } else {
                    route.local_ref.clone()
                };
                refspecs.push(format!("{source}:{}", route.remote_ref));
            }
            let new_tags = self.tags_to_send(&remote_tags, &report.tag_conflicts)?;
            for t in &new_tags {
                refspecs.push(format!("refs/tags/{t}:refs/tags/{t}"));
            }
            if !refspecs.is_empty() {
                // libgit2 keeps the transport a fetch connected with (a
                // local path's, say) and would push to another push URL
                // over it, and its local transport pushes to a remote's
                // fetch URL: a push elsewhere goes through a remote of its
                // own whose only address is the push URL (the tracking ref
                // is set below, not by libgit2).
                let mut elsewhere = match route.push_url != route.url {
                    true => Some(self.repo.remote_anonymous(&route.push_url).map_err(
                        Error::git(tr!(
                            "opslag af serveren {remote_name}",
                            "looking up the server {remote_name}"
                        )),
                    )?),
                    false => None,
                };
                let to = elsewhere.as_mut().unwrap_or(&mut remote);
                let pushed = self.push(to, route, &refspecs, &link);
                self.delete_refs(&outgoing)?;
                if !pushed? {
                    let lock_refusal = link
                        .rejected
                        .borrow()
                        .first()
                        .is_some_and(|(_, why)| why.contains("lock"));
                    locked_rounds = if server_turn.is_some() && lock_refusal {
                        locked_rounds + 1
                    } else {
                        0
                    };
                    // A plain git push holds a ref lock for moments; three
                    // rounds in a row means it is left over: say so now.
                    if locked_rounds == 3 {
                        break;
                    }
                    continue;
                }
                // The server has it: remember that, as a fetch would.
                self.repo
                    .reference(&route.tracking_ref, send, true, "oplaeg sync: sendt")
                    .map_err(Error::git(route.tracking_ref.clone()))?;
                super::journal::pause_point("sync-pushed");
            }
            if report.integration == Integration::Merged {
                // The server has the merge; if the files here cannot follow
                // right now, the next sync takes it as a fast-forward.
                self.move_branch(route, ours, send, "merge").map_err(|e| {
                    Error::Invalid(tr!(
                        "sammenfletningen er sendt til serveren, men filerne her kunne ikke opdateres ({e}); kør `oplaeg sync` igen",
                        "the merge was sent to the server, but the files here could not be updated ({e}); run `oplaeg sync` again"
                    ))
                })?;
                report.merge_commit = Some(send.to_string());
            }
            report.sent = to_send;
            report.tags_sent = new_tags;
            report.head = send.to_string();
            self.set_upstream(route)?;
            return Ok(report);
        }
        // Refused for a lock to the end: no other sync is winning the race,
        // something holds the server's branch (a git program still running
        // there, or one that died holding it). Say so, not "busy".
        let last = link.rejected.borrow().first().map(|(_, why)| why.clone());
        if let Some(why) = last.filter(|w| w.contains("lock")) {
            return Err(Error::Invalid(tr!(
                "serveren afviste at opdatere grenen, fordi den er låst: {why}. Kører intet git-program mod serveren lige nu, er låsen efterladt af et program, der stoppede midt i et skridt: slet låsefilen på serveren, og kør `oplaeg sync` igen. Intet er tabt",
                "the server refused to update the branch because it is locked: {why}. If no git program is working on the server right now, the lock was left by one that stopped in the middle of a step: delete the lock file on the server and run `oplaeg sync` again. Nothing is lost"
            )));
        }
        Err(Error::ServerBusy(MAX_ATTEMPTS))
    }

    /// The names of the configured servers (`origin`, …).
    pub fn remotes(&self) -> Result<Vec<String>> {
        let names = self.repo.remotes().map_err(Error::git("git remote"))?;
        Ok(names
            .iter()
            .filter_map(|n| n.ok().flatten())
            .map(str::to_string)
            .collect())
    }

    /// The address of a configured server.
    pub fn remote_url(&self, name: &str) -> Option<String> {
        let r = self.repo.find_remote(name).ok()?;
        r.url().ok().map(display_url)
    }

    /// Ahead/behind of the current branch against its server branch, as of
    /// the last fetch; `None` when there is no server.
    pub fn tracking(&self) -> Result<Option<Tracking>> {
        let Ok(local_ref) = self.branch_ref() else {
            return Ok(None);
        };
        let branch = local_ref.trim_start_matches("refs/heads/").to_string();
        let config = self.repo.config().map_err(Error::git("git config"))?;
        let remotes = self.remotes()?;
        let configured = config
            .get_string(&format!("branch.{branch}.remote"))
            .ok()
            .filter(|r| remotes.contains(r));
        let remote = match configured {
            Some(r) => r,
            None if remotes.iter().any(|r| r == "origin") => "origin".to_string(),
            None if remotes.len() == 1 => remotes[0].clone(),
            None => return Ok(None),
        };
        let route = self.route(&remote)?;
        let (ahead, behind) = match (self.head()?, self.ref_target(&route.tracking_ref)) {
            (Some(h), Some(t)) => {
                let (a, b) = self
                    .repo
                    .graph_ahead_behind(h, t)
                    .map_err(Error::git("ahead/behind"))?;
                (Some(a), Some(b))
            }
            _ => (None, None),
        };
        Ok(Some(Tracking {
            remote,
            upstream: route.upstream,
            ahead,
            behind,
        }))
    }

    /// Clones the oplæg at `url` into `path` (which must not exist or be
    /// empty). `ready` finishes the clone before it is put in place (say,
    /// sets the member's identity); an error from it undoes the clone.
    ///
    /// On failure nothing is left behind, and an interrupted clone (the
    /// process killed, the machine off) jams nothing: the clone is made in a
    /// hidden folder beside `path` (`.NAME.oplaeg-clone`) and moved to `path`
    /// in one rename once whole, so `path` is either absent or a whole
    /// clone; the next clone to `path` removes what an interrupted one left
    /// in the hidden folder.
    pub fn clone_from(
        url: &str,
        path: &Path,
        progress: &mut dyn FnMut(&Progress),
        ready: &mut dyn FnMut(&Store) -> Result<()>,
    ) -> Result<Store> {
        let existed = path.exists();
        if existed {
            let empty = std::fs::read_dir(path)
                .map_err(Error::io(path))?
                .next()
                .is_none();
            if !empty {
                return Err(Error::Exists(path.display().to_string()));
            }
        }
        let mut staging = staging_folder(path);
        if let Some(s) = &staging
            && std::fs::symlink_metadata(s).is_ok()
        {
            // Left by an interrupted clone to the same folder.
            remove_leftover(s)?;
        }
        if existed
            && let Some(s) = &staging
            && std::fs::create_dir(s).is_err()
        {
            // An empty folder made for the clone where nothing else may be
            // written beside it: the clone is made in it, as before.
            staging = None;
        }
        let target = staging.as_deref().unwrap_or(path);
        let shown = display_url(url);
        let link = Link::new(progress, None, git2::Config::open_default().ok());
        link.report(&Progress::Connecting(shown.clone()));
        let cloned = {
            let (callbacks, proxy) = link.connect(url);
            let mut fo = FetchOptions::new();
            fo.remote_callbacks(callbacks).proxy_options(proxy);
            RepoBuilder::new().fetch_options(fo).clone(url, target)
        };
        if cloned.is_ok() {
            link.succeeded();
        }
        let fail = |e: Error| {
            remove_clone(target, existed && staging.is_none());
            if existed && !path.exists() {
                // The empty folder made for the clone is left as it was.
                let _ = std::fs::create_dir(path);
            }
            Err(e)
        };
        let repo = match cloned {
            Ok(r) => r,
            Err(e) => return fail(link.explain(&shown, e)),
        };
        if repo.is_empty().unwrap_or(false) {
            return fail(Error::Invalid(tr!(
                "repositoriet på {shown} er tomt: skribenten skal først sende oplægget dertil med `oplaeg sync` fra sin arbejdsmappe",
                "the repository at {shown} is empty: the writer must first send the oplæg there with `oplaeg sync` from their workspace"
            )));
        }
        if repo.head().is_err()
            && let Err(e) = check_out_some_branch(&repo)
        {
            return fail(e);
        }
        if !target.join(paths::CONFIG).is_file() {
            return fail(Error::Invalid(tr!(
                "repositoriet på {shown} indeholder intet fagligt oplæg (ingen oplaeg.toml)",
                "the repository at {shown} holds no oplæg (no oplaeg.toml)"
            )));
        }
        drop(repo);
        let finished = Store::open(target).and_then(|store| ready(&store));
        if let Err(e) = finished {
            return fail(e);
        }
        if let Some(s) = &staging {
            super::journal::pause_point("clone-staged");
            let moved = match existed {
                true => std::fs::remove_dir(path).and_then(|()| std::fs::rename(s, path)),
                false => std::fs::rename(s, path),
            };
            if let Err(e) = moved {
                return fail(Error::io(path)(e));
            }
        }
        Store::open(path)
    }

    /// Sets this clone's git identity (`user.name`, `user.email` in
    /// `.git/config`), so commands and plain git act as that member.
    pub fn set_identity(&self, name: &str, email: &str) -> Result<()> {
        check_signature(name, email)?;
        let config = self.repo.config().map_err(Error::git("git config"))?;
        let mut local = config
            .open_level(git2::ConfigLevel::Local)
            .map_err(Error::git("git config"))?;
        local
            .set_str("user.name", name)
            .and_then(|()| local.set_str("user.email", email))
            .map_err(Error::git("git config"))?;
        Ok(())
    }

    // --- the steps ---------------------------------------------------------

    fn route(&self, remote: &str) -> Result<Route> {
        let r = match self.repo.find_remote(remote) {
            Ok(r) => r,
            Err(_) => {
                let known = self.remotes()?;
                let list = if known.is_empty() {
                    tr!("ingen", "none")
                } else {
                    known.join(", ")
                };
                return Err(Error::Invalid(tr!(
                    "der er ingen server ved navn «{remote}» (kendte: {list}). En skribent tilføjer den med `git remote add {remote} ADRESSE`",
                    "there is no server named «{remote}» (known: {list}). A writer adds it with `git remote add {remote} ADDRESS`"
                )));
            }
        };
        let url = r.url().map_err(Error::git("remote url"))?.to_string();
        let push_url = push_url(&r, &url);
        let local_ref = self.branch_ref()?;
        let branch = local_ref.trim_start_matches("refs/heads/").to_string();
        let config = self.repo.config().map_err(Error::git("git config"))?;
        let same_remote = config
            .get_string(&format!("branch.{branch}.remote"))
            .is_ok_and(|r| r == remote);
        let remote_ref = config
            .get_string(&format!("branch.{branch}.merge"))
            .ok()
            .filter(|m| same_remote && m.starts_with("refs/heads/"))
            .unwrap_or_else(|| local_ref.clone());
        let short = remote_ref.trim_start_matches("refs/heads/");
        Ok(Route {
            remote: remote.to_string(),
            url,
            push_url,
            tracking_ref: format!("refs/remotes/{remote}/{short}"),
            upstream: format!("{remote}/{short}"),
            local_ref,
            branch,
            remote_ref,
        })
    }

    /// Fetches every branch into `refs/remotes/NAME/` and the server's
    /// meeting tags into a private place; returns those tags (name → tag
    /// object) and removes the private refs again.
    fn fetch(
        &self,
        remote: &mut git2::Remote<'_>,
        route: &Route,
        link: &Link<'_>,
    ) -> Result<BTreeMap<String, Oid>> {
        let incoming = format!("{INCOMING}/{}/", route.remote);
        self.delete_refs(&incoming)?;
        let refspecs = [
            format!("+refs/heads/*:refs/remotes/{}/*", route.remote),
            format!("+refs/tags/meeting/*:{incoming}meeting/*"),
        ];
        {
            let (callbacks, proxy) = link.connect(&route.url);
            let mut fo = FetchOptions::new();
            fo.remote_callbacks(callbacks)
                .proxy_options(proxy)
                .download_tags(AutotagOption::None);
            remote
                .fetch(&refspecs, Some(&mut fo), Some("oplaeg sync: hentet"))
                .map_err(|e| link.explain(&display_url(&route.url), e))?;
            link.succeeded();
        }
        let mut tags = BTreeMap::new();
        let glob = format!("{incoming}*");
        let refs = self
            .repo
            .references_glob(&glob)
            .map_err(Error::git(glob.clone()))?;
        for r in refs.flatten() {
            if let (Ok(name), Some(target)) = (r.name(), r.target()) {
                let tag = name.trim_start_matches(&incoming).to_string();
                tags.insert(tag, target);
            }
        }
        self.delete_refs(&incoming)?;
        Ok(tags)
    }

    fn delete_refs(&self, prefix: &str) -> Result<()> {
        let glob = format!("{prefix}*");
        let refs = self
            .repo
            .references_glob(&glob)
            .map_err(Error::git(glob.clone()))?;
        for mut r in refs.flatten() {
            r.delete().map_err(Error::git(glob.clone()))?;
        }
        Ok(())
    }

    /// Creates the server's meeting tags that are missing here; a tag that
    /// exists here with another target is left alone and reported.
    fn take_tags(
        &self,
        remote_tags: &BTreeMap<String, Oid>,
        report: &mut SyncReport,
    ) -> Result<()> {
        for (name, &theirs) in remote_tags {
            let local_ref = format!("refs/tags/{name}");
            match self.ref_target(&local_ref) {
                Some(ours) if ours == theirs => {}
                Some(ours) => {
                    if !report.tag_conflicts.iter().any(|c| &c.name == name) {
                        report.tag_conflicts.push(TagConflict {
                            name: name.clone(),
                            local: self.peel_commit(ours),
                            remote: self.peel_commit(theirs),
                        });
                    }
                }
                None => {
                    self.repo
                        .reference(&local_ref, theirs, false, "oplaeg sync: mødetag hentet")
                        .map_err(Error::git(name.clone()))?;
                    report.tags_received.push(name.clone());
                }
            }
        }
        Ok(())
    }

    /// Local meeting tags the server does not have (and that do not differ
    /// from one it has).
    fn tags_to_send(
        &self,
        remote_tags: &BTreeMap<String, Oid>,
        conflicts: &[TagConflict],
    ) -> Result<Vec<String>> {
        let glob = "refs/tags/meeting/*";
        let refs = self.repo.references_glob(glob).map_err(Error::git(glob))?;
        let mut out = Vec::new();
        for r in refs.flatten() {
            if let Ok(name) = r.name() {
                let short = name.trim_start_matches("refs/tags/").to_string();
                if !remote_tags.contains_key(&short) && !conflicts.iter().any(|c| c.name == short) {
                    out.push(short);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn peel_commit(&self, oid: Oid) -> String {
        self.repo
            .find_object(oid, None)
            .and_then(|o| o.peel_to_commit())
            .map_or_else(|_| oid.to_string(), |c| c.id().to_string())
    }

    fn ref_target(&self, name: &str) -> Option<Oid> {
        self.repo
            .find_reference(name)
            .ok()
            .and_then(|r| r.resolve().ok())
            .and_then(|r| r.target())
    }

    /// Commits reachable from `to` but not from `from`.
    fn count_missing(&self, from: Oid, to: Oid) -> Result<usize> {
        let (ahead, _) = self
            .repo
            .graph_ahead_behind(to, from)
            .map_err(Error::git("ahead/behind"))?;
        Ok(ahead)
    }

    fn count_all(&self, head: Oid) -> Result<usize> {
        let mut walk = self.repo.revwalk().map_err(Error::git("revwalk"))?;
        walk.push(head).map_err(Error::git("revwalk"))?;
        Ok(walk.count())
    }

    /// Combines the server's branch (`theirs`) into the local one.
    fn integrate(
        &self,
        route: &Route,
        ours: Oid,
        theirs: Option<Oid>,
        who: &Identity,
        when: DateTime<FixedOffset>,
    ) -> Result<Plan> {
        let Some(theirs) = theirs else {
            return Ok(Plan::NewOnServer);
        };
        let descends = |a: Oid, b: Oid| {
            self.repo
                .graph_descendant_of(a, b)
                .map_err(Error::git("merge-base"))
        };
        if theirs == ours || descends(ours, theirs)? {
            return Ok(Plan::UpToDate);
        }
        let our_commit = self.repo.find_commit(ours).map_err(Error::git("HEAD"))?;
        let our_tree = our_commit.tree().map_err(Error::git("HEAD"))?;
        let their_commit = self
            .repo
            .find_commit(theirs)
            .map_err(Error::git(route.upstream.clone()))?;
        let their_tree = their_commit
            .tree()
            .map_err(Error::git(route.upstream.clone()))?;
        if descends(theirs, ours)? {
            self.move_branch(route, ours, theirs, "fast-forward")?;
            return Ok(Plan::FastForward);
        }
        let base = match self.repo.merge_base(ours, theirs) {
            Ok(b) => b,
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                return Err(Error::Invalid(tr!(
                    "{} har en helt anden historik end denne mappe – er det det samme oplæg? Intet er ændret",
                    "{} has an entirely different history from this folder – is it the same oplæg? Nothing was changed",
                    route.upstream
                )));
            }
            Err(e) => return Err(Error::git("merge-base")(e)),
        };
        let base_tree = self
            .repo
            .find_commit(base)
            .and_then(|c| c.tree())
            .map_err(Error::git("merge-base"))?;
        let mut index = self
            .repo
            .merge_trees(&base_tree, &our_tree, &their_tree, None)
            .map_err(Error::git(tr!("sammenfletning", "merging")))?;

        let ours_changed = self.changed_paths(&base_tree, &our_tree)?;
        let theirs_changed = self.changed_paths(&base_tree, &their_tree)?;
        let both: Vec<&String> = ours_changed.intersection(&theirs_changed).collect();
        let mut files: Vec<ConflictFile> = Vec::new();
        if index.has_conflicts() {
            for c in index.conflicts().map_err(Error::git("index"))?.flatten() {
                let entry = c.our.as_ref().or(c.their.as_ref()).or(c.ancestor.as_ref());
                if let Some(e) = entry {
                    let path = String::from_utf8_lossy(&e.path).into_owned();
                    if !files.iter().any(|f| f.path == path) {
                        files.push(ConflictFile {
                            reason: conflict_reason(&path),
                            path,
                        });
                    }
                }
            }
        }
        // The priority order is one decision: two different new orders are
        // a conflict even when git could combine the lines.
        if both.iter().any(|p| p.as_str() == paths::PRIORITY)
            && blob_at(&our_tree, paths::PRIORITY) != blob_at(&their_tree, paths::PRIORITY)
            && !files.iter().any(|f| f.path == paths::PRIORITY)
        {
            files.push(ConflictFile {
                path: paths::PRIORITY.to_string(),
                reason: conflict_reason(paths::PRIORITY),
            });
        }
        if files.is_empty() {
            let tree_id = index
                .write_tree_to(&self.repo)
                .map_err(Error::git(tr!("sammenfletning", "merging")))?;
            let merged = self.repo.find_tree(tree_id).map_err(Error::git("tree"))?;
            // A file changed on both sides that git combined line by line
            // must still load as it should (no broken TOML, no duplicates).
            if !both.is_empty() {
                files = self.broken_by_merge(&both, &our_tree, &their_tree, &merged)?;
            }
            if files.is_empty() {
                let message = merge_message(route, self.count_missing(ours, theirs)?);
                let sig = super::signature(who, when)?;
                // Refused here, before anything is sent, if hand edits
                // are in the way of the merged files.
                self.check_clean_for(&our_tree, &merged)?;
                let commit = self
                    .repo
                    .commit(
                        None,
                        &sig,
                        &sig,
                        &super::git_message(&message),
                        &merged,
                        &[&our_commit, &their_commit],
                    )
                    .map_err(Error::git("commit"))?;
                return Ok(Plan::Merge(commit));
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Err(Error::SyncConflict(Box::new(SyncConflict {
            remote: route.remote.clone(),
            upstream: route.upstream.clone(),
            root: self.root.clone(),
            files,
            local_commits: self.count_missing(theirs, ours)?,
            remote_commits: self.count_missing(ours, theirs)?,
        })))
    }

    /// Files changed on both sides whose merged version has a problem that
    /// neither side had.
    fn broken_by_merge(
        &self,
        both: &[&String],
        ours: &Tree<'_>,
        theirs: &Tree<'_>,
        merged: &Tree<'_>,
    ) -> Result<Vec<ConflictFile>> {
        let load = |tree: &Tree<'_>| {
            Workspace::load(&TreeSource {
                repo: &self.repo,
                tree: Some(tree.clone()),
            })
        };
        let merged_ws = match load(merged) {
            Ok(ws) => ws,
            Err(e) => {
                return Ok(vec![ConflictFile {
                    path: paths::CONFIG.to_string(),
                    reason: e.to_string(),
                }]);
            }
        };
        let ours_ws = load(ours)?;
        let theirs_ws = load(theirs)?;
        let mut out: Vec<ConflictFile> = Vec::new();
        for p in &merged_ws.problems {
            let new = !ours_ws.problems.contains(p) && !theirs_ws.problems.contains(p);
            if new && both.iter().any(|b| **b == p.file) && !out.iter().any(|f| f.path == p.file) {
                out.push(ConflictFile {
                    path: p.file.clone(),
                    reason: tr!(
                        "{} (efter sammenfletning: {})",
                        "{} (after merging: {})",
                        conflict_reason(&p.file),
                        p
                    ),
                });
            }
        }
        Ok(out)
    }

    fn changed_paths(&self, a: &Tree<'_>, b: &Tree<'_>) -> Result<HashSet<String>> {
        let diff = self
            .repo
            .diff_tree_to_tree(Some(a), Some(b), None)
            .map_err(Error::git("diff"))?;
        let mut out = HashSet::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                if let Some(p) = f.path().and_then(|p| p.to_str()) {
                    out.insert(p.replace('\\', "/"));
                }
            }
        }
        Ok(out)
    }

    /// Refuses, changing nothing, when a file that differs between `old`
    /// and `new` has edits that are not committed. A file that already
    /// holds what `new` has is not in the way (an earlier sync that was
    /// stopped may have written it): it came from the server, and nobody
    /// is ever asked to commit it as their own work.
    fn check_clean_for(&self, old: &Tree<'_>, new: &Tree<'_>) -> Result<HashSet<String>> {
        let touched = self.changed_paths(old, new)?;
        let dirty = self.dirty_paths()?;
        let mut blocked: Vec<&String> = touched
            .intersection(&dirty)
            .filter(|p| !self.disk_matches(new, p))
            .collect();
        if !blocked.is_empty() {
            blocked.sort();
            let list = blocked
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::Invalid(tr!(
                "serveren har ændringer i filer, du har rettet uden at gemme: {list}. Gem dem først (en skribent: `oplaeg save -m …`), eller fortryd dem med `git restore FIL`, og kør så `oplaeg sync` igen. Intet er ændret eller sendt",
                "the server has changes to files you edited without saving: {list}. Save them first (a writer: `oplaeg save -m …`), or undo them with `git restore FILE`, then run `oplaeg sync` again. Nothing was changed or sent"
            )));
        }
        Ok(touched)
    }

    /// Whether the file at `path` on disk is exactly `tree`'s version
    /// (both absent counts as equal).
    fn disk_matches(&self, tree: &Tree<'_>, path: &str) -> bool {
        let disk = std::fs::symlink_metadata(self.root.join(path))
            .ok()
            .filter(|m| m.is_file())
            .and_then(|_| std::fs::read(self.root.join(path)).ok());
        let want = match tree.get_path(Path::new(path)) {
            Ok(e) => match self.repo.find_blob(e.id()) {
                Ok(b) => Some(b.content().to_vec()),
                Err(_) => return false,
            },
            Err(_) => None,
        };
        disk == want
    }

    /// Moves the branch from `old` to `new` and the files on disk with it,
    /// as a journaled write (see [`super::journal`]): the files that differ
    /// are written one by one, atomically, then the index, then the branch.
    /// Killed at any step, the next command finishes or undoes it; failed,
    /// it is undone here. Refuses, changing nothing, when a file it would
    /// change has edits that are not committed.
    fn move_branch(&self, route: &Route, old: Oid, new: Oid, what: &str) -> Result<()> {
        let tree_of = |oid: Oid| {
            self.repo
                .find_commit(oid)
                .and_then(|c| c.tree())
                .map_err(Error::git(oid.to_string()))
        };
        let (old_tree, new_tree) = (tree_of(old)?, tree_of(new)?);
        let mut touched: Vec<String> = self
            .check_clean_for(&old_tree, &new_tree)?
            .into_iter()
            .collect();
        touched.sort();
        if let Some(bad) = touched
            .iter()
            .find(|p| !super::journal::is_safe_repo_path(p))
        {
            return Err(Error::InvalidName {
                what: "sti",
                value: bad.clone(),
            });
        }
        self.begin_journal(&super::journal::Journal {
            commit: new,
            head: Some(old),
            branch: route.local_ref.clone(),
            paths: touched.clone(),
        })?;
        super::journal::pause_point("sync-journal");
        let undo = |e: Error| -> Error {
            // The branch did not move: files and index go back to it.
            let _ = self.recover_write();
            e
        };
        self.write_tree_files(&new_tree, &touched).map_err(undo)?;
        super::journal::pause_point("sync-files");
        self.stage_paths(&new_tree, &touched).map_err(undo)?;
        super::journal::pause_point("sync-index");
        let log = format!("oplaeg sync: {what} {}", route.upstream);
        if let Err(e) = self
            .repo
            .reference_matching(&route.local_ref, new, true, old, &log)
        {
            return Err(undo(match e.code() {
                git2::ErrorCode::Modified | git2::ErrorCode::Exists => Error::Concurrent,
                _ => Error::git(tr!("flytning af grenen", "moving the branch"))(e),
            }));
        }
        super::journal::pause_point("sync-branch");
        self.end_journal();
        Ok(())
    }

    /// Writes `paths` as `tree` has them (deleting those it lacks), each
    /// atomically. What git stores as a symlink or a submodule is not
    /// written at all (never trusted; `status` reports it).
    fn write_tree_files(&self, tree: &Tree<'_>, paths: &[String]) -> Result<()> {
        for (n, rel) in paths.iter().enumerate() {
            let full = self.root.join(rel);
            match tree.get_path(Path::new(rel)) {
                Ok(entry) => {
                    let mode = entry.filemode();
                    let executable = mode == i32::from(git2::FileMode::BlobExecutable);
                    if !(executable || mode == i32::from(git2::FileMode::Blob)) {
                        // Not written; a regular file of the old version
                        // there would be stale.
                        if std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file()) {
                            std::fs::remove_file(&full).map_err(Error::io(&full))?;
                        }
                        continue;
                    }
                    let blob = self
                        .repo
                        .find_blob(entry.id())
                        .map_err(Error::git(rel.clone()))?;
                    super::write_atomic_unsynced(&full, blob.content(), executable)?;
                }
                Err(e) if e.code() == git2::ErrorCode::NotFound => {
                    match std::fs::remove_file(&full) {
                        Ok(()) => remove_empty_parents(&self.root, &full),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(Error::io(&full)(e)),
                    }
                }
                Err(e) => return Err(Error::git(rel.clone())(e)),
            }
            if n == 0 {
                super::journal::pause_point("sync-first-file");
            }
        }
        Ok(())
    }

    /// Brings the index entries of `paths` in line with `tree`, whose
    /// files were just written: each entry takes the blob id from the tree
    /// and the file's stat data from the disk (so git sees it unchanged
    /// without reading it again).
    fn stage_paths(&self, tree: &Tree<'_>, paths: &[String]) -> Result<()> {
        let mut index = self.repo.index().map_err(Error::git("index"))?;
        index.read(true).map_err(Error::git("index"))?;
        for rel in paths {
            let p = Path::new(rel);
            let full = self.root.join(rel);
            let meta = std::fs::symlink_metadata(&full)
                .ok()
                .filter(|m| m.is_file());
            let entry = tree.get_path(p).ok();
            let regular = |mode: i32| {
                mode == i32::from(git2::FileMode::Blob)
                    || mode == i32::from(git2::FileMode::BlobExecutable)
            };
            let r = match (entry, meta) {
                (Some(e), Some(meta)) if regular(e.filemode()) => {
                    index.add(&index_entry(rel, e.id(), e.filemode(), &meta))
                }
                // A symlink or submodule is not written (never trusted), but
                // the index keeps git's entry, so nothing looks staged.
                (Some(e), _) if !regular(e.filemode()) => {
                    index.add(&tree_index_entry(rel, e.id(), e.filemode()))
                }
                _ if index.get_path(p, 0).is_some() => index.remove_path(p),
                _ => Ok(()),
            };
            r.map_err(Error::git(format!("index {rel}")))?;
        }
        index.write().map_err(Error::git("index"))
    }

    /// Paths with uncommitted edits or untracked files.
    fn dirty_paths(&self) -> Result<HashSet<String>> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .map_err(Error::git("git status"))?;
        Ok(statuses
            .iter()
            .filter(|s| !s.status().is_ignored() && s.status() != git2::Status::CURRENT)
            .filter_map(|s| s.path().ok().map(str::to_string))
            .collect())
    }

    /// Sends `refspecs`; `false` when the server refused because it moved.
    fn push(
        &self,
        remote: &mut git2::Remote<'_>,
        route: &Route,
        refspecs: &[String],
        link: &Link<'_>,
    ) -> Result<bool> {
        link.rejected.borrow_mut().clear();
        link.server_text.borrow_mut().clear();
        let result = {
            // A push goes to the push URL when one is set (`remote.NAME.pushurl`).
            let (callbacks, proxy) = link.connect(&route.push_url);
            let mut po = PushOptions::new();
            po.remote_callbacks(callbacks).proxy_options(proxy);
            remote.push(refspecs, Some(&mut po))
        };
        if result.is_ok() {
            link.succeeded();
        }
        match result {
            Ok(()) => {}
            Err(e) if e.code() == git2::ErrorCode::NotFastForward => return Ok(false),
            Err(e) => return Err(link.explain(&display_url(&route.push_url), e)),
        }
        let rejected = link.rejected.borrow().clone();
        if rejected.is_empty() {
            return Ok(true);
        }
        let branch_refused = rejected.iter().any(|(r, _)| *r == route.remote_ref);
        if branch_refused {
            let why = &rejected[0].1;
            if why.contains("fetch first")
                || why.contains("non-fast-forward")
                || why.contains("stale")
                || why.contains("lock")
                || why.contains("failed to update")
            {
                return Ok(false);
            }
        }
        // The refused refs with the server's own reasons (its hook's lines).
        Err(link.refused(&rejected))
    }

    /// Records the server branch as the branch's upstream (so plain
    /// `git status` and `oplaeg status` show ahead/behind), if none is set.
    fn set_upstream(&self, route: &Route) -> Result<()> {
        let config = self.repo.config().map_err(Error::git("git config"))?;
        if config
            .get_string(&format!("branch.{}.remote", route.branch))
            .is_ok()
        {
            return Ok(());
        }
        if self.ref_target(&route.tracking_ref).is_none() {
            return Ok(());
        }
        let mut branch = self
            .repo
            .find_branch(&route.branch, git2::BranchType::Local)
            .map_err(Error::git(route.branch.clone()))?;
        branch
            .set_upstream(Some(&route.upstream))
            .map_err(Error::git("upstream"))
    }
}

/// After cloning a server whose HEAD names a branch it does not have (a
/// bare repository made with another default branch name): checks out
/// `main`, else `master`, else the only branch there is.
fn check_out_some_branch(repo: &git2::Repository) -> Result<()> {
    let mut names: Vec<String> = Vec::new();
    let refs = repo
        .references_glob("refs/remotes/origin/*")
        .map_err(Error::git("clone"))?;
    for r in refs.flatten() {
        if let Ok(n) = r.name()
            && let Some(short) = n.strip_prefix("refs/remotes/origin/")
            && short != "HEAD"
        {
            names.push(short.to_string());
        }
    }
    let pick = ["main", "master"]
        .iter()
        .find(|n| names.iter().any(|x| x == *n))
        .map(|n| n.to_string())
        .or_else(|| (names.len() == 1).then(|| names[0].clone()));
    let Some(name) = pick else {
        return Ok(());
    };
    let target = repo
        .find_reference(&format!("refs/remotes/origin/{name}"))
        .and_then(|r| r.peel_to_commit())
        .map_err(Error::git("clone"))?;
    let mut branch = repo
        .branch(&name, &target, false)
        .map_err(Error::git("clone"))?;
    branch
        .set_upstream(Some(&format!("origin/{name}")))
        .map_err(Error::git("clone"))?;
    repo.set_head(&format!("refs/heads/{name}"))
        .map_err(Error::git("clone"))?;
    let mut co = CheckoutBuilder::new();
    co.force();
    repo.checkout_head(Some(&mut co))
        .map_err(Error::git("clone"))
}

/// The blob at `path` in `tree`, if any.
fn blob_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// What a conflict in a file means, in the user's words.
fn conflict_reason(path: &str) -> String {
    if path == paths::PRIORITY {
        tr!(
            "prioriteringen af anbefalingerne er ændret begge steder",
            "the priority order of the recommendations was changed on both sides"
        )
    } else if path == paths::CONFIG {
        tr!(
            "medlemmer, møder eller indstillinger er ændret begge steder",
            "members, meetings or settings were changed on both sides"
        )
    } else if path.starts_with(&format!("{}/", paths::DRAFTS)) {
        tr!(
            "det samme sted i kapitlet er ændret begge steder",
            "the same place in the chapter was changed on both sides"
        )
    } else if path.starts_with(&format!("{}/", paths::RECOMMENDATIONS)) {
        tr!(
            "det samme felt i anbefalingen er ændret begge steder",
            "the same field of the recommendation was changed on both sides"
        )
    } else if path.starts_with(&format!("{}/", paths::COMMENTS)) {
        tr!(
            "den samme kommentar er ændret begge steder (fx besvaret to gange)",
            "the same comment was changed on both sides (e.g. resolved twice)"
        )
    } else {
        tr!("ændret begge steder", "changed on both sides")
    }
}

fn merge_message(route: &Route, received: usize) -> String {
    format!(
        "Sammenfletning med {}\n\n{received} ændring(er) hentet fra serveren {} og flettet med de lokale.",
        route.upstream, route.remote
    )
}

/// Where a push to `remote` goes: `remote.NAME.pushurl`, else its `url`.
pub(super) fn push_url(remote: &git2::Remote, url: &str) -> String {
    remote.pushurl_bytes().map_or_else(
        || url.to_string(),
        |p| String::from_utf8_lossy(p).into_owned(),
    )
}

/// The folder of a server given as a local path or `file://` address.
pub(super) fn local_repository(url: &str) -> Option<PathBuf> {
    let path = if let Some(p) = url.strip_prefix("file://") {
        PathBuf::from(p)
    } else if url.contains("://") {
        return None;
    } else {
        // `host:path` is ssh's short form; a local path has no colon before
        // its first slash.
        let before_slash = url.split('/').next().unwrap_or("");
        if before_slash.contains(':') && !cfg!(windows) {
            return None;
        }
        PathBuf::from(url)
    };
    let dot_git = path.join(".git");
    if dot_git.is_dir() {
        Some(dot_git)
    } else if path.is_dir() {
        Some(path)
    } else {
        None
    }
}

/// An index entry as git's tree has it, without stat data (git compares
/// the file itself).
fn tree_index_entry(path: &str, id: Oid, mode: i32) -> git2::IndexEntry {
    let zero = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: zero,
        mtime: zero,
        dev: 0,
        ino: 0,
        mode: u32::try_from(mode).unwrap_or(0o100644),
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// An index entry for a file just written with the content of blob `id`.
fn index_entry(path: &str, id: Oid, mode: i32, meta: &std::fs::Metadata) -> git2::IndexEntry {
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    let time = |secs: i64, nanos: i64| {
        git2::IndexTime::new(
            i32::try_from(secs).unwrap_or(0),
            u32::try_from(nanos).unwrap_or(0),
        )
    };
    #[cfg(unix)]
    let (ctime, mtime, dev, ino, uid, gid) = (
        time(meta.ctime(), meta.ctime_nsec()),
        time(meta.mtime(), meta.mtime_nsec()),
        u32::try_from(meta.dev()).unwrap_or(0),
        u32::try_from(meta.ino() & 0xffff_ffff).unwrap_or(0),
        meta.uid(),
        meta.gid(),
    );
    #[cfg(not(unix))]
    let (ctime, mtime, dev, ino, uid, gid) = (time(0, 0), time(0, 0), 0, 0, 0, 0);
    git2::IndexEntry {
        ctime,
        mtime,
        dev,
        ino,
        mode: u32::try_from(mode).unwrap_or(0o100644),
        uid,
        gid,
        file_size: u32::try_from(meta.len()).unwrap_or(u32::MAX),
        id,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// Removes the folders a deleted file leaves empty, up to the root.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            return;
        }
        dir = d.parent();
    }
}

pub(super) fn lock_file(path: &Path) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(Error::io(path))?;
    file.lock().map_err(Error::io(path))?;
    Ok(file)
}

/// A growing pause with a random part before another attempt, so clones
/// that collided do not collide again in step.
fn backoff(attempt: u32) {
    use std::hash::{BuildHasher, Hasher};
    let base = 50u64 << attempt.saturating_sub(2).min(5);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let ms = base / 2 + random % base.max(1);
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

/// The hidden folder beside `path` that a clone to `path` is made in
/// (`.NAME.oplaeg-clone`), or None when the clone is made in place: for a
/// path without a name of its own (`.`, `..`) and for the current folder,
/// which is not replaced under the person's shell.
fn staging_folder(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let (Ok(here), Ok(there)) = (std::env::current_dir(), path.canonicalize())
        && here == there
    {
        return None;
    }
    let parent = path.parent().unwrap_or(Path::new(""));
    Some(parent.join(format!(".{name}.oplaeg-clone")))
}

/// Removes what an interrupted clone left in its hidden folder: a folder
/// (its files), or whatever else has that name (a link is removed, not
/// followed).
fn remove_leftover(staging: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(staging).map_err(Error::io(staging))?;
    let removed = match meta.is_dir() {
        true => std::fs::remove_dir_all(staging),
        false => std::fs::remove_file(staging),
    };
    removed.map_err(Error::io(staging))
}

fn remove_clone(path: &Path, existed: bool) {
    let _ = std::fs::remove_dir_all(path);
    if existed {
        let _ = std::fs::create_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_servers_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().to_str().unwrap();
        assert_eq!(local_repository(p).as_deref(), Some(dir.path()));
        assert_eq!(
            local_repository(&format!("file://{p}")).as_deref(),
            Some(dir.path())
        );
        assert_eq!(local_repository("ssh://git@host/x.git"), None);
        assert_eq!(local_repository("git://127.0.0.1:9418/x.git"), None);
        assert_eq!(local_repository("git@host:x.git"), None);
    }

    #[test]
    fn reasons_name_what_was_changed() {
        assert!(conflict_reason("priority.toml").contains(&tr!("prioritering", "priority")));
        assert!(conflict_reason("drafts/02-x.md").contains(&tr!("kapitlet", "chapter")));
        assert!(conflict_reason("comments/01abc.toml").contains(&tr!("kommentar", "comment")));
    }
}
