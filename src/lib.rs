//! `launchcheck`: a GitOps policy checker for launch requests and emergency response plans.
//!
//! Data flows one way: discover ([`tree`], [`config`]) → load ([`load`], [`source`],
//! [`document`]) → [`schema`] → [`model`] ([`toml_serde`]) → [`index`] ([`policy`],
//! [`time`]) → [`rules`] ([`engine`]) → [`waivers`] → [`emit`]. [`check`] wires the stages
//! together.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod document;
pub mod emit;
pub(crate) mod engine;
pub mod error;
pub(crate) mod git;
pub(crate) mod index;
pub(crate) mod key_spans;
pub mod load;
pub(crate) mod lsp;
pub(crate) mod maintenance;
pub(crate) mod model;
pub mod org_rules;
pub mod policy;
pub(crate) mod related;
pub mod report;
pub(crate) mod root_cause;
pub mod rule;
pub mod rules;
pub(crate) mod scaffold;
pub(crate) mod schedule;
pub mod schema;
pub mod source;
pub(crate) mod suggest;
pub(crate) mod time;
pub(crate) mod toml_json;
pub(crate) mod toml_serde;
pub mod tree;
pub(crate) mod waivers;
