//! Single-band GeoTIFF elevation grids in lon/lat, via the `tiff` crate: georeferenced by the
//! ModelPixelScale and ModelTiepoint tags, with the GeoKey directory checked for a geographic CRS
//! and PixelIsArea/PixelIsPoint, and GDAL's nodata tag for voids.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

use super::Dem;
use crate::import::error::ImportError;

const GT_MODEL_TYPE: u16 = 1024;
const GT_RASTER_TYPE: u16 = 1025;
const MODEL_PROJECTED: u16 = 1;
const RASTER_PIXEL_IS_POINT: u16 = 2;

pub fn read_geotiff(path: &Path) -> Result<Dem, ImportError> {
    let file = File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ImportError::Missing { what: "elevation file", path: path.to_path_buf() }
        } else {
            ImportError::Io { path: path.to_path_buf(), source }
        }
    })?;
    let bad = |reason: String| ImportError::format(path, reason);
    let tiff_err = |e: tiff::TiffError| bad(format!("not a readable TIFF: {e}"));
    let mut dec = Decoder::new(BufReader::new(file)).map_err(tiff_err)?;
    let (w, h) = dec.dimensions().map_err(tiff_err)?;
    let (cols, rows) = (w as usize, h as usize);
    if cols < 2 || rows < 2 {
        return Err(bad(format!("the image is {cols}x{rows}; an elevation grid needs at least 2x2")));
    }
    let scale = dec
        .find_tag(Tag::ModelPixelScaleTag)
        .map_err(tiff_err)?
        .and_then(|v| v.into_f64_vec().ok())
        .filter(|v| v.len() >= 2)
        .ok_or_else(|| bad("no ModelPixelScale tag: not a GeoTIFF, or georeferenced by a transformation matrix, which is not supported".into()))?;
    let tie = dec
        .find_tag(Tag::ModelTiepointTag)
        .map_err(tiff_err)?
        .and_then(|v| v.into_f64_vec().ok())
        .filter(|v| v.len() >= 6)
        .ok_or_else(|| bad("no ModelTiepoint tag: the GeoTIFF does not say where it is".into()))?;
    let keys = dec
        .find_tag(Tag::GeoKeyDirectoryTag)
        .map_err(tiff_err)?
        .and_then(|v| v.into_u16_vec().ok())
        .unwrap_or_default();
    if geo_key(&keys, GT_MODEL_TYPE) == Some(MODEL_PROJECTED) {
        return Err(bad(
            "the GeoTIFF is in a projected CRS; the importer needs lon/lat (EPSG:4326): reproject it first, e.g. gdalwarp -t_srs EPSG:4326 in.tif out.tif".into(),
        ));
    }
    let pixel_is_point = geo_key(&keys, GT_RASTER_TYPE) == Some(RASTER_PIXEL_IS_POINT);
    let nodata: Option<f64> = dec
        .find_tag(Tag::GdalNodata)
        .map_err(tiff_err)?
        .and_then(|v| v.into_string().ok())
        .and_then(|s| s.trim_matches(|c: char| c == '\0' || c.is_whitespace()).parse().ok());

    let (dlon, dlat) = (scale[0], scale[1]);
    if !(dlon > 0.0 && dlat > 0.0) {
        return Err(bad(format!("pixel scale {dlon} x {dlat} must be positive")));
    }
    let (i, j, x, y) = (tie[0], tie[1], tie[3], tie[4]);
    // The tiepoint ties raster point (i, j) to (x, y); with PixelIsArea (the default) raster
    // point (0, 0) is the outer corner of the first pixel, with PixelIsPoint its centre.
    let half = if pixel_is_point { 0.0 } else { 0.5 };
    let lon0 = x + (half - i) * dlon;
    let lat0 = y - (half - j) * dlat;
    if !(-180.0..=360.0).contains(&lon0) || !(-90.0..=90.0).contains(&lat0) || dlon > 10.0 {
        return Err(bad(format!(
            "origin ({lon0}, {lat0}) with pixel size {dlon} is not in degrees: the grid must be in lon/lat (EPSG:4326)"
        )));
    }

    let image = dec.read_image().map_err(|e| bad(format!("cannot decode the pixels: {e}")))?;
    let raw: Vec<f64> = match image {
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
        _ => return Err(bad("unsupported sample type (use 8–32-bit integers or 32/64-bit floats)".into())),
    };
    if raw.len() != cols * rows {
        return Err(bad(format!(
            "{} samples for {cols}x{rows} pixels: an elevation grid must have exactly one band",
            raw.len()
        )));
    }
    let values =
        raw.into_iter().map(|v| if !v.is_finite() || nodata == Some(v) { f32::NAN } else { v as f32 }).collect();
    Ok(Dem { cols, rows, lon0, lat0, dlon, dlat, values, format: "GeoTIFF" })
}

/// A short value from the GeoKey directory: a 4-short header, then (key, location, count, value).
fn geo_key(keys: &[u16], id: u16) -> Option<u16> {
    keys.get(4..)?.chunks_exact(4).find(|k| k[0] == id && k[1] == 0).map(|k| k[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::dem::test_dir;
    use tiff::encoder::{TiffEncoder, colortype};

    fn write(path: &Path, raster_type: u16, model_type: u16) {
        let file = File::create(path).unwrap();
        let mut enc = TiffEncoder::new(file).unwrap();
        let mut img = enc.new_image::<colortype::GrayI16>(3, 2).unwrap();
        img.encoder().write_tag(Tag::ModelPixelScaleTag, &[0.5f64, 0.25, 0.0][..]).unwrap();
        img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0f64, 0.0, 0.0, 1.0, 43.0, 0.0][..]).unwrap();
        let keys: [u16; 12] = [1, 1, 0, 2, GT_MODEL_TYPE, 0, 1, model_type, GT_RASTER_TYPE, 0, 1, raster_type];
        img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
        img.encoder().write_tag(Tag::GdalNodata, "-32768").unwrap();
        img.write_data(&[100i16, 200, 300, 400, -32768, 600]).unwrap();
    }

    #[test]
    fn reads_pixel_is_area_and_point_geotiffs() {
        let dir = test_dir("tif");
        let area = dir.join("area.tif");
        write(&area, 1, 2);
        let d = read_geotiff(&area).unwrap();
        assert_eq!((d.cols, d.rows, d.dlon, d.dlat), (3, 2, 0.5, 0.25));
        assert_eq!((d.lon0, d.lat0), (1.25, 42.875));
        assert_eq!(d.values[..4], [100.0, 200.0, 300.0, 400.0]);
        assert!(d.values[4].is_nan());
        let point = dir.join("point.tif");
        write(&point, 2, 2);
        let d = read_geotiff(&point).unwrap();
        assert_eq!((d.lon0, d.lat0), (1.0, 43.0));
    }

    #[test]
    fn refuses_projected_and_non_geo_tiffs() {
        let dir = test_dir("tif-bad");
        let utm = dir.join("utm.tif");
        write(&utm, 1, 1);
        let e = read_geotiff(&utm).unwrap_err().to_string();
        assert!(e.contains("utm.tif") && e.contains("projected CRS"), "{e}");

        let plain = dir.join("plain.tif");
        let mut enc = TiffEncoder::new(File::create(&plain).unwrap()).unwrap();
        enc.write_image::<colortype::Gray8>(2, 2, &[1, 2, 3, 4]).unwrap();
        let e = read_geotiff(&plain).unwrap_err().to_string();
        assert!(e.contains("ModelPixelScale"), "{e}");

        let junk = dir.join("junk.tif");
        std::fs::write(&junk, b"this is not a tiff").unwrap();
        let e = read_geotiff(&junk).unwrap_err().to_string();
        assert!(e.contains("junk.tif") && e.contains("not a readable TIFF"), "{e}");
    }
}
