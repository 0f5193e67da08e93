//! The table of the current view. Only the visible window of rows is built:
//! a frame costs the same with fifty jobs or a hundred thousand.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use crate::domain::JobState;
use crate::domain::attention::{Item, Urgency};
use crate::domain::clock::time_in_state;
use crate::present::stamp;
use crate::store::AuditRecord;
use crate::text::visible;

use super::super::data::{DriveRow, JobRow};
use super::super::model::{Model, View};
use super::super::rows::{self, RowRef, sort_columns};
use super::super::theme::Theme;

pub fn table(model: &Model, frame: &mut Frame, area: Rect) {
    let total = rows::count(model, model.view);
    let sort = model.sort();
    let arrow = if sort.descending { "↓" } else { "↑" };
    let sorted_by = sort_columns(model.view).get(sort.column).copied().unwrap_or("");
    let loading = match model.view {
        View::Jobs | View::Drives if !model.data.rows_loaded => " · reading…",
        View::Archive if !model.data.archive_loaded => " · reading…",
        _ => "",
    };
    let title = format!(" {} · {total} rows{loading} · sorted by {sorted_by} {arrow} ", model.view.title());
    let block = Block::bordered().title(title);
    let inner_height = area.height.saturating_sub(3) as usize; // borders and header row
    let cursor = model.cursor().min(total.saturating_sub(1));
    let offset = first_shown(model, area);
    let theme = &model.config.theme;
    let spec = COLUMNS[model.view.index()];
    let built: Vec<(usize, Vec<Line<'static>>, Style)> =
        rows::window(model, model.view, offset, inner_height.max(1))
            .into_iter()
            .map(|(i, row)| {
                let (cells, style) = build_row(model, &row, theme);
                (i, cells, style)
            })
            .collect();
    // Each column as wide as what it shows now (within its bounds).
    let content: Vec<u16> = (0..spec.len())
        .map(|c| {
            let widest =
                built.iter().filter_map(|(_, cells, _)| cells.get(c)).map(Line::width).max().unwrap_or(0);
            u16::try_from(widest).unwrap_or(u16::MAX).max(spec[c].header.chars().count() as u16)
        })
        .collect();
    let order = model.config.columns[model.view.index()].as_deref();
    let columns = fitting(spec, order, &content, area.width.saturating_sub(2));
    let body: Vec<Row> = built
        .into_iter()
        .map(|(i, cells, style)| {
            let mut cells: Vec<Option<Line<'static>>> = cells.into_iter().map(Some).collect();
            let shown: Vec<Cell> = columns
                .iter()
                .map(|&(c, width)| {
                    Cell::from(ellipsis(cells.get_mut(c).and_then(Option::take).unwrap_or_default(), width))
                })
                .collect();
            let row = Row::new(shown).style(style);
            if i == cursor { row.style(theme.selected()) } else { row }
        })
        .collect();
    let widths: Vec<Constraint> = columns.iter().map(|&(_, width)| Constraint::Length(width)).collect();
    let header =
        Row::new(columns.iter().map(|&(c, width)| Cell::from(ellipsis(Line::from(spec[c].header), width))))
            .style(theme.title());
    let table = Table::new(body, widths).header(header).block(block).column_spacing(1);
    frame.render_widget(table, area);
}

/// The position of the first row the table in `area` shows: the window
/// follows the cursor, which stays on its last row once it is past it.
pub fn first_shown(model: &Model, area: Rect) -> usize {
    let inner_height = usize::from(area.height.saturating_sub(3)); // borders and header row
    let cursor = model.cursor().min(rows::count(model, model.view).saturating_sub(1));
    cursor.saturating_sub(inner_height.saturating_sub(1))
}

/// `line` cut to `width` columns, its last one `…` when anything was cut.
pub fn ellipsis(line: Line<'static>, width: u16) -> Line<'static> {
    let width = usize::from(width);
    if line.width() <= width {
        return line;
    }
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            kept.push(c);
        }
        spans.push(Span::styled(kept, span.style));
        if room == 0 {
            break;
        }
    }
    spans.push(Span::raw("…"));
    Line::from(spans).style(line.style)
}

/// One column: its header, the narrowest it is worth showing at, the widest
/// it grows to (0: no bound, for prose), and how much an operator needs it
/// (1 first) when the terminal is too narrow for all. Between the bounds a
/// column is as wide as what it shows; what does not fit ends in `…`.
struct Column {
    header: &'static str,
    min: u16,
    max: u16,
    priority: u8,
}

const fn col(header: &'static str, min: u16, max: u16, priority: u8) -> Column {
    Column { header, min, max, priority }
}

/// The columns of each view, in `View::ALL` order. Names, states and deadlines
/// stay whole; prose fills what is left and is cut first.
const COLUMNS: [&[Column]; 5] = [
    &[
        col("RULE", 4, 4, 1),
        col("SUBJECT", 14, 0, 1),
        col("WHEN", 15, 16, 1),
        col("WHAT", 12, 0, 2),
        col("NEXT STEP", 12, 0, 3),
    ],
    &[
        col("NAME", 20, 0, 1),
        col("TYPE", 6, 6, 6),
        col("STATE", 12, 24, 1),
        col("DRIVES", 6, 6, 7),
        col("PROGRESS", 15, 15, 4),
        col("IN STATE", 8, 9, 5),
        col("NEXT DEADLINE", 17, 24, 2),
        col("FLAGS", 8, 0, 3),
    ],
    &[
        col("", 1, 1, 1),
        col("JOB", 12, 0, 2),
        col("DRIVE", 15, 24, 1),
        col("STATE", 13, 24, 1),
        col("DONE", 4, 4, 3),
        col("IN STATE", 8, 9, 4),
        col("NOTES", 10, 0, 5),
    ],
    &[
        col("WHEN", 16, 16, 1),
        col("WHO", 6, 16, 2),
        col("SUBJECT", 14, 0, 1),
        col("ACTION", 10, 20, 1),
        col("FROM → TO", 12, 32, 3),
        col("RULE", 4, 4, 2),
        col("DETAIL", 12, 0, 4),
    ],
    &[
        col("NAME", 20, 0, 1),
        col("TYPE", 6, 6, 3),
        col("ENDED", 12, 24, 1),
        col("DRIVES", 6, 6, 4),
        col("ARCHIVED", 16, 16, 2),
    ],
];

/// A column's name in the settings file: its header in lower case, words
/// joined by `-` ("next-deadline", "from-to"); the Drives view's mark column
/// is "mark".
fn column_name(column: &Column) -> String {
    let words: Vec<String> = column
        .header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() { "mark".into() } else { words.join("-") }
}

/// The settings file's `[columns]`: per view name, the columns to show, most
/// needed first. Checked: a view or a column the table does not have is named.
pub fn column_orders(
    settings: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<[Option<Vec<usize>>; 5], String> {
    let mut orders: [Option<Vec<usize>>; 5] = Default::default();
    for (view_name, names) in settings {
        let Some(view) = View::ALL.iter().find(|v| v.title().eq_ignore_ascii_case(view_name)) else {
            return Err(format!(
                "[columns]: no view is called '{view_name}' (attention, jobs, drives, audit, archive)"
            ));
        };
        let spec = COLUMNS[view.index()];
        let all: Vec<String> = spec.iter().map(column_name).collect();
        let mut order = Vec::new();
        for name in names {
            let at = all.iter().position(|c| c == name).ok_or_else(|| {
                format!("[columns] {view_name}: no column is called '{name}' ({})", all.join(", "))
            })?;
            if !order.contains(&at) {
                order.push(at);
            }
        }
        orders[view.index()] = Some(order);
    }
    Ok(orders)
}

/// The columns shown in `width` and their widths, in table order. The most
/// needed come first, each at its narrowest; then the room left is shared out
/// a column at a time, in order of need, until each shows all it has (up to
/// its bound); what is still left goes to prose.
fn fitting(spec: &[Column], order: Option<&[usize]>, content: &[u16], width: u16) -> Vec<(usize, u16)> {
    // The settings file's order (`[columns]`), else the view's own ranking.
    let by_need: Vec<usize> = match order {
        Some(order) => order.to_vec(),
        None => {
            let mut by_need: Vec<usize> = (0..spec.len()).collect();
            by_need.sort_by_key(|&i| (spec[i].priority, i));
            by_need
        }
    };
    let mut left = width;
    let mut chosen: Vec<(usize, u16)> = Vec::new();
    for i in by_need {
        let need = spec[i].min + u16::from(!chosen.is_empty()); // and a space before it
        if need <= left {
            left -= need;
            chosen.push((i, spec[i].min));
        }
    }
    let wants = |(i, w): &(usize, u16)| {
        let bound = if spec[*i].max == 0 { u16::MAX } else { spec[*i].max };
        *w < content[*i].min(bound)
    };
    while left > 0 && chosen.iter().any(wants) {
        for entry in chosen.iter_mut() {
            if left > 0 && wants(entry) {
                entry.1 += 1;
                left -= 1;
            }
        }
    }
    // What nobody needs widens prose, so a long note or next step is cut later.
    if let Some(prose) = chosen.iter_mut().rev().find(|(i, _)| spec[*i].max == 0) {
        prose.1 += left;
    }
    chosen.sort_unstable();
    chosen
}

/// Faulted shows where it came from, compactly: "Faulted ← Transferring".
fn state_cell(
    faulted_from: Option<impl std::fmt::Display>,
    state: impl std::fmt::Display,
    style: Style,
) -> Line<'static> {
    let text = match faulted_from {
        Some(from) => format!("Faulted ← {from}"),
        None => state.to_string(),
    };
    Line::from(Span::styled(text, style))
}

/// The current view as `:export` writes it: every column's header and, for
/// every row the filter keeps (in the view's order), each cell's text as the
/// table shows it (customer text with its control characters made visible).
pub fn export(model: &Model) -> (Vec<String>, Vec<Vec<String>>) {
    let spec = COLUMNS[model.view.index()];
    let header = spec.iter().map(column_name).collect();
    let theme = &model.config.theme;
    let rows = rows::rows(model, model.view)
        .iter()
        .map(|row| {
            build_row(model, row, theme).0.iter().map(|cell| cell.to_string().trim().to_string()).collect()
        })
        .collect();
    (header, rows)
}

fn build_row(model: &Model, row: &RowRef, theme: &Theme) -> (Vec<Line<'static>>, Style) {
    match row {
        RowRef::Item(item) => item_row(model, item, theme),
        RowRef::Job(job) if model.view == View::Archive => archive_row(job, theme),
        RowRef::Job(job) => job_row(model, job, theme),
        RowRef::Drive(drive) => drive_row(model, drive, theme),
        RowRef::Event(e) => event_row(e),
    }
}

fn text(s: &str) -> Line<'static> {
    Line::from(visible(s).into_owned())
}

fn item_row(model: &Model, item: &Item, theme: &Theme) -> (Vec<Line<'static>>, Style) {
    let when = crate::present::attention_when(item, model.now);
    let style = match item.urgency {
        Urgency::Overdue | Urgency::Faulted => theme.overdue(),
        Urgency::DueSoon => theme.due_soon(),
        Urgency::Open => Style::new(),
    };
    let cells = vec![
        Line::from(item.rule.id()),
        text(&item.subject.to_string()),
        Line::from(when),
        text(&item.what),
        text(&item.next_step),
    ];
    (cells, style)
}

fn job_row(model: &Model, job: &JobRow, theme: &Theme) -> (Vec<Line<'static>>, Style) {
    let deadline = crate::present::deadline_text(job.deadline, model.now);
    // Overdue rows (`attention::is_overdue`) are red as a whole, with the time
    // overdue in the deadline column.
    let overdue = job.deadline.is_some_and(|(_, at, person)| person && at <= model.now);
    let row_style = if overdue || job.state == JobState::Faulted { theme.overdue() } else { Style::new() };
    let state = match &job.unknown {
        Some(unknown) => Line::from(Span::styled(visible(unknown).into_owned(), theme.overdue())),
        None => state_cell(job.faulted_from, job.state, theme.job_state(job.state)),
    };
    let cells = vec![
        text(&job.name),
        Line::from(job.job_type.to_string()),
        state,
        Line::from(job.drive_count.to_string()),
        bar(job.percent),
        Line::from(time_in_state(job.state_since, model.now)),
        Line::from(deadline),
        text(&job.flags),
    ];
    (cells, row_style)
}

/// A ten-cell progress bar with its percentage.
fn bar(percent: u8) -> Line<'static> {
    let filled = usize::from(percent.min(100)) / 10;
    Line::from(format!("{}{} {percent:>3}%", "█".repeat(filled), "░".repeat(10 - filled)))
}

fn drive_row(model: &Model, drive: &DriveRow, theme: &Theme) -> (Vec<Line<'static>>, Style) {
    let marked = !model.marked.is_empty()
        && model.marked.contains(&(drive.job_name.to_string(), drive.drive_id.clone()));
    let cells = vec![
        Line::from(if marked { Span::styled("●", theme.marked()) } else { Span::raw(" ") }),
        text(&drive.job_name),
        text(&drive.drive_id),
        state_cell(drive.faulted_from, drive.state, theme.drive_state(drive.state)),
        Line::from(format!("{}%", drive.percent)),
        Line::from(time_in_state(drive.state_since, model.now)),
        text(&drive.notes),
    ];
    (cells, Style::new())
}

fn event_row(e: &AuditRecord) -> (Vec<Line<'static>>, Style) {
    let cells = vec![
        Line::from(stamp(e.at)),
        text(&e.operator),
        text(&crate::present::event_subject(e)),
        text(&e.action),
        text(&format!("{} → {}", e.from_state, e.to_state)),
        text(&e.rule),
        text(&crate::present::event_detail(e)),
    ];
    (cells, Style::new())
}

fn archive_row(job: &JobRow, theme: &Theme) -> (Vec<Line<'static>>, Style) {
    let cells = vec![
        text(&job.name),
        Line::from(job.job_type.to_string()),
        state_cell(job.faulted_from, job.state, theme.job_state(job.state)),
        Line::from(job.drive_count.to_string()),
        Line::from(job.archived_at.map(stamp).unwrap_or_default()),
    ];
    (cells, Style::new())
}
