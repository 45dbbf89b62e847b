//! The client's network layer: the shared renet client ([`server::net::NetClient`], the same
//! one the bots and `sandtable-server join` use) runs on a thread of its own, so the window can
//! sleep while nothing happens: the thread keeps the connection alive, says hello with the chosen
//! role, and wakes the window (winit's event loop) only when a server message arrives. A bevy
//! system feeds those messages into [`Drill`] and hands the thread the orders the panels queue,
//! right after the frame that queued them. The same path serves a remote server and a locally
//! hosted one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{EventLoopProxy, WinitUserEvent};
use protocol::Seat;
use protocol::{ClientMessage, ServerMessage};
use server::net::JoinRequest;
use server::net::NetClient;

use crate::drill::{Drill, Link, Notice, Problem};

/// Give up connecting after this long without the server answering.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How often the network thread polls the socket: well under the server's 100 ms tick.
const POLL: Duration = Duration::from_millis(4);

/// What the network thread tells the app.
enum NetEvent {
    Joining,
    Message(ServerMessage),
    Undecodable(u32),
    Lost(Problem),
}

/// Wakes the window when the network thread has news; `None` without a window (tests).
pub type Waker = Option<EventLoopProxy<WinitUserEvent>>;

/// The connection. Dropping it (leaving the session, quitting) stops the thread, which tells
/// the server we leave, so our role is freed at once rather than after netcode's timeout.
#[derive(Resource)]
pub struct NetLink {
    to_net: Sender<ClientMessage>,
    from_net: Mutex<Receiver<NetEvent>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl NetLink {
    /// Opens a UDP socket, starts the netcode handshake with `server` and the thread that keeps
    /// the connection; it says hello for `seat` once connected.
    /// `code` is the drill code (口令) the seat needs.
    pub fn connect(
        server: SocketAddr,
        seat: Seat,
        player: String,
        code: Option<String>,
        waker: Waker,
    ) -> Result<NetLink, String> {
        let request = JoinRequest::new(seat, &player).with_code(code);
        let client = NetClient::connect(server, &request).map_err(|e| e.to_string())?;
        let (to_net, net_in) = channel();
        let (net_out, from_net) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("sandtable-net".into())
                .spawn(move || run(client, request.hello(), net_in, net_out, stop, waker))
                .map_err(|e| e.to_string())?
        };
        Ok(NetLink { to_net, from_net: Mutex::new(from_net), stop, thread: Some(thread) })
    }
}

impl Drop for NetLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The network thread: poll, forward, wake; stops on `stop`, on a lost connection, or when the
/// app side is gone.
fn run(
    mut client: NetClient,
    hello: ClientMessage,
    from_app: Receiver<ClientMessage>,
    to_app: Sender<NetEvent>,
    stop: Arc<AtomicBool>,
    waker: Waker,
) {
    let wake = || {
        if let Some(w) = &waker {
            let _ = w.send_event(WinitUserEvent::WakeUp);
        }
    };
    let mut hello_sent = false;
    let mut undecodable_seen = 0;
    let lost = |p: Problem| {
        let _ = to_app.send(NetEvent::Lost(p));
        wake();
    };
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = client.update() {
            return lost(Problem::Network(e.to_string()));
        }
        if client.is_disconnected() {
            return lost(Problem::ServerClosed(client.disconnect_reason().unwrap_or_default()));
        }
        if client.is_connecting() && client.age() > CONNECT_TIMEOUT {
            return lost(Problem::NoAnswer { secs: CONNECT_TIMEOUT.as_secs() });
        }
        let mut news = false;
        if client.is_connected() {
            if !hello_sent {
                client.send(&hello);
                hello_sent = true;
                news |= to_app.send(NetEvent::Joining).is_ok();
            }
            for msg in client.receive() {
                news |= to_app.send(NetEvent::Message(msg)).is_ok();
            }
            if client.undecodable > undecodable_seen {
                let n = client.undecodable - undecodable_seen;
                undecodable_seen = client.undecodable;
                warn!("{n} undecodable message(s) from the server");
                news |= to_app.send(NetEvent::Undecodable(n)).is_ok();
            }
            loop {
                match from_app.try_recv() {
                    Ok(msg) => client.send(&msg),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return client.disconnect(),
                }
            }
        }
        if let Err(e) = client.flush() {
            return lost(Problem::Network(e.to_string()));
        }
        if news {
            wake();
        }
        std::thread::sleep(POLL);
    }
    client.disconnect();
}

pub fn plugin(app: &mut App) {
    let linked = resource_exists::<NetLink>.and_eager(resource_exists::<Drill>);
    // In before the frame's UI (news from the server), and after it (the orders just clicked).
    app.add_systems(PreUpdate, exchange.run_if(linked.clone())).add_systems(Last, exchange.run_if(linked));
}

/// Applies what the network thread received, hands it the queued orders.
fn exchange(link: Res<NetLink>, mut drill: ResMut<Drill>) {
    if matches!(drill.link, Link::Refused(_) | Link::Lost(_)) {
        return;
    }
    let Ok(from_net) = link.from_net.lock() else { return };
    loop {
        match from_net.try_recv() {
            Ok(NetEvent::Joining) => drill.link = Link::Joining,
            Ok(NetEvent::Message(msg)) => drill.apply(msg),
            Ok(NetEvent::Undecodable(n)) => drill.notices.push(Notice::Undecodable(n)),
            Ok(NetEvent::Lost(p)) => {
                drill.link = Link::Lost(p);
                return;
            }
            Err(_) => break,
        }
    }
    if drill.link == Link::Welcomed {
        for msg in std::mem::take(&mut drill.outbox) {
            let _ = link.to_net.send(msg);
        }
    }
}
