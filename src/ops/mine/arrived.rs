//! "What arrived for me": counts of a [`SinceReport`] and the one line a
//! status bar shows after a sync ("2 nye svar på dine kommentarer").

use git2::Oid;
use serde::Serialize;

use super::since::{SinceReport, compare};
use super::{Scope, Who};
use crate::error::Result;
use crate::i18n::{Lang, lang};
use crate::store::Store;

/// How much arrived for the comments in scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Arrived {
    /// Comments answered by the writers.
    pub answers: usize,
    /// Replies by others in the threads.
    pub replies: usize,
    /// Quoted words edited.
    pub quotes: usize,
    /// Chapters commented on that changed.
    pub chapters: usize,
    /// Recommendations commented on that changed.
    pub recommendations: usize,
}

/// `n` with the Danish adjective and noun forms for one and for many.
fn da(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Arrived {
    /// The counts of a report.
    pub fn of(report: &SinceReport) -> Arrived {
        Arrived {
            answers: report.answers.len(),
            replies: report.replies.len(),
            quotes: report.quotes.len(),
            chapters: report.chapters.len(),
            recommendations: report.recommendations.len(),
        }
    }

    /// Nothing arrived.
    pub fn is_empty(&self) -> bool {
        *self == Arrived::default()
    }

    /// One phrase per kind of news, most important first, in the current
    /// language: `2 nye svar på dine kommentarer`, `1 nyt svar i dine
    /// tråde` … (with [`Scope::Organisation`]: `organisationens`).
    pub fn phrases(&self, scope: Scope) -> Vec<String> {
        self.phrases_in(scope, lang())
    }

    /// [`Arrived::phrases`] in a given language.
    pub fn phrases_in(&self, scope: Scope, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        let org = scope == Scope::Organisation;
        match lang {
            Lang::Da => {
                let whose = if org { "organisationens" } else { "dine" };
                if self.answers > 0 {
                    out.push(format!(
                        "{} på {whose} kommentarer",
                        da(self.answers, "nyt svar", "nye svar")
                    ));
                }
                if self.replies > 0 {
                    out.push(format!(
                        "{} i {whose} tråde",
                        da(self.replies, "ny kommentar", "nye kommentarer")
                    ));
                }
                if self.quotes > 0 {
                    out.push(format!(
                        "{} ændret",
                        da(self.quotes, "citeret tekst er", "citerede tekster er")
                    ));
                }
                if self.chapters > 0 {
                    out.push(format!(
                        "{} ændret",
                        da(self.chapters, "kapitel er", "kapitler er")
                    ));
                }
                if self.recommendations > 0 {
                    out.push(format!(
                        "{} ændret",
                        da(self.recommendations, "anbefaling er", "anbefalinger er")
                    ));
                }
            }
            Lang::En => {
                let whose = if org { "your organisation's" } else { "your" };
                if self.answers > 0 {
                    out.push(format!(
                        "{} to {whose} comments",
                        da(self.answers, "new answer", "new answers")
                    ));
                }
                if self.replies > 0 {
                    out.push(format!(
                        "{} in {whose} threads",
                        da(self.replies, "new reply", "new replies")
                    ));
                }
                if self.quotes > 0 {
                    out.push(da(
                        self.quotes,
                        "quoted text changed",
                        "quoted texts changed",
                    ));
                }
                if self.chapters > 0 {
                    out.push(da(self.chapters, "chapter changed", "chapters changed"));
                }
                if self.recommendations > 0 {
                    out.push(da(
                        self.recommendations,
                        "recommendation changed",
                        "recommendations changed",
                    ));
                }
            }
        }
        out
    }

    /// The phrases as one line (`2 nye svar på dine kommentarer · 1 kapitel
    /// er ændret`); None when nothing arrived.
    pub fn message(&self, scope: Scope) -> Option<String> {
        let p = self.phrases(scope);
        (!p.is_empty()).then(|| p.join(" · "))
    }
}

/// What arrived for `email` (a member at HEAD) between two commits, e.g.
/// HEAD before and after a sync (`from` None, as before a clone's first
/// commit: counted from the first commit of HEAD's history).
pub fn arrived_between(
    store: &Store,
    email: &str,
    scope: Scope,
    from: Option<Oid>,
    to: Oid,
) -> Result<Arrived> {
    if from == Some(to) {
        return Ok(Arrived::default());
    }
    let member = crate::ops::member_at_head(store, email)?;
    let who = Who { member, scope };
    let from = match from {
        Some(f) => Some(f),
        None => store.first_commit()?,
    };
    let old = store.load_commit(from)?;
    let new = store.load_commit(Some(to))?;
    Ok(Arrived::of(&compare(store, &old, &new, &who)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrived(answers: usize, replies: usize, quotes: usize, chapters: usize) -> Arrived {
        Arrived {
            answers,
            replies,
            quotes,
            chapters,
            recommendations: chapters,
        }
    }

    #[test]
    fn danish_and_english_plurals() {
        let one = arrived(1, 1, 1, 1);
        assert_eq!(
            one.phrases_in(Scope::Member, Lang::Da),
            [
                "1 nyt svar på dine kommentarer",
                "1 ny kommentar i dine tråde",
                "1 citeret tekst er ændret",
                "1 kapitel er ændret",
                "1 anbefaling er ændret",
            ]
        );
        let two = arrived(2, 3, 2, 2);
        assert_eq!(
            two.phrases_in(Scope::Organisation, Lang::Da),
            [
                "2 nye svar på organisationens kommentarer",
                "3 nye kommentarer i organisationens tråde",
                "2 citerede tekster er ændret",
                "2 kapitler er ændret",
                "2 anbefalinger er ændret",
            ]
        );
        assert_eq!(
            one.phrases_in(Scope::Member, Lang::En)[..2],
            [
                "1 new answer to your comments",
                "1 new reply in your threads"
            ]
        );
        assert_eq!(
            two.phrases_in(Scope::Organisation, Lang::En)[0],
            "2 new answers to your organisation's comments"
        );
    }

    #[test]
    fn nothing_arrived_says_nothing() {
        let none = Arrived::default();
        assert!(none.is_empty());
        assert!(none.phrases_in(Scope::Member, Lang::Da).is_empty());
        assert_eq!(none.message(Scope::Member), None);
        // Only what arrived is named, most important first.
        let some = arrived(0, 2, 0, 0);
        assert_eq!(
            some.phrases_in(Scope::Member, Lang::Da),
            ["2 nye kommentarer i dine tråde"]
        );
    }
}
