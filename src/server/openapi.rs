//! `/v1/openapi.json`: the API described in OpenAPI 3.0, made from the one
//! route table, so it cannot name a route the server does not answer or
//! leave one out (a test asks the server for every path it lists).

use serde_json::{json, Map, Value};

use super::routes::ROUTES;

/// The OpenAPI document of this server.
pub fn openapi() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let mut operation = json!({
            "summary": route.summary,
            "responses": {
                "200": { "description": "The answer, as JSON (rows as JSON Lines when asked for)." },
                "400": { "description": "A bad statement or request: an error report with kind, message, span and hint." },
                "401": { "description": "No valid token." },
                "403": { "description": "The token's role does not allow this." },
                "404": { "description": "No such record." },
                "409": { "description": "Already stored (a duplicate claim, key, source or speaker)." },
                "413": { "description": "The body is larger than the server takes." },
                "422": { "description": "A quote its source does not hold: the checker's report." },
                "429": { "description": "The server runs as many requests as it takes." },
                "503": { "description": "The statement ran past the time limit." }
            }
        });
        if let Some(role) = route.role {
            operation["security"] = json!([{ "bearer": [] }]);
            operation["x-claimdb-role"] = json!(role.as_str());
        }
        let parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[route.method.to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "claimdb",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A citation-checked claims database. Errors are JSON: {kind, message, span, hint, citation, existing}."
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }
        },
        "paths": paths,
    })
}
