//! Demo data: jobs and held arrivals with a believable past, made by driving
//! the domain API itself over simulated time (Put Job, shipping, arrivals,
//! copies, sweeps …), so every snapshot and audit event is one the rules
//! could have produced. Pure: no I/O, no clock; the same `(count, now, seed)`
//! always gives the same data.
//!
//! The first [`SCENARIO_JOBS`] jobs are one of each scenario (every job and
//! drive state, every exception E1–E6, nearly passed clocks, cancelled,
//! archived, export and import jobs); with fewer jobs asked for, the first
//! scenarios of the list are made. The rest are drawn from the scenarios by
//! weight, a mix resembling a real data center. The held-arrival scenarios are
//! always made, plus one arrival for every [`JOBS_PER_EXTRA_ARRIVAL`] extra jobs.
//! Serial numbers are unique across the demo; job names too (a held package's
//! drives are those of the Creating job it names).

mod alongside;
mod life;
mod names;
mod run;
mod scenarios;

#[cfg(test)]
mod tests;

use chrono::Duration;
use fastrand::Rng;

use crate::domain::{Arrival, Event, Job, Timestamp};

pub use alongside::generate_alongside;
pub use run::ScriptError;

use names::{OPERATORS, Registry};
use run::{ArrivalRun, Run, Who};
use scenarios::{ARRIVAL_SCENARIOS, JOB_SCENARIOS, Scenario};

/// How many jobs it takes to get every scenario once.
pub const SCENARIO_JOBS: usize = JOB_SCENARIOS.len();

/// Beyond the scenarios, one more held arrival per this many jobs.
pub const JOBS_PER_EXTRA_ARRIVAL: usize = 500;

/// Final snapshots with the events that led to them, in the order they were
/// made. Jobs have `id` None and `version` 0, as the store expects of new rows;
/// arrivals have `id` None.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoData {
    pub jobs: Vec<(Job, Vec<Event>)>,
    pub arrivals: Vec<(Arrival, Vec<Event>)>,
}

/// One generated item, for [`generate_each`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "moved once, to the sink; a Box would only add an allocation per job"
)]
pub enum Record {
    Job(Job, Vec<Event>),
    Arrival(Arrival, Vec<Event>),
}

/// `job_count` jobs (and the held arrivals) as they stand at `now`, all in memory
/// (about 24 events per job: some 1.3 GB for 100,000 jobs; [`generate_each`] needs a few MB).
///
/// An error means a demo script asked for something the rules refuse: a bug
/// in this module, reported with the scenario, the job, the time and the rule.
pub fn generate(job_count: usize, now: Timestamp, seed: u64) -> Result<DemoData, ScriptError> {
    let mut data = DemoData { jobs: Vec::with_capacity(job_count), arrivals: Vec::new() };
    generate_each(job_count, now, seed, |record| {
        match record {
            Record::Job(job, events) => data.jobs.push((job, events)),
            Record::Arrival(arrival, events) => data.arrivals.push((arrival, events)),
        }
        Ok::<(), ScriptError>(())
    })?;
    Ok(data)
}

/// The same records as [`generate`], handed to `sink` one at a time as they
/// are made, so a caller can store them without holding them all. Stops at
/// the first error, the sink's or a script's.
pub fn generate_each<E: From<ScriptError>>(
    job_count: usize,
    now: Timestamp,
    seed: u64,
    mut sink: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut site = Site::new(now, seed);
    let mut play = |site: &mut Site, scenario: &Scenario| -> Result<(), E> {
        (scenario.script)(site).map_err(|e| e.in_scenario(scenario.name))?;
        site.records.drain(..).try_for_each(&mut sink)
    };
    for scenario in ARRIVAL_SCENARIOS.iter().chain(JOB_SCENARIOS.iter().take(job_count)) {
        play(&mut site, scenario)?;
    }
    let extra_jobs = job_count.saturating_sub(SCENARIO_JOBS);
    let job_mix = Weighted::new(JOB_SCENARIOS);
    for _ in 0..extra_jobs {
        let scenario = job_mix.pick(&mut site.rng);
        play(&mut site, scenario)?;
    }
    let arrival_mix = Weighted::new(ARRIVAL_SCENARIOS);
    for _ in 0..extra_jobs / JOBS_PER_EXTRA_ARRIVAL {
        let scenario = arrival_mix.pick(&mut site.rng);
        play(&mut site, scenario)?;
    }
    Ok(())
}

/// What every scenario script works with: the dice, the present, the names
/// in use, and the records made by the scenario being played.
struct Site {
    rng: Rng,
    now: Timestamp,
    registry: Registry,
    records: Vec<Record>,
}

impl Site {
    fn new(now: Timestamp, seed: u64) -> Site {
        let mut rng = Rng::with_seed(seed);
        let registry = Registry::new(&mut rng);
        Site { rng, now, registry, records: Vec::new() }
    }

    /// Someone on shift.
    fn operator(&mut self) -> Who {
        let operator = *names::pick(&mut self.rng, OPERATORS);
        Who::new(operator)
    }

    fn span(&mut self, lo: Duration, hi: Duration) -> Duration {
        names::span(&mut self.rng, lo, hi)
    }

    fn keep(&mut self, run: Run) {
        let (job, events) = run.finish();
        self.records.push(Record::Job(job, events));
    }

    fn keep_arrival(&mut self, run: ArrivalRun) {
        let (arrival, events) = run.finish();
        self.records.push(Record::Arrival(arrival, events));
    }
}

/// Draws scenarios in proportion to their weights.
struct Weighted<'a> {
    scenarios: &'a [Scenario],
    /// Running totals of the weights.
    bounds: Vec<u32>,
}

impl<'a> Weighted<'a> {
    fn new(scenarios: &'a [Scenario]) -> Weighted<'a> {
        let bounds = scenarios
            .iter()
            .scan(0, |total, s| {
                *total += s.weight;
                Some(*total)
            })
            .collect();
        Weighted { scenarios, bounds }
    }

    fn pick(&self, rng: &mut Rng) -> &'a Scenario {
        let total = self.bounds.last().copied().unwrap_or(0).max(1);
        let roll = rng.u32(0..total);
        let index = self.bounds.partition_point(|bound| *bound <= roll);
        &self.scenarios[index.min(self.scenarios.len() - 1)]
    }
}
