//! SQLite persistence: the schema (through migrations), reads, and the one
//! write path. Every write runs inside [`Store::write`]: one IMMEDIATE
//! transaction that stores a change and its audit events together (S6), or
//! nothing. A read-only store is opened with SQLite's read-only flag and
//! refuses `write` before touching the file.

mod error;
mod open;
mod read;
mod rows;
mod scan;
mod schema;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::domain::{DriveState, JobState, Rule, Timestamp};

pub use error::StoreError;
pub use open::DataVersion;
pub use scan::{ChangeFeed, SWEEP_CHUNK};
pub use write::Writer;

/// How the database file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Creates the file (mode 0600) if missing and migrates the schema.
    ReadWrite,
    /// SQLITE_OPEN_READ_ONLY; the file must exist with the current schema.
    ReadOnly,
}

/// The page cache of a write transaction: the pages it changes stay in
/// memory until the commit instead of spilling to the WAL and being written
/// there again (a sweep closing 13,000 jobs changes about 29,000 pages,
/// 116 MiB). Only pages a write touches are held; the connection's own limit
/// comes back after it, giving the memory back.
pub(super) const WRITE_CACHE_KIB: i64 = 128 * 1024;

pub struct Store {
    conn: Connection,
    access: Access,
    path: PathBuf,
    /// Set while a read-only store reads a private copy of the file.
    snapshot: Option<open::Snapshot>,
    /// How many times the connection was replaced (see [`DataVersion`]).
    generation: u64,
}

/// Which jobs to list.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub state: Option<JobState>,
    /// Jobs overdue at this time (`attention::is_overdue`: a clock a person
    /// must act on has passed).
    pub overdue_at: Option<Timestamp>,
    /// List archived jobs (S2) instead of active ones.
    pub archived: bool,
}

/// Which drives to list.
#[derive(Debug, Clone, Default)]
pub struct DriveFilter {
    pub state: Option<DriveState>,
    pub job_name: Option<String>,
}

/// Which audit events to list (`ieops audit`); every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub rule: Option<Rule>,
    /// The operator, exactly.
    pub operator: Option<String>,
    /// At or after.
    pub since: Option<Timestamp>,
    /// Before.
    pub until: Option<Timestamp>,
    /// Contained in the note or the detail, ASCII letters in any case.
    pub text: Option<String>,
    pub limit: usize,
}

/// One stored audit event (S6).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub id: i64,
    pub at: Timestamp,
    pub operator: String,
    pub job_name: Option<String>,
    pub drive_id: Option<String>,
    pub arrival_id: Option<i64>,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub rule: String,
    pub detail: Option<String>,
    pub note: Option<String>,
}

/// Counts for the pulse strip: active jobs by state and their drives by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub jobs: Vec<(JobState, u64)>,
    pub drives: Vec<(DriveState, u64)>,
}

impl Drop for Store {
    /// The command is done: its commits are durable already; now the WAL is
    /// folded into the file for the next reader.
    fn drop(&mut self) {
        let _ = self.checkpoint();
    }
}

/// The schema version this build creates, migrates to and reads.
pub fn schema_version() -> i64 {
    schema::latest_version()
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.access == Access::ReadOnly
    }

    /// Runs `f` in one IMMEDIATE transaction: everything it writes commits
    /// together, or, if it returns an error, nothing does.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.is_read_only() {
            return Err(StoreError::ReadOnly);
        }
        let normal_kib = self.cache_kib()?;
        // Every statement of a many-statement transaction (a sweep, an
        // import) keeps the pages it changes in a statement journal, to undo
        // itself alone if it fails; past 64 KiB SQLite spills that journal to
        // a temp file, which a 13,000-job sweep wrote 300 MB to. In memory it
        // holds only what one statement changes. Reads keep spilling their
        // big sorts to disk: the console's memory stays with its rows.
        let result = self
            .set_cache_kib(normal_kib.max(WRITE_CACHE_KIB))
            .and_then(|()| self.set_temp_in_memory(true))
            .and_then(|()| self.transaction(f));
        // The transaction has ended either way: a failure here leaves only a
        // bigger cache and in-memory temp files, and must not turn a commit
        // into an error.
        let _ = self.set_temp_in_memory(false);
        let _ = self.set_cache_kib(normal_kib);
        result
    }

    fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::from_sqlite)?;
        let mut writer = Writer::new(&tx);
        let value = f(&mut writer)?;
        tx.commit().map_err(StoreError::from_sqlite)?;
        Ok(value)
    }
}
