//! Hostile text is harmless: a workspace whose every text field (titles,
//! names, organisations, chapters, recommendations, comments, quotes,
//! resolutions, commit and tag messages, tag names, file names) carries
//! terminal escape sequences, control characters, bidi overrides, invisible
//! characters and NUL. Every text output of the command line and every cell
//! the terminal UI draws is checked byte for byte; JSON keeps the text exact.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::DateTime;
use common::*;
use oplaeg::model::{
    Anchor, Author, Comment, CommentStatus, Config, Disposition, Horizon, Meeting, Recommendation,
    Resolution, Role, Target, to_toml,
};
use oplaeg::ops::NewTarget;
use oplaeg::text::is_unsafe_for_terminal;
use oplaeg::tui::state::{Popup, View};
use oplaeg::tui::{Action, State, dispatch, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Everything a terminal could be tricked with: colours, an OSC 52
/// clipboard write, an OSC 0 title change, clear screen and cursor home,
/// bidi override and isolate, zero-width characters, a BOM, NUL, DEL, a C1
/// CSI, tab, carriage return, bell, an invisible tag character.
const H: &str = "\u{1b}[31mRØD\u{1b}[0m \u{1b}]52;c;aGFjaw==\u{7} \u{1b}]0;titel\u{7} \u{1b}[2J\u{1b}[H \u{202E}txt.exe\u{202C} \u{2066}iso\u{2069} zw\u{200B}sp\u{200D} bom\u{FEFF} nul\0 del\u{7f} c1\u{9b}31m tab\tcr\r bell\u{7} tag\u{E0041}";

/// The same without what git refuses in a name (NUL, line breaks).
fn h_name(prefix: &str) -> String {
    format!("{prefix} {}", H.replace(['\0', '\r', '\n'], ""))
}

/// Hostile text that can pass through a command line argument (no NUL).
fn h_arg() -> String {
    H.replace('\0', "")
}

const T: &str = "2024-06-01T12:00:00+02:00";

struct Hostile {
    ws: Ws,
    /// The hostile comment by the writer (edited in the UI test).
    writers_comment: String,
    chapter_title: String,
}

fn hostile() -> Hostile {
    let ws = Ws::sample();
    let time = DateTime::parse_from_rfc3339(T).unwrap();

    // oplaeg.toml: title, members, horizon labels and meetings.
    let mut config: Config = toml::from_str(&ws.read("oplaeg.toml")).unwrap();
    config.title = format!("Titel {H}");
    for m in &mut config.members {
        m.name = h_name(&m.name);
        m.organisation = format!("{} {H}", m.organisation);
    }
    config.members.push(member(
        &h_name("Skjult"),
        "rev\u{1b}[2J\u{202e}@x.example",
        H,
        Role::Reviewer,
    ));
    config.horizons.short.label = format!("kort {H}");
    config.horizons.medium.label = format!("mellem {H}");
    config.horizons.long.label = format!("lang {H}");
    config.meetings = vec![
        Meeting {
            number: 3,
            date: "2024-06-06".parse().unwrap(),
            title: format!("3. møde {H}"),
            deadline: None,
        },
        Meeting {
            number: 4,
            date: "2099-08-28".parse().unwrap(),
            title: format!("4. møde {H}"),
            deadline: Some("2099-08-21".parse().unwrap()),
        },
    ];
    ws.write("oplaeg.toml", &to_toml(&config));

    // A chapter with a hostile title and body, a recommendation with every
    // field hostile.
    let chapter_title = format!("Kapitel {}", h_name(""));
    ws.write(
        "drafts/03-fjendtlig.md",
        &format!(
            "# {chapter_title}\n\nFørste sætning med {H} indeni. Anden sætning.\n\n- punkt {H}\n\n`kode {H}`\n"
        ),
    );
    let mut rec = Recommendation::new("fjendtlig", &format!("Anbefaling {H}"), Horizon::Short, H);
    rec.goal = format!("Mål {H}");
    rec.realizability = format!("Realiserbarhed {H}");
    rec.kraeftplan_iv = Some(format!("IV {H}"));
    rec.chapters = vec!["fjendtlig".into(), format!("findes-ikke")];
    ws.write("recommendations/fjendtlig.toml", &rec.to_file());
    ws.write(
        "priority.toml",
        "order = [\"fjendtlig\", \"tidlig-diagnostik\", \"rehabilitering-til-alle\"]\n",
    );

    // A resolved comment from a hostile author, with a quote and a reply.
    let comment = Comment {
        id: String::new(),
        created: time,
        body: format!("Krop {H}\nlinje to {H}"),
        status: CommentStatus::Resolved,
        reply_to: None,
        author: Author {
            name: h_name("Fremmed"),
            email: "fremmed\u{1b}[5m@x.example".into(),
            organisation: format!("Org {H}"),
        },
        target: Target {
            chapter: Some("fjendtlig".into()),
            recommendation: None,
            anchor: Some(Anchor {
                quote: format!("Citat {H}"),
                before: H.into(),
                after: H.into(),
                commit: H.into(),
                unique: true,
                history: Vec::new(),
            }),
        },
        resolution: Some(Resolution {
            disposition: Disposition::PartlyMet,
            response: format!("Svar {H}"),
            by: H.into(),
            at: time,
        }),
        suggestion: None,
    };
    ws.write(
        "comments/01j00000000000000000000h01.toml",
        &comment.to_file(),
    );
    let mut on_missing = comment.clone();
    on_missing.target = Target {
        chapter: None,
        recommendation: Some(format!("x{H}")),
        anchor: None,
    };
    on_missing.status = CommentStatus::Open;
    on_missing.resolution = None;
    ws.write(
        "comments/01j00000000000000000000h02.toml",
        &on_missing.to_file(),
    );
    // A broken comment file whose error quotes hostile text, and a file name
    // no comment may have.
    ws.write(
        "comments/01j00000000000000000000h03.toml",
        &format!("status = {}\n", toml::Value::String(H.into())),
    );
    ws.write(&format!("comments/{}.toml", h_name("navn")), "x = 1\n");
    ws.git_commit_all_as(WRITER_NAME, WRITER, T, &format!("Fjendtlig {}", h_arg()));

    // Through the app: a comment quoting the hostile chapter, a reply.
    let writer = ws.session_at(WRITER, T);
    let quoted = writer
        .add_comment(
            NewTarget::Chapter {
                chapter: "fjendtlig".into(),
                quote: Some(format!("Første sætning med {H} indeni.")),
            },
            &format!("Skribentens {H}"),
        )
        .unwrap();
    ws.session_at(MEMBER, T)
        .reply("01j00000000000000000000h01", &format!("Svar {H}"))
        .unwrap();

    // A member's commit that breaks the roles, from a hostile name, and
    // meeting tags with hostile messages; a tag with a bidi name.
    ws.write("drafts/01-indledning.md", &format!("# Indledning\n\n{H}\n"));
    ws.git_commit_all_as(&h_name("Jens"), MEMBER, T, &format!("Medlem {}", h_arg()));
    ws.git_env(
        &[
            "tag",
            "-a",
            "meeting/3",
            "-m",
            &format!("3. møde {}\n\nDato: 2024-06-06", h_arg()),
        ],
        &author_env(WRITER_NAME, WRITER, T),
    );
    ws.git(&["tag", "v\u{202e}1"]);
    Hostile {
        ws,
        writers_comment: quoted.id,
        chapter_title,
    }
}

fn oplaeg(ws: &Ws, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, &ws.home);
    cmd.env("LANG", "da_DK.UTF-8")
        .arg("--repo")
        .arg(&ws.root)
        .args(args)
        .output()
        .unwrap()
}

/// Asserts that bytes a program wrote are UTF-8 with nothing a terminal
/// would interpret: no ESC, no control character but the newline, no DEL
/// or C1, no bidi or invisible formatting character.
#[track_caller]
fn assert_harmless(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| c != '\n' && is_unsafe_for_terminal(c))
    {
        let from = text[..at].char_indices().rev().nth(30).map_or(0, |x| x.0);
        panic!(
            "{what}: raw U+{:04X} at byte {at}, after {:?}",
            c as u32,
            &text[from..at]
        );
    }
}

#[test]
fn the_command_lines_text_output_is_escaped_and_json_is_exact() {
    let h = hostile();
    let ws = &h.ws;
    let loaded = ws.load_head();
    assert_eq!(loaded.chapter("fjendtlig").unwrap().title, h.chapter_title);
    let ids: Vec<String> = loaded.comments.iter().map(|c| c.id.clone()).collect();
    assert!(ids.len() >= 4, "{ids:?}");

    let mut commands: Vec<Vec<String>> = [
        "status",
        "chapters",
        "rec list",
        "comment list",
        "member list",
        "meeting list",
        "log",
        "verify",
    ]
    .iter()
    .map(|c| c.split(' ').map(str::to_string).collect())
    .collect();
    for c in &loaded.chapters {
        commands.push(vec!["chapter".into(), c.slug.clone()]);
    }
    for r in &loaded.recommendations {
        commands.push(vec!["rec".into(), "show".into(), r.slug.clone()]);
    }
    for id in &ids {
        commands.push(vec!["comment".into(), "show".into(), id.clone()]);
    }
    // Errors that echo what was typed.
    let arg = h_arg();
    commands.push(vec!["chapter".into(), arg.clone()]);
    commands.push(vec!["rec".into(), "show".into(), arg.clone()]);
    commands.push(vec!["comment".into(), "show".into(), arg.clone()]);
    commands.push(vec![
        "comment".into(),
        "list".into(),
        "--status".into(),
        arg.clone(),
    ]);
    commands.push(vec!["verify".into(), arg.clone()]);
    commands.push(vec![
        "--as".into(),
        arg.clone(),
        "comment".into(),
        "add".into(),
        "--chapter".into(),
        "1".into(),
        "--body".into(),
        "x".into(),
    ]);
    commands.push(vec![
        "--as".into(),
        WRITER.into(),
        "comment".into(),
        "add".into(),
        "--chapter".into(),
        "fjendtlig".into(),
        "--quote".into(),
        format!("findes ikke {arg}"),
        "--body".into(),
        arg.clone(),
    ]);
    let mut saw_hostile_output = 0;
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = oplaeg(ws, &args);
        assert_harmless(&format!("oplaeg {args:?} stdout"), &out.stdout);
        assert_harmless(&format!("oplaeg {args:?} stderr"), &out.stderr);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        // The hostile text is shown, visibly escaped – not dropped (tables
        // cut long cells, so they may show only its start).
        if args != ["chapter", "rehabilitering"] {
            assert!(
                all.contains("\\u{1b}"),
                "oplaeg {args:?} shows no escape:\n{all}"
            );
        }
        if all.contains("\\u{1b}]52;c;aGFjaw==\\u{7}") {
            saw_hostile_output += 1;
        }
    }
    assert!(
        saw_hostile_output >= commands.len() - 7,
        "outputs show the whole escaped text ({saw_hostile_output} of {})",
        commands.len()
    );
    let status = oplaeg(ws, &["status"]);
    assert!(text(&status.stdout).contains("\\u{202e}txt.exe\\u{202c}"));
    let verify = oplaeg(ws, &["verify"]);
    assert_eq!(
        verify.status.code(),
        Some(1),
        "the member's commit is refused"
    );
    assert!(text(&verify.stdout).contains("Jens \\u{1b}[31mRØD"));

    // JSON: the same text exactly, and still nothing raw in the bytes.
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let out = oplaeg(ws, &all);
        assert_harmless(&format!("json {args:?}"), &out.stdout);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let comments = json(&["comment", "list"]);
    let first = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "01j00000000000000000000h01")
        .unwrap();
    assert_eq!(first["body"], format!("Krop {H}\nlinje to {H}"));
    assert_eq!(first["target"]["anchor"]["quote"], format!("Citat {H}"));
    assert_eq!(first["author"]["name"], h_name("Fremmed"));
    assert_eq!(first["resolution"]["response"], format!("Svar {H}"));
    let members = json(&["member", "list"]);
    assert_eq!(members[4]["organisation"], H);
    assert_eq!(members[4]["email"], "rev\u{1b}[2J\u{202e}@x.example");
    let status = json(&["status"]);
    assert_eq!(status["title"], format!("Titel {H}"));
    let chapter = json(&["chapter", "fjendtlig"]);
    assert_eq!(chapter["title"], h.chapter_title);
    let recs = json(&["rec", "show", "fjendtlig"]);
    assert_eq!(recs["text"], H);
    assert_eq!(recs["horizon_label"], format!("kort {H}"));
    let log = json(&["log"]);
    assert_eq!(log[0]["author"], h_name("Jens"));
    assert_eq!(log[0]["summary"], format!("Medlem {}", h_arg()));
    let meetings = json(&["meeting", "list"]);
    assert_eq!(meetings[0]["title"], format!("3. møde {H}"));
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Draws the UI and asserts that no cell holds a character a terminal
/// would interpret.
#[track_caller]
fn assert_screen_harmless(state: &State, what: &str) -> String {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut screen = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let symbol = buf[(x, y)].symbol();
            if let Some(c) = symbol.chars().find(|&c| is_unsafe_for_terminal(c)) {
                panic!(
                    "{what}: cell ({x},{y}) holds U+{:04X} in {symbol:?}",
                    c as u32
                );
            }
            screen.push_str(symbol);
        }
        screen.push('\n');
    }
    screen
}

#[test]
fn the_terminal_ui_draws_no_raw_control_or_bidi_character() {
    let h = hostile();
    let ws = &h.ws;
    for (w, hgt) in [(120, 40), (80, 24)] {
        let mut s = State::new(ws.store(), Some(WRITER.to_string()), w, hgt).unwrap();
        let mut seen_escaped = false;
        let mut check = |s: &State, what: &str| {
            let screen = assert_screen_harmless(s, &format!("{what} at {w}×{hgt}"));
            seen_escaped |= screen.contains("\\u{1b}");
        };
        check(&s, "start");
        // Every tab, every chapter (the reader with the hostile chapter).
        for tab in 0..5 {
            dispatch(&mut s, Action::Tab(tab));
            check(&s, &format!("tab {tab}"));
        }
        dispatch(&mut s, Action::Tab(0));
        for _ in 0..s.ws.chapters.len() {
            dispatch(&mut s, Action::Down);
            check(&s, "chapter");
        }
        // The reader's markers and their thread.
        let hostile_chapter =
            s.ws.chapters
                .iter()
                .position(|c| c.slug == "fjendtlig")
                .unwrap();
        oplaeg::tui::update::select_chapter(&mut s, hostile_chapter);
        dispatch(&mut s, Action::Focus);
        for _ in 0..4 {
            dispatch(&mut s, Action::NextMarker);
            dispatch(&mut s, Action::Open);
            check(&s, "markers / thread in the reader");
            dispatch(&mut s, Action::Back);
        }
        // Recommendations: every one in the detail pane.
        dispatch(&mut s, Action::Tab(1));
        for _ in 0..s.ws.recommendations.len() {
            check(&s, "recommendation");
            dispatch(&mut s, Action::Down);
        }
        // Comments: every thread, beside the list and as a popup.
        dispatch(&mut s, Action::Tab(2));
        for _ in 0..s.comments_view.rows.len() {
            check(&s, "comment");
            dispatch(&mut s, Action::Open);
            check(&s, "thread popup");
            dispatch(&mut s, Action::Back);
            dispatch(&mut s, Action::Down);
        }
        // Filters whose titles carry hostile organisations and places.
        for _ in 0..3 {
            dispatch(&mut s, Action::FilterOrganisation);
            check(&s, "organisation filter");
            dispatch(&mut s, Action::FilterPlace);
            check(&s, "place filter");
        }
        dispatch(&mut s, Action::Back);
        // History: every commit opened.
        dispatch(&mut s, Action::Tab(4));
        for _ in 0..s.log.len().min(12) {
            dispatch(&mut s, Action::Open);
            check(&s, "history detail");
            dispatch(&mut s, Action::Down);
        }
        dispatch(&mut s, Action::Tab(3));
        check(&s, "timeline");
        dispatch(&mut s, Action::Help);
        check(&s, "help");
        dispatch(&mut s, Action::Back);

        // The editor, opened on the writer's own hostile comment: shown
        // escaped, so saving keeps exactly what was seen.
        dispatch(&mut s, Action::Tab(2));
        let row = s
            .comments_view
            .rows
            .iter()
            .position(|&i| s.ws.comments[i].id == h.writers_comment)
            .unwrap();
        s.comments_view.selected = row;
        dispatch(&mut s, Action::EditComment);
        assert!(matches!(s.popup, Some(Popup::Compose(_))));
        check(&s, "editor");
        dispatch(&mut s, Action::Back);
        // An error that echoes hostile text.
        s.popup = Some(Popup::Error(format!("Fejl {H}")));
        check(&s, "error popup");
        s.popup = None;
        s.message = Some(format!("Besked {H}"));
        check(&s, "status line");
        assert_eq!(s.view, View::Comments);
        assert!(seen_escaped, "the hostile text is shown escaped");
    }
}

#[test]
fn a_hostile_draft_is_offered_back_harmlessly() {
    let h = hostile();
    let draft = oplaeg::tui::state::Draft {
        target: oplaeg::tui::state::ComposeTarget::Chapter("fjendtlig".into()),
        text: format!("Kladde {H}"),
    };
    let path: &Path = &h.ws.root.join(".git/oplaeg-kladde.json");
    std::fs::write(path, serde_json::to_string(&draft).unwrap()).unwrap();
    let mut s = State::new(h.ws.store(), Some(WRITER.to_string()), 100, 30).unwrap();
    assert!(matches!(s.popup, Some(Popup::DraftOffer(_))));
    assert_screen_harmless(&s, "draft offer");
    dispatch(&mut s, Action::Open);
    assert!(matches!(s.popup, Some(Popup::Compose(_))));
    assert_screen_harmless(&s, "draft in the editor");
}
