//! Builders shared by the rule tests: a fixed `now`, requests parsed the way an
//! operator types them, and jobs walked through the documented life cycle.
#![allow(dead_code)]

use chrono::{Duration, TimeZone, Utc};

use ieops::domain::arrival::{self, Outcome, Package};
use ieops::domain::create::create_job;
use ieops::domain::state::{DriveState, JobState, JobType};
use ieops::domain::{Action, Change, Ctx, Event, Job, Refusal, Request, Rule, TargetKind, Timestamp, decide};

pub const OPERATOR: &str = "ana";

/// 2026-11-22T12:00:00Z: every scenario starts here.
pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn secs(n: i64) -> Duration {
    Duration::seconds(n)
}

pub fn ctx(now: Timestamp) -> Ctx<'static> {
    Ctx { operator: OPERATOR, now, note: None }
}

pub fn sets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A job action as typed: `ieops job NAME ACTION --set K=V`.
pub fn job_req(name: &str, pairs: &[(&str, &str)]) -> Request {
    match Action::parse(TargetKind::Job, name, &sets(pairs)) {
        Ok(Action::Job(a)) => Request::Job(a),
        other => panic!("job action {name} {pairs:?} did not parse: {other:?}"),
    }
}

/// A drive action as typed: `ieops drive JOB/DRIVE ACTION --set K=V`.
pub fn drive_req(drive_id: &str, name: &str, pairs: &[(&str, &str)]) -> Request {
    match Action::parse(TargetKind::Drive, name, &sets(pairs)) {
        Ok(Action::Drive(action)) => Request::Drive { drive_id: drive_id.to_string(), action },
        other => panic!("drive action {name} {pairs:?} did not parse: {other:?}"),
    }
}

pub fn accept(job: &Job, req: &Request, now: Timestamp) -> Change {
    decide(job, req, &ctx(now)).unwrap_or_else(|r| panic!("{req:?} was {r}"))
}

pub fn refuse(job: &Job, req: &Request, now: Timestamp) -> Refusal {
    match decide(job, req, &ctx(now)) {
        Ok(change) => panic!("{req:?} was accepted: {:?}", change.events),
        Err(r) => r,
    }
}

/// Applies an accepted request and returns the job after it.
pub fn step(job: &Job, req: Request, now: Timestamp) -> Job {
    accept(job, &req, now).job
}

pub fn assert_refused(r: &Refusal, rule: Rule, words: &[&str]) {
    assert_eq!(r.rule, rule, "wrong rule for: {}", r.message);
    for w in words {
        assert!(r.message.contains(w), "'{}' does not name {w}", r.message);
    }
}

// ------------------------------------------------------------------ job set-ups

pub const DELIVERY: [(&str, &str); 2] =
    [("deliveryPackage.carrierName", "DHL"), ("deliveryPackage.trackingNumber", "JD0140")];

pub const ADDRESS: [(&str, &str); 6] = [
    ("returnAddress.recipientName", "Contoso Ops"),
    ("returnAddress.streetAddress1", "1 Harbour Road"),
    ("returnAddress.city", "Dublin"),
    ("returnAddress.postalCode", "D02 X285"),
    ("returnAddress.countryOrRegion", "Ireland"),
    ("returnAddress.phone", "+353 1 555 0100"),
];

pub const RETURN_PACKAGE: [(&str, &str); 2] =
    [("returnPackage.carrierName", "UPS"), ("returnPackage.trackingNumber", "1Z-RETURN-7")];

pub fn ship_pairs() -> Vec<(&'static str, &'static str)> {
    DELIVERY.iter().chain(ADDRESS.iter()).copied().collect()
}

pub fn ids(drives: &[&str]) -> Vec<String> {
    drives.iter().map(|d| d.to_string()).collect()
}

pub fn create(name: &str, job_type: JobType, drives: &[&str], now: Timestamp) -> Change {
    create_job(name, job_type, &ids(drives), &[], &ctx(now)).unwrap_or_else(|r| panic!("create refused: {r}"))
}

/// An import job created at t0, in `Creating`.
pub fn import_job(drives: &[&str]) -> Job {
    create("imp-1", JobType::Import, drives, t0()).job
}

/// An export job created at t0, in `Creating`.
pub fn export_job() -> Job {
    create("exp-1", JobType::Export, &[], t0()).job
}

/// Shipped at t0: C2 and C3 end at t0 + 14 days.
pub fn shipping(job: &Job) -> Job {
    step(job, job_req("ship", &ship_pairs()), t0())
}

pub fn shipping_import(drives: &[&str]) -> Job {
    shipping(&import_job(drives))
}

pub fn package(drives: &[&str], job_name: Option<&str>) -> Package {
    Package {
        carrier_name: "DHL".into(),
        tracking_number: "JD0140".into(),
        drive_ids: ids(drives),
        job_name: job_name.map(str::to_string),
    }
}

/// The package's drives received into the job.
pub fn arrive(job: &Job, drives: &[&str], now: Timestamp) -> Change {
    match arrival::process_arrival(Some(job), &package(drives, Some(&job.name)), &ctx(now)) {
        Ok(Outcome::Received(change)) => change,
        other => panic!("arrival of {drives:?} was not received: {other:?}"),
    }
}

/// Every listed drive arrived one day after shipping: the job is `Received` (J8).
pub fn received_import(drives: &[&str]) -> Job {
    let job = shipping_import(drives);
    let job = arrive(&job, drives, t0() + days(1)).job;
    assert_eq!(job.state, JobState::Received);
    job
}

/// Every drive copied without issues: the job is `Packaging` (J10).
pub fn packaging_import(drives: &[&str]) -> Job {
    let mut job = received_import(drives);
    for d in drives {
        job = step(&job, drive_req(d, "start-transfer", &[]), t0() + days(2));
        job = step(&job, drive_req(d, "complete", &[]), t0() + days(3));
    }
    assert_eq!(job.state, JobState::Packaging);
    job
}

/// Shipped back at t0 + 4 days: the job is `Completed` (J11).
pub fn completed_import(drives: &[&str]) -> Job {
    let job = packaging_import(drives);
    let job = step(&job, job_req("ship-back", &RETURN_PACKAGE), t0() + days(4));
    assert_eq!(job.state, JobState::Completed);
    job
}

/// An export job whose drives E1, E2 arrived (D1), were filled and shipped back.
pub fn completed_export() -> Job {
    let mut job = shipping(&export_job());
    job = arrive(&job, &["E1", "E2"], t0() + days(1)).job;
    for d in ["E1", "E2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t0() + days(2));
        job = step(&job, drive_req(d, "complete", &[]), t0() + days(3));
    }
    let job = step(&job, job_req("ship-back", &RETURN_PACKAGE), t0() + days(4));
    assert_eq!(job.state, JobState::Completed);
    job
}

pub fn drive_state(job: &Job, drive_id: &str) -> DriveState {
    job.drive(drive_id).unwrap_or_else(|| panic!("no drive {drive_id}")).state
}

// ----------------------------------------------------------------------- events

/// `(subject, from, to, rule)` of every event, subject `None` for the job.
pub fn transitions(events: &[Event]) -> Vec<(Option<&str>, &str, &str, Rule)> {
    events
        .iter()
        .map(|e| (e.drive_id.as_deref(), e.from_state.as_str(), e.to_state.as_str(), e.rule))
        .collect()
}

/// `(from, to, rule)` of the job's own events.
pub fn job_transitions(events: &[Event]) -> Vec<(&str, &str, Rule)> {
    events
        .iter()
        .filter(|e| e.drive_id.is_none())
        .map(|e| (e.from_state.as_str(), e.to_state.as_str(), e.rule))
        .collect()
}

// ------------------------------------------------------------- every request

/// One request of every job action, with plausible parameters.
pub fn every_job_request() -> Vec<Request> {
    vec![
        job_req("update", &[("returnAddress.city", "Cork")]),
        job_req("ship", &ship_pairs()),
        job_req("notify-customer", &[]),
        job_req("extend-wait", &[("days", "7")]),
        job_req("cancel", &[]),
        job_req("close-unanswered", &[]),
        job_req("contact", &[("via", "email")]),
        job_req("bad-return-address", &[]),
        job_req("report-return-problem", &[("kind", "lost")]),
        job_req("destroy-drives", &[]),
        job_req("ship-back", &RETURN_PACKAGE),
        job_req("fault", &[("reason", "stuck")]),
        job_req("resolve", &[("state", "Creating")]),
    ]
}

/// One request of every drive action on `drive_id`, with plausible parameters.
pub fn every_drive_request(drive_id: &str) -> Vec<Request> {
    vec![
        drive_req(drive_id, "receive", &[]),
        drive_req(drive_id, "never-received", &[]),
        drive_req(drive_id, "start-transfer", &[]),
        drive_req(drive_id, "progress", &[("percent", "50")]),
        drive_req(drive_id, "complete", &[]),
        drive_req(drive_id, "complete-with-info", &[("message", "info:ok")]),
        drive_req(drive_id, "ship-back", &RETURN_PACKAGE),
        drive_req(drive_id, "fault", &[("reason", "stuck")]),
        drive_req(drive_id, "resolve", &[("state", "Received")]),
    ]
}
