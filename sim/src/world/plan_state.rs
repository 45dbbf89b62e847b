//! The plan's state in the drill: which levels' triggers have been met, which levels each
//! command activated, which scripted injects went out, and which hazards each village has seen.

use std::collections::BTreeMap;

use crate::roles::Role;
use crate::scenario::{Level, Scenario};
use crate::triggers::TriggerFacts;
use crate::world::EventKind;
use crate::world::orders::HazardKind;

#[derive(Clone)]
pub struct PlanState {
    /// The level each command (a township's post, the county) activated last.
    pub levels: BTreeMap<Role, Level>,
    /// Levels whose trigger has been met, in order.
    pub levels_triggered: Vec<Level>,
    /// Scripted injects fired (delivered).
    pub injects_done: Vec<bool>,
    /// Scripted injects whose time or condition came (`InjectDue`), fired or not.
    pub injects_due: Vec<bool>,
    /// Commands that ended their response (终止), in order.
    pub ended: Vec<Role>,
    /// Hazards the controller froze: their models do not step.
    pub frozen: Vec<HazardKind>,
    /// (hazard, village) pairs already seen by the village's informant.
    pub seen: Vec<(HazardKind, usize)>,
}

impl PlanState {
    pub(crate) fn new(s: &Scenario) -> PlanState {
        PlanState {
            levels: BTreeMap::new(),
            levels_triggered: Vec::new(),
            injects_done: vec![false; s.injects.len()],
            injects_due: vec![false; s.injects.len()],
            ended: Vec::new(),
            frozen: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// Activates, raises or lowers the level of a command.
    pub(crate) fn activate(&mut self, by: &Role, level: Level) {
        self.levels.insert(by.clone(), level);
        self.ended.retain(|r| r != by);
    }

    /// Ends a command's response (终止): it has no level from now on.
    pub(crate) fn end(&mut self, by: &Role) {
        self.levels.remove(by);
        self.ended.push(by.clone());
    }

    pub fn is_frozen(&self, hazard: HazardKind) -> bool {
        self.frozen.contains(&hazard)
    }

    pub(crate) fn freeze(&mut self, hazard: HazardKind, frozen: bool) {
        self.frozen.retain(|h| *h != hazard);
        if frozen {
            self.frozen.push(hazard);
        }
    }

    /// Levels whose trigger holds now for the first time.
    pub(crate) fn newly_triggered(&self, scenario: &Scenario, facts: &impl TriggerFacts) -> Vec<Level> {
        scenario
            .plan
            .levels
            .iter()
            .filter(|l| !self.levels_triggered.contains(&l.level) && l.trigger.met(facts))
            .map(|l| l.level)
            .collect()
    }

    /// Records levels as triggered: one `LevelTriggered` event each.
    pub(crate) fn mark_triggered(&mut self, levels: Vec<Level>) -> Vec<EventKind> {
        self.levels_triggered.extend(&levels);
        levels.into_iter().map(|level| EventKind::LevelTriggered { level }).collect()
    }
}
