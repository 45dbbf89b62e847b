//! Reaction times: how long a bot takes, in drill minutes, between making up its mind and
//! giving the order, by role, duty and policy. The one home of the bots' default windows (their
//! reasons are in ARCHITECTURE.md, "Bot reaction times"); a scenario's `reaction` rules replace
//! them per role. Delays are drawn from a ChaCha8 stream seeded with
//! `sim::hash::sub_seed(drill_seed, "bot:<role>")`, so a drill's bots are reproducible.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::hash::{fnv, sub_seed};
use sim::roles::RolePattern;
use sim::scenario::ReactionSpec;
use sim::world::ReportStage;
use sim::{Order, Role};

use super::policy::Policy;

/// A reaction window, drill minutes: each delay is drawn uniformly from `min_min..=max_min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub min_min: f64,
    pub max_min: f64,
}

impl Window {
    pub const fn new(min_min: f64, max_min: f64) -> Window {
        Window { min_min, max_min }
    }
    /// Whether `minutes` lies in the window, allowing `slack_min` beyond its end (a bot acts on
    /// the first view at or after its time, so a tick of the drill may pass on top).
    pub fn holds(&self, minutes: f64, slack_min: f64) -> bool {
        minutes >= self.min_min - 1e-9 && minutes <= self.max_min + slack_min + 1e-9
    }
}

/// What kind of thing a bot is about to do, as far as its reaction time goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Duty {
    /// Telling what one sees (an informant's 信息快报, a team's report) and an informant's
    /// first steps in its village (warn, start the evacuation).
    Report,
    /// 叫应: answering a report.
    Acknowledge,
    /// 同步报告: a post passing its villages' first word up to the county (the 初报 up). The duty
    /// officer phones it on at once, as the plans' chains ask (village → township → county fire
    /// office within 10 min; a township reports upward as it acts, plans.md §1), not after a
    /// commander's 研判.
    Relay,
    /// A decision of a post: levels, warnings, evacuation orders, dispatches, reports up.
    Decide,
    /// A team taking (or refusing) a task.
    Accept,
    /// The controller firing a scripted inject that came due.
    Fire,
}

/// An informant reports 2–8 min after seeing the hazard (issue 7).
pub const INFORMANT: Window = Window::new(2.0, 8.0);
/// The township post's duty officer (值班员) answers a report in 1–5 min.
pub const COMMAND_ACKNOWLEDGE: Window = Window::new(1.0, 5.0);
/// The township post's duty officer phones the first report up in 1–5 min.
pub const COMMAND_RELAY: Window = Window::new(1.0, 5.0);
/// The township post decides in 5–15 min (研判, then the order).
pub const COMMAND_DECIDE: Window = Window::new(5.0, 15.0);
/// The county's duty room answers a township's report in 1–5 min.
pub const COUNTY_ACKNOWLEDGE: Window = Window::new(1.0, 5.0);
/// The county decides after a consultation (会商) in 10–30 min.
pub const COUNTY_DECIDE: Window = Window::new(10.0, 30.0);
/// A team answers over the radio in 1–3 min: accepting a task, reporting.
pub const TEAM: Window = Window::new(1.0, 3.0);
/// The controller fires a due inject within 0–2 min.
pub const CONTROLLER: Window = Window::new(0.0, 2.0);
/// A `late` bot acts 30–90 min after it should have, whatever the duty (issue 7).
pub const LATE: Window = Window::new(30.0, 90.0);

/// The default window of `role` for `duty`, for a diligent bot.
pub fn default_window(role: &Role, duty: Duty) -> Window {
    match (role, duty) {
        (Role::Informant(_), _) => INFORMANT,
        (Role::Command(_), Duty::Acknowledge) => COMMAND_ACKNOWLEDGE,
        (Role::Command(_), Duty::Relay) => COMMAND_RELAY,
        (Role::Command(_), _) => COMMAND_DECIDE,
        (Role::County, Duty::Acknowledge | Duty::Relay) => COUNTY_ACKNOWLEDGE,
        (Role::County, _) => COUNTY_DECIDE,
        (Role::Team(_), _) => TEAM,
        (Role::Controller, _) => CONTROLLER,
    }
}

/// The duty an order of `role` answers.
pub fn duty_of(role: &Role, order: &Order) -> Duty {
    match (role, order) {
        (Role::Controller, _) => Duty::Fire,
        (_, Order::Acknowledge { .. } | Order::Verify { .. }) => Duty::Acknowledge,
        (Role::Command(_) | Role::County, Order::ReportUp { stage: ReportStage::Initial, .. }) => Duty::Relay,
        (Role::Team(_), Order::AcceptTask | Order::RefuseTask { .. }) => Duty::Accept,
        (Role::Informant(_) | Role::Team(_), _) => Duty::Report,
        (Role::Command(_) | Role::County, _) => Duty::Decide,
    }
}

/// The seed of a bot's stream: the drill seed hashed with `bot:<role>`. A bot without the drill
/// seed (a UDP bot: seats are never told it) hashes its role name instead, so it is still
/// reproducible, though not tied to the drill's seed.
pub fn bot_seed(drill_seed: Option<u64>, role: &Role) -> u64 {
    let label = format!("bot:{role}");
    let base = drill_seed.unwrap_or_else(|| fnv(label.as_bytes()));
    u64::from(sub_seed(base, &label))
}

/// One bot's reaction times: its policy, the windows that apply to its role, its stream.
#[derive(Clone, Debug)]
pub struct Reactions {
    role: Role,
    policy: Policy,
    /// The scenario's rule for this role, if any: it replaces every default window.
    rule: Option<Window>,
    rng: ChaCha8Rng,
}

impl Reactions {
    /// `rules`: the scenario's `reaction` entries (a seat's briefing carries those of its role);
    /// the first whose `who` fits `role` replaces every default window.
    pub fn new(role: Role, policy: Policy, seed: u64, rules: &[ReactionSpec]) -> Reactions {
        let rule = rules
            .iter()
            .find(|r| RolePattern::parse(&r.who).is_ok_and(|p| p.matches(&role)))
            .map(|r| Window::new(r.min_min, r.max_min));
        Reactions { role, policy, rule, rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The window delays for `duty` are drawn from; `None` for an absent bot, which never acts.
    pub fn window(&self, duty: Duty) -> Option<Window> {
        match self.policy {
            Policy::Absent => None,
            Policy::Late => Some(LATE),
            Policy::Diligent => Some(self.rule.unwrap_or_else(|| default_window(&self.role, duty))),
        }
    }

    /// The next delay for `duty`, whole drill seconds; `None` for an absent bot.
    pub fn draw_s(&mut self, duty: Duty) -> Option<u32> {
        let w = self.window(duty)?;
        let (lo, hi) = (w.min_min.min(w.max_min).max(0.0), w.max_min.max(w.min_min).max(0.0));
        let minutes = if hi > lo { self.rng.random_range(lo..=hi) } else { lo };
        Some((minutes * 60.0).round() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(s: &str) -> Role {
        s.parse().unwrap()
    }

    #[test]
    fn delays_fall_in_the_role_window_and_repeat_with_the_seed() {
        let r = role("informant:Alpha");
        let mut a = Reactions::new(r.clone(), Policy::Diligent, bot_seed(Some(7), &r), &[]);
        let mut b = Reactions::new(r.clone(), Policy::Diligent, bot_seed(Some(7), &r), &[]);
        let da: Vec<u32> = (0..200).map(|_| a.draw_s(Duty::Report).unwrap()).collect();
        let db: Vec<u32> = (0..200).map(|_| b.draw_s(Duty::Report).unwrap()).collect();
        assert_eq!(da, db, "same seed, same delays");
        assert!(da.iter().all(|&s| (120..=480).contains(&s)), "{da:?}");
        assert!(da.iter().min() < Some(&200) && da.iter().max() > Some(&400), "spread over the window: {da:?}");
        let mut c = Reactions::new(r.clone(), Policy::Diligent, bot_seed(Some(8), &r), &[]);
        assert_ne!(da, (0..200).map(|_| c.draw_s(Duty::Report).unwrap()).collect::<Vec<_>>(), "another seed");
        // Each role its own stream.
        assert_ne!(bot_seed(Some(7), &r), bot_seed(Some(7), &role("informant:Beta")));
        // Without the drill seed: from the role name, still fixed.
        assert_eq!(bot_seed(None, &r), bot_seed(None, &r));
        assert_ne!(bot_seed(None, &r), bot_seed(None, &role("informant:Beta")));
    }

    #[test]
    fn windows_by_role_duty_policy_and_scenario_rule() {
        let cmd = role("command:T1");
        let d = Reactions::new(cmd.clone(), Policy::Diligent, 1, &[]);
        assert_eq!(d.window(Duty::Acknowledge), Some(COMMAND_ACKNOWLEDGE));
        assert_eq!(d.window(Duty::Decide), Some(COMMAND_DECIDE));
        assert_eq!(Reactions::new(cmd.clone(), Policy::Late, 1, &[]).window(Duty::Acknowledge), Some(LATE));
        assert_eq!(Reactions::new(cmd.clone(), Policy::Absent, 1, &[]).window(Duty::Decide), None);
        let mut absent = Reactions::new(cmd.clone(), Policy::Absent, 1, &[]);
        assert_eq!(absent.draw_s(Duty::Decide), None);
        let rules = [
            ReactionSpec { who: "informant:*".into(), min_min: 0.5, max_min: 1.0 },
            ReactionSpec { who: "command".into(), min_min: 20.0, max_min: 20.0 },
            ReactionSpec { who: "command".into(), min_min: 1.0, max_min: 2.0 },
        ];
        let mut ruled = Reactions::new(cmd.clone(), Policy::Diligent, 1, &rules);
        assert_eq!(ruled.window(Duty::Acknowledge), Some(Window::new(20.0, 20.0)), "the first fitting rule");
        assert_eq!(ruled.draw_s(Duty::Decide), Some(1200));
        assert_eq!(
            Reactions::new(role("team:T1 队"), Policy::Diligent, 1, &rules).window(Duty::Accept),
            Some(TEAM),
            "no rule for teams: the default"
        );
        assert_eq!(default_window(&Role::Controller, Duty::Fire), CONTROLLER);
        assert_eq!(default_window(&Role::County, Duty::Decide), COUNTY_DECIDE);
        assert_eq!(duty_of(&cmd, &Order::Acknowledge { report: 1 }), Duty::Acknowledge);
        assert_eq!(duty_of(&role("team:T1 队"), &Order::AcceptTask), Duty::Accept);
        assert_eq!(duty_of(&Role::Controller, &Order::FireInject { index: 0 }), Duty::Fire);
        assert_eq!(duty_of(&cmd, &Order::Warn { village: "Alpha".into() }), Duty::Decide);
        // The 初报 up is relayed at once; a 续报 up is a decision like any other.
        let up = |stage| Order::ReportUp { stage, casualties: 0, trapped: 0, evacuated: 0, note: String::new() };
        assert_eq!(duty_of(&cmd, &up(ReportStage::Initial)), Duty::Relay);
        assert_eq!(duty_of(&cmd, &up(ReportStage::FollowUp)), Duty::Decide);
        assert_eq!(d.window(Duty::Relay), Some(COMMAND_RELAY));
        assert_eq!(duty_of(&role("informant:Alpha"), &Order::Warn { village: "Alpha".into() }), Duty::Report);
        assert!(Window::new(2.0, 8.0).holds(9.0, 1.0) && !Window::new(2.0, 8.0).holds(1.5, 1.0));
    }
}
