//! Writing a new version of a chapter, and the chapters' numbers.

use std::collections::HashMap;

use super::{Action, Session};
use crate::error::{Error, Result};
use crate::model::{Chapter, paths};
use crate::store::{Cache, Change, Rev, Store};
use crate::tr;

impl Session {
    /// Replaces a chapter's Markdown with a new version. Only writers. The
    /// new text must keep a `# Title` heading.
    pub fn revise_chapter(&self, key: &str, markdown: &str, message: &str) -> Result<Chapter> {
        self.permit(Action::EditContent)?;
        let message = super::non_empty_message(message)?;
        let (ws, base) = self.head_at()?;
        let mut chapter = ws.chapter(key)?.clone();
        let title = markdown
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .ok_or_else(|| {
                Error::Invalid(tr!(
                    "kapitlet skal begynde med en overskrift «# Titel»",
                    "the chapter must start with a «# Title» heading"
                ))
            })?;
        let mut text = markdown.replace("\r\n", "\n");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(chapter.file.clone(), text.clone()),
        )?;
        chapter.title = title;
        chapter.markdown = text;
        chapter.blob = None;
        Ok(chapter)
    }
}

/// A chapter with the numbers `oplaeg chapters` shows beside it.
pub struct ChapterFacts {
    pub chapter: Chapter,
    /// Words in the chapter, as [`crate::text::searchable_text`] has them.
    pub words: usize,
    /// Threads on the chapter that are still open (replies not counted).
    pub open_comments: usize,
}

/// The chapters at HEAD with their words and open threads.
///
/// Both numbers depend only on one tree each (the words on `drafts/`, the
/// open threads on `comments/`), so they are kept in the cache as tallies
/// by those trees' ids: with them, the comments are not read at all.
/// Without a cache (a bare repository, `OPLAEG_NO_CACHE=1`, no commit yet)
/// everything is counted from a whole load, which gives the same numbers.
pub fn chapter_facts(store: &Store) -> Result<Vec<ChapterFacts>> {
    let cache = Cache::of(store.repo());
    let (Some(cache), Some(commit)) = (cache, store.head()?) else {
        let ws = store.load(&Rev::head())?;
        let words = word_counts(&ws.chapters);
        let open = open_threads(&ws);
        return Ok(facts(ws.chapters, words, &open));
    };
    let tree = store
        .repo()
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(Error::git(commit.to_string()))?;
    let folder = |dir: &str| match tree.get_path(std::path::Path::new(dir)) {
        Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => Some(e.id()),
        _ => None,
    };
    let comments = folder(paths::COMMENTS);
    let kept = comments.and_then(|t| cache.tally(OPEN, t));
    let (ws, open) = match (comments, kept) {
        (None, _) => (
            super::load_without_comments(store, Some(commit))?,
            HashMap::new(),
        ),
        (Some(_), Some(kept)) => (
            super::load_without_comments(store, Some(commit))?,
            kept.into_iter().map(|(s, n)| (s, n as usize)).collect(),
        ),
        (Some(t), None) => {
            let ws = store.load_commit(Some(commit))?;
            let open = open_threads(&ws);
            cache.put_tally(OPEN, t, &as_tally(&open));
            (ws, open)
        }
    };
    let words = match folder(paths::DRAFTS) {
        None => word_counts(&ws.chapters),
        Some(t) => {
            let kept: Option<HashMap<String, u64>> =
                cache.tally(WORDS, t).map(|k| k.into_iter().collect());
            let known = kept.and_then(|kept| {
                ws.chapters
                    .iter()
                    .map(|c| kept.get(&c.file).map(|&n| n as usize))
                    .collect::<Option<Vec<usize>>>()
            });
            match known {
                Some(words) => words,
                None => {
                    let words = word_counts(&ws.chapters);
                    let tally: HashMap<String, usize> = ws
                        .chapters
                        .iter()
                        .zip(&words)
                        .map(|(c, &n)| (c.file.clone(), n))
                        .collect();
                    cache.put_tally(WORDS, t, &as_tally(&tally));
                    words
                }
            }
        }
    };
    Ok(facts(ws.chapters, words, &open))
}

/// The tallies' kinds (see [`Cache::tally`]).
const OPEN: &str = "open";
const WORDS: &str = "words";

fn facts(
    chapters: Vec<Chapter>,
    words: Vec<usize>,
    open: &HashMap<String, usize>,
) -> Vec<ChapterFacts> {
    chapters
        .into_iter()
        .zip(words)
        .map(|(chapter, words)| ChapterFacts {
            open_comments: open.get(&chapter.slug).copied().unwrap_or(0),
            chapter,
            words,
        })
        .collect()
}

/// Open threads per chapter slug, as
/// [`crate::model::Workspace::open_comments_on_chapter`] counts them.
fn open_threads(ws: &crate::model::Workspace) -> HashMap<String, usize> {
    let mut open = HashMap::new();
    for c in &ws.comments {
        if let Some(slug) = &c.target.chapter
            && c.is_open()
            && c.reply_to.is_none()
        {
            *open.entry(slug.clone()).or_insert(0) += 1;
        }
    }
    open
}

/// A tally in name order (so the same numbers make the same file).
fn as_tally(counts: &HashMap<String, usize>) -> Vec<(String, u64)> {
    let mut tally: Vec<(String, u64)> =
        counts.iter().map(|(k, &n)| (k.clone(), n as u64)).collect();
    tally.sort();
    tally
}

/// Each chapter's number of words: the same words as in markdown_to_text
/// (only the blocks' separators differ), without building each block's
/// string. Counted on as many threads as there are cores (a chapter's
/// Markdown is parsed for it; 5 MB of chapters take tens of milliseconds).
fn word_counts(chapters: &[Chapter]) -> Vec<usize> {
    let count = |c: &Chapter| {
        crate::text::searchable_text(&c.markdown)
            .split_whitespace()
            .count()
    };
    let threads = crate::platform::processors().min(8);
    if threads < 2 || chapters.len() < 8 {
        return chapters.iter().map(count).collect();
    }
    let chunk = chapters.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = chapters
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(count).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
