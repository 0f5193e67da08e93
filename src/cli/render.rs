//! How jobs, drives, events and the attention queue read, as tables for
//! people and as JSON (the service's REST field names) for scripts.

use serde::Serialize;
use serde_json::{Value, json};

use super::table::{Fields, Table};
use crate::domain::attention::Item;
use crate::domain::clock::{self, countdown};
use crate::domain::{ActionKind, Allowed, Arrival, Drive, Job, Timestamp};
use crate::present::{
    self, drive_state_text, flags, job_state_text, job_type_text, next_deadline, opt_stamp, stamp,
};
use crate::store::AuditRecord;

/// A job as the CLI writes it in JSON: its REST-shaped fields, `jobType` and
/// `state` in the service's own words when the console does not know them
/// (issue 4), `driveList`, and the derived percent (S4). Serialized straight
/// to text: building a `serde_json::Value` tree first took longer than reading
/// the jobs from the database (`jobs --json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobOut<'a> {
    #[serde(flatten)]
    job: &'a Job,
    job_type: &'a str,
    state: &'a str,
    drive_list: &'a [Drive],
    percent_complete: u8,
}

pub fn job_json(job: &Job) -> JobOut<'_> {
    JobOut {
        job,
        job_type: job.unknown_job_type.as_deref().unwrap_or(job.job_type.as_str()),
        state: job.unknown_state.as_deref().unwrap_or(job.state.as_str()),
        drive_list: &job.drives,
        percent_complete: job.percent_complete(),
    }
}

pub fn jobs_json(jobs: &[Job]) -> Vec<JobOut<'_>> {
    jobs.iter().map(job_json).collect()
}

pub fn jobs_table(jobs: &[Job], now: Timestamp) -> String {
    let mut t = Table::new(&["NAME", "TYPE", "STATE", "DRIVES", "DONE", "NEXT DEADLINE", "FLAGS"]);
    for job in jobs {
        t.row([
            job.name.clone(),
            job_type_text(job),
            job_state_text(job),
            job.drives.len().to_string(),
            format!("{}%", job.percent_complete()),
            if job.archived_at.is_some() {
                format!("archived {}", opt_stamp(job.archived_at).unwrap_or_default())
            } else {
                next_deadline(job, now)
            },
            flags(job),
        ]);
    }
    empty_or(t, "no jobs match")
}

/// A drive as the CLI writes it in JSON: its REST-shaped fields and its job's name.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveOut<'a> {
    #[serde(flatten)]
    drive: &'a Drive,
    job_name: &'a str,
}

pub fn drives_json(rows: &[(String, Drive)]) -> Vec<DriveOut<'_>> {
    rows.iter().map(|(job, drive)| DriveOut { drive, job_name: job }).collect()
}

pub fn drives_table<'a>(rows: impl IntoIterator<Item = (&'a str, &'a Drive)>, now: Timestamp) -> String {
    let mut t = Table::new(&["JOB", "DRIVE", "STATE", "DONE", "IN STATE", "NOTES"]);
    for (job, d) in rows {
        t.row([
            job.to_string(),
            d.drive_id.clone(),
            drive_state_text(d),
            format!("{}%", d.percent_complete),
            clock::time_in_state(d.state_since, now),
            present::drive_notes(d),
        ]);
    }
    empty_or(t, "no drives match")
}

pub fn events_table(events: &[AuditRecord]) -> String {
    let mut t = Table::new(&["WHEN", "WHO", "WHAT", "ACTION", "FROM", "TO", "RULE", "DETAIL"]);
    for e in events {
        let (what, detail) = (present::event_subject(e), present::event_detail(e));
        t.row([
            stamp(e.at),
            e.operator.clone(),
            what,
            e.action.clone(),
            e.from_state.clone(),
            e.to_state.clone(),
            e.rule.clone(),
            detail,
        ]);
    }
    empty_or(t, "no events")
}

pub fn attention_json(items: &[Item], now: Timestamp) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "rule": i.rule.id(),
                    "subject": i.subject.to_string(),
                    "urgency": format!("{:?}", i.urgency),
                    "what": i.what,
                    "due": i.due,
                    "countdown": i.due.map(|d| countdown(d, now)),
                    "nextStep": i.next_step,
                })
            })
            .collect(),
    )
}

pub fn attention_table(items: &[Item], now: Timestamp) -> String {
    let mut t = Table::new(&["RULE", "SUBJECT", "WHEN", "WHAT", "NEXT STEP"]);
    for i in items {
        let when = crate::present::attention_when(i, now);
        t.row([i.rule.id().to_string(), i.subject.to_string(), when, i.what.clone(), i.next_step.clone()]);
    }
    empty_or(t, "nothing needs attention")
}

pub fn arrivals_table(arrivals: &[Arrival], now: Timestamp) -> String {
    let mut t =
        Table::new(&["ARRIVAL", "RECORDED", "CARRIER", "TRACKING", "JOB", "DRIVES", "STATUS", "CLOCK"]);
    for a in arrivals {
        let next =
            clock::arrival_clocks(a).last().map(|c| format!("{} {}", c.rule, countdown(c.deadline, now)));
        t.row([
            format!("arrival:{}", a.id.unwrap_or_default()),
            stamp(a.recorded_at),
            a.carrier_name.clone(),
            a.tracking_number.clone(),
            a.job_name.clone().unwrap_or_else(|| "-".into()),
            a.drive_ids.join(", "),
            a.status.to_string(),
            next.unwrap_or_default(),
        ]);
    }
    empty_or(t, "no arrivals held")
}

pub fn arrivals_json(arrivals: &[Arrival]) -> Value {
    Value::Array(
        arrivals
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut v {
                    map.insert("id".into(), json!(a.id));
                }
                v
            })
            .collect(),
    )
}

pub fn actions_table(allowed: &[Allowed]) -> String {
    let mut t = Table::new(&["ACTION", "RULE", "PARAMETERS"]);
    for a in allowed {
        t.row([a.kind.name().to_string(), a.rule.id().to_string(), params_text(a.kind)]);
    }
    empty_or(t, "no action is valid now")
}

/// `key=<hint>`, optional ones in brackets, and `[job fields]` where `--set` takes them.
pub fn params_text(kind: ActionKind) -> String {
    let mut params: Vec<String> =
        kind.params()
            .iter()
            .map(|p| {
                if p.required {
                    format!("{}=<{}>", p.key, p.hint)
                } else {
                    format!("[{}=<{}>]", p.key, p.hint)
                }
            })
            .collect();
    if !kind.field_groups().is_empty() {
        params.push("[job fields]".into());
    }
    params.join(" ")
}

pub fn actions_json(allowed: &[Allowed]) -> Value {
    Value::Array(
        allowed
            .iter()
            .map(|a| {
                let params: Vec<Value> = a
                    .kind
                    .params()
                    .iter()
                    .map(|p| json!({"key": p.key, "required": p.required, "hint": p.hint}))
                    .collect();
                json!({"action": a.kind.name(), "rule": a.rule.id(), "params": params})
            })
            .collect(),
    )
}

/// Every field of a job, for `show`.
pub fn job_fields(job: &Job, now: Timestamp) -> String {
    let mut f = Fields::new();
    for (label, value) in present::job_fields(job, now) {
        f.add(label, Some(value));
    }
    f.render()
}

fn empty_or(table: Table, empty: &str) -> String {
    if table.is_empty() { format!("({empty})\n") } else { table.render() }
}
