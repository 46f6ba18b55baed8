//! One `FetchJWTSVID` on the Workload API, bounded by a deadline: connection failures and `Unavailable`
//! (a SPIRE agent or CSI socket that is not there yet) are retried with a short backoff until the
//! deadline; everything else, `InvalidArgument` above all (SPIFFE Workload Endpoint §6: clients SHOULD
//! NOT retry it), ends the call at once.

use spiffe::transport::{GrpcStatusCode, TransportError};
use spiffe::{JwtSvid, SpiffeId, WorkloadApiClient, WorkloadApiError};
use std::time::{Duration, Instant};

/// What to fetch.
pub struct Request<'a> {
    pub socket: &'a str,
    pub audience: &'a str,
    pub spiffe_id: Option<&'a SpiffeId>,
    pub hint: Option<&'a str>,
    pub timeout: Duration,
}

/// Why no SVID came back. Never holds a token.
#[derive(Debug)]
pub enum Failure {
    /// The deadline passed; `last` is the last retryable failure, if any (none: the endpoint hung).
    Timeout { last: Option<Retryable> },
    /// `PermissionDenied`: the agent knows no identity for this caller.
    PermissionDenied(String),
    /// `InvalidArgument`: the request was malformed (or the endpoint saw no security header).
    InvalidArgument(String),
    /// An OK answer with no SVID in it.
    Empty,
    /// `SPIFFE_JWT_HINT` matched none of the returned SVIDs.
    HintNotFound { available: Vec<String> },
    /// Any other answer: a gRPC status, or an SVID that is not a valid JWT-SVID.
    Other(String),
}

/// A failure worth waiting out.
#[derive(Debug)]
pub enum Retryable {
    /// No connection: usually no socket file yet, or nobody listening on it.
    Connect(String),
    /// `Unavailable`.
    Unavailable(String),
}

const FIRST_BACKOFF: Duration = Duration::from_millis(20);
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Fetches the SVID on a current-thread runtime of its own: the rest of the binary is synchronous.
pub fn fetch(request: &Request) -> Result<JwtSvid, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the I/O runtime: {e}")))?;
    let deadline = Instant::now() + request.timeout;
    runtime.block_on(async {
        let mut last = None;
        let attempts = async {
            let mut backoff = FIRST_BACKOFF;
            loop {
                match attempt(request).await {
                    Ok(svid) => return Ok(svid),
                    Err(Attempt::Retry(why)) => last = Some(why),
                    Err(Attempt::Fail(failure)) => return Err(failure),
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        };
        match tokio::time::timeout_at(deadline.into(), attempts).await {
            Ok(result) => result,
            Err(_elapsed) => Err(Failure::Timeout { last: last.take() }),
        }
    })
}

enum Attempt {
    Retry(Retryable),
    Fail(Failure),
}

async fn attempt(request: &Request<'_>) -> Result<JwtSvid, Attempt> {
    let client = WorkloadApiClient::connect_to(request.socket).await.map_err(classify)?;
    let svids = client.fetch_all_jwt_svids([request.audience], request.spiffe_id).await.map_err(classify)?;
    select(svids, request.hint).map_err(Attempt::Fail)
}

/// The SVID to use: the one whose hint matches when a hint is set (the first of equal hints, as the
/// Workload API standard says clients should pick), else the first.
fn select(svids: Vec<JwtSvid>, hint: Option<&str>) -> Result<JwtSvid, Failure> {
    if svids.is_empty() {
        return Err(Failure::Empty);
    }
    let Some(hint) = hint else { return Ok(svids.into_iter().next().expect("not empty")) };
    let available: Vec<String> = svids.iter().filter_map(|s| s.hint().map(str::to_string)).collect();
    svids.into_iter().find(|s| s.hint() == Some(hint)).ok_or(Failure::HintNotFound { available })
}

fn classify(error: WorkloadApiError) -> Attempt {
    match error {
        WorkloadApiError::Transport(TransportError::Connect(e)) => Attempt::Retry(Retryable::Connect(chain(&e))),
        WorkloadApiError::Transport(TransportError::Status(status)) => match status.code() {
            GrpcStatusCode::Unavailable => Attempt::Retry(Retryable::Unavailable(status.message().to_string())),
            GrpcStatusCode::InvalidArgument => Attempt::Fail(Failure::InvalidArgument(status.message().to_string())),
            GrpcStatusCode::PermissionDenied => Attempt::Fail(Failure::PermissionDenied(status.message().to_string())),
            code => Attempt::Fail(Failure::Other(format!("the Workload API answered {code}: {}", status.message()))),
        },
        WorkloadApiError::PermissionDenied(message) => Attempt::Fail(Failure::PermissionDenied(message)),
        WorkloadApiError::NoIdentityIssued => Attempt::Fail(Failure::PermissionDenied("no identity issued".into())),
        // spiffe 0.19.0 reports an OK answer without SVIDs as a missing `JWTSVIDResponse.svids`.
        WorkloadApiError::EmptyResponse | WorkloadApiError::MissingRequiredField { field: "JWTSVIDResponse.svids" } => {
            Attempt::Fail(Failure::Empty)
        }
        other => Attempt::Fail(Failure::Other(chain(&other))),
    }
}

/// An error and its sources on one line ("connection failed: No such file or directory").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = e.source();
    }
    text.replace('\n', " ")
}
