//! What each role can see: informants around their village, teams around themselves, the command
//! post what was reported to it and what its teams see, the controller everything.

use super::*;
use crate::hazard::fire::CellFire;
use crate::view::{GaugeView, HazardCellKind, ReportView, RoleView, TeamState, TeamView, VillageView, WeatherView};

impl World {
    /// Emits `HazardSeen` the first time a hazard shows within sight of a village's informant.
    pub(super) fn notice_hazards(&mut self) {
        let mut new = Vec::new();
        for (vi, v) in self.villages.iter().enumerate() {
            for hazard in [HazardKind::Flood, HazardKind::Fire, HazardKind::Landslide] {
                if self.seen.contains(&(hazard, vi)) || new.contains(&(hazard, vi)) {
                    continue;
                }
                if self.hazard_visible_from(hazard, v.pos, INFORMANT_SIGHT_M, Some(vi)) {
                    new.push((hazard, vi));
                }
            }
        }
        for (hazard, vi) in new {
            self.seen.push((hazard, vi));
            let village = self.villages[vi].name.clone();
            self.emit(EventKind::HazardSeen { hazard, by: Role::Informant(village.clone()), village });
        }
    }

    /// Dangerous water off the river bed, open flame, debris or slope signs within `radius`.
    fn hazard_visible_from(&self, hazard: HazardKind, at: Xy, radius: f64, village: Option<usize>) -> bool {
        let grid = &self.map.grid;
        let near = |c: u32| dist(grid.cell_centre(c as usize), at) <= radius;
        match hazard {
            HazardKind::Flood => match &self.flood {
                Some(_) => {
                    self.hazard_now.iter().any(|h| h.kind == HazardCellKind::Water && h.amount >= 30 && near(h.cell))
                }
                None => false,
            },
            HazardKind::Fire => match &self.fire {
                Some(f) => f.burning_cells().iter().any(|&c| near(c)),
                None => false,
            },
            HazardKind::Landslide => self.slopes.iter().any(|(_, p, threatened)| {
                (p.signs || p.failed)
                    && (dist(p.pos, at) <= radius || village.is_some_and(|vi| threatened.contains(&vi)))
            }),
        }
    }

    /// Points a role sees from: (position, radius).
    fn sight_points(&self, role: &Role) -> Vec<(Xy, f64)> {
        let team_points = |filter: &dyn Fn(&Team) -> bool| -> Vec<(Xy, f64)> {
            self.teams.iter().filter(|t| filter(t)).map(|t| (t.pos, TEAM_SIGHT_M)).collect()
        };
        match role {
            Role::Controller => Vec::new(),
            Role::Informant(v) => {
                self.village_index(v).map(|i| vec![(self.villages[i].pos, INFORMANT_SIGHT_M)]).unwrap_or_default()
            }
            Role::Team(name) => team_points(&|t: &Team| &t.name == name),
            Role::Command(township) => {
                // Villages that reported see for the command post; so do its own teams (radio).
                let mut pts: Vec<(Xy, f64)> = self
                    .reports
                    .iter()
                    .filter(|r| self.in_jurisdiction(role, r.village))
                    .map(|r| (self.villages[r.village].pos, INFORMANT_SIGHT_M))
                    .collect();
                pts.extend(team_points(&|t: &Team| township.is_none() || t.township == *township));
                pts
            }
            Role::County => {
                let mut pts: Vec<(Xy, f64)> = self
                    .reports
                    .iter()
                    .filter(|r| self.reported_up.iter().any(|up| self.in_jurisdiction(up, r.village)))
                    .map(|r| (self.villages[r.village].pos, INFORMANT_SIGHT_M))
                    .collect();
                pts.extend(team_points(&|t: &Team| t.township.is_none()));
                pts
            }
        }
    }

    fn in_jurisdiction(&self, role: &Role, vi: usize) -> bool {
        match role {
            Role::Command(Some(t)) => self.villages[vi].township.as_ref() == Some(t),
            Role::Informant(v) => self.village_index(v) == Some(vi),
            Role::Team(_) => false,
            _ => true,
        }
    }

    /// The level a role lives under: its own, its township's, or the highest for the controller.
    fn level_for(&self, role: &Role) -> Option<Level> {
        match role {
            Role::Command(_) | Role::County => self.levels.get(role).copied(),
            Role::Controller => self.levels.values().max().copied(),
            Role::Informant(v) => {
                let township = self.village_index(v).and_then(|i| self.villages[i].township.clone());
                self.levels.get(&Role::Command(township)).or(self.levels.get(&Role::Command(None))).copied()
            }
            Role::Team(name) => {
                let township = self.teams.iter().find(|t| &t.name == name).and_then(|t| t.township.clone());
                match township {
                    Some(t) => self.levels.get(&Role::Command(Some(t))).copied(),
                    None => self.levels.get(&Role::County).copied(),
                }
                .or(self.levels.get(&Role::Command(None)).copied())
            }
        }
    }

    /// What `role` may see now.
    pub fn view(&self, role: &Role) -> RoleView {
        let all = matches!(role, Role::Controller);
        let sight = self.sight_points(role);
        let grid = &self.map.grid;
        let sees = |p: Xy| all || sight.iter().any(|&(at, r)| dist(at, p) <= r);
        let hazard = self.hazard_now.iter().filter(|h| sees(grid.cell_centre(h.cell as usize))).copied().collect();
        let knows_numbers = |vi: usize| match role {
            Role::Controller | Role::County => true,
            Role::Command(_) | Role::Informant(_) => self.in_jurisdiction(role, vi),
            Role::Team(_) => false,
        };
        let villages = self
            .villages
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let k = knows_numbers(i);
                VillageView {
                    name: v.name.clone(),
                    name_zh: v.name_zh.clone(),
                    pos: v.pos,
                    township: v.township.clone(),
                    shelter: v.shelter.and_then(|i| self.shelters.get(i)).map(|s| s.name.clone()),
                    population: v.population,
                    at_home: k.then_some(v.at_home + v.trapped),
                    in_shelter: k.then_some(v.in_shelter),
                    casualties: k.then_some(v.casualties),
                    warned: v.warned,
                    evacuation_ordered: v.evacuation_ordered,
                }
            })
            .collect();
        let roads = &self.map.features.roads;
        let teams = self
            .teams
            .iter()
            .filter(|t| match role {
                Role::Controller | Role::County => true,
                Role::Command(township) => township.is_none() || t.township == *township,
                Role::Team(name) => &t.name == name,
                Role::Informant(_) => sees(t.pos),
            })
            .map(|t| TeamView {
                name: t.name.clone(),
                kind_zh: team_kind_zh(t.kind).into(),
                size: t.size,
                pos: t.pos,
                state: match (&t.activity, t.job) {
                    (Activity::Mustering { .. }, Some((v, task))) => {
                        TeamState::Mustering { village: self.villages[v].name.clone(), task }
                    }
                    (Activity::Moving { .. }, Some((v, task))) => {
                        TeamState::EnRoute { village: self.villages[v].name.clone(), task, eta_s: t.eta_s(roads) }
                    }
                    (Activity::Working { .. }, Some((v, task))) => {
                        TeamState::Working { village: self.villages[v].name.clone(), task }
                    }
                    (Activity::Blocked, Some((v, _))) => TeamState::Blocked { village: self.villages[v].name.clone() },
                    _ => TeamState::Idle,
                },
            })
            .collect();
        let reports = self
            .reports
            .iter()
            .filter(|r| match role {
                Role::Controller | Role::County => true,
                Role::Command(_) => self.in_jurisdiction(role, r.village),
                Role::Informant(_) | Role::Team(_) => &r.by == role,
            })
            .map(|r| ReportView {
                id: r.id,
                t_s: r.t_s,
                by: r.by.clone(),
                village: self.villages[r.village].name.clone(),
                hazard: r.hazard,
                note: r.note.clone(),
                acknowledged: r.acknowledged,
            })
            .collect();
        let monitoring = matches!(role, Role::Controller | Role::County | Role::Command(_));
        let gauges = self
            .gauges
            .iter()
            .filter(|g| monitoring || sees(g.pos))
            .map(|g| GaugeView { name: g.name.clone(), pos: g.pos, depth_m: g.depth_m, stage: g.stage })
            .collect();
        let messages = self.messages.iter().filter(|(to, _)| to == role || all).map(|(_, m)| m.clone()).collect();
        let closed_roads = self
            .closed
            .iter()
            .enumerate()
            .filter(|(e, c)| {
                **c != 0 && (!matches!(role, Role::Informant(_)) || sees(roads.nodes[roads.edges[*e].a as usize]))
            })
            .map(|(e, _)| e as u32)
            .collect();
        let w = self.weather_now();
        RoleView {
            role: role.clone(),
            t_s: self.t_s,
            duration_s: self.duration_s(),
            finished: self.is_finished(),
            level: self.level_for(role),
            weather: WeatherView {
                rain_mm_per_h: w.rain_mm_per_h as f32,
                rain_last_6h_mm: self.rain_over(6.0) as f32,
                wind_m_per_s: w.wind_m_per_s as f32,
                wind_from_deg: w.wind_from_deg as f32,
                temperature_c: w.temperature_c as f32,
                humidity_percent: w.humidity_percent as f32,
            },
            hazard,
            villages,
            teams,
            reports,
            gauges,
            messages,
            orders: OrderKind::allowed_for(role).to_vec(),
            closed_roads,
        }
    }

    /// Whether the fire at a cell is burning (for bots and tests that probe the truth).
    pub fn fire_burning_at(&self, cell: usize) -> bool {
        self.fire.as_ref().is_some_and(|f| f.state[cell] == CellFire::Burning)
    }
}

fn team_kind_zh(kind: crate::scenario::TeamKind) -> &'static str {
    use crate::scenario::TeamKind::*;
    match kind {
        Township => "乡镇综合应急救援队",
        Village => "村级应急队伍",
        CountyProfessional => "县专业救援队",
        FireBrigade => "森林消防队",
        Volunteer => "志愿者队伍",
    }
}
