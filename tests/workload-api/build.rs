//! Server stubs (and no client: the helper under test uses the `spiffe` crate's own client) from the
//! official Workload API definition. Needs `protoc` (Debian: protobuf-compiler) with its bundled
//! google/protobuf/struct.proto.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/workload.proto");
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .compile_protos(&["proto/workload.proto"], &["proto"])?;
    Ok(())
}
