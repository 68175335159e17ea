//! STOR, APPE, STOU (RFC 959 §4.1.3; STOU's `150 FILE: <name>` is RFC
//! 1123 §4.1.2.9): receive a file.
//!
//! Measured on 1.3.8 (and followed here):
//! - an existing target with `AllowOverwrite off` (the default) is
//!   `550 <f>: Overwrite permission denied`, before anything else, also
//!   for a directory and for REST+STOR; APPE is not an overwrite;
//! - APPE to an existing file, or REST>0 over one, needs
//!   `AllowStoreRestart` (`451 <f>: Append/Restart not permitted, try
//!   again`); REST past the end of the file (a missing file counts as
//!   empty, and is created first) is `554 REST: invalid <f> argument`;
//!   APPE with REST writes at the offset, not at the end;
//! - `APPE` after RANG is `550 APPE incompatible with RANG`; STOR after
//!   RANG announces ` (<n> bytes)` and fails with `426 Transfer aborted.
//!   Operation not permitted` when more arrives;
//! - STOU names the file `<StoreUniquePrefix|ftp>` plus six random
//!   characters in the current directory, creates it mode 0600, and with
//!   AllowOverwrite off answers `550 <name>: Overwrite permission denied`
//!   leaving the empty file; on success the file gets the usual
//!   `0666 & ~umask`; after REST it is `550 STOU incompatible with REST`;
//! - `MaxStoreFileSize` ends the upload with `552 Transfer aborted. File
//!   too large` and the file is cut back to its size before the upload;
//! - HiddenStores (plain STOR only) writes `<prefix><name><suffix>` in the
//!   target's directory and renames it on success; a leftover temporary
//!   name is `550 <f>: Temporary hidden file <tmp> already exists`; the
//!   temporary file is removed when the upload fails;
//! - the file is opened (and created) before the data connection, so a 425
//!   leaves it behind.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use proftpd_api::data::{Direction, XferEnd};
use proftpd_api::module::ModRet;
use proftpd_api::path::{chroot_guard, fs_path, join, resolve};
use proftpd_api::reply::{errno_text, path_reason};
use proftpd_api::session::CmdCtx;

use super::transfer::{
    LogInfo, effective_pos, fail_550, finish, log_failed, missing_arg, open_data, opening_text,
    options, send_now, size_limit,
};
use crate::keys::{
    ALLOW_OVERWRITE, ALLOW_STORE_RESTART, DELETE_ABORTED_STORES, HIDDEN_STORES,
    MAX_STORE_FILE_SIZE, STORE_UNIQUE_PREFIX,
};
use crate::state::XferState;
use crate::xferlog::{Way, log_path};

/// Which of the three upload commands runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stor,
    Appe,
    Stou,
}

impl Kind {
    fn verb(self) -> &'static str {
        match self {
            Kind::Stor => "STOR",
            Kind::Appe => "APPE",
            Kind::Stou => "STOU",
        }
    }
}

/// How many unique names STOU tries before giving up.
const STOU_ATTEMPTS: usize = 64;
/// The characters of STOU's random suffix (mkstemp's set).
const STOU_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub fn stor(ctx: &mut CmdCtx<'_>) -> ModRet {
    store(ctx, Kind::Stor)
}

pub fn appe(ctx: &mut CmdCtx<'_>) -> ModRet {
    store(ctx, Kind::Appe)
}

pub fn stou(ctx: &mut CmdCtx<'_>) -> ModRet {
    store(ctx, Kind::Stou)
}

/// The handler for a line's verb (tests drive all three through one
/// helper).
#[cfg(test)]
pub fn stor_or_by_verb(line: &str) -> fn(&mut CmdCtx<'_>) -> ModRet {
    match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
        Some("APPE") => appe,
        Some("STOU") => stou,
        _ => stor,
    }
}

/// The file being written and how it ends up under its final name.
struct Target {
    file: File,
    /// What replies call it: the argument, or STOU's generated name.
    shown: Vec<u8>,
    /// The final virtual path.
    virt: Vec<u8>,
    /// HiddenStores: the temporary virtual path to rename from.
    hidden: Option<Vec<u8>>,
    /// Where the upload starts writing (REST offset, end for APPE, 0).
    start: u64,
    /// The file's size once opened, before the upload: where a
    /// MaxStoreFileSize overflow cuts it back to.
    orig_size: u64,
}

fn store(ctx: &mut CmdCtx<'_>, kind: Kind) -> ModRet {
    let ret = receive_file(ctx, kind);
    if ret == ModRet::Error {
        // A failed upload forgets the pending PASV/PORT (measured on
        // 1.3.8: the next transfer gets a 425).
        ctx.host.data_clear();
    }
    ret
}

fn receive_file(ctx: &mut CmdCtx<'_>, kind: Kind) -> ModRet {
    if kind != Kind::Stou && ctx.cmd.args().is_empty() {
        return missing_arg(ctx);
    }
    let restart = ctx.session.state::<XferState>().take_restart();
    if kind == Kind::Appe && restart.range_len > 0 {
        ctx.reply_err(550, "APPE incompatible with RANG");
        return ModRet::Error;
    }
    if kind == Kind::Stou && restart.pos > 0 {
        ctx.reply_err(550, "STOU incompatible with REST");
        return ModRet::Error;
    }
    let pos = effective_pos(restart.pos);
    let target = match kind {
        Kind::Stou => stou_target(ctx),
        _ => named_target(ctx, kind, pos, restart.verb()),
    };
    let Some(mut target) = target else {
        return ModRet::Error;
    };
    let info_path = log_path(ctx.session, &target.virt);
    let info = LogInfo {
        real_path: &info_path,
        way: Way::In,
    };
    if !open_data(ctx, Direction::Receive) {
        remove_hidden(&target);
        log_failed(ctx.session, &info);
        return ModRet::Error;
    }
    let ranged = kind == Kind::Stor && restart.range_len > 0;
    let text = match kind {
        Kind::Stou => {
            let mut t = b"FILE: ".to_vec();
            t.extend_from_slice(&target.shown);
            t
        }
        _ => opening_text(
            ctx.session,
            &target.shown,
            if ranged { restart.range_len } else { 0 },
        ),
    };
    send_now(ctx, 150, text);

    let mut opts = options(ctx.session, kind.verb());
    // The limit is on the file's size (measured: REST 5 over a file
    // already past the limit fails on the first byte).
    opts.max_bytes = size_limit(ctx.session, &MAX_STORE_FILE_SIZE).map(|max| {
        if target.orig_size > max {
            0
        } else {
            max.saturating_sub(target.start)
        }
    });
    let mut outcome = ctx.host.data_read(ctx.session, &mut target.file, &opts);
    // STOR after RANG: 1.3.8 writes everything that arrives, then fails a
    // transfer longer than the range with 426 (measured).
    if ranged && outcome.is_complete() && outcome.stats.file_bytes > restart.range_len {
        outcome.end = XferEnd::TooLarge;
    }

    if outcome.is_complete() {
        if let Some(tmp) = &target.hidden {
            if let Err(e) = std::fs::rename(fs_path(tmp), fs_path(&target.virt)) {
                log::warn!("HiddenStores: renaming the upload into place: {e}");
                remove_hidden(&target);
                ctx.host.data_close();
                return fail_550(ctx, &target.shown.clone(), &errno_text(&e));
            }
        }
    } else if !(ranged && matches!(outcome.end, XferEnd::TooLarge)) {
        clean_up_failed(ctx, &target, &outcome.end);
    }
    finish(ctx, &outcome, &info, |end| match end {
        XferEnd::TooLarge if ranged => {
            Some((426, "Transfer aborted. Operation not permitted".to_string()))
        }
        _ => end.reply(),
    })
}

/// After a failed upload: the hidden temporary file goes; an oversized
/// file is cut back to where it started; with DeleteAbortedStores the
/// partial file goes.
fn clean_up_failed(ctx: &mut CmdCtx<'_>, target: &Target, end: &XferEnd) {
    if target.hidden.is_some() {
        remove_hidden(target);
    } else if matches!(end, XferEnd::TooLarge) {
        if let Err(e) = target.file.set_len(target.orig_size) {
            log::warn!("truncating an oversized upload: {e}");
        }
    } else if ctx
        .session
        .get(&DELETE_ABORTED_STORES)
        .copied()
        .unwrap_or(false)
    {
        if let Err(e) = std::fs::remove_file(fs_path(&target.virt)) {
            log::warn!("DeleteAbortedStores: {e}");
        }
    }
}

fn remove_hidden(target: &Target) {
    if let Some(tmp) = &target.hidden {
        if let Err(e) = std::fs::remove_file(fs_path(tmp)) {
            log::warn!("HiddenStores: removing the temporary file: {e}");
        }
    }
}

/// Opening flags common to every upload: never block on a FIFO, never
/// take a terminal; new files get `0666 & ~umask`.
fn base_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true)
        .mode(0o666)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY);
    o
}

/// STOR/APPE's checks and open, in 1.3.8's order; `None` once the error
/// reply is queued.
fn named_target(ctx: &mut CmdCtx<'_>, kind: Kind, pos: u64, rest_verb: &str) -> Option<Target> {
    let shown = ctx.cmd.arg.clone();
    let virt = resolve(ctx.session, &shown);
    let path = fs_path(&virt);
    let overwrite = ctx.session.get(&ALLOW_OVERWRITE).copied().unwrap_or(false);
    let restart_ok = ctx
        .session
        .get(&ALLOW_STORE_RESTART)
        .copied()
        .unwrap_or(false);
    if let Ok(meta) = std::fs::metadata(&path) {
        if kind == Kind::Stor && !overwrite {
            fail_550(ctx, &shown, "Overwrite permission denied");
            return None;
        }
        if !meta.is_file() {
            fail_550(ctx, &shown, "Not a regular file");
            return None;
        }
        if (kind == Kind::Appe || pos > 0) && !restart_ok {
            ctx.reply_err(
                451,
                path_reason(&shown, "Append/Restart not permitted, try again"),
            );
            return None;
        }
    }
    let hidden_cfg = ctx.session.get(&HIDDEN_STORES).cloned().flatten();
    let hidden = match hidden_cfg {
        Some(h) if kind == Kind::Stor && pos == 0 => {
            let (dir, name) = split_name(&virt);
            let mut tmp_name = h.prefix.into_bytes();
            tmp_name.extend_from_slice(name);
            tmp_name.extend_from_slice(h.suffix.as_bytes());
            let tmp = join(dir, &tmp_name);
            if std::fs::symlink_metadata(fs_path(&tmp)).is_ok() {
                let mut t = shown.clone();
                t.extend_from_slice(b": Temporary hidden file ");
                t.extend_from_slice(&tmp);
                t.extend_from_slice(b" already exists");
                ctx.reply_err(550, t);
                return None;
            }
            Some(tmp)
        }
        _ => None,
    };

    if let Err(e) = chroot_guard(ctx.session, &virt) {
        fail_550(ctx, &shown, &errno_text(&e));
        return None;
    }
    let mut o = base_options();
    let opened = if let Some(tmp) = &hidden {
        o.create_new(true).open(fs_path(tmp))
    } else if pos > 0 {
        o.create(true).open(&path)
    } else if kind == Kind::Appe {
        o.append(true).create(true).open(&path)
    } else if overwrite {
        o.create(true).truncate(true).open(&path)
    } else {
        // The existence check above raced with another writer: never
        // truncate what appeared meanwhile.
        o.create_new(true).open(&path)
    };
    let mut file = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && hidden.is_none() => {
            fail_550(ctx, &shown, "Overwrite permission denied");
            return None;
        }
        Err(e) => {
            fail_550(ctx, &shown, &errno_text(&e));
            return None;
        }
    };
    let size = match file.metadata() {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            fail_550(ctx, &shown, "Not a regular file");
            return None;
        }
        Err(e) => {
            fail_550(ctx, &shown, &errno_text(&e));
            return None;
        }
    };
    let start = if pos > 0 {
        if pos > size {
            let mut t = format!("{rest_verb}: invalid ").into_bytes();
            t.extend_from_slice(&shown);
            t.extend_from_slice(b" argument");
            ctx.reply_err(554, t);
            return None;
        }
        if let Err(e) = file.seek(SeekFrom::Start(pos)) {
            fail_550(ctx, &shown, &errno_text(&e));
            return None;
        }
        pos
    } else if kind == Kind::Appe {
        size
    } else {
        0
    };
    Some(Target {
        file,
        shown,
        virt,
        hidden,
        start,
        orig_size: size,
    })
}

/// STOU: a fresh, unique name in the current directory.
fn stou_target(ctx: &mut CmdCtx<'_>) -> Option<Target> {
    let prefix = ctx
        .session
        .get(&STORE_UNIQUE_PREFIX)
        .cloned()
        .unwrap_or_else(|| "ftp".to_string());
    let mut last_err = None;
    for attempt in 0..STOU_ATTEMPTS {
        let mut name = prefix.clone().into_bytes();
        name.extend_from_slice(&random_suffix(attempt));
        let virt = join(&ctx.session.cwd, &name);
        if let Err(e) = chroot_guard(ctx.session, &virt) {
            fail_550(ctx, &name, &errno_text(&e));
            return None;
        }
        let mut o = base_options();
        o.mode(0o600).create_new(true);
        match o.open(fs_path(&virt)) {
            Ok(file) => {
                if !ctx.session.get(&ALLOW_OVERWRITE).copied().unwrap_or(false) {
                    fail_550(ctx, &name, "Overwrite permission denied");
                    return None;
                }
                let mode = 0o666 & !current_umask();
                if let Err(e) = file.set_permissions(std::fs::Permissions::from_mode(mode)) {
                    log::warn!(
                        "STOU: setting the mode of {}: {e}",
                        fs_path(&virt).display()
                    );
                }
                return Some(Target {
                    file,
                    shown: name,
                    virt,
                    hidden: None,
                    start: 0,
                    orig_size: 0,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => {
                fail_550(ctx, &name, &errno_text(&e));
                return None;
            }
        }
    }
    let e = last_err.unwrap_or_else(|| std::io::Error::from_raw_os_error(nix::libc::EEXIST));
    fail_550(ctx, b"STOU", &errno_text(&e));
    None
}

/// Six characters of [`STOU_CHARS`] from the OS-seeded hasher of std (no
/// device file needed, so it works inside a chroot).
fn random_suffix(attempt: usize) -> Vec<u8> {
    use std::hash::BuildHasher;
    let mut n =
        std::collections::hash_map::RandomState::new().hash_one((attempt, std::process::id()));
    (0..6)
        .map(|_| {
            let c = STOU_CHARS[(n % STOU_CHARS.len() as u64) as usize];
            n /= STOU_CHARS.len() as u64;
            c
        })
        .collect()
}

/// The process umask (set from `Umask` at session start). umask(2) can
/// only be read by setting it, so it is put back at once.
fn current_umask() -> u32 {
    use nix::sys::stat::{Mode, umask};
    let old = umask(Mode::from_bits_truncate(0o022));
    umask(old);
    #[allow(clippy::useless_conversion)] // mode_t is u16 on some systems
    u32::from(old.bits())
}

/// A virtual path's directory and last component.
fn split_name(virt: &[u8]) -> (&[u8], &[u8]) {
    match virt.iter().rposition(|&b| b == b'/') {
        Some(0) => (b"/", &virt[1..]),
        Some(i) => (&virt[..i], &virt[i + 1..]),
        None => (b"/", virt),
    }
}
