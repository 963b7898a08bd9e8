//! Adding members to the group (oplaeg.toml keeps its hand-written layout).

use toml_edit::{DocumentMut, Item, Table, value};

use super::{Action, Session, non_empty};
use crate::error::{Error, Result};
use crate::model::{Choice, Member, Role, paths};
use crate::store::Change;
use crate::tr;

/// Appends `table` to the `[[key]]` array of tables of `doc`, creating it
/// (or replacing an empty inline `key = []`) when needed.
pub(super) fn push_table(doc: &mut DocumentMut, key: &str, table: Table) -> Result<()> {
    let empty_inline = doc
        .get(key)
        .and_then(Item::as_array)
        .is_some_and(|a| a.is_empty());
    if doc.get(key).is_none() || empty_inline {
        doc[key] = Item::ArrayOfTables(toml_edit::ArrayOfTables::new());
    }
    match doc.get_mut(key).and_then(Item::as_array_of_tables_mut) {
        Some(arr) => {
            arr.push(table);
            Ok(())
        }
        None => Err(Error::Invalid(tr!(
            "oplaeg.toml: {key} skal skrives som [[{key}]]-tabeller",
            "oplaeg.toml: {key} must be written as [[{key}]] tables"
        ))),
    }
}

impl Session {
    /// `oplaeg.toml` as committed, for an edit that keeps its layout.
    pub(super) fn config_document(&self) -> Result<DocumentMut> {
        let head = self
            .store
            .head()?
            .ok_or_else(|| Error::NotAWorkspace(self.store.root().into()))?;
        let bytes = self
            .store
            .read_at(head, paths::CONFIG)?
            .ok_or_else(|| Error::NotAWorkspace(self.store.root().into()))?;
        let text = String::from_utf8_lossy(&bytes);
        text.parse::<DocumentMut>()
            .map_err(|e| Error::Invalid(format!("{}: {e}", paths::CONFIG)))
    }

    /// Adds a member. Only writers.
    pub fn member_add(
        &self,
        name: &str,
        email: &str,
        organisation: &str,
        role: Role,
    ) -> Result<Member> {
        self.permit(Action::ManageMembers)?;
        let name = non_empty(name, tr!("navnet er tomt", "the name is empty"))?;
        let organisation = non_empty(
            organisation,
            tr!("organisationen er tom", "the organisation is empty"),
        )?;
        let email = email.trim().to_string();
        if !email.contains('@') || email.contains(char::is_whitespace) || email.len() < 3 {
            return Err(Error::InvalidValue {
                field: "--email".into(),
                value: email,
                expected: tr!("en e-mailadresse", "an e-mail address"),
            });
        }
        crate::store::check_signature(&name, &email)?;
        let (ws, base) = self.head_at()?;
        if let Some(m) = ws.config.member(&email) {
            return Err(Error::Exists(tr!(
                "{} ({}) som medlem",
                "{} ({}) as a member",
                m.email,
                m.name
            )));
        }
        let mut doc = self.config_document()?;
        let mut t = Table::new();
        t["name"] = value(name.as_str());
        t["email"] = value(email.as_str());
        t["organisation"] = value(organisation.as_str());
        t["role"] = value(role.key());
        push_table(&mut doc, "members", t)?;
        let member = Member {
            name,
            email,
            organisation,
            role,
        };
        let message = format!(
            "Nyt medlem: {} ({}, {})",
            member.name,
            member.organisation,
            role.label_in(crate::i18n::Lang::Da)
        );
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::CONFIG, doc.to_string()),
        )?;
        Ok(member)
    }
}
