"""protoc + grpc_cpp_plugin from Debian, wrapped in a genrule and a cc_library.

Native proto_library/cc_proto_library only half work offline on Bazel 4 (see
docs/ARCHITECTURE.md, "Build"), so generation is spelled out here.
"""

def cc_proto_gen(name, srcs, proto_root, deps = [], grpc = False, includes = [], proto_deps = []):
    """Generates C++ (and optionally gRPC) code for `srcs`.

    proto_root: the execroot-relative directory that import paths are relative to.
    proto_deps: filegroups of .proto files that `srcs` import.
    """
    rel = [s for s in srcs]
    outs = []
    for s in rel:
        base = s[:-len(".proto")]
        outs += [base + ".pb.h", base + ".pb.cc"]
        if grpc:
            outs += [base + ".grpc.pb.h", base + ".grpc.pb.cc"]
    grpc_flags = ""
    if grpc:
        grpc_flags = "--grpc_out=$(GENDIR)/{root} --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin".format(root = proto_root)
    native.genrule(
        name = name + "_gen",
        srcs = srcs + proto_deps,
        outs = outs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I" + proto_root,
            " ".join(["-I" + i for i in includes]),
            "-I/usr/include",
            "--cpp_out=$(GENDIR)/" + proto_root,
            grpc_flags,
            " ".join([proto_root + "/" + s for s in rel]),
        ]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        deps = deps + ["@//bazel:protobuf", "@//bazel:grpc"],
        copts = ["-Wno-unused-parameter"],
    )
