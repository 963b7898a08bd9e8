//! Generated edits of the sample chapters, each with the truth about where
//! the quoted words went (or that they are gone).
//!
//! A chapter is taken apart into blocks (headings, paragraphs, list items)
//! of sentences of words. A quote is a run of words in one sentence (or two
//! whole sentences); the edit of its kind is applied to the blocks, and the
//! quote is followed through it by the ids of its sentences, so the truth is
//! known without searching for it. Both versions are rendered back to
//! Markdown; the text the engine matches in (`searchable_text`) is checked
//! against the text the blocks say it is, and a case whose text disagrees is
//! not used (`generate` panics if that happens often).

use std::ops::Range;

use oplaeg::anchor::similarity;
use oplaeg::text::searchable_text;

/// A small, seeded generator (SplitMix64): the same seed gives the same cases
/// on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x005e_ed0f_a9c4_0123)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// lo..=hi.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// The kinds of edit measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Other text in the chapter edited, inserted or deleted; the quote stays.
    Elsewhere,
    /// The quote's paragraph (or sentence) moved, often to another section.
    Moved,
    /// One word in the quote edited (a typo fixed, a word changed, added or
    /// dropped), sometimes with the paragraph moved as well.
    SmallEdit,
    /// A third to a half of the quoted words rewritten in place.
    Rewrite,
    /// The quoted sentence deleted while a look-alike stands elsewhere: one
    /// that stood there unchanged already, or a reworded copy added in
    /// another section.
    DeletedLookAlike,
    /// A short quote, and a sentence inserted next to it repeating its words.
    RepeatedPhrase,
    /// Only the Markdown changed: emphasis, line breaks, heading levels.
    Formatting,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Elsewhere,
        Kind::Moved,
        Kind::SmallEdit,
        Kind::Rewrite,
        Kind::DeletedLookAlike,
        Kind::RepeatedPhrase,
        Kind::Formatting,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Elsewhere => "text elsewhere edited",
            Kind::Moved => "paragraph moved",
            Kind::SmallEdit => "small edit in the quote",
            Kind::Rewrite => "heavy rewrite",
            Kind::DeletedLookAlike => "deleted, look-alike elsewhere",
            Kind::RepeatedPhrase => "short phrase repeated",
            Kind::Formatting => "formatting only",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Elsewhere => "elsewhere",
            Kind::Moved => "moved",
            Kind::SmallEdit => "small-edit",
            Kind::Rewrite => "rewrite",
            Kind::DeletedLookAlike => "deleted",
            Kind::RepeatedPhrase => "repeated",
            Kind::Formatting => "formatting",
        }
    }
}

/// Where the quoted words are in the new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Truth {
    /// At this byte range of the new searchable text.
    At(Range<usize>),
    /// Deleted: the right answer is no placement (section or orphaned).
    Gone,
}

/// One generated case.
pub struct Case {
    pub kind: Kind,
    /// The variant within the kind (for the breakdown), e.g. "pre-existing ≥0.9".
    pub variant: String,
    pub old: String,
    pub new: String,
    /// The quote's byte range in the old searchable text.
    pub quote: Range<usize>,
    pub truth: Truth,
}

// ---------------------------------------------------------------------------
// Chapters as blocks of sentences of words.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Heading(u8),
    Para,
    Item,
}

#[derive(Clone, Debug)]
struct Sentence {
    id: u32,
    words: Vec<String>,
}

impl Sentence {
    fn text(&self) -> String {
        self.words.join(" ")
    }
}

#[derive(Clone, Debug)]
struct Block {
    kind: BlockKind,
    sentences: Vec<Sentence>,
    /// Rendered with emphasis and line breaks (the words stay the same).
    styled: bool,
}

#[derive(Clone, Debug)]
struct Doc {
    blocks: Vec<Block>,
    next_id: u32,
}

/// The quote: words `from..to` of sentence `sid` (or, when `to_sid` is set,
/// from sentence `sid` to the end of sentence `to_sid`), without the comma,
/// semicolon or colon after its last word when `trim` is set.
#[derive(Clone, Copy, Debug)]
struct Quote {
    sid: u32,
    from: usize,
    to: usize,
    to_sid: Option<u32>,
    trim: bool,
}

fn split_sentences(text: &str) -> Vec<Vec<String>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        cur.push((*w).to_string());
        let ends = w.ends_with(['.', '?', '!']);
        let next_upper = words
            .get(i + 1)
            .and_then(|n| n.chars().next())
            .is_some_and(|c| c.is_uppercase());
        if ends && next_upper && cur.len() >= 3 {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Doc {
    fn parse(markdown: &str) -> Doc {
        let mut doc = Doc {
            blocks: Vec::new(),
            next_id: 0,
        };
        for chunk in markdown.split("\n\n") {
            let chunk = chunk.trim();
            if chunk.is_empty() {
                continue;
            }
            if chunk.starts_with('#') {
                let level = chunk.chars().take_while(|&c| c == '#').count() as u8;
                let text = chunk[level as usize..].trim();
                let words = text.split_whitespace().map(String::from).collect();
                doc.push(BlockKind::Heading(level), vec![words]);
            } else if chunk.starts_with("- ") {
                for line in chunk.lines() {
                    let item = line.trim_start_matches("- ");
                    doc.push(BlockKind::Item, split_sentences(item));
                }
            } else {
                doc.push(BlockKind::Para, split_sentences(chunk));
            }
        }
        doc
    }

    fn push(&mut self, kind: BlockKind, sentences: Vec<Vec<String>>) {
        let sentences = sentences
            .into_iter()
            .map(|words| self.sentence(words))
            .collect();
        self.blocks.push(Block {
            kind,
            sentences,
            styled: false,
        });
    }

    fn sentence(&mut self, words: Vec<String>) -> Sentence {
        self.next_id += 1;
        Sentence {
            id: self.next_id,
            words,
        }
    }

    fn find(&self, sid: u32) -> Option<(usize, usize)> {
        self.blocks.iter().enumerate().find_map(|(b, block)| {
            block
                .sentences
                .iter()
                .position(|s| s.id == sid)
                .map(|k| (b, k))
        })
    }

    fn sentence_mut(&mut self, sid: u32) -> &mut Sentence {
        let (b, k) = self
            .find(sid)
            .expect("the quote's sentence is in the document");
        &mut self.blocks[b].sentences[k]
    }

    /// The searchable text the blocks stand for.
    fn text(&self) -> String {
        let blocks: Vec<String> = self
            .blocks
            .iter()
            .map(|b| {
                b.sentences
                    .iter()
                    .map(Sentence::text)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        blocks.join(" ")
    }

    /// Byte offset of the start of sentence `sid` in [`Doc::text`].
    fn offset_of(&self, sid: u32) -> Option<usize> {
        let mut at = 0;
        for block in &self.blocks {
            for s in &block.sentences {
                if s.id == sid {
                    return Some(at);
                }
                at += s.text().len() + 1;
            }
        }
        None
    }

    fn span(&self, q: &Quote) -> Option<Range<usize>> {
        let (b, k) = self.find(q.sid)?;
        let s = &self.blocks[b].sentences[k];
        let base = self.offset_of(q.sid)?;
        let start = base + s.words[..q.from].iter().map(|w| w.len() + 1).sum::<usize>();
        let end = match q.to_sid {
            Some(last) => {
                let (b2, k2) = self.find(last)?;
                self.offset_of(last)? + self.blocks[b2].sentences[k2].text().len()
            }
            None => {
                let mut end = start + s.words[q.from..q.to].join(" ").len();
                if q.trim {
                    let last = &s.words[q.to - 1];
                    end -= last.len() - last.trim_end_matches([',', ';', ':']).len();
                }
                end
            }
        };
        (start < end).then_some(start..end)
    }

    fn render(&self, rng: &mut Rng) -> String {
        let mut out = String::new();
        let mut prev: Option<BlockKind> = None;
        for block in &self.blocks {
            if block.sentences.is_empty() {
                continue;
            }
            let text = if block.styled {
                styled(&block.sentences, rng)
            } else {
                block
                    .sentences
                    .iter()
                    .map(Sentence::text)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let sep = match (prev, block.kind) {
                (None, _) => "",
                (Some(BlockKind::Item), BlockKind::Item) => "\n",
                _ => "\n\n",
            };
            out.push_str(sep);
            match block.kind {
                BlockKind::Heading(level) => {
                    out.push_str(&"#".repeat(level as usize));
                    out.push(' ');
                    out.push_str(&text);
                }
                BlockKind::Para => out.push_str(&text),
                BlockKind::Item => {
                    out.push_str("- ");
                    out.push_str(&text);
                }
            }
            prev = Some(block.kind);
        }
        out.push('\n');
        out
    }

    fn remove_empty(&mut self) {
        self.blocks.retain(|b| !b.sentences.is_empty());
    }

    /// Indices of blocks that are paragraphs or items.
    fn prose(&self) -> Vec<usize> {
        (0..self.blocks.len())
            .filter(|&b| !matches!(self.blocks[b].kind, BlockKind::Heading(_)))
            .collect()
    }

    /// Indices of paragraphs (not list items: sentences are added to these).
    fn paragraphs(&self) -> Vec<usize> {
        (0..self.blocks.len())
            .filter(|&b| self.blocks[b].kind == BlockKind::Para)
            .collect()
    }

    /// The section (index of the `##` heading block) block `b` stands in.
    fn section_of(&self, b: usize) -> Option<usize> {
        (0..=b)
            .rev()
            .find(|&i| matches!(self.blocks[i].kind, BlockKind::Heading(l) if l >= 2))
    }
}

/// Words with some emphasis and line breaks; the text stays the same.
fn styled(sentences: &[Sentence], rng: &mut Rng) -> String {
    let words: Vec<&String> = sentences.iter().flat_map(|s| &s.words).collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            // A line break only before a word that cannot start a block.
            let safe = w
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() && !"*+-#>".contains(c));
            out.push(if safe && rng.chance(0.12) { '\n' } else { ' ' });
        }
        let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        let all_letters = !core.is_empty() && core.chars().all(char::is_alphabetic);
        if all_letters && rng.chance(0.1) {
            let mark = *rng.pick(&["*", "**", "_"]);
            out.push_str(mark);
            out.push_str(core);
            out.push_str(mark);
            out.push_str(&w[core.len()..]);
        } else {
            out.push_str(w);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Generating cases.

/// Material shared by all cases: the chapters and their sentences.
pub struct Corpus {
    chapters: Vec<Doc>,
    /// Every sentence of every chapter (for inserted text).
    sentences: Vec<Vec<String>>,
    /// Words of at least three letters (for replaced words).
    vocabulary: Vec<String>,
}

impl Corpus {
    /// The sample chapters embedded in the program.
    pub fn sample() -> Corpus {
        let mut chapters = Vec::new();
        for (path, bytes) in oplaeg::demo::sample_files() {
            if !path.starts_with("drafts/") {
                continue;
            }
            let markdown = String::from_utf8(bytes).expect("sample chapters are UTF-8");
            // The words as the reader sees them (inline markup removed).
            let mut doc = Doc::parse(&markdown);
            let plain = oplaeg::text::text_blocks(&markdown);
            assert_eq!(plain.len(), doc.blocks.len(), "{path}: blocks");
            for (block, text) in doc.blocks.iter_mut().zip(plain) {
                block.sentences = split_sentences(&text.text)
                    .into_iter()
                    .map(|words| {
                        doc.next_id += 1;
                        Sentence {
                            id: doc.next_id,
                            words,
                        }
                    })
                    .collect();
            }
            assert_eq!(
                doc.text(),
                searchable_text(&markdown),
                "{path}: the blocks must be the chapter's text"
            );
            chapters.push(doc);
        }
        let sentences: Vec<Vec<String>> = chapters
            .iter()
            .flat_map(|d| &d.blocks)
            .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
            .flat_map(|b| b.sentences.iter().map(|s| s.words.clone()))
            .filter(|w| w.len() >= 6)
            .collect();
        let mut vocabulary: Vec<String> = sentences
            .iter()
            .flatten()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
            .collect();
        vocabulary.sort();
        vocabulary.dedup();
        Corpus {
            chapters,
            sentences,
            vocabulary,
        }
    }

    /// `per_kind` cases of every kind, from `seed`.
    pub fn generate(&self, per_kind: usize, seed: u64) -> Vec<Case> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(kind as u64));
            let mut made = 0;
            let mut failed = 0;
            while made < per_kind {
                match self.case(kind, &mut rng) {
                    Some(case) => {
                        out.push(case);
                        made += 1;
                    }
                    None => {
                        failed += 1;
                        assert!(
                            failed < 10 * per_kind + 100,
                            "{}: too many cases could not be made",
                            kind.name()
                        );
                    }
                }
            }
        }
        out
    }

    fn case(&self, kind: Kind, rng: &mut Rng) -> Option<Case> {
        let mut doc = self.chapters[rng.below(self.chapters.len())].clone();
        let shape = match kind {
            Kind::RepeatedPhrase => Shape::Short,
            Kind::SmallEdit => *rng.pick(&[Shape::Sentence, Shape::Clause, Shape::Short]),
            Kind::Rewrite | Kind::DeletedLookAlike => {
                if rng.chance(0.6) {
                    Shape::Sentence
                } else {
                    Shape::Clause
                }
            }
            _ => *rng.pick(&[
                Shape::Sentence,
                Shape::Sentence,
                Shape::Clause,
                Shape::Short,
                Shape::TwoSentences,
            ]),
        };
        let mut quote = self.choose_quote(&doc, shape, rng)?;
        let old_quote = quote;
        let mut variant;
        // The old version may gain a look-alike first (it stood there already).
        let mut old_doc = doc.clone();
        let mut gone = false;
        match kind {
            Kind::Elsewhere => {
                let n = rng.between(1, 4);
                for _ in 0..n {
                    self.edit_elsewhere(&mut doc, &quote, rng);
                }
                variant = format!("{n} edits");
            }
            Kind::Moved => {
                variant = self.move_quote(&mut doc, &quote, rng)?;
                if rng.chance(0.3) {
                    self.edit_elsewhere(&mut doc, &quote, rng);
                }
            }
            Kind::SmallEdit => {
                variant = self.small_edit(&mut doc, &mut quote, rng)?;
                if rng.chance(0.35) {
                    let moved = self.move_block(&mut doc, &quote, true, rng)?;
                    variant = format!("{variant} + {moved}");
                }
            }
            Kind::Rewrite => {
                variant = self.rewrite(&mut doc, &mut quote, rng)?;
            }
            Kind::DeletedLookAlike => {
                variant = self.delete_with_look_alike(&mut old_doc, &mut doc, &quote, rng)?;
                gone = true;
            }
            Kind::RepeatedPhrase => {
                variant = self.repeat_phrase(&mut doc, &quote, rng)?;
            }
            Kind::Formatting => {
                variant = self.format(&mut doc, &quote, rng);
            }
        }
        doc.remove_empty();
        let old = old_doc.render(rng);
        let new = doc.render(rng);
        let old_text = searchable_text(&old);
        let new_text = searchable_text(&new);
        if old_text != old_doc.text() || new_text != doc.text() {
            return None; // the Markdown did not say what the blocks say
        }
        let quote_span = old_doc.span(&old_quote)?;
        let truth = if gone {
            Truth::Gone
        } else {
            Truth::At(doc.span(&quote)?)
        };
        Some(Case {
            kind,
            variant,
            old,
            new,
            quote: quote_span,
            truth,
        })
    }

    fn choose_quote(&self, doc: &Doc, shape: Shape, rng: &mut Rng) -> Option<Quote> {
        let prose = doc.prose();
        let b = *rng.pick(&prose);
        let block = &doc.blocks[b];
        if block.sentences.is_empty() {
            return None;
        }
        let k = rng.below(block.sentences.len());
        let s = &block.sentences[k];
        let n = s.words.len();
        if n < 6 {
            return None;
        }
        let q = match shape {
            Shape::Sentence => Quote {
                sid: s.id,
                from: 0,
                to: n,
                to_sid: None,
                trim: false,
            },
            Shape::TwoSentences => {
                let next = block.sentences.get(k + 1)?;
                Quote {
                    sid: s.id,
                    from: 0,
                    to: n,
                    to_sid: Some(next.id),
                    trim: false,
                }
            }
            Shape::Clause => {
                // A clause between commas if there is one, else a run of words.
                let cuts: Vec<usize> = std::iter::once(0)
                    .chain((0..n).filter(|&i| s.words[i].ends_with(',')).map(|i| i + 1))
                    .chain(std::iter::once(n))
                    .collect();
                let clauses: Vec<(usize, usize)> = cuts
                    .windows(2)
                    .map(|w| (w[0], w[1]))
                    .filter(|(a, b)| b - a >= 4 && b - a < n)
                    .collect();
                let (from, to) = if !clauses.is_empty() && rng.chance(0.6) {
                    *rng.pick(&clauses)
                } else {
                    let len = rng.between(4, (n - 1).min(10));
                    let from = rng.below(n - len + 1);
                    (from, from + len)
                };
                Quote {
                    sid: s.id,
                    from,
                    to,
                    to_sid: None,
                    trim: true,
                }
            }
            Shape::Short => {
                let len = rng.between(2, 4);
                let from = if rng.chance(0.6) {
                    0
                } else {
                    rng.below(n - len + 1)
                };
                Quote {
                    sid: s.id,
                    from,
                    to: from + len,
                    to_sid: None,
                    trim: true,
                }
            }
        };
        Some(q)
    }

    fn donor(&self, rng: &mut Rng) -> Vec<String> {
        rng.pick(&self.sentences).clone()
    }

    fn word(&self, rng: &mut Rng) -> String {
        rng.pick(&self.vocabulary).clone()
    }

    /// One edit away from the quote's sentences.
    fn edit_elsewhere(&self, doc: &mut Doc, q: &Quote, rng: &mut Rng) {
        let mine = |s: &Sentence| s.id == q.sid || Some(s.id) == q.to_sid;
        let prose = doc.prose();
        match rng.below(6) {
            0 => {
                // A word changed in another sentence.
                let b = *rng.pick(&prose);
                let others: Vec<usize> = (0..doc.blocks[b].sentences.len())
                    .filter(|&k| !mine(&doc.blocks[b].sentences[k]))
                    .collect();
                if others.is_empty() {
                    return;
                }
                let k = *rng.pick(&others);
                let word = self.word(rng);
                let s = &mut doc.blocks[b].sentences[k];
                let i = rng.below(s.words.len());
                s.words[i] = replace_core(&s.words[i], &word);
            }
            1 => {
                // A sentence inserted into a paragraph.
                let b = *rng.pick(&doc.paragraphs());
                let words = self.donor(rng);
                let s = doc.sentence(words);
                let at = rng.below(doc.blocks[b].sentences.len() + 1);
                // Never between the two sentences of a two-sentence quote.
                let at = match q.to_sid {
                    Some(last) if doc.find(last) == Some((b, at)) => at + 1,
                    _ => at,
                };
                let at = at.min(doc.blocks[b].sentences.len());
                doc.blocks[b].sentences.insert(at, s);
            }
            2 => {
                // Another sentence deleted.
                let b = *rng.pick(&prose);
                let others: Vec<usize> = (0..doc.blocks[b].sentences.len())
                    .filter(|&k| !mine(&doc.blocks[b].sentences[k]))
                    .collect();
                if let Some(&k) = others.get(rng.below(others.len().max(1))) {
                    doc.blocks[b].sentences.remove(k);
                }
            }
            3 => {
                // A new paragraph.
                let n = rng.between(1, 3);
                let sentences: Vec<Sentence> = (0..n)
                    .map(|_| {
                        let w = self.donor(rng);
                        doc.sentence(w)
                    })
                    .collect();
                let at = rng.between(1, doc.blocks.len());
                doc.blocks.insert(
                    at,
                    Block {
                        kind: BlockKind::Para,
                        sentences,
                        styled: false,
                    },
                );
            }
            4 => {
                // Another paragraph deleted.
                let others: Vec<usize> = prose
                    .iter()
                    .copied()
                    .filter(|&b| !doc.blocks[b].sentences.iter().any(mine))
                    .collect();
                if !others.is_empty() {
                    let b = *rng.pick(&others);
                    doc.blocks.remove(b);
                }
            }
            _ => {
                // A heading reworded.
                let headings: Vec<usize> = (0..doc.blocks.len())
                    .filter(|&b| matches!(doc.blocks[b].kind, BlockKind::Heading(l) if l >= 2))
                    .collect();
                if headings.is_empty() {
                    return;
                }
                let b = *rng.pick(&headings);
                let word = self.word(rng);
                let s = &mut doc.blocks[b].sentences[0];
                let i = rng.below(s.words.len());
                s.words[i] = word;
            }
        }
    }

    fn move_quote(&self, doc: &mut Doc, q: &Quote, rng: &mut Rng) -> Option<String> {
        if q.to_sid.is_none() && rng.chance(0.25) {
            // The sentence alone, into another paragraph.
            let (b, k) = doc.find(q.sid)?;
            let s = doc.blocks[b].sentences.remove(k);
            let paras: Vec<usize> = doc.paragraphs().into_iter().filter(|&x| x != b).collect();
            let to = *rng.pick(&paras);
            let at = rng.below(doc.blocks[to].sentences.len() + 1);
            doc.blocks[to].sentences.insert(at, s);
            return Some("sentence moved".into());
        }
        self.move_block(doc, q, rng.chance(0.6), rng)
    }

    /// Moves the quote's block, to another section if `far`.
    fn move_block(&self, doc: &mut Doc, q: &Quote, far: bool, rng: &mut Rng) -> Option<String> {
        let (b, _) = doc.find(q.sid)?;
        let heading = |doc: &Doc, i: Option<usize>| i.map(|h| doc.blocks[h].sentences[0].text());
        let section = heading(doc, doc.section_of(b));
        let block = doc.blocks.remove(b);
        let places: Vec<usize> = (1..=doc.blocks.len())
            .filter(|&at| at != b)
            .filter(|&at| (heading(doc, doc.section_of(at - 1)) != section) == far)
            .collect();
        if places.is_empty() {
            return None;
        }
        let at = *rng.pick(&places);
        doc.blocks.insert(at, block);
        Some(if far {
            "to another section".into()
        } else {
            "within its section".into()
        })
    }

    fn small_edit(&self, doc: &mut Doc, q: &mut Quote, rng: &mut Rng) -> Option<String> {
        let s = doc.sentence_mut(q.sid);
        let len = q.to - q.from;
        let choice = rng.below(4);
        match choice {
            0 => {
                // A typo fixed: one letter of a longer word.
                let long: Vec<usize> = (q.from..q.to)
                    .filter(|&i| s.words[i].chars().filter(|c| c.is_alphabetic()).count() >= 4)
                    .collect();
                let i = *long.get(rng.below(long.len().max(1)))?;
                let mut chars: Vec<char> = s.words[i].chars().collect();
                let letters: Vec<usize> = (1..chars.len())
                    .filter(|&k| chars[k].is_alphabetic() && chars[k - 1].is_alphabetic())
                    .collect();
                let k = *letters.get(rng.below(letters.len().max(1)))?;
                chars.swap(k - 1, k);
                if chars[k] == chars[k - 1] {
                    chars[k] = 'e';
                }
                s.words[i] = chars.into_iter().collect();
                Some("typo".into())
            }
            1 => {
                let i = q.from + rng.below(len);
                let word = self.word(rng);
                s.words[i] = replace_core(&s.words[i], &word);
                Some("word changed".into())
            }
            2 => {
                // Never in front of the first or after the last word.
                if len < 2 {
                    return None;
                }
                let i = q.from + 1 + rng.below(len - 1);
                let word = self.word(rng);
                let s = doc.sentence_mut(q.sid);
                s.words.insert(i, word);
                q.to += 1;
                Some("word added".into())
            }
            _ => {
                if len < 4 {
                    return None;
                }
                let i = q.from + 1 + rng.below(len - 2);
                s.words.remove(i);
                q.to -= 1;
                Some("word dropped".into())
            }
        }
    }

    fn rewrite(&self, doc: &mut Doc, q: &mut Quote, rng: &mut Rng) -> Option<String> {
        let len = q.to - q.from;
        if len < 6 {
            return None;
        }
        let share = rng.between(30, 45);
        let changes = (len * share).div_ceil(100);
        for _ in 0..changes {
            let word = self.word(rng);
            let s = doc.sentence_mut(q.sid);
            let len = q.to - q.from;
            match rng.below(5) {
                0 if len > 4 => {
                    let i = q.from + 1 + rng.below(len - 2);
                    s.words.remove(i);
                    q.to -= 1;
                }
                1 => {
                    let i = q.from + 1 + rng.below(len - 1);
                    s.words.insert(i, word);
                    q.to += 1;
                }
                _ => {
                    let i = q.from + rng.below(len);
                    s.words[i] = replace_core(&s.words[i], &word);
                }
            }
        }
        Some(
            if share < 38 {
                "30–37 % of the words"
            } else {
                "38–45 % of the words"
            }
            .into(),
        )
    }

    fn delete_with_look_alike(
        &self,
        old: &mut Doc,
        new: &mut Doc,
        q: &Quote,
        rng: &mut Rng,
    ) -> Option<String> {
        let (b, k) = old.find(q.sid)?;
        let original = old.blocks[b].sentences[k].words.clone();
        let whole_paragraph = rng.chance(0.25) && old.blocks[b].sentences.len() > 1;
        if rng.chance(0.6) {
            // A look-alike that stood unchanged in the old version already.
            let target = *rng.pick(&[1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6]);
            let words = self.look_alike(&original, q, target, false, rng)?;
            let sim = similarity(&original.join(" "), &words.join(" "));
            let lookalike = old.sentence(words);
            // Right after the quote's paragraph (where the comparison points)
            // or anywhere else.
            let prose: Vec<usize> = old.paragraphs().into_iter().filter(|&x| x != b).collect();
            let (to, at) = if rng.chance(0.4) && b + 1 < old.blocks.len() {
                (b + 1, 0)
            } else {
                let to = *rng.pick(&prose);
                (to, rng.below(old.blocks[to].sentences.len() + 1))
            };
            if matches!(old.blocks[to].kind, BlockKind::Heading(_)) {
                return None;
            }
            old.blocks[to].sentences.insert(at, lookalike);
            *new = old.clone();
            delete(new, q, whole_paragraph)?;
            Some(format!("stood already, {}", bucket(sim)))
        } else {
            // A reworded copy added in another section, the quote deleted.
            let words = self.look_alike(&original, q, 0.7, true, rng)?;
            let sim = similarity(&original.join(" "), &words.join(" "));
            // Far from the deleted words: another section, at least three
            // blocks away (else it is a rewrite in place).
            let section = new.section_of(b);
            let far: Vec<u32> = new
                .paragraphs()
                .into_iter()
                .filter(|&x| x.abs_diff(b) >= 3)
                .filter(|&x| section.is_none() || new.section_of(x) != section)
                .filter_map(|x| new.blocks[x].sentences.first().map(|s| s.id))
                .filter(|&id| id != q.sid && Some(id) != q.to_sid)
                .collect();
            if far.is_empty() {
                return None;
            }
            let first = *rng.pick(&far);
            delete(new, q, whole_paragraph)?;
            let s = new.sentence(words);
            let (to, _) = new.find(first)?;
            let at = rng.below(new.blocks[to].sentences.len() + 1);
            new.blocks[to].sentences.insert(at, s);
            Some(format!("reworded copy added, {}", bucket(sim)))
        }
    }

    /// A sentence like `original` at about `target` similarity. With
    /// `keep_quote`, the quoted words stay (but for one word at most) and the
    /// rest of the sentence is reworded.
    fn look_alike(
        &self,
        original: &[String],
        q: &Quote,
        target: f64,
        keep_quote: bool,
        rng: &mut Rng,
    ) -> Option<Vec<String>> {
        let mut words = original.to_vec();
        let text = original.join(" ");
        // A whole quoted sentence is reworded like any other.
        let keep_quote = keep_quote && q.to - q.from < words.len();
        let outside: Vec<usize> = (0..words.len())
            .filter(|&i| !keep_quote || i < q.from || i >= q.to)
            .collect();
        if keep_quote && rng.chance(0.5) {
            let i = q.from + rng.below(q.to - q.from);
            words[i] = replace_core(&words[i], &self.word(rng));
        }
        let mut tries = 0;
        while similarity(&text, &words.join(" ")) > target + 0.02 {
            tries += 1;
            if tries > 200 {
                return None;
            }
            let i = *rng.pick(&outside);
            words[i] = replace_core(&words[i], &self.word(rng));
        }
        if keep_quote && rng.chance(0.5) {
            // Reworded copies grow too.
            let at = *rng.pick(&outside);
            words.insert(at, self.word(rng));
        }
        Some(words)
    }

    fn repeat_phrase(&self, doc: &mut Doc, q: &Quote, rng: &mut Rng) -> Option<String> {
        let (b, k) = doc.find(q.sid)?;
        let phrase: Vec<String> = doc.blocks[b].sentences[k].words[q.from..q.to].to_vec();
        let phrase: Vec<String> = phrase
            .iter()
            .map(|w| w.trim_end_matches([',', ';', ':', '.']).to_string())
            .collect();
        let donor = self.donor(rng);
        let tail_len = rng.between(4, 10).min(donor.len());
        let tail = &donor[donor.len() - tail_len..];
        let mut words = Vec::new();
        let variant;
        if q.from == 0 {
            // Opening words repeated at the start of the new sentence.
            words.extend(phrase);
            words.extend(tail.iter().cloned());
            variant = "opening words";
        } else {
            let head_len = rng.between(2, 5).min(donor.len());
            let mut head: Vec<String> = donor[..head_len].to_vec();
            if let Some(last) = head.last_mut() {
                *last = last.trim_end_matches(['.', ',']).to_string();
            }
            words.extend(head);
            words.extend(phrase);
            words.extend(tail.iter().cloned());
            variant = "phrase inside";
        }
        if let Some(last) = words.last_mut()
            && !last.ends_with('.')
        {
            last.push('.');
        }
        let s = doc.sentence(words);
        let before = rng.chance(0.7);
        let at = if before { k } else { k + 1 };
        doc.blocks[b].sentences.insert(at, s);
        Some(format!(
            "{variant}, inserted {}",
            if before { "before" } else { "after" }
        ))
    }

    fn format(&self, doc: &mut Doc, q: &Quote, rng: &mut Rng) -> String {
        let (b, _) = doc.find(q.sid).expect("the quote is in the document");
        doc.blocks[b].styled = true;
        let mut what = vec!["emphasis and line breaks"];
        for i in 0..doc.blocks.len() {
            if i != b && rng.chance(0.3) {
                doc.blocks[i].styled = true;
            }
        }
        if rng.chance(0.3) {
            for block in &mut doc.blocks {
                if let BlockKind::Heading(l) = block.kind
                    && l >= 2
                {
                    block.kind = BlockKind::Heading(l + 1);
                }
            }
            what.push("headings one level down");
        }
        what.join(", ")
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Sentence,
    TwoSentences,
    Clause,
    Short,
}

/// The quote's sentence (or paragraph) removed from `doc`.
fn delete(doc: &mut Doc, q: &Quote, whole_paragraph: bool) -> Option<()> {
    let (b, k) = doc.find(q.sid)?;
    if whole_paragraph {
        doc.blocks.remove(b);
    } else {
        doc.blocks[b].sentences.remove(k);
        if let Some(last) = q.to_sid
            && let Some((b2, k2)) = doc.find(last)
        {
            doc.blocks[b2].sentences.remove(k2);
        }
    }
    doc.remove_empty();
    Some(())
}

/// `word` in place of `old`'s letters, keeping its punctuation and capital.
fn replace_core(old: &str, word: &str) -> String {
    let core_end = old
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let capital = old.chars().next().is_some_and(char::is_uppercase);
    let mut w: String = if capital {
        let mut c = word.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        word.to_string()
    };
    w.push_str(&old[core_end..]);
    w
}

fn bucket(sim: f64) -> &'static str {
    if sim >= 0.999 {
        "identical"
    } else if sim >= 0.9 {
        "≥ 0.9"
    } else if sim >= 0.8 {
        "0.8–0.9"
    } else if sim >= 0.7 {
        "0.7–0.8"
    } else {
        "< 0.7"
    }
}
