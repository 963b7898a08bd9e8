//! Talking to another repository: credentials (bounded), progress, and the
//! callbacks git2 needs for fetch, push and clone. Works over local paths,
//! `file://`, `git://`, `ssh://` (libssh2, built from source with its
//! own OpenSSL, so no system package is needed) and `https://` (logins,
//! certificates and proxies in [`super::https`]).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git2::{CertificateCheckStatus, Cred, CredentialType, RemoteCallbacks};

use crate::tr;

/// How far a transfer has come, for a progress display (the command line
/// prints it on stderr, the terminal UI in its sync popup).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Connecting to the server at this address.
    Connecting(String),
    /// Receiving objects from the server.
    Receiving {
        objects: usize,
        total: usize,
        bytes: usize,
    },
    /// Working out the differences in what was received.
    Resolving { deltas: usize, total: usize },
    /// Combining the server's changes with the local ones.
    Integrating,
    /// Sending objects to the server.
    Sending {
        objects: usize,
        total: usize,
        bytes: usize,
    },
    /// The server changed while we were sending: fetching again (attempt n).
    Retrying(u32),
}

impl Progress {
    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            Progress::Connecting(url) => {
                tr!("Forbinder til {url} …", "Connecting to {url} …")
            }
            Progress::Receiving {
                objects,
                total,
                bytes,
            } => {
                let size = human_bytes(*bytes);
                tr!(
                    "Henter: {objects}/{total} objekter, {size}",
                    "Receiving: {objects}/{total} objects, {size}"
                )
            }
            Progress::Resolving { deltas, total } => tr!(
                "Behandler det hentede: {deltas}/{total}",
                "Resolving what was received: {deltas}/{total}"
            ),
            Progress::Integrating => tr!(
                "Fletter serverens ændringer med dine …",
                "Combining the server's changes with yours …"
            ),
            Progress::Sending {
                objects,
                total,
                bytes,
            } => {
                let size = human_bytes(*bytes);
                tr!(
                    "Sender: {objects}/{total} objekter, {size}",
                    "Sending: {objects}/{total} objects, {size}"
                )
            }
            Progress::Retrying(n) => tr!(
                "Serveren blev ændret imens; henter igen (forsøg {n}) …",
                "The server changed meanwhile; fetching again (attempt {n}) …"
            ),
        }
    }

    /// Done and total, when the step counts something.
    pub fn fraction(&self) -> Option<(usize, usize)> {
        match self {
            Progress::Receiving { objects, total, .. }
            | Progress::Sending { objects, total, .. } => Some((*objects, *total)),
            Progress::Resolving { deltas, total } => Some((*deltas, *total)),
            _ => None,
        }
    }
}

/// `1.2 MB`, `340 kB`, `12 B`.
pub fn human_bytes(bytes: usize) -> String {
    const K: f64 = 1000.0;
    let b = bytes as f64;
    if b >= K * K {
        format!("{:.1} MB", b / (K * K))
    } else if b >= K {
        format!("{:.0} kB", b / K)
    } else {
        format!("{bytes} B")
    }
}

/// The most times the credential callback answers before giving up. libgit2
/// asks again after every refused attempt; without a bound a wrong key would
/// be offered forever.
pub const MAX_CREDENTIAL_CALLS: u32 = 8;

/// One way of proving who we are to a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The user name for an `ssh://` address that has none (`git` then).
    Username(String),
    /// Whatever keys the running ssh-agent holds.
    Agent(String),
    /// A key file without a passphrase (`~/.ssh/id_ed25519`, …).
    KeyFile {
        user: String,
        private: PathBuf,
        public: Option<PathBuf>,
    },
    /// git's credential helper (for https with a password store).
    Helper,
    /// The system's default credentials (Kerberos/NTLM).
    Default,
}

impl Attempt {
    /// How the attempt is named in a message.
    pub fn label(&self) -> String {
        match self {
            Attempt::Username(u) => tr!("brugernavn {u}", "user name {u}"),
            Attempt::Agent(_) => "ssh-agent".to_string(),
            Attempt::KeyFile { private, .. } => private.display().to_string(),
            Attempt::Helper => tr!("git's credential helper", "git's credential helper"),
            Attempt::Default => tr!("standardlogin", "default login"),
        }
    }
}

/// Decides what to offer each time libgit2 asks for credentials: the
/// ssh-agent first, then each key file, each at most once, and never more
/// than [`MAX_CREDENTIAL_CALLS`] answers in all.
#[derive(Clone, Debug)]
pub struct Credentials {
    agent: bool,
    keys: Vec<PathBuf>,
    calls: u32,
    username_given: bool,
    agent_tried: bool,
    next_key: usize,
    helper_tried: bool,
    default_tried: bool,
    /// What was offered, in order (for the error message).
    pub tried: Vec<Attempt>,
    /// True once nothing was left to offer.
    pub exhausted: bool,
}

impl Credentials {
    /// With an agent (or not) and these private key files, in order.
    pub fn new(agent: bool, keys: Vec<PathBuf>) -> Credentials {
        Credentials {
            agent,
            keys,
            calls: 0,
            username_given: false,
            agent_tried: false,
            next_key: 0,
            helper_tried: false,
            default_tried: false,
            tried: Vec::new(),
            exhausted: false,
        }
    }

    /// The same sources, nothing tried yet.
    pub fn fresh(&self) -> Credentials {
        Credentials::new(self.agent, self.keys.clone())
    }

    /// From the environment: an agent if `SSH_AUTH_SOCK` is set, and the
    /// usual key files in `~/.ssh` that exist.
    pub fn from_env() -> Credentials {
        // On Windows the agent (OpenSSH's service, or Pageant) is found
        // without a variable.
        let agent =
            cfg!(windows) || std::env::var_os("SSH_AUTH_SOCK").is_some_and(|s| !s.is_empty());
        let keys = match crate::platform::home_dir() {
            Some(home) => default_keys(&home.join(".ssh")),
            None => Vec::new(),
        };
        Credentials::new(agent, keys)
    }

    /// The next thing to offer, or `None` when everything was tried or the
    /// bound is reached.
    pub fn next(&mut self, username: Option<&str>, allowed: CredentialType) -> Option<Attempt> {
        let attempt = self.choose(username, allowed);
        match &attempt {
            Some(a) => self.tried.push(a.clone()),
            None => self.exhausted = true,
        }
        attempt
    }

    fn choose(&mut self, username: Option<&str>, allowed: CredentialType) -> Option<Attempt> {
        self.calls += 1;
        if self.calls > MAX_CREDENTIAL_CALLS {
            return None;
        }
        let user = username.filter(|u| !u.is_empty()).unwrap_or("git");
        if allowed.contains(CredentialType::USERNAME) {
            if self.username_given {
                return None;
            }
            self.username_given = true;
            return Some(Attempt::Username(user.to_string()));
        }
        if allowed.contains(CredentialType::SSH_KEY) {
            if self.agent && !self.agent_tried {
                self.agent_tried = true;
                return Some(Attempt::Agent(user.to_string()));
            }
            if let Some(private) = self.keys.get(self.next_key).cloned() {
                self.next_key += 1;
                let public = private.with_extension("pub");
                return Some(Attempt::KeyFile {
                    user: user.to_string(),
                    public: public.is_file().then_some(public),
                    private,
                });
            }
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) && !self.helper_tried {
            self.helper_tried = true;
            return Some(Attempt::Helper);
        }
        if allowed.contains(CredentialType::DEFAULT) && !self.default_tried {
            self.default_tried = true;
            return Some(Attempt::Default);
        }
        None
    }

    /// What to tell a person when the server refused everything offered.
    pub fn refused_message(&self) -> String {
        let tried: Vec<String> = self
            .tried
            .iter()
            .filter(|a| !matches!(a, Attempt::Username(_)))
            .map(Attempt::label)
            .collect();
        if tried.is_empty() {
            tr!(
                "serveren bad om et login, men der er ingen ssh-nøgle at tilbyde: start ssh-agent med din nøgle (`ssh-add`), eller læg en nøgle i ~/.ssh/id_ed25519",
                "the server asked for a login, but there is no ssh key to offer: start ssh-agent with your key (`ssh-add`), or put a key in ~/.ssh/id_ed25519"
            )
        } else {
            let list = tried.join(", ");
            tr!(
                "serveren godtog ikke dit login (prøvede: {list}). Tjek at din offentlige nøgle er lagt på serveren; en nøgle med adgangskode skal lægges i ssh-agent (`ssh-add`)",
                "the server did not accept your login (tried: {list}). Check that your public key is on the server; a key with a passphrase must be added to ssh-agent (`ssh-add`)"
            )
        }
    }
}

/// The private key files in `dir` that ssh itself would try, in its order.
pub fn default_keys(dir: &Path) -> Vec<PathBuf> {
    ["id_ed25519", "id_ecdsa", "id_rsa"]
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .collect()
}

fn to_cred(attempt: &Attempt, url: &str) -> Result<Cred, git2::Error> {
    match attempt {
        Attempt::Username(u) => Cred::username(u),
        Attempt::Agent(u) => Cred::ssh_key_from_agent(u),
        Attempt::KeyFile {
            user,
            private,
            public,
        } => Cred::ssh_key(user, public.as_deref(), private, None),
        Attempt::Helper => {
            let config = git2::Config::open_default()?;
            Cred::credential_helper(&config, url, None)
        }
        Attempt::Default => Cred::default(),
    }
}

/// Progress reports at most this often (the last one always comes through).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// The state the callbacks of one transfer share: who reports progress,
/// the credentials tried, and refused references of a push.
pub struct Link<'a> {
    progress: RefCell<&'a mut dyn FnMut(&Progress)>,
    last: RefCell<Option<Instant>>,
    pub credentials: RefCell<Credentials>,
    /// `(reference, server's reason)` for every reference a push was refused.
    pub rejected: RefCell<Vec<(String, String)>>,
    /// What the server wrote for the person (git's `remote: …` lines: a
    /// hook's reasons), as received over the side band of any transport.
    pub server_text: RefCell<Vec<u8>>,
    /// Logins, certificates and proxy of an https server.
    pub https: RefCell<super::https::Auth>,
    /// The repository folder (none for a clone) and its git configuration
    /// (none when it could not be read), for [`Link::connect`].
    dir: Option<PathBuf>,
    config: Option<git2::Config>,
}

impl<'a> Link<'a> {
    /// The link of one transfer's connections: the repository folder (none
    /// for a clone) and its git configuration (`None` when it could not be
    /// read) give git's credential helpers, CA certificates and proxy for
    /// each connection (see [`Link::connect`]).
    pub fn new(
        progress: &'a mut dyn FnMut(&Progress),
        dir: Option<&Path>,
        config: Option<git2::Config>,
    ) -> Link<'a> {
        Link {
            progress: RefCell::new(progress),
            last: RefCell::new(None),
            credentials: RefCell::new(Credentials::from_env()),
            rejected: RefCell::new(Vec::new()),
            server_text: RefCell::new(Vec::new()),
            https: RefCell::new(super::https::Auth::default()),
            dir: dir.map(Path::to_path_buf),
            config,
        }
    }

    /// What one connection to `url` (a fetch, a push, a clone) is made
    /// with: its callbacks and proxy options, given only after the link
    /// was prepared for `url` – the CA certificates handed to libgit2
    /// ([`super::https::load_certificates`]), the proxy git would use – so
    /// no transfer can skip it, whatever address (a push URL, a rewritten
    /// one) it goes to and whether the configuration could be read.
    pub fn connect(&self, url: &str) -> (RemoteCallbacks<'_>, git2::ProxyOptions<'static>) {
        self.new_connection();
        self.https
            .borrow_mut()
            .prepare(url, self.dir.as_deref(), self.config.as_ref());
        (self.callbacks(), self.proxy_options())
    }

    /// The server's messages so far, as lines for a person: progress
    /// counters left out, control characters removed.
    pub fn server_lines(&self) -> Vec<String> {
        server_lines(&self.server_text.borrow())
    }

    /// The error for a push the server refused: each refused reference,
    /// then the server's own reasons (a hook's lines), then what to do.
    pub fn refused(&self, rejected: &[(String, String)]) -> crate::error::Error {
        let list = rejected
            .iter()
            .map(|(r, why)| format!("{r}: {why}"))
            .collect::<Vec<_>>()
            .join("; ");
        let lines = self.server_lines();
        if lines.is_empty() {
            return crate::error::Error::Invalid(tr!(
                "serveren afviste ændringerne ({list}). Dine ændringer er bevaret her; spørg den, der driver serveren, om du har skriveadgang",
                "the server refused the changes ({list}). Your changes are kept here; ask whoever runs the server whether you may write"
            ));
        }
        let reasons: String = lines.iter().map(|l| format!("\n  {l}")).collect();
        crate::error::Error::Invalid(tr!(
            "serveren afviste ændringerne ({list}). Serverens begrundelse:{reasons}\nIntet af det er gemt på serveren; dine ændringer er bevaret her.",
            "the server refused the changes ({list}). The server's reasons:{reasons}\nNothing of it was stored on the server; your changes are kept here."
        ))
    }

    /// The proxy options for a transfer (git's `http.proxy`, `HTTPS_PROXY`).
    fn proxy_options(&self) -> git2::ProxyOptions<'static> {
        self.https.borrow().proxy_options()
    }

    /// A transfer went through: an https login it used is kept by git's
    /// credential helper and reused by the next connection.
    pub fn succeeded(&self) {
        self.https.borrow_mut().succeeded();
    }

    /// Starts a new connection's credentials: every connection (a fetch, a
    /// push) may offer each key once again, within the same bound.
    fn new_connection(&self) {
        let creds = self.credentials.borrow().fresh();
        *self.credentials.borrow_mut() = creds;
        self.https.borrow_mut().new_connection();
    }

    /// Reports a step right away.
    pub fn report(&self, p: &Progress) {
        if let Ok(mut f) = self.progress.try_borrow_mut() {
            (*f)(p);
        }
        *self.last.borrow_mut() = Some(Instant::now());
    }

    /// Reports a counting step, at most every [`PROGRESS_EVERY`] unless done.
    fn throttled(&self, p: Progress) {
        let finished = p.fraction().is_some_and(|(d, t)| d >= t);
        let due = self
            .last
            .borrow()
            .is_none_or(|t| t.elapsed() >= PROGRESS_EVERY);
        if finished || due {
            self.report(&p);
        }
    }

    /// Callbacks for one fetch or push, sharing this link.
    fn callbacks(&self) -> RemoteCallbacks<'_> {
        let mut cb = RemoteCallbacks::new();
        cb.credentials(move |url, user, allowed| {
            if super::https::is_https(url) && allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
            {
                return self.https.borrow_mut().next(url, user).ok_or_else(|| {
                    git2::Error::new(
                        git2::ErrorCode::Auth,
                        git2::ErrorClass::Http,
                        tr!("intet login at give", "no login to give"),
                    )
                });
            }
            let attempt = self.credentials.borrow_mut().next(user, allowed);
            match attempt {
                Some(a) => to_cred(&a, url),
                None => Err(git2::Error::from_str(
                    &self.credentials.borrow().refused_message(),
                )),
            }
        });
        // Host keys: libgit2 checks ~/.ssh/known_hosts, and TLS certificates
        // against the trusted CAs; we do not overrule it. A TLS
        // certificate's dates are kept for the message when it is refused.
        cb.certificate_check(move |cert, _| {
            if let Some(x509) = cert.as_x509() {
                self.https.borrow_mut().saw_certificate(x509.data());
            }
            Ok(CertificateCheckStatus::CertificatePassthrough)
        });
        cb.transfer_progress(move |p| {
            if p.received_objects() < p.total_objects() || p.total_deltas() == 0 {
                self.throttled(Progress::Receiving {
                    objects: p.received_objects(),
                    total: p.total_objects(),
                    bytes: p.received_bytes(),
                });
            } else {
                self.throttled(Progress::Resolving {
                    deltas: p.indexed_deltas(),
                    total: p.total_deltas(),
                });
            }
            true
        });
        cb.push_transfer_progress(move |objects, total, bytes| {
            self.throttled(Progress::Sending {
                objects,
                total,
                bytes,
            });
        });
        cb.sideband_progress(move |data| {
            let mut text = self.server_text.borrow_mut();
            // A bound, in case a server talks without end.
            if text.len() < 64 * 1024 {
                text.extend_from_slice(data);
            }
            true
        });
        cb.push_update_reference(move |name, status| {
            if let Some(why) = status {
                self.rejected
                    .borrow_mut()
                    .push((name.to_string(), why.to_string()));
            }
            Ok(())
        });
        cb
    }

    /// A clearer error for a failed transfer: names what was tried when the
    /// login was refused, and how to trust an unknown ssh host.
    pub fn explain(&self, url: &str, e: git2::Error) -> crate::error::Error {
        let exhausted = self.credentials.borrow().exhausted;
        if let Some(err) = self.https.borrow_mut().explain(url, &e, exhausted) {
            return err;
        }
        let creds = self.credentials.borrow();
        if creds.exhausted || e.code() == git2::ErrorCode::Auth {
            return crate::error::Error::Invalid(tr!(
                "kunne ikke logge ind på {url}: {}",
                "could not log in to {url}: {}",
                creds.refused_message()
            ));
        }
        if e.code() == git2::ErrorCode::Certificate || e.class() == git2::ErrorClass::Ssh {
            let host = host_of(url);
            return crate::error::Error::Invalid(tr!(
                "ssh-forbindelsen til {url} mislykkedes: {}. Er det første gang, så kør `ssh {host}` én gang, tjek serverens fingeraftryk og svar yes, så den huskes i ~/.ssh/known_hosts",
                "the ssh connection to {url} failed: {}. If this is the first time, run `ssh {host}` once, check the server's fingerprint and answer yes, so it is remembered in ~/.ssh/known_hosts",
                e.message()
            ));
        }
        crate::error::Error::git(tr!("forbindelsen til {url}", "the connection to {url}"))(e)
    }
}

/// A server's side-band text as lines: a line rewritten with `\r` counts
/// as its last state; git's progress counters and empty lines are left out.
fn server_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let progress = [
        "Resolving deltas",
        "Counting objects",
        "Compressing objects",
        "Writing objects",
        "Total ",
        "Enumerating objects",
        "Unpacking objects",
    ];
    text.split('\n')
        .filter_map(|line| line.rsplit('\r').find(|s| !s.trim().is_empty()))
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .filter(|l| !l.trim().is_empty() && !progress.iter().any(|p| l.starts_with(p)))
        .collect()
}

/// How to reach the host of an `ssh://` or `user@host:path` address with
/// the ssh command (`-p 2222 git@host` when it names a port), for hints.
fn host_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => {
            let authority = rest.split('/').next().unwrap_or(rest);
            match authority.rsplit_once(':') {
                Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("-p {port} {host}")
                }
                _ => authority.to_string(),
            }
        }
        None => url.split(':').next().unwrap_or(url).to_string(),
    }
}

/// An address safe to show: any password in it replaced by `***`.
pub fn display_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((auth, host)) = rest.split_once('@')
        && let Some((user, _)) = auth.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("/k/{n}")))
            .collect()
    }

    #[test]
    fn agent_first_then_each_key_once_then_stop() {
        let mut c = Credentials::new(true, keys(&["id_ed25519", "id_rsa"]));
        assert_eq!(
            c.next(None, CredentialType::USERNAME),
            Some(Attempt::Username("git".into()))
        );
        assert_eq!(
            c.next(Some("git"), CredentialType::SSH_KEY),
            Some(Attempt::Agent("git".into()))
        );
        let k1 = c.next(Some("git"), CredentialType::SSH_KEY);
        assert!(
            matches!(&k1, Some(Attempt::KeyFile { private, user, .. }) if private.ends_with("id_ed25519") && user == "git"),
            "{k1:?}"
        );
        let k2 = c.next(Some("git"), CredentialType::SSH_KEY);
        assert!(
            matches!(&k2, Some(Attempt::KeyFile { private, .. }) if private.ends_with("id_rsa"))
        );
        assert_eq!(c.next(Some("git"), CredentialType::SSH_KEY), None);
        assert!(c.exhausted);
        assert!(c.refused_message().contains("/k/id_rsa"));
        assert!(c.refused_message().contains("ssh-agent"));
    }

    #[test]
    fn a_server_that_always_refuses_ends_within_the_bound() {
        // Plenty of keys: the bound, not the key list, must stop it.
        let many: Vec<String> = (0..50).map(|i| format!("k{i}")).collect();
        let names: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut c = Credentials::new(true, keys(&names));
        let mut answers = 0;
        for _ in 0..1000 {
            match c.next(
                Some("anna"),
                CredentialType::SSH_KEY | CredentialType::DEFAULT,
            ) {
                Some(_) => answers += 1,
                None => break,
            }
        }
        assert_eq!(answers, MAX_CREDENTIAL_CALLS as usize);
        assert!(c.exhausted);
        // Once exhausted it stays so.
        assert_eq!(c.next(Some("anna"), CredentialType::SSH_KEY), None);
    }

    #[test]
    fn the_user_name_is_given_once_and_without_keys_nothing_is_offered() {
        let mut c = Credentials::new(false, Vec::new());
        assert!(c.next(None, CredentialType::USERNAME).is_some());
        assert_eq!(c.next(None, CredentialType::USERNAME), None);
        let mut c = Credentials::new(false, Vec::new());
        assert_eq!(c.next(Some("u"), CredentialType::SSH_KEY), None);
        assert!(c.refused_message().contains("ssh-add"));
    }

    #[test]
    fn the_user_in_the_address_is_used() {
        let mut c = Credentials::new(true, Vec::new());
        assert_eq!(
            c.next(Some("jens"), CredentialType::SSH_KEY),
            Some(Attempt::Agent("jens".into()))
        );
    }

    #[test]
    fn key_files_are_found_in_ssh_order() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["id_rsa", "id_ed25519", "other"] {
            std::fs::write(dir.path().join(n), "x").unwrap();
        }
        let found = default_keys(dir.path());
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["id_ed25519", "id_rsa"]);
    }

    #[test]
    fn passwords_are_hidden_and_hosts_found() {
        assert_eq!(
            display_url("https://anna:hemmelig@git.example/x.git"),
            "https://anna:***@git.example/x.git"
        );
        assert_eq!(display_url("ssh://git@host/x"), "ssh://git@host/x");
        assert_eq!(
            host_of("ssh://git@server.example:2222/x.git"),
            "-p 2222 git@server.example"
        );
        assert_eq!(host_of("ssh://server.example/x.git"), "server.example");
        assert_eq!(host_of("git@server.example:x.git"), "git@server.example");
    }

    #[test]
    fn a_servers_reasons_are_kept_and_its_counters_dropped() {
        let text = b"Resolving deltas:  50% (1/2)\rResolving deltas: 100% (2/2)\noplaeg: serveren afviser\n  abc  drafts/x.md\n\x1b[31m[writers-only]\x1b[0m kun\n\n";
        assert_eq!(
            server_lines(text),
            [
                "oplaeg: serveren afviser",
                "  abc  drafts/x.md",
                "[31m[writers-only][0m kun"
            ]
        );
    }

    #[test]
    fn progress_reads_as_text() {
        let p = Progress::Receiving {
            objects: 5,
            total: 10,
            bytes: 2_500_000,
        };
        assert!(p.describe().contains("5/10"));
        assert!(p.describe().contains("2.5 MB"));
        assert_eq!(p.fraction(), Some((5, 10)));
        assert_eq!(human_bytes(999), "999 B");
    }
}
