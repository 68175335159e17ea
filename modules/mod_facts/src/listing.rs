//! mod_ls' DirFakeUser, DirFakeGroup and DirFakeMode as MLSx applies them,
//! and the owner and group names every fact line of a listing shows.

use proftpd_api::session::Session;

use crate::facts::{Entry, Names};
use crate::keys::{DIR_FAKE_GROUP, DIR_FAKE_MODE, DIR_FAKE_USER};
use crate::state;

/// What a listing shows in place of each entry's own owner data: computed
/// once per command.
#[derive(Debug, Clone, Default)]
pub struct Fakes {
    /// UNIX.ownername: the logged-in user's name (1.3.8 shows it for every
    /// entry), or DirFakeUser's.
    owner: Vec<u8>,
    /// UNIX.groupname: the user's primary group name, or DirFakeGroup's.
    group: Vec<u8>,
    uid: Option<u32>,
    gid: Option<u32>,
    mode: Option<u32>,
}

impl Fakes {
    pub fn of(session: &Session) -> Fakes {
        let (mut owner, mut group) = state::own_names(session);
        let id = session.identity.as_ref();
        let mut uid = None;
        let mut gid = None;
        match session.get(&DIR_FAKE_USER) {
            Some(Some(name)) if name == "~" => uid = id.map(|i| i.uid),
            Some(Some(name)) => {
                uid = session
                    .names
                    .users
                    .iter()
                    .find(|(_, n)| *n == name)
                    .map(|(u, _)| *u);
                owner = name.clone().into_bytes();
            }
            _ => {}
        }
        match session.get(&DIR_FAKE_GROUP) {
            Some(Some(name)) if name == "~" => gid = id.map(|i| i.gid),
            Some(Some(name)) => {
                gid = session
                    .names
                    .groups
                    .iter()
                    .find(|(_, n)| *n == name)
                    .map(|(g, _)| *g);
                group = name.clone().into_bytes();
            }
            _ => {}
        }
        Fakes {
            owner,
            group,
            uid,
            gid,
            mode: session.get(&DIR_FAKE_MODE).copied(),
        }
    }

    /// The names to show.
    pub fn names(&self) -> Names<'_> {
        Names {
            owner: &self.owner,
            group: &self.group,
        }
    }

    /// Applies the faked ids and mode to `e`.
    pub fn apply(&self, e: &mut Entry) {
        if let Some(u) = self.uid {
            e.uid = u;
        }
        if let Some(g) = self.gid {
            e.gid = g;
        }
        if let Some(m) = self.mode {
            // ProFTPD overwrites the whole st_mode: the fake has no file
            // type, so even a directory then shows a size.
            e.mode = m & 0o7777;
            e.is_dir = m & 0o170000 == 0o040000;
        }
    }
}
