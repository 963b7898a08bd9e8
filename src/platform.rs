//! What differs between Linux, macOS and Windows, in one place: the home
//! folder, `~` in a typed path, the editor to open on a text and how many
//! processors work can be shared over. Everything
//! else oplaeg does goes through the standard library, git2 and crossterm,
//! which are portable (see docs/portability.md).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// How many processors the process may use (1 when the system does not
/// say), asked once: the standard library reads the control group's quota
/// files on every call, and a diff shares work out several times.
pub fn processors() -> usize {
    static PROCESSORS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *PROCESSORS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The user's home folder: `HOME`, else on Windows `USERPROFILE` (or
/// `HOMEDRIVE` + `HOMEPATH`), which is where Windows keeps it.
pub fn home_dir() -> Option<PathBuf> {
    home_from(|name| std::env::var_os(name))
}

fn home_from(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(home) = set("HOME") {
        return Some(PathBuf::from(home));
    }
    if cfg!(windows) {
        if let Some(profile) = set("USERPROFILE") {
            return Some(PathBuf::from(profile));
        }
        if let (Some(drive), Some(path)) = (set("HOMEDRIVE"), set("HOMEPATH")) {
            let mut home = drive;
            home.push(path);
            return Some(PathBuf::from(home));
        }
    }
    None
}

/// A path as a person types it: a leading `~/` (also `~\` on Windows) is
/// the home folder; anything else is taken as it is.
pub fn expand_home(typed: &str) -> PathBuf {
    let rest = typed
        .strip_prefix("~/")
        .or_else(|| cfg!(windows).then(|| typed.strip_prefix("~\\")).flatten());
    match (rest, home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(typed),
    }
}

/// The editor to open a text in, as a program and its arguments, started
/// without a shell: `$VISUAL`, else `$EDITOR`, else the first common editor
/// found (on Windows: Notepad, which every Windows has). A variable that
/// names an existing file is the program itself, so a path with spaces
/// (`C:\Program Files\Notepad++\notepad++.exe`) works; otherwise it is split
/// at white space (`code --wait`).
pub fn editor() -> Option<(String, Vec<String>)> {
    let from_env = ["VISUAL", "EDITOR"].into_iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    });
    match from_env {
        Some(value) => Some(split_command(&value)),
        None => fallback_editor().map(|program| (program, Vec::new())),
    }
}

fn split_command(value: &str) -> (String, Vec<String>) {
    if Path::new(value).is_file() {
        return (value.to_string(), Vec::new());
    }
    let mut parts = value.split_whitespace().map(str::to_string);
    let program = parts.next().unwrap_or_default();
    (program, parts.collect())
}

/// The first common editor on `PATH`.
fn fallback_editor() -> Option<String> {
    if cfg!(windows) {
        return Some("notepad.exe".to_string());
    }
    let path = std::env::var_os("PATH")?;
    [
        "sensible-editor",
        "editor",
        "nano",
        "micro",
        "vim",
        "vi",
        "emacs",
        "ed",
    ]
    .into_iter()
    .find(|name| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_is_home_and_on_windows_the_profile() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            home_from(vars(&[
                ("HOME", "/home/jens"),
                ("USERPROFILE", "C:\\Users\\jens")
            ])),
            Some(PathBuf::from("/home/jens"))
        );
        let windows_only = home_from(vars(&[("HOME", ""), ("USERPROFILE", "C:\\Users\\jens")]));
        if cfg!(windows) {
            assert_eq!(windows_only, Some(PathBuf::from("C:\\Users\\jens")));
        } else {
            assert_eq!(windows_only, None);
        }
    }

    #[test]
    fn an_editor_is_split_unless_it_names_a_file() {
        assert_eq!(
            split_command("code --wait"),
            ("code".to_string(), vec!["--wait".to_string()])
        );
        let dir = tempfile::tempdir().unwrap();
        let spaced = dir.path().join("My Editor");
        std::fs::write(&spaced, "").unwrap();
        let spaced = spaced.display().to_string();
        assert_eq!(split_command(&spaced), (spaced.clone(), Vec::new()));
    }

    #[test]
    fn a_tilde_is_the_home_folder() {
        let Some(home) = home_dir() else { return };
        assert_eq!(expand_home("~/notat.docx"), home.join("notat.docx"));
        assert_eq!(expand_home("notat.docx"), PathBuf::from("notat.docx"));
        assert_eq!(expand_home("/tmp/~/x"), PathBuf::from("/tmp/~/x"));
    }
}
