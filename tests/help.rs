//! The command line as a newcomer meets it: help and usage errors in one
//! language (Danish, English with `--lang en` or `LANG`), shell completion
//! that knows the workspace's names, a man page, and chapter names accepted
//! as people type them.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use oplaeg::i18n::Lang;

const BIN: &str = env!("CARGO_BIN_EXE_oplaeg");

fn oplaeg(dir: &Path, args: &[&str], lang: &str) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("COMPLETE")
        .output()
        .expect("oplaeg runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Words clap writes by itself in English.
const CLAP_ENGLISH: [&str; 10] = [
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Print help",
    "Print version",
    "Possible values",
    "[default:",
    "unexpected argument",
    "[OPTIONS]",
];

/// Our Danish headings and words.
const DANISH: [&str; 6] = [
    "Brug:",
    "Tilvalg:",
    "Kommandoer:",
    "Argumenter:",
    "Vis denne hjælp",
    "Fælles tilvalg",
];

/// Every command path of the tree (`comment add`, `export notat` …).
fn paths() -> Vec<String> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_string()
            } else {
                format!("{path} {}", s.get_name())
            };
            out.push(p.clone());
            walk(s, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&oplaeg::cli::help::command(Lang::Da), "", &mut out);
    out
}

#[test]
fn every_help_is_danish_throughout_and_english_with_lang_en() {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec![String::new()];
    all.extend(paths());
    assert!(all.len() > 30, "the command tree has its commands: {all:?}");
    for path in &all {
        let mut args: Vec<&str> = path.split_whitespace().collect();
        args.push("--help");
        let o = oplaeg(tmp.path(), &args, "da_DK.UTF-8");
        assert!(o.status.success(), "{path} --help: {}", text(&o));
        let da = text(&o);
        for w in CLAP_ENGLISH {
            assert!(!da.contains(w), "«{path} --help» says «{w}»:\n{da}");
        }
        assert!(da.contains("Brug: oplaeg"), "{path}:\n{da}");
        assert!(da.contains("Vis denne hjælp"), "{path}:\n{da}");
        // Every option is described: no line of an option that ends at its
        // value name.
        for line in da.lines() {
            let l = line.trim();
            if l.starts_with("--") && !l.contains("  ") && !da.contains(&format!("{l}\n          "))
            {
                panic!("«{path} --help» leaves «{l}» without a description:\n{da}");
            }
        }
        // English: both by --lang en and by LANG.
        let mut en_args = vec!["--lang", "en"];
        en_args.extend(args.iter().copied());
        for o in [
            oplaeg(tmp.path(), &en_args, "da_DK.UTF-8"),
            oplaeg(tmp.path(), &args, "en_GB.UTF-8"),
        ] {
            assert!(o.status.success(), "{path} --help in English: {}", text(&o));
            let en = text(&o);
            for w in DANISH {
                assert!(!en.contains(w), "English «{path} --help» says «{w}»:\n{en}");
            }
            assert!(en.contains("Usage: oplaeg"), "{path}:\n{en}");
        }
    }
}

/// Every command of the tree, built as the program builds it, with its path.
fn tree(lang: Lang) -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.to_string(), cmd.clone()));
        for s in cmd.get_subcommands() {
            walk(s, &format!("{path} {}", s.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&oplaeg::cli::help::command(lang), "oplaeg", &mut out);
    out
}

/// The help as every renderer gives it (the binary's `--help` is tested
/// above; the book's command pages render the tree in-process), short and
/// long, in Danish without a word of clap's English, and in English with
/// clap's own words in the usage line.
#[test]
fn every_rendered_help_in_the_tree_speaks_one_language() {
    const ENGLISH_WORDS: [&str; 7] = [
        "Usage",
        "OPTIONS",
        "COMMAND",
        "Options",
        "Commands",
        "Arguments",
        "Print help",
    ];
    let da = tree(Lang::Da);
    assert!(da.len() > 30, "the tree has its commands");
    for (path, cmd) in da {
        for help in [cmd.clone().render_help(), cmd.clone().render_long_help()] {
            let help = help.to_string();
            for w in ENGLISH_WORDS {
                assert!(!help.contains(w), "«{path}» help says «{w}»:\n{help}");
            }
            let usage = format!("\nBrug: {path}");
            assert!(
                help.contains(&usage),
                "«{path}» help has no «{usage}»:\n{help}"
            );
        }
    }
    for (path, cmd) in tree(Lang::En) {
        let help = cmd.clone().render_long_help().to_string();
        let usage = format!("\nUsage: {path}");
        assert!(
            help.contains(&usage),
            "«{path}» help has no «{usage}»:\n{help}"
        );
        for w in ["Brug", "TILVALG", "KOMMANDO", "Tilvalg"] {
            assert!(
                !help.contains(w),
                "English «{path}» help says «{w}»:\n{help}"
            );
        }
    }
    // A command with options and subcommands names both, in each language.
    let comment = |lang| {
        let (_, cmd) = tree(lang)
            .into_iter()
            .find(|(p, _)| p == "oplaeg comment")
            .expect("oplaeg comment");
        cmd.clone().render_help().to_string()
    };
    assert!(comment(Lang::Da).contains("Brug: oplaeg comment [TILVALG] <KOMMANDO>\n"));
    assert!(comment(Lang::En).contains("Usage: oplaeg comment [OPTIONS] <COMMAND>\n"));
}

#[test]
fn subcommand_help_names_only_its_own_options_and_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let o = oplaeg(tmp.path(), &["comment", "add", "--help"], "da_DK.UTF-8");
    let help = text(&o);
    // The options every command takes are named once, at the foot.
    assert!(!help.contains("--repo <"), "{help}");
    assert!(help.contains("Fælles tilvalg: --repo MAPPE"), "{help}");
    // --format offers what this command can write, not export formats.
    assert!(help.contains("text eller json"), "{help}");
    assert!(!help.contains("docx"), "{help}");
    assert!(help.contains("--body <TEKST>"), "{help}");
    let export = text(&oplaeg(
        tmp.path(),
        &["export", "notat", "--help"],
        "da_DK.UTF-8",
    ));
    assert!(export.contains("md, html eller docx"), "{export}");
}

#[test]
fn mistakes_are_explained_in_the_users_language() {
    let tmp = tempfile::tempdir().unwrap();
    let o = oplaeg(tmp.path(), &["comment", "add", "--bdy", "x"], "da_DK.UTF-8");
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o);
    assert!(e.contains("oplaeg: fejl: ukendt tilvalg «--bdy»"), "{e}");
    assert!(e.contains("mente du «--body»?"), "{e}");
    assert!(e.contains("Brug: oplaeg comment add"), "{e}");
    assert!(e.contains("«oplaeg comment add --help»"), "{e}");
    for w in CLAP_ENGLISH {
        assert!(!e.contains(w), "says «{w}»:\n{e}");
    }

    let o = oplaeg(
        tmp.path(),
        &["--lang", "en", "comment", "add", "--bdy", "x"],
        "da_DK.UTF-8",
    );
    let e = text(&o);
    assert!(e.contains("oplaeg: error: unknown option «--bdy»"), "{e}");
    assert!(e.contains("did you mean «--body»?"), "{e}");

    let e = text(&oplaeg(
        tmp.path(),
        &["rec", "move", "x", "--to", "abc"],
        "da_DK.UTF-8",
    ));
    assert!(e.contains("skal være et helt tal"), "{e}");
    let e = text(&oplaeg(tmp.path(), &["kommentar"], "da_DK.UTF-8"));
    assert!(e.contains("ukendt kommando «kommentar»"), "{e}");
    let o = oplaeg(tmp.path(), &["init"], "da_DK.UTF-8");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("mangler: «--title <TITEL>»"),
        "{}",
        text(&o)
    );
    // What the person typed is shown, never obeyed by the terminal.
    let e = text(&oplaeg(tmp.path(), &["--\x1b]0;x\x07"], "da_DK.UTF-8"));
    assert!(!e.contains('\x1b') && !e.contains('\x07'), "{e:?}");
    // `help WORDS` is the same as `WORDS --help`.
    let o = oplaeg(tmp.path(), &["help", "comment", "add"], "da_DK.UTF-8");
    assert!(o.status.success());
    assert!(text(&o).contains("Brug: oplaeg comment add"));
}

#[test]
fn bash_completes_commands_and_the_workspaces_names() {
    if !common::tools::available("bash completion", &["bash"], "bash") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = oplaeg(
        tmp.path(),
        &["demo", "--no-tui", demo.to_str().unwrap()],
        "da_DK.UTF-8",
    );
    assert!(o.status.success(), "{}", text(&o));
    let script = oplaeg(tmp.path(), &["completions", "bash"], "da_DK.UTF-8");
    assert!(script.status.success());
    let script_path = tmp.path().join("oplaeg.bash");
    std::fs::write(&script_path, &script.stdout).unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    // What bash does on Tab: fill COMP_WORDS/COMP_CWORD and call the
    // registered function, then read COMPREPLY.
    let complete = |words: &[&str]| -> Vec<String> {
        let cword = words.len() - 1;
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let line = format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; COMP_TYPE=9; \
             _clap_complete_oplaeg oplaeg '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script_path.display(),
            quoted.join(" "),
            words[cword],
            words[cword.saturating_sub(1)],
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &line])
            .current_dir(&demo)
            .env(
                "PATH",
                format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
            )
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("COMPLETE")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let commands = complete(&["oplaeg", "comm"]);
    assert!(commands.iter().any(|c| c == "comment"), "{commands:?}");
    let chapters = complete(&["oplaeg", "chapter", "reh"]);
    assert!(
        chapters.iter().any(|c| c.starts_with("rehabilitering")),
        "{chapters:?}"
    );
    let recs = complete(&["oplaeg", "rec", "show", "tidlig"]);
    assert!(recs.len() >= 2, "{recs:?}");
    assert!(recs.iter().all(|r| r.starts_with("tidlig")), "{recs:?}");
    // Comment ids come from the workspace too.
    let list = oplaeg(
        &demo,
        &["comment", "list", "--format", "json"],
        "da_DK.UTF-8",
    );
    let comments: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = comments.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ids = complete(&["oplaeg", "comment", "show", &id[..6]]);
    assert!(ids.iter().any(|c| c.starts_with(&id)), "{id}: {ids:?}");
    // Options as well.
    let opts = complete(&["oplaeg", "comment", "add", "--bo"]);
    assert!(opts.iter().any(|c| c.starts_with("--body")), "{opts:?}");
}

#[test]
fn the_man_page_is_roff_in_the_users_language() {
    let tmp = tempfile::tempdir().unwrap();
    let o = oplaeg(tmp.path(), &["man"], "da_DK.UTF-8");
    assert!(o.status.success());
    let man = String::from_utf8(o.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH oplaeg 1"),
        "{man}"
    );
    assert!(man.contains(".SH NAVN"), "{man}");
    assert!(man.contains("comment"), "{man}");
    let en = String::from_utf8(oplaeg(tmp.path(), &["--lang", "en", "man"], "da_DK.UTF-8").stdout)
        .unwrap();
    assert!(en.contains(".SH NAME"), "{en}");
}

#[test]
fn chapters_and_recommendations_are_found_as_people_type_them() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    assert!(
        oplaeg(
            tmp.path(),
            &["demo", "--no-tui", demo.to_str().unwrap()],
            "da_DK.UTF-8"
        )
        .status
        .success()
    );
    for (typed, title) in [
        ("5", "# Rehabilitering"),
        ("05-rehabilitering", "# Rehabilitering"),
        ("05-rehabilitering.md", "# Rehabilitering"),
        ("REHABILITERING", "# Rehabilitering"),
        ("senfølger", "# Senfølger"),
        ("Senfoelger", "# Senfølger"),
        ("kunstig intelligens", "# Teknologi og kunstig intelligens"),
        ("Tidlig opsporing", "# Tidlig opsporing"),
        ("rehab", "# Rehabilitering"),
    ] {
        let o = oplaeg(&demo, &["chapter", typed], "da_DK.UTF-8");
        assert!(o.status.success(), "{typed}: {}", text(&o));
        let first = String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        assert_eq!(first, title, "{typed}");
    }
    let e = text(&oplaeg(
        &demo,
        &["chapter", "rehabiliterin g"],
        "da_DK.UTF-8",
    ));
    assert!(e.contains("mente du «rehabilitering»?"), "{e}");
    let e = text(&oplaeg(&demo, &["rec", "show", "tidlig"], "da_DK.UTF-8"));
    assert!(e.contains("passer på flere"), "{e}");
    let e = text(&oplaeg(
        &demo,
        &["chapter", "../../etc/passwd"],
        "da_DK.UTF-8",
    ));
    assert!(e.contains("ugyldig kapitel-slug"), "{e}");
    // The same lookup serves writing: a comment on a chapter named by its title.
    let o = oplaeg(
        &demo,
        &[
            "--as",
            "jens.noergaard@rm.example",
            "comment",
            "add",
            "--chapter",
            "Senfølger",
            "--body",
            "Husk senfølger hos børn.",
        ],
        "da_DK.UTF-8",
    );
    assert!(o.status.success(), "{}", text(&o));
    let files = common::git(&demo, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(files.contains("comments/"), "{files}");
}
