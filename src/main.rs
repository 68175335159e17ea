//! The `proftpd` binary.

fn main() {
    std::process::exit(proftpd::cli::main());
}
