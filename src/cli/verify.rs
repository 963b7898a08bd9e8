//! `oplaeg verify [RANGE]`: every commit in the range checked against the
//! roles (see [`crate::ops::verify`]); every broken rule printed, and exit
//! status 1 when there is one, so a server's `pre-receive` hook can refuse
//! the push.

use std::io::Read;
use std::path::Path;

use super::args::Format;
use super::output::{json, safe};
use super::{Cli, store};
use crate::i18n::count;
use crate::ops::verify::{Report, Rule, Violation, pusher};
use crate::tr;

/// `oplaeg verify`.
pub fn verify(cli: &Cli, range: Option<&str>, refname: Option<&str>) -> anyhow::Result<()> {
    // A third of the time went to re-hashing every tree read; git itself
    // does not on reading (`git fsck` does, and a server made by `oplaeg
    // server init` checks what it receives with receive.fsckObjects).
    crate::store::Store::skip_hash_checks();
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
        print!("{}", violation_lines(&report));
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

/// Each broken rule as two lines: commit, author, file; rule and reason.
fn violation_lines(report: &Report) -> String {
    let mut out = String::new();
    for v in &report.violations {
        let who = if v.email.is_empty() {
            String::new()
        } else {
            format!("{} <{}>  ", safe(&v.author), safe(&v.email))
        };
        out.push_str(&format!(
            "  {}  {who}{}\n           [{}] {}\n",
            &v.commit[..v.commit.len().min(7)],
            safe(v.file.as_deref().unwrap_or("–")),
            v.rule.key(),
            safe(&v.message)
        ));
    }
    out
}

/// `oplaeg verify --pre-receive`: the server's hook. Reads git's
/// `old new ref` lines, judges the whole push, and writes the reasons on
/// standard error (git shows them to the pusher as `remote: …`).
pub fn pre_receive(cli: &Cli) -> anyhow::Result<()> {
    // git has hashed the pushed objects while indexing them.
    crate::store::Store::skip_hash_checks();
    let store = store(cli)?;
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let updates = crate::ops::verify::parse_updates(&input)?;
    // A pusher the server names but nobody mapped: refused (fails closed).
    let (who, unknown) = match pusher::from_env(store.repo()) {
        Ok(who) => (who, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let mut report = crate::ops::verify::verify_push(&store, &updates, who.as_deref())?;
    if let Some(message) = unknown {
        report.violations.insert(
            0,
            Violation {
                commit: "0".repeat(40),
                author: String::new(),
                email: String::new(),
                file: None,
                rule: Rule::UnknownPusher,
                message,
            },
        );
    }
    if cli.format == Format::Json {
        json(&report)?;
    }
    if report.ok() {
        let changes = count(
            report.commits,
            &tr!("ændring", "change"),
            &tr!("ændringer", "changes"),
        );
        eprintln!(
            "{}",
            tr!(
                "oplaeg: skubbet holder rollerne ({changes} tjekket).",
                "oplaeg: the push keeps the roles ({changes} checked)."
            )
        );
        return Ok(());
    }
    let n = report.violations.len();
    eprint!(
        "{}\n{}",
        tr!(
            "oplaeg: serveren afviser skubbet – {n} brud på rollerne:",
            "oplaeg: the server refuses the push – {n} broken rules:"
        ),
        violation_lines(&report)
    );
    anyhow::bail!(tr!(
        "intet af skubbet er gemt på serveren. Ret det i din klon (fx `git reset --hard origin/main` og gør ændringen igen med oplaeg) og kør `oplaeg sync`",
        "nothing of the push was stored on the server. Fix it in your clone (e.g. `git reset --hard origin/main` and make the change again with oplaeg) and run `oplaeg sync`"
    ))
}

/// `oplaeg server init PATH`.
pub fn server_init(cli: &Cli, path: &Path) -> anyhow::Result<()> {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .unwrap_or_else(|| "oplaeg".into());
    let setup = crate::ops::server_init(path, &program)?;
    let dir = setup.path.display().to_string();
    if cli.format == Format::Json {
        return json(&serde_json::json!({
            "path": dir,
            "created": setup.created,
            "hook": setup.hook.display().to_string(),
            "program": program.display().to_string(),
            "settings": crate::store::SERVER_SETTINGS
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>(),
        }));
    }
    let program = program.display().to_string();
    let (dir, program) = (safe(&dir), safe(&program));
    println!(
        "{}",
        if setup.created {
            tr!(
                "Den fælles server er oprettet: {dir}",
                "The shared server was created: {dir}"
            )
        } else {
            tr!(
                "Den fælles server {dir} har fået oplaegs hook og indstillinger (indholdet er uændret)",
                "The shared server {dir} got oplaeg's hook and settings (its content is unchanged)"
            )
        }
    );
    println!(
        "{}",
        tr!(
            "  • hooks/pre-receive kører {program} på hvert skub og afviser det, der bryder rollerne\n  • main flyttes kun fremad, intet slettes, og ødelagte objekter afvises\n    (receive.denyNonFastForwards, receive.denyDeletes, receive.fsckObjects)\n\nNæste skridt:\n  1. Giv hvert medlem adgang over ssh med sin egen nøgle, og fortæl serveren hvem nøglen tilhører.\n     Én linje pr. medlem i ~/.ssh/authorized_keys hos den bruger, der ejer {dir}:\n       command=\"env OPLAEG_PUSHER=jens@rm.dk git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",restrict ssh-ed25519 AAAA… jens\n     (Gitea, GitLab og http-servere: se docs/trust-model.md.)\n  2. Skribenten sender oplægget fra sin arbejdsmappe:\n       git remote add origin ssh://SERVER{dir}\n       oplaeg sync\n  3. Medlemmerne henter det:\n       oplaeg clone ssh://SERVER{dir} --as DERES@ADRESSE\n  Flyttes oplaeg-programmet, så kør `oplaeg server init {dir}` igen; indholdet bevares.\n  En sti eller file://-adresse går uden om hooken: brug ssh:// (eller git://) til serveren.",
            "  • hooks/pre-receive runs {program} on every push and refuses what breaks the roles\n  • main only moves forward, nothing is deleted, and broken objects are refused\n    (receive.denyNonFastForwards, receive.denyDeletes, receive.fsckObjects)\n\nNext steps:\n  1. Give each member access over ssh with their own key, and tell the server whose key it is.\n     One line per member in ~/.ssh/authorized_keys of the user who owns {dir}:\n       command=\"env OPLAEG_PUSHER=jens@rm.dk git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",restrict ssh-ed25519 AAAA… jens\n     (Gitea, GitLab and http servers: see docs/trust-model.md.)\n  2. The writer sends the oplæg from their working folder:\n       git remote add origin ssh://SERVER{dir}\n       oplaeg sync\n  3. The members fetch it:\n       oplaeg clone ssh://SERVER{dir} --as THEIR@ADDRESS\n  If the oplaeg program moves, run `oplaeg server init {dir}` again; the content is kept.\n  A path or file:// address bypasses the hook: use ssh:// (or git://) for the server."
        )
    );
    Ok(())
}
