//! `model flood`: the simulation's 2-D local inertial solver (`sim::hazard::flood::solver`) on an
//! ESRI ASCII DEM, with uniform rain (all of it runs off, or the SCS curve-number excess) and
//! constant point inflows. The grid's edge is open (free outflow); NODATA cells are walls.
//!
//! A DEM in metres is used as it is. A DEM in lon/lat (what `import-map` asks for) is resampled
//! onto square cells in metres first, as the importer does (degrees are not metres: a 0.00083°
//! cell taken as 0.00083 m would never finish); `--inflow` and `--probe` are then LON,LAT.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;
use sim::hazard::flood::runoff::CurveNumberRunoff;
use sim::hazard::flood::solver::{Solver, SolverConfig};

use crate::import::dem::{Dem, read_asc_projected};
use crate::import::grid::{Frame, resample};

#[derive(clap::Args, Debug)]
pub struct FloodArgs {
    /// Elevation grid, ESRI ASCII (.asc): in projected metres (square cells), or in lon/lat
    /// degrees (resampled to metres; told apart by a `.prj` beside it or by its numbers).
    #[arg(long)]
    pub dem: PathBuf,
    /// Cell side in metres for a lon/lat DEM [default: its own spacing north–south].
    #[arg(long)]
    pub cell_size_m: Option<f64>,
    /// Simulated time, hours.
    #[arg(long, allow_negative_numbers = true)]
    pub duration_h: f64,
    /// Rain on every cell, mm/h.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub rain_mm_per_h: f64,
    /// Hours the rain lasts from the start (default: the whole run).
    #[arg(long, allow_negative_numbers = true)]
    pub rain_h: Option<f64>,
    /// SCS curve number (1–100) for the rain excess; without it all rain runs off.
    #[arg(long, allow_negative_numbers = true)]
    pub curve_number: Option<f64>,
    /// A river inflow: X,Y,M3_PER_S in the grid's coordinates, LON,LAT,M3_PER_S for a lon/lat DEM (repeatable).
    #[arg(long, allow_negative_numbers = true)]
    pub inflow: Vec<String>,
    /// Manning's roughness n.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.035)]
    pub manning: f64,
    /// A point to report the depth at: X,Y in the grid's coordinates, LON,LAT for a lon/lat DEM (repeatable).
    #[arg(long, allow_negative_numbers = true)]
    pub probe: Vec<String>,
    /// Answer as JSON (the default; accepted for symmetry with the other models).
    #[arg(long)]
    pub json: bool,
}

fn numbers(what: &str, text: &str, n: usize) -> Result<Vec<f64>, String> {
    let v: Result<Vec<f64>, _> = text.split(',').map(|p| p.trim().parse::<f64>()).collect();
    match v {
        Ok(v) if v.len() == n && v.iter().all(|x| x.is_finite()) => Ok(v),
        _ => Err(format!("--{what} '{text}' must be {n} numbers separated by commas")),
    }
}

pub fn run(a: FloodArgs) -> Result<String, String> {
    if !(a.duration_h > 0.0 && a.duration_h <= 10_000.0) {
        return Err(format!("--duration-h {} must be more than 0 and at most 10000", a.duration_h));
    }
    if !(a.rain_mm_per_h >= 0.0 && a.rain_mm_per_h <= 1000.0) {
        return Err(format!("--rain-mm-per-h {} must be between 0 and 1000", a.rain_mm_per_h));
    }
    let rain_h = a.rain_h.unwrap_or(a.duration_h);
    if !rain_h.is_finite() || rain_h < 0.0 {
        return Err(format!("--rain-h {rain_h} must be 0 or more"));
    }
    if let Some(cn) = a.curve_number
        && !(cn > 0.0 && cn <= 100.0)
    {
        return Err(format!("--curve-number {cn} must be more than 0 and at most 100"));
    }
    if !(a.manning > 0.0 && a.manning <= 1.0) {
        return Err(format!("--manning {} must be more than 0 and at most 1", a.manning));
    }
    let dem = read_asc_projected(&a.dem).map_err(|e| e.to_string())?;
    let grid = if is_geographic(&a.dem, &dem) {
        MetricGrid::from_degrees(&dem, a.cell_size_m)?
    } else {
        MetricGrid::from_metres(&dem)?
    };
    let (cols, rows, dx, bed) = (grid.cols, grid.rows, grid.dx, &grid.bed);
    let cell_at = |what: &str, x: f64, y: f64| -> Result<usize, String> {
        let [mx, my] = grid.to_metres(x, y);
        let (c, r) = ((mx / dx).floor(), (my / dx).floor());
        if c < 0.0 || r < 0.0 || c >= cols as f64 || r >= rows as f64 {
            let ([w, s], [e, n]) = (grid.corner(0.0, 0.0), grid.corner(cols as f64 * dx, rows as f64 * dx));
            return Err(format!("{what} ({x}, {y}) is off the grid ({w}..{e}, {s}..{n})"));
        }
        Ok(r as usize * cols + c as usize)
    };
    let mut inflows = Vec::new();
    for text in &a.inflow {
        let v = numbers("inflow", text, 3)?;
        let cell = cell_at("--inflow", v[0], v[1])?;
        if !bed[cell].is_finite() {
            return Err(format!("--inflow ({}, {}) falls on a NODATA cell", v[0], v[1]));
        }
        if v[2] < 0.0 {
            return Err(format!("--inflow discharge {} must be 0 or more", v[2]));
        }
        inflows.push((cell, v[2]));
    }
    let mut probes = Vec::new();
    for text in &a.probe {
        let v = numbers("probe", text, 2)?;
        probes.push((v[0], v[1], cell_at("--probe", v[0], v[1])?));
    }
    let cfg = SolverConfig { manning_n: a.manning as f32, ..SolverConfig::default() };
    let mut solver = Solver::new(cols, rows, dx, bed, cfg);
    solver.set_inflows(&inflows);
    let mut cn = a.curve_number.map(|cn| CurveNumberRunoff::new(vec![cn]));
    let mut max_depth = vec![0.0f32; probes.len()];
    let (end, rain_end) = (a.duration_h * 3600.0, rain_h * 3600.0);
    let started = Instant::now();
    // Rain excess is set once a minute (the SCS increment changes as the storm accumulates).
    const CHUNK_S: f64 = 60.0;
    while solver.time_s < end - 1e-9 {
        let t0 = solver.time_s;
        let chunk = CHUNK_S.min(end - t0);
        let raining = (rain_end - t0).clamp(0.0, chunk);
        let rain_mm = a.rain_mm_per_h * raining / 3600.0;
        let excess_mm = match &mut cn {
            Some(r) => r.add_rain(rain_mm)[0],
            None => rain_mm,
        };
        solver.set_source(&vec![(excess_mm / 1000.0 / chunk) as f32; cols * rows]);
        let chunk_end = t0 + chunk;
        while solver.time_s < chunk_end - 1e-9 {
            let dt = solver.stable_dt().min(chunk_end - solver.time_s);
            solver.step(dt);
            for (m, p) in max_depth.iter_mut().zip(&probes) {
                *m = m.max(solver.depth()[p.2]);
            }
        }
    }
    let wall_s = started.elapsed().as_secs_f64();
    let probes: Vec<_> = probes
        .iter()
        .zip(&max_depth)
        .map(|(&(x, y, cell), &m)| json!({"x": x, "y": y, "depth_m": solver.depth()[cell], "max_depth_m": m}))
        .collect();
    let out = json!({
        "volume_rain_m3": solver.volume_rain_m3,
        "volume_inflow_m3": solver.volume_inflow_m3,
        "volume_stored_m3": solver.stored_m3(),
        "volume_out_m3": solver.volume_out_m3,
        "wall_s": wall_s,
        "cell_updates": solver.cell_updates,
        "steps": solver.steps,
        "cell_updates_per_s": solver.cell_updates as f64 / wall_s.max(1e-9),
        "probes": probes,
        "grid": {"cols": cols, "rows": rows, "cell_size_m": dx, "from_degrees": grid.frame.is_some()},
    });
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}

/// A DEM in lon/lat: a `.prj` beside it says GEOGCS, or (no `.prj`) its cells are under 0.1
/// (no flood grid has 10 cm cells; 0.1° is 11 km) and it lies within lon/lat ranges.
fn is_geographic(path: &std::path::Path, dem: &Dem) -> bool {
    if let Ok(prj) = std::fs::read_to_string(path.with_extension("prj")) {
        return prj.trim_start().to_ascii_uppercase().starts_with("GEOGCS");
    }
    let b = dem.bounds();
    dem.dlon <= 0.1
        && dem.dlat <= 0.1
        && (-180.0..=360.0).contains(&b.west)
        && b.east <= 360.0
        && (-90.0..=90.0).contains(&b.south)
        && b.north <= 90.0
}

/// The solver's grid: square cells of `dx` metres, row 0 the south row, and how points given
/// on the command line map onto it.
struct MetricGrid {
    cols: usize,
    rows: usize,
    dx: f64,
    bed: Vec<f32>,
    /// Projected: the grid's south-west corner in its own metres.
    origin: [f64; 2],
    /// Lon/lat: the frame the degrees were resampled onto.
    frame: Option<Frame>,
}

impl MetricGrid {
    fn from_metres(dem: &Dem) -> Result<MetricGrid, String> {
        let (cols, rows, dx) = (dem.cols, dem.rows, dem.dlon);
        if (dem.dlat - dx).abs() > 1e-9 * dx {
            return Err(format!("the DEM's cells are {dx} x {} : model flood needs square cells", dem.dlat));
        }
        // Row 0 of the solver is the south row; the file starts with the north one.
        let mut bed = Vec::with_capacity(cols * rows);
        for r in (0..rows).rev() {
            bed.extend_from_slice(&dem.values[r * cols..(r + 1) * cols]);
        }
        let origin = [dem.lon0 - dx / 2.0, dem.lat0 - (rows as f64 - 0.5) * dx];
        Ok(MetricGrid { cols, rows, dx, bed, origin, frame: None })
    }

    /// Resampled like `import-map` does (bilinear, local equirectangular projection); NODATA
    /// samples stay walls.
    fn from_degrees(dem: &Dem, cell_size_m: Option<f64>) -> Result<MetricGrid, String> {
        // The DEM's own north–south spacing, in metres.
        let own = dem.dlat
            * sim::map::LocalProjection { origin_lon: 0.0, origin_lat: 0.0, centre_lat: 0.0 }.to_local(0.0, 1.0)[1];
        let dx = cell_size_m.unwrap_or((own * 10.0).round() / 10.0);
        if !(dx.is_finite() && (1.0..=10_000.0).contains(&dx)) {
            return Err(format!("--cell-size-m {dx} must be between 1 and 10000"));
        }
        let frame = Frame::new(dem.bounds(), dx).map_err(|e| e.to_string())?;
        let bed = resample(dem, &frame);
        Ok(MetricGrid { cols: frame.cols, rows: frame.rows, dx, bed, origin: [0.0, 0.0], frame: Some(frame) })
    }

    /// A point given as the DEM's coordinates (metres or lon/lat) in the grid's metres from its
    /// south-west corner.
    fn to_metres(&self, x: f64, y: f64) -> [f64; 2] {
        match &self.frame {
            Some(f) => f.proj.to_local(x, y),
            None => [x - self.origin[0], y - self.origin[1]],
        }
    }

    /// A point in the grid's metres back in the DEM's coordinates.
    fn corner(&self, mx: f64, my: f64) -> [f64; 2] {
        match &self.frame {
            Some(f) => {
                let (lon, lat) = f.proj.to_lonlat([mx, my]);
                [lon, lat]
            }
            None => [mx + self.origin[0], my + self.origin[1]],
        }
    }
}
