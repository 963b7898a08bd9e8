//! The core's errors. Each carries what a person needs to act on it, and
//! displays as one line in the current language (see [`crate::i18n`]).

use std::path::PathBuf;

use crate::tr;

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core.
#[derive(Debug)]
pub enum Error {
    /// No `oplaeg.toml` in the folder or above it.
    NotAWorkspace(PathBuf),
    /// `oplaeg.toml` found, but the folder is not a git repository.
    NotAGitRepository(PathBuf),
    /// The repository belongs to another user, and git does not trust it
    /// (git's `safe.directory`).
    NotOwned(PathBuf),
    /// A git operation failed.
    Git {
        context: String,
        source: git2::Error,
    },
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file that cannot be read as what it should be; names line and column.
    File(crate::model::Problem),
    /// A slug or id outside `[a-z0-9-]`.
    InvalidName {
        what: &'static str,
        value: String,
    },
    /// A name that matches nothing, with the closest one as a suggestion.
    Unknown {
        kind: Kind,
        name: String,
        suggestion: Option<String>,
    },
    QuoteNotFound {
        chapter: String,
        quote: String,
    },
    QuoteAmbiguous {
        chapter: String,
        quote: String,
        count: usize,
    },
    /// A required text was empty (the message says which).
    Empty(String),
    NotAMember(String),
    NoIdentity,
    /// The acting member's role does not allow the action.
    Forbidden {
        name: String,
        role: String,
        action: String,
        allowed: String,
    },
    InvalidValue {
        field: String,
        value: String,
        expected: String,
    },
    /// A file the change would write has uncommitted edits.
    Uncommitted(String),
    /// HEAD moved while the change was being made.
    Concurrent,
    Exists(String),
    /// Sync stopped before sending anything: two people changed the same
    /// thing. Says which files and how to resolve them.
    SyncConflict(Box<crate::store::SyncConflict>),
    /// Sync gave up after this many rounds because the server kept moving.
    ServerBusy(u32),
    /// Anything else, already phrased for the user.
    Invalid(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Error::NotAWorkspace(path) => {
                let p = path.display();
                tr!(
                    "ingen oplæg-arbejdsmappe (oplaeg.toml) i {p} eller mapperne over den. Start en med `oplaeg init`, eller prøv `oplaeg demo`",
                    "no oplæg workspace (oplaeg.toml) in {p} or the folders above it. Start one with `oplaeg init`, or try `oplaeg demo`"
                )
            }
            Error::NotAGitRepository(path) => {
                let p = path.display();
                tr!(
                    "{p} er ikke et git-repository (oplaeg gemmer alt i git; start med `oplaeg init`)",
                    "{p} is not a git repository (oplaeg keeps everything in git; start with `oplaeg init`)"
                )
            }
            Error::NotOwned(path) => {
                let p = path.display();
                tr!(
                    "{p} ejes af en anden bruger end dig, så git – og dermed oplaeg – vil ikke åbne den. Stoler du på mappen (den er for eksempel kopieret fra en kollega), så skriv:\n    git config --global --add safe.directory {p}",
                    "{p} is owned by another user than you, so git – and so oplaeg – will not open it. If you trust the folder (copied from a colleague, say), run:\n    git config --global --add safe.directory {p}"
                )
            }
            Error::Git { context, source } => {
                let m = source.message();
                tr!(
                    "git-fejl under {context}: {m}",
                    "git error while {context}: {m}"
                )
            }
            Error::Io { path, source } => format!("{}: {source}", path.display()),
            Error::File(problem) => problem.to_string(),
            Error::InvalidName { what, value } => tr!(
                "ugyldig {what} «{value}»: kun små bogstaver a-z, cifre og bindestreg er tilladt",
                "invalid {what} «{value}»: only lower-case letters a-z, digits and hyphens are allowed"
            ),
            Error::Unknown {
                kind,
                name,
                suggestion,
            } => {
                let noun = kind.noun();
                match suggestion {
                    Some(s) => tr!(
                        "ukendt {noun} «{name}» – mente du «{s}»?",
                        "unknown {noun} «{name}» – did you mean «{s}»?"
                    ),
                    None => tr!("ukendt {noun} «{name}»", "unknown {noun} «{name}»"),
                }
            }
            Error::QuoteNotFound { chapter, quote } => tr!(
                "citatet står ikke i kapitlet «{chapter}»: «{quote}» (citér ordret fra kapitlets tekst)",
                "the quote does not occur in the chapter «{chapter}»: «{quote}» (quote the chapter's text word for word)"
            ),
            Error::QuoteAmbiguous {
                chapter,
                quote,
                count,
            } => tr!(
                "citatet står {count} steder i kapitlet «{chapter}»: «{quote}» (brug et længere citat, så det kun står ét sted)",
                "the quote occurs {count} times in the chapter «{chapter}»: «{quote}» (use a longer quote that occurs only once)"
            ),
            Error::Empty(message) => message.clone(),
            Error::NotAMember(email) => tr!(
                "{email} er ikke medlem af følgegruppen i oplaeg.toml (er du medlem med en anden adresse, så angiv den med --as EMAIL eller OPLAEG_AUTHOR; ellers kan en skribent tilføje dig med `oplaeg member add`)",
                "{email} is not a member of the group in oplaeg.toml (if you are a member under another address, give it with --as EMAIL or OPLAEG_AUTHOR; otherwise a writer can add you with `oplaeg member add`)"
            ),
            Error::NoIdentity => tr!(
                "hvem er du? Angiv --as EMAIL, sæt OPLAEG_AUTHOR, eller sæt git config user.email",
                "who are you? Give --as EMAIL, set OPLAEG_AUTHOR, or set git config user.email"
            ),
            Error::Forbidden {
                name,
                role,
                action,
                allowed,
            } => tr!(
                "{name} har rollen {role} og må ikke {action}; det må kun {allowed}",
                "{name} has the role {role} and may not {action}; only {allowed} may"
            ),
            Error::InvalidValue {
                field,
                value,
                expected,
            } => tr!(
                "ugyldig værdi for {field}: «{value}» (forventet {expected})",
                "invalid value for {field}: «{value}» (expected {expected})"
            ),
            Error::Uncommitted(path) => tr!(
                "{path} har ændringer, der ikke er committet; commit eller fortryd dem først (intet er ændret)",
                "{path} has uncommitted changes; commit or discard them first (nothing was changed)"
            ),
            Error::Concurrent => tr!(
                "arbejdsmappen blev ændret af en anden samtidig; prøv igen (intet er ændret)",
                "the workspace was changed by someone else at the same time; try again (nothing was changed)"
            ),
            Error::Exists(what) => tr!("{what} findes allerede", "{what} already exists"),
            Error::SyncConflict(c) => c.describe().trim_end().to_string(),
            Error::ServerBusy(n) => tr!(
                "serveren blev ved med at ændre sig undervejs ({n} forsøg); intet er tabt – prøv `oplaeg sync` igen om lidt",
                "the server kept changing meanwhile ({n} attempts); nothing is lost – try `oplaeg sync` again in a moment"
            ),
            Error::Invalid(text) => text.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Git { source, .. } => Some(source),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What kind of thing a name refers to, for "unknown … (did you mean …?)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chapter,
    Recommendation,
    Comment,
    Member,
    Meeting,
    Revision,
}

impl Kind {
    fn noun(self) -> String {
        match self {
            Kind::Chapter => tr!("kapitel", "chapter"),
            Kind::Recommendation => tr!("anbefaling", "recommendation"),
            Kind::Comment => tr!("kommentar", "comment"),
            Kind::Member => tr!("medlem", "member"),
            Kind::Meeting => tr!("møde", "meeting"),
            Kind::Revision => tr!("version", "revision"),
        }
    }
}

impl Error {
    /// Wraps a git error with what we were doing.
    pub fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> Error {
        let context = context.into();
        move |source| Error::Git { context, source }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// An unknown name, with the closest of `candidates` as a suggestion.
    pub fn unknown<'a>(
        kind: Kind,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Error {
        Error::Unknown {
            kind,
            name: name.to_string(),
            suggestion: crate::text::nearest(name, candidates),
        }
    }
}
