//! The drill clock the controller steers: paused or running, a fixed speed or adaptive time.
//! Adaptive time fast-forwards while nothing needs anyone and drops to the decision speed the
//! moment something needs a person ([`need_of`], the one place that decides it from the events);
//! it speeds up again once every need is answered, or `hold_min` drill minutes after the last
//! one arose. Pure logic: no wall clock here; the caller says how much wall time passed, and a
//! headless run asks [`Clock::wall_for_step`] what a step would have cost on the wall.

use protocol::{AdaptiveSpec, AdaptiveState};
use sim::{Event, EventKind, Role};

/// Adaptive time's defaults when the scenario suggests no session: real time for decisions,
/// two drill minutes per wall second otherwise, and ten drill minutes at most per need that
/// no order answers.
pub const DEFAULT_DECISION_SPEED: f32 = 1.0;
pub const DEFAULT_FAST_SPEED: f32 = 120.0;
pub const DEFAULT_HOLD_MIN: f64 = 10.0;

/// Something that needs a person, and what answers it.
#[derive(Clone, Debug, PartialEq)]
pub enum Need {
    /// Answered by the event this key matches ([`answers`]).
    Until(Answer, String),
    /// Nothing in the events answers it: the decision speed holds for `hold_min`.
    Hold(String),
}

/// What answers a need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A report is acknowledged (叫应).
    Acknowledged(u32),
    /// A level triggered is activated (by anyone who may).
    Activated(sim::scenario::Level),
    /// A hazard seen at a village is reported.
    Reported(String),
}

/// Whether an event needs a person, and what answers it. The one place adaptive time reads
/// the events: a report arrives (until acknowledged), a plan trigger fires (until a level is
/// activated), an informant sees a hazard (until it is reported), an inject is delivered or a
/// team reports done or blocked (for `hold_min`).
pub fn need_of(kind: &EventKind) -> Option<Need> {
    match kind {
        EventKind::ReportFiled { id, village, .. } => {
            Some(Need::Until(Answer::Acknowledged(*id), format!("新报告 {village} / new report from {village}")))
        }
        EventKind::LevelTriggered { level } => Some(Need::Until(
            Answer::Activated(*level),
            format!("达到 {level:?} 级响应条件 / level {level:?} trigger met"),
        )),
        EventKind::HazardSeen { village, by: Role::Informant(_), .. } => Some(Need::Until(
            Answer::Reported(village.clone()),
            format!("{village} 发现灾情 / hazard seen at {village}"),
        )),
        EventKind::InjectDelivered { to, .. } => {
            Some(Need::Hold(format!("导调信息送达 {to} / inject delivered to {to}")))
        }
        EventKind::TeamTaskDone { team, .. } => Some(Need::Hold(format!("{team} 完成任务 / {team} reports done"))),
        EventKind::TeamCannotReach { team, .. } => Some(Need::Hold(format!("{team} 无法到达 / {team} cannot reach"))),
        _ => None,
    }
}

/// Whether `kind` answers `a`.
fn answers(kind: &EventKind, a: &Answer) -> bool {
    match (kind, a) {
        (EventKind::ReportAcknowledged { id, .. }, Answer::Acknowledged(want)) => id == want,
        (EventKind::LevelActivated { level, .. }, Answer::Activated(want)) => level >= want,
        (EventKind::ReportFiled { village, .. }, Answer::Reported(want)) => village == want,
        _ => false,
    }
}

struct Adaptive {
    spec: AdaptiveSpec,
    /// Needs not yet answered, with the words of the first.
    open: Vec<(Answer, String)>,
    /// A hold-only need: its words and the drill second it arose.
    held: Option<(String, u32)>,
    /// The last drill second any need arose (the hold runs from it).
    since_s: u32,
    /// Drill and wall seconds spent in adaptive time (the pace for the expected end).
    drill_s: f64,
    wall_s: f64,
}

impl Adaptive {
    fn waiting_for(&self, now_s: u32) -> Option<String> {
        let held = self.held.as_ref().filter(|_| !self.expired(now_s)).map(|(w, _)| w.clone());
        let open = self.open.first().filter(|_| !self.expired(now_s)).map(|(_, w)| w.clone());
        open.or(held)
    }

    fn expired(&self, now_s: u32) -> bool {
        f64::from(now_s.saturating_sub(self.since_s)) >= self.spec.hold_min * 60.0
    }
}

/// The clock: running or not, a fixed speed, adaptive time on top.
pub struct Clock {
    running: bool,
    speed: f32,
    adaptive: Option<Adaptive>,
}

impl Clock {
    pub fn new(speed: f32) -> Clock {
        Clock { running: false, speed, adaptive: None }
    }

    pub fn running(&self) -> bool {
        self.running
    }
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
    }
    /// A fixed speed; leaves adaptive time.
    pub fn set_speed(&mut self, speed: f32) {
        self.speed = speed;
        self.adaptive = None;
    }

    /// Adaptive time on or off. Turning it on starts fast: needs already open are not replayed.
    pub fn set_adaptive(&mut self, spec: Option<AdaptiveSpec>) {
        self.adaptive =
            spec.map(|spec| Adaptive { spec, open: Vec::new(), held: None, since_s: 0, drill_s: 0.0, wall_s: 0.0 });
    }

    pub fn is_adaptive(&self) -> bool {
        self.adaptive.is_some()
    }

    /// The speed now, simulated seconds per wall second.
    pub fn speed(&self, now_s: u32) -> f32 {
        match &self.adaptive {
            Some(a) if a.waiting_for(now_s).is_some() => a.spec.decision_speed,
            Some(a) => a.spec.fast_speed,
            None => self.speed,
        }
    }

    pub fn adaptive_state(&self, now_s: u32) -> Option<AdaptiveState> {
        self.adaptive.as_ref().map(|a| AdaptiveState { spec: a.spec.clone(), waiting_for: a.waiting_for(now_s) })
    }

    /// Reads new events: needs open, answers close them. Returns true when the speed changed.
    pub fn observe(&mut self, events: &[Event], now_s: u32) -> bool {
        // The speed as the needs last read stood (an expired hold still counts until cleared).
        let before = match &self.adaptive {
            Some(a) if !a.open.is_empty() || a.held.is_some() => a.spec.decision_speed,
            Some(a) => a.spec.fast_speed,
            None => self.speed,
        };
        if let Some(a) = &mut self.adaptive {
            for e in events {
                a.open.retain(|(ans, _)| !answers(&e.kind, ans));
                match need_of(&e.kind) {
                    Some(Need::Until(ans, words)) => {
                        a.open.push((ans, words));
                        a.since_s = e.t_s;
                    }
                    Some(Need::Hold(words)) => {
                        a.held = Some((words, e.t_s));
                        a.since_s = e.t_s;
                    }
                    None => {}
                }
            }
            if a.expired(now_s) {
                // Nobody answered in time: the drill goes on fast; these needs are dropped.
                a.open.clear();
                a.held = None;
            }
            if a.held.as_ref().is_some_and(|(_, at)| f64::from(now_s.saturating_sub(*at)) >= a.spec.hold_min * 60.0) {
                a.held = None;
            }
        }
        self.speed(now_s) != before
    }

    /// Wall seconds one step of `tick_s` drill seconds takes at the speed now, counted into
    /// the adaptive pace: how a headless run learns the wall time of a drill without sleeping.
    pub fn wall_for_step(&mut self, tick_s: u32, now_s: u32) -> f64 {
        let wall = f64::from(tick_s) / f64::from(self.speed(now_s));
        self.account(f64::from(tick_s), wall);
        wall
    }

    /// Counts drill and wall seconds spent (the served drill's real pace).
    pub fn account(&mut self, drill_s: f64, wall_s: f64) {
        if let Some(a) = &mut self.adaptive {
            a.drill_s += drill_s;
            a.wall_s += wall_s;
        }
    }

    /// Wall seconds until `end_s` at the current pace: the fixed speed, or in adaptive time the
    /// pace so far (drill seconds per wall second over the last session), the fast speed before
    /// a minute of it has passed. `None` while paused.
    pub fn wall_left_s(&self, now_s: u32, end_s: u32) -> Option<f64> {
        if !self.running {
            return None;
        }
        let left = f64::from(end_s.saturating_sub(now_s));
        let pace = match &self.adaptive {
            Some(a) if a.wall_s >= 60.0 => a.drill_s / a.wall_s,
            Some(a) => f64::from(a.spec.fast_speed),
            None => f64::from(self.speed),
        };
        Some(left / pace.max(f64::MIN_POSITIVE))
    }
}

/// The adaptive spec a scenario suggests, or the defaults.
pub fn spec_for(scenario: &sim::scenario::Scenario) -> AdaptiveSpec {
    match &scenario.session {
        Some(s) => {
            AdaptiveSpec { decision_speed: s.decision_speed, fast_speed: s.fast_speed, hold_min: DEFAULT_HOLD_MIN }
        }
        None => AdaptiveSpec {
            decision_speed: DEFAULT_DECISION_SPEED,
            fast_speed: DEFAULT_FAST_SPEED,
            hold_min: DEFAULT_HOLD_MIN,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::HazardKind;
    use sim::scenario::Level;

    fn ev(t_s: u32, kind: EventKind) -> Event {
        Event { t_s, kind }
    }
    fn spec() -> AdaptiveSpec {
        AdaptiveSpec { decision_speed: 1.0, fast_speed: 600.0, hold_min: 10.0 }
    }
    fn adaptive() -> Clock {
        let mut c = Clock::new(60.0);
        c.set_running(true);
        c.set_adaptive(Some(spec()));
        c
    }
    fn report(t_s: u32, id: u32) -> Event {
        ev(
            t_s,
            EventKind::ReportFiled {
                id,
                by: Role::Informant("A".into()),
                village: "A".into(),
                hazard: HazardKind::Flood,
                stage: sim::world::ReportStage::Initial,
            },
        )
    }

    #[test]
    fn fast_while_nothing_needs_anyone_and_decision_speed_from_a_report_until_it_is_acknowledged() {
        let mut c = adaptive();
        assert_eq!(c.speed(0), 600.0);
        assert!(!c.observe(&[ev(60, EventKind::RoadClosed { edge: 3, cause: HazardKind::Flood })], 60));
        assert_eq!(c.speed(60), 600.0);
        assert!(c.observe(&[report(120, 1)], 120));
        assert_eq!(c.speed(120), 1.0);
        assert!(c.adaptive_state(120).unwrap().waiting_for.unwrap().contains("new report"));
        // Another report's acknowledgement does not answer this one.
        assert!(!c.observe(&[ev(180, EventKind::ReportAcknowledged { id: 2, by: Role::Command(None) })], 180));
        assert_eq!(c.speed(180), 1.0);
        assert!(c.observe(&[ev(240, EventKind::ReportAcknowledged { id: 1, by: Role::Command(None) })], 240));
        assert_eq!(c.speed(240), 600.0);
        assert_eq!(c.adaptive_state(240).unwrap().waiting_for, None);
    }

    #[test]
    fn an_unanswered_need_lets_the_drill_speed_up_after_the_hold() {
        let mut c = adaptive();
        c.observe(&[report(60, 1)], 60);
        c.observe(&[], 60 + 9 * 60);
        assert_eq!(c.speed(60 + 9 * 60), 1.0, "nine minutes: still waiting");
        assert!(c.observe(&[], 60 + 10 * 60), "ten minutes: the hold is over");
        assert_eq!(c.speed(60 + 10 * 60), 600.0);
        // The dropped need does not come back.
        c.observe(&[], 60 + 11 * 60);
        assert_eq!(c.speed(60 + 11 * 60), 600.0);
    }

    #[test]
    fn an_inject_holds_decision_speed_for_the_hold_only_and_a_trigger_until_a_level_is_activated() {
        let mut c = adaptive();
        c.observe(&[ev(0, EventKind::InjectDelivered { to: Role::Command(None), message: "x".into() })], 0);
        assert_eq!(c.speed(300), 1.0);
        c.observe(&[], 600);
        assert_eq!(c.speed(600), 600.0);
        c.observe(&[ev(660, EventKind::LevelTriggered { level: Level::III })], 660);
        assert_eq!(c.speed(660), 1.0);
        // A lower level does not answer a higher trigger; the same or a higher one does.
        c.observe(&[ev(700, EventKind::LevelActivated { level: Level::IV, by: Role::Command(None) })], 700);
        assert_eq!(c.speed(700), 1.0);
        c.observe(&[ev(720, EventKind::LevelActivated { level: Level::II, by: Role::Command(None) })], 720);
        assert_eq!(c.speed(720), 600.0);
    }

    #[test]
    fn a_hazard_seen_by_an_informant_waits_for_its_report_which_then_waits_for_acknowledgement() {
        let mut c = adaptive();
        let seen =
            EventKind::HazardSeen { hazard: HazardKind::Fire, by: Role::Informant("A".into()), village: "A".into() };
        c.observe(&[ev(60, seen)], 60);
        assert_eq!(c.speed(60), 1.0);
        c.observe(&[report(120, 4)], 120);
        let w = c.adaptive_state(120).unwrap().waiting_for.unwrap();
        assert!(w.contains("new report"), "{w}");
        c.observe(&[ev(180, EventKind::ReportAcknowledged { id: 4, by: Role::Command(None) })], 180);
        assert_eq!(c.speed(180), 600.0);
    }

    #[test]
    fn the_wall_time_of_steps_is_counted_without_sleeping_and_gives_the_expected_end() {
        let mut c = adaptive();
        // 10 fast steps of a minute: 1 s of wall time; then one at decision speed: 60 s.
        let fast: f64 = (0..10).map(|i| c.wall_for_step(60, i * 60)).sum();
        assert!((fast - 1.0).abs() < 1e-9, "{fast}");
        c.observe(&[report(600, 1)], 600);
        assert_eq!(c.wall_for_step(60, 600), 60.0);
        // Pace so far: 660 drill s in 61 wall s.
        let left = c.wall_left_s(660, 660 + 6600).unwrap();
        assert!((left - 6600.0 * 61.0 / 660.0).abs() < 1e-6, "{left}");
        c.set_running(false);
        assert_eq!(c.wall_left_s(660, 7260), None);
        // A fixed speed: the distance over the speed; leaving adaptive time.
        c.set_running(true);
        c.set_speed(60.0);
        assert!(!c.is_adaptive());
        assert_eq!(c.wall_left_s(0, 3600), Some(60.0));
    }
}
