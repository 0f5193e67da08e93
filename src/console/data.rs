//! What the console holds of the database: compact rows for the tables
//! (about 1.3 KB a job with its drives), full jobs only for those the
//! attention queue needs and those an operator opens, and the counts.
//! Everything here is built from domain jobs by pure functions.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use super::by_name::RowsByName;
use super::search::DriveSearch;
use crate::domain::attention::{self, Item};
use crate::domain::clock;
use crate::domain::{Arrival, Drive, DriveState, Job, JobState, JobType, Rule, Timestamp};
use crate::present;
use crate::store::{AuditRecord, Counts};

/// One job, as a table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub name: String,
    pub job_type: JobType,
    pub state: JobState,
    pub faulted_from: Option<JobState>,
    /// What the service reported when the console does not know it (issue 4):
    /// "unknown state: X" or "unknown job type: X", shown instead of a guess.
    pub unknown: Option<String>,
    pub state_since: Timestamp,
    /// The deadline shown (`attention::deadline_shown`): true for one a person must act by.
    pub deadline: Option<(Rule, Timestamp, bool)>,
    pub percent: u8,
    pub drive_count: u16,
    pub flags: String,
    pub archived_at: Option<Timestamp>,
    /// Lower-cased name, tracking numbers and drive ids, for the filter.
    pub search: String,
}

/// One drive, as a table row, with what the filter needs of its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveRow {
    pub job_id: i64,
    /// Shared by every drive of the job: a hundred thousand jobs' drives do
    /// not each carry a copy of its name.
    pub job_name: Arc<str>,
    pub job_type: JobType,
    pub job_state: JobState,
    pub job_faulted: bool,
    /// When the job is overdue from (`attention::person_deadline`).
    pub job_overdue_from: Option<Timestamp>,
    pub drive_id: String,
    pub state: DriveState,
    pub faulted_from: Option<DriveState>,
    pub state_since: Timestamp,
    pub percent: u8,
    pub extra: bool,
    pub notes: String,
    /// The job's lower-cased name and tracking numbers (shared by its drives).
    pub job_search: Arc<str>,
}

impl JobRow {
    pub fn of(job: &Job) -> JobRow {
        let mut search = job_search_text(job);
        for d in &job.drives {
            search.push('\n');
            search.push_str(&d.drive_id.to_lowercase());
        }
        JobRow {
            id: job.id.unwrap_or_default(),
            name: job.name.clone(),
            job_type: job.job_type,
            state: job.state,
            faulted_from: job.faulted_from,
            unknown: if job.unknown_state.is_some() {
                Some(present::job_state_text(job))
            } else if job.unknown_job_type.is_some() {
                Some(present::job_type_text(job))
            } else {
                None
            },
            state_since: job.state_since,
            deadline: attention::deadline_shown(job),
            percent: job.percent_complete(),
            drive_count: u16::try_from(job.drives.len()).unwrap_or(u16::MAX),
            flags: present::flags(job),
            archived_at: job.archived_at,
            search,
        }
    }
}

/// What the `/` filter finds a job by: its name and tracking numbers,
/// lower-cased, one per line.
fn job_search_text(job: &Job) -> String {
    let mut search = job.name.to_lowercase();
    for tracking in
        [&job.delivery_package.tracking_number, &job.return_package.tracking_number].into_iter().flatten()
    {
        search.push('\n');
        search.push_str(&tracking.to_lowercase());
    }
    search
}

/// The drive rows of a job, by drive id (the order the Drives view lists them in).
pub fn drive_rows(job: &Job) -> Vec<DriveRow> {
    let job_name: Arc<str> = Arc::from(job.name.as_str());
    let job_search: Arc<str> = Arc::from(job_search_text(job));
    let overdue_from = attention::person_deadline(job).map(|(_, at)| at);
    let mut rows: Vec<DriveRow> = job
        .drives
        .iter()
        .map(|d| DriveRow::of(job, d, job_name.clone(), job_search.clone(), overdue_from))
        .collect();
    rows.sort_by(|a, b| a.drive_id.cmp(&b.drive_id));
    rows
}

impl DriveRow {
    fn of(
        job: &Job,
        drive: &Drive,
        job_name: Arc<str>,
        job_search: Arc<str>,
        job_overdue_from: Option<Timestamp>,
    ) -> DriveRow {
        DriveRow {
            job_id: job.id.unwrap_or_default(),
            job_name,
            job_type: job.job_type,
            job_state: job.state,
            job_faulted: job.state == JobState::Faulted,
            job_overdue_from,
            drive_id: drive.drive_id.clone(),
            state: drive.state,
            faulted_from: drive.faulted_from,
            state_since: drive.state_since,
            percent: drive.percent_complete,
            extra: drive.extra,
            notes: present::drive_notes(drive),
            job_search,
        }
    }
}

/// The first read: enough for a full first frame, before the tables arrive.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub counts: Counts,
    /// Jobs that may need attention now (the store's quick pre-selection).
    pub candidates: Vec<Job>,
    pub arrivals: Vec<Arrival>,
    /// Newest first.
    pub events: Vec<AuditRecord>,
    pub last_event_id: i64,
}

/// What changed since the last read, from the audit log (S6).
#[derive(Debug, Clone, Default)]
pub struct Changed {
    pub counts: Counts,
    /// The touched jobs as they are now (archived ones included).
    pub jobs: Vec<Job>,
    /// All arrivals, when one of them changed.
    pub arrivals: Option<Vec<Arrival>>,
    /// The new events, newest first.
    pub events: Vec<AuditRecord>,
    pub last_event_id: i64,
}

/// How much of the audit log the Audit view holds.
pub const RECENT_EVENTS: usize = 2_000;

/// Everything the views show.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub counts: Counts,
    /// Active jobs, and their drives.
    pub jobs: Vec<JobRow>,
    pub drives: Vec<DriveRow>,
    /// Archived jobs (S2).
    pub archive: Vec<JobRow>,
    /// Full jobs: those the attention queue needs, and those opened.
    pub full: HashMap<i64, Job>,
    pub arrivals: Vec<Arrival>,
    /// Newest first.
    pub events: Vec<AuditRecord>,
    /// The states of each active job's drives, for the filter on the Jobs view.
    pub drive_states: HashMap<i64, Vec<DriveState>>,
    /// The Drives view's text for the filter, in the order of `drives`.
    pub drive_search: DriveSearch,
    /// Where each active job's rows are in `jobs` and `drives`.
    by_name: RowsByName,
    /// The tables have been read (the first frame comes before they are).
    pub rows_loaded: bool,
    pub archive_loaded: bool,
    /// Nothing was ever recorded: an empty database.
    pub empty: bool,
    /// The newest audit event taken in: changes are read from after it.
    pub last_event_id: i64,
}

/// Up to this many changed jobs are patched in place one by one; more are
/// merged in one pass (see `Data::apply_changed`).
const PATCHED_ONE_BY_ONE: usize = 8;

/// How many opened jobs are kept beyond those the attention queue needs.
const OPENED_KEPT: usize = 512;

impl Data {
    pub fn set_overview(&mut self, overview: Overview) {
        self.counts = overview.counts;
        self.arrivals = overview.arrivals;
        self.events = overview.events;
        self.empty = overview.last_event_id == 0;
        self.last_event_id = overview.last_event_id;
        self.full = overview.candidates.into_iter().filter_map(|j| j.id.map(|id| (id, j))).collect();
    }

    /// Replaces the tables with a full read, and the jobs held for attention.
    pub fn set_rows(&mut self, jobs: Vec<JobRow>, drives: Vec<DriveRow>, attention: Vec<Job>) {
        self.drive_states.clear();
        for d in &drives {
            self.drive_states.entry(d.job_id).or_default().push(d.state);
        }
        self.jobs = jobs;
        self.drives = drives;
        self.full = attention.into_iter().filter_map(|j| j.id.map(|id| (id, j))).collect();
        self.rows_loaded = true;
        self.drive_search = DriveSearch::of(&self.drives);
        self.by_name = RowsByName::of(&self.jobs, &self.drives);
    }

    pub fn set_archive(&mut self, archive: Vec<JobRow>) {
        self.archive = archive;
        self.archive_loaded = true;
    }

    /// Where the active job `name` is in the jobs table.
    pub fn job_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|rows| rows.job)
    }

    /// Where one drive of the active job `job_name` is in the drives table.
    pub fn drive_index(&self, job_name: &str, drive_id: &str) -> Option<usize> {
        let first = self.by_name.get(job_name)?.drives?;
        let mut rows = self.drives.get(first..)?.iter().take_while(|d| *d.job_name == *job_name);
        rows.position(|d| d.drive_id == drive_id).map(|at| first + at)
    }

    /// The row of the active job with that name.
    pub fn row(&self, name: &str) -> Option<&JobRow> {
        self.jobs.get(self.by_name.get(name)?.job)
    }

    /// The row of one drive of the active job with that name.
    pub fn drive_row(&self, job_name: &str, drive_id: &str) -> Option<&DriveRow> {
        self.drives.get(self.drive_index(job_name, drive_id)?)
    }

    /// Takes in what changed. A few jobs (another operator's action) have
    /// their rows replaced where they stand, found by name: every table is
    /// held in name order and a job's name never changes. A batch (a sweep
    /// seen from the console) is merged in one pass over the tables instead,
    /// since each in-place patch moves the rows after it.
    pub fn apply_changed(&mut self, changed: Changed, now: Timestamp) {
        let few = changed.jobs.len() <= PATCHED_ONE_BY_ONE;
        if few {
            for job in &changed.jobs {
                self.patch_rows(job);
            }
        } else {
            self.merge_rows(&changed.jobs);
        }
        for job in &changed.jobs {
            let id = job.id.unwrap_or_default();
            self.drive_states.remove(&id);
            self.full.remove(&id);
            if job.archived_at.is_none() {
                self.drive_states.insert(id, job.drives.iter().map(|d| d.state).collect());
                // Held in full for the attention queue, and when only a few
                // changed: someone is likely working on them.
                if few || needs_attention(job, now) {
                    self.full.insert(id, job.clone());
                }
            }
        }
        debug_assert!(self.by_name.agrees_with(&self.jobs, &self.drives), "rows by name follow the tables");
        self.counts = changed.counts;
        if let Some(arrivals) = changed.arrivals {
            self.arrivals = arrivals;
        }
        // Events already taken in (read twice by overlapping refreshes) are skipped.
        let mut events: Vec<AuditRecord> =
            changed.events.into_iter().filter(|e| e.id > self.last_event_id).collect();
        if !events.is_empty() {
            self.empty = false;
            events.append(&mut self.events);
            events.truncate(RECENT_EVENTS);
            self.events = events;
        }
        self.last_event_id = self.last_event_id.max(changed.last_event_id);
    }

    /// Keeps a job opened by the operator, and forgets old ones that the
    /// attention queue does not need, so memory stays bounded.
    pub fn keep(&mut self, job: Job, now: Timestamp) {
        if self.full.len() > OPENED_KEPT * 4 {
            self.full.retain(|_, j| needs_attention(j, now));
        }
        if let Some(id) = job.id {
            self.full.insert(id, job);
        }
    }

    /// One job's rows replaced where they stand (see `apply_changed`).
    fn patch_rows(&mut self, job: &Job) {
        let id = job.id.unwrap_or_default();
        self.forget_rows(id, &job.name);
        if job.archived_at.is_some() {
            let at = self.archive.partition_point(|r| archive_order(r) < (job.name.as_str(), id));
            self.archive.insert(at, JobRow::of(job));
            return;
        }
        let job_at = self.jobs.partition_point(|r| r.name < job.name);
        self.jobs.insert(job_at, JobRow::of(job));
        let at = self.drives.partition_point(|d| *d.job_name < *job.name);
        let rows = drive_rows(job);
        self.by_name.inserted(&job.name, job_at, at, rows.len());
        self.drive_search.insert_job_rows(at, &rows);
        self.drives.splice(at..at, rows);
    }

    /// Many jobs' rows replaced in one pass: the old rows leave, the new ones
    /// are merged in; the Drives filter text and the rows by name are built
    /// again once.
    fn merge_rows(&mut self, jobs: &[Job]) {
        let touched: HashSet<i64> = jobs.iter().filter_map(|j| j.id).collect();
        self.jobs.retain(|r| !touched.contains(&r.id));
        self.archive.retain(|r| !touched.contains(&r.id));
        self.drives.retain(|d| !touched.contains(&d.job_id));
        let (archived, active): (Vec<&Job>, Vec<&Job>) = jobs.iter().partition(|j| j.archived_at.is_some());
        merge_in(&mut self.archive, archived.into_iter().map(JobRow::of).collect(), |a, b| {
            archive_order(a).cmp(&archive_order(b))
        });
        merge_in(&mut self.jobs, active.iter().map(|j| JobRow::of(j)).collect(), |a, b| a.name.cmp(&b.name));
        // Stable: a job's drive rows stay in drive id order (`drive_rows`).
        merge_in(&mut self.drives, active.iter().flat_map(|j| drive_rows(j)).collect(), |a, b| {
            a.job_name.cmp(&b.job_name)
        });
        self.drive_search = DriveSearch::of(&self.drives);
        self.by_name = RowsByName::of(&self.jobs, &self.drives);
    }

    /// The rows of job `id`, named `name`, leave the tables.
    fn forget_rows(&mut self, id: i64, name: &str) {
        // Active, it is the one job of that name there.
        let active = self.by_name.get(name).filter(|at| self.jobs.get(at.job).is_some_and(|r| r.id == id));
        if let Some(at) = active {
            self.jobs.remove(at.job);
            let start = at.drives.unwrap_or(0);
            let rest = self.drives.get(start..).unwrap_or_default();
            let count = at.drives.map_or(0, |_| rest.iter().take_while(|d| d.job_id == id).count());
            self.drives.drain(start..start + count);
            self.drive_search.remove_job_rows(start..start + count);
            self.by_name.removed(name, at.job, start..start + count);
        }
        let named = named(&self.archive, name, |r| &r.name);
        if let Some(at) = named.clone().find(|&i| self.archive[i].id == id) {
            self.archive.remove(at);
        }
    }

    /// The active job's id, else the last archived one's of that name.
    pub fn id_of(&self, name: &str) -> Option<i64> {
        self.row(name)
            .or_else(|| self.archive.get(named(&self.archive, name, |r| &r.name))?.last())
            .map(|r| r.id)
    }

    /// The full job, if it is held.
    pub fn job(&self, name: &str) -> Option<&Job> {
        match self.id_of(name) {
            Some(id) => self.full.get(&id),
            // Before the tables arrive, the jobs held for attention are all there is.
            None => self.full.values().find(|j| j.name == name),
        }
    }

    /// The first moment after `now` at which the attention queue can change by
    /// itself: a clock passing, or coming within "due soon". Until then a tick
    /// only moves the countdowns, which the view computes as it draws.
    pub fn attention_changes_at(&self, now: Timestamp) -> Option<Timestamp> {
        let job_clocks = self.full.values().flat_map(clock::job_clocks);
        let arrival_clocks = self.arrivals.iter().flat_map(clock::arrival_clocks);
        job_clocks
            .chain(arrival_clocks)
            .flat_map(|c| [c.deadline - attention::DUE_SOON, c.deadline])
            .filter(|t| *t > now)
            .min()
    }

    /// The attention queue at `now`: held jobs and held arrivals, most urgent first.
    pub fn attention(&self, now: Timestamp) -> Vec<Item> {
        let mut items: Vec<Item> = self.full.values().flat_map(|j| attention::job_items(j, now)).collect();
        for arrival in &self.arrivals {
            let job_state = arrival.job_name.as_ref().and_then(|name| match self.row(name) {
                Some(row) => Some(row.state),
                // Before the tables arrive, the jobs held for attention are all there is.
                None => {
                    self.full.values().find(|j| &j.name == name && j.archived_at.is_none()).map(|j| j.state)
                }
            });
            items.extend(attention::arrival_items(arrival, job_state, now));
        }
        attention::sort(&mut items);
        items
    }
}

/// Adds `new` rows to a table held in `order`: sorted, then appended, and the
/// table sorted again, which for two sorted runs is a linear merge.
fn merge_in<T>(table: &mut Vec<T>, mut new: Vec<T>, order: impl Fn(&T, &T) -> Ordering) {
    new.sort_by(&order);
    table.append(&mut new);
    table.sort_by(order);
}

/// How a full read orders the archive: by name, then id (names repeat there).
fn archive_order(row: &JobRow) -> (&str, i64) {
    (row.name.as_str(), row.id)
}

/// Where the rows of `name` are in a table held in name order.
fn named<T>(rows: &[T], name: &str, name_of: impl Fn(&T) -> &str) -> Range<usize> {
    let start = rows.partition_point(|r| name_of(r) < name);
    let end = start + rows[start..].partition_point(|r| name_of(r) == name);
    start..end
}

/// Does the job have, or will it soon have, an item in the attention queue?
/// (Jobs with a clock running out within a day more than "due soon" are kept
/// too, so the queue stays right as time passes between full reads.)
pub fn needs_attention(job: &Job, now: Timestamp) -> bool {
    job.archived_at.is_none()
        && (!attention::job_items(job, now).is_empty()
            || clock::job_clocks(job)
                .iter()
                .any(|c| c.deadline - now <= attention::DUE_SOON + chrono::Duration::days(1)))
}
