//! The `proftpd` command line (spec/admin.md §1).
//!
//! The option parser is hand-rolled rather than clap: scripts parse
//! ProFTPD's outputs, and clap cannot reproduce them. 1.3.8 uses glibc
//! `getopt_long` (options and operands permuted, clustered short options,
//! unique long-option prefixes, `--` ends options) and acts on some
//! options *while* parsing: `-t` prints its banner at once, `-h`, `-l` and
//! `-V` print and exit on the spot, a bad `-p` is fatal right away; `-v`
//! and leftover operands are dealt with after the loop. So `-h -x` exits 0
//! while `-x -h` exits 1, `-t -l` prints both banners, and `-vv` is just a
//! repeated `-v`. All of that, plus the exact usage text on stdout and
//! `unknown option: x` in the log format, is what is measured below against
//! ProFTPD 1.3.8.

use std::io::Write as _;
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::Arc;

use mod_core::keys::{self, ServerType};
use proftpd_api::config::ConfigTree;
use proftpd_api::module::ModuleDef;
use proftpd_api::{PROFTPD_STATUS, PROFTPD_VERSION};

use crate::config::{self, ParseOptions};
use crate::logging;
use crate::master;
use crate::session::{self, SessionStart};
use crate::static_modules::static_modules;

/// Debian's `--sysconfdir=/etc/proftpd`.
pub const DEFAULT_CONFIG: &str = "/etc/proftpd/proftpd.conf";
/// Debian's `--localstatedir=/run`.
pub const DEFAULT_PID_FILE: &str = "/run/proftpd.pid";
pub const DEFAULT_SCOREBOARD: &str = "/run/proftpd.scoreboard";

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub config: PathBuf,
    /// `-d N`: as C's `atoi`, capped to 10.
    pub debug: Option<u8>,
    /// `-D label`, in order; they survive SIGHUP.
    pub defines: Vec<String>,
    pub nodaemon: bool,
    pub quiet: bool,
    pub configtest: bool,
    /// How many `-v` (2 or more is `-vv`).
    pub version: u32,
    pub nocollision: bool,
    pub serveraddr: Option<String>,
    pub nofork: bool,
    pub ipv4: bool,
    pub ipv6: bool,
    /// Hidden test flag: `Port 0` binds an ephemeral port and the bound
    /// addresses are written here.
    pub port_file: Option<PathBuf>,
    /// Operands that are not options (an error once parsing is done).
    pub leftovers: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: PathBuf::from(DEFAULT_CONFIG),
            debug: None,
            defines: Vec::new(),
            nodaemon: false,
            quiet: false,
            configtest: false,
            version: 0,
            nocollision: false,
            serveraddr: None,
            nofork: false,
            ipv4: false,
            ipv6: false,
            port_file: None,
            leftovers: Vec::new(),
        }
    }
}

/// An option the parser met, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Opt {
    /// A known option (its short letter; `--version-status` is `2`,
    /// `--port-file` is `P`) and its argument.
    Known(char, Option<String>),
    /// getopt's `?`: the letter it reports (`\0` for an unknown long one).
    Unknown(char),
}

/// Long options: name, short letter, takes an argument.
const LONG: &[(&str, char, bool)] = &[
    ("config", 'c', true),
    ("configtest", 't', false),
    ("debug", 'd', true),
    ("define", 'D', true),
    ("help", 'h', false),
    ("ipv4", '4', false),
    ("ipv6", '6', false),
    ("list", 'l', false),
    ("nocollision", 'N', false),
    ("nodaemon", 'n', false),
    ("nofork", 'X', false),
    ("persistent", 'p', true),
    ("quiet", 'q', false),
    ("serveraddr", 'S', true),
    ("settings", 'V', false),
    ("version", 'v', false),
    ("version-status", '2', false),
    ("port-file", 'P', true),
];

/// Short options with an argument (`D:`, `c:`, `d:`, `p:`, `S:`).
fn short_takes_arg(c: char) -> Option<bool> {
    match c {
        'D' | 'c' | 'd' | 'p' | 'S' => Some(true),
        'N' | 'V' | 'h' | 'l' | 'n' | 'q' | 't' | 'v' | 'X' | '4' | '6' => Some(false),
        _ => None,
    }
}

/// Splits the arguments as glibc `getopt_long` would (with permutation):
/// the options in order, and the operands.
fn getopt(args: &[String]) -> (Vec<Opt>, Vec<String>) {
    let mut opts = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let exact = LONG.iter().find(|(n, _, _)| *n == name);
            let found = exact.or_else(|| {
                let mut it = LONG.iter().filter(|(n, _, _)| n.starts_with(name));
                match (it.next(), it.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            });
            match found {
                None => opts.push(Opt::Unknown('\0')),
                Some(&(_, c, true)) => match inline {
                    Some(v) => opts.push(Opt::Known(c, Some(v))),
                    None if i < args.len() => {
                        opts.push(Opt::Known(c, Some(args[i].clone())));
                        i += 1;
                    }
                    None => opts.push(Opt::Unknown(c)),
                },
                Some(&(_, c, false)) => {
                    if inline.is_some() {
                        opts.push(Opt::Unknown(c));
                    } else {
                        opts.push(Opt::Known(c, None));
                    }
                }
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                match short_takes_arg(c) {
                    None => opts.push(Opt::Unknown(c)),
                    Some(false) => opts.push(Opt::Known(c, None)),
                    Some(true) => {
                        if k < chars.len() {
                            opts.push(Opt::Known(c, Some(chars[k..].iter().collect())));
                        } else if i < args.len() {
                            opts.push(Opt::Known(c, Some(args[i].clone())));
                            i += 1;
                        } else {
                            opts.push(Opt::Unknown(c));
                        }
                        break;
                    }
                }
            }
            continue;
        }
        operands.push(a.clone());
    }
    (opts, operands)
}

/// 1.3.8's `-h` text (stdout).
pub const USAGE: &str = "usage: proftpd [options]
 -h, --help
     Display proftpd usage
 -N, --nocollision
     Disable address/port collision checking
 -n, --nodaemon
     Disable background daemon mode (and send all output to stderr)
 -q, --quiet
     Don't send output to stderr when running with -n or --nodaemon
 -d [level], --debug
     Set debugging level (0-10, 10 = most debugging)
 -D [definition], --define
     Set arbitrary IfDefine definition
 -c [config-file], --config
     Specify alternate configuration file
 -p [0|1], --persistent
     Enable/disable default persistent passwd support
 -l, --list
     List all compiled-in modules
 -S, --serveraddr
     Specify IP address for server config
 -t, --configtest
     Test the syntax of the specified config
 -V, --settings
     Print compile-time settings and exit
 -v, --version
     Print version number and exit
 -vv, --version-status
     Print extended version information and exit
 -X, --nofork
     Non-forking debug mode; exits after one session
 -4, --ipv4
     Support IPv4 connections only
 -6, --ipv6
     Support IPv6 connections
";

/// What option parsing decided.
#[derive(Debug)]
pub enum Parsed {
    Run(Options),
    /// Print nothing more; exit with this status (the output is done).
    Exit(i32),
}

fn out(s: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(s.as_bytes());
    let _ = o.flush();
}

/// Parses the arguments (without the program name), acting on the
/// immediate options as 1.3.8 does.
pub fn parse(args: &[String], modules: &[&'static ModuleDef]) -> Parsed {
    let (opts, operands) = getopt(args);
    let mut o = Options::default();
    for opt in opts {
        match opt {
            Opt::Unknown(c) => {
                let shown = if c == '\0' {
                    String::new()
                } else {
                    c.to_string()
                };
                log::error!("unknown option: {shown}");
                out(USAGE);
                return Parsed::Exit(1);
            }
            Opt::Known(c, arg) => {
                let arg = arg.unwrap_or_default();
                match c {
                    'h' => {
                        out(USAGE);
                        return Parsed::Exit(0);
                    }
                    'l' => {
                        out(&list_modules(modules));
                        return Parsed::Exit(0);
                    }
                    'V' => {
                        out(&settings());
                        return Parsed::Exit(0);
                    }
                    't' => {
                        out("Checking syntax of configuration file\n");
                        o.configtest = true;
                    }
                    // Accepted and ignored (deprecated), but still checked.
                    'p' if arg != "0" && arg != "1" => {
                        log::error!("fatal: -p requires Boolean (0|1) parameter");
                        return Parsed::Exit(1);
                    }
                    'c' => o.config = PathBuf::from(arg),
                    'd' => {
                        let n = mod_core::directives::atoi(&arg).clamp(0, 10);
                        o.debug = Some(n as u8);
                    }
                    'D' => o.defines.push(arg),
                    'n' => o.nodaemon = true,
                    'q' => o.quiet = true,
                    'N' => o.nocollision = true,
                    'S' => o.serveraddr = Some(arg),
                    'X' => o.nofork = true,
                    '4' => o.ipv4 = true,
                    '6' => o.ipv6 = true,
                    'v' => o.version += 1,
                    '2' => o.version = o.version.max(2),
                    // Made absolute now: the daemon chdirs to / later.
                    'P' => {
                        let p = PathBuf::from(arg);
                        o.port_file = Some(match std::env::current_dir() {
                            Ok(cwd) if p.is_relative() => cwd.join(p),
                            _ => p,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    o.leftovers = operands;
    Parsed::Run(o)
}

/// `-l`: the compiled-in modules in load order.
pub fn list_modules(modules: &[&'static ModuleDef]) -> String {
    let mut s = String::from("Compiled-in modules:\n");
    for m in modules {
        s.push_str(&format!("  {}\n", m.file_name()));
    }
    s
}

/// `-vv`: version facts, then the modules in priority order.
pub fn version_status(modules: &[&'static ModuleDef]) -> String {
    let mut s = format!(
        "ProFTPD Version: {PROFTPD_VERSION} ({PROFTPD_STATUS})\n  \
         Scoreboard Version: 01040003\n  Built: {}\n\nLoaded modules:\n",
        build_stamp()
    );
    for m in modules.iter().rev() {
        if m.version.is_empty() {
            s.push_str(&format!("  {}.c\n", m.name));
        } else {
            s.push_str(&format!("  {}/{}\n", m.name, m.version));
        }
    }
    s
}

/// When this binary was built, in 1.3.8's `Built:` format
/// (`Fri May 1 2026 20:02:15 UTC`). There is no build script to stamp a
/// compile time, so the executable's mtime stands in for it.
pub fn build_stamp() -> String {
    let mtime = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    mtime
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .strftime("%a %b %-d %Y %H:%M:%S UTC")
        .to_string()
}

/// `-V`: 1.3.8's block structure with this build's facts.
pub fn settings() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let mut s = String::new();
    s.push_str("Compile-time Settings:\n");
    s.push_str(&format!(
        "  Version: {PROFTPD_VERSION} ({PROFTPD_STATUS})\n"
    ));
    s.push_str(&format!(
        "  Platform: LINUX [Linux {release} {}]\n",
        std::env::consts::ARCH
    ));
    s.push_str(&format!("  Built: {}\n", build_stamp()));
    s.push_str(&format!(
        "  Built With:\n    cargo build (proftpd-rs {})\n\n",
        env!("CARGO_PKG_VERSION")
    ));
    s.push_str("  Files:\n");
    s.push_str(&format!(
        "    Configuration File:\n      {DEFAULT_CONFIG}\n"
    ));
    s.push_str(&format!("    Pid File:\n      {DEFAULT_PID_FILE}\n"));
    s.push_str(&format!(
        "    Scoreboard File:\n      {DEFAULT_SCOREBOARD}\n\n"
    ));
    s.push_str(
        "  Info:\n    + Max supported UID: 4294967295\n    + Max supported GID: 4294967295\n\n",
    );
    s.push_str("  Features:\n");
    let features: &[(bool, &str)] = &[
        (false, "Autoshadow support"),
        (false, "Controls support"),
        (false, "curses support"),
        (false, "Developer support"),
        (false, "DSO support"),
        (true, "IPv6 support"),
        (true, "Largefile support"),
        (false, "Lastlog support"),
        (false, "Memcache support"),
        (false, "ncursesw support"),
        (false, "NLS support"),
        (false, "OpenSSL support"),
        (false, "PCRE support"),
        (false, "PCRE2 support"),
        (false, "POSIX ACL support"),
        (false, "Redis support"),
        (false, "Sendfile support"),
        (true, "Shadow file support"),
        (false, "Sodium support"),
        (false, "Trace support"),
        (false, "xattr support"),
    ];
    for (on, name) in features {
        s.push_str(&format!("    {} {name}\n", if *on { '+' } else { '-' }));
    }
    s.push_str("\n  Tunable Options:\n");
    let tunables: &[(&str, u32)] = &[
        ("PR_TUNABLE_BUFFER_SIZE", 1024),
        ("PR_TUNABLE_DEFAULT_RCVBUFSZ", 8192),
        ("PR_TUNABLE_DEFAULT_SNDBUFSZ", 8192),
        ("PR_TUNABLE_ENV_MAX", 2048),
        ("PR_TUNABLE_GLOBBING_MAX_MATCHES", 100_000),
        ("PR_TUNABLE_GLOBBING_MAX_RECURSION", 8),
        ("PR_TUNABLE_HASH_TABLE_SIZE", 40),
        ("PR_TUNABLE_LOGIN_MAX", 256),
        ("PR_TUNABLE_NEW_POOL_SIZE", 512),
        ("PR_TUNABLE_PATH_MAX", 4096),
        ("PR_TUNABLE_SCOREBOARD_BUFFER_SIZE", 80),
        ("PR_TUNABLE_SCOREBOARD_SCRUB_TIMER", 30),
        ("PR_TUNABLE_SELECT_TIMEOUT", 30),
        ("PR_TUNABLE_TIMEOUTIDENT", 10),
        ("PR_TUNABLE_TIMEOUTIDLE", 600),
        ("PR_TUNABLE_TIMEOUTLINGER", 10),
        ("PR_TUNABLE_TIMEOUTLOGIN", 300),
        ("PR_TUNABLE_TIMEOUTNOXFER", 300),
        ("PR_TUNABLE_TIMEOUTSTALLED", 3600),
        ("PR_TUNABLE_XFER_SCOREBOARD_UPDATES", 10),
    ];
    for (name, v) in tunables {
        s.push_str(&format!("    {name} = {v}\n"));
    }
    s.push('\n');
    s
}

/// Reads the config with the command line's defines; on error logs 1.3.8's
/// `fatal:` lines (one log message per element) and returns `None`.
pub fn load_config(opts: &Options, modules: &[&'static ModuleDef]) -> Option<ConfigTree> {
    let popts = ParseOptions {
        defines: opts.defines.clone(),
        modules,
    };
    match config::load(&opts.config, &popts) {
        Ok(tree) => Some(tree),
        Err(e) => {
            for line in config::error_lines(&e) {
                log::error!("{line}");
            }
            None
        }
    }
}

/// Runs the `proftpd` command line; returns the exit status.
pub fn main() -> i32 {
    logging::init();
    mod_core::directives::set_env_hook(master::fork::set_env);
    let modules = static_modules();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse(&args, &modules) {
        Parsed::Exit(code) => return code,
        Parsed::Run(o) => o,
    };
    if let Some(first) = opts.leftovers.first() {
        log::error!("fatal: unknown parameter: '{first}'");
        return 1;
    }
    if opts.version == 1 {
        out(&format!("ProFTPD Version {PROFTPD_VERSION}\n"));
        return 0;
    }
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    logging::set_hostname(&hostname);
    if let Some(d) = opts.debug {
        logging::set_debug_level(d);
    }
    if !opts.config.is_absolute() {
        log::error!("fatal: -c requires an absolute path");
        return 1;
    }
    let Some(tree) = load_config(&opts, &modules) else {
        return 1;
    };
    if opts.version >= 2 {
        out(&version_status(&modules));
        return 0;
    }
    if let Some(addr) = &opts.serveraddr {
        if master::listen::resolve(addr, true).is_empty() {
            // 1.3.8 then has no main server and gives up on the config.
            log::warn!("warning: unable to determine IP address of '{addr}'");
            log::error!("error: no valid servers configured");
            log::error!(
                "fatal: error processing configuration file '{}'",
                opts.config.display()
            );
            return 1;
        }
    }
    if !opts.nocollision {
        for w in collision_warnings(&tree, &opts, &hostname) {
            log::warn!("{w}");
        }
    }
    let main = tree.main_server();
    logging::set_server_name(&master::server_fqdn(&tree, main, &opts, &hostname));
    let settings = log_settings(&opts, &tree);
    if opts.configtest {
        // 1.3.8 opens SystemLog during -t too: a bad path fails the test.
        if let Some(Some(path)) = &settings.system_log {
            if let Err(e) = logging::open_system_log(path) {
                log::error!("{e}");
                return 1;
            }
        }
        return 0;
    }
    if let Err(e) = master::init_modules(&tree, &modules) {
        log::error!("fatal: {e}");
        return 1;
    }
    let modules: Arc<[&'static ModuleDef]> = modules.into();
    let server_type = tree
        .get(main, &keys::SERVER_TYPE)
        .copied()
        .unwrap_or_default();
    match server_type {
        ServerType::Inetd => run_inetd(tree, modules, &settings),
        ServerType::Standalone => master::run(master::MasterStart {
            opts,
            config: tree,
            modules,
            log: settings,
            hostname,
        }),
    }
}

/// 1.3.8's address/port collision check between servers (`-N` skips it):
/// a server whose address and port an earlier server already has.
pub fn collision_warnings(tree: &ConfigTree, opts: &Options, hostname: &str) -> Vec<String> {
    let name_of = |s| {
        tree.get(s, &keys::SERVER_NAME)
            .cloned()
            .unwrap_or_else(|| "ProFTPD".to_string())
    };
    let mut owners: Vec<(std::net::IpAddr, u16, String)> = Vec::new();
    let mut out = Vec::new();
    for &server in &tree.servers {
        let port = master::listen::port(tree, server);
        if port == 0 {
            continue;
        }
        let name = name_of(server);
        let mut mine = Vec::new();
        for n in master::listen::server_names(tree, server, opts.serveraddr.as_deref(), hostname) {
            for ip in master::listen::resolve(&n, true) {
                if let Some((_, _, owner)) = owners.iter().find(|(a, p, _)| *a == ip && *p == port)
                {
                    out.push(format!(
                        "warning: \"{name}\" address/port ({ip}:{port}) already in use by \"{owner}\""
                    ));
                } else {
                    mine.push((ip, port, name.clone()));
                }
            }
        }
        owners.extend(mine);
    }
    out
}

/// The log settings the command line and the main server ask for.
pub fn log_settings(opts: &Options, tree: &ConfigTree) -> logging::LogSettings {
    let main = tree.main_server();
    logging::LogSettings {
        nodaemon: opts.nodaemon,
        quiet: opts.quiet,
        system_log: tree.get(main, &keys::SYSTEM_LOG).map(|t| match t {
            keys::LogTarget::File(p) => Some(p.clone()),
            keys::LogTarget::None => None,
        }),
        facility: tree.get(main, &keys::SYSLOG_FACILITY).cloned(),
        level: tree.get(main, &keys::SYSLOG_LEVEL).copied(),
        cli_debug: opts.debug,
        config_debug: tree.get(main, &keys::DEBUG_LEVEL).copied(),
    }
}

/// `ServerType inetd`: the connection is fd 0; serve it and exit.
fn run_inetd(
    tree: ConfigTree,
    modules: Arc<[&'static ModuleDef]>,
    settings: &logging::LogSettings,
) -> i32 {
    // Under inetd stderr is the socket too: never log there.
    let mut s = settings.clone();
    if !s.nodaemon {
        s.quiet = true;
    }
    if let Err(e) = logging::configure(&s) {
        log::error!("{e}");
        return 1;
    }
    let control = match std::io::stdin().as_fd().try_clone_to_owned() {
        Ok(fd) => TcpStream::from(fd),
        Err(e) => {
            log::error!("fatal: unable to use stdin as the control connection: {e}");
            return 1;
        }
    };
    // The session speaks through `control` only: stdio still on the
    // socket would put anything written there (a panic message, with its
    // source paths) into the client's reply stream.
    if let Err(e) = detach_stdio(!s.nodaemon || s.quiet) {
        log::error!("fatal: unable to detach stdio from the connection: {e}");
        return 1;
    }
    session::run(SessionStart {
        config: Arc::new(tree),
        modules,
        control,
    })
}

/// inetd: points stdin and stdout (and stderr, unless the log goes
/// there) at /dev/null.
fn detach_stdio(stderr_too: bool) -> std::io::Result<()> {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    nix::unistd::dup2_stdin(&null)?;
    nix::unistd::dup2_stdout(&null)?;
    if stderr_too {
        nix::unistd::dup2_stderr(&null)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn getopt_permutes_clusters_and_prefixes() {
        let (opts, ops) = getopt(&a("-tc/x foo --debug=3 --nod -- -v"));
        assert_eq!(
            opts,
            vec![
                Opt::Known('t', None),
                Opt::Known('c', Some("/x".into())),
                Opt::Known('d', Some("3".into())),
                Opt::Known('n', None),
            ]
        );
        assert_eq!(ops, vec!["foo".to_string(), "-v".to_string()]);
    }

    #[test]
    fn getopt_errors_are_what_1_3_8_reports() {
        // Ambiguous prefix (--config / --configtest) and unknown long
        // options report no letter; a missing argument reports its letter.
        assert_eq!(getopt(&a("--conf /x")).0[0], Opt::Unknown('\0'));
        assert_eq!(getopt(&a("--foo")).0[0], Opt::Unknown('\0'));
        assert_eq!(getopt(&a("-c")).0[0], Opt::Unknown('c'));
        assert_eq!(getopt(&a("--define")).0[0], Opt::Unknown('D'));
        assert_eq!(getopt(&a("-x")).0[0], Opt::Unknown('x'));
        assert_eq!(getopt(&a("--version-status")).0[0], Opt::Known('2', None));
    }

    #[test]
    fn parse_collects_options() {
        let Parsed::Run(o) = parse(&a("-n -q -D A -DB -d 20 -c /e.conf -vv -4 x"), &[]) else {
            panic!("exited");
        };
        assert!(o.nodaemon && o.quiet && o.ipv4);
        assert_eq!(o.defines, ["A", "B"]);
        assert_eq!(o.debug, Some(10));
        assert_eq!(o.version, 2);
        assert_eq!(o.config, PathBuf::from("/e.conf"));
        assert_eq!(o.leftovers, ["x"]);
    }

    #[test]
    fn usage_has_1_3_8_shape() {
        assert!(USAGE.starts_with("usage: proftpd [options]\n -h, --help\n"));
        assert!(USAGE.ends_with(" -6, --ipv6\n     Support IPv6 connections\n"));
        assert_eq!(USAGE.lines().count(), 35);
    }

    #[test]
    fn module_lists() {
        let mods = static_modules();
        let l = list_modules(&mods);
        assert!(l.starts_with("Compiled-in modules:\n  mod_core.c\n"));
        let vv = version_status(&mods);
        assert!(vv.contains("\n\nLoaded modules:\n"));
        assert!(vv.ends_with("  mod_core.c\n"), "{vv}");
    }

    #[test]
    fn collisions_name_the_first_owner() {
        use proftpd_api::config::{ContextKind, Merge, Origin};
        let mut t = ConfigTree::new();
        let main = t.main_server();
        let add_server = |t: &mut ConfigTree, ctx, name: &str| {
            t.add(
                ctx,
                &keys::SERVER_NAME,
                name.to_string(),
                vec![],
                Merge::Down,
                Origin::default(),
            );
            t.add(
                ctx,
                &keys::PORT,
                2121u16,
                vec![],
                Merge::Down,
                Origin::default(),
            );
        };
        add_server(&mut t, main, "Main");
        for name in ["V1", "V2"] {
            let v = t.push(
                ContextKind::VirtualHost,
                vec!["127.0.0.1".into()],
                None,
                Origin::default(),
            );
            t.servers.push(v);
            add_server(&mut t, v, name);
        }
        let opts = Options {
            serveraddr: Some("127.0.0.1".into()),
            ..Options::default()
        };
        assert_eq!(
            collision_warnings(&t, &opts, "h"),
            [
                "warning: \"V1\" address/port (127.0.0.1:2121) already in use by \"Main\"",
                "warning: \"V2\" address/port (127.0.0.1:2121) already in use by \"Main\"",
            ]
        );
    }

    #[test]
    fn build_stamp_format() {
        let s = build_stamp();
        assert!(s.ends_with(" UTC"), "{s}");
        assert!(!s.contains("  "), "{s}");
    }
}
