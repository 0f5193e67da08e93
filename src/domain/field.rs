//! Job fields an operator may set, named by the service's REST field paths
//! (`--set returnAddress.city=Dublin`). Values are validated here, before any
//! rule runs, so bad input is told apart from a refusal by the rules.

use chrono::{NaiveDate, TimeZone, Utc};

use super::model::{Job, Timestamp};

macro_rules! fields {
    ($($variant:ident => $path:literal),* $(,)?) => {
        /// A settable job field.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// The REST field path, e.g. `returnAddress.city`.
            pub fn path(self) -> &'static str {
                match self { $(Field::$variant => $path),* }
            }
        }
    };
}

fields!(
    StorageAccountId => "storageAccountId",
    LogLevel => "logLevel",
    DiagnosticsPath => "diagnosticsPath",
    CustomerNote => "customerNote",
    DeliveryCarrier => "deliveryPackage.carrierName",
    DeliveryTracking => "deliveryPackage.trackingNumber",
    DeliveryDriveCount => "deliveryPackage.driveCount",
    DeliveryShipDate => "deliveryPackage.shipDate",
    RecipientName => "returnAddress.recipientName",
    StreetAddress1 => "returnAddress.streetAddress1",
    StreetAddress2 => "returnAddress.streetAddress2",
    City => "returnAddress.city",
    StateOrProvince => "returnAddress.stateOrProvince",
    PostalCode => "returnAddress.postalCode",
    CountryOrRegion => "returnAddress.countryOrRegion",
    Phone => "returnAddress.phone",
    Email => "returnAddress.email",
    ReturnCarrier => "returnShipping.carrierName",
    ReturnCarrierAccount => "returnShipping.carrierAccountNumber",
    ReturnPackageCarrier => "returnPackage.carrierName",
    ReturnPackageTracking => "returnPackage.trackingNumber",
    ReturnPackageDriveCount => "returnPackage.driveCount",
    ReturnPackageShipDate => "returnPackage.shipDate",
);

/// Which part of the job a field belongs to; the rules allow edits by group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldGroup {
    General,
    DeliveryPackage,
    ReturnAddress,
    ReturnShipping,
    ReturnPackage,
}

/// The longest value a job field may hold, typed (`--set`) or imported: one
/// limit for both paths.
pub const FIELD_TEXT_LIMIT: usize = 256;

/// A validated value for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(Option<String>),
    Count(Option<u32>),
    Date(Option<Timestamp>),
}

/// One `KEY=VALUE` after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSet {
    pub field: Field,
    pub value: FieldValue,
}

impl Field {
    pub fn parse(path: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.path().eq_ignore_ascii_case(path))
    }

    pub fn group(self) -> FieldGroup {
        let prefix = self.path().split('.').next().unwrap_or_default();
        match prefix {
            "deliveryPackage" => FieldGroup::DeliveryPackage,
            "returnAddress" => FieldGroup::ReturnAddress,
            "returnShipping" => FieldGroup::ReturnShipping,
            "returnPackage" => FieldGroup::ReturnPackage,
            _ => FieldGroup::General,
        }
    }

    /// Checks and converts a value typed by an operator. An empty value clears the field.
    pub fn validate(self, raw: &str) -> Result<FieldSet, String> {
        let path = self.path();
        if let Some(c) = raw.chars().find(|c| c.is_control()) {
            return Err(format!(
                "{path}: the value contains the control character U+{:04X}; type plain text",
                u32::from(c)
            ));
        }
        let text = raw.trim();
        if text.chars().count() > FIELD_TEXT_LIMIT {
            return Err(format!("{path}: the value is longer than {FIELD_TEXT_LIMIT} characters"));
        }
        let value = if text.is_empty() {
            match self {
                Field::DeliveryDriveCount | Field::ReturnPackageDriveCount => FieldValue::Count(None),
                Field::DeliveryShipDate | Field::ReturnPackageShipDate => FieldValue::Date(None),
                _ => FieldValue::Text(None),
            }
        } else {
            match self {
                Field::DeliveryDriveCount | Field::ReturnPackageDriveCount => {
                    let count = text
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 100)
                        .ok_or_else(|| format!("{path}: '{text}' is not a drive count from 0 to 100"))?;
                    FieldValue::Count(Some(count))
                }
                Field::DeliveryShipDate | Field::ReturnPackageShipDate => {
                    FieldValue::Date(Some(parse_date(text).ok_or_else(|| {
                        format!("{path}: '{text}' is not a date; use 2026-11-22 or 2026-11-22T14:30:00Z")
                    })?))
                }
                Field::Email if !looks_like_email(text) => {
                    return Err(format!("{path}: '{text}' is not an email address like name@example.com"));
                }
                Field::Phone
                    if text.chars().filter(char::is_ascii_digit).count() < 5
                        || !text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) =>
                {
                    return Err(format!(
                        "{path}: '{text}' is not a phone number; use digits, spaces and + - ( )"
                    ));
                }
                _ => FieldValue::Text(Some(text.to_string())),
            }
        };
        Ok(FieldSet { field: self, value })
    }
}

impl FieldSet {
    /// Writes the value into the job.
    pub fn apply(&self, job: &mut Job) {
        let text = |v: &FieldValue| match v {
            FieldValue::Text(t) => t.clone(),
            _ => None,
        };
        let count = |v: &FieldValue| match v {
            FieldValue::Count(c) => *c,
            _ => None,
        };
        let date = |v: &FieldValue| match v {
            FieldValue::Date(d) => *d,
            _ => None,
        };
        let v = &self.value;
        match self.field {
            Field::StorageAccountId => job.storage_account_id = text(v),
            Field::LogLevel => job.log_level = text(v),
            Field::DiagnosticsPath => job.diagnostics_path = text(v),
            Field::CustomerNote => job.customer_note = text(v),
            Field::DeliveryCarrier => job.delivery_package.carrier_name = text(v),
            Field::DeliveryTracking => job.delivery_package.tracking_number = text(v),
            Field::DeliveryDriveCount => job.delivery_package.drive_count = count(v),
            Field::DeliveryShipDate => job.delivery_package.ship_date = date(v),
            Field::RecipientName => job.return_address.recipient_name = text(v),
            Field::StreetAddress1 => job.return_address.street_address1 = text(v),
            Field::StreetAddress2 => job.return_address.street_address2 = text(v),
            Field::City => job.return_address.city = text(v),
            Field::StateOrProvince => job.return_address.state_or_province = text(v),
            Field::PostalCode => job.return_address.postal_code = text(v),
            Field::CountryOrRegion => job.return_address.country_or_region = text(v),
            Field::Phone => job.return_address.phone = text(v),
            Field::Email => job.return_address.email = text(v),
            Field::ReturnCarrier => job.return_shipping.carrier_name = text(v),
            Field::ReturnCarrierAccount => job.return_shipping.carrier_account_number = text(v),
            Field::ReturnPackageCarrier => job.return_package.carrier_name = text(v),
            Field::ReturnPackageTracking => job.return_package.tracking_number = text(v),
            Field::ReturnPackageDriveCount => job.return_package.drive_count = count(v),
            Field::ReturnPackageShipDate => job.return_package.ship_date = date(v),
        }
    }
}

/// RFC 3339, or a plain date taken as midnight UTC.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?))
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_by_rest_paths() {
        assert_eq!(Field::parse("returnAddress.city"), Some(Field::City));
        assert_eq!(Field::parse("deliverypackage.trackingnumber"), Some(Field::DeliveryTracking));
        assert_eq!(Field::parse("returnAddress.town"), None);
    }

    #[test]
    fn bad_values_are_named_with_the_fix() {
        let err = Field::Email.validate("not-an-email").unwrap_err();
        assert!(err.starts_with("returnAddress.email: 'not-an-email'"), "{err}");
        assert!(Field::DeliveryDriveCount.validate("three").is_err());
        assert!(Field::DeliveryShipDate.validate("yesterday").is_err());
        assert!(Field::City.validate("Dub\x1b[2Jlin").unwrap_err().contains("U+001B"));
        assert!(Field::Phone.validate("call me").is_err());
    }

    #[test]
    fn good_values_convert_and_empty_clears() {
        let set = Field::DeliveryShipDate.validate("2026-11-20").unwrap();
        assert!(matches!(set.value, FieldValue::Date(Some(_))));
        assert_eq!(Field::City.validate("  ").unwrap().value, FieldValue::Text(None));
        assert!(Field::Phone.validate("+1 (425) 555-0100").is_ok());
    }
}
