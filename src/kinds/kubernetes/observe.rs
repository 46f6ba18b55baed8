//! How the doctor reads kube-apiserver's structured authentication (`--authentication-config`), `v1beta1`
//! or `v1`: one authenticator per `jwt` entry, from the file itself or from the local-config ConfigMap
//! that carries it through a KRM pipeline. Unlike OpenShift's there is no default prefix: a claim
//! without one is refused by kube-apiserver, reported as inactive.

use super::super::Observer;
use crate::api::authentication_configuration::{JwtAuthenticator, GROUP, KIND};
use crate::model::KUBE_APISERVER_CONFIG_FILE as KEY;
use crate::observed::Object;
use crate::observed::{field, Authenticator, CaSource};
use std::collections::BTreeMap;

pub const OBSERVER: Observer = Observer { group: GROUP, kind: KIND, read };

fn read(object: &Object) -> Result<Vec<Authenticator>, String> {
    let jwts: Vec<JwtAuthenticator> = field(object, "/jwt")?.unwrap_or_default();
    Ok(jwts
        .into_iter()
        .enumerate()
        .map(|(i, j)| {
            let u = j.claim_mappings.username;
            let inactive = (!u.claim.is_empty() && u.prefix.is_none())
                .then(|| format!("jwt[{i}].claimMappings.username has a claim but no prefix, which kube-apiserver refuses (write prefix: \"\" for none)"));
            let mut required_claims = Vec::new();
            let mut opaque_rules = Vec::new();
            for r in j.claim_validation_rules {
                match r.expression.filter(|e| !e.is_empty()) {
                    None => required_claims.push((r.claim, r.required_value)),
                    Some(e) => opaque_rules.push(format!("a claimValidationRule expression {e:?}")),
                }
            }
            let prefix = u.prefix.unwrap_or_default();
            Authenticator {
                at: format!("{} jwt[{i}]", object.display()),
                spoke: None,
                inactive,
                issuer_url: j.issuer.url,
                audiences: j.issuer.audiences,
                ca: match j.issuer.certificate_authority.filter(|ca| !ca.is_empty()) {
                    None => CaSource::System,
                    Some(pem) => CaSource::Inline(pem),
                },
                username_claim: u.claim,
                username_expression: u.expression.filter(|e| !e.is_empty()),
                prefix_rule: format!("prefix {prefix:?}"),
                username_prefix: prefix,
                required_claims,
                opaque_rules,
            }
        })
        .collect())
}

/// The config a ConfigMap carries under [`KEY`] (ztwim-gitops' local-config carrier, never applied), read
/// as the AuthenticationConfiguration it holds; None when the ConfigMap carries none.
pub fn carried(configmap: &Object, data: &BTreeMap<String, String>) -> Option<Result<Vec<Authenticator>, String>> {
    let text = data.get(KEY)?;
    // The one bounded reader, as for every manifest the doctor reads.
    let read_value = crate::yaml::from_str(text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()));
    Some(match read_value {
        Ok(value) => read(&Object { value, origin: format!("{} data.{KEY}", configmap.origin), ..configmap.clone() }),
        Err(e) => Err(format!("{} data.{KEY} is not YAML: {e}", configmap.display())),
    })
}
