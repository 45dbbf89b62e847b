//! The output grid: its extent in lon/lat, the local projection (origin at its south-west
//! corner, true scale at its middle latitude), and the DEM resampled onto its cells.

use sim::map::{LocalProjection, Xy};

use super::dem::{Bounds, Dem};
use super::error::ImportError;
use super::layers::LonLat;

/// The square-celled grid everything is projected onto.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub proj: LocalProjection,
    pub cols: usize,
    pub rows: usize,
    pub cell_size_m: f64,
}

impl Frame {
    /// A frame covering `area` (the DEM's extent, optionally cropped) with whole cells.
    pub fn new(area: Bounds, cell_size_m: f64) -> Result<Frame, ImportError> {
        let proj = LocalProjection {
            origin_lon: area.west,
            origin_lat: area.south,
            centre_lat: (area.south + area.north) / 2.0,
        };
        let ne = proj.to_local(area.east, area.north);
        let cols = (ne[0] / cell_size_m).floor() as usize;
        let rows = (ne[1] / cell_size_m).floor() as usize;
        if cols < 2 || rows < 2 {
            return Err(ImportError::Invalid(format!(
                "the area is {:.0} m x {:.0} m, less than 2x2 cells of {cell_size_m} m",
                ne[0], ne[1]
            )));
        }
        if cols * rows > 25_000_000 {
            return Err(ImportError::Invalid(format!(
                "{cols}x{rows} cells is too many: crop with --bbox or use a larger --cell-size-m"
            )));
        }
        Ok(Frame { proj, cols, rows, cell_size_m })
    }

    pub fn width_m(&self) -> f64 {
        self.cols as f64 * self.cell_size_m
    }
    pub fn height_m(&self) -> f64 {
        self.rows as f64 * self.cell_size_m
    }

    /// Lon/lat to local metres, rounded to 0.1 m (finer than any input, and it keeps map.json small).
    pub fn local(&self, p: LonLat) -> Xy {
        let xy = self.proj.to_local(p[0], p[1]);
        [round1(xy[0]), round1(xy[1])]
    }

    pub fn inside(&self, p: Xy) -> bool {
        p[0] >= 0.0 && p[1] >= 0.0 && p[0] <= self.width_m() && p[1] <= self.height_m()
    }

    pub fn cell_centre(&self, col: usize, row: usize) -> Xy {
        [(col as f64 + 0.5) * self.cell_size_m, (row as f64 + 0.5) * self.cell_size_m]
    }
}

/// Clips a line to the frame, cutting segments at its edges (Liang–Barsky), so a river that
/// enters the map starts exactly on the edge. Returns the parts inside, each of 2+ points.
pub fn clip_line(frame: &Frame, pts: &[Xy]) -> Vec<Vec<Xy>> {
    let (w, h) = (frame.width_m(), frame.height_m());
    let mut parts: Vec<Vec<Xy>> = Vec::new();
    let mut cur: Vec<Xy> = Vec::new();
    for seg in pts.windows(2) {
        let (p, q) = (seg[0], seg[1]);
        let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut visible = true;
        for (pk, qk) in [(-dx, p[0]), (dx, w - p[0]), (-dy, p[1]), (dy, h - p[1])] {
            if pk == 0.0 {
                if qk < 0.0 {
                    visible = false;
                }
            } else {
                let t = qk / pk;
                if pk < 0.0 { t0 = t0.max(t) } else { t1 = t1.min(t) }
            }
        }
        if !visible || t0 > t1 {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        let a = [round1(p[0] + t0 * dx), round1(p[1] + t0 * dy)];
        let b = [round1(p[0] + t1 * dx), round1(p[1] + t1 * dy)];
        if cur.last() != Some(&a) {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur = vec![a];
        }
        cur.push(b);
        if t1 < 1.0 {
            parts.push(std::mem::take(&mut cur));
        }
    }
    if cur.len() >= 2 {
        parts.push(cur);
    }
    parts.retain(|p| p.len() >= 2 && p.first() != p.last());
    parts
}

pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The lon/lat box to import: the DEM's extent, cropped to `bbox` if given.
pub fn area(dem: &Dem, bbox: Option<[f64; 4]>) -> Result<Bounds, ImportError> {
    let b = dem.bounds();
    let Some([w, s, e, n]) = bbox else { return Ok(b) };
    if !(w < e && s < n) {
        return Err(ImportError::Invalid(format!("--bbox {w},{s},{e},{n} must be west,south,east,north")));
    }
    let cut = Bounds { west: w.max(b.west), south: s.max(b.south), east: e.min(b.east), north: n.min(b.north) };
    if !(cut.west < cut.east && cut.south < cut.north) {
        return Err(ImportError::Invalid(format!(
            "--bbox {w},{s},{e},{n} does not overlap the DEM, which covers {:.4},{:.4},{:.4},{:.4}",
            b.west, b.south, b.east, b.north
        )));
    }
    Ok(cut)
}

/// What `--bbox` lost where it reaches past the DEM, said out loud (the map is smaller than
/// asked); `None` when the box lies inside the DEM.
pub fn cut_box_note(asked: [f64; 4], kept: Bounds) -> Option<String> {
    let [w, s, e, n] = asked;
    let mid_lat = ((kept.south + kept.north) / 2.0).to_radians().cos();
    let km_lon = |d: f64| d * 111.195 * mid_lat;
    let km_lat = |d: f64| d * 111.195;
    let sides: Vec<String> = [
        ("west 西", km_lon(kept.west - w)),
        ("south 南", km_lat(kept.south - s)),
        ("east 东", km_lon(e - kept.east)),
        ("north 北", km_lat(n - kept.north)),
    ]
    .into_iter()
    .filter(|(_, km)| *km > 1e-6)
    .map(|(side, km)| format!("{km:.2} km {side}"))
    .collect();
    (!sides.is_empty()).then(|| {
        format!(
            "  ! --bbox 超出高程数据范围, 已裁剪 / --bbox reaches past the DEM and was cut: {} missing; the map covers {:.5},{:.5},{:.5},{:.5} (W,S,E,N)",
            sides.join(", "),
            kept.west,
            kept.south,
            kept.east,
            kept.north
        )
    })
}

/// Elevation at every cell centre, row 0 the southern row, by bilinear interpolation.
pub fn resample(dem: &Dem, frame: &Frame) -> Vec<f32> {
    let mut out = Vec::with_capacity(frame.cols * frame.rows);
    for row in 0..frame.rows {
        for col in 0..frame.cols {
            let (lon, lat) = frame.proj.to_lonlat(frame.cell_centre(col, row));
            out.push(dem.sample(lon, lat));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::map::LocalProjection;

    #[test]
    fn frame_covers_the_area_with_whole_cells_and_resamples() {
        // A plane rising 1 m per 0.001° of longitude.
        let cols = 201;
        let values = (0..cols * 101).map(|i| (i % cols) as f32).collect();
        let dem = Dem { cols, rows: 101, lon0: 1.0, lat0: 42.1, dlon: 0.001, dlat: 0.001, values, format: "test" };
        let frame = Frame::new(area(&dem, None).unwrap(), 100.0).unwrap();
        // 0.201° of longitude at 42.05°N is about 16.6 km; 0.101° of latitude about 11.2 km.
        assert_eq!((frame.cols, frame.rows), (165, 112));
        let elev = resample(&dem, &frame);
        let (lon, _) = frame.proj.to_lonlat(frame.cell_centre(10, 5));
        assert!((elev[5 * frame.cols + 10] as f64 - (lon - 1.0) * 1000.0).abs() < 1e-3);
        let cropped = area(&dem, Some([1.05, 42.0, 1.1, 42.05])).unwrap();
        assert_eq!((cropped.west, cropped.east), (1.05, 1.1));
        assert!(area(&dem, Some([5.0, 42.0, 6.0, 43.0])).unwrap_err().to_string().contains("does not overlap"));
        // Inside the DEM: nothing to say. Past its east edge by 0.05° (about 4.1 km at 42°N): said.
        assert_eq!(cut_box_note([1.05, 42.0, 1.1, 42.05], cropped), None);
        let past = [1.05, 42.0, 1.25, 42.05];
        let note = cut_box_note(past, area(&dem, Some(past)).unwrap()).unwrap();
        assert!(note.contains("4.") && note.contains("km east") && !note.contains("west"), "{note}");
        assert!(Frame::new(cropped, 10_000.0).is_err());
    }

    #[test]
    fn lines_are_cut_at_the_frame_edges() {
        let frame = Frame {
            proj: LocalProjection { origin_lon: 0.0, origin_lat: 0.0, centre_lat: 0.0 },
            cols: 10,
            rows: 10,
            cell_size_m: 10.0,
        };
        // In from the west, out through the north, back in, ending inside.
        let parts = clip_line(&frame, &[[-10.0, 50.0], [50.0, 50.0], [50.0, 150.0], [60.0, 150.0], [60.0, 90.0]]);
        assert_eq!(parts, vec![vec![[0.0, 50.0], [50.0, 50.0], [50.0, 100.0]], vec![[60.0, 100.0], [60.0, 90.0]]]);
        assert!(clip_line(&frame, &[[-10.0, -10.0], [-5.0, 200.0]]).is_empty());
    }
}
