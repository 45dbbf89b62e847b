//! A bot over real UDP: a [`SeatLink`] playing one role until the drill ends, so a bot, like a
//! person's client, joins again by itself when the link is lost and never loses an order
//! silently (each is delivered, unknown or not sent, and counted). Orders are paced below the
//! server's per-client rate limit, as a well-behaved client would.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use protocol::ClientMessage;

use super::Bot;
use crate::host::rate::RateLimit;
use crate::net::client::ClientError;
use crate::net::seat_link::{LinkEvent, SeatLink};

/// What a UDP bot saw by the end.
#[derive(Debug)]
pub struct UdpBotOutcome {
    pub role: sim::Role,
    pub orders_sent: u32,
    pub views: u32,
    pub refusals: Vec<String>,
    /// Score and summary from the server's `Ended`, if it came.
    pub ended: Option<(f64, String)>,
    /// Times the link was lost and the seat joined again.
    pub rejoins: u32,
    /// Orders and controls the server's renet acknowledged; sent as the link died (they may
    /// have arrived, never resent); never sent (the link closed for good, or the bot stopped).
    pub delivered: u32,
    pub unknown: u32,
    pub not_sent: u32,
}

/// Connects, plays `bot` until the drill ends, `stop` is set or `limit` has passed. The first
/// connection failing, or the seat refused, is an error; a link lost later is joined again.
pub fn run_udp_bot(
    server: SocketAddr,
    mut bot: Bot,
    stop: &AtomicBool,
    limit: Duration,
) -> Result<UdpBotOutcome, ClientError> {
    let start = Instant::now();
    let mut link = SeatLink::join(server, bot.join_request())?;
    let mut queue: VecDeque<ClientMessage> = VecDeque::new();
    // Half the server's limit: never refused for flooding.
    let mut pace = RateLimit::new(10.0, 10.0);
    let (mut views, mut fates) = (0, Fates::default());
    while !stop.load(Ordering::Relaxed) && start.elapsed() < limit {
        for event in link.poll() {
            match event {
                LinkEvent::Message(msg) => {
                    if matches!(msg, protocol::ServerMessage::View(_)) {
                        views += 1;
                    }
                    queue.extend(bot.handle(msg));
                }
                LinkEvent::Refused(reason) => return Err(ClientError::Refused(reason)),
                LinkEvent::Closed(reason) if views == 0 && bot.ended.is_none() => {
                    return Err(ClientError::Disconnected(reason));
                }
                other => fates.count(&other),
            }
        }
        if link.is_closed() {
            break;
        }
        while let Some(m) = queue.front() {
            let is_control = matches!(m, ClientMessage::Control(_));
            if !is_control && !pace.allow(start.elapsed()) {
                break;
            }
            link.send(m.clone());
            queue.pop_front();
        }
        if bot.ended.is_some() && queue.is_empty() && link.waiting() == 0 && link.in_flight() == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for event in link.leave() {
        fates.count(&event);
    }
    // Orders the bot decided but never handed to the link are not sent either.
    fates.not_sent += queue.len() as u32;
    Ok(UdpBotOutcome {
        role: bot.role().clone(),
        orders_sent: bot.orders_sent,
        views,
        refusals: bot.refusals,
        ended: bot.ended,
        rejoins: link.rejoins,
        delivered: fates.delivered,
        unknown: fates.unknown,
        not_sent: fates.not_sent,
    })
}

/// What became of the messages the bot sent, as the link told it.
#[derive(Default)]
struct Fates {
    delivered: u32,
    unknown: u32,
    not_sent: u32,
}

impl Fates {
    fn count(&mut self, event: &LinkEvent) {
        let n = |t: &Vec<u64>| t.len() as u32;
        match event {
            LinkEvent::Delivered(t) => self.delivered += n(t),
            LinkEvent::Unknown(t) => self.unknown += n(t),
            LinkEvent::NotSent(t) => self.not_sent += n(t),
            LinkEvent::Lost(reason) => tracing::info!("UDP bot: link lost ({reason}); joining again"),
            _ => {}
        }
    }
}
