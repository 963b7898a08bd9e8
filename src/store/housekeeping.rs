//! Housekeeping: the loose objects a clone collects are packed, and the
//! small packs its syncs leave are merged.
//!
//! Every change written here (a comment, an answer, a saved chapter) is
//! stored by git as loose objects: one compressed file per new blob, tree
//! and commit. The `comments/` folder is one tree, so in a workspace of
//! 10,000 comments every new comment writes a 600 KB tree (about 400 KB
//! compressed) as a file of its own: a writer who answers 500 comments
//! between two syncs leaves 200 MB in `.git/objects`. git's own commands
//! pack such objects now and then (`git gc --auto`); libgit2 never does.
//!
//! So a sync that went through packs them when there are many or they take
//! up much room: one pack of them all, in which each tree is stored as the
//! few bytes that differ from its neighbour, written beside the others;
//! then the loose files are removed. A process killed at any moment loses
//! nothing:
//! - the pack and its index are written under temporary names, renamed
//!   into place by libgit2, and flushed to the disk (with their folder)
//!   before any loose file goes;
//! - only whole objects go in the pack (a file cut short or damaged is
//!   left where it is), and a loose file is removed only when the new
//!   pack's index lists its object (read here from the index file itself);
//! - until then every object is loose as before; killed while removing,
//!   some objects are in the pack only, which every reader finds (libgit2
//!   and git look in the packs again when an object is missing).
//!
//! Every sync that receives something leaves a pack too, and libgit2 looks
//! for an object in one pack after the other (formatting an error for each
//! that misses): with hundreds of packs, as months of syncing would leave,
//! every command slows down (286 packs made a diff 1.8 and a status 2.5
//! times slower). So a sync also merges the small packs into one once
//! there are many ([`Store::merge_packs`]), in the same careful order.
//!
//! A pack that cannot be written leaves everything as it was, and the sync
//! still succeeds: packing is tried again at the next one.

use std::fs;
use std::path::{Path, PathBuf};

use git2::Oid;

use super::Store;
use crate::error::{Error, Result};
use crate::tr;

/// A sync packs the loose objects from this many of them…
pub const PACK_AT_OBJECTS: usize = 100;

/// …or from this many bytes of them (about 40 comments written in a
/// workspace of 10,000).
pub const PACK_AT_BYTES: u64 = 10 << 20;

/// A sync merges the small packs once there are this many (each sync that
/// receives something adds one, as does packing the loose objects).
pub const MERGE_AT_PACKS: usize = 16;

/// A pack of fewer objects than this is small: merged with the others.
pub const SMALL_PACK: usize = 1_000;

/// What packing or merging did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    /// Objects put in the new pack whose old copies (loose files, or the
    /// small packs merged) were removed.
    pub objects: usize,
    /// The loose files' size on disk before (0 for merged packs).
    pub bytes: u64,
    /// The new pack's file name (`pack-….pack`).
    pub pack: String,
}

/// A loose object: its id, its file and the file's size.
struct Loose {
    id: Oid,
    path: PathBuf,
    bytes: u64,
}

impl Store {
    /// Packs the clone's loose objects when there are at least
    /// `at_objects` of them or they take up at least `at_bytes`, and
    /// removes the loose files (see the module docs); None when there were
    /// fewer. The caller holds the write lock.
    pub fn pack_loose_objects(&self, at_objects: usize, at_bytes: u64) -> Result<Option<Packed>> {
        let objects = self.repo.commondir().join("objects");
        let loose = loose_objects(&objects)?;
        let bytes: u64 = loose.iter().map(|l| l.bytes).sum();
        if loose.is_empty() || (loose.len() < at_objects && bytes < at_bytes) {
            return Ok(None);
        }
        let pack_dir = objects.join("pack");
        fs::create_dir_all(&pack_dir).map_err(Error::io(&pack_dir))?;
        remove_stale_temporaries(&pack_dir);
        let mut builder = self.repo.packbuilder().map_err(Error::git("pack"))?;
        for l in &loose {
            // A damaged file (or one that is no object at all) is left where
            // it is and out of the pack. Checked here, not left to libgit2:
            // its reader loops forever on a file cut short (libgit2 issue
            // 7342, fixed after the release git2 builds).
            if !whole_object(&l.path) {
                continue;
            }
            builder
                .insert_object(l.id, None)
                .map_err(Error::git(l.id.to_string()))?;
        }
        if builder.object_count() == 0 {
            return Ok(None);
        }
        let (name, listed) = write_pack(&mut builder, &pack_dir, "pack-written")?;
        let mut removed = 0;
        for (k, l) in loose.iter().enumerate() {
            if k == loose.len() / 2 {
                super::journal::pause_point("pack-half-removed");
            }
            if listed.binary_search(&l.id).is_err() {
                continue;
            }
            // One that cannot be removed (open elsewhere, on Windows) stays:
            // an object both loose and packed is still one object.
            if fs::remove_file(&l.path).is_ok() {
                removed += 1;
            }
            if let Some(folder) = l.path.parent() {
                // Only an empty fan-out folder goes.
                let _ = fs::remove_dir(folder);
            }
        }
        Ok(Some(Packed {
            objects: removed,
            bytes,
            pack: format!("pack-{name}.pack"),
        }))
    }
}

/// Writes the pack `builder` holds into `pack_dir` (libgit2 writes it and
/// its index under temporary names and renames them), flushes both and the
/// folder to the disk, and reads back the ids the new index lists: its
/// name and those ids, sorted. `step` names the moment for the crash tests.
fn write_pack(
    builder: &mut git2::PackBuilder<'_>,
    pack_dir: &Path,
    step: &str,
) -> Result<(String, Vec<Oid>)> {
    builder
        .write(pack_dir, 0o444)
        .map_err(Error::git(pack_dir.display().to_string()))?;
    let Some(name) = builder.name().ok().flatten().map(str::to_string) else {
        return Err(Error::Invalid(tr!(
            "git skrev en pakke uden navn i {dir}",
            "git wrote a pack without a name in {dir}",
            dir = pack_dir.display()
        )));
    };
    let stem = pack_dir.join(format!("pack-{name}"));
    for ext in ["pack", "idx"] {
        flush(&stem.with_extension(ext))?;
    }
    flush_folder(pack_dir);
    super::journal::pause_point(step);
    let listed = index_ids(&stem.with_extension("idx"))?;
    Ok((name, listed))
}

/// A pack in the objects folder: its path without the extension
/// (`…/pack-<name>`) and the ids its index lists, sorted.
struct PackFile {
    stem: PathBuf,
    ids: Vec<Oid>,
}

impl Store {
    /// Merges the small packs (fewer than [`SMALL_PACK`] objects each, as
    /// a sync's fetch or packed loose objects leave them) into one when
    /// there are at least `at_packs` of them, and removes them. Large packs
    /// (the one a clone starts with, earlier merges that grew large) are
    /// not written again, so merging stays a matter of a few small packs,
    /// and each large pack stands for at least that many objects of
    /// history. Packs marked to be kept (`.keep`) stay as they are. Safe
    /// against a kill as [`Store::pack_loose_objects`]: a pack goes only once
    /// the new pack is on disk and its index lists every object of it.
    pub fn merge_packs(&self, at_packs: usize) -> Result<Option<Packed>> {
        let pack_dir = self.repo.commondir().join("objects").join("pack");
        let mut packs = pack_files(&pack_dir);
        packs.retain(|p| p.ids.len() < SMALL_PACK);
        if packs.len() < at_packs.max(2) {
            return Ok(None);
        }
        let mut builder = self.repo.packbuilder().map_err(Error::git("pack"))?;
        for p in &packs {
            for id in &p.ids {
                builder
                    .insert_object(*id, None)
                    .map_err(Error::git(id.to_string()))?;
            }
        }
        let (name, listed) = write_pack(&mut builder, &pack_dir, "packs-merged")?;
        let stem = pack_dir.join(format!("pack-{name}"));
        let mut removed = 0;
        for (n, p) in packs.iter().enumerate() {
            if n == packs.len() / 2 {
                super::journal::pause_point("packs-half-removed");
            }
            // The new pack can have an old one's name (the same objects).
            let whole = p.ids.iter().all(|id| listed.binary_search(id).is_ok());
            if p.stem == stem || !whole {
                continue;
            }
            // The index first: a pack without one is not read by anyone.
            if fs::remove_file(p.stem.with_extension("idx")).is_ok() {
                for ext in ["pack", "rev", "bitmap"] {
                    let _ = fs::remove_file(p.stem.with_extension(ext));
                }
                removed += p.ids.len();
            }
        }
        Ok(Some(Packed {
            objects: removed,
            bytes: 0,
            pack: format!("pack-{name}.pack"),
        }))
    }
}

/// The packs in `pack_dir` that have an index git writes and a pack file
/// and are not marked to be kept (`.keep`, `.promisor`).
fn pack_files(pack_dir: &Path) -> Vec<PackFile> {
    let Ok(entries) = fs::read_dir(pack_dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_index = path.extension().is_some_and(|e| e == "idx")
            && path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.strip_prefix("pack-").is_some_and(|h| is_hex(h, 40)));
        if !is_index {
            continue;
        }
        let stem = path.with_extension("");
        let kept = ["keep", "promisor"]
            .iter()
            .any(|ext| stem.with_extension(ext).exists());
        if kept || !stem.with_extension("pack").is_file() {
            continue;
        }
        if let Ok(ids) = index_ids(&path) {
            out.push(PackFile { stem, ids });
        }
    }
    out
}

/// The loose objects under `objects` (`ab/cdef…`): ids, files and sizes.
fn loose_objects(objects: &Path) -> Result<Vec<Loose>> {
    let mut out = Vec::new();
    let folders = match fs::read_dir(objects) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(objects)(e)),
    };
    for folder in folders.flatten() {
        let prefix = folder.file_name();
        let Some(prefix) = prefix.to_str().filter(|p| is_hex(p, 2)) else {
            continue;
        };
        let Ok(files) = fs::read_dir(folder.path()) else {
            continue;
        };
        for file in files.flatten() {
            let rest = file.file_name();
            let Some(rest) = rest.to_str().filter(|r| is_hex(r, 38)) else {
                // Temporary files of a write in progress, and anything else.
                continue;
            };
            let Ok(id) = Oid::from_str(&format!("{prefix}{rest}")) else {
                continue;
            };
            let Ok(meta) = file.metadata() else { continue };
            if meta.is_file() {
                out.push(Loose {
                    id,
                    path: file.path(),
                    bytes: meta.len(),
                });
            }
        }
    }
    out.sort_by_key(|l| l.id);
    Ok(out)
}

/// Whether a loose object's file holds a whole object: one zlib stream,
/// all of the file, that inflates to `TYPE SIZE\0` (read as the diff's
/// reader reads it, [`super::objects::loose_header`]) and exactly SIZE
/// bytes after it. Read through a small buffer, so a large file costs no memory.
fn whole_object(path: &Path) -> bool {
    use flate2::{Decompress, FlushDecompress, Status};
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    let mut z = Decompress::new(true);
    let mut buffer = vec![0u8; 64 << 10];
    let mut header: Vec<u8> = Vec::new();
    loop {
        let (consumed, produced) = (z.total_in(), z.total_out());
        let Ok(at) = usize::try_from(consumed) else {
            return false;
        };
        let status = match z.decompress(&bytes[at..], &mut buffer, FlushDecompress::Finish) {
            Ok(status) => status,
            Err(_) => return false,
        };
        let fresh = (z.total_out() - produced) as usize;
        if header.len() < 64 && !header.contains(&0) {
            header.extend_from_slice(&buffer[..fresh.min(64)]);
        }
        match status {
            Status::StreamEnd => break,
            // No progress: the stream stops short of its end.
            _ if z.total_in() == consumed && z.total_out() == produced => return false,
            _ => {}
        }
    }
    let Some((_, size, start)) = super::objects::loose_header(&header) else {
        return false;
    };
    z.total_in() == bytes.len() as u64 && Some(z.total_out()) == size.checked_add(start as u64)
}

/// Removes what libgit2 left in `pack_dir` when it was stopped while
/// writing a pack (a fetch or packing killed midway): its temporary files
/// (`pack_git2_…`), once they are an hour old, so that one being written
/// right now by another program is left alone.
fn remove_stale_temporaries(pack_dir: &Path) {
    let Ok(entries) = fs::read_dir(pack_dir) else {
        return;
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with("pack_git2_"))
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < hour_ago);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether `s` is `len` lower-case hexadecimal digits (git's spelling).
fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The object ids a pack index (version 2) lists, sorted as it lists them;
/// an error for a file that is not one whole ([`super::objects::Index::read`]).
fn index_ids(path: &Path) -> Result<Vec<Oid>> {
    let bad = || {
        Error::Invalid(tr!(
            "{file} er ikke et pakkeindeks, som git skriver det (version 2)",
            "{file} is not a pack index as git writes it (version 2)",
            file = path.display()
        ))
    };
    // A file that cannot be read says so; one that can is read whole and
    // checked by the diff's reader of pack indexes.
    fs::metadata(path).map_err(Error::io(path))?;
    let index = super::objects::Index::read(path).ok_or_else(bad)?;
    index
        .ids()
        .map(|raw| Oid::from_bytes(raw).map_err(|_| bad()))
        .collect()
}

/// Flushes a file's contents to the disk.
fn flush(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(Error::io(path))
}

/// Flushes a folder's entries (the new names in it) to the disk, where the
/// system allows that (not on Windows, where a rename is durable once done).
fn flush_folder(path: &Path) {
    #[cfg(unix)]
    if let Ok(f) = fs::File::open(path) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_git_spellings_of_ids_are_loose_objects() {
        assert!(is_hex("0a", 2));
        assert!(!is_hex("0A", 2));
        assert!(!is_hex("pack", 2));
        assert!(!is_hex("0a1", 2));
        assert!(is_hex(&"f".repeat(38), 38));
        assert!(!is_hex(&"g".repeat(38), 38));
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    }

    /// Only a whole object goes into a pack: libgit2's reader loops forever
    /// on a stream cut short, so every way a file can fall short is refused.
    #[test]
    fn only_whole_objects_are_packed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("object");
        let check = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            whole_object(&path)
        };
        let content = "Kræftplan V ".repeat(20_000);
        let object = [
            format!("blob {}\0", content.len()).as_bytes(),
            content.as_bytes(),
        ]
        .concat();
        let good = zlib(&object);
        assert!(check(&good));
        assert!(check(&zlib(b"tree 0\0")));
        // Cut short anywhere, with something after it, or empty.
        for cut in [0, 1, 2, 10, good.len() / 2, good.len() - 4, good.len() - 1] {
            assert!(!check(&good[..cut]), "cut at {cut}");
        }
        assert!(!check(&[good.as_slice(), b"more"].concat()));
        // A header that does not say what follows.
        let n = content.len();
        for header in [
            "blob 5\0".to_string(),
            format!("blob {}\0", n + 1),
            format!("blob {}\0", n - 1),
            format!("blob +{n}\0"),
            // Not canonical: git refuses leading zeros.
            format!("blob 0{n}\0"),
            "blob\0".to_string(),
            format!("note {n}\0"),
            format!("blob {n}"),
        ] {
            let bad = [header.as_bytes(), content.as_bytes()].concat();
            assert!(!check(&zlib(&bad)), "{header:?}");
        }
        // Not zlib at all, or no file.
        assert!(!check(b"this is not a git object"));
        assert!(!whole_object(&dir.path().join("missing")));
    }

    #[test]
    fn a_file_that_is_not_a_pack_index_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.idx");
        for bytes in [
            Vec::new(),
            b"\xfftOc\0\0\0\x01".to_vec(),
            [b"\xfftOc\0\0\0\x02".as_slice(), &[0xff; 1024]].concat(),
        ] {
            std::fs::write(&path, &bytes).unwrap();
            assert!(index_ids(&path).is_err(), "{bytes:?}");
        }
    }
}
