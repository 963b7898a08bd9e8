//! Planning meetings and tagging the draft sent for one.

use chrono::NaiveDate;
use toml_edit::{Table, value};

use super::{Action, Session, non_empty};
use crate::error::{Error, Result};
use crate::model::{Meeting, paths};
use crate::store::Change;
use crate::tr;

impl Session {
    /// Plans a meeting in `oplaeg.toml`. Only writers.
    pub fn meeting_add(
        &self,
        number: u32,
        date: NaiveDate,
        title: &str,
        deadline: Option<NaiveDate>,
    ) -> Result<Meeting> {
        self.permit(Action::ManageMeetings)?;
        let title = non_empty(title, tr!("titlen er tom", "the title is empty"))?;
        if number == 0 {
            return Err(Error::InvalidValue {
                field: tr!("mødenummer", "meeting number"),
                value: "0".into(),
                expected: tr!("et tal fra 1", "a number from 1"),
            });
        }
        if let Some(d) = deadline
            && d > date
        {
            return Err(Error::Invalid(tr!(
                "fristen {d} ligger efter mødet {date}",
                "the deadline {d} is after the meeting {date}"
            )));
        }
        let (ws, base) = self.head_at()?;
        if ws.config.meetings.iter().any(|m| m.number == number) {
            return Err(Error::Exists(tr!("møde {number}", "meeting {number}")));
        }
        let mut doc = self.config_document()?;
        let mut t = Table::new();
        t["number"] = value(i64::from(number));
        t["date"] = value(date.to_string());
        t["title"] = value(title.as_str());
        if let Some(d) = deadline {
            t["deadline"] = value(d.to_string());
        }
        super::members::push_table(&mut doc, "meetings", t)?;
        let message = format!("Møde {number} planlagt {date}: {title}");
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::CONFIG, doc.to_string()),
        )?;
        Ok(Meeting {
            number,
            date,
            title,
            deadline,
        })
    }

    /// Tags the current draft as the one sent for meeting `number`
    /// (`meeting/N`). Only writers. Uses the planned meeting's title and
    /// date when there is one.
    pub fn meeting_tag(&self, number: u32) -> Result<crate::store::MeetingTag> {
        self.permit(Action::ManageMeetings)?;
        let head = self.store.head()?.ok_or_else(|| {
            Error::Invalid(tr!(
                "der er intet udkast at tagge endnu",
                "there is no draft to tag yet"
            ))
        })?;
        let ws = self.head()?;
        let planned = ws.config.meetings.iter().find(|m| m.number == number);
        let title = planned
            .map(|m| m.title.clone())
            .unwrap_or_else(|| format!("{number}. møde i følgegruppen"));
        let date = planned
            .map(|m| m.date)
            .unwrap_or_else(|| self.now().date_naive());
        let message = format!("{title}\n\nDato: {date}\n");
        self.store
            .tag_meeting(number, head, &message, &self.identity(), self.now())?;
        Ok(crate::store::MeetingTag {
            number,
            name: format!("meeting/{number}"),
            commit: head.to_string(),
            date: Some(date),
            title,
        })
    }
}
