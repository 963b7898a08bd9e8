//! `oplaeg export notat|oplaeg`: writes a document through [`crate::export::run`].

use super::args::{ExportCommand, Format as CliFormat};
use super::output::safe;
use super::{Cli, store};
use crate::error::Error;
use crate::export::{self, Format, Kind, Request, Stats};
use crate::i18n::{Lang, count, lang};
use crate::store::Rev;
use crate::tr;

/// The export format: `--format`, else the file name's extension, else HTML.
pub(super) fn format(cli: &Cli, output: Option<&std::path::Path>) -> Result<Format, Error> {
    if cli.format == CliFormat::Json {
        return Err(Error::Invalid(tr!(
            "--format json passer ikke til export; brug md, html eller docx",
            "--format json does not fit export; use md, html or docx"
        )));
    }
    let named = output.and_then(Format::from_path);
    match (cli.format.export(), named) {
        (Some(f), Some(n)) if f != n => {
            let (a, b) = (f.extension(), n.extension());
            Err(Error::Invalid(tr!(
                "--format {a} passer ikke til filnavnets endelse .{b}; ret den ene",
                "--format {a} does not match the file name's ending .{b}; change one of them"
            )))
        }
        (Some(f), _) => Ok(f),
        (None, Some(n)) => Ok(n),
        (None, None) => match output {
            Some(p) => {
                let p = p.display();
                Err(Error::Invalid(tr!(
                    "kan ikke se formatet af «{p}»; giv filen endelsen .md, .html eller .docx, eller brug --format md|html|docx",
                    "cannot tell the format of «{p}»; end the file name in .md, .html or .docx, or use --format md|html|docx"
                )))
            }
            None => Ok(Format::Html),
        },
    }
}

/// `oplaeg export mine`: the member's overview as a brief.
fn export_mine(
    cli: &Cli,
    what: &super::args::MineArgs,
    output: Option<&std::path::Path>,
    force: bool,
) -> anyhow::Result<()> {
    let s = super::session(cli)?;
    let format = format(cli, output)?;
    let email = s.actor().email.clone();
    let overview = crate::ops::mine::overview(s.store(), &super::mine::query(&email, what))?;
    let output = match output {
        Some(p) => p.to_path_buf(),
        None => {
            let at = overview.commit.clone().map_or_else(Rev::head, Rev::Named);
            export::default_mine_file_name(format, &s.store().revision_info(&at)?).into()
        }
    };
    let summary = export::run_mine(s.store(), &overview, format, &output, lang(), force)?;
    let path = safe(&summary.path.display().to_string()).into_owned();
    let st = &summary.stats;
    let what = match lang() {
        Lang::Da => format!(
            "{}: {} besvaret, {} åbne, {} trukket tilbage",
            count(
                st.answered + st.open + st.withdrawn,
                "kommentar",
                "kommentarer"
            ),
            st.answered,
            st.open,
            st.withdrawn
        ),
        Lang::En => format!(
            "{}: {} answered, {} open, {} withdrawn",
            count(st.answered + st.open + st.withdrawn, "comment", "comments"),
            st.answered,
            st.open,
            st.withdrawn
        ),
    };
    let label = format.name();
    println!(
        "{}",
        tr!(
            "Overblikket er gemt i {path} ({label}; {what}).",
            "The overview was saved in {path} ({label}; {what})."
        )
    );
    Ok(())
}

/// `oplaeg export …`.
pub fn export(cli: &Cli, command: &ExportCommand) -> anyhow::Result<()> {
    let (kind, common, since, suggestions) = match command {
        ExportCommand::Mine {
            what,
            output,
            force,
        } => return export_mine(cli, what, output.as_deref(), *force),
        ExportCommand::Notat { since, common } => (Kind::Notat, common, since, false),
        ExportCommand::Oplaeg {
            changes_since,
            suggestions,
            common,
        } => (Kind::Oplaeg, common, changes_since, *suggestions),
    };
    let store = store(cli)?;
    let at = common.at.as_deref().map_or_else(Rev::head, Rev::parse);
    let format = format(cli, common.output.as_deref())?;
    let output = match &common.output {
        Some(p) => p.clone(),
        None => export::default_file_name(kind, format, &store.revision_info(&at)?).into(),
    };
    let run = if suggestions {
        export::run_with_suggestions
    } else {
        export::run
    };
    let summary = run(
        &store,
        &Request {
            kind,
            format,
            output,
            at,
            since: since.clone(),
            lang: lang(),
            force: common.force,
        },
    )?;
    for p in &summary.problems {
        eprintln!("oplaeg: {}: {}", tr!("problem", "problem"), safe(p));
    }
    let path = safe(&summary.path.display().to_string()).into_owned();
    let what = match &summary.stats {
        Stats::Notat(s) => match lang() {
            Lang::Da => format!(
                "{} fra {}, {} ikke besvaret",
                count(s.comments, "kommentar", "kommentarer"),
                count(s.organisations, "organisation", "organisationer"),
                s.unanswered
            ),
            Lang::En => format!(
                "{} from {}, {} not answered",
                count(s.comments, "comment", "comments"),
                count(s.organisations, "organisation", "organisations"),
                s.unanswered
            ),
        },
        Stats::Oplaeg(s) => {
            let mut t = match lang() {
                Lang::Da => format!(
                    "{}, {}",
                    count(s.chapters, "kapitel", "kapitler"),
                    count(s.recommendations, "anbefaling", "anbefalinger")
                ),
                Lang::En => format!(
                    "{}, {}",
                    count(s.chapters, "chapter", "chapters"),
                    count(s.recommendations, "recommendation", "recommendations")
                ),
            };
            if let Some(since) = since {
                let since = safe(since);
                t.push_str(&tr!(
                    ", {} med ændringer siden {since}",
                    ", {} with changes since {since}",
                    s.changed
                ));
            }
            t
        }
    };
    let label = format.name();
    match kind {
        Kind::Notat => println!(
            "{}",
            tr!(
                "Høringsnotatet er gemt i {path} ({label}; {what}).",
                "The consultation summary was saved in {path} ({label}; {what})."
            )
        ),
        Kind::Oplaeg => println!(
            "{}",
            tr!(
                "Oplægget er gemt i {path} ({label}; {what}).",
                "The proposal was saved in {path} ({label}; {what})."
            )
        ),
    }
    Ok(())
}
