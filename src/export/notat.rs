//! The høringsnotat: an overview (comments per organisation and
//! disposition, and the comments not yet answered), then every comment
//! grouped by chapter (in order) and by recommendation (in priority order),
//! each with who wrote it, the words it quotes, the comment, the disposition,
//! the writers' response, and the replies in its thread.
//!
//! A *thread* is a comment that answers no other comment (or whose parent
//! is missing) with all replies below it. With `--since REV`, only threads
//! whose first comment was added after REV (its file is not in REV's tree)
//! are included, with all their replies; that is exact whatever the clocks
//! said, and a comment written before the draft was sent never counts as new.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::doc::{Block, BoxKind, Document, Span, Table, text_blocks};
use super::words::{self, w};
use crate::i18n::Lang;
use crate::model::{Choice, Comment, CommentStatus, Disposition, Workspace};
use crate::store::RevisionInfo;

/// Counts of a høringsnotat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotatStats {
    /// Threads (first comments) in the notat.
    pub comments: usize,
    /// Replies in those threads.
    pub replies: usize,
    /// Organisations that wrote a first comment.
    pub organisations: usize,
    /// First comments still open.
    pub unanswered: usize,
    /// Per disposition, in [`Disposition::ALL`] order.
    pub dispositions: [usize; 4],
    pub withdrawn: usize,
}

/// A thread: the first comment and every reply below it, oldest first.
struct Thread<'a> {
    number: usize,
    first: &'a Comment,
    replies: Vec<&'a Comment>,
}

/// The first comments and their replies, every comment exactly once.
fn threads(ws: &Workspace) -> Vec<(&Comment, Vec<&Comment>)> {
    let ids: HashSet<&str> = ws.comments.iter().map(|c| c.id.as_str()).collect();
    let mut children: HashMap<&str, Vec<&Comment>> = HashMap::new();
    for c in &ws.comments {
        if let Some(p) = c.reply_to.as_deref()
            && ids.contains(p)
            && p != c.id
        {
            children.entry(p).or_default().push(c);
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    let is_first = |c: &Comment| {
        c.reply_to
            .as_deref()
            .is_none_or(|p| !ids.contains(p) || p == c.id)
    };
    // First comments in id (time) order; then anything a cycle of replies
    // hid from every first comment becomes a thread of its own.
    let starts: Vec<&Comment> = ws
        .comments
        .iter()
        .filter(|c| is_first(c))
        .chain(ws.comments.iter())
        .collect();
    for start in starts {
        if !seen.insert(start.id.as_str()) {
            continue;
        }
        let mut replies = Vec::new();
        let mut stack = vec![start.id.as_str()];
        while let Some(id) = stack.pop() {
            for child in children.get(id).into_iter().flatten() {
                if seen.insert(child.id.as_str()) {
                    replies.push(*child);
                    stack.push(child.id.as_str());
                }
            }
        }
        replies.sort_by(|a, b| a.id.cmp(&b.id));
        out.push((start, replies));
    }
    out
}

/// `Kommentarer tilføjet efter udkastet til 3. møde i følgegruppen (29. maj 2024)`.
pub fn describe_revision(lang: Lang, spec: &str, info: &RevisionInfo) -> String {
    match &info.meeting {
        Some(m) => meeting_words(lang, m),
        None => match info.commit {
            Some(c) => format!("{} {}", w(lang, "version", "revision"), &c.to_string()[..7]),
            None => spec.to_string(),
        },
    }
}

/// `udkastet til 4. møde i følgegruppen (28. august 2024)`.
pub fn meeting_words(lang: Lang, m: &crate::store::MeetingTag) -> String {
    let title = if m.title.trim().is_empty() {
        format!("{} {}", w(lang, "møde", "meeting"), m.number)
    } else {
        m.title.trim().to_string()
    };
    let date = m
        .date
        .map(|d| format!(" ({})", words::date(lang, d)))
        .unwrap_or_default();
    format!("{} {title}{date}", w(lang, "udkastet til", "the draft for"))
}

/// The title page's facts for a revision.
pub fn revision_meta(lang: Lang, info: &RevisionInfo) -> Vec<(String, String)> {
    let mut meta = Vec::new();
    let version = match (info.commit, &info.meeting) {
        (Some(c), Some(m)) => format!("{} ({})", &c.to_string()[..7], m.name),
        (Some(c), None) => c.to_string()[..7].to_string(),
        (None, _) => w(
            lang,
            "arbejdsmappen (ikke gemt i git)",
            "the working folder (not saved in git)",
        ),
    };
    meta.push((w(lang, "Version", "Revision"), version));
    let date = info
        .time
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    meta.push((w(lang, "Dato", "Date"), words::date(lang, date)));
    match (&info.meeting, &info.last_meeting) {
        (Some(m), _) => meta.push((
            w(lang, "Møde", "Meeting"),
            words::capitalise(&meeting_words(lang, m)),
        )),
        (None, Some(m)) => meta.push((
            w(lang, "Møde", "Meeting"),
            format!(
                "{} {}",
                w(lang, "Ændret efter", "Changed after"),
                meeting_words(lang, m)
            ),
        )),
        (None, None) => {}
    }
    meta
}

fn short_text(s: &str, max: usize) -> String {
    crate::text::truncate(&crate::text::collapse_ws(s), max).into_owned()
}

/// Builds the høringsnotat.
pub fn build(
    ws: &Workspace,
    info: &RevisionInfo,
    since: Option<&(String, RevisionInfo, Workspace)>,
    lang: Lang,
    author: &str,
    placements: &HashMap<String, crate::anchor::Placement>,
) -> (Document, NotatStats) {
    let old_ids: Option<HashSet<&str>> =
        since.map(|(_, _, old)| old.comments.iter().map(|c| c.id.as_str()).collect());
    let mut left_out_replies = 0;
    let all = threads(ws);
    let included: Vec<(&Comment, Vec<&Comment>)> = all
        .into_iter()
        .filter(|(first, replies)| match &old_ids {
            Some(old) if old.contains(first.id.as_str()) => {
                left_out_replies += replies
                    .iter()
                    .filter(|r| !old.contains(r.id.as_str()))
                    .count();
                false
            }
            _ => true,
        })
        .collect();

    // Group: chapters in order, recommendations in priority order, the rest.
    let mut by_chapter: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut by_rec: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut orphans: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (first, _)) in included.iter().enumerate() {
        let t = &first.target;
        if let Some(ch) = &t.chapter
            && let Some(pos) = ws.chapters.iter().position(|c| &c.slug == ch)
        {
            by_chapter.entry(pos).or_default().push(i);
        } else if let Some(r) = &t.recommendation
            && let Some(pos) = ws.recommendations.iter().position(|x| &x.slug == r)
        {
            by_rec.entry(pos).or_default().push(i);
        } else {
            let place = match (&t.chapter, &t.recommendation) {
                (Some(c), _) => format!("{} «{c}»", w(lang, "Kapitlet", "The chapter")),
                (None, Some(r)) => {
                    format!("{} «{r}»", w(lang, "Anbefalingen", "The recommendation"))
                }
                (None, None) => w(lang, "Uden sted", "No place"),
            };
            orphans.entry(place).or_default().push(i);
        }
    }
    // Number the threads in the order they are printed.
    let mut numbered: Vec<Option<Thread>> = included
        .iter()
        .map(|(first, replies)| {
            Some(Thread {
                number: 0,
                first,
                replies: replies.clone(),
            })
        })
        .collect();
    let order: Vec<usize> = by_chapter
        .values()
        .chain(by_rec.values())
        .chain(orphans.values())
        .flatten()
        .copied()
        .collect();
    for (n, &i) in order.iter().enumerate() {
        if let Some(t) = numbered[i].as_mut() {
            t.number = n + 1;
        }
    }

    let stats = count(&included);
    let mut blocks = Vec::new();
    overview(
        ws,
        lang,
        &included,
        &numbered,
        &stats,
        left_out_replies,
        &mut blocks,
    );

    let mut section = |blocks: &mut Vec<Block>, id: &str, title: String, list: &[usize]| {
        blocks.push(Block::heading(2, id, title));
        for &i in list {
            if let Some(t) = numbered[i].take() {
                blocks.push(thread_block(ws, lang, &t, placements));
            }
        }
    };
    if !by_chapter.is_empty() {
        blocks.push(Block::heading(
            1,
            "kapitler",
            w(
                lang,
                "Kommentarer til kapitlerne",
                "Comments on the chapters",
            ),
        ));
        for (pos, list) in &by_chapter {
            let c = &ws.chapters[*pos];
            section(
                &mut blocks,
                &format!("kap-{}", c.slug),
                format!("{}. {}", c.number, c.title),
                list,
            );
        }
    }
    if !by_rec.is_empty() {
        blocks.push(Block::heading(
            1,
            "anbefalinger",
            w(
                lang,
                "Kommentarer til anbefalingerne",
                "Comments on the recommendations",
            ),
        ));
        for (pos, list) in &by_rec {
            let r = &ws.recommendations[*pos];
            section(
                &mut blocks,
                &format!("anb-{}", r.slug),
                format!(
                    "{} {}: {}",
                    w(lang, "Anbefaling", "Recommendation"),
                    r.rank,
                    r.title
                ),
                list,
            );
        }
    }
    if !orphans.is_empty() {
        blocks.push(Block::heading(
            1,
            "udgaaede",
            w(
                lang,
                "Kommentarer til kapitler og anbefalinger, der ikke længere findes",
                "Comments on chapters and recommendations that no longer exist",
            ),
        ));
        for (n, (place, list)) in orphans.iter().enumerate() {
            section(
                &mut blocks,
                &format!("udgaaet-{}", n + 1),
                place.clone(),
                list,
            );
        }
    }

    let mut meta = revision_meta(lang, info);
    let scope = match since {
        Some((spec, since_info, _)) => format!(
            "{} {}",
            w(lang, "Kommentarer tilføjet efter", "Comments added after"),
            describe_revision(lang, spec, since_info)
        ),
        None => w(
            lang,
            "Alle kommentarer til denne version",
            "All comments on this revision",
        ),
    };
    meta.push((w(lang, "Omfatter", "Covers"), scope));
    let doc = Document {
        lang,
        kicker: if author.is_empty() {
            w(lang, "Høringsnotat", "Consultation summary")
        } else {
            author.to_string()
        },
        title: w(lang, "Høringsnotat", "Consultation summary"),
        subtitle: Some(format!(
            "{} {}",
            w(
                lang,
                "Følgegruppens kommentarer til",
                "The follow-up group's comments on"
            ),
            ws.config.title
        )),
        meta,
        note: None,
        toc: true,
        toc_title: w(lang, "Indhold", "Contents"),
        chapters_on_new_pages: true,
        author: author.to_string(),
        date: info
            .time
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        change_author: author.to_string(),
        blocks,
    };
    (doc, stats)
}

fn count(included: &[(&Comment, Vec<&Comment>)]) -> NotatStats {
    let mut s = NotatStats {
        comments: included.len(),
        ..NotatStats::default()
    };
    let mut orgs = HashSet::new();
    for (first, replies) in included {
        s.replies += replies.len();
        orgs.insert(first.author.organisation.as_str());
        match (first.status, &first.resolution) {
            (CommentStatus::Open, _) => s.unanswered += 1,
            (CommentStatus::Withdrawn, _) => s.withdrawn += 1,
            (CommentStatus::Resolved, Some(r)) => {
                let i = Disposition::ALL
                    .iter()
                    .position(|d| *d == r.disposition)
                    .unwrap_or(0);
                s.dispositions[i] += 1;
            }
            // A resolved comment without an answer is reported by `status`;
            // here it counts as not answered.
            (CommentStatus::Resolved, None) => s.unanswered += 1,
        }
    }
    s.organisations = orgs.len();
    s
}

fn place_label(lang: Lang, ws: &Workspace, c: &Comment) -> String {
    if let Some(ch) = &c.target.chapter {
        match ws.chapters.iter().find(|x| &x.slug == ch) {
            Some(x) => format!("{} {} {}", w(lang, "Kap.", "Ch."), x.number, x.title),
            None => ch.clone(),
        }
    } else if let Some(r) = &c.target.recommendation {
        match ws.recommendations.iter().find(|x| &x.slug == r) {
            Some(x) => format!("{} {} {}", w(lang, "Anb.", "Rec."), x.rank, x.title),
            None => r.clone(),
        }
    } else {
        String::new()
    }
}

/// `1 imødekommet, 2 delvist imødekommet` (or `–` when none is answered).
fn answers(lang: Lang, s: &NotatStats) -> String {
    let mut parts: Vec<String> = Disposition::ALL
        .iter()
        .zip(s.dispositions)
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| format!("{n} {}", d.label_in(lang)))
        .collect();
    if s.withdrawn > 0 {
        parts.push(format!(
            "{} {}",
            s.withdrawn,
            w(lang, "trukket tilbage", "withdrawn")
        ));
    }
    if parts.is_empty() {
        "–".to_string()
    } else {
        parts.join(", ")
    }
}

/// `12 er endnu ikke besvaret.` / `Alle er besvaret.`
fn unanswered_words(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Da, 0) => "Alle er besvaret.".to_string(),
        (Lang::En, 0) => "All have been answered.".to_string(),
        (Lang::Da, n) => format!("{n} er endnu ikke besvaret."),
        (Lang::En, n) => format!("{n} have not been answered yet."),
    }
}

fn num(n: usize) -> Vec<Span> {
    vec![Span::plain(n.to_string())]
}

#[allow(clippy::too_many_arguments)]
fn overview(
    ws: &Workspace,
    lang: Lang,
    included: &[(&Comment, Vec<&Comment>)],
    numbered: &[Option<Thread>],
    stats: &NotatStats,
    left_out_replies: usize,
    blocks: &mut Vec<Block>,
) {
    blocks.push(Block::heading(
        1,
        "overblik",
        w(lang, "Overblik", "Overview"),
    ));
    let comments = match lang {
        Lang::Da => crate::i18n::count(stats.comments, "kommentar", "kommentarer"),
        Lang::En => crate::i18n::count(stats.comments, "comment", "comments"),
    };
    let orgs = match lang {
        Lang::Da => crate::i18n::count(stats.organisations, "organisation", "organisationer"),
        Lang::En => crate::i18n::count(stats.organisations, "organisation", "organisations"),
    };
    let replies = match lang {
        Lang::Da => crate::i18n::count(stats.replies, "svar", "svar"),
        Lang::En => crate::i18n::count(stats.replies, "reply", "replies"),
    };
    let mut summary = match (lang, stats.comments) {
        (Lang::Da, 0) => "Der er ingen kommentarer endnu.".to_string(),
        (Lang::En, 0) => "There are no comments yet.".to_string(),
        (Lang::Da, _) => {
            format!("Notatet omfatter {comments} fra {orgs} med {replies} i trådene.")
        }
        (Lang::En, _) => {
            format!("This summary covers {comments} from {orgs}, with {replies} in the threads.")
        }
    };
    if stats.comments > 0 {
        summary.push(' ');
        summary.push_str(&unanswered_words(lang, stats.unanswered));
    }
    if left_out_replies > 0 {
        summary.push(' ');
        summary.push_str(&match lang {
            Lang::Da => format!(
                "{} i ældre tråde er ikke med, fordi trådene begyndte før den valgte version.",
                crate::i18n::count(left_out_replies, "nyt svar", "nye svar")
            ),
            Lang::En => format!(
                "{} in older threads are left out, as those threads began before the chosen revision.",
                crate::i18n::count(left_out_replies, "new reply", "new replies")
            ),
        });
    }
    blocks.push(Block::para(summary));

    // Per organisation: how many, how they were answered, how many remain.
    // (A cross table of organisations × dispositions has eight columns and
    // does not fit a printed page; the answers are spelled out instead.)
    blocks.push(Block::heading(
        2,
        "pr-organisation",
        w(
            lang,
            "Kommentarer pr. organisation",
            "Comments per organisation",
        ),
    ));
    let mut per_org: BTreeMap<&str, NotatStats> = BTreeMap::new();
    for (first, replies) in included {
        let one = count(&[(first, replies.clone())]);
        let s = per_org
            .entry(first.author.organisation.as_str())
            .or_default();
        s.comments += 1;
        s.unanswered += one.unanswered;
        s.withdrawn += one.withdrawn;
        for (a, b) in s.dispositions.iter_mut().zip(one.dispositions) {
            *a += b;
        }
    }
    let row = |name: Vec<Span>, s: &NotatStats| {
        vec![
            name,
            num(s.comments),
            vec![Span::plain(answers(lang, s))],
            num(s.unanswered),
        ]
    };
    let mut rows: Vec<Vec<Vec<Span>>> = per_org
        .iter()
        .map(|(org, s)| row(vec![Span::plain(org)], s))
        .collect();
    rows.push(row(vec![Span::plain(w(lang, "I alt", "Total"))], stats));
    blocks.push(Block::Table(Table {
        header: vec![
            vec![Span::plain(w(lang, "Organisation", "Organisation"))],
            vec![Span::plain(w(lang, "Antal", "Number"))],
            vec![Span::plain(w(lang, "Afgørelser", "Dispositions"))],
            vec![Span::plain(w(lang, "Ikke besvaret", "Not answered"))],
        ],
        rows,
        numeric: vec![false, true, false, true],
        widths: vec![30, 12, 44, 14],
        total_row: true,
    }));

    // Per disposition, with shares.
    blocks.push(Block::heading(
        2,
        "pr-afgoerelse",
        w(
            lang,
            "Kommentarer pr. afgørelse",
            "Comments per disposition",
        ),
    ));
    let share = |n: usize| {
        let pct = (n * 100 + stats.comments / 2)
            .checked_div(stats.comments)
            .unwrap_or(0);
        match lang {
            Lang::Da => format!("{pct} %"),
            Lang::En => format!("{pct}%"),
        }
    };
    let mut rows: Vec<Vec<Vec<Span>>> = Disposition::ALL
        .iter()
        .zip(stats.dispositions)
        .map(|(d, n)| {
            vec![
                vec![Span::plain(words::disposition(lang, *d)).toned(d.key())],
                num(n),
                vec![Span::plain(share(n))],
            ]
        })
        .collect();
    if stats.withdrawn > 0 {
        rows.push(vec![
            vec![Span::plain(words::unresolved(lang, CommentStatus::Withdrawn)).toned("withdrawn")],
            num(stats.withdrawn),
            vec![Span::plain(share(stats.withdrawn))],
        ]);
    }
    rows.push(vec![
        vec![Span::plain(w(lang, "Ikke besvaret endnu", "Not answered yet")).toned("open")],
        num(stats.unanswered),
        vec![Span::plain(share(stats.unanswered))],
    ]);
    rows.push(vec![
        vec![Span::plain(w(lang, "I alt", "Total"))],
        num(stats.comments),
        vec![Span::plain(share(stats.comments))],
    ]);
    blocks.push(Block::Table(Table {
        header: vec![
            vec![Span::plain(w(lang, "Afgørelse", "Disposition"))],
            vec![Span::plain(w(lang, "Antal", "Number"))],
            vec![Span::plain(w(lang, "Andel", "Share"))],
        ],
        rows,
        numeric: vec![false, true, true],
        widths: vec![50, 25, 25],
        total_row: true,
    }));

    // What remains before the notat can be sent.
    blocks.push(Block::heading(
        2,
        "ikke-besvarede",
        w(
            lang,
            "Kommentarer, der ikke er besvaret endnu",
            "Comments not answered yet",
        ),
    ));
    let mut open: Vec<&Thread> = numbered
        .iter()
        .flatten()
        .filter(|t| {
            t.first.status == CommentStatus::Open
                || (t.first.status == CommentStatus::Resolved && t.first.resolution.is_none())
        })
        .collect();
    open.sort_by_key(|t| t.number);
    if open.is_empty() {
        blocks.push(Block::para(w(
            lang,
            "Alle kommentarer er besvaret.",
            "Every comment has been answered.",
        )));
        return;
    }
    let rows = open
        .iter()
        .map(|t| {
            vec![
                vec![Span::plain(t.number.to_string()).linked(format!("#kommentar-{}", t.number))],
                vec![Span::plain(&t.first.author.organisation)],
                vec![Span::plain(place_label(lang, ws, t.first))],
                vec![Span::plain(short_text(&t.first.body, 120))],
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        header: vec![
            vec![Span::plain(w(lang, "Nr.", "No."))],
            vec![Span::plain(w(lang, "Organisation", "Organisation"))],
            vec![Span::plain(w(lang, "Vedrører", "Concerns"))],
            vec![Span::plain(w(lang, "Kommentar", "Comment"))],
        ],
        rows,
        numeric: vec![true, false, false, false],
        widths: vec![7, 22, 26, 45],
        total_row: false,
    }));
}

/// `Jens Nørgaard, Region Midtjylland · 10. juni 2024`.
fn byline(lang: Lang, c: &Comment) -> Vec<Span> {
    vec![Span::plain(format!(
        "{}, {} · {}",
        c.author.name,
        c.author.organisation,
        words::date(lang, c.created.date_naive())
    ))]
}

/// A comment's outcome as a toned word: its disposition once resolved,
/// else withdrawn or open.
pub(super) fn verdict(lang: Lang, disposition: Option<Disposition>, status: CommentStatus) -> Span {
    match (disposition, status) {
        (Some(d), CommentStatus::Resolved) => {
            Span::strong(words::disposition(lang, d)).toned(d.key())
        }
        (_, CommentStatus::Withdrawn) => {
            Span::strong(words::unresolved(lang, CommentStatus::Withdrawn)).toned("withdrawn")
        }
        _ => Span::strong(words::unresolved(lang, CommentStatus::Open)).toned("open"),
    }
}

/// Where a comment's quote stands in the exported version, as the anchoring
/// engine placed it; `None` when it stands unchanged where it was.
fn quote_note(lang: Lang, placement: Option<&crate::anchor::Placement>) -> Option<String> {
    use crate::anchor::Fate;
    let Some(p) = placement else {
        return Some(w(
            lang,
            "Citatet står ikke længere i kapitlet.",
            "The quote is no longer in the chapter.",
        ));
    };
    let now = p.text.as_deref().unwrap_or_default();
    Some(match (&p.fate, lang) {
        (Fate::Exact, _) => return None,
        (Fate::Moved, Lang::Da) => "Citatet står uændret, men et andet sted i kapitlet.".into(),
        (Fate::Moved, Lang::En) => {
            "The quote stands unchanged, but elsewhere in the chapter.".into()
        }
        (Fate::Fuzzy { score }, Lang::Da) => format!(
            "Ordene er ændret siden (ca. {:.0} % ens); nu: «{now}»",
            score * 100.0
        ),
        (Fate::Fuzzy { score }, Lang::En) => format!(
            "The words were edited since (about {:.0} % alike); now: «{now}»",
            score * 100.0
        ),
        (Fate::Section { heading }, Lang::Da) => {
            format!("Ordene er væk; afsnittet «{heading}» står stadig.")
        }
        (Fate::Section { heading }, Lang::En) => {
            format!("The words are gone; the section «{heading}» remains.")
        }
        (Fate::Orphaned, Lang::Da) => "Citatet står ikke længere i kapitlet.".into(),
        (Fate::Orphaned, Lang::En) => "The quote is no longer in the chapter.".into(),
    })
}

fn thread_block(
    ws: &Workspace,
    lang: Lang,
    t: &Thread,
    placements: &HashMap<String, crate::anchor::Placement>,
) -> Block {
    let c = t.first;
    let mut inner = vec![
        Block::heading(
            3,
            format!("kommentar-{}", t.number),
            format!(
                "{} {} – {}",
                w(lang, "Kommentar", "Comment"),
                t.number,
                c.author.organisation
            ),
        ),
        Block::Note(byline(lang, c)),
    ];
    let mut fields = Vec::new();
    if let Some(a) = &c.target.anchor {
        let mut quote = vec![Block::Quote(vec![Block::para(&a.quote)])];
        if let Some(note) = quote_note(lang, placements.get(&c.id)) {
            quote.push(Block::Note(vec![Span::emph(note)]));
        }
        fields.push((w(lang, "Citat fra teksten", "Quoted text"), quote));
    }
    fields.extend(super::suggestions::notat_field(lang, c));
    // A suggestion may come without a reason.
    if !(c.suggestion.is_some() && c.body.trim().is_empty()) {
        fields.push((w(lang, "Kommentar", "Comment"), text_blocks(&c.body)));
    }
    let disposition = c.resolution.as_ref().map(|r| r.disposition);
    fields.push((
        w(lang, "Afgørelse", "Disposition"),
        vec![Block::Para(vec![verdict(lang, disposition, c.status)])],
    ));
    if let Some(r) = c
        .resolution
        .as_ref()
        .filter(|_| c.status == CommentStatus::Resolved)
    {
        let by = ws.config.member(&r.by);
        let label = match by {
            Some(m) => format!(
                "{} {}",
                w(lang, "Svar fra", "Response from"),
                m.organisation
            ),
            None => w(lang, "Skribenternes svar", "The writers' response"),
        };
        let mut answer = text_blocks(&r.response);
        answer.push(Block::Note(vec![Span::plain(format!(
            "{} · {}",
            by.map_or(r.by.as_str(), |m| m.name.as_str()),
            words::date(lang, r.at.date_naive())
        ))]));
        fields.push((label, answer));
    }
    if !t.replies.is_empty() {
        let replies = t
            .replies
            .iter()
            .map(|r| {
                let mut b = vec![Block::Note(byline(lang, r))];
                b.extend(text_blocks(&r.body));
                Block::Boxed {
                    kind: BoxKind::Reply,
                    blocks: b,
                }
            })
            .collect();
        fields.push((w(lang, "Svar i tråden", "Replies in the thread"), replies));
    }
    inner.push(Block::Fields(fields));
    Block::Boxed {
        kind: BoxKind::Comment,
        blocks: inner,
    }
}
