//! Prioritering's part of `update`: reading the rounds when HEAD moves,
//! the member's copy of the list (moved with the writers' reorder keys,
//! saved as one commit with Enter, put back with Esc), and the writers'
//! open, close and adopt, each through the same operations as the
//! command line (`Session::ranking_*`).

use crate::model::Role;
use crate::ops::ranking::{adopted_order, rounds_at};
use crate::ranking::MAX_REASON;
use crate::store::Rev;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::job::After;
use crate::tui::layout;
use crate::tui::state::{Confirm, Confirmed, Field, Form, FormKind, Popup, State};
use crate::tui::update::{move_in, write};

use super::state::{Edit, Mode};

/// A small form of this tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankingForm {
    /// Open a round: meeting and closing date.
    Open,
    /// Move the item (slug) to the place typed.
    Place(String),
    /// The member's short reason for the item (slug).
    Reason(String),
}

/// What a confirmed question of this tab does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankingConfirm {
    Close(u32),
    Adopt(u32),
}

/// Whether the actor is a member of the group (members rank).
pub fn is_member(state: &State) -> bool {
    state.actor.as_ref().is_some_and(|m| m.role == Role::Member)
}

/// What is shown now.
pub fn mode(state: &State) -> Mode {
    state.ranking.mode(is_member(state), state.today)
}

/// Reads the rounds again when HEAD has moved, and keeps the member's
/// copy of the open round's list in step: a new round starts a new copy,
/// a closed round has none.
pub fn keep_current(state: &mut State) {
    let head = state.head.clone();
    if state.ranking.read_at.as_ref() == Some(&head) {
        return;
    }
    state.ranking.read_at = Some(head);
    match rounds_at(&state.store, &Rev::head()) {
        Ok(at) => {
            state.ranking.data = Some(at);
            state.ranking.error = None;
        }
        Err(e) => {
            state.ranking.data = None;
            state.ranking.error = Some(e.to_string());
        }
    }
    if let Some(n) = state.ranking.round
        && !state.ranking.rounds().iter().any(|r| r.number == n)
    {
        state.ranking.round = None;
    }
    let email = state.actor_email.clone().unwrap_or_default();
    let open = if is_member(state) {
        state.ranking.open(state.today).cloned()
    } else {
        None
    };
    match open {
        Some(round) => {
            let fresh = state.ranking.edit.as_ref().is_none_or(|e| {
                e.round != round.number
                    || e.order.len() != round.file.items.len()
                    || !e.order.iter().all(|s| round.file.items.contains(s))
            });
            if fresh {
                state.ranking.edit = Some(Edit::start(&round, &email));
                state.ranking.selected = 0;
            }
        }
        None => state.ranking.edit = None,
    }
    let len = rows(state).len();
    state.ranking.selected = state.ranking.selected.min(len.saturating_sub(1));
}

/// At start, for a member: a word in the status line when a round is open
/// that they have not ranked in yet (read from HEAD's `rankings/` only).
pub fn greet(state: &mut State) {
    if !is_member(state) {
        return;
    }
    let (Some(email), Ok(Some(head))) = (state.actor_email.clone(), state.store.head()) else {
        return;
    };
    let Ok(source) = state.store.source_at(head) else {
        return;
    };
    let Ok((rounds, _)) = crate::ranking::load_rounds(&source, &state.ws.config) else {
        return;
    };
    if let Some(r) = crate::ranking::open_round(&rounds, state.today)
        && r.submission_of(&email).is_none()
    {
        state.message = Some(tr!(
            "Runde {} er åben; du har ikke rangordnet: tryk 8.",
            "Round {} is open; you have not ranked: press 8.",
            r.number
        ));
    }
}

/// The slugs of the member's list as shown: the copy being made while a
/// round is open, else their saved ranking of the latest round (ranked,
/// then without opinion), else nothing.
pub fn rows(state: &State) -> Vec<String> {
    if let Some(e) = &state.ranking.edit {
        return e.order.clone();
    }
    let Some(round) = state.ranking.own_round(state.today) else {
        return Vec::new();
    };
    let email = state.actor_email.clone().unwrap_or_default();
    if round.submission_of(&email).is_none() {
        // A closed round the member did not rank in: nothing of theirs.
        return Vec::new();
    }
    round.starting_order(&email).0
}

/// Why the member's list cannot be changed now, if it cannot.
pub fn not_editable(state: &State) -> Option<String> {
    if !is_member(state) {
        return Some(match &state.actor {
            Some(_) => tr!(
                "kun medlemmer af følgegruppen rangordner anbefalingerne",
                "only members of the group rank the recommendations"
            ),
            None => state.actor_problem.clone().unwrap_or_default(),
        });
    }
    if mode(state) != Mode::Mine {
        return Some(tr!(
            "skift først til din rangordning med r",
            "first switch to your ranking with r"
        ));
    }
    if state.ranking.edit.is_some() {
        return None;
    }
    Some(match state.ranking.rounds().last() {
        Some(r) => tr!(
            "runde {} er lukket; din rangordning kan ikke længere ændres",
            "round {} is closed; your ranking can no longer be changed",
            r.number
        ),
        None => tr!(
            "der er ingen åben prioriteringsrunde",
            "there is no open ranking round"
        ),
    })
}

/// Whether the member's copy differs from where it started: their saved
/// ranking, or the writers' order before the first.
pub fn unsaved(state: &State) -> bool {
    let (Some(e), Some(email)) = (&state.ranking.edit, &state.actor_email) else {
        return false;
    };
    state
        .ranking
        .rounds()
        .iter()
        .find(|r| r.number == e.round)
        .is_some_and(|r| !e.same_as(&Edit::start(r, email)))
}

/// Why an action of this tab cannot be used now (for the footer and the
/// help, and checked again before it runs); roles are checked by the key
/// table's permissions first.
pub fn refusal(state: &State, action: &Action) -> Option<String> {
    let today = state.today;
    match action {
        Action::RankUp
        | Action::RankDown
        | Action::RankTo
        | Action::RankNoOpinion
        | Action::RankReason
        | Action::RankSave => not_editable(state),
        Action::RankRevert if !unsaved(state) => Some(tr!(
            "intet at fortryde: din rangordning er som gemt",
            "nothing to undo: your ranking is as saved"
        )),
        // Enter saves a ranking here; there is nothing else to open.
        Action::Open => Some(tr!(
            "Enter gemmer din rangordning i fanen Prioritering",
            "Enter saves your ranking in the Ranking tab"
        )),
        Action::RankMode if !is_member(state) => Some(tr!(
            "kun medlemmer har en rangordning at vise",
            "only members have a ranking to show"
        )),
        Action::RankMode if state.ranking.rounds().is_empty() => Some(tr!(
            "der er ingen prioriteringsrunder endnu",
            "there are no ranking rounds yet"
        )),
        Action::RankEarlier | Action::RankLater if state.ranking.rounds().len() < 2 => {
            Some(tr!("der er kun én runde", "there is only one round"))
        }
        Action::RoundOpen => state.ranking.open(today).map(|r| {
            tr!(
                "runde {} er stadig åben; luk den først med x",
                "round {} is still open; close it first with x",
                r.number
            )
        }),
        Action::RoundClose if state.ranking.open(today).is_none() => {
            Some(tr!("ingen runde er åben", "no round is open"))
        }
        Action::RoundAdopt => match state.ranking.shown() {
            None => Some(tr!(
                "der er ingen prioriteringsrunder endnu",
                "there are no ranking rounds yet"
            )),
            Some(r) if r.file.is_open_on(today) => Some(tr!(
                "runde {} er åben; luk den, før gruppens rækkefølge tages i brug",
                "round {} is open; close it before adopting the group's order",
                r.number
            )),
            Some(r) if r.submissions.is_empty() => Some(tr!(
                "runde {} har ingen rangordninger",
                "round {} has no rankings",
                r.number
            )),
            Some(r) => {
                let current: Vec<String> = state
                    .ws
                    .recommendations
                    .iter()
                    .map(|x| x.slug.clone())
                    .collect();
                (adopted_order(r, &current) == current).then(|| {
                    tr!(
                        "skribenternes rækkefølge er allerede gruppens fra runde {}",
                        "the writers' order already is the group's from round {}",
                        r.number
                    )
                })
            }
        },
        _ => None,
    }
}

/// Refuses (with the reason in a popup) what cannot be done now.
fn refused(state: &mut State, action: &Action) -> bool {
    let why = crate::tui::panes::refusal(state, action).or_else(|| refusal(state, action));
    match why {
        Some(why) => {
            state.popup = Some(Popup::Error(capitalised(&why)));
            true
        }
        None => false,
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// Handles an action in Prioritering.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    keep_current(state);
    match action {
        Action::RankMode => {
            if refused(state, &action) {
                return None;
            }
            let next = match mode(state) {
                Mode::Mine => Mode::Results,
                Mode::Results => Mode::Mine,
            };
            state.ranking.chosen_mode = Some(next);
            state.message = Some(match next {
                Mode::Mine => tr!("Din rangordning.", "Your ranking."),
                Mode::Results => tr!("Resultaterne.", "The results."),
            });
        }
        Action::RankEarlier | Action::RankLater => {
            if refused(state, &action) {
                return None;
            }
            step_round(state, action == Action::RankLater);
        }
        Action::RoundOpen => {
            if !refused(state, &action) {
                ask_open(state);
            }
        }
        Action::RoundClose => {
            if !refused(state, &action) {
                ask_close(state);
            }
        }
        Action::RoundAdopt => {
            if !refused(state, &action) {
                ask_adopt(state);
            }
        }
        // A member's keys in the results (or for someone who does not
        // rank): say why they do nothing.
        Action::RankUp
        | Action::RankDown
        | Action::RankTo
        | Action::RankNoOpinion
        | Action::RankReason
        | Action::RankSave
        | Action::RankRevert
            if mode(state) == Mode::Results =>
        {
            refused(state, &action);
        }
        a if mode(state) == Mode::Results => {
            let (total, height) = results_size(state);
            crate::tui::scroll::apply(&mut state.ranking.results_scroll, &a, total, height);
        }
        a => own(state, a),
    }
    None
}

/// A click in the member's list selects the row (the list has focus).
pub fn click(state: &mut State, y: u16) {
    if mode(state) != Mode::Mine {
        return;
    }
    let [list, _] = super::view::own_panes(state);
    state.ranking.detail_focus = false;
    if let Some(i) = layout::list_row(list, y, state.ranking.selected)
        && i < rows(state).len()
    {
        if i != state.ranking.selected {
            state.ranking.detail_scroll = 0;
        }
        state.ranking.selected = i;
    }
}

/// The results pane's rows (as wrapped) and height.
fn results_size(state: &State) -> (usize, usize) {
    let area = super::view::results_area(state);
    let inner = layout::inner(area);
    let lines = super::view::results_lines(state, usize::from(inner.width));
    (
        crate::tui::scroll::wrap(&lines, inner.width).len(),
        usize::from(inner.height),
    )
}

/// Shows the results of the round before or after the one shown.
fn step_round(state: &mut State, later: bool) {
    let numbers: Vec<u32> = state.ranking.rounds().iter().map(|r| r.number).collect();
    let Some(current) = state.ranking.shown().map(|r| r.number) else {
        return;
    };
    let at = numbers.iter().position(|&n| n == current).unwrap_or(0);
    let to = if later {
        (at + 1).min(numbers.len() - 1)
    } else {
        at.saturating_sub(1)
    };
    state.ranking.round = numbers.get(to).copied();
    state.ranking.chosen_mode = Some(Mode::Results);
    state.ranking.results_scroll = 0;
    state.message = Some(tr!(
        "Resultaterne af runde {}.",
        "The results of round {}.",
        numbers.get(to).copied().unwrap_or(current)
    ));
}

/// Keys on the member's own list.
fn own(state: &mut State, action: Action) {
    if action == Action::Focus {
        state.ranking.detail_focus = !state.ranking.detail_focus;
        return;
    }
    if state.ranking.detail_focus && crate::tui::scroll::is_movement(&action) {
        let (total, height) = detail_size(state);
        crate::tui::scroll::apply(&mut state.ranking.detail_scroll, &action, total, height);
        return;
    }
    let len = rows(state).len();
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let [list, _] = super::view::own_panes(state);
            let page = layout::page(usize::from(layout::inner(list).height));
            let before = state.ranking.selected;
            move_in(&mut state.ranking.selected, len, &action, page);
            if before != state.ranking.selected {
                state.ranking.detail_scroll = 0;
            }
        }
        Action::RankUp | Action::RankDown => {
            if refused(state, &action) {
                return;
            }
            let i = state.ranking.selected;
            let to = if action == Action::RankUp {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|&t| t < len)
            };
            if let (Some(to), Some(e)) = (to, state.ranking.edit.as_mut()) {
                e.order.swap(i, to);
                state.ranking.selected = to;
                moved_message(state);
            }
        }
        Action::RankTo => {
            if refused(state, &action) {
                return;
            }
            if let Some(slug) = selected_slug(state) {
                ask_place(state, &slug, len);
            }
        }
        Action::RankNoOpinion => {
            if refused(state, &action) {
                return;
            }
            let Some(slug) = selected_slug(state) else {
                return;
            };
            let title = title_of(state, &slug);
            if let Some(e) = state.ranking.edit.as_mut() {
                let now_none = if e.no_opinion.remove(&slug) {
                    false
                } else {
                    e.no_opinion.insert(slug.clone());
                    true
                };
                if now_none && e.order.len() == e.no_opinion.len() {
                    // Nothing would be ranked: the ranking must hold one.
                    e.no_opinion.remove(&slug);
                    state.message = Some(tr!(
                        "Mindst én anbefaling skal rangordnes.",
                        "At least one recommendation must be ranked."
                    ));
                    return;
                }
                state.message = Some(if now_none {
                    tr!(
                        "Ingen holdning til «{title}» – den tæller ikke med i din rangordning. Enter gemmer.",
                        "No opinion on «{title}» – it does not count in your ranking. Enter saves."
                    )
                } else {
                    tr!(
                        "«{title}» er med i din rangordning igen. Enter gemmer.",
                        "«{title}» is in your ranking again. Enter saves."
                    )
                });
            }
        }
        Action::RankReason => {
            if refused(state, &action) {
                return;
            }
            if let Some(slug) = selected_slug(state) {
                ask_reason(state, &slug);
            }
        }
        Action::RankSave => {
            if refused(state, &action) {
                return;
            }
            save(state);
        }
        Action::RankRevert => {
            if refused(state, &action) {
                return;
            }
            revert(state);
        }
        _ => {}
    }
}

/// The detail pane's rows (as wrapped) and height.
fn detail_size(state: &State) -> (usize, usize) {
    let [_, detail] = super::view::own_panes(state);
    let inner = layout::inner(detail);
    let lines = super::view::detail_lines(state);
    (
        crate::tui::scroll::wrap(&lines, inner.width).len(),
        usize::from(inner.height),
    )
}

fn selected_slug(state: &State) -> Option<String> {
    rows(state).get(state.ranking.selected).cloned()
}

/// A recommendation's title (its slug when it is gone).
pub fn title_of(state: &State, slug: &str) -> String {
    state
        .ws
        .recommendations
        .iter()
        .find(|r| r.slug == slug)
        .map_or_else(|| slug.to_string(), |r| r.title.clone())
}

fn moved_message(state: &mut State) {
    let Some(slug) = selected_slug(state) else {
        return;
    };
    let title = title_of(state, &slug);
    let place = state.ranking.edit.as_ref().and_then(|e| e.place(&slug));
    state.message = Some(match place {
        Some(p) => tr!(
            "«{title}» er nu din nr. {p} – Enter gemmer, Esc fortryder.",
            "«{title}» is now your no. {p} – Enter saves, Esc undoes."
        ),
        None => tr!(
            "«{title}» er flyttet (ingen holdning) – Enter gemmer, Esc fortryder.",
            "«{title}» was moved (no opinion) – Enter saves, Esc undoes."
        ),
    });
}

/// Esc: back to the saved ranking (or the writers' order before the first).
fn revert(state: &mut State) {
    let email = state.actor_email.clone().unwrap_or_default();
    let Some(round) = state.ranking.open(state.today).cloned() else {
        return;
    };
    let slug = selected_slug(state);
    let edit = Edit::start(&round, &email);
    state.ranking.selected = slug
        .and_then(|s| edit.order.iter().position(|x| *x == s))
        .unwrap_or(0);
    state.ranking.edit = Some(edit);
    state.message = Some(tr!(
        "Din rangordning er som gemt.",
        "Your ranking is as saved."
    ));
}

/// Enter: the member's ranking saved as one commit.
fn save(state: &mut State) {
    let Some(e) = state.ranking.edit.clone() else {
        return;
    };
    let (order, none, reasons) = e.submission();
    let done = tr!(
        "Din rangordning er gemt. S sender den til de andre.",
        "Your ranking is saved. S sends it to the others."
    );
    write(state, done, After::Nothing, move |s| {
        s.ranking_submit(&order, &none, &reasons).map(|_| ())
    });
}

/// "Flyt til nr.": the place to move the selected item to.
fn ask_place(state: &mut State, slug: &str, count: usize) {
    state.popup = Some(Popup::Form(Form {
        kind: FormKind::Ranking(RankingForm::Place(slug.to_string())),
        title: tr!("Flyt «{}»", "Move «{}»", title_of(state, slug)),
        fields: vec![Field {
            label: tr!("Flyt til nr.", "Move to no."),
            value: String::new(),
            hint: format!("1–{count}"),
        }],
        field: 0,
        error: None,
    }));
}

/// The member's short reason for the selected item.
fn ask_reason(state: &mut State, slug: &str) {
    let current = state
        .ranking
        .edit
        .as_ref()
        .and_then(|e| e.reasons.get(slug).cloned())
        .unwrap_or_default();
    state.popup = Some(Popup::Form(Form {
        kind: FormKind::Ranking(RankingForm::Reason(slug.to_string())),
        title: tr!(
            "Begrundelse for «{}»",
            "Reason for «{}»",
            title_of(state, slug)
        ),
        fields: vec![Field {
            label: tr!("Begrundelse", "Reason"),
            value: current,
            hint: tr!(
                "kort, højst {MAX_REASON} tegn; tom fjerner den",
                "short, at most {MAX_REASON} characters; empty removes it"
            ),
        }],
        field: 0,
        error: None,
    }));
}

/// The form for opening a round, filled in for the next planned meeting:
/// its number, and its comment deadline (else the day before it) as the
/// closing date.
fn ask_open(state: &mut State) {
    let next = state
        .ws
        .config
        .meetings
        .iter()
        .filter(|m| m.date > state.today)
        .min_by_key(|m| m.date);
    let meeting = next.map_or_else(String::new, |m| m.number.to_string());
    let closes = next
        .and_then(|m| m.deadline.or_else(|| m.date.pred_opt()))
        .filter(|d| *d >= state.today)
        .map_or_else(String::new, |d| d.to_string());
    let items = state
        .ws
        .recommendations
        .iter()
        .filter(|r| r.status != crate::model::RecStatus::Dropped)
        .count();
    state.popup = Some(Popup::Form(Form {
        kind: FormKind::Ranking(RankingForm::Open),
        title: tr!(
            "Åbn en prioriteringsrunde ({items} anbefalinger)",
            "Open a ranking round ({items} recommendations)"
        ),
        fields: vec![
            Field {
                label: tr!("Til møde nr.", "For meeting no."),
                value: meeting,
                hint: tr!("kan stå tom", "may be empty"),
            },
            Field {
                label: tr!("Lukker", "Closes"),
                value: closes,
                hint: tr!(
                    "sidste dag, ÅÅÅÅ-MM-DD; tom: til en skribent lukker den",
                    "last day, YYYY-MM-DD; empty: until a writer closes it"
                ),
            },
        ],
        field: 0,
        error: None,
    }));
}

/// Checks a form of this tab and carries it out; the reason when refused.
pub fn form(state: &mut State, kind: &RankingForm, f: &Form) -> Result<(), String> {
    let value = |i: usize| f.fields.get(i).map_or("", |x| x.value.trim());
    match kind {
        RankingForm::Place(slug) => {
            let count = rows(state).len();
            let to: usize = value(0)
                .parse()
                .ok()
                .filter(|n| (1..=count).contains(n))
                .ok_or_else(|| {
                    tr!(
                        "Skriv et tal fra 1 til {count}.",
                        "Type a number from 1 to {count}."
                    )
                })?;
            state.popup = None;
            if let Some(e) = state.ranking.edit.as_mut()
                && let Some(from) = e.order.iter().position(|s| s == slug)
            {
                let s = e.order.remove(from);
                e.order.insert(to - 1, s);
                state.ranking.selected = to - 1;
                moved_message(state);
            }
            Ok(())
        }
        RankingForm::Reason(slug) => {
            let text = crate::text::collapse_ws(value(0));
            if text.chars().count() > MAX_REASON {
                return Err(tr!(
                    "Højst {MAX_REASON} tegn; skriv en kommentar til anbefalingen i stedet.",
                    "At most {MAX_REASON} characters; write a comment on the recommendation instead."
                ));
            }
            state.popup = None;
            if let Some(e) = state.ranking.edit.as_mut() {
                if text.is_empty() {
                    e.reasons.remove(slug);
                } else {
                    e.reasons.insert(slug.clone(), text);
                }
            }
            state.message = Some(tr!(
                "Begrundelsen gemmes med rangordningen (Enter).",
                "The reason is saved with the ranking (Enter)."
            ));
            Ok(())
        }
        RankingForm::Open => {
            let meeting = match value(0) {
                "" => None,
                v => Some(v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    tr!(
                        "Møde: skriv mødets nummer, fx 5, eller lad feltet stå tomt.",
                        "Meeting: type the meeting's number, e.g. 5, or leave it empty."
                    )
                })?),
            };
            let closes = match value(1) {
                "" => None,
                v => Some(
                    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                        tr!(
                            "Lukker: skriv datoen som ÅÅÅÅ-MM-DD, fx 2024-08-13.",
                            "Closes: write the date as YYYY-MM-DD, e.g. 2024-08-13."
                        )
                    })?,
                ),
            };
            if closes.is_some_and(|d| d < state.today) {
                return Err(tr!(
                    "Lukker: datoen er allerede passeret.",
                    "Closes: the date has already passed."
                ));
            }
            state.popup = None;
            state.ranking.round = None;
            state.ranking.results_scroll = 0;
            write(
                state,
                tr!(
                    "Prioriteringsrunden er åben; medlemmerne kan nu rangordne anbefalingerne.",
                    "The ranking round is open; the members can now rank the recommendations."
                ),
                After::Nothing,
                move |s| s.ranking_open(meeting, closes).map(|_| ()),
            );
            Ok(())
        }
    }
}

/// Asks before the open round is closed.
fn ask_close(state: &mut State) {
    let Some(round) = state.ranking.open(state.today) else {
        return;
    };
    let n = round.number;
    let results = crate::ranking::compute(
        round,
        None,
        &state.ws.recommendations,
        &state.ws.config,
        state.today,
    );
    let mut lines = vec![
        tr!("Luk prioriteringsrunde {n}?", "Close ranking round {n}?"),
        String::new(),
        crate::i18n::count(
            round.submissions.len(),
            &tr!("rangordning er afgivet", "ranking submitted"),
            &tr!("rangordninger er afgivet", "rankings submitted"),
        ),
    ];
    if !results.not_submitted.is_empty() {
        lines.push(tr!(
            "Mangler fra: {}",
            "Missing from: {}",
            results.not_submitted.join(", ")
        ));
    }
    lines.push(String::new());
    lines.push(tr!(
        "Bagefter kan medlemmerne ikke længere afgive eller rette deres rangordning.",
        "Afterwards the members can no longer submit or change their ranking."
    ));
    lines.push(String::new());
    lines.push(tr!("j/Enter: ja · n/Esc: nej", "y/Enter: yes · n/Esc: no"));
    state.popup = Some(Popup::Confirm(Confirm {
        title: tr!("Luk runden", "Close the round"),
        lines,
        then: Confirmed::Ranking(RankingConfirm::Close(n)),
    }));
}

/// Asks before the group's order of the shown round becomes the writers'.
fn ask_adopt(state: &mut State) {
    let Some(round) = state.ranking.shown() else {
        return;
    };
    let n = round.number;
    let current: Vec<String> = state
        .ws
        .recommendations
        .iter()
        .map(|r| r.slug.clone())
        .collect();
    let new = adopted_order(round, &current);
    let mut lines = vec![
        tr!(
            "Skal skribenternes rækkefølge følge gruppens samlede rækkefølge fra runde {n}?",
            "Should the writers' order follow the group's aggregate order from round {n}?"
        ),
        String::new(),
    ];
    let mut moved = 0;
    for (i, slug) in new.iter().enumerate() {
        let was = current.iter().position(|s| s == slug).map_or(0, |p| p + 1);
        let mark = if was == i + 1 {
            String::new()
        } else {
            moved += 1;
            tr!("  (var nr. {was})", "  (was no. {was})")
        };
        lines.push(format!(
            "{:>2}. {}{mark}",
            i + 1,
            crate::tui::panes::safe(&crate::text::truncate(&title_of(state, slug), 50))
        ));
    }
    if moved == 0 {
        state.message = Some(tr!(
            "Skribenternes rækkefølge er allerede gruppens rækkefølge fra runde {n}.",
            "The writers' order already is the group's order from round {n}."
        ));
        return;
    }
    lines.push(String::new());
    lines.push(tr!(
        "Det gemmes som én ændring; den kan rettes bagefter som enhver anden rækkefølge.",
        "It is saved as one change; it can be changed afterwards like any other order."
    ));
    lines.push(String::new());
    lines.push(tr!("j/Enter: ja · n/Esc: nej", "y/Enter: yes · n/Esc: no"));
    state.popup = Some(Popup::Confirm(Confirm {
        title: tr!("Tag gruppens rækkefølge i brug", "Adopt the group's order"),
        lines,
        then: Confirmed::Ranking(RankingConfirm::Adopt(n)),
    }));
}

/// A confirmed question of this tab: close the round or adopt the order.
pub fn confirmed(state: &mut State, what: RankingConfirm) {
    match what {
        RankingConfirm::Close(n) => {
            state.ranking.round = Some(n);
            state.ranking.results_scroll = 0;
            write(
                state,
                tr!(
                    "Prioriteringsrunde {n} er lukket; resultaterne står her.",
                    "Ranking round {n} is closed; the results are here."
                ),
                After::Nothing,
                move |s| s.ranking_close(Some(n)).map(|_| ()),
            );
        }
        RankingConfirm::Adopt(n) => {
            write(
                state,
                tr!(
                    "Skribenternes rækkefølge følger nu gruppens fra runde {n}.",
                    "The writers' order now follows the group's from round {n}."
                ),
                After::Nothing,
                move |s| s.ranking_adopt(Some(n)).map(|_| ()),
            );
        }
    }
}

/// `/`: the first item whose title holds the words (in the member's list),
/// or the first row of the results holding them.
pub fn find(state: &mut State, text: &str) {
    keep_current(state);
    let t = text.to_lowercase();
    if mode(state) == Mode::Mine {
        let rows = rows(state);
        if let Some(i) = rows
            .iter()
            .position(|s| title_of(state, s).to_lowercase().contains(&t))
        {
            state.ranking.selected = i;
            state.ranking.detail_scroll = 0;
        }
        return;
    }
    let inner = layout::inner(super::view::results_area(state));
    let lines = super::view::results_lines(state, usize::from(inner.width));
    let wrapped = crate::tui::scroll::wrap(&lines, inner.width);
    if let Some(row) = wrapped
        .iter()
        .position(|l| l.to_string().to_lowercase().contains(&t))
    {
        let max = crate::tui::scroll::max_offset(wrapped.len(), usize::from(inner.height));
        state.ranking.results_scroll = row.min(max);
    }
}
