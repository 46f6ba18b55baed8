//! Typed Kubernetes and Argo CD objects, defined once and read and written with serde (the kube-rs
//! model: plain structs that serialise and deserialise). Every reader of an object — the credential
//! helper, `import`, `diff`, and in time the generators and the doctor — uses the type here instead of
//! a private copy.

pub mod exec_credential;
