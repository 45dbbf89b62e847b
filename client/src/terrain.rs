//! Pixels for the map: the shaded terrain (hillshade from elevation, tinted by land cover, with
//! water areas filled in), computed once per map, and the hazard layer a role may see, computed
//! per view. Pure functions of the map and the view; the map view uploads them as egui textures.

use bevy_egui::egui::{Color32, ColorImage};
use sim::map::{LandCover, MapAsset, TerrainGrid, Xy};
use sim::view::{HazardCell, HazardCellKind};

/// Terrain pixels per grid cell: enough to smooth the shading and draw lakes narrower than a cell.
pub const TERRAIN_SCALE: usize = 2;

/// Sun from the north-west, 45° up: the cartographic convention (relief reads as raised).
const SUN_AZIMUTH_DEG: f64 = 315.0;
const SUN_ALTITUDE_DEG: f64 = 45.0;
/// Vertical exaggeration, so gentle valley floors still show relief.
const Z_FACTOR: f64 = 1.5;

const WATER_BLUE: Color32 = Color32::from_rgb(110, 160, 215);

fn landcover_tint(c: LandCover) -> [f32; 3] {
    match c {
        LandCover::Forest => [88.0, 132.0, 78.0],
        LandCover::Shrub => [140.0, 158.0, 98.0],
        LandCover::Grass => [178.0, 196.0, 128.0],
        LandCover::Farmland => [222.0, 212.0, 150.0],
        LandCover::Urban => [196.0, 186.0, 180.0],
        LandCover::Water => [110.0, 160.0, 215.0],
        LandCover::BareRock => [190.0, 184.0, 172.0],
        LandCover::Wetland => [130.0, 176.0, 164.0],
    }
}

/// Elevation at fractional cell coordinates (cell centres at `i + 0.5`), bilinear, clamped.
fn elevation_at(g: &TerrainGrid, x: f64, y: f64) -> f64 {
    let fx = (x - 0.5).clamp(0.0, (g.cols - 1) as f64);
    let fy = (y - 0.5).clamp(0.0, (g.rows - 1) as f64);
    let (c0, r0) = (fx.floor() as usize, fy.floor() as usize);
    let (c1, r1) = ((c0 + 1).min(g.cols - 1), (r0 + 1).min(g.rows - 1));
    let (tx, ty) = (fx - c0 as f64, fy - r0 as f64);
    let e = |c, r| g.elevation_m[g.index(c, r)] as f64;
    let top = e(c0, r0) * (1.0 - tx) + e(c1, r0) * tx;
    let bottom = e(c0, r1) * (1.0 - tx) + e(c1, r1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Hillshade in 0..=1 at fractional cell coordinates (y grows north).
fn hillshade(g: &TerrainGrid, x: f64, y: f64) -> f64 {
    let h = 0.5; // half a cell either side
    let dzdx = (elevation_at(g, x + h, y) - elevation_at(g, x - h, y)) / g.cell_size_m * Z_FACTOR;
    let dzdy = (elevation_at(g, x, y + h) - elevation_at(g, x, y - h)) / g.cell_size_m * Z_FACTOR;
    let (az, alt) = (SUN_AZIMUTH_DEG.to_radians(), SUN_ALTITUDE_DEG.to_radians());
    let light = [az.sin() * alt.cos(), az.cos() * alt.cos(), alt.sin()];
    let norm = (dzdx * dzdx + dzdy * dzdy + 1.0).sqrt();
    ((-dzdx * light[0] - dzdy * light[1] + light[2]) / norm).clamp(0.0, 1.0)
}

/// The shaded terrain of a map, `TERRAIN_SCALE` pixels per cell, north up.
pub fn terrain_image(map: &MapAsset) -> ColorImage {
    let g = &map.grid;
    let (w, h) = (g.cols * TERRAIN_SCALE, g.rows * TERRAIN_SCALE);
    if g.is_empty() {
        return ColorImage::new([1, 1], vec![Color32::GRAY]);
    }
    let (lo, hi) = g.elevation_m.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &e| (lo.min(e), hi.max(e)));
    let span = (hi - lo).max(1.0) as f64;
    let s = TERRAIN_SCALE as f64;
    let mut pixels = Vec::with_capacity(w * h);
    for py in 0..h {
        // Image rows run north to south; grid rows run south to north.
        let y = (h - py) as f64 / s - 0.5 / s;
        for px in 0..w {
            let x = px as f64 / s + 0.5 / s;
            let cell = g.index((x as usize).min(g.cols - 1), (y as usize).min(g.rows - 1));
            let tint = landcover_tint(g.landcover[cell]);
            let shade = hillshade(g, x, y);
            // High ground a little lighter (snow and rock above the tree line read at a glance).
            let height = ((g.elevation_m[cell] - lo) as f64 / span) as f32;
            let light = (0.35 + 0.8 * shade as f32) * (0.9 + 0.2 * height);
            let c = tint.map(|v| (v * light).clamp(0.0, 255.0) as u8);
            pixels.push(Color32::from_rgb(c[0], c[1], c[2]));
        }
    }
    let mut img = ColorImage::new([w, h], pixels);
    for area in &map.features.water_areas {
        let ring: Vec<[f64; 2]> = area.ring.iter().map(|p| to_pixel(g, *p)).collect();
        fill_polygon(&mut img, &ring, WATER_BLUE);
    }
    img
}

/// Map metres to terrain-image pixel coordinates (y down).
fn to_pixel(g: &TerrainGrid, p: Xy) -> [f64; 2] {
    let px_per_m = TERRAIN_SCALE as f64 / g.cell_size_m;
    [p[0] * px_per_m, (g.rows * TERRAIN_SCALE) as f64 - p[1] * px_per_m]
}

/// Even-odd scanline fill of one ring, sampling pixel centres.
pub fn fill_polygon(img: &mut ColorImage, ring: &[[f64; 2]], colour: Color32) {
    let [w, h] = img.size;
    if ring.len() < 3 {
        return;
    }
    let (ymin, ymax) = ring.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
    let first = ymin.max(0.0).floor() as usize;
    let last = (ymax.min(h as f64).ceil() as usize).min(h);
    let mut xs = Vec::new();
    for py in first..last {
        let y = py as f64 + 0.5;
        xs.clear();
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            if (a[1] <= y) != (b[1] <= y) {
                xs.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let x0 = (pair[0] - 0.5).ceil().max(0.0) as usize;
            let x1 = ((pair[1] - 0.5).floor() + 1.0).clamp(0.0, w as f64) as usize;
            for px in x0..x1 {
                img.pixels[py * w + px] = colour;
            }
        }
    }
}

/// The colour of one hazard cell, translucent over the terrain.
pub fn hazard_colour(cell: &HazardCell) -> Color32 {
    let a = cell.amount;
    match cell.kind {
        HazardCellKind::Water => match a {
            // Flood water: cyan to dark teal by depth, never the rivers' and lakes' blue.
            0..20 => Color32::from_rgba_unmultiplied(130, 240, 240, 160),
            20..50 => Color32::from_rgba_unmultiplied(40, 205, 215, 185),
            50..100 => Color32::from_rgba_unmultiplied(0, 160, 160, 205),
            _ => Color32::from_rgba_unmultiplied(0, 100, 105, 225),
        },
        HazardCellKind::Burning => {
            // Intensity 0–255: yellow-orange at the flanks, deep orange at the head (red is kept
            // for casualties).
            let g = 210u8.saturating_sub((a.min(255) as u8) / 3);
            Color32::from_rgba_unmultiplied(255, g, 0, 225)
        }
        HazardCellKind::Burned => Color32::from_rgba_unmultiplied(45, 35, 30, 200),
        HazardCellKind::Debris => Color32::from_rgba_unmultiplied(140, 95, 50, 215),
        HazardCellKind::Barrier => Color32::from_rgba_unmultiplied(245, 245, 235, 240),
    }
}

/// The hazard layer at one pixel per grid cell (north up), transparent where nothing is seen.
/// Cells outside the grid (a bad view) are skipped, never a panic.
pub fn hazard_image(g: &TerrainGrid, cells: &[HazardCell]) -> ColorImage {
    let (w, h) = (g.cols.max(1), g.rows.max(1));
    let mut img = ColorImage::new([w, h], vec![Color32::TRANSPARENT; w * h]);
    for c in cells {
        let i = c.cell as usize;
        if i >= g.len() {
            continue;
        }
        let (col, row) = (i % g.cols, i / g.cols);
        img.pixels[(h - 1 - row) * w + col] = hazard_colour(c);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::map::WaterArea;
    use sim::testkit::TestMap;

    /// Grassland of 100 m cells with the given relief, so only the shading varies.
    fn map(cols: usize, rows: usize, elevation: impl Fn(usize, usize) -> f32 + 'static) -> MapAsset {
        TestMap::valley().size(cols, rows).cell_m(100.0).elevation(elevation).cover(LandCover::Grass).build()
    }

    fn brightness(c: Color32) -> u32 {
        c.r() as u32 + c.g() as u32 + c.b() as u32
    }

    #[test]
    fn slopes_facing_the_sun_are_lighter() {
        // Ground rising to the east faces west, towards the north-west sun; rising to the west
        // it faces east, away from it.
        let faces_west = terrain_image(&map(8, 8, |c, _| c as f32 * 40.0));
        let faces_east = terrain_image(&map(8, 8, |c, _| (7 - c) as f32 * 40.0));
        let flat = terrain_image(&map(8, 8, |_, _| 500.0));
        let mid = |img: &ColorImage| brightness(img.pixels[8 * 16 + 8]);
        assert!(mid(&faces_west) > mid(&flat), "slope facing the sun is lighter");
        assert!(mid(&faces_east) < mid(&flat), "slope facing away from the sun is darker");
        assert_eq!(faces_west.size, [16, 16]);
    }

    #[test]
    fn north_is_up_and_water_areas_are_filled() {
        let mut m = map(10, 10, |_, r| r as f32 * 30.0);
        // A lake in the north-east quarter (y north in metres).
        m.features
            .water_areas
            .push(WaterArea { name: None, ring: vec![[600.0, 600.0], [900.0, 600.0], [900.0, 900.0], [600.0, 900.0]] });
        let img = terrain_image(&m);
        let at = |x: usize, y: usize| img.pixels[y * 20 + x];
        assert_eq!(at(15, 4), WATER_BLUE, "north-east is top-right");
        assert_ne!(at(15, 15), WATER_BLUE);
        assert_ne!(at(4, 4), WATER_BLUE);
    }

    #[test]
    fn hazard_cells_land_in_the_right_pixel_and_bad_cells_are_skipped() {
        let m = map(4, 3, |_, _| 0.0);
        let cells = [
            HazardCell { cell: 0, kind: HazardCellKind::Water, amount: 120 },
            HazardCell { cell: 11, kind: HazardCellKind::Burning, amount: 255 },
            HazardCell { cell: 999, kind: HazardCellKind::Debris, amount: 1 },
        ];
        let img = hazard_image(&m.grid, &cells);
        // Cell 0 is the south-west corner: bottom-left pixel.
        assert_eq!(img.pixels[2 * 4], hazard_colour(&cells[0]));
        // Cell 11 is the north-east corner: top-right pixel.
        assert_eq!(img.pixels[3], hazard_colour(&cells[1]));
        assert_eq!(img.pixels.iter().filter(|p| **p != Color32::TRANSPARENT).count(), 2);
        let fire = hazard_colour(&cells[1]);
        assert!(fire.r() > 200 && fire.g() > 100, "burning is orange, not red");
        // Flood water is not the blue of rivers and lakes: it has more green than blue.
        for depth in [5, 30, 80, 300] {
            let c = hazard_colour(&HazardCell { cell: 0, kind: HazardCellKind::Water, amount: depth });
            assert!(c.g() as u32 * 10 >= c.b() as u32 * 9, "flood {depth} cm is cyan/teal: {c:?}");
        }
        assert!(WATER_BLUE.b() > WATER_BLUE.g() + 40);
    }
}
