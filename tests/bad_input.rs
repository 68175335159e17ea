//! Bad input on the data path (issue 3, "Bad input"), through the real
//! binary: a full disk, ABOR in the middle of a big STOR, REST past the end,
//! PORT to a third host or to port 0, a PASV nobody connects to, a client
//! that never reads, a file truncated while it is sent, and every way out of
//! a DefaultRoot (`..`, absolute paths, symlinks) through every command that
//! takes a path.
//!
//! Each expectation is the reply ProFTPD 1.3.8 gives, checked by running this
//! file against it:
//!
//! ```sh
//! PROFTPD_TEST_BIN=$PWD/tests/compat/proftpd-1.3-shim cargo test --release --test bad_input
//! ```
//!
//! Every expected reply is 1.3.8's.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::*;

const BASE: &str = "\
ServerName \"Bad Input\"
AuthOrder mod_auth_file.c
AuthUserFile {dir}/ftpd.passwd
AuthGroupFile {dir}/ftpd.group
RequireValidShell off
UseReverseDNS off
TransferLog NONE
";

/// How long a session may take to end after a timeout fired.
const CLOSE_WAIT: Duration = Duration::from_secs(8);
/// Upper bound for any one data transfer in these tests.
const DATA_WAIT: Duration = Duration::from_secs(20);

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn login(srv: &TestServer, user: &str) -> Control {
    let mut c = srv.connect();
    c.banner();
    c.login(user, "demo");
    assert_eq!(c.cmd("TYPE I"), "200 Type set to I\r\n");
    c
}

/// Everything the server sends on `s` until it closes (bounded).
fn read_all(s: TcpStream) -> Vec<u8> {
    read_to_close(s, DATA_WAIT)
}

/// A download over PASV: the replies (the 150 and the final one, or the
/// one refusal) and the bytes received.
fn retr(c: &mut Control, line: &str) -> (Vec<String>, Vec<u8>) {
    let data = TcpStream::connect(pasv(c)).expect("data connect");
    let first = c.cmd(line);
    if !first.starts_with("150 ") {
        return (vec![first], Vec::new());
    }
    let bytes = read_all(data);
    (vec![first, c.reply()], bytes)
}

/// An upload of `bytes` over PASV: the replies (150 and final, or the one
/// refusal).
fn stor(c: &mut Control, line: &str, bytes: &[u8]) -> Vec<String> {
    let mut data = TcpStream::connect(pasv(c)).expect("data connect");
    let first = c.cmd(line);
    if !first.starts_with("150 ") {
        return vec![first];
    }
    let _ = data.write_all(bytes);
    drop(data);
    vec![first, c.reply()]
}

/// Mounts an 8 MiB tmpfs on a fresh directory; unmounts it when dropped,
/// also when the test panics.
struct Tmpfs {
    /// Declared first so the mount goes before the directory is removed.
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::Builder::new()
            .prefix("proftpd-rs-tmpfs.")
            .tempdir()
            .expect("tempdir");
        // Reachable by the session's uid (the home is below it).
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        let mount = dir.path().join("fs");
        fs::create_dir(&mount).expect("mkdir");
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755")])
            .arg("tmpfs")
            .arg(&mount)
            .status()
            .expect("running mount");
        assert!(st.success(), "mount -t tmpfs failed: {st}");
        Tmpfs { mount, _dir: dir }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.mount)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // A session process may still sit in it: detach it now, the
            // kernel frees it when the last user goes.
            let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
        }
    }
}

/// Names in `dir` (sorted), for "nothing else appeared" checks.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// ---- STOR until the disk is full -------------------------------------------

#[test]
fn stor_until_the_disk_is_full() {
    skip_if_not_root!("mounts an 8 MiB tmpfs");
    let fs_guard = Tmpfs::mount("8m");
    let home = fs_guard.mount.join("full");
    let srv = TestServer::builder()
        .user(AuthUser::new("full", "demo").home(&home))
        .config(BASE)
        .config("HiddenStores on\n")
        .start();
    let mut c = login(&srv, "full");
    let addr = pasv(&mut c);
    let mut data = TcpStream::connect(addr).expect("data connect");
    assert_eq!(
        c.cmd("STOR big"),
        "150 Opening BINARY mode data connection for big\r\n"
    );
    // The server stops reading when the disk fills: write from a thread.
    let writer = thread::spawn(move || {
        let chunk = pattern(64 * 1024);
        let mut sent = 0usize;
        while sent < 16 << 20 {
            if data.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    c.timeout = DATA_WAIT;
    // 1.3.8 calls a write that stored only part of its buffer EIO, and
    // the write that fills the disk is such a write (measured, every run).
    assert_eq!(c.reply(), "451 Transfer aborted. Input/output error\r\n");
    writer.join().expect("writer");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    // Neither the final name nor the hidden temp file is left.
    assert_eq!(names(&home), Vec::<String>::new(), "files left in the home");
    // The session goes on: a small upload fits again.
    assert_eq!(
        stor(&mut c, "STOR small", b"fits"),
        [
            "150 Opening BINARY mode data connection for small\r\n",
            "226 Transfer complete\r\n"
        ]
    );
    assert_eq!(fs::read(home.join("small")).expect("small"), b"fits");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
}

// ---- ABOR in the middle of a big STOR --------------------------------------

/// Starts `STOR big` over PASV with a writer thread that streams up to
/// `total` bytes in 64 KiB chunks with a pause between them; returns the
/// thread (yielding bytes sent) and the shared progress counter.
fn slow_stor(
    c: &mut Control,
    total: u64,
    stop: Arc<AtomicBool>,
) -> (thread::JoinHandle<u64>, Arc<AtomicU64>) {
    let mut data = TcpStream::connect(pasv(c)).expect("data connect");
    assert_eq!(
        c.cmd("STOR big"),
        "150 Opening BINARY mode data connection for big\r\n"
    );
    let progress = Arc::new(AtomicU64::new(0));
    let p = progress.clone();
    let writer = thread::spawn(move || {
        let chunk = pattern(64 * 1024);
        let mut sent = 0u64;
        let deadline = Instant::now() + DATA_WAIT;
        while sent < total && !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
            if data.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len() as u64;
            p.store(sent, Ordering::Relaxed);
            thread::sleep(Duration::from_millis(2));
        }
        sent
    });
    (writer, progress)
}

/// Waits (bounded) until `progress` passes `at`.
fn wait_for_progress(progress: &AtomicU64, at: u64) {
    let deadline = Instant::now() + DATA_WAIT;
    while progress.load(Ordering::Relaxed) < at {
        assert!(Instant::now() < deadline, "upload did not start");
        thread::sleep(Duration::from_millis(10));
    }
}

fn abor_mid_stor_case(hidden: bool) {
    let srv = TestServer::builder()
        .user(AuthUser::new("demo", "demo"))
        .config(BASE)
        .config(if hidden { "HiddenStores on\n" } else { "" })
        .start();
    let home = srv.dir().join("home/demo");
    let mut c = login(&srv, "demo");
    let stop = Arc::new(AtomicBool::new(false));
    const TOTAL: u64 = 64 << 20;
    let (writer, progress) = slow_stor(&mut c, TOTAL, stop.clone());
    wait_for_progress(&progress, 4 << 20);
    if hidden {
        // While it uploads, nothing is under the final name.
        assert!(
            !home.join("big").exists(),
            "partial file under the final name"
        );
        assert!(home.join(".in.big.").exists(), "{:?}", names(&home));
    }
    c.send("ABOR");
    c.timeout = DATA_WAIT;
    // 1.3.8: the interrupted STOR's 426, then ABOR's 226 (measured).
    assert_eq!(
        c.reply(),
        "426 Transfer aborted. Data connection closed.\r\n"
    );
    assert_eq!(c.reply(), "226 Abort successful\r\n");
    stop.store(true, Ordering::Relaxed);
    let sent = writer.join().expect("writer");
    assert!(sent < TOTAL, "the upload was not interrupted");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    if hidden {
        assert_eq!(names(&home), Vec::<String>::new(), "files left in the home");
    } else {
        // Without HiddenStores the partial file stays (DeleteAbortedStores
        // is off by default).
        let len = fs::metadata(home.join("big")).expect("partial file").len();
        assert!(len > 0 && len < TOTAL, "{len}");
    }
    // A new transfer works.
    assert_eq!(
        stor(&mut c, "STOR after", b"ok"),
        [
            "150 Opening BINARY mode data connection for after\r\n",
            "226 Transfer complete\r\n"
        ]
    );
}

#[test]
fn abor_mid_stor() {
    abor_mid_stor_case(false);
}

#[test]
fn abor_mid_stor_with_hidden_stores_leaves_no_partial_file() {
    abor_mid_stor_case(true);
}

// ---- REST, PORT, PASV --------------------------------------------------------

fn demo_server(extra: &str) -> TestServer {
    let srv = TestServer::builder()
        .user(AuthUser::new("demo", "demo"))
        .config(BASE)
        .config(extra)
        .start();
    let home = srv.dir().join("home/demo");
    fs::write(home.join("f"), pattern(1000)).expect("f");
    srv
}

#[test]
fn rest_beyond_the_end_of_the_file() {
    let srv = demo_server("");
    let mut c = login(&srv, "demo");
    assert_eq!(
        c.cmd("REST 1001"),
        "350 Restarting at 1001. Send STORE or RETRIEVE to initiate transfer\r\n"
    );
    assert_eq!(
        retr(&mut c, "RETR f").0,
        ["554 REST: invalid f argument\r\n"]
    );
    // The REST is used up; the session goes on.
    let (r, bytes) = retr(&mut c, "RETR f");
    assert_eq!(r[1], "226 Transfer complete\r\n");
    assert!(bytes == pattern(1000));
    // Far beyond, and past i64.
    assert_eq!(
        c.cmd("REST 9223372036854775807"),
        "350 Restarting at 9223372036854775807. Send STORE or RETRIEVE to initiate transfer\r\n"
    );
    assert_eq!(
        retr(&mut c, "RETR f").0,
        ["554 REST: invalid f argument\r\n"]
    );
    // 1.3.8 reads the offset with strtoull: too big saturates, and that
    // offset (-1 as an off_t) then sends the whole file (measured).
    assert_eq!(
        c.cmd("REST 99999999999999999999"),
        "350 Restarting at 18446744073709551615. Send STORE or RETRIEVE to initiate transfer\r\n"
    );
    let (r, bytes) = retr(&mut c, "RETR f");
    assert_eq!(
        r,
        [
            "150 Opening BINARY mode data connection for f (1000 bytes)\r\n",
            "226 Transfer complete\r\n"
        ]
    );
    assert!(bytes == pattern(1000));
    assert_eq!(
        c.cmd("REST -1"),
        "501 REST requires a value greater than or equal to 0\r\n"
    );
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
}

#[test]
fn port_to_another_host_or_to_port_zero() {
    let srv = demo_server("");
    let mut c = login(&srv, "demo");
    // A listener on 127.0.0.2 that must never see a connection.
    let third = TcpListener::bind((Ipv4Addr::new(127, 0, 0, 2), 0)).expect("bind 127.0.0.2");
    let p = third.local_addr().expect("addr").port();
    third.set_nonblocking(true).expect("nonblocking");
    assert_eq!(
        c.cmd(&format!("PORT 127,0,0,2,{},{}", p / 256, p % 256)),
        "500 Illegal PORT command\r\n"
    );
    assert_eq!(
        c.cmd("RETR f"),
        "425 Unable to build data connection: Connection refused\r\n"
    );
    assert!(third.accept().is_err(), "the server connected to 127.0.0.2");
    assert_eq!(c.cmd("PORT 127,0,0,1,0,0"), "501 Illegal PORT command\r\n");
    assert_eq!(
        c.cmd("EPRT |1|127.0.0.2|2000|"),
        "500 Illegal EPRT command\r\n"
    );
    assert_eq!(
        c.cmd("EPRT |1|127.0.0.1|0|"),
        // 501 for PORT but 500 for EPRT (measured).
        "500 Illegal EPRT command\r\n"
    );
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    // A good PORT afterwards works.
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let p = l.local_addr().expect("addr").port();
    assert_eq!(
        c.cmd(&format!("PORT 127,0,0,1,{},{}", p / 256, p % 256)),
        "200 PORT command successful\r\n"
    );
    c.send("RETR f");
    let (data, _) = l.accept().expect("accept");
    assert_eq!(
        c.reply(),
        "150 Opening BINARY mode data connection for f (1000 bytes)\r\n"
    );
    assert!(read_all(data) == pattern(1000));
    assert_eq!(c.reply(), "226 Transfer complete\r\n");
}

#[test]
fn pasv_without_a_transfer_outlives_timeout_stalled() {
    // The stall timer runs only while a transfer waits: a PASV alone keeps
    // the session usable.
    let srv = demo_server("TimeoutStalled 1");
    let mut c = login(&srv, "demo");
    pasv(&mut c);
    thread::sleep(Duration::from_millis(2500));
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
    let (r, bytes) = retr(&mut c, "RETR f");
    assert_eq!(r[1], "226 Transfer complete\r\n");
    assert_eq!(bytes.len(), 1000);
}

#[test]
fn pasv_never_connected_stor_ends_at_timeout_stalled() {
    // As for RETR (data_channel.rs): no reply, the session ends, bounded.
    let srv = demo_server("TimeoutStalled 2\nHiddenStores on\n");
    let mut c = login(&srv, "demo");
    pasv(&mut c);
    let t0 = Instant::now();
    c.send("STOR never");
    c.expect_closed(CLOSE_WAIT).expect("closed without a reply");
    assert!(
        t0.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    assert!(!srv.dir().join("home/demo/never").exists());
}

#[test]
fn a_client_that_never_reads_a_big_retr() {
    let srv = demo_server("TimeoutStalled 2");
    let big = fs::File::create(srv.dir().join("home/demo/big")).expect("big");
    big.set_len(1 << 30).expect("sparse 1 GiB");
    let mut c = login(&srv, "demo");
    let data = TcpStream::connect(pasv(&mut c)).expect("data connect");
    let _ = socket2::SockRef::from(&data).set_recv_buffer_size(4096);
    assert_eq!(
        c.cmd("RETR big"),
        "150 Opening BINARY mode data connection for big (1073741824 bytes)\r\n"
    );
    let t0 = Instant::now();
    c.expect_closed(CLOSE_WAIT).expect("closed without a reply");
    assert!(
        t0.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    drop(data);
    // The server is still there for the next client.
    let mut c = login(&srv, "demo");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
}

#[test]
fn retr_of_a_file_truncated_mid_send() {
    let srv = demo_server("");
    let path = srv.dir().join("home/demo/huge");
    fs::write(&path, vec![b'x'; 64 << 20]).expect("huge");
    let mut c = login(&srv, "demo");
    let mut data = TcpStream::connect(pasv(&mut c)).expect("data connect");
    assert_eq!(
        c.cmd("RETR huge"),
        "150 Opening BINARY mode data connection for huge (67108864 bytes)\r\n"
    );
    let mut first = vec![0u8; 64 * 1024];
    data.set_read_timeout(Some(DATA_WAIT)).expect("timeout");
    data.read_exact(&mut first).expect("first bytes");
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(0))
        .expect("truncate");
    let rest = read_all(data);
    c.timeout = DATA_WAIT;
    // 1.3.8 ends the transfer early and calls it complete (measured).
    assert_eq!(c.reply(), "226 Transfer complete\r\n");
    assert!(first.len() + rest.len() < 64 << 20, "short transfer");
    assert_eq!(c.cmd("NOOP"), "200 NOOP command successful\r\n");
}

// ---- DefaultRoot escapes (root) ----------------------------------------------

const JAIL_UID: u32 = 54331;
const JAIL_GID: u32 = 54332;
/// A name that must never appear in a listing: it exists only outside the
/// root.
const CANARY: &str = "canary-outside-root";
const CANARY_TEXT: &[u8] = b"do not touch\n";

/// Compares replies and collects every difference, so one run against
/// either server shows all of them.
#[derive(Default)]
struct Checks {
    diffs: Vec<String>,
}

impl Checks {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.diffs
                .push(format!("{what}:\n   got {got:?}\n  want {want:?}"));
        }
    }

    fn ok(&mut self, what: &str, cond: bool) {
        if !cond {
            self.diffs.push(format!("{what}: failed"));
        }
    }

    fn finish(self) {
        assert!(self.diffs.is_empty(), "\n{}", self.diffs.join("\n"));
    }
}

/// What the outside looks like, to prove nothing there changed.
#[derive(Debug, PartialEq)]
struct Outside {
    names: Vec<String>,
    canary: Vec<u8>,
    canary_mtime: std::time::SystemTime,
    passwd_len: u64,
}

fn outside(dir: &Path) -> Outside {
    let canary = dir.join(CANARY);
    Outside {
        names: names(dir),
        canary: fs::read(&canary).expect("canary"),
        canary_mtime: fs::metadata(&canary)
            .and_then(|m| m.modified())
            .expect("canary mtime"),
        passwd_len: fs::metadata("/etc/passwd").expect("/etc/passwd").len(),
    }
}

/// A listing without the targets of symlinks (` -> /outside/...` is the
/// link's text, which ls shows too, not a listing of the outside).
fn entries(text: &str) -> String {
    text.lines()
        .map(|l| l.split(" -> ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A listing over PASV: (replies, data as text).
fn listing(c: &mut Control, line: &str) -> (Vec<String>, String) {
    let (r, bytes) = retr(c, line);
    (r, String::from_utf8_lossy(&bytes).into_owned())
}

/// A server whose `jail` user is chrooted to its home (`DefaultRoot ~`);
/// returns the server and that home.
fn jail_server() -> (TestServer, PathBuf) {
    let srv = TestServer::builder()
        .user(AuthUser::new("jail", "demo").ids(JAIL_UID, JAIL_GID))
        .config(BASE)
        .config("DefaultRoot ~\n")
        .start();
    let home = srv.dir().join("home/jail");
    (srv, home)
}

#[test]
fn default_root_cannot_be_left() {
    skip_if_not_root!("DefaultRoot needs chroot");
    let (srv, home) = jail_server();
    // Outside the root: a directory with a canary, beside the homes.
    let outdir = srv.dir().join("outside");
    fs::create_dir(&outdir).expect("outside");
    fs::write(outdir.join(CANARY), CANARY_TEXT).expect("canary");
    // The same file as `..` from the home would reach it without a chroot.
    let dotdot = format!("../../outside/{CANARY}");
    // Inside: a file, a directory, and the ways out.
    fs::write(home.join("inside"), b"inside\n").expect("inside");
    fs::create_dir(home.join("sub")).expect("sub");
    std::os::unix::fs::symlink("/etc", home.join("etc-abs")).expect("symlink");
    std::os::unix::fs::symlink("../../..", home.join("up-rel")).expect("symlink");
    std::os::unix::fs::symlink(&outdir, home.join("outdir-abs")).expect("symlink");
    std::os::unix::fs::symlink(outdir.join(CANARY), home.join("canary-abs")).expect("symlink");
    for p in ["inside", "sub"] {
        std::os::unix::fs::chown(home.join(p), Some(JAIL_UID), Some(JAIL_GID)).expect("chown");
    }
    let before = outside(&outdir);
    // The real path of the canary, as a client would write it.
    let canary_abs = outdir.join(CANARY).display().to_string();

    let mut k = Checks::default();
    let mut c = login(&srv, "jail");
    k.eq(
        "PWD",
        c.cmd("PWD"),
        "257 \"/\" is the current directory\r\n".into(),
    );

    // Reads: RETR.
    for (line, want) in [
        (
            "RETR ../../../../etc/passwd".to_string(),
            "550 ../../../../etc/passwd: No such file or directory\r\n".to_string(),
        ),
        (
            "RETR /etc/passwd".into(),
            "550 /etc/passwd: No such file or directory\r\n".into(),
        ),
        (
            format!("RETR {canary_abs}"),
            format!("550 {canary_abs}: No such file or directory\r\n"),
        ),
        (
            format!("RETR {dotdot}"),
            format!("550 {dotdot}: No such file or directory\r\n"),
        ),
        (
            "RETR etc-abs/passwd".into(),
            "550 etc-abs/passwd: No such file or directory\r\n".into(),
        ),
        (
            format!("RETR up-rel/{CANARY}"),
            format!("550 up-rel/{CANARY}: No such file or directory\r\n"),
        ),
        (
            format!("RETR outdir-abs/{CANARY}"),
            format!("550 outdir-abs/{CANARY}: No such file or directory\r\n"),
        ),
        (
            "RETR canary-abs".into(),
            "550 canary-abs: Not a regular file\r\n".into(),
        ),
    ] {
        k.eq(&line, retr(&mut c, &line).0, vec![want]);
    }
    // A relative link that climbs stops at the root: it is the home.
    let (r, bytes) = retr(&mut c, "RETR up-rel/inside");
    k.eq(
        "RETR up-rel/inside",
        r.get(1).cloned(),
        Some("226 Transfer complete\r\n".into()),
    );
    k.eq("RETR up-rel/inside data", bytes, b"inside\n".to_vec());

    // SIZE and MDTM.
    for arg in [
        "../../../../etc/passwd".to_string(),
        "/etc/passwd".into(),
        canary_abs.clone(),
        dotdot.clone(),
        "etc-abs/passwd".into(),
        format!("up-rel/{CANARY}"),
        "canary-abs".into(),
    ] {
        for verb in ["SIZE", "MDTM"] {
            let line = format!("{verb} {arg}");
            let want = format!("550 {arg}: No such file or directory\r\n");
            k.eq(&line, c.cmd(&line), want);
        }
    }
    k.eq(
        "SIZE up-rel/inside",
        c.cmd("SIZE up-rel/inside"),
        "213 7\r\n".into(),
    );

    // Listings: nothing outside may show.
    for line in [
        "LIST ../..",
        "LIST /",
        "LIST up-rel",
        "LIST ../../..",
        "NLST ../..",
        "NLST up-rel",
        "NLST /",
        "MLSD ../..",
        "MLSD up-rel",
        "MLSD /",
    ] {
        let (r, text) = listing(&mut c, line);
        k.eq(
            &format!("{line} final"),
            r.last().map(|s| &s[..4]),
            Some("226 "),
        );
        k.ok(
            &format!("{line} lists the home ({text:?})"),
            text.contains("inside"),
        );
        k.ok(
            &format!("{line} shows no outside name ({text:?})"),
            !entries(&text).contains(CANARY),
        );
    }
    for line in [
        "LIST etc-abs",
        "LIST /etc",
        "NLST etc-abs",
        "NLST /etc",
        "MLSD etc-abs",
        "MLSD /etc",
    ] {
        let (r, text) = listing(&mut c, line);
        k.ok(
            &format!("{line} shows nothing of /etc ({r:?} {text:?})"),
            !text.contains("passwd") && !text.contains("hostname"),
        );
    }
    for line in [
        "LIST outdir-abs".to_string(),
        "NLST outdir-abs".into(),
        "MLSD outdir-abs".into(),
        format!("LIST {}", outdir.display()),
        format!("MLSD {}", outdir.display()),
    ] {
        let (r, text) = listing(&mut c, &line);
        k.ok(
            &format!("{line} shows no outside name ({r:?} {text:?})"),
            !entries(&text).contains(CANARY),
        );
    }
    k.eq(
        "MLST /etc/passwd",
        c.cmd("MLST /etc/passwd"),
        "550 '/etc/passwd' cannot be listed\r\n".into(),
    );
    k.eq(
        "MLST etc-abs/passwd",
        c.cmd("MLST etc-abs/passwd"),
        "550 'etc-abs/passwd' cannot be listed\r\n".into(),
    );
    let r = c.cmd(&format!("MLST {dotdot}"));
    k.eq(
        "MLST ../../outside/canary",
        r,
        format!("550 '{dotdot}' cannot be listed\r\n"),
    );
    let r = c.cmd("MLST up-rel");
    k.ok(
        &format!("MLST up-rel is the root ({r:?})"),
        r.contains("type=") && !entries(&r).contains(CANARY),
    );
    let r = c.cmd("STAT ../..");
    k.ok(
        &format!("STAT ../.. ({r:?})"),
        r.contains("inside") && !entries(&r).contains(CANARY),
    );

    // Writes: STOR through every way out lands inside or fails.
    for (line, want) in [
        (
            format!("STOR {dotdot}"),
            vec![format!("550 {dotdot}: No such file or directory\r\n")],
        ),
        (
            "STOR ../../../escape".into(),
            vec![
                "150 Opening BINARY mode data connection for ../../../escape\r\n".into(),
                "226 Transfer complete\r\n".to_string(),
            ],
        ),
        (
            format!("STOR {canary_abs}"),
            vec![format!("550 {canary_abs}: No such file or directory\r\n")],
        ),
        (
            format!("STOR outdir-abs/{CANARY}"),
            vec![format!(
                "550 outdir-abs/{CANARY}: No such file or directory\r\n"
            )],
        ),
        (
            "STOR canary-abs".into(),
            vec!["550 canary-abs: Overwrite permission denied\r\n".into()],
        ),
        (
            "STOR etc-abs/passwd".into(),
            vec!["550 etc-abs/passwd: No such file or directory\r\n".into()],
        ),
        (
            "STOR /etc/passwd".into(),
            // 1.3.8 refuses to create anything under /etc or /lib inside
            // a chroot (its chroot guard, against planting nsswitch.conf
            // or libnss_*.so there).
            vec!["550 /etc/passwd: Permission denied\r\n".into()],
        ),
        (
            "STOR /lib/libnss_files.so.2".into(),
            vec!["550 /lib/libnss_files.so.2: Permission denied\r\n".into()],
        ),
        (
            format!("STOR up-rel/up-{CANARY}"),
            vec![
                format!("150 Opening BINARY mode data connection for up-rel/up-{CANARY}\r\n"),
                "226 Transfer complete\r\n".to_string(),
            ],
        ),
    ] {
        k.eq(&line, stor(&mut c, &line, b"overwritten\n"), want);
    }
    // `..` stops at the root: the store lands in the home.
    k.ok(
        "STOR ../../../escape landed inside",
        home.join("escape").is_file(),
    );
    k.ok("no outside/ made inside", !home.join("outside").exists());
    k.ok(
        "STOR up-rel/.. landed inside",
        home.join(format!("up-{CANARY}")).is_file(),
    );

    // DELE, RNFR/RNTO, MKD, RMD: nothing outside moves.
    for (line, want) in [
        (
            format!("DELE {canary_abs}"),
            format!("550 {canary_abs}: No such file or directory\r\n"),
        ),
        (
            format!("DELE outdir-abs/{CANARY}"),
            format!("550 outdir-abs/{CANARY}: No such file or directory\r\n"),
        ),
        (
            "DELE etc-abs/passwd".into(),
            "550 etc-abs/passwd: No such file or directory\r\n".into(),
        ),
        (
            "RNFR /etc/passwd".into(),
            "550 /etc/passwd: No such file or directory\r\n".into(),
        ),
        (
            format!("RNFR {canary_abs}"),
            format!("550 {canary_abs}: No such file or directory\r\n"),
        ),
        (
            format!("RNFR outdir-abs/{CANARY}"),
            format!("550 outdir-abs/{CANARY}: No such file or directory\r\n"),
        ),
        (
            "MKD etc-abs/x".into(),
            "550 etc-abs/x: No such file or directory\r\n".into(),
        ),
        (
            "MKD outdir-abs/x".to_string(),
            "550 outdir-abs/x: No such file or directory\r\n".into(),
        ),
        (
            "RMD etc-abs".into(),
            "550 etc-abs: Not a directory\r\n".into(),
        ),
    ] {
        k.eq(&line, c.cmd(&line), want);
    }
    // A rename out of the root lands inside it.
    k.eq(
        "RNFR inside",
        c.cmd("RNFR inside"),
        "350 File or directory exists, ready for destination name\r\n".into(),
    );
    k.eq(
        "RNTO ../../../renamed",
        c.cmd("RNTO ../../../renamed"),
        "250 Rename successful\r\n".into(),
    );
    k.ok("renamed inside", home.join("renamed").is_file());
    k.eq(
        "RNFR renamed",
        c.cmd("RNFR renamed"),
        "350 File or directory exists, ready for destination name\r\n".into(),
    );
    k.eq(
        "RNTO outdir-abs/renamed",
        c.cmd("RNTO outdir-abs/renamed"),
        "550 outdir-abs/renamed: No such file or directory\r\n".into(),
    );
    k.eq(
        "RNFR renamed",
        c.cmd("RNFR renamed"),
        "350 File or directory exists, ready for destination name\r\n".into(),
    );
    k.eq(
        "RNTO canary-abs (a dangling link)",
        c.cmd("RNTO canary-abs"),
        // 1.3.8 looks at the target with stat(): a dangling link does not
        // exist for it, so AllowOverwrite off does not apply.
        "250 Rename successful\r\n".into(),
    );
    // DELE of a link removes the link only.
    k.eq(
        "DELE up-rel",
        c.cmd("DELE up-rel"),
        "250 DELE command successful\r\n".into(),
    );
    k.eq(
        "CWD ../../..",
        c.cmd("CWD ../../.."),
        "250 CWD command successful\r\n".into(),
    );
    k.eq(
        "PWD after CWD ..",
        c.cmd("PWD"),
        "257 \"/\" is the current directory\r\n".into(),
    );
    k.eq(
        "CWD etc-abs",
        c.cmd("CWD etc-abs"),
        "550 etc-abs: No such file or directory\r\n".into(),
    );
    // Last: on a server without the guard they would create /etc and /lib.
    for (line, want) in [
        ("MKD /etc", "550 /etc: Permission denied\r\n"),
        ("MKD /lib", "550 /lib: Permission denied\r\n"),
    ] {
        k.eq(line, c.cmd(line), want.into());
    }
    k.eq(
        "NOOP",
        c.cmd("NOOP"),
        "200 NOOP command successful\r\n".into(),
    );
    k.eq("QUIT", c.cmd("QUIT"), "221 Goodbye.\r\n".into());

    k.eq("outside untouched", outside(&outdir), before);
    k.ok(
        "/etc/hostname still there",
        Path::new("/etc/passwd").is_file(),
    );
    k.finish();
}

/// 1.3.8's chroot guard: inside a DefaultRoot, nothing may be created,
/// changed or removed at `/etc`, `/lib` or below them (so a user cannot
/// plant an nsswitch.conf or libnss_*.so that the chrooted process would
/// load), however the path is spelled (`//etc`, `/./etc`, `../etc`), while
/// `/etcx`, `/lib64` and `/sub/etc` are ordinary names (all measured);
/// ours is `proftpd_api::path::chroot_guard`.
#[test]
fn chroot_guard_for_etc_and_lib() {
    skip_if_not_root!("DefaultRoot needs chroot");
    let (srv, home) = jail_server();
    let mut k = Checks::default();
    let mut c = login(&srv, "jail");
    // (command, replies concatenated: 1.3.8's, then ours where different).
    let stores: [(&str, &str); 10] = [
        (
            "STOR /etcx",
            "150 Opening BINARY mode data connection for /etcx\r\n226 Transfer complete\r\n",
        ),
        (
            "STOR /libx",
            "150 Opening BINARY mode data connection for /libx\r\n226 Transfer complete\r\n",
        ),
        ("STOR /etc", "550 /etc: Permission denied\r\n"),
        ("STOR /lib", "550 /lib: Permission denied\r\n"),
        ("STOR /etc/x", "550 /etc/x: Permission denied\r\n"),
        ("STOR etc/x", "550 etc/x: Permission denied\r\n"),
        ("STOR /./etc/x", "550 /./etc/x: Permission denied\r\n"),
        ("STOR //etc/x", "550 //etc/x: Permission denied\r\n"),
        (
            "STOR /usr/lib/x",
            "550 /usr/lib/x: No such file or directory\r\n",
        ),
        ("APPE /etc/y", "550 /etc/y: Permission denied\r\n"),
    ];
    for (line, want) in stores {
        k.eq(line, stor(&mut c, line, b"x").concat(), want.to_string());
    }
    let commands: [(&str, &str); 15] = [
        ("MKD /etc", "550 /etc: Permission denied\r\n"),
        ("MKD lib", "550 lib: Permission denied\r\n"),
        (
            "MKD /lib64",
            "257 \"/lib64\" - Directory successfully created\r\n",
        ),
        (
            "MKD /sub",
            "257 \"/sub\" - Directory successfully created\r\n",
        ),
        ("CWD /sub", "250 CWD command successful\r\n"),
        ("MKD ../etc", "550 ../etc: Permission denied\r\n"),
        (
            "MKD etc",
            "257 \"/sub/etc\" - Directory successfully created\r\n",
        ),
        ("CWD /", "250 CWD command successful\r\n"),
        ("RMD /etc", "550 /etc: Permission denied\r\n"),
        (
            "RNFR /etcx",
            "350 File or directory exists, ready for destination name\r\n",
        ),
        ("RNTO /etc", "550 /etc: Permission denied\r\n"),
        (
            "RNFR /sub",
            "350 File or directory exists, ready for destination name\r\n",
        ),
        ("RNTO /lib", "550 /lib: Permission denied\r\n"),
        (
            "MFMT 20200101000000 /etcx",
            "213 Modify=20200101000000; /etcx\r\n",
        ),
        (
            "MFMT 20200101000000 /etc",
            "501 /etc: Permission denied\r\n",
        ),
    ];
    for (line, want) in commands {
        k.eq(line, c.cmd(line), want.to_string());
    }
    k.ok(
        "no etc or lib in the root",
        !home.join("etc").exists() && !home.join("lib").exists(),
    );
    k.finish();
}
