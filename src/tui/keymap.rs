//! The key table: every binding, where it applies, and its help text. Input
//! handling, the footer and the help popup are all generated from it — for
//! the views and for every popup alike.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::i18n::{Lang, lang};
use crate::ops::Action as Permission;

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Reader,
    Recs,
    Comments,
    Timeline,
    History,
    Diff,
    /// Mit overblik.
    Mine,
    /// Prioritering.
    Ranking,
    /// Every popup that shows text or a list: scrolling, help and closing.
    Popup,
    /// The help popup.
    Help,
    /// A comment's thread.
    Thread,
    /// Several threads in one place.
    Markers,
    /// Choosing a disposition.
    Disposition,
    /// A question answered yes or no.
    Confirm,
    /// A message, an error or a report.
    Message,
    /// A short list to choose one value from (horizon, status).
    Choice,
    /// The text editor.
    Compose,
    /// A form with fields (export, a rank number, a meeting).
    Form,
    /// Choosing the versions the Ændringer view compares.
    Picker,
}

impl Scope {
    /// Every scope, for the checks below.
    pub const ALL: [Scope; 20] = [
        Scope::Global,
        Scope::Reader,
        Scope::Recs,
        Scope::Comments,
        Scope::Timeline,
        Scope::History,
        Scope::Diff,
        Scope::Mine,
        Scope::Ranking,
        Scope::Popup,
        Scope::Help,
        Scope::Thread,
        Scope::Markers,
        Scope::Disposition,
        Scope::Confirm,
        Scope::Message,
        Scope::Choice,
        Scope::Compose,
        Scope::Form,
        Scope::Picker,
    ];

    /// The scopes a key is looked up in, in order: a view's own keys, then
    /// the global ones; a popup's own keys, then the common popup keys. The
    /// editor and forms take typed characters, so nothing falls through.
    pub fn chain(self) -> &'static [Scope] {
        match self {
            Scope::Global => &[Scope::Global],
            Scope::Reader => &[Scope::Reader, Scope::Global],
            Scope::Recs => &[Scope::Recs, Scope::Global],
            Scope::Comments => &[Scope::Comments, Scope::Global],
            Scope::Timeline => &[Scope::Timeline, Scope::Global],
            Scope::History => &[Scope::History, Scope::Global],
            Scope::Diff => &[Scope::Diff, Scope::Global],
            Scope::Mine => &[Scope::Mine, Scope::Global],
            Scope::Ranking => &[Scope::Ranking, Scope::Global],
            Scope::Popup => &[Scope::Popup],
            Scope::Help => &[Scope::Help, Scope::Popup],
            Scope::Thread => &[Scope::Thread, Scope::Popup],
            Scope::Markers => &[Scope::Markers, Scope::Popup],
            Scope::Disposition => &[Scope::Disposition, Scope::Popup],
            Scope::Confirm => &[Scope::Confirm],
            Scope::Message => &[Scope::Message, Scope::Popup],
            Scope::Choice => &[Scope::Choice, Scope::Popup],
            Scope::Compose => &[Scope::Compose],
            Scope::Form => &[Scope::Form],
            Scope::Picker => &[Scope::Picker, Scope::Popup],
        }
    }

    /// The heading of the scope's part of the help.
    pub fn title(self) -> String {
        use crate::tr;
        match self {
            Scope::Global => tr!("Overalt", "Everywhere"),
            Scope::Reader => tr!("Oplæg", "Draft"),
            Scope::Recs => tr!("Anbefalinger", "Recommendations"),
            Scope::Comments => tr!("Kommentarer", "Comments"),
            Scope::Timeline => tr!("Tidslinje", "Timeline"),
            Scope::History => tr!("Historik", "History"),
            Scope::Diff => tr!("Ændringer", "Changes"),
            Scope::Mine => tr!("Mit overblik", "My overview"),
            Scope::Ranking => tr!("Prioritering", "Ranking"),
            Scope::Popup => tr!("I vinduer", "In windows"),
            Scope::Help => tr!("Hjælp", "Help"),
            Scope::Thread => tr!("Tråd", "Thread"),
            Scope::Markers => tr!("Flere kommentarer ét sted", "Several comments in one place"),
            Scope::Disposition => tr!("Besvar", "Resolve"),
            Scope::Confirm => tr!("Spørgsmål", "Question"),
            Scope::Message => tr!("Besked", "Message"),
            Scope::Choice => tr!("Valg", "Choice"),
            Scope::Compose => tr!("Tekstfelt", "Text field"),
            Scope::Form => tr!("Formular", "Form"),
            Scope::Picker => tr!("Vælg versioner", "Choose versions"),
        }
    }
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

/// What a role must be allowed to do for an action, if anything.
pub fn permission(action: &Action) -> Option<Permission> {
    Some(match action {
        Action::MoveUp
        | Action::MoveDown
        | Action::MoveTo
        | Action::ChooseHorizon
        | Action::ChooseStatus
        | Action::EditText
        | Action::EditGoal
        | Action::EditRealizability => Permission::EditContent,
        Action::Resolve | Action::AcceptSuggestion | Action::EditMerged => Permission::Resolve,
        Action::ConfirmAnchor | Action::AttachAnchor => Permission::Reanchor,
        Action::PlanMeeting | Action::TagMeeting | Action::RoundOpen | Action::RoundClose => {
            Permission::ManageMeetings
        }
        Action::RoundAdopt => Permission::EditContent,
        Action::CommentQuote
        | Action::CommentParagraph
        | Action::CommentWhole
        | Action::EditComment
        | Action::WithdrawComment
        | Action::Reply
        | Action::Suggest
        | Action::Select => Permission::Comment,
        _ => return None,
    })
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

use KeyCode::{
    BackTab, Backspace, Char, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab,
    Up,
};

/// Every binding. Within a scope the first match wins; see [`Scope::chain`]
/// for the order scopes are tried in.
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
        [(Char('f'), N)],
        "f",
        Action::Suggest,
        "foreslå ny formulering af markeret tekst",
        "suggest new wording for the selection",
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
        "n",
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
        "bekræft hvor et ændret citat er fundet (◐)",
        "confirm where an edited quote was found (◐)",
        false
    ),
    b!(
        Reader,
        [(Char('A'), S), (Char('A'), N)],
        "A",
        Action::AttachAnchor,
        "knyt kommentaren til ny tekst, du vælger",
        "attach the comment to new words you choose",
        false
    ),
    // Recommendations.
    b!(
        Recs,
        [(Char('K'), S), (Char('K'), N), (Up, S)],
        "K/⇧↑",
        Action::MoveUp,
        "flyt anbefalingen op (Enter gemmer rækkefølgen, Esc fortryder)",
        "move the recommendation up (Enter saves the order, Esc undoes)",
        true
    ),
    b!(
        Recs,
        [(Char('J'), S), (Char('J'), N), (Down, S)],
        "J/⇧↓",
        Action::MoveDown,
        "flyt anbefalingen ned (Enter gemmer rækkefølgen, Esc fortryder)",
        "move the recommendation down (Enter saves the order, Esc undoes)",
        true
    ),
    b!(
        Recs,
        [(Char('#'), N), (Char('#'), S)],
        "#",
        Action::MoveTo,
        "flyt anbefalingen til nr. …",
        "move the recommendation to no. …",
        true
    ),
    b!(
        Recs,
        [(Char('t'), N)],
        "t",
        Action::ChooseHorizon,
        "vælg tidshorisont",
        "choose the horizon",
        true
    ),
    b!(
        Recs,
        [(Char('s'), N)],
        "s",
        Action::ChooseStatus,
        "vælg status",
        "choose the status",
        false
    ),
    b!(
        Recs,
        [(Char('e'), N)],
        "e",
        Action::EditText,
        "ret teksten",
        "edit the text",
        false
    ),
    b!(
        Recs,
        [(Char('m'), N)],
        "m",
        Action::EditGoal,
        "ret målet",
        "edit the goal",
        false
    ),
    b!(
        Recs,
        [(Char('R'), S), (Char('R'), N)],
        "R",
        Action::EditRealizability,
        "ret realiserbarheden",
        "edit realizability",
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
        [(Char('>'), N), (Char('>'), S)],
        ">",
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
        "besvar med afgørelse",
        "resolve with a disposition",
        true
    ),
    b!(
        Comments,
        [(Char('e'), N)],
        "e",
        Action::EditComment,
        "ret din egen åbne kommentar i tråden",
        "edit your own open comment in the thread",
        true
    ),
    b!(
        Comments,
        [(Char('w'), N)],
        "w",
        Action::WithdrawComment,
        "træk din egen åbne kommentar tilbage",
        "withdraw your own open comment",
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
        [(Char('>'), N), (Char('>'), S)],
        ">",
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
        "bekræft hvor et ændret citat er fundet",
        "confirm where an edited quote was found",
        false
    ),
    b!(
        Comments,
        [(Char('A'), S), (Char('A'), N)],
        "A",
        Action::AttachAnchor,
        "knyt kommentaren til ny tekst i kapitlet",
        "attach the comment to new words in the chapter",
        false
    ),
    // Tidslinje.
    b!(
        Timeline,
        [(Char('m'), N)],
        "m",
        Action::PlanMeeting,
        "planlæg et møde (nummer, dato, titel, frist)",
        "plan a meeting (number, date, title, deadline)",
        true
    ),
    b!(
        Timeline,
        [(Char('t'), N)],
        "t",
        Action::TagMeeting,
        "markér det nuværende udkast som sendt til det valgte møde",
        "tag the current draft as sent for the chosen meeting",
        true
    ),
    // Historik.
    b!(
        History,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "vis hvad ændringen ændrede (i Ændringer)",
        "show what the change changed (in Changes)",
        true
    ),
    // Mit overblik.
    b!(
        Mine,
        [(Char('s'), N)],
        "s",
        Action::MineSince,
        "siden hvad: sidste møde, et tidligere møde, sidst jeg kiggede",
        "since what: the last meeting, an earlier one, when I last looked",
        true
    ),
    b!(
        Mine,
        [(Char('o'), N)],
        "o",
        Action::MineScope,
        "mine kommentarer / hele min organisations",
        "my comments / all of my organisation's",
        true
    ),
    b!(
        Mine,
        [(Char('r'), N)],
        "r",
        Action::MarkRead,
        "markér som læst (\"siden sidst jeg kiggede\" starter her)",
        "mark as read (\"since I last looked\" starts here)",
        true
    ),
    b!(
        Mine,
        [(Char('n'), N)],
        "n",
        Action::MineNext,
        "næste kommentar",
        "next comment",
        true
    ),
    b!(
        Mine,
        [(Char('N'), S), (Char('N'), N)],
        "N",
        Action::MinePrev,
        "forrige kommentar",
        "previous comment",
        false
    ),
    b!(
        Mine,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "åbn den valgte kommentars tråd",
        "open the selected comment's thread",
        true
    ),
    b!(
        Mine,
        [(Char('c'), N)],
        "c",
        Action::MineChanges,
        "hvad der er ændret i den valgte kommentars kapitel (i Ændringer)",
        "what changed in the selected comment's chapter (in Changes)",
        true
    ),
    // Prioritering: a member's own ranking, the results, the writers' rounds.
    b!(
        Ranking,
        [(Char('K'), S), (Char('K'), N), (Up, S)],
        "K/⇧↑",
        Action::RankUp,
        "flyt anbefalingen op i din rangordning (Enter gemmer, Esc fortryder)",
        "move the recommendation up in your ranking (Enter saves, Esc undoes)",
        true
    ),
    b!(
        Ranking,
        [(Char('J'), S), (Char('J'), N), (Down, S)],
        "J/⇧↓",
        Action::RankDown,
        "flyt anbefalingen ned i din rangordning (Enter gemmer, Esc fortryder)",
        "move the recommendation down in your ranking (Enter saves, Esc undoes)",
        true
    ),
    b!(
        Ranking,
        [(Enter, N)],
        "Enter",
        Action::RankSave,
        "gem din rangordning (én ændring; kan rettes, til runden lukker)",
        "save your ranking (one change; can be changed until the round closes)",
        true
    ),
    b!(
        Ranking,
        [(Esc, N)],
        "Esc",
        Action::RankRevert,
        "fortryd: tilbage til din gemte rangordning",
        "undo: back to your saved ranking",
        true
    ),
    b!(
        Ranking,
        [(Char('#'), N), (Char('#'), S)],
        "#",
        Action::RankTo,
        "flyt anbefalingen til nr. … i din rangordning",
        "move the recommendation to no. … in your ranking",
        false
    ),
    b!(
        Ranking,
        [(Char('i'), N)],
        "i",
        Action::RankNoOpinion,
        "ingen holdning til anbefalingen (uden for dit felt); igen: med igen",
        "no opinion on the recommendation (outside your field); again: back in",
        true
    ),
    b!(
        Ranking,
        [(Char('b'), N)],
        "b",
        Action::RankReason,
        "en kort begrundelse for anbefalingens plads",
        "a short reason for the recommendation's place",
        true
    ),
    b!(
        Ranking,
        [(Char('r'), N)],
        "r",
        Action::RankMode,
        "skift mellem din rangordning og resultaterne",
        "switch between your ranking and the results",
        true
    ),
    b!(
        Ranking,
        [(Char('['), N)],
        "[",
        Action::RankEarlier,
        "resultaterne af den forrige runde",
        "the results of the previous round",
        false
    ),
    b!(
        Ranking,
        [(Char(']'), N)],
        "]",
        Action::RankLater,
        "resultaterne af den næste runde",
        "the results of the next round",
        false
    ),
    b!(
        Ranking,
        [(Char('o'), N)],
        "o",
        Action::RoundOpen,
        "åbn en prioriteringsrunde på den nuværende liste (skribenter)",
        "open a ranking round on the current list (writers)",
        true
    ),
    b!(
        Ranking,
        [(Char('x'), N)],
        "x",
        Action::RoundClose,
        "luk den åbne runde (skribenter; spørger først)",
        "close the open round (writers; asks first)",
        true
    ),
    b!(
        Ranking,
        [(Char('a'), N)],
        "a",
        Action::RoundAdopt,
        "tag gruppens samlede rækkefølge i brug som skribenternes (spørger først)",
        "adopt the group's aggregate order as the writers' (asks first)",
        true
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
        "n",
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
        "m",
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
        "hjælp: alle taster her",
        "help: every key here",
        true
    ),
    b!(
        Global,
        [(Esc, N)],
        "Esc",
        Action::Back,
        "tilbage / fortryd",
        "back / undo",
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
        [(BackTab, S), (BackTab, N)],
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
        "Draft",
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
        [(Char('7'), N)],
        "7",
        Action::Tab(6),
        "Mit overblik",
        "My overview",
        false
    ),
    b!(
        Global,
        [(Char('8'), N)],
        "8",
        Action::Tab(7),
        "Prioritering",
        "Ranking",
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
        [(Home, N), (Char('g'), N)],
        "Home/g",
        Action::Top,
        "til toppen",
        "to the top",
        false
    ),
    b!(
        Global,
        [(End, N), (Char('G'), S), (Char('G'), N)],
        "End/G",
        Action::Bottom,
        "til bunden",
        "to the bottom",
        false
    ),
    b!(
        Global,
        [(Left, N), (Char('h'), N)],
        "←/h",
        Action::FocusLeft,
        "til ruden til venstre (listen)",
        "to the pane on the left (the list)",
        false
    ),
    b!(
        Global,
        [(Right, N), (Char('l'), N)],
        "→/l",
        Action::FocusRight,
        "til ruden til højre (teksten, detaljerne)",
        "to the pane on the right (the text, the details)",
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
    // Every popup that shows text or a list.
    b!(
        Popup,
        [(Up, N), (Char('k'), N)],
        "↑/k",
        Action::Up,
        "op",
        "up",
        false
    ),
    b!(
        Popup,
        [(Down, N), (Char('j'), N)],
        "↓/j",
        Action::Down,
        "ned",
        "down",
        false
    ),
    b!(
        Popup,
        [(PageUp, N), (Char('b'), C)],
        "PgUp",
        Action::PageUp,
        "en side op",
        "page up",
        false
    ),
    b!(
        Popup,
        [(PageDown, N), (Char('f'), C), (Char(' '), N)],
        "PgDn/Mellemrum",
        Action::PageDown,
        "en side ned",
        "page down",
        false
    ),
    b!(
        Popup,
        [(Home, N), (Char('g'), N)],
        "Home/g",
        Action::Top,
        "til toppen",
        "to the top",
        false
    ),
    b!(
        Popup,
        [(End, N), (Char('G'), S), (Char('G'), N)],
        "End/G",
        Action::Bottom,
        "til bunden",
        "to the bottom",
        false
    ),
    b!(
        Popup,
        [(Char('?'), N), (Char('?'), S), (F(1), N)],
        "?",
        Action::Help,
        "hjælp: alle taster her",
        "help: every key here",
        true
    ),
    b!(
        Popup,
        [(Esc, N), (Char('q'), N)],
        "Esc/q",
        Action::Back,
        "luk",
        "close",
        true
    ),
    // The help.
    b!(
        Help,
        [(Enter, N)],
        "Enter",
        Action::Back,
        "luk hjælpen",
        "close the help",
        false
    ),
    // A thread.
    b!(
        Thread,
        [(Char('r'), N)],
        "r",
        Action::Reply,
        "svar i tråden",
        "reply in the thread",
        true
    ),
    b!(
        Thread,
        [(Char('a'), N)],
        "a",
        Action::Resolve,
        "besvar med afgørelse",
        "resolve with a disposition",
        true
    ),
    b!(
        Thread,
        [(Char('i'), N)],
        "i",
        Action::AcceptSuggestion,
        "indfør ændringsforslaget i kapitlet",
        "apply the suggestion to the chapter",
        true
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
        Thread,
        [(Char('b'), N)],
        "b",
        Action::ConfirmAnchor,
        "bekræft hvor et ændret citat er fundet",
        "confirm where an edited quote was found",
        false
    ),
    b!(
        Thread,
        [(Char('A'), S), (Char('A'), N)],
        "A",
        Action::AttachAnchor,
        "knyt kommentaren til ny tekst",
        "attach the comment to new words",
        false
    ),
    b!(
        Thread,
        [(Enter, N)],
        "Enter",
        Action::Back,
        "luk",
        "close",
        false
    ),
    // Several threads in one place.
    b!(
        Markers,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "åbn den valgte tråd",
        "open the chosen thread",
        true
    ),
    // The disposition.
    b!(
        Disposition,
        [(Char('1'), N)],
        "1",
        Action::Disposition(0),
        "imødekommet",
        "met",
        false
    ),
    b!(
        Disposition,
        [(Char('2'), N)],
        "2",
        Action::Disposition(1),
        "delvist imødekommet",
        "partly met",
        false
    ),
    b!(
        Disposition,
        [(Char('3'), N)],
        "3",
        Action::Disposition(2),
        "ikke imødekommet",
        "not met",
        false
    ),
    b!(
        Disposition,
        [(Char('4'), N)],
        "4",
        Action::Disposition(3),
        "taget til efterretning",
        "noted",
        false
    ),
    b!(
        Disposition,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "vælg og skriv svaret",
        "choose and write the response",
        true
    ),
    b!(
        Confirm,
        [(Char('e'), N)],
        "e",
        Action::EditMerged,
        "ret den flettede tekst før den indføres (ændringsforslag)",
        "edit the merged text before it is applied (suggestions)",
        false
    ),
    // A question.
    b!(
        Confirm,
        [
            (Char('j'), N),
            (Char('J'), S),
            (Char('y'), N),
            (Char('Y'), S),
            (Enter, N)
        ],
        "j/Enter",
        Action::Open,
        "ja, gør det",
        "yes, do it",
        true
    ),
    b!(
        Confirm,
        [(Char('n'), N), (Char('N'), S), (Esc, N), (Char('q'), N)],
        "n/Esc",
        Action::Back,
        "nej, fortryd",
        "no, cancel",
        true
    ),
    b!(
        Confirm,
        [(Char('?'), N), (Char('?'), S), (F(1), N)],
        "?",
        Action::Help,
        "hjælp",
        "help",
        false
    ),
    // A long question scrolls with the keys that do not answer it.
    b!(Confirm, [(Up, N)], "↑", Action::Up, "op", "up", false),
    b!(
        Confirm,
        [(Down, N)],
        "↓",
        Action::Down,
        "ned",
        "down",
        false
    ),
    b!(
        Confirm,
        [(PageUp, N)],
        "PgUp",
        Action::PageUp,
        "en side op",
        "page up",
        false
    ),
    b!(
        Confirm,
        [(PageDown, N)],
        "PgDn",
        Action::PageDown,
        "en side ned",
        "page down",
        false
    ),
    b!(
        Confirm,
        [(Home, N)],
        "Home",
        Action::Top,
        "til toppen",
        "to the top",
        false
    ),
    b!(
        Confirm,
        [(End, N)],
        "End",
        Action::Bottom,
        "til bunden",
        "to the bottom",
        false
    ),
    // A message.
    b!(
        Message,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "OK",
        "OK",
        true
    ),
    // A short list.
    b!(
        Choice,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "gem valget",
        "save the choice",
        true
    ),
    // The editor.
    b!(
        Compose,
        [(Char('s'), C)],
        "Ctrl+S",
        Action::Submit,
        "gem",
        "save",
        true
    ),
    b!(
        Compose,
        [(Esc, N)],
        "Esc",
        Action::Back,
        "luk (teksten gemmes som kladde)",
        "close (the text is kept as a draft)",
        true
    ),
    b!(
        Compose,
        [(Char('e'), C)],
        "Ctrl+E",
        Action::ExternalEditor,
        "åbn teksten i din egen editor ($EDITOR)",
        "open the text in your own editor ($EDITOR)",
        true
    ),
    b!(
        Compose,
        [(Char('u'), C)],
        "Ctrl+U",
        Action::DeleteToLineStart,
        "slet til linjens start",
        "delete to the start of the line",
        false
    ),
    b!(
        Compose,
        [(Char('w'), C)],
        "Ctrl+W",
        Action::DeleteWord,
        "slet ordet før markøren",
        "delete the word before the cursor",
        false
    ),
    b!(
        Compose,
        [(Char('z'), C)],
        "Ctrl+Z",
        Action::Undo,
        "fortryd",
        "undo",
        false
    ),
    b!(
        Compose,
        [(F(1), N)],
        "F1",
        Action::Help,
        "hjælp",
        "help",
        false
    ),
    // A form.
    b!(
        Form,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "gem / udfør",
        "save / do it",
        true
    ),
    b!(
        Form,
        [(Esc, N), (Char('c'), C)],
        "Esc",
        Action::Back,
        "fortryd",
        "cancel",
        true
    ),
    b!(
        Form,
        [(Down, N), (Tab, N)],
        "↓/Tab",
        Action::Down,
        "næste felt",
        "next field",
        true
    ),
    b!(
        Form,
        [(Up, N), (BackTab, S), (BackTab, N)],
        "↑/⇧Tab",
        Action::Up,
        "forrige felt",
        "previous field",
        false
    ),
    b!(
        Form,
        [(Left, N)],
        "←",
        Action::ChoiceLeft,
        "forrige valg i feltet",
        "previous choice in the field",
        false
    ),
    b!(
        Form,
        [(Right, N)],
        "→",
        Action::ChoiceRight,
        "næste valg i feltet",
        "next choice in the field",
        false
    ),
    b!(
        Form,
        [(Backspace, N)],
        "⌫",
        Action::SearchBackspace,
        "slet et tegn",
        "delete a character",
        false
    ),
    b!(
        Form,
        [(F(1), N)],
        "F1",
        Action::Help,
        "hjælp",
        "help",
        false
    ),
    // The version picker.
    b!(
        Picker,
        [(Enter, N)],
        "Enter",
        Action::Open,
        "sammenlign",
        "compare",
        true
    ),
    b!(
        Picker,
        [(Char('f'), N)],
        "f",
        Action::ChooseFrom,
        "vælg fra-versionen",
        "choose the from version",
        true
    ),
    b!(
        Picker,
        [(Char('t'), N)],
        "t",
        Action::ChooseTo,
        "vælg til-versionen",
        "choose the to version",
        true
    ),
    b!(
        Picker,
        [
            (Left, N),
            (Right, N),
            (Tab, N),
            (Char('h'), N),
            (Char('l'), N)
        ],
        "←/→/Tab",
        Action::Focus,
        "skift mellem fra og til",
        "switch between from and to",
        false
    ),
];

/// The action for a key in a scope (and the scopes it falls through to).
pub fn lookup(scope: Scope, key: &KeyEvent) -> Option<Action> {
    let mods = key.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
    let matches = |b: &&Binding| {
        b.keys
            .iter()
            .any(|&(code, m)| code == key.code && m == mods)
    };
    scope
        .chain()
        .iter()
        .find_map(|s| BINDINGS.iter().filter(|b| b.scope == *s).find(matches))
        .map(|b| b.action.clone())
}

/// Bindings for the help popup: the scope's own, then those it falls
/// through to, each group in table order.
pub fn help_for(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    scope
        .chain()
        .iter()
        .flat_map(|s| BINDINGS.iter().filter(move |b| b.scope == *s))
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
            lookup(Scope::Diff, &key(Char('n'), N)),
            Some(Action::NextChange)
        );
        assert_eq!(
            lookup(Scope::Diff, &key(Char('6'), N)),
            Some(Action::Tab(5))
        );
        assert_eq!(lookup(Scope::Recs, &key(Char('g'), N)), Some(Action::Top));
        assert_eq!(
            lookup(Scope::Reader, &key(Left, N)),
            Some(Action::FocusLeft)
        );
    }

    #[test]
    fn popups_scroll_with_the_same_keys_and_help_does_not_close_them() {
        for scope in [Scope::Help, Scope::Thread, Scope::Markers, Scope::Message] {
            for (k, a) in [
                (key(Char('j'), N), Action::Down),
                (key(PageDown, N), Action::PageDown),
                (key(End, N), Action::Bottom),
                (key(Char('G'), S), Action::Bottom),
                (key(Char('g'), N), Action::Top),
                (key(Char('?'), N), Action::Help),
            ] {
                assert_eq!(lookup(scope, &k), Some(a), "{scope:?} {k:?}");
            }
        }
        assert_eq!(
            lookup(Scope::Thread, &key(Char('r'), N)),
            Some(Action::Reply)
        );
        // Where text is typed, letters are text, not commands.
        assert_eq!(lookup(Scope::Compose, &key(Char('j'), N)), None);
        assert_eq!(lookup(Scope::Form, &key(Char('?'), N)), None);
        assert_eq!(
            lookup(Scope::Compose, &key(Char('u'), C)),
            Some(Action::DeleteToLineStart)
        );
    }

    /// Every action a view or popup handles has a key, so the help lists it.
    #[test]
    fn every_action_has_a_key() {
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
            Action::MoveTo,
            Action::ChooseHorizon,
            Action::ChooseStatus,
            Action::EditText,
            Action::EditGoal,
            Action::EditRealizability,
            Action::Jump,
            Action::FilterStatus,
            Action::FilterOrganisation,
            Action::FilterPlace,
            Action::PlanMeeting,
            Action::TagMeeting,
            Action::RankUp,
            Action::RankDown,
            Action::RankTo,
            Action::RankNoOpinion,
            Action::RankReason,
            Action::RankSave,
            Action::RankRevert,
            Action::RankMode,
            Action::RankEarlier,
            Action::RankLater,
            Action::RoundOpen,
            Action::RoundClose,
            Action::RoundAdopt,
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
            Action::FocusLeft,
            Action::FocusRight,
            Action::Submit,
            Action::ExternalEditor,
            Action::DeleteToLineStart,
            Action::DeleteWord,
        ] {
            assert!(bound.contains(&&a), "{a:?} has no key");
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_lookup() {
        for scope in Scope::ALL {
            let mut seen = std::collections::HashSet::new();
            for b in scope
                .chain()
                .iter()
                .take(1)
                .flat_map(|s| BINDINGS.iter().filter(move |b| b.scope == *s))
            {
                for k in b.keys {
                    assert!(seen.insert(*k), "{k:?} twice in {scope:?}");
                }
            }
        }
    }
}
