//! `oplaeg mine`: the member's overview (see [`crate::ops::mine`]) as text
//! or JSON, and `--mark-read`.

use std::fmt::Write as _;

use chrono::{Local, NaiveDate, Timelike};
use serde::Serialize;

use super::args::{Format, MineArgs};
use super::diff::{Style, rec_notes, segments, text_style};
use super::output::{block, json, safe};
use super::{Cli, session};
use crate::diff::{ChapterDiff, ChapterStatus, RecDiff};
use crate::i18n::count;
use crate::model::Choice;
use crate::ops::mine::{
    self, LastLook, MyComment, Overview, Query, QuoteKind, QuoteNow, Scope, Since, SinceBasis,
    SinceReport, Upcoming,
};
use crate::text::truncate;
use crate::tr;

/// What the options ask for.
pub fn query(email: &str, a: &MineArgs) -> Query {
    let since = if let Some(rev) = &a.since {
        Since::Revision(rev.clone())
    } else if a.since_last_look {
        Since::LastLook
    } else if a.all {
        Since::Nothing
    } else {
        Since::LastMeeting
    };
    Query {
        email: email.to_string(),
        scope: if a.organisation {
            Scope::Organisation
        } else {
            Scope::Member
        },
        since,
        today: Local::now().date_naive(),
    }
}

/// The JSON of `oplaeg mine`: the overview, and the marker when moved.
#[derive(Serialize)]
struct MineJson<'a> {
    #[serde(flatten)]
    overview: &'a Overview,
    /// Set with `--mark-read`: what is now marked as read.
    marked_read: Option<LastLook>,
}

/// `oplaeg mine`.
pub fn run(cli: &Cli, a: &MineArgs, mark_read: bool) -> anyhow::Result<()> {
    let s = session(cli)?;
    let email = s.actor().email.clone();
    let overview = mine::overview(s.store(), &query(&email, a))?;
    let marked = if mark_read {
        let Some(commit) = &overview.commit else {
            anyhow::bail!(tr!(
                "der er intet at markere som læst endnu",
                "there is nothing to mark as read yet"
            ));
        };
        let now = Local::now().fixed_offset();
        let now = now.with_nanosecond(0).unwrap_or(now);
        Some(mine::mark_read(s.store(), &email, commit, now)?)
    } else {
        None
    };
    if cli.format == Format::Json {
        return json(&MineJson {
            overview: &overview,
            marked_read: marked,
        });
    }
    let mut out = render(&overview, text_style());
    if let Some(m) = marked {
        let _ = writeln!(
            out,
            "\n{}",
            tr!(
                "Markeret som læst (version {}). `oplaeg mine --since-last-look` viser herefter kun det, der kommer til.",
                "Marked as read (revision {}). `oplaeg mine --since-last-look` now shows only what arrives after this.",
                &m.commit[..7]
            )
        );
    }
    print!("{out}");
    Ok(())
}

/// The overview as text for a terminal; every text from the workspace is
/// made safe with [`safe`]/[`block`].
pub fn render(o: &Overview, style: Style) -> String {
    let mut out = String::new();
    let m = &o.member;
    let title = match o.scope {
        Scope::Member => tr!(
            "Mit overblik – {} ({})",
            "My overview – {} ({})",
            safe(&m.name),
            safe(&m.organisation)
        ),
        Scope::Organisation => tr!(
            "Overblik for {} – set af {}",
            "Overview for {} – seen by {}",
            safe(&m.organisation),
            safe(&m.name)
        ),
    };
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", "─".repeat(title.chars().count().clamp(20, 72)));
    let _ = writeln!(
        out,
        "{} · {} · {} · {}",
        tr!(
            "{} besvaret",
            "{} answered",
            count(
                o.answered.len(),
                &tr!("kommentar", "comment"),
                &tr!("kommentarer", "comments")
            )
        ),
        tr!("{} åbne", "{} open", o.open.len()),
        tr!("{} trukket tilbage", "{} withdrawn", o.withdrawn.len()),
        match &o.commit {
            Some(c) => tr!("version {}", "revision {}", &c[..c.len().min(7)]),
            None => tr!("ingen version endnu", "no revision yet"),
        }
    );
    if let Some(s) = &o.since {
        since(&mut out, s, o.scope, style);
    }
    for (heading, list) in [
        (tr!("Besvaret", "Answered"), &o.answered),
        (tr!("Åbne", "Open"), &o.open),
        (tr!("Trukket tilbage", "Withdrawn"), &o.withdrawn),
    ] {
        let _ = writeln!(out, "\n{heading} ({}):", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "  {}", tr!("ingen", "none"));
        }
        for c in list {
            comment(&mut out, c, o.scope, style);
        }
    }
    upcoming(&mut out, &o.upcoming);
    out
}

fn comment(out: &mut String, c: &MyComment, scope: Scope, style: Style) {
    let by = if scope == Scope::Organisation || !c.mine {
        format!(" · {}", safe(&c.author.name))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n  {} · {}{by} · {}",
        safe(&c.on.label()),
        c.created.format("%Y-%m-%d"),
        c.id
    );
    if let Some(q) = &c.quote {
        let _ = writeln!(out, "    «{}»", safe(&truncate(q, 200)));
        if let Some(now) = &c.quote_now {
            quote_now(out, now, style);
        }
    }
    let _ = writeln!(out, "{}", block(&c.body, "    "));
    if let Some(a) = &c.answer {
        let _ = writeln!(
            out,
            "    → {} · {} · {}",
            a.disposition.label(),
            safe(a.who()),
            a.at.format("%Y-%m-%d")
        );
        let _ = writeln!(out, "{}", block(&a.response, "      "));
    }
    if let Some(last) = c.replies.last() {
        let _ = writeln!(
            out,
            "    {} ({} {}, {})",
            count(
                c.replies.len(),
                &tr!("svar i tråden", "reply in the thread"),
                &tr!("svar i tråden", "replies in the thread")
            ),
            tr!("seneste fra", "latest from"),
            safe(&last.author.name),
            last.created.format("%Y-%m-%d")
        );
    }
}

/// Where a quote stands now, under the quote.
fn quote_now(out: &mut String, q: &QuoteNow, style: Style) {
    let label = tr!("I dag:", "Now:");
    match q.kind {
        QuoteKind::Unchanged => {
            let _ = writeln!(out, "    {label} {}", q.kind.label());
        }
        QuoteKind::Moved => {
            let _ = writeln!(
                out,
                "    {label} {}",
                tr!(
                    "uændret, men flyttet eller med ny tekst omkring",
                    "unchanged, but moved or with new text around it"
                )
            );
        }
        QuoteKind::Edited => {
            let pct = q.score.map_or(0.0, |s| (s * 100.0).round());
            let _ = writeln!(
                out,
                "    {label} {}",
                tr!("ændret ({pct} % ens):", "edited ({pct} % alike):")
            );
            if let Some(now) = &q.now {
                let _ = writeln!(out, "      {:<5} «{}»", tr!("nu:", "now:"), safe(now));
            }
            words_line(out, style, &q.words);
        }
        QuoteKind::Section => {
            let heading = q.heading.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "    {label} {}",
                tr!(
                    "teksten er væk; afsnittet «{}» findes stadig",
                    "the words are gone; the section «{}» remains",
                    safe(heading)
                )
            );
        }
        QuoteKind::Orphaned | QuoteKind::ChapterGone => {
            let _ = writeln!(out, "    {label} {}", q.kind.label());
        }
    }
}

/// The old and new words marked, under a `nu:` line.
fn words_line(out: &mut String, style: Style, words: &[crate::diff::Segment]) {
    let marked = segments(style, words, "            ");
    let _ = writeln!(
        out,
        "      {:<5} {}",
        tr!("ord:", "words:"),
        marked.trim_start()
    );
}

/// `siden udkastet til møde 4 (meeting/4)` and the like.
fn since_words(s: &SinceReport) -> String {
    let f = &s.from;
    match f.basis {
        SinceBasis::LastMeeting | SinceBasis::Revision => match f.meeting {
            Some(n) if f.name == n.to_string() => {
                tr!(
                    "Siden udkastet til møde {n}",
                    "Since the draft for meeting {n}"
                )
            }
            Some(n) => tr!(
                "Siden udkastet til møde {n} ({})",
                "Since the draft for meeting {n} ({})",
                safe(&f.name)
            ),
            None => tr!("Siden {}", "Since {}", safe(&f.name)),
        },
        SinceBasis::LastLook => tr!(
            "Siden du sidst kiggede ({}, version {})",
            "Since you last looked ({}, revision {})",
            f.marked_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            safe(&f.name)
        ),
        SinceBasis::Beginning => tr!("Siden begyndelsen", "Since the beginning"),
    }
}

fn since(out: &mut String, s: &SinceReport, scope: Scope, style: Style) {
    let _ = writeln!(out, "\n{}:", since_words(s));
    if let Some(note) = &s.from.note {
        let _ = writeln!(out, "  ({})", safe(note));
    }
    match s.arrived.message(scope) {
        Some(m) => {
            let _ = writeln!(out, "  {m}");
        }
        None => {
            let _ = writeln!(out, "  {}", tr!("Intet nyt.", "Nothing new."));
            return;
        }
    }
    if !s.answers.is_empty() {
        let _ = writeln!(out, "\n  {}:", tr!("Nye svar", "New answers"));
        for a in &s.answers {
            let _ = writeln!(
                out,
                "    • {}{} → {} · {} · {} · {}",
                safe(&a.on.label()),
                a.quote
                    .as_deref()
                    .map(|q| format!(" «{}»", safe(&truncate(q, 60))))
                    .unwrap_or_default(),
                a.answer.disposition.label(),
                safe(a.answer.who()),
                a.answer.at.format("%Y-%m-%d"),
                a.comment
            );
        }
    }
    if !s.replies.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}:",
            tr!("Nye kommentarer i trådene", "New replies in the threads")
        );
        for r in &s.replies {
            let _ = writeln!(
                out,
                "    • {} · {} ({}) · {}",
                safe(&r.on.label()),
                safe(&r.reply.author.name),
                safe(&r.reply.author.organisation),
                r.reply.created.format("%Y-%m-%d")
            );
            let _ = writeln!(out, "{}", block(&truncate(&r.reply.body, 300), "      "));
        }
    }
    if !s.quotes.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}:",
            tr!("Ændret citeret tekst", "Quoted words edited")
        );
        for q in &s.quotes {
            let _ = writeln!(out, "    • {} · {}", safe(&q.on.label()), q.comment);
            let _ = writeln!(
                out,
                "      {:<5} «{}»",
                tr!("før:", "was:"),
                safe(&q.before)
            );
            match &q.after {
                Some(a) => {
                    let _ = writeln!(out, "      {:<5} «{}»", tr!("nu:", "now:"), safe(a));
                    words_line(out, style, &q.words);
                }
                None => {
                    let _ = writeln!(
                        out,
                        "      {:<5} {}",
                        tr!("nu:", "now:"),
                        tr!("teksten er væk", "the words are gone")
                    );
                }
            }
        }
    }
    if !s.chapters.is_empty() {
        let _ = writeln!(out, "\n  {}:", tr!("Ændrede kapitler", "Changed chapters"));
        for c in &s.chapters {
            chapter(out, c, s);
        }
    }
    if !s.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}:",
            tr!("Ændrede anbefalinger", "Changed recommendations")
        );
        for r in &s.recommendations {
            recommendation(out, r);
        }
    }
}

fn chapter(out: &mut String, c: &ChapterDiff, s: &SinceReport) {
    let side = c.side();
    let what = match c.status {
        ChapterStatus::Added => tr!("nyt", "new"),
        ChapterStatus::Removed => tr!("fjernet", "removed"),
        ChapterStatus::Changed => tr!(
            "+{} −{} ord",
            "+{} −{} words",
            c.summary.words_added,
            c.summary.words_removed
        ),
        ChapterStatus::Unchanged => tr!("omdøbt eller omnummereret", "renamed or renumbered"),
    };
    let from = s
        .from
        .commit
        .as_deref()
        .map_or("", |c| &c[..c.len().min(7)]);
    let _ = writeln!(
        out,
        "    • {} {} {}: {what}",
        tr!("kap.", "ch."),
        side.number,
        safe(&side.title)
    );
    if !from.is_empty() && c.status == ChapterStatus::Changed {
        let _ = writeln!(
            out,
            "      {}: oplaeg diff {from} HEAD --chapter {}",
            tr!("ordene", "the words"),
            safe(&side.slug)
        );
    }
}

fn recommendation(out: &mut String, r: &RecDiff) {
    let mut notes = Vec::new();
    if let (Some(a), Some(b)) = (r.from_rank, r.to_rank)
        && a != b
    {
        notes.push(tr!("prioritet {a} → {b}", "priority {a} → {b}"));
    }
    notes.extend(rec_notes(r));
    let rank = r.to_rank.or(r.from_rank).unwrap_or(0);
    let _ = writeln!(
        out,
        "    • {} {rank} {}: {}",
        tr!("anb.", "rec."),
        safe(&r.title),
        notes.join(" · ")
    );
}

fn days(n: i64) -> String {
    match n {
        0 => tr!("i dag", "today"),
        1 => tr!("i morgen", "tomorrow"),
        n if n > 1 => tr!("om {n} dage", "in {n} days"),
        -1 => tr!("i går", "yesterday"),
        n => tr!("for {} dage siden", "{} days ago", -n),
    }
}

fn upcoming(out: &mut String, list: &[Upcoming]) {
    let _ = writeln!(out, "\n{}:", tr!("Kommende møder", "Coming meetings"));
    if list.is_empty() {
        let _ = writeln!(out, "  {}", tr!("ingen planlagt", "none planned"));
    }
    for u in list {
        let deadline = match (u.deadline, u.deadline_days) {
            (Some(d), Some(n)) => tr!(
                "; frist for skriftlige kommentarer {} ({})",
                "; deadline for written comments {} ({})",
                date(d),
                days(n)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {} · {} ({}){deadline}",
            safe(&u.title),
            date(u.date),
            days(u.days)
        );
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
