//! Dialogs drawn over the table: the action menu, a form, the confirmation,
//! the help and messages.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use crate::domain::attention::Subject;
use crate::text::visible;

use super::super::dock::{DockForm, FIELDS, Fate, SERIAL};
use super::super::keymap::{self, Context};
use super::super::model::{Form, FormPurpose, Model, Popup};

pub fn popup(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = &model.config.theme;
    let Some(popup) = &model.popup else { return };
    match popup {
        Popup::Menu { subject, actions, selected } => {
            let lines: Vec<Line> = actions
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let line = Line::from(format!(" {:<24} {}", a.kind.name(), a.rule));
                    if i == *selected { line.style(theme.selected()) } else { line }
                })
                .collect();
            let rect = menu_rect(area, subject, actions.len());
            draw(frame, rect, Paragraph::new(lines), &menu_title(subject));
        }
        Popup::Form(form) => form_popup(model, frame, area, form),
        Popup::Rules { rules, scroll } => super::rules::draw(model, frame, area, rules, *scroll),
        Popup::Dock(dock) => dock_popup(model, frame, area, dock),
        Popup::Confirm { title, lines, .. } => {
            let mut text: Vec<Line> = lines.iter().map(|l| Line::from(format!(" {}", visible(l)))).collect();
            text.push(Line::from(""));
            text.push(Line::styled(" y / Enter apply · n / Esc cancel", theme.title()));
            let width = area.width.saturating_sub(4).min(120);
            // As many rows as the wrapped lines take, so "y / n" stays in view.
            let inner = usize::from(width.saturating_sub(2).max(1));
            let rows: usize = text.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
            let rect = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2));
            draw(
                frame,
                rect,
                Paragraph::new(text).wrap(Wrap { trim: false }),
                &format!(" {} ", visible(title)),
            );
        }
        Popup::Help { scroll } => {
            let context = if model.config.read_only { "read-only: action keys are disabled" } else { "keys" };
            let mut lines =
                vec![Line::styled(format!(" {} view — {context}", model.view.title()), theme.title())];
            let key_line = |keys: String, help: &str| {
                Line::from(vec![
                    Span::styled(format!(" {keys:<20}"), theme.title()),
                    Span::raw(help.to_string()),
                ])
            };
            lines.extend(
                model.config.keys.help(Context::Table, model.view).into_iter().map(|(k, h)| key_line(k, h)),
            );
            for (context, title) in keymap::DIALOGS {
                lines.push(Line::from(""));
                lines.push(Line::styled(format!(" {title}"), theme.title()));
                lines.extend(
                    model.config.keys.help(*context, model.view).into_iter().map(|(k, h)| key_line(k, h)),
                );
            }
            let rect = centered(area, 100, area.height.saturating_sub(2));
            let rows = rect.height.saturating_sub(2) as usize;
            let scroll = (*scroll).min(lines.len().saturating_sub(rows));
            let more = lines.len() > scroll + rows;
            let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
            let title =
                if more { " Help — ↓ PgDn for more · Esc closes " } else { " Help — Esc closes " };
            draw(frame, rect, Paragraph::new(shown), title);
        }
        Popup::Message { title, text, error } => {
            let style = if *error { theme.error() } else { theme.ok() };
            let width = area.width.saturating_sub(4).min(100);
            let text = visible(text).into_owned();
            // Wrapped lines, plus a blank line and the hint, inside the borders.
            let wrapped = text.chars().count() / usize::from(width.saturating_sub(4).max(1)) + 1;
            let height = (wrapped as u16).saturating_add(4);
            let lines = vec![
                Line::styled(text, style),
                Line::from(""),
                Line::styled("Enter / Esc close", theme.dim()),
            ];
            let rect = centered(area, width, height);
            let body = Paragraph::new(lines).wrap(Wrap { trim: false });
            frame.render_widget(Clear, rect);
            let block =
                Block::bordered().title(format!(" {} ", visible(title))).padding(Padding::horizontal(1));
            frame.render_widget(body.block(block), rect);
        }
    }
}

fn form_popup(model: &Model, frame: &mut Frame, area: Rect, form: &Form) {
    let theme = &model.config.theme;
    let title = match &form.purpose {
        FormPurpose::Action { subject, kind } => {
            format!(" {} {} ", kind.name(), visible(&subject.to_string()))
        }
        FormPurpose::BulkShipBack => format!(" ship back {} marked drives ", model.marked.len().max(1)),
    };
    let width = area.width.saturating_sub(4).min(140);
    let height = (form.fields.len() as u16 + 4).min(area.height.saturating_sub(2));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [fields_area, _, help_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    // A window of fields that always holds the focused one.
    let rows = usize::from(fields_area.height).max(1);
    let first = form.focus.saturating_sub(rows - 1);
    let label_width = form.fields.iter().map(|f| f.key.len()).max().unwrap_or(0) as u16 + 2;
    let hint_width = form.fields.iter().map(|f| f.hint.chars().count()).max().unwrap_or(0).min(40) as u16;
    for (row, (i, field)) in form.fields.iter().enumerate().skip(first).take(rows).enumerate() {
        let line = Rect { y: fields_area.y + row as u16, height: 1, ..fields_area };
        let [label, input, hint] = Layout::horizontal([
            Constraint::Length(label_width),
            Constraint::Min(10),
            Constraint::Length(hint_width + 1),
        ])
        .areas(line);
        let marker = if field.required { "*" } else { " " };
        // The field a refusal names is marked beside it, in the error colour.
        let named = form.error.as_deref().is_some_and(|e| e.contains(field.key));
        let label_style = match (named, i == form.focus) {
            (true, _) => theme.error(),
            (false, true) => theme.selected(),
            (false, false) => theme.title(),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{marker}{}", field.key), label_style)),
            label,
        );
        // The focused field edits; the others show their value's start, cut with `…`.
        if i == form.focus {
            frame.render_widget(&field.input, input);
            // The text runs on past an edge: `…` there (the textarea scrolls
            // only as far as it must to keep the cursor in view).
            let ratatui_textarea::DataCursor(_, column) = field.input.cursor();
            let width = usize::from(input.width).max(1);
            let left = column.saturating_sub(width - 1);
            let length = field.input.lines().first().map_or(0, |l| l.chars().count());
            let marker = Span::styled("…", theme.dim());
            if left > 0 {
                frame.render_widget(Paragraph::new(marker.clone()), Rect { width: 1, ..input });
            }
            if length > left + width {
                let x = input.x + input.width.saturating_sub(1);
                frame.render_widget(Paragraph::new(marker), Rect { x, width: 1, ..input });
            }
        } else {
            let value = Line::from(field.input.lines().join(" "));
            frame.render_widget(Paragraph::new(super::tables::ellipsis(value, input.width)), input);
        }
        let hint_text = match named {
            true => Span::styled(format!("←{}", field.hint), theme.error()),
            false => Span::styled(format!(" {}", field.hint), theme.dim()),
        };
        frame.render_widget(Paragraph::new(hint_text), hint);
    }
    let line = match &form.error {
        Some(e) => Line::styled(visible(e).into_owned(), theme.error()),
        None => {
            let position = format!("field {} of {}", form.focus + 1, form.fields.len());
            Line::styled(
                format!(
                    "Tab/↓ next · Shift-Tab/↑ previous · Enter submit · Esc cancel · * required · {position}"
                ),
                theme.dim(),
            )
        }
    };
    frame.render_widget(Paragraph::new(line), help_area);
}

/// Receiving mode: the package's fields, the serial being scanned, and every
/// scan with where it goes, the latest last.
fn dock_popup(model: &Model, frame: &mut Frame, area: Rect, dock: &DockForm) {
    let theme = &model.config.theme;
    let width = area.width.saturating_sub(4).min(120);
    let rect = centered(area, width, area.height.saturating_sub(2).min(FIELDS.len() as u16 + 16));
    frame.render_widget(Clear, rect);
    let title = format!(" Receiving — {} scanned ", dock.scans.len());
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [fields_area, _, scans_area, help_area] = Layout::vertical([
        Constraint::Length(FIELDS.len() as u16 + 1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let inputs = dock.fields.iter().chain(std::iter::once(&dock.serial));
    for (i, (label, input)) in FIELDS.iter().chain(["serial"].iter()).zip(inputs).enumerate() {
        let line = Rect { y: fields_area.y + i as u16, height: 1, ..fields_area };
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(10), Constraint::Min(10)]).areas(line);
        let required = if matches!(i, 0 | 1 | SERIAL) { "*" } else { " " };
        let style = if i == dock.focus { theme.selected() } else { theme.title() };
        frame.render_widget(Paragraph::new(Span::styled(format!("{required}{label}"), style)), label_area);
        frame.render_widget(input, input_area);
    }
    let rows = usize::from(scans_area.height);
    let first = dock.scans.len().saturating_sub(rows);
    let lines: Vec<Line> = dock
        .scans
        .iter()
        .skip(first)
        .map(|scan| {
            let style = match &scan.fate {
                Fate::Listed { .. } => theme.ok(),
                Fate::OtherJob { .. } => theme.due_soon(),
                Fate::Unlisted { .. } => theme.title(),
                Fate::Held => theme.due_soon(),
                Fate::AlreadyHere { .. } | Fate::Twice => theme.error(),
            };
            Line::from(vec![
                Span::raw(format!(" {:<24} ", visible(&scan.drive_id))),
                Span::styled(visible(&scan.fate.describe()).into_owned(), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), scans_area);
    let help = match &dock.error {
        Some(e) => Line::styled(visible(e).into_owned(), theme.error()),
        None if dock.focus == SERIAL => Line::styled(
            "scan: serial + Enter · Enter on an empty serial reviews the package · Ctrl-D removes the last · Esc cancels",
            theme.dim(),
        ),
        None => Line::styled("Enter/Tab next field · * required · Esc cancels", theme.dim()),
    };
    frame.render_widget(Paragraph::new(help), help_area);
}

fn menu_title(subject: &Subject) -> String {
    format!(" Actions on {} ", visible(&subject.to_string()))
}

/// Where the action menu is drawn (and clicked).
pub fn menu_rect(area: Rect, subject: &Subject, items: usize) -> Rect {
    let width = (menu_title(subject).chars().count() as u16 + 4).max(50);
    centered(area, width, u16::try_from(items).unwrap_or(u16::MAX).saturating_add(2))
}

fn draw(frame: &mut Frame, rect: Rect, paragraph: Paragraph, title: &str) {
    frame.render_widget(Clear, rect);
    frame.render_widget(paragraph.block(Block::bordered().title(title.to_string())), rect);
}

/// A rectangle of at most `width` × `height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.max(3).min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
