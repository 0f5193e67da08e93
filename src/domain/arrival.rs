//! Packages arriving at the data center: drives received into a Shipping job
//! (D2, D4), extra drives (D9, E5), export drives (D1), and drives held because
//! their job is not Shipping or does not exist (E1, J16).

use super::action::ArrivalAction;
use super::change::{Change, Ctx, Event, Recorder, Refusal};
use super::clock;
use super::create::check_drive_id;
use super::decide::{Allowed, enter_drive, settle, stamp};
use super::model::{Arrival, Contact, Drive, Job, Timestamp};
use super::rule::Rule;
use super::state::{ArrivalStatus, ContactVia, DriveState, JobState, JobType};

/// What the operator found in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub carrier_name: String,
    pub tracking_number: String,
    pub drive_ids: Vec<String>,
    /// The job the package names, if any.
    pub job_name: Option<String>,
}

/// Where the drives of a package went.
#[derive(Debug, Clone, PartialEq, Eq)]
// One value per package, moved straight to the store: boxing would only cost callers.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// Received into the job (with any consequences, e.g. J8).
    Received(Change),
    /// Held under E1: the job is not Shipping, or there is no such job.
    Held { arrival: Arrival, event: Event },
}

/// Decides what a package's arrival does. `job` is the job the package names
/// (or the one its drives belong to), `None` when there is none.
pub fn process_arrival(job: Option<&Job>, package: &Package, ctx: &Ctx) -> Result<Outcome, Refusal> {
    if package.carrier_name.trim().is_empty() || package.tracking_number.trim().is_empty() {
        return Err(Refusal::new(Rule::E1, "an arrival records the carrier and tracking number"));
    }
    if package.drive_ids.is_empty() {
        return Err(Refusal::new(Rule::E1, "an arrival lists at least one drive (--drive ID)"));
    }
    for (i, id) in package.drive_ids.iter().enumerate() {
        check_drive_id(id).map_err(|m| Refusal::new(Rule::E1, m))?;
        if package.drive_ids[..i].contains(id) {
            return Err(Refusal::new(Rule::E1, format!("drive {id} is listed twice")));
        }
    }
    let Some(job) = job else {
        let why = match &package.job_name {
            Some(name) => format!("no job {name} on record"),
            None => "no job on record for these drives".to_string(),
        };
        return Ok(hold(package, &why, ctx));
    };
    if job.archived_at.is_some() {
        return Ok(hold(package, &format!("job {} was archived (S2)", job.name), ctx));
    }
    if let Some((_, what)) = job.unrecognised() {
        // E1: the job is not known to be Shipping; no rule may guess that it is.
        return Ok(hold(package, &format!("job {} has an {what}", job.name), ctx));
    }
    match job.state {
        JobState::Shipping | JobState::Received | JobState::Transferring => {
            receive_into(job, package, ctx).map(Outcome::Received)
        }
        JobState::Faulted => Err(Refusal::new(
            Rule::J15,
            format!("job {} is Faulted; resolve it before receiving its drives", job.name),
        )),
        // J16: a job cannot be processed until it is Shipping; later states cannot take drives.
        state => Ok(hold(package, &format!("job {} is {state}, not Shipping (J16)", job.name), ctx)),
    }
}

fn receive_into(job: &Job, package: &Package, ctx: &Ctx) -> Result<Change, Refusal> {
    let mut next = job.clone();
    let mut rec = Recorder::new(*ctx);
    let via = format!("in {} {}", package.carrier_name.trim(), package.tracking_number.trim());
    for id in &package.drive_ids {
        let shipping = next.state == JobState::Shipping;
        match next.drive_mut(id) {
            Some(drive) => {
                let from = drive.state;
                let rule = match from {
                    DriveState::Specified if shipping => Rule::D2,
                    DriveState::NeverReceived => Rule::D4,
                    other => {
                        return Err(Refusal::new(
                            Rule::D2,
                            format!("drive {id} of job {} is already {other}; check the package", job.name),
                        ));
                    }
                };
                enter_drive(drive, DriveState::Received, ctx.now);
                rec.record(Some(id), "receive", from, DriveState::Received, rule, Some(via.clone()));
            }
            None => {
                // D1: export drives are listed as they arrive; D9/E5: an import
                // job's unlisted drive is an extra, never processed.
                let mut drive = Drive::new(id, DriveState::Received, ctx.now);
                let rule = match job.job_type {
                    JobType::Export if shipping => Rule::D1,
                    _ => {
                        drive.extra = true;
                        Rule::D9
                    }
                };
                let what = if drive.extra {
                    "extra drive, not processed, returned with the job"
                } else {
                    "export drive"
                };
                next.drives.push(drive);
                rec.record(
                    Some(id),
                    "receive",
                    "-",
                    DriveState::Received,
                    rule,
                    Some(format!("{what}, {via}")),
                );
            }
        }
    }
    settle(&mut next, &mut rec);
    Ok(Change { job: next, events: rec.events })
}

/// Holds the drives under E1; `why` says why no job could take them.
fn hold(package: &Package, why: &str, ctx: &Ctx) -> Outcome {
    let arrival = Arrival {
        id: None,
        recorded_at: ctx.now,
        recorded_by: ctx.operator.to_string(),
        carrier_name: package.carrier_name.trim().to_string(),
        tracking_number: package.tracking_number.trim().to_string(),
        job_name: package.job_name.clone(),
        drive_ids: package.drive_ids.clone(),
        status: ArrivalStatus::Held,
        last_contact: None,
        unreachable_since: None,
        version: 0,
    };
    let detail = format!(
        "held {}: {why}; contact the customer, C5 ends {}",
        package.drive_ids.join(", "),
        stamp(clock::arrival_deadline(&arrival))
    );
    let mut rec = Recorder::new(*ctx);
    rec.record(None, "arrival", "-", ArrivalStatus::Held, Rule::E1, Some(detail));
    let event = rec.events.remove(0);
    Outcome::Held { arrival, event }
}

/// Applies an operator action to a held arrival (E1, C5, C6).
pub fn decide_arrival(
    arrival: &Arrival,
    action: &ArrivalAction,
    ctx: &Ctx,
) -> Result<(Arrival, Event), Refusal> {
    if arrival.status != ArrivalStatus::Held {
        return Err(Refusal::new(
            Rule::E1,
            format!("the drives of this arrival were already {}", arrival.status),
        ));
    }
    let mut next = arrival.clone();
    let mut rec = Recorder::new(*ctx);
    let now = ctx.now;
    let (rule, detail) = match action {
        ArrivalAction::Contact { via, reached } => {
            next.last_contact = Some(Contact { at: now, via: *via, reached: *reached });
            if *reached {
                next.unreachable_since = None;
                (Rule::E1, format!("customer reached by {via}: they create or update the job"))
            } else {
                let since = *next.unreachable_since.get_or_insert(now);
                (
                    Rule::E1,
                    format!(
                        "customer unreachable by {via}; C6 ends {}",
                        stamp(clock::destroy_deadline(since))
                    ),
                )
            }
        }
        ArrivalAction::ReturnDrives => {
            let due = clock::arrival_deadline(arrival);
            if now < due {
                return Err(Refusal::new(
                    Rule::C5,
                    format!(
                        "operations try to reach the customer until C5 passes on {}; return the drives after that",
                        stamp(due)
                    ),
                ));
            }
            next.status = ArrivalStatus::Returned;
            (Rule::C5, "drives returned to the sender".to_string())
        }
        ArrivalAction::DestroyDrives => {
            let since = arrival.unreachable_since.ok_or_else(|| {
                Refusal::new(Rule::C6, "the customer has not been recorded unreachable: a contact with outcome=unreachable starts C6")
            })?;
            let due = clock::destroy_deadline(since);
            if now < due {
                return Err(Refusal::new(
                    Rule::C6,
                    format!("the drives are held until C6 passes on {}", stamp(due)),
                ));
            }
            next.status = ArrivalStatus::Destroyed;
            (Rule::C6, format!("drives {} securely destroyed", arrival.drive_ids.join(", ")))
        }
    };
    rec.record(None, action.kind().name(), arrival.status, next.status, rule, Some(detail));
    Ok((next, rec.events.remove(0)))
}

/// The actions valid now on an arrival, with the rule that allows each.
pub fn valid_arrival_actions(arrival: &Arrival, now: Timestamp) -> Vec<Allowed> {
    let ctx = Ctx { operator: "", now, note: None };
    let probes = [
        ArrivalAction::Contact { via: ContactVia::Email, reached: true },
        ArrivalAction::ReturnDrives,
        ArrivalAction::DestroyDrives,
    ];
    probes
        .iter()
        .filter_map(|a| {
            decide_arrival(arrival, a, &ctx).ok().map(|(_, e)| Allowed { kind: a.kind(), rule: e.rule })
        })
        .collect()
}
