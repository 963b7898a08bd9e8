//! Work that can take long (a commit and re-reading the workspace) runs off
//! the UI thread. `update` only queues a [`Job`]; the event loop runs it on
//! a worker thread and hands the [`Outcome`] back as [`Action::JobDone`], so
//! keys are answered while git works. Tests run jobs inline (see
//! [`super::dispatch`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Result;
use crate::model::Workspace;
use crate::ops::Session;
use crate::store::{LogEntry, MeetingTag, Progress, Store, Tracking};

/// What a job does with the workspace before it is read again. It may
/// return a text that replaces the job's `done` message (a sync's report).
pub type Work = Box<dyn FnOnce(&Path, Option<&str>) -> Result<Option<String>> + Send>;

/// What the UI does once a job has succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    Nothing,
    /// Put the cursor on this recommendation (after a move).
    SelectRec(usize),
    /// A new order was saved: forget the one being made, keep the cursor.
    SavedOrder(usize),
    /// The text was saved: forget the draft and the editor.
    ClearDraft,
    /// Show the result (or the conflict) in the sync popup.
    ShowSync,
    /// Show the message in a popup (an export's file name).
    Info,
    /// A read-only job computed a diff for the Diff view into this slot;
    /// the workspace is not read again (see [`super::changes::state`]).
    Diff(super::changes::state::DiffSlot),
    /// A read-only job made Mit overblik's overview into this slot.
    Mine(super::mine::state::MineSlot),
    /// The first full read after the first screen (see [`super::loading`]).
    Load,
}

impl After {
    /// Whether the job writes (quitting waits for writes, not for a
    /// comparison still being made).
    pub fn writes(&self) -> bool {
        !matches!(self, After::Diff(_) | After::Mine(_) | After::Load)
    }
}

/// A queued write.
pub struct Job {
    pub work: Work,
    /// Shown in the status line on success.
    pub done: String,
    pub after: After,
}

/// Everything the UI shows that is read from git, read in one go.
pub struct Loaded {
    pub ws: Workspace,
    pub head: Option<String>,
    pub tags: Vec<MeetingTag>,
    pub log: Vec<LogEntry>,
    /// Ahead/behind the server as of the last sync (no network used).
    pub tracking: Option<Tracking>,
}

impl Loaded {
    /// Reads the workspace at HEAD with its tags and history.
    pub fn read(store: &Store) -> Result<Loaded> {
        let head = store.head()?;
        Ok(Loaded {
            ws: store.load_commit(head)?,
            head: head.map(|h| h.to_string()),
            tags: store.meeting_tags()?,
            log: store.log(Some(2000))?,
            tracking: store.tracking().ok().flatten(),
        })
    }
}

/// The result of a job, carried by an action (shared, so actions stay `Clone`).
#[derive(Clone)]
pub struct Outcome(pub Arc<OutcomeData>);

/// See [`Outcome`].
pub struct OutcomeData {
    /// The freshly read workspace (taken out once by [`take_loaded`]), or the error.
    pub result: std::result::Result<std::sync::Mutex<Option<Loaded>>, String>,
    /// The job's own message, or `done` when it gave none.
    pub done: String,
    pub after: After,
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Outcome {}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Outcome({})",
            if self.0.result.is_ok() { "ok" } else { "error" }
        )
    }
}

thread_local! {
    /// True while this thread runs a job (its panics are caught and shown).
    static IN_JOB: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the panic hook (which restores the terminal and prints) quiet for
/// a panic inside a job: that one is caught and shown in the UI, which
/// keeps running. Call once, after the terminal is set up.
pub fn catch_job_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_JOB.get() {
            previous(info);
        }
    }));
}

/// Runs a job: the write, then a fresh read of the workspace (not after a
/// read-only diff job, which hands its result back in its slot).
/// A failure inside it (a panic) is caught and becomes the job's error: the
/// UI shows it and keeps running, and the write journal has left nothing
/// half-done.
pub fn run(root: &Path, email: Option<&str>, job: Job) -> Outcome {
    let reread = !matches!(job.after, After::Diff(_) | After::Mine(_));
    let mut message = None;
    let work = job.work;
    IN_JOB.set(true);
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        work(root, email).and_then(|m| {
            message = m;
            if reread {
                Loaded::read(&Store::open(root)?).map(Some)
            } else {
                Ok(None)
            }
        })
    }));
    IN_JOB.set(false);
    let result = match attempt {
        Ok(r) => r.map(std::sync::Mutex::new).map_err(|e| e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(crate::tr!(
                "en intern fejl stoppede handlingen ({what}); intet er gemt halvt. Prøv igen, og meld fejlen, hvis den kommer igen",
                "an internal error stopped the action ({what}); nothing is saved half-way. Try again, and report the error if it happens again"
            ))
        }
    };
    Outcome(Arc::new(OutcomeData {
        result,
        done: message.unwrap_or(job.done),
        after: job.after,
    }))
}

/// The workspace a successful job read, moved out (only the first call gets it).
pub fn take_loaded(outcome: &Outcome) -> Option<Loaded> {
    match &outcome.0.result {
        Ok(cell) => cell.lock().ok()?.take(),
        Err(_) => None,
    }
}

/// A write through a session acting as `email`.
pub fn with_session(f: impl FnOnce(&Session) -> Result<()> + Send + 'static) -> Work {
    Box::new(move |root: &Path, email: Option<&str>| {
        let session = Session::new(Store::open(root)?, email)?;
        f(&session).map(|()| None)
    })
}

/// Sync with the server (`origin`) as `email`; progress goes to `progress`
/// (the event loop passes it on to the popup), the report becomes the
/// message.
pub fn sync(progress: std::sync::mpsc::Sender<Progress>) -> Work {
    Box::new(move |root: &Path, email: Option<&str>| {
        let session = Session::new(Store::open(root)?, email)?;
        let report = session.sync(None, &mut |p: &Progress| {
            let _ = progress.send(p.clone());
        })?;
        Ok(Some(crate::ops::report_lines(&report).join("\n")))
    })
}

/// The first full read of the workspace, after the first screen was drawn
/// without its comments (see [`super::loading`]).
pub fn load() -> Job {
    Job {
        work: reread(),
        done: String::new(),
        after: After::Load,
    }
}

/// No write: only read the workspace again (F5).
pub fn reread() -> Work {
    Box::new(|_: &Path, _: Option<&str>| Ok(None))
}

/// Where a job runs: the workspace root and who acts.
pub fn target(state: &super::State) -> (PathBuf, Option<String>) {
    (state.store.root().to_path_buf(), state.actor_email.clone())
}

/// Runs queued jobs on worker threads and hands their outcomes back: the
/// terminal's event loop, and benchmarks and tests that want the UI
/// thread free as it is in the terminal ([`super::dispatch`] runs jobs
/// inline instead).
pub struct Worker {
    done_tx: std::sync::mpsc::Sender<Outcome>,
    done_rx: std::sync::mpsc::Receiver<Outcome>,
    /// Jobs started and not yet handed back, and how many of them write.
    running: usize,
    writing: usize,
}

impl Default for Worker {
    fn default() -> Worker {
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        Worker {
            done_tx,
            done_rx,
            running: 0,
            writing: 0,
        }
    }
}

impl Worker {
    /// Starts every job the state has queued, each on its own thread.
    pub fn start(&mut self, state: &mut super::State) {
        for j in state.jobs.drain(..) {
            let (root, email) = (state.store.root().to_path_buf(), state.actor_email.clone());
            let tx = self.done_tx.clone();
            self.running += 1;
            self.writing += usize::from(j.after.writes());
            std::thread::spawn(move || {
                let _ = tx.send(run(&root, email.as_deref(), j));
            });
        }
    }

    /// Whether no job is running.
    pub fn idle(&self) -> bool {
        self.running == 0
    }

    /// Hands every outcome that has arrived to the state; true if any did.
    pub fn take_done(&mut self, state: &mut super::State) -> bool {
        let mut any = false;
        while let Ok(outcome) = self.done_rx.try_recv() {
            self.arrived(state, outcome);
            any = true;
        }
        any
    }

    /// Waits up to `timeout` for an outcome and hands it to the state;
    /// false if none came.
    pub fn wait(&mut self, state: &mut super::State, timeout: std::time::Duration) -> bool {
        if self.running == 0 {
            return false;
        }
        match self.done_rx.recv_timeout(timeout) {
            Ok(outcome) => {
                self.arrived(state, outcome);
                true
            }
            Err(_) => false,
        }
    }

    /// Waits for every running write (never quit with a change half-saved).
    pub fn finish_writes(&mut self, state: &mut super::State) {
        while self.writing > 0 {
            match self.done_rx.recv() {
                Ok(outcome) => self.arrived(state, outcome),
                Err(_) => break,
            }
        }
    }

    fn arrived(&mut self, state: &mut super::State, outcome: Outcome) {
        self.running = self.running.saturating_sub(1);
        self.writing = self
            .writing
            .saturating_sub(usize::from(outcome.0.after.writes()));
        super::dispatch_async(state, super::Action::JobDone(outcome));
    }
}
