//! "Mit overblik" as one document, a member's brief for the next meeting:
//! what happened since (new answers, edited quotes, the changed text of the
//! chapters and recommendations they commented on), then every comment in
//! scope with its answer and where its quote stands now, then the meetings
//! coming up. Built from [`crate::ops::mine::Overview`], so the document,
//! `oplaeg mine` and the terminal UI say the same.

use super::changes::mark_blocks;
use super::doc::{Block, BoxKind, Document, Mark, Span, text_blocks};
use super::markdown;
use super::notat::{revision_meta, verdict};
use super::words::{self, w};
use crate::diff::{BlockChange, Op, Segment};
use crate::i18n::Lang;
use crate::model::{Choice, CommentStatus};
use crate::ops::mine::{
    MyComment, Overview, QuoteKind, Scope, SinceBasis, SinceReport, Subject, SubjectKind,
};
use crate::store::RevisionInfo;

/// Counts of the brief.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MineStats {
    pub answered: usize,
    pub open: usize,
    pub withdrawn: usize,
    /// New answers, replies, edited quotes, changed chapters and
    /// recommendations since (0 without a "since" part).
    pub news: usize,
}

/// A chapter's heading as a bold paragraph: inside the brief's own
/// sections it must not open a section of its own.
fn demote(b: Block) -> Block {
    match b {
        Block::Heading { text, .. } => Block::Para(
            text.into_iter()
                .map(|mut s| {
                    s.style.strong = true;
                    s
                })
                .collect(),
        ),
        other => other,
    }
}

/// Words with the changes marked.
fn marked(segments: &[Segment]) -> Vec<Span> {
    segments
        .iter()
        .map(|s| Span {
            mark: match s.op {
                Op::Equal => Mark::None,
                Op::Insert => Mark::Inserted,
                Op::Delete => Mark::Deleted,
            },
            ..Span::plain(&s.text)
        })
        .collect()
}

fn subject(lang: Lang, s: &Subject) -> String {
    let kind = match s.kind {
        SubjectKind::Chapter => w(lang, "Kapitel", "Chapter"),
        SubjectKind::Recommendation => w(lang, "Anbefaling", "Recommendation"),
    };
    match (s.number, &s.title) {
        (Some(n), Some(t)) => format!("{kind} {n}: {t}"),
        _ => format!(
            "{kind} «{}» {}",
            s.slug,
            w(lang, "(findes ikke længere)", "(no longer there)")
        ),
    }
}

fn since_heading(lang: Lang, s: &SinceReport) -> String {
    let f = &s.from;
    match (f.basis, f.meeting) {
        (SinceBasis::Beginning, _) => w(lang, "Siden begyndelsen", "Since the beginning"),
        (SinceBasis::LastLook, _) => format!(
            "{} ({})",
            w(lang, "Siden du sidst kiggede", "Since you last looked"),
            f.marked_at
                .map(|t| words::date(lang, t.date_naive()))
                .unwrap_or_default()
        ),
        (_, Some(n)) => match lang {
            Lang::Da => format!("Siden udkastet til møde {n}"),
            Lang::En => format!("Since the draft for meeting {n}"),
        },
        _ => format!("{} {}", w(lang, "Siden", "Since"), f.name),
    }
}

fn news(lang: Lang, s: &SinceReport, scope: Scope, out: &mut Vec<Block>) {
    out.push(Block::heading(1, "siden", since_heading(lang, s)));
    if let Some(note) = &s.from.note {
        out.push(Block::Note(vec![Span::emph(note)]));
    }
    let phrases = s.arrived.phrases_in(scope, lang);
    if phrases.is_empty() {
        out.push(Block::para(w(lang, "Intet nyt.", "Nothing new.")));
        return;
    }
    out.push(Block::List {
        start: None,
        items: phrases.iter().map(|p| vec![Block::para(p)]).collect(),
    });
    if !s.answers.is_empty() {
        out.push(Block::heading(
            2,
            "nye-svar",
            w(lang, "Nye svar", "New answers"),
        ));
        let items = s
            .answers
            .iter()
            .map(|a| {
                vec![Block::Para(vec![
                    Span::plain(format!("{} – ", subject(lang, &a.on))),
                    Span::strong(words::disposition(lang, a.answer.disposition))
                        .toned(a.answer.disposition.key()),
                    Span::plain(format!(
                        " ({}, {})",
                        a.answer.who(),
                        words::date(lang, a.answer.at.date_naive())
                    )),
                ])]
            })
            .collect();
        out.push(Block::List { start: None, items });
    }
    if !s.replies.is_empty() {
        out.push(Block::heading(
            2,
            "nye-kommentarer",
            w(
                lang,
                "Nye kommentarer i trådene",
                "New replies in the threads",
            ),
        ));
        for r in &s.replies {
            let mut b = vec![Block::Note(vec![Span::plain(format!(
                "{} · {}, {} · {}",
                subject(lang, &r.on),
                r.reply.author.name,
                r.reply.author.organisation,
                words::date(lang, r.reply.created.date_naive())
            ))])];
            b.extend(text_blocks(&r.reply.body));
            out.push(Block::Boxed {
                kind: BoxKind::Reply,
                blocks: b,
            });
        }
    }
    if !s.quotes.is_empty() {
        out.push(Block::heading(
            2,
            "citater",
            w(lang, "Ændret citeret tekst", "Quoted words edited"),
        ));
        for q in &s.quotes {
            let mut fields = vec![(
                w(lang, "Før", "Before"),
                vec![Block::Quote(vec![Block::para(&q.before)])],
            )];
            let now = match &q.after {
                Some(_) => vec![Block::Quote(vec![Block::Para(marked(&q.words))])],
                None => vec![Block::para(w(
                    lang,
                    "Teksten er væk.",
                    "The words are gone.",
                ))],
            };
            fields.push((w(lang, "Nu", "Now"), now));
            out.push(Block::Note(vec![Span::plain(subject(lang, &q.on))]));
            out.push(Block::Fields(fields));
        }
    }
    if !s.chapters.is_empty() {
        out.push(Block::heading(
            2,
            "kapitler",
            w(lang, "Ændrede kapitler", "Changed chapters"),
        ));
        for c in &s.chapters {
            let side = c.side();
            out.push(Block::heading(
                3,
                format!("kapitel-{}", side.slug),
                format!(
                    "{} {}: {} (+{} −{} {})",
                    w(lang, "Kapitel", "Chapter"),
                    side.number,
                    side.title,
                    c.summary.words_added,
                    c.summary.words_removed,
                    w(lang, "ord", "words")
                ),
            ));
            for b in c.blocks.iter().filter(|b| match b.change {
                BlockChange::Unchanged => false,
                BlockChange::Moved => b.edited,
                _ => true,
            }) {
                // Each changed block read as Markdown on both sides and
                // marked as `export oplaeg --changes-since` marks it.
                let old = markdown::blocks(&b.old_text());
                let new = markdown::blocks(&b.new_text());
                out.extend(mark_blocks(&old, &new).into_iter().map(demote));
            }
        }
    }
    if !s.recommendations.is_empty() {
        out.push(Block::heading(
            2,
            "anbefalinger",
            w(lang, "Ændrede anbefalinger", "Changed recommendations"),
        ));
        for r in &s.recommendations {
            let facts: Vec<String> = r.facts().iter().map(|f| f.describe_in(lang)).collect();
            let rank = match (r.from_rank, r.to_rank) {
                (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                (a, b) => b.or(a).unwrap_or(0).to_string(),
            };
            out.push(Block::heading(
                3,
                format!("anbefaling-{}", r.slug),
                format!(
                    "{} {rank}: {}",
                    w(lang, "Anbefaling", "Recommendation"),
                    r.title
                ),
            ));
            if !facts.is_empty() {
                out.push(Block::para(facts.join(" · ")));
            }
            for f in &r.fields {
                out.push(Block::Fields(vec![(
                    words::capitalise(&f.field.label_in(lang)),
                    vec![Block::Para(marked(&f.segments))],
                )]));
            }
        }
    }
}

fn quote_now_blocks(lang: Lang, c: &MyComment) -> Vec<Block> {
    let Some(q) = &c.quote_now else {
        return Vec::new();
    };
    let text = match q.kind {
        QuoteKind::Unchanged => w(
            lang,
            "Teksten står uændret i udkastet.",
            "The words stand unchanged in the draft.",
        ),
        QuoteKind::Moved => w(
            lang,
            "Teksten står uændret, men et andet sted eller med ny tekst omkring.",
            "The words are unchanged, but elsewhere or with new text around them.",
        ),
        QuoteKind::Edited => {
            return vec![
                Block::Note(vec![Span::emph(w(
                    lang,
                    "Teksten er ændret; sådan står den nu:",
                    "The words were edited; this is how they read now:",
                ))]),
                Block::Quote(vec![Block::Para(marked(&q.words))]),
            ];
        }
        QuoteKind::Section => format!(
            "{} «{}» {}",
            w(
                lang,
                "Teksten er væk; afsnittet",
                "The words are gone; the section"
            ),
            q.heading.as_deref().unwrap_or_default(),
            w(lang, "findes stadig.", "remains.")
        ),
        QuoteKind::Orphaned => w(
            lang,
            "Teksten findes ikke længere i kapitlet.",
            "The words are no longer in the chapter.",
        ),
        QuoteKind::ChapterGone => w(
            lang,
            "Kapitlet er fjernet fra udkastet.",
            "The chapter was removed from the draft.",
        ),
    };
    vec![Block::Note(vec![Span::emph(text)])]
}

fn comment_block(lang: Lang, c: &MyComment, n: usize) -> Block {
    let mut inner = vec![
        Block::heading(
            3,
            format!("kommentar-{n}"),
            format!("{n}. {}", subject(lang, &c.on)),
        ),
        Block::Note(vec![Span::plain(format!(
            "{}, {} · {}",
            c.author.name,
            c.author.organisation,
            words::date(lang, c.created.date_naive())
        ))]),
    ];
    let mut fields = Vec::new();
    if let Some(q) = &c.quote {
        let mut b = vec![Block::Quote(vec![Block::para(q)])];
        b.extend(quote_now_blocks(lang, c));
        fields.push((w(lang, "Citat fra teksten", "Quoted text"), b));
    }
    fields.push((w(lang, "Kommentar", "Comment"), text_blocks(&c.body)));
    let disposition = c.answer.as_ref().map(|a| a.disposition);
    fields.push((
        w(lang, "Afgørelse", "Disposition"),
        vec![Block::Para(vec![verdict(lang, disposition, c.status)])],
    ));
    if let Some(a) = c
        .answer
        .as_ref()
        .filter(|_| c.status == CommentStatus::Resolved)
    {
        let mut b = text_blocks(&a.response);
        b.push(Block::Note(vec![Span::plain(format!(
            "{} · {}",
            a.who(),
            words::date(lang, a.at.date_naive())
        ))]));
        fields.push((w(lang, "Skribenternes svar", "The writers' response"), b));
    }
    if !c.replies.is_empty() {
        let replies = c
            .replies
            .iter()
            .map(|r| {
                let mut b = vec![Block::Note(vec![Span::plain(format!(
                    "{}, {} · {}",
                    r.author.name,
                    r.author.organisation,
                    words::date(lang, r.created.date_naive())
                ))])];
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

/// Builds the brief.
pub fn build(
    o: &Overview,
    title: &str,
    info: &RevisionInfo,
    lang: Lang,
    author: &str,
) -> (Document, MineStats) {
    let mut blocks = Vec::new();
    let mut stats = MineStats {
        answered: o.answered.len(),
        open: o.open.len(),
        withdrawn: o.withdrawn.len(),
        news: 0,
    };
    if let Some(s) = &o.since {
        let a = s.arrived;
        stats.news = a.answers + a.replies + a.quotes + a.chapters + a.recommendations;
        news(lang, s, o.scope, &mut blocks);
    }
    let mut n = 0;
    for (id, heading, list) in [
        (
            "besvaret",
            w(lang, "Besvarede kommentarer", "Answered comments"),
            &o.answered,
        ),
        (
            "aabne",
            w(lang, "Åbne kommentarer", "Open comments"),
            &o.open,
        ),
        (
            "trukket-tilbage",
            w(lang, "Trukket tilbage", "Withdrawn"),
            &o.withdrawn,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        blocks.push(Block::heading(1, id, format!("{heading} ({})", list.len())));
        for c in list {
            n += 1;
            blocks.push(comment_block(lang, c, n));
        }
    }
    if n == 0 {
        blocks.push(Block::heading(
            1,
            "kommentarer",
            w(lang, "Kommentarer", "Comments"),
        ));
        blocks.push(Block::para(w(lang, "Ingen kommentarer.", "No comments.")));
    }
    blocks.push(Block::heading(
        1,
        "moeder",
        w(lang, "Kommende møder", "Coming meetings"),
    ));
    if o.upcoming.is_empty() {
        blocks.push(Block::para(w(lang, "Ingen planlagt.", "None planned.")));
    } else {
        let items = o
            .upcoming
            .iter()
            .map(|u| {
                let deadline = u
                    .deadline
                    .map(|d| {
                        format!(
                            "; {} {}",
                            w(
                                lang,
                                "frist for skriftlige kommentarer",
                                "deadline for written comments"
                            ),
                            words::date(lang, d)
                        )
                    })
                    .unwrap_or_default();
                vec![Block::para(format!(
                    "{} – {}{deadline}",
                    u.title,
                    words::date(lang, u.date)
                ))]
            })
            .collect();
        blocks.push(Block::List { start: None, items });
    }
    let who = match o.scope {
        Scope::Member => format!("{}, {}", o.member.name, o.member.organisation),
        Scope::Organisation => o.member.organisation.clone(),
    };
    let mut meta = vec![(w(lang, "For", "For"), who)];
    meta.extend(revision_meta(lang, info));
    let doc = Document {
        lang,
        kicker: title.to_string(),
        title: w(lang, "Mit overblik", "My overview"),
        subtitle: Some(match o.scope {
            Scope::Member => w(
                lang,
                "Mine kommentarer, svarene og den ændrede tekst",
                "My comments, the answers and the changed text",
            ),
            Scope::Organisation => w(
                lang,
                "Organisationens kommentarer, svarene og den ændrede tekst",
                "The organisation's comments, the answers and the changed text",
            ),
        }),
        meta,
        note: None,
        toc: false,
        toc_title: w(lang, "Indhold", "Contents"),
        chapters_on_new_pages: false,
        author: author.to_string(),
        date: info
            .time
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        change_author: author.to_string(),
        blocks,
    };
    (doc, stats)
}
