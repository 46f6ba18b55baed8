//! The Kubernetes CEL library functions that the upstream CRDs' `x-kubernetes-validations` use and the `cel`
//! crate does not have: `isURL`, `url` with its accessors (apiserver `pkg/cel/library/urls.go`) and the regex
//! `find` (`library/regex.go`). Everything else the rules use (`split` from the strings extension, `matches`,
//! optionals) is in the crate.
//!
//! A URL is passed around as its string, checked by `url()`: the accessors are then plain string members. The
//! apiserver's type checker would reject `'x'.getScheme()`; no upstream rule writes that, so the looser typing
//! changes no verdict.

use cel::extractors::This;
use cel::{Context, Env, ExecutionError, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The standard library, the strings extension and optional syntax (`self.?claim.orValue("")`), as the
/// apiserver's CEL environment has them.
pub fn env() -> Arc<Env> {
    let mut env = Env::stdlib();
    env.add_extension(cel::extensions::strings).expect("the strings extension registers once");
    Arc::new(env)
}

const NO_CONFLICT: &str = "no standard overload has this name";

/// A context with the Kubernetes functions added.
pub fn context(env: &Arc<Env>) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(Arc::clone(env));
    let r = ctx.add_function("isURL", |This(s): This<Arc<String>>| parse_request_uri(&s).is_some());
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("url", |This(s): This<Arc<String>>| -> Result<Value, ExecutionError> {
        parse(&s).map(|_| Value::String(s.clone())).ok_or_else(|| {
            ExecutionError::function_error("url", format!("URL parse error during conversion from string: {s}"))
        })
    });
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getScheme", |This(s): This<Arc<String>>| accessor(&s, |u| u.scheme.clone()));
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getHost", |This(s): This<Arc<String>>| accessor(&s, |u| u.host.clone()));
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getHostname", |This(s): This<Arc<String>>| {
        accessor(&s, |u| hostname_and_port(&u.host).0.to_string())
    });
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getPort", |This(s): This<Arc<String>>| {
        accessor(&s, |u| hostname_and_port(&u.host).1.to_string())
    });
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getEscapedPath", |This(s): This<Arc<String>>| accessor(&s, |u| u.path.clone()));
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("getQuery", |This(s): This<Arc<String>>| -> Result<Value, ExecutionError> {
        let u = parse(&s).ok_or_else(|| ExecutionError::function_error("getQuery", "not a URL"))?;
        Ok(query_map(&u.query))
    });
    r.expect(NO_CONFLICT);
    let r = ctx.add_function("find", |This(s): This<Arc<String>>, re: Arc<String>| -> Result<Value, ExecutionError> {
        let re = regex::Regex::new(&re).map_err(|e| ExecutionError::function_error("find", e.to_string()))?;
        Ok(Value::String(Arc::new(re.find(&s).map(|m| m.as_str().to_string()).unwrap_or_default())))
    });
    r.expect(NO_CONFLICT);
    ctx
}

fn accessor(s: &str, f: impl Fn(&Url) -> String) -> Result<Value, ExecutionError> {
    parse(s)
        .map(|u| Value::String(Arc::new(f(&u))))
        .ok_or_else(|| ExecutionError::function_error("url", format!("not a URL: {s}")))
}

/// The parts of a URL the accessors return, as Go's `net/url` splits them.
#[derive(Debug, Default, PartialEq)]
pub struct Url {
    pub scheme: String,
    /// Host with port, as Go's `URL.Host`.
    pub host: String,
    pub path: String,
    pub query: String,
}

/// Go's `url.ParseRequestURI`, which `isURL` uses: an absolute URL or an absolute path; a `#` is not split
/// off (it stays in the path or query).
pub fn parse_request_uri(s: &str) -> Option<Url> {
    if s.is_empty() || s.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let Some((scheme, rest)) = split_scheme(s) else {
        return s.starts_with('/').then(|| {
            let (path, query) = s.split_once('?').unwrap_or((s, ""));
            Url { path: path.into(), query: query.into(), ..Url::default() }
        });
    };
    let (hier, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut url = Url { scheme: scheme.to_lowercase(), query: query.into(), ..Url::default() };
    if let Some(authority_and_path) = hier.strip_prefix("//") {
        let (authority, path) = match authority_and_path.find('/') {
            Some(i) => authority_and_path.split_at(i),
            None => (authority_and_path, ""),
        };
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if !valid_host(host) {
            return None;
        }
        url.host = host.into();
        url.path = path.into();
    } else if hier.starts_with('/') {
        url.path = hier.into();
    } else {
        // An opaque URL (`mailto:x`): ParseRequestURI refuses a relative reference after the scheme.
        return None;
    }
    Some(url)
}

/// Go's `url.Parse` after ParseRequestURI accepted the string, as `url()` does: the fragment is dropped.
pub fn parse(s: &str) -> Option<Url> {
    parse_request_uri(s)?;
    parse_request_uri(s.split_once('#').map_or(s, |(before, _)| before))
}

fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some((scheme, rest))
}

/// Go accepts registered names, IP literals in brackets and a numeric port.
fn valid_host(host: &str) -> bool {
    let (name, port) = hostname_and_port(host);
    let name_ok = if host.starts_with('[') {
        name.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        name.chars().all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=%".contains(c))
    };
    name_ok && port.chars().all(|c| c.is_ascii_digit())
}

fn hostname_and_port(host: &str) -> (&str, &str) {
    if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (name, after.strip_prefix(':').unwrap_or(""));
    }
    host.rsplit_once(':').unwrap_or((host, ""))
}

/// `map(string, list(string))`, as Go's `URL.Query()`.
fn query_map(query: &str) -> Value {
    let mut map: HashMap<String, Vec<Value>> = HashMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.entry(k.to_string()).or_default().push(Value::String(Arc::new(v.to_string())));
    }
    Value::from(map.into_iter().map(|(k, v)| (k, Value::List(Arc::new(v)))).collect::<HashMap<_, _>>())
}

/// A JSON value as CEL sees it: JSON integers are CEL `int`.
pub fn value(json: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or_default())),
        J::String(s) => Value::String(Arc::new(s.clone())),
        J::Array(a) => Value::List(Arc::new(a.iter().map(value).collect())),
        J::Object(o) => Value::from(o.iter().map(|(k, v)| (k.clone(), value(v))).collect::<HashMap<_, _>>()),
    }
}

#[test]
fn kubernetes_url_and_regex_functions_behave_like_the_apiserver() {
    let env = env();
    let ctx = context(&env);
    let eval = |rule: &str| env.compile(rule).expect("compiles").execute(&ctx).expect("evaluates");
    let yes = Value::Bool(true);
    for rule in [
        "isURL('https://issuer.example.com:8443/a?x=1#f')",
        "isURL('/absolute/path')",
        "!isURL('issuer.example.com')",
        "!isURL('https://bad host')",
        "!isURL('mailto:a@example.com')",
        "url('HTTPS://Example.com:8443/p').getScheme() == 'https'",
        "url('https://example.com:8443/p').getHost() == 'example.com:8443'",
        "url('https://example.com:8443/p').getHostname() == 'example.com'",
        "url('https://example.com/a/b?x=1&x=2#frag').getEscapedPath() == '/a/b'",
        "url('https://example.com/a?x=1&x=2').getQuery() == {'x': ['1', '2']}",
        "url('https://example.com/a#q=1').getQuery() == {}",
        "'https://x/#frag'.find('#(.+)$') == '#frag'",
        "'https://x/'.find('@') == ''",
        "'a/b/c'.split('/', 2)[1] == 'b/c'",
        "{'a': 1}.?b.orValue(2) == 2",
    ] {
        assert_eq!(eval(rule), yes, "{rule}");
    }
}
