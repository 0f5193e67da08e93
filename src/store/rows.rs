//! Rows ⇄ domain values, for every table, in one place. The column lists fix
//! the order in which values are written (`*_values`) and read back
//! (`*_from_row`), so reads and writes cannot drift apart. Nothing read from
//! the file is trusted: a value that does not parse becomes `Corrupt`.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Timelike};
use rusqlite::Row;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use super::AuditRecord;
use super::error::StoreError;
use crate::domain::model::{Address, Anomaly, Contact, CopyMessage, Package, ReturnShipping};
use crate::domain::{Arrival, Drive, Event, Job, Rule, Timestamp};

/// Fixed width, UTC, so stored times sort and compare as text.
pub(crate) const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// `TIMESTAMP_FORMAT`, written digit by digit: this runs for every stored
/// time (some 3.5 million in the 100,000-job demo), and both chrono's `format`
/// and `write!` cost several times more.
pub(crate) fn format_ts(t: &Timestamp) -> String {
    if !(0..=9999).contains(&t.year()) {
        // Not fixed-width; the encoders refuse to store such a time, so this
        // only serves comparisons (e.g. an overdue cut-off far away).
        return t.format(TIMESTAMP_FORMAT).to_string();
    }
    let mut out = *b"0000-00-00T00:00:00Z";
    let fields = [
        (0, 4, t.year().unsigned_abs()),
        (5, 2, t.month()),
        (8, 2, t.day()),
        (11, 2, t.hour()),
        (14, 2, t.minute()),
        (17, 2, t.second()),
    ];
    for (at, width, mut n) in fields {
        for digit in out[at..at + width].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Reads exactly `TIMESTAMP_FORMAT` (`2026-11-22T14:30:05Z`); anything else is `None`.
pub(crate) fn parse_ts(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if !shape_ok {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?;
    let time = date.and_hms_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?)?;
    Some(time.and_utc())
}

// ------------------------------------------------------------------ columns

/// Job columns besides `id` and `version`, in the order of `job_values` and `job_from_row`.
const JOB_DATA: &[&str] = &[
    "name",
    "job_type",
    "state",
    "faulted_from",
    "fault_reason",
    "state_since",
    "created_at",
    "creating_clock_from",
    "shipping_since",
    "wait_until",
    "notified_at",
    "last_contact_at",
    "last_contact_via",
    "last_contact_reached",
    "unreachable_since",
    "cancel_requested",
    "ever_faulted",
    "return_address_invalid",
    "return_problem",
    "storage_account_id",
    "log_level",
    "diagnostics_path",
    "customer_note",
    "delivery_carrier_name",
    "delivery_tracking_number",
    "delivery_drive_count",
    "delivery_ship_date",
    "return_address_recipient_name",
    "return_address_street_address1",
    "return_address_street_address2",
    "return_address_city",
    "return_address_state_or_province",
    "return_address_postal_code",
    "return_address_country_or_region",
    "return_address_phone",
    "return_address_email",
    "return_shipping_carrier_name",
    "return_shipping_carrier_account_number",
    "return_package_carrier_name",
    "return_package_tracking_number",
    "return_package_drive_count",
    "return_package_ship_date",
    "archived_at",
    // V2 (issue 4): the rest of the service's JobResponse.
    "unknown_state",
    "unknown_job_type",
    "resource_id",
    "resource_type",
    "location",
    "tags",
    "system_data",
    "identity",
    "provisioning_state",
    "incomplete_blob_list_uri",
    "backup_drive_manifest",
    "reported_percent_complete",
    "shipping_information",
    "export_spec",
    "encryption_key",
    "anomaly_at",
    "anomaly_rule",
    "anomaly_what",
    // V7 (issue 12): S11's failed return attempt.
    "return_failed_at",
    // V8 (issue 12): how the service wrote the job.
    "wire",
];

/// Drive columns besides `job_id`, `drive_id` and `version`.
const DRIVE_DATA: &[&str] = &[
    "state",
    "faulted_from",
    "fault_reason",
    "state_since",
    "extra",
    "percent_complete",
    "bytes_succeeded",
    "copy_status",
    "messages",
    "manifest_file",
    "manifest_hash",
    "drive_header_hash",
    "bit_locker_key",
    "error_log_uri",
    "verbose_log_uri",
    "destroyed_at",
    "manifest_uri",
    // V7 (issue 12): S12's late drive.
    "late_in_packaging",
    // V8 (issue 13): P1, a receipt recorded by mistake undone.
    "received_from",
    "voided_at",
    "return_package",
];

/// Arrival columns besides `id` and `version`.
const ARRIVAL_DATA: &[&str] = &[
    "recorded_at",
    "recorded_by",
    "carrier_name",
    "tracking_number",
    "job_name",
    "drive_ids",
    "status",
    "last_contact_at",
    "last_contact_via",
    "last_contact_reached",
    "unreachable_since",
    // V7 (issue 12): S11's failed return attempt.
    "return_failed_at",
];

/// Audit columns as read into `AuditRecord` (the table also has `job_id`).
const AUDIT_READ: &[&str] = &[
    "id",
    "at",
    "operator",
    "job_name",
    "drive_id",
    "arrival_id",
    "action",
    "from_state",
    "to_state",
    "rule",
    "detail",
    "note",
];

/// Audit columns as written by `event_values`.
const AUDIT_WRITE: &[&str] = &[
    "at",
    "operator",
    "job_id",
    "job_name",
    "drive_id",
    "arrival_id",
    "action",
    "from_state",
    "to_state",
    "rule",
    "detail",
    "note",
];

fn prefixed(alias: &str, columns: &[&str]) -> String {
    columns.iter().map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

fn insert_sql(table: &str, columns: &[&str]) -> String {
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "))
}

/// `SELECT` list of a job row, table alias `j`.
pub(super) static JOB_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("j.id, {}, j.version", prefixed("j", JOB_DATA)));

/// `SELECT` list of a drive row, table alias `d`.
pub(super) static DRIVE_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("d.drive_id, {}, d.version", prefixed("d", DRIVE_DATA)));

/// `SELECT` list of an arrival row, table alias `a`.
pub(super) static ARRIVAL_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("a.id, {}, a.version", prefixed("a", ARRIVAL_DATA)));

/// `SELECT` list of an audit row, table alias `e`.
pub(super) static AUDIT_SELECT: LazyLock<String> = LazyLock::new(|| prefixed("e", AUDIT_READ));

/// Parameters: `job_values`, then the version.
pub(super) static JOB_INSERT: LazyLock<String> =
    LazyLock::new(|| insert_sql("jobs", &[JOB_DATA, &["version"]].concat()));

/// Parameters: job id, drive id, `drive_values`, then the version.
pub(super) static DRIVE_INSERT: LazyLock<String> =
    LazyLock::new(|| insert_sql("drives", &[&["job_id", "drive_id"], DRIVE_DATA, &["version"]].concat()));

/// Parameters: `arrival_values`, then the version.
pub(super) static ARRIVAL_INSERT: LazyLock<String> =
    LazyLock::new(|| insert_sql("arrivals", &[ARRIVAL_DATA, &["version"]].concat()));

/// Parameters: `event_values`.
pub(super) static AUDIT_INSERT: LazyLock<String> = LazyLock::new(|| insert_sql("audit", AUDIT_WRITE));

/// A table whose rows are updated in place, with its data columns in the
/// order of its `*_values` function.
#[derive(Debug, Clone, Copy)]
pub(super) enum Updated {
    Jobs,
    Drives,
    Arrivals,
}

impl Updated {
    fn table(self) -> &'static str {
        match self {
            Updated::Jobs => "jobs",
            Updated::Drives => "drives",
            Updated::Arrivals => "arrivals",
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Updated::Jobs => JOB_DATA,
            Updated::Drives => DRIVE_DATA,
            Updated::Arrivals => ARRIVAL_DATA,
        }
    }

    /// The `UPDATE` of one row (chosen by `key`) that sets only the columns
    /// whose new value differs from the stored one, and bumps the version,
    /// with its parameters. SQLite rewrites every index entry and runs every
    /// `UPDATE OF` trigger that covers a column named in SET, even when the
    /// value is the same: a sweep closing 13,000 jobs would otherwise rewrite
    /// all their indexes.
    pub(super) fn changed(
        self,
        stored: &[Value],
        new: Vec<Value>,
        key: [(&str, Value); 2],
    ) -> (String, Vec<Value>) {
        let mut sets = Vec::new();
        let mut params = Vec::new();
        for ((column, old), value) in self.columns().iter().zip(stored).zip(new) {
            if *old != value {
                params.push(value);
                sets.push(format!("{column} = ?{}", params.len()));
            }
        }
        sets.push("version = version + 1".to_string());
        let mut wheres = Vec::new();
        for (column, value) in key {
            params.push(value);
            wheres.push(format!("{column} = ?{}", params.len()));
        }
        (format!("UPDATE {} SET {} WHERE {}", self.table(), sets.join(", "), wheres.join(" AND ")), params)
    }
}

// ------------------------------------------------------------------ writing

pub(super) fn text(value: &str) -> Value {
    Value::Text(value.to_string())
}

fn opt_text(value: &Option<String>) -> Value {
    value.as_deref().map_or(Value::Null, text)
}

/// Times outside years 0–9999 would not keep the fixed width that makes
/// stored times sort, and could not be read back: refused before writing.
fn ts(value: &Timestamp) -> Result<Value, StoreError> {
    if !(0..=9999).contains(&value.year()) {
        return Err(StoreError::Sqlite(format!(
            "the time {value} is outside the years 0 to 9999; nothing was written — check the dates given"
        )));
    }
    Ok(Value::Text(format_ts(value)))
}

fn opt_ts(value: &Option<Timestamp>) -> Result<Value, StoreError> {
    value.as_ref().map_or(Ok(Value::Null), ts)
}

fn flag(value: bool) -> Value {
    Value::Integer(i64::from(value))
}

fn opt_count(value: Option<u32>) -> Value {
    value.map_or(Value::Null, |n| Value::Integer(i64::from(n)))
}

fn opt_id(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

/// A nested value the rules never query, as JSON text.
fn opt_json<T: serde::Serialize>(value: &Option<T>, what: &str) -> Result<Value, StoreError> {
    match value {
        None => Ok(Value::Null),
        Some(v) => serde_json::to_string(v)
            .map(Value::Text)
            .map_err(|e| StoreError::Sqlite(format!("{what} cannot be stored: {e}"))),
    }
}

fn contact(value: &Option<Contact>) -> Result<[Value; 3], StoreError> {
    Ok(match value {
        Some(c) => [ts(&c.at)?, text(c.via.as_str()), flag(c.reached)],
        None => [Value::Null, Value::Null, Value::Null],
    })
}

fn package(p: &Package) -> Result<[Value; 4], StoreError> {
    Ok([
        opt_text(&p.carrier_name),
        opt_text(&p.tracking_number),
        opt_count(p.drive_count),
        opt_ts(&p.ship_date)?,
    ])
}

/// The values of `JOB_DATA`, in its order.
pub(super) fn job_values(job: &Job) -> Result<Vec<Value>, StoreError> {
    let mut v = vec![
        text(&job.name),
        text(job.job_type.as_str()),
        text(job.state.as_str()),
        job.faulted_from.map_or(Value::Null, |s| text(s.as_str())),
        opt_text(&job.fault_reason),
        ts(&job.state_since)?,
        ts(&job.created_at)?,
        ts(&job.creating_clock_from)?,
        opt_ts(&job.shipping_since)?,
        opt_ts(&job.wait_until)?,
        opt_ts(&job.notified_at)?,
    ];
    v.extend(contact(&job.last_contact)?);
    v.extend([
        opt_ts(&job.unreachable_since)?,
        flag(job.cancel_requested),
        flag(job.ever_faulted),
        flag(job.return_address_invalid),
        job.return_problem.map_or(Value::Null, |p| text(p.as_str())),
        opt_text(&job.storage_account_id),
        opt_text(&job.log_level),
        opt_text(&job.diagnostics_path),
        opt_text(&job.customer_note),
    ]);
    v.extend(package(&job.delivery_package)?);
    let a = &job.return_address;
    v.extend(
        [
            &a.recipient_name,
            &a.street_address1,
            &a.street_address2,
            &a.city,
            &a.state_or_province,
            &a.postal_code,
            &a.country_or_region,
            &a.phone,
            &a.email,
        ]
        .map(opt_text),
    );
    v.extend([
        opt_text(&job.return_shipping.carrier_name),
        opt_text(&job.return_shipping.carrier_account_number),
    ]);
    v.extend(package(&job.return_package)?);
    v.push(opt_ts(&job.archived_at)?);
    v.extend([
        opt_text(&job.unknown_state),
        opt_text(&job.unknown_job_type),
        opt_text(&job.resource_id),
        opt_text(&job.resource_type),
        opt_text(&job.location),
        opt_json(&job.tags, "tags")?,
        opt_json(&job.system_data, "systemData")?,
        opt_json(&job.identity, "identity")?,
        opt_text(&job.provisioning_state),
        opt_text(&job.incomplete_blob_list_uri),
        job.backup_drive_manifest.map_or(Value::Null, flag),
        job.reported_percent_complete.map_or(Value::Null, |p| Value::Integer(i64::from(p))),
        opt_json(&job.shipping_information, "shippingInformation")?,
        opt_json(&job.export, "export")?,
        opt_json(&job.encryption_key, "encryptionKey")?,
    ]);
    match &job.import_anomaly {
        Some(a) => v.extend([ts(&a.at)?, text(a.rule.id()), text(&a.what)]),
        None => v.extend([Value::Null, Value::Null, Value::Null]),
    }
    v.push(opt_ts(&job.return_failed_at)?);
    v.push(opt_json(&job.wire, "the service's wire facts")?);
    debug_assert_eq!(v.len(), JOB_DATA.len());
    Ok(v)
}

/// The values of `DRIVE_DATA`, in its order.
pub(super) fn drive_values(drive: &Drive) -> Result<Vec<Value>, StoreError> {
    let bytes = i64::try_from(drive.bytes_succeeded).map_err(|_| {
        StoreError::Sqlite(format!(
            "drive {}: {} bytes succeeded is more than the database can hold; nothing was written",
            drive.drive_id, drive.bytes_succeeded
        ))
    })?;
    let messages = serde_json::to_string(&drive.messages).map_err(|e| {
        StoreError::Sqlite(format!("drive {}: messages cannot be stored: {e}", drive.drive_id))
    })?;
    let v = vec![
        text(drive.state.as_str()),
        drive.faulted_from.map_or(Value::Null, |s| text(s.as_str())),
        opt_text(&drive.fault_reason),
        ts(&drive.state_since)?,
        flag(drive.extra),
        Value::Integer(i64::from(drive.percent_complete)),
        Value::Integer(bytes),
        opt_text(&drive.copy_status),
        Value::Text(messages),
        opt_text(&drive.manifest_file),
        opt_text(&drive.manifest_hash),
        opt_text(&drive.drive_header_hash),
        opt_text(&drive.bit_locker_key),
        opt_text(&drive.error_log_uri),
        opt_text(&drive.verbose_log_uri),
        opt_ts(&drive.destroyed_at)?,
        opt_text(&drive.manifest_uri),
        flag(drive.late_in_packaging),
        drive.received_from.map_or(Value::Null, |s| text(s.as_str())),
        opt_ts(&drive.voided_at)?,
        opt_json(&drive.return_package, "returnPackage")?,
    ];
    debug_assert_eq!(v.len(), DRIVE_DATA.len());
    Ok(v)
}

/// The values of `ARRIVAL_DATA`, in its order.
pub(super) fn arrival_values(arrival: &Arrival) -> Result<Vec<Value>, StoreError> {
    let drive_ids = serde_json::to_string(&arrival.drive_ids)
        .map_err(|e| StoreError::Sqlite(format!("the arrival's drive ids cannot be stored: {e}")))?;
    let mut v = vec![
        ts(&arrival.recorded_at)?,
        text(&arrival.recorded_by),
        text(&arrival.carrier_name),
        text(&arrival.tracking_number),
        opt_text(&arrival.job_name),
        Value::Text(drive_ids),
        text(arrival.status.as_str()),
    ];
    v.extend(contact(&arrival.last_contact)?);
    v.push(opt_ts(&arrival.unreachable_since)?);
    v.push(opt_ts(&arrival.return_failed_at)?);
    debug_assert_eq!(v.len(), ARRIVAL_DATA.len());
    Ok(v)
}

/// Where an event is filed: its job and/or arrival.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct EventTarget<'a> {
    pub job_id: Option<i64>,
    pub job_name: Option<&'a str>,
    pub arrival_id: Option<i64>,
}

/// The values of `AUDIT_WRITE`, in its order, borrowed from the event where
/// they can be: the audit log is the most written table (2.4 million rows in
/// the 100,000-job demo), and a copy of every text of every row showed in
/// the demo's time.
pub(super) fn event_values<'a>(
    event: &'a Event,
    target: EventTarget<'a>,
) -> Result<[ToSqlOutput<'a>; 12], StoreError> {
    let borrowed = |value: &'a str| ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes()));
    let opt_borrowed = |value: Option<&'a str>| value.map_or(ToSqlOutput::Owned(Value::Null), borrowed);
    Ok([
        ToSqlOutput::Owned(ts(&event.at)?),
        borrowed(&event.operator),
        ToSqlOutput::Owned(opt_id(target.job_id)),
        opt_borrowed(target.job_name),
        opt_borrowed(event.drive_id.as_deref()),
        ToSqlOutput::Owned(opt_id(target.arrival_id)),
        borrowed(&event.action),
        borrowed(&event.from_state),
        borrowed(&event.to_state),
        borrowed(event.rule.id()),
        opt_borrowed(event.detail.as_deref()),
        opt_borrowed(event.note.as_deref()),
    ])
}

// ------------------------------------------------------------------ reading

/// Reads a row's columns in order, naming the column and row in any error.
struct Cursor<'r, 's> {
    row: &'r Row<'s>,
    table: &'static str,
    /// Which row, for error messages ("job 12").
    key: String,
    next: usize,
}

impl<'r, 's> Cursor<'r, 's> {
    fn new(row: &'r Row<'s>, table: &'static str, start: usize) -> Cursor<'r, 's> {
        Cursor { row, table, key: String::new(), next: start }
    }

    fn corrupt(&self, index: usize, problem: impl std::fmt::Display) -> StoreError {
        let column = self.row.as_ref().column_name(index).unwrap_or("a column").to_string();
        let of = if self.key.is_empty() { String::new() } else { format!(" of {}", self.key) };
        StoreError::Corrupt { what: format!("{}.{column}{of} {problem}", self.table) }
    }

    fn take(&mut self) -> Result<(usize, ValueRef<'r>), StoreError> {
        let index = self.next;
        self.next += 1;
        Ok((index, self.row.get_ref(index)?))
    }

    fn opt_text(&mut self) -> Result<Option<String>, StoreError> {
        match self.take()? {
            (_, ValueRef::Null) => Ok(None),
            (i, ValueRef::Text(bytes)) => std::str::from_utf8(bytes)
                .map(|s| Some(s.to_string()))
                .map_err(|_| self.corrupt(i, "is not UTF-8 text")),
            (i, other) => Err(self.corrupt(i, format!("holds {}, not text", other.data_type()))),
        }
    }

    fn text(&mut self) -> Result<String, StoreError> {
        let index = self.next;
        self.opt_text()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    fn opt_int(&mut self) -> Result<Option<i64>, StoreError> {
        match self.take()? {
            (_, ValueRef::Null) => Ok(None),
            (_, ValueRef::Integer(n)) => Ok(Some(n)),
            (i, other) => Err(self.corrupt(i, format!("holds {}, not an integer", other.data_type()))),
        }
    }

    fn int(&mut self) -> Result<i64, StoreError> {
        let index = self.next;
        self.opt_int()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    /// An integer that must fit `T` (a count, a percentage, a byte total).
    fn opt_num<T: TryFrom<i64>>(&mut self) -> Result<Option<T>, StoreError> {
        let index = self.next;
        match self.opt_int()? {
            None => Ok(None),
            Some(n) => {
                T::try_from(n).map(Some).map_err(|_| self.corrupt(index, format!("{n} is out of range")))
            }
        }
    }

    fn num<T: TryFrom<i64>>(&mut self) -> Result<T, StoreError> {
        let index = self.next;
        self.opt_num()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    fn opt_flag(&mut self) -> Result<Option<bool>, StoreError> {
        let index = self.next;
        match self.opt_int()? {
            None => Ok(None),
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            Some(n) => Err(self.corrupt(index, format!("{n} is not 0 or 1"))),
        }
    }

    fn flag(&mut self) -> Result<bool, StoreError> {
        let index = self.next;
        self.opt_flag()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    /// Text that must parse; `what` names what it should be, for the message.
    fn opt_parsed<T>(
        &mut self,
        what: impl FnOnce() -> String,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        let index = self.next;
        match self.opt_text()? {
            None => Ok(None),
            Some(s) => {
                parse(&s).map(Some).ok_or_else(|| self.corrupt(index, format!("'{s}' is not {}", what())))
            }
        }
    }

    fn opt_ts(&mut self) -> Result<Option<Timestamp>, StoreError> {
        self.opt_parsed(|| "a time like 2026-11-22T14:30:00Z".to_string(), parse_ts)
    }

    fn ts(&mut self) -> Result<Timestamp, StoreError> {
        let index = self.next;
        self.opt_ts()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    /// A state-like enum stored by its `as_str()` name.
    fn opt_name<T: FromStr>(&mut self) -> Result<Option<T>, StoreError> {
        let what = || {
            let type_name = std::any::type_name::<T>();
            format!("a {}", type_name.rsplit("::").next().unwrap_or(type_name))
        };
        self.opt_parsed(what, |s| s.parse().ok())
    }

    fn name<T: FromStr>(&mut self) -> Result<T, StoreError> {
        let index = self.next;
        self.opt_name()?.ok_or_else(|| self.corrupt(index, "is empty (NULL)"))
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<T, StoreError> {
        let index = self.next;
        let text = self.text()?;
        serde_json::from_str(&text).map_err(|e| self.corrupt(index, format!("is not {what} ({e})")))
    }

    fn opt_json<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<Option<T>, StoreError> {
        let index = self.next;
        match self.opt_text()? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| self.corrupt(index, format!("is not {what} ({e})"))),
        }
    }

    /// The three `anomaly_*` columns: all set or all empty.
    fn anomaly(&mut self) -> Result<Option<Anomaly>, StoreError> {
        let index = self.next;
        let at = self.opt_ts()?;
        let rule = self.opt_name::<Rule>()?;
        let what = self.opt_text()?;
        match (at, rule, what) {
            (Some(at), Some(rule), Some(what)) => Ok(Some(Anomaly { at, rule, what })),
            (None, None, None) => Ok(None),
            _ => Err(self.corrupt(index, "is only partly recorded (at, rule, what)")),
        }
    }

    /// The three `last_contact_*` columns: all set or all empty.
    fn contact(&mut self) -> Result<Option<Contact>, StoreError> {
        let index = self.next;
        let at = self.opt_ts()?;
        let via = self.opt_name()?;
        let reached = self.opt_flag()?;
        match (at, via, reached) {
            (Some(at), Some(via), Some(reached)) => Ok(Some(Contact { at, via, reached })),
            (None, None, None) => Ok(None),
            _ => Err(self.corrupt(index, "is only partly recorded (at, via, reached)")),
        }
    }

    fn package(&mut self) -> Result<Package, StoreError> {
        Ok(Package {
            carrier_name: self.opt_text()?,
            tracking_number: self.opt_text()?,
            drive_count: self.opt_num()?,
            ship_date: self.opt_ts()?,
        })
    }
}

/// A row of `JOB_SELECT`; its drives are loaded separately.
pub(super) fn job_from_row(row: &Row) -> Result<Job, StoreError> {
    let mut c = Cursor::new(row, "jobs", 0);
    let id = c.int()?;
    c.key = format!("job {id}");
    // Fields are evaluated in the order written, which is the order of JOB_DATA.
    Ok(Job {
        id: Some(id),
        name: c.text()?,
        job_type: c.name()?,
        state: c.name()?,
        faulted_from: c.opt_name()?,
        fault_reason: c.opt_text()?,
        state_since: c.ts()?,
        created_at: c.ts()?,
        creating_clock_from: c.ts()?,
        shipping_since: c.opt_ts()?,
        wait_until: c.opt_ts()?,
        notified_at: c.opt_ts()?,
        last_contact: c.contact()?,
        unreachable_since: c.opt_ts()?,
        cancel_requested: c.flag()?,
        ever_faulted: c.flag()?,
        return_address_invalid: c.flag()?,
        return_problem: c.opt_name()?,
        storage_account_id: c.opt_text()?,
        log_level: c.opt_text()?,
        diagnostics_path: c.opt_text()?,
        customer_note: c.opt_text()?,
        delivery_package: c.package()?,
        return_address: Address {
            recipient_name: c.opt_text()?,
            street_address1: c.opt_text()?,
            street_address2: c.opt_text()?,
            city: c.opt_text()?,
            state_or_province: c.opt_text()?,
            postal_code: c.opt_text()?,
            country_or_region: c.opt_text()?,
            phone: c.opt_text()?,
            email: c.opt_text()?,
        },
        return_shipping: ReturnShipping {
            carrier_name: c.opt_text()?,
            carrier_account_number: c.opt_text()?,
        },
        return_package: c.package()?,
        archived_at: c.opt_ts()?,
        unknown_state: c.opt_text()?,
        unknown_job_type: c.opt_text()?,
        resource_id: c.opt_text()?,
        resource_type: c.opt_text()?,
        location: c.opt_text()?,
        tags: c.opt_json("JSON")?,
        system_data: c.opt_json("systemData JSON")?,
        identity: c.opt_json("identity JSON")?,
        provisioning_state: c.opt_text()?,
        incomplete_blob_list_uri: c.opt_text()?,
        backup_drive_manifest: c.opt_flag()?,
        reported_percent_complete: c.opt_num()?,
        shipping_information: c.opt_json("shippingInformation JSON")?,
        export: c.opt_json("export JSON")?,
        encryption_key: c.opt_json("encryptionKey JSON")?,
        import_anomaly: c.anomaly()?,
        return_failed_at: c.opt_ts()?,
        wire: c.opt_json("wire facts JSON")?,
        version: c.int()?,
        drives: Vec::new(),
    })
}

/// A row of `DRIVE_SELECT` starting at column `start` (queries may put a job
/// id or name first).
pub(super) fn drive_from_row(row: &Row, start: usize) -> Result<Drive, StoreError> {
    let mut c = Cursor::new(row, "drives", start);
    let drive_id = c.text()?;
    c.key = format!("drive {drive_id}");
    Ok(Drive {
        drive_id,
        state: c.name()?,
        faulted_from: c.opt_name()?,
        fault_reason: c.opt_text()?,
        state_since: c.ts()?,
        extra: c.flag()?,
        percent_complete: c.num()?,
        bytes_succeeded: c.num()?,
        copy_status: c.opt_text()?,
        messages: c.json::<Vec<CopyMessage>>("a JSON list of copy messages")?,
        manifest_file: c.opt_text()?,
        manifest_hash: c.opt_text()?,
        drive_header_hash: c.opt_text()?,
        bit_locker_key: c.opt_text()?,
        error_log_uri: c.opt_text()?,
        verbose_log_uri: c.opt_text()?,
        destroyed_at: c.opt_ts()?,
        manifest_uri: c.opt_text()?,
        late_in_packaging: c.flag()?,
        received_from: c.opt_name()?,
        voided_at: c.opt_ts()?,
        return_package: c.opt_json("returnPackage JSON")?,
        version: c.int()?,
    })
}

/// A row of `ARRIVAL_SELECT`.
pub(super) fn arrival_from_row(row: &Row) -> Result<Arrival, StoreError> {
    let mut c = Cursor::new(row, "arrivals", 0);
    let id = c.int()?;
    c.key = format!("arrival {id}");
    Ok(Arrival {
        id: Some(id),
        recorded_at: c.ts()?,
        recorded_by: c.text()?,
        carrier_name: c.text()?,
        tracking_number: c.text()?,
        job_name: c.opt_text()?,
        drive_ids: c.json::<Vec<String>>("a JSON list of drive ids")?,
        status: c.name()?,
        last_contact: c.contact()?,
        unreachable_since: c.opt_ts()?,
        return_failed_at: c.opt_ts()?,
        version: c.int()?,
    })
}

/// A row of `AUDIT_SELECT`.
pub(super) fn audit_from_row(row: &Row) -> Result<AuditRecord, StoreError> {
    let mut c = Cursor::new(row, "audit", 0);
    let id = c.int()?;
    c.key = format!("event {id}");
    Ok(AuditRecord {
        id,
        at: c.ts()?,
        operator: c.text()?,
        job_name: c.opt_text()?,
        drive_id: c.opt_text()?,
        arrival_id: c.opt_int()?,
        action: c.text()?,
        from_state: c.text()?,
        to_state: c.text()?,
        rule: c.text()?,
        detail: c.opt_text()?,
        note: c.opt_text()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_at_second_precision() {
        let t = parse_ts("2026-11-22T14:30:05Z").unwrap();
        assert_eq!(format_ts(&t), "2026-11-22T14:30:05Z");
        assert_eq!(parse_ts("2026-11-22 14:30:05"), None);
        assert_eq!(parse_ts("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_ts("2026-11-22T14:30:0xZ"), None);
        assert_eq!(parse_ts("2026-11-22T14:30:05Z "), None);
        let with_nanos = t + chrono::Duration::nanoseconds(999_999_999);
        assert_eq!(format_ts(&with_nanos), "2026-11-22T14:30:05Z", "stored to the second");
        let chrono_way = with_nanos.format(TIMESTAMP_FORMAT).to_string();
        assert_eq!(format_ts(&with_nanos), chrono_way);
    }

    proptest::proptest! {
        /// Written by hand for speed, so checked against chrono's own formatting,
        /// from year 0 to past 9999 (where both fall back to chrono).
        #[test]
        fn timestamps_are_written_as_chrono_writes_them(seconds in -62_300_000_000i64..254_000_000_000) {
            let t = chrono::DateTime::from_timestamp(seconds, 0).unwrap();
            proptest::prop_assert_eq!(format_ts(&t), t.format(TIMESTAMP_FORMAT).to_string());
        }
    }

    #[test]
    fn an_update_sets_only_the_columns_that_changed() {
        let stored = vec![text("a"), Value::Null, Value::Integer(1)];
        let new = vec![text("a"), text("b"), Value::Integer(2)];
        let key = [("id", Value::Integer(7)), ("version", Value::Integer(3))];
        let (sql, params) = Updated::Arrivals.changed(&stored, new, key.clone());
        assert_eq!(
            sql,
            "UPDATE arrivals SET recorded_by = ?1, carrier_name = ?2, version = version + 1 \
             WHERE id = ?3 AND version = ?4"
        );
        assert_eq!(params, [text("b"), Value::Integer(2), Value::Integer(7), Value::Integer(3)]);

        let (unchanged, params) = Updated::Drives.changed(&stored, stored.clone(), key);
        assert_eq!(unchanged, "UPDATE drives SET version = version + 1 WHERE id = ?1 AND version = ?2");
        assert_eq!(params.len(), 2);
    }

    #[test]
    fn statements_have_one_parameter_per_value() {
        let count = |sql: &str| sql.matches('?').count();
        assert_eq!(count(&JOB_INSERT), JOB_DATA.len() + 1);
        assert_eq!(count(&DRIVE_INSERT), DRIVE_DATA.len() + 3);
        assert_eq!(count(&ARRIVAL_INSERT), ARRIVAL_DATA.len() + 1);
        assert_eq!(count(&AUDIT_INSERT), AUDIT_WRITE.len());
    }
}
