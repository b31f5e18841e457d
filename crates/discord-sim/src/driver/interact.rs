//! What members do: slash commands (typed from the registered schema), autocomplete, clicks,
//! modal submissions, and redelivering an interaction as Discord may after a resume.

use std::time::{Instant, SystemTime};

use serde_json::{json, Value};

use crate::payloads;
use crate::rest::messages::attachment_json;
use crate::snapshot::Handle;
use crate::world::{Attachment, Interaction, InteractionKind, World};
use crate::Sim;

use super::{Arg, SimError};

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
        Ok(self.deliver(handle, guild, &payload))
    }

    /// Clicks a button as a member. Refused, as Discord does, when the member cannot see the
    /// message, it has no such button, or the button is disabled.
    pub fn click(&self, user: u64, message_id: u64, custom_id: &str) -> Result<Handle, SimError> {
        self.use_component(user, message_id, custom_id, |components| {
            let button = components
                .iter()
                .find(|b| {
                    b.get("type").and_then(Value::as_u64) == Some(2)
                        && b.get("custom_id").and_then(Value::as_str) == Some(custom_id)
                })
                .ok_or_else(|| SimError::NoSuchButton(custom_id.to_string()))?;
            if button.get("disabled").and_then(Value::as_bool) == Some(true) {
                return Err(SimError::ButtonDisabled(custom_id.to_string()));
            }
            Ok(json!({"custom_id": custom_id, "component_type": 2}))
        })
    }

    /// Picks `values` in a string select menu as a member. Refused, as Discord's client would
    /// not let it happen, when the member cannot see the message, it has no such menu, the
    /// menu is disabled, or the values are not its options or too few or too many.
    pub fn select(
        &self,
        user: u64,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Result<Handle, SimError> {
        self.use_component(user, message_id, custom_id, |components| {
            let menu = components
                .iter()
                .filter_map(|c| crate::snapshot::Select::of(c))
                .find(|s| s.custom_id == custom_id)
                .ok_or_else(|| SimError::NoSuchButton(custom_id.to_string()))?;
            if menu.disabled {
                return Err(SimError::ButtonDisabled(custom_id.to_string()));
            }
            let count = values.len() as u64;
            let known = values
                .iter()
                .all(|v| menu.options.iter().any(|(_, value)| value == v));
            let distinct = values
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
                == values.len();
            if !known || !distinct || count < menu.min_values || count > menu.max_values {
                return Err(SimError::BadSelection {
                    menu: custom_id.to_string(),
                    why: format!(
                        "{values:?} is not {}–{} distinct values of the menu",
                        menu.min_values, menu.max_values
                    ),
                });
            }
            Ok(json!({"custom_id": custom_id, "component_type": 3, "values": values}))
        })
    }

    /// A member uses a component of a message they can see: `check` finds it among the
    /// message's components and gives the interaction's `data`, or says why Discord would
    /// not send one.
    fn use_component(
        &self,
        user: u64,
        message_id: u64,
        custom_id: &str,
        check: impl FnOnce(&[&Value]) -> Result<Value, SimError>,
    ) -> Result<Handle, SimError> {
        let mut world = self.shared.world.lock();
        let m = world
            .messages
            .get(&message_id)
            .ok_or(SimError::Unknown("message"))?;
        if !world.visible_to(m, user) {
            return Err(SimError::NotVisible);
        }
        let components: Vec<&Value> = m
            .components
            .iter()
            .filter_map(|row| row.get("components").and_then(Value::as_array))
            .flatten()
            .collect();
        let data = check(&components)?;
        let (guild_id, channel_id) = (m.guild_id, m.channel_id);
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
        Ok(self.deliver(handle, guild_id, &payload))
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
        let guild = source.guild_id;
        drop(world);
        Ok(self.deliver(handle, guild, &payload))
    }

    /// Sends the same INTERACTION_CREATE again (as Discord may after a resume).
    pub fn redeliver(&self, handle: &Handle) -> bool {
        let payload = self
            .shared
            .world
            .lock()
            .interactions
            .get(&handle.id)
            .map(|i| (i.guild_id, i.payload.clone()));
        payload.is_some_and(|(guild, p)| {
            self.shared
                .gateway
                .dispatch_in(guild, "INTERACTION_CREATE", &p)
                .is_some()
        })
    }

    /// Dispatches the interaction on the shard of `guild` (0: a DM, shard 0).
    fn deliver(&self, mut handle: Handle, guild: u64, payload: &str) -> Handle {
        handle.delivered = self
            .shared
            .gateway
            .dispatch_in(guild, "INTERACTION_CREATE", payload)
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
            declared_size,
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
            let size = declared_size.unwrap_or(bytes.len());
            let json = attachment_json(&world.base_url, id, filename, content_type, size);
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
