//! HELP (RFC 959 §4.1.3): the commands every loaded module lists in its
//! HELP table, in load order, eight to a line; `HELP X` gives X's syntax.

use proftpd_api::module::{HelpEntry, ModRet};
use proftpd_api::session::CmdCtx;

use crate::keys::SERVER_ADMIN;

/// Names per line of the command list.
const PER_LINE: usize = 8;

pub fn help(ctx: &mut CmdCtx<'_>) -> ModRet {
    let entries: Vec<HelpEntry> = ctx
        .session
        .modules
        .iter()
        .flat_map(|m| m.help.iter().copied())
        .collect();
    let args = ctx.cmd.args();
    if let Some(want) = args.first() {
        let want = String::from_utf8_lossy(want).to_ascii_uppercase();
        return match entries
            .iter()
            .find(|e| e.command.eq_ignore_ascii_case(&want))
        {
            Some(e) => {
                ctx.reply(214, format!("Syntax: {} {}", e.command, e.syntax));
                ModRet::Handled
            }
            None => {
                ctx.reply_err(502, format!("Unknown command '{want}'"));
                ModRet::Error
            }
        };
    }
    ctx.reply(
        214,
        "The following commands are recognized (* =>'s unimplemented):",
    );
    for chunk in entries.chunks(PER_LINE) {
        let mut line = String::new();
        for e in chunk {
            let name = if e.implemented {
                e.command.to_string()
            } else {
                format!("{}*", e.command)
            };
            line.push_str(&format!("{name:<8}"));
        }
        ctx.reply(214, line);
    }
    // Unset, ProFTPD names root at the server (observed on 1.3.8:
    // `root@localhost` with UseReverseDNS on, `root@127.0.0.1` off).
    let admin = ctx
        .session
        .get(&SERVER_ADMIN)
        .cloned()
        .unwrap_or_else(|| format!("root@{}", crate::server_fqdn(ctx.session)));
    ctx.reply(214, format!("Direct comments to {admin}"));
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session, session_with, tree_with};
    use crate::keys::SERVER_ADMIN;

    #[test]
    fn lists_eight_per_line() {
        let mut s = session_with(tree_with(&SERVER_ADMIN, "admin@example.com".to_string()));
        let out = run(&mut s, super::help, "HELP").1;
        let mut lines = out.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("214-The following commands are recognized (* =>'s unimplemented):")
        );
        // 1.3.8's order: PORT..EPSV after QUIT, MDTM after DELE, SIZE
        // after XPWD (HOST, after OPTS, is not implemented yet).
        assert_eq!(
            lines.next(),
            Some(" CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    ")
        );
        assert_eq!(
            lines.next(),
            Some(" EPRT    EPSV    ALLO    RNFR    RNTO    DELE    MDTM    RMD     ")
        );
        assert_eq!(
            lines.next(),
            Some(" XRMD    MKD     XMKD    PWD     XPWD    SIZE    SYST    HELP    ")
        );
        assert!(
            out.ends_with("214 Direct comments to admin@example.com\r\n"),
            "{out}"
        );
    }

    #[test]
    fn syntax_of_one_command() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::help, "help cwd extra").1,
            "214 Syntax: CWD <sp> pathname\r\n"
        );
        assert_eq!(
            run(&mut s, super::help, "HELP SMNT").1,
            "214 Syntax: SMNT is not implemented\r\n"
        );
        // Texts measured on 1.3.8.
        for (cmd, syntax) in [
            ("PORT", "<sp> h1,h2,h3,h4,p1,p2"),
            ("PASV", "(returns address/port)"),
            ("EPRT", "<sp> |proto|addr|port|"),
            ("EPSV", "(returns port |||port|)"),
            ("MDTM", "<sp> pathname"),
            ("SIZE", "<sp> pathname"),
        ] {
            assert_eq!(
                run(&mut s, super::help, &format!("HELP {cmd}")).1,
                format!("214 Syntax: {cmd} {syntax}\r\n")
            );
        }
        assert_eq!(
            run(&mut s, super::help, "HELP foo").1,
            "502 Unknown command 'FOO'\r\n"
        );
    }

    #[test]
    fn default_admin() {
        let mut s = session();
        let out = run(&mut s, super::help, "HELP").1;
        assert!(
            out.ends_with("214 Direct comments to root@127.0.0.1\r\n"),
            "{out}"
        );
    }
}
