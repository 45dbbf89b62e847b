//! Roles a trainee (or a bot) can take, named the same way everywhere:
//! `controller`, `command` / `command:<township>`, `county`, `informant:<village>`, `team:<team>`,
//! and the patterns plans use to name several at once ([`RolePattern`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// 导调: runs the drill and sees the truth.
    Controller,
    /// 乡镇应急救援指挥部. `None` means the scenario's only township.
    Command(Option<String>),
    /// 县应急指挥部.
    County,
    /// 村组信息员 / 网格员 for one village.
    Informant(String),
    /// 救援队, by team name.
    Team(String),
}

/// The kind of a role without its target, as plans name them (`who: Informant`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoleKind {
    Controller,
    Command,
    County,
    Informant,
    Team,
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Controller => RoleKind::Controller,
            Role::Command(_) => RoleKind::Command,
            Role::County => RoleKind::County,
            Role::Informant(_) => RoleKind::Informant,
            Role::Team(_) => RoleKind::Team,
        }
    }
    /// Chinese name of the role kind, for the UI and reports.
    pub fn label_zh(&self) -> String {
        match self {
            Role::Controller => "导调".into(),
            Role::Command(None) => "乡镇指挥部".into(),
            Role::Command(Some(t)) => format!("{t} 指挥部"),
            Role::County => "县应急指挥部".into(),
            Role::Informant(v) => format!("{v} 信息员"),
            Role::Team(t) => t.clone(),
        }
    }
}

impl RoleKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            RoleKind::Controller => "导调",
            RoleKind::Command => "乡镇指挥部",
            RoleKind::County => "县应急指挥部",
            RoleKind::Informant => "信息员",
            RoleKind::Team => "救援队",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Controller => write!(f, "controller"),
            Role::Command(None) => write!(f, "command"),
            Role::Command(Some(t)) => write!(f, "command:{t}"),
            Role::County => write!(f, "county"),
            Role::Informant(v) => write!(f, "informant:{v}"),
            Role::Team(t) => write!(f, "team:{t}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: use controller, command, command:<township>, county, informant:<village> or team:<team>")]
pub struct RoleParseError(pub String);

impl FromStr for Role {
    type Err = RoleParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (head, tail) = match s.split_once(':') {
            Some((h, t)) => (h, Some(t.trim())),
            None => (s, None),
        };
        let named = |t: Option<&str>| t.filter(|t| !t.is_empty()).map(str::to_string);
        match (head.trim(), tail) {
            ("controller", None) => Ok(Role::Controller),
            ("county", None) => Ok(Role::County),
            ("command", None) => Ok(Role::Command(None)),
            ("command", t) => named(t).map(|t| Role::Command(Some(t))).ok_or_else(|| RoleParseError(s.into())),
            ("informant", t) => named(t).map(Role::Informant).ok_or_else(|| RoleParseError(s.into())),
            ("team", t) => named(t).map(Role::Team).ok_or_else(|| RoleParseError(s.into())),
            _ => Err(RoleParseError(s.into())),
        }
    }
}

/// A role as plans, injects and `roles:` name it: a kind and a target, `None` meaning any
/// (`informant:*`, `team:*`, and a bare `command`, which stands for every township's post).
/// The one place where such names are parsed, matched and expanded.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RolePattern {
    pub kind: RoleKind,
    pub target: Option<String>,
}

impl RolePattern {
    /// Parses `controller`, `county`, `command`, `command:<township>`, `informant:<village>`,
    /// `informant:*`, `team:<team>` or `team:*`.
    pub fn parse(s: &str) -> Result<RolePattern, RoleParseError> {
        let s = s.trim();
        for (head, kind) in [("informant", RoleKind::Informant), ("team", RoleKind::Team)] {
            if s.strip_prefix(head).and_then(|t| t.strip_prefix(':')).map(str::trim) == Some("*") {
                return Ok(RolePattern { kind, target: None });
            }
        }
        let role: Role = s.parse()?;
        Ok(RolePattern::exactly(&role))
    }

    /// The pattern naming exactly `role` (`command` without a township stays "any command post").
    pub fn exactly(role: &Role) -> RolePattern {
        let target = match role {
            Role::Command(t) => t.clone(),
            Role::Informant(t) | Role::Team(t) => Some(t.clone()),
            Role::Controller | Role::County => None,
        };
        RolePattern { kind: role.kind(), target }
    }

    /// Whether `role` fits the pattern.
    pub fn matches(&self, role: &Role) -> bool {
        if role.kind() != self.kind {
            return false;
        }
        match (&self.target, role) {
            (None, _) => true,
            (Some(t), Role::Command(Some(r)) | Role::Informant(r) | Role::Team(r)) => t == r,
            (Some(_), _) => false,
        }
    }

    /// A representative role of the pattern's kind, to ask what that kind may do.
    pub fn sample(&self) -> Role {
        match self.kind {
            RoleKind::Controller => Role::Controller,
            RoleKind::Command => Role::Command(self.target.clone()),
            RoleKind::County => Role::County,
            RoleKind::Informant => Role::Informant(self.target.clone().unwrap_or_else(|| "*".into())),
            RoleKind::Team => Role::Team(self.target.clone().unwrap_or_else(|| "*".into())),
        }
    }

    /// The roles this pattern offers in a scenario: `informant:*` is every village's informant,
    /// `team:*` every team; any other pattern is the one role it names.
    pub fn expand(&self, scenario: &Scenario) -> Vec<Role> {
        match (self.kind, &self.target) {
            (RoleKind::Informant, None) => scenario.villages.iter().map(|v| Role::Informant(v.name.clone())).collect(),
            (RoleKind::Team, None) => scenario.teams.iter().map(|t| Role::Team(t.name.clone())).collect(),
            _ => vec![self.sample()],
        }
    }
}

impl fmt::Display for RolePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.target) {
            (RoleKind::Informant, None) => write!(f, "informant:*"),
            (RoleKind::Team, None) => write!(f, "team:*"),
            _ => write!(f, "{}", self.sample()),
        }
    }
}

/// Whether `role` fits a pattern as a plan writes it (`who`, `by`); a pattern that does not
/// parse fits nobody (the validator has already said so).
pub fn fits(pattern: &str, role: &Role) -> bool {
    RolePattern::parse(pattern).is_ok_and(|p| p.matches(role))
}

/// The roles a scenario offers, in file order, with `informant:*` and `team:*` expanded and
/// duplicates dropped.
pub fn roles_on_offer(scenario: &Scenario) -> Result<Vec<Role>, RoleParseError> {
    let mut roles: Vec<Role> = Vec::new();
    for r in &scenario.roles {
        for role in RolePattern::parse(r)?.expand(scenario) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_same_names() {
        for s in ["controller", "command", "command:Canillo", "county", "informant:Santa Coloma", "team:乡镇救援队"]
        {
            assert_eq!(s.parse::<Role>().unwrap().to_string(), s);
        }
        assert!("informant".parse::<Role>().is_err());
        assert!("mayor".parse::<Role>().is_err());
        assert!("county:x".parse::<Role>().is_err());
    }

    #[test]
    fn patterns_match_as_plans_mean_them() {
        let p = |s: &str| RolePattern::parse(s).unwrap();
        let inf: Role = "informant:Pal".parse().unwrap();
        assert!(p("informant:*").matches(&inf));
        assert!(p("informant:Pal").matches(&inf));
        assert!(!p("informant:Erts").matches(&inf));
        assert!(p("command").matches(&"command:Canillo".parse().unwrap()));
        assert!(p("command").matches(&Role::Command(None)));
        assert!(!p("command:Encamp").matches(&"command:Canillo".parse().unwrap()));
        assert!(!p("command:Encamp").matches(&Role::Command(None)));
        assert!(!p("team:*").matches(&inf));
        for s in ["informant:*", "team:*", "command", "command:Canillo", "county", "controller", "team:乡镇救援队"]
        {
            assert_eq!(p(s).to_string(), s);
        }
        assert!(RolePattern::parse("mayor").is_err());
    }
}
