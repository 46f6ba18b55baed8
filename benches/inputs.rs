//! The inputs every benchmark uses, shared by `cargo bench` and `benches/process.sh` (through
//! `cargo bench --bench pipeline -- --write-inputs DIR`), so both measure the same bytes.

/// The article's setup: one spoke (fn-config/minimal.yaml).
pub fn article() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fn-config/minimal.yaml")).expect("minimal.yaml")
}

/// A fleet config with `n` spokes.
pub fn fleet(n: usize) -> String {
    let spokes: String =
        (0..n).map(|i| format!("  - name: spoke-{i}\n    server: https://api.spoke-{i}.example.com:6443\n")).collect();
    format!(
        "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata:\n  name: fleet\nspec:\n  \
         appDomain: apps.mgmt.example.com\n  spokes:\n{spokes}"
    )
}

/// One spoke with `n` namespaces, one Application each: about 2n output objects, n RoleBindings of one
/// name sharing one file (the case that was quadratic in KRM mode).
pub fn namespaces(n: usize) -> String {
    let namespaces: String = (0..n).map(|i| format!("    - ns-{i}\n")).collect();
    let apps: String = (0..n)
        .map(|i| format!("  - {{name: app-{i}, spoke: s, namespace: ns-{i}, repoURL: 'https://git.example.com/r'}}\n"))
        .collect();
    format!(
        "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata:\n  name: scale\nspec:\n  \
         appDomain: apps.example.com\n  spokes:\n  - name: s\n    server: https://api.s.example.com:6443\n    \
         namespaces:\n{namespaces}  applications:\n{apps}"
    )
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// A ResourceList as kpt sends it: `items` (block list entries) and the config.
pub fn resource_list(items: &str, config: &str) -> String {
    let items = if items.is_empty() { " []\n".to_string() } else { format!("\n{items}") };
    format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:{items}functionConfig:\n{}", indent(config))
}

/// `n` Deployments as kpt sends a package's files (path, index and id annotations, comments, quoting).
pub fn deployments(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web-{i}\n    namespace: team-{m}\n    \
                 labels: {{app: web-{i}, tier: \"frontend\"}}\n    annotations:\n      \
                 config.kubernetes.io/index: '0'\n      config.kubernetes.io/path: 'apps/web-{i}.yaml'\n      \
                 internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/path: 'apps/web-{i}.yaml'\n      \
                 internal.config.kubernetes.io/id: '{id}'\n      config.k8s.io/id: '{id}'\n  \
                 spec:\n    replicas: 2 # two is enough\n    selector:\n      matchLabels:\n        app: web-{i}\n    \
                 template:\n      metadata:\n        labels:\n          app: web-{i}\n      spec:\n        containers:\n        \
                 - name: web\n          image: \"registry.example.com/web:1.25\"\n          ports:\n          \
                 - containerPort: 8080\n          env:\n          - {{name: MODE, value: \"on\"}}\n          \
                 resources:\n            limits: {{cpu: 500m, memory: 256Mi}}\n",
                m = i % 10,
                id = i + 1
            )
        })
        .collect()
}

/// Every case, named as the tables in docs/performance.md name them: (name, KRM input or None, config
/// for `generate`).
pub fn cases() -> Vec<(String, Option<String>, String)> {
    let mut cases = vec![("article".to_string(), Some(resource_list("", &article())), article())];
    for n in [10, 100, 1000, 5000] {
        cases.push((format!("fleet-{n}"), Some(resource_list("", &fleet(n))), fleet(n)));
    }
    for n in [2000, 20_000] {
        cases.push((format!("passthrough-{n}"), Some(resource_list(&deployments(n), &article())), article()));
    }
    cases.push(("namespaces-10000".to_string(), Some(resource_list("", &namespaces(10_000))), namespaces(10_000)));
    cases
}
