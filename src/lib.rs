//! leakcheck: find which people of a watchlist are exposed in a leaked data dump.
//!
//! The pipeline is input → normalize → hash → match → report; each stage is a module.

pub mod cli;
pub mod cmd;
pub mod engine;
pub mod exit_codes;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod input;
pub mod inspect;
pub mod interrupt;
pub mod key;
pub mod kind;
pub mod limits;
pub mod matched;
pub mod matcher;
pub mod messages;
pub mod normalize;
pub mod oom;
pub mod output;
pub mod progress;
pub mod regions;
pub mod report;
pub mod roles;
pub mod scan;
pub mod shard;
pub mod test_hook;
pub mod watchlist;
