//! ieops: the operations console for an Import/Export disk-shipping service.
//!
//! Layers, each calling only the ones below it:
//! - [`domain`]: the rules of `assets/rules.md` (SPEC v2), pure (no I/O, `now` passed in);
//! - [`store`]: SQLite, the one write path (a change and its audit events in one transaction);
//! - [`ops`]: operations decided on what their write transaction reads (S8, S10),
//!   shared by the command line and the console;
//! - [`interop`]: the service's REST JSON in and out (import mapping and decisions are pure;
//!   writing goes through the store);
//! - [`cli`]: the command line, which only translates.

pub mod cli;
pub mod config;
pub mod console;
pub mod demo;
pub mod domain;
pub mod interop;
pub mod ops;
pub mod present;
pub mod store;
pub mod suggest;
pub mod text;
