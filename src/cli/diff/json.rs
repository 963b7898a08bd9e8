//! The diff as pretty JSON, the big lists rendered on a few threads.
//!
//! The output is byte for byte what `serde_json::to_string_pretty` gives
//! for [`WorkspaceDiff`] (a test holds it to that): the top level is
//! written here field by field, and the chapters and the written and
//! resolved comments element by element in parallel, each with a formatter
//! that starts at the element's depth.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

use crate::diff::{WorkspaceDiff, par_map};

/// Pretty printing (two spaces a level, as `serde_json`'s pretty printer)
/// starting at a given depth.
struct AtDepth {
    depth: usize,
    has_value: bool,
}

impl AtDepth {
    fn newline_indent<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for AtDepth {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_indent(w)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline_indent(w)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_indent(w)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline_indent(w)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A value as pretty JSON at `depth`.
fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T, depth: usize) -> serde_json::Result<()> {
    let mut s = Serializer::with_formatter(
        out,
        AtDepth {
            depth,
            has_value: false,
        },
    );
    v.serialize(&mut s)
}

/// An array at `depth`, its elements rendered in parallel.
fn array<T: Serialize + Sync>(
    out: &mut Vec<u8>,
    items: &[T],
    depth: usize,
) -> serde_json::Result<()> {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return Ok(());
    }
    let rendered = par_map(items, |item| {
        let mut buf = Vec::with_capacity(4096);
        value(&mut buf, item, depth + 1).map(|()| buf)
    });
    out.push(b'[');
    for (k, r) in rendered.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * (depth + 1)));
        out.extend_from_slice(&r?);
    }
    out.push(b'\n');
    out.extend(std::iter::repeat_n(b' ', 2 * depth));
    out.push(b']');
    Ok(())
}

/// Writes `"key": ` at `depth`, after a comma unless it is the first key.
fn key(out: &mut Vec<u8>, name: &str, depth: usize, first: bool) {
    if !first {
        out.push(b',');
    }
    out.push(b'\n');
    out.extend(std::iter::repeat_n(b' ', 2 * depth));
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// The whole diff as pretty JSON (without a final newline).
pub fn render(d: &WorkspaceDiff) -> serde_json::Result<Vec<u8>> {
    let mut o = Vec::with_capacity(1 << 20);
    o.push(b'{');
    key(&mut o, "from", 1, true);
    value(&mut o, &d.from, 1)?;
    key(&mut o, "to", 1, false);
    value(&mut o, &d.to, 1)?;
    key(&mut o, "title", 1, false);
    value(&mut o, &d.title, 1)?;
    key(&mut o, "chapter", 1, false);
    value(&mut o, &d.chapter, 1)?;
    key(&mut o, "summary", 1, false);
    value(&mut o, &d.summary, 1)?;
    key(&mut o, "chapters", 1, false);
    array(&mut o, &d.chapters, 1)?;
    key(&mut o, "recommendations", 1, false);
    value(&mut o, &d.recommendations, 1)?;
    key(&mut o, "comments", 1, false);
    o.push(b'{');
    key(&mut o, "written", 2, true);
    array(&mut o, &d.comments.written, 2)?;
    key(&mut o, "resolved", 2, false);
    array(&mut o, &d.comments.resolved, 2)?;
    key(&mut o, "withdrawn", 2, false);
    value(&mut o, &d.comments.withdrawn, 2)?;
    key(&mut o, "anchors", 2, false);
    value(&mut o, &d.comments.anchors, 2)?;
    o.extend_from_slice(b"\n  }");
    key(&mut o, "chapter_numbers", 1, false);
    value(&mut o, &d.chapter_numbers, 1)?;
    key(&mut o, "recommendation_ranks", 1, false);
    value(&mut o, &d.recommendation_ranks, 1)?;
    o.extend_from_slice(b"\n}");
    Ok(o)
}
