//! The reader's part of `update`: moving through the chapter list and the
//! text, selecting sentences, and starting comments on them.

use crate::ops::Action as Permission;
use crate::tr;
use crate::tui::action::Action;
use crate::tui::state::{ComposeTarget, Popup, State};
use crate::tui::update::{compose, refuse, select_chapter};

/// Handles an action in the Oplæg view.
pub fn reader(state: &mut State, action: Action) {
    if crate::tui::reader::anchoring::attach_key(state, &action) {
        return;
    }
    if let Action::ConfirmAnchor | Action::AttachAnchor = action {
        return crate::tui::reader::anchoring::decide(state, None, &action);
    }
    if action == Action::Focus {
        state.text_focus = !state.text_focus;
        return;
    }
    if !state.text_focus {
        let len = state.ws.chapters.len();
        let next = match action {
            Action::Up => state.chapter.saturating_sub(1),
            Action::Down => (state.chapter + 1).min(len.saturating_sub(1)),
            Action::Top => 0,
            Action::Bottom => len.saturating_sub(1),
            Action::Open => {
                state.text_focus = true;
                return;
            }
            Action::CommentWhole => return comment_chapter(state),
            _ => return,
        };
        select_chapter(state, next);
        return;
    }
    let sentences = state.doc.sentences.len();
    let page = crate::tui::layout::reader_text_height(state.height);
    match action {
        Action::Up => state.cursor = state.cursor.saturating_sub(1),
        Action::Down => state.cursor = (state.cursor + 1).min(sentences.saturating_sub(1)),
        Action::Top => state.cursor = 0,
        Action::Bottom => state.cursor = sentences.saturating_sub(1),
        Action::PageUp | Action::PageDown => {
            let line = state.doc.line_of_sentence(state.cursor);
            let target = if action == Action::PageUp {
                line.saturating_sub(page)
            } else {
                (line + page).min(state.doc.lines.len().saturating_sub(1))
            };
            if let Some(w) = state
                .doc
                .lines
                .get(target..)
                .and_then(|ls| ls.iter().find_map(|l| l.words.first()))
            {
                state.cursor = w.sentence;
            }
        }
        Action::Select => {
            state.selection = match state.selection {
                Some(_) => None,
                None => Some(state.cursor),
            };
        }
        Action::Back => {
            if state.selection.is_some() {
                state.selection = None;
            } else {
                state.text_focus = false;
            }
        }
        Action::CommentQuote | Action::CommentParagraph => {
            if refuse(state, Permission::Comment) {
                return;
            }
            let quote = if action == Action::CommentParagraph {
                let b = state.doc.sentences.get(state.cursor).map_or(0, |s| s.0);
                state
                    .doc
                    .blocks
                    .get(b)
                    .map(|b| b.text.clone())
                    .unwrap_or_default()
            } else {
                state
                    .doc
                    .quote(state.selection.unwrap_or(state.cursor), state.cursor)
            };
            let Some(ch) = state.ws.chapters.get(state.chapter) else {
                return;
            };
            let (slug, number) = (ch.slug.clone(), ch.number);
            state.selection = None;
            let title = tr!(
                "Kommentar til kapitel {number}: «{}»",
                "Comment on chapter {number}: «{}»",
                crate::text::truncate(&quote, 50)
            );
            compose(
                state,
                ComposeTarget::Quote {
                    chapter: slug,
                    quote,
                },
                title,
                "",
            );
        }
        Action::CommentWhole => comment_chapter(state),
        Action::Suggest => suggest(state),
        Action::NextMarker | Action::PrevMarker => {
            let current = state.doc.sentences.get(state.cursor).map_or(0, |s| s.0);
            let mut blocks: Vec<usize> = state.markers.keys().copied().collect();
            blocks.sort_unstable();
            let target = if action == Action::NextMarker {
                blocks.into_iter().find(|&b| b > current)
            } else {
                blocks.into_iter().rev().find(|&b| b < current)
            };
            match target {
                Some(b) => cursor_to_block(state, b),
                None => {
                    state.message = Some(tr!(
                        "Ikke flere kommentarer i den retning.",
                        "No more comments that way."
                    ))
                }
            }
        }
        Action::Open => {
            let b = state.doc.sentences.get(state.cursor).map_or(0, |s| s.0);
            match state.markers.get(&b) {
                Some(list) if list.len() == 1 => state.popup = Some(Popup::Thread(list[0])),
                Some(list) => state.popup = Some(Popup::Markers(list.clone(), 0)),
                None if !state.unplaced.is_empty() && b == 0 => {
                    state.popup = Some(Popup::Markers(state.unplaced.clone(), 0))
                }
                None => {
                    state.message = Some(tr!(
                        "Ingen kommentarer her. Markér tekst med v og kommentér med c.",
                        "No comments here. Select text with v and comment with c."
                    ))
                }
            }
        }
        _ => {}
    }
    follow_cursor(state);
}

/// Opens the editor on the selected words (or the sentence at the cursor)
/// for the member to rewrite them: an ændringsforslag.
fn suggest(state: &mut State) {
    if refuse(state, Permission::Comment) {
        return;
    }
    let quote = state
        .doc
        .quote(state.selection.unwrap_or(state.cursor), state.cursor);
    let Some(ch) = state.ws.chapters.get(state.chapter) else {
        return;
    };
    let (slug, number) = (ch.slug.clone(), ch.number);
    state.selection = None;
    let title = tr!(
        "Foreslå ny formulering i kapitel {number} (ret ordene; tom tekst foreslår at slette dem)",
        "Suggest new wording in chapter {number} (change the words; empty text proposes deleting them)"
    );
    compose(
        state,
        ComposeTarget::Suggest {
            chapter: slug,
            quote: quote.clone(),
        },
        title,
        &quote,
    );
}

fn comment_chapter(state: &mut State) {
    if refuse(state, Permission::Comment) {
        return;
    }
    if let Some(ch) = state.ws.chapters.get(state.chapter) {
        let title = tr!(
            "Kommentar til kapitel {} som helhed",
            "Comment on chapter {} as a whole",
            ch.number
        );
        let slug = ch.slug.clone();
        compose(state, ComposeTarget::Chapter(slug), title, "");
    }
}

/// Puts the cursor on a block's first sentence.
pub fn cursor_to_block(state: &mut State, block: usize) {
    if let Some(i) = state.doc.sentences.iter().position(|s| s.0 >= block) {
        state.cursor = i;
    }
    follow_cursor(state);
}

/// Scrolls so the cursor's whole sentence is visible (its start, when it
/// is taller than the pane); on the last sentence, the chapter's end too.
pub fn follow_cursor(state: &mut State) {
    let height = crate::tui::layout::reader_text_height(state.height).max(1);
    let start = state.doc.line_of_sentence(state.cursor);
    let last_line = state.doc.lines.len().saturating_sub(1);
    let end = if state.cursor + 1 >= state.doc.sentences.len() {
        last_line
    } else {
        let mut end = start;
        while end < last_line
            && state.doc.lines[end + 1]
                .words
                .iter()
                .any(|w| w.sentence == state.cursor)
        {
            end += 1;
        }
        end
    };
    if end >= state.scroll + height {
        state.scroll = end + 1 - height;
    }
    if start < state.scroll {
        state.scroll = start;
    }
    state.scroll = state.scroll.min(crate::tui::scroll::max_offset(
        state.doc.lines.len(),
        height,
    ));
}

/// Finds text in the chapter (then in the following chapters).
pub fn find(state: &mut State, text: &str) {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    let start = state.cursor + 1;
    let hit = (start..state.doc.sentences.len())
        .chain(0..start.min(state.doc.sentences.len()))
        .find(|&i| state.doc.quote(i, i).to_lowercase().contains(&needle));
    match hit {
        Some(i) => {
            state.text_focus = true;
            state.cursor = i;
            follow_cursor(state);
        }
        None => {
            let next = (0..state.ws.chapters.len())
                .map(|k| (state.chapter + 1 + k) % state.ws.chapters.len())
                .find(|&k| {
                    state.ws.chapters[k]
                        .searchable_text()
                        .to_lowercase()
                        .contains(&needle)
                });
            match next {
                Some(k) => {
                    select_chapter(state, k);
                    state.text_focus = true;
                    // The words may span two sentences; then the chapter's start will do.
                    state.cursor = (0..state.doc.sentences.len())
                        .find(|&i| state.doc.quote(i, i).to_lowercase().contains(&needle))
                        .unwrap_or(0);
                    follow_cursor(state);
                }
                None => {
                    state.message = Some(tr!(
                        "«{text}» findes ikke i oplægget.",
                        "«{text}» is not in the draft."
                    ))
                }
            }
        }
    }
}
