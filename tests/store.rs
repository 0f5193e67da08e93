//! The SQLite store through its public API, on real files in temporary
//! directories: round trips, the one write path (S6), stale writes (S7),
//! archiving (S2), read-only access, and every way opening can fail.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use ieops::domain::action::{ArrivalAction, DriveAction, JobAction};
use ieops::domain::arrival::{Outcome, Package as ArrivalPackage, decide_arrival, process_arrival};
use ieops::domain::create::create_job;
use ieops::domain::field::{Field, FieldSet};
use ieops::domain::model::{Address, Contact, CopyMessage, Package, ReturnShipping};
use ieops::domain::state::{ContactVia, ReturnProblem, Severity};
use ieops::domain::sweep::sweep_job;
use ieops::domain::{
    Arrival, ArrivalStatus, Change, Ctx, Drive, DriveState, Event, Job, JobState, JobType, Request, Rule,
    Timestamp, decide,
};
use ieops::store::{Access, DriveFilter, JobFilter, Store, StoreError};
use tempfile::TempDir;

// ------------------------------------------------------------------ helpers

fn at(text: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn t0() -> Timestamp {
    at("2026-03-01T09:00:00Z")
}

fn ctx(operator: &str, now: Timestamp) -> Ctx<'_> {
    Ctx { operator, now, note: None }
}

fn fields(pairs: &[(&str, &str)]) -> Vec<FieldSet> {
    pairs.iter().map(|(path, value)| Field::parse(path).unwrap().validate(value).unwrap()).collect()
}

/// What J4 needs to move a job to Shipping.
fn shipping_fields() -> Vec<FieldSet> {
    fields(&[
        ("deliveryPackage.carrierName", "DHL"),
        ("deliveryPackage.trackingNumber", "TRK-1"),
        ("returnAddress.recipientName", "Ana Ops"),
        ("returnAddress.streetAddress1", "1 Quay"),
        ("returnAddress.city", "Dublin"),
        ("returnAddress.postalCode", "D01"),
        ("returnAddress.countryOrRegion", "IE"),
        ("returnAddress.phone", "+353 1 555 0100"),
    ])
}

fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("ieops.db")
}

fn new_store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&db_path(&dir), Access::ReadWrite).unwrap();
    (dir, store)
}

/// Creates an import job through the rules (J1) and returns it as stored.
fn create(store: &mut Store, name: &str, drives: &[&str], now: Timestamp) -> Job {
    let ids: Vec<String> = drives.iter().map(|d| d.to_string()).collect();
    let change = create_job(name, JobType::Import, &ids, &[], &ctx("ana", now)).unwrap();
    store.write(|w| w.insert_job(&change.job, &change.events)).unwrap();
    store.job(name).unwrap().unwrap()
}

fn apply(store: &mut Store, change: &Change) -> Result<(), StoreError> {
    store.write(|w| w.apply(change))
}

fn decide_job(job: &Job, action: JobAction, operator: &str, now: Timestamp) -> Change {
    decide(job, &Request::Job(action), &ctx(operator, now)).unwrap()
}

fn decide_drive(job: &Job, drive_id: &str, action: DriveAction, operator: &str, now: Timestamp) -> Change {
    let request = Request::Drive { drive_id: drive_id.to_string(), action };
    decide(job, &request, &ctx(operator, now)).unwrap()
}

/// Creates a job and moves it to Shipping (J4).
fn shipping_job(store: &mut Store, name: &str, drives: &[&str], now: Timestamp) -> Job {
    let job = create(store, name, drives, now);
    apply(store, &decide_job(&job, JobAction::Ship(shipping_fields()), "ana", now)).unwrap();
    store.job(name).unwrap().unwrap()
}

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A job with every field set to a distinct value, and two drives likewise.
fn full_job() -> Job {
    let mut job = Job::new("full-job.1", JobType::Export, at("2026-01-02T03:04:05Z"));
    job.state = JobState::Faulted;
    job.faulted_from = Some(JobState::Transferring);
    job.fault_reason = Some("copy stalled".into());
    job.state_since = at("2026-01-10T00:00:01Z");
    job.creating_clock_from = at("2026-01-03T00:00:02Z");
    job.shipping_since = Some(at("2026-01-04T00:00:03Z"));
    job.wait_until = Some(at("2026-01-18T00:00:04Z"));
    job.notified_at = Some(at("2026-01-19T00:00:05Z"));
    job.last_contact =
        Some(Contact { at: at("2026-01-20T00:00:06Z"), via: ContactVia::Phone, reached: false });
    job.unreachable_since = Some(at("2026-01-21T00:00:07Z"));
    job.cancel_requested = true;
    job.ever_faulted = true;
    job.return_address_invalid = true;
    job.return_problem = Some(ReturnProblem::Damaged);
    job.storage_account_id = Some("acct-7".into());
    job.log_level = Some("Verbose".into());
    job.diagnostics_path = Some("diag/".into());
    job.customer_note = Some("fragile; « ünïcode »".into());
    job.delivery_package = Package {
        carrier_name: Some("UPS".into()),
        tracking_number: Some("1Z999".into()),
        drive_count: Some(2),
        ship_date: Some(at("2026-01-05T10:00:00Z")),
    };
    job.return_address = Address {
        recipient_name: Some("Bo".into()),
        street_address1: Some("2 Main St".into()),
        street_address2: Some("Unit 3".into()),
        city: Some("Cork".into()),
        state_or_province: Some("Munster".into()),
        postal_code: Some("T12".into()),
        country_or_region: Some("IE".into()),
        phone: Some("+353 21 555".into()),
        email: Some("bo@example.com".into()),
    };
    job.return_shipping =
        ReturnShipping { carrier_name: Some("FedEx".into()), carrier_account_number: Some("FX-42".into()) };
    job.return_package = Package {
        carrier_name: Some("FedEx".into()),
        tracking_number: Some("FX-RET".into()),
        drive_count: Some(1),
        ship_date: Some(at("2026-02-01T12:00:00Z")),
    };
    job.archived_at = None;
    job.version = 0;
    let mut d1 = Drive::new("SER-1", DriveState::Faulted, at("2026-01-11T00:00:00Z"));
    d1.faulted_from = Some(DriveState::Transferring);
    d1.fault_reason = Some("bad sector".into());
    d1.extra = false;
    d1.percent_complete = 42;
    d1.bytes_succeeded = 5_000_000_000_000;
    d1.copy_status = Some("InProgress".into());
    d1.messages = vec![
        CopyMessage { severity: Severity::Error, text: "blob x failed".into() },
        CopyMessage { severity: Severity::Info, text: "blob y overwritten".into() },
    ];
    d1.manifest_file = Some("manifest.xml".into());
    d1.manifest_hash = Some("ABC123".into());
    d1.drive_header_hash = Some("DEF456".into());
    d1.bit_locker_key = Some("111111-222222".into());
    d1.error_log_uri = Some("https://logs/err".into());
    d1.verbose_log_uri = Some("https://logs/verbose".into());
    d1.destroyed_at = Some(at("2026-02-02T00:00:00Z"));
    let mut d2 = Drive::new("SER-2", DriveState::Received, at("2026-01-12T00:00:00Z"));
    d2.extra = true;
    job.drives = vec![d1, d2];
    job
}

fn event(job_or_drive: Option<&str>, action: &str, now: Timestamp) -> Event {
    Event {
        at: now,
        operator: "ana".into(),
        drive_id: job_or_drive.map(str::to_string),
        action: action.into(),
        from_state: "-".into(),
        to_state: "Creating".into(),
        rule: Rule::J1,
        detail: Some("detail".into()),
        note: Some("a note".into()),
    }
}

// ------------------------------------------------------------- round trips

#[test]
fn a_job_with_every_field_set_reads_back_equal() {
    let (_dir, mut store) = new_store();
    let job = full_job();
    let id = store.write(|w| w.insert_job(&job, &[event(None, "create", t0())])).unwrap();
    let mut expected = job.clone();
    expected.id = Some(id);
    assert_eq!(store.job("full-job.1").unwrap(), Some(expected.clone()));
    assert_eq!(store.job_by_id(id).unwrap(), Some(expected.clone()));
    let listed = store.jobs(&JobFilter::default()).unwrap();
    assert_eq!(listed, vec![expected.clone()]);
    let in_tx = store.write(|w| w.job("full-job.1")).unwrap();
    assert_eq!(in_tx, Some(expected));
}

#[test]
fn decided_changes_are_stored_with_their_events_and_versions() {
    let (_dir, mut store) = new_store();
    let job = shipping_job(&mut store, "imp-1", &["D1", "D2"], t0());
    assert_eq!(job.state, JobState::Shipping);
    assert_eq!(job.version, 1);
    assert_eq!(job.wait_until, Some(t0() + Duration::days(14)));

    let later = t0() + Duration::days(2);
    let change = decide_drive(&job, "D1", DriveAction::Receive, "bo", later);
    apply(&mut store, &change).unwrap();
    let stored = store.job("imp-1").unwrap().unwrap();
    let mut expected = change.job.clone();
    expected.version = 2;
    expected.drive_mut("D1").unwrap().version = 1;
    assert_eq!(stored, expected, "the stored job is the decided one, versions bumped");
    assert_eq!(stored.drive("D2").unwrap().version, 0, "an unchanged drive keeps its version");

    let history = store.history(stored.id.unwrap()).unwrap();
    let actions: Vec<(&str, Option<&str>, &str)> =
        history.iter().map(|e| (e.action.as_str(), e.drive_id.as_deref(), e.rule.as_str())).collect();
    assert_eq!(actions, vec![("create", None, "J1"), ("ship", None, "J4"), ("receive", Some("D1"), "D2")]);
    assert_eq!(history[2].operator, "bo");
    assert_eq!(history[2].at, later);
    assert_eq!(history[2].job_name.as_deref(), Some("imp-1"));
    assert_eq!(store.event_count().unwrap(), 3);
    let recent = store.recent_events(2).unwrap();
    assert_eq!(recent.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["receive", "ship"]);
}

#[test]
fn an_active_name_cannot_be_taken_twice() {
    let (_dir, mut store) = new_store();
    create(&mut store, "dup", &["D1"], t0());
    let again = create_job("dup", JobType::Import, &["D9".into()], &[], &ctx("bo", t0())).unwrap();
    let err = store.write(|w| w.insert_job(&again.job, &again.events)).unwrap_err();
    assert!(matches!(&err, StoreError::NameTaken { name } if name == "dup"), "{err}");
    assert_eq!(store.event_count().unwrap(), 1, "nothing of the refused job was written");
}

#[test]
fn a_time_that_cannot_be_stored_is_refused_before_writing() {
    let (_dir, mut store) = new_store();
    let mut job = Job::new("far-future", JobType::Export, t0());
    job.delivery_package.ship_date = Some(t0() + Duration::days(366 * 8000));
    let err = store.write(|w| w.insert_job(&job, &[event(None, "create", t0())])).unwrap_err();
    assert!(err.to_string().contains("outside the years 0 to 9999; nothing was written"), "{err}");
    assert_eq!(store.job("far-future").unwrap(), None);
    assert_eq!(store.event_count().unwrap(), 0);
}

// ------------------------------------------------------------------- S6, S7

#[test]
fn s7_stale_change_is_refused_and_names_who_changed_it() {
    let (_dir, mut store) = new_store();
    create(&mut store, "shared", &["D1"], t0());
    // Two operators read the same job…
    let seen_by_ana = store.job("shared").unwrap().unwrap();
    let seen_by_bo = store.job("shared").unwrap().unwrap();
    // …ana acts first…
    let when = t0() + Duration::hours(1);
    apply(&mut store, &decide_job(&seen_by_ana, JobAction::Ship(shipping_fields()), "ana", when)).unwrap();
    let after_ana = store.job("shared").unwrap().unwrap();
    let events = store.event_count().unwrap();
    // …so bo's decision, made on what he read, is refused.
    let late = decide_job(&seen_by_bo, JobAction::Cancel, "bo", when + Duration::minutes(5));
    let err = apply(&mut store, &late).unwrap_err();
    match &err {
        StoreError::Stale { what, by, at, action } => {
            assert_eq!(what, "job shared");
            assert_eq!(by, "ana");
            assert_eq!(action, "ship");
            assert_eq!(at, "2026-03-01 10:00:00 UTC");
        }
        other => panic!("expected Stale, got {other:?}"),
    }
    assert!(err.to_string().contains("ana ran ship at 2026-03-01 10:00:00 UTC"), "{err}");
    assert_eq!(store.job("shared").unwrap().unwrap(), after_ana, "nothing was overwritten");
    assert_eq!(store.event_count().unwrap(), events, "no event was appended");
}

#[test]
fn s7_a_change_written_over_the_job_it_was_decided_on_is_refused_once_that_job_changed() {
    let (_dir, mut store) = new_store();
    create(&mut store, "swept", &["D1", "D2"], t0());
    let read = store.job("swept").unwrap().unwrap();
    // Allowed: written over the job as read, only what changed is stored.
    let when = t0() + Duration::hours(1);
    let shipped = decide_job(&read, JobAction::Ship(shipping_fields()), "ana", when);
    store.write(|w| w.apply_over(&read, &shipped)).unwrap();
    let stored = store.job("swept").unwrap().unwrap();
    assert_eq!(stored.state, JobState::Shipping);
    assert_eq!(stored.version, read.version + 1);
    assert_eq!(Job { version: read.version, ..stored.clone() }, shipped.job, "stored as decided");

    // Refused: the same read again, after ana's change (S7); nothing written.
    let events = store.event_count().unwrap();
    let late = decide_job(&read, JobAction::Cancel, "bo", when + Duration::minutes(5));
    let err = store.write(|w| w.apply_over(&read, &late)).unwrap_err();
    assert!(matches!(&err, StoreError::Stale { by, action, .. } if by == "ana" && action == "ship"), "{err}");
    assert_eq!(store.job("swept").unwrap().unwrap(), stored);
    assert_eq!(store.event_count().unwrap(), events);

    // Refused: a `before` that is not the job the change was decided on.
    let current = decide_job(&stored, JobAction::Cancel, "bo", when + Duration::minutes(6));
    let err = store.write(|w| w.apply_over(&read, &current)).unwrap_err();
    assert!(matches!(err, StoreError::Stale { .. }), "{err}");
    assert_eq!(store.job("swept").unwrap().unwrap(), stored);
}

#[test]
fn s7_stale_arrival_change_is_refused() {
    let (_dir, mut store) = new_store();
    let arrival = held_arrival(&mut store, Some("nobody-job"));
    let (first, event) = decide_arrival(&arrival, &contact(true), &ctx("ana", t0())).unwrap();
    store.write(|w| w.apply_arrival(&first, &[event])).unwrap();
    let (second, event) = decide_arrival(&arrival, &contact(false), &ctx("bo", t0())).unwrap();
    let err = store.write(|w| w.apply_arrival(&second, &[event])).unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale { by, action, .. } if by == "ana" && action == "contact"),
        "{err}"
    );
    let stored = store.arrival(arrival.id.unwrap()).unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.last_contact.map(|c| c.reached), Some(true));
}

#[test]
fn s6_change_and_audit_events_commit_together_or_not_at_all() {
    let (_dir, mut store) = new_store();
    let job = create(&mut store, "atomic", &["D1"], t0());
    let change = decide_job(&job, JobAction::Ship(shipping_fields()), "ana", t0());
    let result: Result<(), StoreError> = store.write(|w| {
        w.apply(&change)?;
        // Inside the transaction the change is visible…
        assert_eq!(w.job("atomic")?.unwrap().state, JobState::Shipping);
        // …but an error afterwards undoes all of it.
        Err(StoreError::NotFound { what: "something later".into() })
    });
    assert!(matches!(result, Err(StoreError::NotFound { .. })));
    assert_eq!(store.job("atomic").unwrap().unwrap(), job, "the job is as before");
    assert_eq!(store.event_count().unwrap(), 1, "only the create event");
    // The same change still applies: nothing half-written is in its way.
    apply(&mut store, &change).unwrap();
    assert_eq!(store.event_count().unwrap(), 2);
}

#[test]
fn s6_audit_log_rejects_update_and_delete() {
    let (dir, mut store) = new_store();
    create(&mut store, "audited", &["D1"], t0());
    let raw = rusqlite::Connection::open(db_path(&dir)).unwrap();
    for sql in ["UPDATE audit SET note = 'rewritten'", "DELETE FROM audit"] {
        let err = raw.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("the audit log is append-only (S6)"), "{sql}: {err}");
    }
    assert_eq!(store.event_count().unwrap(), 1);
    assert_eq!(store.recent_events(1).unwrap()[0].note, None);
}

// ---------------------------------------------------------------------- S2

#[test]
fn s2_archived_job_leaves_active_lists_but_keeps_history() {
    let (_dir, mut store) = new_store();
    let job = create(&mut store, "old", &["D1"], t0());
    // J2: C1 passes, the sweep archives the job.
    let swept_at = t0() + Duration::days(15);
    let change = sweep_job(&job, swept_at).unwrap();
    assert_eq!(change.job.archived_at, Some(swept_at));
    apply(&mut store, &change).unwrap();

    assert!(store.jobs(&JobFilter::default()).unwrap().is_empty());
    assert!(store.drives(&DriveFilter::default()).unwrap().is_empty());
    assert_eq!(store.counts().unwrap().jobs, vec![]);
    assert_eq!(store.counts().unwrap().drives, vec![], "its drives are not counted as active");
    let archived = store.jobs(&JobFilter { archived: true, ..JobFilter::default() }).unwrap();
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].archived_at, Some(swept_at));
    assert_eq!(archived[0].drives.len(), 1, "its drives are kept");
    let history = store.history(job.id.unwrap()).unwrap();
    assert_eq!(history.iter().map(|e| e.rule.as_str()).collect::<Vec<_>>(), ["J1", "J2"]);

    // The name is free again; a lookup finds the active job before the archived one.
    let newer = create(&mut store, "old", &["D2"], swept_at);
    assert_ne!(newer.id, job.id);
    assert_eq!(store.job("old").unwrap().unwrap().id, newer.id);
    assert_eq!(store.job_by_id(job.id.unwrap()).unwrap().unwrap().archived_at, Some(swept_at));
}

// ----------------------------------------------------------------- listings

#[test]
fn listings_filter_and_order_jobs_and_drives() {
    let (_dir, mut store) = new_store();
    let late = shipping_job(&mut store, "b-late", &["B1", "B2"], t0());
    shipping_job(&mut store, "c-recent", &["C1"], t0() + Duration::days(10));
    create(&mut store, "a-new", &["A1"], t0());
    let deadline = late.wait_until.unwrap();

    let names = |jobs: Vec<Job>| jobs.into_iter().map(|j| j.name).collect::<Vec<_>>();
    assert_eq!(names(store.jobs(&JobFilter::default()).unwrap()), ["a-new", "b-late", "c-recent"]);
    let shipping = JobFilter { state: Some(JobState::Shipping), ..JobFilter::default() };
    assert_eq!(names(store.jobs(&shipping).unwrap()), ["b-late", "c-recent"]);
    // J5: overdue from the deadline itself on.
    let overdue = |t| JobFilter { overdue_at: Some(t), ..JobFilter::default() };
    assert_eq!(names(store.jobs(&overdue(deadline)).unwrap()), ["b-late"]);
    assert!(store.jobs(&overdue(deadline - Duration::seconds(1))).unwrap().is_empty());
    let listed = store.jobs(&overdue(deadline)).unwrap();
    let drive_ids: Vec<&str> = listed[0].drives.iter().map(|d| d.drive_id.as_str()).collect();
    assert_eq!(drive_ids, ["B1", "B2"], "drives come with the job, in the order listed");

    let all = store.drives(&DriveFilter::default()).unwrap();
    let pairs: Vec<(&str, &str)> = all.iter().map(|(j, d)| (j.as_str(), d.drive_id.as_str())).collect();
    assert_eq!(pairs, [("a-new", "A1"), ("b-late", "B1"), ("b-late", "B2"), ("c-recent", "C1")]);
    let of_b = DriveFilter { job_name: Some("b-late".into()), ..DriveFilter::default() };
    assert_eq!(store.drives(&of_b).unwrap().len(), 2);

    apply(&mut store, &decide_drive(&late, "B1", DriveAction::Receive, "bo", t0() + Duration::days(1)))
        .unwrap();
    let received = DriveFilter { state: Some(DriveState::Received), ..DriveFilter::default() };
    assert_eq!(store.drives(&received).unwrap().len(), 1);

    let counts = store.counts().unwrap();
    assert_eq!(counts.jobs, vec![(JobState::Creating, 1), (JobState::Shipping, 2)]);
    assert_eq!(counts.drives, vec![(DriveState::Specified, 3), (DriveState::Received, 1)]);
}

#[test]
fn a_package_finds_the_job_still_expecting_its_drives() {
    let (_dir, mut store) = new_store();
    let job = shipping_job(&mut store, "expecting", &["X1", "X2"], t0());
    create(&mut store, "other", &["Y1"], t0());
    let found = store.job_for_drives(&["nope".into(), "X2".into()]).unwrap();
    assert_eq!(found.map(|j| j.name), Some("expecting".into()));
    assert_eq!(store.job_for_drives(&["nope".into()]).unwrap(), None);
    assert_eq!(store.job_for_drives(&[]).unwrap(), None);
    // Once received, the drive is no longer expected.
    apply(&mut store, &decide_drive(&job, "X2", DriveAction::Receive, "bo", t0())).unwrap();
    assert_eq!(store.job_for_drives(&["X2".into()]).unwrap(), None);
}

fn contact(reached: bool) -> ArrivalAction {
    ArrivalAction::Contact { via: ContactVia::Email, reached }
}

/// Records an E1 arrival for a job that is not Shipping (or does not exist).
fn held_arrival(store: &mut Store, job_name: Option<&str>) -> Arrival {
    let job = job_name.and_then(|name| store.job(name).unwrap());
    let package = ArrivalPackage {
        carrier_name: "DHL".into(),
        tracking_number: "PKG-9".into(),
        drive_ids: vec!["H1".into(), "H2".into()],
        job_name: job_name.map(str::to_string),
    };
    let Outcome::Held { arrival, event } =
        process_arrival(job.as_ref(), &package, &ctx("ana", t0())).unwrap()
    else {
        panic!("expected the drives to be held")
    };
    let id = store.write(|w| w.insert_arrival(&arrival, &[event])).unwrap();
    store.arrival(id).unwrap().unwrap()
}

#[test]
fn arrivals_round_trip_and_are_filed_under_their_job() {
    let (_dir, mut store) = new_store();
    let job = create(&mut store, "early", &["H1", "H2"], t0());
    let arrival = held_arrival(&mut store, Some("early"));
    assert_eq!(arrival.status, ArrivalStatus::Held);
    assert_eq!(arrival.drive_ids, ["H1", "H2"]);
    assert_eq!(arrival.job_name.as_deref(), Some("early"));
    let id = arrival.id.unwrap();

    let (next, event) = decide_arrival(&arrival, &contact(false), &ctx("bo", t0())).unwrap();
    store.write(|w| w.apply_arrival(&next, &[event])).unwrap();
    let stored = store.arrival(id).unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.unreachable_since, Some(t0()));
    assert_eq!(stored.last_contact, Some(Contact { at: t0(), via: ContactVia::Email, reached: false }));

    assert_eq!(store.arrivals(true).unwrap().len(), 1);
    assert_eq!(store.arrival_history(id).unwrap().len(), 2);
    // The job's history shows what happened to its early drives.
    let history = store.history(job.id.unwrap()).unwrap();
    let rules: Vec<(&str, Option<i64>)> = history.iter().map(|e| (e.rule.as_str(), e.arrival_id)).collect();
    assert_eq!(rules, [("J1", None), ("E1", Some(id)), ("E1", Some(id))]);
    assert_eq!(store.arrival(id + 1).unwrap(), None);
}

#[test]
fn a_value_changed_outside_ieops_is_reported_not_panicked_on() {
    let (dir, mut store) = new_store();
    create(&mut store, "tampered", &["D1"], t0());
    let raw = rusqlite::Connection::open(db_path(&dir)).unwrap();
    raw.execute("UPDATE jobs SET state_since = 'yesterday'", []).unwrap();
    raw.execute("UPDATE drives SET messages = 'not json'", []).unwrap();
    let err = store.job("tampered").unwrap_err();
    match &err {
        StoreError::Corrupt { what } => {
            assert!(what.contains("state_since") && what.contains("'yesterday'"), "{what}")
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    raw.execute("UPDATE jobs SET state_since = '2026-03-01T09:00:00Z'", []).unwrap();
    let err = store.jobs(&JobFilter::default()).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { what } if what.contains("messages")), "{err}");
}

#[test]
fn another_connections_commit_changes_the_data_version() {
    let (dir, mut writer) = new_store();
    let mut reader = Store::open(&db_path(&dir), Access::ReadOnly).unwrap();
    let before = reader.data_version().unwrap();
    create(&mut writer, "seen", &["D1"], t0());
    assert_ne!(reader.data_version().unwrap(), before);
    assert!(reader.job("seen").unwrap().is_some());
}

// ---------------------------------------------------------------- read-only

#[test]
fn read_only_store_refuses_writes_and_leaves_the_file_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    {
        let mut store = Store::open(&path, Access::ReadWrite).unwrap();
        create(&mut store, "kept", &["D1"], t0());
    }
    let before = fs::read(&path).unwrap();
    // As an operator who may only read it: the file 0444 in a directory 0555.
    // (Root is not stopped by modes; run this test binary as another user to
    // exercise SQLite's read-only WAL path for real.)
    chmod(&path, 0o444);
    chmod(dir.path(), 0o555);
    let result = std::panic::catch_unwind(|| {
        let mut store = Store::open(&path, Access::ReadOnly).unwrap();
        assert!(store.is_read_only());
        assert_eq!(store.job("kept").unwrap().unwrap().drives.len(), 1);
        store.data_version().unwrap();
        let job = store.job("kept").unwrap().unwrap();
        let change = decide_job(&job, JobAction::Cancel, "ana", t0());
        let err = store.write(|w| w.apply(&change)).unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly), "{err}");
        assert_eq!(err.to_string(), "the database is open read-only (--read-only): nothing was written");
    });
    chmod(dir.path(), 0o755);
    result.unwrap();
    assert!(fs::read(&path).unwrap() == before, "the database file is byte-for-byte the same");
}

#[test]
fn read_only_never_reads_around_changes_left_in_the_wal() {
    let writable = TempDir::new().unwrap();
    let copy = TempDir::new().unwrap();
    let path = copy.path().join("ieops.db");
    {
        let mut store = Store::open(&db_path(&writable), Access::ReadWrite).unwrap();
        create(&mut store, "in-wal", &["D1"], t0());
        // While the writer is open, its last commit is only in the -wal file.
        fs::copy(db_path(&writable), &path).unwrap();
        fs::copy(writable.path().join("ieops.db-wal"), copy.path().join("ieops.db-wal")).unwrap();
    }
    chmod(copy.path(), 0o555);
    let privileged = fs::File::create(copy.path().join("probe")).is_ok();
    let _ = fs::remove_file(copy.path().join("probe"));
    let opened = Store::open(&path, Access::ReadOnly);
    chmod(copy.path(), 0o755);
    if privileged {
        // SQLite can create the -shm and replays the -wal.
        assert!(opened.unwrap().job("in-wal").unwrap().is_some());
    } else {
        // Reading the main file alone would silently miss that commit.
        let err = opened.err().unwrap();
        assert!(err.to_string().contains("its -wal holds changes"), "{err}");
    }
}

// ------------------------------------------------------------------- opening

#[test]
fn a_new_database_file_is_private() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    drop(Store::open(&path, Access::ReadWrite).unwrap());
    assert_eq!(mode_of(&path), 0o600);
}

#[test]
fn opening_a_directory_is_refused() {
    let dir = TempDir::new().unwrap();
    for access in [Access::ReadWrite, Access::ReadOnly] {
        let err = Store::open(dir.path(), access).err().unwrap();
        assert!(matches!(&err, StoreError::IsDirectory { path } if path == dir.path()), "{err}");
    }
}

#[test]
fn a_missing_directory_is_not_created() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no-such-dir");
    let err = Store::open(&missing.join("ieops.db"), Access::ReadWrite).err().unwrap();
    assert!(matches!(&err, StoreError::MissingDirectory { path } if *path == missing), "{err}");
    assert_eq!(
        err.to_string(),
        format!("directory {} does not exist: create it or choose another --db", missing.display())
    );
    assert!(!missing.exists());
}

#[test]
fn read_only_needs_an_initialised_file() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    let err = Store::open(&path, Access::ReadOnly).err().unwrap();
    assert!(matches!(&err, StoreError::Missing { .. }), "{err}");
    assert!(!path.exists(), "read-only never creates the file");
    fs::write(&path, b"").unwrap();
    let err = Store::open(&path, Access::ReadOnly).err().unwrap();
    // Issue 14: an empty file is said to be empty, not an old schema.
    assert!(matches!(err, StoreError::Empty { .. }), "{err}");
}

#[test]
fn a_text_file_is_not_a_database() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes.txt");
    let text = "these are not the pages you are looking for\n".repeat(100);
    fs::write(&path, &text).unwrap();
    for access in [Access::ReadWrite, Access::ReadOnly] {
        let err = Store::open(&path, access).err().unwrap();
        assert!(matches!(&err, StoreError::NotADatabase { path: p } if *p == path), "{err}");
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), text, "the file was not touched");
}

#[test]
fn a_truncated_database_is_refused_at_open() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    {
        let mut store = Store::open(&path, Access::ReadWrite).unwrap();
        for i in 0..200 {
            create(&mut store, &format!("job-{i:03}"), &["D1", "D2", "D3"], t0());
        }
    }
    let full = fs::read(&path).unwrap();
    fs::write(&path, &full[..full.len() / 2]).unwrap();
    for access in [Access::ReadOnly, Access::ReadWrite] {
        let err = Store::open(&path, access).err().unwrap();
        assert!(matches!(&err, StoreError::NotADatabase { .. }), "{access:?}: {err}");
    }
}

#[test]
fn a_foreign_sqlite_file_is_left_alone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let before = fs::read(&path).unwrap();
    let err = Store::open(&path, Access::ReadWrite).err().unwrap();
    assert!(matches!(&err, StoreError::Foreign { .. }), "{err}");
    assert!(fs::read(&path).unwrap() == before);
}

/// Issue 14: another application's SQLite file — even one with tables named
/// `jobs` and `drives` and a schema version ieops has used — is refused
/// before anything is written or its journal mode is changed, naming what was
/// found; an ieops file made before files were marked still opens and is
/// marked.
#[test]
fn the_foreign_file_matrix_is_left_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    for version in [0, 1, 2, 3, 4, 5, 6, 7, 8, 999] {
        for application_id in [0, 0x1234_5678] {
            let path = dir.path().join(format!("other-{version}-{application_id}.sqlite"));
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(&format!(
                "CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT);
                 CREATE TABLE drives (job_id INTEGER, drive_id TEXT);
                 PRAGMA user_version = {version}; PRAGMA application_id = {application_id};"
            ))
            .unwrap();
            drop(conn);
            let before = fs::read(&path).unwrap();
            for access in [Access::ReadWrite, Access::ReadOnly] {
                let err = Store::open(&path, access)
                    .err()
                    .unwrap_or_else(|| panic!("{version}/{application_id} opened"));
                assert!(matches!(&err, StoreError::Foreign { .. }), "{version}/{application_id}: {err}");
                assert!(err.to_string().contains("tables drives, jobs"), "{err}");
            }
            assert!(fs::read(&path).unwrap() == before, "{version}/{application_id} was modified");
            let mut wal = path.clone().into_os_string();
            wal.push("-wal");
            assert!(!std::path::Path::new(&wal).exists(), "no WAL was started");
        }
    }

    // An ieops file from before the mark: opened, migrated, marked.
    let path = db_path(&dir);
    drop(Store::open(&path, Access::ReadWrite).unwrap());
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA application_id = 0").unwrap();
    drop(Store::open(&path, Access::ReadWrite).expect("an older ieops file opens"));
    let id: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 0x4945_4F50, "marked as an ieops database");
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    drop(Store::open(&path, Access::ReadWrite).unwrap());
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let before = fs::read(&path).unwrap();
    for access in [Access::ReadWrite, Access::ReadOnly] {
        let err = Store::open(&path, access).err().unwrap();
        let latest = ieops::store::schema_version();
        assert!(
            matches!(&err, StoreError::TooNew { found: 99, supported, .. } if *supported == latest),
            "{err}"
        );
        assert!(err.to_string().contains(&format!(
            "schema version 99 is newer than this ieops supports ({latest}); upgrade ieops"
        )));
    }
    assert!(fs::read(&path).unwrap() == before, "the newer file was not touched");
}

#[test]
fn reopening_keeps_everything() {
    let dir = TempDir::new().unwrap();
    let path = db_path(&dir);
    let job = {
        let mut store = Store::open(&path, Access::ReadWrite).unwrap();
        shipping_job(&mut store, "durable", &["D1"], t0())
    };
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(store.job("durable").unwrap(), Some(job));
    assert_eq!(store.event_count().unwrap(), 2);
    let in_memory = Store::open_in_memory().unwrap();
    assert!(in_memory.jobs(&JobFilter::default()).unwrap().is_empty());
}
