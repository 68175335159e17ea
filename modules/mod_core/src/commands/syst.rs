//! SYST (RFC 959 §4.1.3): the system type. ProFTPD always answers as a
//! UNIX system with 8-bit bytes, whatever the host.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

pub fn syst(ctx: &mut CmdCtx<'_>) -> ModRet {
    ctx.reply(215, "UNIX Type: L8");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, session};

    #[test]
    fn replies_unix_l8() {
        let mut s = session();
        assert_eq!(run(&mut s, super::syst, "SYST").1, "215 UNIX Type: L8\r\n");
        // Arguments are ignored (observed on 1.3.8).
        assert_eq!(
            run(&mut s, super::syst, "SYST x").1,
            "215 UNIX Type: L8\r\n"
        );
    }
}
