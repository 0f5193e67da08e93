//! Property test: random sequences of operator actions, arrivals, sweeps and
//! clock jumps applied to a job, with the invariants of SPEC.md checked after
//! every step. A refused step is dropped (nothing is written, S6); an accepted
//! one replaces the job.

mod common;

use std::collections::BTreeSet;

use common::*;
use ieops::domain::action::ActionKind;
use ieops::domain::arrival::{Outcome, process_arrival};
use ieops::domain::attention::job_items;
use ieops::domain::clock::job_clocks;
use ieops::domain::create::create_job;
use ieops::domain::state::{DriveState, JobState, JobType};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{
    Action, Change, Job, Request, Rule, SYSTEM_OPERATOR, TargetKind, Timestamp, decide, valid_actions,
};
use ieops::store::{JobFilter, Store};
use proptest::prelude::*;

/// One thing that happens to the job.
#[derive(Debug, Clone)]
enum Step {
    /// The clock moves on by this many minutes (up to 40 days).
    Wait(i64),
    /// The sweep runs (C1, C3, C7).
    Sweep,
    /// A package arrives with the listed drives picked by the mask, and maybe an unlisted one.
    Arrive { mask: u8, extra: bool },
    /// Any job action, valid or not.
    JobAction { kind: usize, seed: u32 },
    /// Any drive action on the n-th drive (or an unknown one), valid or not.
    DriveAction { drive: usize, kind: usize, seed: u32 },
    /// One of the actions `valid_actions` offers now, on the job or one of its drives.
    Offered { drive: Option<usize>, n: usize, seed: u32 },
}

#[derive(Debug, Clone)]
struct Setup {
    job_type: JobType,
    drives: usize,
    /// The customer's update before shipping: full, or missing something.
    fields: u8,
}

fn setup() -> impl Strategy<Value = Setup> {
    (prop_oneof![3 => Just(JobType::Import), 1 => Just(JobType::Export)], 1usize..=4, any::<u8>())
        .prop_map(|(job_type, drives, fields)| Setup { job_type, drives, fields })
}

fn a_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (1i64..=24 * 60).prop_map(Step::Wait),
        1 => (1i64..=40 * 24 * 60).prop_map(Step::Wait),
        1 => Just(Step::Sweep),
        2 => (any::<u8>(), prop::bool::weighted(0.2)).prop_map(|(mask, extra)| Step::Arrive { mask, extra }),
        1 => (any::<usize>(), any::<u32>()).prop_map(|(kind, seed)| Step::JobAction { kind, seed }),
        1 => (0usize..6, any::<usize>(), any::<u32>())
            .prop_map(|(drive, kind, seed)| Step::DriveAction { drive, kind, seed }),
        8 => (prop::option::weighted(0.7, 0usize..6), any::<usize>(), any::<u32>())
            .prop_map(|(drive, n, seed)| Step::Offered { drive, n, seed }),
    ]
}

// ------------------------------------------------------------ plausible actions

fn pick<T: Copy>(items: &[T], seed: u32) -> T {
    items[seed as usize % items.len()]
}

const UPDATABLE: [(&str, &str); 9] = [
    ("deliveryPackage.carrierName", "FedEx"),
    ("deliveryPackage.trackingNumber", ""),
    ("returnAddress.city", ""),
    ("returnAddress.city", "Galway"),
    ("returnAddress.phone", ""),
    ("returnAddress.streetAddress1", "3 Dock Rd"),
    ("returnShipping.carrierName", "UPS"),
    ("storageAccountId", "contoso"),
    ("returnAddress.recipientName", " "),
];

fn parse(target: TargetKind, kind: ActionKind, pairs: &[(&str, &str)]) -> Action {
    Action::parse(target, kind.name(), &sets(pairs))
        .unwrap_or_else(|e| panic!("{kind} {pairs:?} does not parse: {e}"))
}

/// A job action of `kind` with parameters an operator could type.
fn job_request(kind: ActionKind, seed: u32) -> Request {
    let full_ship = ship_pairs();
    let pairs: Vec<(&str, &str)> = match kind {
        ActionKind::Update => vec![pick(&UPDATABLE, seed), pick(&UPDATABLE, seed / 16)]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect(),
        ActionKind::Ship if seed % 4 == 0 => {
            let mut p = full_ship.clone();
            p.remove(seed as usize / 4 % p.len());
            p
        }
        ActionKind::Ship => full_ship,
        ActionKind::NotifyCustomer => vec![("via", pick(&["email", "phone"], seed))],
        ActionKind::ExtendWait => {
            let days = ["1", "3", "7", "14", "30", "90"];
            vec![("days", pick(&days, seed))]
        }
        ActionKind::Contact => {
            vec![
                ("via", pick(&["email", "phone"], seed)),
                ("outcome", pick(&["reached", "unreachable"], seed / 2)),
            ]
        }
        ActionKind::ReportReturnProblem => vec![("kind", pick(&["lost", "damaged"], seed))],
        ActionKind::ShipBack if seed % 5 == 0 => vec![],
        ActionKind::ShipBack => RETURN_PACKAGE.to_vec(),
        ActionKind::Fault => vec![("reason", "stuck in customs")],
        ActionKind::Resolve => vec![("state", pick(JobState::ALL, seed).as_str())],
        _ => vec![],
    };
    match parse(TargetKind::Job, kind, &pairs) {
        Action::Job(a) => Request::Job(a),
        other => panic!("not a job action: {other:?}"),
    }
}

/// A drive action of `kind` with parameters an operator could type.
fn drive_request(drive_id: &str, kind: ActionKind, seed: u32) -> Request {
    let percent = (seed % 101).to_string();
    let bytes = (u64::from(seed % 1000) * 1_000_000).to_string();
    let messages = ["error:crc mismatch", "warning:blob overwritten", "info:skipped"];
    let pairs: Vec<(&str, &str)> = match kind {
        ActionKind::Progress if seed % 2 == 0 => vec![("percent", &percent), ("bytes", &bytes)],
        ActionKind::Progress => vec![("percent", &percent)],
        ActionKind::CompleteWithInfo => {
            vec![("message", pick(&messages, seed)), ("message", pick(&messages, seed / 3 + 1))]
        }
        ActionKind::ShipBack if seed % 5 == 0 => vec![],
        ActionKind::ShipBack => RETURN_PACKAGE.to_vec(),
        ActionKind::Fault => vec![("reason", "unreadable sector")],
        ActionKind::Resolve => vec![("state", pick(DriveState::ALL, seed).as_str())],
        _ => vec![],
    };
    match parse(TargetKind::Drive, kind, &pairs) {
        Action::Drive(action) => Request::Drive { drive_id: drive_id.to_string(), action },
        other => panic!("not a drive action: {other:?}"),
    }
}

/// Resolving into the state before the fault or one transition on (S5), mostly.
fn resolve_job_request(job: &Job, seed: u32) -> Request {
    let Some(from) = job.faulted_from else { return job_request(ActionKind::Resolve, seed) };
    let mut states = vec![from];
    states.extend(from.successors());
    let pairs = [("state", pick(&states, seed).as_str())];
    match parse(TargetKind::Job, ActionKind::Resolve, &pairs) {
        Action::Job(a) => Request::Job(a),
        other => panic!("not a job action: {other:?}"),
    }
}

fn resolve_drive_request(job: &Job, drive_id: &str, seed: u32) -> Request {
    let Some(from) = job.drive(drive_id).and_then(|d| d.faulted_from) else {
        return drive_request(drive_id, ActionKind::Resolve, seed);
    };
    let mut states = vec![from];
    states.extend(from.successors());
    let pairs = [("state", pick(&states, seed).as_str())];
    match parse(TargetKind::Drive, ActionKind::Resolve, &pairs) {
        Action::Drive(action) => Request::Drive { drive_id: drive_id.to_string(), action },
        other => panic!("not a drive action: {other:?}"),
    }
}

fn kinds_for(target: TargetKind) -> Vec<ActionKind> {
    ActionKind::ALL.iter().copied().filter(|k| k.targets().contains(&target)).collect()
}

fn drive_id_at(job: &Job, drive: usize) -> String {
    job.drives.get(drive).map_or_else(|| "NOPE".to_string(), |d| d.drive_id.clone())
}

// ------------------------------------------------------------------ invariants

const PAST_SHIPPING: [JobState; 5] =
    [JobState::Received, JobState::Transferring, JobState::Packaging, JobState::Completed, JobState::Closed];

/// What must hold of any job the domain produces.
fn check_job(job: &Job) -> Result<(), TestCaseError> {
    let state = job.effective_state();
    if state == JobState::Shipping {
        // J4
        prop_assert!(
            job.delivery_package.missing("dp").is_empty(),
            "Shipping without delivery package: {job:?}"
        );
        prop_assert!(job.return_address.missing().is_empty(), "Shipping without return address: {job:?}");
    }
    if PAST_SHIPPING.contains(&state) {
        // J8, D3
        prop_assert!(
            job.drives.iter().all(|d| d.state != DriveState::Specified),
            "a Specified drive in a {state} job: {:?}",
            job.drives
        );
    }
    if job.state == JobState::Completed {
        // J11, S1
        prop_assert!(!job.had_errors(), "Completed with errors: {job:?}");
        // S1 spelled out: no copy that met issues, no fault, no destruction
        // (a cancellation alone is no error).
        prop_assert!(
            job.drives.iter().all(|d| !d.ended_with_issues()),
            "Completed after a copy that met issues (S1)"
        );
        prop_assert!(!job.ever_faulted, "Completed after a fault");
        prop_assert!(job.drives.iter().all(|d| d.destroyed_at.is_none()), "Completed with destroyed drives");
        prop_assert!(
            job.listed_drives().all(|d| d.state != DriveState::NeverReceived && !d.late_in_packaging)
        );
    }
    if job.state.is_final() {
        // S12: nothing is left behind, whichever way the job ended.
        prop_assert!(
            job.drives
                .iter()
                .filter(|d| !d.gone())
                .map(|d| d.faulted_from.unwrap_or(d.state))
                .filter(|state| state.has_arrived())
                .all(|state| state == DriveState::ShippedBack),
            "{} with drives still here: {:?}",
            job.state,
            job.drives
        );
    }
    if matches!(state, JobState::Packaging | JobState::Completed) && !job.cancel_requested {
        // J10: Packaging once every received drive has been processed.
        let copied = [
            DriveState::NeverReceived,
            DriveState::Completed,
            DriveState::CompletedMoreInfo,
            DriveState::ShippedBack,
        ];
        prop_assert!(
            job.listed_drives()
                .all(|d| d.late_in_packaging || copied.contains(&d.faulted_from.unwrap_or(d.state))),
            "a {state} job with a drive not processed: {:?}",
            job.drives
        );
    }
    // J8–J12, S3 are applied as consequences: none is left pending.
    let listed: Vec<_> = job.listed_drives().collect();
    // S9: an export job that expects a drive count waits for that many.
    let expected = job.delivery_package.drive_count.filter(|n| *n > 0 && job.job_type == JobType::Export);
    match job.state {
        JobState::Shipping => {
            prop_assert!(
                listed.is_empty()
                    || !listed
                        .iter()
                        .all(|d| matches!(d.state, DriveState::Received | DriveState::NeverReceived))
                    || listed.iter().all(|d| d.state == DriveState::NeverReceived)
                    || expected.is_some_and(|n| listed.len() < n as usize),
                "J8 pending: {:?}",
                job.drives
            );
            let held = |d: &&ieops::domain::Drive| {
                let state = d.faulted_from.unwrap_or(d.state);
                state.has_arrived() && state != DriveState::ShippedBack && !d.gone()
            };
            let nothing_came = listed.iter().all(|d| d.state == DriveState::NeverReceived)
                && !job.drives.iter().any(|d| held(&d));
            prop_assert!(!(job.cancel_requested && !listed.is_empty() && nothing_came), "S3 close pending");
        }
        JobState::Received => {
            prop_assert!(!job.cancel_requested, "S3 pending");
            prop_assert!(listed.iter().all(|d| d.state != DriveState::Transferring), "J9 pending");
        }
        JobState::Packaging => {
            let present: Vec<_> = job.drives.iter().filter(|d| d.state.has_arrived() && !d.gone()).collect();
            prop_assert!(
                present.is_empty() || !present.iter().all(|d| d.state == DriveState::ShippedBack),
                "J11/J12 pending: {:?}",
                job.drives
            );
        }
        _ => {}
    }
    // J9, D5: a drive is copied only while its job is Transferring (or destroyed with it, E4).
    if job.drives.iter().any(|d| d.state == DriveState::Transferring && d.destroyed_at.is_none()) {
        prop_assert_eq!(state, JobState::Transferring);
    }
    // D1: an export job's drives are Received when they arrive, never Specified.
    if job.job_type == JobType::Export {
        prop_assert!(job.drives.iter().all(|d| d.faulted_from.unwrap_or(d.state) != DriveState::Specified));
    }
    if job.cancel_requested {
        // S3: a cancelled job skips the copy.
        prop_assert!(job.drives.iter().all(|d| d.state != DriveState::Transferring));
    }
    // J15: the overlay remembers what it interrupted, and only then.
    prop_assert_eq!(job.state == JobState::Faulted, job.faulted_from.is_some());
    for d in &job.drives {
        prop_assert_eq!(d.state == DriveState::Faulted, d.faulted_from.is_some());
        let processed = d.state.is_processed() || d.state == DriveState::Transferring;
        prop_assert!(!(d.extra && processed), "extra drive processed (D9): {d:?}");
    }
    Ok(())
}

/// What must hold of a change from `before`, decided at `now`.
fn check_change(before: &Job, change: &Change, now: Timestamp) -> Result<(), TestCaseError> {
    let after = &change.job;
    // S7: the store bumps the version, never the domain.
    prop_assert_eq!(after.version, before.version);
    for d in &before.drives {
        prop_assert_eq!(
            after.drive(&d.drive_id).map(|a| a.version),
            Some(d.version),
            "drive {} lost",
            d.drive_id
        );
    }
    // S6: every change carries its events, all at `now`.
    prop_assert!(!change.events.is_empty(), "a change without events");
    prop_assert!(change.events.iter().all(|e| e.at == now));
    // P1: a corrected receipt undoes the J8 it caused.
    let consequences = [Rule::J8, Rule::J9, Rule::J10, Rule::J11, Rule::J12, Rule::S3, Rule::P1];
    for e in change.events.iter().filter(|e| e.action == "consequence") {
        prop_assert!(
            consequences.contains(&e.rule) || (e.rule == Rule::J7 && e.drive_id.is_some()),
            "consequence under {}",
            e.rule
        );
    }

    // Each subject's events chain from its state before to its state after.
    let job_events: Vec<_> = change.events.iter().filter(|e| e.drive_id.is_none()).collect();
    match (job_events.first(), job_events.last()) {
        (Some(first), Some(last)) => {
            prop_assert_eq!(&first.from_state, before.state.as_str(), "{:?}", change.events);
            for w in job_events.windows(2) {
                prop_assert_eq!(&w[1].from_state, &w[0].to_state, "{:?}", change.events);
            }
            if last.to_state == "archived" {
                prop_assert!(before.archived_at.is_none() && after.archived_at == Some(now));
                prop_assert!(last.rule == Rule::J2 || last.rule == Rule::J13);
                prop_assert_eq!(after.state, before.state);
            } else {
                prop_assert_eq!(&last.to_state, after.state.as_str(), "{:?}", change.events);
                prop_assert_eq!(after.archived_at, before.archived_at);
            }
        }
        _ => {
            prop_assert_eq!(after.state, before.state, "job state changed silently: {:?}", change.events);
            prop_assert_eq!(after.archived_at, before.archived_at);
        }
    }
    let ids: BTreeSet<&str> =
        before.drives.iter().chain(&after.drives).map(|d| d.drive_id.as_str()).collect();
    for id in ids {
        let events: Vec<_> = change.events.iter().filter(|e| e.drive_id.as_deref() == Some(id)).collect();
        let was = before.drive(id).map_or("-", |d| d.state.as_str());
        let is = after.drive(id).map(|d| d.state.as_str());
        prop_assert!(is.is_some(), "drive {id} disappeared");
        match (events.first(), events.last()) {
            (Some(first), Some(last)) => {
                prop_assert_eq!(first.from_state.as_str(), was, "{:?}", change.events);
                for w in events.windows(2) {
                    prop_assert_eq!(&w[1].from_state, &w[0].to_state);
                }
                prop_assert_eq!(Some(last.to_state.as_str()), is, "{:?}", change.events);
            }
            _ => prop_assert_eq!(Some(was), is, "drive {} changed silently: {:?}", id, change.events),
        }
    }
    check_job(after)
}

/// An archived job refuses everything and leaves every active view (S2).
fn check_archived(job: &Job, now: Timestamp) -> Result<(), TestCaseError> {
    prop_assert!(valid_actions(job, None, now).is_empty());
    prop_assert!(sweep_job(job, now).is_none());
    prop_assert!(job_items(job, now).is_empty());
    prop_assert!(job_clocks(job).is_empty());
    let mut requests = every_job_request();
    for d in &job.drives {
        prop_assert!(valid_actions(job, Some(&d.drive_id), now).is_empty());
        requests.extend(every_drive_request(&d.drive_id));
    }
    for req in &requests {
        match decide(job, req, &ctx(now)) {
            Ok(change) => prop_assert!(false, "archived job accepted {req:?}: {:?}", change.events),
            Err(r) => prop_assert_eq!(r.rule, Rule::S2),
        }
    }
    Ok(())
}

fn create_for(setup: &Setup) -> Change {
    let drives: Vec<String> = match setup.job_type {
        JobType::Import => (1..=setup.drives).map(|i| format!("D{i}")).collect(),
        JobType::Export => Vec::new(),
    };
    create_job("job-p", setup.job_type, &drives, &[], &ctx(t0())).expect("a valid set-up")
}

/// The drive ids a package may carry: the listed ones (import) or the customer's (export).
fn package_ids(setup: &Setup) -> Vec<String> {
    let prefix = if setup.job_type == JobType::Import { "D" } else { "E" };
    (1..=setup.drives).map(|i| format!("{prefix}{i}")).collect()
}

/// The store every accepted change goes through, so the invariants that only
/// the store can keep are checked too: versions only grow (S7), audit events =
/// applied changes (S6), an archived job is in no active list (S2).
struct Ledger {
    store: Store,
    events: u64,
}

impl Ledger {
    fn new(job: &Job, events: &[ieops::domain::Event]) -> (Ledger, Job) {
        let mut store = Store::open_in_memory().expect("in-memory store");
        let id = store.write(|w| w.insert_job(job, events)).expect("insert");
        let stored = store.job_by_id(id).expect("read").expect("stored");
        (Ledger { store, events: events.len() as u64 }, stored)
    }

    /// Writes the change and returns the job as stored, checking what the store owes.
    fn commit(&mut self, before: &Job, change: &Change) -> Result<Job, TestCaseError> {
        self.store
            .write(|w| w.apply(change))
            .map_err(|e| TestCaseError::fail(format!("store refused: {e}")))?;
        self.events += change.events.len() as u64;
        prop_assert_eq!(
            self.store.event_count().ok(),
            Some(self.events),
            "audit events = applied changes (S6)"
        );
        let stored = self.store.job_by_id(before.id.unwrap_or_default()).ok().flatten();
        let Some(stored) = stored else {
            return Err(TestCaseError::fail("job vanished from the store (S2)"));
        };
        prop_assert_eq!(stored.version, before.version + 1, "versions grow by one a change (S7)");
        for d in &stored.drives {
            let old = before.drive(&d.drive_id).map_or(-1, |o| o.version);
            prop_assert!(d.version >= old, "drive {} version went back", d.drive_id);
        }
        let mut expected = change.job.clone();
        expected.version = stored.version;
        for (e, s) in expected.drives.iter_mut().zip(&stored.drives) {
            e.version = s.version;
        }
        prop_assert_eq!(&stored, &expected, "the store gives back what was decided");
        let active =
            self.store.jobs(&JobFilter::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let archived = JobFilter { archived: true, ..JobFilter::default() };
        let in_archive = self.store.jobs(&archived).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let listed = active.iter().any(|j| j.id == stored.id);
        prop_assert_eq!(listed, stored.archived_at.is_none(), "an archived job is in no active list (S2)");
        prop_assert_eq!(in_archive.iter().any(|j| j.id == stored.id), stored.archived_at.is_some());
        Ok(stored)
    }
}

/// Applies a decided request: keeps the change if accepted, checks either way.
fn apply_request(
    ledger: &mut Ledger,
    job: &mut Job,
    req: &Request,
    now: Timestamp,
) -> Result<(), TestCaseError> {
    let target_drive = match req {
        Request::Job(_) => None,
        Request::Drive { drive_id, .. } => Some(drive_id.clone()),
    };
    let kind = match req {
        Request::Job(a) => a.kind(),
        Request::Drive { action, .. } => action.kind(),
    };
    match decide(job, req, &ctx(now)) {
        Ok(change) => {
            // What decide accepts, valid_actions offered.
            let offered = valid_actions(job, target_drive.as_deref(), now);
            prop_assert!(
                offered.iter().any(|a| a.kind == kind),
                "{kind} accepted but not offered: {offered:?}"
            );
            prop_assert!(change.events.iter().all(|e| e.operator == OPERATOR));
            check_change(job, &change, now)?;
            *job = ledger.commit(job, &change)?;
        }
        Err(r) => prop_assert!(!r.message.trim().is_empty(), "a refusal without a message"),
    }
    Ok(())
}

fn run(setup: &Setup, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut now = t0();
    let created = create_for(setup);
    check_job(&created.job)?;
    let (mut ledger, mut job) = Ledger::new(&created.job, &created.events);
    let ledger = &mut ledger;
    // The customer's update before shipping, complete three times in four.
    let mut pairs = ship_pairs();
    if setup.fields % 4 == 0 {
        pairs.remove(usize::from(setup.fields / 4) % pairs.len());
    }
    apply_request(ledger, &mut job, &job_req("ship", &pairs), now)?;

    for step in steps {
        match step {
            Step::Wait(minutes) => now += chrono::Duration::minutes(*minutes),
            Step::Sweep => {
                if let Some(change) = sweep_job(&job, now) {
                    prop_assert!(change.events.iter().all(|e| e.operator == SYSTEM_OPERATOR));
                    check_change(&job, &change, now)?;
                    job = ledger.commit(&job, &change)?;
                }
            }
            Step::Arrive { mask, extra } => {
                let mut drives: Vec<String> = package_ids(setup)
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, id)| id)
                    .collect();
                if *extra {
                    drives.push("X9".into());
                }
                if drives.is_empty() {
                    continue;
                }
                let refs: Vec<&str> = drives.iter().map(String::as_str).collect();
                match process_arrival(Some(&job), &package(&refs, Some(&job.name)), &ctx(now)) {
                    Ok(Outcome::Received(change)) => {
                        prop_assert!(job.archived_at.is_none());
                        check_change(&job, &change, now)?;
                        job = ledger.commit(&job, &change)?;
                    }
                    Ok(Outcome::Held { event, .. }) => {
                        // J16, E1: only when the job cannot take its drives.
                        prop_assert_eq!(event.rule, Rule::E1);
                        prop_assert!(
                            job.archived_at.is_some()
                                || !matches!(
                                    job.state,
                                    JobState::Shipping | JobState::Received | JobState::Transferring
                                ),
                            "held for a {} job",
                            job.state
                        );
                    }
                    Err(r) => prop_assert!(!r.message.is_empty()),
                }
            }
            Step::JobAction { kind, seed } => {
                let kinds = kinds_for(TargetKind::Job);
                let req = job_request(kinds[kind % kinds.len()], *seed);
                apply_request(ledger, &mut job, &req, now)?;
            }
            Step::DriveAction { drive, kind, seed } => {
                let kinds = kinds_for(TargetKind::Drive);
                let req = drive_request(&drive_id_at(&job, *drive), kinds[kind % kinds.len()], *seed);
                apply_request(ledger, &mut job, &req, now)?;
            }
            Step::Offered { drive, n, seed } => {
                let drive_id = match drive {
                    Some(i) if !job.drives.is_empty() => Some(drive_id_at(&job, i % job.drives.len())),
                    _ => None,
                };
                let mut offered: Vec<ActionKind> =
                    valid_actions(&job, drive_id.as_deref(), now).into_iter().map(|a| a.kind).collect();
                // Faults are always offered; keep them rarer so jobs also run their course.
                if seed % 4 != 0 && offered.len() > 1 {
                    offered.retain(|k| *k != ActionKind::Fault);
                }
                if offered.is_empty() {
                    continue;
                }
                let kind = offered[n % offered.len()];
                let req = match (&drive_id, kind) {
                    (Some(id), ActionKind::Resolve) => resolve_drive_request(&job, id, *seed),
                    (None, ActionKind::Resolve) => resolve_job_request(&job, *seed),
                    (Some(id), _) => drive_request(id, kind, *seed),
                    (None, _) => job_request(kind, *seed),
                };
                apply_request(ledger, &mut job, &req, now)?;
            }
        }
        if job.archived_at.is_some() {
            check_archived(&job, now)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_over_random_action_sequences(
        setup in setup(),
        steps in prop::collection::vec(a_step(), 1..80),
    ) {
        run(&setup, &steps)?;
    }
}
