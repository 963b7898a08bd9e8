//! Writing, replying to and resolving comments.

use chrono::{DateTime, FixedOffset};

use super::{Action, Session, non_empty, org};
use crate::error::{Error, Result};
use crate::model::{
    Anchor, Author, Choice, Comment, CommentStatus, Disposition, Member, Resolution, Target, paths,
};
use crate::text::{collapse_ws, occurrences, searchable_text, truncate};
use crate::tr;

/// What a new comment is about.
#[derive(Clone, Debug)]
pub enum NewTarget {
    /// A chapter (slug or number), optionally quoting its text.
    Chapter {
        chapter: String,
        quote: Option<String>,
    },
    /// A recommendation (slug or rank).
    Recommendation(String),
}

/// How much text before and after a quote is kept to find it again.
const CONTEXT_CHARS: usize = 60;

/// The anchor for `quote` in a chapter's Markdown: the quote must occur
/// exactly once in the chapter's text (see [`crate::text::searchable_text`]).
pub fn anchor_in(chapter_title: &str, markdown: &str, quote: &str, commit: &str) -> Result<Anchor> {
    let quote = collapse_ws(quote);
    if quote.is_empty() {
        return Err(Error::Empty(tr!("citatet er tomt", "the quote is empty")));
    }
    let text = searchable_text(markdown);
    let Some(start) = text.find(&quote) else {
        return Err(Error::QuoteNotFound {
            chapter: chapter_title.to_string(),
            quote: truncate(&quote, 80).into_owned(),
        });
    };
    let count = occurrences(&text, &quote);
    if count > 1 {
        return Err(Error::QuoteAmbiguous {
            chapter: chapter_title.to_string(),
            quote: truncate(&quote, 80).into_owned(),
            count,
        });
    }
    let end = start + quote.len();
    let before: String = {
        let b: Vec<char> = text[..start].chars().collect();
        b[b.len().saturating_sub(CONTEXT_CHARS)..].iter().collect()
    };
    let after: String = text[end..].chars().take(CONTEXT_CHARS).collect();
    Ok(Anchor {
        quote,
        before,
        after,
        commit: commit.to_string(),
        // Refused above when it occurs more than once.
        unique: true,
        history: Vec::new(),
    })
}

/// A new time-sortable id: a lower-case ULID from the comment's time.
pub(super) fn new_id(when: DateTime<FixedOffset>) -> String {
    let millis = u64::try_from(when.timestamp_millis()).unwrap_or(0);
    ulid::Ulid::from_parts(millis, rand_bits())
        .to_string()
        .to_lowercase()
}

fn rand_bits() -> u128 {
    if let Some(bits) = SEEDED.with(|s| {
        let mut s = s.borrow_mut();
        s.as_mut().map(|n| {
            *n += 1;
            mix(*n)
        })
    }) {
        return bits;
    }
    // Randomness for the id's lower 80 bits; ULID's own generator, seeded
    // from the OS, so two clones never pick the same id.
    ulid::Ulid::new().random()
}

thread_local! {
    /// The count of ids made while [`seeded_ids`] runs on this thread.
    static SEEDED: std::cell::RefCell<Option<u64>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with ids that are the same on every run (their lower bits come
/// from a counter, not from randomness): the demo is built this way, so its
/// ids, commits and screens are the same every time it is made. Ids made
/// later in the workspace are random again.
pub fn seeded_ids<T>(f: impl FnOnce() -> T) -> T {
    let before = SEEDED.with(|s| s.borrow_mut().replace(0));
    let out = f();
    SEEDED.with(|s| *s.borrow_mut() = before);
    out
}

/// Spreads a counter over 80 bits (splitmix64 twice), so seeded ids look
/// as varied as random ones.
fn mix(n: u64) -> u128 {
    let step = |mut z: u64| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let hi = step(n);
    let lo = step(hi ^ n);
    ((u128::from(hi) << 64) | u128::from(lo)) & ((1u128 << 80) - 1)
}

impl Session {
    pub(super) fn author(&self) -> Author {
        Author {
            name: self.actor.name.clone(),
            email: self.actor.email.clone(),
            organisation: self.actor.organisation.clone(),
        }
    }

    /// Writes a new comment. Members and writers may comment.
    pub fn add_comment(&self, target: NewTarget, body: &str) -> Result<Comment> {
        self.permit(Action::Comment)?;
        let body = non_empty(
            body,
            tr!(
                "kommentaren er tom: skriv en tekst",
                "the comment is empty: write some text"
            ),
        )?;
        let ws = self.head()?;
        let head = self
            .store
            .head()?
            .map(|o| o.to_string())
            .unwrap_or_default();
        let (target, message) = match &target {
            NewTarget::Chapter { chapter, quote } => {
                let ch = ws.chapter(chapter)?;
                let anchor = match quote {
                    Some(q) => Some(anchor_in(&ch.title, &ch.markdown, q, &head)?),
                    None => None,
                };
                let message = format!(
                    "Kommentar til kapitel {} {} {}",
                    ch.number,
                    ch.title,
                    org(&self.actor)
                );
                let target = Target {
                    chapter: Some(ch.slug.clone()),
                    recommendation: None,
                    anchor,
                };
                (target, message)
            }
            NewTarget::Recommendation(key) => {
                let r = ws.recommendation(key)?;
                let message = format!(
                    "Kommentar til anbefaling {}: {} {}",
                    r.rank,
                    truncate(&r.title, 60),
                    org(&self.actor)
                );
                let target = Target {
                    chapter: None,
                    recommendation: Some(r.slug.clone()),
                    anchor: None,
                };
                (target, message)
            }
        };
        self.write_new(&ws, target, None, body, message)
    }

    /// Answers a comment; the reply shares its target.
    pub fn reply(&self, parent: &str, body: &str) -> Result<Comment> {
        self.permit(Action::Comment)?;
        let body = non_empty(
            body,
            tr!(
                "svaret er tomt: skriv en tekst",
                "the reply is empty: write some text"
            ),
        )?;
        let ws = self.head()?;
        let parent = ws.comment(parent)?;
        let mut target = parent.target.clone();
        target.anchor = None;
        let message = format!(
            "Svar på kommentar fra {} {}",
            parent.author.organisation,
            org(&self.actor)
        );
        self.write_new(&ws, target, Some(parent.id.clone()), body, message)
    }

    fn write_new(
        &self,
        ws: &crate::model::Workspace,
        target: Target,
        reply_to: Option<String>,
        body: String,
        summary: String,
    ) -> Result<Comment> {
        let now = self.now();
        let mut id = new_id(now);
        while ws.comments.iter().any(|c| c.id == id)
            || self.store.root().join(paths::comment(&id)).exists()
        {
            id = new_id(now);
        }
        let comment = Comment {
            id: id.clone(),
            created: now,
            body,
            status: CommentStatus::Open,
            reply_to,
            author: self.author(),
            target,
            resolution: None,
            suggestion: None,
        };
        let message = format!("{summary}\n\nKommentar: {id}\n");
        self.commit(
            crate::store::Change::new(message).write(paths::comment(&id), comment.to_file()),
        )?;
        Ok(comment)
    }

    /// Answers a comment on behalf of Sundhedsstyrelsen: how it was met and
    /// why. Only writers. Resolving again replaces the earlier answer.
    pub fn resolve(&self, key: &str, disposition: Disposition, response: &str) -> Result<Comment> {
        self.permit(Action::Resolve)?;
        let response = non_empty(
            response,
            tr!(
                "begrundelsen er tom: skriv Sundhedsstyrelsens svar",
                "the response is empty: write the answer"
            ),
        )?;
        let (ws, base) = self.head_at()?;
        let mut comment = ws.comment(key)?.clone();
        if comment.reply_to.is_some() {
            return Err(Error::Invalid(tr!(
                "det er et svar i en tråd; besvar den kommentar, tråden startede med",
                "this is a reply in a thread; resolve the comment that started the thread"
            )));
        }
        if comment.status == CommentStatus::Withdrawn {
            return Err(Error::Invalid(tr!(
                "kommentaren er trukket tilbage af {}; der er intet at besvare",
                "the comment was withdrawn by {}; there is nothing to resolve",
                comment.author.name
            )));
        }
        comment.status = CommentStatus::Resolved;
        comment.resolution = Some(Resolution {
            disposition,
            response,
            by: self.actor.email.clone(),
            at: self.now(),
        });
        let message = format!(
            "Kommentar fra {} besvaret: {}\n\nKommentar: {}\n",
            comment.author.organisation,
            disposition.label_in(crate::i18n::Lang::Da),
            comment.id
        );
        self.commit_comment(comment, base, message)
    }
}

/// Whether `member` may edit or withdraw `comment`: only its author, only
/// while it is open, and only in a role that may comment. The UI asks this
/// before opening an editor; the operations ask it again before writing.
pub fn may_change_comment(member: &Member, comment: &Comment) -> Result<()> {
    super::permit(member, Action::Comment)?;
    if !comment
        .author
        .email
        .eq_ignore_ascii_case(member.email.trim())
    {
        let (name, org) = (&comment.author.name, &comment.author.organisation);
        return Err(Error::Invalid(tr!(
            "kommentaren er skrevet af {name} ({org}); du kan kun rette eller trække dine egne kommentarer tilbage",
            "the comment was written by {name} ({org}); you can only edit or withdraw your own comments"
        )));
    }
    match comment.status {
        CommentStatus::Open => Ok(()),
        CommentStatus::Resolved => Err(Error::Invalid(tr!(
            "kommentaren er besvaret af Sundhedsstyrelsen og kan ikke længere ændres; skriv et svar i tråden i stedet",
            "the comment has been resolved and can no longer be changed; reply in the thread instead"
        ))),
        CommentStatus::Withdrawn => Err(Error::Invalid(tr!(
            "kommentaren er trukket tilbage og kan ikke længere ændres",
            "the comment was withdrawn and can no longer be changed"
        ))),
    }
}

impl Session {
    /// Replaces the text of one of the actor's own open comments (or
    /// replies). Target, quote, time and id stay as they were; git keeps the
    /// earlier text.
    pub fn edit_comment(&self, key: &str, body: &str) -> Result<Comment> {
        self.permit(Action::Comment)?;
        let body = non_empty(
            body,
            tr!(
                "kommentaren er tom: skriv en tekst (eller træk kommentaren tilbage)",
                "the comment is empty: write some text (or withdraw the comment)"
            ),
        )?;
        let (ws, base) = self.head_at()?;
        let mut comment = ws.comment(key)?.clone();
        may_change_comment(&self.actor, &comment)?;
        if comment.body == body {
            return Err(Error::Invalid(tr!(
                "teksten er den samme som før; intet er ændret",
                "the text is the same as before; nothing was changed"
            )));
        }
        comment.body = body;
        let message = format!(
            "Kommentar rettet {}\n\nKommentar: {}\n",
            org(&self.actor),
            comment.id
        );
        self.commit_comment(comment, base, message)
    }

    /// Withdraws one of the actor's own open comments (or replies): it
    /// stays in the history and the thread, marked as withdrawn, and needs
    /// no answer.
    pub fn withdraw_comment(&self, key: &str) -> Result<Comment> {
        self.permit(Action::Comment)?;
        let (ws, base) = self.head_at()?;
        let mut comment = ws.comment(key)?.clone();
        may_change_comment(&self.actor, &comment)?;
        comment.status = CommentStatus::Withdrawn;
        let message = format!(
            "Kommentar trukket tilbage {}\n\nKommentar: {}\n",
            org(&self.actor),
            comment.id
        );
        self.commit_comment(comment, base, message)
    }
}

impl Session {
    /// Commits a changed comment, as one commit on `base` that writes its
    /// file only, with `message`; gives the comment back.
    pub(super) fn commit_comment(
        &self,
        comment: Comment,
        base: Option<git2::Oid>,
        message: String,
    ) -> Result<Comment> {
        self.commit(
            crate::store::Change::new(message)
                .based_on(base)
                .write(paths::comment(&comment.id), comment.to_file()),
        )?;
        Ok(comment)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_on_every_run_and_differ_from_each_other() {
        let t = DateTime::parse_from_rfc3339("2024-09-01T10:00:00+02:00").unwrap();
        let run = || seeded_ids(|| (new_id(t), new_id(t)));
        let (a, b) = run();
        assert_ne!(a, b);
        assert_eq!(run(), (a.clone(), b));
        // Outside, ids are random again.
        assert_ne!(new_id(t), a);
        assert_ne!(new_id(t), new_id(t));
    }

    const MD: &str = "# Titel\n\nFørste *vigtige* sætning står her.\nAnden sætning står her.\n";

    #[test]
    fn anchors_keep_context_and_reject_ambiguity() {
        let a = anchor_in("Titel", MD, "vigtige   sætning", "c1").unwrap();
        assert_eq!(a.quote, "vigtige sætning");
        assert_eq!(a.before, "Titel Første ");
        assert!(a.after.starts_with(" står her. Anden"));
        assert!(matches!(
            anchor_in("Titel", MD, "står her", "c1"),
            Err(Error::QuoteAmbiguous { count: 2, .. })
        ));
        // Overlapping occurrences count too.
        assert!(matches!(
            anchor_in("T", "ab ab ab", "ab ab", "c1"),
            Err(Error::QuoteAmbiguous { count: 2, .. })
        ));
        assert!(matches!(
            anchor_in("Titel", MD, "findes ikke", "c1"),
            Err(Error::QuoteNotFound { .. })
        ));
        assert!(matches!(
            anchor_in("Titel", MD, "  ", "c1"),
            Err(Error::Empty(_))
        ));
    }

    #[test]
    fn ids_sort_by_time_and_are_valid_names() {
        let t1 = DateTime::parse_from_rfc3339("2024-06-12T10:00:00+02:00").unwrap();
        let t2 = DateTime::parse_from_rfc3339("2024-06-12T10:00:01+02:00").unwrap();
        let (a, b) = (new_id(t1), new_id(t2));
        assert!(a < b);
        assert!(crate::text::is_valid_name(&a));
        assert_eq!(a.len(), 26);
        assert_ne!(new_id(t1), new_id(t1));
    }
}
