//! Virtual paths: the shared resolution lives in `proftpd_api::path`, so
//! that every module resolves client paths the same way.

pub use proftpd_api::path::*;
