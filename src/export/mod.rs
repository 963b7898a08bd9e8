//! Documents for people who never open a terminal: the høringsnotat
//! (consultation summary: every comment with its disposition and the
//! writers' response) and the oplæg itself (title page, contents, chapters,
//! recommendations), each as Markdown, HTML or DOCX, from the workspace at
//! any revision.
//!
//! Both are first built as one [`doc::Document`] from the loaded workspace;
//! the three renderers only lay that out, so the formats hold the same
//! content. Text from the workspace is cleaned once when it enters the model
//! ([`doc::clean`]) and escaped by each renderer; it is never read as markup
//! except a chapter's own Markdown, whose raw HTML is shown as text.
//!
//! [`run`] is the one entry point the command line and the terminal UI call.

pub mod changes;
pub mod doc;
mod docx;
mod html;
pub mod markdown;
mod md;
pub mod mine;
mod notat;
mod oplaeg;
pub mod ranking;
pub mod suggestions;
pub mod words;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::paths;
use crate::store::{Rev, RevisionInfo, Store};
use crate::tr;

pub use doc::Document;
pub use notat::NotatStats;
pub use oplaeg::OplaegStats;

/// What a document holds, in counts (for the message after an export).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stats {
    Notat(NotatStats),
    Oplaeg(OplaegStats),
}

/// Which document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The høringsnotat: the comments and their answers.
    Notat,
    /// The oplæg: chapters and recommendations.
    Oplaeg,
}

impl Kind {
    /// Both, in menu order.
    pub const ALL: [Kind; 2] = [Kind::Notat, Kind::Oplaeg];

    /// `Høringsnotat` / `Consultation summary`.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Kind::Notat => words::w(lang, "Høringsnotat", "Consultation summary"),
            Kind::Oplaeg => words::w(lang, "Oplæg", "Proposal"),
        }
    }

    /// The start of default file names.
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::Notat => "hoeringsnotat",
            Kind::Oplaeg => "oplaeg",
        }
    }
}

/// Which file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Html,
    Docx,
}

impl Format {
    /// In menu order: HTML first (opens anywhere), then Word, then Markdown.
    pub const ALL: [Format; 3] = [Format::Html, Format::Docx, Format::Markdown];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }

    /// `md`, `markdown`, `html`, `htm`, `docx`, `word` (any case).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "docx" | "word" => Some(Format::Docx),
            _ => None,
        }
    }

    /// The format a file name's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
    }

    /// The format's short name: `Markdown`, `HTML`, `Word`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Docx => "Word",
        }
    }

    /// How the format is named in menus.
    pub fn label(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown (.md)",
            Format::Html => "HTML (.html)",
            Format::Docx => "Word (.docx)",
        }
    }
}

/// What to export, where to.
#[derive(Clone, Debug)]
pub struct Request {
    pub kind: Kind,
    pub format: Format,
    pub output: PathBuf,
    /// The revision exported (default HEAD).
    pub at: Rev,
    /// Høringsnotat: only threads begun after this revision (`--since`).
    /// Oplæg: mark the changes made since this revision (`--changes-since`).
    pub since: Option<String>,
    pub lang: Lang,
    /// Overwrite an existing file.
    pub force: bool,
}

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub bytes: usize,
    pub kind: Kind,
    pub format: Format,
    pub stats: Stats,
    /// Files that could not be read (whole or in part), one line each as
    /// the document's «Problemer» section names them: the caller shows them
    /// too, so nothing is ever left out silently.
    pub problems: Vec<String>,
}

/// The default file name: `hoeringsnotat-moede-4.html`, `oplaeg-3f2a1b7.docx`.
pub fn default_file_name(kind: Kind, format: Format, info: &RevisionInfo) -> String {
    file_name(kind.file_stem(), format, info)
}

/// `STEM-moede-4.html`, `STEM-3f2a1b7.docx`.
fn file_name(stem: &str, format: Format, info: &RevisionInfo) -> String {
    let rev = match (&info.meeting, info.commit) {
        (Some(m), _) => format!("moede-{}", m.number),
        (None, Some(c)) => c.to_string()[..7].to_string(),
        (None, None) => "arbejdsmappe".to_string(),
    };
    format!("{stem}-{rev}.{}", format.extension())
}

/// The default file name of `oplaeg export mine`: `mit-overblik-moede-4.html`.
pub fn default_mine_file_name(format: Format, info: &RevisionInfo) -> String {
    file_name("mit-overblik", format, info)
}

/// Builds the document a request asks for (without writing anything).
pub fn build(store: &Store, req: &Request) -> Result<(Document, Stats)> {
    build_with_problems(store, req).map(|(doc, stats, _)| (doc, stats))
}

/// The «Problemer» section: every file the workspace could not read, or
/// read only in part, so the document says what it leaves out.
fn problems_section(lang: Lang, problems: &[String]) -> Vec<doc::Block> {
    let intro = words::w(
        lang,
        "oplaeg fandt disse problemer i arbejdsmappens filer. En fil, der ikke kunne læses, mangler i dokumentet eller er ufuldstændig; ret filerne, og eksportér igen:",
        "oplaeg found these problems in the workspace's files. A file that could not be read is missing from the document or incomplete; fix the files and export again:",
    );
    vec![
        doc::Block::heading(1, "problemer", words::w(lang, "Problemer", "Problems")),
        doc::Block::para(intro),
        doc::Block::List {
            start: None,
            items: problems.iter().map(|p| vec![doc::Block::para(p)]).collect(),
        },
    ]
}

fn build_with_problems(store: &Store, req: &Request) -> Result<(Document, Stats, Vec<String>)> {
    let ws = store.load(&req.at)?;
    let info = store.revision_info(&req.at)?;
    let since = match &req.since {
        Some(spec) => {
            let spec_rev = Rev::Named(spec.trim().to_string());
            let since_info = store.revision_info(&spec_rev)?;
            let since_ws = store.load(&spec_rev)?;
            Some((spec.trim().to_string(), since_info, since_ws))
        }
        None => None,
    };
    let author = ws
        .config
        .members
        .iter()
        .find(|m| m.role == crate::model::Role::Writer)
        .map(|m| m.organisation.clone())
        .unwrap_or_default();
    let (mut doc, stats) = match req.kind {
        Kind::Notat => {
            // Where each quote stands in this version: the one anchoring
            // engine's answer, as the reader, `comment list` and `diff` give.
            let mut anchorer = crate::anchor::Anchorer::new(store, &ws);
            let placements: HashMap<String, crate::anchor::Placement> = ws
                .comments
                .iter()
                .filter_map(|c| Some((c.id.clone(), anchorer.place(c)?)))
                .collect();
            // Its old chapter versions are let go (and its placements saved)
            // before the document is built.
            drop(anchorer);
            let (mut doc, stats) =
                notat::build(&ws, &info, since.as_ref(), req.lang, &author, &placements);
            // The prioritisation rounds (issue 16), after the comments.
            doc.blocks
                .extend(ranking::section(store, &req.at, &info, req.lang)?);
            (doc, Stats::Notat(stats))
        }
        Kind::Oplaeg => {
            let (doc, stats) = oplaeg::build(&ws, &info, since.as_ref(), req.lang, &author);
            (doc, Stats::Oplaeg(stats))
        }
    };
    clean_title_page(&mut doc);
    let problems: Vec<String> = ws
        .problems
        .iter()
        .map(|p| doc::clean(&p.to_string()))
        .collect();
    if !problems.is_empty() {
        doc.blocks.extend(problems_section(req.lang, &problems));
    }
    Ok((doc, stats, problems))
}

/// The title page's texts come from the workspace too: cleaned like the body.
fn clean_title_page(doc: &mut Document) {
    doc.kicker = doc::clean(&doc.kicker);
    doc.title = doc::clean(&doc.title);
    doc.subtitle = doc.subtitle.as_deref().map(doc::clean);
    doc.author = doc::clean(&doc.author);
    doc.change_author = doc::clean(&doc.change_author);
    for (k, v) in &mut doc.meta {
        *k = doc::clean(k);
        *v = doc::clean(v);
    }
    doc.note = doc.note.as_deref().map(doc::clean);
}

/// What `oplaeg export mine` wrote.
#[derive(Clone, Debug)]
pub struct MineSummary {
    pub path: PathBuf,
    pub bytes: usize,
    pub format: Format,
    pub stats: mine::MineStats,
}

/// Builds the brief of an overview (see [`crate::ops::mine::overview`])
/// without writing anything.
pub fn build_mine(
    store: &Store,
    overview: &crate::ops::mine::Overview,
    lang: Lang,
) -> Result<(Document, mine::MineStats)> {
    let at = overview.commit.clone().map_or_else(Rev::head, Rev::Named);
    let ws_config = store.head_config()?;
    let info = store.revision_info(&at)?;
    let author = ws_config
        .members
        .iter()
        .find(|m| m.role == crate::model::Role::Writer)
        .map(|m| m.organisation.clone())
        .unwrap_or_default();
    let (mut doc, stats) = mine::build(overview, &ws_config.title, &info, lang, &author);
    clean_title_page(&mut doc);
    Ok((doc, stats))
}

/// Exports an overview as a brief: checks the output path, builds, renders
/// and writes the file atomically, as [`run`] does.
pub fn run_mine(
    store: &Store,
    overview: &crate::ops::mine::Overview,
    format: Format,
    output: &Path,
    lang: Lang,
    force: bool,
) -> Result<MineSummary> {
    check_output(store.root(), output, force)?;
    let (doc, stats) = build_mine(store, overview, lang)?;
    let bytes = write_document(output, &doc, format, force)?;
    Ok(MineSummary {
        path: output.to_path_buf(),
        bytes,
        format,
        stats,
    })
}

/// Lays a document out in a format, in memory.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>> {
    Ok(render_to(doc, format, std::io::Cursor::new(Vec::new()))?.into_inner())
}

/// Lays a document out in a format, writing it to `out` as it goes: a Word
/// file's body is streamed into its zip entry, HTML and Markdown are
/// written a block at a time, so no format holds the whole file in memory.
pub fn render_to<W: std::io::Write + std::io::Seek>(
    doc: &Document,
    format: Format,
    mut out: W,
) -> Result<W> {
    let failed = |e: std::io::Error| {
        Error::Invalid(tr!(
            "filen kunne ikke skrives: {e}",
            "the file could not be written: {e}"
        ))
    };
    match format {
        Format::Markdown => md::write(doc, &mut out).map_err(failed)?,
        Format::Html => html::write(doc, &mut out).map_err(failed)?,
        Format::Docx => return docx::write(doc, out),
    }
    Ok(out)
}

/// Exports: checks the output path, builds, renders and writes the file
/// atomically (a temporary file renamed into place, so a reader never sees
/// half a document and a failure leaves no file behind).
pub fn run(store: &Store, req: &Request) -> Result<Summary> {
    run_as(store, req, false)
}

/// [`run`] for the oplæg with its open suggestions shown as tracked changes
/// in their proposers' names (see [`suggestions`]).
pub fn run_with_suggestions(store: &Store, req: &Request) -> Result<Summary> {
    run_as(store, req, true)
}

fn run_as(store: &Store, req: &Request, with_suggestions: bool) -> Result<Summary> {
    check_output(store.root(), &req.output, req.force)?;
    let (mut doc, stats, problems) = build_with_problems(store, req)?;
    if with_suggestions && req.kind == Kind::Oplaeg {
        suggestions::mark_open(store, &req.at, &mut doc)?;
    }
    let bytes = write_document(&req.output, &doc, req.format, req.force)?;
    Ok(Summary {
        path: req.output.clone(),
        bytes,
        kind: req.kind,
        format: req.format,
        stats,
        problems,
    })
}

/// Refuses an output path that would overwrite a file (unless `force`),
/// is a folder, lies in a folder that does not exist, or would put a file
/// among the workspace's own content (where it could be read as a chapter).
pub fn check_output(root: &Path, output: &Path, force: bool) -> Result<()> {
    let shown = output.display().to_string();
    if output.as_os_str().is_empty() {
        return Err(Error::Empty(tr!(
            "skriv hvor filen skal gemmes (-o FIL)",
            "say where to save the file (-o FILE)"
        )));
    }
    if output.is_dir() {
        return Err(Error::Invalid(tr!(
            "{shown} er en mappe; skriv et filnavn, fx {shown}/hoeringsnotat.html",
            "{shown} is a folder; give a file name, e.g. {shown}/hoeringsnotat.html"
        )));
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(parent_real) = std::fs::canonicalize(&parent) else {
        let p = parent.display();
        return Err(Error::Invalid(tr!(
            "mappen {p} findes ikke; opret den først, eller vælg en anden",
            "the folder {p} does not exist; create it first, or choose another"
        )));
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let name = output.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let inside_content = [paths::DRAFTS, paths::RECOMMENDATIONS, paths::COMMENTS]
        .iter()
        .any(|d| parent_real.starts_with(root.join(d)))
        || (parent_real == root && (name == paths::CONFIG || name == paths::PRIORITY))
        || parent_real.starts_with(root.join(".git"));
    if inside_content {
        return Err(Error::Invalid(tr!(
            "{shown} ligger blandt arbejdsmappens egne filer; gem eksporten et andet sted",
            "{shown} is among the workspace's own files; save the export somewhere else"
        )));
    }
    if !force && output.exists() {
        return Err(Error::Invalid(tr!(
            "{shown} findes allerede; vælg et andet navn, eller brug --force for at overskrive den",
            "{shown} already exists; choose another name, or use --force to overwrite it"
        )));
    }
    Ok(())
}

/// Lays `doc` out in `format` straight into a temporary file beside `path`
/// and renames it into place (see [`run`]); with `force` false, refuses to
/// replace a file that appeared meanwhile. Returns the file's size.
fn write_document(path: &Path, doc: &Document, format: Format, force: bool) -> Result<usize> {
    use std::io::Seek;
    let file = atomic_write_file::AtomicWriteFile::options()
        .open(path)
        .map_err(Error::io(path))?;
    let out = render_to(doc, format, std::io::BufWriter::new(&file))?;
    let mut written = out
        .into_inner()
        .map_err(|e| Error::io(path)(e.into_error()))?;
    let bytes = written.stream_position().map_err(Error::io(path))?;
    if !force && path.exists() {
        // Dropping the file without committing removes the temporary copy.
        drop(file);
        let shown = path.display();
        return Err(Error::Invalid(tr!(
            "{shown} findes allerede; vælg et andet navn, eller brug --force for at overskrive den",
            "{shown} already exists; choose another name, or use --force to overwrite it"
        )));
    }
    file.commit().map_err(Error::io(path))?;
    Ok(usize::try_from(bytes).unwrap_or(usize::MAX))
}
