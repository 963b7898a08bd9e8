//! `oplaeg.toml`: the workspace's title, members, horizons and meetings.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::{Choice, Horizon, Role};

/// The workspace's settings.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The oplæg's title.
    pub title: String,
    /// How many recommendations the group asked for; more gives a warning.
    #[serde(default = "default_count")]
    pub recommended_count: usize,
    /// The følgegruppe and the writers.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Labels and spans of the three horizons.
    #[serde(default)]
    pub horizons: Horizons,
    /// Planned meetings (held ones are tagged `meeting/N` in git).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<Meeting>,
    /// The calendar year the plan starts (its horizons count from it);
    /// when absent, the year after the last planned meeting.
    #[serde(
        default,
        deserialize_with = "de_plan_start",
        skip_serializing_if = "Option::is_none"
    )]
    pub plan_start: Option<i32>,
}

/// The years a plan may start in.
pub const PLAN_START_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Accepts a year such as `2025` (also written as a string).
fn de_plan_start<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let value = toml::Value::deserialize(d)?;
    let year = match &value {
        toml::Value::Integer(n) => i32::try_from(*n).ok(),
        toml::Value::String(s) => s.trim().parse::<i32>().ok(),
        _ => None,
    };
    match year {
        Some(y) if PLAN_START_YEARS.contains(&y) => Ok(Some(y)),
        _ => Err(serde::de::Error::custom(crate::tr!(
            "plan_start skal være det årstal, planen begynder, mellem {} og {} (fx plan_start = 2025), ikke «{value}»",
            "plan_start must be the year the plan starts, between {} and {} (e.g. plan_start = 2025), not «{value}»",
            PLAN_START_YEARS.start(),
            PLAN_START_YEARS.end()
        ))),
    }
}

fn default_count() -> usize {
    10
}

impl Config {
    /// What stands in for an `oplaeg.toml` that cannot be read: no members,
    /// default settings (the problem itself is reported).
    pub fn unreadable() -> Config {
        Config {
            title: crate::tr!(
                "(oplaeg.toml kan ikke læses)",
                "(oplaeg.toml cannot be read)"
            ),
            recommended_count: default_count(),
            members: Vec::new(),
            horizons: Horizons::default(),
            meetings: Vec::new(),
            plan_start: None,
        }
    }
}

/// A person who may act in the workspace.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub role: Role,
}

/// The three horizons' labels and spans.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Horizons {
    #[serde(default = "HorizonDef::short")]
    pub short: HorizonDef,
    #[serde(default = "HorizonDef::medium")]
    pub medium: HorizonDef,
    #[serde(default = "HorizonDef::long")]
    pub long: HorizonDef,
}

impl Default for Horizons {
    fn default() -> Self {
        Horizons {
            short: HorizonDef::short(),
            medium: HorizonDef::medium(),
            long: HorizonDef::long(),
        }
    }
}

impl Horizons {
    /// The definition of one horizon.
    pub fn get(&self, h: Horizon) -> &HorizonDef {
        match h {
            Horizon::Short => &self.short,
            Horizon::Medium => &self.medium,
            Horizon::Long => &self.long,
        }
    }
}

/// A horizon's label and span in years from the plan's start.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HorizonDef {
    pub label: String,
    pub from_years: u32,
    /// `None` for an open-ended span ("5+ år").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_years: Option<u32>,
}

impl HorizonDef {
    fn short() -> Self {
        HorizonDef {
            label: "kort".into(),
            from_years: 0,
            to_years: Some(2),
        }
    }
    fn medium() -> Self {
        HorizonDef {
            label: "mellemlang".into(),
            from_years: 2,
            to_years: Some(5),
        }
    }
    fn long() -> Self {
        HorizonDef {
            label: "lang".into(),
            from_years: 5,
            to_years: None,
        }
    }

    /// The span as people write it: `0–2 år`, `5+ år`.
    pub fn span(&self) -> String {
        let years = crate::tr!("år", "years");
        match self.to_years {
            Some(to) => format!("{}–{} {years}", self.from_years, to),
            None => format!("{}+ {years}", self.from_years),
        }
    }
}

/// A meeting of the group, planned in `oplaeg.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub number: u32,
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
    pub title: String,
    /// Deadline for written comments before the meeting.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub deadline: Option<NaiveDate>,
}

/// Accepts both `"2024-08-28"` and a bare TOML date `2024-08-28`.
fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let value = toml::Value::deserialize(d)?;
    let text = match &value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => other.to_string(),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        serde::de::Error::custom(crate::tr!(
            "ugyldig dato «{text}» (skriv ÅÅÅÅ-MM-DD)",
            "invalid date «{text}» (write YYYY-MM-DD)"
        ))
    })
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    de_date(d).map(Some)
}

impl Config {
    /// A new workspace's settings with one writer.
    pub fn new(title: &str, writer: Member) -> Config {
        Config {
            title: title.to_string(),
            recommended_count: default_count(),
            members: vec![writer],
            horizons: Horizons::default(),
            meetings: Vec::new(),
            plan_start: None,
        }
    }

    /// The member with this e-mail address (case-insensitive).
    pub fn member(&self, email: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
    }

    /// Problems a parser cannot see: duplicate members, empty names, unknown
    /// roles are caught by serde already.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.title.trim().is_empty() {
            out.push(crate::tr!("titlen er tom", "the title is empty"));
        }
        for (i, m) in self.members.iter().enumerate() {
            if m.name.trim().is_empty() || !m.email.contains('@') {
                let e = &m.email;
                out.push(crate::tr!(
                    "medlem nr. {} mangler navn eller gyldig e-mail ({e})",
                    "member no. {} lacks a name or a valid e-mail ({e})",
                    i + 1
                ));
            }
            if self.members[..i]
                .iter()
                .any(|o| o.email.eq_ignore_ascii_case(&m.email))
            {
                let e = &m.email;
                out.push(crate::tr!(
                    "{e} står flere gange blandt medlemmerne",
                    "{e} is listed more than once among the members"
                ));
            }
        }
        let mut numbers: Vec<u32> = self.meetings.iter().map(|m| m.number).collect();
        numbers.sort_unstable();
        if numbers.windows(2).any(|w| w[0] == w[1]) {
            out.push(crate::tr!(
                "to møder har samme nummer",
                "two meetings have the same number"
            ));
        }
        out
    }

    /// The calendar year the plan starts: `plan_start`, else the year after
    /// the last planned meeting (the oplæg is handed over after it), else
    /// the year after `today`.
    pub fn plan_start_year(&self, today: NaiveDate) -> i32 {
        use chrono::Datelike;
        self.plan_start.unwrap_or_else(|| {
            self.meetings
                .iter()
                .map(|m| m.date.year())
                .max()
                .unwrap_or(today.year())
                + 1
        })
    }

    /// The role's label, for messages.
    pub fn role_label(role: Role) -> &'static str {
        role.label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_toml;

    #[test]
    fn the_plan_starts_in_the_year_given_or_after_the_last_meeting() {
        let parse = |extra: &str| {
            parse_toml::<Config>(
                "oplaeg.toml",
                &format!(
                    "title = \"T\"\n{extra}\n[[meetings]]\nnumber = 4\ndate = 2024-08-28\ntitle = \"4. møde\"\n"
                ),
            )
        };
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        assert_eq!(parse("").unwrap().plan_start_year(today), 2025);
        assert_eq!(
            parse("plan_start = 2027").unwrap().plan_start_year(today),
            2027
        );
        assert_eq!(
            parse("plan_start = \"2026\"").unwrap().plan_start,
            Some(2026)
        );
        let c = Config::new("T", crate::ops::writer("W", "w@x.example", "SST"));
        assert_eq!(c.plan_start_year(today), 2031, "no meetings: after today");
        for bad in [
            "plan_start = 25",
            "plan_start = \"næste år\"",
            "plan_start = 2025.5",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("plan_start skal være det årstal"), "{bad}: {e}");
        }
    }

    #[test]
    fn defaults_and_dates_in_both_spellings() {
        let c: Config = parse_toml(
            "oplaeg.toml",
            r#"title = "T"
[[members]]
name = "A"
email = "a@x.example"
organisation = "SST"
role = "writer"
[[meetings]]
number = 4
date = 2024-08-28
title = "4. møde"
deadline = "2024-08-21"
"#,
        )
        .unwrap();
        assert_eq!(c.recommended_count, 10);
        assert_eq!(c.horizons.long.span(), "5+ år");
        assert_eq!(c.horizons.get(Horizon::Medium).label, "mellemlang");
        assert_eq!(
            c.meetings[0].date,
            NaiveDate::from_ymd_opt(2024, 8, 28).unwrap()
        );
        assert_eq!(c.meetings[0].deadline, NaiveDate::from_ymd_opt(2024, 8, 21));
        assert_eq!(c.member("A@X.example").unwrap().name, "A");
        assert!(c.check().is_empty());
    }

    #[test]
    fn bad_role_and_date_are_located() {
        let p = parse_toml::<Config>(
            "oplaeg.toml",
            "title = \"T\"\n[[members]]\nname = \"A\"\nemail = \"a@x\"\norganisation = \"O\"\nrole = \"boss\"\n",
        )
        .unwrap_err();
        assert_eq!(p.line, Some(6));
        let p = parse_toml::<Config>(
            "oplaeg.toml",
            "title = \"T\"\n[[meetings]]\nnumber = 1\ndate = \"28/8\"\ntitle = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!(p.line, Some(4));
        assert!(p.message.contains("28/8"));
        let _ = Horizon::parse("kort");
    }
}
