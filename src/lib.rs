//! `launchcheck`: a GitOps policy checker for launch requests and emergency response plans.
//!
//! Data flows one way: discover ([`tree`], [`config`]) → load ([`load`], [`source`],
//! [`document`]) → [`schema`] → [`model`] → [`index`] ([`policy`], [`time`]) → [`rules`]
//! ([`engine`]) → [`waivers`] → [`emit`]. [`check`] wires the stages together.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod document;
pub mod emit;
pub mod engine;
pub mod error;
pub mod git;
pub mod index;
pub mod load;
pub mod lsp;
pub mod maintenance;
pub mod model;
pub mod org_rules;
pub mod policy;
pub mod related;
pub mod report;
pub mod root_cause;
pub mod rule;
pub mod rules;
pub mod scaffold;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod time;
pub mod toml_json;
pub mod tree;
pub mod waivers;
