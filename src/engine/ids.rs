//! Engine stage: the case ids of a table and of an analysis, and the columns of numbers they
//! label — stored once and shared.
//!
//! Guarantees: [`CaseIds`] keeps every id's text in one buffer (10⁶ ids such as `"123456"`:
//! 7 MB of text and 4 MB of offsets, not 40 MB of separate strings); cloning either type
//! shares the storage (a reference count), so the data table, the sets and the analyses read
//! one copy of a column and one list of ids. Nothing here panics: an index out of range is
//! `None` (or `""` through [`CaseIds::name`]).

use std::fmt;
use std::sync::Arc;

/// A column of numbers (NaN = missing), shared by the table, the sets and the analyses.
pub type Column = Arc<[f64]>;

#[derive(Default, PartialEq, Eq)]
struct Store {
    text: String,
    /// `ends[i]`: where id i ends in `text` (it starts where id i − 1 ends); the text holds
    /// at most 4 GiB ([`IdsBuilder::fits`]).
    ends: Vec<u32>,
}

/// The ids of cases in data order, shared (cloning is cheap).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CaseIds(Arc<Store>);

/// Builds [`CaseIds`] one id at a time.
#[derive(Default)]
pub struct IdsBuilder(Store);

impl IdsBuilder {
    /// Whether one more id fits (the ids' text stays within 4 GiB).
    pub fn fits(&self, id: &str) -> bool {
        u32::try_from(self.0.text.len() + id.len()).is_ok()
    }

    /// Adds an id; one that does not [fit](IdsBuilder::fits) is left out (`false`).
    pub fn push(&mut self, id: &str) -> bool {
        let Ok(end) = u32::try_from(self.0.text.len() + id.len()) else {
            return false;
        };
        self.0.text.push_str(id);
        self.0.ends.push(end);
        true
    }

    pub fn finish(mut self) -> CaseIds {
        self.0.text.shrink_to_fit();
        self.0.ends.shrink_to_fit();
        CaseIds(Arc::new(self.0))
    }
}

impl CaseIds {
    /// The ids `1`, `2`, … `n` (a table without an id column).
    pub fn numbered(n: usize) -> CaseIds {
        let mut b = IdsBuilder::default();
        let mut buf = String::new();
        for i in 1..=n {
            use std::fmt::Write as _;
            buf.clear();
            let _ = write!(buf, "{i}");
            // 10⁸ numbers take < 1 GiB
            b.push(&buf);
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.0.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.ends.is_empty()
    }

    /// Id i, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.0.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(before) => self.0.ends[before] as usize,
            None => 0,
        };
        self.0.text.get(start..end)
    }

    /// Id i, or `""` if there is none.
    pub fn name(&self, i: usize) -> &str {
        self.get(i).unwrap_or_default()
    }

    pub fn first(&self) -> Option<&str> {
        self.get(0)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.name(i))
    }

    /// Where an id is (the first such case).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.iter().position(|x| x == id)
    }

    /// The ids of these cases, in this order (indices out of range are skipped).
    pub fn select(&self, indices: impl IntoIterator<Item = usize>) -> CaseIds {
        indices.into_iter().filter_map(|i| self.get(i)).collect()
    }

    /// Every id as its own string (small lists: messages, tests, embedding).
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(String::from).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for CaseIds {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut b = IdsBuilder::default();
        for s in iter {
            // ids beyond 4 GiB of text are left out (a table refuses them before)
            b.push(s.as_ref());
        }
        b.finish()
    }
}

impl From<Vec<String>> for CaseIds {
    fn from(v: Vec<String>) -> Self {
        v.iter().collect()
    }
}

impl From<&[&str]> for CaseIds {
    fn from(v: &[&str]) -> Self {
        v.iter().collect()
    }
}

impl fmt::Debug for CaseIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for CaseIds {
    fn eq(&self, other: &Vec<S>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl serde::Serialize for CaseIds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_back_as_written() {
        let ids: CaseIds = ["a", "", "ccc", "dé"].iter().collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.get(0), Some("a"));
        assert_eq!(ids.get(1), Some(""));
        assert_eq!(ids.get(3), Some("dé"));
        assert_eq!(ids.get(4), None);
        assert_eq!(ids.name(9), "");
        assert_eq!(ids.position("ccc"), Some(2));
        assert_eq!(ids.select([3, 0, 7]), vec!["dé", "a"]);
        assert_eq!(CaseIds::numbered(3), vec!["1", "2", "3"]);
        assert_eq!(
            serde_json::to_string(&ids).ok().as_deref(),
            Some(r#"["a","","ccc","dé"]"#)
        );
    }
}
