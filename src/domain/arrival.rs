//! Packages arriving at the data center: drives received into a Shipping job
//! (D2, D4), extra drives (D9, E5), export drives (D1, S9), drives held because
//! their job is not Shipping or does not exist (E1, J16), each drive routed to
//! the one job that lists it (S8), and held drives released when their job
//! ships (S10).

use super::action::ArrivalAction;
use super::change::{Change, Ctx, Event, Recorder, Refusal};
use super::clock;
use super::create::check_drive_id;
use super::decide::{
    Allowed, destruction_allowed, enter_drive, expected_export_drives, return_failed_detail, settle, stamp,
};
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
    check_package(package)?;
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
        // S12: a late drive may still come in while the job is Packaging.
        JobState::Shipping | JobState::Received | JobState::Transferring | JobState::Packaging => {
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
        let packaging = next.state == JobState::Packaging;
        // S9: an export job takes arriving drives as its own until it has the count it expects.
        let own_export = next.job_type == JobType::Export
            && shipping
            && expected_export_drives(&next).is_none_or(|n| next.listed_drives().count() < n);
        match next.drive_mut(id) {
            Some(drive) => {
                let from = drive.state;
                let rule = match from {
                    DriveState::Specified if shipping => Rule::D2,
                    DriveState::NeverReceived if packaging => {
                        drive.late_in_packaging = true; // S12: not copied; the job keeps the error (S1)
                        Rule::S12
                    }
                    DriveState::NeverReceived => Rule::D4,
                    other => {
                        return Err(Refusal::new(
                            Rule::S8,
                            format!(
                                "drive {id} of job {} is already {other}: one physical drive is in one place; check the package",
                                job.name
                            ),
                        ));
                    }
                };
                drive.received_from = Some(from); // P1: what a correction returns it to
                enter_drive(drive, DriveState::Received, ctx.now);
                rec.record(Some(id), "receive", from, DriveState::Received, rule, Some(via.clone()));
            }
            None => {
                // D1/S9: export drives are listed as they arrive; D9/E5: any
                // other unlisted drive is an extra, never processed.
                let mut drive = Drive::new(id, DriveState::Received, ctx.now);
                let rule = if own_export {
                    if expected_export_drives(&next).is_some() { Rule::S9 } else { Rule::D1 }
                } else {
                    drive.extra = true;
                    Rule::D9
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
        return_failed_at: None,
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
            let rule = may_return(arrival, now)?;
            next.status = ArrivalStatus::Returned;
            (rule, "drives returned to the sender".to_string())
        }
        ArrivalAction::ReturnFailed => {
            may_return(arrival, now)?;
            if arrival.return_failed_at.is_some() {
                return Err(Refusal::new(Rule::S11, "a failed return attempt is already recorded"));
            }
            next.return_failed_at = Some(now);
            (Rule::S11, return_failed_detail(arrival.unreachable_since))
        }
        ArrivalAction::DestroyDrives => {
            destruction_allowed(arrival.unreachable_since, arrival.return_failed_at)?;
            next.status = ArrivalStatus::Destroyed;
            (Rule::S11, format!("drives {} securely destroyed", arrival.drive_ids.join(", ")))
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
        ArrivalAction::ReturnFailed,
        ArrivalAction::DestroyDrives,
    ];
    probes
        .iter()
        .filter_map(|a| {
            decide_arrival(arrival, a, &ctx).ok().map(|(_, e)| Allowed { kind: a.kind(), rule: e.rule })
        })
        .collect()
}

/// E1, S10: the drives are returned once C5 passed without reaching the
/// customer, or at any time once the customer was reached (the deadline
/// stopped; they may ask for the drives back).
fn may_return(arrival: &Arrival, now: Timestamp) -> Result<Rule, Refusal> {
    if arrival.last_contact.as_ref().is_some_and(|c| c.reached) {
        return Ok(Rule::S10);
    }
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
    Ok(Rule::C5)
}

// ------------------------------------------------------------------ S8, S10

/// Where each drive of a package goes (S8): to the active job that lists it,
/// whatever job the package names; the rest to the job the package names
/// (extra, or an export job's own, S9), or held (E1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    pub outcomes: Vec<Outcome>,
    /// What the operator should look at without it stopping the receipt: a
    /// tracking number or carrier that is not the job's delivery package.
    pub warnings: Vec<String>,
}

/// Routes a package. `named` is the job the package names (or, without a
/// name, the one most of its drives belong to); `homes` the active jobs that
/// list any of its drive ids; `held` the arrivals still held with any of them.
pub fn route_arrival(
    named: Option<&Job>,
    homes: &[Job],
    held: &[Arrival],
    package: &Package,
    ctx: &Ctx,
) -> Result<Routed, Refusal> {
    // The package's own checks (carrier, tracking, ids) come first, on all of it.
    check_package(package)?;
    for id in &package.drive_ids {
        if let Some(a) = held.iter().find(|a| a.status == ArrivalStatus::Held && a.drive_ids.contains(id)) {
            return Err(Refusal::new(
                Rule::S8,
                format!(
                    "drive {id} is already held in arrival:{} (recorded {}): one physical drive is in one place",
                    a.id.unwrap_or_default(),
                    stamp(a.recorded_at)
                ),
            ));
        }
    }
    for id in &package.drive_ids {
        let here = homes.iter().find_map(|j| {
            let d = j
                .drive(id)
                .filter(|d| lists_actively(j, id) && d.faulted_from.unwrap_or(d.state).has_arrived())?;
            Some((j, d))
        });
        if let Some((job, drive)) = here {
            return Err(Refusal::new(
                Rule::S8,
                format!(
                    "drive {id} of job {} is already {}: one physical drive is in one place; check the package",
                    job.name, drive.state
                ),
            ));
        }
    }
    // Drive ids grouped by the job they go to, in the package's order.
    let mut groups: Vec<(Option<&Job>, Vec<String>)> = Vec::new();
    for id in &package.drive_ids {
        let home = homes.iter().find(|j| lists_actively(j, id)).or(named);
        match groups.iter_mut().find(|(job, _)| job.map(|j| &j.name) == home.map(|j| &j.name)) {
            Some((_, ids)) => ids.push(id.clone()),
            None => groups.push((home, vec![id.clone()])),
        }
    }
    let outcomes = groups
        .into_iter()
        .map(|(job, drive_ids)| {
            let part = Package {
                drive_ids,
                job_name: job.map(|j| j.name.clone()).or_else(|| package.job_name.clone()),
                ..package.clone()
            };
            process_arrival(job, &part, ctx)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let warnings = outcomes.iter().filter_map(|o| label_mismatch(o, package)).collect();
    Ok(Routed { outcomes, warnings })
}

/// A package received into a job whose delivery package names another
/// carrier or tracking number: worth a look at the label, not a refusal.
fn label_mismatch(outcome: &Outcome, package: &Package) -> Option<String> {
    let Outcome::Received(change) = outcome else { return None };
    let expected = &change.job.delivery_package;
    let differs = |expected: &Option<String>, got: &str| {
        expected.as_deref().is_some_and(|e| !e.trim().eq_ignore_ascii_case(got.trim()))
    };
    (differs(&expected.carrier_name, &package.carrier_name)
        || differs(&expected.tracking_number, &package.tracking_number))
    .then(|| {
        format!(
            "job {} expects {} {}, the package came as {} {}: check the label",
            change.job.name,
            expected.carrier_name.as_deref().unwrap_or("-"),
            expected.tracking_number.as_deref().unwrap_or("-"),
            package.carrier_name.trim(),
            package.tracking_number.trim()
        )
    })
}

fn check_package(package: &Package) -> Result<(), Refusal> {
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
    Ok(())
}

/// S8: the job is an active home of the drive id (it lists it, in any state
/// but ShippedBack or destroyed, and is not archived).
pub fn lists_actively(job: &Job, drive_id: &str) -> bool {
    job.archived_at.is_none()
        && job.drive(drive_id).is_some_and(|d| d.state != DriveState::ShippedBack && !d.gone())
}

/// S10: a job that reached Shipping takes the drives held for it: those it
/// lists in any held arrival, and those of arrivals that name it which no
/// other active job lists (`homes`, S8). Each arrival is released (or keeps
/// only the drives that are not the job's) and its clocks stop. `None` when
/// nothing was held for the job.
pub fn release_held(
    job: &Job,
    held: &[Arrival],
    homes: &[Job],
    ctx: &Ctx,
) -> Option<(Change, Vec<(Arrival, Event)>)> {
    if job.state != JobState::Shipping || job.archived_at.is_some() {
        return None;
    }
    let mut current = job.clone();
    let mut events = Vec::new();
    let mut released = Vec::new();
    for arrival in held.iter().filter(|a| a.status == ArrivalStatus::Held) {
        let names_job = arrival.job_name.as_deref() == Some(job.name.as_str());
        let elsewhere = |id: &str| homes.iter().any(|h| h.name != job.name && lists_actively(h, id));
        let (take, keep): (Vec<String>, Vec<String>) = arrival
            .drive_ids
            .iter()
            .cloned()
            .partition(|id| current.drive(id).is_some() || (names_job && !elsewhere(id)));
        if take.is_empty() {
            continue;
        }
        let package = Package {
            carrier_name: arrival.carrier_name.clone(),
            tracking_number: arrival.tracking_number.clone(),
            drive_ids: take.clone(),
            job_name: Some(job.name.clone()),
        };
        // A drive the job cannot take (already here) stays held for a person to look at.
        let Ok(change) = receive_into(&current, &package, ctx) else { continue };
        current = change.job;
        events.extend(change.events);
        let mut next = arrival.clone();
        next.drive_ids = keep;
        if next.drive_ids.is_empty() {
            next.status = ArrivalStatus::Released;
        }
        let mut rec = Recorder::new(*ctx);
        rec.record(
            None,
            "release",
            ArrivalStatus::Held,
            next.status,
            Rule::S10,
            Some(format!("drives {} received into job {} once it was Shipping", take.join(", "), job.name)),
        );
        released.push((next, rec.events.remove(0)));
    }
    (!released.is_empty()).then_some((Change { job: current, events }, released))
}
