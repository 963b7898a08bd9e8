//! A cache of what `oplaeg diff` reads of the comments between two
//! revisions: the comment files that differ between two `comments/` trees
//! (name and the blob on each side) and what each version of them reads
//! as. Kept under `.git/oplaeg/cache/diff/`, one file per pair of tree ids
//! and language, so a second diff of the same two revisions neither walks
//! the two trees nor unpacks and parses the changed files again. Likewise
//! the chapter files that differ between two `drafts/` trees, as bytes by
//! blob id (one file per pair of trees, in any language): unpacking each
//! chapter's chain of deltas from git's packs costs several times more than
//! reading them from one file. They are kept from the second diff of a pair
//! of trees on (the first leaves an empty `seen-` mark): writing megabytes
//! for a pair that is never diffed again is not worth it.
//!
//! The same rules as the load cache (see [`super::cache`]): the file is
//! named and headed by ids git computed from the content, so it can only
//! answer for exactly those two trees; a header that does not match in
//! every respect (format, program version, language, trees, length,
//! checksum) or a body that does not read whole makes the diff read git as
//! if there were no cache, and rewrite the file. Files are written to a
//! temporary name and renamed; only the [`KEEP`] newest are kept; the
//! folder may be deleted at any time. `OPLAEG_NO_CACHE=1` turns it off.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::binary::{Dec, Enc, get_comment_file, put_comment_parts};
use super::cache::{
    Checksum, Stream, body_under, checksum, prune, reseal_with, write_atomically,
    write_atomically_parts,
};
use super::{Cache, ChangedFile};
use crate::model::Comment;

/// Bump when what is cached, or how a file reads, changes.
const FORMAT: u32 = 2;
const MAGIC: &str = "oplaeg-diff-changes";
const CHAPTERS_MAGIC: &str = "oplaeg-diff-chapters";
/// How many pairs of trees are kept (of each kind).
const KEEP: usize = 4;
/// How many pairs of `drafts/` trees diffed once are remembered (see
/// [`ChangesCache::admit_chapters`]).
const SEEN_KEPT: usize = 16;
/// The kinds of file in the folder, by name, and how many of each are kept.
const KINDS: &[(&str, usize)] = &[
    ("changes-", KEEP),
    ("chapters-", KEEP),
    ("seen-", SEEN_KEPT),
];
/// The language in a chapter file's header: none matters.
const ANY_LANG: &str = "-";
/// The folder's name inside the cache folder.
const DIR: &str = "diff";

/// A comment file that differs between the two trees, with what each of its
/// versions reads as (`None`: broken, or not a comment file's name). The
/// comments are boxed: a diff holds thousands, read into boxes, and they
/// are handed on without being copied.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedComment {
    pub file: ChangedFile,
    pub old: Option<Box<Comment>>,
    pub new: Option<Box<Comment>>,
}

/// The cache of comment changes between pairs of `comments/` trees.
pub struct ChangesCache {
    dir: PathBuf,
}

fn lang() -> &'static str {
    match crate::i18n::lang() {
        crate::i18n::Lang::Da => "da",
        crate::i18n::Lang::En => "en",
    }
}

fn header(from: Oid, to: Oid, lang: &str, body: &[u8]) -> String {
    header_of(MAGIC, from, to, lang, body)
}

fn header_of(magic: &str, from: Oid, to: Oid, lang: &str, body: &[u8]) -> String {
    header_with(magic, from, to, lang, body.len(), checksum(body))
}

/// [`header_of`] from the body's length and checksum.
fn header_with(magic: &str, from: Oid, to: Oid, lang: &str, len: usize, sum: u64) -> String {
    format!(
        "{magic} {FORMAT} {} {lang} {from} {to} {len} {sum:016x}",
        env!("CARGO_PKG_VERSION"),
    )
}

/// A comment's id is its file name without `.toml`.
fn id_of(name: &str) -> &str {
    name.strip_suffix(".toml").unwrap_or_default()
}

impl ChangesCache {
    /// The cache of a repository (None when the load cache is off).
    pub fn of(repo: &Repository) -> Option<ChangesCache> {
        Cache::of(repo)?;
        Some(ChangesCache {
            dir: Cache::dir_of(repo.path()).join(DIR),
        })
    }

    /// `.git/oplaeg/cache/diff` of a repository whose `.git` is `git_dir`.
    pub fn dir_of(git_dir: &Path) -> PathBuf {
        Cache::dir_of(git_dir).join(DIR)
    }

    fn file_of(&self, from: Oid, to: Oid) -> PathBuf {
        self.dir.join(format!("changes-{from}-{to}-{}", lang()))
    }

    /// The changes between the `comments/` trees `from` and `to`, in the
    /// order they were written, if cached whole for this language.
    pub fn get(&self, from: Oid, to: Oid) -> Option<Vec<ChangedComment>> {
        let bytes = std::fs::read(self.file_of(from, to)).ok()?;
        decode(body_under(&bytes, |body| header(from, to, lang(), body))?)
    }

    /// Remembers the changes between `from` and `to` (errors are ignored:
    /// the cache is only ever a shortcut). The comments are written where
    /// they are, without a copy.
    pub fn put(&self, from: Oid, to: Oid, changes: &[ChangedComment]) {
        let body = encode(changes);
        let _ = self.write(
            &self.file_of(from, to),
            &header(from, to, lang(), &body),
            &body,
        );
    }

    fn seen_file(&self, from: Oid, to: Oid) -> PathBuf {
        self.dir.join(format!("seen-{from}-{to}"))
    }

    /// Whether the chapter files that differ between the `drafts/` trees
    /// `from` and `to` are worth keeping ([`ChangesCache::put_chapters`]):
    /// from the second diff of the pair on. Most pairs are diffed once (HEAD
    /// moves with every sync), and writing both versions of every changed
    /// chapter (megabytes) would cost such a diff a tenth of its time for
    /// nothing; the first diff leaves an empty mark instead.
    pub fn admit_chapters(&self, from: Oid, to: Oid) -> bool {
        let seen = self.seen_file(from, to);
        if seen.is_file() {
            return true;
        }
        if std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&seen, b""))
            .is_ok()
        {
            prune(&self.dir, KINDS, &[]);
        }
        false
    }

    fn chapters_file(&self, from: Oid, to: Oid) -> PathBuf {
        self.dir.join(format!("chapters-{from}-{to}"))
    }

    /// The chapter files that differ between the `drafts/` trees `from` and
    /// `to`, by blob id, if cached whole: each as text when it is UTF-8,
    /// else its bytes (see [`crate::model::checked_text`]).
    pub fn chapters(&self, from: Oid, to: Oid) -> Option<HashMap<Oid, Result<String, Vec<u8>>>> {
        // Read straight into each chapter's buffer: the file is the size of
        // both versions of every changed chapter.
        let (mut d, header) = Stream::open(&self.chapters_file(from, to))?;
        let n = d.len()?;
        let mut out = HashMap::with_capacity(n.min(1 << 12));
        for _ in 0..n {
            let id = Oid::from_bytes(&d.fixed::<20>()?).ok()?;
            let len = d.len()?;
            out.insert(id, d.text(len)?);
        }
        let (len, sum) = d.finish()?;
        (header == header_with(CHAPTERS_MAGIC, from, to, ANY_LANG, len, sum).as_bytes())
            .then_some(out)
    }

    /// Remembers the chapter files that differ between the `drafts/` trees
    /// `from` and `to` (blob id and bytes; errors are ignored).
    pub fn put_chapters(&self, from: Oid, to: Oid, chapters: &[(Oid, &[u8])]) {
        // What `chapters` reads: the count, then each file's id, length and
        // bytes. Written in pieces: the chapters (megabytes) are summed and
        // written as they are, not copied into one body first.
        let count = Enc::len_bytes(chapters.len());
        let heads: Vec<[u8; 24]> = chapters
            .iter()
            .map(|(id, bytes)| {
                let mut head = [0u8; 24];
                head[..20].copy_from_slice(id.as_bytes());
                head[20..].copy_from_slice(&Enc::len_bytes(bytes.len()));
                head
            })
            .collect();
        let mut parts: Vec<&[u8]> = Vec::with_capacity(1 + 2 * chapters.len());
        parts.push(&count);
        for (head, (_, bytes)) in heads.iter().zip(chapters) {
            parts.push(head);
            parts.push(bytes);
        }
        let len = parts.iter().map(|p| p.len()).sum();
        let mut sum = Checksum::new(len);
        for part in &parts {
            sum.update(part);
        }
        let header = header_with(CHAPTERS_MAGIC, from, to, ANY_LANG, len, sum.finish());
        let path = self.chapters_file(from, to);
        if write_atomically_parts(&self.dir, &path, &header, &parts).is_ok() {
            let _ = std::fs::remove_file(self.seen_file(from, to));
            prune(&self.dir, KINDS, &[]);
        }
    }

    fn write(&self, path: &Path, header: &str, body: &[u8]) -> std::io::Result<()> {
        write_atomically(&self.dir, path, header, body)?;
        prune(&self.dir, KINDS, &[]);
        Ok(())
    }
}

/// One side of a changed file: its blob and what it read as (written as a
/// comment file read without problems).
fn put_side(e: &mut Enc, id: Option<Oid>, comment: Option<&Comment>) {
    let Some(id) = id else {
        e.u8(0);
        return;
    };
    e.u8(1);
    e.raw(id.as_bytes());
    put_comment_parts(e, comment, &[]);
}

fn get_side(d: &mut Dec<'_>, id: &str) -> Option<(Option<Oid>, Option<Box<Comment>>)> {
    if !d.some()? {
        return Some((None, None));
    }
    let blob = Oid::from_bytes(d.raw(20)?).ok()?;
    let read = get_comment_file(d, id)?;
    if !read.problems.is_empty() {
        return None;
    }
    Some((Some(blob), read.comment.map(Box::new)))
}

/// The body: the count, then each file's name and both sides.
fn encode(changes: &[ChangedComment]) -> Vec<u8> {
    let mut e = Enc::default();
    e.len(changes.len());
    for c in changes {
        e.str(&c.file.name);
        put_side(&mut e, c.file.old, c.old.as_deref());
        put_side(&mut e, c.file.new, c.new.as_deref());
    }
    e.bytes
}

/// Reads [`encode`]'s body back; `None` unless it is whole and exactly that.
fn decode(body: &[u8]) -> Option<Vec<ChangedComment>> {
    let mut d = Dec::new(body);
    let n = d.len()?;
    let mut out = Vec::with_capacity(n.min(body.len()));
    for _ in 0..n {
        let name = d.str()?;
        let (old_id, old) = get_side(&mut d, id_of(name))?;
        let (new_id, new) = get_side(&mut d, id_of(name))?;
        if old_id.is_none() && new_id.is_none() {
            return None;
        }
        out.push(ChangedComment {
            file: ChangedFile {
                name: name.to_string(),
                old: old_id,
                new: new_id,
            },
            old,
            new,
        });
    }
    d.is_empty().then_some(out)
}

/// Gives a file of this cache a header that fits its body as it is now, as
/// if this version had written that body (tests use it to make damage the
/// checksum cannot see).
#[doc(hidden)]
pub fn reseal(path: &Path) -> std::io::Result<()> {
    reseal_with(path, header_of_file)
}

/// The header this version writes for the diff cache's file `name`.
fn header_of_file(name: &str, body: &[u8]) -> std::io::Result<String> {
    let (magic, rest, lang) = match name.strip_prefix("chapters-") {
        Some(rest) => (CHAPTERS_MAGIC, rest, Some(ANY_LANG)),
        None => (
            MAGIC,
            name.strip_prefix("changes-").unwrap_or_default(),
            None,
        ),
    };
    let mut parts = rest.split('-');
    let (Some(from), Some(to), Some(lang), None) = (
        parts.next(),
        parts.next(),
        lang.or_else(|| parts.next()),
        parts.next(),
    ) else {
        return Err(std::io::Error::other("not a diff cache file"));
    };
    let from = Oid::from_str(from).map_err(std::io::Error::other)?;
    let to = Oid::from_str(to).map_err(std::io::Error::other)?;
    Ok(header_of(magic, from, to, lang, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comment with every field filled, by `id` and `body`.
    fn comment(id: &str, body: &str) -> Comment {
        Comment {
            id: id.to_string(),
            body: body.to_string(),
            ..crate::model::sample_comment()
        }
    }

    fn sample() -> Vec<ChangedComment> {
        let id = |n: u8| Oid::from_bytes(&[n; 20]).expect("an id");
        vec![
            ChangedComment {
                file: ChangedFile {
                    name: "a.toml".into(),
                    old: None,
                    new: Some(id(1)),
                },
                old: None,
                new: Some(Box::new(comment("a", "ny"))),
            },
            ChangedComment {
                file: ChangedFile {
                    name: "b.toml".into(),
                    old: Some(id(2)),
                    new: Some(id(3)),
                },
                old: None,
                new: Some(Box::new(comment("b", "rettet"))),
            },
            ChangedComment {
                file: ChangedFile {
                    name: "c.toml".into(),
                    old: Some(id(4)),
                    new: None,
                },
                old: Some(Box::new(comment("c", "slettet"))),
                new: None,
            },
        ]
    }

    #[test]
    fn changes_read_back_equal_and_every_cut_reads_as_nothing() {
        let changes = sample();
        let body = encode(&changes);
        assert_eq!(changes, sample(), "left as they were");
        assert_eq!(decode(&body), Some(changes));
        for cut in 0..body.len() {
            assert_eq!(decode(&body[..cut]), None, "cut at {cut}");
        }
        let mut longer = body.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
    }

    #[test]
    fn chapters_are_kept_from_the_second_diff_of_a_pair() {
        let dir = tempfile::tempdir().expect("a folder");
        let cache = ChangesCache {
            dir: dir.path().join(DIR),
        };
        let id = |n: u8| Oid::from_bytes(&[n; 20]).expect("an id");
        assert!(!cache.admit_chapters(id(1), id(2)), "the first diff");
        assert!(cache.seen_file(id(1), id(2)).is_file());
        assert!(
            !cache.admit_chapters(id(2), id(1)),
            "the pair the other way"
        );
        assert!(cache.admit_chapters(id(1), id(2)), "the second diff");
        cache.put_chapters(id(1), id(2), &[(id(3), b"# K\n")]);
        assert!(cache.chapters(id(1), id(2)).is_some());
        assert!(!cache.seen_file(id(1), id(2)).exists(), "the mark is done");
        // Marks are pruned like the rest, the newest kept.
        for n in 10..10 + SEEN_KEPT as u8 + 5 {
            cache.admit_chapters(id(n), id(n + 1));
        }
        let marks = std::fs::read_dir(&cache.dir)
            .expect("the folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("seen-"))
            })
            .count();
        assert_eq!(marks, SEEN_KEPT);
        assert!(cache.chapters(id(1), id(2)).is_some(), "the chapters stay");
    }

    #[test]
    fn chapters_read_back_equal_and_every_cut_reads_as_nothing() {
        let dir = tempfile::tempdir().expect("a folder");
        let cache = ChangesCache {
            dir: dir.path().join(DIR),
        };
        let (a, b) = (
            Oid::from_bytes(&[1; 20]).expect("a"),
            Oid::from_bytes(&[2; 20]).expect("b"),
        );
        let c = Oid::from_bytes(&[3; 20]).expect("c");
        let x = "# Kapitel\n\nTekst om æøå.\n";
        let not_text: &[u8] = b"# Kapitel\n\xff\xfe\n";
        cache.put_chapters(a, b, &[(a, x.as_bytes()), (b, b""), (c, not_text)]);
        let got = cache.chapters(a, b).expect("cached");
        assert_eq!(got.len(), 3);
        assert_eq!(got.get(&a), Some(&Ok(x.to_string())));
        assert_eq!(got.get(&b), Some(&Ok(String::new())));
        assert_eq!(
            got.get(&c),
            Some(&Err(not_text.to_vec())),
            "bytes as they are"
        );
        assert_eq!(cache.chapters(b, a), None, "the pair in the other order");
        let path = cache.chapters_file(a, b);
        let bytes = std::fs::read(&path).expect("the file");
        let body_at = bytes.iter().position(|c| *c == b'\n').expect("a header") + 1;
        for cut in body_at..bytes.len() {
            std::fs::write(&path, &bytes[..cut]).expect("cut");
            reseal(&path).expect("reseal");
            assert_eq!(cache.chapters(a, b), None, "cut at {cut}");
        }
    }
}
