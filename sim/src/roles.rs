//! Roles a trainee (or a bot) can take, named the same way everywhere:
//! `controller`, `command` / `command:<township>`, `county`, `informant:<village>`, `team:<team>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
            Role::Team(t) => format!("{t}"),
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
}
