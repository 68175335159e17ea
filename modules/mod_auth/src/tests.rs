//! mod_auth against a fake host: the login decisions and the exact replies.

use std::path::PathBuf;

use proftpd_api::auth::{AuthAnswer, AuthCtx, AuthTable, Passwd};
use proftpd_api::cmd::Cmd;
use proftpd_api::config::{ConfigTree, ContextKind, CtxId, DirectiveCtx, Merge, Origin};
use proftpd_api::module::{ModRet, ModuleDef};
use proftpd_api::reply::{MultilineStyle, format_reply};
use proftpd_api::session::{CmdCtx, Disconnect, Session, Timer};
use proftpd_api::testing::{FakeHost, session_over};

use crate::keys::*;
use crate::login::Denial;

const PASSWD: &str = "\
bob:plain=secret:2001:2001:Bob:/srv/home/bob:/bin/sh
alice:plain=wonder:2002:2002::/srv/home/alice:/bin/bash
toor:plain=root:0:0::/root:/bin/sh
nosh:plain=pw:2003:2001::/srv/home/nosh:/bin/false
denied:plain=pw:2004:2001::/srv/home/denied:/bin/sh
ftp:plain=ftp:2100:2100::/srv/ftp:/usr/sbin/nologin
empty:plain=:2005:2001::/srv/home/empty:/bin/sh
";

const GROUP: &str = "\
users:x:2001:
alice:x:2002:
staff:x:3000:alice
ftp:x:2100:
anongrp:x:2200:
";

fn host() -> FakeHost {
    // "crypt" is `plain=<password>`; files are served from memory only.
    let mut h = FakeHost::with_plain_crypt("plain=");
    h.add_file("/etc/ftpd.passwd", PASSWD);
    h.add_file("/etc/ftpd.group", GROUP);
    h.add_file("/etc/shells", "# shells\n/bin/sh\n/bin/bash\n");
    h.add_file("/etc/ftpusers", "# no ftp\nroot\ndenied\n");
    h
}

static WITH_CAP: &[&ModuleDef] = &[&mod_auth_file::MODULE, &crate::MODULE, &mod_cap::MODULE];
static NO_CAP: &[&ModuleDef] = &[&mod_auth_file::MODULE, &crate::MODULE];

/// Runs a directive of mod_auth, mod_auth_file or mod_cap in `ctx`.
fn conf(tree: &mut ConfigTree, ctx: CtxId, name: &str, args: &[&str]) {
    let entry = WITH_CAP
        .iter()
        .flat_map(|m| m.directives.iter())
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no directive {name}"));
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let kind = tree.ctx(ctx).kind;
    let mut d = DirectiveCtx {
        name: entry.name,
        args: &args,
        context: kind,
        origin: Origin::default(),
        tree,
        ctx,
    };
    (entry.handler)(&mut d).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn base_tree() -> ConfigTree {
    let mut t = ConfigTree::new();
    let main = t.main_server();
    conf(&mut t, main, "AuthUserFile", &["/etc/ftpd.passwd"]);
    conf(&mut t, main, "AuthGroupFile", &["/etc/ftpd.group"]);
    t
}

/// Adds `<Anonymous dir>` with `User user` (and `Group group`).
fn add_anon(t: &mut ConfigTree, dir: &str, user: &str, group: Option<&str>) -> CtxId {
    let main = t.main_server();
    let anon = t.push(
        ContextKind::Anonymous,
        vec![dir.to_string()],
        Some(main),
        Origin::default(),
    );
    t.add(
        anon,
        &mod_core::keys::USER,
        user.to_string(),
        vec![],
        Merge::Down,
        Origin::default(),
    );
    if let Some(g) = group {
        t.add(
            anon,
            &mod_core::keys::GROUP,
            g.to_string(),
            vec![],
            Merge::Down,
            Origin::default(),
        );
    }
    anon
}

fn session_on(
    tree: ConfigTree,
    modules: &'static [&'static ModuleDef],
    h: &mut FakeHost,
) -> Session {
    // Documentation addresses, so log lines show which is which.
    let mut s = session_over(modules, tree);
    s.local_addr = "192.0.2.1:21".parse().unwrap_or_else(|e| panic!("{e}"));
    s.peer_addr = "198.51.100.7:40000"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    s.peer_name = s.peer_addr.ip().to_string();
    let init = crate::MODULE
        .sess_init
        .unwrap_or_else(|| panic!("sess_init"));
    init(&mut s, h).unwrap_or_else(|e| panic!("{e}"));
    s
}

fn session(tree: ConfigTree, h: &mut FakeHost) -> Session {
    session_on(tree, WITH_CAP, h)
}

/// Sends one command line; returns the wire bytes of the reply.
fn send(s: &mut Session, h: &mut FakeHost, line: &str) -> String {
    let cmd = Cmd::parse(line.as_bytes());
    let entry = crate::MODULE
        .commands
        .iter()
        .find(|e| e.matches(&cmd.verb))
        .unwrap_or_else(|| panic!("no handler for {}", cmd.verb));
    let ret = {
        let mut ctx = CmdCtx {
            cmd: &cmd,
            session: &mut *s,
            host: &mut *h,
        };
        (entry.handler)(&mut ctx)
    };
    let lines = s.replies.take(ret == ModRet::Error);
    String::from_utf8_lossy(&format_reply(&lines, MultilineStyle::Plain)).into_owned()
}

fn login(s: &mut Session, h: &mut FakeHost, user: &str, pass: &str) -> String {
    let r = send(s, h, &format!("USER {user}"));
    assert!(r.starts_with("331 "), "USER {user}: {r}");
    send(s, h, &format!("PASS {pass}"))
}

const INCORRECT: &str = "530 Login incorrect.\r\n";

#[test]
fn sess_init_orders_auth_modules_and_arms_the_login_timer() {
    let mut h = host();
    let s = session(base_tree(), &mut h);
    let names: Vec<&str> = s.auth_modules.iter().map(|m| m.name).collect();
    assert_eq!(names, ["mod_auth_file"]);
    assert_eq!(h.timers, [(Timer::Login, Some(300))]);

    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "TimeoutLogin", &["42"]);
    conf(
        &mut t,
        main,
        "AuthOrder",
        &["mod_nope.c", "mod_auth_file.c*"],
    );
    let mut h = host();
    let s = session(t, &mut h);
    assert_eq!(s.auth_modules.len(), 1);
    assert!(s.auth_modules[0].required);
    assert_eq!(h.timers, [(Timer::Login, Some(42))]);
}

#[test]
fn a_good_login() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    assert_eq!(
        send(&mut s, &mut h, "USER bob"),
        "331 Password required for bob\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "PASS secret"),
        "230 User bob logged in\r\n"
    );
    assert!(s.authenticated);
    assert_eq!(s.user.as_deref(), Some("bob"));
    assert_eq!(s.cwd, b"/srv/home/bob");
    assert_eq!(s.chroot, None);
    let id = s.identity.clone().unwrap_or_else(|| panic!("identity"));
    assert_eq!((id.uid, id.gid), (2001, 2001));
    assert_eq!(id.groups, [2001]);
    assert_eq!(id.chdir, PathBuf::from("/srv/home/bob"));
    assert_eq!(h.switched.len(), 1);
    // Login timer cancelled, idle armed; no session limit by default.
    assert_eq!(
        &h.timers[1..],
        [(Timer::Login, None), (Timer::Idle, Some(600))]
    );
    assert!(h.event_names().is_empty(), "no chroot, no pre-chroot event");
}

#[test]
fn supplementary_groups_come_from_the_group_file() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    assert_eq!(
        login(&mut s, &mut h, "alice", "wonder"),
        "230 User alice logged in\r\n"
    );
    assert_eq!(h.switched[0].groups, [2002, 3000]);
}

#[test]
fn every_failure_gets_the_same_reply() {
    for (user, pass) in [
        ("bob", "wrong"),
        ("ghost", "secret"),
        ("toor", "root"),
        ("nosh", "pw"),
        ("denied", "pw"),
    ] {
        let mut h = host();
        let mut s = session(base_tree(), &mut h);
        assert_eq!(login(&mut s, &mut h, user, pass), INCORRECT, "{user}");
        assert!(!s.authenticated);
        assert!(h.switched.is_empty(), "{user} must not switch");
        assert_eq!(s.disconnect, None);
    }
}

#[test]
fn the_reasons_are_told_apart_in_the_log() {
    let table: &[(&str, &str, Denial)] = &[
        ("bob", "wrong", Denial::Reason("Incorrect password".into())),
        (
            "ghost",
            "x",
            Denial::Line(
                "USER ghost: no such user found from 198.51.100.7 [198.51.100.7] to 192.0.2.1:21"
                    .into(),
            ),
        ),
        (
            "toor",
            "root",
            Denial::Line("SECURITY VIOLATION: Root login attempted".into()),
        ),
        (
            "nosh",
            "pw",
            Denial::Reason("Invalid shell: '/bin/false'".into()),
        ),
        (
            "denied",
            "pw",
            Denial::Reason("User in /etc/ftpusers".into()),
        ),
    ];
    for (user, pass, want) in table {
        let mut h = host();
        let mut s = session(base_tree(), &mut h);
        let got = crate::login::decide(&mut s, &mut h, user, pass.as_bytes()).err();
        assert_eq!(got.as_ref(), Some(want), "{user}");
    }
}

#[test]
fn switches_that_are_off_let_users_in() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "RootLogin", &["on"]);
    conf(&mut t, main, "RequireValidShell", &["off"]);
    conf(&mut t, main, "UseFtpUsers", &["off"]);
    for (user, pass) in [("toor", "root"), ("nosh", "pw"), ("denied", "pw")] {
        let mut h = host();
        let mut s = session(t.clone(), &mut h);
        assert_eq!(
            login(&mut s, &mut h, user, pass),
            format!("230 User {user} logged in\r\n")
        );
    }
}

#[test]
fn failures_reset_the_user_and_count_towards_the_limit() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "x"), INCORRECT);
    assert_eq!(
        send(&mut s, &mut h, "PASS secret"),
        "503 Login with USER first\r\n"
    );
    assert_eq!(login(&mut s, &mut h, "ghost", "x"), INCORRECT);
    assert_eq!(s.disconnect, None);
    assert_eq!(login(&mut s, &mut h, "bob", "y"), INCORRECT);
    assert_eq!(s.disconnect, Some(Disconnect::MaxLoginAttempts));
}

#[test]
fn custom_messages_and_limit() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "MaxLoginAttempts", &["2"]);
    conf(&mut t, main, "AccessGrantMsg", &["Welcome, %u!"]);
    conf(&mut t, main, "AccessDenyMsg", &["Go away %u"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "x"), "530 Go away bob\r\n");
    assert_eq!(login(&mut s, &mut h, "ghost", "x"), "530 Go away ghost\r\n");
    assert_eq!(s.disconnect, Some(Disconnect::MaxLoginAttempts));

    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "secret"),
        "230 Welcome, bob!\r\n"
    );
}

#[test]
fn sequence_errors() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    assert_eq!(
        send(&mut s, &mut h, "PASS x"),
        "503 Login with USER first\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "USER"),
        "500 USER: command requires a parameter\r\n"
    );
    let long = format!("USER {}", "a".repeat(257));
    assert_eq!(send(&mut s, &mut h, &long), "501 Login incorrect.\r\n");
    assert_eq!(
        send(&mut s, &mut h, "ACCT x"),
        "502 ACCT command not implemented\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "REIN"),
        "502 REIN command not implemented\r\n"
    );
    assert_eq!(
        login(&mut s, &mut h, "bob", "secret"),
        "230 User bob logged in\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "USER bob"),
        "230 User bob logged in\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "USER alice"),
        "501 Reauthentication not supported\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "PASS secret"),
        "503 You are already logged in\r\n"
    );
    assert_eq!(h.switched.len(), 1);
}

#[test]
fn password_size_and_empty_passwords() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "MaxPasswordSize", &["8"]);
    conf(&mut t, main, "AllowEmptyPasswords", &["off"]);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "123456789"),
        "501 Login incorrect.\r\n"
    );
    assert_eq!(
        crate::login::decide(&mut s, &mut h, "empty", b"").err(),
        Some(Denial::Reason("Empty password not allowed".into()))
    );
    // A password with spaces is taken whole.
    let mut h = host();
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "RequireValidShell", &["off"]);
    let mut s = session(t, &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "secret "), INCORRECT);
}

#[test]
fn default_root_home_jails_and_starts_at_slash() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "DefaultRoot", &["~"]);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "secret"),
        "230 User bob logged in\r\n"
    );
    let id = &h.switched[0];
    assert_eq!(id.chroot, Some(PathBuf::from("/srv/home/bob")));
    assert_eq!(id.chdir, PathBuf::from("/"));
    assert_eq!(s.cwd, b"/");
    assert_eq!(s.chroot, Some(PathBuf::from("/srv/home/bob")));
    assert_eq!(h.event_names(), [proftpd_api::event::CORE_PRE_CHROOT]);
}

#[test]
fn default_root_group_expressions_first_match_wins() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "DefaultRoot", &["/srv/staff", "staff,!users"]);
    conf(&mut t, main, "DefaultRoot", &["/srv", "!staff"]);
    conf(&mut t, main, "DefaultRoot", &["~/never"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    login(&mut s, &mut h, "alice", "wonder");
    assert_eq!(h.switched[0].chroot, Some(PathBuf::from("/srv/staff")));
    assert_eq!(h.switched[0].chdir, PathBuf::from("/"));

    let mut h = host();
    let mut s = session(t, &mut h);
    login(&mut s, &mut h, "bob", "secret");
    // bob's home lies below the root: he starts there.
    assert_eq!(h.switched[0].chroot, Some(PathBuf::from("/srv")));
    assert_eq!(h.switched[0].chdir, PathBuf::from("/home/bob"));
    assert_eq!(s.cwd, b"/home/bob");
}

#[test]
fn default_root_slash_means_no_chroot_and_default_chdir_applies() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "DefaultRoot", &["/"]);
    conf(&mut t, main, "DefaultChdir", &["/pub", "staff"]);
    conf(&mut t, main, "DefaultChdir", &["in"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    login(&mut s, &mut h, "alice", "wonder");
    assert_eq!(h.switched[0].chroot, None);
    assert_eq!(h.switched[0].chdir, PathBuf::from("/pub"));
    let mut h = host();
    let mut s = session(t, &mut h);
    login(&mut s, &mut h, "bob", "secret");
    assert_eq!(h.switched[0].chdir, PathBuf::from("/srv/home/bob/in"));
}

#[test]
fn anonymous_login_through_an_alias() {
    let mut t = base_tree();
    let anon = add_anon(&mut t, "~ftp", "ftp", Some("anongrp"));
    conf(&mut t, anon, "UserAlias", &["anonymous", "ftp"]);
    conf(&mut t, anon, "RequireValidShell", &["off"]);
    conf(&mut t, anon, "DefaultRoot", &["/never"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(
        send(&mut s, &mut h, "USER anonymous"),
        "331 Anonymous login ok, send your complete email address as your password\r\n"
    );
    assert_eq!(
        send(&mut s, &mut h, "PASS me@example.com"),
        "230 Anonymous access granted, restrictions apply\r\n"
    );
    assert_eq!(s.anon, Some(anon));
    assert_eq!(s.user.as_deref(), Some("anonymous"));
    assert_eq!(
        s.notes.get("mod_auth.anon-passwd").map(String::as_str),
        Some("me@example.com")
    );
    let id = &h.switched[0];
    assert_eq!(id.user, "ftp");
    assert_eq!((id.uid, id.gid), (2100, 2200));
    assert_eq!(id.chroot, Some(PathBuf::from("/srv/ftp")));
    assert_eq!(s.cwd, b"/");

    // The account name itself works too; a normal user does not turn
    // anonymous.
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(
        login(&mut s, &mut h, "ftp", ""),
        "230 Anonymous access granted, restrictions apply\r\n"
    );
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "secret"),
        "230 User bob logged in\r\n"
    );
    assert_eq!(s.anon, None);
}

#[test]
fn anonymous_shell_check_follows_the_anonymous_context() {
    let mut t = base_tree();
    add_anon(&mut t, "/srv/ftp", "ftp", None);
    let mut h = host();
    let mut s = session(t, &mut h);
    // /usr/sbin/nologin is not in /etc/shells and RequireValidShell is on.
    assert_eq!(login(&mut s, &mut h, "ftp", "a@b"), INCORRECT);
    assert_eq!(s.anon, None);
}

#[test]
fn anon_require_password() {
    let mut t = base_tree();
    let anon = add_anon(&mut t, "/srv/ftp", "ftp", None);
    conf(&mut t, anon, "AnonRequirePassword", &["on"]);
    conf(&mut t, anon, "RequireValidShell", &["off"]);
    conf(&mut t, anon, "AccessDenyMsg", &["No anon %u"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(
        send(&mut s, &mut h, "USER ftp"),
        "331 Password required for ftp\r\n"
    );
    assert_eq!(send(&mut s, &mut h, "PASS a@b"), "530 No anon ftp\r\n");
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "ftp", "ftp"),
        "230 Anonymous access granted, restrictions apply\r\n"
    );
}

#[test]
fn user_alias_outside_anonymous() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "UserAlias", &["robert", "bob"]);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "robert", "secret"),
        "230 User robert logged in\r\n"
    );
    assert_eq!(h.switched[0].user, "bob");
}

#[test]
fn a_failed_switch_ends_the_session() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "DefaultRoot", &["~"]);
    let mut h = host();
    h.become_user_error = Some("unable to chroot to /x: ENOENT".into());
    let mut s = session(t, &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "secret"), INCORRECT);
    assert!(!s.authenticated);
    assert!(matches!(s.disconnect, Some(Disconnect::Fatal(_))));
}

#[test]
fn timeouts_after_login() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "TimeoutSession", &["3600"]);
    t.add(
        main,
        &mod_core::keys::TIMEOUT_IDLE,
        120,
        vec![],
        Merge::Down,
        Origin::default(),
    );
    let mut h = host();
    let mut s = session(t, &mut h);
    login(&mut s, &mut h, "bob", "secret");
    assert_eq!(
        &h.timers[1..],
        [
            (Timer::Login, None),
            (Timer::Idle, Some(120)),
            (Timer::Session, Some(3600))
        ]
    );
}

#[test]
fn capabilities_and_root_revoke() {
    // mod_cap loaded, defaults: root revoked, port-20 binding kept.
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    login(&mut s, &mut h, "bob", "secret");
    let id = &h.switched[0];
    assert!(id.root_revoke);
    assert!(!id.caps.disabled);
    assert_eq!(id.caps.keep, ["CAP_NET_BIND_SERVICE"]);

    // Without mod_cap: capabilities untouched, root kept.
    let mut h = host();
    let mut s = session_on(base_tree(), NO_CAP, &mut h);
    login(&mut s, &mut h, "bob", "secret");
    assert!(!h.switched[0].root_revoke);
    assert!(h.switched[0].caps.disabled);

    // RootRevoke on: no L-1 binding, so no reason to keep the capability.
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "RootRevoke", &["on"]);
    conf(&mut t, main, "CapabilitiesSet", &["+CAP_CHOWN"]);
    conf(&mut t, main, "CapabilitiesRootRevoke", &["off"]);
    let mut h = host();
    let mut s = session(t, &mut h);
    login(&mut s, &mut h, "bob", "secret");
    assert!(h.switched[0].root_revoke);
    assert_eq!(h.switched[0].caps.keep, ["CAP_CHOWN"]);
}

// ---- dispatch ----

fn ghost_pw(_c: &mut AuthCtx<'_>, name: &str) -> AuthAnswer<Passwd> {
    if name != "ghost" {
        return AuthAnswer::Declined;
    }
    AuthAnswer::Found(Passwd {
        name: "ghost".into(),
        passwd: None,
        uid: 4000,
        gid: 4000,
        gecos: String::new(),
        dir: "/srv/ghost".into(),
        shell: "/bin/sh".into(),
    })
}

static GHOST_TABLE: AuthTable = AuthTable {
    getpwnam: Some(ghost_pw),
    ..AuthTable::EMPTY
};
static GHOST: ModuleDef = ModuleDef {
    name: "mod_ghost",
    auth: Some(&GHOST_TABLE),
    ..ModuleDef::EMPTY
};
static WITH_GHOST: &[&ModuleDef] = &[&GHOST, &mod_auth_file::MODULE, &crate::MODULE];

#[test]
fn dispatch_takes_the_first_answer_and_honours_required() {
    let mut h = host();
    let mut s = session_on(base_tree(), WITH_GHOST, &mut h);
    let names: Vec<&str> = s.auth_modules.iter().map(|m| m.name).collect();
    assert_eq!(names, ["mod_auth_file", "mod_ghost"]);
    assert!(crate::dispatch::getpwnam(&mut s, &mut h, "ghost").is_some());
    assert!(crate::dispatch::getpwnam(&mut s, &mut h, "bob").is_some());
    assert!(crate::dispatch::getpwnam(&mut s, &mut h, "nobody").is_none());
    // Nobody answers auth for ghost: "no such user".
    assert_eq!(
        crate::dispatch::authenticate(&mut s, &mut h, "ghost", b"x"),
        Err(proftpd_api::auth::AuthCode::NoSuchUser)
    );

    let mut t = base_tree();
    let main = t.main_server();
    conf(
        &mut t,
        main,
        "AuthOrder",
        &["mod_auth_file.c*", "mod_ghost.c"],
    );
    let mut h = host();
    let mut s = session_on(t, WITH_GHOST, &mut h);
    // The required module declined: final.
    assert!(crate::dispatch::getpwnam(&mut s, &mut h, "ghost").is_none());
    assert!(crate::dispatch::getpwnam(&mut s, &mut h, "bob").is_some());
}

// ---- pure helpers ----

#[test]
fn group_expressions() {
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let groups = words(&["users", "staff"]);
    let table: &[(&[&str], bool)] = &[
        (&[], true),
        (&["staff"], true),
        (&["!staff"], false),
        (&["users,staff"], true),
        (&["users", "staff"], true),
        (&["users,!wheel"], true),
        (&["users,wheel"], false),
        (&["!wheel"], true),
        (&["wheel"], false),
    ];
    for (expr, want) in table {
        let e = GroupExpr::parse(&words(expr)).unwrap_or_else(|m| panic!("{m}"));
        assert_eq!(e.matches(&groups), *want, "{expr:?}");
    }
    assert!(GroupExpr::parse(&words(&["!"])).is_err());
}

#[test]
fn home_expansion() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    let table = [
        ("~", Some("/home/x")),
        ("~/", Some("/home/x")),
        ("~/pub//in/", Some("/home/x/pub/in")),
        ("~alice", Some("/srv/home/alice")),
        ("~alice/up", Some("/srv/home/alice/up")),
        ("~nobody", None),
        ("/srv//ftp/", Some("/srv/ftp")),
        ("/", Some("/")),
    ];
    for (path, want) in table {
        assert_eq!(
            crate::login::expand_home(&mut s, &mut h, path, "/home/x/").as_deref(),
            want,
            "{path}"
        );
    }
}

#[test]
fn list_files() {
    assert_eq!(
        crate::login::list_lines(b"# c\n\n /bin/sh \n/bin/bash\r\n"),
        ["/bin/sh", "/bin/bash"]
    );
}

#[test]
fn directive_errors() {
    let bad: &[(&str, &[&str])] = &[
        ("AuthOrder", &["auth_file"]),
        ("AuthOrder", &[]),
        ("DefaultRoot", &["relative"]),
        ("DefaultChdir", &[""]),
        ("DefaultRoot", &["~", "!"]),
        ("MaxLoginAttempts", &["0"]),
        ("MaxLoginAttempts", &["x"]),
        ("RootRevoke", &["sometimes"]),
        ("UserAlias", &["only-one"]),
        ("RootLogin", &["maybe"]),
        ("TimeoutLogin", &["-1"]),
    ];
    for (name, args) in bad {
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let entry = crate::directives::DIRECTIVES
            .iter()
            .find(|d| d.name == *name)
            .unwrap_or_else(|| panic!("{name}"));
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut d = DirectiveCtx {
            name: entry.name,
            args: &args,
            context: ContextKind::Server,
            origin: Origin::default(),
            tree: &mut t,
            ctx: main,
        };
        assert!((entry.handler)(&mut d).is_err(), "{name} {args:?}");
    }
    let mut t = ConfigTree::new();
    let main = t.main_server();
    conf(
        &mut t,
        main,
        "RootRevoke",
        &["UseNonCompliantActiveTransfers"],
    );
    assert_eq!(
        t.get(main, &ROOT_REVOKE),
        Some(&RootRevoke::NonCompliantActive)
    );
    conf(
        &mut t,
        main,
        "AuthOrder",
        &["mod_auth_unix.c", "mod_auth_file*"],
    );
    assert_eq!(
        t.get(main, &AUTH_ORDER).cloned(),
        Some(vec![
            AuthOrderEntry {
                module: "mod_auth_unix".into(),
                required: false
            },
            AuthOrderEntry {
                module: "mod_auth_file".into(),
                required: true
            },
        ])
    );
}

#[test]
fn display_login_comes_before_the_230() {
    let f = std::env::temp_dir().join(format!("mod_auth_display_{}", std::process::id()));
    std::fs::write(&f, "Hello %U,\r\nyou are in %C (100%%, %Z)\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut t = base_tree();
    let main = t.main_server();
    let path = f.display().to_string();
    conf(&mut t, main, "DisplayLogin", &[&path]);
    let mut h = host();
    let mut s = session(t, &mut h);
    let r = login(&mut s, &mut h, "bob", "secret");
    let _ = std::fs::remove_file(&f);
    assert_eq!(
        r,
        "230-Hello bob,\r\n you are in /srv/home/bob (100%, %Z)\r\n230 User bob logged in\r\n"
    );
    // Missing file: just the 230.
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "DisplayLogin", &["/no/such/welcome.msg"]);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "secret"),
        "230 User bob logged in\r\n"
    );
}

#[test]
fn user_password_overrides_the_module_hash() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "UserPassword", &["bob", "plain=other"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "secret"), INCORRECT);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "bob", "other"),
        "230 User bob logged in\r\n"
    );
}

#[test]
fn auth_alias_only_refuses_real_names() {
    let mut t = base_tree();
    let main = t.main_server();
    conf(&mut t, main, "AuthAliasOnly", &["on"]);
    conf(&mut t, main, "UserAlias", &["robert", "bob"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(login(&mut s, &mut h, "bob", "secret"), INCORRECT);
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "robert", "secret"),
        "230 User robert logged in\r\n"
    );
}

#[test]
fn anon_reject_passwords() {
    let mut t = base_tree();
    let anon = add_anon(&mut t, "/srv/ftp", "ftp", None);
    conf(&mut t, anon, "RequireValidShell", &["off"]);
    conf(&mut t, anon, "AnonRejectPasswords", &["^MOZILLA@", "[NC]"]);
    let mut h = host();
    let mut s = session(t.clone(), &mut h);
    assert_eq!(
        crate::login::decide(&mut s, &mut h, "ftp", b"mozilla@").err(),
        Some(Denial::Line(
            "ANON ftp: AnonRejectPasswords denies login".into()
        ))
    );
    let mut h = host();
    let mut s = session(t, &mut h);
    assert_eq!(
        login(&mut s, &mut h, "ftp", "me@example.com"),
        "230 Anonymous access granted, restrictions apply\r\n"
    );
}

#[test]
fn the_own_account_is_known_after_login() {
    let mut h = host();
    let mut s = session(base_tree(), &mut h);
    login(&mut s, &mut h, "alice", "wonder");
    // No module answers any more (as inside a chroot without the files):
    // the session's own ids still resolve.
    s.auth_modules.clear();
    let name = crate::dispatch::getpwuid(&mut s, &mut h, 2002).map(|p| p.name);
    assert_eq!(name.as_deref(), Some("alice"));
    let g = crate::dispatch::getgrgid(&mut s, &mut h, 3000).map(|g| g.name);
    assert_eq!(g.as_deref(), Some("staff"));
    assert!(crate::dispatch::getgrnam(&mut s, &mut h, "alice").is_some());
}
