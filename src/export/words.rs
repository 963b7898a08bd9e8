//! The words of the exported documents in the language asked for, which
//! need not be the language of the program around them (an English UI can
//! export a Danish høringsnotat), so the language is passed, not global.

use chrono::{Datelike, NaiveDate};

use crate::i18n::Lang;
use crate::model::{Choice, CommentStatus, Disposition, Horizon, HorizonDef, RecStatus};

/// Danish or English by `lang`.
pub fn w(lang: Lang, da: &str, en: &str) -> String {
    match lang {
        Lang::Da => da.to_string(),
        Lang::En => en.to_string(),
    }
}

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `28. august 2024` / `28 August 2024`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::Da => format!("{}. {} {}", d.day(), MONTHS_DA[m], d.year()),
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
    }
}

/// A disposition as it is written in a høringsnotat, capitalised.
pub fn disposition(lang: Lang, d: Disposition) -> String {
    capitalise(d.label_in(lang))
}

/// A comment's state when it has no disposition.
pub fn unresolved(lang: Lang, s: CommentStatus) -> String {
    match s {
        CommentStatus::Open => w(lang, "Ikke besvaret endnu", "Not answered yet"),
        CommentStatus::Withdrawn => w(lang, "Trukket tilbage", "Withdrawn"),
        CommentStatus::Resolved => w(lang, "Besvaret", "Resolved"),
    }
}

/// A recommendation's status, capitalised.
pub fn rec_status(lang: Lang, s: RecStatus) -> String {
    capitalise(s.label_in(lang))
}

/// `Mellemlang (2–5 år)` from the workspace's own horizon definitions.
pub fn horizon(lang: Lang, h: Horizon, def: &HorizonDef) -> String {
    let years = w(lang, "år", "years");
    let span = match def.to_years {
        Some(to) => format!("{}–{to} {years}", def.from_years),
        None => format!("{}+ {years}", def.from_years),
    };
    // The workspace's own label is Danish; English documents use the fixed one.
    let label = match lang {
        Lang::Da if !def.label.trim().is_empty() => def.label.clone(),
        _ => h.label_in(lang).to_string(),
    };
    format!("{} ({span})", capitalise(&label))
}

/// The first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_labels() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 28).unwrap();
        assert_eq!(date(Lang::Da, d), "28. august 2024");
        assert_eq!(date(Lang::En, d), "28 August 2024");
        assert_eq!(
            disposition(Lang::Da, Disposition::PartlyMet),
            "Delvist imødekommet"
        );
        assert_eq!(disposition(Lang::En, Disposition::Noted), "Noted");
        let def = crate::model::Horizons::default();
        assert_eq!(
            horizon(Lang::Da, Horizon::Medium, &def.medium),
            "Mellemlang (2–5 år)"
        );
        assert_eq!(
            horizon(Lang::En, Horizon::Long, &def.long),
            "Long (5+ years)"
        );
    }
}
