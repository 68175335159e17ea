//! The client's name: `UseReverseDNS` (mod_core, server config, default
//! on), looked up in the session child before the banner.
//!
//! A name counts only when it is verified: the reverse lookup of the
//! client's address gives a name, and that name's forward lookup gives the
//! address back. Otherwise the client is known by its address, as it is
//! with `UseReverseDNS off`. 1.3.8 on a host whose `/etc/hosts` maps
//! 127.0.0.1 to `localhost` logs `localhost (localhost[127.0.0.1])` and
//! answers STAT with `Connected from localhost (127.0.0.1)`.

use std::net::IpAddr;
use std::sync::mpsc;
use std::time::Duration;

/// How long the session waits for both lookups before it gives up and
/// uses the address: a dead resolver must not hold the banner back for the
/// resolver's own (much longer) retry schedule.
pub const REVERSE_DNS_DEADLINE: Duration = Duration::from_secs(5);

/// The verified name of `ip`, or `None` (no name, not confirmed, or the
/// deadline passed).
///
/// The lookups run on a helper thread so the deadline can be kept; a
/// thread that outlives the deadline only finishes its lookup and drops
/// the answer (the channel's receiver is gone).
pub fn verified_name(ip: IpAddr, deadline: Duration) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("reverse-dns".into())
        .spawn(move || {
            let _ = tx.send(lookup(ip));
        })
        .ok()?;
    match rx.recv_timeout(deadline) {
        Ok(name) => name,
        Err(_) => {
            log::debug!("reverse DNS for {ip}: no answer within {deadline:?}");
            None
        }
    }
}

/// Reverse lookup, then forward confirmation.
fn lookup(ip: IpAddr) -> Option<String> {
    let name = dns_lookup::lookup_addr(&ip).ok()?;
    let confirmed = dns_lookup::lookup_host(&name)
        .ok()?
        .any(|addr| same_address(addr, ip));
    if !confirmed {
        log::debug!("reverse DNS for {ip}: '{name}' does not resolve back to it");
    }
    confirmed.then_some(name)
}

/// Equal addresses, an IPv4-mapped IPv6 address matching its IPv4 form.
fn same_address(a: IpAddr, b: IpAddr) -> bool {
    let canon = |x: IpAddr| match x {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(x, IpAddr::V4),
        v4 => v4,
    };
    canon(a) == canon(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_addresses_match() {
        let v4: IpAddr = "127.0.0.1".parse().expect("literal");
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("literal");
        assert!(same_address(v4, mapped));
        assert!(!same_address(v4, "127.0.0.2".parse().expect("literal")));
    }

    #[test]
    fn loopback_is_verified_through_etc_hosts() {
        // Every test host maps 127.0.0.1 to a name that maps back to it
        // (`localhost`); skip loudly where it does not.
        let ip: IpAddr = "127.0.0.1".parse().expect("literal");
        match verified_name(ip, REVERSE_DNS_DEADLINE) {
            Some(name) => assert!(!name.is_empty()),
            None => eprintln!("skipped: 127.0.0.1 has no verified name on this host"),
        }
    }

    #[test]
    fn an_address_without_a_name_stays_unnamed() {
        // TEST-NET-1 (RFC 5737): never has a verified name.
        let ip: IpAddr = "192.0.2.1".parse().expect("literal");
        assert_eq!(verified_name(ip, Duration::from_secs(2)), None);
    }
}
