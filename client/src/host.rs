//! Hosting a drill on this machine: the server library runs on a background thread, bound to a
//! loopback UDP port, with bots in every role the player does not take. The client then joins
//! it over UDP like any other client, so hosting exercises the same path as joining.

use std::net::SocketAddr;
use std::path::Path;

use bevy::prelude::*;
use protocol::Seat;
use server::hosting::{ServeOptions, ServerHandle};
use sim::Role;

/// The embedded server. Dropping it stops the drill and writes its record.
#[derive(Resource)]
pub struct HostedDrill {
    handle: ServerHandle,
}

impl HostedDrill {
    /// Loads `scenario` and serves it on `127.0.0.1:<free port>`. A player who is not the
    /// controller gets a running clock (the bot controller steers nothing by itself); the
    /// controller starts the drill when ready.
    pub fn spawn(scenario: &Path, seat: &Seat) -> Result<HostedDrill, String> {
        let mut opts = ServeOptions::new(scenario.to_path_buf());
        opts.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        opts.bots = true;
        opts.autostart = *seat != Seat::Role(Role::Controller);
        let handle = ServerHandle::spawn(opts).map_err(|e| format!("{}: {e}", scenario.display()))?;
        info!("hosting {} on {}; record in {}", scenario.display(), handle.addr, handle.record_dir.display());
        Ok(HostedDrill { handle })
    }

    pub fn addr(&self) -> SocketAddr {
        self.handle.addr
    }

    /// The code the player's seat joins its own drill with.
    pub fn code_for(&self, seat: &Seat) -> String {
        self.handle.code_for(seat)
    }
}
