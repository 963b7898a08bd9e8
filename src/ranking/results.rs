//! A round's results: per recommendation and for the group.
//!
//! # Which statistics, on which data
//! A round ranks the `N` recommendations recorded in its `round.toml`. A
//! member ranks some of them (`order`), may mark some "no opinion", and may
//! leave others out ("missing"). Submissions are strict orders: a member
//! cannot tie two items; ties arise only among what a member did not rank.
//!
//! - **Per recommendation** (`mean_rank`, `median_rank`, `iqr`, the range
//!   bar): the places given by the members who *ranked* it (`n` of them);
//!   "no opinion" and missing are counted (`no_opinion`, `missing`) but give
//!   no place, so an item outside most members' field is not pushed down by
//!   them. Quartiles are type 7 (R's and NumPy's default).
//! - **Aggregate order, Borda score, Kendall's W**: on complete rankings.
//!   Each member's ranking is completed over all `N` items: ranked items keep
//!   places 1..k, everything else (no opinion or missing) ties at the mid
//!   rank `(k + 1 + N) / 2` of the places left. The Borda score of an item is
//!   `Σ (N − rank)` over the members, so an unranked item shares out the
//!   points that were left, and the aggregate order (highest Borda first)
//!   is the order of the rank sums that W measures agreement on. Ties in
//!   Borda keep the writers' order from when the round opened.
//!   W is corrected for those ties (see [`super::stats::kendalls_w`]); its
//!   chi-square is `m (N − 1) W` with `N − 1` degrees of freedom.
//! - **Per organisation type**: the same W within each [`OrgType`] that has
//!   at least two rankings; smaller groups are listed without W.
//! - **Added and dropped recommendations**: one added after the round opened
//!   is not in it (it waits for the next round). One dropped since (no
//!   longer on the list, or marked dropped) keeps its results, marked
//!   `dropped`, with no `writers_rank`.
//! - **Writers' rank**: the place in the current priority list among the
//!   round's recommendations still on it (1 = highest), so it compares
//!   directly with the aggregate rank.
//! - **Movement since the previous round** (round N − 1): for items in both
//!   rounds, `moved` is the change of aggregate place among those common
//!   items (positive: up), and `mean_rank_change` the change of the mean
//!   rank (negative: ranked higher); W's change is `kendalls_w_change`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::stats::{self, Concordance};
use super::{OrgType, Round};
use crate::model::{Config, RecStatus, Recommendation};

/// Whether a round still takes rankings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Closed,
}

/// Everything `oplaeg ranking results` shows. The JSON keys are stable.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Results {
    pub round: u32,
    pub meeting: Option<u32>,
    pub status: Status,
    pub opened: DateTime<FixedOffset>,
    pub closes: Option<NaiveDate>,
    pub closed: Option<DateTime<FixedOffset>>,
    /// Number of members' rankings.
    pub rankings: usize,
    /// Members (role member) who have not submitted, by name.
    pub not_submitted: Vec<String>,
    /// Kendall's W over the complete rankings; `null` when undefined.
    pub kendalls_w: Option<f64>,
    pub chi_square: Option<f64>,
    pub df: Option<usize>,
    pub p_value: Option<f64>,
    /// In aggregate order (highest Borda score first).
    pub items: Vec<ItemResult>,
    /// Slugs of items ranked by at least two members, widest spread first
    /// (interquartile range, then full range).
    pub widest_spread: Vec<String>,
    /// Agreement within each organisation type.
    pub by_organisation_type: Vec<GroupAgreement>,
    /// The comparison with round N − 1, from round 2 on.
    pub previous: Option<Previous>,
}

/// One recommendation's results.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ItemResult {
    pub slug: String,
    pub title: String,
    /// Place in the group's aggregate order, 1 = highest.
    pub aggregate_rank: usize,
    pub mean_rank: Option<f64>,
    pub median_rank: Option<f64>,
    pub iqr: Option<f64>,
    pub min_rank: Option<usize>,
    pub max_rank: Option<usize>,
    pub borda: f64,
    /// Place in the writers' current order; `null` when dropped.
    pub writers_rank: Option<usize>,
    /// Members who ranked it.
    pub n: usize,
    /// Members who marked it "no opinion".
    pub no_opinion: usize,
    /// Members who submitted but neither ranked it nor marked it.
    pub missing: usize,
    /// How many members put it at each place: `positions[0]` at place 1.
    pub positions: Vec<usize>,
    /// No longer on the writers' list (or marked dropped).
    pub dropped: bool,
    /// Change of aggregate place since the previous round among the items
    /// of both (positive: up); `null` when new or in the first round.
    pub moved: Option<i64>,
    /// Change of mean rank since the previous round (negative: higher).
    pub mean_rank_change: Option<f64>,
    /// The members' short reasons.
    pub reasons: Vec<Reason>,
}

/// A member's reason for where they put an item.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Reason {
    pub name: String,
    pub organisation: String,
    pub text: String,
}

/// Kendall's W within one organisation type.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupAgreement {
    pub organisation_type: OrgType,
    pub label: String,
    pub rankings: usize,
    pub kendalls_w: Option<f64>,
    pub chi_square: Option<f64>,
    pub p_value: Option<f64>,
}

/// The previous round, for movement.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Previous {
    pub round: u32,
    pub rankings: usize,
    pub kendalls_w: Option<f64>,
    pub kendalls_w_change: Option<f64>,
    /// Items of the previous round that this round does not rank.
    pub left_out: Vec<String>,
    /// Items this round ranks that the previous one did not.
    pub added: Vec<String>,
}

/// A round's complete rank vectors, one per submission, over `items`.
fn complete(round: &Round) -> Vec<Vec<f64>> {
    let index: HashMap<&str, usize> = round
        .file
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    round
        .submissions
        .iter()
        .map(|s| {
            let order: Vec<usize> = s
                .file
                .order
                .iter()
                .filter_map(|slug| index.get(slug.as_str()).copied())
                .collect();
            stats::complete_ranks(&order, round.file.items.len())
        })
        .collect()
}

/// The aggregate order of a round's items, as indexes into `items`:
/// highest Borda score first, ties in the round's own (writers') order.
/// Also returns the Borda scores by index.
pub fn aggregate_order(round: &Round) -> (Vec<usize>, Vec<f64>) {
    let n = round.file.items.len();
    let ranks = complete(round);
    let borda: Vec<f64> = (0..n)
        .map(|j| ranks.iter().map(|r| n as f64 - r[j]).sum())
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    // Scores are sums of halves, exact in f64.
    order.sort_by(|&a, &b| borda[b].total_cmp(&borda[a]).then(a.cmp(&b)));
    (order, borda)
}

fn concordance(ranks: &[Vec<f64>]) -> Option<Concordance> {
    stats::kendalls_w(ranks)
}

/// Computes a round's results at a revision whose recommendations (in the
/// writers' order) are `recs` and whose group is `config`, compared with
/// `previous` (round N − 1) when given.
pub fn compute(
    round: &Round,
    previous: Option<&Round>,
    recs: &[Recommendation],
    config: &Config,
    today: NaiveDate,
) -> Results {
    let items = &round.file.items;
    let n_items = items.len();
    let (order, borda) = aggregate_order(round);
    let ranks = complete(round);
    let w = concordance(&ranks);

    // Writers' current order among the round's items still on the list.
    let on_list: Vec<&Recommendation> = recs
        .iter()
        .filter(|r| r.status != RecStatus::Dropped && items.contains(&r.slug))
        .collect();
    let writers_rank: HashMap<&str, usize> = on_list
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i + 1))
        .collect();
    let titles: HashMap<&str, &str> = recs
        .iter()
        .map(|r| (r.slug.as_str(), r.title.as_str()))
        .collect();

    // Movement against the previous round, on the items of both.
    let previous_positions = previous.map(|p| {
        let (prev_order, _) = aggregate_order(p);
        let common: Vec<&str> = prev_order
            .iter()
            .map(|&i| p.file.items[i].as_str())
            .filter(|s| items.iter().any(|x| x == s))
            .collect();
        let means: HashMap<String, f64> = p
            .file
            .items
            .iter()
            .filter_map(|slug| Some((slug.clone(), placements(p, slug).mean?)))
            .collect();
        (common, means)
    });
    let current_common: Vec<&str> = order
        .iter()
        .map(|&i| items[i].as_str())
        .filter(|s| {
            previous_positions
                .as_ref()
                .is_some_and(|(common, _)| common.contains(s))
        })
        .collect();

    let mut results_items = Vec::with_capacity(n_items);
    for (place, &j) in order.iter().enumerate() {
        let slug = items[j].as_str();
        let p = placements(round, slug);
        let mut positions = vec![0usize; n_items];
        for &r in &p.places {
            if let Some(c) = positions.get_mut(r.saturating_sub(1)) {
                *c += 1;
            }
        }
        let (moved, mean_rank_change) = match &previous_positions {
            Some((common, means)) => {
                let before = common.iter().position(|s| *s == slug);
                let now = current_common.iter().position(|s| *s == slug);
                let moved = before.zip(now).map(|(b, n)| b as i64 - n as i64);
                let change = means.get(slug).zip(p.mean).map(|(b, n)| n - b);
                (moved, change)
            }
            None => (None, None),
        };
        results_items.push(ItemResult {
            slug: slug.to_string(),
            title: titles
                .get(slug)
                .map_or_else(|| slug.to_string(), |t| t.to_string()),
            aggregate_rank: place + 1,
            mean_rank: p.mean,
            median_rank: p.summary.map(|s| s.median),
            iqr: p.summary.map(|s| s.iqr),
            min_rank: p.places.iter().copied().min(),
            max_rank: p.places.iter().copied().max(),
            borda: borda[j],
            writers_rank: writers_rank.get(slug).copied(),
            n: p.places.len(),
            no_opinion: p.no_opinion,
            missing: p.missing,
            positions,
            dropped: !writers_rank.contains_key(slug),
            moved,
            mean_rank_change,
            reasons: p.reasons,
        });
    }

    let mut spread: Vec<&ItemResult> = results_items.iter().filter(|i| i.n >= 2).collect();
    spread.sort_by(|a, b| {
        let range = |i: &ItemResult| i.max_rank.unwrap_or(0) - i.min_rank.unwrap_or(0);
        b.iqr
            .unwrap_or(0.0)
            .total_cmp(&a.iqr.unwrap_or(0.0))
            .then(range(b).cmp(&range(a)))
            .then(a.aggregate_rank.cmp(&b.aggregate_rank))
    });
    let widest_spread = spread.iter().map(|i| i.slug.clone()).collect();

    let mut groups: BTreeMap<OrgType, Vec<Vec<f64>>> = BTreeMap::new();
    for (s, r) in round.submissions.iter().zip(&ranks) {
        groups
            .entry(OrgType::of(&s.organisation))
            .or_default()
            .push(r.clone());
    }
    let by_organisation_type = groups
        .into_iter()
        .map(|(t, r)| {
            let c = concordance(&r);
            GroupAgreement {
                organisation_type: t,
                label: t.label(),
                rankings: r.len(),
                kendalls_w: c.map(|c| c.w),
                chi_square: c.map(|c| c.chi_square),
                p_value: c.map(|c| c.p_value),
            }
        })
        .collect();

    let previous = previous.map(|p| {
        let pw = concordance(&complete(p)).map(|c| c.w);
        Previous {
            round: p.number,
            rankings: p.submissions.len(),
            kendalls_w: pw,
            kendalls_w_change: w.map(|c| c.w).zip(pw).map(|(now, before)| now - before),
            left_out: p
                .file
                .items
                .iter()
                .filter(|s| !items.contains(s))
                .cloned()
                .collect(),
            added: items
                .iter()
                .filter(|s| !p.file.items.contains(s))
                .cloned()
                .collect(),
        }
    });

    let submitted: Vec<&str> = round
        .submissions
        .iter()
        .map(|s| s.file.member.as_str())
        .collect();
    let not_submitted = config
        .members
        .iter()
        .filter(|m| m.role == crate::model::Role::Member)
        .filter(|m| !submitted.iter().any(|e| e.eq_ignore_ascii_case(&m.email)))
        .map(|m| m.name.clone())
        .collect();

    Results {
        round: round.number,
        meeting: round.file.meeting,
        status: if round.file.is_open_on(today) {
            Status::Open
        } else {
            Status::Closed
        },
        opened: round.file.opened,
        closes: round.file.closes,
        closed: round.file.closed,
        rankings: round.submissions.len(),
        not_submitted,
        kendalls_w: w.map(|c| c.w),
        chi_square: w.map(|c| c.chi_square),
        df: w.map(|c| c.df),
        p_value: w.map(|c| c.p_value),
        items: results_items,
        widest_spread,
        by_organisation_type,
        previous,
    }
}

/// Where the members who ranked an item put it.
struct Placements {
    places: Vec<usize>,
    mean: Option<f64>,
    summary: Option<stats::Summary>,
    no_opinion: usize,
    missing: usize,
    reasons: Vec<Reason>,
}

fn placements(round: &Round, slug: &str) -> Placements {
    let mut places = Vec::new();
    let (mut no_opinion, mut missing) = (0, 0);
    let mut reasons = Vec::new();
    for s in &round.submissions {
        if let Some(i) = s.file.order.iter().position(|x| x == slug) {
            places.push(i + 1);
        } else if s.file.no_opinion.iter().any(|x| x == slug) {
            no_opinion += 1;
        } else {
            missing += 1;
        }
        if let Some(text) = s.file.reasons.get(slug)
            && !text.trim().is_empty()
        {
            reasons.push(Reason {
                name: s.file.name.clone(),
                organisation: s.organisation.clone(),
                text: text.trim().to_string(),
            });
        }
    }
    let values: Vec<f64> = places.iter().map(|&p| p as f64).collect();
    let summary = stats::summary(&values);
    Placements {
        mean: summary.map(|s| s.mean),
        summary,
        places,
        no_opinion,
        missing,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::{RankingFile, RoundFile, Submission};
    use proptest::prelude::*;

    fn t() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2024-08-01T10:00:00+02:00").unwrap()
    }

    fn round(number: u32, items: &[&str], members: &[(&str, &[&str], &[&str])]) -> Round {
        Round {
            number,
            file: RoundFile {
                meeting: Some(4),
                opened: t(),
                opened_by: "w@sst.example".into(),
                closes: None,
                closed: None,
                closed_by: None,
                items: items.iter().map(|s| s.to_string()).collect(),
            },
            submissions: members
                .iter()
                .map(|(org, order, none)| {
                    let email = format!("{}@x.example", org.to_lowercase().replace(' ', "."));
                    Submission {
                        id: crate::ranking::member_id(&email),
                        organisation: org.to_string(),
                        file: RankingFile {
                            member: email,
                            name: org.to_string(),
                            organisation: org.to_string(),
                            submitted: t(),
                            order: order.iter().map(|s| s.to_string()).collect(),
                            no_opinion: none.iter().map(|s| s.to_string()).collect(),
                            reasons: BTreeMap::new(),
                        },
                    }
                })
                .collect(),
        }
    }

    fn recs(order: &[&str]) -> Vec<Recommendation> {
        order
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut r =
                    Recommendation::new(s, &s.to_uppercase(), crate::model::Horizon::Short, "");
                r.rank = i + 1;
                r
            })
            .collect()
    }

    fn config() -> Config {
        Config::new(
            "T",
            crate::ops::writer("W", "w@sst.example", "Sundhedsstyrelsen"),
        )
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 8, 10).unwrap()
    }

    fn item<'a>(r: &'a Results, slug: &str) -> &'a ItemResult {
        r.items.iter().find(|i| i.slug == slug).unwrap()
    }

    #[test]
    fn hand_computed_round() {
        // Three members, four items a b c d (writers' order).
        //   Region A: c a b d
        //   Region B: c b a       (d missing)
        //   KL:       a c         (b, d no opinion)
        let r = round(
            1,
            &["a", "b", "c", "d"],
            &[
                ("Region A", &["c", "a", "b", "d"], &[]),
                ("Region B", &["c", "b", "a"], &[]),
                ("KL", &["a", "c"], &["b", "d"]),
            ],
        );
        let res = compute(&r, None, &recs(&["a", "b", "c", "d"]), &config(), day());
        // Complete ranks: A (2,3,1,4), B (3,2,1,4), KL (1,3.5,2,3.5).
        // Borda Σ(4 − rank): a 2+1+3 = 6, b 1+2+0.5 = 3.5, c 3+3+2 = 8, d 0+0+0.5 = 0.5.
        let order: Vec<&str> = res.items.iter().map(|i| i.slug.as_str()).collect();
        assert_eq!(order, ["c", "a", "b", "d"]);
        assert_eq!(item(&res, "c").borda, 8.0);
        assert_eq!(item(&res, "b").borda, 3.5);
        // a was placed 2, 3, 1 by the three.
        let a = item(&res, "a");
        assert_eq!((a.n, a.no_opinion, a.missing), (3, 0, 0));
        assert_eq!(a.mean_rank, Some(2.0));
        assert_eq!(a.median_rank, Some(2.0));
        assert_eq!(a.iqr, Some(1.0));
        assert_eq!(a.positions, vec![1, 1, 1, 0]);
        assert_eq!((a.aggregate_rank, a.writers_rank), (2, Some(1)));
        // b: placed 3 and 2; KL has no opinion.
        let b = item(&res, "b");
        assert_eq!((b.n, b.no_opinion, b.missing), (2, 1, 0));
        assert_eq!(b.mean_rank, Some(2.5));
        // d: placed 4 by A only; B left it out; KL no opinion.
        let d = item(&res, "d");
        assert_eq!((d.n, d.no_opinion, d.missing), (1, 1, 1));
        // W by hand: rank sums a 6, b 8.5, c 4, d 11.5; mean 7.5;
        // S = 2.25 + 1 + 12.25 + 16 = 31.5; ties: KL (2 at 3.5) → 6;
        // W = 12 · 31.5 / (9 · 60 − 3 · 6) = 378 / 522.
        let w = res.kendalls_w.unwrap();
        assert!((w - 378.0 / 522.0).abs() < 1e-12);
        assert!((res.chi_square.unwrap() - 3.0 * 3.0 * w).abs() < 1e-12);
        assert_eq!(res.df, Some(3));
        // Regions: two rankings, W defined; KL alone: none.
        let regions = &res.by_organisation_type[0];
        assert_eq!(regions.organisation_type, OrgType::Regions);
        assert_eq!(regions.rankings, 2);
        assert!(regions.kendalls_w.is_some());
        let kl = &res.by_organisation_type[1];
        assert_eq!((kl.rankings, kl.kendalls_w), (1, None));
        // Widest spread: a (IQR 1, range 2) first; b (places 3, 2) and c
        // (1, 1, 2) both have IQR 0.5 and range 1, so the aggregate order
        // decides. d (one place) has no spread to show.
        assert_eq!(res.widest_spread, ["a", "c", "b"]);
        assert_eq!(res.status, Status::Open);
    }

    #[test]
    fn dropped_and_added_recommendations() {
        let r = round(1, &["a", "b", "c"], &[("KL", &["b", "a", "c"], &[])]);
        // c was dropped since; e was added after the round opened.
        let res = compute(&r, None, &recs(&["e", "b", "a"]), &config(), day());
        assert!(item(&res, "c").dropped);
        assert_eq!(item(&res, "c").writers_rank, None);
        assert_eq!(item(&res, "b").writers_rank, Some(1));
        assert_eq!(item(&res, "a").writers_rank, Some(2));
        assert!(res.items.iter().all(|i| i.slug != "e"));
        // One ranking: W is undefined.
        assert_eq!(res.kendalls_w, None);
        assert_eq!(res.p_value, None);
    }

    #[test]
    fn movement_since_the_previous_round() {
        let first = round(
            1,
            &["a", "b", "c", "x"],
            &[
                ("KL", &["a", "b", "c", "x"], &[]),
                ("Region A", &["b", "a", "c", "x"], &[]),
            ],
        );
        let second = round(
            2,
            &["a", "b", "c", "new"],
            &[
                ("KL", &["c", "new", "a", "b"], &[]),
                ("Region A", &["c", "a", "b", "new"], &[]),
            ],
        );
        let res = compute(
            &second,
            Some(&first),
            &recs(&["a", "b", "c", "new"]),
            &config(),
            day(),
        );
        // Among a, b, c: round 1 a b c, round 2 c a b.
        assert_eq!(item(&res, "c").moved, Some(2));
        assert_eq!(item(&res, "a").moved, Some(-1));
        assert_eq!(item(&res, "b").moved, Some(-1));
        assert_eq!(item(&res, "new").moved, None);
        // c's mean went from 3 to 1.
        assert_eq!(item(&res, "c").mean_rank_change, Some(-2.0));
        let prev = res.previous.as_ref().unwrap();
        assert_eq!(prev.round, 1);
        assert_eq!(prev.left_out, ["x"]);
        assert_eq!(prev.added, ["new"]);
        let change = prev.kendalls_w_change.unwrap();
        assert!((change - (res.kendalls_w.unwrap() - prev.kendalls_w.unwrap())).abs() < 1e-12);
    }

    #[test]
    fn closed_by_date_or_by_writer() {
        let mut r = round(1, &["a", "b"], &[]);
        r.file.closes = NaiveDate::from_ymd_opt(2024, 8, 9);
        let res = compute(&r, None, &recs(&["a", "b"]), &config(), day());
        assert_eq!(res.status, Status::Closed);
        r.file.closes = None;
        r.file.closed = Some(t());
        let res = compute(&r, None, &recs(&["a", "b"]), &config(), day());
        assert_eq!(res.status, Status::Closed);
        assert!(res.items.iter().all(|i| i.n == 0 && i.mean_rank.is_none()));
    }

    proptest! {
        /// Renaming the recommendations (a bijection on slugs, which also
        /// changes their alphabetical order) renames the aggregate order
        /// and changes nothing else.
        #[test]
        fn borda_order_is_invariant_under_renaming(
            keys in proptest::collection::vec(proptest::collection::vec(0u8..50, 6), 1..7),
            cut in proptest::collection::vec(1usize..7, 7),
            rename in Just((0u32..6).collect::<Vec<u32>>()).prop_shuffle(),
        ) {
            let items: Vec<String> = (0..6).map(|i| format!("item-{i}")).collect();
            let renamed: Vec<String> = (0..6).map(|i| format!("z{}-other", rename[i])).collect();
            let orders: Vec<Vec<usize>> = keys
                .iter()
                .zip(&cut)
                .map(|(k, &c)| {
                    let mut o: Vec<usize> = (0..6).collect();
                    o.sort_by_key(|&i| (k[i], i));
                    o.truncate(c);
                    o
                })
                .collect();
            let make = |names: &[String]| {
                let mut r = round(1, &[], &[]);
                r.file.items = names.to_vec();
                r.submissions = orders
                    .iter()
                    .enumerate()
                    .map(|(m, o)| Submission {
                        id: format!("m{m}"),
                        organisation: "KL".into(),
                        file: RankingFile {
                            member: format!("m{m}@x.example"),
                            name: format!("M{m}"),
                            organisation: "KL".into(),
                            submitted: t(),
                            order: o.iter().map(|&i| names[i].clone()).collect(),
                            no_opinion: Vec::new(),
                            reasons: BTreeMap::new(),
                        },
                    })
                    .collect();
                r
            };
            let (a, borda_a) = aggregate_order(&make(&items));
            let (b, borda_b) = aggregate_order(&make(&renamed));
            prop_assert_eq!(a, b);
            prop_assert_eq!(borda_a, borda_b);
        }
    }
}
