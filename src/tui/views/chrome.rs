//! Tabs, the status line (who you are, which revision) and the footer keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::safe;
use crate::model::Choice;
use crate::tui::action::Action as A;
use crate::tui::keymap::{BINDINGS, Scope};
use crate::tui::state::{State, View};

pub fn tabs(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = Vec::new();
    let labels = crate::tui::layout::tab_labels(area.width, state.view);
    for (v, label) in View::all().zip(labels) {
        let style = if v == state.view {
            state
                .theme
                .selected()
                .add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            state.theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw("│"));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(frame: &mut Frame, area: Rect, state: &State) {
    let who = match &state.actor {
        Some(m) => format!(
            "{} · {} · {}",
            safe(&m.name),
            safe(&m.organisation),
            m.role.label()
        ),
        None => crate::tr!("læser uden identitet", "reading without identity"),
    };
    let rev = match &state.head {
        Some(h) => {
            let tag = state.tags.iter().rev().find(|t| &t.commit == h);
            let short = &h[..h.len().min(7)];
            match tag {
                Some(t) => format!("{short} [{}]", safe(&t.name)),
                None => format!("HEAD {short}"),
            }
        }
        None => crate::tr!("ingen version", "no revision"),
    };
    // A message matters now: when the line is too narrow for all of it,
    // the identity shortens to the name and role, and the revision goes.
    let loading = crate::tui::loading::note(state);
    let note = state
        .busy
        .as_ref()
        .or(state.message.as_ref())
        .or(loading.as_ref());
    let wide = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let (who, rev) = match (note, &state.actor) {
        (Some(n), Some(m)) if wide(&who) + wide(&rev) + wide(n) + 8 > usize::from(area.width) => {
            (format!("{} · {}", safe(&m.name), m.role.label()), None)
        }
        _ => (who, Some(rev)),
    };
    let mut spans = vec![Span::styled(format!(" {who} "), state.theme.selected())];
    if let Some(rev) = rev {
        spans.push(Span::raw(format!(" {rev} ")));
        if let Some(t) = &state.tracking {
            spans.push(Span::styled(tracking(t), state.theme.dim()));
        }
    }
    if let Some(b) = &state.busy {
        spans.push(Span::styled(
            format!(" ⏳ {}", safe(b)),
            state.theme.marker(),
        ));
    } else if let Some(m) = &state.message {
        spans.push(Span::styled(format!(" {}", safe(m)), state.theme.ok()));
    } else if let Some(l) = &loading {
        let (sign, style) = match state.load {
            crate::tui::loading::LoadState::Failed(_) => ("", state.theme.error()),
            _ => ("⏳ ", state.theme.marker()),
        };
        spans.push(Span::styled(format!(" {sign}{}", safe(l)), style));
    } else if state.actor.is_none()
        && let Some(p) = &state.actor_problem
    {
        spans.push(Span::styled(format!(" {}", safe(p)), state.theme.error()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `⇅ ↑2 ↓0` against the server as of the last sync (S syncs).
fn tracking(t: &crate::store::Tracking) -> String {
    match (t.ahead, t.behind) {
        (Some(a), Some(b)) => format!("⇅ ↑{a} ↓{b} "),
        _ => crate::tr!("⇅ ikke synkroniseret ", "⇅ not synced "),
    }
}

pub fn footer(frame: &mut Frame, area: Rect, state: &State) {
    if let Some(input) = &state.search_input {
        let text = crate::tr!(
            "Søg: {}▏  (Enter søger, Esc annullerer)",
            "Search: {}▏  (Enter searches, Esc cancels)",
            safe(input)
        );
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let scope = crate::tui::panes::scope(state);
    let mut spans = Vec::new();
    let mut used = 0usize;
    let width = usize::from(area.width);
    // Only what the person may do here: the rest is in the help, marked.
    let mut shown: Vec<&str> = Vec::new();
    let mut keys: Vec<&crate::tui::keymap::Binding> = scope
        .chain()
        .iter()
        .flat_map(|s| BINDINGS.iter().filter(move |b| b.scope == *s))
        .filter(|b| b.footer && crate::tui::panes::refusal(state, &b.action).is_none())
        .collect();
    // The help first: it names every other key, when the footer runs out.
    keys.sort_by_key(|b| b.action != A::Help);
    for b in keys {
        if shown.contains(&b.label) {
            continue;
        }
        shown.push(b.label);
        let key = format!(" {} ", b.label);
        // In popups, Enter and Esc mean what the popup says they do.
        let popup = !matches!(
            b.scope,
            Scope::Global
                | Scope::Reader
                | Scope::Recs
                | Scope::Comments
                | Scope::Timeline
                | Scope::History
                | Scope::Diff
                | Scope::Mine
                | Scope::Ranking
        );
        let words = match short(&b.action) {
            Some(w) if !(popup && matches!(b.action, A::Open | A::Back | A::Down)) => w,
            _ => b.help().to_string(),
        };
        let words = format!(" {words}  ");
        let w = unicode_width::UnicodeWidthStr::width(key.as_str())
            + unicode_width::UnicodeWidthStr::width(words.as_str());
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::styled(key, state.theme.selected()));
        spans.push(Span::raw(words));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Short footer words for the main actions.
fn short(action: &crate::tui::action::Action) -> Option<String> {
    use crate::tr;
    use crate::tui::action::Action as A;
    Some(match action {
        A::Select => tr!("markér", "select"),
        A::CommentQuote | A::CommentWhole => tr!("kommentér", "comment"),
        A::Suggest => tr!("foreslå tekst", "suggest text"),
        A::MoveUp => tr!("op", "up"),
        A::MoveDown => tr!("ned", "down"),
        A::MoveTo => tr!("flyt til nr.", "move to no."),
        A::ChooseHorizon => tr!("horisont", "horizon"),
        A::EditComment => tr!("ret", "edit"),
        A::WithdrawComment => tr!("træk tilbage", "withdraw"),
        A::PlanMeeting => tr!("planlæg møde", "plan meeting"),
        A::TagMeeting => tr!("markér sendt", "tag draft"),
        A::Back => tr!("luk", "close"),
        A::Submit => tr!("gem", "save"),
        A::ExternalEditor => tr!("editor", "editor"),
        A::Down => tr!("næste felt", "next field"),
        A::Reply => tr!("svar", "reply"),
        A::Resolve => tr!("besvar", "resolve"),
        A::FilterStatus => tr!("filter", "filter"),
        A::Jump => tr!("gå til", "go to"),
        A::Quit => tr!("afslut", "quit"),
        A::Help => tr!("hjælp", "help"),
        A::Open => tr!("åbn", "open"),
        A::Search => tr!("søg", "search"),
        A::ChooseFrom => tr!("fra", "from"),
        A::ChooseTo => tr!("til", "to"),
        A::NextChange => tr!("ændring", "change"),
        A::MineSince => tr!("siden", "since"),
        A::MineScope => tr!("mine/org.", "mine/org."),
        A::MarkRead => tr!("læst", "read"),
        A::MineNext => tr!("næste", "next"),
        A::MineChanges => tr!("ændringer", "changes"),
        A::RankUp => tr!("op", "up"),
        A::RankDown => tr!("ned", "down"),
        A::RankTo => tr!("flyt til nr.", "move to no."),
        A::RankNoOpinion => tr!("ingen holdning", "no opinion"),
        A::RankReason => tr!("begrundelse", "reason"),
        A::RankSave => tr!("gem", "save"),
        A::RankRevert => tr!("fortryd", "undo"),
        A::RankMode => tr!("min/resultater", "mine/results"),
        A::RoundOpen => tr!("åbn runde", "open round"),
        A::RoundClose => tr!("luk runde", "close round"),
        A::RoundAdopt => tr!("tag i brug", "adopt"),
        _ => return None,
    })
}
