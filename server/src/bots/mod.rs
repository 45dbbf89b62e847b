//! Bots: headless players that speak the same protocol as people. A [`Bot`] turns server
//! messages into client messages through its [`brain::Brain`], which says what to do; its
//! [`policy::Policy`] and [`reaction::Reactions`] say when, and its [`agenda::Agenda`] holds the
//! orders until then (drill time, from the views). Transports move the bytes: [`local`]
//! (in-process channels, for `run` and for roles nobody takes in `serve`) and [`udp`] (a real
//! renet client, for the end-to-end tests and remote bot players).

pub mod agenda;
pub mod brain;
pub mod local;
pub mod policy;
pub mod reaction;
pub mod udp;

use std::sync::Arc;

use protocol::{ClientMessage, Control, ServerMessage};
use sim::Role;
use sim::view::RoleView;

use agenda::{Agenda, Planned};
use brain::{Brain, Grid};
use policy::Policy;
use reaction::{Reactions, bot_seed, duty_of};

/// One bot player: role, brain (built once the static data arrives), and what it has seen.
pub struct Bot {
    role: Role,
    player: String,
    brain: Option<Brain>,
    /// Set by the server's `Welcome` (the role as resolved there, e.g. `command:Canillo`).
    welcomed: Option<Role>,
    last_view: Option<RoleView>,
    /// Controller bots may start the drill at a given speed (e2e tests); others ignore it.
    start_at_speed: Option<f32>,
    started: bool,
    policy: Policy,
    /// The drill's seed, when the side that spawns the bot knows it (local bots).
    seed: Option<u64>,
    /// Built with the brain, for the role as welcomed.
    reactions: Option<Reactions>,
    agenda: Agenda,
    /// Every order given, with when it was decided and (`due_s`) given, drill seconds.
    pub given: Vec<Planned>,
    pub refusals: Vec<String>,
    pub ended: Option<(f64, String)>,
    pub orders_sent: u32,
    /// The drill code its seat needs when it joins over the network.
    code: Option<String>,
}

impl Bot {
    pub fn new(role: Role) -> Bot {
        let player = format!("bot-{role}");
        Bot {
            role,
            player,
            brain: None,
            welcomed: None,
            last_view: None,
            start_at_speed: None,
            started: false,
            policy: Policy::Diligent,
            seed: None,
            reactions: None,
            agenda: Agenda::default(),
            given: Vec::new(),
            refusals: Vec::new(),
            ended: None,
            orders_sent: 0,
            code: None,
        }
    }

    /// The same bot with the drill code its seat needs over the network (UDP bots).
    pub fn with_code(mut self, code: impl Into<String>) -> Bot {
        self.code = Some(code.into());
        self
    }

    /// The same bot under another player name (shown in the journal).
    pub fn named(mut self, player: &str) -> Bot {
        self.player = player.into();
        self
    }

    /// A controller bot that starts the drill at `speed` once welcomed.
    pub fn starting_at(mut self, speed: f32) -> Bot {
        self.start_at_speed = Some(speed);
        self
    }

    /// The same bot playing `policy`.
    pub fn with_policy(mut self, policy: Policy) -> Bot {
        self.policy = policy;
        self
    }

    /// The same bot drawing its delays from the drill's stream (`seed`: the drill seed). Without
    /// it a bot seeds its stream from its role name.
    pub fn with_seed(mut self, seed: u64) -> Bot {
        self.seed = Some(seed);
        self
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The window its delays for `duty` are drawn from (`None`: absent, or not briefed yet).
    pub fn window(&self, duty: reaction::Duty) -> Option<reaction::Window> {
        self.reactions.as_ref().and_then(|r| r.window(duty))
    }

    /// The orders the bot has decided on and not given yet.
    pub fn agenda(&self) -> &Agenda {
        &self.agenda
    }

    pub fn role(&self) -> &Role {
        self.welcomed.as_ref().unwrap_or(&self.role)
    }
    pub fn last_view(&self) -> Option<&RoleView> {
        self.last_view.as_ref()
    }
    pub fn is_ready(&self) -> bool {
        self.brain.is_some()
    }

    pub fn hello(&self) -> ClientMessage {
        self.join_request().hello()
    }

    /// The seat this bot asks for over the network (with the drill's code, if it was given one).
    pub fn join_request(&self) -> crate::net::JoinRequest {
        crate::net::JoinRequest::role(self.role.clone(), &self.player).with_code(self.code.clone())
    }

    /// Reacts to one server message; returns what to send back.
    pub fn handle(&mut self, msg: ServerMessage) -> Vec<ClientMessage> {
        match msg {
            ServerMessage::Welcome { role, .. } => {
                self.welcomed = Some(role);
                Vec::new()
            }
            // A UDP bot that joined again gets the static data again: the drill's briefing does
            // not change, and the brain keeps what it decided and gave.
            ServerMessage::Static(_) if self.brain.is_some() => Vec::new(),
            ServerMessage::Static(data) => {
                let role = self.role().clone();
                match build_brain(role.clone(), &data) {
                    Ok(b) => self.brain = Some(b),
                    Err(e) => tracing::error!("bot {}: cannot read the static data: {e}", self.role),
                }
                let seed = bot_seed(self.seed, &role);
                let rules = data.briefing.as_ref().map(|b| b.reaction.as_slice()).unwrap_or_default();
                self.reactions = Some(Reactions::new(role, self.policy, seed, rules));
                let mut out = Vec::new();
                if let (Some(speed), false) = (self.start_at_speed, self.started) {
                    self.started = true;
                    out.push(ClientMessage::Control(Control::SetSpeed(speed)));
                    out.push(ClientMessage::Control(Control::Start));
                }
                out
            }
            ServerMessage::View(mut view) => {
                // A view carries only recent communications: the bot keeps what it saw, so its
                // brain reads the whole drill's reports and messages as before.
                if let Some(old) = &self.last_view {
                    view.merge_history(old);
                }
                let orders = if view.finished { Vec::new() } else { self.act(&view) };
                self.last_view = Some(*view);
                self.orders_sent += orders.len() as u32;
                orders.into_iter().map(ClientMessage::Order).collect()
            }
            ServerMessage::Refused { reason } => {
                tracing::debug!("bot {}: refused: {reason}", self.role);
                self.refusals.push(reason);
                Vec::new()
            }
            ServerMessage::Ended { score, summary } => {
                self.ended = Some((score, summary));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

impl Bot {
    /// Puts what the brain decides on the agenda and gives what has come due by the view's time,
    /// dropping orders the view shows are no longer needed.
    fn act(&mut self, view: &RoleView) -> Vec<sim::Order> {
        let (Some(brain), Some(reactions)) = (&mut self.brain, &mut self.reactions) else { return Vec::new() };
        if reactions.policy() == Policy::Absent {
            return Vec::new();
        }
        let now = view.t_s;
        for order in brain.decide(view) {
            let duty = duty_of(brain.role(), &order);
            if let Some(delay) = reactions.draw_s(duty) {
                self.agenda.plan(now, order, duty, delay);
            }
        }
        let mut out = Vec::new();
        for planned in self.agenda.take_due(now) {
            if brain.still_needed(&planned.order, view) {
                out.push(planned.order.clone());
                self.given.push(Planned { due_s: now, ..planned });
            } else {
                brain.retract(&planned.order);
            }
        }
        out
    }
}

/// A brain from the seat's briefing and the map's grid geometry and roads (`map.json` alone,
/// checked as any map is: the bytes come from a server the bot does not control).
fn build_brain(role: Role, data: &protocol::StaticData) -> Result<Brain, String> {
    let (meta, features) = sim::map::decode_map_json(&data.map_json).map_err(|e| e.to_string())?;
    let grid = Grid { cols: meta.cols, cell_size_m: meta.cell_size_m };
    let briefing = data.briefing.clone().ok_or("no briefing: not a role seat")?;
    Ok(Brain::new(role, Arc::new(briefing), grid, Arc::new(features.roads)))
}

#[cfg(test)]
#[path = "policies_tests.rs"]
mod policies_tests;
