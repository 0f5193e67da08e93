//! Rule IDs of SPEC.md. Every refusal and every audit event names one, so an
//! operator can look up why something happened.

use std::fmt;
use std::str::FromStr;

macro_rules! rules {
    ($($id:ident),* $(,)?) => {
        /// A rule of the domain specification (SPEC.md), by its ID.
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
    S1, S2, S3, S4, S5, S6, S7,
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
