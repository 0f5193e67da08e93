//! Jobs and drives as the rules see them: the service's REST shape plus the
//! bookkeeping the clocks and exceptions need. Plain data; no I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rule::Rule;
use super::state::{ArrivalStatus, ContactVia, DriveState, JobState, JobType, ReturnProblem, Severity};

/// All times are UTC; "now" is always passed in, never read here.
pub type Timestamp = DateTime<Utc>;

/// A carrier package: the customer's delivery package or the return package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    pub carrier_name: Option<String>,
    pub tracking_number: Option<String>,
    pub drive_count: Option<u32>,
    pub ship_date: Option<Timestamp>,
}

impl Package {
    /// Carrier and tracking number are what J4 and J11 call "the package".
    pub fn missing(&self, prefix: &str) -> Vec<String> {
        let mut missing = Vec::new();
        if blank(&self.carrier_name) {
            missing.push(format!("{prefix}.carrierName"));
        }
        if blank(&self.tracking_number) {
            missing.push(format!("{prefix}.trackingNumber"));
        }
        missing
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub recipient_name: Option<String>,
    pub street_address1: Option<String>,
    pub street_address2: Option<String>,
    pub city: Option<String>,
    pub state_or_province: Option<String>,
    pub postal_code: Option<String>,
    pub country_or_region: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Address {
    /// The fields a carrier needs to deliver (the service requires the same).
    pub fn missing(&self) -> Vec<String> {
        let required = [
            ("recipientName", &self.recipient_name),
            ("streetAddress1", &self.street_address1),
            ("city", &self.city),
            ("postalCode", &self.postal_code),
            ("countryOrRegion", &self.country_or_region),
            ("phone", &self.phone),
        ];
        required
            .into_iter()
            .filter(|(_, value)| blank(value))
            .map(|(name, _)| format!("returnAddress.{name}"))
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnShipping {
    pub carrier_name: Option<String>,
    pub carrier_account_number: Option<String>,
}

/// The Microsoft data center address the customer ships the drives to, as the
/// service reports it (`shippingInformation`). Informational: no rule reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingInformation {
    pub recipient_name: Option<String>,
    pub street_address1: Option<String>,
    pub street_address2: Option<String>,
    pub city: Option<String>,
    pub state_or_province: Option<String>,
    pub postal_code: Option<String>,
    pub country_or_region: Option<String>,
    pub phone: Option<String>,
    pub additional_information: Option<String>,
}

/// The blobs an export job copies out (`export`): a list given inline, or
/// the path of a blob that holds the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportSpec {
    pub blob_list: Option<BlobList>,
    pub blob_list_blob_path: Option<String>,
}

/// `export.blobList`: blob paths and blob path prefixes, in the service's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobList {
    pub blob_path: Vec<String>,
    pub blob_path_prefix: Vec<String>,
}

/// How the service wrote a job where the console's own shape would lose it,
/// so that an export gives back what an import read: the 2016-11-01 spelling
/// of `blobListblobPath`, the fields the document left out ("absent stays
/// absent"), and `shipDate` texts as written. `None` on jobs made here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wire {
    #[serde(default)]
    pub blob_list_2016: bool,
    /// JSON fields the document left out: `cancelRequested`, `driveList`,
    /// `blobPath`, `blobPathPrefix`.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Per drive id, the fields its DriveStatus left out: `state`,
    /// `percentComplete`, `bytesSucceeded`.
    #[serde(default)]
    pub drives_absent: std::collections::BTreeMap<String, Vec<String>>,
    pub delivery_ship_date: Option<String>,
    pub return_ship_date: Option<String>,
}

impl Wire {
    pub fn left_out(&self, field: &str) -> bool {
        self.absent.iter().any(|f| f == field)
    }

    pub fn drive_left_out(&self, drive_id: &str, field: &str) -> bool {
        self.drives_absent.get(drive_id).is_some_and(|fields| fields.iter().any(|f| f == field))
    }
}

/// `encryptionKey`: which key encrypts the BitLocker keys (no secret itself:
/// a key type and where the customer's key lives).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionKey {
    pub kek_type: Option<String>,
    pub kek_url: Option<String>,
    #[serde(rename = "kekVaultResourceID")]
    pub kek_vault_resource_id: Option<String>,
}

/// `identity`: the job's managed identity (type, principal and tenant ids).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[serde(rename = "type")]
    pub identity_type: Option<String>,
    pub principal_id: Option<String>,
    pub tenant_id: Option<String>,
}

/// `systemData`: who created and last changed the resource, and when, as the
/// service reports it. Times are kept as the service wrote them (often with
/// seven fractional digits): no clock runs from them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemData {
    pub created_by: Option<String>,
    pub created_by_type: Option<String>,
    pub created_at: Option<String>,
    pub last_modified_by: Option<String>,
    pub last_modified_by_type: Option<String>,
    pub last_modified_at: Option<String>,
}

/// What an import observed that no documented transition explains, e.g. a
/// job reported `Completed` right after `Creating`. The service is the truth
/// for what it reports, so the change is applied and recorded (S6); this flags
/// it for the attention queue instead of refusing it. `rule` is the rule that
/// documents how the reported state is normally reached (J11 for `Completed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Anomaly {
    pub at: Timestamp,
    pub rule: Rule,
    pub what: String,
}

/// One message of a drive's copy log (D7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyMessage {
    pub severity: Severity,
    pub text: String,
}

/// A recorded attempt to reach the customer (J6, J15, E1, E4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub at: Timestamp,
    pub via: ContactVia,
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Drive {
    pub drive_id: String,
    pub state: DriveState,
    /// The state a `Faulted` drive was in, for S5.
    pub faulted_from: Option<DriveState>,
    pub fault_reason: Option<String>,
    pub state_since: Timestamp,
    /// Arrived in the job's package without being listed (D9).
    pub extra: bool,
    pub percent_complete: u8,
    pub bytes_succeeded: u64,
    pub copy_status: Option<String>,
    pub messages: Vec<CopyMessage>,
    pub manifest_file: Option<String>,
    pub manifest_hash: Option<String>,
    pub drive_header_hash: Option<String>,
    /// A secret: stored, never shown by default.
    #[serde(skip_serializing)]
    pub bit_locker_key: Option<String>,
    pub error_log_uri: Option<String>,
    pub verbose_log_uri: Option<String>,
    /// The blob holding the drive's manifest file, as the service reports it.
    pub manifest_uri: Option<String>,
    /// Securely destroyed (S11, E1, E4).
    pub destroyed_at: Option<Timestamp>,
    /// Arrived late (D4) while its job was already `Packaging`: never copied,
    /// shipped back with the others, and the job keeps its NeverReceived
    /// error (S12, S1).
    pub late_in_packaging: bool,
    /// The state a drive was received from (Specified or NeverReceived), so a
    /// receipt recorded by mistake can be undone (P1).
    pub received_from: Option<DriveState>,
    /// Recorded in error and taken back (P1): kept for the audit log (S2), no
    /// longer one of the job's drives.
    pub voided_at: Option<Timestamp>,
    /// The package it went back in (D8): a job's drives may go back in
    /// several, and each keeps its own carrier and tracking number.
    pub return_package: Option<Package>,
    pub version: i64,
}

impl Drive {
    pub fn new(drive_id: &str, state: DriveState, now: Timestamp) -> Drive {
        Drive {
            drive_id: drive_id.to_string(),
            state,
            faulted_from: None,
            fault_reason: None,
            state_since: now,
            extra: false,
            percent_complete: 0,
            bytes_succeeded: 0,
            copy_status: None,
            messages: Vec::new(),
            manifest_file: None,
            manifest_hash: None,
            drive_header_hash: None,
            bit_locker_key: None,
            error_log_uri: None,
            verbose_log_uri: None,
            manifest_uri: None,
            destroyed_at: None,
            late_in_packaging: false,
            received_from: None,
            voided_at: None,
            return_package: None,
            version: 0,
        }
    }

    /// No longer here: securely destroyed (S11) or recorded in error (P1).
    pub fn gone(&self) -> bool {
        self.destroyed_at.is_some() || self.voided_at.is_some()
    }

    /// S1: the copy met issues (D7), whatever their severity: the drive is
    /// `CompletedMoreInfo`, or was before it shipped back.
    pub fn ended_with_issues(&self) -> bool {
        self.state == DriveState::CompletedMoreInfo
            || self.faulted_from == Some(DriveState::CompletedMoreInfo)
            || self.copy_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("CompletedMoreInfo"))
    }
}

/// A job with its drives: the snapshot every rule decides on.
///
/// Serialized without `jobType`, `state` and the drives: whoever writes a job
/// out adds them in its own terms (the CLI's `JobOut`: the service's words for
/// a state or type the console does not know, and `driveList`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// Database row id; `None` before the job is stored.
    #[serde(skip)]
    pub id: Option<i64>,
    pub name: String,
    #[serde(rename = "jobType", skip_serializing)]
    pub job_type: JobType,
    /// The job type the service reported when it is neither Import nor Export,
    /// verbatim. While set, `job_type` is a placeholder (Import) that no rule
    /// reads: see [`Job::unrecognised`].
    pub unknown_job_type: Option<String>,
    #[serde(skip_serializing)]
    pub state: JobState,
    /// The job state the service reported when it is none of [`JobState`],
    /// verbatim (it is a free string in the API). While set, `state` keeps the
    /// last state the console knew (`Creating` for a job first seen this way,
    /// so the CHECK on the stored state still holds) and no rule acts on the
    /// job: see [`Job::unrecognised`].
    pub unknown_state: Option<String>,
    pub faulted_from: Option<JobState>,
    pub fault_reason: Option<String>,
    pub state_since: Timestamp,
    pub created_at: Timestamp,
    /// Start of C1: entering `Creating` or the last update there (J3).
    pub creating_clock_from: Timestamp,
    /// Start of C3: when the job entered `Shipping`.
    pub shipping_since: Option<Timestamp>,
    /// C2's deadline: 14 days after `Shipping`, or an extension (J6).
    pub wait_until: Option<Timestamp>,
    /// Start of C4: the customer was told the package is missing (J6).
    pub notified_at: Option<Timestamp>,
    pub last_contact: Option<Contact>,
    /// Start of C6: the customer could not be reached (E4, J7).
    pub unreachable_since: Option<Timestamp>,
    pub cancel_requested: bool,
    /// The job or one of its drives was ever `Faulted` (S1).
    pub ever_faulted: bool,
    /// An operator found the return address wrong (E4).
    pub return_address_invalid: bool,
    pub return_problem: Option<ReturnProblem>,
    pub storage_account_id: Option<String>,
    pub log_level: Option<String>,
    pub diagnostics_path: Option<String>,
    pub customer_note: Option<String>,
    pub delivery_package: Package,
    pub return_address: Address,
    pub return_shipping: ReturnShipping,
    pub return_package: Package,
    /// The service's resource id (`id`, `/subscriptions/…/jobs/NAME`): how an
    /// import recognises the job again.
    pub resource_id: Option<String>,
    /// The resource type (`type`, `Microsoft.ImportExport/jobs`).
    pub resource_type: Option<String>,
    /// The Azure location (`location`, e.g. `West US`).
    pub location: Option<String>,
    /// `tags`, kept as the JSON the service sent: the API types them `object`
    /// without a schema, so any JSON value is kept verbatim.
    pub tags: Option<serde_json::Value>,
    pub system_data: Option<SystemData>,
    pub identity: Option<Identity>,
    pub provisioning_state: Option<String>,
    /// Blobs an export could not fit on the drives (`incompleteBlobListUri`).
    pub incomplete_blob_list_uri: Option<String>,
    pub backup_drive_manifest: Option<bool>,
    /// `percentComplete` as the service last reported it; the console's own
    /// figure is [`Job::percent_complete`] (S4).
    pub reported_percent_complete: Option<u8>,
    pub shipping_information: Option<ShippingInformation>,
    /// `export`: the blobs an export job copies out.
    pub export: Option<ExportSpec>,
    pub encryption_key: Option<EncryptionKey>,
    /// The last thing an import observed that no documented transition explains.
    pub import_anomaly: Option<Anomaly>,
    /// Set when C1 or C7 expired (J2, J13): the job leaves active views (S2).
    pub archived_at: Option<Timestamp>,
    /// A recorded attempt to return the drives failed (S11, E4).
    pub return_failed_at: Option<Timestamp>,
    /// How the service wrote the job, if it came from an import: for
    /// `export` only, never part of the job's own JSON.
    #[serde(skip)]
    pub wire: Option<Wire>,
    pub version: i64,
    #[serde(skip_serializing)]
    pub drives: Vec<Drive>,
}

impl Job {
    pub fn new(name: &str, job_type: JobType, now: Timestamp) -> Job {
        Job {
            id: None,
            name: name.to_string(),
            job_type,
            unknown_job_type: None,
            state: JobState::Creating,
            unknown_state: None,
            faulted_from: None,
            fault_reason: None,
            state_since: now,
            created_at: now,
            creating_clock_from: now,
            shipping_since: None,
            wait_until: None,
            notified_at: None,
            last_contact: None,
            unreachable_since: None,
            cancel_requested: false,
            ever_faulted: false,
            return_address_invalid: false,
            return_problem: None,
            storage_account_id: None,
            log_level: None,
            diagnostics_path: None,
            customer_note: None,
            delivery_package: Package::default(),
            return_address: Address::default(),
            return_shipping: ReturnShipping::default(),
            return_package: Package::default(),
            resource_id: None,
            resource_type: None,
            location: None,
            tags: None,
            system_data: None,
            identity: None,
            provisioning_state: None,
            incomplete_blob_list_uri: None,
            backup_drive_manifest: None,
            reported_percent_complete: None,
            shipping_information: None,
            export: None,
            encryption_key: None,
            import_anomaly: None,
            archived_at: None,
            return_failed_at: None,
            wire: None,
            version: 0,
            drives: Vec::new(),
        }
    }

    /// Why no rule may act on this job, if the service reported a state or a
    /// job type the console does not know. The rules never guess what such a
    /// value means: every action is refused, no clock runs and the attention
    /// queue lists it until an import reports a documented value.
    ///
    /// SPEC has no rule for values outside its life cycle. The refusal names
    /// J15 for an unknown state (the job does not progress by the documented
    /// life cycle; it is settled with the customer and the service, like a
    /// fault) and J1 for an unknown job type (J1 defines the two job types).
    pub fn unrecognised(&self) -> Option<(Rule, String)> {
        if let Some(raw) = &self.unknown_job_type {
            return Some((Rule::J1, format!("unknown job type: {}", shown_raw(raw))));
        }
        self.unknown_state.as_ref().map(|raw| (Rule::J15, format!("unknown state: {}", shown_raw(raw))))
    }

    pub fn drive(&self, drive_id: &str) -> Option<&Drive> {
        self.drives.iter().find(|d| d.drive_id == drive_id)
    }

    pub fn drive_mut(&mut self, drive_id: &str) -> Option<&mut Drive> {
        self.drives.iter_mut().find(|d| d.drive_id == drive_id)
    }

    /// Drives the customer listed (everything but extras, D9, and drives
    /// recorded in error, P1).
    pub fn listed_drives(&self) -> impl Iterator<Item = &Drive> {
        self.drives.iter().filter(|d| !d.extra && d.voided_at.is_none())
    }

    /// The state that governs the job's life cycle: the interrupted one while `Faulted`.
    pub fn effective_state(&self) -> JobState {
        self.faulted_from.unwrap_or(self.state)
    }

    /// E4: the return address is incomplete or was reported wrong.
    pub fn return_address_problem(&self) -> Option<String> {
        if self.return_address_invalid {
            return Some("the return address was reported wrong".to_string());
        }
        let missing = self.return_address.missing();
        (!missing.is_empty()).then(|| format!("the return address lacks {}", missing.join(", ")))
    }

    /// S1: did anything go wrong in this job? Cancellation alone is not an
    /// error (a cancelled job « passe quand même par toutes les étapes »).
    pub fn had_errors(&self) -> bool {
        self.ever_faulted
            || self.drives.iter().filter(|d| d.voided_at.is_none()).any(|d| {
                d.ended_with_issues()
                    || d.destroyed_at.is_some()
                    || (!d.extra && (d.state == DriveState::NeverReceived || d.late_in_packaging))
            })
    }

    /// Every package its drives went back in, in the order first used, with
    /// the drives each took.
    pub fn return_packages(&self) -> Vec<(&Package, Vec<&str>)> {
        let mut packages: Vec<(&Package, Vec<&str>)> = Vec::new();
        for d in &self.drives {
            let Some(p) = &d.return_package else { continue };
            match packages
                .iter_mut()
                .find(|(q, _)| q.carrier_name == p.carrier_name && q.tracking_number == p.tracking_number)
            {
                Some((_, ids)) => ids.push(&d.drive_id),
                None => packages.push((p, vec![&d.drive_id])),
            }
        }
        packages
    }

    /// S4: mean of the listed drives' percent complete, weighted by bytes where known.
    pub fn percent_complete(&self) -> u8 {
        let listed: Vec<&Drive> = self.listed_drives().collect();
        if listed.is_empty() {
            return 0;
        }
        let by_bytes: Vec<(f64, f64)> = listed
            .iter()
            .filter(|d| d.bytes_succeeded > 0 && d.percent_complete > 0)
            .map(|d| {
                let total = d.bytes_succeeded as f64 * 100.0 / f64::from(d.percent_complete);
                (total, d.bytes_succeeded as f64)
            })
            .collect();
        let mean = if by_bytes.len() == listed.len() {
            let total: f64 = by_bytes.iter().map(|(t, _)| t).sum();
            let done: f64 = by_bytes.iter().map(|(_, d)| d).sum();
            done * 100.0 / total
        } else {
            listed.iter().map(|d| f64::from(d.percent_complete)).sum::<f64>() / listed.len() as f64
        };
        mean.round().clamp(0.0, 100.0) as u8
    }
}

/// Drives that came in with no `Shipping` job to take them (E1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arrival {
    #[serde(skip)]
    pub id: Option<i64>,
    pub recorded_at: Timestamp,
    pub recorded_by: String,
    pub carrier_name: String,
    pub tracking_number: String,
    /// The job the package names, if any; it may not exist ("Undefined").
    pub job_name: Option<String>,
    pub drive_ids: Vec<String>,
    pub status: ArrivalStatus,
    pub last_contact: Option<Contact>,
    /// Start of C6 for these drives.
    pub unreachable_since: Option<Timestamp>,
    /// A recorded attempt to return the drives failed (S11).
    pub return_failed_at: Option<Timestamp>,
    pub version: i64,
}

/// A verbatim value from the service as people read it: an empty one is named.
pub fn shown_raw(raw: &str) -> String {
    if raw.trim().is_empty() { format!("{raw:?} (empty)") } else { raw.to_string() }
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}
