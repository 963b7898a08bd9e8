//! Writers' decisions about where a comment's quote stands after the text
//! was edited: confirming the words it was found at, or attaching the
//! comment to other words. Either rewrites the comment's anchor to the
//! current version (quote, context, commit), so it holds for every later
//! version, and keeps the anchor it replaces in the anchor's history with
//! who decided and when. One commit each.

use super::{Action, Session, org};
use crate::anchor::{Anchorer, Fate, anchor_at};
use crate::error::{Error, Result};
use crate::model::{Anchor, AnchorChange, AnchorChangeKind, Comment};
use crate::text::truncate;
use crate::tr;

impl Session {
    /// Accepts the words a comment's quote was found at in the committed
    /// version (after an edit, or a move) as what the comment is about.
    /// Only writers. Refused when the quote is unchanged (nothing to
    /// confirm) or no longer found (attach it with [`Session::reattach_anchor`]).
    pub fn confirm_anchor(&self, key: &str) -> Result<Comment> {
        self.permit(Action::Reanchor)?;
        let (ws, base) = self.head_at()?;
        let comment = ws.comment(key)?.clone();
        let (slug, old) = quoted(&comment)?;
        let chapter = ws.chapter(slug)?;
        let placement = Anchorer::new(self.store(), &ws)
            .place(&comment)
            .ok_or_else(|| gone_chapter(slug))?;
        let span = match (&placement.fate, placement.span) {
            (Fate::Exact, _) => {
                return Err(Error::Invalid(tr!(
                    "citatet står uændret i den nuværende version; der er intet at bekræfte",
                    "the quote is unchanged in the current version; there is nothing to confirm"
                )));
            }
            (Fate::Moved | Fate::Fuzzy { .. }, Some(span)) => span,
            _ => {
                return Err(Error::Invalid(tr!(
                    "citatet «{}» findes ikke længere i kapitlet; knyt kommentaren til ny tekst med --quote",
                    "the quote «{}» is no longer in the chapter; attach the comment to new words with --quote",
                    truncate(&old.quote, 60)
                )));
            }
        };
        let head = base.map(|o| o.to_string()).unwrap_or_default();
        let anchor = anchor_at(&chapter.searchable_text(), span, &head)
            .ok_or_else(|| Error::Invalid(tr!("tom placering", "empty placement")))?;
        let message = format!(
            "Citat bekræftet for kommentar fra {} til kapitel {} {} {}",
            comment.author.organisation,
            chapter.number,
            chapter.title,
            org(&self.actor)
        );
        self.record(base, comment, anchor, AnchorChangeKind::Confirmed, message)
    }

    /// Attaches a comment to other words of its chapter in the committed
    /// version: `quote` must occur exactly once in the chapter's text, as
    /// for a new comment. Only writers.
    pub fn reattach_anchor(&self, key: &str, quote: &str) -> Result<Comment> {
        self.permit(Action::Reanchor)?;
        let (ws, base) = self.head_at()?;
        let comment = ws.comment(key)?.clone();
        let (slug, old) = quoted(&comment)?;
        let chapter = ws.chapter(slug)?;
        let head = base.map(|o| o.to_string()).unwrap_or_default();
        let anchor = super::anchor_in(&chapter.title, &chapter.markdown, quote, &head)?;
        let unchanged = anchor.quote == old.quote
            && Anchorer::new(self.store(), &ws)
                .place(&comment)
                .is_some_and(|p| p.fate == Fate::Exact);
        if unchanged {
            return Err(Error::Invalid(tr!(
                "kommentaren er allerede knyttet til netop den tekst",
                "the comment is already attached to exactly these words"
            )));
        }
        let message = format!(
            "Kommentar fra {} knyttet til ny tekst i kapitel {} {} {}",
            comment.author.organisation,
            chapter.number,
            chapter.title,
            org(&self.actor)
        );
        self.record(base, comment, anchor, AnchorChangeKind::Reattached, message)
    }

    /// Writes the new anchor with the old one in its history: one commit.
    fn record(
        &self,
        base: Option<git2::Oid>,
        mut comment: Comment,
        mut anchor: Anchor,
        change: AnchorChangeKind,
        summary: String,
    ) -> Result<Comment> {
        let Some(old) = comment.target.anchor.take() else {
            return Err(quoted(&comment).err().unwrap_or(Error::Invalid(summary)));
        };
        anchor.history = old.history;
        anchor.history.push(AnchorChange {
            change,
            quote: old.quote,
            commit: old.commit,
            by: self.actor.email.clone(),
            at: self.now(),
        });
        comment.target.anchor = Some(anchor);
        let message = format!("{summary}\n\nKommentar: {}\n", comment.id);
        self.commit_comment(comment, base, message)
    }
}

/// The chapter and anchor of a comment that quotes a chapter; an error
/// that says why otherwise.
fn quoted(comment: &Comment) -> Result<(&str, &Anchor)> {
    if comment.reply_to.is_some() {
        return Err(Error::Invalid(tr!(
            "det er et svar i en tråd; svar har intet citat",
            "this is a reply in a thread; replies have no quote"
        )));
    }
    match (&comment.target.chapter, &comment.target.anchor) {
        (Some(slug), Some(anchor)) => Ok((slug, anchor)),
        (Some(_), None) => Err(Error::Invalid(tr!(
            "kommentaren handler om hele kapitlet og har intet citat at flytte",
            "the comment is about the whole chapter and has no quote to move"
        ))),
        _ => Err(Error::Invalid(tr!(
            "kommentaren handler om en anbefaling og har intet citat",
            "the comment is about a recommendation and has no quote"
        ))),
    }
}

fn gone_chapter(slug: &str) -> Error {
    Error::Invalid(tr!(
        "kapitlet «{slug}» findes ikke i den nuværende version",
        "the chapter «{slug}» is not in the current version"
    ))
}
