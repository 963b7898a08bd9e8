//! A word-level three-way merge: the member's change to the words they saw,
//! carried over to the words that stand now.

use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// The merged words and whether both sides changed the same words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// The result, words joined by single spaces.
    pub text: String,
    /// True when the writer's edit and the member's change touch the same
    /// words; there the member's words were used, and the writer should read
    /// the result before confirming it.
    pub conflict: bool,
}

/// One side's change: base words `base` became `words`.
#[derive(Clone, Debug)]
struct Hunk {
    base: Range<usize>,
    words: Vec<String>,
    theirs: bool,
}

fn hunks(base: &[&str], side: &[&str], theirs: bool) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let words: Vec<String> = side[n].iter().map(|w| (*w).to_string()).collect();
        match out.last_mut() {
            Some(h) if h.base.end == o.start => {
                h.base.end = o.end;
                h.words.extend(words);
            }
            _ => out.push(Hunk {
                base: o,
                words,
                theirs,
            }),
        }
    }
    out
}

/// Two changes touch when their words overlap, or one inserts where the
/// other changes or inserts.
fn touch(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

/// `side`'s version of the base words `range`, given its hunks inside it.
fn side_words(base: &[&str], range: Range<usize>, side: &[&Hunk]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = range.start;
    for h in side {
        out.extend(base[at..h.base.start].iter().map(|w| (*w).to_string()));
        out.extend(h.words.iter().cloned());
        at = h.base.end;
    }
    out.extend(base[at..range.end].iter().map(|w| (*w).to_string()));
    out
}

/// Applies the change from `base` to `theirs` onto `ours`, word by word,
/// where `ours` did not change the same words.
pub fn merge3(base: &str, ours: &str, theirs: &str) -> Merged {
    let b: Vec<&str> = base.split_whitespace().collect();
    let o: Vec<&str> = ours.split_whitespace().collect();
    let t: Vec<&str> = theirs.split_whitespace().collect();
    let mut all = hunks(&b, &o, false);
    all.extend(hunks(&b, &t, true));
    all.sort_by_key(|h| (h.base.start, h.base.end));
    // Group changes that touch each other.
    let mut groups: Vec<(Range<usize>, Vec<Hunk>)> = Vec::new();
    for h in all {
        match groups.last_mut() {
            Some((r, members)) if touch(r, &h.base) => {
                r.start = r.start.min(h.base.start);
                r.end = r.end.max(h.base.end);
                members.push(h);
            }
            _ => groups.push((h.base.clone(), vec![h])),
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut conflict = false;
    let mut at = 0;
    for (range, members) in groups {
        out.extend(b[at..range.start].iter().map(|w| (*w).to_string()));
        let mine: Vec<&Hunk> = members.iter().filter(|h| !h.theirs).collect();
        let theirs: Vec<&Hunk> = members.iter().filter(|h| h.theirs).collect();
        let their_words = side_words(&b, range.clone(), &theirs);
        if theirs.is_empty() {
            out.extend(side_words(&b, range.clone(), &mine));
        } else {
            if !mine.is_empty() && side_words(&b, range.clone(), &mine) != their_words {
                conflict = true;
            }
            out.extend(their_words);
        }
        at = range.end;
    }
    out.extend(b[at..].iter().map(|w| (*w).to_string()));
    Merged {
        text: out.join(" "),
        conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_changes_both_survive() {
        let m = merge3(
            "Kommunerne skal tilbyde rehabilitering til alle patienter",
            "Kommunerne skal tilbyde rehabilitering til alle kræftpatienter",
            "Kommunerne bør tilbyde rehabilitering til alle patienter",
        );
        assert_eq!(
            m.text,
            "Kommunerne bør tilbyde rehabilitering til alle kræftpatienter"
        );
        assert!(!m.conflict);
    }

    #[test]
    fn the_same_words_changed_twice_is_a_conflict_with_the_members_words() {
        let m = merge3("a b c", "a x c", "a y c");
        assert_eq!(m.text, "a y c");
        assert!(m.conflict);
        let same = merge3("a b c", "a y c", "a y c");
        assert_eq!(same.text, "a y c");
        assert!(!same.conflict);
    }

    #[test]
    fn insertions_and_deletions() {
        assert_eq!(merge3("a b c d", "a b c d e", "a c d").text, "a c d e");
        assert_eq!(merge3("a b c", "x a b c", "a b c").text, "x a b c");
        assert_eq!(merge3("a b c", "a b c", "").text, "");
        assert_eq!(merge3("", "a", "b").text, "b");
    }

    proptest::proptest! {
        #[test]
        fn one_side_unchanged_gives_the_other(
            base in proptest::collection::vec("[abc]", 0..8),
            other in proptest::collection::vec("[abcd]", 0..8),
        ) {
            let (base, other) = (base.join(" "), other.join(" "));
            proptest::prop_assert_eq!(merge3(&base, &base, &other).text, other.clone());
            proptest::prop_assert_eq!(merge3(&base, &other, &base).text, other);
        }
    }
}
