//! The database side of the console, on its own thread so no query ever
//! blocks a frame. It runs effects, and watches `PRAGMA data_version` so a
//! commit from any other process shows up within a second, without a key.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::store::{JobFilter, Store, StoreError};

use super::model::{Plan, Snapshot};
use super::msg::{Msg, WriteFailure};
use super::update::Effect;

/// How often other processes' commits are looked for.
const POLL: Duration = Duration::from_millis(250);
/// How much of the audit log the Audit view holds.
const RECENT_EVENTS: usize = 2_000;

pub fn spawn(mut store: Store, effects: Receiver<Effect>, msgs: UnboundedSender<Msg>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut seen = store.data_version().ok();
        loop {
            let msg = match effects.recv_timeout(POLL) {
                Ok(Effect::Reload) => Some(load(&store)),
                Ok(Effect::LoadHistory(job_id)) => match store.history(job_id) {
                    Ok(events) => Some(Msg::History { job_id, events }),
                    Err(e) => Some(Msg::LoadFailed(e.to_string())),
                },
                Ok(Effect::Write(plan)) => Some(Msg::Written(write(&mut store, plan))),
                Err(RecvTimeoutError::Timeout) => {
                    let now = store.data_version().ok();
                    if now != seen {
                        seen = now;
                        Some(load(&store))
                    } else {
                        None
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if let Some(msg) = msg {
                if msgs.send(msg).is_err() {
                    return; // the console has quit
                }
            }
        }
    })
}

/// Reads everything the views show, in one go.
pub fn load(store: &Store) -> Msg {
    let snapshot = || -> Result<Snapshot, StoreError> {
        Ok(Snapshot {
            jobs: store.jobs(&JobFilter::default())?,
            archived: store.jobs(&JobFilter { archived: true, ..JobFilter::default() })?,
            arrivals: store.arrivals(false)?,
            events: store.recent_events(RECENT_EVENTS)?,
            counts: store.counts()?,
        })
    };
    match snapshot() {
        Ok(s) => Msg::Loaded(Box::new(s)),
        Err(e) => Msg::LoadFailed(e.to_string()),
    }
}

/// Writes a confirmed plan in one transaction.
pub fn write(store: &mut Store, plan: Plan) -> Result<String, WriteFailure> {
    let result = match &plan {
        Plan::Jobs(changes) => store.write(|w| changes.iter().try_for_each(|c| w.apply(c))),
        Plan::Arrival(pair) => store.write(|w| w.apply_arrival(&pair.0, std::slice::from_ref(&pair.1))),
    };
    let events = match &plan {
        Plan::Jobs(changes) => changes.iter().map(|c| c.events.len()).sum(),
        Plan::Arrival(_) => 1,
    };
    result
        .map(|()| format!("done: {events} audit events recorded"))
        .map_err(|e| WriteFailure { stale: matches!(e, StoreError::Stale { .. }), message: e.to_string() })
}
