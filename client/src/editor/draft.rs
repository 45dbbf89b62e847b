//! A new entry placed on the map, before it goes into the file: its kind, its place, and the
//! fields it needs beyond the place, with defaults from the map and the scenario (the nearest
//! village names it and gives its township and the village a slide threatens; a gauge takes the
//! stages of the scenario's last gauge, a depot the first material of the last depot). The form
//! edits the fields; [`Draft::fields`] writes the entry's RON for `lists::add_entry`.

use sim::map::{MapAsset, Xy};
use sim::scenario::{Scenario, StageDatum, TeamKind, VillageSpec};

use super::items::{Kind, place_text};
use super::lists::Fields;
use crate::i18n::T;

/// One field of the form.
pub struct Field {
    /// Its name in the file.
    pub key: &'static str,
    pub label: T,
    pub value: Value,
}

pub enum Value {
    Text(String),
    Whole(u32),
    Real(f64),
    /// One of `options`: (its RON text, what the form shows).
    Choice(Vec<(String, Shown)>, usize),
}

/// What a choice shows: a data name, or a word of the catalogue.
pub enum Shown {
    Name(String),
    Word(T),
}

pub struct Draft {
    pub kind: Kind,
    pub at: Xy,
    pub fields: Vec<Field>,
}

/// Where entries of `kind` live in the file.
pub fn list_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Shelter => "shelters",
        Kind::Gauge => "hazards.flood.gauges",
        Kind::Inflow => "hazards.flood.inflows",
        Kind::Ignition => "hazards.fire.ignitions",
        Kind::SlidePoint => "hazards.landslide.points",
        Kind::TeamBase => "teams",
        Kind::Depot => "depots",
        Kind::Inject => "injects",
    }
}

/// Whether `s` can take an entry of `kind`: a gauge needs a flood, an ignition a fire, a slide
/// point a landslide hazard.
pub fn can_add(kind: Kind, s: &Scenario) -> bool {
    match kind {
        Kind::Gauge | Kind::Inflow => s.hazards.flood.is_some(),
        Kind::Ignition => s.hazards.fire.is_some(),
        Kind::SlidePoint => s.hazards.landslide.is_some(),
        Kind::Shelter | Kind::TeamBase | Kind::Depot => true,
        Kind::Inject => false,
    }
}

/// Team kinds in the form's order, with their words.
const TEAM_KINDS: [(TeamKind, T); 5] = [
    (TeamKind::Village, T::EdTeamVillage),
    (TeamKind::Township, T::EdTeamTownship),
    (TeamKind::CountyProfessional, T::EdTeamCounty),
    (TeamKind::FireBrigade, T::EdTeamFire),
    (TeamKind::Volunteer, T::EdTeamVolunteer),
];

impl Draft {
    /// A new entry of `kind` at `at`, its fields filled from the scenario and the map.
    pub fn new(kind: Kind, at: Xy, s: &Scenario, map: &MapAsset) -> Draft {
        let near = nearest_village(s, map, at);
        let label = near.as_ref().map(|(v, zh)| zh.clone().unwrap_or_else(|| v.name.clone())).unwrap_or_default();
        let near = near.map(|(v, _)| v);
        let taken = names(kind, s);
        let name = |suffix: &str| {
            let base = format!("{label}{suffix}");
            let mut free = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}{n}") });
            let name = free.find(|n| !taken.contains(n)).unwrap_or_default();
            Field { key: "name", label: T::EdName, value: Value::Text(name) }
        };
        let f = |key, label, value| Field { key, label, value };
        let fields = match kind {
            Kind::Shelter => {
                let people = near.map(|v| v.population).unwrap_or(100);
                vec![name("避灾点"), f("capacity", T::EdCapacity, Value::Whole(people.div_ceil(50).max(1) * 50))]
            }
            Kind::Gauge => {
                let last =
                    s.hazards.flood.as_ref().and_then(|fl| fl.gauges.last()).filter(|g| g.datum == StageDatum::Bed);
                let stages = last.map_or([1.0, 1.6, 2.2], |g| [g.alert_m, g.warning_m, g.guaranteed_m]);
                vec![
                    name("水位站"),
                    f("alert_m", T::EdAlertM, Value::Real(stages[0])),
                    f("warning_m", T::EdWarningM, Value::Real(stages[1])),
                    f("guaranteed_m", T::EdGuaranteedM, Value::Real(stages[2])),
                ]
            }
            Kind::Inflow => vec![name("来水点"), f("m3_per_s", T::EdFlow, Value::Real(10.0))],
            Kind::Ignition => {
                let last = s.hazards.fire.as_ref().and_then(|fi| fi.ignitions.last()).map_or(0.0, |i| i.at_min);
                vec![f("at_min", T::EdStartMin, Value::Real(last)), f("cause", T::EdCause, Value::Text(String::new()))]
            }
            Kind::SlidePoint => {
                let options: Vec<(String, Shown)> =
                    s.villages.iter().map(|v| (v.name.clone(), Shown::Name(shown_village(v, map)))).collect();
                let picked = near.and_then(|n| s.villages.iter().position(|v| v.name == n.name)).unwrap_or(0);
                vec![
                    name("滑坡隐患点"),
                    f("threatens", T::EdThreatens, Value::Choice(options, picked)),
                    f("volume_m3", T::EdVolume, Value::Real(50_000.0)),
                ]
            }
            Kind::TeamBase => {
                let kinds = TEAM_KINDS.iter().map(|(k, t)| (format!("{k:?}"), Shown::Word(*t))).collect();
                let mut towns: Vec<String> = map.features.townships.iter().map(|t| t.name.clone()).collect();
                for t in s.villages.iter().filter_map(|v| v.township.clone()) {
                    if !towns.contains(&t) {
                        towns.push(t);
                    }
                }
                let home = near.and_then(|v| {
                    v.township.clone().or_else(|| map.settlement(&v.name).and_then(|x| x.township.clone()))
                });
                let picked = home.and_then(|h| towns.iter().position(|t| *t == h)).map_or(0, |i| i + 1);
                let mut options = vec![(String::new(), Shown::Word(T::EdCountyTeam))];
                options.extend(towns.into_iter().map(|t| (t.clone(), Shown::Name(t))));
                vec![
                    name("应急分队"),
                    f("kind", T::EdTeamKind, Value::Choice(kinds, 0)),
                    f("size", T::EdSize, Value::Whole(10)),
                    f("township", T::EdTownship, Value::Choice(options, picked)),
                    f("muster_min", T::EdMusterMin, Value::Real(15.0)),
                ]
            }
            Kind::Depot => {
                let material = s.depots.last().and_then(|d| d.materials.keys().next().cloned());
                vec![
                    name("物资储备点"),
                    f("material", T::EdMaterial, Value::Text(material.unwrap_or_else(|| "tents".to_string()))),
                    f("count", T::EdCount, Value::Whole(100)),
                ]
            }
            Kind::Inject => Vec::new(),
        };
        Draft { kind, at, fields }
    }

    /// The entry's name (an ignition's cause).
    pub fn name(&self) -> String {
        match self.get("name").or(self.get("cause")) {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// The RON text of field `key`.
    fn text(&self, key: &str) -> String {
        match self.get(key) {
            Some(Value::Text(t)) => format!("{t:?}"),
            Some(Value::Whole(n)) => n.to_string(),
            Some(Value::Real(x)) => x.to_string(),
            Some(Value::Choice(options, i)) => options.get(*i).map(|o| o.0.clone()).unwrap_or_default(),
            None => String::new(),
        }
    }

    /// The entry's fields as the file writes them, in the schema's order.
    pub fn fields(&self, map: &MapAsset) -> Fields {
        let place = place_text(self.at, map);
        let mut out: Vec<(&str, String)> = Vec::new();
        let copy = |out: &mut Vec<(&str, String)>, key: &'static str| out.push((key, self.text(key)));
        match self.kind {
            Kind::Shelter => {
                copy(&mut out, "name");
                out.push(("at", place));
                copy(&mut out, "capacity");
            }
            Kind::Gauge => {
                copy(&mut out, "name");
                out.push(("at", place));
                for key in ["alert_m", "warning_m", "guaranteed_m"] {
                    copy(&mut out, key);
                }
            }
            Kind::Inflow => {
                copy(&mut out, "name");
                out.push(("at", place));
                out.push(("hydrograph", format!("[(at_min: 0, m3_per_s: {})]", self.text("m3_per_s"))));
            }
            Kind::Ignition => {
                copy(&mut out, "at_min");
                out.push(("at", place));
                if !self.name().is_empty() {
                    copy(&mut out, "cause");
                }
            }
            Kind::SlidePoint => {
                copy(&mut out, "name");
                out.push(("at", place));
                out.push(("threatens", format!("[{:?}]", self.text("threatens"))));
                copy(&mut out, "volume_m3");
            }
            Kind::TeamBase => {
                for key in ["name", "kind", "size"] {
                    copy(&mut out, key);
                }
                out.push(("base", place));
                let town = self.text("township");
                if !town.is_empty() {
                    out.push(("township", format!("{town:?}")));
                }
                copy(&mut out, "muster_min");
            }
            Kind::Depot => {
                copy(&mut out, "name");
                out.push(("at", place));
                out.push(("materials", format!("{{{}: {}}}", self.text("material"), self.text("count"))));
            }
            Kind::Inject => {}
        }
        out.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

/// The scenario's village nearest `at` that the map has, with its Chinese name if known.
fn nearest_village<'s>(s: &'s Scenario, map: &MapAsset, at: Xy) -> Option<(&'s VillageSpec, Option<String>)> {
    let d2 = |p: Xy| (p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2);
    s.villages
        .iter()
        .filter_map(|v| map.settlement(&v.name).map(|x| (v, x)))
        .min_by(|a, b| d2(a.1.pos).total_cmp(&d2(b.1.pos)))
        .map(|(v, x)| (v, v.name_zh.clone().or(x.name_zh.clone())))
}

fn shown_village(v: &VillageSpec, map: &MapAsset) -> String {
    match v.name_zh.clone().or_else(|| map.settlement(&v.name).and_then(|x| x.name_zh.clone())) {
        Some(zh) => format!("{zh} {}", v.name),
        None => v.name.clone(),
    }
}

/// The names the list of `kind` already uses.
fn names(kind: Kind, s: &Scenario) -> Vec<String> {
    let flood = s.hazards.flood.as_ref();
    match kind {
        Kind::Shelter => s.shelters.iter().map(|x| x.name.clone()).collect(),
        Kind::Gauge => flood.map(|f| f.gauges.iter().map(|x| x.name.clone()).collect()).unwrap_or_default(),
        Kind::Inflow => flood.map(|f| f.inflows.iter().map(|x| x.name.clone()).collect()).unwrap_or_default(),
        Kind::Ignition => Vec::new(),
        Kind::SlidePoint => {
            s.hazards.landslide.as_ref().map(|l| l.points.iter().map(|x| x.name.clone()).collect()).unwrap_or_default()
        }
        Kind::TeamBase => s.teams.iter().map(|x| x.name.clone()).collect(),
        Kind::Depot => s.depots.iter().map(|x| x.name.clone()).collect(),
        Kind::Inject => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lists::add_entry;
    use super::*;

    /// Every kind a shipped scenario can take, placed beside its first village: the file still
    /// loads and passes `check` (no problem names the new entry), the entry reads back as
    /// drafted.
    #[test]
    fn a_drafted_entry_of_every_kind_loads_and_passes_the_check() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let dir = std::env::temp_dir().join(format!("sandtable-draft-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let kinds = Kind::ADDABLE;
        let mut tried = Vec::new();
        for name in ["flood_valira.ron", "fire_aubinya.ron", "landslide_massana.ron"] {
            let text = std::fs::read_to_string(root.join(name)).unwrap();
            let loaded = server::drill::load::load_scenario_and_map(&root.join(name)).unwrap();
            let map = loaded.map.unwrap();
            let s = loaded.scenario;
            let village = map.settlement(&s.villages[0].name).unwrap();
            let at = [village.pos[0] + 120.0, village.pos[1] - 80.0];
            for kind in kinds.into_iter().filter(|k| can_add(*k, &s)) {
                let draft = Draft::new(kind, at, &s, &map);
                let out = add_entry(&text, list_path(kind), &draft.fields(&map)).unwrap();
                let file = dir.join(name);
                std::fs::write(&file, &out).unwrap();
                let problems = server::check::check_file(&file);
                assert!(problems.is_empty(), "{name}: a new {kind:?}: {problems:?}\n{:?}", draft.fields(&map));
                let after = sim::scenario::parse_scenario(name, &out).unwrap();
                let added = super::super::items::placeable(&after).into_iter().rev().find(|i| i.kind == kind).unwrap();
                if kind != Kind::Ignition {
                    assert_eq!(added.name, draft.name(), "{name}: {kind:?}");
                    assert!(added.name.starts_with(s.villages[0].name_zh.as_deref().unwrap()), "{}", added.name);
                }
                let back = super::super::items::position(&added.place, &map).unwrap();
                assert!((back[0] - at[0]).abs() < 2.0 && (back[1] - at[1]).abs() < 2.0, "{back:?} vs {at:?}");
                tried.push(kind);
            }
        }
        tried.sort();
        tried.dedup();
        assert_eq!(tried, kinds, "every kind tried");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_new_name_is_not_one_the_list_has() {
        let map = sim::testkit::TestMap::valley().village("Dorf", [1500.0, 1200.0]).build();
        let text = "(schema: 1, name: \"x\", map: \"m\", start: \"2024-07-15 14:00\", duration_h: 1, villages: [(name: \"Dorf\", name_zh: \"村\", population: 120)], shelters: [(name: \"村避灾点\", at: Village(\"Dorf\"), capacity: 10)], roles: [], plan: (name: \"p\", levels: [], actions: []))";
        let s = sim::scenario::parse_scenario("x", text).unwrap();
        let d = Draft::new(Kind::Shelter, [1500.0, 1200.0], &s, &map);
        assert_eq!(d.name(), "村避灾点2");
        assert!(matches!(d.fields[1].value, Value::Whole(150)), "capacity: the village's 120 people, to the 50 above");
    }
}
