//! The table of the current view. Only the visible window of rows is built:
//! a frame costs the same with fifty jobs or a hundred thousand.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use crate::domain::attention::{Item, Urgency};
use crate::domain::clock::{countdown, human_span};
use crate::domain::{Drive, Job, JobState};
use crate::present::{drive_state_text, flags, job_state_text, next_deadline, stamp};
use crate::store::AuditRecord;
use crate::text::visible;

use super::super::model::{Model, View};
use super::super::rows::{RowRef, rows, sort_columns};
use super::super::theme::Theme;

pub fn table(model: &Model, frame: &mut Frame, area: Rect) {
    let all = rows(model, model.view);
    let sort = model.sort();
    let arrow = if sort.descending { "↓" } else { "↑" };
    let sorted_by = sort_columns(model.view).get(sort.column).copied().unwrap_or("");
    let title = format!(" {} · {} rows · sorted by {sorted_by} {arrow} ", model.view.title(), all.len());
    let block = Block::bordered().title(title);
    let inner_height = area.height.saturating_sub(3) as usize; // borders and header row
    let cursor = model.cursor().min(all.len().saturating_sub(1));
    let offset = if inner_height == 0 { cursor } else { cursor.saturating_sub(inner_height - 1) };
    let theme = &model.config.theme;
    let window = all.iter().enumerate().skip(offset).take(inner_height.max(1));
    let body: Vec<Row> = window
        .map(|(i, row)| {
            let built = build_row(model, row, theme);
            if i == cursor { built.style(theme.selected()) } else { built }
        })
        .collect();
    let (header, widths) = columns(model.view);
    let table = Table::new(body, widths)
        .header(Row::new(header.iter().map(|h| Cell::from(*h))).style(theme.title()))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

fn columns(view: View) -> (&'static [&'static str], Vec<Constraint>) {
    use Constraint::{Fill, Length};
    // Fixed widths for what an operator scans, the free text last so that a
    // narrow terminal cuts prose, not names or states.
    match view {
        View::Attention => (
            &["RULE", "SUBJECT", "WHEN", "WHAT", "NEXT STEP"],
            vec![Length(4), Length(46), Length(16), Fill(3), Fill(2)],
        ),
        View::Jobs => (
            &["NAME", "TYPE", "STATE", "DRIVES", "PROGRESS", "IN STATE", "NEXT DEADLINE", "FLAGS"],
            vec![Length(34), Length(6), Length(27), Length(6), Length(15), Length(9), Length(20), Fill(1)],
        ),
        View::Drives => (
            &["", "JOB", "DRIVE", "STATE", "DONE", "IN STATE", "NOTES"],
            vec![Length(1), Length(34), Length(18), Length(27), Length(4), Length(9), Fill(1)],
        ),
        View::Audit => (
            &["WHEN", "WHO", "SUBJECT", "ACTION", "FROM → TO", "RULE", "DETAIL"],
            vec![Length(16), Length(10), Length(34), Length(18), Length(34), Length(4), Fill(1)],
        ),
        View::Archive => (
            &["NAME", "TYPE", "ENDED", "DRIVES", "ARCHIVED"],
            vec![Length(34), Length(6), Length(27), Length(6), Length(16)],
        ),
    }
}

fn build_row<'a>(model: &Model, row: &RowRef, theme: &Theme) -> Row<'a> {
    match row {
        RowRef::Item(item) => item_row(model, item, theme),
        RowRef::Job(job) if model.view == View::Archive => archive_row(job, theme),
        RowRef::Job(job) => job_row(model, job, theme),
        RowRef::Drive(job, drive) => drive_row(model, job, drive, theme),
        RowRef::Event(e) => event_row(e),
    }
}

fn text(s: &str) -> Cell<'static> {
    Cell::from(visible(s).into_owned())
}

fn item_row<'a>(model: &Model, item: &Item, theme: &Theme) -> Row<'a> {
    let when = match (item.due, item.urgency) {
        (Some(due), _) => countdown(due, model.now),
        (None, Urgency::Overdue) => "overdue".into(),
        (None, Urgency::Faulted) => "faulted".into(),
        (None, Urgency::DueSoon) => "act soon".into(),
        (None, Urgency::Open) => "open".into(),
    };
    let style = match item.urgency {
        Urgency::Overdue | Urgency::Faulted => theme.overdue(),
        Urgency::DueSoon => theme.due_soon(),
        Urgency::Open => Style::new(),
    };
    Row::new(vec![
        Cell::from(item.rule.id()),
        text(&item.subject.to_string()),
        Cell::from(when),
        text(&item.what),
        text(&item.next_step),
    ])
    .style(style)
}

fn job_row<'a>(model: &Model, job: &Job, theme: &Theme) -> Row<'a> {
    let deadline = next_deadline(job, model.now);
    // Overdue rows are red as a whole, with the time overdue in the deadline column.
    let row_style = if deadline.ends_with("overdue") || job.state == JobState::Faulted {
        theme.overdue()
    } else {
        Style::new()
    };
    Row::new(vec![
        text(&job.name),
        Cell::from(job.job_type.to_string()),
        Cell::from(Span::styled(job_state_text(job), theme.job_state(job.state))),
        Cell::from(job.drives.len().to_string()),
        Cell::from(bar(job.percent_complete())),
        Cell::from(human_span(model.now - job.state_since)),
        Cell::from(deadline),
        text(&flags(job)),
    ])
    .style(row_style)
}

/// A ten-cell progress bar with its percentage.
fn bar(percent: u8) -> Line<'static> {
    let filled = usize::from(percent.min(100)) / 10;
    Line::from(format!("{}{} {percent:>3}%", "█".repeat(filled), "░".repeat(10 - filled)))
}

fn drive_row<'a>(model: &Model, job: &Job, drive: &Drive, theme: &Theme) -> Row<'a> {
    let marked = model.marked.contains(&(job.name.clone(), drive.drive_id.clone()));
    let mut notes = Vec::new();
    if drive.extra {
        notes.push("[extra D9]".to_string());
    }
    if let Some(reason) = &drive.fault_reason {
        notes.push(format!("fault: {reason}"));
    }
    notes.extend(drive.messages.iter().map(|m| format!("{}: {}", m.severity, m.text)));
    Row::new(vec![
        Cell::from(if marked { Span::styled("●", theme.marked()) } else { Span::raw(" ") }),
        text(&job.name),
        text(&drive.drive_id),
        Cell::from(Span::styled(drive_state_text(drive), theme.drive_state(drive.state))),
        Cell::from(format!("{}%", drive.percent_complete)),
        Cell::from(human_span(model.now - drive.state_since)),
        text(&notes.join("; ")),
    ])
}

fn event_row<'a>(e: &AuditRecord) -> Row<'a> {
    let subject = match (&e.job_name, &e.drive_id, e.arrival_id) {
        (_, _, Some(id)) => format!("arrival:{id}"),
        (Some(job), Some(drive), _) => format!("{job}/{drive}"),
        (Some(job), None, _) => job.clone(),
        (None, _, _) => "-".into(),
    };
    let mut detail = e.detail.clone().unwrap_or_default();
    if let Some(note) = &e.note {
        detail = format!("{detail} note: {note}");
    }
    Row::new(vec![
        Cell::from(stamp(e.at)),
        text(&e.operator),
        text(&subject),
        text(&e.action),
        text(&format!("{} → {}", e.from_state, e.to_state)),
        text(&e.rule),
        text(detail.trim()),
    ])
}

fn archive_row<'a>(job: &Job, theme: &Theme) -> Row<'a> {
    Row::new(vec![
        text(&job.name),
        Cell::from(job.job_type.to_string()),
        Cell::from(Span::styled(job_state_text(job), theme.job_state(job.state))),
        Cell::from(job.drives.len().to_string()),
        Cell::from(job.archived_at.map(stamp).unwrap_or_default()),
    ])
}
