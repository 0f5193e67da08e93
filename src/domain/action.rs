//! What an operator can ask for. An action is parsed and validated here from its
//! kebab-case name and `KEY=VALUE` parameters; whether the rules allow it is
//! decided in `decide`.

use std::fmt;

use super::field::{Field, FieldGroup, FieldSet};
use super::model::CopyMessage;
use super::rule::Rule;
use super::state::{ContactVia, DriveState, JobState, ReturnProblem, Severity};

/// What an action is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Job,
    Drive,
    /// An E1 arrival, addressed as `arrival:ID`.
    Arrival,
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TargetKind::Job => "job",
            TargetKind::Drive => "drive",
            TargetKind::Arrival => "arrival",
        })
    }
}

impl TargetKind {
    /// How the command line names a target of this kind.
    pub fn address(self) -> &'static str {
        match self {
            TargetKind::Job => "JOB",
            TargetKind::Drive => "JOB/DRIVE",
            TargetKind::Arrival => "arrival:ID",
        }
    }
}

/// One parameter an action takes (`--set KEY=VALUE`); also drives the console's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub key: &'static str,
    pub required: bool,
    pub hint: &'static str,
}

/// A `Param` literal, so parameter tables stay `'static`.
macro_rules! param {
    ($key:literal, $required:literal, $hint:literal) => {
        Param { key: $key, required: $required, hint: $hint }
    };
}

macro_rules! action_kinds {
    ($($variant:ident => $name:literal: [$($target:ident),*]),* $(,)?) => {
        /// Every action by name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ActionKind { $($variant),* }

        impl ActionKind {
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$variant),*];

            /// The kebab-case name used on the command line and in the audit log.
            pub fn name(self) -> &'static str {
                match self { $(ActionKind::$variant => $name),* }
            }

            pub fn targets(self) -> &'static [TargetKind] {
                match self { $(ActionKind::$variant => &[$(TargetKind::$target),*]),* }
            }
        }
    };
}

action_kinds!(
    Update => "update": [Job],
    Ship => "ship": [Job],
    NotifyCustomer => "notify-customer": [Job],
    ExtendWait => "extend-wait": [Job],
    Cancel => "cancel": [Job],
    CloseUnanswered => "close-unanswered": [Job],
    Contact => "contact": [Job, Arrival],
    BadReturnAddress => "bad-return-address": [Job],
    ReportReturnProblem => "report-return-problem": [Job],
    ReturnFailed => "return-failed": [Job, Arrival],
    DestroyDrives => "destroy-drives": [Job, Arrival],
    ReturnDrives => "return-drives": [Arrival],
    Receive => "receive": [Drive],
    CorrectReceipt => "correct-receipt": [Drive],
    NeverReceived => "never-received": [Drive],
    StartTransfer => "start-transfer": [Drive],
    Progress => "progress": [Drive],
    Complete => "complete": [Drive],
    CompleteWithInfo => "complete-with-info": [Drive],
    ShipBack => "ship-back": [Job, Drive],
    Fault => "fault": [Job, Drive],
    Resolve => "resolve": [Job, Drive],
);

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ActionKind {
    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Names valid for a target, for "unknown action" messages and completion.
    pub fn names_for(target: TargetKind) -> Vec<&'static str> {
        ActionKind::ALL.iter().filter(|k| k.targets().contains(&target)).map(|k| k.name()).collect()
    }

    /// The parameters the action takes besides job fields.
    pub fn params(self) -> &'static [Param] {
        const VIA: Param = param!("via", true, "email or phone");
        match self {
            ActionKind::NotifyCustomer => &[param!("via", false, "email (default) or phone")],
            ActionKind::ExtendWait => &[param!("days", true, "days to wait from now, 1 to 90")],
            ActionKind::Contact => &[VIA, param!("outcome", false, "reached (default) or unreachable")],
            ActionKind::ReportReturnProblem => &[param!("kind", true, "lost or damaged")],
            ActionKind::Fault => &[param!("reason", true, "why it cannot progress")],
            ActionKind::Resolve => &[param!("state", true, "the state to resume in (S5)")],
            ActionKind::Progress => {
                &[param!("percent", true, "0 to 100"), param!("bytes", false, "bytes copied so far")]
            }
            ActionKind::CompleteWithInfo => {
                &[param!("message", true, "SEVERITY:TEXT, severity error, warning or info; repeatable")]
            }
            _ => &[],
        }
    }

    /// The rules that may allow the action (`decide` names one of them when
    /// it does), for help texts: `ieops act --help`.
    pub fn rules(self) -> &'static [Rule] {
        use Rule::*;
        match self {
            ActionKind::Update => &[J3, E4],
            ActionKind::Ship => &[J4],
            ActionKind::NotifyCustomer | ActionKind::ExtendWait => &[J6],
            ActionKind::Cancel => &[J14, S3],
            ActionKind::CloseUnanswered => &[J7, S12],
            ActionKind::Contact => &[J15, J7, E4, E1],
            ActionKind::BadReturnAddress => &[E4],
            ActionKind::ReportReturnProblem => &[E3],
            ActionKind::ReturnFailed | ActionKind::DestroyDrives => &[S11],
            ActionKind::ReturnDrives => &[E1, C5, S10],
            ActionKind::Receive => &[D1, D2, D4, D9, S9, S12],
            ActionKind::CorrectReceipt => &[P1],
            ActionKind::NeverReceived => &[D3],
            ActionKind::StartTransfer | ActionKind::Progress => &[D5],
            ActionKind::Complete => &[D6],
            ActionKind::CompleteWithInfo => &[D7],
            ActionKind::ShipBack => &[J11, J12, D8, D9, S3, S12],
            ActionKind::Fault | ActionKind::Resolve => &[J15, S5],
        }
    }

    /// The job field groups the action accepts with `--set`.
    pub fn field_groups(self) -> &'static [FieldGroup] {
        use FieldGroup::*;
        match self {
            ActionKind::Update => &[General, DeliveryPackage, ReturnAddress, ReturnShipping],
            ActionKind::Ship => &[General, DeliveryPackage, ReturnAddress, ReturnShipping],
            ActionKind::ShipBack => &[ReturnPackage],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobAction {
    Update(Vec<FieldSet>),
    Ship(Vec<FieldSet>),
    NotifyCustomer {
        via: ContactVia,
    },
    ExtendWait {
        days: u32,
    },
    Cancel,
    CloseUnanswered,
    Contact {
        via: ContactVia,
        reached: bool,
    },
    BadReturnAddress,
    ReportReturnProblem {
        kind: ReturnProblem,
    },
    /// A recorded attempt to return the drives failed (S11).
    ReturnFailed,
    DestroyDrives,
    ShipBack(Vec<FieldSet>),
    Fault {
        reason: String,
    },
    Resolve {
        state: JobState,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveAction {
    Receive,
    /// Undo a receipt recorded by mistake (P1).
    CorrectReceipt,
    NeverReceived,
    StartTransfer,
    Progress {
        percent: u8,
        bytes: Option<u64>,
    },
    Complete,
    CompleteWithInfo(Vec<CopyMessage>),
    ShipBack(Vec<FieldSet>),
    Fault {
        reason: String,
    },
    Resolve {
        state: DriveState,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrivalAction {
    Contact {
        via: ContactVia,
        reached: bool,
    },
    ReturnDrives,
    /// A recorded attempt to return the drives failed (S11).
    ReturnFailed,
    DestroyDrives,
}

/// A parsed action with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Job(JobAction),
    Drive(DriveAction),
    Arrival(ArrivalAction),
}

impl JobAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            JobAction::Update(_) => ActionKind::Update,
            JobAction::Ship(_) => ActionKind::Ship,
            JobAction::NotifyCustomer { .. } => ActionKind::NotifyCustomer,
            JobAction::ExtendWait { .. } => ActionKind::ExtendWait,
            JobAction::Cancel => ActionKind::Cancel,
            JobAction::CloseUnanswered => ActionKind::CloseUnanswered,
            JobAction::Contact { .. } => ActionKind::Contact,
            JobAction::BadReturnAddress => ActionKind::BadReturnAddress,
            JobAction::ReportReturnProblem { .. } => ActionKind::ReportReturnProblem,
            JobAction::ReturnFailed => ActionKind::ReturnFailed,
            JobAction::DestroyDrives => ActionKind::DestroyDrives,
            JobAction::ShipBack(_) => ActionKind::ShipBack,
            JobAction::Fault { .. } => ActionKind::Fault,
            JobAction::Resolve { .. } => ActionKind::Resolve,
        }
    }
}

impl DriveAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            DriveAction::Receive => ActionKind::Receive,
            DriveAction::CorrectReceipt => ActionKind::CorrectReceipt,
            DriveAction::NeverReceived => ActionKind::NeverReceived,
            DriveAction::StartTransfer => ActionKind::StartTransfer,
            DriveAction::Progress { .. } => ActionKind::Progress,
            DriveAction::Complete => ActionKind::Complete,
            DriveAction::CompleteWithInfo(_) => ActionKind::CompleteWithInfo,
            DriveAction::ShipBack(_) => ActionKind::ShipBack,
            DriveAction::Fault { .. } => ActionKind::Fault,
            DriveAction::Resolve { .. } => ActionKind::Resolve,
        }
    }
}

impl ArrivalAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            ArrivalAction::Contact { .. } => ActionKind::Contact,
            ArrivalAction::ReturnDrives => ActionKind::ReturnDrives,
            ArrivalAction::ReturnFailed => ActionKind::ReturnFailed,
            ArrivalAction::DestroyDrives => ActionKind::DestroyDrives,
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Job(a) => a.kind(),
            Action::Drive(a) => a.kind(),
            Action::Arrival(a) => a.kind(),
        }
    }

    /// Parses `NAME` and its `KEY=VALUE` pairs for a target. The error is one
    /// line for the operator: what was wrong and what would be right.
    pub fn parse(target: TargetKind, name: &str, sets: &[(String, String)]) -> Result<Action, String> {
        let kind = ActionKind::parse(name)
            .filter(|k| k.targets().contains(&target))
            .ok_or_else(|| unknown_action(target, name))?;
        let args = Args::new(kind, sets)?;
        Ok(match (target, kind) {
            (TargetKind::Job, ActionKind::Update) => Action::Job(JobAction::Update(args.fields()?)),
            (TargetKind::Job, ActionKind::Ship) => Action::Job(JobAction::Ship(args.fields()?)),
            (TargetKind::Job, ActionKind::NotifyCustomer) => Action::Job(JobAction::NotifyCustomer {
                via: args.parsed::<ContactVia>("via")?.unwrap_or(ContactVia::Email),
            }),
            (TargetKind::Job, ActionKind::ExtendWait) => {
                let days = args.number("days", 1, 90)?;
                Action::Job(JobAction::ExtendWait { days: days as u32 })
            }
            (TargetKind::Job, ActionKind::Cancel) => Action::Job(JobAction::Cancel),
            (TargetKind::Job, ActionKind::CloseUnanswered) => Action::Job(JobAction::CloseUnanswered),
            (TargetKind::Job, ActionKind::Contact) => {
                let (via, reached) = args.contact()?;
                Action::Job(JobAction::Contact { via, reached })
            }
            (TargetKind::Job, ActionKind::BadReturnAddress) => Action::Job(JobAction::BadReturnAddress),
            (TargetKind::Job, ActionKind::ReportReturnProblem) => {
                let kind = args.required_parsed::<ReturnProblem>("kind")?;
                Action::Job(JobAction::ReportReturnProblem { kind })
            }
            (TargetKind::Job, ActionKind::ReturnFailed) => Action::Job(JobAction::ReturnFailed),
            (TargetKind::Job, ActionKind::DestroyDrives) => Action::Job(JobAction::DestroyDrives),
            (TargetKind::Job, ActionKind::ShipBack) => Action::Job(JobAction::ShipBack(args.fields()?)),
            (TargetKind::Job, ActionKind::Fault) => {
                Action::Job(JobAction::Fault { reason: args.text("reason")? })
            }
            (TargetKind::Job, ActionKind::Resolve) => {
                Action::Job(JobAction::Resolve { state: args.required_parsed("state")? })
            }
            (TargetKind::Drive, ActionKind::Receive) => Action::Drive(DriveAction::Receive),
            (TargetKind::Drive, ActionKind::CorrectReceipt) => Action::Drive(DriveAction::CorrectReceipt),
            (TargetKind::Drive, ActionKind::NeverReceived) => Action::Drive(DriveAction::NeverReceived),
            (TargetKind::Drive, ActionKind::StartTransfer) => Action::Drive(DriveAction::StartTransfer),
            (TargetKind::Drive, ActionKind::Progress) => {
                let percent = args.number("percent", 0, 100)? as u8;
                let bytes = match args.value("bytes") {
                    Some(_) => Some(args.number("bytes", 0, u64::MAX)?),
                    None => None,
                };
                Action::Drive(DriveAction::Progress { percent, bytes })
            }
            (TargetKind::Drive, ActionKind::Complete) => Action::Drive(DriveAction::Complete),
            (TargetKind::Drive, ActionKind::CompleteWithInfo) => {
                Action::Drive(DriveAction::CompleteWithInfo(args.messages()?))
            }
            (TargetKind::Drive, ActionKind::ShipBack) => Action::Drive(DriveAction::ShipBack(args.fields()?)),
            (TargetKind::Drive, ActionKind::Fault) => {
                Action::Drive(DriveAction::Fault { reason: args.text("reason")? })
            }
            (TargetKind::Drive, ActionKind::Resolve) => {
                Action::Drive(DriveAction::Resolve { state: args.required_parsed("state")? })
            }
            (TargetKind::Arrival, ActionKind::Contact) => {
                let (via, reached) = args.contact()?;
                Action::Arrival(ArrivalAction::Contact { via, reached })
            }
            (TargetKind::Arrival, ActionKind::ReturnDrives) => Action::Arrival(ArrivalAction::ReturnDrives),
            (TargetKind::Arrival, ActionKind::ReturnFailed) => Action::Arrival(ArrivalAction::ReturnFailed),
            (TargetKind::Arrival, ActionKind::DestroyDrives) => Action::Arrival(ArrivalAction::DestroyDrives),
            (target, kind) => return Err(format!("'{kind}' does not apply to a {target}")),
        })
    }
}

/// The `KEY=VALUE` pairs of one action, checked against what it accepts.
struct Args<'a> {
    kind: ActionKind,
    sets: &'a [(String, String)],
}

impl<'a> Args<'a> {
    fn new(kind: ActionKind, sets: &'a [(String, String)]) -> Result<Args<'a>, String> {
        for (key, _) in sets {
            let is_param = kind.params().iter().any(|p| p.key == key);
            let is_field = Field::parse(key).is_some_and(|f| kind.field_groups().contains(&f.group()));
            if !is_param && !is_field {
                return Err(unknown_key(kind, key));
            }
            let repeatable = kind == ActionKind::CompleteWithInfo && key == "message";
            if !repeatable && sets.iter().filter(|(k, _)| k == key).count() > 1 {
                return Err(format!("{key} is given twice for '{kind}'; give it once"));
            }
        }
        for p in kind.params().iter().filter(|p| p.required) {
            if !sets.iter().any(|(k, _)| k == p.key) {
                return Err(format!("'{kind}' needs --set {}=… ({})", p.key, p.hint));
            }
        }
        Ok(Args { kind, sets })
    }

    fn value(&self, key: &str) -> Option<&'a str> {
        self.sets.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn fields(&self) -> Result<Vec<FieldSet>, String> {
        self.sets.iter().filter_map(|(k, v)| Field::parse(k).map(|f| f.validate(v))).collect()
    }

    fn text(&self, key: &str) -> Result<String, String> {
        let value = self.value(key).unwrap_or_default().trim();
        if value.is_empty() {
            return Err(format!("'{}' needs a non-empty --set {key}=…", self.kind));
        }
        if value.chars().any(char::is_control) {
            return Err(format!("{key}: the value contains a control character; type plain text"));
        }
        Ok(value.to_string())
    }

    fn parsed<T: std::str::FromStr<Err = String>>(&self, key: &str) -> Result<Option<T>, String> {
        self.value(key).map(|v| v.trim().parse::<T>().map_err(|e| format!("{key}: {e}"))).transpose()
    }

    fn required_parsed<T: std::str::FromStr<Err = String>>(&self, key: &str) -> Result<T, String> {
        self.parsed(key)?.ok_or_else(|| format!("'{}' needs --set {key}=…", self.kind))
    }

    fn number(&self, key: &str, min: u64, max: u64) -> Result<u64, String> {
        let raw = self.value(key).unwrap_or_default().trim();
        raw.parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("{key}: '{raw}' is not a whole number from {min} to {max}"))
    }

    fn contact(&self) -> Result<(ContactVia, bool), String> {
        let via = self.required_parsed::<ContactVia>("via")?;
        let reached = match self.value("outcome").map(str::trim) {
            None | Some("reached") => true,
            Some("unreachable") => false,
            Some(other) => return Err(format!("outcome: '{other}' is not reached or unreachable")),
        };
        Ok((via, reached))
    }

    fn messages(&self) -> Result<Vec<CopyMessage>, String> {
        self.sets
            .iter()
            .filter(|(k, _)| k == "message")
            .map(|(_, v)| {
                let (severity, text) = v.split_once(':').ok_or_else(|| {
                    format!("message: '{v}' is not SEVERITY:TEXT, e.g. warning:blob overwritten")
                })?;
                let severity = severity.trim().parse::<Severity>().map_err(|e| format!("message: {e}"))?;
                let text = text.trim();
                if text.is_empty() || text.chars().any(char::is_control) {
                    return Err(format!("message: '{v}' needs plain text after the severity"));
                }
                Ok(CopyMessage { severity, text: text.to_string() })
            })
            .collect()
    }
}

/// Why `name` is no action for `target`, with the closest names: first among
/// the target's own actions, then among the others' (with where they apply).
fn unknown_action(target: TargetKind, name: &str) -> String {
    let own = ActionKind::names_for(target);
    let a = |t: TargetKind| if t == TargetKind::Arrival { "an" } else { "a" };
    let elsewhere = |kind: ActionKind| {
        let targets: Vec<String> =
            kind.targets().iter().map(|t| format!("{} {t} ({})", a(*t), t.address())).collect();
        format!("'{kind}' applies to {}, not to {} {target}", targets.join(" or "), a(target))
    };
    if let Some(kind) = ActionKind::parse(name) {
        return elsewhere(kind);
    }
    let listed = format!("expected one of {}", own.join(", "));
    if let Some(hint) = crate::suggest::did_you_mean(&crate::suggest::closest(name, own.iter().copied())) {
        return format!("unknown {target} action '{name}': {hint} ({listed})");
    }
    let others = ActionKind::ALL.iter().map(|k| k.name()).filter(|n| !own.contains(n));
    match crate::suggest::closest(name, others).first().and_then(|n| ActionKind::parse(n)) {
        Some(kind) => format!("unknown {target} action '{name}': did you mean '{kind}'? {}", elsewhere(kind)),
        None => format!("unknown {target} action '{name}': {listed}"),
    }
}

fn unknown_key(kind: ActionKind, key: &str) -> String {
    let mut accepted: Vec<&str> = kind.params().iter().map(|p| p.key).collect();
    accepted.extend(Field::ALL.iter().filter(|f| kind.field_groups().contains(&f.group())).map(|f| f.path()));
    if accepted.is_empty() {
        format!("'{kind}' takes no --set; remove {key}")
    } else {
        format!("'{kind}' does not take {key}: it accepts {}", accepted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_action_parses_for_its_targets_only() {
        let err = Action::parse(TargetKind::Drive, "ship", &[]).unwrap_err();
        assert_eq!(err, "'ship' applies to a job (JOB), not to a drive");
        let err = Action::parse(TargetKind::Drive, "teleport", &[]).unwrap_err();
        assert!(err.starts_with("unknown drive action 'teleport': expected one of receive"), "{err}");
        assert!(Action::parse(TargetKind::Job, "cancel", &[]).is_ok());
    }

    #[test]
    fn a_mistyped_action_is_answered_with_the_closest_names() {
        let err = Action::parse(TargetKind::Drive, "recieve", &[]).unwrap_err();
        assert!(
            err.starts_with("unknown drive action 'recieve': did you mean 'receive'? (expected"),
            "{err}"
        );
        let err = Action::parse(TargetKind::Job, "recieve", &[]).unwrap_err();
        assert_eq!(
            err,
            "unknown job action 'recieve': did you mean 'receive'? 'receive' applies to a drive (JOB/DRIVE), not to a job"
        );
        let err = Action::parse(TargetKind::Arrival, "receive", &[]).unwrap_err();
        assert_eq!(err, "'receive' applies to a drive (JOB/DRIVE), not to an arrival");
    }

    /// The help's rule column holds every rule the decisions name: what
    /// the demo's jobs and arrivals allow, over their whole life, and what
    /// their recorded actions were decided under.
    #[test]
    fn every_rule_an_action_is_allowed_by_is_listed() {
        let start: crate::domain::Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let data = crate::demo::generate(240, start, 7).unwrap();
        let mut unlisted = std::collections::BTreeSet::new();
        let mut listed = |kind: ActionKind, rule: Rule| {
            if !kind.rules().contains(&rule) {
                unlisted.insert((kind, rule));
            }
        };
        for days in [0, 3, 10, 20, 40, 100] {
            let now = start + chrono::Duration::days(days);
            for (job, _) in &data.jobs {
                let drives = job.drives.iter().map(|d| Some(d.drive_id.as_str()));
                for drive in std::iter::once(None).chain(drives) {
                    for allowed in crate::domain::valid_actions(job, drive, now) {
                        listed(allowed.kind, allowed.rule);
                    }
                }
            }
            for (arrival, _) in &data.arrivals {
                for allowed in crate::domain::arrival::valid_arrival_actions(arrival, now) {
                    listed(allowed.kind, allowed.rule);
                }
            }
        }
        let events = data.jobs.iter().flat_map(|(_, e)| e).chain(data.arrivals.iter().flat_map(|(_, e)| e));
        for event in events {
            if let Some(kind) = ActionKind::parse(&event.action) {
                listed(kind, event.rule);
            }
        }
        assert!(unlisted.is_empty(), "allowed by rules ActionKind::rules leaves out: {unlisted:?}");
    }

    #[test]
    fn parameters_are_checked() {
        let err = Action::parse(TargetKind::Job, "extend-wait", &[]).unwrap_err();
        assert_eq!(err, "'extend-wait' needs --set days=… (days to wait from now, 1 to 90)");
        let err = Action::parse(TargetKind::Job, "extend-wait", &sets(&[("days", "0")])).unwrap_err();
        assert!(err.contains("not a whole number from 1 to 90"), "{err}");
        let err = Action::parse(TargetKind::Job, "cancel", &sets(&[("days", "3")])).unwrap_err();
        assert_eq!(err, "'cancel' takes no --set; remove days");
        let err =
            Action::parse(TargetKind::Job, "ship-back", &sets(&[("returnAddress.city", "X")])).unwrap_err();
        assert!(err.contains("accepts returnPackage.carrierName"), "{err}");
    }

    #[test]
    fn messages_are_severity_and_text() {
        let a = Action::parse(
            TargetKind::Drive,
            "complete-with-info",
            &sets(&[("message", "error:checksum mismatch"), ("message", "info:blob overwritten")]),
        )
        .unwrap();
        match a {
            Action::Drive(DriveAction::CompleteWithInfo(m)) => {
                assert_eq!(m.len(), 2);
                assert_eq!(m[0].severity, Severity::Error);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            Action::parse(TargetKind::Drive, "complete-with-info", &sets(&[("message", "oops")])).is_err()
        );
    }
}
