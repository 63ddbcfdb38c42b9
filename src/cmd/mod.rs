//! One file per subcommand: each takes a plain config and returns an exit code.

pub mod docs;
pub mod hash;
pub mod inspect;
pub mod normalize;
pub mod report;
pub mod scan;
