//! The spanned TOML tree as a JSON representation for `jsonschema`, so documents are
//! validated where they were parsed, without first copying every key and value into a
//! `serde_json::Value`. Datetimes read as their RFC 3339 text (local ones without offset, as
//! in [`crate::document::datetime_to_string`]), non-finite floats as their text.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::JsonType;
use serde_json::Value;
use toml::de::{DeArray, DeTable, DeValue};

use crate::document::{datetime_to_string, integer_value, table_to_json, value_to_json};

/// Marker type naming the representation.
pub struct TomlJson;

/// A node: a table (the document root or a nested table), any other value, or a property
/// name handed to `propertyNames`.
#[derive(Clone, Copy)]
pub enum TomlNode<'a> {
    Table(&'a DeTable<'a>),
    Value(&'a DeValue<'a>),
    Name(&'a str),
}

impl<'a> TomlNode<'a> {
    fn of(value: &'a DeValue<'a>) -> Self {
        match value {
            DeValue::Table(table) => TomlNode::Table(table),
            other => TomlNode::Value(other),
        }
    }
}

impl Json for TomlJson {
    type Node<'a> = TomlNode<'a>;
    type PreparedKey = String;
    type StringBuffer = ();
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TomlNode<'_>) -> T) -> T {
        f(TomlNode::Name(string))
    }
}

/// A TOML number: integers stay exact.
pub enum TomlNumber {
    Int(i64),
    Float(f64),
}

impl JsonNumber for TomlNumber {
    fn as_u64(&self) -> Option<u64> {
        match self {
            TomlNumber::Int(i) => u64::try_from(*i).ok(),
            TomlNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            TomlNumber::Int(i) => Some(*i),
            TomlNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            // Exact for every integer a launch document plausibly holds; only used for
            // comparisons with float limits.
            TomlNumber::Int(i) => Some(*i as f64),
            TomlNumber::Float(f) => Some(*f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match self {
            TomlNumber::Int(i) => Cow::Owned(i.to_string()),
            TomlNumber::Float(f) => Cow::Owned(f.to_string()),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self {
            TomlNumber::Int(i) => serde_json::Number::from(*i),
            TomlNumber::Float(f) => serde_json::Number::from_f64(*f).unwrap_or_else(|| 0.into()),
        })
    }

    fn is_integer(&self) -> bool {
        match self {
            TomlNumber::Int(_) => true,
            TomlNumber::Float(f) => f.is_finite() && f.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, TomlNumber::Int(_))
    }
}

fn finite_float(value: &DeValue<'_>) -> Option<f64> {
    let DeValue::Float(float) = value else {
        return None;
    };
    // Called for every float the schema looks at: copy the text only when it has `_`.
    let text = float.as_str();
    let parsed = if text.contains('_') {
        text.replace('_', "").parse::<f64>()
    } else {
        text.parse::<f64>()
    };
    parsed.ok().filter(|f| f.is_finite())
}

impl<'a> Node<'a, TomlJson> for TomlNode<'a> {
    type Object = TomlObject<'a>;
    type Array = TomlArray<'a>;
    type Number = TomlNumber;

    fn as_object(&self) -> Option<TomlObject<'a>> {
        match self {
            TomlNode::Table(table) => Some(TomlObject(table)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TomlArray<'a>> {
        match self {
            TomlNode::Value(DeValue::Array(array)) => Some(TomlArray(array)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            TomlNode::Name(name) => Some(Cow::Borrowed(name)),
            TomlNode::Value(DeValue::String(text)) => Some(Cow::Borrowed(text.as_ref())),
            TomlNode::Value(DeValue::Datetime(datetime)) => {
                Some(Cow::Owned(datetime_to_string(datetime)))
            }
            TomlNode::Value(value @ DeValue::Float(float)) if finite_float(value).is_none() => {
                Some(Cow::Owned(float.as_str().replace('_', "")))
            }
            _ => None,
        }
    }

    fn as_number(&self) -> Option<TomlNumber> {
        match self {
            TomlNode::Value(DeValue::Integer(integer)) => {
                integer_value(integer).map(TomlNumber::Int)
            }
            TomlNode::Value(value @ DeValue::Float(_)) => {
                finite_float(value).map(TomlNumber::Float)
            }
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            TomlNode::Value(DeValue::Boolean(b)) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        // TOML has no null; an integer too large for 64 bits is rejected before validation.
        false
    }

    fn json_type(&self) -> JsonType {
        match self {
            TomlNode::Table(_) => JsonType::Object,
            TomlNode::Name(_) => JsonType::String,
            TomlNode::Value(value) => match value {
                DeValue::String(_) | DeValue::Datetime(_) => JsonType::String,
                DeValue::Integer(_) => JsonType::Number,
                DeValue::Float(_) if finite_float(value).is_some() => JsonType::Number,
                DeValue::Float(_) => JsonType::String,
                DeValue::Boolean(_) => JsonType::Boolean,
                DeValue::Array(_) => JsonType::Array,
                DeValue::Table(_) => JsonType::Object,
            },
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(match self {
            TomlNode::Table(table) => table_to_json(table),
            TomlNode::Value(value) => value_to_json(value),
            TomlNode::Name(name) => Value::String((*name).to_owned()),
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        let address = match self {
            TomlNode::Table(table) => std::ptr::from_ref::<DeTable<'a>>(table) as usize,
            TomlNode::Value(value) => std::ptr::from_ref::<DeValue<'a>>(value) as usize,
            TomlNode::Name(name) => name.as_ptr() as usize,
        };
        Some(NodeIdentity::new(address))
    }
}

/// A table's members.
pub struct TomlObject<'a>(&'a DeTable<'a>);

impl<'a> Object<'a, TomlJson> for TomlObject<'a> {
    type Node = TomlNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Box<dyn Iterator<Item = (&'a str, TomlNode<'a>)> + 'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &String) -> Option<TomlNode<'a>> {
        self.0
            .get(key.as_str())
            .map(|value| TomlNode::of(value.get_ref()))
    }

    fn members(&self) -> Self::MembersIter {
        Box::new(
            self.0
                .iter()
                .map(|(key, value)| (key.get_ref().as_ref(), TomlNode::of(value.get_ref()))),
        )
    }
}

/// An array's elements.
pub struct TomlArray<'a>(&'a DeArray<'a>);

impl<'a> Array<'a, TomlJson> for TomlArray<'a> {
    type Node = TomlNode<'a>;
    type ElementsIter = Box<dyn Iterator<Item = TomlNode<'a>> + 'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        Box::new(self.0.iter().map(|item| TomlNode::of(item.get_ref())))
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, Kind};

    /// (message, span) of each schema finding, validated on the tree or on the JSON form.
    fn findings(text: &str, via_json: bool) -> Vec<(String, std::ops::Range<usize>)> {
        let (root, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{errors:?}");
        let doc = Document::new(0, text, root, Some(Kind::LaunchRequest));
        if via_json {
            let _ = doc.json();
        }
        let tz = jiff::tz::TimeZone::UTC;
        crate::schema::validate(&doc, Kind::LaunchRequest, &tz)
            .into_iter()
            .map(|f| (f.message, f.span))
            .collect()
    }

    #[test]
    fn the_tree_validates_exactly_like_its_json_form() {
        let text = r#"kind = "launch-request"
id = "LR-1"
title = "t"
services = []
change_type = "normall"
risk = "high"
status = "submitted"
requester = "alice"
submitted_at = 2026-11-20T09:00:00
x-team = { anything = [1, 2.5, true] }

[window]
start = 2026-12-01T02:00:00+08:00
end = "2026-02-30T04:00:00+08:00"

[rolback]
steps = ["x"]

[[steps]]
action = "deploy"
minutes = -5
irreversible = "no"

[rollout]
stages = [0, 50, 100.5]
"#;
        let tree = findings(text, false);
        assert!(tree.len() >= 8, "{tree:#?}");
        assert_eq!(tree, findings(text, true));
        let clean = r#"kind = "launch-request"
id = "LR-1"
title = "t"
services = ["api"]
change_type = "normal"
risk = "low"
status = "draft"
requester = "alice"

[window]
start = 2026-12-01T02:00:00Z
end = 2026-12-01T04:00:00Z
"#;
        assert!(findings(clean, false).is_empty());
        assert!(findings(clean, true).is_empty());
    }
}
