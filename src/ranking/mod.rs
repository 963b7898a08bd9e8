//! Prioritisation rounds (prioriteringsrunder): every member of the group
//! ranks the recommendations, and the group sees where it agrees.
//!
//! A writer opens a round on the current list of recommendations; each
//! member submits their own ranking; the results (mean and median rank,
//! spread, Borda score, Kendall's W) inform the writers' order, which
//! changes only when a writer adopts it. Pure: no git, no terminal. Files
//! come in through [`Source`]; the operations are in [`crate::ops`].
//!
//! # Files
//! - `rankings/N/round.toml`: round `N` (1, 2, …), written by writers only:
//!   the meeting it prepares, when it was opened and by whom, the date it
//!   closes, when a writer closed it, and the recommendations it ranks (the
//!   writers' order when it opened).
//! - `rankings/N/ID.toml`: one member's ranking in round `N`, where `ID` is
//!   [`member_id`] of their e-mail address. One file per member and round,
//!   so clones never conflict; the member rewrites it until the round closes.
//!
//! Rounds are numbered from 1 without gaps; loading stops at the first
//! number without a `round.toml`.

pub mod render;
pub mod results;
pub mod stats;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::{Config, Problem, Source, parse_toml};
use crate::text::is_valid_name;
use crate::tr;

pub use results::{Results, compute};

/// The folder of all rounds.
pub const DIR: &str = crate::model::paths::RANKINGS;

/// The most characters a reason may have (a short reason, not a comment).
pub const MAX_REASON: usize = 500;

/// `rankings/N`.
pub fn round_dir(round: u32) -> String {
    format!("{DIR}/{round}")
}

/// `rankings/N/round.toml`.
pub fn round_path(round: u32) -> String {
    format!("{DIR}/{round}/round.toml")
}

/// `rankings/N/ID.toml`.
pub fn ranking_path(round: u32, id: &str) -> String {
    format!("{DIR}/{round}/{id}.toml")
}

/// What a path under `rankings/` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankingPath {
    /// `rankings/N/round.toml`.
    Round(u32),
    /// `rankings/N/ID.toml`.
    Ranking { round: u32, id: String },
    /// Anything else under `rankings/` (never valid).
    Other,
}

/// Classifies a repository path; `None` when it is not under `rankings/`.
pub fn parse_path(path: &str) -> Option<RankingPath> {
    let rest = path.strip_prefix(DIR)?.strip_prefix('/')?;
    let parsed = (|| {
        let (round, file) = rest.split_once('/')?;
        let round = parse_round_number(round)?;
        let stem = file.strip_suffix(".toml")?;
        if stem == "round" {
            Some(RankingPath::Round(round))
        } else if is_valid_name(stem) {
            Some(RankingPath::Ranking {
                round,
                id: stem.to_string(),
            })
        } else {
            None
        }
    })();
    Some(parsed.unwrap_or(RankingPath::Other))
}

/// A round's folder name: a number from 1 without leading zeros.
fn parse_round_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n| n > 0)
}

/// The stable id a member's ranking files are named by: the e-mail address
/// in lower case with every run of characters other than a–z and 0–9
/// turned into one `-` (`Jens.Noergaard@rm.example` →
/// `jens-noergaard-rm-example`). Readable in `git log`, and the same in
/// every clone. Two addresses that differ only in punctuation would share
/// an id; the second of them is refused when submitting.
pub fn member_id(email: &str) -> String {
    let mut id = String::new();
    for c in email.trim().to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id.truncate(100);
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() {
        id.push_str("medlem");
    }
    id
}

/// `rankings/N/round.toml`: one round, written by writers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RoundFile {
    /// The meeting the round prepares, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<u32>,
    /// When the writer opened it.
    pub opened: DateTime<FixedOffset>,
    /// The writer who opened it (e-mail).
    pub opened_by: String,
    /// The last day rankings are accepted (inclusive), if the round has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<NaiveDate>,
    /// When a writer closed it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<DateTime<FixedOffset>>,
    /// The writer who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// The recommendations ranked in this round, in the writers' order when
    /// it opened. Recommendations added later wait for the next round.
    pub items: Vec<String>,
}

impl RoundFile {
    /// Whether the round takes rankings on `date` (the submitting commit's
    /// own date): not closed by a writer and not past its closing date.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.closed.is_none() && self.closes.is_none_or(|c| date <= c)
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Prioriteringsrunde: kun skribenter ændrer denne fil (oplaeg ranking open/close).\n{body}"
        )
    }
}

/// `rankings/N/ID.toml`: one member's ranking in one round.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RankingFile {
    /// The member's e-mail; must be the author of the commit that writes it.
    pub member: String,
    /// Name and organisation when submitted (the group's list decides).
    pub name: String,
    pub organisation: String,
    /// When it was last submitted.
    pub submitted: DateTime<FixedOffset>,
    /// Recommendation slugs, most important first.
    pub order: Vec<String>,
    /// Recommendations the member has no opinion on (outside their field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_opinion: Vec<String>,
    /// A short reason per recommendation, by slug.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<String, String>,
}

impl RankingFile {
    /// The file's text.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Et medlems rangordning: den første er den vigtigste (oplaeg ranking submit).\n{body}"
        )
    }

    /// What is wrong with this ranking for a round over `items`: unknown or
    /// repeated slugs, a slug both ranked and without opinion, reasons for
    /// recommendations outside the round, nothing ranked.
    pub fn check(&self, items: &[String]) -> Vec<String> {
        let known: HashSet<&str> = items.iter().map(String::as_str).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        if self.order.is_empty() {
            out.push(tr!(
                "rangordningen er tom: ranger mindst én anbefaling",
                "the ranking is empty: rank at least one recommendation"
            ));
        }
        for slug in self.order.iter().chain(&self.no_opinion) {
            if !known.contains(slug.as_str()) {
                out.push(tr!(
                    "«{slug}» er ikke blandt rundens anbefalinger",
                    "«{slug}» is not among the round's recommendations"
                ));
            } else if !seen.insert(slug) {
                out.push(tr!(
                    "«{slug}» står mere end én gang",
                    "«{slug}» is given more than once"
                ));
            }
        }
        for (slug, text) in &self.reasons {
            if !known.contains(slug.as_str()) {
                out.push(tr!(
                    "begrundelsen for «{slug}» gælder ikke en af rundens anbefalinger",
                    "the reason for «{slug}» is not for one of the round's recommendations"
                ));
            }
            if text.chars().count() > MAX_REASON {
                out.push(tr!(
                    "begrundelsen for «{slug}» er over {MAX_REASON} tegn; skriv en kommentar i stedet",
                    "the reason for «{slug}» is over {MAX_REASON} characters; write a comment instead"
                ));
            }
        }
        out
    }
}

/// A member's ranking as loaded, with who it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    /// [`member_id`] of the member, the file's name.
    pub id: String,
    pub file: RankingFile,
    /// The member's organisation: from the group's list when they are on
    /// it, else as written in the file.
    pub organisation: String,
}

/// One round as loaded from a revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Round {
    pub number: u32,
    pub file: RoundFile,
    /// Valid rankings, by member id.
    pub submissions: Vec<Submission>,
}

impl Round {
    /// The member's ranking in this round, if they have submitted one.
    pub fn submission_of(&self, email: &str) -> Option<&Submission> {
        let id = member_id(email);
        self.submissions
            .iter()
            .find(|s| s.id == id && s.file.member.eq_ignore_ascii_case(email.trim()))
    }

    /// The list a member starts from when ranking (a face's editable copy):
    /// their own ranking if they have one, then what they marked "no
    /// opinion", then the rest in the writers' order; with the set of
    /// slugs marked "no opinion".
    pub fn starting_order(&self, email: &str) -> (Vec<String>, Vec<String>) {
        let Some(own) = self.submission_of(email) else {
            return (self.file.items.clone(), Vec::new());
        };
        let mut order: Vec<String> = own.file.order.clone();
        for slug in own.file.no_opinion.iter().chain(&self.file.items) {
            if !order.contains(slug) {
                order.push(slug.clone());
            }
        }
        (order, own.file.no_opinion.clone())
    }
}

/// The round taking rankings on `date` (the latest one open), if any.
pub fn open_round(rounds: &[Round], date: NaiveDate) -> Option<&Round> {
    rounds.iter().rev().find(|r| r.file.is_open_on(date))
}

/// Every round in `source`, oldest first, and the problems met: a broken
/// ranking file is skipped (and named), a broken `round.toml` skips its
/// round.
pub fn load_rounds(source: &dyn Source, config: &Config) -> Result<(Vec<Round>, Vec<Problem>)> {
    let mut rounds = Vec::new();
    let mut problems = Vec::new();
    for number in 1u32.. {
        let path = round_path(number);
        let Some(bytes) = source.read(&path)? else {
            break;
        };
        let file = match String::from_utf8(bytes) {
            Ok(text) => parse_toml::<RoundFile>(&path, &text),
            Err(_) => Err(not_utf8(&path)),
        };
        let file = file.and_then(|f| {
            let mut seen = HashSet::new();
            match f
                .items
                .iter()
                .find(|s| !is_valid_name(s) || !seen.insert(s.as_str()))
            {
                Some(bad) => Err(Problem::new(
                    &path,
                    tr!(
                        "«{bad}» i items er ikke et gyldigt slug eller står to gange; runden springes over",
                        "«{bad}» in items is not a valid slug or is given twice; the round is skipped"
                    ),
                )),
                None => Ok(f),
            }
        });
        match file {
            Ok(file) => {
                let submissions = load_submissions(source, number, &file, config, &mut problems)?;
                rounds.push(Round {
                    number,
                    file,
                    submissions,
                });
            }
            Err(p) => problems.push(p),
        }
    }
    Ok((rounds, problems))
}

fn not_utf8(path: &str) -> Problem {
    Problem::new(
        path,
        tr!(
            "filen er ikke gyldig UTF-8 (gem den som UTF-8)",
            "the file is not valid UTF-8 (save it as UTF-8)"
        ),
    )
}

fn load_submissions(
    source: &dyn Source,
    number: u32,
    round: &RoundFile,
    config: &Config,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Submission>> {
    let mut out = Vec::new();
    for f in source.files(&round_dir(number))? {
        let path = format!("{}/{}", round_dir(number), f.name);
        let Some(id) = f.name.strip_suffix(".toml") else {
            continue;
        };
        if id == "round" {
            continue;
        }
        let parsed = match String::from_utf8(f.bytes) {
            Ok(text) => parse_toml::<RankingFile>(&path, &text),
            Err(_) => Err(not_utf8(&path)),
        };
        let file = match parsed {
            Ok(file) => file,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if member_id(&file.member) != id {
            let member = &file.member;
            problems.push(Problem::new(
                &path,
                tr!(
                    "rangordningen står i {member}s navn, men filen hedder ikke {}.toml; den tælles ikke med",
                    "the ranking is in the name of {member}, but the file is not called {}.toml; it is not counted",
                    member_id(member)
                ),
            ));
            continue;
        }
        let late = round.closed.is_some_and(|c| file.submitted > c)
            || round
                .closes
                .is_some_and(|d| file.submitted.date_naive() > d);
        if late {
            problems.push(Problem::new(
                &path,
                tr!(
                    "rangordningen er afgivet {}, efter at runden lukkede; den tælles ikke med",
                    "the ranking was submitted {}, after the round closed; it is not counted",
                    file.submitted
                ),
            ));
            continue;
        }
        let found = file.check(&round.items);
        if !found.is_empty() {
            for m in found {
                problems.push(Problem::new(&path, m));
            }
            continue;
        }
        let organisation = config
            .member(&file.member)
            .map(|m| m.organisation.clone())
            .unwrap_or_else(|| file.organisation.clone());
        out.push(Submission {
            id: id.to_string(),
            file,
            organisation,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// A kind of organisation in the group, for agreement within each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// The regions and Danske Regioner.
    Regions,
    /// KL and the municipalities.
    Municipalities,
    /// Professional and scientific societies.
    Societies,
    /// Patient organisations.
    Patients,
    /// Authorities (styrelser, ministries).
    Authorities,
    /// Anything else.
    Other,
}

impl OrgType {
    /// The kind of an organisation, read from its name (the group's list
    /// has no separate field for it): `Region …` and `Danske Regioner` are
    /// regions; `KL` and names with `kommune` municipalities; names with
    /// `selskab` societies; `Kræftens Bekæmpelse` and names with `patient`
    /// or `forening` patient organisations; names with `styrelse` or
    /// `ministerium` authorities; everything else other.
    pub fn of(organisation: &str) -> OrgType {
        let o = organisation.trim().to_lowercase();
        if o.starts_with("region ") || o == "danske regioner" || o.starts_with("region-") {
            OrgType::Regions
        } else if o == "kl" || o.starts_with("kl ") || o.contains("kommune") {
            OrgType::Municipalities
        } else if o.contains("selskab") {
            OrgType::Societies
        } else if o.contains("kræftens bekæmpelse")
            || o.contains("patient")
            || o.contains("forening")
        {
            OrgType::Patients
        } else if o.contains("styrelse") || o.contains("ministeri") {
            OrgType::Authorities
        } else {
            OrgType::Other
        }
    }

    /// The key in JSON.
    pub fn key(self) -> &'static str {
        match self {
            OrgType::Regions => "regions",
            OrgType::Municipalities => "municipalities",
            OrgType::Societies => "societies",
            OrgType::Patients => "patients",
            OrgType::Authorities => "authorities",
            OrgType::Other => "other",
        }
    }

    /// The label people read.
    pub fn label(self) -> String {
        match self {
            OrgType::Regions => tr!("regioner", "regions"),
            OrgType::Municipalities => tr!("kommuner", "municipalities"),
            OrgType::Societies => tr!("faglige selskaber", "professional societies"),
            OrgType::Patients => tr!("patientorganisationer", "patient organisations"),
            OrgType::Authorities => tr!("myndigheder", "authorities"),
            OrgType::Other => tr!("andre", "others"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_ids_are_stable_file_names() {
        assert_eq!(
            member_id("Jens.Noergaard@rm.example"),
            "jens-noergaard-rm-example"
        );
        assert_eq!(member_id("  a__b@@x.dk "), "a-b-x-dk");
        assert_eq!(member_id("ø@æ"), "medlem");
        for e in ["x@y.z", "Æble.Grød+tag@sst.example", &"a".repeat(300)] {
            let id = member_id(e);
            assert!(is_valid_name(&id), "{id}");
            assert_eq!(member_id(e), id);
        }
    }

    #[test]
    fn paths_are_classified() {
        assert_eq!(
            parse_path("rankings/2/round.toml"),
            Some(RankingPath::Round(2))
        );
        assert_eq!(
            parse_path("rankings/12/jens-rm-example.toml"),
            Some(RankingPath::Ranking {
                round: 12,
                id: "jens-rm-example".into()
            })
        );
        for bad in [
            "rankings/0/round.toml",
            "rankings/01/round.toml",
            "rankings/x/round.toml",
            "rankings/1/Jens.toml",
            "rankings/1/a/b.toml",
            "rankings/1/a.md",
            "rankings/README",
        ] {
            assert_eq!(parse_path(bad), Some(RankingPath::Other), "{bad}");
        }
        assert_eq!(parse_path("comments/x.toml"), None);
        assert_eq!(parse_path("rankingsx/1/round.toml"), None);
    }

    fn ranking(order: &[&str], none: &[&str]) -> RankingFile {
        RankingFile {
            member: "a@b.c".into(),
            name: "A".into(),
            organisation: "KL".into(),
            submitted: DateTime::parse_from_rfc3339("2024-08-01T10:00:00+02:00").unwrap(),
            order: order.iter().map(|s| s.to_string()).collect(),
            no_opinion: none.iter().map(|s| s.to_string()).collect(),
            reasons: BTreeMap::new(),
        }
    }

    #[test]
    fn rankings_are_checked_against_the_round() {
        let items: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert!(ranking(&["b", "a"], &["c"]).check(&items).is_empty());
        assert_eq!(ranking(&["a", "a"], &[]).check(&items).len(), 1);
        assert_eq!(ranking(&["a"], &["a"]).check(&items).len(), 1);
        assert_eq!(ranking(&["a", "zz"], &[]).check(&items).len(), 1);
        assert_eq!(ranking(&[], &["a"]).check(&items).len(), 1);
        let mut r = ranking(&["a"], &[]);
        r.reasons.insert("zz".into(), "x".into());
        r.reasons.insert("a".into(), "y".repeat(MAX_REASON + 1));
        assert_eq!(r.check(&items).len(), 2);
    }

    #[test]
    fn files_round_trip() {
        let r = ranking(&["b", "a"], &["c"]);
        let back: RankingFile = parse_toml("x.toml", &r.render()).unwrap();
        assert_eq!(back, r);
        let round = RoundFile {
            meeting: Some(4),
            opened: r.submitted,
            opened_by: "w@sst.example".into(),
            closes: NaiveDate::from_ymd_opt(2024, 8, 20),
            closed: None,
            closed_by: None,
            items: vec!["a".into(), "b".into()],
        };
        let back: RoundFile = parse_toml("round.toml", &round.render()).unwrap();
        assert_eq!(back, round);
        let day = |d| NaiveDate::from_ymd_opt(2024, 8, d).unwrap();
        assert!(round.is_open_on(day(20)));
        assert!(!round.is_open_on(day(21)));
    }

    #[test]
    fn a_member_starts_from_their_own_ranking() {
        let mut own = ranking(&["c", "a"], &["b"]);
        own.member = "Jens@RM.example".into();
        let round = Round {
            number: 1,
            file: RoundFile {
                meeting: None,
                opened: own.submitted,
                opened_by: "w@x".into(),
                closes: None,
                closed: None,
                closed_by: None,
                items: ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect(),
            },
            submissions: vec![Submission {
                id: member_id("jens@rm.example"),
                organisation: "Region Midtjylland".into(),
                file: own,
            }],
        };
        let (order, none) = round.starting_order("jens@rm.example");
        assert_eq!(order, ["c", "a", "b", "d"]);
        assert_eq!(none, ["b"]);
        let (order, none) = round.starting_order("other@x.example");
        assert_eq!(order, ["a", "b", "c", "d"]);
        assert!(none.is_empty());
        assert!(round.submission_of("other@x.example").is_none());
    }

    /// Files in memory.
    struct Mem(BTreeMap<String, String>);

    impl Source for Mem {
        fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
            Ok(self.0.get(path).map(|t| t.clone().into_bytes()))
        }
        fn files(&self, dir: &str) -> Result<Vec<crate::model::FileData>> {
            Ok(self
                .0
                .iter()
                .filter_map(|(p, t)| {
                    let name = p.strip_prefix(dir)?.strip_prefix('/')?;
                    (!name.contains('/')).then(|| crate::model::FileData {
                        name: name.to_string(),
                        bytes: t.clone().into_bytes(),
                        id: None,
                        flaw: None,
                    })
                })
                .collect())
        }
    }

    #[test]
    fn loading_skips_what_cannot_count_and_names_it() {
        let config = Config::new("T", crate::ops::writer("W", "w@sst.example", "SST"));
        let round = |items: &[&str], closed: Option<&str>| RoundFile {
            meeting: None,
            opened: DateTime::parse_from_rfc3339("2024-07-01T10:00:00+02:00").unwrap(),
            opened_by: "w@sst.example".into(),
            closes: None,
            closed: closed.map(|c| DateTime::parse_from_rfc3339(c).unwrap()),
            closed_by: None,
            items: items.iter().map(|s| s.to_string()).collect(),
        };
        let mut files = BTreeMap::new();
        files.insert(
            round_path(1),
            round(&["a", "b", "c"], Some("2024-08-01T12:00:00+02:00")).render(),
        );
        let good = ranking(&["b", "a"], &["c"]);
        files.insert(ranking_path(1, &member_id(&good.member)), good.render());
        // In another member's name than the file's.
        files.insert(ranking_path(1, "someone-else"), good.render());
        // Unreadable.
        files.insert(ranking_path(1, "broken"), "order = [".into());
        // After the writer's close.
        let mut late = ranking(&["a"], &[]);
        late.member = "late@x.example".into();
        late.submitted = DateTime::parse_from_rfc3339("2024-08-02T09:00:00+02:00").unwrap();
        files.insert(ranking_path(1, &member_id(&late.member)), late.render());
        // Round 2 lists an item twice; round 4 is not reached (3 is missing).
        files.insert(round_path(2), round(&["a", "a"], None).render());
        files.insert(round_path(4), round(&["a", "b"], None).render());
        let (rounds, problems) = load_rounds(&Mem(files), &config).unwrap();
        assert_eq!(rounds.len(), 1);
        assert_eq!(rounds[0].submissions.len(), 1);
        assert_eq!(rounds[0].submissions[0].file, good);
        // Not in the group's list: the organisation as written.
        assert_eq!(rounds[0].submissions[0].organisation, "KL");
        let mut named: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
        named.sort_unstable();
        assert_eq!(
            named,
            [
                "rankings/1/broken.toml",
                "rankings/1/late-x-example.toml",
                "rankings/1/someone-else.toml",
                "rankings/2/round.toml",
            ]
        );
    }

    #[test]
    fn organisation_types_from_names() {
        assert_eq!(OrgType::of("Region Midtjylland"), OrgType::Regions);
        assert_eq!(OrgType::of("Danske Regioner"), OrgType::Regions);
        assert_eq!(OrgType::of("KL"), OrgType::Municipalities);
        assert_eq!(OrgType::of("Aarhus Kommune"), OrgType::Municipalities);
        assert_eq!(
            OrgType::of("Dansk Selskab for Klinisk Onkologi"),
            OrgType::Societies
        );
        assert_eq!(OrgType::of("Kræftens Bekæmpelse"), OrgType::Patients);
        assert_eq!(OrgType::of("Sundhedsdatastyrelsen"), OrgType::Authorities);
        assert_eq!(OrgType::of("Regionshospitalet"), OrgType::Other);
    }
}
