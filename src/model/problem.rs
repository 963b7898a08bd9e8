//! A problem found in a file: which file, where, and what is wrong.

use serde::{Deserialize, Serialize};

/// Something wrong with one file, found while loading. Loading goes on past
/// it; `oplaeg status` lists every problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Path relative to the workspace root.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// What is wrong, in the user's language.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem at a byte offset of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Problem {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Problem {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Parses TOML into `T`; on failure a [`Problem`] naming file, line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, Problem> {
    toml::from_str(text).map_err(|e| {
        let message = in_user_language(e.message().trim());
        match e.span() {
            Some(span) => Problem::at(file, text, span.start, message),
            None => Problem::new(file, message),
        }
    })
}

/// serde's and toml's most common messages in Danish when Danish is chosen
/// (the names in backticks are the file's own and stay as they are); other
/// messages are kept as the parser wrote them.
fn in_user_language(message: &str) -> String {
    if crate::i18n::lang() != crate::i18n::Lang::Da {
        return message.to_string();
    }
    let patterns: [(&str, &str); 8] = [
        ("unknown field ", "ukendt felt "),
        ("unknown variant ", "ukendt værdi "),
        ("missing field ", "feltet mangler: "),
        ("duplicate field ", "feltet står to gange: "),
        ("duplicate key", "nøglen står to gange"),
        ("invalid type: ", "forkert type: "),
        ("invalid value: ", "ugyldig værdi: "),
        ("invalid length ", "forkert antal "),
    ];
    let mut out = message.to_string();
    for (en, da) in patterns {
        if let Some(rest) = out.strip_prefix(en) {
            out = format!("{da}{rest}");
            break;
        }
    }
    out.replace(", expected one of ", ", forventet en af ")
        .replace(", expected ", ", forventet ")
        .replace(", there are no fields", ", der er ingen felter her")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_messages_are_danish() {
        // Unit tests run in Danish, the default; the CLI tests cover --lang en.
        let p = parse_toml::<T>("x.toml", "title = \"a\"\nhorizn = 3\n").unwrap_err();
        assert_eq!(p.message, "ukendt felt `horizn`, forventet `title`");
        let p = parse_toml::<T>("x.toml", "").unwrap_err();
        assert_eq!(p.message, "feltet mangler: `title`");
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
    }

    #[test]
    fn toml_errors_name_line_and_column() {
        let p = parse_toml::<T>("x.toml", "title = \"a\"\nhorizn = 3\n").unwrap_err();
        assert_eq!((p.line, p.column), (Some(2), Some(1)));
        assert!(p.message.contains("horizn"), "{}", p.message);
        assert!(p.to_string().starts_with("x.toml:2:1: "));
        // An unterminated string is reported where the parser gives up.
        let p = parse_toml::<T>("y.toml", "title = \"æø\nx").unwrap_err();
        assert_eq!(p.line, Some(2));
    }
}
