//! The console's first frame and the sweep read only the jobs an index
//! pre-selects (`Store::attention_candidates`, `Store::sweep_candidates`),
//! never every job. The pre-selection may be generous but must never leave
//! out a job the rules act on: checked here against every active job of a
//! demo database, at the demo's time and at later times when clocks pass.

mod support;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use ieops::domain::attention::job_items;
use ieops::domain::sweep::sweep_job;
use ieops::domain::{Job, Timestamp};
use ieops::store::{Access, JobFilter, Store};
use support::{Db, NOW};

/// Days after the demo's time: clocks nearly passed, just passed, long passed
/// (C1 and C3 at 14 days, C2 at 7, C7 at 90).
const LATER_DAYS: [i64; 8] = [0, 1, 3, 6, 8, 13, 15, 91];

fn demo() -> Db {
    let db = Db::uninitialised();
    db.ok(&["demo", "--jobs", "400"]);
    db
}

fn at(days: i64) -> Timestamp {
    DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc) + Duration::days(days)
}

fn ids<'a>(jobs: impl IntoIterator<Item = &'a Job>) -> BTreeSet<i64> {
    jobs.into_iter().filter_map(|job| job.id).collect()
}

#[test]
fn e1_to_e6_attention_preselection_holds_every_job_with_an_item() {
    let db = demo();
    let store = Store::open(&db.path, Access::ReadOnly).unwrap();
    let active = store.jobs(&JobFilter::default()).unwrap();
    for days in LATER_DAYS {
        let now = at(days);
        let needed = ids(active.iter().filter(|job| !job_items(job, now).is_empty()));
        let candidates = store.attention_candidates(now).unwrap();
        let missing: Vec<i64> = needed.difference(&ids(&candidates)).copied().collect();
        assert!(!needed.is_empty(), "+{days} days: the demo has attention items");
        assert!(missing.is_empty(), "+{days} days: jobs with attention items left out: {missing:?}");
        // What is pre-selected is read whole, as the scan reads it.
        for job in &candidates {
            assert_eq!(Some(job), active.iter().find(|a| a.id == job.id), "+{days} days: {}", job.name);
        }
    }
}

#[test]
fn c1_c3_c7_sweep_preselection_holds_every_job_the_sweep_changes() {
    let db = demo();
    let store = Store::open(&db.path, Access::ReadOnly).unwrap();
    let active = store.jobs(&JobFilter::default()).unwrap();
    let mut swept_somewhere = false;
    for days in LATER_DAYS {
        let now = at(days);
        let needed = ids(active.iter().filter(|job| sweep_job(job, now).is_some()));
        let candidates = store.sweep_candidates(now).unwrap();
        let missing: Vec<i64> = needed.difference(&ids(&candidates)).copied().collect();
        assert!(missing.is_empty(), "+{days} days: jobs the sweep changes left out: {missing:?}");
        let in_id_order = candidates.windows(2).all(|pair| pair[0].id < pair[1].id);
        assert!(in_id_order, "+{days} days: candidates in id order");
        // A few at a time, as the sweep reads them: the same jobs, in the same order.
        let mut chunked = Vec::new();
        store
            .for_each_sweep_chunk(now, 7, |jobs| {
                assert!((1..=7).contains(&jobs.len()), "+{days} days: a chunk of {}", jobs.len());
                chunked.extend(jobs);
                Ok(())
            })
            .unwrap();
        assert!(chunked == candidates, "+{days} days: chunks of 7 are the candidates");
        swept_somewhere |= !needed.is_empty();
    }
    assert!(swept_somewhere, "some clock passes in the times checked");
}

/// The sweep as the CLI writes it: read a chunk, decide, write over it, in
/// one transaction. Written seven jobs at a time (reads between writes), it
/// changes exactly the jobs the rules change, each once, and leaves nothing
/// for a second sweep.
#[test]
fn c1_c3_c7_a_sweep_written_chunk_by_chunk_changes_each_job_the_rules_change() {
    let db = demo();
    let mut store = Store::open(&db.path, Access::ReadWrite).unwrap();
    let now = at(91);
    let active = store.jobs(&JobFilter::default()).unwrap();
    let expected: Vec<_> = active.iter().filter_map(|job| sweep_job(job, now)).collect();
    let events_before = store.event_count().unwrap();
    let mut written = Vec::new();
    store
        .write(|w| {
            w.for_each_sweep_chunk(now, 7, |w, jobs| {
                for job in &jobs {
                    if let Some(change) = sweep_job(job, now) {
                        w.apply_over(job, &change)?;
                        written.push(change);
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    written.sort_by_key(|c| c.job.id);
    let mut expected = expected;
    expected.sort_by_key(|c| c.job.id);
    assert!(expected.len() > 7, "more than one chunk of changes: {}", expected.len());
    assert!(written == expected, "the changes written are the rules' changes");
    let events: usize = expected.iter().map(|c| c.events.len()).sum();
    assert_eq!(store.event_count().unwrap(), events_before + events as u64, "each change's events, once");
    let left = store.jobs(&JobFilter::default()).unwrap();
    assert!(left.iter().all(|job| sweep_job(job, now).is_none()), "nothing left to sweep");
}
