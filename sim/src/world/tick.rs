//! `World::step`: one tick of the drill, in the order given in the module docs of `world`, and
//! scripted injects: marked due by the world, delivered when the controller fires them.

use super::*;
use crate::roles::{RoleKind, RolePattern};
use crate::scenario::InjectEvent;

impl World {
    /// Advances one tick (`scenario.tick_s` simulated seconds); returns the events of this tick.
    pub fn step(&mut self) -> &[Event] {
        let first = self.events.len();
        if self.is_finished() {
            return &self.events[first..];
        }
        let tick = self.scenario.tick_s;
        // The weather of the tick starting now, worked out once for everything below.
        let weather = self.weather.advance(&self.scenario.weather, self.t_s).clone();
        self.t_s += tick;
        if !self.plan.is_frozen(HazardKind::Flood) {
            self.hazards.step_flood(&self.scenario, self.t_s, &weather);
        }
        if !self.plan.is_frozen(HazardKind::Fire) {
            let started = self.hazards.step_fire(&self.scenario, &self.map, &self.people, self.t_s, &weather);
            self.emit_all(started);
        }
        if !self.plan.is_frozen(HazardKind::Landslide) {
            let (slope_events, monitors) =
                self.hazards.step_slopes(&self.map.grid, &self.people, &weather, tick as f64 / 3600.0);
            for (vi, text) in monitors {
                self.comms.send(Role::Informant(self.people.villages[vi].name.clone()), self.t_s, text);
            }
            self.emit_all(slope_events);
        }
        let closed = self.roads.update(
            self.hazards.flood.as_ref().map(|f| &f.model),
            self.hazards.fire.as_ref().map(|f| &f.model),
            &self.hazards.debris,
        );
        self.emit_all(closed);
        let stages = self.hazards.update_gauges();
        self.emit_all(stages);
        let (hazards, grid) = (&self.hazards, &self.map.grid);
        let village_events = self.people.step(self.t_s, tick, &|cell| hazards.hits_at(grid, cell));
        for e in &village_events {
            if let EventKind::ShelterFull { shelter, village, waiting } = e
                && let Some(vi) = self.people.index(village)
            {
                let text = format!(
                    "{shelter} 已满, {village} 有 {waiting} 人等待安置 / {shelter} is full: {waiting} people of {village} wait"
                );
                self.comms.send(self.command_for_village(vi), self.t_s, text);
            }
        }
        self.emit_all(village_events);
        self.deliver_materials();
        self.step_teams();
        self.hazards.collect_cells(&self.map.grid);
        self.notice_hazards();
        let due = self.plan.newly_triggered(&self.scenario, self);
        let triggered = self.plan.mark_triggered(due);
        self.emit_all(triggered);
        self.mark_injects_due();
        if self.is_finished() {
            self.emit(EventKind::DrillEnded);
        }
        &self.events[first..]
    }

    /// `HazardSeen` the first time a hazard shows within sight of a village's informant.
    fn notice_hazards(&mut self) {
        let mut new = Vec::new();
        for (vi, v) in self.people.villages.iter().enumerate() {
            for hazard in [HazardKind::Flood, HazardKind::Fire, HazardKind::Landslide] {
                if self.plan.seen.contains(&(hazard, vi)) || new.contains(&(hazard, vi)) {
                    continue;
                }
                if self.hazards.visible_from(&self.map.grid, hazard, v.pos, INFORMANT_SIGHT_M, Some(vi)) {
                    new.push((hazard, vi));
                }
            }
        }
        for (hazard, vi) in new {
            self.plan.seen.push((hazard, vi));
            let village = self.people.villages[vi].name.clone();
            self.emit(EventKind::HazardSeen { hazard, by: Role::Informant(village.clone()), village });
        }
    }

    /// Scripted injects whose time or condition came: `InjectDue`, once each. The controller
    /// fires them (`FireInject`); nothing reaches a role before.
    fn mark_injects_due(&mut self) {
        for i in 0..self.scenario.injects.len() {
            if self.plan.injects_due[i] || self.plan.injects_done[i] {
                continue;
            }
            let inject = &self.scenario.injects[i];
            let due = match (&inject.at_min, &inject.when) {
                (Some(at), _) => *at * 60.0 <= self.t_s as f64,
                (None, Some(trigger)) => trigger.met(self),
                _ => false,
            };
            if due {
                self.plan.injects_due[i] = true;
                self.emit(EventKind::InjectDue { index: i as u32 });
            }
        }
    }

    /// Fires scripted inject `i` now (due or not): its world event, then its message to every
    /// role it names.
    pub(crate) fn fire_inject(&mut self, i: usize) {
        let Some(inject) = self.scenario.injects.get(i).cloned() else { return };
        if self.plan.injects_done[i] {
            return;
        }
        self.plan.injects_done[i] = true;
        self.plan.injects_due[i] = true;
        if let Some(event) = &inject.event {
            self.apply_inject_event(i, event);
        }
        for to in self.roles_matching(&inject.to) {
            self.comms.send(to.clone(), self.t_s, inject.message.clone());
            self.emit(EventKind::InjectDelivered { to, message: inject.message.clone() });
        }
    }

    pub(crate) fn apply_inject_event(&mut self, index: usize, event: &InjectEvent) {
        match event {
            InjectEvent::Ignition(place) => {
                if let Some(xy) = resolve_place_on(&self.map, place)
                    && let Some(e) = self.hazards.ignite(&self.map, &self.people, self.t_s, xy)
                {
                    self.emit(e);
                }
            }
            InjectEvent::Cloudburst { rain_mm_per_h, for_min } => {
                self.weather.add_cloudburst(self.t_s, *rain_mm_per_h, *for_min);
            }
            InjectEvent::RoadBlocked(place, cause) => {
                if let Some(xy) = resolve_place_on(&self.map, place)
                    && let Some(e) = self.roads.block_near(&self.map, xy, *cause)
                {
                    self.emit(e);
                }
            }
            InjectEvent::ReturnHome(village) => {
                if let Some(vi) = self.people.index(village) {
                    self.return_home(vi);
                }
            }
            InjectEvent::FalseReport { village, hazard } => self.plant_false_report(index, village, *hazard),
        }
    }

    /// Roles on offer that fit a pattern such as "command", "informant:*" or "team:乡镇救援队".
    fn roles_matching(&self, pattern: &str) -> Vec<Role> {
        let Ok(pattern) = RolePattern::parse(pattern) else { return Vec::new() };
        let matching: Vec<Role> = self.roles.iter().filter(|r| pattern.matches(r)).cloned().collect();
        let names_one = pattern.target.is_some() || !matches!(pattern.kind, RoleKind::Informant | RoleKind::Team);
        if matching.is_empty() && names_one {
            // A role not played in this drill still gets its message on the record.
            return vec![pattern.sample()];
        }
        matching
    }
}

fn resolve_place_on(map: &MapAsset, place: &crate::scenario::Place) -> Option<Xy> {
    crate::scenario::resolve_place(place, map)
}
