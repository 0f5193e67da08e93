//! The rules popup (`i`): each rule the selected row cites, in its own words
//! (`assets/rules.md`), with the seed sentences it comes from, French first
//! (where the French is more precise, it wins) and the English beside it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::domain::Rule;
use crate::domain::source;

use super::super::model::Model;

/// Where the text starts after its label ("J5", "fr", "en").
const LABEL: usize = 6;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, rules: &[Rule], scroll: usize) {
    let theme = &model.config.theme;
    let rect = rect(area);
    let lines = lines(rules, usize::from(rect.width.saturating_sub(2)), theme.title(), theme.dim());
    // No taller than what it shows.
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(rect.height);
    let rect = Rect { y: area.y + (area.height - height) / 2, height, ..rect };
    let rows = usize::from(rect.height.saturating_sub(2));
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let title = if lines.len() > scroll + rows {
        " Rules — ↓ PgDn for more · Esc closes "
    } else {
        " Rules — Esc closes "
    };
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(Block::bordered().title(title)), rect);
}

/// How far the popup can scroll at the model's terminal size.
pub fn scroll_limit(model: &Model, rules: &[Rule]) -> usize {
    let (width, height) = model.size;
    let rect = rect(Rect::new(0, 0, width, height));
    let lines = lines(rules, usize::from(rect.width.saturating_sub(2)), Style::new(), Style::new());
    lines.len().saturating_sub(usize::from(rect.height.saturating_sub(2)))
}

fn rect(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).min(110);
    let height = area.height.saturating_sub(2);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

/// The popup's lines, wrapped to `width`: per rule its text, then its sources.
fn lines(rules: &[Rule], width: usize, title: Style, dim: Style) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, &rule) in rules.iter().enumerate() {
        if i > 0 {
            lines.push(Line::from(""));
        }
        // A clock's or an exception's row is several cells: read as one sentence.
        labelled(&mut lines, rule.id(), &rule.text().replace(" | ", " — "), width, title, Style::new());
        let sentences = source::sentences(rule);
        if sentences.is_empty() {
            let silent = "no seed sentence: a decision where the source is silent";
            labelled(&mut lines, "", silent, width, dim, dim);
        }
        for sentence in sentences {
            labelled(&mut lines, "fr", &format!("« {} »", sentence.french), width, dim, Style::new());
            labelled(&mut lines, "en", &format!("\"{}\"", sentence.english), width, dim, dim);
        }
    }
    lines
}

/// `text` wrapped at word boundaries under a label column.
fn labelled(
    lines: &mut Vec<Line<'static>>,
    label: &str,
    text: &str,
    width: usize,
    label_style: Style,
    style: Style,
) {
    for (n, row) in wrap(text, width.saturating_sub(LABEL + 1).max(10)).into_iter().enumerate() {
        let label = if n == 0 { label } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!(" {label:<width$}", width = LABEL - 1), label_style),
            Span::styled(row, style),
        ]));
    }
}

/// Greedy word wrap by display width; a word longer than a row is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    for word in crate::text::visible(text).split_whitespace() {
        let row = rows.last_mut().map_or(0, |r| r.width());
        if row > 0 && row + 1 + word.width() > width {
            rows.push(String::new());
        }
        if let Some(row) = rows.last_mut() {
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
    }
    rows
}
