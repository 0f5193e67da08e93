//! Rules v2 (issue 12): every case the review of the seeds found, on the path
//! the rules allow and on the one they refuse. Each of these failed before v2.

mod common;
mod support;

use common::*;
use ieops::domain::arrival::{
    Outcome, Routed, decide_arrival, lists_actively, process_arrival, route_arrival,
};
use ieops::domain::attention::{Urgency, arrival_items, job_items};
use ieops::domain::clock::arrival_clocks;
use ieops::domain::decide::resolve_targets;
use ieops::domain::state::{ArrivalStatus, DriveState, JobState, JobType};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{Action, Arrival, ArrivalAction, Job, Rule, TargetKind};
use support::{Db, NOW, SHIPPABLE};

fn arrival_req(name: &str, pairs: &[(&str, &str)]) -> ArrivalAction {
    match Action::parse(TargetKind::Arrival, name, &sets(pairs)) {
        Ok(Action::Arrival(a)) => a,
        other => panic!("arrival action {name} did not parse: {other:?}"),
    }
}

fn held_arrival(drives: &[&str], job_name: Option<&str>) -> Arrival {
    match process_arrival(None, &package(drives, job_name), &ctx(t0())) {
        Ok(Outcome::Held { mut arrival, .. }) => {
            arrival.id = Some(1);
            arrival
        }
        other => panic!("not held: {other:?}"),
    }
}

fn named_shipping(name: &str, drives: &[&str]) -> Job {
    let job = create(name, JobType::Import, drives, t0()).job;
    shipping(&job)
}

/// (job, drive, from, to, rule) of every drive event of a routed package.
fn received(routed: &Routed) -> Vec<(String, String, String, Rule)> {
    routed
        .outcomes
        .iter()
        .flat_map(|o| match o {
            Outcome::Received(change) => change
                .events
                .iter()
                .filter_map(|e| {
                    let drive = e.drive_id.clone()?;
                    Some((change.job.name.clone(), drive, e.from_state.clone(), e.rule))
                })
                .collect(),
            Outcome::Held { .. } => Vec::new(),
        })
        .collect()
}

// ------------------------------------------------------------------ S5 (case 1)

#[test]
fn s5_a_faulted_packaging_job_is_not_resolved_to_closed_with_its_drive_still_here() {
    let job = step(&packaging_import(&["D1"]), job_req("fault", &[("reason", "label")]), t0() + days(4));
    let r = refuse(&job, &job_req("resolve", &[("state", "Closed")]), t0() + days(4));
    assert_refused(&r, Rule::S12, &["D1", "Completed", "still here"]);
    assert_eq!(resolve_targets(&job, None, t0() + days(4)), ["Packaging"]);
}

#[test]
fn s5_a_shipping_job_resolves_to_closed_only_when_j7_holds() {
    let shipped_yesterday =
        step(&shipping_import(&["D1"]), job_req("fault", &[("reason", "r")]), t0() + days(1));
    let r = refuse(&shipped_yesterday, &job_req("resolve", &[("state", "Closed")]), t0() + days(1));
    assert_refused(&r, Rule::J7, &["never notified"]);
    // The console's resolve form offers only what holds now.
    assert_eq!(resolve_targets(&shipped_yesterday, None, t0() + days(1)), ["Shipping"]);

    let unreachable = step(
        &shipped_yesterday,
        job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]),
        t0() + days(2),
    );
    assert_eq!(resolve_targets(&unreachable, None, t0() + days(2)), ["Shipping", "Closed"]);
    let closed = step(&unreachable, job_req("resolve", &[("state", "Closed")]), t0() + days(2));
    assert_eq!(closed.state, JobState::Closed);
}

#[test]
fn s5_a_drive_resolves_to_completed_only_at_100_percent() {
    let job = step(&received_import(&["D1"]), drive_req("D1", "start-transfer", &[]), t0() + days(2));
    let job = step(&job, drive_req("D1", "progress", &[("percent", "54")]), t0() + days(2));
    let faulted = step(&job, drive_req("D1", "fault", &[("reason", "bad sector")]), t0() + days(2));
    let r = refuse(&faulted, &drive_req("D1", "resolve", &[("state", "Completed")]), t0() + days(2));
    assert_refused(&r, Rule::S5, &["54%", "100%"]);
    // CompletedMoreInfo stands for D7: the copy's messages must be there.
    let r = refuse(&faulted, &drive_req("D1", "resolve", &[("state", "CompletedMoreInfo")]), t0() + days(2));
    assert_refused(&r, Rule::D7, &["no copy message"]);
    assert_eq!(resolve_targets(&faulted, Some("D1"), t0() + days(2)), ["Transferring"]);
}

// ------------------------------------------------------------------ S8 (case 2)

#[test]
fn s8_a_never_received_drive_of_another_job_goes_to_that_job_not_into_the_package_job_as_extra() {
    let a = named_shipping("job-a", &["A1"]);
    let b = named_shipping("job-b", &["B1", "B2"]);
    let b = arrive(&b, &["B2"], t0() + days(1)).job;
    let b = step(&b, drive_req("B1", "never-received", &[]), t0() + days(1));
    assert_eq!(drive_state(&b, "B1"), DriveState::NeverReceived);

    let t = t0() + days(3);
    let routed = route_arrival(
        Some(&a),
        &[a.clone(), b.clone()],
        &[],
        &package(&["A1", "B1"], Some("job-a")),
        &ctx(t),
    )
    .unwrap();
    assert_eq!(
        received(&routed),
        [
            ("job-a".into(), "A1".into(), "Specified".into(), Rule::D2),
            ("job-b".into(), "B1".into(), "NeverReceived".into(), Rule::D4),
        ]
    );
    let job_a = match &routed.outcomes[0] {
        Outcome::Received(change) => change.job.clone(),
        other => panic!("{other:?}"),
    };
    assert!(job_a.drive("B1").is_none(), "B1 is not an extra of job-a");

    // The drive is in job-b now: a second arrival of it is refused.
    let b = match &routed.outcomes[1] {
        Outcome::Received(change) => change.job.clone(),
        other => panic!("{other:?}"),
    };
    let r = route_arrival(None, std::slice::from_ref(&b), &[], &package(&["B1"], None), &ctx(t)).unwrap_err();
    assert_refused(&r, Rule::S8, &["B1", "job-b", "already Received"]);
}

#[test]
fn s8_without_a_job_name_no_listed_drive_becomes_an_extra_of_the_majority_job() {
    let a = named_shipping("job-a", &["A1", "A2"]);
    let b = named_shipping("job-b", &["B1"]);
    let routed = route_arrival(
        Some(&a),
        &[a.clone(), b.clone()],
        &[],
        &package(&["A1", "A2", "B1", "X9"], None),
        &ctx(t0() + days(1)),
    )
    .unwrap();
    let rows = received(&routed);
    assert!(rows.contains(&("job-b".into(), "B1".into(), "Specified".into(), Rule::D2)), "{rows:?}");
    // Only the id no job lists is an extra (D9), of the job the package went to.
    assert!(rows.contains(&("job-a".into(), "X9".into(), "-".into(), Rule::D9)), "{rows:?}");
}

#[test]
fn s8_a_drive_held_in_an_arrival_is_not_held_twice() {
    let held = held_arrival(&["Z1"], None);
    let r = route_arrival(None, &[], &[held], &package(&["Z1", "Z2"], None), &ctx(t0())).unwrap_err();
    assert_refused(&r, Rule::S8, &["Z1", "arrival:1"]);
    assert!(lists_actively(&named_shipping("job-a", &["A1"]), "A1"));
}

#[test]
fn s8_job_create_and_arrival_refuse_a_second_active_home_naming_the_first() {
    let db = Db::new();
    db.ok(&["job", "create", "job-a", "--type", "import", "--drive", "WD-1"]);
    let err =
        db.fails(3, &["job", "create", "job-b", "--type", "import", "--drive", "WD-2", "--drive", "WD-1"]);
    assert!(err.contains("S8") && err.contains("WD-1") && err.contains("job-a"), "{err}");
    assert!(db.run(&["show", "job-b"]).status.code() != Some(0), "job-b was written");

    // An arrival takes the drive to the job that lists it, whatever --job says.
    db.shipping_import("job-c", &["WD-3"], NOW);
    let mut ship = vec!["act", "job-a", "ship"];
    ship.extend(SHIPPABLE);
    db.ok(&ship);
    let out =
        db.ok(&["arrival", "--carrier", "UPS", "--tracking", "1Z", "--drive", "WD-1", "--job", "job-c"]);
    assert!(out.contains("job-a/WD-1: receive Specified → Received (D2)"), "{out}");
    assert_eq!(db.job("job-c")["driveList"].as_array().map(Vec::len), Some(1), "no extra in job-c");
    let err = db.fails(3, &["arrival", "--carrier", "UPS", "--tracking", "1Z", "--drive", "WD-1"]);
    assert!(err.contains("S8") && err.contains("job-a"), "{err}");

    // Held once, not twice.
    db.ok(&["arrival", "--carrier", "DHL", "--tracking", "JD1", "--drive", "LOOSE-1"]);
    let err = db.fails(3, &["arrival", "--carrier", "DHL", "--tracking", "JD2", "--drive", "LOOSE-1"]);
    assert!(err.contains("S8") && err.contains("arrival:1"), "{err}");
}

#[test]
fn s8_an_import_listing_a_drive_another_job_holds_is_flagged_not_refused() {
    let db = Db::new();
    db.ok(&["job", "create", "job-a", "--type", "import", "--drive", "WD-1"]);
    let doc = r#"{"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/job-z",
        "name": "job-z", "type": "Microsoft.ImportExport/jobs",
        "properties": {"jobType": "Import", "state": "Creating",
                       "driveList": [{"driveId": "WD-1", "state": "Specified"}]}}"#;
    let file = db.path.with_file_name("job-z.json");
    std::fs::write(&file, doc).unwrap();
    let out = db.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("job-z") && out.contains("WD-1") && out.contains("job-a"), "{out}");
    let attention = db.ok(&["--json", "attention"]);
    assert!(attention.contains("\"S8\"") && attention.contains("job-z"), "{attention}");
}

// ------------------------------------------------------------------ S9 (case 3)

#[test]
fn s9_an_export_job_takes_as_many_drives_as_its_delivery_package_counts() {
    let job = create("exp-9", JobType::Export, &[], t0()).job;
    let mut pairs = ship_pairs();
    pairs.push(("deliveryPackage.driveCount", "2"));
    let job = step(&job, job_req("ship", &pairs), t0());

    let first = arrive(&job, &["E1"], t0() + days(1));
    assert_eq!(first.job.state, JobState::Shipping, "one of two drives: not Received yet (J8)");
    assert_eq!(transitions(&first.events), [(Some("E1"), "-", "Received", Rule::S9)]);
    assert!(!first.job.drive("E1").unwrap().extra);

    let second = arrive(&first.job, &["E2", "E3"], t0() + days(2));
    assert_eq!(second.job.state, JobState::Received);
    assert!(!second.job.drive("E2").unwrap().extra, "E2 is the job's own");
    assert!(second.job.drive("E3").unwrap().extra, "E3 is beyond the count: extra (D9)");
    // Both own drives can be processed.
    let job = step(&second.job, drive_req("E2", "start-transfer", &[]), t0() + days(3));
    assert_eq!(job.state, JobState::Transferring);
    let r = refuse(&job, &drive_req("E3", "start-transfer", &[]), t0() + days(3));
    assert_eq!(r.rule, Rule::D9);
}

// ----------------------------------------------------------------- S10 (case 4)

#[test]
fn s10_a_held_arrival_is_released_into_its_job_when_the_job_ships() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-1", "--type", "import", "--drive", "WD-1", "--drive", "WD-2"]);
    let out =
        db.ok(&["arrival", "--carrier", "UPS", "--tracking", "1Z", "--drive", "WD-1", "--drive", "WD-2"]);
    assert!(out.contains("arrival:1"), "{out}");
    let mut ship = vec!["act", "acme-1", "ship"];
    ship.extend(SHIPPABLE);
    db.ok_at("2026-11-23T12:00:00Z", &ship);

    let job = db.job("acme-1");
    assert_eq!(job["state"], "Received", "both drives came in with the arrival (J8)");
    let states: Vec<&str> =
        job["driveList"].as_array().unwrap().iter().map(|d| d["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["Received", "Received"]);
    assert_eq!(db.ok(&["--json", "arrivals"]).trim(), "[]", "no longer held");
    let arrivals = db.ok(&["--json", "arrivals", "--all"]);
    assert!(arrivals.contains("\"Released\""), "{arrivals}");
    // Its clocks stopped: fourteen days on, nothing asks to return the drives.
    let attention = db.ok_at("2026-12-10T12:00:00Z", &["--json", "attention"]);
    assert!(!attention.contains("return-drives"), "{attention}");
    let history = db.ok(&["history", "acme-1"]);
    assert!(history.contains("S10"), "{history}");
}

#[test]
fn s10_a_reached_customer_stops_c5() {
    let arrival = held_arrival(&["Z1"], Some("unknown-job"));
    let (reached, _) =
        decide_arrival(&arrival, &arrival_req("contact", &[("via", "email")]), &ctx(t0() + days(1))).unwrap();
    assert!(arrival_clocks(&reached).iter().all(|c| c.rule != Rule::C5), "C5 stopped");
    let items = arrival_items(&reached, None, t0() + days(20));
    assert_eq!(items.len(), 1);
    assert!(!items[0].next_step.contains("not reached within C5"), "{}", items[0].next_step);
    assert_eq!(items[0].urgency, Urgency::Open);
    // The customer may ask for them back at any time.
    let (back, event) =
        decide_arrival(&reached, &arrival_req("return-drives", &[]), &ctx(t0() + days(2))).unwrap();
    assert_eq!((back.status, event.rule), (ArrivalStatus::Returned, Rule::S10));
    // Not reached: C5 still holds the return back.
    let r = decide_arrival(&arrival, &arrival_req("return-drives", &[]), &ctx(t0() + days(2))).unwrap_err();
    assert_refused(&r, Rule::C5, &["until C5 passes"]);
}

// ----------------------------------------------------------------- S12 (cases 5, 6)

#[test]
fn s12_a_late_drive_is_received_in_packaging_not_copied_and_shipped_back() {
    let job = arrive(&shipping_import(&["D1", "D2"]), &["D1"], t0() + days(1)).job;
    let job = step(&job, drive_req("D2", "never-received", &[]), t0() + days(1));
    let job = step(&job, drive_req("D1", "start-transfer", &[]), t0() + days(2));
    let job = step(&job, drive_req("D1", "complete", &[]), t0() + days(3));
    assert_eq!(job.state, JobState::Packaging);

    // As an action, and as an arrival for the job: received, not held under E1.
    let change = accept(&job, &drive_req("D2", "receive", &[]), t0() + days(4));
    assert_eq!(transitions(&change.events), [(Some("D2"), "NeverReceived", "Received", Rule::S12)]);
    let arrived = arrive(&job, &["D2"], t0() + days(4));
    assert_eq!(transitions(&arrived.events), [(Some("D2"), "NeverReceived", "Received", Rule::S12)]);

    let late = change.job;
    let r = refuse(&late, &drive_req("D2", "start-transfer", &[]), t0() + days(4));
    assert_eq!(r.rule, Rule::D5, "not copied in Packaging");
    let done = accept(&late, &job_req("ship-back", &RETURN_PACKAGE), t0() + days(5));
    assert_eq!(drive_state(&done.job, "D2"), DriveState::ShippedBack);
    // S1: the job keeps its NeverReceived error.
    assert_eq!(done.job.state, JobState::Closed);
}

#[test]
fn s12_close_unanswered_waits_until_an_extra_drive_has_shipped_back() {
    let job = arrive(&shipping_import(&["D1"]), &["X9"], t0() + days(1)).job;
    assert!(job.drive("X9").unwrap().extra);
    let notified = t0() + days(15);
    let job = step(&job, job_req("notify-customer", &[]), notified);
    let at = notified + days(30);
    let r = refuse(&job, &job_req("close-unanswered", &[]), at);
    assert_refused(&r, Rule::S12, &["X9", "ship it back"]);

    let job = step(&job, drive_req("X9", "ship-back", &RETURN_PACKAGE), at);
    let closed = step(&job, job_req("close-unanswered", &[]), at);
    assert_eq!(closed.state, JobState::Closed);
    // The sweep archives a job with nothing left here.
    assert!(sweep_job(&closed, at + days(90)).is_some_and(|c| c.job.archived_at.is_some()));
}

// ----------------------------------------------------------------- S11 (case 7)

#[test]
fn s11_destruction_never_interrupts_a_copy_and_c6_counts_down() {
    let job = step(&received_import(&["D1", "D2"]), drive_req("D1", "start-transfer", &[]), t0() + days(2));
    let job = step(&job, job_req("bad-return-address", &[]), t0() + days(2));
    let since = t0() + days(3);
    let job = step(&job, job_req("contact", &[("via", "phone"), ("outcome", "unreachable")]), since);
    let job = step(&job, job_req("return-failed", &[]), since);
    let r = refuse(&job, &job_req("destroy-drives", &[]), since + days(100));
    assert_refused(&r, Rule::S11, &["D1", "Transferring", "never interrupts a copy"]);

    // C6 is the deadline to destroy by, counting down.
    let item = job_items(&job, since + days(10)).into_iter().find(|i| i.rule == Rule::E4).unwrap();
    assert_eq!(item.due, Some(since + days(90)));
    assert_eq!(item.urgency, Urgency::Open);
}

// ------------------------------------------------------------------ S3 (case 8)

#[test]
fn s3_cancelling_after_the_notification_answers_it() {
    let job = shipping_import(&["D1"]);
    let notified = t0() + days(15);
    let job = step(&job, job_req("notify-customer", &[]), notified);
    let cancelled = step(&job, job_req("cancel", &[]), notified + days(1));

    let later = notified + days(40);
    let items = job_items(&cancelled, later);
    assert!(items.iter().all(|i| i.rule != Rule::E2), "no wait for an answer: {items:?}");
    assert!(items.iter().all(|i| !i.next_step.contains("close-unanswered")), "{items:?}");
    let r = refuse(&cancelled, &job_req("close-unanswered", &[]), later);
    assert_refused(&r, Rule::S3, &["cancelled"]);

    // Nothing of it ever came: C3 makes its drive NeverReceived and the job ends Closed (S1).
    let change = sweep_job(&cancelled, later).expect("C3 passed");
    assert_eq!(change.job.state, JobState::Closed);
    assert_eq!(job_transitions(&change.events), [("Shipping", "Closed", Rule::S3)]);
}

// ------------------------------------------------------------------ S1 (case 9)

#[test]
fn s1_a_cancelled_job_ends_completed_and_a_drive_with_warnings_closes_it() {
    let cancelled = step(&received_import(&["D1"]), job_req("cancel", &[]), t0() + days(2));
    let done = accept(&cancelled, &job_req("ship-back", &RETURN_PACKAGE), t0() + days(3));
    assert_eq!(done.job.state, JobState::Completed);

    let job = step(&received_import(&["D1"]), drive_req("D1", "start-transfer", &[]), t0() + days(2));
    let job = step(
        &job,
        drive_req("D1", "complete-with-info", &[("message", "warning:blob renamed")]),
        t0() + days(2),
    );
    let done = accept(&job, &job_req("ship-back", &RETURN_PACKAGE), t0() + days(3));
    assert_eq!(job_transitions(&done.events), [("Packaging", "Closed", Rule::J12)]);
}

// ----------------------------------------------------------------- D3 (case 10)

#[test]
fn d3_never_received_waits_for_an_arrival_or_c3() {
    let job = shipping_import(&["D1", "D2"]);
    let r = refuse(&job, &drive_req("D1", "never-received", &[]), t0() + secs(3600));
    assert_refused(&r, Rule::D3, &["no package", "C3"]);
    // The package came without D1.
    let arrived = arrive(&job, &["D2"], t0() + days(1)).job;
    accept(&arrived, &drive_req("D1", "never-received", &[]), t0() + days(1));
    // Or C3 passed.
    accept(&job, &drive_req("D1", "never-received", &[]), t0() + days(14));
    let r = refuse(&job, &drive_req("D1", "never-received", &[]), t0() + days(14) - secs(1));
    assert_eq!(r.rule, Rule::D3);
}

// ------------------------------------------------------------ P1 (issue 13)

#[test]
fn p1_a_mistaken_receipt_is_undone_and_so_is_the_j8_it_caused() {
    let job = shipping_import(&["D1"]);
    let at = t0() + days(1);
    let received = arrive(&job, &["D1"], at).job;
    assert_eq!(received.state, JobState::Received);

    let change = accept(&received, &drive_req("D1", "correct-receipt", &[]), at + secs(600));
    assert_eq!(
        transitions(&change.events),
        [(Some("D1"), "Received", "Specified", Rule::P1), (None, "Received", "Shipping", Rule::P1)]
    );
    assert_eq!(change.job.state, JobState::Shipping);
    // It can be received again, properly.
    accept(&change.job, &drive_req("D1", "receive", &[]), at + secs(900));

    // Refused after 24 hours, and once a copy has begun.
    let r = refuse(&received, &drive_req("D1", "correct-receipt", &[]), at + days(1) + secs(1));
    assert_refused(&r, Rule::P1, &["within 24 hours"]);
    let copying = step(&received, drive_req("D1", "start-transfer", &[]), at + secs(60));
    let r = refuse(&copying, &drive_req("D1", "correct-receipt", &[]), at + secs(120));
    assert_refused(&r, Rule::P1, &["Transferring"]);
}

#[test]
fn p1_a_mistyped_serial_booked_as_an_extra_is_taken_back() {
    let job = arrive(&shipping_import(&["D1", "D2"]), &["D1", "D-TYPO"], t0() + days(1)).job;
    assert!(job.drive("D-TYPO").is_some_and(|d| d.extra));
    let change = accept(&job, &drive_req("D-TYPO", "correct-receipt", &[]), t0() + days(1) + secs(60));
    let typo = change.job.drive("D-TYPO").unwrap();
    assert!(typo.voided_at.is_some(), "kept for the audit log, taken back");
    assert!(
        job_items(&change.job, t0() + days(2)).iter().all(|i| i.rule != Rule::E5),
        "no longer an extra to ship"
    );
    // Nothing more can be done to it.
    let r = refuse(&change.job, &drive_req("D-TYPO", "fault", &[("reason", "x")]), t0() + days(2));
    assert_refused(&r, Rule::P1, &["recorded in error"]);
    // A drive never received here has no receipt to undo.
    let imported = {
        let mut j = job.clone();
        if let Some(d) = j.drive_mut("D2") {
            d.state = DriveState::Received; // as an import reports it
        }
        j
    };
    let r = refuse(&imported, &drive_req("D2", "correct-receipt", &[]), t0() + days(1));
    assert_refused(&r, Rule::P1, &["no receipt recorded here"]);
}

/// Issue 13: drives shipped back in two packages keep both; the job's
/// returnPackage (what the service's API shows) is the last one.
#[test]
fn d8_two_return_shipments_keep_both_carriers_and_tracking_numbers() {
    let job = packaging_import(&["D1", "D2"]);
    let at = t0() + days(4);
    let first = [("returnPackage.carrierName", "UPS"), ("returnPackage.trackingNumber", "1Z-FIRST")];
    let job = step(&job, drive_req("D1", "ship-back", &first), at);
    let second = [("returnPackage.carrierName", "FedEx"), ("returnPackage.trackingNumber", "FX-SECOND")];
    let job = step(&job, drive_req("D2", "ship-back", &second), at + days(1));
    assert_eq!(job.state, JobState::Completed);

    let packages: Vec<(Option<&str>, Vec<&str>)> =
        job.return_packages().into_iter().map(|(p, ids)| (p.tracking_number.as_deref(), ids)).collect();
    assert_eq!(packages, [(Some("1Z-FIRST"), vec!["D1"]), (Some("FX-SECOND"), vec!["D2"])]);
    assert_eq!(job.return_package.tracking_number.as_deref(), Some("FX-SECOND"));
    let shown = ieops::present::job_fields(&job, at + days(2));
    let line = shown.iter().find(|(k, _)| *k == "return packages").map(|(_, v)| v.as_str()).unwrap_or("");
    assert_eq!(line, "UPS, 1Z-FIRST, 2026-11-26 12:00 (D1); FedEx, FX-SECOND, 2026-11-27 12:00 (D2)");
}
