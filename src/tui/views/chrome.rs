//! Tabs, the status line (who you are, which revision) and the footer keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::safe;
use crate::model::Choice;
use crate::tui::keymap::BINDINGS;
use crate::tui::state::{State, View};

/// A tab's label: ` 1 Oplæg `, or ` 1 Oplæg` when the padded tabs would
/// not fit in `width` columns (six tabs in Danish at 80 columns).
fn tab_label(view: View, width: u16) -> String {
    let padded = |v: View| format!(" {} {} ", v.index() + 1, v.title());
    let total: usize = View::ALL
        .iter()
        .map(|v| unicode_width::UnicodeWidthStr::width(padded(*v).as_str()) + 1)
        .sum();
    if total <= usize::from(width) {
        padded(view)
    } else {
        format!(" {} {}", view.index() + 1, view.title())
    }
}

/// Columns a tab's label takes in the tab bar of a terminal `width` wide.
pub fn tab_width(view: View, width: u16) -> u16 {
    let label = tab_label(view, width);
    u16::try_from(unicode_width::UnicodeWidthStr::width(label.as_str()) + 1).unwrap_or(20)
}

pub fn tabs(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = Vec::new();
    for v in View::ALL {
        let label = tab_label(v, area.width);
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
    let mut spans = vec![
        Span::styled(format!(" {who} "), state.theme.selected()),
        Span::raw(format!(" {rev} ")),
    ];
    if let Some(t) = &state.tracking {
        spans.push(Span::styled(tracking(t), state.theme.dim()));
    }
    if let Some(b) = &state.busy {
        spans.push(Span::styled(
            format!(" ⏳ {}", safe(b)),
            state.theme.marker(),
        ));
    } else if let Some(m) = &state.message {
        spans.push(Span::styled(format!(" {}", safe(m)), state.theme.ok()));
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
    let scope = state.view.scope();
    let mut spans = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.footer && (b.scope == scope || b.scope == crate::tui::keymap::Scope::Global))
    {
        spans.push(Span::styled(
            format!(" {} ", b.label),
            state.theme.selected(),
        ));
        spans.push(Span::raw(format!(
            " {}  ",
            short(&b.action).unwrap_or_else(|| b.help().to_string())
        )));
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
        A::MoveUp => tr!("op", "up"),
        A::MoveDown => tr!("ned", "down"),
        A::CycleHorizon => tr!("horisont", "horizon"),
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
        _ => return None,
    })
}
