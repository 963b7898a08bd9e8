//! https the way git does it: git's credential helpers (`credential.helper`,
//! asked with `get`, told `store` after a login worked and `erase` after the
//! server refused it), a personal access token given once (from
//! [`TOKEN_VAR`] or typed at a prompt the command line installs) and then
//! kept by the helper, the CA certificates git would trust, git's proxy
//! settings, and errors that say what to do.
//!
//! The helpers are reached through `git credential fill|approve|reject`, so
//! every helper git knows works (`store`, `cache`, `libsecret`, the Git
//! Credential Manager). git's own terminal prompt is switched off for it: a
//! prompt is the caller's business ([`set_prompter`]), so it never fights a
//! terminal UI for the screen.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDateTime, Utc};
use git2::{Cred, ProxyOptions};

use crate::error::Error;
use crate::tr;

/// A personal access token for scripts: used once when the helper has
/// nothing (or something refused), and kept by the helper when it works.
pub const TOKEN_VAR: &str = "OPLAEG_TOKEN";
/// The user name that goes with [`TOKEN_VAR`] when the address names none.
pub const USER_VAR: &str = "OPLAEG_USER";
/// The user name sent with a token when nothing names one. GitLab, GitHub
/// and Azure DevOps accept any name with a token.
pub const DEFAULT_USER: &str = "oplaeg";
/// How many times a person is asked for a token in one transfer.
pub const MAX_PROMPTS: u32 = 2;
/// The most logins offered to one server in one transfer, from all sources.
pub const MAX_LOGINS: u32 = 5;

/// A user name and a password or token.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Login({}, ***)", self.username)
    }
}

/// What a prompt is asked for.
#[derive(Clone, Debug)]
pub struct Ask {
    /// The server's address (without any password).
    pub url: String,
    /// The user name the address names, if any.
    pub username: Option<String>,
    /// True when the server just refused a login (ask again, say so).
    pub refused: bool,
}

/// Asks a person for a login; `None` when they gave none.
pub type Prompter = Box<dyn FnMut(&Ask) -> Option<Login> + Send>;

static PROMPTER: Mutex<Option<Prompter>> = Mutex::new(None);

/// Installs (or removes) the prompt used when no helper and no
/// [`TOKEN_VAR`] gives a login that works. The command line installs one
/// when it runs in a terminal; the terminal UI does not.
pub fn set_prompter(prompter: Option<Prompter>) {
    if let Ok(mut p) = PROMPTER.lock() {
        *p = prompter;
    }
}

fn prompt(ask: &Ask) -> Option<Option<Login>> {
    let mut guard = PROMPTER.lock().ok()?;
    let p = guard.as_mut()?;
    Some(p(ask))
}

/// Where a login came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// git's credential helper (`git credential fill`).
    Helper,
    /// The [`TOKEN_VAR`] environment variable.
    Environment,
    /// Typed at the prompt.
    Prompt,
    /// Accepted earlier in this transfer (a push after a fetch).
    Accepted,
}

impl Source {
    fn label(self) -> String {
        match self {
            Source::Helper => tr!("git's credential helper", "git's credential helper"),
            Source::Environment => TOKEN_VAR.to_string(),
            Source::Prompt => tr!("det indtastede token", "the token typed in"),
            Source::Accepted => tr!("det godkendte login", "the accepted login"),
        }
    }
}

/// The login state of one transfer (a clone, or a sync's fetch and push).
#[derive(Debug, Default)]
pub struct Auth {
    /// The repository folder (so its own `credential.helper` counts).
    dir: Option<PathBuf>,
    /// The proxy in effect for the address, for error messages.
    proxy: Option<String>,
    /// True when git's own configuration names that proxy.
    proxy_from_git: bool,
    /// Where the login handed out last came from, and the fields for git.
    current: Option<(Source, Login, String)>,
    /// A login the server accepted in this transfer.
    accepted: Option<(Login, String)>,
    accepted_given: bool,
    helper_asked: bool,
    env_used: bool,
    prompts: u32,
    logins: u32,
    /// Sources of the logins the server refused, in order.
    pub refused: Vec<Source>,
    /// The server wanted a login and nothing could give one: no helper
    /// login, no [`TOKEN_VAR`] and no prompt (the terminal UI, a script).
    pub needs_token: bool,
    /// The person declined to type a token.
    pub declined: bool,
    /// The validity (from, until) of the certificate the server showed.
    certificate: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The address [`Auth::prepare`] last ran for.
    prepared_for: Option<String>,
}

impl Auth {
    /// Before a transfer to `url`: the repository folder (or none for a
    /// clone) and its git configuration as libgit2 read it (`None` when it
    /// could not be read), for the CA certificates and the proxy git would
    /// use. The certificates are loaded whatever the configuration: without
    /// them no https server's certificate is trusted.
    /// Nothing is done again for the address prepared last.
    pub fn prepare(&mut self, url: &str, dir: Option<&Path>, config: Option<&git2::Config>) {
        if self.prepared_for.as_deref() == Some(url) {
            return;
        }
        self.prepared_for = Some(url.to_string());
        self.dir = dir.map(Path::to_path_buf);
        self.proxy = None;
        self.proxy_from_git = false;
        if !is_https(url) {
            return;
        }
        load_certificates(dir);
        // git itself reads its configuration best (`http.<url>.proxy`,
        // includes, GIT_CONFIG_GLOBAL); libgit2's reading is the fallback.
        let from_git = git_output(dir, &["config", "--get-urlmatch", "http.proxy", url])
            .filter(|p| !p.is_empty());
        self.proxy_from_git = from_git.is_some();
        self.proxy = from_git.or_else(|| proxy_for(url, config, &|k| std::env::var(k).ok()));
    }

    /// The address [`Auth::prepare`] last prepared for (every connection
    /// of a transfer's link is prepared for its address).
    pub fn prepared_for(&self) -> Option<&str> {
        self.prepared_for.as_deref()
    }

    /// The next login to offer the https server at `url`, or `None` when
    /// there is none left (see [`Auth::needs_token`]). A call after a login
    /// was handed out means the server refused that login: the helper is
    /// told to erase it.
    pub fn next(&mut self, url: &str, username: Option<&str>) -> Option<Cred> {
        if let Some((source, login, _)) = self.current.take() {
            self.refused.push(source);
            self.reject(url, &login);
            if self
                .accepted
                .as_ref()
                .is_some_and(|(a, _)| a.password == login.password)
            {
                self.accepted = None;
            }
        }
        if self.logins >= MAX_LOGINS {
            return None;
        }
        let login = self.choose(url, username)?;
        self.logins += 1;
        let cred = Cred::userpass_plaintext(&login.0.username, &login.0.password).ok()?;
        self.current = Some((login.1, login.0, url.to_string()));
        Some(cred)
    }

    fn choose(&mut self, url: &str, username: Option<&str>) -> Option<(Login, Source)> {
        let username = username.filter(|u| !u.is_empty()).map(str::to_string);
        if !self.accepted_given
            && let Some((login, _)) = &self.accepted
        {
            self.accepted_given = true;
            return Some((login.clone(), Source::Accepted));
        }
        if !self.helper_asked {
            self.helper_asked = true;
            if let Some(login) = self.helper_fill(url, username.as_deref()) {
                return Some((login, Source::Helper));
            }
        }
        if !self.env_used {
            self.env_used = true;
            if let Some(token) = std::env::var(TOKEN_VAR).ok().filter(|t| !t.is_empty()) {
                let user = username
                    .clone()
                    .or_else(|| std::env::var(USER_VAR).ok().filter(|u| !u.is_empty()))
                    .unwrap_or_else(|| DEFAULT_USER.to_string());
                return Some((
                    Login {
                        username: user,
                        password: token,
                    },
                    Source::Environment,
                ));
            }
        }
        if self.prompts < MAX_PROMPTS && !self.declined {
            let ask = Ask {
                url: super::remote::display_url(url),
                username: username.clone(),
                refused: !self.refused.is_empty(),
            };
            match prompt(&ask) {
                None => self.needs_token = self.refused.is_empty(),
                Some(None) => self.declined = true,
                Some(Some(mut login)) => {
                    self.prompts += 1;
                    if login.username.is_empty() {
                        login.username = username.unwrap_or_else(|| DEFAULT_USER.to_string());
                    }
                    return Some((login, Source::Prompt));
                }
            }
        }
        None
    }

    /// The transfer went through: the login it used is kept by the helper
    /// (`git credential approve`) and offered first to the next connection.
    pub fn succeeded(&mut self) {
        self.accepted_given = false;
        if let Some((source, login, url)) = self.current.take() {
            if source != Source::Accepted {
                self.git_credential("approve", &url, &login);
            }
            self.accepted = Some((login, url));
        }
    }

    /// The transfer failed: a login refused last is erased from the helper.
    pub fn failed(&mut self, refused: bool) {
        if let Some((source, login, url)) = self.current.take() {
            if refused {
                self.refused.push(source);
                self.reject(&url, &login);
            } else {
                self.current = Some((source, login, url));
            }
        }
    }

    /// The server's certificate (DER), seen while connecting: its validity
    /// is kept for the message when it is refused.
    pub fn saw_certificate(&mut self, der: &[u8]) {
        self.certificate = validity(der);
    }

    /// Starts another connection of the same transfer.
    pub fn new_connection(&mut self) {
        self.accepted_given = false;
        self.current = None;
    }

    fn reject(&self, url: &str, login: &Login) {
        self.git_credential("reject", url, login);
    }

    /// `git credential fill` for `url`, without any terminal prompt.
    fn helper_fill(&self, url: &str, username: Option<&str>) -> Option<Login> {
        let mut input = format!("url={}\n", strip_password(url));
        if let Some(u) = username {
            input.push_str(&format!("username={u}\n"));
        }
        let out = self.run_git("fill", &input)?;
        let mut login = Login {
            username: String::new(),
            password: String::new(),
        };
        for line in out.lines() {
            if let Some(v) = line.strip_prefix("username=") {
                login.username = v.to_string();
            } else if let Some(v) = line.strip_prefix("password=") {
                login.password = v.to_string();
            }
        }
        (!login.password.is_empty()).then_some(login)
    }

    fn git_credential(&self, action: &str, url: &str, login: &Login) {
        if login.password.contains('\n') || login.username.contains('\n') {
            return;
        }
        let input = format!(
            "url={}\nusername={}\npassword={}\n",
            strip_password(url),
            login.username,
            login.password
        );
        let _ = self.run_git(action, &input);
    }

    /// Runs `git credential ACTION` with `input`; its output when it
    /// succeeded. No terminal prompt, no window of git's own.
    fn run_git(&self, action: &str, input: &str) -> Option<String> {
        let mut cmd = Command::new("git");
        cmd.args(["credential", action])
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(dir) = self.dir.as_ref().filter(|d| d.is_dir()) {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().ok()?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes());
            let _ = stdin.write_all(b"\n");
        }
        let out = child.wait_with_output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// A clear error for a failed https transfer, or `None` when nothing
    /// https-specific explains it.
    pub fn explain(&mut self, url: &str, e: &git2::Error, exhausted: bool) -> Option<Error> {
        if !is_https(url) {
            return None;
        }
        let shown = super::remote::display_url(url);
        let host = host_of(url);
        let auth = exhausted || e.code() == git2::ErrorCode::Auth;
        if auth {
            self.failed(true);
        }
        if auth && self.refused.is_empty() && (self.needs_token || self.declined) {
            return Some(Error::Invalid(tr!(
                "{shown} kræver et login, og der er intet at give: kør `oplaeg sync` (eller `oplaeg clone`) på kommandolinjen én gang og indtast dit personlige adgangstoken, sæt {TOKEN_VAR}, eller sæt git's credential helper op (`git config --global credential.helper store`, eller den, din organisation bruger)",
                "{shown} needs a login and there is none to give: run `oplaeg sync` (or `oplaeg clone`) on the command line once and type your personal access token, set {TOKEN_VAR}, or set up git's credential helper (`git config --global credential.helper store`, or the one your organisation uses)"
            )));
        }
        if auth {
            let tried: Vec<String> = self.refused.iter().map(|s| s.label()).collect();
            let tried = if tried.is_empty() {
                tr!("intet", "nothing")
            } else {
                tried.join(", ")
            };
            return Some(Error::Invalid(tr!(
                "{host} godtog ikke brugernavn og token (prøvede: {tried}). Tjek at dit personlige adgangstoken er rigtigt, ikke udløbet og giver adgang til at læse og skrive repositoriet; et afvist token er slettet fra git's credential helper: kør `oplaeg sync` på kommandolinjen og giv et nyt (eller sæt {TOKEN_VAR})",
                "{host} did not accept the user name and token (tried: {tried}). Check that your personal access token is right, not expired and allowed to read and write the repository; a refused token was erased from git's credential helper: run `oplaeg sync` on the command line and give a new one (or set {TOKEN_VAR})"
            )));
        }
        if e.code() == git2::ErrorCode::Certificate || e.class() == git2::ErrorClass::Ssl {
            let now = Utc::now();
            match self.certificate {
                Some((_, until)) if until < now => {
                    let date = until.format("%Y-%m-%d %H:%M UTC");
                    return Some(Error::Invalid(tr!(
                        "serverens certifikat for {host} udløb {date}, så forbindelsen er ikke sikker. Den, der driver serveren, skal forny certifikatet; indtil da kan du ikke synkronisere med den",
                        "the server's certificate for {host} expired on {date}, so the connection is not safe. Whoever runs the server must renew the certificate; until then you cannot sync with it"
                    )));
                }
                Some((from, _)) if now < from => {
                    let date = from.format("%Y-%m-%d %H:%M UTC");
                    return Some(Error::Invalid(tr!(
                        "serverens certifikat for {host} gælder først fra {date}: går din maskines ur forkert?",
                        "the server's certificate for {host} is only valid from {date}: is this machine's clock wrong?"
                    )));
                }
                _ => {}
            }
            return Some(Error::Invalid(tr!(
                "serverens certifikat for {host} kunne ikke godkendes ({}): det er udløbet, lavet til et andet navn eller udstedt af en, din maskine ikke stoler på. Bruger din organisation sin egen rod-CA, så peg git på den: `git config --global http.sslCAInfo /sti/til/ca.pem` (eller SSL_CERT_FILE)",
                "the server's certificate for {host} could not be verified ({}): it has expired, was made for another name or was issued by someone this machine does not trust. If your organisation uses its own root CA, point git to it: `git config --global http.sslCAInfo /path/to/ca.pem` (or SSL_CERT_FILE)",
                e.message()
            )));
        }
        if let Some(proxy) = &self.proxy
            && (matches!(
                e.class(),
                git2::ErrorClass::Net | git2::ErrorClass::Http | git2::ErrorClass::Os
            ) || e.message().contains("proxy"))
        {
            let proxy = super::remote::display_url(proxy);
            return Some(Error::Invalid(tr!(
                "kunne ikke nå {shown} gennem proxyen {proxy} ({}). Proxyen kommer fra git's http.proxy eller fra HTTPS_PROXY; tjek adressen, og kræver proxyen login, så skriv det i adressen (http://bruger:kode@proxy:port)",
                "could not reach {shown} through the proxy {proxy} ({}). The proxy comes from git's http.proxy or from HTTPS_PROXY; check the address, and if the proxy needs a login, put it in the address (http://user:password@proxy:port)",
                e.message()
            )));
        }
        None
    }
}

impl Auth {
    /// Proxy options for a transfer: the proxy git's configuration names
    /// for the address, else libgit2's reading of git's rules
    /// (`remote.NAME.proxy`, `http.proxy`, then `HTTPS_PROXY`/`HTTP_PROXY`
    /// and `NO_PROXY`).
    pub fn proxy_options(&self) -> ProxyOptions<'static> {
        let mut p = ProxyOptions::new();
        match &self.proxy {
            Some(url) if self.proxy_from_git => p.url(url),
            _ => p.auto(),
        };
        p
    }
}

/// Whether `url` is an https address.
pub fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// `host[:port]` of an address.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_string()
}

/// The address without a password in it (a user name stays).
fn strip_password(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if let Some((auth, host)) = authority.rsplit_once('@') {
            let user = auth.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}@{host}{path}");
        }
    }
    url.to_string()
}

/// `http.<url>.NAME` for the longest matching address prefix, else
/// `http.NAME`, as git reads them.
fn http_setting(config: &git2::Config, url: &str, name: &str) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    if let Ok(mut entries) = config.entries(Some(&format!("http\\..*\\.{name}")))
        && let Some(lower) = Some(url.to_ascii_lowercase())
    {
        while let Some(Ok(entry)) = entries.next() {
            let (Ok(key), Ok(value)) = (entry.name(), entry.value()) else {
                continue;
            };
            let Some(prefix) = key
                .strip_prefix("http.")
                .and_then(|k| k.rsplit_once('.'))
                .map(|(p, _)| p.trim_end_matches('/').to_ascii_lowercase())
            else {
                continue;
            };
            if lower.starts_with(&prefix) && best.as_ref().is_none_or(|(l, _)| prefix.len() >= *l) {
                best = Some((prefix.len(), value.to_string()));
            }
        }
    }
    best.map(|(_, v)| v)
        .or_else(|| config.get_string(&format!("http.{name}")).ok())
        .filter(|v| !v.is_empty())
}

/// The proxy git would use for `url`, if any.
fn proxy_for(
    url: &str,
    config: Option<&git2::Config>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if let Some(p) = config.and_then(|c| http_setting(c, url, "proxy")) {
        return Some(p);
    }
    let host = host_of(url);
    let host = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    let no_proxy = env("no_proxy")
        .or_else(|| env("NO_PROXY"))
        .unwrap_or_default();
    let excluded = no_proxy.split(',').map(str::trim).any(|p| {
        p == "*" || (!p.is_empty() && (host == p.trim_start_matches('.') || host.ends_with(p)))
    });
    if excluded {
        return None;
    }
    env("https_proxy")
        .or_else(|| env("HTTPS_PROXY"))
        .filter(|p| !p.is_empty())
}

/// The CA certificates git is told to trust instead of the system's
/// (`GIT_SSL_CAINFO`/`GIT_SSL_CAPATH`, else `http.sslCAInfo`/`http.sslCAPath`
/// as `git config` in `dir` or the current folder reads them), as the OpenSSL
/// variables they stand in for (`SSL_CERT_FILE`, `SSL_CERT_DIR`).
///
/// [`load_certificates`] gives them to libgit2 before the first https
/// transfer; where they name nothing, `SSL_CERT_FILE` set by the user is
/// honoured as it is, and otherwise openssl-probe finds the system's bundle
/// (vendored OpenSSL would look in /usr/local/ssl).
pub fn ca_variables(dir: Option<&Path>) -> Vec<(&'static str, PathBuf)> {
    let mut vars = Vec::new();
    let wanted = [
        ("GIT_SSL_CAINFO", "http.sslcainfo", "SSL_CERT_FILE"),
        ("GIT_SSL_CAPATH", "http.sslcapath", "SSL_CERT_DIR"),
    ];
    for (env, key, var) in wanted {
        let value = std::env::var_os(env)
            .filter(|v| !v.is_empty())
            .and_then(|v| v.into_string().ok())
            .or_else(|| git_output(dir, &["config", "--type=path", "--get", key]))
            .map(PathBuf::from);
        if let Some(v) = value {
            vars.push((var, v));
        }
    }
    vars
}

/// Gives libgit2 the CA certificates to trust: a file of them, a folder
/// of them (see [`defer_certificates`]).
pub type CertificateLoader = fn(Option<&Path>, Option<&Path>);

/// The loader installed by [`defer_certificates`], taken by the first
/// [`load_certificates`].
static CERTIFICATE_LOADER: Mutex<Option<CertificateLoader>> = Mutex::new(None);

/// Says that libgit2 was started without the CA certificates git trusts
/// (the program does so: parsing OpenSSL's whole bundle when libgit2 starts
/// costs about 6 ms of CPU for every command, also for those that never go
/// online). [`load_certificates`] finds them before the first https
/// transfer and hands them to `loader`, once.
pub fn defer_certificates(loader: CertificateLoader) {
    if let Ok(mut l) = CERTIFICATE_LOADER.lock() {
        *l = Some(loader);
    }
}

/// Before an https transfer: when libgit2 was started without CA
/// certificates ([`defer_certificates`]), the ones git would trust are
/// handed to it, once. They are those of `GIT_SSL_CAINFO`/`GIT_SSL_CAPATH`
/// or git's `http.sslCAInfo`/`http.sslCAPath` (see [`ca_variables`], read
/// in `dir`), else `SSL_CERT_FILE`/`SSL_CERT_DIR`, else the system's, found
/// the way git2 finds them when it starts (openssl-probe). Otherwise
/// libgit2 read them itself when it started, and nothing happens here.
pub fn load_certificates(dir: Option<&Path>) {
    // Held until they are handed over: a transfer on another thread waits.
    let Ok(mut pending) = CERTIFICATE_LOADER.lock() else {
        return;
    };
    let Some(loader) = pending.take() else {
        return;
    };
    let (mut file, mut folder) = system_certificates();
    for (var, path) in ca_variables(dir) {
        match var {
            "SSL_CERT_FILE" => file = Some(path),
            _ => folder = Some(path),
        }
    }
    // A location that names nothing is left out, as OpenSSL does when
    // libgit2 starts: the transfer then fails on the server's certificate,
    // and the error says how to name the right ones.
    loader(
        file.as_deref().filter(|f| f.is_file()),
        folder.as_deref().filter(|f| f.is_dir()),
    );
}

/// The CA certificates OpenSSL programs trust here: `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` when they name something, else the system's (file,
/// folder).
#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios"))))]
fn system_certificates() -> (Option<PathBuf>, Option<PathBuf>) {
    let found = openssl_probe::probe();
    (found.cert_file, found.cert_dir)
}

/// Elsewhere libgit2 does not use OpenSSL's locations.
#[cfg(not(all(unix, not(any(target_os = "macos", target_os = "ios")))))]
fn system_certificates() -> (Option<PathBuf>, Option<PathBuf>) {
    (None, None)
}

/// The first line `git ARGS` prints (in `dir`), when git is installed and
/// succeeds (`git config` fails when the key is not set).
fn git_output(dir: Option<&Path>, args: &[&str]) -> Option<String> {
    let mut cmd = Command::new("git");
    cmd.args(args).stdin(Stdio::null()).stderr(Stdio::null());
    if let Some(dir) = dir.filter(|d| d.is_dir()) {
        cmd.current_dir(dir);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let line = text.lines().next().unwrap_or("").trim_end();
    (out.status.success() && !line.is_empty()).then(|| line.to_string())
}

/// The validity (not before, not after) of a DER-encoded X.509
/// certificate: `Certificate → tbsCertificate → validity`.
fn validity(der: &[u8]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (0x30, cert, _) = der_item(der)? else {
        return None;
    };
    let (0x30, tbs, _) = der_item(cert)? else {
        return None;
    };
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = der_item(rest)?.2; // version
    }
    for _ in 0..3 {
        rest = der_item(rest)?.2; // serial number, signature, issuer
    }
    let (0x30, validity, _) = der_item(rest)? else {
        return None;
    };
    let (t1, from, rest) = der_item(validity)?;
    let (t2, until, _) = der_item(rest)?;
    Some((der_time(t1, from)?, der_time(t2, until)?))
}

/// One DER item: its tag, its content and what follows it.
fn der_item(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*b.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, b.get(header..end)?, b.get(end..)?))
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn der_time(tag: u8, value: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(value).ok()?.strip_suffix('Z')?;
    let full = match tag {
        0x17 => {
            let yy: u32 = s.get(..2)?.parse().ok()?;
            format!("{}{s}", if yy >= 50 { "19" } else { "20" })
        }
        0x18 => s.to_string(),
        _ => return None,
    };
    NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_as_git_does() {
        assert!(is_https("HTTPS://x/y"));
        assert!(!is_https("ssh://x/y"));
        assert_eq!(
            host_of("https://anna:pw@git.example:8443/a.git"),
            "git.example:8443"
        );
        assert_eq!(
            strip_password("https://anna:pw@git.example/a.git"),
            "https://anna@git.example/a.git"
        );
        assert_eq!(
            strip_password("https://git.example/a"),
            "https://git.example/a"
        );
    }

    #[test]
    fn proxies_come_from_git_then_the_environment_except_no_proxy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let mut config = git2::Config::open(&path).unwrap();
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let url = "https://git.example/a.git";
        assert_eq!(proxy_for(url, Some(&config), &env(&[])), None);
        assert_eq!(
            proxy_for(
                url,
                Some(&config),
                &env(&[("HTTPS_PROXY", "http://p:3128")])
            )
            .as_deref(),
            Some("http://p:3128")
        );
        assert_eq!(
            proxy_for(
                url,
                Some(&config),
                &env(&[("HTTPS_PROXY", "http://p:3128"), ("NO_PROXY", ".example")])
            ),
            None
        );
        config
            .set_str("http.proxy", "http://git-proxy:8080")
            .unwrap();
        config
            .set_str("http.https://other.example.proxy", "http://x:1")
            .unwrap();
        let config = git2::Config::open(&path).unwrap();
        assert_eq!(
            proxy_for(
                url,
                Some(&config),
                &env(&[("HTTPS_PROXY", "http://p:3128")])
            )
            .as_deref(),
            Some("http://git-proxy:8080")
        );
        assert_eq!(
            proxy_for("https://other.example/r", Some(&config), &env(&[])).as_deref(),
            Some("http://x:1")
        );
    }

    #[test]
    fn a_token_is_needed_without_a_prompt_and_asked_for_a_bounded_number_of_times() {
        // Only this test installs a prompt (it is process-wide). Without
        // helper, token or prompt (the terminal UI) nothing is offered.
        let mut auth = Auth {
            helper_asked: true,
            env_used: true,
            ..Auth::default()
        };
        assert!(auth.next("https://h.invalid/r", None).is_none());
        assert!(auth.needs_token);
        let asked = std::sync::Arc::new(Mutex::new(Vec::new()));
        let seen = asked.clone();
        set_prompter(Some(Box::new(move |ask: &Ask| {
            if let Ok(mut v) = seen.lock() {
                v.push(ask.refused);
            }
            Some(Login {
                username: String::new(),
                password: "forkert".into(),
            })
        })));
        let mut auth = Auth {
            // No helper and no token from the environment in this test.
            helper_asked: true,
            env_used: true,
            ..Auth::default()
        };
        let url = "https://h.invalid/r.git";
        let mut given = 0;
        while auth.next(url, Some("anna")).is_some() {
            given += 1;
            assert!(given <= MAX_LOGINS, "unbounded");
        }
        set_prompter(None);
        assert_eq!(given, MAX_PROMPTS);
        assert_eq!(*asked.lock().unwrap(), [false, true]);
        assert_eq!(auth.refused, [Source::Prompt, Source::Prompt]);
        assert!(!auth.needs_token);
    }

    /// What the test's loader was handed: (file, folder) per call.
    static HANDED: Mutex<Vec<(Option<PathBuf>, Option<PathBuf>)>> = Mutex::new(Vec::new());

    fn record(file: Option<&Path>, folder: Option<&Path>) {
        HANDED
            .lock()
            .unwrap()
            .push((file.map(Path::to_path_buf), folder.map(Path::to_path_buf)));
    }

    /// Held by the tests that defer certificates (the loader is
    /// process-wide).
    static DEFERRING: Mutex<()> = Mutex::new(());

    #[test]
    fn deferred_certificates_are_handed_over_once_with_gits_setting_first() {
        let _turn = DEFERRING.lock().unwrap_or_else(|e| e.into_inner());
        if std::env::var_os("GIT_SSL_CAINFO").is_some_and(|v| !v.is_empty()) {
            eprintln!("skipped: GIT_SSL_CAINFO is set and overrules the repository's setting");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "not read here").unwrap();
        let status = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(["config", "http.sslCAInfo"])
            .arg(&ca)
            .status()
            .unwrap();
        assert!(status.success());
        let before = HANDED.lock().unwrap().len();
        // Nothing deferred: libgit2 read its certificates when it started.
        load_certificates(Some(dir.path()));
        assert_eq!(HANDED.lock().unwrap().len(), before);

        defer_certificates(record);
        load_certificates(Some(dir.path()));
        load_certificates(Some(dir.path()));
        let handed = HANDED.lock().unwrap().clone();
        assert_eq!(handed.len(), before + 1, "handed over once: {handed:?}");
        assert_eq!(handed[before].0.as_deref(), Some(ca.as_path()));
        // A folder is only handed over when it exists.
        assert!(handed[before].1.as_ref().is_none_or(|f| f.is_dir()));
    }

    #[test]
    fn every_connection_hands_over_the_certificates_even_without_a_configuration() {
        let _turn = DEFERRING.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let mut progress = |_: &super::super::remote::Progress| {};
        let https = "https://git.example/a.git";
        // git's configuration could not be read (None); a repository's
        // link, and a clone's without a repository.
        for folder in [Some(dir.path()), None] {
            let before = HANDED.lock().unwrap().len();
            defer_certificates(record);
            let link = super::super::remote::Link::new(&mut progress, folder, None);
            // A fetch from a local path, then a push to an https address
            // (a push URL): the push's connection gets the certificates.
            let _ = link.connect("/srv/oplaeg.git");
            assert_eq!(HANDED.lock().unwrap().len(), before, "not for a local path");
            let _ = link.connect(https);
            assert_eq!(link.https.borrow().prepared_for(), Some(https));
            assert_eq!(HANDED.lock().unwrap().len(), before + 1);
            let _ = link.connect(https);
            assert_eq!(HANDED.lock().unwrap().len(), before + 1, "once");
        }
        // Without a configuration the environment's proxy still counts.
        let env = |k: &str| (k == "HTTPS_PROXY").then(|| "http://p:3128".to_string());
        assert_eq!(
            proxy_for("https://git.example/a.git", None, &env).as_deref(),
            Some("http://p:3128")
        );
    }
}
