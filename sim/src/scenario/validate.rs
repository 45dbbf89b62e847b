//! Semantic validation of a parsed scenario against its map: every problem, not the first, each
//! with the path inside the file and the line where the file writes it.
//!
//! Rationale: an author fixing a file by hand wants the whole list at once (rust-analyzer's
//! "never fail, return the errors" rule). Checks that need the map are skipped when it is missing;
//! everything else is still checked.

mod plan;
mod world;

use std::collections::BTreeSet;

use crate::map::{MapAsset, MapError, Xy};

use super::source_map::SourceMap;
use super::{Place, Problem, SCHEMA_VERSION, Scenario, parse_start};

/// Longest drill a scenario may describe: a month covers the longest rain spells (landslides).
pub const MAX_DURATION_H: f64 = 720.0;

/// Validates against a loaded map.
pub fn validate(file: &str, text: &str, s: &Scenario, map: &MapAsset) -> Vec<Problem> {
    validate_against(file, text, s, Ok(map))
}

/// Validates against the map, or against the error that kept it from loading (reported as a
/// problem at `map`; the checks that need the map are skipped).
pub fn validate_against(file: &str, text: &str, s: &Scenario, map: Result<&MapAsset, &MapError>) -> Vec<Problem> {
    let mut c = Check { file, src: SourceMap::new(text), s, map: map.ok(), out: Vec::new() };
    c.header(map.err());
    c.weather();
    c.hazards();
    c.villages_and_shelters();
    c.teams_and_depots();
    c.roles();
    c.plan();
    c.injects();
    c.reaction();
    c.scoring();
    c.out.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.col.unwrap_or(usize::MAX)));
    c.out
}

/// Where a place is on the map, or `None` when it names an unknown village.
pub fn resolve_place(place: &Place, map: &MapAsset) -> Option<Xy> {
    match place {
        Place::Village(v) => map.settlement(v).map(|s| s.pos),
        Place::LonLat(lon, lat) => Some(map.meta.projection.to_local(*lon, *lat)),
        Place::Near { village, east_m, north_m } => {
            map.settlement(village).map(|s| [s.pos[0] + east_m, s.pos[1] + north_m])
        }
    }
}

/// The validation pass: the scenario, where its values are written, and the problems so far.
struct Check<'a> {
    file: &'a str,
    src: SourceMap,
    s: &'a Scenario,
    map: Option<&'a MapAsset>,
    out: Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, path: impl AsRef<str>, message: impl Into<String>) {
        let p = Problem::at(self.file, &self.src, path.as_ref(), message);
        self.out.push(p);
    }

    fn duration_min(&self) -> f64 {
        self.s.duration_h * 60.0
    }

    /// A time in minutes from the start must fall inside the drill; false if it does not.
    fn time(&mut self, path: &str, t: f64) -> bool {
        let end = self.duration_min();
        if !t.is_finite() || t < 0.0 || (end.is_finite() && end > 0.0 && t > end) {
            self.problem(
                path,
                format!("time {t} min is outside the drill (0 to {end} min, duration_h {})", self.s.duration_h),
            );
            return false;
        }
        true
    }

    /// A number must be finite and inside `[lo, hi]`.
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64, what: &str) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.problem(path, format!("{what} must be between {lo} and {hi}, found {v}"));
        }
    }

    /// A number must be finite and more than zero.
    fn positive(&mut self, path: &str, v: f64, what: &str) {
        if !(v.is_finite() && v > 0.0) {
            self.problem(path, format!("{what} must be more than 0, found {v}"));
        }
    }

    /// Names in a list must be unique and not empty.
    fn unique_names<'n>(&mut self, list: &str, names: impl Iterator<Item = &'n str>, what: &str) {
        let mut seen = BTreeSet::new();
        for (i, n) in names.enumerate() {
            if n.trim().is_empty() {
                self.problem(format!("{list}[{i}].name"), format!("{what} name is empty"));
            } else if !seen.insert(n) {
                self.problem(format!("{list}[{i}].name"), format!("{what} `{n}` is defined twice"));
            }
        }
    }

    fn header(&mut self, map_err: Option<&MapError>) {
        let s = self.s;
        // Older schemas were brought up to this one as the file loaded.
        if s.schema != SCHEMA_VERSION {
            self.problem("schema", super::migrate::unsupported(s.schema));
        }
        if s.name.trim().is_empty() {
            self.problem("name", "name is empty: give the drill a title");
        }
        if !is_folder_name(&s.map) {
            self.problem(
                "map",
                format!("map `{}` must be a folder name under assets/maps/ (letters, digits, `_`, `-`)", s.map),
            );
        } else if let Some(e) = map_err {
            self.problem("map", map_error_message(&s.map, e));
        }
        if let Err(why) = parse_start(&s.start) {
            self.problem(
                "start",
                format!("start `{}` {why}; write it as \"YYYY-MM-DD HH:MM\", e.g. \"2024-07-15 14:00\"", s.start),
            );
        }
        if !(s.duration_h.is_finite() && s.duration_h > 0.0 && s.duration_h <= MAX_DURATION_H) {
            self.problem(
                "duration_h",
                format!(
                    "duration_h must be more than 0 and at most {MAX_DURATION_H} (30 days), found {}",
                    s.duration_h
                ),
            );
        }
        if s.tick_s == 0 || s.tick_s > 3600 {
            self.problem("tick_s", format!("tick_s must be between 1 and 3600 seconds, found {}", s.tick_s));
        }
    }

    /// Checks a place: a known settlement, a plausible lon/lat, and inside the map's grid.
    fn place(&mut self, path: &str, place: &Place) {
        if let Place::LonLat(lon, lat) = place
            && !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0)
        {
            self.problem(path, format!("LonLat({lon}, {lat}) is not a longitude and latitude in degrees"));
            return;
        }
        if let Place::Near { east_m, north_m, .. } = place
            && !(east_m.is_finite() && north_m.is_finite())
        {
            self.problem(path, "Near offsets east_m and north_m must be numbers");
            return;
        }
        let Some(map) = self.map else { return };
        let village = match place {
            Place::Village(v) | Place::Near { village: v, .. } => Some(v),
            Place::LonLat(..) => None,
        };
        if let Some(v) = village
            && map.settlement(v).is_none()
        {
            let hint = suggest(v, map.features.settlements.iter().map(|s| s.name.as_str()));
            self.problem(
                path,
                format!("unknown village `{v}`: no settlement of that name on map `{}`{hint}", map.meta.name),
            );
            return;
        }
        let Some(p) = resolve_place(place, map) else { return };
        if !map.grid.contains(p) {
            let (lon0, lat0) = map.meta.projection.to_lonlat([0.0, 0.0]);
            let (lon1, lat1) = map.meta.projection.to_lonlat([map.grid.width_m(), map.grid.height_m()]);
            let (lon, lat) = map.meta.projection.to_lonlat(p);
            self.problem(
                path,
                format!(
                    "{} is off the map `{}` (lon {lon:.4}, lat {lat:.4}; the map covers lon {lon0:.3} to {lon1:.3}, lat {lat0:.3} to {lat1:.3})",
                    describe_place(place),
                    map.meta.name
                ),
            );
        }
    }

    /// A name that must be one of the scenario's villages (people live there in the drill).
    fn village_ref(&mut self, path: &str, name: &str) {
        let s = self.s;
        // By map name only: the world and the scoring look villages up by that name.
        if s.villages.iter().any(|v| v.name == name) {
            return;
        }
        let on_map = self.map.is_some_and(|m| m.settlement(name).is_some());
        let msg = if on_map {
            format!("`{name}` is on the map but not one of the scenario's villages: add it to `villages`")
        } else {
            let hint = suggest(name, s.villages.iter().map(|v| v.name.as_str()));
            format!("unknown village `{name}`: not one of the scenario's villages{hint}")
        };
        self.problem(path, msg);
    }
}

/// `Missing map` and friends, naming the map folder relative to the data root.
fn map_error_message(name: &str, e: &MapError) -> String {
    let file = |p: &std::path::Path| {
        format!("assets/maps/{name}/{}", p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
    };
    match e {
        MapError::Missing { path } => format!(
            "map `{name}` not found: {} is missing (create it with `sandtable-server import-map --name {name} ...`)",
            file(path)
        ),
        MapError::Io { path, source } => format!("map `{name}`: cannot read {}: {source}", file(path)),
        MapError::Corrupt { path, reason } => format!("map `{name}`: {} is corrupt: {reason}", file(path)),
    }
}

fn is_folder_name(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !s.starts_with('.')
}

fn describe_place(p: &Place) -> String {
    match p {
        Place::Village(v) => format!("village `{v}`"),
        Place::LonLat(lon, lat) => format!("LonLat({lon}, {lat})"),
        Place::Near { village, east_m, north_m } => {
            format!("the point {east_m} m east, {north_m} m north of `{village}`")
        }
    }
}

/// ", did you mean `X`?" when a close name exists; else a short list of what exists.
fn suggest<'n>(wrong: &str, names: impl Iterator<Item = &'n str>) -> String {
    let names: Vec<&str> = names.collect();
    let folded = fold(wrong);
    let best = names.iter().map(|n| (edit_distance(&folded, &fold(n)), *n)).min();
    // "Sant Julia" for "Sant Julià de Lòria": a clear start of one name is a good guess too.
    let prefix =
        names.iter().filter(|n| folded.chars().count() >= 4 && fold(n).starts_with(&folded)).collect::<Vec<_>>();
    match best {
        Some((d, n)) if d <= (wrong.chars().count() / 3).max(2) => format!(" (did you mean `{n}`?)"),
        _ if prefix.len() == 1 => format!(" (did you mean `{}`?)", prefix[0]),
        _ if names.is_empty() => String::new(),
        _ if names.len() <= 12 => format!(" (known: {})", names.join(", ")),
        _ => String::new(),
    }
}

/// Lower case without Catalan/French accents, for matching names typed without them.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            '’' | '`' => '\'',
            c => c,
        })
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests;
