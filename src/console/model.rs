//! The console's whole state. `update` changes it; `view` only reads it.

use std::collections::BTreeSet;

use ratatui_textarea::TextArea;

use crate::domain::attention::{Item, Subject};
use crate::domain::{ActionKind, Allowed, Arrival, Job, Rule, Timestamp};
use crate::ops::{Ask, Step};
use crate::store::AuditRecord;

use super::data::Data;
use super::dock::{DockForm, Package as DockPackage};
use super::filter::Filter;
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Attention,
    Jobs,
    Drives,
    Audit,
    Archive,
}

impl View {
    pub const ALL: [View; 5] = [View::Attention, View::Jobs, View::Drives, View::Audit, View::Archive];

    pub fn title(self) -> &'static str {
        match self {
            View::Attention => "Attention",
            View::Jobs => "Jobs",
            View::Drives => "Drives",
            View::Audit => "Audit",
            View::Archive => "Archive",
        }
    }

    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

/// Fixed for the session.
#[derive(Debug, Clone)]
pub struct Config {
    pub db_path: String,
    pub operator: String,
    pub read_only: bool,
    /// `--now`: the console runs at this simulated time instead of the wall clock.
    pub simulated: bool,
    pub theme: Theme,
    /// The keys in force (the settings file may remap some).
    pub keys: super::keymap::Keymap,
    /// Wall screens: ring the bell when a new item enters the queue.
    pub bell: bool,
    /// Wall screens: show the next view every this many seconds.
    pub cycle_seconds: Option<u64>,
    /// Per view, the columns the settings file asks for, most needed first.
    pub columns: [Option<Vec<usize>>; 5],
    /// Saved filters (`:filter NAME`): name and filter text.
    pub filters: Vec<(String, String)>,
}

/// Sort order of one view's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// A job drive, for marks and bulk actions.
pub type DriveKey = (String, String);

/// What a confirmed write asks for. The worker decides it again inside the
/// write transaction, on what the store holds then, never on this console's
/// copy; the steps are those the confirmation showed, and if the decision
/// now differs nothing is written and the operator sees the new one (S7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Act {
        asks: Vec<Ask>,
        note: Option<String>,
        steps: Vec<Step>,
    },
    /// The sweep (C1, C3, C7) as operator `system`.
    Sweep,
    /// A package recorded at the dock (receiving mode), by the same engine as
    /// `ieops arrival`.
    Arrival {
        package: DockPackage,
        steps: Vec<Step>,
    },
}

/// One field of an action form.
#[derive(Debug)]
pub struct FormField {
    pub key: &'static str,
    pub hint: String,
    pub required: bool,
    pub input: TextArea<'static>,
}

/// An action's parameters being filled in.
#[derive(Debug)]
pub struct Form {
    pub purpose: FormPurpose,
    pub fields: Vec<FormField>,
    /// The values the fields started with; only changed ones are submitted.
    pub initial: Vec<String>,
    pub focus: usize,
    pub error: Option<String>,
}

/// What a form's values are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormPurpose {
    Action {
        subject: Subject,
        kind: ActionKind,
    },
    /// The return package of the marked drives (D8), shipped in one transaction.
    BulkShipBack,
}

/// The dialog in front of the table, if any.
#[derive(Debug)]
pub enum Popup {
    Menu {
        subject: Subject,
        actions: Vec<Allowed>,
        selected: usize,
    },
    Form(Box<Form>),
    Confirm {
        title: String,
        lines: Vec<String>,
        plan: Plan,
    },
    /// Receiving mode: a package at the dock.
    Dock(Box<DockForm>),
    Help {
        scroll: usize,
    },
    /// The rules the selected row cites: their text and the seed sentences
    /// they come from.
    Rules {
        rules: Vec<Rule>,
        scroll: usize,
    },
    Message {
        title: String,
        text: String,
        error: bool,
    },
}

/// The line at the bottom where the filter or a `:` command is typed.
#[derive(Debug)]
pub struct Input {
    pub kind: InputKind,
    pub text: TextArea<'static>,
    /// Which earlier line is shown (Up), counted back from the newest.
    pub recalled: Option<usize>,
    /// The filter before editing began, restored if the new one does not parse.
    pub previous: Filter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
}

#[derive(Debug)]
pub struct Model {
    pub config: Config,
    pub now: Timestamp,
    pub data: Data,
    /// The attention queue at `now`, most urgent first.
    pub attention: Vec<Item>,
    /// When the queue must be computed again as time passes (see `Data::attention_changes_at`).
    pub attention_until: Option<Timestamp>,
    pub loaded: bool,
    pub view: View,
    pub cursor: [usize; 5],
    pub sort: [Sort; 5],
    /// Each view's rows under its sort, as indexes into its data (see `rows`).
    pub order: [Vec<u32>; 5],
    /// Each view's rows that pass the filter, in order.
    pub visible: [Vec<u32>; 5],
    /// The filter each view's `visible` was computed with.
    pub filtered_with: [Filter; 5],
    pub filter: Filter,
    pub input: Option<Input>,
    /// The lines entered on the filter and the command line this session, oldest first.
    pub filter_history: Vec<String>,
    pub command_history: Vec<String>,
    pub detail: bool,
    /// How far the detail pane is scrolled, for the subject it was scrolled on
    /// (another selection starts at the top).
    pub detail_scroll: Option<(Subject, u16)>,
    /// History of the job in the detail pane: (job id, events oldest first).
    pub history: Option<(i64, Vec<AuditRecord>)>,
    pub popup: Option<Popup>,
    pub marked: BTreeSet<DriveKey>,
    /// A one-line status: what just happened, or went wrong.
    pub flash: Option<(String, bool)>,
    /// The status line as a tick first saw it, and when: it expires from then.
    pub flash_seen: Option<((String, bool), Timestamp)>,
    /// The file `:import` names, until the dispatcher lets it through.
    pub import_path: Option<String>,
    /// The file `:export` names, until the dispatcher lets it through.
    pub export_path: Option<String>,
    /// The file an `:import` is reading or writing now: Esc cancels it.
    pub importing: Option<String>,
    /// The terminal's size: below the minimum only quitting works, since
    /// nothing of what a key would act on can be seen.
    pub size: (u16, u16),
    pub quit: bool,
    /// How many times the bell has rung: the runtime rings when it grows.
    pub bells: u64,
    /// The queue is whole (the tables were read): new items from now on ring.
    pub bell_armed: bool,
    /// When the wall screen last moved to the next view (`cycle-seconds`).
    pub cycled_at: Option<Timestamp>,
}

impl Model {
    pub fn new(config: Config, now: Timestamp) -> Model {
        Model {
            config,
            now,
            data: Data::default(),
            attention: Vec::new(),
            attention_until: None,
            loaded: false,
            view: View::Attention,
            cursor: [0; 5],
            sort: [Sort::default(); 5],
            order: Default::default(),
            visible: Default::default(),
            filtered_with: Default::default(),
            filter: Filter::default(),
            input: None,
            filter_history: Vec::new(),
            command_history: Vec::new(),
            detail: false,
            detail_scroll: None,
            history: None,
            popup: None,
            marked: BTreeSet::new(),
            flash: None,
            flash_seen: None,
            import_path: None,
            export_path: None,
            importing: None,
            size: (u16::MAX, u16::MAX),
            quit: false,
            bells: 0,
            bell_armed: false,
            cycled_at: None,
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursor[self.view.index()]
    }

    pub fn sort(&self) -> Sort {
        self.sort[self.view.index()]
    }

    /// The full job, if the console holds it (see `data::Data::job`).
    pub fn job(&self, name: &str) -> Option<&Job> {
        self.data.job(name)
    }

    pub fn arrival(&self, id: i64) -> Option<&Arrival> {
        self.data.arrivals.iter().find(|a| a.id == Some(id))
    }
}
