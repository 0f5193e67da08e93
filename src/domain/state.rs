//! The life-cycle states of jobs and drives, and the documented transitions
//! between them (the edges of SPEC's diagrams, used by S5 when a fault is resolved).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares a state-like enum whose names are the service's own spelling.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),* }
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
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("unknown {} '{}': expected one of {}", stringify!($name), s, names.join(", "))
                    })
            }
        }
    };
}

named_enum!(
    /// Import: the customer ships drives in. Export: data is copied out onto drives.
    JobType { Import, Export }
);

named_enum!(
    /// Job states; `Faulted` is an overlay that remembers the state it interrupted.
    JobState { Creating, Shipping, Received, Transferring, Packaging, Completed, Closed, Faulted }
);

named_enum!(
    /// Drive states; `Faulted` is an overlay like the job's.
    DriveState { Specified, Received, NeverReceived, Transferring, Completed, CompletedMoreInfo, ShippedBack, Faulted }
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
    ContactVia { Email, Phone }
);

named_enum!(
    /// What the customer reported about returned export drives (E3).
    ReturnProblem { Lost, Damaged }
);

named_enum!(
    /// Severity of one copy message of a `CompletedMoreInfo` drive (D7).
    Severity { Error, Warning, Info }
);

named_enum!(
    /// Where an E1 arrival (drives with no Shipping job) stands.
    ArrivalStatus { Held, Returned, Destroyed }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_the_way_operators_type_them() {
        assert_eq!("never-received".parse::<DriveState>(), Ok(DriveState::NeverReceived));
        assert_eq!("SHIPPING".parse::<JobState>(), Ok(JobState::Shipping));
        let err = "shipped".parse::<JobState>().unwrap_err();
        assert!(err.contains("expected one of Creating, Shipping"), "{err}");
    }

    #[test]
    fn final_states_lead_nowhere() {
        assert!(JobState::Completed.successors().is_empty());
        assert!(DriveState::ShippedBack.successors().is_empty());
    }
}
