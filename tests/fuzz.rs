//! Random input for every parser an operator's or customer's text reaches:
//! `--set KEY=VALUE` (with each action's parameters), job fields, the
//! console's filter, and untrusted-text escaping. None may panic.
//!
//! CI runs a short slice; the full run is
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

use ieops::console::filter::Filter;
use ieops::domain::field::Field;
use ieops::domain::{Action, ActionKind, TargetKind};
use ieops::text::visible;
use proptest::prelude::*;

/// Any string, biased towards the characters that break parsers and terminals.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[=:/ a-zA-Z0-9.\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{200b}-\\u{202e}\\u{2066}-\\u{2069}-]{0,40}",
        prop::sample::select(vec![
            "state:",
            "type:",
            "overdue",
            "faulted",
            "=",
            "==",
            "a=b=c",
            "message=:",
            "message=error:",
            "days=-1",
            "days=99999999999999999999",
            "percent=101",
            "\u{1b}[2J",
            "\u{1b}]52;c;aGk=\u{7}",
        ])
        .prop_map(String::from),
    ]
}

fn config() -> ProptestConfig {
    // A short slice in CI; PROPTEST_CASES sets the long run (100,000).
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn action_parameters_never_panic(
        target in prop::sample::select(vec![TargetKind::Job, TargetKind::Drive, TargetKind::Arrival]),
        name in prop_oneof![prop::sample::select(ActionKind::ALL.iter().map(|k| k.name().to_string()).collect::<Vec<_>>()), nasty()],
        sets in prop::collection::vec((nasty(), nasty()), 0..5),
    ) {
        let _ = Action::parse(target, &name, &sets);
    }

    #[test]
    fn every_field_validates_any_value_without_panicking(value in nasty()) {
        for field in Field::ALL {
            if let Ok(set) = field.validate(&value) {
                // What validates never carries a control character into the store.
                if let ieops::domain::field::FieldValue::Text(Some(text)) = &set.value {
                    prop_assert!(!text.chars().any(char::is_control));
                }
            }
        }
    }

    #[test]
    fn the_filter_parser_never_panics(text in nasty()) {
        let _ = Filter::parse(&text);
    }

    #[test]
    fn visible_text_carries_no_control_character(text in nasty()) {
        let shown = visible(&text);
        prop_assert!(!shown.chars().any(|c| c.is_control()));
        let reorders = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}');
        prop_assert!(!shown.chars().any(reorders), "bidi or zero-width left in {:?}", shown);
    }
}

thread_local! {
    /// One store for every case: a failed import writes nothing, a good one may.
    static STORE: std::cell::RefCell<ieops::store::Store> =
        std::cell::RefCell::new(ieops::store::Store::open_in_memory().expect("in-memory store"));
}

/// The service's JSON, damaged: fixtures cut, spliced and sprinkled with random bytes.
fn damaged_json() -> impl Strategy<Value = String> {
    let fixtures: Vec<&'static str> = vec![
        include_str!("fixtures/import_full.json"),
        include_str!("fixtures/list_response.json"),
        include_str!("fixtures/export_blob_list.json"),
        include_str!("fixtures/untidy.json"),
        include_str!("fixtures/api_2016_11_01.json"),
    ];
    (
        prop::sample::select(fixtures),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        nasty(),
        0u8..4,
    )
        .prop_map(|(text, a, b, noise, how)| {
            let chars: Vec<char> = text.chars().collect();
            let (i, j) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            let (lo, hi) = (i.min(j), i.max(j));
            let head: String = chars[..lo].iter().collect();
            let tail: String = chars[hi..].iter().collect();
            match how {
                0 => head,                                                            // truncated
                1 => format!("{head}{noise}{tail}"), // a span replaced by junk
                2 => format!("{head}{tail}"),        // a span cut out
                _ => format!("{head}{noise}{}", &text[..text.len().min(head.len())]), // spliced
            }
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_json_import_never_panics_on_damaged_documents(text in damaged_json()) {
        STORE.with(|store| {
            let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z").expect("now").to_utc();
            let _ = ieops::interop::import_documents(&mut store.borrow_mut(), "fuzz.json", &text, "fuzz", now);
        });
    }
}
