//! `oplaeg sync` and `oplaeg clone`: working together through a server.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::args::Format;
use super::output::{json, safe};
use super::{Cli, session};
use crate::model::Choice;
use crate::ops::{self, Progress};
use crate::tr;

/// Shows progress on stderr, in one rewritten line, when stderr is a
/// terminal and the transfer has taken longer than a moment.
struct ProgressLine {
    enabled: bool,
    started: Instant,
    shown: bool,
}

/// Fast transfers show nothing; slower ones show how far they are.
const QUIET_FOR: Duration = Duration::from_millis(400);

impl ProgressLine {
    fn new() -> ProgressLine {
        ProgressLine {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            shown: false,
        }
    }

    fn show(&mut self, p: &Progress) {
        if !self.enabled || self.started.elapsed() < QUIET_FOR {
            return;
        }
        let text = crate::text::truncate(&safe(&p.describe()), 76).into_owned();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        self.shown = true;
    }

    fn finish(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}

/// `oplaeg sync [SERVER]`.
pub fn sync(cli: &Cli, remote: Option<&str>) -> anyhow::Result<()> {
    let s = session(cli)?;
    let before = s.store().head()?;
    let mut line = ProgressLine::new();
    let result = s.sync(remote, &mut |p| line.show(p));
    line.finish();
    let report = result?;
    if cli.format == Format::Json {
        return json(&report);
    }
    for l in ops::report_lines(&report) {
        println!("{}", safe(&l));
    }
    // What arrived for the member; the sync is done, so a failure to tell
    // (say, they are no longer a member) only leaves the line out.
    let arrived = git2::Oid::from_str(&report.head).ok().and_then(|after| {
        let email = &s.actor().email;
        ops::mine::arrived_between(s.store(), email, ops::mine::Scope::Member, before, after).ok()
    });
    if let Some(m) = arrived.and_then(|a| a.message(ops::mine::Scope::Member)) {
        println!(
            "{}",
            tr!(
                "Til dig: {m} (se `oplaeg mine --since-last-look`).",
                "For you: {m} (see `oplaeg mine --since-last-look`)."
            )
        );
    }
    Ok(())
}

/// `oplaeg clone URL [FOLDER]`.
pub fn clone(cli: &Cli, url: &str, path: Option<&Path>) -> anyhow::Result<()> {
    let path: PathBuf = match path {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(ops::clone_folder(url)),
    };
    let mut line = ProgressLine::new();
    let result = ops::clone(url, &path, cli.as_email.as_deref(), &mut |p| line.show(p));
    line.finish();
    let cloned = result?;
    let root = cloned.store.root().display().to_string();
    if cli.format == Format::Json {
        return json(&serde_json::json!({
            "root": root,
            "member": cloned.member,
            "unknown_email": cloned.unknown,
            "members": cloned.members,
        }));
    }
    let title = cloned
        .store
        .head_config()
        .map(|c| c.title)
        .unwrap_or_default();
    println!(
        "{}",
        tr!(
            "Oplægget «{}» er hentet til {root}.",
            "The oplæg «{}» was fetched to {root}.",
            safe(&title)
        )
    );
    if let Some(e) = &cloned.unknown {
        println!(
            "{}",
            tr!(
                "⚠ {} er ikke medlem af følgegruppen i oplaeg.toml; bed en skribent tilføje dig.",
                "⚠ {} is not a member of the group in oplaeg.toml; ask a writer to add you.",
                safe(e)
            )
        );
    }
    println!("\n{}", tr!("Næste skridt:", "Next steps:"));
    match &cloned.member {
        Some(m) => println!(
            "{}",
            tr!(
                "  1. Du er sat op som {} ({}, {}).",
                "  1. You are set up as {} ({}, {}).",
                safe(&m.name),
                safe(&m.organisation),
                m.role.label()
            )
        ),
        None => {
            println!(
                "{}",
                tr!(
                    "  1. Fortæl hvem du er (din adresse skal stå blandt medlemmerne):\n       git -C {root} config user.email DIN@ADRESSE\n     eller giv --as DIN@ADRESSE til hver kommando. Medlemmerne er:",
                    "  1. Say who you are (your address must be among the members):\n       git -C {root} config user.email YOUR@ADDRESS\n     or give --as YOUR@ADDRESS to each command. The members are:"
                )
            );
            for m in &cloned.members {
                println!(
                    "       {} <{}>, {} ({})",
                    safe(&m.name),
                    safe(&m.email),
                    safe(&m.organisation),
                    m.role.label()
                );
            }
        }
    }
    println!(
        "{}",
        tr!(
            "  2. Læs og kommentér: cd {root} && oplaeg   (brugerfladen; ? viser tasterne)\n  3. Send dine kommentarer og hent de andres: oplaeg sync   (S i brugerfladen)",
            "  2. Read and comment: cd {root} && oplaeg   (the UI; ? shows the keys)\n  3. Send your comments and get the others': oplaeg sync   (S in the UI)"
        )
    );
    Ok(())
}
