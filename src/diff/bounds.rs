//! Word boundaries (UAX #29) of Danish and English prose, quickly.
//!
//! [`unicode_segmentation`]'s `split_word_bounds` looks every character up
//! in its tables; on the edited paragraphs of a large diff that lookup is
//! most of the cost of a word diff. Prose in this project is almost always
//! ASCII, the Latin-1 letters (æ, ø, å, é, ü …) and a few typographic marks
//! (– — “ ” ’ …), whose Word_Break classes are fixed and few: [`split`]
//! applies the rules of UAX #29 that can matter between them, and gives
//! `None` for a text with any other character, which the caller then cuts
//! with [`unicode_segmentation`] as before. The tests compare the two on
//! every character this module knows, in every context of the others, and
//! on random text.

use unicode_segmentation::UnicodeSegmentation;

/// The Word_Break classes of the characters [`class`] knows. Single_Quote
/// behaves as MidNumLet without Hebrew letters around it, and Double_Quote
/// as Other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wb {
    Letter,
    Numeric,
    MidLetter,
    MidNumLet,
    MidNum,
    ExtendNumLet,
    Space,
    Cr,
    Lf,
    Newline,
    Other,
}

/// A character's Word_Break class, for the characters this module knows;
/// `None` for the others (combining marks, format characters, emoji,
/// other scripts …).
fn class(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Wb::Letter,
        '0'..='9' => Wb::Numeric,
        ' ' => Wb::Space,
        '\n' => Wb::Lf,
        '\r' => Wb::Cr,
        '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Wb::Newline,
        ':' | '\u{b7}' => Wb::MidLetter,
        '.' | '\'' | '\u{2018}' | '\u{2019}' | '\u{2024}' => Wb::MidNumLet,
        ',' | ';' => Wb::MidNum,
        '_' | '\u{202f}' => Wb::ExtendNumLet,
        // ª µ ¸ º, and À … ÿ but × and ÷.
        '\u{aa}' | '\u{b5}' | '\u{b8}' | '\u{ba}' | '\u{c0}'..='\u{d6}' => Wb::Letter,
        '\u{d8}'..='\u{f6}' => Wb::Letter,
        '\u{f8}'..='\u{ff}' => Wb::Letter,
        // The soft hyphen is a format character (it joins what it stands in).
        '\u{ad}' => return None,
        '\0'..='\u{bf}' | '\u{d7}' | '\u{f7}' => Wb::Other,
        // – — “ ” „ • … € ‹ ›
        '\u{2013}' | '\u{2014}' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2022}' => Wb::Other,
        '\u{2026}' | '\u{20ac}' | '\u{2039}' | '\u{203a}' => Wb::Other,
        _ => return None,
    })
}

/// Whether UAX #29 keeps `prev` and `cur` together, given the classes
/// before and after them (rules WB3–WB13b; the others concern classes
/// [`class`] never gives).
fn joins(before: Option<Wb>, prev: Wb, cur: Wb, after: Option<Wb>) -> bool {
    use Wb::*;
    match (prev, cur) {
        (Cr, Lf) => true,
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => false,
        (Space, Space) => true,
        (Letter | Numeric, Letter | Numeric) => true,
        (Letter, MidLetter | MidNumLet) => after == Some(Letter),
        (MidLetter | MidNumLet, Letter) => before == Some(Letter),
        (Numeric, MidNum | MidNumLet) => after == Some(Numeric),
        (MidNum | MidNumLet, Numeric) => before == Some(Numeric),
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true,
        (ExtendNumLet, Letter | Numeric) => true,
        _ => false,
    }
}

/// The pieces `split_word_bounds` cuts `text` into, when every character
/// of it is one [`class`] knows; else `None`.
fn split_known(text: &str) -> Option<Vec<&str>> {
    let bytes = text.as_bytes();
    // The class of the character at byte `i` and its length.
    let at = |i: usize| -> Option<(Wb, usize)> {
        if bytes[i] < 0x80 {
            return Some((class(char::from(bytes[i]))?, 1));
        }
        let c = text[i..].chars().next()?;
        Some((class(c)?, c.len_utf8()))
    };
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    if text.is_empty() {
        return Some(out);
    }
    let (mut prev, mut i) = at(0)?;
    let mut before = None;
    let mut cur = if i < bytes.len() { Some(at(i)?) } else { None };
    let mut start = 0;
    while let Some((c, n)) = cur {
        let j = i + n;
        let after = if j < bytes.len() { Some(at(j)?) } else { None };
        if !joins(before, prev, c, after.map(|a| a.0)) {
            out.push(&text[start..i]);
            start = i;
        }
        before = Some(prev);
        prev = c;
        cur = after;
        i = j;
    }
    out.push(&text[start..]);
    Some(out)
}

/// `text` cut at its word boundaries (UAX #29), exactly as
/// `text.split_word_bounds()` cuts it.
pub fn split(text: &str) -> Vec<&str> {
    split_known(text).unwrap_or_else(|| text.split_word_bounds().collect())
}

/// Whether `text` may be cut before byte `i` without changing where its
/// word boundaries are: a space between two ASCII letters or digits. The
/// boundaries on both sides of such a space are fixed (no rule joins a
/// space to a letter or a digit), and the rules that look further (WB6,
/// WB7, WB11, WB12) only look past a MidLetter, MidNum or MidNumLet, never
/// past a space.
fn safe_cut(bytes: &[u8], i: usize) -> bool {
    i >= 1
        && i + 1 < bytes.len()
        && bytes[i] == b' '
        && bytes[i - 1].is_ascii_alphanumeric()
        && bytes[i + 1].is_ascii_alphanumeric()
}

/// Bytes to compare at a time in [`same_start`] and [`same_end`].
const WIDE: usize = 16;

/// A slice's `WIDE` bytes at `at` as one number (for comparing).
fn wide(bytes: &[u8], at: usize) -> Option<u128> {
    let chunk: [u8; WIDE] = bytes.get(at..at + WIDE)?.try_into().ok()?;
    Some(u128::from_ne_bytes(chunk))
}

/// How many bytes `x` and `y` begin with alike.
fn same_start(x: &[u8], y: &[u8]) -> usize {
    let n = x.len().min(y.len());
    let mut i = 0;
    while i + WIDE <= n && wide(x, i) == wide(y, i) {
        i += WIDE;
    }
    i + x[i..n]
        .iter()
        .zip(&y[i..n])
        .take_while(|(a, b)| a == b)
        .count()
}

/// How many bytes `x` and `y` end with alike.
fn same_end(x: &[u8], y: &[u8]) -> usize {
    let n = x.len().min(y.len());
    let (xl, yl) = (x.len(), y.len());
    let mut k = 0;
    while k + WIDE <= n && wide(x, xl - k - WIDE) == wide(y, yl - k - WIDE) {
        k += WIDE;
    }
    k + x[..xl - k]
        .iter()
        .rev()
        .zip(y[..yl - k].iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
}

/// Two versions of a text cut at their word boundaries, except where they
/// are the same: see [`split_middle`].
#[derive(Debug, PartialEq, Eq)]
pub struct Middle<'a> {
    /// Bytes both versions begin with, left uncut.
    pub head: usize,
    /// Bytes both versions end with (after the head), left uncut.
    pub tail: usize,
    /// The pieces of the old version between head and tail.
    pub old: Vec<&'a str>,
    /// The pieces of the new version between head and tail.
    pub new: Vec<&'a str>,
}

/// Two versions of a text cut as [`split`] cuts each, except for the
/// stretches both begin and end with, which are left whole: they end and
/// begin at a [`safe_cut`], so cutting the head, the middle and the tail
/// of a version apart gives exactly the pieces of cutting it whole. A word
/// diff needs no pieces of what is the same on both sides (an edited
/// paragraph is mostly that).
pub fn split_middle<'a>(old: &'a str, new: &'a str) -> Middle<'a> {
    let (x, y) = (old.as_bytes(), new.as_bytes());
    let same_start = same_start(x, y);
    let head = (1..same_start)
        .rev()
        .find(|&i| safe_cut(&x[..same_start], i))
        .unwrap_or(0);
    // The shared end is looked for after all of the shared start, as a
    // diff takes the tokens both begin with before those both end with.
    let (x_rest, y_rest) = (&x[same_start..], &y[same_start..]);
    let same_end = same_end(x_rest, y_rest);
    let end = &x_rest[x_rest.len() - same_end..];
    let tail = (1..same_end)
        .find(|&i| safe_cut(end, i))
        .map_or(0, |i| same_end - i);
    Middle {
        head,
        tail,
        old: split(&old[head..old.len() - tail]),
        new: split(&new[head..new.len() - tail]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(text: &str) -> Vec<&str> {
        text.split_word_bounds().collect()
    }

    /// Every character [`class`] knows.
    fn known() -> Vec<char> {
        (0u32..0x3000)
            .filter_map(char::from_u32)
            .filter(|&c| class(c).is_some())
            .collect()
    }

    /// One character of each class, and some it does not know.
    const CONTEXT: &[char] = &[
        'a',
        'Z',
        'æ',
        'ª',
        '1',
        '0',
        ' ',
        '\n',
        '\r',
        '\u{b}',
        ':',
        '·',
        '.',
        '\'',
        '’',
        ',',
        ';',
        '_',
        '\u{202f}',
        '-',
        '\t',
        '"',
        '“',
        '\u{a0}',
        '\u{301}',
        '\u{ad}',
        '\u{200d}',
        '👍',
        'א',
        'カ',
        '\u{1f1e9}',
    ];

    #[test]
    fn every_known_character_is_cut_as_unicode_segmentation_cuts_it() {
        let mut s = String::new();
        for c in known() {
            for &p in CONTEXT {
                for &q in CONTEXT {
                    // `c` before, between and after two others: every
                    // place a rule looks at.
                    for shape in [[p, c, q], [c, p, q], [p, q, c]] {
                        s.clear();
                        s.extend(shape);
                        assert_eq!(split(&s), reference(&s), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn danish_prose_takes_the_quick_path() {
        let text =
            "Kræftplan IV’s mål: 1.000 patienter, 3,5 % – «færre» “ventetider” i 2024 … o.l.\r\n";
        assert!(split_known(text).is_some());
        assert_eq!(split(text), reference(text));
        assert!(split_known("a\u{301}").is_none());
        assert!(split_known("👍").is_none());
        assert_eq!(split(""), Vec::<&str>::new());
    }

    fn text(pool: Vec<char>) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(pool), 0..40)
            .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Random text of known characters only: the quick path.
        #[test]
        fn known_text_is_cut_the_same(s in text(known())) {
            prop_assert!(split_known(&s).is_some());
            prop_assert_eq!(split(&s), reference(&s));
        }

        /// Few classes, so that chains such as `a.b:c`, `1,5.0` and `x_1`
        /// come up often.
        #[test]
        fn chains_are_cut_the_same(s in text("aæ1.,:;'’·_ \n\r\u{202f}-".chars().collect())) {
            prop_assert!(split_known(&s).is_some());
            prop_assert_eq!(split(&s), reference(&s));
        }

        /// Cutting at a safe place and cutting each part gives the pieces
        /// of cutting the whole.
        #[test]
        fn safe_cuts_do_not_move_boundaries(s in text(
            "ab 1 a.b 2,3 æ ’:'\u{301}\u{ad}👍🇩\n\r-_".chars().collect()
        )) {
            let whole = reference(&s);
            for i in (0..s.len()).filter(|&i| safe_cut(s.as_bytes(), i)) {
                let mut parts = split(&s[..i]);
                parts.extend(split(&s[i..]));
                prop_assert_eq!(&parts, &whole, "cut at {}", i);
            }
        }

        /// The shared start and end are those a byte at a time finds.
        #[test]
        fn same_start_and_end_count_every_byte(
            x in prop::collection::vec(prop::sample::select(vec![b'a', b'b', 0xc3, 0xa6]), 0..80),
            y in prop::collection::vec(prop::sample::select(vec![b'a', b'b', 0xc3, 0xa6]), 0..80),
            shared in prop::collection::vec(any::<u8>(), 0..70),
        ) {
            let (a, b) = ([&shared[..], &x].concat(), [&shared[..], &y].concat());
            let start = a.iter().zip(&b).take_while(|(p, q)| p == q).count();
            prop_assert_eq!(same_start(&a, &b), start);
            let (a, b) = ([&x[..], &shared].concat(), [&y[..], &shared].concat());
            let end = a.iter().rev().zip(b.iter().rev()).take_while(|(p, q)| p == q).count();
            prop_assert_eq!(same_end(&a, &b), end);
        }

        /// Two versions sharing a start and an end are cut as each whole:
        /// the head, the middle's pieces and the tail, the head and tail
        /// cut on their own, are the pieces of each version.
        #[test]
        fn pairs_are_cut_as_each_text(
            start in text("ab 1 æ.,’\u{301}👍".chars().collect()),
            x in text("ab 1 æ.,’\u{301}".chars().collect()),
            y in text("ab 1 æ.,’\u{301}".chars().collect()),
            end in text("ab 1 æ.,’\u{301}👍".chars().collect()),
        ) {
            let old = format!("{start}{x}{end}");
            let new = format!("{start}{y}{end}");
            let m = split_middle(&old, &new);
            prop_assert!(m.head + m.tail <= old.len().min(new.len()));
            prop_assert_eq!(&old[..m.head], &new[..m.head]);
            prop_assert_eq!(&old[old.len() - m.tail..], &new[new.len() - m.tail..]);
            for (version, middle) in [(&old, &m.old), (&new, &m.new)] {
                let mut pieces = split(&version[..m.head]);
                pieces.extend(middle);
                pieces.extend(split(&version[version.len() - m.tail..]));
                prop_assert_eq!(pieces, reference(version));
            }
        }

        /// Danish-ish text with digits, punctuation, emoji and combining
        /// marks mixed in.
        #[test]
        fn mixed_text_is_cut_the_same(s in text(
            "aeøæåÅ Ø 1209.,;:'’‘_–—“”…\n\r\t\u{a0}\u{202f}\u{301}\u{30a}\u{ad}\u{200d}👍🏽🇩🇰אカ·ªµ×"
                .chars()
                .collect()
        )) {
            prop_assert_eq!(split(&s), reference(&s));
        }
    }
}
