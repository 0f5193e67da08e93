//! The triage queue: every exception E1–E6 and every passed or nearly passed
//! clock, most urgent first, each with its rule and the next documented step.

use chrono::Duration;

use super::clock::{self, Clock};
use super::model::{Arrival, Job, Timestamp};
use super::rule::Rule;
use super::state::{ArrivalStatus, DriveState, JobState, JobType};

/// How soon a clock counts as "nearly passed".
pub const DUE_SOON: Duration = Duration::days(2);

/// What an attention item is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    Job(String),
    Drive { job: String, drive_id: String },
    Arrival(i64),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Job(name) => f.write_str(name),
            Subject::Drive { job, drive_id } => write!(f, "{job}/{drive_id}"),
            Subject::Arrival(id) => write!(f, "arrival:{id}"),
        }
    }
}

/// Most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    Faulted,
    DueSoon,
    Open,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub urgency: Urgency,
    pub rule: Rule,
    pub subject: Subject,
    pub what: String,
    /// The deadline that makes it urgent, if a clock is involved.
    pub due: Option<Timestamp>,
    pub next_step: String,
}

fn item(
    urgency: Urgency,
    rule: Rule,
    subject: Subject,
    what: String,
    due: Option<Timestamp>,
    next: &str,
) -> Item {
    Item { urgency, rule, subject, what, due, next_step: next.to_string() }
}

/// Urgency from a deadline: passed, within `DUE_SOON`, or later.
fn urgency_of(deadline: Timestamp, now: Timestamp) -> Urgency {
    if now >= deadline {
        Urgency::Overdue
    } else if deadline - now <= DUE_SOON {
        Urgency::DueSoon
    } else {
        Urgency::Open
    }
}

/// Overdue, defined once for the header, the `overdue` filter of every view
/// and `ieops jobs --overdue`: a clock a person must act on has passed. That
/// is E2's C2 while the customer is not notified (J5), then C4 (J7), J7's
/// customer who cannot be contacted, and E4's C6 (S11). The clocks the sweep
/// acts on (C1, C3, C7) are never overdue: nobody has to do anything.
/// Returns that clock (`J7` for the unreachable customer) and its deadline,
/// passed or not; the queue's Overdue rows are exactly the jobs past it.
pub fn person_deadline(job: &Job) -> Option<(Rule, Timestamp)> {
    person_deadline_among(job, &clock::job_clocks(job))
}

/// [`person_deadline`] for a caller that holds the job's clocks already.
pub fn person_deadline_among(job: &Job, clocks: &[Clock]) -> Option<(Rule, Timestamp)> {
    if job.archived_at.is_some() || job.unrecognised().is_some() {
        return None;
    }
    let state = job.effective_state();
    let find = |rule: Rule| clocks.iter().find(|c: &&Clock| c.rule == rule).map(|c| (rule, c.deadline));
    match state {
        // As `job_items` has it: J7 once recorded unreachable; the missing
        // package's clocks only while C2 runs (the job has its shipping date).
        JobState::Shipping if !job.cancel_requested => {
            match (job.unreachable_since, job.notified_at, find(Rule::C2)) {
                (Some(since), _, _) => Some((Rule::J7, since)),
                (None, Some(at), Some(_)) => Some((Rule::C4, clock::answer_deadline(at))),
                (None, None, c2) => c2,
                (None, Some(_), None) => None,
            }
        }
        JobState::Transferring | JobState::Packaging if job.return_address_problem().is_some() => {
            find(Rule::C6)
        }
        _ => None,
    }
}

/// The deadline a job's row shows: the one a person must act by, else the
/// soonest running clock (one the sweep acts on). `true` for a person's.
pub fn deadline_shown(job: &Job) -> Option<(Rule, Timestamp, bool)> {
    let clocks = clock::job_clocks(job);
    match person_deadline_among(job, &clocks) {
        Some((rule, at)) => Some((rule, at, true)),
        None => clocks.first().map(|c| (c.rule, c.deadline, false)),
    }
}

/// Is a person late on this job at `now`? See [`person_deadline`].
pub fn is_overdue(job: &Job, now: Timestamp) -> bool {
    person_deadline(job).is_some_and(|(_, at)| now >= at)
}

/// The attention items of one job.
pub fn job_items(job: &Job, now: Timestamp) -> Vec<Item> {
    let mut items = Vec::new();
    if job.archived_at.is_some() {
        return items;
    }
    let subject = Subject::Job(job.name.clone());

    // Imports (issue 4): what the service reported that no documented transition explains.
    if let Some(anomaly) = &job.import_anomaly {
        items.push(item(
            Urgency::DueSoon,
            anomaly.rule,
            subject.clone(),
            anomaly.what.clone(),
            None,
            "check the job with the service; the import recorded the change as observed (S6)",
        ));
    }
    // A state or job type the console does not know: listed, never guessed, and
    // nothing else about the job is judged (every other item would be a guess).
    if let Some((rule, what)) = job.unrecognised() {
        items.push(item(
            Urgency::DueSoon,
            rule,
            subject,
            what,
            None,
            "check the job with the service (Get Job); no action applies until an import reports a documented value",
        ));
        return items;
    }
    let state = job.effective_state();
    let clocks = clock::job_clocks(job);
    let find = |rule: Rule| clocks.iter().find(|c: &&Clock| c.rule == rule);

    // E6 / J15
    if job.state == JobState::Faulted {
        let reason = job.fault_reason.as_deref().unwrap_or("no reason given");
        items.push(item(
            Urgency::Faulted,
            Rule::E6,
            subject.clone(),
            match job.faulted_from {
                Some(from) => format!("job Faulted from {from}: {reason}"),
                // Reported Faulted by the service (an import): where from is not known.
                None => format!("job Faulted: {reason}"),
            },
            None,
            "contact the customer, then resolve (J15)",
        ));
    }
    for d in job.drives.iter().filter(|d| d.state == DriveState::Faulted) {
        let reason = d.fault_reason.as_deref().unwrap_or("no reason given");
        let drive = Subject::Drive { job: job.name.clone(), drive_id: d.drive_id.clone() };
        items.push(item(
            Urgency::Faulted,
            Rule::E6,
            drive,
            format!("drive Faulted: {reason}"),
            None,
            "contact the customer, then resolve (J15)",
        ));
    }

    // S3: a cancelled job waits for no answer; its package may still come.
    if state == JobState::Shipping && job.cancel_requested {
        if let Some(c2) = find(Rule::C2).filter(|c2| c2.has_passed(now)) {
            let c3 = find(Rule::C3).map_or(c2.deadline, |c3| c3.deadline);
            items.push(item(
                Urgency::Open,
                Rule::S3,
                subject.clone(),
                "cancelled; its package has not arrived".into(),
                Some(c3),
                "receive its drives if they come and ship them back; C3 closes it if none does (S3)",
            ));
        }
    }
    // E2 / J5–J7: one row for the missing package, showing the clock that
    // matters now (C2, then C4 once notified, then J7's unreachable customer).
    if state == JobState::Shipping && !job.cancel_requested {
        if let Some(since) = job.unreachable_since {
            // Overdue from when it was recorded (a drill may record it ahead of now).
            let urgency = if now >= since { Urgency::Overdue } else { Urgency::Open };
            items.push(item(
                urgency,
                Rule::J7,
                subject.clone(),
                "customer cannot be contacted (E2)".into(),
                Some(since),
                "close-unanswered (J7)",
            ));
        } else if let Some(c2) = find(Rule::C2) {
            match (job.notified_at, urgency_of(c2.deadline, now)) {
                (None, Urgency::Overdue) => items.push(item(
                    Urgency::Overdue,
                    Rule::E2,
                    subject.clone(),
                    "package not received within C2 (J5)".into(),
                    Some(c2.deadline),
                    "notify-customer of the missing package (J6)",
                )),
                (None, u @ Urgency::DueSoon) => items.push(item(
                    u,
                    Rule::J5,
                    subject.clone(),
                    "package due soon (C2)".into(),
                    Some(c2.deadline),
                    "watch for the package; receive its drives (D2)",
                )),
                (Some(at), _) => {
                    let c4 = clock::answer_deadline(at);
                    let next = if now >= c4 {
                        "close-unanswered: no answer within 30 days (J7)"
                    } else {
                        "on the customer's answer: extend-wait or cancel (J6)"
                    };
                    let urgency = if now >= c4 { Urgency::Overdue } else { Urgency::Open };
                    items.push(item(
                        urgency,
                        Rule::E2,
                        subject.clone(),
                        "customer notified of the missing package (C4)".into(),
                        Some(c4),
                        next,
                    ));
                }
                _ => {}
            }
        }
    }

    // E4
    if matches!(state, JobState::Transferring | JobState::Packaging) {
        if let Some(problem) = job.return_address_problem() {
            let copying = state == JobState::Transferring;
            let (urgency, due, next) = match find(Rule::C6) {
                // S11: C6 is the deadline to destroy by, once the return failed.
                Some(c6) if job.return_failed_at.is_some() && !copying => {
                    (urgency_of(c6.deadline, now), Some(c6.deadline), "destroy-drives before C6 ends (S11)")
                }
                Some(c6) => (
                    urgency_of(c6.deadline, now),
                    Some(c6.deadline),
                    "keep trying the customer; try to return the drives, return-failed if it fails (S11)",
                ),
                None => (Urgency::DueSoon, None, "contact the customer for the right address (E4)"),
            };
            items.push(item(urgency, Rule::E4, subject.clone(), problem, due, next));
        }
    }

    // E5 / D9
    if !state.is_final() {
        for d in job.drives.iter().filter(|d| d.extra && d.state != DriveState::ShippedBack && !d.gone()) {
            let drive = Subject::Drive { job: job.name.clone(), drive_id: d.drive_id.clone() };
            items.push(item(
                Urgency::Open,
                Rule::E5,
                drive,
                "extra drive in the package: not processed".into(),
                None,
                "ship back with the job's drives (D9)",
            ));
        }
    }

    // E3
    if job.job_type == JobType::Export && state.is_final() {
        if let Some(problem) = job.return_problem {
            let tracking = job.return_package.tracking_number.as_deref().unwrap_or("-");
            items.push(item(
                Urgency::Open,
                Rule::E3,
                subject.clone(),
                format!("returned drives reported {problem} (tracking {tracking})"),
                None,
                "customer checks the carrier; may request another export job (E3)",
            ));
        }
    }

    // C1: a Creating job about to be deleted.
    if let Some(c1) = find(Rule::C1) {
        if urgency_of(c1.deadline, now) == Urgency::DueSoon {
            items.push(item(
                Urgency::DueSoon,
                Rule::C1,
                subject,
                "job deleted soon unless the customer ships (J2)".into(),
                Some(c1.deadline),
                "the sweep archives it when C1 passes",
            ));
        }
    }
    items
}

/// The attention items of an arrival held under E1. `job_state` is the state
/// of the job the package names, if it exists.
pub fn arrival_items(arrival: &Arrival, job_state: Option<JobState>, now: Timestamp) -> Vec<Item> {
    let held = arrival.status == ArrivalStatus::Held;
    // The job can take the drives once it is Shipping (J16) and until its copy is over.
    let job_took_over = job_state
        .is_some_and(|s| matches!(s, JobState::Shipping | JobState::Received | JobState::Transferring));
    if !held || job_took_over {
        return Vec::new();
    }
    let Some(id) = arrival.id else {
        return Vec::new();
    };
    let drives = arrival.drive_ids.join(", ");
    let what = match (&arrival.job_name, job_state) {
        (Some(name), Some(state)) => format!("drives {drives} arrived; job {name} is {state} (J16)"),
        (Some(name), None) => format!("drives {drives} arrived for unknown job {name}"),
        (None, _) => format!("drives {drives} arrived with no job"),
    };
    let c5 = clock::arrival_deadline(arrival);
    let reached = arrival.last_contact.as_ref().is_some_and(|c| c.reached);
    let (urgency, due, next) = match arrival.unreachable_since.map(clock::destroy_deadline) {
        // S10: a reached customer stops C5; the drives wait for the job.
        _ if reached => {
            (Urgency::Open, None, "customer reached: the drives are released when the job is Shipping (S10)")
        }
        // S11: C6 is the deadline to destroy by, once a return failed.
        Some(c6) if arrival.return_failed_at.is_some() => {
            (urgency_of(c6, now), Some(c6), "destroy-drives before C6 ends (S11)")
        }
        Some(c6) if now >= c5 => (
            urgency_of(c6, now),
            Some(c6),
            "return-drives; if the return fails, return-failed, then destroy before C6 ends (S11)",
        ),
        None if now >= c5 => {
            (Urgency::Overdue, Some(c5), "return-drives: customer not reached within C5 (E1)")
        }
        _ => (
            urgency_of(c5, now).max(Urgency::DueSoon),
            Some(c5),
            "contact the customer to create or update the job (E1)",
        ),
    };
    vec![item(urgency, Rule::E1, Subject::Arrival(id), what, due, next)]
}

/// Most urgent first: by urgency, then the longest overdue or soonest due.
pub fn sort(items: &mut [Item]) {
    items.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| match (a.due, b.due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.subject.cmp(&b.subject))
    });
}
