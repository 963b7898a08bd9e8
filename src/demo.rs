//! `oplaeg demo`: a workspace with a believable history, built from the
//! sample oplæg embedded in the binary and replayed through the same
//! operations people use, with the dates of the real 2024 meetings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Choice, Config, Disposition, Horizon, RecStatus, parse_toml};
use crate::ops::{self, NewTarget, RecEdit, Session};
use crate::store::Store;
use crate::tr;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded file at `path`, as text.
fn embedded(path: &str) -> Result<&'static str> {
    embedded::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .ok_or_else(|| Error::Invalid(format!("demo: {path} mangler i programmet")))
}

/// The sample oplæg's files (chapters, recommendations, priority).
pub fn sample_files() -> Vec<(String, Vec<u8>)> {
    embedded::FILES
        .iter()
        .filter(|(p, _)| {
            p.starts_with("drafts/") || p.starts_with("recommendations/") || *p == "priority.toml"
        })
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    step: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: String,
    #[serde(rename = "as")]
    actor: String,
    action: String,
    meeting: Option<u32>,
    chapter: Option<String>,
    rec: Option<String>,
    quote: Option<String>,
    body: Option<String>,
    label: Option<String>,
    to: Option<toml::Value>,
    comment: Option<String>,
    disposition: Option<String>,
    response: Option<String>,
    file: Option<String>,
    message: Option<String>,
    horizon: Option<String>,
    status: Option<String>,
    goal: Option<String>,
    realizability: Option<String>,
    text: Option<String>,
    order: Option<Vec<String>>,
    no_opinion: Option<Vec<String>>,
    reasons: Option<std::collections::BTreeMap<String, String>>,
    closes: Option<String>,
}

fn need<'a, T>(v: &'a Option<T>, field: &str, n: usize) -> Result<&'a T> {
    v.as_ref()
        .ok_or_else(|| Error::Invalid(format!("demo/history.toml trin {n}: «{field}» mangler")))
}

fn time(s: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).map_err(|e| Error::Invalid(format!("demo: {s}: {e}")))
}

/// A fresh folder for the demo under the system's temporary directory.
pub fn default_path() -> Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("oplaeg-demo-")
        .tempdir()
        .map_err(Error::io(std::env::temp_dir()))?;
    Ok(dir.keep())
}

/// Builds the demo workspace at `path` (which must not hold a workspace yet).
pub fn build(path: &Path) -> Result<Store> {
    if path.exists()
        && std::fs::read_dir(path)
            .map_err(Error::io(path))?
            .next()
            .is_some()
    {
        return Err(Error::Exists(tr!(
            "{} og er ikke tom; vælg en ny mappe til demoen",
            "{} and is not empty; choose a new folder for the demo",
            path.display()
        )));
    }
    let config: Config =
        parse_toml("demo/oplaeg.toml", embedded("demo/oplaeg.toml")?).map_err(Error::File)?;
    let script: Script =
        parse_toml("demo/history.toml", embedded("demo/history.toml")?).map_err(Error::File)?;
    let start = time("2024-05-27T10:00:00+02:00")?;
    let store = ops::init(path, &config, &sample_files(), Some(start))?;
    let first = config.members[0].email.clone();
    let mut session = Session::new(store, Some(&first))?;
    let mut labels: HashMap<String, String> = HashMap::new();
    // The same ids every time: the demo's commits, and so its screens, are
    // then the same on every machine (the snapshot tests rely on it).
    ops::seeded_ids(|| -> Result<()> {
        for (i, step) in script.step.iter().enumerate() {
            let n = i + 1;
            session.set_actor(&step.actor)?;
            session.set_time(Some(time(&step.at)?));
            replay(&session, step, n, &mut labels)
                .map_err(|e| Error::Invalid(format!("demo/history.toml trin {n}: {e}")))?;
        }
        Ok(())
    })?;
    let root = session.store().root().to_path_buf();
    Store::open(&root)
}

fn replay(s: &Session, step: &Step, n: usize, labels: &mut HashMap<String, String>) -> Result<()> {
    let label_of = |l: &str| {
        labels
            .get(l)
            .cloned()
            .ok_or_else(|| Error::Invalid(format!("ukendt label «{l}»")))
    };
    let created = match step.action.as_str() {
        "tag" => {
            s.meeting_tag(*need(&step.meeting, "meeting", n)?)?;
            None
        }
        "comment" => {
            let target = match (&step.chapter, &step.rec) {
                (Some(c), None) => NewTarget::Chapter {
                    chapter: c.clone(),
                    quote: step.quote.clone(),
                },
                (None, Some(r)) => NewTarget::Recommendation(r.clone()),
                _ => return Err(Error::Invalid("chapter eller rec".into())),
            };
            Some(s.add_comment(target, need(&step.body, "body", n)?)?.id)
        }
        "suggest" => {
            let id = s
                .suggest(
                    need(&step.chapter, "chapter", n)?,
                    need(&step.quote, "quote", n)?,
                    need(&step.text, "text", n)?,
                    step.body.as_deref().unwrap_or_default(),
                )?
                .id;
            Some(id)
        }
        "accept" => {
            let id = label_of(need(&step.comment, "comment", n)?)?;
            s.accept_suggestion(
                &id,
                ops::AcceptText::Proposed,
                Disposition::Met,
                step.response.as_deref(),
            )?;
            None
        }
        "reply" => {
            let to = need(&step.to, "to", n)?;
            let parent = label_of(to.as_str().unwrap_or_default())?;
            Some(s.reply(&parent, need(&step.body, "body", n)?)?.id)
        }
        "resolve" => {
            let id = label_of(need(&step.comment, "comment", n)?)?;
            let d = need(&step.disposition, "disposition", n)?;
            let d =
                Disposition::parse(d).ok_or_else(|| Error::Invalid(format!("disposition {d}")))?;
            s.resolve(&id, d, need(&step.response, "response", n)?)?;
            None
        }
        "revise" => {
            let file = need(&step.file, "file", n)?;
            let text = embedded(&format!("demo/{file}"))?;
            s.revise_chapter(
                need(&step.chapter, "chapter", n)?,
                text,
                need(&step.message, "message", n)?,
            )?;
            None
        }
        "move" => {
            let to = need(&step.to, "to", n)?
                .as_integer()
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| Error::Invalid("to skal være et tal".into()))?;
            s.rec_move(need(&step.rec, "rec", n)?, to)?;
            None
        }
        "set" => {
            let edit = RecEdit {
                horizon: step.horizon.as_deref().and_then(Horizon::parse),
                status: step.status.as_deref().and_then(RecStatus::parse),
                goal: step.goal.clone(),
                realizability: step.realizability.clone(),
                text: step.text.clone(),
                ..RecEdit::default()
            };
            s.rec_set(need(&step.rec, "rec", n)?, &edit)?;
            None
        }
        "ranking-open" => {
            let closes = match &step.closes {
                Some(d) => Some(
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|e| Error::Invalid(format!("closes {d}: {e}")))?,
                ),
                None => None,
            };
            s.ranking_open(step.meeting, closes)?;
            None
        }
        "ranking-submit" => {
            s.ranking_submit(
                need(&step.order, "order", n)?,
                step.no_opinion.as_deref().unwrap_or_default(),
                &step.reasons.clone().unwrap_or_default(),
            )?;
            None
        }
        "ranking-close" => {
            s.ranking_close(None)?;
            None
        }
        other => return Err(Error::Invalid(format!("ukendt handling «{other}»"))),
    };
    if let (Some(id), Some(label)) = (created, &step.label) {
        labels.insert(label.clone(), id);
    }
    Ok(())
}
