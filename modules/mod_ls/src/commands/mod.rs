//! mod_ls's command handlers, one file per verb.

pub mod stat;
