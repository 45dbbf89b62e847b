//! Bots: headless players that speak the same protocol as people. A [`Bot`] turns server
//! messages into client messages through its [`brain::Brain`]; transports move the bytes:
//! [`local`] (in-process channels, for `run` and for roles nobody takes in `serve`) and [`udp`]
//! (a real renet client, for the end-to-end tests and remote bot players).

pub mod brain;
pub mod local;
pub mod udp;

use std::sync::Arc;

use protocol::{ClientMessage, Control, ServerMessage};
use sim::Role;
use sim::view::RoleView;

use brain::{Brain, Grid};

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
    pub refusals: Vec<String>,
    pub ended: Option<(f64, String)>,
    pub orders_sent: u32,
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
            refusals: Vec::new(),
            ended: None,
            orders_sent: 0,
        }
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
        crate::net::client::hello(self.role.clone(), &self.player)
    }

    /// Reacts to one server message; returns what to send back.
    pub fn handle(&mut self, msg: ServerMessage) -> Vec<ClientMessage> {
        match msg {
            ServerMessage::Welcome { role, .. } => {
                self.welcomed = Some(role);
                Vec::new()
            }
            ServerMessage::Static(data) => {
                match build_brain(self.role().clone(), &data) {
                    Ok(b) => self.brain = Some(b),
                    Err(e) => tracing::error!("bot {}: cannot read the static data: {e}", self.role),
                }
                let mut out = Vec::new();
                if let (Some(speed), false) = (self.start_at_speed, self.started) {
                    self.started = true;
                    out.push(ClientMessage::Control(Control::SetSpeed(speed)));
                    out.push(ClientMessage::Control(Control::Start));
                }
                out
            }
            ServerMessage::View(view) => {
                let orders = match &mut self.brain {
                    Some(brain) if !view.finished => brain.decide(&view),
                    _ => Vec::new(),
                };
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

#[derive(serde::Deserialize)]
struct MapMetaOnly {
    meta: sim::map::MapMeta,
}

/// A brain from the seat's briefing and the map's grid geometry.
fn build_brain(role: Role, data: &protocol::StaticData) -> Result<Brain, String> {
    let meta: MapMetaOnly = serde_json::from_slice(&data.map_json).map_err(|e| format!("map.json: {e}"))?;
    let grid = Grid { cols: meta.meta.cols, cell_size_m: meta.meta.cell_size_m };
    let briefing = data.briefing.clone().ok_or("no briefing: not a role seat")?;
    Ok(Brain::new(role, Arc::new(briefing), grid))
}
