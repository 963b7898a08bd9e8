//! Comments in the reader placed on the words they quote in the version
//! shown (through [`crate::anchor::Anchorer`]), and the writers' decisions
//! about them: confirming where an edited quote was found, or attaching a
//! comment to the sentences selected in the reader.

use std::collections::HashMap;

use crate::anchor::{Anchorer, Fate, Placement};
use crate::ops::Action as Permission;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::job::After;
use crate::tui::reader::document::{BlockKind, Document};
use crate::tui::reader::update::follow_cursor;
use crate::tui::state::{Popup, State, View};
use crate::tui::update::{refuse, select_chapter, write};

/// Where each block of the reader's document starts in the chapter's
/// searchable text (the document keeps its own copy of each block's text;
/// blocks it cannot find there, if any, are `None`).
fn block_starts(doc: &Document, text: &str) -> Vec<Option<usize>> {
    let mut from = 0;
    doc.blocks
        .iter()
        .map(|b| {
            let found = text.get(from..).and_then(|rest| rest.find(b.text.as_str()));
            found.map(|at| {
                from += at + b.text.len();
                from - b.text.len()
            })
        })
        .collect()
}

/// The block that holds byte `pos` of the searchable text, and `pos` within it.
fn block_at(starts: &[Option<usize>], doc: &Document, pos: usize) -> Option<(usize, usize)> {
    starts
        .iter()
        .enumerate()
        .filter_map(|(b, s)| s.map(|s| (b, s)))
        .take_while(|&(_, s)| s <= pos)
        .last()
        .map(|(b, s)| (b, (pos - s).min(doc.blocks[b].text.len())))
}

/// Where the current chapter's comments sit, for the reader's views.
#[derive(Clone, Debug, Default)]
pub struct ReaderAnchors {
    /// Placement of each quoting comment on the chapter (by comment index).
    pub placements: HashMap<usize, Placement>,
    /// Per block: (start, end, fuzzy) byte ranges of its text that comments sit on.
    pub marks: HashMap<usize, Vec<(usize, usize, bool)>>,
    /// Per block: (start, end) byte ranges of its text that open
    /// suggestions propose to replace (drawn struck).
    pub suggested: HashMap<usize, Vec<(usize, usize)>>,
    /// Per comment index: the block and byte in it where its words start.
    pub at: HashMap<usize, (usize, usize)>,
    /// The id of the comment whose new words the writer is choosing, if any.
    pub attaching: Option<String>,
}

impl ReaderAnchors {
    /// Whether any comment in `list` sits on edited words (drawn `◐`).
    pub fn any_fuzzy(&self, list: &[usize]) -> bool {
        list.iter().any(|i| {
            self.placements
                .get(i)
                .is_some_and(|p| matches!(p.fate, Fate::Fuzzy { .. }))
        })
    }

    /// Whether every comment in `list` only found its section (drawn `§`).
    pub fn all_sections(&self, list: &[usize]) -> bool {
        !list.is_empty()
            && list.iter().all(|i| {
                self.placements
                    .get(i)
                    .is_some_and(|p| matches!(p.fate, Fate::Section { .. }))
            })
    }
}

/// Places the current chapter's comments: markers per block, the words
/// they sit on, and the ones with no place in this version.
pub fn place_markers(state: &mut State) {
    state.reader.markers.clear();
    state.reader.unplaced.clear();
    let attaching = state.reader.anchors.attaching.take();
    state.reader.anchors = ReaderAnchors {
        attaching,
        ..ReaderAnchors::default()
    };
    let Some(ch) = state.ws.chapters.get(state.reader.chapter) else {
        return;
    };
    let slug = ch.slug.clone();
    let on_chapter: Vec<usize> = (state.ws.comments.iter().enumerate())
        .filter(|(_, c)| c.reply_to.is_none() && c.target.chapter.as_deref() == Some(&slug))
        .map(|(i, _)| i)
        .collect();
    if on_chapter.is_empty() {
        // Nothing to place (a first screen has no comments yet): the
        // anchorer and its placements file are not needed.
        return;
    }
    let mut anchorer = Anchorer::new(&state.store, &state.ws);
    let text = anchorer.target_text(&slug).unwrap_or_default().to_string();
    let mut placed: Vec<(usize, Option<Placement>)> = Vec::new();
    for i in on_chapter {
        let c = &state.ws.comments[i];
        let p = if c.target.anchor.is_some() {
            anchorer.place(c)
        } else {
            None
        };
        placed.push((i, p));
    }
    drop(anchorer);
    let starts = block_starts(&state.reader.doc, &text);
    for (i, p) in placed {
        let Some(p) = p else {
            // A comment on the whole chapter sits at its title.
            if state.ws.comments[i].target.anchor.is_none() {
                state.reader.markers.entry(0).or_default().push(i);
            } else {
                state.reader.unplaced.push(i);
            }
            continue;
        };
        let block = match (&p.fate, &p.span) {
            (_, Some(span)) => {
                let fuzzy = matches!(p.fate, Fate::Fuzzy { .. });
                // A withdrawn comment keeps its place in the margin (its
                // thread stays reachable) but its words are not coloured.
                let c = &state.ws.comments[i];
                let suggested = c.is_open() && c.suggestion.is_some();
                if c.status != crate::model::CommentStatus::Withdrawn {
                    mark_words(state, &starts, span.clone(), fuzzy, suggested);
                }
                let at = block_at(&starts, &state.reader.doc, span.start);
                if let Some(at) = at {
                    state.reader.anchors.at.insert(i, at);
                }
                at.map(|(b, _)| b)
            }
            (Fate::Section { heading }, None) => state.reader.doc.blocks.iter().position(|b| {
                matches!(b.kind, BlockKind::Heading(l) if l >= 2) && &b.text == heading
            }),
            _ => None,
        };
        match block {
            Some(b) => state.reader.markers.entry(b).or_default().push(i),
            None => state.reader.unplaced.push(i),
        }
        state.reader.anchors.placements.insert(i, p);
    }
}

/// Records the byte ranges of each block that a placed span covers.
fn mark_words(
    state: &mut State,
    starts: &[Option<usize>],
    span: std::ops::Range<usize>,
    fuzzy: bool,
    suggested: bool,
) {
    for (b, s) in starts.iter().enumerate() {
        let Some(s) = *s else { continue };
        let e = s + state.reader.doc.blocks[b].text.len();
        if s < span.end && span.start < e {
            let from = span.start.max(s) - s;
            let to = span.end.min(e) - s;
            state
                .reader
                .anchors
                .marks
                .entry(b)
                .or_default()
                .push((from, to, fuzzy));
            if suggested {
                state
                    .reader
                    .anchors
                    .suggested
                    .entry(b)
                    .or_default()
                    .push((from, to));
            }
        }
    }
}

/// The block of the reader where comment `i` sits, if it has a place.
pub fn block_of(state: &State, i: usize) -> Option<usize> {
    state
        .reader
        .markers
        .iter()
        .find(|(_, list)| list.contains(&i))
        .map(|(b, _)| *b)
}

/// Puts the reader's cursor on the sentence where comment `i`'s words start
/// (or on its block's first sentence).
pub fn cursor_to_comment(state: &mut State, i: usize) {
    let Some(b) = block_of(state, i) else { return };
    let at = state.reader.anchors.at.get(&i).map_or(0, |&(_, off)| off);
    if let Some(s) = state
        .reader
        .doc
        .sentences
        .iter()
        .position(|&(sb, start, end)| sb == b && at >= start && at < end.max(start + 1))
        .or_else(|| state.reader.doc.sentences.iter().position(|s| s.0 >= b))
    {
        state.reader.cursor = s;
    }
    follow_cursor(state);
}

/// The comment a key acts on outside a thread: the one marked in the
/// cursor's paragraph, if there is exactly one with a quote.
fn comment_at_cursor(state: &State) -> Option<usize> {
    let b = state.reader.doc.sentences.get(state.reader.cursor)?.0;
    let list: Vec<usize> = state
        .reader
        .markers
        .get(&b)?
        .iter()
        .copied()
        .filter(|&i| state.ws.comments[i].target.anchor.is_some())
        .collect();
    (list.len() == 1).then(|| list[0])
}

/// `b` (confirm) or `A` (attach) on comment `i`, or on the comment at the
/// cursor (reader) or the selected one (comment list) when `i` is `None`.
pub fn decide(state: &mut State, i: Option<usize>, action: &Action) {
    let i = i.or_else(|| match state.view {
        View::Reader => comment_at_cursor(state),
        View::Comments => state.selected_comment(),
        _ => None,
    });
    let Some(i) = i else {
        state.message = Some(tr!(
            "Vælg en kommentar først: åbn tråden med Enter, og tryk så tasten dér.",
            "Choose a comment first: open its thread with Enter and press the key there."
        ));
        return;
    };
    if refuse(state, Permission::Reanchor) {
        return;
    }
    let c = &state.ws.comments[i];
    if c.target.anchor.is_none() || c.reply_to.is_some() {
        state.popup = Some(Popup::Info(tr!(
            "Kommentaren har intet citat at flytte.",
            "The comment has no quote to move."
        )));
        return;
    }
    match action {
        Action::ConfirmAnchor => confirm(state, i),
        _ => start_attach(state, i),
    }
}

fn confirm(state: &mut State, i: usize) {
    let c = &state.ws.comments[i];
    let fate = placement_of(state, i).map(|p| p.fate);
    match fate {
        Some(Fate::Fuzzy { .. } | Fate::Moved) => {
            let id = c.id.clone();
            state.popup = None;
            write(
                state,
                tr!(
                    "Placeringen er bekræftet og gælder fremover.",
                    "The placement is confirmed and holds from now on."
                ),
                After::Nothing,
                move |s| s.confirm_anchor(&id).map(|_| ()),
            );
        }
        Some(Fate::Exact) => {
            state.message = Some(tr!(
                "Citatet står uændret; der er intet at bekræfte.",
                "The quote is unchanged; there is nothing to confirm."
            ))
        }
        _ => {
            state.message = Some(tr!(
                "Citatet findes ikke længere. Tryk A for at knytte kommentaren til ny tekst.",
                "The quote is gone. Press A to attach the comment to new words."
            ))
        }
    }
}

/// Where comment `i` sits in the version shown (placing it if it is not on
/// the chapter in the reader).
fn placement_of(state: &State, i: usize) -> Option<Placement> {
    if let Some(p) = state.reader.anchors.placements.get(&i) {
        return Some(p.clone());
    }
    Anchorer::new(&state.store, &state.ws).place(&state.ws.comments[i])
}

/// Opens the comment's chapter in the reader and waits for the writer to
/// choose the new words (cursor or `v` selection, then Enter).
fn start_attach(state: &mut State, i: usize) {
    let slug = state.ws.comments[i].target.chapter.clone();
    let Some(idx) = slug.and_then(|s| state.ws.chapters.iter().position(|c| c.slug == s)) else {
        state.popup = Some(Popup::Error(tr!(
            "Kommentarens kapitel findes ikke i denne version.",
            "The comment's chapter is not in this version."
        )));
        return;
    };
    state.popup = None;
    state.view = View::Reader;
    select_chapter(state, idx);
    state.reader.text_focus = true;
    if block_of(state, i).is_some() {
        cursor_to_comment(state, i);
    }
    state.reader.anchors.attaching = Some(state.ws.comments[i].id.clone());
    state.message = Some(attach_hint());
}

fn attach_hint() -> String {
    tr!(
        "Vælg den nye tekst: ↑/↓ flytter, v markerer flere sætninger, Enter knytter kommentaren til den, Esc fortryder.",
        "Choose the new words: ↑/↓ move, v selects several sentences, Enter attaches the comment to them, Esc cancels."
    )
}

/// Keys while choosing new words for a comment. Returns true when the key
/// was used (Enter attaches, Esc cancels); others move the cursor as usual.
pub fn attach_key(state: &mut State, action: &Action) -> bool {
    let Some(id) = state.reader.anchors.attaching.clone() else {
        return false;
    };
    match action {
        Action::Open => {
            let quote = state.reader.doc.quote(
                state.reader.selection.unwrap_or(state.reader.cursor),
                state.reader.cursor,
            );
            state.reader.anchors.attaching = None;
            state.reader.selection = None;
            write(
                state,
                tr!(
                    "Kommentaren er knyttet til den nye tekst.",
                    "The comment is attached to the new words."
                ),
                After::Nothing,
                move |s| s.reattach_anchor(&id, &quote).map(|_| ()),
            );
            true
        }
        Action::Back => {
            state.reader.anchors.attaching = None;
            state.reader.selection = None;
            state.message = Some(tr!("Fortrudt.", "Cancelled."));
            true
        }
        Action::Focus => {
            // Stay in the chapter: the new words must be in it.
            state.message = Some(attach_hint());
            true
        }
        _ => false,
    }
}
