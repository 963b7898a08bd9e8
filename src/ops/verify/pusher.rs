//! Who is pushing, where the server knows it. A git server that
//! authenticates people tells its hooks who they are in the environment;
//! the hook then requires that the new commits of a push are that member's.
//!
//! | host | variable | holds |
//! |---|---|---|
//! | any ssh server | `OPLAEG_PUSHER` | the member's e-mail, set per key in `authorized_keys` |
//! | Gitea / Forgejo | `GITEA_PUSHER_EMAIL` | the account's e-mail |
//! | GitLab | `GL_USERNAME` | the account name: mapped to an e-mail |
//! | http server (git-http-backend) | `REMOTE_USER` | an e-mail, or a name to map |
//!
//! A name is mapped in the server repository's git config:
//! `git config oplaeg-user.NAME.email jens@rm.dk`. A name without a mapping
//! refuses the push (it fails closed) with the command that adds one.

use crate::error::{Error, Result};
use crate::tr;

/// The variables read, in order.
pub const VARIABLES: [&str; 4] = [
    "OPLAEG_PUSHER",
    "GITEA_PUSHER_EMAIL",
    "GL_USERNAME",
    "REMOTE_USER",
];

/// The pusher's e-mail from the environment (`var` reads a variable),
/// mapping account names with `mapped` (reads `oplaeg-user.NAME.email`).
/// `None` when the server says nothing about who pushes.
pub fn pusher(
    var: impl Fn(&str) -> Option<String>,
    mapped: impl Fn(&str) -> Option<String>,
) -> Result<Option<String>> {
    for name in VARIABLES {
        let Some(value) = var(name).map(|v| v.trim().to_string()) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let is_email = name != "GL_USERNAME" && value.contains('@');
        if is_email {
            return Ok(Some(value));
        }
        if let Some(email) = mapped(&value) {
            return Ok(Some(email.trim().to_string()));
        }
        return Err(Error::Invalid(tr!(
            "serveren siger, at {value} skubber ({name}), men ikke hvilket medlem det er; den, der driver serveren, kører: git config oplaeg-user.{value}.email MEDLEMMETS@ADRESSE",
            "the server says {value} is pushing ({name}) but not which member that is; whoever runs the server runs: git config oplaeg-user.{value}.email MEMBER@ADDRESS"
        )));
    }
    Ok(None)
}

/// [`pusher`] from the process environment and the repository's config.
pub fn from_env(repo: &git2::Repository) -> Result<Option<String>> {
    let config = repo.config().ok();
    pusher(
        |name| std::env::var(name).ok(),
        |user| {
            config
                .as_ref()?
                .get_string(&format!("oplaeg-user.{user}.email"))
                .ok()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn each_host_names_the_pusher_its_own_way() {
        let none = |_: &str| None;
        assert_eq!(pusher(env(&[]), none).unwrap(), None);
        assert_eq!(
            pusher(env(&[("OPLAEG_PUSHER", "jens@rm.dk")]), none).unwrap(),
            Some("jens@rm.dk".into())
        );
        assert_eq!(
            pusher(env(&[("GITEA_PUSHER_EMAIL", "Jens@RM.dk")]), none).unwrap(),
            Some("Jens@RM.dk".into())
        );
        let map = |u: &str| (u == "jensn").then(|| "jens@rm.dk".to_string());
        assert_eq!(
            pusher(env(&[("GL_USERNAME", "jensn")]), map).unwrap(),
            Some("jens@rm.dk".into())
        );
        assert_eq!(
            pusher(env(&[("REMOTE_USER", "jensn")]), map).unwrap(),
            Some("jens@rm.dk".into())
        );
        assert_eq!(
            pusher(env(&[("REMOTE_USER", "jens@rm.dk")]), none).unwrap(),
            Some("jens@rm.dk".into())
        );
        // An account without a mapping fails closed, saying how to map it.
        let err = pusher(env(&[("GL_USERNAME", "ukendt")]), map)
            .unwrap_err()
            .to_string();
        assert!(err.contains("oplaeg-user.ukendt.email"), "{err}");
    }
}
