//! Reads for a console that must stay instant on a hundred thousand jobs:
//! a streaming scan (one job at a time, memory flat), the few jobs that may
//! need attention (for the first frame, before the scan ends), and the audit
//! log as a change feed (every change appends events, S6), so a refresh
//! reads only what changed.

use std::collections::BTreeSet;

use chrono::Duration;
use rusqlite::{Connection, Params};

use super::error::StoreError;
use super::read::collect;
use super::rows::{self, AUDIT_SELECT, DRIVE_SELECT, JOB_SELECT};
use super::{AuditRecord, Store};
use crate::domain::attention::DUE_SOON;
use crate::domain::clock;
use crate::domain::{Job, Timestamp};

/// What changed since an audit event id.
#[derive(Debug, Clone, Default)]
pub struct ChangeFeed {
    /// Jobs touched by the new events (read them again).
    pub job_ids: Vec<i64>,
    /// Some arrival was touched.
    pub arrivals: bool,
    /// The new events, newest first.
    pub events: Vec<AuditRecord>,
    /// The id to ask from next time.
    pub last_event_id: i64,
}

impl Store {
    /// Calls `f` with every active (or archived) job and its drives, in name
    /// order, holding one job at a time.
    pub fn for_each_job(&self, archived: bool, f: impl FnMut(Job)) -> Result<(), StoreError> {
        let which = if archived { "j.archived_at IS NOT NULL" } else { "j.archived_at IS NULL" };
        let job_sql = format!("SELECT {} FROM jobs j WHERE {which} ORDER BY j.name, j.id", *JOB_SELECT);
        let drive_sql = format!(
            "SELECT d.job_id, {} FROM jobs j JOIN drives d ON d.job_id = j.id WHERE {which}
             ORDER BY j.name, j.id, d.rowid",
            *DRIVE_SELECT
        );
        merge_jobs(&self.conn, &job_sql, &drive_sql, [], f)
    }

    /// Active jobs that may have an item in the attention queue at `now`: a
    /// quick, generous pre-selection by indexed columns so the first frame does
    /// not wait for the full scan. The attention rules themselves are applied
    /// to what this returns; the full scan that follows is the authority.
    pub fn attention_candidates(&self, now: Timestamp) -> Result<Vec<Job>, StoreError> {
        let soon = rows::format_ts(&(now + DUE_SOON + Duration::days(1)));
        let creating_soon =
            rows::format_ts(&(now + DUE_SOON + Duration::days(1) - clock::days(clock::CREATING_DAYS)));
        // E4 needs an incomplete or wrong return address in Transferring or Packaging.
        let address_problem =
            ["recipient_name", "street_address1", "city", "postal_code", "country_or_region", "phone"]
                .iter()
                .map(|c| format!("trim(coalesce(return_address_{c}, '')) = ''"))
                .collect::<Vec<_>>()
                .join(" OR ");
        // One indexed arm per reason (the partial indexes of schemas V3 and
        // V5), not a scan; none reads a job's row.
        let sql = format!(
            "SELECT id FROM jobs WHERE archived_at IS NULL AND state = 'Faulted'
             UNION SELECT id FROM jobs INDEXED BY jobs_return_address_problem WHERE archived_at IS NULL
                 AND state IN ('Transferring', 'Packaging') AND (return_address_invalid = 1 OR {address_problem})
             UNION SELECT id FROM jobs WHERE archived_at IS NULL AND state = 'Shipping' AND wait_until <= ?1
             UNION SELECT id FROM jobs INDEXED BY jobs_shipping_contacted WHERE archived_at IS NULL
                 AND state = 'Shipping' AND (notified_at IS NOT NULL OR unreachable_since IS NOT NULL)
             UNION SELECT id FROM jobs INDEXED BY jobs_creating_clock WHERE archived_at IS NULL
                 AND state = 'Creating' AND creating_clock_from <= ?2
             UNION SELECT id FROM jobs INDEXED BY jobs_flagged WHERE archived_at IS NULL AND (return_problem IS NOT NULL
                 OR unknown_state IS NOT NULL OR unknown_job_type IS NOT NULL OR anomaly_at IS NOT NULL)
             UNION SELECT job_id FROM drives WHERE job_active = 1 AND state = 'Faulted'
             UNION SELECT job_id FROM drives WHERE extra = 1 AND state <> 'ShippedBack' AND job_active = 1"
        );
        let ids: BTreeSet<i64> =
            collect(&self.conn, &sql, [soon, creating_soon], |row| Ok(row.get::<_, i64>(0)?))?
                .into_iter()
                .collect();
        self.jobs_by_ids(&ids.into_iter().collect::<Vec<_>>())
    }

    /// Active jobs whose C1, C3 or C7 may have passed at `now`: what the sweep
    /// decides on (see `sweep_chunks`), all at once.
    pub fn sweep_candidates(&self, now: Timestamp) -> Result<Vec<Job>, StoreError> {
        let mut all = Vec::new();
        self.for_each_sweep_chunk(now, usize::MAX, |jobs| {
            all.extend(jobs);
            Ok(())
        })?;
        Ok(all)
    }

    /// The sweep's candidates, `f` called on `chunk` of them at a time, all
    /// read from one snapshot of the database (a read transaction), as the
    /// real sweep reads them inside its write.
    pub fn for_each_sweep_chunk(
        &self,
        now: Timestamp,
        chunk: usize,
        f: impl FnMut(Vec<Job>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let snapshot = self.conn.unchecked_transaction()?;
        sweep_chunks(&snapshot, now, chunk, f)
    }

    /// Jobs by row id, with their drives, in two queries however many; ids that
    /// no longer exist are skipped.
    pub fn jobs_by_ids(&self, ids: &[i64]) -> Result<Vec<Job>, StoreError> {
        jobs_by_ids(&self.conn, ids)
    }

    /// The id of the newest audit event (0 for an empty log).
    pub fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |row| row.get(0))?)
    }

    /// What the audit log says changed after event `since`.
    pub fn changes_since(&self, since: i64) -> Result<ChangeFeed, StoreError> {
        let sql = format!("SELECT {} FROM audit e WHERE e.id > ?1 ORDER BY e.id DESC", *AUDIT_SELECT);
        let events = collect(&self.conn, &sql, [since], rows::audit_from_row)?;
        let job_ids: BTreeSet<i64> = collect(
            &self.conn,
            "SELECT DISTINCT job_id FROM audit WHERE id > ?1 AND job_id IS NOT NULL",
            [since],
            |row| Ok(row.get::<_, i64>(0)?),
        )?
        .into_iter()
        .collect();
        let arrivals = events.iter().any(|e| e.arrival_id.is_some());
        let last_event_id = events.first().map_or(since, |e| e.id);
        Ok(ChangeFeed { job_ids: job_ids.into_iter().collect(), arrivals, events, last_event_id })
    }
}

/// How many of the sweep's candidates `ieops sweep` holds at once: a backlog
/// of tens of thousands of jobs is decided and written without holding them
/// all (and a changed copy of each) in memory.
pub const SWEEP_CHUNK: usize = 512;

/// Calls `f` with the active jobs whose C1, C3 or C7 may have passed at
/// `now`, `chunk` jobs at a time (the caller holds a chunk, not every
/// candidate): found by index instead of reading every job. The sweep's
/// rules (domain `sweep_job`) decide; this only leaves out jobs they would
/// skip. In id order: the order of the rows, their drives and
/// their audit entries in the file, so a sweep writing them in turn changes
/// each page once.
pub(super) fn sweep_chunks(
    conn: &Connection,
    now: Timestamp,
    chunk: usize,
    mut f: impl FnMut(Vec<Job>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let before = |days: i64| rows::format_ts(&(now - clock::days(days)));
    // Each arm a range of its partial index (schemas V5, V6): no job's row is read.
    let sql = "SELECT id FROM jobs INDEXED BY jobs_creating_clock
             WHERE archived_at IS NULL AND state = 'Creating' AND creating_clock_from <= ?1
         UNION SELECT id FROM jobs INDEXED BY jobs_shipping_since
             WHERE archived_at IS NULL AND state = 'Shipping' AND shipping_since <= ?2
         UNION SELECT id FROM jobs INDEXED BY jobs_retention_since
             WHERE archived_at IS NULL AND state IN ('Completed', 'Closed') AND state_since <= ?3
         ORDER BY id";
    let params =
        [before(clock::CREATING_DAYS), before(clock::NEVER_RECEIVED_DAYS), before(clock::RETENTION_DAYS)];
    let ids = collect(conn, sql, params, |row| Ok(row.get::<_, i64>(0)?))?;
    ids.chunks(chunk.max(1)).try_for_each(|chunk| f(jobs_by_ids(conn, chunk)?))
}

/// Jobs by row id, with their drives, in id order; ids that no longer exist
/// are skipped.
pub(super) fn jobs_by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<Job>, StoreError> {
    let list = serde_json::to_string(ids).map_err(|e| StoreError::Sqlite(format!("job ids: {e}")))?;
    let ids_sql = "SELECT value FROM json_each(?1)";
    let job_sql = format!("SELECT {} FROM jobs j WHERE j.id IN ({ids_sql}) ORDER BY j.id", *JOB_SELECT);
    let drive_sql = format!(
        "SELECT d.job_id, {} FROM drives d WHERE d.job_id IN ({ids_sql}) ORDER BY d.job_id, d.rowid",
        *DRIVE_SELECT
    );
    let mut jobs = Vec::new();
    merge_jobs(conn, &job_sql, &drive_sql, [list], |job| jobs.push(job))?;
    Ok(jobs)
}

/// Walks two queries together: `job_sql` (`JOB_SELECT`) and `drive_sql`
/// (`d.job_id`, then `DRIVE_SELECT`), both in the same job order, so each
/// job comes with its drives without a lookup per job; holds one job at a
/// time.
fn merge_jobs<P: Params + Clone>(
    conn: &Connection,
    job_sql: &str,
    drive_sql: &str,
    params: P,
    mut f: impl FnMut(Job),
) -> Result<(), StoreError> {
    let mut job_stmt = conn.prepare(job_sql)?;
    let mut drive_stmt = conn.prepare(drive_sql)?;
    let mut jobs = job_stmt.query(params.clone())?;
    let mut drives = drive_stmt.query(params)?;
    let mut next_drive = read_drive(drives.next()?)?;
    while let Some(row) = jobs.next()? {
        let mut job = rows::job_from_row(row)?;
        let id = job.id.unwrap_or_default();
        while let Some((job_id, drive)) = next_drive.take() {
            if job_id != id {
                next_drive = Some((job_id, drive));
                break;
            }
            job.drives.push(drive);
            next_drive = read_drive(drives.next()?)?;
        }
        f(job);
    }
    Ok(())
}

fn read_drive(row: Option<&rusqlite::Row>) -> Result<Option<(i64, crate::domain::Drive)>, StoreError> {
    row.map(|row| Ok((row.get::<_, i64>(0)?, rows::drive_from_row(row, 1)?))).transpose()
}
