//! Property test of S8 and S12 across jobs: random sequences of job
//! creations, customer updates, package arrivals, imports, operator actions,
//! sweeps and clock jumps over a few jobs that share a small pool of drive
//! ids, run through the operations and the store as the command line runs
//! them. After every step: one physical drive is in one place, and no job
//! that ended holds a drive.

mod common;

use std::collections::HashMap;

use chrono::Duration;
use common::{RETURN_PACKAGE, ship_pairs, t0};
use ieops::domain::attention::job_items;
use ieops::domain::decide::resolve_targets;
use ieops::domain::state::{DriveState, JobType};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{
    Action, ActionKind, Ctx, Job, Request, Rule, TargetKind, Timestamp, decide, valid_actions,
};
use ieops::interop::import_documents;
use ieops::ops;
use ieops::store::{JobFilter, Store};
use proptest::prelude::*;

const NAMES: [&str; 3] = ["job-a", "job-b", "job-c"];
const POOL: [&str; 5] = ["P0", "P1", "P2", "P3", "P4"];

#[derive(Debug, Clone)]
enum Step {
    Create { name: usize, ids: u8 },
    Ship { name: usize },
    Arrive { ids: u8, name: Option<usize> },
    Import { name: usize, ids: u8, shipping: bool },
    Act { name: usize, drive: Option<usize>, n: usize },
    Wait(i64),
    Sweep,
}

fn a_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..NAMES.len(), 1u8..32).prop_map(|(name, ids)| Step::Create { name, ids }),
        2 => (0..NAMES.len()).prop_map(|name| Step::Ship { name }),
        3 => (1u8..32, prop::option::of(0..NAMES.len())).prop_map(|(ids, name)| Step::Arrive { ids, name }),
        1 => (0..NAMES.len(), 1u8..32, any::<bool>())
            .prop_map(|(name, ids, shipping)| Step::Import { name, ids, shipping }),
        6 => (0..NAMES.len(), prop::option::of(0usize..6), any::<usize>())
            .prop_map(|(name, drive, n)| Step::Act { name, drive, n }),
        1 => (1i64..=20 * 24).prop_map(Step::Wait),
        1 => Just(Step::Sweep),
    ]
}

/// Up to three drive ids of the pool, picked by the bits of `mask`.
fn ids(mask: u8) -> Vec<String> {
    POOL.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// The parameters an offered action needs, as an operator would give them.
fn request(job: &Job, drive: Option<&str>, kind: ActionKind, now: Timestamp) -> Option<Request> {
    let target = if drive.is_some() { TargetKind::Drive } else { TargetKind::Job };
    let resolve;
    let pairs: Vec<(&str, &str)> = match kind {
        ActionKind::Ship | ActionKind::Update => ship_pairs(),
        ActionKind::ShipBack => RETURN_PACKAGE.to_vec(),
        ActionKind::Fault => vec![("reason", "stuck")],
        ActionKind::Contact => vec![("via", "phone"), ("outcome", "unreachable")],
        ActionKind::ExtendWait => vec![("days", "3")],
        ActionKind::Progress => vec![("percent", "100")],
        ActionKind::CompleteWithInfo => vec![("message", "warning:renamed")],
        ActionKind::ReportReturnProblem => vec![("kind", "lost")],
        ActionKind::Resolve => {
            resolve = resolve_targets(job, drive, now);
            vec![("state", resolve.first()?.as_str())]
        }
        _ => Vec::new(),
    };
    let sets: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    match (Action::parse(target, kind.name(), &sets).ok()?, drive) {
        (Action::Job(a), None) => Some(Request::Job(a)),
        (Action::Drive(action), Some(id)) => Some(Request::Drive { drive_id: id.to_string(), action }),
        _ => None,
    }
}

fn import_doc(name: &str, drive_ids: &[String], shipping: bool) -> String {
    let drives: Vec<String> =
        drive_ids.iter().map(|id| format!(r#"{{"driveId": "{id}", "state": "Specified"}}"#)).collect();
    let (state, package) = if shipping {
        (
            "Shipping",
            r#", "deliveryPackage": {"carrierName": "UPS", "trackingNumber": "1Z", "shipDate": "2026-11-22T12:00:00Z"},
               "returnAddress": {"recipientName": "Ada", "streetAddress1": "1 Road", "city": "Cork",
                                 "postalCode": "T12", "countryOrRegion": "IE", "phone": "+353 1"}"#,
        )
    } else {
        ("Creating", "")
    };
    format!(
        r#"{{"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/{name}",
            "name": "{name}", "type": "Microsoft.ImportExport/jobs",
            "properties": {{"jobType": "Import", "state": "{state}", "driveList": [{}]{package}}}}}"#,
        drives.join(", ")
    )
}

fn run(store: &mut Store, step: &Step, now: Timestamp) {
    let ctx = Ctx { operator: "ana", now, note: None };
    // A refused or failed step writes nothing (S6); only what was written is checked.
    match step {
        Step::Create { name, ids: mask } => {
            let _ = ops::create(store, NAMES[*name], JobType::Import, &ids(*mask), &[], &ctx);
        }
        Step::Ship { name } => act(store, NAMES[*name], None, ActionKind::Ship, now),
        Step::Arrive { ids: mask, name } => {
            let drive_ids = ids(*mask);
            let dock = ops::Dock {
                carrier: "UPS",
                tracking: "1Z",
                drive_ids: &drive_ids,
                job_name: name.map(|n| NAMES[n]),
                hold_unknown: true, // a package may name a job not created yet (E1)
            };
            let _ = ops::record_arrival(store, dock, &ctx, None);
        }
        Step::Import { name, ids: mask, shipping } => {
            let _ = import_documents(
                store,
                "test",
                &import_doc(NAMES[*name], &ids(*mask), *shipping),
                "ana",
                now,
            );
        }
        Step::Act { name, drive, n } => {
            let Ok(Some(job)) = store.job(NAMES[*name]) else { return };
            let drive_id = drive.and_then(|d| job.drives.get(d)).map(|d| d.drive_id.clone());
            let offered = valid_actions(&job, drive_id.as_deref(), now);
            if offered.is_empty() {
                return;
            }
            act(store, NAMES[*name], drive_id.as_deref(), offered[n % offered.len()].kind, now);
        }
        Step::Wait(_) => {}
        Step::Sweep => {
            let jobs = store.jobs(&JobFilter::default()).unwrap_or_default();
            for job in jobs {
                if let Some(change) = sweep_job(&job, now) {
                    let _ = store.write(|w| w.apply(&change));
                }
            }
        }
    }
}

fn act(store: &mut Store, name: &str, drive: Option<&str>, kind: ActionKind, now: Timestamp) {
    let Ok(Some(job)) = store.job(name) else { return };
    let Some(req) = request(&job, drive, kind, now) else { return };
    if let Ok(change) = decide(&job, &req, &Ctx { operator: "ana", now, note: None }) {
        let _ = store.write(|w| w.apply(&change));
    }
}

/// S8 and S12 over everything stored.
fn check(store: &Store, now: Timestamp) -> Result<(), TestCaseError> {
    let jobs = store.jobs(&JobFilter::default()).expect("jobs");
    let held = store.arrivals(true).expect("arrivals");
    let mut listed: HashMap<&str, Vec<&Job>> = HashMap::new();
    let mut here: HashMap<&str, Vec<String>> = HashMap::new();
    for job in &jobs {
        for d in &job.drives {
            let state = d.faulted_from.unwrap_or(d.state);
            if state == DriveState::ShippedBack || d.gone() {
                continue;
            }
            listed.entry(d.drive_id.as_str()).or_default().push(job);
            if state.has_arrived() {
                here.entry(d.drive_id.as_str()).or_default().push(format!("job {}", job.name));
                // S12: a job that ended holds nothing.
                prop_assert!(!job.state.is_final(), "{} {} still holds {}", job.state, job.name, d.drive_id);
            }
        }
    }
    for a in &held {
        for id in &a.drive_ids {
            here.entry(id.as_str()).or_default().push(format!("arrival:{}", a.id.unwrap_or_default()));
        }
    }
    // One physical drive, one place.
    for (id, places) in &here {
        prop_assert!(places.len() == 1, "drive {id} is in {places:?}");
    }
    // One active job per drive id, unless an import reported a second one:
    // then the attention queue says so (S8) instead of the import refusing it.
    for (id, homes) in &listed {
        if homes.len() > 1 {
            let flagged = homes.iter().any(|j| job_items(j, now).iter().any(|i| i.rule == Rule::S8));
            prop_assert!(flagged, "drive {id} is listed by {:?}, and no S8 item says so", names(homes));
        }
    }
    Ok(())
}

fn names(jobs: &[&Job]) -> Vec<String> {
    jobs.iter().map(|j| j.name.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn s8_s12_one_drive_one_place_after_any_sequence(steps in prop::collection::vec(a_step(), 1..40)) {
        let mut store = Store::open_in_memory().expect("store");
        let mut now = t0();
        for step in &steps {
            if let Step::Wait(hours) = step {
                now += Duration::hours(*hours);
            }
            run(&mut store, step, now);
            check(&store, now)?;
        }
    }
}
