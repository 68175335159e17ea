//! STAT (RFC 959 §4.1.3) without an argument: the session's status.
//!
//! `STAT <path>` (a listing over the control channel) is left to the
//! listing code; until it exists the handler declines it.

use proftpd_api::module::ModRet;
use proftpd_api::session::{CmdCtx, TransferType};

use mod_core::keys::SERVER_NAME;

pub fn stat(ctx: &mut CmdCtx<'_>) -> ModRet {
    if !ctx.cmd.args().is_empty() {
        return ModRet::Declined;
    }
    let s = &*ctx.session;
    let name = s
        .server_get(&SERVER_NAME)
        .cloned()
        .unwrap_or_else(|| mod_core::DEFAULT_SERVER_NAME.to_string());
    let mut lines = vec![
        format!("Status of '{name}'"),
        format!("Connected from {} ({})", s.peer_name, s.peer_ip()),
    ];
    if let Some(user) = &s.user {
        lines.push(format!("Logged in as {user}"));
    }
    let ty = match s.transfer_type {
        TransferType::Ascii => "ASCII",
        TransferType::Binary => "BINARY",
    };
    lines.push(format!("TYPE: {ty}, STRUcture: File, Mode: Stream"));
    lines.push("No data connection".to_string());
    lines.push("End of status".to_string());
    for l in lines {
        ctx.reply(211, l);
    }
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::testutil::{run, session};
    use proftpd_api::module::ModRet;
    use proftpd_api::session::TransferType;

    #[test]
    fn status_block() {
        let mut s = session();
        assert_eq!(
            run(&mut s, super::stat, "STAT").1,
            "211-Status of 'ProFTPD'\r\n Connected from 127.0.0.1 (127.0.0.1)\r\n \
             Logged in as tester\r\n TYPE: ASCII, STRUcture: File, Mode: Stream\r\n \
             No data connection\r\n211 End of status\r\n"
        );
        s.transfer_type = TransferType::Binary;
        assert!(
            run(&mut s, super::stat, "STAT")
                .1
                .contains(" TYPE: BINARY,")
        );
    }

    #[test]
    fn path_argument_is_left_to_listings() {
        let mut s = session();
        assert_eq!(run(&mut s, super::stat, "STAT /").0, ModRet::Declined);
    }
}
