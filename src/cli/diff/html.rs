//! The diff as one self-contained HTML page: inline CSS, no scripts, no
//! external requests; every piece of text is escaped; inserted words are
//! `<ins>`, deleted words `<del>`. Unchanged blocks of a changed chapter
//! are folded away in `<details>`, so the page holds the whole revised
//! chapter but shows the changes.

use std::fmt::Write as _;

use super::{move_notes, shown, side_in_prose, side_label};
use crate::anchor::Fate;
use crate::diff::{
    BlockChange, BlockDiff, BlockKind, ChapterDiff, ChapterStatus, Op, RecChange, RecFact, Segment,
    WorkspaceDiff,
};
use crate::i18n::{Lang, lang};
use crate::model::{Choice, Comment};
use crate::tr;

/// Text made safe for HTML content and attribute values. Control
/// characters, bidi overrides and zero-width characters are first shown as
/// visible escapes (as in the terminal), so nobody's text can disguise
/// itself on the page either.
pub fn escape(s: &str) -> String {
    let s = crate::text::for_terminal(s, true);
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:2px solid #ddd}
h3{margin-bottom:.2rem}.meta,.note{color:#555;margin-top:0}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.block{white-space:pre-wrap;margin:.4rem 0;padding:.2rem .6rem;border-left:4px solid transparent}
.block.heading{font-weight:bold}
.block.changed{border-color:#e0a800}.block.inserted{border-color:#2e7d32}.block.deleted{border-color:#c62828}
.block.moved{border-color:#0277bd}.movenote{color:#0277bd;font-size:.9rem;white-space:normal}
ins{background:#d7f5dd;color:#14532d;text-decoration:underline}
del{background:#fde2e1;color:#7f1d1d;text-decoration:line-through}
details{margin:.4rem 0;color:#444}summary{cursor:pointer;color:#666;font-size:.9rem}
.comment{margin:.8rem 0;padding:.4rem .8rem;background:#f6f6f8;border-radius:4px}
.comment .body{white-space:pre-wrap}.quote{font-style:italic}
.fate{font-weight:bold}.fate.exact{color:#2e7d32}.fate.orphaned,.fate.chapter_gone{color:#c62828}
.fate.fuzzy,.fate.section,.fate.moved{color:#b26a00}
@media print{details{display:block}summary{display:none}}
";

fn segments_html(segs: &[Segment]) -> String {
    let mut out = String::new();
    for s in shown(segs) {
        let t = escape(&s.text);
        match s.op {
            Op::Equal => out.push_str(&t),
            Op::Insert => {
                let _ = write!(out, "<ins>{t}</ins>");
            }
            Op::Delete => {
                let _ = write!(out, "<del>{t}</del>");
            }
        }
    }
    out
}

fn change_class(c: BlockChange) -> &'static str {
    match c {
        BlockChange::Unchanged => "unchanged",
        BlockChange::Inserted => "inserted",
        BlockChange::Deleted => "deleted",
        BlockChange::Changed => "changed",
        BlockChange::Moved => "moved",
    }
}

fn kind_class(k: BlockKind) -> &'static str {
    match k {
        BlockKind::Heading => "heading",
        BlockKind::Paragraph => "paragraph",
        BlockKind::ListItem => "item",
        BlockKind::Code => "code",
        BlockKind::Blank => "blank",
    }
}

/// The whole page.
pub fn page(d: &WorkspaceDiff) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = tr!("Ændringer i «{}»", "Changes to «{}»", d.title);
    let lang = match lang() {
        Lang::Da => "da",
        Lang::En => "en",
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"meta\">{} {} → {}</p>\n",
        escape(&title),
        escape(&title),
        escape(&tr!("Fra", "From")),
        escape(&side_label(&d.from)),
        escape(&side_label(&d.to)),
    );
    if let Some(c) = &d.chapter {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}</p>",
            escape(&tr!(
                "Kun kapitlet «{c}» og det, der hører til det.",
                "Only the chapter «{c}» and what belongs to it."
            ))
        );
    }
    o.push_str("</header>\n");
    chapters(&mut o, d);
    recommendations(&mut o, d);
    comments(&mut o, d);
    let _ = write!(
        o,
        "<footer><p class=\"meta\">{}</p></footer>\n</body>\n</html>\n",
        escape(&tr!("Lavet med oplaeg diff.", "Made with oplaeg diff."))
    );
    o
}

fn chapter_heading(c: &ChapterDiff) -> String {
    let side = c.side();
    let number = match (&c.from, &c.to) {
        (Some(f), Some(t)) if f.number != t.number => format!("{} → {}", f.number, t.number),
        _ => side.number.to_string(),
    };
    format!("{} {number} {}", tr!("Kapitel", "Chapter"), side.title)
}

fn status_label(c: &ChapterDiff) -> String {
    let mut s = match c.status {
        ChapterStatus::Added => tr!("nyt", "new"),
        ChapterStatus::Removed => tr!("fjernet", "removed"),
        ChapterStatus::Unreadable => tr!("kan ikke læses", "cannot be read"),
        ChapterStatus::Changed => tr!("ændret", "changed"),
        ChapterStatus::Unchanged => tr!("teksten uændret", "text unchanged"),
    };
    if let Some(f) = c.from.as_ref().filter(|_| c.renamed || c.renumbered) {
        s.push_str(&tr!(", omdøbt fra {}", ", renamed from {}", f.file));
    }
    s
}

fn chapters(o: &mut String, d: &WorkspaceDiff) {
    let _ = writeln!(
        o,
        "<section id=\"kapitler\">\n<h2>{}</h2>",
        escape(&tr!("Kapitler", "Chapters"))
    );
    let changed: Vec<&ChapterDiff> = d.chapters.iter().filter(|c| !c.is_unchanged()).collect();
    let s = &d.summary;
    let _ = writeln!(
        o,
        "<p>{}</p>",
        escape(&tr!(
            "{} ændrede, {} nye, {} fjernede, {} uændrede kapitler · {} ord tilføjet, {} ord fjernet, {} afsnit flyttet.",
            "{} changed, {} new, {} removed, {} unchanged chapters · {} words added, {} words removed, {} blocks moved.",
            s.chapters.changed,
            s.chapters.added,
            s.chapters.removed,
            s.chapters.unchanged,
            s.words_added,
            s.words_removed,
            s.blocks_moved
        ))
    );
    if !changed.is_empty() {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            escape(&tr!("Kapitel", "Chapter")),
            escape(&tr!("Ændring", "Change")),
            escape(&tr!("Ord +", "Words +")),
            escape(&tr!("Ord −", "Words −")),
            escape(&tr!("Flyttet", "Moved")),
        );
        for c in &changed {
            let slug = &c.side().slug;
            let _ = writeln!(
                o,
                "<tr><td><a href=\"#kap-{}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(slug),
                escape(&chapter_heading(c)),
                escape(&status_label(c)),
                c.summary.words_added,
                c.summary.words_removed,
                c.summary.blocks_moved
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    for c in changed {
        let _ = writeln!(
            o,
            "<article class=\"chapter\" id=\"kap-{}\">\n<h3>{}</h3>\n<p class=\"note\">{} · {}</p>",
            escape(&c.side().slug),
            escape(&chapter_heading(c)),
            escape(&c.side().file),
            escape(&status_label(c))
        );
        blocks(o, &c.blocks);
        o.push_str("</article>\n");
    }
    o.push_str("</section>\n");
}

fn block_html(o: &mut String, b: &BlockDiff, note: Option<&String>) {
    let _ = write!(
        o,
        "<div class=\"block {} {}\">",
        change_class(b.change),
        kind_class(b.kind)
    );
    if let Some(n) = note {
        let _ = write!(o, "<div class=\"movenote\">{}</div>", escape(n));
    }
    o.push_str(&segments_html(&b.segments));
    o.push_str("</div>\n");
}

fn blocks(o: &mut String, blocks: &[BlockDiff]) {
    let notes = move_notes(blocks);
    let mut k = 0;
    while k < blocks.len() {
        if blocks[k].change != BlockChange::Unchanged {
            block_html(o, &blocks[k], notes[k].as_ref());
            k += 1;
            continue;
        }
        let start = k;
        while k < blocks.len() && blocks[k].change == BlockChange::Unchanged {
            k += 1;
        }
        let n = k - start;
        let label = if n == 1 {
            tr!("1 uændret afsnit", "1 unchanged block")
        } else {
            tr!("{n} uændrede afsnit", "{n} unchanged blocks")
        };
        let _ = writeln!(o, "<details><summary>{}</summary>", escape(&label));
        for b in &blocks[start..k] {
            block_html(o, b, None);
        }
        o.push_str("</details>\n");
    }
}

fn recommendations(o: &mut String, d: &WorkspaceDiff) {
    let _ = writeln!(
        o,
        "<section id=\"anbefalinger\">\n<h2>{}</h2>",
        escape(&tr!("Anbefalinger", "Recommendations"))
    );
    let changed: Vec<_> = d
        .recommendations
        .iter()
        .filter(|r| r.change != RecChange::Unchanged)
        .collect();
    if changed.is_empty() {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            escape(&tr!("Ingen ændringer.", "No changes."))
        );
    }
    for r in changed {
        let rank = match (r.from_rank, r.to_rank) {
            (Some(a), Some(b)) if a != b => format!("#{a} → #{b}"),
            (_, Some(b)) => format!("#{b}"),
            (Some(a), None) => format!("#{a}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            o,
            "<article class=\"rec\" id=\"anb-{}\">\n<h3>{} {}</h3>",
            escape(&r.slug),
            escape(&rank),
            escape(&r.title)
        );
        let notes: Vec<String> = r.facts().iter().map(RecFact::describe).collect();
        for n in notes {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(&n));
        }
        for f in &r.fields {
            let _ = writeln!(
                o,
                "<h4>{}</h4>\n<div class=\"block changed\">{}</div>",
                escape(&f.field.label()),
                segments_html(&f.segments)
            );
        }
        o.push_str("</article>\n");
    }
    o.push_str("</section>\n");
}

fn comment_html(o: &mut String, d: &WorkspaceDiff, c: &Comment, response: bool) {
    let target = if c.reply_to.is_some() {
        tr!("svar", "reply")
    } else {
        d.target_name(c)
    };
    let _ = write!(
        o,
        "<div class=\"comment\" id=\"c-{}\"><p class=\"meta\">{} · {} ({}) · {}</p>",
        escape(&c.id),
        escape(&c.created.format("%Y-%m-%d").to_string()),
        escape(&c.author.organisation),
        escape(&c.author.name),
        escape(&target)
    );
    if let Some(a) = &c.target.anchor {
        let _ = write!(o, "<p class=\"quote\">«{}»</p>", escape(&a.quote));
    }
    if let (Some(sg), Some(a), Some(outcome)) = (
        &c.suggestion,
        &c.target.anchor,
        crate::suggest::Outcome::of(c),
    ) {
        let _ = write!(
            o,
            "<p class=\"suggestion\"><strong>{}</strong> ({}): {}<br><span class=\"meta\">{}</span></p>",
            escape(&tr!("Forslag til ny formulering", "Proposed new wording")),
            escape(&c.author.organisation),
            segments_html(&crate::suggest::proposed_change(&a.quote, &sg.text)),
            escape(&outcome.describe())
        );
    }
    if !c.body.trim().is_empty() {
        let _ = write!(o, "<p class=\"body\">{}</p>", escape(c.body.trim()));
    }
    if response && let Some(r) = &c.resolution {
        let _ = write!(
            o,
            "<p><strong>{}</strong> ({})</p><p class=\"body\">{}</p>",
            escape(r.disposition.label()),
            escape(&r.at.format("%Y-%m-%d").to_string()),
            escape(r.response.trim())
        );
    }
    o.push_str("</div>\n");
}

fn comments(o: &mut String, d: &WorkspaceDiff) {
    let c = &d.comments;
    let from = &side_in_prose(&d.from);
    let _ = writeln!(
        o,
        "<section id=\"kommentarer\">\n<h2>{}</h2>",
        escape(&tr!("Kommentarer", "Comments"))
    );
    let _ = writeln!(
        o,
        "<h3>{}</h3>",
        escape(&tr!(
            "Skrevet siden {from} ({})",
            "Written since {from} ({})",
            c.written.len()
        ))
    );
    for x in &c.written {
        comment_html(o, d, x, false);
    }
    let _ = writeln!(
        o,
        "<h3>{}</h3>",
        escape(&tr!(
            "Besvaret siden {from} ({})",
            "Resolved since {from} ({})",
            c.resolved.len()
        ))
    );
    for x in &c.resolved {
        comment_html(o, d, x, true);
    }
    if !c.withdrawn.is_empty() {
        let _ = writeln!(
            o,
            "<h3>{}</h3>",
            escape(&tr!(
                "Trukket tilbage siden {from} ({})",
                "Withdrawn since {from} ({})",
                c.withdrawn.len()
            ))
        );
        for x in &c.withdrawn {
            comment_html(o, d, x, false);
        }
    }
    let _ = writeln!(
        o,
        "<h3>{}</h3>",
        escape(&tr!(
            "Kommentarernes citater ved {}",
            "The comments' quotes at {}",
            side_in_prose(&d.to)
        ))
    );
    if c.anchors.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", escape(&tr!("Ingen.", "None.")));
    } else {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            escape(&tr!("Citatet", "The quote")),
            escape(&tr!("Kapitel", "Chapter")),
            escape(&tr!("Fra", "By")),
            escape(&tr!("Står nu", "Now")),
        );
        for a in &c.anchors {
            let (key, label) = match &a.placement {
                Some(p) => (
                    p.fate.key(),
                    match &p.fate {
                        Fate::Fuzzy { score } => {
                            format!("{} {:.0} %", p.fate.label(), score * 100.0)
                        }
                        Fate::Section { heading } => format!("{} «{heading}»", p.fate.label()),
                        f => f.label(),
                    },
                ),
                None => (
                    "chapter_gone",
                    tr!("kapitlet findes ikke", "the chapter is gone"),
                ),
            };
            let chapter = d.chapter_name(&a.chapter);
            let _ = writeln!(
                o,
                "<tr><td class=\"quote\">«{}»</td><td>{}</td><td>{}</td><td class=\"fate {key}\">{}</td></tr>",
                escape(&a.quote),
                escape(&chapter),
                escape(&a.author.organisation),
                escape(&label)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\"\u{1b}[31m\u{202e}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\\u{1b}[31m\\u{202e}"
        );
        assert_eq!(escape("æøå 👍🏽\n"), "æøå 👍🏽\n");
    }
}
