//! The simulated Discord's state: users, guilds with roles and members, text channels,
//! messages (ephemeral ones visible to one member), interactions and registered commands.
//!
//! One `World` sits behind one mutex; nothing here does I/O or waits, so the lock is only ever
//! held for the few microseconds a REST call or a driver action needs.

pub mod permissions;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use serde_json::Value;

use crate::ids::Snowflakes;
use permissions::Overwrite;

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub global_name: Option<String>,
    pub bot: bool,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: u64,
    pub nick: Option<String>,
    pub roles: Vec<u64>,
    pub joined_at: SystemTime,
}

#[derive(Debug, Clone)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    /// The first role is @everyone (its id is the guild's id, as on Discord).
    pub roles: Vec<Role>,
    pub channels: Vec<u64>,
    pub members: HashMap<u64, Member>,
    /// Commands registered for this guild only (`PUT .../guilds/{id}/commands`).
    pub commands: Vec<Value>,
    /// Commands an admin opened to everyone in Server Settings → Integrations, whatever their
    /// `default_member_permissions`.
    pub command_overrides: HashSet<String>,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: u64,
    pub guild_id: u64,
    pub name: String,
    pub overwrites: Vec<Overwrite>,
    /// Every message ever posted here, ephemeral ones included, in order.
    pub messages: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: u64,
    pub author_id: u64,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub attachments: Vec<Value>,
    pub flags: u64,
    /// Ephemeral messages are seen by this member only.
    pub ephemeral_for: Option<u64>,
    /// The interaction this message answers, if any.
    pub interaction_id: Option<u64>,
    pub created_at: SystemTime,
    pub edited_at: Option<SystemTime>,
    pub edits: u32,
    pub deleted: bool,
    /// A deferred response ("Bot is thinking…") not yet edited into a real message.
    pub loading: bool,
    /// The message object serialized, for the `edits` it was made at: a thousand clicks on one
    /// question carry the same message, built once.
    pub json: Option<(u32, Arc<str>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    Command = 2,
    Component = 3,
    Autocomplete = 4,
    ModalSubmit = 5,
}

/// The bot's initial response to an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    /// Callback type: 4 message, 5 deferred message, 6 deferred update, 7 update, 8
    /// autocomplete, 9 modal.
    pub kind: u8,
    pub at: Instant,
    /// Later than Discord's 3-second deadline: the user saw "This interaction failed".
    pub late: bool,
}

#[derive(Debug, Clone)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub kind: InteractionKind,
    pub guild_id: u64,
    pub channel_id: u64,
    pub user_id: u64,
    pub created: Instant,
    pub created_wall: SystemTime,
    /// Component interactions: the message the button is on, and the button's id.
    pub message_id: Option<u64>,
    pub custom_id: Option<String>,
    /// Commands and autocomplete: the full name (`quiz start`).
    pub command: Option<String>,
    pub response: Option<Response>,
    /// Set by a type 4 or 5 response: the message `@original` refers to.
    pub original_message: Option<u64>,
    pub followups: Vec<u64>,
    /// Autocomplete result (type 8) and modal (type 9), as sent.
    pub choices: Option<Value>,
    pub modal: Option<Value>,
    /// The whole INTERACTION_CREATE payload as dispatched, serialized (kept to re-deliver it).
    pub payload: Arc<str>,
    /// Modal submits: the interaction whose response showed the modal.
    pub source: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: u64,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Something the bot did that Discord would refuse or that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `POST /channels/{id}/messages`, or `gateway`.
    pub route: String,
    pub kind: ViolationKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// The body does not match Discord's OpenAPI schema.
    Schema,
    /// A length or count limit (content 2000, embeds 6000, buttons, labels, custom_id).
    Limit,
    /// `allowed_mentions` missing or allowing a ping of someone.
    Mentions,
    /// A second initial response to one interaction.
    DoubleResponse,
    /// An initial response after the 3-second deadline.
    LateResponse,
    /// A callback or webhook call for an unknown or expired interaction token.
    UnknownInteraction,
    /// A callback type that does not fit the interaction (update on a command, …).
    WrongCallback,
    /// A route the simulator (and so this bot) does not expect.
    UnknownRoute,
    /// The bot lacks a permission in the channel.
    MissingPermission,
}

#[derive(Debug, Clone)]
pub struct App {
    pub id: u64,
    pub name: String,
    pub bot_user_id: u64,
    pub token: String,
}

pub struct World {
    pub ids: Snowflakes,
    pub app: App,
    pub users: HashMap<u64, User>,
    pub guilds: BTreeMap<u64, Guild>,
    pub channels: HashMap<u64, Channel>,
    pub messages: HashMap<u64, Message>,
    pub interactions: HashMap<u64, Interaction>,
    pub tokens: HashMap<String, u64>,
    pub global_commands: Vec<Value>,
    pub attachments: HashMap<u64, Attachment>,
    pub violations: Vec<Violation>,
    /// `http://127.0.0.1:PORT`: where attachment download URLs point.
    pub base_url: String,
    /// Channel messages created with `enforce_nonce`, by (channel, author, nonce): the message
    /// and when it was made (docs/discord.md, "Nonces").
    pub nonces: HashMap<(u64, u64, String), (u64, SystemTime)>,
}

impl World {
    pub fn new(bot_name: &str, token: &str) -> Self {
        let ids = Snowflakes::default();
        let app_id = ids.next();
        let mut users = HashMap::new();
        users.insert(
            app_id,
            User {
                id: app_id,
                username: bot_name.to_string(),
                global_name: None,
                bot: true,
            },
        );
        World {
            ids,
            app: App {
                id: app_id,
                name: bot_name.to_string(),
                // As on Discord, the bot user has the application's id.
                bot_user_id: app_id,
                token: token.to_string(),
            },
            users,
            guilds: BTreeMap::new(),
            channels: HashMap::new(),
            messages: HashMap::new(),
            interactions: HashMap::new(),
            tokens: HashMap::new(),
            global_commands: Vec::new(),
            attachments: HashMap::new(),
            violations: Vec::new(),
            base_url: String::new(),
            nonces: HashMap::new(),
        }
    }

    /// A new guild with @everyone (default permissions), the bot as a member and an owner.
    pub fn add_guild(&mut self, name: &str) -> u64 {
        let id = self.ids.next();
        self.add_guild_with_id(id, name)
    }

    /// A guild on shard `shard` of `total`: its id's timestamp is moved up to `total - 1` ms.
    pub fn add_guild_on_shard(&mut self, name: &str, shard: u32, total: u32) -> u64 {
        let id = self.ids.next_on_shard(shard, total);
        self.add_guild_with_id(id, name)
    }

    fn add_guild_with_id(&mut self, id: u64, name: &str) -> u64 {
        let owner = self.add_user(&format!("{name}-owner"), false);
        let mut guild = Guild {
            id,
            name: name.to_string(),
            owner_id: owner,
            roles: vec![Role {
                id,
                name: "@everyone".into(),
                permissions: permissions::DEFAULT_EVERYONE,
                position: 0,
            }],
            channels: Vec::new(),
            members: HashMap::new(),
            commands: Vec::new(),
            command_overrides: HashSet::new(),
        };
        for user_id in [owner, self.app.bot_user_id] {
            guild.members.insert(
                user_id,
                Member {
                    user_id,
                    nick: None,
                    roles: Vec::new(),
                    joined_at: SystemTime::now(),
                },
            );
        }
        self.guilds.insert(id, guild);
        id
    }

    pub fn add_user(&mut self, username: &str, bot: bool) -> u64 {
        let id = self.ids.next();
        self.users.insert(
            id,
            User {
                id,
                username: username.to_string(),
                global_name: None,
                bot,
            },
        );
        id
    }

    pub fn add_role(&mut self, guild_id: u64, name: &str, permissions: u64) -> Option<u64> {
        let id = self.ids.next();
        let guild = self.guilds.get_mut(&guild_id)?;
        let position = guild.roles.len() as i32;
        guild.roles.push(Role {
            id,
            name: name.to_string(),
            permissions,
            position,
        });
        Some(id)
    }

    pub fn add_channel(&mut self, guild_id: u64, name: &str) -> Option<u64> {
        let id = self.ids.next();
        self.guilds.get_mut(&guild_id)?.channels.push(id);
        self.channels.insert(
            id,
            Channel {
                id,
                guild_id,
                name: name.to_string(),
                overwrites: Vec::new(),
                messages: Vec::new(),
            },
        );
        Some(id)
    }

    /// Adds a user to a guild with the given roles; returns the user id.
    pub fn add_member(
        &mut self,
        guild_id: u64,
        username: &str,
        roles: &[u64],
        bot: bool,
    ) -> Option<u64> {
        if !self.guilds.contains_key(&guild_id) {
            return None;
        }
        let user_id = self.add_user(username, bot);
        let guild = self.guilds.get_mut(&guild_id)?;
        guild.members.insert(
            user_id,
            Member {
                user_id,
                nick: None,
                roles: roles.to_vec(),
                joined_at: SystemTime::now(),
            },
        );
        Some(user_id)
    }

    /// A member's permissions in a channel, Discord's way.
    pub fn permissions_in(&self, channel_id: u64, user_id: u64) -> u64 {
        let Some(channel) = self.channels.get(&channel_id) else {
            return 0;
        };
        let Some(guild) = self.guilds.get(&channel.guild_id) else {
            return 0;
        };
        let Some(member) = guild.members.get(&user_id) else {
            return 0;
        };
        let base = self.guild_permissions(guild, member);
        permissions::in_channel(base, guild.id, user_id, &member.roles, &channel.overwrites)
    }

    pub fn guild_permissions(&self, guild: &Guild, member: &Member) -> u64 {
        let everyone = guild.roles.first().map_or(0, |r| r.permissions);
        let roles = member.roles.iter().filter_map(|id| {
            guild
                .roles
                .iter()
                .find(|r| r.id == *id)
                .map(|r| r.permissions)
        });
        permissions::base(guild.owner_id == member.user_id, everyone, roles)
    }

    /// The commands that apply in a guild: its own, then the global ones.
    pub fn commands_for(&self, guild_id: u64) -> impl Iterator<Item = &Value> {
        self.guilds
            .get(&guild_id)
            .into_iter()
            .flat_map(|g| g.commands.iter())
            .chain(self.global_commands.iter())
    }

    /// Whether `user_id` can see message `m` (ephemeral messages belong to one member).
    pub fn visible_to(&self, m: &Message, user_id: u64) -> bool {
        !m.deleted
            && m.ephemeral_for.is_none_or(|owner| owner == user_id)
            && self.permissions_in(m.channel_id, user_id) & permissions::VIEW_CHANNEL != 0
    }

    pub fn violation(&mut self, route: &str, kind: ViolationKind, detail: impl Into<String>) {
        let detail = detail.into();
        tracing::warn!(route, ?kind, %detail, "discord-sim: violation");
        self.violations.push(Violation {
            route: route.to_string(),
            kind,
            detail,
        });
    }

    /// The display name Discord would show for a member: nickname, global name, username.
    pub fn display_name(&self, guild_id: u64, user_id: u64) -> String {
        let nick = self
            .guilds
            .get(&guild_id)
            .and_then(|g| g.members.get(&user_id))
            .and_then(|m| m.nick.clone());
        let user = self.users.get(&user_id);
        nick.or_else(|| user.and_then(|u| u.global_name.clone()))
            .or_else(|| user.map(|u| u.username.clone()))
            .unwrap_or_else(|| user_id.to_string())
    }
}
