//! Parser tests, table by table, with a test-only module so they do not
//! depend on the real modules' progress. Expected error texts are the ones
//! ProFTPD 1.3.8 printed for the same input (`proftpd -t`).

use proftpd_api::config::{
    ConfigError, ConfigKey, ConfigTree, ContextKind, Contexts, CtxId, DirectiveCtx, Merge,
};
use std::collections::HashMap;

use proftpd_api::module::{DirectiveEntry, ModuleDef};

use super::include::fake::FakeFs;
use super::{ParseOptions, error_lines, parser};

static SERVER_NAME: ConfigKey<String> = ConfigKey::new("ServerName");
static PORT: ConfigKey<u16> = ConfigKey::new("Port");
static ALLOW_OVERWRITE: ConfigKey<bool> = ConfigKey::new("AllowOverwrite");
static DENY_ALL: ConfigKey<()> = ConfigKey::new("DenyAll");
static FROM: ConfigKey<String> = ConfigKey::new("From");

fn set_server_name(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    c.check_args(1, 1)?;
    let v = c.args.first().cloned().unwrap_or_default();
    c.add(&SERVER_NAME, v, Merge::Down);
    Ok(())
}

fn set_port(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    c.check_args(1, usize::MAX)?;
    let v = c.number_arg(0)?;
    c.add(&PORT, v, Merge::Down);
    Ok(())
}

fn set_allow_overwrite(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    c.check_args(1, usize::MAX)?;
    let v = c.bool_arg(0)?;
    c.add(&ALLOW_OVERWRITE, v, Merge::Down);
    Ok(())
}

fn set_deny_all(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    c.add(&DENY_ALL, (), Merge::None);
    Ok(())
}

fn set_from(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    c.check_args(1, usize::MAX)?;
    c.add(&FROM, c.args.join(" "), Merge::None);
    Ok(())
}

fn noop(_: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    Ok(())
}

static TEST_DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("ServerName", Contexts::SVG, set_server_name),
    DirectiveEntry::new("Port", Contexts::SVG, set_port),
    DirectiveEntry::new("ServerType", Contexts::SERVER, noop),
    DirectiveEntry::new("AllowOverwrite", Contexts::SVGAD, set_allow_overwrite),
    DirectiveEntry::new(
        "DenyAll",
        Contexts(Contexts::ANON.0 | Contexts::LIMIT.0 | Contexts::DIR.0),
        set_deny_all,
    ),
    DirectiveEntry::new("From", Contexts::CLASS, set_from),
    DirectiveEntry::new("SetEnv", Contexts::SVG, set_test_env),
];

thread_local! {
    /// What the test `SetEnv` set, read by [`env`] like the process
    /// environment the real parser reads.
    static TEST_ENV: std::cell::RefCell<HashMap<String, String>> =
        std::cell::RefCell::new(HashMap::new());
}

fn set_test_env(c: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if let [name, value] = c.args {
        TEST_ENV.with(|e| e.borrow_mut().insert(name.clone(), value.clone()));
    }
    Ok(())
}

static TEST_MODULE: ModuleDef = ModuleDef {
    name: "mod_test",
    directives: TEST_DIRECTIVES,
    ..ModuleDef::EMPTY
};

/// A second module, only so `<IfModule>` has something else to find.
static OTHER_MODULE: ModuleDef = ModuleDef {
    name: "mod_other",
    ..ModuleDef::EMPTY
};

static MODULES: &[&ModuleDef] = &[&TEST_MODULE, &OTHER_MODULE];

fn env(name: &str) -> Option<String> {
    match name {
        "NAME" => Some("from env".into()),
        "DIR" => Some("/srv".into()),
        _ => TEST_ENV.with(|e| e.borrow().get(name).cloned()),
    }
}

struct Out {
    result: Result<ConfigTree, ConfigError>,
    warnings: Vec<String>,
}

fn parse_in(fs: &mut FakeFs, text: &str, defines: &[&str]) -> Out {
    let opts = ParseOptions {
        defines: defines.iter().map(|d| d.to_string()).collect(),
        modules: MODULES,
    };
    let mut warnings = Vec::new();
    let mut warn = |w: String| warnings.push(w);
    let result = parser::parse_with(text.as_bytes(), "/etc/p.conf", &opts, fs, &env, &mut warn);
    Out { result, warnings }
}

fn parse(text: &str) -> Result<ConfigTree, ConfigError> {
    parse_in(&mut FakeFs::default(), text, &[]).result
}

/// Parses `text` as a file ending in a newline, as real ones do (see
/// `line_numbers_without_final_newline` for the other case).
fn ok(text: &str) -> ConfigTree {
    match parse(&format!("{text}\n")) {
        Ok(t) => t,
        Err(e) => panic!("unexpected error for {text:?}: {:?}", error_lines(&e)),
    }
}

/// The error lines for `text` as a file ending in a newline.
fn err(text: &str) -> Vec<String> {
    match parse(&format!("{text}\n")) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => error_lines(&e),
    }
}

fn name_at(t: &ConfigTree, c: CtxId) -> Option<&str> {
    t.get(c, &SERVER_NAME).map(String::as_str)
}

fn children_of(t: &ConfigTree, c: CtxId, kind: ContextKind) -> Vec<CtxId> {
    t.ctx(c)
        .children
        .iter()
        .copied()
        .filter(|k| t.ctx(*k).kind == kind)
        .collect()
}

#[test]
fn directives_reach_their_handlers() {
    let t = ok("servername \"My Server\"\nPORT 2121\nAllowOverwrite on\n");
    let main = t.main_server();
    assert_eq!(name_at(&t, main), Some("My Server"));
    assert_eq!(t.get(main, &PORT), Some(&2121));
    assert_eq!(t.get(main, &ALLOW_OVERWRITE), Some(&true));
    // The record keeps the raw argv and where it came from.
    let rec = t
        .ctx(main)
        .records
        .iter()
        .find(|r| r.name == "Port")
        .expect("Port record");
    assert_eq!(rec.argv, ["2121"]);
    assert_eq!(rec.origin.line, 2);
    assert_eq!(&*rec.origin.file, "/etc/p.conf");
}

#[test]
fn env_is_expanded_when_the_directive_is_reached() {
    // `SetEnv` runs before the next line is expanded (1.3.8), and a line
    // before it still saw the old (unset) value.
    let t = ok("ServerName a%{env:LATE_PFX}\nSetEnv LATE_PFX x\nPort 21\n\
                <IfDefine !NOPE>\n</IfDefine>\n<Directory /tmp/%{env:LATE_PFX}>\nAllowOverwrite on\n</Directory>");
    let main = t.main_server();
    assert_eq!(name_at(&t, main), Some("a"));
    let dirs = children_of(&t, main, ContextKind::Directory);
    assert_eq!(t.ctx(dirs[0]).args, ["/tmp/x"]);
}

#[test]
fn env_expansion_reaches_handlers() {
    let t =
        ok("ServerName %{env:NAME}\n<Directory %{env:DIR}/pub>\nAllowOverwrite on\n</Directory>");
    let main = t.main_server();
    assert_eq!(name_at(&t, main), Some("from env"));
    let dirs = children_of(&t, main, ContextKind::Directory);
    assert_eq!(dirs.len(), 1);
    assert_eq!(t.ctx(dirs[0]).args, ["/srv/pub"]);
}

#[test]
fn error_table() {
    let f = "'/etc/p.conf'";
    let table: Vec<(&str, Vec<String>)> = vec![
        (
            "ServerName x\nServrIdent on",
            vec![
                format!("fatal: unknown configuration directive 'ServrIdent' on line 2 of {f}"),
                "fatal: Did you mean:\n  ServerName\n  ServerType".into(),
            ],
        ),
        (
            "Portt 21",
            vec![
                format!("fatal: unknown configuration directive 'Portt' on line 1 of {f}"),
                "fatal: Did you mean:\n  Port\n  From".into(),
            ],
        ),
        (
            "xyzzyxyzzy",
            vec![format!("fatal: unknown configuration directive 'xyzzyxyzzy' on line 1 of {f}")],
        ),
        (
            "Bogus1",
            vec![
                format!("fatal: unknown configuration directive 'Bogus1' on line 1 of {f}"),
                "fatal: Did you mean: Port".into(),
            ],
        ),
        (
            "S\u{e9}rver x",
            vec![
                format!("fatal: unknown configuration directive 'S\u{e9}rver' on line 1 of {f}"),
                "fatal: malformed directive name 'S\u{e9}rver' (contains non-ASCII characters)"
                    .into(),
            ],
        ),
        (
            "<Directory /a\n",
            vec![
                format!("fatal: unknown configuration directive '<Directory' on line 1 of {f}"),
                "fatal: Did you mean:\n  <Directory>\n  </Directory>".into(),
            ],
        ),
        (
            "ServerType standalone\n<VirtualHost 127.0.0.1>\nservertype standalone\n</VirtualHost>",
            vec![format!(
                "fatal: ServerType: directive not allowed in <VirtualHost> context on line 3 of {f}"
            )],
        ),
        (
            "DenyAll",
            vec![format!(
                "fatal: DenyAll: directive not allowed in server config context on line 1 of {f}"
            )],
        ),
        (
            "<Global>\nServerType x\n</Global>",
            vec![format!(
                "fatal: ServerType: directive not allowed in <Global> context on line 2 of {f}"
            )],
        ),
        (
            "<Limit READ>\nAllowOverwrite on\n</Limit>",
            vec![format!(
                "fatal: AllowOverwrite: directive not allowed in <Limit> context on line 2 of {f}"
            )],
        ),
        (
            "<Class c>\nServerName x\n</Class>",
            vec![format!(
                "fatal: ServerName: directive not allowed in <Class> context on line 2 of {f}"
            )],
        ),
        (
            "AllowOverwrite maybe",
            vec![format!("fatal: AllowOverwrite: expected boolean parameter on line 1 of {f}")],
        ),
        (
            "AllowOverwrite",
            vec![format!("fatal: AllowOverwrite: missing parameters on line 1 of {f}")],
        ),
        (
            "ServerName a b",
            vec![format!("fatal: ServerName: wrong number of parameters on line 1 of {f}")],
        ),
        (
            "<Directory /tmp>\nAllowOverwrite on",
            vec![
                "fatal: error processing configuration file '/etc/p.conf': unclosed configuration section"
                    .into(),
            ],
        ),
        (
            "<Directory /a>\n<Directory /a/b>\n</Directory>\n</Directory>",
            vec![format!(
                "fatal: <Directory>: directive not allowed in <Directory> context on line 2 of {f}"
            )],
        ),
        (
            "<VirtualHost 127.0.0.1>\n<VirtualHost 127.0.0.2>\n</VirtualHost>\n</VirtualHost>",
            vec![format!(
                "fatal: <VirtualHost>: directive not allowed in <VirtualHost> context on line 2 of {f}"
            )],
        ),
        (
            "</Directory>",
            vec![format!(
                "fatal: </Directory>: directive not allowed in server config context on line 1 of {f}"
            )],
        ),
        (
            "<Directory /a>\n</Limit>",
            vec![format!(
                "fatal: </Limit>: directive not allowed in <Directory> context on line 2 of {f}"
            )],
        ),
        (
            "<Directory /a>\n<Anonymous /b>\n</Anonymous>\n</Directory>",
            vec![format!(
                "fatal: <Anonymous>: directive not allowed in <Directory> context on line 2 of {f}"
            )],
        ),
        (
            "<Limit READ>\n<Limit WRITE>\n</Limit>\n</Limit>",
            vec![format!(
                "fatal: <Limit>: directive not allowed in <Limit> context on line 2 of {f}"
            )],
        ),
        (
            "<VirtualHost 127.0.0.1>\n<Class x>\n</Class>\n</VirtualHost>",
            vec![format!(
                "fatal: <Class>: directive not allowed in <VirtualHost> context on line 2 of {f}"
            )],
        ),
        (
            "<Limit READ>\n<Directory /a>\n</Directory>\n</Limit>",
            vec![format!(
                "fatal: <Directory>: directive not allowed in <Limit> context on line 2 of {f}"
            )],
        ),
        (
            "<Class a>\n<Limit READ>\n</Limit>\n</Class>",
            vec![format!(
                "fatal: <Limit>: directive not allowed in <Class> context on line 2 of {f}"
            )],
        ),
        (
            "<Anonymous /tmp>\n<Anonymous /tmp>\n</Anonymous>\n</Anonymous>",
            vec![format!(
                "fatal: <Anonymous>: directive not allowed in <Anonymous> context on line 2 of {f}"
            )],
        ),
        (
            "<Global>\n<Global>\n</Global>\n</Global>",
            vec![format!(
                "fatal: <Global>: directive not allowed in <Global> context on line 2 of {f}"
            )],
        ),
        (
            "<Global>\n<VirtualHost 127.0.0.1>\n</VirtualHost>\n</Global>",
            vec![format!(
                "fatal: <VirtualHost>: directive not allowed in <Global> context on line 2 of {f}"
            )],
        ),
        (
            "<Directory>\n</Directory>",
            vec![format!("fatal: <Directory>: missing parameters on line 1 of {f}")],
        ),
        (
            "<Limit>\n</Limit>",
            vec![format!(
                "fatal: <Limit>: directive requires one or more commands on line 1 of {f}"
            )],
        ),
        (
            "<VirtualHost>\n</VirtualHost>",
            vec![format!("fatal: <VirtualHost>: wrong number of parameters on line 1 of {f}")],
        ),
        (
            "<Anonymous>\n</Anonymous>",
            vec![format!("fatal: <Anonymous>: missing parameters on line 1 of {f}")],
        ),
        (
            "<VirtualHost 10.0.0.1 nosuchhost.invalid>\n</VirtualHost>",
            vec![format!(
                "fatal: <VirtualHost>: error resolving 'nosuchhost.invalid': No such file or directory on line 1 of {f}"
            )],
        ),
        (
            "<Global foo>\n</Global>",
            vec![format!("fatal: <Global>: Too many parameters on line 1 of {f}")],
        ),
        (
            "<Class>\n</Class>",
            vec![format!("fatal: <Class>: missing parameters on line 1 of {f}")],
        ),
        (
            "<Directory /tmp>\nAllowOverwrite on\n</Directory foo>",
            vec![format!("fatal: </Directory>: wrong number of parameters on line 3 of {f}")],
        ),
        (
            "<Directory a>\nAllowOverwrite on\n</Directory>",
            vec![format!(
                "fatal: <Directory>: relative path not allowed in non-<Anonymous> sections on line 1 of {f}"
            )],
        ),
        (
            "<Directory *>\nAllowOverwrite on\n</Directory>",
            vec![format!(
                "fatal: <Directory>: relative path not allowed in non-<Anonymous> sections on line 1 of {f}"
            )],
        ),
        (
            "<Anonymous rel>\n</Anonymous>",
            vec![format!(
                "fatal: <Anonymous>: (rel) absolute pathname required on line 1 of {f}"
            )],
        ),
        (
            "<Anonymous %{env:NOPE} rel>\n</Anonymous>",
            vec![format!("fatal: <Anonymous>: () absolute pathname required on line 1 of {f}")],
        ),
        (
            "<Anonymous %{env:NOPE}>\n</Anonymous>",
            vec![format!("fatal: <Anonymous>: missing parameters on line 1 of {f}")],
        ),
        (
            "Include relative.conf",
            vec![format!(
                "fatal: Include: unable to use path for configuration file 'relative.conf' on line 1 of {f}"
            )],
        ),
        (
            "Include",
            vec![format!("fatal: Include: missing parameters on line 1 of {f}")],
        ),
        (
            "Define",
            vec![format!("fatal: Define: missing parameters on line 1 of {f}")],
        ),
        (
            "ServerName x \\\n  y",
            vec![format!("fatal: ServerName: wrong number of parameters on line 2 of {f}")],
        ),
    ];
    for (text, want) in table {
        assert_eq!(err(text), want, "config {text:?}");
    }
}

#[test]
fn accepted_table() {
    // Each of these was accepted by 1.3.8 (`proftpd -t` exit 0).
    for text in [
        "",
        "# only a comment\n\n   \n",
        "Port 21 22",
        "<Global>\n</Global>",
        "<VirtualHost 127.0.0.1>\n<Global>\nPort 2121\n</Global>\n</VirtualHost>",
        "<Directory /a /b>\nAllowOverwrite on\n</Directory>",
        "<Directory ~ftp>\nAllowOverwrite on\n</Directory>",
        "<Directory ~>\nAllowOverwrite on\n</Directory>",
        "<Anonymous ~nosuchuser>\nAllowOverwrite on\n</Anonymous>",
        "<directory /tmp>\nAllowOverwrite on\n</DIRECTORY>",
        "<Directory /tmp >\nAllowOverwrite on\n</Directory>",
        "<Directory \"/a b\">\nAllowOverwrite on\n</Directory>",
        // Empty sections are dropped, so no duplicate.
        "<Directory /tmp>\n</Directory>\n<Directory /tmp>\n</Directory>",
        // Not the same literal path.
        "<Directory /a>\nAllowOverwrite on\n</Directory>\n<Directory /a/>\nAllowOverwrite on\n</Directory>",
        // Inside <Anonymous> duplicates and relative paths are allowed.
        "<Anonymous /tmp>\n<Directory a>\nAllowOverwrite on\n</Directory>\n<Directory a>\nAllowOverwrite on\n</Directory>\n</Anonymous>",
        // Duplicates inside <Global> are not checked against each other...
        "<Global>\n<Directory /tmp>\nAllowOverwrite on\n</Directory>\n<Directory /tmp>\nAllowOverwrite off\n</Directory>\n</Global>",
        // ...nor a server's own section against an earlier <Global> one.
        "<Global>\n<Directory /tmp>\nAllowOverwrite on\n</Directory>\n</Global>\n<Directory /tmp>\nAllowOverwrite off\n</Directory>",
        "<Global>\n<Class a>\nFrom 10.0.0.0/8\n</Class>\n</Global>",
        "</IfModule>",
        "</IfDefine>",
        "<Limit READ WRITE>\nDenyAll\n</Limit>",
        "<Directory /tmp>\n<Limit READ>\nDenyAll\n</Limit>\n</Directory>",
        "<Anonymous /srv/ftp>\n<Directory *>\n<Limit WRITE>\nDenyAll\n</Limit>\n</Directory>\n</Anonymous>",
    ] {
        ok(text);
    }
}

#[test]
fn duplicate_directory_table() {
    let f = "'/etc/p.conf'";
    let table = [
        (
            "<Directory /a>\nAllowOverwrite on\n</Directory>\n<Directory /a>\nAllowOverwrite on\n</Directory>",
            4,
        ),
        (
            "<Directory /tmp>\n<Limit READ>\nDenyAll\n</Limit>\n</Directory>\n<Directory /tmp>\nAllowOverwrite on\n</Directory>",
            6,
        ),
        (
            "<VirtualHost 127.0.0.2>\n<Directory /tmp>\nAllowOverwrite on\n</Directory>\n<Directory /tmp>\nAllowOverwrite off\n</Directory>\n</VirtualHost>",
            5,
        ),
        (
            "<Directory /tmp>\nAllowOverwrite off\n</Directory>\n<Global>\n<Directory /tmp>\nAllowOverwrite on\n</Directory>\n</Global>",
            5,
        ),
    ];
    for (text, line) in table {
        let dir = if text.contains("/tmp") { "/tmp" } else { "/a" };
        assert_eq!(
            err(text),
            [format!(
                "fatal: <Directory>: <Directory> section already configured for '{dir}' on line {line} of {f}"
            )],
            "{text}"
        );
    }
}

#[test]
fn conditionals_table() {
    // (config, defines, expected ServerName of the main server)
    let table: &[(&str, &[&str], Option<&str>)] = &[
        (
            "<IfModule mod_test.c>\nServerName yes\n</IfModule>",
            &[],
            Some("yes"),
        ),
        // Only the exact file name counts (1.3.8).
        (
            "<IfModule mod_test>\nServerName yes\n</IfModule>",
            &[],
            None,
        ),
        (
            "<IfModule !mod_test>\nServerName yes\n</IfModule>",
            &[],
            Some("yes"),
        ),
        (
            "<IfModule MOD_TEST.C>\nServerName yes\n</IfModule>",
            &[],
            None,
        ),
        // A true conditional need not be closed.
        ("<IfModule mod_test.c>\nServerName open", &[], Some("open")),
        ("<IfDefine !X>\nServerName open", &[], Some("open")),
        (
            "<IfModule !mod_test.c>\nServerName no\n</IfModule>",
            &[],
            None,
        ),
        (
            "<IfModule mod_absent.c>\nServerName no\n</IfModule>",
            &[],
            None,
        ),
        (
            "<IfModule !mod_absent.c>\nServerName yes\n</IfModule>",
            &[],
            Some("yes"),
        ),
        // A false body is skipped unparsed: unknown directives, unbalanced
        // sections, bad Includes and nested conditionals do not matter.
        (
            "<IfModule mod_absent.c>\nBogus\n<Directory\n</Limit>\nInclude rel\n<IfModule mod_test.c>\nServerName no\n</IfModule>\nServerName no\n</IfModule>\nServerName after",
            &[],
            Some("after"),
        ),
        (
            "<IfModule mod_absent.c>\n<IfDefine X>\n</IfModule>\nServerName after",
            &[],
            Some("after"),
        ),
        (
            "<IfModule mod_test.c>\n<IfModule mod_other.c>\nServerName both\n</IfModule>\n</IfModule>",
            &[],
            Some("both"),
        ),
        (
            "<IfModule mod_test.c>\n<IfModule mod_absent.c>\nServerName no\n</IfModule>\nServerName outer\n</IfModule>",
            &[],
            Some("outer"),
        ),
        ("<IfDefine X>\nServerName x\n</IfDefine>", &["X"], Some("x")),
        ("<IfDefine X>\nServerName x\n</IfDefine>", &[], None),
        (
            "<IfDefine !X>\nServerName notx\n</IfDefine>",
            &[],
            Some("notx"),
        ),
        ("<IfDefine !X>\nServerName notx\n</IfDefine>", &["X"], None),
        (
            "Define X\n<IfDefine X>\nServerName x\n</IfDefine>",
            &[],
            Some("x"),
        ),
        (
            "<IfDefine X>\nServerName x\n</IfDefine>\nDefine X",
            &[],
            None,
        ),
        ("<ifdefine x>\nServerName x\n</IFDEFINE>", &["X"], None),
        (
            "<IfDefine A>\n<IfDefine B>\nServerName ab\n</IfDefine>\nServerName a\n</IfDefine>",
            &["A"],
            Some("a"),
        ),
        (
            "<IfDefine A>\n<IfDefine B>\nServerName ab\n</IfDefine>\n</IfDefine>",
            &["A", "B"],
            Some("ab"),
        ),
        // Conditionals and sections nest independently.
        (
            "<IfModule mod_test.c>\n<Directory /a>\n</IfModule>\nAllowOverwrite on\n</Directory>\nServerName s",
            &[],
            Some("s"),
        ),
    ];
    for (text, defines, want) in table {
        let out = parse_in(&mut FakeFs::default(), text, defines);
        let t = match out.result {
            Ok(t) => t,
            Err(e) => panic!("{text:?}: {:?}", error_lines(&e)),
        };
        assert_eq!(
            name_at(&t, t.main_server()),
            *want,
            "{text:?} with {defines:?}"
        );
    }
}

#[test]
fn defines_are_recorded() {
    let out = parse_in(
        &mut FakeFs::default(),
        "Define A\nDefine B\nDefine A",
        &["D"],
    );
    let t = out.result.expect("parses");
    assert_eq!(t.defines, ["D", "A", "B"]);
}

#[test]
fn unclosed_conditionals() {
    let f = "'/etc/p.conf'";
    let table = [
        ("<IfModule mod_absent.c>\nfoo", "<IfModule>", 2),
        (
            "<IfModule mod_absent.c>\n<IfModule x>\n</IfModule>",
            "<IfModule>",
            3,
        ),
        ("<IfDefine FOO>\nServerName x\n\n", "<IfDefine>", 4),
        ("<IfDefine FOO>\nServerName x", "<IfDefine>", 2),
    ];
    for (text, name, line) in table {
        assert_eq!(
            err(text),
            [format!(
                "fatal: {name}: unclosed {name} context on line {line} of {f}"
            )],
            "{text:?}"
        );
    }
    assert_eq!(
        err("<IfModule>\n</IfModule>"),
        [format!(
            "fatal: <IfModule>: missing parameters on line 1 of {f}"
        )]
    );
    assert_eq!(
        err("<IfDefine>\n</IfDefine>"),
        [format!(
            "fatal: <IfDefine>: missing parameters on line 1 of {f}"
        )]
    );
}

fn include_fs() -> FakeFs {
    FakeFs::new(&[
        ("/etc/inc/t/a.conf", "ServerName a\n"),
        ("/etc/inc/t/b.conf~", "Bogus\n"),
        ("/etc/inc/t/c.swp", "Bogus\n"),
        ("/etc/inc/t/.hidden", "Port 99\n"),
        ("/etc/inc/name.conf", "ServerName included\n"),
        ("/etc/inc/conf.d/10-port.conf", "Port 2121\n"),
        ("/etc/inc/conf.d/20-name.conf", "ServerName from-dir\n"),
        ("/etc/inc/conf.d/sub/x.conf", "Bogus\n"),
        ("/etc/inc/dir.conf", "AllowOverwrite on\n"),
        ("/etc/inc/bad.conf", "ServerName x\n\nBogus x\n"),
        ("/etc/inc/self.conf", "Include /etc/inc/self.conf\n"),
        (
            "/etc/inc/open.conf",
            "<Directory /tmp>\nAllowOverwrite on\n",
        ),
        ("/etc/inc/close.conf", "</Directory>\n"),
        (
            "/etc/inc/ifmod.conf",
            "<IfModule mod_absent.c>\nServerName x\n",
        ),
    ])
}

#[test]
fn includes_table() {
    /// (config, expected ServerName, expected Port, expected warnings)
    type Case<'a> = (&'a str, Option<&'a str>, Option<u16>, &'a [&'a str]);
    let table: &[Case<'_>] = &[
        ("Include /etc/inc/name.conf", Some("included"), None, &[]),
        (
            "ServerName first\nInclude /etc/inc/name.conf\n",
            Some("included"),
            None,
            &[],
        ),
        (
            "Include /etc/inc/name.conf\nServerName last\n",
            Some("last"),
            None,
            &[],
        ),
        (
            "Include /etc/inc/conf.d/*.conf",
            Some("from-dir"),
            Some(2121),
            &[],
        ),
        (
            "Include /etc/inc/conf.d",
            Some("from-dir"),
            Some(2121),
            &["error: unable to open parse file '/etc/inc/conf.d/sub': Is a directory"],
        ),
        ("Include /etc/inc/conf.d/*.nomatch", None, None, &[]),
        (
            "Include /etc/inc/missing.conf\nServerName goes-on",
            Some("goes-on"),
            None,
            &["warning: unable to include '/etc/inc/missing.conf': No such file or directory"],
        ),
        (
            "<IfModule mod_absent.c>\nInclude /etc/inc/name.conf\n</IfModule>",
            None,
            None,
            &[],
        ),
        // `*` skips dotfiles; a directory include reads them.
        ("Include /etc/inc/t/*a*", Some("a"), None, &[]),
        ("Include /etc/inc/t/*hidden", None, None, &[]),
        (
            "IncludeOptions IgnoreTempFiles\nInclude /etc/inc/t",
            Some("a"),
            Some(99),
            &[],
        ),
        (
            "IncludeOptions IgnoreTempFiles\nInclude /etc/inc/t/*",
            Some("a"),
            None,
            &[],
        ),
        (
            "IncludeOptions IgnoreTempFiles AllowSymlinks IgnoreWildcards\nInclude /etc/inc/t/*.conf",
            Some("a"),
            None,
            &[],
        ),
        // A section may open in one file and close in another.
        (
            "Include /etc/inc/open.conf\nInclude /etc/inc/close.conf",
            None,
            None,
            &[],
        ),
    ];
    for (text, name, port, warnings) in table {
        let out = parse_in(&mut include_fs(), text, &[]);
        let t = match out.result {
            Ok(t) => t,
            Err(e) => panic!("{text:?}: {:?}", error_lines(&e)),
        };
        let main = t.main_server();
        assert_eq!(name_at(&t, main), *name, "{text:?}");
        assert_eq!(t.get(main, &PORT).copied(), *port, "{text:?}");
        assert_eq!(out.warnings, *warnings, "{text:?}");
    }
}

#[test]
fn included_text_keeps_its_context_and_origin() {
    let out = parse_in(
        &mut include_fs(),
        "<Directory /srv>\nInclude /etc/inc/dir.conf\n</Directory>",
        &[],
    );
    let t = out.result.expect("parses");
    let dirs = children_of(&t, t.main_server(), ContextKind::Directory);
    assert_eq!(dirs.len(), 1);
    assert_eq!(t.get_here(dirs[0], &ALLOW_OVERWRITE), Some(&true));
    let rec = &t.ctx(dirs[0]).records[0];
    assert_eq!(&*rec.origin.file, "/etc/inc/dir.conf");
    assert_eq!(rec.origin.line, 1);
}

#[test]
fn include_errors() {
    let run = |text: &str| match parse_in(&mut include_fs(), &format!("{text}\n"), &[]).result {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => error_lines(&e),
    };
    // An error inside an included file names that file and line; it is
    // fatal here (1.3.8 only warns and silently drops the rest of the
    // configuration, see mod.rs).
    assert_eq!(
        run("Include /etc/inc/bad.conf"),
        [
            "fatal: unknown configuration directive 'Bogus' on line 3 of '/etc/inc/bad.conf'",
            "fatal: Did you mean:\n  From\n  Port",
        ]
    );
    assert_eq!(
        run("Include /etc/inc/self.conf"),
        [format!(
            "fatal: Include: too many nested Includes (limit {}) including '/etc/inc/self.conf' on line 1 of '/etc/inc/self.conf'",
            super::MAX_INCLUDE_DEPTH
        )]
    );
    // Temp files are only skipped with IgnoreTempFiles, and a later
    // IncludeOptions replaces the earlier one.
    assert_eq!(
        run("Include /etc/inc/t/*")[0],
        "fatal: unknown configuration directive 'Bogus' on line 1 of '/etc/inc/t/b.conf~'"
    );
    assert_eq!(
        run("IncludeOptions IgnoreTempFiles\nIncludeOptions AllowSymlinks\nInclude /etc/inc/t/*")
            [0],
        "fatal: unknown configuration directive 'Bogus' on line 1 of '/etc/inc/t/b.conf~'"
    );
    // ...and a file named explicitly is always read.
    assert_eq!(
        run("IncludeOptions IgnoreTempFiles\nInclude /etc/inc/t/c.swp")[0],
        "fatal: unknown configuration directive 'Bogus' on line 1 of '/etc/inc/t/c.swp'"
    );
    let out = parse_in(
        &mut include_fs(),
        "IncludeOptions IgnoreWildcards\nInclude /etc/inc/*/x.conf\n",
        &[],
    );
    assert_eq!(
        out.result.map_err(|e| error_lines(&e)).err(),
        Some(vec![
            "fatal: Include: error including '/etc/inc/*/x.conf': Invalid argument on line 2 of '/etc/p.conf'"
                .to_string()
        ])
    );
    assert_eq!(
        out.warnings,
        ["error: wildcard patterns not allowed in configuration directory name '/etc/inc/*'"]
    );
    let f = "'/etc/p.conf'";
    for (text, want) in [
        (
            "IncludeOptions",
            format!("fatal: IncludeOptions: wrong number of parameters on line 1 of {f}"),
        ),
        (
            "IncludeOptions ignoretempfiles",
            format!(
                "fatal: IncludeOptions: unknown IncludeOption 'ignoretempfiles' on line 1 of {f}"
            ),
        ),
        (
            "<Global>\nIncludeOptions IgnoreTempFiles\n</Global>",
            format!(
                "fatal: IncludeOptions: directive not allowed in <Global> context on line 2 of {f}"
            ),
        ),
        (
            "<VirtualHost 10.0.0.1>\nIncludeOptions IgnoreTempFiles\n</VirtualHost>",
            format!(
                "fatal: IncludeOptions: directive not allowed in <VirtualHost> context on line 2 of {f}"
            ),
        ),
    ] {
        assert_eq!(run(text), [want], "{text:?}");
    }
    // Unclosed sections are reported against the main file, after all.
    assert_eq!(
        run("Include /etc/inc/open.conf"),
        [
            "fatal: error processing configuration file '/etc/p.conf': unclosed configuration section"
        ]
    );
    // A skipped body must end within its own file.
    assert_eq!(
        run("Include /etc/inc/ifmod.conf\n</IfModule>"),
        ["fatal: <IfModule>: unclosed <IfModule> context on line 2 of '/etc/inc/ifmod.conf'"]
    );
}

#[test]
fn virtual_hosts_are_servers() {
    let t = ok(
        "ServerName main\n<VirtualHost 10.0.0.1 10.0.0.2>\nServerName one\n</VirtualHost>\n<VirtualHost 10.0.0.3>\nPort 2121\n</VirtualHost>",
    );
    assert_eq!(t.servers.len(), 3);
    let (main, one, two) = (t.servers[0], t.servers[1], t.servers[2]);
    assert_eq!(t.ctx(main).kind, ContextKind::Server);
    assert_eq!(t.ctx(one).kind, ContextKind::VirtualHost);
    assert_eq!(t.ctx(one).args, ["10.0.0.1", "10.0.0.2"]);
    assert_eq!(t.ctx(one).parent, None);
    assert_eq!(name_at(&t, main), Some("main"));
    assert_eq!(name_at(&t, one), Some("one"));
    // Nothing flows from the main server into a virtual host.
    assert_eq!(name_at(&t, two), None);
    assert_eq!(t.get(two, &PORT), Some(&2121));
}

#[test]
fn global_is_copied_into_every_server() {
    let t = ok(
        "<Global>\nServerName global\nPort 2000\n<Directory /pub>\nAllowOverwrite on\n</Directory>\n</Global>\n\
         Port 21\n\
         <Directory /main>\nAllowOverwrite off\n</Directory>\n\
         <VirtualHost 10.0.0.1>\nServerName vhost\n</VirtualHost>\n\
         <Global>\nAllowOverwrite off\n</Global>",
    );
    assert_eq!(t.servers.len(), 2);
    let (main, vhost) = (t.servers[0], t.servers[1]);
    // The server's own setting wins over <Global>, wherever it is written.
    assert_eq!(name_at(&t, main), Some("global"));
    assert_eq!(name_at(&t, vhost), Some("vhost"));
    assert_eq!(t.get(main, &PORT), Some(&21));
    assert_eq!(t.get(vhost, &PORT), Some(&2000));
    // Several <Global> blocks concatenate.
    assert_eq!(t.get(vhost, &ALLOW_OVERWRITE), Some(&false));
    // Global records come before the server's own.
    let names: Vec<&str> = t.ctx(main).records.iter().map(|r| r.name).collect();
    assert_eq!(names, ["ServerName", "Port", "AllowOverwrite", "Port"]);
    // Sections inside <Global> are copied into each server, after its own.
    let dirs: Vec<Vec<String>> = children_of(&t, main, ContextKind::Directory)
        .into_iter()
        .map(|d| t.ctx(d).args.clone())
        .collect();
    assert_eq!(dirs, [vec!["/main".to_string()], vec!["/pub".to_string()]]);
    let vdirs = children_of(&t, vhost, ContextKind::Directory);
    assert_eq!(vdirs.len(), 1);
    assert_eq!(t.ctx(vdirs[0]).parent, Some(vhost));
    assert_eq!(t.get(vdirs[0], &ALLOW_OVERWRITE), Some(&true));
    assert_eq!(name_at(&t, vdirs[0]), Some("vhost"));
    // No <Global> context survives, and every id is consistent.
    assert!(t.contexts.iter().all(|c| c.kind != ContextKind::Global));
    for (i, c) in t.contexts.iter().enumerate() {
        for ch in &c.children {
            assert_eq!(t.ctx(*ch).parent, Some(CtxId(i)));
        }
    }
}

#[test]
fn global_inside_a_virtual_host_reaches_all_servers() {
    let t = ok("<VirtualHost 10.0.0.1>\n<Global>\nPort 2121\n</Global>\n</VirtualHost>");
    for &s in &t.servers {
        assert_eq!(t.get(s, &PORT), Some(&2121));
    }
}

#[test]
fn nested_sections_build_the_tree() {
    let t = ok(
        "<Anonymous ~ftp>\nAllowOverwrite off\n<Directory incoming>\nAllowOverwrite on\n<Limit READ WRITE>\nDenyAll\n</Limit>\n</Directory>\n</Anonymous>\n<Class internal>\nFrom 10.0.0.0/8\n</Class>",
    );
    let main = t.main_server();
    let anon: Vec<CtxId> = t.anonymous_of(main).collect();
    assert_eq!(anon.len(), 1);
    assert_eq!(t.ctx(anon[0]).args, ["~ftp"]);
    let dir = children_of(&t, anon[0], ContextKind::Directory);
    assert_eq!(dir.len(), 1);
    assert_eq!(t.ctx(dir[0]).args, ["incoming"]);
    let limit = children_of(&t, dir[0], ContextKind::Limit);
    assert_eq!(limit.len(), 1);
    assert_eq!(t.ctx(limit[0]).args, ["READ", "WRITE"]);
    assert_eq!(t.get(limit[0], &ALLOW_OVERWRITE), Some(&true));
    assert!(t.get_here(limit[0], &DENY_ALL).is_some());
    let class = children_of(&t, main, ContextKind::Class);
    assert_eq!(
        t.get_here(class[0], &FROM).map(String::as_str),
        Some("10.0.0.0/8")
    );
}

#[test]
fn empty_sections_are_dropped() {
    let t = ok(
        "<Directory /a>\n</Directory>\n<Limit READ>\n</Limit>\n<Directory /b>\n<Limit WRITE>\n</Limit>\n</Directory>\nServerName s",
    );
    // /b is empty too once its empty <Limit> is dropped.
    assert_eq!(t.contexts.len(), 1);
    assert_eq!(name_at(&t, t.main_server()), Some("s"));
    let out = parse_in(&mut FakeFs::default(), "<Class c>\n</Class>", &[]);
    assert!(out.result.is_ok());
    assert_eq!(out.warnings, ["warning: empty <Class> definition"]);
}

#[test]
fn error_lines_formats() {
    use proftpd_api::config::Origin;
    let origin = Origin {
        file: "/f".into(),
        line: 7,
    };
    let unknown = |s: &[&str]| ConfigError::Unknown {
        name: "Bogus".into(),
        origin: origin.clone(),
        suggestions: s.iter().map(|x| x.to_string()).collect(),
    };
    let head = "fatal: unknown configuration directive 'Bogus' on line 7 of '/f'".to_string();
    assert_eq!(error_lines(&unknown(&[])), std::slice::from_ref(&head));
    assert_eq!(
        error_lines(&unknown(&["Port"])),
        [head.clone(), "fatal: Did you mean: Port".into()]
    );
    assert_eq!(
        error_lines(&unknown(&["From", "Port", "Allow", "Group", "Extra"])),
        [
            head,
            "fatal: Did you mean:\n  From\n  Port\n  Allow\n  Group".into()
        ]
    );
    let d = ConfigError::Directive {
        directive: "Port".into(),
        message: "missing parameters".into(),
        origin: origin.clone(),
    };
    assert_eq!(
        error_lines(&d),
        ["fatal: Port: missing parameters on line 7 of '/f'"]
    );
    let s = ConfigError::Syntax {
        message: "unable to read configuration file '/x': No such file or directory".into(),
        origin,
    };
    assert_eq!(
        error_lines(&s),
        ["fatal: unable to read configuration file '/x': No such file or directory"]
    );
}

#[test]
fn suggestions_include_builtins() {
    assert_eq!(
        err("<Directoryy /a>\n</Directoryy>"),
        [
            "fatal: unknown configuration directive '<Directoryy>' on line 1 of '/etc/p.conf'"
                .to_string(),
            "fatal: Did you mean:\n  <Directory>\n  </Directory>".into(),
        ]
    );
    assert_eq!(
        err("Includ /x"),
        [
            "fatal: unknown configuration directive 'Includ' on line 1 of '/etc/p.conf'"
                .to_string(),
            // Both are prefix matches (1.3.8 prints the same).
            "fatal: Did you mean:\n  Include\n  IncludeOptions".into(),
        ]
    );
}

#[test]
fn builtin_names_are_exported() {
    let names = super::builtin_directive_names();
    for n in ["<Global>", "</Limit>", "<IfModule>", "Include", "Define"] {
        assert!(names.contains(&n), "{n}");
    }
}

#[test]
fn load_reads_the_file_system() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inc = dir.path().join("inc.conf");
    std::fs::write(&inc, "Port 2121\n").expect("write");
    let main = dir.path().join("main.conf");
    std::fs::write(
        &main,
        format!("ServerName disk\nInclude {}\n", inc.display()),
    )
    .expect("write");
    let opts = ParseOptions {
        defines: Vec::new(),
        modules: MODULES,
    };
    let t = super::load(&main, &opts).expect("loads");
    assert_eq!(name_at(&t, t.main_server()), Some("disk"));
    assert_eq!(t.get(t.main_server(), &PORT), Some(&2121));

    let missing = dir.path().join("missing.conf");
    let e = super::load(&missing, &opts).expect_err("missing file");
    assert_eq!(
        error_lines(&e),
        [format!(
            "fatal: unable to read configuration file '{}': No such file or directory",
            missing.display()
        )]
    );
}

#[test]
fn parser_never_panics_on_odd_input() {
    let samples = [
        "<",
        ">",
        "<>",
        "</>",
        "<<>>",
        "</Global>",
        "<Global",
        "<IfModule !>",
        "<IfDefine !>\n</IfDefine>",
        "\"",
        "\\",
        "<Directory \"\">\n</Directory>",
        "<Limit \"\">\n</Limit>",
        "Include /",
        "Include /*",
        "Include //",
        "<VirtualHost \"\">\n</VirtualHost>",
        "\u{0}",
    ];
    for s in samples {
        let _ = parse(s);
    }
}

#[test]
fn parser_survives_random_token_soup() {
    // A cheap stand-in for the fuzzer: random lines built from the tokens
    // that drive the parser's state (sections, conditionals, quotes,
    // continuations, env references, Includes), with the tree checked for
    // consistency whenever a parse succeeds.
    const TOKENS: &[&str] = &[
        "<Global>",
        "</Global>",
        "<VirtualHost 10.0.0.1>",
        "</VirtualHost>",
        "<Anonymous /a>",
        "<Anonymous rel>",
        "</Anonymous>",
        "<Directory /d>",
        "<Directory d>",
        "</Directory>",
        "<Limit READ>",
        "<Limit>",
        "</Limit>",
        "<Class c>",
        "</Class>",
        "<IfModule mod_test.c>",
        "<IfModule !mod_test.c>",
        "<IfModule mod_x.c>",
        "</IfModule>",
        "<IfDefine X>",
        "<IfDefine !X>",
        "</IfDefine>",
        "Define X",
        "Include /etc/inc/name.conf",
        "Include /etc/inc/conf.d/*.conf",
        "Include /etc/inc/self.conf",
        "Include rel",
        "ServerName a",
        "Port 21",
        "AllowOverwrite on",
        "AllowOverwrite maybe",
        "DenyAll",
        "From 10.0.0.0/8",
        "Bogus",
        "\"",
        "\\",
        "#",
        "%{env:NAME}",
        "%{env:",
        ">",
        "<",
        "\u{e9}",
        "\r",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(next() % 12) {
            for _ in 0..(1 + next() % 3) {
                let i = usize::try_from(next() % TOKENS.len() as u64).unwrap_or(0);
                text.push_str(TOKENS.get(i).copied().unwrap_or(""));
                text.push(' ');
            }
            text.push(if next() % 7 == 0 { '\\' } else { '\n' });
            if next() % 5 == 0 {
                text.push('\n');
            }
        }
        if let Ok(t) = parse_in(&mut include_fs(), &text, &[]).result {
            assert!(!t.servers.is_empty(), "{text:?}");
            for (i, c) in t.contexts.iter().enumerate() {
                assert_ne!(c.kind, ContextKind::Global, "{text:?}");
                for ch in &c.children {
                    assert_eq!(t.ctx(*ch).parent, Some(CtxId(i)), "{text:?}");
                }
            }
        }
    }
}

#[test]
fn symlinked_directories_are_not_directory_includes() {
    // 1.3.8 lstat()s the Include path: `Include /link-to-dir` warns "Is a
    // directory", while `Include /link-to-dir/` reads the directory.
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real");
    std::fs::create_dir(&real).expect("mkdir");
    std::fs::write(real.join("a.conf"), "Port 2121\n").expect("write");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let opts = ParseOptions {
        defines: Vec::new(),
        modules: MODULES,
    };
    let run = |text: String| {
        let mut warnings = Vec::new();
        let mut warn = |w: String| warnings.push(w);
        let t = parser::parse_with(
            text.as_bytes(),
            "/etc/p.conf",
            &opts,
            &mut super::FsLoader,
            &env,
            &mut warn,
        )
        .expect("parses");
        (t.get(t.main_server(), &PORT).copied(), warnings)
    };
    assert_eq!(
        run(format!("Include {}", link.display())),
        (
            None,
            vec![format!(
                "warning: unable to include '{}': Is a directory",
                link.display()
            )]
        )
    );
    assert_eq!(
        run(format!("Include {}/", link.display())),
        (Some(2121), vec![])
    );
    assert_eq!(
        run(format!("Include {}", real.display())),
        (Some(2121), vec![])
    );
}

#[test]
fn line_numbers_without_final_newline() {
    // 1.3.8 numbers lines by the newlines it has read, so a last line
    // without one carries the previous number (measured: "line 0" for a
    // one-line file, "line 1" for `ServerName x\nBogusZ`).
    let f = "'/etc/p.conf'";
    let table = [
        (
            "<Anonymous rel>",
            "<Anonymous>: (rel) absolute pathname required on line 0",
        ),
        ("Port 21\nPort", "Port: missing parameters on line 1"),
        ("Port 21\nPort\n", "Port: missing parameters on line 2"),
        ("Port 21\nPort\\\n", "Port: missing parameters on line 2"),
        (
            "Port 21\nPort \\\nx y\\\n",
            "Port: invalid number: 'x' on line 3",
        ),
        ("Port 21\r\nPort\r", "Port: missing parameters on line 1"),
        (
            "<IfDefine FOO>\nServerName x",
            "<IfDefine>: unclosed <IfDefine> context on line 1",
        ),
    ];
    for (text, want) in table {
        let got = parse(text).map_err(|e| error_lines(&e)).err();
        assert_eq!(got, Some(vec![format!("fatal: {want} of {f}")]), "{text:?}");
    }
}
