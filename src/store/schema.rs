//! The schema, as an append-only list of migrations. rusqlite_migration keeps
//! the number applied in `PRAGMA user_version`. A shipped migration never
//! changes: add a new one instead.
//!
//! Timestamps are TEXT `%Y-%m-%dT%H:%M:%SZ` (UTC), so they sort as text.
//! Enums are stored by their `as_str()` names; the CHECK lists below must
//! name every variant (a unit test inserts each one).

use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

use super::error::StoreError;

const V1: &str = r#"
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    job_type TEXT NOT NULL CHECK (job_type IN ('Import', 'Export')),
    state TEXT NOT NULL CHECK (state IN ('Creating', 'Shipping', 'Received', 'Transferring',
        'Packaging', 'Completed', 'Closed', 'Faulted')),
    faulted_from TEXT CHECK (faulted_from IS NULL OR faulted_from IN ('Creating', 'Shipping',
        'Received', 'Transferring', 'Packaging', 'Completed', 'Closed')),
    fault_reason TEXT,
    state_since TEXT NOT NULL,
    created_at TEXT NOT NULL,
    creating_clock_from TEXT NOT NULL,
    shipping_since TEXT,
    wait_until TEXT,
    notified_at TEXT,
    last_contact_at TEXT,
    last_contact_via TEXT CHECK (last_contact_via IS NULL OR last_contact_via IN ('Email', 'Phone')),
    last_contact_reached INTEGER CHECK (last_contact_reached IS NULL OR last_contact_reached IN (0, 1)),
    unreachable_since TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    ever_faulted INTEGER NOT NULL DEFAULT 0 CHECK (ever_faulted IN (0, 1)),
    return_address_invalid INTEGER NOT NULL DEFAULT 0 CHECK (return_address_invalid IN (0, 1)),
    return_problem TEXT CHECK (return_problem IS NULL OR return_problem IN ('Lost', 'Damaged')),
    storage_account_id TEXT,
    log_level TEXT,
    diagnostics_path TEXT,
    customer_note TEXT,
    delivery_carrier_name TEXT,
    delivery_tracking_number TEXT,
    delivery_drive_count INTEGER CHECK (delivery_drive_count IS NULL OR delivery_drive_count >= 0),
    delivery_ship_date TEXT,
    return_address_recipient_name TEXT,
    return_address_street_address1 TEXT,
    return_address_street_address2 TEXT,
    return_address_city TEXT,
    return_address_state_or_province TEXT,
    return_address_postal_code TEXT,
    return_address_country_or_region TEXT,
    return_address_phone TEXT,
    return_address_email TEXT,
    return_shipping_carrier_name TEXT,
    return_shipping_carrier_account_number TEXT,
    return_package_carrier_name TEXT,
    return_package_tracking_number TEXT,
    return_package_drive_count INTEGER CHECK (return_package_drive_count IS NULL OR return_package_drive_count >= 0),
    return_package_ship_date TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    -- A contact is recorded whole (when, how, reached) or not at all.
    CHECK ((last_contact_at IS NULL) = (last_contact_via IS NULL)
       AND (last_contact_at IS NULL) = (last_contact_reached IS NULL))
);
-- One active job per name; archived jobs (S2) may share a name with a later one.
-- Also lists the active jobs in name order without touching archived ones.
CREATE UNIQUE INDEX jobs_active_name ON jobs (name) WHERE archived_at IS NULL;
-- Looking a name up among archived jobs too.
CREATE INDEX jobs_name ON jobs (name);
-- Listing by state, and the overdue query (state = 'Shipping' AND wait_until <= now).
CREATE INDEX jobs_state_wait_until ON jobs (state, wait_until);
-- The archive view. Partial: active jobs, all NULL here, would only make it a
-- poor choice for the active listings.
CREATE INDEX jobs_archived_at ON jobs (archived_at) WHERE archived_at IS NOT NULL;

CREATE TABLE drives (
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    drive_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('Specified', 'Received', 'NeverReceived', 'Transferring',
        'Completed', 'CompletedMoreInfo', 'ShippedBack', 'Faulted')),
    faulted_from TEXT CHECK (faulted_from IS NULL OR faulted_from IN ('Specified', 'Received',
        'NeverReceived', 'Transferring', 'Completed', 'CompletedMoreInfo', 'ShippedBack')),
    fault_reason TEXT,
    state_since TEXT NOT NULL,
    extra INTEGER NOT NULL DEFAULT 0 CHECK (extra IN (0, 1)),
    percent_complete INTEGER NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
    bytes_succeeded INTEGER NOT NULL DEFAULT 0 CHECK (bytes_succeeded >= 0),
    copy_status TEXT,
    messages TEXT NOT NULL DEFAULT '[]',
    manifest_file TEXT,
    manifest_hash TEXT,
    drive_header_hash TEXT,
    bit_locker_key TEXT,
    error_log_uri TEXT,
    verbose_log_uri TEXT,
    destroyed_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, drive_id)
);
CREATE INDEX drives_drive_id ON drives (drive_id);
CREATE INDEX drives_state ON drives (state);

CREATE TABLE arrivals (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    carrier_name TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    job_name TEXT,
    drive_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('Held', 'Returned', 'Destroyed')),
    last_contact_at TEXT,
    last_contact_via TEXT CHECK (last_contact_via IS NULL OR last_contact_via IN ('Email', 'Phone')),
    last_contact_reached INTEGER CHECK (last_contact_reached IS NULL OR last_contact_reached IN (0, 1)),
    unreachable_since TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    CHECK ((last_contact_at IS NULL) = (last_contact_via IS NULL)
       AND (last_contact_at IS NULL) = (last_contact_reached IS NULL))
);
CREATE INDEX arrivals_status ON arrivals (status);
CREATE INDEX arrivals_job_name ON arrivals (job_name);

-- S6: AUTOINCREMENT so an id is never reused, even after a rolled-back write.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    job_id INTEGER REFERENCES jobs (id),
    job_name TEXT,
    drive_id TEXT,
    arrival_id INTEGER REFERENCES arrivals (id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    rule TEXT NOT NULL,
    detail TEXT,
    note TEXT
);
CREATE INDEX audit_job_id ON audit (job_id);
CREATE INDEX audit_arrival_id ON audit (arrival_id) WHERE arrival_id IS NOT NULL;
CREATE INDEX audit_at ON audit (at);

-- S6: the audit log is append-only, whoever holds the file.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only (S6)');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only (S6)');
END;
-- S2: deletion archives; nothing an operator did is erased.
CREATE TRIGGER jobs_no_delete BEFORE DELETE ON jobs
BEGIN
    SELECT RAISE(ABORT, 'jobs are archived, never deleted (S2)');
END;
CREATE TRIGGER drives_no_delete BEFORE DELETE ON drives
BEGIN
    SELECT RAISE(ABORT, 'drives are kept with their job, never deleted (S2)');
END;
"#;

/// Issue 4: the rest of the service's JobResponse shape, so `import` keeps
/// every field and `export` gives it back. Nested objects the rules never
/// query (tags, systemData, identity, shippingInformation, export,
/// encryptionKey) are JSON text. A state or job type the console does not
/// know is kept verbatim in `unknown_state` / `unknown_job_type`, while
/// `state` and `job_type` keep a known value, so V1's CHECK lists hold.
const V2: &str = r#"
ALTER TABLE jobs ADD COLUMN unknown_state TEXT;
ALTER TABLE jobs ADD COLUMN unknown_job_type TEXT;
ALTER TABLE jobs ADD COLUMN resource_id TEXT;
ALTER TABLE jobs ADD COLUMN resource_type TEXT;
ALTER TABLE jobs ADD COLUMN location TEXT;
ALTER TABLE jobs ADD COLUMN tags TEXT CHECK (tags IS NULL OR json_valid(tags));
ALTER TABLE jobs ADD COLUMN system_data TEXT CHECK (system_data IS NULL OR json_valid(system_data));
ALTER TABLE jobs ADD COLUMN identity TEXT CHECK (identity IS NULL OR json_valid(identity));
ALTER TABLE jobs ADD COLUMN provisioning_state TEXT;
ALTER TABLE jobs ADD COLUMN incomplete_blob_list_uri TEXT;
ALTER TABLE jobs ADD COLUMN backup_drive_manifest INTEGER
    CHECK (backup_drive_manifest IS NULL OR backup_drive_manifest IN (0, 1));
ALTER TABLE jobs ADD COLUMN reported_percent_complete INTEGER
    CHECK (reported_percent_complete IS NULL OR reported_percent_complete BETWEEN 0 AND 100);
ALTER TABLE jobs ADD COLUMN shipping_information TEXT
    CHECK (shipping_information IS NULL OR json_valid(shipping_information));
ALTER TABLE jobs ADD COLUMN export_spec TEXT CHECK (export_spec IS NULL OR json_valid(export_spec));
ALTER TABLE jobs ADD COLUMN encryption_key TEXT CHECK (encryption_key IS NULL OR json_valid(encryption_key));
ALTER TABLE jobs ADD COLUMN anomaly_at TEXT;
ALTER TABLE jobs ADD COLUMN anomaly_rule TEXT;
-- An anomaly is recorded whole (when, rule, what) or not at all.
ALTER TABLE jobs ADD COLUMN anomaly_what TEXT
    CHECK ((anomaly_what IS NULL) = (anomaly_at IS NULL) AND (anomaly_what IS NULL) = (anomaly_rule IS NULL));
ALTER TABLE drives ADD COLUMN manifest_uri TEXT;
-- An import finds a job again by its resource id: one active job per id.
CREATE UNIQUE INDEX jobs_active_resource_id ON jobs (resource_id)
    WHERE archived_at IS NULL AND resource_id IS NOT NULL;
CREATE INDEX jobs_resource_id ON jobs (resource_id) WHERE resource_id IS NOT NULL;
"#;

/// Issue 5: counts and the attention pre-selection from indexes alone, so the
/// console's first frame does not scan a hundred thousand jobs. A drive
/// carries whether its job is active (kept by a trigger when a job is
/// archived, S2), so drives of active jobs are counted without a join.
const V3: &str = r#"
ALTER TABLE drives ADD COLUMN job_active INTEGER NOT NULL DEFAULT 1 CHECK (job_active IN (0, 1));
UPDATE drives SET job_active = 0 WHERE job_id IN (SELECT id FROM jobs WHERE archived_at IS NOT NULL);
CREATE TRIGGER jobs_archived_drives AFTER UPDATE OF archived_at ON jobs
BEGIN
    UPDATE drives SET job_active = (NEW.archived_at IS NULL) WHERE job_id = NEW.id;
END;
CREATE INDEX jobs_active_state ON jobs (state, wait_until) WHERE archived_at IS NULL;
CREATE INDEX drives_active_state ON drives (state) WHERE job_active = 1;
CREATE INDEX drives_extra ON drives (job_id) WHERE extra = 1;
CREATE INDEX jobs_flagged ON jobs (id) WHERE archived_at IS NULL AND (return_problem IS NOT NULL
    OR unknown_state IS NOT NULL OR unknown_job_type IS NOT NULL OR anomaly_at IS NOT NULL);
"#;

/// Issue 5: V3's trigger ran on every job update that named `archived_at`,
/// rewriting each drive's `job_active` (and its index entry) to the same
/// value; now only when a job is archived or restored.
const V4: &str = r#"
DROP TRIGGER jobs_archived_drives;
CREATE TRIGGER jobs_archived_drives AFTER UPDATE OF archived_at ON jobs
WHEN (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL)
BEGIN
    UPDATE drives SET job_active = (NEW.archived_at IS NULL) WHERE job_id = NEW.id;
END;
"#;

/// Issue 5: the attention queue's pre-selection (`Store::attention_candidates`)
/// from indexes alone, without reading the row of every Creating, Shipping,
/// Transferring and Packaging job before the console's first frame. The
/// queries name these indexes (INDEXED BY), so a condition that drifts from
/// the index's fails loudly instead of scanning.
const V5: &str = r#"
CREATE INDEX jobs_creating_clock ON jobs (creating_clock_from)
    WHERE archived_at IS NULL AND state = 'Creating';
CREATE INDEX jobs_shipping_contacted ON jobs (id)
    WHERE archived_at IS NULL AND state = 'Shipping' AND (notified_at IS NOT NULL OR unreachable_since IS NOT NULL);
CREATE INDEX jobs_return_address_problem ON jobs (id)
    WHERE archived_at IS NULL AND state IN ('Transferring', 'Packaging') AND (return_address_invalid = 1
        OR trim(coalesce(return_address_recipient_name, '')) = ''
        OR trim(coalesce(return_address_street_address1, '')) = ''
        OR trim(coalesce(return_address_city, '')) = ''
        OR trim(coalesce(return_address_postal_code, '')) = ''
        OR trim(coalesce(return_address_country_or_region, '')) = ''
        OR trim(coalesce(return_address_phone, '')) = '');
"#;

/// Issue 5: the sweep's candidates (`Store::sweep_candidates`) from indexes
/// alone. Its Shipping and Completed/Closed arms went through
/// `jobs_state_wait_until` and read the row of every job in those states,
/// archived ones included (78,000 in the 100,000-job demo), in index order:
/// some 100,000 page reads before the sweep decided anything. With V5's
/// `jobs_creating_clock`, each arm is now a range of a small partial index
/// that holds the clock's column, and the queries name it (INDEXED BY).
const V6: &str = r#"
CREATE INDEX jobs_shipping_since ON jobs (shipping_since)
    WHERE archived_at IS NULL AND state = 'Shipping';
CREATE INDEX jobs_retention_since ON jobs (state_since)
    WHERE archived_at IS NULL AND state IN ('Completed', 'Closed');
"#;

/// Issue 12 (rules v2): S10's released arrivals, S11's failed return
/// attempts and S12's late drives. An arrival's status CHECK list gains
/// `Released`; SQLite cannot change a CHECK in place, so the table is rebuilt.
/// The audit log references arrivals by id: the check of those references is
/// deferred to the commit, by which time the rebuilt table holds every id.
const V7: &str = r#"
PRAGMA defer_foreign_keys = ON;
CREATE TABLE arrivals_v7 (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    carrier_name TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    job_name TEXT,
    drive_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('Held', 'Released', 'Returned', 'Destroyed')),
    last_contact_at TEXT,
    last_contact_via TEXT CHECK (last_contact_via IS NULL OR last_contact_via IN ('Email', 'Phone')),
    last_contact_reached INTEGER CHECK (last_contact_reached IS NULL OR last_contact_reached IN (0, 1)),
    unreachable_since TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    return_failed_at TEXT,
    CHECK ((last_contact_at IS NULL) = (last_contact_via IS NULL)
       AND (last_contact_at IS NULL) = (last_contact_reached IS NULL))
);
INSERT INTO arrivals_v7 (id, recorded_at, recorded_by, carrier_name, tracking_number, job_name,
    drive_ids, status, last_contact_at, last_contact_via, last_contact_reached, unreachable_since, version)
SELECT id, recorded_at, recorded_by, carrier_name, tracking_number, job_name,
    drive_ids, status, last_contact_at, last_contact_via, last_contact_reached, unreachable_since, version
FROM arrivals;
DROP TABLE arrivals;
ALTER TABLE arrivals_v7 RENAME TO arrivals;
CREATE INDEX arrivals_status ON arrivals (status);
CREATE INDEX arrivals_job_name ON arrivals (job_name);
ALTER TABLE jobs ADD COLUMN return_failed_at TEXT;
ALTER TABLE drives ADD COLUMN late_in_packaging INTEGER NOT NULL DEFAULT 0
    CHECK (late_in_packaging IN (0, 1));
"#;

/// Issue 13: P1, undoing a receipt recorded by mistake: the state a drive was
/// received from, and when a drive that should never have been recorded was
/// taken back (kept, S2); and the package each drive went back in, so two
/// return shipments keep both carriers and tracking numbers.
const V8: &str = r#"
ALTER TABLE drives ADD COLUMN received_from TEXT
    CHECK (received_from IS NULL OR received_from IN ('Specified', 'NeverReceived'));
ALTER TABLE drives ADD COLUMN voided_at TEXT;
ALTER TABLE drives ADD COLUMN return_package TEXT
    CHECK (return_package IS NULL OR json_valid(return_package));
-- Issue 12: how the service wrote an imported job (spellings, left-out
-- fields, shipDate texts), so an export gives back what was read.
ALTER TABLE jobs ADD COLUMN wire TEXT CHECK (wire IS NULL OR json_valid(wire));
"#;

const MIGRATIONS: &[M<'static>] =
    &[M::up(V1), M::up(V2), M::up(V3), M::up(V4), M::up(V5), M::up(V6), M::up(V7), M::up(V8)];

/// The schema version this build writes and reads.
pub(super) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// `PRAGMA user_version`, read without writing.
pub(super) fn stored_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Brings the schema up to date. Another process may be migrating the same
/// fresh file at the same moment: its migration wins, ours then fails on
/// "table exists", and the file is at the latest version either way.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // IMMEDIATE: take the write lock up front instead of failing to upgrade a
    // read lock when another process migrates concurrently.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    let result = Migrations::from_slice(MIGRATIONS).to_latest(conn);
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    match result {
        Ok(()) => Ok(()),
        Err(_) if stored_version(conn)? == latest_version() => Ok(()),
        Err(rusqlite_migration::Error::RusqliteError { err, .. }) => Err(err.into()),
        Err(other) => Err(StoreError::Sqlite(format!("the schema could not be brought up to date: {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::state::{ContactVia, ReturnProblem};
    use crate::domain::{ArrivalStatus, DriveState, JobState, JobType};

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn
    }

    /// Inserts a minimal job row with `column` set to `value`.
    fn insert_job(conn: &Connection, name: &str, column: &str, value: &str) -> rusqlite::Result<usize> {
        let mut row = vec![
            ("name", name),
            ("job_type", "Import"),
            ("state", "Creating"),
            ("state_since", "t"),
            ("created_at", "t"),
            ("creating_clock_from", "t"),
        ];
        match row.iter_mut().find(|(c, _)| *c == column) {
            Some(cell) => cell.1 = value,
            None => row.push((column, value)),
        }
        let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO jobs ({}) VALUES ({})", columns.join(", "), marks.join(", "));
        conn.execute(&sql, rusqlite::params_from_iter(row.iter().map(|(_, v)| *v)))
    }

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }

    #[test]
    fn check_lists_accept_every_enum_name_and_nothing_else() {
        let conn = migrated();
        let mut n = 0;
        let mut accept = |column: &str, value: &str| {
            n += 1;
            insert_job(&conn, &format!("j{n}"), column, value)
                .unwrap_or_else(|e| panic!("{column}={value} refused: {e}"));
        };
        for s in JobState::ALL {
            accept("state", s.as_str());
        }
        for s in JobState::ALL.iter().filter(|s| **s != JobState::Faulted) {
            accept("faulted_from", s.as_str());
        }
        for t in JobType::ALL {
            accept("job_type", t.as_str());
        }
        for p in ReturnProblem::ALL {
            accept("return_problem", p.as_str());
        }
        for bad in [("state", "Shipped"), ("faulted_from", "Faulted"), ("job_type", "import")] {
            assert!(insert_job(&conn, "bad", bad.0, bad.1).is_err(), "{bad:?} accepted");
        }
        conn.execute(
            "INSERT INTO jobs (id, name, job_type, state, state_since, created_at, creating_clock_from)
             VALUES (1000, 'drives', 'Import', 'Creating', 't', 't', 't')",
            [],
        )
        .unwrap();
        let drive = |id: &str, state: &str, from: Option<&str>| {
            conn.execute(
                "INSERT INTO drives (job_id, drive_id, state, faulted_from, state_since) VALUES (1000, ?1, ?2, ?3, 't')",
                rusqlite::params![id, state, from],
            )
        };
        for (i, s) in DriveState::ALL.iter().enumerate() {
            let from = (*s != DriveState::Faulted).then_some(s.as_str());
            drive(&format!("d{i}"), s.as_str(), from).unwrap();
        }
        assert!(drive("bad", "Lost", None).is_err());
        assert!(drive("bad", "Faulted", Some("Faulted")).is_err());
        for (i, s) in ArrivalStatus::ALL.iter().enumerate() {
            for via in ContactVia::ALL {
                conn.execute(
                    "INSERT INTO arrivals (recorded_at, recorded_by, carrier_name, tracking_number, status,
                         last_contact_at, last_contact_via, last_contact_reached)
                     VALUES ('t', 'op', 'c', ?1, ?2, 't', ?3, 1)",
                    rusqlite::params![format!("t{i}"), s.as_str(), via.as_str()],
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn v2_migrates_a_v1_database_with_data_and_keeps_the_state_check() {
        let mut conn = Connection::open_in_memory().unwrap();
        Migrations::from_slice(&MIGRATIONS[..1]).to_latest(&mut conn).unwrap();
        insert_job(&conn, "old-job", "fault_reason", "x").unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(stored_version(&conn).unwrap(), latest_version());
        let (state, unknown): (String, Option<String>) = conn
            .query_row("SELECT state, unknown_state FROM jobs WHERE name = 'old-job'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((state.as_str(), unknown), ("Creating", None));
        // An unknown state is kept beside a known one; the CHECK on `state` still refuses it.
        insert_job(&conn, "odd", "unknown_state", "Sleeping").unwrap();
        assert!(insert_job(&conn, "odd2", "state", "Sleeping").is_err());
        assert!(insert_job(&conn, "bad-json", "tags", "{not json").is_err());
        assert!(insert_job(&conn, "half-anomaly", "anomaly_what", "jumped").is_err());
        assert!(insert_job(&conn, "bad-percent", "reported_percent_complete", "101").is_err());
    }

    #[test]
    fn s2_jobs_and_drives_cannot_be_deleted() {
        let conn = migrated();
        insert_job(&conn, "keep", "fault_reason", "x").unwrap();
        let err = conn.execute("DELETE FROM jobs", []).unwrap_err();
        assert!(err.to_string().contains("never deleted (S2)"), "{err}");
    }
}
