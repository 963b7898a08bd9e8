//! The command line: parse, call [`crate::ops`], print text or JSON.

mod anchors;
pub mod args;
mod diff;
mod export;
pub mod help;
mod json;
mod mine;
mod output;
mod ranking;
mod read;
mod suggest;
mod sync;
mod verify;
mod write;

use std::io::Read;

pub use args::Cli;
use args::{Command, CommentCommand, MeetingCommand, MemberCommand, RecCommand, ServerCommand};

use crate::error::Error;
use crate::ops::{self, Session};
use crate::store::Store;
use crate::tr;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    // Reading a workspace reads thousands of objects; plain git does not
    // re-hash them on every read either (see `Store::skip_hash_checks`).
    crate::store::Store::skip_hash_checks();
    let Some(command) = &cli.command else {
        return write::open_ui(&cli);
    };
    let html_diff = cli.format == args::Format::Html && matches!(command, Command::Diff(_));
    if !matches!(
        command,
        Command::Export(_) | Command::Ranking(args::RankingCommand::Export { .. })
    ) && !html_diff
        && let Some(f) = cli.format.export()
    {
        anyhow::bail!(tr!(
            "--format {} gælder kun for `oplaeg export` og `oplaeg ranking export` (html også for `oplaeg diff`); her kan du bruge text eller json",
            "--format {} is only for `oplaeg export` and `oplaeg ranking export` (html also for `oplaeg diff`); here you can use text or json",
            f.extension()
        ));
    }
    match command {
        Command::Init(a) => write::init(&cli, a),
        Command::Demo(a) => write::demo(&cli, a),
        Command::Status => read::status(&cli),
        Command::Chapters => read::chapters(&cli),
        Command::Chapter { chapter } => read::chapter(&cli, chapter),
        Command::Rec(RecCommand::List { horizon }) => read::rec_list(&cli, horizon.as_deref()),
        Command::Rec(RecCommand::Show { rec }) => read::rec_show(&cli, rec),
        Command::Rec(c) => write::rec(&cli, c),
        Command::Comment(CommentCommand::List {
            status,
            chapter,
            rec,
            organisation,
            author,
            mine,
            since,
        }) => read::comment_list(
            &cli,
            &read::CommentFilter {
                status: status.as_deref(),
                chapter: chapter.as_deref(),
                rec: rec.as_deref(),
                organisation: organisation.as_deref(),
                author: author.as_deref(),
                mine: *mine,
                since: since.as_deref(),
            },
        ),
        Command::Comment(CommentCommand::Show { id }) => read::comment_show(&cli, id),
        Command::Comment(CommentCommand::Anchor(a)) => anchors::run(&cli, a),
        Command::Comment(c) => write::comment(&cli, c),
        Command::Member(MemberCommand::List) => read::member_list(&cli),
        Command::Member(c) => write::member(&cli, c),
        Command::Meeting(MeetingCommand::List) => read::meeting_list(&cli),
        Command::Meeting(c) => write::meeting(&cli, c),
        Command::Ranking(c) => ranking::run(&cli, c),
        Command::Diff(a) => diff::run(&cli, a),
        Command::Mine { what, mark_read } => mine::run(&cli, what, *mark_read),
        Command::Log { limit } => read::log(&cli, *limit),
        Command::Save { message } => write::save(&cli, message),
        Command::Sync { remote } => sync::sync(&cli, remote.as_deref()),
        Command::Clone { url, path } => sync::clone(&cli, url, path.as_deref()),
        Command::Export(c) => export::export(&cli, c),
        Command::Tui => write::open_ui(&cli),
        Command::Completions { shell } => {
            help::completion_script(shell, &mut std::io::stdout().lock())
        }
        Command::Man => help::man_page(crate::i18n::lang(), &mut std::io::stdout().lock()),
        Command::Verify {
            pre_receive: true, ..
        } => verify::pre_receive(&cli),
        Command::Verify { range, refname, .. } => {
            verify::verify(&cli, range.as_deref(), refname.as_deref())
        }
        Command::Server(ServerCommand::Init { path }) => verify::server_init(&cli, path),
    }
}

/// The workspace named by `--repo`, else the one around the current folder.
fn store(cli: &Cli) -> Result<Store, Error> {
    ops::open_store(cli.repo.as_deref())
}

/// A session acting as `--as` / `OPLAEG_AUTHOR` / git's user.email.
fn session(cli: &Cli) -> Result<Session, Error> {
    Session::new(store(cli)?, cli.as_email.as_deref())
}

/// The text itself, or standard input for `-`.
fn text_arg(value: &str) -> anyhow::Result<String> {
    if value == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            anyhow::anyhow!(tr!(
                "kunne ikke læse standard input som UTF-8-tekst: {e}",
                "could not read standard input as UTF-8 text: {e}"
            ))
        })?;
        Ok(s)
    } else {
        Ok(value.to_string())
    }
}
