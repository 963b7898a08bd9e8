//! Exports of the høringsnotat and the oplæg, checked in each format by
//! reading the files back as their readers would: the HTML parsed by an
//! HTML5 parser, the DOCX unzipped and its `word/document.xml` parsed as
//! XML, the Markdown parsed as CommonMark. The contents are compared with
//! the workspace (and with plain git), and hostile text must come out as
//! text. The renderer tests at the end open the files in real programs:
//! headless Chromium for the HTML, LibreOffice for the DOCX.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use oplaeg::export::{self, Format, Kind, Request, Stats};
use oplaeg::i18n::Lang;
use oplaeg::model::{Choice, Comment, CommentStatus, Workspace};
use oplaeg::ops::NewTarget;
use oplaeg::store::{Rev, Store};
use oplaeg::text::{collapse_ws, markdown_to_text};

// ---------------------------------------------------------------------------
// Exporting
// ---------------------------------------------------------------------------

struct Out {
    bytes: Vec<u8>,
    stats: Stats,
    path: PathBuf,
}

/// The oplæg at HEAD as Word, in Danish, in the folder `out` of `ws`.
fn oplaeg_docx(ws: &Ws) -> Out {
    let dir = ws.tmp.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    export_to(
        &ws.store(),
        &dir,
        Kind::Oplaeg,
        Format::Docx,
        None,
        Lang::Da,
    )
}

fn export_to(
    store: &Store,
    dir: &Path,
    kind: Kind,
    format: Format,
    since: Option<&str>,
    lang: Lang,
) -> Out {
    let path = dir.join(format!(
        "{}-{}-{}.{}",
        kind.file_stem(),
        since.unwrap_or("all").replace('/', "-"),
        if lang == Lang::Da { "da" } else { "en" },
        format.extension()
    ));
    let summary = export::run(
        store,
        &Request {
            kind,
            format,
            output: path.clone(),
            at: Rev::head(),
            since: since.map(str::to_string),
            lang,
            force: false,
        },
    )
    .unwrap_or_else(|e| panic!("export {kind:?} {format:?}: {e}"));
    assert_eq!(summary.path, path);
    let bytes = std::fs::read(&path).expect("the exported file");
    assert_eq!(summary.bytes, bytes.len());
    Out {
        bytes,
        stats: summary.stats,
        path,
    }
}

/// The demo workspace in a temporary folder (removed when dropped).
fn demo() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::Builder::new()
        .prefix("oplaeg-export-demo-")
        .tempdir()
        .unwrap();
    let store = oplaeg::demo::build(&tmp.path().join("demo")).expect("demo");
    (tmp, store)
}

// ---------------------------------------------------------------------------
// Reading the files back: each format becomes the same flat list of items
// ---------------------------------------------------------------------------

/// A block as a reader meets it: a heading (level 0 is the document's
/// title, 1 a chapter), a field label, or a paragraph (also list items and
/// table cells). `now` is the text with changes accepted, `then` with them
/// rejected; they differ only where text is marked inserted or deleted.
#[derive(Clone, Debug)]
struct Item {
    kind: ItemKind,
    now: String,
    then: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemKind {
    H(u8),
    Label,
    P,
}

impl Item {
    fn new(kind: ItemKind, now: &str, then: &str) -> Item {
        Item {
            kind,
            now: collapse_ws(now),
            then: collapse_ws(then),
        }
    }
}

/// What a file holds, read back.
struct Back {
    items: Vec<Item>,
    /// Raw HTML the Markdown parser met (only `<ins>`/`<del>` are expected).
    md_html: Vec<String>,
    /// HTML5 parse errors (none expected).
    html_errors: Vec<String>,
    /// HTML elements by name (to prove no `<script>` or `<img>` exists).
    html_elements: BTreeSet<String>,
    /// Attributes that load or run something (`href`, `src`, `on…`).
    html_links: Vec<String>,
    /// Tracked changes in a DOCX.
    docx_ins: usize,
    docx_del: usize,
    /// Paragraph styles used in a DOCX, and the style ids defined.
    docx_styles_used: BTreeSet<String>,
    docx_styles_xml: String,
}

fn read_back(format: Format, bytes: &[u8]) -> Back {
    match format {
        Format::Html => read_html(std::str::from_utf8(bytes).expect("HTML is UTF-8")),
        Format::Markdown => read_md(std::str::from_utf8(bytes).expect("Markdown is UTF-8")),
        Format::Docx => read_docx(bytes),
    }
}

fn empty_read() -> Back {
    Back {
        items: Vec::new(),
        md_html: Vec::new(),
        html_errors: Vec::new(),
        html_elements: BTreeSet::new(),
        html_links: Vec::new(),
        docx_ins: 0,
        docx_del: 0,
        docx_styles_used: BTreeSet::new(),
        docx_styles_xml: String::new(),
    }
}

// HTML, through an HTML5 parser.

fn read_html(source: &str) -> Back {
    use scraper::{ElementRef, Html, Node};
    let doc = Html::parse_document(source);
    let mut out = empty_read();
    out.html_errors = doc.errors.iter().map(|e| e.to_string()).collect();
    for node in doc.root_element().descendants() {
        if let Node::Element(e) = node.value() {
            out.html_elements.insert(e.name().to_string());
            for (name, value) in e.attrs() {
                if matches!(name, "href" | "src" | "action" | "formaction")
                    || name.starts_with("on")
                {
                    out.html_links.push(format!("{name}={value}"));
                }
            }
        }
    }
    const BLOCKS: [&str; 13] = [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "dt", "dd", "li", "td", "th", "pre",
    ];
    /// Text of an element, without nested blocks; `skip` is `del` or `ins`.
    fn text(e: ElementRef, skip: &str, out: &mut String) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(el) => {
                    let name = el.name();
                    if name == "br" {
                        out.push(' ');
                    } else if name != skip
                        && !BLOCKS.contains(&name)
                        && !matches!(name, "ul" | "ol" | "blockquote" | "dl" | "table")
                        && let Some(inner) = ElementRef::wrap(child)
                    {
                        text(inner, skip, out);
                    }
                }
                _ => {}
            }
        }
    }
    fn walk(e: ElementRef, items: &mut Vec<Item>) {
        let name = e.value().name();
        if matches!(name, "head" | "style" | "title" | "script") {
            return;
        }
        if BLOCKS.contains(&name) {
            let kind = match name.as_bytes() {
                [b'h', d] => ItemKind::H(d - b'1'),
                b"dt" => ItemKind::Label,
                _ => ItemKind::P,
            };
            let (mut now, mut then) = (String::new(), String::new());
            text(e, "del", &mut now);
            text(e, "ins", &mut then);
            if !now.trim().is_empty() || !then.trim().is_empty() {
                items.push(Item::new(kind, &now, &then));
            }
        }
        for child in e.children() {
            if let Some(inner) = ElementRef::wrap(child) {
                walk(inner, items);
            }
        }
    }
    walk(doc.root_element(), &mut out.items);
    out
}

// Markdown, through a CommonMark parser.

fn read_md(text: &str) -> Back {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = empty_read();
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let (mut now, mut then) = (String::new(), String::new());
    let (mut ins, mut del) = (false, false);
    let mut kind = ItemKind::P;
    // A paragraph that starts with `**Label:**` is a label and a paragraph.
    let mut strong_at_start = false;
    let mut strong_text = String::new();
    let mut strong_depth = 0;
    let flush = |kind: ItemKind, now: &mut String, then: &mut String, items: &mut Vec<Item>| {
        if !now.trim().is_empty() || !then.trim().is_empty() {
            items.push(Item::new(kind, now, then));
        }
        now.clear();
        then.clear();
    };
    for event in Parser::new_ext(text, opts) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(kind, &mut now, &mut then, &mut out.items);
                kind = ItemKind::H(level as u8 - 1);
            }
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::TableCell)
            | Event::Start(Tag::Item) => {
                flush(kind, &mut now, &mut then, &mut out.items);
                kind = ItemKind::P;
                strong_at_start = true;
            }
            Event::Start(Tag::Strong) => {
                strong_depth += 1;
                if !strong_at_start || !now.is_empty() {
                    strong_at_start = false;
                }
            }
            Event::End(TagEnd::Strong) => {
                strong_depth -= 1;
                if strong_at_start && strong_depth == 0 {
                    strong_at_start = false;
                    if let Some(label) = strong_text.trim().strip_suffix(':') {
                        out.items.push(Item::new(ItemKind::Label, label, label));
                        now.clear();
                        then.clear();
                    }
                    strong_text.clear();
                }
            }
            Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::TableCell)
            | Event::End(TagEnd::Item) => {
                flush(kind, &mut now, &mut then, &mut out.items);
                kind = ItemKind::P;
            }
            Event::Start(Tag::List(_)) => flush(kind, &mut now, &mut then, &mut out.items),
            Event::Text(t) | Event::Code(t) => {
                if strong_depth > 0 && strong_at_start {
                    strong_text.push_str(&t);
                }
                if !del {
                    now.push_str(&t);
                }
                if !ins {
                    then.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                now.push(' ');
                then.push(' ');
            }
            Event::InlineHtml(h) | Event::Html(h) => match h.trim() {
                "<ins>" => ins = true,
                "</ins>" => ins = false,
                "<del>" => del = true,
                "</del>" => del = false,
                other => out.md_html.push(other.to_string()),
            },
            _ => {}
        }
    }
    flush(kind, &mut now, &mut then, &mut out.items);
    out
}

// DOCX: the zip's word/document.xml, parsed as XML.

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let mut part = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the DOCX"));
    let mut s = String::new();
    part.read_to_string(&mut s).expect("UTF-8 XML");
    s
}

fn read_docx(bytes: &[u8]) -> Back {
    use quick_xml::events::Event;
    let xml = zip_part(bytes, "word/document.xml");
    let mut out = empty_read();
    out.docx_styles_xml = zip_part(bytes, "word/styles.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut now, mut then) = (String::new(), String::new());
    let mut style: Option<String> = None;
    let (mut in_ins, mut in_del, mut in_t, mut in_del_t) = (0, 0, false, false);
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("document.xml is not well-formed XML: {e}"));
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"w:pStyle" => {
                let v = e
                    .try_get_attribute("w:val")
                    .ok()
                    .flatten()
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                style = v;
            }
            Event::Start(e) => match e.name().as_ref() {
                b"w:p" => {
                    now.clear();
                    then.clear();
                    style = None;
                }
                b"w:ins" => {
                    in_ins += 1;
                    out.docx_ins += 1;
                }
                b"w:del" => {
                    in_del += 1;
                    out.docx_del += 1;
                }
                b"w:t" => in_t = true,
                b"w:delText" => in_del_t = true,
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                b"w:br" | b"w:tab" => {
                    now.push(' ');
                    then.push(' ');
                }
                // A paragraph mark inserted or deleted whole.
                b"w:ins" => out.docx_ins += 1,
                b"w:del" => out.docx_del += 1,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"w:p" => {
                    let kind = match style.as_deref() {
                        Some("Title") => ItemKind::H(0),
                        Some(s) if s.starts_with("Heading") => {
                            ItemKind::H(s[7..].parse().expect("HeadingN"))
                        }
                        Some("FieldLabel") => ItemKind::Label,
                        _ => ItemKind::P,
                    };
                    if let Some(s) = &style {
                        out.docx_styles_used.insert(s.clone());
                    }
                    if !now.trim().is_empty() || !then.trim().is_empty() {
                        out.items.push(Item::new(kind, &now, &then));
                    }
                }
                b"w:ins" => in_ins -= 1,
                b"w:del" => in_del -= 1,
                b"w:t" => in_t = false,
                b"w:delText" => in_del_t = false,
                _ => {}
            },
            Event::Text(t) => {
                let s = t.decode().expect("text").into_owned();
                push_docx_text(&s, in_t, in_del_t, in_ins, in_del, &mut now, &mut then);
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => match r.decode().expect("entity").as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity &{other};"),
                    },
                };
                push_docx_text(&s, in_t, in_del_t, in_ins, in_del, &mut now, &mut then);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn push_docx_text(
    s: &str,
    in_t: bool,
    in_del_t: bool,
    in_ins: i32,
    in_del: i32,
    now: &mut String,
    then: &mut String,
) {
    if in_t {
        assert_eq!(in_del, 0, "w:t inside w:del: {s}");
        now.push_str(s);
        if in_ins == 0 {
            then.push_str(s);
        }
    } else if in_del_t {
        then.push_str(s);
    }
}

// ---------------------------------------------------------------------------
// The høringsnotat's comments, read back
// ---------------------------------------------------------------------------

/// One comment as the høringsnotat shows it.
#[derive(Debug, Default)]
struct Card {
    number: usize,
    org: String,
    /// The chapter or recommendation heading it stands under.
    group: String,
    byline: String,
    fields: BTreeMap<String, String>,
}

fn label_key(s: &str) -> String {
    s.trim().trim_end_matches(':').to_lowercase()
}

/// The comments of a høringsnotat in the order printed, with the headings
/// of chapters and recommendations in order.
fn cards(items: &[Item], lang: Lang) -> (Vec<Card>, Vec<String>) {
    let word = if lang == Lang::Da {
        "Kommentar "
    } else {
        "Comment "
    };
    let mut cards: Vec<Card> = Vec::new();
    let mut groups = Vec::new();
    let mut group = String::new();
    let mut open = false;
    let mut in_body = false;
    let mut field: Option<String> = None;
    for it in items {
        match it.kind {
            ItemKind::H(1) => {
                open = false;
                in_body =
                    it.now.starts_with("Kommentarer til") || it.now.starts_with("Comments on");
            }
            ItemKind::H(2) => {
                open = false;
                group = it.now.clone();
                if in_body {
                    groups.push(group.clone());
                }
            }
            ItemKind::H(3) => {
                let Some(rest) = it.now.strip_prefix(word) else {
                    open = false;
                    continue;
                };
                let (n, org) = rest.split_once(" – ").expect("«Kommentar N – Org»");
                cards.push(Card {
                    number: n.parse().expect("a comment number"),
                    org: org.to_string(),
                    group: group.clone(),
                    ..Card::default()
                });
                open = true;
                field = None;
            }
            ItemKind::H(_) => open = false,
            ItemKind::Label if open => field = Some(label_key(&it.now)),
            ItemKind::P if open => {
                let card = cards.last_mut().expect("open card");
                match &field {
                    None if card.byline.is_empty() => card.byline = it.now.clone(),
                    None => {}
                    Some(f) => {
                        let t = card.fields.entry(f.clone()).or_default();
                        if !t.is_empty() {
                            t.push(' ');
                        }
                        t.push_str(&it.now);
                    }
                }
            }
            _ => {}
        }
    }
    (cards, groups)
}

/// The first comments of threads (replies excluded, replies to missing
/// comments included), by id.
fn first_comments(ws: &Workspace) -> Vec<&Comment> {
    let ids: BTreeSet<&str> = ws.comments.iter().map(|c| c.id.as_str()).collect();
    ws.comments
        .iter()
        .filter(|c| c.reply_to.as_deref().is_none_or(|p| !ids.contains(p)))
        .collect()
}

fn verdict(c: &Comment, lang: Lang) -> String {
    match (&c.resolution, c.status) {
        (Some(r), CommentStatus::Resolved) => {
            let l = r.disposition.label_in(lang);
            let mut chars = l.chars();
            let first = chars.next().unwrap().to_uppercase().to_string();
            first + chars.as_str()
        }
        (_, CommentStatus::Withdrawn) => {
            if lang == Lang::Da {
                "Trukket tilbage".into()
            } else {
                "Withdrawn".into()
            }
        }
        _ => {
            if lang == Lang::Da {
                "Ikke besvaret endnu".into()
            } else {
                "Not answered yet".into()
            }
        }
    }
}

/// Every thread's first comment appears exactly once, under its chapter
/// or recommendation, with its organisation, author, text, disposition,
/// the writers' response and its replies; groups come in chapter order and
/// then priority order.
fn check_notat(ws: &Workspace, wanted: &[&Comment], read: &Back, lang: Lang, what: &str) {
    let (cards, groups) = cards(&read.items, lang);
    assert_eq!(
        cards.len(),
        wanted.len(),
        "{what}: one card per thread ({:?})",
        cards.iter().map(|c| c.number).collect::<Vec<_>>()
    );
    let numbers: Vec<usize> = cards.iter().map(|c| c.number).collect();
    assert_eq!(
        numbers,
        (1..=wanted.len()).collect::<Vec<_>>(),
        "{what}: numbered in order"
    );
    let (body_key, verdict_key, quote_key) = if lang == Lang::Da {
        ("kommentar", "afgørelse", "citat fra teksten")
    } else {
        ("comment", "disposition", "quoted text")
    };
    let clean = |s: &str| collapse_ws(&oplaeg::export::doc::clean(s));
    for c in wanted {
        let body = clean(&c.body);
        let found: Vec<&Card> = cards
            .iter()
            .filter(|k| k.fields.get(body_key) == Some(&body))
            .collect();
        assert_eq!(found.len(), 1, "{what}: comment {} appears once", c.id);
        let card = found[0];
        assert_eq!(card.org, c.author.organisation, "{what}: organisation");
        assert!(
            card.byline.contains(&c.author.name) && card.byline.contains(&c.author.organisation),
            "{what}: byline {:?}",
            card.byline
        );
        assert_eq!(
            card.fields.get(verdict_key).map(String::as_str),
            Some(verdict(c, lang).as_str()),
            "{what}: disposition of {}",
            c.id
        );
        if let (Some(r), CommentStatus::Resolved) = (&c.resolution, c.status) {
            let response = clean(&r.response);
            assert!(
                card.fields.values().any(|v| v.starts_with(&response)),
                "{what}: the response to {} is shown",
                c.id
            );
        }
        if let Some(a) = &c.target.anchor {
            assert_eq!(
                card.fields.get(quote_key).map(|q| q.starts_with(&a.quote)),
                Some(true),
                "{what}: quote of {}",
                c.id
            );
        }
        // Its group is its chapter or recommendation.
        let expected_group = if let Some(ch) = &c.target.chapter {
            let x = ws.chapters.iter().find(|x| &x.slug == ch).unwrap();
            format!("{}. {}", x.number, x.title)
        } else {
            let r = c.target.recommendation.as_deref().unwrap();
            let x = ws.recommendations.iter().find(|x| x.slug == r).unwrap();
            let word = if lang == Lang::Da {
                "Anbefaling"
            } else {
                "Recommendation"
            };
            format!("{word} {}: {}", x.rank, x.title)
        };
        assert_eq!(card.group, expected_group, "{what}: group of {}", c.id);
        // Replies stay in the thread.
        for reply in ws.replies(&c.id) {
            let all: String = card.fields.values().cloned().collect::<Vec<_>>().join(" ");
            assert!(
                all.contains(&clean(&reply.body)),
                "{what}: reply {} is in its thread",
                reply.id
            );
        }
    }
    // Chapters in order, then recommendations in priority order.
    let positions: Vec<(u8, usize)> = groups
        .iter()
        .filter_map(|g| {
            if let Some(i) = ws
                .chapters
                .iter()
                .position(|c| g == &format!("{}. {}", c.number, c.title))
            {
                Some((0, i))
            } else {
                ws.recommendations
                    .iter()
                    .position(|r| g.ends_with(&format!(" {}: {}", r.rank, r.title)))
                    .map(|i| (1, i))
            }
        })
        .collect();
    assert_eq!(
        positions.len(),
        groups.len(),
        "{what}: known groups {groups:?}"
    );
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "{what}: group order {groups:?}");
}

// ---------------------------------------------------------------------------
// Tests on the demo
// ---------------------------------------------------------------------------

#[test]
fn notat_of_the_demo_holds_every_comment_once_in_every_format() {
    let (tmp, store) = demo();
    let ws = store.load(&Rev::head()).unwrap();
    let wanted = first_comments(&ws);
    assert!(wanted.len() >= 15, "the demo has comments");
    for format in [Format::Html, Format::Docx, Format::Markdown] {
        let out = export_to(&store, tmp.path(), Kind::Notat, format, None, Lang::Da);
        let read = read_back(format, &out.bytes);
        assert!(
            read.html_errors.is_empty(),
            "{format:?}: {:?}",
            read.html_errors
        );
        check_notat(&ws, &wanted, &read, Lang::Da, &format!("{format:?}"));
        let Stats::Notat(stats) = &out.stats else {
            panic!("notat stats")
        };
        assert_eq!(stats.comments, wanted.len());
        assert_eq!(
            stats.unanswered,
            wanted.iter().filter(|c| c.is_open()).count()
        );
        let orgs: BTreeSet<&str> = wanted
            .iter()
            .map(|c| c.author.organisation.as_str())
            .collect();
        assert_eq!(stats.organisations, orgs.len());
        // The overview lists every organisation with its count.
        let texts: Vec<&str> = read.items.iter().map(|i| i.now.as_str()).collect();
        for org in &orgs {
            let n = wanted
                .iter()
                .filter(|c| c.author.organisation == *org)
                .count();
            let at = texts
                .iter()
                .position(|t| t == org)
                .unwrap_or_else(|| panic!("{format:?}: {org} in the overview"));
            assert_eq!(texts[at + 1], n.to_string(), "{format:?}: count of {org}");
        }
        // And every unanswered comment by number.
        let unanswered = read
            .items
            .iter()
            .position(|i| i.now == "Kommentarer, der ikke er besvaret endnu")
            .expect("the unanswered list");
        let (cards, _) = cards(&read.items, Lang::Da);
        for card in cards
            .iter()
            .filter(|c| c.fields["afgørelse"] == "Ikke besvaret endnu")
        {
            assert!(
                read.items[unanswered..]
                    .iter()
                    .take(200)
                    .any(|i| i.now == card.number.to_string()),
                "{format:?}: no. {} listed as unanswered",
                card.number
            );
        }
    }
    // English labels on request.
    let out = export_to(
        &store,
        tmp.path(),
        Kind::Notat,
        Format::Html,
        None,
        Lang::En,
    );
    let read = read_back(Format::Html, &out.bytes);
    check_notat(&ws, &wanted, &read, Lang::En, "HTML en");
    assert!(read.items.iter().any(|i| i.now == "Overview"));
    let html = String::from_utf8(out.bytes).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn notat_since_a_meeting_holds_the_threads_begun_after_it() {
    let (tmp, store) = demo();
    let ws = store.load(&Rev::head()).unwrap();
    // Which comment files the draft for meeting 4 already had, says git.
    let listed = Command::new("git")
        .args(["ls-tree", "--name-only", "meeting/4", "comments/"])
        .current_dir(store.root())
        .output()
        .unwrap();
    assert!(listed.status.success());
    let before: BTreeSet<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("comments/")?.strip_suffix(".toml"))
        .map(str::to_string)
        .collect();
    assert!(!before.is_empty());
    let wanted: Vec<&Comment> = first_comments(&ws)
        .into_iter()
        .filter(|c| !before.contains(&c.id))
        .collect();
    assert!(!wanted.is_empty() && wanted.len() < first_comments(&ws).len());
    for format in [Format::Html, Format::Docx, Format::Markdown] {
        let out = export_to(
            &store,
            tmp.path(),
            Kind::Notat,
            format,
            Some("meeting/4"),
            Lang::Da,
        );
        let read = read_back(format, &out.bytes);
        check_notat(&ws, &wanted, &read, Lang::Da, &format!("since {format:?}"));
        assert!(
            read.items.iter().any(|i| i
                .now
                .contains("Kommentarer tilføjet efter udkastet til 4. møde")),
            "{format:?}: the title page says what is covered"
        );
    }
}

/// The visible text of the items between the heading `start` and the next
/// heading of level ≤ `level`.
fn section(items: &[Item], start: &str, level: u8) -> (String, String) {
    let at = items
        .iter()
        .position(|i| matches!(i.kind, ItemKind::H(l) if l == level) && i.now == start)
        .unwrap_or_else(|| panic!("heading {start:?}"));
    let mut now = Vec::new();
    let mut then = Vec::new();
    for it in &items[at..] {
        if !std::ptr::eq(it, &items[at]) && matches!(it.kind, ItemKind::H(l) if l <= level) {
            break;
        }
        now.push(it.now.clone());
        then.push(it.then.clone());
    }
    (collapse_ws(&now.join(" ")), collapse_ws(&then.join(" ")))
}

#[test]
fn oplaeg_of_the_demo_has_chapters_and_recommendations_in_order() {
    let (tmp, store) = demo();
    let ws = store.load(&Rev::head()).unwrap();
    for format in [Format::Html, Format::Docx, Format::Markdown] {
        let out = export_to(&store, tmp.path(), Kind::Oplaeg, format, None, Lang::Da);
        let read = read_back(format, &out.bytes);
        let what = format!("{format:?}");
        assert!(
            read.html_errors.is_empty(),
            "{what}: {:?}",
            read.html_errors
        );
        let h = |level: u8| -> Vec<String> {
            read.items
                .iter()
                .filter(|i| i.kind == ItemKind::H(level) && i.now != "Indhold")
                .map(|i| i.now.clone())
                .collect()
        };
        assert_eq!(h(0), vec![ws.config.title.clone()], "{what}: the title");
        let mut chapters: Vec<String> = ws
            .chapters
            .iter()
            .map(|c| format!("{}. {}", c.number, c.title))
            .collect();
        chapters.push("Anbefalinger".into());
        assert_eq!(h(1), chapters, "{what}: chapters in order");
        // Each chapter holds its own text, nothing more and nothing less.
        for c in &ws.chapters {
            let (now, _) = section(&read.items, &format!("{}. {}", c.number, c.title), 1);
            let words = markdown_to_text(&c.markdown);
            let expected =
                collapse_ws(&words.replacen(&c.title, &format!("{}. {}", c.number, c.title), 1));
            assert_eq!(now, expected, "{what}: text of chapter {}", c.slug);
        }
        // Recommendations: the overview table and each one, in priority order.
        let (recs_text, _) = section(&read.items, "Anbefalinger", 1);
        let mut last = 0;
        for r in &ws.recommendations {
            let at = recs_text[last..]
                .find(&r.title)
                .unwrap_or_else(|| panic!("{what}: {} in the table after the one before", r.slug));
            last += at + r.title.len();
        }
        let rec_headings: Vec<String> = h(2)
            .into_iter()
            .filter(|t| ws.recommendations.iter().any(|r| t.ends_with(&r.title)))
            .collect();
        let expected: Vec<String> = ws
            .recommendations
            .iter()
            .map(|r| format!("{}. {}", r.rank, r.title))
            .collect();
        assert_eq!(
            rec_headings, expected,
            "{what}: recommendations in priority order"
        );
        for r in &ws.recommendations {
            let (text, _) = section(&read.items, &format!("{}. {}", r.rank, r.title), 2);
            let horizon = ws.config.horizons.get(r.horizon);
            for part in [
                collapse_ws(&r.text),
                collapse_ws(&r.goal),
                collapse_ws(&r.realizability),
                horizon.label.clone(),
                r.status.label_in(Lang::Da).to_string(),
            ] {
                assert!(
                    text.to_lowercase().contains(&part.to_lowercase()),
                    "{what}: {} shows {part:?}",
                    r.slug
                );
            }
        }
        let Stats::Oplaeg(s) = &out.stats else {
            panic!()
        };
        assert_eq!(
            (s.chapters, s.recommendations),
            (ws.chapters.len(), ws.recommendations.len())
        );
    }
}

#[test]
fn oplaeg_changes_since_a_meeting_rebuild_both_versions_in_every_format() {
    let (tmp, store) = demo();
    let now_ws = store.load(&Rev::head()).unwrap();
    let then_ws = store.load(&Rev::Named("meeting/3".into())).unwrap();
    // The chapters git says changed since meeting 3.
    let diff = Command::new("git")
        .args(["diff", "--name-only", "meeting/3", "HEAD", "--", "drafts/"])
        .current_dir(store.root())
        .output()
        .unwrap();
    let changed: Vec<String> = String::from_utf8(diff.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(changed.len() >= 3, "the demo revises chapters: {changed:?}");
    for format in [Format::Html, Format::Docx, Format::Markdown] {
        let out = export_to(
            &store,
            tmp.path(),
            Kind::Oplaeg,
            format,
            Some("meeting/3"),
            Lang::Da,
        );
        let read = read_back(format, &out.bytes);
        let what = format!("{format:?}");
        let mut marked = 0;
        for c in &now_ws.chapters {
            let old = then_ws.chapters.iter().find(|o| o.slug == c.slug).unwrap();
            let heading = format!("{}. {}", c.number, c.title);
            let (now, then) = section(&read.items, &heading, 1);
            let number = |title: &str, md: &str| {
                collapse_ws(&markdown_to_text(md).replacen(
                    title,
                    &format!("{}. {title}", c.number),
                    1,
                ))
            };
            assert_eq!(
                now,
                number(&c.title, &c.markdown),
                "{what}: {} as it is",
                c.slug
            );
            assert_eq!(
                then,
                number(&old.title, &old.markdown),
                "{what}: {} as it was",
                c.slug
            );
            if now != then {
                marked += 1;
                assert!(
                    changed.contains(&c.file),
                    "{what}: {} marked but unchanged",
                    c.slug
                );
            }
        }
        assert_eq!(
            marked,
            changed.len(),
            "{what}: every changed chapter is marked"
        );
        if format == Format::Docx {
            assert!(
                read.docx_ins > 0 && read.docx_del > 0,
                "real Word revisions"
            );
        }
        if format == Format::Html {
            let html = String::from_utf8(out.bytes.clone()).unwrap();
            assert!(html.contains("<ins>") && html.contains("<del>"));
        }
    }
    // Without --changes-since nothing is marked.
    let out = export_to(
        &store,
        tmp.path(),
        Kind::Oplaeg,
        Format::Docx,
        None,
        Lang::Da,
    );
    let read = read_back(Format::Docx, &out.bytes);
    assert_eq!((read.docx_ins, read.docx_del), (0, 0));
}

#[test]
fn docx_uses_real_heading_styles_and_keeps_danish_letters() {
    let (tmp, store) = demo();
    let out = export_to(
        &store,
        tmp.path(),
        Kind::Oplaeg,
        Format::Docx,
        None,
        Lang::Da,
    );
    let read = read_back(Format::Docx, &out.bytes);
    for id in ["Heading1", "Heading2", "Title"] {
        assert!(read.docx_styles_used.contains(id), "{id} used");
    }
    // Word finds headings by the built-in names and outline levels.
    for (id, name, level) in [
        ("Heading1", "heading 1", 0),
        ("Heading2", "heading 2", 1),
        ("Heading3", "heading 3", 2),
    ] {
        let at = read
            .docx_styles_xml
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("style {id} defined"));
        let def = &read.docx_styles_xml[at..at + 600.min(read.docx_styles_xml.len() - at)];
        assert!(def.contains(&format!("<w:name w:val=\"{name}\"")), "{def}");
        assert!(
            def.contains(&format!("<w:outlineLvl w:val=\"{level}\"")),
            "{def}"
        );
    }
    // A table of contents field Word can update.
    let xml = zip_part(&out.bytes, "word/document.xml");
    assert!(xml.contains("TOC \\o &quot;1-2&quot;") || xml.contains("TOC \\o \"1-2\""));
    assert!(read.items.iter().any(|i| i.now.contains("Kræftplan V")));
    assert!(read.items.iter().any(|i| i.now.contains("Senfølger")));
    let core = zip_part(&out.bytes, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Fagligt oplæg til Kræftplan V</dc:title>"),
        "{core}"
    );
}

// ---------------------------------------------------------------------------
// Hostile text and bad requests, on small workspaces
// ---------------------------------------------------------------------------

const HOSTILE: &str = "Før <script>alert(\"x\")</script> **ikke fed** _ikke kursiv_ </w:t><w:t>x & &amp; ]]> \u{1b}[31m rød\u{7} \u{202E}vendt\n# ikke en overskrift\n- ikke en liste\n<img src=x onerror=alert(1)>";

#[test]
fn hostile_text_comes_out_as_text_in_every_format() {
    let ws = Ws::sample();
    ws.write(
        "drafts/02-rehabilitering.md",
        &format!("{SAMPLE_REHAB}\n<script>alert('kapitel')</script>\n\n<iframe src=\"https://example.invalid\"></iframe>\n\nTekst og [et link](javascript:alert(1)).\n"),
    );
    ws.session_at(WRITER, "2024-06-01T10:00:00+02:00")
        .save("Kapitel med rå HTML")
        .unwrap();
    let s = ws.session_at(MEMBER, "2024-06-02T10:00:00+02:00");
    let c = s
        .add_comment(
            NewTarget::Chapter {
                chapter: "rehabilitering".into(),
                quote: Some(UNIQUE_QUOTE.into()),
            },
            HOSTILE,
        )
        .unwrap();
    ws.session_at(MEMBER2, "2024-06-03T10:00:00+02:00")
        .reply(&c.id, "Svar med <b>fed</b> & `kode`")
        .unwrap();
    ws.session_at(WRITER, "2024-06-04T10:00:00+02:00")
        .resolve(
            &c.id,
            oplaeg::model::Disposition::NotMet,
            "Svar </w:t> <script>",
        )
        .unwrap();
    let store = ws.store();
    let head = store.load(&Rev::head()).unwrap();
    let wanted = first_comments(&head);
    let dir = ws.tmp.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let shown = collapse_ws(&oplaeg::export::doc::clean(HOSTILE));
    for kind in Kind::ALL {
        for format in [Format::Html, Format::Docx, Format::Markdown] {
            let out = export_to(&store, &dir, kind, format, None, Lang::Da);
            let what = format!("{kind:?} {format:?}");
            // No control character or bidi override reaches any file.
            let raw = match format {
                Format::Docx => zip_part(&out.bytes, "word/document.xml"),
                _ => String::from_utf8(out.bytes.clone()).unwrap(),
            };
            assert!(
                !raw.chars()
                    .any(|c| (c.is_control() && c != '\n') || c == '\u{202E}'),
                "{what}: a control character got through"
            );
            let read = read_back(format, &out.bytes);
            let all: String = read
                .items
                .iter()
                .map(|i| i.now.clone())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                read.html_errors.is_empty(),
                "{what}: {:?}",
                read.html_errors
            );
            for bad in ["script", "img", "iframe", "b"] {
                assert!(
                    !read.html_elements.contains(bad),
                    "{what}: a <{bad}> element"
                );
            }
            assert!(
                read.md_html.is_empty(),
                "{what}: raw HTML in Markdown {:?}",
                read.md_html
            );
            assert!(
                read.html_links.iter().all(|l| l.starts_with("href=#")),
                "{what}: only links inside the document: {:?}",
                read.html_links
            );
            if kind == Kind::Oplaeg {
                assert!(all.contains("og et link."), "{what}: the link's words stay");
                assert!(
                    !all.contains("javascript"),
                    "{what}: the javascript: target is gone"
                );
            }
            match kind {
                Kind::Notat => {
                    check_notat(&head, &wanted, &read, Lang::Da, &what);
                    assert!(all.contains(&shown), "{what}: the comment as text");
                    assert!(
                        all.contains("Svar med <b>fed</b> & `kode`"),
                        "{what}: reply"
                    );
                    assert!(all.contains("Svar </w:t> <script>"), "{what}: response");
                }
                Kind::Oplaeg => {
                    assert!(
                        all.contains("<script>alert('kapitel')</script>"),
                        "{what}: {all}"
                    );
                    assert!(all.contains("<iframe src=\"https://example.invalid\"></iframe>"));
                }
            }
        }
    }
}

#[test]
fn an_existing_file_is_kept_unless_forced_and_odd_places_are_refused() {
    let ws = Ws::sample();
    let store = ws.store();
    let out = ws.tmp.join("notat.html");
    std::fs::write(&out, "det gamle").unwrap();
    let request = |output: PathBuf, force: bool| Request {
        kind: Kind::Notat,
        format: Format::Html,
        output,
        at: Rev::head(),
        since: None,
        lang: Lang::Da,
        force,
    };
    let e = export::run(&store, &request(out.clone(), false)).unwrap_err();
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "det gamle");
    export::run(&store, &request(out.clone(), true)).unwrap();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    // Nothing half-written is left beside it.
    let names: Vec<String> = std::fs::read_dir(&ws.tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    for bad in [
        ws.root.join("drafts/99-notat.md"),
        ws.root.join("comments/x.html"),
        ws.tmp.join("findes-ikke/notat.html"),
        ws.tmp.clone(),
    ] {
        assert!(
            export::run(&store, &request(bad.clone(), true)).is_err(),
            "{bad:?}"
        );
    }
    ws.assert_clean();
    // A revision that does not exist is named in the error.
    let mut r = request(ws.tmp.join("x.html"), false);
    r.since = Some("meeting/9".into());
    let e = export::run(&store, &r).unwrap_err().to_string();
    assert!(e.contains("meeting/9"), "{e}");
    assert!(!ws.tmp.join("x.html").exists());
}

#[test]
fn the_command_line_exports_and_explains_mistakes() {
    let ws = Ws::sample();
    let bin = env!("CARGO_BIN_EXE_oplaeg");
    let run = |args: &[&str]| {
        let mut cmd = Command::new(bin);
        cmd.arg("--repo")
            .arg(&ws.root)
            .args(args)
            .current_dir(&ws.tmp);
        isolate(&mut cmd, &ws.home);
        cmd.output().unwrap()
    };
    let o = run(&["export", "notat", "-o", "n.docx"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("n.docx"));
    assert_eq!(&std::fs::read(ws.tmp.join("n.docx")).unwrap()[..2], b"PK");
    let o = run(&[
        "export", "oplaeg", "--format", "md", "-o", "o.md", "--lang", "en",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(ws.tmp.join("o.md"))
            .unwrap()
            .contains("Recommendations")
    );
    for (args, says) in [
        (&["export", "notat", "-o", "n.docx"][..], "--force"),
        (
            &["export", "notat", "--format", "html", "-o", "n2.docx"][..],
            ".docx",
        ),
        (&["export", "notat", "-o", "n.pdf"][..], "--format"),
        (
            &[
                "export",
                "oplaeg",
                "--changes-since",
                "meeting/7",
                "-o",
                "o.html",
            ][..],
            "meeting/7",
        ),
        (&["status", "--format", "docx"][..], "export"),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.starts_with("oplaeg: fejl: ") && err.contains(says),
            "{args:?}: {err}"
        );
    }
    // Without -o: a default name from the revision, in the current folder.
    let o = run(&["export", "oplaeg"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let head = &ws.head()[..7];
    assert!(ws.tmp.join(format!("oplaeg-{head}.html")).is_file());
}

// ---------------------------------------------------------------------------
// Real renderers: headless Chromium and LibreOffice
// ---------------------------------------------------------------------------

/// Chromium without the network: every host name fails to resolve, the
/// browser's own background requests are off, and the profile is private.
fn chromium(profile: &Path, args: &[&str]) -> std::process::Output {
    let resolver = "--host-resolver-rules=MAP * ~NOTFOUND".to_string();
    let profile_arg = format!("--user-data-dir={}", profile.display());
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(resolver)
    .arg(profile_arg)
    .args(args);
    cmd.output().expect("run chromium")
}

/// URLs a page asked for (not the browser itself), from Chromium's net log.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("net log written");
    // Chromium may end the log without closing it.
    let text = text.trim_end().trim_end_matches(',');
    let json: serde_json::Value = serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .expect("net log is JSON");
    let mut urls = BTreeSet::new();
    for e in json["events"].as_array().into_iter().flatten() {
        let p = &e["params"];
        if let (Some(url), Some(key)) = (p["url"].as_str(), p["network_isolation_key"].as_str())
            && key.contains("file://")
            && !url.starts_with("file:")
        {
            urls.insert(url.to_string());
        }
    }
    urls.into_iter().collect()
}

fn is_png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.len() > 5000 && b.starts_with(b"\x89PNG"))
}

#[test]
fn chromium_renders_the_html_exports_without_any_request() {
    if !common::tools::available(
        "chromium_renders_the_html_exports_without_any_request",
        &["chromium"],
        "chromium",
    ) {
        return;
    }
    let (tmp, store) = demo();
    let ws = store.load(&Rev::head()).unwrap();
    let dir = tmp.path();
    // A control page proves the net log catches what a page loads.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><title>c</title></head><body><img src=\"http://example.invalid/a.png\"></body></html>",
    )
    .unwrap();
    let netlog = dir.join("control.json");
    let o = chromium(
        &dir.join("profile-c"),
        &[
            &format!("--log-net-log={}", netlog.display()),
            "--dump-dom",
            &format!("file://{}", control.display()),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(page_requests(&netlog), ["http://example.invalid/a.png"]);

    for kind in Kind::ALL {
        let out = export_to(&store, dir, kind, Format::Html, None, Lang::Da);
        let netlog = dir.join(format!("{}.json", kind.file_stem()));
        let o = chromium(
            &dir.join(format!("profile-{}", kind.file_stem())),
            &[
                &format!("--log-net-log={}", netlog.display()),
                "--dump-dom",
                &format!("file://{}", out.path.display()),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            page_requests(&netlog),
            Vec::<String>::new(),
            "{kind:?} loads nothing"
        );
        // The page the browser built has the headings.
        let dom = read_html(&String::from_utf8_lossy(&o.stdout));
        let h1: Vec<&str> = dom
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::H(1) && i.now != "Indhold")
            .map(|i| i.now.as_str())
            .collect();
        match kind {
            Kind::Notat => {
                assert_eq!(h1[0], "Overblik", "{h1:?}");
                assert!(h1.contains(&"Kommentarer til kapitlerne"));
            }
            Kind::Oplaeg => {
                let c = &ws.chapters[4];
                assert!(
                    h1.contains(&format!("{}. {}", c.number, c.title).as_str()),
                    "{h1:?}"
                );
                assert_eq!(h1.last(), Some(&"Anbefalinger"));
            }
        }
        let png = dir.join(format!("{}.png", kind.file_stem()));
        let o = chromium(
            &dir.join(format!("profile-s-{}", kind.file_stem())),
            &[
                "--window-size=1100,1400",
                &format!("--screenshot={}", png.display()),
                &format!("file://{}", out.path.display()),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(is_png(&png), "a screenshot of {kind:?}");
    }
}

#[test]
fn libreoffice_opens_the_docx_exports() {
    if !common::tools::available(
        "libreoffice_opens_the_docx_exports",
        &["libreoffice", "pdftotext", "pdftoppm"],
        "libreoffice-writer poppler-utils",
    ) {
        return;
    }
    let (tmp, store) = demo();
    let ws = store.load(&Rev::head()).unwrap();
    let dir = tmp.path();
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    );
    let mut expected: HashMap<Kind, Vec<String>> = HashMap::new();
    expected.insert(
        Kind::Notat,
        vec![
            "Høringsnotat".into(),
            "Overblik".into(),
            "Kommentarer til kapitlerne".into(),
            "Kommentarer til anbefalingerne".into(),
            "Delvist imødekommet".into(),
        ],
    );
    let mut oplaeg: Vec<String> = ws
        .chapters
        .iter()
        .map(|c| format!("{}. {}", c.number, c.title))
        .collect();
    oplaeg.push(ws.config.title.clone());
    oplaeg.push(format!("1. {}", ws.recommendations[0].title));
    expected.insert(Kind::Oplaeg, oplaeg);
    for kind in Kind::ALL {
        // With marked changes, so the tracked revisions are opened too.
        let since = (kind == Kind::Oplaeg).then_some("meeting/3");
        let out = export_to(&store, dir, kind, Format::Docx, since, Lang::Da);
        let o = Command::new("libreoffice")
            .arg(&profile)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir)
            .arg(&out.path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let pdf = out.path.with_extension("pdf");
        assert!(pdf.is_file(), "LibreOffice made {}", pdf.display());
        let o = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(o.status.success());
        let text = collapse_ws(&String::from_utf8_lossy(&o.stdout));
        for heading in &expected[&kind] {
            assert!(
                text.contains(heading.as_str()),
                "{kind:?}: {heading:?} in the PDF"
            );
        }
        let o = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "3"])
            .arg(&pdf)
            .arg(dir.join(format!("page-{}", kind.file_stem())))
            .output()
            .unwrap();
        assert!(o.status.success());
        let pages: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("page-{}", kind.file_stem())))
            })
            .collect();
        assert_eq!(pages.len(), 3, "{pages:?}");
        assert!(pages.iter().all(|p| is_png(p)));
    }
}

#[test]
fn docx_lists_restart_their_numbers_and_bullets_stay_bullets() {
    let ws = Ws::sample();
    ws.write(
        "drafts/01-indledning.md",
        "# Indledning\n\n1. første\n2. anden\n\nMellem listerne.\n\n1. igen første\n\n- et punkt\n- et andet punkt\n",
    );
    ws.session_at(WRITER, "2024-06-01T10:00:00+02:00")
        .save("Lister")
        .unwrap();
    let out = oplaeg_docx(&ws);
    let numbering = zip_part(&out.bytes, "word/numbering.xml");
    let document = zip_part(&out.bytes, "word/document.xml");
    // Each numbered list is its own instance starting at 1; bullets are bullets.
    let num_of = |text: &str| -> String {
        let at = document.find(text).unwrap_or_else(|| panic!("{text}"));
        let para = document[..at].rfind("<w:p ").unwrap();
        let p = &document[para..at];
        let from = p.find("<w:numId w:val=\"").expect("numbered") + 16;
        p[from..].split('"').next().unwrap().to_string()
    };
    let (a, b, c) = (num_of("første"), num_of("igen første"), num_of("et punkt"));
    assert_ne!(a, b, "the second list restarts");
    assert_eq!(num_of("anden"), a);
    for n in [&a, &b] {
        let def = format!("<w:num w:numId=\"{n}\">");
        let at = numbering
            .find(&def)
            .unwrap_or_else(|| panic!("{def} in {numbering}"));
        assert!(
            numbering[at..]
                .split("</w:num>")
                .next()
                .unwrap()
                .contains("w:startOverride w:val=\"1\"")
        );
    }
    let def = format!("<w:num w:numId=\"{c}\"><w:abstractNumId w:val=\"");
    let at = numbering.find(&def).expect("bullet numbering") + def.len();
    let abstract_id = numbering[at..].split('"').next().unwrap();
    let abs = format!("<w:abstractNum w:abstractNumId=\"{abstract_id}\"");
    assert_eq!(
        numbering.matches(&abs).count(),
        1,
        "one definition of {abs}"
    );
    let body = &numbering[numbering.find(&abs).unwrap()..];
    assert!(
        body.split("</w:abstractNum>")
            .next()
            .unwrap()
            .contains("w:numFmt w:val=\"bullet\"")
    );
}

#[test]
fn a_new_workspace_and_the_files_on_disk_export_too() {
    let ws = Ws::init_only();
    let store = ws.store();
    let dir = ws.tmp.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    for format in [Format::Html, Format::Docx, Format::Markdown] {
        let out = export_to(&store, &dir, Kind::Notat, format, None, Lang::Da);
        let read = read_back(format, &out.bytes);
        assert!(
            read.items
                .iter()
                .any(|i| i.now.contains("Der er ingen kommentarer endnu.")),
            "{format:?}"
        );
        let out = export_to(&store, &dir, Kind::Oplaeg, format, None, Lang::Da);
        let read = read_back(format, &out.bytes);
        assert!(
            read.items.iter().any(|i| i.now == "1. Indledning"),
            "{format:?}"
        );
    }
    // An edit not saved yet is exported with --at worktree, and says so.
    ws.write(
        "drafts/01-indledning.md",
        "# Indledning\n\nEn ny sætning, der ikke er gemt.\n",
    );
    let summary = export::run(
        &store,
        &Request {
            kind: Kind::Oplaeg,
            format: Format::Markdown,
            output: dir.join("arbejdsmappe.md"),
            at: Rev::Worktree,
            since: Some("HEAD".into()),
            lang: Lang::Da,
            force: false,
        },
    )
    .unwrap();
    let md = std::fs::read_to_string(summary.path).unwrap();
    assert!(md.contains("arbejdsmappen (ikke gemt i git)"), "{md}");
    assert!(
        md.contains("<ins>En ny sætning, der ikke er gemt.</ins>"),
        "{md}"
    );
}

// ---------------------------------------------------------------------------
// The Word file's structure, pinned
// ---------------------------------------------------------------------------

/// An XML element read back whole (small parts only).
struct XmlNode {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<XmlChild>,
}

enum XmlChild {
    Node(XmlNode),
    Text(String),
}

fn parse_xml(xml: &str) -> XmlNode {
    use quick_xml::events::{BytesStart, Event};
    let node = |e: &BytesStart| XmlNode {
        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect(),
        children: Vec::new(),
    };
    let mut stack = vec![XmlNode {
        name: String::new(),
        attrs: Vec::new(),
        children: Vec::new(),
    }];
    let push_text = |stack: &mut Vec<XmlNode>, s: &str| {
        let top = stack.last_mut().expect("open element");
        match top.children.last_mut() {
            Some(XmlChild::Text(t)) => t.push_str(s),
            _ => top.children.push(XmlChild::Text(s.to_string())),
        }
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}"))
        {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => {
                let n = node(&e);
                stack.last_mut().unwrap().children.push(XmlChild::Node(n));
            }
            Event::End(_) => {
                let n = stack.pop().expect("an open element");
                stack
                    .last_mut()
                    .expect("a parent")
                    .children
                    .push(XmlChild::Node(n));
            }
            Event::Text(t) => push_text(&mut stack, &t.decode().expect("text")),
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => match r.decode().expect("entity").as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity &{other};"),
                    },
                };
                push_text(&mut stack, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    stack.pop().unwrap()
}

/// One element on one line, in a form that does not depend on how a
/// writer orders properties: property lists (`w:pPr`, `w:rPr` …) sorted,
/// empty ones left out, attributes sorted, generated ids (`w14:paraId`,
/// the revision ids of `w:ins`/`w:del`) left out.
fn canon(n: &XmlNode) -> String {
    const PROPS: [&str; 10] = [
        "w:pPr",
        "w:rPr",
        "w:tblPr",
        "w:tcPr",
        "w:trPr",
        "w:sectPr",
        "w:tblBorders",
        "w:numPr",
        "w:lvl",
        "w:style",
    ];
    let mut attrs: Vec<String> = n
        .attrs
        .iter()
        .filter(|(k, _)| {
            k != "w14:paraId"
                && !k.starts_with("xmlns")
                && k != "mc:Ignorable"
                && !(k == "w:id" && (n.name == "w:ins" || n.name == "w:del"))
        })
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect();
    attrs.sort();
    let mut inner: Vec<String> = n
        .children
        .iter()
        .filter_map(|c| match c {
            XmlChild::Node(c) => {
                let s = canon(c);
                (!s.is_empty()).then_some(s)
            }
            XmlChild::Text(t) => Some(format!("{t:?}")),
        })
        .collect();
    if PROPS.contains(&n.name.as_str()) {
        if inner.is_empty() && attrs.is_empty() {
            return String::new();
        }
        inner.sort();
    }
    let mut out = n.name.clone();
    if !attrs.is_empty() {
        out.push_str(&format!("({})", attrs.join(" ")));
    }
    if !inner.is_empty() {
        out.push_str(&format!("{{{}}}", inner.join(" ")));
    }
    out
}

/// The body, one block (paragraph, table, row, cell) and one inline
/// element (run, change, link, bookmark) a line.
fn body_lines(n: &XmlNode, depth: usize, out: &mut Vec<String>) {
    const BLOCKS: [&str; 5] = ["w:body", "w:p", "w:tbl", "w:tr", "w:tc"];
    const HEADS: [&str; 5] = ["w:pPr", "w:tblPr", "w:tblGrid", "w:trPr", "w:tcPr"];
    let pad = "  ".repeat(depth);
    let mut head = n.name.clone();
    for c in &n.children {
        if let XmlChild::Node(c) = c
            && HEADS.contains(&c.name.as_str())
        {
            let s = canon(c);
            if !s.is_empty() {
                head.push(' ');
                head.push_str(&s);
            }
        }
    }
    out.push(format!("{pad}{head}"));
    for c in &n.children {
        match c {
            XmlChild::Node(c) if HEADS.contains(&c.name.as_str()) => {}
            XmlChild::Node(c) if BLOCKS.contains(&c.name.as_str()) => body_lines(c, depth + 1, out),
            XmlChild::Node(c) => out.push(format!("{pad}  {}", canon(c))),
            XmlChild::Text(t) if t.trim().is_empty() => {}
            XmlChild::Text(t) => out.push(format!("{pad}  {t:?}")),
        }
    }
}

fn find<'a>(n: &'a XmlNode, name: &str) -> Option<&'a XmlNode> {
    if n.name == name {
        return Some(n);
    }
    n.children.iter().find_map(|c| match c {
        XmlChild::Node(c) => find(c, name),
        XmlChild::Text(_) => None,
    })
}

fn nodes<'a>(n: &'a XmlNode, name: &str, out: &mut Vec<&'a XmlNode>) {
    for c in &n.children {
        if let XmlChild::Node(c) = c {
            if c.name == name {
                out.push(c);
            }
            nodes(c, name, out);
        }
    }
}

fn attr<'a>(n: &'a XmlNode, key: &str) -> Option<&'a str> {
    n.attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// What a Word file holds, as lines: the styles it uses (as defined), the
/// list numberings its paragraphs use, the body, the footers and the
/// document properties. Parts a writer may add or leave out without
/// changing the document (empty comments, unused definitions) are not in it.
fn docx_structure(bytes: &[u8]) -> String {
    let document = parse_xml(&zip_part(bytes, "word/document.xml"));
    let styles = parse_xml(&zip_part(bytes, "word/styles.xml"));
    let numbering = parse_xml(&zip_part(bytes, "word/numbering.xml"));
    let mut out = Vec::new();
    // Styles: the defaults and every style by id (the last definition wins,
    // as in Word).
    out.push(canon(
        find(&styles, "w:docDefaults").expect("w:docDefaults"),
    ));
    let mut defined = BTreeMap::new();
    let mut all = Vec::new();
    nodes(&styles, "w:style", &mut all);
    for s in all {
        defined.insert(attr(s, "w:styleId").unwrap_or("").to_string(), canon(s));
    }
    out.extend(defined.into_values());
    // Numbering: each instance the body uses, with its definition.
    let mut used = BTreeSet::new();
    let mut ids = Vec::new();
    nodes(&document, "w:numId", &mut ids);
    for n in ids {
        used.insert(attr(n, "w:val").unwrap_or("").to_string());
    }
    let (mut nums, mut abstracts) = (Vec::new(), Vec::new());
    nodes(&numbering, "w:num", &mut nums);
    nodes(&numbering, "w:abstractNum", &mut abstracts);
    for num in nums {
        let id = attr(num, "w:numId").unwrap_or("");
        if !used.contains(id) {
            continue;
        }
        let abstract_id = find(num, "w:abstractNumId")
            .and_then(|a| attr(a, "w:val"))
            .unwrap_or("");
        let def = abstracts
            .iter()
            .find(|a| attr(a, "w:abstractNumId") == Some(abstract_id))
            .unwrap_or_else(|| panic!("the definition of list {id}"));
        // The definition's own id is the writer's choice.
        let mut overrides: Vec<String> = num
            .children
            .iter()
            .filter_map(|c| match c {
                XmlChild::Node(c) if c.name == "w:lvlOverride" => Some(canon(c)),
                _ => None,
            })
            .collect();
        overrides.sort();
        let mut levels = Vec::new();
        nodes(def, "w:lvl", &mut levels);
        let levels: Vec<String> = levels.into_iter().map(canon).collect();
        out.push(format!(
            "list {id} {} {}",
            overrides.join(" "),
            levels.join(" ")
        ));
    }
    body_lines(find(&document, "w:body").expect("w:body"), 0, &mut out);
    // A part's root element (not the text around it).
    let root = |part: &str| -> String {
        let whole = parse_xml(&zip_part(bytes, part));
        let element = whole.children.iter().find_map(|c| match c {
            XmlChild::Node(n) => Some(canon(n)),
            XmlChild::Text(_) => None,
        });
        element.unwrap_or_else(|| panic!("{part} has a root element"))
    };
    for part in ["word/footer1.xml", "word/footer2.xml", "docProps/core.xml"] {
        out.push(root(part));
    }
    out.join("\n")
}

/// Checks a Word file is a whole package: every part is well-formed XML,
/// every part the content types or a relationship names is there, and the
/// parts Word needs are declared.
fn check_docx_package(bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let names: BTreeSet<String> = zip.file_names().map(str::to_string).collect();
    for name in &names {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{name} is UTF-8: {e}"));
        let root = parse_xml(&text);
        assert!(
            root.children.iter().any(|c| matches!(c, XmlChild::Node(_))),
            "{name} has a root element"
        );
    }
    let types = parse_xml(&zip_part(bytes, "[Content_Types].xml"));
    let mut overrides = Vec::new();
    nodes(&types, "Override", &mut overrides);
    let declared: BTreeSet<&str> = overrides
        .iter()
        .map(|o| {
            attr(o, "PartName")
                .expect("PartName")
                .trim_start_matches('/')
        })
        .collect();
    for part in &declared {
        assert!(names.contains(*part), "{part} is declared and present");
    }
    for part in [
        "word/document.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "docProps/core.xml",
    ] {
        assert!(declared.contains(part), "{part} declared in {names:?}");
    }
    for (rels, base) in [
        ("_rels/.rels", ""),
        ("word/_rels/document.xml.rels", "word/"),
    ] {
        let root = parse_xml(&zip_part(bytes, rels));
        let mut all = Vec::new();
        nodes(&root, "Relationship", &mut all);
        assert!(!all.is_empty(), "{rels} has relationships");
        for r in all {
            let target = format!("{base}{}", attr(r, "Target").expect("Target"));
            assert!(names.contains(&target), "{rels}: {target} is in the file");
        }
    }
}

/// The Word files of the demo, pinned line by line (paragraphs with their
/// styles and properties, runs with their text and marks, tables, lists,
/// links, bookmarks and tracked changes), so that a change to the writer
/// cannot silently drop or restyle content. The snapshots were made with
/// the writer built on docx-rs, before Word files were streamed.
#[test]
fn docx_structure_of_the_demo_is_kept() {
    let (tmp, store) = demo();
    let dir = tmp.path();
    let notat = export_to(&store, dir, Kind::Notat, Format::Docx, None, Lang::Da);
    check_docx_package(&notat.bytes);
    insta::assert_snapshot!("docx_structure_notat", docx_structure(&notat.bytes));
    let changes = export_to(
        &store,
        dir,
        Kind::Oplaeg,
        Format::Docx,
        Some("meeting/3"),
        Lang::En,
    );
    insta::assert_snapshot!(
        "docx_structure_oplaeg_changes",
        docx_structure(&changes.bytes)
    );
    let path = dir.join("forslag.docx");
    export::run_with_suggestions(
        &store,
        &Request {
            kind: Kind::Oplaeg,
            format: Format::Docx,
            output: path.clone(),
            at: Rev::head(),
            since: None,
            lang: Lang::Da,
            force: false,
        },
    )
    .expect("export with suggestions");
    let bytes = std::fs::read(&path).expect("the exported file");
    insta::assert_snapshot!("docx_structure_oplaeg_suggestions", docx_structure(&bytes));
}

/// Every kind of block and inline style a chapter can hold, in Word, pinned
/// as above: quotes, code, rules, ordered lists starting anywhere, nested
/// lists, tables, links, line breaks, markup-like text.
#[test]
fn docx_structure_of_every_block_kind_is_kept() {
    let ws = Ws::sample();
    ws.write(
        "drafts/01-indledning.md",
        "# Indledning\n\nEt afsnit med **fed**, *kursiv*, ~~overstreget~~, `kode`, et \
         [link](https://example.org/x?a=1&b=2) og et [internt](#noget).\n\
         Linje to efter et hårdt skift.  \nLinje tre med <b>rå html</b> & ]]> \"citat\".\n\n\
         > Et citat med æøå.\n>\n> - punkt i citat\n\n\
         ```\nkode linje 1\nkode <linje> 2\n```\n\n---\n\n\
         3. tre\n4. fire\n   1. indre et\n   2. indre to\n   - indre punkt\n\n\
         | Navn | Antal |\n|---|---:|\n| Æble | 3 |\n| Pære | 12 |\n\n\
         ## Andet niveau\n\n### Tredje niveau\n\n#### Fjerde niveau\n\nSidste afsnit.\n",
    );
    ws.session_at(WRITER, "2024-06-01T10:00:00+02:00")
        .save("Alle former")
        .unwrap();
    let out = oplaeg_docx(&ws);
    check_docx_package(&out.bytes);
    insta::assert_snapshot!("docx_structure_every_block", docx_structure(&out.bytes));
}
