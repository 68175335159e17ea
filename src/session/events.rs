//! Session-side event listeners (modules register them in the master via
//! `MasterRegistrar::on_session_event`; the master hands the list over with
//! [`set_listeners`] before it forks, and every session inherits it).

use std::sync::Mutex;

use proftpd_api::event::SessionEventFn;
use proftpd_api::session::Session;

static LISTENERS: Mutex<Vec<(&'static str, SessionEventFn)>> = Mutex::new(Vec::new());

/// Replaces the listener list (called by the master after module `init`,
/// and again after a restart).
pub fn set_listeners(list: Vec<(&'static str, SessionEventFn)>) {
    match LISTENERS.lock() {
        Ok(mut l) => *l = list,
        Err(poisoned) => *poisoned.into_inner() = list,
    }
}

/// Delivers `event` to its listeners, in registration order.
pub fn deliver(session: &mut Session, event: &str, arg: &str) {
    let list: Vec<SessionEventFn> = match LISTENERS.lock() {
        Ok(l) => l
            .iter()
            .filter(|(e, _)| *e == event)
            .map(|(_, f)| *f)
            .collect(),
        Err(poisoned) => poisoned
            .into_inner()
            .iter()
            .filter(|(e, _)| *e == event)
            .map(|(_, f)| *f)
            .collect(),
    };
    for f in list {
        f(session, arg);
    }
}
