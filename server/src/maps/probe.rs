//! What is at a point of a map, for a trainer placing shelters, gauges and slide points:
//! elevation, slope, land cover, the channel (the model's own D8 river network) and its drainage
//! area, the mapped river, the nearest road and village, and the depth of water over the cell
//! at river stages given as elevations (m above sea level, as plans write 警戒水位 and 保证水位).

use std::fmt::Write;

use sim::hazard::flood::drainage::Drainage;
use sim::map::{LandCover, MapAsset, RoadClass, Xy};

use super::{dist, landcover_label};

/// How far round a cell the nearest channel is looked for, in cells.
const CHANNEL_SEARCH_CELLS: i64 = 10;

/// How far round a cell the largest river is looked for, in cells.
pub const MAIN_RIVER_CELLS: i64 = 5;

/// The nearest channel cell (the model's river network: drainage area ≥ 0.5 km²).
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub col: usize,
    pub row: usize,
    /// From the point to the channel cell's centre, m (0 when the point's own cell is one).
    pub dist_m: f64,
    pub area_km2: f64,
    pub width_m: f64,
    /// The channel cell's bed in the model (the depression-filled DEM), m a.s.l.
    pub bed_m: f64,
}

/// What is at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub lon: f64,
    pub lat: f64,
    pub pos: Xy,
    pub col: usize,
    pub row: usize,
    pub cell_size_m: f64,
    pub elevation_m: f32,
    /// The cell's bed in the flood model (depression-filled DEM), m a.s.l.
    pub bed_m: f64,
    pub slope_deg: f32,
    pub landcover: LandCover,
    pub channel: Option<Channel>,
    /// The channel cell draining most within [`MAIN_RIVER_CELLS`], when it is not `channel`
    /// (a tributary's head may be nearer than the river a gauge belongs on).
    pub main_channel: Option<Channel>,
    /// The nearest mapped waterway (name or kind) and its distance, m.
    pub waterway: Option<(String, f64)>,
    /// The nearest road (name, class) and its distance, m.
    pub road: Option<(Option<String>, RoadClass, f64)>,
    /// The nearest settlement and its distance, m.
    pub village: Option<(String, f64)>,
    /// (stage m a.s.l., depth of water over the cell's bed at that stage, m; 0 = dry).
    pub stages: Vec<(f64, f64)>,
}

/// A map with its drainage worked out once, to probe many points.
pub struct Prober<'a> {
    map: &'a MapAsset,
    drainage: Drainage,
}

impl<'a> Prober<'a> {
    pub fn new(map: &'a MapAsset) -> Prober<'a> {
        Prober { map, drainage: Drainage::new(&map.grid) }
    }

    /// What is at `lon`, `lat`; an error names the map's extent when the point is off it.
    pub fn at(&self, lon: f64, lat: f64, stages: &[f64]) -> Result<Probe, String> {
        let (g, f) = (&self.map.grid, &self.map.features);
        let pos = self.map.meta.projection.to_local(lon, lat);
        let Some(cell) = g.cell_at(pos) else {
            let p = &self.map.meta.projection;
            let (w, s) = p.to_lonlat([0.0, 0.0]);
            let (e, n) = p.to_lonlat([g.width_m(), g.height_m()]);
            return Err(format!(
                "--at {lon},{lat} is off the map \"{}\", which covers lon {w:.5}–{e:.5}, lat {s:.5}–{n:.5}",
                self.map.meta.name
            ));
        };
        let (col, row) = (cell % g.cols, cell / g.cols);
        let bed_m = self.drainage.filled[cell];
        let road = (0..f.roads.edges.len())
            .map(|e| (e, f.roads.distance_to_edge(e, pos)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(e, d)| (f.roads.edges[e].name.clone(), f.roads.edges[e].class, d));
        let village = f
            .settlements
            .iter()
            .map(|s| (s, dist(s.pos, pos)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(s, d)| (s.name_zh.as_ref().map_or(s.name.clone(), |zh| format!("{zh} {}", s.name)), d));
        let waterway = f
            .waterways
            .iter()
            .map(|w| (w, w.points.windows(2).map(|p| segment_dist(p[0], p[1], pos)).fold(f64::INFINITY, f64::min)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(w, d)| (w.name.clone().unwrap_or_else(|| format!("unnamed {}", w.kind)), d));
        Ok(Probe {
            lon,
            lat,
            pos,
            col,
            row,
            cell_size_m: g.cell_size_m,
            elevation_m: g.elevation_m[cell],
            bed_m,
            slope_deg: g.slope_deg[cell],
            landcover: g.landcover[cell],
            channel: self.channel_near(col, row, pos, CHANNEL_SEARCH_CELLS, false),
            main_channel: self
                .channel_near(col, row, pos, MAIN_RIVER_CELLS, true)
                .filter(|m| self.channel_near(col, row, pos, CHANNEL_SEARCH_CELLS, false).as_ref() != Some(m)),
            waterway,
            road,
            village,
            stages: stages.iter().map(|&s| (s, (s - bed_m).max(0.0))).collect(),
        })
    }

    /// The nearest channel cell within `reach` cells, or (`largest`) the one draining most.
    fn channel_near(&self, col: usize, row: usize, pos: Xy, reach: i64, largest: bool) -> Option<Channel> {
        let g = &self.map.grid;
        let mut best: Option<Channel> = None;
        for dr in -reach..=reach {
            for dc in -reach..=reach {
                let (c, r) = (col as i64 + dc, row as i64 + dr);
                if c < 0 || r < 0 || c >= g.cols as i64 || r >= g.rows as i64 {
                    continue;
                }
                let cell = g.index(c as usize, r as usize);
                if !self.drainage.is_channel[cell] {
                    continue;
                }
                let d = if (dc, dr) == (0, 0) { 0.0 } else { dist(g.cell_centre(cell), pos) };
                let area_km2 = self.drainage.area_km2[cell];
                let better = match &best {
                    None => true,
                    Some(b) if largest => area_km2 > b.area_km2,
                    Some(b) => d < b.dist_m,
                };
                if better {
                    best = Some(Channel {
                        col: c as usize,
                        row: r as usize,
                        dist_m: d,
                        area_km2,
                        width_m: Drainage::channel_width_m(area_km2),
                        bed_m: self.drainage.filled[cell],
                    });
                }
            }
        }
        best
    }
}

/// Distance from `p` to the segment `a`–`b`, m.
fn segment_dist(a: Xy, b: Xy, p: Xy) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    dist([a[0] + t * dx, a[1] + t * dy], p)
}

fn class_label(c: RoadClass) -> &'static str {
    match c {
        RoadClass::Main => "干线 main road",
        RoadClass::Minor => "支线 minor road",
        RoadClass::Track => "机耕路 track",
        RoadClass::Path => "步道 path",
    }
}

/// The tag of `map probe --json`'s output; bumped when a field changes meaning or goes away
/// (new fields may be added under the same tag).
pub const JSON_FORMAT: &str = "sandtable-probe/1";

/// `map probe --json`: the answers for every `--at`, in order, under the map's name.
pub fn json(map: &str, probes: &[Probe]) -> serde_json::Value {
    serde_json::json!({
        "format": JSON_FORMAT,
        "map": map,
        "points": probes.iter().map(Probe::json).collect::<Vec<_>>(),
    })
}

fn channel_json(c: &Channel) -> serde_json::Value {
    serde_json::json!({
        "col": c.col, "row": c.row, "dist_m": c.dist_m, "area_km2": c.area_km2,
        "width_m": c.width_m, "bed_m": c.bed_m,
    })
}

fn road_class_key(c: RoadClass) -> &'static str {
    match c {
        RoadClass::Main => "main",
        RoadClass::Minor => "minor",
        RoadClass::Track => "track",
        RoadClass::Path => "path",
    }
}

impl Probe {
    /// The answer as a program reads it: named fields, metres and degrees, `null` for none
    /// (docs/import-map.md, "map probe --json").
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "lon": self.lon,
            "lat": self.lat,
            "x_m": self.pos[0],
            "y_m": self.pos[1],
            "col": self.col,
            "row": self.row,
            "cell_size_m": self.cell_size_m,
            "elevation_m": self.elevation_m,
            "bed_m": self.bed_m,
            "slope_deg": self.slope_deg,
            "landcover": self.landcover,
            "channel": self.channel.as_ref().map(channel_json),
            "main_channel": self.main_channel.as_ref().map(channel_json),
            "waterway": self.waterway.as_ref().map(|(name, d)| serde_json::json!({"name": name, "dist_m": d})),
            "road": self.road.as_ref().map(|(name, class, d)| {
                serde_json::json!({"name": name, "class": road_class_key(*class), "dist_m": d})
            }),
            "village": self.village.as_ref().map(|(name, d)| serde_json::json!({"name": name, "dist_m": d})),
            "stages": self.stages.iter().map(|(stage, depth)| {
                serde_json::json!({"stage_m": stage, "depth_m": depth})
            }).collect::<Vec<_>>(),
        })
    }

    /// The answer as a trainer reads it, Chinese first.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "位置 / at: lon {:.5}, lat {:.5} = map x {:.0} m, y {:.0} m; cell col {}, row {}",
            self.lon, self.lat, self.pos[0], self.pos[1], self.col, self.row
        );
        let _ = writeln!(
            out,
            "高程 / elevation: {:.1} m (flood model bed {:.1} m, depressions filled)",
            self.elevation_m, self.bed_m
        );
        let _ = writeln!(out, "坡度 / slope: {:.1}°", self.slope_deg);
        let _ = writeln!(out, "地表 / land cover: {}", landcover_label(self.landcover));
        match &self.channel {
            Some(c) if c.dist_m == 0.0 => {
                let _ = writeln!(
                    out,
                    "河道 / channel: on this cell; drainage area {:.1} km², channel about {:.0} m wide, bed {:.1} m",
                    c.area_km2, c.width_m, c.bed_m
                );
            }
            Some(c) => {
                let _ = writeln!(
                    out,
                    "河道 / channel: nearest channel cell {:.0} m away (col {}, row {}); drainage area {:.1} km², bed {:.1} m{}",
                    c.dist_m,
                    c.col,
                    c.row,
                    c.area_km2,
                    c.bed_m,
                    if c.dist_m > self.cell_size_m * 1.5 {
                        " (a gauge or inflow here would be off the channel)"
                    } else {
                        ""
                    }
                );
            }
            None => {
                let _ = writeln!(out, "河道 / channel: none within {CHANNEL_SEARCH_CELLS} cells");
            }
        }
        if let Some(c) = &self.main_channel {
            let _ = writeln!(
                out,
                "主河道 / largest channel nearby: {:.0} m away (col {}, row {}); drainage area {:.1} km², about {:.0} m wide, bed {:.1} m",
                c.dist_m, c.col, c.row, c.area_km2, c.width_m, c.bed_m
            );
        }
        if let Some((name, d)) = &self.waterway {
            let _ = writeln!(out, "水系 / mapped waterway: {name}, {d:.0} m");
        }
        match &self.road {
            Some((name, class, d)) => {
                let _ = writeln!(
                    out,
                    "道路 / nearest road: {} ({}), {d:.0} m",
                    name.as_deref().unwrap_or("unnamed"),
                    class_label(*class)
                );
            }
            None => {
                let _ = writeln!(out, "道路 / nearest road: the map has none");
            }
        }
        if let Some((name, d)) = &self.village {
            let _ = writeln!(out, "村庄 / nearest settlement: {name}, {d:.0} m");
        }
        for (stage, depth) in &self.stages {
            if *depth > 0.0 {
                let _ = writeln!(out, "水位 / stage {stage:.2} m a.s.l.: {depth:.2} m of water over this cell's bed");
            } else {
                let _ = writeln!(
                    out,
                    "水位 / stage {stage:.2} m a.s.l.: dry here (the bed is {:.2} m higher)",
                    self.bed_m - stage
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn andorra() -> MapAsset {
        sim::map::load_map(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/maps/andorra")).unwrap()
    }

    #[test]
    fn probes_known_cells_of_the_shipped_map() {
        let map = andorra();
        let prober = Prober::new(&map);
        let g = &map.grid;
        // The centre of Andorra la Vella: built up, on the valley floor, the town itself nearest.
        let alv = map.settlement("Andorra la Vella").unwrap();
        let (lon, lat) = map.meta.projection.to_lonlat(alv.pos);
        let p = prober.at(lon, lat, &[]).unwrap();
        let cell = g.cell_at(alv.pos).unwrap();
        assert_eq!((p.col, p.row), (cell % g.cols, cell / g.cols));
        assert_eq!(
            (p.elevation_m, p.slope_deg, p.landcover),
            (g.elevation_m[cell], g.slope_deg[cell], LandCover::Urban)
        );
        assert!((1000.0..1060.0).contains(&p.elevation_m), "{}", p.elevation_m);
        let (village, d) = p.village.clone().unwrap();
        assert!(village.contains("Andorra la Vella") && d < 1.0, "{village} {d}");
        assert!(p.road.as_ref().unwrap().2 < 100.0, "{:?}", p.road);

        // Sant Julià de Lòria, beside the Gran Valira: the river drains most of the country
        // (about 430 km² in the model's D8 network; the real basin at the border is ~500 km²).
        let p = prober.at(1.4915, 42.4640, &[]).unwrap();
        let river = p.main_channel.clone().or(p.channel.clone()).unwrap();
        assert!((350.0..560.0).contains(&river.area_km2), "{river:?}");
        assert!(river.dist_m < 550.0, "{river:?}");
        assert_eq!(p.waterway.as_ref().unwrap().0, "Valira");

        // Stages as elevations: 2 m above the cell's bed is 2 m of water; below it, dry.
        let p = prober.at(lon, lat, &[]).unwrap();
        let p = prober.at(lon, lat, &[p.bed_m + 2.0, p.bed_m - 1.0]).unwrap();
        assert!((p.stages[0].1 - 2.0).abs() < 1e-9 && p.stages[1].1 == 0.0, "{:?}", p.stages);
        assert!(p.text().contains("2.00 m of water") && p.text().contains("dry here"), "{}", p.text());

        // High pasture north-east of Encamp: grass on a steep slope, no channel near.
        let p = prober.at(1.65, 42.60, &[]).unwrap();
        assert_eq!(p.landcover, LandCover::Grass);
        assert!(p.slope_deg > 15.0 && p.elevation_m > 2200.0 && p.channel.is_none(), "{p:?}");
        assert!(p.text().contains("草地 grass") && p.text().contains("高程 / elevation"));

        // The machine-readable form names every field; a point with no channel near has null.
        let j = json("andorra", std::slice::from_ref(&p));
        assert_eq!(j["format"], JSON_FORMAT);
        let q = &j["points"][0];
        assert_eq!(q["landcover"], "Grass");
        assert_eq!(q["channel"], serde_json::Value::Null);
        assert_eq!(q["elevation_m"].as_f64(), Some(f64::from(p.elevation_m)));
        assert!(q["road"]["dist_m"].as_f64().is_some_and(|d| d > 0.0) && q["road"]["class"].is_string(), "{q}");
        assert!(q["village"]["name"].is_string() && q["stages"].as_array().is_some_and(Vec::is_empty), "{q}");

        let off = prober.at(5.0, 5.0, &[]).unwrap_err();
        assert!(off.contains("off the map") && off.contains("1.39958"), "{off}");
    }
}
