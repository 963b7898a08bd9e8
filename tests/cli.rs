//! The command line as people use it: the real binary against real
//! temporary git repositories, with results checked by plain `git` too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A command with git isolated from the developer's configuration.
fn isolated(program: &str, home: &Path) -> Command {
    let mut c = Command::new(program);
    c.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_SYSTEM", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env_remove("OPLAEG_AUTHOR")
        .env("LANG", "da_DK.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

struct Env {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    root: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let root = tmp.path().join("ws");
        Env {
            home,
            root,
            _tmp: tmp,
        }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = isolated(env!("CARGO_BIN_EXE_oplaeg"), &self.home);
        c.arg("--repo").arg(&self.root).args(args);
        match stdin {
            Some(text) => {
                use std::io::Write;
                c.stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = c.spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
                child.wait_with_output().unwrap()
            }
            None => c.output().unwrap(),
        }
    }

    /// Runs `oplaeg`, asserts success, returns standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert!(
            out.status.success(),
            "oplaeg {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `oplaeg`, asserts exit status 1 with a one-line error, returns it.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert_eq!(out.status.code(), Some(1), "oplaeg {args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("oplaeg: fejl: "), "{err}");
        err
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = isolated("git", &self.home)
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// A workspace with a writer, a member and a reviewer and one chapter.
    fn workspace() -> Env {
        let env = Env::new();
        let root = env.root.to_str().unwrap().to_string();
        env.ok(&[
            "init",
            &root,
            "--title",
            "Fagligt oplæg til Kræftplan V",
            "--writer",
            "Mette Holm <mette@sst.example>",
        ]);
        let w = ["--as", "mette@sst.example"];
        env.ok(&[
            &w[..],
            &[
                "member",
                "add",
                "--name",
                "Jens Nørgaard",
                "--email",
                "jens@rm.example",
                "--organisation",
                "Region Midtjylland",
            ],
        ]
        .concat());
        env.ok(&[
            &w[..],
            &[
                "member",
                "add",
                "--name",
                "Rasmus Winther",
                "--email",
                "rw@sds.example",
                "--organisation",
                "Sundhedsdatastyrelsen",
                "--role",
                "læser",
            ],
        ]
        .concat());
        std::fs::write(
            env.root.join("drafts/05-rehabilitering.md"),
            "# Rehabilitering\n\nKommunerne varetager *hovedparten* af indsatsen.\nBehovet vokser.\n\nBehovet vokser også i regionerne.\n",
        )
        .unwrap();
        env.ok(&[
            "--as",
            "mette@sst.example",
            "save",
            "-m",
            "Kapitel 5 skrevet",
        ]);
        env
    }
}

#[test]
fn demo_then_status_recommendations_comments_and_log() {
    let env = Env::new();
    let root = env.root.to_str().unwrap().to_string();
    let out = env.ok(&["demo", &root, "--no-tui"]);
    assert!(out.contains(&root), "{out}");

    let status = env.ok(&["status"]);
    assert!(status.contains("Fagligt oplæg til Kræftplan V"), "{status}");
    assert!(status.contains("Kapitler:     12"), "{status}");
    assert!(status.contains("meeting/4"), "{status}");
    assert!(status.contains("Problemer:    ingen"), "{status}");

    let recs = env.json(&["rec", "list"]);
    let recs = recs.as_array().unwrap();
    assert_eq!(recs.len(), 10);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["rank"], i + 1);
    }
    let priority = std::fs::read_to_string(env.root.join("priority.toml")).unwrap();
    assert!(
        priority.find(recs[0]["slug"].as_str().unwrap())
            < priority.find(recs[1]["slug"].as_str().unwrap())
    );

    let comments = env.json(&["comment", "list"]);
    let files = env.git(&["ls-files", "comments"]);
    assert_eq!(comments.as_array().unwrap().len(), files.lines().count());
    let dispositions: std::collections::HashSet<&str> = comments
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["resolution"]["disposition"].as_str())
        .collect();
    assert_eq!(dispositions.len(), 4, "{dispositions:?}");

    let log = env.json(&["log"]);
    let ids: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["commit"].as_str().unwrap())
        .collect();
    let git_ids: Vec<String> = env
        .git(&["log", "--format=%H"])
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(ids, git_ids);
    assert!(log[0]["time"].as_str().unwrap().starts_with("2024-"));
    let tagged: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["tags"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(tagged.len(), 2);
    assert_eq!(
        env.git(&["tag", "-l", "meeting/*"])
            .lines()
            .collect::<Vec<_>>(),
        ["meeting/3", "meeting/4"]
    );

    let text_log = env.ok(&["log"]);
    assert!(text_log.contains("[meeting/4]"), "{text_log}");
    assert!(text_log.contains("(Region Midtjylland)"), "{text_log}");
}

#[test]
fn a_member_comments_on_a_quote_and_a_writer_resolves_it() {
    let env = Env::workspace();
    let before = env.head();
    let out = env.json(&[
        "--as",
        "jens@rm.example",
        "comment",
        "add",
        "--chapter",
        "5",
        "--quote",
        "varetager hovedparten af indsatsen",
        "--body",
        "Husk kommunernes økonomi.",
    ]);
    let id = out["id"].as_str().unwrap().to_string();
    assert_eq!(out["target"]["anchor"]["commit"], before.as_str());
    assert_eq!(out["target"]["chapter"], "rehabilitering");
    assert_eq!(
        env.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "Jens Nørgaard <jens@rm.example>"
    );
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).trim(),
        "Kommentar til kapitel 5 Rehabilitering (Region Midtjylland)"
    );
    assert_eq!(
        env.git(&["show", "--name-status", "--format=", "HEAD"])
            .trim(),
        format!("A\tcomments/{id}.toml")
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "");

    // A reply read from standard input.
    let out = env.run(
        &[
            "--as",
            "mette@sst.example",
            "--format",
            "json",
            "comment",
            "add",
            "--reply-to",
            &id[..8],
            "--body",
            "-",
        ],
        Some("Tak, vi ser på det.\nVenlig hilsen\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["reply_to"], id.as_str());
    assert_eq!(reply["body"], "Tak, vi ser på det.\nVenlig hilsen");

    // Only a writer may resolve.
    let head = env.head();
    let err = env.fails(&[
        "--as",
        "jens@rm.example",
        "comment",
        "resolve",
        &id,
        "--disposition",
        "met",
        "--response",
        "x",
    ]);
    assert!(
        err.contains("medlem") && err.contains("skribenter"),
        "{err}"
    );
    assert_eq!(env.head(), head);
    env.ok(&[
        "--as",
        "mette@sst.example",
        "comment",
        "resolve",
        &id,
        "--disposition",
        "delvist imødekommet",
        "--response",
        "Økonomien er nævnt i afsnit 5.2.",
    ]);
    let file = env.git(&["show", &format!("HEAD:comments/{id}.toml")]);
    assert!(file.contains("status = \"resolved\""), "{file}");
    assert!(file.contains("disposition = \"partly_met\""), "{file}");
    assert!(file.contains("by = \"mette@sst.example\""), "{file}");
    let open = env.json(&["comment", "list", "--status", "open"]);
    assert_eq!(open.as_array().unwrap().len(), 0);
    let shown = env.ok(&["comment", "show", &id]);
    assert!(
        shown.contains("delvist imødekommet") && shown.contains("Tak, vi ser på det."),
        "{shown}"
    );
}

#[test]
fn writers_curate_recommendations_and_meetings() {
    let env = Env::workspace();
    let w = ["--as", "mette@sst.example"];
    env.ok(&[
        &w[..],
        &[
            "rec",
            "add",
            "--title",
            "Tidlig opsporing i almen praksis",
            "--horizon",
            "kort",
        ],
    ]
    .concat());
    env.ok(&[
        &w[..],
        &[
            "rec",
            "add",
            "--title",
            "Rehabilitering til alle",
            "--horizon",
            "medium",
            "--text",
            "Alle får en vurdering.",
        ],
    ]
    .concat());
    env.ok(&[
        &w[..],
        &["rec", "move", "rehabilitering-til-alle", "--to", "1"],
    ]
    .concat());
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).trim(),
        "Anbefaling flyttet fra nr. 2 til nr. 1: Rehabilitering til alle"
    );
    assert_eq!(
        env.git(&["show", "--name-only", "--format=", "HEAD"])
            .trim(),
        "priority.toml"
    );
    // A whole new order as one commit.
    let before = env.git(&["rev-list", "--count", "HEAD"]);
    env.ok(&[&w[..], &["rec", "order", "2", "1"]].concat());
    let after = env.git(&["rev-list", "--count", "HEAD"]);
    assert_eq!(
        after.trim().parse::<usize>().unwrap(),
        before.trim().parse::<usize>().unwrap() + 1
    );
    assert!(
        env.git(&["log", "-1", "--format=%s"])
            .starts_with("Ny prioritering af anbefalingerne (2 flyttet)")
    );
    env.ok(&[&w[..], &["rec", "order", "2", "1"]].concat());
    env.ok(&[
        &w[..],
        &[
            "rec",
            "set",
            "tidlig-opsporing-i-almen-praksis",
            "--horizon",
            "mellemlang",
            "--status",
            "proposed",
            "--chapters",
            "5",
        ],
    ]
    .concat());
    assert!(
        env.git(&["log", "-1", "--format=%s"])
            .contains("tidshorisont kort → mellemlang")
    );
    let recs = env.json(&["rec", "list", "--horizon", "medium"]);
    let slugs: Vec<&str> = recs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "rehabilitering-til-alle",
            "tidlig-opsporing-i-almen-praksis"
        ]
    );
    assert_eq!(recs[1]["chapters"][0], "rehabilitering");

    env.ok(&[
        &w[..],
        &[
            "meeting",
            "add",
            "4",
            "--date",
            "2024-08-28",
            "--title",
            "4. møde i følgegruppen",
            "--deadline",
            "2024-08-21",
        ],
    ]
    .concat());
    env.ok(&[&w[..], &["meeting", "tag", "4"]].concat());
    assert_eq!(env.git(&["cat-file", "-t", "meeting/4"]).trim(), "tag");
    assert!(
        env.git(&["tag", "-l", "--format=%(contents)", "meeting/4"])
            .contains("Dato: 2024-08-28")
    );
    let meetings = env.json(&["meeting", "list"]);
    assert_eq!(meetings[0]["held"], true);
    assert_eq!(meetings[0]["commit"], env.head().as_str());
    let err = env.fails(&[&w[..], &["meeting", "tag", "4"]].concat());
    assert!(err.contains("meeting/4"), "{err}");
}

#[test]
fn bad_input_gives_one_line_and_changes_nothing() {
    let env = Env::workspace();
    let head = env.head();
    let m = ["--as", "jens@rm.example"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "comment",
                "add",
                "--chapter",
                "rehabilitring",
                "--body",
                "x",
            ],
            "mente du «rehabilitering»",
        ),
        (
            vec![
                "comment",
                "add",
                "--chapter",
                "5",
                "--quote",
                "står ikke her",
                "--body",
                "x",
            ],
            "står ikke i kapitlet",
        ),
        (
            vec![
                "comment",
                "add",
                "--chapter",
                "5",
                "--quote",
                "Behovet vokser",
                "--body",
                "x",
            ],
            "2 steder",
        ),
        (
            vec!["comment", "add", "--chapter", "5", "--body", "   "],
            "tom",
        ),
        (
            vec!["comment", "add", "--rec", "../../etc", "--body", "x"],
            "ugyldig",
        ),
        (
            vec!["rec", "add", "--title", "x", "--horizon", "soon"],
            "short | medium | long",
        ),
    ];
    for (args, expected) in cases {
        let err = env.fails(&[&m[..], &args[..]].concat());
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(env.head(), head, "{args:?} moved HEAD");
        assert_eq!(
            env.git(&["status", "--porcelain"]),
            "",
            "{args:?} left files"
        );
    }
    let err = env.fails(&[
        "--as",
        "mette@sst.example",
        "comment",
        "resolve",
        "zzzz",
        "--disposition",
        "met",
        "--response",
        "x",
    ]);
    assert!(err.contains("ukendt kommentar «zzzz»"), "{err}");
    let err = env.fails(&[
        "--as",
        "nobody@x.example",
        "comment",
        "add",
        "--chapter",
        "5",
        "--body",
        "x",
    ]);
    assert!(err.contains("ikke medlem"), "{err}");
    // It says how to act as a member, or how to become one.
    assert!(
        err.contains("--as EMAIL") && err.contains("oplaeg member add"),
        "{err}"
    );
    let err = env.fails(&[
        "--as",
        "rw@sds.example",
        "comment",
        "add",
        "--chapter",
        "5",
        "--body",
        "x",
    ]);
    assert!(err.contains("læser"), "{err}");
    let err = env.fails(&["comment", "add", "--chapter", "5", "--body", "x"]);
    assert!(err.contains("--as"), "no identity: {err}");
    assert_eq!(env.head(), head);
}

#[test]
fn outside_a_workspace_it_says_how_to_start() {
    let env = Env::new();
    std::fs::create_dir_all(&env.root).unwrap();
    let err = env.fails(&["status"]);
    assert!(
        err.contains("oplaeg init") && err.contains("oplaeg demo"),
        "{err}"
    );
    std::fs::write(env.root.join("oplaeg.toml"), "title = \"x\"\n").unwrap();
    let err = env.fails(&["status"]);
    assert!(err.contains("git"), "{err}");
}

#[test]
fn hand_edits_committed_with_git_load_and_broken_files_are_located() {
    let env = Env::workspace();
    std::fs::write(
        env.root.join("drafts/05-rehabilitering.md"),
        "# Rehabilitering og prehabilitering\n\nNy tekst.\n",
    )
    .unwrap();
    std::fs::create_dir_all(env.root.join("recommendations")).unwrap();
    std::fs::write(
        env.root.join("recommendations/skrevet-i-haanden.toml"),
        "title = \"Skrevet i hånden\"\nhorizn = \"long\"\n",
    )
    .unwrap();
    let status = env.ok(&["status"]);
    assert!(
        status.contains("drafts/05-rehabilitering.md"),
        "unsaved files are listed: {status}"
    );
    env.git(&["add", "-A"]);
    let out = isolated("git", &env.home)
        .arg("-C")
        .arg(&env.root)
        .args(["commit", "-qm", "Rettet i hånden"])
        .env("GIT_AUTHOR_NAME", "Mette Holm")
        .env("GIT_AUTHOR_EMAIL", "mette@sst.example")
        .env("GIT_COMMITTER_NAME", "Mette Holm")
        .env("GIT_COMMITTER_EMAIL", "mette@sst.example")
        .output()
        .unwrap();
    assert!(out.status.success());
    let chapters = env.json(&["chapters"]);
    assert_eq!(chapters[1]["title"], "Rehabilitering og prehabilitering");
    let status = env.json(&["status"]);
    let problems = status["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = problems
        .iter()
        .find(|p| p["file"] == "recommendations/skrevet-i-haanden.toml")
        .unwrap();
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(2), Some(1))
    );
    let text = env.ok(&["status"]);
    assert!(
        text.contains(
            "recommendations/skrevet-i-haanden.toml:2:1: ukendt felt `horizn`, forventet en af"
        ),
        "the parser's message is in Danish: {text}"
    );
    let text = env.ok(&["--lang", "en", "status"]);
    assert!(
        text.contains(
            "recommendations/skrevet-i-haanden.toml:2:1: unknown field `horizn`, expected one of"
        ),
        "and in English on request: {text}"
    );
}

#[test]
fn hostile_text_is_escaped_in_text_and_exact_in_json() {
    let env = Env::workspace();
    let body = "Se her\u{1b}]52;c;ZXZpbA==\u{7} og \u{202e}tnemmok\u{200b} slut";
    env.ok(&[
        "--as",
        "jens@rm.example",
        "comment",
        "add",
        "--chapter",
        "5",
        "--body",
        body,
    ]);
    let text = env.ok(&[
        "comment",
        "show",
        env.json(&["comment", "list"])[0]["id"].as_str().unwrap(),
    ]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}]52;c;ZXZpbA=="), "{text}");
    let json = env.json(&["comment", "list"]);
    assert_eq!(json[0]["body"], body);
}

#[test]
fn english_on_request() {
    let env = Env::workspace();
    let status = env.ok(&["--lang", "en", "status"]);
    assert!(status.contains("Chapters:"), "{status}");
    let out = env.run(
        &[
            "--lang",
            "en",
            "--as",
            "jens@rm.example",
            "comment",
            "add",
            "--chapter",
            "nine",
            "--body",
            "x",
        ],
        None,
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("oplaeg: error: unknown chapter «nine»"),
        "{err}"
    );
}
