//! Where everything sits on the screen, computed from the terminal's size
//! alone. Drawing, mouse clicks, the wheel and scrolling by keys all ask
//! this module, so a click lands on what the eye sees and a page is as tall
//! as the pane that shows it. No other module computes geometry.

use ratatui::layout::{Constraint, Flex, Layout, Margin, Rect};
use unicode_width::UnicodeWidthStr;

use super::state::View;
use crate::i18n::Lang;

/// The smallest terminal the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Width of the reader's chapter list.
pub const CHAPTER_LIST_WIDTH: u16 = 30;
/// Width of the reader's marker margin (● 2 and a space).
pub const GUTTER: u16 = 4;

/// The screen's four bands.
#[derive(Clone, Copy, Debug)]
pub struct Screen {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// The whole terminal.
pub fn area(width: u16, height: u16) -> Rect {
    Rect::new(0, 0, width, height)
}

/// Whether the terminal is smaller than the layout is made for.
pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// The tab bar, the view, the status line and the footer.
pub fn screen(width: u16, height: u16) -> Screen {
    let [tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area(width, height));
    Screen {
        tabs,
        body,
        status,
        footer,
    }
}

/// The inside of a bordered pane.
pub fn inner(r: Rect) -> Rect {
    r.inner(Margin::new(1, 1))
}

/// The first visible row of a list so `selected` stays in view.
pub fn list_offset(selected: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        selected.saturating_sub(height - 1)
    }
}

/// The list row under screen row `y` in a bordered list `area` whose
/// selection is `selected`, if `y` is on a row.
pub fn list_row(area: Rect, y: u16, selected: usize) -> Option<usize> {
    let inside = inner(area);
    if y < inside.y || y >= inside.y + inside.height {
        return None;
    }
    let offset = list_offset(selected, usize::from(inside.height));
    Some(usize::from(y - inside.y) + offset)
}

/// Whether the point is inside the rectangle.
pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}

// ---- The tab bar ----

/// How much of the tabs' titles the bar shows, richest first. The bar takes
/// the first form that fits every tab whichever is selected, so switching
/// tabs changes the selected title only and the bar does not jump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TabForm {
    /// ` 1 Oplæg `: every title, padded.
    Padded,
    /// ` 1 Oplæg`: every title.
    Full,
    /// The selected title, the others' short titles: ` 2 Anbef.`.
    Short,
    /// As `Short`, without the space before the number: `2 Anbef.` (80
    /// columns in Danish).
    Tight,
}

const TAB_FORMS: [TabForm; 4] = [
    TabForm::Padded,
    TabForm::Full,
    TabForm::Short,
    TabForm::Tight,
];

/// A tab's title in a language: the full one or the short one.
fn tab_title(view: View, lang: Lang, short: bool) -> &'static str {
    let t = super::tabs::tab(view);
    match (lang, short) {
        (Lang::Da, false) => t.da,
        (Lang::En, false) => t.en,
        (Lang::Da, true) => t.da_short,
        (Lang::En, true) => t.en_short,
    }
}

/// A tab's label in a form.
fn form_label(form: TabForm, view: View, selected: View, lang: Lang) -> String {
    let n = view.index() + 1;
    let full = tab_title(view, lang, false);
    match form {
        TabForm::Padded => format!(" {n} {full} "),
        TabForm::Full => format!(" {n} {full}"),
        // The selected tab is padded: it is drawn highlighted, like a button.
        TabForm::Short | TabForm::Tight if view == selected => format!(" {n} {full} "),
        TabForm::Short => format!(" {n} {}", tab_title(view, lang, true)),
        TabForm::Tight => format!("{n} {}", tab_title(view, lang, true)),
    }
}

/// Columns the bar takes in a form with `selected` chosen (each label and
/// its separator).
fn form_width(form: TabForm, selected: View, lang: Lang) -> usize {
    View::all()
        .map(|v| form_label(form, v, selected, lang).as_str().width() + 1)
        .sum()
}

/// The richest form that fits in `width` columns whichever tab is selected.
fn tab_form(width: u16, lang: Lang) -> Option<TabForm> {
    TAB_FORMS
        .into_iter()
        .find(|&f| View::all().all(|sel| form_width(f, sel, lang) <= usize::from(width)))
}

/// The tabs' labels in `lang`: see [`tab_labels`].
fn tab_labels_in(width: u16, selected: View, lang: Lang) -> Vec<String> {
    if let Some(form) = tab_form(width, lang) {
        return View::all()
            .map(|v| form_label(form, v, selected, lang))
            .collect();
    }
    // Narrower than the layout is made for: the chosen tab keeps its title,
    // the others' short titles are cut alike to what fits (at least their
    // number).
    let short = |v: View, n: usize| {
        if n == 0 {
            format!("{}", v.index() + 1)
        } else {
            let title = crate::text::truncate(tab_title(v, lang, true), n);
            format!("{} {title}", v.index() + 1)
        }
    };
    let chosen = form_label(TabForm::Full, selected, selected, lang);
    let fits = |n: usize| {
        let others: usize = View::all()
            .filter(|&v| v != selected)
            .map(|v| short(v, n).as_str().width() + 1)
            .sum();
        chosen.as_str().width() + 1 + others <= usize::from(width)
    };
    let n = (0..=20).rev().find(|&n| fits(n)).unwrap_or(0);
    View::all()
        .map(|v| {
            if v == selected {
                chosen.clone()
            } else {
                short(v, n)
            }
        })
        .collect()
}

/// The tabs' labels, in order, for the tab bar of a terminal `width` wide:
/// every full title where they fit (` 1 Oplæg `), else the selected tab's
/// full title and the others' short ones (`2 Anbef.`), chosen so that 80
/// columns show them whole in Danish and English. Each label is followed
/// by a one-column separator.
pub fn tab_labels(width: u16, selected: View) -> Vec<String> {
    tab_labels_in(width, selected, crate::i18n::lang())
}

/// The tab at column `x` of the tab bar.
pub fn tab_at(x: u16, width: u16, selected: View) -> Option<usize> {
    let mut col = 0usize;
    for (i, label) in tab_labels(width, selected).iter().enumerate() {
        let w = label.as_str().width() + 1;
        if usize::from(x) >= col && usize::from(x) < col + w {
            return Some(i);
        }
        col += w;
    }
    None
}

// ---- Views with a list and a pane beside it ----

/// Which side of a two-pane view something is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// How a tab divides the screen's body into its two panes (named in its
/// line of [`super::tabs::TABS`]).
#[derive(Clone, Copy)]
pub enum Split {
    /// One pane: the body twice.
    Whole,
    /// Side by side, the left pane this many columns wide.
    LeftColumns(u16),
    /// Side by side, the left pane this many percent of the width.
    LeftPercent(u16),
    /// Above and below, the upper pane this many percent of the height.
    TopPercent(u16),
    /// A layout of its own: from the body, the terminal's width and
    /// whether the second pane is open.
    Own(fn(Rect, u16, bool) -> [Rect; 2]),
}

impl Split {
    /// The two panes in `body`, for a terminal `width` wide.
    pub fn areas(self, body: Rect, width: u16, open: bool) -> [Rect; 2] {
        match self {
            Split::Whole => [body, body],
            Split::LeftColumns(n) => {
                Layout::horizontal([Constraint::Length(n), Constraint::Min(20)]).areas(body)
            }
            Split::LeftPercent(p) => Layout::horizontal([
                Constraint::Percentage(p),
                Constraint::Percentage(100 - p.min(100)),
            ])
            .areas(body),
            Split::TopPercent(p) => Layout::vertical([
                Constraint::Percentage(p),
                Constraint::Percentage(100 - p.min(100)),
            ])
            .areas(body),
            Split::Own(f) => f(body, width, open),
        }
    }
}

/// The left and right panes of a view, for a terminal `width`×`height`, as
/// its tab splits the body. Views with one pane give the body twice.
pub fn panes(view: View, width: u16, height: u16, history_open: bool) -> [Rect; 2] {
    let body = screen(width, height).body;
    super::tabs::tab(view)
        .split
        .areas(body, width, history_open)
}

/// Historik: the list, and below it the chosen change when it is open.
pub fn history_split(body: Rect, _width: u16, open: bool) -> [Rect; 2] {
    if open {
        Split::TopPercent(55).areas(body, 0, open)
    } else {
        [body, Rect::new(body.x, body.bottom(), body.width, 0)]
    }
}

/// Ændringer: a line for the versions compared, then the list and the text.
pub fn diff_split(body: Rect, width: u16, _open: bool) -> [Rect; 2] {
    let [_, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
    Layout::horizontal([
        Constraint::Length(diff_list_width(width)),
        Constraint::Min(20),
    ])
    .areas(rest)
}

/// The width the reader's text is wrapped to, for a terminal `width` wide.
pub fn reader_text_width(width: u16) -> u16 {
    width
        .saturating_sub(CHAPTER_LIST_WIDTH + 2 + GUTTER + 1)
        .max(20)
}

/// Rows of reader text visible, for a terminal `height` high.
pub fn reader_text_height(height: u16) -> usize {
    usize::from(height.saturating_sub(5))
}

/// Width of the Ændringer list for a terminal `width` wide.
pub fn diff_list_width(width: u16) -> u16 {
    if width >= 110 { 36 } else { 30 }
}

/// Columns of text in the Ændringer text pane (after borders and the 2-column gutter).
pub fn diff_text_width(width: u16) -> u16 {
    width.saturating_sub(diff_list_width(width) + 4).max(20)
}

/// Rows of Ændringer text visible, for a terminal `height` high.
pub fn diff_text_height(height: u16) -> usize {
    usize::from(height.saturating_sub(6))
}

/// Rows a page key moves in a list or pane of `rows` visible rows.
pub fn page(rows: usize) -> usize {
    rows.saturating_sub(1).max(1)
}

// ---- Popups ----

/// A box of the given size in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// The kinds of popup box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boxed {
    /// Help, threads, lists of threads, version pickers: nearly the screen.
    Large,
    /// A report that should show whole where it can (sync): all but the
    /// status line and footer.
    Tall,
    /// The text editor.
    Editor,
    /// A message or an error.
    Message,
    /// A question to confirm.
    Confirm,
    /// A short list to choose from (disposition, horizon, status).
    Choice,
    /// A small form (a rank number, a meeting).
    Form,
    /// The kept draft offered back.
    Draft,
}

/// Where a popup of a kind sits on a terminal `width`×`height`.
pub fn popup(kind: Boxed, width: u16, height: u16) -> Rect {
    let whole = area(width, height);
    let wide = width.saturating_sub(8).min(100);
    let tall = height.saturating_sub(4);
    match kind {
        Boxed::Large => centered(whole, wide, tall),
        Boxed::Tall => {
            // Over the tabs and the view; the status line and footer stay.
            let box_width = width.saturating_sub(8).min(96);
            Rect::new(
                (width - box_width) / 2,
                0,
                box_width,
                height.saturating_sub(2),
            )
        }
        Boxed::Editor => centered(whole, wide, tall.min(18)),
        Boxed::Message => centered(whole, wide.min(70), tall.min(12)),
        Boxed::Confirm => centered(whole, wide.min(70), tall.min(12)),
        Boxed::Choice => centered(whole, 56, 10),
        Boxed::Form => centered(whole, wide.min(64), 12),
        Boxed::Draft => centered(whole, wide.min(70), 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_under_a_column_is_the_one_drawn_there() {
        for width in [60, 80, 100, 120, 200] {
            for selected in View::all() {
                let mut col = 0;
                for (i, label) in tab_labels(width, selected).iter().enumerate() {
                    assert_eq!(tab_at(col, width, selected), Some(i));
                    col += u16::try_from(label.as_str().width() + 1).unwrap_or(u16::MAX);
                    assert_eq!(tab_at(col - 1, width, selected), Some(i));
                }
                assert!(col <= width || width < 70, "{width}: {col}");
            }
        }
    }

    #[test]
    fn at_80_columns_every_tab_shows_its_short_title_and_the_selected_its_full_one() {
        for lang in [Lang::Da, Lang::En] {
            for selected in View::all() {
                let labels = tab_labels_in(MIN_WIDTH, selected, lang);
                let used: usize = labels.iter().map(|l| l.as_str().width() + 1).sum();
                assert!(
                    used <= usize::from(MIN_WIDTH),
                    "{lang:?} {selected:?}: {labels:?}"
                );
                for (v, label) in View::all().zip(&labels) {
                    let want = tab_title(v, lang, v != selected);
                    assert_eq!(
                        label.trim(),
                        format!("{} {want}", v.index() + 1),
                        "{lang:?} {selected:?}"
                    );
                }
            }
            // Wide enough, every tab shows its full title.
            for (v, label) in View::all().zip(tab_labels_in(120, View::Reader, lang)) {
                assert_eq!(
                    label.trim(),
                    format!("{} {}", v.index() + 1, tab_title(v, lang, false))
                );
            }
        }
    }

    #[test]
    fn list_rows_follow_the_scrolled_list() {
        let list = Rect::new(0, 1, 30, 12);
        assert_eq!(list_row(list, 1, 0), None, "the border");
        assert_eq!(list_row(list, 2, 0), Some(0));
        // Ten rows show; with the 15th selected the list starts at row 5.
        assert_eq!(list_row(list, 2, 14), Some(5));
        assert_eq!(list_row(list, 12, 0), None, "the bottom border");
    }
}
