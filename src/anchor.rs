//! Placing a comment's quote in another version of its chapter.
//!
//! A comment quotes the chapter's text as it was in the commit it was written
//! on (quote, up to [`CONTEXT_CHARS`] characters before and after, and the
//! commit; see [`crate::ops::anchor_in`]). A wrong placement is the worst
//! outcome (a member's objection shown on words they never commented on), a
//! missed one a nuisance the writer can mend; where the evidence is
//! ambiguous the comment goes to its section. The quote is looked for in
//! three steps, each only when the one before fails:
//!
//! 1. **Follow the text.** When the quote stands in the new version with all
//!    of its recorded context, byte for byte, on both sides (and only in one
//!    such place), and the old version had the quote only once, it is
//!    [`Fate::Exact`] without further ado. Otherwise the old and the new
//!    chapter are compared block by block, on the blocks `oplaeg diff`
//!    compares ([`crate::diff::plain_blocks`]: headings, paragraphs, list
//!    items, quotes, tables, code), and changed blocks word by word. The comparison tells which
//!    new text is old text unchanged, and from where: text that stood
//!    elsewhere in the old version already can never be where the quoted
//!    words went, however alike (a look-alike sentence, even the very same
//!    sentence twice). Each occurrence of the quoted words is judged by
//!    whether the comparison maps the words, or the old text right next to
//!    them, there (it *follows the comparison*), by the quote's own sentence
//!    around it (a clause is judged with the sentence it belongs to: how
//!    alike the text is as far as the sentence reached, and how much of it
//!    stands right next to the words) and by the context. Only an occurrence
//!    that follows the comparison, or is moved whole with all of its
//!    context, is `Exact` (same section, context on at least one side);
//!    else [`Fate::Moved`]. One that does not follow it counts only when its
//!    sentence came along (and for a short quote its sentence is unchanged
//!    or some context came too): a moved paragraph or sentence. So an
//!    inserted sentence repeating a short quote's words does not take the
//!    comment from the sentence the words belong to.
//! 2. **Find the edited words.** When the quoted words themselves were edited,
//!    candidates are where the comparison puts the old words, and where the
//!    rarer words of the quote and its context occur together elsewhere,
//!    never in text that stood
//!    elsewhere in the old version. Each candidate is aligned with the quote
//!    word by word (a word with a typo counts as nearly the same word), which
//!    gives *how much the words changed* (similarity 0–1, the reported
//!    score). *How far they moved* is judged separately: a candidate where
//!    the comparison says the words went needs a similarity of [`NEAR_MIN`]
//!    (less with the old context around it); one elsewhere in the chapter
//!    must stand in a sentence like the quote's own ([`SENTENCE_FAR_MIN`])
//!    and needs [`FAR_MIN`] (less only when the old context came along, and
//!    as little as near when the sentence or the context plainly came
//!    along: a short quote edited in a moved paragraph). So a look-alike
//!    elsewhere does not capture the comment; among acceptable candidates
//!    the old context and the nearness decide. The result is
//!    [`Fate::Fuzzy`].
//! 3. **Fall back.** The `##` heading the quote stood under, if the new
//!    version still has it: [`Fate::Section`]. Else [`Fate::Orphaned`], and
//!    callers show the original quote. (The chapter's `#` title does not
//!    count as a section: a quote in the introduction that is gone is
//!    orphaned.)
//!
//! `examples/anchor_accuracy/` measures all this on generated edits of the
//! sample chapters, beside a baseline scoring matches as Hypothesis does;
//! `tests/anchor_accuracy.rs` keeps a fixed sample of it in CI.
//!
//! Comments share the commits they were written on, and chapters change
//! rarely, so [`Anchorer`] caches each commit's chapter files, each old
//! version of a chapter and its comparison with the target, and compares
//! changed paragraphs word by word only where a quote needs it. Most quotes
//! stand untouched and need only the old version's text, not the comparison
//! (see `examples/bench_anchor.rs`). Across runs, placements are remembered
//! in `.git/oplaeg/cache/anchors` ([`crate::store::Placements`]) under a key
//! naming every input by content, so an unchanged version places nothing.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use git2::{ObjectType, Oid};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

pub use crate::diff::align::similarity;
use crate::diff::align::{Part, parts, parts_until};
use crate::diff::{PlainBlock, PlainText, plain_blocks};
use crate::model::{Anchor, Comment, Workspace, parse_chapter_file_name, paths};
use crate::store::{KeepReader, Placements, Store};
use crate::tr;

/// How many characters of text before and after a quote an anchor keeps.
pub const CONTEXT_CHARS: usize = 60;

/// Context on one side counts as unchanged at this similarity or more.
pub const SAME_CONTEXT: f64 = 0.5;
/// An edited quote where the comparison puts it is accepted at this
/// similarity…
pub const NEAR_MIN: f64 = 0.6;
/// …or at this one when its old context is around it.
pub const NEAR_MIN_WITH_CONTEXT: f64 = 0.45;
/// Words elsewhere in the chapter are accepted at this similarity…
pub const FAR_MIN: f64 = 0.9;
/// …or at this one when the old context came along with them.
pub const FAR_MIN_WITH_CONTEXT: f64 = 0.75;
/// A quote of fewer words found verbatim away from its place needs some of
/// its old context as well: short phrases recur by chance.
const SHORT_QUOTE_WORDS: usize = 4;
/// The rank a candidate where the comparison points gets over others.
const NEAR_BONUS: f64 = 0.25;
/// Words occurring more often than this in a chapter say nothing about where
/// a quote went.
const COMMON_WORD: usize = 64;
/// Unchanged old text from elsewhere shorter than this (bytes) does not
/// count against a candidate: the word comparison pairs stray short words.
const FOREIGN_MIN: usize = 12;
/// A candidate away from where the comparison puts the words must be in a
/// sentence this much like the quote's own (a clause is judged with the
/// sentence it belongs to)…
pub const SENTENCE_FAR_MIN: f64 = 0.8;
/// …and when it stands in a sentence this much like the quote's own with
/// its old context around it, the similarity asked where the comparison
/// puts the words is enough.
pub const SENTENCE_SAME: f64 = 0.9;
/// Context on one side at least this much like the recorded one counts as
/// having come along with the words (a moved paragraph).
pub const CONTEXT_CAME_ALONG: f64 = 0.8;
/// Time allowed for one word-level comparison of a changed region; beyond it
/// the comparison is coarser but still correct.
const DIFF_DEADLINE: Duration = Duration::from_millis(50);

/// How a comment's quote is found in a version of its chapter.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fate {
    /// The quoted words are unchanged and where the text around them says.
    Exact,
    /// The quoted words are unchanged but their paragraph/sentence moved.
    Moved,
    /// The quoted words were edited; the best candidate, similarity in 0..=1.
    Fuzzy { score: f64 },
    /// The words are gone; the section (heading) they stood under remains.
    Section { heading: String },
    /// Gone; callers keep showing the original quote.
    Orphaned,
}

impl Fate {
    /// Stable key for JSON/CLI: "exact", "moved", "fuzzy", "section", "orphaned".
    pub fn key(&self) -> &'static str {
        match self {
            Fate::Exact => "exact",
            Fate::Moved => "moved",
            Fate::Fuzzy { .. } => "fuzzy",
            Fate::Section { .. } => "section",
            Fate::Orphaned => "orphaned",
        }
    }

    /// Danish/English label.
    pub fn label(&self) -> String {
        match self {
            Fate::Exact => tr!("uændret", "unchanged"),
            Fate::Moved => tr!("flyttet", "moved"),
            Fate::Fuzzy { .. } => tr!("tilnærmet", "approximate"),
            Fate::Section { .. } => tr!("afsnit", "section"),
            Fate::Orphaned => tr!("forældreløs", "orphaned"),
        }
    }

    /// One line for people: the label with the score or the heading.
    pub fn describe(&self) -> String {
        match self {
            Fate::Fuzzy { score } => tr!(
                "tilnærmet ({} % ens)",
                "approximate ({} % alike)",
                (score * 100.0).round()
            ),
            Fate::Section { heading } => tr!(
                "teksten er væk; afsnittet «{heading}» findes stadig",
                "the words are gone; the section «{heading}» remains"
            ),
            Fate::Orphaned => tr!(
                "forældreløs: teksten findes ikke længere",
                "orphaned: the words are no longer there"
            ),
            Fate::Moved => tr!(
                "uændret, men flyttet eller med ny tekst omkring",
                "unchanged, but moved or with new text around it"
            ),
            Fate::Exact => self.label(),
        }
    }

    /// Whether the marker sits on words (exact, moved or fuzzy).
    pub fn is_placed(&self) -> bool {
        matches!(self, Fate::Exact | Fate::Moved | Fate::Fuzzy { .. })
    }
}

/// Where a comment sits in a version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    pub fate: Fate,
    /// Byte range in `crate::text::searchable_text(markdown)` of the TARGET
    /// chapter where the marker sits (None for Section/Orphaned).
    pub span: Option<Range<usize>>,
    /// The target text at `span` (None for Section/Orphaned).
    pub text: Option<String>,
}

impl Placement {
    fn on(fate: Fate, text: &str, span: Range<usize>) -> Placement {
        Placement {
            fate,
            text: Some(text[span.clone()].to_string()),
            span: Some(span),
        }
    }

    fn gone(fate: Fate) -> Placement {
        Placement {
            fate,
            span: None,
            text: None,
        }
    }
}

/// The anchor for the words at `span` of a chapter's searchable text, with
/// the same amount of context [`crate::ops::anchor_in`] keeps. `None` when
/// the span is empty or not on character boundaries of `text`.
pub fn anchor_at(text: &str, span: Range<usize>, commit: &str) -> Option<Anchor> {
    let quote = text.get(span.clone())?;
    if quote.trim().is_empty() {
        return None;
    }
    Some(Anchor {
        quote: quote.to_string(),
        before: last_chars(&text[..span.start], CONTEXT_CHARS).to_string(),
        after: first_chars(&text[span.end..], CONTEXT_CHARS).to_string(),
        commit: commit.to_string(),
        unique: crate::text::occurrences(text, quote) == 1,
        history: Vec::new(),
    })
}

/// Places `anchor` in the chapter `new` (Markdown), given the chapter as it
/// was where the anchor was written (`old`, Markdown), if known. The pure
/// core of [`Anchorer::place`], for tests and tools.
pub fn place_in(anchor: &Anchor, old: Option<&str>, new: &str) -> Placement {
    let new = Version::new(new);
    match old {
        Some(old) => {
            let old = Version::new(old);
            place(anchor, Some((&old, &OnceCell::new())), &new)
        }
        None => place(anchor, None, &new),
    }
}

/// Places comments on the chapters of one version, caching per chapter and
/// per written-on commit so 10,000 comments place in well under a second.
pub struct Anchorer<'a> {
    store: &'a Store,
    target: &'a Workspace,
    /// Target chapters by slug (None: not in the target).
    chapters: HashMap<String, Option<Rc<TargetChapter>>>,
    /// Chapter versions loaded elsewhere (the other side of a diff), by
    /// blob: their text as the loader made it, so a comment written on one
    /// of them needs no read of git.
    known: HashMap<Oid, &'a str>,
    /// The chapter files of the commits comments were written on, perhaps
    /// shared with anchorers on other threads.
    written_on: Arc<WrittenOn>,
    /// Whether the repository holds a written-on commit (for the cache key).
    held: HashMap<String, bool>,
    /// Old versions and their comparison with the target, per chapter and blob.
    olds: Bounded<(String, Oid), Option<Rc<OldVersion>>>,
    /// Old chapter files as stored, per blob: enough to tell that a quote
    /// occurs once without making the old version's text.
    raw: Bounded<(String, Oid), Option<Rc<Vec<u8>>>>,
    /// Placements remembered across runs (None: the cache is off).
    cache: Option<Placements>,
    /// What names a target chapter in a cache key, by slug (None: not in
    /// the target).
    target_ids: HashMap<String, Option<Rc<str>>>,
    used: AnchorUse,
    /// Chapter files read from git (versions comments were written on).
    files_read: usize,
    /// Its store's reader of the object folder, kept while it places.
    _kept: KeepReader<'a>,
}

/// How an [`Anchorer`] placed its comments (for tests and benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnchorUse {
    /// Placements answered by the cache.
    pub reused: usize,
    /// Placements made anew.
    pub placed: usize,
}

/// Bump when how anchors are placed changes (the program version is in
/// the cache file's header as well). 2: versions are compared on the diff
/// engine's blocks. 3: a wrapped line like `12. maj` stays in its paragraph.
/// 4: the key names the written-on commit, not its chapter file's blob.
/// 5: the key is SHA-256 (its first 20 bytes), not git's SHA-1 of a blob.
const PLACEMENT_FORMAT: u32 = 5;

struct TargetChapter {
    version: Version,
    markdown_len: usize,
    blob: Option<Oid>,
    identity: OnceCell<Alignment>,
}

struct OldVersion {
    version: Version,
    /// Its comparison with the target, made when a quote needs it.
    alignment: OnceCell<Alignment>,
}

/// How many old chapter versions (and their raw files) an anchorer keeps
/// between comments. Comments are placed in id order, which is the order
/// they were written in, so those written on one version come together.
/// Placing 50,000 comments anew (`comment list` with the cache empty) took
/// 420 MB keeping every version, 372 MB keeping 256 in 0.1 s less (128:
/// 345 MB, a quarter slower, versions being made again).
const OLD_VERSIONS_KEPT: usize = 256;

/// A map that keeps at most `cap` entries, forgetting the oldest inserted.
struct Bounded<K, V> {
    map: HashMap<K, V>,
    order: std::collections::VecDeque<K>,
    cap: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V> Bounded<K, V> {
    fn new(cap: usize) -> Bounded<K, V> {
        Bounded {
            map: HashMap::new(),
            order: std::collections::VecDeque::new(),
            cap,
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    /// Forgets the entries `keep` says no to.
    fn retain(&mut self, keep: impl Fn(&K) -> bool) {
        self.map.retain(|k, _| keep(k));
        self.order.retain(|k| keep(k));
    }

    fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > self.cap {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }
}

/// Where a comment was written, as far as the repository tells.
enum Origin {
    /// The chapter is byte for byte the target's.
    Same,
    /// Another version, compared with the target.
    Other(Rc<OldVersion>),
    /// Unknown (commit or chapter file missing): search the target alone.
    Unknown,
}

impl<'a> Anchorer<'a> {
    /// `store` reads the versions comments were written on (anchor.commit);
    /// `target` is the loaded version to place onto.
    /// Placements are remembered in the repository's cache (see
    /// [`crate::store::Placements`]) unless it is off.
    pub fn new(store: &'a Store, target: &'a Workspace) -> Anchorer<'a> {
        let mut anchorer = Anchorer::without_cache(store, target);
        anchorer.cache = Placements::of(store);
        anchorer
    }

    /// An anchorer that places every comment itself (tests compare the two).
    pub fn without_cache(store: &'a Store, target: &'a Workspace) -> Anchorer<'a> {
        Anchorer {
            store,
            target,
            chapters: HashMap::new(),
            known: HashMap::new(),
            written_on: Arc::default(),
            held: HashMap::new(),
            olds: Bounded::new(OLD_VERSIONS_KEPT),
            raw: Bounded::new(OLD_VERSIONS_KEPT),
            cache: None,
            target_ids: HashMap::new(),
            used: AnchorUse::default(),
            files_read: 0,
            _kept: store.keep_reader(),
        }
    }

    /// Looks up the chapter files of written-on commits in `shared`, which
    /// anchorers on other threads (placing onto the same version or
    /// another) may fill too, so each commit is read once.
    pub fn sharing(mut self, shared: Arc<WrittenOn>) -> Anchorer<'a> {
        self.written_on = shared;
        self
    }

    /// Takes the chapters of `other`, a version loaded from git as well
    /// (the other side of a diff), as the chapter files they were loaded
    /// from: a comment written on one of them is placed from that text
    /// instead of reading the file again. The same placements result.
    /// A chapter without text is passed over: the diff loads a version's
    /// unchanged chapters without reading them (an empty file costs no
    /// read either).
    pub fn knowing(mut self, other: &'a Workspace) -> Anchorer<'a> {
        for c in other.chapters.iter().filter(|c| !c.markdown.is_empty()) {
            if let Some(Ok(blob)) = c.blob.as_deref().map(Oid::from_str) {
                self.known.insert(blob, c.markdown.as_str());
            }
        }
        self
    }

    /// What this anchorer placed anew and the remembered placements it
    /// used, taken out to be saved by another ([`Anchorer::save_too`])
    /// instead of by this one when it is dropped.
    pub fn unsaved(&mut self) -> Option<Placements> {
        self.cache.take()
    }

    /// Saves `other` ([`Anchorer::unsaved`] of an anchorer on another
    /// thread) with this one's placements, in the one write when this one
    /// is dropped: anchorers placing parts of one list would otherwise each
    /// write the cache file, one after the other.
    pub fn save_too(&mut self, other: Placements) {
        if let Some(mine) = self.cache.as_mut() {
            mine.absorb(other);
        }
    }

    /// Forgets what was read and made to place comments on chapter `slug`
    /// (its text in the target, the versions comments were written on and
    /// their comparison with it), to free the memory once its comments are
    /// placed. Placing more on it later makes them again.
    pub fn done_with(&mut self, slug: &str) {
        self.chapters.remove(slug);
        self.olds.retain(|(s, _)| s != slug);
        self.raw.retain(|(s, _)| s != slug);
    }

    /// How many chapter files (versions comments were written on) were
    /// read from git so far.
    pub fn files_read(&self) -> usize {
        self.files_read
    }

    /// How many placements were reused and made anew so far.
    pub fn used(&self) -> AnchorUse {
        self.used
    }

    /// Where `comment` sits in `target`. None when the comment has no quote
    /// anchor (whole chapter, a recommendation, a reply) or its chapter is not
    /// in `target` (callers report the chapter as removed).
    pub fn place(&mut self, comment: &Comment) -> Option<Placement> {
        if comment.reply_to.is_some() {
            return None;
        }
        let anchor = comment.target.anchor.as_ref()?;
        let slug = comment.target.chapter.as_deref()?;
        // (No key without the target chapter: then nothing is placed.)
        let key = match self.cache.is_some() {
            true => self.target_id(slug).and_then(|target_id| {
                let held = self.holds_commit(&anchor.commit);
                placement_key(slug, anchor, held, &target_id)
            }),
            false => None,
        };
        if let Some(key) = key
            && let Some(p) = self.cache.as_mut().and_then(|c| c.get(key))
        {
            self.used.reused += 1;
            return Some(p);
        }
        let placement = self.place_anew(anchor, slug)?;
        self.used.placed += 1;
        if let (Some(key), Some(cache)) = (key, self.cache.as_mut()) {
            cache.put(key, &placement);
        }
        Some(placement)
    }

    /// What names the target's chapter `slug` in a cache key: its blob id,
    /// or the git id of its text when it was not read from git (each
    /// chapter with the slug, should there be more than one).
    fn target_id(&mut self, slug: &str) -> Option<Rc<str>> {
        if let Some(id) = self.target_ids.get(slug) {
            return id.clone();
        }
        let ids: Vec<String> = self
            .target
            .chapters
            .iter()
            .filter(|c| c.slug == slug)
            .map(|c| match c.blob.as_deref().map(Oid::from_str) {
                Some(Ok(blob)) => format!("blob {blob}"),
                _ => match Oid::hash_object(ObjectType::Blob, c.markdown.as_bytes()) {
                    Ok(id) => format!("text {id}"),
                    Err(_) => String::new(),
                },
            })
            .collect();
        let id =
            (!ids.is_empty() && ids.iter().all(|i| !i.is_empty())).then(|| Rc::from(ids.join(" ")));
        self.target_ids.insert(slug.to_string(), id.clone());
        id
    }

    fn place_anew(&mut self, anchor: &Anchor, slug: &str) -> Option<Placement> {
        let target = self.target_chapter(slug)?;
        // Most quotes stand untouched with all their context; unless the old
        // version may have had the quote twice, that settles it without
        // making the old version's text or comparing (see `place`).
        if let Some(span) = intact(anchor, &target.version.text)
            && self.quoted_once(slug, anchor, &target)
        {
            return Some(Placement::on(Fate::Exact, &target.version.text, span));
        }
        let placement = match self.origin(slug, &anchor.commit, &target) {
            Origin::Same => place(
                anchor,
                Some((&target.version, &target.identity)),
                &target.version,
            ),
            Origin::Other(old) => place(
                anchor,
                Some((&old.version, &old.alignment)),
                &target.version,
            ),
            Origin::Unknown => place(anchor, None, &target.version),
        };
        Some(placement)
    }

    /// The searchable text of a target chapter (what spans index into).
    pub fn target_text(&mut self, slug: &str) -> Option<&str> {
        self.target_chapter(slug)?;
        self.chapters
            .get(slug)
            .and_then(|c| c.as_deref())
            .map(|c| c.version.text.as_str())
    }

    fn target_chapter(&mut self, slug: &str) -> Option<Rc<TargetChapter>> {
        if let Some(c) = self.chapters.get(slug) {
            return c.clone();
        }
        let found = self
            .target
            .chapters
            .iter()
            .find(|c| c.slug == slug)
            .map(|c| {
                let version = Version::new(&c.markdown);
                let identity = OnceCell::from(Alignment::identity(version.text.len()));
                Rc::new(TargetChapter {
                    version,
                    markdown_len: c.markdown.len(),
                    blob: c.blob.as_deref().and_then(|b| Oid::from_str(b).ok()),
                    identity,
                })
            });
        self.chapters.insert(slug.to_string(), found.clone());
        found
    }

    /// Whether the anchor records that its quote occurred once where it
    /// was written ([`Anchor::unique`]), or else the chapter the anchor was
    /// written on is the target, unknown, or has the quote exactly once in
    /// its stored file. (A second
    /// occurrence written across a line break or with markup inside is not
    /// seen here; the quote written so in the only occurrence sends the
    /// anchor the long way, which decides exactly.)
    fn quoted_once(&mut self, slug: &str, anchor: &Anchor, target: &TargetChapter) -> bool {
        // Counted when the anchor was written, in the searchable text
        // itself: no commit, tree or file to read.
        if anchor.unique {
            return true;
        }
        let Some(blobs) = self.chapter_blobs(&anchor.commit) else {
            return true;
        };
        let Some(&blob) = blobs.get(slug) else {
            return true;
        };
        if target.blob == Some(blob) {
            return true;
        }
        let once = |text: &[u8]| {
            memchr::memmem::find_iter(text, anchor.quote.as_bytes())
                .take(2)
                .count()
                == 1
        };
        // A loaded text is the file without a byte order mark and with CRLF
        // made LF: the count is the file's for a quote with none of those.
        if let Some(text) = self.known.get(&blob)
            && !anchor.quote.contains(['\r', '\n', '\u{FEFF}'])
        {
            return once(text.as_bytes());
        }
        let key = (slug.to_string(), blob);
        let raw = match self.raw.get(&key) {
            Some(r) => r.clone(),
            None => {
                self.files_read += 1;
                let r = self.store.blob_bytes(blob).ok().map(Rc::new);
                self.raw.insert(key, r.clone());
                r
            }
        };
        raw.is_some_and(|raw| once(&raw))
    }

    fn origin(&mut self, slug: &str, commit: &str, target: &TargetChapter) -> Origin {
        let Some(blobs) = self.chapter_blobs(commit) else {
            return Origin::Unknown;
        };
        let Some(&blob) = blobs.get(slug) else {
            return Origin::Unknown;
        };
        if target.blob == Some(blob) {
            return Origin::Same;
        }
        let key = (slug.to_string(), blob);
        if let Some(old) = self.olds.get(&key) {
            return old.clone().map_or(Origin::Same, Origin::Other);
        }
        // The text as the loader makes it: from the other side of the diff
        // when it has this file, else the file (read already to count the
        // quote in it, or read now).
        let (file, text);
        let markdown: &str = match self.known.get(&blob) {
            Some(&known) => known,
            None => {
                let counted = self.raw.get(&key).cloned();
                file = match counted.unwrap_or_else(|| {
                    self.files_read += 1;
                    self.store.blob_bytes(blob).ok().map(Rc::new)
                }) {
                    Some(b) => b,
                    None => return Origin::Unknown,
                };
                text = match std::str::from_utf8(&file) {
                    Ok(t) => crate::model::editor_text(t),
                    Err(_) => return Origin::Unknown,
                };
                &text
            }
        };
        let same = target.blob.is_none()
            && markdown.len() == target.markdown_len
            && self
                .target
                .chapters
                .iter()
                .any(|c| c.slug == slug && c.markdown == markdown);
        let old = (!same).then(|| {
            Rc::new(OldVersion {
                version: Version::new(markdown),
                alignment: OnceCell::new(),
            })
        });
        self.olds.insert(key, old.clone());
        old.map_or(Origin::Same, Origin::Other)
    }

    /// Whether the repository holds `commit`: with the anchor (which names
    /// the commit) this names the chapter file the quote was written on,
    /// without reading the commit and its trees.
    fn holds_commit(&mut self, commit: &str) -> bool {
        if let Some(held) = self.held.get(commit) {
            return *held;
        }
        let repo = self.store.repo();
        let held = Oid::from_str(commit.trim()).ok().is_some_and(|oid| {
            repo.odb()
                .ok()
                .and_then(|odb| odb.read_header(oid).ok())
                .is_some_and(|(_, kind)| kind == ObjectType::Commit)
        });
        self.held.insert(commit.to_string(), held);
        held
    }

    /// Chapter slug → blob in a commit, cached per commit and per drafts tree.
    fn chapter_blobs(&mut self, commit: &str) -> ChapterBlobs {
        if let Some(c) = self.written_on.commit(commit) {
            return c;
        }
        let found = self.read_chapter_blobs(commit);
        self.written_on.note_commit(commit, found.clone());
        found
    }

    fn read_chapter_blobs(&mut self, commit: &str) -> ChapterBlobs {
        let repo = self.store.repo();
        let oid = Oid::from_str(commit.trim()).ok()?;
        let drafts_id = self.store.folder_tree(oid, paths::DRAFTS)?;
        if let Some(map) = self.written_on.drafts(drafts_id) {
            return Some(map);
        }
        let drafts = repo.find_tree(drafts_id).ok()?;
        let mut map = HashMap::new();
        for e in drafts.iter() {
            if e.kind() != Some(ObjectType::Blob) {
                continue;
            }
            let Ok(name) = e.name() else { continue };
            if let Some((_, slug)) = parse_chapter_file_name(name) {
                map.entry(slug).or_insert(e.id());
            }
        }
        let map = Arc::new(map);
        self.written_on.note_drafts(drafts_id, map.clone());
        Some(map)
    }
}

/// The chapter files (slug → blob) of the commits comments were written
/// on, by commit and by `drafts/` tree (most commits share their drafts),
/// for one or more anchorers on the same repository (one without a commit
/// notes it as missing). What a commit holds never changes, so anchorers
/// placing onto different versions can share it as well.
#[derive(Default)]
pub struct WrittenOn {
    /// By commit as the anchor names it (None: no such commit or folder).
    commits: Mutex<HashMap<String, ChapterBlobs>>,
    drafts: Mutex<HashMap<Oid, Arc<HashMap<String, Oid>>>>,
}

/// A commit's chapter files by slug (None: no such commit or folder).
type ChapterBlobs = Option<Arc<HashMap<String, Oid>>>;

impl WrittenOn {
    /// What is known of `commit` (None: not looked up yet).
    fn commit(&self, commit: &str) -> Option<ChapterBlobs> {
        let commits = self.commits.lock().unwrap_or_else(|e| e.into_inner());
        commits.get(commit).cloned()
    }

    fn note_commit(&self, commit: &str, blobs: ChapterBlobs) {
        let mut commits = self.commits.lock().unwrap_or_else(|e| e.into_inner());
        commits.insert(commit.to_string(), blobs);
    }

    fn drafts(&self, tree: Oid) -> Option<Arc<HashMap<String, Oid>>> {
        let drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        drafts.get(&tree).cloned()
    }

    fn note_drafts(&self, tree: Oid, blobs: Arc<HashMap<String, Oid>>) {
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        drafts.insert(tree, blobs);
    }
}

impl Drop for Anchorer<'_> {
    fn drop(&mut self) {
        if let Some(cache) = &mut self.cache {
            cache.save(self.target.comments.len());
        }
    }
}

/// The cache key of a placement: a hash over everything it depends on –
/// the anchor as written (which names the commit it was written on),
/// whether the repository holds that commit (so the chapter file it was
/// written on is known) and the target chapter. SHA-256, cut to the 20
/// bytes of a git id: the processor's SHA instructions make it about ten
/// times cheaper than libgit2's SHA-1 with collision detection (a diff
/// makes hundreds of keys), and no collision is known for it.
fn placement_key(slug: &str, anchor: &Anchor, held: bool, target: &str) -> Option<Oid> {
    use sha2::Digest;
    let anchor = serde_json::to_vec(anchor).ok()?;
    let held: &[u8] = if held { b"held" } else { b"" };
    let mut hash = sha2::Sha256::new();
    hash.update(format!("oplaeg-placement {PLACEMENT_FORMAT}\n"));
    for part in [slug.as_bytes(), &anchor, held, target.as_bytes()] {
        hash.update(format!("{}:", part.len()));
        hash.update(part);
        hash.update(b"\n");
    }
    Oid::from_bytes(&hash.finalize()[..20]).ok()
}

// ---------------------------------------------------------------------------
// A version of a chapter: its searchable text in blocks.

/// A chapter's searchable text with its blocks: the diff engine's blocks
/// ([`plain_blocks`]), so the anchoring compares versions on the very
/// blocks `oplaeg diff` shows.
struct Version {
    text: String,
    /// Each block: where it is in the Markdown and in `text`, and its heading level.
    blocks: Vec<PlainBlock>,
    /// Word positions, built the first time an edited quote is searched.
    words: OnceCell<Words>,
}

/// The blocks the anchoring compares and searches a version of a chapter
/// by, as it holds them: the searchable text and its blocks.
pub fn searched_blocks(markdown: &str) -> PlainText {
    let v = Version::new(markdown);
    PlainText {
        text: v.text,
        blocks: v.blocks,
    }
}

impl Version {
    fn new(markdown: &str) -> Version {
        let PlainText { text, blocks } = plain_blocks(markdown);
        Version {
            text,
            blocks,
            words: OnceCell::new(),
        }
    }

    fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(&self.text))
    }

    /// The end of block `i` including the space that separates it from the next.
    fn unit_end(&self, i: usize) -> usize {
        self.blocks
            .get(i + 1)
            .map_or(self.text.len(), |next| next.text.start)
    }

    /// The `##`-or-deeper heading above `pos` (not the block `pos` is in):
    /// the section it stands in, `None` in the introduction.
    fn heading_before(&self, pos: usize) -> Option<&str> {
        let here = self.blocks.partition_point(|b| b.text.start <= pos);
        self.blocks[..here.saturating_sub(1)]
            .iter()
            .rev()
            .find(|b| b.heading.is_some_and(|level| level >= 2))
            .map(|b| &self.text[b.text.clone()])
    }

    /// The sentence or sentences `span` stands in: widened to where
    /// sentences end (`.`, `!` or `?` before a capital letter) within its
    /// block(s).
    fn sentences_around(&self, span: &Range<usize>) -> Range<usize> {
        let block = |pos: usize| {
            let i = self
                .blocks
                .partition_point(|b| b.text.start <= pos)
                .saturating_sub(1);
            self.blocks.get(i).map_or((0, self.text.len()), |b| {
                (b.text.start.min(pos), b.text.end.max(pos))
            })
        };
        let (from, _) = block(span.start);
        let (_, to) = block(span.end.saturating_sub(1).max(span.start));
        let t = self.text.as_str();
        let mut start = from;
        for (i, _) in t[from..span.start].match_indices(' ') {
            if sentence_break(t, from + i) {
                start = from + i + 1;
            }
        }
        let end = t[span.end..to]
            .match_indices(' ')
            .map(|(i, _)| span.end + i)
            .find(|&i| sentence_break(t, i))
            .unwrap_or(to);
        start..end.max(span.end)
    }

    /// A `##`-or-deeper heading with this text (ignoring case), as written here.
    fn heading(&self, text: &str) -> Option<&str> {
        let want = text.to_lowercase();
        self.blocks
            .iter()
            .filter(|b| b.heading.is_some_and(|level| level >= 2))
            .map(|b| &self.text[b.text.clone()])
            .find(|h| h.to_lowercase() == want)
    }
}

/// Where the words of a text occur: byte offsets by a hash of the word
/// (lower-cased, without punctuation around it). Made with a plain split on
/// spaces, which is all voting needs; candidates are then aligned by proper
/// word boundaries.
struct Words {
    index: HashMap<u64, Vec<u32>>,
}

impl Words {
    fn new(text: &str) -> Words {
        let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
        for (at, key) in word_keys(text) {
            index
                .entry(key)
                .or_default()
                .push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        Words { index }
    }
}

/// (byte offset, key) of the words of `text` that say something about
/// where a text is: at least three letters or digits.
fn word_keys(text: &str) -> impl Iterator<Item = (usize, u64)> + '_ {
    text.split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter_map(|(start, w)| {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            if core.chars().take(3).count() < 3 {
                return None;
            }
            // FNV-1a over the lower-cased characters.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for c in core.chars().flat_map(char::to_lowercase) {
                h ^= u64::from(u32::from(c));
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            Some((start, h))
        })
}

/// Non-space tokens of `text` with their byte offsets.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    text.split_word_bound_indices()
        .filter(|(_, t)| !t.chars().all(char::is_whitespace))
        .collect()
}

fn chars(s: &str) -> usize {
    s.chars().count().max(1)
}

// ---------------------------------------------------------------------------
// Following the text: which old bytes are the same new bytes.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    old: usize,
    new: usize,
    len: usize,
}

/// Runs of text that are the same in the old and the new version, in order.
///
/// Unchanged blocks are runs at once. A stretch of changed blocks is a
/// [`Region`], compared word by word only when a quote falls into it: most
/// quotes lie in unchanged paragraphs, and the word comparison is the costly
/// part.
struct Alignment {
    /// Unchanged blocks (each with the space after it when both have one).
    blocks: Vec<Run>,
    /// Changed stretches between them, in order.
    regions: Vec<Region>,
    new_len: usize,
}

struct Region {
    old: Range<usize>,
    new: Range<usize>,
    /// Word-level runs, made the first time they are needed.
    runs: OnceCell<Vec<Run>>,
}

impl Alignment {
    fn identity(len: usize) -> Alignment {
        Alignment {
            blocks: vec![Run {
                old: 0,
                new: 0,
                len,
            }],
            regions: Vec::new(),
            new_len: len,
        }
    }

    /// Compares the versions block by block (cheap, and whole unchanged
    /// paragraphs map at once); changed stretches are kept for later.
    fn between(old: &Version, new: &Version) -> Alignment {
        let ou: Vec<&str> = old
            .blocks
            .iter()
            .map(|b| &old.text[b.text.clone()])
            .collect();
        let nu: Vec<&str> = new
            .blocks
            .iter()
            .map(|b| &new.text[b.text.clone()])
            .collect();
        let mut blocks: Vec<Run> = Vec::new();
        let mut regions = Vec::new();
        let add_region = |po: Range<usize>, pn: Range<usize>, regions: &mut Vec<Region>| {
            if !po.is_empty() && !pn.is_empty() {
                regions.push(Region {
                    old: old.blocks[po.start].text.start..old.unit_end(po.end - 1),
                    new: new.blocks[pn.start].text.start..new.unit_end(pn.end - 1),
                    runs: OnceCell::new(),
                });
            }
        };
        for part in parts(&ou, &nu) {
            match part {
                Part::Changed { old: o, new: n } => add_region(o, n, &mut regions),
                Part::Equal {
                    old: o,
                    new: n,
                    len,
                } => {
                    for t in 0..len {
                        let (i, k) = (o + t, n + t);
                        let (os, ns) = (old.blocks[i].text.start, new.blocks[k].text.start);
                        let len = (old.unit_end(i) - os).min(new.unit_end(k) - ns);
                        push_run(
                            &mut blocks,
                            Run {
                                old: os,
                                new: ns,
                                len,
                            },
                        );
                    }
                }
            }
        }
        Alignment {
            blocks,
            regions,
            new_len: new.text.len(),
        }
    }

    /// The alignment with the two texts it was made from, to ask it.
    fn with<'t>(&'t self, old: &'t str, new: &'t str) -> Follow<'t> {
        Follow { al: self, old, new }
    }
}

/// An [`Alignment`] with its texts: where old text went in the new.
struct Follow<'t> {
    al: &'t Alignment,
    old: &'t str,
    new: &'t str,
}

impl Follow<'_> {
    /// The changed region old offset `pos` lies in, if any, with its runs.
    fn region_at(&self, pos: usize) -> Option<(&Region, &[Run])> {
        let regions = &self.al.regions;
        let k = regions.partition_point(|g| g.old.end <= pos);
        let g = regions.get(k).filter(|g| g.old.start <= pos)?;
        Some((g, self.region_runs(g)))
    }

    /// A changed region's word-level runs, compared the first time asked.
    fn region_runs<'s>(&'s self, g: &'s Region) -> &'s [Run] {
        g.runs.get_or_init(|| {
            compare_words(
                &self.old[g.old.clone()],
                g.old.start,
                &self.new[g.new.clone()],
                g.new.start,
            )
        })
    }

    /// The stretches of `new[range]` that are old text from outside `own`,
    /// unchanged (in order): text that stood elsewhere in the old version
    /// already, so the words at `own` cannot have gone there. Only runs of
    /// at least [`FOREIGN_MIN`] bytes count: a word comparison also pairs
    /// stray common words.
    fn foreign(&self, range: &Range<usize>, own: &Range<usize>) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut add = |run: &Run| {
            if run.len < FOREIGN_MIN {
                return;
            }
            let end = run.old + run.len;
            for (os, oe) in [(run.old, own.start.min(end)), (own.end.max(run.old), end)] {
                let (s, e) = (
                    (run.new + os.saturating_sub(run.old)).max(range.start),
                    (run.new + oe.saturating_sub(run.old)).min(range.end),
                );
                if os < oe && s < e {
                    out.push(s..e);
                }
            }
        };
        let blocks = &self.al.blocks;
        let i = blocks.partition_point(|r| r.new + r.len <= range.start);
        for r in blocks[i..].iter().take_while(|r| r.new < range.end) {
            add(r);
        }
        let regions = &self.al.regions;
        let k = regions.partition_point(|g| g.new.end <= range.start);
        for g in regions[k..].iter().take_while(|g| g.new.start < range.end) {
            for r in self.region_runs(g) {
                if r.new < range.end && r.new + r.len > range.start {
                    add(r);
                }
            }
        }
        out.sort_by_key(|r| r.start);
        out
    }

    /// Whether the old text `old[s..e]` stands unchanged at `new[at..]`
    /// according to the comparison.
    fn maps(&self, s: usize, e: usize, at: usize) -> bool {
        s < e && self.covering(s, e) == Some(at)
    }

    /// The run containing old offset `pos`.
    fn run_at(&self, pos: usize) -> Option<Run> {
        let blocks = &self.al.blocks;
        let i = blocks.partition_point(|r| r.old + r.len <= pos);
        if let Some(r) = blocks.get(i).filter(|r| r.old <= pos) {
            return Some(*r);
        }
        let (_, runs) = self.region_at(pos)?;
        let j = runs.partition_point(|r| r.old + r.len <= pos);
        runs.get(j).filter(|r| r.old <= pos).copied()
    }

    /// Where `old[s..e]` is in the new text, if it is unchanged there
    /// (walking across runs that continue each other).
    fn covering(&self, s: usize, e: usize) -> Option<usize> {
        let mut r = self.run_at(s)?;
        let start = r.new + (s - r.old);
        while r.old + r.len < e {
            let next = self.run_at(r.old + r.len)?;
            if next.old != r.old + r.len || next.new != r.new + r.len {
                return None;
            }
            r = next;
        }
        Some(start)
    }

    /// Where the text starting at old offset `s` starts in the new text; in
    /// changed text, where the replacement starts.
    fn map_start(&self, s: usize) -> usize {
        if let Some(r) = self.run_at(s) {
            return r.new + (s - r.old);
        }
        if let Some((g, runs)) = self.region_at(s) {
            let j = runs.partition_point(|r| r.old + r.len <= s);
            return j
                .checked_sub(1)
                .map_or(g.new.start, |p| runs[p].new + runs[p].len);
        }
        let blocks = &self.al.blocks;
        let i = blocks.partition_point(|r| r.old + r.len <= s);
        i.checked_sub(1)
            .map_or(0, |p| blocks[p].new + blocks[p].len)
    }

    /// Where the text ending at old offset `e` ends in the new text; in
    /// changed text, where the replacement ends.
    fn map_end(&self, e: usize) -> usize {
        let Some(last) = e.checked_sub(1) else {
            return self.map_start(0);
        };
        if let Some(r) = self.run_at(last) {
            return r.new + (e - r.old);
        }
        if let Some((g, runs)) = self.region_at(last) {
            let j = runs.partition_point(|r| r.old < e);
            return runs.get(j).map_or(g.new.end, |r| r.new);
        }
        let blocks = &self.al.blocks;
        let i = blocks.partition_point(|r| r.old < e);
        blocks.get(i).map_or(self.al.new_len, |r| r.new)
    }
}

fn push_run(runs: &mut Vec<Run>, run: Run) {
    if run.len == 0 {
        return;
    }
    if let Some(last) = runs.last_mut()
        && last.old + last.len == run.old
        && last.new + last.len == run.new
    {
        last.len += run.len;
        return;
    }
    runs.push(run);
}

/// Word-level runs between two texts, offset to where they stand.
fn compare_words(old: &str, old_at: usize, new: &str, new_at: usize) -> Vec<Run> {
    let ot: Vec<(usize, &str)> = old.split_word_bound_indices().collect();
    let nt: Vec<(usize, &str)> = new.split_word_bound_indices().collect();
    let a: Vec<&str> = ot.iter().map(|t| t.1).collect();
    let b: Vec<&str> = nt.iter().map(|t| t.1).collect();
    let deadline = Instant::now() + DIFF_DEADLINE;
    let mut runs = Vec::new();
    for part in parts_until(&a, &b, Some(deadline)) {
        let Part::Equal {
            old: o,
            new: n,
            len,
        } = part
        else {
            continue;
        };
        let start = ot[o].0;
        let last = ot[o + len - 1];
        push_run(
            &mut runs,
            Run {
                old: old_at + start,
                new: new_at + nt[n].0,
                len: last.0 + last.1.len() - start,
            },
        );
    }
    runs
}

// ---------------------------------------------------------------------------
// Placing one anchor.

/// The nearest character boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The nearest character boundary of `text` at or after `i`.
fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn last_chars(s: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// How well the text around `span` of `text` is the anchor's context:
/// (before, after), each 0–1.
fn context_fit(text: &str, span: &Range<usize>, anchor: &Anchor) -> (f64, f64) {
    let side = |want: &str, have: &str| match (want.is_empty(), have.is_empty()) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        (false, false) => similarity(want, have),
    };
    let before = last_chars(&text[..span.start], anchor.before.chars().count());
    let after = first_chars(&text[span.end..], anchor.after.chars().count());
    (side(&anchor.before, before), side(&anchor.after, after))
}

/// How many characters of the anchor's context sit right next to `start..end`.
fn context_chars(text: &str, start: usize, end: usize, anchor: &Anchor) -> usize {
    let before = text[..start]
        .chars()
        .rev()
        .zip(anchor.before.chars().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let after = text[end..]
        .chars()
        .zip(anchor.after.chars())
        .take_while(|(a, b)| a == b)
        .count();
    before + after
}

/// The one place in `text` where the quote stands with all of its recorded
/// context, byte for byte, on both sides: the quote is unchanged and where
/// the text around it says, whatever else changed, so no history is needed.
fn intact(anchor: &Anchor, text: &str) -> Option<Range<usize>> {
    let q = anchor.quote.as_str();
    if q.is_empty() {
        return None;
    }
    let mut found = None;
    for start in memchr::memmem::find_iter(text.as_bytes(), q.as_bytes()) {
        let end = start + q.len();
        if text[..start].ends_with(anchor.before.as_str())
            && text[end..].starts_with(anchor.after.as_str())
        {
            if found.is_some() {
                return None; // twice: let the history decide
            }
            found = Some(start..end);
        }
    }
    found
}

fn occurs_twice(text: &str, q: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), q.as_bytes())
        .nth(1)
        .is_some()
}

/// Where the quote was in the old text: the occurrence its context fits best.
fn locate(text: &str, anchor: &Anchor) -> Option<Range<usize>> {
    let q = &anchor.quote;
    let mut best: Option<(usize, Range<usize>)> = None;
    for start in memchr::memmem::find_iter(text.as_bytes(), q.as_bytes()) {
        let fit = context_chars(text, start, start + q.len(), anchor);
        if best.as_ref().is_none_or(|(f, _)| fit > *f) {
            best = Some((fit, start..start + q.len()));
        }
    }
    best.map(|(_, r)| r)
}

/// The distance in bytes between two ranges (0 when they touch or overlap).
fn distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end < b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// Where the comparison says the quote went, and how far counts as near.
struct Expected {
    span: Range<usize>,
    near: usize,
}

impl Expected {
    fn is_near(&self, span: &Range<usize>) -> bool {
        distance(span, &self.span) <= self.near
    }
}

/// What the comparison tells about the quote's old place.
struct History<'t> {
    old: &'t Version,
    follow: Follow<'t>,
    /// The quote in the old text.
    span: Range<usize>,
    /// The sentence(s) it stood in, in the old text…
    sentence: &'t str,
    /// …which reached this many bytes before and after the quote.
    reach: (usize, usize),
    /// The old text of that sentence before and after the quote.
    sentence_sides: (&'t str, &'t str),
    /// Where the comparison puts it in the new text.
    expected: Expected,
}

impl History<'_> {
    /// How alike the quote's old sentence is to the text around `span` of
    /// the new text, taken as far on each side as the sentence reached
    /// beyond the quote: a clause is judged with the sentence it belongs to
    /// (a quote that is whole sentences, by itself).
    fn sentence_fit(&self, new: &Version, span: &Range<usize>) -> f64 {
        let t = new.text.as_str();
        let from = floor_boundary(t, span.start.saturating_sub(self.reach.0));
        let to = ceil_boundary(t, span.end + self.reach.1);
        let theirs = &t[from..to];
        if theirs == self.sentence {
            return 1.0;
        }
        similarity(self.sentence, theirs)
    }

    /// How much of the quote's own sentence stands right next to `span` of
    /// the new text, 0–1 (1 for a quote that is whole sentences): the
    /// characters that agree going outwards from the quote on each side,
    /// over the sentence's characters beyond the quote.
    fn sentence_adjacent(&self, text: &str, span: &Range<usize>) -> f64 {
        let (before, after) = self.sentence_sides;
        let total = before.chars().count() + after.chars().count();
        if total == 0 {
            return 1.0;
        }
        let b = text[..span.start]
            .chars()
            .rev()
            .zip(before.chars().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let a = text[span.end..]
            .chars()
            .zip(after.chars())
            .take_while(|(x, y)| x == y)
            .count();
        (a + b) as f64 / total as f64
    }

    /// Whether most of `new[range]` is text that stood elsewhere in the old
    /// version. (Not any of it: where text repeats, the comparison may pair
    /// the first words of a moved sentence with the same words elsewhere.)
    fn mostly_foreign(&self, range: &Range<usize>) -> bool {
        let foreign: usize = self.foreign(range).iter().map(|r| r.len()).sum();
        2 * foreign > range.len()
    }

    /// The new-text stretches of `range` that the quote cannot have gone to.
    fn foreign(&self, range: &Range<usize>) -> Vec<Range<usize>> {
        self.follow.foreign(range, &self.span)
    }
}

/// Places `anchor` in `new`, given the version it was written on and its
/// comparison with `new` (made here if not yet made).
fn place(
    anchor: &Anchor,
    old: Option<(&Version, &OnceCell<Alignment>)>,
    new: &Version,
) -> Placement {
    let q = anchor.quote.as_str();
    if q.trim().is_empty() {
        return Placement::gone(Fate::Orphaned);
    }
    let text = new.text.as_str();
    // Most quotes stand untouched with all their context. That settles it
    // without comparing the versions, unless the old version had the quote
    // more than once: then text that stood elsewhere may now have the same
    // surroundings, and only the comparison tells them apart.
    if let Some(span) = intact(anchor, text)
        && old.is_none_or(|(v, _)| !occurs_twice(&v.text, q))
    {
        return Placement::on(Fate::Exact, text, span);
    }
    let located = old.and_then(|(v, al)| {
        let span = locate(&v.text, anchor)?;
        Some((v, al.get_or_init(|| Alignment::between(v, new)), span))
    });
    let Some((old_version, alignment, span)) = located else {
        // No history to follow: the new text alone.
        if let Some(p) = verbatim(anchor, text) {
            return p;
        }
        return match fuzzy(anchor, new, None) {
            Some((score, span)) => fuzzy_on(score, text, span),
            None => Placement::gone(Fate::Orphaned),
        };
    };
    let follow = alignment.with(&old_version.text, text);
    let s = follow.map_start(span.start);
    let e = follow.map_end(span.end).max(s);
    let around = old_version.sentences_around(&span);
    let history = History {
        old: old_version,
        sentence: &old_version.text[around.clone()],
        reach: (span.start - around.start, around.end - span.end),
        sentence_sides: (
            &old_version.text[around.start..span.start],
            &old_version.text[span.end..around.end],
        ),
        span,
        expected: Expected {
            span: s..e,
            near: q.len().max(120),
        },
        follow,
    };

    // 1. The same words: where the comparison maps them or their context,
    //    or their sentence moved.
    if let Some(p) = unchanged(anchor, &history, new) {
        return p;
    }
    // 2. Edited words.
    if let Some((score, span)) = fuzzy(anchor, new, Some(&history)) {
        return fuzzy_on(score, text, span);
    }
    // 3. The section, or nothing.
    let heading = old_version
        .heading_before(history.span.start)
        .and_then(|h| new.heading(h));
    match heading {
        Some(h) => Placement::gone(Fate::Section {
            heading: h.to_string(),
        }),
        None => Placement::gone(Fate::Orphaned),
    }
}

fn fuzzy_on(score: f64, text: &str, span: Range<usize>) -> Placement {
    let score = (score * 100.0).round() / 100.0;
    Placement::on(Fate::Fuzzy { score }, text, span)
}

/// How many bytes of the old text next to the quote must map along with it
/// for its context to count as where the comparison puts it.
const CONTEXT_MAPPED: usize = 12;

/// The quote word for word in the new text, judged by what the comparison
/// knows. Candidates are its occurrences outside text that stood elsewhere
/// in the old version. One *follows the comparison* when the comparison maps
/// the quoted words, or the old text right before or after them, to it:
/// only such a candidate may be `Exact`, and it is `Exact` when it kept its
/// context in its section (else `Moved`). One that does not is the quote's
/// sentence moved (`Moved`) only when that sentence came along, and for a
/// short quote some of its context too. Among candidates the sentence
/// around them decides first, then the context, then the comparison: an
/// inserted sentence repeating a short quote's words does not take the
/// comment from the sentence it belongs to.
fn unchanged(anchor: &Anchor, h: &History, new: &Version) -> Option<Placement> {
    let q = anchor.quote.as_str();
    let text = new.text.as_str();
    let old_text = h.old.text.as_str();
    let mapped = h.follow.covering(h.span.start, h.span.end);
    let kb = h.span.start - floor_boundary(old_text, h.span.start.saturating_sub(CONTEXT_MAPPED));
    let ka = ceil_boundary(old_text, h.span.end + CONTEXT_MAPPED) - h.span.end;
    let short = word_count(q) < SHORT_QUOTE_WORDS;
    let mut starts: Vec<usize> = memchr::memmem::find_iter(text.as_bytes(), q.as_bytes())
        .take(200)
        .collect();
    if let Some(m) = mapped.filter(|m| !starts.contains(m)) {
        starts.push(m);
    }
    let mut best: Option<(f64, Range<usize>, bool)> = None;
    for start in starts {
        let c = start..start + q.len();
        let words_mapped = mapped == Some(start);
        if !words_mapped && h.mostly_foreign(&c) {
            continue; // it stood there already
        }
        let context_mapped = (start >= kb
            && h.follow.maps(h.span.start - kb, h.span.start, start - kb))
            || h.follow.maps(h.span.end, h.span.end + ka, c.end);
        let follows = words_mapped || context_mapped;
        let (b, a) = context_fit(text, &c, anchor);
        let sentence = h.sentence_fit(new, &c);
        // Away from the comparison: the quote's sentence moved, and a short
        // quote's sentence is the same or some of its context came along.
        if !follows
            && (sentence < SENTENCE_FAR_MIN
                || (short && sentence < SENTENCE_SAME && b < SAME_CONTEXT && a < SAME_CONTEXT))
        {
            continue;
        }
        let rank = 2.0 * sentence
            + 2.0 * h.sentence_adjacent(text, &c)
            + (b + a) / 2.0
            + if words_mapped { 0.3 } else { 0.0 }
            + if context_mapped { 0.2 } else { 0.0 };
        if best.as_ref().is_none_or(|x| rank > x.0) {
            best = Some((rank, c, follows));
        }
    }
    let (_, c, follows) = best?;
    let (b, a) = context_fit(text, &c, anchor);
    let in_context = b >= SAME_CONTEXT && a >= SAME_CONTEXT;
    let fate = if follows {
        let same_section = h.old.heading_before(h.span.start) == new.heading_before(c.start);
        if in_context || (same_section && (b >= SAME_CONTEXT || a >= SAME_CONTEXT)) {
            Fate::Exact
        } else {
            Fate::Moved
        }
    } else if text[..c.start].ends_with(anchor.before.as_str())
        && text[c.end..].starts_with(anchor.after.as_str())
    {
        // Moved whole with all of its context: the reader finds the words
        // exactly as they were.
        Fate::Exact
    } else {
        Fate::Moved
    };
    Some(Placement::on(fate, text, c))
}

fn word_count(text: &str) -> usize {
    text.split_word_bounds()
        .filter(|t| crate::diff::words::is_word(t))
        .count()
}

/// Without history: the quote found word for word in the new text, where
/// its context fits best. Exact when the old context is around it, else
/// Moved; a short phrase needs some of its context.
fn verbatim(anchor: &Anchor, text: &str) -> Option<Placement> {
    let q = anchor.quote.as_str();
    let mut best: Option<(f64, Range<usize>, (f64, f64))> = None;
    for start in memchr::memmem::find_iter(text.as_bytes(), q.as_bytes()).take(200) {
        let span = start..start + q.len();
        let fit = context_fit(text, &span, anchor);
        if best.as_ref().is_none_or(|b| fit.0 + fit.1 > b.0) {
            best = Some((fit.0 + fit.1, span, fit));
        }
    }
    let (_, span, (b, a)) = best?;
    if word_count(q) < SHORT_QUOTE_WORDS && b < SAME_CONTEXT && a < SAME_CONTEXT {
        return None;
    }
    let fate = if b >= SAME_CONTEXT && a >= SAME_CONTEXT {
        Fate::Exact
    } else {
        Fate::Moved
    };
    Some(Placement::on(fate, text, span))
}

/// The best acceptable candidate for edited words: (similarity, span).
///
/// The place the comparison points to is tried first; the whole chapter is
/// searched (by its words) only when that gives nothing a candidate from
/// elsewhere could not beat. With history, text that stood elsewhere in the
/// old version is never a candidate (deleted words do not land on it), and a
/// candidate away from where the comparison puts the words must stand in a
/// sentence like the quote's own ([`SENTENCE_FAR_MIN`]); when that sentence
/// and the context came along ([`SENTENCE_SAME`]), it is accepted as if it
/// were where the comparison puts it: a short quote edited in a moved
/// paragraph is found.
fn fuzzy(anchor: &Anchor, new: &Version, h: Option<&History>) -> Option<(f64, Range<usize>)> {
    let text = new.text.as_str();
    let qt = tokens(&anchor.quote);
    if qt.is_empty() || text.is_empty() {
        return None;
    }
    let expected = h.map(|h| &h.expected);
    let mut best: Option<(f64, f64, Range<usize>)> = None; // (rank, sim, span)
    let consider = |window: &[(usize, usize)], best: &mut Option<(f64, f64, Range<usize>)>| {
        let Some((sim, span)) = align(&qt, text, window) else {
            return;
        };
        let (b, a) = context_fit(text, &span, anchor);
        let ctx = (b + a) / 2.0;
        let near = expected.is_some_and(|e| e.is_near(&span));
        let near_enough = sim >= NEAR_MIN || (sim >= NEAR_MIN_WITH_CONTEXT && ctx >= SAME_CONTEXT);
        let accepted = if near {
            near_enough
        } else {
            let far_enough = sim >= FAR_MIN || (sim >= FAR_MIN_WITH_CONTEXT && ctx >= SAME_CONTEXT);
            match h {
                None => far_enough,
                Some(h) => {
                    let sentence = h.sentence_fit(new, &span);
                    sentence >= SENTENCE_FAR_MIN
                        && (far_enough
                            || (near_enough
                                && ctx >= SAME_CONTEXT
                                && (sentence >= SENTENCE_SAME || b.max(a) >= CONTEXT_CAME_ALONG)))
                }
            }
        };
        let rank = sim + 0.5 * ctx + if near { NEAR_BONUS } else { 0.0 };
        if accepted && best.as_ref().is_none_or(|b| rank > b.0) {
            *best = Some((rank, sim, span));
        }
    };
    // Text that stood elsewhere is left out: windows are cut around it.
    let consider_free = |w: &[(usize, usize)], best: &mut Option<(f64, f64, Range<usize>)>| {
        let (Some(h), Some(first), Some(last)) = (h, w.first(), w.last()) else {
            consider(w, best);
            return;
        };
        let foreign = h.foreign(&(first.0..last.1));
        let mut piece_start = 0;
        for (i, t) in w.iter().enumerate() {
            let taken = foreign.iter().any(|f| f.start < t.1 && t.0 < f.end);
            if taken {
                if piece_start < i {
                    consider(&w[piece_start..i], best);
                }
                piece_start = i + 1;
            }
        }
        if piece_start < w.len() {
            consider(&w[piece_start..], best);
        }
    };
    if let Some(e) = expected {
        // Only the words around the expected place, not the whole chapter.
        let pad = anchor.quote.len() / 2 + 40;
        let w = window(text, e.span.start.saturating_sub(pad), e.span.end + pad);
        if w.len() <= qt.len() * 4 + 200 {
            consider_free(&w, &mut best);
        }
    }
    // Nothing from elsewhere can rank above this (a far candidate has no
    // nearness bonus and similarity and context of at most 1).
    if best.as_ref().is_none_or(|b| b.0 < 1.0 + 0.5) {
        for r in voted_windows(anchor, new.words(), text.len()) {
            consider_free(&window(text, r.start, r.end), &mut best);
        }
    }
    best.map(|(_, sim, span)| (sim, span))
}

/// Byte ranges of the new text where several of the quote's less common
/// words occur at about the distances they have in the quote.
///
/// The recorded context votes too, at half weight, each word at its
/// distance from the quote: where the context came along, a short quote
/// whose own words were edited (a rare word with a typo) is still found.
fn voted_windows(anchor: &Anchor, words: &Words, text_len: usize) -> Vec<Range<usize>> {
    let quote = anchor.quote.as_str();
    let bin = (quote.len() / 4).max(32) as i64;
    let mut votes: HashMap<i64, f64> = HashMap::new();
    let before = anchor.before.len() as i64 + 1;
    let after = quote.len() as i64 + 1;
    let keys = word_keys(quote)
        .map(|(o, k)| (o as i64, k, 1.0))
        .chain(word_keys(&anchor.before).map(|(o, k)| (o as i64 - before, k, 0.5)))
        .chain(word_keys(&anchor.after).map(|(o, k)| (o as i64 + after, k, 0.5)));
    for (offset, key, share) in keys {
        let Some(positions) = words.index.get(&key) else {
            continue;
        };
        if positions.len() > COMMON_WORD {
            continue;
        }
        let weight = share / positions.len() as f64;
        for &p in positions {
            let diagonal = i64::from(p) - offset;
            *votes.entry(diagonal.div_euclid(bin)).or_default() += weight;
        }
    }
    let mut bins: Vec<(f64, i64)> = votes
        .keys()
        .map(|&b| {
            let v =
                votes.get(&b).copied().unwrap_or(0.0) + votes.get(&(b + 1)).copied().unwrap_or(0.0);
            (v, b)
        })
        .collect();
    bins.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let Some(&(top, _)) = bins.first() else {
        return Vec::new();
    };
    let n = text_len as i64;
    let slack = (quote.len() / 2 + 40) as i64;
    bins.into_iter()
        .filter(|(v, _)| *v >= top * 0.3)
        .take(4)
        .filter_map(|(_, b)| {
            let from = (b * bin - slack).clamp(0, n);
            let to = (b * bin + 2 * bin + quote.len() as i64 + slack).clamp(0, n);
            (to > from).then_some(from as usize..to as usize)
        })
        .collect()
}

/// The tokens of `text` between `from` and `to` (bytes), widened to whole
/// words, as byte ranges.
fn window(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let from = text[..floor_boundary(text, from)]
        .rfind(' ')
        .map_or(0, |i| i + 1);
    let to = floor_boundary(text, to.max(from));
    let to = text[to..].find(' ').map_or(text.len(), |i| to + i);
    tokens(&text[from..to])
        .into_iter()
        .map(|(i, t)| (from + i, from + i + t.len()))
        .collect()
}

/// Scores for aligning the quote with a stretch of the new text.
const MATCH: i32 = 2; // per character of a word in both
const SUBSTITUTE: i32 = 1; // a word replaced by another, whatever their length
/// Words shorter than this count only when spelled the same.
const TYPO_MIN_CHARS: usize = 4;

/// Aligns all of the quote's tokens with some stretch of `window` (a run of
/// the new text's tokens), allowing words to be replaced, dropped and
/// inserted. Returns the similarity of the quote and that stretch, and the
/// stretch's byte range in `text`.
fn align(
    qt: &[(usize, &str)],
    text: &str,
    window: &[(usize, usize)],
) -> Option<(f64, Range<usize>)> {
    let (n, m) = (qt.len(), window.len());
    if n == 0 || m == 0 {
        return None;
    }
    let wt: Vec<&str> = window.iter().map(|&(s, e)| &text[s..e]).collect();
    let qc: Vec<i32> = qt.iter().map(|t| chars(t.1) as i32).collect();
    let wc: Vec<i32> = wt.iter().map(|t| chars(t) as i32).collect();
    // score[i][j]: best alignment of the first i quote tokens ending just
    // before window token j; the start in the window is free.
    let width = m + 1;
    let mut score = vec![0i32; (n + 1) * width];
    let mut step = vec![0u8; (n + 1) * width]; // 1 diagonal, 2 quote token dropped, 3 window token inserted
    for i in 1..=n {
        score[i * width] = score[(i - 1) * width] - qc[i - 1];
        step[i * width] = 2;
        for j in 1..=m {
            let shared = word_credit(qt[i - 1].1, wt[j - 1]);
            let diag = score[(i - 1) * width + j - 1]
                + if shared > 0 {
                    MATCH * shared
                } else {
                    -SUBSTITUTE
                };
            let drop = score[(i - 1) * width + j] - qc[i - 1];
            let insert = score[i * width + j - 1] - (wc[j - 1] + 1) / 2;
            let (s, k) = if diag >= drop && diag >= insert {
                (diag, 1)
            } else if drop >= insert {
                (drop, 2)
            } else {
                (insert, 3)
            };
            score[i * width + j] = s;
            step[i * width + j] = k;
        }
    }
    let end = (1..=m).max_by_key(|&j| (score[n * width + j], std::cmp::Reverse(j)))?;
    // Trace back: which window tokens the quote covers, and which match.
    let (mut i, mut j) = (n, end);
    let mut start = end;
    // Characters each window token shares with the quote token it is paired with.
    let mut matched_in: Vec<i32> = vec![0; m];
    while i > 0 {
        match step[i * width + j] {
            1 => {
                matched_in[j - 1] = word_credit(qt[i - 1].1, wt[j - 1]);
                start = j - 1;
                i -= 1;
                j -= 1;
            }
            3 => {
                start = j - 1;
                j -= 1;
            }
            _ => i -= 1,
        }
    }
    if start >= end || !matched_in[start..end].iter().any(|&x| x > 0) {
        return None;
    }
    // Unmatched words at either end do not reach across a sentence end.
    let (mut from, mut to) = (start, end);
    let first_match = (from..to).find(|&k| matched_in[k] > 0)?;
    let last_match = (from..to).rev().find(|&k| matched_in[k] > 0)?;
    if let Some(k) = (from..first_match).rev().find(|&k| ends_sentence(wt[k])) {
        from = k + 1;
    }
    if let Some(k) = (last_match + 1..to).find(|&k| ends_sentence(wt[k])) {
        to = k + 1;
    }
    let matched: i32 = matched_in[from..to].iter().sum();
    let total: i32 = qc.iter().sum::<i32>() + wc[from..to].iter().sum::<i32>();
    let sim = 2.0 * f64::from(matched) / f64::from(total.max(1));
    Some((sim.min(1.0), window[from].0..window[to - 1].1))
}

/// Whether the space at `i` separates two sentences.
fn sentence_break(text: &str, i: usize) -> bool {
    text[..i].ends_with(['.', '!', '?'])
        && text[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
}

/// Characters two words share: all of a word for the same word; for words
/// of at least [`TYPO_MIN_CHARS`] letters that differ by a typo (at most one
/// edit in five characters: a letter changed, added, dropped or two
/// swapped), their length less the edits; else none.
fn word_credit(a: &str, b: &str) -> i32 {
    if a == b {
        return chars(a) as i32;
    }
    let (la, lb) = (chars(a), chars(b));
    if la.min(lb) < TYPO_MIN_CHARS || la.abs_diff(lb) > 2 {
        return 0;
    }
    let edits = strsim::damerau_levenshtein(a, b);
    if edits > (la.min(lb) / 5).max(1) {
        return 0;
    }
    (la.max(lb) - edits) as i32
}

fn ends_sentence(tok: &str) -> bool {
    matches!(tok, "." | "!" | "?")
}

#[cfg(test)]
mod tests;
