//! Shared helpers for the integration tests: real temporary workspaces made
//! with `oplaeg::ops::init`, and plain `git` isolated from the developer's
//! configuration, so the tests see exactly what a user of git would see.
#![allow(dead_code)]

pub mod tmux;
pub mod tools;
pub mod tui;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, FixedOffset};
use oplaeg::model::{Config, Member, Role, Workspace};
use oplaeg::ops::{self, Session};
use oplaeg::store::{Rev, Store};
use oplaeg::{Error, Result};
use tempfile::TempDir;

/// The writer every test workspace starts with.
pub const WRITER: &str = "mette.holm@sst.example";
pub const WRITER_NAME: &str = "Mette Holm";
pub const WRITER_ORG: &str = "Sundhedsstyrelsen";
/// A member of the group (may comment, may not resolve).
pub const MEMBER: &str = "jens.noergaard@rm.example";
pub const MEMBER_NAME: &str = "Jens Nørgaard";
pub const MEMBER_ORG: &str = "Region Midtjylland";
/// A second member, from another organisation.
pub const MEMBER2: &str = "birgitte.skovbo@kl.example";
pub const MEMBER2_NAME: &str = "Birgitte Skovbo";
pub const MEMBER2_ORG: &str = "KL";
/// A reviewer (may only read).
pub const REVIEWER: &str = "rasmus.winther@sds.example";
pub const REVIEWER_NAME: &str = "Rasmus Juhl Winther";
pub const REVIEWER_ORG: &str = "Sundhedsdatastyrelsen";

pub const TITLE: &str = "Fagligt oplæg til Kræftplan V";

/// When test workspaces are created.
pub const T0: &str = "2024-05-27T10:00:00+02:00";

/// A fixed time from RFC 3339.
pub fn at(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).expect("valid RFC 3339 in a test")
}

// ---------------------------------------------------------------------------
// Plain git, isolated
// ---------------------------------------------------------------------------

/// Variables that would let the developer's environment leak into git.
const LEAKY_GIT_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "EMAIL",
    "GIT_EDITOR",
    "GIT_PAGER",
    "OPLAEG_AUTHOR",
];

/// A HOME for git shared by commands that are not tied to a [`Ws`]: an empty
/// folder in cargo's temporary directory for integration tests.
pub fn shared_home() -> PathBuf {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("isolated-home");
        std::fs::create_dir_all(&home).expect("create isolated HOME");
        home
    })
    .clone()
}

/// A folder of this test process's own in cargo's folder for test files:
/// `kind/<process id>`, new and empty. For what a whole test file shares
/// through a `static`: a static is never dropped, so a temporary folder it
/// held would be left behind. Instead each call first removes the folders
/// of `kind` whose process has ended.
pub fn process_folder(kind: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join(kind);
    std::fs::create_dir_all(&base).expect("cargo's folder for test files");
    if Path::new("/proc/self").exists() {
        for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            if !Path::new("/proc").join(entry.file_name()).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(std::process::id().to_string());
    // Left by an ended process whose number this one has now.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the process's folder");
    dir
}

/// The environment every git (or oplaeg binary) invocation in the tests gets.
pub fn isolated_env(home: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
        ("GIT_CONFIG_SYSTEM", "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("HOME", home.as_os_str().to_owned()),
        ("XDG_CONFIG_HOME", home.join(".config").into_os_string()),
        ("GIT_TERMINAL_PROMPT", "0".into()),
        ("GIT_PAGER", "cat".into()),
        ("PAGER", "cat".into()),
    ]
}

/// Applies [`isolated_env`] to any command (git, or the oplaeg binary).
pub fn isolate(cmd: &mut Command, home: &Path) {
    for var in LEAKY_GIT_VARS {
        cmd.env_remove(var);
    }
    for (k, v) in isolated_env(home) {
        cmd.env(k, v);
    }
}

/// `git ARGS` in `dir` with `HOME=home` and extra environment; not checked.
pub fn git_output_in(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    isolate(&mut cmd, home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("git can be run")
}

/// Asserts a git command succeeded and returns its stdout, trimmed of the
/// final newline(s).
#[track_caller]
pub fn checked(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "git {} failed ({}):\nstdout: {}\nstderr: {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("git output is UTF-8")
        .trim_end_matches('\n')
        .to_string()
}

/// Every object id in a repository, loose or packed (plain git), sorted.
pub fn object_ids(dir: &Path) -> Vec<String> {
    let out = git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
    );
    out.lines().map(str::to_string).collect()
}

/// How many loose objects a repository holds (plain git).
pub fn loose_objects(dir: &Path) -> usize {
    git(dir, &["count-objects", "-v"])
        .lines()
        .find_map(|l| l.strip_prefix("count: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("git count-objects -v prints the count")
}

/// Pack files in a clone (`pack-….pack`), sorted.
pub fn pack_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(".git/objects/pack"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "pack"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `git ARGS` in `dir`, isolated; asserts success, returns stdout (trimmed).
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) -> String {
    checked(args, git_output_in(dir, &shared_home(), args, &[]))
}

/// Like [`git`] with extra environment (e.g. `GIT_AUTHOR_NAME`).
#[track_caller]
pub fn git_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    checked(args, git_output_in(dir, &shared_home(), args, env))
}

/// `git ARGS` in `dir`, isolated, not checked (for commands expected to fail).
pub fn git_output(dir: &Path, args: &[&str]) -> Output {
    git_output_in(dir, &shared_home(), args, &[])
}

/// The environment for a commit made by hand as `name <email>` at `date`.
pub fn author_env<'a>(name: &'a str, email: &'a str, date: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("GIT_AUTHOR_NAME", name),
        ("GIT_AUTHOR_EMAIL", email),
        ("GIT_AUTHOR_DATE", date),
        ("GIT_COMMITTER_NAME", name),
        ("GIT_COMMITTER_EMAIL", email),
        ("GIT_COMMITTER_DATE", date),
    ]
}

// ---------------------------------------------------------------------------
// Workspaces
// ---------------------------------------------------------------------------

pub fn member(name: &str, email: &str, organisation: &str, role: Role) -> Member {
    Member {
        name: name.into(),
        email: email.into(),
        organisation: organisation.into(),
        role,
    }
}

/// The config a new workspace starts with: one writer.
pub fn writer_config() -> Config {
    Config::new(TITLE, ops::writer(WRITER_NAME, WRITER, WRITER_ORG))
}

/// A small oplæg for the tests: two chapters, two recommendations.
///
/// Chapter 2 (`rehabilitering`) holds a sentence that occurs once and one
/// that occurs twice; `tidlig-diagnostik` (rank 1) has horizon short and
/// `rehabilitering-til-alle` (rank 2) horizon medium.
pub fn sample_files() -> Vec<(String, Vec<u8>)> {
    let files: [(&str, &str); 5] = [
        ("drafts/01-indledning.md", SAMPLE_INTRO),
        ("drafts/02-rehabilitering.md", SAMPLE_REHAB),
        (
            "recommendations/tidlig-diagnostik.toml",
            SAMPLE_REC_DIAGNOSTIK,
        ),
        (
            "recommendations/rehabilitering-til-alle.toml",
            SAMPLE_REC_REHAB,
        ),
        ("priority.toml", SAMPLE_PRIORITY),
    ];
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect()
}

pub const SAMPLE_INTRO: &str =
    "# Indledning\n\nOplægget beskriver Sundhedsstyrelsens faglige anbefalinger til Kræftplan V.\n";

pub const SAMPLE_REHAB: &str = "# Rehabilitering\n\n\
Kommunerne varetager hovedparten af de *rehabiliterende* indsatser,\n\
når patienten er afsluttet på sygehuset. Behovet vurderes løbende.\n\n\
Flere patienter henvises i dag end for fem år siden. Behovet vurderes løbende.\n";

/// A sentence of [`SAMPLE_REHAB`] that occurs once (across a line break and emphasis).
pub const UNIQUE_QUOTE: &str =
    "de rehabiliterende indsatser, når patienten er afsluttet på sygehuset.";
/// A sentence of [`SAMPLE_REHAB`] that occurs twice.
pub const TWICE_QUOTE: &str = "Behovet vurderes løbende.";

pub const SAMPLE_REC_DIAGNOSTIK: &str = r#"title = "Hurtigere diagnostik ved uspecifikke symptomer"
horizon = "short"
status = "proposed"
chapters = ["indledning"]
text = """Udredningen skal gå hurtigere."""
goal = """Kortere tid til diagnose."""
realizability = """Kræver kapacitet i billeddiagnostikken."""
"#;

pub const SAMPLE_REC_REHAB: &str = r#"title = "Rehabilitering til alle, der har behov"
horizon = "medium"
status = "draft"
chapters = ["rehabilitering"]
text = """Alle skal tilbydes en vurdering af behovet for rehabilitering."""
goal = """Flere får rehabilitering."""
realizability = """Kommunerne skal have kapaciteten."""
"#;

pub const SAMPLE_PRIORITY: &str =
    "order = [\n  \"tidlig-diagnostik\",\n  \"rehabilitering-til-alle\",\n]\n";

/// The command line of `email`'s comment on chapter 2 (the sample's
/// second chapter): `--as EMAIL comment add --chapter 2 --body BODY`.
pub fn comment_args<'a>(email: &'a str, body: &'a str) -> [&'a str; 8] {
    [
        "--as",
        email,
        "comment",
        "add",
        "--chapter",
        "2",
        "--body",
        body,
    ]
}

/// A temporary workspace: the folder is removed when this is dropped.
pub struct Ws {
    /// The temporary folder removed on drop; `None` for a [`process_folder`].
    _tmp: Option<TempDir>,
    /// The workspace (repository) root.
    pub root: PathBuf,
    /// An empty HOME for git, inside the temporary folder.
    pub home: PathBuf,
    /// The temporary folder that holds `root` and `home`.
    pub tmp: PathBuf,
}

impl Ws {
    /// A temporary folder with an empty HOME, and no workspace yet (the root
    /// folder `ws` does not exist).
    pub fn empty() -> Ws {
        let tmp = tempfile::Builder::new()
            .prefix("oplaeg-test-")
            .tempdir()
            .expect("temporary folder");
        let mut ws = Ws::empty_in(tmp.path());
        ws._tmp = Some(tmp);
        ws
    }

    /// As [`Ws::empty`], in the folder `dir` (not removed on drop: for a
    /// [`process_folder`]).
    pub fn empty_in(dir: &Path) -> Ws {
        let home = dir.join("home");
        std::fs::create_dir_all(&home).expect("create HOME");
        Ws {
            root: dir.join("ws"),
            home,
            tmp: dir.to_path_buf(),
            _tmp: None,
        }
    }

    /// `oplaeg::ops::init` with one writer and nothing else: one commit.
    pub fn init_only() -> Ws {
        let ws = Ws::empty();
        ops::init(&ws.root, &writer_config(), &[], Some(at(T0))).expect("init");
        ws
    }

    /// A workspace made by `init` with `files` (empty: the default first
    /// chapter), then a second member, a member of another organisation and
    /// a reviewer added by the writer through `member_add` (one commit each).
    pub fn with_files(files: &[(String, Vec<u8>)]) -> Ws {
        Ws::with_files_in(Ws::empty(), files)
    }

    /// As [`Ws::with_files`] in the empty `ws` (see [`Ws::empty_in`]).
    pub fn with_files_in(ws: Ws, files: &[(String, Vec<u8>)]) -> Ws {
        ops::init(&ws.root, &writer_config(), files, Some(at(T0))).expect("init");
        let mut s = ws.session(WRITER);
        let extra = [
            (MEMBER_NAME, MEMBER, MEMBER_ORG, Role::Member),
            (MEMBER2_NAME, MEMBER2, MEMBER2_ORG, Role::Member),
            (REVIEWER_NAME, REVIEWER, REVIEWER_ORG, Role::Reviewer),
        ];
        for (i, (name, email, org, role)) in extra.into_iter().enumerate() {
            s.set_time(Some(at(&format!("2024-05-27T10:0{}:00+02:00", i + 1))));
            s.member_add(name, email, org, role).expect("member_add");
        }
        ws
    }

    /// The default workspace (`init`'s first chapter) with all members.
    pub fn new() -> Ws {
        Ws::with_files(&[])
    }

    /// The [`sample_files`] oplæg with all members.
    pub fn sample() -> Ws {
        Ws::with_files(&sample_files())
    }

    /// Opens the workspace's store.
    pub fn store(&self) -> Store {
        Store::open(&self.root).expect("open the workspace")
    }

    /// A session acting as `email` (given explicitly, so git's user.email
    /// never matters), on the real clock.
    pub fn try_session(&self, email: &str) -> Result<Session> {
        Session::new(self.store(), Some(email))
    }

    /// A session acting as `email`; panics if that is not a member.
    #[track_caller]
    pub fn session(&self, email: &str) -> Session {
        self.try_session(email).expect("a session for a member")
    }

    /// A session acting as `email` at a fixed time.
    #[track_caller]
    pub fn session_at(&self, email: &str, time: &str) -> Session {
        let mut s = self.session(email);
        s.set_time(Some(at(time)));
        s
    }

    /// `email`'s comment on chapter 2 (the sample's second chapter), with
    /// no quote; its id.
    pub fn chapter_comment(&self, email: &str, body: &str) -> String {
        self.session(email)
            .add_comment(
                ops::NewTarget::Chapter {
                    chapter: "2".into(),
                    quote: None,
                },
                body,
            )
            .expect("a comment on chapter 2")
            .id
    }

    /// The workspace as committed at HEAD, through the library.
    pub fn load_head(&self) -> Workspace {
        self.store().load(&Rev::head()).expect("load HEAD")
    }

    /// The workspace at any revision, through the library.
    pub fn load(&self, rev: &str) -> Workspace {
        self.store()
            .load(&Rev::Named(rev.into()))
            .unwrap_or_else(|e| panic!("load {rev}: {e}"))
    }

    /// Isolated `git ARGS` in the root; asserts success, returns stdout.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        checked(args, git_output_in(&self.root, &self.home, args, &[]))
    }

    /// Like [`Ws::git`] with extra environment.
    #[track_caller]
    pub fn git_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        checked(args, git_output_in(&self.root, &self.home, args, env))
    }

    /// Isolated `git ARGS`, not checked.
    pub fn git_output(&self, args: &[&str]) -> Output {
        git_output_in(&self.root, &self.home, args, &[])
    }

    /// Commits everything in the working tree with plain git, as a person
    /// would: `git add -A && git commit -m MESSAGE`, authored by `name <email>`.
    #[track_caller]
    pub fn git_commit_all_as(&self, name: &str, email: &str, date: &str, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git_env(
            &["commit", "-q", "-m", message],
            &author_env(name, email, date),
        );
        self.head()
    }

    /// `git rev-parse HEAD`.
    #[track_caller]
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// `git rev-list --count HEAD`.
    #[track_caller]
    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .parse()
            .expect("a number")
    }

    /// `git status --porcelain` (untracked files included).
    #[track_caller]
    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain", "--untracked-files=all"])
    }

    /// Asserts that plain git sees no uncommitted change at all.
    #[track_caller]
    pub fn assert_clean(&self) {
        let status = self.status();
        assert!(status.is_empty(), "working tree not clean:\n{status}");
    }

    /// `git show --name-status --format= REV`: one `X\tpath` line per file.
    #[track_caller]
    pub fn changed_files(&self, rev: &str) -> Vec<String> {
        self.git(&["show", "--name-status", "--format=", rev])
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `git log -1 --format=FORMAT REV`.
    #[track_caller]
    pub fn log1(&self, format: &str, rev: &str) -> String {
        self.git(&["log", "-1", &format!("--format={format}"), rev])
    }

    /// A file's text on disk.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// A file parsed as TOML from disk.
    #[track_caller]
    pub fn read_toml(&self, rel: &str) -> toml::Table {
        self.read(rel)
            .parse::<toml::Table>()
            .unwrap_or_else(|e| panic!("{rel} is not TOML: {e}"))
    }

    /// A file as committed in `rev`, through plain git (`git show REV:PATH`).
    #[track_caller]
    pub fn show(&self, rev: &str, rel: &str) -> String {
        self.git(&["show", &format!("{rev}:{rel}")])
    }

    /// Writes a file by hand (as an editor would).
    #[track_caller]
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create folder");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    /// Everything observable about the repository and the files on disk, to
    /// show that a refused operation changed nothing.
    #[track_caller]
    pub fn snapshot(&self) -> Snapshot {
        let mut files = BTreeMap::new();
        collect_files(&self.root, &self.root, &mut files);
        Snapshot {
            head: self.head(),
            refs: self.git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
            status: self.status(),
            files,
        }
    }

    /// Runs an operation that must fail, asserts that it left HEAD, every
    /// ref, git's status and every file on disk exactly as they were, and
    /// returns the error.
    #[track_caller]
    pub fn refused<T: std::fmt::Debug>(&self, op: impl FnOnce() -> Result<T>) -> Error {
        let before = self.snapshot();
        let result = op();
        let after = self.snapshot();
        let err = match result {
            Ok(v) => panic!("the operation should have been refused, but gave {v:?}"),
            Err(e) => e,
        };
        assert_eq!(before.head, after.head, "HEAD moved after: {err}");
        assert_eq!(before.refs, after.refs, "refs changed after: {err}");
        assert_eq!(
            before.status, after.status,
            "git status changed after: {err}"
        );
        assert!(
            before.files == after.files,
            "files on disk changed after: {err}\nbefore: {:?}\nafter: {:?}",
            before.files.keys().collect::<Vec<_>>(),
            after.files.keys().collect::<Vec<_>>()
        );
        err
    }
}

/// See [`Ws::snapshot`].
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub head: String,
    pub refs: String,
    pub status: String,
    /// Every file under the root except `.git/`, by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
}

fn collect_files(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path == root.join(".git") {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(&path).expect("read file"));
        }
    }
}

/// True for a comment id: 26 characters of lower-case Crockford base 32.
pub fn is_comment_id(id: &str) -> bool {
    id.len() == 26
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A string field of a TOML table, by dotted path (`target.anchor.quote`).
#[track_caller]
pub fn toml_str<'a>(table: &'a toml::Table, dotted: &str) -> &'a str {
    toml_get(table, dotted)
        .as_str()
        .unwrap_or_else(|| panic!("{dotted} is not a string in {table:#?}"))
}

/// Any value of a TOML table, by dotted path.
#[track_caller]
pub fn toml_get<'a>(table: &'a toml::Table, dotted: &str) -> &'a toml::Value {
    let mut parts = dotted.split('.');
    let first = parts.next().expect("a key");
    let mut v = table
        .get(first)
        .unwrap_or_else(|| panic!("{dotted}: no {first} in {table:#?}"));
    for p in parts {
        v = v
            .get(p)
            .unwrap_or_else(|| panic!("{dotted}: no {p} in {table:#?}"));
    }
    v
}

// ---------------------------------------------------------------------------
// Servers: a shared bare repository made by `oplaeg server init`, and the
// daemons that serve it (git daemon, sshd). Every process a test starts is
// started in its own process group and the whole group is stopped when the
// guard is dropped – also when the test panics – so nothing outlives a test
// (`git daemon` runs its real server, `git-daemon`, as a child process).
// ---------------------------------------------------------------------------

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A started process and its process group; both stopped when dropped.
pub struct Spawned {
    pub child: Child,
}

impl Spawned {
    /// Starts `cmd` in a new process group of its own.
    pub fn start(mut cmd: Command) -> std::io::Result<Spawned> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        cmd.spawn().map(|child| Spawned { child })
    }

    /// True once the process has ended.
    pub fn ended(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Stops the whole group and waits for the process.
    pub fn stop(&mut self) {
        #[cfg(unix)]
        {
            // The group's id is the child's pid (process_group(0)).
            if let Ok(pid) = i32::try_from(self.child.id()) {
                // SAFETY: kill(2) on a process group this guard created.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free TCP port on 127.0.0.1 (free when asked; the caller retries).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until `port` accepts connections or `process` ends.
fn listening(process: &mut Spawned, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if process.ended() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A real `git daemon` serving `base` (pushes enabled) on a free port of
/// 127.0.0.1; stopped, with every process it started, when dropped.
pub struct Daemon {
    process: Spawned,
    pub port: u16,
}

impl Daemon {
    pub fn start(base: &Path, home: &Path) -> Daemon {
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = Command::new("git");
            isolate(&mut cmd, home);
            cmd.args([
                "daemon",
                "--export-all",
                "--enable=receive-pack",
                "--reuseaddr",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                &format!("--base-path={}", base.display()),
                &base.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let mut process = Spawned::start(cmd).expect("git daemon starts");
            if listening(&mut process, port) {
                return Daemon { process, port };
            }
            process.stop();
        }
        panic!("git daemon did not start");
    }

    /// `git://127.0.0.1:PORT/REPO` for a repository under the base folder.
    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }

    /// Stops it now (dropping does the same).
    pub fn stop(mut self) {
        self.process.stop();
    }
}

pub const SSHD: &str = "/usr/sbin/sshd";

/// An sshd on a free port of 127.0.0.1 that lets in the holder of one key
/// (made in `client_home/.ssh/id_ed25519`), as the user running the tests.
/// `key_options` go in front of the key in `authorized_keys` (e.g. a
/// `command="…"` that sets `OPLAEG_PUSHER`). Stopped when dropped.
pub struct Sshd {
    process: Spawned,
    pub port: u16,
    pub user: String,
    host_key: String,
}

impl Sshd {
    /// `None` when sshd is not installed: the test is skipped loudly, or
    /// fails where the programs are required (CI; see [`tools`]).
    pub fn start(dir: &Path, client_home: &Path) -> Option<Sshd> {
        Self::start_with(dir, client_home, "")
    }

    pub fn start_with(dir: &Path, client_home: &Path, key_options: &str) -> Option<Sshd> {
        if !tools::available(
            "a test over ssh",
            &[SSHD, "ssh-keygen", "ssh"],
            "openssh-server openssh-client",
        ) {
            return None;
        }
        let _ = std::fs::create_dir_all("/run/sshd");
        let keygen = |path: &Path| {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(path)
                .status()
                .expect("ssh-keygen runs")
                .success();
            assert!(ok, "ssh-keygen");
        };
        let host = dir.join("hostkey");
        if !host.exists() {
            keygen(&host);
        }
        let ssh = client_home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        if !ssh.join("id_ed25519").exists() {
            keygen(&ssh.join("id_ed25519"));
        }
        let authorized = dir.join("authorized_keys");
        let public = std::fs::read_to_string(ssh.join("id_ed25519.pub")).unwrap();
        let line = if key_options.is_empty() {
            public
        } else {
            format!("{key_options} {public}")
        };
        std::fs::write(&authorized, line).unwrap();
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        for _ in 0..5 {
            let port = free_port();
            let config = dir.join("sshd_config");
            std::fs::write(
                &config,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
                     PasswordAuthentication no\nKbdInteractiveAuthentication no\n\
                     PubkeyAuthentication yes\nPermitRootLogin prohibit-password\n\
                     StrictModes no\nUsePAM no\nPidFile none\n",
                    host.display(),
                    authorized.display()
                ),
            )
            .unwrap();
            let mut cmd = Command::new(SSHD);
            cmd.arg("-D")
                .arg("-e")
                .arg("-f")
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let mut process = Spawned::start(cmd).expect("sshd starts");
            if listening(&mut process, port) {
                let host_key = std::fs::read_to_string(dir.join("hostkey.pub")).unwrap();
                return Some(Sshd {
                    process,
                    port,
                    user,
                    host_key,
                });
            }
            process.stop();
        }
        tools::skipped("a test over ssh", "sshd did not start on 127.0.0.1");
        None
    }

    pub fn url(&self, path: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            self.user,
            self.port,
            path.display()
        )
    }

    /// Makes `home` trust this server's host key.
    pub fn trust(&self, home: &Path) {
        let ssh = home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        std::fs::write(
            ssh.join("known_hosts"),
            format!("[127.0.0.1]:{} {}", self.port, self.host_key),
        )
        .unwrap();
    }

    /// Stops it now (dropping does the same).
    pub fn stop(mut self) {
        self.process.stop();
    }
}

/// The oplaeg binary, isolated, with Danish messages.
pub fn oplaeg_cmd(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, home);
    cmd.env("LANG", "da_DK.UTF-8").env_remove("SSH_AUTH_SOCK");
    for var in [
        "OPLAEG_PUSHER",
        "GITEA_PUSHER_EMAIL",
        "GL_USERNAME",
        "REMOTE_USER",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A shared server made as the docs say: `oplaeg server init PATH`.
pub fn init_server(path: &Path, home: &Path) -> Output {
    let out = oplaeg_cmd(home)
        .arg("server")
        .arg("init")
        .arg(path)
        .output()
        .expect("oplaeg runs");
    assert!(
        out.status.success(),
        "oplaeg server init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every ref of a repository with what it points at (`git for-each-ref`).
pub fn server_refs(server: &Path) -> String {
    git(
        server,
        &["for-each-ref", "--format=%(refname) %(objectname)"],
    )
}
