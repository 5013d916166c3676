//! Control-plane records besides state machines, one file each:
//! `DATA/resources/{kind}/{key}.rkyv`, rewritten whole (crash-safely) on every change and
//! removed when the record is deleted.

use super::disk::DiskStore;
use super::error::StoreError;
use super::files::{
    file_name, io, read_single, real_dir, remove_if_there, sorted_entries, write_whole,
};
use super::format::ResourceMeta;
use std::path::PathBuf;

impl DiskStore {
    fn resource_dir(&self, kind: &str) -> PathBuf {
        self.root().join("resources").join(kind)
    }

    fn resource_path(&self, kind: &str, key: &str) -> PathBuf {
        self.resource_dir(kind)
            .join(format!("{}.rkyv", file_name(key)))
    }

    /// Records `r` under `kind`, replacing the record of the same key.
    pub fn save_resource(&self, kind: &str, r: &ResourceMeta) -> Result<(), StoreError> {
        self.check_writable()?;
        let dir = self.resource_dir(kind);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        real_dir(&dir)?;
        write_whole(&self.resource_path(kind, &r.key), r)
    }

    /// Forgets the record of `key` under `kind`, if there is one.
    pub fn delete_resource(&self, kind: &str, key: &str) -> Result<(), StoreError> {
        self.check_writable()?;
        remove_if_there(&self.resource_path(kind, key))
    }

    /// The record of `key` under `kind`, if there is one.
    pub fn load_resource(&self, kind: &str, key: &str) -> Result<Option<ResourceMeta>, StoreError> {
        let path = self.resource_path(kind, key);
        if !path.exists() {
            return Ok(None);
        }
        read_single::<ResourceMeta>(&path).map(Some)
    }

    /// The records of `kind`, in file name order, and what could not be read.
    pub fn load_resources(&self, kind: &str) -> (Vec<ResourceMeta>, Vec<StoreError>) {
        let mut errors = Vec::new();
        let dir = self.resource_dir(kind);
        if !dir.exists() {
            return (Vec::new(), errors);
        }
        let mut out = Vec::new();
        for path in sorted_entries(&dir, &mut errors) {
            if path.extension().and_then(|e| e.to_str()) != Some("rkyv") {
                continue;
            }
            match read_single::<ResourceMeta>(&path) {
                Ok(r) => out.push(r),
                Err(e) => errors.push(e),
            }
        }
        (out, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_saved_replaced_listed_and_deleted() {
        let root = std::env::temp_dir().join(format!("sfn-resources-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let store = DiskStore::open(&root).unwrap();
        let r = |key: &str, json: &str| ResourceMeta {
            key: key.into(),
            json: json.into(),
        };
        store
            .save_resource("activities", &r("arn:a/b", "1"))
            .unwrap();
        store.save_resource("activities", &r("arn:c", "2")).unwrap();
        store
            .save_resource("activities", &r("arn:a/b", "3"))
            .unwrap();
        let (mut all, errors) = store.load_resources("activities");
        assert!(errors.is_empty(), "{errors:?}");
        all.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(all, vec![r("arn:a/b", "3"), r("arn:c", "2")]);
        store.delete_resource("activities", "arn:c").unwrap();
        store.delete_resource("activities", "arn:none").unwrap();
        assert_eq!(
            store.load_resources("activities").0,
            vec![r("arn:a/b", "3")]
        );
        assert!(store.load_resources("aliases").0.is_empty());
        let read_only = DiskStore::open_read_only(&root);
        assert!(read_only.save_resource("activities", &r("x", "1")).is_err());
        assert_eq!(read_only.load_resources("activities").0.len(), 1);
        drop(store);
        let _ = std::fs::remove_dir_all(&root);
    }
}
