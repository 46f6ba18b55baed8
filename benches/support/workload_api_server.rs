//! Serves the test Workload API endpoint (tests/workload-api) on the socket path given as the only
//! argument until killed; benches/credential.py times `ztwim-gitops credential` against it.
fn main() {
    let Some(socket) = std::env::args_os().nth(1) else {
        eprintln!("usage: workload-api-server SOCKET_PATH");
        std::process::exit(2);
    };
    workload_api_testserver::serve_forever(workload_api_testserver::Config::default(), std::path::Path::new(&socket));
}
