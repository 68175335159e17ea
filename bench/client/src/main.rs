//! ftpbench: the measuring FTP client of `bench/run`.
//!
//! A Python client spends more CPU per small file than the fastest servers
//! do, which would squeeze every ratio toward 1; this one is compiled and
//! uses std only. RETR reads into one reused 1 MiB buffer; STOR uses
//! `std::io::copy` from a `File` to the socket, which std turns into
//! sendfile(2) on Linux. Every socket has a timeout.
//!
//! Usage: `ftpbench ADDR USER PASS WORKLOAD ARGS...`, workloads:
//!
//! - `logins CONC SECONDS`: full logins (banner, USER, PASS, QUIT) by CONC
//!   threads until SECONDS pass.
//! - `retr NAME SIZE`, `stor NAME FILE`: one transfer in `TYPE I`.
//! - `small COUNT`: STOR `up/sNNNN` COUNT times (4 KiB each), then RETR
//!   `small/fNNNN` COUNT times, one PASV per file, in `TYPE I`.
//! - `list PATH`: `TYPE A`, then LIST PATH and MLSD PATH, each timed.
//!
//! Every workload but `logins` runs in one session: log in, set the type,
//! print `ready` and wait for a line on stdin (the harness reads the
//! server's CPU time or attaches strace), do the timed work, print the
//! result and wait for a line again, then `QUIT`.
//!
//! Output: `result key=value ...` on success; `error TEXT` and exit status
//! 1 on failure.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Bytes per read() on a data connection.
const BUF: usize = 1 << 20;
/// The size of each small file.
const SMALL: usize = 4096;
/// Longest wait for one reply or one read on a data connection.
const TIMEOUT: Duration = Duration::from_secs(30);

type Res<T> = Result<T, String>;

/// One control connection.
struct Ctrl {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

fn connect(addr: SocketAddr) -> Res<TcpStream> {
    let s =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    Ok(s)
}

impl Ctrl {
    fn open(addr: SocketAddr) -> Res<Ctrl> {
        let w = connect(addr)?;
        w.set_nodelay(true).map_err(|e| e.to_string())?;
        let r = BufReader::new(w.try_clone().map_err(|e| e.to_string())?);
        let mut c = Ctrl { r, w };
        let (code, text) = c.reply()?;
        if code != "220" {
            return Err(format!("banner: {text:?}"));
        }
        Ok(c)
    }

    fn line(&mut self) -> Res<String> {
        let mut buf = Vec::new();
        let n = self
            .r
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("reply: {e}"))?;
        if n == 0 {
            return Err("control connection closed".into());
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// The next reply: its code and its text (multi-line replies joined).
    fn reply(&mut self) -> Res<(String, String)> {
        let first = self.line()?;
        let code: String = first.chars().take(3).collect();
        let mut text = first.clone();
        if first.as_bytes().get(3) == Some(&b'-') {
            loop {
                let l = self.line()?;
                text.push('\n');
                text.push_str(&l);
                if l.starts_with(&code) && l.as_bytes().get(3) == Some(&b' ') {
                    break;
                }
            }
        }
        Ok((code, text))
    }

    fn cmd(&mut self, line: &str) -> Res<(String, String)> {
        self.w
            .write_all(format!("{line}\r\n").as_bytes())
            .map_err(|e| format!("{line}: {e}"))?;
        self.reply()
    }

    fn expect(&mut self, line: &str, code: &str) -> Res<String> {
        let (got, text) = self.cmd(line)?;
        if got != code {
            return Err(format!("{line}: expected {code}, got {text:?}"));
        }
        Ok(text)
    }

    fn login(&mut self, user: &str, pass: &str) -> Res<()> {
        self.expect(&format!("USER {user}"), "331")?;
        self.expect(&format!("PASS {pass}"), "230")?;
        Ok(())
    }

    /// PASV and connect to the address it names.
    fn pasv(&mut self) -> Res<TcpStream> {
        let text = self.expect("PASV", "227")?;
        let inner = text
            .split_once('(')
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(l, _)| l)
            .ok_or_else(|| format!("PASV: no address in {text:?}"))?;
        let n: Vec<u16> = inner
            .split(',')
            .filter_map(|x| x.trim().parse().ok())
            .collect();
        if n.len() != 6 || n.iter().any(|x| *x > 255) {
            return Err(format!("PASV: bad address in {text:?}"));
        }
        let addr = SocketAddr::from((
            [n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8],
            n[4] * 256 + n[5],
        ));
        connect(addr)
    }

    /// PASV, connect, send `line`, expect 150 (or 125).
    fn start(&mut self, line: &str) -> Res<TcpStream> {
        let data = self.pasv()?;
        let (code, text) = self.cmd(line)?;
        if code != "150" && code != "125" {
            return Err(format!("{line}: expected 150, got {text:?}"));
        }
        Ok(data)
    }

    fn finish(&mut self, line: &str) -> Res<()> {
        let (code, text) = self.reply()?;
        if code != "226" && code != "250" {
            return Err(format!("{line}: expected 226, got {text:?}"));
        }
        Ok(())
    }

    fn retr(&mut self, name: &str, buf: &mut [u8]) -> Res<u64> {
        let line = format!("RETR {name}");
        let mut data = self.start(&line)?;
        let mut total = 0u64;
        loop {
            match data.read(buf) {
                Ok(0) => break,
                Ok(n) => total += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("{line}: {e}")),
            }
        }
        drop(data);
        self.finish(&line)?;
        Ok(total)
    }

    fn stor<R: Read>(&mut self, name: &str, src: &mut R) -> Res<u64> {
        let line = format!("STOR {name}");
        let mut data = self.start(&line)?;
        let n = io::copy(src, &mut data).map_err(|e| format!("{line}: {e}"))?;
        data.shutdown(Shutdown::Write)
            .map_err(|e| format!("{line}: {e}"))?;
        drop(data);
        self.finish(&line)?;
        Ok(n)
    }

    /// LIST/MLSD: the listing, or None when the verb is not implemented.
    fn listing(&mut self, line: &str) -> Res<Option<Vec<u8>>> {
        let mut data = self.pasv()?;
        let (code, text) = self.cmd(line)?;
        if ["500", "502", "504"].contains(&code.as_str()) {
            return Ok(None);
        }
        if code != "150" && code != "125" {
            return Err(format!("{line}: expected 150, got {text:?}"));
        }
        let mut out = Vec::new();
        data.read_to_end(&mut out)
            .map_err(|e| format!("{line}: {e}"))?;
        drop(data);
        self.finish(line)?;
        Ok(Some(out))
    }

    fn quit(mut self) -> Res<()> {
        self.expect("QUIT", "221").map(|_| ())
    }
}

/// Entries of the benchmark directory in a listing: lines whose name is
/// `e` and five digits, after a space (LIST, MLSD) or `;`.
fn entries(listing: &[u8]) -> usize {
    listing
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| {
            l.len() >= 7 && {
                let t = &l[l.len() - 7..];
                (t[0] == b' ' || t[0] == b';')
                    && t[1] == b'e'
                    && t[2..].iter().all(u8::is_ascii_digit)
            }
        })
        .count()
}

/// This process's CPU seconds (utime+stime of all threads) from
/// /proc/self/stat; /proc counts in USER_HZ, which is 100 on Linux.
fn cpu_self() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // f[0] is field 3 (state); utime and stime are fields 14 and 15.
    (tick(11) + tick(12)) / 100.0
}

/// Waits for the harness: one line on stdin.
fn handshake(what: &str) -> Res<()> {
    println!("{what}");
    io::stdout().flush().map_err(|e| e.to_string())?;
    let mut l = String::new();
    io::stdin().read_line(&mut l).map_err(|e| e.to_string())?;
    Ok(())
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> Res<T> {
    args.get(i)
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("missing or bad {what}"))
}

fn logins(addr: SocketAddr, user: &str, pass: &str, conc: usize, secs: f64) -> Res<String> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let done = Arc::new(AtomicU64::new(0));
    let err: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let workers: Vec<_> = (0..conc)
        .map(|_| {
            let (done, err) = (done.clone(), err.clone());
            let (user, pass) = (user.to_string(), pass.to_string());
            thread::spawn(move || {
                while Instant::now() < deadline {
                    let r = Ctrl::open(addr).and_then(|mut c| {
                        c.login(&user, &pass)?;
                        c.quit()
                    });
                    match r {
                        Ok(()) => {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            if let Ok(mut slot) = err.lock() {
                                slot.get_or_insert(e);
                            }
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "login thread panicked".to_string())?;
    }
    let secs = start.elapsed().as_secs_f64();
    if let Some(e) = err.lock().ok().and_then(|mut e| e.take()) {
        return Err(format!("login failed: {e}"));
    }
    Ok(format!(
        "logins={} secs={secs:.6}",
        done.load(Ordering::Relaxed)
    ))
}

fn run(args: &[String]) -> Res<String> {
    let addr: SocketAddr = arg(args, 1, "ADDR")?;
    let user = args.get(2).ok_or("missing USER")?;
    let pass = args.get(3).ok_or("missing PASS")?;
    let work = args.get(4).ok_or("missing WORKLOAD")?.as_str();
    if work == "logins" {
        let r = logins(
            addr,
            user,
            pass,
            arg(args, 5, "CONC")?,
            arg(args, 6, "SECONDS")?,
        )?;
        println!("result {r}");
        return Ok(r);
    }
    let ty = match work {
        "retr" | "stor" | "small" => "TYPE I",
        "list" => "TYPE A",
        other => return Err(format!("unknown workload {other}")),
    };
    let mut c = Ctrl::open(addr)?;
    c.login(user, pass)?;
    c.expect(ty, "200")?;
    handshake("ready")?;
    let cpu0 = cpu_self();
    let out = match work {
        "retr" => {
            let name: String = arg(args, 5, "NAME")?;
            let size: u64 = arg(args, 6, "SIZE")?;
            let mut buf = vec![0u8; BUF];
            let t = Instant::now();
            let n = c.retr(&name, &mut buf)?;
            let secs = t.elapsed().as_secs_f64();
            if n != size {
                return Err(format!("RETR {name}: {n} bytes, expected {size}"));
            }
            format!("bytes={n} secs={secs:.6}")
        }
        "stor" => {
            let name: String = arg(args, 5, "NAME")?;
            let path: String = arg(args, 6, "FILE")?;
            let mut f = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
            let t = Instant::now();
            let n = c.stor(&name, &mut f)?;
            let secs = t.elapsed().as_secs_f64();
            format!("bytes={n} secs={secs:.6}")
        }
        "small" => {
            let count: usize = arg(args, 5, "COUNT")?;
            let payload = vec![b'x'; SMALL];
            let mut buf = vec![0u8; 65536];
            let t = Instant::now();
            for i in 0..count {
                let n = c.stor(&format!("up/s{i:04}"), &mut payload.as_slice())?;
                if n != SMALL as u64 {
                    return Err(format!("STOR up/s{i:04}: sent {n}"));
                }
            }
            let stor = t.elapsed().as_secs_f64();
            let t = Instant::now();
            for i in 0..count {
                let n = c.retr(&format!("small/f{i:04}"), &mut buf)?;
                if n != SMALL as u64 {
                    return Err(format!("RETR small/f{i:04}: {n} bytes, expected {SMALL}"));
                }
            }
            let retr = t.elapsed().as_secs_f64();
            format!("stor_secs={stor:.6} retr_secs={retr:.6}")
        }
        _ => {
            let path: String = arg(args, 5, "PATH")?;
            let mut out = Vec::new();
            for verb in ["list", "mlsd"] {
                let t = Instant::now();
                match c.listing(&format!("{} {path}", verb.to_uppercase()))? {
                    Some(data) => {
                        let ms = t.elapsed().as_secs_f64() * 1000.0;
                        out.push(format!(
                            "{verb}_ms={ms:.3} {verb}_entries={}",
                            entries(&data)
                        ));
                    }
                    None => out.push(format!("{verb}_ms=na {verb}_entries=na")),
                }
            }
            out.join(" ")
        }
    };
    let cpu = cpu_self() - cpu0;
    handshake(&format!("result {out} client_cpu={cpu:.2}"))?;
    c.quit()?;
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            println!("error {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::entries;

    #[test]
    fn counts_list_and_mlsd_entries() {
        let list = b"-rw-r--r--   1 u g 0 Nov 24 07:00 e00001\r\n\
                     -rw-r--r--   1 u g 0 Nov 24 07:00 e00002\r\n\
                     drwxr-xr-x   2 u g 6 Nov 24 07:00 .\r\n";
        assert_eq!(entries(list), 2);
        let mlsd = b"type=file;size=0; e00001\r\ntype=cdir; .\r\ntype=file; e0001\r\n";
        assert_eq!(entries(mlsd), 1);
    }
}
