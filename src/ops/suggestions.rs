//! Ændringsforslag: proposing new wording for quoted words, and applying it.
//!
//! A suggestion is a comment with a quote and a `[suggestion]` holding the
//! proposed words. Accepting it is one commit by a writer that writes the
//! words into the chapter *as it stands now* (where the anchoring finds the
//! quote today) and answers the comment. Where the quoted words were edited
//! since, or another suggestion on the same words was applied, the writer
//! must confirm a merged text or give one ([`AcceptText`]); where the words
//! are gone, accepting is refused and the writer answers it instead.

use std::ops::Range;

use serde::Serialize;

use super::{Action, Session, org};
use crate::anchor::{Anchorer, Fate};
use crate::error::{Error, Result};
use crate::model::{
    Applied, Choice, Comment, CommentStatus, Disposition, Resolution, Suggestion, Target, paths,
};
use crate::store::Change;
use crate::suggest::{ApplyError, Merged, merge3, replace_span};
use crate::text::{collapse_ws, truncate};
use crate::tr;

/// The answer written when a writer gives none.
const DEFAULT_RESPONSE: &str = "Forslaget til ny formulering er indført.";

/// What accepting a suggestion would do in the committed version: the three
/// texts, the merged result, and whether the writer must confirm it.
#[derive(Clone, Debug, Serialize)]
pub struct AcceptPlan {
    /// The suggestion's id.
    pub id: String,
    /// The chapter's slug.
    pub chapter: String,
    /// Where the quote stands now (`None`: the chapter is gone).
    pub fate: Option<Fate>,
    /// The words the member quoted (what they saw).
    pub quoted: String,
    /// The words that stand there now (`None` when they are gone).
    pub current: Option<String>,
    /// The words the member proposed.
    pub proposed: String,
    /// The member's change carried over to the current words, when these
    /// differ from the quote (or another suggestion changed them).
    pub merged: Option<Merged>,
    /// The id of an applied suggestion on overlapping words, when there is one.
    pub review: Option<String>,
    /// True when the words were edited since (or changed by another
    /// suggestion): the writer must confirm the merged text or give one.
    pub needs_confirmation: bool,
    /// Why the suggestion cannot be applied, when it cannot.
    pub refused: Option<String>,
    /// Where the words stand in the chapter's searchable text.
    #[serde(skip)]
    span: Option<Range<usize>>,
}

/// Which words to write when accepting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AcceptText {
    /// The member's words as proposed (only where the quote is unchanged or moved).
    Proposed,
    /// The merged text of [`AcceptPlan::merged`] (the proposal where there is no merge).
    Merged,
    /// The writer's own words (for *delvist imødekommet*, or after reading the merge).
    Edited(String),
}

/// What accepting did.
#[derive(Clone, Debug, Serialize)]
pub struct Accepted {
    /// The answered suggestion.
    pub comment: Comment,
    /// The chapter's new Markdown.
    #[serde(skip)]
    pub markdown: String,
    /// Open suggestions on overlapping words, now marked for a new look.
    pub marked: Vec<String>,
}

impl Session {
    /// Proposes `text` instead of `quote` in a chapter (empty `text`: delete
    /// the words), with an optional reason. Members and writers may propose.
    pub fn suggest(&self, chapter: &str, quote: &str, text: &str, body: &str) -> Result<Comment> {
        self.permit(Action::Comment)?;
        let (ws, base) = self.head_at()?;
        let ch = ws.chapter(chapter)?;
        let head = base.map(|o| o.to_string()).unwrap_or_default();
        let anchor = super::anchor_in(&ch.title, &ch.markdown, quote, &head)?;
        let text = collapse_ws(text);
        check_words(&text)?;
        if text == anchor.quote {
            return Err(Error::Invalid(tr!(
                "forslaget er det samme som de citerede ord; skriv den nye formulering",
                "the proposal is the same as the quoted words; write the new wording"
            )));
        }
        let now = self.now();
        let mut id = super::comments::new_id(now);
        while ws.comments.iter().any(|c| c.id == id)
            || self.store.root().join(paths::comment(&id)).exists()
        {
            id = super::comments::new_id(now);
        }
        let comment = Comment {
            id: id.clone(),
            created: now,
            body: body.trim().to_string(),
            status: CommentStatus::Open,
            reply_to: None,
            author: self.author(),
            target: Target {
                chapter: Some(ch.slug.clone()),
                recommendation: None,
                anchor: Some(anchor),
            },
            resolution: None,
            suggestion: Some(Suggestion {
                text,
                review: None,
                applied: None,
            }),
        };
        let message = format!(
            "Ændringsforslag til kapitel {} {} {}\n\nKommentar: {id}\n",
            ch.number,
            ch.title,
            org(&self.actor)
        );
        self.commit(Change::new(message).write(paths::comment(&id), comment.to_file()))?;
        Ok(comment)
    }

    /// What accepting the suggestion `key` would do now. Anyone may ask.
    pub fn plan_accept(&self, key: &str) -> Result<AcceptPlan> {
        let ws = self.head()?;
        plan(self, &ws, ws.comment(key)?)
    }

    /// Accepts a suggestion: writes `text` into its chapter where the quote
    /// stands now and answers it (`disposition` imødekommet or delvist
    /// imødekommet, with `response` or a standard answer), in one commit.
    /// Open suggestions on overlapping words are marked for a new look in
    /// the same commit. Only writers.
    pub fn accept_suggestion(
        &self,
        key: &str,
        text: AcceptText,
        disposition: Disposition,
        response: Option<&str>,
    ) -> Result<Accepted> {
        self.permit(Action::Resolve)?;
        self.permit(Action::EditContent)?;
        if !matches!(disposition, Disposition::Met | Disposition::PartlyMet) {
            return Err(Error::Invalid(tr!(
                "et forslag indføres som imødekommet eller delvist imødekommet; afvis det med «oplaeg comment resolve» og en anden afgørelse",
                "a suggestion is applied as met or partly met; decline it with «oplaeg comment resolve» and another disposition"
            )));
        }
        let (ws, base) = self.head_at()?;
        let mut comment = ws.comment(key)?.clone();
        let plan = plan(self, &ws, &comment)?;
        if let Some(why) = &plan.refused {
            return Err(Error::Invalid(why.clone()));
        }
        let (Some(span), Some(current)) = (plan.span.clone(), plan.current.clone()) else {
            return Err(Error::Invalid(tr!(
                "citatet findes ikke i kapitlet",
                "the quote is not in the chapter"
            )));
        };
        let words = match text {
            AcceptText::Proposed if plan.needs_confirmation => {
                return Err(Error::Invalid(confirm_hint(&plan)));
            }
            AcceptText::Proposed => plan.proposed.clone(),
            AcceptText::Merged => plan
                .merged
                .as_ref()
                .map_or_else(|| plan.proposed.clone(), |m| m.text.clone()),
            AcceptText::Edited(t) => collapse_ws(&t),
        };
        check_words(&words)?;
        if words == current {
            return Err(Error::Invalid(tr!(
                "teksten står allerede sådan i kapitlet; besvar forslaget med «oplaeg comment resolve»",
                "the chapter already reads like that; answer the suggestion with «oplaeg comment resolve»"
            )));
        }
        let chapter = ws.chapter(&plan.chapter)?;
        let markdown = replace_span(&chapter.markdown, span.clone(), &words).map_err(|e| {
            Error::Invalid(match e {
                ApplyError::BadSpan => tr!(
                    "citatets placering passer ikke med kapitlets tekst",
                    "the quote's place does not fit the chapter's text"
                ),
                ApplyError::Unsafe => tr!(
                    "ordene kan ikke skiftes sikkert ud i kapitlets Markdown (usædvanlig opmærkning); ret kapitlet selv og besvar forslaget med «oplaeg comment resolve»",
                    "the words cannot be replaced safely in the chapter's Markdown (unusual markup); edit the chapter yourself and answer with «oplaeg comment resolve»"
                ),
            })
        })?;
        let response = response
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or(DEFAULT_RESPONSE)
            .to_string();
        comment.status = CommentStatus::Resolved;
        comment.resolution = Some(Resolution {
            disposition,
            response,
            by: self.actor.email.clone(),
            at: self.now(),
        });
        if let Some(s) = comment.suggestion.as_mut() {
            s.review = None;
            s.applied = Some(Applied {
                replaced: current,
                text: words,
            });
        }
        let mut change = Change::new(format!(
            "Ændringsforslag fra {} indført i kapitel {} {} {}\n\nKommentar: {}\n",
            comment.author.organisation,
            chapter.number,
            chapter.title,
            org(&self.actor),
            comment.id
        ))
        .based_on(base)
        .write(chapter.file.clone(), markdown.clone())
        .write(paths::comment(&comment.id), comment.to_file());
        // Other open suggestions on the same words need a new look.
        let mut marked = Vec::new();
        let mut anchorer = Anchorer::new(self.store(), &ws);
        for other in &ws.comments {
            if other.id == comment.id
                || !other.is_open()
                || other.suggestion.is_none()
                || other.target.chapter != comment.target.chapter
            {
                continue;
            }
            let overlaps = anchorer
                .place(other)
                .and_then(|p| p.span)
                .is_some_and(|s| s.start < span.end && span.start < s.end);
            if overlaps {
                let mut other = other.clone();
                if let Some(s) = other.suggestion.as_mut() {
                    s.review = Some(comment.id.clone());
                }
                change = change.write(paths::comment(&other.id), other.to_file());
                marked.push(other.id);
            }
        }
        self.commit(change)?;
        Ok(Accepted {
            comment,
            markdown,
            marked,
        })
    }
}

/// The plan for `comment` in `ws`.
fn plan(session: &Session, ws: &crate::model::Workspace, comment: &Comment) -> Result<AcceptPlan> {
    let Some(suggestion) = &comment.suggestion else {
        return Err(Error::Invalid(tr!(
            "kommentaren er ikke et ændringsforslag; besvar den med «oplaeg comment resolve»",
            "the comment is not a suggestion; answer it with «oplaeg comment resolve»"
        )));
    };
    let (Some(slug), Some(anchor)) = (&comment.target.chapter, &comment.target.anchor) else {
        return Err(Error::Invalid(tr!(
            "ændringsforslaget har intet citat",
            "the suggestion has no quote"
        )));
    };
    let mut plan = AcceptPlan {
        id: comment.id.clone(),
        chapter: slug.clone(),
        fate: None,
        quoted: anchor.quote.clone(),
        current: None,
        proposed: suggestion.text.clone(),
        merged: None,
        review: suggestion.review.clone(),
        needs_confirmation: false,
        refused: None,
        span: None,
    };
    plan.refused = match comment.status {
        CommentStatus::Resolved => Some(tr!(
            "forslaget er allerede besvaret ({}); det kan ikke indføres igen",
            "the suggestion was already answered ({}); it cannot be applied again",
            comment
                .resolution
                .as_ref()
                .map_or("?", |r| r.disposition.label())
        )),
        CommentStatus::Withdrawn => Some(tr!(
            "forslaget er trukket tilbage af {}",
            "the suggestion was withdrawn by {}",
            comment.author.name
        )),
        CommentStatus::Open => None,
    };
    let Some(placement) = Anchorer::new(session.store(), ws).place(comment) else {
        plan.refused.get_or_insert(tr!(
            "kapitlet «{slug}» findes ikke længere; du kan stadig besvare forslaget med «oplaeg comment resolve»",
            "the chapter «{slug}» is gone; you can still answer the suggestion with «oplaeg comment resolve»"
        ));
        return Ok(plan);
    };
    plan.fate = Some(placement.fate.clone());
    match (&placement.fate, placement.span, placement.text) {
        (Fate::Exact | Fate::Moved | Fate::Fuzzy { .. }, Some(span), Some(text)) => {
            let fuzzy = matches!(placement.fate, Fate::Fuzzy { .. });
            if fuzzy || plan.review.is_some() {
                plan.needs_confirmation = true;
                plan.merged = Some(merge3(&plan.quoted, &text, &plan.proposed));
            }
            plan.current = Some(text);
            plan.span = Some(span);
        }
        (fate, _, _) => {
            plan.refused.get_or_insert(tr!(
                "de citerede ord «{}» findes ikke længere i kapitlet ({}); forslaget kan ikke indføres, men du kan stadig besvare det med «oplaeg comment resolve»",
                "the quoted words «{}» are no longer in the chapter ({}); the suggestion cannot be applied, but you can still answer it with «oplaeg comment resolve»",
                truncate(&plan.quoted, 60),
                fate.describe()
            ));
        }
    }
    Ok(plan)
}

/// Words bound for a chapter may not hold control characters or invisible
/// formatting characters (bidi overrides, zero-width characters): they
/// would change how the chapter reads without being seen. A suggestion
/// file written by hand may hold them; applying it is refused then too.
fn check_words(words: &str) -> Result<()> {
    match words
        .chars()
        .find(|c| crate::text::is_unsafe_for_terminal(*c))
    {
        Some(c) => Err(Error::Invalid(tr!(
            "teksten indeholder et usynligt tegn eller et styretegn (U+{:04X}); skriv den uden",
            "the text holds an invisible or control character (U+{:04X}); write it without",
            c as u32
        ))),
        None => Ok(()),
    }
}

/// The refusal when the words changed and the writer gave no confirmation.
fn confirm_hint(plan: &AcceptPlan) -> String {
    tr!(
        "ordene er ændret siden forslaget blev skrevet; læs de tre tekster (oplaeg comment accept {} uden flag viser dem) og bekræft det flettede forslag med --merged eller skriv teksten med --text",
        "the words were changed since the suggestion was written; read the three texts (oplaeg comment accept {} without flags shows them) and confirm the merged text with --merged or give the text with --text",
        plan.id
    )
}
