//! Word-level differences between two texts.
//!
//! Texts are split at Unicode word boundaries (UAX #29), so a word, a run of
//! spaces or a punctuation mark is one token and a grapheme cluster (æ written
//! as a + combining ring, an emoji with skin tone or ZWJ joins) is never split.
//! The tokens are diffed, and the result is a list of segments that rebuild
//! both texts exactly: the equal and deleted segments give the old text, the
//! equal and inserted segments the new one.

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// What happened to a segment of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// A run of text with what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub op: Op,
    pub text: String,
}

impl Segment {
    fn new(op: Op, text: &str) -> Segment {
        Segment {
            op,
            text: text.to_string(),
        }
    }
}

/// The tokens a text is compared by: words, runs of white space and single
/// other characters (each a whole grapheme cluster).
pub fn tokens(text: &str) -> Vec<&str> {
    super::bounds::split(text)
}

/// Whether a token is a word (counts toward "words added/removed").
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Number of words in a text.
pub fn count_words(text: &str) -> usize {
    tokens(text).into_iter().filter(|t| is_word(t)).count()
}

/// The word-level difference between `old` and `new`.
///
/// Changes next to each other are gathered into one deletion followed by one
/// insertion, also across single spaces between them, so an edited phrase
/// reads as `[-old phrase-]{+new phrase+}` rather than word by word.
pub fn diff_words(old: &str, new: &str) -> Vec<Segment> {
    if old == new {
        return if old.is_empty() {
            Vec::new()
        } else {
            vec![Segment::new(Op::Equal, old)]
        };
    }
    diff_cut(old, new, super::bounds::split_middle(old, new))
}

/// [`diff_words`] of two texts cut into tokens as `cut` says. What both
/// begin and end with (`cut.head`, `cut.tail`) is one equal run, joined to
/// the equal tokens the diff finds next to it, as a diff of every token
/// would have it; only the tokens in between are compared.
fn diff_cut(old: &str, new: &str, cut: super::bounds::Middle<'_>) -> Vec<Segment> {
    let super::bounds::Middle {
        head,
        tail,
        old: a,
        new: b,
    } = cut;
    // Where each token starts (and the end), so a run of tokens is a slice.
    let starts = |tokens: &[&str]| -> Vec<usize> {
        let mut at = Vec::with_capacity(tokens.len() + 1);
        let mut n = head;
        at.push(n);
        for t in tokens {
            n += t.len();
            at.push(n);
        }
        at
    };
    let (at_a, at_b) = (starts(&a), starts(&b));
    let mut raw: Vec<(Op, usize, usize)> = Vec::new(); // op, token range in a or b
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => raw.push((Op::Equal, old_range.start, old_range.end)),
            DiffTag::Delete => raw.push((Op::Delete, old_range.start, old_range.end)),
            DiffTag::Insert => raw.push((Op::Insert, new_range.start, new_range.end)),
            DiffTag::Replace => {
                raw.push((Op::Delete, old_range.start, old_range.end));
                raw.push((Op::Insert, new_range.start, new_range.end));
            }
        }
    }
    let text_of = |op: Op, start: usize, end: usize| -> &str {
        match op {
            Op::Insert => &new[at_b[start]..at_b[end]],
            _ => &old[at_a[start]..at_a[end]],
        }
    };

    // Gather: a change group collects deleted and inserted text; a short
    // equal run of white space between two changes joins the group (as both
    // deleted and inserted) instead of splitting it.
    let mut out: Vec<Segment> = Vec::new();
    if head > 0 {
        out.push(Segment::new(Op::Equal, &old[..head]));
    }
    let mut del = String::new();
    let mut ins = String::new();
    let flush = |out: &mut Vec<Segment>, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push(Segment::new(Op::Delete, del));
            del.clear();
        }
        if !ins.is_empty() {
            out.push(Segment::new(Op::Insert, ins));
            ins.clear();
        }
    };
    for (i, &(op, start, end)) in raw.iter().enumerate() {
        let text = text_of(op, start, end);
        match op {
            Op::Delete => del.push_str(text),
            Op::Insert => ins.push_str(text),
            Op::Equal => {
                let in_change = !del.is_empty() || !ins.is_empty();
                let change_follows = raw.get(i + 1).is_some_and(|n| n.0 != Op::Equal);
                let bridge = end - start == 1 && text.chars().all(char::is_whitespace);
                if in_change && change_follows && bridge {
                    del.push_str(text);
                    ins.push_str(text);
                } else {
                    flush(&mut out, &mut del, &mut ins);
                    push_equal(&mut out, text);
                }
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    if tail > 0 {
        push_equal(&mut out, &old[old.len() - tail..]);
    }
    words_first(&mut out);
    out
}

/// Appends equal text, to the last segment when that is equal too.
fn push_equal(out: &mut Vec<Segment>, text: &str) {
    match out.last_mut() {
        Some(last) if last.op == Op::Equal => last.text.push_str(text),
        _ => out.push(Segment::new(Op::Equal, text)),
    }
}

/// A word inserted or deleted between two equal runs reads as the word and
/// the space after it: where such a change begins with the white space the
/// equal text after it also begins with, that white space moves to its
/// end (`styrker{+ fremover+} den` becomes `styrker {+fremover +}den`; both
/// texts stay as they were). Which of the two a diff finds depends on the
/// rest of the paragraph; this way the same edit always looks the same.
fn words_first(out: &mut [Segment]) {
    for k in 1..out.len().saturating_sub(1) {
        if out[k].op == Op::Equal || out[k - 1].op != Op::Equal || out[k + 1].op != Op::Equal {
            continue;
        }
        let text = &out[k].text;
        let lead = text.len() - text.trim_start().len();
        if lead == 0 || lead == text.len() || out[k + 1].text.len() <= lead {
            continue;
        }
        if !out[k + 1].text.starts_with(&text[..lead]) {
            continue;
        }
        let white = text[..lead].to_string();
        out[k].text = format!("{}{white}", &text[lead..]);
        out[k - 1].text.push_str(&white);
        out[k + 1].text.drain(..lead);
    }
}

/// The old text a diff was made from.
pub fn old_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .filter(|s| s.op != Op::Insert)
        .map(|s| s.text.as_str())
        .collect()
}

/// The new text a diff was made to.
pub fn new_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .filter(|s| s.op != Op::Delete)
        .map(|s| s.text.as_str())
        .collect()
}

/// Words inserted and deleted by a diff.
pub fn word_counts(segments: &[Segment]) -> (usize, usize) {
    let mut added = 0;
    let mut removed = 0;
    for s in segments {
        match s.op {
            Op::Insert => added += count_words(&s.text),
            Op::Delete => removed += count_words(&s.text),
            Op::Equal => {}
        }
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn marked(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s.op {
                Op::Equal => s.text.clone(),
                Op::Insert => format!("{{+{}+}}", s.text),
                Op::Delete => format!("[-{}-]", s.text),
            })
            .collect()
    }

    #[test]
    fn marks_changed_words_inside_the_sentence() {
        let d = diff_words(
            "Regionerne skal sikre hurtig udredning.",
            "Regionerne og kommunerne skal sikre hurtig og ensartet udredning.",
        );
        assert_eq!(
            marked(&d),
            "Regionerne {+og kommunerne +}skal sikre hurtig {+og ensartet +}udredning."
        );
        assert_eq!(word_counts(&d), (4, 0));
    }

    #[test]
    fn a_replaced_phrase_is_one_change() {
        let d = diff_words("inden for tre år", "inden for fem til syv år");
        assert_eq!(marked(&d), "inden for [-tre-]{+fem til syv+} år");
        assert_eq!(word_counts(&d), (3, 1));
    }

    #[test]
    fn never_splits_letters_or_emoji() {
        // "å" written as a + combining ring, an emoji with a skin tone and a
        // family joined by ZWJ.
        let old = "på a\u{30a}r 👍🏽 og 👨‍👩‍👧 her";
        let new = "på a\u{30a}ret 👍🏿 og 👨‍👩‍👧 der";
        let d = diff_words(old, new);
        assert_eq!(old_text(&d), old);
        assert_eq!(new_text(&d), new);
        for s in &d {
            assert!(
                !s.text.starts_with('\u{30a}'),
                "split before a combining mark: {d:?}"
            );
            assert!(!s.text.starts_with('\u{1f3fd}') && !s.text.starts_with('\u{1f3ff}'));
            assert!(!s.text.starts_with('\u{200d}'));
        }
        assert!(
            d.iter()
                .any(|s| s.op == Op::Delete && s.text.contains("a\u{30a}r"))
        );
    }

    #[test]
    fn equal_texts_are_one_equal_segment() {
        assert_eq!(diff_words("", ""), vec![]);
        assert_eq!(
            diff_words("æble", "æble"),
            vec![Segment::new(Op::Equal, "æble")]
        );
        assert_eq!(diff_words("", "ny"), vec![Segment::new(Op::Insert, "ny")]);
    }

    fn danish_text() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "kræft",
            "plan",
            "ø",
            "å",
            "æble",
            "udredning",
            "a\u{30a}",
            "👍🏽",
            "og",
            "i",
            "patienter",
            "—",
            ",",
            ".",
            "\n",
            " ",
            "  ",
            "Region",
            "NKR",
            "3.",
        ]);
        prop::collection::vec(word, 0..40).prop_map(|w| w.join(" "))
    }

    #[test]
    fn an_inserted_word_is_shown_with_the_space_after_it() {
        let old = "Forløbskoordinatoren styrker antallet af hospicepladser.";
        let new = "Forløbskoordinatoren styrker fremover antallet af hospicepladser.";
        assert_eq!(
            marked(&diff_words(old, new)),
            "Forløbskoordinatoren styrker {+fremover +}antallet af hospicepladser."
        );
        // Also with another change earlier in the paragraph, where the
        // diff itself finds the insertion with its space before it.
        let old =
            "De efterspørger indsatsen mod senfølger. Koordinatoren styrker antallet af pladser.";
        let new = "De efterspørger arbejdet mod senfølger. Koordinatoren styrker fremover antallet af pladser.";
        assert_eq!(
            marked(&diff_words(old, new)),
            "De efterspørger [-indsatsen-]{+arbejdet+} mod senfølger. Koordinatoren styrker {+fremover +}antallet af pladser."
        );
        // A deleted word likewise.
        assert_eq!(
            marked(&diff_words(new, old)),
            "De efterspørger [-arbejdet-]{+indsatsen+} mod senfølger. Koordinatoren styrker [-fremover -]antallet af pladser."
        );
    }

    proptest! {
        /// What both versions begin and end with is left uncut
        /// ([`crate::diff::bounds::split_middle`]): the segments still
        /// rebuild both texts, none is empty, and that shared start and end
        /// are in equal segments (but for white space a lone change took
        /// from the equal text after it, see `words_first`).
        #[test]
        fn the_shared_start_and_end_stay_equal(
            start in danish_text(),
            x in danish_text(),
            y in danish_text(),
            end in danish_text(),
            glue in prop::sample::select(vec!["", " ", "  ", ".", "\n"]),
        ) {
            let old = format!("{start}{glue}{x}{glue}{end}");
            let new = format!("{start}{glue}{y}{glue}{end}");
            let d = diff_words(&old, &new);
            prop_assert_eq!(old_text(&d), old.clone());
            prop_assert_eq!(new_text(&d), new.clone());
            prop_assert!(d.iter().all(|s| !s.text.is_empty()));
            let m = crate::diff::bounds::split_middle(&old, &new);
            let leading: usize = d
                .iter()
                .take_while(|s| s.op == Op::Equal)
                .map(|s| s.text.len())
                .sum();
            prop_assert!(leading >= m.head, "{:?} {}", d, m.head);
            let trailing: usize = d
                .iter()
                .rev()
                .take_while(|s| s.op == Op::Equal)
                .map(|s| s.text.len())
                .sum();
            let white = old[old.len() - m.tail..].len()
                - old[old.len() - m.tail..].trim_start().len();
            prop_assert!(trailing + white >= m.tail, "{:?} {}", d, m.tail);
        }

        #[test]
        fn segments_rebuild_both_texts(old in danish_text(), new in danish_text()) {
            let d = diff_words(&old, &new);
            prop_assert_eq!(old_text(&d), old.clone());
            prop_assert_eq!(new_text(&d), new.clone());
            prop_assert!(d.iter().all(|s| !s.text.is_empty()));
            if old == new {
                prop_assert!(d.iter().all(|s| s.op == Op::Equal));
            }
        }
    }
}
