//! The command line's grammar (clap derive). Help texts are Danish: the
//! people using this are Danish officials.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// oplaeg – følgegruppens arbejde med det faglige oplæg, i git.
#[derive(Parser, Debug)]
#[command(
    name = "oplaeg",
    version,
    about = "Fagligt oplæg, anbefalinger og følgegruppens kommentarer – i et git-repository",
    long_about = "Fagligt oplæg, anbefalinger og følgegruppens kommentarer – i et git-repository.\n\nUden kommando åbnes brugerfladen i terminalen. Prøv `oplaeg demo` for et eksempel.",
    after_help = "Eksempler:\n  oplaeg demo --no-tui\n  oplaeg --repo MAPPE status\n  oplaeg comment add --chapter rehabilitering --quote \"…\" --body \"…\"\n  oplaeg rec move tidlig-opsporing --to 1"
)]
pub struct Cli {
    /// Arbejdsmappen (standard: den mappe, du står i, eller en over den)
    #[arg(long, global = true, value_name = "MAPPE")]
    pub repo: Option<PathBuf>,
    /// Handl som dette medlem (standard: OPLAEG_AUTHOR, ellers git config user.email)
    #[arg(
        long = "as",
        global = true,
        value_name = "EMAIL",
        env = "OPLAEG_AUTHOR"
    )]
    pub as_email: Option<String>,
    /// Sprog: da (dansk) eller en (engelsk); standard efter LANG
    #[arg(long, global = true, value_name = "SPROG")]
    pub lang: Option<String>,
    /// Uddata: text eller json; for export: md, html eller docx; for diff: html
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output format: of listings (`text`, `json`) or of an export's file
/// (`md`, `html`, `docx`). One option, because the grammar is
/// `oplaeg export … --format docx` and `--format` is already global.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// Markdown (kun export)
    #[value(alias = "markdown")]
    Md,
    /// HTML (export og diff)
    #[value(alias = "htm")]
    Html,
    /// Word (kun export)
    #[value(alias = "word")]
    Docx,
}

impl Format {
    /// The export format this names, if it names one.
    pub fn export(self) -> Option<crate::export::Format> {
        match self {
            Format::Md => Some(crate::export::Format::Markdown),
            Format::Html => Some(crate::export::Format::Html),
            Format::Docx => Some(crate::export::Format::Docx),
            Format::Text | Format::Json => None,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Opret en ny arbejdsmappe (et git-repository) til et oplæg
    Init(InitArgs),
    /// Opret en demo-arbejdsmappe med Kræftplan V-eksemplet og dets historik
    Demo(DemoArgs),
    /// Overblik: kapitler, anbefalinger, kommentarer, møder og problemer
    Status,
    /// Kapitlerne i rækkefølge
    Chapters,
    /// Vis ét kapitels tekst
    Chapter {
        /// Kapitlets slug eller nummer
        chapter: String,
    },
    /// Anbefalingerne: vis, tilføj, flyt, ret
    #[command(subcommand)]
    Rec(RecCommand),
    /// Kommentarer: skriv, svar, ret, træk tilbage, vis, besvar
    #[command(subcommand)]
    Comment(CommentCommand),
    /// Følgegruppens medlemmer
    #[command(subcommand)]
    Member(MemberCommand),
    /// Møder: planlæg, tag udkastet, vis
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Prioriteringsrunder: hvert medlem rangordner anbefalingerne, og gruppen ser, hvor den er enig
    #[command(
        subcommand,
        after_help = "Eksempler:\n  oplaeg ranking open --meeting 4 --closes 2024-08-20\n  oplaeg ranking submit --order kapacitet,screening,ai --no-opinion palliation --reason ai=\"Evidensen mangler\"\n  oplaeg ranking results\n  oplaeg ranking results --round 1 --format json\n  oplaeg ranking close\n  oplaeg ranking adopt"
    )]
    Ranking(RankingCommand),
    /// Mit overblik: hvad der blev af dine kommentarer, og hvad der er sket siden
    #[command(
        after_help = "Eksempler:\n  oplaeg mine                      siden seneste mødetag\n  oplaeg mine --since 3            siden udkastet til 3. møde\n  oplaeg mine --since-last-look    siden du sidst markerede som læst\n  oplaeg mine --since-last-look --mark-read\n  oplaeg mine --organisation --format json"
    )]
    Mine {
        #[command(flatten)]
        what: MineArgs,
        /// Markér det viste som læst: næste --since-last-look viser kun det, der kommer efter
        #[arg(long)]
        mark_read: bool,
    },
    /// Hvad er ændret mellem to versioner: kapitler, anbefalinger og kommentarer
    #[command(
        after_help = "Eksempler:\n  oplaeg diff                 seneste mødetag → HEAD\n  oplaeg diff 3 4             udkastet til 3. møde → udkastet til 4. møde\n  oplaeg diff 4 worktree      4. møde → filerne på disken\n  oplaeg diff --stat\n  oplaeg diff 3 4 --chapter rehabilitering\n  oplaeg diff 3 4 --format html > ændringer.html"
    )]
    Diff(DiffArgs),
    /// Historikken: hvem ændrede hvad, med mødetags
    Log {
        /// Højst så mange ændringer
        #[arg(short = 'n', long, value_name = "ANTAL")]
        limit: Option<usize>,
    },
    /// Gem dine egne ændringer i kapitler og anbefalinger som én ændring (kun skribenter)
    Save {
        /// Hvad du har ændret
        #[arg(short, long, value_name = "BESKED")]
        message: String,
    },
    /// Synkronisér med den fælles server: hent de andres arbejde, flet det med dit, og send det samlede tilbage
    #[command(
        after_help = "Standardserveren er origin. Stopper uden at sende noget, hvis du og en anden har ændret det samme, og fortæller hvordan det løses."
    )]
    Sync {
        /// Serverens navn (standard: origin)
        #[arg(value_name = "SERVER")]
        remote: Option<String>,
    },
    /// Hent en kopi af oplægget fra den fælles server (til et nyt medlem)
    #[command(
        after_help = "Eksempler:\n  oplaeg clone ssh://server.example/srv/git/kraeftplan.git\n  oplaeg clone /mnt/faelles/kraeftplan.git kraeftplan --as jens@rm.example"
    )]
    Clone {
        /// Serverens adresse: ssh://…, git://…, file://… eller en sti
        #[arg(value_name = "ADRESSE")]
        url: String,
        /// Mappen (standard: navnet fra adressen)
        #[arg(value_name = "MAPPE")]
        path: Option<PathBuf>,
    },
    /// Eksportér høringsnotatet eller oplægget som Markdown, HTML eller Word
    #[command(subcommand)]
    Export(ExportCommand),
    /// Åbn brugerfladen i terminalen
    Tui,
    /// Skriv det skalscript, der giver tab-fuldførelse af kommandoer, tilvalg, kapitler, anbefalinger og kommentar-id'er
    #[command(
        after_help = "Eksempler:\n  echo 'source <(oplaeg completions bash)' >> ~/.bashrc\n  echo 'source <(oplaeg completions zsh)' >> ~/.zshrc\n  oplaeg completions fish > ~/.config/fish/completions/oplaeg.fish\n\nSkallen spørger oplaeg selv om navnene i arbejdsmappen, så fuldførelsen følger med, når kapitler og kommentarer kommer til."
    )]
    Completions {
        /// bash, zsh, fish, elvish eller powershell
        #[arg(value_name = "SKAL")]
        shell: String,
    },
    /// Skriv manualsiden (man-format) til standard output
    #[command(after_help = "Eksempel:\n  oplaeg man > oplaeg.1 && man ./oplaeg.1")]
    Man,
    /// Tjek at hver ændring i historikken holder rollerne (til serverens pre-receive-hook)
    Verify {
        /// A..B, en enkelt version (hele dens historik) eller intet (hele historikken til HEAD)
        range: Option<String>,
        /// Den ref, der opdateres (fra hooken), fx refs/tags/meeting/4
        #[arg(long = "ref", value_name = "REF")]
        refname: Option<String>,
        /// Som serverens pre-receive-hook: læs «gammel ny ref»-linjer fra standard input og bedøm hele skubbet mod det, serveren har
        #[arg(long, conflicts_with_all = ["range", "refname"])]
        pre_receive: bool,
    },
    /// Den fælles server: opret den med rollerne sikret
    #[command(subcommand)]
    Server(ServerCommand),
}

#[derive(Subcommand, Debug)]
pub enum ServerCommand {
    /// Opret et tomt, bart repository til den fælles server med oplaegs pre-receive-hook og sikre git-indstillinger
    #[command(after_help = "Eksempel (på serveren):\n  oplaeg server init /srv/git/kraeftplan.git")]
    Init {
        /// Mappen til repositoriet (oprettes; skal være tom eller ikke findes)
        #[arg(value_name = "STI")]
        path: PathBuf,
    },
}

/// What `oplaeg mine` and `oplaeg export mine` look at.
#[derive(Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("since_what").args(["since", "since_last_look", "all"])))]
pub struct MineArgs {
    /// Hvad der er sket siden denne version: mødenummer (3), meeting/3 eller commit (standard: seneste mødetag)
    #[arg(long, value_name = "VERSION")]
    pub since: Option<String>,
    /// Hvad der er sket siden du sidst markerede overblikket som læst (--mark-read)
    #[arg(long)]
    pub since_last_look: bool,
    /// Kun kommentarerne, uden "siden"-delen
    #[arg(long)]
    pub all: bool,
    /// Hele din organisations kommentarer, ikke kun dine egne
    #[arg(long)]
    pub organisation: bool,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Mit overblik som ét dokument til næste møde: dine kommentarer, svarene og den ændrede tekst
    #[command(
        after_help = "Eksempler:\n  oplaeg export mine -o mine-kommentarer.docx\n  oplaeg export mine --since 3 --organisation -o region.html\n\nFormatet tages fra --format, ellers fra filnavnets endelse (.md, .html, .docx)."
    )]
    Mine {
        #[command(flatten)]
        what: MineArgs,
        /// Filen, der skal skrives (standard: mit-overblik-….html i den mappe, du står i)
        #[arg(short, long, value_name = "FIL")]
        output: Option<PathBuf>,
        /// Overskriv filen, hvis den findes
        #[arg(long)]
        force: bool,
    },
    /// Høringsnotatet: alle kommentarer med afgørelse og svar, grupperet efter kapitel og anbefaling
    #[command(
        after_help = "Eksempler:\n  oplaeg export notat -o hoeringsnotat.docx\n  oplaeg export notat --since meeting/3 --format html -o nye-kommentarer.html\n\nFormatet tages fra --format, ellers fra filnavnets endelse (.md, .html, .docx)."
    )]
    Notat {
        /// Kun tråde, der er begyndt efter denne version (fx meeting/3): kommentarer, der ikke fandtes i det udkast
        #[arg(long, value_name = "VERSION")]
        since: Option<String>,
        #[command(flatten)]
        common: ExportArgs,
    },
    /// Oplægget: titelblad, indhold, kapitler og anbefalinger
    #[command(
        after_help = "Eksempler:\n  oplaeg export oplaeg -o oplaeg.docx\n  oplaeg export oplaeg --changes-since meeting/3 -o oplaeg-aendringer.html\n  oplaeg export oplaeg --suggestions -o oplaeg-forslag.docx\n\nFormatet tages fra --format, ellers fra filnavnets endelse (.md, .html, .docx)."
    )]
    Oplaeg {
        /// Markér tekst, der er tilføjet eller slettet siden denne version (fx meeting/3)
        #[arg(long, value_name = "VERSION")]
        changes_since: Option<String>,
        /// Vis åbne forslag til ny formulering som registrerede ændringer i forslagsstillerens navn
        #[arg(long)]
        suggestions: bool,
        #[command(flatten)]
        common: ExportArgs,
    },
}

/// What both exports take.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Filen, der skal skrives (standard: fx hoeringsnotat-moede-4.html i den mappe, du står i)
    #[arg(short, long, value_name = "FIL")]
    pub output: Option<PathBuf>,
    /// Eksportér denne version (et mødenummer, meeting/N, et commit-id; standard HEAD)
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    /// Overskriv filen, hvis den findes
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Mappen (standard: den du står i)
    pub path: Option<PathBuf>,
    /// Oplæggets titel
    #[arg(long)]
    pub title: String,
    /// Den første skribent: "Navn <email>"
    #[arg(long, value_name = "\"NAVN <EMAIL>\"")]
    pub writer: String,
    /// Skribentens organisation
    #[arg(long, default_value = "Sundhedsstyrelsen")]
    pub organisation: String,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Fra: mødenummer (3), meeting/3, commit, HEAD eller worktree (standard: seneste mødetag)
    pub from: Option<String>,
    /// Til: samme slags (standard: HEAD)
    pub to: Option<String>,
    /// Kun overblikket: tal pr. kapitel, anbefalingernes ændringer, kommentarer
    #[arg(long)]
    pub stat: bool,
    /// Kun dette kapitel (slug eller nummer), anbefalingerne knyttet til det og kommentarerne til det
    #[arg(long, value_name = "SLUG")]
    pub chapter: Option<String>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Mappen (standard: en ny mappe i systemets midlertidige mappe)
    pub path: Option<PathBuf>,
    /// Åbn ikke brugerfladen bagefter
    #[arg(long)]
    pub no_tui: bool,
}

#[derive(Subcommand, Debug)]
pub enum RecCommand {
    /// Anbefalingerne i prioriteret rækkefølge
    List {
        /// Kun denne tidshorisont: kort, mellemlang eller lang (short|medium|long)
        #[arg(long)]
        horizon: Option<String>,
    },
    /// Alt om én anbefaling
    Show {
        /// Slug eller nummer i prioriteringen
        rec: String,
    },
    /// Tilføj en anbefaling nederst i prioriteringen (kun skribenter)
    Add {
        /// Anbefalingens titel
        #[arg(long)]
        title: String,
        /// Tidshorisont: kort, mellemlang eller lang (short|medium|long)
        #[arg(long)]
        horizon: String,
        /// Anbefalingens tekst (- læser fra standard input)
        #[arg(long, default_value = "")]
        text: String,
        /// Eget slug (standard: dannet af titlen)
        #[arg(long)]
        slug: Option<String>,
    },
    /// Flyt en anbefaling til en ny plads i prioriteringen (kun skribenter)
    Move {
        /// Anbefalingens slug eller nuværende nummer
        rec: String,
        /// Ny plads, 1 er den vigtigste
        #[arg(long)]
        to: usize,
    },
    /// Gem en hel ny prioritering som én ændring (kun skribenter)
    Order {
        /// Alle anbefalingerne (slugs eller numre) i den nye rækkefølge
        #[arg(required = true)]
        recs: Vec<String>,
    },
    /// Ret felter i en anbefaling (kun skribenter)
    Set(RecSetArgs),
}

#[derive(Args, Debug)]
pub struct RecSetArgs {
    /// Anbefalingens slug eller nummer i prioriteringen
    pub rec: String,
    /// Ny titel
    #[arg(long)]
    pub title: Option<String>,
    /// Tidshorisont: kort, mellemlang eller lang (short|medium|long)
    #[arg(long)]
    pub horizon: Option<String>,
    /// Status: udkast, foreslået, vedtaget eller udgået (draft|proposed|agreed|dropped)
    #[arg(long)]
    pub status: Option<String>,
    /// Anbefalingens tekst (- læser fra standard input)
    #[arg(long)]
    pub text: Option<String>,
    /// Mål (- læser fra standard input)
    #[arg(long)]
    pub goal: Option<String>,
    /// Realiserbarhed (- læser fra standard input)
    #[arg(long)]
    pub realizability: Option<String>,
    /// Sammenhæng til Kræftplan IV
    #[arg(long)]
    pub kraeftplan_iv: Option<String>,
    /// Relaterede kapitler, kommasepareret
    #[arg(long, value_delimiter = ',')]
    pub chapters: Option<Vec<String>>,
}

#[derive(Subcommand, Debug)]
pub enum CommentCommand {
    /// Skriv en kommentar til et kapitel (evt. et citat), en anbefaling, eller svar på en kommentar
    Add(CommentAddArgs),
    /// Kommentarerne, ældste først
    List {
        /// Kun kommentarer med denne status: åben, besvaret eller trukket tilbage (open|resolved|withdrawn)
        #[arg(long)]
        status: Option<String>,
        /// Kun kommentarer til dette kapitel (slug, nummer eller titel)
        #[arg(long)]
        chapter: Option<String>,
        /// Kun kommentarer til denne anbefaling (slug eller nummer)
        #[arg(long)]
        rec: Option<String>,
        /// Kun fra denne organisation: hele ord af navnet, uden forskel på store og små bogstaver ("Region" finder alle regioner, "KL" kun KL)
        #[arg(long)]
        organisation: Option<String>,
        /// Kun skrevet af denne person (e-mail, uden forskel på store og små bogstaver)
        #[arg(long, value_name = "EMAIL", conflicts_with = "mine")]
        author: Option<String>,
        /// Kun dine egne (som --as, OPLAEG_AUTHOR eller git config user.email)
        #[arg(long)]
        mine: bool,
        /// Kun kommentarer, der er skrevet, besvaret, rettet eller trukket tilbage efter denne version
        #[arg(long, value_name = "VERSION")]
        since: Option<String>,
    },
    /// En kommentar med hele tråden
    Show {
        /// Kommentarens id (eller de første mindst 4 tegn af det)
        id: String,
    },
    /// Ret teksten i din egen åbne kommentar (uden TEKST: fra standard input eller $EDITOR)
    Edit {
        /// Kommentarens id (eller de første mindst 4 tegn af det)
        id: String,
        /// Den nye tekst (- læser fra standard input)
        text: Option<String>,
    },
    /// Træk din egen åbne kommentar tilbage
    Withdraw {
        /// Kommentarens id (eller de første mindst 4 tegn af det)
        id: String,
    },
    /// Besvar en kommentar med en afgørelse og en begrundelse (kun skribenter)
    Resolve {
        /// Kommentarens id (eller de første mindst 4 tegn af det)
        id: String,
        /// Afgørelsen: imødekommet, delvist, ikke eller efterretning (met|partly_met|not_met|noted)
        #[arg(long)]
        disposition: String,
        /// Sundhedsstyrelsens svar (- læser fra standard input)
        #[arg(long)]
        response: String,
    },
    /// Hvor kommentarens citat står i den nuværende version; bekræft det, eller knyt kommentaren til ny tekst (kun skribenter)
    Anchor(super::anchors::AnchorArgs),
    /// Indfør et ændringsforslag i kapitlet, som det står nu, og besvar det, i ét commit (kun skribenter)
    #[command(
        after_help = "Eksempler:\n  oplaeg comment accept 01j… --response \"Tak, indført.\"\n  oplaeg comment accept 01j… --merged\n  oplaeg comment accept 01j… --disposition partly_met --text \"vores formulering\"\n\nEr ordene ændret siden forslaget, vises de tre tekster og en flettet tekst; bekræft med --merged eller giv --text. Afvis et forslag med «oplaeg comment resolve»."
    )]
    Accept {
        /// Forslagets id (eller de første mindst 4 tegn af det)
        id: String,
        /// Sundhedsstyrelsens svar (standard: «Forslaget til ny formulering er indført.»; - læser fra standard input)
        #[arg(long)]
        response: Option<String>,
        /// Skriv denne tekst i stedet for forslagets (fx ved delvist imødekommet)
        #[arg(long, value_name = "TEKST", conflicts_with = "merged")]
        text: Option<String>,
        /// Bekræft den flettede tekst, når ordene er ændret siden forslaget blev skrevet
        #[arg(long)]
        merged: bool,
        /// Afgørelsen: imødekommet eller delvist (met|partly_met; standard imødekommet)
        #[arg(long)]
        disposition: Option<String>,
    },
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["chapter", "rec", "reply_to"])))]
pub struct CommentAddArgs {
    /// Kapitlets slug eller nummer
    #[arg(long)]
    pub chapter: Option<String>,
    /// Ordret citat fra kapitlet, som kommentaren handler om
    #[arg(long, requires = "chapter")]
    pub quote: Option<String>,
    /// Anbefalingens slug eller nummer
    #[arg(long)]
    pub rec: Option<String>,
    /// Svar på kommentaren med dette id
    #[arg(long, value_name = "ID")]
    pub reply_to: Option<String>,
    /// Kommentarens tekst (- læser fra standard input); ved --suggest begrundelsen (valgfri)
    #[arg(long, required_unless_present = "suggest")]
    pub body: Option<String>,
    /// Foreslå ny formulering: denne tekst i stedet for citatets ord (tom tekst: slet ordene; - læser fra standard input)
    #[arg(long, value_name = "TEKST", requires = "quote")]
    pub suggest: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Tilføj et medlem (kun skribenter)
    Add {
        /// Medlemmets navn
        #[arg(long)]
        name: String,
        /// Medlemmets e-mailadresse (den, medlemmets git-ændringer bærer)
        #[arg(long)]
        email: String,
        /// Organisationen, medlemmet repræsenterer (fx Region Midtjylland)
        #[arg(long)]
        organisation: String,
        /// Rolle: skribent, medlem eller læser (writer|member|reviewer)
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Medlemmerne
    List,
}

#[derive(Subcommand, Debug)]
pub enum MeetingCommand {
    /// Planlæg et møde (kun skribenter)
    Add {
        /// Mødets nummer (1, 2, 3 …)
        number: u32,
        /// Mødets dato, ÅÅÅÅ-MM-DD
        #[arg(long)]
        date: String,
        /// Mødets titel
        #[arg(long)]
        title: String,
        /// Frist for skriftlige kommentarer, ÅÅÅÅ-MM-DD
        #[arg(long)]
        deadline: Option<String>,
    },
    /// Markér det nuværende udkast som sendt til møde N (tag meeting/N; kun skribenter)
    Tag {
        /// Mødets nummer
        number: u32,
    },
    /// Planlagte og afholdte møder
    List,
}

#[derive(Subcommand, Debug)]
pub enum RankingCommand {
    /// Åbn en prioriteringsrunde på de nuværende anbefalinger (kun skribenter)
    Open {
        /// Det møde, runden forbereder
        #[arg(long, value_name = "N")]
        meeting: Option<u32>,
        /// Sidste dag, der tages imod rangordninger, ÅÅÅÅ-MM-DD (standard: til en skribent lukker runden)
        #[arg(long, value_name = "DATO")]
        closes: Option<String>,
    },
    /// Luk den åbne runde (kun skribenter)
    Close {
        /// Rundens nummer (standard: den åbne)
        #[arg(long, value_name = "N")]
        round: Option<u32>,
    },
    /// Afgiv eller ret din egen rangordning i den åbne runde (medlemmer)
    Submit {
        /// Anbefalingerne, den vigtigste først: slugs eller numre adskilt af komma
        #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,C")]
        order: Vec<String>,
        /// Anbefalinger uden for din organisations felt
        #[arg(long, value_delimiter = ',', value_name = "X,Y")]
        no_opinion: Vec<String>,
        /// En kort begrundelse for én anbefaling (kan gentages)
        #[arg(long = "reason", value_name = "SLUG=TEKST")]
        reasons: Vec<String>,
    },
    /// Resultaterne af en runde: gruppens rækkefølge, spredning, enighed (Kendalls W)
    Results {
        /// Rundens nummer (standard: den seneste)
        #[arg(long, value_name = "N")]
        round: Option<u32>,
        /// Tekstens bredde i tegn (standard 80)
        #[arg(long, value_name = "TEGN")]
        width: Option<usize>,
    },
    /// Gem en rundes resultater som dokument (--format md, html eller docx) til gruppen
    Export {
        /// Rundens nummer (standard: den seneste)
        #[arg(long, value_name = "N")]
        round: Option<u32>,
        /// Filen (standard: prioriteringsrunde-N.html i mappen, du står i)
        #[arg(short, long, value_name = "FIL")]
        output: Option<std::path::PathBuf>,
        /// Overskriv en eksisterende fil
        #[arg(long)]
        force: bool,
    },
    /// Gør gruppens samlede rækkefølge fra en lukket runde til skribenternes (kun skribenter)
    Adopt {
        /// Rundens nummer (standard: den seneste)
        #[arg(long, value_name = "N")]
        round: Option<u32>,
    },
    /// Alle runder
    List,
}
