//! Loading two commits for a diff, reading only what the diff needs.
//!
//! A whole workspace is thousands of small files; two of them are twice
//! that. Here a chapter file that is the same (name and blob) on both sides
//! is not read at all: it enters the workspace with its blob id and no text,
//! and the comparison skips it by that id (unless a comment listed by the
//! diff quotes it: placing a comment needs the text it is placed in). Only
//! comment files that differ between the sides are read: a comment file
//! that is the same on both sides was neither written, resolved nor
//! withdrawn in between. The files that are read are read in one pass
//! spread over a few threads.
//!
//! Which comment files differ, and what both versions of each read as, is
//! kept in the diff's own cache ([`ChangesCache`], keyed by the two
//! `comments/` tree ids): a diff of two revisions compared before walks
//! neither tree and reads no comment file from git. Without it, the load
//! cache's folders answer for the files they hold, and git for the rest;
//! the result is then written to the diff's cache. The chapter files that
//! differ are kept there too, by the pair of `drafts/` trees, from the
//! second diff of that pair on. Before that, the versions an earlier load
//! kept in the load cache (its `drafts-TREE` files: the drafts a member
//! worked on, such as each meeting's) are taken from there, and only the
//! others are unpacked from git.
//!
//! The two workspaces are therefore partial: they serve this comparison
//! only and are not handed out.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use git2::Oid;

use crate::error::Result;
use crate::model::{
    Comment, FileData, Source, Workspace, checked_text, parse_chapter_file_name, parse_toml, paths,
};
use crate::store::{Cache, ChangedComment, ChangedFile, ChangesCache, Rev, Store};
use crate::text::is_valid_name;

/// A file in a commit's folder: name and blob id.
type Entry = (String, Oid);

/// A chapter file read: its text when it is UTF-8, else its bytes (see
/// [`checked_text`]).
type Text = std::result::Result<String, Vec<u8>>;

/// A commit's files with the chapters given from what was read beforehand
/// (those not read come without text) and no comments (they are parsed
/// separately).
struct Selective<'s> {
    inner: &'s dyn Source,
    chapters: Vec<Entry>,
    /// Texts read, by blob id; handed over (once) when the files are listed.
    texts: RefCell<HashMap<Oid, Text>>,
    /// The texts handed over that are UTF-8, by file name, until the
    /// loader takes them (see [`Source::checked_chapter`]).
    checked: RefCell<HashMap<String, String>>,
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
        let mut texts = self.texts.borrow_mut();
        let mut checked = self.checked.borrow_mut();
        Ok(self
            .chapters
            .iter()
            .map(|(name, id)| FileData {
                name: name.clone(),
                // Checked as it was read (see `checked_text`); the loader
                // reports other bytes.
                bytes: match texts.remove(id) {
                    Some(Ok(text)) => {
                        checked.insert(name.clone(), text);
                        Vec::new()
                    }
                    Some(Err(bytes)) => bytes,
                    None => Vec::new(),
                },
                id: Some(id.to_string()),
                flaw: None,
            })
            .collect())
    }

    fn checked_chapter(&self, name: &str) -> Option<String> {
        self.checked.borrow_mut().remove(name)
    }
}

/// A comment file parsed the way the workspace loader does (broken files
/// are left out here; `oplaeg status` reports them).
fn parse_comment(name: &str, bytes: &[u8]) -> Option<Comment> {
    let id = name.strip_suffix(".toml")?;
    if !is_valid_name(id) {
        return None;
    }
    let text = crate::model::editor_text(std::str::from_utf8(bytes).ok()?);
    let mut c = match Comment::parse_plain(&text) {
        Some(c) => c,
        None => parse_toml(&paths::comment(id), &text).ok()?,
    };
    c.id = id.to_string();
    Some(c)
}

/// Which version a chapter file read belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    From,
    To,
}

/// What one file read in the shared pass gives.
enum Read {
    Comment(Option<Box<Comment>>),
    Chapter(Text),
}

/// Whether [`read_all`] may spread its reads over threads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Threads {
    One,
    Some,
}

/// Reads chapter files (checked as text) and comment files (parsed), in
/// one pass, on a few threads when `threads` allows and there are enough;
/// the results in that order.
fn read_all(
    store: &Store,
    chapters: &[Oid],
    comments: &[&Entry],
    threads: Threads,
) -> Result<Vec<Read>> {
    let ids: Vec<Oid> = chapters
        .iter()
        .copied()
        .chain(comments.iter().map(|e| e.1))
        .collect();
    let n = chapters.len();
    // A chapter file is worth a thread from two of them; comments from 16.
    let per_thread = match (threads, comments.is_empty()) {
        (Threads::One, _) => usize::MAX,
        (Threads::Some, true) => 2,
        (Threads::Some, false) => 16,
    };
    store.map_blobs(
        &ids,
        per_thread,
        &|k, bytes: &[u8]| match k.checked_sub(n) {
            Some(c) => Read::Comment(parse_comment(&comments[c].0, bytes).map(Box::new)),
            // Checked and copied from libgit2's buffer, which the next
            // blob then uses again.
            None => Read::Chapter(checked_text(bytes)),
        },
    )
}

/// Comments the load cache holds, by file name (see [`Cache::comments_of`]).
type CachedComments = Option<HashMap<String, Option<Comment>>>;

/// The comment files in `changed` as the load cache holds them for the
/// `comments/` trees of commits `a` (their old versions) and `b` (their
/// new versions); nothing when it is off or holds neither tree whole.
/// A side whose own folder is not cached takes what it can from the most
/// recently written other folder (usually the last version loaded, HEAD's):
/// the files there with the same name and blob, typically the comments
/// written since and not changed again. That folder is read for one side
/// only (TO when it needs it); a folder that is one of the two sides' own
/// is passed over (it was read already, or is not cached whole), so the
/// side takes the newest of the others.
fn cached_comments(store: &Store, changed: &[ChangedFile], a: Oid, b: Oid) -> [CachedComments; 2] {
    let Some(cache) = Cache::of(store.repo()) else {
        return [None, None];
    };
    let tree_of = |commit: Oid| store.folder_tree(commit, paths::COMMENTS);
    let wanted = |side: fn(&ChangedFile) -> Option<Oid>| -> HashMap<&str, Oid> {
        changed
            .iter()
            .filter_map(|f| Some((f.name.as_str(), side(f)?)))
            .collect()
    };
    let wanted = [wanted(|f| f.old), wanted(|f| f.new)];
    let trees = [tree_of(a), tree_of(b)];
    let mut out = [0, 1].map(|k| trees[k].and_then(|t| cache.comments_of(t, &wanted[k])));
    let side = [1, 0].into_iter().find(|&k| out[k].is_none());
    let read: Vec<Oid> = trees.iter().flatten().copied().collect();
    if let (Some(k), Some((_, newest))) = (side, cache.newest(&read)) {
        out[k] = cache.comments_of(newest, &wanted[k]);
    }
    out
}

/// The trees of folder `dir` in two commits, when both have one.
fn folder_trees(store: &Store, a: Oid, b: Oid, dir: &str) -> Option<(Oid, Oid)> {
    Some((store.folder_tree(a, dir)?, store.folder_tree(b, dir)?))
}

/// From how many processors [`read_changes`] reads the comments on a
/// thread of their own while this one reads the chapters. On two, the
/// overlap saved 3–8 % of the wall time of a diff with no cache and cost
/// 5–11 % more CPU time: both threads fault in fresh memory and read from
/// git's packs at once, and each runs slower (docs/performance-diff.md).
const READ_APART_FROM: usize = 3;

/// The comment files that differ between commits `a` and `b`, each version
/// read as a comment (from the load cache where it holds the revision's
/// whole folder, else from git), and the chapter files `chapter_ids`
/// (their bytes, in that order).
fn read_changes(
    store: &Store,
    chapter_ids: &[Oid],
    a: Oid,
    b: Oid,
) -> Result<(Vec<ChangedComment>, Vec<Read>)> {
    let apart = crate::platform::processors() >= READ_APART_FROM;
    read_changes_on(store, chapter_ids, a, b, apart)
}

/// [`read_changes`], the comments on a thread of their own when `apart`,
/// else first, on this thread.
fn read_changes_on(
    store: &Store,
    chapter_ids: &[Oid],
    a: Oid,
    b: Oid,
    apart: bool,
) -> Result<(Vec<ChangedComment>, Vec<Read>)> {
    if !apart {
        let changes = comment_changes(store, a, b)?;
        let texts = read_all(store, chapter_ids, &[], Threads::One)?;
        return Ok((changes, texts));
    }
    // The comments that differ are found (walking two big trees) and read
    // on one thread while the chapters that differ are read on this one,
    // which compares them and places on them next. It reads them first and
    // then waits, rather than help with the comments: two threads reading
    // from git at once contend for libgit2's pack structures, which every
    // handle shares, for more CPU time than the wall time it saves
    // (docs/performance-diff.md).
    let walker = store.handle()?;
    let (walker, changes, chapter_texts) = std::thread::scope(|scope| {
        let walk = scope.spawn(move || {
            let changes = comment_changes(&walker, a, b);
            (walker, changes)
        });
        let texts = read_all(store, chapter_ids, &[], Threads::One);
        let (walker, changes) = walk.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (walker, changes, texts)
    });
    store.give_back(walker);
    Ok((changes?, chapter_texts?))
}

/// The comment files that differ between commits `a` and `b`, each version
/// read as a comment: those the load cache holds (the same name and blob,
/// read as a comment) from it, the rest from git in one pass, the two
/// versions of a changed comment next to each other, as for chapters.
fn comment_changes(store: &Store, a: Oid, b: Oid) -> Result<Vec<ChangedComment>> {
    let changed = store.changed_in(paths::COMMENTS, a, b)?;
    let [mut cached_a, mut cached_b] = match changed.is_empty() {
        true => [None, None],
        false => cached_comments(store, &changed, a, b),
    };
    let mut changes: Vec<ChangedComment> = Vec::with_capacity(changed.len());
    let mut comment_entries: Vec<Entry> = Vec::new();
    let mut comment_slots: Vec<(usize, Side)> = Vec::new();
    for (k, f) in changed.into_iter().enumerate() {
        let mut change = ChangedComment {
            file: f,
            old: None,
            new: None,
        };
        for side in [Side::To, Side::From] {
            let (id, cached, slot) = match side {
                Side::To => (change.file.new, &mut cached_b, &mut change.new),
                Side::From => (change.file.old, &mut cached_a, &mut change.old),
            };
            let Some(id) = id else { continue };
            // Held only for the same name and blob (see `cached_comments`).
            match cached.as_mut().and_then(|c| c.remove(&change.file.name)) {
                Some(Some(comment)) => *slot = Some(Box::new(comment)),
                _ => {
                    comment_entries.push((change.file.name.clone(), id));
                    comment_slots.push((k, side));
                }
            }
        }
        changes.push(change);
    }
    drop((cached_a, cached_b));
    let entries: Vec<&Entry> = comment_entries.iter().collect();
    for ((k, side), read) in
        comment_slots
            .into_iter()
            .zip(read_all(store, &[], &entries, Threads::One)?)
    {
        if let Read::Comment(c) = read {
            let change = &mut changes[k];
            match side {
                Side::To => change.new = c,
                Side::From => change.old = c,
            }
        }
    }
    Ok(changes)
}

/// The text of `ids[k]` from `held`: taken out, or copied when the same
/// blob comes again later in `ids` (a chapter renamed has one blob on both
/// sides); empty when not held.
fn hand_out(held: &mut HashMap<Oid, Text>, ids: &[Oid], k: usize) -> Text {
    let id = &ids[k];
    match ids[k + 1..].contains(id) {
        true => held.get(id).cloned(),
        false => held.remove(id),
    }
    .unwrap_or_else(|| Ok(String::new()))
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

    let drafts_a = store.tree_files(a, paths::DRAFTS)?;
    let drafts_b = store.tree_files(b, paths::DRAFTS)?;
    let same: HashSet<&Entry> = {
        let in_b: HashSet<&Entry> = drafts_b.iter().collect();
        drafts_a.iter().filter(|e| in_b.contains(e)).collect()
    };
    // The chapter files that differ, each version of a chapter next to the
    // other: they are read by the same thread, whose cache then holds the
    // delta bases the two versions share in git's packs.
    let slug = |e: &Entry| parse_chapter_file_name(&e.0).map(|(_, s)| s);
    let mut differing: Vec<(Oid, Side)> = Vec::new();
    let only_b: Vec<&Entry> = drafts_b.iter().filter(|e| !same.contains(e)).collect();
    // The first of TO's files with each slug (each name parsed once).
    let mut first_with: HashMap<Option<String>, &Entry> = HashMap::new();
    for o in &only_b {
        first_with.entry(slug(o)).or_insert(o);
    }
    for e in drafts_a.iter().filter(|e| !same.contains(e)) {
        differing.push((e.1, Side::From));
        if let Some(other) = first_with.get(&slug(e)) {
            differing.push((other.1, Side::To));
        }
    }
    for e in &only_b {
        if !differing.contains(&(e.1, Side::To)) {
            differing.push((e.1, Side::To));
        }
    }
    let chapter_ids: Vec<Oid> = differing.iter().map(|(id, _)| *id).collect();

    // The chapter files that differ: from the diff's own cache when it
    // holds them for this pair of `drafts/` trees, else read from git below.
    let changes_cache = ChangesCache::of(store.repo());
    let draft_trees = folder_trees(store, a, b, paths::DRAFTS);
    let cached_chapters = match (&changes_cache, draft_trees) {
        (Some(cache), Some((da, db))) if !chapter_ids.is_empty() => cache
            .chapters(da, db)
            .filter(|held| chapter_ids.iter().all(|id| held.contains_key(id))),
        _ => None,
    };
    let from_diff_cache = cached_chapters.is_some();
    let mut held: HashMap<Oid, Text> = cached_chapters.unwrap_or_default();
    // Else the versions an earlier load kept (the load cache holds the
    // chapters of the last drafts it read, typically the draft at each
    // meeting a member worked on), and git's packs for the rest.
    if !from_diff_cache
        && !chapter_ids.is_empty()
        && let (Some(cache), Some((da, db))) = (Cache::of(store.repo()), draft_trees)
    {
        let ids: HashSet<&Oid> = chapter_ids.iter().collect();
        for (tree, files) in [(da, &drafts_a), (db, &drafts_b)] {
            let wanted: HashMap<&str, Oid> = files
                .iter()
                .filter(|(_, id)| ids.contains(id))
                .map(|(name, id)| (name.as_str(), *id))
                .collect();
            if let Some(texts) = cache.draft_texts(tree, &wanted) {
                held.extend(texts);
            }
        }
    }
    let to_read: Vec<Oid> = chapter_ids
        .iter()
        .copied()
        .filter(|id| !held.contains_key(id))
        .collect();
    let to_read = to_read.as_slice();

    // The comment files that differ, and what each version reads as: from
    // the diff's own cache when it holds this pair of `comments/` trees,
    // else found by walking the two big trees while the chapters that
    // differ are read.
    let trees = folder_trees(store, a, b, paths::COMMENTS);
    let hit = match (&changes_cache, trees) {
        (Some(cache), Some((ta, tb))) => cache.get(ta, tb),
        _ => None,
    };
    let hit_changes = hit.is_some();
    let (changes, chapter_texts) = match hit {
        Some(changes) => (changes, read_all(store, to_read, &[], Threads::Some)?),
        None => read_changes(store, to_read, a, b)?,
    };
    // The versions read shared delta bases; the memory they take serves
    // the rest instead (the changes cache written next first of all).
    store.forget_delta_bases();
    if !hit_changes
        && let (Some(cache), Some((ta, tb))) = (&changes_cache, trees)
        && !changes.is_empty()
    {
        cache.put(ta, tb, &changes);
    }
    let mut to_comments = Vec::with_capacity(changes.len());
    let mut from_comments = Vec::with_capacity(changes.len());
    for c in changes {
        to_comments.extend(c.new.map(|c| *c));
        from_comments.extend(c.old.map(|c| *c));
    }
    // In the order of `chapter_ids`: those held (by the diff's cache or
    // the load cache), the others as git gave them.
    let mut from_git = chapter_texts.into_iter().map(|r| match r {
        Read::Chapter(text) => text,
        Read::Comment(_) => Ok(String::new()),
    });
    let texts: Vec<Text> = (0..chapter_ids.len())
        .map(|k| match held.contains_key(&chapter_ids[k]) {
            true => hand_out(&mut held, &chapter_ids, k),
            false => from_git.next().unwrap_or_else(|| Ok(String::new())),
        })
        .collect();
    if let (Some(cache), Some((da, db))) = (&changes_cache, draft_trees)
        && !from_diff_cache
        && !texts.is_empty()
        && cache.admit_chapters(da, db)
    {
        let entries: Vec<(Oid, &[u8])> = chapter_ids
            .iter()
            .copied()
            .zip(texts.iter().map(|t| match t {
                Ok(text) => text.as_bytes(),
                Err(bytes) => bytes.as_slice(),
            }))
            .collect();
        cache.put_chapters(da, db, &entries);
    }
    let mut texts_a: HashMap<Oid, Text> = HashMap::new();
    let mut texts_b: HashMap<Oid, Text> = HashMap::new();
    for (&(id, side), text) in differing.iter().zip(texts) {
        match side {
            Side::From => texts_a.insert(id, text),
            Side::To => texts_b.insert(id, text),
        };
    }

    // Unchanged chapters that comments listed by the diff quote: read too,
    // for TO, where the comments are placed.
    let for_anchors: HashSet<&str> = to_comments
        .iter()
        .filter(|c| c.reply_to.is_none() && c.target.anchor.is_some())
        .filter_map(|c| c.target.chapter.as_deref())
        .collect();
    let extra: Vec<Oid> = same
        .iter()
        .filter(|(name, _)| {
            parse_chapter_file_name(name)
                .is_some_and(|(_, slug)| for_anchors.contains(slug.as_str()))
        })
        .map(|e| e.1)
        .collect();
    for (id, read) in extra
        .iter()
        .zip(read_all(store, &extra, &[], Threads::One)?)
    {
        if let Read::Chapter(text) = read {
            texts_b.insert(*id, text);
        }
    }

    // The two versions are put together, one after the other: on two
    // threads the CPU time grew by about a millisecond and the wall time
    // did not shrink (see docs/performance-diff.md).
    let load = |commit: Oid, chapters: Vec<Entry>, texts: HashMap<Oid, Text>| {
        let source = store.source_at(commit)?;
        Workspace::load(&Selective {
            inner: &source,
            chapters,
            texts: RefCell::new(texts),
            checked: RefCell::default(),
        })
    };
    let mut ws_a = load(a, drafts_a, texts_a)?;
    let mut ws_b = load(b, drafts_b, texts_b)?;
    // Chapters given without text have no title; they are the same file on
    // both sides, so the diff never shows them.
    to_comments.sort_by(|x, y| x.id.cmp(&y.id));
    from_comments.sort_by(|x, y| x.id.cmp(&y.id));
    ws_b.comments = to_comments;
    ws_a.comments = from_comments;
    Ok((ws_a, ws_b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the comments and chapters read as is the same whether the
    /// comments are read on a thread of their own or first on this one (the
    /// machine's processors choose which; see [`READ_APART_FROM`]).
    #[test]
    fn read_apart_or_in_turn_alike() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        // Without the load cache: everything is read from git.
        let cache = Cache::dir_of(store.repo().path());
        let _ = std::fs::remove_dir_all(&cache);
        let a = store.resolve("meeting/3").unwrap();
        let b = store.resolve("HEAD").unwrap();
        let drafts = |c: Oid| store.tree_files(c, paths::DRAFTS).unwrap();
        let chapter_ids: Vec<Oid> = drafts(a)
            .into_iter()
            .chain(drafts(b))
            .map(|(_, id)| id)
            .collect();
        let texts = |reads: Vec<Read>| -> Vec<Text> {
            reads
                .into_iter()
                .map(|r| match r {
                    Read::Chapter(t) => t,
                    Read::Comment(_) => panic!("a comment among the chapters"),
                })
                .collect()
        };
        let (apart, apart_texts) = read_changes_on(&store, &chapter_ids, a, b, true).unwrap();
        let _ = std::fs::remove_dir_all(&cache);
        let (in_turn, in_turn_texts) = read_changes_on(&store, &chapter_ids, a, b, false).unwrap();
        let read = apart.iter().filter(|c| c.new.is_some()).count();
        assert!(read >= 5, "only {read} comment files read");
        assert_eq!(apart, in_turn);
        let (apart_texts, in_turn_texts) = (texts(apart_texts), texts(in_turn_texts));
        assert_eq!(apart_texts.len(), chapter_ids.len());
        assert!(
            apart_texts
                .iter()
                .all(|t| t.as_ref().is_ok_and(|t| !t.is_empty()))
        );
        assert_eq!(apart_texts, in_turn_texts);
    }
}
