//! Building the world: guilds, channels, roles, members and their permissions.

use serde_json::json;

use crate::payloads;
use crate::world::permissions::Overwrite;
use crate::world::World;
use crate::Sim;

use super::GuildSetup;

impl Sim {
    pub fn add_guild(&self, name: &str) -> u64 {
        self.with_world(|w| w.add_guild(name))
    }

    /// A guild whose id puts it on shard `shard` of `total` (`(id >> 22) % total`).
    pub fn add_guild_on_shard(&self, name: &str, shard: u32, total: u32) -> u64 {
        self.with_world(|w| w.add_guild_on_shard(name, shard, total))
    }

    pub fn add_channel(&self, guild: u64, name: &str) -> u64 {
        self.with_world(|w| w.add_channel(guild, name)).unwrap_or(0)
    }

    /// Adds a role; a connected bot hears of it (GUILD_ROLE_CREATE), as on Discord.
    pub fn add_role(&self, guild: u64, name: &str, permissions: u64) -> u64 {
        let created = self.with_world(|w| {
            let id = w.add_role(guild, name, permissions)?;
            let role = w.guilds.get(&guild)?.roles.iter().find(|r| r.id == id)?;
            Some((id, payloads::role(role)))
        });
        let Some((id, role)) = created else {
            return 0;
        };
        self.shared.gateway.dispatch(
            "GUILD_ROLE_CREATE",
            &json!({"guild_id": guild.to_string(), "role": role}),
        );
        id
    }

    pub fn add_member(&self, guild: u64, username: &str) -> u64 {
        self.with_world(|w| w.add_member(guild, username, &[], false))
            .unwrap_or(0)
    }

    pub fn add_bot_member(&self, guild: u64, username: &str) -> u64 {
        self.with_world(|w| w.add_member(guild, username, &[], true))
            .unwrap_or(0)
    }

    /// `n` members named `{prefix}1` … `{prefix}n`.
    pub fn add_members(&self, guild: u64, prefix: &str, n: usize) -> Vec<u64> {
        self.with_world(|w| {
            (1..=n)
                .filter_map(|i| w.add_member(guild, &format!("{prefix}{i}"), &[], false))
                .collect()
        })
    }

    /// A guild with the given text channels and `members` plain members.
    pub fn setup_guild(&self, name: &str, channels: &[&str], members: usize) -> GuildSetup {
        let guild = self.add_guild(name);
        self.populate(guild, channels, members)
    }

    /// [`Self::setup_guild`] on shard `shard` of `total`.
    pub fn setup_guild_on_shard(
        &self,
        name: &str,
        shard: u32,
        total: u32,
        channels: &[&str],
        members: usize,
    ) -> GuildSetup {
        let guild = self.add_guild_on_shard(name, shard, total);
        self.populate(guild, channels, members)
    }

    fn populate(&self, guild: u64, channels: &[&str], members: usize) -> GuildSetup {
        let channels = channels
            .iter()
            .map(|c| self.add_channel(guild, c))
            .collect();
        let members = self.add_members(guild, "member", members);
        let owner = self.with_world(|w| w.guilds[&guild].owner_id);
        GuildSetup {
            guild,
            channels,
            owner,
            members,
        }
    }

    pub fn give_role(&self, guild: u64, user: u64, role: u64) {
        self.with_world(|w| {
            if let Some(m) = w
                .guilds
                .get_mut(&guild)
                .and_then(|g| g.members.get_mut(&user))
            {
                if !m.roles.contains(&role) {
                    m.roles.push(role);
                }
            }
        });
    }

    pub fn set_nick(&self, guild: u64, user: u64, nick: &str) {
        self.with_world(|w| {
            if let Some(m) = w
                .guilds
                .get_mut(&guild)
                .and_then(|g| g.members.get_mut(&user))
            {
                m.nick = Some(nick.to_string());
            }
        });
    }

    /// Sets a user's global display name (shown when they have no nickname).
    pub fn set_global_name(&self, user: u64, name: &str) {
        self.with_world(|w| {
            if let Some(u) = w.users.get_mut(&user) {
                u.global_name = Some(name.to_string());
            }
        });
    }

    /// Adds or replaces a channel permission overwrite (kind 0 role, 1 member).
    pub fn set_overwrite(&self, channel: u64, overwrite: Overwrite) {
        self.with_world(|w| {
            if let Some(c) = w.channels.get_mut(&channel) {
                c.overwrites
                    .retain(|o| !(o.id == overwrite.id && o.kind == overwrite.kind));
                c.overwrites.push(overwrite);
            }
        });
    }

    /// Changes a role's permissions (the @everyone role's id is the guild's id).
    pub fn set_role_permissions(&self, guild: u64, role: u64, permissions: u64) {
        self.with_world(|w| {
            if let Some(r) = w
                .guilds
                .get_mut(&guild)
                .and_then(|g| g.roles.iter_mut().find(|r| r.id == role))
            {
                r.permissions = permissions;
            }
        });
    }

    /// As a server admin can in Server Settings → Integrations: let everyone use a command
    /// whatever its `default_member_permissions`.
    pub fn allow_command_for_everyone(&self, guild: u64, command: &str) {
        self.with_world(|w| {
            if let Some(g) = w.guilds.get_mut(&guild) {
                g.command_overrides.insert(command.to_string());
            }
        });
    }

    /// The guild's owner (every permission).
    pub fn owner_of(&self, guild: u64) -> u64 {
        self.with_world(|w| w.guilds.get(&guild).map_or(0, |g| g.owner_id))
    }

    pub fn bot_user_id(&self) -> u64 {
        self.with_world(|w| w.app.bot_user_id)
    }

    pub(crate) fn with_world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        let out = f(&mut self.shared.world.lock());
        self.shared.changed();
        out
    }
}
