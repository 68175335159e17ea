//! Transfer handlers (RETR STOR APPE STOU REST RANG ABOR) against the fake
//! host: every reply text and every flag, as measured on 1.3.8.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use proftpd_api::config::Merge;
use proftpd_api::data::Direction;
use proftpd_api::module::ModRet;
use proftpd_api::session::TransferType;

use super::{abor, rang, rest, retr, store};
use crate::keys::{self, Classifier, HiddenStores, SizeLimit, TransferRate};
use crate::state::XferState;
use crate::testutil::{
    FakeEnd, FakeHost, add, in_temp_dir, run, run_on, session, session_with, tree,
};

const ECONNREFUSED: i32 = 111;
const ENOSPC: i32 = 28;

fn binary(s: &mut proftpd_api::session::Session) {
    s.transfer_type = TransferType::Binary;
}

#[test]
fn retr_sends_the_file_with_1_3_8_texts() {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("a.txt"), b"hello\nworld\n").unwrap();
    fs::write(dir.path().join("one"), b"x").unwrap();
    fs::write(dir.path().join("empty"), b"").unwrap();

    let mut h = FakeHost::default();
    let (ret, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(ret, ModRet::Handled);
    assert_eq!(
        sent,
        "150 Opening ASCII mode data connection for a.txt (12 bytes)\r\n"
    );
    assert_eq!(reply, "226 Transfer complete\r\n");
    assert_eq!(h.data_out, b"hello\r\nworld\r\n");
    assert_eq!(h.opened, [Direction::Send]);
    assert_eq!(h.closes, 1);

    binary(&mut s);
    let mut h = FakeHost::default();
    let (_, sent, _) = run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for a.txt (12 bytes)\r\n"
    );
    assert_eq!(h.data_out, b"hello\nworld\n");

    let mut h = FakeHost::default();
    let (_, sent, _) = run_on(&mut s, &mut h, retr::retr, "RETR one");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for one (1 byte)\r\n"
    );
    let mut h = FakeHost::default();
    let (_, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR empty");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for empty\r\n"
    );
    assert_eq!(reply, "226 Transfer complete\r\n");
}

#[test]
fn retr_errors() {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    fs::create_dir(dir.path().join("d")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("dangling")).unwrap();
    let table: &[(&str, &str)] = &[
        ("RETR dangling", "550 dangling: Not a regular file\r\n"),
        ("RETR", "500 'RETR' not understood\r\n"),
        ("RETR ", "500 'RETR' not understood\r\n"),
        ("RETR nope", "550 nope: No such file or directory\r\n"),
        ("RETR  nope", "550  nope: No such file or directory\r\n"),
        ("RETR d", "550 d: Not a regular file\r\n"),
    ];
    for (line, want) in table {
        let mut h = FakeHost {
            data_setup_pending: true,
            ..FakeHost::default()
        };
        let (ret, sent, reply) = run_on(&mut s, &mut h, retr::retr, line);
        assert_eq!((ret, reply.as_str()), (ModRet::Error, *want), "{line}");
        assert_eq!(sent, "", "{line}");
        assert!(h.opened.is_empty(), "{line}: no data connection");
        assert!(!h.data_setup_pending, "{line}: the PASV/PORT is forgotten");
    }
}

#[test]
fn retr_425_when_no_data_connection() {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("f"), b"x").unwrap();
    let mut h = FakeHost {
        open_errno: Some(ECONNREFUSED),
        ..FakeHost::default()
    };
    let (ret, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR f");
    assert_eq!(ret, ModRet::Error);
    assert_eq!(sent, "");
    assert_eq!(
        reply,
        "425 Unable to build data connection: Connection refused\r\n"
    );
}

#[test]
fn retr_failures_mid_transfer() {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("f"), b"abc").unwrap();
    let cases = [
        (
            FakeEnd::PeerClosed,
            "426 Transfer aborted. Data connection closed\r\n",
        ),
        (
            FakeEnd::FileErrno(5),
            "451 Transfer aborted. Input/output error\r\n",
        ),
        (FakeEnd::Aborted, ""),
    ];
    for (end, want) in cases {
        let mut h = FakeHost {
            fake_end: Some(end),
            ..FakeHost::default()
        };
        let (ret, _, reply) = run_on(&mut s, &mut h, retr::retr, "RETR f");
        assert_eq!((ret, reply.as_str()), (ModRet::Error, want), "{end:?}");
    }
}

#[test]
fn rest_applies_to_the_next_retr_only() {
    let mut s = session();
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("a.txt"), b"hello\nworld\n").unwrap();
    assert_eq!(
        run(&mut s, rest::rest, "REST 3").1,
        "350 Restarting at 3. Send STORE or RETRIEVE to initiate transfer\r\n"
    );
    let mut h = FakeHost::default();
    let (_, sent, _) = run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for a.txt (9 bytes)\r\n"
    );
    assert_eq!(h.data_out, b"lo\nworld\n");
    // Used up: the next RETR sends everything.
    let mut h = FakeHost::default();
    run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(h.data_out, b"hello\nworld\n");

    // Equal to the size: allowed, nothing to send.
    run(&mut s, rest::rest, "REST 12");
    let mut h = FakeHost::default();
    let (_, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for a.txt\r\n"
    );
    assert_eq!(reply, "226 Transfer complete\r\n");

    // Beyond: 554, and the offset is gone even so.
    run(&mut s, rest::rest, "REST 13");
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR a.txt");
    assert_eq!(reply, "554 REST: invalid a.txt argument\r\n");
    assert_eq!(s.state::<XferState>().restart, 0);

    // A failed RETR uses it up too.
    run(&mut s, rest::rest, "REST 3");
    run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR nope");
    assert_eq!(s.state::<XferState>().restart, 0);

    // Past i64::MAX 1.3.8 sees a negative offset: the whole file.
    run(&mut s, rest::rest, "REST 18446744073709551615");
    let mut h = FakeHost::default();
    let (_, sent, _) = run_on(&mut s, &mut h, retr::retr, "RETR a.txt");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for a.txt (12 bytes)\r\n"
    );
}

#[test]
fn retrieve_restart_can_be_refused() {
    let mut s = session_with(tree(&[&|t| {
        add(t, &keys::ALLOW_RETRIEVE_RESTART, false, Merge::Down)
    }]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("f"), b"abcdef").unwrap();
    run(&mut s, rest::rest, "REST 2");
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR f");
    assert_eq!(reply, "451 f: Restart not permitted, try again\r\n");
}

#[test]
fn rest_parsing() {
    let table: &[(&str, &str)] = &[
        ("REST", "500 'REST' not understood\r\n"),
        ("REST 1 2", "500 'REST 1 2' not understood\r\n"),
        (
            "REST -1",
            "501 REST requires a value greater than or equal to 0\r\n",
        ),
        (
            "REST x",
            "501 REST requires a value greater than or equal to 0\r\n",
        ),
        (
            "REST 1x",
            "501 REST requires a value greater than or equal to 0\r\n",
        ),
        (
            "REST 0x10",
            "501 REST requires a value greater than or equal to 0\r\n",
        ),
        (
            "REST +5",
            "350 Restarting at 5. Send STORE or RETRIEVE to initiate transfer\r\n",
        ),
        (
            "REST  5",
            "350 Restarting at 5. Send STORE or RETRIEVE to initiate transfer\r\n",
        ),
        (
            "REST 99999999999999999999999",
            "350 Restarting at 18446744073709551615. Send STORE or RETRIEVE to initiate transfer\r\n",
        ),
    ];
    for (line, want) in table {
        let mut s = session();
        binary(&mut s);
        assert_eq!(run(&mut s, rest::rest, line).1, *want, "{line}");
    }
    let mut s = session();
    assert_eq!(
        run(&mut s, rest::rest, "REST 5").1,
        "501 REST: Resuming transfers not allowed in ASCII mode\r\n"
    );
    assert_eq!(
        run(&mut s, rest::rest, "REST 0").1,
        "350 Restarting at 0. Send STORE or RETRIEVE to initiate transfer\r\n"
    );
}

#[test]
fn rang_parsing() {
    let table: &[(&str, &str)] = &[
        ("RANG", "500 'RANG' not understood\r\n"),
        ("RANG 1", "500 'RANG 1' not understood\r\n"),
        ("RANG 1 2 3", "500 'RANG 1 2 3' not understood\r\n"),
        (
            "RANG a b",
            "501 RANG requires a value greater than or equal to 0\r\n",
        ),
        (
            "RANG -1 3",
            "501 RANG requires a value greater than or equal to 0\r\n",
        ),
        ("RANG 3 1", "501 RANG start must be less than end\r\n"),
        ("RANG 1 0", "350 Reset byte transfer range\r\n"),
        (
            "RANG 2 5",
            "350 Transferring byte range of 4 bytes starting from 2\r\n",
        ),
        (
            "RANG 10 10",
            "350 Transferring byte range of 1 byte starting from 10\r\n",
        ),
        (
            "RANG +1 +5",
            "350 Transferring byte range of 5 bytes starting from 1\r\n",
        ),
        (
            "RANG 1 99999999999999999999999",
            "501 RANG start must be less than end\r\n",
        ),
        (
            "RANG 99999999999999999999 99999999999999999999999",
            "350 Transferring byte range of 1 byte starting from 18446744073709551615\r\n",
        ),
    ];
    for (line, want) in table {
        let mut s = session();
        binary(&mut s);
        assert_eq!(run(&mut s, rang::rang, line).1, *want, "{line}");
    }
    let mut s = session();
    for (line, want) in [
        (
            "RANG 2 5",
            "551 RANG: Transfer ranges not allowed in ASCII mode\r\n",
        ),
        (
            "RANG 0 0",
            "551 RANG: Transfer ranges not allowed in ASCII mode\r\n",
        ),
        ("RANG 3 1", "501 RANG start must be less than end\r\n"),
        ("RANG 1 0", "350 Reset byte transfer range\r\n"),
    ] {
        assert_eq!(run(&mut s, rang::rang, line).1, want, "ASCII {line}");
    }
}

#[test]
fn rang_retr() {
    let mut s = session();
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("a"), b"0123456789\n").unwrap();
    let cases: &[(&str, &str, &[u8])] = &[
        (
            "RANG 2 5",
            "150 Opening BINARY mode data connection for a (4 bytes)\r\n",
            b"2345",
        ),
        (
            "RANG 0 5",
            "150 Opening BINARY mode data connection for a (6 bytes)\r\n",
            b"012345",
        ),
        (
            "RANG 3 10",
            "150 Opening BINARY mode data connection for a (8 bytes)\r\n",
            b"3456789\n",
        ),
        // Start 0: 1.3.8 skips the end check and sends what there is.
        (
            "RANG 0 11",
            "150 Opening BINARY mode data connection for a (11 bytes)\r\n",
            b"0123456789\n",
        ),
    ];
    for (rang_line, want_150, want_data) in cases {
        run(&mut s, rang::rang, rang_line);
        let mut h = FakeHost::default();
        let (_, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR a");
        assert_eq!(sent, *want_150, "{rang_line}");
        assert_eq!(reply, "226 Transfer complete\r\n");
        assert_eq!(h.data_out, *want_data, "{rang_line}");
    }
    for (rang_line, want) in [
        ("RANG 3 11", "554 a: invalid RANG argument\r\n"),
        ("RANG 20 100", "554 RANG: invalid a argument\r\n"),
    ] {
        run(&mut s, rang::rang, rang_line);
        let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR a");
        assert_eq!(reply, want, "{rang_line}");
    }
    // REST after RANG replaces it; RANG after REST too.
    run(&mut s, rang::rang, "RANG 2 5");
    run(&mut s, rest::rest, "REST 1");
    let mut h = FakeHost::default();
    run_on(&mut s, &mut h, retr::retr, "RETR a");
    assert_eq!(h.data_out, b"123456789\n");
}

#[test]
fn abor_replies_and_keeps_rest() {
    let mut s = session();
    binary(&mut s);
    run(&mut s, rest::rest, "REST 2");
    let mut h = FakeHost {
        connected: true,
        ..FakeHost::default()
    };
    let (ret, sent, reply) = run_on(&mut s, &mut h, abor::abor, "ABOR");
    assert_eq!(ret, ModRet::Handled);
    assert_eq!(sent, "426 Transfer aborted. Data connection closed.\r\n");
    assert_eq!(reply, "226 Abort successful\r\n");
    assert_eq!(h.aborts, 1);
    assert_eq!(
        s.state::<XferState>().restart,
        2,
        "1.3.8 keeps REST across ABOR"
    );

    let mut h = FakeHost::default();
    let (_, sent, reply) = run_on(&mut s, &mut h, abor::abor, "ABOR");
    assert_eq!(
        (sent.as_str(), reply.as_str()),
        ("", "226 Abort successful\r\n")
    );
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), abor::abor, "ABOR x");
    assert_eq!(reply, "500 'ABOR x' not understood\r\n");
}

fn stor_in(
    s: &mut proftpd_api::session::Session,
    line: &str,
    data: &[u8],
) -> (ModRet, String, String, FakeHost) {
    let mut h = FakeHost {
        data_in: data.to_vec(),
        ..FakeHost::default()
    };
    let (r, sent, reply) = run_on(s, &mut h, store::stor_or_by_verb(line), line);
    (r, sent, reply, h)
}

#[test]
fn stor_creates_and_refuses_overwrite_by_default() {
    let mut s = session();
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::create_dir(dir.path().join("d")).unwrap();
    let (ret, sent, reply, h) = stor_in(&mut s, "STOR new", b"abc\r\n");
    assert_eq!(ret, ModRet::Handled);
    assert_eq!(sent, "150 Opening BINARY mode data connection for new\r\n");
    assert_eq!(reply, "226 Transfer complete\r\n");
    assert_eq!(h.opened, [Direction::Receive]);
    assert_eq!(fs::read(dir.path().join("new")).unwrap(), b"abc\r\n");

    let mut h = FakeHost {
        data_setup_pending: true,
        ..FakeHost::default()
    };
    run_on(&mut s, &mut h, store::stor, "STOR new");
    assert!(!h.data_setup_pending, "a failed STOR forgets the PASV/PORT");
    for (line, want) in [
        ("STOR new", "550 new: Overwrite permission denied\r\n"),
        ("STOR d", "550 d: Overwrite permission denied\r\n"),
        ("STOR", "500 'STOR' not understood\r\n"),
        ("STOR nodir/x", "550 nodir/x: No such file or directory\r\n"),
        (
            "APPE new",
            "451 new: Append/Restart not permitted, try again\r\n",
        ),
    ] {
        let (ret, sent, reply, _) = stor_in(&mut s, line, b"zzz");
        assert_eq!(
            (ret, sent.as_str(), reply.as_str()),
            (ModRet::Error, "", want),
            "{line}"
        );
    }
    assert_eq!(
        fs::read(dir.path().join("new")).unwrap(),
        b"abc\r\n",
        "untouched"
    );

    // REST over a missing file: created, then 554.
    run(&mut s, rest::rest, "REST 2");
    let (_, _, reply, _) = stor_in(&mut s, "STOR new3", b"QQ");
    assert_eq!(reply, "554 REST: invalid new3 argument\r\n");
    assert_eq!(fs::read(dir.path().join("new3")).unwrap(), b"");
    // REST over an existing file without overwrite: the 550 first.
    run(&mut s, rest::rest, "REST 2");
    let (_, _, reply, _) = stor_in(&mut s, "STOR new", b"QQ");
    assert_eq!(reply, "550 new: Overwrite permission denied\r\n");

    // APPE of a new file is fine.
    let (_, _, reply, _) = stor_in(&mut s, "APPE new2", b"more");
    assert_eq!(reply, "226 Transfer complete\r\n");
    assert_eq!(fs::read(dir.path().join("new2")).unwrap(), b"more");
}

#[test]
fn stor_with_overwrite_and_restart() {
    let mut s = session_with(tree(&[
        &|t| add(t, &keys::ALLOW_OVERWRITE, true, Merge::Down),
        &|t| add(t, &keys::ALLOW_STORE_RESTART, true, Merge::Down),
    ]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    let f = dir.path().join("f");
    fs::write(&f, b"0123456789").unwrap();
    fs::create_dir(dir.path().join("d")).unwrap();
    assert_eq!(
        stor_in(&mut s, "STOR d", b"x").2,
        "550 d: Not a regular file\r\n"
    );
    assert_eq!(
        stor_in(&mut s, "STOR f", b"new").2,
        "226 Transfer complete\r\n"
    );
    assert_eq!(fs::read(&f).unwrap(), b"new");
    assert_eq!(
        stor_in(&mut s, "APPE f", b"er").2,
        "226 Transfer complete\r\n"
    );
    assert_eq!(fs::read(&f).unwrap(), b"newer");
    // REST: written at the offset, nothing truncated.
    run(&mut s, rest::rest, "REST 1");
    assert_eq!(
        stor_in(&mut s, "STOR f", b"EW").2,
        "226 Transfer complete\r\n"
    );
    assert_eq!(fs::read(&f).unwrap(), b"nEWer");
    // APPE with REST writes at the offset too (measured).
    run(&mut s, rest::rest, "REST 0");
    run(&mut s, rest::rest, "REST 2");
    assert_eq!(
        stor_in(&mut s, "APPE f", b"YY").2,
        "226 Transfer complete\r\n"
    );
    assert_eq!(fs::read(&f).unwrap(), b"nEYYr");
    run(&mut s, rest::rest, "REST 6");
    assert_eq!(
        stor_in(&mut s, "STOR f", b"x").2,
        "554 REST: invalid f argument\r\n"
    );
    run(&mut s, rang::rang, "RANG 1 2");
    assert_eq!(
        stor_in(&mut s, "APPE f", b"x").2,
        "550 APPE incompatible with RANG\r\n"
    );
    // STOR after RANG: the range is announced; more is refused.
    run(&mut s, rang::rang, "RANG 1 2");
    let (_, sent, reply, _) = stor_in(&mut s, "STOR f", b"QQQQ");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for f (2 bytes)\r\n"
    );
    assert_eq!(reply, "426 Transfer aborted. Operation not permitted\r\n");
    assert_eq!(
        fs::read(&f).unwrap(),
        b"nQQQQ",
        "everything written (measured)"
    );
}

#[test]
fn stor_ascii_translates() {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    let (_, sent, _, _) = stor_in(&mut s, "STOR asc", b"abc\r\ndef\r\nx\ry\r");
    assert_eq!(sent, "150 Opening ASCII mode data connection for asc\r\n");
    assert_eq!(
        fs::read(dir.path().join("asc")).unwrap(),
        b"abc\ndef\nx\ry\r"
    );
}

#[test]
fn stor_failures() {
    let mut s = session();
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    let mut h = FakeHost {
        open_errno: Some(ECONNREFUSED),
        ..FakeHost::default()
    };
    let (_, _, reply) = run_on(&mut s, &mut h, store::stor, "STOR f425");
    assert_eq!(
        reply,
        "425 Unable to build data connection: Connection refused\r\n"
    );
    assert!(
        dir.path().join("f425").exists(),
        "opened before the data connection, as 1.3.8"
    );

    let mut h = FakeHost {
        data_in: b"abc".to_vec(),
        fake_end: Some(FakeEnd::FileErrno(ENOSPC)),
        ..FakeHost::default()
    };
    let (_, _, reply) = run_on(&mut s, &mut h, store::stor, "STOR full");
    assert_eq!(reply, "452 Transfer aborted. No space left on device\r\n");

    let mut h = FakeHost {
        data_in: b"abc".to_vec(),
        fake_end: Some(FakeEnd::Aborted),
        ..FakeHost::default()
    };
    let (ret, _, reply) = run_on(&mut s, &mut h, store::stor, "STOR kept");
    assert_eq!((ret, reply.as_str()), (ModRet::Error, ""));
    assert_eq!(
        fs::read(dir.path().join("kept")).unwrap(),
        b"abc",
        "partial upload kept"
    );
}

#[test]
fn delete_aborted_stores() {
    let mut s = session_with(tree(&[&|t| {
        add(t, &keys::DELETE_ABORTED_STORES, true, Merge::Down)
    }]));
    let dir = in_temp_dir(&mut s);
    let mut h = FakeHost {
        data_in: b"abc".to_vec(),
        fake_end: Some(FakeEnd::Aborted),
        ..FakeHost::default()
    };
    run_on(&mut s, &mut h, store::stor, "STOR gone");
    assert!(!dir.path().join("gone").exists());
}

#[test]
fn max_store_file_size_cuts_back() {
    let mut s = session_with(tree(&[
        &|t| {
            add(
                t,
                &keys::MAX_STORE_FILE_SIZE,
                SizeLimit {
                    max: Some(10),
                    who: Classifier::All,
                },
                Merge::DownMulti,
            )
        },
        &|t| add(t, &keys::ALLOW_STORE_RESTART, true, Merge::Down),
    ]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("mid"), b"123456789").unwrap();
    let (_, sent, reply, _) = stor_in(&mut s, "STOR big", &[b'x'; 20]);
    assert_eq!(sent, "150 Opening BINARY mode data connection for big\r\n");
    assert_eq!(reply, "552 Transfer aborted. File too large\r\n");
    assert_eq!(fs::metadata(dir.path().join("big")).unwrap().len(), 0);
    let (_, _, reply, _) = stor_in(&mut s, "APPE mid", b"abc");
    assert_eq!(reply, "552 Transfer aborted. File too large\r\n");
    assert_eq!(fs::read(dir.path().join("mid")).unwrap(), b"123456789");
    // REST (APPE with REST writes at the offset) over a file already past
    // the limit: the first byte is too many.
    fs::write(dir.path().join("over"), [b'o'; 20]).unwrap();
    run(&mut s, rest::rest, "REST 5");
    let (_, _, reply, _) = stor_in(&mut s, "APPE over", b"x");
    assert_eq!(reply, "552 Transfer aborted. File too large\r\n");
    assert_eq!(fs::read(dir.path().join("over")).unwrap(), [b'o'; 20]);
    assert_eq!(
        stor_in(&mut s, "STOR ok", &[b'x'; 10]).2,
        "226 Transfer complete\r\n"
    );
}

#[test]
fn max_retrieve_file_size_after_the_150() {
    let mut s = session_with(tree(&[&|t| {
        add(
            t,
            &keys::MAX_RETRIEVE_FILE_SIZE,
            SizeLimit {
                max: Some(5),
                who: Classifier::User(vec!["tester".into()]),
            },
            Merge::DownMulti,
        )
    }]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::write(dir.path().join("big"), b"0123456789").unwrap();
    fs::write(dir.path().join("small"), b"01234").unwrap();
    let mut h = FakeHost::default();
    let (_, sent, reply) = run_on(&mut s, &mut h, retr::retr, "RETR big");
    assert_eq!(
        sent,
        "150 Opening BINARY mode data connection for big (10 bytes)\r\n"
    );
    assert_eq!(reply, "426 Transfer aborted. Operation not permitted\r\n");
    assert!(h.data_out.is_empty());
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR small");
    assert_eq!(reply, "226 Transfer complete\r\n");
    // The limit is for user tester only.
    s.user = Some("other".into());
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR big");
    assert_eq!(reply, "226 Transfer complete\r\n");
}

#[test]
fn hidden_stores() {
    let names = HiddenStores::default_names();
    let mut s = session_with(tree(&[&|t| {
        add(t, &keys::HIDDEN_STORES, Some(names.clone()), Merge::Down)
    }]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    fs::create_dir(dir.path().join("sub")).unwrap();
    assert_eq!(
        stor_in(&mut s, "STOR sub/up", b"abc").2,
        "226 Transfer complete\r\n"
    );
    assert_eq!(fs::read(dir.path().join("sub/up")).unwrap(), b"abc");
    assert!(!dir.path().join("sub/.in.up.").exists());

    let mut h = FakeHost {
        data_in: b"abc".to_vec(),
        fake_end: Some(FakeEnd::PeerClosed),
        ..FakeHost::default()
    };
    let (_, _, reply) = run_on(&mut s, &mut h, store::stor, "STOR part");
    assert_eq!(reply, "426 Transfer aborted. Data connection closed\r\n");
    assert!(
        !dir.path().join("part").exists(),
        "no partial file under the final name"
    );
    assert!(!dir.path().join(".in.part.").exists(), "temporary removed");

    fs::write(dir.path().join(".in.h."), b"").unwrap();
    let tmp = dir.path().join(".in.h.");
    assert_eq!(
        stor_in(&mut s, "STOR h", b"x").2,
        format!(
            "550 h: Temporary hidden file {} already exists\r\n",
            tmp.display()
        )
    );
}

#[test]
fn stou() {
    let mut s = session();
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    let mut h = FakeHost::default();
    let (ret, sent, reply) = run_on(&mut s, &mut h, store::stou, "STOU");
    assert_eq!((ret, sent.as_str()), (ModRet::Error, ""));
    let name = reply
        .strip_prefix("550 ")
        .and_then(|r| r.strip_suffix(": Overwrite permission denied\r\n"))
        .unwrap_or_else(|| panic!("{reply}"));
    assert!(name.starts_with("ftp") && name.len() == 9, "{name}");
    let meta = fs::metadata(dir.path().join(name)).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);

    let mut s = session_with(tree(&[
        &|t| add(t, &keys::ALLOW_OVERWRITE, true, Merge::Down),
        &|t| {
            add(
                t,
                &keys::STORE_UNIQUE_PREFIX,
                "pre".to_string(),
                Merge::Down,
            )
        },
    ]));
    binary(&mut s);
    let dir = in_temp_dir(&mut s);
    let mut h = FakeHost {
        data_in: b"uniq".to_vec(),
        ..FakeHost::default()
    };
    let (ret, sent, reply) = run_on(&mut s, &mut h, store::stou, "STOU ignored");
    assert_eq!(
        (ret, reply.as_str()),
        (ModRet::Handled, "226 Transfer complete\r\n")
    );
    let name = sent
        .strip_prefix("150 FILE: ")
        .and_then(|r| r.strip_suffix("\r\n"))
        .unwrap_or_else(|| panic!("{sent}"));
    assert!(name.starts_with("pre") && name.len() == 9, "{name}");
    assert_eq!(fs::read(dir.path().join(name)).unwrap(), b"uniq");

    run(&mut s, rest::rest, "REST 2");
    let (_, _, reply) = run_on(&mut s, &mut FakeHost::default(), store::stou, "STOU");
    assert_eq!(reply, "550 STOU incompatible with REST\r\n");
}

#[test]
fn transfer_rate_picks_the_first_matching_line() {
    use super::transfer::options;
    let rate = |cmds: &[&str], kbps: f64, who: Classifier| TransferRate {
        commands: cmds.iter().map(|c| c.to_string()).collect(),
        kbps,
        free_bytes: 100,
        who,
    };
    let a = rate(&["STOR"], 1.0, Classifier::All);
    let b = rate(&["RETR"], 2.0, Classifier::User(vec!["!tester".into()]));
    let c = rate(&["RETR", "APPE"], 4.0, Classifier::All);
    let s = session_with(tree(&[
        &|t| add(t, &keys::TRANSFER_RATE, a.clone(), Merge::DownMulti),
        &|t| add(t, &keys::TRANSFER_RATE, b.clone(), Merge::DownMulti),
        &|t| add(t, &keys::TRANSFER_RATE, c.clone(), Merge::DownMulti),
    ]));
    let r = options(&s, "RETR").rate.expect("a rate");
    assert_eq!((r.bytes_per_sec, r.free_bytes), (4096, 100));
    assert_eq!(
        options(&s, "STOR").rate.map(|r| r.bytes_per_sec),
        Some(1024)
    );
    assert_eq!(options(&s, "STOU").rate, None);
    assert!(options(&s, "RETR").ascii, "TYPE A by default");
}

/// A session whose TransferLog is a file in its temporary directory.
fn logging_session(
    extra: &[&dyn Fn(&mut proftpd_api::config::ConfigTree)],
) -> (
    proftpd_api::session::Session,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let mut s = session();
    let dir = in_temp_dir(&mut s);
    let log = dir.path().join("xfer.log");
    let target = keys::TransferLogTarget::File(log.clone());
    let mut t = tree(extra);
    add(&mut t, &keys::TRANSFER_LOG, target, Merge::Down);
    let cwd = s.cwd.clone();
    let mut s = session_with(t);
    s.cwd = cwd;
    s.peer_name = "localhost".into();
    crate::xferlog::open_for(&mut s);
    assert!(s.state::<XferState>().log.is_some(), "log opened");
    (s, dir, log)
}

/// The log's lines without their timestamp (the first five words).
fn log_lines(log: &std::path::Path) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| l.splitn(6, ' ').nth(5).unwrap_or("").to_string())
        .collect()
}

#[test]
fn transfers_and_deletions_are_logged() {
    let (mut s, dir, log) = logging_session(&[]);
    let d = dir.path().display().to_string();
    fs::write(dir.path().join("a b.txt"), b"0123456789\n").unwrap();
    run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR a b.txt");
    binary(&mut s);
    let mut h = FakeHost {
        data_in: b"abc".to_vec(),
        ..FakeHost::default()
    };
    run_on(&mut s, &mut h, store::stor, "STOR new");
    let mut h = FakeHost {
        open_errno: Some(ECONNREFUSED),
        ..FakeHost::default()
    };
    run_on(&mut s, &mut h, retr::retr, "RETR a b.txt");
    let mut h = FakeHost {
        fake_end: Some(FakeEnd::Aborted),
        ..FakeHost::default()
    };
    run_on(&mut s, &mut h, retr::retr, "RETR a b.txt");
    // Not logged: refused before any data connection.
    run_on(&mut s, &mut FakeHost::default(), retr::retr, "RETR nope");

    // DELE: mod_core deletes, the hooks log.
    s.transfer_type = TransferType::Ascii;
    let mut h = FakeHost::default();
    let (ret, _, _) = run_on(&mut s, &mut h, super::hooks::dele_pre, "DELE new");
    assert_eq!(ret, ModRet::Declined);
    fs::remove_file(dir.path().join("new")).unwrap();
    run_on(&mut s, &mut h, super::hooks::dele_log, "DELE new");
    run_on(&mut s, &mut h, super::hooks::dele_pre, "DELE nope");
    run_on(&mut s, &mut h, super::hooks::dele_log_err, "DELE nope");

    assert_eq!(
        log_lines(&log),
        [
            format!("0 localhost 11 {d}/a_b.txt a _ o r tester ftp 0 * c"),
            format!("0 localhost 3 {d}/new b _ i r tester ftp 0 * c"),
            format!("0 localhost 0 {d}/a_b.txt b _ o r tester ftp 0 * i"),
            format!("0 localhost 11 {d}/a_b.txt b _ o r tester ftp 0 * i"),
            format!("0 localhost 3 {d}/new a _ d r tester ftp 0 * c"),
        ]
    );
}

#[test]
fn transfer_log_none_and_unusable_paths() {
    let mut s = session_with(tree(&[&|t| {
        add(
            t,
            &keys::TRANSFER_LOG,
            keys::TransferLogTarget::None,
            Merge::Down,
        )
    }]));
    crate::xferlog::open_for(&mut s);
    assert!(s.state::<XferState>().log.is_none());
    for bad in ["relative.log", "/tmp/world-writable-dir.log"] {
        let mut s = session_with(tree(&[&|t| {
            add(
                t,
                &keys::TRANSFER_LOG,
                keys::TransferLogTarget::File(bad.into()),
                Merge::Down,
            )
        }]));
        crate::xferlog::open_for(&mut s);
        assert!(s.state::<XferState>().log.is_none(), "{bad}");
    }
}

#[test]
fn default_transfer_mode_applies_at_login() {
    let mut s = session_with(tree(&[&|t| {
        add(
            t,
            &keys::DEFAULT_TRANSFER_MODE,
            TransferType::Binary,
            Merge::Down,
        )
    }]));
    s.transfer_type = TransferType::Ascii;
    run(&mut s, super::hooks::pass_post, "PASS x");
    assert_eq!(s.transfer_type, TransferType::Binary);
    // Without the directive a TYPE sent before login stays.
    let mut s = session();
    s.transfer_type = TransferType::Binary;
    run(&mut s, super::hooks::pass_post, "PASS x");
    assert_eq!(s.transfer_type, TransferType::Binary);
}

#[test]
fn feat_lines_and_help() {
    // TransferLog NONE: the built-in /var/log/xferlog stays untouched.
    let mut s = session_with(tree(&[&|t| {
        add(
            t,
            &keys::TRANSFER_LOG,
            keys::TransferLogTarget::None,
            Merge::Down,
        )
    }]));
    let mut h = FakeHost::default();
    (crate::MODULE.sess_init.expect("sess_init"))(&mut s, &mut h).expect("sess_init runs");
    assert!(s.features.contains("REST STREAM"));
    assert!(s.features.contains("RANG STREAM"));
    let names: Vec<&str> = crate::HELP.iter().map(|e| e.command).collect();
    assert_eq!(
        names,
        [
            "TYPE", "STRU", "MODE", "RETR", "STOR", "STOU", "APPE", "REST", "ABOR", "RANG"
        ]
    );
}
