//! Property tests for every loader: random bytes, random text and valid
//! files mutated at random never make oplaeg panic. Each gives either a
//! valid result or a clear error: a problem naming the file, with a line and
//! column inside the text when it has them. Covered: oplaeg.toml,
//! recommendations, comments, priority.toml, Markdown chapters (the loader,
//! the reader's document, the quote matcher), anchors, meeting tag messages.

mod common;

use std::collections::BTreeMap;

use oplaeg::model::{
    Comment, Config, FileData, PriorityFile, Problem, Recommendation, Source, Workspace, parse_toml,
};
use oplaeg::ops::anchor_in;
use oplaeg::store::parse_meeting_message;
use oplaeg::tui::reader::document::Document;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

const CONFIG: &str = r#"title = "Fagligt oplæg til Kræftplan V"
recommended_count = 10

[[members]]
name = "Mette Holm"
email = "mette.holm@sst.example"
organisation = "Sundhedsstyrelsen"
role = "writer"

[horizons.short]
label = "kort"
from_years = 0
to_years = 2

[[meetings]]
number = 4
date = 2024-08-28
title = "4. møde i følgegruppen"
deadline = "2024-08-21"
"#;

const COMMENT: &str = r#"created = "2024-06-12T10:15:00+02:00"
body = """Kommentarens tekst.
Linje to."""
status = "resolved"
reply_to = "01j0abc"

[author]
name = "Jens Nørgaard"
email = "jeno@rm.dk"
organisation = "Region Midtjylland"

[target]
chapter = "rehabilitering"

[target.anchor]
quote = "den præcise sætning"
before = "før"
after = "efter"
commit = "3f2a"

[resolution]
disposition = "partly_met"
response = """Svar."""
by = "meho@sst.dk"
at = 2024-08-10T09:00:00+02:00
"#;

const PRIORITY: &str = "order = [\n  \"a\",\n  \"b\",\n]\n";

const CHAPTER: &str = "# Rehabilitering\n\nKommunerne varetager *de rehabiliterende* indsatser.\nBehovet vurderes løbende.\n\n- punkt **ét**\n- punkt `to`\n\n> Et citat. Med to sætninger!\n\n## Afsnit\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nkode\n```\n";

/// Characters that break TOML and Markdown in interesting ways.
const SPICE: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "[",
    "]",
    "[[",
    "=",
    "\n",
    "\r\n",
    "#",
    "{",
    "}",
    ",",
    "\\",
    "\\u",
    "*",
    "_",
    "`",
    "```",
    "> ",
    "- ",
    "1. ",
    "|",
    "<",
    ">",
    "\0",
    "\u{1b}",
    "\u{202e}",
    "æ",
    "🎉",
    " ",
    "\t",
    "0",
    "-",
    ":",
    "T",
    "+02:00",
    "2024-13-45",
];

#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Spice { at: usize, which: usize },
    DuplicateLine { line: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), ".{0,12}").prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, which)| Mutation::Spice { at, which }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// A char boundary of `s` chosen by `at`.
fn boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in mutations {
        match m {
            Mutation::Delete { at, len } => {
                let a = boundary(&s, *at);
                let b = boundary(&s, a + len);
                if b > a {
                    s.replace_range(a..b, "");
                }
            }
            Mutation::Insert { at, text } => {
                let a = boundary(&s, *at);
                s.insert_str(a, text);
            }
            Mutation::Spice { at, which } => {
                let a = boundary(&s, *at);
                s.insert_str(a, SPICE[which % SPICE.len()]);
            }
            Mutation::DuplicateLine { line } => {
                let lines: Vec<&str> = s.split_inclusive('\n').collect();
                if !lines.is_empty() {
                    let i = line % lines.len();
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(i, lines[i]);
                    s = out.concat();
                }
            }
            Mutation::Truncate { at } => {
                let a = boundary(&s, *at);
                s.truncate(a);
            }
        }
    }
    s
}

/// A valid file mutated one to six times.
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(mutation(), 1..6).prop_map(move |m| mutate(valid, &m))
}

/// Random text, with TOML and Markdown punctuation made likely.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => "[a-zæøå0-9 ]{0,8}".prop_map(|s| s),
            2 => (0..SPICE.len()).prop_map(|i| SPICE[i].to_string()),
            1 => any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Occurrences of `needle` in `text`, overlapping ones included.
fn overlapping(text: &str, needle: &str) -> usize {
    text.char_indices()
        .filter(|&(i, _)| text[i..].starts_with(needle))
        .count()
}

// ---------------------------------------------------------------------------
// What a clear error is
// ---------------------------------------------------------------------------

/// A problem names the file, says something, and points inside the text.
fn assert_clear(p: &Problem, file: &str, text: &str) {
    assert_eq!(p.file, file);
    assert!(
        !p.message.trim().is_empty(),
        "an empty message for {text:?}"
    );
    let lines = text.split('\n').count();
    if let Some(line) = p.line {
        assert!(line >= 1 && line <= lines, "line {line} of {lines}: {p}");
        let width = text
            .split('\n')
            .nth(line - 1)
            .map_or(0, |l| l.chars().count());
        let column = p.column.expect("a line comes with a column");
        assert!(column >= 1 && column <= width + 1, "column {column}: {p}");
    }
    let shown = p.to_string();
    assert!(shown.starts_with(file), "{shown}");
}

fn check_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Option<T> {
    match parse_toml::<T>(file, text) {
        Ok(v) => Some(v),
        Err(p) => {
            assert_clear(&p, file, text);
            None
        }
    }
}

// ---------------------------------------------------------------------------
// A workspace in memory
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Mem(BTreeMap<String, Vec<u8>>);

impl Source for Mem {
    fn read(&self, path: &str) -> oplaeg::Result<Option<Vec<u8>>> {
        Ok(self.0.get(path).cloned())
    }
    fn files(&self, dir: &str) -> oplaeg::Result<Vec<FileData>> {
        let prefix = format!("{dir}/");
        Ok(self
            .0
            .iter()
            .filter_map(|(p, b)| {
                let name = p.strip_prefix(&prefix)?;
                (!name.contains('/')).then(|| FileData {
                    flaw: None,
                    name: name.into(),
                    bytes: b.clone(),
                    id: None,
                })
            })
            .collect())
    }
}

fn base() -> Mem {
    let mut m = Mem::default();
    m.0.insert("oplaeg.toml".into(), CONFIG.as_bytes().to_vec());
    m.0.insert("priority.toml".into(), PRIORITY.as_bytes().to_vec());
    m.0.insert(
        "drafts/05-rehabilitering.md".into(),
        CHAPTER.as_bytes().to_vec(),
    );
    m.0.insert(
        "recommendations/a.toml".into(),
        b"title = \"A\"\nhorizon = \"short\"\nchapters = [\"rehabilitering\"]\n".to_vec(),
    );
    m.0.insert(
        "comments/01j0abc.toml".into(),
        COMMENT.replace("reply_to = \"01j0abc\"\n", "").into_bytes(),
    );
    m
}

/// Loading never panics; a loaded workspace's problems are all clear.
fn load_checked(m: &Mem) {
    match Workspace::load(m) {
        Ok(ws) => {
            for p in &ws.problems {
                let text =
                    m.0.get(&p.file)
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default();
                // Problems with UTF-8 point into the readable part only.
                if std::str::from_utf8(m.0.get(&p.file).map_or(&[][..], |b| b)).is_ok() {
                    assert_clear(p, &p.file, &text);
                } else {
                    assert!(!p.message.is_empty());
                }
            }
            // Whatever loaded can be looked at.
            for c in &ws.chapters {
                let _ = c.searchable_text();
            }
            for c in &ws.comments {
                let _ = c.to_file();
            }
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(
                shown.contains("oplaeg.toml"),
                "only oplaeg.toml is fatal: {shown}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn config_files(text in prop_oneof![mutated(CONFIG), texty()]) {
        if let Some(c) = check_toml::<Config>("oplaeg.toml", &text) {
            let _ = c.check();
        }
        let mut m = base();
        m.0.insert("oplaeg.toml".into(), text.into_bytes());
        load_checked(&m);
    }

    #[test]
    fn recommendation_files(text in prop_oneof![mutated(COMMENT), mutated(r#"title = "Hurtigere diagnostik"
horizon = "short"
status = "proposed"
chapters = ["indledning"]
text = """Udredningen skal gå hurtigere."""
goal = """Kortere tid."""
realizability = """Kræver kapacitet."""
kraeftplan_iv = "x"
"#), texty()]) {
        if let Some(r) = check_toml::<Recommendation>("recommendations/x.toml", &text) {
            let _ = r.to_file();
        }
        let mut m = base();
        m.0.insert("recommendations/x.toml".into(), text.into_bytes());
        load_checked(&m);
    }

    #[test]
    fn comment_files(text in prop_oneof![mutated(COMMENT), texty()]) {
        if let Some(c) = check_toml::<Comment>("comments/01j0x.toml", &text) {
            let _ = c.check();
            // What loads can be written and read back the same.
            let back: Comment = parse_toml("c.toml", &c.to_file()).unwrap();
            prop_assert_eq!(back, c);
        }
        let mut m = base();
        m.0.insert("comments/01j0x.toml".into(), text.into_bytes());
        load_checked(&m);
    }

    #[test]
    fn priority_files(text in prop_oneof![mutated(PRIORITY), texty()]) {
        check_toml::<PriorityFile>("priority.toml", &text);
        let mut m = base();
        m.0.insert("priority.toml".into(), text.into_bytes());
        load_checked(&m);
    }

    #[test]
    fn random_bytes_in_any_file(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        which in 0usize..5,
    ) {
        let path = ["oplaeg.toml", "priority.toml", "drafts/05-rehabilitering.md",
            "recommendations/a.toml", "comments/01j0abc.toml"][which];
        let mut m = base();
        m.0.insert(path.into(), bytes);
        load_checked(&m);
    }

    #[test]
    fn odd_file_names(name in "[^/]{0,30}", body in texty()) {
        let mut m = base();
        for dir in ["drafts", "recommendations", "comments"] {
            m.0.insert(format!("{dir}/{name}"), body.clone().into_bytes());
        }
        load_checked(&m);
    }

    #[test]
    fn markdown_chapters(text in prop_oneof![mutated(CHAPTER), texty()], width in 1u16..200) {
        let mut m = base();
        m.0.insert("drafts/05-rehabilitering.md".into(), text.clone().into_bytes());
        load_checked(&m);
        // The reader's document: parsed, split into sentences, wrapped.
        let doc = Document::new(&text, width);
        for i in 0..doc.sentences.len() {
            let q = doc.quote(i, i);
            prop_assert!(doc.block_of_quote(&q).is_some(), "sentence {} not found", i);
            let _ = doc.line_of_sentence(i);
        }
        let _ = doc.quote(0, usize::MAX);
    }

    #[test]
    fn anchors(
        text in prop_oneof![mutated(CHAPTER), texty(), "(ab ?|a|b| ){1,30}"],
        quote in prop_oneof![texty(), "(ab ?|a|b| ){1,6}"],
        pick in any::<(usize, usize)>(),
    ) {
        let searchable = oplaeg::text::searchable_text(&text);
        // A random quote, and a piece of the real text.
        let a = boundary(&searchable, pick.0);
        let mut b = (a + pick.1 % 40).min(searchable.len());
        while !searchable.is_char_boundary(b) {
            b -= 1;
        }
        for q in [quote.as_str(), &searchable[a..b]] {
            match anchor_in("Titel", &text, q, "c0ffee") {
                Ok(anchor) => {
                    // Found exactly once, with its context around it.
                    prop_assert_eq!(overlapping(&searchable, &anchor.quote), 1);
                    let whole = format!("{}{}{}", anchor.before, anchor.quote, anchor.after);
                    prop_assert!(searchable.contains(&whole));
                    prop_assert!(!anchor.quote.is_empty());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn meeting_tag_messages(message in prop_oneof![texty(), ".*".prop_map(|s| format!("4. møde\n\nDato: {s}"))]) {
        let (title, date) = parse_meeting_message(&message);
        prop_assert!(!title.contains('\n'));
        prop_assert_eq!(title.as_str(), message.lines().next().unwrap_or("").trim());
        if let Some(d) = date {
            prop_assert!(message.contains(&d.format("%Y-%m-%d").to_string()));
        }
    }
}

proptest! {
    // Real tags in a real repository: slower, so fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn meeting_tags_with_random_messages_read_back(message in texty(), number in 1u32..50) {
        let ws = common::Ws::init_only();
        let store = ws.store();
        let head = store.head().unwrap().unwrap();
        let who = oplaeg::store::Identity {
            name: common::WRITER_NAME.into(),
            email: common::WRITER.into(),
        };
        let when = common::at(common::T0);
        store.tag_meeting(number, head, &message, &who, when).unwrap();
        let tags = store.meeting_tags().unwrap();
        prop_assert_eq!(tags.len(), 1);
        prop_assert_eq!(tags[0].number, number);
        prop_assert!(!tags[0].title.contains('\n'));
        // A tag without a date line is dated by its tagger.
        prop_assert!(tags[0].date.is_some());
    }
}

// ---------------------------------------------------------------------------
// Hostile workspaces for the `cargo fuzz` entry points (oplaeg::fuzzing)
// ---------------------------------------------------------------------------

/// A comment file replying to `to` (or to nothing), its text in any of the
/// ways editors save it.
fn comment_text(n: usize, to: Option<usize>, body: &str, bom: bool, crlf: bool) -> String {
    let mut t = String::new();
    if bom {
        t.push('\u{FEFF}');
    }
    t.push_str(&format!(
        "created = \"2024-06-0{}T10:00:00+02:00\"\nbody = {body:?}\nstatus = \"open\"\n",
        1 + n % 9
    ));
    if let Some(p) = to {
        t.push_str(&format!("reply_to = \"01j000000000000000000000000{p}\"\n"));
    }
    t.push_str("\n[author]\nname = \"A\"\nemail = \"a@x.example\"\norganisation = \"O\"\n\n[target]\nchapter = \"a\"\n");
    if crlf { t.replace('\n', "\r\n") } else { t }
}

/// Markdown nested `depth` deep in quotes and lists, mixed.
fn nested(depth: usize, quotes: bool) -> String {
    let mut t = String::from("# Dybt\r\n\n");
    if quotes {
        t.push_str(&">".repeat(depth));
        t.push_str(" bund\n\n");
    } else {
        for d in 0..depth {
            t.push_str(&"  ".repeat(d));
            t.push_str("- punkt\n");
        }
    }
    t
}

proptest! {
    // Deep nesting is slow to parse in a debug build: few, cheap cases
    // (tests/hostile_workspaces.rs tries 10,000 levels once).
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_fuzz_entry_points_survive_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        oplaeg::fuzzing::comment_file(&data);
        oplaeg::fuzzing::config_file(&data);
        oplaeg::fuzzing::recommendation_file(&data);
        oplaeg::fuzzing::chapter_file(&data);
        oplaeg::fuzzing::workspace(&data);
    }

    /// Reply shapes of every kind (cycles included), BOM and CRLF, deep
    /// nesting: loading ends, cycles are reported, nothing panics.
    #[test]
    fn hostile_workspaces_load_and_report(
        parents in proptest::collection::vec(proptest::option::of(1usize..=3), 3),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        depth in 0usize..300,
        quotes in any::<bool>(),
    ) {
        let mut data: Vec<u8> = Vec::new();
        let files = [
            "title = \"T\"\n".to_string(),
            "order = [\"a\"]\n".to_string(),
            nested(depth, quotes),
            "# B\n".to_string(),
            "title = \"A\"\nhorizon = \"short\"\n".to_string(),
            comment_text(1, parents[0], "en", bom, crlf),
            comment_text(2, parents[1], "to", bom, crlf),
            comment_text(3, parents[2], "tre", bom, crlf),
        ];
        for (k, f) in files.iter().enumerate() {
            if k > 0 {
                data.push(0xFF);
            }
            data.extend_from_slice(f.as_bytes());
        }
        oplaeg::fuzzing::workspace(&data);
        oplaeg::fuzzing::chapter_file(nested(depth, quotes).as_bytes());
        // The same files through the loader: a cycle is always reported.
        let mut src = Mem::default();
        src.0.insert("oplaeg.toml".into(), files[0].as_bytes().to_vec());
        src.0.insert("drafts/01-a.md".into(), files[2].as_bytes().to_vec());
        for n in 1..=3 {
            src.0.insert(
                format!("comments/01j000000000000000000000000{n}.toml"),
                files[4 + n].as_bytes().to_vec(),
            );
        }
        let ws = Workspace::load(&src).unwrap();
        prop_assert_eq!(ws.comments.len(), 3, "{:?}", ws.problems);
        let has_cycle = (1..=3).any(|start| {
            let mut at = start;
            for _ in 0..4 {
                match parents[at - 1] {
                    Some(p) => at = p,
                    None => return false,
                }
            }
            true
        });
        let reported = ws.problems.iter().any(|p| p.message.contains("ring") || p.message.contains("circle"));
        prop_assert_eq!(has_cycle, reported, "{:?}", ws.problems);
        // Every thread walk ends: following reply_to from any comment
        // reaches a first comment.
        for c in &ws.comments {
            let mut at = c;
            let mut steps = 0;
            while let Some(p) = at.reply_to.as_deref().and_then(|p| ws.comments.iter().find(|x| x.id == p)) {
                at = p;
                steps += 1;
                prop_assert!(steps <= 3, "a cycle is still followed");
            }
        }
        prop_assert!(!ws.chapters.is_empty());
        prop_assert_eq!(ws.chapters[0].title.as_str(), "Dybt");
    }
}
