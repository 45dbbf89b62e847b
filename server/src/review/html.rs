//! `report.html`: the review as one self-contained page (inline CSS and SVG, nothing fetched),
//! Chinese first with English beside it, printing on A4. Every text from the record is escaped.

use std::fmt::Write as _;

use sim::score::{ActionStatus, Report};

use super::lessons::{Lesson, fix_deadline, owner, problems, strengths};
use super::text::{NONE, bi, bi2, esc, evidence, min_of, mins, role_label, status_class, status_label};
use super::{ReviewInput, mapsvg, timeline};

/// The whole page.
pub fn page(input: &ReviewInput) -> anyhow::Result<String> {
    let r = &input.report;
    let mut h = String::with_capacity(256 * 1024);
    let title = if input.title.zh.is_empty() { r.scenario.clone() } else { input.title.zh.clone() };
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>演练评估报告 Drill review — {}</title>\n<style>{}</style>\n</head>\n<body>",
        esc(&title),
        super::style::CSS
    )?;
    writeln!(h, "<h1>演练评估报告 <span class=\"en\">Drill review</span><br>{}</h1>", bi(&input.title))?;
    if input.rebuilt {
        h.push_str("<p class=\"bad\">服务器未正常结束：本报告由指令日志重建，截至最后记录时刻。 <span class=\"en\">The server did not end the drill: this review was rebuilt from the journal, up to the last moment recorded.</span></p>\n");
    }
    summary(&mut h, r)?;
    basic(&mut h, input)?;
    section(&mut h, "时间线", "Timeline")?;
    writeln!(
        h,
        "<figure>{}<figcaption>灰框：规定动作的时限（起算→截止）；标记：完成时刻。 <span class=\"en\">Grey boxes: each required action's window (due from → deadline); marks: when it was done.</span></figcaption></figure>",
        timeline::svg(input)?
    )?;
    maps(&mut h, input)?;
    indicators(&mut h, r)?;
    actions(&mut h, r)?;
    findings(&mut h, r)?;
    response(&mut h, r)?;
    objectives(&mut h, r)?;
    if !r.townships.is_empty() {
        townships(&mut h, r)?;
    }
    let problems = problems(input);
    lessons(&mut h, input, &strengths(input), &problems)?;
    plan(&mut h, input, &problems)?;
    writeln!(
        h,
        "<footer>sandtable-server {} · 报告格式 report schema {} · 记录 record <code>{}</code> · 种子 seed {} · 协议 protocol {}</footer>\n</body>\n</html>",
        esc(&input.meta.server_version),
        r.schema,
        esc(&input.record_name),
        r.seed,
        esc(&input.meta.protocol)
    )?;
    Ok(h)
}

fn section(h: &mut String, zh: &str, en: &str) -> std::fmt::Result {
    writeln!(h, "<h2>{}</h2>", bi2(zh, en))
}

fn table_head(h: &mut String, cols: &[(&str, &str)]) {
    h.push_str("<table><thead><tr>");
    for (zh, en) in cols {
        let _ = write!(h, "<th>{}</th>", bi2(zh, en));
    }
    h.push_str("</tr></thead><tbody>\n");
}

fn summary(h: &mut String, r: &Report) -> std::fmt::Result {
    let g = r.grade.label();
    writeln!(
        h,
        "<div class=\"summary keep\"><div>得分 <span class=\"en\">score</span><b>{:.1} / 100</b></div><div>等级 <span class=\"en\">grade</span><b>{}</b><span class=\"en\">{}</span></div><div>伤亡 / 被困 <span class=\"en\">casualties / trapped</span><b>{} / {}</b></div><div>受威胁 / 安全 <span class=\"en\">threatened / safe</span><b>{} / {}</b></div></div>",
        r.score,
        esc(&g.zh),
        esc(&g.en),
        r.casualties,
        r.trapped,
        r.people_threatened,
        r.people_safe
    )?;
    writeln!(
        h,
        "<p>预案执行 <span class=\"en\">adherence</span> {:.2} · 时效 <span class=\"en\">timeliness</span> {:.2} · 结果 <span class=\"en\">outcome</span> {:.2} · 被拒指令 <span class=\"en\">orders refused</span> {}</p>",
        r.adherence, r.timeliness, r.outcome, r.orders_refused
    )
}

fn basic(h: &mut String, input: &ReviewInput) -> std::fmt::Result {
    let (r, m) = (&input.report, &input.meta);
    section(h, "基本信息", "Basic information")?;
    h.push_str("<table class=\"keep\"><tbody>\n");
    let row = |h: &mut String, zh: &str, en: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", bi2(zh, en), v);
    };
    row(h, "演练场景", "Scenario", format!("{} <code>{}</code>", bi(&input.title), esc(&m.scenario_file)));
    row(h, "地图", "Map", esc(&m.map));
    let towns = if input.townships.is_empty() { "—".to_string() } else { esc(&input.townships.join("、")) };
    row(h, "乡镇", "Townships", towns);
    row(
        h,
        "演练日期（服务器时间 UTC）",
        "Date (server, UTC)",
        format!("{} → {}", esc(&m.started_utc), esc(m.ended_utc.as_deref().unwrap_or("—"))),
    );
    row(h, "想定开始时间", "Drill clock starts", esc(&input.drill_start));
    row(
        h,
        "演练时长",
        "Length",
        format!(
            "{:.0} 分钟 <span class=\"en\">min</span>（评估至 <span class=\"en\">reviewed to</span> {:.1} min）",
            r.duration_min, r.at_min
        ),
    );
    row(h, "模式 / 种子", "Mode / seed", format!("{} / {}", esc(&m.mode), r.seed));
    h.push_str("</tbody></table>\n");
    writeln!(h, "<h3>{}</h3>", bi2("席位与参演人员", "Seats and who sat in them"))?;
    if m.players.is_empty() {
        h.push_str(NONE);
    } else {
        table_head(h, &[("席位", "Seat"), ("角色", "Role"), ("参演人员", "Who")]);
        for (seat, who) in &m.players {
            let who = if who == "bot" { bi2("机器人", "bot") } else { esc(who) };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(seat),
                bi(&role_label(seat)),
                who
            );
        }
        h.push_str("</tbody></table>\n");
    }
    Ok(())
}

fn maps(h: &mut String, input: &ReviewInput) -> anyhow::Result<()> {
    section(h, "关键时刻态势图", "The map at key moments")?;
    if input.moments.is_empty() {
        h.push_str(NONE);
        return Ok(());
    }
    h.push_str("<p class=\"legend\">");
    for (zh, en, c) in [
        ("水淹", "water", "#4682dc"),
        ("燃烧", "burning", "#e63c14"),
        ("过火", "burned", "#5a5a5a"),
        ("堆积物", "debris", "#966432"),
        ("隔离带/沙袋", "barrier", "#000"),
        ("已预警村", "village warned", "#f0c800"),
        ("转移中村", "village evacuating", "#009600"),
        ("受灾村", "village hit", "#c80000"),
        ("救援队 ▲", "team ▲", "#6e28a0"),
    ] {
        let _ = write!(h, "<span><i class=\"sw\" style=\"background:{c}\"></i>{}</span>", bi2(zh, en));
    }
    h.push_str("</p>\n<div class=\"maps\">\n");
    for m in &input.moments {
        writeln!(
            h,
            "<figure>{}<figcaption>{:.0} min · {} · <code>sandtable --replay {} --at {:.0}</code></figcaption></figure>",
            mapsvg::svg(&m.picture)?,
            min_of(m.t_s),
            bi(&m.label),
            esc(&input.record_name),
            min_of(m.t_s).floor()
        )?;
    }
    h.push_str("</div>\n");
    Ok(())
}

fn indicators(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "评估指标", "Indicators")?;
    if r.indicators.is_empty() {
        h.push_str(NONE);
        return Ok(());
    }
    table_head(
        h,
        &[
            ("类别 / 指标 / 评分项", "Category / indicator / item"),
            ("满分", "Max"),
            ("得分", "Got"),
            ("扣分依据", "Deductions"),
        ],
    );
    for c in &r.indicators {
        writeln!(
            h,
            "<tr class=\"cat\"><td>{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{:.1}</td><td></td></tr>",
            bi(&c.label),
            c.max,
            c.got
        )?;
        for ind in &c.indicators {
            writeln!(h, "<tr><td colspan=\"4\">　{} <code>{}</code></td></tr>", bi(&ind.label), esc(&ind.id))?;
            for it in &ind.items {
                let got = if it.applicable {
                    format!("{:.1}", it.got)
                } else {
                    "<span class=\"na\">不适用 <span class=\"en\">n/a</span></span>".into()
                };
                let deds: Vec<String> = it
                    .deductions
                    .iter()
                    .map(|d| format!("<b>−{:.1}</b> {}{}", d.points, bi(&d.reason), evidence(&d.evidence)))
                    .collect();
                let deds = if deds.is_empty() { "—".to_string() } else { deds.join("<br>") };
                writeln!(
                    h,
                    "<tr><td>　　{} <code>{}</code></td><td class=\"n\">{:.1}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    bi(&it.label),
                    esc(&it.id),
                    it.max,
                    got,
                    deds
                )?;
            }
        }
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn actions(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "规定动作及评定", "Required actions and verdicts")?;
    if r.actions.is_empty() {
        h.push_str(NONE);
        return Ok(());
    }
    table_head(
        h,
        &[
            ("动作", "Action"),
            ("责任", "Who"),
            ("评定", "Status"),
            ("起算/时限", "Due from / deadline"),
            ("完成", "Done"),
            ("得分率", "Credit"),
            ("理由与证据", "Why, evidence"),
        ],
    );
    for a in &r.actions {
        let s = status_label(a.status);
        let done = match (a.done_at_min, &a.done_by) {
            (Some(t), Some(by)) => format!("{t:.1} min<br><code>{}</code>", esc(by)),
            (Some(t), None) => format!("{t:.1} min"),
            _ => "—".into(),
        };
        writeln!(
            h,
            "<tr><td>{} <code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td class=\"n\">{} + {:.0} min</td><td>{}</td><td class=\"n\">{:.2}</td><td>{}{}</td></tr>",
            esc(&a.name),
            esc(&a.id),
            bi(&role_label(&a.who)),
            status_class(a.status),
            bi(&s),
            mins(a.due_from_min),
            a.deadline_min,
            done,
            a.credit,
            bi(&a.why),
            evidence(&a.evidence)
        )?;
    }
    h.push_str("</tbody></table>\n");
    let count = |s: ActionStatus| r.actions.iter().filter(|a| a.status == s).count();
    writeln!(
        h,
        "<p>按时 <span class=\"en\">on time</span> {} · 迟 <span class=\"en\">late</span> {} · 缺 <span class=\"en\">missing</span> {} · 顺序错 <span class=\"en\">out of order</span> {} · 提前 <span class=\"en\">early</span> {} · 未触发 <span class=\"en\">not due</span> {}</p>",
        count(ActionStatus::OnTime),
        count(ActionStatus::Late),
        count(ActionStatus::Missing),
        count(ActionStatus::OutOfOrder),
        count(ActionStatus::Early),
        count(ActionStatus::NotDue)
    )
}

fn findings(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "信息报告纪律", "Report discipline")?;
    if r.findings.is_empty() {
        h.push_str("<p class=\"none\">未发现迟报、漏报、谎报、瞒报等问题 <span class=\"en\">no late, missed, false or concealed reports found</span></p>\n");
        return Ok(());
    }
    table_head(
        h,
        &[
            ("时刻", "Minute"),
            ("问题", "Kind"),
            ("责任", "Who"),
            ("村", "Village"),
            ("说明", "What"),
            ("证据", "Evidence"),
        ],
    );
    for f in &r.findings {
        let report = f.report.map(|id| format!(" · 报告 report #{id}")).unwrap_or_default();
        writeln!(
            h,
            "<tr><td class=\"n\">{:.1}</td><td class=\"bad\">{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            f.at_min,
            bi(&f.kind.label()),
            bi(&role_label(&f.who)),
            esc(f.village.as_deref().unwrap_or("—")),
            bi(&f.text),
            report,
            evidence(&f.evidence)
        )?;
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn response(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "响应时间", "Response times")?;
    let t = &r.response_times;
    table_head(h, &[("环节", "Step"), ("分钟", "Minutes")]);
    for (zh, en, v) in [
        ("首次发现险情（演练时刻）", "hazard first seen (drill minute)", t.hazard_seen_min),
        ("发现 → 上报", "seen → reported", t.seen_to_reported_min),
        ("上报 → 叫应", "reported → acknowledged", t.reported_to_acknowledged_min),
        ("发现 → 指挥部决策", "seen → decided by the command", t.seen_to_decided_min),
        ("发现 → 人员安全", "seen → people safe", t.seen_to_people_safe_min),
    ] {
        writeln!(h, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", bi2(zh, en), mins(v))?;
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn objectives(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "目标评定（P/S/M/U）", "Objectives rated P/S/M/U")?;
    if r.objectives.is_empty() {
        h.push_str(NONE);
        return Ok(());
    }
    table_head(
        h,
        &[("目标", "Objective"), ("评定", "Rating"), ("得分率", "Share"), ("理由", "Reasons"), ("证据", "Evidence")],
    );
    for o in &r.objectives {
        let reasons: Vec<String> = o.reasons.iter().map(bi).collect();
        let reasons = if reasons.is_empty() { "—".into() } else { reasons.join("<br>") };
        writeln!(
            h,
            "<tr><td>{}</td><td><b>{}</b></td><td class=\"n\">{:.0}%</td><td>{}</td><td>{}</td></tr>",
            bi(&o.label),
            bi(&o.rating.label()),
            o.share * 100.0,
            reasons,
            evidence(&o.evidence)
        )?;
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn townships(h: &mut String, r: &Report) -> std::fmt::Result {
    section(h, "乡镇对比", "Townships compared")?;
    table_head(
        h,
        &[
            ("乡镇", "Township"),
            ("得分", "Score"),
            ("等级", "Grade"),
            ("按时/迟/缺", "On time / late / missing"),
            ("报告问题", "Findings"),
            ("发现→上报", "Seen→reported"),
            ("发现→决策", "Seen→decided"),
            ("受威胁/安全/伤亡", "Threatened / safe / casualties"),
        ],
    );
    for t in &r.townships {
        writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{:.1}</td><td>{}</td><td class=\"n\">{} / {} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} / {} / {}</td></tr>",
            esc(&t.township),
            t.score,
            bi(&t.grade.label()),
            t.on_time,
            t.late,
            t.missing,
            t.findings,
            mins(t.response_times.seen_to_reported_min),
            mins(t.response_times.seen_to_decided_min),
            t.people_threatened,
            t.people_safe,
            t.casualties
        )?;
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn replay_link(input: &ReviewInput, at_min: f64) -> String {
    format!("<code>sandtable --replay {} --at {:.0}</code>", esc(&input.record_name), at_min.max(0.0).floor())
}

fn lessons(h: &mut String, input: &ReviewInput, good: &[Lesson], bad: &[Lesson]) -> std::fmt::Result {
    section(h, "经验与问题", "Strengths and problems")?;
    for (zh, en, list) in [("做得好的", "Strengths", good), ("存在的问题", "Problems", bad)] {
        writeln!(h, "<h3>{}</h3>", bi2(zh, en))?;
        if list.is_empty() {
            h.push_str(NONE);
            continue;
        }
        table_head(h, &[("时刻", "Minute"), ("内容", "What"), ("角色", "Role"), ("回放", "Replay at that moment")]);
        for l in list {
            let who = if l.who.is_empty() { "—".into() } else { bi(&role_label(&l.who)) };
            writeln!(
                h,
                "<tr><td class=\"n\">{:.1}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                l.at_min,
                bi(&l.text),
                who,
                replay_link(input, l.at_min)
            )?;
        }
        h.push_str("</tbody></table>\n");
    }
    Ok(())
}

fn plan(h: &mut String, input: &ReviewInput, bad: &[Lesson]) -> std::fmt::Result {
    section(h, "整改计划", "Improvement plan")?;
    if bad.is_empty() {
        h.push_str(NONE);
        return Ok(());
    }
    let deadline = fix_deadline(&input.meta.started_utc);
    table_head(
        h,
        &[
            ("序号", "No."),
            ("问题", "Problem"),
            ("整改措施", "Measure"),
            ("责任人", "Owner"),
            ("完成时限", "Deadline"),
            ("状态", "Status"),
        ],
    );
    for (i, l) in bad.iter().enumerate() {
        writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>待整改 <span class=\"en\">to do</span></td></tr>",
            i + 1,
            bi(&l.text),
            bi(&l.measure),
            bi(&owner(&l.who)),
            bi(&deadline)
        )?;
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}
