//! `oplaeg comment anchor ID [--confirm | --quote TEXT]`: where a comment's
//! quote stands in the current version, and the writers' decisions about it.

use clap::{ArgGroup, Args};
use serde::Serialize;

use super::args::Format;
use super::output::{json, safe};
use super::{Cli, session, store, text_arg};
use crate::anchor::{Anchorer, Fate, Placement};
use crate::model::{AnchorChangeKind, Comment, Workspace};
use crate::store::{Rev, Store};
use crate::text::truncate;
use crate::tr;

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("decision").args(["confirm", "quote"])))]
pub struct AnchorArgs {
    /// Kommentarens id (eller mindst 4 tegn af det)
    pub id: String,
    /// Bekræft, at kommentaren hører til den tekst, citatet nu er fundet ved (kun skribenter)
    #[arg(long)]
    pub confirm: bool,
    /// Knyt kommentaren til denne tekst i kapitlet i stedet (kun skribenter; - læser fra standard input)
    #[arg(long, value_name = "TEKST")]
    pub quote: Option<String>,
}

/// A comment as JSON with where it sits in the version shown (`placement`
/// is left out for comments without a quote).
#[derive(Serialize)]
pub struct Placed<'a> {
    #[serde(flatten)]
    pub comment: &'a Comment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// For a suggestion: what became of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::suggest::Outcome>,
}

/// Places comments of `ws` in `ws` itself (the version shown).
pub struct Placer<'a> {
    anchorer: Anchorer<'a>,
}

impl<'a> Placer<'a> {
    pub fn new(store: &'a Store, ws: &'a Workspace) -> Placer<'a> {
        Placer {
            anchorer: Anchorer::new(store, ws),
        }
    }

    pub fn placed<'c>(&mut self, comment: &'c Comment) -> Placed<'c> {
        Placed {
            comment,
            placement: self.anchorer.place(comment),
            outcome: crate::suggest::Outcome::of(comment),
        }
    }
}

/// `[tilnærmet 92 %]` after a quote in a listing; empty for unchanged quotes.
pub fn fate_tag(p: &Placement) -> String {
    match &p.fate {
        Fate::Exact => String::new(),
        Fate::Fuzzy { score } => format!(" [{} {:.0} %]", p.fate.label(), score * 100.0),
        other => format!(" [{}]", other.label()),
    }
}

/// Lines under a comment's quote saying where it is now (none when exact).
pub fn fate_lines(p: &Placement, indent: &str) -> Vec<String> {
    let mut out = Vec::new();
    match (&p.fate, &p.text) {
        (Fate::Exact, _) => {}
        (Fate::Moved | Fate::Fuzzy { .. }, Some(text)) => {
            out.push(format!(
                "{indent}{} {}:",
                tr!("I den nuværende version:", "In the current version:"),
                p.fate.describe()
            ));
            out.push(format!("{indent}  «{}»", safe(text)));
        }
        (fate, _) => out.push(format!(
            "{indent}{} {}",
            tr!("I den nuværende version:", "In the current version:"),
            safe(&fate.describe())
        )),
    }
    out
}

/// `oplaeg comment anchor`.
pub fn run(cli: &Cli, a: &AnchorArgs) -> anyhow::Result<()> {
    if a.confirm || a.quote.is_some() {
        let s = session(cli)?;
        let c = match &a.quote {
            Some(q) => s.reattach_anchor(&a.id, &text_arg(q)?)?,
            None => s.confirm_anchor(&a.id)?,
        };
        if cli.format == Format::Text {
            let quote = c.target.anchor.as_ref().map_or("", |x| x.quote.as_str());
            println!(
                "{}",
                tr!(
                    "Kommentaren fra {} er nu knyttet til «{}».",
                    "The comment from {} is now attached to «{}».",
                    safe(&c.author.organisation),
                    safe(&truncate(quote, 80))
                )
            );
            return Ok(());
        }
    }
    let store = store(cli)?;
    let ws = store.load(&Rev::head())?;
    let comment = ws.comment(&a.id)?;
    let mut placer = Placer::new(&store, &ws);
    let placed = placer.placed(comment);
    if cli.format == Format::Json {
        return json(&placed);
    }
    let Some(anchor) = &comment.target.anchor else {
        println!(
            "{}",
            tr!(
                "Kommentaren har intet citat (den handler om et helt kapitel eller en anbefaling, eller er et svar).",
                "The comment has no quote (it is about a whole chapter or a recommendation, or it is a reply)."
            )
        );
        return Ok(());
    };
    println!("{} «{}»", tr!("Citat:", "Quote:"), safe(&anchor.quote));
    match &placed.placement {
        None => println!(
            "{}",
            tr!(
                "Kapitlet findes ikke i den nuværende version.",
                "The chapter is not in the current version."
            )
        ),
        Some(p) if p.fate == Fate::Exact => println!(
            "{} {}",
            tr!("I den nuværende version:", "In the current version:"),
            p.fate.describe()
        ),
        Some(p) => {
            for l in fate_lines(p, "") {
                println!("{l}");
            }
            let hint = match p.fate {
                Fate::Moved | Fate::Fuzzy { .. } => tr!(
                    "En skribent kan bekræfte placeringen: oplaeg comment anchor {} --confirm",
                    "A writer can confirm the placement: oplaeg comment anchor {} --confirm",
                    comment.id
                ),
                _ => tr!(
                    "En skribent kan knytte kommentaren til ny tekst: oplaeg comment anchor {} --quote \"…\"",
                    "A writer can attach the comment to new words: oplaeg comment anchor {} --quote \"…\"",
                    comment.id
                ),
            };
            println!("{hint}");
        }
    }
    for h in &anchor.history {
        let what = match h.change {
            AnchorChangeKind::Confirmed => tr!("bekræftet", "confirmed"),
            AnchorChangeKind::Reattached => tr!("flyttet", "moved"),
        };
        println!(
            "{} «{}» ({what} {} {}, {})",
            tr!("Tidligere citat:", "Earlier quote:"),
            safe(&h.quote),
            tr!("af", "by"),
            safe(&h.by),
            h.at.format("%Y-%m-%d")
        );
    }
    Ok(())
}
