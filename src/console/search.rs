//! The text the `/` filter looks for in the Drives view, held apart from the
//! rows: each drive's lower-cased id, and its job's lower-cased name and
//! tracking numbers, end to end in two buffers. A filter term is found with
//! one `memmem` pass over a few megabytes, and a row then passes by a bit
//! test, instead of each of 192,475 drive rows being visited for every
//! keystroke.

use std::ops::Range;

use memchr::memmem;

use super::data::DriveRow;

/// The texts of a table's rows, in row order, one buffer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TextColumn {
    /// Every row's text, each followed by a line break (which no filter term
    /// holds, so no match spans two rows).
    text: String,
    /// Where each row's line break is: row `i` is `text[ends[i - 1] + 1..ends[i]]`.
    ends: Vec<u32>,
}

impl TextColumn {
    fn push(&mut self, lower_text: &str) {
        self.text.push_str(lower_text);
        // Offsets fit in u32 up to 4 GiB of text, far beyond what the console holds.
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.text.push('\n');
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where row `row` starts in `text` (or where it would, one past the last row).
    fn start_of(&self, row: usize) -> usize {
        row.checked_sub(1).and_then(|before| self.ends.get(before)).map_or(0, |&end| end as usize + 1)
    }

    /// Replaces `rows` with `texts` (lower-case), moving the rows after them:
    /// a live change of one job costs a copy of the buffer, not a rebuild.
    fn splice<'t>(&mut self, rows: Range<usize>, texts: impl IntoIterator<Item = &'t str>) {
        let (from, to) = (self.start_of(rows.start), self.start_of(rows.end));
        let mut chunk = String::new();
        let mut ends = Vec::new();
        for text in texts {
            chunk.push_str(text);
            ends.push(u32::try_from(from + chunk.len()).unwrap_or(u32::MAX));
            chunk.push('\n');
        }
        let (added, removed) = (chunk.len(), to - from);
        self.text.replace_range(from..to, &chunk);
        let after = rows.start + ends.len();
        self.ends.splice(rows, ends);
        for end in &mut self.ends[after..] {
            // Offsets stay below u32::MAX (see `push`): the sum cannot wrap.
            *end = (*end as usize + added - removed) as u32;
        }
    }

    /// The rows whose text contains `needle` (lower-case, one word).
    fn rows_containing(&self, needle: &str) -> RowSet {
        let mut rows = RowSet::with_len(self.len());
        let mut row = 0;
        for at in memmem::find_iter(self.text.as_bytes(), needle.as_bytes()) {
            // Matches come in order: the row only moves forward.
            while self.ends.get(row).is_some_and(|&end| end as usize <= at) {
                row += 1;
            }
            rows.insert(row);
        }
        rows
    }
}

/// A set of row positions, one bit each.
#[derive(Debug, Clone, Default)]
struct RowSet(Vec<u64>);

impl RowSet {
    fn with_len(len: usize) -> RowSet {
        RowSet(vec![0; len.div_ceil(64)])
    }

    fn insert(&mut self, row: usize) {
        if let Some(word) = self.0.get_mut(row / 64) {
            *word |= 1 << (row % 64);
        }
    }

    fn contains(&self, row: usize) -> bool {
        self.0.get(row / 64).is_some_and(|word| word & (1 << (row % 64)) != 0)
    }
}

/// The Drives view's searchable text, in the order of `Data::drives`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriveSearch {
    /// Each drive's lower-cased id.
    drive_ids: TextColumn,
    /// Each job's lower-cased name and tracking numbers, once per job.
    job_texts: TextColumn,
    /// For each drive row, the row of its job in `job_texts`.
    job_of: Vec<u32>,
}

impl DriveSearch {
    /// Built from the drive rows; a job's drives are consecutive and share
    /// its text.
    pub fn of(drives: &[DriveRow]) -> DriveSearch {
        let mut search = DriveSearch::default();
        let mut last_job = None;
        for drive in drives {
            if last_job != Some(drive.job_id) {
                last_job = Some(drive.job_id);
                search.job_texts.push(&drive.job_search);
            }
            search.drive_ids.push(&drive.drive_id.to_lowercase());
            search.job_of.push(u32::try_from(search.job_texts.len() - 1).unwrap_or(u32::MAX));
        }
        search
    }

    /// Drive rows `rows` (all of one job's, as `Data::drives` holds them) are gone.
    /// A job without drives has no rows and no text here: nothing moves.
    pub fn remove_job_rows(&mut self, rows: Range<usize>) {
        let Some(&job) = self.job_of.get(rows.start).filter(|_| !rows.is_empty()) else {
            return;
        };
        self.drive_ids.splice(rows.clone(), []);
        self.job_texts.splice(job as usize..job as usize + 1, []);
        self.job_of.drain(rows.clone());
        for later in &mut self.job_of[rows.start..] {
            *later -= 1;
        }
    }

    /// One job's drive rows (none of its rows held yet) are put at row `at`.
    pub fn insert_job_rows(&mut self, at: usize, drives: &[DriveRow]) {
        let Some(first) = drives.first() else {
            return;
        };
        // The job's text comes right after the text of the job before it.
        let job = at.checked_sub(1).and_then(|before| self.job_of.get(before)).map_or(0, |&j| j + 1);
        self.job_texts.splice(job as usize..job as usize, [&*first.job_search]);
        let ids: Vec<String> = drives.iter().map(|d| d.drive_id.to_lowercase()).collect();
        self.drive_ids.splice(at..at, ids.iter().map(String::as_str));
        for later in &mut self.job_of[at..] {
            *later += 1;
        }
        self.job_of.splice(at..at, std::iter::repeat_n(job, drives.len()));
    }

    /// Where one text term is found, for `TermHits::has`.
    pub fn find(&self, lower_term: &str) -> TermHits {
        TermHits {
            jobs: self.job_texts.rows_containing(lower_term),
            drives: self.drive_ids.rows_containing(lower_term),
        }
    }

    /// Does drive row `row` (its job's text, or its own id) hold the term found?
    pub fn has(&self, hits: &TermHits, row: usize) -> bool {
        hits.drives.contains(row) || self.job_of.get(row).is_some_and(|&job| hits.jobs.contains(job as usize))
    }
}

/// The job texts and drive ids one term was found in.
pub struct TermHits {
    jobs: RowSet,
    drives: RowSet,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_of(texts: &[String]) -> TextColumn {
        let mut column = TextColumn::default();
        for text in texts {
            column.push(text);
        }
        column
    }

    proptest::proptest! {
        /// A spliced column is the column of the spliced list: at the start,
        /// in the middle, at the end, removing, inserting, or both.
        #[test]
        fn splicing_rows_is_building_the_column_again(
            texts in proptest::collection::vec("[a-z]{0,4}", 0..8),
            from in 0usize..9,
            count in 0usize..4,
            new in proptest::collection::vec("[a-z]{0,4}", 0..4),
        ) {
            let from = from.min(texts.len());
            let rows = from..(from + count).min(texts.len());
            let mut spliced = column_of(&texts);
            spliced.splice(rows.clone(), new.iter().map(String::as_str));
            let mut expected = texts.clone();
            expected.splice(rows, new.iter().cloned());
            proptest::prop_assert_eq!(spliced, column_of(&expected));
        }
    }

    #[test]
    fn a_term_is_found_in_its_row_and_never_across_two() {
        let mut column = TextColumn::default();
        for text in ["acme", "", "beta", "st-1", "ab"] {
            column.push(text);
        }
        let found = |needle: &str| {
            (0..column.len()).filter(|&r| column.rows_containing(needle).contains(r)).collect::<Vec<_>>()
        };
        assert_eq!(found("a"), [0, 2, 4]);
        assert_eq!(found("st-1"), [3]);
        assert_eq!(found("meb"), Vec::<usize>::new(), "\"acme\" then \"beta\" is not \"acmebeta\"");
        assert_eq!(found("ab"), [4]);
        assert_eq!(found("zz"), Vec::<usize>::new());
    }
}
