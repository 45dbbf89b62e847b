//! The vector features other than roads: townships from admin boundaries, settlements (with the
//! township that holds them), waterways, water areas and points of interest, in local metres.

use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use sim::map::{Poi, Settlement, Township, WaterArea, Waterway, Xy};

use super::error::ImportError;
use super::grid::Frame;
use super::layers::{Layer, LonLat, geometry_kind, point, polygons, tag, tag_any_case, tag_number};
use super::left_out::{Fate, Ledger, outside};

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

pub fn townships(layer: &Layer, level: u32, frame: &Frame, ledger: &mut Ledger) -> Vec<TownshipShape> {
    let mut out = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        if tag_number(f, "admin_level") != Some(level as f64) {
            continue;
        }
        let Some(name) = NAME_FIELDS.iter().find_map(|k| tag_any_case(f, k)) else {
            ledger.note(
                Fate::Dropped,
                layer,
                f,
                i,
                None,
                format!("a township boundary (admin_level {level}) with no name"),
            );
            continue;
        };
        let polys: Vec<Polygon<f64>> = polygons(f).iter().map(|p| polygon(frame, p)).collect();
        if polys.is_empty() {
            ledger.note(Fate::Dropped, layer, f, i, Some(name), format!("{}, not a polygon", geometry_kind(f)));
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

/// The fields a settlement's name is read from, first found wins, case ignored (`NAME` is the
/// usual spelling in shapefiles and in exports from Chinese bureaus), unless `--name-field`.
pub const NAME_FIELDS: [&str; 9] = ["name", "名称", "村名", "地名", "NAME_ZH", "NAME_CN", "MC", "XZQMC", "NAME_EN"];
/// Fields for the Chinese name beside a name in another script.
const NAME_ZH_FIELDS: [&str; 5] = ["name:zh", "name_zh", "NAME_ZH", "NAME_CN", "名称"];
const POPULATION_FIELDS: [&str; 5] = ["population", "人口", "总人口", "POP", "RKS"];

/// Where settlement names come from: the field asked for, else [`NAME_FIELDS`].
pub fn name_fields(asked: Option<&str>) -> Vec<&str> {
    match asked {
        Some(f) => vec![f],
        None => NAME_FIELDS.to_vec(),
    }
}

/// Named settlements on the map, every other feature listed in `ledger` with its reason;
/// township and road node are filled in by the caller. A layer where no feature has a name in
/// any of the fields is an error naming the fields tried and those the layer has.
pub fn settlements(
    layer: &Layer,
    frame: &Frame,
    name_field: Option<&str>,
    ledger: &mut Ledger,
) -> Result<Vec<Settlement>, ImportError> {
    let fields = name_fields(name_field);
    let name_of = |f: &geojson::Feature| fields.iter().find_map(|k| tag_any_case(f, k));
    if !layer.features.is_empty() && !layer.features.iter().any(|f| name_of(f).is_some()) {
        let mut seen: Vec<&str> =
            layer.features.iter().flat_map(|f| f.properties_iter().map(|(k, _)| k.as_str())).collect();
        seen.sort_unstable();
        seen.dedup();
        return Err(ImportError::format(
            &layer.path,
            format!(
                "no settlement has a name in {} (the layer's fields: {}); pass the name field with --name-field FIELD",
                fields.join(", "),
                if seen.is_empty() { "none".to_string() } else { seen.join(", ") }
            ),
        ));
    }
    let mut out: Vec<Settlement> = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        let name = name_of(f);
        let Some(p) = point(f) else {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("{}, not a point", geometry_kind(f)));
            continue;
        };
        let Some(name) = name else {
            ledger.note(Fate::Dropped, layer, f, i, None, format!("no name (none of {} is set)", fields.join(", ")));
            continue;
        };
        let pos = frame.local(p);
        if !frame.inside(pos) {
            ledger.note(Fate::Dropped, layer, f, i, Some(name), outside(frame, p, pos));
            continue;
        }
        let name_zh = NAME_ZH_FIELDS.iter().filter_map(|k| tag_any_case(f, k)).find(|z| *z != name);
        out.push(Settlement {
            name,
            name_zh,
            place: tag_any_case(f, "place").unwrap_or_else(|| "locality".into()),
            pos,
            population: POPULATION_FIELDS
                .iter()
                .find_map(|k| tag_any_case(f, k).and_then(|_| tag_number_any_case(f, k)))
                .filter(|n| (0.0..1e9).contains(n))
                .map(|n| n as u32),
            township: None,
            road_node: None,
        });
    }
    Ok(out)
}

/// A numeric property whose key matches ignoring case (see [`tag_any_case`]).
fn tag_number_any_case(f: &geojson::Feature, key: &str) -> Option<f64> {
    let real = f.properties_iter().map(|(k, _)| k).find(|k| k.as_str() == key || k.eq_ignore_ascii_case(key))?;
    tag_number(f, real)
}

/// Waterway lines, cut at the map's edges (where rivers enter is where inflow comes from).
pub fn waterways(layer: &Layer, frame: &Frame, ledger: &mut Ledger) -> Vec<Waterway> {
    let mut out = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        let kind = tag(f, "waterway").unwrap_or_else(|| "stream".into());
        let name = tag(f, "name");
        let lines = super::layers::lines(f);
        if lines.is_empty() {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("{}, not a line", geometry_kind(f)));
            continue;
        }
        let (mut kept, mut cut) = (0, false);
        for line in lines {
            let local: Vec<Xy> = line.into_iter().map(|p| frame.local(p)).collect();
            cut |= local.iter().any(|&p| !frame.inside(p));
            for points in super::grid::clip_line(frame, &local) {
                out.push(Waterway { name: name.clone(), kind: kind.clone(), points });
                kept += 1;
            }
        }
        if kept == 0 {
            ledger.note(Fate::Dropped, layer, f, i, name, "outside the map's box");
        } else if cut {
            ledger.note(Fate::Clipped, layer, f, i, name, "runs past the map's edge: the part on the map kept");
        }
    }
    out
}

/// Lakes, reservoirs and river areas: the outer ring of each polygon, plus the polygons
/// themselves (with holes) for the land-cover raster.
pub fn water_areas(layer: &Layer, frame: &Frame, ledger: &mut Ledger) -> (Vec<WaterArea>, Vec<Vec<Vec<Xy>>>) {
    let (mut areas, mut rings) = (Vec::new(), Vec::new());
    for (i, f) in layer.features.iter().enumerate() {
        let name = tag(f, "name");
        let polys = polygons(f);
        if polys.is_empty() {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("{}, not a polygon", geometry_kind(f)));
            continue;
        }
        let before = areas.len();
        for p in polys {
            let local: Vec<Vec<Xy>> = p.iter().map(|r| r.iter().map(|&q| frame.local(q)).collect()).collect();
            if local[0].iter().any(|&q| frame.inside(q)) {
                areas.push(WaterArea { name: name.clone(), ring: local[0].clone() });
                rings.push(local);
            }
        }
        if areas.len() == before {
            ledger.note(Fate::Dropped, layer, f, i, name, "outside the map's box");
        }
    }
    (areas, rings)
}

/// The OSM keys that say what a point of interest is, most telling first.
const POI_KEYS: [&str; 9] =
    ["amenity", "emergency", "tourism", "healthcare", "office", "natural", "highway", "shop", "leisure"];

pub fn pois(layer: &Layer, frame: &Frame, ledger: &mut Ledger) -> Vec<Poi> {
    let mut out = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        let name = tag(f, "name");
        let Some(kind) = POI_KEYS.iter().find_map(|k| tag(f, k)) else {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("no kind (none of {} is set)", POI_KEYS.join(", ")));
            continue;
        };
        let Some(p) = point(f) else {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("{}, not a point", geometry_kind(f)));
            continue;
        };
        let pos = frame.local(p);
        if frame.inside(pos) {
            out.push(Poi { name, kind, pos });
        } else {
            ledger.note(Fate::Dropped, layer, f, i, name, outside(frame, p, pos));
        }
    }
    out
}
