//! The UI's whole state. Changed only by [`super::update::update`]; drawn by
//! [`super::views::render`]. It holds what every view shares (the workspace,
//! who acts, the popup, the terminal's size) and one state per tab, each
//! defined in its tab's folder (`reader`, `recs`, `comments_view`,
//! `timeline`, `history`, `diff`, `mine`). Derived data (the wrapped chapter,
//! the filtered comment list) is rebuilt here when its inputs change, never
//! per frame.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui_textarea::TextArea;
use serde::{Deserialize, Serialize};

use super::comments::CommentsView;
use super::history::HistoryView;
use super::keymap::Scope;
use super::recommendations::RecsView;
use super::theme::Theme;
use super::timeline::TimelineView;
use crate::error::Result;
use crate::model::{CommentStatus, Member, Workspace};
use crate::ops::{Action as Permission, permit};
use crate::store::{LogEntry, MeetingTag, Store};

/// The tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Reader,
    Recs,
    Comments,
    Timeline,
    History,
    /// What changed between two versions (see [`super::changes::state`]).
    Diff,
    /// Mit overblik (see [`super::mine`]).
    Mine,
    /// Prioritering (see [`super::ranking`]).
    Ranking,
}

impl View {
    /// Every tab's view, in the order of [`super::tabs::TABS`].
    pub fn all() -> impl Iterator<Item = View> {
        super::tabs::TABS.iter().map(|t| t.view)
    }

    /// The view of the tab at `index` (the last one when past the end).
    pub fn at(index: usize) -> View {
        let tabs = super::tabs::TABS;
        tabs[index.min(tabs.len() - 1)].view
    }

    /// The tab's title.
    pub fn title(self) -> String {
        let t = super::tabs::tab(self);
        match crate::i18n::lang() {
            crate::i18n::Lang::Da => t.da.to_string(),
            crate::i18n::Lang::En => t.en.to_string(),
        }
    }

    /// Where its key bindings live.
    pub fn scope(self) -> Scope {
        super::tabs::tab(self).scope
    }

    pub fn index(self) -> usize {
        Self::all().position(|v| v == self).unwrap_or(0)
    }
}

/// What a text being written will become.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComposeTarget {
    /// A comment on a quote from a chapter.
    Quote { chapter: String, quote: String },
    /// A comment on a whole chapter.
    Chapter(String),
    /// A comment on a recommendation.
    Rec(String),
    /// A reply to a comment.
    Reply(String),
    /// The writers' response when resolving a comment with a disposition key.
    Resolve {
        comment: String,
        disposition: String,
    },
    /// A new text for a recommendation's field (`text`, `goal`, `realizability`).
    RecField { rec: String, field: String },
    /// A new text for one of the actor's own comments (by id).
    EditComment(String),
    /// New wording proposed for a quote from a chapter (an ændringsforslag).
    Suggest { chapter: String, quote: String },
    /// The writer's own words for a suggestion before it is applied, with
    /// the disposition's key (`met` after reading a merge, `partly_met`).
    AcceptEdited {
        comment: String,
        disposition: String,
    },
}

/// A text being written, kept on disk so it survives quitting or a crash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub target: ComposeTarget,
    pub text: String,
}

/// The multi-line editor popup.
pub struct Compose {
    pub target: ComposeTarget,
    pub title: String,
    pub editor: TextArea<'static>,
}

impl Compose {
    /// The text typed so far.
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }
}

/// A popup over the view.
pub enum Popup {
    Error(String),
    Info(String),
    /// A comment's thread (index into `ws.comments`).
    Thread(usize),
    /// Several comments in one place (indices into `ws.comments`) and the
    /// one chosen with ↑/↓, which Enter opens.
    Markers(Vec<usize>, usize),
    /// Choosing a disposition before writing the response.
    Disposition {
        comment: String,
        choice: usize,
    },
    Compose(Box<Compose>),
    /// A draft from last time, offered back.
    DraftOffer(Draft),
    /// Asking before the actor's own comment (by id) is withdrawn.
    ConfirmWithdraw(String),
    /// Syncing with the server: progress while it runs, then the result.
    Sync(SyncPopup),
    /// Choosing what to export and where.
    Export(Box<super::popups::export::ExportForm>),
    /// Choosing the versions the Diff view compares.
    DiffPick(Box<super::changes::state::Picker>),
    /// Choosing one value from a short list (horizon, status).
    Choice(ChoicePopup),
    /// Asking before something that is hard to take back.
    Confirm(Confirm),
    /// A small form: a rank number, a meeting.
    Form(Form),
}

/// What a [`Popup::Choice`] chooses, for which recommendation (slug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceKind {
    Horizon(String),
    Status(String),
}

/// A short list to choose from; saved on Enter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoicePopup {
    pub kind: ChoiceKind,
    /// The options' labels, in order.
    pub options: Vec<String>,
    /// The option chosen now, and the one saved before.
    pub chosen: usize,
    pub current: usize,
}

/// What happens when a [`Popup::Confirm`] is answered yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Set a recommendation's status (dropping it).
    SetStatus {
        rec: String,
        status: crate::model::RecStatus,
    },
    /// Tag the current draft as sent for meeting `n`.
    TagMeeting(u32),
    /// Apply the suggestion (by id) with its merged text.
    AcceptSuggestion { id: String, merged: String },
    /// Close a round or adopt its order (Prioritering).
    Ranking(super::ranking::update::RankingConfirm),
}

/// A yes/no question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    /// What will happen, in the person's words.
    pub lines: Vec<String>,
    pub then: Confirmed,
}

/// What a [`Popup::Form`] is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Move the recommendation (slug) to the rank typed.
    Rank(String),
    /// Plan a meeting: number, date, title, deadline.
    Meeting,
    /// A form of Prioritering.
    Ranking(super::ranking::update::RankingForm),
}

/// One text field of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: String,
    /// What the field expects, shown beside it.
    pub hint: String,
}

/// A small form of text fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub field: usize,
    /// Why the last Enter was refused, shown in the form.
    pub error: Option<String>,
}

/// What the sync popup shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncPopup {
    /// Still running.
    pub running: bool,
    /// The latest progress report while running.
    pub progress: Option<crate::store::Progress>,
    /// The report, or what stopped it.
    pub lines: Vec<String>,
    /// It stopped (a conflict or another error).
    pub failed: bool,
}

pub use super::comments::StatusFilter;
pub use super::loading::LoadState;

/// What the first screen is drawn from.
struct FirstScreen {
    ws: Workspace,
    head: Option<String>,
    tags: Vec<MeetingTag>,
}

/// The whole state.
pub struct State {
    pub store: Store,
    /// The member acting, when the identity is a member.
    pub actor: Option<Member>,
    /// Why there is no actor (shown in the status line).
    pub actor_problem: Option<String>,
    pub actor_email: Option<String>,
    pub ws: Workspace,
    pub head: Option<String>,
    pub tags: Vec<MeetingTag>,
    pub log: Vec<LogEntry>,
    /// Ahead/behind the server as of the last sync.
    pub tracking: Option<crate::store::Tracking>,
    /// Progress of a running sync, read by the event loop (never by views).
    pub sync_progress: Option<std::sync::mpsc::Receiver<crate::store::Progress>>,
    pub theme: Theme,
    pub view: View,
    /// Terminal size.
    pub width: u16,
    pub height: u16,
    pub popup: Option<Popup>,
    /// A one-line message in the status line (after a save, say).
    pub message: Option<String>,
    pub quit: bool,
    /// Set by update when `$EDITOR` should be opened on the compose text.
    pub wants_editor: bool,
    /// Search text being typed (the `/` prompt), when active.
    pub search_input: Option<String>,
    /// The help, over the view or the popup, and how far it is scrolled.
    pub help: Option<usize>,
    /// How far the open popup's text is scrolled.
    pub popup_scroll: usize,

    /// Oplæg.
    pub reader: super::reader::ReaderState,

    // Anbefalinger
    pub recs: RecsView,

    // Kommentarer
    /// Open comments per chapter slug and comments per recommendation slug,
    /// counted once per load instead of on every frame, so the chapter list
    /// and the reader's margin count the same comments.
    pub open_per_chapter: HashMap<String, usize>,
    pub per_rec: HashMap<String, usize>,
    pub comments_view: CommentsView,

    // Tidslinje
    pub timeline: TimelineView,

    // Historik
    pub history: HistoryView,

    /// Where drafts are kept (inside `.git`, never committed).
    pub draft_path: PathBuf,
    /// Today's date, for the timeline (read once, so drawing stays pure).
    pub today: chrono::NaiveDate,
    /// Writes waiting for the event loop to run them off the UI thread.
    pub jobs: Vec<super::job::Job>,
    /// What is being saved, while a job runs.
    pub busy: Option<String>,
    /// Whether the comments and history have been read yet.
    pub load: LoadState,
    /// The editor whose text is being saved, reopened if saving fails.
    pub submitting: Option<Box<Compose>>,

    /// Ændringer (the Diff view).
    pub diff: super::changes::state::DiffState,
    /// Mit overblik.
    pub mine: super::mine::state::MineState,
    /// Prioritering.
    pub ranking: super::ranking::state::RankingState,
}

impl State {
    /// Opens the UI's state on a workspace, acting as `email` if it is a
    /// member, with everything read (tests and tools; the terminal opens
    /// with [`State::open`] instead).
    pub fn new(store: Store, email: Option<String>, width: u16, height: u16) -> Result<State> {
        let loaded = super::job::Loaded::read(&store)?;
        let first = FirstScreen {
            ws: loaded.ws,
            head: loaded.head,
            tags: loaded.tags,
        };
        let mut state = State::build(store, email, width, height, first, LoadState::Loaded);
        state.log = loaded.log;
        state.tracking = loaded.tracking;
        Ok(state)
    }

    /// Opens the UI's state from what a first screen needs (the workspace
    /// without its comments, see [`crate::ops::load_without_comments`]),
    /// with the rest queued as a job: the event loop draws at once and
    /// runs the job on a worker thread; the state is complete when its
    /// [`super::job::After::Load`] arrives (see [`super::loading`]).
    pub fn open(store: Store, email: Option<String>, width: u16, height: u16) -> Result<State> {
        let head = store.head()?;
        let first = FirstScreen {
            ws: crate::ops::load_without_comments(&store, head)?,
            head: head.map(|h| h.to_string()),
            tags: store.meeting_tags()?,
        };
        let mut state = State::build(store, email, width, height, first, LoadState::Loading);
        state.jobs.push(super::job::load());
        Ok(state)
    }

    fn build(
        store: Store,
        email: Option<String>,
        width: u16,
        height: u16,
        first: FirstScreen,
        load: LoadState,
    ) -> State {
        let ws = first.ws;
        let email = email.or_else(|| store.git_email());
        let (actor, actor_problem) = match &email {
            Some(e) => match ws.config.member(e) {
                Some(m) => (Some(m.clone()), None),
                None => (
                    None,
                    Some(crate::error::Error::NotAMember(e.clone()).to_string()),
                ),
            },
            None => (None, Some(crate::error::Error::NoIdentity.to_string())),
        };
        let draft_path = store.repo().path().join("oplaeg-kladde.json");
        let mut state = State {
            actor,
            actor_problem,
            actor_email: email,
            head: first.head,
            tags: first.tags,
            log: Vec::new(),
            tracking: None,
            sync_progress: None,
            theme: Theme::from_env(),
            view: View::Reader,
            width,
            height,
            popup: None,
            message: None,
            quit: false,
            wants_editor: false,
            search_input: None,
            help: None,
            popup_scroll: 0,
            reader: Default::default(),
            recs: RecsView::default(),
            open_per_chapter: HashMap::new(),
            per_rec: HashMap::new(),
            comments_view: CommentsView::default(),
            timeline: TimelineView::default(),
            history: HistoryView::default(),
            draft_path,
            today: chrono::Local::now().date_naive(),
            jobs: Vec::new(),
            busy: None,
            submitting: None,
            load,
            diff: Default::default(),
            mine: Default::default(),
            ranking: Default::default(),
            ws,
            store,
        };
        state.rebuild();
        state.timeline.meeting = super::timeline::default_meeting(&state);
        // A member starts on what became of their comments; writers and
        // reviewers on the draft. (While the rest loads, the overview is
        // asked for when it has arrived.)
        if state
            .actor
            .as_ref()
            .is_some_and(|m| m.role == crate::model::Role::Member)
        {
            state.view = View::Mine;
            super::mine::update::keep_current(&mut state);
            super::ranking::update::greet(&mut state);
        }
        if let Some(draft) = state.load_draft() {
            state.popup = Some(Popup::DraftOffer(draft));
        }
        state
    }

    /// Sets the date taken as today (read from the clock when the UI
    /// starts), and the meeting the calendar opens on with it. Tests pin it
    /// so deadlines count down the same on every run.
    pub fn set_today(&mut self, today: chrono::NaiveDate) {
        self.today = today;
        self.timeline.meeting = super::timeline::default_meeting(self);
    }

    /// Shows a freshly read workspace and rebuilds what derives from it.
    pub fn apply(&mut self, loaded: super::job::Loaded) {
        self.load = LoadState::Loaded;
        self.ws = loaded.ws;
        self.head = loaded.head;
        self.tags = loaded.tags;
        self.log = loaded.log;
        self.tracking = loaded.tracking;
        self.history.selected = self.history.selected.min(self.log.len().saturating_sub(1));
        self.timeline.meeting = self
            .timeline
            .meeting
            .min(self.meeting_numbers().len().saturating_sub(1));
        if let Some(a) = &self.actor {
            self.actor = self.ws.config.member(&a.email).cloned();
        }
        self.rebuild();
    }

    /// Rebuilds the reader's document and the comment list.
    pub fn rebuild(&mut self) {
        self.reader.chapter = self
            .reader
            .chapter
            .min(self.ws.chapters.len().saturating_sub(1));
        self.recs.selected = self
            .recs
            .selected
            .min(self.ws.recommendations.len().saturating_sub(1));
        self.rebuild_document();
        self.rebuild_comment_rows();
        self.open_per_chapter.clear();
        self.per_rec.clear();
        for c in self.ws.comments.iter().filter(|c| c.reply_to.is_none()) {
            if let Some(ch) = &c.target.chapter
                && c.is_open()
            {
                *self.open_per_chapter.entry(ch.clone()).or_default() += 1;
            }
            if let Some(r) = &c.target.recommendation {
                *self.per_rec.entry(r.clone()).or_default() += 1;
            }
        }
    }

    /// The width the reader's text is wrapped to.
    pub fn text_width(&self) -> u16 {
        super::layout::reader_text_width(self.width)
    }

    /// Re-parses the current chapter and places its comment markers.
    pub fn rebuild_document(&mut self) {
        let markdown = self
            .ws
            .chapters
            .get(self.reader.chapter)
            .map_or("", |c| c.markdown.as_str());
        self.reader.doc = super::reader::document::Document::new(markdown, self.text_width());
        self.reader.cursor = self
            .reader
            .cursor
            .min(self.reader.doc.sentences.len().saturating_sub(1));
        super::reader::anchoring::place_markers(self);
    }

    /// Re-applies the comment list's filters and search, newest first.
    pub fn rebuild_comment_rows(&mut self) {
        let search = self.comments_view.search.to_lowercase();
        let mut rows: Vec<usize> = (0..self.ws.comments.len())
            .filter(|&i| {
                let c = &self.ws.comments[i];
                if c.reply_to.is_some() {
                    return false;
                }
                let status_ok = match self.comments_view.status_filter {
                    StatusFilter::All => true,
                    StatusFilter::Open => c.status == CommentStatus::Open,
                    StatusFilter::Resolved => c.status == CommentStatus::Resolved,
                };
                let place_ok = match self
                    .comments_view
                    .place_filter
                    .as_deref()
                    .and_then(|p| p.split_once(':'))
                {
                    Some(("chapter", slug)) => c.target.chapter.as_deref() == Some(slug),
                    Some((_, slug)) => c.target.recommendation.as_deref() == Some(slug),
                    None => true,
                };
                let org_ok = place_ok
                    && self
                        .comments_view
                        .org_filter
                        .as_ref()
                        .is_none_or(|o| &c.author.organisation == o);
                let search_ok = search.is_empty()
                    || c.body.to_lowercase().contains(&search)
                    || c.author.name.to_lowercase().contains(&search)
                    || c.author.organisation.to_lowercase().contains(&search)
                    || c.target
                        .anchor
                        .as_ref()
                        .is_some_and(|a| a.quote.to_lowercase().contains(&search));
                status_ok && org_ok && search_ok
            })
            .collect();
        rows.reverse();
        self.comments_view.rows = rows;
        self.comments_view.selected = self
            .comments_view
            .selected
            .min(self.comments_view.rows.len().saturating_sub(1));
    }

    /// Whether the actor may do something; the error text says why not.
    pub fn may(&self, what: Permission) -> std::result::Result<(), String> {
        match &self.actor {
            Some(m) => permit(m, what).map_err(|e| e.to_string()),
            None => Err(self.actor_problem.clone().unwrap_or_default()),
        }
    }

    /// The draft kept from last time, if any.
    pub fn load_draft(&self) -> Option<Draft> {
        let text = std::fs::read_to_string(&self.draft_path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Keeps the text being written on disk (small; written on each change).
    pub fn save_draft(&self, draft: &Draft) {
        if let Ok(json) = serde_json::to_string(draft) {
            // Best effort: losing the copy must not interrupt typing.
            let _ = std::fs::write(&self.draft_path, json);
        }
    }

    /// Forgets the draft after it was saved as a commit.
    pub fn clear_draft(&self) {
        let _ = std::fs::remove_file(&self.draft_path);
    }

    /// The recommendations in the order shown: the order being made with
    /// K/J, else the saved one (indexes into `ws.recommendations`).
    pub fn rec_order(&self) -> Vec<usize> {
        match &self.recs.pending {
            Some(order) => order
                .iter()
                .filter_map(|s| self.ws.recommendations.iter().position(|r| &r.slug == s))
                .collect(),
            None => (0..self.ws.recommendations.len()).collect(),
        }
    }

    /// The recommendation selected in the list.
    pub fn selected_rec(&self) -> Option<&crate::model::Recommendation> {
        match &self.recs.pending {
            Some(order) => {
                let slug = order.get(self.recs.selected)?;
                self.ws.recommendations.iter().find(|r| &r.slug == slug)
            }
            None => self.ws.recommendations.get(self.recs.selected),
        }
    }

    /// The meetings of the calendar, by number: planned ones and tagged
    /// ones, each once.
    pub fn meeting_numbers(&self) -> Vec<u32> {
        let mut numbers: Vec<u32> = self.ws.config.meetings.iter().map(|m| m.number).collect();
        numbers.extend(self.tags.iter().map(|t| t.number));
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }

    /// A member's name for an e-mail address, or the address when it
    /// belongs to no member.
    pub fn name_of(&self, email: &str) -> String {
        self.ws
            .config
            .member(email)
            .map_or_else(|| email.to_string(), |m| m.name.clone())
    }

    /// The comment selected in the comment list.
    pub fn selected_comment(&self) -> Option<usize> {
        self.comments_view
            .rows
            .get(self.comments_view.selected)
            .copied()
    }

    /// The places comments can be filtered by: chapters, then recommendations.
    pub fn places(&self) -> Vec<String> {
        self.ws
            .chapters
            .iter()
            .map(|c| format!("chapter:{}", c.slug))
            .chain(
                self.ws
                    .recommendations
                    .iter()
                    .map(|r| format!("rec:{}", r.slug)),
            )
            .collect()
    }

    /// A place filter as people read it: `kap. 5 Rehabilitering`.
    pub fn place_label(&self, place: &str) -> String {
        match place.split_once(':') {
            Some(("chapter", slug)) => self
                .ws
                .chapters
                .iter()
                .find(|c| c.slug == slug)
                .map_or_else(
                    || slug.to_string(),
                    |c| format!("{} {} {}", crate::tr!("kap.", "ch."), c.number, c.title),
                ),
            Some((_, slug)) => self
                .ws
                .recommendations
                .iter()
                .find(|r| r.slug == slug)
                .map_or_else(
                    || slug.to_string(),
                    |r| format!("{} {} {}", crate::tr!("anb.", "rec."), r.rank, r.title),
                ),
            None => place.to_string(),
        }
    }

    /// The organisations that have commented, sorted.
    pub fn organisations(&self) -> Vec<String> {
        let mut orgs: Vec<String> = self
            .ws
            .comments
            .iter()
            .map(|c| c.author.organisation.clone())
            .collect();
        orgs.sort();
        orgs.dedup();
        orgs
    }
}
