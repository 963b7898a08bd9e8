//! `recommendations/SLUG.toml`: one prioritised recommendation.

use serde::{Deserialize, Serialize};

use super::{Horizon, RecStatus};

/// A recommendation (anbefaling). The slug comes from the file name and the
/// rank from `priority.toml`, so neither is stored in the file itself.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// From the file name; never written into the file.
    #[serde(skip_deserializing, skip_serializing_if = "String::is_empty", default)]
    pub slug: String,
    /// 1-based place in the priority order; never written into the file.
    #[serde(skip_deserializing, skip_serializing_if = "is_zero", default)]
    pub rank: usize,
    pub title: String,
    pub horizon: Horizon,
    #[serde(default = "default_status")]
    pub status: RecStatus,
    /// Slugs of related chapters.
    #[serde(default)]
    pub chapters: Vec<String>,
    #[serde(default)]
    pub text: String,
    /// The goal (mål), showing the potential.
    #[serde(default)]
    pub goal: String,
    /// Realizability (realiserbarhed) against demand and resources.
    #[serde(default)]
    pub realizability: String,
    /// How it carries on from Kræftplan IV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kraeftplan_iv: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn default_status() -> RecStatus {
    RecStatus::Draft
}

impl Recommendation {
    /// A new draft recommendation.
    pub fn new(slug: &str, title: &str, horizon: Horizon, text: &str) -> Recommendation {
        Recommendation {
            slug: slug.to_string(),
            rank: 0,
            title: title.to_string(),
            horizon,
            status: RecStatus::Draft,
            chapters: Vec::new(),
            text: text.to_string(),
            goal: String::new(),
            realizability: String::new(),
            kraeftplan_iv: None,
        }
    }

    /// The file's text: the fields without slug and rank.
    pub fn to_file(&self) -> String {
        let mut bare = self.clone();
        bare.slug.clear();
        bare.rank = 0;
        crate::model::comment::to_toml(&bare)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_toml;

    #[test]
    fn round_trips_without_slug_and_rank() {
        let mut r = Recommendation::new("a", "Titel med æøå", Horizon::Long, "Linje 1\nLinje 2");
        r.rank = 3;
        r.goal = "Mål".into();
        let text = r.to_file();
        assert!(!text.contains("slug"));
        assert!(!text.contains("rank"));
        let mut back: Recommendation = parse_toml("x", &text).unwrap();
        back.slug = "a".into();
        back.rank = 3;
        assert_eq!(back, r);
    }

    #[test]
    fn unknown_field_and_bad_horizon_are_located() {
        let p = parse_toml::<Recommendation>("r.toml", "title = \"x\"\nhorizon = \"soon\"\n")
            .unwrap_err();
        assert_eq!(p.line, Some(2));
        let p = parse_toml::<Recommendation>(
            "r.toml",
            "title = \"x\"\nhorizon = \"long\"\nslug = \"y\"\n",
        )
        .unwrap_err();
        assert_eq!(p.line, Some(3));
    }
}
