//! The image built from our Dockerfile runs the function exactly like the native binary.

use crate::support as common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn the_image_output_is_byte_identical_to_the_native_binary() {
    let Some(image) = image() else { return };
    let input = std::fs::read(std::path::Path::new(ROOT).join("tests/data/resourcelist-fleet.yaml")).unwrap();
    let (native, _, code) = run_bin(&[], &input);
    assert_eq!(code, 0);
    assert!(native.contains("ztwim-gitops.dev/owner: fleet"), "the fleet config generates objects:\n{native}");
    // Exactly what kustomize runs for a container function, through the docker adapter.
    let mut child = Command::new("docker")
        .args(["run", "--rm", "-i", "-a", "STDIN", "-a", "STDOUT", "-a", "STDERR", "--network", "none"])
        .args(["--user", "nobody", "--security-opt=no-new-privileges", "-e", "LOG_TO_STDERR=true"])
        .args(["-e", "STRUCTURED_RESULTS=true", image])
        .env("PATH", path_with_docker_adapter())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), native);
}

/// Every test run builds the image again; the previous build and any intermediate stage must not stay
/// in the store (buildah's vfs driver keeps a full copy of each).
#[test]
fn rebuilding_the_image_leaves_nothing_behind() {
    if image().is_none() {
        return;
    }
    let lines = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let out = run(buildah().args(args), true);
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
    };
    // Containers buildah made from an unnamed (intermediate) image; the adapter's are named after IMAGE.
    let unnamed = ["containers", "--noheading", "--format", "{{.ContainerID}} {{.ImageName}}"];
    let unnamed = move || lines(&unnamed).into_iter().filter(|l| !l.contains(' ') || l.ends_with(' ')).count();
    let before = unnamed();
    let first = build_image();
    let second = build_image();
    assert_ne!(first, second, "a rebuild makes a new image");
    let images = lines(&["images", "--all", "--noheading", "--no-trunc", "--quiet"]);
    let images: Vec<_> = images.iter().map(|i| i.trim_start_matches("sha256:")).collect();
    assert!(images.contains(&second.as_str()), "{images:?}");
    assert!(!images.contains(&first.as_str()), "the previous build is removed: {images:?}");
    assert_eq!(unnamed(), before, "no working container is left behind");
}

#[test]
fn install_to_copies_the_binary_executable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("install-to");
    let out = run(Command::new(BIN).arg("install-to").arg(dir.path()), true);
    let installed = dir.path().join("ztwim-gitops");
    assert_eq!(std::fs::read(&installed).unwrap(), std::fs::read(BIN).unwrap());
    assert_eq!(installed.metadata().unwrap().permissions().mode() & 0o777, 0o755);
    assert!(String::from_utf8_lossy(&out.stderr).contains("installed"));
    let version = run(Command::new(&installed).arg("--version"), true);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("ztwim-gitops "));
    let missing = run(Command::new(BIN).arg("install-to").arg(dir.path().join("no/such/dir")), false);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: cannot install into"));
}

/// The keys opencontainers/image-spec annotations.md defines (`org.opencontainers.image.` + these).
const OCI_KEYS: &[&str] = &[
    "created",
    "authors",
    "url",
    "documentation",
    "source",
    "version",
    "revision",
    "vendor",
    "licenses",
    "ref.name",
    "title",
    "description",
    "base.digest",
    "base.name",
];

fn oci_key(key: &str) -> bool {
    key.strip_prefix("org.opencontainers.image.").is_some_and(|k| OCI_KEYS.contains(&k))
}

/// The labels of the image built from our Dockerfile say what the crate says, under the OCI keys.
#[test]
fn the_image_carries_the_oci_labels() {
    let Some(image) = image() else { return };
    let out = run(buildah().args(["inspect", "--type", "image", image]), true);
    let inspect: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels = inspect["OCIv1"]["config"]["Labels"].as_object().expect("labels");
    let label = |k: &str| labels.get(&format!("org.opencontainers.image.{k}")).and_then(|v| v.as_str());
    assert_eq!(label("version"), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(label("source"), Some(env!("CARGO_PKG_REPOSITORY")));
    assert_eq!(label("licenses"), Some(env!("CARGO_PKG_LICENSE")));
    assert_eq!(label("title"), Some("ztwim-gitops"));
    assert_eq!(label("description").map(str::to_string), Some(ztwim_gitops::help::short()));
    for key in labels.keys().filter(|k| k.starts_with("org.opencontainers.")) {
        assert!(oci_key(key), "{key} is not an OCI annotation key");
    }
    assert_eq!(inspect["OCIv1"]["architecture"], "amd64");
}

fn release_dry_run(args: &[&str]) -> (String, i32) {
    let out =
        run(Command::new("bash").arg("packaging/release.sh").arg("--dry-run").args(args).current_dir(ROOT), false);
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap_or(-1))
}

/// The release recipe (not run by CI) in its dry run: both musl targets built with cargo auditable, an
/// SBOM each, both platforms in one manifest list from the `prebuilt` stage (which `.dockerignore` must let
/// through), the per-build OCI labels, and with --push the push and the cosign signatures.
#[test]
fn the_release_recipe_builds_both_architectures_with_sboms_and_signs_them() {
    let (local, code) = release_dry_run(&[]);
    assert_eq!(code, 0, "{local}");
    assert!(!local.contains("cosign") && !local.contains("manifest push"), "{local}");
    let (release, code) = release_dry_run(&["--push"]);
    assert_eq!(code, 0, "{release}");
    let dockerignore = std::fs::read_to_string(std::path::Path::new(ROOT).join(".dockerignore")).unwrap();
    let dockerfile = std::fs::read_to_string(std::path::Path::new(ROOT).join("Dockerfile")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    for (triple, platform) in
        [("x86_64-unknown-linux-musl", "linux/amd64"), ("aarch64-unknown-linux-musl", "linux/arm64")]
    {
        let has = |needle: &str| release.lines().any(|l| l.contains(needle));
        assert!(has(&format!("cargo auditable build --release --locked --target {triple}")), "{triple}:\n{release}");
        assert!(has(&format!("cargo cyclonedx --format json --spec-version 1.5 --target {triple}")), "{release}");
        let bud = release.lines().find(|l| l.contains(&format!("--platform {platform}"))).expect(platform);
        for arg in ["BINARY_FROM=prebuilt", &format!("RUST_TARGET={triple}"), &format!("VERSION={version}")] {
            assert!(bud.contains(&format!("--build-arg {arg}")), "{bud}");
        }
        assert!(bud.ends_with(&format!("--manifest {IMAGE} . ")), "{bud}");
        for key in bud.split("--label ").skip(1).map(|l| l.split('=').next().unwrap()) {
            assert!(oci_key(key), "{key}");
            assert!(!dockerfile.contains(key), "{key} is set per build, not in the Dockerfile");
        }
        assert!(dockerignore.lines().any(|l| l == format!("!target/{triple}/release/ztwim-gitops")), "{triple}");
    }
    for step in
        ["buildah manifest push --all", "cosign sign --yes", "cosign attest --yes --type cyclonedx", "cosign sign-blob"]
    {
        assert!(release.contains(step), "{step}:\n{release}");
    }
    assert_eq!(release_dry_run(&["--bogus"]).1, 2);
}

/// The default install (`execAuth.method: builtin`) as the pod runs it: the init container's exact
/// command from the generated ArgoCD CR, run in the image we build, copies a binary into the shared
/// volume that is the credential helper (the binary Argo CD's cluster Secrets run).
#[test]
fn the_builtin_init_container_installs_the_credential_helper_from_the_image() {
    let Some(image) = image() else { return };
    let (out, _, code) = run_bin(&["generate", "-c", "fn-config/minimal.yaml", "--target", "management"], b"");
    assert_eq!(code, 0);
    let argocd = serde_yaml_ng::Deserializer::from_str(&out)
        .map(|d| <serde_yaml_ng::Value as serde::Deserialize>::deserialize(d).unwrap())
        .find(|o| o["kind"] == "ArgoCD")
        .expect("the management output has the ArgoCD CR");
    let init = &argocd["spec"]["controller"]["initContainers"][0];
    assert_eq!(init["image"].as_str(), Some(image), "the default init container runs this project's image");
    let command: Vec<&str> = init["command"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mount = init["volumeMounts"][0]["mountPath"].as_str().unwrap();
    let volume = TempDir::new("binaries");
    std::fs::set_permissions(volume.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let ctr = String::from_utf8(run(buildah().args(["from", "--pull-never", "--quiet", image]), true).stdout).unwrap();
    let ctr = ctr.trim();
    let ran = run(
        buildah()
            .args(["run", "--isolation", "chroot", "--user", "65532", "--volume"])
            .arg(format!("{}:{mount}", volume.path().display()))
            .args([ctr, "--"])
            .args(&command),
        false,
    );
    run(buildah().args(["rm", ctr]), false);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let helper = volume.path().join(command.last().unwrap().rsplit('/').next().unwrap());
    // The copied helper is the static binary: it runs here, outside the image, and fails as documented
    // when there is no Workload API (one line naming the socket, exit 1).
    let missing = run(
        Command::new(&helper)
            .args(["credential", "--audience", "spoke-a", "--socket"])
            .arg(format!("unix://{}/spire-agent.sock", volume.path().display()))
            .args(["--timeout", "300ms"]),
        false,
    );
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("spire-agent.sock"), "{stderr}");
}

/// The image is a redistribution of ztwim-gitops (Apache-2.0), of the vendored saphyr-parser, whose
/// LICENSE requires both authors' licences to travel with it, and of every crate linked into the binary
/// (packaging/THIRD-PARTY-LICENSES): all of them are in the image, unchanged.
#[test]
fn the_image_carries_the_licence_files() {
    let Some(image) = image() else { return };
    let ctr = String::from_utf8(run(buildah().args(["from", "--pull-never", "--quiet", image]), true).stdout).unwrap();
    let ctr = ctr.trim();
    let mounted = String::from_utf8(run(buildah().args(["mount", ctr]), true).stdout).unwrap();
    let licenses = std::path::Path::new(mounted.trim()).join("usr/share/licenses/ztwim-gitops");
    let root = std::path::Path::new(ROOT);
    let vendored = root.join("vendor/saphyr-parser");
    let files = [
        ("LICENSE", root.join("LICENSE")),
        ("saphyr-parser/LICENSE", vendored.join("LICENSE")),
        ("saphyr-parser/ChenYuheng-Apache", vendored.join(".licenses/ChenYuheng-Apache")),
        ("saphyr-parser/ChenYuheng-MIT", vendored.join(".licenses/ChenYuheng-MIT")),
        ("saphyr-parser/Ethiraric-Apache", vendored.join(".licenses/Ethiraric-Apache")),
        ("saphyr-parser/Ethiraric-MIT", vendored.join(".licenses/Ethiraric-MIT")),
        ("THIRD-PARTY-LICENSES", root.join("packaging/THIRD-PARTY-LICENSES")),
    ];
    let found: Vec<_> = files.iter().map(|(f, _)| std::fs::read(licenses.join(f)).ok()).collect();
    run(buildah().args(["umount", ctr]), false);
    run(buildah().args(["rm", ctr]), false);
    for ((file, source), found) in files.iter().zip(found) {
        assert_eq!(found, Some(std::fs::read(source).unwrap()), "{file} in the image");
    }
}

/// `vendor/saphyr-parser/` is saphyr-parser 0.3.4 exactly as crates.io publishes it plus the patch series
/// in its `patches/`: with the patches undone (`git apply -R`, newest first, exact context), every file
/// hashes to the published package's (`patches/upstream.sha256`), and no file is missing or added
/// besides our `README.ztwim.md`, `rustfmt.toml` and `patches/`. See vendor/saphyr-parser/README.ztwim.md.
#[test]
fn the_vendored_parser_is_the_published_crate_plus_its_patches() {
    if !have("git") {
        return;
    }
    let vendored = std::path::Path::new(ROOT).join("vendor/saphyr-parser");
    let sums = std::fs::read_to_string(vendored.join("patches/upstream.sha256")).unwrap();
    let upstream: std::collections::BTreeMap<&str, &str> =
        sums.lines().map(|l| l.split_once("  ").map(|(sum, file)| (file, sum)).expect(l)).collect();
    let mut files = tree(&vendored);
    files.retain(|f, _| !(f == "README.ztwim.md" || f == "rustfmt.toml" || f.starts_with("patches/")));
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), upstream.keys().copied().collect::<Vec<_>>());

    let undone = TempDir::new("saphyr-parser");
    for (file, text) in &files {
        std::fs::create_dir_all(undone.path().join(file).parent().unwrap()).unwrap();
        std::fs::write(undone.path().join(file), text).unwrap();
    }
    let mut patches: Vec<_> = std::fs::read_dir(vendored.join("patches"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    assert!(!patches.is_empty());
    patches.sort();
    for patch in patches.iter().rev() {
        // Outside any repository (the ceiling stops git's search), `git apply` works on the directory
        // itself; inside one it would take the patch's paths from the repository's root.
        run(
            Command::new("git")
                .args(["apply", "-R", "--whitespace=nowarn"])
                .arg(patch)
                .current_dir(undone.path())
                .env("GIT_CEILING_DIRECTORIES", undone.path().parent().unwrap()),
            true,
        );
    }
    for (file, sum) in upstream {
        let bytes = std::fs::read(undone.path().join(file)).unwrap();
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, sum, "{file} with the patches undone is not the published file");
    }
}

/// packaging/THIRD-PARTY-LICENSES names exactly the crates Cargo.lock links into the image's binary:
/// what `cargo tree -e normal` lists for the image's musl targets (normal dependencies with the features
/// a release build enables; `cargo metadata` would add those only dev-dependencies switch on). A
/// dependency added, removed or upgraded without regenerating the file fails here, with the command.
#[test]
fn third_party_licences_name_every_crate_in_the_binary() {
    use std::collections::BTreeSet;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut linked = BTreeSet::new();
    for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
        let args = ["tree", "--locked", "-e", "normal", "--prefix", "none", "--target", target];
        let out = run(Command::new(&cargo).current_dir(ROOT).args(args), true);
        // `name vVERSION`, then `(proc-macro)`, `(*)` or a path dependency's directory.
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let mut words = line.split(' ');
            if let (Some(name), Some(version)) = (words.next(), words.next().and_then(|v| v.strip_prefix('v'))) {
                linked.insert(format!("{name} {version}"));
            }
        }
    }
    let text = std::fs::read_to_string(format!("{ROOT}/packaging/THIRD-PARTY-LICENSES")).unwrap();
    // Each licence's crates sit between its `..., used by:` line and the dashes above its text.
    let mut listed = BTreeSet::new();
    let mut in_list = false;
    for line in text.lines() {
        if line.ends_with(", used by:") {
            in_list = true;
        } else if line.starts_with("-----") {
            in_list = false;
        } else if in_list {
            listed.insert(line.trim().to_string());
        }
    }
    let missing: Vec<_> = linked.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&linked).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "packaging/THIRD-PARTY-LICENSES is out of date (missing {missing:?}, not linked {extra:?}); regenerate it: \
         cargo about generate --locked --config packaging/about.toml --output-file packaging/THIRD-PARTY-LICENSES packaging/about.hbs"
    );
    // The tree was read at all: a crate we know is linked is among what it named.
    assert!(linked.iter().any(|c| c.starts_with("mimalloc ")), "{linked:?}");
}
