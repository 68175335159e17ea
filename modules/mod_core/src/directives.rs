//! mod_core's directive table (owner: master helper).

use proftpd_api::module::DirectiveEntry;

/// Every directive mod_core implements.
pub static DIRECTIVES: &[DirectiveEntry] = &[];
