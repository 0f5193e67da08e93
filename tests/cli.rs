//! The command line end to end: every command, and every kind of bad input
//! (one clear line, the documented exit code, nothing written).

mod support;

use support::{Db, NOW};

#[test]
fn init_creates_a_private_database_and_is_idempotent() {
    let db = Db::uninitialised();
    db.ok(&["init"]);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    db.ok(&["init"]);
}

#[test]
fn job_create_show_and_jobs_list() {
    let db = Db::new();
    let out =
        db.ok(&["job", "create", "acme-2026", "--type", "import", "--drive", "WD-1", "--drive", "WD-2"]);
    assert!(out.contains("acme-2026: create - → Creating (J1)"), "{out}");
    let job = db.job("acme-2026");
    assert_eq!(job["state"], "Creating");
    assert_eq!(job["jobType"], "Import");
    assert_eq!(job["driveList"].as_array().unwrap().len(), 2);
    assert_eq!(job["driveList"][0]["state"], "Specified");
    let list = db.ok(&["jobs"]);
    assert!(list.lines().any(|l| l.starts_with("acme-2026") && l.contains("Creating")), "{list}");
    let shown = db.ok(&["show", "acme-2026"]);
    assert!(shown.contains("C1 in 14d 0h"), "{shown}");
    assert!(shown.contains("ship"), "{shown}");
}

#[test]
fn act_ships_and_records_history() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    assert_eq!(db.state("acme-2026"), "Shipping");
    let history = db.ok(&["history", "acme-2026"]);
    assert!(history.contains("Creating  Shipping  J4"), "{history}");
    let json: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "history", "acme-2026"])).unwrap();
    let events = json.as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["operator"], "tester");
    assert_eq!(events[1]["rule"], "J4");
}

#[test]
fn arrival_receives_drives_and_applies_j8() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1", "WD-2"], NOW);
    let out =
        db.ok(&["arrival", "--carrier", "UPS", "--tracking", "1Z1", "--drive", "WD-1", "--drive", "WD-2"]);
    assert!(out.contains("acme-2026: consequence Shipping → Received (J8)"), "{out}");
    assert_eq!(db.state("acme-2026"), "Received");
    let drives = db.ok(&["drives", "--job", "acme-2026", "--state", "received"]);
    assert_eq!(drives.lines().count(), 3, "{drives}");
}

#[test]
fn arrival_without_a_job_is_held_and_listed_for_attention() {
    let db = Db::new();
    let out = db.ok(&["arrival", "--carrier", "DHL", "--tracking", "JD0001", "--drive", "ZZ-9"]);
    assert!(out.contains("arrival:1: arrival - → Held (E1)"), "{out}");
    let attention = db.ok(&["attention"]);
    assert!(attention.lines().any(|l| l.starts_with("E1") && l.contains("arrival:1")), "{attention}");
    let actions = db.ok(&["actions", "arrival:1"]);
    assert!(actions.contains("contact"), "{actions}");
    assert!(!actions.contains("return-drives"), "C5 has not passed: {actions}");
    db.fails(3, &["act", "arrival:1", "return-drives"]);
}

#[test]
fn actions_lists_what_is_valid_with_its_rule() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    let json: serde_json::Value =
        serde_json::from_str(&db.ok(&["--json", "actions", "acme-2026/WD-1"])).unwrap();
    let names: Vec<&str> =
        json["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    // D3: never-received only once the package came without it, or C3 passed.
    assert_eq!(names, ["receive", "fault"]);
    assert_eq!(json["actions"][0]["rule"], "D2");
}

#[test]
fn sweep_dry_run_writes_nothing_and_sweep_applies() {
    let db = Db::new();
    db.ok_at("2026-11-01T00:00:00Z", &["job", "create", "stale-job", "--type", "export"]);
    let before = db.bytes();
    let out = db.ok(&["sweep", "--dry-run"]);
    assert!(out.contains("sweep would change 1 jobs"), "{out}");
    assert_eq!(db.bytes(), before);
    let out = db.ok(&["sweep"]);
    assert!(out.contains("stale-job: sweep Creating → archived (J2)"), "{out}");
    assert!(db.ok(&["jobs"]).contains("(no jobs match)"));
    assert!(db.ok(&["jobs", "--archived"]).contains("stale-job"));
    let again = db.ok(&["sweep"]);
    assert!(again.contains("sweep changed 0 jobs"), "idempotent: {again}");
    let history: serde_json::Value =
        serde_json::from_str(&db.ok(&["--json", "history", "stale-job"])).unwrap();
    assert_eq!(history[1]["operator"], "system");
}

#[test]
fn overdue_filter_lists_shipping_jobs_past_c2() {
    let db = Db::new();
    db.shipping_import("late-job", &["WD-1"], "2026-11-01T00:00:00Z");
    db.shipping_import("fresh-job", &["WD-2"], "2026-11-20T00:00:00Z");
    let out = db.ok(&["jobs", "--state", "shipping", "--overdue"]);
    assert!(out.contains("late-job") && !out.contains("fresh-job"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "jobs", "--attention"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
}

#[test]
fn demo_fills_an_empty_database_once() {
    let db = Db::uninitialised();
    let out = db.ok(&["demo", "--jobs", "45"]);
    assert!(out.contains("45 jobs"), "{out}");
    let err = db.fails(2, &["demo"]);
    assert!(err.contains("already holds data"), "{err}");
    let attention = db.ok(&["attention"]);
    for rule in ["E1", "E2", "E4", "E6"] {
        assert!(attention.lines().any(|l| l.starts_with(rule)), "{rule} missing: {attention}");
    }
}

// ------------------------------------------------------------------ bad input

#[test]
fn unknown_job_is_bad_input() {
    let db = Db::new();
    let before = db.bytes();
    let err = db.fails(2, &["act", "nope", "cancel"]);
    assert!(err.contains("no job named 'nope'"), "{err}");
    db.fails(2, &["show", "nope"]);
    assert_eq!(db.bytes(), before);
}

#[test]
fn unknown_drive_and_unknown_action_are_bad_input() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    let before = db.bytes();
    let err = db.fails(2, &["act", "acme-2026/WD-7", "receive"]);
    assert!(err.contains("has no drive WD-7; its drives: WD-1"), "{err}");
    let err = db.fails(2, &["act", "acme-2026", "teleport"]);
    assert!(err.contains("unknown job action 'teleport': expected one of update, ship"), "{err}");
    assert_eq!(db.bytes(), before);
}

/// Issue 15: a mistyped command, action or job is answered with the closest
/// names, in one line, exit 2, nothing written.
#[test]
fn mistyped_commands_actions_and_jobs_get_did_you_mean() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    db.ok(&["job", "create", "contoso-backup", "--type", "export"]);
    let before = db.bytes();
    let err = db.fails(2, &["jbos"]);
    assert!(
        err.contains("unrecognized subcommand 'jbos'; tip: some similar subcommands exist: 'job', 'jobs'"),
        "{err}"
    );
    let err = db.fails(2, &["jobs", "--overdeu"]);
    assert!(err.contains("tip: a similar argument exists: '--overdue'"), "{err}");
    let err = db.fails(2, &["act", "acme-2026", "recieve"]);
    assert!(
        err.contains(
            "unknown job action 'recieve': did you mean 'receive'? 'receive' applies to a drive (JOB/DRIVE)"
        ),
        "{err}"
    );
    let err = db.fails(2, &["act", "acme-2026/WD-1", "recieve"]);
    assert!(err.contains("unknown drive action 'recieve': did you mean 'receive'?"), "{err}");
    let err = db.fails(2, &["act", "acme-2026/WD-1", "ship"]);
    assert!(err.contains("'ship' applies to a job (JOB), not to a drive"), "{err}");
    // A unique prefix names the job; a typo finds it too; the drive is kept.
    let err = db.fails(2, &["show", "cont"]);
    assert!(err.contains("no job named 'cont': did you mean 'contoso-backup'?"), "{err}");
    let err = db.fails(2, &["act", "acme-2062/WD-1", "receive"]);
    assert!(err.contains("did you mean 'acme-2026/WD-1'?"), "{err}");
    let err = db.fails(2, &["act", "zzz", "cancel"]);
    assert!(!err.contains("did you mean"), "{err}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn bad_key_and_bad_value_are_bad_input() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-2026", "--type", "import", "--drive", "WD-1"]);
    let before = db.bytes();
    let err = db.fails(2, &["act", "acme-2026", "update", "--set", "returnAddress.town=Paris"]);
    assert!(err.contains("'update' does not take returnAddress.town"), "{err}");
    let err = db.fails(2, &["act", "acme-2026", "update", "--set", "returnAddress.email=nope"]);
    assert!(err.contains("returnAddress.email: 'nope' is not an email address"), "{err}");
    let err = db.fails(2, &["act", "acme-2026", "update", "--set", "novalue"]);
    assert!(err.contains("is not KEY=VALUE"), "{err}");
    let err = db.fails(2, &["job", "create", "x y", "--type", "import", "--drive", "A"]);
    assert!(err.contains("job name 'x y' is not valid"), "{err}");
    let out = assert_cmd::Command::cargo_bin("ieops")
        .unwrap()
        .arg("--db")
        .arg(&db.path)
        .args(["--now", "yesterday", "jobs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now 'yesterday' is not a time"));
    assert_eq!(db.bytes(), before);
}

#[test]
fn refusal_names_the_rule_and_writes_nothing() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-2026", "--type", "import", "--drive", "WD-1"]);
    let before = db.bytes();
    let err = db.fails(3, &["act", "acme-2026", "ship", "--set", "deliveryPackage.carrierName=UPS"]);
    assert!(err.contains("refused by J4"), "{err}");
    assert!(err.contains("deliveryPackage.trackingNumber"), "{err}");
    assert_eq!(db.bytes(), before);
    let err = db.fails(3, &["job", "create", "acme-2026", "--type", "import", "--drive", "WD-9"]);
    assert!(err.contains("acme-2026"), "{err}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn missing_database_directory_is_bad_input_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("ieops.db");
    let out =
        assert_cmd::Command::cargo_bin("ieops").unwrap().arg("--db").arg(&path).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "shopping list: milk, eggs\n".repeat(100)).unwrap();
    let before = std::fs::read(&path).unwrap();
    for args in [&["init"][..], &["jobs"][..]] {
        let out = assert_cmd::Command::cargo_bin("ieops")
            .unwrap()
            .arg("--db")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("not an ieops database") || stderr.contains("not a database"), "{stderr}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_missing_database_is_not_created_by_a_read() {
    let db = Db::uninitialised();
    let err = db.fails(2, &["jobs"]);
    assert!(err.contains("create it with `ieops init`"), "{err}");
    assert!(!db.path.exists());
}

#[test]
fn read_only_refuses_every_write_command_with_exit_5() {
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    let before = db.bytes();
    let writes: &[&[&str]] = &[
        &["init"],
        &["demo"],
        &["job", "create", "other", "--type", "export"],
        &["act", "acme-2026", "cancel"],
        &["act", "acme-2026/WD-1", "receive"],
        &["arrival", "--carrier", "UPS", "--tracking", "1", "--drive", "WD-1"],
        &["sweep"],
    ];
    for args in writes {
        let mut full = vec!["--read-only"];
        full.extend_from_slice(args);
        let err = db.fails(5, &full);
        assert!(err.contains("read-only"), "{err}");
    }
    db.ok(&["--read-only", "jobs"]);
    db.ok(&["--read-only", "sweep", "--dry-run"]);
    db.ok(&["--read-only", "show", "acme-2026"]);
    assert_eq!(db.bytes(), before);
}

#[test]
fn json_output_keeps_customer_text_exact_while_tables_escape_it() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-2026", "--type", "export"]);
    // Operators cannot type control characters; customers' text arrives by import.
    // Here the note holds a bidi override, which is printable but reorders text.
    db.ok(&["act", "acme-2026", "update", "--set", "customerNote=invoice\u{202e}fdp.exe"]);
    let shown = db.ok(&["show", "acme-2026"]);
    assert!(shown.contains("invoice\\u{202e}fdp.exe"), "{shown}");
    assert!(!shown.contains('\u{202e}'));
    assert_eq!(db.job("acme-2026")["customerNote"], "invoice\u{202e}fdp.exe");
}

#[test]
fn help_lists_exit_codes() {
    let db = Db::new();
    let out = db.ok(&["--help"]);
    assert!(out.contains("3 refused by the rules"), "{out}");
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("under --json, one JSON object"), "{out}");
    for command in ["audit", "completions", "man"] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(command)), "{command}: {out}");
    }
}

/// Runs ieops on an arbitrary --db path; returns (exit code, stderr).
fn on_path(path: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("ieops")
        .unwrap()
        .arg("--db")
        .arg(path)
        .args(["--operator", "tester"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_directory_truncated_file_or_newer_schema_is_refused_in_one_line_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    // The path is a directory.
    let (code, err) = on_path(dir.path(), &["jobs"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);

    // A truncated SQLite file.
    let db = Db::new();
    db.shipping_import("acme-2026", &["WD-1"], NOW);
    let whole = std::fs::read(&db.path).unwrap();
    let truncated = dir.path().join("truncated.db");
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    for args in [&["jobs"][..], &["act", "acme-2026", "cancel"]] {
        let (code, err) = on_path(&truncated, args);
        assert_ne!(code, Some(0), "{args:?} on a truncated file");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    assert_eq!(
        std::fs::read(&truncated).unwrap(),
        &whole[..whole.len() / 3],
        "the truncated file was touched"
    );

    // A schema from a newer ieops.
    let newer = dir.path().join("newer.db");
    std::fs::write(&newer, &whole).unwrap();
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let before = std::fs::read(&newer).unwrap();
    for args in [&["jobs"][..], &["init"], &["act", "acme-2026", "cancel"]] {
        let (code, err) = on_path(&newer, args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains("schema version 99 is newer than this ieops supports"), "{err}");
    }
    assert_eq!(std::fs::read(&newer).unwrap(), before, "the newer database was touched");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no file appeared beside them: {leftovers:?}");
}

#[test]
fn s6_the_operator_is_taken_from_the_environment_then_the_os_account() {
    let db = Db::new();
    let run = |env: &[(&str, &str)], name: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("ieops").unwrap();
        // A container or cron job: no USER, no LOGNAME, only PATH.
        cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.envs(env.iter().copied()).arg("--db").arg(&db.path).args(["--now", NOW, "--json"]);
        cmd.args(["job", "create", name, "--type", "import", "--drive", name]).output().unwrap()
    };
    let operator_of = |name: &str| -> serde_json::Value {
        let history: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "history", name])).unwrap();
        history[0]["operator"].clone()
    };
    // LOGNAME names the operator when USER is not set.
    let out = run(&[("LOGNAME", "ana")], "logname-job");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(operator_of("logname-job"), "ana");
    // Neither set: the account the process runs as (root in CI).
    let out = run(&[], "account-job");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(operator_of("account-job"), account_name());
}

/// The passwd entry of the uid the tests run as.
fn account_name() -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").unwrap().uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let entry =
        passwd.lines().map(|l| l.split(':').collect::<Vec<_>>()).find(|f| f.get(2) == Some(&uid.as_str()));
    entry.expect("the test's uid has a passwd entry")[0].to_string()
}

/// An account with no name (a uid no passwd entry holds) and no USER or
/// LOGNAME: a write is refused, nothing written. Needs root to switch uid.
#[test]
fn s6_a_write_by_an_account_with_no_name_is_refused() {
    if !support::is_root() {
        eprintln!("not root: cannot run as a uid with no passwd entry; left to CI");
        return;
    }
    let db = Db::new();
    let before = db.bytes();
    let argv: Vec<std::ffi::OsString> = support::unprivileged_command()
        .into_iter()
        .map(|a| match a.to_str() {
            Some("--reuid=65534") => "--reuid=4242".into(),
            Some("--regid=65534") => "--regid=4242".into(),
            _ => a,
        })
        .collect();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    assert!(!passwd.lines().any(|l| l.split(':').nth(2) == Some("4242")), "uid 4242 has a name here");
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("--db")
        .arg(&db.path)
        .args(["job", "create", "nobody-job", "--type", "export"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no operator name: pass --operator NAME"), "{err}");
    assert_eq!(db.bytes(), before);
}

/// Issue 13: a mistyped `--job` is refused with the closest names, not held
/// silently; `--hold` records a package naming a job not on record (E1). A
/// label that is not the job's delivery package is a warning, not a refusal.
#[test]
fn arrival_refuses_an_unknown_job_with_did_you_mean_and_warns_of_a_foreign_label() {
    let db = Db::new();
    db.shipping_import("acme-import-7", &["WD-1", "WD-2"], NOW);
    let before = db.bytes();
    let err = db.fails(
        2,
        &["arrival", "--carrier", "UPS", "--tracking", "1Z", "--drive", "X1", "--job", "acme-improt-7"],
    );
    assert!(
        err.contains("no active job named 'acme-improt-7'") && err.contains("did you mean acme-import-7?"),
        "{err}"
    );
    assert!(err.contains("--hold"), "{err}");
    assert_eq!(db.bytes(), before, "nothing was written");

    let out = db.ok(&[
        "arrival",
        "--carrier",
        "UPS",
        "--tracking",
        "1Z",
        "--drive",
        "X1",
        "--job",
        "not-yet-made",
        "--hold",
    ]);
    assert!(out.contains("arrival:1") && out.contains("(E1)"), "{out}");

    // SHIPPABLE's delivery package is UPS 1Z999AA10123456784; this one came by FedEx.
    let out = db.run(&["arrival", "--carrier", "FedEx", "--tracking", "7777", "--drive", "WD-1"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "warning: job acme-import-7 expects UPS 1Z999AA10123456784, the package came as FedEx 7777"
        ),
        "{stderr}"
    );
    let out = db.run(&["arrival", "--carrier", "UPS", "--tracking", "1Z999AA10123456784", "--drive", "WD-2"]);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    // Under --json the warning is a JSON object on stderr (issue 15).
    db.shipping_import("json-import-9", &["WD-3"], NOW);
    let out = db.run(&["--json", "arrival", "--carrier", "DHL", "--tracking", "8888", "--drive", "WD-3"]);
    assert!(out.status.success());
    let warning: serde_json::Value = serde_json::from_slice(&out.stderr).expect("one JSON object on stderr");
    assert!(
        warning["warning"].as_str().is_some_and(|w| w.contains("the package came as DHL 8888")),
        "{warning}"
    );
}

/// Issue 12: `import --bitlocker-keys JOB FILE` takes List BitLocker Keys'
/// answer; the keys are stored, never printed.
#[test]
fn import_bitlocker_keys_attaches_keys_without_showing_them() {
    let db = Db::new();
    db.shipping_import("acme-keys", &["WD-1", "WD-2"], NOW);
    let file = db.path.with_file_name("keys.json");
    let keys = r#"{"value": [{"bitLockerKey": "KEY-ONE-111", "driveId": "WD-1"}, {"bitLockerKey": "KEY-TWO-222", "driveId": "WD-2"}]}"#;
    std::fs::write(&file, keys).unwrap();
    let out = db.ok(&["import", "--bitlocker-keys", "acme-keys", file.to_str().unwrap()]);
    assert!(out.contains("2 BitLocker keys attached to the drives of acme-keys"), "{out}");
    for shown in [
        out,
        db.ok(&["show", "acme-keys"]),
        db.ok(&["history", "acme-keys"]),
        db.ok(&["export", "acme-keys"]),
    ] {
        assert!(!shown.contains("KEY-ONE-111"), "a key was shown: {shown}");
    }
    let secret = db.ok(&["export", "acme-keys", "--include-secrets"]);
    assert!(secret.contains("KEY-ONE-111") && secret.contains("KEY-TWO-222"), "{secret}");
}

/// Issue 14: a write that fails is never exit 0. Standard output on a full
/// device, and `export --output` on a full file system: exit 1, one line
/// naming what was lost; `--output` leaves the file as it was.
#[test]
fn a_failed_output_write_is_exit_1_and_export_output_is_whole_or_nothing() {
    let db = Db::new();
    db.shipping_import("acme-full", &["WD-1"], NOW);
    for args in [
        &["history", "acme-full"][..],
        &["--json", "jobs"],
        &["export", "acme-full"],
        &["--help"],
        &["--version"],
    ] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("ieops"))
            .arg("--db")
            .arg(&db.path)
            .args(["--operator", "tester", "--now", NOW])
            .args(args)
            .stdout(full)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("standard output") && err.contains("No space left"), "{args:?}: {err}");
    }

    // --output: whole, or the file left as it was.
    let backup = db.path.with_file_name("backup.json");
    db.ok(&["export", "--list", "--output", backup.to_str().unwrap()]);
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&backup).unwrap()).expect("whole JSON");
    assert_eq!(written["value"][0]["name"], "acme-full");
    // A 16 KiB file system the export does not fit in (root can mount one, as CI is).
    let small = db.path.with_file_name("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs", small.to_str().unwrap()])
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small tmpfs here (not root): the full-disk --output case is left to CI");
        return;
    }
    let target = small.join("backup.json");
    std::fs::write(&target, b"the previous backup").unwrap();
    let note = "n".repeat(200);
    for i in 0..40 {
        db.ok(&[
            "job",
            "create",
            &format!("bulk-{i:02}"),
            "--type",
            "import",
            "--drive",
            &format!("B{i}"),
            "--set",
            &format!("customerNote={}", &note[..200]),
        ]);
    }
    let out = db.run(&["export", "--list", "--output", target.to_str().unwrap()]);
    let kept = std::fs::read(&target);
    let _ = std::process::Command::new("umount").arg(&small).status();
    assert_eq!(kept.unwrap_or_default(), b"the previous backup", "the old backup is left whole");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write") && err.contains("nothing was written there"), "{err}");
}

/// Issue 14: `--db` naming a FIFO is refused at once (it would block forever),
/// and the default data directory is private whatever the umask.
#[test]
fn a_fifo_db_is_refused_and_the_default_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.db");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = assert_cmd::Command::cargo_bin("ieops")
        .unwrap()
        .args(["--db", fifo.to_str().unwrap(), "jobs"])
        .timeout(std::time::Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a regular file"));

    let data = dir.path().join("data");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{}' --operator op init",
            assert_cmd::cargo::cargo_bin("ieops").display()
        ))
        .env("XDG_DATA_HOME", &data)
        .env_remove("IEOPS_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(data.join("ieops")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

/// The console without a terminal (cron, `ssh` without `-t`, a pipe) is one
/// line and exit 2, before anything is opened: not a panic with a backtrace.
#[test]
fn the_console_without_a_terminal_is_refused_in_one_line() {
    let db = Db::new();
    let before = db.bytes();
    let demo = || {
        let mut cmd = assert_cmd::Command::cargo_bin("ieops").expect("binary built");
        cmd.arg("--demo");
        cmd
    };
    for mut cmd in [db.cmd_at(NOW), demo()] {
        let out = cmd.output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("needs a terminal"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    assert_eq!(db.bytes(), before);
}

/// Issue 14: an endless input stops at the import limit (documented, raised
/// with --max-bytes) instead of filling the memory; nothing is written.
#[test]
fn import_of_an_endless_input_stops_at_the_limit() {
    let db = Db::new();
    let before = db.bytes();
    let out = db
        .cmd_at(NOW)
        .args(["import", "/dev/zero", "--max-bytes", "1048576"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 1048576 bytes") && err.contains("--max-bytes"), "{err}");
    assert_eq!(db.bytes(), before);
}

/// Issue 14: messages that say what is really wrong. A `-shm` or `-wal` that
/// is a directory is named as such; an empty file is empty, not an old schema
/// "to open without --read-only"; a read-only file system is exit 5 and says
/// so (root can mount one, as CI is), and `--read-only` still reads it.
#[test]
fn side_file_directories_empty_files_and_read_only_file_systems_are_named() {
    let db = Db::new();
    for suffix in ["-shm", "-wal"] {
        let side = format!("{}{suffix}", db.path.display());
        std::fs::create_dir(&side).unwrap();
        let err = db.fails(2, &["jobs"]);
        assert!(err.contains(&format!("{suffix} is a directory")) && !err.contains("--read-only)"), "{err}");
        std::fs::remove_dir(&side).unwrap();
    }
    let empty = db.path.with_file_name("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for read_only in [false, true] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("ieops"))
            .args(["--db", empty.to_str().unwrap()])
            .args(if read_only { &["--read-only", "jobs"][..] } else { &["jobs"][..] })
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is empty, not yet a database: run `ieops init`"), "{err}");
    }

    let ro = db.path.with_file_name("ro");
    std::fs::create_dir_all(&ro).unwrap();
    let mount =
        |args: &[&str]| std::process::Command::new("mount").args(args).status().is_ok_and(|s| s.success());
    if !mount(&["-t", "tmpfs", "-o", "size=1m", "tmpfs", ro.to_str().unwrap()]) {
        eprintln!("cannot mount a tmpfs here (not root): the read-only file system case is left to CI");
        return;
    }
    let path = ro.join("x.db");
    let run = |args: &[&str]| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("ieops"))
            .args(["--db", path.to_str().unwrap(), "--operator", "op"])
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    let remounted = mount(&["-o", "remount,ro", ro.to_str().unwrap()]);
    let write = run(&["job", "create", "a-job", "--type", "export"]);
    let look = run(&["--read-only", "jobs"]);
    let _ = std::process::Command::new("umount").arg(&ro).status();
    assert!(remounted);
    assert_eq!(write.status.code(), Some(5), "{}", String::from_utf8_lossy(&write.stderr));
    assert!(String::from_utf8_lossy(&write.stderr).contains("is on a read-only file system"));
    assert!(look.status.success(), "{}", String::from_utf8_lossy(&look.stderr));
}

// ------------------------------------------------------------ issue 15: CLI

/// `ieops act --help` lists every action of the domain's table, with where
/// it applies, its rules and its parameters.
#[test]
fn act_help_lists_every_action_with_target_rules_and_parameters() {
    let db = Db::new();
    let help = db.ok(&["act", "--help"]);
    for kind in ieops::domain::ActionKind::ALL {
        let rules: Vec<&str> = kind.rules().iter().map(|r| r.id()).collect();
        let at = help
            .lines()
            .position(|l| l.split_whitespace().next() == Some(kind.name()))
            .unwrap_or_else(|| panic!("{} is not listed: {help}", kind.name()));
        let row = help.lines().nth(at).unwrap();
        assert!(row.ends_with(&rules.join(", ")), "{row}");
        for target in kind.targets() {
            assert!(row.contains(&target.to_string()), "{row}");
        }
        let params = help.lines().nth(at + 1).unwrap();
        for param in kind.params() {
            assert!(params.contains(&format!("{}=<", param.key)), "{row}\n{params}");
        }
    }
    assert!(help.lines().all(|l| l.chars().count() <= 100), "{help}");
    assert!(help.contains("  receive                drive          D1, D2, D4, D9, S9, S12\n"), "{help}");
}

/// Runs with `--json` and returns (exit code, stdout, the error object on stderr).
fn json_failure(db: &Db, args: &[&str]) -> (Option<i32>, String, serde_json::Value) {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let out = db.run(&full);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let error = serde_json::from_str(&stderr).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), error)
}

/// Under --json a failure is one JSON object on stderr, the exit code unchanged.
#[test]
fn json_errors_keep_the_exit_code_and_escape_the_message() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-2026", "--type", "import", "--drive", "WD-1"]);
    let before = db.bytes();
    let (code, stdout, e) = json_failure(&db, &["act", "acme-2026", "ship"]);
    assert_eq!((code, stdout.as_str()), (Some(3), ""));
    assert_eq!(e["error"]["code"], 3);
    assert_eq!(e["error"]["kind"], "refused");
    assert_eq!(e["error"]["rule"], "J4", "a refusal names its rule");
    assert!(e["error"]["message"].as_str().unwrap().contains("refused by J4"), "{e}");

    let (code, _, e) = json_failure(&db, &["act", "acme-2026", "teleport"]);
    assert_eq!(code, Some(2));
    assert_eq!(e["error"]["kind"], "bad-input");
    assert!(e["error"]["message"].as_str().unwrap().starts_with("unknown job action 'teleport'"), "{e}");

    let (code, _, e) = json_failure(&db, &["--read-only", "act", "acme-2026", "cancel"]);
    assert_eq!(code, Some(5));
    assert_eq!(
        e["error"],
        serde_json::json!({"code": 5, "kind": "read-only", "message": e["error"]["message"]})
    );

    // A usage error, and a name with a terminal escape and a bidi override:
    // serde escapes them, the parsed message holds them exactly.
    let (code, _, e) = json_failure(&db, &["jbos"]);
    assert_eq!((code, e["error"]["kind"].as_str()), (Some(2), Some("bad-input")));
    let hostile = "x\u{1b}[2J\u{202e}y";
    let out = db.run(&["--json", "act", "acme-2026", hostile]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'), "raw hazard: {stderr:?}");
    let e: serde_json::Value = serde_json::from_str(&stderr).unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().starts_with(&format!("unknown job action '{hostile}'")),
        "{e}"
    );
    assert_eq!(db.bytes(), before);
}

/// Completion scripts and the man page come from clap, open no database
/// (a --db whose directory is missing is not even looked at), and a lost
/// write to standard output is exit 1.
#[test]
fn completions_and_man_page_need_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing").join("ieops.db");
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("ieops")
            .unwrap()
            .arg("--db")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let bash = run(&["completions", "bash"]);
    assert!(
        bash.contains("_ieops()") && bash.contains("attention") && bash.contains("completions"),
        "{bash}"
    );
    let zsh = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef ieops") && zsh.contains("history"), "{zsh}");
    let fish = run(&["completions", "fish"]);
    assert!(fish.contains("complete -c ieops") && fish.contains("sweep"), "{fish}");
    // `act`'s actions are offered, every one of the domain's (fish has no positional values).
    for shell in [&bash, &zsh] {
        assert!(ieops::domain::ActionKind::ALL.iter().all(|k| shell.contains(k.name())), "{shell}");
    }
    let man = run(&["man"]);
    assert!(man.lines().any(|l| l.starts_with(".TH ieops 1")), "{man}");
    assert!(man.contains("arrivals"), "{man}");
    assert!(!dir.path().join("missing").exists());

    for args in [&["completions", "bash"][..], &["man"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("ieops"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("No space left"), "{args:?}");
    }
}

/// `ieops audit`: each filter narrows the log to exactly the events it names,
/// newest first, against the demo's.
#[test]
fn audit_filters_by_rule_operator_time_and_text() {
    let db = Db::uninitialised();
    db.ok(&["demo", "--jobs", "40"]);
    let list = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut full = vec!["--json", "audit", "--limit", "1000000"];
        full.extend_from_slice(args);
        serde_json::from_str::<serde_json::Value>(&db.ok(&full)).unwrap().as_array().unwrap().clone()
    };
    let all = list(&[]);
    assert!(all.len() > 500, "{}", all.len());
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let ats: Vec<&str> = all.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let expect = |filtered: Vec<serde_json::Value>, keep: &dyn Fn(&serde_json::Value) -> bool| {
        let wanted: Vec<i64> = all.iter().filter(|e| keep(e)).map(|e| e["id"].as_i64().unwrap()).collect();
        let got: Vec<i64> = filtered.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(!got.is_empty() && got.len() < ids.len(), "narrowed: {} of {}", got.len(), ids.len());
        assert_eq!(got, wanted);
    };
    expect(list(&["--rule", "e1"]), &|e| e["rule"] == "E1");
    let who =
        all.iter().map(|e| e["operator"].as_str().unwrap()).find(|o| *o != "portal").unwrap().to_string();
    expect(list(&["--who", &who]), &|e| e["operator"] == who.as_str());
    let mid = ats[ats.len() / 2];
    expect(list(&["--since", mid]), &|e| e["at"].as_str().unwrap() >= mid);
    expect(list(&["--until", mid]), &|e| e["at"].as_str().unwrap() < mid);
    // A bare date takes in its whole day (as the console's `until:` does).
    let day = &mid[..10];
    let next =
        (chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + chrono::Duration::days(1)).to_string();
    expect(list(&["--until", day]), &|e| e["at"].as_str().unwrap() < next.as_str());
    let contains =
        |e: &serde_json::Value, key: &str| e[key].as_str().is_some_and(|t| t.to_lowercase().contains("held"));
    expect(list(&["--grep", "HELD"]), &|e| contains(e, "detail") || contains(e, "note"));
    expect(list(&["--rule", "D5", "--who", &who]), &|e| e["rule"] == "D5" && e["operator"] == who.as_str());
    let newest: Vec<serde_json::Value> =
        serde_json::from_str(&db.ok(&["--json", "audit", "--limit", "3"])).unwrap();
    assert_eq!(newest, all[..3]);
    let table = db.ok(&["audit", "--rule", "E1"]);
    assert!(table.starts_with("WHEN") && table.lines().skip(1).all(|l| l.contains(" E1 ")), "{table}");

    let err = db.fails(2, &["audit", "--since", "last tuesday"]);
    assert!(err.contains("invalid value 'last tuesday' for '--since") && err.contains("RFC 3339"), "{err}");
    let err = db.fails(2, &["audit", "--rule", "J99"]);
    assert!(err.contains("unknown rule ID 'J99'"), "{err}");
}

/// Notes are the operator's own words: `audit --grep` finds them, and the
/// table shows a terminal escape in them as text, never raw.
#[test]
fn audit_grep_finds_notes_and_the_table_escapes_them() {
    let db = Db::new();
    db.ok(&["job", "create", "acme-2026", "--type", "export", "--note", "Dock 3 \u{1b}[2Jcleared"]);
    db.ok(&["job", "create", "other-2026", "--type", "export", "--note", "dock 4"]);
    let table = db.ok(&["audit", "--grep", "DOCK 3"]);
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(
        table.contains("acme-2026") && table.contains("\\x1b[2J") && !table.contains('\u{1b}'),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&db.ok(&["--json", "audit", "--grep", "dock"])).unwrap();
    let names: Vec<&str> = json.as_array().unwrap().iter().map(|e| e["jobName"].as_str().unwrap()).collect();
    assert_eq!(names, ["other-2026", "acme-2026"], "newest first");
    assert!(db.ok(&["audit", "--grep", "%"]).contains("(no events)"), "no LIKE wildcards");
}

/// Issue 15: the settings file (`$IEOPS_CONFIG`, else the XDG config
/// directory) gives the database and the operator when no flag or variable
/// does; `ieops config` shows each value in force and where it came from;
/// a flag wins over the file, the file over $USER.
#[test]
fn the_settings_file_supplies_database_and_operator_and_config_shows_their_sources() {
    let db = Db::new();
    let home = tempfile::tempdir().expect("a home");
    let config_dir = home.path().join(".config/ieops");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    let file = config_dir.join("config.toml");
    let text =
        format!("database = {:?}\noperator = \"amara\"\ntheme = \"high-contrast\"\n", db.path.display());
    std::fs::write(&file, text).expect("settings written");
    let ieops = || {
        let mut cmd = assert_cmd::Command::cargo_bin("ieops").expect("binary built");
        cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).env("HOME", home.path());
        cmd.env("USER", "bob");
        cmd
    };
    let shown = ieops().arg("config").output().expect("runs");
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains(&format!("settings file  {}", file.display())), "{shown}");
    assert!(shown.contains(&format!("database       {}  (settings file)", db.path.display())), "{shown}");
    assert!(shown.contains("operator       amara  (settings file)"), "{shown}");
    assert!(shown.contains("theme          high-contrast  (settings file)"), "{shown}");
    assert!(shown.contains("refresh-ms     250  (default)"), "{shown}");

    let flagged = ieops().args(["--operator", "chidi", "config"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&flagged.stdout).contains("operator       chidi  (--operator)"));
    let json = ieops().args(["--json", "config"]).output().expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["operator"]["source"], "settings file");

    // A command uses them: the job lands in the settings file's database, by amara.
    let created =
        ieops().args(["job", "create", "settings-job", "--type", "import", "--drive", "SET-1"]).output();
    assert!(created.expect("runs").status.success());
    let history = db.ok(&["--json", "history", "settings-job"]);
    assert!(history.contains("\"operator\":\"amara\""), "{history}");

    // A mistake in the file: exit 2, one line naming the file and the line,
    // nothing written. What only the console uses (a theme) stops the console
    // and `ieops config`, not a script's command.
    std::fs::write(&file, format!("database = {:?}\noperater = \"amara\"\n", db.path.display()))
        .expect("written");
    let before = db.bytes();
    let refused =
        ieops().args(["job", "create", "another-job", "--type", "import", "--drive", "SET-2"]).output();
    let refused = refused.expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("settings file {}: line 2: unknown field `operater`", file.display())),
        "{err}"
    );
    std::fs::write(&file, "theme = \"neon\"\n").expect("settings written");
    let shown = ieops().arg("config").output().expect("runs");
    assert_eq!(shown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&shown.stderr);
    assert!(
        err.contains(&format!(
            "settings file {}: theme is one of dark, light, high-contrast, not 'neon'",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(db.bytes(), before, "nothing written");
}
