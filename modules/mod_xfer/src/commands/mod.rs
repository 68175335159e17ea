//! mod_xfer's command handlers, one file per verb.

pub mod allo;
pub mod mode;
pub mod stru;
pub mod type_;
