//! Commands that only read: status, listings, shows and the log.

use std::io::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use super::anchors::{Placer, fate_lines, fate_tag};
use super::args::Format;
use super::output::{block, json, pad, safe};
use super::{Cli, store};
use crate::anchor::Placement;
use crate::error::Error;
use crate::i18n::count;
use crate::model::{Choice, Comment, CommentStatus, Horizon, Member, Workspace};
use crate::store::{MeetingTag, Rev, Store};
use crate::tr;

/// The store and the workspace at HEAD, for a command that reads and then
/// ends the process: the workspace is never freed (the process's end gives
/// its memory back at once; freeing 10,000 comments one by one took about a
/// twentieth of `chapters`).
fn load(cli: &Cli) -> anyhow::Result<(Store, std::mem::ManuallyDrop<Workspace>)> {
    let store = store(cli)?;
    let ws = store.load(&Rev::head())?;
    Ok((store, std::mem::ManuallyDrop::new(ws)))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

#[derive(Serialize)]
struct StatusJson<'a> {
    title: &'a str,
    root: String,
    commit: Option<String>,
    chapters: usize,
    recommendations: RecCounts,
    comments: CommentCounts,
    last_meeting: Option<&'a MeetingTag>,
    next_meeting: Option<MeetingJson>,
    problems: &'a [crate::model::Problem],
    uncommitted: Vec<String>,
    /// Ahead/behind the shared server as of the last sync; null without one.
    sync: Option<crate::store::Tracking>,
    /// The ranking round open today; null when none is.
    ranking_round: Option<OpenRoundJson>,
}

/// The open ranking round in `oplaeg status`.
#[derive(Serialize)]
struct OpenRoundJson {
    round: u32,
    meeting: Option<u32>,
    closes: Option<chrono::NaiveDate>,
    rankings: usize,
    /// Members (role member) of the group.
    members: usize,
    /// Whether the acting member has submitted; null when the acting
    /// person is no member (or unknown).
    submitted: Option<bool>,
}

/// The round open today at HEAD, with whether `email` (a member) has
/// ranked in it.
fn open_round_status(store: &Store, ws: &Workspace, email: Option<&str>) -> Option<OpenRoundJson> {
    // The workspace is loaded already: only the rounds are read.
    let (rounds, _) = crate::ops::ranking::rounds_in(store, &Rev::head(), &ws.config).ok()?;
    let today = chrono::Local::now().date_naive();
    let round = crate::ranking::open_round(&rounds, today)?;
    let member = email
        .and_then(|e| ws.config.member(e))
        .filter(|m| m.role == crate::model::Role::Member);
    Some(OpenRoundJson {
        round: round.number,
        meeting: round.file.meeting,
        closes: round.file.closes,
        rankings: round.submissions.len(),
        members: ws
            .config
            .members
            .iter()
            .filter(|m| m.role == crate::model::Role::Member)
            .count(),
        submitted: member.map(|m| round.submission_of(&m.email).is_some()),
    })
}

#[derive(Serialize)]
struct RecCounts {
    total: usize,
    recommended: usize,
    short: usize,
    medium: usize,
    long: usize,
}

#[derive(Serialize, Default)]
struct CommentCounts {
    open: usize,
    resolved: usize,
    withdrawn: usize,
    replies: usize,
}

fn comment_counts(ws: &Workspace) -> CommentCounts {
    let mut c = CommentCounts::default();
    for x in &ws.comments {
        if x.reply_to.is_some() {
            c.replies += 1;
            continue;
        }
        match x.status {
            CommentStatus::Open => c.open += 1,
            CommentStatus::Resolved => c.resolved += 1,
            CommentStatus::Withdrawn => c.withdrawn += 1,
        }
    }
    c
}

/// `oplaeg status`.
pub fn status(cli: &Cli) -> anyhow::Result<()> {
    let store = store(cli)?;
    // The list of unsaved files (git's own status walk) is made on a second
    // handle while the workspace loads: on two cores they take turns less.
    let (ws, uncommitted) = std::thread::scope(|scope| -> anyhow::Result<_> {
        let other = store.handle()?;
        let unsaved = scope.spawn(move || other.uncommitted());
        let ws = store.load(&Rev::head());
        let unsaved = unsaved
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((ws?, unsaved?))
    })?;
    // Not freed: the process ends after this command (see `load`).
    let ws = std::mem::ManuallyDrop::new(ws);
    let head = store.head()?;
    let tags = store.meeting_tags()?;
    let meetings = meetings(&ws, &tags);
    // The next meeting is the first planned one after the last held (tagged) one.
    let last_held = tags.last().map_or(0, |t| t.number);
    let next = meetings
        .into_iter()
        .find(|m| !m.held && m.number > last_held);
    let per = |h: Horizon| ws.recommendations.iter().filter(|r| r.horizon == h).count();
    let recs = RecCounts {
        total: ws.recommendations.len(),
        recommended: ws.config.recommended_count,
        short: per(Horizon::Short),
        medium: per(Horizon::Medium),
        long: per(Horizon::Long),
    };
    let comments = comment_counts(&ws);
    let tracking = store.tracking()?;
    let email = cli.as_email.clone().or_else(|| store.git_email());
    let round = open_round_status(&store, &ws, email.as_deref());
    if cli.format == Format::Json {
        return json(&StatusJson {
            title: &ws.config.title,
            root: store.root().display().to_string(),
            commit: head.map(|h| h.to_string()),
            chapters: ws.chapters.len(),
            recommendations: recs,
            comments,
            last_meeting: tags.last(),
            next_meeting: next,
            problems: &ws.problems,
            uncommitted,
            sync: tracking,
            ranking_round: round,
        });
    }
    let h = &ws.config.horizons;
    println!("{}", safe(&ws.config.title));
    println!(
        "{}",
        "─".repeat(ws.config.title.chars().count().clamp(20, 72))
    );
    let version = head.map_or_else(
        || tr!("ingen endnu", "none yet"),
        |h| short(&h.to_string()).to_string(),
    );
    println!(
        "{:<14}{}  ({})",
        tr!("Version:", "Revision:"),
        version,
        safe(&store.root().display().to_string())
    );
    println!("{:<14}{}", tr!("Kapitler:", "Chapters:"), ws.chapters.len());
    let warn = if recs.total > recs.recommended {
        tr!(
            "  ⚠ flere end de anbefalede {}",
            "  ⚠ more than the recommended {}",
            recs.recommended
        )
    } else {
        String::new()
    };
    println!(
        "{:<14}{} – {} {} · {} {} · {} {}{warn}",
        tr!("Anbefalinger:", "Recommendations:"),
        recs.total,
        safe(&h.short.label),
        recs.short,
        safe(&h.medium.label),
        recs.medium,
        safe(&h.long.label),
        recs.long
    );
    println!(
        "{:<14}{} · {} · {}",
        tr!("Kommentarer:", "Comments:"),
        tr!("{} åbne", "{} open", comments.open),
        tr!("{} besvarede", "{} resolved", comments.resolved),
        count(
            comments.replies,
            &tr!("svar", "reply"),
            &tr!("svar", "replies")
        ),
    );
    if let Some(t) = &tracking {
        println!(
            "{:<14}{}",
            tr!("Server:", "Server:"),
            tracking_text(t, store.remote_url(&t.remote).as_deref())
        );
    }
    match tags.last() {
        Some(t) => println!(
            "{:<14}{} ({}, {})",
            tr!("Seneste møde:", "Last meeting:"),
            safe(&t.title),
            safe(&t.name),
            t.date.map(|d| d.to_string()).unwrap_or_default()
        ),
        None => println!(
            "{:<14}{}",
            tr!("Seneste møde:", "Last meeting:"),
            tr!("intet tagget endnu", "none tagged yet")
        ),
    }
    match &next {
        Some(m) => {
            let deadline = m
                .deadline
                .map(|d| {
                    tr!(
                        ", frist for skriftlige kommentarer {d}",
                        ", deadline for written comments {d}"
                    )
                })
                .unwrap_or_default();
            println!(
                "{:<14}{} – {}{deadline}",
                tr!("Næste møde:", "Next meeting:"),
                safe(&m.title),
                m.date
            );
        }
        None => println!(
            "{:<14}{}",
            tr!("Næste møde:", "Next meeting:"),
            tr!("intet planlagt", "none planned")
        ),
    }
    if let Some(r) = &round {
        let mut line = tr!("runde {} er åben", "round {} is open", r.round);
        if let Some(m) = r.meeting {
            line.push_str(&tr!(" (til møde {m})", " (for meeting {m})"));
        }
        if let Some(d) = r.closes {
            line.push_str(&tr!(" til og med {d}", " until {d} inclusive"));
        }
        line.push_str(&tr!(
            " – {} af {} medlemmer har rangordnet",
            " – {} of {} members have ranked",
            r.rankings,
            r.members
        ));
        println!("{:<14}{line}", tr!("Prioritering:", "Ranking:"));
        match r.submitted {
            Some(true) => println!(
                "{:<14}{}",
                "",
                tr!(
                    "Du har rangordnet; du kan rette det, til runden lukker.",
                    "You have ranked; you can change it until the round closes."
                )
            ),
            Some(false) => println!(
                "{:<14}{}",
                "",
                tr!(
                    "Du har ikke rangordnet endnu: fanen Prioritering i `oplaeg`, eller `oplaeg ranking submit`.",
                    "You have not ranked yet: the Ranking tab in `oplaeg`, or `oplaeg ranking submit`."
                )
            ),
            None => {}
        }
    }
    if !uncommitted.is_empty() {
        println!(
            "\n{}",
            tr!(
                "Ændringer på disken, der ikke er gemt (oplaeg viser den gemte version; en skribent gemmer med `oplaeg save -m …`):",
                "Changes on disk not yet saved (oplaeg shows the saved version; a writer saves with `oplaeg save -m …`):"
            )
        );
        for f in &uncommitted {
            println!("  {}", safe(f));
        }
    }
    if ws.problems.is_empty() {
        println!(
            "{:<14}{}",
            tr!("Problemer:", "Problems:"),
            tr!("ingen", "none")
        );
    } else {
        println!(
            "\n{} ({}):",
            tr!("Problemer", "Problems"),
            ws.problems.len()
        );
        for p in &ws.problems {
            println!("  {}", safe(&p.to_string()));
        }
    }
    Ok(())
}

/// `origin/main (URL): 2 to send, 1 to fetch`, as of the last sync.
fn tracking_text(t: &crate::store::Tracking, url: Option<&str>) -> String {
    let place = match url {
        Some(u) => format!("{} ({})", t.upstream, safe(u)),
        None => t.upstream.clone(),
    };
    match (t.ahead, t.behind) {
        (Some(0), Some(0)) => tr!(
            "{place} – i takt ved sidste sync",
            "{place} – in step at the last sync"
        ),
        (Some(a), Some(b)) => tr!(
            "{place} – {a} ændring(er) at sende, {b} at hente ved sidste sync; kør `oplaeg sync`",
            "{place} – {a} change(s) to send, {b} to fetch at the last sync; run `oplaeg sync`"
        ),
        _ => tr!(
            "{place} – ikke synkroniseret endnu; kør `oplaeg sync`",
            "{place} – not synced yet; run `oplaeg sync`"
        ),
    }
}

#[derive(Serialize)]
struct ChapterJson<'a> {
    number: u32,
    slug: &'a str,
    title: &'a str,
    file: &'a str,
    words: usize,
    open_comments: usize,
}

/// `oplaeg chapters`.
pub fn chapters(cli: &Cli) -> anyhow::Result<()> {
    let facts = crate::ops::chapter_facts(&store(cli)?)?;
    let rows: Vec<ChapterJson> = facts
        .iter()
        .map(|f| ChapterJson {
            number: f.chapter.number,
            slug: &f.chapter.slug,
            title: &f.chapter.title,
            file: &f.chapter.file,
            words: f.words,
            open_comments: f.open_comments,
        })
        .collect();
    if cli.format == Format::Json {
        return json(&rows);
    }
    println!(
        "{:>3}  {}  {}  {:>5}  {}",
        tr!("Nr", "No"),
        pad(&tr!("Titel", "Title"), 44),
        pad("Slug", 34),
        tr!("Ord", "Words"),
        tr!("Åbne", "Open")
    );
    for r in rows {
        println!(
            "{:>3}  {}  {}  {:>5}  {}",
            r.number,
            pad(r.title, 44),
            pad(r.slug, 34),
            r.words,
            r.open_comments
        );
    }
    Ok(())
}

/// `oplaeg chapter SLUG`: the chapter's Markdown.
pub fn chapter(cli: &Cli, key: &str) -> anyhow::Result<()> {
    let (_, ws) = load(cli)?;
    let c = ws.chapter(key)?;
    if cli.format == Format::Json {
        #[derive(Serialize)]
        struct Full<'a> {
            #[serde(flatten)]
            chapter: &'a crate::model::Chapter,
            markdown: &'a str,
        }
        return json(&Full {
            chapter: c,
            markdown: &c.markdown,
        });
    }
    println!("{}", block(&c.markdown, ""));
    Ok(())
}

#[derive(Serialize)]
struct RecJson<'a> {
    #[serde(flatten)]
    rec: &'a crate::model::Recommendation,
    horizon_label: &'a str,
    horizon_span: String,
    comments: usize,
}

fn rec_json<'a>(ws: &'a Workspace, r: &'a crate::model::Recommendation) -> RecJson<'a> {
    let def = ws.config.horizons.get(r.horizon);
    RecJson {
        rec: r,
        horizon_label: &def.label,
        horizon_span: def.span(),
        comments: ws.comments_on_recommendation(&r.slug),
    }
}

/// `oplaeg rec list`.
pub fn rec_list(cli: &Cli, horizon: Option<&str>) -> anyhow::Result<()> {
    let (_, ws) = load(cli)?;
    let wanted = match horizon {
        None => None,
        Some(h) => Some(Horizon::parse(h).ok_or_else(|| Error::InvalidValue {
            field: "--horizon".into(),
            value: h.into(),
            expected: Horizon::expected(),
        })?),
    };
    let rows: Vec<RecJson> = ws
        .recommendations
        .iter()
        .filter(|r| wanted.is_none_or(|h| r.horizon == h))
        .map(|r| rec_json(&ws, r))
        .collect();
    if cli.format == Format::Json {
        return json(&rows);
    }
    println!(
        "{:>3}  {}  {}  {}  {}",
        "#",
        pad(&tr!("Titel", "Title"), 52),
        pad(&tr!("Horisont", "Horizon"), 16),
        pad("Status", 10),
        tr!("Komm.", "Comm.")
    );
    for r in &rows {
        println!(
            "{:>3}  {}  {}  {}  {}",
            r.rec.rank,
            pad(&r.rec.title, 52),
            pad(
                &format!("{} {}", r.rec.horizon.badge(), r.horizon_label),
                16
            ),
            pad(r.rec.status.label(), 10),
            r.comments
        );
    }
    if ws.recommendations.len() > ws.config.recommended_count {
        println!(
            "\n{}",
            tr!(
                "⚠ {} anbefalinger – følgegruppen bad om højst {}.",
                "⚠ {} recommendations – the group asked for at most {}.",
                ws.recommendations.len(),
                ws.config.recommended_count
            )
        );
    }
    Ok(())
}

/// `oplaeg rec show`.
pub fn rec_show(cli: &Cli, key: &str) -> anyhow::Result<()> {
    let (_, ws) = load(cli)?;
    let r = ws.recommendation(key)?;
    let comments: Vec<&Comment> = ws
        .comments
        .iter()
        .filter(|c| c.target.recommendation.as_deref() == Some(&r.slug))
        .collect();
    if cli.format == Format::Json {
        #[derive(Serialize)]
        struct Show<'a> {
            #[serde(flatten)]
            rec: RecJson<'a>,
            comment_threads: Vec<&'a Comment>,
        }
        return json(&Show {
            rec: rec_json(&ws, r),
            comment_threads: comments,
        });
    }
    let def = ws.config.horizons.get(r.horizon);
    println!("{}. {}", r.rank, safe(&r.title));
    println!(
        "{} {} ({}) · {} {} · slug {}",
        tr!("Tidshorisont:", "Horizon:"),
        safe(&def.label),
        def.span(),
        tr!("Status:", "Status:"),
        r.status.label(),
        r.slug
    );
    let chapters: Vec<String> = r
        .chapters
        .iter()
        .map(|s| match ws.chapter(s) {
            Ok(c) => format!("{} {}", c.number, c.title),
            Err(_) => s.clone(),
        })
        .collect();
    if !chapters.is_empty() {
        println!(
            "{} {}",
            tr!("Kapitler:", "Chapters:"),
            safe(&chapters.join("; "))
        );
    }
    for (label, text) in [
        (tr!("Anbefaling", "Recommendation"), Some(&r.text)),
        (tr!("Mål", "Goal"), Some(&r.goal)),
        (
            tr!("Realiserbarhed", "Realizability"),
            Some(&r.realizability),
        ),
        (
            tr!("Sammenhæng til Kræftplan IV", "Link to Kræftplan IV"),
            r.kraeftplan_iv.as_ref(),
        ),
    ] {
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            println!("\n{label}:\n{}", block(t, "  "));
        }
    }
    if !comments.is_empty() {
        println!("\n{}:", tr!("Kommentarer", "Comments"));
        for c in comments {
            print_comment(c, None, "  ");
        }
    }
    Ok(())
}

/// Filters of `oplaeg comment list`.
pub struct CommentFilter<'a> {
    pub status: Option<&'a str>,
    pub chapter: Option<&'a str>,
    pub rec: Option<&'a str>,
    pub organisation: Option<&'a str>,
    /// Only by this address (any case).
    pub author: Option<&'a str>,
    /// Only by the acting member.
    pub mine: bool,
    /// Only comments whose file is new or changed since this revision.
    pub since: Option<&'a str>,
}

/// `oplaeg comment list`.
pub fn comment_list(cli: &Cli, f: &CommentFilter) -> anyhow::Result<()> {
    let (store, ws) = load(cli)?;
    let status = match f.status {
        None => None,
        Some(s) => Some(CommentStatus::parse(s).ok_or_else(|| Error::InvalidValue {
            field: "--status".into(),
            value: s.into(),
            expected: CommentStatus::expected(),
        })?),
    };
    let chapter = f
        .chapter
        .map(|c| ws.chapter(c).map(|c| c.slug.clone()))
        .transpose()?;
    let rec = f
        .rec
        .map(|r| ws.recommendation(r).map(|r| r.slug.clone()))
        .transpose()?;
    let org = f.organisation;
    let author = match (f.mine, f.author) {
        (true, _) => Some(super::session(cli)?.actor().email.clone()),
        (false, a) => a.map(|a| a.trim().to_string()),
    };
    let before = match f.since {
        Some(spec) => Some(store.load_commit(Some(crate::ops::mine::resolve_rev(&store, spec)?))?),
        None => None,
    };
    let rows: Vec<&Comment> = ws
        .comments
        .iter()
        // Replies have no status of their own: a status filter shows threads' first comments.
        .filter(|c| status.is_none_or(|s| c.status == s && c.reply_to.is_none()))
        .filter(|c| {
            chapter
                .as_ref()
                .is_none_or(|s| c.target.chapter.as_ref() == Some(s))
        })
        .filter(|c| {
            rec.as_ref()
                .is_none_or(|s| c.target.recommendation.as_ref() == Some(s))
        })
        .filter(|c| {
            org.as_ref()
                .is_none_or(|o| crate::text::names_by_words(&c.author.organisation, o))
        })
        .filter(|c| {
            author
                .as_ref()
                .is_none_or(|a| c.author.email.trim().eq_ignore_ascii_case(a))
        })
        // New, or its file changed (answered, edited, withdrawn, re-anchored).
        .filter(|c| {
            before
                .as_ref()
                .is_none_or(|b| !b.comments.iter().any(|old| old == *c))
        })
        .collect();
    let mut placer = Placer::new(&store, &ws);
    if cli.format == Format::Json {
        let placed: Vec<_> = rows.iter().map(|c| placer.placed(c)).collect();
        return json(&placed);
    }
    // One buffered writer: a line at a time to stdout is a system call per
    // comment.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut names = TargetNames::default();
    if rows.is_empty() {
        writeln!(out, "{}", tr!("Ingen kommentarer.", "No comments."))?;
    }
    for c in &rows {
        let mut target = target_label(&ws, c, &mut names);
        if let Some(p) = &placer.placed(c).placement {
            target.push_str(&fate_tag(p));
        }
        if let Some(outcome) = crate::suggest::Outcome::of(c) {
            target.push_str(&tr!(
                " · forslag til ny formulering ({})",
                " · proposed new wording ({})",
                outcome.describe()
            ));
        }
        writeln!(
            out,
            "{}  {}  {}  {}  {}",
            c.id,
            c.created.format("%Y-%m-%d"),
            pad(&status_label(c), 9),
            pad(&c.author.organisation, 28),
            safe(&target)
        )?;
    }
    writeln!(
        out,
        "\n{}",
        count(
            rows.len(),
            &tr!("kommentar", "comment"),
            &tr!("kommentarer", "comments")
        )
    )?;
    out.flush()?;
    Ok(())
}

fn status_label(c: &Comment) -> String {
    if c.reply_to.is_some() && c.status != CommentStatus::Withdrawn {
        tr!("svar", "reply")
    } else {
        c.status.label().to_string()
    }
}

/// The chapter's or recommendation's part of target labels, each looked up
/// once (a listing names the same few chapters thousands of times).
/// Targets' short names already made: chapters' by slug, then recommendations'.
type TargetNames = [std::collections::HashMap<String, String>; 2];

fn target_label(ws: &Workspace, c: &Comment, names: &mut TargetNames) -> String {
    // Each target is named once (the key is cloned only then).
    let mut name = |chapter: bool, key: &String, make: &dyn Fn() -> String| -> String {
        let names = &mut names[usize::from(!chapter)];
        if let Some(n) = names.get(key) {
            return n.clone();
        }
        let n = make();
        names.insert(key.clone(), n.clone());
        n
    };
    let mut s = if let Some(ch) = &c.target.chapter {
        name(true, ch, &|| match ws.chapter(ch) {
            Ok(x) => format!("{} {}", tr!("kap.", "ch."), x.number),
            Err(_) => ch.clone(),
        })
    } else if let Some(r) = &c.target.recommendation {
        name(false, r, &|| match ws.recommendation(r) {
            Ok(x) => format!("{} {}", tr!("anb.", "rec."), x.rank),
            Err(_) => r.clone(),
        })
    } else {
        String::new()
    };
    if let Some(a) = &c.target.anchor {
        s.push_str(" «");
        s.push_str(&crate::text::truncate(&a.quote, 40));
        s.push('»');
    }
    s
}

fn print_comment(c: &Comment, placement: Option<&Placement>, indent: &str) {
    println!(
        "{indent}{} · {} ({}) · {} · {}",
        c.created.format("%Y-%m-%d %H:%M"),
        safe(&c.author.name),
        safe(&c.author.organisation),
        status_label(c),
        c.id
    );
    if let Some(a) = &c.target.anchor {
        println!("{indent}  «{}»", safe(&a.quote));
    }
    for line in super::suggest::lines(c, &format!("{indent}  ")) {
        println!("{line}");
    }
    for line in placement
        .map(|p| fate_lines(p, &format!("{indent}  ")))
        .unwrap_or_default()
    {
        println!("{line}");
    }
    println!("{}", block(&c.body, &format!("{indent}  ")));
    if let Some(r) = &c.resolution {
        println!(
            "{indent}  → {} ({}, {}):",
            r.disposition.label(),
            safe(&r.by),
            r.at.format("%Y-%m-%d")
        );
        println!("{}", block(&r.response, &format!("{indent}    ")));
    }
}

/// `oplaeg comment show`.
pub fn comment_show(cli: &Cli, id: &str) -> anyhow::Result<()> {
    let (store, ws) = load(cli)?;
    let c = ws.comment(id)?;
    let mut thread = vec![c];
    let mut i = 0;
    while i < thread.len() {
        let id = thread[i].id.clone();
        thread.extend(
            ws.comments
                .iter()
                .filter(|x| x.reply_to.as_deref() == Some(&id)),
        );
        i += 1;
    }
    let mut placer = Placer::new(&store, &ws);
    let placed: Vec<_> = thread.iter().map(|x| placer.placed(x)).collect();
    if cli.format == Format::Json {
        return json(&placed);
    }
    println!(
        "{}\n",
        safe(&target_label(&ws, c, &mut TargetNames::default()))
    );
    for (n, x) in placed.iter().enumerate() {
        let indent = if n == 0 { "" } else { "    " };
        print_comment(x.comment, x.placement.as_ref(), indent);
    }
    Ok(())
}

/// `oplaeg member list`.
pub fn member_list(cli: &Cli) -> anyhow::Result<()> {
    let (_, ws) = load(cli)?;
    let members: &[Member] = &ws.config.members;
    if cli.format == Format::Json {
        return json(&members);
    }
    for m in members {
        println!(
            "{}  {}  {}  {}",
            pad(&m.name, 26),
            pad(&m.email, 36),
            pad(&m.organisation, 36),
            m.role.label()
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct MeetingJson {
    number: u32,
    date: NaiveDate,
    title: String,
    deadline: Option<NaiveDate>,
    held: bool,
    tag: Option<String>,
    commit: Option<String>,
}

fn meetings(ws: &Workspace, tags: &[MeetingTag]) -> Vec<MeetingJson> {
    let mut out: Vec<MeetingJson> = ws
        .config
        .meetings
        .iter()
        .map(|m| {
            let tag = tags.iter().find(|t| t.number == m.number);
            MeetingJson {
                number: m.number,
                date: m.date,
                title: m.title.clone(),
                deadline: m.deadline,
                held: tag.is_some(),
                tag: tag.map(|t| t.name.clone()),
                commit: tag.map(|t| t.commit.clone()),
            }
        })
        .collect();
    for t in tags {
        if !out.iter().any(|m| m.number == t.number) {
            out.push(MeetingJson {
                number: t.number,
                date: t.date.unwrap_or_default(),
                title: t.title.clone(),
                deadline: None,
                held: true,
                tag: Some(t.name.clone()),
                commit: Some(t.commit.clone()),
            });
        }
    }
    out.sort_by_key(|m| m.number);
    out
}

/// `oplaeg meeting list`.
pub fn meeting_list(cli: &Cli) -> anyhow::Result<()> {
    let (store, ws) = load(cli)?;
    let rows = meetings(&ws, &store.meeting_tags()?);
    if cli.format == Format::Json {
        return json(&rows);
    }
    for m in &rows {
        let state = match &m.tag {
            Some(t) => tr!("udkast sendt ({t})", "draft sent ({t})"),
            None => tr!("planlagt", "planned"),
        };
        let deadline = m
            .deadline
            .map(|d| tr!("frist {d}", "deadline {d}"))
            .unwrap_or_default();
        println!(
            "{:>2}  {}  {}  {}  {}",
            m.number,
            m.date,
            pad(&m.title, 36),
            pad(&state, 28),
            deadline
        );
    }
    if rows.is_empty() {
        println!("{}", tr!("Ingen møder endnu.", "No meetings yet."));
    }
    Ok(())
}

#[derive(Serialize)]
struct LogJson<'a> {
    #[serde(flatten)]
    entry: &'a crate::store::LogEntry,
    organisation: Option<&'a str>,
}

/// `oplaeg log`.
pub fn log(cli: &Cli, limit: Option<usize>) -> anyhow::Result<()> {
    let (store, ws) = load(cli)?;
    let entries = store.log(limit)?;
    let rows: Vec<LogJson> = entries
        .iter()
        .map(|e| LogJson {
            entry: e,
            organisation: ws.config.member(&e.email).map(|m| m.organisation.as_str()),
        })
        .collect();
    if cli.format == Format::Json {
        return json(&rows);
    }
    for r in &rows {
        let e = r.entry;
        let tags = if e.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", safe(&e.tags.join(", ")))
        };
        let who = match r.organisation {
            Some(o) => format!("{} ({})", e.author, o),
            None => e.author.clone(),
        };
        println!(
            "{}  {}  {}  {}{}",
            short(&e.commit),
            e.time.format("%Y-%m-%d %H:%M"),
            pad(&who, 44),
            safe(&e.summary),
            tags
        );
    }
    Ok(())
}
