//! The shared fake host and session of `proftpd_api::testing`, with this
//! module loaded and logged in.

use proftpd_api::config::ConfigTree;
use proftpd_api::session::Session;
pub use proftpd_api::testing::run;

/// A logged-in session over an empty config.
pub fn session() -> Session {
    proftpd_api::testing::logged_in(&[&crate::MODULE], ConfigTree::new())
}
