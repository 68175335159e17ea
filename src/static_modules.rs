//! The compiled-in modules, in load order.
//!
//! As in ProFTPD, a module loaded later has a higher priority: command
//! dispatch walks this list from the end. `proftpd -l` prints it in this
//! order (ProFTPD's own order, for the modules we have); `proftpd -vv` in
//! priority order.

use proftpd_api::module::ModuleDef;

/// Every static module, lowest priority first.
pub fn static_modules() -> Vec<&'static ModuleDef> {
    let mut list: Vec<&'static ModuleDef> = vec![
        &mod_core::MODULE,
        &mod_xfer::MODULE,
        &mod_auth_unix::MODULE,
        &mod_auth_file::MODULE,
        &mod_auth::MODULE,
        &mod_ls::MODULE,
        &mod_facts::MODULE,
    ];
    #[cfg(feature = "mod_cap")]
    list.push(&mod_cap::MODULE);
    // Last, as in 1.3.8's `proftpd -l`: its PRE_CMD path check runs first.
    list.push(&mod_lang::MODULE);
    list
}
