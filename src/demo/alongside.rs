//! The generator on a thread of its own, so that on a two-core machine the
//! domain scripts run while the caller stores what they made (the 100,000-job
//! demo spends about a third of its time in the scripts).

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;

use super::{Record, ScriptError, generate_each};
use crate::domain::Timestamp;

/// Records handed over at a time: a channel hand-over per record would cost
/// more than some records take to make.
const BATCH: usize = 256;

/// Batches the generator may run ahead of the sink; memory stays flat.
const BATCHES_AHEAD: usize = 4;

/// The records of [`generate_each`], in the same order, handed to `sink` on
/// the caller's thread while the next ones are made on another. Stops at the
/// first error, the sink's or a script's.
///
/// Records are dropped on the thread that made them: glibc's `free` of
/// memory another thread allocated takes that thread's arena lock, and an
/// earlier version that dropped them in the sink spent more time there than
/// the second core saved.
pub fn generate_alongside<E: From<ScriptError>>(
    job_count: usize,
    now: Timestamp,
    seed: u64,
    mut sink: impl FnMut(&Record) -> Result<(), E>,
) -> Result<(), E> {
    let (made_tx, made_rx) = mpsc::sync_channel::<Vec<Record>>(BATCHES_AHEAD);
    let (spent_tx, spent_rx) = mpsc::channel::<Vec<Record>>();
    thread::scope(|scope| {
        let maker = scope.spawn(move || make_batches(job_count, now, seed, &made_tx, &spent_rx));
        let mut sunk = Ok(());
        for batch in made_rx.iter() {
            sunk = batch.iter().try_for_each(&mut sink);
            // Once the maker is done it no longer takes batches back: drop this one here.
            let _ = spent_tx.send(batch);
            if sunk.is_err() {
                break;
            }
        }
        // A sink that stopped early: the maker's next hand-over fails, and it stops.
        drop(made_rx);
        let made = maker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        sunk?;
        made.map_err(E::from)
    })
}

/// Why the maker stopped before the end.
enum Stop {
    Script(ScriptError),
    SinkGone,
}

impl From<ScriptError> for Stop {
    fn from(e: ScriptError) -> Self {
        Stop::Script(e)
    }
}

fn make_batches(
    job_count: usize,
    now: Timestamp,
    seed: u64,
    made: &SyncSender<Vec<Record>>,
    spent: &Receiver<Vec<Record>>,
) -> Result<(), ScriptError> {
    let mut batch = Vec::with_capacity(BATCH);
    let hand_over = |batch: &mut Vec<Record>| {
        // Clearing a batch the sink is done with drops its records here.
        let mut next = spent.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
        next.clear();
        made.send(std::mem::replace(batch, next)).map_err(|_| Stop::SinkGone)
    };
    let generated = generate_each(job_count, now, seed, |record| {
        batch.push(record);
        if batch.len() < BATCH { Ok(()) } else { hand_over(&mut batch) }
    });
    let handed = generated.and_then(|()| if batch.is_empty() { Ok(()) } else { hand_over(&mut batch) });
    match handed {
        Ok(()) | Err(Stop::SinkGone) => Ok(()),
        Err(Stop::Script(e)) => Err(e),
    }
}
