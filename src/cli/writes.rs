//! Commands that write. Each reads what it needs, asks the domain, and stores
//! the change with its events in one transaction (the store's `write`).

use serde_json::{Value, json};

use super::error::{CliError, bad};
use super::render;
use super::target::{self, Target};
use super::{Session, emit};
use crate::demo;
use crate::domain::arrival::Outcome;
use crate::domain::create::{check_drive_id, check_job_name};
use crate::domain::field::Field;
use crate::domain::{Action, Ctx, Event, JobType, TargetKind, Timestamp};
use crate::ops::{self, Ask};
use crate::store::{Store, StoreError};

pub fn init(s: &mut Session) -> Result<(), CliError> {
    let path = s.store.path().display().to_string();
    emit(s, || json!({"path": path, "ready": true}), || format!("database ready at {path}\n"));
    Ok(())
}

pub fn demo(s: &mut Session, jobs: usize) -> Result<(), CliError> {
    let existing = s.store.event_count()?;
    if existing > 0 {
        return Err(bad(format!(
            "{} already holds data ({existing} audit events); demo fills an empty database: choose another --db",
            s.store.path().display()
        )));
    }
    let (j, a) = fill_demo(&mut s.store, jobs, s.now)?;
    let path = s.store.path().display().to_string();
    emit(
        s,
        || json!({"path": path, "jobs": j, "arrivals": a}),
        || format!("demo data written to {path}: {j} jobs, {a} held arrivals\n"),
    );
    Ok(())
}

/// Writes demo data relative to `now` in one transaction, streamed from the
/// generator (on its own thread) so memory stays flat however many jobs;
/// (jobs, arrivals) written.
pub fn fill_demo(store: &mut Store, jobs: usize, now: Timestamp) -> Result<(usize, usize), CliError> {
    store
        .bulk_load(|w| {
            let (mut job_count, mut arrival_count) = (0, 0);
            demo::generate_alongside(jobs, now, DEMO_SEED, |record| -> Result<(), DemoFailure> {
                match record {
                    demo::Record::Job(job, events) => {
                        w.insert_job(job, events)?;
                        job_count += 1;
                    }
                    demo::Record::Arrival(arrival, events) => {
                        w.insert_arrival(arrival, events)?;
                        arrival_count += 1;
                    }
                }
                Ok(())
            })
            .map_err(|failure| match failure {
                DemoFailure::Store(e) => e,
                // The write closure speaks StoreError; carry the script's words through it.
                DemoFailure::Script(e) => {
                    StoreError::Sqlite(format!("the demo script was refused by the rules: {e}"))
                }
            })?;
            Ok((job_count, arrival_count))
        })
        .map_err(CliError::from)
}

/// The demo is the same for everyone at the same `now`.
const DEMO_SEED: u64 = 2026;

/// Why streaming the demo into the store stopped.
enum DemoFailure {
    Store(StoreError),
    Script(demo::ScriptError),
}

impl From<StoreError> for DemoFailure {
    fn from(e: StoreError) -> Self {
        DemoFailure::Store(e)
    }
}

impl From<demo::ScriptError> for DemoFailure {
    fn from(e: demo::ScriptError) -> Self {
        DemoFailure::Script(e)
    }
}

pub fn create(
    s: &mut Session,
    name: &str,
    job_type: JobType,
    drives: &[String],
    sets: &[(String, String)],
    note: Option<&str>,
) -> Result<(), CliError> {
    check_job_name(name).map_err(bad)?;
    for id in drives {
        check_drive_id(id).map_err(bad)?;
    }
    let fields = sets
        .iter()
        .map(|(key, value)| {
            Field::parse(key)
                .ok_or_else(|| {
                    let all: Vec<&str> = Field::ALL.iter().map(|f| f.path()).collect();
                    bad(format!(
                        "unknown field '{}': expected one of {}",
                        key.escape_default(),
                        all.join(", ")
                    ))
                })?
                .validate(value)
                .map_err(bad)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let operator = s.operator.clone();
    let ctx = Ctx { operator: &operator, now: s.now, note };
    let change = ops::create(&mut s.store, name, job_type, drives, &fields, &ctx)?;
    report(s, &change.job.name, &change.events, || render::job_json(&change.job));
    Ok(())
}

pub fn act(
    s: &mut Session,
    text: &str,
    name: &str,
    sets: &[(String, String)],
    note: Option<&str>,
) -> Result<(), CliError> {
    let target = target::resolve(&s.store, text)?;
    let ask = match target {
        Target::Job(job) => match Action::parse(TargetKind::Job, name, sets).map_err(bad)? {
            Action::Job(action) => Ask::Job { job: job.name, action },
            _ => return Err(bad(format!("'{name}' does not apply to {text}"))),
        },
        Target::Drive(job, drive_id) => match Action::parse(TargetKind::Drive, name, sets).map_err(bad)? {
            Action::Drive(action) => Ask::Drive { job: job.name, drive_id, action },
            _ => return Err(bad(format!("'{name}' does not apply to {text}"))),
        },
        Target::Arrival(arrival) => match Action::parse(TargetKind::Arrival, name, sets).map_err(bad)? {
            Action::Arrival(action) => Ask::Arrival { id: arrival.id.unwrap_or_default(), action },
            _ => return Err(bad(format!("'{name}' does not apply to {text}"))),
        },
    };
    let operator = s.operator.clone();
    let ctx = Ctx { operator: &operator, now: s.now, note };
    // Decided on the job as the write transaction reads it (S7: never on a stale copy).
    let decided = ops::act(&mut s.store, std::slice::from_ref(&ask), &ctx, None)?;
    for change in &decided.changes {
        report(s, &change.job.name, &change.events, || render::job_json(&change.job));
    }
    for (arrival, event) in &decided.arrivals {
        let subject = format!("arrival:{}", arrival.id.unwrap_or_default());
        report(s, &subject, std::slice::from_ref(event), || {
            render::arrivals_json(std::slice::from_ref(arrival))
        });
    }
    Ok(())
}

pub fn arrival(s: &mut Session, dock: ops::Dock<'_>, note: Option<&str>) -> Result<(), CliError> {
    let operator = s.operator.clone();
    let ctx = Ctx { operator: &operator, now: s.now, note };
    let routed = ops::record_arrival(&mut s.store, dock, &ctx, None)?;
    // Under --json a warning is an object too, so stderr stays one JSON document a line.
    for warning in &routed.warnings {
        let line = match s.json {
            true => crate::text::json_safe(&json!({"warning": warning}).to_string()).into_owned(),
            false => format!("ieops: warning: {}", crate::text::visible(warning)),
        };
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), format!("{line}\n").as_bytes());
    }
    for outcome in &routed.outcomes {
        match outcome {
            Outcome::Received(change) => report(
                s,
                &change.job.name,
                &change.events,
                || json!({"outcome": "received", "job": render::job_json(&change.job)}),
            ),
            Outcome::Held { arrival, event } => report(
                s,
                &format!("arrival:{}", arrival.id.unwrap_or_default()),
                std::slice::from_ref(event),
                || json!({"outcome": "held", "arrival": render::arrivals_json(std::slice::from_ref(arrival))[0]}),
            ),
        }
    }
    Ok(())
}

pub fn sweep(s: &mut Session, dry_run: bool) -> Result<(), CliError> {
    let changes = ops::sweep(&mut s.store, s.now, dry_run)?;
    let lines: Vec<String> = changes.iter().flat_map(|(job, events)| event_lines(job, events)).collect();
    emit(
        s,
        || {
            json!({
                "dryRun": dry_run,
                "changes": changes.iter().map(|(job, events)| json!({"job": job, "events": events_json(events)})).collect::<Vec<Value>>(),
            })
        },
        || {
            let verb = if dry_run { "would change" } else { "changed" };
            let mut out = format!("sweep {verb} {} jobs\n", changes.len());
            out.extend(lines.iter().map(|l| format!("{l}\n")));
            out
        },
    );
    Ok(())
}

/// Prints what a change did, one line an event.
fn report<J: serde::Serialize>(s: &Session, subject: &str, events: &[Event], json: impl FnOnce() -> J) {
    emit(
        s,
        || json!({"result": json(), "events": events_json(events)}),
        || event_lines(subject, events).iter().map(|l| format!("{l}\n")).collect(),
    );
}

fn event_lines(subject: &str, events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let what = match &e.drive_id {
                Some(d) => format!("{subject}/{d}"),
                None => subject.to_string(),
            };
            let detail = e.detail.as_deref().map(|d| format!(" — {d}")).unwrap_or_default();
            let line = format!("{what}: {} {} → {} ({}){detail}", e.action, e.from_state, e.to_state, e.rule);
            crate::text::visible(&line).into_owned()
        })
        .collect()
}

fn events_json(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .map(|e| {
            json!({
                "at": e.at, "operator": e.operator, "driveId": e.drive_id, "action": e.action,
                "fromState": e.from_state, "toState": e.to_state, "rule": e.rule.id(),
                "detail": e.detail, "note": e.note,
            })
        })
        .collect()
}
