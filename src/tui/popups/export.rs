//! The export popup (key `E`): which document, which format, which meeting
//! to count from, and where to save it, confirmed before anything is
//! written. The export itself runs as a job off the UI thread through the
//! same [`crate::export::run`] as `oplaeg export`.

use std::path::{Path, PathBuf};

use crate::export::{self, Format, Kind, Request};
use crate::store::{MeetingTag, Rev, RevisionInfo, Store};
use crate::tr;
use crate::tui::action::Action;
use crate::tui::job::{After, Job};
use crate::tui::state::{Popup, State};

/// The fields of the form, top to bottom.
pub const FIELDS: usize = 4;
/// Index of the file name field.
pub const PATH_FIELD: usize = 3;

/// What the popup holds.
#[derive(Clone, Debug)]
pub struct ExportForm {
    /// Index into [`Kind::ALL`].
    pub kind: usize,
    /// Index into [`Format::ALL`].
    pub format: usize,
    /// 0: none; `n`: the meeting `meetings[n - 1]`.
    pub since: usize,
    pub meetings: Vec<MeetingTag>,
    /// The file name as typed (`~/` is the home folder).
    pub path: String,
    /// The person typed a name: keep it when the choices change.
    pub path_edited: bool,
    /// The field with the cursor.
    pub field: usize,
    /// The file exists and Enter was pressed once: the next Enter overwrites.
    pub confirm_overwrite: bool,
    /// Why the last Enter did not export.
    pub problem: Option<String>,
    /// HEAD, for default file names.
    info: RevisionInfo,
    /// The folder default names are put in (where oplaeg was started).
    folder: PathBuf,
}

impl ExportForm {
    /// A form with defaults: the høringsnotat as Word, in the current folder
    /// (beside the workspace when started inside it).
    pub fn new(store: &Store, meetings: Vec<MeetingTag>) -> ExportForm {
        let info = store.revision_info(&Rev::head()).unwrap_or(RevisionInfo {
            commit: None,
            time: None,
            meeting: None,
            last_meeting: None,
        });
        let folder = export_folder(
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            store.root(),
        );
        let mut form = ExportForm {
            kind: 0,
            format: Format::ALL
                .iter()
                .position(|f| *f == Format::Docx)
                .unwrap_or(0),
            since: 0,
            meetings,
            path: String::new(),
            path_edited: false,
            field: 0,
            confirm_overwrite: false,
            problem: None,
            info,
            folder,
        };
        form.default_path();
        form
    }

    pub fn kind(&self) -> Kind {
        Kind::ALL[self.kind % Kind::ALL.len()]
    }

    pub fn format(&self) -> Format {
        Format::ALL[self.format % Format::ALL.len()]
    }

    /// The meeting counted from, if any.
    pub fn since(&self) -> Option<&MeetingTag> {
        self.since.checked_sub(1).and_then(|i| self.meetings.get(i))
    }

    fn default_path(&mut self) {
        if self.path_edited {
            return;
        }
        let mut name = export::default_file_name(self.kind(), self.format(), &self.info);
        if let Some(m) = self.since() {
            let stem = name
                .rsplit_once('.')
                .map_or(name.clone(), |(s, _)| s.to_string());
            let extra = match self.kind() {
                Kind::Notat => format!("efter-moede-{}", m.number),
                Kind::Oplaeg => format!("aendringer-siden-moede-{}", m.number),
            };
            name = format!("{stem}-{extra}.{}", self.format().extension());
        }
        self.path = self.folder.join(name).display().to_string();
    }

    /// The file the form names: `~/` expanded, relative names in the folder
    /// oplaeg was started in, the format's extension added when missing.
    pub fn output(&self) -> PathBuf {
        let typed = self.path.trim();
        let mut path = crate::platform::expand_home(typed);
        if path.is_relative() {
            path = self.folder.join(path);
        }
        if path.extension().is_none() && !typed.is_empty() {
            path.set_extension(self.format().extension());
        }
        path
    }

    fn cycle(&mut self, forward: bool) {
        let step = |i: usize, n: usize| {
            if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }
        };
        match self.field {
            0 => self.kind = step(self.kind, Kind::ALL.len()),
            1 => self.format = step(self.format, Format::ALL.len()),
            2 => self.since = step(self.since, self.meetings.len() + 1),
            _ => return,
        }
        self.changed();
        if !self.path_edited {
            self.default_path();
        } else if self.field == 1 {
            // A typed name follows the format: notat.html becomes notat.docx.
            let ext = self.format().extension();
            let p = Path::new(self.path.trim());
            if Format::from_path(p).is_some() {
                self.path = p.with_extension(ext).display().to_string();
            }
        }
    }

    /// A typed name that ends in .md, .html or .docx chooses that format.
    fn follow_extension(&mut self) {
        if let Some(f) = Format::from_path(Path::new(self.path.trim()))
            && let Some(i) = Format::ALL.iter().position(|x| *x == f)
        {
            self.format = i;
        }
    }

    fn changed(&mut self) {
        self.confirm_overwrite = false;
        self.problem = None;
    }
}

/// Opens the form (`E`).
/// Where exports go by default: the folder oplaeg was started in, unless
/// that is inside the workspace – a file there would show up in `git
/// status` – then the folder that holds the workspace.
pub fn export_folder(current: PathBuf, workspace: &Path) -> PathBuf {
    let inside = |p: &Path| {
        let canon = |x: &Path| x.canonicalize().unwrap_or_else(|_| x.to_path_buf());
        canon(p).starts_with(canon(workspace))
    };
    if inside(&current) {
        workspace
            .canonicalize()
            .unwrap_or_else(|_| workspace.to_path_buf())
            .parent()
            .map_or(current, Path::to_path_buf)
    } else {
        current
    }
}

pub fn open(state: &mut State) {
    let form = ExportForm::new(&state.store, state.tags.clone());
    state.popup = Some(Popup::Export(Box::new(form)));
}

/// Handles a key while the form is open.
pub fn update(state: &mut State, action: Action) -> Option<Action> {
    let Some(Popup::Export(form)) = state.popup.as_mut() else {
        return None;
    };
    match action {
        Action::Back | Action::Quit => state.popup = None,
        Action::Up => form.field = (form.field + FIELDS - 1) % FIELDS,
        Action::Down | Action::NextTab => form.field = (form.field + 1) % FIELDS,
        Action::PrevTab => form.field = (form.field + FIELDS - 1) % FIELDS,
        Action::ChoiceLeft => form.cycle(false),
        Action::ChoiceRight => form.cycle(true),
        Action::SearchChar(c) => {
            if form.field == PATH_FIELD {
                form.path.push(c);
                form.path_edited = true;
                form.follow_extension();
                form.changed();
            } else if c == ' ' {
                form.cycle(true);
            }
        }
        Action::SearchBackspace if form.field == PATH_FIELD => {
            form.path.pop();
            form.path_edited = true;
            form.follow_extension();
            form.changed();
        }
        Action::Open => return confirm(state),
        _ => {}
    }
    None
}

/// Enter: checks the file name, asks once before overwriting, then queues
/// the export.
fn confirm(state: &mut State) -> Option<Action> {
    let Some(Popup::Export(form)) = state.popup.as_mut() else {
        return None;
    };
    let output = form.output();
    if form.path.trim().is_empty() {
        form.problem = Some(tr!(
            "Skriv hvor filen skal gemmes.",
            "Type where the file should be saved."
        ));
        form.field = PATH_FIELD;
        return None;
    }
    if let Some(named) = Format::from_path(&output)
        && named != form.format()
    {
        form.problem = Some(tr!(
            "Filnavnet slutter på .{}, men formatet er {}. Ret det ene.",
            "The file name ends in .{}, but the format is {}. Change one of them.",
            named.extension(),
            form.format().label()
        ));
        return None;
    }
    let exists = output.exists();
    if let Err(e) = export::check_output(state.store.root(), &output, true) {
        form.problem = Some(e.to_string());
        form.field = PATH_FIELD;
        return None;
    }
    if exists && !form.confirm_overwrite {
        form.confirm_overwrite = true;
        form.problem = Some(tr!(
            "Filen findes allerede. Tryk Enter igen for at overskrive den, eller ret navnet.",
            "The file already exists. Press Enter again to overwrite it, or change the name."
        ));
        return None;
    }
    if state.busy.is_some() {
        form.problem = Some(tr!(
            "Vent et øjeblik: den forrige ændring gemmes stadig.",
            "One moment: the previous change is still being saved."
        ));
        return None;
    }
    let request = Request {
        kind: form.kind(),
        format: form.format(),
        output: output.clone(),
        at: Rev::head(),
        since: form.since().map(|m| m.name.clone()),
        lang: crate::i18n::lang(),
        force: exists,
    };
    let shown = crate::text::for_terminal(&output.display().to_string(), false).into_owned();
    let done = match request.kind {
        Kind::Notat => tr!(
            "Høringsnotatet er gemt i {shown}",
            "The consultation summary was saved in {shown}"
        ),
        Kind::Oplaeg => tr!(
            "Oplægget er gemt i {shown}",
            "The proposal was saved in {shown}"
        ),
    };
    state.popup = None;
    state.busy = Some(tr!("Eksporterer …", "Exporting …"));
    state.jobs.push(Job {
        work: Box::new(move |root: &Path, _: Option<&str>| {
            let summary = export::run(&Store::open(root)?, &request)?;
            Ok(Some(with_problems(&done, &request, &summary.problems)))
        }),
        done: String::new(),
        after: After::Info,
    });
    None
}

/// The message after an export: where the file is and, when the export
/// reported problems (files it could not read, left out of the document or
/// incomplete), how many, that the document's «Problemer» section at its
/// end names them, and each of them, so none goes unnoticed.
fn with_problems(done: &str, request: &Request, problems: &[String]) -> String {
    if problems.is_empty() {
        return done.to_string();
    }
    let n = problems.len();
    let counted = match crate::i18n::lang() {
        crate::i18n::Lang::Da => crate::i18n::count(n, "problem", "problemer"),
        crate::i18n::Lang::En => crate::i18n::count(n, "problem", "problems"),
    };
    let section = match request.lang {
        crate::i18n::Lang::Da => "Problemer",
        crate::i18n::Lang::En => "Problems",
    };
    let mut out = tr!(
        "{done}\n\nEksporten fandt {counted} i arbejdsmappens filer. Det, der ikke kunne læses, mangler i dokumentet eller er ufuldstændigt; afsnittet «{section}» sidst i dokumentet og listen her nævner hver fil. Ret filerne, og eksportér igen:",
        "{done}\n\nThe export found {counted} in the workspace's files. What could not be read is missing from the document or incomplete; the section «{section}» at the end of the document and the list here name each file. Fix the files and export again:"
    );
    for p in problems {
        out.push_str("\n• ");
        out.push_str(&crate::text::for_terminal(p, false));
    }
    out
}

#[cfg(test)]
mod folder_tests {
    use super::*;

    #[test]
    fn exports_go_beside_the_workspace_when_started_inside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("oplaeg");
        std::fs::create_dir_all(ws.join("drafts")).unwrap();
        let home = tmp.path().canonicalize().unwrap();
        assert_eq!(export_folder(ws.clone(), &ws), home);
        assert_eq!(export_folder(ws.join("drafts"), &ws), home);
        let elsewhere = tmp.path().join("andet");
        std::fs::create_dir_all(&elsewhere).unwrap();
        assert_eq!(export_folder(elsewhere.clone(), &ws), elsewhere);
    }
}
