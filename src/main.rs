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

/// Starts libgit2 without reading the system's CA certificates, which it
/// otherwise parses in full when it starts (OpenSSL's whole bundle: about
/// 6 ms of CPU for every command, also for those that never go online).
/// They are handed to it before the first https transfer instead
/// (`store::https::load_certificates`).
///
/// libgit2 gives OpenSSL the locations `SSL_CERT_FILE` and `SSL_CERT_DIR`
/// name when it starts; here they name `/dev/null` while it starts (git2's
/// openssl-probe keeps locations that exist) and are put back as they were
/// right after, so the programs started later (git, its credential
/// helpers) see the environment unchanged.
#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios"))))]
fn start_git_without_certificates() {
    const VARS: [&str; 2] = ["SSL_CERT_FILE", "SSL_CERT_DIR"];
    let saved = VARS.map(std::env::var_os);
    for var in VARS {
        // SAFETY: called from main before any other thread exists and
        // before anything else uses libgit2.
        unsafe { std::env::set_var(var, "/dev/null") };
    }
    // Any libgit2 call starts it; this one only reads a setting.
    // SAFETY: no other thread exists that could change the setting.
    let started = unsafe { git2::opts::get_mwindow_size() }.is_ok();
    for (var, value) in VARS.into_iter().zip(saved) {
        // SAFETY: as above; still the only thread.
        unsafe {
            match value {
                Some(v) => std::env::set_var(var, v),
                None => std::env::remove_var(var),
            }
        }
    }
    if started {
        oplaeg::store::https::defer_certificates(give_git_certificates);
    }
}

#[cfg(not(all(unix, not(any(target_os = "macos", target_os = "ios")))))]
fn start_git_without_certificates() {}

/// Hands libgit2 the CA certificates to trust (a file of them, a folder).
#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios"))))]
fn give_git_certificates(file: Option<&std::path::Path>, folder: Option<&std::path::Path>) {
    // SAFETY: libgit2's TLS settings are changed once, under the lock of
    // `load_certificates`, before the transfer that uses them starts. A
    // location OpenSSL cannot read leaves the transfer to fail on the
    // server's certificate, with the error that says what to do.
    unsafe {
        if let Some(file) = file {
            let _ = git2::opts::set_ssl_cert_file(file);
        }
        if let Some(folder) = folder {
            let _ = git2::opts::set_ssl_cert_dir(folder);
        }
    }
}

/// Puts the program's heap in transparent huge pages where the system
/// offers them to programs that ask (Linux's usual `madvise` setting).
///
/// A diff holds both versions of every changed chapter, and the loader
/// thousands of comments: tens of megabytes of fresh memory, which the
/// kernel otherwise hands over 4 KB at a time, one page fault each (about
/// 5 ms of CPU for 10 MB, a sixth of a whole diff of the prose
/// workspace). In 2 MB pages that is a few faults. For that:
///
/// - all threads allocate from the one heap (glibc otherwise gives each
///   thread its own, which this does not reach);
/// - blocks up to 4 MB come from the heap (by default only those under
///   128 KB; larger ones are separate mappings, returned when freed);
/// - the heap grows in steps of 64 MB, so the range advised here covers
///   what a command usually needs (memory is only used where written);
/// - and that range is advised for huge pages.
///
/// Nothing here changes what a command does. Where the kernel has huge
/// pages off, the advice does nothing; when a step fails, the rest is
/// skipped and malloc works as it did.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn use_huge_pages() {
    const HUGE: usize = 2 << 20;
    const STEP: usize = 64 << 20;
    // SAFETY: called first thing in main, before any other thread exists.
    // mallopt only changes glibc's tuning; the probe block is freed at
    // once; madvise(MADV_HUGEPAGE) is advice about memory the heap owns
    // (it changes no contents) and is only given for a range that holds
    // the probe and ends at the heap's end.
    unsafe {
        if libc::mallopt(libc::M_ARENA_MAX, 1) == 0
            || libc::mallopt(libc::M_MMAP_THRESHOLD, (4 << 20) as libc::c_int) == 0
            || libc::mallopt(libc::M_TOP_PAD, STEP as libc::c_int) == 0
        {
            return;
        }
        // A block the heap has no room for yet makes it grow by a step.
        let probe = libc::malloc(HUGE);
        if probe.is_null() {
            return;
        }
        libc::free(probe);
        let end = libc::sbrk(0) as usize;
        let at = probe as usize;
        let start = at.next_multiple_of(HUGE);
        if at < end && end - at <= STEP + 2 * HUGE && start + HUGE <= end {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn use_huge_pages() {}

fn main() {
    use_huge_pages();
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
    // libgit2 is started once the command is known (`--version` and help
    // need none of it), but before completions, which may read the
    // workspace. Neither completing nor parsing starts a thread.
    let completing = std::env::var_os("COMPLETE").is_some();
    if completing {
        start_git_without_certificates();
    }
    oplaeg::cli::help::complete_if_asked(lang);
    let cli = oplaeg::cli::help::parse(lang);
    if !completing {
        start_git_without_certificates();
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
