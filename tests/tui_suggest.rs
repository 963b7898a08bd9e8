//! Ændringsforslag in the terminal UI at 80×24: a member proposes new
//! wording from the reader, a writer applies it with one key from the
//! thread, and where the words changed since, reads the three texts first.
//! Writes are checked with plain git.

mod common;
use common::git;
use common::tui::{Demo, demo, in_reader, screen};

use oplaeg::ops::Session;
use oplaeg::store::Store;
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{Action, State, dispatch};

const WRITER: &str = "mette.holm@sst.example";
const MEMBER: &str = "jens.noergaard@rm.example";

fn state(d: &Demo, email: &str) -> State {
    let mut s = in_reader(&d.root, email, 80, 24);
    // Drawn without colour, so the signs [-…-] and {+…+} show.
    s.theme.color = false;
    s
}

/// Chapter 5 in the reader, the cursor on its first sentence (after the title).
fn chapter_five(s: &mut State) {
    for _ in 0..4 {
        dispatch(s, Action::Down);
    }
    dispatch(s, Action::Focus);
    dispatch(s, Action::Down);
    assert_eq!(s.view, View::Reader);
}

/// The first sentence of chapter 5 and its chapter's slug and file.
fn first_sentence(d: &Demo) -> (String, String, String) {
    let mut s = state(d, MEMBER);
    chapter_five(&mut s);
    let ch = &s.ws.chapters[s.reader.chapter];
    (s.reader.doc.quote(1, 1), ch.slug.clone(), ch.file.clone())
}

/// The proposal: the quote's first word replaced.
fn reworded(quote: &str, first: &str) -> String {
    let rest = quote.split_once(' ').map_or("", |(_, r)| r);
    format!("{first} {rest}")
}

fn open_thread(s: &mut State, id: &str) {
    let i = s.ws.comments.iter().position(|c| c.id == id).unwrap();
    s.popup = Some(Popup::Thread(i));
    s.popup_scroll = 0;
}

fn chapter_md(d: &Demo, slug: &str) -> String {
    let ws = Store::open(&d.root)
        .unwrap()
        .load(&oplaeg::store::Rev::head())
        .unwrap();
    ws.chapter(slug).unwrap().markdown.clone()
}

fn session(d: &Demo, email: &str) -> Session {
    Session::new(Store::open(&d.root).unwrap(), Some(email)).unwrap()
}

#[test]
fn a_member_proposes_new_wording_from_the_reader() {
    let d = demo();
    let mut s = state(&d, MEMBER);
    chapter_five(&mut s);
    dispatch(&mut s, Action::Help);
    assert!(
        screen(&s).contains("foreslå ny formulering"),
        "{}",
        screen(&s)
    );
    dispatch(&mut s, Action::Back);
    assert!(s.popup.is_none());
    let quote = s.reader.doc.quote(1, 1);
    dispatch(&mut s, Action::Suggest);
    let Some(Popup::Compose(c)) = &s.popup else {
        panic!("the editor opens")
    };
    assert_eq!(c.text(), quote, "prefilled with the quoted words");
    let proposal = reworded(&quote, "Fremover");
    dispatch(&mut s, Action::EditorText(proposal.clone()));
    dispatch(&mut s, Action::Submit);
    assert!(s.popup.is_none(), "saved: {:?}", s.message);
    assert_eq!(
        git(&d.root, &["log", "-1", "--format=%an"]).trim(),
        "Jens Nørgaard"
    );
    let file = git(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
    let file = file.trim();
    assert!(file.starts_with("comments/"), "{file}");
    let toml = git(&d.root, &["show", &format!("HEAD:{file}")]);
    assert!(toml.contains("[suggestion]"), "{toml}");
    assert!(toml.contains(&proposal), "{toml}");

    // The reader marks the paragraph and shows the change at the cursor.
    let reader = screen(&s);
    assert!(reader.contains("✎1"), "{reader}");
    assert!(
        reader.contains("✎ Jens Nørgaard: [-Rehabilitering-]{+Fremover+}"),
        "{reader}"
    );
    // The thread shows the change with its signs and who proposed it.
    let id = file
        .trim_start_matches("comments/")
        .trim_end_matches(".toml");
    open_thread(&mut s, id);
    let text = screen(&s);
    assert!(
        text.contains("Forslag til ny formulering fra Jens"),
        "{text}"
    );
    assert!(text.contains("{+Fremover+}"), "{text}");
    assert!(text.contains("Udfald: afventer skribenterne"), "{text}");
    // A member may not apply it: no key in the footer, and refused.
    assert!(!text.contains("i  indfør"), "{text}");
    let head = git(&d.root, &["rev-parse", "HEAD"]);
    dispatch(&mut s, Action::AcceptSuggestion);
    assert!(matches!(s.popup, Some(Popup::Error(_))));
    assert_eq!(git(&d.root, &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_writer_applies_a_suggestion_with_one_key() {
    let d = demo();
    let (quote, slug, file) = first_sentence(&d);
    let proposal = reworded(&quote, "Fremover");
    let c = session(&d, MEMBER)
        .suggest(&slug, &quote, &proposal, "Klarere.")
        .unwrap();
    let mut s = state(&d, WRITER);
    chapter_five(&mut s);
    open_thread(&mut s, &c.id);
    assert!(screen(&s).contains("i  indfør"), "{}", screen(&s));
    dispatch(&mut s, Action::AcceptSuggestion);
    assert!(s.popup.is_none(), "{:?}", s.message);
    assert_eq!(
        s.message.as_deref(),
        Some("Forslaget er indført i kapitlet og besvaret.")
    );
    let changed = git(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(changed.lines().any(|l| l == file), "{changed}");
    let diff = git(
        &d.root,
        &[
            "show",
            "--format=",
            "--word-diff=plain",
            "HEAD",
            "--",
            &file,
        ],
    );
    let first = quote.split(' ').next().unwrap();
    assert!(
        diff.contains(&format!("[-{first}-]{{+Fremover+}}")),
        "{diff}"
    );
    assert_eq!(diff.matches("{+").count(), 1, "exactly that change: {diff}");
    assert_eq!(diff.matches("[-").count(), 1, "exactly that change: {diff}");
    // The thread now tells the outcome.
    open_thread(&mut s, &c.id);
    assert!(screen(&s).contains("indført i kapitlet"), "{}", screen(&s));
}

#[test]
fn edited_words_show_three_texts_in_a_popup_that_scrolls_to_its_end() {
    let d = demo();
    let (quote, slug, _) = first_sentence(&d);
    let proposal = reworded(&quote, "Fremover");
    let c = session(&d, MEMBER)
        .suggest(&slug, &quote, &proposal, "")
        .unwrap();
    // The writer edits the sentence's last word meanwhile.
    let writer = session(&d, WRITER);
    let md = chapter_md(&d, &slug);
    let last = quote
        .trim_end_matches('.')
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let edited_quote = quote.replacen(&last, "XYZ", 1);
    assert!(md.contains(&last));
    let md = md.replacen(&last, "XYZ", 1);
    writer.revise_chapter(&slug, &md, "Rettet").unwrap();

    let mut s = state(&d, WRITER);
    chapter_five(&mut s);
    open_thread(&mut s, &c.id);
    dispatch(&mut s, Action::AcceptSuggestion);
    assert!(
        matches!(s.popup, Some(Popup::Confirm(_))),
        "{:?}",
        s.message
    );
    let top = screen(&s);
    assert!(top.contains("Det medlemmet så"), "{top}");
    assert!(
        !top.contains("e: ret teksten først"),
        "the popup is longer than the screen: {top}"
    );
    dispatch(&mut s, Action::Bottom);
    let bottom = screen(&s);
    assert!(bottom.contains("e: ret teksten først"), "{bottom}");
    assert!(bottom.contains("Flettet resultat"), "{bottom}");
    // Enter applies the merged text: both edits stand.
    dispatch(&mut s, Action::Open);
    assert!(s.popup.is_none(), "{:?}", s.message);
    let ch = chapter_md(&d, &slug);
    let merged = reworded(&edited_quote, "Fremover");
    assert!(
        oplaeg::text::collapse_ws(&ch).contains(&merged),
        "{ch}\n{merged}"
    );
}

#[test]
fn partly_met_lets_the_writer_edit_the_proposal_before_it_is_written() {
    let d = demo();
    let (quote, slug, file) = first_sentence(&d);
    let proposal = reworded(&quote, "Fremover");
    let c = session(&d, MEMBER)
        .suggest(&slug, &quote, &proposal, "")
        .unwrap();
    let mut s = state(&d, WRITER);
    chapter_five(&mut s);
    open_thread(&mut s, &c.id);
    dispatch(&mut s, Action::Resolve);
    dispatch(&mut s, Action::Disposition(1));
    let Some(Popup::Compose(editor)) = &s.popup else {
        panic!("the editor opens on the proposal")
    };
    assert_eq!(editor.text(), proposal);
    let ours = reworded(&quote, "Fremadrettet");
    dispatch(&mut s, Action::EditorText(ours.clone()));
    dispatch(&mut s, Action::Submit);
    assert!(s.popup.is_none(), "{:?}", s.message);
    let changed = git(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(changed.lines().any(|l| l == file), "{changed}");
    assert!(oplaeg::text::collapse_ws(&chapter_md(&d, &slug)).contains(&ours));
    let toml = git(&d.root, &["show", &format!("HEAD:comments/{}.toml", c.id)]);
    assert!(toml.contains("disposition = \"partly_met\""), "{toml}");
}

/// With colour (no signs), a deleted word and the new word that takes its
/// place are kept apart by a space in the thread and under the reader, so
/// they never read as one word.
#[test]
fn with_colour_replaced_and_new_words_do_not_run_together() {
    let d = demo();
    let (quote, slug, _) = first_sentence(&d);
    let first = quote.split(' ').next().unwrap().to_string();
    let proposal = reworded(&quote, "Fremover");
    let c = session(&d, MEMBER)
        .suggest(&slug, &quote, &proposal, "Klarere.")
        .unwrap();
    let mut s = state(&d, WRITER);
    s.theme.color = true;
    chapter_five(&mut s);
    // Under the reader: the suggestion at the cursor, on the pane's border.
    let text = screen(&s);
    assert!(text.contains(&format!("{first} Fremover")), "{text}");
    assert!(!text.contains(&format!("{first}Fremover")), "{text}");
    open_thread(&mut s, &c.id);
    let text = screen(&s);
    assert!(text.contains(&format!("{first} Fremover")), "{text}");
    assert!(!text.contains(&format!("{first}Fremover")), "{text}");
}
