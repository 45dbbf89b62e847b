//! Ending a command cleanly: Ctrl+C, SIGTERM and SIGHUP (ctrlc's `termination` feature) all set
//! one flag, which `serve` and `run` poll between steps, so the record and the review are
//! written whichever way an operator (or an orchestrator) stops the drill.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag set by Ctrl+C, SIGTERM or SIGHUP. One handler per process: a second call gets a flag
/// no signal sets, and says so in the log.
pub fn on_termination() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        tracing::warn!("no Ctrl+C / SIGTERM / SIGHUP handler: {e}");
    }
    stop
}
