//! Generates a large, deterministic oplæg workspace for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example gen_workspace -- \
//!     --chapters 60 --megabytes 5 --comments 10000 --commits 2000 [--seed 42] [--meetings 4] OUT
//! cargo run --release --example gen_workspace -- \
//!     --prose [--edited 5] --chapters 60 --megabytes 5 --comments 0 --commits 5 OUT
//! ```
//!
//! OUT must not exist or be empty. It becomes an ordinary workspace on branch
//! `main` with a clean working tree:
//!
//! - `oplaeg.toml` with 3 writers from Sundhedsstyrelsen, 40 members from the
//!   regions, KL, Danske Regioner, patient organisations and professional
//!   societies, one reviewer, and the planned meetings;
//! - `--chapters` chapters of Danish-like prose (`# Title`, `## ` subheadings,
//!   paragraphs, bullet lists), about `--megabytes` MiB in all;
//! - 10–15 recommendations and their priority order;
//! - exactly `--comments` comment files (comments, replies, some quoting a
//!   sentence with an anchor, some resolved with each disposition, a few
//!   withdrawn);
//! - exactly `--commits` commits with increasing 2024 working-hour dates: the
//!   first holds the initial draft, the rest are comment batches, chapter
//!   revisions, answers to comments, and priority and horizon changes;
//! - `--meetings` annotated tags `meeting/1..N` spread over the history.
//!
//! Everything is derived from `--seed` with a small PRNG (splitmix64), so the
//! same arguments give byte-identical files and identical commit ids. Files
//! are written with the library's own types (`Config`, `Recommendation`,
//! `Comment`, `PriorityFile`), so the format always matches what `oplaeg`
//! writes.
//!
//! For speed the history is written with git2 directly, the way
//! `Store::commit` builds a commit (same trees, signatures and messages), into
//! an in-memory object database that is packed every ~128 MiB; the working
//! tree is checked out once at the end. `--via-store` (hidden) makes every
//! commit through `Store::commit` instead: much slower, but it shows that the
//! fast path gives the very same commit ids.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Weekday};
use clap::Parser;
use git2::{FileMode, Mempack, Odb, Oid, Repository, Signature, Time};

use oplaeg::i18n::Lang;
use oplaeg::model::{
    Anchor, Author, Choice, Comment, CommentStatus, Config, Disposition, Horizon, Horizons,
    Meeting, Member, PriorityFile, RecStatus, Recommendation, Resolution, Role, Target,
    chapter_file_name, paths, to_toml,
};
use oplaeg::ops::anchor_in;
use oplaeg::store::{Change, Identity, Rev, Store};
use oplaeg::text::{slugify, truncate};

/// Generates a large, deterministic oplæg workspace for benchmarks and load tests.
#[derive(Parser, Debug)]
#[command(name = "gen_workspace")]
struct Args {
    /// Number of chapters.
    #[arg(long)]
    chapters: u32,
    /// Total size of the chapters in MiB (fractions allowed).
    #[arg(long)]
    megabytes: f64,
    /// Number of comment files (comments and replies) at the end.
    #[arg(long)]
    comments: usize,
    /// Number of commits in the history.
    #[arg(long)]
    commits: usize,
    /// Seed for everything random.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of meeting tags (`meeting/1..N`).
    #[arg(long, default_value_t = 4)]
    meetings: u32,
    /// Prose only (needs `--comments 0`): every commit after the first edits
    /// about `--edited` percent of the paragraphs of every chapter (a word
    /// or two in a sentence or two), as a diff benchmark without comments.
    #[arg(long)]
    prose: bool,
    /// With `--prose`: the share of paragraphs edited per commit, in percent.
    #[arg(long, default_value_t = 5.0)]
    edited: f64,
    /// Make every commit through `Store::commit` (slow; for checking the fast path).
    #[arg(long, hide = true)]
    via_store: bool,
    /// The folder to create.
    out: PathBuf,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    ensure!(
        (1..=9999).contains(&args.chapters),
        "--chapters must be 1–9999"
    );
    ensure!(
        args.megabytes > 0.0 && args.megabytes.is_finite(),
        "--megabytes must be > 0"
    );
    ensure!(args.commits >= 1, "--commits must be at least 1");
    ensure!(
        args.comments == 0 || args.commits >= 2,
        "comments need at least 2 commits (the first holds the initial draft)"
    );
    ensure!(
        !args.prose || args.comments == 0,
        "--prose makes a workspace without comments: give --comments 0"
    );
    ensure!(
        (0.0..=100.0).contains(&args.edited),
        "--edited is a percentage, 0–100"
    );
    if args.out.exists() && std::fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} exists and is not empty", args.out.display());
    }

    let mut g = Gen::new(&args);
    let times = timeline(&mut g.rng, args.commits);
    let plan = Plan::new(&mut g.rng, &args, &times);
    let config = g.config(&plan);

    let store = Store::init(&args.out).context("creating the repository")?;
    let repo = store.repo();
    let odb = repo.odb()?;
    let mempack = if args.via_store {
        None
    } else {
        // Every object is written here, once, from known content: skip
        // re-hashing what is read back and checking that tree entries exist.
        // Neither changes a single byte of what is written.
        git2::opts::strict_hash_verification(false);
        git2::opts::strict_object_creation(false);
        Some(odb.add_new_mempack_backend(1000)?)
    };
    let mut git = Git {
        store: &store,
        repo,
        odb: &odb,
        direct: mempack.as_ref().map(Direct::new),
        head: None,
        packs: 0,
    };

    let mut tags = 0;
    for (i, &when) in times.iter().enumerate() {
        let step = if i == 0 {
            g.initial(&config)
        } else if args.prose {
            g.revise_all(args.edited / 100.0)
        } else {
            let head = git.head.map(|o| o.to_string()).unwrap_or_default();
            let gap = (when - times[i - 1]).num_seconds();
            g.step(plan.kinds[i], plan.counts[i], when, gap, &head)
        };
        let actor = &g.members[step.actor];
        git.commit(step.writes, &step.message, actor, when)
            .with_context(|| format!("commit {i}: {}", step.message))?;
        for (n, meeting) in plan.meetings.iter().enumerate() {
            if meeting.commit != i {
                continue;
            }
            let next = times.get(i + 1).map_or(3600, |t| (*t - when).num_seconds());
            let at = when + Duration::seconds((next / 2).min(1800));
            let writer = &g.members[g.writers[n % g.writers.len()]];
            git.tag(n as u32 + 1, &meeting.date, writer, at)?;
            tags += 1;
        }
        if (i + 1) % 500 == 0 {
            eprintln!(
                "  {} / {} commits ({:.1?})",
                i + 1,
                times.len(),
                started.elapsed()
            );
        }
    }
    git.finish()?;
    let generated = started.elapsed();

    // Load it back with the library, as the app would.
    let check = Instant::now();
    let ws = Store::open(&args.out)?.load(&Rev::head())?;
    for p in ws.problems.iter().take(10) {
        eprintln!("problem: {p:?}");
    }
    ensure!(ws.problems.is_empty(), "{} problems", ws.problems.len());
    ensure!(ws.chapters.len() == args.chapters as usize, "chapter count");
    ensure!(ws.comments.len() == args.comments, "comment count");
    let loaded = check.elapsed();

    let bytes: usize = g.chapters.iter().map(|c| c.md.len()).sum();
    let s = &g.stats;
    let resolved: usize = s.resolved.iter().sum();
    println!("workspace   {}", args.out.display());
    println!(
        "chapters    {} ({} bytes, {:.2} MiB)",
        g.chapters.len(),
        bytes,
        bytes as f64 / MIB
    );
    println!("recs        {}", g.recs.len());
    println!(
        "comments    {} ({} replies, {} quoting, {} resolved [met {}, partly {}, not {}, noted {}], {} withdrawn)",
        g.comments.len(),
        s.replies,
        s.anchored,
        resolved,
        s.resolved[0],
        s.resolved[1],
        s.resolved[2],
        s.resolved[3],
        s.withdrawn
    );
    println!(
        "commits     {} (initial draft, {} comment batches, {} chapter revisions, {} answer batches, {} recommendation changes, {} withdrawals)",
        times.len(),
        s.comment_commits,
        s.revisions,
        s.resolve_commits,
        s.rec_commits,
        s.withdrawn
    );
    println!("tags        {tags} (meeting/1..{})", args.meetings);
    println!("packs       {}", git.packs);
    println!(
        "head        {}",
        git.head.map(|o| o.to_string()).unwrap_or_default()
    );
    println!("elapsed     {generated:.2?} (+ {loaded:.2?} loading it back: no problems)");
    Ok(())
}

const MIB: f64 = 1024.0 * 1024.0;

// ---------------------------------------------------------------------------
// Randomness

/// splitmix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }

    /// The 80 random bits of a ULID.
    fn bits80(&mut self) -> u128 {
        ((u128::from(self.next()) << 64) | u128::from(self.next())) & ((1u128 << 80) - 1)
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Vocabulary

const SUBJECTS_PROPER: &[&str] = &[
    "Sundhedsstyrelsen",
    "Danske Regioner",
    "KL",
    "Kræftens Bekæmpelse",
    "Sundhedsdatastyrelsen",
    "Task Force for Patientforløb",
    "Indenrigs- og Sundhedsministeriet",
    "DMCG.dk",
];

const SUBJECTS: &[&str] = &[
    "Regionerne",
    "Kommunerne",
    "Almen praksis",
    "Sygehusene",
    "De kliniske kvalitetsdatabaser",
    "Patienter med kræft",
    "Pårørende",
    "Mange patienter",
    "Fagpersonerne",
    "De onkologiske afdelinger",
    "Den praktiserende læge",
    "Kontaktpersonen",
    "Det tværfaglige team",
    "Forløbskoordinatoren",
    "Ældre patienter med kræft",
    "Borgere med kort uddannelse",
    "Patienter med metastatisk sygdom",
    "Kræftoverlevere",
    "Den kommunale rehabilitering",
    "Pakkeforløbene",
    "Screeningsprogrammerne",
    "Strålebehandlingen",
    "Den palliative indsats",
    "Sundhedsvæsenet",
    "De multidisciplinære teams",
    "Sygeplejerskerne",
    "Speciallægerne",
    "Hospicerne",
];

const VERBS: &[&str] = &[
    "bør styrke",
    "skal sikre",
    "kan understøtte",
    "har behov for",
    "forudsætter",
    "bidrager til",
    "vil kunne forbedre",
    "bør prioritere",
    "skal udvikle",
    "har ansvaret for",
    "efterspørger",
    "oplever",
    "styrker",
    "sikrer",
    "understøtter",
    "prioriterer",
    "bør udbygge",
    "mangler",
    "efterlyser",
    "peger på",
    "påvirker",
    "bør evaluere",
    "skal følge op på",
    "kan forbedre",
    "bør organisere",
    "skal koordinere",
    "bør øge",
    "kan målrette",
];

const OBJECTS: &[&str] = &[
    "den tidlige opsporing af kræft",
    "rehabiliteringen efter endt behandling",
    "indsatsen mod senfølger",
    "den palliative indsats",
    "kapaciteten i strålebehandlingen",
    "pakkeforløbene for kræft",
    "screeningsprogrammet for tarmkræft",
    "brystkræftscreeningen",
    "screeningen for livmoderhalskræft",
    "datadelingen på tværs af sektorer",
    "den fælles beslutningstagning",
    "lighed i sundhed",
    "overlevelsen efter fem år",
    "patienternes livskvalitet",
    "ventetiderne til udredning",
    "koordinationen af forløbet",
    "kompetencerne hos personalet",
    "den diagnostiske pakke",
    "forebyggelsen af rygning",
    "opfølgningen efter kræft",
    "samarbejdet med almen praksis",
    "brugen af kunstig intelligens",
    "de patientrapporterede oplysninger",
    "kvaliteten af behandlingen",
    "de nationale kliniske retningslinjer",
    "prehabiliteringen før operation",
    "den psykosociale støtte",
    "inddragelsen af pårørende",
    "forskningen i senfølger",
    "rekrutteringen af speciallæger",
    "den præcisionsmedicinske behandling",
    "den genetiske udredning",
    "adgangen til kliniske forsøg",
    "tilknytningen til arbejdsmarkedet",
    "tilbuddet til børn og unge med kræft",
    "den specialiserede palliation",
    "antallet af hospicepladser",
    "opsporingen af lungekræft",
    "monitoreringen af kræftområdet",
    "de regionale forskelle",
    "den afklarende samtale",
    "overgangen mellem sygehus og kommune",
    "ernæringsindsatsen under behandling",
    "den fysiske træning",
    "behandlingen af ældre med flere sygdomme",
];

const MODIFIERS: &[&str] = &[
    "på tværs af sektorer",
    "i hele landet",
    "for borgere med kort uddannelse",
    "inden for de eksisterende økonomiske rammer",
    "i de kommende år",
    "med udgangspunkt i patientens behov",
    "i samarbejde med almen praksis",
    "i forlængelse af Kræftplan IV",
    "i takt med den demografiske udvikling",
    "uden at øge ventetiderne",
    "på baggrund af den nyeste evidens",
    "for patienter i alle aldre",
    "i både regioner og kommuner",
    "frem mod 2035",
    "i overensstemmelse med de nationale retningslinjer",
    "med særlig vægt på sårbare patienter",
    "gennem hele forløbet",
    "efter afsluttet behandling",
    "i den sidste del af livet",
    "på en mere ensartet måde",
    "med respekt for patientens præferencer",
    "ved overgangen mellem sygehus og kommune",
    "i tæt dialog med følgegruppen",
    "som beskrevet i kommissoriet",
    "hvor gevinsten for patienterne er størst",
    "for de mest sårbare grupper",
    "i den enkelte region",
];

const CONNECTORS: &[&str] = &[
    ", og",
    ", men",
    ", fordi",
    ", så",
    ", samtidig med at",
    ", mens",
    ", selv om",
];

const OPENERS: &[&str] = &[
    "Det er afgørende, at",
    "Erfaringerne fra Kræftplan IV viser, at",
    "Sundhedsstyrelsen vurderer, at",
    "Følgegruppen har peget på, at",
    "Data fra Sundhedsdatastyrelsen viser, at",
    "Det bemærkes, at",
    "Samtidig gælder det, at",
    "Vidensafdækningen tyder på, at",
    "Flere organisationer har påpeget, at",
    "Det er vigtigt, at",
    "Der er bred enighed om, at",
    "Internationale erfaringer viser, at",
];

const FILLERS: &[&str] = &["i praksis", "fremover", "i dag", "fortsat"];

const ADVERBS: &[&str] = &[
    "fortsat",
    "også",
    "i højere grad",
    "fremover",
    "systematisk",
    "tydeligt",
    "generelt",
];

/// Word swaps for small revisions (tried in both directions).
const SWAPS: &[(&str, &str)] = &[
    ("bør", "skal"),
    ("styrke", "udbygge"),
    ("sikre", "understøtte"),
    ("patienter", "borgere"),
    ("regionerne", "sygehusene"),
    ("øge", "forbedre"),
    ("tidlige", "hurtige"),
    ("kommende", "næste"),
    ("ensartet", "ens"),
    ("indsatsen", "arbejdet"),
    ("kapaciteten", "ressourcerne"),
    ("forløbet", "patientforløbet"),
    ("vigtigt", "væsentligt"),
    ("afgørende", "centralt"),
    ("mange", "flere"),
    ("sårbare", "udsatte"),
];

const HEADINGS: &[&str] = &[
    "Udfordringer",
    "Status og udvikling",
    "Organisering",
    "Kapacitet og ressourcer",
    "Lighed i forløbet",
    "Data og monitorering",
    "Erfaringer fra Kræftplan IV",
    "Internationale erfaringer",
    "Patienternes perspektiv",
    "Pårørendes behov",
    "Sammenhæng på tværs af sektorer",
    "Kompetencer og uddannelse",
    "Forskning og evidens",
    "Realiserbarhed",
    "Opmærksomhedspunkter",
    "Følgegruppens drøftelser",
    "Anbefalingernes grundlag",
    "Perspektiver frem mod 2035",
];

const CHAPTER_TITLES: &[&str] = &[
    "Indledning",
    "Sammenfatning",
    "Baggrund og metode",
    "Status på kræftområdet",
    "Forebyggelse",
    "Screening",
    "Tidlig opsporing",
    "Udredning og diagnostik",
    "Pakkeforløb for kræft",
    "Kirurgisk behandling",
    "Strålebehandling",
    "Medicinsk kræftbehandling",
    "Præcisionsmedicin og genetik",
    "Rehabilitering",
    "Prehabilitering",
    "Senfølger",
    "Palliation",
    "Ældre med kræft",
    "Børn og unge med kræft",
    "Ulighed i kræft",
    "Pårørende",
    "Psykosocial støtte",
    "Fælles beslutningstagning",
    "Almen praksis",
    "Kommunernes rolle",
    "Kapacitet og arbejdskraft",
    "Kompetencer og uddannelse",
    "Data og monitorering",
    "Teknologi og kunstig intelligens",
    "Kvalitetsudvikling og forskning",
    "Kliniske forsøg",
    "Organisering og samarbejde",
    "Internationale erfaringer",
    "Økonomi og prioritering",
    "Sjældne kræftformer",
    "Metastatisk sygdom",
    "Opfølgning efter kræft",
];

const CHAPTER_ASPECTS: &[&str] = &[
    "organisering",
    "kapacitet",
    "ulighed",
    "data og kvalitet",
    "kompetencer",
    "patientinddragelse",
    "forskning",
    "økonomi",
];

const REC_TITLES: &[&str] = &[
    "Styrket kapacitet og robusthed i kræftbehandlingen",
    "Tidlig opsporing af kræft i almen praksis",
    "Rehabilitering og prehabilitering til alle, der har behov",
    "Revision af pakkeforløbene for kræft",
    "Differentieret og risikobaseret screening",
    "Tidlig palliativ samtale ved uhelbredelig kræft",
    "Organisering af indsatsen mod senfølger",
    "Fælles beslutningstagning i hele forløbet",
    "Datadeling på tværs af sektorer",
    "Kunstig intelligens i diagnostikken",
    "Målrettet indsats mod social ulighed i kræft",
    "Styrket indsats for ældre med kræft",
    "Bedre adgang til kliniske forsøg",
    "Ensartet opfølgning efter kræftbehandling",
    "Støtte til pårørende og efterladte",
    "Nationalt program for lungekræftscreening",
    "Kompetenceløft i kommunerne",
    "Præcisionsmedicin som en del af standardbehandlingen",
];

const FIRST_NAMES: &[&str] = &[
    "Mette",
    "Anders",
    "Line",
    "Jens",
    "Camilla",
    "Henrik",
    "Birgitte",
    "Sofie",
    "Peter",
    "Søren",
    "Hanne",
    "Lars",
    "Kirsten",
    "Mads",
    "Pernille",
    "Rasmus",
    "Karen",
    "Thomas",
    "Lene",
    "Morten",
    "Ida",
    "Frederik",
    "Malene",
    "Jørgen",
    "Anne",
    "Bo",
    "Signe",
    "Mikkel",
    "Trine",
    "Niels",
    "Åse",
    "Christian",
    "Helle",
    "Jakob",
    "Dorthe",
    "Ole",
    "Louise",
    "Torben",
    "Maria",
    "Kasper",
];

const LAST_NAMES: &[&str] = &[
    "Holm",
    "Vestergaard",
    "Bak",
    "Nørgaard",
    "Frøstrup",
    "Dalsgaard",
    "Skovbo",
    "Ahlmann",
    "Kjærsgaard",
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Møller",
    "Mortensen",
    "Østergaard",
    "Lund",
    "Kjær",
    "Bøgh",
    "Dahl",
    "Brødsgaard",
    "Friis",
    "Aagaard",
    "Winther",
    "Krogh",
];

/// (organisation, e-mail domain, number of members, activity weight)
const ORGS: &[(&str, &str, usize, usize)] = &[
    ("Region Hovedstaden", "regionh.example", 3, 3),
    ("Region Sjælland", "regionsjaelland.example", 3, 3),
    ("Region Syddanmark", "rsyd.example", 3, 3),
    ("Region Midtjylland", "rm.example", 3, 3),
    ("Region Nordjylland", "rn.example", 3, 3),
    ("Danske Regioner", "regioner.example", 3, 3),
    ("KL", "kl.example", 3, 3),
    ("Kræftens Bekæmpelse", "cancer.example", 3, 3),
    ("Danske Patienter", "danskepatienter.example", 2, 2),
    (
        "Patientforeningen for Lungekræft",
        "lungekraeft.example",
        1,
        1,
    ),
    ("Dansk Brystkræft Organisation", "brystkraeft.example", 1, 1),
    ("Dansk Selskab for Klinisk Onkologi", "dsko.example", 2, 2),
    ("Dansk Selskab for Almen Medicin", "dsam.example", 2, 2),
    ("Dansk Selskab for Palliativ Medicin", "dspm.example", 1, 1),
    ("Dansk Sygeplejeråd", "dsr.example", 2, 2),
    ("Danske Fysioterapeuter", "fysio.example", 1, 1),
    ("Lægeforeningen", "laeger.example", 1, 1),
    ("Sundhedsdatastyrelsen", "sundhedsdata.example", 1, 1),
    (
        "Danske Multidisciplinære Cancer Grupper",
        "dmcg.example",
        2,
        2,
    ),
];

// ---------------------------------------------------------------------------
// Prose

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn lc_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `1234567` → `1.234.567`, the Danish way.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

fn subject(rng: &mut Rng, at_start: bool) -> String {
    if rng.chance(0.2) {
        rng.pick(SUBJECTS_PROPER).to_string()
    } else if at_start {
        rng.pick(SUBJECTS).to_string()
    } else {
        lc_first(rng.word(SUBJECTS))
    }
}

/// "regionerne bør styrke den tidlige opsporing af kræft"
fn clause(rng: &mut Rng, at_start: bool) -> String {
    let s = subject(rng, at_start);
    let v = rng.pick(VERBS);
    let o = rng.pick(OBJECTS);
    format!("{s} {v} {o}")
}

fn fact(rng: &mut Rng) -> String {
    let year = rng.range(2018, 2023);
    match rng.below(5) {
        0 => format!(
            "I {year} blev der registreret {} nye tilfælde af kræft i Danmark.",
            thousands(rng.range(40_000, 48_000))
        ),
        1 => format!(
            "Femårsoverlevelsen for alle kræftformer samlet er steget fra {} til {} pct. siden {}.",
            rng.range(48, 55),
            rng.range(60, 66),
            rng.range(2005, 2012)
        ),
        2 => format!(
            "Omkring {} pct. af patienterne vurderer {} som utilstrækkelig.",
            rng.range(12, 45),
            rng.pick(OBJECTS)
        ),
        3 => format!(
            "Ventetiden fra henvisning til behandling var i gennemsnit {} dage i {year}.",
            rng.range(18, 45)
        ),
        _ => format!(
            "Antallet af personer, der lever med eller efter kræft, forventes at overstige {} i {}.",
            thousands(rng.range(400_000, 520_000)),
            rng.range(2030, 2040)
        ),
    }
}

/// A sentence of `min..=max` words (facts may be a little shorter), ending in a period.
fn sentence(rng: &mut Rng, min: usize, max: usize) -> String {
    if rng.chance(0.08) {
        return fact(rng);
    }
    let target = rng.range(min, max);
    let mut s = if rng.chance(0.3) {
        format!("{} {}", rng.pick(OPENERS), clause(rng, false))
    } else {
        clause(rng, true)
    };
    for _ in 0..8 {
        let n = words(&s);
        if n >= target {
            break;
        }
        let add = if rng.chance(0.6) || n + 6 > max {
            format!(" {}", rng.pick(MODIFIERS))
        } else {
            format!("{} {}", rng.pick(CONNECTORS), clause(rng, false))
        };
        if n + words(&add) <= max {
            s.push_str(&add);
        }
    }
    while words(&s) < min {
        s.push(' ');
        s.push_str(rng.word(FILLERS));
    }
    s.push('.');
    s
}

/// A chapter sentence, now and then with one word in *emphasis*.
fn chapter_sentence(rng: &mut Rng) -> String {
    let s = sentence(rng, 8, 25);
    if !rng.chance(0.04) {
        return s;
    }
    let mut ws: Vec<String> = s.split(' ').map(str::to_string).collect();
    let i = rng.range(1, ws.len().saturating_sub(2).max(1));
    if ws[i].chars().count() >= 5 && ws[i].chars().all(char::is_alphabetic) {
        ws[i] = format!("*{}*", ws[i]);
    }
    ws.join(" ")
}

fn paragraph(rng: &mut Rng, lo: usize, hi: usize) -> Vec<String> {
    (0..rng.range(lo, hi))
        .map(|_| chapter_sentence(rng))
        .collect()
}

fn prose(rng: &mut Rng, lo: usize, hi: usize) -> String {
    (0..rng.range(lo, hi))
        .map(|_| sentence(rng, 8, 25))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text a reader sees of a sentence: markup removed.
fn plain(s: &str) -> String {
    s.replace('*', "")
}

// ---------------------------------------------------------------------------
// Chapters

#[derive(Clone)]
enum Block {
    Heading(String),
    Para(Vec<String>),
    List(Vec<String>),
}

impl Block {
    fn rendered_len(&self) -> usize {
        match self {
            Block::Heading(h) => 1 + 3 + h.len() + 1,
            Block::Para(s) => 1 + s.iter().map(|x| x.len() + 1).sum::<usize>(),
            Block::List(items) => 1 + items.iter().map(|x| x.len() + 3).sum::<usize>(),
        }
    }
}

struct Chap {
    number: u32,
    slug: String,
    title: String,
    blocks: Vec<Block>,
    /// The Markdown as committed now.
    md: String,
}

impl Chap {
    fn path(&self) -> String {
        format!(
            "{}/{}",
            paths::DRAFTS,
            chapter_file_name(self.number, &self.slug)
        )
    }

    fn render(&mut self) {
        let mut s = format!("# {}\n", self.title);
        for b in &self.blocks {
            s.push('\n');
            match b {
                Block::Heading(h) => {
                    s.push_str("## ");
                    s.push_str(h);
                    s.push('\n');
                }
                Block::Para(sentences) => {
                    s.push_str(&sentences.join(" "));
                    s.push('\n');
                }
                Block::List(items) => {
                    for it in items {
                        s.push_str("- ");
                        s.push_str(it);
                        s.push('\n');
                    }
                }
            }
        }
        self.md = s;
    }

    fn paragraphs(&self) -> Vec<usize> {
        (0..self.blocks.len())
            .filter(|&i| matches!(self.blocks[i], Block::Para(_)))
            .collect()
    }
}

fn chapter_titles(n: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while out.len() < n {
        let (index, round) = (i % CHAPTER_TITLES.len(), i / CHAPTER_TITLES.len());
        i += 1;
        // The first three set the scene once; later rounds revisit the topics.
        if round > 0 && index < 3 {
            continue;
        }
        let base = CHAPTER_TITLES[index];
        let title = if round == 0 {
            base.to_string()
        } else {
            let aspect = CHAPTER_ASPECTS[(round - 1) % CHAPTER_ASPECTS.len()];
            let lap = (round - 1) / CHAPTER_ASPECTS.len();
            if lap == 0 {
                format!("{base} – {aspect}")
            } else {
                format!("{base} – {aspect} ({})", lap + 1)
            }
        };
        let mut slug = slugify(&title);
        let mut k = 2;
        while out.iter().any(|(_, s)| *s == slug) {
            slug = format!("{}-{k}", slugify(&title));
            k += 1;
        }
        out.push((title, slug));
    }
    out
}

fn make_chapter(rng: &mut Rng, number: u32, title: String, slug: String, target: usize) -> Chap {
    let mut blocks = vec![Block::Para(paragraph(rng, 3, 6))];
    let mut size = 2 + title.len() + blocks[0].rendered_len();
    'outer: while size < target {
        let h = Block::Heading(rng.pick(HEADINGS).to_string());
        size += h.rendered_len();
        blocks.push(h);
        let mut last_list = false;
        for _ in 0..rng.range(2, 6) {
            let b = if !last_list && rng.chance(0.15) {
                Block::List((0..rng.range(3, 6)).map(|_| sentence(rng, 8, 14)).collect())
            } else {
                Block::Para(paragraph(rng, 3, 8))
            };
            last_list = matches!(b, Block::List(_));
            size += b.rendered_len();
            blocks.push(b);
            if size >= target {
                break 'outer;
            }
        }
    }
    let mut c = Chap {
        number,
        slug,
        title,
        blocks,
        md: String::new(),
    };
    c.render();
    c
}

// ---------------------------------------------------------------------------
// Time

/// Denmark's UTC offset on a day (EU summer time, last Sunday of March to last
/// Sunday of October). Only working hours are used, so the switch hour never matters.
fn danish_offset(date: NaiveDate) -> FixedOffset {
    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut d =
            NaiveDate::from_ymd_opt(year, month + 1, 1).expect("valid date") - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d
    }
    let summer = date >= last_sunday(date.year(), 3) && date < last_sunday(date.year(), 10);
    FixedOffset::east_opt(if summer { 7200 } else { 3600 }).expect("valid offset")
}

fn is_workday(d: NaiveDate) -> bool {
    const HOLIDAYS_2024: &[(u32, u32)] = &[
        (1, 1),
        (3, 28),
        (3, 29),
        (4, 1),
        (5, 9),
        (5, 10),
        (5, 20),
        (6, 5),
        (12, 24),
        (12, 25),
        (12, 26),
        (12, 31),
    ];
    let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let holiday = d.year() == 2024 && HOLIDAYS_2024.contains(&(d.month(), d.day()));
    // Summer holidays: weeks 28–30.
    let summer = d.year() == 2024 && (28..=30).contains(&d.iso_week().week());
    weekday && !holiday && !summer
}

fn next_workday(mut d: NaiveDate) -> NaiveDate {
    while !is_workday(d) {
        d += Duration::days(1);
    }
    d
}

/// Strictly increasing commit times in working hours (08:00–16:30), from
/// 8 January 2024 to mid-December (later only for enormous histories).
fn timeline(rng: &mut Rng, commits: usize) -> Vec<DateTime<FixedOffset>> {
    const DAY: u64 = 8 * 3600 + 1800;
    let end = NaiveDate::from_ymd_opt(2024, 12, 13).expect("valid date");
    let mut days = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2024, 1, 8).expect("valid date");
    while d <= end || (days.len() as u64) * DAY < 4 * commits as u64 {
        if is_workday(d) {
            days.push(d);
        }
        d += Duration::days(1);
    }
    let total = days.len() as u64 * DAY;
    let step = total as f64 / commits as f64;
    (0..commits)
        .map(|i| {
            let s = (i as f64 * step + rng.unit() * 0.8 * step) as u64;
            let day = days[(s / DAY) as usize];
            let secs = 8 * 3600 + (s % DAY) as i64;
            let offset = danish_offset(day);
            let local = day.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds(secs);
            offset
                .from_local_datetime(&local)
                .single()
                .expect("fixed offsets are unambiguous")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The plan: what each commit does

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Initial,
    Comments,
    Revise,
    Resolve,
    Move,
    RecSet,
    Withdraw,
}

struct PlannedMeeting {
    commit: usize,
    date: NaiveDate,
    deadline: NaiveDate,
}

struct Plan {
    kinds: Vec<Kind>,
    /// Comments to write in each commit (only for `Kind::Comments`).
    counts: Vec<usize>,
    meetings: Vec<PlannedMeeting>,
}

impl Plan {
    fn new(rng: &mut Rng, args: &Args, times: &[DateTime<FixedOffset>]) -> Plan {
        let c = args.commits;
        let mut kinds = vec![Kind::Initial; c];
        for k in kinds.iter_mut().skip(1) {
            let x = rng.below(100);
            *k = match x {
                0..62 => Kind::Comments,
                62..78 => Kind::Revise,
                78..92 => Kind::Resolve,
                92..95 => Kind::Move,
                95..99 => Kind::RecSet,
                _ => Kind::Withdraw,
            };
        }
        // Exactly `--comments` comments, at least one per comment commit.
        let mut comment_commits: Vec<usize> =
            (1..c).filter(|&i| kinds[i] == Kind::Comments).collect();
        if args.comments > 0 && comment_commits.is_empty() {
            kinds[1] = Kind::Comments;
            comment_commits.push(1);
        }
        while comment_commits.len() > args.comments {
            let j = rng.below(comment_commits.len());
            kinds[comment_commits.remove(j)] = Kind::Revise;
        }

        let n = args.meetings as usize;
        let meetings: Vec<PlannedMeeting> = (1..=n)
            .map(|k| {
                let commit = (k * c / (n + 1)).min(c - 1);
                let date = next_workday(times[commit].date_naive() + Duration::days(7));
                let mut deadline = date - Duration::days(2);
                while !is_workday(deadline) && deadline > times[commit].date_naive() {
                    deadline -= Duration::days(1);
                }
                PlannedMeeting {
                    commit,
                    date,
                    deadline,
                }
            })
            .collect();

        // Comments cluster in the weeks after a draft is sent.
        let span = (c / (n + 1) / 3).max(1);
        let weight = |i: usize| {
            let busy = meetings
                .iter()
                .any(|m| i > m.commit && i <= m.commit + span);
            if busy { 3.0 } else { 1.0 }
        };
        let mut counts = vec![0usize; c];
        let mut cumulative = Vec::with_capacity(comment_commits.len());
        let mut sum = 0.0;
        for &i in &comment_commits {
            counts[i] = 1;
            sum += weight(i);
            cumulative.push(sum);
        }
        for _ in comment_commits.len()..args.comments {
            let x = rng.unit() * sum;
            let j = cumulative
                .partition_point(|&w| w <= x)
                .min(comment_commits.len() - 1);
            counts[comment_commits[j]] += 1;
        }
        Plan {
            kinds,
            counts,
            meetings,
        }
    }
}

// ---------------------------------------------------------------------------
// The generator's state

/// One commit's content.
struct Step {
    actor: usize,
    message: String,
    writes: Vec<(String, Vec<u8>)>,
}

#[derive(Default)]
struct Stats {
    replies: usize,
    anchored: usize,
    /// met, partly met, not met, noted
    resolved: [usize; 4],
    withdrawn: usize,
    comment_commits: usize,
    revisions: usize,
    resolve_commits: usize,
    rec_commits: usize,
}

struct Gen {
    rng: Rng,
    members: Vec<Member>,
    writers: Vec<usize>,
    /// Members who comment, repeated by how active they are.
    commenters: Vec<usize>,
    chapters: Vec<Chap>,
    recs: Vec<Recommendation>,
    order: Vec<String>,
    comments: Vec<Comment>,
    /// Indices of open top-level comments.
    open: Vec<usize>,
    ids: HashSet<String>,
    stats: Stats,
}

fn ascii(s: &str) -> String {
    let mut out = String::new();
    for ch in s.to_lowercase().chars() {
        match ch {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' => out.push('e'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

impl Gen {
    fn new(args: &Args) -> Gen {
        let mut rng = Rng(args.seed);
        let mut members = Vec::new();
        let mut emails = HashSet::new();
        let mut person = |rng: &mut Rng, org: &str, domain: &str, role: Role| {
            loop {
                let first = *rng.pick(FIRST_NAMES);
                let last = *rng.pick(LAST_NAMES);
                let email = format!("{}.{}@{domain}", ascii(first), ascii(last));
                if emails.insert(email.clone()) {
                    return Member {
                        name: format!("{first} {last}"),
                        email,
                        organisation: org.to_string(),
                        role,
                    };
                }
            }
        };
        for _ in 0..3 {
            members.push(person(
                &mut rng,
                "Sundhedsstyrelsen",
                "sst.example",
                Role::Writer,
            ));
        }
        let mut commenters = Vec::new();
        for &(org, domain, count, activity) in ORGS {
            for _ in 0..count {
                commenters.extend(std::iter::repeat_n(members.len(), activity));
                members.push(person(&mut rng, org, domain, Role::Member));
            }
        }
        members.push(person(
            &mut rng,
            "Indenrigs- og Sundhedsministeriet",
            "ism.example",
            Role::Reviewer,
        ));

        // Chapters, their sizes varying around the mean.
        let n = args.chapters as usize;
        let total = (args.megabytes * MIB) as usize;
        let weights: Vec<f64> = (0..n).map(|_| 0.6 + 0.8 * rng.unit()).collect();
        let sum: f64 = weights.iter().sum();
        let chapters: Vec<Chap> = chapter_titles(n)
            .into_iter()
            .enumerate()
            .map(|(i, (title, slug))| {
                let target = (total as f64 * weights[i] / sum) as usize;
                make_chapter(&mut rng, i as u32 + 1, title, slug, target)
            })
            .collect();

        // 10–15 recommendations.
        let mut titles: Vec<&str> = REC_TITLES.to_vec();
        rng.shuffle(&mut titles);
        titles.truncate(rng.range(10, 15));
        let recs: Vec<Recommendation> = titles
            .iter()
            .map(|t| {
                let horizon = *rng.pick(Horizon::ALL);
                let mut r = Recommendation::new(&slugify(t), t, horizon, &prose(&mut rng, 2, 4));
                r.status = if rng.chance(0.7) {
                    RecStatus::Proposed
                } else {
                    RecStatus::Draft
                };
                let mut related: Vec<String> = Vec::new();
                for _ in 0..rng.range(1, 3) {
                    let slug = chapters[rng.below(chapters.len())].slug.clone();
                    if !related.contains(&slug) {
                        related.push(slug);
                    }
                }
                r.chapters = related;
                r.goal = goal(&mut rng);
                r.realizability = prose(&mut rng, 2, 3);
                if rng.chance(0.5) {
                    r.kraeftplan_iv = Some(prose(&mut rng, 1, 2));
                }
                r
            })
            .collect();
        let mut order: Vec<String> = recs.iter().map(|r| r.slug.clone()).collect();
        rng.shuffle(&mut order);

        Gen {
            rng,
            members,
            writers: vec![0, 1, 2],
            commenters,
            chapters,
            recs,
            order,
            comments: Vec::new(),
            open: Vec::new(),
            ids: HashSet::new(),
            stats: Stats::default(),
        }
    }

    fn config(&self, plan: &Plan) -> Config {
        Config {
            title: "Fagligt oplæg til Kræftplan V".into(),
            recommended_count: self.recs.len(),
            members: self.members.clone(),
            horizons: Horizons::default(),
            meetings: plan
                .meetings
                .iter()
                .enumerate()
                .map(|(i, m)| Meeting {
                    number: i as u32 + 1,
                    date: m.date,
                    title: meeting_title(i as u32 + 1),
                    deadline: Some(m.deadline),
                })
                .collect(),
            plan_start: None,
        }
    }

    fn initial(&mut self, config: &Config) -> Step {
        let mut writes = vec![
            (paths::CONFIG.to_string(), to_toml(config).into_bytes()),
            (
                paths::PRIORITY.to_string(),
                PriorityFile::render(&self.order).into_bytes(),
            ),
        ];
        for c in &self.chapters {
            writes.push((c.path(), c.md.clone().into_bytes()));
        }
        for r in &self.recs {
            writes.push((paths::recommendation(&r.slug), r.to_file().into_bytes()));
        }
        Step {
            actor: self.writers[0],
            message: format!("Nyt fagligt oplæg: {}", config.title),
            writes,
        }
    }

    fn step(
        &mut self,
        kind: Kind,
        count: usize,
        when: DateTime<FixedOffset>,
        gap: i64,
        head: &str,
    ) -> Step {
        match kind {
            Kind::Comments => self.comment_batch(count, when, gap, head),
            Kind::Resolve if !self.open.is_empty() => self.resolve(when),
            Kind::Withdraw if !self.open.is_empty() => self.withdraw(),
            Kind::Move if self.order.len() > 1 => self.move_rec(),
            Kind::RecSet => self.rec_set(),
            _ => self.revise(),
        }
    }

    fn author(&self, m: usize) -> Author {
        let m = &self.members[m];
        Author {
            name: m.name.clone(),
            email: m.email.clone(),
            organisation: m.organisation.clone(),
        }
    }

    fn member_by_email(&self, email: &str) -> usize {
        self.members
            .iter()
            .position(|m| m.email == email)
            .expect("comment authors are members")
    }

    fn rank(&self, slug: &str) -> usize {
        self.order
            .iter()
            .position(|s| s == slug)
            .map_or(0, |i| i + 1)
    }

    fn rec(&self, slug: &str) -> &Recommendation {
        self.recs
            .iter()
            .find(|r| r.slug == slug)
            .expect("known recommendation")
    }

    fn new_id(&mut self, when: DateTime<FixedOffset>) -> String {
        let millis = u64::try_from(when.timestamp_millis()).unwrap_or(0);
        loop {
            let id = ulid::Ulid::from_parts(millis, self.rng.bits80())
                .to_string()
                .to_lowercase();
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// An anchor on a sentence (or a phrase of one) of a chapter as it is at `head`.
    fn quote(&mut self, ch: usize, head: &str) -> Option<Anchor> {
        let paras = self.chapters[ch].paragraphs();
        if paras.is_empty() {
            return None;
        }
        let Block::Para(sentences) = &self.chapters[ch].blocks[*self.rng.pick(&paras)] else {
            return None;
        };
        let full = plain(self.rng.pick(sentences).as_str());
        let ws: Vec<&str> = full.split(' ').collect();
        let mut tries = vec![full.clone()];
        if ws.len() >= 10 && self.rng.chance(0.4) {
            let len = self.rng.range(5, 8);
            let start = self.rng.below(ws.len() - len);
            tries.insert(0, ws[start..start + len].join(" "));
        }
        let c = &self.chapters[ch];
        tries
            .iter()
            .find_map(|q| anchor_in(&c.title, &c.md, q, head).ok())
    }

    fn comment_batch(
        &mut self,
        count: usize,
        when: DateTime<FixedOffset>,
        gap: i64,
        head: &str,
    ) -> Step {
        self.stats.comment_commits += 1;
        // Now and then a writer answers in threads; otherwise a member comments.
        let writer_replies = !self.comments.is_empty() && self.rng.chance(0.06);
        let actor = if writer_replies {
            *self.rng.pick(&self.writers)
        } else {
            *self.rng.pick(&self.commenters)
        };
        let author = self.author(actor);
        let org = format!("({})", author.organisation);
        let spacing = (gap / (count as i64 + 1)).clamp(0, 45);
        let mut new = Vec::with_capacity(count);
        let mut summaries = Vec::with_capacity(count);
        for k in 0..count {
            let created = when - Duration::seconds((count - 1 - k) as i64 * spacing);
            let id = self.new_id(created);
            let parent = if writer_replies || (!self.comments.is_empty() && self.rng.chance(0.25)) {
                self.pick_parent(&author.email)
            } else {
                None
            };
            let (target, reply_to, body, summary) = match parent {
                Some(p) => {
                    let parent = &self.comments[p];
                    let mut target = parent.target.clone();
                    target.anchor = None;
                    let parent_org = parent.author.organisation.clone();
                    let parent_id = parent.id.clone();
                    let body =
                        reply_body(&mut self.rng, actor < 3, &author.organisation, &parent_org);
                    self.stats.replies += 1;
                    let summary = format!("Svar på kommentar fra {parent_org} {org}");
                    (target, Some(parent_id), body, summary)
                }
                None if self.rng.chance(0.72) => {
                    let ch = self.rng.below(self.chapters.len());
                    let anchor = if self.rng.chance(0.5) {
                        self.quote(ch, head)
                    } else {
                        None
                    };
                    if anchor.is_some() {
                        self.stats.anchored += 1;
                    }
                    let body = comment_body(&mut self.rng, &author.organisation, anchor.is_some());
                    let c = &self.chapters[ch];
                    let summary = format!("Kommentar til kapitel {} {} {org}", c.number, c.title);
                    let target = Target {
                        chapter: Some(c.slug.clone()),
                        recommendation: None,
                        anchor,
                    };
                    (target, None, body, summary)
                }
                None => {
                    let slug = self.rng.pick(&self.order).clone();
                    let r = self.rec(&slug);
                    let summary = format!(
                        "Kommentar til anbefaling {}: {} {org}",
                        self.rank(&slug),
                        truncate(&r.title, 60)
                    );
                    let body = rec_comment_body(&mut self.rng, &author.organisation);
                    let target = Target {
                        chapter: None,
                        recommendation: Some(slug),
                        anchor: None,
                    };
                    (target, None, body, summary)
                }
            };
            summaries.push(summary);
            new.push(Comment {
                id,
                created,
                body,
                status: CommentStatus::Open,
                reply_to,
                author: author.clone(),
                target,
                resolution: None,
                suggestion: None,
            });
        }
        let summary = if count == 1 {
            summaries.remove(0)
        } else if new.iter().all(|c| c.reply_to.is_some()) {
            format!("{count} svar fra {} {org}", author.name)
        } else {
            format!("{count} kommentarer fra {} {org}", author.name)
        };
        let mut message = format!("{summary}\n\n");
        let mut writes = Vec::with_capacity(count);
        for c in new {
            message.push_str(&format!("Kommentar: {}\n", c.id));
            writes.push((paths::comment(&c.id), c.to_file().into_bytes()));
            if c.reply_to.is_none() {
                self.open.push(self.comments.len());
            }
            self.comments.push(c);
        }
        Step {
            actor,
            message,
            writes,
        }
    }

    /// A comment to answer: mostly a recent one, never one's own, never a withdrawn one.
    fn pick_parent(&mut self, email: &str) -> Option<usize> {
        for _ in 0..6 {
            let n = self.comments.len();
            let i = if self.rng.chance(0.7) {
                n - 1 - self.rng.below(n.min(300))
            } else {
                self.rng.below(n)
            };
            let c = &self.comments[i];
            if c.author.email != email && c.status != CommentStatus::Withdrawn {
                return Some(i);
            }
        }
        None
    }

    fn resolve(&mut self, when: DateTime<FixedOffset>) -> Step {
        self.stats.resolve_commits += 1;
        let actor = *self.rng.pick(&self.writers);
        let by = self.members[actor].email.clone();
        let k = self.rng.range(1, 25).min(self.open.len());
        let mut message = String::new();
        let mut trailer = String::new();
        let mut writes = Vec::with_capacity(k);
        for _ in 0..k {
            let j = self.rng.below(self.open.len());
            let idx = self.open.swap_remove(j);
            let d = *self.rng.pick(Disposition::ALL);
            let response = response_body(&mut self.rng, d);
            self.stats.resolved[Disposition::ALL.iter().position(|x| *x == d).unwrap_or(0)] += 1;
            let c = &mut self.comments[idx];
            c.status = CommentStatus::Resolved;
            c.resolution = Some(Resolution {
                disposition: d,
                response,
                by: by.clone(),
                at: when,
            });
            if k == 1 {
                message = format!(
                    "Kommentar fra {} besvaret: {}",
                    c.author.organisation,
                    d.label_in(Lang::Da)
                );
            }
            trailer.push_str(&format!("Kommentar: {}\n", c.id));
            writes.push((paths::comment(&c.id), c.to_file().into_bytes()));
        }
        if k > 1 {
            message = format!("Høringsnotat: {k} kommentarer besvaret");
        }
        Step {
            actor,
            message: format!("{message}\n\n{trailer}"),
            writes,
        }
    }

    fn withdraw(&mut self) -> Step {
        let j = self.rng.below(self.open.len());
        let idx = self.open.swap_remove(j);
        self.stats.withdrawn += 1;
        let actor = self.member_by_email(&self.comments[idx].author.email);
        let c = &mut self.comments[idx];
        c.status = CommentStatus::Withdrawn;
        Step {
            actor,
            message: format!(
                "Kommentar trukket tilbage ({})\n\nKommentar: {}\n",
                c.author.organisation, c.id
            ),
            writes: vec![(paths::comment(&c.id), c.to_file().into_bytes())],
        }
    }

    fn move_rec(&mut self) -> Step {
        self.stats.rec_commits += 1;
        let n = self.order.len();
        let from = self.rng.below(n);
        let mut to = self.rng.below(n - 1);
        if to >= from {
            to += 1;
        }
        let slug = self.order.remove(from);
        self.order.insert(to, slug.clone());
        let title = truncate(&self.rec(&slug).title, 60).into_owned();
        Step {
            actor: *self.rng.pick(&self.writers),
            message: format!(
                "Anbefaling flyttet fra nr. {} til nr. {}: {title}",
                from + 1,
                to + 1
            ),
            writes: vec![(
                paths::PRIORITY.to_string(),
                PriorityFile::render(&self.order).into_bytes(),
            )],
        }
    }

    fn rec_set(&mut self) -> Step {
        self.stats.rec_commits += 1;
        let actor = *self.rng.pick(&self.writers);
        let i = self.rng.below(self.recs.len());
        let what = match self.rng.below(3) {
            0 => {
                let old = self.recs[i].horizon;
                let others: Vec<Horizon> =
                    Horizon::ALL.iter().copied().filter(|h| *h != old).collect();
                let new = *self.rng.pick(&others);
                self.recs[i].horizon = new;
                format!(
                    "tidshorisont {} → {}",
                    old.label_in(Lang::Da),
                    new.label_in(Lang::Da)
                )
            }
            1 => {
                let old = self.recs[i].status;
                let new = match old {
                    RecStatus::Draft => RecStatus::Proposed,
                    RecStatus::Proposed => RecStatus::Agreed,
                    RecStatus::Agreed => RecStatus::Proposed,
                    RecStatus::Dropped => RecStatus::Draft,
                };
                self.recs[i].status = new;
                format!(
                    "status {} → {}",
                    old.label_in(Lang::Da),
                    new.label_in(Lang::Da)
                )
            }
            _ => {
                self.recs[i].goal = goal(&mut self.rng);
                "mål".to_string()
            }
        };
        let r = &self.recs[i];
        Step {
            actor,
            message: format!(
                "Anbefaling {}: {} ({what})",
                self.rank(&r.slug),
                truncate(&r.title, 50)
            ),
            writes: vec![(paths::recommendation(&r.slug), r.to_file().into_bytes())],
        }
    }

    /// Edits about `share` of the paragraphs of every chapter: a word or
    /// two in one or two of their sentences (`--prose`).
    fn revise_all(&mut self, share: f64) -> Step {
        self.stats.revisions += 1;
        let actor = *self.rng.pick(&self.writers);
        let rng = &mut self.rng;
        let mut writes = Vec::new();
        for c in &mut self.chapters {
            let before = c.md.clone();
            for b in c.paragraphs() {
                if !rng.chance(share) {
                    continue;
                }
                if let Block::Para(sentences) = &mut c.blocks[b] {
                    for _ in 0..rng.range(1, 2) {
                        let s = rng.below(sentences.len());
                        sentences[s] = edit_words(rng, &sentences[s]);
                    }
                }
            }
            c.render();
            if c.md != before {
                writes.push((c.path(), c.md.clone().into_bytes()));
            }
        }
        Step {
            actor,
            message: format!("Sproglige rettelser i {} kapitler", writes.len()),
            writes,
        }
    }

    fn revise(&mut self) -> Step {
        self.stats.revisions += 1;
        let actor = *self.rng.pick(&self.writers);
        let ci = self.rng.below(self.chapters.len());
        let rng = &mut self.rng;
        let c = &mut self.chapters[ci];
        let before = c.md.clone();
        let mut what = Vec::new();
        let paras = c.paragraphs();
        if !paras.is_empty() {
            for _ in 0..rng.range(1, 3) {
                let b = *rng.pick(&paras);
                if let Block::Para(sentences) = &mut c.blocks[b] {
                    for _ in 0..rng.range(1, 3) {
                        let s = rng.below(sentences.len());
                        sentences[s] = edit_words(rng, &sentences[s]);
                    }
                    if rng.chance(0.15) {
                        let at = rng.range(0, sentences.len());
                        sentences.insert(at, chapter_sentence(rng));
                    }
                }
            }
            what.push("sproglige rettelser");
        } else {
            c.blocks.push(Block::Para(paragraph(rng, 3, 6)));
            what.push("nyt afsnit");
        }
        let paras = c.paragraphs();
        if paras.len() > 1 && rng.chance(0.2) {
            let from = *rng.pick(&paras);
            let block = c.blocks.remove(from);
            let mut to = rng.below(c.blocks.len());
            if to == from {
                to = c.blocks.len();
            }
            c.blocks.insert(to, block);
            what.push("afsnit flyttet");
        }
        if rng.chance(0.3) {
            let at = rng.range(0, c.blocks.len());
            c.blocks.insert(at, Block::Para(paragraph(rng, 3, 7)));
            what.push("nyt afsnit");
        } else if paras.len() > 4 && rng.chance(0.1) {
            let paras = c.paragraphs();
            c.blocks.remove(*rng.pick(&paras));
            what.push("afsnit slettet");
        }
        c.render();
        if c.md == before {
            // Two edits cancelled out; a revision always changes something.
            c.blocks.push(Block::Para(paragraph(rng, 3, 6)));
            what.push("nyt afsnit");
            c.render();
        }
        what.sort_unstable();
        what.dedup();
        Step {
            actor,
            message: format!("Kapitel {} {}: {}", c.number, c.title, what.join(", ")),
            writes: vec![(c.path(), c.md.clone().into_bytes())],
        }
    }
}

/// A small edit: swap a word for its counterpart, or insert an adverb.
fn edit_words(rng: &mut Rng, sentence: &str) -> String {
    let mut ws: Vec<String> = sentence.split(' ').map(str::to_string).collect();
    let start = rng.below(ws.len());
    for k in 0..ws.len() {
        let i = (start + k) % ws.len();
        if i == 0 {
            continue;
        }
        let w = &ws[i];
        let bare = w.trim_end_matches(['.', ',']);
        let tail = &w[bare.len()..];
        let swap = SWAPS.iter().find_map(|(a, b)| {
            if bare == *a {
                Some(*b)
            } else if bare == *b {
                Some(*a)
            } else {
                None
            }
        });
        if let Some(new) = swap {
            ws[i] = format!("{new}{tail}");
            return ws.join(" ");
        }
    }
    let at = ws.len().min(2);
    ws.insert(at, rng.pick(ADVERBS).to_string());
    ws.join(" ")
}

fn goal(rng: &mut Rng) -> String {
    format!(
        "At {} {} inden {}. {}",
        rng.pick(OBJECTS),
        rng.pick(&["forbedres", "styrkes", "udbygges", "gøres mere ensartet"]),
        rng.range(2028, 2035),
        sentence(rng, 8, 18)
    )
}

fn meeting_title(n: u32) -> String {
    format!("{n}. møde i følgegruppen")
}

fn comment_body(rng: &mut Rng, org: &str, quoting: bool) -> String {
    let first = if quoting {
        match rng.below(4) {
            0 => "Sætningen bør omformuleres.".to_string(),
            1 => format!(
                "Citatet giver indtryk af, at {}, hvilket ikke er dækkende.",
                clause(rng, false)
            ),
            2 => "Vi foreslår at slette sætningen eller underbygge den med data.".to_string(),
            _ => format!("{org} er uenig i denne formulering."),
        }
    } else {
        match rng.below(7) {
            0 => format!(
                "{org} savner en tydeligere beskrivelse af {}.",
                rng.pick(OBJECTS)
            ),
            1 => format!(
                "{org} foreslår, at afsnittet suppleres med en beskrivelse af {} {}.",
                rng.pick(OBJECTS),
                rng.pick(MODIFIERS)
            ),
            2 => format!(
                "Vi er overordnet enige i kapitlet, men {}.",
                clause(rng, false)
            ),
            3 => format!(
                "Formuleringen bør præciseres, så det fremgår, at {}.",
                clause(rng, false)
            ),
            4 => format!(
                "Det er uklart, hvordan {} skal forstås i denne sammenhæng.",
                rng.pick(OBJECTS)
            ),
            5 => format!(
                "Kapitlet undervurderer betydningen af {}.",
                rng.pick(OBJECTS)
            ),
            _ => "Der mangler en henvisning til de nationale kliniske retningslinjer på området."
                .to_string(),
        }
    };
    let mut body = first;
    for _ in 0..rng.range(0, 3) {
        body.push(' ');
        body.push_str(&sentence(rng, 8, 22));
    }
    if rng.chance(0.2) {
        body.push_str("\n\n");
        body.push_str(&prose(rng, 1, 3));
    }
    body
}

fn rec_comment_body(rng: &mut Rng, org: &str) -> String {
    let mut body = match rng.below(5) {
        0 => format!("{org} støtter anbefalingen, men {}.", clause(rng, false)),
        1 => format!(
            "Anbefalingen bør have en {} tidshorisont, fordi {}.",
            rng.pick(&["kort", "mellemlang", "lang"]),
            clause(rng, false)
        ),
        2 => format!(
            "Målet for anbefalingen er for uambitiøst; {}.",
            clause(rng, false)
        ),
        3 => format!(
            "Realiserbarheden er vurderet for optimistisk i lyset af {}.",
            rng.pick(OBJECTS)
        ),
        _ => "Vi foreslår, at anbefalingen prioriteres højere.".to_string(),
    };
    for _ in 0..rng.range(0, 2) {
        body.push(' ');
        body.push_str(&sentence(rng, 8, 22));
    }
    body
}

fn reply_body(rng: &mut Rng, writer: bool, org: &str, parent_org: &str) -> String {
    let mut body = if writer {
        match rng.below(4) {
            0 => "Tak for kommentaren. Sundhedsstyrelsen ser på formuleringen til næste udkast."
                .to_string(),
            1 => "Tak. Vi tager emnet op på næste møde i følgegruppen.".to_string(),
            2 => format!("Sundhedsstyrelsen noterer sig, at {}.", clause(rng, false)),
            _ => format!("Tak for input. {}", sentence(rng, 8, 18)),
        }
    } else {
        match rng.below(4) {
            0 => format!("{org} er enig med {parent_org}."),
            1 => format!("Vi bakker op om kommentaren fra {parent_org}."),
            2 => format!(
                "Vi ser det lidt anderledes end {parent_org}: {}.",
                clause(rng, false)
            ),
            _ => format!("Enig. {}", sentence(rng, 8, 18)),
        }
    };
    if rng.chance(0.4) {
        body.push(' ');
        body.push_str(&sentence(rng, 8, 20));
    }
    body
}

fn response_body(rng: &mut Rng, d: Disposition) -> String {
    match d {
        Disposition::Met => match rng.below(3) {
            0 => "Kommentaren er imødekommet, og afsnittet er omskrevet.".to_string(),
            1 => "Teksten er tilpasset i overensstemmelse med kommentaren.".to_string(),
            _ => format!(
                "Imødekommet: {} er nu beskrevet i kapitlet.",
                cap_first(rng.word(OBJECTS))
            ),
        },
        Disposition::PartlyMet => match rng.below(2) {
            0 => format!(
                "Kommentaren er delvist imødekommet. {}",
                cap_first(&sentence(rng, 8, 18))
            ),
            _ => {
                "Afsnittet er uddybet, men Sundhedsstyrelsen fastholder den overordnede vurdering."
                    .to_string()
            }
        },
        Disposition::NotMet => match rng.below(2) {
            0 => format!(
                "Sundhedsstyrelsen fastholder formuleringen, fordi {}.",
                clause(rng, false)
            ),
            _ => "Kommentaren er ikke imødekommet, da den ligger uden for oplæggets kommissorium."
                .to_string(),
        },
        Disposition::Noted => match rng.below(2) {
            0 => {
                "Kommentaren er taget til efterretning og indgår i det videre arbejde.".to_string()
            }
            _ => "Taget til efterretning; emnet drøftes på næste møde i følgegruppen.".to_string(),
        },
    }
}

// ---------------------------------------------------------------------------
// Writing to git

/// Writes commits either through `Store::commit` or, much faster, directly
/// into an in-memory object database that is packed now and then.
struct Git<'a> {
    store: &'a Store,
    repo: &'a Repository,
    odb: &'a Odb<'a>,
    direct: Option<Direct<'a>>,
    head: Option<Oid>,
    packs: usize,
}

struct Direct<'a> {
    mempack: &'a Mempack<'a>,
    /// The root tree of `head`.
    tree: Option<Oid>,
    /// Objects in the mempack still to be packed, with a path hint for deltas.
    pending: Vec<(Oid, Option<String>)>,
    pending_bytes: usize,
    seen: HashSet<Oid>,
}

const PACK_EVERY_BYTES: usize = 128 << 20;

impl<'a> Direct<'a> {
    fn new(mempack: &'a Mempack<'a>) -> Direct<'a> {
        Direct {
            mempack,
            tree: None,
            pending: Vec::new(),
            pending_bytes: 0,
            seen: HashSet::new(),
        }
    }

    fn track(&mut self, oid: Oid, name: Option<&str>, bytes: usize) {
        if self.seen.insert(oid) {
            self.pending.push((oid, name.map(str::to_string)));
            self.pending_bytes += bytes;
        }
    }
}

fn signature(who: &Member, when: DateTime<FixedOffset>) -> Result<Signature<'static>> {
    let time = Time::new(when.timestamp(), when.offset().local_minus_utc() / 60);
    Ok(Signature::new(&who.name, &who.email, &time)?)
}

impl Git<'_> {
    fn commit(
        &mut self,
        writes: Vec<(String, Vec<u8>)>,
        message: &str,
        who: &Member,
        when: DateTime<FixedOffset>,
    ) -> Result<()> {
        let Some(direct) = &mut self.direct else {
            let change = writes
                .into_iter()
                .fold(Change::new(message), |c, (p, b)| c.write(p, b));
            let identity = Identity {
                name: who.name.clone(),
                email: who.email.clone(),
            };
            self.head = Some(self.store.commit(&change, &identity, when)?);
            return Ok(());
        };
        let repo = self.repo;
        // Exactly what Store::commit builds: the parent's tree with the writes applied.
        let base = match direct.tree {
            Some(t) => repo.find_tree(t)?,
            None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, bytes) in &writes {
            let blob = repo.blob(bytes)?;
            direct.track(blob, Some(path), bytes.len());
            update.upsert(path.as_str(), blob, FileMode::Blob);
        }
        let tree_id = update.create_updated(repo, &base)?;
        ensure!(tree_id != base.id() || self.head.is_none(), "no change");
        let tree = repo.find_tree(tree_id)?;
        direct.track(tree_id, None, 0);
        for dir in [paths::DRAFTS, paths::RECOMMENDATIONS, paths::COMMENTS] {
            if let Some(e) = tree.get_name(dir) {
                let size = self.odb.read_header(e.id())?.0;
                direct.track(e.id(), Some(dir), size);
            }
        }
        let sig = signature(who, when)?;
        let parent = self.head.map(|h| repo.find_commit(h)).transpose()?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let oid = repo.commit(None, &sig, &sig, message, &tree, &parents)?;
        direct.track(oid, None, 0);
        direct.tree = Some(tree_id);
        self.head = Some(oid);
        if direct.pending_bytes >= PACK_EVERY_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn tag(
        &mut self,
        n: u32,
        date: &NaiveDate,
        who: &Member,
        when: DateTime<FixedOffset>,
    ) -> Result<()> {
        let head = self.head.context("nothing to tag")?;
        let message = format!("{}\n\nDato: {date}\n", meeting_title(n));
        let identity = Identity {
            name: who.name.clone(),
            email: who.email.clone(),
        };
        self.store.tag_meeting(n, head, &message, &identity, when)?;
        if let Some(direct) = &mut self.direct {
            let tag = self.repo.refname_to_id(&format!("refs/tags/meeting/{n}"))?;
            direct.track(tag, None, 0);
        }
        Ok(())
    }

    /// Packs what is in memory into a pack file and empties the memory.
    fn flush(&mut self) -> Result<()> {
        let Some(direct) = &mut self.direct else {
            return Ok(());
        };
        if direct.pending.is_empty() {
            return Ok(());
        }
        let mut pb = self.repo.packbuilder()?;
        pb.set_threads(0);
        for (oid, name) in direct.pending.drain(..) {
            pb.insert_object(oid, name.as_deref())?;
        }
        let mut buf = git2::Buf::new();
        pb.write_buf(&mut buf)?;
        drop(pb);
        let mut writer = self.odb.packwriter()?;
        writer.write_all(&buf)?;
        writer.commit()?;
        direct.mempack.reset()?;
        direct.pending_bytes = 0;
        self.packs += 1;
        Ok(())
    }

    /// Packs the rest, points `main` at the last commit and checks it out.
    fn finish(&mut self) -> Result<()> {
        if self.direct.is_none() {
            return Ok(());
        }
        self.flush()?;
        let head = self.head.context("no commits")?;
        self.repo.reference(
            "refs/heads/main",
            head,
            true,
            "gen_workspace: generated history",
        )?;
        self.repo.set_head("refs/heads/main")?;
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force().disable_filters(true);
        self.repo.checkout_head(Some(&mut opts))?;
        Ok(())
    }
}
