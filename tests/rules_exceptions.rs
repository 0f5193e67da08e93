//! The attention queue's exceptions E1–E6 and the clocks C1–C7 of SPEC.md:
//! each just before and just after its deadline, allowed and refused.

mod common;

use common::*;
use ieops::domain::arrival::{Outcome, decide_arrival, process_arrival};
use ieops::domain::attention::{self, Item, Subject, Urgency, arrival_items, job_items};
use ieops::domain::clock::{arrival_clocks, job_clocks};
use ieops::domain::state::{ArrivalStatus, DriveState, JobState, ReturnProblem};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{
    Action, Arrival, ArrivalAction, Event, Job, Rule, SYSTEM_OPERATOR, TargetKind, Timestamp,
};

/// A package held under E1, stored with id 1.
fn held(job: Option<&Job>, drives: &[&str], job_name: Option<&str>, at: Timestamp) -> (Arrival, Event) {
    match process_arrival(job, &package(drives, job_name), &ctx(at)) {
        Ok(Outcome::Held { mut arrival, event }) => {
            arrival.id = Some(1);
            (arrival, event)
        }
        other => panic!("not held: {other:?}"),
    }
}

fn arrival_req(name: &str, pairs: &[(&str, &str)]) -> ArrivalAction {
    match Action::parse(TargetKind::Arrival, name, &sets(pairs)) {
        Ok(Action::Arrival(a)) => a,
        other => panic!("arrival action {name} did not parse: {other:?}"),
    }
}

fn on_arrival(arrival: &Arrival, name: &str, pairs: &[(&str, &str)], at: Timestamp) -> (Arrival, Event) {
    decide_arrival(arrival, &arrival_req(name, pairs), &ctx(at)).unwrap_or_else(|r| panic!("{name}: {r}"))
}

fn arrival_refused(
    arrival: &Arrival,
    name: &str,
    pairs: &[(&str, &str)],
    at: Timestamp,
) -> ieops::domain::Refusal {
    decide_arrival(arrival, &arrival_req(name, pairs), &ctx(at)).expect_err("refused")
}

fn items_with(job: &Job, rule: Rule, now: Timestamp) -> Vec<Item> {
    job_items(job, now).into_iter().filter(|i| i.rule == rule).collect()
}

fn deadline(job: &Job, rule: Rule) -> Option<Timestamp> {
    job_clocks(job).into_iter().find(|c| c.rule == rule).map(|c| c.deadline)
}

fn job_subject() -> Subject {
    Subject::Job("imp-1".into())
}

// ------------------------------------------------------------------------- E1

#[test]
fn e1_drives_for_an_unknown_or_creating_job_are_held_recorded_and_queued() {
    let t = t0() + days(1);
    let (arrival, event) = held(None, &["Q1", "Q2"], Some("ghost"), t);
    assert_eq!(arrival.status, ArrivalStatus::Held);
    assert_eq!(arrival.drive_ids, ["Q1", "Q2"]);
    assert_eq!((arrival.carrier_name.as_str(), arrival.tracking_number.as_str()), ("DHL", "JD0140"));
    assert_eq!(arrival.recorded_by, OPERATOR);
    assert_eq!((event.from_state.as_str(), event.to_state.as_str(), event.rule), ("-", "Held", Rule::E1));
    assert!(event.detail.as_deref().unwrap().contains("no job ghost on record"));

    let items = arrival_items(&arrival, None, t);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].rule, Rule::E1);
    assert_eq!(items[0].subject, Subject::Arrival(1));
    assert!(items[0].what.contains("unknown job ghost"), "{}", items[0].what);
    assert!(items[0].next_step.contains("contact the customer"));

    // A Creating job's package is held the same way (J16) …
    let creating = import_job(&["D1"]);
    let (arrival, _) = held(Some(&creating), &["D1"], Some("imp-1"), t);
    let items = arrival_items(&arrival, Some(JobState::Creating), t);
    assert_eq!(items.len(), 1);
    assert!(items[0].what.contains("job imp-1 is Creating"), "{}", items[0].what);
    // … and leaves the queue once the customer ships the job.
    assert!(arrival_items(&arrival, Some(JobState::Shipping), t).is_empty());
    let shipped = shipping(&creating);
    assert!(matches!(
        process_arrival(Some(&shipped), &package(&["D1"], Some("imp-1")), &ctx(t)),
        Ok(Outcome::Received(_))
    ));

    // An arrival records its carrier, tracking number and drives.
    let mut bad = package(&["Q1"], None);
    bad.tracking_number = " ".into();
    let r = process_arrival(None, &bad, &ctx(t)).unwrap_err();
    assert_refused(&r, Rule::E1, &["carrier and tracking number"]);
    let r = process_arrival(None, &package(&[], None), &ctx(t)).unwrap_err();
    assert_refused(&r, Rule::E1, &["at least one drive"]);
}

#[test]
fn e1_customer_contact_about_held_drives_is_recorded() {
    let t = t0();
    let (arrival, _) = held(None, &["Q1"], None, t);
    let (reached, event) = on_arrival(&arrival, "contact", &[("via", "email")], t + days(1));
    let contact = reached.last_contact.clone().unwrap();
    assert!(contact.reached);
    assert_eq!(contact.at, t + days(1));
    assert_eq!(reached.unreachable_since, None);
    assert_eq!((event.from_state.as_str(), event.to_state.as_str(), event.rule), ("Held", "Held", Rule::E1));

    let (unreachable, event) =
        on_arrival(&arrival, "contact", &[("via", "phone"), ("outcome", "unreachable")], t + days(2));
    assert_eq!(unreachable.unreachable_since, Some(t + days(2)));
    assert!(event.detail.as_deref().unwrap().contains("C6 ends"));

    // Drives already returned take no more actions.
    let (returned, _) = on_arrival(&arrival, "return-drives", &[], t + days(14));
    let r = arrival_refused(&returned, "contact", &[("via", "email")], t + days(15));
    assert_refused(&r, Rule::E1, &["already Returned"]);
    assert!(arrival_items(&returned, None, t + days(15)).is_empty());
}

#[test]
fn e1_drives_for_a_job_past_its_copy_are_held_and_stay_queued() {
    let done = completed_import(&["D1"]);
    let t = t0() + days(10);
    let (arrival, event) = held(Some(&done), &["D7"], Some("imp-1"), t);
    assert_eq!(event.rule, Rule::E1);
    let items = arrival_items(&arrival, Some(JobState::Completed), t);
    assert_eq!(items.len(), 1, "a held arrival must not leave the queue");
    assert!(items[0].what.contains("job imp-1 is Completed"), "{}", items[0].what);
    assert_eq!(items[0].due, Some(t + days(14)));
    // While the job can take its drives, the arrival is the job's business.
    for state in [JobState::Shipping, JobState::Received, JobState::Transferring] {
        assert!(arrival_items(&arrival, Some(state), t).is_empty());
    }
}

// ------------------------------------------------------------------------- E2

#[test]
fn e2_missing_package_is_queued_until_the_customer_answers_or_the_job_closes() {
    let job = shipping_import(&["D1"]);
    let c2 = t0() + days(14);
    assert!(items_with(&job, Rule::E2, c2 - secs(1)).is_empty());
    let items = items_with(&job, Rule::E2, c2);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].urgency, Urgency::Overdue);
    assert!(items[0].next_step.contains("notify-customer"));

    // Notified: waiting for the answer until C4.
    let notified_at = c2 + days(1);
    let job = step(&job, job_req("notify-customer", &[]), notified_at);
    let items = items_with(&job, Rule::E2, notified_at);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].urgency, Urgency::Open);
    assert_eq!(items[0].due, Some(notified_at + days(30)));
    assert!(items[0].next_step.contains("extend-wait or cancel"));
    let items = items_with(&job, Rule::E2, notified_at + days(30));
    assert_eq!(items[0].urgency, Urgency::Overdue);
    assert!(items[0].next_step.contains("close-unanswered"));

    // Closed (J7): off the queue.
    let closed = step(&job, job_req("close-unanswered", &[]), notified_at + days(30));
    assert!(job_items(&closed, notified_at + days(30)).is_empty());

    // Nothing to contact the customer about before the package is overdue.
    let r = refuse(&shipping_import(&["D1"]), &job_req("contact", &[("via", "email")]), c2 - secs(1));
    assert_refused(&r, Rule::J15, &["nothing to contact the customer about"]);
}

// ------------------------------------------------------------------------- E3

#[test]
fn e3_lost_or_damaged_export_return_is_recorded_with_the_return_tracking_number() {
    let job = completed_export();
    let t = t0() + days(20);
    let change = accept(&job, &job_req("report-return-problem", &[("kind", "damaged")]), t);
    assert_eq!(change.job.return_problem, Some(ReturnProblem::Damaged));
    assert_eq!(change.job.state, JobState::Completed);
    assert_eq!(job_transitions(&change.events), [("Completed", "Completed", Rule::E3)]);
    assert!(change.events[0].detail.as_deref().unwrap().contains("UPS 1Z-RETURN-7"));
    let items = items_with(&change.job, Rule::E3, t);
    assert_eq!(items.len(), 1);
    assert!(items[0].what.contains("Damaged") && items[0].what.contains("1Z-RETURN-7"), "{}", items[0].what);

    // Only export jobs, only once they are Completed or Closed.
    let r = refuse(&completed_import(&["D1"]), &job_req("report-return-problem", &[("kind", "lost")]), t);
    assert_refused(&r, Rule::E3, &["export jobs", "Import job in Completed"]);
    let mut packaging = shipping(&export_job());
    packaging = arrive(&packaging, &["E1"], t0() + days(1)).job;
    packaging = step(&packaging, drive_req("E1", "start-transfer", &[]), t0() + days(2));
    packaging =
        step(&packaging, drive_req("E1", "complete-with-info", &[("message", "error:bad")]), t0() + days(2));
    assert_eq!(packaging.state, JobState::Packaging);
    let r = refuse(&packaging, &job_req("report-return-problem", &[("kind", "lost")]), t);
    assert_refused(&r, Rule::E3, &["Export job in Packaging"]);
    // A report needs the return package's tracking number.
    let mut unreturned = shipping(&export_job());
    unreturned = step(
        &unreturned,
        job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]),
        t0() + days(14),
    );
    unreturned = step(&unreturned, job_req("close-unanswered", &[]), t0() + days(14));
    let r = refuse(&unreturned, &job_req("report-return-problem", &[("kind", "lost")]), t);
    assert_refused(&r, Rule::E3, &["no return package tracking number"]);
    // A Closed export job takes the report too.
    let closed = step(&packaging, job_req("ship-back", &RETURN_PACKAGE), t0() + days(3));
    assert_eq!(closed.state, JobState::Closed);
    let lost = step(&closed, job_req("report-return-problem", &[("kind", "lost")]), t);
    assert_eq!(lost.return_problem, Some(ReturnProblem::Lost));
}

// ------------------------------------------------------------------------- E4

#[test]
fn e4_wrong_return_address_blocks_shipping_back_until_it_is_fixed() {
    let job = packaging_import(&["D1"]);
    let t = t0() + days(4);
    assert!(items_with(&job, Rule::E4, t).is_empty());

    let change = accept(&job, &job_req("bad-return-address", &[]), t);
    assert!(change.job.return_address_invalid);
    assert_eq!(job_transitions(&change.events), [("Packaging", "Packaging", Rule::E4)]);
    let wrong = change.job;
    let items = items_with(&wrong, Rule::E4, t);
    assert_eq!(items.len(), 1);
    assert!(items[0].next_step.contains("contact the customer for the right address"));
    let r = refuse(&wrong, &job_req("ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::E4, &["reported wrong", "cannot ship back"]);
    let r = refuse(&wrong, &job_req("bad-return-address", &[]), t);
    assert_refused(&r, Rule::E4, &["already reported wrong"]);

    // The contact is recorded; the right address clears the problem.
    let contacted = accept(&wrong, &job_req("contact", &[("via", "phone")]), t);
    assert_eq!(contacted.events[0].rule, Rule::E4);
    let fixed = step(&contacted.job, job_req("update", &[("returnAddress.streetAddress1", "2 Quay St")]), t);
    assert!(!fixed.return_address_invalid);
    assert!(items_with(&fixed, Rule::E4, t).is_empty());
    let done = step(&fixed, job_req("ship-back", &RETURN_PACKAGE), t);
    assert_eq!(done.state, JobState::Completed);

    // Reported only while Transferring or Packaging.
    let r = refuse(&received_import(&["D1"]), &job_req("bad-return-address", &[]), t);
    assert_refused(&r, Rule::E4, &["Received", "Transferring or Packaging"]);
    // A missing address is the same exception.
    let missing = step(&job, job_req("update", &[("returnAddress.phone", "")]), t);
    let items = items_with(&missing, Rule::E4, t);
    assert!(items[0].what.contains("returnAddress.phone"), "{}", items[0].what);
}

#[test]
fn e4_unreachable_contact_and_a_failed_return_get_the_drives_destroyed_within_c6() {
    let job = step(&packaging_import(&["D1"]), job_req("bad-return-address", &[]), t0() + days(4));
    let r = refuse(&packaging_import(&["D1"]), &job_req("destroy-drives", &[]), t0() + days(200));
    assert_refused(&r, Rule::E4, &["return-address problem"]);
    let r = refuse(&job, &job_req("destroy-drives", &[]), t0() + days(200));
    assert_refused(&r, Rule::S11, &["not been recorded unreachable"]);

    let since = t0() + days(5);
    let job = step(&job, job_req("contact", &[("via", "email"), ("outcome", "unreachable")]), since);
    assert_eq!(job.unreachable_since, Some(since));
    let r = refuse(&job, &job_req("destroy-drives", &[]), since + days(1));
    assert_refused(&r, Rule::S11, &["no failed return attempt"]);
    let job = step(&job, job_req("return-failed", &[]), since + days(1));
    // S11: C6 is the deadline to destroy by, counting down from the day the customer was unreachable.
    let item = &items_with(&job, Rule::E4, since + days(2))[0];
    assert_eq!((item.due, item.urgency), (Some(since + days(90)), Urgency::Open));
    assert!(item.next_step.contains("destroy-drives before C6 ends"), "{}", item.next_step);
    assert_eq!(items_with(&job, Rule::E4, since + days(90))[0].urgency, Urgency::Overdue);

    let at = since + days(2);
    let change = accept(&job, &job_req("destroy-drives", &[]), at);
    assert_eq!(change.job.state, JobState::Closed);
    assert_eq!(change.job.drive("D1").unwrap().destroyed_at, Some(at));
    assert_eq!(
        transitions(&change.events),
        [(Some("D1"), "Completed", "Completed", Rule::S11), (None, "Packaging", "Closed", Rule::S11)]
    );
    // A destroyed drive takes no more actions.
    let r = refuse(&change.job, &drive_req("D1", "fault", &[("reason", "x")]), since + days(91));
    assert_refused(&r, Rule::C6, &["securely destroyed"]);
}

// ------------------------------------------------------------------------- E5

#[test]
fn e5_extra_drive_is_queued_until_it_ships_back_with_the_job() {
    let job = arrive(&shipping_import(&["D1"]), &["D1", "X9"], t0() + days(1)).job;
    let t = t0() + days(2);
    let items = items_with(&job, Rule::E5, t);
    assert_eq!(items.len(), 1, "only the unlisted drive: {items:?}");
    assert_eq!(items[0].subject, Subject::Drive { job: "imp-1".into(), drive_id: "X9".into() });
    assert!(items[0].next_step.contains("ship back with the job's drives"));

    let job = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let job = step(&job, drive_req("D1", "complete", &[]), t);
    assert_eq!(items_with(&job, Rule::E5, t).len(), 1);
    let done = step(&job, job_req("ship-back", &RETURN_PACKAGE), t);
    assert_eq!(done.drive("X9").unwrap().state, DriveState::ShippedBack);
    assert!(items_with(&done, Rule::E5, t).is_empty());
}

// ------------------------------------------------------------------------- E6

#[test]
fn e6_faulted_job_or_drive_is_queued_with_its_reason_until_resolved() {
    let t = t0() + days(2);
    let job = received_import(&["D1"]);
    assert!(items_with(&job, Rule::E6, t).is_empty());

    let drive_faulted = step(&job, drive_req("D1", "fault", &[("reason", "bad sectors")]), t);
    let items = items_with(&drive_faulted, Rule::E6, t);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].urgency, Urgency::Faulted);
    assert_eq!(items[0].subject, Subject::Drive { job: "imp-1".into(), drive_id: "D1".into() });
    assert!(items[0].what.contains("bad sectors"));
    let resolved = step(&drive_faulted, drive_req("D1", "resolve", &[("state", "Received")]), t);
    assert!(items_with(&resolved, Rule::E6, t).is_empty());

    let job_faulted = step(&job, job_req("fault", &[("reason", "customs hold")]), t);
    let items = items_with(&job_faulted, Rule::E6, t);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].subject, job_subject());
    assert!(items[0].what.contains("Received") && items[0].what.contains("customs hold"));
    assert!(items[0].next_step.contains("contact the customer, then resolve"));
    // After overdue items, before the rest.
    let overdue = create("imp-9", ieops::domain::JobType::Import, &["Z1"], t0() - days(20)).job;
    let overdue = step(&overdue, job_req("ship", &ship_pairs()), t0() - days(20));
    let extra = arrive(&shipping_import(&["D1"]), &["D1", "X9"], t).job;
    let mut queue = items_with(&extra, Rule::E5, t);
    queue.extend(items);
    queue.extend(job_items(&overdue, t));
    attention::sort(&mut queue);
    let order: Vec<Rule> = queue.iter().map(|i| i.rule).collect();
    assert_eq!(order, [Rule::E2, Rule::E6, Rule::E5]);
}

// ---------------------------------------------------------------------- clocks

#[test]
fn c1_creating_clock_runs_14_days_from_creation_or_last_update() {
    let job = import_job(&["D1"]);
    assert_eq!(deadline(&job, Rule::C1), Some(t0() + days(14)));
    // Due soon in its last two days.
    assert!(items_with(&job, Rule::C1, t0() + days(12) - secs(1)).is_empty());
    assert_eq!(items_with(&job, Rule::C1, t0() + days(12))[0].urgency, Urgency::DueSoon);

    assert_eq!(sweep_job(&job, t0() + days(14) - secs(1)), None);
    let change = sweep_job(&job, t0() + days(14)).expect("C1 passed");
    assert_eq!(change.events[0].rule, Rule::J2);
    assert_eq!(change.events[0].operator, SYSTEM_OPERATOR);
    // Idempotent: nothing left to sweep.
    assert_eq!(sweep_job(&change.job, t0() + days(15)), None);

    let updated = step(&job, job_req("update", &[("logLevel", "Verbose")]), t0() + days(13));
    assert_eq!(deadline(&updated, Rule::C1), Some(t0() + days(27)));
    assert_eq!(deadline(&shipping(&job), Rule::C1), None);
}

#[test]
fn c2_shipping_clock_runs_14_days_or_until_the_extended_deadline() {
    let job = shipping_import(&["D1"]);
    assert_eq!(deadline(&job, Rule::C2), Some(t0() + days(14)));
    let r = refuse(&job, &job_req("contact", &[("via", "phone")]), t0() + days(14) - secs(1));
    assert_eq!(r.rule, Rule::J15);
    accept(&job, &job_req("contact", &[("via", "phone")]), t0() + days(14));

    let notified = step(&job, job_req("notify-customer", &[]), t0() + days(14));
    let extended = step(&notified, job_req("extend-wait", &[("days", "7")]), t0() + days(16));
    let until = t0() + days(23);
    assert_eq!(deadline(&extended, Rule::C2), Some(until));
    let r = refuse(&extended, &job_req("notify-customer", &[]), until - secs(1));
    assert_refused(&r, Rule::J5, &["not overdue yet", "2026-12-15 12:00 UTC"]);
    assert_eq!(items_with(&extended, Rule::E2, until)[0].urgency, Urgency::Overdue);
    accept(&extended, &job_req("notify-customer", &[]), until);
    // Extensions are 1 to 90 days.
    let err = Action::parse(TargetKind::Job, "extend-wait", &sets(&[("days", "91")])).unwrap_err();
    assert!(err.contains("1 to 90"), "{err}");
}

#[test]
fn c3_specified_drives_become_never_received_14_days_after_shipping() {
    let job = shipping_import(&["D1", "D2"]);
    assert_eq!(deadline(&job, Rule::C3), Some(t0() + days(14)));
    assert_eq!(sweep_job(&job, t0() + days(14) - secs(1)), None);

    let change = sweep_job(&job, t0() + days(14)).expect("C3 passed");
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D1"), "Specified", "NeverReceived", Rule::C3),
            (Some("D2"), "Specified", "NeverReceived", Rule::C3),
        ]
    );
    // None arrived: the job waits in Shipping, overdue (J5), with no C3 left.
    assert_eq!(change.job.state, JobState::Shipping);
    assert_eq!(deadline(&change.job, Rule::C3), None);
    assert_eq!(sweep_job(&change.job, t0() + days(15)), None);
    // Not for a job that is not Shipping.
    assert_eq!(sweep_job(&received_import(&["D1"]), t0() + days(14)), None);
}

#[test]
fn c4_customer_has_30_days_to_answer_the_notification() {
    let notified_at = t0() + days(14);
    let job = step(&shipping_import(&["D1"]), job_req("notify-customer", &[]), notified_at);
    assert_eq!(deadline(&job, Rule::C4), Some(notified_at + days(30)));
    let r = refuse(&job, &job_req("close-unanswered", &[]), notified_at + days(30) - secs(1));
    assert_refused(&r, Rule::J7, &["2027-01-05 12:00 UTC", "(C4)"]);
    let closed = step(&job, job_req("close-unanswered", &[]), notified_at + days(30));
    assert_eq!(closed.state, JobState::Closed);
    // The answer stops C4.
    let answered = step(&job, job_req("extend-wait", &[("days", "5")]), notified_at + days(1));
    assert_eq!(deadline(&answered, Rule::C4), None);
}

#[test]
fn c5_held_drives_are_returned_once_14_days_pass_without_the_customer() {
    let recorded = t0() + days(1);
    let (arrival, _) = held(None, &["Q1"], None, recorded);
    let clocks = arrival_clocks(&arrival);
    assert_eq!(
        clocks.iter().map(|c| (c.rule, c.deadline)).collect::<Vec<_>>(),
        [(Rule::C5, recorded + days(14))]
    );
    let item = &arrival_items(&arrival, None, recorded + days(14) - secs(1))[0];
    assert_eq!(item.urgency, Urgency::DueSoon);
    let item = &arrival_items(&arrival, None, recorded + days(14))[0];
    assert_eq!(item.urgency, Urgency::Overdue);
    assert!(item.next_step.contains("return-drives"));

    let r = arrival_refused(&arrival, "return-drives", &[], recorded + days(14) - secs(1));
    assert_refused(&r, Rule::C5, &["until C5 passes"]);
    let (returned, event) = on_arrival(&arrival, "return-drives", &[], recorded + days(14));
    assert_eq!(returned.status, ArrivalStatus::Returned);
    assert_eq!(
        (event.from_state.as_str(), event.to_state.as_str(), event.rule),
        ("Held", "Returned", Rule::C5)
    );
    assert!(arrival_clocks(&returned).is_empty());
}

#[test]
fn c6_drives_of_an_unreachable_customer_are_destroyed_within_90_days() {
    let (arrival, _) = held(None, &["Q1", "Q2"], None, t0());
    let r = arrival_refused(&arrival, "destroy-drives", &[], t0() + days(200));
    assert_refused(&r, Rule::S11, &["not been recorded unreachable"]);

    let since = t0() + days(3);
    let (unreachable, _) =
        on_arrival(&arrival, "contact", &[("via", "phone"), ("outcome", "unreachable")], since);
    let c6: Vec<_> = arrival_clocks(&unreachable).into_iter().filter(|c| c.rule == Rule::C6).collect();
    assert_eq!(c6[0].deadline, since + days(90));
    // A second failed attempt does not restart C6.
    let (again, _) =
        on_arrival(&unreachable, "contact", &[("via", "email"), ("outcome", "unreachable")], since + days(5));
    assert_eq!(again.unreachable_since, Some(since));

    // S11: destruction needs a failed return first; a return is tried once C5 passed.
    let r = arrival_refused(&again, "destroy-drives", &[], since + days(20));
    assert_refused(&r, Rule::S11, &["no failed return attempt"]);
    let r = arrival_refused(&again, "return-failed", &[], t0() + days(14) - secs(1));
    assert_refused(&r, Rule::C5, &["until C5 passes"]);
    let (failed, _) = on_arrival(&again, "return-failed", &[], t0() + days(14));
    // Within the 90 days, not after them: C6 is the deadline.
    let (destroyed, event) = on_arrival(&failed, "destroy-drives", &[], since + days(20));
    assert_eq!(destroyed.status, ArrivalStatus::Destroyed);
    assert_eq!(event.rule, Rule::S11);
    assert!(event.detail.as_deref().unwrap().contains("Q1, Q2 securely destroyed"));

    // Reaching the customer stops C6.
    let (reached, _) = on_arrival(&failed, "contact", &[("via", "email")], since + days(10));
    assert_eq!(reached.unreachable_since, None);
    let r = arrival_refused(&reached, "destroy-drives", &[], since + days(100));
    assert_eq!(r.rule, Rule::S11);
}

#[test]
fn c6_job_clock_runs_only_for_drives_held_under_e4() {
    // J7: an unreachable customer of a Shipping job gets the job closed, not drives destroyed.
    let shipping_job = step(
        &shipping_import(&["D1"]),
        job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]),
        t0() + days(14),
    );
    assert!(shipping_job.unreachable_since.is_some());
    assert_eq!(deadline(&shipping_job, Rule::C6), None);

    let since = t0() + days(5);
    let wrong = step(&packaging_import(&["D1"]), job_req("bad-return-address", &[]), since);
    let unreachable =
        step(&wrong, job_req("contact", &[("via", "email"), ("outcome", "unreachable")]), since);
    assert_eq!(deadline(&unreachable, Rule::C6), Some(since + days(90)));
    // The right address ends E4, and C6 with it.
    let fixed = step(&unreachable, job_req("update", &[("returnAddress.city", "Cork")]), since + days(1));
    assert_eq!(deadline(&fixed, Rule::C6), None);
    let r = refuse(&fixed, &job_req("destroy-drives", &[]), since + days(91));
    assert_eq!(r.rule, Rule::E4);
}

#[test]
fn c7_finished_job_is_deleted_90_days_after_it_ended() {
    let done = completed_import(&["D1"]);
    let ended = t0() + days(4);
    assert_eq!(deadline(&done, Rule::C7), Some(ended + days(90)));
    assert_eq!(sweep_job(&done, ended + days(90) - secs(1)), None);
    let change = sweep_job(&done, ended + days(90)).expect("C7 passed");
    assert_eq!(change.job.archived_at, Some(ended + days(90)));
    assert_eq!(change.events[0].rule, Rule::J13);
    assert!(job_clocks(&change.job).is_empty());
    // A report under E3 does not restart it.
    let export = completed_export();
    let reported = step(&export, job_req("report-return-problem", &[("kind", "lost")]), ended + days(30));
    assert_eq!(deadline(&reported, Rule::C7), Some(ended + days(90)));
}
