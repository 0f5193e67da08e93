//! The life-cycle states of jobs and drives, and the documented transitions
//! between them (the edges of SPEC's diagrams, used by S5 when a fault is resolved).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::rule::Rule;

/// Declares a state-like enum whose names are the service's own spelling.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident $label:literal { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),* }
            }

            /// The value as the service spells it, ignoring case and the
            /// spaces around it; anything else is `None` (never guessed).
            pub fn from_service(s: &str) -> Option<Self> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            /// Case-insensitive, and `never-received` matches `NeverReceived`,
            /// so operators can type states the way they say them.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted: String = s.chars().filter(|c| *c != '-' && *c != '_').collect();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(&wanted))
                    .ok_or_else(|| {
                        // In the operator's words: never a Rust type name.
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        let given = if s.trim().is_empty() {
                            "an empty value".to_string()
                        } else {
                            format!("'{}'", s.escape_default())
                        };
                        format!("{given} is not a {}: expected one of {}", $label, names.join(", "))
                    })
            }
        }
    };
}

named_enum!(
    /// Import: the customer ships drives in. Export: data is copied out onto drives.
    JobType "job type" { Import, Export }
);

named_enum!(
    /// Job states; `Faulted` is an overlay that remembers the state it interrupted.
    JobState "job state" { Creating, Shipping, Received, Transferring, Packaging, Completed, Closed, Faulted }
);

named_enum!(
    /// Drive states; `Faulted` is an overlay like the job's.
    DriveState "drive state" { Specified, Received, NeverReceived, Transferring, Completed, CompletedMoreInfo, ShippedBack, Faulted }
);

impl JobState {
    /// States one documented transition leads to (J4, J7, J8–J12, S3). Used by S5.
    pub fn successors(self) -> &'static [JobState] {
        use JobState::*;
        match self {
            Creating => &[Shipping],
            Shipping => &[Received, Closed],
            Received => &[Transferring, Packaging],
            Transferring => &[Packaging],
            Packaging => &[Completed, Closed],
            Completed | Closed | Faulted => &[],
        }
    }

    /// The rule of the documented transition from `self` to `to`, if one leads
    /// there in one step: the edges of `successors` (J4, J7, J8–J12, S3), and
    /// J15 into `Faulted` from any state whose life cycle is not over.
    pub fn transition_rule(self, to: JobState) -> Option<Rule> {
        use JobState::*;
        match (self, to) {
            (Creating, Shipping) => Some(Rule::J4),
            (Shipping, Received) => Some(Rule::J8),
            (Shipping, Closed) => Some(Rule::J7),
            (Received, Transferring) => Some(Rule::J9),
            (Received, Packaging) => Some(Rule::S3),
            (Transferring, Packaging) => Some(Rule::J10),
            (Packaging, Completed) => Some(Rule::J11),
            (Packaging, Closed) => Some(Rule::J12),
            (from, Faulted) if from != Faulted && !from.is_final() => Some(Rule::J15),
            _ => None,
        }
    }

    /// The rule that documents how a job comes to be in `self` (J1 creates it
    /// in `Creating`; J4 leads to `Shipping`; …).
    pub fn entry_rule(self) -> Rule {
        use JobState::*;
        match self {
            Creating => Rule::J1,
            Shipping => Rule::J4,
            Received => Rule::J8,
            Transferring => Rule::J9,
            Packaging => Rule::J10,
            Completed => Rule::J11,
            Closed => Rule::J12,
            Faulted => Rule::J15,
        }
    }

    /// The states one documented transition leads from to `self`.
    pub fn predecessors(self) -> Vec<JobState> {
        JobState::ALL.iter().copied().filter(|s| s.transition_rule(self).is_some()).collect()
    }

    /// Completed and Closed: the job's work is over; only C7 and E3 remain.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Completed | JobState::Closed)
    }
}

impl DriveState {
    /// States one documented transition leads to (D2–D8, S3, D9). Used by S5.
    pub fn successors(self) -> &'static [DriveState] {
        use DriveState::*;
        match self {
            Specified => &[Received, NeverReceived],
            NeverReceived => &[Received],
            Received => &[Transferring, ShippedBack],
            Transferring => &[Completed, CompletedMoreInfo],
            Completed | CompletedMoreInfo => &[ShippedBack],
            ShippedBack | Faulted => &[],
        }
    }

    /// The rule of the documented transition from `self` to `to`, if one leads
    /// there in one step: the edges of `successors` (D2–D8; S3 for a cancelled
    /// job's or an extra drive's `Received` → `ShippedBack`), and J15 into
    /// `Faulted` from any state but `ShippedBack`.
    pub fn transition_rule(self, to: DriveState) -> Option<Rule> {
        use DriveState::*;
        match (self, to) {
            (Specified, Received) => Some(Rule::D2),
            (Specified, NeverReceived) => Some(Rule::D3),
            (NeverReceived, Received) => Some(Rule::D4),
            (Received, Transferring) => Some(Rule::D5),
            (Received, ShippedBack) => Some(Rule::S3),
            (Transferring, Completed) => Some(Rule::D6),
            (Transferring, CompletedMoreInfo) => Some(Rule::D7),
            (Completed | CompletedMoreInfo, ShippedBack) => Some(Rule::D8),
            (from, Faulted) if !matches!(from, Faulted | ShippedBack) => Some(Rule::J15),
            _ => None,
        }
    }

    /// The rule that documents how a drive comes to be in `self`.
    pub fn entry_rule(self) -> Rule {
        use DriveState::*;
        match self {
            Specified => Rule::D1,
            Received => Rule::D2,
            NeverReceived => Rule::D3,
            Transferring => Rule::D5,
            Completed => Rule::D6,
            CompletedMoreInfo => Rule::D7,
            ShippedBack => Rule::D8,
            Faulted => Rule::J15,
        }
    }

    /// The states one documented transition leads from to `self`.
    pub fn predecessors(self) -> Vec<DriveState> {
        DriveState::ALL.iter().copied().filter(|s| s.transition_rule(self).is_some()).collect()
    }

    /// The drive is physically at the data center (or was, before shipping back).
    pub fn has_arrived(self) -> bool {
        !matches!(self, DriveState::Specified | DriveState::NeverReceived)
    }

    /// Processing finished (D6, D7).
    pub fn is_processed(self) -> bool {
        matches!(self, DriveState::Completed | DriveState::CompletedMoreInfo)
    }
}

named_enum!(
    /// How a customer was contacted (J6, J15, E1, E4).
    ContactVia "way to contact the customer" { Email, Phone }
);

named_enum!(
    /// What the customer reported about returned export drives (E3).
    ReturnProblem "return problem" { Lost, Damaged }
);

named_enum!(
    /// Severity of one copy message of a `CompletedMoreInfo` drive (D7).
    Severity "message severity" { Error, Warning, Info }
);

named_enum!(
    /// Where an E1 arrival (drives with no Shipping job) stands; `Released`
    /// once its job reached Shipping and took its drives (S10).
    ArrivalStatus "arrival status" { Held, Released, Returned, Destroyed }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_the_way_operators_type_them() {
        assert_eq!("never-received".parse::<DriveState>(), Ok(DriveState::NeverReceived));
        assert_eq!("SHIPPING".parse::<JobState>(), Ok(JobState::Shipping));
        let err = "shipped".parse::<JobState>().unwrap_err();
        assert!(err.starts_with("'shipped' is not a job state: expected one of Creating, Shipping"), "{err}");
        // Issue 13: the operator's words, never a Rust type name.
        let err = "".parse::<ContactVia>().unwrap_err();
        assert_eq!(err, "an empty value is not a way to contact the customer: expected one of Email, Phone");
    }

    #[test]
    fn s5_transition_rules_are_exactly_the_documented_edges() {
        for from in JobState::ALL.iter().copied() {
            for to in JobState::ALL.iter().copied().filter(|s| *s != JobState::Faulted) {
                assert_eq!(
                    from.transition_rule(to).is_some(),
                    from.successors().contains(&to),
                    "{from} → {to}"
                );
            }
        }
        for from in DriveState::ALL.iter().copied() {
            for to in DriveState::ALL.iter().copied().filter(|s| *s != DriveState::Faulted) {
                assert_eq!(
                    from.transition_rule(to).is_some(),
                    from.successors().contains(&to),
                    "{from} → {to}"
                );
            }
        }
        assert_eq!(JobState::Completed.predecessors(), vec![JobState::Packaging]);
        assert_eq!(JobState::Creating.transition_rule(JobState::Completed), None);
    }

    #[test]
    fn service_values_match_ignoring_case_but_nothing_else() {
        assert_eq!(JobState::from_service(" shipping "), Some(JobState::Shipping));
        assert_eq!(JobState::from_service("Sleeping"), None);
        assert_eq!(DriveState::from_service("never-received"), None);
        assert_eq!(JobType::from_service("EXPORT"), Some(JobType::Export));
    }

    #[test]
    fn final_states_lead_nowhere() {
        assert!(JobState::Completed.successors().is_empty());
        assert!(DriveState::ShippedBack.successors().is_empty());
    }
}
