//! Event names, as ProFTPD spells them, so documentation and ports carry
//! over. Delivery is process-local, synchronous, in registration order.

pub const CORE_STARTUP: &str = "core.startup";
pub const CORE_RESTART: &str = "core.restart";
pub const CORE_SHUTDOWN: &str = "core.shutdown";
pub const CORE_EXIT: &str = "core.exit";
pub const CORE_POSTPARSE: &str = "core.postparse";
pub const CORE_MAX_INSTANCES: &str = "core.max-instances";
pub const CORE_TIMEOUT_IDLE: &str = "core.timeout-idle";
pub const CORE_TIMEOUT_LOGIN: &str = "core.timeout-login";
pub const CORE_TIMEOUT_SESSION: &str = "core.timeout-session";
pub const CORE_UNHANDLED_COMMAND: &str = "core.unhandled-command";
/// Fired as root just before chroot: the last chance to open files that
/// will be needed inside it.
pub const CORE_PRE_CHROOT: &str = "core.pre-chroot";
pub const MOD_AUTH_AUTHENTICATION_CODE: &str = "mod_auth.authentication-code";

/// A session-side event listener: gets the session and the event's
/// argument (event-specific, often empty).
pub type SessionEventFn = fn(&mut crate::session::Session, &str);
