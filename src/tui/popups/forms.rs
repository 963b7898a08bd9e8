//! Small decisions in popups, each saved as one change on Enter: a rank
//! to move a recommendation to, its horizon or status from a short list
//! (dropping it asks first), a meeting to plan, a meeting to tag the draft
//! for (asked first).

use chrono::NaiveDate;

use crate::model::{Choice, Horizon, RecStatus, Recommendation};
use crate::ops::RecEdit;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::job::After;
use crate::tui::state::{
    ChoiceKind, ChoicePopup, Confirm, Confirmed, Field, Form, FormKind, Popup, State,
};
use crate::tui::update::{move_in, write};

/// Asks for the rank to move a recommendation to ("flyt til nr.").
pub fn ask_rank(state: &mut State, rec: &Recommendation) {
    let count = state.ws.recommendations.len();
    state.popup = Some(Popup::Form(Form {
        kind: FormKind::Rank(rec.slug.clone()),
        title: tr!("Flyt «{}»", "Move «{}»", rec.title),
        fields: vec![Field {
            label: tr!("Flyt til nr.", "Move to no."),
            value: String::new(),
            hint: tr!("1–{count}", "1–{count}"),
        }],
        field: 0,
        error: None,
    }));
}

/// Opens the short list of horizons or statuses for a recommendation.
pub fn choose(state: &mut State, rec: &Recommendation, horizon: bool) {
    let (kind, options, current) = if horizon {
        let options = Horizon::ALL
            .iter()
            .map(|h| {
                let def = state.ws.config.horizons.get(*h);
                format!(
                    "{} {} ({})",
                    h.badge(),
                    crate::tui::panes::horizon_label(state, *h),
                    def.span()
                )
            })
            .collect();
        let current = Horizon::ALL
            .iter()
            .position(|h| *h == rec.horizon)
            .unwrap_or(0);
        (ChoiceKind::Horizon(rec.slug.clone()), options, current)
    } else {
        let options = RecStatus::ALL
            .iter()
            .map(|s| s.label().to_string())
            .collect();
        let current = RecStatus::ALL
            .iter()
            .position(|s| *s == rec.status)
            .unwrap_or(0);
        (ChoiceKind::Status(rec.slug.clone()), options, current)
    };
    state.popup = Some(Popup::Choice(ChoicePopup {
        kind,
        options,
        chosen: current,
        current,
    }));
}

/// Keys in the short list: move, save on Enter, cancel on Esc.
pub fn choice(state: &mut State, action: Action) -> Option<Action> {
    let Some(Popup::Choice(c)) = state.popup.as_mut() else {
        return None;
    };
    match action {
        Action::Up | Action::Down | Action::Top | Action::Bottom => {
            move_in(&mut c.chosen, c.options.len(), &action, 1)
        }
        Action::Back | Action::Quit => state.popup = None,
        Action::Open => {
            let c = c.clone();
            state.popup = None;
            if c.chosen == c.current {
                state.message = Some(tr!("Intet ændret.", "Nothing changed."));
                return None;
            }
            let mut edit = RecEdit::default();
            let slug = match &c.kind {
                ChoiceKind::Horizon(slug) => {
                    edit.horizon = Horizon::ALL.get(c.chosen).copied();
                    slug.clone()
                }
                ChoiceKind::Status(slug) => {
                    let status = RecStatus::ALL.get(c.chosen).copied()?;
                    if status == RecStatus::Dropped {
                        ask_drop(state, slug, status);
                        return None;
                    }
                    edit.status = Some(status);
                    slug.clone()
                }
            };
            save_edit(state, &slug, edit);
        }
        _ => {}
    }
    None
}

fn rec_title(state: &State, slug: &str) -> String {
    state
        .ws
        .recommendations
        .iter()
        .find(|r| r.slug == slug)
        .map_or_else(|| slug.to_string(), |r| r.title.clone())
}

fn save_edit(state: &mut State, slug: &str, edit: RecEdit) {
    let done = tr!(
        "«{}» er opdateret.",
        "«{}» was updated.",
        rec_title(state, slug)
    );
    let slug = slug.to_string();
    write(state, done, After::Nothing, move |s| {
        s.rec_set(&slug, &edit).map(|_| ())
    });
}

/// Dropping a recommendation asks first.
fn ask_drop(state: &mut State, slug: &str, status: RecStatus) {
    let title = rec_title(state, slug);
    state.popup = Some(Popup::Confirm(Confirm {
        title: tr!("Udgår anbefalingen?", "Drop the recommendation?"),
        lines: vec![
            tr!(
                "Skal «{title}» have status {}?",
                "Should «{title}» get the status {}?",
                status.label()
            ),
            String::new(),
            tr!(
                "Den bliver stående i listen og historikken, markeret som udgået; en skribent kan give den en anden status igen.",
                "It stays in the list and the history, marked as dropped; a writer can give it another status again."
            ),
            String::new(),
            tr!("j/Enter: ja · n/Esc: nej", "y/Enter: yes · n/Esc: no"),
        ],
        then: Confirmed::SetStatus {
            rec: slug.to_string(),
            status,
        },
    }));
}

/// Asks before the current draft is tagged as sent for the chosen meeting.
pub fn confirm_tag(state: &mut State) {
    let numbers = state.meeting_numbers();
    let Some(&n) = numbers.get(state.timeline.meeting) else {
        state.message = Some(tr!(
            "Vælg først et møde i kalenderen (→, ↑/↓), eller planlæg et med m.",
            "First choose a meeting in the calendar (→, ↑/↓), or plan one with m."
        ));
        return;
    };
    let head = state
        .head
        .as_deref()
        .map_or_else(String::new, |h| h[..h.len().min(7)].to_string());
    let planned = state.ws.config.meetings.iter().find(|m| m.number == n);
    let what = planned.map_or_else(
        || tr!("møde {n}", "meeting {n}"),
        |m| format!("{} ({}, {})", m.title, n, m.date),
    );
    let mut lines = vec![
        tr!(
            "Markér det nuværende udkast ({head}) som sendt til {what}?",
            "Tag the current draft ({head}) as sent for {what}?"
        ),
        String::new(),
        tr!(
            "Mødemærket meeting/{n} gør udkastet til det, medlemmerne sammenligner med; det kan ikke flyttes bagefter.",
            "The tag meeting/{n} makes this draft the one members compare with; it cannot be moved afterwards."
        ),
    ];
    if state.tags.iter().any(|t| t.number == n) {
        lines.push(String::new());
        lines.push(tr!(
            "Mødet har allerede et udkast; git afviser et nyt tag med samme navn.",
            "The meeting already has a draft; git refuses a second tag of the same name."
        ));
    }
    lines.push(String::new());
    lines.push(tr!("j/Enter: ja · n/Esc: nej", "y/Enter: yes · n/Esc: no"));
    state.popup = Some(Popup::Confirm(Confirm {
        title: tr!("Markér udkastet som sendt", "Tag the draft"),
        lines,
        then: Confirmed::TagMeeting(n),
    }));
}

/// Yes or no to a [`Confirm`].
pub fn confirm(state: &mut State, action: Action) -> Option<Action> {
    let Some(Popup::Confirm(c)) = state.popup.as_ref() else {
        return None;
    };
    match action {
        Action::Open => {
            let then = c.then.clone();
            state.popup = None;
            match then {
                Confirmed::SetStatus { rec, status } => {
                    let edit = RecEdit {
                        status: Some(status),
                        ..RecEdit::default()
                    };
                    save_edit(state, &rec, edit);
                }
                Confirmed::TagMeeting(n) => {
                    write(
                        state,
                        tr!(
                            "Udkastet er markeret som sendt til møde {n} (meeting/{n}).",
                            "The draft is tagged as sent for meeting {n} (meeting/{n})."
                        ),
                        After::Nothing,
                        move |s| s.meeting_tag(n).map(|_| ()),
                    );
                }
                Confirmed::Ranking(what) => crate::tui::ranking::update::confirmed(state, what),
                Confirmed::AcceptSuggestion { id, .. } => {
                    super::suggestion::apply(
                        state,
                        id,
                        crate::ops::AcceptText::Merged,
                        crate::model::Disposition::Met,
                        After::Nothing,
                    );
                }
            }
        }
        Action::EditMerged => {
            if let Confirmed::AcceptSuggestion { id, merged } = c.then.clone() {
                super::suggestion::edit_merged(state, id, &merged);
            }
        }
        Action::Back | Action::Quit => state.popup = None,
        _ => {}
    }
    None
}

/// The form for planning a meeting, with the next number filled in.
pub fn plan_meeting(state: &mut State) {
    let next = state.meeting_numbers().last().map_or(1, |n| n + 1);
    state.popup = Some(Popup::Form(Form {
        kind: FormKind::Meeting,
        title: tr!("Planlæg et møde", "Plan a meeting"),
        fields: vec![
            Field {
                label: tr!("Nummer", "Number"),
                value: next.to_string(),
                hint: String::new(),
            },
            Field {
                label: tr!("Dato", "Date"),
                value: String::new(),
                hint: tr!("ÅÅÅÅ-MM-DD", "YYYY-MM-DD"),
            },
            Field {
                label: tr!("Titel", "Title"),
                value: tr!("{next}. møde i følgegruppen", "Meeting {next} of the group"),
                hint: String::new(),
            },
            Field {
                label: tr!("Frist", "Deadline"),
                value: String::new(),
                hint: tr!(
                    "for kommentarer, ÅÅÅÅ-MM-DD (kan stå tom)",
                    "for comments, YYYY-MM-DD (may be empty)"
                ),
            },
        ],
        field: 0,
        error: None,
    }));
}

/// Keys in a form: typing, moving between fields, Enter, Esc.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    let Some(Popup::Form(f)) = state.popup.as_mut() else {
        return None;
    };
    let fields = f.fields.len();
    match action {
        Action::Back | Action::Quit => state.popup = None,
        Action::Down | Action::NextTab => f.field = (f.field + 1) % fields,
        Action::Up | Action::PrevTab => f.field = (f.field + fields - 1) % fields,
        Action::SearchChar(c) => {
            if let Some(field) = f.fields.get_mut(f.field) {
                field.value.push(c);
            }
        }
        Action::SearchBackspace => {
            if let Some(field) = f.fields.get_mut(f.field) {
                field.value.pop();
            }
        }
        Action::Open => {
            let f = f.clone();
            if let Err(why) = submit(state, &f)
                && let Some(Popup::Form(open)) = state.popup.as_mut()
            {
                open.error = Some(why);
            }
        }
        _ => {}
    }
    None
}

fn date(text: &str, what: &str, required: bool) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() && !required {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            tr!(
                "{what}: skriv datoen som ÅÅÅÅ-MM-DD, fx 2024-06-06",
                "{what}: write the date as YYYY-MM-DD, e.g. 2024-06-06"
            )
        })
}

/// Checks the form and queues its change; the reason when it is refused.
fn submit(state: &mut State, f: &Form) -> Result<(), String> {
    let value = |i: usize| f.fields.get(i).map_or("", |x| x.value.trim());
    match &f.kind {
        FormKind::Ranking(kind) => crate::tui::ranking::update::form(state, kind, f),
        FormKind::Rank(slug) => {
            let count = state.ws.recommendations.len();
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
            match state.recs.pending.as_mut() {
                // An order is being made: the rank joins it, saved with Enter.
                Some(order) => {
                    if let Some(from) = order.iter().position(|s| s == slug) {
                        let s = order.remove(from);
                        order.insert(to - 1, s);
                        state.recs.selected = to - 1;
                    }
                }
                None => {
                    let slug = slug.clone();
                    let done = tr!(
                        "«{}» er nu nr. {to}.",
                        "«{}» is now no. {to}.",
                        rec_title(state, &slug)
                    );
                    write(state, done, After::SelectRec(to - 1), move |s| {
                        s.rec_move(&slug, to).map(|_| ())
                    });
                }
            }
            Ok(())
        }
        FormKind::Meeting => {
            let number: u32 = value(0).parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                tr!(
                    "Nummer: skriv mødets nummer, fx 3.",
                    "Number: type the meeting's number, e.g. 3."
                )
            })?;
            let day = date(value(1), &tr!("Dato", "Date"), true)?.unwrap_or(state.today);
            let title = value(2).to_string();
            if title.is_empty() {
                return Err(tr!("Titel: skriv en titel.", "Title: type a title."));
            }
            let deadline = date(value(3), &tr!("Frist", "Deadline"), false)?;
            state.popup = None;
            write(
                state,
                tr!(
                    "Møde {number} er planlagt {day}.",
                    "Meeting {number} is planned for {day}."
                ),
                After::Nothing,
                move |s| s.meeting_add(number, day, &title, deadline).map(|_| ()),
            );
            Ok(())
        }
    }
}
