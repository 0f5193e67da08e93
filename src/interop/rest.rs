//! The service's JSON, field for field: `JobResponse` as Get Job answers it,
//! inside a List Jobs response (`{"value": [...], "nextLink": ...}`) or a
//! plain array. These types only mirror the wire shape; `import` and
//! `export` translate them to and from the domain.
//!
//! Reading is lenient where real data is untidy and strict where a value
//! would otherwise be guessed:
//! - unknown fields are ignored (older and newer api-versions carry extras,
//!   e.g. 2016-11-01's `userStorageAccountId` or a drive's `currentLocation`);
//! - an empty string is an unset field; `null` is too;
//! - `shipDate` is ISO 8601 or the service's `9/29/2017 10:28:35 PM`;
//! - `jobType` and the job `state` are free strings in the API and are kept
//!   verbatim (the domain decides what it knows);
//! - anything that must be a number, a date, a drive state, a valid name or
//!   drive id, or a list of at most ten drives is checked here, while the
//!   JSON is read, so the error carries its path, line and column.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::domain::create::{MAX_DRIVES, check_drive_id, check_job_name};
use crate::domain::field::FIELD_TEXT_LIMIT;
use crate::domain::{DriveState, Timestamp};

/// One job as the service describes it (Get Job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Typed `object` without a schema in the API: kept as it came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Value>,
    /// From api-version 2020-08-01 (later edits of the older specs list it too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// From api-version 2020-08-01.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    pub properties: JobDetails,
}

/// `error` of the service's error response.
#[derive(Debug, Deserialize)]
struct ServiceError {
    #[serde(default, deserialize_with = "text")]
    code: Option<String>,
    #[serde(default, deserialize_with = "text")]
    message: Option<String>,
}

/// List BitLocker Keys' answer: `{"value": [{"bitLockerKey", "driveId"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(expecting = "a List BitLocker Keys answer {\"value\": [{\"bitLockerKey\", \"driveId\"}]}")]
pub struct BitLockerKeys {
    pub value: Vec<DriveBitLockerKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a drive's key {\"bitLockerKey\", \"driveId\"}")]
pub struct DriveBitLockerKey {
    pub bit_locker_key: String,
    #[serde(deserialize_with = "drive_id")]
    pub drive_id: String,
}

/// A List Jobs answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    pub value: Vec<JobResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// `properties` of a JobResponse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a properties object")]
pub struct JobDetails {
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub storage_account_id: Option<String>,
    /// Verbatim: a free string in the API.
    pub job_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_address: Option<ReturnAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_shipping: Option<ReturnShipping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_information: Option<ShippingInformation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_package: Option<PackageInformation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_package: Option<PackageInformation>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub diagnostics_path: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    #[serde(default, deserialize_with = "flag", skip_serializing_if = "Option::is_none")]
    pub backup_drive_manifest: Option<bool>,
    /// Verbatim: a free string in the API.
    pub state: String,
    #[serde(default, deserialize_with = "flag", skip_serializing_if = "Option::is_none")]
    pub cancel_requested: Option<bool>,
    #[serde(default, deserialize_with = "percent", skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<u8>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub incomplete_blob_list_uri: Option<String>,
    #[serde(default, deserialize_with = "drive_list", skip_serializing_if = "Option::is_none")]
    pub drive_list: Option<Vec<DriveStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// From api-version 2020-08-01 (later edits of 2016-11-01 list it too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<EncryptionKeyDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a returnAddress object")]
pub struct ReturnAddress {
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub recipient_name: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub street_address1: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub street_address2: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub state_or_province: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub country_or_region: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a returnShipping object")]
pub struct ReturnShipping {
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub carrier_name: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub carrier_account_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a shippingInformation object")]
pub struct ShippingInformation {
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub recipient_name: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub street_address1: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub street_address2: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub state_or_province: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub country_or_region: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
}

/// `deliveryPackage` and `returnPackage` (PackageInformation /
/// DeliveryPackageInformation; 2021-01-01 makes driveCount and shipDate
/// optional in the delivery package).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "a package object (carrierName, trackingNumber, driveCount, shipDate)"
)]
pub struct PackageInformation {
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub carrier_name: Option<String>,
    #[serde(default, deserialize_with = "field_text", skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, deserialize_with = "count", skip_serializing_if = "Option::is_none")]
    pub drive_count: Option<u32>,
    #[serde(default, deserialize_with = "date", skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<ShipDate>,
}

/// A `shipDate`: the time the rules use, and the service's own text, which an
/// export writes back as it came (`9/29/2017 10:28:35 PM` stays that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipDate {
    pub at: Timestamp,
    pub text: String,
}

impl ShipDate {
    /// A time the console set: written in RFC 3339.
    pub fn of(at: Timestamp) -> ShipDate {
        ShipDate { at, text: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }
    }
}

impl Serialize for ShipDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// One entry of `driveList` (DriveStatus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a drive object (driveId, state, …)")]
pub struct DriveStatus {
    #[serde(deserialize_with = "drive_id")]
    pub drive_id: String,
    /// A secret: written only on request (`export --include-secrets`).
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub bit_locker_key: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub manifest_file: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub manifest_hash: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub drive_header_hash: Option<String>,
    /// An enum in the API (modelAsString); a value outside it is refused.
    #[serde(default, deserialize_with = "drive_state", skip_serializing_if = "Option::is_none")]
    pub state: Option<DriveState>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub copy_status: Option<String>,
    #[serde(default, deserialize_with = "percent", skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<u8>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub verbose_log_uri: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub error_log_uri: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub manifest_uri: Option<String>,
    #[serde(default, deserialize_with = "bytes", skip_serializing_if = "Option::is_none")]
    pub bytes_succeeded: Option<u64>,
}

/// `export`: what an export job copies out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an export object")]
pub struct Export {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_list: Option<ExportBlobList>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub blob_list_blob_path: Option<String>,
    /// The same, as the 2016-11-01 spec (and its client library) spells it:
    /// a document that came so is written back so.
    #[serde(
        default,
        rename = "blobListblobPath",
        deserialize_with = "text",
        skip_serializing_if = "Option::is_none"
    )]
    pub blob_list_blob_path_2016: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a blobList object (blobPath, blobPathPrefix)")]
pub struct ExportBlobList {
    /// `None` when the document left it out: an export leaves it out too.
    #[serde(default, deserialize_with = "strings", skip_serializing_if = "Option::is_none")]
    pub blob_path: Option<Vec<String>>,
    #[serde(default, deserialize_with = "strings", skip_serializing_if = "Option::is_none")]
    pub blob_path_prefix: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an encryptionKey object")]
pub struct EncryptionKeyDetails {
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub kek_type: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub kek_url: Option<String>,
    #[serde(
        default,
        rename = "kekVaultResourceID",
        deserialize_with = "text",
        skip_serializing_if = "Option::is_none"
    )]
    pub kek_vault_resource_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an identity object")]
pub struct Identity {
    #[serde(rename = "type", default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// ARM's common `systemData`; times stay text, as the service wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a systemData object")]
pub struct SystemData {
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub created_by_type: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub last_modified_by_type: Option<String>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<String>,
}

// ------------------------------------------------------- the whole document

/// What one file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Top {
    /// One JobResponse (Get Job).
    One(Box<JobResponse>),
    /// A List Jobs response; `nextLink` is ignored (the file is what was fetched).
    List(Vec<JobResponse>),
    /// A JSON array of JobResponses.
    Array(Vec<JobResponse>),
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Top, D::Error> {
        deserializer.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JobResponse object, a list response {\"value\": [...]} or an array of JobResponses")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        let mut jobs = Vec::new();
        while let Some(job) = seq.next_element::<JobResponse>()? {
            jobs.push(job);
        }
        Ok(Top::Array(jobs))
    }

    /// A list response is told from a JobResponse by its `value` key; both are
    /// read in one pass, so every error keeps its position.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut parts = JobParts::default();
        let mut value: Option<Vec<JobResponse>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value::<Option<Vec<JobResponse>>>()?.unwrap_or_default()),
                // The service's error response (`{"error": {"code", "message"}}`): said as
                // the service said it, not as a document that lacks a name.
                "error" => {
                    let e = map.next_value::<ServiceError>()?;
                    return Err(de::Error::custom(format!(
                        "the service answered with an error, not a job: {}: {}",
                        e.code.unwrap_or_default(),
                        e.message.unwrap_or_default()
                    )));
                }
                "nextLink" => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => parts.take(other, &mut map)?,
            }
        }
        match value {
            Some(jobs) => Ok(Top::List(jobs)),
            None => parts.finish().map(|job| Top::One(Box::new(job))),
        }
    }
}

impl<'de> Deserialize<'de> for JobResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JobResponse, D::Error> {
        deserializer.deserialize_map(JobVisitor)
    }
}

struct JobVisitor;

impl<'de> Visitor<'de> for JobVisitor {
    type Value = JobResponse;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JobResponse object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JobResponse, A::Error> {
        let mut parts = JobParts::default();
        while let Some(key) = map.next_key::<String>()? {
            parts.take(&key, &mut map)?;
        }
        parts.finish()
    }
}

/// The fields of a JobResponse as they are read, in any order.
#[derive(Default)]
struct JobParts {
    id: Option<String>,
    name: Option<String>,
    resource_type: Option<String>,
    location: Option<String>,
    tags: Option<Value>,
    system_data: Option<SystemData>,
    identity: Option<Identity>,
    properties: Option<JobDetails>,
}

impl JobParts {
    /// Reads the value of `key`; an unknown key's value is skipped.
    fn take<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "id" => self.id = map.next_value::<Text>()?.0,
            "name" => self.name = Some(map.next_value::<JobName>()?.0),
            "type" => self.resource_type = map.next_value::<Text>()?.0,
            "location" => self.location = map.next_value::<Text>()?.0,
            // `null` is no tags, like an absent field.
            "tags" => self.tags = map.next_value::<Option<Value>>()?.filter(|v| !v.is_null()),
            "systemData" => self.system_data = map.next_value()?,
            "identity" => self.identity = map.next_value()?,
            "properties" => self.properties = Some(map.next_value()?),
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn finish<E: de::Error>(self) -> Result<JobResponse, E> {
        Ok(JobResponse {
            id: self.id,
            name: self.name.ok_or_else(|| E::missing_field("name"))?,
            resource_type: self.resource_type,
            location: self.location,
            tags: self.tags,
            system_data: self.system_data,
            identity: self.identity,
            properties: self.properties.ok_or_else(|| E::missing_field("properties"))?,
        })
    }
}

/// A job name, checked as `job create` checks it.
struct JobName(String);

impl<'de> Deserialize<'de> for JobName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JobName, D::Error> {
        d.deserialize_str(StrVisitor("a job name", |s: &str| check_job_name(s).map(|()| s.to_string())))
            .map(JobName)
    }
}

/// An optional string, as `text` reads it.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        text(d).map(Text)
    }
}

// ------------------------------------------------------------ field readers
//
// Each check runs inside the visitor serde_json hands the value to, so a
// refusal carries the position right after the value it is about.

/// A string checked (and converted) by a function.
struct StrVisitor<F>(&'static str, F);

impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for StrVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).map_err(E::custom)
    }
}

/// `null` or a string checked by a function.
struct OptStrVisitor<F>(&'static str, F);

impl<'de, T, F: FnOnce(&str) -> Result<Option<T>, String>> Visitor<'de> for OptStrVisitor<F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_str(StrVisitor(self.0, self.1))
    }
}

/// A JSON scalar, before it is checked.
enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Null => f.write_str("null"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(n) => write!(f, "{n}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => {
                let short: String = s.chars().take(40).collect();
                let more = if short.len() < s.len() { "…" } else { "" };
                write!(f, "'{}{more}'", short.escape_default())
            }
        }
    }
}

/// Any scalar, checked by a function.
struct ScalarVisitor<F>(&'static str, F);

impl<F> ScalarVisitor<F> {
    fn check<T, E: de::Error>(self, v: Scalar) -> Result<T, E>
    where
        F: FnOnce(Scalar) -> Result<T, String>,
    {
        (self.1)(v).map_err(E::custom)
    }
}

impl<'de, T, F: FnOnce(Scalar) -> Result<T, String>> Visitor<'de> for ScalarVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.check(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.check(Scalar::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.check(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.check(Scalar::Int(i128::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.check(Scalar::Int(i128::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.check(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.check(Scalar::Str(v.to_string()))
    }
}

/// A string or `null`; an empty string is unset, as in the service's answers.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    capped(d, SERVICE_TEXT_LIMIT)
}

/// Text the operator can also set with `--set`: the same limit on both paths.
fn field_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    capped(d, FIELD_TEXT_LIMIT)
}

/// The longest other text the service's jobs carry (ids, URIs): a document
/// with a longer one is refused, not kept to slow every screen that shows it.
const SERVICE_TEXT_LIMIT: usize = 2048;

fn capped<'de, D: Deserializer<'de>>(d: D, limit: usize) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(d)?.filter(|s| !s.is_empty());
    match text {
        Some(t) if t.chars().count() > limit => {
            Err(de::Error::custom(format!("the value is longer than {limit} characters, this field's limit")))
        }
        other => Ok(other),
    }
}

/// A list of strings; `null` is an empty one (present, unlike a left-out field).
fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(Some(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default()))
}

/// `true`, `false`, `null`, or the same as a string (`"True"`, `""`).
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(ScalarVisitor("true or false", |v| match v {
        Scalar::Null => Ok(None),
        Scalar::Bool(b) => Ok(Some(b)),
        Scalar::Str(s) if s.is_empty() => Ok(None),
        Scalar::Str(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Scalar::Str(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        other => Err(format!("{other} is not true or false")),
    }))
}

/// A whole number, or one written as a string (`"2"`); `null` and `""` are
/// unset. `Err` carries the value that is not one, for the message.
fn whole(v: Scalar) -> Result<Option<i128>, Scalar> {
    match v {
        Scalar::Null => Ok(None),
        Scalar::Int(n) => Ok(Some(n)),
        Scalar::Str(s) if s.trim().is_empty() => Ok(None),
        Scalar::Str(s) => s.trim().parse::<i128>().map(Some).map_err(|_| Scalar::Str(s)),
        other => Err(other),
    }
}

fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    d.deserialize_any(ScalarVisitor("a percentage", |v| match whole(v) {
        Ok(None) => Ok(None),
        Ok(Some(n)) => u8::try_from(n)
            .ok()
            .filter(|p| *p <= 100)
            .map(Some)
            .ok_or_else(|| format!("{n} is not a percentage from 0 to 100")),
        Err(v) => Err(format!("{v} is not a percentage from 0 to 100")),
    }))
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_any(ScalarVisitor("a drive count", |v| match whole(v) {
        Ok(None) => Ok(None),
        Ok(Some(n)) => u32::try_from(n)
            .map(Some)
            .map_err(|_| format!("{n} is not a drive count (a whole number from 0)")),
        Err(v) => Err(format!("{v} is not a drive count (a whole number from 0)")),
    }))
}

/// Bytes, at most what the database can hold (a signed 64-bit integer).
fn bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(ScalarVisitor("a byte count", |v| match whole(v) {
        Ok(None) => Ok(None),
        Ok(Some(n)) => i64::try_from(n)
            .ok()
            .and_then(|n| u64::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("{n} is not a byte count from 0 to {}", i64::MAX)),
        Err(v) => Err(format!("{v} is not a byte count")),
    }))
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ShipDate>, D::Error> {
    d.deserialize_option(OptStrVisitor("a date", |s: &str| {
        if s.trim().is_empty() {
            return Ok(None);
        }
        parse_ship_date(s).map(|at| Some(ShipDate { at, text: s.to_string() })).ok_or_else(|| {
            format!(
                "'{}' is not a date: use ISO 8601 (2017-09-29T22:28:35Z) or the service's 9/29/2017 10:28:35 PM",
                s.escape_default()
            )
        })
    }))
}

fn drive_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(StrVisitor("a drive id", |s: &str| check_drive_id(s).map(|()| s.to_string())))
}

/// One of the API's drive states (or the console's `Faulted`); `null` and
/// `""` are unset. Anything else would be a guess, so it is refused.
fn drive_state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DriveState>, D::Error> {
    d.deserialize_option(OptStrVisitor("a drive state", |s: &str| {
        if s.trim().is_empty() {
            return Ok(None);
        }
        DriveState::from_service(s).map(Some).ok_or_else(|| {
            let names: Vec<&str> = DriveState::ALL.iter().map(|s| s.as_str()).collect();
            format!("'{}' is not a drive state: expected one of {}", s.escape_default(), names.join(", "))
        })
    }))
}

/// At most ten drives (J1), each listed once; `null` is none.
fn drive_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<DriveStatus>>, D::Error> {
    d.deserialize_option(DriveListVisitor)
}

struct DriveListVisitor;

impl<'de> Visitor<'de> for DriveListVisitor {
    type Value = Option<Vec<DriveStatus>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of drives")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut drives: Vec<DriveStatus> = Vec::new();
        while let Some(drive) = seq.next_element::<DriveStatus>()? {
            if drives.iter().any(|d| d.drive_id == drive.drive_id) {
                return Err(de::Error::custom(format!("drive {} is listed twice", drive.drive_id)));
            }
            drives.push(drive);
        }
        if drives.len() > MAX_DRIVES {
            return Err(de::Error::custom(format!("{} drives, at most {MAX_DRIVES}", drives.len())));
        }
        Ok(Some(drives))
    }
}

/// `shipDate` as the service writes it: ISO 8601 / RFC 3339 (with or without
/// a zone, UTC if none; fractions of a second dropped, as the store keeps
/// whole seconds), a plain date, or the US form `9/29/2017 10:28:35 PM`.
pub fn parse_ship_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let parsed = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&Utc)
    } else if let Some(naive) =
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        naive.and_utc()
    } else {
        let day = ["%Y-%m-%d", "%m/%d/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())?;
        day.and_hms_opt(0, 0, 0)?.and_utc()
    };
    use chrono::Datelike;
    (0..=9999).contains(&parsed.year()).then(|| parsed.trunc_subsecs(0))
}

// ------------------------------------------------------------ finding a path

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// `$.value[3].name`.
pub fn path_text(steps: &[Step]) -> String {
    let mut out = String::from("$");
    for step in steps {
        match step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

const FOUND: &str = "\u{0}found";

/// Line and column of the value at `steps` in `text` (for problems found
/// after reading, e.g. a name already taken): the end of a scalar, the first
/// key of an object or the first element of an array.
pub fn locate(text: &str, steps: &[Step]) -> Option<(usize, usize)> {
    let mut de = serde_json::Deserializer::from_str(text);
    match Seek(steps).deserialize(&mut de) {
        Err(e) if e.to_string().starts_with(FOUND) => Some((e.line(), e.column())),
        _ => None,
    }
}

struct Seek<'p>(&'p [Step]);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Seek<'_> {
    fn here<E: de::Error>(&self) -> Result<(), E> {
        Err(E::custom(if self.0.is_empty() { FOUND } else { "not here" }))
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Step::Key(wanted), rest)) = self.0.split_first() else {
            return self.here();
        };
        while let Some(key) = map.next_key::<String>()? {
            if &key == wanted {
                return map.next_value_seed(Seek(rest));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom("not here"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Step::Index(wanted), rest)) = self.0.split_first() else {
            return self.here();
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom("not here"));
            }
        }
        match seq.next_element_seed(Seek(rest))? {
            Some(()) | None => Err(de::Error::custom("not here")),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ship_dates_in_the_forms_the_service_writes() {
        let at = |s: &str| parse_ship_date(s).map(|t| t.to_rfc3339());
        let want = Some("2017-09-29T22:28:35+00:00".to_string());
        assert_eq!(at("9/29/2017 10:28:35 PM"), want);
        assert_eq!(at("2017-09-29T22:28:35Z"), want);
        assert_eq!(at("2017-09-29T22:28:35.1234567Z"), want);
        assert_eq!(at("2017-09-30T00:28:35+02:00"), want);
        assert_eq!(at("2017-09-29T22:28:35"), want);
        assert_eq!(at("2017-09-29"), Some("2017-09-29T00:00:00+00:00".to_string()));
        assert_eq!(at("yesterday"), None);
        assert_eq!(at("13/45/2017 10:28:35 PM"), None);
    }

    #[test]
    fn a_path_is_found_again_by_line_and_column() {
        let text = "{\n  \"value\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\"}\n  ]\n}";
        let steps = [Step::Key("value".into()), Step::Index(1), Step::Key("name".into())];
        assert_eq!(path_text(&steps), "$.value[1].name");
        assert_eq!(locate(text, &steps), Some((4, 16)));
        assert_eq!(locate(text, &[Step::Key("nope".into())]), None);
    }
}
