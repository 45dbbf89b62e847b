//! ESRI ASCII grids (`.asc`): a header (ncols, nrows, xllcorner|xllcenter, yllcorner|yllcenter,
//! cellsize or dx/dy, optional NODATA_value) then rows of numbers, the first row being the north.

use std::path::Path;

use super::Dem;
use crate::import::error::{ImportError, read_input};

pub fn read_asc(path: &Path) -> Result<Dem, ImportError> {
    parse_asc(path, true)
}

/// An ESRI ASCII grid in any projected coordinates (metres): the `Dem` fields `lon0`/`lat0` are
/// then the x of the west column's centres and the y of the north row's, `dlon`/`dlat` the cell
/// size (used by `model flood`).
pub fn read_asc_projected(path: &Path) -> Result<Dem, ImportError> {
    parse_asc(path, false)
}

fn parse_asc(path: &Path, degrees: bool) -> Result<Dem, ImportError> {
    let bytes = read_input("elevation file", path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| ImportError::format(path, format!("not a text file ({e})")))?;
    let err = |line: usize, reason: String| ImportError::format(path, format!("line {line}: {reason}"));

    let mut header = Header::default();
    let mut lines = text.lines().enumerate().peekable();
    // Header lines start with a keyword; the data starts at the first line that begins with a number.
    while let Some((i, line)) = lines.peek().copied() {
        let mut parts = line.split_whitespace();
        let Some(key) = parts.next() else {
            lines.next();
            continue;
        };
        if key.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') {
            break;
        }
        let value = parts.next().ok_or_else(|| err(i + 1, format!("header key '{key}' has no value")))?;
        let num: f64 =
            value.parse().map_err(|_| err(i + 1, format!("header value '{value}' of '{key}' is not a number")))?;
        match key.to_ascii_lowercase().as_str() {
            "ncols" => header.ncols = Some(num),
            "nrows" => header.nrows = Some(num),
            "xllcorner" => header.x = Some((num, false)),
            "xllcenter" => header.x = Some((num, true)),
            "yllcorner" => header.y = Some((num, false)),
            "yllcenter" => header.y = Some((num, true)),
            "cellsize" => {
                header.dx = Some(num);
                header.dy = Some(num);
            }
            "dx" => header.dx = Some(num),
            "dy" => header.dy = Some(num),
            "nodata_value" => header.nodata = Some(num),
            _ => return Err(err(i + 1, format!("unknown header key '{key}'"))),
        }
        lines.next();
    }
    let need =
        |v: Option<f64>, name: &str| v.ok_or_else(|| ImportError::format(path, format!("header lacks '{name}'")));
    let ncols = need(header.ncols, "ncols")?;
    let nrows = need(header.nrows, "nrows")?;
    let dx = need(header.dx, "cellsize")?;
    let dy = need(header.dy, "cellsize")?;
    let (x, x_centre) = header.x.ok_or_else(|| ImportError::format(path, "header lacks 'xllcorner' or 'xllcenter'"))?;
    let (y, y_centre) = header.y.ok_or_else(|| ImportError::format(path, "header lacks 'yllcorner' or 'yllcenter'"))?;
    if ncols < 2.0 || nrows < 2.0 || ncols.fract() != 0.0 || nrows.fract() != 0.0 || ncols * nrows > 1e9 {
        return Err(ImportError::format(
            path,
            format!("ncols {ncols} and nrows {nrows} must be whole numbers of at least 2"),
        ));
    }
    if !(dx > 0.0 && dy > 0.0) {
        return Err(ImportError::format(path, format!("cell size {dx} x {dy} must be positive")));
    }
    if degrees && (!(-180.0..=360.0).contains(&x) || !(-90.0..=90.0).contains(&y) || dx > 10.0) {
        return Err(ImportError::format(
            path,
            format!(
                "corner ({x}, {y}) with cell size {dx} is not in degrees: the grid must be in lon/lat (EPSG:4326); reproject it first (e.g. gdalwarp -t_srs EPSG:4326)"
            ),
        ));
    }
    let (cols, rows) = (ncols as usize, nrows as usize);
    let mut values = Vec::with_capacity(cols * rows);
    for (i, line) in lines {
        for tok in line.split_whitespace() {
            let v: f64 = tok.parse().map_err(|_| err(i + 1, format!("'{tok}' is not a number")))?;
            let void = header.nodata.is_some_and(|nd| v == nd) || !v.is_finite();
            values.push(if void { f32::NAN } else { v as f32 });
        }
    }
    if values.len() != cols * rows {
        return Err(ImportError::format(
            path,
            format!("header says {cols}x{rows} = {} values but the file holds {}", cols * rows, values.len()),
        ));
    }
    let lon0 = if x_centre { x } else { x + dx / 2.0 };
    let south_centre = if y_centre { y } else { y + dy / 2.0 };
    Ok(Dem {
        cols,
        rows,
        lon0,
        lat0: south_centre + (rows - 1) as f64 * dy,
        dlon: dx,
        dlat: dy,
        values,
        format: "ESRI ASCII grid",
    })
}

#[derive(Default)]
struct Header {
    ncols: Option<f64>,
    nrows: Option<f64>,
    x: Option<(f64, bool)>,
    y: Option<(f64, bool)>,
    dx: Option<f64>,
    dy: Option<f64>,
    nodata: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::dem::{andorra_data, test_dir};

    #[test]
    fn reads_a_small_grid_north_row_first() {
        let dir = test_dir("asc");
        let path = dir.join("g.asc");
        std::fs::write(
            &path,
            "NCOLS 3\nnrows 2\nxllcenter 1.0\nyllcenter 42.0\ncellsize 0.5\nNODATA_value -9999\n1 2 3\n4 -9999\n6\n",
        )
        .unwrap();
        let d = read_asc(&path).unwrap();
        assert_eq!((d.cols, d.rows, d.lon0, d.lat0, d.dlon), (3, 2, 1.0, 42.5, 0.5));
        assert_eq!(d.values[..4], [1.0, 2.0, 3.0, 4.0]);
        assert!(d.values[4].is_nan());
        assert_eq!(d.voids(), 1);
    }

    #[test]
    fn corrupt_headers_and_bodies_name_the_problem() {
        let dir = test_dir("asc-bad");
        let cases = [
            ("ncols 3\nnrows x\n", "line 2: header value 'x' of 'nrows' is not a number"),
            ("ncols 2\nnrows 2\nxllcorner 1\nyllcorner 42\n1 2 3 4\n", "header lacks 'cellsize'"),
            ("ncols 2\nnrows 2\nxllcorner 1\nyllcorner 42\ncellsize 1\n1 2 3\n", "2x2 = 4 values but the file holds 3"),
            ("ncols 2\nnrows 2\nxllcorner 1\nyllcorner 42\ncellsize 1\n1 2\n3 abc\n", "line 7: 'abc' is not a number"),
            ("ncols 2\nnrows 2\nxllcorner 380000\nyllcorner 4700000\ncellsize 30\n1 2 3 4\n", "EPSG:4326"),
            ("ncols 2\nnrows 2\nfoo 1\n", "unknown header key 'foo'"),
        ];
        for (i, (text, expected)) in cases.iter().enumerate() {
            let path = dir.join(format!("bad{i}.asc"));
            std::fs::write(&path, text).unwrap();
            let e = read_asc(&path).unwrap_err().to_string();
            assert!(e.contains(expected) && e.contains(&format!("bad{i}.asc")), "case {i}: {e}");
        }
    }

    #[test]
    fn reads_the_real_andorra_grids() {
        let data = andorra_data();
        let data = data.join("dem");
        let d = read_asc(&data.join("andorra_srtm3_filled.asc")).unwrap();
        assert_eq!((d.cols, d.rows, d.voids()), (481, 313, 0));
        assert!((d.lon0 - 1.40).abs() < 1e-6 && (d.lat0 - 42.68).abs() < 1e-6, "{} {}", d.lon0, d.lat0);
        let (min, max) = d.values.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert_eq!((min, max), (806.0, 3067.0));
        // SOURCE.md spot heights: Andorra la Vella 1,024 m, Pas de la Casa 2,106 m.
        assert!((d.sample(1.5212, 42.5069) - 1024.0).abs() < 40.0);
        assert!((d.sample(1.7333, 42.5425) - 2106.0).abs() < 80.0, "{}", d.sample(1.7333, 42.5425));
        let mask = read_asc(&data.join("andorra_srtm3_voidmask.asc")).unwrap();
        assert_eq!(mask.values.iter().filter(|&&v| v == 1.0).count(), 519);
    }
}
