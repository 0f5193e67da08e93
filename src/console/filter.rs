//! The `/` filter: free text over job name, drive id and tracking number,
//! plus `state:S`, `type:import|export`, `overdue` and `faulted`.

use crate::domain::clock;
use crate::domain::{Drive, DriveState, Job, JobState, JobType, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Text(String),
    JobState(JobState),
    DriveState(DriveState),
    Type(JobType),
    Overdue,
    Faulted,
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
                match (state.parse::<JobState>(), state.parse::<DriveState>()) {
                    (Ok(s), _) => Term::JobState(s),
                    (_, Ok(s)) => Term::DriveState(s),
                    _ => return Err(format!("unknown state '{state}'")),
                }
            } else if let Some(kind) = lower.strip_prefix("type:") {
                Term::Type(
                    kind.parse::<JobType>().map_err(|_| format!("type is import or export, not '{kind}'"))?,
                )
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

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Does the job (or, with `drive`, one of its drives) pass every term?
    pub fn matches(&self, job: &Job, drive: Option<&Drive>, now: Timestamp) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(t) => {
                contains(&job.name, t)
                    || job.delivery_package.tracking_number.as_deref().is_some_and(|n| contains(n, t))
                    || job.return_package.tracking_number.as_deref().is_some_and(|n| contains(n, t))
                    || match drive {
                        Some(d) => contains(&d.drive_id, t),
                        None => job.drives.iter().any(|d| contains(&d.drive_id, t)),
                    }
            }
            Term::JobState(s) => job.state == *s || (drive.is_none() && job.faulted_from == Some(*s)),
            Term::DriveState(s) => match drive {
                Some(d) => d.state == *s,
                None => job.drives.iter().any(|d| d.state == *s),
            },
            Term::Type(t) => job.job_type == *t,
            Term::Overdue => clock::job_clocks(job).iter().any(|c| c.has_passed(now)),
            Term::Faulted => match drive {
                Some(d) => d.state == DriveState::Faulted || job.state == JobState::Faulted,
                None => {
                    job.state == JobState::Faulted
                        || job.drives.iter().any(|d| d.state == DriveState::Faulted)
                }
            },
        })
    }

    /// For rows that are not a job (audit events, held arrivals): free text only.
    pub fn matches_text(&self, haystacks: &[&str]) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(t) => haystacks.iter().any(|h| contains(h, t)),
            _ => false,
        })
    }
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
            vec![Term::JobState(JobState::Shipping), Term::Overdue, Term::Text("acme".into())]
        );
        assert_eq!(Filter::parse("state:lost").unwrap_err(), "unknown state 'lost'");
        assert!(Filter::parse("type:both").is_err());
        assert!(Filter::parse("   ").unwrap().is_empty());
    }

    #[test]
    fn text_matches_names_drives_and_tracking() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let mut job = Job::new("contoso-backup", JobType::Import, now);
        job.drives.push(Drive::new("WD-ABC", DriveState::Specified, now));
        job.delivery_package.tracking_number = Some("1Z999".into());
        for text in ["CONTOSO", "wd-abc", "1z9", "type:import state:creating"] {
            assert!(Filter::parse(text).unwrap().matches(&job, None, now), "{text}");
        }
        for text in ["fabrikam", "type:export", "faulted", "overdue"] {
            assert!(!Filter::parse(text).unwrap().matches(&job, None, now), "{text}");
        }
    }
}
