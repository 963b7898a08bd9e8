//! Comments between two versions: written and answered since FROM, and
//! whether each quoted comment still finds its words in TO.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use crate::anchor::{Anchorer, Fate, Placement, WrittenOn};
use crate::error::Result;
use crate::model::{Author, Comment, CommentStatus, Workspace};
use crate::store::Store;

/// Where a quoted comment sits in TO.
#[derive(Clone, Debug, Serialize)]
pub struct AnchorReport {
    pub id: String,
    /// The chapter the comment is on (its slug as the comment names it).
    pub chapter: String,
    /// The words it was written on.
    pub quote: String,
    pub author: Author,
    pub status: CommentStatus,
    /// Written after FROM.
    pub new: bool,
    /// The comment's chapter is not in TO (removed, or renamed so the
    /// comment's slug no longer names it).
    pub chapter_gone: bool,
    /// Where the quote is in TO (None when the chapter is gone).
    pub placement: Option<Placement>,
}

impl AnchorReport {
    /// `exact`, `moved`, `fuzzy`, `section`, `orphaned`, or `chapter_gone`.
    pub fn fate_key(&self) -> &'static str {
        match &self.placement {
            Some(p) => p.fate.key(),
            None => "chapter_gone",
        }
    }
}

/// The comments part of a diff.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CommentChanges {
    /// In TO but not in FROM (comments and replies), oldest first.
    pub written: Vec<Comment>,
    /// Resolved in TO and not in FROM, with disposition and response.
    pub resolved: Vec<Comment>,
    /// Withdrawn in TO and not in FROM.
    pub withdrawn: Vec<Comment>,
    /// The quoted comments among those above (written, resolved or
    /// withdrawn since FROM; not replies): where their quote is in TO.
    pub anchors: Vec<AnchorReport>,
}

/// Counts of anchors by fate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FateCounts {
    pub exact: usize,
    pub moved: usize,
    pub fuzzy: usize,
    pub section: usize,
    pub orphaned: usize,
    pub chapter_gone: usize,
}

impl FateCounts {
    pub(crate) fn of(reports: &[AnchorReport]) -> FateCounts {
        let mut c = FateCounts::default();
        for r in reports {
            match r.placement.as_ref().map(|p| &p.fate) {
                Some(Fate::Exact) => c.exact += 1,
                Some(Fate::Moved) => c.moved += 1,
                Some(Fate::Fuzzy { .. }) => c.fuzzy += 1,
                Some(Fate::Section { .. }) => c.section += 1,
                Some(Fate::Orphaned) => c.orphaned += 1,
                None => c.chapter_gone += 1,
            }
        }
        c
    }
}

/// Which of TO's comments the comments part lists, by their place in TO's
/// comments: the lists are filled from them afterwards, with copies
/// ([`Listed::cloned`]) or, when the caller is done with TO's comments, by
/// moving them ([`Listed::taken`]: thousands of comments are not copied).
pub(crate) struct Listed {
    /// For each of TO's comments, the lists it is in ([`WRITTEN`] and so on).
    lists: Vec<u8>,
}

const WRITTEN: u8 = 1;
const RESOLVED: u8 = 2;
const WITHDRAWN: u8 = 4;

impl Listed {
    /// Fills `out`'s lists with copies of `comments` (TO's comments, in
    /// the order they were listed from).
    pub(crate) fn cloned(&self, comments: &[Comment], out: &mut CommentChanges) {
        self.fill(comments.iter().map(Cow::Borrowed), out);
    }

    /// Fills `out`'s lists with `comments` themselves (TO's comments, in
    /// the order they were listed from); one in two lists is copied once.
    pub(crate) fn taken(&self, comments: Vec<Comment>, out: &mut CommentChanges) {
        self.fill(comments.into_iter().map(Cow::Owned), out);
    }

    fn fill<'c>(&self, comments: impl Iterator<Item = Cow<'c, Comment>>, out: &mut CommentChanges) {
        let count = |list: u8| self.lists.iter().filter(|&&l| l & list != 0).count();
        out.written = Vec::with_capacity(count(WRITTEN));
        out.resolved = Vec::with_capacity(count(RESOLVED));
        out.withdrawn = Vec::with_capacity(count(WITHDRAWN));
        for (c, &lists) in comments.zip(&self.lists) {
            let mut c = Some(c);
            let mut left = lists.count_ones();
            for (list, to) in [
                (WRITTEN, &mut out.written),
                (RESOLVED, &mut out.resolved),
                (WITHDRAWN, &mut out.withdrawn),
            ] {
                if lists & list == 0 {
                    continue;
                }
                left -= 1;
                to.extend(match left {
                    // The last list it is in takes it.
                    0 => c.take().map(Cow::into_owned),
                    _ => c.as_deref().cloned(),
                });
            }
        }
    }
}

/// The comments part, its lists of comments still empty: they are filled
/// from what [`Listed`] says (TO's comments in their order). `keep`
/// filters comments (for `--chapter`).
pub(crate) fn compare_comments(
    store: &Store,
    from: &Workspace,
    to: &Workspace,
    keep: &dyn Fn(&Comment) -> bool,
) -> Result<(CommentChanges, Listed)> {
    let before: HashMap<&str, &Comment> =
        from.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let in_to: HashSet<&str> = to.chapters.iter().map(|c| c.slug.as_str()).collect();
    let mut out = CommentChanges::default();
    let mut listed = Listed {
        lists: vec![0; to.comments.len()],
    };
    let mut to_place: Vec<&Comment> = Vec::new();
    for (c, lists) in to.comments.iter().zip(&mut listed.lists) {
        if !keep(c) {
            continue;
        }
        let old = before.get(c.id.as_str()).copied();
        if old.is_none() {
            *lists |= WRITTEN;
        }
        let was = old.map(|o| o.status);
        if c.status == CommentStatus::Resolved && was != Some(CommentStatus::Resolved) {
            *lists |= RESOLVED;
        }
        if c.status == CommentStatus::Withdrawn && was != Some(CommentStatus::Withdrawn) {
            *lists |= WITHDRAWN;
        }
        let (Some(anchor), Some(chapter)) = (&c.target.anchor, &c.target.chapter) else {
            continue;
        };
        if *lists == 0 || c.reply_to.is_some() {
            continue;
        }
        to_place.push(c);
        out.anchors.push(AnchorReport {
            id: c.id.clone(),
            chapter: chapter.clone(),
            quote: anchor.quote.clone(),
            author: c.author.clone(),
            status: c.status,
            new: old.is_none(),
            chapter_gone: !in_to.contains(chapter.as_str()),
            placement: None,
        });
    }
    let placed = place_all(store, to, Some(from), &to_place)?;
    for (report, placement) in out.anchors.iter_mut().zip(placed) {
        report.placement = placement;
    }
    Ok((out, listed))
}

/// Places comments in `to`, on a few threads when there are many: the
/// comments are grouped by chapter (an anchorer caches per chapter, and
/// forgets a chapter's versions once its group is placed, so only a few are
/// held at a time) and the groups shared out, each thread with its own
/// handle on the repository. Placements are remembered in the cache, as
/// [`Anchorer::new`] does. `also`, another version loaded from git (the
/// diff's FROM), saves reading the chapter files it holds again.
pub(crate) fn place_all(
    store: &Store,
    to: &Workspace,
    also: Option<&Workspace>,
    comments: &[&Comment],
) -> Result<Vec<Option<Placement>>> {
    place_shared(store, to, also, comments, THREADS_FROM)
}

/// [`place_all`], sharing the comments out over threads from
/// `threads_from` comments.
fn place_shared(
    store: &Store,
    to: &Workspace,
    also: Option<&Workspace>,
    comments: &[&Comment],
    threads_from: usize,
) -> Result<Vec<Option<Placement>>> {
    let chapter = |c: &Comment| c.target.chapter.clone().unwrap_or_default();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, c) in comments.iter().enumerate() {
        groups.entry(chapter(c)).or_default().push(k);
    }
    let mut groups: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    // Largest first, then by name: the same order every run.
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    fn anchorer<'a>(
        store: &'a Store,
        to: &'a Workspace,
        also: Option<&'a Workspace>,
    ) -> Anchorer<'a> {
        let a = Anchorer::new(store, to);
        match also {
            Some(other) => a.knowing(other),
            None => a,
        }
    }
    let place_groups = |anchorer: &mut Anchorer, groups: &[(String, Vec<usize>)]| {
        let mut done = Vec::new();
        for (slug, group) in groups {
            done.extend(group.iter().map(|&k| (k, anchorer.place(comments[k]))));
            anchorer.done_with(slug);
        }
        done
    };
    let threads = crate::platform::processors().clamp(1, 4);
    let mut buckets: Vec<Vec<(String, Vec<usize>)>> = vec![Vec::new(); threads];
    let mut sizes = vec![0; threads];
    for g in groups {
        let lightest = (0..threads)
            .min_by_key(|&b| sizes[b])
            .expect("at least one bucket");
        sizes[lightest] += g.1.len();
        buckets[lightest].push(g);
    }
    // Threads here read from git at the same time and work on chapters
    // and comments another thread read. On two cores, placing a diff's 740
    // comments on two threads took about 10 % more CPU time and no less
    // wall time, 2,000 comments 9 % less wall time
    // (docs/performance-diff.md). Fewer are placed on one thread.
    if threads == 1 || comments.len() < threads_from {
        let mut anchorer = anchorer(store, to, also);
        let all: Vec<(String, Vec<usize>)> = buckets.into_iter().flatten().collect();
        return Ok(spread(comments.len(), place_groups(&mut anchorer, &all)));
    }
    // The first bucket here with `store`, the others on threads with
    // handles of their own. Comments on different chapters are often
    // written on the same commit: its chapter files are read once for all.
    let written_on = Arc::new(WrittenOn::default());
    let mut rest = buckets.split_off(1);
    let handles: Vec<Store> = rest.iter().map(|_| store.handle()).collect::<Result<_>>()?;
    let placed: Vec<(usize, Option<Placement>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = handles
            .into_iter()
            .zip(rest.drain(..))
            .map(|(h, bucket)| {
                let written_on = written_on.clone();
                scope.spawn(move || {
                    let mut anchorer = anchorer(&h, to, also).sharing(written_on);
                    let done = place_groups(&mut anchorer, &bucket);
                    let unsaved = anchorer.unsaved();
                    drop(anchorer);
                    (h, done, unsaved)
                })
            })
            .collect();
        let mut anchorer = anchorer(store, to, also).sharing(written_on.clone());
        let mut all = place_groups(&mut anchorer, &buckets[0]);
        for w in workers {
            let (h, done, unsaved) = w.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            store.give_back(h);
            all.extend(done);
            if let Some(unsaved) = unsaved {
                anchorer.save_too(unsaved);
            }
        }
        // One write of the cache file for all.
        drop(anchorer);
        all
    });
    Ok(spread(comments.len(), placed))
}

/// How many comments `place_all` places before it shares them out over
/// threads.
const THREADS_FROM: usize = 2_000;

/// Placements by comment index, in the comments' order.
fn spread(n: usize, placed: Vec<(usize, Option<Placement>)>) -> Vec<Option<Placement>> {
    let mut out: Vec<Option<Placement>> = vec![None; n];
    for (k, p) in placed {
        out[k] = p;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Rev;

    /// Comments shared out over threads are placed as on one thread, and
    /// every placement made on any thread is in the cache afterwards.
    #[test]
    fn placed_on_threads_as_on_one_and_all_remembered() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::demo::build(&tmp.path().join("demo")).unwrap();
        let comments = store.load(&Rev::head()).unwrap().comments;
        let quoted: Vec<&Comment> = comments
            .iter()
            .filter(|c| c.target.anchor.is_some() && c.reply_to.is_none())
            .collect();
        assert!(quoted.len() >= 10, "only {} quoted comments", quoted.len());
        for (to, from) in [("HEAD", "meeting/4"), ("meeting/4", "meeting/3")] {
            let to = store.load(&Rev::Named(to.into())).unwrap();
            let from = store.load(&Rev::Named(from.into())).unwrap();
            let cache = crate::store::Cache::dir_of(store.repo().path());
            let _ = std::fs::remove_dir_all(&cache);
            let one = place_shared(&store, &to, Some(&from), &quoted, usize::MAX).unwrap();
            let _ = std::fs::remove_dir_all(&cache);
            let shared = place_shared(&store, &to, Some(&from), &quoted, 0).unwrap();
            assert_eq!(shared, one);
            let mut again = Anchorer::new(&store, &to);
            for c in &quoted {
                again.place(c);
            }
            let used = again.used();
            assert_eq!(used.placed, 0, "{used:?}");
            assert_eq!(used.reused, one.iter().flatten().count());
        }
    }
}
