//! Application command registration, global and per guild. Stored as sent (plus ids), and
//! used by the driver to type the options of the commands it runs.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{Reply, Req};
use crate::judge::schema;
use crate::world::{ViolationKind, World};
use crate::Shared;

pub fn route(shared: &Arc<Shared>, req: &Req) -> Reply {
    // ["applications", app, "commands", id?] or ["applications", app, "guilds", g, "commands", id?]
    let guild = (req.seg(2) == "guilds").then(|| req.id(3));
    let command_id = if guild.is_some() {
        req.segments.get(5)
    } else {
        req.segments.get(3)
    };
    let template = match guild {
        Some(_) => "/applications/{application_id}/guilds/{guild_id}/commands",
        None => "/applications/{application_id}/commands",
    };
    let mut world = shared.world.lock();
    if req.id(1) != world.app.id {
        return Reply::error(403, 50001, "Missing Access");
    }
    if let Some(g) = guild {
        if !world.guilds.contains_key(&g) {
            return Reply::error(404, 10004, "Unknown Guild");
        }
    }
    match (req.method.as_str(), command_id) {
        ("GET", None) => Reply::json(Value::Array(list(&mut world, guild).clone())),
        ("PUT", None) => {
            let body = req.body.clone().unwrap_or(Value::Array(Vec::new()));
            if let Some(v) = schema::for_route("PUT", template) {
                let problems = schema::errors(&v, &body);
                if !problems.is_empty() {
                    world.violation(
                        &req.route(template),
                        ViolationKind::Schema,
                        problems.join("; "),
                    );
                    return Reply::invalid_form(&problems);
                }
            }
            let commands: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|c| stored(&world, c, guild))
                .collect();
            *list(&mut world, guild) = commands.clone();
            Reply::json(Value::Array(commands))
        }
        ("POST", None) => {
            let command = stored(&world, req.body.clone().unwrap_or(Value::Null), guild);
            let name = command.get("name").cloned();
            let commands = list(&mut world, guild);
            commands.retain(|c| c.get("name") != name.as_ref());
            commands.push(command.clone());
            Reply::json(command)
        }
        ("GET", Some(id)) => match list(&mut world, guild)
            .iter()
            .find(|c| c.get("id").and_then(Value::as_str) == Some(id.as_str()))
        {
            Some(c) => Reply::json(c.clone()),
            None => Reply::error(404, 10063, "Unknown application command"),
        },
        ("DELETE", Some(id)) => {
            let commands = list(&mut world, guild);
            let before = commands.len();
            commands.retain(|c| c.get("id").and_then(Value::as_str) != Some(id.as_str()));
            if commands.len() < before {
                Reply::no_content()
            } else {
                Reply::error(404, 10063, "Unknown application command")
            }
        }
        _ => Reply::not_found(),
    }
}

fn list(world: &mut World, guild: Option<u64>) -> &mut Vec<Value> {
    match guild.and_then(|g| world.guilds.get_mut(&g).map(|g| &mut g.commands)) {
        Some(commands) => commands,
        None => &mut world.global_commands,
    }
}

/// A command as Discord stores and returns it: the body plus ids and defaults.
fn stored(world: &World, mut c: Value, guild: Option<u64>) -> Value {
    let id = world.ids.next();
    if let Some(obj) = c.as_object_mut() {
        obj.insert("id".into(), json!(id.to_string()));
        obj.insert("application_id".into(), json!(world.app.id.to_string()));
        obj.insert("version".into(), json!(id.to_string()));
        obj.entry("type").or_insert(json!(1));
        obj.entry("description").or_insert(json!(""));
        obj.entry("options").or_insert(json!([]));
        obj.entry("default_member_permissions")
            .or_insert(Value::Null);
        obj.entry("nsfw").or_insert(json!(false));
        if let Some(g) = guild {
            obj.insert("guild_id".into(), json!(g.to_string()));
        }
    }
    c
}
