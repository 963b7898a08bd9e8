//! `oplaeg diff [FROM] [TO]`: what changed between two versions, as text
//! (coloured on a terminal), JSON or one HTML page.

mod html;
mod text;

use std::io::{IsTerminal, Write};

use super::args::{DiffArgs, Format};
use super::{Cli, store};
use crate::diff::{
    self, BlockChange, BlockDiff, BlockKind, Context, DiffOptions, Op, Segment, WorkspaceDiff,
};
use crate::model::Workspace;
use crate::store::Rev;
use crate::tr;

/// `oplaeg diff`.
pub fn run(cli: &Cli, args: &DiffArgs) -> anyhow::Result<()> {
    let store = store(cli)?;
    let from = match &args.from {
        Some(f) => Rev::parse(f),
        None => diff::default_from(&store)?,
    };
    let to = args.to.as_deref().map_or_else(Rev::head, Rev::parse);
    let options = DiffOptions {
        chapter: args.chapter.clone(),
        detail: !args.stat,
        context: match cli.format {
            // The text shows what changed under its heading, not the rest.
            Format::Text => Context::Headings,
            // The JSON writes the unchanged blocks' text from TO's chapters.
            Format::Json => Context::Referenced,
            _ => Context::Copied,
        },
    };
    let (d, loaded) = diff::between_loaded(&store, &from, &to, &options)?;
    let result = print(cli, &d, &loaded.1, args.stat);
    // The process ends next: leave the memory to the operating system
    // instead of freeing a large diff and the two versions piece by piece.
    std::mem::forget((d, loaded));
    result
}

pub(super) use text::{Style, rec_notes, segments};

/// Colours on a terminal, markers when piped or with `NO_COLOR`.
pub(super) fn text_style() -> Style {
    if use_colour(std::io::stdout().is_terminal(), |k| std::env::var(k).ok()) {
        Style::Colour
    } else {
        Style::Plain
    }
}

/// `to`: the version compared to, as loaded for the diff.
fn print(cli: &Cli, d: &WorkspaceDiff, to: &Workspace, stat: bool) -> anyhow::Result<()> {
    match cli.format {
        Format::Json => {
            // Streamed through a buffer: rendering parts in parallel and
            // joining them was measured slower for a 10 MB diff.
            super::output::json(&diff::JsonView::of(d, to))
        }
        Format::Html => emit(&html::page(d)),
        // Refused before the command runs (see `cli::run`).
        Format::Md | Format::Docx => unreachable!("md/docx are export formats"),
        Format::Text => emit(&text::render(d, text_style(), stat)),
    }
}

/// Colour on a terminal (not `TERM=dumb`), or when `CLICOLOR_FORCE` asks
/// for it; never with `NO_COLOR` set (<https://no-color.org>).
fn use_colour(terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| var(k).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || (terminal && var("TERM").is_none_or(|t| t != "dumb"))
}

fn emit(s: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Segments as they are shown: white-space-only changes read as the new
/// white space, and the white space at the very end is left out.
fn shown(segments: &[Segment]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    for s in segments {
        let blank = s.text.trim().is_empty();
        let (op, text) = match s.op {
            Op::Delete if blank => continue,
            Op::Insert if blank => (Op::Equal, s.text.as_str()),
            op => (op, s.text.as_str()),
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(Segment {
                op,
                text: text.to_string(),
            }),
        }
    }
    while let Some(last) = out.last_mut() {
        let trimmed = last.text.trim_end().len();
        if trimmed == 0 {
            out.pop();
        } else {
            last.text.truncate(trimmed);
            break;
        }
    }
    out
}

/// For each block, the index (into `blocks`) of the heading it stands
/// under in TO and in FROM.
fn headings(blocks: &[BlockDiff]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let walk = |side: &dyn Fn(&BlockDiff) -> Option<usize>| {
        let mut order: Vec<(usize, usize)> = blocks
            .iter()
            .enumerate()
            .filter_map(|(k, b)| side(b).map(|i| (i, k)))
            .collect();
        order.sort_unstable();
        let mut current = None;
        let mut out = vec![None; blocks.len()];
        for (_, k) in order {
            out[k] = current;
            if blocks[k].kind == BlockKind::Heading {
                current = Some(k);
            }
        }
        out
    };
    (walk(&|b| b.new), walk(&|b| b.old))
}

/// A Markdown heading's words.
fn heading_text(markdown: &str) -> String {
    markdown.trim().trim_start_matches('#').trim().to_string()
}

/// For each moved block, a note on where it came from (unescaped text).
fn move_notes(blocks: &[BlockDiff]) -> Vec<Option<String>> {
    let (under_new, under_old) = headings(blocks);
    let name = |k: usize, new: bool| {
        heading_text(&if new {
            blocks[k].new_text()
        } else {
            blocks[k].old_text()
        })
    };
    blocks
        .iter()
        .enumerate()
        .map(|(k, b)| {
            if b.change != BlockChange::Moved {
                return None;
            }
            let note = match (b.kind, under_old[k], under_new[k]) {
                (BlockKind::Heading, Some(f), _) => {
                    let f = name(f, false);
                    tr!(
                        "↕ afsnittet er flyttet hertil; før stod det efter «{f}»",
                        "↕ the section moved here; it used to come after «{f}»"
                    )
                }
                (BlockKind::Heading, None, _) => {
                    tr!("↕ afsnittet er flyttet hertil", "↕ the section moved here")
                }
                (_, Some(f), Some(t)) if f == t => {
                    let h = name(t, true);
                    if blocks[t].change == BlockChange::Moved {
                        tr!(
                            "↕ flyttet med afsnittet «{h}»",
                            "↕ moved with the section «{h}»"
                        )
                    } else {
                        tr!(
                            "↕ flyttet inden for afsnittet «{h}»",
                            "↕ moved within the section «{h}»"
                        )
                    }
                }
                (_, Some(f), _) => {
                    let f = name(f, false);
                    tr!(
                        "↕ flyttet hertil fra afsnittet «{f}»",
                        "↕ moved here from the section «{f}»"
                    )
                }
                (_, None, _) => tr!(
                    "↕ flyttet hertil fra kapitlets begyndelse",
                    "↕ moved here from the start of the chapter"
                ),
            };
            Some(if b.edited {
                format!("{note} {}", tr!("og rettet", "and edited"))
            } else {
                note
            })
        })
        .collect()
}

/// How a side is named to people: `meeting/3` for a bare meeting number,
/// the working tree in words.
fn side_name(s: &diff::Side) -> String {
    if s.name == "worktree" {
        tr!("arbejdsmappen", "the working tree")
    } else if let Some(m) = s.meeting
        && s.name == m.to_string()
    {
        format!("meeting/{m}")
    } else {
        s.name.clone()
    }
}

/// A side as a sentence names it: "møde 3" for a meeting's tag (as the
/// Ændringer tab does), else as [`side_name`].
fn side_in_prose(s: &diff::Side) -> String {
    match s.meeting {
        Some(m) if s.name == m.to_string() || s.name == format!("meeting/{m}") => {
            tr!("møde {m}", "meeting {m}")
        }
        _ => side_name(s),
    }
}

/// `n` with the singular or plural form of a Danish adjective/participle.
fn n_of(n: usize, one: &str, many: &str) -> String {
    crate::i18n::count(n, one, many)
}

/// `n_of` for each kind whose count is not zero, in order.
fn nonzero_counts<const N: usize>(kinds: [(usize, String, String); N]) -> Vec<String> {
    kinds
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| n_of(n, &one, &many))
        .collect()
}

/// A short commit id.
fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

/// `meeting/3 · 1a2b3c4 · 2024-05-29`.
fn side_label(s: &diff::Side) -> String {
    let name = side_name(s);
    let mut parts = vec![name.clone()];
    if let Some(m) = s.meeting
        && !name.contains(&format!("meeting/{m}"))
    {
        parts.push(format!("meeting/{m}"));
    }
    if let Some(c) = &s.commit {
        parts.push(short(c).to_string());
    }
    if let Some(t) = &s.time {
        parts.push(t.format("%Y-%m-%d").to_string());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(op: Op, t: &str) -> Segment {
        Segment { op, text: t.into() }
    }

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(use_colour(true, env(&[])));
        assert!(!use_colour(false, env(&[])));
        assert!(!use_colour(true, env(&[("NO_COLOR", "1")])));
        assert!(!use_colour(true, env(&[("TERM", "dumb")])));
        assert!(use_colour(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!use_colour(
            false,
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "x")])
        ));
    }

    #[test]
    fn white_space_changes_are_not_shown() {
        let s = shown(&[
            seg(Op::Equal, "a"),
            seg(Op::Delete, " "),
            seg(Op::Insert, "\n"),
            seg(Op::Equal, "b"),
            seg(Op::Insert, " c\n\n"),
        ]);
        assert_eq!(
            s,
            vec![seg(Op::Equal, "a\nb"), seg(Op::Insert, " c")],
            "{s:?}"
        );
    }
}
