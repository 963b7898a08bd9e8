//! Prioritering's state: the rounds as read at HEAD, which part is shown,
//! the member's copy of the list being ranked, and where the panes are.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::ops::ranking::RoundsAt;
use crate::ranking::{Round, open_round};

/// Which part of the tab is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The member's own ranking (editable while the round is open).
    Mine,
    /// A round's results.
    Results,
}

/// A member's ranking being made: the whole list in the member's order,
/// what they have no opinion on and their short reasons, by slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub round: u32,
    pub order: Vec<String>,
    pub no_opinion: BTreeSet<String>,
    pub reasons: BTreeMap<String, String>,
}

impl Edit {
    /// The copy a member starts from: their saved ranking, else the
    /// writers' order (see [`Round::starting_order`]).
    pub fn start(round: &Round, email: &str) -> Edit {
        let (order, no_opinion) = round.starting_order(email);
        let reasons = round
            .submission_of(email)
            .map(|s| s.file.reasons.clone())
            .unwrap_or_default();
        Edit {
            round: round.number,
            order,
            no_opinion: no_opinion.into_iter().collect(),
            reasons,
        }
    }

    /// What would be submitted: the ranked slugs in order, the slugs
    /// without opinion (in list order) and the reasons.
    pub fn submission(&self) -> (Vec<String>, Vec<String>, BTreeMap<String, String>) {
        let (none, ranked): (Vec<String>, Vec<String>) = self
            .order
            .iter()
            .cloned()
            .partition(|s| self.no_opinion.contains(s));
        (ranked, none, self.reasons.clone())
    }

    /// Whether this would submit the same as `other`: the same ranked
    /// order, the same items without opinion, the same reasons (where the
    /// items without opinion stand in the list does not matter).
    pub fn same_as(&self, other: &Edit) -> bool {
        let (a_order, mut a_none, a_reasons) = self.submission();
        let (b_order, mut b_none, b_reasons) = other.submission();
        a_none.sort();
        b_none.sort();
        a_order == b_order && a_none == b_none && a_reasons == b_reasons
    }

    /// The place an item would get (1 = highest), `None` without opinion.
    pub fn place(&self, slug: &str) -> Option<usize> {
        if self.no_opinion.contains(slug) {
            return None;
        }
        self.order
            .iter()
            .filter(|s| !self.no_opinion.contains(*s))
            .position(|s| s == slug)
            .map(|p| p + 1)
    }
}

/// See the module.
#[derive(Default)]
pub struct RankingState {
    /// The rounds as of `head` (read again when HEAD moves).
    pub data: Option<RoundsAt>,
    /// The HEAD `data` (or `error`) was read at; `None` before any read.
    pub read_at: Option<Option<String>>,
    /// Why the rounds could not be read.
    pub error: Option<String>,
    /// Chosen with `r`; before that, the tab picks (see [`RankingState::mode`]).
    pub chosen_mode: Option<Mode>,
    /// The round whose results are shown; `None`: the latest.
    pub round: Option<u32>,
    /// The member's copy of the open round's list.
    pub edit: Option<Edit>,
    /// The selected row of the member's list.
    pub selected: usize,
    /// Focus on the detail pane beside the member's list.
    pub detail_focus: bool,
    pub detail_scroll: usize,
    pub results_scroll: usize,
}

impl RankingState {
    /// Every round read, oldest first.
    pub fn rounds(&self) -> &[Round] {
        self.data.as_ref().map_or(&[], |d| d.rounds.as_slice())
    }

    /// The round taking rankings on `today`, if any.
    pub fn open(&self, today: NaiveDate) -> Option<&Round> {
        open_round(self.rounds(), today)
    }

    /// The round whose results are shown: the chosen one, else the latest.
    pub fn shown(&self) -> Option<&Round> {
        let rounds = self.rounds();
        match self.round {
            Some(n) => rounds.iter().find(|r| r.number == n),
            None => rounds.last(),
        }
    }

    /// The round a member's own ranking is shown for: the open one, else
    /// the latest.
    pub fn own_round(&self, today: NaiveDate) -> Option<&Round> {
        self.open(today).or_else(|| self.rounds().last())
    }

    /// What is shown: the choice made with `r`, else the member's own
    /// ranking while a round is open (for members), else the results.
    pub fn mode(&self, member: bool, today: NaiveDate) -> Mode {
        if !member {
            return Mode::Results;
        }
        match self.chosen_mode {
            Some(m) => m,
            None if self.open(today).is_some() => Mode::Mine,
            None => Mode::Results,
        }
    }
}
