//! Everything a person can ask the UI to do. Keys and mouse become actions
//! (see [`super::keymap`]); [`super::update::update`] carries them out.

/// An action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    /// Close a popup, cancel a selection or a search.
    Back,
    NextTab,
    PrevTab,
    Tab(usize),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Switch focus between the list and the text or detail pane.
    Focus,
    /// Focus the pane on the left (the list) / on the right (text, details).
    FocusLeft,
    FocusRight,
    /// Open what is selected (a chapter, a comment marker, a thread, a commit).
    Open,
    /// Start a search in the current view.
    Search,
    /// Start or stop extending a selection of sentences in the reader.
    Select,
    /// Comment on the selected sentences (or the sentence at the cursor).
    CommentQuote,
    /// Comment on the whole paragraph at the cursor.
    CommentParagraph,
    /// Comment on the selected recommendation or the chapter as a whole.
    CommentWhole,
    /// Jump to the next / previous comment marker in the reader.
    NextMarker,
    PrevMarker,
    Reply,
    Resolve,
    /// Propose new wording for the selected words (ændringsforslag).
    Suggest,
    /// Write a suggestion into its chapter and answer it (writers).
    AcceptSuggestion,
    /// Edit the merged text of a suggestion before it is written (writers).
    EditMerged,
    /// Edit / withdraw the actor's own open comment in the selected thread.
    EditComment,
    WithdrawComment,
    /// Confirm where an edited or moved quote was found (writers).
    ConfirmAnchor,
    /// Attach a comment to new words chosen in the reader (writers).
    AttachAnchor,
    /// Move the selected recommendation one place up / down in the order
    /// being made; Enter saves it as one change, Esc puts it back (writers).
    MoveUp,
    MoveDown,
    /// Ask for a rank and move the selected recommendation there (writers).
    MoveTo,
    /// Choose the horizon / status of the selected recommendation from a
    /// short list, saved on Enter (writers).
    ChooseHorizon,
    ChooseStatus,
    /// Tidslinje: plan a meeting; tag the draft as sent for the chosen one.
    PlanMeeting,
    TagMeeting,
    /// Edit the recommendation's text, goal or realizability (writers).
    EditText,
    EditGoal,
    EditRealizability,
    /// Jump from a comment or recommendation to its chapter.
    Jump,
    /// Cycle the comment list's filters.
    FilterStatus,
    FilterOrganisation,
    /// Cycle the comment list's place filter: each chapter, then each recommendation.
    FilterPlace,
    /// Read the workspace again from git.
    Reload,
    /// Sync with the server: fetch, combine, send (a background job).
    Sync,
    /// How far a running sync has come.
    SyncProgress(crate::store::Progress),
    /// Open the export popup (høringsnotat or oplæg as a file).
    Export,
    /// In a form: the previous / next choice of the field (← / →).
    ChoiceLeft,
    ChoiceRight,
    /// Mit overblik: the next / previous comment.
    MineNext,
    MinePrev,
    /// Mit overblik: mine or my organisation's.
    MineScope,
    /// Mit overblik: since the last meeting, an earlier one, or my last look.
    MineSince,
    /// Mit overblik: move my last-look marker to what is shown.
    MarkRead,
    /// Mit overblik: the selected comment's chapter in Ændringer.
    MineChanges,
    /// Prioritering: move the item up or down in my ranking, to a place.
    RankUp,
    RankDown,
    RankTo,
    /// Prioritering: no opinion on the item (on/off).
    RankNoOpinion,
    /// Prioritering: a short reason for the item's place.
    RankReason,
    /// Prioritering: save my ranking as one commit.
    RankSave,
    /// Prioritering: back to my saved ranking.
    RankRevert,
    /// Prioritering: my ranking / the results.
    RankMode,
    /// Prioritering: the results of the round before or after.
    RankEarlier,
    RankLater,
    /// Prioritering, writers: open, close, adopt.
    RoundOpen,
    RoundClose,
    RoundAdopt,
    /// Diff view: choose the version to compare from / to.
    ChooseFrom,
    ChooseTo,
    /// Diff view: jump to the next / previous change.
    NextChange,
    PrevChange,
    /// Diff view: switch between inline and side by side.
    SideBySide,
    /// In a text popup: save / open `$EDITOR`.
    Submit,
    ExternalEditor,
    /// In a text popup: delete to the line's start, the word before the
    /// cursor; undo.
    DeleteToLineStart,
    DeleteWord,
    Undo,
    /// In the resolve popup: choose a disposition (0–3).
    Disposition(usize),
    /// A key typed into the text editor popup.
    Edit(ratatui_textarea::Input),
    /// The text came back from `$EDITOR`.
    EditorText(String),
    /// A character typed into a search field.
    SearchChar(char),
    SearchBackspace,
    /// A job finished (see [`super::job`]).
    JobDone(super::job::Outcome),
    /// The terminal's size changed.
    Resize(u16, u16),
    /// Mouse: the wheel at (column, row), or a click there.
    ScrollUp(u16, u16),
    ScrollDown(u16, u16),
    Click(u16, u16),
}
