//! The shared server's bare repository: created (or brought up to date)
//! with oplaeg's `pre-receive` hook and git settings that refuse rewriting
//! and deleting history before the hook even runs.

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryInitOptions};

use crate::error::{Error, Result};
use crate::tr;

/// The git settings a shared server gets, and why.
pub const SERVER_SETTINGS: [(&str, &str); 4] = [
    // `main` and the tags move forward only (no `git push --force`).
    ("receive.denyNonFastForwards", "true"),
    // Nothing is deleted (no `git push origin :main`).
    ("receive.denyDeletes", "true"),
    // Broken or malformed objects are refused on arrival.
    ("receive.fsckObjects", "true"),
    // The hook reads the pushed objects from git's quarantine.
    ("core.bare", "true"),
];

/// What [`init_server`] did.
#[derive(Clone, Debug)]
pub struct ServerSetup {
    /// The repository's folder (absolute).
    pub path: PathBuf,
    /// True when the repository was created; false when an existing bare
    /// repository got the hook and settings.
    pub created: bool,
    /// `hooks/pre-receive`.
    pub hook: PathBuf,
}

/// Creates a bare repository at `path` (branch `main`) – or takes the bare
/// repository already there – and installs `hook` as its `pre-receive`
/// hook and [`SERVER_SETTINGS`]. A folder that is neither empty nor a bare
/// repository is refused.
pub fn init_server(path: &Path, hook: &str) -> Result<ServerSetup> {
    let existing = match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => false,
    };
    let (repo, created) = if existing {
        match Repository::open_bare(path) {
            Ok(r) => (r, false),
            Err(_) => {
                return Err(Error::Invalid(tr!(
                    "{} findes og er hverken tom eller et bart git-repository; vælg en ny mappe",
                    "{} exists and is neither empty nor a bare git repository; choose a new folder",
                    path.display()
                )));
            }
        }
    } else {
        let mut opts = RepositoryInitOptions::new();
        opts.bare(true).initial_head("main").mkpath(true);
        let repo = Repository::init_opts(path, &opts).map_err(Error::git(tr!(
            "oprettelse af {}",
            "creating {}",
            path.display()
        )))?;
        (repo, true)
    };
    let mut config = repo.config().map_err(Error::git("git config"))?;
    for (key, value) in SERVER_SETTINGS {
        config
            .set_str(key, value)
            .map_err(Error::git(key.to_string()))?;
    }
    let dir = repo.path().to_path_buf();
    let hooks = dir.join("hooks");
    std::fs::create_dir_all(&hooks).map_err(Error::io(&hooks))?;
    let file = hooks.join("pre-receive");
    super::write_atomic(&file, hook.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))
            .map_err(Error::io(&file))?;
    }
    let path = std::fs::canonicalize(&dir).unwrap_or(dir);
    Ok(ServerSetup {
        path,
        created,
        hook: file,
    })
}
