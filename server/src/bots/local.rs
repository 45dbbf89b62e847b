//! In-process bots: each bot talks to the host through a pair of channels carrying the same
//! encoded protocol messages a renet client would send, so bots pass the same checks as people.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use protocol::{ClientMessage, ServerMessage};
use sim::Role;

use super::Bot;
use super::policy::{BotPolicies, PolicyError};
use crate::host::{ConnId, Host, Outgoing, Peer};

/// A bot and its end of the channels.
pub struct LocalBot {
    pub id: ConnId,
    pub bot: Bot,
    inbox: Receiver<Vec<u8>>,
    to_host: Sender<Vec<u8>>,
}

impl LocalBot {
    /// Reads every message waiting from the host and sends the bot's answers.
    pub fn pump(&mut self) {
        while let Ok(bytes) = self.inbox.try_recv() {
            match protocol::decode::<ServerMessage>(&bytes) {
                Ok(msg) => {
                    for reply in self.bot.handle(msg) {
                        let _ = self.to_host.send(protocol::encode(&reply));
                    }
                }
                Err(e) => tracing::error!("bot {}: undecodable server message: {e}", self.bot.role()),
            }
        }
    }
}

/// The host's ends of the bots' channels.
struct HostEnd {
    id: ConnId,
    to_bot: Sender<Vec<u8>>,
    from_bot: Receiver<Vec<u8>>,
}

/// All in-process bots of a drill.
#[derive(Default)]
pub struct LocalBots {
    pub bots: Vec<LocalBot>,
    ends: Vec<HostEnd>,
}

impl LocalBots {
    /// Connects one diligent bot per role to the host; each says hello at once.
    pub fn spawn(host: &mut Host, roles: &[Role], controller_speed: Option<f32>) -> LocalBots {
        LocalBots::spawn_with(host, roles, controller_speed, &BotPolicies::default())
            .expect("the default policies name no role")
    }

    /// As [`LocalBots::spawn`], each bot playing the policy `policies` give its role, its delays
    /// drawn from the drill's seed (the server knows it; seats are never told it) and the
    /// scenario's reaction rules (each bot reads its role's in its briefing). Refuses policies naming a role the drill does not offer.
    pub fn spawn_with(
        host: &mut Host,
        roles: &[Role],
        controller_speed: Option<f32>,
        policies: &BotPolicies,
    ) -> Result<LocalBots, PolicyError> {
        policies.check(host.drill().roles())?;
        let seed = host.drill().setup().seed;
        let mut all = LocalBots::default();
        for (i, role) in roles.iter().enumerate() {
            let id = ConnId::Local(i as u32);
            let (to_bot, inbox) = channel();
            let (to_host, from_bot) = channel();
            host.connect(id, Peer::Bot);
            let mut bot = Bot::new(role.clone()).with_policy(policies.for_role(role)).with_seed(seed);
            if *role == Role::Controller
                && let Some(speed) = controller_speed
            {
                bot = bot.starting_at(speed);
            }
            let _ = to_host.send(protocol::encode::<ClientMessage>(&bot.hello()));
            all.bots.push(LocalBot { id, bot, inbox, to_host });
            all.ends.push(HostEnd { id, to_bot, from_bot });
        }
        Ok(all)
    }

    /// Hands a message for a local connection to its bot; returns it if it is not ours.
    pub fn deliver(&self, out: Outgoing) -> Option<Outgoing> {
        match self.ends.iter().find(|e| e.id == out.to) {
            Some(end) => {
                let _ = end.to_bot.send(out.bytes);
                None
            }
            None => Some(out),
        }
    }

    /// Lets every bot read and answer, then passes their messages to the host.
    pub fn exchange(&mut self, host: &mut Host, now: Duration) {
        for b in &mut self.bots {
            b.pump();
        }
        for end in &self.ends {
            while let Ok(bytes) = end.from_bot.try_recv() {
                host.receive(end.id, &bytes, now);
            }
        }
    }
}
