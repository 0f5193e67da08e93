//! Receiving mode: the dock form. Carrier and tracking number first (the
//! Shipping job whose delivery package it is, is proposed as they are typed),
//! then one serial per Enter, exactly as a USB barcode scanner types. Each scan
//! is shown at once with where it will go, decided on what the console holds;
//! the package is then decided on the store for its confirmation and written
//! by the same engine as `ieops arrival` (`ops::record_arrival`).

use ratatui_textarea::TextArea;

use crate::domain::{DriveState, JobState, JobType};

use super::data::Data;

/// The dock form's text fields, in focus order; the serial field comes last.
pub const FIELDS: [&str; 4] = ["carrier", "tracking", "job", "note"];
/// The focus index of the serial field.
pub const SERIAL: usize = FIELDS.len();

/// A package as the dock form recorded it, for its confirmation and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub carrier: String,
    pub tracking: String,
    pub drive_ids: Vec<String>,
    pub job_name: Option<String>,
    pub note: Option<String>,
}

impl Package {
    /// As `ops::record_arrival` takes it. The console shows where every
    /// drive goes before anything is written, so a job named but not on
    /// record is held for (E1) rather than refused.
    pub fn dock(&self) -> crate::ops::Dock<'_> {
        crate::ops::Dock {
            carrier: &self.carrier,
            tracking: &self.tracking,
            drive_ids: &self.drive_ids,
            job_name: self.job_name.as_deref(),
            hold_unknown: true,
        }
    }
}

#[derive(Debug, Default)]
pub struct DockForm {
    /// Carrier, tracking number, the job the package names, and a note for
    /// the audit log.
    pub fields: [TextArea<'static>; 4],
    pub serial: TextArea<'static>,
    pub focus: usize,
    pub scans: Vec<Scan>,
    /// Why the last Enter did nothing, for the line under the form.
    pub error: Option<String>,
}

/// One scanned serial and where it will go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub drive_id: String,
    pub fate: Fate,
}

/// Where a scanned drive goes, as the console sees it now (the store decides
/// again for the confirmation and once more when it is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Listed by the package's job: received (D2), or late (D4, S12).
    Listed { late: bool },
    /// Listed by another active job: it goes there (S8).
    OtherJob { job: String },
    /// Listed by no job: an extra of the package's job (D9), or one of an
    /// export job's own drives (D1, S9).
    Unlisted { job: String, export: bool },
    /// No job can take it: the package is held (E1).
    Held,
    /// Already here in a job: the package will be refused (S8).
    AlreadyHere { job: String, state: DriveState },
    /// Scanned twice in this package.
    Twice,
}

impl Fate {
    /// Whether the package can go through with this scan in it.
    pub fn refused(&self) -> bool {
        matches!(self, Fate::AlreadyHere { .. } | Fate::Twice)
    }

    /// "→ Received (D2)", for the scan's line.
    pub fn describe(&self) -> String {
        match self {
            Fate::Listed { late: false } => "listed → Received (D2)".into(),
            Fate::Listed { late: true } => "late → Received (D4)".into(),
            Fate::OtherJob { job } => format!("listed by {job} → goes to that job (S8)"),
            Fate::Unlisted { job, export: true } => format!("→ {job}'s own export drive (D1, S9)"),
            Fate::Unlisted { job, export: false } => format!("listed by no job → extra of {job} (D9)"),
            Fate::Held => "listed by no job, no Shipping job → held (E1)".into(),
            Fate::AlreadyHere { job, state } => format!("already {state} in {job}: refused (S8)"),
            Fate::Twice => "scanned twice: remove one (Ctrl-D)".into(),
        }
    }
}

impl DockForm {
    pub fn text(&self, field: usize) -> String {
        self.fields.get(field).map(|f| f.lines().join("").trim().to_string()).unwrap_or_default()
    }

    pub fn job_name(&self) -> Option<String> {
        Some(self.text(2)).filter(|n| !n.is_empty())
    }

    pub fn package(&self) -> Package {
        Package {
            carrier: self.text(0),
            tracking: self.text(1),
            drive_ids: self.drive_ids(),
            job_name: self.job_name(),
            note: Some(self.text(3)).filter(|n| !n.is_empty()),
        }
    }

    pub fn drive_ids(&self) -> Vec<String> {
        self.scans.iter().map(|s| s.drive_id.clone()).collect()
    }

    /// Takes the serial field as one scan.
    pub fn scan(&mut self, data: &Data) {
        let drive_id = self.serial.lines().join("").trim().to_string();
        self.serial = TextArea::default();
        if drive_id.is_empty() {
            return;
        }
        let fate = fate(data, self.job_name().as_deref(), &drive_id, &self.scans);
        self.scans.push(Scan { drive_id, fate });
    }

    /// After the tracking number changed: the Shipping job whose delivery
    /// package it is, proposed while the job field is empty or was proposed.
    pub fn propose_job(&mut self, data: &Data, proposed_before: Option<&str>) {
        let tracking = self.text(1).to_lowercase();
        let current = self.job_name();
        if current.is_some() && current.as_deref() != proposed_before {
            return; // typed by the operator: theirs
        }
        let proposed = (tracking.len() >= 4)
            .then(|| {
                data.jobs.iter().find(|j| {
                    j.state == JobState::Shipping && j.search.lines().skip(1).any(|t| t == tracking)
                })
            })
            .flatten();
        let mut field = TextArea::default();
        if let Some(job) = proposed {
            field.insert_str(&job.name);
        }
        self.fields[2] = field;
    }

    /// Every scan's fate again (the package's job changed).
    pub fn reclassify(&mut self, data: &Data) {
        let job = self.job_name();
        let mut earlier: Vec<Scan> = Vec::new();
        for scan in &self.scans {
            let fate = fate(data, job.as_deref(), &scan.drive_id, &earlier);
            earlier.push(Scan { drive_id: scan.drive_id.clone(), fate });
        }
        self.scans = earlier;
    }
}

/// Where `drive_id` goes in a package that names `job` (S8 first: the job
/// that lists it), from the rows the console holds.
fn fate(data: &Data, job: Option<&str>, drive_id: &str, earlier: &[Scan]) -> Fate {
    if earlier.iter().any(|s| s.drive_id == drive_id) {
        return Fate::Twice;
    }
    let home = data.drives.iter().find(|d| d.drive_id == drive_id && d.state != DriveState::ShippedBack);
    if let Some(row) = home {
        let state = row.faulted_from.unwrap_or(row.state);
        if state.has_arrived() {
            return Fate::AlreadyHere { job: row.job_name.to_string(), state: row.state };
        }
        let late = state == DriveState::NeverReceived;
        return match job {
            Some(name) if *row.job_name == *name => Fate::Listed { late },
            _ => Fate::OtherJob { job: row.job_name.to_string() },
        };
    }
    let package_job = job.and_then(|name| data.row(name));
    match package_job {
        Some(row)
            if matches!(
                row.state,
                JobState::Shipping | JobState::Received | JobState::Transferring | JobState::Packaging
            ) =>
        {
            Fate::Unlisted {
                job: row.name.clone(),
                export: row.job_type == JobType::Export && row.state == JobState::Shipping,
            }
        }
        _ => Fate::Held,
    }
}
