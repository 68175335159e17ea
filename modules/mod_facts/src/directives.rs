//! FactsAdvertise, FactsDefault and FactsOptions, with 1.3.8's contexts
//! (server, `<VirtualHost>`, `<Global>`) and error texts.

use proftpd_api::config::{ConfigError, Contexts, DirectiveCtx, Merge};
use proftpd_api::module::DirectiveEntry;

use crate::facts::{Fact, FactSet, FactsOpts};
use crate::keys::{FACTS_ADVERTISE, FACTS_DEFAULT, FACTS_OPTIONS};

pub static DIRECTIVES: &[DirectiveEntry] = &[
    DirectiveEntry::new("FactsAdvertise", Contexts::SVG, facts_advertise),
    DirectiveEntry::new("FactsDefault", Contexts::SVG, facts_default),
    DirectiveEntry::new("FactsOptions", Contexts::SVG, facts_options),
];

fn facts_advertise(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    ctx.check_args(1, usize::MAX)?;
    let on = ctx
        .bool_arg(0)
        .map_err(|_| ctx.error("expected Boolean parameter"))?;
    ctx.add(&FACTS_ADVERTISE, on, Merge::Down);
    Ok(())
}

/// `FactsDefault modify size ...`: names separated by spaces, matched
/// case-insensitively (`modify;size` is one unknown name, as on 1.3.8).
fn facts_default(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    let mut set = FactSet::EMPTY;
    for a in ctx.args {
        match Fact::named(a.as_bytes()) {
            Some(f) => set = set.with(f),
            None => return Err(ctx.error(format!(": unknown fact '{a}'"))),
        }
    }
    ctx.add(&FACTS_DEFAULT, set, Merge::Down);
    Ok(())
}

/// `FactsOptions UseSlink NoNames ...` (option words are case-sensitive in
/// 1.3.8: `usesLink` is refused).
fn facts_options(ctx: &mut DirectiveCtx<'_>) -> Result<(), ConfigError> {
    if ctx.args.is_empty() {
        return Err(ctx.error("wrong number of parameters"));
    }
    let mut opts = FactsOpts::default();
    for a in ctx.args {
        match a.as_str() {
            "UseSlink" => opts.use_slink = true,
            "NoNames" => opts.no_names = true,
            "NoAdjustedSymlinks" => opts.no_adjusted_symlinks = true,
            // Accepted by 1.3.8; it already shows the raw link target.
            "AdjustedSymlinks" => {}
            _ => return Err(ctx.error(format!(": unknown FactsOption '{a}'"))),
        }
    }
    ctx.add(&FACTS_OPTIONS, opts, Merge::DownMulti);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proftpd_api::testing::directive_tree;

    #[test]
    fn errors_as_1_3_8() {
        let table: &[(&'static str, &[&str], &str)] = &[
            (
                "FactsOptions",
                &["Bogus"],
                "FactsOptions: : unknown FactsOption 'Bogus' on line 2 of '/t.conf'",
            ),
            (
                "FactsOptions",
                &["usesLink"],
                "FactsOptions: : unknown FactsOption 'usesLink' on line 2 of '/t.conf'",
            ),
            (
                "FactsOptions",
                &[],
                "FactsOptions: wrong number of parameters on line 2 of '/t.conf'",
            ),
            (
                "FactsDefault",
                &["bogus"],
                "FactsDefault: : unknown fact 'bogus' on line 2 of '/t.conf'",
            ),
            (
                "FactsDefault",
                &["modify;size"],
                "FactsDefault: : unknown fact 'modify;size' on line 2 of '/t.conf'",
            ),
            (
                "FactsDefault",
                &[],
                "FactsDefault: wrong number of parameters on line 2 of '/t.conf'",
            ),
            (
                "FactsAdvertise",
                &["maybe"],
                "FactsAdvertise: expected Boolean parameter on line 2 of '/t.conf'",
            ),
            (
                "FactsAdvertise",
                &[],
                "FactsAdvertise: missing parameters on line 2 of '/t.conf'",
            ),
        ];
        for (name, args, want) in table {
            assert_eq!(
                directive_tree(DIRECTIVES, name, args).err().as_deref(),
                Some(*want),
                "{name} {args:?}"
            );
        }
    }

    #[test]
    fn values() {
        let t = directive_tree(DIRECTIVES, "FactsDefault", &["Modify", "size", "UNIX.MODE"])
            .expect("ok");
        let set = *t.get(t.main_server(), &FACTS_DEFAULT).expect("set");
        assert_eq!(
            set,
            FactSet::EMPTY
                .with(crate::facts::MODIFY)
                .with(crate::facts::SIZE)
                .with(crate::facts::UNIX_MODE)
        );
        let t = directive_tree(
            DIRECTIVES,
            "FactsOptions",
            &["UseSlink", "NoNames", "AdjustedSymlinks"],
        )
        .expect("ok");
        let o = *t.get(t.main_server(), &FACTS_OPTIONS).expect("set");
        assert!(o.use_slink && o.no_names && !o.no_adjusted_symlinks);
        let t = directive_tree(DIRECTIVES, "FactsAdvertise", &["off"]).expect("ok");
        assert_eq!(t.get(t.main_server(), &FACTS_ADVERTISE), Some(&false));
    }
}
