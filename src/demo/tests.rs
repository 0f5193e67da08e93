use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::Rule;
use crate::domain::attention::{self, Item, Urgency};
use crate::domain::create::check_job_name;
use crate::domain::state::{DriveState, JobState, JobType, Severity};
use crate::domain::sweep::sweep_job;

const DEFAULT_SIZE: usize = 60;

/// Coverage must not depend on the seed.
const SEEDS: std::ops::Range<u64> = 0..6;

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap()
}

fn demo(count: usize, seed: u64) -> DemoData {
    generate(count, now(), seed).unwrap_or_else(|e| panic!("{e}"))
}

fn active(data: &DemoData) -> impl Iterator<Item = &Job> {
    data.jobs.iter().map(|(job, _)| job).filter(|job| job.archived_at.is_none())
}

/// The attention queue at `now`, as the console builds it (arrivals numbered 1..).
fn attention(data: &DemoData) -> Vec<Item> {
    let states: HashMap<&str, JobState> = active(data).map(|j| (j.name.as_str(), j.state)).collect();
    let mut items: Vec<Item> = active(data).flat_map(|job| attention::job_items(job, now())).collect();
    for (i, (arrival, _)) in data.arrivals.iter().enumerate() {
        let mut arrival = arrival.clone();
        arrival.id = Some(i as i64 + 1);
        let job_state = arrival.job_name.as_deref().and_then(|name| states.get(name).copied());
        items.extend(attention::arrival_items(&arrival, job_state, now()));
    }
    items
}

fn has_item(items: &[Item], rule: Rule, next_step: &str) -> bool {
    items.iter().any(|i| i.rule == rule && i.next_step.contains(next_step))
}

#[test]
fn default_size_has_every_job_and_drive_state() {
    for seed in SEEDS {
        let data = demo(DEFAULT_SIZE, seed);
        assert_eq!(data.jobs.len(), DEFAULT_SIZE);
        for state in JobState::ALL {
            assert!(active(&data).any(|j| j.state == *state), "seed {seed}: no active {state} job");
        }
        for state in DriveState::ALL {
            assert!(
                active(&data).flat_map(|j| &j.drives).any(|d| d.state == *state),
                "seed {seed}: no {state} drive in an active job"
            );
        }
    }
}

#[test]
fn default_size_raises_every_exception() {
    for seed in SEEDS {
        raises_every_exception(&attention(&demo(DEFAULT_SIZE, seed)));
    }
}

fn raises_every_exception(items: &[Item]) {
    let rules: HashSet<Rule> = items.iter().map(|i| i.rule).collect();
    for rule in [Rule::E1, Rule::E2, Rule::E3, Rule::E4, Rule::E5, Rule::E6] {
        assert!(rules.contains(&rule), "no {rule} item");
    }
    let e1: Vec<&Item> = items.iter().filter(|i| i.rule == Rule::E1).collect();
    assert!(e1.iter().any(|i| i.what.contains("is Creating")), "E1 for a Creating job");
    assert!(e1.iter().any(|i| i.what.contains("unknown job")), "E1 for an unknown job");
    assert!(e1.iter().any(|i| i.what.contains("with no job")), "E1 without a job name");
    assert!(has_item(items, Rule::E1, "customer reached"), "E1 with the customer reached (S10)");
    assert!(has_item(items, Rule::E1, "destroy-drives before C6 ends"), "E1 past C6");
    assert!(has_item(items, Rule::E2, "notify-customer"), "E2 not yet notified");
    assert!(has_item(items, Rule::E2, "extend-wait or cancel"), "E2 notified within C4");
    assert!(has_item(items, Rule::E2, "close-unanswered"), "E2 notified past C4");
    assert!(has_item(items, Rule::E4, "contact the customer"), "E4 wrong address");
    assert!(has_item(items, Rule::E4, "keep trying the customer"), "E4 customer unreachable");
    let e6: Vec<&Item> = items.iter().filter(|i| i.rule == Rule::E6).collect();
    assert!(e6.iter().any(|i| i.what.starts_with("job Faulted")), "E6 faulted job");
    assert!(e6.iter().any(|i| i.what.starts_with("drive Faulted")), "E6 faulted drive");
}

#[test]
fn default_size_has_clocks_about_to_pass() {
    for seed in SEEDS {
        let items = attention(&demo(DEFAULT_SIZE, seed));
        let due_soon = |rule: Rule| items.iter().any(|i| i.rule == rule && i.urgency == Urgency::DueSoon);
        assert!(due_soon(Rule::J5), "a Shipping job whose C2 ends within 2 days");
        assert!(due_soon(Rule::C1), "a Creating job whose C1 ends within 2 days");
    }
}

#[test]
fn default_size_has_the_other_situations() {
    for seed in SEEDS {
        has_the_other_situations(&demo(DEFAULT_SIZE, seed));
    }
}

fn has_the_other_situations(data: &DemoData) {
    let jobs: Vec<&Job> = active(data).collect();
    assert!(jobs.iter().any(|j| j.cancel_requested), "a cancelled job");
    assert!(jobs.iter().any(|j| j.drives.iter().any(|d| d.extra)), "an extra drive");
    assert!(jobs.iter().any(|j| j.customer_note.is_some()), "a customer note");
    assert!(jobs.iter().any(|j| j.job_type == JobType::Export), "an export job");
    assert!(jobs.iter().any(|j| j.job_type == JobType::Import), "an import job");
    let drives = || jobs.iter().flat_map(|j| &j.drives);
    assert!(
        drives()
            .any(|d| d.state == DriveState::Transferring && d.percent_complete > 0 && d.bytes_succeeded > 0),
        "a transferring drive with progress"
    );
    for severity in Severity::ALL {
        assert!(
            drives().any(|d| d.state == DriveState::CompletedMoreInfo
                && d.messages.iter().any(|m| m.severity == *severity)),
            "a CompletedMoreInfo drive with a {severity} message"
        );
    }
    let archived_by = |rule: Rule| {
        data.jobs
            .iter()
            .any(|(job, events)| job.archived_at.is_some() && events.iter().any(|e| e.rule == rule))
    };
    assert!(archived_by(Rule::J2), "a job archived by C1");
    assert!(archived_by(Rule::J13), "a job archived by C7");
}

#[test]
fn the_same_seed_gives_the_same_data() {
    assert_eq!(demo(DEFAULT_SIZE, 5), demo(DEFAULT_SIZE, 5));
    assert_ne!(demo(DEFAULT_SIZE, 5), demo(DEFAULT_SIZE, 6));
}

#[test]
fn records_made_alongside_come_in_the_order_generate_each_makes_them() {
    // More jobs than the generator may make ahead, so batches are handed back and reused.
    let mut each = Vec::new();
    generate_each(3_000, now(), 3, |record| {
        each.push(record);
        Ok::<(), ScriptError>(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut alongside = Vec::new();
    generate_alongside(3_000, now(), 3, |record| {
        alongside.push(record.clone());
        Ok::<(), ScriptError>(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(alongside.len(), each.len());
    assert!(alongside == each, "same records, same order");
}

/// The sink's own failure, or a script's.
#[derive(Debug, PartialEq)]
enum SinkFailure {
    Full { after: usize },
    Script(ScriptError),
}

impl From<ScriptError> for SinkFailure {
    fn from(e: ScriptError) -> Self {
        SinkFailure::Script(e)
    }
}

#[test]
fn a_sink_that_fails_stops_the_generator_with_its_own_error() {
    let mut taken = 0;
    let result = generate_alongside(3_000, now(), 3, |_| {
        taken += 1;
        if taken == 700 { Err(SinkFailure::Full { after: taken }) } else { Ok(()) }
    });
    assert_eq!(result, Err(SinkFailure::Full { after: 700 }));
    assert_eq!(taken, 700, "nothing is handed over after the failure");
}

#[test]
fn every_size_generates_without_refusals() {
    for size in [0, 1, 10, SCENARIO_JOBS, 40, 500, 5000] {
        assert_eq!(demo(size, 7).jobs.len(), size);
    }
    for seed in 0..40 {
        assert_eq!(demo(200, seed).jobs.len(), 200, "seed {seed}");
    }
}

#[test]
fn the_scenario_count_is_enough_for_every_state() {
    let data = demo(SCENARIO_JOBS, 8);
    for state in JobState::ALL {
        assert!(active(&data).any(|j| j.state == *state), "no active {state} job");
    }
}

#[test]
fn active_job_names_are_unique_and_valid() {
    let data = demo(5000, 9);
    let mut seen = HashSet::new();
    for job in active(&data) {
        assert!(seen.insert(job.name.as_str()), "{} twice", job.name);
        assert_eq!(check_job_name(&job.name), Ok(()));
    }
}

#[test]
fn drive_ids_are_unique_except_a_held_package_of_its_own_job() {
    let data = demo(2000, 10);
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (job, _) in &data.jobs {
        for drive in &job.drives {
            assert!(owner.insert(&drive.drive_id, &job.name).is_none(), "drive {} twice", drive.drive_id);
        }
    }
    let mut held = HashSet::new();
    for (arrival, _) in &data.arrivals {
        for id in &arrival.drive_ids {
            assert!(held.insert(id.as_str()), "drive {id} held twice");
            let job = owner.get(id.as_str()).copied();
            assert!(
                job.is_none() || job == arrival.job_name.as_deref(),
                "held drive {id} belongs to {job:?}"
            );
        }
    }
}

#[test]
fn histories_run_forward_and_end_before_now() {
    let data = demo(1000, 11);
    for (job, events) in &data.jobs {
        assert_eq!((job.id, job.version), (None, 0), "{}", job.name);
        assert_eq!(events.first().map(|e| e.action.as_str()), Some("create"), "{}", job.name);
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "{} goes back in time", job.name);
        assert!(events.iter().all(|e| e.at <= now()), "{} has a future event", job.name);
    }
    for (arrival, events) in &data.arrivals {
        assert_eq!(events.first().map(|e| e.at), Some(arrival.recorded_at));
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at) && events.iter().all(|e| e.at <= now()));
    }
}

#[test]
fn the_data_is_already_swept_at_now() {
    let data = demo(2000, 12);
    for (job, _) in &data.jobs {
        assert_eq!(sweep_job(job, now()), None, "{} still had a clock to sweep", job.name);
    }
}

#[test]
fn a_large_demo_resembles_a_data_center() {
    let data = demo(5000, 13);
    let total = data.jobs.len() as f64;
    let share = |f: &dyn Fn(&Job) -> bool| data.jobs.iter().filter(|(j, _)| f(j)).count() as f64 / total;
    let finished = share(&|j| j.archived_at.is_some() || j.state.is_final());
    assert!(finished > 0.7, "finished or archived {finished}");
    for state in [JobState::Creating, JobState::Shipping, JobState::Transferring, JobState::Packaging] {
        let s = share(&|j| j.archived_at.is_none() && j.state == state);
        assert!((0.01..0.10).contains(&s), "{state} {s}");
    }
    let imports: Vec<&Job> =
        data.jobs.iter().map(|(j, _)| j).filter(|j| j.job_type == JobType::Import).collect();
    let listed: Vec<usize> = imports.iter().map(|j| j.listed_drives().count()).collect();
    let mean = listed.iter().sum::<usize>() as f64 / listed.len() as f64;
    assert!((4.5..6.5).contains(&mean), "mean drives per import job {mean}");
    assert!(listed.iter().all(|n| (1..=10).contains(n)));
    assert!(data.arrivals.len() >= ARRIVAL_SCENARIOS.len() + (5000 - SCENARIO_JOBS) / JOBS_PER_EXTRA_ARRIVAL);
}
