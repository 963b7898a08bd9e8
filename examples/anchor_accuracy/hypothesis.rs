//! A baseline: the quote matching Hypothesis describes for its annotation
//! client, written here from that description (not from its code).
//!
//! The quote is searched for with an error budget of half its length
//! (edit distance over characters, at most 256); when it occurs exactly,
//! only exact occurrences count. Each match is scored as
//! `50·quote + 20·prefix + 20·suffix + 2·position`, where `quote` is
//! 1 − errors/length, `prefix`/`suffix` are how well the 32 characters
//! recorded before and after the quote match the text just before and after
//! the match (1 − errors/length of the best approximate match), and
//! `position` is 1 − distance from the recorded position / text length. The
//! best match wins whatever its score: there is no minimum.

use std::ops::Range;

/// Characters of context Hypothesis records on each side.
pub const CONTEXT: usize = 32;

/// The best match of `quote` in `text` (byte range), with `prefix` and
/// `suffix` the text recorded around it and `hint` the character offset it
/// was recorded at.
pub fn match_quote(
    text: &str,
    quote: &str,
    prefix: &str,
    suffix: &str,
    hint: Option<usize>,
) -> Option<Range<usize>> {
    let t: Vec<char> = text.chars().collect();
    let q: Vec<char> = quote.chars().collect();
    if q.is_empty() {
        return None;
    }
    let max_errors = (q.len() / 2).min(256);
    let matches = search(&t, &q, max_errors);
    let p: Vec<char> = prefix.chars().collect();
    let s: Vec<char> = suffix.chars().collect();
    let mut best: Option<(f64, Range<usize>)> = None;
    for m in matches {
        let quote_score = 1.0 - m.errors as f64 / q.len() as f64;
        let prefix_score = if p.is_empty() {
            1.0
        } else {
            text_match_score(&t[m.start.saturating_sub(p.len())..m.start], &p)
        };
        let suffix_score = if s.is_empty() {
            1.0
        } else {
            text_match_score(&t[m.end..(m.end + s.len()).min(t.len())], &s)
        };
        let pos_score = hint.map_or(1.0, |h| {
            1.0 - (m.start as f64 - h as f64).abs() / t.len().max(1) as f64
        });
        let score =
            50.0 * quote_score + 20.0 * prefix_score + 20.0 * suffix_score + 2.0 * pos_score;
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, m.start..m.end));
        }
    }
    let (_, r) = best?;
    // Characters to bytes.
    let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(i, _)| i);
    Some(byte(r.start)..byte(r.end))
}

struct Match {
    start: usize,
    end: usize,
    errors: usize,
}

/// Exact occurrences if there are any, else every end position where the
/// pattern matches with at most `max_errors` edits (with the start of that
/// cheapest match).
fn search(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    let exact: Vec<Match> = (0..=text.len().saturating_sub(pattern.len()))
        .filter(|&i| text.len() >= pattern.len() && text[i..i + pattern.len()] == *pattern)
        .map(|i| Match {
            start: i,
            end: i + pattern.len(),
            errors: 0,
        })
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    approximate(text, pattern, max_errors)
}

/// Sellers' algorithm: edit distance of the pattern to any substring of the
/// text ending at each position, with the start of the substring.
fn approximate(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    let m = pattern.len();
    // Column j: cost[i] = edits to match pattern[..i] ending at text[..j];
    // start[i] = where that match starts in the text.
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut start: Vec<usize> = vec![0; m + 1];
    let mut out = Vec::new();
    for j in 1..=text.len() {
        let mut diag_cost = cost[0];
        let mut diag_start = start[0];
        cost[0] = 0;
        start[0] = j;
        for i in 1..=m {
            let (up_cost, up_start) = (cost[i], start[i]);
            let sub = diag_cost + usize::from(pattern[i - 1] != text[j - 1]);
            let del = cost[i - 1] + 1; // pattern char missing from the text
            let ins = up_cost + 1; // extra text char
            let (c, s) = if sub <= del && sub <= ins {
                (sub, diag_start)
            } else if ins <= del {
                (ins, up_start)
            } else {
                (del, start[i - 1])
            };
            diag_cost = up_cost;
            diag_start = up_start;
            cost[i] = c;
            start[i] = s;
        }
        if cost[m] <= max_errors {
            out.push(Match {
                start: start[m],
                end: j,
                errors: cost[m],
            });
        }
    }
    out
}

/// 1 − (errors of the best match of `pattern` in `text`) / pattern length;
/// 0 when either is empty.
fn text_match_score(text: &[char], pattern: &[char]) -> f64 {
    if text.is_empty() || pattern.is_empty() {
        return 0.0;
    }
    let matches = search(text, pattern, pattern.len());
    let errors = matches
        .iter()
        .map(|m| m.errors)
        .min()
        .unwrap_or(pattern.len());
    1.0 - errors as f64 / pattern.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exact_and_approximate() {
        let text = "alpha beta gamma delta";
        assert_eq!(match_quote(text, "gamma", "", "", None), Some(11..16));
        assert_eq!(match_quote(text, "gamna", "", "", None), Some(11..16));
        assert_eq!(match_quote(text, "zzzzzz", "", "", None), None);
    }
}
