//! Job rules J1–J16 and the decisions S1–S7 of SPEC.md, each on its allowed
//! path and its refused path.

mod common;

use common::*;
use ieops::domain::attention::{self, Subject, Urgency, job_items};
use ieops::domain::clock::job_clocks;
use ieops::domain::create::create_job;
use ieops::domain::state::{DriveState, JobState, JobType};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{
    Action, Ctx, DriveAction, Job, Request, Rule, SYSTEM_OPERATOR, TargetKind, decide, valid_actions,
};

fn clock_deadline(job: &Job, rule: Rule) -> Option<ieops::domain::Timestamp> {
    job_clocks(job).into_iter().find(|c| c.rule == rule).map(|c| c.deadline)
}

// ------------------------------------------------------------------------- J1

#[test]
fn j1_import_job_is_created_in_creating_listing_1_to_10_specified_drives() {
    let change = create("imp-1", JobType::Import, &["D1", "D2"], t0());
    assert_eq!(change.job.state, JobState::Creating);
    let drives: Vec<(&str, DriveState)> =
        change.job.drives.iter().map(|d| (d.drive_id.as_str(), d.state)).collect();
    assert_eq!(drives, [("D1", DriveState::Specified), ("D2", DriveState::Specified)]);
    assert_eq!(transitions(&change.events), [(None, "-", "Creating", Rule::J1)]);

    let ten: Vec<String> = (1..=10).map(|i| format!("D{i}")).collect();
    let job = create_job("imp-10", JobType::Import, &ten, &[], &ctx(t0())).unwrap();
    assert_eq!(job.job.drives.len(), 10);

    let none = create_job("imp-0", JobType::Import, &[], &[], &ctx(t0())).unwrap_err();
    assert_refused(&none, Rule::J1, &["1 to 10 drives", "0 given"]);
    let eleven: Vec<String> = (1..=11).map(|i| format!("D{i}")).collect();
    let r = create_job("imp-11", JobType::Import, &eleven, &[], &ctx(t0())).unwrap_err();
    assert_refused(&r, Rule::J1, &["1 to 10 drives", "11 given"]);
    let twice = ids(&["D1", "D1"]);
    let r = create_job("imp-2", JobType::Import, &twice, &[], &ctx(t0())).unwrap_err();
    assert_refused(&r, Rule::J1, &["D1", "listed twice"]);
}

#[test]
fn j1_export_job_is_created_in_creating_listing_no_drives() {
    let change = create("exp-1", JobType::Export, &[], t0());
    assert_eq!(change.job.state, JobState::Creating);
    assert_eq!(change.job.job_type, JobType::Export);
    assert!(change.job.drives.is_empty());

    let r = create_job("exp-2", JobType::Export, &ids(&["E1"]), &[], &ctx(t0())).unwrap_err();
    assert_refused(&r, Rule::J1, &["export job lists no drives"]);
}

// ------------------------------------------------------------------------- J2

#[test]
fn j2_creating_job_is_deleted_when_c1_passes_after_14_days() {
    let job = import_job(&["D1"]);
    assert_eq!(sweep_job(&job, t0() + days(14) - secs(1)), None);

    let change = sweep_job(&job, t0() + days(14)).expect("C1 has passed");
    assert_eq!(change.job.archived_at, Some(t0() + days(14)));
    assert_eq!(job_transitions(&change.events), [("Creating", "archived", Rule::J2)]);
    assert_eq!(change.events[0].operator, SYSTEM_OPERATOR);

    // A job that left Creating is not deleted by C1.
    let shipped = shipping_import(&["D1"]);
    let swept = sweep_job(&shipped, t0() + days(14)).map(|c| c.job);
    assert!(swept.is_none_or(|j| j.archived_at.is_none()));
}

// ------------------------------------------------------------------------- J3

#[test]
fn j3_update_keeps_creating_and_restarts_c1_at_14_days() {
    let job = import_job(&["D1"]);
    let updated_at = t0() + days(10);
    let change = accept(&job, &job_req("update", &[("storageAccountId", "contosostore")]), updated_at);
    let job = change.job;
    assert_eq!(job.state, JobState::Creating);
    assert_eq!(job.storage_account_id.as_deref(), Some("contosostore"));
    assert_eq!(job_transitions(&change.events), [("Creating", "Creating", Rule::J3)]);
    assert_eq!(clock_deadline(&job, Rule::C1), Some(updated_at + days(14)));
    // The original deadline no longer deletes it; the restarted one does.
    assert_eq!(sweep_job(&job, t0() + days(14)), None);
    assert_eq!(sweep_job(&job, updated_at + days(14) - secs(1)), None);
    assert!(sweep_job(&job, updated_at + days(14)).is_some());
}

#[test]
fn j3_update_is_refused_once_the_job_has_ended_or_when_empty() {
    let done = completed_import(&["D1"]);
    let r = refuse(&done, &job_req("update", &[("returnAddress.city", "Cork")]), t0() + days(5));
    assert_refused(&r, Rule::J3, &["Completed", "can no longer change"]);

    let job = import_job(&["D1"]);
    let r = refuse(&job, &job_req("update", &[]), t0());
    assert_refused(&r, Rule::J3, &["nothing to update"]);
}

// ------------------------------------------------------------------------- J4

#[test]
fn j4_shipping_requires_delivery_package_and_return_address() {
    let job = import_job(&["D1"]);

    let r = refuse(&job, &job_req("ship", &[]), t0());
    assert_refused(
        &r,
        Rule::J4,
        &[
            "deliveryPackage.carrierName",
            "deliveryPackage.trackingNumber",
            "returnAddress.recipientName",
            "returnAddress.streetAddress1",
            "returnAddress.city",
            "returnAddress.postalCode",
            "returnAddress.countryOrRegion",
            "returnAddress.phone",
        ],
    );

    // The delivery package alone: only the return address is named.
    let r = refuse(&job, &job_req("ship", &DELIVERY), t0());
    assert_refused(&r, Rule::J4, &["returnAddress.city"]);
    assert!(!r.message.contains("deliveryPackage"), "{}", r.message);

    // Everything but the tracking number.
    let mut pairs = ship_pairs();
    pairs.retain(|(k, _)| *k != "deliveryPackage.trackingNumber");
    let r = refuse(&job, &job_req("ship", &pairs), t0());
    assert_refused(&r, Rule::J4, &["deliveryPackage.trackingNumber"]);
    assert!(!r.message.contains("returnAddress"), "{}", r.message);

    // Set before (by an update) and in the shipping update: allowed.
    let job = step(&job, job_req("update", &DELIVERY), t0());
    let change = accept(&job, &job_req("ship", &ADDRESS), t0() + days(1));
    assert_eq!(change.job.state, JobState::Shipping);
    assert_eq!(change.job.shipping_since, Some(t0() + days(1)));
    assert_eq!(job_transitions(&change.events), [("Creating", "Shipping", Rule::J4)]);

    // Only a Creating job moves to Shipping.
    let r = refuse(&change.job, &job_req("ship", &ship_pairs()), t0() + days(2));
    assert_refused(&r, Rule::J4, &["Shipping"]);
}

#[test]
fn j4_shipping_job_cannot_lose_its_delivery_package_or_return_address() {
    let job = shipping_import(&["D1"]);
    // Correcting a value is fine.
    let fixed =
        step(&job, job_req("update", &[("deliveryPackage.trackingNumber", "JD0999")]), t0() + days(1));
    assert_eq!(fixed.delivery_package.tracking_number.as_deref(), Some("JD0999"));
    // Clearing one is refused, naming it.
    let r = refuse(&job, &job_req("update", &[("deliveryPackage.trackingNumber", "")]), t0() + days(1));
    assert_refused(&r, Rule::J4, &["deliveryPackage.trackingNumber"]);
    let r = refuse(&job, &job_req("update", &[("returnAddress.city", " ")]), t0() + days(1));
    assert_refused(&r, Rule::J4, &["returnAddress.city"]);
}

// ------------------------------------------------------------------------- J5

#[test]
fn j5_shipping_job_is_overdue_when_c2_passes_and_heads_the_queue() {
    let job = shipping_import(&["D1"]);
    let c2 = t0() + days(14);
    assert_eq!(clock_deadline(&job, Rule::C2), Some(c2));

    let before = job_items(&job, c2 - secs(1));
    assert!(before.iter().all(|i| i.rule != Rule::E2 && i.urgency != Urgency::Overdue), "{before:?}");

    let items = job_items(&job, c2);
    let overdue = items.iter().find(|i| i.rule == Rule::E2).expect("an overdue item");
    assert_eq!(overdue.urgency, Urgency::Overdue);
    assert_eq!(overdue.subject, Subject::Job("imp-1".into()));
    assert_eq!(overdue.due, Some(c2));

    // It heads the queue, ahead of a Faulted job and a job about to expire.
    let faulted = step(
        &create("imp-2", JobType::Import, &["F1"], t0()).job,
        job_req("fault", &[("reason", "bad manifest")]),
        t0(),
    );
    let expiring = create("imp-3", JobType::Import, &["X1"], t0() + days(1)).job;
    let mut queue = job_items(&faulted, c2);
    queue.extend(job_items(&expiring, c2));
    queue.extend(items.clone());
    attention::sort(&mut queue);
    assert_eq!(queue.len(), 3, "{queue:?}");
    assert_eq!(queue[0].subject, Subject::Job("imp-1".into()));
    assert_eq!(queue[0].rule, Rule::E2);

    // A package received in time is not overdue.
    let received = arrive(&job, &["D1"], c2 - secs(1)).job;
    assert!(job_items(&received, c2).is_empty());
}

#[test]
fn j5_customer_is_notified_only_once_c2_has_passed() {
    let job = shipping_import(&["D1"]);
    let r = refuse(&job, &job_req("notify-customer", &[]), t0() + days(14) - secs(1));
    assert_refused(&r, Rule::J5, &["not overdue yet"]);
    accept(&job, &job_req("notify-customer", &[]), t0() + days(14));
}

// ------------------------------------------------------------------------- J6

#[test]
fn j6_overdue_job_customer_is_notified_then_the_wait_extended_or_job_cancelled() {
    let job = shipping_import(&["D1"]);
    let t = t0() + days(15);
    let change = accept(&job, &job_req("notify-customer", &[("via", "phone")]), t);
    assert_eq!(change.job.notified_at, Some(t));
    assert_eq!(job_transitions(&change.events), [("Shipping", "Shipping", Rule::J6)]);
    let notified = change.job;

    let r = refuse(&notified, &job_req("notify-customer", &[]), t + days(1));
    assert_refused(&r, Rule::J6, &["already notified"]);

    // Answer: wait ten more days. A new C2 deadline, recorded.
    let change = accept(&notified, &job_req("extend-wait", &[("days", "10")]), t + days(2));
    assert_eq!(change.job.state, JobState::Shipping);
    assert_eq!(change.job.wait_until, Some(t + days(12)));
    assert_eq!(clock_deadline(&change.job, Rule::C2), Some(t + days(12)));
    assert_eq!(job_transitions(&change.events), [("Shipping", "Shipping", Rule::J6)]);
    assert!(job_items(&change.job, t + days(12) - secs(1)).iter().all(|i| i.urgency != Urgency::Overdue));

    // Answer: cancel.
    let change = accept(&notified, &job_req("cancel", &[]), t + days(2));
    assert!(change.job.cancel_requested);
    assert_eq!(job_transitions(&change.events), [("Shipping", "Shipping", Rule::J14)]);
}

#[test]
fn j6_wait_is_extended_only_on_the_answer_to_a_notification() {
    let job = shipping_import(&["D1"]);
    let r = refuse(&job, &job_req("extend-wait", &[("days", "5")]), t0() + days(15));
    assert_refused(&r, Rule::J6, &["notify the customer first"]);
    let r = refuse(&import_job(&["D1"]), &job_req("extend-wait", &[("days", "5")]), t0());
    assert_refused(&r, Rule::J6, &["Creating", "Shipping job"]);
}

// ------------------------------------------------------------------------- J7

#[test]
fn j7_no_answer_within_30_days_closes_the_job_from_shipping() {
    let job = shipping_import(&["D1", "D2"]);
    let job = arrive(&job, &["D1"], t0() + days(3)).job;
    let notified_at = t0() + days(15);
    let job = step(&job, job_req("notify-customer", &[]), notified_at);

    let r = refuse(&job, &job_req("close-unanswered", &[]), notified_at + days(30) - secs(1));
    assert_refused(&r, Rule::J7, &["to answer (C4)"]);

    // S12: D1 came in; it goes back before the job closes.
    let r = refuse(&job, &job_req("close-unanswered", &[]), notified_at + days(30));
    assert_refused(&r, Rule::S12, &["D1", "ship it back"]);
    let job = step(&job, drive_req("D1", "ship-back", &RETURN_PACKAGE), notified_at + days(30));
    let change = accept(&job, &job_req("close-unanswered", &[]), notified_at + days(30));
    assert_eq!(change.job.state, JobState::Closed);
    assert_eq!(drive_state(&change.job, "D2"), DriveState::NeverReceived);
    assert_eq!(
        transitions(&change.events),
        [(Some("D2"), "Specified", "NeverReceived", Rule::J7), (None, "Shipping", "Closed", Rule::J7),]
    );
}

#[test]
fn j7_customer_who_cannot_be_contacted_closes_the_job_at_once() {
    let job = shipping_import(&["D1"]);
    let r = refuse(&job, &job_req("close-unanswered", &[]), t0() + days(15));
    assert_refused(&r, Rule::J7, &["never notified"]);

    let t = t0() + days(15);
    let job = step(&job, job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]), t);
    assert_eq!(job.unreachable_since, Some(t));
    let closed = step(&job, job_req("close-unanswered", &[]), t + secs(1));
    assert_eq!(closed.state, JobState::Closed);
}

// ------------------------------------------------------------------------- J8

#[test]
fn j8_job_is_received_when_the_drive_change_completes_the_set() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let change = accept(&job, &drive_req("D1", "receive", &[]), t);
    assert_eq!(change.job.state, JobState::Shipping);
    assert_eq!(transitions(&change.events), [(Some("D1"), "Specified", "Received", Rule::D2)]);

    let change = accept(&change.job, &drive_req("D2", "never-received", &[]), t);
    assert_eq!(change.job.state, JobState::Received);
    assert_eq!(
        transitions(&change.events),
        [(Some("D2"), "Specified", "NeverReceived", Rule::D3), (None, "Shipping", "Received", Rule::J8),]
    );
}

#[test]
fn j8_job_stays_shipping_until_at_least_one_drive_is_received() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(14); // C3 passed: no arrival needed for D3
    let job = step(&job, drive_req("D1", "never-received", &[]), t);
    let change = accept(&job, &drive_req("D2", "never-received", &[]), t);
    assert_eq!(change.job.state, JobState::Shipping);
    assert!(job_transitions(&change.events).is_empty());

    // The late drive arrives (D4): now the set is complete.
    let change = arrive(&change.job, &["D1"], t + days(1));
    assert_eq!(change.job.state, JobState::Received);
    assert_eq!(job_transitions(&change.events), [("Shipping", "Received", Rule::J8)]);
}

// ------------------------------------------------------------------------- J9

#[test]
fn j9_received_job_is_transferring_as_soon_as_one_drive_is() {
    let job = received_import(&["D1", "D2"]);
    let change = accept(&job, &drive_req("D1", "start-transfer", &[]), t0() + days(2));
    assert_eq!(change.job.state, JobState::Transferring);
    assert_eq!(
        transitions(&change.events),
        [(Some("D1"), "Received", "Transferring", Rule::D5), (None, "Received", "Transferring", Rule::J9),]
    );

    // Not before the job is Received: the set is incomplete.
    let job = shipping_import(&["D1", "D2"]);
    let job = arrive(&job, &["D1"], t0() + days(1)).job;
    let r = refuse(&job, &drive_req("D1", "start-transfer", &[]), t0() + days(2));
    assert_refused(&r, Rule::D5, &["Shipping", "every drive is received"]);
}

// ------------------------------------------------------------------------ J10

#[test]
fn j10_transferring_job_is_packaging_when_every_received_drive_is_processed() {
    let mut job = received_import(&["D1", "D2"]);
    let t = t0() + days(2);
    for d in ["D1", "D2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
    }
    let change = accept(&job, &drive_req("D1", "complete", &[]), t);
    assert_eq!(change.job.state, JobState::Transferring);
    assert!(job_transitions(&change.events).is_empty());

    let change = accept(
        &change.job,
        &drive_req("D2", "complete-with-info", &[("message", "warning:blob renamed")]),
        t,
    );
    assert_eq!(change.job.state, JobState::Packaging);
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D2"), "Transferring", "CompletedMoreInfo", Rule::D7),
            (None, "Transferring", "Packaging", Rule::J10),
        ]
    );

    // It stays Packaging until every drive has shipped back.
    let change = accept(&change.job, &drive_req("D1", "ship-back", &RETURN_PACKAGE), t + days(1));
    assert_eq!(change.job.state, JobState::Packaging);
    assert!(job_transitions(&change.events).is_empty());
}

#[test]
fn j10_drives_never_received_do_not_hold_the_job_back() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let job = arrive(&job, &["D1"], t).job;
    let job = step(&job, drive_req("D2", "never-received", &[]), t);
    let job = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let change = accept(&job, &drive_req("D1", "complete", &[]), t);
    assert_eq!(change.job.state, JobState::Packaging);
    assert_eq!(job_transitions(&change.events), [("Transferring", "Packaging", Rule::J10)]);
}

#[test]
fn j10_a_faulted_job_resumes_in_packaging_only_once_every_received_drive_is_processed() {
    let mut job = received_import(&["D1", "D2"]);
    let t = t0() + days(2);
    for d in ["D1", "D2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
    }
    job = step(&job, drive_req("D2", "complete", &[]), t);
    let faulted = step(&job, job_req("fault", &[("reason", "copy host down")]), t);

    let r = refuse(&faulted, &job_req("resolve", &[("state", "Packaging")]), t);
    assert_refused(&r, Rule::J10, &["D1 is Transferring"]);
    let back = step(&faulted, job_req("resolve", &[("state", "Transferring")]), t);
    let done = step(&back, drive_req("D1", "complete", &[]), t);
    assert_eq!(done.state, JobState::Packaging);
    let faulted = step(&done, job_req("fault", &[("reason", "label printer")]), t);
    let resumed = step(&faulted, job_req("resolve", &[("state", "Packaging")]), t);
    assert_eq!(resumed.state, JobState::Packaging);

    // Received → Packaging is the cancelled job's transition (S3), not a shortcut past the copy.
    let faulted = step(&received_import(&["D1"]), job_req("fault", &[("reason", "r")]), t);
    let r = refuse(&faulted, &job_req("resolve", &[("state", "Packaging")]), t);
    assert_refused(&r, Rule::S3, &["only a cancelled job"]);
}

// ------------------------------------------------------------------------ J11

#[test]
fn j11_packaging_job_completes_when_every_drive_shipped_back_without_errors() {
    let job = packaging_import(&["D1", "D2"]);
    let t = t0() + days(4);

    let r = refuse(&job, &job_req("ship-back", &[]), t);
    assert_refused(&r, Rule::J11, &["returnPackage.carrierName", "returnPackage.trackingNumber"]);

    let change = accept(&job, &job_req("ship-back", &RETURN_PACKAGE), t);
    assert_eq!(change.job.state, JobState::Completed);
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D1"), "Completed", "ShippedBack", Rule::D8),
            (Some("D2"), "Completed", "ShippedBack", Rule::D8),
            (None, "Packaging", "Completed", Rule::J11),
        ]
    );
    let rp = &change.job.return_package;
    assert_eq!(rp.carrier_name.as_deref(), Some("UPS"));
    assert_eq!(rp.tracking_number.as_deref(), Some("1Z-RETURN-7"));
    assert_eq!(rp.drive_count, Some(2));
    assert_eq!(rp.ship_date, Some(t));

    // A job that is not Packaging does not ship back.
    let r = refuse(&received_import(&["D1"]), &job_req("ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::J11, &["Received", "Packaging"]);
}

// ------------------------------------------------------------------------ J12

#[test]
fn j12_packaging_job_closes_when_drives_shipped_back_after_errors() {
    let mut job = received_import(&["D1", "D2"]);
    let t = t0() + days(2);
    for d in ["D1", "D2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
    }
    job = step(&job, drive_req("D1", "complete", &[]), t);
    job = step(
        &job,
        drive_req(
            "D2",
            "complete-with-info",
            &[("message", "error:checksum mismatch"), ("message", "info:x")],
        ),
        t,
    );
    assert_eq!(job.state, JobState::Packaging);

    // Drive by drive: the last one closes the job.
    let job = step(&job, drive_req("D2", "ship-back", &RETURN_PACKAGE), t);
    let change = accept(&job, &drive_req("D1", "ship-back", &[]), t + days(1));
    assert_eq!(change.job.state, JobState::Closed);
    assert_eq!(job_transitions(&change.events), [("Packaging", "Closed", Rule::J12)]);
}

// ------------------------------------------------------------------------ J13

#[test]
fn j13_completed_or_closed_job_is_deleted_90_days_later() {
    let done = completed_import(&["D1"]);
    let ended = t0() + days(4);
    assert_eq!(done.state_since, ended);
    assert_eq!(sweep_job(&done, ended + days(90) - secs(1)), None);
    let change = sweep_job(&done, ended + days(90)).expect("C7 passed");
    assert_eq!(change.job.archived_at, Some(ended + days(90)));
    assert_eq!(job_transitions(&change.events), [("Completed", "archived", Rule::J13)]);

    let job = shipping_import(&["D1"]);
    let job =
        step(&job, job_req("contact", &[("via", "email"), ("outcome", "unreachable")]), t0() + days(14));
    let closed = step(&job, job_req("close-unanswered", &[]), t0() + days(15));
    assert_eq!(sweep_job(&closed, t0() + days(105) - secs(1)), None);
    let change = sweep_job(&closed, t0() + days(105)).expect("C7 passed");
    assert_eq!(job_transitions(&change.events), [("Closed", "archived", Rule::J13)]);
}

// ------------------------------------------------------------------------ J14

#[test]
fn j14_job_can_be_cancelled_in_creating_shipping_or_received() {
    let t = t0() + days(2);
    for job in [import_job(&["D1"]), shipping_import(&["D1"]), received_import(&["D1"])] {
        let from = job.state.to_string();
        let change = accept(&job, &job_req("cancel", &[]), t);
        assert!(change.job.cancel_requested);
        assert_eq!(change.events[0].rule, Rule::J14);
        assert_eq!(change.events[0].from_state, from);
        // Cancelling twice is refused (a cancelled Received job is already Packaging, S3).
        let r = refuse(&change.job, &job_req("cancel", &[]), t);
        assert_eq!(r.rule, Rule::J14, "{}", r.message);
    }
}

#[test]
fn j14_job_cannot_be_cancelled_once_a_drive_is_transferring() {
    let t = t0() + days(2);
    let transferring = step(&received_import(&["D1", "D2"]), drive_req("D1", "start-transfer", &[]), t);
    for job in [transferring, packaging_import(&["D1"]), completed_import(&["D1"])] {
        let r = refuse(&job, &job_req("cancel", &[]), t0() + days(5));
        assert_refused(&r, Rule::J14, &[job.state.as_str(), "only in Creating, Shipping or Received"]);
    }
}

// ------------------------------------------------------------------------ J15

#[test]
fn j15_faulted_job_is_contacted_about_and_resolved() {
    let job = shipping_import(&["D1"]);
    let t = t0() + days(1);
    let change = accept(&job, &job_req("fault", &[("reason", "customs hold")]), t);
    let faulted = change.job;
    assert_eq!(faulted.state, JobState::Faulted);
    assert_eq!(faulted.faulted_from, Some(JobState::Shipping));
    assert_eq!(faulted.fault_reason.as_deref(), Some("customs hold"));
    assert_eq!(job_transitions(&change.events), [("Shipping", "Faulted", Rule::J15)]);
    assert_eq!(change.events[0].detail.as_deref(), Some("customs hold"));

    // Nothing progresses while Faulted.
    let r = refuse(&faulted, &job_req("cancel", &[]), t);
    assert_refused(&r, Rule::J15, &["Faulted", "customs hold"]);
    let r = refuse(&faulted, &drive_req("D1", "receive", &[]), t);
    assert_refused(&r, Rule::J15, &["resolve the job first"]);
    let r = refuse(&faulted, &job_req("fault", &[("reason", "again")]), t);
    assert_refused(&r, Rule::J15, &["is Faulted", "resolve it first"]);

    // Operations contact the customer (recorded) …
    let change = accept(&faulted, &job_req("contact", &[("via", "email")]), t);
    assert_eq!(change.events[0].rule, Rule::J15);
    let contact = change.job.last_contact.clone().expect("recorded");
    assert!(contact.reached);
    // … and it leaves Faulted for the state it was in, its clocks running on.
    let change = accept(&change.job, &job_req("resolve", &[("state", "Shipping")]), t);
    assert_eq!(change.job.state, JobState::Shipping);
    assert_eq!(change.job.faulted_from, None);
    assert_eq!(change.job.shipping_since, Some(t0()));
    assert_eq!(job_transitions(&change.events), [("Faulted", "Shipping", Rule::S5)]);

    // A fault needs a reason; a finished job cannot fault.
    let err = Action::parse(TargetKind::Job, "fault", &[]).unwrap_err();
    assert!(err.contains("reason"), "{err}");
    let r = refuse(&completed_import(&["D1"]), &job_req("fault", &[("reason", "x")]), t0() + days(5));
    assert_refused(&r, Rule::J15, &["Completed"]);
}

#[test]
fn j15_faulted_drive_is_held_until_resolved() {
    let job = received_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let change = accept(&job, &drive_req("D1", "fault", &[("reason", "unreadable")]), t);
    assert!(change.job.ever_faulted);
    assert_eq!(transitions(&change.events), [(Some("D1"), "Received", "Faulted", Rule::J15)]);
    let job = change.job;
    let r = refuse(&job, &drive_req("D1", "start-transfer", &[]), t);
    assert_refused(&r, Rule::J15, &["D1", "unreadable"]);
    let r = refuse(&job, &drive_req("D2", "resolve", &[("state", "Received")]), t);
    assert_refused(&r, Rule::J15, &["not Faulted"]);

    let job = step(&job, drive_req("D1", "resolve", &[("state", "Received")]), t);
    assert_eq!(drive_state(&job, "D1"), DriveState::Received);
    accept(&job, &drive_req("D1", "start-transfer", &[]), t);
}

// ------------------------------------------------------------------------ J16

#[test]
fn j16_no_drive_of_a_creating_job_is_received() {
    let job = import_job(&["D1"]);
    let r = refuse(&job, &drive_req("D1", "receive", &[]), t0());
    assert_refused(&r, Rule::J16, &["still Creating", "E1"]);

    // Its package is held under E1; the job does not change.
    use ieops::domain::arrival::{Outcome, process_arrival};
    let outcome = process_arrival(Some(&job), &package(&["D1"], Some("imp-1")), &ctx(t0()));
    match outcome {
        Ok(Outcome::Held { arrival, event }) => {
            assert_eq!(arrival.drive_ids, ["D1"]);
            assert_eq!(event.rule, Rule::E1);
            assert!(event.detail.as_deref().unwrap_or("").contains("Creating"), "{event:?}");
        }
        other => panic!("not held: {other:?}"),
    }

    // Once Shipping, the same drive is received.
    let shipped = shipping(&job);
    let change = accept(&shipped, &drive_req("D1", "receive", &[]), t0() + days(1));
    assert_eq!(drive_state(&change.job, "D1"), DriveState::Received);
}

// ------------------------------------------------------------------------- S1

/// Ships back every drive of a Packaging job and returns the job's last transition.
fn ship_all_back(job: &Job) -> (JobState, Rule) {
    let change = accept(job, &job_req("ship-back", &RETURN_PACKAGE), t0() + days(9));
    let (_, to, rule) = *job_transitions(&change.events).last().expect("a consequence");
    (to.parse().unwrap(), rule)
}

fn transfer_all(mut job: Job, complete: &[(&str, &str)]) -> Job {
    let t = t0() + days(5);
    let ids: Vec<String> =
        job.listed_drives().filter(|d| d.state == DriveState::Received).map(|d| d.drive_id.clone()).collect();
    for d in &ids {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
        job = if complete.is_empty() {
            step(&job, drive_req(d, "complete", &[]), t)
        } else {
            step(&job, drive_req(d, "complete-with-info", complete), t)
        };
    }
    assert_eq!(job.state, JobState::Packaging);
    job
}

#[test]
fn s1_every_cause_of_errors_ends_the_job_closed_not_completed() {
    let t = t0() + days(2);
    let closed = (JobState::Closed, Rule::J12);

    // Nothing went wrong: Completed.
    let job = transfer_all(received_import(&["D1"]), &[]);
    assert!(!job.had_errors());
    assert_eq!(ship_all_back(&job), (JobState::Completed, Rule::J11));

    // A drive ended CompletedMoreInfo, whatever its messages' severity (« lorsque le
    // service a rencontré des erreurs »).
    for message in ["info:blob overwritten", "warning:w", "error:crc"] {
        let job = transfer_all(received_import(&["D1"]), &[("message", message)]);
        assert!(job.had_errors(), "{message}");
        assert_eq!(ship_all_back(&job), closed, "{message}");
    }

    // A drive ended NeverReceived.
    let job = arrive(&shipping_import(&["D1", "D2"]), &["D1"], t).job;
    let job = step(&job, drive_req("D2", "never-received", &[]), t);
    assert_eq!(ship_all_back(&transfer_all(job, &[])), closed);

    // A drive was Faulted, then resolved.
    let job = step(&received_import(&["D1"]), drive_req("D1", "fault", &[("reason", "r")]), t);
    let job = step(&job, drive_req("D1", "resolve", &[("state", "Received")]), t);
    assert_eq!(ship_all_back(&transfer_all(job, &[])), closed);

    // The job was Faulted, then resolved.
    let job = step(&received_import(&["D1"]), job_req("fault", &[("reason", "r")]), t);
    let job = step(&job, job_req("resolve", &[("state", "Received")]), t);
    assert_eq!(ship_all_back(&transfer_all(job, &[])), closed);

    // Cancellation alone is not an error: the job ends Completed.
    let job = step(&received_import(&["D1"]), job_req("cancel", &[]), t);
    assert_eq!(job.state, JobState::Packaging);
    assert!(!job.had_errors());
    assert_eq!(ship_all_back(&job), (JobState::Completed, Rule::J11));
}

#[test]
fn s1_a_job_that_had_errors_cannot_be_resolved_into_completed() {
    let job = packaging_import(&["D1"]);
    let job = step(&job, job_req("fault", &[("reason", "label")]), t0() + days(4));
    let r = refuse(&job, &job_req("resolve", &[("state", "Completed")]), t0() + days(4));
    assert_refused(&r, Rule::S1, &["had errors", "Closed"]);
    // S12: not Closed either while D1 is still here; back in Packaging, it ships
    // back and the job ends Closed (J12) for the fault.
    let r = refuse(&job, &job_req("resolve", &[("state", "Closed")]), t0() + days(4));
    assert_refused(&r, Rule::S12, &["D1", "still here"]);
    let back = step(&job, job_req("resolve", &[("state", "Packaging")]), t0() + days(4));
    let change = accept(&back, &job_req("ship-back", &RETURN_PACKAGE), t0() + days(4));
    assert_eq!(job_transitions(&change.events), [("Packaging", "Closed", Rule::J12)]);
}

// ------------------------------------------------------------------------- S2

#[test]
fn s2_deletion_archives_the_job_and_an_archived_job_refuses_everything() {
    let job = import_job(&["D1"]);
    // Before the deadline the job accepts work.
    assert!(!valid_actions(&job, None, t0()).is_empty());
    accept(&job, &job_req("ship", &ship_pairs()), t0());

    let archived = sweep_job(&job, t0() + days(14)).expect("C1 passed").job;
    let later = t0() + days(15);
    // Nothing is erased: the job keeps its state, drives and data.
    assert_eq!(archived.state, JobState::Creating);
    assert_eq!(archived.drives, job.drives);
    assert_eq!(archived.name, job.name);
    // It leaves the active views.
    assert!(job_items(&archived, later).is_empty());
    assert!(job_clocks(&archived).is_empty());
    assert!(valid_actions(&archived, None, later).is_empty());
    assert!(valid_actions(&archived, Some("D1"), later).is_empty());
    assert_eq!(sweep_job(&archived, later + days(100)), None);
    // Every action is refused.
    let mut requests = every_job_request();
    requests.extend(every_drive_request("D1"));
    for req in &requests {
        let r = refuse(&archived, req, later);
        assert_refused(&r, Rule::S2, &["archived on 2026-12-06"]);
    }
}

// ------------------------------------------------------------------------- S3

#[test]
fn s3_cancelled_job_skips_the_copy_and_ends_completed_when_nothing_else_went_wrong() {
    let job = step(&shipping_import(&["D1", "D2"]), job_req("cancel", &[]), t0());
    let t = t0() + days(2);
    let change = arrive(&job, &["D1", "D2"], t);
    assert_eq!(change.job.state, JobState::Packaging);
    assert_eq!(
        job_transitions(&change.events),
        [("Shipping", "Received", Rule::J8), ("Received", "Packaging", Rule::S3)]
    );
    let job = change.job;
    let r = refuse(&job, &drive_req("D1", "start-transfer", &[]), t);
    assert_refused(&r, Rule::S3, &["cancelled"]);

    let change = accept(&job, &job_req("ship-back", &RETURN_PACKAGE), t + days(1));
    assert_eq!(change.job.state, JobState::Completed);
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D1"), "Received", "ShippedBack", Rule::S3),
            (Some("D2"), "Received", "ShippedBack", Rule::S3),
            (None, "Packaging", "Completed", Rule::J11),
        ]
    );
}

#[test]
fn s3_cancelled_creating_job_cannot_ship_and_simply_expires() {
    let job = step(&import_job(&["D1"]), job_req("cancel", &[]), t0());
    let r = refuse(&job, &job_req("ship", &ship_pairs()), t0() + days(1));
    assert_refused(&r, Rule::S3, &["cancelled", "C1"]);
    assert_eq!(sweep_job(&job, t0() + days(14) - secs(1)), None);
    let change = sweep_job(&job, t0() + days(14)).expect("C1 passed");
    assert_eq!(change.events[0].rule, Rule::J2);
}

// ------------------------------------------------------------------------- S4

#[test]
fn s4_percent_complete_is_the_mean_of_listed_drives_weighted_by_bytes() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let mut job = arrive(&job, &["D1", "D2", "X9"], t).job;
    assert!(job.drive("X9").unwrap().extra);
    for d in ["D1", "D2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
    }
    assert_eq!(job.percent_complete(), 0);

    // Bytes unknown: the plain mean of D1 and D2 (extra X9 at 0% is not counted).
    let plain = step(&job, drive_req("D1", "progress", &[("percent", "40")]), t);
    let plain = step(&plain, drive_req("D2", "progress", &[("percent", "60")]), t);
    assert_eq!(plain.percent_complete(), 50);

    // Bytes known for every drive: D1 is 100 of 1000 bytes, D2 90 of 100.
    let by = step(&job, drive_req("D1", "progress", &[("percent", "10"), ("bytes", "100")]), t);
    let by = step(&by, drive_req("D2", "progress", &[("percent", "90"), ("bytes", "90")]), t);
    // 190 of 1100 bytes is 17%, not the 50% of the plain mean.
    assert_eq!(by.percent_complete(), 17);

    // Progress only grows.
    let r = refuse(&by, &drive_req("D2", "progress", &[("percent", "80")]), t);
    assert_refused(&r, Rule::D5, &["only grows", "90%"]);
}

// ------------------------------------------------------------------------- S5

#[test]
fn s5_resolving_a_job_offers_its_state_before_the_fault_and_one_transition_on() {
    let job = shipping_import(&["D1"]);
    let t = t0() + days(2);
    let faulted = step(&job, job_req("fault", &[("reason", "r")]), t);

    let r = refuse(&faulted, &job_req("resolve", &[("state", "Transferring")]), t);
    assert_refused(&r, Rule::S5, &["Shipping or Received or Closed", "not Transferring"]);
    let r = refuse(&faulted, &job_req("resolve", &[("state", "Creating")]), t);
    assert_refused(&r, Rule::S5, &["not Creating"]);
    // Received is offered but its condition (J8) does not hold: D1 never arrived.
    let r = refuse(&faulted, &job_req("resolve", &[("state", "Received")]), t);
    assert_refused(&r, Rule::J8, &["D1", "still Specified"]);

    let back = step(&faulted, job_req("resolve", &[("state", "Shipping")]), t);
    assert_eq!(back.state, JobState::Shipping);
    // Closed stands for J7: only once the customer did not answer or cannot be reached.
    let r = refuse(&faulted, &job_req("resolve", &[("state", "Closed")]), t);
    assert_refused(&r, Rule::J7, &["never notified"]);
    let unreachable = step(&faulted, job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]), t);
    let change = accept(&unreachable, &job_req("resolve", &[("state", "Closed")]), t);
    assert_eq!(change.job.state, JobState::Closed);
    assert_eq!(drive_state(&change.job, "D1"), DriveState::NeverReceived);
}

#[test]
fn s5_resolving_a_drive_offers_its_state_before_the_fault_and_one_transition_on() {
    let job = received_import(&["D1"]);
    let t = t0() + days(2);
    let job = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let stuck = step(&job, drive_req("D1", "progress", &[("percent", "54")]), t);
    let faulted = step(&stuck, drive_req("D1", "fault", &[("reason", "r")]), t);

    let r = refuse(&faulted, &drive_req("D1", "resolve", &[("state", "Received")]), t);
    assert_refused(&r, Rule::S5, &["Transferring or Completed or CompletedMoreInfo", "not Received"]);
    // Completed stands for D6: only at 100%.
    let r = refuse(&faulted, &drive_req("D1", "resolve", &[("state", "Completed")]), t);
    assert_refused(&r, Rule::S5, &["54%", "100%"]);
    let back = step(&faulted, drive_req("D1", "resolve", &[("state", "Transferring")]), t);
    assert_eq!(drive_state(&back, "D1"), DriveState::Transferring);
    assert_eq!(back.state, JobState::Transferring);

    let job = step(&back, drive_req("D1", "progress", &[("percent", "100")]), t);
    let faulted = step(&job, drive_req("D1", "fault", &[("reason", "r")]), t);

    let change = accept(&faulted, &drive_req("D1", "resolve", &[("state", "Completed")]), t);
    assert_eq!(drive_state(&change.job, "D1"), DriveState::Completed);
    assert_eq!(
        transitions(&change.events),
        [(Some("D1"), "Faulted", "Completed", Rule::S5), (None, "Transferring", "Packaging", Rule::J10),]
    );
}

#[test]
fn s5_a_drive_that_never_arrived_cannot_resume_as_specified_once_the_job_moved_on() {
    // D1 faulted before its package came; D2 arrived.
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let job = step(&job, drive_req("D1", "fault", &[("reason", "label torn")]), t);
    let job = arrive(&job, &["D2"], t).job;
    assert_eq!(job.state, JobState::Shipping);

    // While the job is Shipping, D1 may resume as Specified.
    let back = step(&job, drive_req("D1", "resolve", &[("state", "Specified")]), t);
    assert_eq!(drive_state(&back, "D1"), DriveState::Specified);

    // The job cannot be resolved past Shipping while D1 never arrived.
    let faulted_job = step(&job, job_req("fault", &[("reason", "r")]), t);
    let r = refuse(&faulted_job, &job_req("resolve", &[("state", "Received")]), t);
    assert_refused(&r, Rule::J8, &["D1"]);

    // Closed for no answer: D1 resumes as NeverReceived or Received, never Specified.
    let job =
        step(&job, job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]), t0() + days(14));
    let job = step(&job, drive_req("D2", "ship-back", &RETURN_PACKAGE), t0() + days(14)); // S12
    let closed = step(&job, job_req("close-unanswered", &[]), t0() + days(14));
    assert_eq!(closed.state, JobState::Closed);
    let r = refuse(&closed, &drive_req("D1", "resolve", &[("state", "Specified")]), t0() + days(15));
    assert_refused(&r, Rule::J8, &["Closed", "Specified"]);
    let resolved = step(&closed, drive_req("D1", "resolve", &[("state", "NeverReceived")]), t0() + days(15));
    assert_eq!(drive_state(&resolved, "D1"), DriveState::NeverReceived);
}

// ------------------------------------------------------------------------- S6

#[test]
fn s6_every_change_carries_its_events_and_a_refusal_writes_nothing() {
    let job = shipping_import(&["D1"]);
    let t = t0() + days(1);
    let note = Ctx { operator: "bo", now: t, note: Some("package at dock 3") };
    let receive = Request::Drive { drive_id: "D1".into(), action: DriveAction::Receive };
    // The drive change and the consequence it causes are one change.
    let change = decide(&job, &receive, &note).unwrap();
    assert_eq!(
        transitions(&change.events),
        [(Some("D1"), "Specified", "Received", Rule::D2), (None, "Shipping", "Received", Rule::J8),]
    );
    for e in &change.events {
        assert_eq!(e.at, t);
        assert_eq!(e.operator, "bo");
        assert_eq!(e.action, if e.drive_id.is_some() { "receive" } else { "consequence" });
    }
    assert_eq!(change.events[0].note.as_deref(), Some("package at dock 3"));
    assert_eq!(change.events[1].note, None);

    // A change that does not move a state still records one event.
    let change = accept(&change.job, &job_req("update", &[("returnAddress.email", "ops@contoso.com")]), t);
    assert_eq!(transitions(&change.events), [(None, "Received", "Received", Rule::E4)]);
    assert_eq!(change.events[0].detail.as_deref(), Some("set returnAddress.email"));

    // A refusal is an error, with no change and no event to store.
    let refused = decide(&job, &drive_req("D1", "complete", &[]), &note);
    let r = refused.expect_err("D1 is not Transferring");
    assert_refused(&r, Rule::D6, &["D1", "not Transferring"]);

    // The sweep's changes are recorded as `system`.
    let swept = sweep_job(&job, t0() + days(14)).expect("C3 passed");
    assert!(!swept.events.is_empty());
    assert!(swept.events.iter().all(|e| e.operator == SYSTEM_OPERATOR));
}

// ------------------------------------------------------------------------- S7

#[test]
fn s7_decide_leaves_the_version_as_read_for_the_store_to_check() {
    let mut job = shipping_import(&["D1", "D2"]);
    job.version = 7;
    for d in &mut job.drives {
        d.version = 3;
    }
    let t = t0() + days(1);
    let versions = |j: &Job| (j.version, j.drives.iter().map(|d| d.version).collect::<Vec<_>>());

    let change = accept(&job, &drive_req("D1", "receive", &[]), t);
    assert_eq!(versions(&change.job), (7, vec![3, 3]));
    let change = arrive(&change.job, &["D2", "X9"], t);
    assert_eq!(change.job.state, JobState::Received);
    assert_eq!(change.job.version, 7);
    let swept = sweep_job(&job, t0() + days(14)).expect("C3 passed");
    assert_eq!(versions(&swept.job), (7, vec![3, 3]));
}
