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
        state.reader.text_focus = !state.reader.text_focus;
        return;
    }
    if !state.reader.text_focus {
        let len = state.ws.chapters.len();
        let next = match action {
            Action::Up => state.reader.chapter.saturating_sub(1),
            Action::Down => (state.reader.chapter + 1).min(len.saturating_sub(1)),
            Action::Top => 0,
            Action::Bottom => len.saturating_sub(1),
            Action::PageUp | Action::PageDown => {
                let [list, _] = crate::tui::layout::panes(
                    crate::tui::state::View::Reader,
                    state.width,
                    state.height,
                    false,
                );
                let page =
                    crate::tui::layout::page(usize::from(crate::tui::layout::inner(list).height));
                if action == Action::PageUp {
                    state.reader.chapter.saturating_sub(page)
                } else {
                    (state.reader.chapter + page).min(len.saturating_sub(1))
                }
            }
            Action::Open => {
                state.reader.text_focus = true;
                return;
            }
            Action::CommentWhole => return comment_chapter(state),
            _ => return,
        };
        select_chapter(state, next);
        return;
    }
    let sentences = state.reader.doc.sentences.len();
    let page = crate::tui::layout::reader_text_height(state.height);
    match action {
        Action::Up => state.reader.cursor = state.reader.cursor.saturating_sub(1),
        Action::Down => {
            state.reader.cursor = (state.reader.cursor + 1).min(sentences.saturating_sub(1))
        }
        Action::Top => state.reader.cursor = 0,
        Action::Bottom => state.reader.cursor = sentences.saturating_sub(1),
        Action::PageUp | Action::PageDown => {
            let line = state.reader.doc.line_of_sentence(state.reader.cursor);
            let target = if action == Action::PageUp {
                line.saturating_sub(page)
            } else {
                (line + page).min(state.reader.doc.lines.len().saturating_sub(1))
            };
            if let Some(w) = state
                .reader
                .doc
                .lines
                .get(target..)
                .and_then(|ls| ls.iter().find_map(|l| l.words.first()))
            {
                state.reader.cursor = w.sentence;
            }
        }
        Action::Select => {
            state.reader.selection = match state.reader.selection {
                Some(_) => None,
                None => Some(state.reader.cursor),
            };
        }
        Action::Back => {
            if state.reader.selection.is_some() {
                state.reader.selection = None;
            } else {
                state.reader.text_focus = false;
            }
        }
        Action::CommentQuote | Action::CommentParagraph => {
            if refuse(state, Permission::Comment) {
                return;
            }
            let quote = if action == Action::CommentParagraph {
                let b = state
                    .reader
                    .doc
                    .sentences
                    .get(state.reader.cursor)
                    .map_or(0, |s| s.0);
                state
                    .reader
                    .doc
                    .blocks
                    .get(b)
                    .map(|b| b.text.clone())
                    .unwrap_or_default()
            } else {
                state.reader.doc.quote(
                    state.reader.selection.unwrap_or(state.reader.cursor),
                    state.reader.cursor,
                )
            };
            let Some(ch) = state.ws.chapters.get(state.reader.chapter) else {
                return;
            };
            let (slug, number) = (ch.slug.clone(), ch.number);
            state.reader.selection = None;
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
            let current = state
                .reader
                .doc
                .sentences
                .get(state.reader.cursor)
                .map_or(0, |s| s.0);
            let mut blocks: Vec<usize> = state.reader.markers.keys().copied().collect();
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
            let b = state
                .reader
                .doc
                .sentences
                .get(state.reader.cursor)
                .map_or(0, |s| s.0);
            match state.reader.markers.get(&b) {
                Some(list) if list.len() == 1 => state.popup = Some(Popup::Thread(list[0])),
                Some(list) => state.popup = Some(Popup::Markers(list.clone(), 0)),
                None if !state.reader.unplaced.is_empty() && b == 0 => {
                    state.popup = Some(Popup::Markers(state.reader.unplaced.clone(), 0))
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
    let quote = state.reader.doc.quote(
        state.reader.selection.unwrap_or(state.reader.cursor),
        state.reader.cursor,
    );
    let Some(ch) = state.ws.chapters.get(state.reader.chapter) else {
        return;
    };
    let (slug, number) = (ch.slug.clone(), ch.number);
    state.reader.selection = None;
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
    if let Some(ch) = state.ws.chapters.get(state.reader.chapter) {
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
    if let Some(i) = state.reader.doc.sentences.iter().position(|s| s.0 >= block) {
        state.reader.cursor = i;
    }
    follow_cursor(state);
}

/// Scrolls so the cursor's whole sentence is visible (its start, when it
/// is taller than the pane); on the last sentence, the chapter's end too.
pub fn follow_cursor(state: &mut State) {
    let height = crate::tui::layout::reader_text_height(state.height).max(1);
    let start = state.reader.doc.line_of_sentence(state.reader.cursor);
    let last_line = state.reader.doc.lines.len().saturating_sub(1);
    let end = if state.reader.cursor + 1 >= state.reader.doc.sentences.len() {
        last_line
    } else {
        let mut end = start;
        while end < last_line
            && state.reader.doc.lines[end + 1]
                .words
                .iter()
                .any(|w| w.sentence == state.reader.cursor)
        {
            end += 1;
        }
        end
    };
    if end >= state.reader.scroll + height {
        state.reader.scroll = end + 1 - height;
    }
    if start < state.reader.scroll {
        state.reader.scroll = start;
    }
    state.reader.scroll = state.reader.scroll.min(crate::tui::scroll::max_offset(
        state.reader.doc.lines.len(),
        height,
    ));
}

/// Finds text in the chapter (then in the following chapters).
pub fn find(state: &mut State, text: &str) {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    // Whether sentence `i` of the open chapter holds the words.
    let holds = |state: &State, i: usize| {
        state
            .reader
            .doc
            .quote(i, i)
            .to_lowercase()
            .contains(&needle)
    };
    let start = state.reader.cursor + 1;
    let hit = (start..state.reader.doc.sentences.len())
        .chain(0..start.min(state.reader.doc.sentences.len()))
        .find(|&i| holds(state, i));
    match hit {
        Some(i) => {
            state.reader.text_focus = true;
            state.reader.cursor = i;
            follow_cursor(state);
        }
        None => {
            let next = (0..state.ws.chapters.len())
                .map(|k| (state.reader.chapter + 1 + k) % state.ws.chapters.len())
                .find(|&k| {
                    state.ws.chapters[k]
                        .searchable_text()
                        .to_lowercase()
                        .contains(&needle)
                });
            match next {
                Some(k) => {
                    select_chapter(state, k);
                    state.reader.text_focus = true;
                    // The words may span two sentences; then the chapter's start will do.
                    state.reader.cursor = (0..state.reader.doc.sentences.len())
                        .find(|&i| holds(state, i))
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
