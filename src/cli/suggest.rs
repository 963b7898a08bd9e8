//! `oplaeg comment accept`, and how suggestions read in plain text.

use super::Cli;
use super::args::Format;
use super::output::{json, safe};
use super::text_arg;
use super::write::parse_choice;
use crate::diff::Op;
use crate::model::{Choice, Comment, Disposition};
use crate::ops::{AcceptPlan, AcceptText, Session};
use crate::suggest::{Outcome, proposed_change};
use crate::tr;

/// The proposal as one line: deleted words `[-…-]`, new words `{+…+}`.
pub fn marked_change(quote: &str, text: &str) -> String {
    let mut out = String::new();
    for s in proposed_change(quote, text) {
        let t = safe(&s.text).replace('\n', " ");
        match s.op {
            Op::Equal => out.push_str(&t),
            Op::Delete => out.push_str(&format!("[-{t}-]")),
            Op::Insert => out.push_str(&format!("{{+{t}+}}")),
        }
    }
    out
}

/// The lines `comment show` prints for a suggestion (none for other comments).
pub fn lines(c: &Comment, indent: &str) -> Vec<String> {
    let (Some(s), Some(a)) = (&c.suggestion, &c.target.anchor) else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "{indent}{} {}",
        tr!("Forslag til ny formulering:", "Proposed new wording:"),
        marked_change(&a.quote, &s.text)
    )];
    if let Some(outcome) = Outcome::of(c) {
        out.push(format!(
            "{indent}{} {}",
            tr!("Udfald:", "Outcome:"),
            outcome.describe()
        ));
        if let Outcome::Applied { text, .. } = &outcome
            && text != &s.text
        {
            out.push(format!(
                "{indent}{} «{}»",
                tr!(
                    "Indført med skribentens tekst:",
                    "Applied with the writers' text:"
                ),
                safe(text)
            ));
        }
    }
    out
}

/// `oplaeg comment accept ID [--response R] [--text T | --merged] [--disposition D]`.
pub fn accept(
    cli: &Cli,
    s: &Session,
    id: &str,
    response: Option<&str>,
    text: Option<&str>,
    merged: bool,
    disposition: Option<&str>,
) -> anyhow::Result<()> {
    let disposition: Disposition = match disposition {
        Some(d) => parse_choice("--disposition", d)?,
        None => Disposition::Met,
    };
    let response = response.map(text_arg).transpose()?;
    let how = match (text, merged) {
        (Some(t), _) => AcceptText::Edited(text_arg(t)?),
        (None, true) => AcceptText::Merged,
        (None, false) => AcceptText::Proposed,
    };
    let plan = s.plan_accept(id)?;
    if let Some(why) = &plan.refused {
        if cli.format == Format::Json {
            json(&plan)?;
        }
        anyhow::bail!("{why}");
    }
    if plan.needs_confirmation && how == AcceptText::Proposed {
        if cli.format == Format::Json {
            json(&plan)?;
        } else {
            print_three(&plan);
        }
        anyhow::bail!(tr!(
            "intet er ændret: bekræft den flettede tekst med --merged, eller skriv teksten med --text",
            "nothing was changed: confirm the merged text with --merged, or give the text with --text"
        ));
    }
    let done = s.accept_suggestion(id, how, disposition, response.as_deref())?;
    if cli.format == Format::Json {
        return json(&done);
    }
    let applied = done
        .comment
        .suggestion
        .as_ref()
        .and_then(|s| s.applied.as_ref());
    if let Some(a) = applied {
        println!(
            "{}",
            tr!(
                "Forslaget fra {} er indført i kapitlet og besvaret: {}.",
                "The suggestion from {} was applied to the chapter and resolved: {}.",
                safe(&done.comment.author.organisation),
                disposition.label()
            )
        );
        println!("  {}", marked_change(&a.replaced, &a.text));
    }
    for other in &done.marked {
        println!(
            "{}",
            tr!(
                "Forslaget {other} står på nogle af de samme ord og skal ses igen.",
                "The suggestion {other} is on some of the same words and needs a new look."
            )
        );
    }
    Ok(())
}

/// The three texts and the merged result, for a writer to read.
fn print_three(plan: &AcceptPlan) {
    println!(
        "{}",
        if plan.review.is_some() {
            tr!(
                "Et andet forslag til de samme ord er indført siden; læs de tre tekster:",
                "Another suggestion on the same words was applied since; read the three texts:"
            )
        } else {
            tr!(
                "Ordene er ændret, siden forslaget blev skrevet; læs de tre tekster:",
                "The words were changed since the suggestion was written; read the three texts:"
            )
        }
    );
    let current = plan.current.as_deref().unwrap_or_default();
    for (label, text) in [
        (
            tr!("Medlemmet så:     ", "The member saw:   "),
            plan.quoted.as_str(),
        ),
        (tr!("Der står nu:      ", "It reads now:     "), current),
        (
            tr!("Medlemmet foreslår:", "The member proposes:"),
            plan.proposed.as_str(),
        ),
    ] {
        println!("  {label} «{}»", safe(text));
    }
    if let Some(m) = &plan.merged {
        println!(
            "  {} «{}»",
            tr!("Flettet forslag:  ", "Merged proposal:  "),
            safe(&m.text)
        );
        println!("    {}", marked_change(current, &m.text));
        if m.conflict {
            println!(
                "  {}",
                tr!(
                    "Bemærk: jeres rettelse og forslaget ændrer de samme ord; dér er medlemmets ord brugt.",
                    "Note: your edit and the suggestion change the same words; there the member's words were used."
                )
            );
        }
    }
}
