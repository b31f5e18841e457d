//! Discord permission bits and how a member's permissions in a channel are computed
//! (guild base permissions, then channel overwrites: @everyone, roles, member).

pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const ADD_REACTIONS: u64 = 1 << 6;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const MANAGE_MESSAGES: u64 = 1 << 13;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const MENTION_EVERYONE: u64 = 1 << 17;
pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;

/// Every permission bit Discord defines today.
pub const ALL: u64 = (1 << 51) - 1;

/// What @everyone gets in a new server, roughly: see, talk, react, use commands.
pub const DEFAULT_EVERYONE: u64 = CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS;

/// The name Discord's error messages and docs use for a permission bit.
pub fn name(bit: u64) -> &'static str {
    match bit {
        ADMINISTRATOR => "ADMINISTRATOR",
        MANAGE_GUILD => "MANAGE_GUILD",
        VIEW_CHANNEL => "VIEW_CHANNEL",
        SEND_MESSAGES => "SEND_MESSAGES",
        EMBED_LINKS => "EMBED_LINKS",
        ATTACH_FILES => "ATTACH_FILES",
        READ_MESSAGE_HISTORY => "READ_MESSAGE_HISTORY",
        MANAGE_MESSAGES => "MANAGE_MESSAGES",
        _ => "UNKNOWN",
    }
}

/// A channel permission overwrite: `kind` 0 = role, 1 = member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overwrite {
    pub id: u64,
    pub kind: u8,
    pub allow: u64,
    pub deny: u64,
}

/// Guild-level permissions from the @everyone role and the member's roles.
pub fn base(is_owner: bool, everyone: u64, member_roles: impl Iterator<Item = u64>) -> u64 {
    if is_owner {
        return ALL;
    }
    let perms = member_roles.fold(everyone, |acc, p| acc | p);
    if perms & ADMINISTRATOR != 0 {
        ALL
    } else {
        perms
    }
}

/// Channel permissions from `base` and the channel's overwrites, in Discord's order.
pub fn in_channel(
    base: u64,
    guild_id: u64,
    member_id: u64,
    member_roles: &[u64],
    overwrites: &[Overwrite],
) -> u64 {
    if base & ADMINISTRATOR != 0 {
        return ALL;
    }
    let mut perms = base;
    if let Some(o) = overwrites.iter().find(|o| o.kind == 0 && o.id == guild_id) {
        perms = (perms & !o.deny) | o.allow;
    }
    let (mut allow, mut deny) = (0, 0);
    for o in overwrites
        .iter()
        .filter(|o| o.kind == 0 && member_roles.contains(&o.id))
    {
        allow |= o.allow;
        deny |= o.deny;
    }
    perms = (perms & !deny) | allow;
    if let Some(o) = overwrites.iter().find(|o| o.kind == 1 && o.id == member_id) {
        perms = (perms & !o.deny) | o.allow;
    }
    perms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_and_owner_get_everything() {
        assert_eq!(base(true, 0, std::iter::empty()), ALL);
        assert_eq!(base(false, 0, [ADMINISTRATOR].into_iter()), ALL);
    }

    #[test]
    fn overwrites_apply_everyone_then_roles_then_member() {
        let guild = 1;
        let role = 2;
        let overwrites = [
            Overwrite {
                id: guild,
                kind: 0,
                allow: 0,
                deny: SEND_MESSAGES,
            },
            Overwrite {
                id: role,
                kind: 0,
                allow: SEND_MESSAGES,
                deny: 0,
            },
            Overwrite {
                id: 9,
                kind: 1,
                allow: 0,
                deny: EMBED_LINKS,
            },
        ];
        let p = in_channel(DEFAULT_EVERYONE, guild, 5, &[], &overwrites);
        assert_eq!(p & SEND_MESSAGES, 0);
        let p = in_channel(DEFAULT_EVERYONE, guild, 5, &[role], &overwrites);
        assert_ne!(p & SEND_MESSAGES, 0);
        let p = in_channel(DEFAULT_EVERYONE, guild, 9, &[role], &overwrites);
        assert_eq!(p & EMBED_LINKS, 0);
    }
}
