//! A SPIFFE Workload API endpoint for tests: the `SpiffeWorkloadAPI` service generated from the official
//! `workload.proto` (see `proto/README.md`), served over a unix socket like the SPIRE agent's. It enforces
//! the security header the way the SPIFFE Workload Endpoint standard requires (`workload.spiffe.io: true`,
//! else `InvalidArgument`) and answers `FetchJWTSVID` with JWTs signed by a fresh ES256 key, so what the
//! helper under test receives is what a real agent sends. Only the JWT profile is served; the other
//! methods answer `Unimplemented`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tonic::{Request, Response, Status};

#[allow(clippy::all, clippy::pedantic)]
pub mod pb {
    // The proto declares no package.
    tonic::include_proto!("_");
}

use pb::spiffe_workload_api_server::{SpiffeWorkloadApi, SpiffeWorkloadApiServer};

/// How the endpoint answers `FetchJWTSVID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// One signed JWT-SVID per identity.
    Issue,
    /// `PermissionDenied`, as the SPIRE agent answers a caller no registration entry matches.
    PermissionDenied,
    /// OK with no SVIDs in it.
    Empty,
    /// `InvalidArgument`, which clients must not retry.
    InvalidArgument,
    /// Never answers.
    Hang,
    /// `Unavailable` for the first `n` calls, then like `Issue`.
    UnavailableFirst(usize),
}

/// One identity the caller is entitled to.
#[derive(Debug, Clone)]
pub struct Identity {
    pub spiffe_id: String,
    pub hint: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub identities: Vec<Identity>,
    pub issuer: String,
    /// `exp` − `iat` of each token issued.
    pub lifetime: Duration,
    /// Bind the socket only after this long (a SPIRE agent that is still starting).
    pub bind_after: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mode: Mode::Issue,
            identities: vec![Identity {
                spiffe_id: "spiffe://apps.hub.example.com/ns/openshift-gitops/sa/openshift-gitops-argocd-application-controller".into(),
                hint: String::new(),
            }],
            issuer: "https://oidc-discovery.apps.hub.example.com".into(),
            // ZTWIM's default JWT-SVID lifetime (SpireServer.spec.defaultJWTValidity).
            lifetime: Duration::from_secs(300),
            bind_after: Duration::ZERO,
        }
    }
}

/// What one `FetchJWTSVID` call carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub audience: Vec<String>,
    pub spiffe_id: String,
    pub security_header: bool,
}

struct Service {
    config: Config,
    key: jsonwebtoken::EncodingKey,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("the clock is after 1970").as_secs()
}

impl Service {
    fn sign(&self, sub: &str, audience: &[String]) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some("test-key-1".into());
        header.typ = Some("JWT".into());
        let iat = now();
        let claims = serde_json::json!({
            "sub": sub,
            "aud": audience,
            "iss": self.config.issuer,
            "iat": iat,
            "exp": iat + self.config.lifetime.as_secs(),
        });
        jsonwebtoken::encode(&header, &claims, &self.key).expect("an ES256 key signs")
    }
}

type Stream<T> = tokio_stream::Empty<Result<T, Status>>;

#[tonic::async_trait]
impl SpiffeWorkloadApi for Service {
    type FetchX509SVIDStream = Stream<pb::X509svidResponse>;
    type FetchX509BundlesStream = Stream<pb::X509BundlesResponse>;
    type FetchJWTBundlesStream = Stream<pb::JwtBundlesResponse>;

    async fn fetch_x509svid(
        &self,
        _: Request<pb::X509svidRequest>,
    ) -> Result<Response<Self::FetchX509SVIDStream>, Status> {
        Err(Status::unimplemented("the test endpoint serves the JWT profile only"))
    }
    async fn fetch_x509_bundles(
        &self,
        _: Request<pb::X509BundlesRequest>,
    ) -> Result<Response<Self::FetchX509BundlesStream>, Status> {
        Err(Status::unimplemented("the test endpoint serves the JWT profile only"))
    }
    async fn fetch_jwt_bundles(
        &self,
        _: Request<pb::JwtBundlesRequest>,
    ) -> Result<Response<Self::FetchJWTBundlesStream>, Status> {
        Err(Status::unimplemented("the test endpoint serves FetchJWTSVID only"))
    }
    async fn validate_jwtsvid(
        &self,
        _: Request<pb::ValidateJwtsvidRequest>,
    ) -> Result<Response<pb::ValidateJwtsvidResponse>, Status> {
        Err(Status::unimplemented("the test endpoint serves FetchJWTSVID only"))
    }

    async fn fetch_jwtsvid(
        &self,
        request: Request<pb::JwtsvidRequest>,
    ) -> Result<Response<pb::JwtsvidResponse>, Status> {
        // SPIFFE Workload Endpoint §3/§6: the header is case sensitive and its absence is InvalidArgument.
        let security_header =
            request.metadata().get("workload.spiffe.io").and_then(|v| v.to_str().ok()) == Some("true");
        let request = request.into_inner();
        let call = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(Seen {
                audience: request.audience.clone(),
                spiffe_id: request.spiffe_id.clone(),
                security_header,
            });
            seen.len()
        };
        if !security_header {
            return Err(Status::invalid_argument("security header missing from request"));
        }
        if request.audience.is_empty() {
            return Err(Status::invalid_argument("audience must be specified"));
        }
        match self.config.mode {
            Mode::PermissionDenied => return Err(Status::permission_denied("no identity issued")),
            Mode::Empty => return Ok(Response::new(pb::JwtsvidResponse { svids: Vec::new() })),
            Mode::InvalidArgument => return Err(Status::invalid_argument("spiffe_id is not a registered identity")),
            Mode::Hang => std::future::pending::<()>().await,
            Mode::UnavailableFirst(n) if call <= n => return Err(Status::unavailable("agent is starting")),
            Mode::Issue | Mode::UnavailableFirst(_) => {}
        }
        let svids = self
            .config
            .identities
            .iter()
            .filter(|i| request.spiffe_id.is_empty() || i.spiffe_id == request.spiffe_id)
            .map(|i| pb::Jwtsvid {
                spiffe_id: i.spiffe_id.clone(),
                svid: self.sign(&i.spiffe_id, &request.audience),
                hint: i.hint.clone(),
            })
            .collect();
        Ok(Response::new(pb::JwtsvidResponse { svids }))
    }
}

/// A running endpoint; stopped and its directory removed when dropped.
pub struct Server {
    dir: PathBuf,
    socket: PathBuf,
    seen: Arc<Mutex<Vec<Seen>>>,
    public_key_raw: Vec<u8>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts an endpoint on `<fresh temp dir>/spire-agent.sock` on its own thread.
    pub fn start(config: Config) -> Server {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ztwim-workload-api-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("spire-agent.sock");
        Server::start_at(config, dir, socket)
    }

    fn start_at(config: Config, dir: PathBuf, socket: PathBuf) -> Server {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let public_key_raw = key.public_key_raw().to_vec();
        let service =
            Service { key: jsonwebtoken::EncodingKey::from_ec_der(&key.serialize_der()), config, seen: Arc::default() };
        let seen = service.seen.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, is_ready) = std::sync::mpsc::channel::<()>();
        let path = socket.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let delay = service.config.bind_after;
                if delay.is_zero() {
                    let listener = tokio::net::UnixListener::bind(&path).unwrap();
                    let _ = ready.send(());
                    serve(service, listener, stopped).await;
                } else {
                    let _ = ready.send(());
                    tokio::time::sleep(delay).await;
                    let listener = tokio::net::UnixListener::bind(&path).unwrap();
                    serve(service, listener, stopped).await;
                }
            });
        });
        is_ready.recv().expect("the endpoint thread starts");
        Server { dir, socket, seen, public_key_raw, stop: Some(stop), thread: Some(thread) }
    }

    /// `unix:///…/spire-agent.sock`, the form of `SPIFFE_ENDPOINT_SOCKET`.
    pub fn endpoint(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
    pub fn socket(&self) -> &Path {
        &self.socket
    }
    /// Every `FetchJWTSVID` call so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
    /// The signing key's public point (uncompressed SEC1: 0x04, x, y), to verify issued tokens with.
    pub fn public_key_raw(&self) -> &[u8] {
        &self.public_key_raw
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn serve(service: Service, listener: tokio::net::UnixListener, stopped: tokio::sync::oneshot::Receiver<()>) {
    let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
    tonic::transport::Server::builder()
        .serve_with_incoming_shutdown(SpiffeWorkloadApiServer::new(service), incoming, async {
            let _ = stopped.await;
        })
        .await
        .expect("the test Workload API serves");
}

/// Serves `config` on `socket` until the process is killed (the benchmark's endpoint).
pub fn serve_forever(config: Config, socket: &Path) {
    let dir = socket.parent().unwrap_or(Path::new(".")).to_path_buf();
    let server = Server::start_at(config, dir, socket.to_path_buf());
    let _keep = server;
    loop {
        std::thread::park();
    }
}
