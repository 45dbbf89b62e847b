//! Gauges and inflows off the river, and what a gauge's stages mean in the model.
//!
//! A gauge reads, and an inflow pours into, the lowest channel cell (draining 0.5 km² or more)
//! within [`CHANNEL_SNAP_M`] of its point (`world::hazards::snap_to_channel`). One placed more
//! than one cell off a channel is where an author's coordinates and the model's river disagree:
//! beyond the snap radius a gauge never reads anything, and the levels hanging on it never
//! trigger; within it, it reads a river cell the author did not pick.

use crate::hazard::flood::Flood;
use crate::map::{TerrainGrid, Xy};
use crate::scenario::{GaugeSpec, StageDatum, resolve_place};
use crate::world::World;
use crate::world::hazards::{CHANNEL_SNAP_M, snap_to_channel};

use super::{Note, Warning, WarningKind, lonlat, metres};

/// How far to look for the nearest channel to name it, m.
const SEARCH_M: f64 = 5000.0;
/// A stage this far above the model's bed is never met by any flood of a township's rivers.
const NEVER_MET_M: f64 = 30.0;

pub(super) fn check(world: &World, out: &mut Vec<Warning>) -> Vec<Note> {
    let (Some(spec), Some(flood)) = (&world.scenario.hazards.flood, &world.hazards.flood) else { return Vec::new() };
    let grid = &world.map.grid;
    for (i, inflow) in spec.inflows.iter().enumerate() {
        if let Some(xy) = resolve_place(&inflow.at, &world.map) {
            let path = format!("hazards.flood.inflows[{i}].at");
            out.extend(off_channel(world, &flood.model, xy, path, ("入流", "inflow"), &inflow.name));
        }
    }
    let mut notes = Vec::new();
    for (i, g) in spec.gauges.iter().enumerate() {
        let path = format!("hazards.flood.gauges[{i}]");
        if let Some(xy) = resolve_place(&g.at, &world.map) {
            out.extend(off_channel(world, &flood.model, xy, format!("{path}.at"), ("水位站", "gauge"), &g.name));
        }
        let Some(gauge) = world.hazards.gauges.get(i) else { continue };
        let bed = flood.model.bed_m(gauge.cell).unwrap_or(grid.elevation_m[gauge.cell] as f64);
        let depths = g.depths_above_bed(bed);
        notes.push(stage_note(world, g, gauge.cell, bed, depths, &path));
        out.extend(stages_out_of_reach(g, bed, depths, &path));
    }
    notes
}

/// The nearest channel cell to `xy` within [`SEARCH_M`], and its distance, m.
fn nearest_channel(flood: &Flood, grid: &TerrainGrid, xy: Xy) -> Option<(usize, f64)> {
    let centre = grid.cell_at(xy)?;
    let r = (SEARCH_M / grid.cell_size_m).ceil() as i32;
    let mut best: Option<(usize, f64)> = None;
    for dr in -r..=r {
        for dc in -r..=r {
            if let Some(c) = crate::hazard::neighbour(grid.cols, grid.rows, centre, dc, dr)
                && flood.is_channel(c)
            {
                let d = crate::world::dist(grid.cell_centre(c), xy);
                if best.is_none_or(|(_, b)| d < b) {
                    best = Some((c, d));
                }
            }
        }
    }
    best
}

/// Whether a channel cell lies in the point's cell or one of the eight around it.
fn on_channel(flood: &Flood, grid: &TerrainGrid, xy: Xy) -> bool {
    grid.cell_at(xy).is_some_and(|cell| {
        crate::world::hazards::reach_of_fire_and_debris(grid, cell).into_iter().any(|c| flood.is_channel(c))
    })
}

fn off_channel(
    world: &World,
    flood: &Flood,
    xy: Xy,
    path: String,
    (what_zh, what_en): (&str, &str),
    name: &str,
) -> Option<Warning> {
    let grid = &world.map.grid;
    if on_channel(flood, grid, xy) {
        return None;
    }
    let (nearest_zh, nearest_en) = match nearest_channel(flood, grid, xy) {
        Some((c, d)) => {
            let at = lonlat(world, grid.cell_centre(c));
            (
                format!("离最近的河道 {} (在 {at})", metres(d)),
                format!("is {} from the nearest channel (at {at})", metres(d)),
            )
        }
        None => (format!("{} 内没有河道", metres(SEARCH_M)), format!("has no channel within {}", metres(SEARCH_M))),
    };
    let gauge = what_en == "gauge";
    let (zh, en) = match snap_to_channel(flood, grid, xy) {
        Some(c) => {
            let (at, d) = (lonlat(world, grid.cell_centre(c)), metres(crate::world::dist(grid.cell_centre(c), xy)));
            (
                format!(
                    "模型改在东西、南北各 {} 内最低的河道格 {at} ({d} 外) {}, 未必是预案所指的那条河",
                    metres(CHANNEL_SNAP_M),
                    if gauge { "读数" } else { "入流" }
                ),
                format!(
                    "the model {} the lowest channel cell within {} east-west and north-south instead, {d} away at {at}, which may not be the river the plan means",
                    if gauge { "reads" } else { "pours into" },
                    metres(CHANNEL_SNAP_M)
                ),
            )
        }
        None if gauge => (
            format!(
                "模型只在东西、南北各 {} 内找河道, 该站永远读不到水位, 以它为条件的级别和插话都不会触发",
                metres(CHANNEL_SNAP_M)
            ),
            format!(
                "the model looks for the river within {} east-west and north-south only, so the gauge never reads a stage and the levels and injects that hang on it never trigger",
                metres(CHANNEL_SNAP_M)
            ),
        ),
        None => (
            format!("模型只在东西、南北各 {} 内找河道, 入流的水从坡上该点流下, 不进河道", metres(CHANNEL_SNAP_M)),
            format!(
                "the model looks for the river within {} east-west and north-south only, so the water enters on the slope at the point and runs downhill, not down the river",
                metres(CHANNEL_SNAP_M)
            ),
        ),
    };
    Some(Warning {
        kind: WarningKind::OffChannel,
        path,
        zh: format!("{what_zh}「{name}」不在河道上: {nearest_zh}; {zh}"),
        en: format!("{what_en} {name} is off the river: it {nearest_en}; {en}"),
    })
}

/// One stage as the plan writes it, and its elevation, in Chinese and English.
fn stage_as_written(datum: StageDatum, m: f64, bed: f64) -> (String, String) {
    match datum {
        StageDatum::Bed => {
            (format!("{m:.2} m (高程 {:.2} m)", bed + m), format!("{m:.2} m ({:.2} m above sea level)", bed + m))
        }
        StageDatum::Elevation => (format!("高程 {m:.2} m"), format!("{m:.2} m above sea level")),
        StageDatum::Staff { zero_m } => (
            format!("水尺 {m:.2} m (高程 {:.2} m)", zero_m + m),
            format!("staff {m:.2} m ({:.2} m above sea level)", zero_m + m),
        ),
    }
}

const STAGES: [(&str, &str, &str); 3] =
    [("设防", "alert", "alert_m"), ("警戒", "warning", "warning_m"), ("保证", "guaranteed", "guaranteed_m")];

/// What each stage means in the model: the gauge's cell, its bed, and the depth above it.
fn stage_note(world: &World, g: &GaugeSpec, cell: usize, bed: f64, depths: [f64; 3], path: &str) -> Note {
    let stages = [g.alert_m, g.warning_m, g.guaranteed_m];
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for ((&(zh_name, en_name, _), m), d) in STAGES.iter().zip(stages).zip(depths) {
        let (wz, we) = stage_as_written(g.datum, m, bed);
        if g.datum == StageDatum::Bed {
            zh.push(format!("{zh_name} 河床以上 {wz}"));
            en.push(format!("{en_name} {we}"));
        } else {
            zh.push(format!("{zh_name} {wz} → 河床以上 {d:.2} m"));
            en.push(format!("{en_name} {we} → {d:.2} m above the bed"));
        }
    }
    let at = lonlat(world, world.map.grid.cell_centre(cell));
    Note {
        path: path.to_string(),
        zh: format!("「{}」在模型中读河道格 {at} 的水深, 该格河床高程 {bed:.2} m: {}", g.name, zh.join(", ")),
        en: format!(
            "{} reads the water depth on the channel cell at {at}, whose bed is {bed:.2} m above sea level: {}",
            g.name,
            en.join(", ")
        ),
    }
}

/// Stages at or below the bed (met at once) or far above it (never met: often a missing
/// datum), one warning per gauge and case, at the first such stage.
fn stages_out_of_reach(g: &GaugeSpec, bed: f64, depths: [f64; 3], path: &str) -> Vec<Warning> {
    let stages = [g.alert_m, g.warning_m, g.guaranteed_m];
    let mut out = Vec::new();
    for below in [true, false] {
        let hit: Vec<usize> =
            (0..3).filter(|&k| if below { depths[k] <= 0.0 } else { depths[k] > NEVER_MET_M }).collect();
        let Some(&first) = hit.first() else { continue };
        let names_zh = hit.iter().map(|&k| STAGES[k].0).collect::<Vec<_>>().join("、");
        let names_en = hit.iter().map(|&k| STAGES[k].1).collect::<Vec<_>>().join(", ");
        let (wz, we) = stage_as_written(g.datum, stages[first], bed);
        let (zh, en) = if below {
            (
                format!(
                    "「{}」的{names_zh}水位 (如 {wz}) 不高于模型河床 (高程 {bed:.2} m), 开场即达到; 75 m 格网的高程误差可达数米, 可改用水尺读数 `datum: Staff(zero_m: …)` 或河床以上水深",
                    g.name
                ),
                format!(
                    "{}'s {names_en} stage(s) (e.g. {we}) are not above the model's bed ({bed:.2} m above sea level), so they are met at the start; a 75 m grid's elevations are metres out: give staff readings with `datum: Staff(zero_m: …)` or depths above the bed",
                    g.name
                ),
            )
        } else {
            let hint = if g.datum == StageDatum::Bed {
                ("; 若写的是高程, 加 `datum: Elevation`", "; if these are elevations, add `datum: Elevation`")
            } else {
                ("", "")
            };
            (
                format!(
                    "「{}」的{names_zh}水位在河床以上 {:.1} m 起, 乡镇河流的洪水达不到, 永不触发{}",
                    g.name, depths[first], hint.0
                ),
                format!(
                    "{}'s {names_en} stage(s) stand {:.1} m or more above the bed, more than any flood of a township's river reaches, so they never trigger{}",
                    g.name, depths[first], hint.1
                ),
            )
        };
        out.push(Warning { kind: WarningKind::StageOutOfReach, path: format!("{path}.{}", STAGES[first].2), zh, en });
    }
    out
}
