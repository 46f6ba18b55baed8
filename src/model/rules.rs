//! Contract rules with two readers: config validation (`resolve`) checks the values a config gives, and
//! `doctor` checks the same values in manifests written by anyone. One definition each, so a value can
//! never pass `generate` and fail `doctor`, or the reverse: names (DNS-1123), the issuer URL, PEM CA
//! bundles, and how a `spiffeIDTemplate` renders.

/// RFC 1123 label, as Kubernetes checks names of namespaces and most objects.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// RFC 1123 subdomain with DNS's 63-character label limit (these are host names).
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// The longest issuer URL OpenShift accepts in `oidcProviders[].issuer.issuerURL` (and ZTWIM in
/// `SpireServer.spec.jwtIssuer`): `maxLength: 512` in both CRDs, see [`issuer_problem`].
pub const ISSUER_MAX_LEN: usize = 512;

/// Why `url` is not an issuer a ZTWIM discovery endpoint can publish, if it is not: exactly
/// `https://<lower-case host>[:<port>]`.
///
/// OpenShift's own rule: openshift/api@2a3d73913b5a7caec4c57d5c3d04f51106ec4da3
/// (`config/v1/zz_generated.crd-manifests/0000_10_config-operator_01_authentications-Default.crd.yaml`,
/// copied to `../shared/crds/openshift-api/master`) validates `issuerURL` with `isURL(self)`, scheme
/// `https`, no query, no fragment, no `@`, 1–512 characters. A port passes there, and ZTWIM's `jwtIssuer`
/// pattern `^(?i)https?://[^\s?#]+$` lets it through too, so a port is allowed here (an issuer served
/// behind a load balancer on another port works). A path and a trailing `/` pass OpenShift too but are
/// rejected here: the issuer must be byte for byte what the discovery endpoint publishes and what SPIRE
/// writes into `iss`, and SPIRE's discovery provider serves `/.well-known/openid-configuration` at the
/// host root, so a path names a document nothing serves and a trailing `/` is one byte the token's `iss`
/// and the spoke's `issuerURL` easily disagree on. Everything OpenShift rejects is rejected here too.
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
    } else if issuer_port(url).is_some_and(|port| port.parse::<u16>().map_or(true, |n| n == 0)) {
        Some("has an invalid port; use a number from 1 to 65535, or no port for 443")
    } else if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("has upper-case letters; the Route host is lower-cased, so write it in lower case")
    } else if issuer_host(url).is_empty() || !is_dns_subdomain(issuer_host(url)) {
        Some("does not have a valid host name (a DNS-1123 subdomain of at most 253 characters)")
    } else {
        None
    }
}

/// The host of an `https://host[:port]` issuer.
pub fn issuer_host(url: &str) -> &str {
    let rest = url.strip_prefix("https://").unwrap_or(url);
    rest.split_once(':').map_or(rest, |(host, _)| host)
}

/// The port of an `https://host:port` issuer, if it names one.
pub fn issuer_port(url: &str) -> Option<&str> {
    url.strip_prefix("https://").unwrap_or(url).split_once(':').map(|(_, port)| port)
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

/// The template of ZTWIM's fallback ClusterSPIFFEID `zero-trust-workload-identity-manager-spire-default`
/// (openshift/zero-trust-workload-identity-manager
/// `pkg/controller/spire-oidc-discovery-provider/clusterspiffeid.go`@bb9b548e, `../shared/reference/
/// ztwim-openshift.md` §2): the ID every pod gets when no other registration of ZTWIM's class selects it.
/// `identity: perServiceAccount` relies on it.
pub const ZTWIM_FALLBACK_TEMPLATE: &str =
    "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}";

/// What a spire-controller-manager `spiffeIDTemplate` can be rendered with without a running pod.
#[derive(Debug, Clone, Copy)]
pub struct TemplateFields<'a> {
    /// None: no trust domain is known (the doctor's input has no ZeroTrustWorkloadIdentityManager).
    pub trust_domain: Option<&'a str>,
    pub namespace: &'a str,
    pub service_account: &'a str,
}

/// Renders the fields of a `spiffeIDTemplate` that [`TemplateFields`] knows (`{{ .TrustDomain }}`,
/// `{{ .PodMeta.Namespace }}`, `{{ .PodSpec.ServiceAccountName }}`); any other field depends on the
/// running pod, and the error says so.
pub fn render_spiffe_id_template(template: &str, fields: TemplateFields) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            return Err(format!("template {template:?} has an unclosed {{{{"));
        };
        let field = rest[start + 2..start + end].trim();
        let value = match field {
            ".TrustDomain" => fields
                .trust_domain
                .ok_or("no ZeroTrustWorkloadIdentityManager in the input, so the trust domain is unknown")?,
            ".PodMeta.Namespace" => fields.namespace,
            ".PodSpec.ServiceAccountName" => fields.service_account,
            other => return Err(format!("template field {other} depends on the running pod; doctor cannot know it")),
        };
        out.push_str(value);
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The SPIFFE ID ZTWIM's fallback registration gives a pod of `service_account` in `namespace`: what
/// `identity: perServiceAccount` makes every spoke require, and what the doctor expects when no
/// ClusterSPIFFEID selects a pod.
pub fn fallback_spiffe_id(trust_domain: &str, namespace: &str, service_account: &str) -> String {
    let fields = TemplateFields { trust_domain: Some(trust_domain), namespace, service_account };
    // The template is our constant and names only the three fields given here, so rendering cannot fail;
    // `tests::fallback_template_renders` holds it to that.
    render_spiffe_id_template(ZTWIM_FALLBACK_TEMPLATE, fields).unwrap_or_default()
}

/// The trust domain of a `spiffe://<trust domain>/<path>` ID.
pub fn trust_domain_of(id: &str) -> Option<&str> {
    id.strip_prefix("spiffe://").map(|r| r.split('/').next().unwrap_or(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_template_renders() {
        assert_eq!(
            fallback_spiffe_id("td.example", "gitops", "a-argocd-server"),
            "spiffe://td.example/ns/gitops/sa/a-argocd-server"
        );
        let fields = TemplateFields { trust_domain: None, namespace: "n", service_account: "s" };
        assert!(render_spiffe_id_template(ZTWIM_FALLBACK_TEMPLATE, fields).unwrap_err().contains("trust domain"));
        assert!(render_spiffe_id_template("spiffe://t/{{ .PodMeta.Name }}", fields)
            .unwrap_err()
            .contains("running pod"));
        assert!(render_spiffe_id_template("spiffe://t/{{ .PodMeta.Namespace", fields)
            .unwrap_err()
            .contains("unclosed"));
        assert_eq!(render_spiffe_id_template("spiffe://t/x/{{.PodMeta.Namespace}}", fields).unwrap(), "spiffe://t/x/n");
    }

    #[test]
    fn issuer_rule() {
        assert_eq!(issuer_problem("https://oidc.apps.example.com"), None);
        assert_eq!(issuer_problem("https://oidc.apps.example.com:8443"), None);
        for bad in [
            "http://oidc.example.com",
            "https://oidc.example.com/",
            "https://oidc.example.com:0",
            "https://oidc.example.com:",
            "https://oidc.example.com:x",
            "https://oidc.example.com:8443/",
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
