//! The hazards in the drill: the flood (with its inflows, gauges and pumps), the fire (with its
//! ignitions), the landslide points and their debris, and the hazard cells of the tick — the
//! truth that [`crate::access`] filters into each role's view.

use crate::hash::Fnv;
use crate::hazard::fire::{CellFire, Fire, FireWeather};
use crate::hazard::flood::Flood;
use crate::hazard::landslide::SlopePoint;
use crate::hazard::neighbour;
use crate::map::{LandCover, MapAsset, TerrainGrid, Xy};
use crate::scenario::{FlowPoint, Place, Scenario, Stage, resolve_place};
use crate::view::{HazardCell, HazardCellKind};
use crate::weather::Weather;
use crate::world::orders::HazardKind;
use crate::world::people::{FLOOD_DANGER_RATING, People};
use crate::world::{EventKind, ROAD_CUT_DEPTH_M, SetupError, dist};

/// Margin of the 2-D flood domain around the flood's places, m.
pub(crate) const FLOOD_DOMAIN_MARGIN_M: f64 = 1500.0;
/// Water this deep (cm) off the river bed is what an informant notices as flooding.
pub(crate) const NOTICED_WATER_CM: u16 = 30;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Gauge {
    pub name: String,
    pub pos: Xy,
    pub cell: usize,
    pub stages: [(Stage, f64); 3],
    pub stage: Option<Stage>,
    pub depth_m: f32,
}

#[derive(Clone)]
pub struct FloodState {
    pub model: Flood,
    /// Pumps teams have set up: (cell, m³/s).
    pumps: Vec<(usize, f64)>,
    /// (cell, index into the scenario's inflows).
    inflow_cells: Vec<(usize, usize)>,
}

#[derive(Clone)]
pub struct FireState {
    pub model: Fire,
    /// When the first ignition took.
    pub started_s: Option<u32>,
    ignitions_done: Vec<bool>,
}

/// Who sees a landslide point's signs from `from` with sight `radius`: anyone within sight, and
/// a village the point threatens wherever it is (the point's monitor reports to it). The world's
/// `HazardSeen`, the monitors' word, the briefing's hazard register and the bots all ask this.
pub fn sees_slope(point: Xy, from: Xy, radius: f64, threatens_here: bool) -> bool {
    threatens_here || dist(point, from) <= radius
}

/// [`sees_slope`] from a village at `village`, with an informant's sight.
pub fn village_sees_slope(point: Xy, village: Xy, threatens_village: bool) -> bool {
    sees_slope(point, village, super::INFORMANT_SIGHT_M, threatens_village)
}

/// A registered landslide point and the villages below it.
#[derive(Clone)]
pub struct Slope {
    pub name: String,
    pub point: SlopePoint,
    pub threatened: Vec<usize>,
}

#[derive(Clone)]
pub struct Hazards {
    pub flood: Option<FloodState>,
    pub gauges: Vec<Gauge>,
    pub fire: Option<FireState>,
    pub slopes: Vec<Slope>,
    /// Cells under landslide debris (empty without landslide points).
    pub debris: Vec<bool>,
    /// The hazard cells of the last tick.
    pub truth: Vec<HazardCell>,
}

impl Hazards {
    pub(crate) fn new(
        s: &Scenario,
        map: &MapAsset,
        seed: u64,
        people: &People,
        place: &dyn Fn(&str, &Place) -> Result<Xy, SetupError>,
    ) -> Result<Hazards, SetupError> {
        let grid = &map.grid;
        let (mut flood, mut gauges) = (None, Vec::new());
        if let Some(f) = &s.hazards.flood {
            // The 2-D flood runs on the valley around the flood's inflows, gauges and villages.
            let mut around: Vec<Xy> = people.villages.iter().map(|v| v.pos).collect();
            for (name, at) in
                f.inflows.iter().map(|i| (&i.name, &i.at)).chain(f.gauges.iter().map(|g| (&g.name, &g.at)))
            {
                around.push(place(name, at)?);
            }
            let model = Flood::around(grid, &around, FLOOD_DOMAIN_MARGIN_M);
            let mut inflow_cells = Vec::new();
            // Off the river (no channel within the snap radius) they stay where they are put:
            // `check` warns that such a gauge reads nothing.
            let snap = |xy: Xy| snap_to_channel(&model, grid, xy).or(grid.cell_at(xy)).unwrap_or(0);
            for (i, inflow) in f.inflows.iter().enumerate() {
                let xy = place(&inflow.name, &inflow.at)?;
                inflow_cells.push((snap(xy), i));
            }
            for g in &f.gauges {
                let cell = snap(place(&g.name, &g.at)?);
                let bed = model.bed_m(cell).unwrap_or(grid.elevation_m[cell] as f64);
                let [alert, warning, guaranteed] = g.depths_above_bed(bed);
                gauges.push(Gauge {
                    name: g.name.clone(),
                    pos: grid.cell_centre(cell),
                    cell,
                    stages: [(Stage::Alert, alert), (Stage::Warning, warning), (Stage::Guaranteed, guaranteed)],
                    stage: None,
                    depth_m: 0.0,
                });
            }
            flood = Some(FloodState { model, pumps: Vec::new(), inflow_cells });
        }
        let fire = s.hazards.fire.as_ref().map(|f| FireState {
            model: Fire::new(grid, f, seed),
            started_s: None,
            ignitions_done: vec![false; f.ignitions.len()],
        });
        let mut slopes = Vec::new();
        for p in s.hazards.landslide.iter().flat_map(|l| &l.points) {
            let pos = place(&p.name, &p.at)?;
            let mut threatened = Vec::new();
            for name in &p.threatens {
                let i = people.index(name).ok_or_else(|| SetupError(format!("{}: unknown village {name}", p.name)))?;
                threatened.push(i);
            }
            let towards = threatened.first().map(|&i| people.villages[i].pos).unwrap_or([pos[0], pos[1] - 1000.0]);
            let point = SlopePoint::from_spec(p, pos, towards, grid).map_err(SetupError)?;
            slopes.push(Slope { name: p.name.clone(), point, threatened });
        }
        let debris = if slopes.is_empty() { Vec::new() } else { vec![false; grid.len()] };
        Ok(Hazards { flood, gauges, fire, slopes, debris, truth: Vec::new() })
    }

    /// The flood over one tick: this tick's rain and the inflows' hydrographs at `t_s`.
    pub(crate) fn step_flood(&mut self, s: &Scenario, t_s: u32, weather: &Weather) {
        let (Some(flood), Some(spec)) = (&mut self.flood, &s.hazards.flood) else { return };
        let tick = s.tick_s as f64;
        let t_min = t_s as f64 / 60.0;
        let inflows: Vec<(usize, f64)> = flood
            .inflow_cells
            .iter()
            .map(|&(cell, i)| (cell, hydrograph_at(&spec.inflows[i].hydrograph, t_min) * tick))
            .collect();
        flood.model.step(tick, weather.rain_mm_per_h, spec.runoff_fraction, &inflows);
    }

    /// The fire over one tick: scripted ignitions due by `t_s`, then spread in this weather.
    /// Returns `HazardStarted` for the ignitions that took.
    pub(crate) fn step_fire(
        &mut self,
        s: &Scenario,
        map: &MapAsset,
        people: &People,
        t_s: u32,
        weather: &Weather,
    ) -> Vec<EventKind> {
        let (Some(fire), Some(spec)) = (&mut self.fire, &s.hazards.fire) else { return Vec::new() };
        let grid = &map.grid;
        let mut started = Vec::new();
        for (i, ig) in spec.ignitions.iter().enumerate() {
            if fire.ignitions_done[i] || ig.at_min * 60.0 > t_s as f64 {
                continue;
            }
            fire.ignitions_done[i] = true;
            if let Some(xy) = resolve_place(&ig.at, map)
                && let Some(cell) = grid.cell_at(xy)
                && let Some(c) = ignition_cell(&fire.model, grid, cell)
                && fire.model.ignite(c)
            {
                started.push(xy);
            }
        }
        let fire_weather = FireWeather {
            wind_m_per_s: weather.wind_m_per_s,
            wind_from_deg: weather.wind_from_deg,
            humidity_percent: weather.humidity_percent,
            rain_mm_per_h: weather.rain_mm_per_h,
        };
        fire.model.step(grid, s.tick_s as f64 / 60.0, fire_weather);
        if !started.is_empty() {
            fire.started_s.get_or_insert(t_s);
        }
        started
            .into_iter()
            .map(|xy| EventKind::HazardStarted { hazard: HazardKind::Fire, near: nearest_name(people, xy) })
            .collect()
    }

    /// An inject lights a fire at `xy`; `HazardStarted` if it took.
    pub(crate) fn ignite(&mut self, map: &MapAsset, people: &People, t_s: u32, xy: Xy) -> Option<EventKind> {
        let fire = self.fire.as_mut()?;
        let cell = map.grid.cell_at(xy)?;
        if !fire.model.ignite(cell) {
            return None;
        }
        fire.started_s.get_or_insert(t_s);
        Some(EventKind::HazardStarted { hazard: HazardKind::Fire, near: nearest_name(people, xy) })
    }

    /// Landslides over one tick: this tick's rain moves each point's water table. Returns the
    /// events (signs, failures) and the monitors' word to the villages below: (village, text).
    pub(crate) fn step_slopes(
        &mut self,
        grid: &TerrainGrid,
        people: &People,
        weather: &Weather,
        tick_h: f64,
    ) -> (Vec<EventKind>, Vec<(usize, String)>) {
        let mut events = Vec::new();
        let mut monitors = Vec::new();
        for slope in &mut self.slopes {
            let change = slope.point.step(weather.rain_mm_per_h, tick_h);
            let name = &slope.name;
            if change.signs {
                events.push(EventKind::SlopeSigns { point: name.clone() });
                let fs = slope.point.factor_of_safety;
                let text = format!("监测员报告: {name} 出现裂缝、蠕滑迹象 / cracks and creep at {name} (FS {fs:.2})");
                // Every village that sees the point hears its monitor, by the one rule below.
                let seers = people
                    .villages
                    .iter()
                    .enumerate()
                    .filter(|(vi, v)| village_sees_slope(slope.point.pos, v.pos, slope.threatened.contains(vi)));
                monitors.extend(seers.map(|(vi, _)| (vi, text.clone())));
            }
            if change.failed {
                for c in slope.point.runout_cells(grid) {
                    self.debris[c] = true;
                }
                let near = nearest_name(people, slope.point.pos);
                events.push(EventKind::HazardStarted { hazard: HazardKind::Landslide, near });
                events.push(EventKind::SlopeFailed { point: name.clone() });
            }
        }
        (events, monitors)
    }

    /// Gauges read the channel depth; `GaugeStage` when one rises to a higher stage.
    pub(crate) fn update_gauges(&mut self) -> Vec<EventKind> {
        let Some(flood) = &self.flood else { return Vec::new() };
        let mut events = Vec::new();
        for g in &mut self.gauges {
            g.depth_m = flood.model.channel_depth_m[g.cell];
            let stage = g.stages.iter().rev().find(|(_, m)| g.depth_m as f64 >= *m).map(|(s, _)| *s);
            if let Some(new) = stage
                && stage > g.stage
            {
                events.push(EventKind::GaugeStage { gauge: g.name.clone(), stage: new, depth_m: g.depth_m });
            }
            g.stage = stage;
        }
        events
    }

    /// What reaches a village whose cell is `cell`: dangerous water in the cell by its FD2320
    /// rating, fire or debris in the cell or the eight around it (`people` documents the rule).
    pub(crate) fn hits_at(&self, grid: &TerrainGrid, cell: usize) -> Vec<(HazardKind, f64)> {
        let around = reach_of_fire_and_debris(grid, cell);
        let mut hits = Vec::new();
        if let Some(f) = &self.flood {
            let rating = f.model.hazard_rating(cell);
            if rating >= FLOOD_DANGER_RATING {
                hits.push((HazardKind::Flood, rating));
            }
        }
        if let Some(f) = &self.fire
            && around.iter().any(|&c| f.model.state[c] == CellFire::Burning)
        {
            hits.push((HazardKind::Fire, 0.0));
        }
        if !self.debris.is_empty() && around.iter().any(|&c| self.debris[c]) {
            hits.push((HazardKind::Landslide, 0.0));
        }
        hits
    }

    /// The truth of this tick as hazard cells, for the views to filter.
    pub(crate) fn collect_cells(&mut self, grid: &TerrainGrid) {
        let mut cells = Vec::new();
        if let Some(f) = &self.flood {
            for (c, &d) in f.model.depth_m.iter().enumerate() {
                if d >= ROAD_CUT_DEPTH_M {
                    let amount = (d * 100.0).min(u16::MAX as f32) as u16;
                    cells.push(HazardCell { cell: c as u32, kind: HazardCellKind::Water, amount });
                }
                if f.model.barrier_m[c] > 0.0 {
                    let amount = (f.model.barrier_m[c] * 100.0) as u16;
                    cells.push(HazardCell { cell: c as u32, kind: HazardCellKind::Barrier, amount });
                }
            }
        }
        if let Some(f) = &self.fire {
            for (c, s) in f.model.state.iter().enumerate() {
                let kind = match s {
                    CellFire::Burning => HazardCellKind::Burning,
                    CellFire::Burned => HazardCellKind::Burned,
                    CellFire::NoFuel
                        if grid.landcover[c] != LandCover::Water && grid.landcover[c] != LandCover::BareRock =>
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
        self.truth = cells;
    }

    /// Whether `hazard` shows within `radius` of `at`: noticeable water off the river bed, open
    /// flame, or signs on a landslide point (near `at`, or above `village`).
    pub(crate) fn visible_from(
        &self,
        grid: &TerrainGrid,
        hazard: HazardKind,
        at: Xy,
        radius: f64,
        village: Option<usize>,
    ) -> bool {
        let near = |c: u32| dist(grid.cell_centre(c as usize), at) <= radius;
        match hazard {
            HazardKind::Flood => {
                self.flood.is_some()
                    && self
                        .truth
                        .iter()
                        .any(|h| h.kind == HazardCellKind::Water && h.amount >= NOTICED_WATER_CM && near(h.cell))
            }
            HazardKind::Fire => self.fire.as_ref().is_some_and(|f| f.model.burning_cells().iter().any(|&c| near(c))),
            HazardKind::Landslide => self.slopes.iter().any(|s| {
                (s.point.signs || s.point.failed)
                    && sees_slope(s.point.pos, at, radius, village.is_some_and(|vi| s.threatened.contains(&vi)))
            }),
        }
    }

    /// A sandbag line `height_m` high around the cells given; water tops it above that.
    pub(crate) fn sandbag(&mut self, cells: &[usize], height_m: f32) {
        if let Some(f) = &mut self.flood {
            f.model.sandbag(cells, height_m);
        }
    }

    /// Direct attack: puts out up to `max_cells` burning cells among `cells` whose flames are
    /// within `reach_m`; returns how many.
    pub(crate) fn attack_fire(&mut self, cells: &[usize], reach_m: f64, max_cells: usize) -> u32 {
        let Some(f) = &mut self.fire else { return 0 };
        let mut out = 0;
        for &c in cells {
            if out as usize >= max_cells {
                break;
            }
            if f.model.attack(c, reach_m) {
                out += 1;
            }
        }
        if out > 0 {
            f.model.replan_after_suppression();
        }
        out
    }

    /// A firebreak: fuel removed on `ring`, and direct attack inside `inner` where the flames
    /// are within the crew's reach (`hazard::fire` documents the limits).
    pub(crate) fn firebreak(&mut self, ring: &[usize], inner: &[usize], reach_m: f64) {
        if let Some(f) = &mut self.fire {
            for &c in ring {
                f.model.remove_fuel(c);
            }
            for &c in inner {
                f.model.attack(c, reach_m);
            }
            f.model.replan_after_suppression();
        }
    }

    /// A pump set up on `cell`, running to the end; pumps add up.
    pub(crate) fn add_pump(&mut self, cell: usize, m3_per_s: f64) {
        if let Some(f) = &mut self.flood {
            f.pumps.push((cell, m3_per_s));
            f.model.set_pumps(&f.pumps);
        }
    }

    pub(crate) fn pumped_m3(&self) -> f64 {
        self.flood.as_ref().map_or(0.0, |f| f.model.pumped_m3())
    }

    pub(crate) fn fire_burning_at(&self, cell: usize) -> bool {
        self.fire.as_ref().is_some_and(|f| f.model.state.get(cell) == Some(&CellFire::Burning))
    }

    pub(crate) fn hash_into(&self, h: &mut Fnv) {
        h.bytes(&postcard::to_allocvec(&self.gauges).unwrap_or_default());
        if let Some(f) = &self.flood {
            for d in &f.model.depth_m {
                h.bytes(&d.to_bits().to_le_bytes());
            }
        }
        if let Some(f) = &self.fire {
            h.bytes(&f.model.state.iter().map(|&s| s as u8).collect::<Vec<_>>());
        }
    }
}

fn nearest_name(people: &People, xy: Xy) -> String {
    people.nearest(xy).map(|v| v.name.clone()).unwrap_or_default()
}

/// How far from its point a gauge or an inflow looks for the river, m.
pub const CHANNEL_SNAP_M: f64 = 300.0;

/// The lowest channel cell within [`CHANNEL_SNAP_M`] of a point, where a gauge or an inflow
/// placed there sits on the river; `None` when no channel is that near (or the point is off
/// the map).
pub(crate) fn snap_to_channel(flood: &Flood, grid: &TerrainGrid, xy: Xy) -> Option<usize> {
    let centre = grid.cell_at(xy)?;
    let radius = (CHANNEL_SNAP_M / grid.cell_size_m).ceil() as i32;
    let mut best: Option<(f32, usize)> = None;
    for dr in -radius..=radius {
        for dc in -radius..=radius {
            if let Some(c) = neighbour(grid.cols, grid.rows, centre, dc, dr)
                && flood.is_channel(c)
                && best.is_none_or(|(z, _)| grid.elevation_m[c] < z)
            {
                best = Some((grid.elevation_m[c], c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The cell a scripted ignition at `cell` lights: the nearest burnable one within two cells, so
/// an ignition point on a road or stream still starts a fire; `None` when there is none.
pub(crate) fn ignition_cell(fire: &Fire, grid: &TerrainGrid, cell: usize) -> Option<usize> {
    (0..=2)
        .flat_map(|r: i32| (-r..=r).flat_map(move |dr| (-r..=r).map(move |dc| (dc, dr))))
        .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
        .find(|&c| fire.state[c] == CellFire::Unburned)
}

/// The cells whose fire or debris reaches a place in `cell`: the cell and the eight around it.
pub(crate) fn reach_of_fire_and_debris(grid: &TerrainGrid, cell: usize) -> Vec<usize> {
    (-1..=1)
        .flat_map(|dr| (-1..=1).map(move |dc| (dc, dr)))
        .filter_map(|(dc, dr)| neighbour(grid.cols, grid.rows, cell, dc, dr))
        .collect()
}

/// Linear interpolation in a hydrograph, held flat beyond its ends.
fn hydrograph_at(points: &[FlowPoint], t_min: f64) -> f64 {
    match points.iter().position(|p| p.at_min > t_min) {
        None => points.last().map_or(0.0, |p| p.m3_per_s),
        Some(0) => points[0].m3_per_s,
        Some(i) => {
            let (a, b) = (&points[i - 1], &points[i]);
            a.m3_per_s + (b.m3_per_s - a.m3_per_s) * (t_min - a.at_min) / (b.at_min - a.at_min)
        }
    }
}
