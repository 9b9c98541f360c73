//! The plumbing every area shares: who is calling (`caller`, `auth`), errors and their pages,
//! the layout, language and messages, query parsing, number formatting, charts, metrics. Areas
//! import from here; nothing here imports an area.

pub mod attachments;
pub mod auth;
pub mod caller;
pub mod charts;
pub mod engine;
pub mod error;
pub mod files;
pub mod forms;
pub mod i18n;
pub mod language;
pub mod layout;
pub mod metrics;
pub mod notices;
pub mod query;
pub mod rules;
