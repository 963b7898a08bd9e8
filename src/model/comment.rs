//! `comments/ID.toml`: one comment or reply per file, so clones never collide.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use super::{CommentStatus, Disposition};

/// A comment on a chapter (optionally quoting it) or a recommendation, or a
/// reply to another comment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// From the file name (a lower-case ULID); never written into the file.
    #[serde(skip_deserializing, skip_serializing_if = "String::is_empty", default)]
    pub id: String,
    #[serde(deserialize_with = "de_time")]
    pub created: DateTime<FixedOffset>,
    pub body: String,
    pub status: CommentStatus,
    /// The comment this one answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub author: Author,
    pub target: Target,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// Who wrote a comment, as they were when they wrote it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: String,
    pub organisation: String,
}

/// What a comment is about: a chapter (with an optional quote) or a
/// recommendation. Exactly one of `chapter` and `recommendation` is set.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
}

/// The exact words a comment was written on, with context, and the commit
/// they were read from, so the comment can be placed in other versions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub quote: String,
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub after: String,
    pub commit: String,
    /// Earlier anchors, oldest first: each time a writer confirmed where the
    /// quote now stands or attached the comment to new words, the anchor
    /// before that decision is kept here with who decided and when. Absent
    /// in files written before anchors could be moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<AnchorChange>,
}

/// A writer's decision about where a comment's quote stands, recorded in the
/// comment's file so it holds for every later version.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AnchorChange {
    /// What the writer did.
    pub change: AnchorChangeKind,
    /// The quote before the decision.
    pub quote: String,
    /// The commit that quote was taken from.
    pub commit: String,
    /// E-mail of the writer who decided.
    pub by: String,
    #[serde(deserialize_with = "de_time")]
    pub at: DateTime<FixedOffset>,
}

/// How a writer moved an anchor.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnchorChangeKind {
    /// Accepted the words the quote was found at after an edit (or a move).
    Confirmed,
    /// Attached the comment to other words chosen by the writer.
    Reattached,
}

/// The writers' answer to a comment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub disposition: Disposition,
    pub response: String,
    /// E-mail of the writer who resolved it.
    pub by: String,
    #[serde(deserialize_with = "de_time")]
    pub at: DateTime<FixedOffset>,
}

/// Accepts both a quoted RFC 3339 string and a bare TOML date-time.
fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let value = toml::Value::deserialize(d)?;
    let text = match &value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => other.to_string(),
    };
    DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        serde::de::Error::custom(crate::tr!(
            "ugyldigt tidspunkt «{text}» (skriv RFC 3339, fx 2024-06-12T10:15:00+02:00)",
            "invalid time «{text}» (write RFC 3339, e.g. 2024-06-12T10:15:00+02:00)"
        ))
    })
}

impl Comment {
    /// True while it awaits an answer.
    pub fn is_open(&self) -> bool {
        self.status == CommentStatus::Open
    }

    /// The file's text (without the id, which is the file name).
    pub fn to_file(&self) -> String {
        let mut bare = self.clone();
        bare.id.clear();
        to_toml(&bare)
    }

    /// Rules serde cannot express; each is a message for a problem.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        match (&self.target.chapter, &self.target.recommendation) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => out.push(crate::tr!(
                "[target] skal have præcis én af chapter og recommendation",
                "[target] must have exactly one of chapter and recommendation"
            )),
        }
        if self.target.anchor.is_some() && self.target.chapter.is_none() {
            out.push(crate::tr!(
                "et citat (anchor) kræver et kapitel",
                "a quote (anchor) needs a chapter"
            ));
        }
        match (self.status, &self.resolution) {
            (CommentStatus::Resolved, None) => out.push(crate::tr!(
                "status er resolved, men [resolution] mangler",
                "status is resolved but [resolution] is missing"
            )),
            (CommentStatus::Open | CommentStatus::Withdrawn, Some(_)) => out.push(crate::tr!(
                "[resolution] findes, men status er ikke resolved",
                "[resolution] is present but status is not resolved"
            )),
            _ => {}
        }
        if let Some(parent) = &self.reply_to
            && !crate::text::is_valid_name(parent)
        {
            out.push(crate::tr!(
                "reply_to «{parent}» er ikke et gyldigt id",
                "reply_to «{parent}» is not a valid id"
            ));
        }
        out
    }
}

/// Serialises a value as readable TOML: multi-line text as `"""` blocks.
pub fn to_toml<T: Serialize>(value: &T) -> String {
    // The pretty printer writes strings with newlines as multi-line strings,
    // which keeps the files pleasant to read and to diff in plain git.
    toml::to_string_pretty(value).unwrap_or_else(|e| {
        // Serialising our own plain structs cannot fail; keep a trace if it does.
        format!("# could not serialise: {e}\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_toml;

    fn sample() -> Comment {
        Comment {
            id: "01j0000000000000000000000a".into(),
            created: DateTime::parse_from_rfc3339("2024-06-12T10:15:00+02:00").unwrap(),
            body: "Første linje.\nAnden linje med \"citat\" og \"\"\" tre.".into(),
            status: CommentStatus::Resolved,
            reply_to: None,
            author: Author {
                name: "Jens Nørgaard".into(),
                email: "jn@rm.example".into(),
                organisation: "Region Midtjylland".into(),
            },
            target: Target {
                chapter: Some("rehabilitering".into()),
                recommendation: None,
                anchor: Some(Anchor {
                    quote: "en sætning".into(),
                    before: "før".into(),
                    after: "efter".into(),
                    commit: "abc".into(),
                    history: Vec::new(),
                }),
            },
            resolution: Some(Resolution {
                disposition: Disposition::PartlyMet,
                response: "Svar.".into(),
                by: "mh@sst.example".into(),
                at: DateTime::parse_from_rfc3339("2024-08-01T09:00:00+02:00").unwrap(),
            }),
        }
    }

    #[test]
    fn round_trips_and_reads_well() {
        let c = sample();
        let text = c.to_file();
        assert!(text.contains("disposition = \"partly_met\""), "{text}");
        assert!(text.contains("[target.anchor]"), "{text}");
        let mut back: Comment = parse_toml("c.toml", &text).unwrap();
        back.id = c.id.clone();
        assert_eq!(back, c);
        assert!(back.check().is_empty());
    }

    #[test]
    fn anchor_history_round_trips_and_old_files_load() {
        let mut c = sample();
        let old_file = c.to_file();
        assert!(!old_file.contains("history"), "{old_file}");
        c.target
            .anchor
            .as_mut()
            .unwrap()
            .history
            .push(AnchorChange {
                change: AnchorChangeKind::Reattached,
                quote: "den gamle sætning".into(),
                commit: "abc".into(),
                by: "mh@sst.example".into(),
                at: DateTime::parse_from_rfc3339("2024-08-02T09:00:00+02:00").unwrap(),
            });
        let text = c.to_file();
        assert!(text.contains("[[target.anchor.history]]"), "{text}");
        assert!(text.contains("change = \"reattached\""), "{text}");
        let mut back: Comment = parse_toml("c.toml", &text).unwrap();
        back.id = c.id.clone();
        assert_eq!(back, c);
        // A file as written before anchors could move still loads.
        let legacy = "created = 2024-06-12T10:15:00+02:00\nbody = \"x\"\nstatus = \"open\"\n\n[author]\nname = \"A\"\nemail = \"a@b.dk\"\norganisation = \"O\"\n\n[target]\nchapter = \"k\"\n\n[target.anchor]\nquote = \"q\"\nbefore = \"b\"\nafter = \"a\"\ncommit = \"c\"\n";
        let old: Comment = parse_toml("old.toml", legacy).unwrap();
        assert!(old.target.anchor.unwrap().history.is_empty());
    }

    #[test]
    fn inconsistent_files_are_reported() {
        let mut c = sample();
        c.status = CommentStatus::Open;
        c.target.recommendation = Some("x".into());
        let problems = c.check();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
