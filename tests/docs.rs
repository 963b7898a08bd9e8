//! The README and the book under `docs/` (an mdBook):
//! - the pages generated from the code — the command reference from clap,
//!   the key table from `src/tui/keymap.rs`, and the screenshots of the
//!   terminal UI drawn from the demo — must be what the code makes now;
//!   `OPLAEG_UPDATE_DOCS=1 cargo test --test docs` writes them;
//! - every relative link and anchor resolves;
//! - every shell snippet marked ```` ```sh,test ```` runs, with the built
//!   binary, in a copy of the demo workspace.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Command as ClapCommand;
use oplaeg::i18n::{Lang, set_lang};
use oplaeg::model::Choice;
use oplaeg::store::Store;
use oplaeg::tui::changes::state::{Endpoint, FIRST_CHAPTER};
use oplaeg::tui::keymap::{BINDINGS, Binding, Scope, permission};
use oplaeg::tui::state::View;
use oplaeg::tui::{Action, State, dispatch, views};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WRITER: &str = "mette.holm@sst.example";
const MEMBER: &str = "jens.noergaard@rm.example";
const REVIEWER: &str = "rasmus.winther@sds.example";

const UPDATE: &str = "OPLAEG_UPDATE_DOCS";
const REGENERATE: &str = "OPLAEG_UPDATE_DOCS=1 cargo test --test docs";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown page of the book (not the exported
/// examples under docs/examples/, which are documents, not pages).
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if !path.ends_with("examples") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = vec![repo().join("README.md")];
    walk(&repo().join("docs"), &mut out);
    out
}

// ---------------------------------------------------------------------------
// Generated pages

/// The whole pages made from the code, by path from the repository root.
fn generated_pages() -> Vec<(&'static str, String)> {
    vec![
        ("docs/kommandoer.md", command_reference()),
        ("docs/taster.md", key_table()),
    ]
}

const GENERATED_NOTE: &str = "<!-- Genereret af tests/docs.rs; ret ikke her, men i koden, og kør \
     `OPLAEG_UPDATE_DOCS=1 cargo test --test docs`. -->";

/// Every command's `--help`, in Danish, from the same clap tree the
/// program parses with.
fn command_reference() -> String {
    let mut root = oplaeg::cli::help::command(Lang::Da);
    root.build();
    let mut out = String::new();
    out.push_str("# Kommandoer\n\n");
    out.push_str(GENERATED_NOTE);
    out.push_str(
        "\n\nHver kommandos hjælp, som `oplaeg KOMMANDO --help` viser den. Siden laves af \
         programmets egen beskrivelse af kommandolinjen, så den altid passer til programmet. \
         Med `--lang en` er hjælpen engelsk. En oversigt med eksempler står i \
         [Command reference](commands.md) (engelsk).\n\n",
    );
    let mut all = Vec::new();
    collect(&root, Vec::new(), &mut all);
    out.push_str("## Indhold\n\n");
    for (path, _) in &all {
        let name = path.join(" ");
        out.push_str(&format!("- [`{name}`](#{})\n", anchor_of(&name)));
    }
    for (path, help) in &all {
        out.push_str(&format!(
            "\n## {}\n\n```text\n{}\n```\n",
            path.join(" "),
            help
        ));
    }
    out
}

fn collect(cmd: &ClapCommand, mut path: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    path.push(cmd.get_name().to_string());
    let help = cmd.clone().render_long_help().to_string();
    let help = help
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    out.push((path.clone(), help.trim_end().to_string()));
    for sub in cmd.get_subcommands() {
        if !sub.is_hide_set() && sub.get_name() != "help" {
            collect(sub, path.clone(), out);
        }
    }
}

/// Every binding of the terminal UI, where it applies and who may use it.
fn key_table() -> String {
    set_lang(Lang::Da);
    let mut out = String::new();
    out.push_str("# Taster\n\n");
    out.push_str(GENERATED_NOTE);
    out.push_str(
        "\n\nAlle taster i brugerfladen, fra den samme tabel, som styrer tasterne, bunden og \
         hjælpen (`?`). En tast, der står under en fane eller et vindue, gælder kun dér; \
         tasterne under *Overalt* gælder alle steder, hvor de ikke er optaget, og dem under \
         *I vinduer* i alle vinduer. *Hvem* siger, hvilke roller der må bruge tasten; \
         for andre viser hjælpen den med grunden.\n",
    );
    for scope in Scope::ALL {
        let rows: Vec<&Binding> = BINDINGS.iter().filter(|b| b.scope == scope).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {}\n\n| Tast | Hvad den gør | Hvem |\n|---|---|---|\n",
            scope.title()
        ));
        for b in rows {
            let who = match permission(&b.action) {
                None => "alle".to_string(),
                Some(p) => p
                    .allowed()
                    .iter()
                    .map(|r| r.label_in(Lang::Da))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                code(b.label),
                cell(b.da),
                who
            ));
        }
    }
    out
}

/// Inline code that survives any backticks in it, escaped for a table cell.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

// ---------------------------------------------------------------------------
// Screenshots: regions of hand-written pages, between
// `<!-- skærmbillede: NAME -->` and `<!-- /skærmbillede -->`.

const SHOT_OPEN: &str = "<!-- skærmbillede: ";
const SHOT_CLOSE: &str = "<!-- /skærmbillede -->";

struct Demo {
    root: PathBuf,
}

fn demo() -> &'static Demo {
    static DEMO: std::sync::OnceLock<Demo> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let root = common::process_folder("docs-demo").join("kraeftplan");
        oplaeg::demo::build(&root).unwrap();
        Demo { root }
    })
}

fn state(email: &str, w: u16, h: u16) -> State {
    set_lang(Lang::Da);
    let mut s = State::new(
        Store::open(&demo().root).unwrap(),
        Some(email.to_string()),
        w,
        h,
    )
    .unwrap();
    s.theme.color = false;
    s.view = View::Reader;
    s
}

fn tab(s: &mut State, view: View) {
    let n = View::all().position(|v| v == view).unwrap();
    dispatch(s, Action::Tab(n));
}

/// The screen as text; comment ids and commit ids (which the demo draws
/// at random, so two runs differ) are shown as zeros of the same width.
fn capture(state: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| views::render(f, state)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut rows = Vec::new();
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        rows.push(mask_ids(row.trim_end()));
    }
    rows.join("\n")
}

/// Replaces every run of 7 or more lower-case letters and digits that holds
/// a digit and only hex or ULID letters (a commit or comment id) by zeros.
fn mask_ids(line: &str) -> String {
    let is_id_char = |c: char| c.is_ascii_digit() || c.is_ascii_lowercase();
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let id_like = word.chars().count() >= 7
            && word.chars().any(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "abcdefghjkmnpqrstvwxyz".contains(c));
        if id_like {
            out.extend(std::iter::repeat_n('0', word.chars().count()));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in line.chars() {
        if is_id_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The screenshots the pages may name.
fn shot(name: &str) -> Option<String> {
    Some(match name {
        "readme" => {
            let mut s = state(WRITER, 80, 24);
            for _ in 0..4 {
                dispatch(&mut s, Action::Down);
            }
            capture(&s)
        }
        // The writer in chapter 5, the cursor in the text.
        "skribent-oplaeg" => {
            let mut s = state(WRITER, 100, 30);
            for _ in 0..4 {
                dispatch(&mut s, Action::Down);
            }
            dispatch(&mut s, Action::Focus);
            capture(&s)
        }
        "skribent-anbefalinger" => {
            let mut s = state(WRITER, 100, 30);
            tab(&mut s, View::Recs);
            capture(&s)
        }
        "skribent-kommentarer" => {
            let mut s = state(WRITER, 100, 30);
            tab(&mut s, View::Comments);
            capture(&s)
        }
        // A member selects two sentences and comments on them.
        "medlem-kommentar" => {
            let mut s = state(MEMBER, 100, 30);
            for _ in 0..4 {
                dispatch(&mut s, Action::Down);
            }
            dispatch(&mut s, Action::Focus);
            dispatch(&mut s, Action::Down);
            dispatch(&mut s, Action::Select);
            dispatch(&mut s, Action::Down);
            dispatch(&mut s, Action::CommentQuote);
            for c in "Husk, at kommunerne skal have økonomien til det.".chars() {
                dispatch(
                    &mut s,
                    Action::Edit(ratatui_textarea::Input {
                        key: ratatui_textarea::Key::Char(c),
                        ..Default::default()
                    }),
                );
            }
            capture(&s)
        }
        "medlem-oplaeg" => {
            let mut s = state(MEMBER, 100, 30);
            for _ in 0..4 {
                dispatch(&mut s, Action::Down);
            }
            capture(&s)
        }
        // Meeting 3 against meeting 4, the first changed chapter.
        "laeser-aendringer" => {
            let mut s = state(REVIEWER, 100, 30);
            tab(&mut s, View::Diff);
            common::tui::pick_version(&mut s, Action::ChooseFrom, &Endpoint::Meeting(3));
            common::tui::pick_version(&mut s, Action::ChooseTo, &Endpoint::Meeting(4));
            for _ in 0..FIRST_CHAPTER {
                dispatch(&mut s, Action::Down);
            }
            capture(&s)
        }
        "laeser-historik" => {
            let mut s = state(REVIEWER, 100, 30);
            tab(&mut s, View::History);
            capture(&s)
        }
        "hjaelp" => {
            let mut s = state(REVIEWER, 100, 30);
            dispatch(&mut s, Action::Help);
            capture(&s)
        }
        _ => return None,
    })
}

/// Where the next screenshot marker starts a line (a marker quoted inside
/// a sentence is not one).
fn marker_at_line_start(text: &str) -> Option<usize> {
    text.match_indices(SHOT_OPEN)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || text[..at].ends_with('\n'))
}

/// The page with every screenshot region filled in anew.
fn with_shots(page: &Path, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = marker_at_line_start(rest) {
        let after = &rest[at + SHOT_OPEN.len()..];
        let name_end = after
            .find("-->")
            .unwrap_or_else(|| panic!("{}: unclosed screenshot marker", page.display()));
        let name = after[..name_end].trim();
        let close = after.find(SHOT_CLOSE).unwrap_or_else(|| {
            panic!(
                "{}: screenshot «{name}» has no {SHOT_CLOSE}",
                page.display()
            )
        });
        let image = shot(name)
            .unwrap_or_else(|| panic!("{}: no screenshot named «{name}»", page.display()));
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            "{SHOT_OPEN}{name} -->\n```text\n{image}\n```\n{SHOT_CLOSE}"
        ));
        rest = &after[close + SHOT_CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// Every generated file or region: (path, what it holds now, what the code
/// makes).
fn expected_files() -> Vec<(PathBuf, String, String)> {
    let mut out = Vec::new();
    for (rel, text) in generated_pages() {
        let path = repo().join(rel);
        let now = std::fs::read_to_string(&path).unwrap_or_default();
        out.push((path, now, text));
    }
    for page in pages() {
        let now = std::fs::read_to_string(&page).unwrap();
        if marker_at_line_start(&now).is_some() {
            let want = with_shots(&page, &now);
            out.push((page, now, want));
        }
    }
    out
}

#[test]
fn generated_pages_and_screenshots_are_current() {
    let update = std::env::var_os(UPDATE).is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, now, want) in expected_files() {
        if now == want {
            continue;
        }
        if update {
            std::fs::write(&path, &want).unwrap();
            eprintln!("wrote {}", path.display());
        } else {
            let line = now
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| now.lines().count().min(want.lines().count()));
            stale.push(format!(
                "{} (first difference at line {})",
                path.display(),
                line + 1
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "generated documentation is stale; run `{REGENERATE}` and commit the result:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn screenshots_hide_only_ids() {
    assert_eq!(
        mask_ids("│ 01j2abcd7xyz Mette 5f3a9c1 ·  Senfølger 2024-08-28 kommentarer"),
        "│ 000000000000 Mette 0000000 ·  Senfølger 2024-08-28 kommentarer"
    );
}

// ---------------------------------------------------------------------------
// Links

/// GitHub's and mdBook's id for a heading: lower case, letters, digits,
/// `-` and `_` kept, spaces made `-`, everything else dropped.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

struct Parsed {
    anchors: BTreeSet<String>,
    /// (line, destination)
    links: Vec<(usize, String)>,
    /// (line, info string, code)
    code: Vec<(usize, String, String)>,
}

fn parse(text: &str) -> Parsed {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut anchors = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut links = Vec::new();
    let mut code = Vec::new();
    let mut heading: Option<String> = None;
    let mut block: Option<(usize, String, String)> = None;
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                let id = anchor_of(&heading.take().unwrap_or_default());
                let n = seen.entry(id.clone()).or_insert(0);
                anchors.insert(if *n == 0 { id } else { format!("{id}-{n}") });
                *n += 1;
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some((_, _, c)) = block.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push((line_of(range.start), dest_url.to_string()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((line_of(range.start), info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => code.extend(block.take()),
            Event::Html(h) | Event::InlineHtml(h) => {
                // <a id="…"> or <a name="…"> anchors.
                for key in ["id=\"", "name=\""] {
                    if let Some(at) = h.find(key) {
                        let rest = &h[at + key.len()..];
                        if let Some(end) = rest.find('"') {
                            anchors.insert(rest[..end].to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Parsed {
        anchors,
        links,
        code,
    }
}

/// A link's target file and anchor, or None for links out of the
/// repository (a URL with a scheme).
fn split_link(dest: &str) -> Option<(&str, Option<&str>)> {
    if dest.contains("://") || dest.starts_with("mailto:") {
        return None;
    }
    Some(match dest.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (dest, None),
    })
}

fn broken_links() -> Vec<String> {
    let mut parsed = BTreeMap::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        parsed.insert(page.clone(), parse(&text));
    }
    let mut broken = Vec::new();
    for (page, p) in &parsed {
        let shown = page.strip_prefix(repo()).unwrap().display().to_string();
        for (line, dest) in &p.links {
            let Some((file, anchor)) = split_link(dest) else {
                continue;
            };
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            let Ok(target) = target.canonicalize() else {
                broken.push(format!("{shown}:{line}: {dest}: no such file"));
                continue;
            };
            if !target.starts_with(repo()) {
                broken.push(format!("{shown}:{line}: {dest}: outside the repository"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            let anchors = match parsed.get(&target) {
                Some(t) => &t.anchors,
                None if target.extension().is_some_and(|e| e == "md") => {
                    let text = std::fs::read_to_string(&target).unwrap();
                    &parse(&text).anchors.clone()
                }
                None => {
                    broken.push(format!("{shown}:{line}: {dest}: an anchor into a non-page"));
                    continue;
                }
            };
            if !anchors.contains(anchor) {
                broken.push(format!(
                    "{shown}:{line}: {dest}: no heading with that anchor (there are: {})",
                    anchors.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let broken = broken_links();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_book_page_is_in_the_summary_and_every_summary_entry_exists() {
    let docs = repo().join("docs");
    let summary = std::fs::read_to_string(docs.join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = parse(&summary)
        .links
        .iter()
        .filter_map(|(_, d)| split_link(d).map(|(f, _)| docs.join(f)))
        .collect();
    for path in &listed {
        assert!(
            path.is_file(),
            "SUMMARY.md lists {} which is missing",
            path.display()
        );
    }
    for page in pages() {
        if page.starts_with(&docs) && !page.ends_with("SUMMARY.md") {
            assert!(
                listed.contains(&page),
                "{} is not in docs/SUMMARY.md, so the book does not show it",
                page.display()
            );
        }
    }
}

#[test]
fn the_link_parser_reads_headings_links_and_anchors() {
    let p = parse(
        "# Kom i gang\n\n## Når to har ændret det samme\n\n[a](x.md#y) [b](#når-to-har-ændret-det-samme)\n",
    );
    assert!(p.anchors.contains("kom-i-gang"));
    assert!(p.anchors.contains("når-to-har-ændret-det-samme"));
    assert_eq!(p.links.len(), 2);
    assert_eq!(split_link("https://x/y#z"), None);
    assert_eq!(split_link("a.md#b"), Some(("a.md", Some("b"))));
    assert_eq!(
        anchor_of("Roles that hold on a shared server: oplaeg verify"),
        "roles-that-hold-on-a-shared-server-oplaeg-verify"
    );
}

// ---------------------------------------------------------------------------
// Runnable snippets

/// Every ```` ```sh,test ```` block: (page, line, script).
fn runnable_snippets() -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(repo()).unwrap().display().to_string();
        for (line, info, code) in parse(&text).code {
            let mut words = info.split([',', ' ']).map(str::trim);
            if words.next() == Some("sh") && words.any(|w| w == "test") {
                out.push((shown.clone(), line, code));
            }
        }
    }
    out
}

/// Copies a folder (the demo workspace with its .git) file by file. Other
/// tests read the same demo meanwhile, and reading writes oplaeg's cache
/// under `.git/oplaeg/` (a temporary file renamed into place, old ones
/// removed): that folder is left out, since a clone does without it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_name() == "oplaeg" && from.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn runnable_snippets_run_against_the_demo() {
    let snippets = runnable_snippets();
    assert!(
        snippets.len() >= 5,
        "the README and the book mark their runnable snippets with ```sh,test"
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_oplaeg"));
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    demo();
    // A few at a time: most of each is waiting for processes.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((page, line, script)) = snippets.get(i) else {
                        break;
                    };
                    if let Some(failure) = run_snippet(&path, script) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{page}:{line}: {failure}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs one snippet in a fresh copy of the demo, as the book describes it:
/// the workspace is the current folder and Mette Holm (a writer) acts.
/// What went wrong, if anything.
fn run_snippet(path: &std::ffi::OsStr, script: &str) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("kraeftplan");
    copy_dir(&demo().root, &ws);
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Plain git in the snippets commits as the writer too.
    common::git_output_in(&ws, &home, &["config", "user.name", "Mette Holm"], &[]);
    common::git_output_in(&ws, &home, &["config", "user.email", WRITER], &[]);
    let mut cmd = Command::new("bash");
    cmd.arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .current_dir(&ws);
    common::isolate(&mut cmd, &home);
    cmd.env("PATH", path)
        .env("OPLAEG_AUTHOR", WRITER)
        .env("NO_COLOR", "1")
        .env("LANG", "da_DK.UTF-8")
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(tmp.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(tmp.path().join("stderr")).unwrap());
    let started = Instant::now();
    let mut child = common::Spawned::start(cmd).unwrap();
    let limit = Duration::from_secs(30);
    while !child.ended() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
    if !child.ended() {
        child.stop();
        return Some(format!("did not finish in {limit:?}:\n{script}"));
    }
    let status = child.child.wait().unwrap();
    if status.success() {
        return None;
    }
    let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).unwrap();
    Some(format!(
        "exit {:?}\n--- script\n{script}--- stdout\n{}--- stderr\n{}",
        status.code(),
        read("stdout"),
        read("stderr")
    ))
}

/// The `authorized_keys` line the book tells the writer to add is the one
/// `oplaeg server init` prints (and `tests/attack.rs` runs against sshd).
#[test]
fn the_books_authorized_keys_line_is_the_one_server_init_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oplaeg"))
        .args(["--lang", "da", "server", "init"])
        .arg(tmp.path().join("server.git"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    let line = printed
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("command=\"env OPLAEG_PUSHER="))
        .unwrap_or_else(|| panic!("server init prints the line:\n{printed}"))
        .replace("jens@rm.dk", "jens.noergaard@rm.dk");
    for page in ["docs/samarbejde.md", "docs/trust-model.md"] {
        let text = std::fs::read_to_string(repo().join(page)).unwrap();
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{page} shows the line `oplaeg server init` prints:\n{line}"
        );
    }
}
