//! Every validation rule, with one config that passes it and one (or more) that break it. Each bad case
//! pins the exact set of (severity, path) results, so a rule that fires too often or at the wrong path
//! fails here as well as one that never fires.

use base64::Engine;
use ztwim_gitops::config::{
    Acknowledgement, Application, Config, CredentialVersion, ExecAuth, ExecAuthMethod, HostedClusterRef,
    InstallPlanApproval, OidcClient, Proxy, Spec, Spoke, SpokeType,
};
use ztwim_gitops::diag::Diagnostics;
use ztwim_gitops::diag::Severity::{self, Error as E, Info as I, Warning as W};
use ztwim_gitops::resolve::{resolve, Options};

const PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBkjCCATegAwIBAgIUL0pwfkQc+oPriJ2v3VYrjpWweG4wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSZXhhbXBsZSBpbmdyZXNzIENBMCAXDTI2MTEyODIyMDIxNVoY
DzIxMjYxMTA0MjIwMjE1WjAdMRswGQYDVQQDDBJleGFtcGxlIGluZ3Jlc3MgQ0Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASyKYkgn7B1rY1I4bA7WKqb8r9DzkZc
UdtMfFp8lrvGKi15m3+XLJAxne7QKzJnTC6BwBu7nighrA+vW+dGnmCvo1MwUTAd
BgNVHQ4EFgQU3+oVcx0k7NKfY51jpEXl+EkS8P0wHwYDVR0jBBgwFoAU3+oVcx0k
7NKfY51jpEXl+EkS8P0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG
AiEA5y6mc8JOoHfCGZFq2ypqJFv5bsJl1LQ+/8iidBsla0ECIQCAbNR3YIdG+niP
znv0CFcCiEeFfbjsTLzIuxlEsPv5MA==
-----END CERTIFICATE-----
";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn spoke(name: &str, server: &str) -> Spoke {
    Spoke { name: name.into(), server: server.into(), ca_data: b64(PEM), issuer_ca: PEM.into(), ..Spoke::default() }
}

/// A config with no results at all: every rule below starts from it.
fn good() -> Spec {
    let mut spec = Spec { app_domain: "apps.mgmt.example.com".into(), ..Spec::default() };
    // The irreversible consequences every OpenShift fleet has, deliberately accepted (their warnings are
    // checked in proxy_and_acknowledge_rules).
    spec.acknowledge = vec![Acknowledgement::Lockout, Acknowledgement::RemoveDefaultInstance];
    spec.spokes.push(spoke("spoke-a", "https://api.spoke-a.example.com:6443"));
    spec.applications.push(Application {
        name: "guestbook".into(),
        spoke: "spoke-a".into(),
        namespace: "guestbook".into(),
        repo_url: "https://github.com/argoproj/argocd-example-apps".into(),
        path: "guestbook".into(),
        ..Application::default()
    });
    spec
}

/// `method: archive` with a verified download (clean), for the rules of the archive's fields.
fn archive(s: &mut Spec) -> &mut ExecAuth {
    s.management.exec_auth.method = ExecAuthMethod::Archive;
    s.management.exec_auth.sha256 = "a".repeat(64);
    &mut s.management.exec_auth
}

/// The proxy of `method: archive`, the only one that downloads.
fn proxy(s: &mut Spec) -> &mut Proxy {
    archive(s);
    &mut s.management.proxy
}

/// Every finding of resolving `spec`, whether or not it resolved.
fn validate(spec: &Spec) -> Diagnostics {
    match resolve(&Config::from_spec(Default::default(), spec.clone()), &Options::default()) {
        Ok((_, diags)) | Err(diags) => diags,
    }
}

fn results(spec: &Spec) -> Vec<(Severity, String)> {
    validate(spec).iter().map(|d| (d.severity, d.path.clone().unwrap_or_default())).collect()
}

/// A bad case: the mutation, exactly the (severity, path) results it must produce, and a phrase the
/// first message must contain.
type Bad = (fn(&mut Spec), &'static [(Severity, &'static str)], &'static str);

/// One rule: `good` mutations must leave the config clean; each `bad` case must fail as described.
struct Rule {
    name: &'static str,
    good: &'static [fn(&mut Spec)],
    bad: &'static [Bad],
}

fn check(rules: &[Rule]) {
    let mut failures = Vec::new();
    assert_eq!(results(&good()), vec![], "the base config must be clean");
    for rule in rules {
        for (i, mutate) in rule.good.iter().enumerate() {
            let mut spec = good();
            mutate(&mut spec);
            let got = results(&spec);
            if !got.is_empty() {
                failures.push(format!("{} good #{i}: expected no results, got {got:?}", rule.name));
            }
        }
        for (i, (mutate, expect, says)) in rule.bad.iter().enumerate() {
            let mut spec = good();
            mutate(&mut spec);
            let got = results(&spec);
            let want: Vec<(Severity, String)> = expect.iter().map(|(s, p)| (*s, p.to_string())).collect();
            if got != want {
                failures.push(format!("{} bad #{i}: expected {want:?}, got {got:?}", rule.name));
                continue;
            }
            let first = &validate(&spec).0[0].message;
            if !first.contains(says) {
                failures.push(format!("{} bad #{i}: message {first:?} does not say {says:?}", rule.name));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn top_level_rules() {
    check(&[
        Rule {
            name: "appDomain",
            good: &[|s| s.app_domain = "apps.cluster-1.example.org".into()],
            bad: &[
                (|s| s.app_domain = String::new(), &[(E, "spec.appDomain")], "required"),
                (|s| s.app_domain = "https://apps.example.com".into(), &[(E, "spec.appDomain")], "scheme"),
                (|s| s.app_domain = "apps.example.com:443".into(), &[(E, "spec.appDomain")], "port"),
                (|s| s.app_domain = "apps.example.com/x".into(), &[(E, "spec.appDomain")], "path"),
                (|s| s.app_domain = "Apps.Example.com".into(), &[(E, "spec.appDomain")], "lower case"),
                (|s| s.app_domain = "apps..example.com".into(), &[(E, "spec.appDomain")], "DNS-1123"),
            ],
        },
        Rule {
            name: "trustDomain",
            good: &[|s| s.trust_domain = "mgmt.example.com".into(), |s| s.trust_domain = "td-1".into()],
            bad: &[
                (|s| s.trust_domain = "Mgmt_Example".into(), &[(E, "spec.trustDomain")], "^[a-z0-9]"),
                (|s| s.trust_domain = "example.com.".into(), &[(E, "spec.trustDomain")], "^[a-z0-9]"),
                (|s| s.trust_domain = "spiffe://example.com".into(), &[(E, "spec.trustDomain")], "scheme"),
                (|s| s.trust_domain = "a".repeat(256), &[(E, "spec.trustDomain")], "255"),
            ],
        },
        Rule {
            name: "target",
            good: &[|s| s.target = "management".into(), |s| s.target = "spoke/spoke-a".into()],
            bad: &[
                (|s| s.target = "mgmt".into(), &[(E, "spec.target")], "spoke/spoke-a"),
                (|s| s.target = "spoke/nope".into(), &[(E, "spec.target")], "names no spoke"),
                (|s| s.target = "spoke/".into(), &[(E, "spec.target")], "not one of"),
            ],
        },
    ]);
}

#[test]
fn ztwim_rules() {
    const ISSUER: &str = "spec.management.ztwim.jwtIssuer";
    check(&[
        Rule {
            name: "ztwim.channel",
            good: &[|s| s.management.ztwim.channel = "stable-v1".into()],
            bad: &[
                (
                    |s| s.management.ztwim.channel = "tech-preview-v0.2".into(),
                    &[(E, "spec.management.ztwim.channel")],
                    "only the 1.0 API",
                ),
                (
                    |s| s.management.ztwim.channel = "candidate".into(),
                    &[(W, "spec.management.ztwim.channel")],
                    "stable-v1",
                ),
            ],
        },
        Rule {
            name: "ztwim.namespace",
            good: &[|s| s.management.ztwim.namespace = "ztwim".into()],
            bad: &[(
                |s| s.management.ztwim.namespace = "Z_T".into(),
                &[(E, "spec.management.ztwim.namespace")],
                "DNS-1123",
            )],
        },
        Rule {
            name: "ztwim.clusterName",
            good: &[|s| s.management.ztwim.cluster_name = "hub.example".into()],
            bad: &[
                (
                    |s| s.management.ztwim.cluster_name = String::new(),
                    &[(E, "spec.management.ztwim.clusterName")],
                    "1-63",
                ),
                (
                    |s| s.management.ztwim.cluster_name = "Hub".into(),
                    &[(E, "spec.management.ztwim.clusterName")],
                    "1-63",
                ),
            ],
        },
        Rule {
            name: "jwtIssuer",
            good: &[|s| s.management.ztwim.jwt_issuer = "https://oidc.apps.mgmt.example.com".into()],
            bad: &[
                (|s| s.management.ztwim.jwt_issuer = "http://oidc.example.com".into(), &[(E, ISSUER)], "https://"),
                (|s| s.management.ztwim.jwt_issuer = "https://oidc.example.com/".into(), &[(E, ISSUER)], "trailing"),
                (|s| s.management.ztwim.jwt_issuer = "https://oidc.example.com/x".into(), &[(E, ISSUER)], "path"),
                (|s| s.management.ztwim.jwt_issuer = "https://oidc.example.com?a=b".into(), &[(E, ISSUER)], "query"),
                (|s| s.management.ztwim.jwt_issuer = "https://oidc.example.com#f".into(), &[(E, ISSUER)], "fragment"),
                (|s| s.management.ztwim.jwt_issuer = "https://u@oidc.example.com".into(), &[(E, ISSUER)], "user info"),
                // A port is allowed (OpenShift's issuerURL accepts one), with a warning that the Route is on 443.
                (
                    |s| s.management.ztwim.jwt_issuer = "https://oidc.example.com:8443".into(),
                    &[(W, ISSUER)],
                    "port 8443",
                ),
                (
                    |s| s.management.ztwim.jwt_issuer = "https://oidc.example.com:0".into(),
                    &[(E, ISSUER)],
                    "invalid port",
                ),
                (|s| s.management.ztwim.jwt_issuer = "https://OIDC.example.com".into(), &[(E, ISSUER)], "lower case"),
                (|s| s.management.ztwim.jwt_issuer = "https://".into(), &[(E, ISSUER)], "host"),
            ],
        },
        Rule {
            name: "derived jwtIssuer",
            // 36 + 1 + 216 = 253: the longest host that still fits.
            good: &[|s| {
                s.app_domain = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(24))
            }],
            bad: &[(
                |s| {
                    s.app_domain =
                        format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(25))
                },
                &[(E, "spec.appDomain")],
                "derived from appDomain",
            )],
        },
    ]);
}

#[test]
fn gitops_rules() {
    const NS: &str = "spec.management.gitops.namespace";
    check(&[
        Rule {
            name: "gitops.namespace",
            good: &[|s| s.management.gitops.namespace = "fleet-gitops".into()],
            bad: &[
                (|s| s.management.gitops.namespace = "openshift-gitops".into(), &[(E, NS)], "no SPIFFE identity"),
                (|s| s.management.gitops.namespace = "my-openshift".into(), &[(E, NS)], "`openshift`"),
                (|s| s.management.gitops.namespace = "x-kube-system".into(), &[(E, NS)], "`kube-system`"),
                (|s| s.management.gitops.namespace = "kube-public".into(), &[(E, NS)], "`kube-public`"),
                (|s| s.management.gitops.namespace = "local-path-storage2".into(), &[(E, NS)], "`local-path-storage`"),
                (|s| s.management.gitops.namespace = "GitOps".into(), &[(E, NS)], "DNS-1123"),
            ],
        },
        Rule {
            name: "gitops.name / ServiceAccount length",
            good: &[|s| s.management.gitops.name = "a".repeat(33)],
            bad: &[
                (|s| s.management.gitops.name = "a".repeat(34), &[(E, "spec.management.gitops.name")], "at most 33"),
                (|s| s.management.gitops.name = "Argo".into(), &[(E, "spec.management.gitops.name")], "DNS-1123"),
            ],
        },
        Rule {
            name: "gitops.host",
            good: &[|s| s.management.gitops.host = "argocd.apps.mgmt.example.com".into()],
            bad: &[(
                |s| s.management.gitops.host = "https://argocd.example.com".into(),
                &[(E, "spec.management.gitops.host")],
                "scheme",
            )],
        },
        Rule {
            name: "argocdSpec",
            good: &[|s| s.management.gitops.argocd_spec = serde_yaml_ng::from_str("server: {replicas: 2}").unwrap()],
            bad: &[(
                |s| s.management.gitops.argocd_spec = "replicas".into(),
                &[(E, "spec.management.gitops.argocdSpec")],
                "must be a map",
            )],
        },
    ]);
}

#[test]
fn exec_auth_rules() {
    check(&[
        Rule {
            name: "execAuth.version",
            good: &[|s| archive(s).version = "v1.12.3".into()],
            bad: &[
                (|s| archive(s).version = "0.0.7".into(), &[(E, "spec.management.execAuth.version")], "vMAJOR"),
                (|s| archive(s).version = "v0.7".into(), &[(E, "spec.management.execAuth.version")], "vMAJOR"),
            ],
        },
        Rule {
            name: "execAuth.downloadURL",
            good: &[|s| {
                archive(s).download_url = "https://mirror.example.com/{{ version }}/plugin_{{ arch }}.tar.gz".into()
            }],
            bad: &[
                (
                    |s| archive(s).download_url = "http://mirror.example.com/{{ version }}.tgz".into(),
                    &[(E, "spec.management.execAuth.downloadURL")],
                    "renders to `http://mirror.example.com/v0.0.7.tgz`",
                ),
                (
                    |s| archive(s).download_url = "https://x/{{ version".into(),
                    &[(E, "spec.management.execAuth.downloadURL")],
                    "does not render",
                ),
                (
                    |s| archive(s).download_url = "{{ arch }}".into(),
                    &[(E, "spec.management.execAuth.downloadURL")],
                    "not an https URL",
                ),
            ],
        },
        Rule {
            name: "execAuth.sha256",
            good: &[|s| archive(s).sha256 = "0123456789ABCDEFabcdef".repeat(3)[..64].to_string()],
            bad: &[
                (|s| archive(s).sha256 = String::new(), &[(W, "spec.management.execAuth.sha256")], "not verified"),
                (|s| archive(s).sha256 = "abc".into(), &[(E, "spec.management.execAuth.sha256")], "64 hex"),
                (|s| archive(s).sha256 = "g".repeat(64), &[(E, "spec.management.execAuth.sha256")], "64 hex"),
            ],
        },
        Rule {
            name: "execAuth.image",
            good: &[|s| archive(s).image = "quay.io/example/tools:1".into()],
            bad: &[(|s| archive(s).image = String::new(), &[(E, "spec.management.execAuth.image")], "image")],
        },
        Rule {
            name: "execAuth.binDir",
            good: &[|s| s.management.exec_auth.bin_dir = "/opt/spiffe/bin".into()],
            bad: &[
                (
                    |s| s.management.exec_auth.bin_dir = "bin".into(),
                    &[(E, "spec.management.execAuth.binDir")],
                    "absolute",
                ),
                (|s| s.management.exec_auth.bin_dir = "/".into(), &[(E, "spec.management.execAuth.binDir")], "is `/`"),
                (
                    |s| s.management.exec_auth.bin_dir = "/tmp".into(),
                    &[(E, "spec.management.execAuth.binDir")],
                    "`/tmp` is a directory that",
                ),
                (
                    |s| s.management.exec_auth.bin_dir = "/usr/local/bin".into(),
                    &[(E, "spec.management.execAuth.binDir")],
                    "is a directory that",
                ),
                (
                    |s| s.management.exec_auth.bin_dir = "/usr".into(),
                    &[(E, "spec.management.execAuth.binDir")],
                    "would hide `/usr/local/bin`",
                ),
                (
                    |s| s.management.exec_auth.bin_dir = "/opt/../tmp".into(),
                    &[(E, "spec.management.execAuth.binDir")],
                    "`..`",
                ),
            ],
        },
        Rule {
            name: "execAuth.socketDir",
            good: &[|s| s.management.exec_auth.socket_dir = "/spiffe-workload-api".into()],
            bad: &[
                (
                    |s| s.management.exec_auth.socket_dir = "/home/argocd".into(),
                    &[(E, "spec.management.execAuth.socketDir")],
                    "is a directory that",
                ),
                (
                    |s| s.management.exec_auth.socket_dir = "/binaries".into(),
                    &[(E, "spec.management.execAuth.socketDir")],
                    "separate",
                ),
                (
                    |s| s.management.exec_auth.socket_dir = "/binaries/sock".into(),
                    &[(E, "spec.management.execAuth.socketDir")],
                    "separate",
                ),
            ],
        },
    ]);
}

fn two_spokes(s: &mut Spec) {
    s.spokes.push(spoke("spoke-b", "https://api.spoke-b.example.com:6443"));
}

#[test]
fn spoke_rules() {
    const SERVER: &str = "spec.spokes.0.server";
    check(&[
        Rule {
            name: "zero spokes",
            good: &[two_spokes],
            bad: &[(
                |s| {
                    s.spokes.clear();
                    s.applications.clear();
                },
                &[(I, "spec.spokes")],
                "only the management cluster",
            )],
        },
        Rule {
            name: "spoke name",
            good: &[|s| {
                s.spokes[0].name = "a1".into();
                s.applications[0].spoke = "a1".into();
            }],
            bad: &[
                (
                    |s| {
                        s.spokes[0].name = String::new();
                        s.applications.clear();
                    },
                    &[(E, "spec.spokes.0.name")],
                    "required",
                ),
                (
                    |s| {
                        s.spokes[0].name = "Spoke_A".into();
                        s.applications.clear();
                    },
                    &[(E, "spec.spokes.0.name")],
                    "DNS-1123",
                ),
                (
                    |s| s.spokes.push(spoke("spoke-a", "https://api.other.example.com:6443")),
                    &[(E, "spec.spokes.1.name"), (W, "spec.spokes.1.audience")],
                    "already used by spec.spokes.0",
                ),
                (
                    |s| {
                        s.spokes[0].name = "openshift-gitops-cluster".into();
                        s.applications.clear();
                    },
                    &[(E, "spec.spokes.0.name")],
                    "argocd-operator",
                ),
                (
                    |s| {
                        s.spokes[0].name = "argocd-secret".into();
                        s.applications.clear();
                    },
                    &[(E, "spec.spokes.0.name")],
                    "would overwrite it",
                ),
            ],
        },
        Rule {
            name: "username prefix",
            good: &[
                |s| s.spokes[0].username_prefix = "spiffe:".into(),
                |s| s.spokes[0].username_prefix = "sys:".into(),
            ],
            bad: &[(
                |s| s.spokes[0].username_prefix = "system:spiffe:".into(),
                &[(E, "spec.spokes.0.usernamePrefix")],
                "reserved",
            )],
        },
        Rule {
            name: "spoke server",
            good: &[
                |s| s.spokes[0].server = "https://api.spoke-a.example.com".into(),
                |s| s.spokes[0].server = "https://10.0.0.1:6443".into(),
            ],
            bad: &[
                (|s| s.spokes[0].server = String::new(), &[(E, SERVER)], "required"),
                (
                    |s| s.spokes[0].server = "https://https://api.example.com:6443".into(),
                    &[(E, SERVER)],
                    "oc whoami --show-server",
                ),
                (
                    |s| s.spokes[0].server = "http://api.example.com:6443".into(),
                    &[(E, SERVER)],
                    "must start with `https://`",
                ),
                (|s| s.spokes[0].server = "api.example.com:6443".into(), &[(E, SERVER)], "must start with `https://`"),
                (|s| s.spokes[0].server = "https://api.example.com:6443/k8s".into(), &[(E, SERVER)], "path"),
                (|s| s.spokes[0].server = "https://u:p@api.example.com".into(), &[(E, SERVER)], "user info"),
                (|s| s.spokes[0].server = "https://api.example.com:99999".into(), &[(E, SERVER)], "port"),
                (|s| s.spokes[0].server = "https://:6443".into(), &[(E, SERVER)], "host"),
                (
                    |s| s.spokes[0].server = "https://api.example.com:6443/".into(),
                    &[(I, SERVER)],
                    "trimmed to `https://api.example.com:6443`",
                ),
                (
                    |s| s.spokes.push(spoke("spoke-b", "https://api.spoke-a.example.com:6443/")),
                    &[(I, "spec.spokes.1.server"), (E, "spec.spokes.1.server")],
                    "trimmed",
                ),
                (
                    |s| s.spokes.push(spoke("spoke-b", "https://API.Spoke-A.example.com:6443")),
                    &[(E, "spec.spokes.1.server")],
                    "already used by spec.spokes.0",
                ),
            ],
        },
        Rule {
            name: "shared audience",
            good: &[two_spokes, |s| {
                two_spokes(s);
                s.spokes[1].audience = "b".into();
                s.audience = "shared".into();
            }],
            bad: &[
                (
                    |s| {
                        two_spokes(s);
                        s.audience = "shared".into();
                    },
                    &[(W, "spec.spokes.1.audience")],
                    "accepted by the other",
                ),
                (
                    |s| {
                        two_spokes(s);
                        s.spokes[1].audience = "spoke-a".into();
                    },
                    &[(W, "spec.spokes.1.audience")],
                    "spec.spokes.0",
                ),
            ],
        },
        Rule {
            name: "openshiftVersion",
            good: &[
                |s| s.spokes[0].openshift_version = "4.21".into(),
                |s| s.spokes[0].openshift_version = "5.0".into(),
            ],
            bad: &[
                (
                    |s| s.spokes[0].openshift_version = "4.18".into(),
                    &[(E, "spec.spokes.0.openshiftVersion")],
                    "too old",
                ),
                (|s| s.spokes[0].openshift_version = "4.2".into(), &[(E, "spec.spokes.0.openshiftVersion")], "too old"),
                (
                    |s| s.spokes[0].openshift_version = "4".into(),
                    &[(E, "spec.spokes.0.openshiftVersion")],
                    "MAJOR.MINOR",
                ),
                (
                    |s| s.spokes[0].openshift_version = "4.20.1".into(),
                    &[(E, "spec.spokes.0.openshiftVersion")],
                    "MAJOR.MINOR",
                ),
                (
                    |s| s.spokes[0].openshift_version = "4.19".into(),
                    &[(W, "spec.spokes.0.openshiftVersion")],
                    "irreversible and blocks",
                ),
            ],
        },
        Rule {
            name: "caData",
            good: &[
                |s| s.spokes[0].ca_data = format!("{}\n", b64(PEM)),
                |s| {
                    s.spokes[0].ca_data = String::new();
                    s.acknowledge.push(Acknowledgement::ApiServerSystemRoots);
                },
            ],
            bad: &[
                (|s| s.spokes[0].ca_data = String::new(), &[(W, "spec.spokes.0.caData")], "system roots"),
                (|s| s.spokes[0].ca_data = PEM.into(), &[(E, "spec.spokes.0.caData")], "base64 -w0"),
                (|s| s.spokes[0].ca_data = "not base64!".into(), &[(E, "spec.spokes.0.caData")], "not valid base64"),
                (|s| s.spokes[0].ca_data = b64("hello"), &[(E, "spec.spokes.0.caData")], "PEM certificate"),
                (
                    |s| s.spokes[0].ca_data = b64("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
                    &[(E, "spec.spokes.0.caData")],
                    "PEM certificate",
                ),
            ],
        },
        Rule {
            name: "insecureSkipTLSVerify",
            good: &[|s| s.spokes[0].insecure_skip_tls_verify = false],
            bad: &[
                (
                    |s| {
                        s.spokes[0].insecure_skip_tls_verify = true;
                        s.spokes[0].ca_data = String::new();
                    },
                    &[(W, "spec.spokes.0.insecureSkipTLSVerify")],
                    "impersonate",
                ),
                (
                    |s| s.spokes[0].insecure_skip_tls_verify = true,
                    &[(E, "spec.spokes.0.insecureSkipTLSVerify")],
                    "both set",
                ),
            ],
        },
        Rule {
            name: "issuerCA",
            good: &[
                |s| s.spokes[0].issuer_ca = PEM.into(),
                |s| {
                    s.spokes[0].issuer_ca = String::new();
                    s.acknowledge.push(Acknowledgement::IssuerSystemTrust);
                },
            ],
            bad: &[
                (|s| s.spokes[0].issuer_ca = b64(PEM), &[(E, "spec.spokes.0.issuerCA")], "PEM text"),
                (|s| s.spokes[0].issuer_ca = String::new(), &[(W, "spec.spokes.0.issuerCA")], "default-ingress-cert"),
            ],
        },
        Rule {
            name: "oidcProviderName",
            good: &[|s| s.spokes[0].oidc_provider_name = "spire".into()],
            bad: &[
                (
                    |s| s.spokes[0].oidc_provider_name = String::new(),
                    &[(E, "spec.spokes.0.oidcProviderName")],
                    "DNS-1123",
                ),
                (
                    |s| s.spokes[0].oidc_provider_name = "SPIRE".into(),
                    &[(E, "spec.spokes.0.oidcProviderName")],
                    "`SPIRE-ca`",
                ),
            ],
        },
        Rule {
            name: "clusterRole",
            good: &[|s| s.spokes[0].cluster_role = "admin".into()],
            bad: &[(|s| s.spokes[0].cluster_role = " ".into(), &[(E, "spec.spokes.0.clusterRole")], "ClusterRole")],
        },
        Rule {
            name: "namespaces",
            good: &[|s| {
                s.spokes[0].namespaces = vec!["guestbook".into(), "team-a".into()];
            }],
            bad: &[
                (
                    |s| s.spokes[0].namespaces = vec!["guestbook".into(), "Team".into()],
                    &[(E, "spec.spokes.0.namespaces.1")],
                    "DNS-1123",
                ),
                (
                    |s| s.spokes[0].namespaces = vec!["guestbook".into(), "guestbook".into()],
                    &[(E, "spec.spokes.0.namespaces.1")],
                    "twice",
                ),
            ],
        },
        Rule {
            name: "project",
            good: &[|s| s.spokes[0].project = String::new()],
            bad: &[
                (|s| s.spokes[0].project = "Team A".into(), &[(E, "spec.spokes.0.project")], "AppProject"),
                (|s| s.spokes[0].project = "team-a".into(), &[(I, "spec.spokes.0.project")], "does not create"),
            ],
        },
        Rule {
            name: "labels",
            good: &[|s| {
                s.spokes[0].labels = [("env".into(), "prod".into()), ("example.com/tier".into(), "A_1".into())].into()
            }],
            bad: &[
                (
                    |s| s.spokes[0].labels = [("env".into(), "prod env".into())].into(),
                    &[(E, "spec.spokes.0.labels.env")],
                    "value",
                ),
                (
                    |s| s.spokes[0].labels = [("-env".into(), "prod".into())].into(),
                    &[(E, "spec.spokes.0.labels.-env")],
                    "key",
                ),
            ],
        },
    ]);
}

#[test]
fn application_rules() {
    check(&[
        Rule {
            name: "application required fields",
            good: &[|s| s.applications[0].project = "team-a".into()],
            bad: &[
                (|s| s.applications[0].name = String::new(), &[(E, "spec.applications.0.name")], "required"),
                (|s| s.applications[0].spoke = String::new(), &[(E, "spec.applications.0.spoke")], "required"),
                (|s| s.applications[0].namespace = String::new(), &[(E, "spec.applications.0.namespace")], "required"),
                (|s| s.applications[0].repo_url = String::new(), &[(E, "spec.applications.0.repoURL")], "required"),
                (|s| s.applications[0].project = String::new(), &[(E, "spec.applications.0.project")], "default"),
            ],
        },
        Rule {
            name: "application name",
            good: &[|s| {
                let mut other = s.applications[0].clone();
                other.name = "other".into();
                s.applications.push(other);
            }],
            bad: &[
                (|s| s.applications[0].name = "Guest_Book".into(), &[(E, "spec.applications.0.name")], "DNS-1123"),
                (
                    |s| s.applications.push(s.applications[0].clone()),
                    &[(E, "spec.applications.1.name")],
                    "already used by spec.applications.0",
                ),
            ],
        },
        Rule {
            name: "application spoke",
            good: &[|s| {
                two_spokes(s);
                s.applications[0].spoke = "spoke-b".into();
            }],
            bad: &[(
                |s| s.applications[0].spoke = "spoke-z".into(),
                &[(E, "spec.applications.0.spoke")],
                "use one of: spoke-a",
            )],
        },
        Rule {
            name: "application namespace",
            good: &[|s| s.spokes[0].namespaces = vec!["guestbook".into()]],
            bad: &[
                (|s| s.applications[0].namespace = "Guest".into(), &[(E, "spec.applications.0.namespace")], "DNS-1123"),
                (
                    |s| s.spokes[0].namespaces = vec!["team-a".into()],
                    &[(E, "spec.applications.0.namespace")],
                    "limited to team-a",
                ),
            ],
        },
    ]);
}

fn kind(s: &mut Spec, kind: SpokeType) {
    s.spokes[0].type_ = kind;
    match kind {
        SpokeType::Hosted => {
            s.spokes[0].hosted_cluster = HostedClusterRef { name: "a".into(), namespace: "clusters".into() }
        }
        SpokeType::Eks => {
            s.spokes[0].eks.cluster_name = "prod-eu".into();
            s.spokes[0].issuer_ca = String::new();
        }
        SpokeType::Openshift | SpokeType::Kubernetes => {}
    }
}

#[test]
fn proxy_and_acknowledge_rules() {
    check(&[
        Rule {
            name: "proxy",
            good: &[
                |s| proxy(s).http_proxy = "http://proxy.example.com:3128".into(),
                |s| proxy(s).https_proxy = "https://proxy.example.com:3129/".into(),
                |s| proxy(s).no_proxy = ".cluster.local,.svc,10.0.0.0/16".into(),
            ],
            bad: &[
                (
                    |s| proxy(s).http_proxy = "proxy.example.com:3128".into(),
                    &[(E, "spec.management.proxy.httpProxy")],
                    "must start with `http://`",
                ),
                (
                    |s| proxy(s).https_proxy = "http://user:secret@proxy.example.com:3128".into(),
                    &[(E, "spec.management.proxy.httpsProxy")],
                    "proxy password would be readable",
                ),
                (
                    |s| proxy(s).no_proxy = ".svc, .local".into(),
                    &[(E, "spec.management.proxy.noProxy")],
                    "without spaces",
                ),
            ],
        },
        Rule {
            name: "acknowledge",
            good: &[
                |s| {
                    archive(s).sha256 = String::new();
                    s.acknowledge.push(Acknowledgement::UnverifiedDownload);
                },
                // A kube-apiserver or EKS spoke keeps its other authenticators: no lock-out.
                |s| {
                    s.acknowledge.retain(|a| *a != Acknowledgement::Lockout);
                    kind(s, SpokeType::Kubernetes);
                },
                |s| {
                    s.acknowledge.retain(|a| *a != Acknowledgement::Lockout);
                    kind(s, SpokeType::Eks);
                },
            ],
            bad: &[
                (
                    |s| archive(s).sha256 = String::new(),
                    &[(W, "spec.management.execAuth.sha256")],
                    "acknowledge `unverifiedDownload`",
                ),
                // Irreversible consequences are warnings until acknowledged (issue 19).
                (
                    |s| s.acknowledge.retain(|a| *a != Acknowledgement::Lockout),
                    &[(W, "spec.spokes.0")],
                    "acknowledge `lockout`",
                ),
                (
                    |s| {
                        s.acknowledge.retain(|a| *a != Acknowledgement::Lockout);
                        kind(s, SpokeType::Hosted);
                    },
                    &[(W, "spec.spokes.0")],
                    "removes the guest's built-in OAuth login",
                ),
                (
                    |s| s.acknowledge.retain(|a| *a != Acknowledgement::RemoveDefaultInstance),
                    &[(W, "spec.management.gitops.installOperator")],
                    "acknowledge `removeDefaultInstance`",
                ),
            ],
        },
        Rule {
            name: "oidcClients",
            good: &[|s| {
                s.spokes[0].oidc_clients = vec![OidcClient {
                    component_name: "cli".into(),
                    component_namespace: "openshift-console".into(),
                    client_id: "openshift-cli".into(),
                }]
            }],
            bad: &[
                (
                    |s| {
                        s.spokes[0].oidc_clients =
                            vec![OidcClient { component_name: "cli".into(), ..Default::default() }]
                    },
                    &[(E, "spec.spokes.0.oidcClients.0")],
                    "needs componentName, componentNamespace and clientID",
                ),
                (
                    |s| {
                        kind(s, SpokeType::Kubernetes);
                        s.spokes[0].oidc_clients = vec![OidcClient::default()];
                    },
                    &[(E, "spec.spokes.0.oidcClients"), (E, "spec.spokes.0.oidcClients.0")],
                    "only OpenShift's external OIDC has OAuth clients",
                ),
            ],
        },
        Rule {
            name: "bootstrap",
            good: &[|s| s.management.bootstrap.repo_url = "https://git.example.com/fleet.git".into()],
            bad: &[
                (
                    |s| {
                        s.management.bootstrap.repo_url = "https://git.example.com/fleet.git".into();
                        s.applications[0].name = "openshift-gitops-spoke-a".into();
                    },
                    &[(E, "spec.management.bootstrap")],
                    "has the name of spec.applications.0",
                ),
                (
                    |s| {
                        s.management.bootstrap.repo_url = "https://git.example.com/fleet.git".into();
                        s.spokes[0].name = "management".into();
                        s.applications[0].spoke = "management".into();
                    },
                    &[(E, "spec.management.bootstrap")],
                    "would exist twice",
                ),
                (
                    |s| s.management.bootstrap.path = "clusters".into(),
                    &[(E, "spec.management.bootstrap.repoURL")],
                    "repoURL is empty",
                ),
            ],
        },
        Rule {
            name: "pluginImage",
            good: &[|s| {
                s.management.exec_auth.method = ExecAuthMethod::Image;
                s.management.exec_auth.plugin_image =
                    format!("ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:{}", "b".repeat(64));
                s.management.exec_auth.timeout = "500ms".into();
            }],
            bad: &[
                (
                    |s| {
                        s.management.exec_auth.method = ExecAuthMethod::Image;
                        s.management.exec_auth.plugin_image =
                            "ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth:0.0.7".into()
                    },
                    &[(W, "spec.management.execAuth.pluginImage")],
                    "not pinned by digest",
                ),
                (
                    |s| {
                        s.management.exec_auth.method = ExecAuthMethod::Image;
                        s.management.exec_auth.plugin_image = format!("x@sha256:{}", "b".repeat(64));
                        s.management.exec_auth.timeout = "10".into();
                    },
                    &[(E, "spec.management.execAuth.timeout")],
                    "duration such as `10s`",
                ),
                (
                    // Written before `method` existed: still the image install, and said so.
                    |s| s.management.exec_auth.plugin_image = format!("x@sha256:{}", "b".repeat(64)),
                    &[(I, "spec.management.execAuth.pluginImage")],
                    "write `method: image`",
                ),
            ],
        },
        Rule {
            name: "execAuth.method",
            good: &[
                |s| s.management.exec_auth.method = ExecAuthMethod::Builtin,
                |s| {
                    s.management.exec_auth.copier_image =
                        format!("registry.example.com/z/ztwim-gitops@sha256:{}", "c".repeat(64))
                },
                |s| s.management.exec_auth.copier_image = "registry.example.com/z/ztwim-gitops:0.1.0".into(),
                |s| {
                    s.management.exec_auth.copier_image = "registry.example.com/z/ztwim-gitops:latest".into();
                    s.acknowledge.push(Acknowledgement::UnverifiedDownload);
                },
            ],
            bad: &[
                (
                    |s| s.management.exec_auth.copier_image = "registry.example.com/z/ztwim-gitops:latest".into(),
                    &[(W, "spec.management.execAuth.copierImage")],
                    "no version tag or digest",
                ),
                (
                    |s| s.management.exec_auth.copier_image = "registry.example.com/z/ztwim-gitops".into(),
                    &[(W, "spec.management.execAuth.copierImage")],
                    "no version tag or digest",
                ),
                (
                    |s| s.management.exec_auth.copier_image = String::new(),
                    &[(E, "spec.management.execAuth.copierImage")],
                    "without spaces",
                ),
                (
                    // An archive config from before `method` existed: the default is builtin now.
                    |s| {
                        s.management.exec_auth.version = "v0.0.6".into();
                        s.management.exec_auth.sha256 = "a".repeat(64);
                    },
                    &[(W, "spec.management.execAuth.version"), (W, "spec.management.execAuth.sha256")],
                    "set `method: archive`",
                ),
                (
                    |s| s.management.exec_auth.credential_version = CredentialVersion::V1,
                    &[(W, "spec.management.execAuth.credentialVersion")],
                    "only method archive or image reads it",
                ),
                (
                    |s| archive(s).copier_image = "registry.example.com/z/ztwim-gitops:0.1.0".into(),
                    &[(W, "spec.management.execAuth.copierImage")],
                    "method is `archive`",
                ),
                (
                    |s| s.management.proxy.https_proxy = "http://proxy.example.com:3128".into(),
                    &[(W, "spec.management.proxy")],
                    "only method `archive` downloads",
                ),
            ],
        },
        Rule {
            name: "catalog sources",
            good: &[|s| {
                s.management.ztwim.source = "cs-redhat-operator-index-v4-20".into();
                s.management.gitops.source = "cs-redhat-operator-index-v4-20".into();
                s.management.ztwim.source_namespace = "openshift-marketplace".into();
                s.management.gitops.source_namespace = "mirror".into();
                s.management.gitops.install_plan_approval = InstallPlanApproval::Manual;
            }],
            bad: &[
                (
                    |s| s.management.ztwim.source = String::new(),
                    &[(E, "spec.management.ztwim.source")],
                    "CatalogSource name",
                ),
                (
                    |s| s.management.gitops.source = "Red Hat".into(),
                    &[(E, "spec.management.gitops.source")],
                    "CatalogSource name",
                ),
                (
                    |s| s.management.gitops.source_namespace = "a.b".into(),
                    &[(E, "spec.management.gitops.sourceNamespace")],
                    "not a namespace name",
                ),
            ],
        },
        Rule {
            name: "featuregate target",
            good: &[],
            bad: &[
                (
                    // Accepted: only the 4.19 warning, no target error.
                    |s| {
                        s.spokes[0].openshift_version = "4.19".into();
                        s.target = "spoke/spoke-a/featuregate".into();
                    },
                    &[(W, "spec.spokes.0.openshiftVersion")],
                    "TechPreviewNoUpgrade",
                ),
                (|s| s.target = "spoke/spoke-a/featuregate".into(), &[(E, "spec.target")], "needs no FeatureGate"),
            ],
        },
    ]);
}

#[test]
fn spoke_kind_rules() {
    check(&[Rule {
        name: "kinds",
        good: &[
            |s| kind(s, SpokeType::Hosted),
            |s| kind(s, SpokeType::Kubernetes),
            |s| {
                kind(s, SpokeType::Kubernetes);
                s.spokes[0].kubernetes_version = "1.34".into();
            },
            |s| kind(s, SpokeType::Eks),
            |s| {
                kind(s, SpokeType::Eks);
                s.spokes[0].eks.cluster_name = String::new();
                s.spokes[0].eks.namespace = "ack-system".into();
            },
            |s| {
                kind(s, SpokeType::Hosted);
                s.spokes[0].issuer_ca = PEM.into();
                s.spokes[0].username_prefix = "spiffe:".into();
            },
        ],
        bad: &[
            (
                |s| {
                    kind(s, SpokeType::Eks);
                    s.spokes[0].openshift_version = "4.19".into();
                },
                &[(E, "spec.spokes.0.openshiftVersion")],
                "does not apply to a `type: eks` spoke",
            ),
            (
                |s| s.spokes[0].hosted_cluster.name = "a".into(),
                &[(E, "spec.spokes.0.hostedCluster")],
                "does not apply to a `type: openshift` spoke",
            ),
            (
                |s| {
                    kind(s, SpokeType::Hosted);
                    s.spokes[0].kubernetes_version = "1.33".into();
                },
                &[(E, "spec.spokes.0.kubernetesVersion")],
                "does not apply to a `type: hosted` spoke",
            ),
            (
                |s| s.spokes[0].eks.cluster_name = "x".into(),
                &[(E, "spec.spokes.0.eks")],
                "remove it, or set the type it is for",
            ),
            (
                |s| {
                    kind(s, SpokeType::Kubernetes);
                    s.spokes[0].oidc_provider_name = "mine".into();
                },
                &[(E, "spec.spokes.0.oidcProviderName")],
                "a kube-apiserver JWT authenticator has no name",
            ),
            (
                |s| s.spokes[0].type_ = SpokeType::Hosted,
                &[(E, "spec.spokes.0.hostedCluster.name"), (E, "spec.spokes.0.hostedCluster.namespace")],
                "must name the spoke's HostedCluster",
            ),
            (
                |s| {
                    kind(s, SpokeType::Kubernetes);
                    s.spokes[0].kubernetes_version = "1.29".into();
                },
                &[(E, "spec.spokes.0.kubernetesVersion")],
                "from 1.30",
            ),
            (
                |s| {
                    kind(s, SpokeType::Kubernetes);
                    s.spokes[0].kubernetes_version = "1.x".into();
                },
                &[(E, "spec.spokes.0.kubernetesVersion")],
                "MAJOR.MINOR",
            ),
            (
                |s| {
                    kind(s, SpokeType::Eks);
                    s.spokes[0].issuer_ca = PEM.into();
                },
                &[(E, "spec.spokes.0.issuerCA")],
                "publicly trusted certificate",
            ),
            (
                |s| {
                    kind(s, SpokeType::Eks);
                    s.spokes[0].eks.cluster_name = "-bad".into();
                },
                &[(E, "spec.spokes.0.eks.clusterName")],
                "not an EKS cluster name",
            ),
            (
                |s| {
                    kind(s, SpokeType::Eks);
                    s.target = "control-plane/spoke-b".into();
                },
                &[(E, "spec.target")],
                "use one of: all, management, spoke/spoke-a, control-plane/spoke-a",
            ),
            (
                |s| s.target = "control-plane/spoke-a".into(),
                &[(E, "spec.target")],
                "names no spoke of type hosted or eks",
            ),
        ],
    }]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut spec = good();
    spec.app_domain = "https://apps.example.com".into();
    spec.spokes[0].server = "https://https://api.example.com".into();
    spec.spokes[0].openshift_version = "4.18".into();
    spec.applications[0].spoke = "nope".into();
    let paths: Vec<String> = results(&spec).into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        paths,
        ["spec.appDomain", "spec.spokes.0.server", "spec.spokes.0.openshiftVersion", "spec.applications.0.spoke"]
    );
}
