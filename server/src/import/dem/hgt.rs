//! SRTM `.hgt` tiles: big-endian i16 squares (1201² for 3″, 3601² for 1″), the file name gives
//! the south-west corner (`N42E001`), row 0 is the north edge, -32768 marks a void.

use std::path::Path;

use super::Dem;
use crate::import::error::{ImportError, read_input};

pub fn read_hgt(path: &Path) -> Result<Dem, ImportError> {
    let (lat_sw, lon_sw) = corner_from_name(path)?;
    let bytes = read_input("elevation file", path)?;
    let side = match bytes.len() {
        n if n == 1201 * 1201 * 2 => 1201,
        n if n == 3601 * 3601 * 2 => 3601,
        n => {
            return Err(ImportError::format(
                path,
                format!("an SRTM .hgt tile holds 1201x1201 or 3601x3601 16-bit samples, but the file has {n} bytes"),
            ));
        }
    };
    let values = bytes
        .chunks_exact(2)
        .map(|b| match i16::from_be_bytes([b[0], b[1]]) {
            -32768 => f32::NAN,
            v => v as f32,
        })
        .collect();
    let step = 1.0 / (side - 1) as f64;
    Ok(Dem {
        cols: side,
        rows: side,
        lon0: lon_sw as f64,
        lat0: lat_sw as f64 + 1.0,
        dlon: step,
        dlat: step,
        values,
        format: "SRTM .hgt",
    })
}

/// `N42E001.hgt` → (42, 1); `S12W077` → (-12, -77).
fn corner_from_name(path: &Path) -> Result<(i32, i32), ImportError> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_ascii_uppercase();
    let bad = || {
        ImportError::format(
            path,
            "an SRTM tile name must give its south-west corner, like N42E001.hgt (the name is how .hgt files are georeferenced)",
        )
    };
    let b = stem.as_bytes();
    if b.len() != 7 || !matches!(b[0], b'N' | b'S') || !matches!(b[3], b'E' | b'W') {
        return Err(bad());
    }
    let lat: i32 = stem[1..3].parse().map_err(|_| bad())?;
    let lon: i32 = stem[4..7].parse().map_err(|_| bad())?;
    if lat > 89 || lon > 180 {
        return Err(bad());
    }
    Ok((if b[0] == b'S' { -lat } else { lat }, if b[3] == b'W' { -lon } else { lon }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::dem::{andorra_data, test_dir};

    #[test]
    fn reads_a_built_tile_with_its_corner_and_voids() {
        let dir = test_dir("hgt");
        let mut bytes = Vec::new();
        for i in 0..1201 * 1201 {
            let v: i16 = if i == 5 { -32768 } else { (i / 1201) as i16 };
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        let path = dir.join("s12w077.hgt");
        std::fs::write(&path, &bytes).unwrap();
        let d = read_hgt(&path).unwrap();
        assert_eq!((d.cols, d.rows, d.lon0, d.lat0), (1201, 1201, -77.0, -11.0));
        assert_eq!(d.voids(), 1);
        assert_eq!(d.values[1201 * 3], 3.0);

        std::fs::write(dir.join("N42E001.hgt"), &bytes[..1000]).unwrap();
        let e = read_hgt(&dir.join("N42E001.hgt")).unwrap_err().to_string();
        assert!(e.contains("1000 bytes"), "{e}");
        std::fs::write(dir.join("tile.hgt"), &bytes).unwrap();
        let e = read_hgt(&dir.join("tile.hgt")).unwrap_err().to_string();
        assert!(e.contains("south-west corner"), "{e}");
    }

    #[test]
    fn reads_the_real_andorra_tile() {
        let data = andorra_data();
        let path = data.join("raw/N42E001.hgt");
        let mut d = read_hgt(&path).unwrap();
        assert_eq!((d.cols, d.rows, d.lon0, d.lat0), (1201, 1201, 1.0, 43.0));
        // SOURCE.md: 7,652 voids, heights 349–3,100 m.
        assert_eq!(d.fill_voids(), Some(7652));
        let max = d.values.iter().cloned().fold(f32::MIN, f32::max);
        assert!((3000.0..=3100.0).contains(&max), "{max}");
        // Andorra la Vella's valley floor is about 1,024 m.
        let alv = d.sample(1.5212, 42.5069);
        assert!((980.0..1080.0).contains(&alv), "{alv}");
    }
}
