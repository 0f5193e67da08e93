//! The one write path. A `Writer` exists only inside `Store::write`, so
//! everything it stores — a change and its audit events (S6) — commits in one
//! transaction or not at all. Updates are guarded by the version the decision
//! was made on (S7).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, Transaction, params, params_from_iter};

use super::error::StoreError;
use super::rows::{self, ARRIVAL_INSERT, AUDIT_INSERT, DRIVE_INSERT, EventTarget, JOB_INSERT, Updated};
use super::{read, scan};
use crate::domain::arrival::release_held;
use crate::domain::{Arrival, Change, Ctx, Drive, Event, Job, JobState, Timestamp};

/// Stores changes inside one transaction; see `Store::write`.
pub struct Writer<'a> {
    conn: &'a Connection,
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: &'a Transaction<'_>) -> Writer<'a> {
        Writer { conn: tx }
    }

    // ------------------------------------------------ reads in the transaction

    /// As `Store::job`, but seeing this transaction's own writes.
    pub fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
        read::job_by_name(self.conn, name)
    }

    pub fn job_by_id(&self, id: i64) -> Result<Option<Job>, StoreError> {
        read::job_by_id(self.conn, id)
    }

    /// As `Store::job_by_resource_id`, but seeing this transaction's own writes.
    pub fn job_by_resource_id(&self, resource_id: &str) -> Result<Option<Job>, StoreError> {
        read::job_by_resource_id(self.conn, resource_id)
    }

    /// The names of the active jobs, in name order (for "did you mean").
    pub fn active_job_names(&self) -> Result<Vec<String>, StoreError> {
        read::active_job_names(self.conn)
    }

    pub fn job_for_drives(&self, drive_ids: &[String]) -> Result<Option<Job>, StoreError> {
        read::job_for_drives(self.conn, drive_ids)
    }

    pub fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError> {
        read::arrival(self.conn, id)
    }

    /// S8: the active jobs that list any of these drive ids, with their drives.
    pub fn homes_of(&self, drive_ids: &[String]) -> Result<Vec<Job>, StoreError> {
        read::homes_of(self.conn, drive_ids)
    }

    /// S8, S10: the held arrivals holding any of these drive ids or naming `job_name`.
    pub fn held_arrivals_with(
        &self,
        drive_ids: &[String],
        job_name: Option<&str>,
    ) -> Result<Vec<Arrival>, StoreError> {
        read::held_arrivals_with(self.conn, drive_ids, job_name)
    }

    /// As `Store::for_each_sweep_chunk`, inside this transaction: the jobs the
    /// sweep decides on are the ones it writes over, and nobody changes them
    /// in between.
    pub fn for_each_sweep_chunk(
        &mut self,
        now: Timestamp,
        chunk: usize,
        mut f: impl FnMut(&mut Writer<'a>, Vec<Job>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let conn = self.conn;
        scan::sweep_chunks(conn, now, chunk, |jobs| f(self, jobs))
    }

    /// The page cache limit (KiB) and `temp_store` inside this transaction.
    #[cfg(test)]
    pub(super) fn conn_settings(&self) -> Result<(i64, i64), StoreError> {
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let temp: i64 = self.conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        Ok((-cache, temp))
    }

    // ------------------------------------------------------------------- jobs

    /// Stores a new job (its `id` is ignored), its drives and its events;
    /// returns the new id. `NameTaken` if an active job has that name.
    /// Schema statements for a bulk load (see `Store::bulk_load`).
    pub(super) fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    /// (name, CREATE statement) of every index that enforces nothing.
    pub(super) fn secondary_indexes(&self) -> Result<Vec<(String, String)>, StoreError> {
        read::collect(
            self.conn,
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
               AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
            [],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
        )
    }

    pub fn insert_job(&mut self, job: &Job, events: &[Event]) -> Result<i64, StoreError> {
        let mut values = rows::job_values(job)?;
        values.push(Value::Integer(job.version));
        let inserted = self.conn.prepare_cached(&JOB_INSERT)?.execute(params_from_iter(values));
        name_checked(inserted, &job.name)?;
        let id = self.conn.last_insert_rowid();
        for drive in &job.drives {
            self.insert_drive(id, drive)?;
        }
        if job.archived_at.is_some() {
            // Stored already archived (an import, the demo): its drives are not active.
            self.conn.prepare_cached("UPDATE drives SET job_active = 0 WHERE job_id = ?1")?.execute([id])?;
        }
        self.append(events, job_target(id, &job.name))?;
        Ok(id)
    }

    /// As `insert_job`, for a job that comes from outside (an import) and may
    /// already be Shipping: it takes the drives held for it (S10). The demo
    /// stores generated jobs whose arrivals are consistent already.
    pub fn insert_arriving_job(&mut self, job: &Job, events: &[Event]) -> Result<i64, StoreError> {
        let id = self.insert_job(job, events)?;
        if job.state == JobState::Shipping && job.archived_at.is_none() {
            self.release_held(id, events)?;
        }
        Ok(id)
    }

    /// Stores a decided change: the job if it is still at the version the
    /// decision read (S7), its new and changed drives, and its events (S6).
    pub fn apply(&mut self, change: &Change) -> Result<(), StoreError> {
        let job = &change.job;
        let id = stored_id(job)?;
        let before = read::job_by_id(self.conn, id)?
            .ok_or_else(|| StoreError::NotFound { what: format!("job {}", job.name) })?;
        self.apply_over(&before, change)
    }

    /// As `apply`, for a caller that holds the job the change was decided
    /// on (`before`, as read at the change's version): nothing is read again,
    /// and only what differs from `before` is written. If the stored job is
    /// no longer at that version, nothing is written (S7).
    pub fn apply_over(&mut self, before: &Job, change: &Change) -> Result<(), StoreError> {
        let job = &change.job;
        let id = stored_id(job)?;
        if before.id != job.id || before.version != job.version {
            return Err(self.why_not_updated("jobs", id, format!("job {}", job.name)));
        }
        let updated = self.update_guarded(
            Updated::Jobs,
            id,
            job.version,
            rows::job_values(before)?,
            rows::job_values(job)?,
        );
        if name_checked(updated, &job.name)? == 0 {
            return Err(self.why_not_updated("jobs", id, format!("job {}", job.name)));
        }
        self.one_place(id, &before.drives, &job.drives)?;
        self.store_drives(id, &before.drives, &job.drives)?;
        self.append(&change.events, job_target(id, &job.name))?;
        if before.state != JobState::Shipping && job.state == JobState::Shipping {
            self.release_held(id, &change.events)?;
        }
        Ok(())
    }

    /// S10: a job that just reached Shipping takes the drives held for it, in
    /// this same transaction, whichever path shipped it (an action, a
    /// resolve, an import). The domain decides on the job and arrivals as
    /// stored now; the release is recorded as the operator who shipped it.
    fn release_held(&mut self, job_id: i64, events: &[Event]) -> Result<(), StoreError> {
        let Some(job) = read::job_by_id(self.conn, job_id)? else {
            return Ok(());
        };
        let listed: Vec<String> = job.drives.iter().map(|d| d.drive_id.clone()).collect();
        let held = read::held_arrivals_with(self.conn, &listed, Some(&job.name))?;
        let Some(last) = events.last() else {
            return Ok(());
        };
        let ctx = Ctx { operator: &last.operator, now: last.at, note: None };
        let held_ids: Vec<String> = held.iter().flat_map(|a| a.drive_ids.iter().cloned()).collect();
        let homes = read::homes_of(self.conn, &held_ids)?;
        let Some((change, arrivals)) = release_held(&job, &held, &homes, &ctx) else {
            return Ok(());
        };
        // The arrivals give their drives up before the job takes them (S8).
        for (arrival, event) in arrivals {
            self.apply_arrival(&arrival, std::slice::from_ref(&event))?;
        }
        self.apply_over(&job, &change)
    }

    /// S8: a drive that comes in (new, or from Specified / NeverReceived) must
    /// not be physically anywhere else: arrived in another active job, or held
    /// in an arrival. Every path that writes a job passes here.
    fn one_place(&self, job_id: i64, before: &[Drive], drives: &[Drive]) -> Result<(), StoreError> {
        let arrived = |d: &Drive| d.faulted_from.unwrap_or(d.state).has_arrived();
        for drive in drives.iter().filter(|d| arrived(d)) {
            if before.iter().any(|b| b.drive_id == drive.drive_id && arrived(b)) {
                continue;
            }
            if let Some(place) = read::physical_home(self.conn, &drive.drive_id, job_id)? {
                return Err(StoreError::ElsewhereAlready { drive: drive.drive_id.clone(), place });
            }
        }
        Ok(())
    }

    /// Inserts new drives and updates changed ones; drives are never deleted (S2).
    fn store_drives(&mut self, job_id: i64, before: &[Drive], drives: &[Drive]) -> Result<(), StoreError> {
        let before: HashMap<&str, &Drive> = before.iter().map(|d| (d.drive_id.as_str(), d)).collect();
        for drive in drives {
            match before.get(drive.drive_id.as_str()) {
                None => self.insert_drive(job_id, drive)?,
                Some(old) => {
                    // Compare as stored (times to the second), so an unchanged
                    // drive keeps its version.
                    let (new, old) = (rows::drive_values(drive)?, rows::drive_values(old)?);
                    if new != old {
                        let key =
                            [("job_id", Value::Integer(job_id)), ("drive_id", rows::text(&drive.drive_id))];
                        let (sql, params) = Updated::Drives.changed(&old, new, key);
                        self.conn.prepare_cached(&sql)?.execute(params_from_iter(params))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn insert_drive(&mut self, job_id: i64, drive: &Drive) -> Result<(), StoreError> {
        let mut values = vec![Value::Integer(job_id), Value::Text(drive.drive_id.clone())];
        values.extend(rows::drive_values(drive)?);
        values.push(Value::Integer(drive.version));
        self.conn.prepare_cached(&DRIVE_INSERT)?.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Updates row `id` from `before` to `new` if it is still at `version`
    /// (S7), writing only the columns that differ; the number of rows
    /// updated (0 or 1).
    fn update_guarded(
        &mut self,
        table: Updated,
        id: i64,
        version: i64,
        before: Vec<Value>,
        new: Vec<Value>,
    ) -> rusqlite::Result<usize> {
        let key = [("id", Value::Integer(id)), ("version", Value::Integer(version))];
        let (sql, params) = table.changed(&before, new, key);
        self.conn.prepare_cached(&sql)?.execute(params_from_iter(params))
    }

    // --------------------------------------------------------------- arrivals

    /// Stores an E1 arrival and its events; returns the new id. The events are
    /// also filed under the job the arrival names, if that job is active.
    pub fn insert_arrival(&mut self, arrival: &Arrival, events: &[Event]) -> Result<i64, StoreError> {
        let mut values = rows::arrival_values(arrival)?;
        values.push(Value::Integer(arrival.version));
        self.conn.prepare_cached(&ARRIVAL_INSERT)?.execute(params_from_iter(values))?;
        let id = self.conn.last_insert_rowid();
        self.append_for_arrival(id, arrival, events)?;
        Ok(id)
    }

    /// Stores a decided change to an arrival, if it is still at the version
    /// the decision read (S7), and its events.
    pub fn apply_arrival(&mut self, arrival: &Arrival, events: &[Event]) -> Result<(), StoreError> {
        let id = arrival
            .id
            .ok_or_else(|| StoreError::NotFound { what: "the arrival (it was never stored)".to_string() })?;
        let Some(before) = read::arrival(self.conn, id)? else {
            return Err(StoreError::NotFound { what: format!("arrival {id}") });
        };
        let (before, new) = (rows::arrival_values(&before)?, rows::arrival_values(arrival)?);
        let updated = self.update_guarded(Updated::Arrivals, id, arrival.version, before, new)?;
        if updated == 0 {
            return Err(self.why_not_updated("arrivals", id, format!("arrival {id}")));
        }
        self.append_for_arrival(id, arrival, events)
    }

    fn append_for_arrival(
        &mut self,
        arrival_id: i64,
        arrival: &Arrival,
        events: &[Event],
    ) -> Result<(), StoreError> {
        let job = match &arrival.job_name {
            Some(name) => self.active_job_id(name)?.map(|id| (id, name.as_str())),
            None => None,
        };
        let target = EventTarget {
            job_id: job.map(|(id, _)| id),
            job_name: job.map(|(_, name)| name),
            arrival_id: Some(arrival_id),
        };
        self.append(events, target)
    }

    fn active_job_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        read::first(self.conn, "SELECT id FROM jobs WHERE name = ?1 AND archived_at IS NULL", [name], |row| {
            Ok(row.get(0)?)
        })
    }

    // ------------------------------------------------------------------ audit

    /// Appends audit events (S6); the triggers refuse any other change to them.
    fn append(&mut self, events: &[Event], target: EventTarget) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&AUDIT_INSERT)?;
        for event in events {
            stmt.execute(params_from_iter(rows::event_values(event, target)?))?;
        }
        Ok(())
    }

    /// A guarded update matched no row: the item is gone, or someone changed
    /// it since it was read (S7) — say who, from their latest event.
    fn why_not_updated(&self, table: &str, id: i64, what: String) -> StoreError {
        let exists =
            read::first(self.conn, &format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |_| Ok(()));
        match exists {
            Ok(Some(())) => {}
            Ok(None) => return StoreError::NotFound { what },
            Err(e) => return e,
        }
        let column = if table == "jobs" { "job_id" } else { "arrival_id" };
        // The action a person (or the sweep) took, not the consequence it led to.
        let sql = format!(
            "SELECT operator, at, action FROM audit WHERE {column} = ?1 AND action <> 'consequence' \
             ORDER BY id DESC LIMIT 1"
        );
        let latest = read::first(self.conn, &sql, params![id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        });
        match latest {
            Ok(Some((by, at, action))) => StoreError::Stale { what, by, at: shown_time(&at), action },
            Ok(None) => StoreError::Stale {
                what,
                by: "another process".to_string(),
                at: "an unrecorded time".to_string(),
                action: "a change".to_string(),
            },
            Err(e) => e,
        }
    }
}

fn stored_id(job: &Job) -> Result<i64, StoreError> {
    job.id.ok_or_else(|| StoreError::NotFound { what: format!("job {} (it was never stored)", job.name) })
}

fn job_target(job_id: i64, name: &str) -> EventTarget<'_> {
    EventTarget { job_id: Some(job_id), job_name: Some(name), arrival_id: None }
}

/// "2026-11-22 14:30:05 UTC" for messages; the stored text if it does not parse.
fn shown_time(stored: &str) -> String {
    rows::parse_ts(stored)
        .map_or_else(|| stored.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

/// The result of writing a job row, with the partial unique index on active
/// names (SQLITE_CONSTRAINT_UNIQUE on `jobs.name`) reported as `NameTaken`.
fn name_checked(result: rusqlite::Result<usize>, name: &str) -> Result<usize, StoreError> {
    match result {
        Err(rusqlite::Error::SqliteFailure(e, Some(message)))
            if e.code == ErrorCode::ConstraintViolation
                && e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                && message.contains("jobs.name") =>
        {
            Err(StoreError::NameTaken { name: name.to_string() })
        }
        other => Ok(other?),
    }
}
