//! The key table: every binding, where it applies, and its help text. Input
//! handling, the footer and the help popup are all generated from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::i18n::{Lang, lang};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Reader,
    Recs,
    Comments,
    Timeline,
    History,
    /// The thread popup, over any view.
    Thread,
    Diff,
}

/// One key binding.
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help texts.
    pub label: &'static str,
    pub action: Action,
    pub da: &'static str,
    pub en: &'static str,
    /// Shown in the footer.
    pub footer: bool,
}

impl Binding {
    /// The help text in the current language.
    pub fn help(&self) -> &'static str {
        match lang() {
            Lang::Da => self.da,
            Lang::En => self.en,
        }
    }
}

const N: KeyModifiers = KeyModifiers::NONE;
const S: KeyModifiers = KeyModifiers::SHIFT;
const C: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! b {
    ($scope:ident, [$($k:expr),+], $label:literal, $action:expr, $da:literal, $en:literal, $footer:literal) => {
        Binding {
            scope: Scope::$scope,
            keys: &[$($k),+],
            label: $label,
            action: $action,
            da: $da,
            en: $en,
            footer: $footer,
        }
    };
}

use KeyCode::{Char, Down, End, Enter, Esc, F, Home, PageDown, PageUp, Tab, Up};

/// Every binding. The first match for the current view wins; view bindings
/// are listed before global ones.
pub static BINDINGS: &[Binding] = &[
    // The reader (Oplæg).
    b!(
        Reader,
        [(Char('v'), N)],
        "v",
        Action::Select,
        "start/stop markering af sætninger",
        "start/stop selecting sentences",
        true
    ),
    b!(
        Reader,
        [(Char('c'), N)],
        "c",
        Action::CommentQuote,
        "kommentér markeret tekst (eller sætningen)",
        "comment on the selection (or the sentence)",
        true
    ),
    b!(
        Reader,
        [(Char('p'), N)],
        "p",
        Action::CommentParagraph,
        "kommentér hele afsnittet",
        "comment on the whole paragraph",
        false
    ),
    b!(
        Reader,
        [(Char('C'), S), (Char('C'), N)],
        "C",
        Action::CommentWhole,
        "kommentér kapitlet som helhed",
        "comment on the chapter as a whole",
        false
    ),
    b!(
        Reader,
        [(Char('n'), N)],
        "n/N",
        Action::NextMarker,
        "næste kommentar i teksten",
        "next comment in the text",
        false
    ),
    b!(
        Reader,
        [(Char('N'), S), (Char('N'), N)],
        "N",
        Action::PrevMarker,
        "forrige kommentar i teksten",
        "previous comment in the text",
        false
    ),
    b!(
        Reader,
        [(Char('b'), N)],
        "b",
        Action::ConfirmAnchor,
        "bekræft hvor et ændret citat er fundet (◐, skribent)",
        "confirm where an edited quote was found (◐, writer)",
        false
    ),
    b!(
        Reader,
        [(Char('A'), S), (Char('A'), N)],
        "A",
        Action::AttachAnchor,
        "knyt kommentaren til ny tekst, du vælger (skribent)",
        "attach the comment to new words you choose (writer)",
        false
    ),
    // Recommendations.
    b!(
        Recs,
        [(Char('K'), S), (Char('K'), N), (Up, S)],
        "K/⇧↑",
        Action::MoveUp,
        "flyt anbefalingen op (skribent)",
        "move the recommendation up (writer)",
        true
    ),
    b!(
        Recs,
        [(Char('J'), S), (Char('J'), N), (Down, S)],
        "J/⇧↓",
        Action::MoveDown,
        "flyt anbefalingen ned (skribent)",
        "move the recommendation down (writer)",
        true
    ),
    b!(
        Recs,
        [(Char('t'), N)],
        "t",
        Action::CycleHorizon,
        "skift tidshorisont (skribent)",
        "change horizon (writer)",
        true
    ),
    b!(
        Recs,
        [(Char('s'), N)],
        "s",
        Action::CycleStatus,
        "skift status (skribent)",
        "change status (writer)",
        false
    ),
    b!(
        Recs,
        [(Char('e'), N)],
        "e",
        Action::EditText,
        "ret teksten (skribent)",
        "edit the text (writer)",
        false
    ),
    b!(
        Recs,
        [(Char('m'), N)],
        "m",
        Action::EditGoal,
        "ret målet (skribent)",
        "edit the goal (writer)",
        false
    ),
    b!(
        Recs,
        [(Char('R'), S), (Char('R'), N)],
        "R",
        Action::EditRealizability,
        "ret realiserbarheden (skribent)",
        "edit realizability (writer)",
        false
    ),
    b!(
        Recs,
        [(Char('c'), N)],
        "c",
        Action::CommentWhole,
        "kommentér anbefalingen",
        "comment on the recommendation",
        true
    ),
    b!(
        Recs,
        [(Char('g'), N)],
        "g",
        Action::Jump,
        "gå til det første relaterede kapitel",
        "go to the first related chapter",
        false
    ),
    // Comments.
    b!(
        Comments,
        [(Char('r'), N)],
        "r",
        Action::Reply,
        "svar på kommentaren",
        "reply to the comment",
        true
    ),
    b!(
        Comments,
        [(Char('a'), N)],
        "a",
        Action::Resolve,
        "besvar med afgørelse (skribent)",
        "resolve with a disposition (writer)",
        true
    ),
    b!(
        Comments,
        [(Char('e'), N)],
        "e",
        Action::EditComment,
        "ret din egen åbne kommentar i tråden",
        "edit your own open comment in the thread",
        false
    ),
    b!(
        Comments,
        [(Char('w'), N)],
        "w",
        Action::WithdrawComment,
        "træk din egen åbne kommentar tilbage",
        "withdraw your own open comment",
        false
    ),
    b!(
        Thread,
        [(Char('e'), N)],
        "e",
        Action::EditComment,
        "ret din kommentar",
        "edit your comment",
        true
    ),
    b!(
        Thread,
        [(Char('w'), N)],
        "w",
        Action::WithdrawComment,
        "træk din kommentar tilbage",
        "withdraw your comment",
        true
    ),
    b!(
        Comments,
        [(Char('f'), N)],
        "f",
        Action::FilterStatus,
        "filtrér på status",
        "filter by status",
        true
    ),
    b!(
        Comments,
        [(Char('o'), N)],
        "o",
        Action::FilterOrganisation,
        "filtrér på organisation",
        "filter by organisation",
        false
    ),
    b!(
        Comments,
        [(Char('p'), N)],
        "p",
        Action::FilterPlace,
        "filtrér på kapitel eller anbefaling",
        "filter by chapter or recommendation",
        false
    ),
    b!(
        Comments,
        [(Char('g'), N)],
        "g",
        Action::Jump,
        "gå til stedet i teksten",
        "go to the place in the text",
        true
    ),
    b!(
        Comments,
        [(Char('b'), N)],
        "b",
        Action::ConfirmAnchor,
        "bekræft hvor et ændret citat er fundet (skribent)",
        "confirm where an edited quote was found (writer)",
        false
    ),
    b!(
        Comments,
        [(Char('A'), S), (Char('A'), N)],
        "A",
        Action::AttachAnchor,
        "knyt kommentaren til ny tekst i kapitlet (skribent)",
        "attach the comment to new words in the chapter (writer)",
        false
    ),
    // Ændringer (the diff between two versions).
    b!(
        Diff,
        [(Char('f'), N)],
        "f",
        Action::ChooseFrom,
        "vælg den version, der sammenlignes fra (møde, ændring)",
        "choose the version to compare from (meeting, change)",
        true
    ),
    b!(
        Diff,
        [(Char('t'), N)],
        "t",
        Action::ChooseTo,
        "vælg den version, der sammenlignes med",
        "choose the version to compare with",
        true
    ),
    b!(
        Diff,
        [(Char('n'), N)],
        "n/N",
        Action::NextChange,
        "næste ændring",
        "next change",
        true
    ),
    b!(
        Diff,
        [(Char('N'), S), (Char('N'), N)],
        "N",
        Action::PrevChange,
        "forrige ændring",
        "previous change",
        false
    ),
    b!(
        Diff,
        [(Char('m'), N)],
        "m/M",
        Action::NextMarker,
        "næste kommentar i teksten (Enter viser tråden)",
        "next comment in the text (Enter shows the thread)",
        false
    ),
    b!(
        Diff,
        [(Char('M'), S), (Char('M'), N)],
        "M",
        Action::PrevMarker,
        "forrige kommentar i teksten",
        "previous comment in the text",
        false
    ),
    b!(
        Diff,
        [(Char('s'), N)],
        "s",
        Action::SideBySide,
        "skift mellem samlet tekst og side om side",
        "switch between inline and side by side",
        false
    ),
    // Everywhere.
    b!(
        Global,
        [(Char('q'), N), (Char('c'), C)],
        "q",
        Action::Quit,
        "afslut",
        "quit",
        true
    ),
    b!(
        Global,
        [(Char('?'), N), (Char('?'), S), (F(1), N)],
        "?",
        Action::Help,
        "hjælp til visningen",
        "help for this view",
        true
    ),
    b!(
        Global,
        [(Esc, N)],
        "Esc",
        Action::Back,
        "tilbage / luk",
        "back / close",
        false
    ),
    b!(
        Global,
        [(Tab, N)],
        "Tab",
        Action::NextTab,
        "næste fane",
        "next tab",
        false
    ),
    b!(
        Global,
        [(KeyCode::BackTab, S), (KeyCode::BackTab, N)],
        "⇧Tab",
        Action::PrevTab,
        "forrige fane",
        "previous tab",
        false
    ),
    b!(
        Global,
        [(Char('1'), N)],
        "1",
        Action::Tab(0),
        "Oplæg",
        "Oplæg (the draft)",
        false
    ),
    b!(
        Global,
        [(Char('2'), N)],
        "2",
        Action::Tab(1),
        "Anbefalinger",
        "Recommendations",
        false
    ),
    b!(
        Global,
        [(Char('3'), N)],
        "3",
        Action::Tab(2),
        "Kommentarer",
        "Comments",
        false
    ),
    b!(
        Global,
        [(Char('4'), N)],
        "4",
        Action::Tab(3),
        "Tidslinje",
        "Timeline",
        false
    ),
    b!(
        Global,
        [(Char('5'), N)],
        "5",
        Action::Tab(4),
        "Historik",
        "History",
        false
    ),
    b!(
        Global,
        [(Char('6'), N)],
        "6",
        Action::Tab(5),
        "Ændringer",
        "Changes",
        false
    ),
    b!(
        Global,
        [(Up, N), (Char('k'), N)],
        "↑/k",
        Action::Up,
        "op",
        "up",
        false
    ),
    b!(
        Global,
        [(Down, N), (Char('j'), N)],
        "↓/j",
        Action::Down,
        "ned",
        "down",
        false
    ),
    b!(
        Global,
        [(PageUp, N), (Char('b'), C)],
        "PgUp",
        Action::PageUp,
        "en side op",
        "page up",
        false
    ),
    b!(
        Global,
        [(PageDown, N), (Char('f'), C), (Char(' '), N)],
        "PgDn/Mellemrum",
        Action::PageDown,
        "en side ned",
        "page down",
        false
    ),
    b!(
        Global,
        [(Home, N)],
        "Home",
        Action::Top,
        "til toppen",
        "to the top",
        false
    ),
    b!(
        Global,
        [(End, N), (Char('G'), S)],
        "End/G",
        Action::Bottom,
        "til bunden",
        "to the bottom",
        false
    ),
    b!(
        Global,
        [
            (KeyCode::Left, N),
            (KeyCode::Right, N),
            (Char('h'), N),
            (Char('l'), N)
        ],
        "←/→/h/l",
        Action::Focus,
        "skift mellem liste og tekst",
        "switch between list and text",
        false
    ),
    b!(
        Global,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "åbn / vis tråd",
        "open / show thread",
        true
    ),
    b!(
        Global,
        [(Char('/'), N)],
        "/",
        Action::Search,
        "søg",
        "search",
        true
    ),
    b!(
        Global,
        [(Char('S'), S), (Char('S'), N)],
        "S",
        Action::Sync,
        "synkronisér med serveren: hent de andres arbejde og send dit",
        "sync with the server: get the others' work and send yours",
        false
    ),
    b!(
        Global,
        [(Char('E'), S), (Char('E'), N)],
        "E",
        Action::Export,
        "eksportér høringsnotat eller oplæg (Word, HTML, Markdown)",
        "export the consultation summary or the proposal (Word, HTML, Markdown)",
        false
    ),
    b!(
        Global,
        [(F(5), N), (Char('l'), C)],
        "F5",
        Action::Reload,
        "indlæs igen fra git",
        "reload from git",
        false
    ),
];

/// The action for a key in a view, if any.
pub fn lookup(scope: Scope, key: &KeyEvent) -> Option<Action> {
    let mods = key.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
    let matches = |b: &&Binding| {
        b.keys
            .iter()
            .any(|&(code, m)| code == key.code && m == mods)
    };
    BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .find(matches)
        .or_else(|| {
            BINDINGS
                .iter()
                .filter(|b| b.scope == Scope::Global)
                .find(matches)
        })
        .map(|b| b.action.clone())
}

/// Bindings for the help popup: the view's own, then the global ones.
pub fn help_for(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.scope == scope)
        .chain(BINDINGS.iter().filter(|b| b.scope == Scope::Global))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn view_keys_win_over_global_ones() {
        assert_eq!(
            lookup(Scope::Reader, &key(Char('c'), N)),
            Some(Action::CommentQuote)
        );
        assert_eq!(
            lookup(Scope::Recs, &key(Char('c'), N)),
            Some(Action::CommentWhole)
        );
        assert_eq!(
            lookup(Scope::History, &key(Char('c'), C)),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(Scope::Timeline, &key(Char('j'), N)),
            Some(Action::Down)
        );
        assert_eq!(
            lookup(Scope::Recs, &key(Char('K'), S)),
            Some(Action::MoveUp)
        );
        assert_eq!(lookup(Scope::Timeline, &key(Char('z'), N)), None);
        assert_eq!(
            lookup(Scope::Comments, &key(Char('p'), N)),
            Some(Action::FilterPlace)
        );
        assert_eq!(
            lookup(Scope::Reader, &key(Char('p'), N)),
            Some(Action::CommentParagraph)
        );
        assert_eq!(
            lookup(Scope::Diff, &key(Char('n'), N)),
            Some(Action::NextChange)
        );
        assert_eq!(
            lookup(Scope::Reader, &key(Char('n'), N)),
            Some(Action::NextMarker)
        );
        assert_eq!(
            lookup(Scope::Diff, &key(Char('6'), N)),
            Some(Action::Tab(5))
        );
    }

    /// Every action a view handles has a key, so the help screen lists it.
    #[test]
    fn every_view_action_has_a_key() {
        let bound: Vec<&Action> = BINDINGS.iter().map(|b| &b.action).collect();
        for a in [
            Action::Select,
            Action::CommentQuote,
            Action::CommentParagraph,
            Action::CommentWhole,
            Action::NextMarker,
            Action::PrevMarker,
            Action::Reply,
            Action::Resolve,
            Action::EditComment,
            Action::WithdrawComment,
            Action::ConfirmAnchor,
            Action::AttachAnchor,
            Action::MoveUp,
            Action::MoveDown,
            Action::CycleHorizon,
            Action::CycleStatus,
            Action::EditText,
            Action::EditGoal,
            Action::EditRealizability,
            Action::Jump,
            Action::FilterStatus,
            Action::FilterOrganisation,
            Action::FilterPlace,
            Action::Reload,
            Action::Sync,
            Action::Export,
            Action::ChooseFrom,
            Action::ChooseTo,
            Action::NextChange,
            Action::PrevChange,
            Action::SideBySide,
            Action::Search,
            Action::Help,
            Action::Quit,
        ] {
            assert!(bound.contains(&&a), "{a:?} has no key");
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        let scopes = [
            Scope::Global,
            Scope::Reader,
            Scope::Recs,
            Scope::Comments,
            Scope::Timeline,
            Scope::History,
            Scope::Thread,
            Scope::Diff,
        ];
        for scope in scopes {
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS.iter().filter(|b| b.scope == scope) {
                for k in b.keys {
                    assert!(seen.insert(*k), "{k:?} twice in {scope:?}");
                }
            }
        }
    }
}
