//! Customer text is hostile until shown otherwise. Job names, addresses, notes
//! and drive ids holding ESC, CSI, OSC (title and clipboard), BEL, C1 controls,
//! bidi overrides and zero-width characters reach the store through imports;
//! the CLI's tables show them escaped, and `--json` keeps them exact.

mod support;

use ieops::domain::create::create_job;
use ieops::domain::{Ctx, Drive, DriveState, JobType};
use ieops::store::{Access, Store};
use support::{Db, NOW};

const NAME: &str = "evil\u{1b}]0;pwned\u{7}job";
const NOTE: &str = "\u{1b}[2J\u{1b}[31mwipe\u{1b}]52;c;cm0gLXJmIC8=\u{7}";
const CITY: &str = "Z\u{fc}rich\u{202e}gpj.exe\u{200b}";
const DRIVE: &str = "D\u{9b}31m1";

/// Puts a job full of hostile text into the store, as an import would.
fn hostile_db() -> Db {
    let db = Db::new();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("now").to_utc();
    let ctx = Ctx { operator: "import", now, note: None };
    let mut job = create_job("placeholder", JobType::Import, &["D1".into()], &[], &ctx).expect("create").job;
    job.name = NAME.into();
    job.customer_note = Some(NOTE.into());
    job.return_address.city = Some(CITY.into());
    job.drives.push(Drive::new(DRIVE, DriveState::Specified, now));
    let mut store = Store::open(&db.path, Access::ReadWrite).expect("open");
    store.write(|w| w.insert_job(&job, &[])).expect("insert");
    db
}

/// Bytes that would act on a terminal: ESC, BEL, other C0 but newline, C1, bidi, zero-width.
fn hazards(out: &str) -> Vec<char> {
    out.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}')
        })
        .collect()
}

#[test]
fn tables_show_hostile_text_escaped() {
    let db = hostile_db();
    for args in [&["jobs"][..], &["show", NAME], &["drives"], &["attention"], &["history", NAME]] {
        let out = db.ok(args);
        assert_eq!(hazards(&out), Vec::<char>::new(), "ieops {args:?} wrote raw controls:\n{out}");
    }
    let shown = db.ok(&["show", NAME]);
    assert!(shown.contains("evil\\x1b]0;pwned\\x07job"), "{shown}");
    assert!(shown.contains("\\x1b[2J\\x1b[31mwipe\\x1b]52;c;"), "{shown}");
    assert!(shown.contains("Zürich\\u{202e}gpj.exe\\u{200b}"), "{shown}");
    assert!(shown.contains("D\\x9b31m1"), "{shown}");
}

#[test]
fn json_keeps_hostile_text_exact_and_escaped() {
    let db = hostile_db();
    let out = db.ok(&["--json", "show", NAME]);
    assert_eq!(hazards(&out), Vec::<char>::new(), "JSON escapes controls itself:\n{out}");
    let job: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(job["name"], NAME);
    assert_eq!(job["customerNote"], NOTE);
    assert_eq!(job["returnAddress"]["city"], CITY);
    assert_eq!(job["driveList"][1]["driveId"], DRIVE);
}

#[test]
fn error_messages_escape_what_the_operator_typed() {
    let db = hostile_db();
    let err = db.fails(2, &["show", "nope\u{1b}[2J"]);
    assert_eq!(hazards(&err), Vec::<char>::new(), "{err}");
    let err = db.fails(2, &["act", "x\u{7}y", "cancel"]);
    assert_eq!(hazards(&err), Vec::<char>::new(), "{err}");
}

/// Issue 14: no error path writes customer or operator text raw. A state an
/// import brought in (OSC title, OSC 52 clipboard, RLO, clear screen) is
/// quoted by a refusal; an unknown action, a `--set` key, a `--db` path and a
/// copy message typed by the operator are echoed by other errors. Every byte
/// of stderr is scanned.
#[test]
fn every_error_path_escapes_what_it_quotes() {
    let db = Db::new();
    let evil_state = "\u{1b}]0;PWNED\u{7}\u{1b}]52;c;cm0=\u{7}\u{202e}\u{1b}[2J";
    let doc = serde_json::json!({"name": "evil-state", "properties": {"jobType": "Import", "state": evil_state,
        "driveList": [{"driveId": "WD-1", "state": "Specified"}]}});
    let file = db.path.with_file_name("evil.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    db.ok(&["import", file.to_str().unwrap()]);
    let hostile = "x\u{1b}]0;PWNED\u{7}\u{202e}y";
    let attempts: Vec<Vec<String>> = vec![
        vec!["act".into(), "evil-state/WD-1".into(), "receive".into()],
        vec!["act".into(), "evil-state".into(), hostile.into()],
        vec!["act".into(), "evil-state".into(), "update".into(), "--set".into(), format!("{hostile}=1")],
        vec!["act".into(), format!("{hostile}/WD-1"), "receive".into()],
        vec![
            "arrival".into(),
            "--carrier".into(),
            "UPS".into(),
            "--tracking".into(),
            "1Z".into(),
            "--drive".into(),
            "D1".into(),
            "--job".into(),
            hostile.into(),
        ],
    ];
    let typo_db = assert_cmd::Command::cargo_bin("ieops")
        .expect("binary")
        .args(["--db", &format!("/nonexistent/{hostile}.db"), "jobs"])
        .output()
        .expect("runs");
    let bidi_operator = assert_cmd::Command::cargo_bin("ieops")
        .expect("binary")
        .args(["--db", db.path.to_str().unwrap(), "--operator", hostile, "act", "evil-state", "cancel"])
        .output()
        .expect("runs");
    let outputs = attempts.iter().map(|args| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        (format!("{args:?}"), db.run(&refs))
    });
    let others = [("--db".to_string(), typo_db), ("--operator".to_string(), bidi_operator)];
    for (args, out) in outputs.chain(others) {
        assert!(!out.status.success(), "{args:?} succeeded");
        let bytes = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!bytes.contains(&0x1b) && !bytes.contains(&0x07), "raw control bytes for {args:?}: {text:?}");
        assert!(!text.contains('\u{202e}'), "raw RLO for {args:?}: {text:?}");
        assert!(
            text.contains("\\x1b") || text.contains("\\u{202e}") || text.contains("printable"),
            "{args:?}: {text}"
        );
    }
}
