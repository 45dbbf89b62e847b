//! The review (演练评估报告) end to end, on one record that `sandtable-server run` makes once
//! (scenarios/fire_aubinya.ron, bots in every role): `report` twice gives the same bytes as the
//! end of `run` did; a record whose server died still yields a review, rebuilt from its journal;
//! report.json matches docs/report.schema.json; and report.html, opened in headless Chromium
//! (Debian's `chromium`, installed by scripts/test), draws a page that is not blank.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const FILES: [&str; 3] = ["report.html", "report.json", "actions.csv"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-review-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn server(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .args(args)
        .current_dir(repo())
        .env("SANDTABLE_HOME", repo())
        .output()
        .expect("sandtable-server runs");
    assert!(
        out.status.success(),
        "sandtable-server {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The one record the tests share (never modified: tests copy it).
fn record() -> &'static Path {
    static RECORD: OnceLock<PathBuf> = OnceLock::new();
    RECORD.get_or_init(|| {
        let dir = scratch("record").join("fire");
        let scenario = repo().join("scenarios/fire_aubinya.ron");
        let out = server(&["run", scenario.to_str().unwrap(), "--report-dir", dir.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("评估报告 review:"), "run names the review it wrote:\n{text}");
        dir
    })
}

fn copy_record(to: &Path) -> PathBuf {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(record()).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to.to_path_buf()
}

fn schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_slice(&fs::read(repo().join("docs/report.schema.json")).unwrap()).unwrap();
    let v = jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema");
    v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

#[test]
fn report_twice_gives_the_same_bytes_as_the_end_of_run() {
    let base = scratch("twice");
    let rec = copy_record(&base.join("fire"));
    let (a, b) = (base.join("a"), base.join("b"));
    server(&["report", rec.to_str().unwrap(), "--out", a.to_str().unwrap()]);
    server(&["report", rec.to_str().unwrap(), "--out", b.to_str().unwrap()]);
    for f in FILES {
        let first = fs::read(a.join(f)).unwrap();
        assert!(!first.is_empty(), "{f} empty");
        assert!(first == fs::read(b.join(f)).unwrap(), "{f} differs between two runs of `report`");
        assert!(first == fs::read(record().join(f)).unwrap(), "{f} differs from what `run` wrote");
    }
    // Written into the record by default, over the same bytes.
    server(&["report", rec.to_str().unwrap()]);
    for f in FILES {
        assert!(fs::read(rec.join(f)).unwrap() == fs::read(a.join(f)).unwrap(), "{f} in the record");
    }
    let csv = fs::read_to_string(a.join("actions.csv")).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(a.join("report.json")).unwrap()).unwrap();
    let actions = doc["actions"].as_array().expect("actions").len();
    assert!(actions > 0);
    assert_eq!(csv.lines().count(), actions + 1, "a header and a row per action:\n{csv}");
    assert!(csv.starts_with("scenario,township,seed,id,name,who,status,"));
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn report_json_matches_its_schema() {
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(record().join("report.json")).unwrap()).unwrap();
    assert_eq!(schema_errors(&doc), Vec::<String>::new());
    assert_eq!(doc["schema"].as_u64(), Some(u64::from(sim::score::REPORT_SCHEMA)));
    assert_eq!(doc["review"]["rebuilt_from_journal"], false);
    assert_eq!(doc["meta"]["mode"], "run");
    assert_eq!(doc["labels"]["action_status"]["Missing"]["zh"], "缺");
}

#[test]
fn a_record_whose_server_died_still_yields_a_review() {
    let base = scratch("crash");
    let rec = copy_record(&base.join("fire"));
    for f in FILES {
        fs::remove_file(rec.join(f)).unwrap();
    }
    // meta.json as the server left it at the start: no end.
    let mut meta: serde_json::Value = serde_json::from_slice(&fs::read(rec.join("meta.json")).unwrap()).unwrap();
    meta["ended_utc"] = serde_json::Value::Null;
    meta["end_t_s"] = serde_json::Value::Null;
    meta["finished"] = false.into();
    fs::write(rec.join("meta.json"), serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
    // The journal's last line torn mid-write, the events cut short.
    let journal = fs::read_to_string(rec.join("journal.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert!(lines.len() >= 2, "the bots gave orders");
    let last = lines[lines.len() - 1];
    let torn = format!("{}\n{}", lines[..lines.len() - 1].join("\n"), &last[..last.len() / 2]);
    fs::write(rec.join("journal.jsonl"), torn).unwrap();
    let events = fs::read_to_string(rec.join("events.jsonl")).unwrap();
    let kept: Vec<&str> = events.lines().take(events.lines().count() / 2).collect();
    fs::write(rec.join("events.jsonl"), kept.join("\n") + "\n").unwrap();

    let out = server(&["report", rec.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt from the journal"));
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(rec.join("report.json")).unwrap()).unwrap();
    assert_eq!(doc["review"]["rebuilt_from_journal"], true);
    assert_eq!(schema_errors(&doc), Vec::<String>::new());
    let full: serde_json::Value = serde_json::from_slice(&fs::read(record().join("report.json")).unwrap()).unwrap();
    let journaled = lines[lines.len() - 2];
    let t_s = serde_json::from_str::<serde_json::Value>(journaled).unwrap()["t_s"].as_f64().unwrap();
    let at = doc["at_min"].as_f64().unwrap();
    assert!(at >= t_s / 60.0, "reviewed up to the last journaled moment ({t_s} s) at least: {at} min");
    assert!(at <= full["at_min"].as_f64().unwrap());
    assert_eq!(doc["actions"].as_array().unwrap().len(), full["actions"].as_array().unwrap().len());
    let html = fs::read_to_string(rec.join("report.html")).unwrap();
    assert!(html.contains("由指令日志重建"), "the page says it was rebuilt");
    assert!(rec.join("actions.csv").is_file());
    // A record with neither a report nor a scenario cannot be reviewed: an error, not a panic.
    fs::remove_file(rec.join("report.json")).unwrap();
    fs::remove_file(rec.join("scenario.ron")).unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_sandtable-server")).args(["report", rec.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("错误 error"));
    let _ = fs::remove_dir_all(&base);
}

/// Decodes a PNG into RGB pixels.
fn read_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().expect("image fits in memory")];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()].chunks_exact(channels).map(|c| [c[0], c[1], c[2]]).collect();
    (info.width, info.height, pixels)
}

#[test]
fn the_page_renders_in_headless_chromium() {
    let base = scratch("chromium");
    let shot = base.join("page.png");
    let page = record().join("report.html");
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let out = Command::new("timeout")
        .args(["120", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", base.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1240,1754", &url])
        .env("HOME", &base)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("cannot start `timeout chromium`: {e}"),
    };
    assert!(
        out.status.success() && shot.is_file(),
        "chromium did not take the screenshot (exit {:?}); it is Debian's `chromium` package, which \
         scripts/test installs (apt-get install chromium):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let (w, h, pixels) = read_png(&shot);
    assert_eq!((w, h), (1240, 1754));
    let ink = pixels.iter().filter(|p| p.iter().any(|&c| c < 235)).count();
    let colours: std::collections::BTreeSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(ink * 50 > pixels.len(), "the page is nearly blank: {ink} of {} pixels", pixels.len());
    assert!(colours.len() > 40, "{} distinct colours: text, tables and charts should give many", colours.len());
    let _ = fs::remove_dir_all(&base);
}
