//! Which document `build.rs` reads, and what to tell a user whose path does not exist.
//!
//! A build script runs in the folder of the crate it builds: for a user of `calcom`, that
//! is calcom's own folder (in the cargo registry for a crates.io dependency), not the
//! user's project. So a relative `CALCOM_OPENAPI_SPEC` means a path inside calcom, which is
//! rarely what was meant. Cargo's `[env]` table with `relative = true` turns a path relative
//! to the user's project into an absolute one before the build script sees it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The variable that names the document.
pub const SPEC_VAR: &str = "CALCOM_OPENAPI_SPEC";

/// The document a build reads, and how its path was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecPath {
    /// The path the generator reads.
    pub path: PathBuf,
    /// How it was chosen.
    pub origin: Origin,
}

/// How [`SpecPath::path`] was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No `CALCOM_OPENAPI_SPEC`: the crate's vendored `openapi/openapi.json`.
    Vendored,
    /// An absolute `CALCOM_OPENAPI_SPEC`, used as it is.
    Absolute,
    /// A relative `CALCOM_OPENAPI_SPEC`, joined to the crate's folder (given here).
    RelativeToCrate(PathBuf),
}

impl SpecPath {
    /// The document for the crate in `manifest_dir`, given `CALCOM_OPENAPI_SPEC`'s value.
    pub fn resolve(var: Option<&OsStr>, manifest_dir: &Path) -> Self {
        match var.filter(|v| !v.is_empty()).map(Path::new) {
            None => Self {
                path: manifest_dir.join("openapi/openapi.json"),
                origin: Origin::Vendored,
            },
            Some(p) if p.is_absolute() => Self {
                path: p.to_path_buf(),
                origin: Origin::Absolute,
            },
            Some(p) => Self {
                path: manifest_dir.join(p),
                origin: Origin::RelativeToCrate(manifest_dir.to_path_buf()),
            },
        }
    }

    /// What to add to the error when the document cannot be read: for a relative path, the
    /// folder it was resolved against and the setting that means what the user expects.
    pub fn hint_when_missing(&self) -> Option<String> {
        let Origin::RelativeToCrate(dir) = &self.origin else {
            return None;
        };
        let given = self.path.strip_prefix(dir).unwrap_or(&self.path);
        Some(format!(
            "{SPEC_VAR}={given} is relative, and a build script resolves it against the folder \
             of the crate it builds ({dir}), not your project. Give an absolute path, or set it \
             in your project's .cargo/config.toml, which makes it relative to the folder that \
             holds .cargo/:\n\n    [env]\n    {SPEC_VAR} = {{ value = \"{given}\", relative = true }}\n",
            given = given.display(),
            dir = dir.display(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_variable_means_the_vendored_document() {
        let spec = SpecPath::resolve(None, Path::new("/reg/calcom"));
        assert_eq!(spec.path, Path::new("/reg/calcom/openapi/openapi.json"));
        assert_eq!(spec.origin, Origin::Vendored);
        assert_eq!(spec.hint_when_missing(), None);
        let empty = SpecPath::resolve(Some(OsStr::new("")), Path::new("/reg/calcom"));
        assert_eq!(empty.origin, Origin::Vendored);
    }

    #[test]
    fn an_absolute_path_is_used_as_it_is_and_needs_no_hint() {
        let spec = SpecPath::resolve(Some(OsStr::new("/home/me/app/cal.json")), Path::new("/x"));
        assert_eq!(spec.path, Path::new("/home/me/app/cal.json"));
        assert_eq!(spec.hint_when_missing(), None);
    }

    #[test]
    fn a_relative_path_names_the_folder_it_was_resolved_against_and_the_fix() {
        let spec = SpecPath::resolve(Some(OsStr::new("openapi.json")), Path::new("/reg/calcom"));
        assert_eq!(spec.path, Path::new("/reg/calcom/openapi.json"));
        let hint = spec.hint_when_missing().unwrap();
        assert!(
            hint.contains("CALCOM_OPENAPI_SPEC=openapi.json is relative"),
            "{hint}"
        );
        assert!(hint.contains("(/reg/calcom)"), "{hint}");
        assert!(
            hint.contains(r#"CALCOM_OPENAPI_SPEC = { value = "openapi.json", relative = true }"#),
            "{hint}"
        );
    }
}
