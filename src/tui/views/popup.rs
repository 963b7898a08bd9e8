//! Popups over the view: help (from the key table), errors, threads, the
//! disposition choice and the text editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::comments::thread_lines;
use super::safe;
use crate::model::{Choice, Disposition};
use crate::tui::keymap::help_for;
use crate::tui::state::{Popup, State};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

pub(super) fn frame_block(title: String, state: &State) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.title())
        .title(title)
}

/// The thread popup's title: its own keys from the key table (editing and withdrawing) only
/// when the thread holds an open comment of the actor's, then Esc.
fn thread_title(state: &State, root: usize) -> String {
    let own = crate::tui::update::own_in_thread(state, root).is_ok();
    let mut keys: Vec<String> = crate::tui::keymap::BINDINGS
        .iter()
        .filter(|b| own && b.scope == crate::tui::keymap::Scope::Thread)
        .map(|b| format!("{} {}", b.label, b.help()))
        .collect();
    keys.push(crate::tr!("Esc lukker", "Esc closes"));
    format!(" {} – {} ", crate::tr!("Tråd", "Thread"), keys.join(", "))
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(popup) = &state.popup else {
        return;
    };
    let wide = area.width.saturating_sub(8).min(100);
    let tall = area.height.saturating_sub(4);
    match popup {
        Popup::Help => {
            let mut lines = Vec::new();
            // Without an identity most keys are refused: say why, and how
            // to start as a member (the status line has room for little).
            if state.actor.is_none()
                && let Some(problem) = &state.actor_problem
            {
                lines.push(Line::styled(
                    crate::tr!(
                        "Du læser uden identitet: {}",
                        "You are reading without an identity: {}",
                        safe(problem)
                    ),
                    state.theme.error(),
                ));
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(
                crate::tr!(
                    "Taster i fanen «{}»",
                    "Keys in the «{}» tab",
                    state.view.title()
                ),
                state.theme.title(),
            ));
            let mut global_started = false;
            for b in help_for(state.view.scope()) {
                if b.scope == crate::tui::keymap::Scope::Global && !global_started {
                    global_started = true;
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(
                        crate::tr!("Overalt", "Everywhere"),
                        state.theme.title(),
                    ));
                }
                let unavailable = match &b.action {
                    crate::tui::action::Action::MoveUp
                    | crate::tui::action::Action::MoveDown
                    | crate::tui::action::Action::CycleHorizon
                    | crate::tui::action::Action::CycleStatus
                    | crate::tui::action::Action::EditText
                    | crate::tui::action::Action::EditGoal
                    | crate::tui::action::Action::EditRealizability => {
                        state.may(crate::ops::Action::EditContent).err()
                    }
                    crate::tui::action::Action::Resolve => {
                        state.may(crate::ops::Action::Resolve).err()
                    }
                    crate::tui::action::Action::ConfirmAnchor
                    | crate::tui::action::Action::AttachAnchor => {
                        state.may(crate::ops::Action::Reanchor).err()
                    }
                    crate::tui::action::Action::CommentQuote
                    | crate::tui::action::Action::CommentParagraph
                    | crate::tui::action::Action::CommentWhole
                    | crate::tui::action::Action::EditComment
                    | crate::tui::action::Action::WithdrawComment
                    | crate::tui::action::Action::Reply => {
                        state.may(crate::ops::Action::Comment).err()
                    }
                    _ => None,
                };
                let mut spans = vec![
                    Span::styled(format!(" {:<16}", b.label), state.theme.marker()),
                    Span::raw(b.help().to_string()),
                ];
                if unavailable.is_some() {
                    spans.push(Span::styled(
                        crate::tr!("  (ikke for din rolle)", "  (not for your role)"),
                        state.theme.dim(),
                    ));
                }
                lines.push(Line::from(spans));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                crate::tr!(
                    "I tekstfelter: Ctrl+S gemmer, Esc lukker (teksten gemmes som kladde), Ctrl+E åbner $EDITOR. Mus: rul og klik.",
                    "In text fields: Ctrl+S saves, Esc closes (the text is kept as a draft), Ctrl+E opens $EDITOR. Mouse: scroll and click."
                ),
                state.theme.dim(),
            ));
            let r = centered(area, wide, tall);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(
                        crate::tr!(" Hjælp – Esc lukker ", " Help – Esc closes "),
                        state,
                    ))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
        Popup::Error(text) | Popup::Info(text) => {
            let is_error = matches!(popup, Popup::Error(_));
            let title = if is_error {
                crate::tr!(" Det kunne ikke lade sig gøre ", " That could not be done ")
            } else {
                crate::tr!(" Besked ", " Message ")
            };
            let r = centered(area, wide.min(70), 9);
            frame.render_widget(Clear, r);
            let lines = vec![
                Line::styled(
                    safe(text),
                    if is_error {
                        state.theme.error()
                    } else {
                        state.theme.title()
                    },
                ),
                Line::raw(""),
                Line::styled(
                    crate::tr!("Enter eller Esc lukker.", "Enter or Esc closes."),
                    state.theme.dim(),
                ),
            ];
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(title, state))
                    .wrap(Wrap { trim: true }),
                r,
            );
        }
        Popup::Thread(i) => {
            let r = centered(area, wide, tall);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(thread_lines(state, *i))
                    .block(frame_block(thread_title(state, *i), state))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
        Popup::Markers(list, chosen) => {
            let r = centered(area, wide, tall);
            frame.render_widget(Clear, r);
            // The chosen thread first, so it is always in view; the ones
            // before it are counted above.
            let mut lines = Vec::new();
            if *chosen > 0 {
                lines.push(Line::styled(
                    crate::tr!("↑ {} mere ovenfor", "↑ {} more above", chosen),
                    state.theme.dim(),
                ));
            }
            for (n, i) in list.iter().enumerate().skip(*chosen) {
                if n > *chosen {
                    lines.push(Line::raw(""));
                }
                let (mark, style) = if n == *chosen {
                    ("▶", state.theme.selected())
                } else {
                    (" ", state.theme.dim())
                };
                lines.push(Line::styled(
                    format!("{mark} {}/{}", n + 1, list.len()),
                    style,
                ));
                lines.extend(thread_lines(state, *i));
            }
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(
                        crate::tr!(
                            " {} kommentarer her – ↑/↓ vælger, Enter åbner, Esc lukker ",
                            " {} comments here – ↑/↓ chooses, Enter opens, Esc closes ",
                            list.len()
                        ),
                        state,
                    ))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
        Popup::Disposition { choice, .. } => {
            let r = centered(area, 56, 10);
            frame.render_widget(Clear, r);
            let mut lines = vec![Line::raw(crate::tr!(
                "Hvordan er kommentaren imødekommet?",
                "How was the comment met?"
            ))];
            for (n, d) in Disposition::ALL.iter().enumerate() {
                let mark = if n == *choice { "▶" } else { " " };
                let style = if n == *choice {
                    state.theme.selected()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(
                    format!("{mark} {} {}", n + 1, d.label()),
                    style,
                ));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                crate::tr!(
                    "↑/↓ eller 1–4, Enter vælger, Esc fortryder",
                    "↑/↓ or 1–4, Enter chooses, Esc cancels"
                ),
                state.theme.dim(),
            ));
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(crate::tr!(" Besvar ", " Resolve "), state)),
                r,
            );
        }
        Popup::Compose(c) => {
            let r = centered(area, wide, tall.min(18));
            frame.render_widget(Clear, r);
            let block = frame_block(
                format!(
                    " {} – {} ",
                    safe(&c.title),
                    crate::tr!("Ctrl+S gemmer, Esc lukker", "Ctrl+S saves, Esc closes")
                ),
                state,
            );
            let inner = block.inner(r);
            frame.render_widget(block, r);
            frame.render_widget(&c.editor, inner);
        }
        Popup::ConfirmWithdraw(id) => {
            let r = centered(area, wide.min(64), 9);
            frame.render_widget(Clear, r);
            let lines = vec![
                Line::raw(crate::tr!(
                    "Vil du trække kommentaren {} tilbage?",
                    "Withdraw the comment {}?",
                    &id[..id.len().min(10)]
                )),
                Line::styled(
                    crate::tr!(
                        "Den bliver stående i tråden og historikken, markeret som trukket tilbage, og skal ikke besvares.",
                        "It stays in the thread and the history, marked as withdrawn, and needs no answer."
                    ),
                    state.theme.dim(),
                ),
                Line::raw(""),
                Line::styled(
                    crate::tr!(
                        "j/Enter trækker tilbage, n/Esc fortryder",
                        "y/Enter withdraws, n/Esc cancels"
                    ),
                    state.theme.title(),
                ),
            ];
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(
                        crate::tr!(" Træk tilbage ", " Withdraw "),
                        state,
                    ))
                    .wrap(Wrap { trim: true }),
                r,
            );
        }
        Popup::Sync(s) => super::sync::render(frame, area, state, s),
        Popup::Export(form) => super::export::render(frame, area, state, form),
        Popup::DiffPick(p) => {
            let r = centered(area, wide, tall);
            super::diff::picker(frame, r, state, p);
        }
        Popup::DraftOffer(d) => {
            let r = centered(area, wide.min(70), 12);
            frame.render_widget(Clear, r);
            let lines = vec![
                Line::styled(
                    crate::tr!(
                        "Du har en kladde fra sidst:",
                        "You have a draft from last time:"
                    ),
                    state.theme.title(),
                ),
                Line::raw(""),
                Line::raw(crate::text::truncate(&safe(&d.text), 200).into_owned()),
                Line::raw(""),
                Line::styled(
                    crate::tr!(
                        "Enter fortsætter på den, Esc lader den ligge.",
                        "Enter continues it, Esc leaves it for later."
                    ),
                    state.theme.dim(),
                ),
            ];
            frame.render_widget(
                Paragraph::new(lines)
                    .block(frame_block(crate::tr!(" Kladde ", " Draft "), state))
                    .wrap(Wrap { trim: true }),
                r,
            );
        }
    }
}
