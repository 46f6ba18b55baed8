//! Typed Kubernetes and Argo CD objects, defined once and read and written with serde (the kube-rs
//! model: plain structs that serialise and deserialise). Every reader of an object — the credential
//! helper, `import`, `diff`, the doctor (Argo CD's `ClusterConfig`), and in time the generators — uses
//! the type here instead of a private copy.

pub mod argocd;
pub mod argocd_cluster;
pub mod cluster_spiffe_id;
pub mod exec_credential;
pub mod ztwim;
