//! `oplaeg`: parse the command line and hand over to the CLI or the UI.

use oplaeg::cli::args::Command;
use oplaeg::i18n::{Lang, set_lang};

/// Lets `oplaeg log | head` end quietly, as command-line tools do, instead
/// of panicking on the closed pipe.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any other thread exists;
    // SIG_DFL is always a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

/// Trusts the CA certificates git is configured to trust for https
/// (`http.sslCAInfo`, `GIT_SSL_CAINFO`, …): libgit2 reads them from the
/// environment once, when it starts. `repo` is the workspace given with
/// `--repo`, whose own git configuration counts too.
fn trust_gits_certificates(repo: Option<&std::path::Path>) {
    if std::env::var_os("COMPLETE").is_some() {
        return;
    }
    for (var, value) in oplaeg::store::https::ca_variables(repo) {
        // SAFETY: called in main before any other thread exists and
        // before libgit2 is started (parsing the arguments does not use it).
        unsafe { std::env::set_var(var, value) };
    }
}

fn main() {
    restore_sigpipe();
    // The language is known before parsing, so that help and usage errors
    // already speak it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = match oplaeg::cli::help::lang_in_args(&args) {
        Ok(Some(lang)) => lang,
        Ok(None) => Lang::from_env(),
        Err(l) => {
            let l = oplaeg::text::for_terminal(&l, false).into_owned();
            eprintln!("oplaeg: --lang {l}: brug da eller en / use da or en");
            std::process::exit(2)
        }
    };
    set_lang(lang);
    oplaeg::cli::help::complete_if_asked(lang);
    let cli = oplaeg::cli::help::parse(lang);
    // Only what may talk to a server (the terminal UI syncs too) asks git.
    if matches!(
        cli.command,
        None | Some(Command::Sync { .. } | Command::Clone { .. })
    ) {
        trust_gits_certificates(cli.repo.as_deref());
    }
    if let Err(e) = oplaeg::cli::run(cli) {
        let label = oplaeg::tr!("fejl", "error");
        // Line breaks stay (a refusal lists its reasons one per line); every
        // other control character is shown escaped.
        let text = oplaeg::text::for_terminal(&e.to_string(), true).into_owned();
        eprintln!("oplaeg: {label}: {text}");
        std::process::exit(1);
    }
}
