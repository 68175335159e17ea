//! Session-side event listeners (modules register them in the master via
//! `MasterRegistrar::on_session_event`; the master hands the list over with
//! [`set_listeners`] before it forks, and every session inherits it).

use std::sync::{Mutex, MutexGuard, PoisonError};

use proftpd_api::event::SessionEventFn;
use proftpd_api::session::Session;

static LISTENERS: Mutex<Vec<(&'static str, SessionEventFn)>> = Mutex::new(Vec::new());

/// The listener list. A panic in a listener cannot leave it half-written
/// (it is only ever replaced whole), so a poisoned lock is still usable.
fn listeners() -> MutexGuard<'static, Vec<(&'static str, SessionEventFn)>> {
    LISTENERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Replaces the listener list (called by the master after module `init`,
/// and again after a restart).
pub fn set_listeners(list: Vec<(&'static str, SessionEventFn)>) {
    *listeners() = list;
}

/// Delivers `event` to its listeners, in registration order.
pub fn deliver(session: &mut Session, event: &str, arg: &str) {
    // Copied out so that the lock is not held while listeners run.
    let list: Vec<SessionEventFn> = listeners()
        .iter()
        .filter(|(e, _)| *e == event)
        .map(|(_, f)| *f)
        .collect();
    for f in list {
        f(session, arg);
    }
}
