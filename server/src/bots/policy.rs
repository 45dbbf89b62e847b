//! Bot policies: how a bot plays its role (`diligent`, `late`, `absent`), and the
//! `--bot-policy` value of `run` and `serve` that picks one for every role or per role
//! (`command=late,county=absent,informant:*=diligent`, role patterns as [`RolePattern`] reads them).

use std::fmt;
use std::str::FromStr;

use sim::Role;
use sim::roles::RolePattern;

/// How a bot plays its role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Policy {
    /// Follows the plan with a human reaction time per role ([`super::reaction`]).
    #[default]
    Diligent,
    /// Does what `diligent` does, 30 to 90 drill minutes late.
    Late,
    /// Takes the seat and gives no order.
    Absent,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::Diligent, Policy::Late, Policy::Absent];

    pub fn name(self) -> &'static str {
        match self {
            Policy::Diligent => "diligent",
            Policy::Late => "late",
            Policy::Absent => "absent",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Policy {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Policy, PolicyError> {
        Policy::ALL
            .into_iter()
            .find(|p| p.name() == s.trim())
            .ok_or_else(|| PolicyError::UnknownPolicy(s.trim().into()))
    }
}

/// A `--bot-policy` value that cannot be used; the words say what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(
        "未知的机器人策略 `{0}`: 可用 diligent、late、absent / unknown bot policy `{0}`: use diligent, late or absent"
    )]
    UnknownPolicy(String),
    #[error(
        "`{entry}` 中的角色无法识别 / unknown role in `{entry}`: {reason} (例 e.g. command=late,county=absent,informant:*=diligent)"
    )]
    BadRole { entry: String, reason: String },
    #[error("机器人策略为空 / empty bot policy: write P or ROLE=P[,ROLE=P...] with P one of diligent, late, absent")]
    Empty,
    #[error("`{0}` 不匹配本场景的任何角色 / `{0}` matches no role of this scenario: roles are {1}")]
    NoSuchRole(String, String),
}

/// The policy of every bot of a drill: entries in order, a later entry overriding an earlier one
/// for the roles it matches; roles no entry matches are `diligent`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotPolicies {
    /// `None`: every role.
    entries: Vec<(Option<RolePattern>, Policy)>,
}

impl BotPolicies {
    /// Every bot plays `policy`.
    pub fn all(policy: Policy) -> BotPolicies {
        BotPolicies { entries: vec![(None, policy)] }
    }

    /// The policy of the bot playing `role`.
    pub fn for_role(&self, role: &Role) -> Policy {
        self.entries
            .iter()
            .rev()
            .find(|(pattern, _)| pattern.as_ref().is_none_or(|p| p.matches(role)))
            .map(|(_, policy)| *policy)
            .unwrap_or_default()
    }

    /// Checks every named role pattern against the roles a drill offers: a pattern that matches
    /// none is a typo (`comand=late`, a village not in the scenario).
    pub fn check(&self, roles: &[Role]) -> Result<(), PolicyError> {
        for (pattern, _) in &self.entries {
            if let Some(p) = pattern
                && !roles.iter().any(|r| p.matches(r))
            {
                let names: Vec<String> = roles.iter().map(Role::to_string).collect();
                return Err(PolicyError::NoSuchRole(p.to_string(), names.join(", ")));
            }
        }
        Ok(())
    }
}

impl fmt::Display for BotPolicies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return f.write_str("diligent");
        }
        let parts: Vec<String> = self
            .entries
            .iter()
            .map(|(pattern, policy)| match pattern {
                Some(p) => format!("{p}={policy}"),
                None => policy.to_string(),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for BotPolicies {
    type Err = PolicyError;
    /// `P` or `ROLE=P[,ROLE=P...]`, where a bare `P` among the entries stands for every role.
    fn from_str(s: &str) -> Result<BotPolicies, PolicyError> {
        let mut entries = Vec::new();
        for entry in s.split(',').map(str::trim) {
            if entry.is_empty() {
                return Err(PolicyError::Empty);
            }
            match entry.split_once('=') {
                None => entries.push((None, entry.parse()?)),
                Some((role, policy)) => {
                    let pattern = RolePattern::parse(role)
                        .map_err(|e| PolicyError::BadRole { entry: entry.into(), reason: e.to_string() })?;
                    entries.push((Some(pattern), policy.parse()?));
                }
            }
        }
        Ok(BotPolicies { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(s: &str) -> Role {
        s.parse().unwrap()
    }

    #[test]
    fn one_policy_for_all_or_one_per_role_later_entries_win() {
        let all: BotPolicies = "late".parse().unwrap();
        assert_eq!(all.for_role(&role("informant:Alpha")), Policy::Late);
        assert_eq!(all, BotPolicies::all(Policy::Late));

        let p: BotPolicies = "command=late, county=absent,informant:*=diligent".parse().unwrap();
        assert_eq!(p.for_role(&role("command:Canillo")), Policy::Late, "bare `command` is every post");
        assert_eq!(p.for_role(&role("county")), Policy::Absent);
        assert_eq!(p.for_role(&role("informant:Alpha")), Policy::Diligent);
        assert_eq!(p.for_role(&role("team:T1 队")), Policy::Diligent, "unnamed roles are diligent");
        assert_eq!(p.to_string(), "command=late,county=absent,informant:*=diligent");

        let p: BotPolicies = "absent,informant:Alpha=diligent".parse().unwrap();
        assert_eq!(p.for_role(&role("informant:Alpha")), Policy::Diligent);
        assert_eq!(p.for_role(&role("informant:Beta")), Policy::Absent);
        assert_eq!(BotPolicies::default().for_role(&role("controller")), Policy::Diligent);
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let err = |s: &str| s.parse::<BotPolicies>().unwrap_err();
        assert_eq!(err("lazy"), PolicyError::UnknownPolicy("lazy".into()));
        assert_eq!(err("command=sleepy"), PolicyError::UnknownPolicy("sleepy".into()));
        assert!(matches!(err("comand=late"), PolicyError::BadRole { .. }), "{}", err("comand=late"));
        assert_eq!(err(""), PolicyError::Empty);
        assert_eq!(err("late,"), PolicyError::Empty);
        let words = err("lazy").to_string();
        assert!(words.contains("未知") && words.contains("diligent, late or absent"), "{words}");

        let roles = [role("controller"), role("command"), role("informant:Alpha")];
        let p: BotPolicies = "informant:Omega=late".parse().unwrap();
        let e = p.check(&roles).unwrap_err();
        assert!(e.to_string().contains("informant:Omega") && e.to_string().contains("informant:Alpha"), "{e}");
        assert!("informant:*=late,command=absent".parse::<BotPolicies>().unwrap().check(&roles).is_ok());
        assert!("county=late".parse::<BotPolicies>().unwrap().check(&roles).is_err(), "no county in this drill");
    }
}
