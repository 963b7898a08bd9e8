//! The domain's types and their rules: the config, chapters, recommendations,
//! comments, and the loaded [`Workspace`]. Pure: no git, no terminal. Files
//! come in through the [`Source`] trait, which the store implements.

mod choice;
mod comment;
mod config;
mod problem;
mod recommendation;
mod workspace;

pub use choice::{Choice, CommentStatus, Disposition, Horizon, RecStatus, Role};
#[cfg(test)]
pub(crate) use comment::sample as sample_comment;
pub use comment::{
    Anchor, AnchorChange, AnchorChangeKind, Applied, Author, Comment, Resolution, Suggestion,
    Target, to_toml,
};
pub use config::{Config, HorizonDef, Horizons, Meeting, Member};
pub use problem::{Problem, parse_toml};
pub use recommendation::Recommendation;
pub use workspace::{
    Chapter, CommentFile, FileData, FileFlaw, PriorityFile, Source, Workspace, at_most_by,
    chapter_file_name, checked_text, editor_text, parse_chapter_file_name, read_comment_file,
};

/// The documented limits on what oplaeg reads and writes (see docs/bad-input.md).
/// Writing beyond them is refused; a file beyond them in a commit or on
/// disk is reported as a problem and left out, never fatal.
pub mod limits {
    use super::paths;

    /// A comment or recommendation file.
    pub const SMALL_FILE_BYTES: u64 = 2 * 1024 * 1024;
    /// A chapter file.
    pub const CHAPTER_BYTES: u64 = 16 * 1024 * 1024;
    /// `oplaeg.toml` and `priority.toml`.
    pub const SETTINGS_BYTES: u64 = 1024 * 1024;
    /// Comment files read from one revision.
    pub const MAX_COMMENTS: usize = 100_000;
    /// Chapter files read from one revision.
    pub const MAX_CHAPTERS: usize = 1_000;
    /// Recommendation files read from one revision.
    pub const MAX_RECOMMENDATIONS: usize = 1_000;
    /// How deep quotes and lists nest in an export (deeper ones are kept,
    /// with their text, at this depth).
    pub const MAX_NESTING: usize = 16;

    /// The largest file allowed at `path` (a path inside the workspace).
    pub fn max_bytes(path: &str) -> u64 {
        if path.starts_with(&format!("{}/", paths::DRAFTS)) {
            CHAPTER_BYTES
        } else if path == paths::CONFIG || path == paths::PRIORITY {
            SETTINGS_BYTES
        } else {
            SMALL_FILE_BYTES
        }
    }

    /// How deep quotes and lists nest in Markdown `text`.
    pub fn nesting(text: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        let options =
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        for event in pulldown_cmark::Parser::new_ext(text, options) {
            match event {
                pulldown_cmark::Event::Start(
                    pulldown_cmark::Tag::BlockQuote(_) | pulldown_cmark::Tag::List(_),
                ) => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                pulldown_cmark::Event::End(
                    pulldown_cmark::TagEnd::BlockQuote(_) | pulldown_cmark::TagEnd::List(_),
                ) => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        deepest
    }

    /// The deepest nesting in any text of a TOML table (a comment's body, a
    /// suggestion, an answer, a recommendation's text).
    pub fn table_nesting(table: &toml::Table) -> usize {
        fn value(v: &toml::Value) -> usize {
            match v {
                toml::Value::String(s) => nesting(s),
                toml::Value::Array(a) => a.iter().map(value).max().unwrap_or(0),
                toml::Value::Table(t) => t.values().map(value).max().unwrap_or(0),
                _ => 0,
            }
        }
        table.values().map(value).max().unwrap_or(0)
    }

    /// Why text nested `depth` deep at `path` is refused, if it is.
    pub fn nesting_problem(path: &str, depth: usize) -> Option<String> {
        let max = MAX_NESTING;
        (depth > max).then(|| {
            crate::tr!(
                "{path} har citater eller lister indlejret {depth} niveauer dybt; grænsen er {max}",
                "{path} has quotes or lists nested {depth} levels deep; the limit is {max}"
            )
        })
    }

    /// A size in people's units (`256 KB`, `100 MB`).
    pub fn human(bytes: u64) -> String {
        if bytes >= 1024 * 1024 {
            format!("{} MB", bytes.div_ceil(1024 * 1024))
        } else {
            format!("{} KB", bytes.div_ceil(1024))
        }
    }
}

/// Where each kind of file lives in a workspace.
pub mod paths {
    /// The workspace's settings.
    pub const CONFIG: &str = "oplaeg.toml";
    /// The priority order of the recommendations.
    pub const PRIORITY: &str = "priority.toml";
    /// Chapters, `NN-slug.md`.
    pub const DRAFTS: &str = "drafts";
    /// Recommendations, `slug.toml`.
    pub const RECOMMENDATIONS: &str = "recommendations";
    /// Comments, `id.toml`.
    pub const COMMENTS: &str = "comments";
    /// Rankings, `ROUND/ID.toml` and `ROUND/round.toml` (see
    /// [`crate::ranking::parse_path`]).
    pub const RANKINGS: &str = "rankings";

    /// Whether `path` is one of the files a workspace consists of: the
    /// settings, the priority, a chapter, a recommendation, a comment and,
    /// with `rankings`, anything under `rankings/` (`verify` judges those;
    /// a writer's hand edits saved with `oplaeg save` leave them out, they
    /// are written by the members' own ranking commands).
    pub fn is_workspace_file(path: &str, rankings: bool) -> bool {
        let under = |dir: &str| {
            path.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
        };
        path == CONFIG
            || path == PRIORITY
            || [DRAFTS, RECOMMENDATIONS, COMMENTS].into_iter().any(under)
            || (rankings && under(RANKINGS))
    }

    /// `recommendations/SLUG.toml`.
    pub fn recommendation(slug: &str) -> String {
        format!("{RECOMMENDATIONS}/{slug}.toml")
    }

    /// `comments/ID.toml`.
    pub fn comment(id: &str) -> String {
        format!("{COMMENTS}/{id}.toml")
    }

    #[cfg(test)]
    mod tests {
        use super::is_workspace_file;

        #[test]
        fn workspace_files_with_and_without_rankings() {
            for path in [
                "oplaeg.toml",
                "priority.toml",
                "drafts/01-indledning.md",
                "recommendations/screening.toml",
                "comments/c-1.toml",
                "comments/nested/odd.txt",
            ] {
                assert!(is_workspace_file(path, true), "{path}");
                assert!(is_workspace_file(path, false), "{path}");
            }
            for path in [
                "rankings/1/anna.toml",
                "rankings/1/round.toml",
                "rankings/x",
            ] {
                assert!(is_workspace_file(path, true), "{path}");
                assert!(!is_workspace_file(path, false), "{path}");
            }
            for path in [
                "README.md",
                "drafts",
                "draftsx/01-a.md",
                "rankings",
                "rankingsx/1/a.toml",
                "oplaeg.toml/x",
                ".git/config",
            ] {
                assert!(!is_workspace_file(path, true), "{path}");
                assert!(!is_workspace_file(path, false), "{path}");
            }
        }
    }
}
