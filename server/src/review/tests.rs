//! Unit tests of the review: every section rendered from the full fixture, escaping, empty
//! states, the CSV's quoting, and the same input giving the same bytes.

use super::fixture::{self, EVIL};
use super::*;

#[test]
fn every_section_renders_from_a_full_report_and_user_text_is_escaped() {
    let input = fixture::input();
    let review = render(&input).unwrap();
    let h = &review.html;
    for heading in [
        "基本信息",
        "时间线",
        "关键时刻态势图",
        "评估指标",
        "规定动作及评定",
        "信息报告纪律",
        "响应时间",
        "目标评定",
        "乡镇对比",
        "经验与问题",
        "整改计划",
    ] {
        assert!(h.contains(heading), "missing section {heading}");
    }
    assert!(!h.contains(EVIL) && !h.contains("<b>\""), "user text must be escaped");
    assert!(h.contains("&lt;script&gt;alert"), "escaped names are shown");
    assert_eq!(h.matches("<script").count(), 0);
    // Self-contained: inline SVG, nothing fetched.
    assert!(h.matches("<svg").count() >= 2, "timeline and a map picture");
    for fetch in ["src=\"http", "href=\"http", "url(http", "@import", "<link", "<img"] {
        assert!(!h.contains(fetch), "{fetch}");
    }
    assert!(h.contains("@page") && h.contains("size: A4"));
    // Every status, discipline kind and rating shows; 不适用 too.
    for s in ["按时", "迟", "缺", "顺序错", "提前", "未触发", "不适用", "谎报", "瞒报", "漏报", "迟报", "未核实即处置"]
    {
        assert!(h.contains(s), "{s}");
    }
    for p in ["P 顺利完成", "S 基本完成", "M 完成但存在重大问题", "U 未能完成"] {
        assert!(h.contains(p), "{p}");
    }
    // Problems link to the replay at their minute; the plan has a row per problem, dated 30 days on.
    assert!(h.contains("sandtable --replay fixture-record --at 50"), "the village hit at minute 50");
    assert!(h.contains("2025-07-01") && h.contains("待整改"));
    let plan = &h[h.find("整改计划").unwrap()..];
    let problems = lessons::problems(&input).len();
    assert_eq!(problems, 3 + 7 + 2 + 1, "late, missing, out of order; 7 findings; M and U; a village hit");
    assert_eq!(plan.matches("待整改").count(), problems);
}

#[test]
fn empty_vectors_render_as_none() {
    let mut input = fixture::input();
    let r = &mut input.report;
    r.actions.clear();
    r.findings.clear();
    r.indicators.clear();
    r.objectives.clear();
    r.townships.clear();
    input.moments.clear();
    input.events.clear();
    input.meta.players.clear();
    let h = render(&input).unwrap().html;
    assert!(h.matches("无 <span class=\"en\">none</span>").count() >= 6, "{}", h.matches("none").count());
    assert!(!h.contains("乡镇对比"), "no township table outside a county exercise");
    assert!(h.contains("未发现迟报"));
}

#[test]
fn the_csv_has_a_row_per_action_with_quoting() {
    let input = fixture::input();
    let csv = String::from_utf8(render(&input).unwrap().csv).unwrap();
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), actions_csv::HEADER);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), input.report.actions.len());
    assert_eq!(&rows[0][1], "T1", "informant:Alpha's village is in T1");
    assert_eq!(&rows[1][1], "T1", "command:T1");
    assert_eq!(&rows[1][6], "Late");
    assert_eq!(&rows[1][9], "70.0");
    assert!(rows[0][4].contains(EVIL), "the name round-trips through the quoting");
    assert!(csv.contains("\"动作 a0 <script>alert('x')</script>\"") || csv.contains("动作 a0 <script>"));
}

#[test]
fn the_same_input_gives_the_same_bytes_and_the_json_reads_back() {
    let input = fixture::input();
    let (a, b) = (render(&input).unwrap(), render(&input).unwrap());
    assert_eq!(a, b);
    let back: sim::score::Report = serde_json::from_slice(&a.json).unwrap();
    assert_eq!(back, input.report, "report.json holds the Report at its top level");
    let v: serde_json::Value = serde_json::from_slice(&a.json).unwrap();
    assert_eq!(v["labels"]["action_status"]["OnTime"]["zh"], "按时");
    assert_eq!(v["meta"]["players"][0][0], "command");
}

/// The errors of `doc` against `docs/report.schema.json`.
fn schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/report.schema.json")).expect("the schema is JSON");
    let v = jsonschema::draft202012::new(&schema).expect("the schema is a valid draft 2020-12 schema");
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_fixture_json_matches_its_schema_and_a_broken_one_does_not() {
    let json = render(&fixture::input()).unwrap().json;
    let mut doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(schema_errors(&doc), Vec::<String>::new());
    doc["actions"][0]["status"] = "Sometimes".into();
    doc["labels"]["grade"] = serde_json::json!({ "zh": "优" });
    doc.as_object_mut().unwrap().remove("meta");
    let errors = schema_errors(&doc);
    assert!(errors.len() >= 3, "{errors:?}");
}
