//! `oplaeg`: parse the command line and hand over to the CLI or the UI.

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
    if let Err(e) = oplaeg::cli::run(cli) {
        let label = oplaeg::tr!("fejl", "error");
        let text = oplaeg::text::for_terminal(&e.to_string(), false).into_owned();
        eprintln!("oplaeg: {label}: {text}");
        std::process::exit(1);
    }
}
