//! `World::step`: one tick of the drill, in the order given in the module docs of `world`.

use super::*;
use crate::hazard::fire::{CellFire, FireWeather};
use crate::hazard::neighbour;
use crate::scenario::{InjectEvent, WeatherPoint};
use crate::view::HazardCellKind;

impl World {
    /// Advances one tick (`scenario.tick_s` simulated seconds); returns the events of this tick.
    pub fn step(&mut self) -> &[Event] {
        let first = self.events.len();
        if self.is_finished() {
            return &self.events[first..];
        }
        let tick = self.scenario.tick_s;
        let weather = self.weather_now();
        let rain = weather.rain_mm_per_h + self.cloudburst_mm_per_h();
        self.t_s += tick;
        self.rain_mm.push((rain * tick as f64 / 3600.0) as f32);
        self.step_flood(rain);
        self.step_fire(&weather);
        self.step_slopes();
        self.update_roads();
        self.update_gauges();
        self.step_villages();
        self.step_teams();
        self.collect_hazard_cells();
        self.notice_hazards();
        self.check_levels();
        self.deliver_injects();
        if self.is_finished() {
            self.emit(EventKind::DrillEnded);
        }
        &self.events[first..]
    }

    /// The weather point in force now (points hold until the next one).
    pub(crate) fn weather_now(&self) -> WeatherPoint {
        let t_min = self.t_s as f64 / 60.0;
        self.scenario
            .weather
            .iter()
            .rev()
            .find(|w| w.at_min <= t_min)
            .or(self.scenario.weather.first())
            .cloned()
            .unwrap_or(WeatherPoint {
                at_min: 0.0,
                rain_mm_per_h: 0.0,
                wind_m_per_s: 0.0,
                wind_from_deg: 0.0,
                temperature_c: 20.0,
                humidity_percent: 60.0,
            })
    }

    fn cloudburst_mm_per_h(&self) -> f64 {
        self.cloudbursts.iter().filter(|(until, _)| *until > self.t_s).map(|(_, r)| r).sum()
    }

    /// Rain over the last `hours`, mm.
    pub(crate) fn rain_over(&self, hours: f64) -> f64 {
        let ticks = ((hours * 3600.0) / self.scenario.tick_s as f64).ceil() as usize;
        self.rain_mm.iter().rev().take(ticks).map(|&r| r as f64).sum()
    }

    fn step_flood(&mut self, rain_mm_per_h: f64) {
        let Some(flood) = &mut self.flood else { return };
        let spec = self.scenario.hazards.flood.as_ref().expect("flood model only exists with a flood spec");
        let tick = self.scenario.tick_s as f64;
        let t_min = self.t_s as f64 / 60.0;
        let inflows: Vec<(usize, f64)> = self
            .inflow_cells
            .iter()
            .map(|&(cell, i)| (cell, hydrograph_at(&spec.inflows[i].hydrograph, t_min) * tick))
            .collect();
        flood.step(tick, rain_mm_per_h, spec.runoff_fraction, &inflows);
    }

    fn step_fire(&mut self, w: &WeatherPoint) {
        let Some(fire) = &mut self.fire else { return };
        let spec = self.scenario.hazards.fire.as_ref().expect("fire model only exists with a fire spec");
        let mut started = Vec::new();
        for (i, ig) in spec.ignitions.iter().enumerate() {
            if !self.ignitions_done[i] && ig.at_min * 60.0 <= self.t_s as f64 {
                self.ignitions_done[i] = true;
                if let Some(xy) = resolve_place(&ig.at, &self.map)
                    && let Some(cell) = self.map.grid.cell_at(xy)
                {
                    // Ignite the nearest burnable cell: an ignition point on a road or stream still starts a fire.
                    let target = (0..=2)
                        .flat_map(|r: i32| (-r..=r).flat_map(move |dr| (-r..=r).map(move |dc| (dc, dr))))
                        .filter_map(|(dc, dr)| neighbour(self.map.grid.cols, self.map.grid.rows, cell, dc, dr))
                        .find(|&c| fire.state[c] == CellFire::Unburned);
                    if let Some(c) = target
                        && fire.ignite(c)
                    {
                        started.push(ig.at.clone());
                    }
                }
            }
        }
        let weather = FireWeather {
            wind_m_per_s: w.wind_m_per_s,
            wind_from_deg: w.wind_from_deg,
            humidity_percent: w.humidity_percent,
            rain_mm_per_h: w.rain_mm_per_h,
        };
        fire.step(&self.map.grid, self.scenario.tick_s as f64 / 60.0, weather);
        for at in started {
            if self.fire_started_s.is_none() {
                self.fire_started_s = Some(self.t_s);
            }
            let near = self.nearest_village_name(resolve_place(&at, &self.map).unwrap_or([0.0, 0.0]));
            self.emit(EventKind::HazardStarted { hazard: HazardKind::Fire, near });
        }
    }

    /// Landslides: this tick's rain moves each point's water table; signs and failures become
    /// events, signs also a message to the monitors (informants) of the villages below.
    fn step_slopes(&mut self) {
        let tick_h = self.scenario.tick_s as f64 / 3600.0;
        let rain_mm_per_h = self.rain_mm.last().map_or(0.0, |&r| r as f64 / tick_h);
        let mut new_events = Vec::new();
        let mut monitors = Vec::new();
        for (name, point, threatened) in &mut self.slopes {
            let change = point.step(rain_mm_per_h, tick_h);
            if change.signs {
                new_events.push(EventKind::SlopeSigns { point: name.clone() });
                monitors.extend(threatened.iter().map(|&vi| (vi, name.clone(), point.factor_of_safety)));
            }
            if change.failed {
                for c in point.runout_cells(&self.map.grid) {
                    self.debris[c] = true;
                }
                new_events.push(EventKind::SlopeFailed { point: name.clone() });
            }
        }
        for (vi, point, fs) in monitors {
            let text = format!("监测员报告: {point} 出现裂缝、蠕滑迹象 / cracks and creep at {point} (FS {fs:.2})");
            self.messages.push((Role::Informant(self.villages[vi].name.clone()), MessageView { t_s: self.t_s, text }));
        }
        for e in new_events {
            if let EventKind::SlopeFailed { point } = &e {
                let near = self
                    .slopes
                    .iter()
                    .find(|(n, _, _)| n == point)
                    .map(|(_, p, _)| self.nearest_village_name(p.pos))
                    .unwrap_or_default();
                self.emit(EventKind::HazardStarted { hazard: HazardKind::Landslide, near });
            }
            self.emit(e);
        }
    }

    fn update_roads(&mut self) {
        let mut newly = Vec::new();
        for (e, cells) in self.edge_cells.iter().enumerate() {
            let mut why = self.closed[e] & closure::BLOCKED;
            for &c in cells {
                let c = c as usize;
                if let Some(f) = &self.flood
                    && f.depth_m[c] >= ROAD_CUT_DEPTH_M
                {
                    why |= closure::WATER;
                }
                // A burning cell closes the road, and a burned one for a while after (`hazard::fire`).
                if let Some(f) = &self.fire
                    && f.closes_road(c)
                {
                    why |= closure::FIRE;
                }
                if self.debris.get(c).copied().unwrap_or(false) {
                    why |= closure::DEBRIS;
                }
            }
            // Debris stays until a team clears it.
            why |= self.closed[e] & closure::DEBRIS;
            if why != 0 && self.closed[e] == 0 {
                let cause = if why & closure::WATER != 0 {
                    HazardKind::Flood
                } else if why & closure::FIRE != 0 {
                    HazardKind::Fire
                } else {
                    HazardKind::Landslide
                };
                newly.push((e as u32, cause));
            }
            self.closed[e] = why;
        }
        for (edge, cause) in newly {
            self.emit(EventKind::RoadClosed { edge, cause });
        }
    }

    fn update_gauges(&mut self) {
        let Some(flood) = &self.flood else { return };
        let mut new_events = Vec::new();
        for g in &mut self.gauges {
            g.depth_m = flood.channel_depth_m[g.cell];
            let stage = g.stages.iter().rev().find(|(_, m)| g.depth_m as f64 >= *m).map(|(s, _)| *s);
            if stage > g.stage {
                new_events.push(EventKind::GaugeStage {
                    gauge: g.name.clone(),
                    stage: stage.expect("higher than a stage"),
                    depth_m: g.depth_m,
                });
            }
            g.stage = stage;
        }
        for e in new_events {
            self.emit(e);
        }
    }

    fn step_villages(&mut self) {
        let (now, tick) = (self.t_s, self.scenario.tick_s);
        let mut new_events = Vec::new();
        for i in 0..self.villages.len() {
            let cell = self.villages[i].cell;
            let grid = &self.map.grid;
            let around: Vec<usize> = (-1..=1)
                .flat_map(|dr| (-1..=1).map(move |dc| (dc, dr)))
                .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
                .collect();
            let mut hits = Vec::new();
            // Dangerous water by its FD2320 rating (depth and speed), see `people`.
            if let Some(f) = &self.flood {
                let rating = f.hazard_rating(cell);
                if rating >= people::FLOOD_DANGER_RATING {
                    hits.push((HazardKind::Flood, rating));
                }
            }
            if let Some(f) = &self.fire
                && around.iter().any(|&c| f.state[c] == CellFire::Burning)
            {
                hits.push((HazardKind::Fire, 0.0));
            }
            if !self.debris.is_empty() && around.iter().any(|&c| self.debris[c]) {
                hits.push((HazardKind::Landslide, 0.0));
            }
            let v = &mut self.villages[i];
            for (hazard, depth) in hits {
                if !v.hit_by.contains(&hazard) {
                    let (casualties, trapped) = v.hit(hazard, depth);
                    new_events.push(EventKind::VillageHit { village: v.name.clone(), hazard, casualties, trapped });
                }
            }
            if v.step_evacuation(now, tick) && !v.evacuated_event_sent {
                v.evacuated_event_sent = true;
                new_events.push(EventKind::VillageEvacuated { village: v.name.clone(), people: v.in_shelter });
            }
        }
        for e in new_events {
            self.emit(e);
        }
    }

    fn step_teams(&mut self) {
        let (now, tick) = (self.t_s, self.scenario.tick_s);
        let closed = self.closed.clone();
        let is_closed = move |e: u32| closed[e as usize] != 0;
        let mut new_events = Vec::new();
        for ti in 0..self.teams.len() {
            let target = self.teams[ti].job.and_then(|(v, _)| self.villages[v].road_node);
            let update = self.teams[ti].step(now, tick, &self.map.features.roads, target, &is_closed);
            let Some((vi, task)) = self.teams[ti].job else { continue };
            let (team, village) = (self.teams[ti].name.clone(), self.villages[vi].name.clone());
            match update {
                teams::TeamUpdate::Arrived => {
                    if task == Task::Evacuate {
                        self.villages[vi].team_helping = true;
                    }
                    new_events.push(EventKind::TeamArrived { team, village });
                }
                teams::TeamUpdate::TaskDone => {
                    if let Some(e) = self.finish_task(ti, vi, task) {
                        new_events.push(e);
                    }
                    new_events.push(EventKind::TeamTaskDone { team, village, task });
                    self.teams[ti].job = None;
                }
                teams::TeamUpdate::CannotReach => new_events.push(EventKind::TeamCannotReach { team, village }),
                _ => {}
            }
        }
        for e in new_events {
            self.emit(e);
        }
    }

    /// What a finished task does to the world.
    fn finish_task(&mut self, team: usize, vi: usize, task: Task) -> Option<EventKind> {
        let grid = &self.map.grid;
        let cell = self.villages[vi].cell;
        let ring = |lo: i32, hi: i32| -> Vec<usize> {
            (-hi..=hi)
                .flat_map(|dr| (-hi..=hi).map(move |dc| (dc, dr)))
                .filter(|(dc, dr)| dc.abs().max(dr.abs()) >= lo)
                .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
                .collect()
        };
        match task {
            Task::Sandbag => {
                // A 1 m sandbag line around the village block; water tops it above that.
                if let Some(f) = &mut self.flood {
                    f.sandbag(&ring(0, 1), 1.0);
                }
                None
            }
            Task::Firebreak => {
                // Cut a break around the village and attack what burns inside it directly, where
                // the flames are within the crew's reach (`hazard::fire` documents the limits).
                let reach = if self.teams[team].kind == crate::scenario::TeamKind::FireBrigade {
                    crate::hazard::fire::ENGINE_FLAME_M
                } else {
                    crate::hazard::fire::HAND_CREW_FLAME_M
                };
                if let Some(f) = &mut self.fire {
                    for c in ring(2, 3) {
                        f.remove_fuel(c);
                    }
                    for c in ring(0, 3) {
                        f.attack(c, reach);
                    }
                    f.replan_after_suppression();
                }
                None
            }
            Task::Rescue => {
                let people = self.villages[vi].rescue(self.t_s);
                (people > 0).then(|| EventKind::Rescued {
                    village: self.villages[vi].name.clone(),
                    people,
                    team: self.teams[team].name.clone(),
                })
            }
            Task::ClearRoad => {
                let here = self.villages[vi].pos;
                let nodes = &self.map.features.roads.nodes;
                for (e, edge) in self.map.features.roads.edges.iter().enumerate() {
                    if dist(nodes[edge.a as usize], here).min(dist(nodes[edge.b as usize], here)) < 1000.0 {
                        self.closed[e] &= !(closure::BLOCKED | closure::DEBRIS);
                    }
                }
                None
            }
            Task::Pump => {
                // The team sets up a pump on the village cell and leaves it running with its
                // operators; pumps add up when several are set up.
                if let Some(f) = &mut self.flood {
                    self.pumps.push((cell, PUMP_M3_PER_S));
                    f.set_pumps(&self.pumps);
                }
                None
            }
            Task::Evacuate => None,
        }
    }

    /// The truth of this tick as hazard cells, for the views to filter.
    fn collect_hazard_cells(&mut self) {
        let mut cells = Vec::new();
        if let Some(f) = &self.flood {
            for (c, &d) in f.depth_m.iter().enumerate() {
                if d >= ROAD_CUT_DEPTH_M {
                    cells.push(HazardCell {
                        cell: c as u32,
                        kind: HazardCellKind::Water,
                        amount: (d * 100.0).min(u16::MAX as f32) as u16,
                    });
                }
                if f.barrier_m[c] > 0.0 {
                    cells.push(HazardCell {
                        cell: c as u32,
                        kind: HazardCellKind::Barrier,
                        amount: (f.barrier_m[c] * 100.0) as u16,
                    });
                }
            }
        }
        if let Some(f) = &self.fire {
            for (c, s) in f.state.iter().enumerate() {
                let kind = match s {
                    CellFire::Burning => HazardCellKind::Burning,
                    CellFire::Burned => HazardCellKind::Burned,
                    CellFire::NoFuel
                        if self.map.grid.landcover[c] != crate::map::LandCover::Water
                            && self.map.grid.landcover[c] != crate::map::LandCover::BareRock =>
                    {
                        HazardCellKind::Barrier
                    }
                    _ => continue,
                };
                cells.push(HazardCell { cell: c as u32, kind, amount: 255 });
            }
        }
        for (c, &d) in self.debris.iter().enumerate() {
            if d {
                cells.push(HazardCell { cell: c as u32, kind: HazardCellKind::Debris, amount: 30 });
            }
        }
        self.hazard_now = cells;
    }

    fn deliver_injects(&mut self) {
        for i in 0..self.scenario.injects.len() {
            if self.injects_done[i] {
                continue;
            }
            let inject = self.scenario.injects[i].clone();
            let due = match (&inject.at_min, &inject.when) {
                (Some(at), _) if *at * 60.0 <= self.t_s as f64 => true,
                (None, Some(trigger)) => self.trigger_met(trigger),
                _ => false,
            };
            if !due {
                continue;
            }
            self.injects_done[i] = true;
            if let Some(event) = &inject.event {
                self.apply_inject_event(event);
            }
            for to in self.roles_matching(&inject.to) {
                self.messages.push((to.clone(), MessageView { t_s: self.t_s, text: inject.message.clone() }));
                self.emit(EventKind::InjectDelivered { to, message: inject.message.clone() });
            }
        }
    }

    pub(crate) fn apply_inject_event(&mut self, event: &InjectEvent) {
        match event {
            InjectEvent::Ignition(place) => {
                if let (Some(fire), Some(xy)) = (&mut self.fire, resolve_place(place, &self.map))
                    && let Some(c) = self.map.grid.cell_at(xy)
                    && fire.ignite(c)
                {
                    self.fire_started_s.get_or_insert(self.t_s);
                    let near = self.nearest_village_name(xy);
                    self.emit(EventKind::HazardStarted { hazard: HazardKind::Fire, near });
                }
            }
            InjectEvent::Cloudburst { rain_mm_per_h, for_min } => {
                self.cloudbursts.push((self.t_s + (for_min * 60.0) as u32, *rain_mm_per_h));
            }
            InjectEvent::RoadBlocked(place) => {
                if let Some(xy) = resolve_place(place, &self.map) {
                    let roads = &self.map.features.roads;
                    let nearest = roads.edges.iter().enumerate().min_by(|a, b| {
                        let da = dist(roads.nodes[a.1.a as usize], xy).min(dist(roads.nodes[a.1.b as usize], xy));
                        let db = dist(roads.nodes[b.1.a as usize], xy).min(dist(roads.nodes[b.1.b as usize], xy));
                        da.total_cmp(&db)
                    });
                    if let Some((e, _)) = nearest {
                        let first = self.closed[e] == 0;
                        self.closed[e] |= closure::BLOCKED;
                        if first {
                            self.emit(EventKind::RoadClosed { edge: e as u32, cause: HazardKind::Landslide });
                        }
                    }
                }
            }
        }
    }

    /// Roles on offer that fit a pattern such as "command", "informant:*" or "team:乡镇救援队".
    fn roles_matching(&self, pattern: &str) -> Vec<Role> {
        let matching: Vec<Role> =
            self.roles.iter().filter(|r| crate::score::role_matches(pattern, r)).cloned().collect();
        match (matching.is_empty(), pattern.parse::<Role>()) {
            // A role not played in this drill still gets its message on the record.
            (true, Ok(role)) => vec![role],
            _ => matching,
        }
    }

    pub(crate) fn nearest_village_name(&self, xy: Xy) -> String {
        self.villages
            .iter()
            .min_by(|a, b| dist(a.pos, xy).total_cmp(&dist(b.pos, xy)))
            .map(|v| v.name.clone())
            .unwrap_or_default()
    }
}

/// Linear interpolation in a hydrograph, held flat beyond its ends.
fn hydrograph_at(points: &[crate::scenario::FlowPoint], t_min: f64) -> f64 {
    match points.iter().position(|p| p.at_min > t_min) {
        None => points.last().map_or(0.0, |p| p.m3_per_s),
        Some(0) => points[0].m3_per_s,
        Some(i) => {
            let (a, b) = (&points[i - 1], &points[i]);
            a.m3_per_s + (b.m3_per_s - a.m3_per_s) * (t_min - a.at_min) / (b.at_min - a.at_min)
        }
    }
}
