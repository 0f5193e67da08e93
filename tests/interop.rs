//! Issue 4: the service's Get Job / List Jobs JSON in and out. Fixtures in
//! tests/fixtures/ are written from the REST field list (api-versions
//! 2016-11-01, 2020-08-01, 2021-01-01), the untidy cases and broken documents;
//! a property test checks that export then import gives back the same jobs.

use chrono::{Duration, TimeZone, Utc};
use ieops::domain::action::Action;
use ieops::domain::attention::job_items;
use ieops::domain::model::Anomaly;
use ieops::domain::state::{DriveState, JobState, JobType};
use ieops::domain::{Ctx, Job, Request, Rule, TargetKind, Timestamp, decide, valid_actions};
use ieops::interop::{ImportError, ImportReport, Secrets, import_documents, job_response, list_response};
use ieops::store::{JobFilter, Store};
use proptest::prelude::*;

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn import_text(store: &mut Store, source: &str, text: &str, now: Timestamp) -> ImportReport {
    import_documents(store, source, text, "amara", now).unwrap_or_else(|e| panic!("{source}: {e}"))
}

fn import_fixture(store: &mut Store, name: &str) -> ImportReport {
    import_text(store, name, &fixture(name), t0())
}

fn job(store: &Store, name: &str) -> Job {
    store.job(name).unwrap().unwrap_or_else(|| panic!("no job {name}"))
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

// ------------------------------------------------------------------ fixtures

#[test]
fn s6_a_full_import_job_maps_every_field_and_is_recorded_as_operator_import() {
    let mut db = store();
    let report = import_fixture(&mut db, "import_full.json");
    assert_eq!(report.created, ["contoso-archive-2026"]);
    let j = job(&db, "contoso-archive-2026");
    assert_eq!(
        j.resource_id.as_deref(),
        Some(
            "/subscriptions/6f2b1a77-2c3e-4d4f-9a0b-1c2d3e4f5a6b/resourceGroups/ops-rg/providers/Microsoft.ImportExport/jobs/contoso-archive-2026"
        )
    );
    assert_eq!(j.resource_type, s("Microsoft.ImportExport/jobs"));
    assert_eq!(j.location, s("West Europe"));
    assert_eq!(j.tags, Some(serde_json::json!({"costCenter": "4711", "owner": "records-team"})));
    let sd = j.system_data.clone().unwrap();
    assert_eq!(sd.created_by, s("ada@contoso.com"));
    assert_eq!(sd.created_at, s("2026-10-30T08:15:02.1075056Z"), "kept as the service wrote it");
    assert_eq!(sd.last_modified_by_type, s("User"));
    let id = j.identity.clone().unwrap();
    assert_eq!(id.identity_type, s("SystemAssigned"));
    assert_eq!(id.tenant_id, s("72f988bf-86f1-41af-91ab-2d7cd011db47"));
    assert_eq!(j.job_type, JobType::Import);
    assert_eq!((j.state, j.unknown_state.clone()), (JobState::Transferring, None));
    assert!(!j.cancel_requested);
    assert_eq!(j.reported_percent_complete, Some(62));
    assert_eq!(j.provisioning_state, s("Succeeded"));
    assert_eq!(
        j.incomplete_blob_list_uri,
        s("https://contosoarchive.blob.core.windows.net/waimportexport/incomplete.txt")
    );
    assert_eq!(j.log_level, s("Verbose"));
    assert_eq!(j.diagnostics_path, s("waimportexport"));
    assert_eq!(j.backup_drive_manifest, Some(true));
    assert_eq!(j.return_address.recipient_name, s("Ada Lovelace"));
    assert_eq!(j.return_address.street_address2, s("Floor 3"));
    assert_eq!(j.return_address.state_or_province, s("Greater London"));
    assert_eq!(j.return_address.email, s("ada@contoso.com"));
    assert_eq!(j.return_shipping.carrier_account_number, s("965432109"));
    let si = j.shipping_information.clone().unwrap();
    assert_eq!(si.city, s("Dublin"));
    assert_eq!(si.additional_information, s("Write the job name on the package."));
    assert_eq!(j.delivery_package.tracking_number, s("JD014600003828497210"));
    assert_eq!(j.delivery_package.drive_count, Some(2));
    assert_eq!(j.delivery_package.ship_date, Some(Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).unwrap()));
    assert_eq!(j.return_package.tracking_number, s("JD014600003828497999"));
    assert_eq!(j.encryption_key.clone().unwrap().kek_type, s("MicrosoftManaged"));
    assert_eq!(j.drives.len(), 2);
    let d = &j.drives[0];
    assert_eq!(d.drive_id, "WD-WX21DKNBELMG");
    assert_eq!(d.state, DriveState::Completed);
    assert_eq!(d.bit_locker_key, s("238810-662376-448998-450120-652806-203390-606320-483076"));
    assert_eq!(d.manifest_file, s("\\DriveManifest.xml"));
    assert_eq!(d.manifest_hash, s("109B21108597EF36D5785F08303F3638"));
    assert!(d.drive_header_hash.as_deref().is_some_and(|h| h.starts_with("0:1048576:FB6B")));
    assert_eq!(d.copy_status, s("Completed"));
    assert_eq!(d.percent_complete, 100);
    assert_eq!(d.bytes_succeeded, 2_000_398_934_016);
    assert!(d.verbose_log_uri.as_deref().is_some_and(|u| u.ends_with("_verbose.xml")));
    assert!(d.error_log_uri.as_deref().is_some_and(|u| u.ends_with("_error.xml")));
    assert!(d.manifest_uri.as_deref().is_some_and(|u| u.ends_with("_manifest.xml")));
    let d2 = &j.drives[1];
    assert_eq!((d2.state, d2.percent_complete), (DriveState::Transferring, 24));
    assert_eq!(d2.drive_header_hash, None, "an empty string is an unset field");
    assert_eq!(d2.verbose_log_uri, None);
    // S6: one event, as operator import, with the human operator in the note.
    let events = db.history(j.id.unwrap()).unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!((e.operator.as_str(), e.action.as_str(), e.rule.as_str()), ("import", "import", "S6"));
    assert_eq!((e.from_state.as_str(), e.to_state.as_str()), ("-", "Transferring"));
    assert_eq!(e.note.as_deref(), Some("imported by amara from import_full.json"));
    // The secret is stored, and never in the default JSON or in the audit log.
    let shown = serde_json::to_string(&j).unwrap();
    assert!(!shown.contains("bitLocker") && !shown.contains("238810"), "{shown}");
    assert!(!format!("{:?}", events).contains("238810"));
}

#[test]
fn d1_an_export_job_keeps_its_blob_list_and_starts_c2_from_the_ship_date() {
    let mut db = store();
    import_fixture(&mut db, "export_blob_list.json");
    let j = job(&db, "fabrikam-restore-2026");
    assert_eq!(j.job_type, JobType::Export);
    assert_eq!(j.state, JobState::Shipping);
    assert!(j.drives.is_empty());
    let e = j.export.clone().unwrap();
    let list = e.blob_list.unwrap();
    assert_eq!(list.blob_path, ["/media/2026/keynote.mp4", "/media/2026/keynote-captions.vtt"]);
    assert_eq!(list.blob_path_prefix, ["/video/raw/", "/audio/"]);
    assert_eq!(e.blob_list_blob_path, s("exportlists/fabrikam-restore-2026.xml"));
    assert_eq!(j.backup_drive_manifest, Some(false));
    let shipped = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
    assert_eq!(j.shipping_since, Some(shipped));
    assert_eq!(j.wait_until, Some(shipped + Duration::days(14)));
}

#[test]
fn j1_a_list_response_imports_every_job_and_ignores_next_link() {
    let mut db = store();
    let report = import_fixture(&mut db, "list_response.json");
    assert_eq!(report.documents, 3);
    assert_eq!(report.created, ["northwind-backup-1", "northwind-backup-2", "northwind-export-3"]);
    assert_eq!(report.events, 3);
    assert_eq!(job(&db, "northwind-backup-1").state, JobState::Creating);
    let shipping = job(&db, "northwind-backup-2");
    assert_eq!(shipping.state, JobState::Shipping);
    assert_eq!(shipping.drives.iter().map(|d| d.state).collect::<Vec<_>>(), [DriveState::Specified; 2]);
    let done = job(&db, "northwind-export-3");
    assert_eq!((done.job_type, done.state), (JobType::Export, JobState::Completed));
    assert_eq!(done.drives[0].state, DriveState::ShippedBack);
    assert_eq!(done.drives[0].bytes_succeeded, 1_099_511_627_776);
    assert_eq!(done.export.unwrap().blob_list.unwrap().blob_path_prefix, ["/"]);
}

#[test]
fn api_2016_11_01_has_no_identity_system_data_or_encryption_key_and_its_extras_are_ignored() {
    let mut db = store();
    import_fixture(&mut db, "api_2016_11_01.json");
    let j = job(&db, "myJob");
    assert_eq!((j.identity, j.system_data, j.encryption_key), (None, None, None));
    assert_eq!(j.tags, Some(serde_json::json!({})));
    assert_eq!(j.job_type, JobType::Export);
    // The first 2016-11-01 spec's spelling `blobListblobPath`.
    assert_eq!(j.export.unwrap().blob_list_blob_path, s("exportlist/myJob.xml"));
    // The service's US date form.
    assert_eq!(j.delivery_package.ship_date, Some(Utc.with_ymd_and_hms(2017, 9, 29, 22, 28, 35).unwrap()));
    assert_eq!(j.drives[0].bytes_succeeded, 329_853_488_332);
    assert_eq!(j.provisioning_state, s("Succeeded"));
}

#[test]
fn api_2020_08_01_adds_identity_encryption_key_and_system_data() {
    let mut db = store();
    import_fixture(&mut db, "api_2020_08_01.json");
    let j = job(&db, "myJob-2020");
    let id = j.identity.unwrap();
    assert_eq!(id.identity_type, s("SystemAssigned"));
    assert_eq!(id.principal_id, s("3c1f9a2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8"));
    let key = j.encryption_key.unwrap();
    assert_eq!(key.kek_type, s("CustomerManaged"));
    assert_eq!(key.kek_url, s("https://contoso-kv.vault.azure.net/keys/import-kek/6a7b8c9d0e1f"));
    assert!(key.kek_vault_resource_id.unwrap().ends_with("/vaults/contoso-kv"));
    assert_eq!(j.system_data.unwrap().last_modified_at, s("2020-02-04T02:03:01.1974346Z"));
    // The example's id names another job ("test"): the name is the job's, the id is kept.
    assert!(j.resource_id.unwrap().ends_with("/jobs/test"));
    let si = j.shipping_information.unwrap();
    assert_eq!((si.street_address2, si.additional_information), (None, None));
}

#[test]
fn api_2021_01_01_delivery_package_needs_only_carrier_and_tracking() {
    let mut db = store();
    import_fixture(&mut db, "api_2021_01_01.json");
    let j = job(&db, "myJob-2021");
    assert_eq!(j.delivery_package.carrier_name, s("FedEx"));
    assert_eq!((j.delivery_package.drive_count, j.delivery_package.ship_date), (None, None));
    assert_eq!(j.return_package.ship_date, Some(Utc.with_ymd_and_hms(2021, 3, 1, 17, 45, 0).unwrap()));
    assert_eq!(j.system_data.unwrap().created_by_type, s("application"));
    assert_eq!(j.identity.unwrap().identity_type, s("None"));
    assert_eq!((j.state, j.cancel_requested), (JobState::Closed, true));
    assert_eq!(j.tags, Some(serde_json::json!({"Owning-Team": "ops", "Cost-Center": "4711"})));
}

#[test]
fn untidy_data_is_accepted_unknown_fields_empty_strings_us_dates_and_numbers_as_text() {
    let mut db = store();
    let report = import_fixture(&mut db, "untidy.json");
    assert_eq!(report.created, ["untidy-dates", "untidy-state", "untidy-type"]);
    let j = job(&db, "untidy-dates");
    assert_eq!(j.job_type, JobType::Import, "\"import\" is the service's Import, whatever the case");
    assert_eq!((j.storage_account_id, j.log_level), (None, None));
    assert_eq!((j.return_address.street_address2, j.return_address.email), (None, None));
    assert_eq!(j.delivery_package.drive_count, Some(2));
    assert_eq!(j.delivery_package.ship_date, Some(Utc.with_ymd_and_hms(2017, 9, 29, 22, 28, 35).unwrap()));
    assert_eq!(j.return_package, Default::default());
    assert!(!j.cancel_requested);
    assert_eq!(j.reported_percent_complete, None);
    // D1: a drive whose state is left out starts Specified in an import job.
    assert_eq!(j.drives.iter().map(|d| d.state).collect::<Vec<_>>(), [DriveState::Specified; 2]);
    assert_eq!(j.drives[0].bit_locker_key, None);
}

#[test]
fn j15_an_unknown_state_is_kept_verbatim_listed_for_attention_and_never_acted_on() {
    let mut db = store();
    let report = import_fixture(&mut db, "untidy.json");
    assert!(report.attention.contains(&("untidy-state".into(), "unknown state: Sleeping".into())));
    let j = job(&db, "untidy-state");
    assert_eq!(j.unknown_state, s("Sleeping"));
    let items = job_items(&j, t0());
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!((items[0].rule, items[0].what.as_str()), (Rule::J15, "unknown state: Sleeping"));
    assert!(items[0].next_step.contains("Get Job"));
    assert!(valid_actions(&j, None, t0()).is_empty());
    assert!(valid_actions(&j, Some("ZZZ00001"), t0()).is_empty());
    assert!(ieops::domain::clock::job_clocks(&j).is_empty(), "no clock is guessed");
    assert_eq!(ieops::present::job_state_text(&j), "unknown state: Sleeping");
    let ctx = Ctx { operator: "ana", now: t0(), note: None };
    let cancel = match Action::parse(TargetKind::Job, "cancel", &[]).unwrap() {
        Action::Job(a) => Request::Job(a),
        other => panic!("{other:?}"),
    };
    let refusal = decide(&j, &cancel, &ctx).unwrap_err();
    assert_eq!(refusal.rule, Rule::J15);
    assert!(refusal.message.contains("unknown state: Sleeping"), "{}", refusal.message);
    // Not counted in any known state, nor listed under one.
    assert!(db.counts().unwrap().jobs.iter().all(|(_, n)| *n == 1), "only untidy-dates and untidy-type");
    let creating = db.jobs(&JobFilter { state: Some(JobState::Creating), ..Default::default() }).unwrap();
    assert_eq!(creating.iter().map(|j| j.name.as_str()).collect::<Vec<_>>(), ["untidy-type"]);
    // Export gives the service's own word back.
    assert_eq!(job_response(&j, Secrets::Omit).properties.state, "Sleeping");
}

#[test]
fn j1_an_unknown_job_type_is_kept_verbatim_and_listed() {
    let mut db = store();
    import_fixture(&mut db, "untidy.json");
    let j = job(&db, "untidy-type");
    assert_eq!(j.unknown_job_type, s("Rental"));
    let items = job_items(&j, t0());
    assert_eq!((items[0].rule, items[0].what.as_str()), (Rule::J1, "unknown job type: Rental"));
    assert!(valid_actions(&j, None, t0()).is_empty());
    assert_eq!(job_response(&j, Secrets::Omit).properties.job_type, "Rental");
    assert_eq!(ieops::present::job_type_text(&j), "unknown job type: Rental");
}

// ------------------------------------------------------------ broken files

/// Each broken fixture and the exact error it gets; nothing is written. The
/// position is right after the value at fault (after the `]` of a list too long).
#[test]
fn broken_documents_are_refused_with_their_path_line_and_column_and_nothing_is_written() {
    let cases = [
        (
            "broken_truncated.json",
            "broken_truncated.json: $.value[1].properties.driveList[1].driveId: EOF while parsing a string (line 33, column 28)",
        ),
        (
            "broken_wrong_type.json",
            "broken_wrong_type.json: $.properties.returnAddress: invalid type: string \"12 Marylebone Road, London\", expected a returnAddress object (line 9, column 49)",
        ),
        (
            "broken_eleven_drives.json",
            "broken_eleven_drives.json: $.value[1].properties.driveList: 11 drives, at most 10 (line 76, column 9)",
        ),
        (
            "broken_drive_state.json",
            "broken_drive_state.json: $[0].properties.driveList[0].state: 'Lost' is not a drive state: expected one of Specified, Received, NeverReceived, Transferring, Completed, CompletedMoreInfo, ShippedBack, Faulted (line 13, column 25)",
        ),
        (
            "broken_ship_date.json",
            "broken_ship_date.json: $.properties.deliveryPackage.shipDate: 'yesterday' is not a date: use ISO 8601 (2017-09-29T22:28:35Z) or the service's 9/29/2017 10:28:35 PM (line 12, column 29)",
        ),
        (
            "broken_duplicate_drive.json",
            "broken_duplicate_drive.json: $.properties.driveList: drive SAME0001 is listed twice (line 16, column 5)",
        ),
        (
            "broken_missing_state.json",
            "broken_missing_state.json: $.properties: missing field `state` (line 8, column 3)",
        ),
        (
            "broken_job_name.json",
            "broken_job_name.json: $.name: job name 'my job!' is not valid: use 2 to 64 letters, digits, '-', '_' or '.', not starting with '-' or '.' (line 3, column 19)",
        ),
        (
            "broken_percent.json",
            "broken_percent.json: $.properties.percentComplete: 140 is not a percentage from 0 to 100 (line 9, column 26)",
        ),
    ];
    for (name, want) in cases {
        let mut db = store();
        // A good job first, in the same database: it must survive untouched.
        import_fixture(&mut db, "import_full.json");
        let before = db.event_count().unwrap();
        let err = import_documents(&mut db, name, &fixture(name), "amara", t0()).unwrap_err();
        assert!(matches!(err, ImportError::Document { .. }), "{name}: {err:?}");
        assert_eq!(err.to_string(), format!("{want}; nothing was imported"), "{name}");
        assert_eq!(db.event_count().unwrap(), before, "{name} wrote events");
        assert_eq!(db.jobs(&JobFilter::default()).unwrap().len(), 1, "{name} wrote jobs");
    }
}

#[test]
fn s6_one_bad_document_refuses_the_whole_list_even_after_good_ones() {
    let mut db = store();
    let err = import_documents(&mut db, "f.json", &fixture("broken_eleven_drives.json"), "amara", t0());
    assert!(err.is_err());
    assert!(db.job("fine-job").unwrap().is_none(), "value[0] was fine but nothing is written");
}

#[test]
fn other_shapes_and_trailing_text_are_refused_with_a_position() {
    let mut db = store();
    let err =
        |text: &str| import_documents(&mut store(), "x.json", text, "amara", t0()).unwrap_err().to_string();
    assert_eq!(
        err("\"Creating\""),
        "x.json: $: invalid type: string \"Creating\", expected a JobResponse object, a list response {\"value\": [...]} or an array of JobResponses (line 1, column 10); nothing was imported"
    );
    assert_eq!(err(""), "x.json: $: EOF while parsing a value (line 1, column 0); nothing was imported");
    let one = fixture("api_2020_08_01.json");
    let twice = err(&format!("{one}{one}"));
    assert!(twice.contains("$: trailing characters (line 67, column 1)"), "{twice}");
    assert_eq!(
        err("{\"value\": [{\"name\": \"a1\"}]}"),
        "x.json: $.value[0]: missing field `properties` (line 1, column 25); nothing was imported"
    );
    // A byte-order mark is not an error.
    let report = import_text(&mut db, "bom.json", &format!("\u{feff}{one}"), t0());
    assert_eq!(report.created, ["myJob-2020"]);
}

// ------------------------------------------------------------------ updates

fn doc(name: &str, state: &str, drives: &[(&str, &str)]) -> String {
    let list: Vec<serde_json::Value> =
        drives.iter().map(|(id, st)| serde_json::json!({"driveId": id, "state": st})).collect();
    serde_json::json!({
        "id": format!("/subscriptions/0/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/{name}"),
        "name": name,
        "properties": {
            "jobType": "Import",
            "state": state,
            "deliveryPackage": {"carrierName": "UPS", "trackingNumber": "1Z1", "shipDate": "2026-11-20T00:00:00Z"},
            "driveList": list,
        }
    })
    .to_string()
}

#[test]
fn j4_a_documented_transition_is_recorded_under_its_rule_as_observed() {
    let mut db = store();
    import_text(&mut db, "a.json", &doc("job-a", "Creating", &[("D1", "Specified")]), t0());
    let later = t0() + Duration::hours(1);
    let report = import_text(&mut db, "b.json", &doc("job-a", "Shipping", &[("D1", "Specified")]), later);
    assert_eq!(report.updated, ["job-a"]);
    let j = job(&db, "job-a");
    assert_eq!(j.state, JobState::Shipping);
    assert_eq!(j.shipping_since, Some(Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap()));
    assert_eq!(j.import_anomaly, None);
    let events = db.history(j.id.unwrap()).unwrap();
    let last = events.last().unwrap();
    assert_eq!((last.operator.as_str(), last.rule.as_str()), ("import", "J4"));
    assert_eq!((last.from_state.as_str(), last.to_state.as_str()), ("Creating", "Shipping"));
    assert_eq!(j.version, 1, "updated through the versioned write path (S7)");
    // Receiving then reported: J8 for the job, D2 for the drive.
    import_text(&mut db, "c.json", &doc("job-a", "Received", &[("D1", "Received")]), later);
    let events = db.history(j.id.unwrap()).unwrap();
    let rules: Vec<&str> = events.iter().rev().take(2).map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, ["D2", "J8"]);
}

#[test]
fn j11_a_jump_no_transition_allows_is_applied_recorded_and_flagged_not_refused() {
    let mut db = store();
    import_text(&mut db, "a.json", &doc("job-b", "Creating", &[("D1", "Specified")]), t0());
    let report = import_text(&mut db, "b.json", &doc("job-b", "Completed", &[("D1", "ShippedBack")]), t0());
    assert_eq!(report.updated, ["job-b"]);
    let j = job(&db, "job-b");
    assert_eq!((j.state, j.drives[0].state), (JobState::Completed, DriveState::ShippedBack));
    let anomaly: Anomaly = j.import_anomaly.clone().unwrap();
    assert_eq!(anomaly.rule, Rule::J11);
    assert_eq!(
        anomaly.what,
        "reported Completed straight after Creating: no documented transition leads there (J11 reaches Completed from Packaging); \
         drive D1: reported ShippedBack straight after Specified: no documented transition leads there (D8 reaches ShippedBack from Received or Completed or CompletedMoreInfo)"
    );
    assert_eq!(report.attention, [("job-b".to_string(), anomaly.what.clone())]);
    let items = job_items(&j, t0());
    assert!(items.iter().any(|i| i.rule == Rule::J11 && i.what == anomaly.what), "{items:?}");
    let events = db.history(j.id.unwrap()).unwrap();
    let last: Vec<(&str, &str, &str)> =
        events[1..].iter().map(|e| (e.from_state.as_str(), e.to_state.as_str(), e.rule.as_str())).collect();
    assert_eq!(last, [("Creating", "Completed", "S6"), ("Specified", "ShippedBack", "S6")]);
    assert!(events[1].detail.as_deref().unwrap().contains("flagged in the attention queue"));
    // A later documented change clears the flag.
    import_text(&mut db, "c.json", &doc("job-b", "Completed", &[("D1", "ShippedBack")]), t0());
    assert!(job(&db, "job-b").import_anomaly.is_some(), "nothing new observed: the flag stays");
}

#[test]
fn s6_reimporting_the_same_document_changes_nothing_and_writes_no_event() {
    let mut db = store();
    import_fixture(&mut db, "import_full.json");
    let before = db.event_count().unwrap();
    let report = import_fixture(&mut db, "import_full.json");
    assert_eq!(report.unchanged, ["contoso-archive-2026"]);
    assert_eq!((report.events, db.event_count().unwrap()), (0, before));
    assert_eq!(job(&db, "contoso-archive-2026").version, 0);
}

#[test]
fn s6_a_field_update_is_one_event_naming_the_fields() {
    let mut db = store();
    import_fixture(&mut db, "import_full.json");
    let text = fixture("import_full.json").replace("\"city\": \"London\"", "\"city\": \"Oxford\"");
    let text = text.replace("\"percentComplete\": 24", "\"percentComplete\": 30");
    let report = import_text(&mut db, "again.json", &text, t0());
    assert_eq!((report.updated.len(), report.events), (1, 1));
    let j = job(&db, "contoso-archive-2026");
    assert_eq!(j.return_address.city, s("Oxford"));
    let last = db.history(j.id.unwrap()).unwrap().pop().unwrap();
    assert_eq!(
        (last.from_state.as_str(), last.to_state.as_str(), last.rule.as_str()),
        ("Transferring", "Transferring", "S6")
    );
    assert_eq!(last.detail.as_deref(), Some("set returnAddress, driveList[S3YJNX0KQD7WZD]"));
}

#[test]
fn s2_a_document_for_an_archived_job_leaves_it_archived() {
    let mut db = store();
    import_fixture(&mut db, "list_response.json");
    // C7 passes for the Completed export job: the sweep archives it.
    let done = job(&db, "northwind-export-3");
    let change = ieops::domain::sweep::sweep_job(&done, t0() + Duration::days(91)).unwrap();
    db.write(|w| w.apply(&change)).unwrap();
    let report = import_fixture(&mut db, "list_response.json");
    assert_eq!(report.archived, ["northwind-export-3"]);
    assert_eq!(report.unchanged.len(), 2);
    assert!(job(&db, "northwind-export-3").archived_at.is_some());
}

#[test]
fn a_name_held_by_another_resource_is_refused_at_the_name() {
    let mut db = store();
    import_fixture(&mut db, "api_2020_08_01.json");
    let other = fixture("api_2020_08_01.json").replace("/jobs/test\"", "/jobs/another\"");
    let err = import_documents(&mut db, "other.json", &other, "amara", t0()).unwrap_err().to_string();
    assert!(err.starts_with("other.json: $.name: an active job is already named myJob-2020 with resource id /subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/resourceGroups/myResourceGroup/providers/Microsoft.ImportExport/jobs/test, and this document is"), "{err}");
    // The end of the document's name: `"name": "myJob-2020"` on line 63.
    assert!(err.ends_with("they are different jobs (line 63, column 22); nothing was imported"), "{err}");
}

#[test]
fn a_job_made_here_is_adopted_by_name_and_a_known_resource_id_follows_a_rename() {
    let mut db = store();
    // Made in the console first: no resource id.
    let ctx = Ctx { operator: "ana", now: t0(), note: None };
    let made =
        ieops::domain::create::create_job("job-c", JobType::Import, &["D1".into()], &[], &ctx).unwrap();
    db.write(|w| w.insert_job(&made.job, &made.events)).unwrap();
    import_text(&mut db, "a.json", &doc("job-c", "Creating", &[("D1", "Specified")]), t0());
    let j = job(&db, "job-c");
    assert!(j.resource_id.as_deref().is_some_and(|id| id.ends_with("/jobs/job-c")));
    // The same resource under a new name is the same job.
    let renamed =
        doc("job-c", "Creating", &[("D1", "Specified")]).replace("\"name\":\"job-c\"", "\"name\":\"job-c2\"");
    let report = import_text(&mut db, "b.json", &renamed, t0());
    assert_eq!(report.updated, ["job-c2"]);
    assert_eq!(db.jobs(&JobFilter::default()).unwrap().len(), 1);
}

#[test]
fn a_bitlocker_key_left_out_of_a_later_document_is_kept() {
    let mut db = store();
    import_fixture(&mut db, "import_full.json");
    let exported =
        serde_json::to_string(&job_response(&job(&db, "contoso-archive-2026"), Secrets::Omit)).unwrap();
    assert!(!exported.contains("bitLockerKey"));
    let report = import_text(&mut db, "get-job.json", &exported, t0());
    assert_eq!(report.unchanged, ["contoso-archive-2026"]);
    assert_eq!(
        job(&db, "contoso-archive-2026").drives[0].bit_locker_key,
        s("238810-662376-448998-450120-652806-203390-606320-483076")
    );
}

#[test]
fn j15_a_fault_set_here_stays_when_the_service_reports_the_state_underneath() {
    let mut db = store();
    import_text(&mut db, "a.json", &doc("job-d", "Shipping", &[("D1", "Specified")]), t0());
    let j = job(&db, "job-d");
    let ctx = Ctx { operator: "ana", now: t0(), note: None };
    let fault = match Action::parse(TargetKind::Job, "fault", &[("reason".into(), "carrier lost it".into())])
        .unwrap()
    {
        Action::Job(a) => Request::Job(a),
        other => panic!("{other:?}"),
    };
    let change = decide(&j, &fault, &ctx).unwrap();
    db.write(|w| w.apply(&change)).unwrap();
    let report = import_text(&mut db, "a.json", &doc("job-d", "Shipping", &[("D1", "Specified")]), t0());
    assert_eq!(report.unchanged, ["job-d"]);
    assert_eq!(job(&db, "job-d").state, JobState::Faulted);
    // One step on from the interrupted state leaves the fault (S5).
    import_text(&mut db, "b.json", &doc("job-d", "Received", &[("D1", "Received")]), t0());
    let j = job(&db, "job-d");
    assert_eq!((j.state, j.faulted_from, j.import_anomaly), (JobState::Received, None, None));
    let last_job_event =
        db.history(j.id.unwrap()).unwrap().into_iter().rfind(|e| e.drive_id.is_none()).unwrap();
    assert_eq!(last_job_event.rule, "S5");
}

#[test]
fn j15_leaving_an_unknown_state_is_recorded_without_judging_the_jump() {
    let mut db = store();
    import_text(&mut db, "a.json", &doc("job-e", "Sleeping", &[]), t0());
    import_text(&mut db, "b.json", &doc("job-e", "Completed", &[]), t0());
    let j = job(&db, "job-e");
    assert_eq!(
        (j.state, j.unknown_state.clone(), j.import_anomaly.clone()),
        (JobState::Completed, None, None)
    );
    let last = db.history(j.id.unwrap()).unwrap().pop().unwrap();
    assert_eq!(
        (last.from_state.as_str(), last.to_state.as_str(), last.rule.as_str()),
        ("Sleeping", "Completed", "S6")
    );
    // And into one: the last known state stays underneath.
    import_text(&mut db, "c.json", &doc("job-e", "Hibernating", &[]), t0());
    let j = job(&db, "job-e");
    assert_eq!((j.state, j.unknown_state.as_deref()), (JobState::Completed, Some("Hibernating")));
}

// ------------------------------------------------------------ round trip

#[test]
fn export_then_import_into_an_empty_database_gives_back_every_fixture_job() {
    let mut first = store();
    for name in [
        "import_full.json",
        "export_blob_list.json",
        "list_response.json",
        "api_2016_11_01.json",
        "api_2020_08_01.json",
        "api_2021_01_01.json",
        "untidy.json",
    ] {
        import_fixture(&mut first, name);
    }
    let jobs = first.jobs(&JobFilter::default()).unwrap();
    let text = serde_json::to_string_pretty(&list_response(&jobs, Secrets::Include)).unwrap();
    let mut second = store();
    import_text(&mut second, "all.json", &text, t0());
    let again = second.jobs(&JobFilter::default()).unwrap();
    assert_eq!(list_response(&again, Secrets::Include), list_response(&jobs, Secrets::Include));
}

/// Jobs with every field the REST shape carries, drawn at random.
fn a_job() -> impl Strategy<Value = Job> {
    let text = || {
        prop::option::of(
            prop_oneof![4 => "[A-Za-z0-9 ./:_-]{1,16}", 1 => "\\PC{1,8}", 1 => "[\\x01-\\x1f\\x7f\u{202e}a]{1,4}"],
        )
    };
    let state = prop_oneof![
        4 => prop::sample::select(JobState::ALL.to_vec()).prop_map(|s| (s, None)),
        1 => "(Sleeping|Archived|[A-Z][a-z]{3,8}X|)".prop_map(|raw| (JobState::Creating, Some(raw))),
    ];
    let job_type = prop_oneof![
        4 => prop::sample::select(JobType::ALL.to_vec()).prop_map(|t| (t, None)),
        1 => "(Rental|Migration)".prop_map(|raw| (JobType::Import, Some(raw))),
    ];
    let date = prop::option::of(
        (-62_135_596_800i64..253_402_300_799).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap()),
    );
    let package = (text(), text(), prop::option::of(0u32..=100_000), date.clone());
    let address = prop::collection::vec(text(), 9);
    let drive = (
        "[A-Z0-9][A-Z0-9-]{0,15}",
        prop::sample::select(DriveState::ALL.to_vec()),
        prop::collection::vec(text(), 8),
        0u8..=100,
        0u64..=i64::MAX as u64,
    );
    let drives = prop::collection::vec(drive, 0..=10);
    let tags = prop::option::of(prop::collection::btree_map("[a-z]{1,8}", "[a-z0-9 ]{0,8}", 0..4));
    let rest = (
        text(),
        text(),
        text(),
        tags,
        prop::collection::vec(text(), 9),
        prop::option::of(any::<bool>()),
        prop::option::of(0u8..=100),
        any::<bool>(),
    );
    let nested = (
        prop::option::of(prop::collection::vec(text(), 9)),
        prop::option::of((
            prop::option::of((
                prop::collection::vec("\\PC{0,12}", 0..3),
                prop::collection::vec("\\PC{0,12}", 0..3),
            )),
            text(),
        )),
        prop::option::of(prop::collection::vec(text(), 3)),
        prop::option::of(prop::collection::vec(text(), 3)),
        prop::option::of(prop::collection::vec(text(), 6)),
    );
    ("[a-z0-9][a-z0-9._-]{1,30}", state, job_type, (package.clone(), package), address, drives, rest, nested)
        .prop_map(
            |(
                name,
                (state, unknown_state),
                (job_type, unknown_job_type),
                (delivery, ret),
                a,
                drives,
                rest,
                nested,
            )| {
                let mut job = Job::new(&name, job_type, t0());
                job.state = state;
                job.unknown_state = unknown_state;
                job.unknown_job_type = unknown_job_type;
                let pkg = |(c, t, n, d): (Option<String>, Option<String>, Option<u32>, Option<Timestamp>)| {
                    ieops::domain::model::Package {
                        carrier_name: c,
                        tracking_number: t,
                        drive_count: n,
                        ship_date: d,
                    }
                };
                job.delivery_package = pkg(delivery);
                job.return_package = pkg(ret);
                job.return_address = ieops::domain::model::Address {
                    recipient_name: a[0].clone(),
                    street_address1: a[1].clone(),
                    street_address2: a[2].clone(),
                    city: a[3].clone(),
                    state_or_province: a[4].clone(),
                    postal_code: a[5].clone(),
                    country_or_region: a[6].clone(),
                    phone: a[7].clone(),
                    email: a[8].clone(),
                };
                let mut seen = std::collections::BTreeSet::new();
                for (id, ds, t, pct, bytes) in drives {
                    if !seen.insert(id.clone()) {
                        continue;
                    }
                    let mut d = ieops::domain::Drive::new(&id, ds, t0());
                    d.bit_locker_key = t[0].clone();
                    d.manifest_file = t[1].clone();
                    d.manifest_hash = t[2].clone();
                    d.drive_header_hash = t[3].clone();
                    d.copy_status = t[4].clone();
                    d.verbose_log_uri = t[5].clone();
                    d.error_log_uri = t[6].clone();
                    d.manifest_uri = t[7].clone();
                    d.percent_complete = pct;
                    d.bytes_succeeded = bytes;
                    job.drives.push(d);
                }
                let (rid, rtype, location, tags, t, backup, percent, cancel) = rest;
                job.resource_id = rid;
                job.resource_type = rtype;
                job.location = location;
                job.tags = tags.map(|m| serde_json::to_value(m).unwrap());
                job.storage_account_id = t[0].clone();
                job.log_level = t[1].clone();
                job.diagnostics_path = t[2].clone();
                job.provisioning_state = t[3].clone();
                job.incomplete_blob_list_uri = t[4].clone();
                job.return_shipping.carrier_name = t[5].clone();
                job.return_shipping.carrier_account_number = t[6].clone();
                job.backup_drive_manifest = backup;
                job.reported_percent_complete = percent;
                job.cancel_requested = cancel;
                let (shipping, export, identity, key, system) = nested;
                job.shipping_information = shipping.map(|v| ieops::domain::model::ShippingInformation {
                    recipient_name: v[0].clone(),
                    street_address1: v[1].clone(),
                    street_address2: v[2].clone(),
                    city: v[3].clone(),
                    state_or_province: v[4].clone(),
                    postal_code: v[5].clone(),
                    country_or_region: v[6].clone(),
                    phone: v[7].clone(),
                    additional_information: v[8].clone(),
                });
                job.export = export.map(|(list, path)| ieops::domain::model::ExportSpec {
                    blob_list: list
                        .map(|(p, q)| ieops::domain::model::BlobList { blob_path: p, blob_path_prefix: q }),
                    blob_list_blob_path: path,
                });
                job.identity = identity.map(|v| ieops::domain::model::Identity {
                    identity_type: v[0].clone(),
                    principal_id: v[1].clone(),
                    tenant_id: v[2].clone(),
                });
                job.encryption_key = key.map(|v| ieops::domain::model::EncryptionKey {
                    kek_type: v[0].clone(),
                    kek_url: v[1].clone(),
                    kek_vault_resource_id: v[2].clone(),
                });
                job.system_data = system.map(|v| ieops::domain::model::SystemData {
                    created_by: v[0].clone(),
                    created_by_type: v[1].clone(),
                    created_at: v[2].clone(),
                    last_modified_by: v[3].clone(),
                    last_modified_by_type: v[4].clone(),
                    last_modified_at: v[5].clone(),
                });
                job
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Random jobs exported then imported into an empty database come back
    /// equal, field for field (what the REST shape carries), secrets included.
    #[test]
    fn s6_random_jobs_exported_then_imported_come_back_equal(jobs in prop::collection::vec(a_job(), 1..4)) {
        // One job per name, as the store keeps them.
        let mut seen = std::collections::BTreeSet::new();
        let jobs: Vec<Job> = jobs.into_iter().filter(|j| seen.insert(j.name.clone())).collect();
        let mut ids = std::collections::BTreeSet::new();
        let jobs: Vec<Job> = jobs.into_iter().map(|mut j| {
            if let Some(id) = &j.resource_id { if !ids.insert(id.clone()) { j.resource_id = None; } }
            j
        }).collect();
        let exported = list_response(&jobs, Secrets::Include);
        let text = serde_json::to_string(&exported).unwrap();
        let mut db = store();
        let report = import_documents(&mut db, "random.json", &text, "amara", t0())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(report.created.len(), jobs.len());
        for want in &jobs {
            let got = job(&db, &want.name);
            prop_assert_eq!(job_response(&got, Secrets::Include), job_response(want, Secrets::Include));
            prop_assert_eq!((got.state, &got.unknown_state), (want.state, &want.unknown_state));
            prop_assert_eq!((got.job_type, &got.unknown_job_type), (want.job_type, &want.unknown_job_type));
            let keys = |j: &Job| j.drives.iter().map(|d| (d.drive_id.clone(), d.state, d.bit_locker_key.clone())).collect::<Vec<_>>();
            prop_assert_eq!(keys(&got), keys(want));
        }
    }
}

// ------------------------------------------------- the service's wire format

/// What `export` writes of a job, as JSON.
fn exported(store: &Store, name: &str) -> serde_json::Value {
    serde_json::to_value(job_response(&job(store, name), Secrets::Omit)).unwrap()
}

/// Issue 12: each api-version's spelling comes back as it came: a 2016-11-01
/// client keeps `blobListblobPath`, a later one `blobListBlobPath`; the
/// service's `shipDate` text is written back as the service wrote it.
#[test]
fn every_api_versions_spelling_round_trips() {
    let mut db = store();
    import_fixture(&mut db, "api_2016_11_01.json");
    let out = exported(&db, "myJob");
    assert_eq!(out["properties"]["export"]["blobListblobPath"], "exportlist/myJob.xml");
    assert!(out["properties"]["export"].get("blobListBlobPath").is_none(), "{}", out["properties"]["export"]);
    assert_eq!(out["properties"]["deliveryPackage"]["shipDate"], "9/29/2017 10:28:35 PM");

    let later = fixture("api_2016_11_01.json")
        .replace("blobListblobPath", "blobListBlobPath")
        .replace("\"myJob", "\"myJob2");
    let mut db = store();
    import_text(&mut db, "later.json", &later, t0());
    let out = exported(&db, "myJob2");
    assert_eq!(out["properties"]["export"]["blobListBlobPath"], "exportlist/myJob.xml");
    assert!(out["properties"]["export"].get("blobListblobPath").is_none());

    // Every fixture, every version: exported, imported again, exported: the same text.
    for name in [
        "api_2016_11_01.json",
        "api_2020_08_01.json",
        "api_2021_01_01.json",
        "untidy.json",
        "import_full.json",
    ] {
        let mut first = store();
        import_fixture(&mut first, name);
        let jobs = first.jobs(&JobFilter::default()).unwrap();
        let text = serde_json::to_string(&list_response(&jobs, Secrets::Include)).unwrap();
        let mut second = store();
        import_text(&mut second, name, &text, t0());
        let again = serde_json::to_string(&list_response(
            &second.jobs(&JobFilter::default()).unwrap(),
            Secrets::Include,
        ))
        .unwrap();
        assert_eq!(again, text, "{name}");
    }
}

/// Issue 12: what the service never sent is not invented on export, and a
/// package its own validation would reject is left out, not written invalid.
#[test]
fn absent_stays_absent() {
    let doc = r#"{"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/sparse",
        "name": "sparse", "type": "Microsoft.ImportExport/jobs",
        "properties": {"jobType": "Export", "state": "Creating",
                       "deliveryPackage": {"driveCount": 0},
                       "export": {"blobList": {"blobPathPrefix": ["/logs/"]}}}}"#;
    let mut db = store();
    import_text(&mut db, "sparse.json", doc, t0());
    let out = exported(&db, "sparse");
    let p = &out["properties"];
    for absent in ["cancelRequested", "driveList", "deliveryPackage"] {
        assert!(p.get(absent).is_none(), "{absent} was invented: {p}");
    }
    assert!(p["export"]["blobList"].get("blobPath").is_none(), "{p}");
    assert_eq!(p["export"]["blobList"]["blobPathPrefix"], serde_json::json!(["/logs/"]));

    let doc = r#"{"name": "bare-drive", "properties": {"jobType": "Import", "state": "Creating",
        "cancelRequested": false, "driveList": [{"driveId": "WD-1"}]}}"#;
    import_text(&mut db, "bare.json", doc, t0());
    let out = exported(&db, "bare-drive");
    let drive = &out["properties"]["driveList"][0];
    assert_eq!(drive, &serde_json::json!({"driveId": "WD-1"}), "nothing invented for the drive");
    assert_eq!(out["properties"]["cancelRequested"], false, "sent, so kept");
}

/// Issue 12: List BitLocker Keys' answer attaches keys to the job's drives
/// (never shown); the service's error response is reported as its error.
#[test]
fn bitlocker_keys_import_and_the_services_error_is_reported_as_such() {
    let mut db = store();
    import_fixture(&mut db, "import_full.json");
    let name = db.jobs(&JobFilter::default()).unwrap()[0].name.clone();
    let drives: Vec<String> = job(&db, &name).drives.iter().map(|d| d.drive_id.clone()).collect();
    let keys: Vec<String> = drives
        .iter()
        .enumerate()
        .map(|(i, d)| format!(r#"{{"bitLockerKey": "{i:06}-111111-222222-333333", "driveId": "{d}"}}"#))
        .collect();
    let text = format!(r#"{{"value": [{}]}}"#, keys.join(", "));
    let n = ieops::interop::import_bitlocker_keys(&mut db, &name, "keys.json", &text, "amara", t0()).unwrap();
    assert_eq!(n, drives.len());
    let got = job(&db, &name);
    assert_eq!(got.drive(&drives[0]).unwrap().bit_locker_key.as_deref(), Some("000000-111111-222222-333333"));
    let history = db.history(got.id.unwrap()).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action, "bitlocker-keys");
    assert!(
        !last.detail.clone().unwrap_or_default().contains("111111"),
        "the key is never written to the log"
    );

    let stranger = r#"{"value": [{"bitLockerKey": "k", "driveId": "NOT-HERE"}]}"#;
    let err =
        ieops::interop::import_bitlocker_keys(&mut db, &name, "k.json", stranger, "amara", t0()).unwrap_err();
    assert!(err.to_string().contains("NOT-HERE is not a drive of job"), "{err}");

    let error =
        r#"{"error": {"code": "ResourceNotFound", "message": "The Resource 'jobs/x' was not found."}}"#;
    let err = import_documents(&mut db, "error.json", error, "amara", t0()).unwrap_err();
    assert!(
        err.to_string().contains("the service answered with an error, not a job: ResourceNotFound: The Resource 'jobs/x' was not found."),
        "{err}"
    );
}

/// Issue 14: one limit per field for both paths. A field the operator can set
/// (`--set` takes at most 256 characters) takes no more from an import, and
/// any other text the service sends is capped too (a 10 MB value once cost
/// every screen that showed it); the whole file is refused with the field's
/// path, and nothing is written.
#[test]
fn an_imported_value_longer_than_its_fields_limit_is_refused_with_its_path() {
    let long_city = "Z".repeat(257);
    let doc = format!(
        r#"{{"name": "long-city", "properties": {{"jobType": "Import", "state": "Creating",
            "returnAddress": {{"city": "{long_city}"}}}}}}"#
    );
    let mut db = store();
    let err = import_documents(&mut db, "city.json", &doc, "amara", t0()).unwrap_err().to_string();
    assert!(
        err.contains("$.properties.returnAddress.city") && err.contains("longer than 256 characters"),
        "{err}"
    );
    let at_limit = doc.replace(&long_city, &"Z".repeat(256));
    import_text(&mut db, "city.json", &at_limit, t0());

    let huge = "u".repeat(10 * 1024 * 1024);
    let doc = format!(
        r#"{{"name": "huge-uri", "properties": {{"jobType": "Import", "state": "Creating",
            "driveList": [{{"driveId": "D1", "errorLogUri": "{huge}"}}]}}}}"#
    );
    let err = import_documents(&mut db, "huge.json", &doc, "amara", t0()).unwrap_err().to_string();
    assert!(err.contains("errorLogUri") && err.contains("longer than 2048 characters"), "{err}");
    assert!(db.job("huge-uri").unwrap().is_none(), "nothing was written");
}
