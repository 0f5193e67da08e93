//! The header line and the pulse strip.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::attention::Urgency;
use crate::domain::{DriveState, JobState};
use crate::text::visible;

use super::super::model::Model;

pub fn header(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = &model.config.theme;
    let mode = if model.config.read_only {
        Span::styled(" 🔒 READ-ONLY ", theme.error())
    } else {
        Span::styled(" READ-WRITE ", theme.ok())
    };
    let time = model.now.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let time = if model.config.simulated { format!("{time} (simulated)") } else { time };
    let line = Line::from(vec![
        Span::styled("ieops", theme.title()),
        Span::raw(" │ "),
        Span::raw(visible(&model.config.db_path).into_owned()),
        Span::raw(" │ operator "),
        Span::styled(visible(&model.config.operator).into_owned(), theme.title()),
        Span::raw(" │"),
        mode,
        Span::raw("│ "),
        Span::raw(time),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// From this width on, the pulse strip draws each state's share as a bar.
const WIDE: u16 = 200;

/// " ▆▆▆" — `n` against the largest count, `most`, as up to 12 cells (at
/// least one for any), or nothing.
fn share(n: u64, most: u64, bars: bool) -> String {
    if !bars || most == 0 {
        return String::new();
    }
    let cells = ((n * 12).div_ceil(most)).clamp(u64::from(n > 0), 12) as usize;
    format!(" {}", "▆".repeat(cells))
}

/// Counts per state, in each state's colour, with overdue and faulted totals.
pub fn pulse(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = &model.config.theme;
    if !model.loaded {
        // Zeros before the first read would read as "nothing overdue, nothing faulted".
        let lines = ["Jobs   loading…", "Drives loading…"].map(|l| Line::styled(l, theme.dim()));
        frame.render_widget(Paragraph::new(lines.to_vec()), area);
        return;
    }
    let counts = &model.data.counts;
    let overdue = model.attention.iter().filter(|i| i.urgency == Urgency::Overdue).count();
    let faulted_jobs = counts.jobs.iter().find(|(s, _)| *s == JobState::Faulted).map_or(0, |(_, n)| *n);
    let faulted_drives = counts.drives.iter().find(|(s, _)| *s == DriveState::Faulted).map_or(0, |(_, n)| *n);
    let faulted = faulted_jobs + faulted_drives;
    // What needs a person comes first: a narrow terminal cuts the state counts, not these.
    let mut jobs = vec![
        Span::styled("Jobs   ", theme.title()),
        Span::styled(format!("overdue {overdue}"), if overdue > 0 { theme.overdue() } else { theme.dim() }),
        Span::raw("  "),
        Span::styled(format!("faulted {faulted}"), if faulted > 0 { theme.error() } else { theme.dim() }),
        Span::raw(" │ "),
    ];
    // A wall screen's width shows each state's share as a bar too.
    let bars = area.width >= WIDE;
    let most_jobs = counts.jobs.iter().map(|(_, n)| *n).max().unwrap_or(0);
    for (state, n) in &counts.jobs {
        jobs.push(Span::styled(
            format!("{state} {n}{}", share(*n, most_jobs, bars)),
            theme.job_state(*state),
        ));
        jobs.push(Span::raw("  "));
    }
    let mut drives = vec![
        Span::styled("Drives ", theme.title()),
        Span::raw(" ".repeat(jobs[1..5].iter().map(Span::width).sum())),
    ];
    let most_drives = counts.drives.iter().map(|(_, n)| *n).max().unwrap_or(0);
    for (state, n) in &counts.drives {
        drives.push(Span::styled(
            format!("{state} {n}{}", share(*n, most_drives, bars)),
            theme.drive_state(*state),
        ));
        drives.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(jobs), Line::from(drives)]), area);
}
