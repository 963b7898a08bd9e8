//! The first screen before everything is read: the terminal UI opens with
//! the draft (`State::open`) and a worker reads the comments and history.
//! Keys pressed meanwhile say the comments are loading (in Danish, or in
//! English with `--lang en`) and never act on the workspace without its
//! comments; the loaded result replaces the first screen and shows what
//! `State::new` (everything read at once) shows; a load that fails shows
//! its error instead of loading forever, and F5 tries again.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oplaeg::i18n::{Lang, set_lang};
use oplaeg::store::Store;
use oplaeg::tui::action::Action;
use oplaeg::tui::job::{self, Worker};
use oplaeg::tui::keymap::BINDINGS;
use oplaeg::tui::state::{LoadState, View};
use oplaeg::tui::{State, dispatch, dispatch_async};

use common::tui::{demo, screen};

const MEMBER: &str = "jens.noergaard@rm.example";
const WRITER: &str = "mette.holm@sst.example";

/// The language is one setting for the whole process: tests that read
/// texts take turns.
static LANG: Mutex<()> = Mutex::new(());

/// The first screen, with the rest still queued.
fn first(root: &Path, email: &str) -> State {
    let mut s = State::open(Store::open(root).unwrap(), Some(email.into()), 100, 30).unwrap();
    s.popup = None;
    s
}

/// Runs the queued jobs on worker threads, as the terminal does, until
/// none runs (at most 20 s: a load must end, well or not).
fn settle(state: &mut State) {
    let mut worker = Worker::default();
    worker.start(state);
    let start = Instant::now();
    while !worker.idle() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the worker never answered; load: {:?}",
            state.load
        );
        worker.wait(state, Duration::from_millis(50));
        worker.start(state);
    }
}

#[test]
fn the_first_screen_draws_the_draft_and_the_load_replaces_it() {
    let _lang = LANG.lock().unwrap_or_else(|e| e.into_inner());
    set_lang(Lang::Da);
    let d = demo();
    let full = State::new(Store::open(&d.root).unwrap(), Some(MEMBER.into()), 100, 30).unwrap();
    assert!(!full.ws.comments.is_empty(), "the demo has comments");

    let mut s = first(&d.root, MEMBER);
    assert_eq!(s.load, LoadState::Loading);
    assert!(s.ws.comments.is_empty() && s.log.is_empty());
    assert_eq!(s.ws.chapters.len(), full.ws.chapters.len());
    assert_eq!(s.jobs.len(), 1, "only the load is queued");
    // A member starts on Mit overblik: it says it is loading.
    assert_eq!(s.view, View::Mine);
    let shown = screen(&s);
    assert!(shown.contains("Indlæser kommentarer"), "{shown}");
    // The draft can be read at once.
    dispatch_async(&mut s, Action::Tab(0));
    assert_eq!(s.view, View::Reader);
    let shown = screen(&s);
    assert!(shown.contains(&full.ws.chapters[0].title), "{shown}");
    assert!(
        shown.contains("Indlæser kommentarer"),
        "the status line says so:\n{shown}"
    );
    dispatch_async(&mut s, Action::Down);
    assert_eq!(s.reader.chapter, 1, "the chapter list moves while loading");
    dispatch_async(&mut s, Action::Up);

    settle(&mut s);
    assert_eq!(s.load, LoadState::Loaded);
    assert_eq!(s.ws.comments.len(), full.ws.comments.len());
    assert_eq!(s.log.len(), full.log.len());
    assert_eq!(s.head, full.head);
    // Once loaded, each tab shows what the state read at once shows (Mit
    // overblik's overview was asked for when the load arrived).
    let mut full = full;
    full.popup = None;
    for view in View::all() {
        dispatch(&mut full, Action::Tab(view.index()));
        dispatch_async(&mut s, Action::Tab(view.index()));
        settle(&mut s);
        s.message = None;
        full.message = None;
        let (a, b) = (screen(&s), screen(&full));
        assert!(!a.contains("Indlæser"), "{view:?} still loading:\n{a}");
        assert_eq!(a, b, "{view:?}");
    }
}

#[test]
fn every_key_while_loading_says_so_and_never_acts_on_the_partial_workspace() {
    let _lang = LANG.lock().unwrap_or_else(|e| e.into_inner());
    let d = demo();
    for (lang, email, said) in [
        (Lang::Da, WRITER, "indlæses stadig"),
        (Lang::Da, MEMBER, "indlæses stadig"),
        (Lang::En, WRITER, "still loading"),
    ] {
        set_lang(lang);
        let mut s = first(&d.root, email);
        for view in View::all() {
            let scopes = view.scope().chain();
            for b in BINDINGS.iter().filter(|b| scopes.contains(&b.scope)) {
                // What the keys that work while loading change is put back
                // (cheaper than opening the workspace again).
                s.view = view;
                s.popup = None;
                s.help = None;
                s.message = None;
                s.quit = false;
                s.search_input = None;
                let allowed = oplaeg::tui::loading::refusal(&s, &b.action).is_none();
                dispatch_async(&mut s, b.action.clone());
                // Nothing but the load was queued: no write, no comparison,
                // no overview from a workspace without comments; nothing
                // read was replaced.
                let what = format!("{lang:?} {email} {view:?} {}", b.label);
                assert_eq!(s.jobs.len(), 1, "{what}: queued work");
                assert!(s.busy.is_none(), "{what}");
                assert!(s.ws.comments.is_empty() && s.log.is_empty(), "{what}");
                assert_eq!(s.load, LoadState::Loading, "{what}");
                assert!(s.mine.pending.is_none() && s.mine.data.is_none());
                let shown = screen(&s);
                let refused = s.message.as_deref().is_some_and(|m| m.contains(said));
                // Who may not use the key is told so first, in a popup.
                let role = matches!(s.popup, Some(oplaeg::tui::state::Popup::Error(_)));
                if refused {
                    assert!(
                        shown.contains(said),
                        "{what}: the status line shows it:\n{shown}"
                    );
                }
                assert!(
                    refused || role || allowed,
                    "{what}: neither refused nor allowed ({:?})\n{shown}",
                    s.message
                );
                assert!(!(refused && allowed), "{what}: an allowed key was refused");
            }
        }
    }
    set_lang(Lang::Da);
}

#[test]
fn keys_of_the_loaded_tabs_are_refused_with_the_loading_message() {
    let _lang = LANG.lock().unwrap_or_else(|e| e.into_inner());
    set_lang(Lang::Da);
    let d = demo();
    let mut s = first(&d.root, WRITER);
    // The comment list's filter and a new comment would act on a workspace
    // without comments: both only say that the comments are loading.
    dispatch_async(&mut s, Action::Tab(View::Comments.index()));
    assert_eq!(s.view, View::Comments);
    dispatch_async(&mut s, Action::FilterStatus);
    let m = s.message.clone().unwrap_or_default();
    assert!(m.contains("indlæses stadig"), "{m}");
    assert!(s.popup.is_none());
    dispatch_async(&mut s, Action::Tab(0));
    dispatch_async(&mut s, Action::Focus);
    dispatch_async(&mut s, Action::CommentQuote);
    assert!(s.popup.is_none(), "no editor opens while loading");
    assert!(
        s.message
            .clone()
            .unwrap_or_default()
            .contains("indlæses stadig")
    );
    // The footer and the help offer only what works now.
    assert!(oplaeg::tui::panes::refusal(&s, &Action::CommentQuote).is_some());
    assert!(oplaeg::tui::panes::refusal(&s, &Action::Down).is_none());
}

/// The path of a loose object in the repository.
fn object_path(root: &Path, id: &str) -> PathBuf {
    root.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn a_load_that_fails_shows_the_error_and_f5_tries_again() {
    let _lang = LANG.lock().unwrap_or_else(|e| e.into_inner());
    set_lang(Lang::Da);
    let d = demo();
    // A comment file whose object is missing (a damaged repository): the
    // draft opens, the comments cannot be read. The load cache would
    // answer for the file, so it goes.
    let _ = std::fs::remove_dir_all(d.root.join(".git/oplaeg"));
    let files = common::git(&d.root, &["ls-tree", "--name-only", "HEAD", "comments/"]);
    let file = files.lines().next().expect("the demo has comment files");
    let blob = common::git(&d.root, &["rev-parse", &format!("HEAD:{file}")]);
    let blob = blob.trim();
    let path = object_path(&d.root, blob);
    let bytes = std::fs::read(&path).expect("the demo's objects are loose");
    std::fs::remove_file(&path).unwrap();
    let check = common::git_output(&d.root, &["cat-file", "-e", blob]);
    assert!(!check.status.success(), "git misses the object too");

    let mut s = first(&d.root, MEMBER);
    settle(&mut s);
    let LoadState::Failed(why) = &s.load else {
        panic!("the load did not fail: {:?}", s.load);
    };
    assert!(!why.is_empty());
    assert!(s.ws.comments.is_empty());
    let shown = screen(&s);
    assert!(shown.contains("kunne ikke indlæses"), "{shown}");
    // Keys still say why instead of acting; the draft still reads.
    dispatch_async(&mut s, Action::MineScope);
    assert!(
        s.message.clone().unwrap_or_default().contains("F5"),
        "{:?}",
        s.message
    );
    dispatch_async(&mut s, Action::Tab(0));
    assert!(screen(&s).contains(&s.ws.chapters[0].title));

    // Mended, F5 reads everything.
    std::fs::write(&path, bytes).unwrap();
    assert!(
        common::git_output(&d.root, &["cat-file", "-e", blob])
            .status
            .success()
    );
    dispatch_async(&mut s, Action::Reload);
    assert_eq!(s.jobs.len(), 1, "F5 queues a read");
    settle(&mut s);
    assert_eq!(s.load, LoadState::Loaded);
    assert_eq!(s.ws.comments.len(), d_comments(&d.root));
    assert!(!screen(&s).contains("kunne ikke indlæses"));
}

fn d_comments(root: &Path) -> usize {
    common::git(root, &["ls-tree", "--name-only", "HEAD", "comments/"])
        .lines()
        .filter(|l| l.ends_with(".toml"))
        .count()
}

#[test]
fn the_worker_runs_the_load_off_the_calling_thread() {
    let d = demo();
    let mut s = first(&d.root, WRITER);
    let mut worker = Worker::default();
    worker.start(&mut s);
    assert!(s.jobs.is_empty(), "the load was started");
    assert!(!worker.idle());
    // The state answers keys while the worker reads.
    dispatch_async(&mut s, Action::Down);
    let start = Instant::now();
    while s.load == LoadState::Loading {
        assert!(start.elapsed() < Duration::from_secs(20), "never loaded");
        worker.wait(&mut s, Duration::from_millis(50));
    }
    assert_eq!(s.load, LoadState::Loaded);
    assert!(worker.idle());
    assert!(!s.ws.comments.is_empty());
    // The same job run inline gives the same workspace.
    let (root, email) = job::target(&s);
    let outcome = job::run(&root, email.as_deref(), job::load());
    let loaded = job::take_loaded(&outcome).expect("read");
    assert_eq!(loaded.ws.comments.len(), s.ws.comments.len());
}
