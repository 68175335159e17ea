//! MLSD (RFC 3659 §7): the facts of every entry of a directory, over the
//! data connection, one `<facts> <name>\r\n` line each, `.` (`cdir`) and
//! `..` (`pdir`) and dot files included, in directory order.
//!
//! Each entry costs one `fstatat(AT_SYMLINK_NOFOLLOW)` under the open
//! directory (plus a `stat` of a symlink's target); the listing is built
//! in one buffer and written once, so a directory of 10,000 entries costs
//! 10,000 system calls, not ProFTPD's seven per entry.

use std::os::fd::AsFd;

use nix::dir::Dir;
use nix::fcntl::OFlag;
use nix::sys::stat::{Mode, SFlag};
use proftpd_api::data::{Direction, XferOptions};
use proftpd_api::module::ModRet;
use proftpd_api::path::{fs_path, join};
use proftpd_api::reply::{ReplyLine, errno_text, path_reason};
use proftpd_api::session::{CmdCtx, TransferType};

use crate::facts::format_entry;
use crate::keys::SHOW_SYMLINKS;
use crate::stat::{TypeRules, entry_at};
use crate::{listing, state};

/// About one full fact line; the buffer starts with room for 64 and
/// doubles as needed.
const LINE_ESTIMATE: usize = 192;

fn io_err(e: nix::Error) -> std::io::Error {
    std::io::Error::from_raw_os_error(e as i32)
}

pub fn mlsd(ctx: &mut CmdCtx<'_>) -> ModRet {
    let (shown, virt) = if ctx.cmd.arg.is_empty() {
        (ctx.session.cwd.clone(), ctx.session.cwd.clone())
    } else {
        (ctx.cmd.arg.clone(), join(&ctx.session.cwd, &ctx.cmd.arg))
    };
    let fs = fs_path(&virt);
    let is_dir = match nix::sys::stat::stat(&fs) {
        Ok(st) => st.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFDIR.bits(),
        Err(e) => {
            ctx.reply_err(550, path_reason(&shown, &errno_text(&io_err(e))));
            return ModRet::Error;
        }
    };
    if !is_dir {
        let mut text = b"'".to_vec();
        text.extend_from_slice(&shown);
        text.extend_from_slice(b"' is not a directory");
        ctx.reply_err(550, text);
        return ModRet::Error;
    }
    let mut dir = match Dir::open(
        &fs,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    ) {
        Ok(d) => d,
        Err(e) => {
            ctx.reply_err(550, path_reason(&shown, &errno_text(&io_err(e))));
            return ModRet::Error;
        }
    };
    let listing = build(ctx, &mut dir);
    drop(dir);

    if let Err(e) = ctx.host.data_open(ctx.session, Direction::Send) {
        ctx.reply_err(
            425,
            format!("Unable to build data connection: {}", errno_text(&e)),
        );
        return ModRet::Error;
    }
    let mode = match ctx.session.transfer_type {
        TransferType::Ascii => "ASCII",
        TransferType::Binary => "BINARY",
    };
    ctx.host.send_now(&[ReplyLine {
        code: 150,
        text: format!("Opening {mode} mode data connection for MLSD").into(),
    }]);
    // The lines already end in CRLF: no TYPE A translation.
    let opts = XferOptions::for_session(ctx.session);
    let outcome = ctx.host.data_write(
        ctx.session,
        proftpd_api::data::DataSource::Bytes(&listing),
        &opts,
    );
    ctx.host.data_close();
    if outcome.is_complete() {
        ctx.reply(226, "Transfer complete");
        return ModRet::Handled;
    }
    if let Some((code, text)) = outcome.end.reply() {
        ctx.reply_err(code, text);
    }
    ModRet::Error
}

/// The listing: one line per entry that can be looked up (a dangling
/// symlink is left out, as on 1.3.8).
fn build(ctx: &mut CmdCtx<'_>, dir: &mut Dir) -> Vec<u8> {
    let st = state::get(ctx.session);
    let show_symlinks = ctx.session.get(&SHOW_SYMLINKS).copied().unwrap_or(true);
    let rules = TypeRules {
        show_symlinks,
        use_slink: show_symlinks && st.opts.use_slink,
        cdir: true,
    };
    let who = state::who(ctx.session);
    let fakes = listing::Fakes::of(ctx.session);
    let session = &*ctx.session;
    // A second descriptor for fstatat while the first one is iterated.
    let dirfd = match dir.as_fd().try_clone_to_owned() {
        Ok(fd) => fd,
        Err(e) => {
            log::debug!("MLSD: dup of directory fd failed: {e}");
            return Vec::new();
        }
    };
    let names = fakes.names();
    let mut out = Vec::with_capacity(LINE_ESTIMATE * 64);
    for item in dir.iter() {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_bytes();
        let Ok(mut entry) = entry_at(dirfd.as_fd(), name, &who, rules, &session.cwd) else {
            continue;
        };
        fakes.apply(&mut entry);
        format_entry(&mut out, &entry, names, st.selected, st.opts, name);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use proftpd_api::cmd::Cmd;
    use proftpd_api::module::ModRet;
    use proftpd_api::reply::format_reply;
    use proftpd_api::session::{CmdCtx, Session, TransferType};
    use proftpd_api::testing::{FakeEnd, FakeHost};

    use crate::commands::testutil::Fixture;

    fn run(s: &mut Session, host: &mut FakeHost, line: &str) -> (String, String, String) {
        let cmd = Cmd::parse(line.as_bytes());
        let ret = super::mlsd(&mut CmdCtx {
            cmd: &cmd,
            session: s,
            host,
        });
        let lines = s.replies.take(ret == ModRet::Error);
        let sent = String::from_utf8_lossy(&format_reply(&host.sent, s.multiline)).into_owned();
        host.sent.clear();
        let data = String::from_utf8_lossy(&std::mem::take(&mut host.data_out)).into_owned();
        (
            sent,
            String::from_utf8_lossy(&format_reply(&lines, s.multiline)).into_owned(),
            data,
        )
    }

    #[test]
    fn lists_every_entry() {
        let fx = Fixture::new("mlsd");
        std::fs::create_dir(fx.dir.join("sub")).expect("mkdir");
        std::fs::write(fx.dir.join(".hidden"), b"").expect("write");
        let mut s = fx.session();
        let mut host = FakeHost::default();
        let (sent, reply, data) = run(&mut s, &mut host, "MLSD");
        assert_eq!(sent, "150 Opening ASCII mode data connection for MLSD\r\n");
        assert_eq!(reply, "226 Transfer complete\r\n");
        assert_eq!(host.closes, 1);
        let mut names: Vec<&str> = data
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| l.split_once(' ').expect("facts and name").1)
            .collect();
        names.sort_unstable();
        // `dangling` cannot be looked up and is left out.
        assert_eq!(
            names,
            [".", "..", ".hidden", "file.txt", "link", "sp ace", "sub"]
        );
        let f = fx.facts_of("file.txt");
        assert!(data.contains(&format!(
            "modify={};perm=adfrw;size=5;type=file;unique={};UNIX.group={};\
             UNIX.groupname=demo;UNIX.mode=0644;UNIX.owner={};UNIX.ownername=demo; file.txt\r\n",
            f.modify, f.unique, f.gid, f.uid
        )));
        assert!(data.contains(";type=cdir;"), "{data}");
        assert!(data.contains(";type=pdir;"), "{data}");
        assert!(data.contains(&format!(
            ";size=8;type=OS.unix=symlink;unique={};",
            f.unique
        )));

        s.transfer_type = TransferType::Binary;
        let (sent, _, data) = run(&mut s, &mut host, "MLSD sub");
        assert_eq!(sent, "150 Opening BINARY mode data connection for MLSD\r\n");
        assert_eq!(data.lines().count(), 2);
    }

    #[test]
    fn failures() {
        let fx = Fixture::new("mlsd_fail");
        let mut s = fx.session();
        let mut host = FakeHost::default();
        let (_, reply, _) = run(&mut s, &mut host, "MLSD file.txt");
        assert_eq!(reply, "550 'file.txt' is not a directory\r\n");
        let (_, reply, _) = run(&mut s, &mut host, "MLSD link");
        assert_eq!(reply, "550 'link' is not a directory\r\n");
        let (_, reply, _) = run(&mut s, &mut host, "MLSD nope");
        assert_eq!(reply, "550 nope: No such file or directory\r\n");
        assert!(host.opened.is_empty());
        host.open_errno = Some(nix::libc::ECONNREFUSED);
        let (sent, reply, _) = run(&mut s, &mut host, "MLSD");
        assert_eq!(sent, "");
        assert_eq!(
            reply,
            "425 Unable to build data connection: Connection refused\r\n"
        );
        host.open_errno = None;
        host.fake_end = Some(FakeEnd::PeerClosed);
        let (_, reply, _) = run(&mut s, &mut host, "MLSD");
        assert_eq!(reply, "426 Transfer aborted. Data connection closed\r\n");
        host.fake_end = Some(FakeEnd::Aborted);
        let (_, reply, _) = run(&mut s, &mut host, "MLSD");
        assert_eq!(reply, "");
    }
}

#[cfg(test)]
mod speed {
    use proftpd_api::cmd::Cmd;
    use proftpd_api::session::CmdCtx;
    use proftpd_api::testing::FakeHost;

    use crate::commands::testutil::Fixture;

    /// 10,000 entries: every one listed, with `.` and `..`. Speed is the
    /// benchmark's business (bench/run), not a test's. Release builds only
    /// (the suite runs with --release; a debug build spends seconds making
    /// files).
    #[test]
    #[cfg_attr(debug_assertions, ignore = "slow in debug builds; runs with --release")]
    fn ten_thousand_entries() {
        let fx = Fixture::new("mlsd_speed");
        let big = fx.dir.join("big");
        std::fs::create_dir(&big).expect("mkdir");
        for i in 0..10_000 {
            std::fs::write(big.join(format!("file{i:05}")), b"").expect("write");
        }
        let mut s = fx.session();
        let mut host = FakeHost::default();
        let cmd = Cmd::parse(b"MLSD big");
        super::mlsd(&mut CmdCtx {
            cmd: &cmd,
            session: &mut s,
            host: &mut host,
        });
        assert_eq!(host.data_out.split(|&b| b == b'\n').count() - 1, 10_002);
    }
}
