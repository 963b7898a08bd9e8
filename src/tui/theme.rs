//! Colours and modifiers. Colours are chosen to read on light and dark
//! backgrounds; with `NO_COLOR` set, only modifiers remain, and the
//! selection is always marked by a modifier and a symbol, never colour alone.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Horizon;

/// The styles used by the views.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to something.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn marker(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn quote(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::ITALIC)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    /// Words a comment sits on: coloured (another colour when the quote
    /// was edited); without colour the margin's ●/◐ marks the paragraph,
    /// as underline and reverse already mark the cursor and selection.
    pub fn anchored(&self, fuzzy: bool) -> Style {
        self.fg(if fuzzy { Color::Magenta } else { Color::Yellow })
    }
    pub fn cursor(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
    /// Words only in the newer version: green and underlined.
    pub fn inserted(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::UNDERLINED)
    }
    /// Words only in the older version: red and struck through.
    pub fn deleted(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::CROSSED_OUT)
    }
    pub fn horizon(&self, h: Horizon) -> Style {
        let c = match h {
            Horizon::Short => Color::Green,
            Horizon::Medium => Color::Blue,
            Horizon::Long => Color::Magenta,
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
}
