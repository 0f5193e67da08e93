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
