//! The real binary in a real terminal: tmux runs `oplaeg` on a demo
//! workspace; keys are sent as a person types them and the screen is read
//! back. Afterwards plain git and `oplaeg comment list --format json` must
//! show the comment with the right author and anchor. Needs tmux: skipped
//! loudly without it, required in CI (`.ci/run` installs it).

mod common;
use common::git;
use common::tmux::{demo_session, demo_workspace, session_on, ui_on};

use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_oplaeg");

#[test]
fn a_member_moves_through_every_tab_and_comments_on_a_quote() {
    if !common::tools::available(
        "a_member_moves_through_every_tab_and_comments_on_a_quote",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let (_tmp, root) = demo_workspace();
    let tmux = ui_on(&root, "tabs", "jens.noergaard@rm.example", (120, 40), "");
    tmux.wait_for("Jens Nørgaard · Region Midtjylland · medlem");

    for (key, shows) in [
        ("2", "Prioriterede anbefalinger"),
        ("3", "Tråd"),
        ("4", "i dag"),
        ("5", "[meeting/4]"),
        ("1", "Kapitler"),
    ] {
        tmux.keys(&[key]);
        tmux.wait_for(shows);
    }
    tmux.keys(&["?"]);
    tmux.wait_for("Taster i fanen «Oplæg»");
    tmux.keys(&["Escape"]);

    // Chapter 5, into the text, the second sentence, comment on it.
    tmux.keys(&["j", "j", "j", "j"]);
    tmux.wait_for("▶ 5 Rehabilitering");
    tmux.keys(&["l", "j", "c"]);
    tmux.wait_for("Kommentar til kapitel 5");
    tmux.keys(&["-l", "Husk kommunernes økonomi."]);
    tmux.keys(&["C-s"]);
    tmux.wait_for("Kommentaren er gemt.");
    tmux.keys(&["q"]);

    assert_eq!(
        git(&root, &["log", "-1", "--format=%an <%ae>|%s"]).trim(),
        "Jens Nørgaard <jens.noergaard@rm.example>|Kommentar til kapitel 5 Rehabilitering (Region Midtjylland)"
    );
    let list = Command::new(BIN)
        .args(["--repo"])
        .arg(&root)
        .args([
            "--format",
            "json",
            "comment",
            "list",
            "--chapter",
            "rehabilitering",
        ])
        .output()
        .unwrap();
    let comments: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let mine = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body"] == "Husk kommunernes økonomi.")
        .expect("the comment is listed");
    assert_eq!(mine["author"]["email"], "jens.noergaard@rm.example");
    assert_eq!(mine["author"]["organisation"], "Region Midtjylland");
    let quote = mine["target"]["anchor"]["quote"].as_str().unwrap();
    let chapter = std::fs::read_to_string(root.join("drafts/05-rehabilitering.md")).unwrap();
    let text = oplaeg::text::searchable_text(&chapter);
    assert_eq!(
        text.matches(quote).count(),
        1,
        "the anchor quotes the chapter exactly once: {quote}"
    );
    assert_eq!(
        mine["target"]["anchor"]["commit"].as_str().unwrap().len(),
        40
    );
}

/// The text pane of the Diff tab at 120 columns (right of the 36-column
/// list and its border), rows joined, so wrapped words read in order.
fn diff_pane(screen: &str) -> String {
    let rows: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(39).take(80).collect())
        .collect();
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_diff_tab_compares_meeting_3_with_meeting_4() {
    if !common::tools::available(
        "the_diff_tab_compares_meeting_3_with_meeting_4",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let (_tmp, root) = demo_workspace();
    // Without colour, so the screen itself shows what was deleted and inserted.
    let tmux = ui_on(
        &root,
        "diff",
        "jens.noergaard@rm.example",
        (120, 40),
        "NO_COLOR=1 ",
    );
    tmux.wait_for("Jens Nørgaard · Region Midtjylland · medlem");

    // The Diff tab opens on the last meeting compared with the newest version.
    tmux.keys(&["6"]);
    tmux.wait_for("Fra møde 4");
    tmux.wait_for("Kommentarer fra møde 4 til nyeste (HEAD)");

    // Choose meeting 3 → meeting 4 in the picker.
    tmux.keys(&["f"]);
    tmux.wait_for("Vælg den version, der sammenlignes fra");
    tmux.keys(&["j"]);
    tmux.wait_for("Fra:  møde 3");
    tmux.keys(&["l"]);
    tmux.wait_for("Vælg den version, der sammenlignes med");
    tmux.keys(&["k", "k"]);
    tmux.wait_for("til:  møde 4");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Fra møde 3, 06.06.2024 → til møde 4");

    // The first revised chapter is selected, with its counts from git's history.
    let s = tmux.wait_for("3 Baggrund og metode · 1");
    let changed = git(
        &root,
        &[
            "diff",
            "--name-only",
            "meeting/3",
            "meeting/4",
            "--",
            "drafts",
        ],
    );
    assert!(
        changed.contains("drafts/03-baggrund-og-metode.md"),
        "{changed}"
    );
    assert!(s.contains("+168 −26"), "{s}");

    // n jumps to the first change, n again to the second, N back.
    tmux.keys(&["n"]);
    let s = tmux.wait_for("ændring 1 af");
    assert!(s.contains("{+") || s.contains("[-"), "{s}");
    tmux.keys(&["n"]);
    tmux.wait_for("ændring 2 af");
    tmux.keys(&["N"]);
    tmux.wait_for("ændring 1 af");

    // Chapter 11 in the list: its revised sentence, marked word by word.
    tmux.keys(&["h", "j", "j", "j", "j", "j", "j", "j", "j"]);
    tmux.wait_for("▶11 Teknologi");
    tmux.keys(&["l", "n"]);
    let s = tmux.wait_for("11 Teknologi og kunstig intelligens · ændring 1 af");
    let pane = diff_pane(&s);
    assert!(
        pane.contains("[-en ny mulighed-]{+et nyt redskab+}"),
        "{pane}\n{s}"
    );

    // Side by side: before on the left, after on the right.
    tmux.keys(&["s"]);
    tmux.wait_for("· side om side");
    let s = tmux.wait_for("{+et nyt");
    let row = s
        .lines()
        .find(|l| l.contains("{+et nyt"))
        .expect("a row with the inserted words");
    let (before, after) = row.rsplit_once(" │ ").expect("two columns");
    assert!(before.contains("[-en ny"), "{row}");
    assert!(!before.contains("{+") && !after.contains("[-"), "{row}");
    tmux.keys(&["s"]);
    tmux.wait_for("Før og efter i én tekst.");

    // m: the next comment in the text; Enter shows its thread.
    tmux.keys(&["m"]);
    tmux.wait_for("● Region Hovedstaden ·");
    tmux.keys(&["Enter"]);
    tmux.wait_for("┏ Tråd ");
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);
}

/// The footer: the screen's last line.
fn footer(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_string()
}

#[test]
fn a_writer_moves_7_to_2_with_k_and_enter_in_one_commit() {
    if !common::tools::available(
        "a_writer_moves_7_to_2_with_k_and_enter_in_one_commit",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let (_tmp, root, tmux) = demo_session("order", "mette.holm@sst.example");
    tmux.wait_for("Mette Holm · Sundhedsstyrelsen · skribent");
    let before = git(&root, &["rev-list", "--count", "HEAD"]);
    let seventh = git(&root, &["show", "HEAD:priority.toml"])
        .lines()
        .filter(|l| l.trim_start().starts_with('"'))
        .nth(6)
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == ',').to_string())
        .expect("seven recommendations");
    tmux.keys(&["2"]);
    tmux.wait_for("Prioriterede anbefalinger");
    tmux.keys(&["j", "j", "j", "j", "j", "j"]);
    tmux.wait_for("▶ 7 ");
    tmux.keys(&["K", "K", "K", "K", "K"]);
    tmux.wait_for("▶ 2 ");
    tmux.wait_for("Ikke gemt");
    assert_eq!(
        git(&root, &["rev-list", "--count", "HEAD"]),
        before,
        "K alone writes nothing"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("Den nye rækkefølge er gemt");
    tmux.keys(&["q"]);
    let after: usize = git(&root, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap();
    let before: usize = before.trim().parse().unwrap();
    assert_eq!(after, before + 1, "one decision, one commit");
    let order: Vec<String> = git(&root, &["show", "HEAD:priority.toml"])
        .lines()
        .filter(|l| l.trim_start().starts_with('"'))
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == ',').to_string())
        .collect();
    assert_eq!(order[1], seventh, "{order:?}");
    assert!(
        git(&root, &["log", "-1", "--format=%s"]).starts_with("Ny prioritering af anbefalingerne")
    );
}

#[test]
fn a_writer_plans_a_meeting_and_tags_the_draft_from_the_timeline() {
    if !common::tools::available(
        "a_writer_plans_a_meeting_and_tags_the_draft_from_the_timeline",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let (_tmp, root, tmux) = demo_session("meeting", "mette.holm@sst.example");
    tmux.wait_for("Mette Holm · Sundhedsstyrelsen · skribent");
    tmux.keys(&["4"]);
    tmux.wait_for("Møder og frister");
    tmux.keys(&["m"]);
    tmux.wait_for("Planlæg et møde");
    // The number is filled in (the next one); type the date, keep the title.
    tmux.keys(&["Down"]);
    tmux.keys(&["-l", "2024-10-24"]);
    tmux.keys(&["Down", "Down"]);
    tmux.keys(&["-l", "2024-10-10"]);
    let tags_before = git(&root, &["tag", "--list", "meeting/*"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("er planlagt 2024-10-24");
    let config = git(&root, &["show", "HEAD:oplaeg.toml"]);
    assert!(config.contains("2024-10-24"), "{config}");
    // Choose the new meeting (the last) in the calendar and tag the draft.
    tmux.keys(&["l", "G"]);
    let s = tmux.wait_for("▶□ møde");
    let chosen = s
        .lines()
        .find(|l| l.contains("▶□ møde"))
        .and_then(|l| l.split("møde ").nth(1))
        .and_then(|t| t.split('.').next())
        .unwrap()
        .to_string();
    assert!(s.contains(&format!("▶□ møde {chosen}. 2024-10-24")), "{s}");
    tmux.keys(&["t"]);
    tmux.wait_for("Markér det nuværende udkast");
    tmux.keys(&["j"]);
    tmux.wait_for(&format!("markeret som sendt til møde {chosen}"));
    tmux.keys(&["q"]);
    let tags = git(&root, &["tag", "--list", "meeting/*"]);
    let new: Vec<&str> = tags
        .lines()
        .filter(|t| !tags_before.lines().any(|b| b == *t))
        .collect();
    assert_eq!(new, [format!("meeting/{chosen}")], "{tags}");
    assert_eq!(
        git(
            &root,
            &["rev-parse", &format!("meeting/{chosen}^{{commit}}")]
        ),
        git(&root, &["rev-parse", "HEAD"])
    );
}

#[test]
fn a_reviewer_is_offered_no_write_key() {
    if !common::tools::available("a_reviewer_is_offered_no_write_key", &["tmux"], "tmux") {
        return;
    }
    let (_tmp, _root, tmux) = demo_session("reviewer", "rasmus.winther@sds.example");
    tmux.wait_for("læser");
    // In every tab and in a thread, the footer names no key that writes.
    let write_words = [
        "kommentér",
        "markér",
        "svar",
        "besvar",
        "op ",
        "ned ",
        "horisont",
        "flyt",
        "ret",
        "træk",
        "planlæg",
        "markér sendt",
    ];
    for (key, shows) in [
        ("1", "Kapitler"),
        ("2", "Prioriterede anbefalinger"),
        ("3", "Tråd"),
        ("4", "Møder og frister"),
        ("5", "Historik ("),
    ] {
        tmux.keys(&[key]);
        let s = tmux.wait_for(shows);
        let f = footer(&s);
        assert!(f.contains("hjælp"), "{f}");
        for w in write_words {
            assert!(!f.contains(w), "{key}: «{w}» in the footer: {f}");
        }
    }
    tmux.keys(&["3", "Enter"]);
    let s = tmux.wait_for("┏ Tråd ");
    let f = footer(&s);
    assert!(!f.contains("svar") && !f.contains("besvar"), "{f}");
    tmux.keys(&["Escape", "q"]);
}

/// `oplaeg ARGS` in `dir` with no personal git configuration; must succeed.
fn oplaeg_ok(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("LANG", "da_DK.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oplaeg {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_member_proposes_new_wording_syncs_and_a_writer_applies_it_with_one_key() {
    if !common::tools::available(
        "a_member_proposes_new_wording_syncs_and_a_writer_applies_it_with_one_key",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    const JENS: &str = "jens.noergaard@rm.example";
    const METTE: &str = "mette.holm@sst.example";
    // The demo on a real bare server (made by `oplaeg server init`), and
    // the member and the writer each in a clone of their own.
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    common::tui::demo_at(&top.join("demo"));
    oplaeg_ok(top, &["server", "init", "server.git"]);
    let server = top.join("server.git");
    git(
        &top.join("demo"),
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    oplaeg_ok(&top.join("demo"), &["--as", METTE, "sync"]);
    let url = server.to_str().unwrap();
    oplaeg_ok(top, &["--as", JENS, "clone", url, "jens"]);
    oplaeg_ok(top, &["--as", METTE, "clone", url, "mette"]);
    let (jens, mette) = (top.join("jens"), top.join("mette"));

    let member = session_on(&jens, "suggest", JENS);
    member.wait_for("Jens Nørgaard · Region Midtjylland · medlem");
    // Chapter 5, into the text, its first sentence, propose new wording:
    // the editor holds the quoted words, the cursor at their start.
    // A member starts on Mit overblik; the reader is tab 1.
    member.keys(&["1"]);
    member.keys(&["j", "j", "j", "j"]);
    member.wait_for("▶ 5 Rehabilitering");
    member.keys(&["l", "j", "f"]);
    member.wait_for("Foreslå ny formulering");
    member.keys(&["-l", "Samtidig "]);
    member.keys(&["C-s"]);
    member.wait_for("Forslaget til ny formulering er gemt.");
    // Sent to the server with S.
    member.keys(&["S"]);
    member.wait_for("sendt: 1");
    member.keys(&["Escape", "q"]);
    drop(member);
    let proposed = git(&server, &["rev-parse", "main"]);
    assert_eq!(
        proposed,
        git(&jens, &["rev-parse", "HEAD"]),
        "the server has it"
    );
    assert_eq!(
        git(&server, &["log", "-1", "--format=%an", "main"]).trim(),
        "Jens Nørgaard"
    );

    // The writer takes it in with S, sees it in the thread at the same
    // place, applies it with i, and sends that with S.
    let writer = session_on(&mette, "suggest-w", METTE);
    writer.wait_for("Mette Holm · Sundhedsstyrelsen · skribent");
    writer.keys(&["S"]);
    writer.wait_for("Hentet: 1");
    writer.keys(&["Escape"]);
    writer.keys(&["j", "j", "j", "j"]);
    writer.wait_for("▶ 5 Rehabilitering");
    writer.keys(&["l", "j", "Enter"]);
    writer.wait_for("Forslag til ny formulering fra Jens");
    writer.keys(&["i"]);
    writer.wait_for("Forslaget er indført i kapitlet og besvaret.");
    writer.keys(&["S"]);
    writer.wait_for("sendt: 1");
    writer.keys(&["Escape", "q"]);
    drop(writer);

    // Plain git on the server: one commit by the writer on top of the
    // member's, changing exactly the quoted words of the chapter.
    assert_eq!(git(&server, &["rev-parse", "main~1"]), proposed);
    assert_eq!(
        git(&server, &["log", "-1", "--format=%an", "main"]).trim(),
        "Mette Holm"
    );
    let chapter = "drafts/05-rehabilitering.md";
    let files = git(&server, &["show", "--format=", "--name-only", "main"]);
    assert!(files.lines().any(|f| f == chapter), "{files}");
    let diff = git(
        &server,
        &[
            "show",
            "--format=",
            "--word-diff=plain",
            "main",
            "--",
            chapter,
        ],
    );
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| l.contains("{+") || l.contains("[-"))
        .collect();
    assert_eq!(changed.len(), 1, "{diff}");
    assert!(
        changed[0].contains("{+Samtidig+} Rehabilitering skal"),
        "{diff}"
    );
    assert_eq!(changed[0].matches("{+").count(), 1, "{diff}");
    assert!(!changed[0].contains("[-"), "{diff}");
}

#[test]
fn a_member_syncs_a_writers_answer_and_mit_overblik_shows_it() {
    if !common::tools::available(
        "a_member_syncs_a_writers_answer_and_mit_overblik_shows_it",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    use oplaeg::ops::{self, Session, mine};
    use oplaeg::store::Store;
    const JENS: &str = "jens.noergaard@rm.example";
    const WRITER: &str = "mette.holm@sst.example";
    let (tmp, root) = common::tui::demo_in_tempdir();
    let server = tmp.path().join("server.git");
    git(
        tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "--initial-branch=main",
            "server.git",
        ],
    );
    git(
        &root,
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    let jens = Session::new(Store::open(&root).unwrap(), Some(JENS)).unwrap();
    jens.sync(None, &mut |_| {}).expect("first sync");
    let overview = mine::overview(
        &Store::open(&root).unwrap(),
        &mine::Query {
            email: JENS.to_string(),
            scope: mine::Scope::Member,
            since: mine::Since::Nothing,
            today: chrono::Local::now().date_naive(),
        },
    )
    .unwrap();
    let open = overview.open.first().expect("Jens has an open comment");
    let (open_id, label) = (open.id.clone(), open.on.label());

    // A writer answers it in another clone.
    let writer_root = tmp.path().join("writer");
    ops::clone(
        server.to_str().unwrap(),
        &writer_root,
        Some(WRITER),
        &mut |_| {},
    )
    .expect("clone");
    let w = Session::new(Store::open(&writer_root).unwrap(), Some(WRITER)).unwrap();
    w.resolve(
        &open_id,
        oplaeg::model::Disposition::PartlyMet,
        "Vi tager det med i næste udkast.",
    )
    .expect("resolve");
    w.sync(None, &mut |_| {}).expect("writer sync");

    let tmux = session_on(&root, "mine", JENS);
    // A member starts on Mit overblik.
    tmux.wait_for("Mine kommentarer");
    tmux.keys(&["S"]);
    let screen = tmux.wait_for("1 nyt svar på dine kommentarer");
    assert!(screen.contains("Mit overblik"), "{screen}");
    let screen = tmux.wait_for("Nyt svar:");
    assert!(screen.contains("delvist imødekommet"), "{screen}");
    let short: String = label.chars().take(15).collect();
    assert!(screen.contains(&short), "{short} in {screen}");
    tmux.keys(&["q"]);
    assert_eq!(
        git(&root, &["rev-parse", "HEAD"]).trim(),
        git(&writer_root, &["rev-parse", "HEAD"]).trim()
    );
}

#[test]
fn a_member_ranks_in_the_ui_and_a_writer_reads_where_the_group_disagrees() {
    if !common::tools::available(
        "a_member_ranks_in_the_ui_and_a_writer_reads_where_the_group_disagrees",
        &["tmux"],
        "tmux",
    ) {
        return;
    }
    let (_tmp, root, tmux) = demo_session("ranking", "camilla.froestrup@regionh.example");
    // She has not ranked in the open round: the UI says so at start.
    tmux.wait_for("Runde 2 er åben; du har ikke rangordnet: tryk 8.");
    let before: usize = git(&root, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap();
    tmux.keys(&["8"]);
    tmux.wait_for("ikke afgivet");
    // The first recommendation down one place with J, then saved.
    tmux.keys(&["J"]);
    tmux.wait_for("▶ 2. ");
    assert!(
        footer(&tmux.screen()).contains("Enter"),
        "{}",
        tmux.screen()
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("Din rangordning er gemt");
    tmux.keys(&["q"]);

    let after: usize = git(&root, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(after, before + 1, "one ranking, one commit");
    assert_eq!(
        git(&root, &["log", "-1", "--format=%an <%ae>"]).trim(),
        "Camilla Frøstrup <camilla.froestrup@regionh.example>"
    );
    let path = "rankings/2/camilla-froestrup-regionh-example.toml";
    assert_eq!(
        git(&root, &["show", "--name-only", "--format=", "HEAD"]).trim(),
        path
    );
    let mine: toml::Table = git(&root, &["show", &format!("HEAD:{path}")])
        .parse()
        .unwrap();
    let round: toml::Table = git(&root, &["show", "HEAD:rankings/2/round.toml"])
        .parse()
        .unwrap();
    let items: Vec<&str> = round["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let order: Vec<&str> = mine["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut expected = items.clone();
    expected.swap(0, 1);
    assert_eq!(order, expected);

    // A writer reads the results, down to where the group disagrees.
    let writer = session_on(&root, "ranking-writer", "mette.holm@sst.example");
    writer.wait_for("Mette Holm · Sundhedsstyrelsen · skribent");
    writer.keys(&["8"]);
    let screen = writer.wait_for("resultater af runde 2");
    assert!(screen.contains("4 rangordninger"), "{screen}");
    assert!(screen.contains("Kendalls W"), "{screen}");
    writer.keys(&["PageDown"]);
    writer.wait_for("Størst uenighed");
    assert!(footer(&writer.screen()).contains("luk runde"));
    writer.keys(&["q"]);
}
