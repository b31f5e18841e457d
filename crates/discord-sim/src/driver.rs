//! What a test (or `quizbot rehearse`, or a benchmark) does with the simulated Discord: build a
//! world, run slash commands and click buttons as members, wait for things to happen, and read
//! what members see.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};

use crate::payloads;
use crate::rest::messages::attachment_json;
use crate::snapshot::{Handle, InteractionRecord, Message};
use crate::world::permissions::Overwrite;
use crate::world::{Attachment, Interaction, InteractionKind, Violation, World};
use crate::{log, FaultRule, Sim};

/// How often [`Sim::wait_until`] looks again when nothing in the simulator changed.
const RECHECK: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no such {0}")]
    Unknown(&'static str),
    #[error("the command /{0} is not registered in this guild or globally")]
    UnknownCommand(String),
    #[error("the command has no option `{0}`")]
    UnknownOption(String),
    #[error("the required option `{0}` is missing")]
    MissingOption(String),
    #[error("option `{name}`: {why}")]
    BadOption { name: String, why: String },
    #[error("Discord would not show /{0} to this member (default_member_permissions)")]
    NotPermitted(String),
    #[error("the message has no button with custom_id {0:?}")]
    NoSuchButton(String),
    #[error("the button {0:?} is disabled")]
    ButtonDisabled(String),
    #[error("the member cannot see that message")]
    NotVisible,
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, String),
}

/// An option value for a command: text (typed by the command's registered schema) or a file.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    File {
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl Arg {
    pub fn file(filename: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let content_type = match filename.rsplit('.').next() {
            Some("md") => "text/markdown; charset=utf-8",
            Some("toml") => "application/toml",
            Some("json") => "application/json",
            _ => "application/octet-stream",
        };
        Arg::File {
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            bytes: bytes.into(),
        }
    }
}

/// Everything about a guild a test usually needs.
#[derive(Debug, Clone)]
pub struct GuildSetup {
    pub guild: u64,
    pub channels: Vec<u64>,
    /// The owner: has every permission.
    pub owner: u64,
    pub members: Vec<u64>,
}

// ---- building the world ----
impl Sim {
    pub fn add_guild(&self, name: &str) -> u64 {
        self.with_world(|w| w.add_guild(name))
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

// ---- interactions ----
impl Sim {
    /// Runs a slash command as a member: `name` is the full name (`quiz start`), options are
    /// typed from the registered schema.
    pub fn command(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        args: &[(&str, Arg)],
    ) -> Result<Handle, SimError> {
        self.command_like(user, channel, name, args, None)
    }

    /// Autocomplete for `focused` (option name, text typed so far) of a command.
    pub fn autocomplete(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        focused: (&str, &str),
        args: &[(&str, Arg)],
    ) -> Result<Handle, SimError> {
        self.command_like(user, channel, name, args, Some(focused))
    }

    fn command_like(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        args: &[(&str, Arg)],
        focused: Option<(&str, &str)>,
    ) -> Result<Handle, SimError> {
        let mut world = self.shared.world.lock();
        let guild = world
            .channels
            .get(&channel)
            .map(|c| c.guild_id)
            .ok_or(SimError::Unknown("channel"))?;
        if !world.guilds[&guild].members.contains_key(&user) {
            return Err(SimError::Unknown("member of that guild"));
        }
        let words: Vec<&str> = name.split_whitespace().collect();
        let top = *words.first().ok_or(SimError::UnknownCommand(name.into()))?;
        let def = world
            .commands_for(guild)
            .find(|c| c.get("name").and_then(Value::as_str) == Some(top))
            .cloned()
            .ok_or_else(|| SimError::UnknownCommand(name.into()))?;
        if let Some(required) = def
            .get("default_member_permissions")
            .and_then(Value::as_str)
            .and_then(|p| p.parse::<u64>().ok())
        {
            let overridden = world.guilds[&guild].command_overrides.contains(top);
            let perms = world.permissions_in(channel, user);
            if !overridden && perms & required != required {
                return Err(SimError::NotPermitted(name.into()));
            }
        }
        // Walk down subcommand groups and subcommands.
        let mut path = vec![def.clone()];
        for word in &words[1..] {
            let current = path.last().cloned().unwrap_or_default();
            let sub = current
                .get("options")
                .and_then(Value::as_array)
                .and_then(|o| {
                    o.iter().find(|o| {
                        o.get("name").and_then(Value::as_str) == Some(word)
                            && matches!(o.get("type").and_then(Value::as_u64), Some(1 | 2))
                    })
                })
                .cloned()
                .ok_or_else(|| SimError::UnknownCommand(name.into()))?;
            path.push(sub);
        }
        let leaf = path.last().cloned().unwrap_or_default();
        let schema: Vec<Value> = leaf
            .get("options")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut resolved = json!({});
        let mut options = Vec::new();
        for (arg_name, arg) in args {
            let def = schema
                .iter()
                .find(|o| o.get("name").and_then(Value::as_str) == Some(arg_name))
                .ok_or_else(|| SimError::UnknownOption(arg_name.to_string()))?;
            let kind = def.get("type").and_then(Value::as_u64).unwrap_or(3);
            let value = typed_value(&mut world, guild, arg_name, kind, def, arg, &mut resolved)?;
            options.push(json!({"name": arg_name, "type": kind, "value": value}));
        }
        if let Some((focused_name, typed)) = focused {
            let def = schema
                .iter()
                .find(|o| o.get("name").and_then(Value::as_str) == Some(focused_name))
                .ok_or_else(|| SimError::UnknownOption(focused_name.to_string()))?;
            let kind = def.get("type").and_then(Value::as_u64).unwrap_or(3);
            options
                .push(json!({"name": focused_name, "type": kind, "value": typed, "focused": true}));
        } else {
            for def in &schema {
                let required = def
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let def_name = def.get("name").and_then(Value::as_str).unwrap_or("");
                if required && !args.iter().any(|(n, _)| *n == def_name) {
                    return Err(SimError::MissingOption(def_name.to_string()));
                }
            }
        }
        // Wrap the leaf options in their subcommand and group, innermost first.
        let mut nested = options;
        for level in path.iter().skip(1).rev() {
            nested = vec![json!({
                "name": level.get("name").cloned().unwrap_or(Value::Null),
                "type": level.get("type").cloned().unwrap_or(json!(1)),
                "options": nested,
            })];
        }
        let mut data = json!({
            "id": def.get("id").cloned().unwrap_or(json!("0")),
            "name": top,
            "type": 1,
            "options": nested,
            "guild_id": guild.to_string(),
        });
        if resolved.as_object().is_some_and(|o| !o.is_empty()) {
            data["resolved"] = resolved;
        }
        let kind = if focused.is_some() {
            InteractionKind::Autocomplete
        } else {
            InteractionKind::Command
        };
        let (handle, payload) = new_interaction(
            &mut world,
            kind,
            guild,
            channel,
            user,
            data,
            None,
            Some(name),
        );
        drop(world);
        Ok(self.deliver(handle, &payload))
    }

    /// Clicks a button as a member. Refused, as Discord does, when the member cannot see the
    /// message, it has no such button, or the button is disabled.
    pub fn click(&self, user: u64, message_id: u64, custom_id: &str) -> Result<Handle, SimError> {
        let mut world = self.shared.world.lock();
        let m = world
            .messages
            .get(&message_id)
            .ok_or(SimError::Unknown("message"))?;
        if !world.visible_to(m, user) {
            return Err(SimError::NotVisible);
        }
        let button = m
            .components
            .iter()
            .filter_map(|row| row.get("components").and_then(Value::as_array))
            .flatten()
            .find(|b| {
                b.get("type").and_then(Value::as_u64) == Some(2)
                    && b.get("custom_id").and_then(Value::as_str) == Some(custom_id)
            })
            .ok_or_else(|| SimError::NoSuchButton(custom_id.to_string()))?;
        if button.get("disabled").and_then(Value::as_bool) == Some(true) {
            return Err(SimError::ButtonDisabled(custom_id.to_string()));
        }
        let (guild_id, channel_id) = (m.guild_id, m.channel_id);
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let message = payloads::message_json(&mut world, message_id).unwrap_or_default();
        let (handle, payload) = new_interaction(
            &mut world,
            InteractionKind::Component,
            guild_id,
            channel_id,
            user,
            data,
            Some((message_id, custom_id, &message)),
            None,
        );
        drop(world);
        Ok(self.deliver(handle, &payload))
    }

    /// Clicks the button whose label starts with `label` (a convenience for tests).
    pub fn click_label(&self, user: u64, message_id: u64, label: &str) -> Result<Handle, SimError> {
        let id = self
            .message(message_id)
            .and_then(|m| m.button(label).and_then(|b| b.custom_id.clone()))
            .ok_or_else(|| SimError::NoSuchButton(label.to_string()))?;
        self.click(user, message_id, &id)
    }

    /// Submits the modal the bot showed in answer to `after`, with text input values by
    /// custom_id.
    pub fn submit_modal(
        &self,
        user: u64,
        after: &Handle,
        values: &[(&str, &str)],
    ) -> Result<Handle, SimError> {
        let mut world = self.shared.world.lock();
        let source = world
            .interactions
            .get(&after.id)
            .cloned()
            .ok_or(SimError::Unknown("interaction"))?;
        let modal = source
            .modal
            .ok_or(SimError::Unknown("modal on that interaction"))?;
        let rows: Vec<Value> = values
            .iter()
            .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
            .collect();
        let data = json!({"custom_id": modal.get("custom_id").cloned().unwrap_or(Value::Null), "components": rows});
        let message = source
            .message_id
            .and_then(|id| payloads::message_json(&mut world, id).map(|json| (id, json)));
        let (handle, payload) = new_interaction(
            &mut world,
            InteractionKind::ModalSubmit,
            source.guild_id,
            source.channel_id,
            user,
            data,
            message.as_ref().map(|(id, json)| (*id, "", &**json)),
            None,
        );
        if let Some(i) = world.interactions.get_mut(&handle.id) {
            i.source = Some(source.id);
        }
        drop(world);
        Ok(self.deliver(handle, &payload))
    }

    /// Sends the same INTERACTION_CREATE again (as Discord may after a resume).
    pub fn redeliver(&self, handle: &Handle) -> bool {
        let payload = self
            .shared
            .world
            .lock()
            .interactions
            .get(&handle.id)
            .map(|i| i.payload.clone());
        payload.is_some_and(|p| {
            self.shared
                .gateway
                .dispatch_raw("INTERACTION_CREATE", &p)
                .is_some()
        })
    }

    fn deliver(&self, mut handle: Handle, payload: &str) -> Handle {
        handle.delivered = self
            .shared
            .gateway
            .dispatch_raw("INTERACTION_CREATE", payload)
            .is_some();
        self.shared.changed();
        handle
    }
}

/// Converts a test's text into the type the command schema declares.
fn typed_value(
    world: &mut World,
    guild: u64,
    name: &str,
    kind: u64,
    def: &Value,
    arg: &Arg,
    resolved: &mut Value,
) -> Result<Value, SimError> {
    let bad = |why: &str| SimError::BadOption {
        name: name.to_string(),
        why: why.to_string(),
    };
    let text = match arg {
        Arg::Text(t) => t.as_str(),
        Arg::File {
            filename,
            content_type,
            bytes,
        } => {
            if kind != 11 {
                return Err(bad("a file for an option that is not an attachment"));
            }
            let id = world.ids.next();
            world.attachments.insert(
                id,
                Attachment {
                    id,
                    filename: filename.clone(),
                    content_type: content_type.clone(),
                    bytes: bytes.clone(),
                },
            );
            let json = attachment_json(&world.base_url, id, filename, content_type, bytes.len());
            resolved["attachments"][id.to_string()] = json;
            return Ok(json!(id.to_string()));
        }
    };
    // Options with choices are picked by the choice's name in Discord's client (or its value).
    if let Some(choices) = def
        .get("choices")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
    {
        let picked = choices.iter().find(|c| {
            c.get("name").and_then(Value::as_str) == Some(text)
                || c.get("value").is_some_and(|v| {
                    v.as_str() == Some(text) || (v.is_i64() && v.as_i64() == text.parse().ok())
                })
        });
        return picked
            .and_then(|c| c.get("value").cloned())
            .ok_or_else(|| bad("not one of the choices"));
    }
    let in_range = |v: f64| {
        let min = def.get("min_value").and_then(Value::as_f64);
        let max = def.get("max_value").and_then(Value::as_f64);
        min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
    };
    Ok(match kind {
        3 => {
            if let Some(choices) = def
                .get("choices")
                .and_then(Value::as_array)
                .filter(|c| !c.is_empty())
            {
                if !choices
                    .iter()
                    .any(|c| c.get("value").and_then(Value::as_str) == Some(text))
                {
                    return Err(bad("not one of the choices"));
                }
            }
            json!(text)
        }
        4 => {
            let v: i64 = text.parse().map_err(|_| bad("not an integer"))?;
            if !in_range(v as f64) {
                return Err(bad("out of the allowed range"));
            }
            json!(v)
        }
        10 => {
            let v: f64 = text.parse().map_err(|_| bad("not a number"))?;
            if !in_range(v) {
                return Err(bad("out of the allowed range"));
            }
            json!(v)
        }
        5 => json!(text.parse::<bool>().map_err(|_| bad("not true or false"))?),
        6 | 9 => {
            let id: u64 = text.parse().map_err(|_| bad("not a user id"))?;
            let user = world.users.get(&id).ok_or_else(|| bad("no such user"))?;
            resolved["users"][id.to_string()] = payloads::user(user);
            if let Some(m) = world.guilds.get(&guild).and_then(|g| g.members.get(&id)) {
                let mut member = payloads::member(world, m, None);
                if let Some(o) = member.as_object_mut() {
                    o.remove("user");
                }
                resolved["members"][id.to_string()] = member;
            }
            json!(id.to_string())
        }
        7 => {
            let id: u64 = text.parse().map_err(|_| bad("not a channel id"))?;
            if !world.channels.contains_key(&id) {
                return Err(bad("no such channel"));
            }
            let c = payloads::channel(world, id);
            resolved["channels"][id.to_string()] = json!({
                "id": c["id"], "type": 0, "name": c["name"], "permissions": world.permissions_in(id, world.app.bot_user_id).to_string()
            });
            json!(id.to_string())
        }
        8 => {
            let id: u64 = text.parse().map_err(|_| bad("not a role id"))?;
            let role = world
                .guilds
                .get(&guild)
                .and_then(|g| g.roles.iter().find(|r| r.id == id))
                .ok_or_else(|| bad("no such role"))?;
            resolved["roles"][id.to_string()] = payloads::role(role);
            json!(id.to_string())
        }
        _ => json!(text),
    })
}

#[allow(clippy::too_many_arguments)]
fn new_interaction(
    world: &mut World,
    kind: InteractionKind,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    data: Value,
    message: Option<(u64, &str, &str)>,
    command: Option<&str>,
) -> (Handle, std::sync::Arc<str>) {
    let id = world.ids.next();
    let token = crate::ids::token(id);
    let mut interaction = Interaction {
        id,
        token: token.clone(),
        kind,
        guild_id,
        channel_id,
        user_id,
        created: Instant::now(),
        created_wall: SystemTime::now(),
        message_id: message.as_ref().map(|(id, _, _)| *id),
        custom_id: message
            .as_ref()
            .map(|(_, c, _)| c.to_string())
            .filter(|c| !c.is_empty()),
        command: command.map(str::to_string),
        response: None,
        original_message: None,
        followups: Vec::new(),
        choices: None,
        modal: None,
        payload: "".into(),
        source: None,
    };
    let payload: std::sync::Arc<str> =
        payloads::interaction(world, &interaction, data, message.map(|(_, _, m)| m)).into();
    interaction.payload = payload.clone();
    world.tokens.insert(token.clone(), id);
    world.interactions.insert(id, interaction);
    (
        Handle {
            id,
            token,
            delivered: false,
        },
        payload,
    )
}

// ---- reading ----
impl Sim {
    /// The channel as `viewer` sees it: its messages and `viewer`'s own ephemeral replies, in
    /// order.
    pub fn channel_messages(&self, channel: u64, viewer: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let Some(c) = world.channels.get(&channel) else {
            return Vec::new();
        };
        c.messages
            .iter()
            .filter_map(|id| world.messages.get(id))
            .filter(|m| world.visible_to(m, viewer))
            .map(Message::from_world)
            .collect()
    }

    /// The channel's public messages (no one's ephemeral replies).
    pub fn public_messages(&self, channel: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let Some(c) = world.channels.get(&channel) else {
            return Vec::new();
        };
        c.messages
            .iter()
            .filter_map(|id| world.messages.get(id))
            .filter(|m| !m.deleted && m.ephemeral_for.is_none())
            .map(Message::from_world)
            .collect()
    }

    /// Every ephemeral message shown to `user`, oldest first.
    pub fn ephemerals(&self, user: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let mut out: Vec<Message> = world
            .messages
            .values()
            .filter(|m| m.ephemeral_for == Some(user) && !m.deleted)
            .map(Message::from_world)
            .collect();
        out.sort_by_key(|m| m.id);
        out
    }

    pub fn message(&self, id: u64) -> Option<Message> {
        self.shared
            .world
            .lock()
            .messages
            .get(&id)
            .filter(|m| !m.deleted)
            .map(Message::from_world)
    }

    pub fn interaction(&self, id: u64) -> Option<InteractionRecord> {
        let world = self.shared.world.lock();
        world.interactions.get(&id).map(|i| record(&world, i))
    }

    /// The READY payload the gateway sends on Identify (for checking that it parses).
    pub fn ready_payload(&self) -> Value {
        let world = self.shared.world.lock();
        payloads::ready(&world, "session", &self.gateway_url())
    }

    /// The GUILD_CREATE payload of a guild.
    pub fn guild_create_payload(&self, guild: u64) -> Option<Value> {
        let world = self.shared.world.lock();
        world
            .guilds
            .get(&guild)
            .map(|g| payloads::guild_create(&world, g))
    }

    /// A message object as REST returns it.
    pub fn message_payload(&self, id: u64) -> Option<Value> {
        let world = self.shared.world.lock();
        world
            .messages
            .get(&id)
            .map(|m| payloads::message(&world, m))
    }

    /// The INTERACTION_CREATE payload dispatched for an interaction, as sent.
    pub fn interaction_payload(&self, id: u64) -> Option<Value> {
        self.shared
            .world
            .lock()
            .interactions
            .get(&id)
            .and_then(|i| serde_json::from_str(&i.payload).ok())
    }

    /// Every interaction so far, oldest first.
    pub fn interactions(&self) -> Vec<InteractionRecord> {
        let world = self.shared.world.lock();
        let mut out: Vec<InteractionRecord> = world
            .interactions
            .values()
            .map(|i| record(&world, i))
            .collect();
        out.sort_by_key(|r| r.id);
        out
    }

    /// The registered commands that apply in `guild` (its own, then global), as stored.
    pub fn commands(&self, guild: u64) -> Vec<Value> {
        self.shared
            .world
            .lock()
            .commands_for(guild)
            .cloned()
            .collect()
    }

    pub fn log(&self) -> Vec<log::LogLine> {
        self.shared.log.snapshot()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.world.lock().violations.clone()
    }

    /// Panics with every violation recorded so far, if there is any.
    #[track_caller]
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(
            v.is_empty(),
            "the bot broke Discord's rules {} time(s):\n{}",
            v.len(),
            v.iter()
                .map(|v| format!("- {:?} on {}: {}", v.kind, v.route, v.detail))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// 429s the simulator answered because a bucket ran out (not injected ones).
    pub fn rate_limited_count(&self) -> u64 {
        self.shared
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Interactions answered in time so far (cheap: a counter).
    pub fn responded_count(&self) -> u64 {
        self.shared
            .responded
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether a bot is connected to the gateway now.
    pub fn bot_connected(&self) -> bool {
        self.shared.gateway.connected()
    }

    /// Identifies and resumes seen so far.
    pub fn gateway_sessions(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.shared.gateway.identifies.load(Relaxed),
            self.shared.gateway.resumes.load(Relaxed),
        )
    }
}

fn record(world: &World, i: &Interaction) -> InteractionRecord {
    let msg = |id: &u64| {
        world
            .messages
            .get(id)
            .filter(|m| !m.deleted)
            .map(Message::from_world)
    };
    InteractionRecord {
        id: i.id,
        user_id: i.user_id,
        channel_id: i.channel_id,
        kind: i.kind as u8,
        custom_id: i.custom_id.clone(),
        command: i.command.clone(),
        response_kind: i.response.map(|r| r.kind),
        latency_ms: i
            .response
            .map(|r| r.at.duration_since(i.created).as_secs_f64() * 1000.0),
        late: i.response.is_some_and(|r| r.late),
        original: i.original_message.as_ref().and_then(msg),
        followups: i.followups.iter().filter_map(msg).collect(),
        choices: i.choices.clone(),
        modal: i.modal.clone(),
    }
}

// ---- waiting ----
impl Sim {
    /// Waits until `check` returns something, re-checking after every change in the world.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&Sim) -> Option<T>,
    ) -> Result<T, SimError> {
        let mut changes = self.shared.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(found) = check(self) {
                return Ok(found);
            }
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        return Err(SimError::Timeout(timeout, what.to_string()));
                    }
                }
                // A condition may depend on more than the simulator (the bot's own state, a
                // database): look again now and then, not only when the world changes.
                _ = tokio::time::sleep(RECHECK) => {}
                _ = tokio::time::sleep_until(deadline) => {
                    return check(self).ok_or_else(|| SimError::Timeout(timeout, what.to_string()));
                }
            }
        }
    }

    /// Waits for the bot to have identified and registered at least one command.
    pub async fn wait_ready(&self, timeout: Duration) -> Result<(), SimError> {
        self.wait_until(
            timeout,
            "the bot to connect and register its commands",
            |sim| {
                let world = sim.shared.world.lock();
                let registered = !world.global_commands.is_empty()
                    || world.guilds.values().any(|g| !g.commands.is_empty());
                (registered && sim.shared.gateway.connected()).then_some(())
            },
        )
        .await
    }

    /// Waits for the bot's initial response to an interaction.
    pub async fn wait_response(
        &self,
        handle: &Handle,
        timeout: Duration,
    ) -> Result<InteractionRecord, SimError> {
        self.wait_until(timeout, "a response to the interaction", |sim| {
            sim.interaction(handle.id)
                .filter(|r| r.response_kind.is_some())
        })
        .await
    }

    /// Waits for a message in `channel`, as `viewer` sees it, that satisfies `pred`.
    pub async fn wait_message(
        &self,
        channel: u64,
        viewer: u64,
        timeout: Duration,
        mut pred: impl FnMut(&Message) -> bool,
    ) -> Result<Message, SimError> {
        self.wait_until(timeout, "a message", |sim| {
            sim.channel_messages(channel, viewer)
                .into_iter()
                .rev()
                .find(|m| pred(m))
        })
        .await
    }

    /// Waits for an ephemeral message to `user` that satisfies `pred`.
    pub async fn wait_ephemeral(
        &self,
        user: u64,
        timeout: Duration,
        mut pred: impl FnMut(&Message) -> bool,
    ) -> Result<Message, SimError> {
        self.wait_until(timeout, "an ephemeral message", |sim| {
            sim.ephemerals(user).into_iter().rev().find(|m| pred(m))
        })
        .await
    }
}

// ---- faults ----
impl Sim {
    /// The next `rule.times` calls matching the rule fail as it says.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Closes the bot's gateway connection with `code`.
    pub fn gateway_close(&self, code: u16) -> bool {
        self.shared.gateway.close(code)
    }

    /// Drops the bot's gateway connection without a close frame (1006 for the client).
    pub fn gateway_abort(&self) -> bool {
        self.shared.gateway.abort()
    }

    /// Sends op 7 Reconnect.
    pub fn gateway_reconnect(&self) -> bool {
        self.shared.gateway.reconnect()
    }

    /// Sends op 9 Invalid Session.
    pub fn gateway_invalidate(&self, resumable: bool) -> bool {
        self.shared.gateway.invalidate(resumable)
    }

    pub fn drop_next_dispatches(&self, n: u32) {
        self.shared.gateway.drop_next(n);
    }

    pub fn duplicate_next_dispatches(&self, n: u32) {
        self.shared.gateway.duplicate_next(n);
    }

    /// Changes the rate limits from now on.
    pub fn set_rate_limits(&self, config: crate::RateLimitConfig) {
        *self.shared.rate.config.lock() = config;
    }
}
