//! Pretty JSON, safe for a terminal, written in one pass.
//!
//! The output is byte for byte what `serde_json::to_writer_pretty` writes
//! (two-space indentation, `": "` between key and value, `[]` and `{}` for
//! empty containers, map keys quoted the way serde_json quotes them), except
//! that inside strings every character a terminal would interpret (see
//! [`crate::text::is_unsafe_for_terminal`]: DEL, C1 controls, bidi and
//! invisible formatting characters, tag characters …) is written as `\uXXXX`
//! escapes, one per UTF-16 unit, which any JSON reader turns back into the
//! same text. Strings are scanned once, for JSON's own escapes and the
//! terminal's together, a chunk of bytes at a time, and only the rare
//! characters that may need an escape are decoded. Output goes into one
//! buffer handed to the writer in large pieces.

use std::fmt::Display;
use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Buffered output is handed to the writer once it holds this much.
pub const FLUSH_AT: usize = 1 << 16;

/// Writes `value` as pretty JSON followed by `end` (for example a newline).
pub fn write_pretty<W, T>(out: W, value: &T, end: &[u8]) -> Result<(), Error>
where
    W: Write,
    T: ?Sized + Serialize,
{
    let mut ser = Pretty {
        out,
        buf: Vec::with_capacity(FLUSH_AT + 8192),
        depth: 0,
        has_value: false,
    };
    value.serialize(&mut ser)?;
    ser.buf.extend_from_slice(end);
    ser.out.write_all(&ser.buf)?;
    Ok(())
}

/// Why JSON could not be written: the writer failed, or the value cannot
/// be JSON (a map key that is not a string, number, bool or char; an error
/// the value's own `Serialize` gives).
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    Message(String),
}

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => e.fmt(f),
            Error::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Message(_) => None,
        }
    }
}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

fn key_must_be_a_string() -> Error {
    Error::Message("key must be a string".into())
}

fn float_key_must_be_finite() -> Error {
    Error::Message("float key must be finite".into())
}

/// A newline and room for 64 levels of indentation; deeper levels are
/// written a piece at a time.
const NEWLINE_INDENT: [u8; 129] = {
    let mut a = [b' '; 129];
    a[0] = b'\n';
    a
};

/// The serializer. Its state is serde_json's `PrettyFormatter`'s (one
/// `has_value` flag for the innermost container just closed or written
/// to), so empty and non-empty containers come out the same as there.
struct Pretty<W> {
    out: W,
    buf: Vec<u8>,
    depth: usize,
    has_value: bool,
}

impl<W: Write> Pretty<W> {
    /// Hands the buffer to the writer when it is full enough, up to its
    /// last line break (the rest stays for the next piece). Called between
    /// values, so a string is never cut. Whole lines go through the
    /// terminal's line-buffered stdout in one write; a piece ending
    /// mid-line would be two (the lines, then the rest once more text
    /// comes).
    #[inline]
    fn flush_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            let lines = memchr::memrchr(b'\n', &self.buf).map_or(self.buf.len(), |at| at + 1);
            self.out.write_all(&self.buf[..lines])?;
            self.buf.drain(..lines);
        }
        Ok(())
    }
}

impl<W> Pretty<W> {
    #[inline]
    fn newline_indent(&mut self) {
        const SHORT: usize = 32;
        let len = self.buf.len();
        let wanted = 1 + 2 * self.depth;
        if wanted <= SHORT {
            // A copy of a fixed length, cut to size: no call to `memcpy`.
            self.buf.extend_from_slice(&NEWLINE_INDENT[..SHORT]);
            self.buf.truncate(len + wanted);
            return;
        }
        let mut spaces = 2 * self.depth;
        let first = spaces.min(NEWLINE_INDENT.len() - 1);
        self.buf.extend_from_slice(&NEWLINE_INDENT[..1 + first]);
        spaces -= first;
        while spaces > 0 {
            let n = spaces.min(NEWLINE_INDENT.len() - 1);
            self.buf.extend_from_slice(&NEWLINE_INDENT[1..1 + n]);
            spaces -= n;
        }
    }

    #[inline]
    fn begin(&mut self, bracket: u8) {
        self.depth += 1;
        self.has_value = false;
        self.buf.push(bracket);
    }

    #[inline]
    fn end(&mut self, bracket: u8) {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.newline_indent();
        }
        self.buf.push(bracket);
    }

    /// Before an array element or an object key.
    #[inline]
    fn begin_entry(&mut self, first: bool) {
        if !first {
            self.buf.push(b',');
        }
        self.newline_indent();
    }

    fn signed(&mut self, v: i64) {
        self.unsigned(v < 0, v.unsigned_abs());
    }

    /// An integer in decimal, `-` first when `negative`.
    #[inline]
    fn unsigned(&mut self, negative: bool, mut n: u64) {
        if negative {
            self.buf.push(b'-');
        }
        // Digits from the right end of the first 20 bytes, copied as 20
        // bytes (a fixed length: no call to `memcpy`) and cut to size.
        const MAX: usize = 20;
        let mut digits = [0u8; 2 * MAX];
        let mut at = MAX;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let len = self.buf.len();
        self.buf.extend_from_slice(&digits[at..at + MAX]);
        self.buf.truncate(len + MAX - at);
    }

    /// What Rust's `Display` writes, which for integers and bools is what
    /// serde_json writes.
    fn display(&mut self, value: impl Display) -> Result<(), Error> {
        write!(self.buf, "{value}")?;
        Ok(())
    }

    /// A float the way serde_json writes it (`null` when not finite).
    fn float<F: Serialize>(&mut self, value: F) -> Result<(), Error> {
        serde_json::to_writer(&mut self.buf, &value).map_err(|e| Error::Message(e.to_string()))
    }

    /// `s` as a JSON string. See the module's documentation.
    #[inline]
    fn string(&mut self, s: &str) {
        write_escaped(&mut self.buf, s);
    }
}

/// True for a byte after which a string cannot simply be copied: `"`,
/// `\`, a control character, or the first byte of a character that may be
/// unsafe for a terminal. Continuation bytes are never flagged.
#[inline(always)]
const fn flagged(b: u8) -> bool {
    crate::text::may_start_unsafe(b, 0xff) | (b == b'"') | (b == b'\\')
}

/// [`flagged`] as a table, for the byte at a time scan of a chunk that
/// has a flagged byte.
const FLAGGED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = flagged(b as u8);
        b += 1;
    }
    table
};

/// Strings are scanned this many bytes at a time.
const CHUNK: usize = 32;

/// Whether any byte of `chunk` is [`flagged`]: written so that it runs on
/// vector registers.
#[inline(always)]
fn any_flagged<const N: usize>(chunk: &[u8; N]) -> bool {
    chunk.iter().fold(false, |any, &b| any | flagged(b))
}

/// [`any_flagged`] on `bytes[at..at + N]` (false when out of range: never
/// asked).
#[inline(always)]
fn any_flagged_at<const N: usize>(bytes: &[u8], at: usize) -> bool {
    bytes
        .get(at..at + N)
        .and_then(|b| <&[u8; N]>::try_from(b).ok())
        .is_some_and(any_flagged)
}

/// Appends a string shorter than [`CHUNK`] when none of its bytes is
/// [`flagged`]; false (and nothing appended) otherwise. Checks and copies
/// it as two pieces of a fixed length that overlap, which runs without
/// calls to `memcpy` and without copying it into a padded chunk first
/// (the wide read after narrow writes stalls).
#[inline(always)]
fn short_unflagged(buf: &mut Vec<u8>, bytes: &[u8]) -> bool {
    const { assert!(CHUNK <= 2 * 16) };
    match bytes.len() {
        16.. => overlapping::<16>(buf, bytes),
        8.. => overlapping::<8>(buf, bytes),
        4.. => overlapping::<4>(buf, bytes),
        _ => {
            if bytes.iter().any(|&b| FLAGGED[usize::from(b)]) {
                return false;
            }
            buf.extend_from_slice(bytes);
            true
        }
    }
}

/// [`short_unflagged`] for `N <= bytes.len() <= 2 * N`.
#[inline(always)]
fn overlapping<const N: usize>(buf: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let n = bytes.len();
    let head = bytes.get(..N).and_then(|b| <&[u8; N]>::try_from(b).ok());
    let tail = bytes
        .get(n.saturating_sub(N)..)
        .and_then(|b| <&[u8; N]>::try_from(b).ok());
    let (Some(head), Some(tail)) = (head, tail) else {
        return false;
    };
    if any_flagged(head) | any_flagged(tail) {
        return false;
    }
    let len = buf.len();
    buf.extend_from_slice(head);
    buf.truncate(len + n - N);
    buf.extend_from_slice(tail);
    true
}

/// Appends `s` quoted, with JSON's escapes exactly as serde_json writes
/// them (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other C0 controls as
/// `\u00xx`) and every other character unsafe for a terminal as `\uXXXX`.
///
/// Inlined for its short strings: a struct's field names are known where
/// they are written, so their checks and copies fold to a few instructions.
#[inline(always)]
fn write_escaped(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.len() < CHUNK {
        // Most keys and values.
        buf.reserve(CHUNK + 2);
        buf.push(b'"');
        if short_unflagged(buf, bytes) {
            buf.push(b'"');
            return;
        }
        buf.pop();
    }
    write_escaped_scanning(buf, s);
}

/// [`write_escaped`] for strings that are long or need escapes.
fn write_escaped_scanning(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    let mut escaping = Escaping { copied: 0, i: 0 };
    if bytes.len() < CHUNK {
        escaping.scan(buf, s, bytes.len());
    } else {
        while escaping.i < bytes.len() {
            // A whole chunk without a flagged byte is passed over at once;
            // the last one overlaps the one before it.
            let at = escaping.i.min(bytes.len() - CHUNK);
            if any_flagged_at::<CHUNK>(bytes, at) {
                escaping.scan(buf, s, (escaping.i + CHUNK).min(bytes.len()));
            } else {
                escaping.i += CHUNK;
            }
        }
    }
    buf.extend_from_slice(&bytes[escaping.copied..]);
    buf.push(b'"');
}

/// Where [`write_escaped`] is in its string.
struct Escaping {
    /// Bytes before this are in the buffer.
    copied: usize,
    /// Bytes before this are scanned.
    i: usize,
}

impl Escaping {
    /// Scans a byte at a time up to `end` (or the end of the character
    /// there), escaping what needs it.
    fn scan(&mut self, buf: &mut Vec<u8>, s: &str, end: usize) {
        let bytes = s.as_bytes();
        while self.i < end {
            let i = self.i;
            let b = bytes[i];
            if !FLAGGED[usize::from(b)] {
                self.i += 1;
                continue;
            }
            if b < 0x80 {
                buf.extend_from_slice(&bytes[self.copied..i]);
                let short = match b {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    0x08 => b'b',
                    0x0c => b'f',
                    b'\n' => b'n',
                    b'\r' => b'r',
                    b'\t' => b't',
                    _ => 0,
                };
                if short != 0 {
                    buf.extend_from_slice(&[b'\\', short]);
                } else {
                    unicode_escape(buf, u16::from(b));
                }
                self.i += 1;
                self.copied = self.i;
                continue;
            }
            // A flagged byte above ASCII starts a character.
            let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                self.i += 1;
                continue;
            };
            self.i += c.len_utf8();
            if crate::text::is_unsafe_for_terminal(c) {
                buf.extend_from_slice(&bytes[self.copied..i]);
                let mut units = [0u16; 2];
                for &unit in c.encode_utf16(&mut units).iter() {
                    unicode_escape(buf, unit);
                }
                self.copied = self.i;
            }
        }
    }
}

/// `\u` and four lowercase hex digits.
#[inline]
fn unicode_escape(buf: &mut Vec<u8>, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| HEX[usize::from((unit >> shift) & 0xf)];
    buf.extend_from_slice(&[b'\\', b'u', digit(12), digit(8), digit(4), digit(0)]);
}

/// Whether a container has had no entries yet, has some, or was closed at
/// once because its announced length was 0 (serde_json's `State`).
#[derive(PartialEq, Eq, Clone, Copy)]
enum State {
    Empty,
    First,
    Rest,
}

struct Compound<'a, W> {
    ser: &'a mut Pretty<W>,
    state: State,
}

impl<'a, W: Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.signed(i64::from(v));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.signed(i64::from(v));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.signed(i64::from(v));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.signed(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.unsigned(false, u64::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.unsigned(false, u64::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.unsigned(false, u64::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.unsigned(false, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.begin(b'[');
        for (k, byte) in v.iter().enumerate() {
            self.begin_entry(k == 0);
            self.unsigned(false, u64::from(*byte));
            self.has_value = true;
        }
        self.end(b']');
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.begin(b'{');
        self.begin_entry(true);
        self.string(variant);
        self.buf.extend_from_slice(b": ");
        value.serialize(&mut *self)?;
        self.has_value = true;
        self.end(b'}');
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.begin(b'[');
        let state = if len == Some(0) {
            self.end(b']');
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.begin(b'{');
        self.begin_entry(true);
        self.string(variant);
        self.buf.extend_from_slice(b": ");
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.begin(b'{');
        let state = if len == Some(0) {
            self.end(b'}');
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.begin(b'{');
        self.begin_entry(true);
        self.string(variant);
        self.buf.extend_from_slice(b": ");
        self.serialize_map(Some(len))
    }
}

impl<W: Write> Compound<'_, W> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.flush_if_full()?;
        self.ser.begin_entry(self.state == State::First);
        self.state = State::Rest;
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }

    fn end_array(self) -> Result<(), Error> {
        if self.state != State::Empty {
            self.ser.end(b']');
        }
        Ok(())
    }

    fn end_object(self) -> Result<(), Error> {
        if self.state != State::Empty {
            self.ser.end(b'}');
        }
        Ok(())
    }

    /// Closes the `{"Variant": …}` object around a tuple or struct variant.
    fn end_variant(self) {
        self.ser.has_value = true;
        self.ser.end(b'}');
    }
}

/// Sequences, tuples and tuple structs are all JSON arrays: serde asks for
/// each through a trait of its own, whose one method adds an element.
macro_rules! array_like {
    ($($trait:ident :: $add:ident),*) => {$(
        impl<W: Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn $add<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.end_array()
            }
        }
    )*};
}

array_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl<W: Write> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        if self.state != State::Empty {
            self.ser.end(b']');
        }
        self.end_variant();
        Ok(())
    }
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.ser.flush_if_full()?;
        self.ser.begin_entry(self.state == State::First);
        self.state = State::Rest;
        key.serialize(Key(&mut *self.ser))
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.buf.extend_from_slice(b": ");
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        self.end_object()
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.ser.flush_if_full()?;
        self.ser.begin_entry(self.state == State::First);
        self.state = State::Rest;
        self.ser.string(key);
        ser::SerializeMap::serialize_value(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.end_object()
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        if self.state != State::Empty {
            self.ser.end(b'}');
        }
        self.end_variant();
        Ok(())
    }
}

/// A map key: strings as they are, numbers, bools and chars quoted, the
/// way serde_json does it; anything else is an error.
struct Key<'a, W>(&'a mut Pretty<W>);

impl<W> Key<'_, W> {
    fn quoted(self, write: impl FnOnce(&mut Pretty<W>) -> Result<(), Error>) -> Result<(), Error> {
        self.0.buf.push(b'"');
        write(&mut *self.0)?;
        self.0.buf.push(b'"');
        Ok(())
    }
}

impl<W: Write> ser::Serializer for Key<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(|ser| ser.display(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.signed(i64::from(v));
            Ok(())
        })
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.signed(i64::from(v));
            Ok(())
        })
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.signed(i64::from(v));
            Ok(())
        })
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.signed(v);
            Ok(())
        })
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.quoted(|ser| ser.display(v))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.unsigned(false, u64::from(v));
            Ok(())
        })
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.unsigned(false, u64::from(v));
            Ok(())
        })
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.unsigned(false, u64::from(v));
            Ok(())
        })
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.quoted(|ser| {
            ser.unsigned(false, v);
            Ok(())
        })
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.quoted(|ser| ser.display(v))
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(float_key_must_be_finite());
        }
        self.quoted(|ser| ser.float(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(float_key_must_be_finite());
        }
        self.quoted(|ser| ser.float(v))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::Value;

    use super::*;

    /// The pipeline this module replaced, kept as the reference: serde_json's
    /// pretty printing, then a second pass over its output that escapes
    /// what a terminal would interpret.
    fn reference<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
        let mut json = Vec::new();
        serde_json::to_writer_pretty(&mut json, value)?;
        let mut out = Vec::new();
        let mut rest = &json[..];
        while let Some((at, c)) = crate::text::first_unsafe_in_utf8(rest, true) {
            out.extend_from_slice(&rest[..at]);
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
            }
            rest = &rest[at + c.len_utf8()..];
        }
        out.extend_from_slice(rest);
        Ok(out)
    }

    fn ours<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        write_pretty(&mut out, value, b"")?;
        Ok(out)
    }

    /// Both give the same bytes, or both refuse.
    fn same<T: ?Sized + Serialize>(value: &T) -> Result<(), TestCaseError> {
        match (reference(value), ours(value)) {
            (Ok(old), Ok(new)) => {
                prop_assert_eq!(String::from_utf8_lossy(&old), String::from_utf8_lossy(&new))
            }
            (Err(_), Err(_)) => {}
            (old, new) => prop_assert!(false, "reference {old:?}, ours {new:?}"),
        }
        Ok(())
    }

    /// Characters that need an escape of one kind or another, and ordinary
    /// ones around them.
    fn hostile_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => prop::sample::select(vec![
                'a', 'Z', ' ', '0', 'æ', 'ø', 'å', 'Å', 'é', '§', '–', '—', '…', '“', '€',
                '🎉', '日', '"', '\\', '/', '\n', '\r', '\t', '\u{8}', '\u{c}', '\0',
                '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}', '\u{9b}', '\u{9f}',
                '\u{a0}', '\u{ad}', '\u{61c}', '\u{180e}', '\u{200b}', '\u{200e}',
                '\u{2028}', '\u{202e}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{206a}',
                '\u{feff}', '\u{fff9}', '\u{fffb}', '\u{fffc}', '\u{e0000}', '\u{e0041}',
                '\u{e007f}', '\u{e0080}', '\u{10ffff}',
            ]),
            1 => any::<char>(),
        ]
    }

    fn hostile_string() -> impl Strategy<Value = String> {
        prop_oneof![
            // Short, with every kind of character.
            prop::collection::vec(hostile_char(), 0..12).prop_map(|c| c.into_iter().collect()),
            // Long runs of plain text (the chunked scan) with a rare
            // character here and there, at any offset.
            (
                prop::collection::vec(hostile_char(), 0..4),
                prop::collection::vec(0usize..200, 0..4),
            )
                .prop_map(|(odd, at)| {
                    let mut s = "Den palliative indsats bør øge kapaciteten. ".repeat(4);
                    for (c, at) in odd.into_iter().zip(at) {
                        let mut at = at.min(s.len());
                        while !s.is_char_boundary(at) {
                            at -= 1;
                        }
                        s.insert(at, c);
                    }
                    s
                }),
        ]
    }

    fn number() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1000i64..1000).prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            prop::sample::select(vec![
                0.0, -0.0, 1.0, 0.1, 1e300, -1e-300, 5e-324, 1e21, 1e-7
            ])
            .prop_map(Value::from),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number(),
            hostile_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(hostile_string(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[derive(Serialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    enum KeyKind {
        Plain,
        #[serde(rename = "omdøbt\u{202e}")]
        Renamed,
    }

    #[derive(Serialize, Debug, Clone)]
    struct Unit;

    #[derive(Serialize, Debug, Clone)]
    struct Newtype(String);

    #[derive(Serialize, Debug, Clone)]
    struct Pair(i8, Option<char>);

    #[derive(Serialize, Debug, Clone)]
    struct Empty {}

    /// `serialize_bytes`, which `Vec<u8>` alone does not reach.
    #[derive(Debug, Clone)]
    struct Bytes(Vec<u8>);

    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    /// `collect_str`, as chrono's times use it.
    #[derive(Debug, Clone)]
    struct Collected(String);

    impl Serialize for Collected {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0)
        }
    }

    #[derive(Serialize, Debug, Clone)]
    enum Shape {
        Unit,
        Newtype(String),
        NewtypeEmpty(Vec<u8>),
        Tuple(i32, String, f64),
        EmptyTuple(),
        Struct {
            a: Option<String>,
            b: Vec<u16>,
        },
        EmptyStruct {},
        Skipping {
            #[serde(skip_serializing_if = "Option::is_none")]
            only: Option<u8>,
        },
    }

    #[derive(Serialize, Debug, Clone)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        First { text: String },
        Second { n: i64, more: Vec<Shape> },
    }

    #[derive(Serialize, Debug, Clone)]
    #[serde(untagged)]
    enum Untagged {
        Text(String),
        Number(u32),
        List(Vec<Option<bool>>),
    }

    #[derive(Serialize, Debug, Clone)]
    struct Zoo {
        name: String,
        c: char,
        opt: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<i64>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        maybe_list: Vec<Shape>,
        shapes: Vec<Shape>,
        tagged: Vec<Tagged>,
        untagged: Vec<Untagged>,
        by_name: BTreeMap<String, Vec<u32>>,
        by_number: BTreeMap<i64, String>,
        by_unsigned: BTreeMap<u8, ()>,
        by_char: BTreeMap<char, bool>,
        by_bool: BTreeMap<bool, Option<f32>>,
        by_kind: BTreeMap<KeyKind, Unit>,
        f: f64,
        g: f32,
        big: (i128, u128),
        tuple: (u8, Pair, Newtype),
        unit: (),
        empty: Empty,
        bytes: Bytes,
        collected: Collected,
        nested: Vec<Vec<Vec<Option<Zoo2>>>>,
        #[serde(flatten)]
        extra: BTreeMap<String, String>,
    }

    #[derive(Serialize, Debug, Clone)]
    struct Zoo2 {
        #[serde(skip_serializing_if = "String::is_empty")]
        only: String,
    }

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 2.5]),
        ]
    }

    fn shape() -> impl Strategy<Value = Shape> {
        prop_oneof![
            Just(Shape::Unit),
            hostile_string().prop_map(Shape::Newtype),
            prop::collection::vec(any::<u8>(), 0..3).prop_map(Shape::NewtypeEmpty),
            (any::<i32>(), hostile_string(), float()).prop_map(|(a, b, c)| Shape::Tuple(a, b, c)),
            Just(Shape::EmptyTuple()),
            (
                prop::option::of(hostile_string()),
                prop::collection::vec(any::<u16>(), 0..3)
            )
                .prop_map(|(a, b)| Shape::Struct { a, b }),
            Just(Shape::EmptyStruct {}),
            prop::option::of(any::<u8>()).prop_map(|only| Shape::Skipping { only }),
        ]
    }

    fn tagged() -> impl Strategy<Value = Tagged> {
        prop_oneof![
            hostile_string().prop_map(|text| Tagged::First { text }),
            (any::<i64>(), prop::collection::vec(shape(), 0..3))
                .prop_map(|(n, more)| Tagged::Second { n, more }),
        ]
    }

    fn untagged() -> impl Strategy<Value = Untagged> {
        prop_oneof![
            hostile_string().prop_map(Untagged::Text),
            any::<u32>().prop_map(Untagged::Number),
            prop::collection::vec(prop::option::of(any::<bool>()), 0..3).prop_map(Untagged::List),
        ]
    }

    fn zoo() -> impl Strategy<Value = Zoo> {
        let strings = (
            hostile_string(),
            hostile_char(),
            prop::option::of(hostile_string()),
            prop::option::of(any::<i64>()),
            hostile_string(),
            prop::collection::btree_map(hostile_string(), hostile_string(), 0..3),
        );
        let lists = (
            prop::collection::vec(shape(), 0..3),
            prop::collection::vec(shape(), 0..4),
            prop::collection::vec(tagged(), 0..3),
            prop::collection::vec(untagged(), 0..3),
            prop::collection::vec(
                prop::collection::vec(
                    prop::collection::vec(
                        prop::option::of(hostile_string().prop_map(|only| Zoo2 { only })),
                        0..3,
                    ),
                    0..3,
                ),
                0..3,
            ),
        );
        let maps = (
            prop::collection::btree_map(
                hostile_string(),
                prop::collection::vec(any::<u32>(), 0..3),
                0..3,
            ),
            prop::collection::btree_map(any::<i64>(), hostile_string(), 0..3),
            prop::collection::btree_map(any::<u8>(), Just(()), 0..3),
            prop::collection::btree_map(hostile_char(), any::<bool>(), 0..3),
            prop::collection::btree_map(any::<bool>(), prop::option::of(any::<f32>()), 0..3),
            prop::collection::btree_map(
                prop::sample::select(vec![KeyKind::Plain, KeyKind::Renamed]),
                Just(Unit),
                0..3,
            ),
        );
        let scalars = (
            float(),
            any::<f32>(),
            any::<(i128, u128)>(),
            (any::<u8>(), any::<i8>(), prop::option::of(hostile_char())),
            prop::collection::vec(any::<u8>(), 0..4),
        );
        (strings, lists, maps, scalars).prop_map(
            |(
                (name, c, opt, skipped, newtype, extra),
                (maybe_list, shapes, tagged, untagged, nested),
                (by_name, by_number, by_unsigned, by_char, by_bool, by_kind),
                (f, g, big, (t0, t1, t2), bytes),
            )| Zoo {
                collected: Collected(name.clone()),
                name,
                c,
                opt,
                skipped,
                maybe_list,
                shapes,
                tagged,
                untagged,
                by_name,
                by_number,
                by_unsigned,
                by_char,
                by_bool,
                by_kind,
                f,
                g,
                big,
                tuple: (t0, Pair(t1, t2), Newtype(newtype)),
                unit: (),
                empty: Empty {},
                bytes: Bytes(bytes),
                nested,
                extra,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn values_are_written_as_the_old_pipeline_wrote_them(v in value()) {
            same(&v)?;
        }

        #[test]
        fn every_serde_shape_is_written_as_the_old_pipeline_wrote_it(z in zoo()) {
            same(&z)?;
            same(&vec![z.clone(), z])?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn long_strings_are_escaped_as_before(
            parts in prop::collection::vec(hostile_string(), 0..40),
        ) {
            // One string across many scan chunks, and many strings across
            // the flush boundary.
            let long: String = parts.concat();
            same(&long)?;
            let many: Vec<String> = (0..100).map(|k| format!("{k}{long}")).collect();
            same(&many)?;
        }
    }

    /// A writer that keeps every piece it is handed.
    #[derive(Default)]
    struct Pieces(Vec<Vec<u8>>);

    impl std::io::Write for Pieces {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn pieces_end_at_line_breaks() {
        // Line-buffered stdout writes a piece ending in a line break in one
        // call, any other in two.
        let long: Vec<String> = (0..20_000).map(|k| format!("linje {k} – æøå")).collect();
        let mut pieces = Pieces::default();
        write_pretty(&mut pieces, &long, b"\n").unwrap();
        assert!(pieces.0.len() > 3, "{}", pieces.0.len());
        assert!(pieces.0.iter().all(|p| p.ends_with(b"\n")));
        let mut whole = Vec::new();
        write_pretty(&mut whole, &long, b"\n").unwrap();
        assert_eq!(pieces.0.concat(), whole);
        assert_eq!(serde_json::from_slice::<Vec<String>>(&whole).unwrap(), long);
    }

    #[test]
    fn every_character_is_escaped_as_before() {
        // Each character alone, first and last in strings of every length
        // the scan treats apart, and between plain text, so that it meets
        // the scan both inside a chunk and at its edges.
        let mut failures = Vec::new();
        for c in (0..0x3000u32)
            .chain(0xe000..0x1_0000)
            .chain(0xe0000..0xe0100)
        {
            let Some(c) = char::from_u32(c) else { continue };
            let mut strings = vec![
                c.to_string(),
                format!("{}{c}{}", "x".repeat(31), "y".repeat(40)),
            ];
            for pad in [2, 3, 6, 7, 14, 15, 30, 31, 32, 40] {
                strings.push(format!("{}{c}", "x".repeat(pad)));
                strings.push(format!("{c}{}", "y".repeat(pad)));
            }
            for s in strings {
                let (Ok(old), Ok(new)) = (reference(&s), ours(&s)) else {
                    failures.push(c);
                    continue;
                };
                if old != new {
                    failures.push(c);
                }
            }
        }
        assert!(failures.is_empty(), "{failures:?}");
    }

    #[test]
    fn keys_that_cannot_be_json_are_errors_as_before() {
        let mut by_list = BTreeMap::new();
        by_list.insert(vec![1u8], 1);
        assert!(reference(&by_list).is_err() && ours(&by_list).is_err());
        let mut by_unit = BTreeMap::new();
        by_unit.insert((), 1);
        assert!(reference(&by_unit).is_err() && ours(&by_unit).is_err());
        let mut by_none = BTreeMap::new();
        by_none.insert(None::<String>, 1);
        assert!(reference(&by_none).is_err() && ours(&by_none).is_err());
        let by_nan = vec![(f64::NAN, 1)];
        struct FloatKeys(Vec<(f64, i32)>);
        impl Serialize for FloatKeys {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
            }
        }
        let nan = FloatKeys(by_nan);
        assert!(reference(&nan).is_err() && ours(&nan).is_err());
        let finite = FloatKeys(vec![(1.5, 1), (-0.0, 2), (1e300, 3)]);
        assert_eq!(reference(&finite).ok(), ours(&finite).ok());
        let mut by_some = BTreeMap::new();
        by_some.insert(Some("ja".to_string()), 1);
        assert_eq!(reference(&by_some).ok(), ours(&by_some).ok());
        assert!(ours(&by_some).is_ok());
    }

    #[test]
    fn deep_nesting_is_indented_as_before() {
        let mut v = Value::from("bund");
        for k in 0..150 {
            v = if k % 2 == 0 {
                Value::Array(vec![v, Value::Null])
            } else {
                serde_json::json!({ "k": v })
            };
        }
        assert_eq!(reference(&v).ok(), ours(&v).ok());
    }

    #[test]
    fn a_failing_writer_is_an_error() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let many: Vec<String> = (0..20_000).map(|k| format!("{k} æøå")).collect();
        assert!(matches!(
            write_pretty(Broken, &many, b"\n"),
            Err(Error::Io(_))
        ));
        assert!(matches!(
            write_pretty(Broken, "kort", b""),
            Err(Error::Io(_))
        ));
    }
}
