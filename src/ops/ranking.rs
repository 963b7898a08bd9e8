//! Prioritisation rounds: open and close a round (writers), submit one's
//! own ranking (members), read the results, adopt the group's order
//! (writers), and the rule `verify` applies to files under `rankings/`.
//! The statistics and file formats are in [`crate::ranking`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use git2::Oid;
use serde::Serialize;

use super::{Action, Session};
use crate::error::{Error, Result};
use crate::model::{Choice, PriorityFile, RecStatus, Role, Workspace, paths};
use crate::ranking::{
    RankingFile, RankingPath, Results, Round, RoundFile, load_rounds, member_id, open_round,
    parse_path, ranking_path, round_path,
};
use crate::store::{Change, CommitFacts, PathChange, Rev, Store, WorktreeSource};
use crate::text::truncate;
use crate::tr;

/// A workspace and its rounds as of one revision.
pub struct RoundsAt {
    pub workspace: Workspace,
    pub rounds: Vec<Round>,
    /// Ranking files that could not be counted, and why.
    pub problems: Vec<crate::model::Problem>,
}

/// Loads the workspace and its rounds at `rev`.
pub fn rounds_at(store: &Store, rev: &Rev) -> Result<RoundsAt> {
    let workspace = store.load(rev)?;
    let (rounds, problems) = rounds_in(store, rev, &workspace.config)?;
    Ok(RoundsAt {
        workspace,
        rounds,
        problems,
    })
}

/// The rounds at `rev` of a workspace already loaded at `rev` (its
/// configuration), without loading it again.
pub fn rounds_in(
    store: &Store,
    rev: &Rev,
    config: &crate::model::Config,
) -> Result<(Vec<Round>, Vec<crate::model::Problem>)> {
    match rev {
        Rev::Worktree => load_rounds(
            &WorktreeSource {
                root: store.root().to_path_buf(),
            },
            config,
        ),
        Rev::Named(name) => match store.head()? {
            None if name == "HEAD" => Ok((Vec::new(), Vec::new())),
            _ => {
                let oid = store.resolve(name)?;
                load_rounds(&store.source_at(oid)?, config)
            }
        },
    }
}

impl RoundsAt {
    /// Round `number`, or the latest; an error that says which exist.
    pub fn round(&self, number: Option<u32>) -> Result<&Round> {
        let found = match number {
            Some(n) => self.rounds.iter().find(|r| r.number == n),
            None => self.rounds.last(),
        };
        found.ok_or_else(|| match (number, self.rounds.len()) {
            (_, 0) => Error::Invalid(tr!(
                "der er ingen prioriteringsrunder endnu; en skribent åbner en med `oplaeg ranking open`",
                "there are no ranking rounds yet; a writer opens one with `oplaeg ranking open`"
            )),
            (n, count) => Error::Invalid(tr!(
                "der er ingen runde {}; der er runde 1 til {count}",
                "there is no round {}; there are rounds 1 to {count}",
                n.unwrap_or(0)
            )),
        })
    }

    /// The results of round `number` (default: the latest), with the
    /// movement since the round before it; `today` decides whether a round
    /// with a closing date is still open.
    pub fn results(&self, number: Option<u32>, today: NaiveDate) -> Result<Results> {
        let round = self.round(number)?;
        let previous = self.rounds.iter().find(|r| r.number + 1 == round.number);
        Ok(crate::ranking::compute(
            round,
            previous,
            &self.workspace.recommendations,
            &self.workspace.config,
            today,
        ))
    }
}

/// What `ranking adopt` did.
#[derive(Clone, Debug, Serialize)]
pub struct Adopted {
    pub round: u32,
    /// The new priority order.
    pub order: Vec<String>,
    /// Recommendations whose place changed.
    pub moved: usize,
}

impl Session {
    fn rounds_at_head(&self) -> Result<(RoundsAt, Option<Oid>)> {
        let head = self.store.head()?;
        let at = rounds_at(&self.store, &Rev::head())?;
        Ok((at, head))
    }

    /// Opens a new round on the current recommendations (not those marked
    /// dropped), in the writers' order. Only writers; only one round is
    /// open at a time. `closes` is the last day rankings are accepted.
    pub fn ranking_open(
        &self,
        meeting: Option<u32>,
        closes: Option<NaiveDate>,
    ) -> Result<(u32, RoundFile)> {
        self.permit(Action::ManageMeetings)?;
        let (at, base) = self.rounds_at_head()?;
        let now = self.now();
        let today = now.date_naive();
        if let Some(open) = open_round(&at.rounds, today) {
            return Err(Error::Invalid(tr!(
                "runde {} er stadig åben; luk den først med `oplaeg ranking close`",
                "round {} is still open; close it first with `oplaeg ranking close`",
                open.number
            )));
        }
        if let Some(m) = meeting
            && !at.workspace.config.meetings.iter().any(|x| x.number == m)
        {
            return Err(Error::Invalid(tr!(
                "møde {m} er ikke planlagt; planlæg det med `oplaeg meeting add`",
                "meeting {m} is not planned; plan it with `oplaeg meeting add`"
            )));
        }
        if let Some(d) = closes
            && d < today
        {
            return Err(Error::Invalid(tr!(
                "lukkedatoen {d} er allerede passeret",
                "the closing date {d} has already passed"
            )));
        }
        let items: Vec<String> = at
            .workspace
            .recommendations
            .iter()
            .filter(|r| r.status != RecStatus::Dropped)
            .map(|r| r.slug.clone())
            .collect();
        if items.len() < 2 {
            return Err(Error::Invalid(tr!(
                "der skal være mindst to anbefalinger at rangordne",
                "there must be at least two recommendations to rank"
            )));
        }
        let mut number = 1;
        while let Some(head) = base
            && self.store.read_at(head, &round_path(number))?.is_some()
        {
            number += 1;
        }
        let file = RoundFile {
            meeting,
            opened: now,
            opened_by: self.actor.email.clone(),
            closes,
            closed: None,
            closed_by: None,
            items,
        };
        let mut message = format!("Prioriteringsrunde {number} åbnet");
        if let Some(m) = meeting {
            message.push_str(&format!(" før møde {m}"));
        }
        if let Some(d) = closes {
            message.push_str(&format!(", lukker {d}"));
        }
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(round_path(number), file.render()),
        )?;
        Ok((number, file))
    }

    /// Closes a round (default: the open one). Only writers.
    pub fn ranking_close(&self, number: Option<u32>) -> Result<(u32, RoundFile)> {
        self.permit(Action::ManageMeetings)?;
        let (at, base) = self.rounds_at_head()?;
        let now = self.now();
        let round = match number {
            Some(_) => at.round(number)?,
            None => open_round(&at.rounds, now.date_naive())
                .ok_or_else(|| Error::Invalid(tr!("ingen runde er åben", "no round is open")))?,
        };
        if let Some(closed) = round.file.closed {
            return Err(Error::Invalid(tr!(
                "runde {} blev lukket {}",
                "round {} was closed on {}",
                round.number,
                closed.date_naive()
            )));
        }
        let mut file = round.file.clone();
        file.closed = Some(now);
        file.closed_by = Some(self.actor.email.clone());
        let n = round.number;
        self.commit(
            Change::new(format!(
                "Prioriteringsrunde {n} lukket ({})",
                crate::i18n::count(round.submissions.len(), "rangordning", "rangordninger")
            ))
            .based_on(base)
            .write(round_path(n), file.render()),
        )?;
        Ok((n, file))
    }

    /// Submits (or replaces) the actor's own ranking in the open round:
    /// `order` most important first, `no_opinion` for recommendations
    /// outside the member's field, a short reason per recommendation.
    /// Only members; only while the round is open.
    pub fn ranking_submit(
        &self,
        order: &[String],
        no_opinion: &[String],
        reasons: &BTreeMap<String, String>,
    ) -> Result<(u32, RankingFile)> {
        if self.actor.role != Role::Member {
            return Err(Error::Forbidden {
                name: self.actor.name.clone(),
                role: self.actor.role.label().to_string(),
                action: tr!("rangordne anbefalingerne", "rank the recommendations"),
                allowed: tr!("medlemmer af følgegruppen", "members of the group"),
            });
        }
        let (at, base) = self.rounds_at_head()?;
        let now = self.now();
        let round = open_round(&at.rounds, now.date_naive()).ok_or_else(|| {
            match at.rounds.last() {
                Some(last) => Error::Invalid(tr!(
                    "runde {} er lukket; der tages ikke imod rangordninger, før en skribent åbner en ny runde",
                    "round {} is closed; no rankings are taken until a writer opens a new round",
                    last.number
                )),
                None => Error::Invalid(tr!(
                    "der er ingen åben prioriteringsrunde",
                    "there is no open ranking round"
                )),
            }
        })?;
        let tidy = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        // Numbers name recommendations by their place in the round.
        let resolve = |v: Vec<String>| -> Vec<String> {
            v.into_iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(n) if n >= 1 && n <= round.file.items.len() => {
                        round.file.items[n - 1].clone()
                    }
                    _ => s,
                })
                .collect()
        };
        let file = RankingFile {
            member: self.actor.email.clone(),
            name: self.actor.name.clone(),
            organisation: self.actor.organisation.clone(),
            submitted: now,
            order: resolve(tidy(order)),
            no_opinion: resolve(tidy(no_opinion)),
            reasons: reasons
                .iter()
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        };
        let found = file.check(&round.file.items);
        if !found.is_empty() {
            // One line: the command line shows an error as one line.
            return Err(Error::Invalid(format!(
                "{}. {}",
                found.join("; "),
                tr!(
                    "Rundens anbefalinger: {}",
                    "The round's recommendations: {}",
                    round.file.items.join(", ")
                )
            )));
        }
        let id = member_id(&self.actor.email);
        if let Some(other) = round
            .submissions
            .iter()
            .find(|s| s.id == id && !s.file.member.eq_ignore_ascii_case(&self.actor.email))
        {
            return Err(Error::Invalid(tr!(
                "filen {} tilhører allerede {}; bed en skribent om hjælp",
                "the file {} already belongs to {}; ask a writer for help",
                ranking_path(round.number, &id),
                other.file.member
            )));
        }
        let replaced = round.submissions.iter().any(|s| s.id == id);
        let n = round.number;
        let verb = if replaced { "ændret" } else { "afgivet" };
        self.commit(
            Change::new(format!(
                "Rangordning {verb} i prioriteringsrunde {n} {}",
                super::org(&self.actor)
            ))
            .based_on(base)
            .write(ranking_path(n, &id), file.render()),
        )?;
        Ok((n, file))
    }

    /// Makes the group's aggregate order of a closed round (default: the
    /// latest) the writers' order, as one commit. The round's
    /// recommendations still on the list take the places they hold now, in
    /// the aggregate order; every other recommendation keeps its place.
    /// Only writers.
    pub fn ranking_adopt(&self, number: Option<u32>) -> Result<Adopted> {
        self.permit(Action::EditContent)?;
        let (at, base) = self.rounds_at_head()?;
        let today = self.now().date_naive();
        let round = at.round(number)?;
        if round.file.is_open_on(today) {
            return Err(Error::Invalid(tr!(
                "runde {} er åben; luk den, før gruppens rækkefølge tages i brug",
                "round {} is open; close it before adopting the group's order",
                round.number
            )));
        }
        if round.submissions.is_empty() {
            return Err(Error::Invalid(tr!(
                "runde {} har ingen rangordninger",
                "round {} has no rankings",
                round.number
            )));
        }
        let current: Vec<String> = at
            .workspace
            .recommendations
            .iter()
            .map(|r| r.slug.clone())
            .collect();
        let new = adopted_order(round, &current);
        let moved = new.iter().zip(&current).filter(|(a, b)| a != b).count();
        if moved == 0 {
            return Err(Error::Invalid(tr!(
                "skribenternes rækkefølge er allerede gruppens rækkefølge fra runde {}",
                "the writers' order already is the group's order from round {}",
                round.number
            )));
        }
        let n = round.number;
        let mut message =
            format!("Prioriteringen følger gruppens samlede rækkefølge fra runde {n}\n\n");
        for (i, slug) in new.iter().enumerate() {
            let title = at
                .workspace
                .recommendations
                .iter()
                .find(|r| &r.slug == slug)
                .map_or(slug.as_str(), |r| r.title.as_str());
            message.push_str(&format!("{}. {}\n", i + 1, truncate(title, 70)));
        }
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::PRIORITY, PriorityFile::render(&new).into_bytes()),
        )?;
        Ok(Adopted {
            round: n,
            order: new,
            moved,
        })
    }
}

/// The writers' list `current` with the slots held by the round's items
/// refilled in the round's aggregate order; other items keep their slots.
pub fn adopted_order(round: &Round, current: &[String]) -> Vec<String> {
    let (order, _) = crate::ranking::results::aggregate_order(round);
    let mut aggregate = order
        .iter()
        .map(|&i| &round.file.items[i])
        .filter(|s| current.contains(s));
    current
        .iter()
        .map(|slug| {
            if round.file.items.contains(slug) {
                aggregate.next().cloned().unwrap_or_else(|| slug.clone())
            } else {
                slug.clone()
            }
        })
        .collect()
}

/// What `verify` finds wrong with one change under `rankings/` made by a
/// member or reviewer (`member`, from the judging `oplaeg.toml`) in commit
/// `c`. Writers' commits are not judged (they may change every file). The
/// rules:
/// - only writers write `round.toml` and nothing but rankings lives there;
/// - a member writes only `rankings/N/ID.toml` where `ID` is their own
///   [`member_id`] and the file's `member` is their own address; the file
///   must be readable and rank only the round's recommendations;
/// - only while the round is open as of the commit's first parent (round
///   exists, no writer has closed it) and on or before its closing date by
///   the commit's own date. Deleting one's own ranking follows the same rule.
///
/// Returns the file concerned and the message for each broken rule.
pub fn verify_ranking_change(
    store: &Store,
    c: &CommitFacts,
    role: Role,
    change: &PathChange,
) -> Result<Vec<String>> {
    let path = change.path.as_str();
    let Some(kind) = parse_path(path) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let is_member = role == Role::Member;
    let role = role.label();
    let (round_no, id) = match kind {
        RankingPath::Round(_) | RankingPath::Other => {
            out.push(tr!(
                "kun skribenter åbner og lukker prioriteringsrunder; en {role} må kun skrive sin egen rangordning (rankings/N/ID.toml)",
                "only writers open and close ranking rounds; a {role} may only write their own ranking (rankings/N/ID.toml)"
            ));
            return Ok(out);
        }
        RankingPath::Ranking { round, id } => (round, id),
    };
    if !is_member {
        out.push(tr!(
            "kun medlemmer af følgegruppen rangordner; en {role} gør ikke",
            "only members of the group rank; a {role} does not"
        ));
        return Ok(out);
    }
    let own = member_id(&c.author_email);
    if id != own {
        out.push(tr!(
            "{path} er ikke forfatterens egen rangordning (den hedder rankings/{round_no}/{own}.toml)",
            "{path} is not the author's own ranking (that is rankings/{round_no}/{own}.toml)"
        ));
        return Ok(out);
    }
    // The round as it stood before this commit.
    let round = match c.parents.first() {
        Some(&parent) => store.read_at(parent, &round_path(round_no))?,
        None => None,
    };
    let round = round.and_then(|b| {
        let text = String::from_utf8(b).ok()?;
        crate::model::parse_toml::<RoundFile>(&round_path(round_no), &text).ok()
    });
    let Some(round) = round else {
        out.push(tr!(
            "prioriteringsrunde {round_no} findes ikke (eller kan ikke læses) før denne ændring",
            "ranking round {round_no} does not exist (or cannot be read) before this change"
        ));
        return Ok(out);
    };
    if let Some(closed) = round.closed {
        out.push(tr!(
            "prioriteringsrunde {round_no} blev lukket {}; rangordninger kan ikke længere ændres",
            "ranking round {round_no} was closed on {}; rankings can no longer be changed",
            closed.date_naive()
        ));
        return Ok(out);
    }
    let date = store.commit_time(c.id)?.date_naive();
    if !round.is_open_on(date) {
        out.push(tr!(
            "prioriteringsrunde {round_no} lukkede {}; ændringen er fra {date}",
            "ranking round {round_no} closed on {}; the change is from {date}",
            round.closes.map(|d| d.to_string()).unwrap_or_default()
        ));
        return Ok(out);
    }
    let Some(new) = change.new else {
        return Ok(out);
    };
    let file = String::from_utf8(store.blob(new)?)
        .map_err(|_| tr!("ikke gyldig UTF-8", "not valid UTF-8"))
        .and_then(|t| crate::model::parse_toml::<RankingFile>(path, &t).map_err(|p| p.to_string()));
    match file {
        Err(problem) => out.push(tr!(
            "rangordningen kan ikke læses: {problem}",
            "the ranking cannot be read: {problem}"
        )),
        Ok(file) => {
            if !file.member.eq_ignore_ascii_case(&c.author_email) {
                let m = &file.member;
                out.push(tr!(
                    "rangordningen står i {m}s navn, ikke forfatterens",
                    "the ranking is in the name of {m}, not its author's"
                ));
            }
            out.extend(file.check(&round.items));
        }
    }
    Ok(out)
}
