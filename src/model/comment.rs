//! `comments/ID.toml`: one comment or reply per file, so clones never collide.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Choice, CommentStatus, Disposition};

/// A comment on a chapter (optionally quoting it) or a recommendation, or a
/// reply to another comment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// From the file name (a lower-case ULID); never written into the file.
    #[serde(skip_deserializing, skip_serializing_if = "String::is_empty", default)]
    pub id: String,
    #[serde(deserialize_with = "de_time", serialize_with = "ser_time")]
    pub created: DateTime<FixedOffset>,
    pub body: String,
    pub status: CommentStatus,
    /// The comment this one answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub author: Author,
    pub target: Target,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// A proposed new wording for the quoted words (an ændringsforslag).
    /// Absent in ordinary comments and in files written before suggestions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
}

/// New wording proposed for a comment's quoted words (`[suggestion]`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// The words to stand instead of the quote (empty: delete the quote).
    pub text: String,
    /// Set by writers when another suggestion on overlapping words was
    /// applied (its id): the words changed, so this one needs a new look
    /// before it can be applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    /// Set by the writer who applied it, in the same commit as the chapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<Applied>,
}

/// What a writer wrote into the chapter when applying a suggestion.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Applied {
    /// The words that stood in the chapter and were replaced.
    pub replaced: String,
    /// The words written instead (the proposal, a merge or the writer's edit).
    pub text: String,
}

/// Who wrote a comment, as they were when they wrote it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: String,
    pub organisation: String,
}

/// What a comment is about: a chapter (with an optional quote) or a
/// recommendation. Exactly one of `chapter` and `recommendation` is set.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
}

/// The exact words a comment was written on, with context, and the commit
/// they were read from, so the comment can be placed in other versions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub quote: String,
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub after: String,
    pub commit: String,
    /// True when the quote occurs exactly once in the chapter's searchable
    /// text at `commit`, as `oplaeg` checked when it wrote the anchor. A
    /// quote found with all its context in a later version is then the
    /// words commented on, without the file at `commit` being read again
    /// to count the quote there. Absent (false) in files written before
    /// this was recorded, and for a quote that occurred more than once:
    /// those are counted in the file at `commit` when placed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Earlier anchors, oldest first: each time a writer confirmed where the
    /// quote now stands or attached the comment to new words, the anchor
    /// before that decision is kept here with who decided and when. Absent
    /// in files written before anchors could be moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<AnchorChange>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A writer's decision about where a comment's quote stands, recorded in the
/// comment's file so it holds for every later version.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AnchorChange {
    /// What the writer did.
    pub change: AnchorChangeKind,
    /// The quote before the decision.
    pub quote: String,
    /// The commit that quote was taken from.
    pub commit: String,
    /// E-mail of the writer who decided.
    pub by: String,
    #[serde(deserialize_with = "de_time", serialize_with = "ser_time")]
    pub at: DateTime<FixedOffset>,
}

/// How a writer moved an anchor.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnchorChangeKind {
    /// Accepted the words the quote was found at after an edit (or a move).
    Confirmed,
    /// Attached the comment to other words chosen by the writer.
    Reattached,
}

/// The writers' answer to a comment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub disposition: Disposition,
    pub response: String,
    /// E-mail of the writer who resolved it.
    pub by: String,
    #[serde(deserialize_with = "de_time", serialize_with = "ser_time")]
    pub at: DateTime<FixedOffset>,
}

/// Writes a time exactly as chrono's own `Serialize` does (RFC 3339, as
/// many digits of the second as it has), by hand for the usual whole
/// seconds, years of four digits and offsets of whole minutes: a diff
/// writes thousands of times, and chrono's formatter took about 2,600
/// instructions for each. Any other time goes to chrono.
fn ser_time<S: serde::Serializer>(time: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    match whole_seconds(time) {
        Some((bytes, len)) => match std::str::from_utf8(&bytes[..len]) {
            Ok(text) => s.serialize_str(text),
            Err(_) => time.serialize(s),
        },
        None => time.serialize(s),
    }
}

/// `time` as `YYYY-MM-DDTHH:MM:SS+HH:MM` (`…SSZ` at offset zero, as chrono
/// writes it) and the length of that, when chrono writes it so.
fn whole_seconds(time: &DateTime<FixedOffset>) -> Option<([u8; 25], usize)> {
    use chrono::{Datelike, Timelike};
    let local = time.naive_local();
    let offset = time.offset().local_minus_utc();
    let year = u32::try_from(local.year()).ok().filter(|y| *y <= 9999)?;
    if local.nanosecond() != 0 || offset % 60 != 0 {
        return None;
    }
    let mut out = *b"0000-00-00T00:00:00+00:00";
    let mut put = |at: usize, digits: usize, value: u32| {
        let mut v = value;
        for k in (at..at + digits).rev() {
            out[k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, local.month());
    put(8, 2, local.day());
    put(11, 2, local.hour());
    put(14, 2, local.minute());
    put(17, 2, local.second());
    if offset == 0 {
        out[19] = b'Z';
        return Some((out, 20));
    }
    let minutes = offset.unsigned_abs() / 60;
    put(20, 2, minutes / 60);
    put(23, 2, minutes % 60);
    if offset < 0 {
        out[19] = b'-';
    }
    Some((out, 25))
}

/// Accepts both a quoted RFC 3339 string and a bare TOML date-time.
fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let value = toml::Value::deserialize(d)?;
    let text = match &value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => other.to_string(),
    };
    DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        serde::de::Error::custom(crate::tr!(
            "ugyldigt tidspunkt «{text}» (skriv RFC 3339, fx 2024-06-12T10:15:00+02:00)",
            "invalid time «{text}» (write RFC 3339, e.g. 2024-06-12T10:15:00+02:00)"
        ))
    })
}

/// The tables and keys of a comment file.
const TABLES: [(&str, &[&str]); 5] = [
    ("", &["created", "body", "status", "reply_to"]),
    ("author", &["name", "email", "organisation"]),
    ("target", &["chapter", "recommendation"]),
    (
        "target.anchor",
        &["quote", "before", "after", "commit", "unique"],
    ),
    ("resolution", &["disposition", "response", "by", "at"]),
];

/// A basic string's escape (after the backslash), or None for anything a
/// plain reading leaves to the TOML parser.
fn unescape(chars: &mut std::str::Chars<'_>, out: &mut String) -> Option<()> {
    let c = match chars.next()? {
        'b' => '\u{8}',
        't' => '\t',
        'n' => '\n',
        'f' => '\u{c}',
        'r' => '\r',
        '"' => '"',
        '\\' => '\\',
        u @ ('u' | 'U') => {
            let n = if u == 'u' { 4 } else { 8 };
            let hex: String = chars.by_ref().take(n).collect();
            if hex.len() != n || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
        }
        _ => return None,
    };
    out.push(c);
    Some(())
}

/// Whether `s` holds a control character TOML does not allow raw in a
/// string (tab is allowed; line breaks only in multi-line strings, and
/// there only as `\n`), byte by byte: the control characters are
/// U+0000–U+001F, U+007F and U+0080–U+009F (C2 80–C2 9F).
fn has_forbidden(s: &str, multi_line: bool) -> bool {
    let b = s.as_bytes();
    let forbidden_at = |i: usize| {
        let x = b[i];
        (x < 0x20 && x != b'\t' && !(multi_line && x == b'\n'))
            || x == 0x7f
            || (x == 0xc2 && b.get(i + 1).is_some_and(|y| (0x80..=0x9f).contains(y)))
    };
    // Nearly every byte is none of the bytes that may start a forbidden
    // character: only a run with one is looked at byte by byte.
    let suspect = |x: u8| x < 0x20 || x == 0x7f || x == 0xc2;
    crate::text::runs_flagged(b, suspect).any(|mut run| run.any(forbidden_at))
}

/// `s`'s first line and what follows its line end (empty after the last).
fn first_line(s: &str) -> (&str, &str) {
    match memchr::memchr(b'\n', s.as_bytes()) {
        Some(n) => (&s[..n], &s[n + 1..]),
        None => (s, ""),
    }
}

/// A `"…"`, `"""…"""`, `'…'` or `'''…'''` string at the start of `rest`;
/// the string and what follows it.
fn plain_string(rest: &str) -> Option<(String, &str)> {
    // Literal strings: no escapes.
    if let Some(body) = rest.strip_prefix("'''") {
        let body = body.strip_prefix('\n').unwrap_or(body);
        let end = body.find("'''")?;
        let content = &body[..end];
        if body[end + 3..].starts_with('\'') || has_forbidden(content, true) {
            return None;
        }
        return Some((content.to_string(), &body[end + 3..]));
    }
    if let Some(body) = rest.strip_prefix('\'') {
        let end = body.find('\'')?;
        let content = &body[..end];
        if has_forbidden(content, false) {
            return None;
        }
        return Some((content.to_string(), &body[end + 1..]));
    }
    let mut out = String::new();
    if let Some(body) = rest.strip_prefix("\"\"\"") {
        let body = body.strip_prefix('\n').unwrap_or(body);
        let end = body.find("\"\"\"")?;
        // A fourth quote, a backslash at a line's end and the like: left to
        // the TOML parser.
        if body[end + 3..].starts_with('"') {
            return None;
        }
        let mut chars = body[..end].chars();
        loop {
            // Plain text up to the next backslash is copied in one piece.
            let rest = chars.as_str();
            let run = memchr::memchr(b'\\', rest.as_bytes()).unwrap_or(rest.len());
            if has_forbidden(&rest[..run], true) {
                return None;
            }
            out.push_str(&rest[..run]);
            chars = rest[run..].chars();
            if chars.next().is_none() {
                break;
            }
            if chars.clone().next().is_none_or(char::is_whitespace) {
                return None;
            }
            unescape(&mut chars, &mut out)?;
        }
        return Some((out, &body[end + 3..]));
    }
    let body = rest.strip_prefix('"')?;
    let mut chars = body.chars();
    loop {
        // Plain text up to the closing quote or the next backslash is
        // copied in one piece; none of them: the string is not closed.
        let rest = chars.as_str();
        let run = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
        if has_forbidden(&rest[..run], false) {
            return None;
        }
        out.push_str(&rest[..run]);
        chars = rest[run..].chars();
        match chars.next()? {
            '"' => return Some((out, chars.as_str())),
            _ => unescape(&mut chars, &mut out)?,
        }
    }
}

/// A value of a closed set by its key exactly (as serde reads it).
fn by_key<T: Choice>(s: &str) -> Option<T> {
    T::ALL.iter().copied().find(|v| v.key() == s)
}

impl Comment {
    /// Reads a comment file the way [`Comment::to_file`] writes it (bare
    /// keys, basic and literal strings, the five known tables) many times
    /// faster than the general TOML parser; `None` for anything else – other
    /// TOML forms, unknown or repeated keys, a missing or invalid field –
    /// which callers then hand to the TOML parser, which also explains what
    /// is wrong. The id is left empty.
    pub fn parse_plain(text: &str) -> Option<Comment> {
        let mut values: Vec<(&str, &str, String)> = Vec::with_capacity(16);
        let mut table = "";
        let mut seen_tables: Vec<&str> = vec![""];
        let mut rest = text;
        while !rest.is_empty() {
            let (line, after) = first_line(rest);
            let trimmed = line.trim_matches([' ', '\t']);
            if trimmed.is_empty() {
                rest = after;
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                let (known, _) = TABLES.iter().find(|(t, _)| *t == name)?;
                if seen_tables.contains(known) {
                    return None;
                }
                seen_tables.push(known);
                table = known;
                rest = after;
                continue;
            }
            let eq = memchr::memchr(b'=', line.as_bytes())?;
            let (key, value) = (&line[..eq], &line[eq + 1..]);
            let key = key.trim_matches([' ', '\t']);
            let keys = TABLES.iter().find(|(t, _)| *t == table)?.1;
            let key = *keys.iter().find(|k| **k == key)?;
            if values.iter().any(|(t, k, _)| *t == table && *k == key) {
                return None;
            }
            let from = value.trim_start_matches([' ', '\t']);
            // The one key that is not a string: `true` or `false` alone.
            if (table, key) == ("target.anchor", "unique") {
                let word = from.trim_end_matches([' ', '\t']);
                if word != "true" && word != "false" {
                    return None;
                }
                values.push((table, key, word.to_string()));
                rest = after;
                continue;
            }
            let offset = text.len() - rest.len() + (line.len() - from.len());
            let (string, tail) = plain_string(&text[offset..])?;
            let (end_of_line, next) = first_line(tail);
            if !end_of_line.trim_matches([' ', '\t']).is_empty() {
                return None;
            }
            values.push((table, key, string));
            rest = next;
        }
        let mut take = |t: &str, k: &str| {
            values
                .iter()
                .position(|(vt, vk, _)| *vt == t && *vk == k)
                .map(|i| values.swap_remove(i).2)
        };
        let time = |s: String| DateTime::parse_from_rfc3339(s.trim()).ok();
        let status: CommentStatus = by_key(&take("", "status")?)?;
        let created = time(take("", "created")?)?;
        let body = take("", "body")?;
        let reply_to = take("", "reply_to");
        let author = Author {
            name: take("author", "name")?,
            email: take("author", "email")?,
            organisation: take("author", "organisation")?,
        };
        if !seen_tables.contains(&"author") || !seen_tables.contains(&"target") {
            return None;
        }
        let anchor = if seen_tables.contains(&"target.anchor") {
            Some(Anchor {
                quote: take("target.anchor", "quote")?,
                before: take("target.anchor", "before").unwrap_or_default(),
                after: take("target.anchor", "after").unwrap_or_default(),
                commit: take("target.anchor", "commit")?,
                unique: take("target.anchor", "unique").is_some_and(|v| v == "true"),
                // `[[target.anchor.history]]` is not a table this reader
                // knows, so a file with history is read by toml instead.
                history: Vec::new(),
            })
        } else {
            None
        };
        let target = Target {
            chapter: take("target", "chapter"),
            recommendation: take("target", "recommendation"),
            anchor,
        };
        let resolution = if seen_tables.contains(&"resolution") {
            Some(Resolution {
                disposition: by_key(&take("resolution", "disposition")?)?,
                response: take("resolution", "response")?,
                by: take("resolution", "by")?,
                at: time(take("resolution", "at")?)?,
            })
        } else {
            None
        };
        Some(Comment {
            id: String::new(),
            created,
            body,
            status,
            reply_to,
            author,
            target,
            resolution,
            suggestion: None,
        })
    }

    /// True while it awaits an answer.
    pub fn is_open(&self) -> bool {
        self.status == CommentStatus::Open
    }

    /// The file's text (without the id, which is the file name).
    pub fn to_file(&self) -> String {
        let mut bare = self.clone();
        bare.id.clear();
        to_toml(&bare)
    }

    /// Rules serde cannot express; each is a message for a problem.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        match (&self.target.chapter, &self.target.recommendation) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => out.push(crate::tr!(
                "[target] skal have præcis én af chapter og recommendation",
                "[target] must have exactly one of chapter and recommendation"
            )),
        }
        if self.target.anchor.is_some() && self.target.chapter.is_none() {
            out.push(crate::tr!(
                "et citat (anchor) kræver et kapitel",
                "a quote (anchor) needs a chapter"
            ));
        }
        match (self.status, &self.resolution) {
            (CommentStatus::Resolved, None) => out.push(crate::tr!(
                "status er resolved, men [resolution] mangler",
                "status is resolved but [resolution] is missing"
            )),
            (CommentStatus::Open | CommentStatus::Withdrawn, Some(_)) => out.push(crate::tr!(
                "[resolution] findes, men status er ikke resolved",
                "[resolution] is present but status is not resolved"
            )),
            _ => {}
        }
        if self.suggestion.is_some() && (self.target.anchor.is_none() || self.reply_to.is_some()) {
            out.push(crate::tr!(
                "et ændringsforslag ([suggestion]) kræver et citat (anchor) og kan ikke være et svar",
                "a suggestion ([suggestion]) needs a quote (anchor) and cannot be a reply"
            ));
        }
        if let Some(parent) = &self.reply_to
            && !crate::text::is_valid_name(parent)
        {
            out.push(crate::tr!(
                "reply_to «{parent}» er ikke et gyldigt id",
                "reply_to «{parent}» is not a valid id"
            ));
        }
        out
    }
}

/// Serialises a value as readable TOML: multi-line text as `"""` blocks.
pub fn to_toml<T: Serialize>(value: &T) -> String {
    // The pretty printer writes strings with newlines as multi-line strings,
    // which keeps the files pleasant to read and to diff in plain git.
    toml::to_string_pretty(value).unwrap_or_else(|e| {
        // Serialising our own plain structs cannot fail; keep a trace if it does.
        format!("# could not serialise: {e}\n")
    })
}

/// A comment with every field filled, for tests.
#[cfg(test)]
pub(crate) fn sample() -> Comment {
    Comment {
        id: "01j0000000000000000000000a".into(),
        created: DateTime::parse_from_rfc3339("2024-06-12T10:15:00+02:00").unwrap(),
        body: "Første linje.\nAnden linje med \"citat\" og \"\"\" tre.".into(),
        status: CommentStatus::Resolved,
        reply_to: None,
        author: Author {
            name: "Jens Nørgaard".into(),
            email: "jn@rm.example".into(),
            organisation: "Region Midtjylland".into(),
        },
        target: Target {
            chapter: Some("rehabilitering".into()),
            recommendation: None,
            anchor: Some(Anchor {
                quote: "en sætning".into(),
                before: "før".into(),
                after: "efter".into(),
                commit: "abc".into(),
                unique: true,
                history: Vec::new(),
            }),
        },
        resolution: Some(Resolution {
            disposition: Disposition::PartlyMet,
            response: "Svar.".into(),
            by: "mh@sst.example".into(),
            at: DateTime::parse_from_rfc3339("2024-08-01T09:00:00+02:00").unwrap(),
        }),
        suggestion: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_toml;

    #[test]
    fn round_trips_and_reads_well() {
        let c = sample();
        let text = c.to_file();
        assert!(text.contains("disposition = \"partly_met\""), "{text}");
        assert!(text.contains("[target.anchor]"), "{text}");
        let mut back: Comment = parse_toml("c.toml", &text).unwrap();
        back.id = c.id.clone();
        assert_eq!(back, c);
        assert!(back.check().is_empty());
    }

    #[test]
    fn anchor_history_round_trips_and_old_files_load() {
        let mut c = sample();
        let old_file = c.to_file();
        assert!(!old_file.contains("history"), "{old_file}");
        c.target
            .anchor
            .as_mut()
            .unwrap()
            .history
            .push(AnchorChange {
                change: AnchorChangeKind::Reattached,
                quote: "den gamle sætning".into(),
                commit: "abc".into(),
                by: "mh@sst.example".into(),
                at: DateTime::parse_from_rfc3339("2024-08-02T09:00:00+02:00").unwrap(),
            });
        let text = c.to_file();
        assert!(text.contains("[[target.anchor.history]]"), "{text}");
        assert!(text.contains("change = \"reattached\""), "{text}");
        let mut back: Comment = parse_toml("c.toml", &text).unwrap();
        back.id = c.id.clone();
        assert_eq!(back, c);
        // The quick reader of plain files leaves a file with history to toml,
        // so the writers' decisions are never dropped.
        assert_eq!(Comment::parse_plain(&text), None, "{text}");
        // A file as written before anchors could move still loads.
        let legacy = "created = 2024-06-12T10:15:00+02:00\nbody = \"x\"\nstatus = \"open\"\n\n[author]\nname = \"A\"\nemail = \"a@b.dk\"\norganisation = \"O\"\n\n[target]\nchapter = \"k\"\n\n[target.anchor]\nquote = \"q\"\nbefore = \"b\"\nafter = \"a\"\ncommit = \"c\"\n";
        let old: Comment = parse_toml("old.toml", legacy).unwrap();
        assert!(old.target.anchor.unwrap().history.is_empty());
    }

    #[test]
    fn inconsistent_files_are_reported() {
        let mut c = sample();
        c.status = CommentStatus::Open;
        c.target.recommendation = Some("x".into());
        let problems = c.check();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn plain_reading_agrees_with_toml_on_written_files() {
        let mut c = sample();
        c.id.clear();
        // Three quotes in a row: written as a literal string.
        assert_eq!(Comment::parse_plain(&c.to_file()), Some(c.clone()));
        c.body = "Første linje med \"citat\", \\ og æøå.\n\nAnden linje\tslut.".into();
        let text = c.to_file();
        assert_eq!(Comment::parse_plain(&text), Some(c.clone()), "{text}");
        // Open, a reply, no anchor, a recommendation.
        c.status = CommentStatus::Open;
        c.resolution = None;
        c.reply_to = Some("01j00000000000000000000001".into());
        c.target = Target {
            chapter: None,
            recommendation: Some("tidlig".into()),
            anchor: None,
        };
        let text = c.to_file();
        assert_eq!(Comment::parse_plain(&text), Some(c), "{text}");
        // An anchor's `unique`: written only when true; read as TOML reads
        // it, and any other value left to the TOML parser.
        let mut c = sample();
        c.id.clear();
        let text = c.to_file();
        assert!(text.contains("\nunique = true\n"), "{text}");
        c.target.anchor.as_mut().unwrap().unique = false;
        let without = c.to_file();
        assert!(!without.contains("unique"), "{without}");
        assert_eq!(Comment::parse_plain(&without), Some(c.clone()));
        let by_hand = text.replace("unique = true", "unique = false ");
        assert_eq!(Comment::parse_plain(&by_hand), Some(c.clone()), "{by_hand}");
        for odd in [
            "unique = \"true\"",
            "unique = True",
            "unique = 1",
            "unique =",
            "unique = true true",
        ] {
            let text = text.replace("unique = true", odd);
            assert_eq!(Comment::parse_plain(&text), None, "{text}");
            assert!(parse_toml::<Comment>("c.toml", &text).is_err(), "{text}");
        }
        // Other TOML forms are left to the TOML parser.
        for other in [
            "created = 2024-06-12T10:15:00+02:00\n",
            "# a comment\ncreated = \"2024-06-12T10:15:00+02:00\"\n",
            "status = \"open\" # a note\n",
        ] {
            assert_eq!(Comment::parse_plain(other), None, "{other}");
        }
    }

    /// What [`has_forbidden`] looks for, character by character.
    fn forbidden(c: char, multi_line: bool) -> bool {
        c.is_control() && c != '\t' && !(multi_line && c == '\n')
    }

    fn text_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "æ", "ø", "å", " ", "\n", "\t", "\r", "\"", "\"\"", "\"\"\"", "\\", "\\n",
                "'", "'''", "=", "[", "]", "#", "\u{1}", "\u{7f}", "\u{1b}", "👍🏽", "a\u{30a}",
                "\u{202e}", "x", "\u{85}", "\u{9b}", "\u{a0}", "ÿ",
            ]),
            0..24,
        )
        .prop_map(|v| v.concat())
    }

    proptest::proptest! {
        /// The hand-written times are chrono's own, byte for byte: whole
        /// seconds or not, any offset, years of more or fewer digits.
        #[test]
        fn times_are_written_as_chrono_writes_them(
            seconds in -62_300_000_000i64..260_000_000_000,
            nanos in proptest::prop_oneof![
                3 => proptest::strategy::Just(0u32),
                1 => 0u32..1_000_000_000,
                1 => proptest::strategy::Strategy::prop_map(0u32..1000, |ms| ms * 1_000_000),
            ],
            offset in proptest::prop_oneof![
                // Offset zero on its own: chrono writes it `Z`.
                1 => proptest::strategy::Just(0i32),
                3 => proptest::strategy::Strategy::prop_map(-24 * 60 + 1..24 * 60i32, |m| m * 60),
                1 => -86_399i32..86_400,
            ],
        ) {
            let zone = FixedOffset::east_opt(offset).unwrap();
            let time = DateTime::from_timestamp(seconds, nanos).unwrap().with_timezone(&zone);
            #[derive(Serialize)]
            struct Hand(#[serde(serialize_with = "super::ser_time")] DateTime<FixedOffset>);
            let by_hand = serde_json::to_string(&Hand(time)).unwrap();
            proptest::prop_assert_eq!(&by_hand, &serde_json::to_string(&time).unwrap());
            if nanos == 0 && offset % 60 == 0 && (0..=9999).contains(&chrono::Datelike::year(&time)) {
                proptest::prop_assert!(super::whole_seconds(&time).is_some(), "{}", by_hand);
            }
        }

        #[test]
        fn plain_reading_never_disagrees_with_toml(
            body in text_strategy(),
            quote in text_strategy(),
            response in text_strategy(),
            resolved in proptest::bool::ANY,
            unique in proptest::bool::ANY,
            cut in 0usize..400,
            insert in text_strategy(),
        ) {
            let mut c = sample();
            c.id.clear();
            c.body = body;
            c.target.anchor.as_mut().unwrap().quote = quote;
            c.target.anchor.as_mut().unwrap().unique = unique;
            if resolved {
                c.resolution.as_mut().unwrap().response = response;
            } else {
                c.status = CommentStatus::Open;
                c.resolution = None;
            }
            for m in [false, true] {
                proptest::prop_assert_eq!(
                    has_forbidden(&c.body, m),
                    c.body.chars().any(|x| forbidden(x, m))
                );
            }
            let text = c.to_file();
            let by_toml = parse_toml::<Comment>("c.toml", &text).ok();
            if let Some(plain) = Comment::parse_plain(&text) {
                proptest::prop_assert_eq!(Some(plain), by_toml.clone());
            }
            // The file edited by hand: still never a different reading.
            let mut edited = text.clone();
            let mut at = cut.min(edited.len());
            while !edited.is_char_boundary(at) {
                at -= 1;
            }
            edited.insert_str(at, &insert);
            if let Some(plain) = Comment::parse_plain(&edited) {
                let by_toml = parse_toml::<Comment>("c.toml", &edited);
                proptest::prop_assert_eq!(Some(plain), by_toml.ok());
            }
        }
    }
}
