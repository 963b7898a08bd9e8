//! Placing a comment's quote in another version of its chapter.
//!
//! PLACEHOLDER, replaced by branch `anchor`: this file only has the agreed
//! public API (see the contract) with exact matching, so the diff can be
//! built and tested before the real re-anchoring lands. A quote that occurs
//! in the target chapter's text is `Exact` (the occurrence whose context
//! matches best); anything else is `Orphaned`. It never reports `Moved`,
//! `Fuzzy` or `Section`.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Comment, Workspace};
use crate::store::Store;
use crate::tr;

/// How a comment's quote is found in a version of its chapter.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fate {
    /// The quoted words are unchanged and where the text around them says.
    Exact,
    /// The quoted words are unchanged but their paragraph/sentence moved.
    Moved,
    /// The quoted words were edited; the best candidate, similarity in 0..=1.
    Fuzzy { score: f64 },
    /// The words are gone; the section (heading) they stood under remains.
    Section { heading: String },
    /// Gone; callers keep showing the original quote.
    Orphaned,
}

impl Fate {
    /// Stable key for JSON/CLI: "exact", "moved", "fuzzy", "section", "orphaned".
    pub fn key(&self) -> &'static str {
        match self {
            Fate::Exact => "exact",
            Fate::Moved => "moved",
            Fate::Fuzzy { .. } => "fuzzy",
            Fate::Section { .. } => "section",
            Fate::Orphaned => "orphaned",
        }
    }

    /// Danish/English label.
    pub fn label(&self) -> String {
        match self {
            Fate::Exact => tr!("uændret", "unchanged"),
            Fate::Moved => tr!("flyttet", "moved"),
            Fate::Fuzzy { .. } => tr!("tilnærmet", "approximate"),
            Fate::Section { .. } => tr!("afsnit", "section"),
            Fate::Orphaned => tr!("forældreløs", "orphaned"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Placement {
    pub fate: Fate,
    /// Byte range in `crate::text::searchable_text(markdown)` of the TARGET
    /// chapter where the marker sits (None for Section/Orphaned).
    pub span: Option<Range<usize>>,
    /// The target text at `span` (None for Section/Orphaned).
    pub text: Option<String>,
}

/// Places comments on the chapters of one version, caching per chapter.
pub struct Anchorer<'a> {
    #[allow(dead_code)] // the real module reads the comments' versions
    store: &'a Store,
    target: &'a Workspace,
    texts: HashMap<String, String>,
}

impl<'a> Anchorer<'a> {
    /// `store` reads the versions comments were written on (anchor.commit);
    /// `target` is the loaded version to place onto.
    pub fn new(store: &'a Store, target: &'a Workspace) -> Anchorer<'a> {
        Anchorer {
            store,
            target,
            texts: HashMap::new(),
        }
    }

    /// Where `comment` sits in `target`. None when the comment has no quote
    /// anchor (whole chapter, a recommendation, a reply) or its chapter is not
    /// in `target` (callers report the chapter as removed).
    pub fn place(&mut self, comment: &Comment) -> Option<Placement> {
        if comment.reply_to.is_some() {
            return None;
        }
        let anchor = comment.target.anchor.as_ref()?;
        let slug = comment.target.chapter.as_ref()?;
        if !self.texts.contains_key(slug) {
            let chapter = self.target.chapters.iter().find(|c| &c.slug == slug)?;
            self.texts.insert(slug.clone(), chapter.searchable_text());
        }
        let text = self.texts.get(slug)?;
        if anchor.quote.is_empty() {
            return Some(orphaned());
        }
        // Among several occurrences, the one whose context agrees best.
        let mut best: Option<(usize, usize)> = None;
        for start in memchr::memmem::find_iter(text.as_bytes(), anchor.quote.as_bytes()) {
            let end = start + anchor.quote.len();
            let score = usize::from(text[..start].ends_with(anchor.before.as_str()))
                + usize::from(text[end..].starts_with(anchor.after.as_str()));
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, start));
            }
        }
        Some(match best {
            Some((_, start)) => {
                let span = start..start + anchor.quote.len();
                Placement {
                    fate: Fate::Exact,
                    text: Some(text[span.clone()].to_string()),
                    span: Some(span),
                }
            }
            None => orphaned(),
        })
    }
}

fn orphaned() -> Placement {
    Placement {
        fate: Fate::Orphaned,
        span: None,
        text: None,
    }
}
