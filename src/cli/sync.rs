//! `oplaeg sync` and `oplaeg clone`: working together through a server.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::args::Format;
use super::output::{json, safe};
use super::{Cli, session};
use crate::i18n::count;
use crate::model::Choice;
use crate::ops::{self, Progress};
use crate::store::{Integration, SyncReport};
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
    let mut line = ProgressLine::new();
    let result = s.sync(remote, &mut |p| line.show(p));
    line.finish();
    let report = result?;
    if cli.format == Format::Json {
        return json(&report);
    }
    for l in report_lines(&report) {
        println!("{l}");
    }
    Ok(())
}

/// A sync report as lines for a person (also used by the terminal UI).
pub fn report_lines(r: &SyncReport) -> Vec<String> {
    let changes = |n: usize| count(n, &tr!("ændring", "change"), &tr!("ændringer", "changes"));
    let mut out = vec![tr!(
        "Synkroniseret med {} ({}).",
        "Synced with {} ({}).",
        r.remote,
        safe(&r.url)
    )];
    let how = match r.integration {
        Integration::NewOnServer => tr!(
            "grenen {} er oprettet på serveren",
            "the branch {} was created on the server",
            r.branch
        ),
        Integration::UpToDate => tr!("intet nyt fra serveren", "nothing new from the server"),
        Integration::FastForward => tr!(
            "serverens ændringer er hentet",
            "the server's changes were taken"
        ),
        Integration::Merged => tr!(
            "flettet med dine ændringer i en sammenfletning ({})",
            "merged with your changes in a merge commit ({})",
            r.merge_commit
                .as_deref()
                .map_or("", |c| &c[..c.len().min(7)])
        ),
    };
    out.push(format!(
        "  {} {} · {} {} · {how}",
        tr!("Hentet:", "Received:"),
        changes(r.received),
        tr!("sendt:", "sent:"),
        changes(r.sent)
    ));
    if !r.tags_received.is_empty() {
        out.push(tr!(
            "  Mødetags hentet: {}",
            "  Meeting tags received: {}",
            r.tags_received.join(", ")
        ));
    }
    if !r.tags_sent.is_empty() {
        out.push(tr!(
            "  Mødetags sendt: {}",
            "  Meeting tags sent: {}",
            r.tags_sent.join(", ")
        ));
    }
    for c in &r.tag_conflicts {
        let (here, there) = (
            &c.local[..c.local.len().min(7)],
            &c.remote[..c.remote.len().min(7)],
        );
        out.push(tr!(
            "  ⚠ Mødetagget {} markerer noget andet her ({here}) end på serveren ({there}). Intet er ændret; aftal med skribenterne, hvilket udkast der blev sendt, og slet det forkerte tag med `git tag -d {}`.",
            "  ⚠ The meeting tag {} marks something else here ({here}) than on the server ({there}). Nothing was changed; agree with the writers which draft was sent, and delete the wrong tag with `git tag -d {}`.",
            c.name,
            c.name
        ));
    }
    if r.attempts > 1 {
        out.push(tr!(
            "  (serveren blev ændret undervejs; {} forsøg)",
            "  (the server changed meanwhile; {} attempts)",
            r.attempts
        ));
    }
    out
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
