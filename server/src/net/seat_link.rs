//! `SeatLink`: a seat's connection that survives the network. Over [`NetClient`] it joins with
//! the seat's [`JoinRequest`], and when the link is lost (netcode's timeout, a server restarted)
//! it connects again with the same request, with backoff, says hello again and gets its role,
//! briefing and view back. A refusal of the seat ends the retrying with the server's reason.
//!
//! Orders go through [`SeatLink::send`], which gives each a [`Ticket`] and tells what became of
//! it: **delivered** once the server's renet acknowledged every message sent so far (its
//! reliable channel holds no unacknowledged bytes), **unknown** when the link died before that
//! (never resent: it may have arrived), **waiting** while the link is down (sent after
//! the seat is welcomed again), and **not sent** when the seat gives up. None is silently lost.
//! After each hello a role seat sends [`ClientMessage::CatchUp`] with the number of its role's
//! events it has had, and the server sends the ones it missed while offline.
//! The headless seat (`sandtable-server join`) and the bevy client's network thread use it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, ServerMessage};

use super::client::{ClientError, JoinRequest, NetClient};

/// The first pause before connecting again; it doubles up to [`BACKOFF_MAX`].
pub const BACKOFF_FIRST: Duration = Duration::from_millis(250);
pub const BACKOFF_MAX: Duration = Duration::from_secs(2);
/// The first connection gets this long to complete the handshake (a failure is final)...
pub const FIRST_TIMEOUT: Duration = Duration::from_secs(15);
/// ...and each attempt to connect again this long (then the next one, after the backoff).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// An order's number, in the order [`SeatLink::send`] was called.
pub type Ticket = u64;

/// Where the link is.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkState {
    /// Handshake and hello under way (`retry` > 0 when connecting again).
    Connecting { retry: u32 },
    /// Welcomed (or seated): orders go out.
    Seated,
    /// Lost; the next attempt starts at `at`.
    Waiting { retry: u32, at: Instant, reason: String },
    /// The seat was refused, or the drill ended and the server left: no more attempts.
    Closed(String),
}

/// What happened on the link, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkEvent {
    /// A message from the server (a second `Welcome` and `Static` follow a reconnect).
    Message(ServerMessage),
    /// Connected and the hello sent (the first time and after each reconnect).
    Joining,
    /// The link was lost; the seat connects again.
    Lost(String),
    /// Welcomed again after a loss.
    Rejoined,
    /// The seat was refused (its reason), the first time or on a reconnect: the link is closed.
    Refused(String),
    /// The link is closed for good (the drill ended and the server went away).
    Closed(String),
    /// The server's renet acknowledged these orders.
    Delivered(Vec<Ticket>),
    /// These orders were sent but the link died before the server acknowledged them.
    Unknown(Vec<Ticket>),
    /// These orders had waited for the link and are now sent.
    Sent(Vec<Ticket>),
    /// These orders never left: the link closed for good.
    NotSent(Vec<Ticket>),
    /// So many messages from the server did not decode (in total).
    Undecodable(u32),
}

pub struct SeatLink {
    server: SocketAddr,
    request: JoinRequest,
    client: Option<NetClient>,
    state: LinkState,
    /// True once welcomed: from then on a lost link is retried; before, a failure is final.
    welcomed_once: bool,
    /// The drill ended: a lost link is the server leaving, not a fault.
    ended: bool,
    next_ticket: Ticket,
    /// Sent, not yet acknowledged by the server's renet.
    in_flight: Vec<Ticket>,
    /// Waiting for the link.
    waiting: VecDeque<(Ticket, ClientMessage)>,
    attempt_started: Instant,
    /// [`LinkEvent::Joining`] was told for this attempt.
    announced: bool,
    undecodable: u32,
    /// Of those, the ones the current connection counted (each [`NetClient`] counts from 0).
    undecodable_here: u32,
    /// Message bytes received by the connections before the current one.
    received_before: u64,
    /// Events of the seat's role received in every session so far (for [`ClientMessage::CatchUp`]).
    events_seen: u32,
    /// Reconnections completed, for logs and tests.
    pub rejoins: u32,
}

impl SeatLink {
    /// Starts connecting for `request` (the hello goes once connected).
    pub fn join(server: SocketAddr, request: JoinRequest) -> Result<SeatLink, ClientError> {
        let client = NetClient::connect(server, &request)?;
        let now = Instant::now();
        Ok(SeatLink {
            server,
            request,
            client: Some(client),
            state: LinkState::Connecting { retry: 0 },
            welcomed_once: false,
            ended: false,
            next_ticket: 0,
            in_flight: Vec::new(),
            waiting: VecDeque::new(),
            attempt_started: now,
            announced: false,
            undecodable: 0,
            undecodable_here: 0,
            received_before: 0,
            events_seen: 0,
            rejoins: 0,
        })
    }

    pub fn state(&self) -> &LinkState {
        &self.state
    }
    pub fn request(&self) -> &JoinRequest {
        &self.request
    }
    pub fn is_seated(&self) -> bool {
        self.state == LinkState::Seated
    }
    pub fn is_closed(&self) -> bool {
        matches!(self.state, LinkState::Closed(_))
    }
    /// Orders waiting for the link.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
    /// Orders sent and not yet acknowledged.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
    /// Message bytes received over every connection so far (as [`NetClient::received_bytes`]).
    pub fn received_bytes(&self) -> u64 {
        self.received_before + self.client.as_ref().map_or(0, |c| c.received_bytes)
    }

    /// Queues an order or control: sent now if the seat is seated, else kept until the seat
    /// is welcomed again. Its fate comes as [`LinkEvent`]s.
    pub fn send(&mut self, msg: ClientMessage) -> Ticket {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        if self.live() {
            if let Some(c) = &mut self.client {
                c.send(&msg);
                self.in_flight.push(ticket);
            }
        } else {
            self.waiting.push_back((ticket, msg));
        }
        ticket
    }

    /// Sends raw bytes now if connected (tests: garbage, another version's hello); untracked.
    pub fn send_raw(&mut self, bytes: Vec<u8>) {
        if let Some(c) = &mut self.client {
            c.send_raw(bytes);
        }
    }

    fn attempt_timeout(&self) -> Duration {
        if self.welcomed_once { ATTEMPT_TIMEOUT } else { FIRST_TIMEOUT }
    }

    /// Seated: orders go out now. (A paused drill may send nothing for long, so silence alone
    /// says nothing; netcode's 5-second timeout tells a dead link.)
    fn live(&self) -> bool {
        self.state == LinkState::Seated
    }

    /// Pumps the link: receives, sends, notices a loss and connects again when it is time.
    /// Never blocks.
    pub fn poll(&mut self) -> Vec<LinkEvent> {
        let mut out = Vec::new();
        // By reference: a poll allocates nothing unless something happened.
        match &self.state {
            LinkState::Closed(_) => return out,
            &LinkState::Waiting { retry, at, .. } => {
                if Instant::now() >= at {
                    self.attempt(retry, &mut out);
                }
                return out;
            }
            LinkState::Connecting { .. } | LinkState::Seated => {}
        }
        let timeout = self.attempt_timeout();
        let Some(client) = &mut self.client else { return out };
        let failure = match client.update() {
            Err(e) => Some(e.to_string()),
            Ok(()) if client.is_disconnected() => {
                Some(client.disconnect_reason().unwrap_or_else(|| "disconnected".into()))
            }
            Ok(()) if client.is_connecting() && self.attempt_started.elapsed() > timeout => {
                Some(ClientError::Timeout { addr: self.server, secs: timeout.as_secs() }.to_string())
            }
            Ok(()) => None,
        };
        if let Some(reason) = failure {
            self.lost(reason, &mut out);
            return out;
        }
        if !self.announced && client.is_connected() {
            // Connected: say hello (only now: renet's packets cannot go out while connecting).
            client.send(&self.request.hello());
            // A role seat asks for the events of its role it has not had (all of them the
            // first time: a late joiner reads the history too).
            if matches!(self.request.seat, protocol::Seat::Role(_)) {
                client.send(&ClientMessage::CatchUp { seen: self.events_seen });
            }
            self.announced = true;
            out.push(LinkEvent::Joining);
        }
        let msgs = client.receive();
        if client.undecodable > self.undecodable_here {
            self.undecodable = self.undecodable.saturating_add(client.undecodable - self.undecodable_here);
            self.undecodable_here = client.undecodable;
            out.push(LinkEvent::Undecodable(self.undecodable));
        }
        for msg in msgs {
            match &msg {
                ServerMessage::Welcome { .. } | ServerMessage::Seated { .. } => {
                    if self.welcomed_once {
                        self.rejoins += 1;
                        out.push(LinkEvent::Rejoined);
                    }
                    self.welcomed_once = true;
                    self.state = LinkState::Seated;
                }
                ServerMessage::Refused { reason } if self.state != LinkState::Seated => {
                    out.push(LinkEvent::Refused(reason.clone()));
                    self.close(reason.clone(), &mut out);
                    return out;
                }
                ServerMessage::Ended { .. } => self.ended = true,
                ServerMessage::Events(evs) => {
                    self.events_seen = self.events_seen.saturating_add(u32::try_from(evs.len()).unwrap_or(u32::MAX));
                }
                _ => {}
            }
            out.push(LinkEvent::Message(msg));
        }
        // Orders that waited go out once the seat is welcomed again.
        if self.state == LinkState::Seated && !self.waiting.is_empty() {
            let mut sent = Vec::new();
            while let Some((t, msg)) = self.waiting.pop_front() {
                client.send(&msg);
                self.in_flight.push(t);
                sent.push(t);
            }
            out.push(LinkEvent::Sent(sent));
        }
        if client.is_connected()
            && let Err(e) = client.flush()
        {
            self.lost(e.to_string(), &mut out);
            return out;
        }
        // Every reliable message acknowledged: whatever was in flight arrived.
        if !self.in_flight.is_empty() && client.is_connected() && client.reliable_unacked_bytes() == 0 {
            out.push(LinkEvent::Delivered(std::mem::take(&mut self.in_flight)));
        }
        out
    }

    /// Disconnects the current connection, keeping its count of bytes.
    fn drop_client(&mut self) {
        if let Some(mut c) = self.client.take() {
            self.received_before += c.received_bytes;
            c.disconnect();
        }
    }

    fn lost(&mut self, reason: String, out: &mut Vec<LinkEvent>) {
        self.drop_client();
        if !self.in_flight.is_empty() {
            out.push(LinkEvent::Unknown(std::mem::take(&mut self.in_flight)));
        }
        if self.ended {
            return self.close(format!("the drill ended ({reason})"), out);
        }
        if !self.welcomed_once {
            return self.close(reason, out);
        }
        let retry = match self.state {
            LinkState::Connecting { retry } => retry + 1,
            _ => {
                tracing::warn!("link to {} lost ({reason}); reconnecting", self.server);
                out.push(LinkEvent::Lost(reason.clone()));
                1
            }
        };
        let wait = backoff(retry);
        self.state = LinkState::Waiting { retry, at: Instant::now() + wait, reason };
    }

    fn attempt(&mut self, retry: u32, out: &mut Vec<LinkEvent>) {
        tracing::info!("connecting again to {} (attempt {retry})", self.server);
        self.attempt_started = Instant::now();
        self.announced = false;
        self.undecodable_here = 0;
        match NetClient::connect(self.server, &self.request) {
            Ok(c) => {
                self.client = Some(c);
                self.state = LinkState::Connecting { retry };
            }
            // The code no longer opens the seat (the drill was resumed with new codes): final.
            Err(ClientError::Refused(reason)) => {
                out.push(LinkEvent::Refused(reason.clone()));
                self.close(reason, out);
            }
            // Another certificate answers at the address: not our server, final too.
            Err(e @ ClientError::TlsPin { .. }) => {
                let reason = e.to_string();
                out.push(LinkEvent::Refused(reason.clone()));
                self.close(reason, out);
            }
            Err(e) => {
                let at = Instant::now() + backoff(retry + 1);
                self.state = LinkState::Waiting { retry: retry + 1, at, reason: e.to_string() };
            }
        }
    }

    fn close(&mut self, reason: String, out: &mut Vec<LinkEvent>) {
        self.drop_client();
        if !self.in_flight.is_empty() {
            out.push(LinkEvent::Unknown(std::mem::take(&mut self.in_flight)));
        }
        if !self.waiting.is_empty() {
            out.push(LinkEvent::NotSent(self.waiting.drain(..).map(|(t, _)| t).collect()));
        }
        if !matches!(out.last(), Some(LinkEvent::Refused(_))) {
            out.push(LinkEvent::Closed(reason.clone()));
        }
        self.state = LinkState::Closed(reason);
    }

    /// Leaves: tells the server goodbye; orders still waiting are reported not sent, orders in
    /// flight unknown.
    pub fn leave(&mut self) -> Vec<LinkEvent> {
        let mut out = Vec::new();
        if let Some(c) = &mut self.client {
            // One last chance for the acknowledgements already on their way.
            let _ = c.update();
            if !self.in_flight.is_empty() && c.is_connected() && c.reliable_unacked_bytes() == 0 {
                out.push(LinkEvent::Delivered(std::mem::take(&mut self.in_flight)));
            }
        }
        if !self.is_closed() {
            self.close("left".into(), &mut out);
        }
        out
    }
}

/// The pause before attempt `retry` (1, 2, ...): 250 ms doubling to 2 s.
pub fn backoff(retry: u32) -> Duration {
    let n = retry.saturating_sub(1).min(8);
    (BACKOFF_FIRST * 2u32.pow(n)).min(BACKOFF_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap() {
        let b: Vec<u128> = (1..=7).map(|r| backoff(r).as_millis()).collect();
        assert_eq!(b, vec![250, 500, 1000, 2000, 2000, 2000, 2000]);
        assert_eq!(backoff(u32::MAX), BACKOFF_MAX);
    }
}
