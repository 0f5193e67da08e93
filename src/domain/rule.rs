//! Rule IDs of the rules document (`assets/rules.md`, SPEC v2). Every refusal
//! and every audit event names one, so an operator can look up why something
//! happened; [`Rule::text`] gives the rule's own words.

use std::fmt;
use std::str::FromStr;

use super::state::{DriveState, JobState};

macro_rules! rules {
    ($($id:ident),* $(,)?) => {
        /// A rule of the domain specification (`assets/rules.md`), by its ID.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum Rule { $($id),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$id),*];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$id => stringify!($id)),* }
            }
        }
    };
}

rules!(
    J1, J2, J3, J4, J5, J6, J7, J8, J9, J10, J11, J12, J13, J14, J15, J16, //
    D1, D2, D3, D4, D5, D6, D7, D8, D9, //
    E1, E2, E3, E4, E5, E6, //
    C1, C2, C3, C4, C5, C6, C7, //
    S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, //
    P1,
);

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown rule ID '{s}'"))
    }
}

/// The rules document, embedded so the binary carries the rules it enforces.
pub const RULES_DOCUMENT: &str = include_str!("../../assets/rules.md");

impl Rule {
    /// The rule's text as the rules document states it (its table row, the
    /// ID cell and, for exceptions and clocks, every column joined by " — ").
    pub fn text(self) -> &'static str {
        rule_rows().find(|(id, _)| *id == self.id()).map_or("", |(_, text)| text)
    }
}

impl Rule {
    /// The rule by which a job enters `state`.
    pub fn entering_job_state(state: JobState) -> Rule {
        match state {
            JobState::Creating => Rule::J1,
            JobState::Shipping => Rule::J4,
            JobState::Received => Rule::J8,
            JobState::Transferring => Rule::J9,
            JobState::Packaging => Rule::J10,
            JobState::Completed => Rule::J11,
            JobState::Closed => Rule::J12,
            JobState::Faulted => Rule::J15,
        }
    }

    /// The rule by which a drive enters `state`.
    pub fn entering_drive_state(state: DriveState) -> Rule {
        match state {
            DriveState::Specified => Rule::D1,
            DriveState::Received => Rule::D2,
            DriveState::NeverReceived => Rule::D3,
            DriveState::Transferring => Rule::D5,
            DriveState::Completed => Rule::D6,
            DriveState::CompletedMoreInfo => Rule::D7,
            DriveState::ShippedBack => Rule::D8,
            DriveState::Faulted => Rule::J15,
        }
    }

    /// The rule IDs a text names ("D2", "J8, S10", …), in order, once each.
    pub fn named_in(text: &str) -> Vec<Rule> {
        let mut rules = Vec::new();
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if let Ok(rule) = word.parse::<Rule>() {
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
            }
        }
        rules
    }
}

/// `(ID, rest of the row)` of every rule row of the rules document.
fn rule_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULES_DOCUMENT.lines().filter_map(|line| {
        let row = line.strip_prefix("| ")?;
        let (id, text) = row.split_once(" | ")?;
        let is_id = id.len() >= 2
            && id.starts_with(['J', 'D', 'E', 'C', 'S', 'P'])
            && id[1..].bytes().all(|b| b.is_ascii_digit());
        is_id.then(|| (id, text.trim_end_matches(['|', ' '])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_text_and_every_documented_rule_is_known() {
        for rule in Rule::ALL {
            assert!(!rule.text().is_empty(), "{rule} has no text in assets/rules.md");
        }
        let documented: Vec<&str> = rule_rows().map(|(id, _)| id).collect();
        let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(documented, known, "assets/rules.md and Rule::ALL list the same IDs in order");
        assert!(Rule::S8.text().starts_with("One physical drive, one place."), "{}", Rule::S8.text());
    }

    /// The project's copy keeps in step with the product's SPEC.md, row by
    /// row, wherever the shared specification sits beside the repository (as
    /// it does for the developers and CI); its own product decisions (P-n)
    /// come on top.
    #[test]
    fn rules_document_matches_the_shared_spec_row_by_row() {
        let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/SPEC.md");
        let Ok(spec) = std::fs::read_to_string(spec) else {
            eprintln!("no ../shared/SPEC.md beside this checkout: nothing to compare");
            return;
        };
        let rows = |doc: &str| -> Vec<String> {
            doc.lines().filter(|l| l.starts_with("| ") && l.contains(" | ")).map(str::to_string).collect()
        };
        let (specified, decisions) =
            RULES_DOCUMENT.split_once("## Product decisions").expect("a section of product decisions");
        assert_eq!(rows(specified), rows(&spec));
        assert!(rows(decisions).iter().skip(1).all(|r| r.starts_with("| P")), "only P rows after SPEC's");
    }
}
