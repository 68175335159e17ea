//! `log` targets that carry ProFTPD's syslog priority and facility.
//!
//! The `log` facade has five levels and ProFTPD eight priorities; the one
//! convention, applied by `src/logging` and used by every module:
//!
//! | ProFTPD call                  | Rust                                        |
//! |-------------------------------|---------------------------------------------|
//! | `pr_log_pri(PR_LOG_NOTICE)`   | `log::info!(...)` (plain: notice)           |
//! | `pr_log_pri(PR_LOG_INFO)`     | `log::info!(target: INFO, ...)`             |
//! | `pr_log_auth(PR_LOG_NOTICE)`  | `log::info!(target: AUTH, ...)`             |
//! | `pr_log_auth(PR_LOG_INFO)`    | `log::info!(target: AUTH_INFO, ...)`        |
//!
//! `error!`/`warn!` are error/warn, `debug!`/`trace!` debug. Only the `info!`
//! level looks at the target; the default `SyslogLevel notice` keeps info
//! lines (`FTP session opened.`, `USER x: Login successful.`) out of the
//! SystemLog, as 1.3.8 does.

/// An info-priority line (`FTP session opened.`).
pub const INFO: &str = "info";
/// An auth line at notice (`USER x (Login failed): ...`), under LOG_AUTHPRIV
/// when logging to syslog.
pub const AUTH: &str = "auth";
/// An auth line at info (`USER x: Login successful.`).
pub const AUTH_INFO: &str = "auth.info";
