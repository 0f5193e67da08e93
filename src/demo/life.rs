//! A job's ordinary life, from Put Job to shipping the drives back, driven
//! through the rules with plausible pauses between steps. Scenarios stop it at
//! a stage and add their own exceptions on top.

use chrono::Duration;

use crate::domain::action::{DriveAction, JobAction};
use crate::domain::arrival::Package;
use crate::domain::field::{Field, FieldSet};
use crate::domain::model::CopyMessage;
use crate::domain::state::{DriveState, Severity};
use crate::domain::{JobType, Timestamp};

use super::Site;
use super::names::{self, Customer, PORTAL, chance, span};
use super::run::{Run, ScriptError, Who, fields};

/// Events of an ordinary life: create, update, ship, the consequences J8–J11,
/// a sweep; and per drive: receive, start, complete, ship back.
const EVENTS_PER_JOB: usize = 8;
const EVENTS_PER_DRIVE: usize = 4;

/// Between steps on successive drives of one job.
const STAGGER: Duration = Duration::minutes(10);

pub(super) fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

pub(super) fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

pub(super) fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The stages of an ordinary life, in order; `Done` is Completed or Closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    Creating,
    Shipping,
    Received,
    Transferring,
    Packaging,
    Done,
}

const STAGES: [Stage; 6] =
    [Stage::Creating, Stage::Shipping, Stage::Received, Stage::Transferring, Stage::Packaging, Stage::Done];

/// How long each stage lasts in this job's life.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pace {
    creating: Duration,
    transit: Duration,
    intake: Duration,
    copy: Duration,
    packaging: Duration,
}

impl Pace {
    /// Shorter than the clocks allow (C1, C2, C3: 14 days), so an ordinary life raises no exception.
    pub fn draw(site: &mut Site) -> Pace {
        let rng = &mut site.rng;
        Pace {
            creating: span(rng, hours(2), days(9)),
            transit: span(rng, days(1), days(9)),
            intake: span(rng, hours(3), days(2)),
            copy: span(rng, hours(8), days(5)),
            packaging: span(rng, hours(6), days(5)),
        }
    }

    /// From Put Job to entering `stage`.
    pub fn until(&self, stage: Stage) -> Duration {
        // The stages are declared in life order, so a stage's number counts the stages before it.
        let lengths = [self.creating, self.transit, self.intake, self.copy, self.packaging];
        lengths.iter().take(stage as usize).fold(Duration::zero(), |sum, d| sum + *d)
    }
}

/// Everything about one job decided before its life starts.
#[derive(Debug)]
pub(super) struct Plan {
    pub name: String,
    pub job_type: JobType,
    pub created: Timestamp,
    pub customer: Customer,
    /// The drives an import job lists (D1); none for an export job.
    pub listed: Vec<String>,
    /// The drives in the customer's package: listed ones, extras, or an export job's blank drives.
    pub shipped: Vec<String>,
    /// Listed drives missing from the package (D3).
    pub missing: Vec<String>,
    /// Drives whose copy ends with messages (D7).
    pub messages: Vec<(String, Vec<CopyMessage>)>,
    pub fault_during_copy: bool,
    pub cancelled: bool,
    pub customer_note: Option<&'static str>,
    /// The customer updates the job while it is Creating (J3).
    pub update_in_creating: bool,
    pub address_at_create: bool,
    /// Verbose logging, which some customers ask for; the service's default is errors only.
    pub verbose_log: bool,
    pub delivery_tracking: String,
    pub return_tracking: String,
}

impl Plan {
    /// A job without surprises, created at `created`.
    pub fn new(site: &mut Site, job_type: JobType, created: Timestamp) -> Plan {
        let export = job_type == JobType::Export;
        let customer = Customer::draw(&mut site.rng, export);
        let name = site.registry.job_name(customer.job_name(created));
        let count = names::drive_count(&mut site.rng);
        let drives = site.registry.drive_ids(&mut site.rng, count);
        let rng = &mut site.rng;
        let (listed, shipped) = if export { (Vec::new(), drives) } else { (drives.clone(), drives) };
        Plan {
            name,
            job_type,
            created,
            listed,
            shipped,
            missing: Vec::new(),
            messages: Vec::new(),
            fault_during_copy: false,
            cancelled: false,
            customer_note: chance(rng, 0.12).then(|| *names::pick(rng, names::CUSTOMER_NOTES)),
            update_in_creating: chance(rng, 0.2),
            address_at_create: chance(rng, 0.3),
            verbose_log: chance(rng, 0.15),
            delivery_tracking: customer.carrier.tracking_number(rng),
            return_tracking: customer.carrier.tracking_number(rng),
            customer,
        }
    }

    /// Import 80 %, export 20 %, as at a typical site.
    pub fn any_type(site: &mut Site, created: Timestamp) -> Plan {
        let job_type = if chance(&mut site.rng, 0.8) { JobType::Import } else { JobType::Export };
        Plan::new(site, job_type, created)
    }

    /// The surprises a job that still ends Completed can have: an extra drive in
    /// the package (D9), warnings and notes in the copy log (D7).
    pub fn vary_harmlessly(&mut self, site: &mut Site) {
        if self.job_type == JobType::Import && chance(&mut site.rng, 0.03) {
            self.add_extra_drive(site);
        }
        if chance(&mut site.rng, 0.08) {
            let severity = if chance(&mut site.rng, 0.6) { Severity::Warning } else { Severity::Info };
            self.add_messages(site, &[severity]);
        }
    }

    /// One of the things that make a job end Closed (S1).
    pub fn add_an_error(&mut self, site: &mut Site) {
        match site.rng.usize(0..3) {
            0 if self.job_type == JobType::Import => self.add_missing_drive(site),
            1 => self.fault_during_copy = true,
            _ => self.add_messages(site, &[Severity::Error, Severity::Warning]),
        }
    }

    /// A drive not in the job's list arrives in its package (D9, E5).
    pub fn add_extra_drive(&mut self, site: &mut Site) {
        let id = site.registry.drive_id(&mut site.rng);
        self.shipped.push(id);
    }

    /// The package arrives without one listed drive (D3); the job lists one more if needed.
    pub fn add_missing_drive(&mut self, site: &mut Site) {
        if self.listed.len() < 2 {
            let id = site.registry.drive_id(&mut site.rng);
            self.listed.push(id.clone());
            self.shipped.push(id);
        }
        if let Some(id) = self.listed.last().cloned() {
            self.shipped.retain(|d| *d != id);
            self.missing.push(id);
        }
    }

    /// The first processed drive's copy ends with one message of each severity given (D7).
    pub fn add_messages(&mut self, site: &mut Site, severities: &[Severity]) {
        let Some(id) = self.shipped.first().cloned() else {
            return;
        };
        let messages = severities.iter().map(|s| names::copy_message(&mut site.rng, *s)).collect();
        self.messages.push((id, messages));
    }

    /// The package the customer sends for the job.
    pub fn package(&self) -> Package {
        Package {
            carrier_name: self.customer.carrier.name.to_string(),
            tracking_number: self.delivery_tracking.clone(),
            drive_ids: self.shipped.clone(),
            job_name: Some(self.name.clone()),
        }
    }

    fn messages_for(&self, drive_id: &str) -> Option<&Vec<CopyMessage>> {
        self.messages.iter().find(|(id, _)| id == drive_id).map(|(_, m)| m)
    }

    /// Validated fields, or a script error naming the step.
    fn fields(
        &self,
        at: Timestamp,
        step: &str,
        pairs: &[(Field, &str)],
    ) -> Result<Vec<FieldSet>, ScriptError> {
        fields(pairs).map_err(|problem| ScriptError::new(self.name.as_str(), at, step, problem))
    }

    fn address(&self) -> Vec<(Field, &str)> {
        let c = &self.customer;
        let mut pairs = vec![
            (Field::RecipientName, c.recipient.as_str()),
            (Field::StreetAddress1, c.street1.as_str()),
            (Field::City, c.city),
            (Field::PostalCode, c.postal_code.as_str()),
            (Field::CountryOrRegion, c.country),
            (Field::Phone, c.phone.as_str()),
            (Field::Email, c.email.as_str()),
        ];
        if let Some(street2) = &c.street2 {
            pairs.push((Field::StreetAddress2, street2.as_str()));
        }
        if let Some(region) = c.region {
            pairs.push((Field::StateOrProvince, region));
        }
        pairs
    }

    fn return_shipping(&self) -> [(Field, &str); 2] {
        [
            (Field::ReturnCarrier, self.customer.carrier.name),
            (Field::ReturnCarrierAccount, self.customer.carrier_account.as_str()),
        ]
    }
}

/// Drives the planned job from Put Job up to `stop`. The stop stage's own steps
/// (a Creating update, transfer progress) end by `until`, leaving the time after
/// it to the scenario.
pub(super) fn live(
    site: &mut Site,
    plan: &Plan,
    pace: &Pace,
    stop: Stage,
    until: Timestamp,
) -> Result<Run, ScriptError> {
    let entered = |stage: Stage| plan.created + pace.until(stage);
    let mut run = create(site, plan)?;
    for stage in STAGES.into_iter().take_while(|s| *s <= stop) {
        let from = entered(stage);
        let next = STAGES.into_iter().find(|s| *s > stage);
        let to = match next {
            Some(next) if stage < stop => entered(next),
            _ => until,
        };
        match stage {
            Stage::Creating => update_while_creating(plan, &mut run, from, to)?,
            Stage::Shipping => ship(site, plan, &mut run, from, to)?,
            Stage::Received => receive(site, plan, &mut run, from)?,
            Stage::Transferring => copy(site, plan, &mut run, from, to, stage < stop)?,
            Stage::Packaging => {}
            Stage::Done => ship_back(site, plan, &mut run, from)?,
        }
    }
    Ok(run)
}

fn create(site: &Site, plan: &Plan) -> Result<Run, ScriptError> {
    // Log level and diagnostics path are left to the service's defaults
    // unless the customer wants verbose logs: fewer fields, cheaper snapshots.
    let mut pairs = vec![(Field::StorageAccountId, plan.customer.storage_account_id.as_str())];
    if plan.verbose_log {
        pairs.extend([(Field::LogLevel, "Verbose"), (Field::DiagnosticsPath, "waimportexport-verbose")]);
    }
    if let Some(note) = plan.customer_note {
        pairs.push((Field::CustomerNote, note));
    }
    if plan.address_at_create {
        pairs.extend(plan.address());
    }
    if !plan.update_in_creating {
        pairs.extend(plan.return_shipping());
    }
    let sets = plan.fields(plan.created, "create", &pairs)?;
    let mut run = Run::create(
        &plan.name,
        plan.job_type,
        &plan.listed,
        &sets,
        Who::new(PORTAL),
        plan.created,
        site.now,
    )?;
    run.expect_events(EVENTS_PER_JOB + EVENTS_PER_DRIVE * plan.shipped.len());
    Ok(run)
}

/// J3: the customer completes the return shipping details later.
fn update_while_creating(
    plan: &Plan,
    run: &mut Run,
    from: Timestamp,
    to: Timestamp,
) -> Result<(), ScriptError> {
    if !plan.update_in_creating {
        return Ok(());
    }
    let at = from + (to - from) / 2;
    let sets = plan.fields(at, "update", &plan.return_shipping())?;
    run.act(at, Who::new(PORTAL), JobAction::Update(sets))
}

/// J4: the customer ships the package and says so; a cancelled plan is
/// cancelled while the package travels (J14, S3).
fn ship(
    site: &mut Site,
    plan: &Plan,
    run: &mut Run,
    from: Timestamp,
    to: Timestamp,
) -> Result<(), ScriptError> {
    let count = plan.shipped.len().to_string();
    let date = from.format("%Y-%m-%d").to_string();
    let mut pairs = vec![
        (Field::DeliveryCarrier, plan.customer.carrier.name),
        (Field::DeliveryTracking, plan.delivery_tracking.as_str()),
        (Field::DeliveryDriveCount, count.as_str()),
        (Field::DeliveryShipDate, date.as_str()),
    ];
    if !plan.address_at_create {
        pairs.extend(plan.address());
    }
    let sets = plan.fields(from, "ship", &pairs)?;
    run.act(from, Who::new(PORTAL), JobAction::Ship(sets))?;
    if plan.cancelled {
        let who = site.operator().noting("customer asked to cancel; the package is already in transit");
        run.act(from + (to - from) / 3, who, JobAction::Cancel)?;
    }
    Ok(())
}

/// D2, D9, J8: the package is unpacked; listed drives it lacks are marked (D3).
pub(super) fn receive(site: &mut Site, plan: &Plan, run: &mut Run, at: Timestamp) -> Result<(), ScriptError> {
    let who = site.operator();
    run.receive(at, who, &plan.package())?;
    for (i, id) in plan.missing.iter().enumerate() {
        let noted = who.noting("not in the package");
        run.act_on_drive(at + STAGGER * (i as i32 + 1), noted, id, DriveAction::NeverReceived)?;
    }
    Ok(())
}

/// D5–D7, J9, J10: every received drive is copied. Unless `finishing`, the copy
/// is caught midway: some drives done, the others reporting progress.
fn copy(
    site: &mut Site,
    plan: &Plan,
    run: &mut Run,
    from: Timestamp,
    to: Timestamp,
    finishing: bool,
) -> Result<(), ScriptError> {
    if plan.cancelled {
        return Ok(()); // S3: a cancelled job skips the copy
    }
    let drives: Vec<String> = run
        .job()
        .listed_drives()
        .filter(|d| d.state == DriveState::Received)
        .map(|d| d.drive_id.clone())
        .collect();
    let who = site.operator();
    for (i, id) in drives.iter().enumerate() {
        run.act_on_drive(from + STAGGER * i as i32, who, id, DriveAction::StartTransfer)?;
    }
    let started = from + STAGGER * drives.len() as i32;
    if finishing {
        if plan.fault_during_copy {
            fault_and_resolve(site, run, &drives, started)?;
        }
        complete_all(site, plan, run, &drives, to)
    } else {
        report_progress(site, run, &drives, started + (to - started) * 7 / 10)
    }
}

/// J15, S5: a drive faults during its copy and resumes once the customer fixed it.
fn fault_and_resolve(
    site: &mut Site,
    run: &mut Run,
    drives: &[String],
    at: Timestamp,
) -> Result<(), ScriptError> {
    let Some(id) = drives.first() else {
        return Ok(());
    };
    let reason = names::pick(&mut site.rng, names::DRIVE_FAULTS).to_string();
    let who = site.operator();
    run.act_on_drive(at + minutes(30), who, id, DriveAction::Fault { reason })?;
    let resumed = who.noting("fixed with the customer; copy restarted");
    run.act_on_drive(at + minutes(90), resumed, id, DriveAction::Resolve { state: DriveState::Transferring })
}

/// D6, D7: the copies end, the last one at `last`.
fn complete_all(
    site: &mut Site,
    plan: &Plan,
    run: &mut Run,
    drives: &[String],
    last: Timestamp,
) -> Result<(), ScriptError> {
    let who = site.operator();
    for (i, id) in drives.iter().enumerate() {
        let at = last - STAGGER * (drives.len() - 1 - i) as i32;
        let action = match plan.messages_for(id) {
            Some(messages) => DriveAction::CompleteWithInfo(messages.clone()),
            None => DriveAction::Complete,
        };
        run.act_on_drive(at, who, id, action)?;
    }
    Ok(())
}

/// D5: the first third of the drives have finished, the others report how far they got.
fn report_progress(
    site: &mut Site,
    run: &mut Run,
    drives: &[String],
    at: Timestamp,
) -> Result<(), ScriptError> {
    let who = site.operator();
    let finished = drives.len() / 3;
    for (i, id) in drives.iter().enumerate() {
        let at = at + minutes(i as i64);
        let payload = names::drive_payload(&mut site.rng);
        let percent = if i < finished { 100 } else { site.rng.u8(3..=97) };
        let bytes = payload / 100 * u64::from(percent);
        run.act_on_drive(at, who, id, DriveAction::Progress { percent, bytes: Some(bytes) })?;
        if i < finished {
            run.act_on_drive(at + Duration::seconds(30), site.operator(), id, DriveAction::Complete)?;
        }
    }
    Ok(())
}

/// D8, J11, J12: the drives go back to the customer.
fn ship_back(site: &mut Site, plan: &Plan, run: &mut Run, at: Timestamp) -> Result<(), ScriptError> {
    let pairs = [
        (Field::ReturnPackageCarrier, plan.customer.carrier.name),
        (Field::ReturnPackageTracking, plan.return_tracking.as_str()),
    ];
    let sets = plan.fields(at, "ship-back", &pairs)?;
    run.act(at, site.operator(), JobAction::ShipBack(sets))
}
