//! `oplaeg verify [RANGE]`: every commit in the range checked against the
//! roles (see [`crate::ops::verify`]); every broken rule printed, and exit
//! status 1 when there is one, so a server's `pre-receive` hook can refuse
//! the push.

use super::args::Format;
use super::output::{json, safe};
use super::{Cli, store};
use crate::i18n::count;
use crate::tr;

/// `oplaeg verify`.
pub fn verify(cli: &Cli, range: Option<&str>, refname: Option<&str>) -> anyhow::Result<()> {
    let store = store(cli)?;
    let report = crate::ops::verify(&store, range, refname)?;
    let changes = count(
        report.commits,
        &tr!("ændring", "change"),
        &tr!("ændringer", "changes"),
    );
    if cli.format == Format::Json {
        json(&report)?;
    } else if report.ok() {
        println!(
            "{}",
            tr!(
                "Tjekkede {changes} ({}): ingen brud på rollerne.",
                "Checked {changes} ({}): no role was broken.",
                safe(&report.range)
            )
        );
    } else {
        println!(
            "{}",
            tr!(
                "Brud på rollerne i {} ({changes} tjekket):",
                "Roles broken in {} ({changes} checked):",
                safe(&report.range)
            )
        );
        for v in &report.violations {
            println!(
                "  {}  {} <{}>  {}",
                &v.commit[..v.commit.len().min(7)],
                safe(&v.author),
                safe(&v.email),
                safe(v.file.as_deref().unwrap_or("–"))
            );
            println!("           [{}] {}", v.rule.key(), safe(&v.message));
        }
    }
    if report.ok() {
        Ok(())
    } else {
        let n = report.violations.len();
        anyhow::bail!(tr!(
            "{n} brud på rollerne (se ovenfor); ændringerne bør ikke tages imod",
            "{n} broken rules (see above); the changes should not be accepted"
        ))
    }
}
