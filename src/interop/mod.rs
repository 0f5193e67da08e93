//! Speaking the service's language: jobs in and out as the JSON its REST API
//! answers (Get Job's JobResponse, List Jobs' list response), api-versions
//! 2016-11-01, 2020-08-01 and 2021-01-01.
//!
//! - [`rest`]: the wire shape, read leniently where real data is untidy;
//! - [`import`]: documents into domain values and what importing them decides (pure);
//! - [`export`]: jobs back into the wire shape (pure);
//! - [`import_documents`]: the one entry point that writes, shared by the
//!   command line (`ieops import`) and the console (`:import`). All or
//!   nothing: every document is read and checked before anything is
//!   written, and everything is written in one transaction (`Store::write`).

pub mod export;
pub mod import;
pub mod rest;

use std::fmt;

use serde::Serialize;

use crate::domain::create::one_home;
use crate::domain::model::Anomaly;
use crate::domain::{Ctx, Job, Timestamp};
use crate::store::{Store, StoreError, Writer};
use crate::text::visible;
use import::{Decision, IMPORT_OPERATOR, decide_import};
use rest::{JobResponse, Step, Top, locate, path_text};

pub use export::{Secrets, job_response, list_response};

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// A document is not what the service sends, or cannot be stored as it
    /// says (a name another job holds): where, and what is wrong.
    Document {
        /// The file as the operator named it (`stdin` for `-`).
        source: String,
        /// `$.value[3].properties.driveList`.
        path: String,
        message: String,
        /// Line and column (1-based line) where it was found, when known.
        position: Option<(usize, usize)>,
    },
    /// The database refused or failed (busy, read-only, …).
    Store(StoreError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Document { source, path, message, position } => {
                write!(f, "{source}: {path}: {message}")?;
                if let Some((line, column)) = position {
                    write!(f, " (line {line}, column {column})")?;
                }
                f.write_str("; nothing was imported")
            }
            ImportError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        ImportError::Store(e)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub source: String,
    /// How many JobResponses the file held.
    pub documents: usize,
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    /// Jobs the file names that were archived here (J2, J13): left as they are (S2).
    pub archived: Vec<String>,
    /// Jobs now in the attention queue because of this import: (job, what).
    pub attention: Vec<(String, String)>,
    /// Audit events written (S6).
    pub events: usize,
}

impl ImportReport {
    /// What the import did, in lines for people (untrusted names escaped).
    pub fn summary(&self) -> String {
        let r = self;
        let mut out = format!(
            "{}: {} job{} — {} created, {} updated, {} unchanged",
            r.source,
            r.documents,
            if r.documents == 1 { "" } else { "s" },
            r.created.len(),
            r.updated.len(),
            r.unchanged.len()
        );
        if !r.archived.is_empty() {
            out.push_str(&format!(", {} archived here and left as they are (S2)", r.archived.len()));
        }
        let s = if r.events == 1 { "" } else { "s" };
        out.push_str(&format!("; {} audit event{s} as operator import (S6)\n", r.events));
        for (job, what) in &r.attention {
            out.push_str(&format!("attention: {}\n", visible(&format!("{job}: {what}"))));
        }
        out
    }
}

/// Imports every JobResponse in `text` (one, a list response or an array)
/// in one transaction: new jobs are created, known ones (same resource id,
/// or same name among active jobs when the ids do not disagree) updated as
/// the service reports them, recorded as observed by the operator `import`
/// with `operator` in the note. One bad document refuses the whole import and
/// nothing is written.
pub fn import_documents(
    store: &mut Store,
    source: &str,
    text: &str,
    operator: &str,
    now: Timestamp,
) -> Result<ImportReport, ImportError> {
    let documents = read_documents(source, text)?;
    let note = format!("imported by {operator} from {source}");
    let ctx = Ctx { operator: IMPORT_OPERATOR, now, note: Some(&note) };
    let mut refused: Option<(Vec<Step>, String)> = None;
    let written = store.write(|w| {
        let mut report =
            ImportReport { source: source.to_string(), documents: documents.len(), ..Default::default() };
        for (steps, doc) in &documents {
            let mut name_path = steps.clone();
            name_path.push(Step::Key("name".into()));
            let existing = match find(w, doc)? {
                Found::Conflict(message) => {
                    refused = Some((name_path, message));
                    return Err(StoreError::Sqlite("the import was refused".into()));
                }
                Found::Archived => {
                    report.archived.push(doc.name.clone());
                    continue;
                }
                Found::Active(job) => Some(*job),
                Found::New => None,
            };
            let stored = match decide_import(existing.as_ref(), doc, &ctx) {
                Decision::Unchanged => {
                    report.unchanged.push(doc.name.clone());
                    continue;
                }
                Decision::Create(mut change) => {
                    flag_second_home(w, &mut change.job, now)?;
                    w.insert_arriving_job(&change.job, &change.events).map(|_| (change, true))
                }
                Decision::Update(mut change) => {
                    flag_second_home(w, &mut change.job, now)?;
                    w.apply(&change).map(|()| (change, false))
                }
            };
            let (change, created) = match stored {
                Err(StoreError::NameTaken { name }) => {
                    refused = Some((name_path, format!("an active job is already named {name}")));
                    return Err(StoreError::NameTaken { name });
                }
                other => other?,
            };
            report.events += change.events.len();
            if created { &mut report.created } else { &mut report.updated }.push(doc.name.clone());
            if let Some(what) = needs_attention(&change.job, now) {
                report.attention.push((doc.name.clone(), what));
            }
        }
        Ok(report)
    });
    match (written, refused) {
        (Ok(report), _) => Ok(report),
        (Err(_), Some((steps, message))) => Err(ImportError::Document {
            source: source.to_string(),
            position: locate(text, &steps),
            path: path_text(&steps),
            message,
        }),
        (Err(e), None) => Err(ImportError::Store(e)),
    }
}

/// S8: the service is the truth for what it reports, so a job that lists a
/// drive another active job holds is stored as reported and flagged for the
/// attention queue, naming the other job, instead of refused.
fn flag_second_home(w: &Writer<'_>, job: &mut Job, now: Timestamp) -> Result<(), StoreError> {
    let ids: Vec<String> = job.drives.iter().map(|d| d.drive_id.clone()).collect();
    let others: Vec<Job> = w.homes_of(&ids)?.into_iter().filter(|other| other.name != job.name).collect();
    if let Err(refusal) = one_home(&others, &ids) {
        job.import_anomaly = Some(Anomaly { at: now, rule: refusal.rule, what: refusal.message });
    }
    Ok(())
}

/// How much an import reads at most (64 MiB; `--max-bytes` raises it): a
/// List Jobs answer of every job a data center holds is far smaller, and an
/// endless input (`/dev/zero`, a runaway pipe) stops here instead of filling
/// the memory.
pub const DEFAULT_IMPORT_LIMIT: u64 = 64 * 1024 * 1024;

/// The text of `reader`, read as it comes, up to `limit` bytes; one line for
/// people otherwise, naming `source`.
pub fn read_capped(reader: impl std::io::Read, limit: u64, source: &str) -> Result<String, String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {source}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{source} is larger than {limit} bytes, the import limit: nothing was imported (raise it with --max-bytes if it really is one answer of the service)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{source}: byte {} is not UTF-8: JSON from the service is UTF-8 text; nothing was imported",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A file to import, as the console names it: a regular file only (a FIFO
/// with no writer would block the worker for good), read up to the limit.
pub fn read_import_file(path: &str) -> Result<String, String> {
    let shown = visible(path).into_owned();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file (a pipe or a device): import a file"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    read_capped(file, DEFAULT_IMPORT_LIMIT, &shown)
}

/// `import --bitlocker-keys JOB FILE`: the keys of a List BitLocker Keys
/// answer attached to the job's drives, in one transaction with one audit
/// event that names the drives, never the keys. Every key must name one of
/// the job's drives, or nothing is written. Returns how many were attached.
pub fn import_bitlocker_keys(
    store: &mut Store,
    job_name: &str,
    source: &str,
    text: &str,
    operator: &str,
    now: Timestamp,
) -> Result<usize, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let keys: rest::BitLockerKeys = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path: Vec<Step> = e.path().iter().map(|s| Step::Key(s.to_string())).collect();
        json_error(source, &path, e.inner())
    })?;
    let refuse = |message: String| ImportError::Document {
        source: source.to_string(),
        path: "$.value".into(),
        message,
        position: None,
    };
    let note = format!("imported by {operator} from {source}");
    let ctx = Ctx { operator: IMPORT_OPERATOR, now, note: Some(&note) };
    let mut refused = None;
    let written = store.write(|w| {
        let Some(mut job) = w.job(job_name)? else {
            refused = Some(format!("no active job named '{}'", visible(job_name)));
            return Err(StoreError::Sqlite("refused".into()));
        };
        let before = job.clone();
        for key in &keys.value {
            match job.drive_mut(&key.drive_id) {
                Some(drive) => drive.bit_locker_key = Some(key.bit_locker_key.clone()),
                None => {
                    refused = Some(format!(
                        "drive {} is not a drive of job {}",
                        visible(&key.drive_id),
                        visible(job_name)
                    ));
                    return Err(StoreError::Sqlite("refused".into()));
                }
            }
        }
        let ids: Vec<&str> = keys.value.iter().map(|k| k.drive_id.as_str()).collect();
        let mut rec = crate::domain::change::Recorder::new(ctx);
        let state = before.state;
        let detail =
            format!("BitLocker keys of {} attached (List BitLocker Keys); never shown", ids.join(", "));
        rec.record(None, "bitlocker-keys", state, state, crate::domain::Rule::S6, Some(detail));
        w.apply_over(&before, &crate::domain::Change { job, events: rec.events })?;
        Ok(keys.value.len())
    });
    match (written, refused) {
        (Ok(n), _) => Ok(n),
        (Err(_), Some(message)) => Err(refuse(message)),
        (Err(e), None) => Err(ImportError::Store(e)),
    }
}

/// Reads every JobResponse of a file, or the first problem with its path,
/// line and column. Nothing here touches the database.
pub fn read_documents(source: &str, text: &str) -> Result<Vec<(Vec<Step>, JobResponse)>, ImportError> {
    // Files saved on Windows often start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let top: Top = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().iter().map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Step::Index(*index),
            serde_path_to_error::Segment::Map { key } => Step::Key(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Step::Key(variant.clone()),
            serde_path_to_error::Segment::Unknown => Step::Key("?".into()),
        });
        json_error(source, &path.collect::<Vec<_>>(), e.inner())
    })?;
    de.end().map_err(|e| json_error(source, &[], &e))?;
    Ok(match top {
        Top::One(job) => vec![(Vec::new(), *job)],
        Top::List(jobs) => jobs
            .into_iter()
            .enumerate()
            .map(|(i, j)| (vec![Step::Key("value".into()), Step::Index(i)], j))
            .collect(),
        Top::Array(jobs) => jobs.into_iter().enumerate().map(|(i, j)| (vec![Step::Index(i)], j)).collect(),
    })
}

fn json_error(source: &str, steps: &[Step], e: &serde_json::Error) -> ImportError {
    let text = e.to_string();
    let position = (e.line() > 0).then(|| (e.line(), e.column()));
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    ImportError::Document { source: source.to_string(), path: path_text(steps), message, position }
}

/// The stored job a document names.
enum Found {
    New,
    Active(Box<Job>),
    /// Archived here (S2): left as it is.
    Archived,
    /// An active job has the name but another resource id.
    Conflict(String),
}

fn find(w: &Writer<'_>, doc: &JobResponse) -> Result<Found, StoreError> {
    let mut archived = false;
    if let Some(id) = &doc.id {
        if let Some(job) = w.job_by_resource_id(id)? {
            if job.archived_at.is_none() {
                return Ok(Found::Active(Box::new(job)));
            }
            archived = true;
        }
    }
    match w.job(&doc.name)?.filter(|j| j.archived_at.is_none()) {
        Some(job) => match (&job.resource_id, &doc.id) {
            (Some(have), Some(got)) if have != got => Ok(Found::Conflict(format!(
                "an active job is already named {} with resource id {have}, and this document is {got}: they are different jobs",
                doc.name
            ))),
            _ => Ok(Found::Active(Box::new(job))),
        },
        None if archived => Ok(Found::Archived),
        None => Ok(Found::New),
    }
}

/// What puts an imported job in the attention queue because of the import.
fn needs_attention(job: &Job, now: Timestamp) -> Option<String> {
    if let Some((_, what)) = job.unrecognised() {
        return Some(what);
    }
    job.import_anomaly.as_ref().filter(|a| a.at == now).map(|a| a.what.clone())
}
