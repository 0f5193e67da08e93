//! The clocks C1–C7: deadlines derived from when something entered a state.
//! A clock is running while its condition holds; past its deadline it has passed.

use chrono::Duration;

use super::model::{Arrival, Job, Timestamp};
use super::rule::Rule;
use super::state::{ArrivalStatus, DriveState, JobState};

pub const CREATING_DAYS: i64 = 14; // C1
pub const SHIPPING_DAYS: i64 = 14; // C2
pub const NEVER_RECEIVED_DAYS: i64 = 14; // C3
pub const ANSWER_DAYS: i64 = 30; // C4
pub const ARRIVAL_DAYS: i64 = 14; // C5
pub const DESTROY_DAYS: i64 = 90; // C6
pub const RETENTION_DAYS: i64 = 90; // C7
/// How long a receipt recorded by mistake can be undone (P1).
pub const CORRECTION_HOURS: i64 = 24;

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// One running clock of a job or an arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// C1 … C7.
    pub rule: Rule,
    pub started: Timestamp,
    pub deadline: Timestamp,
    /// What happens when it passes, for people.
    pub then: &'static str,
}

impl Clock {
    fn new(rule: Rule, started: Timestamp, deadline: Timestamp, then: &'static str) -> Clock {
        Clock { rule, started, deadline, then }
    }

    pub fn has_passed(&self, now: Timestamp) -> bool {
        now >= self.deadline
    }
}

/// C1: the deadline of a job in `Creating` (J2, J3).
pub fn creating_deadline(job: &Job) -> Timestamp {
    job.creating_clock_from + days(CREATING_DAYS)
}

/// C4: the end of the customer's 30 days to answer (J7).
pub fn answer_deadline(notified_at: Timestamp) -> Timestamp {
    notified_at + days(ANSWER_DAYS)
}

/// C6: when unreachable customers' drives are to be destroyed (E1, E4).
pub fn destroy_deadline(unreachable_since: Timestamp) -> Timestamp {
    unreachable_since + days(DESTROY_DAYS)
}

/// C5: when operations attempt to return drives nobody claimed (E1).
pub fn arrival_deadline(arrival: &Arrival) -> Timestamp {
    arrival.recorded_at + days(ARRIVAL_DAYS)
}

/// The clocks running for a job, soonest deadline first.
pub fn job_clocks(job: &Job) -> Vec<Clock> {
    // No clock is guessed for a state the console does not know (`Job::unrecognised`).
    if job.archived_at.is_some() || job.unrecognised().is_some() {
        return Vec::new();
    }
    let mut clocks = Vec::new();
    let state = job.effective_state();
    if state == JobState::Creating {
        clocks.push(Clock::new(
            Rule::C1,
            job.creating_clock_from,
            creating_deadline(job),
            "job deleted (J2)",
        ));
    }
    if state == JobState::Shipping {
        if let Some(since) = job.shipping_since {
            let wait_until = job.wait_until.unwrap_or(since + days(SHIPPING_DAYS));
            clocks.push(Clock::new(Rule::C2, since, wait_until, "job overdue (J5)"));
            if job.drives.iter().any(|d| d.state == DriveState::Specified) {
                let deadline = since + days(NEVER_RECEIVED_DAYS);
                clocks.push(Clock::new(
                    Rule::C3,
                    since,
                    deadline,
                    "Specified drives become NeverReceived (D3)",
                ));
            }
        }
        if let Some(at) = job.notified_at {
            clocks.push(Clock::new(Rule::C4, at, answer_deadline(at), "may close for no answer (J7)"));
        }
    }
    // C6 runs for drives held under E4 only (J7's unreachable customer closes the job instead).
    let e4 = matches!(state, JobState::Transferring | JobState::Packaging)
        && job.return_address_problem().is_some();
    if let Some(since) = job.unreachable_since.filter(|_| e4) {
        clocks.push(Clock::new(
            Rule::C6,
            since,
            destroy_deadline(since),
            "drives destroyed by then (E4, S11)",
        ));
    }
    if state.is_final() && job.state != JobState::Faulted {
        let deadline = job.state_since + days(RETENTION_DAYS);
        clocks.push(Clock::new(Rule::C7, job.state_since, deadline, "job deleted (J13)"));
    }
    clocks.sort_by_key(|c| c.deadline);
    clocks
}

/// The clocks running for an arrival held under E1.
pub fn arrival_clocks(arrival: &Arrival) -> Vec<Clock> {
    if arrival.status != ArrivalStatus::Held {
        return Vec::new();
    }
    let mut clocks = Vec::new();
    // S10: a recorded contact that reached the customer stops C5.
    if !arrival.last_contact.as_ref().is_some_and(|c| c.reached) {
        clocks.push(Clock::new(
            Rule::C5,
            arrival.recorded_at,
            arrival_deadline(arrival),
            "attempt to return the drives (E1)",
        ));
    }
    if let Some(since) = arrival.unreachable_since {
        clocks.push(Clock::new(
            Rule::C6,
            since,
            destroy_deadline(since),
            "drives destroyed by then (E1, S11)",
        ));
    }
    clocks
}

/// "2d 4h", "3h 12m", "45s": the span an operator reads at a glance.
pub fn human_span(span: Duration) -> String {
    let secs = span.num_seconds().abs();
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// How long something has been in its state: "2d 4h", or "in 2d 0h" when
/// it entered it after `now` (a drill run with `--now` in the past).
pub fn time_in_state(since: Timestamp, now: Timestamp) -> String {
    let span = now - since;
    if span < Duration::zero() { format!("in {}", human_span(span)) } else { human_span(span) }
}

/// "in 2d 4h" or "2d 4h overdue".
pub fn countdown(deadline: Timestamp, now: Timestamp) -> String {
    let left = deadline - now;
    if left > Duration::zero() {
        format!("in {}", human_span(left))
    } else {
        format!("{} overdue", human_span(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono::Utc;

    #[test]
    fn spans_read_like_an_operator_says_them() {
        assert_eq!(human_span(Duration::hours(52)), "2d 4h");
        assert_eq!(human_span(Duration::minutes(192)), "3h 12m");
        assert_eq!(human_span(Duration::seconds(-45)), "45s");
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(countdown(now - Duration::hours(52), now), "2d 4h overdue");
        assert_eq!(countdown(now + Duration::minutes(5), now), "in 5m");
        // Issue 14: a state entered after `now` is in the future, not as long ago.
        assert_eq!(time_in_state(now - Duration::hours(48), now), "2d 0h");
        assert_eq!(time_in_state(now + Duration::hours(48), now), "in 2d 0h");
    }
}
