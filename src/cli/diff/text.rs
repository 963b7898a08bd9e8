//! The diff as text for a terminal: inserted words green and underlined,
//! deleted words red and struck through; without colour (piped, `NO_COLOR`)
//! the same words are marked `{+…+}` and `[-…-]`. Everyone's text passes
//! through [`crate::text::for_terminal`] before it is styled.

use std::fmt::Write as _;

use super::{move_notes, n_of, nonzero_counts, shown, side_in_prose, side_label};
use crate::anchor::Fate;
use crate::diff::{
    BlockChange, BlockDiff, BlockKind, ChapterDiff, ChapterStatus, Op, RecChange, RecDiff, Segment,
    WorkspaceDiff,
};
use crate::i18n::count;
use crate::model::{Choice, Comment};
use crate::text::{for_terminal, truncate};
use crate::tr;

/// Colours or markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Colour,
    Plain,
}

const RESET: &str = "\x1b[0m";

/// What a piece of text is, for styling.
#[derive(Clone, Copy)]
enum Ink {
    Inserted,
    Deleted,
    Bold,
    Dim,
    Moved,
}

impl Style {
    /// Someone's text (already escaped) in `ink`; each line styled on its
    /// own so indentation stays unstyled.
    fn paint(self, ink: Ink, text: &str) -> String {
        match self {
            Style::Plain => match ink {
                Ink::Inserted => format!("{{+{text}+}}"),
                Ink::Deleted => format!("[-{text}-]"),
                _ => text.to_string(),
            },
            Style::Colour => {
                let code = match ink {
                    Ink::Inserted => "\x1b[32;4m",
                    Ink::Deleted => "\x1b[31;9m",
                    Ink::Bold => "\x1b[1m",
                    Ink::Dim => "\x1b[2m",
                    Ink::Moved => "\x1b[36m",
                };
                text.split('\n')
                    .map(|l| {
                        if l.is_empty() {
                            String::new()
                        } else {
                            format!("{code}{l}{RESET}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }
}

/// Safe text: control characters shown, newlines kept.
fn safe(s: &str) -> String {
    for_terminal(s, true).into_owned()
}

/// One line of safe text.
fn line(s: &str) -> String {
    for_terminal(s, false).into_owned()
}

/// Indents every line after the first.
fn indent(s: &str, by: &str) -> String {
    s.replace('\n', &format!("\n{by}"))
}

/// Segments as marked text, indented.
pub(in crate::cli) fn segments(style: Style, segs: &[Segment], by: &str) -> String {
    let mut out = String::new();
    for s in shown(segs) {
        let text = safe(&s.text);
        let painted = match s.op {
            Op::Equal => text,
            Op::Insert => style.paint(Ink::Inserted, &text),
            Op::Delete => style.paint(Ink::Deleted, &text),
        };
        out.push_str(&painted);
    }
    format!("{by}{}", indent(&out, by))
}

/// «+12 −3 ord»
fn word_delta(added: usize, removed: usize) -> String {
    tr!("+{added} −{removed} ord", "+{added} −{removed} words")
}

/// The whole diff as text.
pub fn render(d: &WorkspaceDiff, style: Style, stat: bool) -> String {
    let mut o = String::new();
    let bold = |t: &str| style.paint(Ink::Bold, t);
    let _ = writeln!(
        o,
        "{}",
        bold(&tr!("Ændringer i «{}»", "Changes to «{}»", line(&d.title)))
    );
    let _ = writeln!(
        o,
        "  {:<4} {}",
        tr!("fra", "from"),
        line(&side_label(&d.from))
    );
    let _ = writeln!(o, "  {:<4} {}", tr!("til", "to"), line(&side_label(&d.to)));
    if let Some(c) = &d.chapter {
        let _ = writeln!(
            o,
            "  {}",
            tr!(
                "kun kapitlet «{}» og det, der hører til det",
                "only the chapter «{}» and what belongs to it",
                line(c)
            )
        );
    }
    o.push('\n');
    chapters(&mut o, d, style, stat);
    recommendations(&mut o, d, style, stat);
    comments(&mut o, d, style, stat);
    o
}

fn chapter_title(c: &ChapterDiff) -> String {
    let side = c.side();
    let number = match (&c.from, &c.to) {
        (Some(f), Some(t)) if f.number != t.number => format!("{} → {}", f.number, t.number),
        _ => side.number.to_string(),
    };
    format!(
        "{} {number} {}",
        tr!("Kapitel", "Chapter"),
        line(&side.title)
    )
}

fn chapter_note(c: &ChapterDiff) -> String {
    let mut notes = Vec::new();
    match c.status {
        ChapterStatus::Added => notes.push(tr!("nyt", "new")),
        ChapterStatus::Removed => notes.push(tr!("fjernet", "removed")),
        ChapterStatus::Unreadable => notes.push(tr!(
            "filen kan ikke læses i den ene version – se `oplaeg status`",
            "the file cannot be read in one version – see `oplaeg status`"
        )),
        _ => {}
    }
    if let Some(f) = c.from.as_ref().filter(|_| c.renamed || c.renumbered) {
        notes.push(tr!("omdøbt fra {}", "renamed from {}", line(&f.file)));
    }
    if !matches!(
        c.status,
        ChapterStatus::Unchanged | ChapterStatus::Unreadable
    ) {
        let s = &c.summary;
        notes.push(word_delta(s.words_added, s.words_removed));
        let blocks = nonzero_counts([
            (s.blocks_added, tr!("nyt", "new"), tr!("nye", "new")),
            (
                s.blocks_changed,
                tr!("ændret", "changed"),
                tr!("ændrede", "changed"),
            ),
            (
                s.blocks_removed,
                tr!("slettet", "deleted"),
                tr!("slettede", "deleted"),
            ),
            (
                s.blocks_moved,
                tr!("flyttet", "moved"),
                tr!("flyttede", "moved"),
            ),
        ]);
        if !blocks.is_empty() {
            notes.push(format!(
                "{} {}",
                tr!("afsnit:", "blocks:"),
                blocks.join(", ")
            ));
        }
    } else {
        notes.push(tr!("teksten er uændret", "the text is unchanged"));
    }
    notes.join(" · ")
}

fn chapters(o: &mut String, d: &WorkspaceDiff, style: Style, stat: bool) {
    let s = &d.summary;
    let counts = &s.chapters;
    let _ = writeln!(
        o,
        "{}",
        style.paint(Ink::Bold, &tr!("Kapitler", "Chapters"))
    );
    let mut parts = vec![n_of(
        counts.changed,
        &tr!("ændret", "changed"),
        &tr!("ændrede", "changed"),
    )];
    parts.extend(nonzero_counts([
        (counts.added, tr!("nyt", "new"), tr!("nye", "new")),
        (
            counts.removed,
            tr!("fjernet", "removed"),
            tr!("fjernede", "removed"),
        ),
        (
            counts.renamed,
            tr!("omdøbt", "renamed"),
            tr!("omdøbte", "renamed"),
        ),
    ]));
    parts.push(n_of(
        counts.unchanged,
        &tr!("uændret", "unchanged"),
        &tr!("uændrede", "unchanged"),
    ));
    let _ = writeln!(
        o,
        "  {} · {}",
        parts.join(" · "),
        word_delta(s.words_added, s.words_removed)
    );
    let changed: Vec<&ChapterDiff> = d.chapters.iter().filter(|c| !c.is_unchanged()).collect();
    for c in &changed {
        let _ = writeln!(o, "  {}  ({})", chapter_title(c), chapter_note(c));
    }
    o.push('\n');
    if stat {
        return;
    }
    for c in changed {
        let _ = writeln!(
            o,
            "{} {}",
            style.paint(Ink::Bold, &format!("── {}", chapter_title(c))),
            style.paint(Ink::Dim, &format!("({})", line(&c.side().file)))
        );
        let _ = writeln!(o, "   {}", chapter_note(c));
        blocks(o, &c.blocks, style);
        o.push('\n');
    }
}

fn blocks(o: &mut String, blocks: &[BlockDiff], style: Style) {
    let notes = move_notes(blocks);
    let mut last_context: Option<usize> = None;
    let mut last_shown: Option<usize> = None;
    for (k, b) in blocks.iter().enumerate() {
        if b.change == BlockChange::Unchanged {
            continue;
        }
        // Context: the heading the change stands under, once.
        let heading_pos = (0..=k)
            .rev()
            .find(|&x| blocks[x].kind == BlockKind::Heading && blocks[x].new.is_some() && x != k);
        if last_shown.is_some_and(|s| s + 1 < k) || (last_shown.is_none() && k > 0) {
            if let Some(h) = heading_pos
                && last_context != Some(h)
                && last_shown.is_none_or(|s| s < h)
                && blocks[h].change == BlockChange::Unchanged
            {
                let _ = writeln!(
                    o,
                    "   {}",
                    style.paint(
                        Ink::Dim,
                        &format!("⋮ {}", line(blocks[h].new_text().trim()))
                    )
                );
                last_context = Some(h);
            } else {
                let _ = writeln!(o, "   {}", style.paint(Ink::Dim, "⋮"));
            }
        }
        last_shown = Some(k);
        if let Some(note) = &notes[k] {
            let _ = writeln!(o, "   {}", style.paint(Ink::Moved, &line(note)));
        }
        let _ = writeln!(o, "{}", segments(style, &b.segments, "   "));
    }
}

fn rank(r: &RecDiff) -> String {
    match (r.from_rank, r.to_rank) {
        (Some(a), Some(b)) if a != b => format!("#{a} → #{b}"),
        (_, Some(b)) => format!("#{b}"),
        (Some(a), None) => format!("#{a}"),
        (None, None) => String::new(),
    }
}

/// What changed about a recommendation, one note each (see
/// [`RecDiff::facts`]).
pub(in crate::cli) fn rec_notes(r: &RecDiff) -> Vec<String> {
    r.facts().iter().map(|f| line(&f.describe())).collect()
}

fn recommendations(o: &mut String, d: &WorkspaceDiff, style: Style, stat: bool) {
    let _ = writeln!(
        o,
        "{}",
        style.paint(Ink::Bold, &tr!("Anbefalinger", "Recommendations"))
    );
    let changed: Vec<&RecDiff> = d
        .recommendations
        .iter()
        .filter(|r| r.change != RecChange::Unchanged)
        .collect();
    if changed.is_empty() {
        let _ = writeln!(o, "  {}", tr!("ingen ændringer", "no changes"));
    }
    for r in changed {
        let notes = rec_notes(r);
        let _ = writeln!(
            o,
            "  {:<9} {}  ({})",
            rank(r),
            line(&r.title),
            notes.join(" · ")
        );
        if stat {
            continue;
        }
        for f in &r.fields {
            let _ = writeln!(o, "      {}:", f.field.label());
            let _ = writeln!(o, "{}", segments(style, &f.segments, "        "));
        }
    }
    o.push('\n');
}

fn who(c: &Comment) -> String {
    format!(
        "{} ({})",
        line(&c.author.organisation),
        line(&c.author.name)
    )
}

fn quote_of(c: &Comment) -> String {
    c.target
        .anchor
        .as_ref()
        .map(|a| format!(" «{}»", line(&truncate(&a.quote, 60))))
        .unwrap_or_default()
}

/// A suggestion's proposed change (deleted words struck, new words
/// marked), who proposed it and what became of it.
fn suggestion(o: &mut String, style: Style, x: &Comment) {
    let (Some(s), Some(a), Some(outcome)) = (
        &x.suggestion,
        &x.target.anchor,
        crate::suggest::Outcome::of(x),
    ) else {
        return;
    };
    let change = crate::suggest::proposed_change(&a.quote, &s.text);
    let _ = writeln!(
        o,
        "      {} ({}):",
        style.paint(
            Ink::Bold,
            &tr!("Forslag til ny formulering", "Proposed new wording")
        ),
        line(&x.author.organisation)
    );
    let _ = writeln!(o, "{}", segments(style, &change, "        "));
    let _ = writeln!(
        o,
        "      {} {}",
        tr!("Udfald:", "Outcome:"),
        outcome.describe()
    );
    if let crate::suggest::Outcome::Applied { text, .. } = &outcome
        && text != &s.text
    {
        let _ = writeln!(
            o,
            "      {} «{}»",
            tr!(
                "Indført med skribenternes tekst:",
                "Applied with the writers' text:"
            ),
            line(text)
        );
    }
}

fn comments(o: &mut String, d: &WorkspaceDiff, style: Style, stat: bool) {
    let c = &d.comments;
    let s = &d.summary.comments;
    let _ = writeln!(
        o,
        "{}",
        style.paint(Ink::Bold, &tr!("Kommentarer", "Comments"))
    );
    let from = line(&side_in_prose(&d.from));
    let top = s.written - s.replies;
    let _ = writeln!(
        o,
        "  {} {}, {}",
        tr!("Skrevet siden {from}:", "Written since {from}:"),
        count(
            top,
            &tr!("kommentar", "comment"),
            &tr!("kommentarer", "comments")
        ),
        count(s.replies, &tr!("svar", "reply"), &tr!("svar", "replies"))
    );
    if !stat {
        for x in &c.written {
            let kind = if x.reply_to.is_some() {
                tr!("svar", "reply")
            } else {
                d.target_name(x)
            };
            let _ = writeln!(
                o,
                "    {}  {} · {}{}",
                x.created.format("%Y-%m-%d"),
                who(x),
                line(&kind),
                quote_of(x)
            );
            suggestion(o, style, x);
            if !x.body.trim().is_empty() {
                let _ = writeln!(o, "      {}", indent(&safe(x.body.trim()), "      "));
            }
        }
    }
    let _ = writeln!(
        o,
        "  {} {}",
        tr!("Besvaret siden {from}:", "Resolved since {from}:"),
        s.resolved
    );
    if !stat {
        for x in &c.resolved {
            let Some(r) = &x.resolution else { continue };
            let _ = writeln!(
                o,
                "    {}  {} · {} · {}{}",
                r.at.format("%Y-%m-%d"),
                style.paint(Ink::Bold, r.disposition.label()),
                who(x),
                line(&d.target_name(x)),
                quote_of(x)
            );
            suggestion(o, style, x);
            let _ = writeln!(
                o,
                "      {} {}",
                tr!("Svar:", "Response:"),
                indent(&safe(r.response.trim()), "      ")
            );
        }
    }
    if s.withdrawn > 0 {
        let _ = writeln!(
            o,
            "  {} {}",
            tr!("Trukket tilbage siden {from}:", "Withdrawn since {from}:"),
            s.withdrawn
        );
        if !stat {
            for x in &c.withdrawn {
                let _ = writeln!(
                    o,
                    "    {} · {}{}",
                    who(x),
                    line(&d.target_name(x)),
                    quote_of(x)
                );
            }
        }
    }
    let f = &s.anchors;
    let to = line(&side_in_prose(&d.to));
    let mut fates = vec![n_of(
        f.exact,
        &tr!("uændret", "unchanged"),
        &tr!("uændrede", "unchanged"),
    )];
    fates.extend(nonzero_counts([
        (f.moved, tr!("flyttet", "moved"), tr!("flyttede", "moved")),
        (
            f.fuzzy,
            tr!("tilnærmet", "approximate"),
            tr!("tilnærmede", "approximate"),
        ),
        (
            f.section,
            tr!("kun afsnittet", "section only"),
            tr!("kun afsnittet", "section only"),
        ),
        (
            f.orphaned,
            tr!("forældreløs", "orphaned"),
            tr!("forældreløse", "orphaned"),
        ),
        (
            f.chapter_gone,
            tr!("kapitlet væk", "chapter gone"),
            tr!("kapitlet væk", "chapter gone"),
        ),
    ]));
    let _ = writeln!(
        o,
        "  {} {}",
        tr!(
            "Kommentarernes citater ved {to}:",
            "The comments' quotes at {to}:"
        ),
        if c.anchors.is_empty() && stat {
            "0".to_string()
        } else {
            fates.join(" · ")
        }
    );
    if stat {
        return;
    }
    for a in &c.anchors {
        let fate = match &a.placement {
            Some(p) => match &p.fate {
                Fate::Exact => continue,
                Fate::Fuzzy { score } => format!("{} {:.0} %", p.fate.label(), score * 100.0),
                Fate::Section { heading } => {
                    format!("{} «{}»", p.fate.label(), line(heading))
                }
                other => other.label(),
            },
            None => tr!("kapitlet findes ikke", "the chapter is gone"),
        };
        let chapter = line(&d.chapter_name(&a.chapter));
        let _ = writeln!(
            o,
            "    {}  {} · {} ({})",
            style.paint(Ink::Bold, &fate),
            chapter,
            line(&a.author.organisation),
            &a.id[..a.id.len().min(10)],
        );
        let _ = writeln!(o, "      «{}»", line(&a.quote));
        if let Some(p) = &a.placement
            && let Some(t) = &p.text
            && t != &a.quote
        {
            let _ = writeln!(o, "      → «{}»", line(t));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::blocks::{Context, diff_blocks_for};
    use proptest::prelude::*;

    /// A chapter of headings, paragraphs and list items from a few words.
    fn chapter() -> impl Strategy<Value = Vec<(u8, Vec<u8>)>> {
        prop::collection::vec((0u8..4, prop::collection::vec(0u8..12, 1..8)), 0..14)
    }

    fn markdown(blocks: &[(u8, Vec<u8>)]) -> String {
        const WORDS: [&str; 12] = [
            "kræft",
            "plan",
            "og",
            "patienter",
            "tidlig",
            "diagnose",
            "regioner",
            "skal",
            "sikre",
            "forløb",
            "æ",
            "2035.",
        ];
        let mut md = String::new();
        for (kind, words) in blocks {
            let text: Vec<&str> = words.iter().map(|w| WORDS[*w as usize]).collect();
            let lead = match kind {
                0 => "# ",
                1 => "- ",
                _ => "",
            };
            md.push_str(&format!("{lead}{}\n\n", text.join(" ")));
        }
        md
    }

    proptest! {
        /// The text output shows the same whether the diff kept the text
        /// of unchanged blocks or not (`DiffOptions::context`).
        #[test]
        fn text_output_needs_no_unchanged_text(
            a in chapter(),
            edits in prop::collection::vec((0usize..14, 0u8..4, prop::collection::vec(0u8..12, 1..8)), 0..5),
            cut in prop::option::of(0usize..14),
        ) {
            let mut b = a.clone();
            for (at, kind, words) in edits {
                let at = at.min(b.len());
                match kind {
                    // Edit a block, insert one, or move one to the end.
                    0 if at < b.len() => b[at].1 = words,
                    1 if at < b.len() => {
                        let moved = b.remove(at);
                        b.push(moved);
                    }
                    _ => b.insert(at, (kind, words)),
                }
            }
            if let Some(cut) = cut.filter(|c| *c < b.len()) {
                b.remove(cut);
            }
            let (old, new) = (markdown(&a), markdown(&b));
            let whole = diff_blocks_for(&old, &new, Context::Copied);
            let lean = diff_blocks_for(&old, &new, Context::Headings);
            prop_assert_eq!(whole.len(), lean.len());
            for style in [Style::Plain, Style::Colour] {
                let (mut x, mut y) = (String::new(), String::new());
                blocks(&mut x, &whole, style);
                blocks(&mut y, &lean, style);
                prop_assert_eq!(x, y);
            }
        }
    }
}
