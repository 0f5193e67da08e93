//! Plain-text tables for people. Every cell passes through
//! [`visible`](crate::text::visible): a table cannot carry a terminal escape.

use unicode_width::UnicodeWidthStr;

use crate::text::visible;

pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Table {
        Table { headers: headers.to_vec(), rows: Vec::new() }
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(|c| visible(c.as_ref()).into_owned()).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.width());
                }
            }
        }
        let mut out = String::new();
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_string()).collect();
        for row in std::iter::once(&headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let width = widths.get(i).copied().unwrap_or(0);
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&" ".repeat(width.saturating_sub(cell.width()) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Aligned `label  value` lines, for one record's fields.
pub struct Fields {
    lines: Vec<(String, String)>,
}

impl Fields {
    pub fn new() -> Fields {
        Fields { lines: Vec::new() }
    }

    /// Adds a line; `None` and empty values are left out.
    pub fn add(&mut self, label: &str, value: Option<impl AsRef<str>>) {
        if let Some(v) = value.as_ref().map(AsRef::as_ref).filter(|v| !v.is_empty()) {
            self.lines.push((label.to_string(), visible(v).into_owned()));
        }
    }

    pub fn render(&self) -> String {
        let width = self.lines.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
        self.lines.iter().map(|(l, v)| format!("{l}{}  {v}\n", " ".repeat(width - l.width()))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_cells_are_made_visible() {
        let mut t = Table::new(&["NAME", "STATE"]);
        t.row(["a\x1b[31m", "Shipping"]);
        t.row(["longer-name", "Creating"]);
        let out = t.render();
        assert_eq!(out, "NAME         STATE\na\\x1b[31m    Shipping\nlonger-name  Creating\n");
    }
}
