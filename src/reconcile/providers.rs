//! Transformer mode over a spoke's own authentication: an identity provider the input already has is
//! never replaced silently.
//!
//! OpenShift allows one external OIDC provider: `spec.oidcProviders` is `maxItems: 1` ("At most one
//! provider can be configured") at openshift/api@2a3d73913b5a7caec4c57d5c3d04f51106ec4da3
//! (`config/v1/zz_generated.crd-manifests/0000_10_config-operator_01_authentications-Default.crd.yaml`,
//! in `../shared/crds/openshift-api/master`), and a HostedCluster's `spec.configuration.authentication`
//! is the same `configv1.AuthenticationSpec`. Patching in our provider therefore removes theirs, and with
//! it every login through it (an Entra ID or Keycloak sign-in for people). That is an error unless the
//! config acknowledges `replaceOidcProvider`; then a warning still names what was replaced.
//!
//! Which existing provider counts as "ours": one with our provider's `name` or our `issuerURL`. The name
//! is this config's `oidcProviderName`, so a provider of that name is a previous run's (its issuer may
//! have moved with `appDomain`); the same issuer is the same trust under another name. Anything else is
//! someone else's provider.
//!
//! kube-apiserver's `AuthenticationConfiguration` accepts several `jwt` issuers, so there the input's
//! other issuers are kept beside ours, and an info says so.

use crate::api::hosted_cluster::HostedCluster;
use crate::api::openshift_config::{Authentication, OidcProvider};
use crate::diag::Topic;
use crate::diag::{Diagnostics, Severity};
use crate::generate::Manifest;
use crate::model::{Cluster, Model};
use crate::yaml::Tree;
use serde_yaml_ng::Value;

/// How an existing provider is named in messages.
fn describe(provider: &OidcProvider) -> String {
    let url = &provider.issuer.issuer_url;
    format!("`{}` (issuer {})", provider.name, if url.is_empty() { "not set" } else { url })
}

/// Where an object of this apiVersion and kind holds its OIDC providers, if it is one we patch.
fn providers_field(object: &Value) -> Option<&'static [&'static str]> {
    let api_version = object.get("apiVersion").and_then(Value::as_str)?;
    let kind = object.get("kind").and_then(Value::as_str)?;
    if crate::api::is::<Authentication>(api_version, kind) {
        Some(&["spec", "oidcProviders"])
    } else if crate::api::is::<HostedCluster>(api_version, kind) {
        Some(&["spec", "configuration", "authentication", "oidcProviders"])
    } else {
        None
    }
}

fn providers(object: &Value, field: &[&str]) -> Vec<OidcProvider> {
    let list = field.iter().try_fold(object, |v, key| v.get(*key));
    list.and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .map(|p| serde_yaml_ng::from_value(p.clone()).unwrap_or_else(|_| identity_only(p)))
        .collect()
}

/// A provider whose other fields have the wrong shape is still known by its name and issuer, the two
/// fields that decide whether it is ours.
fn identity_only(provider: &Value) -> OidcProvider {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let mut found = OidcProvider { name: text(provider.get("name")), ..OidcProvider::default() };
    found.issuer.issuer_url = text(provider.get("issuer").and_then(|i| i.get("issuerURL")));
    found
}

/// Checks the unowned input item `input` that `manifest` is about to patch. Returns false when it must
/// be left as it is (the error says why); may rewrite `manifest` so that the patch keeps what it must.
pub(super) fn guard(model: &Model, input: &Value, manifest: &mut Manifest, notes: &mut Diagnostics) -> bool {
    let spoke = match &manifest.cluster {
        Cluster::Spoke(name) | Cluster::ControlPlane(name) => model.spoke(name),
        Cluster::Management => None,
    };
    let Some(spoke) = spoke else { return true };
    let what = super::describe(input);
    if let Some(field) = providers_field(input) {
        let ours = providers(&manifest.value(), field);
        let Some(ours) = ours.first() else { return true };
        let theirs: Vec<OidcProvider> = providers(input, field)
            .into_iter()
            .filter(|p| p.name != ours.name && p.issuer.issuer_url != ours.issuer.issuer_url)
            .collect();
        if theirs.is_empty() {
            return true;
        }
        let list = theirs.iter().map(describe).collect::<Vec<_>>().join(", ");
        if !model.acknowledged.contains(&Topic::ReplaceOidcProvider) {
            notes.error(
                spoke.origin.path(),
                format!(
                    "spoke `{}`: {what} already has the OIDC provider {list}. OpenShift allows one provider, so \
                     patching in `{}` would remove it, and everyone who logs in through it would be locked out; \
                     the item is left unchanged. Keep that provider (remove this spoke from the config or the \
                     item from the input), or acknowledge `replaceOidcProvider` (spec.acknowledge; data.acknowledge in the ConfigMap form) to replace it.",
                    spoke.name, ours.name
                ),
            );
            return false;
        }
        notes.warning(
            spoke.origin.path(),
            format!(
                "spoke `{}`: replaced the OIDC provider {list} of {what} with `{}` (acknowledged by \
                 replaceOidcProvider); OpenShift allows one provider, so logins through the old one stop working.",
                spoke.name, ours.name
            ),
        );
        return true;
    }
    if let Some(name) = manifest.file.as_ref().map(|file| file.name) {
        keep_other_issuers(input, manifest, name, &what, spoke.origin.path(), notes);
        comments_note(input, manifest, name, &what, spoke.origin.path(), notes);
    }
    true
}

/// The text of the file `key` an object carries in `data`.
fn file_text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object.get("data").and_then(|d| d.get(key)).and_then(Value::as_str)
}

/// [`file_text`] of the generated object.
fn our_file_text<'m>(manifest: &'m Manifest, key: &str) -> Option<&'m str> {
    manifest.object.get("data").and_then(|d| d.get(key)).and_then(Tree::as_str)
}

/// The file is rewritten from its parsed content (merged, or ours whole), so YAML comments in the
/// input's copy do not survive; the info says so rather than dropping them silently. A line whose first
/// non-blank character is `#`, or a `#` after a blank, counts as a comment: a `#` after a blank inside a
/// quoted value is read as one too, which at worst makes the info say too much, never too little.
fn comments_note(input: &Value, manifest: &Manifest, key: &str, what: &str, path: &str, notes: &mut Diagnostics) {
    let Some(theirs) = file_text(input, key) else { return };
    if our_file_text(manifest, key) == Some(theirs) {
        return;
    }
    let comments = theirs
        .lines()
        .filter(|line| line.trim_start().starts_with('#') || line.contains(" #") || line.contains("\t#"))
        .count();
    if comments == 0 {
        return;
    }
    notes.push(
        Severity::Info,
        Some(path.to_string()),
        format!(
            "did not keep the YAML comments of `{key}` in {what} ({comments} line(s) with a comment): the file is \
             rewritten from its content, which comments are not part of. Keep such notes outside the file (an \
             annotation on the ConfigMap stays), or put them back after the patch."
        ),
    );
}

/// The carrier of a kube-apiserver `--authentication-config` file: the input's `jwt` authenticators for
/// other issuers stay, in their place; ours replaces the one with our issuer or is appended.
fn keep_other_issuers(
    input: &Value,
    manifest: &mut Manifest,
    key: &str,
    what: &str,
    path: &str,
    notes: &mut Diagnostics,
) {
    let (Some(theirs), Some(ours)) = (file_text(input, key), our_file_text(manifest, key)) else { return };
    let parse = |t: &str| crate::yaml::from_str(t).ok();
    let (Some(mut merged), Some(ours)) = (parse(theirs), parse(ours)) else { return };
    let url = |jwt: &Value| jwt.get("issuer").and_then(|i| i.get("url")).and_then(Value::as_str).map(str::to_string);
    let Some(Value::Sequence(their_jwt)) = merged.get("jwt").cloned() else { return };
    let Some(Value::Sequence(our_jwt)) = ours.get("jwt").cloned() else { return };
    let our_urls: Vec<Option<String>> = our_jwt.iter().map(url).collect();
    let kept: Vec<String> =
        their_jwt.iter().map(url).filter(|u| !our_urls.contains(u)).map(|u| u.unwrap_or_default()).collect();
    if kept.is_empty() {
        return;
    }
    let mut jwt = their_jwt;
    for entry in our_jwt {
        match jwt.iter_mut().find(|j| url(j) == url(&entry)) {
            Some(slot) => *slot = entry,
            None => jwt.push(entry),
        }
    }
    let (Some(map), Some(our_map)) = (merged.as_mapping_mut(), ours.as_mapping()) else { return };
    for (k, v) in our_map {
        map.insert(k.clone(), v.clone());
    }
    map.insert("jwt".into(), Value::Sequence(jwt));
    let text = crate::yaml::to_string(&merged);
    if let Some(slot) = manifest.object.get_mut("data").and_then(|d| d.get_mut(key)) {
        *slot = Tree::String(text);
    }
    notes.push(
        Severity::Info,
        Some(path.to_string()),
        format!(
            "kept {} other jwt issuer(s) of {what} ({}) beside this config's: kube-apiserver's structured \
             authentication accepts several issuers.",
            kept.len(),
            kept.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading providers through the full API type must not lose a provider whose other fields have an
    /// unexpected shape: its name and issuer still decide whether it is ours.
    #[test]
    fn a_provider_of_another_shape_is_still_known_by_name_and_issuer() {
        let object: Value = crate::yaml::from_str(
            "spec: {oidcProviders: [{name: ztwim, issuer: {issuerURL: 'https://i.example.com', audiences: x}, claimMappings: 5}]}",
        )
        .unwrap();
        let found = providers(&object, &["spec", "oidcProviders"]);
        assert_eq!(describe(&found[0]), "`ztwim` (issuer https://i.example.com)");
    }
}
