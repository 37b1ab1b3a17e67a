//! The embedding API's data frames: the JSON document (docs/output.md) as tables a host
//! language holds — R's data.frame, pandas' DataFrame — read off the document, so a frame
//! holds exactly the document's numbers.
//!
//! The rule (docs/output.md#data-frames): every array of records of an analysis is a frame
//! named by the analysis and its key (`nec` / `results`); an object holding such arrays gives
//! one frame per array (`high` / `solutions.complex`, `nec` / `bottleneck_cases.tables`). A record holding one array of records is
//! unfolded into one row per inner record, the outer fields repeated (a bottleneck table's
//! rows with its ceiling; a model's terms with its fit); a record holding several gives a frame
//! for each (`key.inner`). Inside a row, an object of values becomes columns `key.field`, a list
//! of values one text ("DEV, URB"); an inner field named as an outer one is `inner.field`.
//! Columns are numbers (null: missing), logicals or texts (a column mixing numbers and
//! words, such as a bottleneck level "NN", is text). Document-level frames (`analysis` ""):
//! `calibration` (a row per set) and `memberships` (a row per case: each set's membership
//! and raw value), and `queries`.
//!
//! Guarantees: any JSON value gives frames (never a panic); every column has one value per
//! row; frames come in the document's order.

use serde_json::Value;

/// One column of a frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Numbers(Vec<Option<f64>>),
    Logicals(Vec<Option<bool>>),
    Texts(Vec<Option<String>>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Logicals(v) => v.len(),
            Column::Texts(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A table of the document: the analysis it belongs to ("" for the document), its key, and
/// named columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub analysis: String,
    pub key: String,
    pub columns: Vec<(String, Column)>,
}

impl Frame {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}

type Row = Vec<(String, Value)>;

/// Every frame of a JSON document.
pub fn frames(doc: &Value) -> Vec<Frame> {
    let mut out = Vec::new();
    if let Some(sets) = doc["sets"].as_array() {
        sets_frames(doc, sets, &mut out);
    }
    if let Some(q) = doc.get("queries") {
        collect("", "queries", q, &mut out);
    }
    for a in doc["analyses"].as_array().into_iter().flatten() {
        let name = a["name"].as_str().unwrap_or("").to_string();
        for (k, v) in a.as_object().into_iter().flatten() {
            collect(&name, k, v, &mut out);
        }
    }
    out
}

/// The frames of one field of an analysis.
fn collect(analysis: &str, key: &str, v: &Value, out: &mut Vec<Frame>) {
    match v {
        Value::Array(items) if is_records(items) => {
            let mut rows = Vec::new();
            for item in items {
                unfold(analysis, key, item, &Vec::new(), &mut rows, out);
            }
            push(analysis, key, rows, out);
        }
        Value::Object(map) => {
            for (k, inner) in map {
                if holds_records(inner) {
                    collect(analysis, &format!("{key}.{k}"), inner, out);
                }
            }
        }
        _ => {}
    }
}

fn is_records(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(Value::is_object)
}

/// An array of records, or an object holding one.
fn holds_records(v: &Value) -> bool {
    match v {
        Value::Array(a) => is_records(a),
        _ => false,
    }
}

/// The rows of one record (with the fields of the records around it): one row, or one per
/// inner record when it holds one array of records; several arrays give frames of their own.
fn unfold(
    analysis: &str,
    key: &str,
    item: &Value,
    outer: &Row,
    rows: &mut Vec<Row>,
    out: &mut Vec<Frame>,
) {
    let Some(map) = item.as_object() else {
        return;
    };
    let mut row = outer.clone();
    let mut inner: Vec<(&String, &Vec<Value>)> = Vec::new();
    for (k, v) in map {
        match v {
            Value::Array(a) if is_records(a) => inner.push((k, a)),
            Value::Object(o) if o.values().any(holds_records) => {
                // an object of arrays of records inside a record: a frame per array
                for (sub, list) in o {
                    if let Value::Array(a) = list {
                        if is_records(a) {
                            let mut rows = Vec::new();
                            for r in a {
                                unfold(
                                    analysis,
                                    &format!("{key}.{k}.{sub}"),
                                    r,
                                    &row,
                                    &mut rows,
                                    out,
                                );
                            }
                            push(analysis, &format!("{key}.{k}.{sub}"), rows, out);
                        }
                    }
                }
            }
            other => flatten(k, other, &mut row),
        }
    }
    match inner.len() {
        0 => rows.push(row),
        1 => {
            let (k, list) = inner[0];
            for r in list {
                let mut inner_rows = Vec::new();
                unfold(
                    analysis,
                    &format!("{key}.{k}"),
                    r,
                    &Vec::new(),
                    &mut inner_rows,
                    out,
                );
                for ir in inner_rows {
                    let mut full = row.clone();
                    for (name, v) in ir {
                        let name = if full.iter().any(|(n, _)| *n == name) {
                            format!("{k}.{name}")
                        } else {
                            name
                        };
                        full.push((name, v));
                    }
                    rows.push(full);
                }
            }
        }
        _ => {
            rows.push(row.clone());
            for (k, list) in inner {
                let mut sub = Vec::new();
                for r in list {
                    unfold(analysis, &format!("{key}.{k}"), r, &row, &mut sub, out);
                }
                push(analysis, &format!("{key}.{k}"), sub, out);
            }
        }
    }
}

/// A field as the columns of a row: a value as it is, an object of values as `key.field`,
/// a list of values as one text.
fn flatten(key: &str, v: &Value, row: &mut Row) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                flatten(&format!("{key}.{k}"), x, row);
            }
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(text_of).collect();
            row.push((key.to_string(), Value::String(parts.join(", "))));
        }
        other => row.push((key.to_string(), other.clone())),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "NA".into(),
        Value::Array(a) => format!("[{}]", a.iter().map(text_of).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// Rows as a frame: columns in the order they first appear, typed.
fn push(analysis: &str, key: &str, rows: Vec<Row>, out: &mut Vec<Frame>) {
    let mut names: Vec<String> = Vec::new();
    for r in &rows {
        for (n, _) in r {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    if rows.is_empty() || names.is_empty() {
        return;
    }
    let columns = names
        .into_iter()
        .map(|n| {
            let cells: Vec<&Value> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .find(|(m, _)| *m == n)
                        .map_or(&Value::Null, |(_, v)| v)
                })
                .collect();
            (n, typed(&cells))
        })
        .collect();
    out.push(Frame {
        analysis: analysis.to_string(),
        key: key.to_string(),
        columns,
    });
}

/// A column of values: numbers, logicals, or texts when they mix.
fn typed(cells: &[&Value]) -> Column {
    let all = |f: fn(&Value) -> bool| cells.iter().all(|v| v.is_null() || f(v));
    if all(Value::is_number) {
        Column::Numbers(cells.iter().map(|v| v.as_f64()).collect())
    } else if all(Value::is_boolean) {
        Column::Logicals(cells.iter().map(|v| v.as_bool()).collect())
    } else {
        Column::Texts(
            cells
                .iter()
                .map(|v| match v {
                    Value::Null => None,
                    other => Some(text_of(other)),
                })
                .collect(),
        )
    }
}

/// `calibration` (one row per set) and `memberships` (one row per case).
fn sets_frames(doc: &Value, sets: &[Value], out: &mut Vec<Frame>) {
    let mut rows = Vec::new();
    for s in sets {
        let mut row = Row::new();
        for (k, v) in s.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "raw" | "membership") {
                flatten(k, v, &mut row);
            }
        }
        rows.push(row);
    }
    push("", "calibration", rows, out);
    let cases: Vec<Value> = doc["data"]["cases"].as_array().cloned().unwrap_or_default();
    let mut columns = vec![("case".to_string(), typed(&cases.iter().collect::<Vec<_>>()))];
    for s in sets {
        let name = s["name"].as_str().unwrap_or("");
        for (field, suffix) in [("membership", ""), ("raw", ".raw")] {
            if let Some(v) = s[field].as_array().filter(|v| v.len() == cases.len()) {
                columns.push((
                    format!("{name}{suffix}"),
                    typed(&v.iter().collect::<Vec<_>>()),
                ));
            }
        }
    }
    if !cases.is_empty() {
        out.push(Frame {
            analysis: String::new(),
            key: "memberships".into(),
            columns,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A bottleneck table unfolds into one row per level with its ceiling; a level "NN"
    /// makes its column text; an object of arrays gives a frame per array; a model's terms
    /// repeat the model's fit under their own prefixed names.
    #[test]
    fn the_rule_by_hand() {
        let doc = json!({ "analyses": [
            { "name": "nec", "kind": "nca",
              "bottlenecks": [ { "ceiling": "cr_fdh", "rows": [
                  { "outcome": 0, "values": { "X": "NN" } },
                  { "outcome": 100, "values": { "X": 40.5 } } ] } ] },
            { "name": "f", "kind": "fsqca",
              "solutions": { "complex": [ { "model": "M1", "consistency": 0.9,
                  "terms": [ { "expr": "A", "consistency": 0.95 }, { "expr": "B", "consistency": 0.8 } ] } ],
                  "parsimonious": [] } } ] });
        let f = frames(&doc);
        let keys: Vec<(&str, &str)> = f
            .iter()
            .map(|x| (x.analysis.as_str(), x.key.as_str()))
            .collect();
        assert_eq!(keys, [("nec", "bottlenecks"), ("f", "solutions.complex")]);
        let b = &f[0];
        assert_eq!(b.rows(), 2);
        assert_eq!(
            b.column("values.X"),
            Some(&Column::Texts(vec![Some("NN".into()), Some("40.5".into())]))
        );
        assert_eq!(
            b.column("ceiling"),
            Some(&Column::Texts(vec![Some("cr_fdh".into()); 2]))
        );
        let c = &f[1];
        assert_eq!(
            c.column("consistency"),
            Some(&Column::Numbers(vec![Some(0.9), Some(0.9)]))
        );
        assert_eq!(
            c.column("terms.consistency"),
            Some(&Column::Numbers(vec![Some(0.95), Some(0.8)]))
        );
        // anything else gives no frame, never a panic
        assert!(frames(&json!(3)).is_empty());
        assert!(frames(&json!({ "analyses": [ { "x": [1, [2]] } ] })).is_empty());
    }
}
