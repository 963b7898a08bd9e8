//! `oplaeg ranking`: prioritisation rounds on the command line.

use std::collections::BTreeMap;

use super::args::{Format, RankingCommand};
use super::output::{json, safe};
use super::write::parse_date;
use super::{Cli, session, store};
use crate::error::Error;
use crate::ops::ranking::rounds_at;
use crate::ranking::render;
use crate::store::Rev;
use crate::tr;

/// Runs one `oplaeg ranking` command.
pub fn run(cli: &Cli, c: &RankingCommand) -> anyhow::Result<()> {
    match c {
        RankingCommand::Open { meeting, closes } => {
            let closes = closes
                .as_deref()
                .map(|d| parse_date("--closes", d))
                .transpose()?;
            let (n, round) = session(cli)?.ranking_open(*meeting, closes)?;
            if cli.format == Format::Json {
                return json(&serde_json::json!({ "round": n, "file": round }));
            }
            println!(
                "{}",
                tr!(
                    "Prioriteringsrunde {n} er åben med {} anbefalinger.",
                    "Ranking round {n} is open with {} recommendations.",
                    round.items.len()
                )
            );
            println!(
                "{}",
                match round.closes {
                    Some(d) => tr!(
                        "Medlemmerne kan afgive og rette deres rangordning til og med {d}.",
                        "Members can submit and change their ranking until {d} inclusive."
                    ),
                    None => tr!(
                        "Medlemmerne kan afgive og rette deres rangordning, til runden lukkes (oplaeg ranking close).",
                        "Members can submit and change their ranking until the round is closed (oplaeg ranking close)."
                    ),
                }
            );
        }
        RankingCommand::Close { round } => {
            let (n, _) = session(cli)?.ranking_close(*round)?;
            if cli.format == Format::Json {
                return json(&serde_json::json!({ "round": n, "closed": true }));
            }
            println!(
                "{}",
                tr!(
                    "Prioriteringsrunde {n} er lukket. Se resultaterne med `oplaeg ranking results`.",
                    "Ranking round {n} is closed. See the results with `oplaeg ranking results`."
                )
            );
        }
        RankingCommand::Submit {
            order,
            no_opinion,
            reasons,
        } => {
            let mut by_slug = BTreeMap::new();
            for r in reasons {
                let (slug, text) = r.split_once('=').ok_or_else(|| Error::InvalidValue {
                    field: "--reason".into(),
                    value: r.clone(),
                    expected: tr!("SLUG=TEKST", "SLUG=TEXT"),
                })?;
                by_slug.insert(slug.trim().to_string(), text.trim().to_string());
            }
            let (n, file) = session(cli)?.ranking_submit(order, no_opinion, &by_slug)?;
            if cli.format == Format::Json {
                return json(&serde_json::json!({ "round": n, "ranking": file }));
            }
            println!(
                "{}",
                tr!(
                    "Din rangordning i runde {n} er gemt:",
                    "Your ranking in round {n} is saved:"
                )
            );
            for (i, slug) in file.order.iter().enumerate() {
                println!("  {}. {}", i + 1, safe(slug));
            }
            if !file.no_opinion.is_empty() {
                println!(
                    "{}",
                    tr!(
                        "Uden holdning: {}",
                        "No opinion: {}",
                        safe(&file.no_opinion.join(", "))
                    )
                );
            }
            println!(
                "{}",
                tr!(
                    "Du kan rette den, til runden lukker. Husk `oplaeg sync`.",
                    "You can change it until the round closes. Remember `oplaeg sync`."
                )
            );
        }
        RankingCommand::Results { round, width } => {
            let at = rounds_at(&store(cli)?, &Rev::head())?;
            let today = chrono::Local::now().date_naive();
            let results = at.results(*round, today)?;
            if cli.format == Format::Json {
                return json(&results);
            }
            for line in render::render(&results, width.unwrap_or(80)) {
                println!("{}", line.text());
            }
            for p in &at.problems {
                eprintln!("{}", safe(&p.to_string()));
            }
        }
        RankingCommand::Export {
            round,
            output,
            force,
        } => {
            let store = store(cli)?;
            let format = super::export::format(cli, output.as_deref())?;
            let output = match output {
                Some(p) => p.clone(),
                None => {
                    let n = match round {
                        Some(n) => *n,
                        None => rounds_at(&store, &Rev::head())?.round(None)?.number,
                    };
                    format!("prioriteringsrunde-{n}.{}", format.extension()).into()
                }
            };
            let path = crate::export::ranking::run_round(
                &store,
                *round,
                format,
                &output,
                crate::i18n::lang(),
                *force,
            )?;
            println!(
                "{}",
                tr!(
                    "Rundens resultater er gemt i {}.",
                    "The round's results are saved in {}.",
                    safe(&path.display().to_string())
                )
            );
        }
        RankingCommand::Adopt { round } => {
            let a = session(cli)?.ranking_adopt(*round)?;
            if cli.format == Format::Json {
                return json(&a);
            }
            println!(
                "{}",
                tr!(
                    "Skribenternes rækkefølge følger nu gruppens fra runde {} ({} flyttet):",
                    "The writers' order now follows the group's from round {} ({} moved):",
                    a.round,
                    a.moved
                )
            );
            for (i, slug) in a.order.iter().enumerate() {
                println!("  {}. {}", i + 1, safe(slug));
            }
        }
        RankingCommand::List => {
            let at = rounds_at(&store(cli)?, &Rev::head())?;
            let today = chrono::Local::now().date_naive();
            let list: Vec<_> = at
                .rounds
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "round": r.number,
                        "meeting": r.file.meeting,
                        "open": r.file.is_open_on(today),
                        "opened": r.file.opened,
                        "closes": r.file.closes,
                        "closed": r.file.closed,
                        "rankings": r.submissions.len(),
                        "items": r.file.items.len(),
                    })
                })
                .collect();
            if cli.format == Format::Json {
                return json(&list);
            }
            if at.rounds.is_empty() {
                println!(
                    "{}",
                    tr!("Ingen prioriteringsrunder endnu.", "No ranking rounds yet.")
                );
            }
            for r in &at.rounds {
                let results = at.results(Some(r.number), today)?;
                println!("{}", render::title(&results));
                println!(
                    "  {}",
                    crate::i18n::count(
                        r.submissions.len(),
                        &tr!("rangordning", "ranking"),
                        &tr!("rangordninger", "rankings")
                    )
                );
            }
        }
    }
    Ok(())
}
