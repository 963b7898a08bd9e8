//! The fields of a comment file that say who did something: the comment's
//! `author`, a withdrawal (by the comment's author), and every table with a
//! `by` key – a resolution, an anchor decision, and any field added later.
//! Read from the file as plain TOML, so a field the app does not know yet is
//! judged too.
//!
//! A table with `by` that is new in a commit (not in the file before, or
//! changed) is a decision made in that commit: it must name the commit's
//! author, who must be a writer. What someone else wrote (the comment's
//! text, time, target, thread) never changes, whoever commits.

use toml::{Table, Value};

use super::Rule;
use crate::model::Role;
use crate::tr;

/// Keys of a comment that record decisions about it, not what its author wrote.
const DECISIONS: [&str; 2] = ["status", "resolution"];

fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn author_email(t: &Table) -> Option<&str> {
    t.get("author")?.as_table()?.get("email")?.as_str()
}

fn status(t: &Table) -> Option<&str> {
    t.get("status")?.as_str()
}

/// Every table holding a `by` key, with its dotted place in the file.
fn decisions(t: &Table, place: &str, out: &mut Vec<(String, Table)>) {
    if t.contains_key("by") {
        out.push((place.to_string(), t.clone()));
    }
    for (key, value) in t {
        let here = if place.is_empty() {
            key.clone()
        } else {
            format!("{place}.{key}")
        };
        match value {
            Value::Table(inner) => decisions(inner, &here, out),
            Value::Array(items) => {
                for item in items {
                    if let Value::Table(inner) = item {
                        decisions(inner, &here, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// What the author wrote: the file without its decisions (status,
/// resolution, the anchor a writer may move, and a suggestion's outcome).
fn authored(t: &Table) -> Table {
    let mut t = t.clone();
    for k in DECISIONS {
        t.remove(k);
    }
    if let Some(Value::Table(target)) = t.get_mut("target") {
        target.remove("anchor");
    }
    // A suggestion's outcome is the writers' (who applied it, and whether
    // it needs a new look); who may set it is judged in `crate::suggest`.
    if let Some(Value::Table(suggestion)) = t.get_mut("suggestion") {
        suggestion.remove("applied");
        suggestion.remove("review");
    }
    t
}

/// What `kept` loses of the decisions in `other`: a table with `by` it does
/// not have, or a status other than open it does not share. `None` when
/// nothing decided in `other` is lost.
pub(super) fn lost_decision(other: &Table, kept: &Table) -> Option<String> {
    let mut theirs = Vec::new();
    decisions(other, "", &mut theirs);
    let mut ours = Vec::new();
    decisions(kept, "", &mut ours);
    for (place, table) in theirs {
        if !ours.iter().any(|(p, t)| *p == place && *t == table) {
            return Some(format!("[{place}]"));
        }
    }
    match (status(other), status(kept)) {
        (Some(s), k) if s != "open" && k != Some(s) => Some(format!("status = \"{s}\"")),
        _ => None,
    }
}

/// The first problem with the fields naming a person in a comment file
/// changed (`old` → `new`) by `actor` in `role`.
pub(super) fn problem(
    old: Option<&Table>,
    new: &Table,
    actor: &str,
    role: Role,
) -> Option<(Rule, String)> {
    let written_by = old.and_then(author_email).or_else(|| author_email(new));
    let written_by = written_by.unwrap_or("");
    match old {
        Some(old) if old.get("author") != new.get("author") => {
            return Some((
                Rule::OwnCommentsOnly,
                tr!(
                    "hvem der skrev en kommentar, ændres aldrig ([author])",
                    "who wrote a comment never changes ([author])"
                ),
            ));
        }
        None if !same_person(written_by, actor) => {
            return Some((
                Rule::OwnCommentsOnly,
                tr!(
                    "kommentaren står i {written_by}s navn, men commit'en er lavet af {actor}",
                    "the comment is in the name of {written_by}, but the commit was made by {actor}"
                ),
            ));
        }
        _ => {}
    }
    let own = same_person(written_by, actor);
    if let Some(old) = old
        && !own
        && authored(old) != authored(new)
    {
        return Some((
            Rule::OwnCommentsOnly,
            tr!(
                "kommentaren er skrevet af {written_by}; kun forfatteren ændrer dens tekst, mål og tråd",
                "the comment was written by {written_by}; only its author changes its text, target and thread"
            ),
        ));
    }
    // A new comment starts open.
    let before = match old {
        Some(old) => status(old),
        None => Some("open"),
    };
    let after = status(new);
    if before != after && after == Some("withdrawn") && !own {
        return Some((
            Rule::OwnCommentsOnly,
            tr!(
                "kun {written_by}, der skrev kommentaren, kan trække den tilbage",
                "only {written_by}, who wrote the comment, can withdraw it"
            ),
        ));
    }
    if before != after && after != Some("withdrawn") && role != Role::Writer {
        return Some((
            Rule::ResolutionsByWriters,
            tr!(
                "kun skribenter besvarer kommentarer (status)",
                "only writers resolve comments (status)"
            ),
        ));
    }
    let mut had = Vec::new();
    if let Some(old) = old {
        decisions(old, "", &mut had);
    }
    let mut has = Vec::new();
    decisions(new, "", &mut has);
    for (place, table) in has {
        if had.iter().any(|(p, t)| *p == place && *t == table) {
            continue;
        }
        let by = table.get("by").and_then(Value::as_str).unwrap_or("");
        if role != Role::Writer {
            let rule = if place == "resolution" {
                Rule::ResolutionsByWriters
            } else {
                Rule::DecisionsByWriters
            };
            return Some((
                rule,
                tr!(
                    "kun skribenter træffer afgørelser ([{place}] med by = «{by}»)",
                    "only writers make decisions ([{place}] with by = «{by}»)"
                ),
            ));
        }
        if !same_person(by, actor) {
            return Some((
                Rule::ActorIsAuthor,
                tr!(
                    "[{place}] siger, at «{by}» traf afgørelsen, men commit'en er lavet af {actor}; en afgørelse står i dens eget navn",
                    "[{place}] says «{by}» made the decision, but the commit was made by {actor}; a decision is recorded in its maker's own name"
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const JENS: &str = "jens@rm.example";
    const METTE: &str = "mette@sst.example";

    fn file(author: &str, extra: &str) -> Table {
        format!(
            "created = \"2024-06-01T12:00:00+02:00\"\nbody = \"Tekst.\"\nstatus = \"open\"\n\n[author]\nname = \"A\"\nemail = \"{author}\"\norganisation = \"O\"\n\n[target]\nchapter = \"k\"\n{extra}"
        )
        .parse()
        .unwrap()
    }

    const RESOLVED_BY_METTE: &str = "\n[resolution]\ndisposition = \"met\"\nresponse = \"Ja.\"\nby = \"mette@sst.example\"\nat = \"2024-06-02T12:00:00+02:00\"\n";

    #[test]
    fn a_members_new_file_carries_no_decision_in_anyone_s_name() {
        assert_eq!(problem(None, &file(JENS, ""), JENS, Role::Member), None);
        // Uppercase is the same person.
        assert_eq!(
            problem(None, &file("JENS@RM.EXAMPLE", ""), JENS, Role::Member),
            None
        );
        let forged = file(
            JENS,
            "\n[target.anchor]\nquote = \"q\"\ncommit = \"c\"\n\n[[target.anchor.history]]\nchange = \"confirmed\"\nquote = \"q\"\ncommit = \"c\"\nby = \"mette@sst.example\"\nat = \"2024-06-02T12:00:00+02:00\"\n",
        );
        let (rule, msg) = problem(None, &forged, JENS, Role::Member).unwrap();
        assert_eq!(rule, Rule::DecisionsByWriters);
        assert!(msg.contains("target.anchor.history"), "{msg}");
        let resolved = file(JENS, RESOLVED_BY_METTE);
        assert_eq!(
            problem(None, &resolved, JENS, Role::Member).unwrap().0,
            Rule::ResolutionsByWriters
        );
        // A field the app does not know yet, naming someone: judged too.
        let later = file(JENS, "\n[approval]\nby = \"mette@sst.example\"\n");
        assert_eq!(
            problem(None, &later, JENS, Role::Member).unwrap().0,
            Rule::DecisionsByWriters
        );
    }

    #[test]
    fn a_writer_decides_in_their_own_name_only() {
        let old = file(JENS, "");
        let mut new = file(JENS, RESOLVED_BY_METTE);
        new.insert("status".into(), Value::String("resolved".into()));
        assert_eq!(problem(Some(&old), &new, METTE, Role::Writer), None);
        assert_eq!(
            problem(Some(&old), &new, "MeTTe@sst.example ", Role::Writer),
            None
        );
        let (rule, msg) = problem(Some(&old), &new, "anders@sst.example", Role::Writer).unwrap();
        assert_eq!(rule, Rule::ActorIsAuthor);
        assert!(msg.contains("mette@sst.example"), "{msg}");
        // An unchanged earlier decision by another writer is fine.
        assert_eq!(
            problem(Some(&new), &new, "anders@sst.example", Role::Writer),
            None
        );
        // Rewriting it is not.
        let mut changed = new.clone();
        changed["resolution"]["response"] = Value::String("Nej.".into());
        assert_eq!(
            problem(Some(&new), &changed, "anders@sst.example", Role::Writer)
                .unwrap()
                .0,
            Rule::ActorIsAuthor
        );
    }

    #[test]
    fn nobody_rewrites_what_someone_else_wrote() {
        let old = file(JENS, "");
        let mut new = old.clone();
        new.insert("body".into(), Value::String("Noget andet.".into()));
        assert_eq!(
            problem(Some(&old), &new, METTE, Role::Writer).unwrap().0,
            Rule::OwnCommentsOnly
        );
        assert_eq!(problem(Some(&old), &new, JENS, Role::Member), None);
        let mut stolen = old.clone();
        stolen["author"]["email"] = Value::String(METTE.into());
        assert_eq!(
            problem(Some(&old), &stolen, METTE, Role::Writer).unwrap().0,
            Rule::OwnCommentsOnly
        );
        let mut withdrawn = old.clone();
        withdrawn.insert("status".into(), Value::String("withdrawn".into()));
        assert_eq!(
            problem(Some(&old), &withdrawn, METTE, Role::Writer)
                .unwrap()
                .0,
            Rule::OwnCommentsOnly
        );
        assert_eq!(problem(Some(&old), &withdrawn, JENS, Role::Member), None);
        // A writer's comment in someone else's name.
        assert_eq!(
            problem(None, &file(JENS, ""), METTE, Role::Writer)
                .unwrap()
                .0,
            Rule::OwnCommentsOnly
        );
    }
}
