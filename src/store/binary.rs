//! The compact binary form of the caches under `.git/oplaeg/cache/`.
//!
//! Reading the cache is on the path of every command, so its files are a
//! plain sequence of little-endian integers and length-prefixed UTF-8
//! strings instead of JSON (about half the size, several times faster to
//! read). Every read is checked: a length past the end, invalid UTF-8, an
//! unknown tag or key makes the whole read `None`, and the cache is then
//! ignored and rewritten. The files' header and checksum (see
//! [`super::cache`]) catch damage before this runs; these checks make sure
//! even a file that passes them can never panic or read out of bounds.
//!
//! Comments are written by destructuring every struct, so a field added to
//! the model does not compile until it is cached too.

use chrono::{DateTime, FixedOffset, TimeZone as _};

use crate::model::{
    Anchor, AnchorChange, AnchorChangeKind, Applied, Author, Choice, Comment, CommentFile,
    FileData, FileFlaw, Problem, Resolution, Suggestion, Target,
};

/// Appends values to a byte buffer.
#[derive(Default)]
pub(super) struct Enc {
    pub bytes: Vec<u8>,
}

impl Enc {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A length or count (as u32; nothing cached comes near 4 GB).
    pub fn len(&mut self, n: usize) {
        self.raw(&Enc::len_bytes(n));
    }

    /// The bytes [`Enc::len`] writes for `n`.
    pub fn len_bytes(n: usize) -> [u8; 4] {
        u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes()
    }

    pub fn raw(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.raw(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }

    pub fn opt_usize(&mut self, v: Option<usize>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.u64(v as u64);
            }
        }
    }

    fn time(&mut self, t: &DateTime<FixedOffset>) {
        self.u64(t.timestamp() as u64);
        self.u32(t.timestamp_subsec_nanos());
        self.u32(t.offset().local_minus_utc() as u32);
    }

    fn choice<T: Choice>(&mut self, v: T) {
        self.str(v.key());
    }
}

/// Reads values back; every method is `None` past the end or on anything
/// [`Enc`] does not write.
pub(super) struct Dec<'a> {
    bytes: &'a [u8],
}

impl<'a> Dec<'a> {
    pub fn new(bytes: &'a [u8]) -> Dec<'a> {
        Dec { bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn raw(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.raw(1)?[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.raw(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }

    /// A length or count; never more than the bytes left (each element
    /// takes at least one byte), so a damaged count cannot allocate much.
    pub fn len(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len()).then_some(n)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        // The SIMD check: a cache holds some 100,000 strings, 6 MB of them.
        simdutf8::basic::from_utf8(self.raw(n)?).ok()
    }

    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    /// An option's tag: 0 none, 1 some, anything else is damage.
    pub fn some(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn opt_string(&mut self) -> Option<Option<String>> {
        Some(match self.some()? {
            false => None,
            true => Some(self.string()?),
        })
    }

    pub fn opt_usize(&mut self) -> Option<Option<usize>> {
        Some(match self.some()? {
            false => None,
            true => Some(usize::try_from(self.u64()?).ok()?),
        })
    }

    fn skip_str(&mut self) -> Option<()> {
        let n = self.len()?;
        self.raw(n).map(|_| ())
    }

    fn skip_strs(&mut self, count: usize) -> Option<()> {
        (0..count).try_for_each(|_| self.skip_str())
    }

    fn skip_opt_str(&mut self) -> Option<()> {
        if self.some()? {
            self.skip_str()?;
        }
        Some(())
    }

    /// An option of `n` bytes.
    fn skip_opt(&mut self, n: usize) -> Option<()> {
        if self.some()? {
            self.raw(n)?;
        }
        Some(())
    }

    fn time(&mut self) -> Option<DateTime<FixedOffset>> {
        let secs = self.u64()? as i64;
        let nanos = self.u32()?;
        let offset = FixedOffset::east_opt(self.u32()? as i32)?;
        offset.timestamp_opt(secs, nanos).single()
    }

    fn choice<T: Choice>(&mut self) -> Option<T> {
        let key = self.str()?;
        T::ALL.iter().copied().find(|v| v.key() == key)
    }
}

/// The bytes of a time: seconds, nanoseconds and offset.
const TIME: usize = 16;

/// Writes a comment file as read (the comment's id, its file name, is not
/// written: the caller keeps the name).
pub(super) fn put_comment_file(e: &mut Enc, f: &CommentFile) {
    put_comment_parts(e, f.comment.as_ref(), &f.problems);
}

/// [`put_comment_file`] for a comment and problems held elsewhere.
pub(super) fn put_comment_parts(e: &mut Enc, comment: Option<&Comment>, problems: &[Problem]) {
    match comment {
        None => e.u8(0),
        Some(c) => {
            e.u8(1);
            put_comment(e, c);
        }
    }
    e.len(problems.len());
    for p in problems {
        put_problem(e, p);
    }
}

/// Reads what [`put_comment_file`] wrote; the comment's id is `id`.
pub(super) fn get_comment_file(d: &mut Dec<'_>, id: &str) -> Option<CommentFile> {
    let comment = match d.some()? {
        false => None,
        true => Some(get_comment(d, id)?),
    };
    let n = d.len()?;
    let mut problems = Vec::with_capacity(n);
    for _ in 0..n {
        problems.push(get_problem(d)?);
    }
    Some(CommentFile { comment, problems })
}

/// Steps over what [`put_comment_file`] wrote without building it (a
/// cache file read for a few of its entries); `None` where
/// [`get_comment_file`] would stop short of the end of the bytes. The
/// text is not checked: what is stepped over is never used.
pub(super) fn skip_comment_file(d: &mut Dec<'_>) -> Option<()> {
    if d.some()? {
        skip_comment(d)?;
    }
    for _ in 0..d.len()? {
        // A problem: file, line, column, message.
        d.skip_str()?;
        d.skip_opt(8)?;
        d.skip_opt(8)?;
        d.skip_str()?;
    }
    Some(())
}

fn skip_comment(d: &mut Dec<'_>) -> Option<()> {
    d.raw(TIME)?;
    d.skip_strs(2)?; // body, status
    d.skip_opt_str()?; // reply_to
    d.skip_strs(3)?; // author
    d.skip_opt_str()?; // chapter
    d.skip_opt_str()?; // recommendation
    if d.some()? {
        d.skip_strs(4)?; // quote, before, after, commit
        d.u8()?; // unique
        for _ in 0..d.len()? {
            d.u8()?;
            d.skip_strs(3)?;
            d.raw(TIME)?;
        }
    }
    if d.some()? {
        d.skip_strs(3)?; // disposition, response, by
        d.raw(TIME)?;
    }
    if d.some()? {
        d.skip_str()?; // text
        d.skip_opt_str()?; // review
        if d.some()? {
            d.skip_strs(2)?; // replaced, text
        }
    }
    Some(())
}

/// Writes a file as a source gives it (name, bytes, blob id, flaw); the
/// cache's `read_drafts` reads it back straight from the file.
pub(super) fn put_file(e: &mut Enc, f: &FileData) {
    let FileData {
        name,
        bytes,
        id,
        flaw,
    } = f;
    e.str(name);
    e.len(bytes.len());
    e.raw(bytes);
    e.opt_str(id.as_deref());
    match flaw {
        None => e.u8(0),
        Some(FileFlaw::Symlink) => e.u8(1),
        Some(FileFlaw::Executable) => e.u8(2),
        Some(FileFlaw::TooBig(size)) => {
            e.u8(3);
            e.u64(*size);
        }
    }
}

pub(super) fn put_problem(e: &mut Enc, p: &Problem) {
    let Problem {
        file,
        line,
        column,
        message,
    } = p;
    e.str(file);
    e.opt_usize(*line);
    e.opt_usize(*column);
    e.str(message);
}

pub(super) fn get_problem(d: &mut Dec<'_>) -> Option<Problem> {
    Some(Problem {
        file: d.string()?,
        line: d.opt_usize()?,
        column: d.opt_usize()?,
        message: d.string()?,
    })
}

fn put_comment(e: &mut Enc, c: &Comment) {
    let Comment {
        id: _,
        created,
        body,
        status,
        reply_to,
        author,
        target,
        resolution,
        suggestion,
    } = c;
    e.time(created);
    e.str(body);
    e.choice(*status);
    e.opt_str(reply_to.as_deref());
    let Author {
        name,
        email,
        organisation,
    } = author;
    e.str(name);
    e.str(email);
    e.str(organisation);
    let Target {
        chapter,
        recommendation,
        anchor,
    } = target;
    e.opt_str(chapter.as_deref());
    e.opt_str(recommendation.as_deref());
    match anchor {
        None => e.u8(0),
        Some(a) => {
            e.u8(1);
            put_anchor(e, a);
        }
    }
    match resolution {
        None => e.u8(0),
        Some(r) => {
            e.u8(1);
            let Resolution {
                disposition,
                response,
                by,
                at,
            } = r;
            e.choice(*disposition);
            e.str(response);
            e.str(by);
            e.time(at);
        }
    }
    match suggestion {
        None => e.u8(0),
        Some(s) => {
            e.u8(1);
            let Suggestion {
                text,
                review,
                applied,
            } = s;
            e.str(text);
            e.opt_str(review.as_deref());
            match applied {
                None => e.u8(0),
                Some(Applied { replaced, text }) => {
                    e.u8(1);
                    e.str(replaced);
                    e.str(text);
                }
            }
        }
    }
}

fn get_comment(d: &mut Dec<'_>, id: &str) -> Option<Comment> {
    let created = d.time()?;
    let body = d.string()?;
    let status = d.choice()?;
    let reply_to = d.opt_string()?;
    let author = Author {
        name: d.string()?,
        email: d.string()?,
        organisation: d.string()?,
    };
    let chapter = d.opt_string()?;
    let recommendation = d.opt_string()?;
    let anchor = match d.some()? {
        false => None,
        true => Some(get_anchor(d)?),
    };
    let resolution = match d.some()? {
        false => None,
        true => Some(Resolution {
            disposition: d.choice()?,
            response: d.string()?,
            by: d.string()?,
            at: d.time()?,
        }),
    };
    let suggestion = match d.some()? {
        false => None,
        true => Some(Suggestion {
            text: d.string()?,
            review: d.opt_string()?,
            applied: match d.some()? {
                false => None,
                true => Some(Applied {
                    replaced: d.string()?,
                    text: d.string()?,
                }),
            },
        }),
    };
    Some(Comment {
        id: id.to_string(),
        created,
        body,
        status,
        reply_to,
        author,
        target: Target {
            chapter,
            recommendation,
            anchor,
        },
        resolution,
        suggestion,
    })
}

fn put_anchor(e: &mut Enc, a: &Anchor) {
    let Anchor {
        quote,
        before,
        after,
        commit,
        unique,
        history,
    } = a;
    e.str(quote);
    e.str(before);
    e.str(after);
    e.str(commit);
    e.u8(u8::from(*unique));
    e.len(history.len());
    for h in history {
        let AnchorChange {
            change,
            quote,
            commit,
            by,
            at,
        } = h;
        e.u8(match change {
            AnchorChangeKind::Confirmed => 0,
            AnchorChangeKind::Reattached => 1,
        });
        e.str(quote);
        e.str(commit);
        e.str(by);
        e.time(at);
    }
}

fn get_anchor(d: &mut Dec<'_>) -> Option<Anchor> {
    let quote = d.string()?;
    let before = d.string()?;
    let after = d.string()?;
    let commit = d.string()?;
    let unique = match d.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let n = d.len()?;
    let mut history = Vec::with_capacity(n);
    for _ in 0..n {
        history.push(AnchorChange {
            change: match d.u8()? {
                0 => AnchorChangeKind::Confirmed,
                1 => AnchorChangeKind::Reattached,
                _ => return None,
            },
            quote: d.string()?,
            commit: d.string()?,
            by: d.string()?,
            at: d.time()?,
        });
    }
    Some(Anchor {
        quote,
        before,
        after,
        commit,
        unique,
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("a valid time")
    }

    fn full() -> CommentFile {
        CommentFile {
            comment: Some(Comment {
                id: "01hzzz".into(),
                created: time("2024-06-12T10:15:00.123456789+02:00"),
                body: "Tekst med «æøå»\nog linjer".into(),
                status: crate::model::CommentStatus::Resolved,
                reply_to: Some("01hyyy".into()),
                author: Author {
                    name: "A".into(),
                    email: "a@x.dk".into(),
                    organisation: "Org".into(),
                },
                target: Target {
                    chapter: Some("kap".into()),
                    recommendation: None,
                    anchor: Some(Anchor {
                        quote: "q".into(),
                        before: "b".into(),
                        after: String::new(),
                        commit: "c".into(),
                        unique: true,
                        history: vec![AnchorChange {
                            change: AnchorChangeKind::Reattached,
                            quote: "old".into(),
                            commit: "c0".into(),
                            by: "w@x.dk".into(),
                            at: time("2024-06-13T08:00:00-05:30"),
                        }],
                    }),
                },
                resolution: Some(Resolution {
                    disposition: crate::model::Disposition::ALL[0],
                    response: "svar".into(),
                    by: "w@x.dk".into(),
                    at: time("2024-06-14T00:00:00Z"),
                }),
                suggestion: Some(Suggestion {
                    text: "ny".into(),
                    review: None,
                    applied: Some(Applied {
                        replaced: "gl".into(),
                        text: "ny".into(),
                    }),
                }),
            }),
            problems: vec![Problem {
                file: "comments/x.toml".into(),
                line: Some(3),
                column: None,
                message: "m".into(),
            }],
        }
    }

    #[test]
    fn skipping_steps_over_exactly_what_was_written() {
        let mut sparse = full();
        if let Some(c) = &mut sparse.comment {
            c.reply_to = None;
            c.target.anchor = None;
            c.resolution = None;
            c.suggestion = Some(Suggestion {
                text: "t".into(),
                review: Some("r".into()),
                applied: None,
            });
        }
        sparse.problems[0].column = Some(7);
        let none = CommentFile {
            comment: None,
            problems: Vec::new(),
        };
        for f in [full(), sparse, none] {
            let mut e = Enc::default();
            put_comment_file(&mut e, &f);
            put_comment_file(&mut e, &f);
            let mut d = Dec::new(&e.bytes);
            assert_eq!(skip_comment_file(&mut d), Some(()));
            // Right at the second copy, which reads back whole.
            assert_eq!(get_comment_file(&mut d, "01hzzz").as_ref(), Some(&f));
            assert!(d.is_empty());
            let one = e.bytes.len() / 2;
            for cut in 0..one {
                assert!(skip_comment_file(&mut Dec::new(&e.bytes[..cut])).is_none());
            }
        }
    }

    #[test]
    fn a_comment_file_reads_back_equal_with_its_offsets() {
        let f = full();
        let mut e = Enc::default();
        put_comment_file(&mut e, &f);
        let mut d = Dec::new(&e.bytes);
        let back = get_comment_file(&mut d, "01hzzz").expect("reads back");
        assert!(d.is_empty());
        assert_eq!(back, f);
        let (a, b) = (
            back.comment
                .as_ref()
                .map(|c| c.created.offset().local_minus_utc()),
            f.comment
                .as_ref()
                .map(|c| c.created.offset().local_minus_utc()),
        );
        assert_eq!(a, b);
    }

    #[test]
    fn every_cut_and_most_damage_read_as_nothing_without_panicking() {
        let mut e = Enc::default();
        put_comment_file(&mut e, &full());
        for cut in 0..e.bytes.len() {
            assert!(get_comment_file(&mut Dec::new(&e.bytes[..cut]), "x").is_none());
        }
        // Flipped bytes must never panic (the checksum rejects them first
        // in the cache; here the decoder alone).
        for i in 0..e.bytes.len() {
            let mut bytes = e.bytes.clone();
            bytes[i] ^= 0xff;
            let _ = get_comment_file(&mut Dec::new(&bytes), "x");
        }
    }
}
