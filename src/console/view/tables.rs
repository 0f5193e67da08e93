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
    let offset = if inner_height == 0 { cursor } else { cursor.saturating_sub(inner_height - 1) };
    let theme = &model.config.theme;
    let columns = fitting(COLUMNS[model.view.index()], area.width.saturating_sub(2));
    let body: Vec<Row> = rows::window(model, model.view, offset, inner_height.max(1))
        .into_iter()
        .map(|(i, row)| {
            let (cells, style) = build_row(model, &row, theme);
            let cells: Vec<Cell> =
                cells.into_iter().enumerate().filter(|(c, _)| columns.contains(c)).map(|(_, c)| c).collect();
            let built = Row::new(cells).style(style);
            if i == cursor { built.style(theme.selected()) } else { built }
        })
        .collect();
    let spec = COLUMNS[model.view.index()];
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&c| if spec[c].width == 0 { Constraint::Fill(1) } else { Constraint::Length(spec[c].width) })
        .collect();
    let header = Row::new(columns.iter().map(|&c| Cell::from(spec[c].header))).style(theme.title());
    let table = Table::new(body, widths).header(header).block(block).column_spacing(1);
    frame.render_widget(table, area);
}

/// One column: its header, its width (0: takes what is left), and how much an
/// operator needs it (1 first) when the terminal is too narrow for all.
struct Column {
    header: &'static str,
    width: u16,
    priority: u8,
}

const fn col(header: &'static str, width: u16, priority: u8) -> Column {
    Column { header, width, priority }
}

/// The columns of each view, in `View::ALL` order. Names, states and deadlines
/// stay whole; prose fills what is left and is cut first.
const COLUMNS: [&[Column]; 5] = [
    &[
        col("RULE", 4, 1),
        col("SUBJECT", 46, 1),
        col("WHEN", 16, 1),
        col("WHAT", 0, 2),
        col("NEXT STEP", 0, 3),
    ],
    &[
        col("NAME", 36, 1),
        col("TYPE", 6, 6),
        col("STATE", 22, 1),
        col("DRIVES", 6, 7),
        col("PROGRESS", 15, 4),
        col("IN STATE", 9, 5),
        col("NEXT DEADLINE", 20, 2),
        col("FLAGS", 0, 3),
    ],
    &[
        col("", 1, 1),
        col("JOB", 36, 1),
        col("DRIVE", 18, 1),
        col("STATE", 22, 1),
        col("DONE", 4, 3),
        col("IN STATE", 9, 4),
        col("NOTES", 0, 2),
    ],
    &[
        col("WHEN", 16, 1),
        col("WHO", 10, 2),
        col("SUBJECT", 50, 1),
        col("ACTION", 18, 1),
        col("FROM → TO", 30, 1),
        col("RULE", 4, 2),
        col("DETAIL", 0, 3),
    ],
    &[
        col("NAME", 36, 1),
        col("TYPE", 6, 3),
        col("ENDED", 22, 1),
        col("DRIVES", 6, 4),
        col("ARCHIVED", 16, 2),
    ],
];

/// The indexes of the columns that fit in `width`, most needed first, shown in table order.
fn fitting(spec: &[Column], width: u16) -> Vec<usize> {
    let mut by_need: Vec<usize> = (0..spec.len()).collect();
    by_need.sort_by_key(|&i| (spec[i].priority, i));
    let mut used = 0u16;
    let mut chosen = Vec::new();
    for i in by_need {
        // A fill column needs room for a dozen characters to be worth showing.
        let need = spec[i].width.max(12) + 1;
        if used + need <= width || chosen.is_empty() {
            used += need;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Faulted shows where it came from, compactly: "Faulted ← Transferring".
fn state_cell(
    faulted_from: Option<impl std::fmt::Display>,
    state: impl std::fmt::Display,
    style: Style,
) -> Cell<'static> {
    let text = match faulted_from {
        Some(from) => format!("Faulted ← {from}"),
        None => state.to_string(),
    };
    Cell::from(Span::styled(text, style))
}

fn build_row(model: &Model, row: &RowRef, theme: &Theme) -> (Vec<Cell<'static>>, Style) {
    match row {
        RowRef::Item(item) => item_row(model, item, theme),
        RowRef::Job(job) if model.view == View::Archive => archive_row(job, theme),
        RowRef::Job(job) => job_row(model, job, theme),
        RowRef::Drive(drive) => drive_row(model, drive, theme),
        RowRef::Event(e) => event_row(e),
    }
}

fn text(s: &str) -> Cell<'static> {
    Cell::from(visible(s).into_owned())
}

fn item_row(model: &Model, item: &Item, theme: &Theme) -> (Vec<Cell<'static>>, Style) {
    let when = crate::present::attention_when(item, model.now);
    let style = match item.urgency {
        Urgency::Overdue | Urgency::Faulted => theme.overdue(),
        Urgency::DueSoon => theme.due_soon(),
        Urgency::Open => Style::new(),
    };
    let cells = vec![
        Cell::from(item.rule.id()),
        text(&item.subject.to_string()),
        Cell::from(when),
        text(&item.what),
        text(&item.next_step),
    ];
    (cells, style)
}

fn job_row(model: &Model, job: &JobRow, theme: &Theme) -> (Vec<Cell<'static>>, Style) {
    let deadline = crate::present::deadline_text(job.deadline, model.now);
    // Overdue rows (`attention::is_overdue`) are red as a whole, with the time
    // overdue in the deadline column.
    let overdue = job.deadline.is_some_and(|(_, at, person)| person && at <= model.now);
    let row_style = if overdue || job.state == JobState::Faulted { theme.overdue() } else { Style::new() };
    let state = match &job.unknown {
        Some(unknown) => Cell::from(Span::styled(visible(unknown).into_owned(), theme.overdue())),
        None => state_cell(job.faulted_from, job.state, theme.job_state(job.state)),
    };
    let cells = vec![
        text(&job.name),
        Cell::from(job.job_type.to_string()),
        state,
        Cell::from(job.drive_count.to_string()),
        Cell::from(bar(job.percent)),
        Cell::from(time_in_state(job.state_since, model.now)),
        Cell::from(deadline),
        text(&job.flags),
    ];
    (cells, row_style)
}

/// A ten-cell progress bar with its percentage.
fn bar(percent: u8) -> Line<'static> {
    let filled = usize::from(percent.min(100)) / 10;
    Line::from(format!("{}{} {percent:>3}%", "█".repeat(filled), "░".repeat(10 - filled)))
}

fn drive_row(model: &Model, drive: &DriveRow, theme: &Theme) -> (Vec<Cell<'static>>, Style) {
    let marked = !model.marked.is_empty()
        && model.marked.contains(&(drive.job_name.to_string(), drive.drive_id.clone()));
    let cells = vec![
        Cell::from(if marked { Span::styled("●", theme.marked()) } else { Span::raw(" ") }),
        text(&drive.job_name),
        text(&drive.drive_id),
        state_cell(drive.faulted_from, drive.state, theme.drive_state(drive.state)),
        Cell::from(format!("{}%", drive.percent)),
        Cell::from(time_in_state(drive.state_since, model.now)),
        text(&drive.notes),
    ];
    (cells, Style::new())
}

fn event_row(e: &AuditRecord) -> (Vec<Cell<'static>>, Style) {
    let cells = vec![
        Cell::from(stamp(e.at)),
        text(&e.operator),
        text(&crate::present::event_subject(e)),
        text(&e.action),
        text(&format!("{} → {}", e.from_state, e.to_state)),
        text(&e.rule),
        text(&crate::present::event_detail(e)),
    ];
    (cells, Style::new())
}

fn archive_row(job: &JobRow, theme: &Theme) -> (Vec<Cell<'static>>, Style) {
    let cells = vec![
        text(&job.name),
        Cell::from(job.job_type.to_string()),
        state_cell(job.faulted_from, job.state, theme.job_state(job.state)),
        Cell::from(job.drive_count.to_string()),
        Cell::from(job.archived_at.map(stamp).unwrap_or_default()),
    ];
    (cells, Style::new())
}
