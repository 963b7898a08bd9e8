//! The høringsnotat's section on the prioritisation rounds: the latest
//! round at the exported revision, with the group's aggregate order beside
//! the writers' order, the spread, Kendall's W and the movement since the
//! round before. Added after the comments; absent when there is no round.
//! Labels follow the export's language, not the interface's.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::doc::{Block, Document, Span, Table};
use super::words::w;
use crate::error::Result;
use crate::i18n::Lang;
use crate::ranking::OrgType;
use crate::ranking::results::{Results, Status};
use crate::store::{Rev, RevisionInfo, Store};

fn number(lang: Lang, x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match lang {
        Lang::Da => s.replace('.', ","),
        Lang::En => s,
    }
}

fn opt(lang: Lang, x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_string(), |v| number(lang, v, decimals))
}

fn p_text(lang: Lang, p: f64) -> String {
    if p < 0.001 {
        format!("p < {}", number(lang, 0.001, 3))
    } else {
        format!("p = {}", number(lang, p, 3))
    }
}

fn org_label(lang: Lang, t: OrgType) -> String {
    match t {
        OrgType::Regions => w(lang, "Regioner", "Regions"),
        OrgType::Municipalities => w(lang, "Kommuner", "Municipalities"),
        OrgType::Societies => w(lang, "Faglige selskaber", "Professional societies"),
        OrgType::Patients => w(lang, "Patientorganisationer", "Patient organisations"),
        OrgType::Authorities => w(lang, "Myndigheder", "Authorities"),
        OrgType::Other => w(lang, "Andre", "Others"),
    }
}

fn strength(lang: Lang, value: f64) -> String {
    let (da, en) = if value < 0.1 {
        ("meget svag enighed", "very weak agreement")
    } else if value < 0.3 {
        ("svag enighed", "weak agreement")
    } else if value < 0.5 {
        ("moderat enighed", "moderate agreement")
    } else if value < 0.7 {
        ("stærk enighed", "strong agreement")
    } else {
        ("meget stærk enighed", "very strong agreement")
    };
    w(lang, da, en)
}

/// A round's results as a document of its own (`oplaeg ranking export`):
/// to send to the group before a meeting. Written like every export:
/// the output is checked first, then written atomically.
pub fn run_round(
    store: &Store,
    round: Option<u32>,
    format: super::Format,
    output: &Path,
    lang: Lang,
    force: bool,
) -> Result<PathBuf> {
    super::check_output(store.root(), output, force)?;
    let at = Rev::head();
    let rounds = crate::ops::ranking::rounds_at(store, &at)?;
    let info = store.revision_info(&at)?;
    let today = chrono::Local::now().date_naive();
    let r = rounds.results(round, today)?;
    let mut blocks = blocks(&r, lang, today);
    // The document's title says what the section heading said.
    if matches!(blocks.first(), Some(Block::Heading { level: 1, .. })) {
        blocks.remove(0);
    }
    let author = rounds
        .workspace
        .config
        .members
        .iter()
        .find(|m| m.role == crate::model::Role::Writer)
        .map(|m| m.organisation.clone())
        .unwrap_or_default();
    let title = match lang {
        Lang::Da => format!("Prioriteringsrunde {}", r.round),
        Lang::En => format!("Ranking round {}", r.round),
    };
    let mut meta = vec![(
        w(lang, "Anbefalinger", "Recommendations"),
        r.items.len().to_string(),
    )];
    meta.push((w(lang, "Rangordninger", "Rankings"), r.rankings.to_string()));
    if let Some(m) = r.meeting {
        meta.push((w(lang, "Møde", "Meeting"), m.to_string()));
    }
    meta.push((w(lang, "Dato", "Date"), super::words::date(lang, today)));
    let doc = Document {
        lang,
        kicker: super::doc::clean(&author),
        title,
        subtitle: Some(super::doc::clean(&rounds.workspace.config.title)),
        meta,
        note: None,
        toc: false,
        toc_title: w(lang, "Indhold", "Contents"),
        chapters_on_new_pages: false,
        author: super::doc::clean(&author),
        date: info
            .time
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        change_author: super::doc::clean(&author),
        blocks,
    };
    super::write_document(output, &doc, format, force)?;
    Ok(output.to_path_buf())
}

/// The section's blocks for the revision `at` (empty without rounds).
pub fn section(store: &Store, at: &Rev, info: &RevisionInfo, lang: Lang) -> Result<Vec<Block>> {
    let rounds = crate::ops::ranking::rounds_at(store, at)?;
    if rounds.rounds.is_empty() {
        return Ok(Vec::new());
    }
    let today = info
        .time
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let results = rounds.results(None, today)?;
    Ok(blocks(&results, lang, today))
}

/// The blocks for one round's results.
pub fn blocks(r: &Results, lang: Lang, today: NaiveDate) -> Vec<Block> {
    let mut out = vec![Block::heading(
        1,
        "prioritering",
        w(
            lang,
            "Følgegruppens prioritering af anbefalingerne",
            "The group's prioritisation of the recommendations",
        ),
    )];
    let mut intro = match lang {
        Lang::Da => format!(
            "Prioriteringsrunde {}{}: hvert medlem har rangordnet anbefalingerne, den vigtigste først. ",
            r.round,
            r.meeting
                .map(|m| format!(" til møde {m}"))
                .unwrap_or_default()
        ),
        Lang::En => format!(
            "Ranking round {}{}: every member ranked the recommendations, most important first. ",
            r.round,
            r.meeting
                .map(|m| format!(" for meeting {m}"))
                .unwrap_or_default()
        ),
    };
    intro.push_str(&match (r.status, lang) {
        (Status::Open, Lang::Da) => format!("Runden var åben den {today}; tallene er foreløbige. "),
        (Status::Open, Lang::En) => {
            format!("The round was open on {today}; the figures are provisional. ")
        }
        (Status::Closed, Lang::Da) => "Runden er lukket. ".to_string(),
        (Status::Closed, Lang::En) => "The round is closed. ".to_string(),
    });
    intro.push_str(&match lang {
        Lang::Da => format!("{} medlemmer har afgivet en rangordning.", r.rankings),
        Lang::En => format!("{} members submitted a ranking.", r.rankings),
    });
    out.push(Block::para(intro));
    let agreement = match (r.kendalls_w, r.chi_square, r.df, r.p_value) {
        (Some(kw), Some(chi), Some(df), Some(p)) => match lang {
            Lang::Da => format!(
                "Enighed: Kendalls W = {} (χ² = {}, {df} frihedsgrader, {}), {}.",
                number(lang, kw, 2),
                number(lang, chi, 1),
                p_text(lang, p),
                strength(lang, kw)
            ),
            Lang::En => format!(
                "Agreement: Kendall's W = {} (χ² = {}, {df} degrees of freedom, {}), {}.",
                number(lang, kw, 2),
                number(lang, chi, 1),
                p_text(lang, p),
                strength(lang, kw)
            ),
        },
        _ => w(
            lang,
            "Enigheden (Kendalls W) kræver mindst to rangordninger.",
            "Agreement (Kendall's W) needs at least two rankings.",
        ),
    };
    out.push(Block::para(agreement));

    let moved = r.previous.is_some();
    let mut header = vec![
        w(lang, "Nr.", "No."),
        w(lang, "Anbefaling", "Recommendation"),
        w(lang, "Gns.", "Mean"),
        w(lang, "Median", "Median"),
        "IQR".to_string(),
        "Borda".to_string(),
        w(lang, "Rangordnet af", "Ranked by"),
        w(lang, "Uden holdning", "No opinion"),
        w(lang, "Skribenternes nr.", "Writers' no."),
    ];
    if moved {
        header.push(w(lang, "Flyttet", "Moved"));
    }
    let rows = r
        .items
        .iter()
        .map(|i| {
            let mut title = vec![Span::plain(&i.title)];
            if i.dropped {
                title.push(Span::emph(w(lang, " (udgået)", " (dropped)")));
            }
            let writers = match i.writers_rank {
                Some(wr) if wr != i.aggregate_rank => format!("{wr} *"),
                Some(wr) => wr.to_string(),
                None => "–".to_string(),
            };
            let mut row = vec![
                vec![Span::plain(i.aggregate_rank.to_string())],
                title,
                vec![Span::plain(opt(lang, i.mean_rank, 1))],
                vec![Span::plain(opt(lang, i.median_rank, 1))],
                vec![Span::plain(opt(lang, i.iqr, 1))],
                vec![Span::plain(number(lang, i.borda, 1))],
                vec![Span::plain(i.n.to_string())],
                vec![Span::plain(i.no_opinion.to_string())],
                vec![Span::plain(writers)],
            ];
            if moved {
                row.push(vec![Span::plain(match i.moved {
                    Some(m) if m > 0 => format!("↑{m}"),
                    Some(m) if m < 0 => format!("↓{}", -m),
                    Some(_) => "–".to_string(),
                    None => w(lang, "ny", "new"),
                })]);
            }
            row
        })
        .collect();
    let mut numeric = vec![true, false, true, true, true, true, true, true, true];
    let mut widths = vec![5, 35, 8, 8, 8, 8, 10, 10, 10];
    if moved {
        numeric.push(true);
        widths.push(8);
    }
    out.push(Block::Table(Table {
        header: header.into_iter().map(|h| vec![Span::plain(h)]).collect(),
        rows,
        numeric,
        widths,
        total_row: false,
    }));
    out.push(Block::Note(vec![Span::plain(w(
        lang,
        "Rækkefølgen er gruppens samlede (flest Borda-point først). Gennemsnit, median og interkvartilafstand (IQR) er over de medlemmer, der rangordnede anbefalingen; uden holdning og udeladte tæller ikke med. * betyder, at skribenternes nummer er et andet.",
        "The order is the group's aggregate (most Borda points first). Mean, median and interquartile range (IQR) are over the members who ranked the recommendation; no opinion and left out do not count. * marks a different number in the writers' order.",
    ))]));

    let wide: Vec<String> = r
        .widest_spread
        .iter()
        .filter_map(|s| r.items.iter().find(|i| &i.slug == s))
        .filter(|i| i.iqr.unwrap_or(0.0) > 0.0)
        .take(3)
        .map(|i| format!("{} (IQR {})", i.title, opt(lang, i.iqr, 1)))
        .collect();
    if !wide.is_empty() {
        out.push(Block::heading(
            2,
            "prioritering-uenighed",
            w(lang, "Størst uenighed", "Widest disagreement"),
        ));
        out.push(Block::List {
            start: None,
            items: wide.into_iter().map(|t| vec![Block::para(t)]).collect(),
        });
    }

    if r.by_organisation_type.len() > 1 {
        out.push(Block::heading(
            2,
            "prioritering-organisationer",
            w(
                lang,
                "Enighed pr. organisationstype",
                "Agreement by organisation type",
            ),
        ));
        let rows = r
            .by_organisation_type
            .iter()
            .map(|g| {
                vec![
                    vec![Span::plain(org_label(lang, g.organisation_type))],
                    vec![Span::plain(g.rankings.to_string())],
                    vec![Span::plain(opt(lang, g.kendalls_w, 2))],
                    vec![Span::plain(
                        g.p_value
                            .map_or_else(|| "–".to_string(), |p| p_text(lang, p)),
                    )],
                ]
            })
            .collect();
        out.push(Block::Table(Table {
            header: vec![
                vec![Span::plain(w(
                    lang,
                    "Organisationstype",
                    "Organisation type",
                ))],
                vec![Span::plain(w(lang, "Rangordninger", "Rankings"))],
                vec![Span::plain("Kendalls W")],
                vec![Span::plain("p")],
            ],
            rows,
            numeric: vec![false, true, true, true],
            widths: vec![40, 20, 20, 20],
            total_row: false,
        }));
    }

    if let Some(p) = &r.previous {
        let text = match (p.kendalls_w, r.kendalls_w, lang) {
            (Some(before), Some(now), Lang::Da) => format!(
                "Siden runde {} er enigheden gået fra W = {} til W = {}.",
                p.round,
                number(lang, before, 2),
                number(lang, now, 2)
            ),
            (Some(before), Some(now), Lang::En) => format!(
                "Since round {}, agreement went from W = {} to W = {}.",
                p.round,
                number(lang, before, 2),
                number(lang, now, 2)
            ),
            (_, _, Lang::Da) => format!("Runde {} kan ikke sammenlignes på W.", p.round),
            (_, _, Lang::En) => format!("Round {} cannot be compared on W.", p.round),
        };
        out.push(Block::para(text));
    }

    let reasons: Vec<Vec<Block>> = r
        .items
        .iter()
        .flat_map(|i| {
            i.reasons.iter().map(move |x| {
                vec![Block::Para(vec![
                    Span::strong(&i.title),
                    Span::plain(format!(": {} ", x.text)),
                    Span::emph(format!("({}, {})", x.name, x.organisation)),
                ])]
            })
        })
        .collect();
    if !reasons.is_empty() {
        out.push(Block::heading(
            2,
            "prioritering-begrundelser",
            w(lang, "Medlemmernes begrundelser", "The members' reasons"),
        ));
        out.push(Block::List {
            start: None,
            items: reasons,
        });
    }
    out
}
