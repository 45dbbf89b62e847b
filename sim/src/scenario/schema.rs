//! Scenario schema v1: the RON file a county or township emergency office writes by hand.
//! Names rather than ids, units in field names, defaults for what is optional, Chinese allowed.
//! `scenarios/flood_valira.ron` is the annotated example.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::score::{Category, DisciplineKind};
use crate::world::{HazardKind, ReportField};

/// The schema version this build writes; it reads every version from 1 up to it
/// (`sim::scenario::migrate`).
pub const SCHEMA_VERSION: u32 = 2;

/// The whole drill: one `( ... )` value in a `.ron` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The schema version the file is written for. Older files are read as the current schema
    /// as they load; `sandtable-server check --migrate FILE` rewrites them.
    /// Default: `1` when left out
    /// Range: 1 to the current schema
    pub schema: u32,
    /// Title shown in the lobby and the report, e.g. "大河谷暴雨洪水演练".
    pub name: String,
    /// English title, shown beside the Chinese one.
    /// Example: `name_en: "Valira river flood drill"`
    #[serde(default)]
    pub name_en: Option<String>,
    /// What the drill exercises, for the controller and the report.
    #[serde(default)]
    pub description: String,
    /// Map asset name: the folder `assets/maps/<map>/` (letters, digits, `_`, `-`).
    pub map: String,
    /// Local start time, "YYYY-MM-DD HH:MM"; shown on the drill clock.
    pub start: String,
    /// How long the drill runs in drill time.
    /// Range: more than 0, at most 720 (30 days)
    pub duration_h: f64,
    /// Simulated seconds per tick: the step of the hazard models and the world.
    /// Range: 1–3600
    #[serde(default = "default_tick_s")]
    pub tick_s: u32,
    /// The drill's seed (fuel moisture noise, bot reaction times); `--seed` overrides it.
    /// Example: `seed: 20240715`
    #[serde(default)]
    pub seed: u64,
    /// Piecewise-constant weather: each point holds from its `at_min` until the next.
    #[serde(default)]
    pub weather: Vec<WeatherPoint>,
    /// The hazards the drill models: at least one of flood, fire, landslide.
    #[serde(default)]
    pub hazards: Hazards,
    /// The villages (行政村/自然村) of the drill, with their people.
    pub villages: Vec<VillageSpec>,
    /// Shelters (避灾点) villages evacuate to.
    #[serde(default)]
    pub shelters: Vec<ShelterSpec>,
    /// Rescue teams (救援队伍) the posts can dispatch.
    #[serde(default)]
    pub teams: Vec<TeamSpec>,
    /// Material depots (物资储备点).
    #[serde(default)]
    pub depots: Vec<DepotSpec>,
    /// Roles on offer, named as on the command line: "controller", "command:<township>",
    /// "county", "informant:<village>" (or "informant:*" for every village), "team:<team>" (or "team:*").
    pub roles: Vec<String>,
    /// The emergency plan (应急预案) the drill tests: its levels, required actions and scoring form.
    pub plan: Plan,
    /// Scripted injects (情景注入) the controller delivers: messages and events.
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// Weights of the score's three parts.
    #[serde(default)]
    pub scoring: ScoringWeights,
    /// The hall session this drill is meant to fit in adaptive time (server branch).
    #[serde(default)]
    pub session: Option<SessionSpec>,
    /// Human reaction times per role for bots playing a seat (`diligent` policy); roles not
    /// listed use the bots' defaults.
    /// Example: `reaction: [(who: "informant:*", min_min: 3, max_min: 10)]`
    #[serde(default)]
    pub reaction: Vec<ReactionSpec>,
}

/// A suggested hall session for adaptive time: how long it should take on the wall clock, the
/// speed while something needs a person, and the fast-forward speed while nothing does
/// (simulated seconds per wall second).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    /// How long the session in the hall should take on the wall clock.
    /// Range: more than 0 (`check` does not check it yet)
    pub hours: f64,
    /// Drill seconds per wall second while an event needs a person.
    /// Unit: 倍速 drill s per wall s
    /// Range: more than 0 (`check` does not check it yet)
    #[serde(default = "default_decision_speed")]
    pub decision_speed: f32,
    /// Drill seconds per wall second while nothing needs anyone.
    /// Unit: 倍速 drill s per wall s
    /// Range: more than 0 (`check` does not check it yet)
    pub fast_speed: f32,
}

fn default_decision_speed() -> f32 {
    1.0
}

/// How long a person in a role takes to act on what they see, minutes, drawn uniformly from
/// `min_min..=max_min` from the drill's seeded stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactionSpec {
    /// A role pattern, as in `who`: "informant:*", "command", "county"...
    /// Example: `who: "informant:*"`
    pub who: String,
    /// The shortest reaction.
    /// Range: 0–1440
    /// Example: `min_min: 3`
    pub min_min: f64,
    /// The longest reaction (at least `min_min`).
    /// Range: 0–1440
    /// Example: `max_min: 10`
    pub max_min: f64,
}

fn default_tick_s() -> u32 {
    60
}

/// A place on the map, by name where possible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Place {
    /// A settlement of the map, by its map name (or its Chinese name).
    /// Example: `Village("Encamp")`
    Village(String),
    /// WGS84 (or CGCS2000) longitude and latitude in degrees, longitude first.
    /// Example: `LonLat(1.5342, 42.5368)`
    LonLat(f64, f64),
    /// An offset in metres from a settlement, east and north.
    /// Example: `Near(village: "Encamp", east_m: 300, north_m: -150)`
    Near { village: String, east_m: f64, north_m: f64 },
}

/// The weather from a moment on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherPoint {
    /// When this weather begins, minutes from the start (points in time order).
    /// Range: 0 to the drill's end
    pub at_min: f64,
    /// Rain intensity over the whole map.
    /// Range: 0–300
    #[serde(default)]
    pub rain_mm_per_h: f64,
    /// Wind speed at 10 m.
    /// Range: 0–70
    #[serde(default)]
    pub wind_m_per_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    /// Range: 0–360
    #[serde(default)]
    pub wind_from_deg: f64,
    /// Air temperature.
    /// Range: −60–60
    #[serde(default = "default_temperature")]
    pub temperature_c: f64,
    /// Relative humidity.
    /// Range: 0–100
    #[serde(default = "default_humidity")]
    pub humidity_percent: f64,
}

fn default_temperature() -> f64 {
    20.0
}
fn default_humidity() -> f64 {
    60.0
}

/// The drill's hazards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hazards {
    /// River and rain flood (洪水): inflows, gauges, runoff.
    #[serde(default)]
    pub flood: Option<FloodSpec>,
    /// Forest fire (森林火灾): ignitions and fuels.
    #[serde(default)]
    pub fire: Option<FireSpec>,
    /// Landslides and debris flows (地质灾害): registered hazard points.
    #[serde(default)]
    pub landslide: Option<LandslideSpec>,
}

/// A flood: rivers entering, rain running off, gauges read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloodSpec {
    /// Share of the SCS curve-number direct runoff (by land cover) that reaches the surface flow (0–1).
    /// Range: 0–1
    #[serde(default = "default_runoff")]
    pub runoff_fraction: f64,
    /// Rivers entering the modelled area, each with its hydrograph.
    #[serde(default)]
    pub inflows: Vec<InflowSpec>,
    /// River gauges (水位站) whose stages the plan's levels read.
    #[serde(default)]
    pub gauges: Vec<GaugeSpec>,
}

fn default_runoff() -> f64 {
    0.6
}

/// River inflow at a point: a hydrograph, linear between points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InflowSpec {
    /// The inflow's name (unique among inflows).
    pub name: String,
    /// Where the river enters: on its channel.
    pub at: Place,
    /// Discharge over time (at least one point, in time order).
    pub hydrograph: Vec<FlowPoint>,
}

/// One point of a hydrograph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowPoint {
    /// Minutes from the start.
    /// Range: 0 to the drill's end
    pub at_min: f64,
    /// Discharge.
    /// Range: 0–100000
    pub m3_per_s: f64,
}

/// A river gauge (水位站) with the plan's three stages, in metres measured as `datum` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GaugeSpec {
    /// The gauge's name, as `GaugeAbove(gauge: ...)` names it.
    pub name: String,
    /// Where it stands: on the river's channel.
    pub at: Place,
    /// 设防水位: embankment patrols begin, m in the gauge's `datum` (depth above the bed by
    /// default).
    pub alert_m: f64,
    /// 警戒水位: teams onto the embankment, m in the gauge's `datum`; above `alert_m`.
    pub warning_m: f64,
    /// 保证水位: emergency status, prepare evacuation, m in the gauge's `datum`; above `warning_m`.
    pub guaranteed_m: f64,
    /// What the stages are measured from (default `Bed`: depth above the river bed of the
    /// gauge's model cell). `check` prints what each stage means in the model.
    /// Example: `datum: Staff(zero_m: 1040.5)`
    #[serde(default)]
    pub datum: StageDatum,
}

/// How a plan writes its gauge stages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum StageDatum {
    /// Water depth above the bed of the gauge's model cell, m.
    #[default]
    Bed,
    /// Water level, m above sea level (高程), as most plans give 警戒水位 and 保证水位.
    Elevation,
    /// Readings of the gauge's staff (水尺读数), m, whose zero stands at `zero_m` m above sea level.
    Staff { zero_m: f64 },
}

impl GaugeSpec {
    /// The three stages (alert, warning, guaranteed) as depths above the bed of the gauge's
    /// cell, the measure the model's gauges read, given that bed's elevation (m above sea level).
    pub fn depths_above_bed(&self, bed_m: f64) -> [f64; 3] {
        let stages = [self.alert_m, self.warning_m, self.guaranteed_m];
        match self.datum {
            StageDatum::Bed => stages,
            StageDatum::Elevation => stages.map(|m| m - bed_m),
            StageDatum::Staff { zero_m } => stages.map(|m| zero_m + m - bed_m),
        }
    }
}

/// A forest fire: where it starts and what burns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FireSpec {
    /// Where and when fires start (more may start from injects).
    pub ignitions: Vec<IgnitionSpec>,
    /// Dead fine fuel moisture, percent (10 h and 100 h fuels 1 and 2 points wetter, live herb
    /// 90 %, live woody 120 %), used when `moisture` is empty.
    /// Range: 1–100
    #[serde(default = "default_fuel_moisture")]
    pub fuel_moisture_percent: f64,
    /// Land cover name → standard fuel model code (Anderson "FM1".."FM13", Scott & Burgan "GR1"..,
    /// "NB1"..), overriding the defaults of `sim::hazard::fire`, e.g. `{"Forest": "TL3"}`.
    /// Range: land covers Forest, Shrub, Grass, Farmland, Urban, Water, BareRock, Wetland
    #[serde(default)]
    pub fuel_models: BTreeMap<String, String>,
    /// Fuel moisture over time, percent; each point holds until the next.
    #[serde(default)]
    pub moisture: Vec<FuelMoisturePoint>,
}

/// Fuel moistures from `at_min` on, percent of oven-dry weight. (Schema 1 called the fields
/// `m1h`, `m10h`, `m100h`, `mherb`, `mwoody`, as BehavePlus and `model fire` do.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelMoisturePoint {
    /// Minutes from the start.
    /// Range: 0 to the drill's end
    pub at_min: f64,
    /// Dead fuels that dry within an hour (fine litter, cured grass); BehavePlus's M1h.
    /// Range: 1–100
    #[serde(rename = "dead_1h_percent")]
    pub m1h: f64,
    /// Dead fuels of 10 hours (twigs 0.6–2.5 cm); M10h.
    /// Range: 1–100
    #[serde(rename = "dead_10h_percent")]
    pub m10h: f64,
    /// Dead fuels of 100 hours (branches 2.5–7.6 cm); M100h.
    /// Range: 1–100
    #[serde(rename = "dead_100h_percent")]
    pub m100h: f64,
    /// Live herbaceous fuels; Mherb.
    /// Range: 1–400
    #[serde(rename = "live_herb_percent")]
    pub mherb: f64,
    /// Live woody fuels; Mwoody.
    /// Range: 1–400
    #[serde(rename = "live_woody_percent")]
    pub mwoody: f64,
}

fn default_fuel_moisture() -> f64 {
    8.0
}

/// A fire's start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnitionSpec {
    /// When the fire starts, minutes from the start.
    /// Range: 0 to the drill's end
    pub at_min: f64,
    /// Where it starts: in fuel that can burn.
    pub at: Place,
    /// What started it, for the report (e.g. "清明祭祀烧纸").
    #[serde(default)]
    pub cause: String,
}

/// Landslides: the registered hazard points of the drill.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandslideSpec {
    /// The hazard points (at least one).
    pub points: Vec<HazardPointSpec>,
}

/// A registered geological hazard point (隐患点) with its monitor and the villages below it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardPointSpec {
    /// The point's name, as `SlopeSigns(point: ...)` names it.
    pub name: String,
    /// Where the slope is.
    pub at: Place,
    /// Villages in the runout path (at least one), by map name.
    pub threatens: Vec<String>,
    /// Volume of the slide; its debris runs out to the travel-angle reach of this volume.
    /// Range: more than 0
    #[serde(default = "default_volume")]
    pub volume_m3: f64,
    // The slope fails when its infinite-slope factor of safety drops below 1 as rain raises the
    // water table (`sim::hazard::landslide`). Soil numbers left out get defaults by slope and
    // land cover.
    /// Slope angle, degrees (default: the map's slope at the point, which a 75 m grid smooths).
    /// Default: the map's slope at the point
    /// Range: above 0, up to 89
    #[serde(default)]
    pub slope_deg: Option<f64>,
    /// Vertical depth of the slip surface, m.
    /// Default: by slope and land cover
    /// Range: above 0, up to 100
    #[serde(default)]
    pub depth_m: Option<f64>,
    /// Effective cohesion, soil plus roots, kPa.
    /// Default: by slope and land cover, or calibrated from `critical_rain_mm`
    /// Range: 0–1000
    #[serde(default)]
    pub cohesion_kpa: Option<f64>,
    /// Effective friction angle, degrees.
    /// Default: by land cover
    /// Range: 0–90
    #[serde(default)]
    pub friction_deg: Option<f64>,
    /// Saturated unit weight of the soil, kN/m³.
    /// Default: by land cover
    /// Range: above 0, up to 40
    #[serde(default)]
    pub unit_weight_kn_per_m3: Option<f64>,
    /// Water table ratio m = h_w / z at the start (wetness from earlier rain), 0–1.
    /// Unit: 比值 ratio
    /// Range: 0–1
    #[serde(default)]
    pub initial_water_table_ratio: f64,
    /// Time constant of the water table's drainage, hours (default 24).
    /// Default: `24`
    /// Range: above 0, up to 10000
    #[serde(default)]
    pub drainage_h: Option<f64>,
    /// Drainable porosity of the soil, 0–1 (default 0.1).
    /// Unit: 比值 ratio
    /// Default: `0.1`
    /// Range: above 0, up to 1
    #[serde(default)]
    pub drainable_porosity: Option<f64>,
    /// Factor of safety below which cracks and creep show (default 1.1).
    /// Unit: —
    /// Default: `1.1`
    /// Range: 1–10
    #[serde(default)]
    pub signs_factor_of_safety: Option<f64>,
    /// Calibration: without `cohesion_kpa`, the cohesion is set so that this much rain falling
    /// at once on the starting water table brings the slope to failure, mm.
    /// Range: more than 0
    /// Example: `critical_rain_mm: 120`
    #[serde(default)]
    pub critical_rain_mm: Option<f64>,
    /// Calibration: with `critical_rain_mm`, signs show at the factor of safety this much rain
    /// falling at once would give, mm.
    /// Range: less than `critical_rain_mm`
    /// Example: `signs_rain_mm: 70`
    #[serde(default)]
    pub signs_rain_mm: Option<f64>,
}

fn default_volume() -> f64 {
    50_000.0
}

/// A village (村) and its people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VillageSpec {
    /// The settlement's name on the map (e.g. "Santa Coloma").
    pub name: String,
    /// Its Chinese name, shown first.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// People at home at the start.
    /// Unit: 人 people
    /// Range: more than 0
    pub population: u32,
    /// Elderly, disabled, children: evacuated first.
    /// Unit: 人 people
    /// Range: 0 to `population`
    #[serde(default)]
    pub vulnerable: u32,
    /// Name of the shelter this village evacuates to (逃生明白纸).
    #[serde(default)]
    pub shelter: Option<String>,
    /// Share of the able people who refuse to leave until a team comes, percent (0–100).
    /// Range: 0–100
    /// Example: `refuse_percent: 10`
    #[serde(default)]
    pub refuse_percent: f64,
    /// The township (乡镇) this village answers to in this exercise, when it is not the map's
    /// parish: a county exercise may group the map's settlements into more townships than the
    /// map has (`scenarios/load/county_andorra_21.ron`). `command:<township>` and a team's
    /// `township` may name it.
    /// Default: the map's parish
    /// Example: `township: "恩坎普镇"`
    #[serde(default)]
    pub township: Option<String>,
}

/// A shelter (避灾点).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelterSpec {
    /// The shelter's name, as villages' `shelter` names it.
    pub name: String,
    /// Where it is: out of the hazards' reach.
    pub at: Place,
    /// People it takes (2 m² per person, 《自然灾害避灾点管理规范》).
    /// Unit: 人 people
    /// Range: at least the people of the villages sent to it
    pub capacity: u32,
}

/// What kind of team it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TeamKind {
    /// 乡镇综合应急救援队.
    Township,
    /// 村级应急队伍.
    Village,
    /// 县专业队伍.
    CountyProfessional,
    /// 森林消防 / 消防救援.
    FireBrigade,
    /// 志愿者 / 社会力量.
    Volunteer,
}

/// A rescue team (救援队伍).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    /// The team's name, as `team:<name>` and orders name it.
    pub name: String,
    /// What kind of team it is.
    pub kind: TeamKind,
    /// Members.
    /// Unit: 人 people
    /// Range: more than 0
    pub size: u32,
    /// Where it waits for orders.
    pub base: Place,
    /// Township the team belongs to; `None` for county teams.
    /// Default: none (a county team)
    #[serde(default)]
    pub township: Option<String>,
    /// Minutes from order to leaving base (集结时间).
    /// Range: 0–1440
    #[serde(default = "default_muster")]
    pub muster_min: f64,
}

fn default_muster() -> f64 {
    15.0
}

/// A material depot (物资储备点).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepotSpec {
    /// The depot's name.
    pub name: String,
    /// Where it is.
    pub at: Place,
    /// Material name → count, e.g. "woven_bags": 15000, "life_jackets": 150.
    pub materials: BTreeMap<String, u32>,
    /// A county reserve (县级储备): the county sends from it and draws on it for approved
    /// township requests. Other depots belong to the township of the village nearest them.
    /// Example: `county: true`
    #[serde(default)]
    pub county: bool,
}

/// Response levels, IV (lowest, blue) to I (highest, red).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    IV,
    III,
    II,
    I,
}

impl Level {
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::IV => "Ⅳ级(蓝色)",
            Level::III => "Ⅲ级(黄色)",
            Level::II => "Ⅱ级(橙色)",
            Level::I => "Ⅰ级(红色)",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Level::IV => "IV",
            Level::III => "III",
            Level::II => "II",
            Level::I => "I",
        }
    }
}

/// The emergency plan (应急预案).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's title, e.g. "某镇防汛应急预案".
    pub name: String,
    /// The response levels (响应分级) and what triggers each.
    pub levels: Vec<LevelSpec>,
    /// What the plan requires, of whom, by when (the score's checklist).
    pub actions: Vec<RequiredAction>,
    /// The evaluation form (评估指标): categories, indicators and items with their points.
    /// `None`: the default built from the plan (`sim::score::indicators`).
    /// Default: built from the plan
    /// Example: `indicators: [(category: Reporting, id: "report", label: "信息报告", items: [...])]`
    #[serde(default)]
    pub indicators: Option<Vec<IndicatorSpec>>,
    /// The grade thresholds of the 100-point score (default 90 / 75 / 60).
    /// Default: 90 / 75 / 60
    /// Example: `grades: (excellent: 85, good: 70, fair: 60)`
    #[serde(default)]
    pub grades: Option<GradeThresholds>,
    /// The rules of 信息报告 reports are judged by (迟报, 续报, tolerances, 初报 fields).
    /// Example: `reporting: (first_report_min: 10, follow_up_every_min: 30)`
    #[serde(default)]
    pub reporting: ReportingRules,
}

/// An indicator (指标) of the evaluation form, under one of the eight categories, with its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Which of the eight categories it is under.
    /// Example: `category: Reporting`
    pub category: Category,
    /// A short id, unique in the form.
    /// Example: `id: "report"`
    pub id: String,
    /// Chinese label, e.g. "信息报告".
    /// Example: `label: "信息报告"`
    pub label: String,
    /// English label.
    /// Example: `label_en: "Reporting"`
    #[serde(default)]
    pub label_en: Option<String>,
    /// Its items (at least one).
    /// Example: `items: [(id: "first", label: "初报及时", max: 10, from: Action("first_report"))]`
    pub items: Vec<ItemSpec>,
}

/// An item (评分项) with its maximum points and what it is scored from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// A short id, unique in its indicator.
    /// Example: `id: "first"`
    pub id: String,
    /// Chinese label.
    /// Example: `label: "初报及时"`
    pub label: String,
    /// English label.
    /// Example: `label_en: "First report on time"`
    #[serde(default)]
    pub label_en: Option<String>,
    /// The item's points.
    /// Unit: 分 points
    /// Range: 0 or more
    /// Example: `max: 10`
    pub max: f64,
    /// What it is scored from.
    /// Example: `from: Action("first_report")`
    pub from: ItemSource,
}

/// What an item is scored from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ItemSource {
    /// A required action (by id): its credit times the item's points.
    Action(String),
    /// Report-discipline findings of these kinds: each takes `points` off, down to 0.
    Discipline { kinds: Vec<DisciplineKind>, points: f64 },
    /// The share of the threatened villages' people not killed or left trapped.
    Outcome,
    /// 不适用: the item leaves the denominator.
    NotApplicable,
}

/// Lowest scores of the grades 优, 良 and 一般 (below `fair`: 差).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeThresholds {
    /// Lowest score of 优.
    /// Unit: 分 points
    /// Range: 0–100
    /// Example: `excellent: 90`
    pub excellent: f64,
    /// Lowest score of 良.
    /// Unit: 分 points
    /// Range: 0–100
    /// Example: `good: 75`
    pub good: f64,
    /// Lowest score of 一般.
    /// Unit: 分 points
    /// Range: 0–100
    /// Example: `fair: 60`
    pub fair: f64,
}

impl Default for GradeThresholds {
    fn default() -> Self {
        GradeThresholds { excellent: 90.0, good: 75.0, fair: 60.0 }
    }
}

impl Plan {
    /// Minutes from a village seeing a hazard to its first report: `reporting.first_report_min`,
    /// else the deadline of the plan's first `Report` action, else 30.
    pub fn first_report_min(&self) -> f64 {
        self.reporting.first_report_min.unwrap_or_else(|| {
            self.actions.iter().find(|a| a.what == ActionKind::Report).map_or(30.0, |a| a.deadline_min)
        })
    }
}

/// The rules of 信息报告 (plans.md §2): how soon the first report is due, how often 续报 follow,
/// how far a report may be from the truth before it is 谎报 or 瞒报, and what a 初报 must hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingRules {
    /// Minutes from a village seeing the hazard to its first report (迟报 after that);
    /// default: the plan's `Report` action's deadline, else 30 ([`Plan::first_report_min`]).
    /// Default: the `Report` action's deadline, else 30
    /// Range: more than 0
    /// Example: `first_report_min: 10`
    #[serde(default)]
    pub first_report_min: Option<f64>,
    /// A 续报 is due this many minutes after the last report while the hazard goes on.
    /// Range: more than 0
    /// Example: `follow_up_every_min: 30`
    #[serde(default = "default_follow_up_every_min")]
    pub follow_up_every_min: f64,
    /// How far a report may be from the truth.
    /// Example: `tolerances: (people_percent: 30, distance_m: 500)`
    #[serde(default)]
    pub tolerances: Tolerances,
    /// The fields a 初报 must fill; default every field a form carries.
    /// Default: every field
    /// Example: `required_fields: [Time, Place, Hazard, Severity]`
    #[serde(default = "default_required_fields")]
    pub required_fields: Vec<ReportField>,
}

impl Default for ReportingRules {
    fn default() -> ReportingRules {
        ReportingRules {
            first_report_min: None,
            follow_up_every_min: default_follow_up_every_min(),
            tolerances: Tolerances::default(),
            required_fields: default_required_fields(),
        }
    }
}

fn default_follow_up_every_min() -> f64 {
    60.0
}

fn default_required_fields() -> Vec<ReportField> {
    ReportField::ALL.to_vec()
}

/// How far a report may be from the truth at that moment before it is judged 谎报 (above) or
/// 瞒报 (below).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    /// Steps of the 1–4 severity scale.
    /// Unit: 级 steps
    /// Range: 0–3
    /// Example: `severity_steps: 1`
    #[serde(default = "default_severity_steps")]
    pub severity_steps: u8,
    /// Percent of the true number of people (at risk, casualties, trapped, evacuated).
    /// Range: 0–1000
    /// Example: `people_percent: 30`
    #[serde(default = "default_people_percent")]
    pub people_percent: f64,
    /// From the claimed point to the nearest place of the claimed hazard, m.
    /// Range: 0–100000
    /// Example: `distance_m: 500`
    #[serde(default = "default_distance_m")]
    pub distance_m: f64,
}

impl Default for Tolerances {
    fn default() -> Tolerances {
        Tolerances {
            severity_steps: default_severity_steps(),
            people_percent: default_people_percent(),
            distance_m: default_distance_m(),
        }
    }
}

fn default_severity_steps() -> u8 {
    1
}
fn default_people_percent() -> f64 {
    50.0
}
fn default_distance_m() -> f64 {
    1000.0
}

/// A response level of the plan and its trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    /// Which level.
    pub level: Level,
    /// When the level becomes due (the decision to activate it is the role's).
    pub trigger: Trigger,
    /// Role allowed to activate this level (e.g. "command").
    /// Range: a role pattern that may give `ActivateLevel`
    #[serde(default = "default_level_by")]
    pub by: String,
    /// Where the trigger comes from, e.g. "暴雨黄色预警 (中国气象局令第16号)".
    #[serde(default)]
    pub source: String,
}

fn default_level_by() -> String {
    "command".into()
}

/// Variants with named fields that may also be written by position, their fields in order:
/// `RainOver(12, 50)` reads as `RainOver(hours: 12, mm: 50)` (`sim::scenario::positional`).
pub const POSITIONAL_FORMS: &[(&str, &[&str])] = &[
    ("RainOver", &["hours", "mm"]),
    ("GaugeAbove", &["gauge", "stage"]),
    ("FireArea", &["hectares"]),
    ("FireBurning", &["hours"]),
    ("RainIntensityDuration", &["scale_mm_per_h", "exponent"]),
    ("SlopeSigns", &["point"]),
    ("SlopeFailed", &["point"]),
    ("Near", &["village", "east_m", "north_m"]),
    ("Cloudburst", &["rain_mm_per_h", "for_min"]),
    ("Discipline", &["kinds", "points"]),
];

/// A condition on the simulated world, checked every tick.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// Rain over the last `hours` reached `mm` (rainstorm signals: 12 h ≥ 50 blue, 6 h ≥ 50 yellow...).
    /// Example: `RainOver(hours: 12, mm: 50)` or `RainOver(12, 50)`
    RainOver { hours: f64, mm: f64 },
    /// A gauge reached a stage.
    /// Example: `GaugeAbove(gauge: "Escaldes", stage: Warning)`
    GaugeAbove { gauge: String, stage: Stage },
    /// Burned area reached this many hectares.
    /// Example: `FireArea(hectares: 5)`
    FireArea { hectares: f64 },
    /// Open flame for this long.
    /// Example: `FireBurning(hours: 2)`
    FireBurning { hours: f64 },
    /// The mean rain intensity over some spell ending now (one tick to 10 days) reached the
    /// intensity–duration threshold I = scale · D^-exponent (I mm/h, D h). The defaults are
    /// Caine's (1980) curve for shallow landslides and debris flows, 14.82 and 0.39.
    /// Example: `RainIntensityDuration()`
    RainIntensityDuration {
        #[serde(default = "caine_scale")]
        scale_mm_per_h: f64,
        #[serde(default = "caine_exponent")]
        exponent: f64,
    },
    /// A hazard point shows signs (cracks, creep).
    /// Example: `SlopeSigns(point: "Sispony slope")`
    SlopeSigns { point: String },
    /// A hazard point has failed.
    SlopeFailed { point: String },
    /// The command post received its first report of a hazard.
    FirstReport,
    /// A fixed time after the start, minutes.
    /// Example: `AtMinute(30)`
    AtMinute(f64),
    /// Any one of these, e.g. a rain signal or a gauge stage, whichever comes first.
    Any(Vec<Trigger>),
}

fn caine_scale() -> f64 {
    crate::hazard::landslide::warning::CAINE_SCALE_MM_PER_H
}
fn caine_exponent() -> f64 {
    crate::hazard::landslide::warning::CAINE_EXPONENT
}

/// A gauge's stage (水位), lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// 设防水位.
    Alert,
    /// 警戒水位.
    Warning,
    /// 保证水位.
    Guaranteed,
}

/// An action the plan requires, with who does it and by when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredAction {
    /// Short id used by `after: Action("...")`, e.g. "first_report".
    pub id: String,
    /// What the plan says, e.g. "信息员 10 分钟内报告乡镇".
    pub name: String,
    /// Role pattern: "command", "command:<township>", "county", "informant:*", "informant:<village>", "team:*"...
    pub who: String,
    /// What counts as doing it.
    pub what: ActionKind,
    /// Minutes after `after` it is due.
    /// Range: more than 0
    pub deadline_min: f64,
    /// The moment the deadline counts from.
    pub after: Anchor,
    /// Where the rule comes from.
    #[serde(default)]
    pub source: String,
    /// How credit falls with lateness (default: half-life = the deadline, at least 1 min).
    /// Default: half-life = the deadline
    /// Example: `late: (half_life_min: 30)`
    #[serde(default)]
    pub late: Option<LateCurve>,
    /// Whether doing it before its fact counts (default: not for reports, yes for the rest).
    /// Default: not for reports, yes for the rest
    /// Example: `early: DoesNotCount`
    #[serde(default)]
    pub early: Option<EarlyRule>,
}

impl RequiredAction {
    /// The early rule in force: the scenario's, or DoesNotCount for reports (a report before
    /// the fact reports nothing), Counts for the rest (acting ahead is good practice).
    pub fn early_rule(&self) -> EarlyRule {
        self.early.unwrap_or(match self.what {
            ActionKind::Report | ActionKind::FollowUpReport | ActionKind::FinalReport | ActionKind::ReportUp => {
                EarlyRule::DoesNotCount
            }
            _ => EarlyRule::Counts,
        })
    }
    /// Half-life of the late credit, minutes: the scenario's, or the deadline (at least 1).
    pub fn half_life_min(&self) -> f64 {
        match &self.late {
            Some(c) if c.half_life_min.is_finite() && c.half_life_min > 0.0 => c.half_life_min,
            _ => self.deadline_min.max(1.0),
        }
    }
}

/// Late credit = 0.5^(minutes late / half_life_min): half the credit `half_life_min` after
/// the deadline, a quarter after twice that, never quite zero.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateCurve {
    /// Minutes late at which half the credit is left.
    /// Range: more than 0
    /// Example: `half_life_min: 30`
    pub half_life_min: f64,
}

/// Whether an action done before the fact it counts from earns credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EarlyRule {
    /// Done before its fact, it earns full credit.
    Counts,
    /// Done before its fact, it earns nothing.
    DoesNotCount,
}

/// What counts as doing a required action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionKind {
    /// A quick report (信息快报) reaches the command post.
    Report,
    /// The command post acknowledges a report (叫应).
    Acknowledge,
    /// A response level is activated.
    /// Example: `ActivateLevel(III)`
    ActivateLevel(Level),
    /// Warn a village (or every threatened village when `None`).
    Warn(Option<String>),
    /// Order evacuation of a village (or every threatened village when `None`).
    Evacuate(Option<String>),
    /// Dispatch a team (any when `None`).
    Dispatch(Option<String>),
    /// Report up to the county (township → county).
    ReportUp,
    /// Every person of the village (every threatened village when `None`) reached a shelter.
    AllSafe(Option<String>),
    /// A follow-up report (续报) reaches the command post.
    FollowUpReport,
    /// A final report (终报) reaches the command post.
    FinalReport,
    /// A head count of the people moved (转移到位).
    HeadCount,
    /// Materials sent from a depot.
    SendMaterials,
    /// A request for county support (乡镇吹哨).
    RequestSupport,
    /// The county decides a township's request.
    DecideRequest,
    /// A village held (管控) so that people do not return.
    HoldVillage,
    /// The response ended (终止).
    EndResponse,
}

/// The moment a deadline counts from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Anchor {
    Start,
    /// The hazard first became visible to an informant or a team.
    HazardSeen,
    /// The trigger of a level was first met (the decision became due).
    LevelTriggered(Level),
    /// The level was activated.
    LevelActivated(Level),
    /// Another required action was done.
    Action(String),
}

/// A scripted inject (情景注入) of the MSEL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Delivered at a fixed time, minutes from the start...
    /// Range: 0 to the drill's end
    #[serde(default)]
    pub at_min: Option<f64>,
    /// ...or when a condition first holds.
    /// Example: `when: RainOver(hours: 3, mm: 100)`
    #[serde(default)]
    pub when: Option<Trigger>,
    /// Role that receives the message, e.g. "command".
    pub to: String,
    /// What the role is told.
    pub message: String,
    /// What the inject does to the world besides the message.
    /// Example: `event: Cloudburst(rain_mm_per_h: 60, for_min: 30)`
    #[serde(default)]
    pub event: Option<InjectEvent>,
}

/// Something an inject does to the world besides the message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InjectEvent {
    /// A new fire starts at the place.
    /// Example: `Ignition(LonLat(1.4815, 42.4516))`
    Ignition(Place),
    /// Extra rain over the whole map for a while (mm/h 0–300, minutes more than 0).
    /// Example: `Cloudburst(rain_mm_per_h: 60, for_min: 30)`
    Cloudburst { rain_mm_per_h: f64, for_min: f64 },
    /// The road nearest a place blocked, and why; the cause left out is `Landslide` (debris,
    /// rockfall, a fallen tree). The record logs it.
    /// Example: `RoadBlocked(Near(village: "Encamp", east_m: 200, north_m: 0), Flood)`
    RoadBlocked(Place, #[serde(default = "debris")] HazardKind),
    /// The evacuated people of a village (its map name) go home, unless the village is held.
    /// Example: `ReturnHome("Encamp")`
    ReturnHome(String),
    /// A report that is not true (谎报) reaches the command post as a 初报 from the village's
    /// informant: it claims `hazard` at the village. Only the controller and the score know it
    /// is false; a 核实 (`Verify`) of it is answered "no such hazard".
    FalseReport { village: String, hazard: HazardKind },
}

fn debris() -> HazardKind {
    HazardKind::Landslide
}

/// The weights of the score's parts (normalised by their sum).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringWeights {
    /// Required actions done by the right role, in time and order.
    /// Unit: 权重 weight
    /// Range: 0 or more (not all 0)
    /// Example: `adherence: 0.4`
    #[serde(default = "w_adherence")]
    pub adherence: f64,
    /// Response times against the plan's deadlines.
    /// Unit: 权重 weight
    /// Range: 0 or more (not all 0)
    /// Example: `timeliness: 0.3`
    #[serde(default = "w_timeliness")]
    pub timeliness: f64,
    /// People safe, casualties avoided.
    /// Unit: 权重 weight
    /// Range: 0 or more (not all 0)
    /// Example: `outcome: 0.3`
    #[serde(default = "w_outcome")]
    pub outcome: f64,
}

fn w_adherence() -> f64 {
    0.4
}
fn w_timeliness() -> f64 {
    0.3
}
fn w_outcome() -> f64 {
    0.3
}

impl Default for ScoringWeights {
    fn default() -> Self {
        ScoringWeights { adherence: w_adherence(), timeliness: w_timeliness(), outcome: w_outcome() }
    }
}
