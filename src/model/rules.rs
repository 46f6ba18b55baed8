//! Contract rules with two readers: config validation (`resolve`) checks the values a config gives, and
//! `doctor` checks the same values in manifests written by anyone. One definition each, so a value can
//! never pass `generate` and fail `doctor`, or the reverse.

use crate::config::syntax::is_dns_subdomain;

/// The longest issuer URL OpenShift accepts in `oidcProviders[].issuer.issuerURL` (and ZTWIM in
/// `SpireServer.spec.jwtIssuer`): `maxLength: 512` in both CRDs, see [`issuer_problem`].
pub const ISSUER_MAX_LEN: usize = 512;

/// Why `url` is not an issuer a ZTWIM discovery endpoint can publish, if it is not: exactly
/// `https://<lower-case host>`.
///
/// OpenShift's own rule is looser. openshift/api@2a3d73913b5a7caec4c57d5c3d04f51106ec4da3
/// (`config/v1/zz_generated.crd-manifests/0000_10_config-operator_01_authentications-Default.crd.yaml`,
/// copied to `../shared/crds/openshift-api/master`) validates `issuerURL` with `isURL(self)`, scheme
/// `https`, no query, no fragment, no `@`, 1–512 characters: a port, a path and a trailing `/` all pass
/// there, and ZTWIM's `jwtIssuer` pattern `^(?i)https?://[^\s?#]+$` lets them through too. This rule
/// rejects them anyway, because the issuer must be byte for byte what the discovery endpoint publishes
/// and what SPIRE writes into `iss`: the discovery Route serves `/.well-known/openid-configuration` at
/// the host root on 443, so a path or a port names an endpoint nothing serves, and a trailing `/` makes
/// `iss` differ from the `https://<host>` the endpoint's host gives. Everything OpenShift rejects is
/// rejected here too (scheme, query, fragment, user info, length).
pub fn issuer_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Some("must start with `https://`");
    };
    if url.len() > ISSUER_MAX_LEN {
        Some("is longer than 512 characters, the limit of OpenShift's issuerURL and ZTWIM's jwtIssuer")
    } else if rest.ends_with('/') {
        Some("ends with `/`; remove the trailing slash")
    } else if rest.contains(['?', '#']) {
        Some("has a query or fragment; remove it")
    } else if rest.contains('@') {
        Some("has user info; remove everything up to `@`")
    } else if rest.contains('/') {
        Some("has a path; the discovery document is served at the host root, so remove the path")
    } else if rest.contains(':') {
        Some("has a port; the OIDC discovery Route serves on 443 and publishes `https://<host>`, so remove it")
    } else if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("has upper-case letters; the Route host is lower-cased, so write it in lower case")
    } else if rest.is_empty() || !is_dns_subdomain(rest) {
        Some("does not have a valid host name (a DNS-1123 subdomain of at most 253 characters)")
    } else {
        None
    }
}

/// The number of certificates in PEM text, or why it is not a CA bundle a kube-apiserver can load:
/// at least one `CERTIFICATE` block, and every block well-formed PEM holding DER (an X.509 certificate
/// is an ASN.1 SEQUENCE, first byte 0x30). Blocks of other types (a key pasted by mistake) are skipped,
/// as Go's `x509.CertPool.AppendCertsFromPEM` skips them.
pub fn pem_certificates(text: &str) -> Result<usize, &'static str> {
    use rustls_pki_types::pem::{PemObject, SectionKind};
    let mut n = 0;
    for section in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(text.as_bytes()) {
        match section {
            Err(_) => return Err("has a PEM block that does not parse (broken base64 or a missing END line)"),
            Ok((SectionKind::Certificate, der)) if der.first() != Some(&0x30) => {
                return Err("has a CERTIFICATE block that does not hold a DER certificate")
            }
            Ok((SectionKind::Certificate, _)) => n += 1,
            Ok(_) => {}
        }
    }
    if n == 0 {
        return Err("has no PEM certificate (`-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----`)");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_rule() {
        assert_eq!(issuer_problem("https://oidc.apps.example.com"), None);
        for bad in [
            "http://oidc.example.com",
            "https://oidc.example.com/",
            "https://oidc.example.com:8443",
            "https://oidc.example.com/path",
            "https://u@oidc.example.com",
            "https://oidc.example.com?x=1",
            "https://oidc.example.com#f",
            "https://OIDC.example.com",
            "https://",
        ] {
            assert!(issuer_problem(bad).is_some(), "{bad}");
        }
        let long = format!("https://{}", vec!["a".repeat(63); 8].join("."));
        assert!(issuer_problem(&long).unwrap().contains("512"));
    }

    #[test]
    fn pem_rule() {
        // A DER SEQUENCE header is enough for this rule; it is not a certificate parser.
        let ok = "-----BEGIN CERTIFICATE-----\nMIIBkjCCATegAwIBAgIU\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(ok), Ok(1));
        assert_eq!(pem_certificates(&format!("{ok}{ok}")), Ok(2));
        assert!(pem_certificates("").is_err());
        assert!(pem_certificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
        assert!(pem_certificates("-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n").is_err());
        assert!(pem_certificates(&format!("{ok}-----BEGIN CERTIFICATE-----\nMIIB\n")).is_err());
    }
}
