//! A Map Run's results: each child's execution result as AWS writes it, the ResultWriter's
//! files, and the results kept in memory until the run ends.

pub(crate) mod execution_result;
pub(crate) mod files;
mod kept;
