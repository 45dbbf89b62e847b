//! The launcher screen: join a server by address or host a drill here, pick a scenario file and
//! one of the roles it offers (or, to join, one of the roles the server offers: 查询角色 asks
//! it), type a name, switch the language and the UI scale, start.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, ComboBox, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use sim::Role;

use crate::app::Screen;
use crate::cli::{SessionRequest, Target, resolve};
use crate::i18n::{Lang, T, UiScale};
use crate::labels;
use crate::session::PendingSession;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Join,
    Host,
}

/// The server's answer to "which roles?", filled by the asking thread.
type RolesAnswer = Arc<Mutex<Option<Result<Vec<Role>, String>>>>;

#[derive(Resource)]
struct LauncherForm {
    mode: Mode,
    address: String,
    /// The drill code (口令) typed in join mode.
    code: String,
    role_text: String,
    player: String,
    scenarios: Vec<PathBuf>,
    scenario: Option<PathBuf>,
    /// A scenario file outside `scenarios/`, typed by the player.
    other_path: String,
    /// The chosen scenario's title, description and roles, or why it could not be read.
    roles: Result<Vec<Role>, String>,
    summary: Option<ScenarioSummary>,
    roles_of: Option<PathBuf>,
    role: Option<Role>,
    error: Option<String>,
    /// Join mode: the roles the server offers, once asked (`None` while the answer is awaited).
    server_roles: Option<RolesAnswer>,
}

impl Default for LauncherForm {
    fn default() -> Self {
        let scenarios = list_scenarios(&server::paths::data_root().join("scenarios"));
        let default = server::paths::default_scenario();
        let scenario = scenarios.iter().find(|p| **p == default).or(scenarios.first()).cloned();
        LauncherForm {
            mode: Mode::Host,
            address: "127.0.0.1:5000".into(),
            code: String::new(),
            role_text: "command".into(),
            player: String::new(),
            scenarios,
            scenario,
            other_path: String::new(),
            roles: Ok(Vec::new()),
            summary: None,
            roles_of: None,
            role: None,
            error: None,
            server_roles: None,
        }
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<LauncherForm>().add_systems(EguiPrimaryContextPass, draw.run_if(in_state(Screen::Launcher)));
}

fn list_scenarios(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "ron")).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// What the launcher shows of a scenario file.
#[derive(Clone, Debug, Default)]
struct ScenarioSummary {
    name: String,
    name_en: Option<String>,
    description: String,
    start: String,
    duration_h: f64,
}

fn read_scenario(path: &Path) -> Result<(ScenarioSummary, Vec<Role>), String> {
    let (s, _) = sim::scenario::load_scenario_file(path)
        .map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))?;
    let roles = sim::roles::roles_on_offer(&s).map_err(|e| format!("{}: roles: {e}", path.display()))?;
    let summary = ScenarioSummary {
        name: s.name.clone(),
        name_en: s.name_en.clone(),
        description: s.description.clone(),
        start: s.start.clone(),
        duration_h: s.duration_h,
    };
    Ok((summary, roles))
}

/// The roles a scenario file offers, with `informant:*` and `team:*` expanded.
#[cfg(test)]
fn roles_on_offer(path: &Path) -> Result<Vec<Role>, String> {
    read_scenario(path).map(|(_, roles)| roles)
}

/// Asks the server at `addr` which roles it offers, on a thread: it takes an observer seat for
/// a moment (the server's `Seated` lists the roles), then leaves. A server that refuses
/// observers still names its roles when refusing a role no drill has. Wakes the window when
/// the answer is in.
fn ask_server_roles(addr: std::net::SocketAddr, code: String, waker: crate::net::Waker) -> RolesAnswer {
    let slot = Arc::new(Mutex::new(None));
    let out = slot.clone();
    std::thread::spawn(move || {
        let answer = probe_roles(addr, code);
        if let Ok(mut s) = out.lock() {
            *s = Some(answer);
        }
        if let Some(w) = waker {
            let _ = w.send_event(bevy::winit::WinitUserEvent::WakeUp);
        }
    });
    slot
}

/// The probe's role: no scenario has it, so the server answers with the roles it has.
const PROBE_ROLE: &str = "informant:?";

fn probe_roles(addr: std::net::SocketAddr, code: String) -> Result<Vec<Role>, String> {
    let request = server::net::JoinRequest::new(protocol::Seat::Observer, "查询角色 probe").with_code(Some(code));
    let mut client = server::net::NetClient::join(addr, &request).map_err(|e| e.to_string())?;
    client.wait_connected(Duration::from_secs(5)).map_err(|e| e.to_string())?;
    let mut asked_as_role = false;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        client.update().map_err(|e| e.to_string())?;
        for msg in client.receive() {
            match msg {
                protocol::ServerMessage::Seated { roles_on_offer, .. }
                | protocol::ServerMessage::Welcome { roles_on_offer, .. } => return Ok(roles_on_offer),
                protocol::ServerMessage::Refused { .. } if !asked_as_role => {
                    asked_as_role = true;
                    let role: Role = PROBE_ROLE.parse().map_err(|e| format!("{e}"))?;
                    client.send(&server::net::client::hello(role, "probe"));
                }
                protocol::ServerMessage::Refused { reason } => return roles_from_refusal(&reason),
                _ => {}
            }
        }
        client.flush().map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(5));
    }
    Err("no answer / 无应答".into())
}

/// The roles listed in a "role not on offer" refusal ("...; on offer: command, county").
fn roles_from_refusal(reason: &str) -> Result<Vec<Role>, String> {
    let list = reason.rsplit_once("on offer: ").map(|(_, l)| l).ok_or_else(|| reason.to_string())?;
    let roles: Vec<Role> = list.split(',').filter_map(|r| r.trim().parse().ok()).collect();
    if roles.is_empty() { Err(reason.to_string()) } else { Ok(roles) }
}

fn draw(
    mut contexts: EguiContexts,
    mut form: ResMut<LauncherForm>,
    mut lang: ResMut<Lang>,
    mut scale: ResMut<UiScale>,
    mut commands: Commands,
    proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "launcher".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let l = *lang;
    let form = &mut *form;
    if form.mode == Mode::Host && form.roles_of != form.scenario {
        let read = form.scenario.as_deref().map(read_scenario).unwrap_or(Ok((ScenarioSummary::default(), Vec::new())));
        form.summary = read.as_ref().ok().map(|(s, _)| s.clone());
        form.roles = read.map(|(_, roles)| roles);
        form.roles_of = form.scenario.clone();
        form.role = form
            .roles
            .as_ref()
            .ok()
            .and_then(|rs| rs.iter().find(|r| matches!(r, Role::Command(_))).or(rs.first()).cloned());
    }
    egui::CentralPanel::default().show(&mut root, |ui| {
        let card =
            egui::Rect::from_center_size(ui.max_rect().center(), egui::vec2(640.0, 520.0)).intersect(ui.max_rect());
        let mut ui = ui.new_child(egui::UiBuilder::new().max_rect(card));
        let ui = &mut ui;
        ui.horizontal(|ui| {
            ui.heading(T::AppTitle.text(l));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(l.toggle_label()).clicked() {
                    *lang = l.other();
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    crate::panels::scale_buttons(ui, &mut scale, l);
                });
            });
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut form.mode, Mode::Host, T::Host.text(l));
            ui.selectable_value(&mut form.mode, Mode::Join, T::Join.text(l));
        });
        ui.add_space(8.0);
        egui::Grid::new("launcher_form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            match form.mode {
                Mode::Join => {
                    ui.label(T::ServerAddress.text(l));
                    ui.text_edit_singleline(&mut form.address);
                    ui.end_row();
                    ui.label(T::DrillCode.text(l));
                    ui.add(egui::TextEdit::singleline(&mut form.code).hint_text("K7M-4QP"));
                    ui.end_row();
                    ui.label(T::Role.text(l));
                    ui.vertical(|ui| {
                        let answer = form.server_roles.as_ref().map(|s| s.lock().ok().and_then(|a| a.clone()));
                        ui.horizontal(|ui| {
                            let asking = matches!(answer, Some(None));
                            if ui.add_enabled(!asking, egui::Button::new(T::AskServer.text(l))).clicked() {
                                match resolve(form.address.trim()) {
                                    Ok(addr) => {
                                        let waker = proxy.as_ref().map(|p| (***p).clone());
                                        let code = form.code.trim().to_string();
                                        form.server_roles = Some(ask_server_roles(addr, code, waker));
                                    }
                                    Err(e) => form.error = Some(e),
                                }
                            }
                            if asking {
                                ui.weak(T::AskingServer.text(l));
                            }
                        });
                        match answer {
                            Some(Some(Ok(roles))) => {
                                let words = labels::Words::bare(l);
                                let current: Option<protocol::Seat> = form.role_text.trim().parse().ok();
                                let shown = current.as_ref().map(|s| labels::seat(s, &words)).unwrap_or_default();
                                ComboBox::from_id_salt("join_role").width(320.0).selected_text(shown).show_ui(
                                    ui,
                                    |ui| {
                                        ui.label(RichText::new(T::RolesOnServer.text(l)).weak());
                                        let seats = roles
                                            .iter()
                                            .cloned()
                                            .map(protocol::Seat::Role)
                                            .chain([protocol::Seat::Observer, protocol::Seat::Projector]);
                                        for s in seats {
                                            let picked = current.as_ref() == Some(&s);
                                            if ui.selectable_label(picked, labels::seat(&s, &words)).clicked() {
                                                form.role_text = s.to_string();
                                            }
                                        }
                                    },
                                );
                            }
                            Some(Some(Err(e))) => {
                                ui.colored_label(Color32::from_rgb(240, 110, 90), crate::i18n::bilingual(&e, l));
                            }
                            _ => {
                                ui.weak(T::NoRolesYet.text(l));
                            }
                        }
                        ui.horizontal(|ui| {
                            ui.add(egui::TextEdit::singleline(&mut form.role_text).desired_width(160.0));
                            ui.weak(T::RoleHint.text(l));
                        });
                    });
                    ui.end_row();
                }
                Mode::Host => {
                    ui.label(T::Scenario.text(l));
                    let shown =
                        form.scenario.as_ref().and_then(|p| p.file_name()).map(|f| f.to_string_lossy().into_owned());
                    ComboBox::from_id_salt("scenario")
                        .width(320.0)
                        .selected_text(shown.unwrap_or_else(|| T::NoScenarios.text(l).into()))
                        .show_ui(ui, |ui| {
                            for p in &form.scenarios {
                                let name = p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
                                ui.selectable_value(&mut form.scenario, Some(p.clone()), name);
                            }
                        });
                    ui.end_row();
                    ui.label("");
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut form.other_path).hint_text(T::OtherScenario.text(l)));
                        let path = PathBuf::from(form.other_path.trim());
                        if ui.add_enabled(path.is_file(), egui::Button::new(T::Open.text(l))).clicked() {
                            if !form.scenarios.contains(&path) {
                                form.scenarios.push(path.clone());
                            }
                            form.scenario = Some(path);
                        }
                    });
                    ui.end_row();
                    if let Some(summary) = &form.summary {
                        ui.label("");
                        ui.vertical(|ui| {
                            let title = match (l, &summary.name_en) {
                                (Lang::En, Some(en)) => en.as_str(),
                                _ => summary.name.as_str(),
                            };
                            ui.label(RichText::new(title).strong());
                            ui.weak(format!("{} · {} h", summary.start, summary.duration_h));
                            if !summary.description.is_empty() {
                                ui.add(egui::Label::new(summary.description.as_str()).wrap());
                            }
                        });
                        ui.end_row();
                    }
                    ui.label(T::Role.text(l));
                    match &form.roles {
                        Ok(roles) => {
                            let shown = form
                                .role
                                .as_ref()
                                .map(|r| format!("{} ({r})", labels::role(r, &labels::Words::bare(l))))
                                .unwrap_or_default();
                            ComboBox::from_id_salt("role").width(320.0).selected_text(shown).show_ui(ui, |ui| {
                                for r in roles {
                                    ui.selectable_value(
                                        &mut form.role,
                                        Some(r.clone()),
                                        format!("{} ({r})", labels::role(r, &labels::Words::bare(l))),
                                    );
                                }
                            });
                        }
                        Err(e) => {
                            ui.colored_label(
                                Color32::from_rgb(240, 110, 90),
                                format!("{}: {e}", T::ScenarioUnreadable.text(l)),
                            );
                        }
                    }
                    ui.end_row();
                }
            }
            ui.label(T::PlayerName.text(l));
            ui.text_edit_singleline(&mut form.player);
            ui.end_row();
        });
        ui.add_space(12.0);
        if ui.button(RichText::new(T::Start.text(l)).size(18.0)).clicked() {
            match request(form) {
                Ok(req) => {
                    form.error = None;
                    commands.insert_resource(PendingSession(req));
                }
                Err(e) => form.error = Some(e),
            }
        }
        if let Some(e) = &form.error {
            ui.colored_label(Color32::from_rgb(240, 110, 90), e);
        }
    });
    Ok(())
}

fn request(form: &LauncherForm) -> Result<SessionRequest, String> {
    let player = if form.player.trim().is_empty() { "player".to_string() } else { form.player.trim().to_string() };
    match form.mode {
        Mode::Join => {
            let addr = resolve(form.address.trim())?;
            let seat = form.role_text.trim().parse::<protocol::Seat>()?;
            let code = Some(form.code.trim().to_string()).filter(|c| !c.is_empty());
            Ok(SessionRequest { target: Target::Join { addr }, seat, player, code, tls_pin: None })
        }
        Mode::Host => {
            let scenario = form.scenario.clone().ok_or("no scenario chosen")?;
            let role = form.role.clone().ok_or("no role chosen")?;
            Ok(SessionRequest {
                target: Target::Host { scenario },
                seat: protocol::Seat::Role(role),
                player,
                code: None,
                tls_pin: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_wildcard_roles_and_reports_bad_files() {
        let dir = std::env::temp_dir().join(format!("sandtable-launcher-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.ron");
        std::fs::write(&bad, "(schema: 1, name: ").unwrap();
        let err = roles_on_offer(&bad).unwrap_err();
        assert!(err.contains("bad.ron"), "{err}");
        assert!(roles_on_offer(&dir.join("missing.ron")).unwrap_err().contains("missing.ron"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_roles_a_server_offers_are_read_from_its_refusal() {
        let refusal = sim::access::Refusal::RoleNotOnOffer {
            role: PROBE_ROLE.into(),
            offer: "controller, command:Canillo, informant:Santa Coloma, team:防汛志愿者队".into(),
        };
        let roles = roles_from_refusal(&refusal.to_string()).unwrap();
        assert_eq!(roles.len(), 4);
        assert_eq!(roles[2], Role::Informant("Santa Coloma".into()));
        assert!(roles_from_refusal("角色已被占用 / role taken").is_err());
    }

    #[test]
    fn bundled_scenarios_offer_roles() {
        // Every bundled scenario lists roles the launcher can show.
        for p in list_scenarios(&server::paths::data_root().join("scenarios")) {
            let roles = roles_on_offer(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(!roles.is_empty(), "{} offers no roles", p.display());
        }
    }
}
