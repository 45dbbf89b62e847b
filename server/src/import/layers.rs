//! Reading the GeoJSON layers (EPSG:4326 FeatureCollections, as OSM extracts or QGIS exports):
//! parsing with a located error, a lon/lat sanity check, tag lookups and geometry unpacking.

use std::path::{Path, PathBuf};

use geojson::{Feature, FeatureCollection, GeometryValue, JsonValue};

use super::error::{ImportError, read_input};

/// A lon/lat pair.
pub type LonLat = [f64; 2];
/// A polygon as rings of lon/lat, the first ring the outer one.
pub type PolygonLL = Vec<Vec<LonLat>>;

pub struct Layer {
    pub path: PathBuf,
    /// The collection's `attribution` member, if any (OSM extracts carry one).
    pub attribution: Option<String>,
    pub features: Vec<Feature>,
    /// The layer declares CGCS2000 (EPSG:4490), China's geographic CRS: taken as WGS84, from
    /// which it differs by well under a metre over a township.
    pub cgcs2000: bool,
}

/// CRS names a layer may declare: WGS84 lon/lat (OGC CRS84, EPSG:4326) and CGCS2000 lon/lat
/// (EPSG:4490), the same to well under a metre at a township's scale.
const GEOGRAPHIC_CRS: [&str; 3] = ["CRS84", "4326", "4490"];

/// Reads a layer file; `what` names it in errors ("roads layer").
pub fn read_layer(what: &'static str, path: &Path) -> Result<Layer, ImportError> {
    let bytes = read_input(what, path)?;
    let fc: FeatureCollection = serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json appends " at line L column C"; the position goes first instead.
        let text = e.to_string();
        let msg = text.split(" at line ").next().unwrap_or(&text);
        let reason = if e.is_syntax() || e.is_eof() {
            format!("line {}, column {}: not valid JSON: {msg}", e.line(), e.column())
        } else {
            format!("line {}, column {}: not a GeoJSON FeatureCollection: {msg}", e.line(), e.column())
        };
        ImportError::format(path, reason)
    })?;
    let members = fc.foreign_members.unwrap_or_default();
    if let Some(crs) = members.get("crs") {
        let name = crs.pointer("/properties/name").and_then(JsonValue::as_str).unwrap_or("");
        if !GEOGRAPHIC_CRS.iter().any(|c| name.ends_with(c)) {
            return Err(ImportError::format(
                path,
                format!(
                    "the layer's CRS is '{name}'; export it in EPSG:4326 (WGS84 lon/lat) or EPSG:4490 (CGCS2000 lon/lat) instead"
                ),
            ));
        }
    }
    let cgcs2000 = members
        .get("crs")
        .and_then(|c| c.pointer("/properties/name"))
        .and_then(JsonValue::as_str)
        .is_some_and(|n| n.ends_with("4490"));
    let attribution = members.get("attribution").and_then(JsonValue::as_str).map(str::to_string);
    let layer = Layer { path: path.to_path_buf(), attribution, features: fc.features, cgcs2000 };
    for (i, f) in layer.features.iter().enumerate() {
        if let Some(p) =
            all_positions(f).into_iter().find(|p| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]))
        {
            return Err(ImportError::format(
                path,
                format!(
                    "feature {i} has the position ({}, {}), which is not lon/lat: export the layer in EPSG:4326",
                    p[0], p[1]
                ),
            ));
        }
    }
    Ok(layer)
}

/// A property as text: strings as they are, numbers and booleans printed.
pub fn tag(f: &Feature, key: &str) -> Option<String> {
    text(f.property(key)?)
}

/// A property whose key matches ignoring ASCII case (`NAME`, `Name`, `name`), an exact match
/// first: exports from Chinese bureaus and shapefiles write field names in capitals.
pub fn tag_any_case(f: &Feature, key: &str) -> Option<String> {
    tag(f, key).or_else(|| f.properties_iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, v)| text(v)))
}

fn text(v: &JsonValue) -> Option<String> {
    match v {
        JsonValue::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        JsonValue::Number(n) => Some(n.to_string()),
        JsonValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// How a user finds a feature in their GIS: its index in the file (from 0) and its `id` if any.
pub fn feature_label(f: &Feature, index: usize) -> String {
    match &f.id {
        Some(geojson::feature::Id::String(s)) => format!("feature {index} (id {s})"),
        Some(geojson::feature::Id::Number(n)) => format!("feature {index} (id {n})"),
        None => format!("feature {index}"),
    }
}

/// The geometry type of a feature, or "no geometry" for a null one.
pub fn geometry_kind(f: &Feature) -> &'static str {
    match f.geometry.as_ref().map(|g| &g.value) {
        None => "no geometry (null)",
        Some(GeometryValue::Point { .. }) => "a Point",
        Some(GeometryValue::MultiPoint { .. }) => "a MultiPoint",
        Some(GeometryValue::LineString { .. }) => "a LineString",
        Some(GeometryValue::MultiLineString { .. }) => "a MultiLineString",
        Some(GeometryValue::Polygon { .. }) => "a Polygon",
        Some(GeometryValue::MultiPolygon { .. }) => "a MultiPolygon",
        Some(GeometryValue::GeometryCollection { .. }) => "a GeometryCollection",
    }
}

/// A numeric property, lenient about OSM habits: "2864,4", "1 200", "24678 (2012)".
pub fn tag_number(f: &Feature, key: &str) -> Option<f64> {
    let text = tag(f, key)?.replace(',', ".").replace(' ', "");
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(text.len());
    text[..end].parse().ok()
}

fn ll(p: &geojson::Position) -> LonLat {
    [p[0], p[1]]
}

fn ring(r: &[geojson::Position]) -> Vec<LonLat> {
    r.iter().map(ll).collect()
}

/// The point of a Point or the first point of a MultiPoint.
pub fn point(f: &Feature) -> Option<LonLat> {
    match &f.geometry.as_ref()?.value {
        GeometryValue::Point { coordinates } => Some(ll(coordinates)),
        GeometryValue::MultiPoint { coordinates } => coordinates.first().map(ll),
        _ => None,
    }
}

/// The lines of a LineString or MultiLineString.
pub fn lines(f: &Feature) -> Vec<Vec<LonLat>> {
    match f.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::LineString { coordinates }) => vec![ring(coordinates)],
        Some(GeometryValue::MultiLineString { coordinates }) => coordinates.iter().map(|l| ring(l)).collect(),
        _ => Vec::new(),
    }
}

/// The polygons of a Polygon or MultiPolygon.
pub fn polygons(f: &Feature) -> Vec<PolygonLL> {
    match f.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Polygon { coordinates }) => vec![coordinates.iter().map(|r| ring(r)).collect()],
        Some(GeometryValue::MultiPolygon { coordinates }) => {
            coordinates.iter().map(|p| p.iter().map(|r| ring(r)).collect()).collect()
        }
        _ => Vec::new(),
    }
}

fn all_positions(f: &Feature) -> Vec<LonLat> {
    let mut out: Vec<LonLat> = point(f).into_iter().collect();
    out.extend(lines(f).into_iter().flatten());
    out.extend(polygons(f).into_iter().flatten().flatten());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::dem::test_dir;

    #[test]
    fn reads_features_tags_and_attribution() {
        let dir = test_dir("layers");
        let path = dir.join("l.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","attribution":"© OSM","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[1.5,42.5]},"properties":{"ele":"2864,4","name":" A "}},
              {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[1,42],[2,42],[2,43],[1,42]]]]},"properties":{"admin_level":7}}]}"#,
        )
        .unwrap();
        let l = read_layer("test layer", &path).unwrap();
        assert_eq!(l.attribution.as_deref(), Some("© OSM"));
        assert_eq!(tag_number(&l.features[0], "ele"), Some(2864.4));
        assert_eq!(tag(&l.features[0], "name").as_deref(), Some("A"));
        assert_eq!(tag(&l.features[1], "admin_level").as_deref(), Some("7"));
        assert_eq!(point(&l.features[0]), Some([1.5, 42.5]));
        assert_eq!(polygons(&l.features[1])[0][0].len(), 4);
    }

    #[test]
    fn bad_layers_name_file_and_problem() {
        let dir = test_dir("layers-bad");
        let cases = [
            (
                "{\"type\":\"FeatureCollection\",\n\"features\":[",
                "line 2, column 12: not valid JSON: EOF while parsing a list",
            ),
            ("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}", "not a GeoJSON FeatureCollection"),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[380000,4700000]},"properties":{}}]}"#,
                "not lon/lat",
            ),
            (
                r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32631"}},"features":[]}"#,
                "EPSG::32631",
            ),
        ];
        for (i, (text, expected)) in cases.iter().enumerate() {
            let path = dir.join(format!("bad{i}.geojson"));
            std::fs::write(&path, text).unwrap();
            let e = read_layer("test layer", &path).err().unwrap().to_string();
            assert!(e.contains(expected) && e.contains(&format!("bad{i}.geojson")), "case {i}: {e}");
        }
        // CGCS2000 lon/lat (EPSG:4490) is China's own geographic CRS: read as WGS84, and marked.
        let path = dir.join("cgcs2000.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[112.6,26.9]},"properties":{"NAME":"下村"}}]}"#,
        )
        .unwrap();
        let l = read_layer("settlements layer", &path).unwrap();
        assert!(l.cgcs2000);
        assert_eq!(tag_any_case(&l.features[0], "name").as_deref(), Some("下村"));
        assert_eq!(tag(&l.features[0], "name"), None);
        let e = read_layer("roads layer", &dir.join("none.geojson")).err().unwrap().to_string();
        assert!(e.starts_with("roads layer") && e.contains("does not exist"), "{e}");
    }
}
