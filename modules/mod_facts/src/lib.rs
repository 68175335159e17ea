//! mod_facts for proftpd-rs: RFC 3659 machine listings and file facts
//! (MLSD, MLST, OPTS MLST, MFMT, MFF), as ProFTPD 1.3.8's
//! `modules/mod_facts.c` (mod_facts/0.7).
#![forbid(unsafe_code)]

pub mod commands;
pub mod directives;
pub mod facts;
pub mod keys;
pub mod listing;
pub mod stat;
pub mod state;
pub mod time;

use proftpd_api::module::{InitError, ModuleDef};
use proftpd_api::session::{Session, SessionHost};

/// The module's tables.
pub static MODULE: ModuleDef = ModuleDef {
    name: "mod_facts",
    version: "0.7",
    directives: directives::DIRECTIVES,
    commands: commands::COMMANDS,
    help: commands::HELP,
    sess_init: Some(sess_init),
    ..ModuleDef::EMPTY
};

/// The FEAT line for MFF: the facts MFF can change.
pub const FEAT_MFF: &str = "MFF modify;UNIX.group;UNIX.mode;";

/// Reads the selected facts and, unless `FactsAdvertise off`, offers MFF,
/// MFMT, TVFS and the MLST line in FEAT. The facts are shown either way
/// (1.3.8 reads them before it looks at FactsAdvertise).
fn sess_init(session: &mut Session, _host: &mut dyn SessionHost) -> Result<(), InitError> {
    let st = state::get(session);
    if session
        .server_get(&keys::FACTS_ADVERTISE)
        .copied()
        .unwrap_or(true)
    {
        session.features.insert(FEAT_MFF.to_string());
        session.features.insert("MFMT".to_string());
        session.features.insert("TVFS".to_string());
        session
            .features
            .insert(facts::feat_line(st.selected, st.opts));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::config::ConfigTree;
    use proftpd_api::testing::{sess_features, tree_with};

    #[test]
    fn feat_lines() {
        assert_eq!(
            sess_features(&MODULE, ConfigTree::new()),
            [
                "MFF modify;UNIX.group;UNIX.mode;",
                "MFMT",
                "MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;\
                 UNIX.mode*;UNIX.owner*;UNIX.ownername*;",
                "TVFS",
            ]
        );
        assert!(sess_features(&MODULE, tree_with(&keys::FACTS_ADVERTISE, false)).is_empty());
        let sel = facts::FactSet::EMPTY.with(facts::MODIFY).with(facts::SIZE);
        assert!(
            sess_features(&MODULE, tree_with(&keys::FACTS_DEFAULT, sel)).contains(
                &"MLST modify*;perm;size*;type;unique;UNIX.group;UNIX.groupname;UNIX.mode;\
                  UNIX.owner;UNIX.ownername;"
                    .to_string()
            )
        );
    }
}
