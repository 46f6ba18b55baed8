//! Where a field is written in a config's source text, for results that point at a line.

use saphyr_parser::{Event, Parser, Span};

/// Where the field at a dotted `path` (`spec.spokes.1.server`, list indexes as numbers, as results name
/// fields) is written in a config's source text: (line, column), both from 1, of its key, or of the
/// entry for a list index. A path the text lacks (a required field left out) gets the nearest ancestor
/// that is written. None when not even the first segment is there, or the text is not one YAML
/// document the event parser reads.
///
/// A map key may itself contain dots (label keys such as `ztwim-gitops.dev/kind`), so at each map the
/// longest key that the rest of the path starts with wins, rather than splitting the path up front.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    Locator::new(text)?.locate(path)
}

/// A config's text parsed once for [`locate`]: a fleet's results (one or two per spoke) would otherwise
/// parse the whole text once each, and walk every list from its start — quadratic in the fleet.
pub struct Locator<'t> {
    events: Vec<(Event<'t>, Span)>,
    /// For each event, the index just past its node (a scalar, alias, or a whole collection).
    end: Vec<usize>,
    /// For each sequence start, the event index of each entry.
    entries: std::collections::HashMap<usize, Vec<usize>>,
}

impl<'t> Locator<'t> {
    /// None when the text is not one YAML document the event parser reads.
    pub fn new(text: &'t str) -> Option<Locator<'t>> {
        let events: Vec<(Event, Span)> = Parser::new_from_str(text).collect::<Result<_, _>>().ok()?;
        let mut end: Vec<usize> = (1..=events.len()).collect();
        let mut entries: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        let mut open: Vec<usize> = Vec::new();
        for i in 0..events.len() {
            // Directly inside a sequence, every event but its end starts an entry.
            if let Some(&seq) = open.last().filter(|&&o| matches!(events[o].0, Event::SequenceStart(..))) {
                if !matches!(events[i].0, Event::SequenceEnd) {
                    entries.entry(seq).or_default().push(i);
                }
            }
            match events[i].0 {
                Event::MappingStart(..) | Event::SequenceStart(..) => open.push(i),
                Event::MappingEnd | Event::SequenceEnd => {
                    let start = open.pop()?;
                    end[start] = i + 1;
                }
                _ => {}
            }
        }
        Some(Locator { events, end, entries })
    }

    /// See [`locate`].
    pub fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let events = &self.events;
        let mut node = events.iter().position(|(e, _)| !matches!(e, Event::StreamStart | Event::DocumentStart(_)))?;
        let mut rest = path;
        let mut found = None;
        while !rest.is_empty() {
            let (start, next) = match &events.get(node)?.0 {
                Event::MappingStart(..) => {
                    let mut best: Option<(usize, usize, usize)> = None;
                    let mut key = node + 1;
                    while !matches!(events.get(key)?.0, Event::MappingEnd) {
                        let value = self.end[key];
                        if let Event::Scalar(k, ..) = &events[key].0 {
                            let hit = rest.strip_prefix(k.as_ref()).is_some_and(|r| r.is_empty() || r.starts_with('.'));
                            if hit && best.is_none_or(|(_, _, len)| k.len() > len) {
                                best = Some((key, value, k.len()));
                            }
                        }
                        key = *self.end.get(value)?;
                    }
                    let Some((key, value, len)) = best else { break };
                    rest = &rest[len..];
                    (key, value)
                }
                Event::SequenceStart(..) => {
                    let (segment, _) = rest.split_once('.').unwrap_or((rest, ""));
                    let Ok(index) = segment.parse::<usize>() else { break };
                    let Some(&entry) = self.entries.get(&node).and_then(|e| e.get(index)) else { break };
                    rest = &rest[segment.len()..];
                    (entry, entry)
                }
                _ => break,
            };
            found = Some(events[start].1.start);
            rest = rest.strip_prefix('.').unwrap_or(rest);
            node = next;
        }
        found.map(|m| (m.line(), m.col() + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nspec:\n  appDomain: a.example.com\n  spokes:\n  - name: a\n    server: https://a\n  -   name: b\n      labels: {ztwim-gitops.dev/kind: x, ztwim-gitops.dev: y}\n      servr: https://b\n";

    #[test]
    fn locates_keys_and_list_entries() {
        assert_eq!(locate(CONFIG, "kind"), Some((2, 1)));
        assert_eq!(locate(CONFIG, "spec.appDomain"), Some((4, 3)));
        assert_eq!(locate(CONFIG, "spec.spokes.0.server"), Some((7, 5)));
        assert_eq!(locate(CONFIG, "spec.spokes.1"), Some((8, 7)));
        assert_eq!(locate(CONFIG, "spec.spokes.1.servr"), Some((10, 7)));
    }

    #[test]
    fn a_key_with_dots_is_matched_whole() {
        assert_eq!(locate(CONFIG, "spec.spokes.1.labels.ztwim-gitops.dev/kind"), Some((9, 16)));
        assert_eq!(locate(CONFIG, "spec.spokes.1.labels.ztwim-gitops.dev"), Some((9, 42)));
    }

    #[test]
    fn a_missing_field_gets_its_nearest_written_ancestor() {
        assert_eq!(locate(CONFIG, "spec.spokes.0.audience"), Some((6, 5)));
        assert_eq!(locate(CONFIG, "spec.spokes.7.name"), Some((5, 3)));
        assert_eq!(locate(CONFIG, "spec.trustDomain"), Some((3, 1)));
        assert_eq!(locate(CONFIG, "data.spokeServer"), None);
        assert_eq!(locate("a: [", "a"), None);
    }

    #[test]
    fn list_entries_are_found_past_nested_collections() {
        let text = "a:\n- [1, [2, 3]]\n- {b: [x, y]}\n- z\n";
        let locator = Locator::new(text).unwrap();
        assert_eq!(locator.locate("a.2"), Some((4, 3)));
        assert_eq!(locator.locate("a.1.b.1"), Some((3, 11)));
        assert_eq!(locator.locate("a.0.1.1"), Some((2, 11)));
        assert_eq!(locator.locate("a.3"), Some((1, 1)), "past the end: the list's key");
    }
}
