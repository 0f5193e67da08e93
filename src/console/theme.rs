//! One colour per state, everywhere. With NO_COLOR set, colours give way to
//! plain text with bold and reverse only.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::{DriveState, JobState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Honours <https://no-color.org>: any non-empty NO_COLOR turns colour off.
    pub fn from_env() -> Theme {
        Theme { color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    pub fn job_state(&self, state: JobState) -> Style {
        self.fg(match state {
            JobState::Creating => Color::Gray,
            JobState::Shipping => Color::Blue,
            JobState::Received => Color::Cyan,
            JobState::Transferring => Color::Yellow,
            JobState::Packaging => Color::Magenta,
            JobState::Completed => Color::Green,
            JobState::Closed => Color::DarkGray,
            JobState::Faulted => Color::Red,
        })
    }

    pub fn drive_state(&self, state: DriveState) -> Style {
        self.fg(match state {
            DriveState::Specified => Color::Gray,
            DriveState::Received => Color::Cyan,
            DriveState::NeverReceived => Color::LightRed,
            DriveState::Transferring => Color::Yellow,
            DriveState::Completed => Color::Green,
            DriveState::CompletedMoreInfo => Color::LightYellow,
            DriveState::ShippedBack => Color::DarkGray,
            DriveState::Faulted => Color::Red,
        })
    }

    pub fn overdue(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn due_soon(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn marked(&self) -> Style {
        self.fg(Color::LightMagenta).add_modifier(Modifier::BOLD)
    }
}
