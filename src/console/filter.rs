//! The `/` filter: free text over job name, drive id and tracking number,
//! plus `state:S`, `jobstate:S`, `drivestate:S`, `type:import|export`,
//! `overdue` and `faulted`. `state:` is the state of the row: a drive's in
//! the Drives view, a job's in the Jobs view (or, for a word that is only a
//! drive state, the states of the job's drives). `rule:R` keeps the rows
//! that cite the rule (what `i` shows); `who:NAME`, `since:` and `until:`
//! (a date, a date and time, or `7d`/`12h` ago) search the audit log, whose
//! free text also covers the details and notes of events.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::domain::{DriveState, JobState, JobType, Rule, Timestamp};
use crate::store::AuditRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Text(String),
    /// `state:`: the row's own state; either may be missing (not a state of that kind).
    State(Option<JobState>, Option<DriveState>),
    JobState(JobState),
    DriveState(DriveState),
    Type(JobType),
    Overdue,
    Faulted,
    Rule(Rule),
    /// Audit events by operator (part of the name, any case).
    Who(String),
    Since(Bound),
    Until(Bound),
}

/// A moment `since:`/`until:` name: a date or a date and time (UTC), or a
/// span back from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// A day: `since:` from its start, `until:` to its end.
    Day(NaiveDate),
    At(Timestamp),
    Ago(Duration),
}

impl Bound {
    fn parse(text: &str) -> Result<Bound, String> {
        // A span back from now, at most a century (the log is not older).
        let ago = |n: &str, hours_per: i64| {
            n.parse::<i64>()
                .ok()
                .filter(|n| (0..=36_500 * 24 / hours_per).contains(n))
                .map(|n| Duration::hours(n * hours_per))
        };
        if let Some(span) = text.strip_suffix('d').and_then(|n| ago(n, 24)) {
            return Ok(Bound::Ago(span));
        }
        if let Some(span) = text.strip_suffix('h').and_then(|n| ago(n, 1)) {
            return Ok(Bound::Ago(span));
        }
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Bound::Day(day));
        }
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dt%H:%M")
            .map(|at| Bound::At(at.and_utc()))
            .map_err(|_| format!("'{text}' is not a time: 2026-11-20, 2026-11-20T08:00 (UTC), 7d or 12h ago"))
    }

    /// The first moment it names, and the first after it (saturating at the
    /// ends of time: a far year is a bound, never an overflow).
    fn range(self, now: Timestamp) -> (Timestamp, Timestamp) {
        let later = |at: Timestamp, span: Duration| at.checked_add_signed(span).unwrap_or(Timestamp::MAX_UTC);
        match self {
            Bound::Day(day) => {
                let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                (start, later(start, Duration::days(1)))
            }
            Bound::At(at) => (at, later(at, Duration::minutes(1))),
            Bound::Ago(span) => {
                let at = now.checked_sub_signed(span).unwrap_or(Timestamp::MIN_UTC);
                (at, at)
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    terms: Vec<Term>,
}

impl Filter {
    /// Parses what the operator typed. Every term must match (AND).
    pub fn parse(text: &str) -> Result<Filter, String> {
        let mut terms = Vec::new();
        for word in text.split_whitespace() {
            let lower = word.to_lowercase();
            let term = if let Some(state) = lower.strip_prefix("state:") {
                match (state.parse::<JobState>().ok(), state.parse::<DriveState>().ok()) {
                    (None, None) => return Err(format!("unknown state '{state}'")),
                    (job, drive) => Term::State(job, drive),
                }
            } else if let Some(state) = lower.strip_prefix("jobstate:") {
                Term::JobState(state.parse().map_err(|_| format!("unknown job state '{state}'"))?)
            } else if let Some(state) = lower.strip_prefix("drivestate:") {
                Term::DriveState(state.parse().map_err(|_| format!("unknown drive state '{state}'"))?)
            } else if let Some(kind) = lower.strip_prefix("type:") {
                Term::Type(
                    kind.parse::<JobType>().map_err(|_| format!("type is import or export, not '{kind}'"))?,
                )
            } else if let Some(rule) = lower.strip_prefix("rule:") {
                Term::Rule(rule.parse()?)
            } else if let Some(who) = lower.strip_prefix("who:") {
                Term::Who(who.to_string())
            } else if let Some(when) = lower.strip_prefix("since:") {
                Term::Since(Bound::parse(when)?)
            } else if let Some(when) = lower.strip_prefix("until:") {
                Term::Until(Bound::parse(when)?)
            } else if lower == "overdue" {
                Term::Overdue
            } else if lower == "faulted" {
                Term::Faulted
            } else {
                Term::Text(lower)
            };
            terms.push(term);
        }
        Ok(Filter { text: text.trim().to_string(), terms })
    }

    /// The `state:` words that name a job state and no drive state: in the
    /// Drives view they keep nothing (`jobstate:` is meant).
    pub fn job_only_states(&self) -> impl Iterator<Item = JobState> + '_ {
        self.terms.iter().filter_map(|t| match t {
            Term::State(Some(job), None) => Some(*job),
            _ => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a job row's drive states matter (`state:` of a drive, `faulted`):
    /// only then are they looked up.
    pub fn needs_drive_states(&self) -> bool {
        self.terms.iter().any(|t| matches!(t, Term::DriveState(_) | Term::State(None, _) | Term::Faulted))
    }

    /// Does every row this filter keeps also pass `previous`? True when it
    /// only adds terms, or lengthens the text of `previous`'s last one —
    /// what typing does — so only the rows `previous` kept need a look.
    pub fn narrows(&self, previous: &Filter) -> bool {
        let n = previous.terms.len();
        if self.terms.len() < n {
            return false;
        }
        previous.terms.iter().zip(&self.terms).enumerate().all(|(i, (old, new))| match (old, new) {
            (Term::Text(old), Term::Text(new)) if i + 1 == n => new.contains(old.as_str()),
            _ => old == new,
        })
    }

    /// Does a row pass every term?
    pub fn matches(&self, row: &Facts, now: Timestamp) -> bool {
        self.terms.iter().all(|term| term_matches(term, row, now))
    }

    /// The free-text terms, lower-cased.
    pub fn text_terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().filter_map(|t| match t {
            Term::Text(text) => Some(text.as_str()),
            _ => None,
        })
    }

    /// Are there terms besides free text (states, type, overdue, faulted)?
    pub fn has_fact_terms(&self) -> bool {
        self.fact_terms().next().is_some()
    }

    /// `matches`, leaving out the free-text terms (the caller found those).
    pub fn matches_facts(&self, row: &Facts, now: Timestamp) -> bool {
        self.fact_terms().all(|term| term_matches(term, row, now))
    }

    fn fact_terms(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| !matches!(t, Term::Text(_)))
    }
}

fn term_matches(term: &Term, row: &Facts, now: Timestamp) -> bool {
    let job_is =
        |s: JobState| row.job_state == s || (row.drive_state.is_none() && row.job_faulted_from == Some(s));
    let drive_is = |s: DriveState| match row.drive_state {
        Some(d) => d == s,
        None => row.drive_states.contains(&s),
    };
    match term {
        Term::Text(t) => row.search.contains(t.as_str()) || row.drive_id.contains(t.as_str()),
        // A drive row: the drive's state. A job row: the job's, else its drives'.
        Term::State(job, drive) => match (row.drive_state, job, drive) {
            (Some(_), _, Some(d)) => drive_is(*d),
            (Some(_), _, None) => false,
            (None, Some(j), _) => job_is(*j),
            (None, None, Some(d)) => drive_is(*d),
            (None, None, None) => false,
        },
        Term::JobState(s) => job_is(*s),
        Term::DriveState(s) => drive_is(*s),
        Term::Type(t) => row.job_type == *t,
        Term::Overdue => row.overdue_from.is_some_and(|d| d <= now),
        Term::Faulted => row.faulted,
        Term::Rule(rule) => row.rules.contains(&Some(*rule)),
        // The audit log's own terms: no job or drive row is an event.
        Term::Who(_) | Term::Since(_) | Term::Until(_) => false,
    }
}

impl Filter {
    /// For a held arrival in the queue: free text, and `overdue` and `rule:`
    /// as its item says.
    pub fn matches_text_row(&self, haystacks: &[&str], overdue: bool, rule: Option<Rule>) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(t) => haystacks.iter().any(|h| contains(h, t)),
            Term::Overdue => overdue,
            Term::Rule(r) => rule == Some(*r),
            _ => false,
        })
    }

    /// An audit event: free text over its subject, operator, action, rule,
    /// states, details and note; `rule:` among the rules it cites; `who:`;
    /// `since:`/`until:` on when it happened; `state:` its from or to state.
    pub fn matches_event(&self, e: &AuditRecord, now: Timestamp) -> bool {
        let texts = [
            e.job_name.as_deref().unwrap_or(""),
            e.drive_id.as_deref().unwrap_or(""),
            &e.operator,
            &e.rule,
            &e.action,
            &e.from_state,
            &e.to_state,
            e.detail.as_deref().unwrap_or(""),
            e.note.as_deref().unwrap_or(""),
        ];
        let either_state =
            |name: &str| e.from_state.eq_ignore_ascii_case(name) || e.to_state.eq_ignore_ascii_case(name);
        self.terms.iter().all(|term| match term {
            Term::Text(t) => texts.iter().any(|h| contains(h, t)),
            Term::Rule(r) => {
                e.rule.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.eq_ignore_ascii_case(r.id()))
            }
            Term::Who(who) => contains(&e.operator, who),
            Term::Since(bound) => e.at >= bound.range(now).0,
            Term::Until(bound) => e.at < bound.range(now).1,
            Term::State(job, drive) => {
                job.is_some_and(|s| either_state(s.as_str()))
                    || drive.is_some_and(|s| either_state(s.as_str()))
            }
            Term::JobState(s) => either_state(s.as_str()),
            Term::DriveState(s) => either_state(s.as_str()),
            Term::Type(_) | Term::Overdue | Term::Faulted => false,
        })
    }

    /// Whether the filter asks about the audit log only (`who:`, `since:`,
    /// `until:`): outside the Audit view it keeps nothing.
    pub fn audit_only(&self) -> bool {
        self.terms.iter().any(|t| matches!(t, Term::Who(_) | Term::Since(_) | Term::Until(_)))
    }
}

/// What the filter looks at in a row of the Jobs, Drives or Archive view.
pub struct Facts<'a> {
    /// Lower-cased text: names, tracking numbers (and a job's drive ids).
    pub search: &'a str,
    /// A drive row's own lower-cased id ("" for a job row).
    pub drive_id: &'a str,
    pub job_state: JobState,
    pub job_faulted_from: Option<JobState>,
    pub job_type: JobType,
    /// When a person is late from (`attention::person_deadline`, or an
    /// Overdue item of the queue): passed means overdue.
    pub overdue_from: Option<Timestamp>,
    /// For a drive row, its state; for a job row, `None` and the states of its drives below.
    pub drive_state: Option<DriveState>,
    pub drive_states: &'a [DriveState],
    /// Faulted: the job or a drive of it (a job row), the drive or its job
    /// (a drive row), a Faulted item (the attention queue).
    pub faulted: bool,
    /// The rules the row cites (`rule:`): a job's deadline and state rules, a
    /// drive's state rule (and D9 if extra), an item's rule.
    pub rules: [Option<Rule>; 2],
}

fn contains(haystack: &str, lower_needle: &str) -> bool {
    haystack.to_lowercase().contains(lower_needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn terms_parse_and_unknown_states_are_named() {
        let f = Filter::parse("state:shipping overdue acme").unwrap();
        assert_eq!(
            f.terms,
            vec![Term::State(Some(JobState::Shipping), None), Term::Overdue, Term::Text("acme".into())]
        );
        assert_eq!(Filter::parse("state:lost").unwrap_err(), "unknown state 'lost'");
        assert!(Filter::parse("type:both").is_err());
        assert!(Filter::parse("   ").unwrap().is_empty());
    }

    #[test]
    fn typing_narrows_and_deleting_widens() {
        let f = |t: &str| Filter::parse(t).unwrap();
        assert!(f("acme").narrows(&f("acm")));
        assert!(f("acme overdue").narrows(&f("acme")));
        assert!(f("acm").narrows(&f("")));
        assert!(!f("acm").narrows(&f("acme")), "a deleted character widens");
        assert!(!f("beta").narrows(&f("acme")));
        assert!(!f("overdue acme").narrows(&f("acme overdue")), "changed order is checked from scratch");
    }

    #[test]
    fn text_matches_names_drives_and_tracking() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let facts = Facts {
            search: "contoso-backup\nwd-abc\n1z999",
            drive_id: "",
            job_state: JobState::Creating,
            job_faulted_from: None,
            job_type: JobType::Import,
            overdue_from: Some(now + chrono::Duration::days(3)),
            drive_state: None,
            drive_states: &[DriveState::Specified],
            faulted: false,
            rules: [None, Some(Rule::J1)],
        };
        for text in ["CONTOSO", "wd-abc", "1z9", "type:import state:creating", "state:specified"] {
            assert!(Filter::parse(text).unwrap().matches(&facts, now), "{text}");
        }
        for text in ["fabrikam", "type:export", "faulted", "overdue", "state:received"] {
            assert!(!Filter::parse(text).unwrap().matches(&facts, now), "{text}");
        }
        let later = now + chrono::Duration::days(3);
        assert!(Filter::parse("overdue").unwrap().matches(&facts, later), "a passed clock is overdue");
    }

    /// A far time is a bound or a refusal, never an overflow (these panicked).
    #[test]
    fn far_times_do_not_overflow() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert!(Filter::parse("since:100000000d").unwrap_err().contains("is not a time"));
        assert!(Filter::parse("since:999999999999999h").unwrap_err().contains("is not a time"));
        for text in ["until:+262143-12-31", "since:36500d", "until:262142-12-31"] {
            if let Ok(Term::Since(b) | Term::Until(b)) = Filter::parse(text).map(|f| f.terms[0].clone()) {
                let (start, end) = b.range(now);
                assert!(start <= end, "{text}");
            }
        }
    }
}
