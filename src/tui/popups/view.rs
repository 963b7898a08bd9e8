//! Popups over the view: threads, messages, questions, short lists, forms
//! and the text editor; the help over all of them. Each sits where
//! [`crate::tui::layout::popup`] puts it; text that may be long scrolls
//! (see [`crate::tui::views::pane`]). Their keys are in the footer, from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::model::{Choice, Disposition};
use crate::tui::layout::{self, Boxed};
use crate::tui::panes::Pane;
use crate::tui::state::{Popup, State};
use crate::tui::views::pane;
use crate::tui::views::safe;

pub(super) fn frame_block(title: String, state: &State) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.title())
        .title(title)
}

/// A popup's block: a title, focus shown (a popup always has it).
fn popup_block(title: String, state: &State) -> Block<'static> {
    pane::block(Line::raw(title), true, state)
}

/// The help, over the view and any popup.
pub fn help(frame: &mut Frame, state: &State) {
    let title = crate::tr!(
        " Hjælp – ↑/↓ PgUp/PgDn ruller, Esc lukker ",
        " Help – ↑/↓ PgUp/PgDn scroll, Esc closes "
    );
    pane::draw(frame, state, Pane::Help, popup_block(title, state), true);
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(popup) = &state.popup else {
        return;
    };
    let (w, h) = (state.width, state.height);
    let at = |kind: Boxed| layout::popup(kind, w, h);
    match popup {
        Popup::Error(_) | Popup::Info(_) => {
            let title = if matches!(popup, Popup::Error(_)) {
                crate::tr!(" Det kunne ikke lade sig gøre ", " That could not be done ")
            } else {
                crate::tr!(" Besked ", " Message ")
            };
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::Thread(_) => {
            let title = format!(" {} ", crate::tr!("Tråd", "Thread"));
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::Markers(list, _) => {
            let title = crate::tr!(
                " {} kommentarer her – ↑/↓ vælger, Enter åbner ",
                " {} comments here – ↑/↓ chooses, Enter opens ",
                list.len()
            );
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::ConfirmWithdraw(_) => {
            let title = crate::tr!(" Træk tilbage? ", " Withdraw? ");
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::Confirm(c) => {
            let title = format!(" {} ", safe(&c.title));
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::DraftOffer(_) => {
            let title = crate::tr!(
                " Kladde – Enter fortsætter på den, Esc lader den ligge ",
                " Draft – Enter continues it, Esc leaves it for later "
            );
            pane::draw(frame, state, Pane::Popup, popup_block(title, state), true);
        }
        Popup::Disposition { choice, .. } => {
            let options: Vec<String> = Disposition::ALL
                .iter()
                .enumerate()
                .map(|(n, d)| format!("{} {}", n + 1, d.label()))
                .collect();
            let question = crate::tr!(
                "Hvordan er kommentaren imødekommet?",
                "How was the comment met?"
            );
            list(
                frame,
                at(Boxed::Choice),
                state,
                crate::tr!(" Besvar ", " Resolve "),
                &question,
                &options,
                *choice,
                None,
            );
        }
        Popup::Choice(c) => {
            let title = match &c.kind {
                crate::tui::state::ChoiceKind::Horizon(_) => {
                    crate::tr!(" Tidshorisont ", " Horizon ")
                }
                crate::tui::state::ChoiceKind::Status(_) => crate::tr!(" Status ", " Status "),
            };
            let question = crate::tr!(
                "↑/↓ vælger, Enter gemmer, Esc fortryder",
                "↑/↓ chooses, Enter saves, Esc cancels"
            );
            list(
                frame,
                at(Boxed::Choice),
                state,
                title,
                &question,
                &c.options,
                c.chosen,
                Some(c.current),
            );
        }
        Popup::Form(f) => form(frame, at(Boxed::Form), state, f),
        Popup::Compose(c) => {
            let r = at(Boxed::Editor);
            frame.render_widget(Clear, r);
            let block = popup_block(
                format!(
                    " {} – {} ",
                    safe(&c.title),
                    crate::tr!(
                        "Ctrl+S gemmer, Esc lukker, F1 hjælp",
                        "Ctrl+S saves, Esc closes, F1 help"
                    )
                ),
                state,
            );
            let inner = block.inner(r);
            frame.render_widget(block, r);
            frame.render_widget(&c.editor, inner);
        }
        Popup::Sync(s) => crate::tui::popups::sync_view::render(frame, area, state, s),
        Popup::Export(form) => crate::tui::popups::export_view::render(frame, area, state, form),
        Popup::DiffPick(p) => crate::tui::changes::view::picker(frame, at(Boxed::Large), state, p),
    }
}

/// A short list with the chosen option marked ▶ and the saved one •.
#[allow(clippy::too_many_arguments)]
fn list(
    frame: &mut Frame,
    r: Rect,
    state: &State,
    title: String,
    question: &str,
    options: &[String],
    chosen: usize,
    current: Option<usize>,
) {
    frame.render_widget(Clear, r);
    let mut lines = vec![Line::raw(question.to_string()), Line::raw("")];
    for (n, o) in options.iter().enumerate() {
        let mark = if n == chosen { "▶" } else { " " };
        let now = if current == Some(n) {
            crate::tr!("  (nu)", "  (now)")
        } else {
            String::new()
        };
        let style = if n == chosen {
            state.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {o}"), style),
            Span::styled(now, state.theme.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(popup_block(title, state)), r);
}

/// A form: one line per field, the one being typed in marked.
fn form(frame: &mut Frame, r: Rect, state: &State, f: &crate::tui::state::Form) {
    frame.render_widget(Clear, r);
    let mut lines = vec![Line::raw("")];
    let label_w = f
        .fields
        .iter()
        .map(|x| unicode_width::UnicodeWidthStr::width(x.label.as_str()))
        .max()
        .unwrap_or(0);
    for (i, field) in f.fields.iter().enumerate() {
        let here = i == f.field;
        let pad = " ".repeat(
            label_w.saturating_sub(unicode_width::UnicodeWidthStr::width(field.label.as_str())),
        );
        let value = if here {
            format!("{}▏", safe(&field.value))
        } else {
            safe(&field.value)
        };
        lines.push(Line::from(vec![
            Span::raw(if here { "▶ " } else { "  " }),
            Span::styled(format!("{}{pad}  ", field.label), state.theme.title()),
            Span::styled(
                value,
                if here {
                    state.theme.selected()
                } else {
                    Style::new()
                },
            ),
            Span::styled(format!("  {}", field.hint), state.theme.dim()),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(e) = &f.error {
        lines.push(Line::styled(safe(e), state.theme.error()));
    }
    lines.push(Line::styled(
        crate::tr!(
            "↓/Tab næste felt · Enter gemmer · Esc fortryder",
            "↓/Tab next field · Enter saves · Esc cancels"
        ),
        state.theme.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(popup_block(format!(" {} ", safe(&f.title)), state))
            .wrap(Wrap { trim: false }),
        r,
    );
}
