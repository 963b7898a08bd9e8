//! https against a real server on 127.0.0.1: nginx with TLS from a CA the
//! test makes with `openssl`, basic authentication, and `git http-backend`
//! run through fcgiwrap. The member's side is the real binary with git's
//! credential helper `store` in an isolated git configuration; results are
//! checked with plain git too. Skipped loudly without nginx, fcgiwrap or
//! openssl (required in CI).

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use oplaeg::ops::{NewTarget, Session};
use oplaeg::store::{Progress, Store};

const NGINX: &str = "/usr/sbin/nginx";
const FCGIWRAP: &str = "/usr/sbin/fcgiwrap";
/// The member's login on the server and their personal access token.
const USER: &str = "jens";
const TOKEN: &str = "glpat-rigtigt-token-42";

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("program runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A process started in its own process group, killed with the whole
/// group when dropped (also when the test panics).
struct Group(Child);

impl Group {
    fn spawn(cmd: &mut Command) -> Group {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        Group(
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("server program starts"),
        )
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An https git server on a free port of 127.0.0.1 with one user
/// ([`USER`]/[`TOKEN`]), serving the bare repositories in `root`.
struct Https {
    dir: PathBuf,
    root: PathBuf,
    port: u16,
    /// The same server with a certificate that expired when it was made.
    expired_port: u16,
    expired_at: Instant,
    // Dropped in this order: nginx first, then fcgiwrap.
    _nginx: Group,
    _fcgi: Group,
}

impl Https {
    fn start(dir: &Path) -> Option<Https> {
        if !common::tools::available(
            "https",
            &[NGINX, FCGIWRAP, "openssl"],
            "nginx fcgiwrap openssl",
        ) {
            return None;
        }
        let dir = dir.join("https-server");
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        let root = dir.join("srv");
        std::fs::create_dir_all(&root).unwrap();
        // The CA and the server's certificate for 127.0.0.1.
        let openssl = |args: &[&str]| run(Command::new("openssl").current_dir(&dir).args(args));
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
        let mut ca = vec!["req", "-x509", "-nodes", "-days", "2"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-subj",
            "/CN=oplaeg test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(&ca);
        let mut csr = vec!["req", "-new", "-nodes"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&csr);
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ]);
        // Valid for no time at all: expired a second later.
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "0",
            "-extfile",
            "server.ext",
            "-out",
            "expired.crt",
        ]);
        let expired_at = Instant::now();
        // Basic authentication.
        let hash = Command::new("openssl")
            .args(["passwd", "-apr1", TOKEN])
            .output()
            .unwrap();
        assert!(hash.status.success());
        let hash = String::from_utf8(hash.stdout).unwrap();
        std::fs::write(dir.join("htpasswd"), format!("{USER}:{}\n", hash.trim())).unwrap();

        let socket = dir.join("fcgi.sock");
        let fcgi = Group::spawn(
            Command::new(FCGIWRAP)
                .args(["-c", "2", "-s"])
                .arg(format!("unix:{}", socket.display())),
        );
        let port = free_port();
        let expired_port = free_port();
        let backend = Path::new(&git(&dir, &["--exec-path"])).join("git-http-backend");
        let d = dir.display();
        let user = if is_root() { "user root root;" } else { "" };
        let path = std::env::var("PATH").unwrap_or_default();
        let conf = format!(
            r#"{user}
daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/tmp/body;
  fastcgi_temp_path {d}/tmp/fastcgi;
  proxy_temp_path {d}/tmp/proxy;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  server {{
    listen 127.0.0.1:{expired_port} ssl;
    ssl_certificate {d}/expired.crt;
    ssl_certificate_key {d}/server.key;
    location / {{ return 403; }}
  }}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {d}/server.crt;
    ssl_certificate_key {d}/server.key;
    client_max_body_size 0;
    location / {{
      auth_basic "oplaeg";
      auth_basic_user_file {d}/htpasswd;
      fastcgi_pass unix:{sock};
      fastcgi_param SCRIPT_FILENAME {backend};
      fastcgi_param GIT_PROJECT_ROOT {root};
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param GIT_CONFIG_NOSYSTEM 1;
      fastcgi_param HOME {d};
      fastcgi_param PATH {path};
      fastcgi_param REMOTE_USER $remote_user;
      fastcgi_param REMOTE_ADDR $remote_addr;
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param CONTENT_TYPE $content_type;
      fastcgi_param CONTENT_LENGTH $content_length;
      fastcgi_param PATH_INFO $uri;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
    }}
  }}
}}
"#,
            sock = socket.display(),
            backend = backend.display(),
            root = root.display(),
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let nginx = Group::spawn(
            Command::new(NGINX)
                .arg("-p")
                .arg(&dir)
                .arg("-e")
                .arg(dir.join("error.log"))
                .arg("-c")
                .arg(dir.join("nginx.conf")),
        );
        let server = Https {
            dir,
            root,
            port,
            expired_port,
            expired_at,
            _nginx: nginx,
            _fcgi: fcgi,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(socket.exists() && TcpStream::connect(("127.0.0.1", port)).is_ok()) {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(server.dir.join("error.log")).unwrap_or_default();
                panic!("nginx or fcgiwrap did not start on 127.0.0.1:{port}:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    /// The address of a repository, with the member's user name in it.
    fn url(&self, repo: &str) -> String {
        format!("https://{USER}@127.0.0.1:{}/{repo}", self.port)
    }

    fn ca(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// How many requests the server refused for a wrong or missing login.
    fn refusals(&self) -> usize {
        std::fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("\" 401 "))
            .count()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The member's machine: a HOME and a global git configuration with
/// `credential.helper = store --file CREDS` (and the test CA, when trusted).
struct Member {
    home: PathBuf,
    gitconfig: PathBuf,
    creds: PathBuf,
}

impl Member {
    fn new(base: &Path, name: &str, ca: Option<&Path>) -> Member {
        let home = base.join(name);
        std::fs::create_dir_all(&home).unwrap();
        let creds = home.join("git-credentials");
        // Where both git and libgit2 look (HOME is this folder).
        let gitconfig = home.join(".gitconfig");
        let mut text = format!(
            "[credential]\n\thelper = store --file {}\n",
            creds.display()
        );
        if let Some(ca) = ca {
            text.push_str(&format!("[http]\n\tsslCAInfo = {}\n", ca.display()));
        }
        std::fs::write(&gitconfig, text).unwrap();
        Member {
            home,
            gitconfig,
            creds,
        }
    }

    fn stored(&self) -> String {
        std::fs::read_to_string(&self.creds).unwrap_or_default()
    }

    /// A command with this member's isolated environment, no proxy, no
    /// token and no terminal.
    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut c = Command::new(program);
        isolate(&mut c, &self.home);
        c.current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", &self.gitconfig)
            .env("LANG", "da_DK.UTF-8")
            .stdin(Stdio::null());
        for var in [
            "https_proxy",
            "HTTPS_PROXY",
            "http_proxy",
            "HTTP_PROXY",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "GIT_SSL_CAINFO",
            "GIT_SSL_CAPATH",
            "OPLAEG_TOKEN",
            "OPLAEG_USER",
        ] {
            c.env_remove(var);
        }
        c
    }

    /// The binary, waiting at most a minute (a login loop would hang here).
    fn oplaeg(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.command(env!("CARGO_BIN_EXE_oplaeg"), dir);
        c.args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("run oplaeg");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return child.wait_with_output().unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("oplaeg {args:?} did not finish within a minute");
    }

    #[track_caller]
    fn oplaeg_ok(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = self.oplaeg(dir, args, env);
        assert!(
            out.status.success(),
            "oplaeg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs oplaeg expecting failure; its error text.
    #[track_caller]
    fn oplaeg_err(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = self.oplaeg(dir, args, env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "oplaeg {args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Plain git as this member.
    #[track_caller]
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.command("git", dir).args(args).output().unwrap();
        checked(args, out)
    }
}

fn session(root: &Path, email: &str) -> Session {
    Session::new(Store::open(root).expect("open"), Some(email)).expect("session")
}

fn comment(root: &Path, email: &str, body: &str) -> String {
    session(root, email)
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: None,
            },
            body,
        )
        .expect("comment")
        .id
}

/// The writer's workspace, sent by path to a bare repository the https
/// server serves as `oplaeg.git`.
fn writer_and_server(server: &Https) -> (Ws, PathBuf) {
    let ws = Ws::sample();
    let bare = server.root.join("oplaeg.git");
    git(
        &server.root,
        &[
            "init",
            "-q",
            "--bare",
            "--initial-branch=main",
            "oplaeg.git",
        ],
    );
    ws.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    session(&ws.root, WRITER)
        .sync(None, &mut |_: &Progress| {})
        .expect("the writer's first sync");
    (ws, bare)
}

fn comment_files(dir: &Path, rev: &str) -> Vec<String> {
    git(dir, &["ls-tree", "-r", "--name-only", rev, "comments/"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_member_clones_and_syncs_over_https_with_a_token_kept_by_the_helper() {
    let tmp = Ws::empty();
    let Some(server) = Https::start(&tmp.tmp) else {
        return;
    };
    let (writer, bare) = writer_and_server(&server);
    let jens = Member::new(&tmp.tmp, "jens-home", Some(&server.ca()));
    let url = server.url("oplaeg.git");
    let dir = &tmp.tmp;

    // The token is given once (here for a script; on a terminal it is
    // asked for) and the credential helper keeps it after it worked.
    assert_eq!(jens.stored(), "");
    jens.oplaeg_ok(
        dir,
        &["clone", &url, "jens", "--as", MEMBER],
        &[("OPLAEG_TOKEN", TOKEN)],
    );
    let clone = dir.join("jens");
    assert_eq!(
        git(&clone, &["rev-parse", "HEAD"]),
        git(&bare, &["rev-parse", "main"])
    );
    let stored = jens.stored();
    assert!(
        stored.contains(&format!("https://{USER}:{TOKEN}@127.0.0.1")),
        "the helper did not store the token: {stored:?}"
    );

    // From now on the helper gives it: a comment is sent without a token.
    let id = comment(&clone, MEMBER, "sendt over https");
    let out = jens.oplaeg_ok(&clone, &["sync", "--format", "json"], &[]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["sent"], 1, "{out}");
    assert!(comment_files(&bare, "main").contains(&format!("comments/{id}.toml")));

    // The writer's answer comes back over https (fetch and merge).
    session(&writer.root, WRITER)
        .sync(None, &mut |_: &Progress| {})
        .expect("writer sync");
    let writers = comment(&writer.root, WRITER, "skribentens svar");
    session(&writer.root, WRITER)
        .sync(None, &mut |_: &Progress| {})
        .expect("writer sync");
    let out = jens.oplaeg_ok(&clone, &["sync"], &[]);
    assert!(!out.is_empty());
    assert!(comment_files(&clone, "HEAD").contains(&format!("comments/{writers}.toml")));
    assert_eq!(
        git(&clone, &["rev-parse", "HEAD"]),
        git(&bare, &["rev-parse", "main"])
    );
    assert_eq!(jens.git(&clone, &["status", "--porcelain"]), "");

    // Plain git with the same configuration reaches the server with what
    // the helper stored: the token is stored the way git itself uses it.
    let plain = jens.git(dir, &["ls-remote", &url, "refs/heads/main"]);
    assert!(
        plain.starts_with(&git(&bare, &["rev-parse", "main"])),
        "{plain}"
    );
}

/// A sync that fetches from a local path and pushes over https (git's
/// `remote.origin.pushurl`): the push, the only https connection, gets the
/// CA certificates, the proxy settings and the helper's login too.
#[test]
fn a_push_url_over_https_is_prepared_like_the_fetch() {
    let tmp = Ws::empty();
    let Some(server) = Https::start(&tmp.tmp) else {
        return;
    };
    let (_writer, bare) = writer_and_server(&server);
    let jens = Member::new(&tmp.tmp, "jens-home", Some(&server.ca()));
    let url = server.url("oplaeg.git");
    let dir = &tmp.tmp;
    jens.oplaeg_ok(
        dir,
        &["clone", &url, "jens", "--as", MEMBER],
        &[("OPLAEG_TOKEN", TOKEN)],
    );
    let clone = dir.join("jens");
    jens.git(
        &clone,
        &["remote", "set-url", "origin", bare.to_str().unwrap()],
    );
    jens.git(&clone, &["remote", "set-url", "--push", "origin", &url]);
    let id = comment(&clone, MEMBER, "sendt over https-push");
    let out = jens.oplaeg_ok(&clone, &["sync", "--format", "json"], &[]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["sent"], 1, "{out}");
    assert!(comment_files(&bare, "main").contains(&format!("comments/{id}.toml")));
    assert_eq!(
        jens.git(&clone, &["rev-parse", "HEAD"]),
        git(&bare, &["rev-parse", "main"])
    );
}

#[test]
fn refused_tokens_untrusted_certificates_and_proxies_are_explained() {
    let tmp = Ws::empty();
    let Some(server) = Https::start(&tmp.tmp) else {
        return;
    };
    let (_writer, _bare) = writer_and_server(&server);
    let url = server.url("oplaeg.git");
    let dir = &tmp.tmp;
    let jens = Member::new(&tmp.tmp, "jens-home", Some(&server.ca()));

    // A wrong token kept by the helper: refused once, erased from the
    // helper, and a clear message; no clone is left behind.
    std::fs::write(
        &jens.creds,
        format!("https://{USER}:gammelt-token@127.0.0.1%3a{}\n", server.port),
    )
    .unwrap();
    assert!(jens.stored().contains("gammelt-token"));
    let before = server.refusals();
    let err = jens.oplaeg_err(dir, &["clone", &url, "x1"], &[]);
    assert!(
        err.contains("godtog ikke brugernavn og token") && err.contains("credential helper"),
        "{err}"
    );
    assert!(
        !jens.stored().contains("gammelt-token"),
        "not erased: {}",
        jens.stored()
    );
    assert!(!dir.join("x1").exists());
    let helper_refusals = server.refusals() - before;
    assert!(
        (1..=3).contains(&helper_refusals),
        "{helper_refusals} refused requests"
    );

    // A wrong token from the environment: bounded attempts (libgit2 would
    // ask again and again), in English with --lang en.
    let before = server.refusals();
    let err = jens.oplaeg_err(
        dir,
        &["--lang", "en", "clone", &url, "x2"],
        &[("OPLAEG_TOKEN", "forkert")],
    );
    assert!(
        err.contains("did not accept the user name and token") && err.contains("OPLAEG_TOKEN"),
        "{err}"
    );
    let env_refusals = server.refusals() - before;
    assert!(
        (1..=3).contains(&env_refusals),
        "{env_refusals} refused requests"
    );
    assert_eq!(jens.stored(), "", "a refused token must not be stored");

    // Nothing to give and no terminal to ask on (a script, the terminal
    // UI): what to do instead.
    let err = jens.oplaeg_err(dir, &["clone", &url, "x3"], &[]);
    assert!(
        err.contains("kræver et login")
            && err.contains("oplaeg sync")
            && err.contains("OPLAEG_TOKEN")
            && err.contains("credential.helper"),
        "{err}"
    );

    // A certificate from a CA this machine does not trust.
    let stranger = Member::new(&tmp.tmp, "stranger-home", None);
    let err = stranger.oplaeg_err(dir, &["clone", &url, "x4"], &[("OPLAEG_TOKEN", TOKEN)]);
    assert!(
        err.contains("certifikat") && err.contains("http.sslCAInfo"),
        "{err}"
    );
    assert!(!dir.join("x4").exists());
    let out = stranger
        .command("git", dir)
        .args(["ls-remote", &url])
        .output()
        .unwrap();
    assert!(!out.status.success(), "plain git must not trust it either");
    // Trusted through SSL_CERT_FILE, as OpenSSL programs are.
    stranger.oplaeg_ok(
        dir,
        &["clone", &url, "x5"],
        &[
            ("OPLAEG_TOKEN", TOKEN),
            ("SSL_CERT_FILE", server.ca().to_str().unwrap()),
        ],
    );

    // An expired certificate from the trusted CA: said so, with the date.
    let wait = Duration::from_millis(1200).saturating_sub(server.expired_at.elapsed());
    std::thread::sleep(wait);
    let expired = format!("https://127.0.0.1:{}/oplaeg.git", server.expired_port);
    let err = jens.oplaeg_err(dir, &["clone", &expired, "x7"], &[("OPLAEG_TOKEN", TOKEN)]);
    assert!(err.contains("udløb") && err.contains("forny"), "{err}");
    let err = jens.oplaeg_err(
        dir,
        &["--lang", "en", "clone", &expired, "x7"],
        &[("OPLAEG_TOKEN", TOKEN)],
    );
    assert!(err.contains("expired on"), "{err}");

    // A proxy that does not answer (from HTTPS_PROXY).
    let dead = format!("http://127.0.0.1:{}", free_port());
    let err = jens.oplaeg_err(
        dir,
        &["clone", &url, "x6"],
        &[("OPLAEG_TOKEN", TOKEN), ("HTTPS_PROXY", &dead)],
    );
    assert!(err.contains("proxyen") && err.contains(&dead), "{err}");
    assert!(!dir.join("x6").exists());
    // The same from git's http.proxy.
    let config = std::fs::read_to_string(&jens.gitconfig).unwrap();
    std::fs::write(&jens.gitconfig, format!("{config}\tproxy = {dead}\n")).unwrap();
    let err = jens.oplaeg_err(dir, &["clone", &url, "x6"], &[("OPLAEG_TOKEN", TOKEN)]);
    assert!(
        err.contains("proxyen") && err.contains("http.proxy"),
        "{err}"
    );
    assert!(!dir.join("x6").exists());
}

#[test]
fn a_push_the_servers_hook_refuses_reaches_the_member_with_its_reason() {
    let tmp = Ws::empty();
    let Some(server) = Https::start(&tmp.tmp) else {
        return;
    };
    let (_writer, bare) = writer_and_server(&server);
    let url = server.url("oplaeg.git");
    let dir = &tmp.tmp;
    let jens = Member::new(&tmp.tmp, "jens-home", Some(&server.ca()));
    jens.oplaeg_ok(
        dir,
        &["clone", &url, "jens", "--as", MEMBER],
        &[("OPLAEG_TOKEN", TOKEN)],
    );
    let clone = dir.join("jens");
    let hook = bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'oplaeg: kapitlet rehabilitering må kun ændres af en skribent' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let before = git(&bare, &["rev-parse", "main"]);
    comment(&clone, MEMBER, "afvises af serveren");
    let err = jens.oplaeg_err(&clone, &["sync"], &[]);
    assert!(
        err.contains("kun ændres af en skribent") && err.contains("afviste"),
        "{err}"
    );
    assert_eq!(git(&bare, &["rev-parse", "main"]), before);
}

/// tmux on its own socket, killed when dropped.
struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.0])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "https"])
    }

    fn wait_for(&self, text: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.matches(text).count() >= times {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "never showed «{text}» {times} time(s):\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn type_line(&self, text: &str) {
        self.run(&["send-keys", "-t", "https", "-l", text]);
        self.run(&["send-keys", "-t", "https", "Enter"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .output();
    }
}

#[test]
fn on_a_terminal_the_token_is_asked_for_hidden_asked_again_once_refused_and_kept() {
    if !common::tools::available("https prompt", &["tmux"], "tmux") {
        return;
    }
    let tmp = Ws::empty();
    let Some(server) = Https::start(&tmp.tmp) else {
        return;
    };
    let (_writer, bare) = writer_and_server(&server);
    let jens = Member::new(&tmp.tmp, "jens-home", Some(&server.ca()));
    let url = server.url("oplaeg.git");
    let dir = &tmp.tmp;
    let command = format!(
        "cd '{dir}' && env -i PATH=\"$PATH\" TERM=xterm LANG=da_DK.UTF-8 HOME='{home}' \
         GIT_CONFIG_GLOBAL='{config}' GIT_CONFIG_NOSYSTEM=1 '{bin}' clone '{url}' jens --as {MEMBER}; \
         echo EXIT=$?; sleep 60",
        dir = dir.display(),
        home = jens.home.display(),
        config = jens.gitconfig.display(),
        bin = env!("CARGO_BIN_EXE_oplaeg"),
    );
    let tmux = Tmux(format!("oplaeg-https-{}", std::process::id()));
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "https",
        "-x",
        "150",
        "-y",
        "40",
        &command,
    ]);
    tmux.wait_for("Adgangstoken:", 1);
    tmux.type_line("forkert-token");
    let s = tmux.wait_for("Adgangstoken:", 2);
    assert!(s.contains("Serveren godtog ikke det login"), "{s}");
    tmux.type_line(TOKEN);
    let s = tmux.wait_for("EXIT=", 1);
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(
        !s.contains(TOKEN) && !s.contains("forkert-token"),
        "a token was shown on the screen:\n{s}"
    );
    assert_eq!(
        git(&dir.join("jens"), &["rev-parse", "HEAD"]),
        git(&bare, &["rev-parse", "main"])
    );
    let stored = jens.stored();
    assert!(
        stored.contains(TOKEN) && !stored.contains("forkert"),
        "{stored:?}"
    );
}
