//! Session timers (spec `commands.md` §1.3): deadlines armed by modules
//! through `SessionHost::set_timer` and by the runtime (idle). The nearest
//! deadline is the poll timeout; an expired one ends the session with its
//! 421 text.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use proftpd_api::event;
use proftpd_api::session::Timer;

/// The armed timers of one session.
#[derive(Debug, Default)]
pub struct Timers {
    /// Deadline and configured length, per timer.
    armed: HashMap<Timer, (Instant, u32)>,
}

impl Timers {
    /// Arms `timer` for `secs` from `now`; 0 or `None` cancels it.
    pub fn set(&mut self, timer: Timer, secs: Option<u32>, now: Instant) {
        match secs {
            Some(s) if s > 0 => {
                self.armed
                    .insert(timer, (now + Duration::from_secs(u64::from(s)), s));
            }
            _ => {
                self.armed.remove(&timer);
            }
        }
    }

    /// Restarts `timer` with its own length, if armed (the idle timer after
    /// every command).
    pub fn rearm(&mut self, timer: Timer, now: Instant) {
        if let Some((deadline, secs)) = self.armed.get_mut(&timer) {
            *deadline = now + Duration::from_secs(u64::from(*secs));
        }
    }

    /// How long until the nearest deadline (zero if one has passed).
    pub fn poll_timeout(&self, now: Instant) -> Option<Duration> {
        self.armed
            .values()
            .map(|(d, _)| d.saturating_duration_since(now))
            .min()
    }

    /// The expired timer with the earliest deadline, if any.
    pub fn expired(&self, now: Instant) -> Option<(Timer, u32)> {
        self.armed
            .iter()
            .filter(|(_, (d, _))| *d <= now)
            .min_by_key(|(_, (d, _))| *d)
            .map(|(t, (_, s))| (*t, *s))
    }
}

/// The 421 text and event of an expired timer.
///
/// Only the login timeout says `1 second`; the others say `1 seconds`
/// (all four measured on 1.3.8).
pub fn timeout_reply(timer: Timer, secs: u32) -> (String, &'static str) {
    let unit = if secs == 1 && timer == Timer::Login {
        "second"
    } else {
        "seconds"
    };
    let (what, ev) = match timer {
        Timer::Login => ("Login timeout", event::CORE_TIMEOUT_LOGIN),
        Timer::Idle => ("Idle timeout", event::CORE_TIMEOUT_IDLE),
        Timer::NoTransfer => ("No transfer timeout", "core.timeout-no-transfer"),
        Timer::Session => ("Session Timeout", event::CORE_TIMEOUT_SESSION),
    };
    (
        format!("{what} ({secs} {unit}): closing control connection"),
        ev,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(
            timeout_reply(Timer::Login, 300).0,
            "Login timeout (300 seconds): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::Login, 1).0,
            "Login timeout (1 second): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::Idle, 600).0,
            "Idle timeout (600 seconds): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::Idle, 1).0,
            "Idle timeout (1 seconds): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::Session, 1).0,
            "Session Timeout (1 seconds): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::NoTransfer, 1).0,
            "No transfer timeout (1 seconds): closing control connection"
        );
        assert_eq!(
            timeout_reply(Timer::NoTransfer, 300).0,
            "No transfer timeout (300 seconds): closing control connection"
        );
    }

    #[test]
    fn nearest_deadline_wins() {
        let now = Instant::now();
        let mut t = Timers::default();
        assert_eq!(t.poll_timeout(now), None);
        t.set(Timer::Idle, Some(600), now);
        t.set(Timer::Login, Some(300), now);
        assert_eq!(t.poll_timeout(now), Some(Duration::from_secs(300)));
        assert_eq!(t.expired(now), None);
        let later = now + Duration::from_secs(301);
        assert_eq!(t.expired(later), Some((Timer::Login, 300)));
        t.set(Timer::Login, None, later);
        assert_eq!(t.expired(later), None);
        t.rearm(Timer::Idle, later);
        assert_eq!(t.poll_timeout(later), Some(Duration::from_secs(600)));
        t.set(Timer::Idle, Some(0), later);
        assert_eq!(t.poll_timeout(later), None);
    }
}
