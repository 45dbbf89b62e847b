//! Elevation grids in geographic coordinates (lon/lat, WGS84): the readers for each format and
//! the operations the importer needs on them (void filling, bilinear sampling).

mod asc;
mod geotiff;
mod hgt;

use std::path::Path;

use super::error::ImportError;

pub use asc::{read_asc, read_asc_projected};
pub use geotiff::read_geotiff;
pub use hgt::read_hgt;

/// A north-up raster of elevations. Sample `(col, row)` sits at lon `lon0 + col*dlon`,
/// lat `lat0 - row*dlat`: row 0 is the northern row. Voids are NaN.
#[derive(Clone, Debug, PartialEq)]
pub struct Dem {
    pub cols: usize,
    pub rows: usize,
    /// Longitude of the centre of column 0.
    pub lon0: f64,
    /// Latitude of the centre of row 0 (the north row).
    pub lat0: f64,
    /// Sample spacing in degrees (both positive).
    pub dlon: f64,
    pub dlat: f64,
    pub values: Vec<f32>,
    /// Which reader produced it, for the record ("SRTM .hgt", ...).
    pub format: &'static str,
}

/// The area a DEM covers: the outer edges of its outer cells, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// Reads a DEM, choosing the reader by extension: `.hgt`, `.asc`, `.tif`/`.tiff`.
pub fn read_dem(path: &Path) -> Result<Dem, ImportError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "hgt" => read_hgt(path),
        "asc" => read_asc(path),
        "tif" | "tiff" => read_geotiff(path),
        _ => Err(ImportError::format(
            path,
            format!("unknown elevation format '.{ext}' (use SRTM .hgt, ESRI ASCII grid .asc or GeoTIFF .tif)"),
        )),
    }
}

impl Dem {
    pub fn bounds(&self) -> Bounds {
        Bounds {
            west: self.lon0 - self.dlon / 2.0,
            east: self.lon0 + (self.cols as f64 - 0.5) * self.dlon,
            north: self.lat0 + self.dlat / 2.0,
            south: self.lat0 - (self.rows as f64 - 0.5) * self.dlat,
        }
    }

    pub fn voids(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }

    /// Fills voids with the mean of their valid 8-neighbours, pass after pass until none are
    /// left (SRTM voids are small clusters on ridges, so a few passes suffice). Returns how many
    /// samples were filled, or `None` if the grid holds no valid sample at all.
    pub fn fill_voids(&mut self) -> Option<usize> {
        let total = self.voids();
        if total == self.values.len() {
            return None;
        }
        let (cols, rows) = (self.cols, self.rows);
        let mut remaining = total;
        while remaining > 0 {
            let before = self.values.clone();
            for r in 0..rows {
                for c in 0..cols {
                    if !before[r * cols + c].is_nan() {
                        continue;
                    }
                    let (mut sum, mut n) = (0.0f64, 0u32);
                    for rr in r.saturating_sub(1)..=(r + 1).min(rows - 1) {
                        for cc in c.saturating_sub(1)..=(c + 1).min(cols - 1) {
                            let v = before[rr * cols + cc];
                            if !v.is_nan() {
                                sum += v as f64;
                                n += 1;
                            }
                        }
                    }
                    if n > 0 {
                        self.values[r * cols + c] = (sum / n as f64) as f32;
                        remaining -= 1;
                    }
                }
            }
        }
        Some(total)
    }

    /// Bilinear elevation at a lon/lat, clamped to the outer sample centres. Assumes no voids.
    pub fn sample(&self, lon: f64, lat: f64) -> f32 {
        let fc = ((lon - self.lon0) / self.dlon).clamp(0.0, (self.cols - 1) as f64);
        let fr = ((self.lat0 - lat) / self.dlat).clamp(0.0, (self.rows - 1) as f64);
        let (c0, r0) = (fc.floor() as usize, fr.floor() as usize);
        let (c1, r1) = ((c0 + 1).min(self.cols - 1), (r0 + 1).min(self.rows - 1));
        let (tx, ty) = (fc - c0 as f64, fr - r0 as f64);
        let v = |c: usize, r: usize| self.values[r * self.cols + c] as f64;
        let top = v(c0, r0) * (1.0 - tx) + v(c1, r0) * tx;
        let bottom = v(c0, r1) * (1.0 - tx) + v(c1, r1) * tx;
        (top * (1.0 - ty) + bottom * ty) as f32
    }
}

/// A scratch directory for reader tests, unique per test and process.
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The real Andorra source data shipped with the map (`assets/maps/andorra/source`).
#[cfg(test)]
pub(crate) fn andorra_data() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/maps/andorra/source")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dem(values: Vec<f32>) -> Dem {
        Dem { cols: 3, rows: 3, lon0: 1.0, lat0: 43.0, dlon: 0.5, dlat: 0.5, values, format: "test" }
    }

    #[test]
    fn fills_voids_from_neighbours() {
        let mut d = dem(vec![1.0, 1.0, 1.0, 1.0, f32::NAN, 1.0, 3.0, 3.0, f32::NAN]);
        assert_eq!(d.fill_voids(), Some(2));
        assert!(d.values.iter().all(|v| v.is_finite()));
        assert!((d.values[4] - 1.5714).abs() < 1e-3, "{}", d.values[4]);
        assert_eq!(dem(vec![f32::NAN; 9]).fill_voids(), None);
    }

    #[test]
    fn samples_bilinearly_and_clamps() {
        let d = dem(vec![0.0, 10.0, 20.0, 0.0, 10.0, 20.0, 100.0, 110.0, 120.0]);
        assert_eq!(d.sample(1.25, 43.0), 5.0);
        assert_eq!(d.sample(1.0, 42.25), 50.0);
        assert_eq!(d.sample(0.0, 50.0), 0.0);
        let b = d.bounds();
        assert_eq!((b.west, b.east, b.south, b.north), (0.75, 2.25, 41.75, 43.25));
    }

    #[test]
    fn unknown_extension_is_a_clear_error() {
        let e = read_dem(Path::new("/tmp/x.png")).unwrap_err().to_string();
        assert!(e.contains("/tmp/x.png") && e.contains("unknown elevation format"), "{e}");
    }
}
