//! What no commit may bring, whoever makes it: a symlink, a submodule
//! (gitlink) or an executable file, and a file beyond the documented
//! limits (`model::limits`: size by kind of file, files per folder, how
//! deep quotes and lists nest). oplaeg itself writes only regular 0644
//! files within those limits, so any of these came from outside it; a
//! clone would check a symlink out as a link pointing anywhere.
//!
//! Only what a commit adds or changes is looked at: the size from the
//! object's header (a huge file is never unpacked), the text only of files
//! within their size limit.

use crate::model::{limits, paths};
use crate::tr;

/// git's file modes in a tree.
pub const MODE_EXECUTABLE: i32 = 0o100755;
pub const MODE_LINK: i32 = 0o120000;
pub const MODE_GITLINK: i32 = 0o160000;

/// The folders with a limit on how many files they hold.
pub fn folder_limits() -> [(&'static str, usize); 3] {
    [
        (paths::COMMENTS, limits::MAX_COMMENTS),
        (paths::DRAFTS, limits::MAX_CHAPTERS),
        (paths::RECOMMENDATIONS, limits::MAX_RECOMMENDATIONS),
    ]
}

/// The folder with a file-count limit that `path` lies directly in.
pub fn limited_folder(path: &str) -> Option<&'static str> {
    folder_limits().into_iter().map(|(d, _)| d).find(|d| {
        path.strip_prefix(d)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|f| !f.contains('/'))
    })
}

/// Why a file with `mode` at `path` is refused, if it is.
pub fn mode_problem(path: &str, mode: i32) -> Option<String> {
    match mode {
        MODE_LINK => Some(tr!(
            "{path} er et symbolsk link; oplaeg følger aldrig links (det kan pege hvor som helst), så det tages ikke imod. Læg en almindelig fil i stedet",
            "{path} is a symbolic link; oplaeg never follows links (one can point anywhere), so it is not accepted. Put a regular file there instead"
        )),
        MODE_GITLINK => Some(tr!(
            "{path} er en henvisning til et andet git-arkiv (et undermodul); et oplæg består kun af almindelige filer",
            "{path} is a reference to another git repository (a submodule); an oplæg consists of regular files only"
        )),
        MODE_EXECUTABLE if paths::is_workspace_file(path, true) => Some(tr!(
            "{path} er markeret som eksekverbar; oplæggets filer er almindelige tekstfiler (ret med `chmod -x {path}`, `git add` og en ny commit)",
            "{path} is marked executable; the oplæg's files are plain text files (fix with `chmod -x {path}`, `git add` and a new commit)"
        )),
        _ => None,
    }
}

/// Why a file of `size` bytes at `path` is too large, if it is.
pub fn size_problem(path: &str, size: u64) -> Option<String> {
    let max = limits::max_bytes(path);
    if !paths::is_workspace_file(path, true) || size <= max {
        return None;
    }
    let (size, max) = (limits::human(size), limits::human(max));
    Some(tr!(
        "{path} er for stor ({size}; grænsen er {max}); gør teksten kortere",
        "{path} is too large ({size}; the limit is {max}); make the text shorter"
    ))
}

/// Why `folder` holding `count` files is too many, if it is.
pub fn count_problem(folder: &str, count: usize) -> Option<String> {
    let (_, max) = folder_limits().into_iter().find(|(d, _)| *d == folder)?;
    (count > max).then(|| {
        tr!(
            "{folder}/ ville rumme {count} filer; grænsen er {max}",
            "{folder}/ would hold {count} files; the limit is {max}"
        )
    })
}

pub use crate::model::limits::{nesting, nesting_problem, table_nesting};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_quotes_and_lists() {
        assert_eq!(nesting("Tekst."), 0);
        assert_eq!(nesting("> citat"), 1);
        assert_eq!(nesting("- a\n  - b\n    > c"), 3);
        assert_eq!(nesting(&format!("{} dybt", ">".repeat(40))), 40);
    }

    #[test]
    fn modes_sizes_and_counts_are_judged_by_kind_of_file() {
        assert!(mode_problem("comments/a.toml", MODE_LINK).is_some());
        assert!(mode_problem("README.md", MODE_LINK).is_some());
        assert!(mode_problem("x", MODE_GITLINK).is_some());
        assert!(mode_problem("drafts/01-a.md", MODE_EXECUTABLE).is_some());
        assert!(mode_problem("rankings/1/round.toml", MODE_EXECUTABLE).is_some());
        assert!(mode_problem("tools/run.sh", MODE_EXECUTABLE).is_none());
        assert!(mode_problem("comments/a.toml", 0o100644).is_none());
        assert!(size_problem("comments/a.toml", limits::SMALL_FILE_BYTES + 1).is_some());
        assert!(size_problem("drafts/01-a.md", limits::SMALL_FILE_BYTES + 1).is_none());
        assert!(size_problem("oplaeg.toml", limits::SETTINGS_BYTES + 1).is_some());
        assert!(count_problem("drafts", limits::MAX_CHAPTERS + 1).is_some());
        assert!(count_problem("drafts", limits::MAX_CHAPTERS).is_none());
        assert_eq!(limited_folder("comments/a.toml"), Some("comments"));
        assert_eq!(limited_folder("comments/x/a.toml"), None);
        assert_eq!(limited_folder("rankings/1/round.toml"), None);
    }
}
