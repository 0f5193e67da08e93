//! Plausible values for demo data: customers, return addresses, carriers with
//! their tracking-number formats, storage accounts, drive serial numbers, copy
//! messages. Everything is drawn from the seeded generator, so a seed always
//! gives the same values.

use std::collections::HashSet;

use chrono::Duration;
use fastrand::Rng;

use crate::domain::Timestamp;
use crate::domain::model::CopyMessage;
use crate::domain::state::Severity;

// ------------------------------------------------------------------ dice

/// One item of a constant, non-empty table.
pub(super) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// True with probability `p`.
pub(super) fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.f64() < p
}

/// A duration between `lo` and `hi` (inclusive), to the second; `lo` if the range is empty.
pub(super) fn span(rng: &mut Rng, lo: Duration, hi: Duration) -> Duration {
    let (lo, hi) = (lo.num_seconds(), hi.num_seconds());
    Duration::seconds(if hi > lo { rng.i64(lo..=hi) } else { lo })
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Fills a pattern: `#` becomes a digit, `@` an uppercase letter, `*` either,
/// `%` a lowercase hex digit; every other character stays as it is.
pub(super) fn fill(rng: &mut Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => rng.digit(10),
            '@' => rng.uppercase(),
            '*' => char::from(*pick(rng, ALNUM)),
            '%' => rng.digit(16),
            other => other,
        })
        .collect()
}

// -------------------------------------------------------------- carriers

/// How a carrier numbers its parcels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tracking {
    /// `1Z`, a 6-character shipper number, a 2-digit service code, 7 digits and a check digit.
    Ups,
    /// 12 digits.
    FedEx,
    /// DHL Express: 10 digits.
    Dhl,
    /// USPS: 22 digits starting 9400.
    Usps,
    /// UPU S10, used by postal operators: 2 letters, 8 digits, a check digit, the country.
    S10 { service: &'static str, country: &'static str },
}

#[derive(Debug)]
pub(super) struct Carrier {
    pub name: &'static str,
    pub tracking: Tracking,
    /// Pattern of the customer's account number with the carrier (returnShipping).
    pub account: &'static str,
}

const UPS: Carrier = Carrier { name: "UPS", tracking: Tracking::Ups, account: "******" };
const FEDEX: Carrier = Carrier { name: "FedEx", tracking: Tracking::FedEx, account: "#########" };
const DHL: Carrier = Carrier { name: "DHL", tracking: Tracking::Dhl, account: "95#######" };
const USPS: Carrier = Carrier { name: "USPS", tracking: Tracking::Usps, account: "9#######" };
const ROYAL_MAIL: Carrier = postal("Royal Mail", "RR", "GB");
const LA_POSTE: Carrier = postal("La Poste", "CP", "FR");
const DEUTSCHE_POST: Carrier = postal("Deutsche Post", "RR", "DE");
const JAPAN_POST: Carrier = postal("Japan Post", "EJ", "JP");
const POSTNL: Carrier = postal("PostNL", "CD", "NL");
const AN_POST: Carrier = postal("An Post", "CE", "IE");
const CANADA_POST: Carrier = postal("Canada Post", "CP", "CA");
const AUSTRALIA_POST: Carrier = postal("Australia Post", "EE", "AU");

const fn postal(name: &'static str, service: &'static str, country: &'static str) -> Carrier {
    Carrier { name, tracking: Tracking::S10 { service, country }, account: "########" }
}

impl Carrier {
    pub fn tracking_number(&self, rng: &mut Rng) -> String {
        match self.tracking {
            Tracking::Ups => {
                let body = fill(rng, "******");
                let service = pick(rng, &["01", "02", "03", "12", "13"]);
                let serial = fill(rng, "#######");
                let digits = format!("{body}{service}{serial}");
                format!("1Z{digits}{}", ups_check_digit(&digits))
            }
            Tracking::FedEx => fill(rng, "############"),
            Tracking::Dhl => fill(rng, "##########"),
            Tracking::Usps => fill(rng, "9400##################"),
            Tracking::S10 { service, country } => {
                let serial = fill(rng, "########");
                format!("{service}{serial}{}{country}", s10_check_digit(&serial))
            }
        }
    }

    pub fn account_number(&self, rng: &mut Rng) -> String {
        fill(rng, self.account)
    }
}

/// The UPS check digit over the 15 characters after `1Z`: letters count as
/// `(code - 63) mod 10`, odd positions once, even positions twice.
fn ups_check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let value = if b.is_ascii_digit() { u32::from(b - b'0') } else { (u32::from(b) - 63) % 10 };
            if i % 2 == 1 { value * 2 } else { value }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// The S10 check digit over 8 serial digits (weights 8 6 4 2 3 5 9 7, mod 11).
fn s10_check_digit(serial: &str) -> char {
    const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
    let sum: u32 = serial.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c,
    };
    char::from(b'0' + check as u8)
}

// ------------------------------------------------------------- countries

/// A city with the formats of its postal codes and phone numbers.
#[derive(Debug)]
pub(super) struct City {
    pub name: &'static str,
    pub region: Option<&'static str>,
    pub postal_code: &'static str,
    pub phone: &'static str,
    pub streets: &'static [&'static str],
}

#[derive(Debug)]
pub(super) struct Country {
    /// ISO 3166 code, as the service's countryOrRegion takes it.
    pub code: &'static str,
    pub cities: &'static [City],
    /// `{n} {street}` or `{street} {n}`, with `{n}` a pattern for `fill`.
    pub house: &'static str,
    pub second_lines: &'static [&'static str],
    pub first_names: &'static [&'static str],
    pub last_names: &'static [&'static str],
    pub carriers: &'static [Carrier],
}

const fn city(
    name: &'static str,
    region: Option<&'static str>,
    postal_code: &'static str,
    phone: &'static str,
    streets: &'static [&'static str],
) -> City {
    City { name, region, postal_code, phone, streets }
}

// Phone numbers use ranges reserved for fiction where a country has one
// (555-01xx in North America, 020 7946 0xxx in London, 01 99 00 in France …).
const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        cities: &[
            city(
                "Redmond",
                Some("WA"),
                "9805#",
                "+1 425 555 01##",
                &["NE 36th Street", "156th Avenue NE", "Bel-Red Road"],
            ),
            city(
                "Seattle",
                Some("WA"),
                "981##",
                "+1 206 555 01##",
                &["2nd Avenue", "Westlake Avenue N", "Elliott Avenue W"],
            ),
            city(
                "Austin",
                Some("TX"),
                "787##",
                "+1 512 555 01##",
                &["Congress Avenue", "East 6th Street", "Burnet Road"],
            ),
            city(
                "Chicago",
                Some("IL"),
                "606##",
                "+1 312 555 01##",
                &["West Madison Street", "North Wacker Drive", "South Canal Street"],
            ),
            city(
                "New York",
                Some("NY"),
                "100##",
                "+1 212 555 01##",
                &["Hudson Street", "West 33rd Street", "Broadway"],
            ),
        ],
        house: "{n} {street}",
        second_lines: &["Suite 400", "Floor 12", "Building B", "Dock 3"],
        first_names: &["Emily", "Marcus", "Aisha", "Daniel", "Grace", "Carlos", "Megan"],
        last_names: &["Johnson", "Nguyen", "Patel", "Garcia", "Miller", "Okafor"],
        carriers: &[UPS, FEDEX, USPS],
    },
    Country {
        code: "GB",
        cities: &[
            city(
                "London",
                None,
                "EC1V #@@",
                "+44 20 7946 0###",
                &["Old Street", "City Road", "Clerkenwell Road"],
            ),
            city(
                "Manchester",
                None,
                "M1 #@@",
                "+44 161 496 0###",
                &["Deansgate", "Portland Street", "Oxford Road"],
            ),
            city(
                "Edinburgh",
                None,
                "EH2 #@@",
                "+44 131 496 0###",
                &["Princes Street", "George Street", "Lothian Road"],
            ),
            city(
                "Reading",
                Some("Berkshire"),
                "RG1 #@@",
                "+44 118 496 0###",
                &["Broad Street", "Kings Road", "Forbury Road"],
            ),
        ],
        house: "{n} {street}",
        second_lines: &["Unit 4", "Third Floor", "Goods In, Rear Entrance"],
        first_names: &["Oliver", "Amelia", "Harry", "Priya", "George", "Isla"],
        last_names: &["Smith", "Taylor", "Brown", "Khan", "Wilson", "Evans"],
        carriers: &[ROYAL_MAIL, DHL, UPS],
    },
    Country {
        code: "FR",
        cities: &[
            city(
                "Paris",
                None,
                "7500#",
                "+33 1 99 00 ## ##",
                &["rue de Rivoli", "boulevard Haussmann", "rue du Faubourg Saint-Antoine"],
            ),
            city(
                "Lyon",
                None,
                "6900#",
                "+33 4 99 00 ## ##",
                &["rue de la République", "cours Lafayette", "quai Perrache"],
            ),
            city(
                "Toulouse",
                None,
                "31000",
                "+33 5 99 00 ## ##",
                &["allée Jean Jaurès", "rue d'Alsace-Lorraine", "avenue de Grande-Bretagne"],
            ),
        ],
        house: "{n} {street}",
        second_lines: &["Bâtiment B", "3e étage", "Quai de livraison"],
        first_names: &["Camille", "Louis", "Chloé", "Hugo", "Léa", "Mathieu"],
        last_names: &["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard"],
        carriers: &[LA_POSTE, DHL, UPS],
    },
    Country {
        code: "DE",
        cities: &[
            city(
                "Berlin",
                None,
                "101##",
                "+49 30 #### ###",
                &["Friedrichstraße", "Torstraße", "Schönhauser Allee"],
            ),
            city(
                "München",
                Some("Bayern"),
                "803##",
                "+49 89 #### ###",
                &["Leopoldstraße", "Landsberger Straße", "Arnulfstraße"],
            ),
            city(
                "Frankfurt am Main",
                Some("Hessen"),
                "603##",
                "+49 69 #### ###",
                &["Mainzer Landstraße", "Hanauer Landstraße", "Zeil"],
            ),
        ],
        house: "{street} {n}",
        second_lines: &["3. OG", "Haus C", "Warenannahme"],
        first_names: &["Lukas", "Anna", "Jonas", "Lena", "Felix", "Sophie"],
        last_names: &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
        carriers: &[DEUTSCHE_POST, DHL, UPS],
    },
    Country {
        code: "JP",
        cities: &[
            city(
                "Minato-ku",
                Some("Tokyo"),
                "105-00##",
                "+81 3 5555 ####",
                &["Shibakoen", "Konan", "Roppongi"],
            ),
            city("Osaka", Some("Osaka"), "530-00##", "+81 6 5555 ####", &["Umeda", "Dojima", "Nakanoshima"]),
        ],
        house: "{n} {street}",
        second_lines: &["12F", "Shinagawa Intercity Tower A", "Loading bay 2"],
        first_names: &["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina"],
        last_names: &["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"],
        carriers: &[JAPAN_POST, FEDEX, DHL],
    },
    Country {
        code: "NL",
        cities: &[
            city(
                "Amsterdam",
                None,
                "1012 @@",
                "+31 20 555 ####",
                &["Herengracht", "Keizersgracht", "Damrak"],
            ),
            city("Rotterdam", None, "3011 @@", "+31 10 555 ####", &["Coolsingel", "Blaak", "Wilhelminakade"]),
        ],
        house: "{street} {n}",
        second_lines: &["4e verdieping", "Gebouw A"],
        first_names: &["Daan", "Emma", "Sem", "Julia", "Lars", "Noor"],
        last_names: &["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker"],
        carriers: &[POSTNL, DHL, UPS],
    },
    Country {
        code: "IE",
        cities: &[
            city(
                "Dublin",
                None,
                "D02 @###",
                "+353 1 555 ####",
                &["Sir John Rogerson's Quay", "Grand Canal Street", "Baggot Street"],
            ),
            city("Cork", None, "T12 @###", "+353 21 555 ####", &["South Mall", "Lapp's Quay", "Albert Quay"]),
        ],
        house: "{n} {street}",
        second_lines: &["Block C", "Second Floor"],
        first_names: &["Seán", "Aoife", "Conor", "Niamh", "Cian", "Ciara"],
        last_names: &["Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne"],
        carriers: &[AN_POST, DHL, UPS],
    },
    Country {
        code: "CA",
        cities: &[
            city(
                "Toronto",
                Some("ON"),
                "M5V #@#",
                "+1 416 555 01##",
                &["King Street West", "Spadina Avenue", "Front Street West"],
            ),
            city(
                "Vancouver",
                Some("BC"),
                "V6B #@#",
                "+1 604 555 01##",
                &["West Hastings Street", "Granville Street", "Cambie Street"],
            ),
            city(
                "Montréal",
                Some("QC"),
                "H3B #@#",
                "+1 514 555 01##",
                &["boulevard René-Lévesque Ouest", "rue Sainte-Catherine Ouest"],
            ),
        ],
        house: "{n} {street}",
        second_lines: &["Suite 1100", "Receiving"],
        first_names: &["Liam", "Chloe", "Ethan", "Maya", "Noah", "Olivia"],
        last_names: &["Tremblay", "Roy", "Singh", "MacDonald", "Wong"],
        carriers: &[CANADA_POST, FEDEX, UPS],
    },
    Country {
        code: "AU",
        cities: &[
            city(
                "Sydney",
                Some("NSW"),
                "2000",
                "+61 2 5550 ####",
                &["George Street", "Pitt Street", "Sussex Street"],
            ),
            city(
                "Melbourne",
                Some("VIC"),
                "3000",
                "+61 3 5550 ####",
                &["Collins Street", "Flinders Lane", "Bourke Street"],
            ),
        ],
        house: "{n} {street}",
        second_lines: &["Level 7", "Loading Dock 2"],
        first_names: &["Jack", "Charlotte", "William", "Mia", "Lachlan", "Zoe"],
        last_names: &["Smith", "Jones", "Williams", "Chen", "Nguyen"],
        carriers: &[AUSTRALIA_POST, DHL, FEDEX],
    },
];

// ------------------------------------------------------------- customers

/// A customer organisation (the fictional names Microsoft uses in its samples).
#[derive(Debug)]
pub(super) struct Company {
    pub slug: &'static str,
    pub domain: &'static str,
    pub country: &'static str,
}

const fn company(slug: &'static str, domain: &'static str, country: &'static str) -> Company {
    Company { slug, domain, country }
}

const COMPANIES: &[Company] = &[
    company("contoso", "contoso.com", "US"),
    company("fabrikam", "fabrikam.com", "US"),
    company("northwind", "northwindtraders.com", "US"),
    company("adventureworks", "adventure-works.com", "US"),
    company("tailspin", "tailspintoys.com", "CA"),
    company("wideworld", "wideworldimporters.com", "GB"),
    company("woodgrove", "woodgrovebank.com", "GB"),
    company("litware", "litwareinc.com", "IE"),
    company("proseware", "proseware.com", "NL"),
    company("alpineskihouse", "alpineskihouse.com", "DE"),
    company("cohowinery", "cohowinery.com", "FR"),
    company("fourthcoffee", "fourthcoffee.com", "AU"),
    company("lucernepub", "lucernepublishing.com", "FR"),
    company("relecloud", "relecloud.com", "DE"),
    company("treyresearch", "treyresearch.net", "JP"),
    company("vanarsdel", "vanarsdelltd.com", "NL"),
    company("wingtiptoys", "wingtiptoys.com", "AU"),
    company("blueyonder", "blueyonderairlines.com", "JP"),
    company("humongous", "humongousinsurance.com", "CA"),
    company("munsonspickles", "munsonspicklesandpreservesfarm.com", "US"),
    company("southridge", "southridgevideo.com", "IE"),
    company("lamnahealth", "lamnahealthcare.com", "GB"),
    company("adatum", "adatum.com", "US"),
    company("margiestravel", "margiestravel.com", "JP"),
];

const IMPORT_PURPOSES: &[&str] = &[
    "backup",
    "archive",
    "migration",
    "media",
    "logs",
    "cctv",
    "scans",
    "genomics",
    "telemetry",
    "research",
    "video",
    "photos",
    "seismic",
    "records",
];
const EXPORT_PURPOSES: &[&str] = &["restore", "export", "dr-copy", "offsite", "handover", "audit"];

/// One customer's details as a job records them.
#[derive(Debug, Clone)]
pub(super) struct Customer {
    pub company: &'static Company,
    pub purpose: &'static str,
    pub storage_account_id: String,
    pub recipient: String,
    pub street1: String,
    pub street2: Option<String>,
    pub city: &'static str,
    pub region: Option<&'static str>,
    pub postal_code: String,
    pub country: &'static str,
    pub phone: String,
    pub email: String,
    pub carrier: &'static Carrier,
    pub carrier_account: String,
}

impl Customer {
    pub fn draw(rng: &mut Rng, export: bool) -> Customer {
        let company = pick(rng, COMPANIES);
        let country = country(company.country);
        let city = pick(rng, country.cities);
        let first = *pick(rng, country.first_names);
        let last = *pick(rng, country.last_names);
        let street = pick(rng, city.streets);
        let number = match rng.usize(0..4) {
            0 => "#",
            1 | 2 => "##",
            _ => "###",
        };
        let number = if country.code == "JP" {
            fill(rng, "#-#-#")
        } else {
            fill(rng, number).trim_start_matches('0').to_string()
        };
        let number = if number.is_empty() { "1".into() } else { number };
        let street1 = country.house.replace("{n}", &number).replace("{street}", street);
        let purposes = if export { EXPORT_PURPOSES } else { IMPORT_PURPOSES };
        let purpose = *pick(rng, purposes);
        let carrier = pick(rng, country.carriers);
        Customer {
            company,
            purpose,
            storage_account_id: storage_account_id(rng, company.slug, purpose),
            recipient: format!("{first} {last}"),
            street1,
            street2: chance(rng, 0.4).then(|| pick(rng, country.second_lines).to_string()),
            city: city.name,
            region: city.region,
            postal_code: fill(rng, city.postal_code),
            country: country.code,
            phone: fill(rng, city.phone),
            email: format!("{}.{}@{}", ascii(first), ascii(last), company.domain),
            carrier,
            carrier_account: carrier.account_number(rng),
        }
    }

    /// `contoso-backup-2026-11-03`: who, what for, when created.
    pub fn job_name(&self, created: Timestamp) -> String {
        format!("{}-{}-{}", self.company.slug, self.purpose, created.format("%Y-%m-%d"))
    }
}

fn country(code: &str) -> &'static Country {
    COUNTRIES.iter().find(|c| c.code == code).unwrap_or(&COUNTRIES[0])
}

/// `/subscriptions/<guid>/resourceGroups/rg-<x>/providers/Microsoft.Storage/storageAccounts/<name>`.
fn storage_account_id(rng: &mut Rng, slug: &str, purpose: &str) -> String {
    let variant = pick(rng, &['8', '9', 'a', 'b']);
    let guid = fill(rng, "%%%%%%%%-%%%%-4%%%-?%%%-%%%%%%%%%%%%").replace('?', &variant.to_string());
    let short: String = purpose.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut account = format!("{slug}{short}");
    account.truncate(21); // storage account names are 3 to 24 characters
    let number = fill(rng, "###");
    format!(
        "/subscriptions/{guid}/resourceGroups/rg-{slug}-{purpose}/providers/Microsoft.Storage/storageAccounts/{account}{number}"
    )
}

/// Letters for an email address: accents dropped, spaces and apostrophes removed.
fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ï' | 'î' | 'í' => Some('i'),
            'ö' | 'ô' | 'ó' => Some('o'),
            'ü' | 'û' | 'ú' => Some('u'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- drives

/// A drive maker's serial-number shape: a prefix, `unique` characters that
/// tell the drives apart, and a pattern for the rest.
struct Serial {
    prefix: &'static str,
    unique: u32,
    suffix: &'static str,
}

const fn serial(prefix: &'static str, unique: u32, suffix: &'static str) -> Serial {
    Serial { prefix, unique, suffix }
}

/// WD, Samsung, Seagate, Toshiba and HGST shapes. No prefix starts another
/// one, and 36^5 unique values outnumber the drives of any demo.
const SERIALS: &[Serial] = &[
    serial("WD-WCC4N", 7, ""),
    serial("WD-WX21D", 7, ""),
    serial("WD-WMC4N", 7, ""),
    serial("S3YJNX0K", 6, ""),
    serial("S4EVNF0M", 6, ""),
    serial("S5GXNG0N", 6, ""),
    serial("ZA", 6, ""),
    serial("ZL2", 5, ""),
    serial("ZC1", 5, ""),
    serial("X", 5, "A0FJDH"),
    serial("Y", 5, "A0F@GG"),
    serial("VAG", 5, ""),
    serial("2EK", 5, ""),
];

/// Drive capacities in bytes (4 to 18 TB).
const CAPACITIES: &[u64] = &[
    4_000_787_030_016,
    8_001_563_222_016,
    10_000_831_348_736,
    12_000_138_625_024,
    14_000_519_643_136,
    18_000_207_937_536,
];

/// How many bytes a drive holds for the copy: 30 % to 95 % of its capacity.
pub(super) fn drive_payload(rng: &mut Rng) -> u64 {
    let capacity = *pick(rng, CAPACITIES);
    capacity / 100 * rng.u64(30..=95)
}

/// Hands out job names and drive serial numbers that are not in use yet.
#[derive(Debug)]
pub(super) struct Registry {
    job_names: HashSet<String>,
    /// Drives handed out so far; each serial encodes its number, scrambled,
    /// so serials are unique without remembering them.
    drives: u64,
    scramble_offset: u64,
}

/// Odd and not a multiple of 3, so multiplying by it permutes the values mod 36^n.
const SCRAMBLE: u128 = 0x9E37_79B9_7F4A_7C15;

impl Registry {
    pub fn new(rng: &mut Rng) -> Registry {
        Registry { job_names: HashSet::new(), drives: 0, scramble_offset: rng.u64(..) }
    }

    /// `wanted`, or `wanted-2`, `wanted-3` … if it is taken.
    pub fn job_name(&mut self, wanted: String) -> String {
        let mut name = wanted.clone();
        let mut n = 2;
        while self.job_names.contains(&name) {
            name = format!("{wanted}-{n}");
            n += 1;
        }
        self.job_names.insert(name.clone());
        name
    }

    /// A serial number no other drive has.
    pub fn drive_id(&mut self, rng: &mut Rng) -> String {
        let shape = pick(rng, SERIALS);
        let values = 36u128.pow(shape.unique);
        let mut value = (u128::from(self.drives) * SCRAMBLE + u128::from(self.scramble_offset)) % values;
        self.drives += 1;
        let mut id = String::with_capacity(16);
        id.push_str(shape.prefix);
        let mut digits = [b'0'; 8];
        let digits = &mut digits[..shape.unique as usize];
        for slot in digits.iter_mut().rev() {
            *slot = ALNUM[(value % 36) as usize];
            value /= 36;
        }
        id.extend(digits.iter().map(|b| char::from(*b)));
        id.push_str(&fill(rng, shape.suffix));
        id
    }

    pub fn drive_ids(&mut self, rng: &mut Rng, count: usize) -> Vec<String> {
        (0..count).map(|_| self.drive_id(rng)).collect()
    }
}

/// 1 to 10 drives, 5.1 on average, fewer at the extremes: 1 to 9 in a
/// triangle around 5, and one job in ten brings one more.
pub(super) fn drive_count(rng: &mut Rng) -> usize {
    1 + rng.usize(0..=4) + rng.usize(0..=4) + usize::from(rng.usize(0..10) == 0)
}

// ------------------------------------------------------------------ texts

const ERRORS: &[&str] = &[
    "checksum mismatch: {path} was not copied",
    "file unreadable (bad sector): {path}",
    "{path} exceeds the maximum blob size and was skipped",
];
const WARNINGS: &[&str] = &[
    "blob {path} overwritten: an existing blob was newer",
    "{n} files renamed: characters not allowed in blob names",
    "{n} files listed in the dataset CSV were not found on the drive",
];
const INFOS: &[&str] = &[
    "{n} blobs overwritten as requested by the dataset CSV",
    "{n} empty directories skipped",
    "copy resumed after the drive was re-seated",
];
const CONTAINERS: &[&str] = &["backups", "media", "archive", "logs", "research", "scans"];
const FILES: &[&str] = &[
    "sql-full-03.bak",
    "IMG_4411.CR2",
    "interviews/ep12-raw.mxf",
    "vm/fileserver-02.vhdx",
    "ledger-2019.parquet",
    "cam07/2026-10-14.mp4",
];

/// A copy-log message of the given severity (D7).
pub(super) fn copy_message(rng: &mut Rng, severity: Severity) -> CopyMessage {
    let templates = match severity {
        Severity::Error => ERRORS,
        Severity::Warning => WARNINGS,
        Severity::Info => INFOS,
    };
    let path = format!("{}/{}/{}", pick(rng, CONTAINERS), rng.u32(2019..=2026), pick(rng, FILES));
    let text = pick(rng, templates).replace("{path}", &path).replace("{n}", &rng.u32(2..=4_000).to_string());
    CopyMessage { severity, text }
}

/// What customers write in the job's note.
pub(super) const CUSTOMER_NOTES: &[&str] = &[
    "Please return the drives to the loading dock, not reception.",
    "Drives are BitLocker-encrypted; keys are in the portal.",
    "Migration cut-over is at month end, please prioritise.",
    "Two boxes under one tracking number.",
    "Call the recipient before delivery; the site is staffed 8:00-16:00.",
    "Customs paperwork is in the box with drive 1.",
];

pub(super) const JOB_FAULTS: &[&str] = &[
    "storage account key rotated: the copy cannot authenticate",
    "storage account not found: it was deleted or moved",
    "journal files do not match the drives received",
    "subscription disabled: writes to the storage account are refused",
];

pub(super) const DRIVE_FAULTS: &[&str] = &[
    "drive not readable: SMART reports reallocated sectors",
    "BitLocker key from the portal does not unlock the drive",
    "drive header hash does not match the journal file",
    "NTFS volume is corrupt: chkdsk required",
];

/// The people at the console (sweeps are recorded as `system` by the domain).
pub(super) const OPERATORS: &[&str] = &["amara", "jonas", "li.wei", "priya", "mateo", "sofia"];

/// Changes the customer makes through the service (Put Job, Update Job Properties).
pub(super) const PORTAL: &str = "portal";

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> Rng {
        Rng::with_seed(7)
    }

    #[test]
    fn tracking_numbers_follow_each_carrier_format() {
        let mut rng = rng();
        let ups = UPS.tracking_number(&mut rng);
        assert!(ups.starts_with("1Z") && ups.len() == 18, "{ups}");
        let mail = ROYAL_MAIL.tracking_number(&mut rng);
        assert!(mail.starts_with("RR") && mail.ends_with("GB") && mail.len() == 13);
        assert_eq!(FEDEX.tracking_number(&mut rng).len(), 12);
        assert_eq!(USPS.tracking_number(&mut rng).len(), 22);
    }

    #[test]
    fn check_digits_match_published_examples() {
        // UPS's sample 1Z 999 AA1 01 2345 678 4; the UPU's sample AA 47312482 9 GB.
        assert_eq!(ups_check_digit("999AA1012345678"), '4');
        assert_eq!(s10_check_digit("47312482"), '9');
    }

    #[test]
    fn customers_have_complete_plausible_details() {
        let mut rng = rng();
        for _ in 0..200 {
            let c = Customer::draw(&mut rng, false);
            assert!(c.email.is_ascii() && c.email.contains('@'), "{}", c.email);
            assert!(!c.postal_code.is_empty() && !c.street1.is_empty());
            let account = c.storage_account_id.rsplit('/').next().unwrap_or_default();
            assert!((3..=24).contains(&account.len()), "{account}");
            assert!(account.chars().all(|ch| ch.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn registry_never_hands_out_a_name_twice() {
        let mut rng = rng();
        let mut registry = Registry::new(&mut rng);
        assert_eq!(registry.job_name("a-b".into()), "a-b");
        assert_eq!(registry.job_name("a-b".into()), "a-b-2");
        let ids = registry.drive_ids(&mut rng, 100_000);
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert!(ids.iter().all(|id| crate::domain::create::check_drive_id(id).is_ok()));
    }
}
