//! A bot over real UDP: a renet client playing one role until the drill ends. Orders are paced
//! below the server's per-client rate limit, as a well-behaved client would.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use protocol::ClientMessage;

use super::Bot;
use crate::host::rate::RateLimit;
use crate::net::client::{ClientError, NetClient};

/// What a UDP bot saw by the end.
#[derive(Debug)]
pub struct UdpBotOutcome {
    pub role: sim::Role,
    pub orders_sent: u32,
    pub views: u32,
    pub refusals: Vec<String>,
    /// Score and summary from the server's `Ended`, if it came.
    pub ended: Option<(f64, String)>,
}

/// Connects, plays `bot` until the drill ends, `stop` is set or `limit` has passed.
pub fn run_udp_bot(
    server: SocketAddr,
    mut bot: Bot,
    stop: &AtomicBool,
    limit: Duration,
) -> Result<UdpBotOutcome, ClientError> {
    let start = Instant::now();
    let mut client = NetClient::join(server, &bot.join_request())?;
    client.wait_connected(Duration::from_secs(10))?;
    let mut queue: VecDeque<ClientMessage> = VecDeque::new();
    // Half the server's limit: never refused for flooding.
    let mut pace = RateLimit::new(10.0, 10.0);
    let mut views = 0;
    while !stop.load(Ordering::Relaxed) && start.elapsed() < limit {
        client.update()?;
        for msg in client.receive() {
            if matches!(msg, protocol::ServerMessage::View(_)) {
                views += 1;
            }
            queue.extend(bot.handle(msg));
        }
        while let Some(m) = queue.front() {
            let is_control = matches!(m, ClientMessage::Control(_));
            if !is_control && !pace.allow(start.elapsed()) {
                break;
            }
            client.send(m);
            queue.pop_front();
        }
        client.flush()?;
        if bot.ended.is_some() && queue.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    client.disconnect();
    Ok(UdpBotOutcome {
        role: bot.role().clone(),
        orders_sent: bot.orders_sent,
        views,
        refusals: bot.refusals,
        ended: bot.ended,
    })
}
