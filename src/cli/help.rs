//! Help, usage errors, completions and the man page in the user's language.
//!
//! clap writes its own words in English ("Usage:", "Options:", "Print help",
//! "error: unexpected argument"). The grammar in [`super::args`] keeps the
//! Danish texts as doc comments; this module walks the command tree once at
//! start-up and makes everything the person reads Danish, or English with
//! `--lang en` / `LANG=en…`:
//! - each command gets a help template with our own headings, and its own
//!   `-h/--help` (and, at the top, `-V/--version`) with our own words;
//! - each argument's possible values and default are written by us;
//! - the options every command takes (`--repo`, `--as`, `--lang`, `--format`)
//!   are named once at the foot of a subcommand's help instead of being
//!   listed in each (and `--format` names only the formats that command
//!   takes);
//! - English texts come from [`ENGLISH`], keyed by the command's path and the
//!   argument's id; a unit test fails when one is missing;
//! - parse errors are rendered here from clap's error kinds and context.

use std::ffi::OsString;

use clap::builder::{PossibleValue, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use super::Cli;
use crate::i18n::Lang;

/// The command tree with every text in `lang`.
pub fn command(lang: Lang) -> Command {
    let root = Cli::command();
    let globals: Vec<Arg> = root
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let mut cmd = localize(root, "", lang, &globals)
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(pick(lang, "Vis versionen", "Show the version"))
                .help_heading(pick(lang, "Tilvalg", "Options")),
        );
    // Usage lines are known (with each command's full name) once the tree
    // is built.
    cmd.build();
    with_usage(cmd, "", lang)
}

/// Gives a built command (and its subcommands) a help template whose usage
/// line is in `lang`. clap writes the line's `[OPTIONS]` by itself and has
/// no setting for it, so the line clap makes is put into the template in
/// our words: every rendering of the help (`--help`, the book's command
/// pages, help shown for a missing command) then says the same.
fn with_usage(mut cmd: Command, path: &str, lang: Lang) -> Command {
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim();
    let usage = localize_words(lang, usage.strip_prefix("Usage:").unwrap_or(usage).trim());
    let foot = if path.is_empty() {
        String::new()
    } else {
        global_foot(path, lang)
    };
    let heading = pick(lang, "Brug:", "Usage:");
    // The usage is literal text here; braces would read as a placeholder.
    let usage = usage.replace('{', "(").replace('}', ")");
    cmd = cmd.help_template(format!(
        "{{about-with-newline}}\n{heading} {usage}\n\n{{all-args}}{{after-help}}{foot}"
    ));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| with_usage(s, &sub_path, lang));
    }
    cmd
}

/// Parses the process's command line, or prints help, the version or a
/// usage error in the user's language and exits (0 for help and version,
/// 2 for a mistake, as clap does).
pub fn parse(lang: Lang) -> Cli {
    let args = help_word_to_flag(std::env::args_os().collect());
    parse_quickly(&args)
        .or_else(|_| parse_in(lang, args))
        .unwrap_or_else(|e| exit_with(lang, &e))
}

/// A command line read with the grammar alone ([`Cli::command`]), without
/// the texts in the user's language: those change no meaning, and putting
/// them into every command of the tree costs about a millisecond, so they
/// are only put in when something is to be shown. Any `Err` (help, the
/// version, a mistake) sends the caller to [`parse_in`], which reads the
/// line again and says it in the user's words.
///
/// What `Ok` holds is what [`parse_in`] holds for the same line (the test
/// `a_line_reads_the_same_without_the_texts` checks every command):
/// localizing adds no argument that takes part in a successful parse. Its
/// own `-h`/`-V` and clap's (and clap's `help` subcommand) all end in an
/// `Err`; its hidden copies of the global options in each subcommand are
/// what clap propagates itself.
fn parse_quickly(args: &[OsString]) -> Result<Cli, clap::Error> {
    read_with(&mut Cli::command(), args)
}

/// A command line read with the tree in `lang` ([`command`]).
fn parse_in(lang: Lang, args: Vec<OsString>) -> Result<Cli, clap::Error> {
    read_with(&mut command(lang), &args)
}

fn read_with(cmd: &mut Command, args: &[OsString]) -> Result<Cli, clap::Error> {
    let matches = cmd.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches)
}

/// The language asked for on the command line (`--lang X`, `--lang=X`),
/// looked up before parsing so that help and errors already speak it.
/// `Err` carries a value that names no language.
pub fn lang_in_args(args: &[OsString]) -> Result<Option<Lang>, String> {
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = iter.next() {
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            iter.next().map(|v| v.into_owned())
        } else {
            a.strip_prefix("--lang=").map(str::to_string)
        };
        if let Some(v) = value {
            return Lang::parse(&v).map(Some).ok_or(v);
        }
    }
    Ok(None)
}

/// `oplaeg help comment add` (or `hjælp`) means `oplaeg comment add --help`.
fn help_word_to_flag(mut args: Vec<OsString>) -> Vec<OsString> {
    let is_help_word = |a: &OsString| {
        let a = a.to_string_lossy().to_lowercase();
        a == "help" || a == "hjælp" || a == "hjaelp"
    };
    // The first word that is neither an option nor the value of one of the
    // options that come before a command.
    let mut pos = 1;
    while let Some(a) = args.get(pos) {
        let a = a.to_string_lossy();
        if ["--repo", "--as", "--lang", "--format"].contains(&a.as_ref()) {
            pos += 2;
        } else if a.starts_with('-') {
            pos += 1;
        } else {
            break;
        }
    }
    if args.get(pos).is_some_and(is_help_word) {
        args.remove(pos);
        args.push("--help".into());
    }
    args
}

fn pick(lang: Lang, da: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Da => da,
        Lang::En => en,
    }
}

/// The English text for a key of [`ENGLISH`].
fn english(key: &str) -> Option<&'static str> {
    ENGLISH.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Makes one command (and, recursively, its subcommands) speak `lang`.
fn localize(mut cmd: Command, path: &str, lang: Lang, globals: &[Arg]) -> Command {
    let top = path.is_empty();
    let key = if top { "oplaeg" } else { path };
    if lang == Lang::En {
        if let Some(about) = english(&format!("{key}#about")) {
            cmd = cmd.about(about).long_about(None::<&str>);
        }
        if top && let Some(long) = english("oplaeg#long_about") {
            cmd = cmd.long_about(long);
        }
        if let Some(after) = english(&format!("{key}#after")) {
            cmd = cmd.after_help(after);
        }
    }
    let has_subcommands = cmd.has_subcommands();
    // The help template, with the usage line in our words, is set once the
    // tree is built ([`with_usage`]).
    cmd = cmd
        .disable_help_flag(true)
        .subcommand_help_heading(pick(lang, "Kommandoer", "Commands"))
        .subcommand_value_name(pick(lang, "KOMMANDO", "COMMAND"));

    // The subcommand gets its own hidden copies of the global options, so
    // that clap does not list them in its help (it copies a global option
    // only where none of that name exists); they stay global, so values
    // given after the subcommand still reach the top.
    if !top {
        for g in globals {
            if cmd.get_arguments().any(|a| a.get_id() == g.get_id()) {
                continue;
            }
            let mut copy = g.clone().hide(true);
            if g.get_id() == "format" {
                copy = copy.hide(false).help(format_help(path, lang));
            }
            cmd = cmd.arg(copy);
        }
    }

    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let path = path.to_string();
        cmd = cmd.mut_arg(&id, |a| localize_arg(a, &path, lang, top));
    }
    cmd = cmd.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(pick(lang, "Vis denne hjælp", "Show this help"))
            .help_heading(pick(lang, "Tilvalg", "Options")),
    );

    if has_subcommands {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for name in names {
            let sub_path = if top {
                name.clone()
            } else {
                format!("{path} {name}")
            };
            cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path, lang, globals));
        }
    }
    cmd
}

/// One argument: its text in `lang`, its possible values and default in our
/// words, a Danish value name, and completion of workspace names.
fn localize_arg(mut arg: Arg, path: &str, lang: Lang, top: bool) -> Arg {
    let id = arg.get_id().to_string();
    let global = arg.is_global_set();
    if global && !top && id != "format" {
        return arg;
    }
    let key = if top {
        format!("oplaeg {id}")
    } else {
        format!("{path} {id}")
    };
    let mut help = if global && id == "format" && !top {
        arg.get_help().map(|h| h.to_string()).unwrap_or_default()
    } else {
        match lang {
            Lang::Da => arg.get_help().map(|h| h.to_string()).unwrap_or_default(),
            Lang::En => english(&key)
                .or_else(|| english(&format!("* {id}")))
                .unwrap_or_default()
                .to_string(),
        }
    };
    if help.is_empty() && lang == Lang::Da {
        help = danish_fallback(&id).unwrap_or_default().to_string();
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(PossibleValue::get_name)
        .map(str::to_string)
        .collect();
    if !(values.is_empty() || global && id == "format") && arg.get_action().takes_values() {
        help.push_str(&format!(
            " [{}: {}]",
            pick(lang, "mulige værdier", "possible values"),
            values.join(", ")
        ));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() && !(global && id == "format") {
        help.push_str(&format!(
            " [{}: {}]",
            pick(lang, "standard", "default"),
            defaults.join(", ")
        ));
    }
    if arg.get_action().takes_values() {
        // clap's derive names a value after its field, in capitals (English
        // in a Danish help): those get a name in `lang`; a name written in
        // the grammar (Danish) is translated for English.
        let derived = match arg.get_value_names() {
            None => true,
            Some(names) => names.len() == 1 && names[0].as_str() == id.to_uppercase(),
        };
        if derived {
            if let Some(name) = value_name(&id, lang) {
                arg = arg.value_name(name);
            }
        } else if lang == Lang::En
            && let Some(names) = arg.get_value_names()
        {
            let english: Option<Vec<&'static str>> = names
                .iter()
                .map(|n| english_value_name(n.as_str()))
                .collect();
            if let Some(english) = english {
                arg = arg.value_names(english);
            }
        }
        arg = arg.hide_possible_values(true).hide_default_value(true);
    }
    let heading = if arg.is_positional() {
        pick(lang, "Argumenter", "Arguments")
    } else if global && top {
        pick(
            lang,
            "Fælles tilvalg (gælder alle kommandoer)",
            "Options for every command",
        )
    } else {
        pick(lang, "Tilvalg", "Options")
    };
    arg = arg
        .help(help)
        .long_help(None::<&str>)
        .hide_env(true)
        .help_heading(heading);
    match id.as_str() {
        "chapter" => arg.add(ArgValueCandidates::new(|| candidates(Names::Chapters))),
        "rec" => arg.add(ArgValueCandidates::new(|| {
            candidates(Names::Recommendations)
        })),
        "id" | "reply_to" => arg.add(ArgValueCandidates::new(|| candidates(Names::Comments))),
        _ => arg,
    }
}

/// Danish help for the few arguments whose meaning their name says.
fn danish_fallback(id: &str) -> Option<&'static str> {
    Some(match id {
        "title" => "Titel",
        "chapter" => "Kapitlets slug, nummer eller titel",
        "rec" => "Anbefalingens slug eller nummer i prioriteringen",
        "id" => "Kommentarens id (eller de første mindst 4 tegn af det)",
        "name" => "Navn",
        "email" => "E-mailadresse",
        "organisation" => "Organisation",
        "number" => "Mødets nummer",
        _ => return None,
    })
}

/// A value name in `lang` for an argument id (clap's default is the id in
/// capitals, English in a Danish help).
fn value_name(id: &str, lang: Lang) -> Option<&'static str> {
    let (da, en) = match id {
        "title" => ("TITEL", "TITLE"),
        "horizon" => ("HORISONT", "HORIZON"),
        "text" | "realizability" | "kraeftplan_iv" | "goal" => ("TEKST", "TEXT"),
        "body" => ("TEKST", "TEXT"),
        "slug" => ("SLUG", "SLUG"),
        "to" => ("NR", "RANK"),
        "recs" => ("ANBEFALINGER", "RECOMMENDATIONS"),
        "status" => ("STATUS", "STATUS"),
        "chapters" => ("KAPITLER", "CHAPTERS"),
        "chapter" => ("KAPITEL", "CHAPTER"),
        "rec" => ("ANBEFALING", "RECOMMENDATION"),
        "quote" => ("CITAT", "QUOTE"),
        "name" => ("NAVN", "NAME"),
        "email" => ("EMAIL", "EMAIL"),
        "organisation" => ("ORGANISATION", "ORGANISATION"),
        "role" => ("ROLLE", "ROLE"),
        "date" | "deadline" => ("ÅÅÅÅ-MM-DD", "YYYY-MM-DD"),
        "disposition" => ("AFGØRELSE", "DISPOSITION"),
        "response" => ("SVAR", "RESPONSE"),
        "id" => ("ID", "ID"),
        "reply_to" => ("ID", "ID"),
        "message" => ("BESKED", "MESSAGE"),
        "limit" => ("ANTAL", "COUNT"),
        "output" => ("FIL", "FILE"),
        "at" | "since" | "changes_since" => ("VERSION", "REVISION"),
        "writer" => ("\"NAVN <EMAIL>\"", "\"NAME <EMAIL>\""),
        "remote" => ("SERVER", "REMOTE"),
        "url" => ("ADRESSE", "ADDRESS"),
        "number" => ("NUMMER", "NUMBER"),
        "path" => ("MAPPE", "FOLDER"),
        "range" => ("OMRÅDE", "RANGE"),
        "from" => ("FRA", "FROM"),
        "shell" => ("SKAL", "SHELL"),
        _ => return None,
    };
    Some(pick(lang, da, en))
}

/// The English for the Danish value names written in [`super::args`].
fn english_value_name(danish: &str) -> Option<&'static str> {
    Some(match danish {
        "MAPPE" => "FOLDER",
        "SPROG" => "LANGUAGE",
        "ANTAL" => "COUNT",
        "BESKED" => "MESSAGE",
        "ADRESSE" => "ADDRESS",
        "FIL" => "FILE",
        "VERSION" => "REVISION",
        "\"NAVN <EMAIL>\"" => "\"NAME <EMAIL>\"",
        "KAPITEL" => "CHAPTER",
        "TEKST" => "TEXT",
        "NR" => "RANK",
        "EMAIL" => "EMAIL",
        "ID" => "ID",
        "SLUG" => "SLUG",
        "REF" => "REF",
        "SERVER" => "REMOTE",
        "SKAL" => "SHELL",
        "N" => "N",
        "DATO" => "DATE",
        "A,B,C" => "A,B,C",
        "X,Y" => "X,Y",
        "SLUG=TEKST" => "SLUG=TEXT",
        "TEGN" => "COLUMNS",
        _ => return None,
    })
}

/// What `--format` means for the command at `path`.
fn format_help(path: &str, lang: Lang) -> &'static str {
    if path.starts_with("export") || path == "ranking export" {
        pick(
            lang,
            "Filformat: md, html eller docx (standard: efter filnavnets endelse)",
            "File format: md, html or docx (default: from the file name's ending)",
        )
    } else if path == "diff" {
        pick(
            lang,
            "Uddata: text, json eller html [standard: text]",
            "Output: text, json or html [default: text]",
        )
    } else {
        pick(
            lang,
            "Uddata: text eller json [standard: text]",
            "Output: text or json [default: text]",
        )
    }
}

/// The foot of a subcommand's help: the options every command takes.
fn global_foot(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!(
            "\n\nFælles tilvalg: --repo MAPPE, --as EMAIL, --lang da|en (se «oplaeg --help»).\nMere om kommandoen: «oplaeg {path} --help»."
        ),
        Lang::En => format!(
            "\n\nOptions for every command: --repo FOLDER, --as EMAIL, --lang da|en (see «oplaeg --help»).\nMore on this command: «oplaeg {path} --help»."
        ),
    }
}

enum Names {
    Chapters,
    Recommendations,
    Comments,
}

/// Names in the workspace for shell completion: the workspace named by
/// `--repo` on the line being completed, else the one around the current
/// folder. Nothing when there is none (completion must never fail loudly).
fn candidates(names: Names) -> Vec<CompletionCandidate> {
    let args: Vec<String> = std::env::args().collect();
    let repo = args
        .iter()
        .position(|a| a == "--repo")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from)
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--repo=").map(std::path::PathBuf::from))
        });
    let Ok(store) = crate::ops::open_store(repo.as_deref()) else {
        return Vec::new();
    };
    let Ok(ws) = store.load(&crate::store::Rev::head()) else {
        return Vec::new();
    };
    let plain = |s: &str| crate::text::for_terminal(s, false).into_owned();
    match names {
        Names::Chapters => ws
            .chapters
            .iter()
            .map(|c| CompletionCandidate::new(&c.slug).help(Some(plain(&c.title).into())))
            .collect(),
        Names::Recommendations => ws
            .recommendations
            .iter()
            .map(|r| CompletionCandidate::new(&r.slug).help(Some(plain(&r.title).into())))
            .collect(),
        Names::Comments => ws
            .comments
            .iter()
            .map(|c| {
                let first = c.body.lines().next().unwrap_or_default();
                let help = format!("{}: {}", c.author.name, crate::text::truncate(first, 50));
                CompletionCandidate::new(c.id.to_string()).help(Some(plain(&help).into()))
            })
            .collect(),
    }
}

/// Handles the shell's completion requests (`COMPLETE=bash oplaeg -- …`)
/// before anything else runs, and exits when it was one.
pub fn complete_if_asked(lang: Lang) {
    clap_complete::CompleteEnv::with_factory(move || command(lang)).complete();
}

/// The script that registers completion for `shell` (bash, zsh, fish,
/// elvish, powershell): it asks `oplaeg` itself for candidates, so chapter
/// and recommendation slugs and comment ids come from the workspace.
pub fn completion_script(shell: &str, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let shells = clap_complete::env::Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        let known: Vec<&str> = shells.names().collect();
        anyhow::bail!(crate::tr!(
            "kender ikke skallen «{}»; vælg en af: {}",
            "unknown shell «{}»; choose one of: {}",
            crate::text::for_terminal(shell, false),
            known.join(", ")
        ));
    };
    completer.write_registration("COMPLETE", "oplaeg", "oplaeg", "oplaeg", out)?;
    Ok(())
}

/// The man page (roff) of the whole command, in `lang`.
pub fn man_page(lang: Lang, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut cmd = command(lang);
    cmd.build();
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut roff)?;
    let roff = String::from_utf8_lossy(&roff);
    // clap_mangen names its sections in English.
    let sections: &[(&str, &str)] = match lang {
        Lang::Da => &[
            ("NAME", "NAVN"),
            ("SYNOPSIS", "BRUG"),
            ("DESCRIPTION", "BESKRIVELSE"),
            ("OPTIONS", "TILVALG"),
            ("Kommandoer", "KOMMANDOER"),
            ("EXTRA", "EKSEMPLER"),
        ],
        Lang::En => &[("Commands", "COMMANDS"), ("EXTRA", "EXAMPLES")],
    };
    for line in roff.lines() {
        let line = match line.strip_prefix(".SH ") {
            Some(name) => match sections.iter().find(|(from, _)| *from == name) {
                Some((_, to)) => format!(".SH {to}"),
                None => line.to_string(),
            },
            None => line.to_string(),
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Prints what clap's error says, in `lang`, and exits.
fn exit_with(lang: Lang, e: &clap::Error) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", e.render());
            std::process::exit(0)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            std::process::exit(2)
        }
        _ => {
            eprintln!("{}", render_error(lang, e));
            std::process::exit(2)
        }
    }
}

/// Replaces the words clap writes into a usage line by itself (the
/// subcommand's value name is ours already: `KOMMANDO`).
fn localize_words(lang: Lang, s: &str) -> String {
    match lang {
        Lang::Da => s.replace("[OPTIONS]", "[TILVALG]"),
        Lang::En => s.to_string(),
    }
}

fn context_string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(StyledStr::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

fn quoted_list(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::Strings(v) if !v.is_empty() => Some(
            v.iter()
                .map(|s| format!("«{s}»"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::String(s) => Some(format!("«{s}»")),
        _ => None,
    }
}

/// A usage error as a person should read it: what is wrong, a suggestion
/// where clap has one, the usage line and where to read more. Everything the
/// person typed is made terminal-safe.
pub fn render_error(lang: Lang, e: &clap::Error) -> String {
    let safe = |s: String| crate::text::for_terminal(&s, false).into_owned();
    let arg = context_string(e, ContextKind::InvalidArg)
        .map(safe)
        .unwrap_or_default();
    let value = context_string(e, ContextKind::InvalidValue)
        .map(safe)
        .unwrap_or_default();
    let prior = context_string(e, ContextKind::PriorArg)
        .map(safe)
        .unwrap_or_default();
    let da = lang == Lang::Da;
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => {
            if da {
                format!("ukendt tilvalg «{arg}»")
            } else {
                format!("unknown option «{arg}»")
            }
        }
        ErrorKind::InvalidSubcommand => {
            let sub = context_string(e, ContextKind::InvalidSubcommand)
                .map(safe)
                .unwrap_or_default();
            if da {
                format!("ukendt kommando «{sub}»")
            } else {
                format!("unknown command «{sub}»")
            }
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            if da {
                format!("«{arg}» mangler en værdi")
            } else {
                format!("«{arg}» needs a value")
            }
        }
        ErrorKind::InvalidValue => {
            let mut m = if da {
                format!("ugyldig værdi «{value}» til «{arg}»")
            } else {
                format!("invalid value «{value}» for «{arg}»")
            };
            if let Some(valid) = context_string(e, ContextKind::ValidValue) {
                m.push_str(&if da {
                    format!("; mulige værdier: {valid}")
                } else {
                    format!("; possible values: {valid}")
                });
            }
            m
        }
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let number = source.contains("digit")
                || source.contains("number")
                || source.contains("empty string");
            match (da, number) {
                (true, true) => format!("«{value}» til «{arg}» skal være et helt tal, fx 3"),
                (true, false) => format!("ugyldig værdi «{value}» til «{arg}»"),
                (false, true) => format!("«{value}» for «{arg}» must be a whole number, e.g. 3"),
                (false, false) => format!("invalid value «{value}» for «{arg}»: {}", safe(source)),
            }
        }
        ErrorKind::ArgumentConflict => {
            if da {
                format!("«{arg}» kan ikke bruges sammen med «{prior}»")
            } else {
                format!("«{arg}» cannot be used together with «{prior}»")
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = quoted_list(e, ContextKind::InvalidArg)
                .map(safe)
                .unwrap_or_default();
            if da {
                format!("mangler: {missing}")
            } else {
                format!("missing: {missing}")
            }
        }
        ErrorKind::MissingSubcommand => {
            if da {
                "vælg en kommando".to_string()
            } else {
                "choose a command".to_string()
            }
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            if da {
                format!("forkert antal værdier til «{arg}»")
            } else {
                format!("wrong number of values for «{arg}»")
            }
        }
        ErrorKind::NoEquals => {
            if da {
                format!("skriv «{arg}=VÆRDI»")
            } else {
                format!("write «{arg}=VALUE»")
            }
        }
        ErrorKind::InvalidUtf8 => {
            if da {
                "kommandolinjen indeholder tekst, der ikke er UTF-8".to_string()
            } else {
                "the command line holds text that is not UTF-8".to_string()
            }
        }
        _ => safe(e.kind().as_str().unwrap_or("?").to_string()),
    };
    let suggestion = context_string(e, ContextKind::SuggestedArg)
        .or_else(|| context_string(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context_string(e, ContextKind::SuggestedValue));
    if let Some(s) = suggestion {
        msg.push_str(&if da {
            format!("\n\n  tip: mente du «{}»?", safe(s))
        } else {
            format!("\n\n  tip: did you mean «{}»?", safe(s))
        });
    }
    if e.kind() == ErrorKind::UnknownArgument && !arg.starts_with("--") && arg.starts_with('-') {
        msg.push_str(&if da {
            format!("\n\n  tip: er «{arg}» en tekst, så skriv «-- {arg}»")
        } else {
            format!("\n\n  tip: if «{arg}» is text, write «-- {arg}»")
        });
    }
    let label = if da { "fejl" } else { "error" };
    let mut out = format!("oplaeg: {label}: {msg}");
    if let Some(usage) = context_string(e, ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        let usage = localize_words(lang, usage);
        let path: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        let path = path.join(" ");
        out.push_str(&if da {
            format!("\n\nBrug: {usage}\n\nSkriv «{path} --help» for mere hjælp.")
        } else {
            format!("\n\nUsage: {usage}\n\nFor more, type «{path} --help».")
        });
    }
    out
}

/// The keys of [`ENGLISH`] that the command tree needs and the table lacks
/// (a test keeps this empty).
pub fn missing_english() -> Vec<String> {
    fn walk(cmd: &Command, path: &str, out: &mut Vec<String>) {
        let top = path.is_empty();
        let key = if top { "oplaeg" } else { path };
        if cmd.get_about().is_some() && english(&format!("{key}#about")).is_none() {
            out.push(format!("{key}#about"));
        }
        if cmd.get_after_help().is_some() && english(&format!("{key}#after")).is_none() {
            out.push(format!("{key}#after"));
        }
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if (a.is_global_set() && !top) || a.is_hide_set() {
                continue;
            }
            let k = if top {
                format!("oplaeg {id}")
            } else {
                format!("{path} {id}")
            };
            if a.get_help().is_none() && danish_fallback(id).is_none() {
                out.push(format!(
                    "{k} (no Danish help: write a doc comment in args.rs)"
                ));
            }
            if english(&k).is_none() && english(&format!("* {id}")).is_none() {
                out.push(k);
            }
        }
        for s in cmd.get_subcommands() {
            let p = if top {
                s.get_name().to_string()
            } else {
                format!("{path} {}", s.get_name())
            };
            walk(s, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), "", &mut out);
    out
}

/// English texts: `"PATH#about"` for a command's description, `"PATH#after"`
/// for the text after its options, `"PATH ID"` for an argument (`oplaeg ID`
/// for the top command's own), `"* ID"` for an argument with the same text
/// wherever it appears.
pub const ENGLISH: &[(&str, &str)] = &[
    (
        "oplaeg#about",
        "The professional proposal, its recommendations and the follow-up group's comments – in a git repository",
    ),
    (
        "oplaeg#long_about",
        "The professional proposal, its recommendations and the follow-up group's comments – in a git repository.\n\nWithout a command the terminal UI opens. Try `oplaeg demo` for an example.",
    ),
    (
        "oplaeg#after",
        "Examples:\n  oplaeg demo --no-tui\n  oplaeg --repo FOLDER status\n  oplaeg comment add --chapter rehabilitering --quote \"…\" --body \"…\"\n  oplaeg rec move tidlig-opsporing --to 1",
    ),
    (
        "oplaeg repo",
        "The workspace folder (default: the folder you are in, or one above it)",
    ),
    (
        "oplaeg as_email",
        "Act as this member (default: OPLAEG_AUTHOR, else git config user.email)",
    ),
    (
        "oplaeg lang",
        "Language: da (Danish) or en (English); default from LANG",
    ),
    (
        "oplaeg format",
        "Output: text or json; for export: md, html or docx; for diff: html",
    ),
    (
        "* id",
        "The comment's id (or its first 4 or more characters)",
    ),
    ("* force", "Overwrite the file if it exists"),
    (
        "* output",
        "The file to write (default: e.g. hoeringsnotat-moede-4.html in the folder you are in)",
    ),
    (
        "* at",
        "Export this revision (a meeting number, meeting/N, a commit id; default HEAD)",
    ),
    (
        "init#about",
        "Create a new workspace (a git repository) for a proposal",
    ),
    ("init path", "The folder (default: the one you are in)"),
    ("init title", "The proposal's title"),
    ("init writer", "The first writer: \"Name <email>\""),
    ("init organisation", "The writer's organisation"),
    (
        "demo#about",
        "Create a demo workspace with the Kræftplan V example and its history",
    ),
    (
        "demo path",
        "The folder (default: a new folder in the system's temporary folder)",
    ),
    ("demo no_tui", "Do not open the terminal UI afterwards"),
    (
        "status#about",
        "Overview: chapters, recommendations, comments, meetings and problems",
    ),
    ("chapters#about", "The chapters in order"),
    ("chapter#about", "Show one chapter's text"),
    ("chapter chapter", "The chapter's slug, number or title"),
    ("rec#about", "The recommendations: show, add, move, edit"),
    ("rec list#about", "The recommendations in priority order"),
    (
        "rec list horizon",
        "Only this horizon: short, medium or long (kort|mellemlang|lang)",
    ),
    ("rec show#about", "Everything about one recommendation"),
    ("rec show rec", "Slug or rank in the priority order"),
    (
        "rec add#about",
        "Add a recommendation at the bottom of the priority order (writers only)",
    ),
    ("rec add title", "The recommendation's title"),
    (
        "rec add horizon",
        "Horizon: short, medium or long (kort|mellemlang|lang)",
    ),
    (
        "rec add text",
        "The recommendation's text (- reads standard input)",
    ),
    ("rec add slug", "Own slug (default: made from the title)"),
    (
        "rec move#about",
        "Move a recommendation to a new place in the priority order (writers only)",
    ),
    ("rec move rec", "The recommendation's slug or current rank"),
    ("rec move to", "New place, 1 is the most important"),
    (
        "rec set#about",
        "Change fields of a recommendation (writers only)",
    ),
    (
        "rec set rec",
        "The recommendation's slug or rank in the priority order",
    ),
    ("rec set title", "New title"),
    (
        "rec set horizon",
        "Horizon: short, medium or long (kort|mellemlang|lang)",
    ),
    (
        "rec set status",
        "Status: draft, proposed, agreed or dropped",
    ),
    (
        "rec set text",
        "The recommendation's text (- reads standard input)",
    ),
    ("rec set goal", "Goal (- reads standard input)"),
    (
        "rec set realizability",
        "Realizability (- reads standard input)",
    ),
    ("rec set kraeftplan_iv", "Link to Kræftplan IV"),
    ("rec set chapters", "Related chapters, comma-separated"),
    (
        "comment#about",
        "Comments: write, reply, edit, withdraw, show, answer",
    ),
    (
        "comment add#about",
        "Comment on a chapter (optionally a quote), a recommendation, or reply to a comment",
    ),
    ("comment add chapter", "The chapter's slug, number or title"),
    (
        "comment add quote",
        "Words quoted exactly from the chapter that the comment is about",
    ),
    ("comment add rec", "The recommendation's slug or rank"),
    ("comment add reply_to", "Reply to the comment with this id"),
    (
        "comment add body",
        "The comment's text (- reads standard input); with --suggest the reason (optional)",
    ),
    ("comment list#about", "The comments, oldest first"),
    (
        "comment list status",
        "Only comments with this status: open, resolved or withdrawn (åben|besvaret|trukket tilbage)",
    ),
    (
        "comment list chapter",
        "Only comments on this chapter (slug, number or title)",
    ),
    (
        "comment list rec",
        "Only comments on this recommendation (slug or rank)",
    ),
    (
        "comment list organisation",
        "Only from this organisation: whole words of its name, any case (\"Region\" finds every region, \"KL\" only KL)",
    ),
    ("comment show#about", "A comment with its whole thread"),
    (
        "comment edit#about",
        "Change the text of your own open comment (without TEXT: from standard input or $EDITOR)",
    ),
    ("comment edit text", "The new text (- reads standard input)"),
    ("comment withdraw#about", "Withdraw your own open comment"),
    (
        "comment resolve#about",
        "Answer a comment with a disposition and a response (writers only)",
    ),
    (
        "comment resolve disposition",
        "The disposition: met, partly_met, not_met or noted (imødekommet|delvist|ikke|efterretning)",
    ),
    (
        "comment resolve response",
        "Sundhedsstyrelsen's response (- reads standard input)",
    ),
    (
        "comment anchor#about",
        "Where the comment's quote stands in the current version; confirm it, or attach the comment to new text (writers only)",
    ),
    (
        "comment anchor confirm",
        "Confirm that the comment belongs to the text where its quote is now found (writers only)",
    ),
    (
        "comment anchor quote",
        "Attach the comment to this text in the chapter instead (writers only; - reads standard input)",
    ),
    ("member#about", "The follow-up group's members"),
    ("member add#about", "Add a member (writers only)"),
    ("member add name", "The member's name"),
    (
        "member add email",
        "The member's e-mail address (the one the member's git changes carry)",
    ),
    (
        "member add organisation",
        "The organisation the member represents (e.g. Region Midtjylland)",
    ),
    (
        "member add role",
        "Role: writer, member or reviewer (skribent|medlem|læser)",
    ),
    ("member list#about", "The members"),
    ("meeting#about", "Meetings: plan, tag the draft, show"),
    ("meeting add#about", "Plan a meeting (writers only)"),
    ("meeting add number", "The meeting's number (1, 2, 3 …)"),
    ("meeting add date", "The meeting's date, YYYY-MM-DD"),
    ("meeting add title", "The meeting's title"),
    (
        "meeting add deadline",
        "Deadline for written comments, YYYY-MM-DD",
    ),
    (
        "meeting tag#about",
        "Mark the current draft as sent for meeting N (tag meeting/N; writers only)",
    ),
    ("meeting tag number", "The meeting's number"),
    ("meeting list#about", "Planned and held meetings"),
    (
        "diff#about",
        "What changed between two versions: chapters, recommendations and comments",
    ),
    (
        "diff#after",
        "Examples:\n  oplaeg diff                 latest meeting tag → HEAD\n  oplaeg diff 3 4             draft for meeting 3 → draft for meeting 4\n  oplaeg diff 4 worktree      meeting 4 → the files on disk\n  oplaeg diff --stat\n  oplaeg diff 3 4 --chapter rehabilitering\n  oplaeg diff 3 4 --format html > changes.html",
    ),
    (
        "diff from",
        "From: meeting number (3), meeting/3, commit, HEAD or worktree (default: latest meeting tag)",
    ),
    ("diff to", "To: the same kinds (default: HEAD)"),
    (
        "diff stat",
        "Only the overview: counts per chapter, the recommendations' changes, comments",
    ),
    (
        "diff chapter",
        "Only this chapter (slug or number), the recommendations linked to it and the comments on it",
    ),
    (
        "log#about",
        "The history: who changed what, with meeting tags",
    ),
    ("log limit", "At most this many changes"),
    (
        "save#about",
        "Save your own changes to chapters and recommendations as one change (writers only)",
    ),
    ("save message", "What you changed"),
    (
        "sync#about",
        "Synchronise with the shared server: fetch the others' work, merge it with yours, and send the whole back",
    ),
    (
        "sync#after",
        "The default server is origin. Stops without sending anything if you and someone else changed the same thing, and says how to resolve it.",
    ),
    ("sync remote", "The server's name (default: origin)"),
    (
        "clone#about",
        "Fetch a copy of the proposal from the shared server (for a new member)",
    ),
    (
        "clone#after",
        "Examples:\n  oplaeg clone ssh://server.example/srv/git/kraeftplan.git\n  oplaeg clone /mnt/shared/kraeftplan.git kraeftplan --as jens@rm.example",
    ),
    (
        "clone url",
        "The server's address: ssh://…, git://…, file://… or a path",
    ),
    (
        "clone path",
        "The folder (default: the name from the address)",
    ),
    (
        "export#about",
        "Export the consultation summary or the proposal as Markdown, HTML or Word",
    ),
    (
        "export notat#about",
        "The consultation summary: every comment with disposition and response, grouped by chapter and recommendation",
    ),
    (
        "export notat#after",
        "Examples:\n  oplaeg export notat -o hoeringsnotat.docx\n  oplaeg export notat --since meeting/3 --format html -o new-comments.html\n\nThe format is taken from --format, else from the file name's ending (.md, .html, .docx).",
    ),
    (
        "export notat since",
        "Only threads begun after this revision (e.g. meeting/3): comments that did not exist in that draft",
    ),
    (
        "export oplaeg#about",
        "The proposal: title page, contents, chapters and recommendations",
    ),
    (
        "export oplaeg#after",
        "Examples:\n  oplaeg export oplaeg -o oplaeg.docx\n  oplaeg export oplaeg --changes-since meeting/3 -o oplaeg-changes.html\n\nThe format is taken from --format, else from the file name's ending (.md, .html, .docx).",
    ),
    (
        "export oplaeg changes_since",
        "Mark text added or deleted since this revision (e.g. meeting/3)",
    ),
    (
        "ranking#about",
        "Ranking rounds: every member ranks the recommendations, and the group sees where it agrees",
    ),
    (
        "ranking#after",
        "Examples:\n  oplaeg ranking open --meeting 4 --closes 2024-08-20\n  oplaeg ranking submit --order kapacitet,screening,ai --no-opinion palliation --reason ai=\"The evidence is missing\"\n  oplaeg ranking results\n  oplaeg ranking results --round 1 --format json\n  oplaeg ranking close\n  oplaeg ranking adopt",
    ),
    (
        "ranking open#about",
        "Open a ranking round on the current recommendations (writers only)",
    ),
    ("ranking open meeting", "The meeting the round prepares"),
    (
        "ranking open closes",
        "The last day rankings are taken, YYYY-MM-DD (default: until a writer closes the round)",
    ),
    ("ranking close#about", "Close the open round (writers only)"),
    (
        "ranking close round",
        "The round's number (default: the open one)",
    ),
    (
        "ranking submit#about",
        "Submit or change your own ranking in the open round (members)",
    ),
    (
        "ranking submit order",
        "The recommendations, most important first: slugs or numbers separated by commas",
    ),
    (
        "ranking submit no_opinion",
        "Recommendations outside your organisation's field",
    ),
    (
        "ranking submit reasons",
        "A short reason for one recommendation (may be repeated)",
    ),
    (
        "ranking results#about",
        "A round's results: the group's order, spread, agreement (Kendall's W)",
    ),
    (
        "ranking results round",
        "The round's number (default: the latest)",
    ),
    (
        "ranking results width",
        "The text's width in columns (default 80)",
    ),
    (
        "ranking export#about",
        "Save a round's results as a document (--format md, html or docx) for the group",
    ),
    (
        "ranking export round",
        "The round's number (default: the latest)",
    ),
    (
        "ranking export output",
        "The file (default: prioriteringsrunde-N.html in the current folder)",
    ),
    ("ranking export force", "Overwrite an existing file"),
    (
        "ranking adopt#about",
        "Make the group's aggregate order from a closed round the writers' order (writers only)",
    ),
    (
        "ranking adopt round",
        "The round's number (default: the latest)",
    ),
    ("ranking list#about", "Every round"),
    (
        "comment list author",
        "Only written by this person (e-mail, any case)",
    ),
    (
        "comment list mine",
        "Only your own (as --as, OPLAEG_AUTHOR or git config user.email)",
    ),
    (
        "comment list since",
        "Only comments written, answered, edited or withdrawn after this revision",
    ),
    (
        "mine#about",
        "My overview: what became of your comments, and what happened since",
    ),
    (
        "mine#after",
        "Examples:\n  oplaeg mine                      since the latest meeting tag\n  oplaeg mine --since 3            since the draft for meeting 3\n  oplaeg mine --since-last-look    since you last marked it as read\n  oplaeg mine --since-last-look --mark-read\n  oplaeg mine --organisation --format json",
    ),
    (
        "* since_last_look",
        "What happened since you last marked the overview as read (--mark-read)",
    ),
    ("* all", "Only the comments, without the \"since\" part"),
    (
        "mine organisation",
        "Your whole organisation's comments, not only your own",
    ),
    (
        "export mine organisation",
        "Your whole organisation's comments, not only your own",
    ),
    (
        "mine since",
        "What happened since this revision: meeting number (3), meeting/3 or commit (default: latest meeting tag)",
    ),
    (
        "export mine since",
        "What happened since this revision: meeting number (3), meeting/3 or commit (default: latest meeting tag)",
    ),
    (
        "mine mark_read",
        "Mark what is shown as read: the next --since-last-look shows only what comes after",
    ),
    (
        "export mine#about",
        "My overview as one document for the next meeting: your comments, the answers and the changed text",
    ),
    (
        "export mine#after",
        "Examples:\n  oplaeg export mine -o my-comments.docx\n  oplaeg export mine --since 3 --organisation -o region.html\n\nThe format is taken from --format, else from the file name's ending (.md, .html, .docx).",
    ),
    (
        "comment add suggest",
        "Propose new wording: this text instead of the quoted words (empty text: delete the words; - reads standard input)",
    ),
    (
        "comment accept#about",
        "Write a suggestion into the chapter as it stands now and answer it, in one commit (writers only)",
    ),
    (
        "comment accept#after",
        "Examples:\n  oplaeg comment accept 01j… --response \"Thank you, written in.\"\n  oplaeg comment accept 01j… --merged\n  oplaeg comment accept 01j… --disposition partly_met --text \"our wording\"\n\nIf the words changed since the suggestion was made, the three texts and a merged text are shown; confirm with --merged or give --text. Decline a suggestion with «oplaeg comment resolve».",
    ),
    (
        "comment accept response",
        "Sundhedsstyrelsen's response (default: «Forslaget til ny formulering er indført.»; - reads standard input)",
    ),
    (
        "comment accept text",
        "Write this text instead of the suggestion's (e.g. when partly met)",
    ),
    (
        "comment accept merged",
        "Confirm the merged text when the words changed since the suggestion was made",
    ),
    (
        "comment accept disposition",
        "The disposition: met or partly_met (imødekommet|delvist; default met)",
    ),
    (
        "export oplaeg suggestions",
        "Show open suggestions for new wording as tracked changes in the proposer's name",
    ),
    (
        "rec order#about",
        "Save a whole new priority order as one change (writers only)",
    ),
    (
        "rec order recs",
        "All the recommendations (slugs or ranks) in the new order",
    ),
    (
        "verify pre_receive",
        "As the server's pre-receive hook: read «old new ref» lines from standard input and judge the whole push against what the server has",
    ),
    (
        "server#about",
        "The shared server: create it with the roles secured",
    ),
    (
        "server init#about",
        "Create an empty bare repository for the shared server with oplaeg's pre-receive hook and safe git settings",
    ),
    (
        "server init#after",
        "Example (on the server):\n  oplaeg server init /srv/git/kraeftplan.git",
    ),
    (
        "server init path",
        "The repository's folder (created; must be empty or not exist)",
    ),
    ("tui#about", "Open the terminal UI"),
    (
        "completions#about",
        "Write the shell script that completes commands, options, chapters, recommendations and comment ids with Tab",
    ),
    (
        "completions#after",
        "Examples:\n  echo 'source <(oplaeg completions bash)' >> ~/.bashrc\n  echo 'source <(oplaeg completions zsh)' >> ~/.zshrc\n  oplaeg completions fish > ~/.config/fish/completions/oplaeg.fish\n\nThe shell asks oplaeg itself for the names in the workspace, so completion keeps up as chapters and comments are added.",
    ),
    ("completions shell", "bash, zsh, fish, elvish or powershell"),
    (
        "man#about",
        "Write the manual page (man format) to standard output",
    ),
    (
        "man#after",
        "Example:\n  oplaeg man > oplaeg.1 && man ./oplaeg.1",
    ),
    (
        "verify#about",
        "Check that every change in the history keeps to the roles (for the server's pre-receive hook)",
    ),
    (
        "verify range",
        "A..B, a single revision (its whole history) or nothing (the whole history up to HEAD)",
    ),
    (
        "verify refname",
        "The ref being updated (from the hook), e.g. refs/tags/meeting/4",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Command lines for every command of the grammar: its required
    /// arguments filled in, then each of its other arguments and each two of
    /// them added, and each of the options every command takes, after the
    /// command.
    fn lines_for_every_command() -> Vec<Vec<OsString>> {
        fn written(arg: &Arg) -> Vec<String> {
            let mut out = match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => vec![format!("--{long}")],
                (None, Some(short)) => vec![format!("-{short}")],
                (None, None) => Vec::new(),
            };
            if arg.get_action().takes_values() {
                let first = arg
                    .get_possible_values()
                    .first()
                    .map(|v| v.get_name().to_string());
                out.push(first.unwrap_or_else(|| "1".to_string()));
            }
            out
        }
        fn walk(
            cmd: &Command,
            path: Vec<String>,
            extra: &[Vec<String>],
            lines: &mut Vec<Vec<String>>,
        ) {
            for sub in cmd.get_subcommands() {
                let mut sub_path = path.clone();
                sub_path.push(sub.get_name().to_string());
                walk(sub, sub_path, extra, lines);
            }
            if cmd.has_subcommands() {
                return;
            }
            let ours = |a: &&Arg| !matches!(a.get_id().as_str(), "help" | "version");
            let args: Vec<&Arg> = cmd.get_arguments().filter(ours).collect();
            let required: Vec<String> = args
                .iter()
                .filter(|a| a.is_required_set())
                .flat_map(|a| written(a))
                .collect();
            let line = [path.as_slice(), required.as_slice()].concat();
            lines.push(line.clone());
            let optional: Vec<Vec<String>> = args
                .iter()
                .filter(|a| !a.is_required_set() && !a.is_global_set())
                .map(|a| written(a))
                .collect();
            for (k, arg) in optional.iter().enumerate() {
                lines.push([line.clone(), arg.clone()].concat());
                for other in &optional[k + 1..] {
                    lines.push([line.clone(), arg.clone(), other.clone()].concat());
                }
            }
            for global in extra {
                lines.push([line.clone(), global.clone()].concat());
            }
        }
        let root = command(Lang::Da);
        let globals: Vec<Vec<String>> = root
            .get_arguments()
            .filter(|a| a.is_global_set())
            .map(written)
            .collect();
        let mut lines = Vec::new();
        walk(&root, vec!["oplaeg".to_string()], &globals, &mut lines);
        lines
            .into_iter()
            .map(|l| l.into_iter().map(OsString::from).collect())
            .collect()
    }

    #[test]
    fn a_line_reads_the_same_without_the_texts() {
        let lines = lines_for_every_command();
        let mut grammar = Cli::command();
        let mut trees = [command(Lang::Da), command(Lang::En)];
        let mut read = 0;
        for line in &lines {
            let quick = read_with(&mut grammar, line).map(|cli| format!("{cli:?}"));
            for tree in &mut trees {
                let full = read_with(tree, line).map(|cli| format!("{cli:?}"));
                match (&quick, &full) {
                    (Ok(q), Ok(f)) => assert_eq!(q, f, "{line:?}"),
                    (Err(_), Err(_)) => {}
                    (Ok(_), Err(e)) => panic!("{line:?}: read without the texts, not with: {e}"),
                    (Err(e), Ok(_)) => panic!("{line:?}: read with the texts, not without: {e}"),
                }
            }
            read += usize::from(quick.is_ok());
        }
        // The lines exercise the grammar: most of them are read.
        assert!(
            read > 300 && read * 10 > lines.len() * 8,
            "{read} of {}",
            lines.len()
        );
        // Help, the version and mistakes go to the tree in the user's words.
        for line in [
            vec!["oplaeg", "-h"],
            vec!["oplaeg", "--version"],
            vec!["oplaeg", "diff", "--help"],
            vec!["oplaeg", "comment", "help"],
            vec!["oplaeg", "diff", "--format", "nonsense"],
            vec!["oplaeg", "no-such-command"],
        ] {
            let line: Vec<OsString> = line.into_iter().map(OsString::from).collect();
            assert!(parse_quickly(&line).is_err(), "{line:?}");
        }
    }

    #[test]
    fn every_text_has_its_english() {
        let missing = missing_english();
        assert!(
            missing.is_empty(),
            "add these to ENGLISH in src/cli/help.rs:\n{}",
            missing.join("\n")
        );
    }
}
