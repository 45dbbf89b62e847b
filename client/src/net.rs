//! The client's network layer: the shared renet client ([`server::net::NetClient`], the same
//! one the bots and `sandtable-server join` use) runs on a thread of its own, so the window can
//! sleep while nothing happens: the thread keeps the connection alive, says hello with the chosen
//! role, and wakes the window (winit's event loop) only when a server message arrives. A bevy
//! system feeds those messages into [`Drill`] and hands the thread the orders the panels queue,
//! right after the frame that queued them. The same path serves a remote server and a locally
//! hosted one. When the link drops the thread's [`SeatLink`] joins again by itself (the player
//! reads 连接中断，正在重连… / reconnecting) and reports each order's fate: delivered, sent as the
//! link died (not confirmed), waiting for the link, or never sent.

use std::collections::BTreeMap;
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
use server::net::{JoinRequest, LinkEvent, LinkState, SeatLink, Ticket};

use crate::drill::{Drill, Fate, Link, Notice, Problem};

/// How often the network thread polls the socket: well under the server's 100 ms tick.
const POLL: Duration = Duration::from_millis(4);

/// What the network thread tells the app.
enum NetEvent {
    Joining,
    Message(ServerMessage),
    Undecodable(u32),
    /// The link dropped; the thread is connecting again.
    Reconnecting(String),
    /// What became of these entries of [`Drill::sent`].
    Fate(Vec<usize>, Fate),
    /// The session is over: refused, or lost for good.
    Lost(Problem),
    Refused(String),
}

/// Wakes the window when the network thread has news; `None` without a window (tests).
pub type Waker = Option<EventLoopProxy<WinitUserEvent>>;

/// The connection. Dropping it (leaving the session, quitting) stops the thread, which tells
/// the server we leave, so our role is freed at once rather than after netcode's timeout.
#[derive(Resource)]
pub struct NetLink {
    /// Messages for the server, with the entry of [`Drill::sent`] each stands for.
    to_net: Sender<(Option<usize>, ClientMessage)>,
    from_net: Mutex<Receiver<NetEvent>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl NetLink {
    /// Opens a UDP socket, starts the netcode handshake with `server` and the thread that keeps
    /// the connection ([`SeatLink`]: it says hello for `seat` once connected, and joins again by
    /// itself when the link drops). `code` is the drill code (口令) the seat needs; `tls_pin`
    /// the server certificate's pin (`--tls-pin`: the token step over TLS, on every rejoin too).
    pub fn connect(
        server: SocketAddr,
        seat: Seat,
        player: String,
        code: Option<String>,
        tls_pin: Option<server::admission::TlsPin>,
        waker: Waker,
    ) -> Result<NetLink, String> {
        let request = JoinRequest::new(seat, &player).with_code(code).with_tls_pin(tls_pin);
        let link = SeatLink::join(server, request).map_err(|e| e.to_string())?;
        let (to_net, net_in) = channel();
        let (net_out, from_net) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("sandtable-net".into())
                .spawn(move || run(link, net_in, net_out, stop, waker))
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

/// The network thread: poll, forward, wake; stops on `stop`, when the link closes for good, or
/// when the app side is gone.
fn run(
    mut link: SeatLink,
    from_app: Receiver<(Option<usize>, ClientMessage)>,
    to_app: Sender<NetEvent>,
    stop: Arc<AtomicBool>,
    waker: Waker,
) {
    let wake = || {
        if let Some(w) = &waker {
            let _ = w.send_event(WinitUserEvent::WakeUp);
        }
    };
    // Which entry of the app's list of orders each ticket stands for.
    let mut entries: BTreeMap<Ticket, usize> = BTreeMap::new();
    let mut undecodable = 0;
    while !stop.load(Ordering::Relaxed) {
        let mut news = false;
        for event in link.poll() {
            if let LinkEvent::Undecodable(total) = event {
                warn!("{} undecodable message(s) from the server", total - undecodable);
                news |= to_app.send(NetEvent::Undecodable(total - undecodable)).is_ok();
                undecodable = total;
                continue;
            }
            news |= forward(event, &mut entries, &to_app, &link);
        }
        if link.is_closed() {
            wake();
            return;
        }
        loop {
            match from_app.try_recv() {
                Ok((entry, msg)) => {
                    let ticket = link.send(msg);
                    if let Some(i) = entry {
                        entries.insert(ticket, i);
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    link.leave();
                    return;
                }
            }
        }
        if news {
            wake();
        }
        std::thread::sleep(POLL);
    }
    for event in link.leave() {
        forward(event, &mut entries, &to_app, &link);
    }
}

/// Hands one link event to the app; true if it was news.
fn forward(
    event: LinkEvent,
    entries: &mut BTreeMap<Ticket, usize>,
    to_app: &Sender<NetEvent>,
    link: &SeatLink,
) -> bool {
    let mut fate = |tickets: Vec<Ticket>, fate: Fate| {
        let ids: Vec<usize> = tickets.iter().filter_map(|t| entries.get(t).copied()).collect();
        if !matches!(fate, Fate::Sent) {
            for t in &tickets {
                entries.remove(t);
            }
        }
        NetEvent::Fate(ids, fate)
    };
    let out = match event {
        LinkEvent::Message(m) => NetEvent::Message(m),
        LinkEvent::Joining => NetEvent::Joining,
        LinkEvent::Lost(why) => {
            warn!("link lost ({why}); reconnecting");
            NetEvent::Reconnecting(why)
        }
        LinkEvent::Rejoined => return false,
        LinkEvent::Refused(r) => NetEvent::Refused(r),
        LinkEvent::Closed(why) => {
            // Before the first welcome a failure is final: tell why in the catalogue's words.
            let problem = match link.state() {
                LinkState::Closed(_) if why.starts_with("no connection") => {
                    Problem::NoAnswer { secs: server::net::seat_link::FIRST_TIMEOUT.as_secs() }
                }
                _ => Problem::ServerClosed(why),
            };
            NetEvent::Lost(problem)
        }
        LinkEvent::Delivered(t) => fate(t, Fate::Delivered),
        LinkEvent::Unknown(t) => fate(t, Fate::Unknown),
        LinkEvent::Sent(t) => fate(t, Fate::Sent),
        LinkEvent::NotSent(t) => fate(t, Fate::NotSent),
        LinkEvent::Undecodable(n) => NetEvent::Undecodable(n),
    };
    to_app.send(out).is_ok()
}

pub fn plugin(app: &mut App) {
    let linked = resource_exists::<NetLink>.and_eager(resource_exists::<Drill>);
    // In before the frame's UI (news from the server), and after it (the orders just clicked).
    app.add_systems(PreUpdate, exchange.run_if(linked.clone())).add_systems(Last, exchange.run_if(linked));
}

/// Applies what the network thread received, hands it the queued orders (while the link is
/// down too: the thread keeps them until the seat is welcomed again).
fn exchange(link: Res<NetLink>, mut drill: ResMut<Drill>) {
    if matches!(drill.link, Link::Refused(_) | Link::Lost(_)) {
        return;
    }
    let Ok(from_net) = link.from_net.lock() else { return };
    loop {
        match from_net.try_recv() {
            Ok(NetEvent::Joining) => {
                if !matches!(drill.link, Link::Reconnecting(_)) {
                    drill.link = Link::Joining;
                }
            }
            Ok(NetEvent::Message(msg)) => drill.apply(msg),
            Ok(NetEvent::Undecodable(n)) => drill.notices.push(Notice::Undecodable(n)),
            Ok(NetEvent::Reconnecting(why)) => drill.link_lost(why),
            Ok(NetEvent::Fate(ids, fate)) => drill.fate(&ids, fate),
            Ok(NetEvent::Refused(r)) => {
                drill.link = Link::Refused(r);
                drill.orders_not_sent();
                return;
            }
            Ok(NetEvent::Lost(p)) => {
                drill.link = Link::Lost(p);
                drill.orders_not_sent();
                return;
            }
            Err(_) => break,
        }
    }
    if matches!(drill.link, Link::Welcomed | Link::Reconnecting(_)) {
        for msg in std::mem::take(&mut drill.outbox) {
            let _ = link.to_net.send(msg);
        }
    }
}
