//! `ieops import` of a 10,000-job List Jobs answer (55,000 drives) into a new
//! database in one transaction, and the same answer imported again (every job
//! unchanged). Not a target of issue 5; kept so a slower import shows.
//!
//! `cargo bench --bench import`

mod support;

use divan::Bencher;

use ieops::interop::import_documents;
use ieops::store::{Access, Store};

fn main() {
    eprintln!("machine: {}", support::machine());
    divan::main();
}

const JOBS: usize = 10_000;

/// A List Jobs answer: jobs in three states with 1–10 drives each.
fn list_answer() -> String {
    let jobs: Vec<serde_json::Value> = (0..JOBS)
        .map(|i| {
            let drives: Vec<serde_json::Value> = (0..(i % 10 + 1))
                .map(|d| {
                    serde_json::json!({"driveId": format!("D{i:05}X{d}"), "state": "Specified",
                    "bitLockerKey": "238810-662376-448998-450120-652806-203390-606320-483076",
                    "manifestFile": "\\DriveManifest.xml", "manifestHash": "109B21108597EF36D5785F08303F3638"})
                })
                .collect();
            serde_json::json!({
                "id": format!("/subscriptions/0/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/job-{i:05}"),
                "name": format!("job-{i:05}"), "type": "Microsoft.ImportExport/jobs", "location": "West US",
                "tags": {"n": i.to_string()},
                "properties": {
                    "jobType": "Import", "state": (["Creating", "Shipping", "Sleeping"][i % 3]),
                    "returnAddress": {"recipientName": "Ops", "streetAddress1": "1 Main St", "city": "Dublin",
                                       "postalCode": "D24", "countryOrRegion": "IE", "phone": "+353 1 706 0000"},
                    "deliveryPackage": {"carrierName": "DHL", "trackingNumber": format!("JD{i:010}"),
                                        "shipDate": "9/29/2026 10:28:35 PM"},
                    "driveList": drives,
                }
            })
        })
        .collect();
    serde_json::to_string(&serde_json::json!({"value": jobs})).expect("JSON")
}

fn new_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::Builder::new().prefix("import-").tempdir_in(support::scratch_dir()).expect("dir");
    let store = Store::open(&dir.path().join("ieops.db"), Access::ReadWrite).expect("create the database");
    (dir, store)
}

fn import(store: &mut Store, text: &str) -> usize {
    let report = import_documents(store, "bench.json", text, "bench", support::now()).expect("the import");
    report.created.len() + report.unchanged.len()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn first_import(bencher: Bencher) {
    let text = list_answer();
    bencher.with_inputs(new_store).bench_local_values(|(dir, mut store)| {
        assert_eq!(import(&mut store, &text), JOBS);
        (dir, store)
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn import_again_unchanged(bencher: Bencher) {
    let text = list_answer();
    bencher
        .with_inputs(|| {
            let (dir, mut store) = new_store();
            import(&mut store, &text);
            (dir, store)
        })
        .bench_local_values(|(dir, mut store)| {
            assert_eq!(import(&mut store, &text), JOBS);
            (dir, store)
        });
}
