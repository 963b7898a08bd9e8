//! The export popup in the terminal UI, driven through `update` and drawn
//! with ratatui's TestBackend: choosing, typing a file name, confirming an
//! overwrite, and the file that comes out.

mod common;
use common::tui::screen;
use oplaeg::store::Store;
use oplaeg::tui::state::Popup;
use oplaeg::tui::{Action, State, dispatch};

const REVIEWER: &str = "rasmus.winther@sds.example";

/// Puts the cursor on the file name and replaces it with `path`.
fn type_path(s: &mut State, path: &str) {
    while !matches!(&s.popup, Some(Popup::Export(f)) if f.field == 3) {
        dispatch(s, Action::Down);
    }
    let len = match &s.popup {
        Some(Popup::Export(f)) => f.path.chars().count(),
        _ => panic!("the export popup is open"),
    };
    for _ in 0..len {
        dispatch(s, Action::SearchBackspace);
    }
    for c in path.chars() {
        dispatch(s, Action::SearchChar(c));
    }
}

#[test]
fn a_reviewer_exports_from_the_popup_and_confirms_an_overwrite() {
    let (tmp, root) = common::tui::demo_in_tempdir();
    let mut s = State::new(
        Store::open(&root).unwrap(),
        Some(REVIEWER.to_string()),
        80,
        24,
    )
    .unwrap();

    // Reading is enough to export: a reviewer may.
    dispatch(&mut s, Action::Export);
    let text = screen(&s);
    for part in [
        "Eksportér",
        "Høringsnotat",
        "Word (.docx)",
        "alle kommentarer",
        "Enter eksporterer",
    ] {
        assert!(text.contains(part), "{part:?} on screen:\n{text}");
    }
    // Esc closes without writing anything.
    dispatch(&mut s, Action::Back);
    assert!(s.popup.is_none());

    // The oplæg as Markdown with changes since meeting 3, to a typed name.
    dispatch(&mut s, Action::Export);
    dispatch(&mut s, Action::ChoiceRight); // Oplæg
    dispatch(&mut s, Action::Down);
    dispatch(&mut s, Action::ChoiceRight); // Word → Markdown
    dispatch(&mut s, Action::Down);
    dispatch(&mut s, Action::ChoiceRight); // since meeting 3
    let text = screen(&s);
    assert!(
        text.contains("Oplæg") && text.contains("Markdown (.md)"),
        "{text}"
    );
    assert!(text.contains("siden udkastet til møde 3"), "{text}");
    let out = tmp.path().join("oplaeg-udkast.md");
    type_path(&mut s, &out.display().to_string());
    dispatch(&mut s, Action::Open);
    assert!(s.busy.is_none(), "the job ran");
    let Some(Popup::Info(done)) = &s.popup else {
        panic!("the result is shown: {}", screen(&s))
    };
    assert!(
        done.contains("Oplægget er gemt i") && done.contains("oplaeg-udkast.md"),
        "{done}"
    );
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("# Fagligt oplæg til Kræftplan V"));
    assert!(
        md.contains("<ins>") && md.contains("<del>"),
        "changes are marked"
    );
    dispatch(&mut s, Action::Back);

    // Again to the same file: the first Enter only asks.
    std::fs::write(&out, "gammel").unwrap();
    dispatch(&mut s, Action::Export);
    type_path(&mut s, &out.display().to_string());
    // Typing a name ending in .md chose Markdown.
    assert!(screen(&s).contains("Markdown (.md)"), "{}", screen(&s));
    dispatch(&mut s, Action::Open);
    assert!(screen(&s).contains("findes allerede"), "{}", screen(&s));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "gammel");
    // The file name follows the format; a name that names another is refused.
    dispatch(&mut s, Action::Up);
    dispatch(&mut s, Action::Up);
    dispatch(&mut s, Action::ChoiceLeft); // Markdown → Word: oplaeg-udkast.docx
    let Some(Popup::Export(form)) = &s.popup else {
        panic!()
    };
    assert!(form.path.ends_with("oplaeg-udkast.docx"), "{}", form.path);
    dispatch(&mut s, Action::ChoiceRight); // back to Markdown
    dispatch(&mut s, Action::Open);
    dispatch(&mut s, Action::Open);
    assert!(matches!(s.popup, Some(Popup::Info(_))), "{}", screen(&s));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('*'));
    dispatch(&mut s, Action::Back);

    // The workspace's own folders are refused, with the reason on screen.
    dispatch(&mut s, Action::Export);
    let bad = root.join("drafts").join("13-notat.docx");
    type_path(&mut s, &bad.display().to_string());
    dispatch(&mut s, Action::Open);
    assert!(
        screen(&s).contains("ligger blandt arbejdsmappens"),
        "{}",
        screen(&s)
    );
    assert!(!bad.exists());
}

/// Git in `dir` with no personal or system configuration.
fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=Mette Holm",
            "-c",
            "user.email=mette.holm@sst.example",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// An export that left files out says so in its message: how many problems,
/// that the document's «Problemer» section names them, and each file, down
/// to the last line of the popup at 80×24.
#[test]
fn the_export_message_counts_the_problems_and_names_each_file() {
    let (tmp, root) = common::tui::demo_in_tempdir();
    // A chapter saved as Latin-1, and a comment file that is not TOML.
    let chapter = "drafts/05-rehabilitering.md";
    let mut latin = std::fs::read(root.join(chapter)).unwrap();
    latin.extend_from_slice(b"\nS\xf8ren skrev \xe6ndringer.\n");
    std::fs::write(root.join(chapter), latin).unwrap();
    let comment = "comments/01j9zzzzzzzzzzzzzzzzzzzzzz.toml";
    std::fs::write(root.join(comment), "body = = \n").unwrap();
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "Ulæselige filer"]);

    let mut s = State::new(
        Store::open(&root).unwrap(),
        Some(REVIEWER.to_string()),
        80,
        24,
    )
    .unwrap();
    dispatch(&mut s, Action::Export);
    let out = tmp.path().join("notat.md");
    type_path(&mut s, &out.display().to_string());
    dispatch(&mut s, Action::Open);
    let Some(Popup::Info(done)) = &s.popup else {
        panic!("the result is shown: {}", screen(&s))
    };
    assert!(done.contains("Høringsnotatet er gemt i"), "{done}");
    // As many as loading the workspace reports (the unreadable chapter, the
    // recommendations that name it, the comment file).
    let problems = Store::open(&root)
        .unwrap()
        .load(&oplaeg::store::Rev::head())
        .unwrap()
        .problems
        .len();
    assert!(problems >= 2, "{problems}");
    let counted = format!("fandt {problems} problemer");
    assert!(done.contains(&counted), "{done}");
    assert!(done.contains("«Problemer» sidst i dokumentet"), "{done}");
    assert!(done.contains("05-rehabilitering.md"), "{done}");
    assert!(done.contains(comment), "{done}");
    let doc = std::fs::read_to_string(&out).unwrap();
    assert!(doc.contains("Problemer") && doc.contains(comment), "{doc}");

    // On screen, the count first; the last problem is reached by scrolling.
    let first = screen(&s);
    assert!(first.contains(&counted), "{first}");
    dispatch(&mut s, Action::Bottom);
    let last = screen(&s);
    assert!(last.contains("01j9zzzzzzzz"), "{last}");
}
