//! Binding the PASV/EPSV listener: a random free port of `PassivePorts`,
//! else an ephemeral one (ProFTPD's fallback, with its log line).

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};

use socket2::{Domain, Socket, Type};

/// Pending connections the listener queues: one data connection is
/// expected, a few more let us accept (and refuse) foreign ones without
/// the kernel dropping the real client's SYN.
const BACKLOG: i32 = 8;

/// A fresh random number from the OS-seeded hasher keys of std (no extra
/// dependency; port picking needs unpredictability, not crypto).
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    h.finish()
}

/// Every port of `[low, high]` (either order) exactly once, shuffled by a
/// xorshift generator seeded with `seed` (Fisher-Yates).
pub fn candidates(low: u16, high: u16, seed: u64) -> Vec<u16> {
    let (low, high) = if low <= high {
        (low, high)
    } else {
        (high, low)
    };
    let mut ports: Vec<u16> = (low..=high).collect();
    // xorshift needs a non-zero state; the odd constant spreads seeds.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..ports.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        ports.swap(i, j);
    }
    ports
}

/// A non-blocking listener on `addr`. A port of the PassivePorts range
/// gets SO_REUSEADDR, as ProFTPD's, so that a port whose last data
/// connection is in TIME_WAIT can serve again; an ephemeral one needs none.
fn bind_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM.nonblocking(), None)?;
    if addr.port() != 0 {
        sock.set_reuse_address(true)?;
    }
    sock.bind(&addr.into())?;
    sock.listen(BACKLOG)?;
    Ok(sock.into())
}

/// The kernel's own range for port 0 (Linux's default when unreadable).
fn ephemeral_range() -> (u16, u16) {
    static RANGE: std::sync::OnceLock<(u16, u16)> = std::sync::OnceLock::new();
    *RANGE.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
            .ok()
            .and_then(|t| {
                let mut it = t.split_whitespace().map(|w| w.parse::<u16>().ok());
                Some((it.next()??, it.next()??))
            })
            .filter(|(low, high)| 0 < *low && low <= high)
            .unwrap_or((32768, 60999))
    })
}

/// Random ports tried before asking the kernel for one.
const RANDOM_TRIES: usize = 8;

/// Listens on `ip`: on a random free port of `range` when given (each
/// port tried at most once), else (or when none is free) on an ephemeral
/// port.
///
/// Without a range the port is still picked here, at random in the
/// kernel's ephemeral range: the kernel's own search for a free port walks
/// past every TIME_WAIT socket, which costs milliseconds per PASV once a
/// busy server has tens of thousands of them (measured by bench/run on
/// 4 KiB uploads); vsftpd and pure-ftpd pick their own ports too.
pub fn bind_passive(ip: IpAddr, range: Option<(u16, u16)>) -> io::Result<TcpListener> {
    if let Some((low, high)) = range {
        for port in candidates(low, high, random()) {
            if port == 0 {
                continue;
            }
            match bind_listener(SocketAddr::new(ip, port)) {
                Ok(l) => return Ok(l),
                Err(e) => log::trace!("PassivePorts: port {port}: {e}"),
            }
        }
        log::info!(
            "unable to find open port in PassivePorts range {low}-{high}: defaulting to INPORT_ANY (consider defining a larger PassivePorts range)"
        );
    } else {
        let (low, high) = ephemeral_range();
        let span = u64::from(high - low) + 1;
        let mut seed = random();
        for _ in 0..RANDOM_TRIES {
            seed = seed.rotate_left(17) ^ random();
            let port = low + (seed % span) as u16;
            if let Ok(l) = bind_listener(SocketAddr::new(ip, port)) {
                return Ok(l);
            }
        }
    }
    bind_listener(SocketAddr::new(ip, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn candidates_cover_the_range_once_in_random_order() {
        let mut c = candidates(50000, 50099, 42);
        assert_eq!(c.len(), 100);
        let in_order: Vec<u16> = (50000..50100).collect();
        assert_ne!(c, in_order, "shuffled");
        assert_ne!(candidates(50000, 50099, 43), c, "seed matters");
        c.sort_unstable();
        assert_eq!(c, in_order);
        assert_eq!(candidates(7, 7, 1), [7]);
        assert_eq!(candidates(9, 8, 1).len(), 2, "reversed bounds");
        assert_eq!(candidates(0, u16::MAX, 5).len(), 65536);
    }

    #[test]
    fn a_port_of_the_range_when_one_is_free() {
        let lo = Ipv4Addr::LOCALHOST.into();
        // Find three free neighbours by binding port 0 and looking around.
        let probe = bind_listener(SocketAddr::new(lo, 0)).expect("bind");
        let base = probe.local_addr().expect("addr").port();
        drop(probe);
        let (low, high) = (base, base.saturating_add(2));
        let l = bind_passive(lo, Some((low, high))).expect("bind in range");
        let p = l.local_addr().expect("addr").port();
        assert!((low..=high).contains(&p), "{p} in {low}-{high}");
    }

    #[test]
    fn without_a_range_a_port_of_the_ephemeral_range() {
        let lo: IpAddr = Ipv4Addr::LOCALHOST.into();
        let (low, high) = ephemeral_range();
        let l = bind_passive(lo, None).expect("bind");
        let p = l.local_addr().expect("addr").port();
        assert!((low..=high).contains(&p), "{p} in {low}-{high}");
    }

    #[test]
    fn a_full_range_falls_back_to_an_ephemeral_port() {
        let lo: IpAddr = Ipv4Addr::LOCALHOST.into();
        let taken = TcpListener::bind((lo, 0)).expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let l = bind_passive(lo, Some((port, port))).expect("fallback");
        let got = l.local_addr().expect("addr");
        assert_ne!(got.port(), port);
        assert_eq!(got.ip(), lo);
    }
}
