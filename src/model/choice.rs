//! The fixed vocabularies of the domain (horizon, status, role, disposition):
//! each has a stable key on disk and in JSON, and Danish and English labels.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, lang};

/// A closed set of values with a stable key and human labels.
pub trait Choice: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The key used in files and JSON (`short`, `partly_met` …).
    fn key(self) -> &'static str;
    /// The label in a given language.
    fn label_in(self, lang: Lang) -> &'static str;
    /// Other words accepted when parsing user input.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }
    /// The label in the current language.
    fn label(self) -> &'static str {
        self.label_in(lang())
    }
    /// Parses a key, a Danish or English label or an alias, ignoring case,
    /// `-`/`_`/space differences.
    fn parse(input: &str) -> Option<Self> {
        let norm = |s: &str| s.trim().to_lowercase().replace(['-', '_', ' '], "");
        let wanted = norm(input);
        Self::ALL.iter().copied().find(|v| {
            norm(v.key()) == wanted
                || norm(v.label_in(Lang::Da)) == wanted
                || norm(v.label_in(Lang::En)) == wanted
                || v.aliases().iter().any(|a| norm(a) == wanted)
        })
    }
    /// The accepted keys, for error messages: `short | medium | long`.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.key())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $key:literal, $da:literal, $en:literal $(, [$($alias:literal),*])?;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $key)] $var,)+
        }
        impl Choice for $name {
            const ALL: &'static [Self] = &[$($name::$var),+];
            fn key(self) -> &'static str {
                match self { $($name::$var => $key,)+ }
            }
            fn label_in(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$var, Lang::Da) => $da, ($name::$var, Lang::En) => $en,)+
                }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$var => &[$($($alias),*)?],)+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

choice! {
    /// The time frame for implementing a recommendation (tidshorisont).
    Horizon {
        /// kort: 0–2 years by default.
        Short = "short", "kort", "short", ["k", "s"];
        /// mellemlang: 2–5 years by default.
        Medium = "medium", "mellemlang", "medium", ["m", "mellem"];
        /// lang: 5+ years by default.
        Long = "long", "lang", "long", ["l"];
    }
}

impl Horizon {
    /// One letter for badges: K/M/L in Danish, S/M/L in English.
    pub fn badge(self) -> char {
        match (self, lang()) {
            (Horizon::Short, Lang::Da) => 'K',
            (Horizon::Short, Lang::En) => 'S',
            (Horizon::Medium, _) => 'M',
            (Horizon::Long, _) => 'L',
        }
    }
}

choice! {
    /// Where a recommendation stands.
    RecStatus {
        Draft = "draft", "udkast", "draft";
        Proposed = "proposed", "foreslået", "proposed", ["foreslaaet"];
        Agreed = "agreed", "vedtaget", "agreed";
        Dropped = "dropped", "udgået", "dropped", ["udgaaet"];
    }
}

choice! {
    /// What a member may do.
    Role {
        /// Sundhedsstyrelsen's writers: change everything, resolve comments, tag meetings.
        Writer = "writer", "skribent", "writer";
        /// Group members: comment and reply.
        Member = "member", "medlem", "member";
        /// Readers only.
        Reviewer = "reviewer", "læser", "reviewer", ["laeser"];
    }
}

choice! {
    /// How a comment was answered in the høringsnotat.
    Disposition {
        Met = "met", "imødekommet", "met", ["imoedekommet"];
        PartlyMet = "partly_met", "delvist imødekommet", "partly met", ["delvist", "partly", "delvist imoedekommet"];
        NotMet = "not_met", "ikke imødekommet", "not met", ["ikke", "ikke imoedekommet"];
        Noted = "noted", "taget til efterretning", "noted", ["efterretning"];
    }
}

choice! {
    /// Whether a comment still awaits an answer.
    CommentStatus {
        Open = "open", "åben", "open", ["aaben", "aabne", "åbne"];
        Resolved = "resolved", "besvaret", "resolved", ["besvarede"];
        Withdrawn = "withdrawn", "trukket tilbage", "withdrawn";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_labels_and_aliases() {
        assert_eq!(Horizon::parse("kort"), Some(Horizon::Short));
        assert_eq!(Horizon::parse("Mellemlang"), Some(Horizon::Medium));
        assert_eq!(Horizon::parse("long"), Some(Horizon::Long));
        assert_eq!(Horizon::parse("uge"), None);
        assert_eq!(
            Disposition::parse("partly-met"),
            Some(Disposition::PartlyMet)
        );
        assert_eq!(
            Disposition::parse("delvist imødekommet"),
            Some(Disposition::PartlyMet)
        );
        assert_eq!(
            Disposition::parse("taget til efterretning"),
            Some(Disposition::Noted)
        );
        assert_eq!(Role::parse("læser"), Some(Role::Reviewer));
        assert_eq!(Horizon::expected(), "short | medium | long");
    }

    #[test]
    fn keys_round_trip_through_serde() {
        for d in Disposition::ALL {
            let json = serde_json::to_string(d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.key()));
            let back: Disposition = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *d);
        }
    }
}
