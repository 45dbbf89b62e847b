//! Validation tests on a small synthetic map built in code: a clean scenario, then one fault at a time.

use super::*;
use crate::scenario::ActionKind;
use crate::scenario::parse_scenario;
use crate::testkit::TestMap;

/// A flat 10 km square map with three villages in two townships.
fn map() -> MapAsset {
    TestMap::valley()
        .name("testmap")
        .size(100, 100)
        .cell_m(100.0)
        .elevation(|_, _| 1000.0)
        .township("Andorra la Vella", [0.0, 0.0], [5000.0, 10_000.0])
        .township("Encamp", [5000.0, 0.0], [10_000.0, 10_000.0])
        .village("Santa Coloma", [3000.0, 5000.0])
        .village("La Margineda", [2000.0, 4000.0])
        .village("Encamp", [8000.0, 8000.0])
        .build()
}

const CLEAN: &str = r#"(
    schema: 1,
    name: "测试洪水",
    map: "testmap",
    start: "2024-07-15 14:00",
    duration_h: 12,
    weather: [
        (at_min: 0, rain_mm_per_h: 20),
        (at_min: 120, rain_mm_per_h: 40, wind_m_per_s: 5),
    ],
    hazards: (
        flood: (
            inflows: [(name: "上游", at: Near(village: "Encamp", east_m: 500, north_m: 0), hydrograph: [(at_min: 0, m3_per_s: 20), (at_min: 300, m3_per_s: 200)])],
            gauges: [(name: "圣科洛马站", at: Village("Santa Coloma"), alert_m: 1.5, warning_m: 2.5, guaranteed_m: 3.5)],
        ),
    ),
    villages: [
        (name: "Santa Coloma", name_zh: "圣科洛马", population: 300, vulnerable: 40, shelter: "学校"),
        (name: "La Margineda", population: 120, shelter: Some("学校")),
    ],
    shelters: [(name: "学校", at: LonLat(1.49, 42.49), capacity: 600)],
    teams: [(name: "镇救援队", kind: Township, size: 30, base: Village("Encamp"), township: "Encamp")],
    depots: [(name: "镇物资站", at: Village("Encamp"), materials: {"sandbags": 15000})],
    roles: ["controller", "command", "informant:*", "team:镇救援队"],
    plan: (
        name: "防汛应急预案",
        levels: [
            (level: IV, trigger: RainOver(hours: 12, mm: 50)),
            (level: III, trigger: GaugeAbove(gauge: "圣科洛马站", stage: Warning)),
        ],
        actions: [
            (id: "report", name: "信息员10分钟内报告", who: "informant:*", what: Report, deadline_min: 10, after: HazardSeen),
            (id: "ack", name: "叫应", who: "command", what: Acknowledge, deadline_min: 5, after: Action("report")),
            (id: "evac", name: "转移", who: "command", what: Evacuate(Some("Santa Coloma")), deadline_min: 30, after: LevelActivated(III)),
        ],
    ),
    injects: [(at_min: 60, to: "command", message: "县气象局发布暴雨蓝色预警")],
)
"#;

fn check(text: &str) -> Vec<String> {
    let s = parse_scenario("t.ron", text).unwrap_or_else(|e| panic!("{e:?}"));
    validate("t.ron", text, &s, &map()).iter().map(|p| p.to_string()).collect()
}

/// Replaces `from` (which must occur) and validates.
fn with(from: &str, to: &str) -> Vec<String> {
    assert!(CLEAN.contains(from), "{from}");
    check(&CLEAN.replacen(from, to, 1))
}

#[test]
fn clean_scenario_has_no_problems() {
    assert_eq!(check(CLEAN), Vec::<String>::new());
}

#[test]
fn unknown_village_is_named_with_line_and_suggestion() {
    let got = with(r#"base: Village("Encamp")"#, r#"base: Village("Encmp")"#);
    assert_eq!(
        got,
        vec![
            "t.ron:22:60: teams[0].base: unknown village `Encmp`: no settlement of that name on map `testmap` (did you mean `Encamp`?)"
        ]
    );
}

#[test]
fn time_outside_the_drill() {
    let got = with("(at_min: 60, to:", "(at_min: 900, to:");
    assert_eq!(
        got,
        vec!["t.ron:37:24: injects[0].at_min: time 900 min is outside the drill (0 to 720 min, duration_h 12)"]
    );
}

#[test]
fn team_based_off_the_map() {
    let got = with(r#"base: Village("Encamp")"#, "base: LonLat(1.9, 42.5)");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("t.ron:22:60: teams[0].base: LonLat(1.9, 42.5) is off the map `testmap`"), "{got:?}");
}

#[test]
fn action_for_a_role_that_does_not_exist() {
    let got = with(r#"who: "command", what: Acknowledge"#, r#"who: "county", what: Acknowledge"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("t.ron:33:42: plan.actions[1].who: role `county` does not exist in this drill"),
        "{got:?}"
    );
}

#[test]
fn missing_map_is_reported_and_other_checks_still_run() {
    let text = CLEAN.replace("(at_min: 60, to:", "(at_min: 900, to:");
    let s = parse_scenario("t.ron", &text).unwrap();
    let err = MapError::Missing { path: "/somewhere/assets/maps/testmap/map.json".into() };
    let got: Vec<String> = validate_against("t.ron", &text, &s, Err(&err)).iter().map(|p| p.to_string()).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("t.ron:4:10: map: map `testmap` not found: assets/maps/testmap/map.json is missing"),
        "{got:?}"
    );
    assert!(got[1].contains("injects[0].at_min"), "{got:?}");
}

#[test]
fn unknown_action_reference_and_cycles() {
    let got = with(r#"after: Action("report")"#, r#"after: Action("reprot")"#);
    assert_eq!(
        got,
        vec![
            "t.ron:33:96: plan.actions[1].after: unknown action `reprot`: no action in plan.actions has this id (did you mean `report`?)"
        ]
    );
    let got = with("after: HazardSeen", r#"after: Action("ack")"#);
    assert_eq!(
        got,
        vec!["t.ron:32:107: plan.actions[0].after: actions wait for each other in a cycle: report → ack → report"]
    );
}

#[test]
fn many_problems_are_all_reported_in_file_order() {
    let text = CLEAN
        .replace("2024-07-15 14:00", "2024-02-30 14:00")
        .replace("(at_min: 120, rain", "(at_min: 0, rain")
        .replace(r#"shelter: Some("学校")"#, r#"shelter: Some("中学")"#)
        .replace(r#""team:镇救援队""#, r#""team:别的队""#)
        .replace("stage: Warning", "stage: Warning), by: \"informant:*\"")
        .replace("by: \"informant:*\"))", "by: \"informant:*\")");
    let got = check(&text);
    let paths: Vec<&str> = got.iter().map(|l| l.split(": ").nth(1).unwrap()).collect();
    assert_eq!(
        paths,
        ["start", "weather[1].at_min", "villages[1].shelter", "roles[3]", "plan.levels[1].by"],
        "{got:#?}"
    );
}

#[test]
fn gauges_triggers_and_levels_are_cross_checked() {
    let got = with(r#"gauge: "圣科洛马站", stage"#, r#"gauge: "无此站", stage"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("plan.levels[1].trigger.gauge: unknown gauge `无此站`"), "{got:?}");
    let got = with("LevelActivated(III)", "LevelActivated(I)");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].ends_with("plan.actions[2].after: level I is not defined in plan.levels"), "{got:?}");
}

#[test]
fn informants_must_name_scenario_villages_and_orders_must_fit_roles() {
    let got = with(r#""informant:*""#, r#""informant:Encamp""#);
    // Encamp is on the map but not a drill village. (`who: "informant:*"` still finds an informant.)
    assert_eq!(
        got,
        vec![
            "t.ron:24:38: roles[2]: `Encamp` is on the map but not one of the scenario's villages: add it to `villages`"
        ]
    );
    let got = with(r#""informant:*""#, r#""county""#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("plan.actions[0].who: role `informant:*` does not exist"), "{got:?}");
    let got = with(r#"who: "command", what: Acknowledge"#, r#"who: "informant:*", what: Acknowledge"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("role `informant:*` cannot give the order Acknowledge"), "{got:?}");
}

#[test]
fn numbers_are_range_checked() {
    let got = with("duration_h: 12", "duration_h: 0");
    assert!(got.iter().any(|l| l.contains("duration_h: duration_h must be more than 0")), "{got:?}");
    let got = with("capacity: 600", "capacity: 100");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("shelters[0].capacity: capacity 100 is less than the 420 people"), "{got:?}");
    let got = with("alert_m: 1.5", "alert_m: 3.0");
    assert!(got[0].contains("stages must rise"), "{got:?}");
}

#[test]
fn start_times_are_real_calendar_times() {
    assert!(parse_start("2024-02-29 23:59").is_ok());
    assert!(parse_start("2023-02-29 10:00").is_err());
    assert!(parse_start("2024-13-01 10:00").is_err());
    assert!(parse_start("2024-01-01 24:00").is_err());
    assert!(parse_start("2024-1-01 10:00").is_err());
}

#[test]
fn unknown_fuel_model_code_and_land_cover() {
    let got = with(
        "    hazards: (\n",
        "    hazards: (\n        fire: (ignitions: [], fuel_models: {\"Forest\": \"TL3\", \"Shrub\": \"ZZ1\", \"Jungle\": \"GR2\"}),\n",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().any(|p| p.contains("unknown fuel model \"ZZ1\"")), "{got:?}");
    assert!(got.iter().any(|p| p.contains("unknown land cover \"Jungle\"")), "{got:?}");
}

#[test]
fn refuse_percent_and_reaction_times_are_checked_by_field() {
    let got = with(r#"vulnerable: 40, shelter: "学校")"#, r#"vulnerable: 40, shelter: "学校", refuse_percent: 120)"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("villages[0].refuse_percent: refuse_percent must be between 0 and 100, found 120"),
        "{got:?}"
    );
    let reaction = |r: &str| {
        let text = CLEAN.replacen(
            r#"    injects: [(at_min: 60"#,
            &format!("    reaction: [{r}],\n    injects: [(at_min: 60"),
            1,
        );
        check(&text)
    };
    assert_eq!(reaction(r#"(who: "informant:*", min_min: 2, max_min: 8)"#), Vec::<String>::new());
    let got = reaction(r#"(who: "informant:*", min_min: 8, max_min: 2)"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("reaction[0].max_min: max_min 2 is less than min_min 8"), "{got:?}");
    let got = reaction(r#"(who: "county", min_min: 1, max_min: 2)"#);
    assert!(got.len() == 1 && got[0].contains("reaction[0].who"), "{got:?}");
}

#[test]
fn a_scripted_return_home_names_a_village() {
    let got =
        with(r#"message: "县气象局发布暴雨蓝色预警")"#, r#"message: "群众返回", event: Some(ReturnHome("Nowhere")))"#);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("injects[0].event") && got[0].contains("Nowhere"), "{got:?}");
}

#[test]
fn indicator_items_points_and_grade_thresholds_are_checked() {
    let text = CLEAN.replacen(
        "    ),\n    injects:",
        r#"        indicators: Some([
            (category: WarningAndReporting, id: "info", label: "信息报告", items: [
                (id: "i1", label: "报告", max: 10, from: Action("reprot")),
                (id: "i2", label: "纪律", max: -1, from: Discipline(kinds: [False], points: -2)),
                (id: "i1", label: "结果", max: 5, from: Outcome),
            ]),
        ]),
        grades: Some((excellent: 80, good: 85, fair: 60)),
    ),
    injects:"#,
        1,
    );
    assert_ne!(text, CLEAN, "the plan's end was found");
    let got = check(&text);
    let joined = got.join("\n");
    assert!(joined.contains("plan.indicators[0].items[0].from: unknown action `reprot`"), "{joined}");
    assert!(joined.contains("(did you mean `report`?)"), "{joined}");
    assert!(joined.contains("plan.indicators[0].items[1].max: points must be 0 or more, found -1"), "{joined}");
    assert!(joined.contains("points per finding must be 0 or more, found -2"), "{joined}");
    assert!(joined.contains("item id `i1` is used twice"), "{joined}");
    assert!(joined.contains("plan.grades: thresholds out of order"), "{joined}");
    assert_eq!(got.len(), 5, "{joined}");
    // A late curve needs a positive half-life.
    let got = with(
        "deadline_min: 30, after: LevelActivated(III)",
        "deadline_min: 30, after: LevelActivated(III), late: Some((half_life_min: 0))",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("late.half_life_min: half_life_min must be more than 0"), "{got:?}");
}

#[test]
fn reporting_rules_are_checked_by_field() {
    let rules = |r: &str| with("name: \"防汛应急预案\",", &format!("name: \"防汛应急预案\", reporting: {r},"));
    assert_eq!(rules("()"), Vec::<String>::new(), "every field has a default");
    assert_eq!(
        rules(
            "(first_report_min: Some(15), follow_up_every_min: 30, tolerances: (severity_steps: 0, people_percent: 20, distance_m: 500), required_fields: [Place, People])"
        ),
        Vec::<String>::new()
    );
    let got = rules("(first_report_min: Some(0), follow_up_every_min: -5)");
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].contains("plan.reporting.first_report_min") && got[0].contains("more than 0"), "{got:?}");
    assert!(got[1].contains("plan.reporting.follow_up_every_min"), "{got:?}");
    let got = rules("(tolerances: (severity_steps: 4, people_percent: -1), required_fields: [Place, Place])");
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].contains("tolerances.severity_steps") && got[0].contains("0 to 3"), "{got:?}");
    assert!(got[1].contains("tolerances.people_percent"), "{got:?}");
    assert!(got[2].contains("required_fields[1]") && got[2].contains("twice"), "{got:?}");
}

#[test]
fn first_report_minutes_default_to_the_report_action() {
    let s = parse_scenario("t.ron", CLEAN).unwrap();
    assert_eq!(s.plan.first_report_min(), 10.0, "the plan's Report action has a 10-minute deadline");
    let mut s2 = s.clone();
    s2.plan.actions.retain(|a| a.what != ActionKind::Report);
    assert_eq!(s2.plan.first_report_min(), 30.0);
    s2.plan.reporting.first_report_min = Some(12.0);
    assert_eq!(s2.plan.first_report_min(), 12.0);
    assert_eq!(s.plan.reporting.follow_up_every_min, 60.0);
    assert_eq!(s.plan.reporting.tolerances.severity_steps, 1);
}

#[test]
fn a_false_report_names_a_village() {
    let got = with(
        r#"message: "县气象局发布暴雨蓝色预警")"#,
        r#"message: "虚假报告", event: Some(FalseReport(village: "Nowhere", hazard: Fire)))"#,
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("injects[0].event.village") && got[0].contains("Nowhere"), "{got:?}");
    let ok = with(
        r#"message: "县气象局发布暴雨蓝色预警")"#,
        r#"message: "虚假报告", event: Some(FalseReport(village: "Santa Coloma", hazard: Fire)))"#,
    );
    assert_eq!(ok, Vec::<String>::new());
}
