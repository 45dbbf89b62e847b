//! The vector features other than roads: townships from admin boundaries, settlements (with the
//! township that holds them), waterways, water areas and points of interest, in local metres.

use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use sim::map::{Poi, Settlement, Township, WaterArea, Waterway, Xy};

use super::error::ImportError;
use super::grid::Frame;
use super::layers::{Layer, LonLat, point, polygons, tag, tag_number};

/// A township with its boundary kept as a geo polygon for point-in-polygon tests.
pub struct TownshipShape {
    pub township: Township,
    shape: MultiPolygon<f64>,
    bbox: Option<geo::Rect<f64>>,
}

/// The OSM admin levels present (numbers, ascending).
pub fn admin_levels(layer: &Layer) -> Vec<u32> {
    let mut levels: Vec<u32> =
        layer.features.iter().filter_map(|f| tag_number(f, "admin_level")).map(|l| l as u32).collect();
    levels.sort_unstable();
    levels.dedup();
    levels
}

/// The level that stands for townships: the one asked for, else the most detailed one below
/// country level (2). In Andorra that is 7, the parishes.
pub fn township_level(layer: &Layer, wanted: Option<u32>) -> Result<Option<u32>, ImportError> {
    let levels = admin_levels(layer);
    match wanted {
        Some(l) if levels.contains(&l) => Ok(Some(l)),
        Some(l) => Err(ImportError::format(
            &layer.path,
            format!("--admin-level {l} was asked for, but the layer only has admin levels {levels:?}"),
        )),
        None => Ok(levels.into_iter().filter(|&l| l > 2).max()),
    }
}

pub fn townships(layer: &Layer, level: u32, frame: &Frame) -> Vec<TownshipShape> {
    let mut out = Vec::new();
    for f in &layer.features {
        if tag_number(f, "admin_level") != Some(level as f64) {
            continue;
        }
        let Some(name) = tag(f, "name") else { continue };
        let polys: Vec<Polygon<f64>> = polygons(f).iter().map(|p| polygon(frame, p)).collect();
        if polys.is_empty() {
            continue;
        }
        let shape = MultiPolygon(polys);
        let rings = shape.0.iter().map(|p| p.exterior().coords().map(|c| [c.x, c.y]).collect()).collect();
        let area_km2 = (shape.unsigned_area() / 1e6 * 100.0).round() / 100.0;
        out.push(TownshipShape { township: Township { name, rings, area_km2 }, bbox: shape.bounding_rect(), shape });
    }
    out.sort_by(|a, b| a.township.name.cmp(&b.township.name));
    out
}

fn polygon(frame: &Frame, rings: &[Vec<LonLat>]) -> Polygon<f64> {
    let ls = |r: &Vec<LonLat>| {
        LineString::from(r.iter().map(|&p| frame.local(p)).map(|[x, y]| Coord { x, y }).collect::<Vec<_>>())
    };
    Polygon::new(ls(&rings[0]), rings[1..].iter().map(ls).collect())
}

/// The township whose boundary holds `p`.
pub fn township_at(shapes: &[TownshipShape], p: Xy) -> Option<String> {
    let pt = Point::new(p[0], p[1]);
    shapes
        .iter()
        .filter(|s| {
            s.bbox.is_some_and(|b| b.min().x <= p[0] && p[0] <= b.max().x && b.min().y <= p[1] && p[1] <= b.max().y)
        })
        .find(|s| s.shape.contains(&pt))
        .map(|s| s.township.name.clone())
}

/// Named settlements on the map; township and road node are filled in by the caller.
pub fn settlements(layer: &Layer, frame: &Frame) -> (Vec<Settlement>, usize) {
    let mut out = Vec::new();
    let mut dropped = 0;
    for f in &layer.features {
        let (Some(name), Some(p)) = (tag(f, "name"), point(f)) else {
            dropped += 1;
            continue;
        };
        let pos = frame.local(p);
        if !frame.inside(pos) {
            dropped += 1;
            continue;
        }
        out.push(Settlement {
            name,
            name_zh: tag(f, "name:zh").or_else(|| tag(f, "name_zh")),
            place: tag(f, "place").unwrap_or_else(|| "locality".into()),
            pos,
            population: tag_number(f, "population").filter(|n| (0.0..1e9).contains(n)).map(|n| n as u32),
            township: None,
            road_node: None,
        });
    }
    (out, dropped)
}

/// Waterway lines, cut at the map's edges (where rivers enter is where inflow comes from).
pub fn waterways(layer: &Layer, frame: &Frame) -> Vec<Waterway> {
    let mut out = Vec::new();
    for f in &layer.features {
        let kind = tag(f, "waterway").unwrap_or_else(|| "stream".into());
        let name = tag(f, "name");
        for line in super::layers::lines(f) {
            let local: Vec<Xy> = line.into_iter().map(|p| frame.local(p)).collect();
            for points in super::grid::clip_line(frame, &local) {
                out.push(Waterway { name: name.clone(), kind: kind.clone(), points });
            }
        }
    }
    out
}

/// Lakes, reservoirs and river areas: the outer ring of each polygon, plus the polygons
/// themselves (with holes) for the land-cover raster.
pub fn water_areas(layer: &Layer, frame: &Frame) -> (Vec<WaterArea>, Vec<Vec<Vec<Xy>>>) {
    let (mut areas, mut rings) = (Vec::new(), Vec::new());
    for f in &layer.features {
        let name = tag(f, "name");
        for p in polygons(f) {
            let local: Vec<Vec<Xy>> = p.iter().map(|r| r.iter().map(|&q| frame.local(q)).collect()).collect();
            if local[0].iter().any(|&q| frame.inside(q)) {
                areas.push(WaterArea { name: name.clone(), ring: local[0].clone() });
                rings.push(local);
            }
        }
    }
    (areas, rings)
}

/// The OSM keys that say what a point of interest is, most telling first.
const POI_KEYS: [&str; 9] =
    ["amenity", "emergency", "tourism", "healthcare", "office", "natural", "highway", "shop", "leisure"];

pub fn pois(layer: &Layer, frame: &Frame) -> Vec<Poi> {
    layer
        .features
        .iter()
        .filter_map(|f| {
            let kind = POI_KEYS.iter().find_map(|k| tag(f, k))?;
            let pos = frame.local(point(f)?);
            frame.inside(pos).then(|| Poi { name: tag(f, "name"), kind, pos })
        })
        .collect()
}
