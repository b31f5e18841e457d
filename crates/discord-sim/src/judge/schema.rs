//! Request bodies checked against Discord's own OpenAPI 3.1 description (`spec/openapi.json`,
//! MIT, shipped with the crate so the simulator needs nothing from outside at run time).
//!
//! Each validator's root is the whole spec with the route's schema merged in, so every
//! `#/components/schemas/…` reference resolves inside the one document. Validators are built
//! on first use and kept.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Validator};
use parking_lot::Mutex;
use serde_json::Value;

static SPEC_TEXT: &str = include_str!("../../spec/openapi.json");

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    // The file is part of the crate and is valid JSON; a broken copy is a build-time mistake.
    SPEC.get_or_init(|| serde_json::from_str(SPEC_TEXT).expect("spec/openapi.json is JSON"))
}

fn cache() -> &'static Mutex<HashMap<String, Option<Arc<Validator>>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Validator>>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The validator for a path template of the spec (`/channels/{channel_id}/messages`) and a
/// method, from its `application/json` request body; `None` when the spec has none.
pub fn for_route(method: &str, template: &str) -> Option<Arc<Validator>> {
    let key = format!("{method} {template}");
    if let Some(found) = cache().lock().get(&key) {
        return found.clone();
    }
    let schema = spec()
        .get("paths")?
        .get(template)?
        .get(method.to_ascii_lowercase())?
        .pointer("/requestBody/content/application~1json/schema")
        .cloned();
    let built = schema.and_then(|s| build(&s));
    cache().lock().insert(key, built.clone());
    built
}

/// The validator for one named schema of `#/components/schemas`.
pub fn component(name: &str) -> Option<Arc<Validator>> {
    let key = format!("#{name}");
    if let Some(found) = cache().lock().get(&key) {
        return found.clone();
    }
    let built = build(&serde_json::json!({"$ref": format!("#/components/schemas/{name}")}));
    cache().lock().insert(key, built.clone());
    built
}

fn build(schema: &Value) -> Option<Arc<Validator>> {
    let mut root = spec().clone();
    let (Some(root_obj), Some(schema_obj)) = (root.as_object_mut(), schema.as_object()) else {
        return None;
    };
    for (k, v) in schema_obj {
        root_obj.insert(k.clone(), v.clone());
    }
    match jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&root)
    {
        Ok(v) => Some(Arc::new(v)),
        Err(e) => {
            tracing::error!(error = %e, "discord-sim: cannot build a validator from the spec");
            None
        }
    }
}

/// Every way `body` breaks the schema, as `path: message` lines (at most 10).
pub fn errors(validator: &Validator, body: &Value) -> Vec<String> {
    let normalized = with_placeholder_ids_as_strings(body);
    let body = normalized.as_ref().unwrap_or(body);
    validator
        .iter_errors(body)
        .take(10)
        .map(|e| {
            let path = e.instance_path().to_string();
            let message = e.to_string();
            let message: String = message.chars().take(300).collect();
            if path.is_empty() {
                message
            } else {
                format!("{path}: {message}")
            }
        })
        .collect()
}

/// A new file's `attachments[n].id` is the index of its `files[n]` part, a number: Discord's
/// own "Uploading Files" example writes `"id": 0`, and every library sends it so, while the
/// spec types the field as a snowflake string. Such ids (in a message body, or in an
/// interaction response's `data`) are judged as the strings Discord reads them as; nothing
/// else is changed. `None` when the body has none.
fn with_placeholder_ids_as_strings(body: &Value) -> Option<Value> {
    let numeric = |v: &Value| {
        v.get("attachments")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|a| a.get("id").is_some_and(Value::is_u64)))
    };
    if !numeric(body) && !body.get("data").is_some_and(numeric) {
        return None;
    }
    let fix = |v: &mut Value| {
        if let Some(list) = v.get_mut("attachments").and_then(Value::as_array_mut) {
            for a in list {
                if let Some(n) = a.get("id").and_then(Value::as_u64) {
                    a["id"] = Value::String(n.to_string());
                }
            }
        }
    };
    let mut copy = body.clone();
    fix(&mut copy);
    if let Some(data) = copy.get_mut("data") {
        fix(data);
    }
    Some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_files_numeric_id_is_read_as_discord_reads_it() {
        let v = for_route("POST", "/channels/{channel_id}/messages").expect("schema");
        let body = json!({"attachments": [{"id": 0, "filename": "a.png"}], "allowed_mentions": {"parse": []}});
        assert!(errors(&v, &body).is_empty(), "{:?}", errors(&v, &body));
        let bad = json!({"attachments": [{"id": -1, "filename": "a.png"}]});
        assert!(!errors(&v, &bad).is_empty());
    }

    #[test]
    fn message_create_schema_accepts_a_plain_message_and_refuses_nonsense() {
        let v = for_route("POST", "/channels/{channel_id}/messages").expect("schema");
        assert!(errors(
            &v,
            &json!({"content": "hi", "allowed_mentions": {"parse": []}})
        )
        .is_empty());
        let bad = errors(&v, &json!({"content": 5, "embeds": "no"}));
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad.iter().any(|e| e.starts_with("/content")), "{bad:?}");
    }

    #[test]
    fn button_rules_come_from_the_spec() {
        let v = for_route("POST", "/channels/{channel_id}/messages").expect("schema");
        let long_id = "x".repeat(101);
        let body = json!({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "A", "custom_id": long_id}
        ]}]});
        assert!(!errors(&v, &body).is_empty());
    }

    #[test]
    fn callback_components_by_name() {
        let v = component("CreateMessageInteractionCallbackRequest").expect("schema");
        assert!(errors(
            &v,
            &json!({"type": 4, "data": {"content": "x", "flags": 64}})
        )
        .is_empty());
        assert!(!errors(&v, &json!({"type": 7})).is_empty());
    }
}
