//! Drive rules D1–D9 of SPEC.md, each on its allowed path and its refused path.

mod common;

use common::*;
use ieops::domain::arrival::process_arrival;
use ieops::domain::create::create_job;
use ieops::domain::state::{DriveState, JobState, JobType, Severity};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{DriveAction, Request, Rule, SYSTEM_OPERATOR};

// ------------------------------------------------------------------------- D1

#[test]
fn d1_import_drives_start_specified_and_export_drives_start_received() {
    let import = import_job(&["D1", "D2"]);
    assert!(import.drives.iter().all(|d| d.state == DriveState::Specified));

    // An export job lists none; its drives are recorded Received as they arrive.
    let r = create_job("exp-2", JobType::Export, &ids(&["E1"]), &[], &ctx(t0())).unwrap_err();
    assert_refused(&r, Rule::J1, &["recorded Received when they arrive (D1)"]);
    let export = shipping(&export_job());
    let change = arrive(&export, &["E1"], t0() + days(1));
    let drive = change.job.drive("E1").expect("listed on arrival");
    assert_eq!(drive.state, DriveState::Received);
    assert!(!drive.extra);
    assert_eq!(
        transitions(&change.events),
        [(Some("E1"), "-", "Received", Rule::D1), (None, "Shipping", "Received", Rule::J8)]
    );
}

// ------------------------------------------------------------------------- D2

#[test]
fn d2_specified_drive_is_received_while_its_job_is_shipping() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(1);
    let change = accept(&job, &drive_req("D1", "receive", &[]), t);
    assert_eq!(drive_state(&change.job, "D1"), DriveState::Received);
    assert_eq!(change.job.drive("D1").unwrap().state_since, t);
    assert_eq!(transitions(&change.events), [(Some("D1"), "Specified", "Received", Rule::D2)]);

    // The same through the package's arrival, with the carrier recorded.
    let change = arrive(&job, &["D2"], t);
    assert_eq!(transitions(&change.events), [(Some("D2"), "Specified", "Received", Rule::D2)]);
    assert!(change.events[0].detail.as_deref().unwrap().contains("DHL JD0140"));

    // Not twice.
    let received = step(&job, drive_req("D1", "receive", &[]), t);
    let r = refuse(&received, &drive_req("D1", "receive", &[]), t);
    assert_refused(&r, Rule::D2, &["D1", "already Received"]);
    // S8: one physical drive is in one place; a second arrival of it is refused.
    let r = process_arrival(Some(&received), &package(&["D1"], Some("imp-1")), &ctx(t)).unwrap_err();
    assert_refused(&r, Rule::S8, &["D1", "already Received"]);
    // Not before the job is Shipping (J16).
    let r = refuse(&import_job(&["D1"]), &drive_req("D1", "receive", &[]), t);
    assert_eq!(r.rule, Rule::J16);
}

// ------------------------------------------------------------------------- D3

#[test]
fn d3_drive_missing_from_the_package_is_never_received() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let job = arrive(&job, &["D1"], t).job;
    let change = accept(&job, &drive_req("D2", "never-received", &[]), t);
    assert_eq!(drive_state(&change.job, "D2"), DriveState::NeverReceived);
    assert_eq!(change.events[0].rule, Rule::D3);

    let r = refuse(&import_job(&["D1"]), &drive_req("D1", "never-received", &[]), t);
    assert_refused(&r, Rule::D3, &["Creating", "must be Shipping"]);
    let r = refuse(&job, &drive_req("D1", "never-received", &[]), t);
    assert_refused(&r, Rule::D3, &["D1 is Received", "only a Specified drive"]);
}

#[test]
fn d3_drives_still_specified_14_days_after_shipping_become_never_received() {
    let job = arrive(&shipping_import(&["D1", "D2"]), &["D1"], t0() + days(3)).job;
    assert_eq!(sweep_job(&job, t0() + days(14) - secs(1)), None);
    let change = sweep_job(&job, t0() + days(14)).expect("C3 passed");
    assert_eq!(drive_state(&change.job, "D1"), DriveState::Received);
    assert_eq!(drive_state(&change.job, "D2"), DriveState::NeverReceived);
    assert_eq!(
        transitions(&change.events),
        [(Some("D2"), "Specified", "NeverReceived", Rule::C3), (None, "Shipping", "Received", Rule::J8)]
    );
    assert!(change.events.iter().all(|e| e.operator == SYSTEM_OPERATOR));
}

// ------------------------------------------------------------------------- D4

#[test]
fn d4_never_received_drive_is_received_when_it_arrives_later() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let job = step(&job, drive_req("D1", "receive", &[]), t);
    let job = step(&job, drive_req("D2", "never-received", &[]), t);
    assert_eq!(job.state, JobState::Received);

    let change = accept(&job, &drive_req("D2", "receive", &[]), t + days(5));
    assert_eq!(drive_state(&change.job, "D2"), DriveState::Received);
    assert_eq!(transitions(&change.events), [(Some("D2"), "NeverReceived", "Received", Rule::D4)]);
    // In another shipment, while the job is Transferring.
    let transferring = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let change = arrive(&transferring, &["D2"], t + days(5));
    assert_eq!(transitions(&change.events), [(Some("D2"), "NeverReceived", "Received", Rule::D4)]);
    assert_eq!(change.job.state, JobState::Transferring);

    // Still in Packaging (S12); too late once the job ended.
    let packaging = step(&transferring, drive_req("D1", "complete", &[]), t);
    assert_eq!(packaging.state, JobState::Packaging);
    let change = accept(&packaging, &drive_req("D2", "receive", &[]), t + days(5));
    assert_eq!(transitions(&change.events), [(Some("D2"), "NeverReceived", "Received", Rule::S12)]);
    let closed = step(&packaging, job_req("ship-back", &RETURN_PACKAGE), t + days(1));
    assert_eq!(closed.state, JobState::Closed);
    let r = refuse(&closed, &drive_req("D2", "receive", &[]), t + days(5));
    assert_refused(&r, Rule::S12, &["Closed", "up to and including Packaging"]);
}

#[test]
fn d4_a_never_received_drive_resumes_as_received_up_to_packaging_only() {
    let job = shipping_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let job = arrive(&job, &["D1"], t).job;
    let job = step(&job, drive_req("D2", "never-received", &[]), t);
    let job = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let job = step(&job, drive_req("D1", "complete", &[]), t);
    assert_eq!(job.state, JobState::Packaging);
    let faulted = step(&job, drive_req("D2", "fault", &[("reason", "found in the mail room")]), t);

    // S12: a late drive may still come in while the job is Packaging.
    let late = step(&faulted, drive_req("D2", "resolve", &[("state", "Received")]), t);
    assert_eq!(drive_state(&late, "D2"), DriveState::Received);
    let back = step(&faulted, drive_req("D2", "resolve", &[("state", "NeverReceived")]), t);
    assert_eq!(drive_state(&back, "D2"), DriveState::NeverReceived);
    // Not once the job has ended.
    let closed = step(&back, job_req("ship-back", &RETURN_PACKAGE), t);
    assert_eq!(closed.state, JobState::Closed);
    let faulted = step(&closed, drive_req("D2", "fault", &[("reason", "found in the mail room")]), t);
    let r = refuse(&faulted, &drive_req("D2", "resolve", &[("state", "Received")]), t);
    assert_refused(&r, Rule::S12, &["Closed"]);

    // While the job is still copying, the late drive resumes as Received.
    let transferring = arrive(&shipping_import(&["D1", "D2"]), &["D1"], t).job;
    let transferring = step(&transferring, drive_req("D2", "never-received", &[]), t);
    let transferring = step(&transferring, drive_req("D1", "start-transfer", &[]), t);
    let faulted = step(&transferring, drive_req("D2", "fault", &[("reason", "r")]), t);
    let back = step(&faulted, drive_req("D2", "resolve", &[("state", "Received")]), t);
    assert_eq!(drive_state(&back, "D2"), DriveState::Received);
}

// ------------------------------------------------------------------------- D5

#[test]
fn d5_received_drive_begins_transferring() {
    let job = received_import(&["D1", "D2"]);
    let t = t0() + days(2);
    let change = accept(&job, &drive_req("D1", "start-transfer", &[]), t);
    assert_eq!(drive_state(&change.job, "D1"), DriveState::Transferring);
    assert_eq!(change.events[0].rule, Rule::D5);

    let r = refuse(&shipping_import(&["D1"]), &drive_req("D1", "start-transfer", &[]), t);
    assert_refused(&r, Rule::D5, &["D1 is Specified", "only a Received drive"]);
    let r = refuse(&change.job, &drive_req("D1", "start-transfer", &[]), t);
    assert_refused(&r, Rule::D5, &["D1 is Transferring"]);
}

// ------------------------------------------------------------------------- D6

#[test]
fn d6_transferring_drive_completes_when_all_data_was_transferred() {
    let job = step(&received_import(&["D1", "D2"]), drive_req("D1", "start-transfer", &[]), t0());
    let change = accept(&job, &drive_req("D1", "complete", &[]), t0() + days(3));
    let d1 = change.job.drive("D1").unwrap();
    assert_eq!(d1.state, DriveState::Completed);
    assert_eq!(d1.percent_complete, 100);
    assert!(d1.messages.is_empty());
    assert_eq!(transitions(&change.events), [(Some("D1"), "Transferring", "Completed", Rule::D6)]);

    let r = refuse(&job, &drive_req("D2", "complete", &[]), t0() + days(3));
    assert_refused(&r, Rule::D6, &["D2 is Received", "not Transferring"]);
}

// ------------------------------------------------------------------------- D7

#[test]
fn d7_copy_issues_complete_the_drive_with_more_info_and_severities() {
    let job = step(&received_import(&["D1", "D2"]), drive_req("D1", "start-transfer", &[]), t0());
    let req = drive_req(
        "D1",
        "complete-with-info",
        &[
            ("message", "error:crc mismatch"),
            ("message", "warning:blob overwritten"),
            ("message", "info:1 file skipped"),
        ],
    );
    let change = accept(&job, &req, t0() + days(3));
    let d1 = change.job.drive("D1").unwrap();
    assert_eq!(d1.state, DriveState::CompletedMoreInfo);
    let severities: Vec<Severity> = d1.messages.iter().map(|m| m.severity).collect();
    assert_eq!(severities, [Severity::Error, Severity::Warning, Severity::Info]);
    assert_eq!(d1.messages[1].text, "blob overwritten");
    assert_eq!(change.events[0].rule, Rule::D7);
    assert!(change.events[0].detail.as_deref().unwrap().contains("Error: crc mismatch"));

    // Issues without a message, or a drive not Transferring, are refused.
    let empty = Request::Drive { drive_id: "D1".into(), action: DriveAction::CompleteWithInfo(Vec::new()) };
    assert_refused(&refuse(&job, &empty, t0()), Rule::D7, &["at least one message"]);
    let r = refuse(&job, &drive_req("D2", "complete-with-info", &[("message", "info:x")]), t0());
    assert_refused(&r, Rule::D7, &["D2 is Received", "not Transferring"]);
}

// ------------------------------------------------------------------------- D8

#[test]
fn d8_processed_drive_ships_back_to_a_set_and_valid_return_address() {
    let mut job = received_import(&["D1", "D2"]);
    let t = t0() + days(3);
    for d in ["D1", "D2"] {
        job = step(&job, drive_req(d, "start-transfer", &[]), t);
    }
    job = step(&job, drive_req("D1", "complete", &[]), t);
    // While the job is still Transferring nothing ships back.
    let r = refuse(&job, &drive_req("D1", "ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::D8, &["Transferring", "once it is Packaging"]);
    let r = refuse(&job, &drive_req("D2", "ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::D8, &["D2 is Transferring", "only Completed or CompletedMoreInfo"]);

    job = step(&job, drive_req("D2", "complete-with-info", &[("message", "warning:w")]), t);
    assert_eq!(job.state, JobState::Packaging);
    for (d, from) in [("D1", "Completed"), ("D2", "CompletedMoreInfo")] {
        let change = accept(&job, &drive_req(d, "ship-back", &RETURN_PACKAGE), t);
        assert_eq!(drive_state(&change.job, d), DriveState::ShippedBack);
        assert_eq!(transitions(&change.events)[0], (Some(d), from, "ShippedBack", Rule::D8));
    }

    // The return address must be set and valid (E4).
    let no_city = step(&job, job_req("update", &[("returnAddress.city", "")]), t);
    let r = refuse(&no_city, &drive_req("D1", "ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::E4, &["returnAddress.city", "cannot ship back"]);
    let wrong = step(&job, job_req("bad-return-address", &[]), t);
    let r = refuse(&wrong, &drive_req("D1", "ship-back", &RETURN_PACKAGE), t);
    assert_refused(&r, Rule::E4, &["reported wrong", "cannot ship back"]);
}

// ------------------------------------------------------------------------- D9

#[test]
fn d9_unlisted_drive_in_the_package_is_an_extra_never_processed_and_shipped_back_with_the_job() {
    let job = shipping_import(&["D1"]);
    let t = t0() + days(1);
    let change = arrive(&job, &["D1", "X9"], t);
    let x9 = change.job.drive("X9").expect("recorded");
    assert!(x9.extra);
    assert_eq!(x9.state, DriveState::Received);
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D1"), "Specified", "Received", Rule::D2),
            (Some("X9"), "-", "Received", Rule::D9),
            (None, "Shipping", "Received", Rule::J8),
        ]
    );
    assert!(change.events[1].detail.as_deref().unwrap().contains("extra drive"));

    // Never processed.
    let job = change.job;
    let r = refuse(&job, &drive_req("X9", "start-transfer", &[]), t);
    assert_refused(&r, Rule::D9, &["X9", "extra", "never processed"]);
    // It does not hold the copy back (J10) …
    let job = step(&job, drive_req("D1", "start-transfer", &[]), t);
    let job = step(&job, drive_req("D1", "complete", &[]), t);
    assert_eq!(job.state, JobState::Packaging);
    // … but the job completes only once it has shipped back too.
    let only_d1 = step(&job, drive_req("D1", "ship-back", &RETURN_PACKAGE), t);
    assert_eq!(only_d1.state, JobState::Packaging);
    let change = accept(&job, &job_req("ship-back", &RETURN_PACKAGE), t + days(1));
    assert_eq!(
        transitions(&change.events),
        [
            (Some("D1"), "Completed", "ShippedBack", Rule::D8),
            (Some("X9"), "Received", "ShippedBack", Rule::D9),
            (None, "Packaging", "Completed", Rule::J11),
        ]
    );
    assert_eq!(change.job.return_package.drive_count, Some(2));
}

#[test]
fn d9_an_extra_drive_cannot_be_resolved_into_processing() {
    let job = arrive(&shipping_import(&["D1"]), &["D1", "X9"], t0() + days(1)).job;
    let t = t0() + days(2);
    let faulted = step(&job, drive_req("X9", "fault", &[("reason", "unlabelled")]), t);
    let r = refuse(&faulted, &drive_req("X9", "resolve", &[("state", "Transferring")]), t);
    assert_refused(&r, Rule::D9, &["X9", "never processed"]);
    let back = step(&faulted, drive_req("X9", "resolve", &[("state", "Received")]), t);
    assert_eq!(drive_state(&back, "X9"), DriveState::Received);
    assert!(back.drive("X9").unwrap().extra);
}
