//! Writing a new version of a chapter.

use super::{Action, Session};
use crate::error::{Error, Result};
use crate::model::Chapter;
use crate::store::Change;
use crate::tr;

impl Session {
    /// Replaces a chapter's Markdown with a new version. Only writers. The
    /// new text must keep a `# Title` heading.
    pub fn revise_chapter(&self, key: &str, markdown: &str, message: &str) -> Result<Chapter> {
        self.permit(Action::EditContent)?;
        let message = super::non_empty_message(message)?;
        let (ws, base) = self.head_at()?;
        let mut chapter = ws.chapter(key)?.clone();
        let title = markdown
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .ok_or_else(|| {
                Error::Invalid(tr!(
                    "kapitlet skal begynde med en overskrift «# Titel»",
                    "the chapter must start with a «# Title» heading"
                ))
            })?;
        let mut text = markdown.replace("\r\n", "\n");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(chapter.file.clone(), text.clone()),
        )?;
        chapter.title = title;
        chapter.markdown = text;
        chapter.blob = None;
        Ok(chapter)
    }
}
