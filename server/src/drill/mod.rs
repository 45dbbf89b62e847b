//! A drill on the server: the [`World`], its record (journal first, then the world), the roles on
//! offer, and the clock the controller steers (start, pause, speed). Transport-free: the network
//! layer and the in-process bots both talk to it through [`crate::host::Host`].

pub mod journal;
pub mod load;
pub mod record;
pub mod report;
#[cfg(test)]
mod tests;

use std::time::Duration;

use protocol::Control;
use sim::view::RoleView;
use sim::world::Refusal;
use sim::{Command, Event, Order, OrderKind, Role, World};

pub use journal::{Journal, JournalLine};
pub use load::{DrillSetup, LoadError};
pub use record::Record;

/// Fastest speed the controller may ask for, simulated seconds per wall second.
pub const MAX_SPEED: f32 = 100_000.0;

/// Why the server refused a command. The drill goes on; the sender is told the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    #[error("角色 {role} 无权下达 {order_zh} / role {role} may not give the order {order}")]
    NotAllowed { role: String, order: String, order_zh: String },
    #[error("只有导调可以 {0} / only the controller may {0}")]
    NotController(String),
    #[error("速度须在 0 与 {MAX_SPEED} 之间 / speed must be above 0 and at most {MAX_SPEED}, not {0}")]
    BadSpeed(f32),
    #[error("日志写入失败, 指令未执行 / journal write failed, the command was not applied: {0}")]
    Journal(String),
    #[error("{0}")]
    World(#[from] Refusal),
    #[error("演练已结束 / the drill has ended")]
    Ended,
}

/// The outcome of a finished (or stopped) drill.
#[derive(Clone, Debug)]
pub struct Finished {
    pub score: f64,
    /// A few lines with Chinese and English labels, for the terminal and the `Ended` message.
    pub summary: String,
    pub report: serde_json::Value,
}

pub struct Drill {
    setup: DrillSetup,
    world: World,
    record: Record,
    roles: Vec<Role>,
    running: bool,
    speed: f32,
    /// Simulated seconds owed to the world by the wall clock, not yet stepped.
    budget_s: f64,
    seq: u64,
    /// Events already written to the record (and handed out by [`Drill::new_events`]).
    written: usize,
    finished: Option<Finished>,
}

impl Drill {
    pub fn new(setup: DrillSetup, record: Record) -> Result<Drill, sim::world::SetupError> {
        let world = World::new(setup.scenario.clone(), setup.map.clone(), setup.seed)?;
        let roles = world.roles();
        Ok(Drill {
            setup,
            world,
            record,
            roles,
            running: false,
            speed: 60.0,
            budget_s: 0.0,
            seq: 0,
            written: 0,
            finished: None,
        })
    }

    pub fn setup(&self) -> &DrillSetup {
        &self.setup
    }
    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn record(&self) -> &Record {
        &self.record
    }
    pub fn record_mut(&mut self) -> &mut Record {
        &mut self.record
    }
    /// The roles on offer (`informant:*` and `team:*` expanded).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }
    pub fn running(&self) -> bool {
        self.running
    }
    pub fn speed(&self) -> f32 {
        self.speed
    }
    /// Commands journaled so far.
    pub fn accepted(&self) -> u64 {
        self.seq
    }
    pub fn is_over(&self) -> bool {
        self.finished.is_some() || self.world.is_finished()
    }
    pub fn view(&self, role: &Role) -> RoleView {
        self.world.view(role)
    }

    /// Starts or stops the clock without a command (for `run` and `serve --autostart`).
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
    }
    pub fn set_speed(&mut self, speed: f32) -> Result<(), Rejection> {
        check_speed(speed)?;
        self.speed = speed;
        Ok(())
    }

    /// Authorises an order, journals it, then applies it. Nothing unauthorised reaches the journal.
    pub fn order(&mut self, from: &Role, player: &str, order: Order) -> Result<(), Rejection> {
        if self.is_over() {
            return Err(Rejection::Ended);
        }
        if !self.roles.contains(from) {
            return Err(Rejection::World(Refusal::UnknownRole(from.to_string())));
        }
        let kind = order.kind();
        if !OrderKind::allowed_for(from).contains(&kind) {
            return Err(Rejection::NotAllowed {
                role: from.to_string(),
                order: format!("{kind:?}"),
                order_zh: kind.label_zh().into(),
            });
        }
        self.journal(from, player, Some(order.clone()), None)?;
        // A refusal by the world itself (an unknown village...) is journaled too: replaying the
        // journal refuses it again in the same way, and the world records an OrderRefused event.
        Ok(self.world.apply(&Command { from: from.clone(), order })?)
    }

    /// A controller command steering the clock; journaled like an order.
    pub fn control(&mut self, from: &Role, player: &str, control: Control) -> Result<(), Rejection> {
        if self.is_over() {
            return Err(Rejection::Ended);
        }
        if *from != Role::Controller {
            return Err(Rejection::NotController(control_label(&control)));
        }
        if let Control::SetSpeed(s) = control {
            check_speed(s)?;
        }
        self.journal(from, player, None, Some(control.clone()))?;
        match control {
            Control::Start => self.running = true,
            Control::Pause => self.running = false,
            Control::SetSpeed(s) => self.speed = s,
        }
        Ok(())
    }

    fn journal(
        &mut self,
        from: &Role,
        player: &str,
        order: Option<Order>,
        control: Option<Control>,
    ) -> Result<(), Rejection> {
        let line = JournalLine {
            seq: self.seq + 1,
            t_s: self.world.time_s(),
            role: from.to_string(),
            player: player.into(),
            order,
            control,
        };
        self.record.journal.append(&line).map_err(|e| Rejection::Journal(e.to_string()))?;
        self.seq += 1;
        Ok(())
    }

    /// Steps the world as often as `wall` at the current speed demands, at most `max_steps` times
    /// (beyond that the drill runs slower than asked rather than starving the network).
    /// Returns the number of steps taken.
    pub fn advance(&mut self, wall: Duration, max_steps: u32) -> u32 {
        if !self.running || self.is_over() {
            return 0;
        }
        let tick_s = self.setup.scenario.tick_s.max(1) as f64;
        self.budget_s += self.speed as f64 * wall.as_secs_f64();
        let due = (self.budget_s / tick_s).floor() as u64;
        let steps = due.min(max_steps as u64);
        self.budget_s = if due > steps { 0.0 } else { self.budget_s - steps as f64 * tick_s };
        let mut taken = 0;
        for _ in 0..steps {
            if !self.step_once() {
                break;
            }
            taken += 1;
        }
        taken
    }

    /// One tick, whatever the clock says; false when the drill was already over.
    pub fn step_once(&mut self) -> bool {
        if self.world.is_finished() {
            return false;
        }
        self.world.step();
        true
    }

    /// Events since the last call (from steps and from applied orders alike), written to the
    /// record's `events.jsonl` on the way.
    pub fn new_events(&mut self) -> Vec<Event> {
        let events = self.world.events()[self.written.min(self.world.events().len())..].to_vec();
        self.written += events.len();
        if let Err(e) = self.record.append_events(&events) {
            tracing::error!("cannot write events to {}: {e}", self.record.dir().display());
        }
        events
    }

    /// Scores the drill and writes the report and final meta. Idempotent.
    pub fn finish(&mut self) -> std::io::Result<Finished> {
        if let Some(f) = &self.finished {
            return Ok(f.clone());
        }
        self.new_events();
        let finished = report::build(&self.world);
        self.record.finish(self.world.time_s(), self.world.is_finished(), &finished.report)?;
        self.running = false;
        self.finished = Some(finished.clone());
        Ok(finished)
    }
}

fn check_speed(s: f32) -> Result<(), Rejection> {
    if s.is_finite() && s > 0.0 && s <= MAX_SPEED { Ok(()) } else { Err(Rejection::BadSpeed(s)) }
}

fn control_label(c: &Control) -> String {
    match c {
        Control::Start => "开始 start".into(),
        Control::Pause => "暂停 pause".into(),
        Control::SetSpeed(_) => "调速 set the speed".into(),
    }
}
