//! The reader places comments on the words they quote in the current draft
//! (◐ for edited words, § at a section whose words are gone), and writers
//! confirm or re-attach them from the thread, checked on the screen
//! (ratatui's TestBackend), in the comment files and with plain git.

mod common;
use common::tui::{Demo, demo, in_reader, screen};
use oplaeg::anchor::Fate;
use oplaeg::store::Store;
use oplaeg::tui::{Action, State, dispatch};

const WRITER: &str = "mette.holm@sst.example";
const MEMBER: &str = "jens.noergaard@rm.example";

fn state(d: &Demo, email: &str) -> State {
    in_reader(&d.root, email, 120, 40)
}

fn git(root: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Opens chapter `number` in the reader with the focus on the text.
fn open_chapter(s: &mut State, number: u32) {
    let i =
        s.ws.chapters
            .iter()
            .position(|c| c.number == number)
            .unwrap();
    oplaeg::tui::update::select_chapter(s, i);
    s.reader.text_focus = true;
}

/// The index of the comment quoting words that start with `start`.
fn comment_quoting(s: &State, start: &str) -> usize {
    s.ws.comments
        .iter()
        .position(|c| {
            c.target
                .anchor
                .as_ref()
                .is_some_and(|a| a.quote.starts_with(start))
        })
        .unwrap()
}

/// Moves the cursor onto the sentence where comment `i` sits.
fn cursor_on(s: &mut State, i: usize) {
    let (b, _) = s.reader.anchors.at[&i];
    let target = s
        .reader
        .doc
        .sentences
        .iter()
        .position(|x| x.0 == b)
        .unwrap();
    while s.reader.cursor < target {
        dispatch(s, Action::Down);
    }
    while s.reader.cursor > target {
        dispatch(s, Action::Up);
    }
}

#[test]
fn markers_sit_on_the_edited_words_and_say_so() {
    let d = demo();
    let mut s = state(&d, MEMBER);
    open_chapter(&mut s, 3);
    let i = comment_quoting(&s, "Præmisserne er udledt");
    assert!(matches!(
        s.reader.anchors.placements[&i].fate,
        Fate::Fuzzy { .. }
    ));
    // The marker is in the paragraph that holds the edited sentence.
    let (b, off) = s.reader.anchors.at[&i];
    let block = &s.reader.doc.blocks[b].text;
    assert!(block[off..].starts_with("Præmisserne er udledt af de væsentligste udfordringer"));
    cursor_on(&mut s, i);
    let text = screen(&s);
    // The comment is answered: the margin says so instead of counting it.
    assert_eq!(
        s.ws.comments[i].status,
        oplaeg::model::CommentStatus::Resolved
    );
    assert!(text.contains("◐✓"), "{text}");
    dispatch(&mut s, Action::Open);
    let text = screen(&s);
    assert!(text.contains("Nu: tilnærmet"), "{text}");
    assert!(text.contains("væsentligste"), "{text}");
    // A member is not told about the writers' keys.
    assert!(!text.contains("b bekræfter"), "{text}");

    // The unchanged-but-moved and the orphaned comments of the demo.
    open_chapter(&mut s, 4);
    let moved = comment_quoting(&s, "Kræft rammer ikke alle lige");
    assert_eq!(s.reader.anchors.placements[&moved].fate, Fate::Moved);
    open_chapter(&mut s, 11);
    let orphan = comment_quoting(&s, "Kunstig intelligens forventes");
    assert_eq!(s.reader.unplaced, vec![orphan]);
    let text = screen(&s);
    assert!(text.contains("1 kommentar uden placering"), "{text}");
    s.reader.cursor = 0;
    dispatch(&mut s, Action::Open);
    dispatch(&mut s, Action::Open);
    let text = screen(&s);
    assert!(
        text.contains("Kunstig intelligens forventes på sigt"),
        "{text}"
    );
    assert!(text.contains("forældreløs"), "{text}");
}

#[test]
fn a_member_may_not_move_quotes() {
    let d = demo();
    let mut s = state(&d, MEMBER);
    open_chapter(&mut s, 3);
    let i = comment_quoting(&s, "Præmisserne er udledt");
    cursor_on(&mut s, i);
    let head = git(&d.root, &["rev-parse", "HEAD"]);
    dispatch(&mut s, Action::ConfirmAnchor);
    let text = screen(&s);
    assert!(text.contains("skribenter"), "{text}");
    assert_eq!(git(&d.root, &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_writer_confirms_from_the_thread() {
    let d = demo();
    let mut s = state(&d, WRITER);
    open_chapter(&mut s, 5);
    let i = comment_quoting(&s, "Kommunerne varetager hovedparten");
    let id = s.ws.comments[i].id.clone();
    cursor_on(&mut s, i);
    dispatch(&mut s, Action::Open);
    assert!(screen(&s).contains("b bekræfter placeringen"));
    dispatch(&mut s, Action::ConfirmAnchor);
    assert!(s.popup.is_none());
    let text = screen(&s);
    assert!(text.contains("Placeringen er bekræftet"), "{text}");
    // Placed exactly now, on the edited words.
    let i = s.ws.comments.iter().position(|c| c.id == id).unwrap();
    assert_eq!(s.reader.anchors.placements[&i].fate, Fate::Exact);
    assert_eq!(
        s.reader.anchors.placements[&i].text.as_deref(),
        Some(
            "Kommunerne varetager langt hovedparten af de rehabiliterende indsatser, når patienten er afsluttet på sygehuset."
        )
    );
    // One commit by the writer with only the comment's file.
    assert_eq!(
        git(&d.root, &["show", "--name-only", "--format=%ae", "HEAD"]).trim(),
        format!("{WRITER}\n\ncomments/{id}.toml")
    );
    let file = git(&d.root, &["show", &format!("HEAD:comments/{id}.toml")]);
    assert!(file.contains("[[target.anchor.history]]"), "{file}");
    assert!(file.contains("change = \"confirmed\""), "{file}");
}

#[test]
fn a_writer_attaches_an_orphaned_comment_to_a_chosen_sentence() {
    let d = demo();
    let mut s = state(&d, WRITER);
    // From the comment list: the orphaned comment on chapter 11.
    dispatch(&mut s, Action::Tab(2));
    let orphan = comment_quoting(&s, "Kunstig intelligens forventes");
    let id = s.ws.comments[orphan].id.clone();
    s.comments_view.selected = s
        .comments_view
        .rows
        .iter()
        .position(|&r| r == orphan)
        .unwrap();
    dispatch(&mut s, Action::AttachAnchor);
    assert_eq!(s.view, oplaeg::tui::state::View::Reader);
    assert_eq!(s.ws.chapters[s.reader.chapter].number, 11);
    let text = screen(&s);
    assert!(text.contains("vælg ny tekst til kommentaren"), "{text}");
    // Choose the first sentence of the chapter's text, then Enter.
    s.reader.cursor = 0;
    dispatch(&mut s, Action::Down);
    let sentence = s.reader.doc.quote(s.reader.cursor, s.reader.cursor);
    dispatch(&mut s, Action::Open);
    assert!(s.reader.anchors.attaching.is_none());
    assert!(screen(&s).contains("knyttet til den nye tekst"));
    let i = s.ws.comments.iter().position(|c| c.id == id).unwrap();
    assert_eq!(s.reader.anchors.placements[&i].fate, Fate::Exact);
    assert_eq!(
        s.reader.anchors.placements[&i].text.as_deref(),
        Some(sentence.as_str())
    );
    assert!(s.reader.unplaced.is_empty());
    let file = git(&d.root, &["show", &format!("HEAD:comments/{id}.toml")]);
    assert!(file.contains("change = \"reattached\""), "{file}");
    assert!(
        file.contains("Kunstig intelligens forventes på sigt"),
        "{file}"
    );
    let subject = git(&d.root, &["log", "-1", "--format=%s"]);
    assert!(
        subject.starts_with("Kommentar fra Region Hovedstaden knyttet til ny tekst"),
        "{subject}"
    );
}

#[test]
fn escape_cancels_choosing_new_words() {
    let d = demo();
    let mut s = state(&d, WRITER);
    open_chapter(&mut s, 11);
    let orphan = comment_quoting(&s, "Kunstig intelligens forventes");
    s.popup = Some(oplaeg::tui::state::Popup::Thread(orphan));
    dispatch(&mut s, Action::AttachAnchor);
    assert_eq!(
        s.reader.anchors.attaching,
        Some(s.ws.comments[orphan].id.clone())
    );
    let head = git(&d.root, &["rev-parse", "HEAD"]);
    dispatch(&mut s, Action::Down);
    dispatch(&mut s, Action::Back);
    assert_eq!(s.reader.anchors.attaching, None);
    assert_eq!(git(&d.root, &["rev-parse", "HEAD"]), head);
    assert!(screen(&s).contains("Fortrudt"));
}

/// Presses a key through the same mapping as the terminal.
fn press(s: &mut State, code: crossterm::event::KeyCode) {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(a) = oplaeg::tui::to_action(s, ev) {
        dispatch(s, a);
    }
}

#[test]
fn several_comments_in_one_place_are_chosen_with_the_arrows() {
    use crossterm::event::KeyCode;
    use oplaeg::tui::state::Popup;
    let d = demo();
    let mut s = state(&d, WRITER);
    // A member adds two more comments on a sentence of chapter 5 that is
    // quoted already, so the paragraph holds at least three threads.
    let quote = "Kommunerne varetager";
    assert!(
        s.ws.chapter("rehabilitering")
            .unwrap()
            .markdown
            .contains(quote)
    );
    let member = oplaeg::ops::Session::new(Store::open(&d.root).unwrap(), Some(MEMBER)).unwrap();
    for body in ["Første ekstra bemærkning.", "Anden ekstra bemærkning."] {
        let target = oplaeg::ops::NewTarget::Chapter {
            chapter: "rehabilitering".into(),
            quote: Some(quote.into()),
        };
        member.add_comment(target, body).unwrap();
    }
    s = state(&d, WRITER);
    open_chapter(&mut s, 5);
    let extra: Vec<usize> = ["Første ekstra", "Anden ekstra"]
        .iter()
        .map(|b| {
            s.ws.comments
                .iter()
                .position(|c| c.body.starts_with(b))
                .unwrap()
        })
        .collect();
    cursor_on(&mut s, extra[0]);
    let here = s.reader.doc.sentences[s.reader.cursor].0;
    let list = s.reader.markers[&here].clone();
    assert!(list.len() >= 2 && list.contains(&extra[1]), "{list:?}");

    press(&mut s, KeyCode::Enter);
    assert!(matches!(&s.popup, Some(Popup::Markers(l, 0)) if *l == list));
    let shown = screen(&s);
    assert!(
        shown.contains(&format!("{} kommentarer her", list.len())),
        "{shown}"
    );
    assert!(shown.contains(&format!("▶ 1/{}", list.len())), "{shown}");

    // ↓ chooses the next thread (and stops at the last), ↑ goes back.
    let last = list.len() - 1;
    for _ in 0..list.len() + 2 {
        press(&mut s, KeyCode::Down);
    }
    assert!(matches!(&s.popup, Some(Popup::Markers(_, n)) if *n == last));
    let shown = screen(&s);
    assert!(
        shown.contains(&format!("▶ {}/{}", last + 1, list.len())),
        "{shown}"
    );
    let second = list.iter().position(|&i| i == extra[1]).unwrap();
    while matches!(&s.popup, Some(Popup::Markers(_, n)) if *n > second) {
        press(&mut s, KeyCode::Up);
    }

    // Enter opens the chosen thread, not the first.
    press(&mut s, KeyCode::Enter);
    assert!(matches!(s.popup, Some(Popup::Thread(i)) if i == extra[1]));
    let shown = screen(&s);
    assert!(shown.contains("Anden ekstra bemærkning."), "{shown}");
    // The writer's footer offers no editing of someone else's comment, but
    // a reply and a resolution.
    assert!(shown.contains(" r  svar"), "{shown}");
    assert!(!shown.contains(" e  ret"), "{shown}");
    assert!(!shown.contains(" w  træk tilbage"), "{shown}");
    press(&mut s, KeyCode::Esc);
    assert!(s.popup.is_none());
}
