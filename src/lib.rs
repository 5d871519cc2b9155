//! relcheck: a release checklist and go/no-go gate.
//!
//! Data flows one way: files ([`model`]) → judgement ([`risk`], [`evidence`], [`rules`],
//! [`verdict`]) → output ([`report`]). Only the binary prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod approvals;
pub mod calendar;
pub mod error;
pub mod evidence;
pub mod fmt;
pub mod http;
pub mod inputs;
pub mod judge;
pub mod model;
pub mod post;
pub mod prometheus;
pub mod record;
pub mod report;
pub mod risk;
pub mod rules;

pub mod sha256;
pub mod sshsig;
pub mod store;
pub mod verdict;
pub mod walk;
pub mod watch;
