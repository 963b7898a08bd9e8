//! In a thread: where the comment's quote stands in the version shown, its
//! earlier quotes, and what a writer can do about it.

use ratatui::text::Line;

use super::safe;
use crate::anchor::Fate;
use crate::model::{Anchor, AnchorChangeKind};
use crate::tui::state::State;

/// Lines under a thread's quote (none when the quote is unchanged, or the
/// comment is not on the chapter in the reader).
pub fn placement_lines(state: &State, i: usize, anchor: &Anchor) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(p) = state.anchors.placements.get(&i) {
        match (&p.fate, &p.text) {
            (Fate::Exact, _) => {}
            (Fate::Fuzzy { .. } | Fate::Moved, Some(text)) => {
                let symbol = if p.fate.key() == "fuzzy" {
                    "◐"
                } else {
                    "●"
                };
                lines.push(Line::styled(
                    format!(
                        "{symbol} {} {}: «{}»",
                        crate::tr!("Nu:", "Now:"),
                        p.fate.describe(),
                        safe(text)
                    ),
                    state.theme.marker(),
                ));
            }
            (fate, _) => lines.push(Line::styled(
                format!("○ {}", safe(&fate.describe())),
                state.theme.marker(),
            )),
        }
        let writer = state.may(crate::ops::Action::Reanchor).is_ok();
        if writer && p.fate != Fate::Exact {
            let hint = if p.span.is_some() {
                crate::tr!(
                    "b bekræfter placeringen · A knytter kommentaren til anden tekst",
                    "b confirms the placement · A attaches the comment to other words"
                )
            } else {
                crate::tr!(
                    "A knytter kommentaren til ny tekst i kapitlet",
                    "A attaches the comment to new words in the chapter"
                )
            };
            lines.push(Line::styled(hint, state.theme.dim()));
        }
    }
    for h in &anchor.history {
        let what = match h.change {
            AnchorChangeKind::Confirmed => crate::tr!("bekræftet", "confirmed"),
            AnchorChangeKind::Reattached => crate::tr!("flyttet", "moved"),
        };
        lines.push(Line::styled(
            format!(
                "{} «{}» ({what} {} {})",
                crate::tr!("Tidligere citat:", "Earlier quote:"),
                safe(&h.quote),
                safe(&h.by),
                h.at.format("%Y-%m-%d")
            ),
            state.theme.dim(),
        ));
    }
    lines
}
