//! The client's network layer: one bevy system each frame over the shared renet client
//! ([`server::net::NetClient`], the same one the bots and `sandtable-server join` use). It says
//! hello with the chosen role, feeds server messages into [`Drill`] and sends the orders the
//! panels queue. The same path serves a remote server and a locally hosted one.

use std::net::SocketAddr;
use std::time::Duration;

use bevy::prelude::*;
use server::net::NetClient;
use server::net::client::hello;

use crate::drill::{Drill, Link};

/// Give up connecting after this long without the server answering.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The connection. Dropping it (leaving the session, quitting) tells the server we leave, so our
/// role is freed at once rather than after netcode's timeout.
#[derive(Resource)]
pub struct NetLink {
    client: NetClient,
    hello_sent: bool,
    /// Undecodable messages already shown to the player.
    undecodable_seen: u32,
}

impl NetLink {
    /// Opens a UDP socket and starts the netcode handshake with `server`.
    pub fn connect(server: SocketAddr) -> Result<NetLink, String> {
        let client = NetClient::connect(server).map_err(|e| e.to_string())?;
        Ok(NetLink { client, hello_sent: false, undecodable_seen: 0 })
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, exchange.run_if(resource_exists::<NetLink>.and_eager(resource_exists::<Drill>)));
}

/// Receives, applies, sends: one round trip of the network per frame.
fn exchange(mut link: ResMut<NetLink>, mut drill: ResMut<Drill>) {
    if matches!(drill.link, Link::Refused(_) | Link::Lost(_)) {
        return;
    }
    let link = &mut *link;
    let client = &mut link.client;
    if let Err(e) = client.update() {
        drill.link = Link::Lost(format!("network error: {e}"));
        return;
    }
    if client.is_disconnected() {
        drill.link = Link::Lost(client.disconnect_reason().unwrap_or_else(|| "no reason given".into()));
        return;
    }
    if client.is_connecting() && client.age() > CONNECT_TIMEOUT {
        drill.link = Link::Lost(format!(
            "no answer from the server after {} s (is it running, and of the same major version?)",
            CONNECT_TIMEOUT.as_secs()
        ));
        return;
    }
    if client.is_connected() {
        if !link.hello_sent {
            client.send(&hello(drill.role.clone(), &drill.player));
            link.hello_sent = true;
            drill.link = Link::Joining;
        }
        for msg in client.receive() {
            drill.apply(msg);
        }
        if client.undecodable > link.undecodable_seen {
            let n = client.undecodable - link.undecodable_seen;
            link.undecodable_seen = client.undecodable;
            warn!("{n} undecodable message(s) from the server");
            drill.notices.push(format!("{n} undecodable message(s) from the server (another version?)"));
        }
        if drill.link == Link::Welcomed {
            for msg in std::mem::take(&mut drill.outbox) {
                client.send(&msg);
            }
        }
    }
    if let Err(e) = client.flush() {
        drill.link = Link::Lost(format!("network error: {e}"));
    }
}
