//! The spanned TOML tree as a serde deserializer, so typed models are read straight from
//! the tree a document was parsed into instead of from a `serde_json::Value` copy of it.
//! Every value reads exactly as its JSON form ([`crate::document::value_to_json`]) would:
//! datetimes as their RFC 3339 text, non-negative integers as unsigned, non-finite floats
//! as their text, and the errors name the same unexpected types.

use serde::de::value::{Error, StrDeserializer};
use serde::de::Deserializer as _;
use serde::de::{
    self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::document::{datetime_to_string, integer_value};

/// A value of the tree, to deserialize from.
#[derive(Clone, Copy)]
pub struct TomlValue<'v, 'a>(pub &'v DeValue<'a>);

/// A table of the tree (a document's root), to deserialize from.
#[derive(Clone, Copy)]
pub struct TomlTable<'v, 'a>(pub &'v DeTable<'a>);

/// What a float reads as: a number, or its text when not finite (JSON has no such number).
enum FloatForm {
    Number(f64),
    Text(String),
}

fn float_form(float: &toml::de::DeFloat<'_>) -> FloatForm {
    let text = float.as_str().replace('_', "");
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => FloatForm::Number(number),
        _ => FloatForm::Text(text),
    }
}

impl TomlValue<'_, '_> {
    /// The value as `serde_json`'s `Value` would name it in a type error.
    fn unexpected(&self) -> Unexpected<'_> {
        match self.0 {
            DeValue::String(s) => Unexpected::Str(s),
            DeValue::Integer(i) => match integer_value(i) {
                Some(n) if n >= 0 => Unexpected::Unsigned(n.unsigned_abs()),
                Some(n) => Unexpected::Signed(n),
                None => Unexpected::Unit,
            },
            DeValue::Float(f) => match float_form(f) {
                FloatForm::Number(n) => Unexpected::Float(n),
                FloatForm::Text(_) => Unexpected::Other("string"),
            },
            DeValue::Boolean(b) => Unexpected::Bool(*b),
            DeValue::Datetime(_) => Unexpected::Other("string"),
            DeValue::Array(_) => Unexpected::Seq,
            DeValue::Table(_) => Unexpected::Map,
        }
    }
}

impl<'de> de::Deserializer<'de> for TomlValue<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            DeValue::String(s) => visitor.visit_str(s),
            DeValue::Integer(i) => match integer_value(i) {
                Some(n) if n >= 0 => visitor.visit_u64(n.unsigned_abs()),
                Some(n) => visitor.visit_i64(n),
                // Too large for 64 bits: the JSON form holds `null` (LC001 reports it first).
                None => visitor.visit_unit(),
            },
            DeValue::Float(f) => match float_form(f) {
                FloatForm::Number(n) => visitor.visit_f64(n),
                FloatForm::Text(text) => visitor.visit_string(text),
            },
            DeValue::Boolean(b) => visitor.visit_bool(*b),
            DeValue::Datetime(dt) => visitor.visit_string(datetime_to_string(dt)),
            DeValue::Array(items) => visit_seq(items, visitor),
            DeValue::Table(table) => TomlTable(table).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            DeValue::Integer(i) if integer_value(i).is_none() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            DeValue::String(s) => visitor.visit_enum(StrDeserializer::<Error>::new(s)),
            DeValue::Table(table) => {
                let mut entries = table.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(Variant {
                        name: variant.get_ref(),
                        value: TomlValue(value.get_ref()),
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &"string or map")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl<'de> de::Deserializer<'de> for TomlTable<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut entries = Entries {
            iter: self.0.iter(),
            value: None,
        };
        let value = visitor.visit_map(&mut entries)?;
        // As for JSON: a visitor that stops early leaves the rest unread, which is an error.
        let left = entries.iter.len();
        if left == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(
                self.0.len(),
                &"fewer elements in map",
            ))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier enum
    }
}

fn visit_seq<'de, V: Visitor<'de>>(
    items: &[Spanned<DeValue<'_>>],
    visitor: V,
) -> Result<V::Value, Error> {
    let mut elements = Elements { iter: items.iter() };
    let value = visitor.visit_seq(&mut elements)?;
    if elements.iter.len() == 0 {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(
            items.len(),
            &"fewer elements in array",
        ))
    }
}

struct Elements<'v, 'a> {
    iter: std::slice::Iter<'v, Spanned<DeValue<'a>>>,
}

impl<'de> SeqAccess<'de> for Elements<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.iter
            .next()
            .map(|item| seed.deserialize(TomlValue(item.get_ref())))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Entries<'v, 'a> {
    iter: toml::map::Iter<'v, Spanned<std::borrow::Cow<'a, str>>, Spanned<DeValue<'a>>>,
    value: Option<&'v DeValue<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value.get_ref());
                seed.deserialize(StrDeserializer::<Error>::new(key.get_ref()))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(TomlValue(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A single-key table read as an enum variant.
struct Variant<'v, 'a> {
    name: &'v str,
    value: TomlValue<'v, 'a>,
}

impl<'de, 'v, 'a> EnumAccess<'de> for Variant<'v, 'a> {
    type Error = Error;
    type Variant = TomlValue<'v, 'a>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Error> {
        let name = seed.deserialize(StrDeserializer::<Error>::new(self.name))?;
        Ok((name, self.value))
    }
}

impl<'de> VariantAccess<'de> for TomlValue<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Err(de::Error::invalid_type(self.unexpected(), &"unit variant"))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            DeValue::Array(items) => visit_seq(items, visitor),
            _ => Err(de::Error::invalid_type(self.unexpected(), &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            DeValue::Table(table) => TomlTable(table).deserialize_any(visitor),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use toml::de::DeTable;

    use super::TomlTable;
    use crate::document::table_to_json;
    use crate::model::{Incident, LaunchRequest, ResponsePlan};

    /// What a model type reads from `text` through the JSON form and through the tree:
    /// the model (as `Debug` text) or the error message.
    fn both<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> (String, String) {
        let (root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{text}");
        let show = |r: Result<T, String>| match r {
            Ok(model) => format!("{model:?}"),
            Err(error) => format!("error: {error}"),
        };
        let json = table_to_json(root.get_ref());
        let from_json = show(T::deserialize(&json).map_err(|e| e.to_string()));
        let from_tree = show(T::deserialize(TomlTable(root.get_ref())).map_err(|e| e.to_string()));
        (from_json, from_tree)
    }

    fn agree(text: &str) -> usize {
        let (root, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            return 0;
        }
        let kind = root
            .get_ref()
            .get("kind")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or_default()
            .to_owned();
        let (json, tree) = match kind.as_str() {
            "launch-request" => both::<LaunchRequest>(text),
            "response-plan" => both::<ResponsePlan>(text),
            "incident" => both::<Incident>(text),
            _ => return 0,
        };
        assert_eq!(json, tree, "{text}");
        1
    }

    #[test]
    fn every_fixture_reads_the_same_from_the_tree_as_from_json() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut compared = 0;
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.expect("walk");
            if entry.path().extension().is_some_and(|e| e == "toml") {
                // Fixtures of unreadable files (not UTF-8) have no document to compare.
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    compared += agree(&text);
                }
            }
        }
        // The demo, the rule fixtures and the scenarios hold well over a hundred documents.
        assert!(compared > 100, "only {compared} documents compared");
    }

    #[test]
    fn mismatched_values_fail_alike() {
        let base = "kind = \"launch-request\"\nid = \"LR-1\"\ntitle = \"t\"\nservices = [\"a\"]\n\
                    environment = \"production\"\nchange_type = \"normal\"\nrisk = \"low\"\n\
                    status = \"draft\"\nrequester = \"ann\"\n\
                    [window]\nstart = 2027-01-01T00:00:00Z\nend = 2027-01-01T01:00:00Z\n";
        let cases = [
            "",
            "[rollback]\nminutes = -5\n",
            "[rollback]\nminutes = \"ten\"\n",
            "[rollback]\nminutes = 1.5\n",
            "[rollback]\nsteps = \"one\"\n",
            "[rollback]\ntested_on = 2027-01-01T00:00:00Z\n",
            "[rollback]\nowner = 7\n",
            "[rollback]\nowner = [1]\n",
            "[rollback]\nowner = { a = 1 }\n",
            "[[approvals]]\nby = \"b\"\nrole = \"r\"\nat = 2027-01-01\n",
            "[[approvals]]\nby = \"b\"\nrole = \"r\"\nat = 1979-05-27T07:32:00\n",
            "[x-extra]\nf = nan\ng = inf\nh = 1_000.5\n",
        ];
        for case in cases {
            let text = format!("{base}{case}");
            let (json, tree) = both::<LaunchRequest>(&text);
            assert_eq!(json, tree, "{text}");
        }
        let broken = format!("{base}{}", cases[2]);
        assert!(both::<LaunchRequest>(&broken)
            .1
            .starts_with("error: invalid type"));
        let plan = "kind = \"response-plan\"\nid = \"RP-1\"\n[roles]\nlead = { count = 2, at = 2027-01-01, r = 1.5, n = nan }\n";
        let (json, tree) = both::<ResponsePlan>(plan);
        assert_eq!(json, tree);
    }
}
