//! Mit overblik's state: whose comments, since what, the overview the
//! worker computed, and where the view is.

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use crate::ops::mine::{Overview, Scope, Since};
use crate::tr;

/// What "since" is measured from, as the `s` key steps through it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SinceChoice {
    /// The last meeting tag.
    #[default]
    LastMeeting,
    /// An earlier meeting's tag.
    Meeting(u32),
    /// My last-look marker.
    LastLook,
    /// HEAD before the last sync: what that sync brought.
    Sync(String),
}

impl SinceChoice {
    /// The core's query for it.
    pub fn since(&self) -> Since {
        match self {
            SinceChoice::LastMeeting => Since::LastMeeting,
            SinceChoice::Meeting(n) => Since::Revision(format!("meeting/{n}")),
            SinceChoice::LastLook => Since::LastLook,
            SinceChoice::Sync(c) => Since::Revision(c.clone()),
        }
    }

    /// For the header: `sidste møde`, `møde 3`, `sidst jeg kiggede`.
    pub fn label(&self) -> String {
        match self {
            SinceChoice::LastMeeting => tr!("sidste møde", "the last meeting"),
            SinceChoice::Meeting(n) => tr!("møde {n}", "meeting {n}"),
            SinceChoice::LastLook => tr!("sidst jeg kiggede", "I last looked"),
            SinceChoice::Sync(_) => tr!("før synkroniseringen", "before the sync"),
        }
    }
}

/// What an overview was asked for; a new HEAD or a new marker asks again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub scope: Scope,
    pub since: SinceChoice,
    pub head: Option<String>,
    /// Bumped when the last-look marker moves.
    pub marks: u64,
}

/// Where the worker puts the overview; shared with the job's
/// [`crate::tui::job::After`].
#[derive(Clone)]
pub struct MineSlot {
    pub id: u64,
    pub cell: Arc<Mutex<Option<Overview>>>,
}

impl MineSlot {
    pub fn new(id: u64) -> MineSlot {
        MineSlot {
            id,
            cell: Arc::new(Mutex::new(None)),
        }
    }

    /// The result, moved out (only the first call gets it).
    pub fn take(&self) -> Option<Overview> {
        self.cell.lock().ok()?.take()
    }
}

impl PartialEq for MineSlot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

impl Eq for MineSlot {}

impl std::fmt::Debug for MineSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MineSlot({})", self.id)
    }
}

/// See the module.
#[derive(Default)]
pub struct MineState {
    pub scope: Scope,
    pub since: SinceChoice,
    /// The last overview that arrived, and what it answers.
    pub data: Option<(Key, Box<Overview>)>,
    /// The request being computed: its id and key.
    pub pending: Option<(u64, Key)>,
    pub next_id: u64,
    /// Why there is nothing to show, and for which key.
    pub error: Option<(Key, String)>,
    /// The selected comment (index into [`Overview::comments`]).
    pub selected: usize,
    /// The first row shown.
    pub scroll: usize,
    pub marks: u64,
    /// How many overviews have arrived: names the one in [`MineState::data`]
    /// for the lines built from it.
    pub arrivals: u64,
    /// The lines built for the pane when what they show last changed
    /// (see [`super::view::refresh`]); drawing only reads them.
    pub built: Option<Rc<super::view::Built>>,
}

impl MineState {
    /// The key the view wants now.
    pub fn key(&self, head: Option<&String>) -> Key {
        Key {
            scope: self.scope,
            since: self.since.clone(),
            head: head.cloned(),
            marks: self.marks,
        }
    }

    /// The overview shown.
    pub fn overview(&self) -> Option<&Overview> {
        self.data.as_ref().map(|(_, o)| o.as_ref())
    }
}
