//! LIST, NLST and STAT against a fixture directory and the fake host: the
//! exact bytes 1.3.8 sends for the same directory (measured with
//! /usr/sbin/proftpd 1.3.8 on the same layout).

use proftpd_api::config::ConfigTree;
use proftpd_api::module::ModRet;
use proftpd_api::testing::FakeHost;

use crate::keys::*;
use crate::testutil::{T2019, dir_line, exec, fixture, session_in, tree};

const OPEN: &str = "150 Opening ASCII mode data connection for file list\r\n";
const DONE: &str = "226 Transfer complete\r\n";

fn plain(base: &[u8]) -> String {
    [
        "-rw-r--r--   1 demo     demo            6 Jan  2  2020 a.txt\r\n".to_string(),
        "-rwsr-xr-x   1 demo     demo            3 Jul  4  2019 b.txt\r\n".into(),
        "-rw-r--r--   1 demo     demo         5000 Jul  4  2019 big.dat\r\n".into(),
        "lrwxrwxrwx   1 demo     demo            7 Jul  4  2019 dangling -> nowhere\r\n".into(),
        dir_line(base, "emptyd", "rwxrwxrwt", "emptyd"),
        "lrwxrwxrwx   1 demo     demo            5 Jul  4  2019 link -> a.txt\r\n".into(),
        dir_line(base, "sub", "rwxr-xr-x", "sub"),
    ]
    .concat()
}

#[test]
fn list_of_the_current_directory() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let r = exec(&mut s, &mut h, "LIST");
    assert_eq!(r.ret, ModRet::Handled);
    assert_eq!(r.control, format!("{OPEN}{DONE}"));
    assert_eq!(r.data, plain(&base));
    assert_eq!(h.closes, 1);
    // Options that change nothing visible here, and the same by path.
    assert_eq!(exec(&mut s, &mut h, "LIST -l").data, plain(&base));
    assert_eq!(exec(&mut s, &mut h, "LIST -r").data, plain(&base));
    let abs = String::from_utf8_lossy(&base).into_owned();
    assert_eq!(
        exec(&mut s, &mut h, &format!("LIST {abs}")).data,
        plain(&base)
    );
    // TYPE I changes the word in the 150.
    s.transfer_type = proftpd_api::session::TransferType::Binary;
    assert!(
        exec(&mut s, &mut h, "LIST")
            .control
            .starts_with("150 Opening BINARY mode")
    );
}

#[test]
fn dot_files_and_dot_links() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let data = exec(&mut s, &mut h, "LIST -a").data;
    let names: Vec<&str> = data
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap_or(""))
        .collect();
    // strcmp order; `dotlink -> .` is left out, as 1.3.8 does.
    assert_eq!(
        names,
        [
            ".", "..", ".dot", "a.txt", "b.txt", "big.dat", "nowhere", "emptyd", "a.txt", "sub"
        ]
    );
    let data = exec(&mut s, &mut h, "LIST -A").data;
    assert!(data.starts_with("-rw-r--r--   1 demo     demo            0 Jul  4  2019 .dot\r\n"));
}

#[test]
fn missing_paths_and_data_connection_failures() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let r = exec(&mut s, &mut h, "LIST nosuch");
    assert_eq!(r.ret, ModRet::Error);
    assert_eq!(
        r.control,
        format!("{OPEN}450 nosuch: No such file or directory\r\n")
    );
    assert_eq!(h.closes, 1);
    // Two spaces after the options: the path keeps the second (1.3.8).
    let r = exec(&mut s, &mut h, "LIST -a  emptyd");
    assert_eq!(
        r.control,
        format!("{OPEN}450  emptyd: No such file or directory\r\n")
    );
    // NLST checks first: no 150.
    h.data_setup_pending = true;
    let r = exec(&mut s, &mut h, "NLST -a nosuch");
    assert_eq!(r.control, "450 -a nosuch: No such file or directory\r\n");
    assert!(!h.data_setup_pending, "the pending PASV is dropped");
    assert_eq!(
        exec(&mut s, &mut h, "NLST *.zz").control,
        "450 No files found\r\n"
    );
    let r = exec(&mut s, &mut h, "NLST ../x");
    assert_eq!(r.control, "450 ../x: No such file or directory\r\n");
    // No data connection: 425.
    h.open_errno = Some(nix::libc::ECONNREFUSED);
    let r = exec(&mut s, &mut h, "LIST");
    assert_eq!(r.ret, ModRet::Error);
    assert_eq!(
        r.control,
        "425 Unable to build data connection: Connection refused\r\n"
    );
    h.open_errno = None;
    // The client goes away mid-listing.
    h.fake_end = Some(proftpd_api::testing::FakeEnd::PeerClosed);
    let r = exec(&mut s, &mut h, "LIST");
    assert_eq!(
        r.control,
        format!("{OPEN}426 Transfer aborted. Data connection closed\r\n")
    );
}

#[test]
fn no_error_if_absent() {
    let (_t, base) = fixture();
    let t = tree(|t| {
        crate::testutil::add(
            t,
            &LIST_OPTIONS,
            ListOptions {
                opts: b"-a".to_vec(),
                no_error_if_absent: true,
                ..ListOptions::default()
            },
        )
    });
    let mut s = session_in(&base, t);
    let mut h = FakeHost::default();
    assert_eq!(
        exec(&mut s, &mut h, "LIST nosuch").control,
        format!("{OPEN}{DONE}")
    );
    assert_eq!(
        exec(&mut s, &mut h, "NLST nosuch").control,
        format!("{OPEN}226-Transfer complete\r\n{DONE}")
    );
}

#[test]
fn nlst_names() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let sorted = |d: String| {
        let mut v: Vec<String> = d
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    let r = exec(&mut s, &mut h, "NLST");
    assert_eq!(r.control, format!("{OPEN}{DONE}"));
    // Directory order; no dot files, no broken link; dotlink stays.
    assert_eq!(
        sorted(r.data),
        [
            "a.txt", "b.txt", "big.dat", "dotlink", "emptyd", "link", "sub"
        ]
    );
    assert_eq!(
        sorted(exec(&mut s, &mut h, "NLST sub").data),
        ["sub/deep", "sub/z.txt"]
    );
    assert_eq!(
        sorted(exec(&mut s, &mut h, "NLST ./sub/").data),
        ["sub/deep", "sub/z.txt"]
    );
    assert_eq!(
        sorted(exec(&mut s, &mut h, "NLST -1 sub").data),
        ["deep", "z.txt"]
    );
    assert_eq!(exec(&mut s, &mut h, "NLST sub/z.txt").data, "sub/z.txt\r\n");
    assert_eq!(
        exec(&mut s, &mut h, "NLST *.txt").data.len(),
        "a.txt\r\nb.txt\r\n".len()
    );
    let r = exec(&mut s, &mut h, "NLST emptyd");
    assert_eq!(
        (r.control, r.data),
        (format!("{OPEN}{DONE}"), String::new())
    );
    assert_eq!(
        exec(&mut s, &mut h, "NLST */*").data.len(),
        "sub/deep\r\nsub/z.txt\r\n".len()
    );
}

#[test]
fn stat_of_a_path() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    assert_eq!(
        exec(&mut s, &mut h, "STAT a.txt").control,
        "213-Status of a.txt:\r\n -rw-r--r--   1 demo     demo            6 Jan  2  2020 a.txt\r\n\
         213 End of status\r\n"
    );
    assert_eq!(
        exec(&mut s, &mut h, "STAT link").control,
        "213-Status of link:\r\n lrwxrwxrwx   1 demo     demo            5 Jul  4  2019 link -> a.txt\r\n\
         213 End of status\r\n"
    );
    let r = exec(&mut s, &mut h, "STAT emptyd");
    assert!(
        r.control
            .starts_with("212-Status of emptyd:\r\n drwxrwxrwt "),
        "{}",
        r.control
    );
    assert!(
        r.control.ends_with(" ..\r\n212 End of status\r\n"),
        "{}",
        r.control
    );
    assert_eq!(
        exec(&mut s, &mut h, "STAT nosuch").control,
        "450 nosuch: No such file or directory\r\n"
    );
    assert_eq!(
        exec(&mut s, &mut h, "STAT dangling").control,
        "450 dangling: No such file or directory\r\n"
    );
    assert!(h.opened.is_empty(), "STAT never opens a data connection");
    // Flags a LIST left behind apply to STAT, as on 1.3.8.
    exec(&mut s, &mut h, "LIST -n");
    let uid = nix::unistd::getuid().as_raw();
    let r = exec(&mut s, &mut h, "STAT a.txt");
    assert!(
        r.control.contains(&format!(" 1 {uid:<8} ")),
        "{}",
        r.control
    );
    exec(&mut s, &mut h, "LIST -1");
    assert_eq!(
        exec(&mut s, &mut h, "STAT a.txt").control,
        "213-Status of a.txt:\r\n a.txt\r\n213 End of status\r\n"
    );
}

#[test]
fn sort_orders_and_sticky_unsorted() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let names = |d: &str| -> Vec<String> {
        d.lines()
            .map(|l| l.rsplit(' ').next().unwrap_or("").to_string())
            .collect()
    };
    // -S: biggest first, ties in name order (stable).
    let got = names(&exec(&mut s, &mut h, "LIST -S").data);
    assert_eq!(got[0], "big.dat");
    assert_eq!(&got[got.len() - 2..], ["a.txt", "b.txt"]);
    // -t: newest first; a.txt (2020) leads, the 2019 entries keep name order.
    let got = names(&exec(&mut s, &mut h, "LIST -t").data);
    assert_eq!(
        got,
        [
            "a.txt", "b.txt", "big.dat", "nowhere", "emptyd", "a.txt", "sub"
        ]
    );
    let got = names(&exec(&mut s, &mut h, "LIST -tr").data);
    assert_eq!(
        got,
        [
            "b.txt", "big.dat", "nowhere", "emptyd", "a.txt", "sub", "a.txt"
        ]
    );
    // -U stays for later listings (1.3.8 never clears it).
    exec(&mut s, &mut h, "LIST -U");
    assert!(s.state::<super::common::LsState>().flags.big_u);
}

#[test]
fn recursion_limits_and_columns() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let data = exec(&mut s, &mut h, "LIST -R").data;
    assert!(data.starts_with(&plain(&base)));
    let rest = &data[plain(&base).len()..];
    let expect = format!(
        "\r\nemptyd:\r\n\r\nsub:\r\n{}-rw-r--r--   1 demo     demo            2 Jul  4  2019 z.txt\r\n\
         \r\nsub/deep:\r\n-rw-r--r--   1 demo     demo            2 Jul  4  2019 y.txt\r\n",
        dir_line(&base, "sub/deep", "rwxr-xr-x", "deep")
    );
    assert_eq!(rest, expect);
    assert_eq!(
        exec(&mut s, &mut h, "LIST -CF").data,
        "a.txt\t\tbig.dat\t\temptyd/\t\tsub/\r\nb.txt*\t\tdangling@\tlink@\r\n"
    );
    assert_eq!(
        exec(&mut s, &mut h, "LIST -1").data,
        "a.txt\r\nb.txt\r\nbig.dat\r\ndangling\r\nemptyd\r\nlink\r\nsub\r\n"
    );

    let limited = |lo: ListOptions| {
        let t = tree(|t| crate::testutil::add(t, &LIST_OPTIONS, lo));
        session_in(&base, t)
    };
    let mut s2 = limited(ListOptions {
        maxfiles: 2,
        ..ListOptions::default()
    });
    assert_eq!(exec(&mut s2, &mut h, "LIST").data.lines().count(), 2);
    // NLST stops one later (1.3.8 counts after sending).
    assert_eq!(exec(&mut s2, &mut h, "NLST").data.lines().count(), 3);
    let mut s3 = limited(ListOptions {
        maxdepth: 1,
        ..ListOptions::default()
    });
    let data = exec(&mut s3, &mut h, "LIST -R").data;
    assert_eq!(data, format!("{}\r\nemptyd:\r\n", plain(&base)));
    let mut s4 = limited(ListOptions {
        maxdirs: 2,
        ..ListOptions::default()
    });
    assert_eq!(
        exec(&mut s4, &mut h, "LIST -R").data,
        format!("{}\r\nemptyd:\r\n", plain(&base))
    );
}

#[test]
fn globs() {
    let (_t, base) = fixture();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let data = exec(&mut s, &mut h, "LIST *.txt").data;
    assert_eq!(
        data,
        "-rw-r--r--   1 demo     demo            6 Jan  2  2020 a.txt\r\n\
         -rwsr-xr-x   1 demo     demo            3 Jul  4  2019 b.txt\r\n"
    );
    // A matching directory is an entry, not entered.
    assert_eq!(
        exec(&mut s, &mut h, "LIST s*").data,
        dir_line(&base, "sub", "rwxr-xr-x", "sub")
    );
    let r = exec(&mut s, &mut h, "LIST *.nomatch");
    assert_eq!(
        (r.control, r.data),
        (format!("{OPEN}{DONE}"), String::new())
    );
    let deep = ["*"; 12].join("/");
    assert_eq!(
        exec(&mut s, &mut h, &format!("LIST {deep}")).control,
        format!("{OPEN}226-Out of memory during globbing of {deep}\r\n{DONE}")
    );
    // UseGlobbing off: the pattern is a name; 1.3.8 skips its existence
    // check for anything that looks like a pattern, so nothing is listed.
    let t = tree(|t| crate::testutil::add(t, &USE_GLOBBING, false));
    let mut s = session_in(&base, t);
    let r = exec(&mut s, &mut h, "LIST *.txt");
    assert_eq!(
        (r.control, r.data),
        (format!("{OPEN}{DONE}"), String::new())
    );
}

#[test]
fn fake_ids_modes_links_and_styles() {
    let (_t, base) = fixture();
    let t = tree(|t| {
        crate::testutil::add(t, &SHOW_SYMLINKS, false);
        crate::testutil::add(t, &DIR_FAKE_USER, Some("ftp".to_string()));
        crate::testutil::add(t, &DIR_FAKE_GROUP, Some("~".to_string()));
        crate::testutil::add(t, &DIR_FAKE_MODE, 0o640);
    });
    let mut s = session_in(&base, t);
    let (uid, gid) = (
        nix::unistd::getuid().as_raw(),
        nix::unistd::getgid().as_raw(),
    );
    s.identity = Some(proftpd_api::session::Identity {
        user: "demo".into(),
        uid,
        gid,
        groups: vec![gid],
        chroot: None,
        chdir: std::path::PathBuf::from("/"),
        root_revoke: false,
        caps: Default::default(),
    });
    let mut h = FakeHost::default();
    let data = exec(&mut s, &mut h, "LIST").data;
    let lines: Vec<&str> = data.lines().collect();
    assert_eq!(
        lines[1],
        "-rw-r-----   1 ftp      demo            3 Jul  4  2019 b.txt"
    );
    assert!(lines[3].starts_with("drwxr-x---"), "{}", lines[3]);
    // ShowSymlinks off: the target's attributes under the link's name;
    // the broken link is gone.
    assert_eq!(
        lines[4],
        "-rw-r-----   1 ftp      demo            6 Jan  2  2020 link"
    );
    assert_eq!(lines.len(), 6);

    let t = tree(|t| crate::testutil::add(t, &LIST_STYLE, ListStyle::Windows));
    let mut s = session_in(&base, t);
    let data = exec(&mut s, &mut h, "LIST").data;
    let lines: Vec<&str> = data.lines().collect();
    assert_eq!(lines[0], "01-02-20  03:04                    6 a.txt");
    assert_eq!(lines[4], "07-04-19  12:00       <DIR>          emptyd");
}

#[test]
fn recent_files_show_the_time_of_day() {
    let (_t, base) = fixture();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let p = std::path::Path::new(std::ffi::OsStr::new(
        &String::from_utf8_lossy(&base).into_owned(),
    ))
    .join("a.txt");
    let when = now - 3600;
    let ts = nix::sys::time::TimeSpec::new(when, 0);
    nix::sys::stat::utimensat(
        nix::fcntl::AT_FDCWD,
        &p,
        &ts,
        &ts,
        nix::sys::stat::UtimensatFlags::NoFollowSymlink,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // An independent clock: date(1).
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{when}"), "+%b %e %H:%M"])
        .output()
        .unwrap_or_else(|e| panic!("date: {e}"));
    let want = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    let mut s = session_in(&base, ConfigTree::new());
    let mut h = FakeHost::default();
    let r = exec(&mut s, &mut h, "STAT a.txt");
    assert!(
        r.control.contains(&format!("            6 {want} a.txt")),
        "{} / {want}",
        r.control
    );
    let _ = T2019;
}
