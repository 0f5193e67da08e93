//! The database side of the console, on its own thread so no query ever
//! blocks a frame. It runs effects and follows the audit log: every change
//! appends events (S6), so after `PRAGMA data_version` says another process
//! committed, only the jobs those events touched are read again.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::domain::Timestamp;
use crate::store::{Store, StoreError};

use super::data::{self, Changed, DriveRow, JobRow, Overview, RECENT_EVENTS};
use super::model::Plan;
use super::msg::{Msg, WriteFailure};
use super::update::Effect;

/// How often other processes' commits are looked for.
const POLL: Duration = Duration::from_millis(250);
/// How often an idle console folds the WAL into the database file.
const CHECKPOINT: Duration = Duration::from_secs(5);
/// How often the tables are read in full, so jobs whose clocks come due while
/// the console runs join the attention queue.
const FULL_READ: Duration = Duration::from_secs(600);

/// Starts the worker: it sends the first read at once, then the tables.
pub fn spawn(
    mut store: Store,
    effects: Receiver<Effect>,
    msgs: UnboundedSender<Msg>,
    operator: String,
    now: impl Fn() -> Timestamp + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
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
            let msg = match effects.recv_timeout(POLL) {
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
                Ok(Effect::Write(plan)) => {
                    if !send(Msg::Written(write(&mut store, plan))) {
                        return;
                    }
                    Some(changes(&store, &mut last_event))
                }
                Ok(Effect::Import(path)) => {
                    if !send(Msg::Written(import(&mut store, &path, &operator, now()))) {
                        return;
                    }
                    Some(changes(&store, &mut last_event))
                }
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
                Err(RecvTimeoutError::Timeout) => {
                    let version = store.data_version().ok();
                    (version != seen).then(|| {
                        seen = version;
                        changes(&store, &mut last_event)
                    })
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if let Some(msg) = msg {
                if !send(msg) {
                    return; // the console has quit
                }
            }
        }
    })
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

/// `:import PATH`: the same checks and the same one transaction as `ieops import`.
pub fn import(store: &mut Store, path: &str, operator: &str, now: Timestamp) -> Result<String, WriteFailure> {
    let fail = |message: String| WriteFailure { message, stale: false };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read {path}: {e}")))?;
    crate::interop::import_documents(store, path, &text, operator, now)
        .map(|report| report.summary().trim_end().replace('\n', " · "))
        .map_err(|e| fail(e.to_string()))
}

/// Writes a confirmed plan in one transaction.
pub fn write(store: &mut Store, plan: Plan) -> Result<String, WriteFailure> {
    let result = match &plan {
        Plan::Jobs(changes) => store.write(|w| changes.iter().try_for_each(|c| w.apply(c))),
        Plan::Arrival(pair) => store.write(|w| w.apply_arrival(&pair.0, std::slice::from_ref(&pair.1))),
    };
    let events = match &plan {
        Plan::Jobs(changes) => changes.iter().map(|c| c.events.len()).sum(),
        Plan::Arrival(_) => 1,
    };
    result
        .map(|()| format!("done: {events} audit events recorded"))
        .map_err(|e| WriteFailure { stale: matches!(e, StoreError::Stale { .. }), message: e.to_string() })
}
