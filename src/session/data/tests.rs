//! The data channel over real loopback sockets: a [`Host`] whose control
//! connection is one end of a TCP pair (the test holds the client end),
//! with a tiny module standing in for mod_xfer's ABOR and mod_core's QUIT.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use proftpd_api::cmd::CmdClass;
use proftpd_api::config::ConfigTree;
use proftpd_api::data::{
    DataSource, Direction, ListenRequest, RateLimit, XferEnd, XferOptions, XferOutcome,
};
use proftpd_api::module::{CmdEntry, ModRet, ModuleDef};
use proftpd_api::session::{CmdCtx, Disconnect, Session};
use proftpd_api::testing::session_over;

use super::super::End;
use super::super::control::{ControlIo, Item};
use super::super::host::Host;
use super::super::reader::ReadEvent;

fn abor(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.host.data_abort();
    ctx.reply(226, "Abort successful");
    ModRet::Handled
}

fn quit(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply(221, "Goodbye.");
    ctx.session.disconnect = Some(Disconnect::Quit);
    ModRet::Handled
}

fn stat(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply(211, "status");
    ModRet::Handled
}

static TEST_MOD: ModuleDef = ModuleDef {
    name: "mod_datatest",
    commands: &[
        CmdEntry::cmd("ABOR", None, false, CmdClass::NONE, abor),
        CmdEntry::cmd("QUIT", None, false, CmdClass::NONE, quit),
        CmdEntry::cmd("STAT", None, false, CmdClass::NONE, stat),
    ],
    ..ModuleDef::EMPTY
};
static MODS: &[&ModuleDef] = &[&TEST_MOD];

const LO: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// A host over a fresh control connection, the client end of it, and a
/// session with the test module.
fn setup() -> (Host, TcpStream, Session) {
    let l = TcpListener::bind((LO, 0)).expect("bind");
    let client = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
    let (server, _) = l.accept().expect("accept");
    let mut host = Host::new(server.try_clone().expect("clone"));
    host.io = Some(ControlIo::new(server, 4103, false).expect("io"));
    let mut session = session_over(MODS, ConfigTree::new());
    session.local_addr = client.peer_addr().expect("addr");
    session.peer_addr = client.local_addr().expect("addr");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    (host, client, session)
}

fn listen(host: &mut Host, peer: Option<std::net::IpAddr>) -> SocketAddr {
    host.listen(&ListenRequest {
        addr: LO.into(),
        ports: None,
        peer,
    })
    .expect("listen")
}

fn opts() -> XferOptions {
    XferOptions {
        ascii: false,
        sendfile: true,
        rate: None,
        stalled: Some(Duration::from_secs(10)),
        max_bytes: None,
    }
}

/// Reads everything from a data connection (bounded by its timeout).
fn drain(mut s: TcpStream) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut v = Vec::new();
    let _ = s.read_to_end(&mut v);
    v
}

/// Reads control bytes until `want` replies (lines) arrived.
fn replies(c: &mut TcpStream, want: usize) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.iter().filter(|&&b| b == b'\n').count() < want {
        match c.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn temp_file(contents: &[u8]) -> (tempfile::TempDir, std::fs::File) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("f");
    std::fs::write(&path, contents).expect("write");
    let f = std::fs::File::open(&path).expect("open");
    (dir, f)
}

/// A client thread that connects to `addr` and sends `data`.
fn upload_client(addr: SocketAddr, data: Vec<u8>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut t = TcpStream::connect(addr).expect("connect");
        t.write_all(&data).expect("write");
    })
}

/// Sends `f` from `offset`, `len` bytes or to its end.
fn send_file(
    host: &mut Host,
    s: &mut Session,
    f: &std::fs::File,
    offset: u64,
    len: Option<u64>,
    o: &XferOptions,
) -> XferOutcome {
    host.send_data(
        s,
        DataSource::File {
            file: f,
            offset,
            len,
        },
        o,
    )
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn a_foreign_address_is_refused_and_the_client_still_gets_its_data() {
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, Some(LO.into()));
    assert!(host.data.pending());
    let thief = thread::spawn(move || {
        let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("socket");
        let from: SocketAddr = (Ipv4Addr::new(127, 0, 0, 2), 0).into();
        sock.bind(&from.into()).expect("bind 127.0.0.2");
        sock.connect(&addr.into()).expect("connect");
        let t: TcpStream = sock.into();
        let got = drain(t);
        // Only then the real client.
        let real = TcpStream::connect(addr).expect("connect");
        (got, drain(real))
    });
    host.open(&mut s, Direction::Send).expect("open");
    assert!(!host.data.pending());
    let out = host.send_data(&mut s, DataSource::Bytes(b"secret"), &opts());
    assert!(out.is_complete(), "{out:?}");
    assert_eq!(out.stats.wire_bytes, 6);
    host.close_data();
    let (thief_got, real_got) = thief.join().expect("join");
    assert!(thief_got.is_empty(), "the thief got {thief_got:?}");
    assert_eq!(real_got, b"secret");
}

#[test]
fn sendfile_sends_a_range_and_stops_at_the_end_of_the_file() {
    let data = pattern(3 << 20);
    let (_d, f) = temp_file(&data);
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let client = thread::spawn(move || drain(TcpStream::connect(addr).expect("connect")));
    host.open(&mut s, Direction::Send).expect("open");
    let out = send_file(&mut host, &mut s, &f, 1000, Some(2 << 20), &opts());
    assert!(out.is_complete(), "{out:?}");
    assert_eq!(out.stats.file_bytes, 2 << 20);
    // A length past the end: the file's end ends the send, complete.
    let out = send_file(&mut host, &mut s, &f, (3 << 20) - 10, Some(1000), &opts());
    assert!(out.is_complete(), "{out:?}");
    assert_eq!(out.stats.file_bytes, 10);
    host.close_data();
    let got = client.join().expect("join");
    let mut want = data[1000..1000 + (2 << 20)].to_vec();
    want.extend_from_slice(&data[(3 << 20) - 10..]);
    assert!(got == want, "{} bytes, want {}", got.len(), want.len());
}

#[test]
fn ascii_sends_crlf_and_counts_both_sides() {
    let mut text = Vec::new();
    for i in 0..100_000 {
        text.extend_from_slice(format!("line {i}\n").as_bytes());
    }
    let (_d, f) = temp_file(&text);
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let client = thread::spawn(move || drain(TcpStream::connect(addr).expect("connect")));
    host.open(&mut s, Direction::Send).expect("open");
    let o = XferOptions {
        ascii: true,
        ..opts()
    };
    let out = send_file(&mut host, &mut s, &f, 0, None, &o);
    assert!(out.is_complete(), "{out:?}");
    assert_eq!(out.stats.file_bytes, text.len() as u64);
    assert_eq!(out.stats.wire_bytes, text.len() as u64 + 100_000);
    host.close_data();
    let got = client.join().expect("join");
    let mut want = Vec::new();
    proftpd_api::data::ascii::ToCrlf::default().push(&text, &mut want);
    assert!(got == want);
}

#[test]
fn receiving_binary_ascii_and_the_size_cap() {
    for (ascii, max, wire, want_file, too_large) in [
        (false, None, &b"a\r\nb\r\n"[..], &b"a\r\nb\r\n"[..], false),
        (true, None, b"a\r\nb\r\nc\r", b"a\nb\nc\r", false),
        (false, Some(3), b"abcdef", b"abc", true),
    ] {
        let (mut host, _c, mut s) = setup();
        let addr = listen(&mut host, None);
        let wire_owned = wire.to_vec();
        let client = thread::spawn(move || {
            let mut t = TcpStream::connect(addr).expect("connect");
            let _ = t.write_all(&wire_owned);
        });
        host.open(&mut s, Direction::Receive).expect("open");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("up");
        let mut f = std::fs::File::create(&path).expect("create");
        let o = XferOptions {
            ascii,
            max_bytes: max,
            ..opts()
        };
        let out = host.receive_data(&mut s, &mut f, &o);
        client.join().expect("join");
        assert_eq!(matches!(out.end, XferEnd::TooLarge), too_large, "{out:?}");
        if !too_large {
            assert!(out.is_complete(), "{out:?}");
            assert_eq!(out.stats.wire_bytes, wire.len() as u64);
        }
        host.close_data();
        assert_eq!(std::fs::read(&path).expect("read"), want_file);
        assert_eq!(out.stats.file_bytes, want_file.len() as u64);
    }
}

#[test]
fn a_big_receive_arrives_whole() {
    let data = pattern(8 << 20);
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let client = upload_client(addr, data.clone());
    host.open(&mut s, Direction::Receive).expect("open");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("up");
    let mut f = std::fs::File::create(&path).expect("create");
    let out = host.receive_data(&mut s, &mut f, &opts());
    client.join().expect("join");
    assert!(out.is_complete(), "{out:?}");
    assert!(std::fs::read(&path).expect("read") == data);
}

#[test]
fn transfer_rate_paces_the_send() {
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let client = thread::spawn(move || drain(TcpStream::connect(addr).expect("connect")));
    host.open(&mut s, Direction::Send).expect("open");
    let o = XferOptions {
        rate: Some(RateLimit {
            bytes_per_sec: 1_000_000,
            free_bytes: 100_000,
        }),
        ..opts()
    };
    let data = pattern(400_000);
    let t0 = Instant::now();
    let out = host.send_data(&mut s, DataSource::Bytes(&data), &o);
    let took = t0.elapsed();
    assert!(out.is_complete(), "{out:?}");
    // 300,000 paced bytes at 1 MB/s: 0.3 s at least, not much more.
    assert!(took >= Duration::from_millis(280), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    host.close_data();
    assert_eq!(client.join().expect("join").len(), 400_000);
}

#[test]
fn a_client_that_never_reads_stalls_the_transfer_and_ends_the_session() {
    let (_d, f) = temp_file(&pattern(64 << 20));
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let client = thread::spawn(move || {
        let t = TcpStream::connect(addr).expect("connect");
        // Hold the connection open, unread, until the server gives up.
        let _ = rx.recv_timeout(Duration::from_secs(20));
        drop(t);
    });
    host.open(&mut s, Direction::Send).expect("open");
    let o = XferOptions {
        stalled: Some(Duration::from_millis(300)),
        ..opts()
    };
    let t0 = Instant::now();
    let out = send_file(&mut host, &mut s, &f, 0, None, &o);
    assert!(matches!(out.end, XferEnd::Stalled), "{out:?}");
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert!(matches!(host.end, Some(End::Stalled)));
    assert!(host.silenced, "no reply after a stall");
    let _ = tx.send(());
    client.join().expect("join");
}

#[test]
fn pasv_without_a_connection_is_bounded_by_timeout_stalled() {
    let (mut host, _c, mut s) = setup();
    s.config = std::sync::Arc::new(proftpd_api::testing::tree_with(
        &proftpd_api::data::TIMEOUT_STALLED,
        1u32,
    ));
    listen(&mut host, None);
    let t0 = Instant::now();
    let err = host
        .open(&mut s, Direction::Send)
        .expect_err("nobody connects");
    assert_eq!(err.raw_os_error(), Some(nix::libc::ETIMEDOUT));
    assert!(t0.elapsed() >= Duration::from_millis(900));
    assert!(t0.elapsed() < Duration::from_secs(4));
    assert!(matches!(host.end, Some(End::Stalled)));
}

#[test]
fn abor_while_waiting_for_the_connection_cancels_the_open() {
    let (mut host, mut c, mut s) = setup();
    listen(&mut host, None);
    c.write_all(b"NOOP\r\nABOR\r\n").expect("write");
    let err = host.open(&mut s, Direction::Send).expect_err("cancelled");
    assert_eq!(err.raw_os_error(), Some(nix::libc::ECONNABORTED));
    // Both lines wait, in order, for the session loop.
    let io = host.io.as_ref().expect("io");
    let lines: Vec<&Item> = io.queue.iter().collect();
    assert_eq!(
        lines,
        [
            &Item::Event(ReadEvent::Line(b"NOOP".to_vec())),
            &Item::Event(ReadEvent::Line(b"ABOR".to_vec()))
        ]
    );
    assert!(host.end.is_none());
}

/// Starts a transfer of a large file to a client that reads slowly, sends
/// `lines` on the control connection once data flows, and returns the
/// outcome and what the control connection got.
/// Runs a RETR of 64 MiB while the client sends `lines`; returns how it
/// ended, the `want_replies` replies the client saw, the host, and the
/// lines left for the session loop to dispatch after the transfer.
fn during_transfer(lines: &[u8], want_replies: usize) -> (XferEnd, String, Host, Vec<Vec<u8>>) {
    let (_d, f) = temp_file(&pattern(64 << 20));
    let (mut host, mut c, mut s) = setup();
    let addr = listen(&mut host, None);
    let lines = lines.to_vec();
    let client = thread::spawn(move || {
        let mut t = TcpStream::connect(addr).expect("connect");
        t.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut buf = vec![0u8; 64 * 1024];
        let _ = t.read_exact(&mut buf);
        c.write_all(&lines).expect("control write");
        // Keep reading slowly so the transfer stays alive.
        let reader = thread::spawn(move || {
            loop {
                match t.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => thread::sleep(Duration::from_millis(1)),
                }
            }
        });
        let got = replies(&mut c, want_replies);
        let _ = reader.join();
        got
    });
    host.open(&mut s, Direction::Send).expect("open");
    let out = send_file(&mut host, &mut s, &f, 0, None, &opts());
    host.close_data();
    let queued = host
        .io
        .take()
        .map(|io| {
            io.queue
                .into_iter()
                .filter_map(|item| match item {
                    Item::Event(ReadEvent::Line(l)) => Some(l),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let ctl = client.join().expect("join");
    (out.end, ctl, host, queued)
}

#[test]
fn abor_mid_transfer_gives_426_then_226() {
    let (end, ctl, host, queued) = during_transfer(b"NOOP\r\nRETR x\r\nSTAT\r\nABOR\r\n", 4);
    assert!(matches!(end, XferEnd::Aborted), "{end:?}");
    assert_eq!(
        ctl,
        "200 NOOP: data transfer in progress\r\n\
         450 RETR: data transfer in progress\r\n\
         211 status\r\n\
         426 Transfer aborted. Data connection closed.\r\n"
    );
    // ABOR itself (its 226) runs once the transfer command is done.
    assert_eq!(queued, [b"ABOR".to_vec()]);
    assert!(host.end.is_none());
}

#[test]
fn abor_after_telnet_ip_and_synch_is_the_same() {
    let (end, ctl, _, queued) = during_transfer(b"\xff\xf4\xff\xf2ABOR\r\n", 1);
    assert!(matches!(end, XferEnd::Aborted), "{end:?}");
    assert_eq!(ctl, "426 Transfer aborted. Data connection closed.\r\n");
    assert_eq!(queued, [b"ABOR".to_vec()]);
}

#[test]
fn quit_mid_transfer_stops_it_quietly() {
    let (_d, f) = temp_file(&pattern(64 << 20));
    let (mut host, mut c, mut s) = setup();
    let addr = listen(&mut host, None);
    let client = thread::spawn(move || {
        let mut t = TcpStream::connect(addr).expect("connect");
        let mut buf = vec![0u8; 64 * 1024];
        let _ = t.read_exact(&mut buf);
        c.write_all(b"QUIT\r\n").expect("write");
        let got = replies(&mut c, 1);
        (got, drain(t).len())
    });
    host.open(&mut s, Direction::Send).expect("open");
    let out = send_file(&mut host, &mut s, &f, 0, None, &opts());
    assert!(matches!(out.end, XferEnd::Aborted), "{out:?}");
    assert_eq!(s.disconnect, Some(Disconnect::Quit));
    let (ctl, _) = client.join().expect("join");
    assert_eq!(ctl, "221 Goodbye.\r\n");
}

#[test]
fn active_mode_connects_to_the_port_target() {
    let (mut host, _c, mut s) = setup();
    let target = TcpListener::bind((LO, 0)).expect("bind");
    host.set_active(target.local_addr().expect("addr"));
    assert!(host.data.pending());
    let server = thread::spawn(move || {
        let (t, from) = target.accept().expect("accept");
        (drain(t), from)
    });
    host.open(&mut s, Direction::Send).expect("open");
    let out = host.send_data(&mut s, DataSource::Bytes(b"active"), &opts());
    assert!(out.is_complete());
    host.close_data();
    let (got, from) = server.join().expect("join");
    assert_eq!(got, b"active");
    assert_eq!(from.ip(), s.local_addr.ip());
    // From the control port minus one when that port could be bound.
    let l1 = s.local_addr.port() - 1;
    if from.port() != l1 {
        eprintln!("active connection came from {from}, not port {l1} (in use?)");
    }
}

#[test]
fn active_mode_to_a_closed_port_fails_with_the_errno() {
    let (mut host, _c, mut s) = setup();
    let closed = TcpListener::bind((LO, 0)).expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    host.set_active(addr);
    let err = host.open(&mut s, Direction::Send).expect_err("refused");
    assert_eq!(err.raw_os_error(), Some(nix::libc::ECONNREFUSED));
}

#[test]
fn abort_without_a_transfer_only_clears_the_setup() {
    let (mut host, mut c, _s) = setup();
    listen(&mut host, None);
    assert!(!host.abort_data());
    assert!(!host.data.pending());
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut b = [0u8; 16];
    assert!(c.read(&mut b).is_err(), "nothing sent");
}

#[test]
fn receiving_appends_to_an_append_mode_file() {
    let (mut host, _c, mut s) = setup();
    let addr = listen(&mut host, None);
    let data = pattern(3 << 20);
    let client = upload_client(addr, data.clone());
    host.open(&mut s, Direction::Receive).expect("open");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("up");
    std::fs::write(&path, b"head").expect("write");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    let out = host.receive_data(&mut s, &mut f, &opts());
    client.join().expect("join");
    assert!(out.is_complete(), "{out:?}");
    assert_eq!(out.stats.file_bytes, data.len() as u64);
    let mut want = b"head".to_vec();
    want.extend_from_slice(&data);
    assert!(std::fs::read(&path).expect("read") == want);
}
