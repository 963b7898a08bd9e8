//! A whole workspace as loaded from one revision: config, chapters in order,
//! recommendations in priority order, comments oldest first, and every
//! problem met on the way. Loading never stops at a broken comment or
//! recommendation file; only an unreadable `oplaeg.toml` is fatal.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Comment, Config, Problem, Recommendation, parse_toml, paths};
use crate::error::{Error, Kind, Result};
use crate::text::{is_valid_name, slugify};
use crate::tr;

/// One file read from a revision.
#[derive(Clone, Debug)]
pub struct FileData {
    /// File name inside its folder.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Content id (the git blob id) when the source knows it.
    pub id: Option<String>,
    /// What is wrong with the file before it is read, if anything.
    pub flaw: Option<FileFlaw>,
}

/// What makes a file untrustworthy whatever it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFlaw {
    /// Larger than [`super::limits::max_bytes`] (its size): not read.
    TooBig(u64),
    /// A symbolic link: never followed, not read.
    Symlink,
    /// Marked executable: read, and reported.
    Executable,
}

impl FileFlaw {
    /// The problem to report for `file`, and whether the file is left out.
    fn problem(&self, file: &str) -> (Problem, bool) {
        match self {
            FileFlaw::TooBig(size) => {
                let (size, max) = (
                    super::limits::human(*size),
                    super::limits::human(super::limits::max_bytes(file)),
                );
                (
                    Problem::new(
                        file,
                        tr!(
                            "filen er for stor ({size}; grænsen er {max}) og springes over. Gør den mindre",
                            "the file is too large ({size}; the limit is {max}) and is skipped. Make it smaller"
                        ),
                    ),
                    true,
                )
            }
            FileFlaw::Symlink => (
                Problem::new(
                    file,
                    tr!(
                        "filen er et symbolsk link; oplaeg følger det ikke og springer filen over. Læg en almindelig fil i stedet",
                        "the file is a symbolic link; oplaeg does not follow it and skips the file. Put a regular file there instead"
                    ),
                ),
                true,
            ),
            FileFlaw::Executable => (
                Problem::new(
                    file,
                    tr!(
                        "filen er markeret som eksekverbar; det skal den ikke være (ret med `chmod -x` og `git add`)",
                        "the file is marked executable; it should not be (fix with `chmod -x` and `git add`)"
                    ),
                ),
                false,
            ),
        }
    }
}

/// Reports a file's flaw; true when the file must be left out.
fn flawed(file: &str, f: &FileData, problems: &mut Vec<Problem>) -> bool {
    match &f.flaw {
        Some(flaw) => {
            let (p, skip) = flaw.problem(file);
            problems.push(p);
            skip
        }
        None => false,
    }
}

/// Keeps the first `max` files (by name) and reports the rest as one problem.
fn at_most(
    files: Vec<FileData>,
    dir: &str,
    max: usize,
    problems: &mut Vec<Problem>,
) -> Vec<FileData> {
    at_most_by(files, |f| f.name.as_str(), dir, max, problems)
}

/// [`at_most`] for anything with a file name (`name` gives it).
pub fn at_most_by<T>(
    mut files: Vec<T>,
    name: impl Fn(&T) -> &str,
    dir: &str,
    max: usize,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    if files.len() > max {
        files.sort_by(|a, b| name(a).cmp(name(b)));
        let left = files.len() - max;
        files.truncate(max);
        problems.push(Problem::new(
            dir,
            tr!(
                "mappen har for mange filer (grænsen er {max}); de sidste {left} efter navn springes over",
                "the folder has too many files (the limit is {max}); the last {left} by name are skipped"
            ),
        ));
    }
    files
}

/// Where a workspace's files come from: a commit's tree or the working tree.
pub trait Source {
    /// A file by path relative to the root; `Ok(None)` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Every file directly inside `dir` (not recursive); empty when absent.
    fn files(&self, dir: &str) -> Result<Vec<FileData>>;
    /// The comments of `comments/` already read, when the source can tell
    /// them without reading and parsing every file (a cache keyed by git's
    /// ids): the files taken in the order [`Source::files`] lists them and
    /// cut to [`super::limits::MAX_COMMENTS`] the way [`at_most_by`] does,
    /// each file's problems pushed onto `problems` and its comment, if any,
    /// returned in that order (as [`read_comment_file`] reads them).
    /// `None` (the default): read them with [`Source::files`].
    fn comments(&self, _problems: &mut Vec<Problem>) -> Result<Option<Vec<super::Comment>>> {
        Ok(None)
    }
    /// The text of the chapter file `name` that [`Source::files`] listed,
    /// when the source has already read it and checked that it is UTF-8
    /// (then the listed bytes are not looked at); `None` (the default): the
    /// bytes are checked as usual.
    fn checked_chapter(&self, _name: &str) -> Option<String> {
        None
    }
}

/// A chapter of the oplæg: `drafts/NN-slug.md`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Chapter {
    /// NN from the file name; fixes the order.
    pub number: u32,
    pub slug: String,
    /// Path relative to the root.
    pub file: String,
    /// The first `# ` heading (the slug when there is none).
    pub title: String,
    /// The Markdown source.
    #[serde(skip)]
    pub markdown: String,
    /// The git blob id, when loaded from a commit.
    #[serde(skip)]
    pub blob: Option<String>,
}

impl Chapter {
    /// The text quotes are matched against (see [`crate::text::searchable_text`]).
    pub fn searchable_text(&self) -> String {
        crate::text::searchable_text(&self.markdown)
    }
}

/// `05-rehabilitering.md` → (5, "rehabilitering").
pub fn parse_chapter_file_name(name: &str) -> Option<(u32, String)> {
    let stem = name.strip_suffix(".md")?;
    let (num, slug) = stem.split_once('-')?;
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) || !is_valid_name(slug) {
        return None;
    }
    Some((num.parse().ok()?, slug.to_string()))
}

/// `05-rehabilitering` → `rehabilitering`: a chapter's number typed before
/// its slug.
fn strip_number(slug: &str) -> String {
    match slug.split_once('-') {
        Some((n, rest))
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() =>
        {
            rest.to_string()
        }
        _ => slug.to_string(),
    }
}

/// What a typed name fits.
enum Fit<'a, T> {
    One(&'a T),
    Several(Vec<&'a T>),
    None,
}

/// The items whose names (slug, slugified title) equal `wanted`; else
/// those whose names begin with it (at least 3 characters), else those
/// whose names hold it as whole words: the first of these tests that any
/// item passes decides.
fn by_name<'a, T, const N: usize>(
    items: &'a [T],
    wanted: &str,
    names: impl Fn(&T) -> [String; N],
) -> Fit<'a, T> {
    if wanted.is_empty() {
        return Fit::None;
    }
    let words = format!("-{wanted}-");
    let tests: [&dyn Fn(&str) -> bool; 3] = [
        &|n: &str| n == wanted,
        &|n: &str| wanted.len() >= 3 && n.starts_with(wanted),
        &|n: &str| wanted.len() >= 3 && format!("-{n}-").contains(&words),
    ];
    for test in tests {
        let found: Vec<&T> = items
            .iter()
            .filter(|i| names(i).iter().any(|n| test(n)))
            .collect();
        match found.len() {
            0 => continue,
            1 => return Fit::One(found[0]),
            _ => return Fit::Several(found),
        }
    }
    Fit::None
}

/// The error for a name that fits several items: which, and what to do.
fn several(key: &str, slugs: Vec<&str>) -> Error {
    let list = slugs.join(", ");
    Error::Invalid(tr!(
        "«{key}» passer på flere: {list} – skriv mere af navnet",
        "«{key}» fits several: {list} – type more of the name"
    ))
}

/// (5, "rehabilitering") → `05-rehabilitering.md`.
pub fn chapter_file_name(number: u32, slug: &str) -> String {
    format!("{number:02}-{slug}.md")
}

fn title_of(markdown: &str) -> Option<String> {
    markdown.lines().find_map(|l| {
        l.strip_prefix("# ")
            .map(|t| t.trim().trim_end_matches('#').trim().to_string())
    })
}

/// The priority file: one ordered list of recommendation slugs.
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PriorityFile {
    #[serde(default)]
    pub order: Vec<String>,
}

impl PriorityFile {
    /// The file's text, one slug per line so a reorder diffs readably.
    pub fn render(order: &[String]) -> String {
        let mut s = String::from(
            "# Anbefalingernes prioriterede rækkefølge: den første er den vigtigste.\norder = [\n",
        );
        for slug in order {
            s.push_str(&format!("  \"{slug}\",\n"));
        }
        s.push_str("]\n");
        s
    }
}

/// Everything in one revision of a workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub config: Config,
    /// In chapter order.
    pub chapters: Vec<Chapter>,
    /// In priority order; `rank` is 1-based.
    pub recommendations: Vec<Recommendation>,
    /// Oldest first (ids are time-sortable).
    pub comments: Vec<Comment>,
    /// Everything wrong that did not stop loading.
    pub problems: Vec<Problem>,
    /// Chapter files that could not be read, by slug, with the reason.
    pub broken_chapters: HashMap<String, String>,
}

/// Text as editors mean it: a byte order mark at the start is not part of
/// the text (Windows editors write one), and CRLF line ends are line ends.
pub fn editor_text(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // A carriage return is looked for first: one quick pass over the text
    // (chapters are megabytes) when there is none.
    if memchr::memchr(b'\r', text.as_bytes()).is_some() && text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// [`editor_text`] of an owned text, without a copy when it is clean (as
/// [`utf8`] does).
fn editor_string(t: String) -> String {
    match editor_text(&t) {
        std::borrow::Cow::Borrowed(b) if b.len() == t.len() => t,
        other => other.into_owned(),
    }
}

/// A chapter file's bytes as text when they are UTF-8 (checked with SIMD
/// and copied once: see [`utf8`]), else the bytes as they are, for the
/// loader to report. For a source that reads a file into a buffer it uses
/// again, so the bytes of the next file land in memory already touched
/// (see [`Source::checked_chapter`]).
pub fn checked_text(bytes: &[u8]) -> std::result::Result<String, Vec<u8>> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err(bytes.to_vec()),
    }
}

fn utf8(file: &str, bytes: Vec<u8>) -> std::result::Result<String, Problem> {
    // Large files (chapters) are checked with SIMD and copied, which is
    // several times faster than the standard check on Danish text (its
    // quick path is for ASCII only); an invalid one is reported below.
    if bytes.len() >= 4096
        && let Ok(text) = simdutf8::basic::from_utf8(&bytes)
    {
        return Ok(editor_text(text).into_owned());
    }
    String::from_utf8(bytes)
        .map(|t| match editor_text(&t) {
            std::borrow::Cow::Borrowed(b) if b.len() == t.len() => t,
            other => other.into_owned(),
        })
        .map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            Problem::at(
                file,
                &text,
                valid,
                tr!(
                    "filen er ikke gyldig UTF-8 (gem den som UTF-8)",
                    "the file is not valid UTF-8 (save it as UTF-8)"
                ),
            )
        })
}

impl Workspace {
    /// Reads only `oplaeg.toml` (who may act needs no chapters or comments).
    pub fn load_config(source: &dyn Source) -> Result<Config> {
        let config_bytes = source
            .read(paths::CONFIG)?
            .ok_or_else(|| Error::NotAWorkspace(paths::CONFIG.into()))?;
        let config_text = utf8(paths::CONFIG, config_bytes).map_err(Error::File)?;
        parse_toml(paths::CONFIG, &config_text).map_err(Error::File)
    }

    /// Loads every file from `source`. Fails only when `oplaeg.toml` is
    /// missing; everything else (a broken `oplaeg.toml` too) becomes a
    /// [`Problem`].
    pub fn load(source: &dyn Source) -> Result<Workspace> {
        let mut problems: Vec<Problem> = Vec::new();
        // A broken `oplaeg.toml` is a problem like any other file's (so
        // `status` can name it and `log` still works); the rest loads with
        // no members and default settings until it is fixed.
        let config = match Workspace::load_config(source) {
            Ok(c) => c,
            Err(Error::File(mut p)) if p.file == paths::CONFIG => {
                p.message = tr!(
                    "{}. Ret filen; en skribent gemmer rettelsen med `oplaeg save -m …`",
                    "{}. Fix the file; a writer saves the fix with `oplaeg save -m …`",
                    p.message
                );
                problems.push(p);
                Config::unreadable()
            }
            Err(e) => return Err(e),
        };
        problems.extend(
            config
                .check()
                .into_iter()
                .map(|m| Problem::new(paths::CONFIG, m)),
        );

        let (chapters, broken_chapters) = load_chapters(source, &mut problems)?;
        let recommendations = load_recommendations(source, &chapters, &mut problems)?;
        let comments = load_comments(source, &mut problems)?;

        let mut ws = Workspace {
            config,
            chapters,
            recommendations,
            comments,
            problems,
            broken_chapters,
        };
        ws.check_references();
        Ok(ws)
    }

    fn check_references(&mut self) {
        let chapters: HashSet<&str> = self.chapters.iter().map(|c| c.slug.as_str()).collect();
        let recs: HashSet<&str> = self
            .recommendations
            .iter()
            .map(|r| r.slug.as_str())
            .collect();
        let mut found = Vec::new();
        for c in &self.comments {
            // Named only when there is a problem (10,000 comments, rarely any).
            let file = || paths::comment(&c.id);
            if let Some(ch) = &c.target.chapter
                && !chapters.contains(ch.as_str())
                && !self.broken_chapters.contains_key(ch)
            {
                found.push(Problem::new(
                    file(),
                    tr!(
                        "kommenterer kapitlet «{ch}», som ikke findes",
                        "comments on the chapter «{ch}», which does not exist"
                    ),
                ));
            }
            if let Some(r) = &c.target.recommendation
                && !recs.contains(r.as_str())
            {
                found.push(Problem::new(
                    file(),
                    tr!(
                        "kommenterer anbefalingen «{r}», som ikke findes",
                        "comments on the recommendation «{r}», which does not exist"
                    ),
                ));
            }
            if let Some(p) = &c.reply_to
                && self.comment_index(p).is_none()
            {
                found.push(Problem::new(
                    file(),
                    tr!(
                        "svarer på kommentaren «{p}», som ikke findes",
                        "replies to the comment «{p}», which does not exist"
                    ),
                ));
            }
        }
        self.problems.extend(found);
        self.break_reply_cycles();
    }

    /// The index of the (first) comment with the id `id`, by binary search:
    /// a loaded workspace keeps its comments sorted by id.
    fn comment_index(&self, id: &str) -> Option<usize> {
        let i = self.comments.partition_point(|c| c.id.as_str() < id);
        (self.comments.get(i)?.id == id).then_some(i)
    }

    /// Replies that lead back to themselves (a comment answering itself,
    /// A → B → A …) are a problem, and are never followed: the oldest
    /// comment of each cycle is treated as a first comment, so every walk
    /// over threads ends.
    fn break_reply_cycles(&mut self) {
        let parent = |ws: &Workspace, i: usize| {
            ws.comments[i]
                .reply_to
                .as_deref()
                .and_then(|p| ws.comment_index(p))
        };
        // 0: not seen, 1: on the current path, 2: done.
        let mut state = vec![0u8; self.comments.len()];
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        let mut path = Vec::new();
        for start in 0..self.comments.len() {
            path.clear();
            let mut i = Some(start);
            while let Some(k) = i {
                match state[k] {
                    2 => break,
                    1 => {
                        let from = path.iter().position(|&p| p == k).unwrap_or(0);
                        cycles.push(path[from..].to_vec());
                        break;
                    }
                    _ => {
                        state[k] = 1;
                        path.push(k);
                        i = parent(self, k);
                    }
                }
            }
            for &k in &path {
                state[k] = 2;
            }
        }
        for cycle in cycles {
            let ids: Vec<&str> = cycle
                .iter()
                .map(|&k| self.comments[k].id.as_str())
                .collect();
            let mut ring = ids.join(" → ");
            ring.push_str(&format!(" → {}", ids[0]));
            let problems: Vec<Problem> = cycle
                .iter()
                .map(|&k| {
                    Problem::new(
                        paths::comment(&self.comments[k].id),
                        tr!(
                            "svarene går i ring ({ring}); den ældste vises som en første kommentar. Ret reply_to i en af filerne",
                            "the replies go round in a circle ({ring}); the oldest is shown as a first comment. Fix reply_to in one of the files"
                        ),
                    )
                })
                .collect();
            self.problems.extend(problems);
            if let Some(&oldest) = cycle
                .iter()
                .min_by(|&&a, &&b| self.comments[a].id.cmp(&self.comments[b].id))
            {
                self.comments[oldest].reply_to = None;
            }
        }
    }

    /// A chapter by what a person would type: its number (`5`), its slug,
    /// its file name (`05-rehabilitering.md`, with or without `.md`), its
    /// title, in any case and with æ/ø/å or their spellings without them
    /// (`Senfølger`, `senfoelger`), or words that begin or stand in only one
    /// chapter's slug or title (`tidlig`, `kunstig intelligens`). Otherwise an
    /// error naming the nearest chapter.
    pub fn chapter(&self, key: &str) -> Result<&Chapter> {
        let key = key.trim();
        if let Ok(n) = key.parse::<u32>()
            && let Some(c) = self.chapters.iter().find(|c| c.number == n)
        {
            return Ok(c);
        }
        let file_slug = parse_chapter_file_name(key.rsplit('/').next().unwrap_or(key))
            .map(|(_, s)| s)
            .unwrap_or_else(|| key.to_string());
        if let Some(c) = self.chapters.iter().find(|c| c.slug == file_slug) {
            return Ok(c);
        }
        if let Some(reason) = self.broken_chapters.get(&file_slug) {
            return Err(Error::Invalid(reason.clone()));
        }
        if key.contains(['/', '\\']) || key.chars().any(char::is_control) {
            return Err(Error::InvalidName {
                what: "kapitel-slug",
                value: key.to_string(),
            });
        }
        let wanted = strip_number(&slugify(key.strip_suffix(".md").unwrap_or(key)));
        let names = |c: &Chapter| [c.slug.clone(), slugify(&c.title)];
        match by_name(&self.chapters, &wanted, names) {
            Fit::One(c) => return Ok(c),
            Fit::Several(cs) => {
                return Err(several(key, cs.iter().map(|c| c.slug.as_str()).collect()));
            }
            Fit::None => {}
        }
        if let Some(reason) = self.broken_chapters.get(&wanted) {
            return Err(Error::Invalid(reason.clone()));
        }
        if wanted.is_empty() {
            return Err(Error::InvalidName {
                what: "kapitel-slug",
                value: key.to_string(),
            });
        }
        Err(Error::Unknown {
            kind: Kind::Chapter,
            name: key.to_string(),
            suggestion: crate::text::nearest(
                &wanted,
                self.chapters.iter().map(|c| c.slug.as_str()),
            ),
        })
    }

    /// A recommendation by rank (`3`), slug, or title, in any case and with
    /// or without æ/ø/å, or by words that begin or stand in only one
    /// recommendation's slug or title.
    pub fn recommendation(&self, key: &str) -> Result<&Recommendation> {
        let key = key.trim();
        if let Ok(n) = key.parse::<usize>()
            && let Some(r) = self.recommendations.iter().find(|r| r.rank == n)
        {
            return Ok(r);
        }
        if let Some(r) = self.recommendations.iter().find(|r| r.slug == key) {
            return Ok(r);
        }
        if key.contains(['/', '\\']) || key.chars().any(char::is_control) {
            return Err(Error::InvalidName {
                what: "anbefalings-slug",
                value: key.to_string(),
            });
        }
        let wanted = slugify(key);
        let names = |r: &Recommendation| [r.slug.clone(), slugify(&r.title)];
        match by_name(&self.recommendations, &wanted, names) {
            Fit::One(r) => return Ok(r),
            Fit::Several(rs) => {
                return Err(several(key, rs.iter().map(|r| r.slug.as_str()).collect()));
            }
            Fit::None => {}
        }
        if wanted.is_empty() {
            return Err(Error::InvalidName {
                what: "anbefalings-slug",
                value: key.to_string(),
            });
        }
        Err(Error::Unknown {
            kind: Kind::Recommendation,
            name: key.to_string(),
            suggestion: crate::text::nearest(
                &wanted,
                self.recommendations.iter().map(|r| r.slug.as_str()),
            ),
        })
    }

    /// A comment by id or by a unique prefix of at least 4 characters.
    pub fn comment(&self, key: &str) -> Result<&Comment> {
        let key = key.trim().to_lowercase();
        if !is_valid_name(&key) {
            return Err(Error::InvalidName {
                what: "kommentar-id",
                value: key,
            });
        }
        if let Some(c) = self.comments.iter().find(|c| c.id == key) {
            return Ok(c);
        }
        if key.len() >= 4 {
            let matches: Vec<&Comment> = self
                .comments
                .iter()
                .filter(|c| c.id.starts_with(&key))
                .collect();
            match matches.len() {
                1 => return Ok(matches[0]),
                0 => {}
                n => {
                    return Err(Error::Invalid(tr!(
                        "«{key}» passer på {n} kommentarer; skriv flere tegn af id'et",
                        "«{key}» matches {n} comments; type more of the id"
                    )));
                }
            }
        }
        Err(Error::unknown(
            Kind::Comment,
            &key,
            self.comments.iter().map(|c| c.id.as_str()),
        ))
    }

    /// Direct replies to a comment, oldest first.
    pub fn replies<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Comment> + 'a {
        self.comments
            .iter()
            .filter(move |c| c.reply_to.as_deref() == Some(id))
    }

    /// Open top-level comments on a chapter.
    pub fn open_comments_on_chapter(&self, slug: &str) -> usize {
        self.comments
            .iter()
            .filter(|c| c.is_open() && c.reply_to.is_none())
            .filter(|c| c.target.chapter.as_deref() == Some(slug))
            .count()
    }

    /// Comments (not replies) on a recommendation.
    pub fn comments_on_recommendation(&self, slug: &str) -> usize {
        self.comments
            .iter()
            .filter(|c| c.reply_to.is_none())
            .filter(|c| c.target.recommendation.as_deref() == Some(slug))
            .count()
    }
}

fn load_chapters(
    source: &dyn Source,
    problems: &mut Vec<Problem>,
) -> Result<(Vec<Chapter>, HashMap<String, String>)> {
    let mut chapters = Vec::new();
    let mut broken = HashMap::new();
    let files = at_most(
        source.files(paths::DRAFTS)?,
        paths::DRAFTS,
        super::limits::MAX_CHAPTERS,
        problems,
    );
    for f in files {
        let file = format!("{}/{}", paths::DRAFTS, f.name);
        if !f.name.ends_with(".md") {
            continue;
        }
        let Some((number, slug)) = parse_chapter_file_name(&f.name) else {
            problems.push(Problem::new(
                &file,
                tr!(
                    "filnavnet skal være NN-slug.md (slug med a-z, 0-9 og -); filen springes over",
                    "the file name must be NN-slug.md (slug of a-z, 0-9 and -); the file is skipped"
                ),
            ));
            continue;
        };
        if flawed(&file, &f, problems) {
            if let Some(p) = problems.last() {
                broken.insert(slug, p.to_string());
            }
            continue;
        }
        let checked = source.checked_chapter(&f.name).map(editor_string);
        let markdown = match checked.map_or_else(|| utf8(&file, f.bytes), Ok) {
            Ok(t) => t,
            Err(p) => {
                broken.insert(slug, p.to_string());
                problems.push(p);
                continue;
            }
        };
        let title = title_of(&markdown).unwrap_or_else(|| {
            problems.push(Problem::new(
                &file,
                tr!(
                    "kapitlet har ingen overskrift «# Titel»",
                    "the chapter has no «# Title» heading"
                ),
            ));
            slug.clone()
        });
        if chapters.iter().any(|c: &Chapter| c.slug == slug) {
            problems.push(Problem::new(
                &file,
                tr!(
                    "to kapitler har slug'en «{slug}»; filen springes over",
                    "two chapters have the slug «{slug}»; the file is skipped"
                ),
            ));
            continue;
        }
        chapters.push(Chapter {
            number,
            slug,
            file,
            title,
            markdown,
            blob: f.id,
        });
    }
    chapters.sort_by(|a, b| (a.number, &a.slug).cmp(&(b.number, &b.slug)));
    Ok((chapters, broken))
}

fn load_recommendations(
    source: &dyn Source,
    chapters: &[Chapter],
    problems: &mut Vec<Problem>,
) -> Result<Vec<Recommendation>> {
    let mut by_slug: HashMap<String, Recommendation> = HashMap::new();
    let files = at_most(
        source.files(paths::RECOMMENDATIONS)?,
        paths::RECOMMENDATIONS,
        super::limits::MAX_RECOMMENDATIONS,
        problems,
    );
    for f in files {
        let file = format!("{}/{}", paths::RECOMMENDATIONS, f.name);
        let Some(slug) = f.name.strip_suffix(".toml") else {
            continue;
        };
        if !is_valid_name(slug) {
            problems.push(Problem::new(
                &file,
                tr!(
                    "filnavnet skal være slug.toml (a-z, 0-9 og -); filen springes over",
                    "the file name must be slug.toml (a-z, 0-9 and -); the file is skipped"
                ),
            ));
            continue;
        }
        if flawed(&file, &f, problems) {
            continue;
        }
        let parsed = utf8(&file, f.bytes).and_then(|t| parse_toml::<Recommendation>(&file, &t));
        match parsed {
            Ok(mut r) => {
                r.slug = slug.to_string();
                for ch in &r.chapters {
                    if !chapters.iter().any(|c| &c.slug == ch) {
                        problems.push(Problem::new(
                            &file,
                            tr!(
                                "henviser til kapitlet «{ch}», som ikke findes",
                                "refers to the chapter «{ch}», which does not exist"
                            ),
                        ));
                    }
                }
                if r.title.trim().is_empty() {
                    problems.push(Problem::new(
                        &file,
                        tr!("titlen er tom", "the title is empty"),
                    ));
                }
                by_slug.insert(r.slug.clone(), r);
            }
            Err(p) => problems.push(p),
        }
    }

    let order = match source.read(paths::PRIORITY)? {
        None => Vec::new(),
        Some(bytes) => match utf8(paths::PRIORITY, bytes)
            .and_then(|t| parse_toml::<PriorityFile>(paths::PRIORITY, &t))
        {
            Ok(p) => p.order,
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        },
    };
    let mut ranked = Vec::new();
    for slug in &order {
        match by_slug.remove(slug) {
            Some(r) => ranked.push(r),
            None if ranked.iter().any(|r: &Recommendation| &r.slug == slug) => {
                problems.push(Problem::new(
                    paths::PRIORITY,
                    tr!("«{slug}» står flere gange", "«{slug}» is listed twice"),
                ))
            }
            None => problems.push(Problem::new(
                paths::PRIORITY,
                tr!(
                    "«{slug}» har ingen fil i recommendations/",
                    "«{slug}» has no file in recommendations/"
                ),
            )),
        }
    }
    let mut rest: Vec<Recommendation> = by_slug.into_values().collect();
    rest.sort_by(|a, b| a.slug.cmp(&b.slug));
    for r in &rest {
        let slug = &r.slug;
        problems.push(Problem::new(
            paths::PRIORITY,
            tr!(
                "«{slug}» mangler i prioriteringen og er sat sidst",
                "«{slug}» is missing from the priority order and was put last"
            ),
        ));
    }
    ranked.extend(rest);
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(ranked)
}

fn load_comments(source: &dyn Source, problems: &mut Vec<Problem>) -> Result<Vec<Comment>> {
    let mut comments = match source.comments(problems)? {
        Some(comments) => comments,
        None => {
            let files = at_most(
                source.files(paths::COMMENTS)?,
                paths::COMMENTS,
                super::limits::MAX_COMMENTS,
                problems,
            );
            let mut comments = Vec::with_capacity(files.len());
            for f in files {
                let read = read_comment_file(f);
                problems.extend(read.problems);
                comments.extend(read.comment);
            }
            comments
        }
    };
    // Files come sorted by name, so usually the ids are already in order
    // (checked without the sort's scratch memory of half the comments).
    if !comments.is_sorted_by(|a, b| a.id <= b.id) {
        comments.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(comments)
}

/// One file of `comments/` once read: its comment, when it could be read,
/// and the problems found in it (neither: not a comment file). It depends
/// only on the file's name, flaw and bytes (and the language of the
/// messages), so it can be remembered by the file's git blob id (see the
/// store's cache).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommentFile {
    pub comment: Option<Comment>,
    pub problems: Vec<Problem>,
}

/// Reads one file of `comments/` (see [`CommentFile`]).
pub fn read_comment_file(f: FileData) -> CommentFile {
    let mut out = CommentFile::default();
    let file = format!("{}/{}", paths::COMMENTS, f.name);
    let Some(id) = f.name.strip_suffix(".toml") else {
        return out;
    };
    if !is_valid_name(id) {
        out.problems.push(Problem::new(
            &file,
            tr!(
                "filnavnet skal være et id af a-z, 0-9 og -; filen springes over",
                "the file name must be an id of a-z, 0-9 and -; the file is skipped"
            ),
        ));
        return out;
    }
    if flawed(&file, &f, &mut out.problems) {
        return out;
    }
    // The plain reader handles what oplaeg writes many times faster; the
    // TOML parser takes everything else and explains what is wrong.
    let parsed = utf8(&file, f.bytes).and_then(|t| match Comment::parse_plain(&t) {
        Some(c) => Ok(c),
        None => parse_toml::<Comment>(&file, &t),
    });
    match parsed {
        Ok(mut c) => {
            c.id = id.to_string();
            for m in c.check() {
                out.problems.push(Problem::new(&file, m));
            }
            out.comment = Some(c);
        }
        Err(p) => out.problems.push(p),
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// An in-memory source for tests.
    #[derive(Default)]
    pub struct MemSource(pub BTreeMap<String, Vec<u8>>);

    impl MemSource {
        pub fn with(mut self, path: &str, text: &str) -> Self {
            self.0.insert(path.into(), text.as_bytes().to_vec());
            self
        }
    }

    impl Source for MemSource {
        fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
            Ok(self.0.get(path).cloned())
        }
        fn files(&self, dir: &str) -> Result<Vec<FileData>> {
            let prefix = format!("{dir}/");
            Ok(self
                .0
                .iter()
                .filter_map(|(p, b)| {
                    let name = p.strip_prefix(&prefix)?;
                    (!name.contains('/')).then(|| FileData {
                        name: name.into(),
                        bytes: b.clone(),
                        id: None,
                        flaw: None,
                    })
                })
                .collect())
        }
    }

    fn base() -> MemSource {
        MemSource::default()
            .with("oplaeg.toml", "title = \"T\"\n")
            .with("drafts/02-to.md", "# Kapitel to\n\nTekst.\n")
            .with("drafts/01-et.md", "# Kapitel ét\n\nTekst.\n")
            .with(
                "recommendations/a.toml",
                "title = \"A\"\nhorizon = \"short\"\nchapters = [\"et\"]\n",
            )
            .with(
                "recommendations/b.toml",
                "title = \"B\"\nhorizon = \"long\"\n",
            )
            .with("priority.toml", "order = [\"b\", \"a\"]\n")
    }

    #[test]
    fn loads_in_order() {
        let ws = Workspace::load(&base()).unwrap();
        assert_eq!(ws.chapters[0].title, "Kapitel ét");
        assert_eq!(ws.chapters[1].slug, "to");
        assert_eq!(ws.recommendations[0].slug, "b");
        assert_eq!(ws.recommendations[1].rank, 2);
        assert!(ws.problems.is_empty(), "{:?}", ws.problems);
        assert_eq!(ws.chapter("2").unwrap().slug, "to");
        assert_eq!(ws.chapter("drafts/01-et.md").unwrap().slug, "et");
        assert_eq!(ws.recommendation("1").unwrap().slug, "b");
    }

    #[test]
    fn broken_files_become_problems_and_the_rest_loads() {
        let mut src = base()
            .with(
                "recommendations/c.toml",
                "title = \"C\"\nhorizon = \"snart\"\n",
            )
            .with(
                "recommendations/Bad Name.toml",
                "title = \"x\"\nhorizon=\"long\"\n",
            )
            .with("comments/01abc.toml", "body = \n");
        src.0
            .insert("drafts/03-latin.md".into(), vec![b'#', b' ', 0xe6, b'\n']);
        let ws = Workspace::load(&src).unwrap();
        assert_eq!(ws.recommendations.len(), 2);
        assert_eq!(ws.chapters.len(), 2);
        let files: Vec<&str> = ws.problems.iter().map(|p| p.file.as_str()).collect();
        assert!(files.contains(&"recommendations/c.toml"), "{files:?}");
        assert!(files.contains(&"recommendations/Bad Name.toml"));
        assert!(files.contains(&"comments/01abc.toml"));
        assert!(files.contains(&"drafts/03-latin.md"));
        let c = ws
            .problems
            .iter()
            .find(|p| p.file == "recommendations/c.toml")
            .unwrap();
        assert_eq!(c.line, Some(2));
        let err = ws.chapter("latin").unwrap_err().to_string();
        assert!(err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn unknown_names_suggest_the_nearest() {
        let ws = Workspace::load(&base()).unwrap();
        let err = ws.chapter("tu").unwrap_err();
        assert!(matches!(err, Error::Unknown { .. }));
        let err = ws.recommendation("../x").unwrap_err();
        assert!(matches!(err, Error::InvalidName { .. }));
    }

    #[test]
    fn priority_gaps_are_reported() {
        let src = base().with("priority.toml", "order = [\"a\", \"zz\"]\n");
        let ws = Workspace::load(&src).unwrap();
        let order: Vec<&str> = ws.recommendations.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(order, ["a", "b"]);
        assert_eq!(ws.problems.len(), 2, "{:?}", ws.problems);
    }

    #[test]
    fn a_large_chapter_is_checked_and_cleaned_like_a_small_one() {
        // Large files take the SIMD check: the same text, the same problem.
        let body = "Tekst med æ, ø og å. ".repeat(400);
        let mut src = base().with(
            "drafts/03-stor.md",
            &format!("\u{FEFF}# Stor\r\n\r\n{body}\r\n"),
        );
        let mut bad = format!("# Brudt\n\n{body}\nlinje ").into_bytes();
        bad.push(0xe6);
        bad.extend_from_slice(b" mere\n");
        src.0.insert("drafts/04-brudt.md".into(), bad);
        let ws = Workspace::load(&src).unwrap();
        let big = ws.chapter("stor").unwrap();
        assert_eq!(big.markdown, format!("# Stor\n\n{body}\n"));
        assert_eq!(big.title, "Stor");
        assert!(ws.chapter("brudt").is_err());
        assert!(ws.broken_chapters.contains_key("brudt"));
        let p = ws
            .problems
            .iter()
            .find(|p| p.file == "drafts/04-brudt.md")
            .expect("a problem for the broken chapter");
        assert_eq!((p.line, p.column), (Some(4), Some(7)), "{p:?}");
    }
}
