//! A round's results as plain text lines for a terminal: the aggregate
//! order with a small range bar per recommendation (where each member put
//! it), agreement, the items to discuss and the movement since the last
//! round. Readable at 80 columns and without colour: every mark is a
//! character. Each span carries a [`SpanKind`] that a face may style
//! (the terminal UI maps it to a ratatui style); the command line prints
//! the text as it is. User text is made safe for the terminal here.

use unicode_width::UnicodeWidthStr;

use super::results::{ItemResult, Results, Status};
use crate::i18n::{Lang, lang};
use crate::text::for_terminal;
use crate::tr;

/// What a span is, for a face that styles it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    Plain,
    /// A section heading.
    Heading,
    /// A range bar.
    Bar,
    /// A place that differs from the writers' order, or a movement.
    Differs,
    /// Explanations and small print.
    Faint,
}

/// A run of text with one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSpan {
    pub text: String,
    pub kind: SpanKind,
}

/// One line of output.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TextLine {
    pub spans: Vec<TextSpan>,
}

impl TextLine {
    /// The line's text without kinds.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    fn push(&mut self, kind: SpanKind, text: impl Into<String>) -> &mut Self {
        self.spans.push(TextSpan {
            text: text.into(),
            kind,
        });
        self
    }
}

fn line(kind: SpanKind, text: impl Into<String>) -> TextLine {
    let mut l = TextLine::default();
    l.push(kind, text);
    l
}

/// User text on one line, safe for a terminal.
fn safe(s: &str) -> String {
    for_terminal(&crate::text::collapse_ws(s), false).into_owned()
}

/// A number with `decimals` decimals, with a decimal comma in Danish.
pub fn number(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match lang() {
        Lang::Da => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A p-value as people read it: `0,012`, `< 0,001`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        format!("< {}", number(0.001, 3))
    } else {
        number(p, 3)
    }
}

/// How strong an agreement W describes, in words: the band around the
/// nearest of Schmidt's (1997) reference points 0.1 very weak, 0.3 weak,
/// 0.5 moderate, 0.7 strong and 0.9 unusually strong.
pub fn agreement_words(w: f64) -> String {
    if w < 0.2 {
        tr!("meget svag enighed", "very weak agreement")
    } else if w < 0.4 {
        tr!("svag enighed", "weak agreement")
    } else if w < 0.6 {
        tr!("moderat enighed", "moderate agreement")
    } else if w < 0.8 {
        tr!("stærk enighed", "strong agreement")
    } else {
        tr!("meget stærk enighed", "very strong agreement")
    }
}

/// The most characters a range bar takes (more places share characters).
pub const MAX_BAR: usize = 20;

/// The range bar of one item: one character per place (1 on the left), a
/// digit for how many members put it there (`#` for ten or more), `─`
/// between the highest and the lowest place given, `·` elsewhere. With
/// more than [`MAX_BAR`] places, neighbouring places share a character.
pub fn range_bar(item: &ItemResult) -> String {
    let places = item.positions.len();
    let cells = places.min(MAX_BAR);
    let mut out = String::with_capacity(cells + 2);
    out.push('│');
    for c in 0..cells {
        let from = c * places / cells;
        let to = ((c + 1) * places / cells).max(from + 1);
        let count: usize = item.positions[from..to].iter().sum();
        let inside = match (item.min_rank, item.max_rank) {
            (Some(lo), Some(hi)) => from < hi && to >= lo,
            _ => false,
        };
        out.push(match count {
            0 if inside => '─',
            0 => '·',
            1..=9 => char::from(b'0' + count as u8),
            _ => '#',
        });
    }
    out.push('│');
    out
}

/// The writers' mark of an item: `↑2` when the group puts it two places
/// higher than the writers do, `↓1` one lower, `udgået` when dropped.
pub fn difference(item: &ItemResult) -> Option<String> {
    if item.dropped {
        return Some(tr!("udgået", "dropped"));
    }
    let w = item.writers_rank?;
    let a = item.aggregate_rank;
    match a.cmp(&w) {
        std::cmp::Ordering::Less => Some(format!("↑{}", w - a)),
        std::cmp::Ordering::Greater => Some(format!("↓{}", a - w)),
        std::cmp::Ordering::Equal => None,
    }
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

fn right(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(w)).collect();
    out.push_str(s);
    out
}

/// Cuts `s` to at most `width` columns, with `…` when cut.
fn fit(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if UnicodeWidthStr::width(next.as_str()) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Breaks text into lines of at most `width` columns at spaces (a word
/// longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word = fit(word, width);
        let extra = if current.is_empty() { 0 } else { 1 };
        if UnicodeWidthStr::width(current.as_str()) + extra + UnicodeWidthStr::width(word.as_str())
            > width
            && !current.is_empty()
        {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_string(), |v| number(v, decimals))
}

/// The heading line of a round: its number, meeting and status.
pub fn title(r: &Results) -> String {
    let mut s = tr!("Prioriteringsrunde {}", "Ranking round {}", r.round);
    if let Some(m) = r.meeting {
        s.push_str(&tr!(" (til møde {m})", " (for meeting {m})"));
    }
    s.push_str(" – ");
    s.push_str(&match (r.status, r.closed, r.closes) {
        (Status::Closed, Some(at), _) => {
            tr!(
                "lukket {}",
                "closed {}",
                crate::export::words::date(lang(), at.date_naive())
            )
        }
        (Status::Closed, None, Some(d)) => tr!(
            "lukket ved fristen {}",
            "closed at its deadline {}",
            crate::export::words::date(lang(), d)
        ),
        (Status::Closed, None, None) => tr!("lukket", "closed"),
        (Status::Open, _, Some(d)) => tr!(
            "åben til og med {}",
            "open until {} inclusive",
            crate::export::words::date(lang(), d)
        ),
        (Status::Open, _, None) => tr!(
            "åben, til en skribent lukker den",
            "open until a writer closes it"
        ),
    });
    s
}

/// The agreement line: W, chi-square, degrees of freedom, p, in words.
pub fn agreement(r: &Results) -> String {
    match (r.kendalls_w, r.chi_square, r.df, r.p_value) {
        (Some(w), Some(chi), Some(df), Some(p)) => tr!(
            "Kendalls W = {} (χ² = {}, fg = {df}, p {}): {}",
            "Kendall's W = {} (χ² = {}, df = {df}, p {}): {}",
            number(w, 2),
            number(chi, 1),
            if p < 0.001 {
                p_value(p)
            } else {
                format!("= {}", p_value(p))
            },
            agreement_words(w)
        ),
        _ => tr!(
            "Kendalls W kræver mindst to rangordninger",
            "Kendall's W needs at least two rankings"
        ),
    }
}

/// The whole picture, for a terminal `width` columns wide (at least 60
/// are used).
pub fn render(r: &Results, width: usize) -> Vec<TextLine> {
    let width = width.max(60);
    let mut out = Vec::new();
    out.push(line(SpanKind::Heading, title(r)));
    let count = crate::i18n::count(
        r.rankings,
        &tr!("rangordning", "ranking"),
        &tr!("rangordninger", "rankings"),
    );
    let mut who = TextLine::default();
    who.push(SpanKind::Plain, count);
    if !r.not_submitted.is_empty() {
        let names: Vec<String> = r.not_submitted.iter().map(|n| safe(n)).collect();
        who.push(
            SpanKind::Faint,
            fit(
                &tr!("; mangler fra {}", "; missing from {}", names.join(", ")),
                width.saturating_sub(20),
            ),
        );
    }
    out.push(who);
    out.push(line(SpanKind::Plain, agreement(r)));
    if r.p_value.is_some_and(|p| p >= 0.05) {
        // Few rankings: W could be this high by chance.
        out.push(line(
            SpanKind::Faint,
            tr!(
                "Så få rangordninger kan være enige af en tilfældighed (p ≥ 0,05).",
                "So few rankings may agree by chance (p ≥ 0.05)."
            ),
        ));
    }
    out.push(TextLine::default());

    // The table.
    let places = r.items.len();
    let bar = places.min(MAX_BAR) + 2;
    let (nr, num, mark) = (4, 6, 8);
    let title_w = width
        .saturating_sub(nr + 1 + bar + 1 + 3 * num + 5 + mark)
        .max(12);
    let mut head = TextLine::default();
    head.push(
        SpanKind::Heading,
        format!(
            "{}{} {} {}{}{}{}",
            pad(&tr!(" Nr", " No"), nr),
            pad(&tr!("Anbefaling", "Recommendation"), title_w),
            pad(&tr!("Pladser", "Places"), bar),
            right(&tr!("Gns.", "Mean"), num),
            right(&tr!("Med.", "Med."), num),
            right("IQR", num),
            right(&tr!("Skr.", "Wr."), 5),
        ),
    );
    out.push(head);
    for item in &r.items {
        let mut l = TextLine::default();
        l.push(
            SpanKind::Plain,
            format!("{}. ", right(&item.aggregate_rank.to_string(), nr - 2)),
        );
        l.push(
            SpanKind::Plain,
            format!("{} ", pad(&fit(&safe(&item.title), title_w), title_w)),
        );
        l.push(SpanKind::Bar, range_bar(item));
        l.push(
            SpanKind::Plain,
            format!(
                " {}{}{}{}",
                right(&opt(item.mean_rank, 1), num),
                right(&opt(item.median_rank, 1), num),
                right(&opt(item.iqr, 1), num),
                right(
                    &item
                        .writers_rank
                        .map_or_else(|| "–".to_string(), |w| w.to_string()),
                    5
                ),
            ),
        );
        if let Some(d) = difference(item) {
            l.push(SpanKind::Differs, format!(" {d}"));
        }
        out.push(l);
    }
    out.push(line(
        SpanKind::Faint,
        tr!(
            "Pladser: ét tegn pr. plads, nr. 1 til venstre; tallet er antal medlemmer,",
            "Places: one character per place, no. 1 on the left; the digit is how many"
        ),
    ));
    out.push(line(
        SpanKind::Faint,
        tr!(
            "─ spænder fra højeste til laveste plads. Skr. er skribenternes rækkefølge;",
            "members put it there, ─ spans highest to lowest. Wr. is the writers' order;"
        ),
    ));
    out.push(line(
        SpanKind::Faint,
        tr!(
            "↑2: gruppen sætter den 2 pladser højere end skribenterne. Orden: Borda-point.",
            "↑2: the group puts it 2 places higher than the writers. Order: Borda points."
        ),
    ));

    // Where the group disagrees most.
    let wide: Vec<&ItemResult> = r
        .widest_spread
        .iter()
        .filter_map(|s| r.items.iter().find(|i| &i.slug == s))
        .filter(|i| i.iqr.unwrap_or(0.0) > 0.0)
        .take(3)
        .collect();
    if !wide.is_empty() {
        out.push(TextLine::default());
        out.push(line(
            SpanKind::Heading,
            tr!(
                "Størst uenighed – til drøftelse",
                "Widest disagreement – to discuss"
            ),
        ));
        for i in wide {
            let detail = tr!(
                " (IQR {}, pladser {}–{}, {} uden holdning)",
                " (IQR {}, places {}–{}, {} no opinion)",
                opt(i.iqr, 1),
                i.min_rank.unwrap_or(0),
                i.max_rank.unwrap_or(0),
                i.no_opinion
            );
            let room = width.saturating_sub(4 + UnicodeWidthStr::width(detail.as_str()));
            let mut l = TextLine::default();
            l.push(
                SpanKind::Plain,
                format!("  • {}", fit(&safe(&i.title), room)),
            );
            l.push(SpanKind::Faint, detail);
            out.push(l);
        }
    }

    // Agreement within organisation types.
    if r.by_organisation_type.len() > 1 {
        out.push(TextLine::default());
        out.push(line(
            SpanKind::Heading,
            tr!(
                "Enighed pr. organisationstype",
                "Agreement by organisation type"
            ),
        ));
        for g in &r.by_organisation_type {
            let value = match (g.kendalls_w, g.p_value) {
                (Some(w), Some(p)) => format!("W = {}, p {}", number(w, 2), {
                    if p < 0.001 {
                        p_value(p)
                    } else {
                        format!("= {}", p_value(p))
                    }
                }),
                _ => tr!(
                    "for få rangordninger til at måle",
                    "too few rankings to measure"
                ),
            };
            out.push(line(
                SpanKind::Plain,
                format!("  {} ({}): {value}", g.label, g.rankings),
            ));
        }
    }

    // Movement since the previous round.
    if let Some(p) = &r.previous {
        out.push(TextLine::default());
        out.push(line(
            SpanKind::Heading,
            tr!("Siden runde {}", "Since round {}", p.round),
        ));
        let w_line = match (p.kendalls_w, r.kendalls_w, p.kendalls_w_change) {
            (Some(before), Some(now), Some(change)) => format!(
                "  W {} → {} ({}{})",
                number(before, 2),
                number(now, 2),
                if change >= 0.0 { "+" } else { "" },
                number(change, 2)
            ),
            _ => tr!(
                "  W kan ikke sammenlignes (for få rangordninger)",
                "  W cannot be compared (too few rankings)"
            ),
        };
        out.push(line(SpanKind::Plain, w_line));
        let mut moved = false;
        for i in &r.items {
            if let Some(m) = i.moved.filter(|&m| m != 0) {
                moved = true;
                let arrow = if m > 0 {
                    format!("↑{m}")
                } else {
                    format!("↓{}", -m)
                };
                let mut l = TextLine::default();
                l.push(SpanKind::Differs, format!("  {} ", right(&arrow, 3)));
                l.push(
                    SpanKind::Plain,
                    fit(&safe(&i.title), width.saturating_sub(6)),
                );
                out.push(l);
            }
        }
        if !moved {
            out.push(line(
                SpanKind::Plain,
                tr!(
                    "  Ingen anbefaling har flyttet sig",
                    "  No recommendation has moved"
                ),
            ));
        }
        if !p.added.is_empty() {
            out.push(line(
                SpanKind::Faint,
                fit(
                    &tr!(
                        "  Nye i denne runde: {}",
                        "  New in this round: {}",
                        p.added.join(", ")
                    ),
                    width,
                ),
            ));
        }
        if !p.left_out.is_empty() {
            out.push(line(
                SpanKind::Faint,
                fit(
                    &tr!(
                        "  Ikke med i denne runde: {}",
                        "  Not in this round: {}",
                        p.left_out.join(", ")
                    ),
                    width,
                ),
            ));
        }
    }

    // The members' reasons.
    let reasons: Vec<(&ItemResult, &super::results::Reason)> = r
        .items
        .iter()
        .flat_map(|i| i.reasons.iter().map(move |x| (i, x)))
        .collect();
    if !reasons.is_empty() {
        out.push(TextLine::default());
        out.push(line(SpanKind::Heading, tr!("Begrundelser", "Reasons")));
        for (i, x) in reasons {
            let mut l = TextLine::default();
            l.push(
                SpanKind::Plain,
                fit(
                    &format!("  {}. {}", i.aggregate_rank, safe(&i.title)),
                    width,
                ),
            );
            out.push(l);
            for part in wrap(&format!("«{}»", safe(&x.text)), width.saturating_sub(6)) {
                out.push(line(SpanKind::Plain, format!("      {part}")));
            }
            out.push(line(
                SpanKind::Faint,
                fit(
                    &format!("      – {} ({})", safe(&x.name), safe(&x.organisation)),
                    width,
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::results::ItemResult;

    fn item(positions: Vec<usize>, min: Option<usize>, max: Option<usize>) -> ItemResult {
        ItemResult {
            slug: "a".into(),
            title: "A".into(),
            aggregate_rank: 1,
            mean_rank: None,
            median_rank: None,
            iqr: None,
            min_rank: min,
            max_rank: max,
            borda: 0.0,
            writers_rank: Some(3),
            n: positions.iter().sum(),
            no_opinion: 0,
            missing: 0,
            positions,
            dropped: false,
            moved: None,
            mean_rank_change: None,
            reasons: Vec::new(),
        }
    }

    #[test]
    fn range_bars_show_counts_and_span() {
        let i = item(vec![0, 3, 0, 0, 1, 0], Some(2), Some(5));
        assert_eq!(range_bar(&i), "│·3──1·│");
        let i = item(vec![12, 0, 0], Some(1), Some(1));
        assert_eq!(range_bar(&i), "│#··│");
        let i = item(vec![0; 4], None, None);
        assert_eq!(range_bar(&i), "│····│");
        // 40 places share 20 characters.
        let mut p = vec![0; 40];
        p[0] = 1;
        p[1] = 1;
        p[39] = 1;
        let i = item(p, Some(1), Some(40));
        let bar = range_bar(&i);
        assert_eq!(bar.chars().count(), 22);
        assert!(bar.starts_with("│2─"), "{bar}");
        assert!(bar.ends_with("─1│"), "{bar}");
    }

    #[test]
    fn differences_are_marked() {
        let mut i = item(vec![1], Some(1), Some(1));
        assert_eq!(difference(&i).as_deref(), Some("↑2"));
        i.aggregate_rank = 5;
        assert_eq!(difference(&i).as_deref(), Some("↓2"));
        i.aggregate_rank = 3;
        assert_eq!(difference(&i), None);
    }

    #[test]
    fn wrapping_keeps_words_and_width() {
        let lines = wrap("en to tre fire fem seks syv", 10);
        assert_eq!(lines, ["en to tre", "fire fem", "seks syv"]);
        assert!(
            wrap(&"x".repeat(30), 10)
                .iter()
                .all(|l| l.chars().count() <= 10)
        );
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(UnicodeWidthStr::width(fit("ææææææææ", 5).as_str()), 5);
    }
}
