//! The library's operations against real temporary git repositories, with
//! every result checked twice: through the library and with plain `git`.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use common::*;
use oplaeg::Error;
use oplaeg::error::Kind;
use oplaeg::model::{Choice, CommentStatus, Disposition, Horizon, RecStatus, Role};
use oplaeg::ops::{NewTarget, RecEdit};
use oplaeg::store::Rev;

fn chapter(chapter: &str, quote: Option<&str>) -> NewTarget {
    NewTarget::Chapter {
        chapter: chapter.into(),
        quote: quote.map(str::to_string),
    }
}

fn horizon(h: Horizon) -> RecEdit {
    RecEdit {
        horizon: Some(h),
        ..RecEdit::default()
    }
}

// ---------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------

#[test]
fn init_makes_one_commit_on_main_by_the_writer() {
    let ws = Ws::init_only();

    assert_eq!(ws.git(&["symbolic-ref", "--short", "HEAD"]), "main");
    assert_eq!(ws.commit_count(), 1);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    assert_eq!(
        ws.log1("%cn <%ce>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    assert_eq!(ws.log1("%aI", "HEAD"), T0);
    // The message is plain UTF-8 that git shows as written.
    assert_eq!(ws.log1("%s", "HEAD"), format!("Nyt fagligt oplæg: {TITLE}"));
    let raw = ws.git(&["cat-file", "commit", "HEAD"]);
    assert!(!raw.contains("\nencoding "), "{raw}");
    assert!(
        !raw.contains("\nparent "),
        "the first commit has no parent: {raw}"
    );

    ws.assert_clean();
    assert_eq!(
        ws.git(&["ls-files"]),
        "drafts/01-indledning.md\noplaeg.toml\npriority.toml"
    );

    // The committed config is the one given, and the library reads it back.
    let config = ws.read_toml("oplaeg.toml");
    assert_eq!(toml_str(&config, "title"), TITLE);
    let members = toml_get(&config, "members").as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["email"].as_str(), Some(WRITER));
    assert_eq!(members[0]["role"].as_str(), Some("writer"));

    let w = ws.load_head();
    assert_eq!(w.config.title, TITLE);
    assert_eq!(w.chapters.len(), 1);
    assert_eq!(w.chapters[0].title, "Indledning");
    assert_eq!(w.chapters[0].number, 1);
    assert_eq!(w.chapters[0].slug, "indledning");
    assert!(w.recommendations.is_empty());
    assert!(w.comments.is_empty());
    assert!(w.problems.is_empty(), "{:?}", w.problems);
    assert_eq!(ws.store().log(None).unwrap().len(), 1);
}

#[test]
fn init_refuses_an_existing_workspace_and_a_config_without_writer() {
    let ws = Ws::init_only();
    let head = ws.head();
    let err = oplaeg::ops::init(&ws.root, &writer_config(), &[], None)
        .err()
        .expect("refused");
    assert!(matches!(err, Error::Exists(_)), "{err:?}");
    assert_eq!(ws.head(), head);
    assert_eq!(ws.commit_count(), 1);

    let empty = Ws::empty();
    let mut config = writer_config();
    config.members[0].role = Role::Member;
    let err = oplaeg::ops::init(&empty.root, &config, &[], None)
        .err()
        .expect("refused");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert!(!empty.root.join(".git").exists());
}

#[test]
fn members_are_added_one_commit_each_and_keep_their_roles() {
    let ws = Ws::new();
    assert_eq!(ws.commit_count(), 4);
    assert_eq!(
        ws.log1("%s", "HEAD"),
        format!("Nyt medlem: {REVIEWER_NAME} ({REVIEWER_ORG}, læser)")
    );
    assert_eq!(ws.changed_files("HEAD"), ["M\toplaeg.toml"]);
    ws.assert_clean();
    let w = ws.load_head();
    let roles: Vec<(&str, Role)> = w
        .config
        .members
        .iter()
        .map(|m| (m.email.as_str(), m.role))
        .collect();
    assert_eq!(
        roles,
        [
            (WRITER, Role::Writer),
            (MEMBER, Role::Member),
            (MEMBER2, Role::Member),
            (REVIEWER, Role::Reviewer)
        ]
    );
    // A member may not add members.
    let s = ws.session(MEMBER);
    let err = ws.refused(|| s.member_add("X Y", "x@y.example", "Z", Role::Member));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    // Nor may the same address be added twice (case-insensitively).
    let s = ws.session(WRITER);
    let err = ws.refused(|| s.member_add("Jens", "Jens.Noergaard@RM.example", "RM", Role::Member));
    assert!(matches!(err, Error::Exists(_)), "{err:?}");
}

// ---------------------------------------------------------------------------
// comments
// ---------------------------------------------------------------------------

#[test]
fn a_member_comments_on_a_chapter_with_a_quote() {
    let ws = Ws::sample();
    let parent = ws.head();
    let count = ws.commit_count();
    let s = ws.session_at(MEMBER, "2024-06-10T09:40:00+02:00");

    let c = s
        .add_comment(
            chapter("2", Some(UNIQUE_QUOTE)),
            "  Husk kommunernes økonomi.\n",
        )
        .unwrap();

    // Plain git: one new commit by the member, one new file.
    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(ws.git(&["rev-parse", "HEAD^"]), parent);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{MEMBER_NAME} <{MEMBER}>")
    );
    assert_eq!(ws.log1("%aI", "HEAD"), "2024-06-10T09:40:00+02:00");
    let subject = ws.log1("%s", "HEAD");
    assert_eq!(
        subject,
        format!("Kommentar til kapitel 2 Rehabilitering ({MEMBER_ORG})")
    );
    assert!(
        ws.log1("%B", "HEAD")
            .contains(&format!("Kommentar: {}", c.id))
    );
    assert!(is_comment_id(&c.id), "{}", c.id);
    let file = format!("comments/{}.toml", c.id);
    assert_eq!(ws.changed_files("HEAD"), [format!("A\t{file}")]);
    ws.assert_clean();

    // The file, as anyone reading it sees it.
    let t = ws.read_toml(&file);
    assert_eq!(ws.show("HEAD", &file), ws.read(&file).trim_end());
    assert_eq!(toml_str(&t, "body"), "Husk kommunernes økonomi.");
    assert_eq!(toml_str(&t, "status"), "open");
    assert_eq!(toml_str(&t, "created"), "2024-06-10T09:40:00+02:00");
    assert_eq!(toml_str(&t, "author.name"), MEMBER_NAME);
    assert_eq!(toml_str(&t, "author.email"), MEMBER);
    assert_eq!(toml_str(&t, "author.organisation"), MEMBER_ORG);
    assert_eq!(toml_str(&t, "target.chapter"), "rehabilitering");
    assert!(t["target"].get("recommendation").is_none());
    assert!(t.get("reply_to").is_none());
    assert!(t.get("resolution").is_none());
    assert!(t.get("id").is_none(), "the id is the file name only");
    assert_eq!(toml_str(&t, "target.anchor.quote"), UNIQUE_QUOTE);
    assert_eq!(
        toml_str(&t, "target.anchor.before"),
        "Rehabilitering Kommunerne varetager hovedparten af "
    );
    let after = toml_str(&t, "target.anchor.after");
    assert!(
        after.starts_with(" Behovet vurderes løbende. Flere"),
        "{after}"
    );
    assert_eq!(after.chars().count(), 60, "{after}");
    assert_eq!(toml_str(&t, "target.anchor.commit"), parent);

    // The library reads back exactly what it returned.
    let w = ws.load_head();
    assert_eq!(w.comments, vec![c.clone()]);
    assert!(w.problems.is_empty(), "{:?}", w.problems);
    assert_eq!(w.open_comments_on_chapter("rehabilitering"), 1);
    // And finds it by a unique prefix.
    assert_eq!(w.comment(&c.id[..10]).unwrap().id, c.id);
    let log = ws.store().log(Some(1)).unwrap();
    assert_eq!(log[0].commit, ws.head());
    assert_eq!(log[0].author, MEMBER_NAME);
    assert_eq!(log[0].summary, subject);
}

#[test]
fn a_comment_without_quote_and_one_by_chapter_slug() {
    let ws = Ws::sample();
    let s = ws.session(MEMBER2);
    let c = s
        .add_comment(chapter("indledning", None), "Generelt godt.")
        .unwrap();
    assert!(c.target.anchor.is_none());
    let t = ws.read_toml(&format!("comments/{}.toml", c.id));
    assert_eq!(toml_str(&t, "target.chapter"), "indledning");
    assert!(t["target"].get("anchor").is_none());
    assert_eq!(
        ws.log1("%s", "HEAD"),
        format!("Kommentar til kapitel 1 Indledning ({MEMBER2_ORG})")
    );
    ws.assert_clean();
}

#[test]
fn a_member_comments_on_a_recommendation_by_slug_and_by_rank() {
    let ws = Ws::sample();
    let count = ws.commit_count();
    let s = ws.session_at(MEMBER, "2024-06-12T09:15:00+02:00");

    let a = s
        .add_comment(
            NewTarget::Recommendation("rehabilitering-til-alle".into()),
            "Realiserbarheden er for tynd.",
        )
        .unwrap();
    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%s", "HEAD"),
        format!(
            "Kommentar til anbefaling 2: Rehabilitering til alle, der har behov ({MEMBER_ORG})"
        )
    );
    let file = format!("comments/{}.toml", a.id);
    assert_eq!(ws.changed_files("HEAD"), [format!("A\t{file}")]);
    let t = ws.read_toml(&file);
    assert_eq!(
        toml_str(&t, "target.recommendation"),
        "rehabilitering-til-alle"
    );
    assert!(t["target"].get("chapter").is_none());
    assert!(t["target"].get("anchor").is_none());

    // "1" is the recommendation ranked first.
    let b = s
        .add_comment(NewTarget::Recommendation("1".into()), "Godt.")
        .unwrap();
    assert_eq!(
        b.target.recommendation.as_deref(),
        Some("tidlig-diagnostik")
    );

    let w = ws.load_head();
    assert_eq!(w.comments.len(), 2);
    assert!(w.comments.contains(&a) && w.comments.contains(&b));
    assert_eq!(w.comments_on_recommendation("rehabilitering-til-alle"), 1);
    assert_eq!(w.comments_on_recommendation("tidlig-diagnostik"), 1);
    ws.assert_clean();
}

#[test]
fn a_reply_copies_the_target_and_names_its_parent() {
    let ws = Ws::sample();
    let parent = ws
        .session_at(MEMBER, "2024-06-10T09:40:00+02:00")
        .add_comment(chapter("rehabilitering", Some(UNIQUE_QUOTE)), "Første.")
        .unwrap();
    let count = ws.commit_count();

    let s = ws.session_at(MEMBER2, "2024-06-11T10:30:00+02:00");
    // By a prefix of the parent's id.
    let r = s.reply(&parent.id[..12], "KL bakker op.").unwrap();

    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{MEMBER2_NAME} <{MEMBER2}>")
    );
    assert_eq!(
        ws.log1("%s", "HEAD"),
        format!("Svar på kommentar fra {MEMBER_ORG} ({MEMBER2_ORG})")
    );
    let file = format!("comments/{}.toml", r.id);
    assert_eq!(ws.changed_files("HEAD"), [format!("A\t{file}")]);
    let t = ws.read_toml(&file);
    assert_eq!(toml_str(&t, "reply_to"), parent.id);
    assert_eq!(toml_str(&t, "target.chapter"), "rehabilitering");
    assert!(
        t["target"].get("anchor").is_none(),
        "a reply does not quote"
    );
    assert_eq!(toml_str(&t, "body"), "KL bakker op.");
    assert!(r.id > parent.id, "ids sort by time");

    let w = ws.load_head();
    assert_eq!(w.comments, vec![parent.clone(), r.clone()]);
    let replies: Vec<&str> = w.replies(&parent.id).map(|c| c.id.as_str()).collect();
    assert_eq!(replies, [r.id.as_str()]);
    // A reply is not counted as an open comment on the chapter.
    assert_eq!(w.open_comments_on_chapter("rehabilitering"), 1);
    assert!(w.problems.is_empty(), "{:?}", w.problems);
    ws.assert_clean();
}

// ---------------------------------------------------------------------------
// resolving, and roles
// ---------------------------------------------------------------------------

#[test]
fn a_writer_resolves_a_comment() {
    let ws = Ws::sample();
    let c = ws
        .session_at(MEMBER, "2024-06-10T09:40:00+02:00")
        .add_comment(chapter("2", Some(UNIQUE_QUOTE)), "Husk økonomien.")
        .unwrap();
    let count = ws.commit_count();
    let file = format!("comments/{}.toml", c.id);

    let s = ws.session_at(WRITER, "2024-07-01T10:20:00+02:00");
    let resolved = s
        .resolve(
            &c.id,
            Disposition::PartlyMet,
            "Finansieringen nævnes i kapitel 5.",
        )
        .unwrap();

    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    assert_eq!(
        ws.log1("%s", "HEAD"),
        format!("Kommentar fra {MEMBER_ORG} besvaret: delvist imødekommet")
    );
    assert_eq!(ws.changed_files("HEAD"), [format!("M\t{file}")]);
    let t = ws.read_toml(&file);
    assert_eq!(toml_str(&t, "status"), "resolved");
    assert_eq!(toml_str(&t, "resolution.disposition"), "partly_met");
    assert_eq!(
        toml_str(&t, "resolution.response"),
        "Finansieringen nævnes i kapitel 5."
    );
    assert_eq!(toml_str(&t, "resolution.by"), WRITER);
    assert_eq!(toml_str(&t, "resolution.at"), "2024-07-01T10:20:00+02:00");
    // Everything else in the file is as the member wrote it.
    assert_eq!(toml_str(&t, "body"), "Husk økonomien.");
    assert_eq!(toml_str(&t, "author.email"), MEMBER);
    assert_eq!(toml_str(&t, "target.anchor.quote"), UNIQUE_QUOTE);
    ws.assert_clean();

    let w = ws.load_head();
    let loaded = w.comment(&c.id).unwrap();
    assert_eq!(loaded, &resolved);
    assert_eq!(loaded.status, CommentStatus::Resolved);
    assert_eq!(w.open_comments_on_chapter("rehabilitering"), 0);

    // Resolving again replaces the answer.
    s.resolve(&c.id, Disposition::Met, "Nu helt imødekommet.")
        .unwrap();
    let t = ws.read_toml(&file);
    assert_eq!(toml_str(&t, "resolution.disposition"), "met");
    assert_eq!(ws.commit_count(), count + 2);
}

#[test]
fn a_member_may_not_resolve_and_a_reviewer_may_not_comment() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("2", None), "En kommentar.")
        .unwrap();
    ws.assert_clean();

    let member = ws.session(MEMBER2);
    let err = ws.refused(|| member.resolve(&c.id, Disposition::Met, "Jeg svarer selv."));
    match &err {
        Error::Forbidden { name, role, .. } => {
            assert_eq!(name, MEMBER2_NAME);
            assert_eq!(role, "medlem");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    ws.assert_clean();
    assert_eq!(
        ws.load_head().comment(&c.id).unwrap().status,
        CommentStatus::Open
    );

    // A reviewer is a member of the workspace, so a session opens, but every
    // write is refused.
    let reviewer = ws.session(REVIEWER);
    let err = ws.refused(|| reviewer.add_comment(chapter("2", Some(UNIQUE_QUOTE)), "Må jeg?"));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = ws.refused(|| reviewer.reply(&c.id, "Og svare?"));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = ws.refused(|| reviewer.rec_move("tidlig-diagnostik", 2));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");

    // Members may not change content or plan meetings either.
    let err = ws.refused(|| member.rec_set("1", &horizon(Horizon::Long)));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let date = NaiveDate::from_ymd_opt(2024, 6, 6).unwrap();
    let err = ws.refused(|| member.meeting_add(3, date, "3. møde", None));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = ws.refused(|| member.meeting_tag(3));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = ws.refused(|| member.revise_chapter("2", "# Ny\n", "ændret"));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    ws.assert_clean();
}

#[test]
fn a_reply_cannot_be_resolved_on_its_own() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("2", None), "Spørgsmål.")
        .unwrap();
    let r = ws.session(MEMBER2).reply(&c.id, "Enig.").unwrap();
    let s = ws.session(WRITER);
    let err = ws.refused(|| s.resolve(&r.id, Disposition::Noted, "Svar."));
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
}

// ---------------------------------------------------------------------------
// recommendations
// ---------------------------------------------------------------------------

#[test]
fn rec_add_slugs_a_danish_title_and_appends_it_last() {
    let ws = Ws::sample();
    let count = ws.commit_count();
    let s = ws.session_at(WRITER, "2024-06-20T12:00:00+02:00");

    let r = s
        .rec_add(
            "Bedre støtte til pårørende – også efter forløbet",
            Horizon::Long,
            "  Pårørende skal have tilbud om støtte.  ",
            None,
        )
        .unwrap();
    let slug = "bedre-stoette-til-paaroerende-ogsaa-efter-forloebet";
    assert_eq!(r.slug, slug);
    assert_eq!(r.rank, 3);
    assert_eq!(r.status, RecStatus::Draft);

    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    assert_eq!(
        ws.log1("%s", "HEAD"),
        "Ny anbefaling: Bedre støtte til pårørende – også efter forløbet"
    );
    let file = format!("recommendations/{slug}.toml");
    let mut changed = ws.changed_files("HEAD");
    changed.sort();
    assert_eq!(
        changed,
        [format!("A\t{file}"), "M\tpriority.toml".to_string()]
    );
    ws.assert_clean();

    let t = ws.read_toml(&file);
    assert_eq!(
        toml_str(&t, "title"),
        "Bedre støtte til pårørende – også efter forløbet"
    );
    assert_eq!(toml_str(&t, "horizon"), "long");
    assert_eq!(toml_str(&t, "status"), "draft");
    assert_eq!(
        toml_str(&t, "text"),
        "Pårørende skal have tilbud om støtte."
    );
    assert!(t.get("slug").is_none() && t.get("rank").is_none());
    let order: Vec<String> = ws.read_toml("priority.toml")["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        order,
        ["tidlig-diagnostik", "rehabilitering-til-alle", slug]
    );

    let w = ws.load_head();
    assert_eq!(w.recommendations.len(), 3);
    assert_eq!(w.recommendations[2], r);
    assert!(w.problems.is_empty(), "{:?}", w.problems);

    // The same title again gets a new slug instead of overwriting.
    let again = s
        .rec_add(
            "Bedre støtte til pårørende – også efter forløbet",
            Horizon::Short,
            "",
            None,
        )
        .unwrap();
    assert_eq!(again.slug, format!("{slug}-2"));
    assert_eq!(ws.load_head().recommendations.len(), 4);
    // An explicit slug that is taken is refused.
    let err = ws.refused(|| s.rec_add("Andet", Horizon::Short, "", Some("tidlig-diagnostik")));
    assert!(matches!(err, Error::Exists(_)), "{err:?}");
}

#[test]
fn rec_move_rewrites_the_priority_order_in_one_commit() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    let added = s
        .rec_add("Tidlig palliativ samtale", Horizon::Short, "Tekst.", None)
        .unwrap();
    assert_eq!(added.rank, 3);
    let count = ws.commit_count();

    let moved = s.rec_move("tidlig-palliativ-samtale", 1).unwrap();
    assert_eq!(moved.rank, 1);
    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%s", "HEAD"),
        "Anbefaling flyttet fra nr. 3 til nr. 1: Tidlig palliativ samtale"
    );
    assert_eq!(ws.changed_files("HEAD"), ["M\tpriority.toml"]);
    ws.assert_clean();
    let diff = ws.git(&["diff", "HEAD^", "HEAD", "--", "priority.toml"]);
    assert!(
        diff.contains("+  \"tidlig-palliativ-samtale\",\n   \"tidlig-diagnostik\""),
        "{diff}"
    );

    let order: Vec<String> = ws
        .load_head()
        .recommendations
        .iter()
        .map(|r| r.slug.clone())
        .collect();
    assert_eq!(
        order,
        [
            "tidlig-palliativ-samtale",
            "tidlig-diagnostik",
            "rehabilitering-til-alle"
        ]
    );

    // By rank: move no. 1 to the bottom.
    s.rec_move("1", 3).unwrap();
    assert_eq!(
        ws.log1("%s", "HEAD"),
        "Anbefaling flyttet fra nr. 1 til nr. 3: Tidlig palliativ samtale"
    );
    let order: Vec<String> = ws
        .load_head()
        .recommendations
        .iter()
        .map(|r| r.slug.clone())
        .collect();
    assert_eq!(
        order,
        [
            "tidlig-diagnostik",
            "rehabilitering-til-alle",
            "tidlig-palliativ-samtale"
        ]
    );

    // Out of range, or already there.
    let err = ws.refused(|| s.rec_move("tidlig-diagnostik", 0));
    assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
    let err = ws.refused(|| s.rec_move("tidlig-diagnostik", 4));
    assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
    let err = ws.refused(|| s.rec_move("tidlig-diagnostik", 1));
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
}

#[test]
fn rec_set_changes_horizon_and_status() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    let count = ws.commit_count();
    let file = "recommendations/tidlig-diagnostik.toml";

    let r = s
        .rec_set("tidlig-diagnostik", &horizon(Horizon::Medium))
        .unwrap();
    assert_eq!(r.horizon, Horizon::Medium);
    assert_eq!(ws.commit_count(), count + 1);
    let subject = ws.log1("%s", "HEAD");
    assert!(
        subject.contains("tidshorisont kort → mellemlang"),
        "{subject}"
    );
    assert!(
        subject.starts_with("Anbefaling 1: Hurtigere diagnostik"),
        "{subject}"
    );
    assert_eq!(ws.changed_files("HEAD"), [format!("M\t{file}")]);
    assert_eq!(toml_str(&ws.read_toml(file), "horizon"), "medium");
    assert_eq!(ws.show("HEAD^", file), SAMPLE_REC_DIAGNOSTIK.trim_end());
    ws.assert_clean();

    let edit = RecEdit {
        status: Some(RecStatus::Agreed),
        goal: Some("Diagnose inden for 14 dage.".into()),
        ..RecEdit::default()
    };
    let r = s.rec_set("1", &edit).unwrap();
    assert_eq!(r.status, RecStatus::Agreed);
    let subject = ws.log1("%s", "HEAD");
    assert!(subject.contains("status foreslået → vedtaget"), "{subject}");
    assert!(subject.contains("mål"), "{subject}");
    let t = ws.read_toml(file);
    assert_eq!(toml_str(&t, "status"), "agreed");
    assert_eq!(toml_str(&t, "goal"), "Diagnose inden for 14 dage.");
    // Fields not edited are kept.
    assert_eq!(
        toml_str(&t, "realizability"),
        "Kræver kapacitet i billeddiagnostikken."
    );
    assert_eq!(toml_get(&t, "chapters").as_array().unwrap().len(), 1);

    let loaded = ws.load_head();
    assert_eq!(loaded.recommendations[0], r);
    assert_eq!(loaded.recommendations[0].horizon, Horizon::Medium);

    // Related chapters given by number become slugs.
    let edit = RecEdit {
        chapters: Some(vec!["2".into(), "indledning".into(), "2".into()]),
        ..RecEdit::default()
    };
    let r = s.rec_set("tidlig-diagnostik", &edit).unwrap();
    assert_eq!(r.chapters, ["rehabilitering", "indledning"]);

    // Setting what is already there is no change and no commit.
    let err = ws.refused(|| s.rec_set("tidlig-diagnostik", &horizon(Horizon::Medium)));
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let err = ws.refused(|| s.rec_set("tidlig-diagnostik", &RecEdit::default()));
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    ws.assert_clean();
}

#[test]
fn an_unknown_slug_suggests_the_nearest() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    let err = ws.refused(|| s.rec_move("tidlig-diagnstik", 2));
    match err {
        Error::Unknown {
            kind: Kind::Recommendation,
            name,
            suggestion,
        } => {
            assert_eq!(name, "tidlig-diagnstik");
            assert_eq!(suggestion.as_deref(), Some("tidlig-diagnostik"));
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    let err = ws.refused(|| s.rec_set("rehab-til-alle", &horizon(Horizon::Long)));
    assert!(
        matches!(
            err,
            Error::Unknown {
                kind: Kind::Recommendation,
                ..
            }
        ),
        "{err:?}"
    );
    let err = ws.refused(|| s.rec_set("helt-andet-emne", &horizon(Horizon::Long)));
    assert!(
        matches!(
            err,
            Error::Unknown {
                suggestion: None,
                ..
            }
        ),
        "no suggestion for something unlike every slug: {err:?}"
    );
    let m = ws.session(MEMBER);
    let err = ws.refused(|| m.add_comment(chapter("rehabiliterng", None), "x"));
    match err {
        Error::Unknown {
            kind: Kind::Chapter,
            suggestion,
            ..
        } => assert_eq!(suggestion.as_deref(), Some("rehabilitering")),
        other => panic!("expected Unknown chapter, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// bad input leaves everything as it was
// ---------------------------------------------------------------------------

#[test]
fn quotes_must_occur_exactly_once() {
    let ws = Ws::sample();
    let s = ws.session(MEMBER);
    let err = ws.refused(|| s.add_comment(chapter("2", Some("står slet ikke i kapitlet")), "x"));
    assert!(matches!(err, Error::QuoteNotFound { .. }), "{err:?}");
    let err = ws.refused(|| s.add_comment(chapter("2", Some(TWICE_QUOTE)), "x"));
    assert!(
        matches!(err, Error::QuoteAmbiguous { count: 2, .. }),
        "{err:?}"
    );
    // Markdown markup is not part of the text people quote.
    let err =
        ws.refused(|| s.add_comment(chapter("2", Some("de *rehabiliterende* indsatser")), "x"));
    assert!(matches!(err, Error::QuoteNotFound { .. }), "{err:?}");
    let err = ws.refused(|| s.add_comment(chapter("2", Some("   ")), "x"));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
    ws.assert_clean();
}

#[test]
fn empty_texts_are_refused() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("1", None), "Noget.")
        .unwrap();
    let m = ws.session(MEMBER);
    let w = ws.session(WRITER);
    let err = ws.refused(|| m.add_comment(chapter("2", Some(UNIQUE_QUOTE)), " \n\t "));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
    let err = ws.refused(|| m.reply(&c.id, ""));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
    let err = ws.refused(|| w.resolve(&c.id, Disposition::Met, "  "));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
    let err = ws.refused(|| w.rec_add("  ", Horizon::Short, "tekst", None));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
    let err = ws.refused(|| w.save(""));
    assert!(matches!(err, Error::Empty(_)), "{err:?}");
}

#[test]
fn a_non_member_gets_no_session() {
    let ws = Ws::sample();
    let before = ws.snapshot();
    let err = ws
        .try_session("stranger@example.org")
        .err()
        .expect("refused");
    match &err {
        Error::NotAMember(email) => assert_eq!(email, "stranger@example.org"),
        other => panic!("expected NotAMember, got {other:?}"),
    }
    // Addresses compare without case.
    assert_eq!(
        ws.try_session("JENS.NOERGAARD@rm.example")
            .unwrap()
            .actor()
            .email,
        MEMBER
    );
    assert_eq!(before, ws.snapshot());
}

#[test]
fn names_that_could_leave_the_workspace_are_refused() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("1", None), "Noget.")
        .unwrap();
    let m = ws.session(MEMBER);
    let w = ws.session(WRITER);

    let invalid = |e: &Error| matches!(e, Error::InvalidName { .. });
    let e = ws.refused(|| m.reply("../../oplaeg", "x"));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.resolve(&format!("../{}", c.id), Disposition::Met, "x"));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.rec_set("../oplaeg", &horizon(Horizon::Long)));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.rec_move("../../etc/passwd", 1));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.rec_add("Titel", Horizon::Short, "", Some("../evil")));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.rec_add("Titel", Horizon::Short, "", Some("Store-Bogstaver")));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| m.add_comment(chapter("../oplaeg", None), "x"));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| m.add_comment(NewTarget::Recommendation("../x".into()), "x"));
    assert!(invalid(&e), "{e:?}");
    let e = ws.refused(|| w.revise_chapter("../../x", "# X\n", "x"));
    assert!(invalid(&e), "{e:?}");
    assert!(!ws.tmp.join("evil.toml").exists());
    assert!(!ws.root.join("evil.toml").exists());
}

#[test]
fn unknown_comment_ids_are_refused() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("1", None), "Noget.")
        .unwrap();
    let w = ws.session(WRITER);
    let m = ws.session(MEMBER2);
    let e = ws.refused(|| w.resolve("zzzzzzzz", Disposition::Met, "x"));
    assert!(
        matches!(
            e,
            Error::Unknown {
                kind: Kind::Comment,
                ..
            }
        ),
        "{e:?}"
    );
    let e = ws.refused(|| m.reply("0000", "x"));
    assert!(
        matches!(
            e,
            Error::Unknown {
                kind: Kind::Comment,
                ..
            }
        ),
        "{e:?}"
    );
    // Too short a prefix does not match even when it would be unique.
    let e = ws.refused(|| m.reply(&c.id[..3], "x"));
    assert!(
        matches!(
            e,
            Error::Unknown {
                kind: Kind::Comment,
                ..
            }
        ),
        "{e:?}"
    );
    // A prefix in upper case works (ids are case-insensitive when typed).
    m.reply(&c.id[..8].to_uppercase(), "Svar.").unwrap();
}

#[test]
fn a_hand_edited_file_is_never_overwritten() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("2", Some(UNIQUE_QUOTE)), "Original.")
        .unwrap();
    let w = ws.session(WRITER);
    // A session opened before the hand edits, as in a long-running program.
    let m2 = ws.session(MEMBER2);

    // An uncommitted edit to the comment's file.
    let file = format!("comments/{}.toml", c.id);
    let edited = ws.read(&file).replace("Original.", "Rettet i hånden.");
    ws.write(&file, &edited);
    let e = ws.refused(|| w.resolve(&c.id, Disposition::Met, "Svar."));
    match &e {
        Error::Uncommitted(path) => assert_eq!(path, &file),
        other => panic!("expected Uncommitted, got {other:?}"),
    }
    assert_eq!(ws.read(&file), edited, "the hand edit is still there");
    assert_eq!(ws.status(), format!(" M {file}"));

    // priority.toml edited by hand: moving and adding refuse.
    let prio = "order = [\n  \"rehabilitering-til-alle\",\n  \"tidlig-diagnostik\",\n]\n";
    ws.write("priority.toml", prio);
    let e = ws.refused(|| w.rec_move("tidlig-diagnostik", 2));
    assert!(
        matches!(&e, Error::Uncommitted(p) if p == "priority.toml"),
        "{e:?}"
    );
    let e = ws.refused(|| w.rec_add("Ny", Horizon::Short, "", None));
    assert!(
        matches!(&e, Error::Uncommitted(p) if p == "priority.toml"),
        "{e:?}"
    );
    assert_eq!(ws.read("priority.toml"), prio);

    // A staged (added, not committed) edit counts as uncommitted too.
    let rec = "recommendations/rehabilitering-til-alle.toml";
    ws.write(rec, &SAMPLE_REC_REHAB.replace("draft", "proposed"));
    ws.git(&["add", rec]);
    let e = ws.refused(|| w.rec_set("rehabilitering-til-alle", &horizon(Horizon::Long)));
    assert!(matches!(&e, Error::Uncommitted(p) if p == rec), "{e:?}");

    // Operations on other files still work and leave the hand edits alone.
    let r = m2.reply(&c.id, "Enig.").unwrap();
    assert_eq!(
        ws.changed_files("HEAD"),
        [format!("A\tcomments/{}.toml", r.id)]
    );
    assert_eq!(ws.read(&file), edited);
    assert_eq!(ws.read("priority.toml"), prio);
    let mut status: Vec<String> = ws.status().lines().map(str::to_string).collect();
    status.sort();
    assert_eq!(
        status,
        [
            format!(" M {file}"),
            " M priority.toml".to_string(),
            format!("M  {rec}")
        ]
    );
}

// ---------------------------------------------------------------------------
// meetings
// ---------------------------------------------------------------------------

#[test]
fn meeting_add_keeps_hand_written_toml() {
    let ws = Ws::sample();
    // A writer adds a note to oplaeg.toml and commits it with plain git.
    let note = "# Følgegruppen mødes i Islands Brygge.";
    let config = ws.read("oplaeg.toml");
    let edited = format!(
        "{note}\n{}",
        config.replacen(
            "recommended_count = 10",
            "recommended_count = 10 # aftalt på 1. møde",
            1,
        )
    );
    assert_ne!(
        edited,
        format!("{note}\n{config}"),
        "the test's edit applies"
    );
    ws.write("oplaeg.toml", &edited);
    ws.git_commit_all_as(
        WRITER_NAME,
        WRITER,
        "2024-05-28T09:00:00+02:00",
        "Note i oplaeg.toml",
    );
    let count = ws.commit_count();

    let s = ws.session_at(WRITER, "2024-05-28T10:00:00+02:00");
    let date = NaiveDate::from_ymd_opt(2024, 6, 6).unwrap();
    let deadline = NaiveDate::from_ymd_opt(2024, 5, 31).unwrap();
    let m = s
        .meeting_add(3, date, "3. møde i følgegruppen", Some(deadline))
        .unwrap();
    assert_eq!(m.number, 3);

    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%s", "HEAD"),
        "Møde 3 planlagt 2024-06-06: 3. møde i følgegruppen"
    );
    assert_eq!(ws.changed_files("HEAD"), ["M\toplaeg.toml"]);
    ws.assert_clean();
    let text = ws.read("oplaeg.toml");
    assert!(text.starts_with(&format!("{note}\n")), "{text}");
    assert!(
        text.contains("recommended_count = 10 # aftalt på 1. møde"),
        "{text}"
    );
    assert!(text.contains("[[meetings]]"), "{text}");
    // The diff only adds lines.
    let diff = ws.git(&["diff", "--numstat", "HEAD^", "HEAD"]);
    assert!(diff.ends_with("\t0\toplaeg.toml"), "{diff}");
    let t = ws.read_toml("oplaeg.toml");
    let meetings = toml_get(&t, "meetings").as_array().unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0]["number"].as_integer(), Some(3));
    assert_eq!(meetings[0]["date"].as_str(), Some("2024-06-06"));
    assert_eq!(meetings[0]["deadline"].as_str(), Some("2024-05-31"));
    assert_eq!(
        meetings[0]["title"].as_str(),
        Some("3. møde i følgegruppen")
    );
    assert_eq!(toml_get(&t, "members").as_array().unwrap().len(), 4);

    let w = ws.load_head();
    assert_eq!(w.config.meetings, vec![m]);
    assert!(w.problems.is_empty(), "{:?}", w.problems);

    // A second meeting is appended; the same number twice is refused; a
    // deadline after the meeting is refused.
    s.meeting_add(
        4,
        NaiveDate::from_ymd_opt(2024, 8, 28).unwrap(),
        "4. møde",
        None,
    )
    .unwrap();
    assert_eq!(ws.load_head().config.meetings.len(), 2);
    assert!(ws.read("oplaeg.toml").starts_with(&format!("{note}\n")));
    let e = ws.refused(|| s.meeting_add(3, date, "Igen", None));
    assert!(matches!(e, Error::Exists(_)), "{e:?}");
    let late = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let e = ws.refused(|| s.meeting_add(5, date, "Sent", Some(late)));
    assert!(matches!(e, Error::Invalid(_)), "{e:?}");
    let e = ws.refused(|| s.meeting_add(0, date, "Nul", None));
    assert!(matches!(e, Error::InvalidValue { .. }), "{e:?}");
}

#[test]
fn meeting_tag_marks_the_draft_and_the_old_state_stays_readable() {
    let ws = Ws::sample();
    let s = ws.session_at(WRITER, "2024-05-28T10:00:00+02:00");
    s.meeting_add(
        3,
        NaiveDate::from_ymd_opt(2024, 6, 6).unwrap(),
        "3. møde i følgegruppen",
        None,
    )
    .unwrap();
    let early = ws
        .session_at(MEMBER, "2024-05-28T11:00:00+02:00")
        .add_comment(chapter("2", Some(UNIQUE_QUOTE)), "Før mødet.")
        .unwrap();
    let tagged = ws.head();
    let count = ws.commit_count();
    let before = ws.load_head();

    let s = ws.session_at(WRITER, "2024-05-29T15:30:00+02:00");
    let tag = s.meeting_tag(3).unwrap();
    assert_eq!(tag.name, "meeting/3");
    assert_eq!(tag.commit, tagged);
    assert_eq!(tag.date, NaiveDate::from_ymd_opt(2024, 6, 6));

    // Plain git: an annotated tag, no new commit, nothing changed on disk.
    assert_eq!(ws.commit_count(), count);
    assert_eq!(ws.head(), tagged);
    assert_eq!(ws.git(&["cat-file", "-t", "meeting/3"]), "tag");
    assert_eq!(ws.git(&["tag", "-l", "meeting/*"]), "meeting/3");
    assert_eq!(ws.git(&["rev-parse", "meeting/3^{commit}"]), tagged);
    let message = ws.git(&["tag", "-l", "--format=%(contents)", "meeting/3"]);
    assert_eq!(
        message.trim_end(),
        "3. møde i følgegruppen\n\nDato: 2024-06-06"
    );
    assert_eq!(
        ws.git(&[
            "tag",
            "-l",
            "--format=%(taggername) %(taggeremail)",
            "meeting/3"
        ]),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    ws.assert_clean();

    // The library names it in three ways.
    let store = ws.store();
    let oid = store.resolve("3").unwrap().to_string();
    assert_eq!(oid, tagged);
    assert_eq!(store.resolve("meeting/3").unwrap().to_string(), tagged);
    assert_eq!(store.resolve("møde/3").unwrap().to_string(), tagged);
    let tags = store.meeting_tags().unwrap();
    assert_eq!(tags, vec![tag.clone()]);
    assert_eq!(tags[0].title, "3. møde i følgegruppen");
    let log = store.log(Some(1)).unwrap();
    assert_eq!(log[0].tags, ["meeting/3"]);
    assert!(matches!(
        store.resolve("7"),
        Err(Error::Unknown {
            kind: Kind::Revision,
            ..
        })
    ));

    // Tagging twice is refused.
    let e = ws.refused(|| s.meeting_tag(3));
    assert!(matches!(e, Error::Exists(_)), "{e:?}");
    // A lightweight tag made with plain git counts as a meeting too.
    ws.git(&["tag", "meeting/2", "HEAD~1"]);
    let tags = ws.store().meeting_tags().unwrap();
    let numbers: Vec<u32> = tags.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [2, 3]);
    assert_eq!(tags[0].commit, ws.git(&["rev-parse", "HEAD~1"]));
    assert_eq!(tags[0].date, NaiveDate::from_ymd_opt(2024, 5, 28));
    assert_eq!(ws.store().resolve("2").unwrap().to_string(), tags[0].commit);

    // Later changes: a comment, a resolution, a new horizon, a new chapter text.
    let late = ws
        .session_at(MEMBER2, "2024-06-10T09:00:00+02:00")
        .add_comment(chapter("1", None), "Efter mødet.")
        .unwrap();
    s.resolve(&early.id, Disposition::Noted, "Taget til efterretning.")
        .unwrap();
    s.rec_set("tidlig-diagnostik", &horizon(Horizon::Long))
        .unwrap();
    s.revise_chapter(
        "2",
        "# Rehabilitering og senfølger\n\nNy tekst.",
        "Kapitel 2 omskrevet",
    )
    .unwrap();
    assert_eq!(ws.commit_count(), count + 4);

    // Loading meeting 3 gives exactly the state that was tagged.
    for name in ["3", "meeting/3", tagged.as_str()] {
        let old = ws.load(name);
        assert_eq!(old.config, before.config);
        assert_eq!(old.chapters, before.chapters);
        assert_eq!(old.recommendations, before.recommendations);
        assert_eq!(old.comments, before.comments);
        assert_eq!(old.problems, before.problems);
        assert!(old.comments.iter().all(|c| c.id != late.id));
        assert_eq!(old.comment(&early.id).unwrap().status, CommentStatus::Open);
        assert_eq!(old.recommendations[0].horizon, Horizon::Short);
        assert_eq!(old.chapter("2").unwrap().title, "Rehabilitering");
        assert_eq!(old.chapter("2").unwrap().markdown, SAMPLE_REHAB);
    }
    let now = ws.load_head();
    assert_eq!(
        now.chapter("2").unwrap().title,
        "Rehabilitering og senfølger"
    );
    assert_eq!(
        now.chapter("2").unwrap().markdown,
        "# Rehabilitering og senfølger\n\nNy tekst.\n"
    );
    assert!(now.comments.iter().any(|c| c.id == late.id));
    // And plain git agrees about the file as it was sent.
    assert_eq!(
        ws.show("meeting/3", "drafts/02-rehabilitering.md"),
        SAMPLE_REHAB.trim_end()
    );
    let listed = ws.git(&["ls-tree", "--name-only", "meeting/3", "comments/"]);
    assert_eq!(listed, format!("comments/{}.toml", early.id));

    // The comment made before the tag is still anchored in the tagged commit's parent.
    assert_eq!(
        early.target.anchor.as_ref().unwrap().commit,
        ws.git(&["rev-parse", "meeting/3~1"])
    );
}

#[test]
fn meeting_tag_without_a_planned_meeting_uses_the_session_date() {
    let ws = Ws::sample();
    let s = ws.session_at(WRITER, "2024-09-25T08:00:00+02:00");
    let tag = s.meeting_tag(5).unwrap();
    assert_eq!(tag.title, "5. møde i følgegruppen");
    assert_eq!(tag.date, NaiveDate::from_ymd_opt(2024, 9, 25));
    assert_eq!(ws.git(&["cat-file", "-t", "meeting/5"]), "tag");
    assert_eq!(ws.store().meeting_tags().unwrap(), vec![tag]);
}

// ---------------------------------------------------------------------------
// plain git as a client
// ---------------------------------------------------------------------------

#[test]
fn a_chapter_edited_and_committed_with_plain_git_is_loaded() {
    let ws = Ws::sample();
    let text = "# Rehabilitering og prehabilitering\n\nPrehabilitering før behandlingen.\n";
    ws.write("drafts/02-rehabilitering.md", text);
    ws.git(&["add", "drafts/02-rehabilitering.md"]);
    ws.git_env(
        &["commit", "-q", "-m", "Kapitel 2: prehabilitering"],
        &author_env(
            "Anders Vestergaard",
            "anders@sst.example",
            "2024-07-01T10:00:00+02:00",
        ),
    );
    ws.assert_clean();

    let w = ws.load_head();
    let ch = w.chapter("rehabilitering").unwrap();
    assert_eq!(ch.title, "Rehabilitering og prehabilitering");
    assert_eq!(ch.markdown, text);
    assert_eq!(
        ch.blob.as_deref(),
        Some(
            ws.git(&["rev-parse", "HEAD:drafts/02-rehabilitering.md"])
                .as_str()
        )
    );
    let log = ws.store().log(Some(1)).unwrap();
    assert_eq!(log[0].author, "Anders Vestergaard");
    assert_eq!(log[0].email, "anders@sst.example");
    assert_eq!(log[0].time.to_rfc3339(), "2024-07-01T10:00:00+02:00");
    assert_eq!(log[0].summary, "Kapitel 2: prehabilitering");

    // The library keeps working on top of the hand-made commit, and a new
    // quote is taken from the new text.
    let c = ws
        .session(MEMBER)
        .add_comment(
            chapter("2", Some("Prehabilitering før behandlingen.")),
            "Godt.",
        )
        .unwrap();
    assert_eq!(
        c.target.anchor.unwrap().commit,
        ws.git(&["rev-parse", "HEAD^"])
    );
    ws.assert_clean();
}

#[test]
fn a_broken_recommendation_committed_by_hand_is_a_located_problem() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("2", None), "En kommentar.")
        .unwrap();
    let file = "recommendations/rehabilitering-til-alle.toml";
    let broken = SAMPLE_REC_REHAB.replace("goal = ", "gaol = ");
    ws.write(file, &broken);
    ws.git_commit_all_as(
        "Anders Vestergaard",
        "anders@sst.example",
        "2024-07-01T10:00:00+02:00",
        "Mål rettet",
    );

    let w = ws.load_head();
    let p = w
        .problems
        .iter()
        .find(|p| p.file == file)
        .unwrap_or_else(|| panic!("no problem for {file}: {:?}", w.problems));
    let line = broken.lines().position(|l| l.starts_with("gaol")).unwrap() + 1;
    assert_eq!(p.line, Some(line), "{p}");
    assert_eq!(p.column, Some(1), "{p}");
    assert!(p.message.contains("gaol"), "{p}");
    assert!(
        p.to_string().starts_with(&format!("{file}:{line}:1: ")),
        "{p}"
    );
    // Everything else loads.
    assert_eq!(w.chapters.len(), 2);
    assert_eq!(w.recommendations.len(), 1);
    assert_eq!(w.recommendations[0].slug, "tidlig-diagnostik");
    assert_eq!(w.comments, vec![c]);
    assert_eq!(w.config.members.len(), 4);
    // The broken file is named in priority.toml, which is reported too.
    assert!(
        w.problems.iter().any(|p| p.file == "priority.toml"),
        "{:?}",
        w.problems
    );
    assert_eq!(w.problems.len(), 2, "{:?}", w.problems);

    // Operations on the broken recommendation fail as unknown, others work.
    let s = ws.session(WRITER);
    let e = ws.refused(|| s.rec_set("rehabilitering-til-alle", &horizon(Horizon::Long)));
    assert!(matches!(e, Error::Unknown { .. }), "{e:?}");
    s.rec_set("tidlig-diagnostik", &horizon(Horizon::Long))
        .unwrap();
}

#[test]
fn save_commits_a_writers_hand_edits_as_one_commit() {
    let ws = Ws::sample();
    let c = ws
        .session(MEMBER)
        .add_comment(chapter("2", None), "En kommentar.")
        .unwrap();
    let count = ws.commit_count();

    let chapter_text = "# Indledning\n\nEn ny indledning.\n";
    ws.write("drafts/01-indledning.md", chapter_text);
    ws.write("drafts/03-palliation.md", "# Palliation\n\nNyt kapitel.\n");
    let rec = "recommendations/tidlig-diagnostik.toml";
    ws.write(
        rec,
        &SAMPLE_REC_DIAGNOSTIK.replace("Udredningen skal gå hurtigere.", "Hurtigere udredning."),
    );
    // A comment edited by hand is not something save records.
    let comment_file = format!("comments/{}.toml", c.id);
    let comment_edit = ws.read(&comment_file).replace("En kommentar.", "Ændret.");
    ws.write(&comment_file, &comment_edit);

    let s = ws.session_at(WRITER, "2024-07-02T12:00:00+02:00");
    let mut result = s.save("Rettelser i hånden").unwrap();
    result.saved.sort();
    assert_eq!(
        result.saved,
        ["drafts/01-indledning.md", "drafts/03-palliation.md", rec]
    );
    assert_eq!(result.skipped, std::slice::from_ref(&comment_file));
    assert_eq!(ws.commit_count(), count + 1);
    assert_eq!(
        ws.log1("%an <%ae>", "HEAD"),
        format!("{WRITER_NAME} <{WRITER}>")
    );
    assert_eq!(ws.log1("%s", "HEAD"), "Rettelser i hånden");
    assert_eq!(ws.log1("%aI", "HEAD"), "2024-07-02T12:00:00+02:00");
    let mut changed = ws.changed_files("HEAD");
    changed.sort();
    assert_eq!(
        changed,
        [
            "A\tdrafts/03-palliation.md".to_string(),
            "M\tdrafts/01-indledning.md".to_string(),
            format!("M\t{rec}")
        ]
    );
    assert_eq!(ws.status(), format!(" M {comment_file}"));
    assert_eq!(ws.read(&comment_file), comment_edit);

    let w = ws.load_head();
    assert_eq!(w.chapters.len(), 3);
    assert_eq!(w.chapter("3").unwrap().title, "Palliation");
    assert_eq!(w.chapter("1").unwrap().markdown, chapter_text);
    assert_eq!(w.recommendations[0].text, "Hurtigere udredning.");
    assert_eq!(w.comment(&c.id).unwrap().body, "En kommentar.");

    // A deleted chapter is saved as a deletion.
    std::fs::remove_file(ws.root.join("drafts/03-palliation.md")).unwrap();
    s.save("Kapitel 3 fjernet").unwrap();
    assert_eq!(ws.changed_files("HEAD"), ["D\tdrafts/03-palliation.md"]);
    assert_eq!(ws.load_head().chapters.len(), 2);

    // Nothing (but a comment) to save.
    let e = ws.refused(|| s.save("Intet"));
    assert!(matches!(e, Error::Invalid(_)), "{e:?}");
    // Only writers save.
    ws.write("drafts/01-indledning.md", "# Indledning\n\nIgen.\n");
    let m = ws.session(MEMBER);
    let e = ws.refused(|| m.save("Mit forslag"));
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
}

#[test]
fn save_refuses_an_edit_that_no_longer_parses() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    let rec = "recommendations/rehabilitering-til-alle.toml";
    let broken = SAMPLE_REC_REHAB.replace("horizon = \"medium\"", "horizon = \"mellem-lang\"");
    ws.write(rec, &broken);
    ws.write("drafts/01-indledning.md", "# Indledning\n\nRettet.\n");

    let e = ws.refused(|| s.save("Rettelser"));
    match &e {
        Error::File(p) => {
            assert_eq!(p.file, rec);
            assert_eq!(p.line, Some(2), "{p}");
            assert!(p.column.is_some(), "{p}");
        }
        other => panic!("expected Error::File, got {other:?}"),
    }
    // Neither edit was committed, and both are still on disk.
    assert_eq!(ws.read(rec), broken);
    assert_eq!(
        ws.read("drafts/01-indledning.md"),
        "# Indledning\n\nRettet.\n"
    );

    // A broken oplaeg.toml is refused as well.
    ws.write(rec, SAMPLE_REC_REHAB);
    let config = ws.read("oplaeg.toml");
    ws.write(
        "oplaeg.toml",
        &config.replace("role = \"member\"", "role = \"boss\""),
    );
    let e = ws.refused(|| s.save("Rettelser"));
    assert!(
        matches!(&e, Error::File(p) if p.file == "oplaeg.toml"),
        "{e:?}"
    );
    ws.write("oplaeg.toml", &config);

    // Once fixed, it saves.
    s.save("Rettelser").unwrap();
    assert_eq!(ws.changed_files("HEAD"), ["M\tdrafts/01-indledning.md"]);
    ws.assert_clean();
}

// ---------------------------------------------------------------------------
// the demo
// ---------------------------------------------------------------------------

fn manifest(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn normalise(markdown: &str) -> String {
    let mut t = markdown.replace("\r\n", "\n");
    if !t.ends_with('\n') {
        t.push('\n');
    }
    t
}

#[test]
fn the_demo_builds_a_believable_history() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("demo");
    let store = oplaeg::demo::build(&root).unwrap();
    assert_eq!(
        std::fs::canonicalize(store.root()).unwrap(),
        std::fs::canonicalize(&root).unwrap()
    );

    let script: toml::Table = manifest("demo/history.toml").parse().unwrap();
    let steps = script["step"].as_array().unwrap();
    let non_tag = steps
        .iter()
        .filter(|s| s["action"].as_str() != Some("tag"))
        .count();
    let config: toml::Table = manifest("demo/oplaeg.toml").parse().unwrap();
    let org_of: HashMap<String, String> = config["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_string(),
                m["organisation"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    // Plain git.
    assert_eq!(git(&root, &["symbolic-ref", "--short", "HEAD"]), "main");
    assert_eq!(
        git(&root, &["tag", "-l", "meeting/*"]),
        "meeting/3\nmeeting/4"
    );
    assert_eq!(git(&root, &["cat-file", "-t", "meeting/3"]), "tag");
    assert_eq!(git(&root, &["cat-file", "-t", "meeting/4"]), "tag");
    let count: usize = git(&root, &["rev-list", "--count", "HEAD"])
        .parse()
        .unwrap();
    assert_eq!(count, 1 + non_tag);
    assert_eq!(
        git(&root, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    git(&root, &["fsck", "--no-progress", "--strict"]);
    let emails = git(&root, &["log", "--format=%ae"]);
    let orgs: BTreeSet<&str> = emails
        .lines()
        .map(|e| {
            org_of
                .get(e)
                .unwrap_or_else(|| panic!("{e} is not a demo member"))
                .as_str()
        })
        .collect();
    assert!(orgs.len() >= 4, "{orgs:?}");
    for date in git(&root, &["log", "--format=%aI %cI"]).split_whitespace() {
        assert!(date.starts_with("2024-"), "{date}");
    }
    for line in git(
        &root,
        &[
            "for-each-ref",
            "--format=%(taggerdate:iso-strict)",
            "refs/tags",
        ],
    )
    .lines()
    {
        assert!(line.starts_with("2024-"), "{line}");
    }
    // Commits are in time order, oldest at the bottom.
    let times: Vec<i64> = git(&root, &["log", "--format=%at"])
        .lines()
        .map(|t| t.parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // The library.
    let head = store.load(&Rev::head()).unwrap();
    assert_eq!(head.chapters.len(), 12);
    assert_eq!(head.recommendations.len(), 10);
    assert!(head.problems.is_empty(), "{:?}", head.problems);
    let dispositions: BTreeSet<&str> = head
        .comments
        .iter()
        .filter_map(|c| c.resolution.as_ref())
        .map(|r| r.disposition.key())
        .collect();
    let all: BTreeSet<&str> = Disposition::ALL.iter().map(|d| d.key()).collect();
    assert_eq!(dispositions, all);
    let at4 = store.load(&Rev::Named("4".into())).unwrap();
    let open_after_4 = head
        .comments
        .iter()
        .filter(|c| c.is_open() && at4.comment(&c.id).is_err())
        .count();
    assert!(open_after_4 > 0);
    assert!(head.comments.len() > at4.comments.len());
    assert!(head.comments.iter().any(|c| c.reply_to.is_some()));
    assert!(
        head.comments
            .iter()
            .any(|c| c.target.recommendation.is_some()),
        "some comments are on recommendations"
    );
    let tags = store.meeting_tags().unwrap();
    let numbers: Vec<u32> = tags.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [3, 4]);
    assert!(
        tags.iter()
            .all(|t| t.date.is_some_and(|d| d.year() == 2024))
    );
    assert_eq!(tags[1].date, NaiveDate::from_ymd_opt(2024, 8, 28));
    // Every anchored comment points at a commit in the history.
    for c in &head.comments {
        if let Some(a) = &c.target.anchor {
            git(&root, &["merge-base", "--is-ancestor", &a.commit, "HEAD"]);
        }
    }

    // Meeting 3 has the chapters as first written; HEAD the revised ones.
    let at3 = store.load(&Rev::Named("3".into())).unwrap();
    assert_eq!(at3.chapters.len(), 12);
    assert!(
        at3.comments.is_empty(),
        "the draft for meeting 3 had no comments yet"
    );
    let revisions = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/revisions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<BTreeSet<_>>();
    assert_eq!(revisions.len(), 4);
    for name in &revisions {
        let (_, slug) = oplaeg::model::parse_chapter_file_name(name).unwrap();
        let original = normalise(&manifest(&format!("drafts/{name}")));
        let revised = normalise(&manifest(&format!("demo/revisions/{name}")));
        assert_ne!(original, revised, "{name}");
        assert_eq!(
            at3.chapter(&slug).unwrap().markdown,
            original,
            "{name} at meeting 3"
        );
        // At HEAD as revised, with the ændringsforslag the writers applied
        // since written in.
        let mut expected = revised.clone();
        for c in &head.comments {
            if c.target.chapter.as_deref() != Some(slug.as_str()) {
                continue;
            }
            let (Some(s), Some(a)) = (&c.suggestion, &c.target.anchor) else {
                continue;
            };
            if let Some(applied) = &s.applied {
                assert!(expected.contains(&a.quote), "{name}: {}", a.quote);
                expected = expected.replacen(&a.quote, &applied.text, 1);
            }
        }
        assert_eq!(
            head.chapter(&slug).unwrap().markdown,
            expected,
            "{name} at HEAD"
        );
    }
    // The other chapters are unchanged.
    for ch in &head.chapters {
        if !revisions.contains(&ch.file["drafts/".len()..]) {
            assert_eq!(
                at3.chapter(&ch.slug).unwrap().markdown,
                ch.markdown,
                "{}",
                ch.file
            );
        }
    }

    // Building into a folder that is not empty is refused.
    let e = oplaeg::demo::build(&root).err().expect("refused");
    assert!(matches!(e, Error::Exists(_)), "{e:?}");
}

// ---------------------------------------------------------------------------
// git's edges: other folders, detached HEAD, locks, concurrent writers
// ---------------------------------------------------------------------------

#[test]
fn the_workspace_is_found_from_a_subfolder() {
    let ws = Ws::sample();
    let store = oplaeg::store::Store::discover(&ws.root.join("drafts")).unwrap();
    assert_eq!(
        std::fs::canonicalize(store.root()).unwrap(),
        std::fs::canonicalize(&ws.root).unwrap()
    );
    let e = oplaeg::store::Store::discover(&ws.home)
        .err()
        .expect("no workspace");
    assert!(matches!(e, Error::NotAWorkspace(_)), "{e:?}");
    // A folder with oplaeg.toml but no repository of its own.
    let plain = ws.tmp.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("oplaeg.toml"), "title = \"T\"\n").unwrap();
    let e = oplaeg::store::Store::open(&plain)
        .err()
        .expect("not a repository");
    assert!(matches!(e, Error::NotAGitRepository(_)), "{e:?}");
}

#[test]
fn a_detached_head_is_refused() {
    let ws = Ws::sample();
    ws.git(&["switch", "-q", "--detach"]);
    let s = ws.session(MEMBER);
    let e = ws.refused(|| s.add_comment(chapter("1", None), "Hej."));
    assert!(matches!(e, Error::Invalid(_)), "{e:?}");
    ws.git(&["switch", "-q", "main"]);
    s.add_comment(chapter("1", None), "Hej.").unwrap();
    ws.assert_clean();
}

#[test]
fn a_held_branch_lock_refuses_and_changes_nothing() {
    let ws = Ws::sample();
    let lock = ws.root.join(".git/refs/heads/main.lock");
    std::fs::write(&lock, "").unwrap();
    let s = ws.session(MEMBER);
    let e = ws.refused(|| s.add_comment(chapter("1", None), "Hej."));
    assert!(matches!(e, Error::Concurrent | Error::Git { .. }), "{e:?}");
    std::fs::remove_file(&lock).unwrap();
    let c = s.add_comment(chapter("1", None), "Hej.").unwrap();
    assert_eq!(
        ws.changed_files("HEAD"),
        [format!("A\tcomments/{}.toml", c.id)]
    );
    ws.assert_clean();
}

#[test]

fn a_locked_index_fails_without_committing() {
    let ws = Ws::sample();
    let lock = ws.root.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let s = ws.session(MEMBER);
    let e = ws.refused(|| s.add_comment(chapter("1", None), "Hej."));
    // Named, with what to do, before anything is written.
    assert!(
        matches!(&e, Error::Invalid(m) if m.contains("index.lock")),
        "{e:?}"
    );
    std::fs::remove_file(&lock).unwrap();
    ws.assert_clean();
}

/// `writers` sessions comment at the same moment, each through its own store.
fn race(ws: &Ws, writers: usize) -> Vec<oplaeg::Result<oplaeg::model::Comment>> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(writers));
    let handles: Vec<_> = (0..writers)
        .map(|i| {
            let root = ws.root.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let store = oplaeg::store::Store::open(&root).unwrap();
                let s = oplaeg::ops::Session::new(store, Some(MEMBER)).unwrap();
                barrier.wait();
                s.add_comment(chapter("1", None), &format!("Kommentar nr. {i}"))
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn concurrent_writers_never_lose_a_commit() {
    for _round in 0..5 {
        let ws = Ws::sample();
        let base = ws.commit_count();
        let results = race(&ws, 8);
        let ok: BTreeSet<String> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|c| c.id.clone()))
            .collect();
        assert!(!ok.is_empty(), "someone gets through");
        for r in &results {
            if let Err(e) = r {
                assert!(matches!(e, Error::Concurrent | Error::Git { .. }), "{e:?}");
            }
        }
        // Every success is one commit in the history, and no failure is.
        assert_eq!(ws.commit_count(), base + ok.len());
        let committed: BTreeSet<String> = ws
            .git(&["ls-tree", "--name-only", "HEAD", "comments/"])
            .lines()
            .map(|l| l["comments/".len()..l.len() - ".toml".len()].to_string())
            .collect();
        assert_eq!(committed, ok);
        // The files on disk are exactly the committed ones: failures put back
        // what they wrote.
        let on_disk: BTreeSet<String> = std::fs::read_dir(ws.root.join("comments"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .map(|n| n.trim_end_matches(".toml").to_string())
            .collect();
        assert_eq!(on_disk, ok);
        let loaded: BTreeSet<String> = ws.load_head().comments.into_iter().map(|c| c.id).collect();
        assert_eq!(loaded, ok);
    }
}

#[test]

fn concurrent_writers_leave_the_index_consistent() {
    for _round in 0..50 {
        let ws = Ws::sample();
        race(&ws, 8);
        ws.assert_clean();
    }
}

#[test]

fn concurrent_writers_to_one_file_leave_it_as_committed() {
    let file = "recommendations/tidlig-diagnostik.toml";
    for _round in 0..10 {
        let ws = Ws::sample();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let root = ws.root.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let store = oplaeg::store::Store::open(&root).unwrap();
                    let s = oplaeg::ops::Session::new(store, Some(WRITER)).unwrap();
                    let edit = RecEdit {
                        goal: Some(format!("Mål nr. {i}")),
                        ..RecEdit::default()
                    };
                    barrier.wait();
                    s.rec_set("tidlig-diagnostik", &edit)
                })
            })
            .collect();
        for h in handles {
            let _ = h.join().unwrap();
        }
        assert_eq!(ws.read(file).trim_end(), ws.show("HEAD", file));
        ws.assert_clean();
    }
}

// ---------------------------------------------------------------------------
// validation gaps
// ---------------------------------------------------------------------------

#[test]

fn a_failed_init_leaves_no_half_made_repository() {
    let ws = Ws::empty();
    // git cannot sign with angle brackets in an address.
    let config = oplaeg::model::Config::new(
        TITLE,
        oplaeg::ops::writer(WRITER_NAME, "mette<holm@sst.example", WRITER_ORG),
    );
    // (`--writer "Mette Holm <mette<holm@sst.example>"` gives this address.)
    assert_eq!(
        oplaeg::ops::parse_person("Mette Holm <mette<holm@sst.example>"),
        Some((
            WRITER_NAME.to_string(),
            "mette<holm@sst.example".to_string()
        ))
    );
    let e = oplaeg::ops::init(&ws.root, &config, &[], None)
        .err()
        .expect("refused");
    // Any error will do; what matters is that nothing is left behind.
    assert!(!ws.root.join(".git").exists(), "after {e:?}");
    oplaeg::ops::init(&ws.root, &writer_config(), &[], None).expect("a second try works");
}

#[test]

fn member_add_refuses_names_git_cannot_sign_with() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    let e = ws.refused(|| s.member_add("Jens <RM>", "jens2@rm.example", MEMBER_ORG, Role::Member));
    assert!(matches!(e, Error::InvalidValue { .. }), "{e:?}");
    let e = ws.refused(|| s.member_add("Jens", "jens<2>@rm.example", MEMBER_ORG, Role::Member));
    assert!(matches!(e, Error::InvalidValue { .. }), "{e:?}");
}

#[test]

fn an_all_digit_commit_prefix_names_a_commit() {
    let ws = Ws::sample();
    // Deterministic commits (fixed content, author and date) until one's
    // seven-character abbreviation is all digits (about 1 in 27).
    let mut found = None;
    for n in 0..2000 {
        ws.git_env(
            &["commit", "-q", "--allow-empty", "-m", &format!("Tom {n}")],
            &author_env(WRITER_NAME, WRITER, "2024-06-01T12:00:00+02:00"),
        );
        let head = ws.head();
        if head[..7].bytes().all(|b| b.is_ascii_digit()) {
            found = Some(head);
            break;
        }
    }
    let head = found.expect("an all-digit abbreviation within 2000 commits");
    let short = &head[..7];
    assert_eq!(
        ws.git(&["rev-parse", short]),
        head,
        "plain git reads it as a commit"
    );
    let store = ws.store();
    assert_eq!(
        store.resolve(short).map(|o| o.to_string()).ok(),
        Some(head.clone())
    );
    assert!(store.load(&Rev::Named(short.into())).is_ok());
}

#[test]
fn rec_reorder_saves_a_whole_new_order_in_one_commit() {
    let ws = Ws::sample();
    let s = ws.session(WRITER);
    s.rec_add("Tidlig palliativ samtale", Horizon::Short, "Tekst.", None)
        .unwrap();
    let count = ws.commit_count();
    // Last to first, the others keep their order: two moved … three in all.
    let saved = s
        .rec_reorder(&["3", "tidlig-diagnostik", "rehabilitering-til-alle"])
        .unwrap();
    assert_eq!(ws.commit_count(), count + 1, "one commit");
    assert_eq!(saved[0].slug, "tidlig-palliativ-samtale");
    assert_eq!(saved[0].rank, 1);
    assert_eq!(ws.changed_files("HEAD"), ["M\tpriority.toml"]);
    assert_eq!(
        ws.log1("%s", "HEAD"),
        "Ny prioritering af anbefalingerne (3 flyttet)"
    );
    assert!(
        ws.log1("%b", "HEAD")
            .contains("nr. 3 → nr. 1: Tidlig palliativ samtale")
    );
    let order: Vec<String> = ws
        .load_head()
        .recommendations
        .iter()
        .map(|r| r.slug.clone())
        .collect();
    assert_eq!(
        order,
        [
            "tidlig-palliativ-samtale",
            "tidlig-diagnostik",
            "rehabilitering-til-alle"
        ]
    );
    ws.assert_clean();

    // Every recommendation once, or nothing is written.
    let err = ws.refused(|| s.rec_reorder(&["1", "2"]));
    assert!(err.to_string().contains("mangler"), "{err}");
    let err = ws.refused(|| s.rec_reorder(&["1", "1", "2"]));
    assert!(err.to_string().contains("to gange"), "{err}");
    let err = ws.refused(|| s.rec_reorder(&["1", "2", "3"]));
    assert!(err.to_string().contains("ingen ændring"), "{err}");
    let member = ws.session(MEMBER);
    let err = ws.refused(|| member.rec_reorder(&["3", "2", "1"]));
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}
