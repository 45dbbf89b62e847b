//! `World::step`: one tick of the drill, in the order given in the module docs of `world`, and
//! what finished team tasks and scripted injects do to the world.

use super::*;
use crate::hazard::neighbour;
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
        self.hazards.step_flood(&self.scenario, self.t_s, &weather);
        let started = self.hazards.step_fire(&self.scenario, &self.map, &self.people, self.t_s, &weather);
        self.emit_all(started);
        let (slope_events, monitors) =
            self.hazards.step_slopes(&self.map.grid, &self.people, &weather, tick as f64 / 3600.0);
        for (vi, text) in monitors {
            self.comms.send(Role::Informant(self.people.villages[vi].name.clone()), self.t_s, text);
        }
        self.emit_all(slope_events);
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
        self.emit_all(village_events);
        self.step_teams();
        self.hazards.collect_cells(&self.map.grid);
        self.notice_hazards();
        let due = self.plan.newly_triggered(&self.scenario, self);
        let triggered = self.plan.mark_triggered(due);
        self.emit_all(triggered);
        self.deliver_injects();
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

    fn step_teams(&mut self) {
        let (now, tick) = (self.t_s, self.scenario.tick_s);
        let mut new_events = Vec::new();
        for ti in 0..self.teams.list.len() {
            let target = self.teams.list[ti].job.and_then(|(v, _)| self.people.villages[v].road_node);
            let roads = &self.roads;
            let update = self.teams.list[ti].step(now, tick, &self.map.features.roads, target, &|e| roads.is_closed(e));
            let Some((vi, task)) = self.teams.list[ti].job else { continue };
            let (team, village) = (self.teams.list[ti].name.clone(), self.people.villages[vi].name.clone());
            match update {
                teams::TeamUpdate::Arrived => {
                    if task == Task::Evacuate {
                        self.people.villages[vi].team_helping = true;
                    }
                    new_events.push(EventKind::TeamArrived { team, village });
                }
                teams::TeamUpdate::TaskDone => {
                    if let Some(e) = self.finish_task(ti, vi, task) {
                        new_events.push(e);
                    }
                    new_events.push(EventKind::TeamTaskDone { team, village, task });
                    self.teams.list[ti].job = None;
                }
                teams::TeamUpdate::CannotReach => new_events.push(EventKind::TeamCannotReach { team, village }),
                _ => {}
            }
        }
        self.emit_all(new_events);
    }

    /// What a finished task does to the world.
    fn finish_task(&mut self, team: usize, vi: usize, task: Task) -> Option<EventKind> {
        let grid = &self.map.grid;
        let cell = self.people.villages[vi].cell;
        let ring = |lo: i32, hi: i32| -> Vec<usize> {
            (-hi..=hi)
                .flat_map(|dr| (-hi..=hi).map(move |dc| (dc, dr)))
                .filter(|(dc, dr)| dc.abs().max(dr.abs()) >= lo)
                .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
                .collect()
        };
        match task {
            Task::Sandbag => {
                self.hazards.sandbag(&ring(0, 1));
                None
            }
            Task::Firebreak => {
                let reach = if self.teams.list[team].kind == crate::scenario::TeamKind::FireBrigade {
                    crate::hazard::fire::ENGINE_FLAME_M
                } else {
                    crate::hazard::fire::HAND_CREW_FLAME_M
                };
                self.hazards.firebreak(&ring(2, 3), &ring(0, 3), reach);
                None
            }
            Task::Rescue => {
                let people = self.people.villages[vi].rescue(self.t_s);
                (people > 0).then(|| EventKind::Rescued {
                    village: self.people.villages[vi].name.clone(),
                    people,
                    team: self.teams.list[team].name.clone(),
                })
            }
            Task::ClearRoad => {
                self.roads.clear_near(&self.map, self.people.villages[vi].pos, 1000.0);
                None
            }
            Task::Pump => {
                // The team leaves the pump running with its operators.
                self.hazards.add_pump(cell, PUMP_M3_PER_S);
                None
            }
            Task::Evacuate => None,
        }
    }

    fn deliver_injects(&mut self) {
        for i in 0..self.scenario.injects.len() {
            if self.plan.injects_done[i] {
                continue;
            }
            let inject = self.scenario.injects[i].clone();
            let due = match (&inject.at_min, &inject.when) {
                (Some(at), _) if *at * 60.0 <= self.t_s as f64 => true,
                (None, Some(trigger)) => trigger.met(self),
                _ => false,
            };
            if !due {
                continue;
            }
            self.plan.injects_done[i] = true;
            if let Some(event) = &inject.event {
                self.apply_inject_event(event);
            }
            for to in self.roles_matching(&inject.to) {
                self.comms.send(to.clone(), self.t_s, inject.message.clone());
                self.emit(EventKind::InjectDelivered { to, message: inject.message.clone() });
            }
        }
    }

    pub(crate) fn apply_inject_event(&mut self, event: &InjectEvent) {
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
            InjectEvent::RoadBlocked(place) => {
                if let Some(xy) = resolve_place_on(&self.map, place)
                    && let Some(e) = self.roads.block_near(&self.map, xy)
                {
                    self.emit(e);
                }
            }
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
