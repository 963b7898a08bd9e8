//! The comparison engine's core, shared by everything that tells what
//! changed between two versions: `oplaeg diff` and the Ændringer tab (through
//! [`super::blocks`] and [`super::words`]), the "changes since" exports
//! ([`crate::export::changes`]) and the anchoring of quotes
//! ([`crate::anchor`]).
//!
//! - [`parts`]: two sequences lined up as equal runs and the changed
//!   stretches between them (Myers' difference; adjacent deletions and
//!   insertions form one stretch).
//! - [`Bag`] and [`overlap`]: how many words two texts share, in any order
//!   (Dice coefficient over word multisets), cheap enough to try many pairs
//!   of blocks.
//! - [`similarity`]: how alike two short texts are, words in order,
//!   weighted by their length.
//! - [`best_pairs`]: pairs from two runs, in order, with the highest total
//!   similarity.

use std::hash::Hash;
use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

/// A stretch of two sequences lined up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// `len` elements equal, from `old` in the first and `new` in the second.
    Equal { old: usize, new: usize, len: usize },
    /// The first's `old` replaced by the second's `new` (either may be empty).
    Changed {
        old: Range<usize>,
        new: Range<usize>,
    },
}

/// `a` and `b` lined up: equal runs and the changed stretches between them,
/// in order; consecutive changes are one stretch.
pub fn parts<T: Hash + Eq + Ord>(a: &[T], b: &[T]) -> Vec<Part> {
    parts_until(a, b, None)
}

/// [`parts`], giving up on finding the smallest difference at `deadline`
/// (the result is still a correct difference, only coarser).
pub fn parts_until<T: Hash + Eq + Ord>(a: &[T], b: &[T], deadline: Option<Instant>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for op in capture_diff_slices_deadline(Algorithm::Myers, a, b, deadline) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            if !o.is_empty() {
                out.push(Part::Equal {
                    old: o.start,
                    new: n.start,
                    len: o.len(),
                });
            }
            continue;
        }
        if let Some(Part::Changed { old, new }) = out.last_mut() {
            old.end = old.end.max(o.end);
            new.end = new.end.max(n.end);
        } else {
            out.push(Part::Changed { old: o, new: n });
        }
    }
    out
}

/// A quick hash for words and positions (the multiply-rotate scheme of
/// Firefox's hasher): the maps that use it are built and thrown away per
/// comparison, and their keys come from the texts being compared, so the
/// protection of the standard hasher against chosen keys buys nothing here.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Builds [`FastHasher`]s.
pub type Fast = std::hash::BuildHasherDefault<FastHasher>;

/// The words of a text (split at white space), each with a quick hash,
/// sorted by the hash: two bags are compared by merging them, which is
/// several times faster than counting words in hash maps and gives the same
/// counts (words with equal hashes are still compared as text, see
/// [`overlap`]).
#[derive(Clone, Debug, Default)]
pub struct Bag<'t> {
    words: Vec<(u64, &'t str)>,
    /// How many words fall in each of [`BUCKETS`] buckets (by hash), for
    /// [`may_overlap`]; empty when a count would not fit.
    counts: Vec<u16>,
}

/// Buckets of a [`Bag`]'s word counts.
const BUCKETS: usize = 256;

impl<'t> Bag<'t> {
    /// The words of `text`.
    pub fn of(text: &'t str) -> Bag<'t> {
        use std::hash::{BuildHasher, Hasher};
        Bag::hashed(text, |w| {
            let mut h = Fast::default().build_hasher();
            h.write(w.as_bytes());
            h.finish()
        })
    }

    /// The words of `text` with the hash `hash` (the tests give one that
    /// collides).
    fn hashed(text: &'t str, hash: impl Fn(&str) -> u64) -> Bag<'t> {
        let mut words: Vec<(u64, &str)> = Vec::with_capacity(text.len() / 6 + 1);
        words.extend(split_whitespace(text).map(|w| (hash(w), w)));
        // By the hash alone: a repeated word compares as two numbers, not
        // as text (common words repeat a lot in prose).
        words.sort_unstable_by_key(|w| w.0);
        let mut counts = vec![0u16; BUCKETS];
        for (h, _) in &words {
            let c = &mut counts[bucket(*h)];
            *c = c.saturating_add(1);
        }
        if counts.contains(&u16::MAX) {
            counts = Vec::new();
        }
        Bag { words, counts }
    }
}

/// The bucket of a word's hash (its top bits: the hash's last step is a
/// multiplication, whose top bits mix all of the word).
fn bucket(hash: u64) -> usize {
    (hash >> 56) as usize % BUCKETS
}

/// Whether [`overlap`] of `a` and `b` can reach `threshold`, from the
/// buckets' counts: the words two bags share are at most the smaller count
/// of each bucket, summed. False only when the overlap is surely lower;
/// when a count did not fit, true.
pub fn may_overlap(a: &Bag<'_>, b: &Bag<'_>, threshold: f64) -> bool {
    let total = a.words.len() + b.words.len();
    if total == 0 || a.counts.len() != BUCKETS || b.counts.len() != BUCKETS {
        return true;
    }
    let most: u32 = a
        .counts
        .iter()
        .zip(&b.counts)
        .map(|(x, y)| u32::from(*x.min(y)))
        .sum();
    (2 * most as usize) as f64 / total as f64 >= threshold
}

/// Whether the character at the start of `bytes` is white space, and its
/// length. Only the UTF-8 lead bytes 0xC2, 0xE1, 0xE2 and 0xE3 can begin a
/// white space character beyond ASCII (U+0085, U+00A0, U+1680, U+2000–U+205F,
/// U+3000); any other byte that is not ASCII (continuation bytes too) is
/// passed over as part of a word, one byte at a time.
#[inline]
fn white_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes()[i] {
        b @ 0..0x80 => (b == b' ' || (b'\t'..=b'\r').contains(&b), 1),
        0xc2 | 0xe1 | 0xe2 | 0xe3 => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
        _ => (false, 1),
    }
}

/// `text.split_whitespace()`, quicker on ASCII and Latin letters (white
/// space is looked up only where it can begin: see [`white_at`]).
fn split_whitespace(text: &str) -> impl Iterator<Item = &str> {
    let len = text.len();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < len {
            let (white, n) = white_at(text, i);
            if !white {
                break;
            }
            i += n;
        }
        let start = i;
        while i < len {
            let (white, n) = white_at(text, i);
            if white {
                break;
            }
            i += n;
        }
        // Words end where white space begins, a character boundary.
        (i > start).then(|| text.get(start..i)).flatten()
    })
}

/// How many words two texts share, in any order: twice the shared words
/// over all words (the Dice coefficient), 0–1; two empty texts are alike.
pub fn overlap(a: &Bag<'_>, b: &Bag<'_>) -> f64 {
    let (a, b) = (&a.words, &b.words);
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].0, b[j].0);
        if x < y {
            i += 1;
        } else if x > y {
            j += 1;
        } else {
            // The words with this hash on both sides.
            let end_i = i + a[i..].iter().take_while(|w| w.0 == x).count();
            let end_j = j + b[j..].iter().take_while(|w| w.0 == x).count();
            common += shared(&a[i..end_i], &b[j..end_j]);
            (i, j) = (end_i, end_j);
        }
    }
    (2 * common) as f64 / total as f64
}

/// How many words two runs of words with one hash share, as multisets:
/// usually one word repeated on both sides; else (different words whose
/// hashes collide) counted word by word.
fn shared(a: &[(u64, &str)], b: &[(u64, &str)]) -> usize {
    let first = a[0].1;
    if a.iter().chain(b).all(|w| w.1 == first) {
        return a.len().min(b.len());
    }
    let mut taken = vec![false; b.len()];
    let mut n = 0;
    for w in a {
        if let Some(k) = (0..b.len()).find(|&k| !taken[k] && b[k].1 == w.1) {
            taken[k] = true;
            n += 1;
        }
    }
    n
}

/// Whether two texts are long enough alike for their [`overlap`] to reach
/// `threshold` (a cheap test before counting shared words).
pub fn could_overlap(a: &str, b: &str, threshold: f64) -> bool {
    let (x, y) = (a.len() as f64, b.len() as f64);
    x.max(y) == 0.0 || 2.0 * x.min(y) / (x + y) >= threshold * 0.8
}

fn chars(s: &str) -> usize {
    s.chars().count().max(1)
}

/// The tokens of a text (words and marks, UAX #29) but its white space.
fn non_space_tokens(s: &str) -> Vec<&str> {
    super::words::tokens(s)
        .into_iter()
        .filter(|t| !t.chars().all(char::is_whitespace))
        .collect()
}

/// How alike two short texts are, 0–1: the share of their non-space
/// characters in words (and marks) they have in common, in order.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (ta, tb) = (non_space_tokens(a), non_space_tokens(b));
    let total: usize = ta.iter().chain(&tb).map(|t| chars(t)).sum();
    if total == 0 {
        return 1.0;
    }
    let matched: usize = parts(&ta, &tb)
        .into_iter()
        .map(|p| match p {
            Part::Equal { old, len, .. } => ta[old..old + len].iter().map(|t| chars(t)).sum(),
            Part::Changed { .. } => 0,
        })
        .sum();
    2.0 * matched as f64 / total as f64
}

/// Above this many candidate pairs, [`best_pairs`] pairs greedily instead
/// of optimally.
pub const MAX_ALIGN_PAIRS: usize = 40_000;

/// Pairs of `olds` and `news` in order (no crossings) with the highest total
/// of `sim` (0 means "not a pair").
pub fn best_pairs(
    olds: &[usize],
    news: &[usize],
    sim: &mut dyn FnMut(usize, usize) -> f64,
) -> Vec<(usize, usize)> {
    let (n, m) = (olds.len(), news.len());
    let mut pairs = Vec::new();
    if n * m > MAX_ALIGN_PAIRS {
        let mut next = 0;
        for &i in olds {
            let best = (next..m)
                .map(|y| (sim(i, news[y]), y))
                .filter(|(s, _)| *s > 0.0)
                .max_by(|p, q| p.0.total_cmp(&q.0));
            if let Some((_, y)) = best {
                pairs.push((i, news[y]));
                next = y + 1;
            }
        }
        return pairs;
    }
    let mut s = vec![vec![0.0f64; m]; n];
    for (x, &i) in olds.iter().enumerate() {
        for (y, &j) in news.iter().enumerate() {
            s[x][y] = sim(i, j);
        }
    }
    let mut dp = vec![vec![0.0f64; m + 1]; n + 1];
    for x in (0..n).rev() {
        for y in (0..m).rev() {
            let take = if s[x][y] > 0.0 {
                s[x][y] + dp[x + 1][y + 1]
            } else {
                0.0
            };
            dp[x][y] = take.max(dp[x + 1][y]).max(dp[x][y + 1]);
        }
    }
    let (mut x, mut y) = (0, 0);
    while x < n && y < m {
        if s[x][y] > 0.0 && dp[x][y] == s[x][y] + dp[x + 1][y + 1] {
            pairs.push((olds[x], news[y]));
            x += 1;
            y += 1;
        } else if dp[x][y] == dp[x + 1][y] {
            x += 1;
        } else {
            y += 1;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parts_join_adjacent_changes() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "x", "y", "d", "e"];
        assert_eq!(
            parts(&a, &b),
            vec![
                Part::Equal {
                    old: 0,
                    new: 0,
                    len: 1
                },
                Part::Changed {
                    old: 1..3,
                    new: 1..3
                },
                Part::Equal {
                    old: 3,
                    new: 3,
                    len: 1
                },
                Part::Changed {
                    old: 4..4,
                    new: 4..5
                },
            ]
        );
        assert!(parts::<&str>(&[], &[]).is_empty());
    }

    #[test]
    fn overlap_counts_repeated_words_once_each() {
        let (a, b) = (Bag::of("a a a b"), Bag::of("a b b"));
        // Shared: "a" once, "b" once.
        assert!((overlap(&a, &b) - 4.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn the_bound_tells_unrelated_texts_apart() {
        let words = |prefix: &str| {
            (0..100)
                .map(|k| format!("{prefix}{k}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (x, y) = (words("kræft"), words("plan"));
        let (a, b) = (Bag::of(&x), Bag::of(&y));
        assert_eq!(overlap(&a, &b), 0.0);
        assert!(!may_overlap(&a, &b, 0.5), "no words in common");
        assert!(may_overlap(&a, &a.clone(), 1.0), "the same words");
    }

    #[test]
    fn overlap_and_similarity() {
        let (a, b) = (Bag::of("en to tre"), Bag::of("tre to en fire"));
        assert!((overlap(&a, &b) - 6.0 / 7.0).abs() < 1e-9);
        assert_eq!(overlap(&Bag::of(""), &Bag::of("")), 1.0);
        assert_eq!(similarity("kræft plan", "kræft plan"), 1.0);
        assert_eq!(similarity("abc", "xyz"), 0.0);
        // Order counts for similarity, not for overlap.
        assert!(similarity("en to tre", "tre to en") < 0.5);
    }

    proptest! {
        /// The quick split at white space is the standard one.
        #[test]
        fn splits_at_white_space_as_std(s in prop::collection::vec(prop::sample::select(
            " \t\n\r\u{b}\u{c}\u{1f}\u{85}\u{a0}\u{2003}\u{3000}aæ.👍\u{301}\u{1680}\u{1681}\u{2028}\u{2029}\u{202f}\u{205f}\u{200b}\u{20ac}\u{3001}\u{c2}\u{100}\u{feff}".chars().collect::<Vec<_>>()
        ), 0..30).prop_map(|cs| cs.into_iter().collect::<String>())) {
            prop_assert_eq!(split_whitespace(&s).collect::<Vec<_>>(), s.split_whitespace().collect::<Vec<_>>());
        }

        /// And on any text.
        #[test]
        fn splits_any_text_at_white_space_as_std(s in "(\\PC|\\s){0,40}") {
            prop_assert_eq!(split_whitespace(&s).collect::<Vec<_>>(), s.split_whitespace().collect::<Vec<_>>());
        }

        /// The merge of sorted bags counts shared words as a multiset does.
        #[test]
        fn overlap_is_the_dice_coefficient(
            a in prop::collection::vec(prop::sample::select(vec!["kræft", "og", "plan", "æ", "Plan"]), 0..12),
            b in prop::collection::vec(prop::sample::select(vec!["kræft", "og", "plan", "æ", "Plan"]), 0..12),
        ) {
            let count = |v: &[&str], w: &str| v.iter().filter(|x| **x == w).count();
            let mut words: Vec<&str> = a.iter().chain(&b).copied().collect();
            words.sort_unstable();
            words.dedup();
            let common: usize = words.iter().map(|w| count(&a, w).min(count(&b, w))).sum();
            let want = if a.len() + b.len() == 0 { 1.0 } else { (2 * common) as f64 / (a.len() + b.len()) as f64 };
            let (ta, tb) = (a.join(" "), b.join(" "));
            prop_assert_eq!(overlap(&Bag::of(&ta), &Bag::of(&tb)), want);
            // The same when hashes collide: words are still told apart by
            // their text.
            let parity = |w: &str| (w.len() % 2) as u64;
            prop_assert_eq!(overlap(&Bag::hashed(&ta, parity), &Bag::hashed(&tb, parity)), want);
            prop_assert_eq!(overlap(&Bag::hashed(&ta, |_| 7), &Bag::hashed(&tb, |_| 7)), want);
            // The quick bound never says no to an overlap that is there.
            let (ba, bb) = (Bag::of(&ta), Bag::of(&tb));
            for t in [0.0, 0.2, 0.5, 0.6, want, 1.0] {
                prop_assert!(may_overlap(&ba, &bb, t) || want < t, "{} < {}", want, t);
            }
        }

        /// The bound on texts of many words, some repeated.
        #[test]
        fn the_bound_holds_on_long_texts(
            a in prop::collection::vec(0u16..400, 0..300),
            b in prop::collection::vec(0u16..400, 0..300),
        ) {
            let text = |v: &[u16]| v.iter().map(|w| format!("ord{w}")).collect::<Vec<_>>().join(" ");
            let (ta, tb) = (text(&a), text(&b));
            let (ba, bb) = (Bag::of(&ta), Bag::of(&tb));
            let exact = overlap(&ba, &bb);
            for t in [0.1, 0.3, 0.5, 0.6, 0.8, exact] {
                prop_assert!(may_overlap(&ba, &bb, t) || exact < t);
            }
        }

        /// The parts cover both sequences exactly, in order, and equal parts
        /// are equal.
        #[test]
        fn parts_cover_both(a in prop::collection::vec(0u8..4, 0..30), b in prop::collection::vec(0u8..4, 0..30)) {
            let (mut i, mut j) = (0, 0);
            for p in parts(&a, &b) {
                match p {
                    Part::Equal { old, new, len } => {
                        prop_assert_eq!((old, new), (i, j));
                        prop_assert_eq!(&a[old..old + len], &b[new..new + len]);
                        i += len;
                        j += len;
                    }
                    Part::Changed { old, new } => {
                        prop_assert_eq!((old.start, new.start), (i, j));
                        prop_assert!(!old.is_empty() || !new.is_empty());
                        i = old.end;
                        j = new.end;
                    }
                }
            }
            prop_assert_eq!((i, j), (a.len(), b.len()));
        }
    }
}
