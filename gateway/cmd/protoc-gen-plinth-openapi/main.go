// protoc-gen-plinth-openapi writes the gateway's OpenAPI 3.1 document
// (openapi.json) from the protos given to protoc (internal/openapi says how),
// docs/ERRORS.md's table of error codes (errors-table.md, from
// protos/plinth/v1/errors.proto), docs/GRPC.md's tables of services and
// methods, docs/API.md's table of routes and endpoints.json (every
// service's (plinth.v1.endpoint), for the Kubernetes check and ./plinth).
package main

import (
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/pluginpb"

	"plinth/gateway/internal/contract"
	"plinth/gateway/internal/openapi"
)

func main() {
	protogen.Options{}.Run(func(plugin *protogen.Plugin) error {
		plugin.SupportedFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL)
		doc, err := openapi.Generate(plugin.Files, openapi.Info{
			Title:   "Plinth REST API",
			Version: "1.0.0",
			Description: "The REST/JSON contract served by the Plinth gateway (docs/API.md). " +
				"Successes are `{\"success\": true, \"data\": ...}` (lists add `meta`); every error is the ErrorEnvelope " +
				"(docs/ERRORS.md). Generated from the protos at build time.",
			ServerURL: "http://127.0.0.1:8080",
		})
		if err != nil {
			return err
		}
		out := plugin.NewGeneratedFile("openapi.json", "")
		if _, err = out.Write(doc); err != nil {
			return err
		}
		endpoints, err := openapi.EndpointsJSON(plugin.Files)
		if err != nil {
			return err
		}
		for name, content := range map[string][]byte{
			"errors-table.md":   []byte(contract.ErrorsTable()),
			"services-table.md": []byte(openapi.ServicesTable(plugin.Files)),
			"methods-table.md":  []byte(openapi.MethodsTable(plugin.Files)),
			"routes-table.md":   []byte(openapi.RoutesTable(plugin.Files)),
			"endpoints.json":    endpoints,
		} {
			if _, err := plugin.NewGeneratedFile(name, "").Write(content); err != nil {
				return err
			}
		}
		return nil
	})
}
