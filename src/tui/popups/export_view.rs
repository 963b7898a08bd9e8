//! The export popup: four fields, the one with the cursor marked by `▶`
//! and reversed text, and the keys to use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::export::Kind;
use crate::i18n::lang;
use crate::tr;
use crate::tui::layout::centered;
use crate::tui::popups::export::{ExportForm, PATH_FIELD};
use crate::tui::popups::view::frame_block;
use crate::tui::state::State;
use crate::tui::views::safe;

pub fn render(frame: &mut Frame, area: Rect, state: &State, form: &ExportForm) {
    let width = area.width.saturating_sub(8).min(90);
    let r = centered(area, width, 12);
    frame.render_widget(Clear, r);
    let since_label = match form.kind() {
        Kind::Notat => tr!("Kun nye efter", "Only new after"),
        Kind::Oplaeg => tr!("Markér ændringer", "Mark changes"),
    };
    let since_value = match (form.since(), form.kind()) {
        (None, Kind::Notat) => tr!("alle kommentarer", "all comments"),
        (None, Kind::Oplaeg) => tr!("ingen", "none"),
        (Some(m), Kind::Notat) => tr!("udkastet til møde {}", "the draft for meeting {}", m.number),
        (Some(m), Kind::Oplaeg) => tr!(
            "siden udkastet til møde {}",
            "since the draft for meeting {}",
            m.number
        ),
    };
    let fields = [
        (tr!("Dokument", "Document"), form.kind().label(lang())),
        (tr!("Format", "Format"), form.format().label().to_string()),
        (since_label, since_value),
        (tr!("Gem som", "Save as"), safe(&form.path)),
    ];
    let mut lines = vec![Line::raw("")];
    for (i, (label, value)) in fields.iter().enumerate() {
        let here = i == form.field;
        let mark = if here { "▶ " } else { "  " };
        let style = if here {
            state.theme.selected()
        } else {
            Style::new()
        };
        let value = if i == PATH_FIELD {
            if here {
                format!("{value}▏")
            } else {
                value.clone()
            }
        } else {
            format!("◀ {value} ▶")
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{mark}{label:<18}")),
            Span::styled(value, style),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(p) = &form.problem {
        let style = if form.confirm_overwrite {
            state.theme.title()
        } else {
            state.theme.error()
        };
        lines.push(Line::styled(safe(p), style));
    } else {
        lines.push(Line::styled(
            tr!(
                "Filen skrives først, når du trykker Enter.",
                "Nothing is written until you press Enter."
            ),
            state.theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!(
            "↑/↓ felt · ←/→ vælg · Enter eksporterer · Esc fortryder",
            "↑/↓ field · ←/→ choose · Enter exports · Esc cancels"
        ),
        state.theme.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(frame_block(tr!(" Eksportér ", " Export "), state))
            .wrap(Wrap { trim: false }),
        r,
    );
}
