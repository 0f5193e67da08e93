//! The situations the demo must show, each a short script over the domain API.
//! Every job scenario yields exactly one job; the table order is the order in
//! which small demos get them, and the weights give the mix of a large demo
//! (per mille), which resembles a real site: most jobs finished or archived, a
//! few percent in each active state, the exceptions rare.

use chrono::Duration;

use crate::domain::action::{ArrivalAction, DriveAction, JobAction};
use crate::domain::arrival::Package;
use crate::domain::state::{ContactVia, DriveState, ReturnProblem, Severity};
use crate::domain::{JobType, Timestamp};

use super::Site;
use super::life::{Pace, Plan, Stage, days, hours, live, minutes, receive};
use super::names::{self, Customer};
use super::run::{ArrivalRun, Run, ScriptError, Who};

pub(super) type Script = fn(&mut Site) -> Result<(), ScriptError>;

pub(super) struct Scenario {
    pub name: &'static str,
    /// Share of a large demo, per mille of the jobs (or of the extra arrivals).
    pub weight: u32,
    pub script: Script,
}

const fn scenario(name: &'static str, weight: u32, script: Script) -> Scenario {
    Scenario { name, weight, script }
}

/// One job each; the first ones cover the most states and exceptions.
pub(super) const JOB_SCENARIOS: &[Scenario] = &[
    scenario("transferring", 45, |site| stopped_at(site, Stage::Transferring, hours(3), days(4))),
    scenario("faulted job", 3, faulted_job),
    scenario("faulted drive", 4, faulted_drive),
    scenario("overdue, customer not notified", 3, overdue_not_notified),
    scenario("package for a Creating job", 1, package_for_creating_job),
    scenario("bad return address", 2, bad_return_address),
    scenario("export drives lost on return", 1, |site| export_return_problem(site, ReturnProblem::Lost)),
    scenario("extra drive in the package", 3, extra_drive),
    scenario("received", 15, |site| stopped_at(site, Stage::Received, hours(1), days(2))),
    scenario("copy messages", 6, copy_messages),
    scenario("closed with errors", 25, closed_with_errors),
    scenario("shipping", 40, |site| stopped_at(site, Stage::Shipping, hours(1), days(11))),
    scenario("overdue, customer notified", 3, overdue_notified),
    scenario("overdue, no answer past C4", 1, overdue_unanswered),
    scenario("return address, customer unreachable", 1, return_address_unreachable),
    scenario("package due soon", 4, package_due_soon),
    scenario("Creating job about to expire", 4, creating_about_to_expire),
    scenario("cancelled and returned", 3, cancelled_and_returned),
    scenario("archived after completion", 580, archived_after_completion),
    scenario("expired in Creating", 30, expired_in_creating),
    scenario("completed", 170, |site| stopped_at(site, Stage::Done, hours(1), days(88))),
    scenario("cancelled while Creating", 2, cancelled_while_creating),
    scenario("export drives damaged on return", 1, |site| {
        export_return_problem(site, ReturnProblem::Damaged)
    }),
    scenario("overdue, customer unreachable", 1, overdue_unreachable),
    scenario("late package after extension", 2, late_package_after_extension),
    scenario("closed for no answer", 2, closed_unanswered),
    scenario("drives destroyed past C6", 1, drives_destroyed),
    scenario("creating", 25, |site| stopped_at(site, Stage::Creating, hours(1), days(11))),
    scenario("packaging", 22, |site| stopped_at(site, Stage::Packaging, hours(1), days(5))),
];

/// Drives held under E1, each with no job to take them.
pub(super) const ARRIVAL_SCENARIOS: &[Scenario] = &[
    scenario("package naming an unknown job", 10, package_for_unknown_job),
    scenario("package naming no job", 10, package_naming_no_job),
    scenario("held past C5", 3, held_past_c5),
    scenario("sender unreachable past C6", 2, held_sender_unreachable),
    scenario("returned to sender", 60, returned_to_sender),
    scenario("destroyed past C6", 15, destroyed_unclaimed),
];

// ------------------------------------------------------------ shared steps

/// A plan and pace for a job that entered `stop` `tail` before now.
fn planned(site: &mut Site, job_type: Option<JobType>, stop: Stage, tail: Duration) -> (Plan, Pace) {
    let pace = Pace::draw(site);
    let created = site.now - pace.until(stop) - tail;
    let plan = match job_type {
        Some(job_type) => Plan::new(site, job_type, created),
        None => Plan::any_type(site, created),
    };
    (plan, pace)
}

/// The planned job's life up to `stop`, its stop-stage steps running until now.
fn live_until_now(site: &mut Site, plan: &Plan, pace: &Pace, stop: Stage) -> Result<Run, ScriptError> {
    let now = site.now;
    live(site, plan, pace, stop, now)
}

/// A moment `percent` of the way from the run's last step to now.
fn later(run: &Run, percent: i32) -> Timestamp {
    run.last() + (run.now() - run.last()) * percent / 100
}

/// An ordinary job that entered `stop` between `lo` and `hi` ago; a few of
/// those past Shipping carry an error (S1).
fn stopped_at(site: &mut Site, stop: Stage, lo: Duration, hi: Duration) -> Result<(), ScriptError> {
    let tail = site.span(lo, hi);
    let (mut plan, pace) = planned(site, None, stop, tail);
    plan.vary_harmlessly(site);
    if stop > Stage::Received && stop < Stage::Done && names::chance(&mut site.rng, 0.05) {
        plan.add_an_error(site);
    }
    let run = live_until_now(site, &plan, &pace, stop)?;
    site.keep(run);
    Ok(())
}

/// The sweep runs hourly: how long after a deadline it catches a job.
fn sweep_delay(site: &mut Site) -> Duration {
    site.span(minutes(5), minutes(55))
}

/// Room after a deadline for `sweep_delay`.
const SWEEP_MARGIN: Duration = Duration::hours(1);

/// An import job shipped `since` ago whose package never came: the sweep has
/// marked its drives NeverReceived (C3) and C2 has passed (J5).
fn overdue(site: &mut Site, since: Duration) -> Result<(Run, Plan), ScriptError> {
    let (plan, pace) = planned(site, Some(JobType::Import), Stage::Shipping, since);
    let shipped = plan.created + pace.until(Stage::Shipping);
    let mut run = live(site, &plan, &pace, Stage::Shipping, shipped)?;
    run.sweep(shipped + days(14) + sweep_delay(site))?;
    Ok((run, plan))
}

fn notify(site: &mut Site, run: &mut Run, at: Timestamp) -> Result<(), ScriptError> {
    let who = site.operator().noting("emailed the contact on file about the missing package");
    run.act(at, who, JobAction::NotifyCustomer { via: ContactVia::Email })
}

/// The drive still copying, for a fault.
fn a_transferring_drive(run: &Run) -> Result<String, ScriptError> {
    let drive = run.job().drives.iter().find(|d| d.state == DriveState::Transferring);
    drive.map(|d| d.drive_id.clone()).ok_or_else(|| {
        ScriptError::new(run.job().name.as_str(), run.last(), "fault", "no drive is Transferring")
    })
}

// ------------------------------------------------------------ job scenarios

/// E6: the whole job stopped; the customer has been reached (J15).
fn faulted_job(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(5), days(3));
    let (plan, pace) = planned(site, None, Stage::Transferring, tail);
    let mut run = live_until_now(site, &plan, &pace, Stage::Transferring)?;
    let reason = names::pick(&mut site.rng, names::JOB_FAULTS).to_string();
    run.act(later(&run, 40), site.operator(), JobAction::Fault { reason })?;
    let who = site.operator().noting("customer is fixing the storage account; will confirm by email");
    run.act(later(&run, 50), who, JobAction::Contact { via: ContactVia::Phone, reached: true })?;
    site.keep(run);
    Ok(())
}

/// E6: one drive cannot be read while the others copy.
fn faulted_drive(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(5), days(3));
    let (plan, pace) = planned(site, None, Stage::Transferring, tail);
    let mut run = live_until_now(site, &plan, &pace, Stage::Transferring)?;
    let drive_id = a_transferring_drive(&run)?;
    let reason = names::pick(&mut site.rng, names::DRIVE_FAULTS).to_string();
    run.act_on_drive(later(&run, 50), site.operator(), &drive_id, DriveAction::Fault { reason })?;
    site.keep(run);
    Ok(())
}

/// E2: C2 passed days ago and nobody has told the customer yet (J5).
fn overdue_not_notified(site: &mut Site) -> Result<(), ScriptError> {
    let since = days(14) + site.span(hours(3), days(6));
    let (run, _) = overdue(site, since)?;
    site.keep(run);
    Ok(())
}

/// E2: the customer was told and has until C4 to answer (J6).
fn overdue_notified(site: &mut Site) -> Result<(), ScriptError> {
    let since = site.span(days(15), days(38));
    let (mut run, _) = overdue(site, since)?;
    let at = run.last() + site.span(hours(2), hours(20));
    notify(site, &mut run, at)?;
    site.keep(run);
    Ok(())
}

/// E2: the customer was told over 30 days ago and never answered (C4, J7).
fn overdue_unanswered(site: &mut Site) -> Result<(), ScriptError> {
    let since = site.span(days(48), days(70));
    let (mut run, _) = overdue(site, since)?;
    let at = run.last() + site.span(hours(2), days(2));
    notify(site, &mut run, at)?;
    site.keep(run);
    Ok(())
}

/// J7: the customer of an overdue job cannot be contacted at all.
fn overdue_unreachable(site: &mut Site) -> Result<(), ScriptError> {
    let since = site.span(days(18), days(28));
    let (mut run, _) = overdue(site, since)?;
    let at = run.last() + site.span(hours(2), days(1));
    notify(site, &mut run, at)?;
    let who = site.operator().noting("phone number disconnected; the email bounced");
    let at = run.last() + site.span(days(1), days(2));
    run.act(at, who, JobAction::Contact { via: ContactVia::Phone, reached: false })?;
    site.keep(run);
    Ok(())
}

/// J6, D4: the customer answered, the wait was extended, and the package came.
fn late_package_after_extension(site: &mut Site) -> Result<(), ScriptError> {
    let notify_gap = site.span(hours(3), days(2));
    let answer_gap = site.span(days(1), days(4));
    let arrival_gap = site.span(days(2), days(6));
    let after = site.span(hours(1), days(2));
    let since = days(14) + SWEEP_MARGIN + notify_gap + answer_gap + arrival_gap + after;
    let (mut run, plan) = overdue(site, since)?;
    let notified = run.last() + notify_gap;
    notify(site, &mut run, notified)?;
    let who = site.operator().noting("customer: the package was held in customs, new ETA next week");
    run.act(notified + answer_gap, who, JobAction::ExtendWait { days: site.rng.u32(7..=14) })?;
    receive(site, &plan, &mut run, notified + answer_gap + arrival_gap)?;
    site.keep(run);
    Ok(())
}

/// J7: no answer within C4, so operations closed the job.
fn closed_unanswered(site: &mut Site) -> Result<(), ScriptError> {
    let notify_gap = site.span(hours(2), days(2));
    let close_gap = site.span(hours(1), days(3));
    let after = site.span(hours(1), days(60));
    let since = days(14) + SWEEP_MARGIN + notify_gap + days(30) + close_gap + after;
    let (mut run, _) = overdue(site, since)?;
    let notified = run.last() + notify_gap;
    notify(site, &mut run, notified)?;
    let closed = notified + days(30) + close_gap;
    run.act(closed, site.operator().noting("no answer in 30 days"), JobAction::CloseUnanswered)?;
    site.keep(run);
    Ok(())
}

/// E1, J16: the customer shipped before finishing the job; the drives are held.
fn package_for_creating_job(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(days(2), days(6));
    let (mut plan, pace) = planned(site, Some(JobType::Import), Stage::Creating, tail);
    plan.update_in_creating = false;
    let mut run = live_until_now(site, &plan, &pace, Stage::Creating)?;
    let at = site.now - site.span(hours(1), days(1));
    let held = run.hold(at, site.operator(), &plan.package())?;
    site.keep(run);
    site.keep_arrival(held);
    Ok(())
}

/// C1 nearly passed: the job is deleted within two days unless the customer ships (J2).
fn creating_about_to_expire(site: &mut Site) -> Result<(), ScriptError> {
    let tail = days(12) + site.span(hours(2), hours(46));
    let (mut plan, pace) = planned(site, None, Stage::Creating, tail);
    plan.update_in_creating = false; // an update would restart C1 (J3)
    let run = live_until_now(site, &plan, &pace, Stage::Creating)?;
    site.keep(run);
    Ok(())
}

/// C2 nearly passed: the package is due within two days (J5).
fn package_due_soon(site: &mut Site) -> Result<(), ScriptError> {
    let tail = days(12) + site.span(hours(2), hours(46));
    let (plan, pace) = planned(site, None, Stage::Shipping, tail);
    let run = live_until_now(site, &plan, &pace, Stage::Shipping)?;
    site.keep(run);
    Ok(())
}

/// J14: the customer cancelled before shipping; C1 will expire the job (S3).
fn cancelled_while_creating(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(days(1), days(10));
    let (mut plan, pace) = planned(site, None, Stage::Creating, tail);
    plan.update_in_creating = false;
    let mut run = live_until_now(site, &plan, &pace, Stage::Creating)?;
    let who = site.operator().noting("customer will not ship after all");
    run.act(later(&run, 50), who, JobAction::Cancel)?;
    site.keep(run);
    Ok(())
}

/// S3: cancelled while the package travelled; its drives went back uncopied.
fn cancelled_and_returned(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(1), days(80));
    let (mut plan, pace) = planned(site, None, Stage::Done, tail);
    plan.cancelled = true;
    let run = live_until_now(site, &plan, &pace, Stage::Done)?;
    site.keep(run);
    Ok(())
}

/// E5, D9: a drive the job does not list came in its package.
fn extra_drive(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(3), days(4));
    let (mut plan, pace) = planned(site, Some(JobType::Import), Stage::Transferring, tail);
    plan.add_extra_drive(site);
    let run = live_until_now(site, &plan, &pace, Stage::Transferring)?;
    site.keep(run);
    Ok(())
}

/// D7: a copy ended with an error, a warning and a note.
fn copy_messages(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(1), days(5));
    let (mut plan, pace) = planned(site, None, Stage::Packaging, tail);
    plan.add_messages(site, &[Severity::Error, Severity::Warning, Severity::Info]);
    let run = live_until_now(site, &plan, &pace, Stage::Packaging)?;
    site.keep(run);
    Ok(())
}

/// J12, S1: the job ended Closed because something went wrong.
fn closed_with_errors(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(1), days(88));
    let (mut plan, pace) = planned(site, None, Stage::Done, tail);
    plan.add_an_error(site);
    let run = live_until_now(site, &plan, &pace, Stage::Done)?;
    site.keep(run);
    Ok(())
}

/// E4: the carrier could not use the return address.
fn bad_return_address(site: &mut Site) -> Result<(), ScriptError> {
    let tail = site.span(hours(3), days(5));
    let (plan, pace) = planned(site, None, Stage::Packaging, tail);
    let mut run = live_until_now(site, &plan, &pace, Stage::Packaging)?;
    let who = site.operator().noting("carrier rejected the return label: address not found");
    run.act(later(&run, 50), who, JobAction::BadReturnAddress)?;
    site.keep(run);
    Ok(())
}

/// E4, C6: a Packaging job whose return address was reported wrong `report_gap`
/// after packaging, and whose customer was found unreachable `contact_gap` later.
fn unreachable_for_return(
    site: &mut Site,
    tail: Duration,
    report_gap: Duration,
    contact_gap: Duration,
) -> Result<Run, ScriptError> {
    let (plan, pace) = planned(site, None, Stage::Packaging, tail);
    let packaged = plan.created + pace.until(Stage::Packaging);
    let mut run = live(site, &plan, &pace, Stage::Packaging, packaged)?;
    let reported = run.last() + report_gap;
    let who = site.operator().noting("carrier rejected the return label: address not found");
    run.act(reported, who, JobAction::BadReturnAddress)?;
    let who = site.operator().noting("no answer on the phone number or email on file");
    run.act(reported + contact_gap, who, JobAction::Contact { via: ContactVia::Phone, reached: false })?;
    Ok(run)
}

/// E4, C6: the drives wait for an address while C6 runs.
fn return_address_unreachable(site: &mut Site) -> Result<(), ScriptError> {
    let (report_gap, contact_gap) = (site.span(hours(2), days(1)), site.span(days(1), days(5)));
    let tail = report_gap + contact_gap + site.span(days(3), days(75));
    let run = unreachable_for_return(site, tail, report_gap, contact_gap)?;
    site.keep(run);
    Ok(())
}

/// E4, S11: nobody answered and the return failed; the drives were destroyed
/// once C6 had run out (late: the attention queue had them overdue).
fn drives_destroyed(site: &mut Site) -> Result<(), ScriptError> {
    let (report_gap, contact_gap) = (site.span(hours(2), days(1)), site.span(days(1), days(4)));
    let destroy_gap = days(90) + site.span(hours(1), days(3));
    let tail = report_gap + contact_gap + destroy_gap + site.span(hours(1), days(60));
    let mut run = unreachable_for_return(site, tail, report_gap, contact_gap)?;
    let contacted = run.last();
    let who = site.operator().noting("destroyed by the certified contractor; certificate filed");
    let carrier = Who::new(who.operator).noting("the carrier brought the package back: address unknown");
    run.act(contacted + hours(1), carrier, JobAction::ReturnFailed)?;
    run.act(contacted + destroy_gap, who, JobAction::DestroyDrives)?;
    site.keep(run);
    Ok(())
}

/// E3: the customer reports the returned export drives lost or damaged.
fn export_return_problem(site: &mut Site, kind: ReturnProblem) -> Result<(), ScriptError> {
    let tail = site.span(days(5), days(85));
    let (mut plan, pace) = planned(site, Some(JobType::Export), Stage::Done, tail);
    if kind == ReturnProblem::Damaged {
        plan.add_messages(site, &[Severity::Error]); // ends Closed: E3 covers both
    }
    let mut run = live_until_now(site, &plan, &pace, Stage::Done)?;
    let at = run.last() + site.span(days(2), days(4));
    run.act(
        at,
        site.operator().noting("customer called; carrier claim opened"),
        JobAction::ReportReturnProblem { kind },
    )?;
    site.keep(run);
    Ok(())
}

/// J13, C7: finished more than 90 days ago, so swept into the archive (S2).
fn archived_after_completion(site: &mut Site) -> Result<(), ScriptError> {
    let sweep_delay = sweep_delay(site);
    let tail = days(90) + sweep_delay + site.span(Duration::zero(), days(500));
    let (mut plan, pace) = planned(site, None, Stage::Done, tail);
    plan.vary_harmlessly(site);
    if names::chance(&mut site.rng, 0.12) {
        plan.add_an_error(site);
    }
    let mut run = live_until_now(site, &plan, &pace, Stage::Done)?;
    run.sweep(run.job().state_since + days(90) + sweep_delay)?;
    site.keep(run);
    Ok(())
}

/// J2, C1: never shipped, so swept into the archive 14 days after the last update (S2).
fn expired_in_creating(site: &mut Site) -> Result<(), ScriptError> {
    let pace = Pace::draw(site);
    let created = site.now - site.span(days(16), days(300));
    let plan = Plan::any_type(site, created);
    let last_update = created + site.span(hours(1), days(1));
    let mut run = live(site, &plan, &pace, Stage::Creating, last_update)?;
    run.sweep(run.job().creating_clock_from + days(14) + sweep_delay(site))?;
    site.keep(run);
    Ok(())
}

// -------------------------------------------------------- arrival scenarios

/// A package of 1 to 3 drives naming `job_name` (or none), recorded between `lo` and `hi` ago.
fn stray_package_named(
    site: &mut Site,
    job_name: Option<String>,
    lo: Duration,
    hi: Duration,
) -> Result<ArrivalRun, ScriptError> {
    let customer = Customer::draw(&mut site.rng, false);
    let count = site.rng.usize(1..=3);
    let package = Package {
        carrier_name: customer.carrier.name.to_string(),
        tracking_number: customer.carrier.tracking_number(&mut site.rng),
        drive_ids: site.registry.drive_ids(&mut site.rng, count),
        job_name,
    };
    let at = site.now - site.span(lo, hi);
    ArrivalRun::hold(&package, site.operator(), at, site.now)
}

fn stray_package(site: &mut Site, lo: Duration, hi: Duration) -> Result<ArrivalRun, ScriptError> {
    stray_package_named(site, None, lo, hi)
}

/// E1: the package names a job nobody created (the name is reserved so no demo job takes it).
fn package_for_unknown_job(site: &mut Site) -> Result<(), ScriptError> {
    let customer = Customer::draw(&mut site.rng, false);
    let day = site.now - site.span(days(3), days(20));
    let name = site.registry.job_name(customer.job_name(day));
    let run = stray_package_named(site, Some(name), days(1), days(10))?;
    site.keep_arrival(run);
    Ok(())
}

/// E1: nothing in the package says whose drives these are.
fn package_naming_no_job(site: &mut Site) -> Result<(), ScriptError> {
    let run = stray_package(site, hours(2), days(5))?;
    site.keep_arrival(run);
    Ok(())
}

/// E1, S10: the customer was reached (C5 stops) but has not created the job.
fn held_past_c5(site: &mut Site) -> Result<(), ScriptError> {
    let mut run = stray_package(site, days(16), days(40))?;
    let at = run.recorded_at() + site.span(days(1), days(2));
    let who = site.operator().noting("customer says the job will be created this week");
    run.act(at, who, ArrivalAction::Contact { via: ContactVia::Email, reached: true })?;
    site.keep_arrival(run);
    Ok(())
}

/// E1, S11: the sender could not be reached and the return failed; C6 has
/// run out with the drives still here.
fn held_sender_unreachable(site: &mut Site) -> Result<(), ScriptError> {
    let mut run = stray_package(site, days(110), days(160))?;
    let at = run.recorded_at() + site.span(days(2), days(10));
    let who = site.operator();
    run.act(at, who, ArrivalAction::Contact { via: ContactVia::Phone, reached: false })?;
    let carrier = who.noting("the carrier brought the package back: sender unknown");
    run.act(after_c5(&run, at), carrier, ArrivalAction::ReturnFailed)?;
    site.keep_arrival(run);
    Ok(())
}

/// C5: nobody claimed the drives, so they went back to the sender.
fn returned_to_sender(site: &mut Site) -> Result<(), ScriptError> {
    let mut run = stray_package(site, days(20), days(300))?;
    let contacted = run.recorded_at() + site.span(hours(2), days(1));
    run.act(contacted, site.operator(), ArrivalAction::Contact { via: ContactVia::Email, reached: true })?;
    let returned = run.recorded_at() + days(14) + site.span(hours(1), days(4));
    run.act(returned, site.operator(), ArrivalAction::ReturnDrives)?;
    site.keep_arrival(run);
    Ok(())
}

/// S11: the sender never answered and the return failed, so the drives were destroyed.
fn destroyed_unclaimed(site: &mut Site) -> Result<(), ScriptError> {
    let mut run = stray_package(site, days(120), days(400))?;
    let unreachable = run.recorded_at() + site.span(days(2), days(10));
    run.act(unreachable, site.operator(), ArrivalAction::Contact { via: ContactVia::Phone, reached: false })?;
    let destroyed = unreachable + days(90) + site.span(hours(1), days(5));
    let who = site.operator().noting("destroyed by the certified contractor; certificate filed");
    let carrier = Who::new(who.operator).noting("the carrier brought the package back: sender unknown");
    run.act(after_c5(&run, unreachable), carrier, ArrivalAction::ReturnFailed)?;
    run.act(destroyed, who, ArrivalAction::DestroyDrives)?;
    site.keep_arrival(run);
    Ok(())
}

/// An hour after C5 ran out, or after `at` if later: when a return is first tried (E1).
fn after_c5(run: &ArrivalRun, at: Timestamp) -> Timestamp {
    (run.recorded_at() + days(14)).max(at) + hours(1)
}
