//! Loading two commits for a diff, reading only what the diff needs.
//!
//! A whole workspace is thousands of small files; two of them are twice
//! that. Here a chapter file that is the same (name and blob) on both sides
//! is not read at all: it enters the workspace with its blob id and no text,
//! and the comparison skips it by that id. Only comment files that differ
//! between the sides are read (in threads): a comment file that is the same
//! on both sides was neither written, resolved nor withdrawn in between.
//!
//! The two workspaces are therefore partial: they serve this comparison
//! only and are not handed out.

use std::collections::HashSet;

use git2::Oid;

use crate::error::Result;
use crate::model::{Comment, FileData, Source, Workspace, parse_toml, paths};
use crate::store::{Rev, Store};
use crate::text::is_valid_name;

/// A file in a commit's folder: name and blob id.
type Entry = (String, Oid);

/// A commit's files, with the chapters in `skip` given without their text
/// and no comments (they are read separately).
struct Selective<'s> {
    inner: &'s dyn Source,
    chapters: Vec<(String, Oid)>,
    skip: HashSet<(String, Oid)>,
    store: &'s Store,
}

impl Source for Selective<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.inner.read(path)
    }

    fn files(&self, dir: &str) -> Result<Vec<FileData>> {
        if dir == paths::COMMENTS {
            return Ok(Vec::new());
        }
        if dir != paths::DRAFTS {
            return self.inner.files(dir);
        }
        let wanted: Vec<&(String, Oid)> = self
            .chapters
            .iter()
            .filter(|e| !self.skip.contains(*e))
            .collect();
        let ids: Vec<Oid> = wanted.iter().map(|e| e.1).collect();
        let texts = self.store.map_blobs(&ids, 4, &|_, b: &[u8]| b.to_vec())?;
        let mut out: Vec<FileData> = wanted
            .iter()
            .zip(texts)
            .map(|((name, id), bytes)| FileData {
                name: name.clone(),
                bytes,
                id: Some(id.to_string()),
            })
            .collect();
        out.extend(
            self.chapters
                .iter()
                .filter(|e| self.skip.contains(*e))
                .map(|(name, id)| FileData {
                    name: name.clone(),
                    bytes: Vec::new(),
                    id: Some(id.to_string()),
                }),
        );
        Ok(out)
    }
}

/// A comment file parsed the way the workspace loader does (broken files
/// are left out here; `oplaeg status` reports them).
fn parse_comment(name: &str, bytes: &[u8]) -> Option<Comment> {
    let id = name.strip_suffix(".toml")?;
    if !is_valid_name(id) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut c: Comment = parse_toml(&paths::comment(id), text).ok()?;
    c.id = id.to_string();
    Some(c)
}

/// Parses comment files (in threads, as they are read).
fn parse_comments(store: &Store, entries: &[&Entry]) -> Result<Vec<Option<Comment>>> {
    let ids: Vec<Oid> = entries.iter().map(|e| e.1).collect();
    store.map_blobs(&ids, 256, &|k, bytes: &[u8]| {
        parse_comment(&entries[k].0, bytes)
    })
}

/// Both sides of a diff, read sparingly when both are commits; otherwise
/// loaded whole.
pub(crate) fn load_pair(store: &Store, from: &Rev, to: &Rev) -> Result<(Workspace, Workspace)> {
    let commit = |rev: &Rev| -> Result<Option<Oid>> {
        match rev {
            Rev::Worktree => Ok(None),
            Rev::Named(n) if n == "HEAD" && store.head()?.is_none() => Ok(None),
            Rev::Named(n) => store.resolve(n).map(Some),
        }
    };
    let (Some(a), Some(b)) = (commit(from)?, commit(to)?) else {
        return Ok((store.load(from)?, store.load(to)?));
    };
    Store::skip_hash_checks();
    // Comments: only the files that differ between the sides can be
    // written, resolved or withdrawn in between, so only they are read (the
    // same file on both sides makes no difference to the diff).
    let changed = store.changed_in(paths::COMMENTS, a, b)?;
    let own_b: Vec<Entry> = changed
        .iter()
        .filter_map(|f| Some((f.name.clone(), f.new?)))
        .collect();
    let own_a: Vec<Entry> = changed
        .iter()
        .filter_map(|f| Some((f.name.clone(), f.old?)))
        .collect();
    // One pass over both, so the threads share the whole load.
    let work: Vec<&Entry> = own_b.iter().chain(&own_a).collect();
    let mut parsed = parse_comments(store, &work)?.into_iter();
    let to_comments: Vec<Comment> = parsed.by_ref().take(own_b.len()).flatten().collect();
    let from_comments: Vec<Comment> = parsed.flatten().collect();
    let drafts_a = store.tree_files(a, paths::DRAFTS)?;
    let drafts_b = store.tree_files(b, paths::DRAFTS)?;
    // Chapters that changed quoted comments are on are read even when
    // unchanged: placing a comment needs the text it is placed in.
    let for_anchors: HashSet<&str> = to_comments
        .iter()
        .filter(|c| c.reply_to.is_none() && c.target.anchor.is_some())
        .filter_map(|c| c.target.chapter.as_deref())
        .collect();
    let same: HashSet<(String, Oid)> = {
        let in_b: HashSet<&(String, Oid)> = drafts_b.iter().collect();
        drafts_a
            .iter()
            .filter(|e| in_b.contains(e))
            .cloned()
            .collect()
    };
    let skip_b: HashSet<(String, Oid)> = same
        .iter()
        .filter(|(name, _)| {
            crate::model::parse_chapter_file_name(name)
                .is_none_or(|(_, slug)| !for_anchors.contains(slug.as_str()))
        })
        .cloned()
        .collect();
    let source_a = store.source_at(a)?;
    let source_b = store.source_at(b)?;
    let mut ws_a = Workspace::load(&Selective {
        inner: &source_a,
        chapters: drafts_a,
        skip: same,
        store,
    })?;
    let mut ws_b = Workspace::load(&Selective {
        inner: &source_b,
        chapters: drafts_b,
        skip: skip_b,
        store,
    })?;
    // Chapters given without text have no title; they are the same file on
    // both sides, so the diff never shows them.

    ws_b.comments = to_comments;
    ws_a.comments = from_comments;
    ws_a.comments.sort_by(|x, y| x.id.cmp(&y.id));
    ws_b.comments.sort_by(|x, y| x.id.cmp(&y.id));
    Ok((ws_a, ws_b))
}
