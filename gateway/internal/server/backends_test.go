package server

import (
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
)

// Every service of the protos that has a route (an HTTP rule or a raw-body
// POST) is served, under its endpoint's name and address.
func TestEveryServiceWithRoutesIsServed(t *testing.T) {
	served := map[protoreflect.FullName]bool{}
	for _, s := range servedServices {
		served[s.desc.FullName()] = true
	}
	withRoutes := 0
	protoregistry.GlobalFiles.RangeFilesByPackage("plinth.v1", func(f protoreflect.FileDescriptor) bool {
		for i := 0; i < f.Services().Len(); i++ {
			s := f.Services().Get(i)
			routed := false
			for j := 0; j < s.Methods().Len(); j++ {
				opts := s.Methods().Get(j).Options()
				access, _ := proto.GetExtension(opts, plinthv1.E_Access).(*plinthv1.Access)
				if proto.HasExtension(opts, annotations.E_Http) || access.GetRawBodyPost() != "" {
					routed = true
				}
			}
			if routed {
				withRoutes++
				if !served[s.FullName()] {
					t.Errorf("%s has routes but the gateway does not serve it: add it to servedServices", s.FullName())
				}
			}
		}
		return true
	})
	if withRoutes != len(servedServices) {
		t.Errorf("%d services with routes, %d served", withRoutes, len(servedServices))
	}
}

func TestBackendAddressesComeFromTheEndpoints(t *testing.T) {
	env := map[string]string{"BILLING_GRPC_ADDR": "billing:50053"}
	got, err := backendAddresses(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got["plinth.v1.BillingService"] != "billing:50053" || got["plinth.v1.ProfileService"] != "127.0.0.1:50051" {
		t.Errorf("addresses: %v", got)
	}
	env["RESOURCE_GRPC_ADDR"] = "no port"
	if _, err := backendAddresses(func(k string) string { return env[k] }); err == nil {
		t.Error("a bad RESOURCE_GRPC_ADDR was accepted")
	}
}
