//! Recommendations of two versions: added and removed, priority moves,
//! horizon and status changes, and word diffs of the texts.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::words::{self, Op, Segment, diff_words};
use crate::i18n::Lang;
use crate::model::{Choice, Horizon, RecStatus, Recommendation};

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// What happened to a recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecChange {
    /// A new file.
    Added,
    /// The file is gone (a recommendation set to status `dropped` is a
    /// status change, not this).
    Removed,
    /// Rank, horizon, status, related chapters or a text changed.
    Changed,
    Unchanged,
}

/// A text field of a recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecField {
    Title,
    Text,
    Goal,
    Realizability,
    KraeftplanIv,
}

impl RecField {
    /// Every field, in display order.
    pub const ALL: [RecField; 5] = [
        RecField::Title,
        RecField::Text,
        RecField::Goal,
        RecField::Realizability,
        RecField::KraeftplanIv,
    ];

    /// The field's name for people.
    pub fn label(self) -> String {
        self.label_in(crate::i18n::lang())
    }

    /// The field's name for people, in `lang`.
    pub fn label_in(self, lang: Lang) -> String {
        let (da, en) = match self {
            RecField::Title => ("titel", "title"),
            RecField::Text => ("tekst", "text"),
            RecField::Goal => ("mål", "goal"),
            RecField::Realizability => ("realiserbarhed", "realizability"),
            RecField::KraeftplanIv => ("sammenhæng til Kræftplan IV", "link to Kræftplan IV"),
        };
        match lang {
            Lang::Da => da.to_string(),
            Lang::En => en.to_string(),
        }
    }

    fn of(self, r: &Recommendation) -> &str {
        match self {
            RecField::Title => &r.title,
            RecField::Text => &r.text,
            RecField::Goal => &r.goal,
            RecField::Realizability => &r.realizability,
            RecField::KraeftplanIv => r.kraeftplan_iv.as_deref().unwrap_or(""),
        }
    }
}

/// A changed text field with its word difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: RecField,
    pub words_added: usize,
    pub words_removed: usize,
    /// Equal and deleted segments give the FROM text, equal and inserted the TO text.
    pub segments: Vec<Segment>,
}

/// One recommendation's difference.
#[derive(Clone, Debug, Serialize)]
pub struct RecDiff {
    pub slug: String,
    /// The title in TO (in FROM when removed).
    pub title: String,
    pub change: RecChange,
    /// Rank in FROM (1 is the most important); None when added.
    pub from_rank: Option<usize>,
    /// Rank in TO; None when removed.
    pub to_rank: Option<usize>,
    /// Moved in the priority order itself, rather than only shifted by
    /// others moving (the fewest moves that explain the new order).
    pub moved: bool,
    pub horizon: Option<Change<Horizon>>,
    pub status: Option<Change<RecStatus>>,
    /// Related chapters, when they changed.
    pub chapters: Option<Change<Vec<String>>>,
    /// Changed texts (all of them for an added or removed recommendation).
    pub fields: Vec<FieldDiff>,
}

impl RecDiff {
    /// The rank changed.
    pub fn rank_changed(&self) -> bool {
        self.from_rank.is_some() && self.to_rank.is_some() && self.from_rank != self.to_rank
    }

    /// What happened to the recommendation, one fact each, in the order
    /// every renderer lists them (`oplaeg diff` as text and HTML, the
    /// Ændringer tab, `oplaeg mine`): each is worded by [`RecFact::describe`].
    pub fn facts(&self) -> Vec<RecFact> {
        let mut facts = Vec::new();
        match self.change {
            RecChange::Added => facts.push(RecFact::Added),
            RecChange::Removed => facts.push(RecFact::Removed),
            RecChange::Changed | RecChange::Unchanged => {}
        }
        if self.moved {
            facts.push(RecFact::Moved);
        } else if self.rank_changed() {
            facts.push(RecFact::Shifted);
        }
        if let Some(h) = &self.horizon {
            facts.push(RecFact::Horizon(h.clone()));
        }
        if let Some(s) = &self.status {
            facts.push(RecFact::Status(s.clone()));
        }
        if let Some(c) = &self.chapters {
            facts.push(RecFact::Chapters(c.clone()));
        }
        // An added or removed recommendation's texts are all new or gone:
        // the fact above says so.
        if self.change == RecChange::Changed {
            for f in &self.fields {
                facts.push(RecFact::Text {
                    field: f.field,
                    words_added: f.words_added,
                    words_removed: f.words_removed,
                });
            }
        }
        facts
    }
}

/// One thing that happened to a recommendation between two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "fact")]
pub enum RecFact {
    /// New in TO.
    Added,
    /// Gone in TO.
    Removed,
    /// Moved in the priority order itself.
    Moved,
    /// Its rank changed only because others moved.
    Shifted,
    Horizon(Change<Horizon>),
    Status(Change<RecStatus>),
    /// The related chapters (slugs).
    Chapters(Change<Vec<String>>),
    /// A text field was edited.
    Text {
        field: RecField,
        words_added: usize,
        words_removed: usize,
    },
}

impl RecFact {
    /// The fact in words in the language of the interface (Danish, or
    /// English with `--lang en`); see [`RecFact::describe_in`].
    pub fn describe(&self) -> String {
        self.describe_in(crate::i18n::lang())
    }

    /// The fact in words, the same in every renderer: lower case, no full
    /// stop, so a renderer may join facts with ` · ` or show one a line.
    pub fn describe_in(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        let pick = |d: &str, e: &str| if da { d.to_string() } else { e.to_string() };
        match self {
            RecFact::Added => pick("ny anbefaling", "new recommendation"),
            RecFact::Removed => pick("fjernet", "removed"),
            RecFact::Moved => pick("flyttet i prioriteringen", "moved in the priority order"),
            RecFact::Shifted => pick(
                "rykket, fordi andre anbefalinger er flyttet",
                "shifted because others moved",
            ),
            RecFact::Horizon(h) => format!(
                "{}: {} → {}",
                pick("tidshorisont", "horizon"),
                h.from.label_in(lang),
                h.to.label_in(lang)
            ),
            RecFact::Status(s) => format!(
                "status: {} → {}",
                s.from.label_in(lang),
                s.to.label_in(lang)
            ),
            RecFact::Chapters(c) => format!(
                "{}: {} → {}",
                pick("kapitler", "chapters"),
                c.from.join(", "),
                c.to.join(", ")
            ),
            RecFact::Text {
                field,
                words_added,
                words_removed,
            } => {
                if da {
                    format!(
                        "{} ændret, +{words_added} −{words_removed} ord",
                        field.label_in(lang)
                    )
                } else {
                    format!(
                        "{} changed, +{words_added} −{words_removed} words",
                        field.label_in(lang)
                    )
                }
            }
        }
    }
}

/// Which recommendations common to both orders moved: those outside the
/// heaviest common subsequence, where each kept item weighs one plus a
/// little for how far its rank changed, so the fewest moves explain the
/// new order and, among equally few, the moves are the shortest ones.
fn moved_in_order(from: &[&str], to: &[&str]) -> HashSet<String> {
    let in_to: HashMap<&str, usize> = to.iter().enumerate().map(|(j, s)| (*s, j)).collect();
    let in_from: HashSet<&str> = from.iter().copied().collect();
    let a: Vec<(&str, usize)> = from
        .iter()
        .enumerate()
        .filter(|(_, s)| in_to.contains_key(*s))
        .map(|(i, s)| (*s, i))
        .collect();
    let b: Vec<&str> = to.iter().copied().filter(|s| in_from.contains(s)).collect();
    let n = a.len();
    let m = b.len();
    let big = (n + m + 1) as u64 * 1000;
    let weight = |k: usize| -> u64 {
        let (s, i) = a[k];
        big + (i.abs_diff(in_to[s]) as u64)
    };
    // dp[k][l]: best weight of a common subsequence of a[k..] and b[l..].
    let mut dp = vec![vec![0u64; m + 1]; n + 1];
    for k in (0..n).rev() {
        for l in (0..m).rev() {
            dp[k][l] = if a[k].0 == b[l] {
                weight(k) + dp[k + 1][l + 1]
            } else {
                dp[k + 1][l].max(dp[k][l + 1])
            };
        }
    }
    let mut kept = HashSet::new();
    let (mut k, mut l) = (0, 0);
    while k < n && l < m {
        if a[k].0 == b[l] {
            kept.insert(a[k].0);
            k += 1;
            l += 1;
        } else if dp[k + 1][l] >= dp[k][l + 1] {
            k += 1;
        } else {
            l += 1;
        }
    }
    a.iter()
        .map(|(s, _)| *s)
        .filter(|s| !kept.contains(s))
        .map(str::to_string)
        .collect()
}

fn whole(op: Op, text: &str) -> Vec<Segment> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Segment {
            op,
            text: text.to_string(),
        }]
    }
}

fn field_diff(field: RecField, segments: Vec<Segment>) -> Option<FieldDiff> {
    if segments.iter().all(|s| s.op == Op::Equal) {
        return None;
    }
    let (words_added, words_removed) = words::word_counts(&segments);
    Some(FieldDiff {
        field,
        words_added,
        words_removed,
        segments,
    })
}

/// The recommendation differences: TO's in priority order, then removed
/// ones in FROM's order. `keep` filters (for `--chapter`).
pub(crate) fn compare_recommendations(
    from: &[Recommendation],
    to: &[Recommendation],
    detail: bool,
    keep: &dyn Fn(Option<&Recommendation>, Option<&Recommendation>) -> bool,
) -> Vec<RecDiff> {
    let old: HashMap<&str, &Recommendation> = from.iter().map(|r| (r.slug.as_str(), r)).collect();
    let new: HashSet<&str> = to.iter().map(|r| r.slug.as_str()).collect();
    let order_from: Vec<&str> = from.iter().map(|r| r.slug.as_str()).collect();
    let order_to: Vec<&str> = to.iter().map(|r| r.slug.as_str()).collect();
    let moved = moved_in_order(&order_from, &order_to);
    let mut out = Vec::new();
    for t in to {
        let f = old.get(t.slug.as_str()).copied();
        if !keep(f, Some(t)) {
            continue;
        }
        let d = match f {
            None => RecDiff {
                slug: t.slug.clone(),
                title: t.title.clone(),
                change: RecChange::Added,
                from_rank: None,
                to_rank: Some(t.rank),
                moved: false,
                horizon: None,
                status: None,
                chapters: None,
                fields: RecField::ALL
                    .iter()
                    .filter_map(|&x| field_diff(x, whole(Op::Insert, x.of(t))))
                    .collect(),
            },
            Some(f) => {
                let fields: Vec<FieldDiff> = RecField::ALL
                    .iter()
                    .filter(|&&x| x.of(f) != x.of(t))
                    .filter_map(|&x| field_diff(x, diff_words(x.of(f), x.of(t))))
                    .collect();
                let horizon = (f.horizon != t.horizon).then_some(Change {
                    from: f.horizon,
                    to: t.horizon,
                });
                let status = (f.status != t.status).then_some(Change {
                    from: f.status,
                    to: t.status,
                });
                let chapters = (f.chapters != t.chapters).then(|| Change {
                    from: f.chapters.clone(),
                    to: t.chapters.clone(),
                });
                let changed = f.rank != t.rank
                    || horizon.is_some()
                    || status.is_some()
                    || chapters.is_some()
                    || !fields.is_empty();
                RecDiff {
                    slug: t.slug.clone(),
                    title: t.title.clone(),
                    change: if changed {
                        RecChange::Changed
                    } else {
                        RecChange::Unchanged
                    },
                    from_rank: Some(f.rank),
                    to_rank: Some(t.rank),
                    moved: moved.contains(&t.slug),
                    horizon,
                    status,
                    chapters,
                    fields,
                }
            }
        };
        out.push(d);
    }
    for f in from {
        if new.contains(f.slug.as_str()) || !keep(Some(f), None) {
            continue;
        }
        out.push(RecDiff {
            slug: f.slug.clone(),
            title: f.title.clone(),
            change: RecChange::Removed,
            from_rank: Some(f.rank),
            to_rank: None,
            moved: false,
            horizon: None,
            status: None,
            chapters: None,
            fields: RecField::ALL
                .iter()
                .filter_map(|&x| field_diff(x, whole(Op::Delete, x.of(f))))
                .collect(),
        });
    }
    if !detail {
        for d in &mut out {
            for f in &mut d.fields {
                f.segments = Vec::new();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fewest_and_shortest_moves_explain_a_new_order() {
        // The demo: "f" moved from 8 to 5, then "dd" from 9 to 8.
        let from = ["s", "t", "r", "rev", "d", "p", "sen", "f", "dd", "k"];
        let to = ["s", "t", "r", "rev", "f", "d", "p", "dd", "sen", "k"];
        let mut m: Vec<String> = moved_in_order(&from, &to).into_iter().collect();
        m.sort();
        assert_eq!(m, ["dd", "f"]);
        assert!(moved_in_order(&from, &from).is_empty());
        // One moved to the top: only that one moved, the rest shifted.
        let to = ["k", "s", "t", "r", "rev", "d", "p", "sen", "f", "dd"];
        let m: Vec<String> = moved_in_order(&from, &to).into_iter().collect();
        assert_eq!(m, ["k"]);
        // Added and removed ones do not count as moves.
        let m = moved_in_order(&["a", "b", "c"], &["x", "a", "c"]);
        assert!(m.is_empty(), "{m:?}");
    }
}
