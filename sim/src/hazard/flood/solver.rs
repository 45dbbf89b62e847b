//! Two-dimensional local inertial shallow-water solver on a regular grid.
//!
//! The momentum equation without its convective term, solved explicitly on the cell faces of a
//! staggered grid (Bates, Horritt & Fewtrell 2010, "A simple inertial formulation of the shallow
//! water equations for efficient two-dimensional flood inundation modelling", J. Hydrol. 387),
//! with the θ-weighted flux of de Almeida, Bates, Freer & Souvignet (2012, Water Resour. Res. 48,
//! W05528) that damps the checkerboard oscillations of the plain scheme:
//!
//! ```text
//! q⁽ⁿ⁺¹⁾ = [θ qⁿ + (1−θ)/2 (qⁿ₋₁ + qⁿ₊₁) − g h_f Δt ∂η/∂x] / [1 + g Δt n² |qⁿ| / h_f^(7/3)]
//! h⁽ⁿ⁺¹⁾ = hⁿ + Δt/Δx (q_in − q_out) + Δt (rain excess)
//! ```
//!
//! with unit discharge q (m²/s), water surface η = z + h, the flow depth on a face
//! h_f = max(η) − crest (the higher bed of the two cells, or a sandbag line built on the face),
//! Manning's n, and an adaptive step Δt = α Δx / √(g h_max) (α = 0.7, Bates et al. 2010 eq. 12).
//!
//! Layout: structure of arrays in `f32` (bed, depth, face crests, face fluxes, sources), rows
//! processed in one fused pass (x faces, the y faces above, then the row's continuity), so each
//! row is read once per step; volumes are summed in `f64`. A face may not take more than a quarter
//! of its upwind cell's water in one step, so depths stay non-negative without clipping and the
//! volume balance is exact up to rounding. Rows keep a span of columns that ever held water (or
//! rain excess); only the spans, grown by one cell, are computed, so dry hillsides cost nothing.

/// Gravity, m/s².
pub const G: f32 = 9.81;
/// Bed height of a wall (NODATA) cell: no water ever reaches it.
pub const WALL_Z: f32 = 1.0e6;
/// Face flow depth below which a face carries nothing, m (LISFLOOD-FP's default threshold).
pub const H_FLOW: f32 = 1.0e-3;

#[derive(Clone, Copy, Debug)]
pub struct SolverConfig {
    pub manning_n: f32,
    /// de Almeida et al. (2012) weighting; 1 gives the plain scheme of Bates et al. (2010).
    pub theta: f32,
    /// Courant factor of the adaptive step.
    pub alpha: f32,
    /// Whether water leaves freely over the grid's edge (else the edge is a wall).
    pub open_edges: bool,
    /// Longest step, s, for nearly dry grids.
    pub max_dt_s: f32,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig { manning_n: 0.035, theta: 0.7, alpha: 0.7, open_edges: true, max_dt_s: 30.0 }
    }
}

#[derive(Clone)]
pub struct Solver {
    cols: usize,
    rows: usize,
    dx: f32,
    cfg: SolverConfig,
    z: Vec<f32>,
    /// Crest of the x face west of cell (r, c), at r·(cols+1) + c.
    zx: Vec<f32>,
    /// Crest of the y face south of cell (r, c), at r·cols + c (row `rows` is the north edge).
    zy: Vec<f32>,
    h: Vec<f32>,
    qx: Vec<f32>,
    qx_next: Vec<f32>,
    qy: Vec<f32>,
    qy_next: Vec<f32>,
    /// Rain excess, m/s.
    source: Vec<f32>,
    /// Columns [lo, hi) of each row that have held water or rain excess (never shrinks).
    span: Vec<(u32, u32)>,
    h_max: f32,
    /// Point inflows (cell, m³/s) and pumps (cell, m³/s), applied every step.
    inflows: Vec<(usize, f64)>,
    pumps: Vec<(usize, f64)>,
    source_sum: f64,
    pub time_s: f64,
    pub steps: u64,
    pub cell_updates: u64,
    pub volume_rain_m3: f64,
    pub volume_inflow_m3: f64,
    pub volume_out_m3: f64,
    pub volume_pumped_m3: f64,
}

impl Solver {
    /// A dry grid over `bed_m` (row-major from the south-west; non-finite = wall), cells `dx_m` wide.
    pub fn new(cols: usize, rows: usize, dx_m: f64, bed_m: &[f32], cfg: SolverConfig) -> Solver {
        assert_eq!(bed_m.len(), cols * rows, "bed size");
        let z: Vec<f32> = bed_m.iter().map(|&v| if v.is_finite() { v } else { WALL_Z }).collect();
        let mut s = Solver {
            cols,
            rows,
            dx: dx_m as f32,
            cfg,
            zx: vec![0.0; (cols + 1) * rows],
            zy: vec![0.0; cols * (rows + 1)],
            h: vec![0.0; cols * rows],
            qx: vec![0.0; (cols + 1) * rows],
            qx_next: vec![0.0; (cols + 1) * rows],
            qy: vec![0.0; cols * (rows + 1)],
            qy_next: vec![0.0; cols * (rows + 1)],
            source: vec![0.0; cols * rows],
            span: vec![(cols as u32, 0); rows],
            h_max: 0.0,
            inflows: Vec::new(),
            pumps: Vec::new(),
            source_sum: 0.0,
            time_s: 0.0,
            steps: 0,
            cell_updates: 0,
            volume_rain_m3: 0.0,
            volume_inflow_m3: 0.0,
            volume_out_m3: 0.0,
            volume_pumped_m3: 0.0,
            z,
        };
        s.reset_crests();
        s
    }

    fn reset_crests(&mut self) {
        let (cols, rows) = (self.cols, self.rows);
        for r in 0..rows {
            for f in 0..=cols {
                let a = if f > 0 { self.z[r * cols + f - 1] } else { self.z[r * cols] };
                let b = if f < cols { self.z[r * cols + f] } else { self.z[r * cols + cols - 1] };
                self.zx[r * (cols + 1) + f] = a.max(b);
            }
        }
        for k in 0..=rows {
            for c in 0..cols {
                let a = self.z[k.saturating_sub(1).min(rows - 1) * cols + c];
                let b = self.z[k.min(rows - 1) * cols + c];
                self.zy[k * cols + c] = a.max(b);
            }
        }
    }

    pub fn cols(&self) -> usize {
        self.cols
    }
    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn dx(&self) -> f64 {
        self.dx as f64
    }
    pub fn depth(&self) -> &[f32] {
        &self.h
    }
    pub fn bed(&self) -> &[f32] {
        &self.z
    }
    pub fn is_wall(&self, cell: usize) -> bool {
        self.z[cell] >= WALL_Z
    }
    fn cell_area(&self) -> f64 {
        self.dx as f64 * self.dx as f64
    }

    /// Water on the grid, m³ (f64 sum).
    pub fn stored_m3(&self) -> f64 {
        self.h.iter().map(|&h| h as f64).sum::<f64>() * self.cell_area()
    }

    /// Sets the rain excess per cell, m/s (walls get none).
    pub fn set_source(&mut self, rate_m_per_s: &[f32]) {
        let cols = self.cols;
        self.source_sum = 0.0;
        for (i, (s, &r)) in self.source.iter_mut().zip(rate_m_per_s).enumerate() {
            *s = if self.z[i] >= WALL_Z { 0.0 } else { r.max(0.0) };
            self.source_sum += *s as f64;
            if *s > 0.0 {
                let (r, c) = (i / cols, (i % cols) as u32);
                let sp = &mut self.span[r];
                *sp = (sp.0.min(c), sp.1.max(c + 1));
            }
        }
    }

    /// Point inflows (cell, m³/s) from now on; walls take none.
    pub fn set_inflows(&mut self, inflows: &[(usize, f64)]) {
        self.inflows =
            inflows.iter().copied().filter(|&(c, q)| c < self.h.len() && !self.is_wall(c) && q > 0.0).collect();
        for &(c, _) in &self.inflows.clone() {
            self.mark_wet(c);
        }
    }

    /// Pumps (cell, m³/s) from now on: each removes up to its rate, never more than the cell holds.
    pub fn set_pumps(&mut self, pumps: &[(usize, f64)]) {
        self.pumps = pumps.iter().copied().filter(|&(c, q)| c < self.h.len() && q > 0.0).collect();
    }

    /// Imposes a depth on a cell (a boundary condition); the water added or removed counts as inflow.
    pub fn set_depth(&mut self, cell: usize, depth_m: f32) {
        if self.is_wall(cell) {
            return;
        }
        let d = depth_m.max(0.0);
        self.volume_inflow_m3 += (d as f64 - self.h[cell] as f64) * self.cell_area();
        self.h[cell] = d;
        self.h_max = self.h_max.max(d);
        self.mark_wet(cell);
    }

    fn mark_wet(&mut self, cell: usize) {
        let (r, c) = (cell / self.cols, (cell % self.cols) as u32);
        let sp = &mut self.span[r];
        *sp = (sp.0.min(c), sp.1.max(c + 1));
    }

    /// Raises the crest of every face between a cell of `cells` and a cell outside it to the
    /// higher bed plus `height_m` (a sandbag line around the cells; water can still overtop it).
    pub fn raise_barrier(&mut self, cells: &[usize], height_m: f32) {
        let (cols, rows) = (self.cols, self.rows);
        let inside = |c: usize| cells.contains(&c);
        for &cell in cells {
            if cell >= self.h.len() {
                continue;
            }
            let (r, c) = (cell / cols, cell % cols);
            let z = self.z[cell];
            // (face index in zx or zy, neighbour)
            let faces: [(bool, usize, Option<usize>); 4] = [
                (true, r * (cols + 1) + c, c.checked_sub(1).map(|w| r * cols + w)),
                (true, r * (cols + 1) + c + 1, (c + 1 < cols).then(|| r * cols + c + 1)),
                (false, r * cols + c, r.checked_sub(1).map(|s| s * cols + c)),
                (false, (r + 1) * cols + c, (r + 1 < rows).then(|| (r + 1) * cols + c)),
            ];
            for (is_x, f, nb) in faces {
                if nb.is_some_and(inside) {
                    continue;
                }
                let crest = nb.map_or(z, |n| z.max(self.z[n])) + height_m;
                let slot = if is_x { &mut self.zx[f] } else { &mut self.zy[f] };
                *slot = slot.max(crest);
            }
        }
    }

    /// Speed of the water in a cell, m/s, from the mean unit discharge of its faces.
    pub fn velocity(&self, cell: usize) -> f32 {
        let (r, c, cols) = (cell / self.cols, cell % self.cols, self.cols);
        let h = self.h[cell];
        if h < H_FLOW {
            return 0.0;
        }
        let qx = 0.5 * (self.qx[r * (cols + 1) + c] + self.qx[r * (cols + 1) + c + 1]);
        let qy = 0.5 * (self.qy[r * cols + c] + self.qy[(r + 1) * cols + c]);
        qx.hypot(qy) / h
    }

    /// The stable step now (Bates et al. 2010, eq. 12).
    pub fn stable_dt(&self) -> f64 {
        let c = (G * self.h_max).sqrt();
        let dt = if c > 0.0 { self.cfg.alpha * self.dx / c } else { self.cfg.max_dt_s };
        dt.min(self.cfg.max_dt_s) as f64
    }

    /// Advances `duration_s` in stable steps.
    pub fn advance(&mut self, duration_s: f64) {
        let mut left = duration_s;
        while left > 1e-9 {
            let dt = self.stable_dt().min(left);
            self.step(dt);
            left -= dt;
        }
    }

    /// One explicit step of `dt_s` seconds (at most `stable_dt`).
    pub fn step(&mut self, dt_s: f64) {
        let dt = dt_s as f32;
        let (cols, rows) = (self.cols, self.rows);
        let area = self.cell_area();
        // Sources first, so the fluxes see them.
        self.volume_rain_m3 += self.source_sum * dt_s * area;
        // Volumes are counted as the f32 depths actually change, so rounding cannot drift the balance.
        for &(c, q) in &self.inflows {
            let before = self.h[c];
            self.h[c] += (q * dt_s / area) as f32;
            self.volume_inflow_m3 += (self.h[c] as f64 - before as f64) * area;
        }
        for &(c, q) in &self.pumps {
            let before = self.h[c];
            self.h[c] = (before as f64 - q * dt_s / area).max(0.0) as f32;
            self.volume_pumped_m3 += (before as f64 - self.h[c] as f64) * area;
        }
        let k = Consts::new(&self.cfg, dt, self.dx);
        let mut h_max = 0.0f32;
        let mut out = 0.0f64;
        // Processing range of each row: its own span and its neighbours', grown by one cell.
        let grown =
            |sp: (u32, u32)| if sp.0 < sp.1 { (sp.0.saturating_sub(1), (sp.1 + 1).min(cols as u32)) } else { sp };
        let union = |a: (u32, u32), b: (u32, u32)| (a.0.min(b.0), a.1.max(b.1));
        let range = |span: &[(u32, u32)], r: usize| {
            let mut u = span[r];
            if r > 0 {
                u = union(u, span[r - 1]);
            }
            if r + 1 < rows {
                u = union(u, span[r + 1]);
            }
            let g = grown(u);
            (g.0 as usize, g.1 as usize)
        };
        let ranges: Vec<(usize, usize)> = (0..rows).map(|r| range(&self.span, r)).collect();
        for (r, &(lo, hi)) in ranges.iter().enumerate() {
            if lo >= hi {
                continue;
            }
            self.cell_updates += (hi - lo) as u64;
            let row = r * cols;
            let xrow = r * (cols + 1);
            // x faces inside the row.
            let (f0, f1) = (lo.max(1), hi.min(cols - 1) + 1);
            if f0 < f1 {
                let n = f1 - f0;
                x_faces(
                    &self.qx[xrow + f0 - 1..xrow + f1 + 1],
                    &mut self.qx_next[xrow + f0..xrow + f1],
                    &self.zx[xrow + f0..xrow + f1],
                    &self.z[row + f0 - 1..row + f0 - 1 + n + 1],
                    &self.h[row + f0 - 1..row + f0 - 1 + n + 1],
                    &k,
                );
            }
            // Edge faces of the row.
            if lo == 0 {
                let q = if self.cfg.open_edges {
                    edge_flux(&self.z, &self.h, row, row + 1, -self.qx[xrow], &k)
                } else {
                    0.0
                };
                self.qx_next[xrow] = -q;
                out += q as f64;
            }
            if hi == cols {
                let last = row + cols - 1;
                let q = if self.cfg.open_edges && cols > 1 {
                    edge_flux(&self.z, &self.h, last, last - 1, self.qx[xrow + cols], &k)
                } else {
                    0.0
                };
                self.qx_next[xrow + cols] = q;
                out += q as f64;
            }
            if r == 0 {
                for c in lo..hi {
                    let q = if self.cfg.open_edges && rows > 1 {
                        edge_flux(&self.z, &self.h, c, c + cols, -self.qy[c], &k)
                    } else {
                        0.0
                    };
                    self.qy_next[c] = -q;
                    out += q as f64;
                }
            }
            // y faces north of the row.
            let north = (r + 1) * cols;
            if r + 1 < rows {
                let below = &self.qy[r * cols + lo..r * cols + hi];
                let above_idx = if r + 2 <= rows { (r + 2) * cols } else { north };
                y_faces(
                    &self.qy[north + lo..north + hi],
                    below,
                    &self.qy[above_idx + lo..above_idx + hi],
                    &mut self.qy_next[north + lo..north + hi],
                    &self.zy[north + lo..north + hi],
                    (&self.z[row + lo..row + hi], &self.h[row + lo..row + hi]),
                    (&self.z[north + lo..north + hi], &self.h[north + lo..north + hi]),
                    &k,
                );
            } else {
                for c in lo..hi {
                    let cell = row + c;
                    let q = if self.cfg.open_edges && rows > 1 {
                        edge_flux(&self.z, &self.h, cell, cell - cols, self.qy[north + c], &k)
                    } else {
                        0.0
                    };
                    self.qy_next[north + c] = q;
                    out += q as f64;
                }
            }
            // Continuity for the row.
            let m = continuity(
                &mut self.h[row + lo..row + hi],
                &self.qx_next[xrow + lo..xrow + hi + 1],
                &self.qy_next[row + lo..row + hi],
                &self.qy_next[north + lo..north + hi],
                &self.source[row + lo..row + hi],
                dt / self.dx,
                dt,
            );
            h_max = h_max.max(m);
            // Grow the span where water arrived just outside it.
            let (mut s0, mut s1) = (self.span[r].0 as usize, self.span[r].1 as usize);
            if let Some(c) = (lo..s0.min(hi)).find(|&c| self.h[row + c] > 0.0) {
                s0 = c;
                s1 = s1.max(c + 1);
            }
            if let Some(c) = (s1.max(lo)..hi).rev().find(|&c| self.h[row + c] > 0.0) {
                s1 = c + 1;
                s0 = s0.min(c);
            }
            self.span[r] = (s0 as u32, s1 as u32);
        }
        self.volume_out_m3 += out * dt_s * self.dx as f64;
        std::mem::swap(&mut self.qx, &mut self.qx_next);
        std::mem::swap(&mut self.qy, &mut self.qy_next);
        if !self.cfg.open_edges {
            self.mirror_closed_edges();
        }
        self.h_max = h_max;
        self.time_s += dt_s;
        self.steps += 1;
    }
}

impl Solver {
    /// At a closed edge the old flux the θ weighting reads beyond the last face is that face's
    /// own (zero gradient), so the wall's zero does not drag the face next to it down.
    fn mirror_closed_edges(&mut self) {
        let (cols, rows) = (self.cols, self.rows);
        if cols > 1 {
            for r in 0..rows {
                let x = r * (cols + 1);
                self.qx[x] = self.qx[x + 1];
                self.qx[x + cols] = self.qx[x + cols - 1];
            }
        }
        if rows > 1 {
            for c in 0..cols {
                self.qy[c] = self.qy[cols + c];
                self.qy[rows * cols + c] = self.qy[(rows - 1) * cols + c];
            }
        }
    }
}

/// Step constants, precomputed once.
struct Consts {
    theta: f32,
    half_rest: f32,
    g_dt: f32,
    g_dt_n2: f32,
    inv_dx: f32,
    dx_over_4dt: f32,
}

impl Consts {
    fn new(cfg: &SolverConfig, dt: f32, dx: f32) -> Consts {
        Consts {
            theta: cfg.theta,
            half_rest: 0.5 * (1.0 - cfg.theta),
            g_dt: G * dt,
            g_dt_n2: G * dt * cfg.manning_n * cfg.manning_n,
            inv_dx: 1.0 / dx,
            dx_over_4dt: dx / (4.0 * dt),
        }
    }
}

/// Cube root by a bit-level first guess and two Newton steps (relative error < 1e-5), so the
/// friction term h^(7/3) vectorises instead of calling `powf`.
#[inline(always)]
fn cbrt_fast(x: f32) -> f32 {
    let mut y = f32::from_bits(x.to_bits() / 3 + 709_921_077);
    y = (2.0 * y + x / (y * y)) * (1.0 / 3.0);
    (2.0 * y + x / (y * y)) * (1.0 / 3.0)
}

/// The local inertial flux through one face from cell a (behind) to cell b (ahead).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn face_flux(q: f32, q_nb: f32, crest: f32, za: f32, ha: f32, zb: f32, hb: f32, k: &Consts) -> f32 {
    let (ea, eb) = (za + ha, zb + hb);
    let hf = ea.max(eb) - crest;
    let hc = hf.max(H_FLOW);
    let num = k.theta * q + k.half_rest * q_nb - k.g_dt * hc * (eb - ea) * k.inv_dx;
    let den = 1.0 + k.g_dt_n2 * q.abs() / (hc * hc * cbrt_fast(hc));
    let qn = num / den;
    let up = if qn > 0.0 { ha } else { hb };
    let lim = up * k.dx_over_4dt;
    let qn = qn.min(lim).max(-lim);
    if hf > H_FLOW { qn } else { 0.0 }
}

/// Faces f = 0..n of a row segment: `q_old` holds faces −1..=n, `z`/`h` cells −1..=n−1 (cell i
/// is west of face i, cell i+1 east of it).
fn x_faces(q_old: &[f32], q_new: &mut [f32], crest: &[f32], z: &[f32], h: &[f32], k: &Consts) {
    let n = q_new.len();
    let (q_old, crest, z, h) = (&q_old[..n + 2], &crest[..n], &z[..n + 1], &h[..n + 1]);
    for i in 0..n {
        q_new[i] = face_flux(q_old[i + 1], q_old[i] + q_old[i + 2], crest[i], z[i], h[i], z[i + 1], h[i + 1], k);
    }
}

/// The y faces between a row (south, a) and the next (north, b), with the old fluxes of the face
/// rows below and above for the θ weighting.
#[allow(clippy::too_many_arguments)]
fn y_faces(
    q_old: &[f32],
    below: &[f32],
    above: &[f32],
    q_new: &mut [f32],
    crest: &[f32],
    a: (&[f32], &[f32]),
    b: (&[f32], &[f32]),
    k: &Consts,
) {
    let n = q_new.len();
    let (q_old, below, above, crest) = (&q_old[..n], &below[..n], &above[..n], &crest[..n]);
    let (za, ha, zb, hb) = (&a.0[..n], &a.1[..n], &b.0[..n], &b.1[..n]);
    for i in 0..n {
        q_new[i] = face_flux(q_old[i], below[i] + above[i], crest[i], za[i], ha[i], zb[i], hb[i], k);
    }
}

/// Outward flux over an open edge from `cell`, continuing the slope from `inner` (water surface
/// or bed, whichever falls more steeply towards the edge): a free-outflow boundary.
fn edge_flux(z: &[f32], h: &[f32], cell: usize, inner: usize, q_out_old: f32, k: &Consts) -> f32 {
    let he = h[cell];
    if he <= H_FLOW {
        return 0.0;
    }
    let s = if z[inner] >= WALL_Z {
        0.0
    } else {
        ((z[inner] + h[inner]) - (z[cell] + he)).max(z[inner] - z[cell]).max(0.0) * k.inv_dx
    };
    let q = q_out_old.max(0.0);
    let qn = (q + k.g_dt * he * s) / (1.0 + k.g_dt_n2 * q / (he * he * cbrt_fast(he)));
    qn.min(he * k.dx_over_4dt)
}

/// New depths of a row segment; returns the deepest.
fn continuity(h: &mut [f32], qx: &[f32], qy_s: &[f32], qy_n: &[f32], src: &[f32], dt_dx: f32, dt: f32) -> f32 {
    let n = h.len();
    let (qx, qy_s, qy_n, src) = (&qx[..n + 1], &qy_s[..n], &qy_n[..n], &src[..n]);
    let mut m = 0.0f32;
    for i in 0..n {
        let v = (h[i] + dt_dx * (qx[i] - qx[i + 1] + qy_s[i] - qy_n[i]) + dt * src[i]).max(0.0);
        h[i] = v;
        m = m.max(v);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_cube_root_is_accurate() {
        for x in [1e-3f32, 0.01, 0.2857, 1.0, 7.5, 30.0] {
            let e = (cbrt_fast(x) - x.cbrt()).abs() / x.cbrt();
            assert!(e < 1e-5, "{x}: {e}");
        }
    }
}
