//! What teams do each tick: drive, arrive, take the materials their task needs (or wait for
//! them and say so), work on site (direct attack burns down the fire edge as they go), and what
//! a finished task does to the world.
//!
//! Rates (documented for trainers, ARCHITECTURE.md "Effects"):
//! - direct attack (`AttackFire`): a crew puts out burning cells within [`ATTACK_RADIUS_M`] of
//!   its point whose flames are within its reach (hand tools 1.2 m, engines 2.4 m), one cell
//!   (75 m × 75 m) per [`CREW_PER_CELL_10_MIN`] people every 10 minutes (a drill assumption);
//! - a firebreak along a path removes the fuel of every cell the path crosses: fire cannot
//!   cross it; round a village, a ring 2–3 cells out, with direct attack inside it;
//! - a sandbag line along a path raises the faces of every cell it crosses by
//!   [`SANDBAG_LINE_HEIGHT_M`](super::materials::SANDBAG_LINE_HEIGHT_M); round a village, its cell;
//! - `Watch`: the team stays at the point (it sees [`TEAM_SIGHT_M`] round it) until sent elsewhere.

use super::materials::{SANDBAG_LINE_HEIGHT_M, task_needs};
use super::teams::{Activity, Job, JobPlace, TeamUpdate, until};
use super::*;
use crate::hazard::neighbour;
use crate::scenario::TeamKind;

/// How far from its point a crew attacks the fire edge, metres.
pub const ATTACK_RADIUS_M: f64 = 300.0;
/// People it takes to put out one burning cell in 10 minutes.
pub const CREW_PER_CELL_10_MIN: u32 = 10;
/// How far from its target a `ClearRoad` team clears debris and blocks, metres.
pub const CLEAR_RADIUS_M: f64 = 1000.0;

impl World {
    /// Loads that arrive this tick.
    pub(crate) fn deliver_materials(&mut self) {
        for s in self.materials.deliver(self.t_s) {
            let to = match s.to {
                materials::Holder::Depot(i) => self.materials.depots[i].name.clone(),
                materials::Holder::Village(i) => self.people.villages[i].name.clone(),
                materials::Holder::Team(i) => self.teams.list[i].name.clone(),
            };
            self.emit(EventKind::MaterialsArrived { material: s.material, amount: s.amount, to });
        }
    }

    pub(crate) fn step_teams(&mut self) {
        let (now, tick) = (self.t_s, self.scenario.tick_s);
        for ti in 0..self.teams.list.len() {
            let target = self.teams.list[ti].job.as_ref().and_then(|j| j.node);
            // A team sent to clear a road works its way through the debris and blocks within
            // CLEAR_RADIUS_M of its target; water and fire still stop it.
            let clearing = self.teams.list[ti].job.as_ref().filter(|j| j.task == Some(Task::ClearRoad));
            let centre = clearing.map(|j| self.place_centre(&j.place));
            let (roads, graph) = (&self.roads, &self.map.features.roads);
            let closed = |e: u32| match centre {
                Some(c) => {
                    let edge = &graph.edges[e as usize];
                    let near = dist(graph.nodes[edge.a as usize], c).min(dist(graph.nodes[edge.b as usize], c))
                        < CLEAR_RADIUS_M;
                    if near { roads.is_closed_to_clearing(e) } else { roads.is_closed(e) }
                }
                None => roads.is_closed(e),
            };
            let update = self.teams.list[ti].step(now, tick, graph, target, &closed);
            let Some(job) = self.teams.list[ti].job.clone() else { continue };
            let team = self.teams.list[ti].name.clone();
            let village = self.people.villages[job.village].name.clone();
            match (update, job.task) {
                (TeamUpdate::Arrived, None) => {
                    self.teams.stand_down(ti);
                    self.emit(EventKind::TeamArrived { team, village });
                }
                (TeamUpdate::Arrived, Some(task)) => {
                    match (task, &job.place) {
                        (Task::Evacuate, JobPlace::Village(vi)) => self.people.villages[*vi].team_helping = true,
                        (Task::MoveVulnerable, JobPlace::Village(vi)) => {
                            self.people.villages[*vi].vulnerable_helped = true
                        }
                        _ => {}
                    }
                    self.emit(EventKind::TeamArrived { team, village });
                    self.take_materials(ti, &job, task);
                }
                (TeamUpdate::TaskDone, Some(task)) => {
                    if let Some(e) = self.finish_task(ti, &job, task) {
                        self.emit(e);
                    }
                    self.emit(EventKind::TeamTaskDone { team, village, task });
                    self.teams.list[ti].job = None;
                }
                (TeamUpdate::CannotReach, _) => self.emit(EventKind::TeamCannotReach { team, village }),
                (TeamUpdate::None, Some(task)) => match self.teams.list[ti].activity {
                    Activity::Waiting { .. } => self.take_materials(ti, &job, task),
                    Activity::Working { .. } if task == Task::AttackFire => self.attack(ti, &job),
                    _ => {}
                },
                _ => {}
            }
        }
    }

    /// On site: takes what the task needs and starts work, or waits (and says why, once).
    fn take_materials(&mut self, ti: usize, job: &Job, task: Task) {
        let line_m = self.line_m(&job.place);
        let Some((material, amount)) = task_needs(task, line_m) else { return };
        let missing = self.materials.take_for_task(ti, job.village, material, amount);
        let team = self.teams.list[ti].name.clone();
        if missing > 0 {
            let was = std::mem::replace(
                &mut self.teams.list[ti].activity,
                Activity::Waiting { material: material.to_string(), missing },
            );
            if !matches!(was, Activity::Waiting { missing: m, .. } if m == missing) {
                let text = format!(
                    "{team} 到达, 缺少 {material} {missing}, 等待补给 / {team} on site, waiting for {missing} {material}"
                );
                self.comms.send(job.by.clone(), self.t_s, text);
                self.emit(EventKind::TaskWaiting { team, material: material.to_string(), missing });
            }
            return;
        }
        if self.materials.is_stocked(material) {
            self.emit(EventKind::MaterialsUsed { team, material: material.to_string(), amount });
        }
        if matches!(self.teams.list[ti].activity, Activity::Waiting { .. }) {
            self.teams.list[ti].activity = Activity::Working { until_s: until(self.t_s, job.minutes) };
        }
    }

    /// Metres of line of a job (a path's length, or round a village's cell).
    pub(crate) fn line_m(&self, place: &JobPlace) -> f64 {
        match place {
            JobPlace::Village(_) => 4.0 * self.map.grid.cell_size_m,
            JobPlace::Point(_) => 0.0,
            JobPlace::Path(p) => p.windows(2).map(|w| dist(w[0], w[1])).sum(),
        }
    }

    /// The flames a team can handle: engines for fire brigades, hand tools for the rest.
    fn reach_m(&self, ti: usize) -> f64 {
        if self.teams.list[ti].kind == TeamKind::FireBrigade {
            crate::hazard::fire::ENGINE_FLAME_M
        } else {
            crate::hazard::fire::HAND_CREW_FLAME_M
        }
    }

    /// One tick of direct attack round the job's point.
    fn attack(&mut self, ti: usize, job: &Job) {
        let centre = self.place_centre(&job.place);
        let grid = &self.map.grid;
        let r = (ATTACK_RADIUS_M / grid.cell_size_m).ceil() as i32;
        let Some(cell) = grid.cell_at(centre) else { return };
        let cells: Vec<usize> = (-r..=r)
            .flat_map(|dr| (-r..=r).map(move |dc| (dc, dr)))
            .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
            .filter(|&c| dist(grid.cell_centre(c), centre) <= ATTACK_RADIUS_M)
            .collect();
        let per_10 = self.teams.list[ti].size as f64 / CREW_PER_CELL_10_MIN as f64;
        let max = (per_10 * self.scenario.tick_s as f64 / 600.0).ceil() as usize;
        let reach = self.reach_m(ti);
        let out = self.hazards.attack_fire(&cells, reach, max);
        if out > 0 {
            let team = self.teams.list[ti].name.clone();
            self.emit(EventKind::FireAttacked { team, cells: out });
        }
    }

    /// Where a job is on the map: the village, the point, a path's start.
    pub(crate) fn place_centre(&self, place: &JobPlace) -> Xy {
        match place {
            JobPlace::Village(vi) => self.people.villages[*vi].pos,
            JobPlace::Point(xy) => *xy,
            JobPlace::Path(p) => p.first().copied().unwrap_or_default(),
        }
    }

    /// Cells a path crosses, sampled every half cell.
    fn path_cells(&self, path: &[Xy]) -> Vec<usize> {
        let grid = &self.map.grid;
        let mut cells: Vec<usize> = Vec::new();
        let segments: Vec<(Xy, Xy)> = match path {
            [] => Vec::new(),
            [p] => vec![(*p, *p)],
            _ => path.windows(2).map(|w| (w[0], w[1])).collect(),
        };
        for (a, b) in segments {
            let steps = (dist(a, b) / (grid.cell_size_m / 2.0)).ceil().max(1.0) as usize;
            for i in 0..=steps {
                let f = i as f64 / steps as f64;
                if let Some(c) = grid.cell_at([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f])
                    && !cells.contains(&c)
                {
                    cells.push(c);
                }
            }
        }
        cells
    }

    /// What a finished task does to the world.
    fn finish_task(&mut self, team: usize, job: &Job, task: Task) -> Option<EventKind> {
        let grid = &self.map.grid;
        let centre = self.place_centre(&job.place);
        let cell = grid.cell_at(centre).unwrap_or(self.people.villages[job.village].cell);
        let ring = |lo: i32, hi: i32| -> Vec<usize> {
            (-hi..=hi)
                .flat_map(|dr| (-hi..=hi).map(move |dc| (dc, dr)))
                .filter(|(dc, dr)| dc.abs().max(dr.abs()) >= lo)
                .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
                .collect()
        };
        match (task, &job.place) {
            (Task::Sandbag, JobPlace::Path(p)) => {
                let cells = self.path_cells(p);
                self.hazards.sandbag(&cells, SANDBAG_LINE_HEIGHT_M);
                None
            }
            (Task::Sandbag, _) => {
                self.hazards.sandbag(&[cell], SANDBAG_LINE_HEIGHT_M);
                None
            }
            (Task::Firebreak, JobPlace::Path(p)) => {
                let cells = self.path_cells(p);
                let reach = self.reach_m(team);
                self.hazards.firebreak(&cells, &[], reach);
                None
            }
            (Task::Firebreak, _) => {
                let reach = self.reach_m(team);
                self.hazards.firebreak(&ring(2, 3), &ring(0, 3), reach);
                None
            }
            (Task::Rescue, _) => {
                let people = self.people.rescue(job.village, self.t_s);
                (people > 0).then(|| EventKind::Rescued {
                    village: self.people.villages[job.village].name.clone(),
                    people,
                    team: self.teams.list[team].name.clone(),
                })
            }
            (Task::ClearRoad, _) => {
                self.roads.clear_near(&self.map, centre, CLEAR_RADIUS_M);
                None
            }
            (Task::Pump, _) => {
                // The team leaves the pump running with its operators.
                self.hazards.add_pump(cell, PUMP_M3_PER_S);
                None
            }
            (Task::Evacuate | Task::MoveVulnerable | Task::AttackFire | Task::Watch, _) => None,
        }
    }
}
