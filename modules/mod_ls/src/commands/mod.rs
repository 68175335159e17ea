//! mod_ls's command handlers, one file per verb, and what they share.

pub mod common;
pub mod list;
pub mod nlst;
pub mod stat;

#[cfg(test)]
mod tests;
