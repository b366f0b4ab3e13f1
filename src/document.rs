//! A parsed TOML document: its spanned tree, its kind, its JSON form (built only when asked
//! for: schema error details, policies, rosters, pull-request comparisons; schemas, models
//! and organisation rules read the tree itself), and key-path → span lookups that rules use
//! to point at the exact key.

use std::ops::Range;
use std::sync::OnceLock;

use serde_json::{Map, Number, Value};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::key_spans::KeySpans;
use crate::source::FileId;

/// The document kinds a repository holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    LaunchRequest,
    ResponsePlan,
    Incident,
    Roster,
    Policy,
    Config,
}

impl Kind {
    /// Kinds a user writes in `kind = "…"`.
    pub const DECLARABLE: [Kind; 5] = [
        Kind::LaunchRequest,
        Kind::ResponsePlan,
        Kind::Incident,
        Kind::Roster,
        Kind::Policy,
    ];
    pub const ALL: [Kind; 6] = [
        Kind::LaunchRequest,
        Kind::ResponsePlan,
        Kind::Incident,
        Kind::Roster,
        Kind::Policy,
        Kind::Config,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::LaunchRequest => "launch-request",
            Kind::ResponsePlan => "response-plan",
            Kind::Incident => "incident",
            Kind::Roster => "roster",
            Kind::Policy => "policy",
            Kind::Config => "config",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One segment of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Seg<'a> {
    fn from(key: &'a str) -> Self {
        Seg::Key(key)
    }
}

impl From<usize> for Seg<'_> {
    fn from(index: usize) -> Self {
        Seg::Index(index)
    }
}

/// Writes a key path the way users read it: `approvals[1].by`.
pub fn display_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Where a key path was found: the key's span (absent for array items and the root) and the
/// value's span (a table's header for tables).
#[derive(Debug, Clone)]
pub struct Located {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

/// A parsed document of a known file.
///
/// The spanned tree and the JSON form are caches over the file's text: after the typed model
/// has been extracted they are released ([`Document::release`]) so that a run over tens of
/// thousands of files holds only texts and models, and rebuilt on first use. What is kept is
/// where each key was ([`KeySpans`]), so pointing a finding at a key needs no new parse.
#[derive(Debug)]
pub struct Document<'a> {
    pub file: FileId,
    pub kind: Option<Kind>,
    text: &'a str,
    tree: OnceLock<Spanned<DeTable<'a>>>,
    json: OnceLock<Value>,
    spans: Option<KeySpans>,
}

impl<'a> Document<'a> {
    /// A document over `text`, whose parse gave `root` (recoverable errors already reported).
    pub fn new(
        file: FileId,
        text: &'a str,
        root: Spanned<DeTable<'a>>,
        kind: Option<Kind>,
    ) -> Self {
        let tree = OnceLock::new();
        let _ = tree.set(root);
        Document {
            file,
            kind,
            text,
            tree,
            json: OnceLock::new(),
            spans: None,
        }
    }

    /// The spanned TOML tree.
    pub fn root(&self) -> &Spanned<DeTable<'a>> {
        self.tree
            .get_or_init(|| DeTable::parse_recoverable(self.text).0)
    }

    /// The document as the JSON the schemas describe.
    pub fn json(&self) -> &Value {
        self.json
            .get_or_init(|| table_to_json(self.root().get_ref()))
    }

    /// Whether the JSON form has been built (and is cached).
    pub fn has_json(&self) -> bool {
        self.json.get().is_some()
    }

    /// A top-level value of the document, read from the tree (no JSON needed).
    pub fn top(&self, key: &str) -> Option<&DeValue<'a>> {
        self.root().get_ref().get(key).map(|v| v.get_ref())
    }

    /// Drops the cached tree and JSON, keeping where each key was; the tree and JSON are
    /// rebuilt from the text when next needed.
    pub fn release(&mut self) {
        if let (None, Some(tree)) = (&self.spans, self.tree.get()) {
            self.spans = KeySpans::new(self.text, tree.get_ref());
        }
        self.discard();
    }

    /// Drops the cached tree and JSON, for a document no finding will point into.
    pub fn discard(&mut self) {
        self.tree.take();
        self.json.take();
    }

    /// Finds a key path in the spanned tree, or in what was kept of it.
    pub fn locate(&self, path: &[Seg<'_>]) -> Option<Located> {
        if let (None, Some(spans)) = (self.tree.get(), &self.spans) {
            return spans.locate(self.text, path);
        }
        let mut current: Option<&DeValue<'a>> = None;
        let mut located: Option<Located> = None;
        let root = self.root().get_ref();
        for seg in path {
            match seg {
                Seg::Key(key) => {
                    let table = match current {
                        None => root,
                        Some(DeValue::Table(t)) => t,
                        Some(_) => return None,
                    };
                    let (k, v) = table.get_key_value(*key)?;
                    located = Some(Located {
                        key: Some(k.span()),
                        value: v.span(),
                    });
                    current = Some(v.get_ref());
                }
                Seg::Index(i) => {
                    let Some(DeValue::Array(array)) = current else {
                        return None;
                    };
                    let item = array.get(*i)?;
                    located = Some(Located {
                        key: None,
                        value: item.span(),
                    });
                    current = Some(item.get_ref());
                }
            }
        }
        located
    }

    /// The span of a key path's value when present.
    pub fn span_of(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        self.locate(path).map(|l| l.value)
    }

    /// The span of a key path's key (falling back to its value for array items).
    pub fn key_span_of(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        self.locate(path).map(|l| l.key.unwrap_or(l.value))
    }

    /// Where to point for something at `path`: the value when present, else the nearest
    /// enclosing table that exists (its header), else the document's `id` value, else the
    /// first line.
    pub fn point_at(&self, path: &[Seg<'_>]) -> Range<usize> {
        for len in (1..=path.len()).rev() {
            if let Some(located) = self.locate(&path[..len]) {
                return located.value;
            }
        }
        self.id_span().unwrap_or_else(|| self.first_line())
    }

    /// The span of the `id` value, when the document has one.
    pub fn id_span(&self) -> Option<Range<usize>> {
        self.span_of(&[Seg::Key("id")])
    }

    /// Zero-width fallback span at the start of the document; emitters widen it to the first
    /// line when they need a visible range.
    pub fn first_line(&self) -> Range<usize> {
        0..0
    }
}

/// Converts a spanned TOML table into the JSON value the schemas describe. Datetimes become
/// RFC 3339 strings (local ones without offset, so `format: date-time` rejects them).
pub fn table_to_json(table: &DeTable<'_>) -> Value {
    let mut map = Map::with_capacity(table.len());
    for (key, value) in table.iter() {
        map.insert(key.get_ref().to_string(), value_to_json(value.get_ref()));
    }
    Value::Object(map)
}

pub fn value_to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => integer_value(i).map_or(Value::Null, |n| Value::Number(n.into())),
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            text.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map_or_else(|| Value::String(text), Value::Number)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(dt) => Value::String(datetime_to_string(dt)),
        DeValue::Array(array) => {
            Value::Array(array.iter().map(|v| value_to_json(v.get_ref())).collect())
        }
        DeValue::Table(table) => table_to_json(table),
    }
}

/// The value of a TOML integer, or `None` when it does not fit in 64 bits (which TOML
/// forbids). The parser has already removed the radix prefix and underscores.
pub fn integer_value(integer: &toml::de::DeInteger<'_>) -> Option<i64> {
    i64::from_str_radix(integer.as_str(), integer.radix()).ok()
}

/// Spans of the integers in a table that do not fit in 64 bits, in document order.
pub fn out_of_range_integers(table: &DeTable<'_>) -> Vec<Range<usize>> {
    fn visit(value: &Spanned<DeValue<'_>>, out: &mut Vec<Range<usize>>) {
        match value.get_ref() {
            DeValue::Integer(i) if integer_value(i).is_none() => out.push(value.span()),
            DeValue::Array(array) => array.iter().for_each(|item| visit(item, out)),
            DeValue::Table(table) => table.values().for_each(|item| visit(item, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    table.values().for_each(|value| visit(value, &mut out));
    out.sort_by_key(|span| span.start);
    out
}

/// RFC 3339 text for a TOML datetime, always with seconds (TOML 1.1 lets them be omitted).
pub fn datetime_to_string(dt: &toml::value::Datetime) -> String {
    // Written byte by byte into a buffer on the stack: this runs for every datetime of every
    // document (for the schema, the model and the organisation rules), and the formatting
    // machinery cost more than the rest of the conversion.
    let mut out = [0u8; 40];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        if let Some(slot) = out.get_mut(len..len + bytes.len()) {
            slot.copy_from_slice(bytes);
            len += bytes.len();
        }
    };
    if let Some(date) = &dt.date {
        let year = date.year;
        put(&[
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(u16::from(date.month) / 10),
            digit(u16::from(date.month)),
            b'-',
            digit(u16::from(date.day) / 10),
            digit(u16::from(date.day)),
        ]);
    }
    if let Some(time) = &dt.time {
        if dt.date.is_some() {
            put(b"T");
        }
        let second = u16::from(time.second.unwrap_or(0));
        put(&[
            digit(u16::from(time.hour) / 10),
            digit(u16::from(time.hour)),
            b':',
            digit(u16::from(time.minute) / 10),
            digit(u16::from(time.minute)),
            b':',
            digit(second / 10),
            digit(second),
        ]);
        if let Some(nanos) = time.nanosecond.filter(|n| *n > 0) {
            let mut fraction = [b'.'; 10];
            let mut rest = nanos;
            for slot in fraction[1..].iter_mut().rev() {
                *slot = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            let kept = fraction
                .iter()
                .rposition(|b| *b != b'0')
                .map_or(1, |i| i + 1);
            put(&fraction[..kept]);
        }
    }
    match &dt.offset {
        Some(toml::value::Offset::Z) => put(b"Z"),
        Some(toml::value::Offset::Custom { minutes }) => {
            let sign = if *minutes < 0 { b'-' } else { b'+' };
            let minutes = minutes.unsigned_abs();
            let (hours, minutes) = (minutes / 60, minutes % 60);
            put(&[
                sign,
                digit(hours / 10),
                digit(hours),
                b':',
                digit(minutes / 10),
                digit(minutes),
            ]);
        }
        None => {}
    }
    // Only ASCII was written.
    std::str::from_utf8(&out[..len]).map_or_else(|_| String::new(), str::to_owned)
}

/// The last decimal digit of `value`, as ASCII.
fn digit(value: u16) -> u8 {
    b'0' + (value % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document<'_> {
        let (root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty());
        Document::new(0, text, root, None)
    }

    #[test]
    fn datetimes_become_rfc3339_with_seconds() {
        let d = doc("a = 2027-10-17T01:00:00+08:00\nb = 1979-05-27T07:32:00.999Z\nc = 0987-01-02T03:04-09:30\nd = 2026-11-30\ne = 07:32\nf = 2026-11-30T00:00:00.000100\n");
        assert_eq!(d.json()["a"], "2027-10-17T01:00:00+08:00");
        assert_eq!(d.json()["b"], "1979-05-27T07:32:00.999Z");
        assert_eq!(d.json()["c"], "0987-01-02T03:04:00-09:30");
        assert_eq!(d.json()["d"], "2026-11-30");
        assert_eq!(d.json()["e"], "07:32:00");
        assert_eq!(d.json()["f"], "2026-11-30T00:00:00.0001");
    }

    #[test]
    fn locates_keys_tables_and_array_items() {
        let text = "id = \"A\"\n[rollback]\nsteps = [\"x\", \"y\"]\n[[approvals]]\nby = \"c\"\n";
        let d = doc(text);
        let steps = d
            .span_of(&["rollback".into(), "steps".into(), 1.into()])
            .unwrap();
        assert_eq!(&text[steps], "\"y\"");
        let by = d
            .span_of(&["approvals".into(), 0.into(), "by".into()])
            .unwrap();
        assert_eq!(&text[by], "\"c\"");
        let missing = d.point_at(&["rollback".into(), "owner".into()]);
        assert_eq!(&text[missing], "[rollback]");
        let top = d.point_at(&["window".into()]);
        assert_eq!(&text[top], "\"A\"");
    }

    #[test]
    fn a_released_document_places_keys_without_parsing_again() {
        let text = "id = \"A\"\n[[approvals]]\nby = \"c\"\n";
        let mut d = doc(text);
        d.release();
        let by = d
            .span_of(&["approvals".into(), 0.into(), "by".into()])
            .unwrap();
        assert_eq!(&text[by], "\"c\"");
        let missing = d.point_at(&["approvals".into(), 1.into()]);
        assert_eq!(&text[missing], "[[approvals]]");
        assert!(d.tree.get().is_none(), "the tree was parsed again");
        // A caller that needs values gets the tree back.
        assert_eq!(d.top("id").and_then(|v| v.as_str()), Some("A"));
    }

    #[test]
    fn integers_in_every_radix_become_numbers() {
        let d = doc("a = 0x1e\nb = 0o17\nc = 0b101\nd = 1_000\ne = -42\nf = +7\n");
        assert_eq!(d.json()["a"], 30);
        assert_eq!(d.json()["b"], 15);
        assert_eq!(d.json()["c"], 5);
        assert_eq!(d.json()["d"], 1000);
        assert_eq!(d.json()["e"], -42);
        assert_eq!(d.json()["f"], 7);
    }

    #[test]
    fn integers_beyond_64_bits_are_found() {
        let text = "a = 1\nb = [2, 99999999999999999999]\n[c]\nd = 0xffffffffffffffff\n";
        let d = doc(text);
        let spans = out_of_range_integers(d.root().get_ref());
        let found: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(found, ["99999999999999999999", "0xffffffffffffffff"]);
    }

    #[test]
    fn datetimes_become_rfc3339_strings() {
        let d = doc("a = 2026-12-01T02:00:00+08:00\nb = 2026-12-01T02:00\nc = 2026-12-01\n");
        assert_eq!(d.json()["a"], "2026-12-01T02:00:00+08:00");
        assert_eq!(d.json()["b"], "2026-12-01T02:00:00");
        assert_eq!(d.json()["c"], "2026-12-01");
    }
}
