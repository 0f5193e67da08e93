//! `view`: a pure function of the model that draws one frame. Every text
//! that came from the database passes through `text::visible` on its way.

mod detail;
mod header;
mod popup;
pub mod rules;
pub mod tables;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs, Wrap};

use super::model::{InputKind, Model, View};

/// Below this the layout cannot show a useful table.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let areas = Areas::of(model, area);
    header::header(model, frame, areas.top);
    header::pulse(model, frame, areas.pulse);
    view_tabs(model, frame, areas.tabs);
    if model.loaded && is_empty(model) {
        empty_state(frame, areas.body);
    } else {
        tables::table(model, frame, areas.table);
        if let Some(side) = areas.detail {
            detail::detail(model, frame, side);
        }
    }
    footer_line(model, frame, areas.footer);
    popup::popup(model, frame, area);
}

/// Where each part of the screen goes: one layout for drawing and for what
/// `update` needs to know of it (how far a page or a scroll goes).
struct Areas {
    whole: Rect,
    top: Rect,
    pulse: Rect,
    tabs: Rect,
    body: Rect,
    table: Rect,
    detail: Option<Rect>,
    footer: Rect,
}

impl Areas {
    fn of(model: &Model, area: Rect) -> Areas {
        let [top, pulse, tabs, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        let (table, detail) = match model.detail {
            false => (body, None),
            true if body.width >= 140 => {
                let [t, s] =
                    Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
                (t, Some(s))
            }
            true => {
                let [t, s] =
                    Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
                (t, Some(s))
            }
        };
        Areas { whole: area, top, pulse, tabs, body, table, detail, footer }
    }

    fn at_model_size(model: &Model) -> Areas {
        let (width, height) = model.size;
        Areas::of(model, Rect::new(0, 0, width, height))
    }
}

/// What is under a screen cell, for the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Tab(View),
    /// A table row, by its position in the view.
    Row(usize),
    /// An item of the action menu.
    MenuItem(usize),
    Detail,
    Nothing,
}

/// What is at (`column`, `row`) of the screen at the model's size.
pub fn hit(model: &Model, column: u16, row: u16) -> Hit {
    let inside = |r: Rect| column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height;
    let areas = Areas::at_model_size(model);
    match &model.popup {
        Some(super::model::Popup::Menu { subject, actions, .. }) => {
            let rect = popup::menu_rect(areas.whole, subject, actions.len());
            let item = usize::from(row.saturating_sub(rect.y + 1));
            let on_an_item = row > rect.y && row + 1 < rect.y + rect.height; // not on its borders
            return match inside(rect) && on_an_item && item < actions.len() {
                true => Hit::MenuItem(item),
                false => Hit::Nothing,
            };
        }
        Some(_) => return Hit::Nothing,
        None => {}
    }
    let [tabs, _] = tab_areas(model, areas.tabs);
    if inside(tabs) {
        let mut x = tabs.x;
        for (i, view) in View::ALL.iter().enumerate() {
            // As `Tabs` draws them: a space, the title, a space, the divider.
            let width = tab_title(model, i, *view).width() as u16 + 2;
            if column >= x && column < x + width {
                return Hit::Tab(*view);
            }
            x += width + 1;
        }
        return Hit::Nothing;
    }
    if areas.detail.is_some_and(inside) {
        return Hit::Detail;
    }
    let table = areas.table;
    let first_row = table.y + 2; // the border and the header row
    if inside(table) && row >= first_row && row + 1 < table.y + table.height {
        let at = tables::first_shown(model, table) + usize::from(row - first_row);
        if at < super::rows::count(model, model.view) {
            return Hit::Row(at);
        }
    }
    Hit::Nothing
}

/// How many rows the table shows at the model's terminal size: what a page moves.
pub fn table_rows(model: &Model) -> usize {
    usize::from(Areas::at_model_size(model).table.height.saturating_sub(3)) // borders, header row
}

/// How far the detail pane can scroll at the model's terminal size.
pub fn detail_scroll_limit(model: &Model) -> u16 {
    Areas::at_model_size(model).detail.map_or(0, |area| detail::scroll_limit(model, area))
}

fn is_empty(model: &Model) -> bool {
    model.data.empty
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text =
        format!("terminal too small: {}×{}, ieops needs {MIN_WIDTH}×{MIN_HEIGHT}", area.width, area.height);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn empty_state(frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::from("No jobs yet."),
        Line::from(""),
        Line::from("  Demo data:     quit (q) and run `ieops demo`, or start with `ieops --demo`"),
        Line::from("  A first job:   `ieops job create NAME --type import --drive ID`"),
        Line::from("  A package:     `ieops arrival --carrier C --tracking T --drive ID`"),
        Line::from(""),
        Line::from("Jobs created from any terminal appear here within a second."),
    ];
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Welcome ")), area);
}

/// A view's tab: its key, its name and how many rows it shows.
fn tab_title(model: &Model, i: usize, view: View) -> Line<'static> {
    // A view not yet filtered with what is being typed shows no count rather than a wrong one.
    // Before the first read, no count: a zero would be a false all-clear.
    let count = if model.loaded && super::rows::is_filtered(model, view) {
        super::rows::count(model, view).to_string()
    } else {
        "…".to_string()
    };
    Line::from(format!("{} {} ({count})", i + 1, view.title()))
}

/// The tab row's right end: the filter in force and how many drives are marked.
fn tab_status(model: &Model) -> Vec<Span<'static>> {
    let theme = &model.config.theme;
    let mut spans = vec![];
    if !model.filter.is_empty() {
        spans.push(Span::styled(
            format!("  filter: {}", crate::text::visible(&model.filter.text)),
            theme.title(),
        ));
    }
    if !model.marked.is_empty() {
        spans.push(Span::styled(format!("  marked: {}", model.marked.len()), theme.marked()));
    }
    spans
}

/// Where the tabs are drawn (left) and the status beside them (right).
fn tab_areas(model: &Model, area: Rect) -> [Rect; 2] {
    let right_width: usize = tab_status(model).iter().map(Span::width).sum();
    Layout::horizontal([Constraint::Min(20), Constraint::Length(right_width as u16)]).areas(area)
}

fn view_tabs(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = &model.config.theme;
    let titles: Vec<Line> = View::ALL.iter().enumerate().map(|(i, v)| tab_title(model, i, *v)).collect();
    let spans = tab_status(model);
    let [left, right] = tab_areas(model, area);
    frame.render_widget(
        Tabs::new(titles).select(model.view.index()).highlight_style(theme.selected()).divider("│"),
        left,
    );
    frame.render_widget(Paragraph::new(Line::from(spans)), right);
}

/// The footer's keys, as many as fit in `width`; "? help" is always there.
fn footer_keys(model: &Model, width: usize) -> String {
    let mut items = model.config.keys.footer(model.view, model.config.read_only);
    if model.config.read_only {
        items.insert(0, "read-only".into());
    }
    let help = items.iter().position(|i| i == "? help").map(|at| items.remove(at));
    let reserved = help.as_ref().map_or(0, |h| h.chars().count() + 3);
    let mut line = String::new();
    for item in items {
        let sep = if line.is_empty() { 0 } else { 3 };
        if line.chars().count() + sep + item.chars().count() + reserved > width {
            break;
        }
        if sep > 0 {
            line.push_str(" · ");
        }
        line.push_str(&item);
    }
    if let Some(help) = help {
        line.push_str(if line.is_empty() { "" } else { " · " });
        line.push_str(&help);
    }
    line
}

fn footer_line(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = &model.config.theme;
    if let Some(input) = &model.input {
        let prompt = match input.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
        };
        let [p, rest] = Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        frame.render_widget(Paragraph::new(prompt), p);
        frame.render_widget(&input.text, rest);
        return;
    }
    let line = match &model.flash {
        Some((text, true)) => Line::styled(crate::text::visible(text).into_owned(), theme.error()),
        Some((text, false)) => Line::styled(crate::text::visible(text).into_owned(), theme.ok()),
        None => Line::styled(footer_keys(model, usize::from(area.width)), theme.dim()),
    };
    frame.render_widget(Paragraph::new(line), area);
}
