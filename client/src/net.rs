//! The client's network layer: a renet client over netcode UDP, driven by one bevy system each
//! frame. It says hello with the chosen role, feeds server messages into [`Drill`] and sends the
//! orders the panels queue. The same path serves a remote server and a locally hosted one.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bevy::prelude::*;
use protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage, channel};
use renet::RenetClient;
use renet_netcode::{ClientAuthentication, NetcodeClientTransport};

use crate::drill::{Drill, Link};

/// Give up connecting after this long without the server answering.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Resource)]
pub struct NetLink {
    client: RenetClient,
    transport: NetcodeClientTransport,
    hello_sent: bool,
    since_start: Duration,
}

impl NetLink {
    /// Opens a UDP socket and starts the netcode handshake with `server`.
    pub fn connect(server: SocketAddr) -> Result<NetLink, String> {
        let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("literal address");
        let socket = UdpSocket::bind(bind).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        // Unsecure netcode needs a client id unique per server: time and process id make one.
        let client_id = (now.as_nanos() as u64) ^ ((std::process::id() as u64) << 40);
        let auth = ClientAuthentication::Unsecure {
            protocol_id: PROTOCOL_VERSION,
            client_id,
            server_addr: server,
            user_data: None,
        };
        let transport = NetcodeClientTransport::new(now, auth, socket).map_err(|e| format!("netcode: {e}"))?;
        let client = RenetClient::new(protocol::connection_config());
        Ok(NetLink { client, transport, hello_sent: false, since_start: Duration::ZERO })
    }
}

/// Tells the server we leave (on leaving the session or quitting), so our role is freed at once
/// rather than after netcode's timeout.
impl Drop for NetLink {
    fn drop(&mut self) {
        self.transport.disconnect();
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, exchange.run_if(resource_exists::<NetLink>.and_eager(resource_exists::<Drill>)));
}

/// Receives, applies, sends: one round trip of the network per frame.
fn exchange(mut link: ResMut<NetLink>, mut drill: ResMut<Drill>, time: Res<Time>) {
    if matches!(drill.link, Link::Refused(_) | Link::Lost(_)) {
        return;
    }
    let dt = time.delta();
    let link = &mut *link;
    link.since_start += dt;
    if let Err(e) = link.transport.update(dt, &mut link.client) {
        drill.link = Link::Lost(format!("network error: {e}"));
        return;
    }
    if link.client.is_disconnected() {
        let reason = link
            .transport
            .disconnect_reason()
            .map(|r| format!("{r:?}"))
            .or_else(|| link.client.disconnect_reason().map(|r| format!("{r:?}")))
            .unwrap_or_else(|| "no reason given".into());
        drill.link = Link::Lost(reason);
        return;
    }
    if link.client.is_connecting() && link.since_start > CONNECT_TIMEOUT {
        drill.link = Link::Lost(format!("no answer from the server after {} s", CONNECT_TIMEOUT.as_secs()));
        return;
    }
    if link.client.is_connected() {
        if !link.hello_sent {
            let hello = ClientMessage::Hello {
                protocol: PROTOCOL_VERSION,
                role: drill.role.clone(),
                player: drill.player.clone(),
            };
            link.client.send_message(channel::RELIABLE, protocol::encode(&hello));
            link.hello_sent = true;
            drill.link = Link::Joining;
        }
        for ch in [channel::RELIABLE, channel::VIEWS] {
            while let Some(bytes) = link.client.receive_message(ch) {
                match protocol::decode::<ServerMessage>(&bytes) {
                    Ok(msg) => drill.apply(msg),
                    Err(e) => {
                        warn!("undecodable message from the server: {e}");
                        drill.notices.push(format!("undecodable message from the server: {e}"));
                    }
                }
            }
        }
        if drill.link == Link::Welcomed {
            for msg in std::mem::take(&mut drill.outbox) {
                link.client.send_message(channel::RELIABLE, protocol::encode(&msg));
            }
        }
    }
    if let Err(e) = link.transport.send_packets(&mut link.client) {
        drill.link = Link::Lost(format!("network error: {e}"));
    }
}
