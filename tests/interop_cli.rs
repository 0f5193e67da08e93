//! `ieops import` and `ieops export` end to end, against the real binary.

mod support;

use support::{Db, NOW};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

const BROKEN: &[&str] = &[
    "broken_truncated.json",
    "broken_wrong_type.json",
    "broken_eleven_drives.json",
    "broken_drive_state.json",
    "broken_ship_date.json",
    "broken_duplicate_drive.json",
    "broken_missing_state.json",
    "broken_job_name.json",
    "broken_percent.json",
];

#[test]
fn s6_importing_a_broken_file_leaves_the_database_byte_for_byte_unchanged() {
    let db = Db::new();
    db.ok(&["import", &fixture("import_full.json")]);
    let before = db.bytes();
    for name in BROKEN {
        let path = fixture(name);
        let err = db.fails(2, &["import", &path]);
        assert!(err.starts_with(&format!("ieops: {path}: $")), "{err}");
        assert!(err.trim_end().ends_with("; nothing was imported"), "{err}");
        assert_eq!(db.bytes(), before, "{name} changed the database");
    }
    let err = db.fails(2, &["import", &fixture("broken_eleven_drives.json")]);
    assert!(
        err.contains("$.value[1].properties.driveList: 11 drives, at most 10 (line 76, column 9)"),
        "{err}"
    );
    // Refused inside the transaction (a name another resource holds): rolled back, unchanged too.
    let other = db.path.with_file_name("other.json");
    let text = std::fs::read_to_string(fixture("import_full.json")).unwrap();
    std::fs::write(&other, text.replace("/jobs/contoso-archive-2026\"", "/jobs/someone-else\"")).unwrap();
    let err = db.fails(2, &["import", other.to_str().unwrap()]);
    assert!(err.contains("$.name: an active job is already named contoso-archive-2026"), "{err}");
    assert_eq!(db.bytes(), before);
    assert_eq!(
        db.fails(2, &["import", "/no/such/file.json"]).trim_end(),
        "ieops: cannot read /no/such/file.json: No such file or directory (os error 2)"
    );
}

#[test]
fn import_is_refused_read_only_with_exit_5_before_anything_is_touched() {
    let db = Db::new();
    let before = db.bytes();
    let err = db.fails(5, &["--read-only", "import", &fixture("import_full.json")]);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(db.bytes(), before);
    // Export only reads: allowed read-only.
    db.ok(&["import", &fixture("import_full.json")]);
    let out = db.ok(&["--read-only", "export", "contoso-archive-2026"]);
    assert!(out.contains("\"name\": \"contoso-archive-2026\""));
}

#[test]
fn s6_import_prints_what_it_did_and_records_operator_import() {
    let db = Db::new();
    let out = db.ok(&["import", &fixture("untidy.json")]);
    let path = fixture("untidy.json");
    assert_eq!(
        out,
        format!(
            "{path}: 3 jobs — 3 created, 0 updated, 0 unchanged; 3 audit events as operator import (S6)\n\
             attention: untidy-state: unknown state: Sleeping\n\
             attention: untidy-type: unknown job type: Rental\n"
        )
    );
    let history = db.ok(&["history", "untidy-state"]);
    assert!(history.contains("import  untidy-state  import  -     Sleeping  S6"), "{history}");
    assert!(history.contains(&format!("note: imported by tester from {path}")), "{history}");
    let attention = db.ok(&["attention"]);
    assert!(attention.contains("unknown state: Sleeping") && attention.contains("unknown job type: Rental"));
    let shown = db.ok(&["show", "untidy-state"]);
    assert!(shown.contains("unknown state: Sleeping since 2026-11-22 12:00"), "{shown}");
    assert!(db.ok(&["actions", "untidy-state"]).contains("no action is valid now"));
    let json: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "show", "untidy-state"])).unwrap();
    assert_eq!(json["state"], "Sleeping");
    let listed = db.ok(&["--json", "jobs"]);
    let jobs: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    let listed_job = |name: &str| jobs.iter().find(|j| j["name"] == name).expect("listed").clone();
    let (state, job_type) = (listed_job("untidy-state"), listed_job("untidy-type"));
    assert_eq!((state["state"].as_str(), job_type["jobType"].as_str()), (Some("Sleeping"), Some("Rental")));
    assert!(state.get("drives").is_none() && state["driveList"][0]["driveId"] == "ZZZ00001", "{state}");
    // Written straight from the job, where a parser keeps the last of two equal
    // keys: each job (and drive) names its state and type once.
    let drives: usize = jobs.iter().map(|j| j["driveList"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(listed.matches("\"jobType\":").count(), jobs.len(), "{listed}");
    assert_eq!(listed.matches("\"state\":").count(), jobs.len() + drives, "{listed}");
    let refused = db.fails(3, &["act", "untidy-state", "cancel"]);
    assert!(refused.contains("refused by J15") && refused.contains("unknown state: Sleeping"), "{refused}");
    let report: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "import", &path])).unwrap();
    assert_eq!(report["unchanged"].as_array().map(Vec::len), Some(3));
}

#[test]
fn export_then_import_into_an_empty_database_gives_back_the_same_jobs() {
    let first = Db::new();
    for name in ["import_full.json", "export_blob_list.json", "list_response.json", "untidy.json"] {
        first.ok(&["import", &fixture(name)]);
    }
    let exported = first.ok(&["export", "--list", "--include-secrets"]);
    let second = Db::new();
    let file = second.path.with_file_name("all.json");
    std::fs::write(&file, &exported).unwrap();
    second.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(second.ok(&["export", "--list", "--include-secrets"]), exported);
    // From standard input too.
    let third = Db::new();
    let out = third.cmd_at(NOW).args(["import", "-"]).write_stdin(exported.clone()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("stdin: 8 jobs — 8 created"));
    assert_eq!(third.ok(&["export", "--list", "--include-secrets"]), exported);
}

#[test]
fn secrets_are_never_shown_by_default_and_export_writes_them_only_when_asked() {
    let db = Db::new();
    db.ok(&["import", &fixture("import_full.json")]);
    let key = "238810-662376-448998-450120-652806-203390-606320-483076";
    for args in [
        &["show", "contoso-archive-2026"][..],
        &["--json", "show", "contoso-archive-2026"],
        &["--json", "jobs"],
        &["--json", "drives"],
        &["drives"],
        &["history", "contoso-archive-2026"],
        &["--json", "history", "contoso-archive-2026"],
        &["export", "contoso-archive-2026"],
        &["export", "--list"],
    ] {
        let out = db.ok(args);
        assert!(!out.contains(key) && !out.contains("bitLockerKey"), "ieops {args:?} printed a secret");
    }
    let with = db.ok(&["export", "--include-secrets", "contoso-archive-2026"]);
    assert!(with.contains(&format!("\"bitLockerKey\": \"{key}\"")), "{with}");
}

#[test]
fn export_writes_one_object_or_a_list_and_says_what_it_needs() {
    let db = Db::new();
    db.ok(&["import", &fixture("list_response.json")]);
    let one: serde_json::Value = serde_json::from_str(&db.ok(&["export", "northwind-backup-2"])).unwrap();
    assert_eq!(one["properties"]["state"], "Shipping");
    assert_eq!(one["properties"]["deliveryPackage"]["shipDate"], "2026-11-15T10:00:00Z");
    let list: serde_json::Value =
        serde_json::from_str(&db.ok(&["export", "--list", "northwind-backup-1", "northwind-export-3"]))
            .unwrap();
    assert_eq!(list["value"].as_array().map(Vec::len), Some(2));
    assert!(list.get("nextLink").is_none());
    let out = db.ok(&["export", "northwind-backup-1"]);
    assert!(out.starts_with("{\n  \"id\": \"/subscriptions/"), "the service's field order: {out}");
    assert_eq!(
        db.fails(2, &["export", "northwind-backup-1", "northwind-export-3"]).trim_end(),
        "ieops: 2 jobs named: give --list to write them as one list response"
    );
    assert_eq!(
        db.fails(2, &["export"]).trim_end(),
        "ieops: name the jobs to export, or give --list to export every active job"
    );
    assert!(db.fails(2, &["export", "no-such-job"]).contains("no job named 'no-such-job'"));
}
