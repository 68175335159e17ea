use proftpd_api::config::ConfigTree;
use proftpd_api::session::{Session, Shadow};
use proftpd_api::testing::{FakeHost, session_over};

use super::*;
// The check function both modules list in their auth table.
use proftpd_api::auth::crypt_check as check;

/// A host whose "crypt" is `plain:<password>` and whose shadow is at most
/// one fixed entry, so the auth logic is tested without root or libcrypt.
fn host(shadow: Option<Shadow>) -> FakeHost {
    FakeHost {
        shadows: shadow.into_iter().collect(),
        ..FakeHost::with_plain_crypt("plain:")
    }
}

fn session() -> Session {
    session_over(&[], ConfigTree::new())
}

fn shadow(hash: &str) -> Shadow {
    Shadow {
        name: "root".into(),
        hash: hash.into(),
        last_change: None,
        max_days: None,
        inactive_days: None,
        expire: None,
    }
}

#[test]
fn root_is_found_and_strangers_are_declined() {
    let mut s = session();
    let mut h = host(None);
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    match getpwnam(&mut ctx, "root") {
        AuthAnswer::Found(pw) => {
            assert_eq!(pw.uid, 0);
            assert_eq!(pw.name, "root");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(getpwnam(&mut ctx, "no-such-user-rs"), AuthAnswer::Declined);
    assert!(matches!(getpwuid(&mut ctx, 0), AuthAnswer::Found(p) if p.name == "root"));
    assert!(matches!(getgrgid(&mut ctx, 0), AuthAnswer::Found(g) if g.gid == 0));
    assert!(matches!(getgrnam(&mut ctx, "root"), AuthAnswer::Found(g) if g.gid == 0));
    assert_eq!(getgrnam(&mut ctx, "no-such-group-rs"), AuthAnswer::Declined);
    match getgroups(&mut ctx, "root", 0) {
        AuthAnswer::Found(gs) => assert!(gs.iter().any(|g| g.gid == 0)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        getgroups(&mut ctx, "no-such-user-rs", 0),
        AuthAnswer::Declined
    );
    assert_eq!(getgroups(&mut ctx, "ro\0ot", 0), AuthAnswer::Declined);
}

#[test]
fn auth_checks_the_shadow_hash() {
    let mut s = session();
    let mut h = host(Some(shadow("plain:secret")));
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert_eq!(auth(&mut ctx, "root", b"secret"), AuthAnswer::Found(()));
    assert_eq!(
        auth(&mut ctx, "root", b"wrong"),
        AuthAnswer::Failed(AuthCode::BadPassword)
    );
    assert_eq!(
        auth(&mut ctx, "no-such-user-rs", b"x"),
        AuthAnswer::Declined
    );
    assert_eq!(
        check(&mut ctx, "plain:a", "root", b"a"),
        AuthAnswer::Found(())
    );
    assert_eq!(
        check(&mut ctx, "plain:a", "root", b"b"),
        AuthAnswer::Failed(AuthCode::BadPassword)
    );
}

#[test]
fn no_shadow_and_no_hash_fails() {
    let mut s = session();
    let mut h = host(None);
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    // root's passwd field is "x" on any shadow system.
    assert_eq!(
        auth(&mut ctx, "root", b""),
        AuthAnswer::Failed(AuthCode::BadPassword)
    );
}

#[test]
fn expired_accounts_are_refused_after_a_good_password() {
    let mut s = session();
    let mut sp = shadow("plain:secret");
    sp.expire = Some(1);
    let mut h = host(Some(sp));
    let mut ctx = AuthCtx {
        session: &mut s,
        host: &mut h,
    };
    assert_eq!(
        auth(&mut ctx, "root", b"secret"),
        AuthAnswer::Failed(AuthCode::AccountDisabled)
    );
}

#[test]
fn shadow_age_rules() {
    let base = shadow("h");
    let with = |f: &dyn Fn(&mut Shadow)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    let table: Vec<(Shadow, i64, Option<AuthCode>)> = vec![
        (base.clone(), 20_000, None),
        (
            with(&|s| s.expire = Some(19_999)),
            20_000,
            Some(AuthCode::AccountDisabled),
        ),
        (
            with(&|s| s.expire = Some(20_000)),
            20_000,
            Some(AuthCode::AccountDisabled),
        ),
        (with(&|s| s.expire = Some(20_001)), 20_000, None),
        (with(&|s| s.expire = Some(0)), 20_000, None),
        (
            with(&|s| {
                s.last_change = Some(19_000);
                s.max_days = Some(90);
            }),
            20_000,
            Some(AuthCode::PasswordExpired),
        ),
        (
            with(&|s| {
                s.last_change = Some(19_000);
                s.max_days = Some(90);
                s.inactive_days = Some(7);
            }),
            20_000,
            Some(AuthCode::AccountDisabled),
        ),
        (
            with(&|s| {
                s.last_change = Some(19_990);
                s.max_days = Some(90);
            }),
            20_000,
            None,
        ),
        (
            with(&|s| {
                s.last_change = Some(19_000);
                s.max_days = Some(99_999);
            }),
            20_000,
            None,
        ),
        // last change 0 means "must change at next login": not our rule.
        (
            with(&|s| {
                s.last_change = Some(0);
                s.max_days = Some(1);
            }),
            20_000,
            None,
        ),
    ];
    for (i, (sp, today, want)) in table.into_iter().enumerate() {
        assert_eq!(shadow_verdict(&sp, today), want, "row {i}");
    }
}

#[test]
fn module_declares_its_table() {
    assert!(MODULE.auth.is_some());
    assert_eq!(MODULE.file_name(), "mod_auth_unix.c");
}

#[test]
fn id_names_first_line_wins_and_junk_is_skipped() {
    let m = parse_id_names(
        b"root:x:0:0:root:/root:/bin/bash\n# comment\n+nis\nbad line\nnoid:x:abc:1\n\
          toor:x:0:0::/:/bin/sh\r\ndaemon:x:1:1::/:/bin/sh\r\n:x:5:5\n",
    );
    assert_eq!(m.get(&0).map(String::as_str), Some("root"));
    assert_eq!(m.get(&1).map(String::as_str), Some("daemon"));
    assert_eq!(m.len(), 2);
}

#[test]
fn names_come_from_the_account_files_through_the_host() {
    let mut h = FakeHost::default();
    h.add_file("/etc/passwd", "alice:x:1000:100::/home/alice:/bin/sh\n");
    h.add_file("/etc/group", "users:x:100:alice\nstaff:x:50:\n");
    let mut s = session();
    let maps = names(&mut AuthCtx {
        session: &mut s,
        host: &mut h,
    });
    assert_eq!(maps.user(1000), Some("alice"));
    assert_eq!(maps.group(100), Some("users"));
    assert_eq!(maps.group(50), Some("staff"));
    assert_eq!(maps.user(0), None);
    assert_eq!(h.reads, 2);
}

#[test]
fn a_chrooted_session_gets_names_only_with_persistent_passwd() {
    let mut h = FakeHost::default();
    h.add_file("/etc/passwd", "alice:x:1000:100::/home/alice:/bin/sh\n");
    h.add_file("/etc/group", "users:x:100:alice\n");
    let mut s = session();
    s.chroot = Some("/home/alice".into());
    let maps = names(&mut AuthCtx {
        session: &mut s,
        host: &mut h,
    });
    assert_eq!(maps, NameMaps::default());

    let mut tree = ConfigTree::new();
    let main = tree.main_server();
    tree.add(
        main,
        &PERSISTENT_PASSWD,
        true,
        vec![],
        proftpd_api::config::Merge::Down,
        proftpd_api::config::Origin::default(),
    );
    let mut s = session_over(&[], tree);
    s.chroot = Some("/home/alice".into());
    let maps = names(&mut AuthCtx {
        session: &mut s,
        host: &mut h,
    });
    assert_eq!(maps.user(1000), Some("alice"));
}
