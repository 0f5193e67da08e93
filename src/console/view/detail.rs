//! The detail pane: every field of the selected job (or arrival), its
//! drives, its running clocks and its history from the audit log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::Job;
use crate::domain::attention::Subject;
use crate::domain::clock::{self, countdown};
use crate::present::{self, drive_state_text, stamp};
use crate::text::visible;

use super::super::model::Model;
use super::super::theme::Theme;
use super::super::update::selected_subject;

pub fn detail(model: &Model, frame: &mut Frame, area: Rect) {
    let (title, lines) = title_and_lines(model);
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let limit = rows_beyond(&paragraph, area);
    let scroll = scrolled(model).min(limit);
    let more = match (scroll > 0, scroll < limit) {
        (_, true) => "· J more ",
        (true, false) => "· K back ",
        (false, false) => "",
    };
    let block = Block::bordered().title(title).title_bottom(more);
    frame.render_widget(paragraph.block(block).scroll((scroll, 0)), area);
}

/// How far the pane in `area` can scroll: the wrapped rows past its last screenful.
pub fn scroll_limit(model: &Model, area: Rect) -> u16 {
    rows_beyond(&Paragraph::new(title_and_lines(model).1).wrap(Wrap { trim: false }), area)
}

/// The rows a (block-less) paragraph takes inside the pane's borders, past its height.
fn rows_beyond(paragraph: &Paragraph, area: Rect) -> u16 {
    let rows = paragraph.line_count(area.width.saturating_sub(2));
    let beyond = rows.saturating_sub(usize::from(area.height.saturating_sub(2)));
    u16::try_from(beyond).unwrap_or(u16::MAX)
}

/// The scroll asked for on the selected subject (0 for any other).
fn scrolled(model: &Model) -> u16 {
    match (&model.detail_scroll, selected_subject(model)) {
        (Some((subject, at)), Some(selected)) if *subject == selected => *at,
        _ => 0,
    }
}

fn title_and_lines(model: &Model) -> (String, Vec<Line<'static>>) {
    let theme = &model.config.theme;
    match selected_subject(model) {
        Some(Subject::Job(name)) => match model.job(&name) {
            Some(job) => (format!(" {} ", visible(&name)), job_lines(model, job, None, theme)),
            None => (" Detail ".into(), vec![Line::from("reading…")]),
        },
        Some(Subject::Drive { job, drive_id }) => match model.job(&job) {
            Some(j) => (
                format!(" {}/{} ", visible(&job), visible(&drive_id)),
                job_lines(model, j, Some(&drive_id), theme),
            ),
            None => (" Detail ".into(), vec![Line::from("reading…")]),
        },
        Some(Subject::Arrival(id)) => (format!(" arrival:{id} "), arrival_lines(model, id)),
        None => (" Detail ".into(), vec![Line::from("nothing selected")]),
    }
}

fn field_line(label: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<18}"), theme.dim()),
        Span::raw(visible(value).into_owned()),
    ])
}

fn job_lines(model: &Model, job: &Job, drive_id: Option<&str>, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    // A drive's own fields first, then its job's.
    if let Some(drive) = drive_id.and_then(|id| job.drives.iter().find(|d| d.drive_id == id)) {
        lines.push(Line::styled("Drive", theme.title()));
        lines.extend(present::drive_fields(drive).iter().map(|(l, v)| field_line(l, v, theme)));
        lines.push(Line::from(""));
        lines.push(Line::styled("Job", theme.title()));
    }
    // Clocks get their own section below; the version is for scripts (S7).
    lines.extend(
        present::job_fields(job, model.now)
            .iter()
            .filter(|(label, _)| !matches!(*label, "clocks" | "version"))
            .map(|(l, v)| field_line(l, v, theme)),
    );
    lines.push(Line::from(""));
    lines.push(Line::styled("Drives", theme.title()));
    for d in &job.drives {
        let pointer = if Some(d.drive_id.as_str()) == drive_id { "▶ " } else { "  " };
        let extra = if d.extra { " [extra]" } else { "" };
        lines.push(Line::from(vec![
            Span::raw(format!("{pointer}{:<18}", visible(&d.drive_id))),
            Span::styled(format!("{:<28}", drive_state_text(d)), theme.drive_state(d.state)),
            Span::raw(format!("{:>3}%{extra}", d.percent_complete)),
        ]));
    }
    let clocks = crate::present::job_clock_lines(job, model.now);
    if !clocks.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled("Clocks", theme.title()));
        for (line, late) in clocks {
            let style = if late { theme.overdue() } else { ratatui::style::Style::new() };
            lines.push(Line::styled(format!("  {line}"), style));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::styled("History", theme.title()));
    match &model.history {
        Some((id, events)) if Some(*id) == job.id => {
            for e in events.iter().rev() {
                let who = e.drive_id.as_deref().map(|d| format!("{d} ")).unwrap_or_default();
                lines.push(Line::from(format!(
                    "  {} {} {who}{} {} → {} ({})",
                    stamp(e.at),
                    visible(&e.operator),
                    visible(&e.action),
                    e.from_state,
                    e.to_state,
                    e.rule
                )));
            }
        }
        _ => lines.push(Line::styled("  loading…", theme.dim())),
    }
    lines
}

fn arrival_lines(model: &Model, id: i64) -> Vec<Line<'static>> {
    let theme = &model.config.theme;
    let Some(a) = model.arrival(id) else { return vec![Line::from("(not loaded)")] };
    let mut lines = vec![
        field_line("status", a.status.as_str(), theme),
        field_line("recorded", &format!("{} by {}", stamp(a.recorded_at), a.recorded_by), theme),
        field_line("package", &format!("{} {}", a.carrier_name, a.tracking_number), theme),
        field_line("job named", a.job_name.as_deref().unwrap_or("(none)"), theme),
        field_line("drives", &a.drive_ids.join(", "), theme),
    ];
    if let Some(c) = &a.last_contact {
        let outcome = if c.reached { "reached" } else { "unreachable" };
        lines.push(field_line("last contact", &format!("{} by {} ({outcome})", stamp(c.at), c.via), theme));
    }
    for c in clock::arrival_clocks(a) {
        lines.push(field_line(
            c.rule.id(),
            &format!("{} → {}", countdown(c.deadline, model.now), c.then),
            theme,
        ));
    }
    lines
}
