//! Commands that only read: lists, details, history, valid actions.

use serde_json::json;

use super::error::CliError;
use super::render;
use super::target::{self, Target};
use super::{Session, emit};
use crate::domain::arrival::valid_arrival_actions;
use crate::domain::attention::{self, Item};
use crate::domain::{DriveState, JobState, valid_actions};
use crate::store::{AuditFilter, DriveFilter, JobFilter};

pub fn jobs(
    s: &Session,
    state: Option<JobState>,
    overdue: bool,
    attention: bool,
    archived: bool,
) -> Result<(), CliError> {
    let filter = JobFilter { state, overdue_at: overdue.then_some(s.now), archived };
    let mut jobs = s.store.jobs(&filter)?;
    if attention {
        jobs.retain(|j| !attention::job_items(j, s.now).is_empty());
    }
    emit(s, || render::jobs_json(&jobs), || render::jobs_table(&jobs, s.now));
    Ok(())
}

pub fn drives(s: &Session, state: Option<DriveState>, job: Option<String>) -> Result<(), CliError> {
    if let Some(name) = &job {
        target::job(&s.store, name)?;
    }
    let rows = s.store.drives(&DriveFilter { state, job_name: job })?;
    emit(
        s,
        || render::drives_json(&rows),
        || render::drives_table(rows.iter().map(|(j, d)| (j.as_str(), d)), s.now),
    );
    Ok(())
}

/// The whole triage queue: jobs and held arrivals, most urgent first.
pub fn triage_queue(s: &Session) -> Result<Vec<Item>, CliError> {
    let jobs = s.store.jobs(&JobFilter::default())?;
    let mut items: Vec<Item> = jobs.iter().flat_map(|j| attention::job_items(j, s.now)).collect();
    for arrival in s.store.arrivals(true)? {
        let job_state = match &arrival.job_name {
            Some(name) => s.store.job(name)?.filter(|j| j.archived_at.is_none()).map(|j| j.state),
            None => None,
        };
        items.extend(attention::arrival_items(&arrival, job_state, s.now));
    }
    attention::sort(&mut items);
    Ok(items)
}

pub fn attention(s: &Session) -> Result<(), CliError> {
    let items = triage_queue(s)?;
    emit(s, || render::attention_json(&items, s.now), || render::attention_table(&items, s.now));
    Ok(())
}

pub fn arrivals(s: &Session, all: bool) -> Result<(), CliError> {
    let arrivals = s.store.arrivals(!all)?;
    emit(s, || render::arrivals_json(&arrivals), || render::arrivals_table(&arrivals, s.now));
    Ok(())
}

pub fn show(s: &Session, name: &str) -> Result<(), CliError> {
    let job = target::job(&s.store, name)?;
    let id = job.id.unwrap_or_default();
    let events = s.store.history(id)?;
    let recent = &events[events.len().saturating_sub(10)..];
    let items = attention::job_items(&job, s.now);
    let allowed = valid_actions(&job, None, s.now);
    emit(
        s,
        || {
            let mut v = serde_json::to_value(render::job_json(&job)).unwrap_or_default();
            if let serde_json::Value::Object(map) = &mut v {
                map.insert("attention".into(), render::attention_json(&items, s.now));
                map.insert("actions".into(), render::actions_json(&allowed));
                map.insert("events".into(), serde_json::to_value(recent).unwrap_or_default());
            }
            v
        },
        || {
            let mut out = render::job_fields(&job, s.now);
            out.push_str("\nDrives\n");
            out.push_str(&render::drives_table(job.drives.iter().map(|d| (job.name.as_str(), d)), s.now));
            if !items.is_empty() {
                out.push_str("\nAttention\n");
                out.push_str(&render::attention_table(&items, s.now));
            }
            out.push_str("\nValid actions\n");
            out.push_str(&render::actions_table(&allowed));
            out.push_str("\nLast events\n");
            out.push_str(&render::events_table(recent));
            out
        },
    );
    Ok(())
}

pub fn history(s: &Session, text: &str) -> Result<(), CliError> {
    let events = match target::resolve(&s.store, text)? {
        Target::Arrival(a) => s.store.arrival_history(a.id.unwrap_or_default())?,
        Target::Job(job) | Target::Drive(job, _) => s.store.history(job.id.unwrap_or_default())?,
    };
    emit(s, || serde_json::to_value(&events).unwrap_or_default(), || render::events_table(&events));
    Ok(())
}

pub fn actions(s: &Session, text: &str) -> Result<(), CliError> {
    let allowed = match target::resolve(&s.store, text)? {
        Target::Job(job) => valid_actions(&job, None, s.now),
        Target::Drive(job, drive) => valid_actions(&job, Some(&drive), s.now),
        Target::Arrival(arrival) => valid_arrival_actions(&arrival, s.now),
    };
    emit(
        s,
        || json!({"target": text, "actions": render::actions_json(&allowed)}),
        || render::actions_table(&allowed),
    );
    Ok(())
}

pub fn audit(s: &Session, filter: &AuditFilter) -> Result<(), CliError> {
    let events = s.store.audit(filter)?;
    emit(s, || serde_json::to_value(&events).unwrap_or_default(), || render::events_table(&events));
    Ok(())
}
