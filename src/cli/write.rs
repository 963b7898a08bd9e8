//! Commands that change the workspace: each calls one operation in
//! [`crate::ops`] and reports what it did.

use chrono::NaiveDate;

use super::args::{
    CommentCommand, DemoArgs, Format, InitArgs, MeetingCommand, MemberCommand, RecCommand,
};
use super::output::{json, safe};
use super::{Cli, session, text_arg};
use crate::error::Error;
use crate::model::{Choice, Config, Disposition, Horizon, RecStatus, Role};
use crate::ops::{self, NewTarget, RecEdit};
use crate::tr;

pub(super) fn parse_choice<T: Choice>(field: &str, value: &str) -> Result<T, Error> {
    T::parse(value).ok_or_else(|| Error::InvalidValue {
        field: field.into(),
        value: value.into(),
        expected: T::expected(),
    })
}

pub(super) fn parse_date(field: &str, value: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| Error::InvalidValue {
        field: field.into(),
        value: value.into(),
        expected: tr!("en dato ÅÅÅÅ-MM-DD", "a date YYYY-MM-DD"),
    })
}

/// `oplaeg init`.
pub fn init(cli: &Cli, a: &InitArgs) -> anyhow::Result<()> {
    let (name, email) = ops::parse_person(&a.writer).ok_or_else(|| Error::InvalidValue {
        field: "--writer".into(),
        value: a.writer.clone(),
        expected: tr!("\"Navn <email>\"", "\"Name <email>\""),
    })?;
    let path = match &a.path {
        Some(p) => p.clone(),
        None => std::env::current_dir()?,
    };
    let config = Config::new(
        a.title.trim(),
        ops::writer(&name, &email, a.organisation.trim()),
    );
    let store = ops::init(&path, &config, &[], None)?;
    if cli.format == Format::Json {
        return json(&serde_json::json!({ "root": store.root(), "title": config.title }));
    }
    println!(
        "{}",
        tr!(
            "Oprettede «{}» i {}.\nNæste skridt: skriv kapitler i drafts/, tilføj medlemmer med `oplaeg member add`, og se `oplaeg status`.",
            "Created «{}» in {}.\nNext: write chapters in drafts/, add members with `oplaeg member add`, and see `oplaeg status`.",
            safe(&config.title),
            safe(&store.root().display().to_string())
        )
    );
    Ok(())
}

/// `oplaeg demo`.
pub fn demo(cli: &Cli, a: &DemoArgs) -> anyhow::Result<()> {
    let path = match &a.path {
        Some(p) => p.clone(),
        None => crate::demo::default_path()?,
    };
    let store = crate::demo::build(&path)?;
    if cli.format == Format::Json {
        return json(&serde_json::json!({ "root": store.root() }));
    }
    let root = safe(&store.root().display().to_string()).into_owned();
    println!(
        "{}",
        tr!(
            "Demo-arbejdsmappen er klar: {root}",
            "The demo workspace is ready: {root}"
        )
    );
    println!(
        "{}",
        tr!(
            "Den indeholder udkastet til fagligt oplæg for Kræftplan V med historik: 3. og 4. møde (tags meeting/3 og meeting/4), kommentarer fra følgegruppen, svar og ændrede kapitler, en afsluttet prioriteringsrunde og en åben.",
            "It holds the draft oplæg for Kræftplan V with history: the 3rd and 4th meetings (tags meeting/3 and meeting/4), the group's comments, answers and revised chapters, a finished ranking round and an open one."
        )
    );
    println!("\n{}", tr!("Prøv fx:", "Try for example:"));
    for cmd in [
        "status",
        "rec list",
        "comment list",
        "log",
        "ranking results",
    ] {
        println!("  oplaeg --repo {root} {cmd}");
    }
    println!(
        "  oplaeg --repo {root} --as camilla.froestrup@regionh.example    {}",
        tr!(
            "# som medlem: rangordn i fanen 8 Prioritering",
            "# as a member: rank in tab 8 Ranking"
        )
    );
    println!(
        "{}",
        tr!(
            "(fra kildekoden: cargo run --release -- --repo {root} status)",
            "(from the source: cargo run --release -- --repo {root} status)"
        )
    );
    if !a.no_tui {
        let mut cli2 = super::args::Cli {
            repo: Some(store.root().to_path_buf()),
            as_email: cli.as_email.clone(),
            lang: cli.lang.clone(),
            format: cli.format,
            command: None,
        };
        if cli2.as_email.is_none() {
            cli2.as_email = Some("mette.holm@sst.example".into());
        }
        return open_ui(&cli2);
    }
    Ok(())
}

/// `oplaeg` without a command: the terminal UI.
pub fn open_ui(cli: &Cli) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let store = super::store(cli)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(tr!(
            "brugerfladen kræver en terminal; brug kommandoerne (se `oplaeg --help`)",
            "the UI needs a terminal; use the commands (see `oplaeg --help`)"
        ));
    }
    crate::tui::run(store.root(), cli.as_email.clone())
}

/// `oplaeg rec add|move|set`.
pub fn rec(cli: &Cli, c: &RecCommand) -> anyhow::Result<()> {
    let s = session(cli)?;
    if let RecCommand::Order { recs } = c {
        let order = s.rec_reorder(recs)?;
        match cli.format {
            Format::Json => json(&order)?,
            _ => {
                for r in &order {
                    println!("{:>2}. {}", r.rank, safe(&r.title));
                }
            }
        }
        return Ok(());
    }
    let rec = match c {
        RecCommand::Add {
            title,
            horizon,
            text,
            slug,
        } => {
            let h: Horizon = parse_choice("--horizon", horizon)?;
            let r = s.rec_add(title, h, &text_arg(text)?, slug.as_deref())?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!(
                        "Anbefalingen «{}» er tilføjet som nr. {} (slug {}).",
                        "The recommendation «{}» was added as no. {} (slug {}).",
                        safe(&r.title),
                        r.rank,
                        r.slug
                    )
                );
                let ws = s.store().load(&crate::store::Rev::head())?;
                if ws.recommendations.len() > ws.config.recommended_count {
                    println!(
                        "{}",
                        tr!(
                            "⚠ Nu er der {} anbefalinger – følgegruppen bad om højst {}.",
                            "⚠ There are now {} recommendations – the group asked for at most {}.",
                            ws.recommendations.len(),
                            ws.config.recommended_count
                        )
                    );
                }
            }
            r
        }
        RecCommand::Move { rec, to } => {
            let r = s.rec_move(rec, *to)?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!(
                        "«{}» er nu nr. {}.",
                        "«{}» is now no. {}.",
                        safe(&r.title),
                        r.rank
                    )
                );
            }
            r
        }
        RecCommand::Set(a) => {
            let text_opt = |v: &Option<String>| v.as_deref().map(text_arg).transpose();
            let edit = RecEdit {
                title: a.title.clone(),
                horizon: a
                    .horizon
                    .as_deref()
                    .map(|h| parse_choice("--horizon", h))
                    .transpose()?,
                status: a
                    .status
                    .as_deref()
                    .map(|v| parse_choice::<RecStatus>("--status", v))
                    .transpose()?,
                text: text_opt(&a.text)?,
                goal: text_opt(&a.goal)?,
                realizability: text_opt(&a.realizability)?,
                kraeftplan_iv: a.kraeftplan_iv.clone(),
                chapters: a.chapters.clone(),
            };
            let r = s.rec_set(&a.rec, &edit)?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!("«{}» er opdateret.", "«{}» was updated.", safe(&r.title))
                );
            }
            r
        }
        RecCommand::List { .. } | RecCommand::Show { .. } | RecCommand::Order { .. } => {
            unreachable!("handled by read or above")
        }
    };
    if cli.format == Format::Json {
        json(&rec)?;
    }
    Ok(())
}

/// `oplaeg comment add|edit|withdraw|resolve|accept`.
pub fn comment(cli: &Cli, c: &CommentCommand) -> anyhow::Result<()> {
    let s = session(cli)?;
    let comment = match c {
        CommentCommand::Add(a) => {
            let body = match &a.body {
                Some(b) => text_arg(b)?,
                None => String::new(),
            };
            let c = match (&a.chapter, &a.rec, &a.reply_to, &a.suggest) {
                (Some(ch), _, None, Some(text)) => {
                    let quote = a.quote.as_deref().unwrap_or_default();
                    s.suggest(ch, quote, &text_arg(text)?, &body)?
                }
                (_, _, _, Some(_)) => anyhow::bail!(tr!(
                    "--suggest kræver --chapter og --quote (et svar kan ikke foreslå ny formulering)",
                    "--suggest needs --chapter and --quote (a reply cannot propose new wording)"
                )),
                (_, _, Some(parent), None) => s.reply(parent, &body)?,
                (Some(ch), _, _, None) => s.add_comment(
                    NewTarget::Chapter {
                        chapter: ch.clone(),
                        quote: a.quote.clone(),
                    },
                    &body,
                )?,
                (None, Some(r), _, None) => {
                    s.add_comment(NewTarget::Recommendation(r.clone()), &body)?
                }
                (None, None, None, None) => unreachable!("clap requires a target"),
            };
            if cli.format == Format::Text {
                if c.suggestion.is_some() {
                    println!(
                        "{}",
                        tr!(
                            "Forslaget til ny formulering er gemt: {}",
                            "The proposed new wording was saved: {}",
                            c.id
                        )
                    );
                } else {
                    println!(
                        "{}",
                        tr!("Kommentaren er gemt: {}", "The comment was saved: {}", c.id)
                    );
                }
            }
            c
        }
        CommentCommand::Edit { id, text } => {
            let body = match text {
                Some(t) => text_arg(t)?,
                None => new_text_for(&s, id)?,
            };
            let c = s.edit_comment(id, &body)?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!(
                        "Kommentaren {} er rettet.",
                        "The comment {} was edited.",
                        c.id
                    )
                );
            }
            c
        }
        CommentCommand::Withdraw { id } => {
            let c = s.withdraw_comment(id)?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!(
                        "Kommentaren {} er trukket tilbage.",
                        "The comment {} was withdrawn.",
                        c.id
                    )
                );
            }
            c
        }
        CommentCommand::Resolve {
            id,
            disposition,
            response,
        } => {
            let d: Disposition = parse_choice("--disposition", disposition)?;
            let c = s.resolve(id, d, &text_arg(response)?)?;
            if cli.format == Format::Text {
                println!(
                    "{}",
                    tr!(
                        "Kommentaren fra {} er besvaret: {}.",
                        "The comment from {} was resolved: {}.",
                        safe(&c.author.organisation),
                        d.label()
                    )
                );
            }
            c
        }
        CommentCommand::Accept {
            id,
            response,
            text,
            merged,
            disposition,
        } => {
            return super::suggest::accept(
                cli,
                &s,
                id,
                response.as_deref(),
                text.as_deref(),
                *merged,
                disposition.as_deref(),
            );
        }
        CommentCommand::List { .. } | CommentCommand::Show { .. } | CommentCommand::Anchor(_) => {
            unreachable!("handled by read")
        }
    };
    if cli.format == Format::Json {
        json(&comment)?;
    }
    Ok(())
}

/// The new text of a comment when `comment edit` is given none: typed in
/// `$VISUAL`/`$EDITOR` (started without a shell, on the current text) when
/// standard input is a terminal, else read from standard input.
fn new_text_for(s: &ops::Session, id: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return text_arg("-");
    }
    let ws = s.store().load(&crate::store::Rev::head())?;
    let current = ws.comment(id)?;
    ops::may_change_comment(s.actor(), current)?;
    let (program, args) = crate::platform::editor().ok_or_else(|| {
        anyhow::anyhow!(tr!(
            "ingen editor fundet: sæt $EDITOR, eller giv teksten på kommandolinjen",
            "no editor found: set $EDITOR, or give the text on the command line"
        ))
    })?;
    let file = tempfile::Builder::new()
        .prefix("oplaeg-")
        .suffix(".md")
        .tempfile()?;
    std::fs::write(file.path(), format!("{}\n", current.body))?;
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(file.path())
        .status()?;
    if !status.success() {
        anyhow::bail!(tr!(
            "{program} sluttede med {status}; intet er ændret",
            "{program} ended with {status}; nothing was changed"
        ));
    }
    Ok(std::fs::read_to_string(file.path())?
        .trim_end_matches('\n')
        .to_string())
}

/// `oplaeg member add`.
pub fn member(cli: &Cli, c: &MemberCommand) -> anyhow::Result<()> {
    let MemberCommand::Add {
        name,
        email,
        organisation,
        role,
    } = c
    else {
        unreachable!("handled by read")
    };
    let s = session(cli)?;
    let role: Role = parse_choice("--role", role)?;
    let m = s.member_add(name, email, organisation, role)?;
    if cli.format == Format::Json {
        return json(&m);
    }
    println!(
        "{}",
        tr!(
            "{} ({}) er tilføjet som {}.",
            "{} ({}) was added as {}.",
            safe(&m.name),
            safe(&m.organisation),
            m.role.label()
        )
    );
    Ok(())
}

/// `oplaeg meeting add|tag`.
pub fn meeting(cli: &Cli, c: &MeetingCommand) -> anyhow::Result<()> {
    let s = session(cli)?;
    match c {
        MeetingCommand::Add {
            number,
            date,
            title,
            deadline,
        } => {
            let date = parse_date("--date", date)?;
            let deadline = deadline
                .as_deref()
                .map(|d| parse_date("--deadline", d))
                .transpose()?;
            let m = s.meeting_add(*number, date, title, deadline)?;
            if cli.format == Format::Json {
                return json(&m);
            }
            println!(
                "{}",
                tr!(
                    "Møde {} er planlagt {}.",
                    "Meeting {} is planned for {}.",
                    m.number,
                    m.date
                )
            );
        }
        MeetingCommand::Tag { number } => {
            let t = s.meeting_tag(*number)?;
            if cli.format == Format::Json {
                return json(&t);
            }
            println!(
                "{}",
                tr!(
                    "Udkastet er markeret som sendt til {} ({}).",
                    "The draft is marked as sent for {} ({}).",
                    safe(&t.title),
                    t.name
                )
            );
        }
        MeetingCommand::List => unreachable!("handled by read"),
    }
    Ok(())
}

/// `oplaeg save`.
pub fn save(cli: &Cli, message: &str) -> anyhow::Result<()> {
    let s = session(cli)?;
    let result = s.save(message)?;
    if cli.format == Format::Json {
        return json(&result);
    }
    println!("{}", tr!("Gemt som én ændring:", "Saved as one change:"));
    for f in &result.saved {
        println!("  {}", safe(f));
    }
    if !result.skipped.is_empty() {
        println!(
            "{}",
            tr!(
                "Ikke gemt (kommentarer ændres med `oplaeg comment …`; filen står urørt):",
                "Not saved (comments are changed with `oplaeg comment …`; the file is left as it is):"
            )
        );
        for f in &result.skipped {
            println!("  {}", safe(f));
        }
    }
    Ok(())
}
