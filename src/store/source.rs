//! The two places a workspace is read from: a commit's tree (exact, from git
//! objects) and the working tree on disk.

use std::path::PathBuf;

use git2::{ObjectType, Repository, Tree};

use crate::error::{Error, Result};
use crate::model::{FileData, FileFlaw, Source, limits};

/// Files as they are in one commit.
pub struct TreeSource<'r> {
    pub(crate) repo: &'r Repository,
    pub(crate) tree: Option<Tree<'r>>,
}

impl Source for TreeSource<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(tree) = &self.tree else {
            return Ok(None);
        };
        let entry = match tree.get_path(std::path::Path::new(path)) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git(format!("læsning af {path}"))(e)),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(Error::git(format!("læsning af {path}")))?;
        Ok(Some(blob.content().to_vec()))
    }

    fn files(&self, dir: &str) -> Result<Vec<FileData>> {
        let Some(tree) = &self.tree else {
            return Ok(Vec::new());
        };
        let sub = match tree.get_path(std::path::Path::new(dir)) {
            Ok(e) if e.kind() == Some(ObjectType::Tree) => self
                .repo
                .find_tree(e.id())
                .map_err(Error::git(format!("læsning af {dir}")))?,
            Ok(_) => return Ok(Vec::new()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::git(format!("læsning af {dir}"))(e)),
        };
        let odb = self.repo.odb().map_err(Error::git("objects"))?;
        let mut out = Vec::with_capacity(sub.len());
        for entry in sub.iter() {
            if let Some(f) = blob_file(self.repo, &odb, dir, &entry)? {
                out.push(f);
            }
        }
        Ok(out)
    }
}

/// A tree entry as a [`FileData`] (with its flaw, and its bytes unless the
/// flaw leaves it unread); `None` for what is not a file with a UTF-8 name.
pub(crate) fn blob_file(
    repo: &Repository,
    odb: &git2::Odb<'_>,
    dir: &str,
    entry: &git2::TreeEntry<'_>,
) -> Result<Option<FileData>> {
    if entry.kind() != Some(ObjectType::Blob) {
        return Ok(None);
    }
    let Ok(name) = entry.name() else {
        return Ok(None);
    };
    let id = Some(entry.id().to_string());
    let mode = entry.filemode();
    let flaw = if mode == i32::from(git2::FileMode::Link) {
        Some(FileFlaw::Symlink)
    } else {
        // The size is read from the object's header, so a huge file
        // is never unpacked.
        let max = limits::max_bytes(&format!("{dir}/{name}"));
        match odb.read_header(entry.id()) {
            Ok((size, _)) if size as u64 > max => Some(FileFlaw::TooBig(size as u64)),
            _ if mode == i32::from(git2::FileMode::BlobExecutable) => Some(FileFlaw::Executable),
            _ => None,
        }
    };
    let bytes = match flaw {
        Some(FileFlaw::Symlink | FileFlaw::TooBig(_)) => Vec::new(),
        _ => repo
            .find_blob(entry.id())
            .map_err(Error::git(format!("læsning af {dir}/{name}")))?
            .content()
            .to_vec(),
    };
    Ok(Some(FileData {
        name: name.to_string(),
        bytes,
        id,
        flaw,
    }))
}

/// Files as they are on disk now, committed or not.
pub struct WorktreeSource {
    pub(crate) root: PathBuf,
}

impl Source for WorktreeSource {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let full = self.root.join(path);
        match std::fs::read(&full) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(full)(e)),
        }
    }

    fn files(&self, dir: &str) -> Result<Vec<FileData>> {
        let full = self.root.join(dir);
        let entries = match std::fs::read_dir(&full) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(full)(e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Error::io(&full))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(Error::io(&path))?;
            if !(kind.is_file() || kind.is_symlink()) {
                continue;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            // Temporary files of an interrupted atomic write are not content.
            if name.starts_with('.') {
                continue;
            }
            // A symlink is never followed (it could point anywhere).
            let meta = std::fs::symlink_metadata(&path).map_err(Error::io(&path))?;
            let flaw = if kind.is_symlink() {
                Some(FileFlaw::Symlink)
            } else if meta.len() > limits::max_bytes(&format!("{dir}/{name}")) {
                Some(FileFlaw::TooBig(meta.len()))
            } else if is_executable(&meta) {
                Some(FileFlaw::Executable)
            } else {
                None
            };
            let bytes = match flaw {
                Some(FileFlaw::Symlink | FileFlaw::TooBig(_)) => Vec::new(),
                _ => std::fs::read(&path).map_err(Error::io(&path))?,
            };
            out.push(FileData {
                name,
                bytes,
                id: None,
                flaw,
            });
        }
        Ok(out)
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
