//! Login and the directory commands through the real binary, byte for byte.
//!
//! Expected replies are those of ../shared/spec/commands.md §0-§2.2; each was
//! also checked against ProFTPD 1.3.8 (Debian's proftpd-basic) with the same
//! configuration.  The root tier (DefaultRoot, identity switch seen from
//! /proc) skips with a message when not run as root.

mod common;

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use common::*;

/// The config shared by these tests: one server, users from an
/// AuthUserFile only.
const BASE: &str = "\
ServerName \"Login Test\"
AuthOrder mod_auth_file.c
AuthUserFile {dir}/ftpd.passwd
AuthGroupFile {dir}/ftpd.group
RequireValidShell off
";

fn demo_server(extra: &str) -> TestServer {
    TestServer::builder()
        .user(AuthUser::new("demo", "demo"))
        .config(BASE)
        .config(extra)
        .start()
}

/// The home the daemon reports: the canonical path (no chroot).
fn home_of(srv: &TestServer, user: &str) -> String {
    fs::canonicalize(srv.dir().join("home").join(user))
        .expect("home exists")
        .display()
        .to_string()
}

const BANNER: &str = "220 ProFTPD Server (Login Test) [127.0.0.1]\r\n";
const NEED_LOGIN: &str = "530 Please login with USER and PASS\r\n";
const LOGIN_INCORRECT: &str = "530 Login incorrect.\r\n";
const CLOSE_WAIT: Duration = Duration::from_secs(3);

#[test]
fn banner_names_the_server_and_local_address() {
    let srv = demo_server("");
    let mut c = srv.connect();
    assert_eq!(c.banner(), BANNER);
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn banner_follows_deferwelcome_and_serverident() {
    let srv = demo_server("DeferWelcome on");
    assert_eq!(srv.connect().banner(), "220 ProFTPD Server ready.\r\n");

    let srv = demo_server("ServerIdent off");
    assert_eq!(srv.connect().banner(), "220 127.0.0.1 FTP server ready\r\n");

    let srv = demo_server("ServerIdent on \"Hello %v at %L\"");
    assert_eq!(
        srv.connect().banner(),
        "220 Hello Login Test at 127.0.0.1\r\n"
    );
}

#[test]
fn demo_logs_in() {
    let srv = demo_server("");
    let mut c = srv.connect();
    assert_eq!(c.banner(), BANNER);
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS demo"), "230 User demo logged in\r\n");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();
}

/// Without AuthOrder every auth module is asked, highest priority first
/// (mod_auth_file before mod_auth_unix): mod_auth's sess_init alone sets
/// the order, the session does not precompute one.
#[test]
fn demo_logs_in_without_authorder() {
    let srv = TestServer::builder()
        .user(AuthUser::new("demo", "demo"))
        .config(&BASE.replace("AuthOrder mod_auth_file.c\n", ""))
        .start();
    let mut c = srv.connect();
    assert_eq!(c.banner(), BANNER);
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS demo"), "230 User demo logged in\r\n");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn verbs_are_case_insensitive() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("user demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("pAsS demo"), "230 User demo logged in\r\n");
}

#[test]
fn wrong_password_then_right_one() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS wrong"), LOGIN_INCORRECT);
    assert_eq!(c.cmd("PWD"), NEED_LOGIN);
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS demo"), "230 User demo logged in\r\n");
}

#[test]
fn unknown_user_gets_the_same_reply_as_a_bad_password() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(
        c.cmd("USER nosuchuser"),
        "331 Password required for nosuchuser\r\n"
    );
    assert_eq!(c.cmd("PASS demo"), LOGIN_INCORRECT);
}

#[test]
fn login_sequence_errors() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("PASS demo"), "503 Login with USER first\r\n");
    assert_eq!(c.cmd("USER"), "500 USER: command requires a parameter\r\n");
    assert_eq!(c.cmd("ACCT x"), "502 ACCT command not implemented\r\n");
    c.login("demo", "demo");
    assert_eq!(c.cmd("USER demo"), "230 User demo logged in\r\n");
    assert_eq!(
        c.cmd("USER other"),
        "501 Reauthentication not supported\r\n"
    );
    assert_eq!(c.cmd("PASS demo"), "503 You are already logged in\r\n");
}

#[test]
fn commands_before_login_are_refused() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    for cmd in ["PWD", "XPWD", "MKD x", "CWD /", "CDUP", "RNFR x", "RMD x"] {
        assert_eq!(c.cmd(cmd), NEED_LOGIN, "{cmd}");
    }
    // ProFTPD 1.3.8 answers RNTO twice before login.
    assert_eq!(c.cmd("RNTO y"), NEED_LOGIN);
    assert_eq!(c.reply(), NEED_LOGIN);
    // Still usable: the refusals do not count as login failures.
    c.login("demo", "demo");
}

#[test]
fn third_failure_disconnects() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    for _ in 0..2 {
        assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
        assert_eq!(c.cmd("PASS nope"), LOGIN_INCORRECT);
    }
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS nope"), LOGIN_INCORRECT);
    c.expect_closed(CLOSE_WAIT).unwrap();
    // The master is unaffected.
    let mut c2 = srv.connect();
    assert_eq!(c2.banner(), BANNER);
}

#[test]
fn max_login_attempts_and_custom_messages() {
    let srv = demo_server(
        "MaxLoginAttempts 2\n\
         AccessGrantMsg \"Welcome, %u!\"\n\
         AccessDenyMsg \"Go away %u\"\n",
    );
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS x"), "530 Go away demo\r\n");
    assert_eq!(c.cmd("USER ghost"), "331 Password required for ghost\r\n");
    assert_eq!(c.cmd("PASS x"), "530 Go away ghost\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();

    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS demo"), "230 Welcome, demo!\r\n");
}

#[test]
fn directory_commands_after_login() {
    let srv = demo_server("");
    let home = home_of(&srv, "demo");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");

    assert_eq!(
        c.cmd("PWD"),
        format!("257 \"{home}\" is the current directory\r\n")
    );
    assert_eq!(
        c.cmd("MKD sub"),
        format!("257 \"{home}/sub\" - Directory successfully created\r\n")
    );
    assert_eq!(c.cmd("MKD sub"), "550 sub: File exists\r\n");
    assert_eq!(c.cmd("CWD sub"), "250 CWD command successful\r\n");
    assert_eq!(
        c.cmd("PWD"),
        format!("257 \"{home}/sub\" is the current directory\r\n")
    );
    assert_eq!(c.cmd("CDUP"), "250 CDUP command successful\r\n");
    assert_eq!(
        c.cmd("PWD"),
        format!("257 \"{home}\" is the current directory\r\n")
    );
    assert_eq!(
        c.cmd("CWD nonexistent"),
        "550 nonexistent: No such file or directory\r\n"
    );
    assert_eq!(c.cmd("CWD"), "501 Invalid number of parameters\r\n");
    assert_eq!(c.cmd("MKD"), "501 Invalid number of parameters\r\n");

    assert_eq!(
        c.cmd("RNFR sub"),
        "350 File or directory exists, ready for destination name\r\n"
    );
    assert_eq!(c.cmd("RNTO renamed"), "250 Rename successful\r\n");
    assert!(srv.dir().join("home/demo/renamed").is_dir());
    assert_eq!(c.cmd("RNTO again"), "503 Bad sequence of commands\r\n");
    assert_eq!(
        c.cmd("RNFR nope"),
        "550 nope: No such file or directory\r\n"
    );

    assert_eq!(c.cmd("RMD renamed"), "250 RMD command successful\r\n");
    assert_eq!(
        c.cmd("RMD renamed"),
        "550 renamed: No such file or directory\r\n"
    );
    assert!(!srv.dir().join("home/demo/renamed").exists());

    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn x_aliases_answer_with_their_own_names() {
    let srv = demo_server("");
    let home = home_of(&srv, "demo");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    assert_eq!(
        c.cmd("XPWD"),
        format!("257 \"{home}\" is the current directory\r\n")
    );
    assert_eq!(
        c.cmd("XMKD q"),
        format!("257 \"{home}/q\" - Directory successfully created\r\n")
    );
    assert_eq!(c.cmd("XCWD q"), "250 XCWD command successful\r\n");
    // 1.3.8 names the alias (the spec table says CDUP; observed XCUP).
    assert_eq!(c.cmd("XCUP"), "250 XCUP command successful\r\n");
    assert_eq!(c.cmd("XRMD q"), "250 XRMD command successful\r\n");
}

#[test]
fn rnfr_then_another_command_is_a_bad_sequence() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    fs::create_dir(srv.dir().join("home/demo/a")).unwrap();
    assert_eq!(
        c.cmd("RNFR a"),
        "350 File or directory exists, ready for destination name\r\n"
    );
    // ProFTPD 1.3.8 refuses the interloper and keeps the pending rename.
    assert_eq!(c.cmd("PWD"), "501 Bad sequence of commands\r\n");
    assert_eq!(c.cmd("RNTO b"), "250 Rename successful\r\n");
    assert!(srv.dir().join("home/demo/b").is_dir());
}

#[test]
fn quit_before_login() {
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
    c.expect_closed(CLOSE_WAIT).unwrap();
}

/// Uid and gids the root-tier user gets: distinct, and absent from
/// /etc/passwd, so only the AuthUserFile can have supplied them.
const JAIL_UID: u32 = 54321;
const JAIL_GID: u32 = 54322;
const JAIL_EXTRA_GID: u32 = 54323;

fn jail_server() -> TestServer {
    let b = TestServer::builder().user(AuthUser::new("jail", "demo").ids(JAIL_UID, JAIL_GID));
    write_auth_group_file(
        &b.dir().join("groups"),
        &[
            ("jail", JAIL_GID, &["jail"]),
            ("extra", JAIL_EXTRA_GID, &["jail"]),
        ],
    );
    b.config(
        "ServerName \"Login Test\"\n\
         AuthOrder mod_auth_file.c\n\
         AuthUserFile {dir}/ftpd.passwd\n\
         AuthGroupFile {dir}/groups\n\
         RequireValidShell off\n\
         DefaultRoot ~\n",
    )
    .start()
}

#[test]
fn default_root_jails_the_session() {
    skip_if_not_root!();
    let srv = jail_server();
    let mut c = srv.connect();
    c.banner();
    c.login("jail", "demo");
    assert_eq!(c.cmd("PWD"), "257 \"/\" is the current directory\r\n");
    assert_eq!(
        c.cmd("MKD /d"),
        "257 \"/d\" - Directory successfully created\r\n"
    );
    assert!(srv.dir().join("home/jail/d").is_dir());
    assert_eq!(c.cmd("CWD .."), "250 CWD command successful\r\n");
    assert_eq!(c.cmd("PWD"), "257 \"/\" is the current directory\r\n");
    assert_eq!(c.cmd("CWD ../../.."), "250 CWD command successful\r\n");
    assert_eq!(c.cmd("PWD"), "257 \"/\" is the current directory\r\n");
    assert_eq!(c.cmd("CWD /etc"), "550 /etc: No such file or directory\r\n");
    assert_eq!(c.cmd("RMD /d"), "250 RMD command successful\r\n");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
}

#[test]
fn session_runs_as_the_user_inside_its_root() {
    skip_if_not_root!();
    let srv = jail_server();
    let mut c = srv.connect();
    c.banner();
    c.login("jail", "demo");
    // The reply came after the switch, so the ids are final now.
    let pid = srv.wait_for_one_session();
    let ids = proc_ids(pid);
    assert_eq!(
        ids.uid, [JAIL_UID; 4],
        "real, effective, saved, fs uid of {pid}"
    );
    assert_eq!(
        ids.gid, [JAIL_GID; 4],
        "real, effective, saved, fs gid of {pid}"
    );
    assert_eq!(
        ids.groups,
        vec![JAIL_GID, JAIL_EXTRA_GID],
        "supplementary groups"
    );

    let home: PathBuf = fs::canonicalize(srv.dir().join("home/jail")).unwrap();
    let root = fs::read_link(format!("/proc/{pid}/root")).expect("/proc/pid/root");
    assert_eq!(root, home, "session root directory");
    let cwd = fs::read_link(format!("/proc/{pid}/cwd")).expect("/proc/pid/cwd");
    assert_eq!(cwd, home, "session working directory");

    // The master keeps its own identity.
    let master = proc_ids(srv.pid());
    assert_eq!(master.uid[0], 0, "master's real uid");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
}

#[test]
fn invalid_shell_is_refused_unless_configured_off() {
    // /bin/false is not in /etc/shells.
    let srv = TestServer::builder()
        .user(AuthUser::new("demo", "demo").shell("/bin/false"))
        .config(
            "ServerName \"Login Test\"\n\
             AuthOrder mod_auth_file.c\n\
             AuthUserFile {dir}/ftpd.passwd\n\
             AuthGroupFile {dir}/ftpd.group\n",
        )
        .start();
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS demo"), LOGIN_INCORRECT);

    let srv = TestServer::builder()
        .user(AuthUser::new("demo", "demo").shell("/bin/false"))
        .config(BASE)
        .start();
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
}

#[test]
fn default_chdir_moves_the_session_after_login() {
    let b = TestServer::builder().user(AuthUser::new("demo", "demo"));
    let home = b.dir().join("home/demo");
    let uid_gid = AuthUser::new("demo", "demo");
    make_home(&home.join("incoming"), uid_gid.uid, uid_gid.gid);
    let srv = b.config(BASE).config("DefaultChdir incoming").start();
    let home = home_of(&srv, "demo");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    assert_eq!(
        c.cmd("PWD"),
        format!("257 \"{home}/incoming\" is the current directory\r\n")
    );
}

#[test]
fn user_alias_logs_in_under_the_alias() {
    let srv = demo_server("UserAlias guest demo");
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER guest"), "331 Password required for guest\r\n");
    assert_eq!(c.cmd("PASS demo"), "230 User guest logged in\r\n");
}

#[test]
fn login_timeout_closes_with_421() {
    let srv = demo_server("TimeoutLogin 1");
    let mut c = srv.connect();
    c.banner();
    c.timeout = Duration::from_secs(5);
    assert_eq!(
        c.reply(),
        "421 Login timeout (1 second): closing control connection\r\n"
    );
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn idle_timeout_closes_with_421() {
    let srv = demo_server("TimeoutIdle 2");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    c.timeout = Duration::from_secs(6);
    assert_eq!(
        c.reply(),
        "421 Idle timeout (2 seconds): closing control connection\r\n"
    );
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn idle_timeout_of_one_second_keeps_the_plural() {
    // Observed on 1.3.8: unlike TimeoutLogin ("1 second"), the idle
    // message always says "seconds".
    let srv = demo_server("TimeoutIdle 1");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    c.timeout = Duration::from_secs(5);
    assert_eq!(
        c.reply(),
        "421 Idle timeout (1 seconds): closing control connection\r\n"
    );
}

#[test]
fn session_timeout_closes_with_421() {
    let srv = demo_server("TimeoutSession 2");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    c.timeout = Duration::from_secs(6);
    assert_eq!(
        c.reply(),
        "421 Session Timeout (2 seconds): closing control connection\r\n"
    );
    c.expect_closed(CLOSE_WAIT).unwrap();
}

#[test]
fn root_login_is_refused_by_default() {
    skip_if_not_root!();
    let srv = TestServer::builder()
        .user(AuthUser::new("admin", "demo").ids(0, 0))
        .config(BASE)
        .start();
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER admin"), "331 Password required for admin\r\n");
    assert_eq!(c.cmd("PASS demo"), LOGIN_INCORRECT);

    let srv = TestServer::builder()
        .user(AuthUser::new("admin", "demo").ids(0, 0))
        .config(BASE)
        .config("RootLogin on")
        .start();
    let mut c = srv.connect();
    c.banner();
    c.login("admin", "demo");
}

#[test]
fn rnto_without_argument_is_a_parameter_error() {
    // The argument count is checked before the RNFR sequence (1.3.8).
    let srv = demo_server("");
    let mut c = srv.connect();
    c.banner();
    c.login("demo", "demo");
    assert_eq!(c.cmd("RNTO"), "501 Invalid number of parameters\r\n");
    assert_eq!(c.cmd("RNFR"), "501 Invalid number of parameters\r\n");
    assert_eq!(c.cmd("RMD"), "501 Invalid number of parameters\r\n");
}
