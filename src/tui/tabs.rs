//! The tab list: one line per tab, naming what the tab is made of. Adding a
//! tab is a folder with its state, `update` and `view`, a [`View`] variant,
//! a line here (which also says how its panes divide the screen) and its
//! keys in the key table (a [`Scope`] and its bindings).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::Scope;
use super::layout::{self, Split};
use super::state::{State, View};

/// What a tab is made of.
pub struct Tab {
    pub view: View,
    /// The title, in Danish and English.
    pub da: &'static str,
    pub en: &'static str,
    /// The short title an unselected tab shows when the full titles do not
    /// fit (at 80 columns), in Danish and English.
    pub da_short: &'static str,
    pub en_short: &'static str,
    /// Where its keys are in the key table.
    pub scope: Scope,
    /// How its panes divide the screen's body ([`super::layout::panes`]).
    pub split: Split,
    /// Handles the actions the view gets; may return a follow-up.
    pub update: fn(&mut State, Action) -> Option<Action>,
    /// Draws the view in the screen's body.
    pub render: fn(&mut Frame, Rect, &State),
    /// Whether the pane on the right (text, details) has focus.
    pub right_focused: fn(&State) -> bool,
    /// What Enter does after `/` and a text (nothing when it cannot search).
    pub find: fn(&mut State, &str),
}

/// Every tab, in order (the number keys 1–8 follow it).
pub static TABS: &[Tab] = &[
    Tab {
        view: View::Reader,
        da: "Oplæg",
        en: "Draft",
        da_short: "Oplæg",
        en_short: "Draft",
        scope: Scope::Reader,
        split: Split::LeftColumns(layout::CHAPTER_LIST_WIDTH),
        update: |s, a| {
            super::reader::update::reader(s, a);
            None
        },
        render: |f, _, s| super::reader::view::render(f, s),
        right_focused: |s| s.reader.text_focus,
        find: super::reader::update::find,
    },
    Tab {
        view: View::Recs,
        da: "Anbefalinger",
        en: "Recommendations",
        da_short: "Anbef.",
        en_short: "Recs",
        scope: Scope::Recs,
        split: Split::LeftPercent(55),
        update: super::recommendations::update::update,
        render: |f, _, s| super::recommendations::view::render(f, s),
        right_focused: |s| s.recs.detail_focus,
        find: super::recommendations::update::find,
    },
    Tab {
        view: View::Comments,
        da: "Kommentarer",
        en: "Comments",
        da_short: "Komm.",
        en_short: "Comm.",
        scope: Scope::Comments,
        split: Split::LeftPercent(50),
        update: super::comments::update::update,
        render: |f, _, s| super::comments::view::render(f, s),
        right_focused: |s| s.comments_view.thread_focus,
        // The list is filtered while the search is typed.
        find: |_, _| {},
    },
    Tab {
        view: View::Timeline,
        da: "Tidslinje",
        en: "Timeline",
        da_short: "Tidsl.",
        en_short: "Timeline",
        scope: Scope::Timeline,
        split: Split::TopPercent(60),
        update: |s, a| {
            super::timeline::update::update(s, a);
            None
        },
        render: |f, _, s| super::timeline::view::render(f, s),
        right_focused: |s| s.timeline.calendar_focus,
        find: |_, _| {},
    },
    Tab {
        view: View::History,
        da: "Historik",
        en: "History",
        da_short: "Hist.",
        en_short: "Hist.",
        scope: Scope::History,
        split: Split::Own(layout::history_split),
        update: |s, a| {
            super::history::update::update(s, a);
            None
        },
        render: |f, _, s| super::history::view::render(f, s),
        right_focused: |s| s.history.detail_focus,
        find: super::history::update::find,
    },
    Tab {
        view: View::Diff,
        da: "Ændringer",
        en: "Changes",
        da_short: "Ændr.",
        en_short: "Diff",
        scope: Scope::Diff,
        split: Split::Own(layout::diff_split),
        update: |s, a| {
            super::changes::update::diff(s, a);
            None
        },
        render: super::changes::view::render,
        right_focused: |s| s.diff.text_focus,
        find: super::changes::update::find,
    },
    Tab {
        view: View::Mine,
        da: "Mit overblik",
        en: "My overview",
        da_short: "Overblik",
        en_short: "Overview",
        scope: Scope::Mine,
        split: Split::Whole,
        update: super::mine::update::update,
        render: |f, _, s| super::mine::view::render(f, s),
        right_focused: |_| false,
        find: super::mine::update::find,
    },
    Tab {
        view: View::Ranking,
        da: "Prioritering",
        en: "Ranking",
        da_short: "Prio.",
        en_short: "Rank",
        scope: Scope::Ranking,
        // The member's list beside the detail pane (the results use the body).
        split: Split::LeftPercent(55),
        update: super::ranking::update::update,
        render: |f, _, s| super::ranking::view::render(f, s),
        right_focused: |s| s.ranking.detail_focus,
        find: super::ranking::update::find,
    },
];

/// The tab of a view.
pub fn tab(view: View) -> &'static Tab {
    TABS.iter().find(|t| t.view == view).unwrap_or(&TABS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_has_one_tab() {
        for (i, t) in TABS.iter().enumerate() {
            assert_eq!(t.view.index(), i);
            assert_eq!(TABS.iter().filter(|x| x.view == t.view).count(), 1);
            assert_eq!(t.view.scope(), t.scope);
        }
    }
}
