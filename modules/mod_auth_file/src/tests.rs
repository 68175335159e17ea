use std::path::PathBuf;

use proftpd_api::config::{ConfigTree, ContextKind, Origin};
use proftpd_api::session::Session;
use proftpd_api::testing::{FakeHost, session_over};

use super::*;
// The check function both modules list in their auth table.
use proftpd_api::auth::{AuthCode, crypt_check as check};

const PASSWD: &str = "\
# virtual users
alice:plain=wonder:2001:2001:Alice:/srv/ftp/alice:/bin/sh
bob:plain=builder:2002:2001::/home/bob:/bin/false

broken:line
carol:plain=x:notanumber:1::/:/bin/sh
root2:plain=r:0:0::/root:/bin/sh
dave:!plain=d:2003:2001::/srv/ftp/dave:/bin/sh
";

const GROUP: &str = "\
users:x:2001:
staff:x:3000:alice,bob
wheel:x:10:bob
";

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn session_with(user_args: &[&str], group_args: Option<&[&str]>) -> Session {
    let mut tree = ConfigTree::new();
    let main = tree.main_server();
    let spec = parse::user_file_spec(&args(user_args)).unwrap_or_else(|e| panic!("{e}"));
    tree.add(
        main,
        &AUTH_USER_FILE,
        spec,
        vec![],
        Merge::Down,
        Origin::default(),
    );
    if let Some(g) = group_args {
        let spec = parse::group_file_spec(&args(g)).unwrap_or_else(|e| panic!("{e}"));
        tree.add(
            main,
            &AUTH_GROUP_FILE,
            spec,
            vec![],
            Merge::Down,
            Origin::default(),
        );
    }
    session_over(&[], tree)
}

fn host() -> FakeHost {
    // "crypt" is `plain=<password>`; files are served from memory only.
    let mut h = FakeHost::with_plain_crypt("plain=");
    h.add_file("/etc/ftpd.passwd", PASSWD);
    h.add_file("/etc/ftpd.group", GROUP);
    h
}

/// name, uid, gid, home.
type UserFields<'a> = Option<(&'a str, u32, u32, &'a str)>;

#[test]
fn user_lines() {
    let table: &[(&str, UserFields<'_>)] = &[
        ("a:h:1:2:g:/d:/s", Some(("a", 1, 2, "/d"))),
        ("a::1:2:::", Some(("a", 1, 2, ""))),
        ("a:h:1:2:g:/d", None),
        ("a:h:1:2:g:/d:/s:extra", None),
        (":h:1:2:g:/d:/s", None),
        ("a:h:-1:2:g:/d:/s", None),
        ("a:h:1:x:g:/d:/s", None),
        ("a:h:4294967296:2:g:/d:/s", None),
    ];
    for (line, want) in table {
        let got = parse_user_line(line).map(|p| (p.name.clone(), p.uid, p.gid, p.dir.clone()));
        let want = want.map(|(n, u, g, d)| (n.to_string(), u, g, d.to_string()));
        assert_eq!(got, want, "{line}");
    }
}

use parse::{parse_group_line, parse_user_line};

#[test]
fn group_lines() {
    let g = parse_group_line("staff:x:3000:alice, bob,,").unwrap_or_else(|| panic!("parse"));
    assert_eq!(g.members, ["alice", "bob"]);
    assert_eq!(parse_group_line("staff:x:3000").map(|g| g.gid), None);
    assert_eq!(
        parse_group_line("staff:x:3000:").map(|g| g.members.len()),
        Some(0)
    );
}

#[test]
fn whole_files_skip_bad_lines_and_comments() {
    let users = parse::parse_users(PASSWD.as_bytes());
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "root2", "dave"]);
    assert_eq!(
        parse::parse_users(b"a:h:1:2:g:/d:/s\r\n\xff\xfe:x\n")[0].shell,
        "/s"
    );
    assert_eq!(parse::parse_groups(GROUP.as_bytes()).len(), 3);
}

#[test]
fn directive_arguments() {
    let s = parse::user_file_spec(&args(&[
        "/etc/p",
        "id",
        "1000-1999",
        "home",
        "^/srv/",
        "name",
        "!^adm",
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.ids,
        Some(IdRange {
            min: 1000,
            max: 1999
        })
    );
    assert!(
        s.home
            .as_ref()
            .is_some_and(|f| f.passes("/srv/x") && !f.passes("/home/x"))
    );
    assert!(
        s.name
            .as_ref()
            .is_some_and(|f| f.passes("bob") && !f.passes("admin"))
    );

    for bad in [
        &["relative/path"][..],
        &["/p", "id"],
        &["/p", "id", "9-1"],
        &["/p", "id", "x-1"],
        &["/p", "id", "5"],
        &["/p", "home", "("],
        &["/p", "shell", "x"],
    ] {
        assert!(parse::user_file_spec(&args(bad)).is_err(), "{bad:?}");
    }
    assert!(parse::group_file_spec(&args(&["/g", "home", "x"])).is_err());
    assert!(parse::group_file_spec(&args(&["/g", "id", "1-5", "name", "^s"])).is_ok());
}

#[test]
fn lookups_and_auth() {
    let mut s = session_with(&["/etc/ftpd.passwd"], Some(&["/etc/ftpd.group"]));
    let mut h = host();
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert!(matches!(getpwnam(&mut ctx, "alice"), AuthAnswer::Found(p) if p.uid == 2001));
    assert_eq!(getpwnam(&mut ctx, "nobody-here"), AuthAnswer::Declined);
    assert!(matches!(getpwuid(&mut ctx, 2002), AuthAnswer::Found(p) if p.name == "bob"));
    assert!(matches!(getgrnam(&mut ctx, "staff"), AuthAnswer::Found(g) if g.gid == 3000));
    assert!(matches!(getgrgid(&mut ctx, 10), AuthAnswer::Found(g) if g.name == "wheel"));
    match getgroups(&mut ctx, "bob", 2001) {
        AuthAnswer::Found(gs) => {
            let gids: Vec<u32> = gs.iter().map(|g| g.gid).collect();
            assert_eq!(gids, [2001, 3000, 10]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(auth(&mut ctx, "alice", b"wonder"), AuthAnswer::Found(()));
    assert_eq!(
        auth(&mut ctx, "alice", b"Wonder"),
        AuthAnswer::Failed(AuthCode::BadPassword)
    );
    assert_eq!(
        auth(&mut ctx, "dave", b"d"),
        AuthAnswer::Failed(AuthCode::BadPassword)
    );
    assert_eq!(auth(&mut ctx, "stranger", b"x"), AuthAnswer::Declined);
    assert_eq!(check(&mut ctx, "plain=q", "x", b"q"), AuthAnswer::Found(()));
    // Each file was read once for the whole session.
    assert_eq!(h.reads, 2);
}

#[test]
fn restrictions_hide_entries() {
    let mut s = session_with(
        &["/etc/ftpd.passwd", "id", "1000-2999", "home", "^/srv/ftp/"],
        Some(&["/etc/ftpd.group", "name", "!^wheel$"]),
    );
    let mut h = host();
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert!(matches!(getpwnam(&mut ctx, "alice"), AuthAnswer::Found(_)));
    // bob's home is outside /srv/ftp/, root2's uid outside the range.
    assert_eq!(getpwnam(&mut ctx, "bob"), AuthAnswer::Declined);
    assert_eq!(getpwnam(&mut ctx, "root2"), AuthAnswer::Declined);
    assert_eq!(auth(&mut ctx, "root2", b"r"), AuthAnswer::Declined);
    assert_eq!(getgrnam(&mut ctx, "wheel"), AuthAnswer::Declined);
}

#[test]
fn no_files_configured_declines() {
    let mut s = session_over(&[], ConfigTree::new());
    let mut h = host();
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert_eq!(getpwnam(&mut ctx, "alice"), AuthAnswer::Declined);
    assert_eq!(getgroups(&mut ctx, "alice", 1), AuthAnswer::Declined);
    assert_eq!(auth(&mut ctx, "alice", b"wonder"), AuthAnswer::Declined);
    assert_eq!(h.reads, 0);
}

#[test]
fn unreadable_file_declines() {
    let mut s = session_with(&["/etc/missing"], None);
    let mut h = host();
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert_eq!(getpwnam(&mut ctx, "alice"), AuthAnswer::Declined);
    assert_eq!(getpwnam(&mut ctx, "alice"), AuthAnswer::Declined);
    assert_eq!(h.reads, 1);
}

#[test]
fn directive_handlers_store_specs() {
    let mut tree = ConfigTree::new();
    let main = tree.main_server();
    let a = args(&["/etc/ftpd.passwd", "id", "1-2"]);
    let mut d = DirectiveCtx {
        name: "AuthUserFile",
        args: &a,
        context: ContextKind::Server,
        origin: Origin::default(),
        tree: &mut tree,
        ctx: main,
    };
    set_user_file(&mut d).unwrap_or_else(|e| panic!("{e}"));
    let bad = args(&["ftpd.passwd"]);
    d.args = &bad;
    let err = set_user_file(&mut d).err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("AuthUserFile: unable to use relative path for 'ftpd.passwd' on line 0 of ''")
    );
    let opts = args(&["insecureperms"]);
    d.args = &opts;
    set_file_options(&mut d).unwrap_or_else(|e| panic!("{e}"));
    let unknown = args(&["Bogus"]);
    d.args = &unknown;
    let err = set_file_options(&mut d).err().map(|e| e.to_string());
    // d.name is still AuthUserFile: only the text after it comes from option_args.
    assert_eq!(
        err.as_deref(),
        Some("AuthUserFile: unknown AuthFileOption: 'Bogus' on line 0 of ''")
    );
    assert_eq!(
        tree.get(main, &AUTH_USER_FILE).map(|s| s.path.clone()),
        Some(PathBuf::from("/etc/ftpd.passwd"))
    );
    assert_eq!(
        tree.get(main, &AUTH_FILE_OPTIONS).cloned(),
        Some(vec!["InsecurePerms".to_string()])
    );
}

#[test]
fn names_map_the_files_entries() {
    let mut s = session_with(&["/etc/ftpd.passwd"], Some(&["/etc/ftpd.group"]));
    let mut h = host();
    let maps = names(&mut AuthCtx {
        session: &mut s,
        host: &mut h,
    });
    assert_eq!(maps.user(2001), Some("alice"));
    assert_eq!(maps.user(0), Some("root2"));
    assert_eq!(maps.group(3000), Some("staff"));
    assert_eq!(maps.group(10), Some("wheel"));
    assert_eq!(maps.user(4242), None);

    // No files configured: no names.
    let mut s = session_over(&[], ConfigTree::new());
    let maps = names(&mut AuthCtx {
        session: &mut s,
        host: &mut h,
    });
    assert_eq!(maps, NameMaps::default());
}
