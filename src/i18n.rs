//! The language of what people read: Danish first, English on request.
//!
//! Messages are written next to the code that uses them with [`tr!`], so a
//! missing translation is a compile error rather than a blank on screen.
//! The language is chosen once at start-up (`--lang`, else `LANG`) and kept in
//! a process-wide setting, because error values are displayed far from where
//! the choice was made.

use std::sync::atomic::{AtomicU8, Ordering};

/// A language the interface speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// Danish, the default.
    #[default]
    Da,
    /// English.
    En,
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

impl Lang {
    /// Parses `da`, `dansk`, `en`, `english` (any case).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "da" | "dansk" | "danish" | "da_dk" => Some(Lang::Da),
            "en" | "english" | "engelsk" => Some(Lang::En),
            _ => None,
        }
    }

    /// Reads a POSIX locale value such as `en_GB.UTF-8`: English for `en*`,
    /// Danish for everything else (the users are Danish officials).
    pub fn from_locale(value: &str) -> Lang {
        if value.to_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Da
        }
    }

    /// The language from the environment: `LC_ALL`, `LC_MESSAGES`, `LANG`.
    pub fn from_env() -> Lang {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(key)
                && !v.is_empty()
                && v != "C"
                && v != "POSIX"
            {
                return Lang::from_locale(&v);
            }
        }
        Lang::Da
    }
}

/// Sets the language for the rest of the process.
pub fn set_lang(lang: Lang) {
    CURRENT.store(
        match lang {
            Lang::Da => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

/// The language in force.
pub fn lang() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::En,
        _ => Lang::Da,
    }
}

/// `tr!("dansk {x}", "english {x}")` formats the message in the current
/// language; both strings take the same arguments.
#[macro_export]
macro_rules! tr {
    ($da:literal, $en:literal $(,)?) => {
        match $crate::i18n::lang() {
            $crate::i18n::Lang::Da => format!($da),
            $crate::i18n::Lang::En => format!($en),
        }
    };
    ($da:literal, $en:literal, $($arg:tt)+) => {
        match $crate::i18n::lang() {
            $crate::i18n::Lang::Da => format!($da, $($arg)+),
            $crate::i18n::Lang::En => format!($en, $($arg)+),
        }
    };
}

/// "1 kommentar", "3 kommentarer": a count with the right noun form.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
