//! The exhaustive matrix: every job state × job action and drive state × drive
//! action that SPEC.md does not allow is refused with exit code 3, and the
//! database stays byte-for-byte the same.
//!
//! The allowed sets below are written from SPEC.md, not taken from the code,
//! so the code is checked against the specification rather than itself.

mod support;

use support::{Db, NOW, SHIPPABLE};

const T0: &str = "2026-11-20T08:00:00Z";

const RETURN_PACKAGE: &[&str] =
    &["--set", "returnPackage.carrierName=UPS", "--set", "returnPackage.trackingNumber=1Z999AA10123456799"];

/// One fixture job per job state, named after it.
fn job_fixtures(db: &Db) {
    db.ok_at(T0, &["job", "create", "j-creating", "--type", "import", "--drive", "A1"]);
    db.shipping_import("j-shipping", &["B1"], T0);
    db.shipping_import("j-received", &["C1"], T0);
    db.ok_at(T0, &["act", "j-received/C1", "receive"]);
    db.shipping_import("j-transferring", &["D1", "D2"], T0);
    db.ok_at(T0, &["arrival", "--carrier", "UPS", "--tracking", "1Z1", "--drive", "D1", "--drive", "D2"]);
    db.ok_at(T0, &["act", "j-transferring/D1", "start-transfer"]);
    db.shipping_import("j-packaging", &["E1"], T0);
    for step in [
        &["act", "j-packaging/E1", "receive"][..],
        &["act", "j-packaging/E1", "start-transfer"],
        &["act", "j-packaging/E1", "complete"],
    ] {
        db.ok_at(T0, step);
    }
    for (name, outcome) in [("j-completed", "complete"), ("j-closed", "complete-with-info")] {
        db.ok_at(T0, &["job", "create", name, "--type", "export"]);
        let mut ship = vec!["act", name, "ship"];
        ship.extend(SHIPPABLE);
        db.ok_at(T0, &ship);
        let drive = format!("{name}-X");
        db.ok_at(T0, &["arrival", "--carrier", "UPS", "--tracking", "1Z2", "--drive", &drive, "--job", name]);
        let target = format!("{name}/{drive}");
        db.ok_at(T0, &["act", &target, "start-transfer"]);
        let mut finish = vec!["act", target.as_str(), outcome];
        if outcome == "complete-with-info" {
            finish.extend(["--set", "message=error:unreadable sector"]);
        }
        db.ok_at(T0, &finish);
        let mut back = vec!["act", name, "ship-back"];
        back.extend(RETURN_PACKAGE);
        db.ok_at(T0, &back);
    }
    db.shipping_import("j-faulted", &["F1"], T0);
    db.ok_at(T0, &["act", "j-faulted", "fault", "--set", "reason=customs hold"]);
    for (name, state) in [
        ("j-creating", "Creating"),
        ("j-shipping", "Shipping"),
        ("j-received", "Received"),
        ("j-transferring", "Transferring"),
        ("j-packaging", "Packaging"),
        ("j-completed", "Completed"),
        ("j-closed", "Closed"),
        ("j-faulted", "Faulted"),
    ] {
        assert_eq!(db.state(name), state, "fixture {name}");
    }
}

/// Job actions with valid parameters, and the states SPEC allows each in.
fn job_actions() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
    let mut ship = vec![];
    ship.extend(SHIPPABLE);
    vec![
        (
            "update",
            vec!["--set", "customerNote=call before noon"],
            &["Creating", "Shipping", "Received", "Transferring", "Packaging", "Faulted"],
        ),
        ("ship", ship, &["Creating"]),
        ("notify-customer", vec![], &["Shipping"]),
        ("extend-wait", vec!["--set", "days=7"], &["Shipping"]),
        ("cancel", vec![], &["Creating", "Shipping", "Received"]),
        ("close-unanswered", vec![], &["Shipping"]),
        ("contact", vec!["--set", "via=phone"], &["Shipping", "Transferring", "Packaging", "Faulted"]),
        ("bad-return-address", vec![], &["Transferring", "Packaging", "Faulted"]),
        ("report-return-problem", vec!["--set", "kind=lost"], &["Completed", "Closed"]),
        ("return-failed", vec![], &["Transferring", "Packaging"]),
        ("destroy-drives", vec![], &["Packaging"]),
        // S12: what came in for a Shipping job closing under J7 goes back first.
        ("ship-back", RETURN_PACKAGE.to_vec(), &["Shipping", "Packaging"]),
        (
            "fault",
            vec!["--set", "reason=stuck"],
            &["Creating", "Shipping", "Received", "Transferring", "Packaging"],
        ),
        ("resolve", vec!["--set", "state=Shipping"], &["Faulted"]),
    ]
}

#[test]
fn every_job_action_spec_does_not_allow_is_refused_with_exit_3_and_writes_nothing() {
    let db = Db::new();
    job_fixtures(&db);
    let states =
        ["Creating", "Shipping", "Received", "Transferring", "Packaging", "Completed", "Closed", "Faulted"];
    let mut refused = 0;
    for state in states {
        let job = format!("j-{}", state.to_lowercase());
        for (action, params, allowed) in job_actions() {
            if allowed.contains(&state) {
                continue;
            }
            let before = db.bytes();
            let mut args = vec!["act", job.as_str(), action];
            args.extend(&params);
            let err = db.fails(3, &args);
            assert!(err.contains("refused by "), "{state} × {action}: {err}");
            assert_eq!(db.bytes(), before, "{state} × {action} changed the database");
            refused += 1;
        }
    }
    assert!(refused >= 65, "only {refused} combinations checked");
}

/// One fixture drive per drive state: (JOB/DRIVE, state).
fn drive_fixtures(db: &Db) -> Vec<(&'static str, &'static str)> {
    db.shipping_import("d-shipping", &["S1"], T0);
    db.shipping_import("d-received", &["R1", "N1"], T0);
    db.ok_at(T0, &["act", "d-received/R1", "receive"]);
    db.ok_at(T0, &["act", "d-received/N1", "never-received"]);
    db.shipping_import("d-transferring", &["T1", "C1", "M1", "F1"], T0);
    db.ok_at(
        T0,
        &[
            "arrival",
            "--carrier",
            "UPS",
            "--tracking",
            "1Z3",
            "--drive",
            "T1",
            "--drive",
            "C1",
            "--drive",
            "M1",
            "--drive",
            "F1",
        ],
    );
    for d in ["T1", "C1", "M1", "F1"] {
        db.ok_at(T0, &["act", &format!("d-transferring/{d}"), "start-transfer"]);
    }
    db.ok_at(T0, &["act", "d-transferring/C1", "complete"]);
    db.ok_at(
        T0,
        &["act", "d-transferring/M1", "complete-with-info", "--set", "message=warning:blob overwritten"],
    );
    db.ok_at(T0, &["act", "d-transferring/F1", "fault", "--set", "reason=read errors"]);
    db.shipping_import("d-packaging", &["P1", "P2"], T0);
    db.ok_at(T0, &["arrival", "--carrier", "UPS", "--tracking", "1Z4", "--drive", "P1", "--drive", "P2"]);
    for d in ["P1", "P2"] {
        db.ok_at(T0, &["act", &format!("d-packaging/{d}"), "start-transfer"]);
        db.ok_at(T0, &["act", &format!("d-packaging/{d}"), "complete"]);
    }
    let mut back = vec!["act", "d-packaging/P1", "ship-back"];
    back.extend(RETURN_PACKAGE);
    db.ok_at(T0, &back);
    vec![
        ("d-shipping/S1", "Specified"),
        ("d-received/R1", "Received"),
        ("d-received/N1", "NeverReceived"),
        ("d-transferring/T1", "Transferring"),
        ("d-transferring/C1", "Completed"),
        ("d-transferring/M1", "CompletedMoreInfo"),
        ("d-packaging/P1", "ShippedBack"),
        ("d-transferring/F1", "Faulted"),
    ]
}

fn drive_actions() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
    let all_but_final: &[&str] =
        &["Specified", "Received", "NeverReceived", "Transferring", "Completed", "CompletedMoreInfo"];
    vec![
        ("receive", vec![], &["Specified", "NeverReceived"]),
        // D3 (v2): only once the package came without it or C3 passed.
        ("never-received", vec![], &["Specified"]),
        ("start-transfer", vec![], &["Received"]),
        ("progress", vec!["--set", "percent=50", "--set", "bytes=1000"], &["Transferring"]),
        ("complete", vec![], &["Transferring"]),
        ("complete-with-info", vec!["--set", "message=info:done"], &["Transferring"]),
        ("ship-back", RETURN_PACKAGE.to_vec(), &["Completed", "CompletedMoreInfo"]),
        ("fault", vec!["--set", "reason=stuck"], all_but_final),
        ("resolve", vec!["--set", "state=Transferring"], &["Faulted"]),
    ]
}

#[test]
fn every_drive_action_spec_does_not_allow_is_refused_with_exit_3_and_writes_nothing() {
    let db = Db::new();
    let fixtures = drive_fixtures(&db);
    let mut refused = 0;
    for (target, state) in fixtures {
        let shown = db.job(target.split('/').next().unwrap_or_default());
        let drive_id = target.split('/').nth(1).unwrap_or_default();
        let drive = shown["driveList"].as_array().unwrap().iter().find(|d| d["driveId"] == drive_id).cloned();
        assert_eq!(drive.map(|d| d["state"].clone()), Some(serde_json::json!(state)), "fixture {target}");
        for (action, params, allowed) in drive_actions() {
            if allowed.contains(&state) {
                continue;
            }
            let before = db.bytes();
            let mut args = vec!["act", target, action];
            args.extend(&params);
            let err = db.fails_at(NOW, 3, &args);
            assert!(err.contains("refused by "), "{state} × {action}: {err}");
            assert_eq!(db.bytes(), before, "{state} × {action} changed the database");
            refused += 1;
        }
    }
    assert!(refused >= 45, "only {refused} combinations checked");
}

/// Rules v2: each refusal the review of the seeds asked for, from the command
/// line, is exit 3 naming its rule, and leaves the database as it was.
#[test]
fn every_v2_refusal_is_exit_3_names_its_rule_and_writes_nothing() {
    let db = Db::new();
    let at = |days: i64| {
        (chrono::DateTime::parse_from_rfc3339(T0).unwrap() + chrono::Duration::days(days)).to_rfc3339()
    };
    db.ok_at(T0, &["job", "create", "v-creating", "--type", "import", "--drive", "V1"]);
    db.shipping_import("v-shipping", &["W1", "W2"], T0);
    db.ok_at(
        T0,
        &["arrival", "--carrier", "UPS", "--tracking", "1Z5", "--drive", "X9", "--job", "v-shipping"],
    );
    db.ok_at(T0, &["arrival", "--carrier", "UPS", "--tracking", "1Z6", "--drive", "LOOSE"]);
    db.shipping_import("v-waiting", &["Y1"], T0);
    db.shipping_import("v-copying", &["K1"], T0);
    db.ok_at(T0, &["act", "v-copying/K1", "receive"]);
    db.ok_at(T0, &["act", "v-copying/K1", "start-transfer"]);
    db.ok_at(T0, &["act", "v-copying/K1", "progress", "--set", "percent=54"]);
    db.ok_at(T0, &["act", "v-copying/K1", "fault", "--set", "reason=bad sector"]);
    db.shipping_import("v-e4", &["G1"], T0);
    db.ok_at(T0, &["act", "v-e4/G1", "receive"]);
    db.ok_at(T0, &["act", "v-e4/G1", "start-transfer"]);
    db.ok_at(T0, &["act", "v-e4", "bad-return-address"]);
    db.ok_at(T0, &["act", "v-e4", "contact", "--set", "via=phone", "--set", "outcome=unreachable"]);
    db.ok_at(T0, &["act", "v-e4", "return-failed"]);
    db.ok_at(&at(15), &["act", "v-shipping", "notify-customer"]);

    let cases: &[(&str, &[&str], &str)] = &[
        ("S8", &["job", "create", "v-dup", "--type", "import", "--drive", "W1"], &at(1)),
        ("S8", &["arrival", "--carrier", "UPS", "--tracking", "1Z7", "--drive", "X9"], &at(1)),
        ("S8", &["arrival", "--carrier", "UPS", "--tracking", "1Z7", "--drive", "LOOSE"], &at(1)),
        ("D3", &["act", "v-waiting/Y1", "never-received"], &at(1)),
        ("S12", &["act", "v-shipping", "close-unanswered"], &at(46)),
        ("S11", &["act", "v-e4", "destroy-drives"], &at(100)),
        ("S5", &["act", "v-copying/K1", "resolve", "--set", "state=Completed"], &at(1)),
    ];
    for (rule, args, now) in cases {
        let before = db.bytes();
        let err = db.fails_at(now, 3, args);
        assert!(
            err.contains(&format!("refused by {rule}")) || err.contains(&format!("({rule})")),
            "{args:?}: {err}"
        );
        assert_eq!(db.bytes(), before, "{args:?} changed the database");
    }
    // S3: once cancelled, the customer is not asked again.
    db.ok_at(&at(16), &["act", "v-shipping", "cancel"]);
    let before = db.bytes();
    let err = db.fails_at(&at(50), 3, &["act", "v-shipping", "close-unanswered"]);
    assert!(err.contains("refused by S3"), "{err}");
    assert_eq!(db.bytes(), before);
}
