//! Dialogs drawn over the table: the action menu, a form, the confirmation,
//! the help and messages.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::text::visible;

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
            let title = format!(" Actions on {} ", visible(&subject.to_string()));
            let rect = centered(area, 50, lines.len() as u16 + 2);
            draw(frame, rect, Paragraph::new(lines), &title);
        }
        Popup::Form(form) => form_popup(model, frame, area, form),
        Popup::Confirm { title, lines, .. } => {
            let mut text: Vec<Line> = lines.iter().map(|l| Line::from(format!(" {}", visible(l)))).collect();
            text.push(Line::from(""));
            text.push(Line::styled(" y / Enter apply · n / Esc cancel", theme.title()));
            let rect = centered(area, 90, text.len() as u16 + 2);
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
            for (keys, help) in keymap::help(Context::Table) {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {keys:<18}"), theme.title()),
                    Span::raw(help),
                ]));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(" In dialogs", theme.title()));
            for context in [Context::Menu, Context::Form, Context::Confirm] {
                for (keys, help) in keymap::help(context) {
                    lines.push(Line::from(format!(" {keys:<18}{help}")));
                }
            }
            let rect = centered(area, 80, area.height.saturating_sub(4));
            let visible_lines: Vec<Line> = lines.into_iter().skip(*scroll).collect();
            draw(frame, rect, Paragraph::new(visible_lines), " Help (Esc closes) ");
        }
        Popup::Message { title, text, error } => {
            let style = if *error { theme.error() } else { theme.ok() };
            let lines = vec![
                Line::styled(visible(text).into_owned(), style),
                Line::from(""),
                Line::from("Enter / Esc close"),
            ];
            let rect = centered(area, 70, 7);
            draw(
                frame,
                rect,
                Paragraph::new(lines).wrap(Wrap { trim: false }),
                &format!(" {} ", visible(title)),
            );
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
    let height = (form.fields.len() as u16 + 4).min(area.height.saturating_sub(2));
    let rect = centered(area, 80, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let rows = Layout::vertical(
        form.fields
            .iter()
            .map(|_| Constraint::Length(1))
            .chain([Constraint::Length(1), Constraint::Length(1)]),
    )
    .split(inner);
    for (i, field) in form.fields.iter().enumerate() {
        let Some(row) = rows.get(i) else { break };
        let [label, input, hint] =
            Layout::horizontal([Constraint::Length(30), Constraint::Fill(1), Constraint::Length(24)])
                .areas(*row);
        let marker = if field.required { "*" } else { " " };
        let label_style = if i == form.focus { theme.selected() } else { theme.title() };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{marker}{}", field.key), label_style)),
            label,
        );
        frame.render_widget(&field.input, input);
        frame.render_widget(Paragraph::new(Span::styled(field.hint.clone(), theme.dim())), hint);
    }
    if let Some(row) = rows.get(form.fields.len() + 1) {
        let line = match &form.error {
            Some(e) => Line::styled(visible(e).into_owned(), theme.error()),
            None => Line::styled("Tab next · Enter submit · Esc cancel · * required", theme.dim()),
        };
        frame.render_widget(Paragraph::new(line), *row);
    }
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
