//! The one entry point of the rules: given a job snapshot, a request, the
//! operator and `now`, return the change with its consequences and audit
//! events, or a refusal naming the rule. The same permission checks answer
//! "which actions are valid now".

use super::action::{ActionKind, DriveAction, JobAction, TargetKind};
use super::change::{Change, Ctx, Recorder, Refusal};
use super::clock::{self, days};
use super::field::{FieldGroup, FieldSet};
use super::model::{Drive, Job, Timestamp};
use super::rule::Rule;
use super::state::{DriveState, JobState, JobType};

/// What an operator asks of one job: an action on the job or on one of its drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Job(JobAction),
    Drive { drive_id: String, action: DriveAction },
}

/// An action the rules allow now, with the rule that allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub kind: ActionKind,
    pub rule: Rule,
}

/// Applies a request to a job snapshot.
pub fn decide(job: &Job, request: &Request, ctx: &Ctx) -> Result<Change, Refusal> {
    let mut next = job.clone();
    let mut rec = Recorder::new(*ctx);
    match request {
        Request::Job(action) => {
            let rule = permit_job(job, action.kind(), ctx.now)?;
            apply_job(&mut next, action, rule, &mut rec)?;
        }
        Request::Drive { drive_id, action } => {
            let drive = job.drive(drive_id).ok_or_else(|| unknown_drive(job, drive_id))?;
            let rule = permit_drive(job, drive, action.kind(), ctx.now)?;
            apply_drive(&mut next, drive_id, action, rule, &mut rec)?;
        }
    }
    settle(&mut next, &mut rec);
    Ok(Change { job: next, events: rec.events })
}

/// The actions valid now on a job (`drive_id` `None`) or one of its drives.
pub fn valid_actions(job: &Job, drive_id: Option<&str>, now: Timestamp) -> Vec<Allowed> {
    let target = if drive_id.is_some() { TargetKind::Drive } else { TargetKind::Job };
    let drive = drive_id.and_then(|id| job.drive(id));
    ActionKind::ALL
        .iter()
        .copied()
        .filter(|k| k.targets().contains(&target))
        .filter_map(|kind| {
            let rule = match drive {
                Some(d) => permit_drive(job, d, kind, now),
                None if drive_id.is_some() => return None,
                None => permit_job(job, kind, now),
            };
            rule.ok().map(|rule| Allowed { kind, rule })
        })
        .collect()
}

pub(crate) fn unknown_drive(job: &Job, drive_id: &str) -> Refusal {
    let ids: Vec<&str> = job.drives.iter().map(|d| d.drive_id.as_str()).collect();
    let listed =
        if ids.is_empty() { "it has none".to_string() } else { format!("it has {}", ids.join(", ")) };
    Refusal::new(Rule::J1, format!("job {} has no drive {drive_id}; {listed}", job.name))
}

fn not_archived(job: &Job) -> Result<(), Refusal> {
    match job.archived_at {
        Some(at) => Err(Refusal::new(
            Rule::S2,
            format!("job {} was archived on {} and can no longer change", job.name, at.format("%Y-%m-%d")),
        )),
        None => Ok(()),
    }
}

/// No rule acts on a job whose state or type the service reported in words
/// the console does not know: it would have to guess (see `Job::unrecognised`).
fn understood(job: &Job) -> Result<(), Refusal> {
    match job.unrecognised() {
        Some((rule, what)) => Err(Refusal::new(
            rule,
            format!(
                "job {} has an {what} reported by the service; no rule applies until an import reports a documented one",
                job.name
            ),
        )),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------- job actions

fn permit_job(job: &Job, kind: ActionKind, now: Timestamp) -> Result<Rule, Refusal> {
    not_archived(job)?;
    understood(job)?;
    let state = job.effective_state();
    let faulted = job.state == JobState::Faulted;
    let overlay_allows = matches!(
        kind,
        ActionKind::Resolve | ActionKind::Contact | ActionKind::Update | ActionKind::BadReturnAddress
    );
    if faulted && !overlay_allows {
        return Err(Refusal::new(
            Rule::J15,
            format!(
                "job {} is Faulted ({}); contact the customer and resolve it first",
                job.name,
                reason(job)
            ),
        ));
    }
    let refuse = |rule: Rule, msg: String| Err(Refusal::new(rule, msg));
    match kind {
        ActionKind::Update => match state {
            JobState::Creating => Ok(Rule::J3),
            s if s.is_final() => refuse(Rule::J3, format!("job is {s}: its details can no longer change")),
            _ => Ok(Rule::E4),
        },
        ActionKind::Ship => {
            if state != JobState::Creating {
                return refuse(Rule::J4, format!("job is {state}: only a Creating job can move to Shipping"));
            }
            if job.cancel_requested {
                return refuse(
                    Rule::S3,
                    "the job was cancelled while Creating; it expires by C1 (J2)".into(),
                );
            }
            Ok(Rule::J4)
        }
        ActionKind::NotifyCustomer => {
            let wait_until = shipping_wait_until(job, state)?;
            not_cancelled(job)?;
            if now < wait_until {
                return refuse(
                    Rule::J5,
                    format!("the package is not overdue yet: C2 runs until {}", stamp(wait_until)),
                );
            }
            if let Some(at) = job.notified_at {
                return refuse(
                    Rule::J6,
                    format!(
                        "the customer was already notified on {}; wait for the answer (C4 ends {})",
                        stamp(at),
                        stamp(clock::answer_deadline(at))
                    ),
                );
            }
            Ok(Rule::J6)
        }
        ActionKind::ExtendWait => {
            shipping_wait_until(job, state)?;
            not_cancelled(job)?;
            if job.notified_at.is_none() {
                return refuse(
                    Rule::J6,
                    "the wait is extended on the customer's answer: notify the customer first (notify-customer)".into(),
                );
            }
            Ok(Rule::J6)
        }
        ActionKind::Cancel => {
            if !matches!(state, JobState::Creating | JobState::Shipping | JobState::Received) {
                return refuse(
                    Rule::J14,
                    format!("job is {state}: a job can be cancelled only in Creating, Shipping or Received"),
                );
            }
            if let Some(d) = job.drives.iter().find(|d| {
                !matches!(
                    effective(d),
                    DriveState::Specified | DriveState::NeverReceived | DriveState::Received
                )
            }) {
                return refuse(
                    Rule::J14,
                    format!("drive {} is already {}: the data copy has begun", d.drive_id, d.state),
                );
            }
            if job.cancel_requested {
                return refuse(Rule::J14, "the job is already cancelled".into());
            }
            Ok(Rule::J14)
        }
        ActionKind::CloseUnanswered => {
            j7_conditions(job, state, now)?;
            // S12: nothing is left behind, J7's path included.
            if let Some(d) = held_here(job).next() {
                return refuse(
                    Rule::S12,
                    format!(
                        "drive {} is here ({}): ship it back before the job closes (ship-back)",
                        d.drive_id, d.state
                    ),
                );
            }
            Ok(Rule::J7)
        }
        ActionKind::Contact => {
            if faulted || job.drives.iter().any(|d| d.state == DriveState::Faulted) {
                Ok(Rule::J15)
            } else if is_return_address_case(job) {
                Ok(Rule::E4)
            } else if state == JobState::Shipping && job.wait_until.is_some_and(|w| now >= w) {
                Ok(Rule::J7)
            } else {
                refuse(
                    Rule::J15,
                    "there is nothing to contact the customer about: neither the job nor a drive is Faulted (J15), the job is not overdue (J7) and has no return-address problem (E4)".into(),
                )
            }
        }
        ActionKind::BadReturnAddress => {
            if !matches!(state, JobState::Transferring | JobState::Packaging) {
                return refuse(
                    Rule::E4,
                    format!("job is {state}: a wrong return address is handled in Transferring or Packaging"),
                );
            }
            if job.return_address_invalid {
                return refuse(
                    Rule::E4,
                    "the return address is already reported wrong; contact the customer".into(),
                );
            }
            Ok(Rule::E4)
        }
        ActionKind::ReportReturnProblem => {
            if job.job_type != JobType::Export || !state.is_final() {
                return refuse(
                    Rule::E3,
                    format!(
                        "lost or damaged returns are recorded on Completed or Closed export jobs; this is a {} job in {state}",
                        job.job_type
                    ),
                );
            }
            if job.return_package.tracking_number.is_none() {
                return refuse(
                    Rule::E3,
                    "the job has no return package tracking number to report against".into(),
                );
            }
            Ok(Rule::E3)
        }
        ActionKind::DestroyDrives => {
            if !is_return_address_case(job) {
                return refuse(
                    Rule::E4,
                    "drives are destroyed only for a Transferring or Packaging job with a return-address problem (E4)".into(),
                );
            }
            if let Some(d) = job.drives.iter().find(|d| effective(d) == DriveState::Transferring) {
                return refuse(
                    Rule::S11,
                    format!(
                        "drive {} is Transferring: destruction never interrupts a copy; wait until the job is Packaging",
                        d.drive_id
                    ),
                );
            }
            if state != JobState::Packaging {
                return refuse(
                    Rule::S11,
                    format!("job is {state}: drives are destroyed once every copy is over (Packaging)"),
                );
            }
            destruction_allowed(job.unreachable_since, job.return_failed_at)?;
            Ok(Rule::S11)
        }
        ActionKind::ReturnFailed => {
            if !is_return_address_case(job) {
                return refuse(
                    Rule::S11,
                    "a failed return is recorded for a Transferring or Packaging job with a return-address problem (E4)".into(),
                );
            }
            if job.return_failed_at.is_some() {
                return refuse(Rule::S11, "a failed return attempt is already recorded".into());
            }
            Ok(Rule::S11)
        }
        ActionKind::ShipBack => {
            if state == JobState::Shipping {
                // S12: drives that came in for a job closing from Shipping go back first.
                closing_from_shipping(job, state, now)?;
            } else if state != JobState::Packaging {
                return refuse(Rule::J11, format!("job is {state}: drives ship back from a Packaging job"));
            }
            return_address_ok(job)?;
            if let Some(d) = job.drives.iter().find(|d| d.state == DriveState::Faulted) {
                return refuse(
                    Rule::J15,
                    format!("drive {} is Faulted; resolve it before shipping back", d.drive_id),
                );
            }
            if !job.drives.iter().any(|d| can_ship_back(job, d)) {
                return refuse(Rule::D8, "no drive is ready to ship back".into());
            }
            Ok(if state == JobState::Shipping {
                Rule::S12
            } else if job.had_errors() {
                Rule::J12
            } else {
                Rule::J11
            })
        }
        ActionKind::Fault => {
            if state.is_final() {
                return refuse(Rule::J15, format!("job is {state}: its life cycle is over"));
            }
            if faulted {
                return refuse(Rule::J15, "the job is already Faulted".into());
            }
            Ok(Rule::J15)
        }
        ActionKind::Resolve => {
            if !faulted {
                return refuse(
                    Rule::J15,
                    format!("job is {}, not Faulted: there is nothing to resolve", job.state),
                );
            }
            Ok(Rule::S5)
        }
        other => refuse(Rule::J1, format!("'{other}' is a drive action; name a drive as JOB/DRIVE")),
    }
}

fn apply_job(job: &mut Job, action: &JobAction, rule: Rule, rec: &mut Recorder) -> Result<(), Refusal> {
    let now = rec.now();
    let name = action.kind().name();
    let state = job.state;
    match action {
        JobAction::Update(fields) => {
            let allowed: &[FieldGroup] = match job.effective_state() {
                JobState::Creating => &[
                    FieldGroup::General,
                    FieldGroup::DeliveryPackage,
                    FieldGroup::ReturnAddress,
                    FieldGroup::ReturnShipping,
                ],
                JobState::Shipping => {
                    &[FieldGroup::DeliveryPackage, FieldGroup::ReturnAddress, FieldGroup::ReturnShipping]
                }
                _ => &[FieldGroup::ReturnAddress, FieldGroup::ReturnShipping],
            };
            if let Some(f) = fields.iter().find(|f| !allowed.contains(&f.field.group())) {
                return Err(Refusal::new(
                    rule,
                    format!(
                        "in {} only the return address and return shipping can change, not {}",
                        job.effective_state(),
                        f.field.path()
                    ),
                ));
            }
            if fields.is_empty() {
                return Err(Refusal::new(rule, "nothing to update: give at least one field"));
            }
            apply_fields(job, fields);
            if job.effective_state() == JobState::Shipping {
                // J4: a Shipping job keeps what it needed to enter Shipping.
                shipping_fields(job, "a Shipping job keeps its delivery package and return address")?;
            }
            if job.effective_state() == JobState::Creating {
                job.creating_clock_from = now; // J3: C1 restarts at 14 days
            }
            if fields.iter().any(|f| f.field.group() == FieldGroup::ReturnAddress)
                && job.return_address_invalid
            {
                job.return_address_invalid = false; // E4: the corrected address replaces the wrong one
                job.unreachable_since = None;
            }
            rec.record(None, name, state, job.state, rule, Some(describe_fields(fields)));
        }
        JobAction::Ship(fields) => {
            apply_fields(job, fields);
            shipping_fields(job, "Shipping needs the delivery package and return address")?;
            enter_shipping(job, now);
            rec.record(
                None,
                name,
                state,
                job.state,
                Rule::J4,
                Some(describe_fields(fields)).filter(|s| !s.is_empty()),
            );
        }
        JobAction::NotifyCustomer { via } => {
            job.notified_at = Some(now);
            job.last_contact = Some(super::model::Contact { at: now, via: *via, reached: true });
            let detail = format!(
                "customer notified by {via} of the missing package; C4 ends {}",
                stamp(clock::answer_deadline(now))
            );
            rec.record(None, name, state, state, Rule::J6, Some(detail));
        }
        JobAction::ExtendWait { days: n } => {
            let until = now + days(i64::from(*n));
            job.wait_until = Some(until);
            job.notified_at = None; // the customer answered: C4 stops
            rec.record(None, name, state, state, Rule::J6, Some(format!("C2 now ends {}", stamp(until))));
        }
        JobAction::Cancel => {
            job.cancel_requested = true;
            job.notified_at = None; // S3: the customer answered; C4 stops
            rec.record(
                None,
                name,
                state,
                state,
                Rule::J14,
                Some("cancelled: the data copy is skipped (S3)".into()),
            );
        }
        JobAction::CloseUnanswered => {
            mark_unreceived(job, rec, Rule::J7);
            enter(job, JobState::Closed, now);
            rec.record(None, name, state, JobState::Closed, Rule::J7, None);
        }
        JobAction::Contact { via, reached } => {
            job.last_contact = Some(super::model::Contact { at: now, via: *via, reached: *reached });
            let detail = if *reached {
                job.unreachable_since = None;
                format!("customer reached by {via}")
            } else {
                let since = *job.unreachable_since.get_or_insert(now);
                if rule == Rule::E4 {
                    format!(
                        "customer unreachable by {via}; C6 ends {}",
                        stamp(clock::destroy_deadline(since))
                    )
                } else {
                    format!("customer unreachable by {via}")
                }
            };
            rec.record(None, name, state, state, rule, Some(detail));
        }
        JobAction::BadReturnAddress => {
            job.return_address_invalid = true;
            rec.record(
                None,
                name,
                state,
                state,
                Rule::E4,
                Some("return address reported wrong: drives cannot ship back (D8)".into()),
            );
        }
        JobAction::ReportReturnProblem { kind } => {
            job.return_problem = Some(*kind);
            let tracking = job.return_package.tracking_number.clone().unwrap_or_default();
            let carrier = job.return_package.carrier_name.clone().unwrap_or_default();
            rec.record(
                None,
                name,
                state,
                state,
                Rule::E3,
                Some(format!("returned drives reported {kind}; return package {carrier} {tracking}")),
            );
        }
        JobAction::DestroyDrives => {
            for drive in job
                .drives
                .iter_mut()
                .filter(|d| d.state != DriveState::ShippedBack && d.state.has_arrived() && !d.gone())
            {
                drive.destroyed_at = Some(now);
                rec.record(
                    Some(&drive.drive_id),
                    name,
                    drive.state,
                    drive.state,
                    Rule::S11,
                    Some("securely destroyed".into()),
                );
            }
            enter(job, JobState::Closed, now);
            rec.record(
                None,
                name,
                state,
                JobState::Closed,
                Rule::S11,
                Some("customer unreachable and the return failed: drives destroyed (E4)".into()),
            );
        }
        JobAction::ReturnFailed => {
            job.return_failed_at = Some(now);
            let detail = return_failed_detail(job.unreachable_since);
            rec.record(None, name, state, state, Rule::S11, Some(detail));
        }
        JobAction::ShipBack(fields) => {
            apply_fields(job, fields);
            require_return_package(job)?;
            let ids: Vec<String> =
                job.drives.iter().filter(|d| can_ship_back(job, d)).map(|d| d.drive_id.clone()).collect();
            for id in &ids {
                ship_drive_back(job, id, rec);
            }
        }
        JobAction::Fault { reason } => {
            job.faulted_from = Some(job.state);
            job.fault_reason = Some(reason.clone());
            job.ever_faulted = true;
            enter(job, JobState::Faulted, now);
            rec.record(None, name, state, JobState::Faulted, Rule::J15, Some(reason.clone()));
        }
        JobAction::Resolve { state: target } => {
            let from = job.faulted_from.unwrap_or(JobState::Creating);
            let allowed = resolvable(from, from.successors());
            if !allowed.contains(target) {
                return Err(Refusal::new(
                    Rule::S5,
                    format!("a job Faulted from {from} resumes in {}; not {target}", list(&allowed)),
                ));
            }
            job_entry_condition(job, from, *target, now)?;
            job.faulted_from = None;
            job.fault_reason = None;
            if *target == from {
                job.state = from; // back where it was: its clocks run on from before
            } else {
                match target {
                    JobState::Shipping => enter_shipping(job, now),
                    JobState::Closed => {
                        mark_unreceived(job, rec, Rule::J7);
                        enter(job, JobState::Closed, now);
                    }
                    other => enter(job, *other, now),
                }
            }
            rec.record(None, name, JobState::Faulted, job.state, Rule::S5, None);
        }
    }
    Ok(())
}

/// S5: what must hold for a job Faulted from `from` to stand in `target`: the
/// entry conditions of the transition the resolve stands for.
fn job_entry_condition(job: &Job, from: JobState, target: JobState, now: Timestamp) -> Result<(), Refusal> {
    // A Faulted drive that never arrived counts as Specified (J8).
    let specified: Vec<&str> = job
        .drives
        .iter()
        .filter(|d| effective(d) == DriveState::Specified)
        .map(|d| d.drive_id.as_str())
        .collect();
    match target {
        JobState::Shipping => {
            shipping_fields(
                job,
                "Shipping needs the delivery package and return address (update them first)",
            )?;
            if job.cancel_requested && from == JobState::Creating {
                return Err(Refusal::new(
                    Rule::S3,
                    "the job was cancelled while Creating; it expires by C1 (J2)",
                ));
            }
        }
        JobState::Received | JobState::Transferring | JobState::Packaging if !specified.is_empty() => {
            return Err(Refusal::new(
                Rule::J8,
                format!(
                    "drives {} are still Specified: receive them or mark them never-received first",
                    specified.join(", ")
                ),
            ));
        }
        // J8: every listed drive is Received or NeverReceived, at least one Received.
        JobState::Received
            if from != target && !job.listed_drives().any(|d| effective(d) == DriveState::Received) =>
        {
            return Err(Refusal::new(Rule::J8, "no drive of the job has been received"));
        }
        // J9: at least one drive has begun processing.
        JobState::Transferring
            if from != target && !job.listed_drives().any(|d| effective(d) == DriveState::Transferring) =>
        {
            return Err(Refusal::new(
                Rule::J9,
                "no drive is Transferring: the job is Transferring once a drive begins processing",
            ));
        }
        JobState::Packaging => {
            if from == JobState::Received && !job.cancel_requested {
                return Err(Refusal::new(
                    Rule::S3,
                    "only a cancelled job goes from Received straight to Packaging; start a transfer instead",
                ));
            }
            // J10 (S3 when cancelled): every received drive has been processed.
            let waiting = job.listed_drives().find(|d| {
                let s = effective(d);
                s.has_arrived()
                    && !(s.is_processed()
                        || s == DriveState::ShippedBack
                        || d.late_in_packaging
                        || (job.cancel_requested && s == DriveState::Received))
            });
            if let Some(d) = waiting {
                return Err(Refusal::new(
                    Rule::J10,
                    format!(
                        "drive {} is {}: the job is Packaging once every received drive is processed",
                        d.drive_id,
                        effective(d)
                    ),
                ));
            }
        }
        JobState::Completed if job.had_errors() => {
            return Err(Refusal::new(
                Rule::S1,
                "the job had errors (it was Faulted), so it ends Closed, not Completed",
            ));
        }
        JobState::Completed | JobState::Closed => {
            if from == JobState::Shipping {
                j7_conditions(job, from, now)?;
            }
            // S12: nothing is left behind, whichever way the job ends.
            if let Some(d) = held_here(job).next() {
                return Err(Refusal::new(
                    Rule::S12,
                    format!(
                        "drive {} is {}, still here: a job ends only when every drive it holds is ShippedBack or destroyed",
                        d.drive_id, d.state
                    ),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

// -------------------------------------------------------------- drive actions

fn permit_drive(job: &Job, drive: &Drive, kind: ActionKind, now: Timestamp) -> Result<Rule, Refusal> {
    not_archived(job)?;
    understood(job)?;
    let refuse = |rule: Rule, msg: String| Err(Refusal::new(rule, msg));
    if job.state == JobState::Faulted {
        return refuse(
            Rule::J15,
            format!("job {} is Faulted ({}); resolve the job first", job.name, reason(job)),
        );
    }
    if let Some(at) = drive.destroyed_at {
        return refuse(Rule::C6, format!("drive {} was securely destroyed on {}", drive.drive_id, stamp(at)));
    }
    if let Some(at) = drive.voided_at {
        return refuse(
            Rule::P1,
            format!("drive {} was recorded in error and taken back on {}", drive.drive_id, stamp(at)),
        );
    }
    let faulted = drive.state == DriveState::Faulted;
    if faulted && kind != ActionKind::Resolve {
        let why = drive.fault_reason.as_deref().unwrap_or("no reason given");
        return refuse(Rule::J15, format!("drive {} is Faulted ({why}); resolve it first", drive.drive_id));
    }
    let job_state = job.state;
    let ds = drive.state;
    let id = &drive.drive_id;
    match kind {
        ActionKind::Receive => match ds {
            DriveState::Specified => match job_state {
                JobState::Shipping => Ok(Rule::D2),
                JobState::Creating => refuse(
                    Rule::J16,
                    format!(
                        "job {} is still Creating: hold the drives with `ieops arrival` (E1) until the customer ships (J4)",
                        job.name
                    ),
                ),
                other => refuse(
                    Rule::D2,
                    format!("job is {other}: Specified drives are received while it is Shipping"),
                ),
            },
            DriveState::NeverReceived => match job_state {
                JobState::Shipping | JobState::Received | JobState::Transferring => Ok(Rule::D4),
                // S12: up to and including Packaging; not copied, shipped back with the others.
                JobState::Packaging => Ok(Rule::S12),
                other => refuse(
                    Rule::S12,
                    format!("job is {other}: a late drive can be received up to and including Packaging"),
                ),
            },
            other => refuse(Rule::D2, format!("drive {id} is already {other}")),
        },
        ActionKind::CorrectReceipt => {
            if ds != DriveState::Received {
                return refuse(
                    Rule::P1,
                    format!("drive {id} is {ds}: only a Received drive's receipt can be undone"),
                );
            }
            let added = drive.extra || job.job_type == JobType::Export;
            if drive.received_from.is_none() && !added {
                return refuse(Rule::P1, format!("drive {id} has no receipt recorded here to undo"));
            }
            let until = drive.state_since + chrono::Duration::hours(clock::CORRECTION_HOURS);
            if now > until {
                return refuse(
                    Rule::P1,
                    format!(
                        "drive {id} was received on {}: a receipt can be undone within {} hours",
                        stamp(drive.state_since),
                        clock::CORRECTION_HOURS
                    ),
                );
            }
            let quiet = matches!(job_state, JobState::Shipping | JobState::Received)
                || (job_state == JobState::Packaging && drive.late_in_packaging);
            if !quiet {
                return refuse(
                    Rule::P1,
                    format!("job is {job_state}: its copy has begun since, so the receipt stands"),
                );
            }
            Ok(Rule::P1)
        }
        ActionKind::NeverReceived => {
            if ds != DriveState::Specified {
                return refuse(
                    Rule::D3,
                    format!("drive {id} is {ds}: only a Specified drive can be marked NeverReceived"),
                );
            }
            if job_state != JobState::Shipping {
                return refuse(
                    Rule::D3,
                    format!("job is {job_state}: the package has not arrived yet (the job must be Shipping)"),
                );
            }
            package_arrived_or_c3_passed(job, now)?;
            Ok(Rule::D3)
        }
        ActionKind::StartTransfer => {
            if ds != DriveState::Received {
                return refuse(
                    Rule::D5,
                    format!("drive {id} is {ds}: only a Received drive starts transferring"),
                );
            }
            if drive.extra {
                return refuse(
                    Rule::D9,
                    format!("drive {id} is an extra drive: it is never processed, only shipped back"),
                );
            }
            if job.cancel_requested {
                return refuse(Rule::S3, "the job is cancelled: its data copy is skipped".into());
            }
            if !matches!(job_state, JobState::Received | JobState::Transferring) {
                return refuse(
                    Rule::D5,
                    format!("job is {job_state}: transfers start once every drive is received (J8)"),
                );
            }
            Ok(Rule::D5)
        }
        ActionKind::Progress | ActionKind::Complete | ActionKind::CompleteWithInfo => {
            let rule = match kind {
                ActionKind::Progress => Rule::D5,
                ActionKind::Complete => Rule::D6,
                _ => Rule::D7,
            };
            if ds != DriveState::Transferring {
                return refuse(rule, format!("drive {id} is {ds}, not Transferring"));
            }
            Ok(rule)
        }
        ActionKind::ShipBack => {
            if !can_ship_back(job, drive) {
                return refuse(
                    Rule::D8,
                    format!(
                        "drive {id} is {ds}: only Completed or CompletedMoreInfo drives ship back (extra drives and a cancelled job's drives from Received)"
                    ),
                );
            }
            if job_state == JobState::Shipping {
                // S12: a drive that came in for a job closing from Shipping goes back first.
                closing_from_shipping(job, job_state, now)?;
            } else if job_state != JobState::Packaging {
                return refuse(
                    Rule::D8,
                    format!("job is {job_state}: drives ship back once it is Packaging"),
                );
            }
            return_address_ok(job)?;
            Ok(Rule::D8)
        }
        ActionKind::Fault => {
            if ds == DriveState::ShippedBack {
                return refuse(Rule::J15, format!("drive {id} has shipped back"));
            }
            Ok(Rule::J15)
        }
        ActionKind::Resolve => {
            if !faulted {
                return refuse(
                    Rule::J15,
                    format!("drive {id} is {ds}, not Faulted: there is nothing to resolve"),
                );
            }
            Ok(Rule::S5)
        }
        other => refuse(Rule::J1, format!("'{other}' is a job action; name the job without a drive")),
    }
}

fn apply_drive(
    job: &mut Job,
    drive_id: &str,
    action: &DriveAction,
    rule: Rule,
    rec: &mut Recorder,
) -> Result<(), Refusal> {
    let now = rec.now();
    let name = action.kind().name();
    if let DriveAction::ShipBack(fields) = action {
        apply_fields(job, fields);
        require_return_package(job)?;
        ship_drive_back(job, drive_id, rec);
        return Ok(());
    }
    let job_state = job.state;
    let c3_or_arrived = package_arrived_or_c3_passed(job, now);
    let drive =
        job.drive_mut(drive_id).ok_or_else(|| Refusal::new(Rule::J1, format!("no drive {drive_id}")))?;
    let from = drive.state;
    let mut resumed_from = from;
    let mut detail = None;
    match action {
        DriveAction::Receive => {
            if job_state == JobState::Packaging {
                drive.late_in_packaging = true; // S12: not copied; the job keeps the error (S1)
                detail = Some("late drive: not copied, ships back with the others".into());
            }
            drive.received_from = Some(from); // P1: what a correction returns it to
            enter_drive(drive, DriveState::Received, now)
        }
        DriveAction::CorrectReceipt => match drive.received_from.take() {
            Some(back) => {
                drive.late_in_packaging = false;
                detail = Some(format!("receipt recorded by mistake: back to {back}"));
                enter_drive(drive, back, now);
            }
            None => {
                drive.voided_at = Some(now);
                detail = Some("recorded by mistake: taken back, no longer one of the job's drives".into());
            }
        },
        DriveAction::NeverReceived => enter_drive(drive, DriveState::NeverReceived, now),
        DriveAction::StartTransfer => enter_drive(drive, DriveState::Transferring, now),
        DriveAction::Progress { percent, bytes } => {
            if *percent < drive.percent_complete {
                return Err(Refusal::new(
                    Rule::D5,
                    format!("progress only grows: drive {drive_id} is at {}%", drive.percent_complete),
                ));
            }
            drive.percent_complete = *percent;
            if let Some(b) = bytes {
                drive.bytes_succeeded = *b;
            }
            detail = Some(format!("{percent}% copied"));
        }
        DriveAction::Complete => {
            drive.percent_complete = 100;
            drive.copy_status = Some("Completed".into());
            enter_drive(drive, DriveState::Completed, now);
        }
        DriveAction::CompleteWithInfo(messages) => {
            if messages.is_empty() {
                return Err(Refusal::new(
                    Rule::D7,
                    "CompletedMoreInfo needs at least one message (message=SEVERITY:TEXT)",
                ));
            }
            drive.percent_complete = 100;
            drive.copy_status = Some("CompletedMoreInfo".into());
            drive.messages.extend(messages.iter().cloned());
            let words: Vec<String> = messages.iter().map(|m| format!("{}: {}", m.severity, m.text)).collect();
            detail = Some(words.join("; "));
            enter_drive(drive, DriveState::CompletedMoreInfo, now);
        }
        DriveAction::Fault { reason } => {
            drive.faulted_from = Some(from);
            drive.fault_reason = Some(reason.clone());
            detail = Some(reason.clone());
            enter_drive(drive, DriveState::Faulted, now);
        }
        DriveAction::Resolve { state: target } => {
            let back = drive.faulted_from.unwrap_or(DriveState::Received);
            resumed_from = back;
            let allowed = resolvable(back, back.successors());
            if !allowed.contains(target) {
                return Err(Refusal::new(
                    Rule::S5,
                    format!("a drive Faulted from {back} resumes in {}; not {target}", list(&allowed)),
                ));
            }
            drive.faulted_from = None;
            drive.fault_reason = None;
            if *target == back {
                drive.state = back;
            } else {
                if back == DriveState::NeverReceived && job_state == JobState::Packaging {
                    drive.late_in_packaging = true; // S12, as a receive would
                }
                enter_drive(drive, *target, now);
            }
        }
        DriveAction::ShipBack(_) => unreachable!("handled above"),
    }
    let to = drive.state;
    if to == DriveState::Faulted {
        job.ever_faulted = true; // S1: a fault anywhere is an error of the job
    }
    if let DriveAction::Resolve { state: target } = action {
        if *target == DriveState::NeverReceived && resumed_from != DriveState::NeverReceived {
            c3_or_arrived?;
        }
        drive_entry_condition(job, drive_id, resumed_from, *target)?;
    }
    rec.record(Some(drive_id), name, from, to, rule, detail);
    if matches!(action, DriveAction::CorrectReceipt) {
        unsettle(job, rec)?;
    }
    Ok(())
}

/// P1: the receipt that completed the set (J8) is undone, so is J8 — if the
/// job can stand in Shipping again (J4).
fn unsettle(job: &mut Job, rec: &mut Recorder) -> Result<(), Refusal> {
    let listed: Vec<&Drive> = job.listed_drives().collect();
    if job.state == JobState::Received && !all_received(job, &listed) {
        shipping_fields(job, "undoing the receipt takes the job back to Shipping, which needs them")?;
        job.state = JobState::Shipping;
        job.state_since = job.shipping_since.unwrap_or(rec.now());
        rec.record(None, "consequence", JobState::Received, JobState::Shipping, Rule::P1, None);
    }
    Ok(())
}

/// What must hold for a drive to resume in `target` after a fault (it was `back` before it).
fn drive_entry_condition(
    job: &Job,
    drive_id: &str,
    back: DriveState,
    target: DriveState,
) -> Result<(), Refusal> {
    let js = job.state;
    let drive = job.drive(drive_id);
    match target {
        DriveState::Received
            if back == DriveState::NeverReceived
                && !matches!(
                    js,
                    JobState::Shipping | JobState::Received | JobState::Transferring | JobState::Packaging
                ) =>
        {
            Err(Refusal::new(
                Rule::S12,
                format!("job is {js}: a late drive can be received up to and including Packaging"),
            ))
        }
        DriveState::Received if back == DriveState::Specified && js != JobState::Shipping => {
            Err(Refusal::new(
                Rule::D2,
                format!("job is {js}: Specified drives are received while it is Shipping"),
            ))
        }
        DriveState::Completed if drive.is_some_and(|d| d.percent_complete < 100) => Err(Refusal::new(
            Rule::S5,
            format!(
                "drive {drive_id} is at {}%: it is Completed only at 100%; resume it in Transferring",
                drive.map_or(0, |d| d.percent_complete)
            ),
        )),
        DriveState::CompletedMoreInfo if drive.is_some_and(|d| d.messages.is_empty()) => Err(Refusal::new(
            Rule::D7,
            format!("drive {drive_id} has no copy message: resume it in Transferring and complete-with-info"),
        )),
        DriveState::Specified if !matches!(js, JobState::Creating | JobState::Shipping) => Err(Refusal::new(
            Rule::J8,
            format!(
                "job is {js}: past Shipping drive {drive_id} is Received or NeverReceived, not Specified"
            ),
        )),
        DriveState::Received | DriveState::NeverReceived if js == JobState::Creating => {
            Err(Refusal::new(Rule::J16, "the job is still Creating: no drive of it can be received"))
        }
        DriveState::Transferring | DriveState::Completed | DriveState::CompletedMoreInfo
            if job.drive(drive_id).is_some_and(|d| d.extra) =>
        {
            Err(Refusal::new(
                Rule::D9,
                format!("drive {drive_id} is an extra drive: it is never processed, only shipped back"),
            ))
        }
        DriveState::Transferring
            if !matches!(js, JobState::Received | JobState::Transferring) || job.cancel_requested =>
        {
            Err(Refusal::new(Rule::D5, format!("job is {js}: drive {drive_id} cannot be Transferring")))
        }
        DriveState::ShippedBack if js != JobState::Packaging => {
            Err(Refusal::new(Rule::D8, format!("job is {js}: drives ship back once it is Packaging")))
        }
        DriveState::ShippedBack => {
            return_address_ok(job)?;
            require_return_package(job)
        }
        _ => Ok(()),
    }
}

// ----------------------------------------------------------------- shared steps

/// J8–J12 and S3: consequences of drive changes, applied until nothing more follows.
pub(crate) fn settle(job: &mut Job, rec: &mut Recorder) {
    loop {
        let listed: Vec<&Drive> = job.listed_drives().collect();
        let next = match job.state {
            JobState::Shipping if all_received(job, &listed) => Some((JobState::Received, Rule::J8)),
            // S3: a cancelled job none of whose drives ever arrived (C3 passed)
            // has nothing to copy or ship back; it ends Closed (S1: NeverReceived).
            JobState::Shipping
                if job.cancel_requested
                    && !listed.is_empty()
                    && listed.iter().all(|d| d.state == DriveState::NeverReceived)
                    && held_here(job).next().is_none() =>
            {
                Some((JobState::Closed, Rule::S3))
            }
            JobState::Received if job.cancel_requested => Some((JobState::Packaging, Rule::S3)),
            JobState::Received if listed.iter().any(|d| d.state == DriveState::Transferring) => {
                Some((JobState::Transferring, Rule::J9))
            }
            JobState::Transferring
                if listed.iter().all(|d| {
                    matches!(
                        d.state,
                        DriveState::NeverReceived
                            | DriveState::Completed
                            | DriveState::CompletedMoreInfo
                            | DriveState::ShippedBack
                    )
                }) =>
            {
                Some((JobState::Packaging, Rule::J10))
            }
            JobState::Packaging if all_shipped_back(job) => Some(if job.had_errors() {
                (JobState::Closed, Rule::J12)
            } else {
                (JobState::Completed, Rule::J11)
            }),
            _ => None,
        };
        let Some((to, rule)) = next else { return };
        let from = job.state;
        if matches!(to, JobState::Completed | JobState::Closed) {
            let shipped = job.drives.iter().filter(|d| d.state == DriveState::ShippedBack).count() as u32;
            job.return_package.drive_count.get_or_insert(shipped);
            job.return_package.ship_date.get_or_insert(rec.now());
        }
        enter(job, to, rec.now());
        rec.record(None, "consequence", from, to, rule, None);
    }
}

/// J8, and S9 for an export job that expects `deliveryPackage.driveCount`
/// drives: received once that many of its own drives are in.
fn all_received(job: &Job, listed: &[&Drive]) -> bool {
    let received = listed.iter().filter(|d| d.state == DriveState::Received).count();
    let settled = listed.iter().all(|d| matches!(d.state, DriveState::Received | DriveState::NeverReceived));
    match expected_export_drives(job) {
        Some(expected) => received >= expected,
        None => !listed.is_empty() && settled && received > 0,
    }
}

/// S9: how many drives an export job expects, if the customer said.
pub(crate) fn expected_export_drives(job: &Job) -> Option<usize> {
    let count = job.delivery_package.drive_count.filter(|n| *n > 0)?;
    (job.job_type == JobType::Export).then_some(count as usize)
}

fn all_shipped_back(job: &Job) -> bool {
    let present: Vec<&Drive> = job.drives.iter().filter(|d| d.state.has_arrived() && !d.gone()).collect();
    !present.is_empty() && present.iter().all(|d| d.state == DriveState::ShippedBack)
}

/// D8, and the drives that go back uncopied from `Received`: extra (D9), of a
/// cancelled job (S3), late in Packaging, or of a job closing under J7 (S12).
fn can_ship_back(job: &Job, drive: &Drive) -> bool {
    let uncopied = drive.extra
        || job.cancel_requested
        || drive.late_in_packaging
        || job.effective_state() == JobState::Shipping;
    !drive.gone() && (drive.state.is_processed() || (drive.state == DriveState::Received && uncopied))
}

fn ship_drive_back(job: &mut Job, drive_id: &str, rec: &mut Recorder) {
    let cancelled = job.cancel_requested;
    let tracking = job.return_package.tracking_number.clone().unwrap_or_default();
    let mut package = job.return_package.clone();
    package.ship_date.get_or_insert(rec.now());
    let Some(drive) = job.drive_mut(drive_id) else {
        return;
    };
    let rule = if drive.extra {
        Rule::D9
    } else if drive.state == DriveState::Received && !cancelled {
        Rule::S12 // late in Packaging, or back before a J7 close
    } else if drive.state == DriveState::Received {
        Rule::S3
    } else {
        Rule::D8
    };
    let from = drive.state;
    drive.return_package = Some(package);
    enter_drive(drive, DriveState::ShippedBack, rec.now());
    rec.record(
        Some(drive_id),
        "ship-back",
        from,
        DriveState::ShippedBack,
        rule,
        Some(format!("return tracking {tracking}")),
    );
}

fn require_return_package(job: &Job) -> Result<(), Refusal> {
    let missing = job.return_package.missing("returnPackage");
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(
            Rule::J11,
            format!("shipping back records the return package; missing {}", missing.join(", ")),
        ))
    }
}

fn return_address_ok(job: &Job) -> Result<(), Refusal> {
    match job.return_address_problem() {
        Some(problem) => Err(Refusal::new(
            Rule::E4,
            format!("{problem}; drives cannot ship back until it is fixed (update the returnAddress fields)"),
        )),
        None => Ok(()),
    }
}

fn is_return_address_case(job: &Job) -> bool {
    matches!(job.effective_state(), JobState::Transferring | JobState::Packaging)
        && job.return_address_problem().is_some()
}

/// J7: the customer was notified and C4 passed without an answer, or cannot
/// be reached; and the job was not cancelled (a cancellation is an answer, S3).
fn j7_conditions(job: &Job, state: JobState, now: Timestamp) -> Result<(), Refusal> {
    shipping_wait_until(job, state)?;
    not_cancelled(job)?;
    if job.unreachable_since.is_some() {
        return Ok(());
    }
    match job.notified_at {
        None => Err(Refusal::new(
            Rule::J7,
            "the customer was never notified of the missing package: notify-customer first (J6)",
        )),
        Some(at) if now < clock::answer_deadline(at) => Err(Refusal::new(
            Rule::J7,
            format!(
                "the customer has until {} to answer (C4); or record that they cannot be reached (contact with outcome=unreachable)",
                stamp(clock::answer_deadline(at))
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// S12: a Shipping job closes without reaching Received by J7, or, cancelled,
/// by S3 once none of its listed drives came (C3 passed); what did come goes
/// back first.
fn closing_from_shipping(job: &Job, state: JobState, now: Timestamp) -> Result<(), Refusal> {
    if !job.cancel_requested {
        return j7_conditions(job, state, now);
    }
    match job.listed_drives().find(|d| effective(d) != DriveState::NeverReceived) {
        Some(d) => Err(Refusal::new(
            Rule::S3,
            format!(
                "the job is cancelled and drive {} is {}: its drives ship back once the job is Packaging",
                d.drive_id,
                effective(d)
            ),
        )),
        None => Ok(()),
    }
}

/// S3: a cancelled job waits for no answer; the customer gave it.
fn not_cancelled(job: &Job) -> Result<(), Refusal> {
    if job.cancel_requested {
        return Err(Refusal::new(
            Rule::S3,
            "the customer cancelled the job: that was the answer; its drives ship back when they arrive, and C3 settles those that never do",
        ));
    }
    Ok(())
}

/// S12: the drives the datacenter holds for the job (arrived, listed or
/// extra, neither shipped back nor destroyed).
pub(crate) fn held_here(job: &Job) -> impl Iterator<Item = &Drive> {
    job.drives
        .iter()
        .filter(|d| effective(d).has_arrived() && effective(d) != DriveState::ShippedBack && !d.gone())
}

/// S11: what a failed return attempt leaves to do, for its audit event.
pub(crate) fn return_failed_detail(unreachable_since: Option<Timestamp>) -> String {
    match unreachable_since {
        Some(since) => format!(
            "return attempt failed; the drives must be destroyed before C6 ends {}",
            stamp(clock::destroy_deadline(since))
        ),
        None => "return attempt failed; destruction also needs the customer recorded unreachable".into(),
    }
}

/// S11: destruction is allowed once the customer is recorded unreachable
/// (which starts C6) and a return attempt failed; C6 is the deadline to do it
/// by, not a wait.
pub(crate) fn destruction_allowed(
    unreachable_since: Option<Timestamp>,
    return_failed_at: Option<Timestamp>,
) -> Result<(), Refusal> {
    if unreachable_since.is_none() {
        return Err(Refusal::new(
            Rule::S11,
            "the customer has not been recorded unreachable: a contact with outcome=unreachable comes first",
        ));
    }
    if return_failed_at.is_none() {
        return Err(Refusal::new(
            Rule::S11,
            "no failed return attempt is recorded: try to return the drives first (return-failed if it fails)",
        ));
    }
    Ok(())
}

/// A Shipping job's C2 deadline, or a refusal for any other state.
fn shipping_wait_until(job: &Job, state: JobState) -> Result<Timestamp, Refusal> {
    match (state, job.wait_until) {
        (JobState::Shipping, Some(w)) => Ok(w),
        _ => Err(Refusal::new(
            Rule::J6,
            format!("job is {state}: this applies to a Shipping job whose package is overdue"),
        )),
    }
}

/// D3 (S12): a drive is NeverReceived only once C3 passed or the job's
/// package arrived without it (some drive of the job came in).
fn package_arrived_or_c3_passed(job: &Job, now: Timestamp) -> Result<(), Refusal> {
    let c3 = job.shipping_since.map(|since| since + days(clock::NEVER_RECEIVED_DAYS));
    let arrived = job.drives.iter().any(|d| effective(d).has_arrived());
    match c3 {
        _ if arrived => Ok(()),
        Some(c3) if now >= c3 => Ok(()),
        Some(c3) => Err(Refusal::new(
            Rule::D3,
            format!(
                "no package of the job has arrived and C3 runs until {}: record the arrival first, or wait",
                stamp(c3)
            ),
        )),
        None => Err(Refusal::new(Rule::D3, "the job has not shipped: no package can be missing a drive")),
    }
}

/// D3 as a consequence: drives still Specified when the job closes never arrived.
fn mark_unreceived(job: &mut Job, rec: &mut Recorder, rule: Rule) {
    for drive in job.drives.iter_mut().filter(|d| d.state == DriveState::Specified) {
        enter_drive(drive, DriveState::NeverReceived, rec.now());
        rec.record(
            Some(&drive.drive_id),
            "consequence",
            DriveState::Specified,
            DriveState::NeverReceived,
            rule,
            None,
        );
    }
}

pub(crate) fn enter_shipping(job: &mut Job, now: Timestamp) {
    enter(job, JobState::Shipping, now);
    job.shipping_since = Some(now);
    job.wait_until = Some(now + days(clock::SHIPPING_DAYS));
}

pub(crate) fn enter(job: &mut Job, state: JobState, now: Timestamp) {
    job.state = state;
    job.state_since = now;
}

pub(crate) fn enter_drive(drive: &mut Drive, state: DriveState, now: Timestamp) {
    drive.state = state;
    drive.state_since = now;
}

fn effective(drive: &Drive) -> DriveState {
    drive.faulted_from.unwrap_or(drive.state)
}

fn apply_fields(job: &mut Job, fields: &[FieldSet]) {
    for f in fields {
        f.apply(job);
    }
}

fn describe_fields(fields: &[FieldSet]) -> String {
    let paths: Vec<&str> = fields.iter().map(|f| f.field.path()).collect();
    if paths.is_empty() { String::new() } else { format!("set {}", paths.join(", ")) }
}

/// J4: what a job must have to stand in Shipping; `why` opens the refusal.
fn shipping_fields(job: &Job, why: &str) -> Result<(), Refusal> {
    let mut missing = job.delivery_package.missing("deliveryPackage");
    missing.extend(job.return_address.missing());
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(Rule::J4, format!("{why}; missing {}", missing.join(", "))))
    }
}

/// S5: the states a Faulted job (`drive_id` `None`) or drive can resolve to
/// now: those `decide` would accept, in the order `resolvable` lists them.
pub fn resolve_targets(job: &Job, drive_id: Option<&str>, now: Timestamp) -> Vec<String> {
    let ctx = Ctx { operator: "", now, note: None };
    match drive_id {
        None => {
            let Some(from) = job.faulted_from.filter(|_| job.state == JobState::Faulted) else {
                return Vec::new();
            };
            resolvable(from, from.successors())
                .into_iter()
                .filter(|&state| decide(job, &Request::Job(JobAction::Resolve { state }), &ctx).is_ok())
                .map(|s| s.to_string())
                .collect()
        }
        Some(id) => {
            let Some(from) =
                job.drive(id).filter(|d| d.state == DriveState::Faulted).and_then(|d| d.faulted_from)
            else {
                return Vec::new();
            };
            resolvable(from, from.successors())
                .into_iter()
                .filter(|&state| {
                    let request =
                        Request::Drive { drive_id: id.to_string(), action: DriveAction::Resolve { state } };
                    decide(job, &request, &ctx).is_ok()
                })
                .map(|s| s.to_string())
                .collect()
        }
    }
}

/// S5: the state held before the fault, then the states one transition leads to.
pub fn resolvable<T: Copy + PartialEq>(from: T, successors: &[T]) -> Vec<T> {
    let mut states = vec![from];
    states.extend(successors.iter().copied().filter(|s| *s != from));
    states
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or ")
}

fn reason(job: &Job) -> &str {
    job.fault_reason.as_deref().unwrap_or("no reason given")
}

pub(crate) fn stamp(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
