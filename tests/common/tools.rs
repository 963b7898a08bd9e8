//! Programs from outside the Rust toolchain that some tests drive (Chromium,
//! LibreOffice, poppler, sshd, tmux, a web server).
//!
//! `cargo test` on a fresh machine must pass with only Rust installed, so a
//! test whose program is missing is skipped – loudly: the notice is written
//! straight to the process's standard error, past libtest's output capture,
//! so it shows in the summary of an ordinary `cargo test` run. In CI the
//! same tests are required: `.ci/run` installs the programs and sets
//! `OPLAEG_REQUIRE_TOOLS=1` (and CI sets `CI=true`), and there a missing
//! program fails the test instead.

use std::io::Write;
use std::path::Path;

/// Whether missing programs must fail the tests instead of skipping them.
pub fn required() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
    };
    set("OPLAEG_REQUIRE_TOOLS") || set("CI")
}

/// Whether `program` (a name on `PATH` or an absolute path) can be run.
pub fn installed(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

/// Whether every one of `programs` is installed. When one is missing the
/// test should return early: this says so on the terminal (naming the test,
/// the program and the Debian package that brings it), or panics when the
/// programs are required (CI).
pub fn available(test: &str, programs: &[&str], package: &str) -> bool {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    if required() {
        panic!(
            "{test}: not installed: {what}; this run requires it \
             (OPLAEG_REQUIRE_TOOLS or CI is set). Install it with \
             `apt-get install {package}`, as .ci/run does."
        );
    }
    skipped(
        test,
        &format!("not installed: {what} (apt-get install {package}, as .ci/run does)"),
    );
    false
}

/// Says on the terminal that `test` was skipped and why, past the output
/// capture of the test harness. Panics when the programs are required (CI),
/// so a skip can never hide a failure there.
pub fn skipped(test: &str, why: &str) {
    if required() {
        panic!(
            "{test}: {why} (OPLAEG_REQUIRE_TOOLS or CI is set, so this fails instead of skipping)"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED {test}: {why}. Set OPLAEG_REQUIRE_TOOLS=1 to make this an error. !!!"
    );
}
