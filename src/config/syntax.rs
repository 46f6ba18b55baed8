//! Generic syntax checks shared by every section of the config: names, host names, URLs, versions,
//! paths, PEM and base64. Each answers with the problem in words (or None), so the section that calls it
//! can put the problem into a sentence about its own field. Nothing here knows what a field means.

use base64::Engine;

pub const LABEL_RULE: &str =
    "use at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit";

/// The name rules are contract rules the doctor applies too, so they live in the model.
pub use crate::model::{is_dns_label, is_dns_subdomain};

pub fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Why `s` is not a bare lower-case DNS name, if it is not.
pub fn bare_domain_problem(s: &str) -> Option<&'static str> {
    if s.contains("://") {
        Some("it has a scheme; remove `https://`")
    } else if s.contains('/') {
        Some("it has a path; remove everything from the first `/`")
    } else if s.contains(':') {
        Some("it has a port; remove `:<port>`")
    } else if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("it has upper-case letters; write it in lower case")
    } else if !is_dns_subdomain(s) {
        Some("it is not a DNS-1123 subdomain (labels of lower-case letters, digits and `-`, 1-63 characters each, starting and ending with a letter or digit, 253 characters at most)")
    } else {
        None
    }
}

/// ZTWIM's CRD pattern `^[a-z0-9]([a-z0-9\-\.]*[a-z0-9])?$`, at most 255 characters.
pub fn trust_domain_problem(s: &str) -> Option<&'static str> {
    let ends_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if s.contains("://") {
        Some("it has a scheme; write the bare trust domain without `spiffe://`")
    } else if s.len() > 255 {
        Some("it is longer than 255 characters")
    } else if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        || !ends_ok(s.as_bytes().first())
        || !ends_ok(s.as_bytes().last())
    {
        Some("it must match `^[a-z0-9]([a-z0-9\\-\\.]*[a-z0-9])?$`")
    } else {
        None
    }
}

/// The longest audience accepted. Neither JWT (RFC 7519 §4.1.3) nor OpenShift's `Authentication`
/// (`audiences` items: `minLength: 1`, no maximum) bounds it; 255 holds any name or URL used as one.
pub const MAX_AUDIENCE_CHARS: usize = 255;

/// Why `s` cannot be a JWT audience (`aud`), if it cannot: an audience is compared as an exact
/// string, so white space (usually a copy-and-paste mistake) or a control character (it would break
/// every line-based view of it, `explain --format mermaid` included) makes a token nobody mints.
pub fn audience_problem(s: &str) -> Option<&'static str> {
    if s.chars().count() > MAX_AUDIENCE_CHARS {
        Some("it is longer than 255 characters")
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("it contains white space or a control character (a line break, a tab)")
    } else {
        None
    }
}

/// Why the part of an `https://` URL after the scheme (one trailing `/` already trimmed) is not
/// `host[:port]`, if it is not.
pub fn host_port_problem(rest: &str) -> Option<&'static str> {
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, port)) => (h, Some(port)),
        None => (rest, None),
    };
    if rest.contains(['/', '?', '#']) {
        Some("has a path, query or fragment; keep only `https://<host>[:<port>]`")
    } else if rest.contains('@') {
        Some("has user info; remove everything up to `@` (credentials never go in the URL)")
    } else if port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0)) {
        Some("has an invalid port; use a number such as `:6443`")
    } else if host.is_empty() || !is_dns_subdomain(&host.to_ascii_lowercase()) && !is_ipv4(host) {
        Some("has no valid host name")
    } else {
        None
    }
}

/// `vMAJOR.MINOR.PATCH`.
pub fn is_semver_tag(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else { return false };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses `MAJOR.MINOR`.
pub fn major_minor(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| Some((major.parse().ok()?, minor.parse().ok()?)))?
}

/// A directory as a mount path: without a trailing `/`, so that a file in it is exactly the mount path
/// plus `/` plus its name.
pub fn mount_dir(dir: &str) -> &str {
    dir.trim_end_matches('/')
}

/// True when `path` lies strictly below `dir`.
pub fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// Why `dir` is not a plain absolute directory other than `/`, if it is not.
pub fn absolute_dir_problem(dir: &str) -> Option<&'static str> {
    if !dir.starts_with('/') {
        Some("must be an absolute path such as `/opt/spiffe/bin`")
    } else if dir.split('/').any(|seg| seg == "." || seg == "..")
        || dir.contains("//")
        || dir.contains(char::is_whitespace)
    {
        Some("must be a plain absolute path without `.`, `..`, `//` or spaces")
    } else if mount_dir(dir).is_empty() {
        Some("is `/`; mounting a volume there hides the whole container file system. Use e.g. `/opt/spiffe/bin`")
    } else {
        None
    }
}

/// Why `data` is not the base64 of a PEM certificate (kubeconfig's `certificate-authority-data`), if it
/// is not.
pub fn base64_pem_problem(data: &str) -> Option<&'static str> {
    if data.contains("-----BEGIN") {
        return Some("is PEM text, but caData is the base64 of the PEM; encode it with `base64 -w0 ca.crt`");
    }
    let compact: String = data.split_whitespace().collect();
    match base64::engine::general_purpose::STANDARD.decode(compact) {
        Err(_) => Some("is not valid base64; encode the PEM CA with `base64 -w0 ca.crt`"),
        Ok(bytes) => crate::model::pem_certificates(&String::from_utf8_lossy(&bytes)).err().map(|_| {
            "does not decode to PEM certificates (`-----BEGIN CERTIFICATE-----` blocks holding DER certificates)"
        }),
    }
}

/// Kubernetes label syntax: an optional DNS subdomain prefix and `/`, a name of at most 63 characters;
/// values of at most 63 characters. Both alphanumeric at the ends with `-`, `_`, `.` inside.
pub fn label_problem(key: &str, value: &str) -> Option<&'static str> {
    let name_ok = |s: &str| {
        s.len() <= 63
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric())
    };
    let (prefix, name) = key.rsplit_once('/').map_or((None, key), |(p, n)| (Some(p), n));
    if name.is_empty() || !name_ok(name) || prefix.is_some_and(|p| !is_dns_subdomain(p)) {
        Some("the key must be `[prefix/]name`, the name at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit")
    } else if !name_ok(value) {
        Some(
            "the value must be at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit",
        )
    } else {
        None
    }
}

// JSON Schema patterns for `ztwim-gitops schema`, so editors flag while typing what the checks above
// refuse. Each accepts everything its check accepts (it may accept more: the run still reports the
// rest, with a sentence); tests/it/schema_patterns.rs holds both to values on either side. Written in the
// common subset of ECMA-262 (JSON Schema) and Rust regex syntax. `OPTIONAL_` ones also accept the
// empty string that means "the default".

/// [`is_dns_label`].
pub const DNS_LABEL_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
pub const OPTIONAL_DNS_LABEL_PATTERN: &str = r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$";
/// [`is_dns_subdomain`] and [`bare_domain_problem`], less the 253-character limit (a `maxLength`).
pub const DNS_SUBDOMAIN_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";
pub const OPTIONAL_DNS_SUBDOMAIN_PATTERN: &str =
    r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*)?$";
/// [`trust_domain_problem`] (empty: the appDomain).
pub const TRUST_DOMAIN_PATTERN: &str = r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$";
/// [`crate::model::issuer_problem`]: `https://<lower-case host>[:<port>]` and nothing else (empty:
/// derived); the port's range is checked by the rule, not the pattern.
pub const ISSUER_PATTERN: &str =
    r"^(https://[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?)?$";
/// A spoke server: `https://` and a host with an optional port and one trailing `/` ([`host_port_problem`]
/// then checks the host and port).
pub const SERVER_PATTERN: &str = r"^https://[^/?#@\s]+/?$";
/// [`major_minor`].
pub const MAJOR_MINOR_PATTERN: &str = r"^[0-9]{1,4}\.[0-9]{1,4}$";
pub const OPTIONAL_MAJOR_MINOR_PATTERN: &str = r"^([0-9]{1,4}\.[0-9]{1,4})?$";
/// [`is_semver_tag`].
pub const SEMVER_TAG_PATTERN: &str = r"^v[0-9]+\.[0-9]+\.[0-9]+$";
/// 64 hex digits, or empty (not verified, a warning).
pub const OPTIONAL_SHA256_PATTERN: &str = r"^([0-9a-fA-F]{64})?$";
/// The first rule of [`absolute_dir_problem`].
pub const ABSOLUTE_PATH_PATTERN: &str = r"^/";
/// The alphabet of [`base64_pem_problem`] (whitespace is dropped before decoding).
pub const BASE64_PATTERN: &str = r"^[A-Za-z0-9+/=\s]*$";
/// An approximation of [`crate::model::pem_certificates`]: a BEGIN and an END line somewhere, or empty.
pub const OPTIONAL_PEM_PATTERN: &str =
    r"^([\s\S]*-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----[\s\S]*)?$";
/// [`audience_problem`] less the length (a `maxLength`): no white space (ECMA-262's `\s` and Rust's
/// Unicode one both hold the line and paragraph separators), no C0, DEL or C1 control character;
/// empty is the default.
pub const AUDIENCE_PATTERN: &str = r"^[^\s\x00-\x1f\x7f-\x9f]*$";
/// The characters an OIDC provider name can have when `<name>-ca` is a DNS-1123 subdomain.
pub const OIDC_PROVIDER_NAME_PATTERN: &str = r"^[a-z0-9][-a-z0-9.]*$";
/// An EKS cluster name (1-100 letters, digits, `-`, `_`, starting with a letter or digit), or empty
/// (the spoke's name).
pub const OPTIONAL_EKS_CLUSTER_NAME_PATTERN: &str = r"^([A-Za-z0-9][-_A-Za-z0-9]{0,99})?$";
