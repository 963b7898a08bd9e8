//! The Diff view's state: which two versions are compared, the comparison
//! the worker computed (with comment markers already placed on blocks), and
//! where the view is. The comparison is made by [`compute`] on a worker
//! thread (see [`crate::tui::job`]); `update` only asks for it and takes it in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::anchor::Anchorer;
use crate::diff::{self, AnchorReport, ChapterStatus, DiffOptions, WorkspaceDiff, diff_blocks};
use crate::error::Result;
use crate::model::Workspace;
use crate::store::{Rev, Store};
use crate::suggest::Outcome;
use crate::text::{collapse_ws, searchable_text};
use crate::tr;
use crate::tui::changes::doc::DiffDoc;

/// A version a person can pick to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The draft tagged for a meeting (`meeting/N`).
    Meeting(u32),
    /// The newest commit.
    Head,
    /// The files on disk, saved in git or not.
    Worktree,
    /// Any commit (its full id).
    Commit(String),
}

impl Endpoint {
    /// The revision to load.
    pub fn rev(&self) -> Rev {
        match self {
            Endpoint::Meeting(n) => Rev::Named(format!("meeting/{n}")),
            Endpoint::Head => Rev::head(),
            Endpoint::Worktree => Rev::Worktree,
            Endpoint::Commit(id) => Rev::Named(id.clone()),
        }
    }

    /// Short name for headers: `møde 3`, `nyeste (HEAD)`, `a1b2c3d`.
    pub fn label(&self) -> String {
        match self {
            Endpoint::Meeting(n) => tr!("møde {n}", "meeting {n}"),
            Endpoint::Head => tr!("nyeste (HEAD)", "latest (HEAD)"),
            Endpoint::Worktree => tr!("arbejdsmappen", "working folder"),
            // `id^` is the version before a change (Historik's Enter).
            Endpoint::Commit(id) => match id.strip_suffix('^') {
                Some(base) => tr!("før {}", "before {}", &base[..base.len().min(7)]),
                None => id[..id.len().min(7)].to_string(),
            },
        }
    }

    /// Whether the version it names moves when someone saves.
    pub fn moves(&self) -> bool {
        matches!(self, Endpoint::Head | Endpoint::Worktree)
    }
}

/// Where a comment marker goes in a chapter's diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Index into [`DiffData::report`]'s reports.
    pub report: usize,
    /// Index into the chapter diff's blocks (None: not placed on any block).
    pub block: Option<usize>,
    /// Before which word of the block the marker sits, counting the words
    /// of the block's TO text (or FROM text when `old_side`).
    pub word: Option<usize>,
    /// The marker sits on FROM's words (the quote is gone from TO).
    pub old_side: bool,
}

/// What the worker hands back: the comparison, ready to show.
pub struct DiffData {
    pub from: Endpoint,
    pub to: Endpoint,
    /// Unchanged chapters carry their blocks (all unchanged) so their text
    /// and comment markers can be shown too.
    pub diff: WorkspaceDiff,
    /// Comment markers per chapter (same index as `diff.chapters`).
    pub markers: Vec<Vec<Marker>>,
    /// Open suggestions in TO that the comparison does not list (written
    /// before FROM), placed in TO like the comments it lists.
    pub open_suggestions: Vec<AnchorReport>,
    /// Every suggestion among the placed comments, by comment id.
    pub proposals: HashMap<String, Proposal>,
    /// HEAD when the comparison was made (to notice when it moves).
    pub head: Option<String>,
}

impl DiffData {
    /// A marker's report: the comparison's placed comments, then the open
    /// suggestions it does not list.
    pub fn report(&self, index: usize) -> Option<&AnchorReport> {
        let listed = &self.diff.comments.anchors;
        match index.checked_sub(listed.len()) {
            None => listed.get(index),
            Some(k) => self.open_suggestions.get(k),
        }
    }
}

/// An ændringsforslag as the view shows it: the change to the quoted
/// words, who proposed it, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The proposed words (empty: delete the quoted words).
    pub text: String,
    /// The proposer's name.
    pub name: String,
    pub outcome: Outcome,
}

/// Where the worker puts its result; shared with the job's [`crate::tui::job::After`].
#[derive(Clone)]
pub struct DiffSlot {
    /// Which request this answers (older answers are dropped).
    pub id: u64,
    pub cell: Arc<Mutex<Option<DiffData>>>,
}

impl DiffSlot {
    pub fn new(id: u64) -> DiffSlot {
        DiffSlot {
            id,
            cell: Arc::new(Mutex::new(None)),
        }
    }

    /// The result, moved out (only the first call gets it).
    pub fn take(&self) -> Option<DiffData> {
        self.cell.lock().ok()?.take()
    }
}

impl PartialEq for DiffSlot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

impl Eq for DiffSlot {}

impl std::fmt::Debug for DiffSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DiffSlot({})", self.id)
    }
}

/// Which side the picker is choosing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickSide {
    From,
    To,
}

/// One line of the picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickChoice {
    pub endpoint: Endpoint,
    pub label: String,
    /// Date, title or commit message (other people's text: escaped when drawn).
    pub detail: String,
}

/// The popup choosing FROM and TO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub side: PickSide,
    pub from: Endpoint,
    pub to: Endpoint,
    pub choices: Vec<PickChoice>,
    pub cursor: usize,
}

/// The Diff view's state.
#[derive(Default)]
pub struct DiffState {
    /// What is compared (None until the view is first opened).
    pub from: Option<Endpoint>,
    pub to: Option<Endpoint>,
    /// The last comparison that arrived.
    pub data: Option<Box<DiffData>>,
    /// The request being computed, if any: its id and versions.
    pub pending: Option<(u64, Endpoint, Endpoint)>,
    pub next_id: u64,
    /// Why there is nothing to show.
    pub error: Option<String>,
    /// Selected row of the list: 0 recommendations, 1 comments, 2.. chapters.
    pub entry: usize,
    /// Focus on the text (true) or the list (false).
    pub text_focus: bool,
    pub side_by_side: bool,
    /// The selected entry laid out for the current width.
    pub doc: DiffDoc,
    /// Row of the doc the cursor is on, and the first row shown.
    pub cursor: usize,
    pub scroll: usize,
    /// The chapter (slug) to select when the comparison arrives.
    pub want_chapter: Option<String>,
}

/// Rows of the list before the chapters.
pub const FIRST_CHAPTER: usize = 2;

impl DiffState {
    /// The chapter index of the selected entry, if it is a chapter.
    pub fn chapter(&self) -> Option<usize> {
        self.entry.checked_sub(FIRST_CHAPTER)
    }

    /// Rows in the list.
    pub fn entries(&self) -> usize {
        FIRST_CHAPTER + self.data.as_ref().map_or(0, |d| d.diff.chapters.len())
    }
}

/// Loads both versions and compares them (on the worker thread).
pub fn compute(store: &Store, from: &Endpoint, to: &Endpoint) -> Result<DiffData> {
    let (rf, rt) = (from.rev(), to.rev());
    let from_side = diff::Side::of(store, &rf)?;
    let to_side = diff::Side::of(store, &rt)?;
    let a = store.load(&rf)?;
    let b = store.load(&rt)?;
    let mut d = diff::compare(store, &a, &b, &DiffOptions::default())?;
    d.from = from_side;
    d.to = to_side;
    for c in &mut d.chapters {
        if c.status == ChapterStatus::Unchanged
            && c.blocks.is_empty()
            && let Some(ch) =
                c.to.as_ref()
                    .and_then(|s| b.chapters.iter().find(|x| x.slug == s.slug))
        {
            c.blocks = diff_blocks(&ch.markdown, &ch.markdown);
        }
    }
    let open_suggestions = open_suggestions(store, &d, &b);
    list_unchanged_chapters_of(&mut d, &a, &b);
    let reports: Vec<&AnchorReport> = d.comments.anchors.iter().chain(&open_suggestions).collect();
    let markers = place_markers(&d, &reports, &b);
    let shown: std::collections::HashSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    let proposals = b
        .comments
        .iter()
        .filter(|c| c.suggestion.is_some() && shown.contains(c.id.as_str()))
        .filter_map(|c| {
            let proposal = Proposal {
                text: c.suggestion.as_ref()?.text.clone(),
                name: c.author.name.clone(),
                outcome: Outcome::of(c)?,
            };
            Some((c.id.clone(), proposal))
        })
        .collect();
    Ok(DiffData {
        from: from.clone(),
        to: to.clone(),
        diff: d,
        markers,
        open_suggestions,
        proposals,
        head: store.head()?.map(|h| h.to_string()),
    })
}

/// A suggestion awaiting the writers, with words to show it on.
fn is_open_suggestion(c: &crate::model::Comment) -> bool {
    c.reply_to.is_none()
        && c.target.anchor.is_some()
        && matches!(
            Outcome::of(c),
            Some(Outcome::Open | Outcome::NeedsReview { .. })
        )
}

/// The comparison lists only chapters that changed; a chapter that did not
/// but holds an open suggestion is listed too (as unchanged, `·`), so the
/// suggestion can be shown where its words stand. In TO's order.
fn list_unchanged_chapters_of(d: &mut WorkspaceDiff, from: &Workspace, to: &Workspace) {
    let open: std::collections::HashSet<&str> = to
        .comments
        .iter()
        .filter(|c| is_open_suggestion(c))
        .filter_map(|c| c.target.chapter.as_deref())
        .collect();
    let side = |c: &crate::model::Chapter| diff::ChapterSide {
        number: c.number,
        slug: c.slug.clone(),
        file: c.file.clone(),
        title: c.title.clone(),
        blob: c.blob.clone(),
    };
    for chapter in &to.chapters {
        let listed = d
            .chapters
            .iter()
            .any(|c| c.to.as_ref().is_some_and(|t| t.slug == chapter.slug));
        if listed || !open.contains(chapter.slug.as_str()) {
            continue;
        }
        let Some(before) = from.chapters.iter().find(|c| c.slug == chapter.slug) else {
            continue;
        };
        let blocks = diff_blocks(&chapter.markdown, &chapter.markdown);
        let at = d
            .chapters
            .iter()
            .position(|c| c.to.as_ref().is_none_or(|t| t.number > chapter.number))
            .unwrap_or(d.chapters.len());
        d.chapters.insert(
            at,
            diff::ChapterDiff {
                status: ChapterStatus::Unchanged,
                from: Some(side(before)),
                to: Some(side(chapter)),
                renamed: false,
                renumbered: false,
                summary: diff::ChapterSummary::of(&blocks),
                blocks,
            },
        );
    }
}

/// The suggestions still awaiting the writers in TO that the comparison
/// does not list (written before FROM and not answered since): they are
/// shown where the anchoring puts their words in TO all the same.
fn open_suggestions(store: &Store, d: &WorkspaceDiff, to: &Workspace) -> Vec<AnchorReport> {
    let mut anchorer = Anchorer::new(store, to);
    let in_to: std::collections::HashSet<&str> =
        to.chapters.iter().map(|c| c.slug.as_str()).collect();
    to.comments
        .iter()
        .filter(|c| is_open_suggestion(c))
        .filter(|c| !d.comments.anchors.iter().any(|r| r.id == c.id))
        .filter_map(|c| {
            let (anchor, chapter) = (c.target.anchor.as_ref()?, c.target.chapter.as_ref()?);
            Some(AnchorReport {
                id: c.id.clone(),
                chapter: chapter.clone(),
                quote: anchor.quote.clone(),
                author: c.author.clone(),
                status: c.status,
                new: false,
                chapter_gone: !in_to.contains(chapter.as_str()),
                placement: anchorer.place(c),
            })
        })
        .collect()
}

/// Number of words (as the diff counts them) in a text.
fn words(text: &str) -> usize {
    diff::words::count_words(text)
}

/// Puts every anchor report on the block of its chapter where it sits:
/// by its placement's span in TO's text, by its section heading, or (when
/// the words are gone) on the FROM words it quoted. Each chapter's texts
/// are prepared once, however many comments it has. A marker's `report`
/// is its index in `reports`.
pub fn place_markers(
    d: &WorkspaceDiff,
    reports: &[&AnchorReport],
    to: &Workspace,
) -> Vec<Vec<Marker>> {
    let mut out: Vec<Vec<Marker>> = vec![Vec::new(); d.chapters.len()];
    let mut by_slug: HashMap<&str, usize> = HashMap::new();
    for (i, c) in d.chapters.iter().enumerate() {
        if let Some(s) = &c.from {
            by_slug.entry(s.slug.as_str()).or_insert(i);
        }
    }
    // TO's slugs win over FROM's (a renamed chapter's old slug may be reused).
    for (i, c) in d.chapters.iter().enumerate() {
        if let Some(s) = &c.to {
            by_slug.insert(s.slug.as_str(), i);
        }
    }
    let mut texts: HashMap<usize, ChapterTexts> = HashMap::new();
    for (r, &report) in reports.iter().enumerate() {
        let Some(&ci) = by_slug.get(report.chapter.as_str()) else {
            continue;
        };
        let chapter = &d.chapters[ci];
        let t = texts.entry(ci).or_insert_with(|| {
            let markdown = chapter
                .to
                .as_ref()
                .and_then(|s| to.chapters.iter().find(|c| c.slug == s.slug))
                .map_or("", |c| c.markdown.as_str());
            ChapterTexts::of(markdown, chapter)
        });
        out[ci].push(t.place(r, report));
    }
    out
}

/// A chapter's texts as quotes are matched against: TO's whole searchable
/// text with each TO block's range in it (the diff engine's blocks,
/// [`crate::diff::plain_blocks`]), and each block's searchable text in FROM
/// and TO.
struct ChapterTexts {
    to_text: String,
    /// (block index, start, end) in `to_text`, in TO's order.
    ranges: Vec<(usize, usize, usize)>,
    /// Per block: its searchable text in FROM (empty when inserted).
    old: Vec<String>,
    /// Per block: its searchable text in TO (empty when deleted).
    new: Vec<String>,
}

impl ChapterTexts {
    fn of(markdown: &str, chapter: &diff::ChapterDiff) -> ChapterTexts {
        let blocks = &chapter.blocks;
        let old: Vec<String> = blocks
            .iter()
            .map(|b| {
                if b.old.is_some() {
                    searchable_text(&b.old_text())
                } else {
                    String::new()
                }
            })
            .collect();
        // TO's text with each TO block's words in it, as the diff engine
        // cuts them (the diff's own cut, so positions agree).
        let plain = crate::diff::plain_blocks(markdown);
        let of_position: HashMap<usize, usize> = blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.new.map(|n| (n, i)))
            .collect();
        let mut new = vec![String::new(); blocks.len()];
        let mut ranges = Vec::with_capacity(plain.blocks.len());
        for p in &plain.blocks {
            if let Some(&i) = of_position.get(&p.index) {
                new[i] = plain.text[p.text.clone()].to_string();
                ranges.push((i, p.text.start, p.text.end));
            }
        }
        ChapterTexts {
            to_text: plain.text,
            ranges,
            old,
            new,
        }
    }

    fn place(&self, report: usize, r: &crate::diff::AnchorReport) -> Marker {
        let mut marker = Marker {
            report,
            block: None,
            word: None,
            old_side: false,
        };
        let placement = r.placement.as_ref();
        if let Some(span) = placement.and_then(|p| p.span.clone())
            && let Some(&(b, start, _)) = self
                .ranges
                .iter()
                .find(|&&(_, s, e)| span.start >= s && span.start < e)
        {
            marker.block = Some(b);
            marker.word = self.to_text.get(start..span.start).map(words);
            return marker;
        }
        if let Some(crate::anchor::Fate::Section { heading }) = placement.map(|p| &p.fate) {
            let heading = collapse_ws(heading);
            if let Some(b) = self.new.iter().position(|t| !t.is_empty() && *t == heading) {
                marker.block = Some(b);
                return marker;
            }
        }
        // Gone from TO (or not placed): on the FROM words it quoted – but
        // only where they stood once; with several copies nothing says which
        // one was meant, and a marker on the wrong words is worse than none.
        let quote = collapse_ws(&r.quote);
        if quote.is_empty() {
            return marker;
        }
        let copies = self
            .old
            .iter()
            .map(|old| old.matches(quote.as_str()).count())
            .sum::<usize>();
        if copies != 1 {
            return marker;
        }
        for (b, old) in self.old.iter().enumerate() {
            if let Some(at) = old.find(&quote) {
                marker.block = Some(b);
                marker.word = Some(words(&old[..at]));
                marker.old_side = self.new[b] != *old;
                break;
            }
        }
        marker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_name_revisions() {
        assert_eq!(Endpoint::Meeting(3).rev(), Rev::Named("meeting/3".into()));
        assert_eq!(Endpoint::Head.rev(), Rev::head());
        assert_eq!(Endpoint::Worktree.rev(), Rev::Worktree);
        assert_eq!(
            Endpoint::Commit("0123456789abcdef".into()).label(),
            "0123456"
        );
        assert!(Endpoint::Head.moves() && !Endpoint::Meeting(1).moves());
    }

    #[test]
    fn blocks_are_found_in_order_in_the_searchable_text() {
        let old = "# T\n\nSamme ord her.\n\nAndet afsnit.\n";
        let new = "# T\n\nSamme ord her.\n\nNyt afsnit med samme ord her.\n\nAndet afsnit.\n";
        let blocks = diff_blocks(old, new);
        let chapter = diff::ChapterDiff {
            status: ChapterStatus::Changed,
            from: None,
            to: None,
            renamed: false,
            renumbered: false,
            summary: diff::ChapterSummary::of(&blocks),
            blocks,
        };
        let texts = ChapterTexts::of(new, &chapter);
        let (text, ranges) = (&texts.to_text, &texts.ranges);
        assert_eq!(text, &searchable_text(new));
        assert_eq!(ranges.len(), 4);
        for (i, s, e) in ranges {
            assert_eq!(&text[*s..*e], texts.new[*i]);
            assert_eq!(
                &text[*s..*e],
                searchable_text(&chapter.blocks[*i].new_text())
            );
        }
        // The repeated words resolve to the later block, not the first.
        assert!(ranges[2].1 > ranges[1].2);
    }
}
