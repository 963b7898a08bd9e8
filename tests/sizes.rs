//! Sizes: a workspace with 200 chapters, 10,000 comments and a 1 MB comment
//! loads, lists and shows on the command line, and draws in the terminal UI.
//! Not timed (speed is measured by the benchmarks in examples/); this checks
//! that nothing breaks, truncates or refuses at these sizes.

mod common;

use std::process::{Command, Output};

use chrono::DateTime;
use common::tui::screen as draw;
use common::*;
use oplaeg::model::{Anchor, Author, Comment, CommentStatus, Disposition, Resolution, Target};
use oplaeg::tui::state::Popup;
use oplaeg::tui::{Action, State, dispatch};

const CHAPTERS: usize = 200;
const COMMENTS: usize = 10_000;

fn id(n: usize) -> String {
    format!("01j{n:023}")
}

/// The 1 MB comment: one very long first line, then many ordinary ones.
fn big_body() -> String {
    let mut body = "Lang første linje ".repeat(20_000);
    body.push('\n');
    let line = "En linje i en meget lang kommentar om rehabilitering og senfølger.\n";
    while body.len() < 1_048_576 {
        body.push_str(line);
    }
    body.push_str("Sidste linje.");
    body
}

fn big_workspace() -> (Ws, String) {
    let ws = Ws::sample();
    let time = DateTime::parse_from_rfc3339("2024-06-01T10:00:00+02:00").unwrap();
    for n in 3..3 + CHAPTERS - 2 {
        ws.write(
            &format!("drafts/{n:03}-kapitel-{n}.md"),
            &format!(
                "# Kapitel {n}\n\nKapitel {n} handler om sit emne. Det har to sætninger.\n\n- et punkt i kapitel {n}\n"
            ),
        );
    }
    let author = Author {
        name: MEMBER_NAME.into(),
        email: MEMBER.into(),
        organisation: MEMBER_ORG.into(),
    };
    for n in 0..COMMENTS {
        let chapter = 3 + n % (CHAPTERS - 2);
        let resolved = n % 7 == 0;
        let c = Comment {
            id: String::new(),
            created: time,
            body: format!("Kommentar nummer {n} til kapitel {chapter}."),
            status: if resolved {
                CommentStatus::Resolved
            } else {
                CommentStatus::Open
            },
            reply_to: (n % 5 == 4).then(|| id(n - 1)),
            author: author.clone(),
            target: Target {
                chapter: Some(format!("kapitel-{chapter}")),
                recommendation: None,
                anchor: (n % 3 == 0).then(|| Anchor {
                    quote: "Det har to sætninger.".into(),
                    before: String::new(),
                    after: String::new(),
                    commit: "0".into(),
                    unique: false,
                    history: Vec::new(),
                }),
            },
            resolution: resolved.then(|| Resolution {
                disposition: Disposition::Noted,
                response: "Taget til efterretning.".into(),
                by: WRITER.into(),
                at: time,
            }),
            suggestion: None,
        };
        // Replies are never resolved themselves.
        let mut c = c;
        if c.reply_to.is_some() {
            c.status = CommentStatus::Open;
            c.resolution = None;
        }
        ws.write(&format!("comments/{}.toml", id(n)), &c.to_file());
    }
    let big_id = id(COMMENTS);
    let big = Comment {
        id: String::new(),
        created: time,
        body: big_body(),
        status: CommentStatus::Open,
        reply_to: None,
        author,
        target: Target {
            chapter: Some("rehabilitering".into()),
            recommendation: None,
            anchor: None,
        },
        resolution: None,
        suggestion: None,
    };
    ws.write(&format!("comments/{big_id}.toml"), &big.to_file());
    ws.git_commit_all_as(WRITER_NAME, WRITER, "2024-06-01T12:00:00+02:00", "Stort");
    (ws, big_id)
}

fn oplaeg(ws: &Ws, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oplaeg"));
    isolate(&mut cmd, &ws.home);
    let out = cmd
        .env("LANG", "da_DK.UTF-8")
        .arg("--repo")
        .arg(&ws.root)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oplaeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn two_hundred_chapters_ten_thousand_comments_and_a_megabyte_comment() {
    let (ws, big_id) = big_workspace();
    let loaded = ws.load_head();
    assert_eq!(loaded.chapters.len(), CHAPTERS);
    assert_eq!(loaded.comments.len(), COMMENTS + 1);
    assert!(loaded.problems.is_empty(), "{:?}", &loaded.problems[..3]);
    assert_eq!(loaded.comment(&big_id).unwrap().body, big_body());

    // The command line.
    let status: serde_json::Value =
        serde_json::from_slice(&oplaeg(&ws, &["--format", "json", "status"]).stdout).unwrap();
    assert_eq!(status["chapters"], CHAPTERS);
    let replies = COMMENTS / 5;
    let resolved = (0..COMMENTS).filter(|n| n % 7 == 0 && n % 5 != 4).count();
    assert_eq!(status["comments"]["replies"], replies);
    assert_eq!(status["comments"]["resolved"], resolved);
    assert_eq!(
        status["comments"]["open"],
        COMMENTS + 1 - replies - resolved
    );
    let chapters = stdout(&oplaeg(&ws, &["chapters"]));
    assert_eq!(chapters.lines().count(), CHAPTERS + 1);
    assert!(chapters.contains("Kapitel 200"));
    assert!(stdout(&oplaeg(&ws, &["chapter", "200"])).starts_with("# Kapitel 200"));
    let list = stdout(&oplaeg(&ws, &["comment", "list"]));
    assert_eq!(list.lines().count(), COMMENTS + 1 + 2);
    assert!(
        list.trim_end().ends_with("10001 kommentarer"),
        "{}",
        &list[list.len() - 80..]
    );
    let open = stdout(&oplaeg(&ws, &["comment", "list", "--chapter", "200"]));
    assert!(open.contains(&id(197)));
    let shown = stdout(&oplaeg(&ws, &["comment", "show", &big_id]));
    assert!(shown.len() > 1_048_576, "the whole comment is shown");
    assert!(shown.contains("Sidste linje."));
    let json: serde_json::Value = serde_json::from_slice(
        &oplaeg(&ws, &["--format", "json", "comment", "show", &big_id]).stdout,
    )
    .unwrap();
    assert_eq!(json[0]["body"], big_body());
    let thread = stdout(&oplaeg(&ws, &["comment", "show", &id(3)]));
    assert!(thread.contains(&id(4)), "the reply is in the thread");

    // The terminal UI.
    let mut s = State::new(ws.store(), Some(MEMBER.to_string()), 120, 40).unwrap();
    // A member starts on Mit overblik; this checks the reader.
    s.view = oplaeg::tui::state::View::Reader;
    assert!(draw(&s).contains("Kapitler"));
    dispatch(&mut s, Action::Bottom);
    let screen = draw(&s);
    assert!(screen.contains("Kapitel 200"), "{screen}");
    dispatch(&mut s, Action::Tab(2));
    assert_eq!(s.comments_view.rows.len(), COMMENTS + 1 - replies);
    // Newest first: the big comment is at the top, its thread beside it.
    let screen = draw(&s);
    assert!(screen.contains("Lang første linje"), "{screen}");
    dispatch(&mut s, Action::Open);
    assert!(matches!(s.popup, Some(Popup::Thread(_))));
    assert!(draw(&s).contains("Lang første linje"));
    dispatch(&mut s, Action::Back);
    dispatch(&mut s, Action::Bottom);
    let screen = draw(&s);
    assert!(
        screen.contains("Kommentar nummer 0 til kapitel 3."),
        "{screen}"
    );
    dispatch(&mut s, Action::FilterStatus);
    draw(&s);
    for tab in [1, 3, 4] {
        dispatch(&mut s, Action::Tab(tab));
        draw(&s);
    }
    // The member edits the big comment: the editor opens on all of it.
    dispatch(&mut s, Action::Tab(2));
    dispatch(&mut s, Action::Back);
    dispatch(&mut s, Action::Top);
    dispatch(&mut s, Action::EditComment);
    match &s.popup {
        Some(Popup::Compose(c)) => assert_eq!(c.text(), big_body()),
        _ => panic!("the editor should open on the big comment"),
    }
    draw(&s);
}
