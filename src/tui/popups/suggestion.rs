//! Ændringsforslag in the thread popup: a writer applies a suggestion with
//! one key. Where the quoted words were edited since, the three texts and
//! the merged result are shown first (confirm with Enter, or edit the text
//! with `e`); where they are gone, the reason is shown.

use ratatui::text::{Line, Span};

use crate::diff::Op;
use crate::model::{Choice, Comment, Disposition};
use crate::ops::{AcceptPlan, AcceptText, Session};
use crate::store::Store;
use crate::suggest::Outcome;
use crate::tr;
use crate::tui::job::After;
use crate::tui::state::{ComposeTarget, Confirm, Confirmed, Popup, State};
use crate::tui::update::{compose, refuse, write};
use crate::tui::views::safe;

/// What applying comment `i` would do, asked of the committed workspace.
fn plan(state: &State, i: usize) -> Result<AcceptPlan, String> {
    let id = state.ws.comments[i].id.clone();
    Store::open(state.store.root())
        .and_then(|store| Session::new(store, state.actor_email.as_deref()))
        .and_then(|s| s.plan_accept(&id))
        .map_err(|e| e.to_string())
}

/// The key in the thread: apply directly, ask first, or say why not.
pub fn accept(state: &mut State, i: usize) {
    if refuse(state, crate::ops::Action::Resolve) {
        return;
    }
    let plan = match plan(state, i) {
        Ok(p) => p,
        Err(why) => {
            state.popup = Some(Popup::Error(why));
            return;
        }
    };
    if let Some(why) = &plan.refused {
        state.popup = Some(Popup::Error(tr!(
            "Forslaget kan ikke indføres: {why}.\n\nDu kan stadig besvare det med a.",
            "The suggestion cannot be applied: {why}.\n\nYou can still answer it with a."
        )));
        return;
    }
    if !plan.needs_confirmation {
        state.popup = None;
        apply(
            state,
            plan.id,
            AcceptText::Proposed,
            Disposition::Met,
            After::Nothing,
        );
        return;
    }
    state.popup = Some(Popup::Confirm(three_texts(&plan)));
    state.popup_scroll = 0;
}

/// The question shown when the words changed since the member read them.
fn three_texts(plan: &AcceptPlan) -> Confirm {
    let merged = plan
        .merged
        .as_ref()
        .map_or_else(|| plan.proposed.clone(), |m| m.text.clone());
    let mut lines = vec![
        if plan.review.is_some() {
            tr!(
                "Et andet forslag til de samme ord er indført siden. Læs de tre tekster:",
                "Another suggestion on the same words was applied since. Read the three texts:"
            )
        } else {
            tr!(
                "Ordene er ændret, siden forslaget blev skrevet. Læs de tre tekster:",
                "The words were changed since the suggestion was written. Read the three texts:"
            )
        },
        String::new(),
        tr!("Det medlemmet så:", "What the member saw:"),
        format!("  «{}»", plan.quoted),
        tr!("Det der står nu:", "What stands now:"),
        format!("  «{}»", plan.current.clone().unwrap_or_default()),
        tr!("Forslaget:", "The proposal:"),
        format!("  «{}»", plan.proposed),
        String::new(),
        tr!("Flettet resultat:", "Merged result:"),
        format!("  «{merged}»"),
    ];
    if plan.merged.as_ref().is_some_and(|m| m.conflict) {
        lines.push(tr!(
            "Bemærk: jeres rettelse og forslaget ændrer de samme ord; dér er medlemmets ord brugt.",
            "Note: your edit and the suggestion change the same words; there the member's words were used."
        ));
    }
    lines.push(String::new());
    lines.push(tr!(
        "j/Enter: indfør den flettede tekst · e: ret teksten først · n/Esc: fortryd",
        "y/Enter: apply the merged text · e: edit the text first · n/Esc: cancel"
    ));
    Confirm {
        title: tr!("Indfør ændringsforslaget?", "Apply the suggestion?"),
        lines,
        then: Confirmed::AcceptSuggestion {
            id: plan.id.clone(),
            merged,
        },
    }
}

/// `e` in the three-text question: the editor on the merged text.
pub fn edit_merged(state: &mut State, id: String, merged: &str) {
    state.popup = None;
    compose(
        state,
        ComposeTarget::AcceptEdited {
            comment: id,
            disposition: Disposition::Met.key().to_string(),
        },
        tr!(
            "Teksten der indføres i kapitlet (Ctrl+S indfører)",
            "The text written into the chapter (Ctrl+S applies it)"
        ),
        merged,
    );
}

/// Choosing *delvist imødekommet* for an open suggestion: the editor on
/// the proposed words, which the writer changes before they are written
/// into the chapter. True when the editor opened (writers only).
pub fn partly_met(state: &mut State, id: &str) -> bool {
    let Some(c) = state.ws.comments.iter().find(|c| c.id == id) else {
        return false;
    };
    let Some(proposed) = c.suggestion.as_ref().map(|s| s.text.clone()) else {
        return false;
    };
    if !c.is_open() || state.may(crate::ops::Action::EditContent).is_err() {
        return false;
    }
    compose(
        state,
        ComposeTarget::AcceptEdited {
            comment: id.to_string(),
            disposition: Disposition::PartlyMet.key().to_string(),
        },
        tr!(
            "Delvist imødekommet: ret forslaget; Ctrl+S indfører det i kapitlet",
            "Partly met: edit the proposal; Ctrl+S writes it into the chapter"
        ),
        &proposed,
    );
    true
}

/// Queues the commit that writes the suggestion into its chapter and
/// answers it as imødekommet.
pub fn apply(
    state: &mut State,
    id: String,
    text: AcceptText,
    disposition: Disposition,
    after: After,
) -> bool {
    write(
        state,
        tr!(
            "Forslaget er indført i kapitlet og besvaret.",
            "The suggestion was applied to the chapter and resolved."
        ),
        after,
        move |s| {
            s.accept_suggestion(&id, text, disposition, None)
                .map(|_| ())
        },
    )
}

/// The proposal as spans: deleted words struck, new words underlined, and
/// without colour marked `[-…-]` and `{+…+}` as well. With `context`, the
/// unchanged words before the first change and after the last are cut to
/// that many (for one line).
pub fn change_spans(
    state: &State,
    quote: &str,
    text: &str,
    context: Option<usize>,
) -> Vec<Span<'static>> {
    let signs = !state.theme.color;
    let segments = crate::suggest::proposed_change(quote, text);
    let last = segments.len().saturating_sub(1);
    let mut spans = Vec::with_capacity(segments.len());
    // The op of the previous segment when it was a change that ended in a word.
    let mut touching: Option<Op> = None;
    for (n, seg) in segments.into_iter().enumerate() {
        let t = safe(&seg.text).replace('\n', " ");
        // Without signs, deleted and new words that touch get a space
        // between them, so «sårbart» and «det» do not read «sårbartdet».
        if !signs
            && seg.op != Op::Equal
            && !t.starts_with(char::is_whitespace)
            && touching.is_some_and(|op| op != seg.op)
        {
            spans.push(Span::raw(" "));
        }
        touching = (seg.op != Op::Equal && !t.ends_with(char::is_whitespace)).then_some(seg.op);
        spans.push(match seg.op {
            Op::Equal => Span::raw(match context {
                Some(k) if n == 0 && n != last => {
                    let words: Vec<&str> = t.split_whitespace().collect();
                    if words.len() > k {
                        format!("…{} ", words[words.len() - k..].join(" "))
                    } else {
                        t
                    }
                }
                Some(k) if n == last && n != 0 => {
                    let words: Vec<&str> = t.split_whitespace().collect();
                    if words.len() > k {
                        format!(" {}…", words[..k].join(" "))
                    } else {
                        t
                    }
                }
                _ => t,
            }),
            Op::Delete if signs => Span::styled(format!("[-{t}-]"), state.theme.deleted()),
            Op::Delete => Span::styled(t, state.theme.deleted()),
            Op::Insert if signs => Span::styled(format!("{{+{t}+}}"), state.theme.inserted()),
            Op::Insert => Span::styled(t, state.theme.inserted()),
        });
    }
    spans
}

/// The lines a thread shows for a suggestion: the change, who proposed
/// it, and its outcome (none for other comments).
pub fn lines(state: &State, c: &Comment) -> Vec<Line<'static>> {
    let (Some(s), Some(a)) = (&c.suggestion, &c.target.anchor) else {
        return Vec::new();
    };
    let mut head = vec![Span::styled(
        tr!(
            "Forslag til ny formulering fra {} ({}): ",
            "Proposed new wording by {} ({}): ",
            safe(&c.author.name),
            safe(&c.author.organisation)
        ),
        state.theme.title(),
    )];
    head.extend(change_spans(state, &a.quote, &s.text, None));
    let mut out = vec![Line::from(head)];
    if let Some(outcome) = Outcome::of(c) {
        out.push(Line::raw(format!(
            "{} {}",
            tr!("Udfald:", "Outcome:"),
            outcome.describe()
        )));
        if let Outcome::Applied { text, .. } = &outcome
            && text != &s.text
        {
            out.push(Line::raw(format!(
                "{} «{}»",
                tr!(
                    "Indført med skribentens tekst:",
                    "Applied with the writers' text:"
                ),
                safe(text)
            )));
        }
    }
    out
}
