//! What a reader of manifests written by anyone sees, shared by the doctor and by each spoke kind's
//! observer in [`crate::kinds`] (and by `import`): the object as read, with where it came from, and the
//! [`Authenticator`] every kind's observer turns its objects into. It sits below both so that the arrow
//! runs one way: `doctor` → `kinds` → `observed`, never back from a kind to the doctor.

use serde::Deserialize;
use serde_json::Value;

/// One Kubernetes object from the input.
#[derive(Debug, Clone)]
pub struct Object {
    /// `file`, `file#3` (the fourth document) or `<stdin>#1`: what a human looks for.
    pub origin: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// The cluster the input marks it for: `management`, `spoke/<name>`, or None. Pairing spokes with
    /// cluster Secrets relies on this, because every spoke's Authentication is named `cluster`.
    pub cluster: Option<String>,
    pub value: Value,
}

impl Object {
    /// `Kind namespace/name` or `Kind name`, as `oc` names objects.
    pub fn display(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
    /// The API group (empty for the core group).
    pub fn group(&self) -> &str {
        crate::api::group(&self.api_version)
    }
    /// Whether the object is a `T` (any version of its group), by the type's own constants.
    pub fn is<T: k8s_openapi::Resource>(&self) -> bool {
        crate::api::is::<T>(&self.api_version, &self.kind)
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str)
    }
    /// The spoke an object is for: marked `spoke/<name>`, or `control-plane/<name>` (where a hosted or EKS
    /// spoke's authentication is configured).
    pub fn spoke(&self) -> Option<&str> {
        self.cluster.as_deref().and_then(|c| c.strip_prefix("spoke/").or_else(|| c.strip_prefix("control-plane/")))
    }
}

/// What a spoke's API server does with a bearer token, whatever object configured it: the interface every
/// spoke kind's adapter produces. All strings are exactly as written (no trimming): exact comparison is the
/// point.
#[derive(Debug, Clone)]
pub struct Authenticator {
    /// `Authentication cluster oidcProviders[0]`: where to fix it.
    pub at: String,
    /// The spoke this configures, when the object itself says (a HostedCluster's name); else the object's mark.
    pub spoke: Option<String>,
    /// Problems that make the authenticator inactive whatever its fields say (`type` is not OIDC, …).
    pub inactive: Option<String>,
    pub issuer_url: String,
    pub audiences: Vec<String>,
    pub ca: CaSource,
    pub username_claim: String,
    /// A CEL `claimMappings.username.expression` (OpenShift with ExternalOIDCWithUpstreamParity, Kubernetes
    /// structured authentication): it replaces claim and prefix, and doctor cannot evaluate it.
    pub username_expression: Option<String>,
    pub username_prefix: String,
    /// Where the prefix comes from, for the report (`prefixPolicy NoPrefix`, `default <issuerURL>#`).
    pub prefix_rule: String,
    /// `claim == value` rules, ANDed.
    pub required_claims: Vec<(String, String)>,
    /// Rules this adapter cannot evaluate (CEL expressions): reported as info.
    pub opaque_rules: Vec<String>,
}

/// Where the spoke's API server gets the CA it verifies the issuer's TLS certificate with.
#[derive(Debug, Clone, PartialEq)]
pub enum CaSource {
    /// The system trust store (publicly trusted certificates only).
    System,
    /// A ConfigMap the spoke (or its hosting cluster) must have.
    ConfigMap { namespace: String, name: String, key: String },
    /// PEM inline in the authenticator.
    Inline(String),
}

/// Reads the field at `pointer`, None when it is absent; a wrong type is an error naming the object.
pub fn field<T: for<'de> Deserialize<'de>>(object: &Object, pointer: &str) -> Result<Option<T>, String> {
    match object.value.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| {
            format!(
                "{} ({}): {} has an unexpected shape: {e}",
                object.display(),
                object.origin,
                pointer.replace('/', ".")
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    /// The arrow runs doctor → kinds → observed: no spoke kind's code (its tests aside) reads the doctor.
    #[test]
    fn no_spoke_kind_imports_the_doctor() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds");
        let mut files = vec![root.join("mod.rs"), root.join("oidc.rs")];
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if dir.is_dir() {
                files.extend(std::fs::read_dir(&dir).unwrap().map(|f| f.unwrap().path()));
            }
        }
        assert!(files.len() > 6, "{files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let uses = code.lines().filter(|l| !l.trim_start().starts_with("//")).any(|l| l.contains("crate::doctor"));
            assert!(!uses, "{} imports the doctor", file.display());
        }
    }
}
