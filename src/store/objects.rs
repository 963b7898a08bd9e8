//! A small, fast, read-only reader of git blobs straight from an object
//! folder: pack files with their version-2 indexes, and loose objects. The
//! diff reads thousands of blobs; libgit2 pays for each one a new zlib
//! stream, zeroed buffers and copies of its cached delta bases.
//!
//! It only ever adds speed: whatever it does not fully understand, or finds
//! damaged, it answers `None`, and the caller reads that object with libgit2.
//!
//! - Every pack entry is checked against the CRC-32 its index records before
//!   it is used, so a damaged entry (its header, its delta base's offset or
//!   its data) is refused instead of being read as some other object. Loose
//!   objects have zlib's Adler-32. Ids are not re-hashed (neither git nor the
//!   diff's libgit2, see `skip_hash_checks`, does).
//! - Bounded throughout: declared sizes above [`MAX_SIZE`] (or more than
//!   deflate can expand the bytes at hand to) are refused before anything is
//!   allocated; delta chains are followed in a loop, at most [`MAX_DEPTH`]
//!   deep, holding at most [`MAX_SIZE`] bytes of deltas, without cycles;
//!   every other loop walks a buffer that only shrinks.
//! - Only what git documents in `gitformat-pack`: index version 2 with 20-byte
//!   ids, pack version 2 or 3. Anything else (SHA-256, other index versions,
//!   a multi-pack index alone, alternates) is left to libgit2.

use std::collections::{HashMap, VecDeque};
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};

/// The largest object (or delta, or delta result) read, in bytes.
const MAX_SIZE: usize = 256 << 20;
/// The longest delta chain followed.
const MAX_DEPTH: usize = 10_000;
/// What the cache of delta bases holds at most, in bytes.
const CACHE_BYTES: usize = 16 << 20;
/// Deflate cannot expand its input more than 1032-fold (a 258-byte match in
/// two bits), so a larger declared size is a lie.
const MAX_RATIO: usize = 1032;
/// The most compressed bytes one object may take (stored deflate blocks add
/// five bytes per 64 KiB; the headers a few more).
const MAX_PACKED: usize = MAX_SIZE + (MAX_SIZE >> 8) + 4096;
/// A read buffer grown beyond this is let go after the read.
const KEEP_BUFFER: usize = 16 << 20;

const ID_LEN: usize = 20;
type Id = [u8; ID_LEN];

const TREE: u8 = 2;
const BLOB: u8 = 3;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;

/// Where an object is: (pack number, offset in that pack).
type Place = (usize, u64);

/// Something read only when first needed; `Bad` once it could not be.
enum Lazy<T> {
    Unread,
    Bad,
    Ready(T),
}

/// Reads blobs from one repository's object folder; see the module.
pub(crate) struct Objects {
    dir: PathBuf,
    packs: Vec<Pack>,
    /// The pack that last held a wanted object, asked first next time.
    last: usize,
    /// The one zlib stream for loose objects, reset for each.
    zlib: Decompress,
    /// Inflates pack entries, whose size and extent are known beforehand.
    deflate: libdeflater::Decompressor,
    /// The compressed bytes of the object being read.
    raw: Vec<u8>,
    /// The loose file of the last object asked for, when it was there and
    /// damaged (see [`Objects::damaged`]).
    damaged: Option<(Id, PathBuf)>,
    cache: Cache,
}

struct Pack {
    idx_path: PathBuf,
    pack_path: PathBuf,
    index: Lazy<Index>,
    data: Lazy<PackData>,
}

/// A version-2 pack index, whole in memory.
pub(super) struct Index {
    bytes: Vec<u8>,
    count: usize,
    large: usize,
}

/// An open pack file.
struct PackData {
    file: File,
    len: u64,
    /// Every object's offset with its position in the index, by offset: an
    /// object's compressed data ends where the next one begins.
    order: Vec<(u64, u32)>,
}

/// One pack entry, inflated.
enum Entry {
    Whole(u8, Vec<u8>),
    Ofs(u64, Vec<u8>),
    Ref(Id, Vec<u8>),
}

/// Where a delta chain bottoms out.
enum Bottom {
    Cached(Place),
    Read(Place, Vec<u8>),
    Loose(Vec<u8>),
}

impl Objects {
    /// The object folder `objects_dir` (a repository's `.git/objects`); None
    /// when it cannot be read.
    pub(crate) fn open(objects_dir: &Path) -> Option<Objects> {
        if !fs::metadata(objects_dir).ok()?.is_dir() {
            return None;
        }
        let mut packs = Vec::new();
        match fs::read_dir(objects_dir.join("pack")) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    let Some(name) = name.to_str() else { continue };
                    if name.starts_with("pack-") && name.ends_with(".idx") {
                        let idx_path = entry.path();
                        packs.push(Pack {
                            pack_path: idx_path.with_extension("pack"),
                            idx_path,
                            index: Lazy::Unread,
                            data: Lazy::Unread,
                        });
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return None,
        }
        packs.sort_by(|a, b| a.idx_path.cmp(&b.idx_path));
        Some(Objects {
            dir: objects_dir.to_path_buf(),
            packs,
            last: 0,
            zlib: Decompress::new(true),
            deflate: libdeflater::Decompressor::new(),
            raw: Vec::new(),
            damaged: None,
            cache: Cache::default(),
        })
    }

    /// The content of the blob `id`, or None when it is not in this folder's
    /// packs or loose files, is not a blob, or anything about it is
    /// unexpected (the caller then asks libgit2).
    pub(crate) fn blob(&mut self, id: git2::Oid) -> Option<Vec<u8>> {
        self.object(id, BLOB)
    }

    /// The raw content of the tree `id` (its entries as git stores them),
    /// or None as for [`Objects::blob`].
    pub(crate) fn tree(&mut self, id: git2::Oid) -> Option<Vec<u8>> {
        self.object(id, TREE)
    }

    /// Lets go of the delta bases held (the indexes and open packs stay):
    /// for a reader kept past the reads whose versions shared them.
    pub(crate) fn forget_bases(&mut self) {
        self.cache = Cache::default();
    }

    /// The content of object `id` when it is of type `kind`.
    fn object(&mut self, id: git2::Oid, kind: u8) -> Option<Vec<u8>> {
        self.damaged = None;
        let id: &Id = id.as_bytes().try_into().ok()?;
        let found = match self.locate(id, self.last) {
            Some(place) => {
                self.last = place.0;
                self.resolve(place, kind)
            }
            None => None,
        };
        let found = found.or_else(|| self.loose(id, kind));
        if self.raw.capacity() > KEEP_BUFFER {
            self.raw = Vec::new();
        }
        found
    }

    /// The loose file of `id` when the last read (of `id`) found it there
    /// but damaged: cut short, not one whole zlib stream, or not the
    /// object its header declares. libgit2 loops forever on some such
    /// files (libgit2 issue 7342, fixed after the 1.9.7 that git2 builds),
    /// so the caller reports it instead of asking libgit2.
    pub(crate) fn damaged(&self, id: git2::Oid) -> Option<&Path> {
        let (damaged, path) = self.damaged.as_ref()?;
        (damaged.as_slice() == id.as_bytes()).then_some(path.as_path())
    }

    /// The pack and offset of `id`, asking pack `first` first.
    fn locate(&mut self, id: &Id, first: usize) -> Option<Place> {
        let count = self.packs.len();
        let first = if first < count { first } else { 0 };
        let order = std::iter::once(first).chain((0..count).filter(|&i| i != first));
        for number in order.take(count) {
            if let Some(index) = self.packs[number].index()
                && let Some(pos) = index.find(id)
                && let Some(offset) = index.offset(pos)
            {
                return Some((number, offset));
            }
        }
        None
    }

    /// The blob at `place`, following its delta chain down to a whole
    /// object (or a cached one), then applying the deltas back up.
    fn resolve(&mut self, place: Place, want: u8) -> Option<Vec<u8>> {
        let mut deltas: Vec<(Place, Vec<u8>)> = Vec::new();
        let mut held = 0usize;
        let mut at = place;
        let bottom = loop {
            if let Some(kind) = self.cache.kind(at) {
                if kind != want {
                    return None;
                }
                break Bottom::Cached(at);
            }
            if deltas.len() >= MAX_DEPTH {
                return None;
            }
            let (base, delta) = match self.read_entry(at)? {
                Entry::Whole(kind, data) => {
                    if kind != want {
                        return None;
                    }
                    break Bottom::Read(at, data);
                }
                Entry::Ofs(offset, delta) => (Ok((at.0, offset)), delta),
                Entry::Ref(id, delta) => (Err(id), delta),
            };
            held = held.checked_add(delta.len()).filter(|&h| h <= MAX_SIZE)?;
            deltas.push((at, delta));
            at = match base {
                // Always lower in the same pack: no cycle.
                Ok(place) => place,
                // A cycle needs a jump back up, and only these jump: checking
                // them against the chain so far is enough.
                Err(id) => match self.locate(&id, at.0) {
                    Some(next) if deltas.iter().any(|(p, _)| *p == next) => return None,
                    Some(next) => next,
                    None => break Bottom::Loose(self.loose(&id, want)?),
                },
            };
        };
        let (mut current, mut key) = match bottom {
            Bottom::Cached(key) => match deltas.pop() {
                None => return self.cache.get(key).map(<[u8]>::to_vec),
                Some((place, delta)) => (apply_delta(self.cache.get(key)?, &delta)?, Some(place)),
            },
            Bottom::Read(key, data) => (data, Some(key)),
            Bottom::Loose(data) => (data, None),
        };
        while let Some((place, delta)) = deltas.pop() {
            let next = apply_delta(&current, &delta)?;
            if let Some(key) = key {
                self.cache.put(key, want, current);
            }
            current = next;
            key = Some(place);
        }
        Some(current)
    }

    /// The entry at `place`, checked against its CRC-32 and inflated.
    fn read_entry(&mut self, (number, offset): Place) -> Option<Entry> {
        let Objects {
            packs,
            deflate,
            raw,
            ..
        } = self;
        let (index, data) = packs.get_mut(number)?.open()?;
        let i = data.order.binary_search_by_key(&offset, |&(o, _)| o).ok()?;
        let pos = data.order[i].1;
        let end = match data.order.get(i + 1) {
            Some(&(next, _)) => next,
            None => data.len - ID_LEN as u64,
        };
        let len = usize::try_from(end.checked_sub(offset)?).ok()?;
        if len > MAX_PACKED {
            return None;
        }
        raw.resize(len, 0);
        read_at(&mut data.file, offset, raw).ok()?;
        if crc32fast::hash(raw) != index.crc(pos as usize) {
            return None;
        }

        let mut byte = *raw.first()?;
        let mut at = 1;
        let kind = (byte >> 4) & 7;
        let mut size = u64::from(byte & 15);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            if shift > 32 {
                return None;
            }
            byte = *raw.get(at)?;
            at += 1;
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        let size = usize::try_from(size).ok().filter(|&s| s <= MAX_SIZE)?;
        match kind {
            1..=4 => Some(Entry::Whole(kind, inflate(deflate, &raw[at..], size)?)),
            OFS_DELTA => {
                // Big-endian groups of seven bits, each continuation adding
                // one before the shift.
                let mut byte = *raw.get(at)?;
                at += 1;
                let mut back = u64::from(byte & 0x7f);
                while byte & 0x80 != 0 {
                    if back >= 1 << 56 {
                        return None;
                    }
                    byte = *raw.get(at)?;
                    at += 1;
                    back = ((back + 1) << 7) | u64::from(byte & 0x7f);
                }
                if back == 0 {
                    return None;
                }
                let base = offset.checked_sub(back)?;
                Some(Entry::Ofs(base, inflate(deflate, &raw[at..], size)?))
            }
            REF_DELTA => {
                let base: Id = raw.get(at..at + ID_LEN)?.try_into().ok()?;
                at += ID_LEN;
                Some(Entry::Ref(base, inflate(deflate, &raw[at..], size)?))
            }
            _ => None,
        }
    }

    /// The loose object `id` of type `kind`: one zlib stream, the whole
    /// file, of `TYPE <size>\0` and exactly that many bytes.
    fn loose(&mut self, id: &Id, kind: u8) -> Option<Vec<u8>> {
        let hex = hex(id);
        let path = self.dir.join(&hex[..2]).join(&hex[2..]);
        let file = File::open(&path).ok()?;
        self.raw.clear();
        file.take(MAX_PACKED as u64 + 1)
            .read_to_end(&mut self.raw)
            .ok()?;
        if self.raw.len() > MAX_PACKED {
            return None;
        }
        match inflate_loose(&mut self.zlib, &self.raw, kind) {
            Ok(content) => Some(content),
            Err(Refused::Damaged) => {
                self.damaged = Some((*id, path));
                None
            }
            Err(Refused::Other) => None,
        }
    }
}

impl Pack {
    /// The index, read the first time it is needed.
    fn index(&mut self) -> Option<&Index> {
        if matches!(self.index, Lazy::Unread) {
            self.index = Index::read(&self.idx_path).map_or(Lazy::Bad, Lazy::Ready);
        }
        match &self.index {
            Lazy::Ready(index) => Some(index),
            _ => None,
        }
    }

    /// The index and the pack file, opened the first time they are needed.
    fn open(&mut self) -> Option<(&Index, &mut PackData)> {
        self.index()?;
        let Lazy::Ready(index) = &self.index else {
            return None;
        };
        if matches!(self.data, Lazy::Unread) {
            self.data = PackData::open(&self.pack_path, index).map_or(Lazy::Bad, Lazy::Ready);
        }
        match &mut self.data {
            Lazy::Ready(data) => Some((index, data)),
            _ => None,
        }
    }
}

const IDX_MAGIC: &[u8; 4] = b"\xfftOc";
const IDX_FANOUT: usize = 8;
const IDX_IDS: usize = IDX_FANOUT + 256 * 4;
const IDX_TRAILER: usize = 2 * ID_LEN;

impl Index {
    /// The index at `path` when it is version 2 with 20-byte ids and exactly
    /// the size its object count makes.
    pub(super) fn read(path: &Path) -> Option<Index> {
        let mut file = File::open(path).ok()?;
        let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
        let mut head = [0u8; IDX_IDS];
        file.read_exact(&mut head).ok()?;
        if &head[..4] != IDX_MAGIC || be32(&head[4..8]) != 2 {
            return None;
        }
        let mut previous = 0;
        for i in 0..256 {
            let n = be32(&head[IDX_FANOUT + 4 * i..]);
            if n < previous {
                return None;
            }
            previous = n;
        }
        let count = usize::try_from(previous).ok()?;
        let fixed = count
            .checked_mul(ID_LEN + 8)?
            .checked_add(IDX_IDS + IDX_TRAILER)?;
        let extra = len.checked_sub(fixed)?;
        if !extra.is_multiple_of(8) || extra / 8 > count {
            return None;
        }
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(len).ok()?;
        bytes.extend_from_slice(&head);
        file.take((len - IDX_IDS) as u64)
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() != len {
            return None;
        }
        let index = Index {
            bytes,
            count,
            large: extra / 8,
        };
        let large = (0..count)
            .filter(|&pos| index.small_offset(pos) & 0x8000_0000 != 0)
            .count();
        (large == index.large).then_some(index)
    }

    fn fanout(&self, byte: usize) -> usize {
        be32(&self.bytes[IDX_FANOUT + 4 * byte..]) as usize
    }

    /// The ids it lists, in its order.
    pub(super) fn ids(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.count).map(|pos| self.id(pos))
    }

    fn id(&self, pos: usize) -> &[u8] {
        let at = IDX_IDS + ID_LEN * pos;
        &self.bytes[at..at + ID_LEN]
    }

    /// The position of `id`, by binary search among the ids starting with
    /// its first byte.
    fn find(&self, id: &Id) -> Option<usize> {
        let first = usize::from(id[0]);
        let mut lo = if first == 0 {
            0
        } else {
            self.fanout(first - 1)
        };
        let mut hi = self.fanout(first);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn crc(&self, pos: usize) -> u32 {
        be32(&self.bytes[IDX_IDS + ID_LEN * self.count + 4 * pos..])
    }

    fn small_offset(&self, pos: usize) -> u32 {
        be32(&self.bytes[IDX_IDS + (ID_LEN + 4) * self.count + 4 * pos..])
    }

    fn offset(&self, pos: usize) -> Option<u64> {
        let small = self.small_offset(pos);
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let i = (small & 0x7fff_ffff) as usize;
        if i >= self.large {
            return None;
        }
        let at = IDX_IDS + (ID_LEN + 8) * self.count + 8 * i;
        let high = u64::from(be32(&self.bytes[at..]));
        Some(high << 32 | u64::from(be32(&self.bytes[at + 4..])))
    }

    /// The checksum of the pack this index is for.
    fn pack_checksum(&self) -> &[u8] {
        let at = self.bytes.len() - IDX_TRAILER;
        &self.bytes[at..at + ID_LEN]
    }
}

impl PackData {
    /// The pack at `path` when it is version 2 or 3, holds as many objects
    /// as `index` and ends in the checksum `index` names; every offset in
    /// `index` inside its objects, no two alike.
    fn open(path: &Path, index: &Index) -> Option<PackData> {
        let mut file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let end = len.checked_sub(ID_LEN as u64)?;
        let mut head = [0u8; 12];
        file.read_exact(&mut head).ok()?;
        if &head[..4] != b"PACK"
            || !matches!(be32(&head[4..8]), 2 | 3)
            || be32(&head[8..12]) as usize != index.count
            || end < 12
        {
            return None;
        }
        let mut trailer = [0u8; ID_LEN];
        file.seek(SeekFrom::Start(end)).ok()?;
        file.read_exact(&mut trailer).ok()?;
        if trailer[..] != *index.pack_checksum() {
            return None;
        }
        let mut order = Vec::new();
        order.try_reserve_exact(index.count).ok()?;
        for pos in 0..index.count {
            order.push((index.offset(pos)?, u32::try_from(pos).ok()?));
        }
        order.sort_unstable();
        let inside = order.first().is_none_or(|&(first, _)| first >= 12)
            && order.last().is_none_or(|&(last, _)| last < end)
            && order.windows(2).all(|w| w[0].0 < w[1].0);
        inside.then_some(PackData { file, len, order })
    }
}

/// Delta bases by place, dropped oldest first beyond [`CACHE_BYTES`]. (The
/// blobs handed out are not kept as well: copying each into the cache, in
/// case the other version of the file is a delta of it, cost the diff more
/// memory and time than it saved.)
#[derive(Default)]
struct Cache {
    /// The object's type and content.
    map: HashMap<Place, (u8, Vec<u8>)>,
    order: VecDeque<Place>,
    bytes: usize,
}

impl Cache {
    fn fits(len: usize) -> bool {
        len <= CACHE_BYTES / 4
    }

    /// The type of the object cached at `place`, if it is.
    fn kind(&self, place: Place) -> Option<u8> {
        self.map.get(&place).map(|(kind, _)| *kind)
    }

    fn get(&self, place: Place) -> Option<&[u8]> {
        self.map.get(&place).map(|(_, data)| data.as_slice())
    }

    fn put(&mut self, place: Place, kind: u8, data: Vec<u8>) {
        if !Cache::fits(data.len()) || self.map.contains_key(&place) {
            return;
        }
        self.bytes += data.len();
        self.map.insert(place, (kind, data));
        self.order.push_back(place);
        while self.bytes > CACHE_BYTES
            && let Some(old) = self.order.pop_front()
        {
            if let Some((_, data)) = self.map.remove(&old) {
                self.bytes -= data.len();
            }
        }
    }
}

/// Fills `buf` from `file` at `offset`: one system call where the system
/// reads at a position (the diff reads thousands of entries).
fn read_at(file: &mut File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(buf, offset)
    }
    #[cfg(not(unix))]
    {
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

/// `input`, a pack entry's zlib stream, inflated: exactly `size` bytes,
/// its Adler-32 checked. Bytes after the stream's end are let be, as git
/// does (the entry's CRC-32 already covers them).
fn inflate(deflate: &mut libdeflater::Decompressor, input: &[u8], size: usize) -> Option<Vec<u8>> {
    if size > input.len().saturating_mul(MAX_RATIO) {
        return None;
    }
    let mut out = Vec::new();
    out.try_reserve_exact(size).ok()?;
    out.resize(size, 0);
    // A stream that would go on beyond `size` fails for want of space; one
    // that ends short of it reports fewer bytes.
    let written = deflate.zlib_decompress(input, &mut out).ok()?;
    (written == size).then_some(out)
}

/// Why a loose object's file was not read.
enum Refused {
    /// Not one whole zlib stream of `TYPE SIZE\0` and exactly SIZE bytes.
    Damaged,
    /// Whole, but another type, or larger than this reader reads.
    Other,
}

/// A loose object's file inflated, when it is of type `kind` (a blob or a
/// tree).
fn inflate_loose(zlib: &mut Decompress, input: &[u8], kind: u8) -> Result<Vec<u8>, Refused> {
    use Refused::{Damaged, Other};
    zlib.reset(true);
    // "blob 268435456\0" is 15 bytes.
    let mut head = Vec::with_capacity(32);
    let status = zlib
        .decompress_vec(input, &mut head, FlushDecompress::Finish)
        .map_err(|_| Damaged)?;
    let (found, size, start) = loose_header(&head).ok_or(Damaged)?;
    let size = usize::try_from(size).map_err(|_| Other)?;
    if size > input.len().saturating_mul(MAX_RATIO) {
        return Err(Damaged);
    }
    if found != kind || size > MAX_SIZE {
        return Err(Other);
    }
    let content = &head[start..];
    if content.len() > size {
        return Err(Damaged);
    }
    let mut out = Vec::new();
    out.try_reserve_exact(size + 1).map_err(|_| Other)?;
    out.extend_from_slice(content);
    inflate_rest(zlib, input, &mut out, status).ok_or(Damaged)?;
    match out.len() == size {
        true => Ok(out),
        false => Err(Damaged),
    }
}

/// The header of a loose object's inflated bytes, `TYPE SIZE\0` as git
/// writes it: the type (commit, tree, blob or tag: 1 to 4, as in a pack),
/// the size (decimal, canonical as git requires: no sign, no leading
/// zeros) and where the content starts; `None` for anything else.
pub(super) fn loose_header(head: &[u8]) -> Option<(u8, u64, usize)> {
    let space = head.iter().take(7).position(|&b| b == b' ')?;
    let kind = match &head[..space] {
        b"commit" => 1,
        b"tree" => TREE,
        b"blob" => BLOB,
        b"tag" => 4,
        _ => return None,
    };
    let rest = &head[space + 1..];
    let nul = rest.iter().position(|&b| b == 0)?;
    let digits = &rest[..nul];
    if digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
        || (digits[0] == b'0' && digits.len() > 1)
    {
        return None;
    }
    let size = digits.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    Some((kind, size, space + 1 + nul + 1))
}

/// Goes on inflating the stream `zlib` has begun on `input` into the spare
/// capacity of `out` (never beyond it) until the stream ends, which must be
/// exactly at the end of `input`. Each round consumes input or fills
/// output, or stops.
fn inflate_rest(
    zlib: &mut Decompress,
    input: &[u8],
    out: &mut Vec<u8>,
    mut status: Status,
) -> Option<()> {
    while status != Status::StreamEnd {
        let (read, written) = (zlib.total_in(), zlib.total_out());
        let rest = input.get(usize::try_from(read).ok()?..)?;
        status = zlib
            .decompress_vec(rest, out, FlushDecompress::Finish)
            .ok()?;
        if status != Status::StreamEnd && zlib.total_in() == read && zlib.total_out() == written {
            return None;
        }
    }
    (zlib.total_in() == input.len() as u64).then_some(())
}

/// `delta` applied to `base`: the result, exactly the size the delta
/// declares, each copy inside `base`.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let (base_size, rest) = delta_size(delta)?;
    if base_size != base.len() as u64 {
        return None;
    }
    let (size, mut ops) = delta_size(rest)?;
    let size = usize::try_from(size).ok().filter(|&s| s <= MAX_SIZE)?;
    let mut out = Vec::new();
    out.try_reserve_exact(size).ok()?;
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        let piece = if op & 0x80 != 0 {
            let mut offset = 0usize;
            let mut len = 0usize;
            for bit in 0..7 {
                if op & (1 << bit) != 0 {
                    let (&byte, rest) = ops.split_first()?;
                    ops = rest;
                    if bit < 4 {
                        offset |= usize::from(byte) << (8 * bit);
                    } else {
                        len |= usize::from(byte) << (8 * (bit - 4));
                    }
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            base.get(offset..offset.checked_add(len)?)?
        } else if op != 0 {
            let (literal, rest) = ops.split_at_checked(usize::from(op))?;
            ops = rest;
            literal
        } else {
            return None;
        };
        if piece.len() > size - out.len() {
            return None;
        }
        out.extend_from_slice(piece);
    }
    (out.len() == size).then_some(out)
}

/// A delta's size: little-endian groups of seven bits.
fn delta_size(data: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(9) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &data[i + 1..]));
        }
    }
    None
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn hex(id: &Id) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * ID_LEN);
    for &b in id {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::fs::{self, OpenOptions};
    use std::io::{Seek, SeekFrom, Write};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use git2::Oid;

    use super::*;

    /// Runs git in `dir` with nothing from this machine's settings, feeding
    /// it `input`; its output.
    fn git_with(dir: &Path, args: &[&str], input: &[u8]) -> Vec<u8> {
        let mut child = Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(["-c", "gc.auto=0", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("git runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("input");
        let out = child.wait_with_output().expect("git ends");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn git(dir: &Path, args: &[&str]) -> String {
        String::from_utf8(git_with(dir, args, b"")).expect("UTF-8")
    }

    /// A small random number generator, the same every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// The files of the test history, edited a little in each commit.
    struct Files {
        rng: Rng,
        text: Vec<(&'static str, Vec<String>)>,
        binary: Vec<u8>,
    }

    impl Files {
        fn new() -> Files {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut text = Vec::new();
            for (name, lines) in [
                ("a.md", 40),
                ("b.md", 200),
                ("c.md", 120),
                ("big.txt", 1000),
            ] {
                let lines = (0..lines).map(|i| line(&mut rng, i)).collect();
                text.push((name, lines));
            }
            let binary = (0..3000).map(|_| rng.next() as u8).collect();
            Files { rng, text, binary }
        }

        /// Commit `n` as a `git fast-import` command: every file changed a
        /// little, `empty` added in the first.
        fn commit(&mut self, n: usize, first: bool, out: &mut Vec<u8>) {
            let message = format!("commit {n}\n");
            out.extend_from_slice(b"commit refs/heads/main\n");
            out.extend_from_slice(
                format!("committer T <t@example.org> {} +0000\n", 1_700_000_000 + n).as_bytes(),
            );
            out.extend_from_slice(format!("data {}\n{message}", message.len()).as_bytes());
            if first && n > 0 {
                out.extend_from_slice(b"from refs/heads/main^0\n");
            }
            if n == 0 {
                out.extend_from_slice(b"M 100644 inline empty\ndata 0\n");
            }
            for (i, (name, lines)) in self.text.iter_mut().enumerate() {
                // big.txt changes every other commit; the others every time.
                if i == 3 && n % 2 == 1 && n > 0 {
                    continue;
                }
                if n > 0 {
                    let at = self.rng.below(lines.len());
                    match self.rng.below(3) {
                        0 => lines[at] = line(&mut self.rng, n),
                        1 => lines.insert(at, line(&mut self.rng, n)),
                        _ => lines[at].push_str(" (edited)"),
                    }
                }
                let body = lines.join("\n") + "\n";
                inline(out, name, body.as_bytes());
            }
            if n.is_multiple_of(3) {
                for _ in 0..4 {
                    let at = self.rng.below(self.binary.len());
                    self.binary[at] = self.rng.next() as u8;
                }
                let binary = self.binary.clone();
                inline(out, "bin.dat", &binary);
            }
            out.push(b'\n');
        }
    }

    fn line(rng: &mut Rng, n: usize) -> String {
        let words = [
            "plan",
            "kræft",
            "anbefaling",
            "følgegruppe",
            "tekst",
            "kapitel",
        ];
        let mut s = format!("{n}:");
        for _ in 0..(3 + rng.below(10)) {
            s.push(' ');
            s.push_str(words[rng.below(words.len())]);
        }
        s
    }

    fn inline(out: &mut Vec<u8>, name: &str, body: &[u8]) {
        out.extend_from_slice(format!("M 100644 inline {name}\ndata {}\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        out.push(b'\n');
    }

    /// A new repository in `dir`.
    fn init(dir: &Path) -> Files {
        git(dir, &["init", "-q"]);
        Files::new()
    }

    /// Commits `commits` of the history with `git fast-import` (a pack).
    fn import(dir: &Path, files: &mut Files, commits: std::ops::Range<usize>) {
        let mut stream = Vec::new();
        let start = commits.start;
        for n in commits {
            files.commit(n, n == start, &mut stream);
        }
        git_with(
            dir,
            &["-c", "fastimport.unpackLimit=1", "fast-import", "--quiet"],
            &stream,
        );
    }

    /// Commits `count` changes the ordinary way (loose objects).
    fn commit_loose(dir: &Path, files: &mut Files, count: usize) {
        git(dir, &["checkout", "-q", "-f", "main"]);
        for n in 0..count {
            for (name, lines) in &mut files.text {
                let at = files.rng.below(lines.len());
                lines[at] = line(&mut files.rng, 1000 + n);
                fs::write(dir.join(name), lines.join("\n") + "\n").expect("write");
            }
            git(dir, &["commit", "-q", "-a", "-m", "loose"]);
        }
    }

    fn objects_dir(dir: &Path) -> PathBuf {
        dir.join(".git").join("objects")
    }

    /// Every object git sees, with its type.
    fn all_objects(dir: &Path) -> Vec<(Oid, String)> {
        git(
            dir,
            &[
                "cat-file",
                "--batch-all-objects",
                "--batch-check=%(objectname) %(objecttype)",
            ],
        )
        .lines()
        .map(|l| {
            let (id, kind) = l.split_once(' ').expect("id and type");
            (Oid::from_str(id).expect("id"), kind.to_string())
        })
        .collect()
    }

    /// Every blob with its content, as libgit2 reads it.
    fn expected_blobs(dir: &Path) -> Vec<(Oid, Vec<u8>)> {
        let repo = git2::Repository::open(dir).expect("repository");
        all_objects(dir)
            .into_iter()
            .filter(|(_, kind)| kind == "blob")
            .map(|(id, _)| (id, repo.find_blob(id).expect("blob").content().to_vec()))
            .collect()
    }

    /// Reads every blob; all must be found and alike. Their number.
    fn check_all(dir: &Path) -> usize {
        let expected = expected_blobs(dir);
        let mut objects = Objects::open(&objects_dir(dir)).expect("objects");
        for (id, content) in &expected {
            assert_eq!(objects.blob(*id).as_ref(), Some(content), "{id}");
        }
        // Again, from the cache and in the other order.
        for (id, content) in expected.iter().rev() {
            assert_eq!(objects.blob(*id).as_ref(), Some(content), "{id}");
        }
        // Trees too, as git stores them, between blobs that share their
        // places in the cache of delta bases with nothing.
        let repo = git2::Repository::open(dir).expect("repository");
        let odb = repo.odb().expect("odb");
        let mut trees = 0;
        for (id, kind) in all_objects(dir) {
            if kind == "tree" {
                let raw = odb.read(id).expect("tree").data().to_vec();
                assert_eq!(objects.tree(id), Some(raw), "tree {id}");
                assert_eq!(objects.blob(id), None, "tree {id} as a blob");
                trees += 1;
            }
        }
        assert!(trees > 0);
        for (id, _) in expected.iter().take(5) {
            assert_eq!(objects.tree(*id), None, "blob {id} as a tree");
        }
        expected.len()
    }

    /// How many entries of each type the packs hold.
    fn kinds(dir: &Path) -> [usize; 8] {
        let mut objects = Objects::open(&objects_dir(dir)).expect("objects");
        let mut kinds = [0; 8];
        for pack in &mut objects.packs {
            let (_, data) = pack.open().expect("a good pack");
            for &(offset, _) in &data.order {
                let mut byte = [0u8];
                data.file.seek(SeekFrom::Start(offset)).expect("seek");
                data.file.read_exact(&mut byte).expect("read");
                kinds[usize::from((byte[0] >> 4) & 7)] += 1;
            }
        }
        kinds
    }

    /// The longest delta chain in the packs.
    fn longest_chain(dir: &Path) -> usize {
        let mut longest = 0;
        for pack in pack_files(dir, "idx") {
            let out = git(dir, &["verify-pack", "-v", pack.to_str().expect("path")]);
            for l in out.lines() {
                if let Some(rest) = l.strip_prefix("chain length = ")
                    && let Some((n, _)) = rest.split_once(':')
                {
                    longest = longest.max(n.parse().expect("a number"));
                }
            }
        }
        longest
    }

    fn pack_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = fs::read_dir(objects_dir(dir).join("pack"))
            .expect("pack folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        out.sort();
        out
    }

    fn history(commits: usize) -> (tempfile::TempDir, Files) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut files = init(dir.path());
        import(dir.path(), &mut files, 0..commits);
        (dir, files)
    }

    #[test]
    fn reads_every_blob_through_long_offset_delta_chains() {
        let (dir, _) = history(60);
        let dir = dir.path();
        git(
            dir,
            &["repack", "-a", "-d", "-f", "--depth=50", "--window=50"],
        );
        assert_eq!(pack_files(dir, "pack").len(), 1);
        assert!(longest_chain(dir) >= 20, "{}", longest_chain(dir));
        let kinds = kinds(dir);
        assert!(kinds[usize::from(OFS_DELTA)] > 100, "{kinds:?}");
        assert_eq!(kinds[usize::from(REF_DELTA)], 0);
        assert!(check_all(dir) > 200);
        let repo = git2::Repository::open(dir).expect("repository");
        let empty = repo.blob(b"").expect("empty blob");
        let mut objects = Objects::open(&objects_dir(dir)).expect("objects");
        assert_eq!(objects.blob(empty), Some(Vec::new()));
        let big = repo.revparse_single("main:big.txt").expect("big.txt").id();
        assert!(objects.blob(big).expect("big.txt").len() > 64 * 1024);
    }

    #[test]
    fn reads_every_blob_through_ref_deltas() {
        let (dir, _) = history(40);
        let dir = dir.path();
        git(
            dir,
            &[
                "-c",
                "repack.useDeltaBaseOffset=false",
                "repack",
                "-a",
                "-d",
                "-f",
                "--depth=50",
                "--window=50",
            ],
        );
        let kinds = kinds(dir);
        assert!(kinds[usize::from(REF_DELTA)] > 100, "{kinds:?}");
        assert_eq!(kinds[usize::from(OFS_DELTA)], 0);
        assert!(check_all(dir) > 100);
    }

    #[test]
    fn reads_blobs_from_several_packs_and_loose_files() {
        let (dir, mut files) = history(30);
        let dir = dir.path();
        git(
            dir,
            &["repack", "-a", "-d", "-f", "--depth=50", "--window=50"],
        );
        import(dir, &mut files, 30..45);
        commit_loose(dir, &mut files, 3);
        git(dir, &["repack", "-d"]);
        commit_loose(dir, &mut files, 3);
        assert!(
            pack_files(dir, "pack").len() >= 3,
            "{:?}",
            pack_files(dir, "pack")
        );
        let loose = fs::read_dir(objects_dir(dir))
            .expect("objects")
            .filter(|e| e.as_ref().expect("entry").file_name().len() == 2)
            .count();
        assert!(loose > 0);
        assert!(check_all(dir) > 100);
    }

    /// Loose headers as git writes them, and nothing else.
    #[test]
    fn loose_headers_are_gits() {
        assert_eq!(loose_header(b"blob 12\0x"), Some((BLOB, 12, 8)));
        assert_eq!(loose_header(b"tree 0\0"), Some((TREE, 0, 7)));
        assert_eq!(loose_header(b"commit 3\0abc"), Some((1, 3, 9)));
        assert_eq!(
            loose_header(b"tag 18446744073709551615\0"),
            Some((4, u64::MAX, 25))
        );
        for bad in [
            &b"blob 18446744073709551616\0"[..],
            b"blob 012\0",
            b"blob +12\0",
            b"blob -1\0",
            b"blob 1 2\0",
            b"blob \0",
            b"blob 12",
            b"blob12\0",
            b"note 12\0",
            b"Blob 12\0",
            b" blob 12\0",
            b"",
        ] {
            assert_eq!(
                loose_header(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_blob_or_not_there() {
        let (dir, mut files) = history(10);
        let dir = dir.path();
        git(dir, &["tag", "-a", "-m", "a tag", "t1"]);
        commit_loose(dir, &mut files, 1);
        let mut objects = Objects::open(&objects_dir(dir)).expect("objects");
        let mut seen = HashMap::new();
        for (id, kind) in all_objects(dir) {
            let got = objects.blob(id);
            assert_eq!(got.is_some(), kind == "blob", "{id} {kind}");
            assert_eq!(objects.tree(id).is_some(), kind == "tree", "{id} {kind}");
            *seen.entry(kind).or_insert(0) += 1;
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
        let missing = Oid::from_str("0123456789abcdef0123456789abcdef01234567").expect("id");
        assert_eq!(objects.blob(missing), None);
        assert_eq!(objects.blob(Oid::ZERO_SHA1), None);
        assert!(Objects::open(&dir.join("nowhere")).is_none());
    }

    /// Writes `bytes` over the file at `path` (git makes its files read-only).
    fn overwrite(path: &Path, bytes: &[u8]) {
        let _ = fs::remove_file(path);
        fs::write(path, bytes).expect("write");
    }

    /// Reads each of `expected` afresh: every one None or alike. How many
    /// were None.
    fn none_or_right(dir: &Path, expected: &[(Oid, Vec<u8>)]) -> usize {
        let mut objects = Objects::open(&objects_dir(dir)).expect("objects");
        let mut none = 0;
        for (id, content) in expected {
            match objects.blob(*id) {
                None => none += 1,
                Some(got) => assert_eq!(&got, content, "{id}"),
            }
        }
        none
    }

    fn zlib(bytes: &[u8], level: Compression) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), level);
        encoder.write_all(bytes).expect("compress");
        encoder.finish().expect("compress")
    }

    fn loose_path(objects: &Path, id: Oid) -> PathBuf {
        let hex = id.to_string();
        objects.join(&hex[..2]).join(&hex[2..])
    }

    fn fake_id(n: u32) -> Oid {
        let mut bytes = [0x5au8; ID_LEN];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        Oid::from_bytes(&bytes).expect("id")
    }

    #[test]
    fn damaged_loose_objects_are_none() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let dir = dir.path();
        git(dir, &["init", "-q"]);
        let content: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        fs::write(dir.join("file"), &content).expect("write");
        let id = Oid::from_str(git(dir, &["hash-object", "-w", "file"]).trim()).expect("id");
        let objects = objects_dir(dir);
        let path = loose_path(&objects, id);
        let original = fs::read(&path).expect("loose object");
        let read = |id| Objects::open(&objects).expect("objects").blob(id);
        assert_eq!(read(id), Some(content.clone()));

        let n = original.len();
        for len in [0, 1, 2, 5, 10, n / 2, n - 5, n - 4, n - 1] {
            overwrite(&path, &original[..len]);
            assert_eq!(read(id), None, "cut at {len}");
        }
        for junk in [&b"\0"[..], b"junk", &original] {
            overwrite(&path, &[&original[..], junk].concat());
            assert_eq!(read(id), None);
        }
        for pos in (0..n).step_by(7) {
            let mut damaged = original.clone();
            damaged[pos] ^= 0x24;
            overwrite(&path, &damaged);
            let got = read(id);
            assert!(
                got.is_none() || got == Some(content.clone()),
                "flip at {pos}"
            );
        }
        overwrite(&path, &original);
        assert_eq!(read(id), Some(content));

        let cases: [(&[u8], Option<&[u8]>); 16] = [
            (b"blob 5\0hello", Some(b"hello")),
            (b"blob 0\0", Some(b"")),
            (b"blob 5\0hell", None),
            (b"blob 5\0hello!", None),
            (b"blob 05\0hello", None),
            (b"blob 00\0", None),
            (b"blob +5\0hello", None),
            (b"blob  5\0hello", None),
            (b"blob 5 \0hello", None),
            (b"blob5\0hello", None),
            (b"tree 5\0hello", None),
            (b"blob 5", None),
            (b"blob \0", None),
            (b"blob 99999999999999999999\0", None),
            (b"blob 268435457\0x", None),
            (b"", None),
        ];
        for (n, (body, want)) in cases.into_iter().enumerate() {
            let id = fake_id(n as u32);
            let path = loose_path(&objects, id);
            fs::create_dir_all(path.parent().expect("folder")).expect("folder");
            overwrite(&path, &zlib(body, Compression::default()));
            assert_eq!(
                read(id).as_deref(),
                want,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // Two streams, and a raw deflate stream without zlib's header.
        let id = fake_id(100);
        let path = loose_path(&objects, id);
        fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        let two = [
            zlib(b"blob 5\0hel", Compression::default()),
            zlib(b"lo", Compression::default()),
        ];
        overwrite(&path, &two.concat());
        assert_eq!(read(id), None);
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(b"blob 5\0hello").expect("compress");
        overwrite(&path, &raw.finish().expect("compress"));
        assert_eq!(read(id), None);
    }

    /// A git-written pack's entries by id: (offset, bytes in the pack,
    /// depth, base).
    fn pack_entries(dir: &Path, idx: &Path) -> HashMap<Oid, (u64, usize, usize, Option<Oid>)> {
        git(dir, &["verify-pack", "-v", idx.to_str().expect("path")])
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                if f.len() < 5 || f[0].len() != 40 {
                    return None;
                }
                let depth = f.get(5).map_or(0, |d| d.parse().expect("depth"));
                let base = f.get(6).map(|b| Oid::from_str(b).expect("base"));
                let entry = (
                    f[4].parse().expect("offset"),
                    f[3].parse().expect("packed size"),
                    depth,
                    base,
                );
                Some((Oid::from_str(f[0]).expect("id"), entry))
            })
            .collect()
    }

    fn make_writable(path: &Path) {
        let mut permissions = fs::metadata(path).expect("metadata").permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        fs::set_permissions(path, permissions).expect("permissions");
    }

    fn write_at(path: &Path, pos: u64, byte: u8) {
        let mut file = OpenOptions::new().write(true).open(path).expect("open");
        file.seek(SeekFrom::Start(pos)).expect("seek");
        file.write_all(&[byte]).expect("write");
    }

    #[test]
    fn damaged_packs_give_none_or_the_right_bytes() {
        let (dir, _) = history(20);
        let dir = dir.path();
        git(
            dir,
            &["repack", "-a", "-d", "-f", "--depth=50", "--window=50"],
        );
        let expected = expected_blobs(dir);
        let pack = pack_files(dir, "pack").remove(0);
        let idx = pack_files(dir, "idx").remove(0);
        make_writable(&pack);
        make_writable(&idx);

        // a.md's versions: the deepest delta, and the whole one at the bottom.
        let a_md: Vec<Oid> = git(dir, &["rev-list", "--objects", "--all"])
            .lines()
            .filter_map(|l| l.strip_suffix(" a.md"))
            .map(|id| Oid::from_str(id).expect("id"))
            .collect();
        let entries = pack_entries(dir, &idx);
        let deepest = *a_md.iter().max_by_key(|id| entries[id].2).expect("a.md");
        let mut bottom = deepest;
        while let Some(base) = entries[&bottom].3 {
            bottom = base;
        }
        assert!(entries[&deepest].2 >= 5, "{:?}", entries[&deepest]);
        let versions: Vec<(Oid, Vec<u8>)> = expected
            .iter()
            .filter(|(id, _)| a_md.contains(id) || *id == bottom)
            .cloned()
            .collect();

        let bytes = fs::read(&pack).expect("pack");
        for id in [deepest, bottom] {
            let (offset, len, _, _) = entries[&id];
            let step = len.div_ceil(150);
            for pos in (offset..offset + len as u64).step_by(step) {
                let byte = bytes[pos as usize];
                write_at(&pack, pos, byte ^ if pos % 2 == 0 { 0x01 } else { 0xa5 });
                none_or_right(dir, &versions);
                let got = Objects::open(&objects_dir(dir)).expect("objects").blob(id);
                assert_eq!(got, None, "flip at {pos} of {id}");
                write_at(&pack, pos, byte);
            }
        }
        assert_eq!(none_or_right(dir, &expected), 0);

        let n = bytes.len();
        for len in [0, 11, 12, 100, n / 2, n - 21, n - 20, n - 1] {
            overwrite(&pack, &bytes[..len]);
            none_or_right(dir, &expected);
        }
        overwrite(&pack, &bytes);
        assert_eq!(none_or_right(dir, &expected), 0);

        let index = fs::read(&idx).expect("index");
        let n = index.len();
        for len in [0, 4, 8, 1031, 1032, n / 2, n - 40, n - 1] {
            overwrite(&idx, &index[..len]);
            assert_eq!(
                none_or_right(dir, &expected),
                expected.len(),
                "cut at {len}"
            );
        }
        for (pos, byte) in [(0, 0), (7, 1), (7, 3), (6, 1)] {
            let mut damaged = index.clone();
            damaged[pos] = byte;
            overwrite(&idx, &damaged);
            assert_eq!(none_or_right(dir, &expected), expected.len());
        }
        overwrite(&idx, &[&index[..], b"\0\0\0\0\0\0\0\0"].concat());
        assert_eq!(none_or_right(dir, &expected), expected.len());
        // Flips anywhere in the index: its fanout, ids, CRCs, offsets.
        for pos in (8..n - 40).step_by(n / 120) {
            let mut damaged = index.clone();
            damaged[pos] ^= 0x10;
            overwrite(&idx, &damaged);
            none_or_right(dir, &expected);
        }
        overwrite(&idx, &index);
        assert_eq!(none_or_right(dir, &expected), 0);
    }

    /// An entry of a pack a test makes by hand.
    struct Craft {
        id: Oid,
        kind: u8,
        base: Base,
        payload: Vec<u8>,
        /// The size the header declares, when not the payload's.
        declared: Option<u64>,
        /// The entry's compressed bytes, when not the payload's zlib stream.
        stream: Option<Vec<u8>>,
    }

    enum Base {
        None,
        /// The entry with this number.
        Ofs(usize),
        /// This many bytes back.
        Back(u64),
        Ref(Oid),
    }

    fn whole(id: Oid, kind: u8, payload: &[u8]) -> Craft {
        Craft {
            id,
            kind,
            base: Base::None,
            payload: payload.to_vec(),
            declared: None,
            stream: None,
        }
    }

    fn delta_on(id: Oid, base: Base, delta: Vec<u8>) -> Craft {
        let kind = if matches!(base, Base::Ref(_)) {
            REF_DELTA
        } else {
            OFS_DELTA
        };
        Craft {
            id,
            kind,
            base,
            payload: delta,
            declared: None,
            stream: None,
        }
    }

    fn varint(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// A delta: its sizes, then `ops`.
    fn delta(base: u64, result: u64, ops: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        varint(&mut out, base);
        varint(&mut out, result);
        out.extend_from_slice(ops);
        out
    }

    /// Writes `entries` as the only pack of the object folder `objects`,
    /// with its index (every offset in the large table when `large`).
    fn write_pack(objects: &Path, entries: &[Craft], large: bool) {
        let folder = objects.join("pack");
        let _ = fs::remove_dir_all(&folder);
        fs::create_dir_all(&folder).expect("pack folder");
        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        let mut offsets = Vec::new();
        let mut crcs = Vec::new();
        for e in entries {
            let start = pack.len();
            offsets.push(start as u64);
            let mut size = e.declared.unwrap_or(e.payload.len() as u64);
            let mut byte = (e.kind << 4) | (size & 15) as u8;
            size >>= 4;
            while size != 0 {
                pack.push(byte | 0x80);
                byte = (size & 0x7f) as u8;
                size >>= 7;
            }
            pack.push(byte);
            let back = match e.base {
                Base::None => None,
                Base::Ofs(i) => Some(start as u64 - offsets[i]),
                Base::Back(n) => Some(n),
                Base::Ref(id) => {
                    pack.extend_from_slice(id.as_bytes());
                    None
                }
            };
            if let Some(mut n) = back {
                let mut groups = vec![(n & 0x7f) as u8];
                n >>= 7;
                while n != 0 {
                    n -= 1;
                    groups.push(0x80 | (n & 0x7f) as u8);
                    n >>= 7;
                }
                groups.reverse();
                pack.extend_from_slice(&groups);
            }
            match &e.stream {
                Some(stream) => pack.extend_from_slice(stream),
                None => pack.extend_from_slice(&zlib(&e.payload, Compression::fast())),
            }
            crcs.push(crc32fast::hash(&pack[start..]));
        }
        let checksum = [0xab; ID_LEN];
        pack.extend_from_slice(&checksum);

        let mut sorted: Vec<usize> = (0..entries.len()).collect();
        sorted.sort_by_key(|&i| entries[i].id);
        let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
        for byte in 0..256 {
            let n = sorted
                .iter()
                .filter(|&&i| usize::from(entries[i].id.as_bytes()[0]) <= byte)
                .count();
            idx.extend_from_slice(&(n as u32).to_be_bytes());
        }
        for &i in &sorted {
            idx.extend_from_slice(entries[i].id.as_bytes());
        }
        for &i in &sorted {
            idx.extend_from_slice(&crcs[i].to_be_bytes());
        }
        for (j, &i) in sorted.iter().enumerate() {
            let small = if large {
                0x8000_0000 | j as u32
            } else {
                offsets[i] as u32
            };
            idx.extend_from_slice(&small.to_be_bytes());
        }
        if large {
            for &i in &sorted {
                idx.extend_from_slice(&offsets[i].to_be_bytes());
            }
        }
        idx.extend_from_slice(&checksum);
        idx.extend_from_slice(&[0xcd; ID_LEN]);
        fs::write(folder.join("pack-test.pack"), pack).expect("pack");
        fs::write(folder.join("pack-test.idx"), idx).expect("index");
    }

    #[test]
    fn reads_hand_made_chains() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let objects = dir.path();
        let base = b"line one\nline two\n".to_vec();
        let mut entries = vec![whole(fake_id(0), BLOB, &base)];
        let mut want = vec![base.clone()];
        for n in 1..100u32 {
            let previous = want.last().expect("previous").clone();
            let add = format!("line {n}\n").into_bytes();
            let mut ops = Vec::new();
            // Copy all of the previous version (offset 0, two size bytes), then insert.
            let len = previous.len() as u16;
            ops.extend_from_slice(&[0x80 | 0x30, len as u8, (len >> 8) as u8]);
            ops.push(add.len() as u8);
            ops.extend_from_slice(&add);
            let result = [&previous[..], &add].concat();
            let on = if n % 10 == 0 {
                Base::Ref(fake_id(n - 1))
            } else {
                Base::Ofs(n as usize - 1)
            };
            entries.push(delta_on(
                fake_id(n),
                on,
                delta(previous.len() as u64, result.len() as u64, &ops),
            ));
            want.push(result);
        }
        // On a loose blob, not in the pack.
        let loose = fake_id(1000);
        let path = loose_path(objects, loose);
        fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        fs::write(&path, zlib(b"blob 5\0hello", Compression::default())).expect("loose");
        entries.push(delta_on(
            fake_id(1001),
            Base::Ref(loose),
            delta(5, 4, &[0x91, 1, 4]),
        ));
        for large in [false, true] {
            write_pack(objects, &entries, large);
            let mut reader = Objects::open(objects).expect("objects");
            for n in [99, 0, 50, 51, 98, 10] {
                assert_eq!(
                    reader.blob(fake_id(n)).as_ref(),
                    Some(&want[n as usize]),
                    "{n}"
                );
            }
            assert_eq!(reader.blob(fake_id(1001)).as_deref(), Some(&b"ello"[..]));
            assert_eq!(reader.blob(fake_id(1000)).as_deref(), Some(&b"hello"[..]));
        }
    }

    #[test]
    fn refuses_hand_made_lies() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let objects = dir.path();
        let check = |entries: Vec<Craft>, id: Oid, want: Option<&[u8]>| {
            write_pack(objects, &entries, false);
            let got = Objects::open(objects).expect("objects").blob(id);
            assert_eq!(got.as_deref(), want, "{id}");
        };
        let (a, b, c) = (fake_id(1), fake_id(2), fake_id(3));
        let hello = || whole(a, BLOB, b"hello");
        check(vec![hello()], a, Some(b"hello"));
        // Declared sizes that are not the data's: too big for the cap,
        // more than deflate can make of the bytes, one off.
        for declared in [1 << 40, (MAX_SIZE + 1) as u64, MAX_SIZE as u64, 6, 4] {
            let mut entry = hello();
            entry.declared = Some(declared);
            check(vec![entry], a, None);
        }
        // Types: a tree, the reserved 5, 0.
        for kind in [2, 5, 0] {
            check(vec![whole(a, kind, b"hello")], a, None);
        }
        // Deltas that lie: about their result's size (also beyond the
        // cap), their base's size, or copy beyond the base.
        let copy = [0x90, 5];
        check(
            vec![hello(), delta_on(b, Base::Ofs(0), delta(5, 5, &copy))],
            b,
            Some(b"hello"),
        );
        for (base, result, ops) in [
            (5, 1 << 40, &copy[..]),
            (5, (MAX_SIZE + 1) as u64, &copy),
            (5, MAX_SIZE as u64, &copy),
            (5, 6, &copy),
            (5, 4, &copy),
            (4, 5, &copy),
            (6, 5, &copy),
            (5, 5, &[0x91, 1, 5]),
            (5, 5, &[0x90]),
            (5, 5, &[0]),
            (5, 5, &[5, b'h', b'e']),
        ] {
            check(
                vec![hello(), delta_on(b, Base::Ofs(0), delta(base, result, ops))],
                b,
                None,
            );
        }
        // Bases that are not there: no object at that offset, before the
        // pack, itself; a tree; a missing id.
        for back in [1, 5, 1 << 40, 0] {
            check(
                vec![hello(), delta_on(b, Base::Back(back), delta(5, 5, &copy))],
                b,
                None,
            );
        }
        let tree = whole(a, 2, b"hello");
        check(
            vec![tree, delta_on(b, Base::Ofs(0), delta(5, 5, &copy))],
            b,
            None,
        );
        check(
            vec![hello(), delta_on(b, Base::Ref(c), delta(5, 5, &copy))],
            b,
            None,
        );
        // Cycles of ids.
        check(vec![delta_on(b, Base::Ref(b), delta(5, 5, &copy))], b, None);
        let cycle = vec![
            delta_on(b, Base::Ref(c), delta(5, 5, &copy)),
            delta_on(c, Base::Ref(b), delta(5, 5, &copy)),
        ];
        check(cycle, b, None);
    }

    /// Pack entries whose zlib stream is not one whole stream of exactly
    /// the declared size, with the right check sum, are refused (their
    /// CRC-32 in the index is right: only the stream lies).
    #[test]
    fn refuses_streams_that_lie() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let objects = dir.path();
        let a = fake_id(1);
        let check = |stream: Vec<u8>, want: Option<&[u8]>, what: &str| {
            let mut entry = whole(a, BLOB, b"hello");
            entry.stream = Some(stream);
            write_pack(objects, &[entry], false);
            let got = Objects::open(objects).expect("objects").blob(a);
            assert_eq!(got.as_deref(), want, "{what}");
        };
        let good = zlib(b"hello", Compression::default());
        check(good.clone(), Some(b"hello"), "the stream as made");

        let mut sum = good.clone();
        *sum.last_mut().expect("bytes") ^= 1;
        check(sum, None, "a wrong Adler-32");
        check(good[..good.len() - 4].to_vec(), None, "no Adler-32");
        check(good[..good.len() - 6].to_vec(), None, "cut inside the data");
        check(good[..2].to_vec(), None, "the header alone");
        check(Vec::new(), None, "nothing");
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(b"hello").expect("compress");
        check(
            raw.finish().expect("compress"),
            None,
            "deflate without zlib's header",
        );
        // Headers that are whole (their check bits right) but not what git
        // writes: a 64 KB window, a preset dictionary.
        let mut window = good.clone();
        window[..2].copy_from_slice(&[0x88, 0x1c]);
        check(window, None, "a window larger than zlib's");
        let mut dictionary = good.clone();
        dictionary[..2].copy_from_slice(&[0x78, 0x20]);
        check(dictionary, None, "a preset dictionary");
        check(
            zlib(b"hello!", Compression::default()),
            None,
            "a byte more than declared",
        );
        check(zlib(b"hell", Compression::default()), None, "a byte less");
        let two = [
            zlib(b"hel", Compression::default()),
            zlib(b"lo", Compression::default()),
        ]
        .concat();
        check(two, None, "two streams");
        let stored = [&b"\x78\x01\x01\x05\x00\xfa\xffhello"[..], &adler(b"hello")].concat();
        check(stored.clone(), Some(b"hello"), "a stored block");
        let mut long = stored;
        long[3] = 0x06;
        long[5] = 0xf9;
        check(long, None, "a stored block longer than its bytes");
        // Bytes after the stream, inside the entry, are let be, as git does
        // (the entry's CRC-32 covers them).
        check(
            [&good[..], b"junk"].concat(),
            Some(b"hello"),
            "bytes after the stream",
        );
    }

    /// zlib's Adler-32 of `data`, big-endian as a stream ends with it.
    fn adler(data: &[u8]) -> [u8; 4] {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16 | a).to_be_bytes()
    }

    #[test]
    fn refuses_chains_deeper_than_the_limit() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let objects = dir.path();
        let mut entries = vec![whole(fake_id(0), BLOB, b"hello")];
        for n in 1..=MAX_DEPTH {
            entries.push(delta_on(
                fake_id(n as u32),
                Base::Ofs(n - 1),
                delta(5, 5, &[0x90, 5]),
            ));
        }
        write_pack(objects, &entries, false);
        let mut reader = Objects::open(objects).expect("objects");
        assert_eq!(reader.blob(fake_id(MAX_DEPTH as u32)), None);
        let mut reader = Objects::open(objects).expect("objects");
        assert_eq!(
            reader.blob(fake_id(MAX_DEPTH as u32 - 1)).as_deref(),
            Some(&b"hello"[..])
        );
    }

    #[test]
    fn applies_deltas_exactly() {
        let base: Vec<u8> = (0..0x20000u32).map(|i| (i % 253) as u8).collect();
        let len = base.len() as u64;
        // Size 0 means 0x10000; offsets and sizes in any bytes.
        let got = apply_delta(&base, &delta(len, 0x10000, &[0x80])).expect("a copy");
        assert_eq!(got, base[..0x10000]);
        let ops = [0x80 | 0x04 | 0x20, 0x01, 0x02];
        let got = apply_delta(&base, &delta(len, 0x200, &ops)).expect("a copy");
        assert_eq!(got, base[0x10000..0x10200]);
        let ops = [0xff, 0, 0, 0, 0, 3, 0, 0, 2, b'x', b'y'];
        assert_eq!(
            apply_delta(&base, &delta(len, 5, &ops)),
            Some(vec![0, 1, 2, b'x', b'y'])
        );
        assert_eq!(apply_delta(&base, &delta(len, 0, &[])), Some(Vec::new()));
        // Beyond the base, offsets of four bytes, truncated ops, op 0.
        assert_eq!(
            apply_delta(&base, &delta(len, 1, &[0x91, 0xff, 0xff, 0x01])),
            None
        );
        assert_eq!(
            apply_delta(&base, &delta(len, 1, &[0x98, 0, 0, 0, 0x10, 1])),
            None
        );
        assert_eq!(apply_delta(&base, &delta(len, 1, &[0x91, 0])), None);
        assert_eq!(apply_delta(&base, &delta(len, 1, &[0])), None);
        assert_eq!(apply_delta(&base, &delta(len, 2, &[2, b'x'])), None);
        assert_eq!(apply_delta(&base, &[0x80; 12]), None);
        assert_eq!(apply_delta(&base, &[]), None);
        assert_eq!(apply_delta(&base, &delta(len, u64::MAX, &[])), None);
    }
}
