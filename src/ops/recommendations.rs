//! Curating the prioritised recommendations: add, reorder, change fields.

use super::{Action, Session, non_empty};
use crate::error::{Error, Result};
use crate::model::{Choice, Horizon, PriorityFile, RecStatus, Recommendation, paths};
use crate::store::Change;
use crate::text::{is_valid_name, slugify, truncate};
use crate::tr;

/// Changes to a recommendation's fields; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct RecEdit {
    pub title: Option<String>,
    pub horizon: Option<Horizon>,
    pub status: Option<RecStatus>,
    pub text: Option<String>,
    pub goal: Option<String>,
    pub realizability: Option<String>,
    pub kraeftplan_iv: Option<String>,
    /// Related chapters (slugs or numbers).
    pub chapters: Option<Vec<String>>,
}

impl RecEdit {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.horizon.is_none()
            && self.status.is_none()
            && self.text.is_none()
            && self.goal.is_none()
            && self.realizability.is_none()
            && self.kraeftplan_iv.is_none()
            && self.chapters.is_none()
    }
}

fn priority_file(order: impl IntoIterator<Item = String>) -> Vec<u8> {
    let order: Vec<String> = order.into_iter().collect();
    PriorityFile::render(&order).into_bytes()
}

impl Session {
    /// Adds a draft recommendation at the bottom of the priority list.
    pub fn rec_add(
        &self,
        title: &str,
        horizon: Horizon,
        text: &str,
        slug: Option<&str>,
    ) -> Result<Recommendation> {
        self.permit(Action::EditContent)?;
        let title = non_empty(title, tr!("titlen er tom", "the title is empty"))?;
        let (ws, head) = self.head_at()?;
        let base = match slug {
            Some(s) if !is_valid_name(s) => {
                return Err(Error::InvalidName {
                    what: "slug",
                    value: s.to_string(),
                });
            }
            Some(s) => {
                if ws.recommendations.iter().any(|r| r.slug == s) {
                    return Err(Error::Exists(tr!(
                        "anbefalingen «{s}»",
                        "the recommendation «{s}»"
                    )));
                }
                s.to_string()
            }
            None => slugify(&title),
        };
        let base = if base.is_empty() {
            "anbefaling".to_string()
        } else {
            base
        };
        let mut slug = base.clone();
        let mut n = 2;
        while ws.recommendations.iter().any(|r| r.slug == slug)
            || self
                .store
                .root()
                .join(paths::recommendation(&slug))
                .exists()
        {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let mut rec = Recommendation::new(&slug, &title, horizon, text.trim());
        rec.rank = ws.recommendations.len() + 1;
        let order = ws
            .recommendations
            .iter()
            .map(|r| r.slug.clone())
            .chain([slug.clone()]);
        let change = Change::new(format!("Ny anbefaling: {}", truncate(&title, 70)))
            .based_on(head)
            .write(paths::recommendation(&slug), rec.to_file())
            .write(paths::PRIORITY, priority_file(order));
        self.commit(change)?;
        Ok(rec)
    }

    /// Moves a recommendation to rank `to` (1-based); the others close up.
    pub fn rec_move(&self, key: &str, to: usize) -> Result<Recommendation> {
        self.permit(Action::EditContent)?;
        let (ws, base) = self.head_at()?;
        let rec = ws.recommendation(key)?.clone();
        let count = ws.recommendations.len();
        if to == 0 || to > count {
            return Err(Error::InvalidValue {
                field: "--to".into(),
                value: to.to_string(),
                expected: tr!("et tal fra 1 til {count}", "a number from 1 to {count}"),
            });
        }
        if rec.rank == to {
            return Err(Error::Invalid(tr!(
                "«{}» er allerede nr. {to}",
                "«{}» is already no. {to}",
                rec.title
            )));
        }
        let mut order: Vec<String> = ws
            .recommendations
            .iter()
            .filter(|r| r.slug != rec.slug)
            .map(|r| r.slug.clone())
            .collect();
        order.insert(to - 1, rec.slug.clone());
        let message = format!(
            "Anbefaling flyttet fra nr. {} til nr. {to}: {}",
            rec.rank,
            truncate(&rec.title, 60)
        );
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::PRIORITY, priority_file(order)),
        )?;
        let mut moved = rec;
        moved.rank = to;
        Ok(moved)
    }

    /// Saves a whole new priority order as one change. `order` names every
    /// recommendation once (by slug or rank), most important first.
    pub fn rec_reorder<S: AsRef<str>>(&self, order: &[S]) -> Result<Vec<Recommendation>> {
        self.permit(Action::EditContent)?;
        let (ws, base) = self.head_at()?;
        let mut slugs: Vec<String> = Vec::with_capacity(order.len());
        for key in order {
            let slug = ws.recommendation(key.as_ref())?.slug.clone();
            if slugs.contains(&slug) {
                return Err(Error::Invalid(tr!(
                    "«{slug}» står to gange i den nye rækkefølge",
                    "«{slug}» is twice in the new order"
                )));
            }
            slugs.push(slug);
        }
        if let Some(missing) = ws.recommendations.iter().find(|r| !slugs.contains(&r.slug)) {
            return Err(Error::Invalid(tr!(
                "den nye rækkefølge mangler «{}»: nævn alle {} anbefalinger",
                "the new order lacks «{}»: name all {} recommendations",
                missing.slug,
                ws.recommendations.len()
            )));
        }
        let moved: Vec<(usize, usize, &Recommendation)> = ws
            .recommendations
            .iter()
            .filter_map(|r| {
                let to = slugs.iter().position(|s| *s == r.slug)? + 1;
                (to != r.rank).then_some((r.rank, to, r))
            })
            .collect();
        if moved.is_empty() {
            return Err(Error::Invalid(tr!(
                "ingen ændring: rækkefølgen er allerede sådan",
                "no change: the order is already like that"
            )));
        }
        let mut message = format!(
            "Ny prioritering af anbefalingerne ({} flyttet)\n\n",
            moved.len()
        );
        for (from, to, r) in &moved {
            message.push_str(&format!(
                "nr. {from} → nr. {to}: {}\n",
                truncate(&r.title, 60)
            ));
        }
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::PRIORITY, priority_file(slugs.iter().cloned())),
        )?;
        let mut out: Vec<Recommendation> = Vec::with_capacity(slugs.len());
        for (i, slug) in slugs.iter().enumerate() {
            if let Some(r) = ws.recommendations.iter().find(|r| &r.slug == slug) {
                let mut r = r.clone();
                r.rank = i + 1;
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Changes fields of a recommendation.
    pub fn rec_set(&self, key: &str, edit: &RecEdit) -> Result<Recommendation> {
        self.permit(Action::EditContent)?;
        if edit.is_empty() {
            return Err(Error::Invalid(tr!(
                "intet at ændre: angiv fx --horizon, --status, --goal eller --realizability",
                "nothing to change: give e.g. --horizon, --status, --goal or --realizability"
            )));
        }
        let (ws, base) = self.head_at()?;
        let old = ws.recommendation(key)?.clone();
        let mut rec = old.clone();
        let mut what = Vec::new();
        if let Some(t) = &edit.title {
            rec.title = non_empty(t, tr!("titlen er tom", "the title is empty"))?;
            what.push("titel".to_string());
        }
        if let Some(h) = edit.horizon {
            rec.horizon = h;
            what.push(format!(
                "tidshorisont {} → {}",
                old.horizon.label_in(crate::i18n::Lang::Da),
                h.label_in(crate::i18n::Lang::Da)
            ));
        }
        if let Some(s) = edit.status {
            rec.status = s;
            what.push(format!(
                "status {} → {}",
                old.status.label_in(crate::i18n::Lang::Da),
                s.label_in(crate::i18n::Lang::Da)
            ));
        }
        if let Some(t) = &edit.text {
            rec.text = t.trim().to_string();
            what.push("tekst".into());
        }
        if let Some(g) = &edit.goal {
            rec.goal = g.trim().to_string();
            what.push("mål".into());
        }
        if let Some(r) = &edit.realizability {
            rec.realizability = r.trim().to_string();
            what.push("realiserbarhed".into());
        }
        if let Some(k) = &edit.kraeftplan_iv {
            let k = k.trim();
            rec.kraeftplan_iv = (!k.is_empty()).then(|| k.to_string());
            what.push("sammenhæng til Kræftplan IV".into());
        }
        if let Some(chapters) = &edit.chapters {
            let mut slugs = Vec::new();
            for c in chapters.iter().filter(|c| !c.trim().is_empty()) {
                let slug = ws.chapter(c)?.slug.clone();
                if !slugs.contains(&slug) {
                    slugs.push(slug);
                }
            }
            rec.chapters = slugs;
            what.push("relaterede kapitler".into());
        }
        if rec == old {
            return Err(Error::Invalid(tr!(
                "ingen ændring: anbefalingen er allerede sådan",
                "no change: the recommendation is already like that"
            )));
        }
        let message = format!(
            "Anbefaling {}: {} ({})",
            rec.rank,
            truncate(&rec.title, 50),
            what.join(", ")
        );
        self.commit(
            Change::new(message)
                .based_on(base)
                .write(paths::recommendation(&rec.slug), rec.to_file()),
        )?;
        Ok(rec)
    }
}
