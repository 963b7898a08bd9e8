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
pub use comment::{
    Anchor, AnchorChange, AnchorChangeKind, Author, Comment, Resolution, Target, to_toml,
};
pub use config::{Config, HorizonDef, Horizons, Meeting, Member};
pub use problem::{Problem, parse_toml};
pub use recommendation::Recommendation;
pub use workspace::{
    Chapter, FileData, PriorityFile, Source, Workspace, chapter_file_name, editor_text,
    parse_chapter_file_name,
};

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

    /// `recommendations/SLUG.toml`.
    pub fn recommendation(slug: &str) -> String {
        format!("{RECOMMENDATIONS}/{slug}.toml")
    }

    /// `comments/ID.toml`.
    pub fn comment(id: &str) -> String {
        format!("{COMMENTS}/{id}.toml")
    }
}
