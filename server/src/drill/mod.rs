//! A drill on the server: the [`World`], its record (journal first, then the world), the roles on
//! offer, and the clock the controller steers (start, pause, speed, step, adaptive time:
//! [`clock`]). Transport-free: the network
//! layer and the in-process bots both talk to it through [`crate::host::Host`].

pub mod clock;
pub mod journal;
pub mod jsonl;
pub mod load;
pub mod record;
pub mod recorded;
pub mod report;
pub mod resume;
pub mod shown;
pub mod sink;
#[cfg(test)]
mod tests;

use std::time::Duration;

use protocol::{AdaptiveSpec, Control};
use sim::access::{self, Briefing, Refusal};
use sim::view::RoleView;
use sim::{Command, Event, Order, Role, World};

pub use clock::Clock;
pub use journal::{Journal, JournalLine};
pub use load::{DrillSetup, LoadError};
pub use record::Record;

/// Fastest speed the controller may ask for, simulated seconds per wall second.
pub const MAX_SPEED: f32 = 100_000.0;

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
    clock: Clock,
    /// Events the clock has read (adaptive time reacts to them step by step).
    observed: usize,
    /// Simulated seconds owed to the world by the wall clock, not yet stepped.
    budget_s: f64,
    seq: u64,
    /// Orders and controls refused so far (they never reach the journal or the world).
    refused: u32,
    /// Events already written to the record (and handed out by [`Drill::new_events`]).
    written: usize,
    finished: Option<Finished>,
    /// The record could not be written (the error names the file): the drill stopped for good.
    failure: Option<String>,
    /// What observers and the projector are shown (controls, restored by a resume).
    shown: shown::Shown,
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
            clock: Clock::new(60.0),
            observed: 0,
            budget_s: 0.0,
            seq: 0,
            refused: 0,
            written: 0,
            finished: None,
            failure: None,
            shown: shown::Shown::default(),
        })
    }

    /// A drill rebuilt from its record ([`resume`]): `world` replayed from the journal, whose
    /// last line was `seq`; its events are in the record already. The clock comes back paused.
    pub(crate) fn resumed(setup: DrillSetup, world: World, record: Record, seq: u64) -> Drill {
        let roles = world.roles();
        let written = world.events().len();
        let refused = record.refused_before();
        Drill {
            setup,
            world,
            record,
            roles,
            clock: Clock::new(60.0),
            observed: written,
            budget_s: 0.0,
            seq,
            refused,
            written,
            finished: None,
            failure: None,
            shown: shown::Shown::default(),
        }
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
        self.clock.running()
    }
    /// The speed now (adaptive time's, when it is on).
    pub fn speed(&self) -> f32 {
        self.clock.speed(self.world.time_s())
    }
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    /// The clock as every seat is told it.
    pub fn clock_state(&self) -> protocol::ClockState {
        let now = self.world.time_s();
        protocol::ClockState {
            running: self.running(),
            speed: self.speed(),
            t_s: now,
            duration_s: self.world.duration_s(),
            adaptive: self.clock.adaptive_state(now),
            wall_left_s: self.clock.wall_left_s(now, self.world.duration_s()),
            session_h: self.setup.scenario.session.as_ref().map(|s| s.hours),
        }
    }
    /// The public situation ([`access::public_view`]).
    pub fn public_view(&self) -> access::PublicView {
        access::public_view(&self.world)
    }
    /// The live score: [`sim::score::score_world`] over the record so far.
    pub fn score_so_far(&self) -> sim::score::Report {
        let mut r = sim::score::score_world(&self.world);
        r.orders_refused = self.refused;
        r
    }
    /// Commands journaled so far.
    pub fn accepted(&self) -> u64 {
        self.seq
    }
    pub fn is_over(&self) -> bool {
        self.finished.is_some() || self.world.is_finished() || self.failure.is_some()
    }
    /// Why the record cannot be written (naming the file), once it could not: the drill stopped.
    pub fn record_failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// The record could not be written: the clock stops and stays stopped, every order from now
    /// on is refused ([`Refusal::RecordFailed`]), and the drill never runs on without a record.
    fn fail(&mut self, e: std::io::Error) {
        if self.failure.is_none() {
            tracing::error!("记录写入失败，演练停止 the record cannot be written, the drill stops: {e}");
            self.failure = Some(e.to_string());
        }
        self.clock.set_running(false);
        self.budget_s = 0.0;
    }

    fn refuse_if_failed(&mut self) -> Result<(), Refusal> {
        match &self.failure {
            Some(reason) => {
                self.refused += 1;
                Err(Refusal::RecordFailed { reason: reason.clone() })
            }
            None => Ok(()),
        }
    }
    pub fn view(&self, role: &Role) -> RoleView {
        access::view(&self.world, role)
    }
    /// What `role` is told before the drill starts, instead of the scenario file.
    pub fn briefing(&self, role: &Role) -> Briefing {
        access::briefing(&self.world, role)
    }
    /// Orders and controls refused so far.
    pub fn refused(&self) -> u32 {
        self.refused
    }
    /// What observers and the projector are shown.
    pub fn shown(&self) -> &shown::Shown {
        &self.shown
    }
    /// A resume replays the journal's seat controls here.
    pub(crate) fn shown_mut(&mut self) -> &mut shown::Shown {
        &mut self.shown
    }

    /// Counts a refusal of `from`'s order or control and puts it on record (`refused.jsonl`),
    /// so a resumed drill reports it too.
    fn refuse(&mut self, from: &Role, player: &str, r: Refusal) -> Refusal {
        self.refused += 1;
        let line = record::RefusalLine {
            t_s: self.world.time_s(),
            role: from.to_string(),
            player: player.into(),
            code: r.code().into(),
        };
        if let Err(e) = self.record.append_refusal(&line) {
            self.fail(e);
        }
        r
    }

    /// Starts or stops the clock without a command (for `run` and `serve --autostart`).
    pub fn set_running(&mut self, running: bool) {
        self.clock.set_running(running);
    }
    pub fn set_speed(&mut self, speed: f32) -> Result<(), Refusal> {
        check_speed(speed)?;
        self.clock.set_speed(speed);
        Ok(())
    }
    /// Adaptive time on or off without a command (`run --adaptive`).
    pub fn set_adaptive(&mut self, spec: Option<AdaptiveSpec>) -> Result<(), Refusal> {
        if let Some(s) = &spec {
            check_adaptive(s)?;
        }
        self.start_adaptive(spec);
        Ok(())
    }

    /// Adaptive time on or off; it reads only the events from now on.
    fn start_adaptive(&mut self, spec: Option<AdaptiveSpec>) {
        self.observed = self.world.events().len();
        self.clock.set_adaptive(spec);
    }

    /// Authorises an order ([`access::authorise`], the only check), journals it, then applies
    /// it. Nothing refused reaches the journal or the world.
    pub fn order(&mut self, from: &Role, player: &str, order: Order) -> Result<(), Refusal> {
        self.refuse_if_failed()?;
        let cmd = Command { from: from.clone(), by: player.to_string(), order };
        let authorised =
            if self.finished.is_some() { Err(Refusal::Ended) } else { access::authorise(&self.world, &cmd) };
        if let Err(r) = authorised {
            return Err(self.refuse(from, player, r));
        }
        self.journal(from, player, Some(cmd.order.clone()), None)?;
        self.world.execute_journaled(&cmd, self.seq);
        Ok(())
    }

    /// A controller command steering the clock; journaled like an order.
    pub fn control(&mut self, from: &Role, player: &str, control: Control) -> Result<(), Refusal> {
        self.refuse_if_failed()?;
        let checked = if self.is_over() {
            Err(Refusal::Ended)
        } else if !access::may_steer_clock(from) {
            Err(Refusal::ControllerOnly { what: control_label(&control) })
        } else {
            match &control {
                Control::SetSpeed(s) => check_speed(*s),
                Control::Adaptive(Some(spec)) => check_adaptive(spec),
                Control::ViewAs(Some(r)) | Control::ShowObservers(Some(r)) if !self.roles.contains(r) => {
                    Err(Refusal::NoSuchRole { role: r.to_string() })
                }
                _ => Ok(()),
            }
        };
        if let Err(r) = checked {
            return Err(self.refuse(from, player, r));
        }
        self.journal(from, player, None, Some(control.clone()))?;
        match control {
            Control::Start => self.clock.set_running(true),
            Control::Pause => self.clock.set_running(false),
            Control::SetSpeed(s) => self.clock.set_speed(s),
            Control::Adaptive(spec) => self.start_adaptive(spec),
            Control::Step => self.step_minute(),
            // The controller's own view: the host applies it to the session.
            Control::ViewAs(_) => {}
            c @ (Control::ShowObservers(_) | Control::FocusArea(_)) => {
                self.shown.apply(&c);
            }
        }
        Ok(())
    }

    fn journal(
        &mut self,
        from: &Role,
        player: &str,
        order: Option<Order>,
        control: Option<Control>,
    ) -> Result<(), Refusal> {
        let line = JournalLine {
            seq: self.seq + 1,
            t_s: self.world.time_s(),
            role: from.to_string(),
            player: player.into(),
            order,
            control,
        };
        if let Err(e) = self.record.journal.append(&line) {
            self.refused += 1;
            let reason = e.to_string();
            self.fail(e);
            return Err(Refusal::RecordFailed { reason });
        }
        self.seq += 1;
        Ok(())
    }

    /// Journal lines are synced in groups from now on ([`journal::Commit::Grouped`]): the
    /// caller promises to call [`Drill::commit_journal`] before it sends anything that follows
    /// from an accepted order (the serve loop does, once a tick).
    pub fn group_journal_commits(&mut self) {
        if let Err(e) = self.record.journal.set_commit(journal::Commit::Grouped) {
            self.fail(e);
        }
    }

    /// Puts the journal lines written since the last commit on the disk, in one `sync_data`.
    /// When that fails the drill stops for good, as for any record failure, and the error
    /// (naming the file) is returned: what followed from those orders must not be sent.
    pub fn commit_journal(&mut self) -> std::io::Result<u64> {
        match self.record.journal.commit() {
            Ok(n) => Ok(n),
            Err(e) => {
                let err = std::io::Error::new(e.kind(), e.to_string());
                self.fail(e);
                Err(err)
            }
        }
    }

    /// Steps the world as often as `wall` at the current speed demands, at most `max_steps` times
    /// (beyond that the drill runs slower than asked rather than starving the network).
    /// Adaptive time reads the events after every step: when the speed changes, the rest of
    /// the wall time is dropped so the new speed holds from the next step.
    /// Returns the number of steps taken.
    pub fn advance(&mut self, wall: Duration, max_steps: u32) -> u32 {
        if !self.running() || self.is_over() {
            return 0;
        }
        let tick_s = self.tick_s();
        // Orders since the last step may need a person (a report): the speed knows before stepping.
        if self.observe() {
            self.budget_s = 0.0;
        }
        self.budget_s += self.speed() as f64 * wall.as_secs_f64();
        let mut taken = 0;
        let mut drill_s = 0.0;
        while self.budget_s >= tick_s as f64 && taken < max_steps {
            if !self.step_once() {
                break;
            }
            taken += 1;
            drill_s += tick_s as f64;
            self.budget_s -= tick_s as f64;
            if self.observe() {
                self.budget_s = 0.0;
                break;
            }
        }
        if taken == max_steps {
            self.budget_s = 0.0;
        }
        self.clock.account(drill_s, wall.as_secs_f64());
        taken
    }

    fn tick_s(&self) -> u32 {
        self.setup.scenario.tick_s.max(1)
    }

    /// Lets the clock read the events since it last did; true when the speed changed.
    fn observe(&mut self) -> bool {
        let events = &self.world.events()[self.observed.min(self.world.events().len())..];
        self.observed += events.len();
        self.clock.observe(events, self.world.time_s())
    }

    /// `run --adaptive`: one step, and the wall seconds it would have taken in adaptive time
    /// (nothing sleeps). `None` when the drill was already over.
    pub fn step_counted(&mut self) -> Option<f64> {
        self.observe();
        let wall = self.clock.wall_for_step(self.tick_s(), self.world.time_s());
        self.step_once().then(|| {
            self.observe();
            wall
        })
    }

    /// [`Control::Step`]: exactly one drill minute (as many ticks as make it), then paused.
    fn step_minute(&mut self) {
        let ticks = 60u32.div_ceil(self.tick_s());
        for _ in 0..ticks {
            if !self.step_once() {
                break;
            }
            self.observe();
        }
        self.budget_s = 0.0;
        self.clock.set_running(false);
    }

    /// One tick, whatever the clock says; false when the drill was already over or its record
    /// failed. A state hash goes to the record when one is due ([`record::hash_due`]).
    pub fn step_once(&mut self) -> bool {
        if self.world.is_finished() || self.failure.is_some() {
            return false;
        }
        self.world.step();
        if record::hash_due(self.world.time_s(), self.tick_s(), self.world.duration_s())
            && let Err(e) = self.record.append_hash(&record::HashLine::of(&self.world))
        {
            self.fail(e);
        }
        true
    }

    /// Events since the last call (from steps and from applied orders alike), written to the
    /// record's `events.jsonl` on the way (a write that fails stops the drill).
    pub fn new_events(&mut self) -> Vec<Event> {
        let events = self.world.events()[self.written.min(self.world.events().len())..].to_vec();
        self.written += events.len();
        if self.failure.is_none()
            && let Err(e) = self.record.append_events(&events)
        {
            self.fail(e);
        }
        events
    }

    /// Scores the drill and writes the report and final meta. Idempotent. A drill whose
    /// record failed gets no report (it can be resumed once the disk has room): the error.
    pub fn finish(&mut self) -> std::io::Result<Finished> {
        if let Some(f) = &self.finished {
            return Ok(f.clone());
        }
        self.new_events();
        if self.failure.is_none() {
            // A group commit's last lines (the caller may end between two commits).
            let _ = self.commit_journal();
        }
        if let Some(reason) = &self.failure {
            return Err(std::io::Error::other(reason.clone()));
        }
        let finished = report::build(&self.world, self.refused);
        if let Err(e) = self.record.finish(self.world.time_s(), self.world.is_finished(), &finished.report) {
            let err = std::io::Error::new(e.kind(), e.to_string());
            self.fail(e);
            return Err(err);
        }
        self.clock.set_running(false);
        self.finished = Some(finished.clone());
        Ok(finished)
    }
}

fn check_speed(speed: f32) -> Result<(), Refusal> {
    if speed.is_finite() && speed > 0.0 && speed <= MAX_SPEED {
        Ok(())
    } else {
        Err(Refusal::BadSpeed { speed, max: MAX_SPEED })
    }
}

fn check_adaptive(spec: &AdaptiveSpec) -> Result<(), Refusal> {
    check_speed(spec.decision_speed)?;
    check_speed(spec.fast_speed)?;
    if spec.hold_min.is_finite() && spec.hold_min >= 0.0 {
        Ok(())
    } else {
        Err(Refusal::BadSpeed { speed: spec.hold_min as f32, max: MAX_SPEED })
    }
}

fn control_label(c: &Control) -> (&'static str, &'static str) {
    match c {
        Control::Start => ("开始", "start"),
        Control::Pause => ("暂停", "pause"),
        Control::SetSpeed(_) => ("调速", "set the speed"),
        Control::Step => ("单步", "step one minute"),
        Control::Adaptive(_) => ("自适应时间", "adaptive time"),
        Control::ViewAs(_) => ("查看角色视图", "view as a role"),
        Control::ShowObservers(_) => ("观摩画面", "choose what observers see"),
        Control::FocusArea(_) => ("大屏区域", "set the projector's area"),
    }
}
