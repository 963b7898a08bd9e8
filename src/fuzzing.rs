//! Entry points for the loaders' `cargo fuzz` targets (in `fuzz/`, outside
//! CI) and the property tests in `tests/fuzz.rs`, which run the same
//! functions on every `cargo test`. Each takes arbitrary bytes and must
//! return without a panic, a hang or a stack overflow; what it cannot read
//! becomes a [`Problem`](crate::model::Problem).

use std::collections::BTreeMap;

use crate::model::{
    Comment, Config, FileData, Recommendation, Source, Workspace, editor_text, parse_toml,
};

/// A comment file (`comments/ID.toml`): the fast reader and the TOML one.
pub fn comment_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = editor_text(text);
        let _ = Comment::parse_plain(&text);
        if let Ok(c) = parse_toml::<Comment>("comments/01j0.toml", &text) {
            let _ = c.check();
        }
    }
}

/// `oplaeg.toml`.
pub fn config_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(c) = parse_toml::<Config>("oplaeg.toml", &editor_text(text))
    {
        let _ = c.check();
    }
}

/// A recommendation file.
pub fn recommendation_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_toml::<Recommendation>("recommendations/a.toml", &editor_text(text));
    }
}

/// A chapter: loaded, read into the export's document model, cut into
/// text blocks and made searchable.
pub fn chapter_file(data: &[u8]) {
    let ws = workspace_of(&[
        ("oplaeg.toml", b"title = \"T\"\n".as_slice()),
        ("drafts/01-kapitel.md", data),
    ]);
    if let Some(c) = ws.as_ref().and_then(|w| w.chapters.first()) {
        let _ = crate::export::markdown::blocks(&c.markdown);
        let _ = crate::text::text_blocks(&c.markdown);
        let _ = c.searchable_text();
    }
}

/// A whole workspace: the bytes are cut at 0xFF into the files of a small
/// workspace (settings, priority, two chapters, a recommendation, three
/// comments, which may reply to each other in any shape).
pub fn workspace(data: &[u8]) {
    const PATHS: [&str; 8] = [
        "oplaeg.toml",
        "priority.toml",
        "drafts/01-a.md",
        "drafts/02-b.md",
        "recommendations/a.toml",
        "comments/01j0000000000000000000000001.toml",
        "comments/01j0000000000000000000000002.toml",
        "comments/01j0000000000000000000000003.toml",
    ];
    let files: Vec<(&str, &[u8])> = PATHS
        .iter()
        .copied()
        .zip(data.split(|&b| b == 0xFF))
        .collect();
    if let Some(ws) = workspace_of(&files) {
        for c in &ws.comments {
            let _ = ws.replies(&c.id).count();
        }
        for c in &ws.chapters {
            let _ = crate::export::markdown::blocks(&c.markdown);
        }
    }
}

fn workspace_of(files: &[(&str, &[u8])]) -> Option<Workspace> {
    let source = Mem(files
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect());
    Workspace::load(&source).ok()
}

/// Files in memory.
struct Mem(BTreeMap<String, Vec<u8>>);

impl Source for Mem {
    fn read(&self, path: &str) -> crate::Result<Option<Vec<u8>>> {
        Ok(self.0.get(path).cloned())
    }

    fn files(&self, dir: &str) -> crate::Result<Vec<FileData>> {
        let prefix = format!("{dir}/");
        Ok(self
            .0
            .iter()
            .filter_map(|(p, b)| {
                let name = p.strip_prefix(&prefix)?;
                (!name.contains('/')).then(|| FileData {
                    name: name.to_string(),
                    bytes: b.clone(),
                    id: None,
                    flaw: None,
                })
            })
            .collect())
    }
}
