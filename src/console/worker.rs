//! The database side of the console, on its own thread so no query ever
//! blocks a frame. It runs effects and follows the audit log: every change
//! appends events (S6), so after `PRAGMA data_version` says another process
//! committed, only the jobs those events touched are read again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::domain::{Ctx, Timestamp};
use crate::ops::{self, Ask, Decided, OpError};
use crate::present::count;
use crate::store::{Store, StoreError};
use crate::text::visible;

use super::data::{self, Changed, DriveRow, JobRow, Overview, RECENT_EVENTS};
use super::dock::Package;
use super::model::Plan;
use super::msg::{Confirmation, Msg, WriteFailure};
use super::update::{Effect, confirmation, confirmation_title, event_line};

/// How long `:import` waits for its file to be read (see [`within`]).
const IMPORT_READ: Duration = Duration::from_secs(30);
/// How often other processes' commits are looked for, unless the settings
/// file says otherwise (`refresh-ms`).
pub const POLL_MS: u64 = 250;
/// How often an idle console folds the WAL into the database file.
const CHECKPOINT: Duration = Duration::from_secs(5);
/// How often the tables are read in full, so jobs whose clocks come due while
/// the console runs join the attention queue.
const FULL_READ: Duration = Duration::from_secs(600);

/// The console's handle on its worker: effects go to the worker's queue,
/// except a cancel, which must reach an import the worker is blocked in.
pub struct Worker {
    effects: Sender<Effect>,
    /// Set by Esc: the running import gives up its read, and does not write.
    cancel_import: Arc<AtomicBool>,
    /// Set when the console ends: whatever the worker waits on is given up.
    quitting: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Worker {
    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::CancelImport => self.cancel_import.store(true, Ordering::Relaxed),
            // An Esc before this import was queued was for an earlier one; one
            // from now on, even while the worker is still busy, is for it.
            Effect::Import(path) => {
                self.cancel_import.store(false, Ordering::Relaxed);
                drop(self.effects.send(Effect::Import(path)));
            }
            // A worker that is gone has already said why (or the console quits).
            effect => drop(self.effects.send(effect)),
        }
    }

    /// Lets a write in flight finish, gives up a blocked read, and waits.
    pub fn stop(self) {
        drop(self.effects);
        self.quitting.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// Starts the worker: it sends the first read at once, then the tables.
pub fn spawn(
    mut store: Store,
    msgs: UnboundedSender<Msg>,
    operator: String,
    now: impl Fn() -> Timestamp + Send + 'static,
    poll: Duration,
) -> Worker {
    let (effects_tx, effects) = std::sync::mpsc::channel();
    let cancel_import = Arc::new(AtomicBool::new(false));
    let quitting = Arc::new(AtomicBool::new(false));
    let cancelled = {
        let (cancel_import, quitting) = (Arc::clone(&cancel_import), Arc::clone(&quitting));
        move || cancel_import.load(Ordering::Relaxed) || quitting.load(Ordering::Relaxed)
    };
    let thread = std::thread::spawn(move || {
        let send = |msg: Msg| msgs.send(msg).is_ok();
        let mut last_event = 0;
        let mut seen = store.data_version().ok();
        let mut full_read = Instant::now();
        let mut last_checkpoint = Instant::now();
        // A small page cache from the start: every page the reads below need
        // is read once, and a fresh process pays for each page of memory it
        // touches first.
        let _ = store.trim_cache();
        let first = overview(&store, now()).map(|o| {
            last_event = o.last_event_id;
            Msg::Overview(Box::new(o))
        });
        if !send(first.unwrap_or_else(failed)) {
            return;
        }
        // The scans read every page once; a big cache would only keep them.
        let _ = store.trim_cache();
        if !send(tables(&store, now())) || !send(archive(&store)) {
            return;
        }
        let _ = store.trim_cache();
        loop {
            let msg = match effects.recv_timeout(poll) {
                Ok(Effect::Reload) => Some(changes(&store, &mut last_event)),
                Ok(Effect::LoadJob(id)) => Some(match store.jobs_by_ids(&[id]) {
                    Ok(mut jobs) => match jobs.pop() {
                        Some(job) => Msg::JobLoaded(Box::new(job)),
                        None => continue,
                    },
                    Err(e) => failed(e),
                }),
                Ok(Effect::LoadHistory(job_id)) => Some(match store.history(job_id) {
                    Ok(events) => Msg::History { job_id, events },
                    Err(e) => failed(e),
                }),
                Ok(Effect::Preview { title, asks, note }) => {
                    Some(preview(&store, title, asks, note, &operator, now()))
                }
                Ok(Effect::PreviewArrival(package)) => {
                    Some(preview_arrival(&store, package, &operator, now()))
                }
                Ok(Effect::Write(plan)) => {
                    if !send(Msg::Written(write(&mut store, plan, &operator, now()))) {
                        return;
                    }
                    Some(changes(&store, &mut last_event))
                }
                Ok(Effect::Import(path)) => {
                    if !send(Msg::Imported(import(&mut store, &path, &operator, now(), &cancelled))) {
                        return;
                    }
                    Some(changes(&store, &mut last_event))
                }
                Ok(Effect::Export { path, header, rows }) => {
                    Some(Msg::Exported(export(&path, &header, &rows, store.path())))
                }
                // Not the worker's: `Worker::run` and the runtime keep these off this queue.
                Ok(Effect::CancelImport | Effect::Copy(_)) => None,
                Err(RecvTimeoutError::Timeout) if last_checkpoint.elapsed() > CHECKPOINT => {
                    // Idle: fold the WAL into the file, off every commit's path.
                    last_checkpoint = Instant::now();
                    let _ = store.checkpoint();
                    None
                }
                Err(RecvTimeoutError::Timeout) if full_read.elapsed() > FULL_READ => {
                    full_read = Instant::now();
                    Some(tables(&store, now()))
                }
                Err(RecvTimeoutError::Timeout) => match store.data_version() {
                    Ok(version) => (Some(version) != seen).then(|| {
                        seen = Some(version);
                        changes(&store, &mut last_event)
                    }),
                    // Why changes cannot be followed, said once until they can.
                    Err(e) => seen.take().map(|_| failed(e)),
                },
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if let Some(msg) = msg {
                if !send(msg) {
                    return; // the console has quit
                }
            }
        }
    });
    Worker { effects: effects_tx, cancel_import, quitting, thread }
}

fn failed(e: StoreError) -> Msg {
    Msg::LoadFailed(e.to_string())
}

/// The first read: small and indexed, so the first frame is complete at once.
pub fn overview(store: &Store, now: Timestamp) -> Result<Overview, StoreError> {
    Ok(Overview {
        counts: store.counts()?,
        candidates: store.attention_candidates(now)?,
        arrivals: store.arrivals(false)?,
        events: store.recent_events(RECENT_EVENTS)?,
        last_event_id: store.last_event_id()?,
    })
}

/// Every active job as table rows, one job in memory at a time; the jobs the
/// attention queue needs are kept whole.
pub fn tables(store: &Store, now: Timestamp) -> Msg {
    let mut jobs: Vec<JobRow> = Vec::new();
    let mut drives: Vec<DriveRow> = Vec::new();
    let mut attention = Vec::new();
    let scanned = store.for_each_job(false, |job| {
        jobs.push(JobRow::of(&job));
        drives.extend(data::drive_rows(&job));
        if data::needs_attention(&job, now) {
            attention.push(job);
        }
    });
    match scanned {
        Ok(()) => Msg::Rows { jobs, drives, attention },
        Err(e) => failed(e),
    }
}

pub fn archive(store: &Store) -> Msg {
    let mut rows = Vec::new();
    match store.for_each_job(true, |job| rows.push(JobRow::of(&job))) {
        Ok(()) => Msg::Archive(rows),
        Err(e) => failed(e),
    }
}

/// What the audit log says changed since `last_event`, read again.
pub fn changes(store: &Store, last_event: &mut i64) -> Msg {
    let mut read = || -> Result<Changed, StoreError> {
        let feed = store.changes_since(*last_event)?;
        let jobs = store.jobs_by_ids(&feed.job_ids)?;
        let arrivals = if feed.arrivals { Some(store.arrivals(false)?) } else { None };
        let counts = store.counts()?;
        *last_event = feed.last_event_id;
        Ok(Changed { counts, jobs, arrivals, events: feed.events, last_event_id: feed.last_event_id })
    };
    match read() {
        Ok(changed) => Msg::Changed(Box::new(changed)),
        Err(e) => failed(e),
    }
}

/// `:export PATH`: the view's rows as CSV, or JSON (an array of objects by
/// column) for a `.json` path, written whole or not at all: a temporary file
/// beside it, synced, then renamed over it.
pub fn export(
    path: &str,
    header: &[String],
    rows: &[Vec<String>],
    database: &std::path::Path,
) -> Result<String, String> {
    let shown = visible(path).into_owned();
    let target = std::path::Path::new(path);
    if is_database_file(target, database) {
        return Err(format!(
            "{shown} is the database or one of its files: export somewhere else; nothing was written"
        ));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let fail = |e: &dyn std::fmt::Display| format!("cannot export to {shown}: {e}; nothing was written");
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    if path.ends_with(".json") {
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .iter()
            .map(|row| header.iter().cloned().zip(row.iter().map(|c| c.clone().into())).collect())
            .collect();
        serde_json::to_writer_pretty(&mut file, &objects).map_err(|e| fail(&e))?;
    } else {
        let mut csv = csv::Writer::from_writer(&mut file);
        csv.write_record(header).map_err(|e| fail(&e))?;
        for row in rows {
            // A cell a spreadsheet would run as a formula is written as text.
            csv.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(|e| fail(&e))?;
        }
        csv.flush().map_err(|e| fail(&e))?;
    }
    std::io::Write::flush(&mut file).map_err(|e| fail(&e))?;
    file.as_file().sync_all().map_err(|e| fail(&e))?;
    file.persist(target).map_err(|e| fail(&e.error))?;
    Ok(format!("exported {} to {shown}", count(rows.len(), "row")))
}

/// Is `target` the database, its `-wal`, `-shm` or `-journal` (by their
/// directories' real paths)? An export renamed over one would replace it.
fn is_database_file(target: &std::path::Path, database: &std::path::Path) -> bool {
    let real = |p: &std::path::Path| -> Option<std::path::PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    let (Some(target), Some(database)) = (real(target), real(database)) else { return false };
    ["", "-wal", "-shm", "-journal"].iter().any(|side| {
        let mut name = database.clone().into_os_string();
        name.push(side);
        name == target.as_os_str()
    })
}

fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.starts_with(['=', '+', '-', '@']) {
        true => format!("'{cell}").into(),
        false => cell.into(),
    }
}

/// `:import PATH`: the same checks and the same one transaction as `ieops import`.
pub fn import(
    store: &mut Store,
    path: &str,
    operator: &str,
    now: Timestamp,
    cancelled: &dyn Fn() -> bool,
) -> Result<String, WriteFailure> {
    let fail = |message: String| WriteFailure { message, stale: false, replan: None };
    let owned = path.to_string();
    let text = within(IMPORT_READ, cancelled, move || crate::interop::read_import_file(&owned))
        .map_err(|why| fail(format!("{}: {why}; nothing was imported", visible(path))))?
        .map_err(fail)?;
    // The write is one transaction that runs to its end once begun: an Esc
    // that came during the read stops it here.
    if cancelled() {
        return Err(fail(format!("{}: the import was cancelled; nothing was imported", visible(path))));
    }
    crate::interop::import_documents(store, path, &text, operator, now)
        .map(|report| report.summary().trim_end().replace('\n', " · "))
        .map_err(|e| fail(e.to_string()))
}

/// Runs `read` on a thread of its own and waits for it until `limit`, or
/// until `cancelled` says so (Esc, or the console quits): a read that never returns
/// (a hung network mount, a file swapped for a pipe once checked) costs that
/// thread, never the worker, which the console waits for when it quits.
pub fn within<T: Send + 'static>(
    limit: Duration,
    cancelled: &dyn Fn() -> bool,
    read: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("ieops-import-read".into())
        .spawn(move || {
            let _ = tx.send(read());
        })
        .map_err(|e| format!("cannot start reading: {e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(value) => return Ok(value),
            Err(RecvTimeoutError::Disconnected) => return Err("the read failed".into()),
            Err(RecvTimeoutError::Timeout) if cancelled() => {
                return Err("the read was cancelled".into());
            }
            Err(RecvTimeoutError::Timeout) if Instant::now() >= deadline => {
                return Err(format!("not read within {} s, given up", limit.as_secs_f32()));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// What asks would do, decided on the store: the confirmation for asks
/// whose jobs the console does not hold.
pub fn preview(
    store: &Store,
    title: String,
    asks: Vec<Ask>,
    note: Option<String>,
    operator: &str,
    now: Timestamp,
) -> Msg {
    let ctx = Ctx { operator, now, note: note.as_deref() };
    match ops::preview(store, &asks, &ctx) {
        Ok(decided) => {
            let confirmation = confirmation(asks, note, &decided);
            Msg::Previewed {
                title: confirmation_title(&title, &confirmation.lines),
                result: Ok(confirmation),
            }
        }
        Err(e) => Msg::Previewed { title, result: Err(e.to_string()) },
    }
}

/// Where a package's drives would go, decided on the store: its confirmation,
/// with every consequence (J8 …) and anything worth a look (a foreign label).
pub fn preview_arrival(store: &Store, package: Package, operator: &str, now: Timestamp) -> Msg {
    let ctx = Ctx { operator, now, note: package.note.as_deref() };
    let what = format!(
        "record {} from {} {}",
        count(package.drive_ids.len(), "drive"),
        package.carrier,
        package.tracking
    );
    match ops::preview_arrival(store, package.dock(), &ctx) {
        Ok(routed) => {
            let mut lines: Vec<String> =
                ops::routed_events(&routed).into_iter().map(|(subject, e)| event_line(&subject, e)).collect();
            let title = confirmation_title(&what, &lines);
            lines.extend(routed.warnings.iter().map(|w| format!("warning: {w}")));
            let plan = Plan::Arrival { steps: ops::routed_steps(&routed), package };
            Msg::Previewed { title, result: Ok(Confirmation { lines, plan }) }
        }
        Err(e) => Msg::Previewed { title: what, result: Err(e.to_string()) },
    }
}

/// Writes a confirmed plan: decided again inside the write transaction, and
/// written only if it is still what the operator confirmed.
pub fn write(store: &mut Store, plan: Plan, operator: &str, now: Timestamp) -> Result<String, WriteFailure> {
    let (asks, note, steps) = match plan {
        Plan::Sweep => {
            return ops::sweep(store, now, false).map(|swept| swept_summary(&swept)).map_err(store_failure);
        }
        Plan::Act { asks, note, steps } => (asks, note, steps),
        Plan::Arrival { package, steps } => {
            let ctx = Ctx { operator, now, note: package.note.as_deref() };
            return match ops::record_arrival(store, package.dock(), &ctx, Some(&steps)) {
                Ok(routed) => {
                    let events = ops::routed_events(&routed);
                    Ok(format!(
                        "done: package {} recorded — {} recorded",
                        package.tracking,
                        count(events.len(), "audit event")
                    ))
                }
                Err(OpError::Store(e)) => Err(store_failure(e)),
                Err(e) => Err(WriteFailure { message: e.to_string(), stale: false, replan: None }),
            };
        }
    };
    let ctx = Ctx { operator, now, note: note.as_deref() };
    match ops::act(store, &asks, &ctx, Some(&steps)) {
        Ok(decided) => Ok(done_summary(&decided)),
        Err(OpError::Changed(decided)) => Err(WriteFailure {
            message: "it changed since you looked: nothing was written; here is what it does now".into(),
            stale: true,
            replan: Some(Box::new(confirmation(asks, note, &decided))),
        }),
        Err(OpError::Refused(refusal)) => {
            // Allowed when confirmed, refused now: someone changed it in between.
            let by = asks.iter().find_map(|ask| last_change_by_another(store, ask, operator));
            Err(WriteFailure {
                stale: by.is_some(),
                message: match by {
                    Some(by) => format!("{refusal}; {by} (S7); nothing was written"),
                    None => format!("{refusal}; nothing was written"),
                },
                replan: None,
            })
        }
        Err(OpError::Store(e)) => Err(store_failure(e)),
        Err(unknown @ OpError::Unknown(_)) => {
            Err(WriteFailure { message: unknown.to_string(), stale: false, replan: None })
        }
    }
}

fn store_failure(e: StoreError) -> WriteFailure {
    WriteFailure { stale: matches!(e, StoreError::Stale { .. }), message: e.to_string(), replan: None }
}

/// "jonas ran receive at 2026-11-22 12:00:05 UTC": the latest thing someone
/// else did to the ask's job or drive.
fn last_change_by_another(store: &Store, ask: &Ask, operator: &str) -> Option<String> {
    let (job, drive) = match ask {
        Ask::Job { job, .. } => (job, None),
        Ask::Drive { job, drive_id, .. } => (job, Some(drive_id)),
        Ask::Arrival { .. } => return None,
    };
    let id = store.job(job).ok()??.id?;
    let history = store.history(id).ok()?;
    let event = history.iter().rev().find(|e| {
        e.operator != operator
            && e.action != "consequence"
            && (drive.is_none() || e.drive_id.as_ref() == drive)
    })?;
    Some(format!("{} ran {} at {}", event.operator, event.action, crate::present::stamp(event.at)))
}

/// "done: acme/WD-1 Received, acme Received — 2 audit events recorded".
fn done_summary(decided: &Decided) -> String {
    const SHOWN: usize = 3;
    let events = decided.events();
    let mut what: Vec<String> =
        events.iter().take(SHOWN).map(|(subject, e)| format!("{subject} {}", e.to_state)).collect();
    if events.len() > SHOWN {
        what.push(format!("{} more", events.len() - SHOWN));
    }
    format!("done: {} — {} recorded", what.join(", "), count(events.len(), "audit event"))
}

fn swept_summary(swept: &[(String, Vec<crate::domain::Event>)]) -> String {
    let events: usize = swept.iter().map(|(_, e)| e.len()).sum();
    format!("done: swept {} — {} recorded", count(swept.len(), "job"), count(events, "audit event"))
}
