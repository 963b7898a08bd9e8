//! A comparison laid out for the Diff view: one entry of the list (a
//! chapter, the recommendations or the comments) wrapped into rows for a
//! width, inline or side by side. Built once per entry, width and mode, so
//! drawing a frame only copies ready rows.
//!
//! Text is cut at Unicode word boundaries and measured in display columns;
//! a word wider than the line is broken between grapheme clusters, never
//! inside one. Everything shown is passed through
//! [`crate::text::for_terminal`] before it is measured. Without colour,
//! deleted words are written `[-…-]` and inserted ones `{+…+}`.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::anchor::Fate;
use crate::diff::words::is_word;
use crate::diff::{
    AnchorReport, BlockChange, BlockKind, ChapterStatus, Op, RecChange, RecDiff, RecFact, Segment,
};
use crate::model::{Choice, CommentStatus};
use crate::suggest::Outcome;
use crate::tr;
use crate::tui::changes::state::{DiffData, FIRST_CHAPTER, Marker, Proposal};

/// How a piece of text is shown (the view turns it into a style).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Plain,
    Strong,
    Dim,
    /// Words only in TO.
    Insert,
    /// Words only in FROM.
    Delete,
    /// `[-`, `-]`, `{+`, `+}` around changes when there is no colour.
    Sign,
    /// A comment marker `●`.
    Comment,
    /// A remark of the view's own (`↕ flyttet hertil`).
    Label,
}

/// A run of text with one look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub look: Look,
}

/// One screen row of the text pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The text (inline), or FROM's column (side by side).
    pub left: Vec<Piece>,
    /// TO's column (side by side); None for rows across the whole width.
    pub right: Option<Vec<Piece>>,
    /// The block's change: `+` inserted, `-` deleted, `~` edited, `↕` moved.
    pub sign: char,
    /// Which block (or recommendation, or comment) the row belongs to.
    pub group: usize,
    /// Comments (ids) shown on this row.
    pub comments: Vec<String>,
}

impl Row {
    fn full(left: Vec<Piece>, group: usize) -> Row {
        Row {
            left,
            right: None,
            sign: ' ',
            group,
            comments: Vec::new(),
        }
    }
}

/// What a doc was built for; it is rebuilt when any of it changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocKey {
    pub entry: usize,
    /// Columns for text (inline), or for both columns with the separator.
    pub width: u16,
    pub side_by_side: bool,
    /// `[-…-]` / `{+…+}` signs (no colour).
    pub signs: bool,
}

/// Rows ready to draw, with the rows `n`/`N` and `m`/`M` jump to.
#[derive(Clone, Debug, Default)]
pub struct DiffDoc {
    pub key: Option<DocKey>,
    pub rows: Vec<Row>,
    /// First row of each change, in order.
    pub stops: Vec<usize>,
    /// First row of each comment note, in order.
    pub marks: Vec<usize>,
}

/// Separator between the two columns side by side.
pub const COLUMN_GAP: &str = " │ ";

/// The width of each column side by side, for a text width.
pub fn column_width(width: u16) -> usize {
    usize::from(width).saturating_sub(COLUMN_GAP.width()) / 2
}

// ---------------------------------------------------------------- wrapping

/// Something tagged on a word: the start of a change, or a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tag {
    Stop(usize),
    Comment(String),
}

/// Input to [`wrap`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    /// Text that is not broken at (a word, a mark), already escaped.
    Atom {
        text: String,
        look: Look,
        tag: Option<Tag>,
    },
    /// A place to break; shown as one space when not at a line's edge.
    Space(Look),
    /// A hard line break (code blocks).
    Break,
}

/// A wrapped line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Line {
    pieces: Vec<Piece>,
    stops: Vec<usize>,
    comments: Vec<String>,
}

struct Wrapper {
    width: usize,
    lines: Vec<Line>,
    cur: Line,
    used: usize,
    space: Option<Look>,
    word: Vec<(String, Look, Option<Tag>)>,
}

impl Wrapper {
    fn put(&mut self, text: &str, look: Look) {
        match self.cur.pieces.last_mut() {
            Some(p) if p.look == look => p.text.push_str(text),
            _ => self.cur.pieces.push(Piece {
                text: text.to_string(),
                look,
            }),
        }
    }

    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
        self.used = 0;
    }

    fn end_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let wide: usize = self.word.iter().map(|(t, _, _)| t.width()).sum();
        let space = self.space.take();
        if self.used > 0 {
            if self.used + 1 + wide > self.width {
                self.newline();
            } else {
                self.put(" ", space.unwrap_or(Look::Plain));
                self.used += 1;
            }
        }
        for (text, look, tag) in std::mem::take(&mut self.word) {
            match tag {
                Some(Tag::Stop(k)) => self.cur.stops.push(k),
                Some(Tag::Comment(id)) => self.cur.comments.push(id),
                None => {}
            }
            let w = text.width();
            if self.used + w <= self.width {
                self.put(&text, look);
                self.used += w;
                continue;
            }
            // Wider than what is left: break between grapheme clusters.
            for g in text.graphemes(true) {
                let gw = g.width();
                if self.used > 0 && self.used + gw > self.width {
                    self.newline();
                }
                self.put(g, look);
                self.used += gw;
            }
        }
    }
}

/// Wraps items to `width` columns.
fn wrap(items: Vec<Item>, width: usize) -> Vec<Line> {
    let mut w = Wrapper {
        width: width.max(4),
        lines: Vec::new(),
        cur: Line::default(),
        used: 0,
        space: None,
        word: Vec::new(),
    };
    for item in items {
        match item {
            Item::Atom { text, look, tag } => w.word.push((text, look, tag)),
            Item::Space(look) => {
                w.end_word();
                w.space.get_or_insert(look);
            }
            Item::Break => {
                w.end_word();
                w.space = None;
                w.newline();
            }
        }
    }
    w.end_word();
    if !w.cur.pieces.is_empty() || w.lines.is_empty() {
        let last = std::mem::take(&mut w.cur);
        w.lines.push(last);
    }
    w.lines
}

fn escaped(token: &str) -> String {
    crate::text::for_terminal(token, false).into_owned()
}

fn is_space(token: &str) -> bool {
    token.chars().all(char::is_whitespace)
}

/// Items for white space: breaks for newlines in code, else one space.
fn push_space(items: &mut Vec<Item>, token: &str, look: Look, hard: bool) {
    if hard && token.contains('\n') {
        for _ in 0..token.matches('\n').count() {
            items.push(Item::Break);
        }
    } else {
        items.push(Item::Space(look));
    }
}

/// Plain text as items (for notes and headers).
fn text_items(items: &mut Vec<Item>, text: &str, look: Look) {
    for token in text.split_word_bounds() {
        if is_space(token) {
            items.push(Item::Space(look));
        } else {
            items.push(Item::Atom {
                text: escaped(token),
                look,
                tag: None,
            });
        }
    }
}

fn lines_of(text: &str, look: Look, width: usize) -> Vec<Vec<Piece>> {
    let mut items = Vec::new();
    text_items(&mut items, text, look);
    wrap(items, width).into_iter().map(|l| l.pieces).collect()
}

// ------------------------------------------------------------ word changes

/// Which words of a change a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Show {
    Both,
    Old,
    New,
}

impl Show {
    fn shows(self, op: Op) -> bool {
        match self {
            Show::Both => true,
            Show::Old => op != Op::Insert,
            Show::New => op != Op::Delete,
        }
    }
}

/// A comment glyph to put before a word: (word index, on FROM's words, id,
/// symbol: `●` for a comment, `✎` for an ændringsforslag).
type Glyph = (usize, bool, String, &'static str);

/// Items for word segments: changes with their looks (and signs), a stop
/// tag on the first word of each change, and comment glyphs.
fn segment_items(
    segments: &[Segment],
    show: Show,
    signs: bool,
    base: Look,
    hard: bool,
    next_stop: &mut usize,
    glyphs: &[Glyph],
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut placed = vec![false; glyphs.len()];
    let (mut old_words, mut new_words) = (0usize, 0usize);
    let mut in_change = false;
    // The op of the last change shown, while nothing else followed it.
    let mut last_change: Option<Op> = None;
    for seg in segments {
        let visible = show.shows(seg.op);
        let blank = is_space(&seg.text);
        let change = seg.op != Op::Equal && !blank;
        let look = match seg.op {
            _ if !change => base,
            Op::Insert => Look::Insert,
            Op::Delete => Look::Delete,
            Op::Equal => base,
        };
        let mut stop = None;
        if change && !in_change {
            stop = Some(*next_stop);
            *next_stop += 1;
        }
        if !blank {
            in_change = change;
        }
        if !visible {
            let n = seg.text.split_word_bounds().filter(|t| is_word(t)).count();
            match seg.op {
                Op::Insert => new_words += n,
                Op::Delete => old_words += n,
                Op::Equal => {}
            }
            continue;
        }
        // Signs hug the words: white space at either end stays outside.
        let core = seg.text.trim();
        let (lead, trail) = if change {
            let start = seg.text.find(core).unwrap_or(0);
            (&seg.text[..start], &seg.text[start + core.len()..])
        } else {
            ("", "")
        };
        let body = if change { core } else { seg.text.as_str() };
        if !lead.is_empty() {
            push_space(&mut items, lead, base, hard);
        }
        // Without signs, deleted and inserted words that touch get a space
        // between them, so "mulighed" and "et" do not read as "mulighedet".
        if change && !signs && lead.is_empty() && last_change.is_some_and(|op| op != seg.op) {
            items.push(Item::Space(Look::Plain));
        }
        last_change = if change && trail.is_empty() {
            Some(seg.op)
        } else {
            None
        };
        if change && signs {
            let open = if seg.op == Op::Insert { "{+" } else { "[-" };
            items.push(Item::Atom {
                text: open.into(),
                look: Look::Sign,
                tag: stop.take().map(Tag::Stop),
            });
        }
        for token in body.split_word_bounds() {
            if is_space(token) {
                push_space(&mut items, token, look, hard);
                continue;
            }
            if is_word(token) {
                for (g, (word, on_old, id, symbol)) in glyphs.iter().enumerate() {
                    let here = if *on_old {
                        seg.op != Op::Insert && old_words == *word
                    } else {
                        seg.op != Op::Delete && new_words == *word
                    };
                    if here && !placed[g] {
                        placed[g] = true;
                        items.push(Item::Atom {
                            text: (*symbol).into(),
                            look: Look::Comment,
                            tag: Some(Tag::Comment(id.clone())),
                        });
                    }
                }
                if seg.op != Op::Insert {
                    old_words += 1;
                }
                if seg.op != Op::Delete {
                    new_words += 1;
                }
            }
            items.push(Item::Atom {
                text: escaped(token),
                look,
                tag: stop.take().map(Tag::Stop),
            });
        }
        if change && signs {
            let close = if seg.op == Op::Insert { "+}" } else { "-]" };
            items.push(Item::Atom {
                text: close.into(),
                look: Look::Sign,
                tag: None,
            });
        }
        if !trail.is_empty() {
            push_space(&mut items, trail, base, hard);
        }
    }
    // The blank lines after a block are not shown.
    while matches!(items.last(), Some(Item::Space(_) | Item::Break)) {
        items.pop();
    }
    items
}

// ------------------------------------------------------------------ chapters

/// How a doc is being built.
struct Builder {
    rows: Vec<Row>,
    stops: Vec<(usize, usize)>,
    marks: Vec<usize>,
    next_stop: usize,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            rows: Vec::new(),
            stops: Vec::new(),
            marks: Vec::new(),
            next_stop: 0,
        }
    }

    fn blank(&mut self, group: usize) {
        self.rows.push(Row::full(Vec::new(), group));
    }

    fn text(&mut self, text: &str, look: Look, width: usize, group: usize) {
        for l in lines_of(text, look, width) {
            self.rows.push(Row::full(l, group));
        }
    }

    /// A row that `n`/`N` stop at.
    fn stop_here(&mut self) {
        let k = self.next_stop;
        self.next_stop += 1;
        self.stops.push((k, self.rows.len()));
    }

    /// Adds wrapped lines as rows, indented, with the block's sign.
    fn lines(&mut self, lines: Vec<Line>, indent: usize, sign: char, group: usize) {
        for l in lines {
            let at = self.rows.len();
            self.stops.extend(l.stops.iter().map(|&k| (k, at)));
            let mut left = Vec::new();
            if indent > 0 {
                left.push(Piece {
                    text: " ".repeat(indent),
                    look: Look::Plain,
                });
            }
            left.extend(l.pieces);
            self.rows.push(Row {
                left,
                right: None,
                sign,
                group,
                comments: l.comments,
            });
        }
    }

    /// Two columns side by side, row by row.
    fn columns(&mut self, left: Vec<Line>, right: Vec<Line>, sign: char, group: usize) {
        let n = left.len().max(right.len());
        let mut left = left.into_iter();
        let mut right = right.into_iter();
        for _ in 0..n {
            let l = left.next().unwrap_or_default();
            let r = right.next().unwrap_or_default();
            let at = self.rows.len();
            self.stops
                .extend(l.stops.iter().chain(&r.stops).map(|&k| (k, at)));
            let mut comments = l.comments;
            comments.extend(r.comments);
            self.rows.push(Row {
                left: l.pieces,
                right: Some(r.pieces),
                sign,
                group,
                comments,
            });
        }
    }

    /// A comment's note: marker, organisation, fate and quote. For an
    /// ændringsforslag, the proposed change instead of the quote (deleted
    /// words struck, new ones underlined; `[-…-]`/`{+…+}` with `signs`),
    /// who proposed it and what became of it.
    fn note(
        &mut self,
        report: &AnchorReport,
        proposal: Option<&Proposal>,
        signs: bool,
        width: usize,
        group: usize,
    ) {
        self.marks.push(self.rows.len());
        let mut items = vec![Item::Atom {
            text: if proposal.is_some() { "✎" } else { "●" }.into(),
            look: Look::Comment,
            tag: None,
        }];
        items.push(Item::Space(Look::Plain));
        let mut head = format!("{} · {}", report.author.organisation, fate_text(report));
        match proposal {
            Some(p) => head.push_str(&tr!(
                " · forslag til ny formulering fra {}",
                " · new wording proposed by {}",
                p.name
            )),
            None if report.status == CommentStatus::Resolved => {
                head.push_str(&format!(" · {}", report.status.label()));
            }
            None => {}
        }
        head.push(':');
        text_items(&mut items, &head, Look::Label);
        let Some(p) = proposal else {
            items.push(Item::Space(Look::Plain));
            text_items(
                &mut items,
                &format!("«{}»", crate::text::truncate(&report.quote, 160)),
                Look::Dim,
            );
            let rows = wrap(items, width.saturating_sub(2));
            self.note_rows(rows, &report.id, group);
            return;
        };
        let mut rows = wrap(items, width.saturating_sub(2));
        let change = crate::suggest::proposed_change(&report.quote, &p.text);
        let mut unused = 0;
        let items = segment_items(
            &change,
            Show::Both,
            signs,
            Look::Plain,
            false,
            &mut unused,
            &[],
        );
        rows.extend(
            wrap(items, width.saturating_sub(4))
                .into_iter()
                .map(indented),
        );
        let mut outcome = Vec::new();
        let text = format!("{} {}", tr!("Udfald:", "Outcome:"), p.outcome.describe());
        text_items(&mut outcome, &text, Look::Dim);
        rows.extend(
            wrap(outcome, width.saturating_sub(4))
                .into_iter()
                .map(indented),
        );
        self.note_rows(rows, &report.id, group);
    }

    /// A note's wrapped lines as rows, indented under the text.
    fn note_rows(&mut self, rows: Vec<Line>, id: &str, group: usize) {
        for l in rows {
            let mut left = vec![Piece {
                text: "  ".into(),
                look: Look::Plain,
            }];
            left.extend(l.pieces);
            self.rows.push(Row {
                left,
                right: None,
                sign: ' ',
                group,
                comments: vec![id.to_string()],
            });
        }
    }

    fn finish(mut self, key: DocKey) -> DiffDoc {
        // One stop per change, at the first row it shows on.
        self.stops.sort_unstable();
        self.stops.dedup_by_key(|s| s.0);
        let mut stops: Vec<usize> = self.stops.into_iter().map(|s| s.1).collect();
        stops.sort_unstable();
        stops.dedup();
        DiffDoc {
            key: Some(key),
            rows: self.rows,
            stops,
            marks: self.marks,
        }
    }
}

/// A wrapped line moved two columns in (a note's body under its head).
fn indented(mut line: Line) -> Line {
    line.pieces.insert(
        0,
        Piece {
            text: "  ".into(),
            look: Look::Plain,
        },
    );
    line
}

/// How a comment fares in TO, for people.
pub fn fate_text(report: &AnchorReport) -> String {
    match &report.placement {
        Some(p) => match &p.fate {
            Fate::Fuzzy { score } => format!("{} ({:.0} %)", p.fate.label(), score * 100.0),
            Fate::Section { heading } => format!("{} «{heading}»", p.fate.label()),
            f => f.label(),
        },
        None => tr!("kapitlet er fjernet", "the chapter was removed"),
    }
}

fn sign_of(change: BlockChange) -> char {
    match change {
        BlockChange::Unchanged => ' ',
        BlockChange::Inserted => '+',
        BlockChange::Deleted => '-',
        BlockChange::Changed => '~',
        BlockChange::Moved => '↕',
    }
}

/// Lays out the selected entry of a comparison.
pub fn build(data: &DiffData, key: DocKey) -> DiffDoc {
    match key.entry {
        0 => recs_doc(data, key),
        1 => comments_doc(data, key),
        e => chapter_doc(data, e - FIRST_CHAPTER, key),
    }
}

fn chapter_doc(data: &DiffData, ci: usize, key: DocKey) -> DiffDoc {
    let mut b = Builder::new();
    let width = usize::from(key.width);
    let Some(chapter) = data.diff.chapters.get(ci) else {
        return b.finish(key);
    };
    let (from, to) = (data.from.label(), data.to.label());
    let s = &chapter.summary;
    let intro = match chapter.status {
        ChapterStatus::Added => tr!("Nyt kapitel i {to}.", "A new chapter in {to}."),
        ChapterStatus::Removed => tr!(
            "Kapitlet findes ikke i {to}; her er teksten fra {from}.",
            "The chapter is not in {to}; this is its text in {from}."
        ),
        ChapterStatus::Unreadable => tr!(
            "Kapitlets fil kan ikke læses i den ene version; se `oplaeg status`.",
            "The chapter's file cannot be read in one version; see `oplaeg status`."
        ),
        ChapterStatus::Unchanged => tr!(
            "Ingen ændringer i teksten mellem {from} og {to}.",
            "No changes to the text between {from} and {to}."
        ),
        ChapterStatus::Changed => tr!(
            "{} ord tilføjet, {} slettet · afsnit: {} nye, {} slettede, {} rettede, {} flyttede",
            "{} words added, {} removed · paragraphs: {} new, {} deleted, {} edited, {} moved",
            s.words_added,
            s.words_removed,
            s.blocks_added,
            s.blocks_removed,
            s.blocks_changed,
            s.blocks_moved
        ),
    };
    b.text(&intro, Look::Dim, width, 0);
    if let (Some(f), Some(t)) = (&chapter.from, &chapter.to)
        && (chapter.renamed || chapter.renumbered)
    {
        let note = tr!(
            "Filen hed {} i {from}; nu {}.",
            "The file was {} in {from}; now {}.",
            f.file,
            t.file
        );
        b.text(&note, Look::Label, width, 0);
    }
    let markers: &[Marker] = data.markers.get(ci).map_or(&[], Vec::as_slice);
    let report = |m: &Marker| data.report(m.report);
    let unplaced: Vec<&Marker> = markers.iter().filter(|m| m.block.is_none()).collect();
    if !unplaced.is_empty() {
        b.blank(0);
        b.text(
            &tr!(
                "Kommentarer, hvis ord ikke findes i nogen af versionerne:",
                "Comments whose words are in neither version:"
            ),
            Look::Label,
            width,
            0,
        );
        for m in unplaced {
            if let Some(r) = report(m) {
                b.note(r, data.proposals.get(&r.id), key.signs, width, 0);
            }
        }
    }
    b.blank(0);
    let half = column_width(key.width);
    for (i, block) in chapter.blocks.iter().enumerate() {
        if block.kind == BlockKind::Blank {
            continue;
        }
        let sign = sign_of(block.change);
        if block.change == BlockChange::Moved {
            let label = if block.edited {
                tr!("↕ flyttet hertil og rettet", "↕ moved here and edited")
            } else {
                tr!("↕ flyttet hertil", "↕ moved here")
            };
            b.stop_here();
            b.text(&label, Look::Label, width, i);
        }
        let here: Vec<&Marker> = markers.iter().filter(|m| m.block == Some(i)).collect();
        let glyphs: Vec<Glyph> = here
            .iter()
            .filter_map(|m| {
                let id = &report(m)?.id;
                let symbol = if data.proposals.contains_key(id) {
                    "✎"
                } else {
                    "●"
                };
                Some((m.word?, m.old_side, id.clone(), symbol))
            })
            .collect();
        let base = if block.kind == BlockKind::Heading {
            Look::Strong
        } else {
            Look::Plain
        };
        let hard = block.kind == BlockKind::Code;
        let stop_before = b.next_stop;
        if key.side_by_side {
            let mut k = stop_before;
            let left = segment_items(
                &block.segments,
                Show::Old,
                key.signs,
                base,
                hard,
                &mut k,
                &glyphs,
            );
            let mut k2 = stop_before;
            let right = segment_items(
                &block.segments,
                Show::New,
                key.signs,
                base,
                hard,
                &mut k2,
                &glyphs,
            );
            b.next_stop = k.max(k2);
            b.columns(wrap(left, half), wrap(right, half), sign, i);
        } else {
            let mut k = stop_before;
            let items = segment_items(
                &block.segments,
                Show::Both,
                key.signs,
                base,
                hard,
                &mut k,
                &glyphs,
            );
            b.next_stop = k;
            b.lines(wrap(items, width), 0, sign, i);
        }
        for m in here {
            if let Some(r) = report(m) {
                b.note(r, data.proposals.get(&r.id), key.signs, width, i);
            }
        }
        b.blank(i);
    }
    b.finish(key)
}

// ----------------------------------------------------------- recommendations

fn rank_text(r: &RecDiff) -> (String, Look) {
    match (r.from_rank, r.to_rank) {
        (None, Some(t)) => (tr!("ny #{t}", "new #{t}"), Look::Insert),
        (Some(f), None) => (tr!("#{f} → fjernet", "#{f} → removed"), Look::Delete),
        (Some(f), Some(t)) if f != t => (
            format!("#{f} → #{t}"),
            if r.moved { Look::Strong } else { Look::Plain },
        ),
        (_, t) => (format!("#{}", t.unwrap_or(0)), Look::Plain),
    }
}

fn recs_doc(data: &DiffData, key: DocKey) -> DiffDoc {
    let mut b = Builder::new();
    let width = usize::from(key.width);
    let (from, to) = (data.from.label(), data.to.label());
    let c = &data.diff.summary.recommendations;
    b.text(
        &tr!(
            "Anbefalinger fra {from} til {to}: {} flyttet, {} ny tidshorisont, {} ny status, {} ændret tekst, {} nye, {} fjernet.",
            "Recommendations from {from} to {to}: {} moved, {} new horizon, {} new status, {} changed text, {} added, {} removed.",
            c.moved,
            c.horizon_changed,
            c.status_changed,
            c.text_changed,
            c.added,
            c.removed
        ),
        Look::Dim,
        width,
        0,
    );
    b.blank(0);
    let changed: Vec<(usize, &RecDiff)> = data
        .diff
        .recommendations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.change != RecChange::Unchanged)
        .collect();
    if changed.is_empty() {
        b.text(
            &tr!(
                "Ingen ændringer i anbefalingerne.",
                "No changes to the recommendations."
            ),
            Look::Plain,
            width,
            0,
        );
    }
    for (i, r) in changed {
        let (rank, look) = rank_text(r);
        let mut items = Vec::new();
        text_items(&mut items, &rank, look);
        items.push(Item::Space(Look::Plain));
        text_items(&mut items, &r.title, Look::Strong);
        b.stop_here();
        b.lines(wrap(items, width), 0, ' ', i);
        let facts: Vec<String> = r.facts().iter().map(RecFact::describe).collect();
        for f in facts {
            for l in lines_of(&f, Look::Plain, width.saturating_sub(4)) {
                let mut left = vec![Piece {
                    text: "    ".into(),
                    look: Look::Plain,
                }];
                left.extend(l);
                b.rows.push(Row::full(left, i));
            }
        }
        for f in &r.fields {
            let label = format!("{}:", capitalised(&f.field.label()));
            for l in lines_of(&label, Look::Label, width.saturating_sub(4)) {
                let mut left = vec![Piece {
                    text: "    ".into(),
                    look: Look::Plain,
                }];
                left.extend(l);
                b.rows.push(Row::full(left, i));
            }
            let mut k = b.next_stop;
            let items = segment_items(
                &f.segments,
                Show::Both,
                key.signs,
                Look::Plain,
                false,
                &mut k,
                &[],
            );
            b.next_stop = k;
            b.lines(wrap(items, width.saturating_sub(6)), 6, '~', i);
        }
        b.blank(i);
    }
    b.finish(key)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ------------------------------------------------------------------ comments

fn comments_doc(data: &DiffData, key: DocKey) -> DiffDoc {
    let mut b = Builder::new();
    let width = usize::from(key.width);
    let (from, to) = (data.from.label(), data.to.label());
    let changes = &data.diff.comments;
    let counts = &data.diff.summary.comments;
    b.text(
        &tr!(
            "Kommentarer fra {from} til {to}: {} nye (heraf {} svar), {} besvaret, {} trukket tilbage.",
            "Comments from {from} to {to}: {} new (of which {} replies), {} resolved, {} withdrawn.",
            counts.written,
            counts.replies,
            counts.resolved,
            counts.withdrawn
        ),
        Look::Dim,
        width,
        0,
    );
    let f = &counts.anchors;
    b.text(
        &tr!(
            "Citaterne i {to}: {} uændret, {} flyttet, {} tilnærmet, {} kun afsnittet, {}, {} i fjernede kapitler.",
            "The quotes in {to}: {} unchanged, {} moved, {} approximate, {} section only, {} orphaned, {} in removed chapters.",
            f.exact,
            f.moved,
            f.fuzzy,
            f.section,
            match crate::i18n::lang() {
                crate::i18n::Lang::Da => crate::i18n::count(f.orphaned, "forældreløs", "forældreløse"),
                crate::i18n::Lang::En => f.orphaned.to_string(),
            },
            f.chapter_gone
        ),
        Look::Dim,
        width,
        0,
    );
    let mut group = 0;
    let section = |b: &mut Builder, title: String, group: usize| {
        b.blank(group);
        b.text(&title, Look::Strong, width, group);
    };
    section(
        &mut b,
        tr!(
            "Besvaret siden {from} ({}):",
            "Resolved since {from} ({}):",
            changes.resolved.len()
        ),
        group,
    );
    for c in &changes.resolved {
        group += 1;
        let (disposition, response) = c.resolution.as_ref().map_or_else(
            || (String::new(), String::new()),
            |r| {
                (
                    r.disposition.label().to_string(),
                    r.response.lines().next().unwrap_or("").to_string(),
                )
            },
        );
        let text = format!(
            "✓ {} – {disposition}: {}",
            c.author.organisation,
            crate::text::truncate(&response, 200)
        );
        item(&mut b, &text, &c.id, width, group);
    }
    section(
        &mut b,
        tr!(
            "Skrevet siden {from} ({}):",
            "Written since {from} ({}):",
            changes.written.len()
        ),
        group,
    );
    for c in &changes.written {
        group += 1;
        let mark = if c.reply_to.is_some() { "↳" } else { "○" };
        let place = data.diff.target_name(c);
        let text = format!(
            "{mark} {} {} · {place}: {}",
            c.created.format("%d.%m"),
            c.author.organisation,
            crate::text::truncate(c.body.lines().next().unwrap_or(""), 200)
        );
        item(&mut b, &text, &c.id, width, group);
    }
    section(
        &mut b,
        tr!(
            "Hvor citaterne står i {to} ({}):",
            "Where the quotes are in {to} ({}):",
            changes.anchors.len()
        ),
        group,
    );
    for r in &changes.anchors {
        group += 1;
        let text = format!(
            "● {} · {} · {}: «{}»",
            r.author.organisation,
            data.diff.chapter_name(&r.chapter),
            fate_text(r),
            crate::text::truncate(&r.quote, 160)
        );
        item(&mut b, &text, &r.id, width, group);
    }
    let open: Vec<(&AnchorReport, &Proposal)> = changes
        .anchors
        .iter()
        .chain(&data.open_suggestions)
        .filter_map(|r| Some((r, data.proposals.get(&r.id)?)))
        .filter(|(_, p)| matches!(p.outcome, Outcome::Open | Outcome::NeedsReview { .. }))
        .collect();
    section(
        &mut b,
        tr!(
            "Forslag til ny formulering, der venter på skribenterne i {to} ({}):",
            "Proposed new wording awaiting the writers in {to} ({}):",
            open.len()
        ),
        group,
    );
    for (r, p) in open {
        group += 1;
        let text = format!(
            "✎ {} · {}: «{}» → «{}»",
            r.author.organisation,
            data.diff.chapter_name(&r.chapter),
            crate::text::truncate(&r.quote, 120),
            crate::text::truncate(&p.text, 120)
        );
        item(&mut b, &text, &r.id, width, group);
    }
    b.finish(key)
}

/// A comment's row(s) in the comments overview: a stop, opening the thread.
fn item(b: &mut Builder, text: &str, id: &str, width: usize, group: usize) {
    b.stop_here();
    for (n, l) in lines_of(text, Look::Plain, width.saturating_sub(2))
        .into_iter()
        .enumerate()
    {
        let mut left = Vec::new();
        if n > 0 {
            left.push(Piece {
                text: "  ".into(),
                look: Look::Plain,
            });
        }
        left.extend(l);
        b.rows.push(Row {
            left,
            right: None,
            sign: ' ',
            group,
            comments: vec![id.to_string()],
        });
    }
}

/// The text of a row's pieces (for tests and search).
pub fn row_text(row: &Row) -> String {
    let mut s: String = row.left.iter().map(|p| p.text.as_str()).collect();
    if let Some(r) = &row.right {
        s.push_str(COLUMN_GAP);
        s.extend(r.iter().map(|p| p.text.as_str()));
    }
    s
}

/// Items of one block's change for tests.
#[cfg(test)]
fn block_text(block: &crate::diff::BlockDiff, signs: bool, width: usize) -> Vec<String> {
    let mut k = 0;
    let items = segment_items(
        &block.segments,
        Show::Both,
        signs,
        Look::Plain,
        false,
        &mut k,
        &[],
    );
    wrap(items, width)
        .into_iter()
        .map(|l| l.pieces.iter().map(|p| p.text.as_str()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff_blocks, diff_words};

    fn joined(lines: &[String]) -> String {
        lines.join(" ")
    }

    #[test]
    fn signs_mark_words_inside_the_paragraph() {
        let d = diff_blocks(
            "Regionerne skal sikre hurtig udredning inden for tre år.\n",
            "Regionerne og kommunerne skal sikre hurtig udredning inden for fem til syv år.\n",
        );
        let b = d.iter().find(|b| b.change == BlockChange::Changed).unwrap();
        let text = joined(&block_text(b, true, 200));
        assert_eq!(
            text,
            "Regionerne {+og kommunerne+} skal sikre hurtig udredning inden for [-tre-]{+fem til syv+} år."
        );
        let plain = joined(&block_text(b, false, 200));
        assert!(!plain.contains("[-") && !plain.contains("{+"));
        assert!(plain.contains("tre") && plain.contains("fem til syv"));
        // Narrow: the same words, wrapped.
        let narrow = block_text(b, true, 12);
        assert!(narrow.len() > 4);
        assert_eq!(joined(&narrow), text);
    }

    #[test]
    fn lines_never_pass_the_width_and_graphemes_stay_whole() {
        let old = "Kræft på a\u{30a}r 👍🏽 og 👨‍👩‍👧 her æøå ".repeat(6);
        let new =
            "Kræft på a\u{30a}ret 👍🏿 og 👨‍👩‍👧 der ÆØÅ langtlangtlangtordudenmellemrum ".repeat(6);
        let segments = diff_words(&old, &new);
        for width in [4usize, 7, 12, 23, 40] {
            for signs in [true, false] {
                let mut k = 0;
                let items = segment_items(
                    &segments,
                    Show::Both,
                    signs,
                    Look::Plain,
                    false,
                    &mut k,
                    &[],
                );
                for line in wrap(items, width) {
                    let text: String = line.pieces.iter().map(|p| p.text.as_str()).collect();
                    assert!(text.width() <= width, "{width}: «{text}»");
                    assert!(!text.starts_with('\u{30a}'), "split before a mark: {text}");
                    assert!(!text.starts_with('\u{1f3fd}') && !text.starts_with('\u{1f3ff}'));
                    for p in &line.pieces {
                        assert!(!p.text.starts_with('\u{30a}'), "{p:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_word_is_shown_once_in_order() {
        let old = "Et betydeligt antal kræfttilfælde kan desuden forebygges.";
        let new = "Et stort antal kræfttilfælde kan forebygges gennem rygestop.";
        let segments = diff_words(old, new);
        let mut k = 0;
        let items = segment_items(&segments, Show::Old, false, Look::Plain, false, &mut k, &[]);
        let left: Vec<String> = wrap(items, 14)
            .into_iter()
            .map(|l| l.pieces.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(joined(&left), old);
        let mut k = 0;
        let items = segment_items(&segments, Show::New, false, Look::Plain, false, &mut k, &[]);
        let right: Vec<String> = wrap(items, 13)
            .into_iter()
            .map(|l| l.pieces.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(joined(&right), new);
    }

    #[test]
    fn each_change_is_one_stop_and_glyphs_sit_before_their_word() {
        let segments = diff_words(
            "Regionerne skal sikre hurtig udredning af alle patienter.",
            "Regionerne og kommunerne skal sikre hurtig udredning af patienter.",
        );
        let mut k = 0;
        let glyphs = vec![(4usize, false, "c1".to_string(), "●")];
        let items = segment_items(
            &segments,
            Show::Both,
            true,
            Look::Plain,
            false,
            &mut k,
            &glyphs,
        );
        assert_eq!(k, 2, "two changes: {segments:?}");
        let lines = wrap(items, 200);
        let text: String = lines[0].pieces.iter().map(|p| p.text.as_str()).collect();
        // TO's fifth word is "sikre".
        assert!(text.contains("●sikre"), "{text}");
        assert_eq!(lines[0].comments, vec!["c1".to_string()]);
        assert_eq!(lines[0].stops, vec![0, 1]);
    }

    #[test]
    fn control_characters_are_escaped_before_measuring() {
        let segments = diff_words("før\u{1b}[31m", "efter\u{1b}[31m");
        let mut k = 0;
        let items = segment_items(&segments, Show::Both, true, Look::Plain, false, &mut k, &[]);
        for l in wrap(items, 10) {
            for p in &l.pieces {
                assert!(!p.text.contains('\u{1b}'), "{p:?}");
            }
        }
    }

    #[test]
    fn code_keeps_its_lines() {
        let d = diff_blocks("```\nen\nto\n```\n", "```\nen\ntre\n```\n");
        let b = d.iter().find(|b| b.change == BlockChange::Changed).unwrap();
        let mut k = 0;
        let items = segment_items(
            &b.segments,
            Show::Both,
            true,
            Look::Plain,
            true,
            &mut k,
            &[],
        );
        let lines: Vec<String> = wrap(items, 40)
            .into_iter()
            .map(|l| l.pieces.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(lines, ["```", "en", "[-to-]{+tre+}", "```"]);
    }
}
