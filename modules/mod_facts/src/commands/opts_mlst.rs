//! OPTS MLST (RFC 3659 §7.9): choose the facts MLST and MLSD show.
//!
//! `OPTS MLST` alone selects none (`200 MLST OPTS`); `OPTS MLST a;b;`
//! selects the known names among them and echoes those (`200 MLST OPTS
//! a;b;`); more than one word is `501 'OPTS MLST' not understood`. The
//! FEAT line's `*` marks follow.

use proftpd_api::module::ModRet;
use proftpd_api::session::CmdCtx;

use crate::facts::{FactSet, parse_opts_list};
use crate::state;

pub fn opts_mlst(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    match args.as_slice() {
        [] => {
            state::select(ctx.session, FactSet::EMPTY);
            ctx.reply(200, "MLST OPTS");
            ModRet::Handled
        }
        [list] => {
            let (set, echo) = parse_opts_list(list);
            state::select(ctx.session, set);
            ctx.reply(200, format!("MLST OPTS {echo}"));
            ModRet::Handled
        }
        _ => {
            let mut text = b"'".to_vec();
            text.extend_from_slice(&ctx.cmd.display_verb());
            text.extend_from_slice(b"' not understood");
            ctx.reply_err(501, text);
            ModRet::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run_opts, session};

    #[test]
    fn replies_and_feat() {
        let mut s = session();
        assert_eq!(
            run_opts(&mut s, "OPTS MLST type;size;"),
            "200 MLST OPTS type;size;\r\n"
        );
        assert!(s.features.contains(
            "MLST modify;perm;size*;type*;unique;UNIX.group;UNIX.groupname;UNIX.mode;\
             UNIX.owner;UNIX.ownername;"
        ));
        assert_eq!(
            run_opts(&mut s, "opts mlst TYPE;Size;bogus;perm"),
            "200 MLST OPTS type;size;\r\n"
        );
        assert_eq!(run_opts(&mut s, "OPTS MLST ;;"), "200 MLST OPTS \r\n");
        assert_eq!(run_opts(&mut s, "OPTS MLST"), "200 MLST OPTS\r\n");
        assert_eq!(
            s.features.iter().filter(|f| f.starts_with("MLST ")).count(),
            1
        );
        assert_eq!(
            run_opts(&mut s, "OPTS MLST a b"),
            "501 'OPTS MLST' not understood\r\n"
        );
    }
}
