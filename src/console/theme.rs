//! One colour per state, everywhere, in one of three palettes: `dark` (the
//! default), `light` for light backgrounds, `high-contrast` (bright and
//! bold, nothing dimmed). With NO_COLOR set, colours give way to plain text
//! with bold and reverse only.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::{DriveState, JobState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Dark,
    Light,
    HighContrast,
}

impl Palette {
    pub const NAMES: [&'static str; 3] = ["dark", "light", "high-contrast"];

    pub fn parse(name: &str) -> Result<Palette, String> {
        match name {
            "dark" => Ok(Palette::Dark),
            "light" => Ok(Palette::Light),
            "high-contrast" => Ok(Palette::HighContrast),
            other => Err(format!("theme is one of {}, not '{other}'", Palette::NAMES.join(", "))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
    /// The settings file's own colour for a state (`[colors]`), by its
    /// place in `JobState::ALL` / `DriveState::ALL`.
    pub job_colors: [Option<Color>; 8],
    pub drive_colors: [Option<Color>; 8],
}

impl Theme {
    /// Honours <https://no-color.org>: any non-empty NO_COLOR turns colour off.
    pub fn with(palette: Palette) -> Theme {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Theme { color, palette, job_colors: [None; 8], drive_colors: [None; 8] }
    }

    /// The palette with the settings file's colours per state: a state's name
    /// (a name both a job and a drive state takes both) and a colour as
    /// ratatui reads one (`blue`, `light-red`, `#ff8800`, `208`).
    pub fn with_colors(
        mut self,
        colors: &std::collections::BTreeMap<String, String>,
    ) -> Result<Theme, String> {
        for (state, text) in colors {
            let color: Color =
                text.parse().map_err(|_| format!("[colors] {state}: '{text}' is not a colour"))?;
            let job = JobState::ALL.iter().position(|s| s.as_str().eq_ignore_ascii_case(state));
            let drive = DriveState::ALL.iter().position(|s| s.as_str().eq_ignore_ascii_case(state));
            if job.is_none() && drive.is_none() {
                return Err(format!("[colors]: '{state}' is not a job or drive state"));
            }
            if let Some(at) = job {
                self.job_colors[at] = Some(color);
            }
            if let Some(at) = drive {
                self.drive_colors[at] = Some(color);
            }
        }
        Ok(self)
    }

    fn fg(&self, color: Color) -> Style {
        match (self.color, self.palette) {
            (false, _) => Style::new(),
            (true, Palette::HighContrast) => Style::new().fg(color).add_modifier(Modifier::BOLD),
            (true, _) => Style::new().fg(color),
        }
    }

    /// The palette's colour for a role: (dark, light, high contrast).
    fn pick(&self, dark: Color, light: Color, high: Color) -> Style {
        self.fg(match self.palette {
            Palette::Dark => dark,
            Palette::Light => light,
            Palette::HighContrast => high,
        })
    }

    /// The settings file's colour for `state`, if it gave one.
    fn own<S: PartialEq>(&self, all: &[S], colors: &[Option<Color>; 8], state: &S) -> Option<Style> {
        all.iter().position(|s| s == state).and_then(|at| colors[at]).map(|color| self.fg(color))
    }

    pub fn job_state(&self, state: JobState) -> Style {
        if let Some(style) = self.own(JobState::ALL, &self.job_colors, &state) {
            return style;
        }
        match state {
            JobState::Creating => self.pick(Color::White, Color::Black, Color::White),
            JobState::Shipping => self.pick(Color::LightBlue, Color::Indexed(25), Color::LightBlue),
            JobState::Received => self.pick(Color::Cyan, Color::Indexed(30), Color::LightCyan),
            JobState::Transferring => self.pick(Color::Yellow, Color::Indexed(130), Color::LightYellow),
            JobState::Packaging => self.pick(Color::Magenta, Color::Indexed(127), Color::LightMagenta),
            JobState::Completed => self.pick(Color::Green, Color::Indexed(28), Color::LightGreen),
            JobState::Closed => self.pick(Color::Gray, Color::Indexed(242), Color::White),
            JobState::Faulted => self.pick(Color::Red, Color::Indexed(160), Color::LightRed),
        }
    }

    pub fn drive_state(&self, state: DriveState) -> Style {
        if let Some(style) = self.own(DriveState::ALL, &self.drive_colors, &state) {
            return style;
        }
        match state {
            DriveState::Specified => self.pick(Color::White, Color::Black, Color::White),
            DriveState::Received => self.pick(Color::Cyan, Color::Indexed(30), Color::LightCyan),
            DriveState::NeverReceived => self.pick(Color::LightRed, Color::Indexed(124), Color::LightRed),
            DriveState::Transferring => self.pick(Color::Yellow, Color::Indexed(130), Color::LightYellow),
            DriveState::Completed => self.pick(Color::Green, Color::Indexed(28), Color::LightGreen),
            DriveState::CompletedMoreInfo => {
                self.pick(Color::LightYellow, Color::Indexed(136), Color::Yellow)
            }
            DriveState::ShippedBack => self.pick(Color::Gray, Color::Indexed(242), Color::White),
            DriveState::Faulted => self.pick(Color::Red, Color::Indexed(160), Color::LightRed),
        }
    }

    pub fn overdue(&self) -> Style {
        self.pick(Color::LightRed, Color::Indexed(160), Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn due_soon(&self) -> Style {
        self.pick(Color::Yellow, Color::Indexed(130), Color::LightYellow)
    }

    /// Secondary text: grey that stays readable (ANSI 7 on dark, 242 on
    /// light); high contrast dims nothing.
    pub fn dim(&self) -> Style {
        match (self.color, self.palette) {
            (false, _) | (true, Palette::HighContrast) => Style::new(),
            (true, Palette::Dark) => Style::new().fg(Color::Gray),
            (true, Palette::Light) => Style::new().fg(Color::Indexed(242)),
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        match self.palette {
            Palette::HighContrast => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn error(&self) -> Style {
        self.pick(Color::LightRed, Color::Indexed(160), Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.pick(Color::Green, Color::Indexed(28), Color::LightGreen)
    }

    pub fn marked(&self) -> Style {
        self.pick(Color::LightMagenta, Color::Indexed(127), Color::LightMagenta).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_file_colours_states_and_names_what_it_does_not_know() {
        let colors = |pairs: &[(&str, &str)]| {
            Theme { color: true, ..Theme::with(Palette::Dark) }
                .with_colors(&pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
        };
        let theme = colors(&[("Shipping", "#ff8800"), ("received", "208")]).expect("valid colours");
        assert_eq!(theme.job_state(JobState::Shipping), Style::new().fg(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(theme.job_state(JobState::Received), Style::new().fg(Color::Indexed(208)));
        assert_eq!(
            theme.drive_state(DriveState::Received),
            Style::new().fg(Color::Indexed(208)),
            "both kinds"
        );
        assert_eq!(theme.job_state(JobState::Closed), Style::new().fg(Color::Gray), "the palette's");
        assert_eq!(colors(&[("Lost", "red")]).unwrap_err(), "[colors]: 'Lost' is not a job or drive state");
        assert_eq!(colors(&[("Closed", "mauve")]).unwrap_err(), "[colors] Closed: 'mauve' is not a colour");
    }

    /// Secondary text stays readable: grey 7, not 8, on dark backgrounds;
    /// high contrast dims nothing.
    #[test]
    fn dim_text_is_readable_in_every_palette() {
        let dark = Theme { color: true, ..Theme::with(Palette::Dark) };
        assert_eq!(dark.dim(), Style::new().fg(Color::Gray));
        let high = Theme { color: true, ..Theme::with(Palette::HighContrast) };
        assert_eq!(high.dim(), Style::new());
        assert!(high.job_state(JobState::Shipping).add_modifier.contains(Modifier::BOLD));
    }
}
