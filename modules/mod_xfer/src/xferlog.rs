//! The TransferLog (wu-ftpd xferlog format, spec logs.md §2): one line per
//! RETR/STOR/APPE/STOU, complete or not, and per successful DELE.
//!
//! `Fri Mar 14 18:30:01 2025 3 host 1048576 /real/path b _ o r bob ftp 0 * c`
//!
//! The file is opened as root in `sess_init` (before privileges drop and
//! before any chroot) and kept in [`XferState`]; every line is one
//! `write(2)` to an `O_APPEND` descriptor, so concurrent sessions do not
//! interleave.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use proftpd_api::session::{Session, TransferType};

use crate::keys::{DEFAULT_TRANSFER_LOG, TRANSFER_LOG, TransferLogTarget};
use crate::state::{TransferLog, XferState};

/// The session note holding an anonymous user's password (the e-mail
/// address xferlog logs as the user name), set by the login module.
pub const NOTE_ANON_PASSWORD: &str = "mod_auth.anon-passwd";

/// Which way a logged transfer went (xferlog field 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// `o`: RETR.
    Out,
    /// `i`: STOR, APPE, STOU.
    In,
    /// `d`: DELE.
    Deleted,
}

/// One xferlog line's variable fields.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Whole seconds the transfer took.
    pub seconds: u64,
    /// File-side byte count.
    pub bytes: u64,
    /// The real (unchrooted) path.
    pub path: &'a [u8],
    pub way: Way,
    pub complete: bool,
}

/// Opens the session's TransferLog (`TransferLog`, else 1.3.8's built-in
/// `/var/log/xferlog`; `NONE` disables it) into the module state. Called
/// from `sess_init`, as root and before any chroot; a file that cannot be
/// opened is logged and the session goes on without an xferlog, as in
/// 1.3.8.
pub fn open_for(session: &mut Session) {
    let path = match session.get(&TRANSFER_LOG) {
        Some(TransferLogTarget::None) => return,
        Some(TransferLogTarget::File(p)) => p.clone(),
        None => DEFAULT_TRANSFER_LOG.into(),
    };
    match open_log(&path) {
        Ok(file) => {
            session.state::<XferState>().log = Some(TransferLog {
                file,
                tz: jiff::tz::TimeZone::system(),
            });
        }
        Err(why) => log::warn!("unable to open TransferLog '{}': {why}", path.display()),
    }
}

/// Opens a log file for appending, refusing what 1.3.8 refuses: a
/// relative path, a directory anyone may write to (another user could
/// swap the file), a symlink (`O_NOFOLLOW`).
fn open_log(path: &Path) -> Result<File, String> {
    if !path.is_absolute() {
        return Err("relative path".into());
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    let meta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    if meta.mode() & 0o002 != 0 {
        return Err("parent directory is world-writable".into());
    }
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o644)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| proftpd_api::reply::errno_text(&e))
}

/// Appends one line for `entry` if the session has a TransferLog.
pub fn write(session: &mut Session, entry: &Entry<'_>) {
    let now = jiff::Timestamp::now();
    let ascii = session.transfer_type == TransferType::Ascii;
    let anon = session.anon.is_some();
    let user = if anon {
        session.notes.get(NOTE_ANON_PASSWORD).cloned()
    } else {
        None
    }
    .or_else(|| session.identity.as_ref().map(|i| i.user.clone()))
    .or_else(|| session.user.clone())
    .unwrap_or_default();
    let host = session.peer_name.clone();
    let Some(log) = session.state::<XferState>().log.as_mut() else {
        return;
    };
    let when = now.to_zoned_datetime(log.tz.clone());
    let line = format_line(
        &when.strftime("%a %b %e %H:%M:%S %Y").to_string(),
        &host,
        entry,
        ascii,
        anon,
        &user,
    );
    if let Err(e) = log.file.write_all(&line) {
        log::warn!("writing TransferLog: {e}");
    }
}

/// The line for `entry` (with its newline).
pub fn format_line(
    when: &str,
    host: &str,
    entry: &Entry<'_>,
    ascii: bool,
    anon: bool,
    user: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + entry.path.len());
    out.extend_from_slice(format!("{when} {} {host} {} ", entry.seconds, entry.bytes).as_bytes());
    out.extend(entry.path.iter().map(|&b| {
        if b.is_ascii_whitespace() || b.is_ascii_control() || b == 0x0b {
            b'_'
        } else {
            b
        }
    }));
    let way = match entry.way {
        Way::Out => 'o',
        Way::In => 'i',
        Way::Deleted => 'd',
    };
    out.extend_from_slice(
        format!(
            " {} _ {way} {} {user} ftp 0 * {}\n",
            if ascii { 'a' } else { 'b' },
            if anon { 'a' } else { 'r' },
            if entry.complete { 'c' } else { 'i' },
        )
        .as_bytes(),
    );
    out
}

/// [`real_path`] when the session has a TransferLog, else nothing: the
/// resolution costs a system call per path component, which a session
/// without an xferlog need not pay on every transfer.
pub fn log_path(session: &mut Session, virt: &[u8]) -> Vec<u8> {
    if session.state::<XferState>().log.is_some() {
        real_path(session, virt)
    } else {
        Vec::new()
    }
}

/// The path xferlog shows for a virtual path: symlinks resolved (1.3.8
/// logs the target, measured), the chroot prepended. A name that does not
/// exist (yet) keeps its last component under its resolved directory.
pub fn real_path(session: &Session, virt: &[u8]) -> Vec<u8> {
    let fs = proftpd_api::path::fs_path(virt);
    let inside = std::fs::canonicalize(&fs)
        .ok()
        .or_else(|| {
            let name = fs.file_name()?;
            Some(std::fs::canonicalize(fs.parent()?).ok()?.join(name))
        })
        .map(|p| p.as_os_str().as_bytes().to_vec())
        .unwrap_or_else(|| virt.to_vec());
    match &session.chroot {
        Some(root) => {
            let mut out = root.as_os_str().as_bytes().to_vec();
            while out.last() == Some(&b'/') {
                out.pop();
            }
            if inside != b"/" {
                out.extend_from_slice(&inside);
            } else if out.is_empty() {
                out.push(b'/');
            }
            out
        }
        None => inside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_matches_1_3_8() {
        let e = Entry {
            seconds: 3,
            bytes: 11,
            path: b"/srv/a b\tc.txt",
            way: Way::Out,
            complete: true,
        };
        assert_eq!(
            String::from_utf8_lossy(&format_line(
                "Tue Nov 24 07:31:23 2026",
                "localhost",
                &e,
                true,
                false,
                "demo"
            )),
            "Tue Nov 24 07:31:23 2026 3 localhost 11 /srv/a_b_c.txt a _ o r demo ftp 0 * c\n"
        );
        let e = Entry {
            way: Way::Deleted,
            complete: false,
            ..e
        };
        assert!(
            String::from_utf8_lossy(&format_line("T", "h", &e, false, true, "me@x"))
                .ends_with(" b _ d a me@x ftp 0 * i\n")
        );
    }

    #[test]
    fn real_path_adds_the_chroot() {
        let mut s = crate::testutil::session();
        s.chroot = Some("/home/ftp/".into());
        assert_eq!(real_path(&s, b"/no/such/dir/f"), b"/home/ftp/no/such/dir/f");
        assert_eq!(real_path(&s, b"/"), b"/home/ftp");
        s.chroot = None;
        assert_eq!(real_path(&s, b"/no/such/dir/f"), b"/no/such/dir/f");
    }
}
