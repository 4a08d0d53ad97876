"""Repository rules that take third-party files from Debian packages, offline."""

_GOOGLEAPIS_JAR = "/usr/share/java/proto-google-common-protos.jar"

_GOOGLEAPIS_FILES = [
    "google/api/annotations.proto",
    "google/api/http.proto",
    "google/api/field_behavior.proto",
    "google/rpc/status.proto",
]

def _googleapis_impl(ctx):
    jar = ctx.path(_GOOGLEAPIS_JAR)
    if not jar.exists:
        fail("%s is missing: apt-get install libgoogle-common-protos-java (./plinth does it)" % _GOOGLEAPIS_JAR)
    ctx.extract(jar, output = "jar")
    for f in _GOOGLEAPIS_FILES:
        ctx.symlink("jar/" + f, f)
    ctx.file("BUILD.bazel", ctx.read(ctx.attr.build_file))

googleapis_repository = repository_rule(
    implementation = _googleapis_impl,
    attrs = {"build_file": attr.label(default = "//bazel/googleapis:BUILD.googleapis")},
    local = True,
)
