//! The one golden-file mechanism: checked-in expected output, compared byte for byte, and rewritten
//! instead under `UPDATE_GOLDEN=1` (then review `git diff` like code, as with insta snapshots).

use super::{copy_tree, tree, ROOT};
use std::collections::BTreeMap;
use std::path::Path;

/// Whether this run rewrites golden files instead of comparing.
pub fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// Compares `actual` with the file `rel` (relative to the crate root), or writes it.
pub fn assert_golden(rel: &str, actual: &str) {
    let path = Path::new(ROOT).join(rel);
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{rel} differs from what the test produced; rerun with UPDATE_GOLDEN=1 and review the diff.\nproduced:\n{actual}"
    );
}

/// Compares `actual` with `tests/snapshots/<name>`: a reviewed whole output too small or too internal
/// for a case directory (one target's objects, a report), under the same update command.
pub fn snapshot(name: &str, actual: &str) {
    assert_golden(&format!("tests/snapshots/{name}"), actual);
}

/// Compares a whole produced tree with the directory `rel`, or replaces the files `owned` selects there
/// with the produced ones.
pub fn assert_golden_tree(rel: &str, actual: &BTreeMap<String, String>, owned: impl Fn(&str) -> bool) {
    let dir = Path::new(ROOT).join(rel);
    if updating() {
        for file in tree(&dir).into_keys().filter(|f| owned(f)) {
            std::fs::remove_file(dir.join(file)).unwrap();
        }
        let staging = super::TempDir::new("golden");
        for (file, text) in actual {
            let dest = staging.path().join(file);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, text).unwrap();
        }
        copy_tree(staging.path(), &dir);
        return;
    }
    assert_eq!(&tree(&dir), actual, "{rel} is out of date: rerun with UPDATE_GOLDEN=1 and review the diff");
}
