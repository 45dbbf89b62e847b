//! Landslide points whose debris cannot reach a village they threaten.
//!
//! The debris runs from the point towards the first village it threatens and stops where the
//! line falls less steeply than the travel angle of its volume (`hazard::landslide::runout`); it
//! hits a village when it lies in the village's cell or the eight around it (the world's hit
//! rule). A threatened village the run-out never reaches is never hit, whatever the rain.

use crate::hazard::landslide::reach_tangent;
use crate::world::World;
use crate::world::hazards::reach_of_fire_and_debris;

use super::{Warning, WarningKind, metres};

pub(super) fn check(world: &World, out: &mut Vec<Warning>) {
    let Some(spec) = &world.scenario.hazards.landslide else { return };
    let grid = &world.map.grid;
    for (i, (p, slope)) in spec.points.iter().zip(&world.hazards.slopes).enumerate() {
        let debris = slope.point.runout_cells(grid);
        let run_m =
            debris.iter().map(|&c| crate::world::dist(grid.cell_centre(c), slope.point.pos)).fold(0.0, f64::max);
        let angle = reach_tangent(slope.point.volume_m3).atan().to_degrees();
        for (j, &vi) in slope.threatened.iter().enumerate() {
            let v = &world.people.villages[vi];
            if reach_of_fire_and_debris(grid, v.cell).iter().any(|c| debris.contains(c)) {
                continue;
            }
            let gap =
                debris.iter().map(|&c| crate::world::dist(grid.cell_centre(c), v.pos)).fold(f64::INFINITY, f64::min);
            let to = crate::world::dist(slope.point.pos, v.pos);
            let (first_zh, first_en) = if j > 0 {
                let first = &world.people.villages[slope.threatened[0]].name;
                (
                    format!("泥石朝第一个受威胁的村「{first}」方向走, "),
                    format!("the debris heads for {first}, the first village it threatens; "),
                )
            } else {
                (String::new(), String::new())
            };
            out.push(Warning {
                kind: WarningKind::RunoutShort,
                path: format!("hazards.landslide.points[{i}].threatens[{j}]"),
                zh: format!(
                    "滑坡隐患点「{}」的泥石到不了「{}」: {first_zh}{:.0} m³ 的滑坡行程角 {angle:.0}°, 泥石最远走 {} 就停下, 离该村还有 {} (村距隐患点 {}); 它永远不会被埋。检查坐标、`volume_m3` 或受威胁的村",
                    p.name,
                    v.name,
                    slope.point.volume_m3,
                    metres(run_m),
                    metres(gap),
                    metres(to)
                ),
                en: format!(
                    "the debris of landslide point {} cannot reach {}: {first_en}a {:.0} m³ slide runs out at a travel angle of {angle:.0}° and stops after {}, {} short of the village ({} from the point), so it is never buried. Check the point, `volume_m3` or the villages it threatens",
                    p.name,
                    v.name,
                    slope.point.volume_m3,
                    metres(run_m),
                    metres(gap),
                    metres(to)
                ),
            });
        }
    }
}
