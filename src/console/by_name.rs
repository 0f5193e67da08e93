//! Where each active job's rows are, by name: its row in `Data::jobs` and
//! the first of its rows in `Data::drives` (a job's drive rows are
//! contiguous). The attention view and the live refresh look rows up by name
//! thousands of times a pass; a binary search over a hundred thousand rows
//! costs two cache misses a step, a hash lookup one. Kept in step with the
//! tables: rows inserted or removed shift the positions after them.

use std::collections::HashMap;
use std::ops::Range;

use super::data::{DriveRow, JobRow};

/// A job's rows: `job` in the jobs table, `drives` in the drives table (none
/// for a job without drives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    pub job: usize,
    pub drives: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct RowsByName(HashMap<String, Rows>);

impl RowsByName {
    /// Built from the tables, both in name order.
    pub fn of(jobs: &[JobRow], drives: &[DriveRow]) -> RowsByName {
        let mut map: HashMap<String, Rows> =
            jobs.iter().enumerate().map(|(job, r)| (r.name.clone(), Rows { job, drives: None })).collect();
        let mut last: Option<&str> = None;
        for (at, d) in drives.iter().enumerate() {
            if last != Some(&*d.job_name) {
                last = Some(&d.job_name);
                if let Some(rows) = map.get_mut(&*d.job_name) {
                    rows.drives = Some(at);
                }
            }
        }
        RowsByName(map)
    }

    pub fn get(&self, name: &str) -> Option<Rows> {
        self.0.get(name).copied()
    }

    /// The job `name` left the jobs table at `job`, and its drive rows `drives`.
    pub fn removed(&mut self, name: &str, job: usize, drives: Range<usize>) {
        self.0.remove(name);
        for rows in self.0.values_mut() {
            if rows.job > job {
                rows.job -= 1;
            }
            if let Some(at) = rows.drives.as_mut().filter(|at| **at >= drives.end) {
                *at -= drives.len();
            }
        }
    }

    /// The job `name` entered the jobs table at `job`, and `drive_count` drive
    /// rows at `drives`.
    pub fn inserted(&mut self, name: &str, job: usize, drives: usize, drive_count: usize) {
        for rows in self.0.values_mut() {
            if rows.job >= job {
                rows.job += 1;
            }
            if let Some(at) = rows.drives.as_mut().filter(|at| **at >= drives && drive_count > 0) {
                *at += drive_count;
            }
        }
        self.0.insert(name.to_string(), Rows { job, drives: (drive_count > 0).then_some(drives) });
    }

    /// Does it say what `of` would say of these tables? (For debug checks.)
    pub fn agrees_with(&self, jobs: &[JobRow], drives: &[DriveRow]) -> bool {
        let built = RowsByName::of(jobs, drives);
        self.0.len() == built.0.len() && self.0.iter().all(|(name, rows)| built.get(name) == Some(*rows))
    }
}
