//! Reads. Each query is a function over a `Connection`, so the same code
//! serves the `Store` (between writes) and the `Writer` (inside one).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, Params, Row, params_from_iter};

use super::error::StoreError;
use super::rows::{self, ARRIVAL_SELECT, AUDIT_SELECT, DRIVE_SELECT, JOB_SELECT};
use super::{AuditFilter, AuditRecord, Counts, DriveFilter, JobFilter, Store};
use crate::domain::attention;
use crate::domain::{Arrival, Drive, DriveState, Job, JobState};

impl Store {
    /// The active job with that name or, if none, the most recently archived one.
    pub fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
        job_by_name(&self.conn, name)
    }

    pub fn job_by_id(&self, id: i64) -> Result<Option<Job>, StoreError> {
        job_by_id(&self.conn, id)
    }

    /// The active job with the service's resource id or, if none, the most
    /// recently archived one.
    pub fn job_by_resource_id(&self, resource_id: &str) -> Result<Option<Job>, StoreError> {
        job_by_resource_id(&self.conn, resource_id)
    }

    /// Jobs with their drives, ordered by name.
    pub fn jobs(&self, filter: &JobFilter) -> Result<Vec<Job>, StoreError> {
        jobs(&self.conn, filter)
    }

    /// The active job that lists one of these drives, still expected
    /// (`Specified` or `NeverReceived`): the job a package belongs to.
    pub fn job_for_drives(&self, drive_ids: &[String]) -> Result<Option<Job>, StoreError> {
        job_for_drives(&self.conn, drive_ids)
    }

    /// (job name, drive) of active jobs, ordered by job name then drive id.
    pub fn drives(&self, filter: &DriveFilter) -> Result<Vec<(String, Drive)>, StoreError> {
        drives(&self.conn, filter)
    }

    /// E1 arrivals, oldest first; only those still held if `held_only`.
    pub fn arrivals(&self, held_only: bool) -> Result<Vec<Arrival>, StoreError> {
        let status = if held_only { "WHERE a.status = 'Held'" } else { "" };
        let sql = format!("SELECT {} FROM arrivals a {status} ORDER BY a.id", *ARRIVAL_SELECT);
        collect(&self.conn, &sql, [], rows::arrival_from_row)
    }

    pub fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError> {
        arrival(&self.conn, id)
    }

    /// S8: the active jobs that list any of these drive ids, with their drives.
    pub fn homes_of(&self, drive_ids: &[String]) -> Result<Vec<Job>, StoreError> {
        homes_of(&self.conn, drive_ids)
    }

    /// S8, S10: the held arrivals holding any of these drive ids or naming `job_name`.
    pub fn held_arrivals_with(
        &self,
        drive_ids: &[String],
        job_name: Option<&str>,
    ) -> Result<Vec<Arrival>, StoreError> {
        held_arrivals_with(&self.conn, drive_ids, job_name)
    }

    /// The names of the active jobs, in name order (for "did you mean").
    pub fn active_job_names(&self) -> Result<Vec<String>, StoreError> {
        active_job_names(&self.conn)
    }

    /// Every event of the job and its drives, and of the arrivals that named
    /// it, oldest first.
    pub fn history(&self, job_id: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit e
             WHERE e.job_id = ?1
                OR e.arrival_id IN (SELECT a.id FROM arrivals a
                                    WHERE a.job_name = (SELECT name FROM jobs WHERE id = ?1))
             ORDER BY e.id",
            *AUDIT_SELECT
        );
        collect(&self.conn, &sql, [job_id], rows::audit_from_row)
    }

    pub fn arrival_history(&self, arrival_id: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!("SELECT {} FROM audit e WHERE e.arrival_id = ?1 ORDER BY e.id", *AUDIT_SELECT);
        collect(&self.conn, &sql, [arrival_id], rows::audit_from_row)
    }

    /// The latest `limit` events, newest first.
    pub fn recent_events(&self, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!("SELECT {} FROM audit e ORDER BY e.at DESC, e.id DESC LIMIT ?1", *AUDIT_SELECT);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        collect(&self.conn, &sql, [limit], rows::audit_from_row)
    }

    /// The latest events that pass `filter`, newest first. Every value the
    /// user gave is a bound parameter.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        let mut conditions = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(rule) = filter.rule {
            conditions.push("e.rule = ?");
            params.push(Value::Text(rule.id().to_string()));
        }
        if let Some(operator) = &filter.operator {
            conditions.push("e.operator = ?");
            params.push(Value::Text(operator.clone()));
        }
        // Stored times are of one fixed width (`format_ts`): text order is time order.
        if let Some(since) = &filter.since {
            conditions.push("e.at >= ?");
            params.push(Value::Text(rows::format_ts(since)));
        }
        if let Some(until) = &filter.until {
            conditions.push("e.at < ?");
            params.push(Value::Text(rows::format_ts(until)));
        }
        if let Some(text) = &filter.text {
            conditions.push("(instr(lower(e.note), lower(?)) > 0 OR instr(lower(e.detail), lower(?)) > 0)");
            params.extend([Value::Text(text.clone()), Value::Text(text.clone())]);
        }
        params.push(Value::Integer(i64::try_from(filter.limit).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT {} FROM audit e {} ORDER BY e.at DESC, e.id DESC LIMIT ?",
            *AUDIT_SELECT,
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) }
        );
        collect(&self.conn, &sql, params_from_iter(params), rows::audit_from_row)
    }

    /// Active jobs by state and their drives by state, in the enums' order,
    /// leaving out states with nothing in them.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        // Both from partial indexes alone (schema V3). Jobs in a state the
        // console does not know are counted in none (issue 4): they are few,
        // found by their own index, and taken off the state they last had.
        let mut jobs = count_by_state::<JobState>(
            &self.conn,
            "SELECT state, count(*) FROM jobs WHERE archived_at IS NULL GROUP BY state",
        )?;
        let unknown = count_by_state::<JobState>(
            &self.conn,
            "SELECT state, count(*) FROM jobs INDEXED BY jobs_flagged
             WHERE archived_at IS NULL AND (return_problem IS NOT NULL
                OR unknown_state IS NOT NULL OR unknown_job_type IS NOT NULL OR anomaly_at IS NOT NULL)
                AND unknown_state IS NOT NULL GROUP BY state",
        )?;
        for (state, n) in unknown {
            if let Some(entry) = jobs.iter_mut().find(|(s, _)| *s == state) {
                entry.1 = entry.1.saturating_sub(n);
            }
        }
        jobs.retain(|(_, n)| *n > 0);
        let drives = count_by_state::<DriveState>(
            &self.conn,
            "SELECT state, count(*) FROM drives WHERE job_active = 1 GROUP BY state",
        )?;
        Ok(Counts { jobs, drives })
    }

    /// How many events the audit log holds.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        let count: i64 = self.conn.query_row("SELECT count(*) FROM audit", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

// ------------------------------------------------------------ shared queries

pub(super) fn job_by_name(conn: &Connection, name: &str) -> Result<Option<Job>, StoreError> {
    // The active job first; among archived ones, the latest.
    let sql = format!(
        "SELECT {} FROM jobs j WHERE j.name = ?1
         ORDER BY j.archived_at IS NOT NULL, j.archived_at DESC, j.id DESC LIMIT 1",
        *JOB_SELECT
    );
    with_drives(conn, first(conn, &sql, [name], rows::job_from_row)?)
}

pub(super) fn job_by_resource_id(conn: &Connection, resource_id: &str) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "SELECT {} FROM jobs j WHERE j.resource_id = ?1
         ORDER BY j.archived_at IS NOT NULL, j.archived_at DESC, j.id DESC LIMIT 1",
        *JOB_SELECT
    );
    with_drives(conn, first(conn, &sql, [resource_id], rows::job_from_row)?)
}

pub(super) fn job_by_id(conn: &Connection, id: i64) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {} FROM jobs j WHERE j.id = ?1", *JOB_SELECT);
    with_drives(conn, first(conn, &sql, [id], rows::job_from_row)?)
}

pub(super) fn job_for_drives(conn: &Connection, drive_ids: &[String]) -> Result<Option<Job>, StoreError> {
    if drive_ids.is_empty() {
        return Ok(None);
    }
    let ids = json_ids(drive_ids)?;
    // If drives of one package are listed by several jobs, the job listing most of them wins.
    // Start from the few drives with these ids: CROSS JOIN fixes the join order
    // and `+d.state` keeps the planner off the state index, which, without
    // ANALYZE statistics, it would otherwise pick and scan every Specified drive.
    let sql = "SELECT d.job_id FROM drives d CROSS JOIN jobs j ON j.id = d.job_id
               WHERE j.archived_at IS NULL AND d.extra = 0
                 AND +d.state IN ('Specified', 'NeverReceived')
                 AND d.drive_id IN (SELECT value FROM json_each(?1))
               GROUP BY d.job_id ORDER BY count(*) DESC, j.name LIMIT 1";
    match first(conn, sql, [ids], |row| Ok(row.get::<_, i64>(0)?))? {
        Some(id) => job_by_id(conn, id),
        None => Ok(None),
    }
}

/// S8: the active jobs that list any of `drive_ids` (in a state but
/// ShippedBack, not destroyed), with their drives, in name order.
pub(super) fn homes_of(conn: &Connection, drive_ids: &[String]) -> Result<Vec<Job>, StoreError> {
    let ids = json_ids(drive_ids)?;
    let sql = "SELECT DISTINCT d.job_id FROM drives d CROSS JOIN jobs j ON j.id = d.job_id
               WHERE j.archived_at IS NULL AND +d.state <> 'ShippedBack'
                 AND d.destroyed_at IS NULL AND d.voided_at IS NULL
                 AND d.drive_id IN (SELECT value FROM json_each(?1))";
    let job_ids = collect(conn, sql, [ids], |row| Ok(row.get::<_, i64>(0)?))?;
    let mut jobs = Vec::new();
    for id in job_ids {
        jobs.extend(job_by_id(conn, id)?);
    }
    jobs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(jobs)
}

/// S8: where drive `drive_id` physically is, other than in job `except_job`:
/// arrived (and neither shipped back nor destroyed) in another active job,
/// or held in an arrival. In words, for a refusal.
pub(super) fn physical_home(
    conn: &Connection,
    drive_id: &str,
    except_job: i64,
) -> Result<Option<String>, StoreError> {
    let in_job = first(
        conn,
        "SELECT j.name, d.state FROM drives d JOIN jobs j ON j.id = d.job_id
         WHERE d.drive_id = ?1 AND d.job_id <> ?2 AND j.archived_at IS NULL
           AND d.destroyed_at IS NULL AND d.voided_at IS NULL
           AND coalesce(d.faulted_from, d.state) NOT IN ('Specified', 'NeverReceived', 'ShippedBack')",
        rusqlite::params![drive_id, except_job],
        |row| Ok(format!("{} in job {}", row.get::<_, String>(1)?, row.get::<_, String>(0)?)),
    )?;
    if in_job.is_some() {
        return Ok(in_job);
    }
    first(
        conn,
        "SELECT a.id FROM arrivals a WHERE a.status = 'Held'
           AND EXISTS (SELECT 1 FROM json_each(a.drive_ids) h WHERE h.value = ?1)",
        [drive_id],
        |row| Ok(format!("held in arrival:{}", row.get::<_, i64>(0)?)),
    )
}

/// S8, S10: the held arrivals that hold any of `drive_ids` or name `job_name`, oldest first.
pub(super) fn held_arrivals_with(
    conn: &Connection,
    drive_ids: &[String],
    job_name: Option<&str>,
) -> Result<Vec<Arrival>, StoreError> {
    let ids = json_ids(drive_ids)?;
    let sql = format!(
        "SELECT {} FROM arrivals a WHERE a.status = 'Held'
           AND (a.job_name = ?2 OR EXISTS (SELECT 1 FROM json_each(a.drive_ids) h
                                           WHERE h.value IN (SELECT value FROM json_each(?1))))
         ORDER BY a.id",
        *ARRIVAL_SELECT
    );
    collect(conn, &sql, rusqlite::params![ids, job_name], rows::arrival_from_row)
}

pub(super) fn active_job_names(conn: &Connection) -> Result<Vec<String>, StoreError> {
    collect(conn, "SELECT name FROM jobs WHERE archived_at IS NULL ORDER BY name", [], |row| {
        Ok(row.get::<_, String>(0)?)
    })
}

fn json_ids(drive_ids: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(drive_ids)
        .map_err(|e| StoreError::Sqlite(format!("drive ids cannot be searched: {e}")))
}

pub(super) fn arrival(conn: &Connection, id: i64) -> Result<Option<Arrival>, StoreError> {
    let sql = format!("SELECT {} FROM arrivals a WHERE a.id = ?1", *ARRIVAL_SELECT);
    first(conn, &sql, [id], rows::arrival_from_row)
}

/// The stored drives of one job, in the order they were added.
pub(super) fn drives_of(conn: &Connection, job_id: i64) -> Result<Vec<Drive>, StoreError> {
    let sql = format!("SELECT {} FROM drives d WHERE d.job_id = ?1 ORDER BY d.rowid", *DRIVE_SELECT);
    collect(conn, &sql, [job_id], |row| rows::drive_from_row(row, 0))
}

fn with_drives(conn: &Connection, job: Option<Job>) -> Result<Option<Job>, StoreError> {
    let Some(mut job) = job else {
        return Ok(None);
    };
    if let Some(id) = job.id {
        job.drives = drives_of(conn, id)?;
    }
    Ok(Some(job))
}

/// The WHERE clause of a job listing (table alias `j`) and its parameters.
fn job_filter(filter: &JobFilter) -> (String, Vec<Value>) {
    let mut clauses = vec![if filter.archived {
        "j.archived_at IS NOT NULL".to_string()
    } else {
        "j.archived_at IS NULL".to_string()
    }];
    let mut values = Vec::new();
    // A job in a state the console does not know is in none of the known
    // states: its stored `state` is only the last one known (issue 4).
    if let Some(state) = filter.state {
        values.push(Value::Text(state.as_str().to_string()));
        clauses.push(format!("j.state = ?{} AND j.unknown_state IS NULL", values.len()));
    }
    if let Some(at) = filter.overdue_at {
        // Every job that can be overdue (C2 passed, notified, unreachable:
        // `attention::person_deadline`); `jobs` keeps those that are.
        values.push(Value::Text(rows::format_ts(&at)));
        clauses.push(format!(
            "j.state IN ('Shipping', 'Transferring', 'Packaging', 'Faulted') AND j.unknown_state IS NULL
             AND j.unknown_job_type IS NULL
             AND (j.wait_until IS NULL OR j.wait_until <= ?{} OR j.notified_at IS NOT NULL
                  OR j.unreachable_since IS NOT NULL)",
            values.len()
        ));
    }
    (clauses.join(" AND "), values)
}

fn jobs(conn: &Connection, filter: &JobFilter) -> Result<Vec<Job>, StoreError> {
    let (filter_sql, values) = job_filter(filter);
    let sql = format!("SELECT {} FROM jobs j WHERE {filter_sql} ORDER BY j.name, j.id", *JOB_SELECT);
    let mut jobs = collect(conn, &sql, params_from_iter(values.iter()), rows::job_from_row)?;
    // One query for the drives of every listed job, not one per job.
    let sql = format!(
        "SELECT d.job_id, {} FROM drives d JOIN jobs j ON j.id = d.job_id
         WHERE {filter_sql} ORDER BY d.job_id, d.rowid",
        *DRIVE_SELECT
    );
    let mut by_job: HashMap<i64, Vec<Drive>> = HashMap::new();
    let pairs = collect(conn, &sql, params_from_iter(values.iter()), |row| {
        Ok((row.get::<_, i64>(0)?, rows::drive_from_row(row, 1)?))
    })?;
    for (job_id, drive) in pairs {
        by_job.entry(job_id).or_default().push(drive);
    }
    for job in &mut jobs {
        if let Some(drives) = job.id.and_then(|id| by_job.remove(&id)) {
            job.drives = drives;
        }
    }
    if let Some(at) = filter.overdue_at {
        jobs.retain(|job| attention::is_overdue(job, at));
    }
    Ok(jobs)
}

fn drives(conn: &Connection, filter: &DriveFilter) -> Result<Vec<(String, Drive)>, StoreError> {
    let mut clauses = vec!["j.archived_at IS NULL".to_string()];
    let mut values = Vec::new();
    if let Some(state) = filter.state {
        values.push(state.as_str().to_string());
        clauses.push(format!("d.state = ?{}", values.len()));
    }
    if let Some(name) = &filter.job_name {
        values.push(name.clone());
        clauses.push(format!("j.name = ?{}", values.len()));
    }
    let sql = format!(
        "SELECT j.name, {} FROM drives d JOIN jobs j ON j.id = d.job_id
         WHERE {} ORDER BY j.name, d.drive_id",
        *DRIVE_SELECT,
        clauses.join(" AND ")
    );
    collect(conn, &sql, params_from_iter(values.iter()), |row| {
        Ok((row.get::<_, String>(0)?, rows::drive_from_row(row, 1)?))
    })
}

fn count_by_state<S>(conn: &Connection, sql: &str) -> Result<Vec<(S, u64)>, StoreError>
where
    S: std::str::FromStr + Ord,
{
    let mut counts = collect(conn, sql, [], |row| {
        let name: String = row.get(0)?;
        let state = name
            .parse::<S>()
            .map_err(|_| StoreError::Corrupt { what: format!("state '{name}' is not a known state") })?;
        let count: i64 = row.get(1)?;
        Ok((state, u64::try_from(count).unwrap_or(0)))
    })?;
    // The enums derive Ord in declaration order: the order the pulse strip shows.
    counts.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(counts)
}

// ------------------------------------------------------------------ helpers

/// Runs a cached query and maps every row.
pub(super) fn collect<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    mut map: impl FnMut(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// Runs a cached query and maps its first row, if any.
pub(super) fn first<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    map: impl FnOnce(&Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    match rows.next()? {
        Some(row) => Ok(Some(map(row)?)),
        None => Ok(None),
    }
}
