package server

import (
	"context"
	"fmt"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	plinthgw "plinth/gateway/gen/gw"
)

// A service the gateway serves: its descriptor (whose (plinth.v1.endpoint)
// names it and says where it is) and grpc-gateway's generated registration
// of its HTTP routes. backends_test.go fails when a service of the protos
// with routes is missing here.
type servedService struct {
	desc     protoreflect.ServiceDescriptor
	register func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error
}

var servedServices = []servedService{
	{plinthv1.File_plinth_v1_profile_proto.Services().ByName("ProfileService"), plinthgw.RegisterProfileServiceHandler},
	{plinthv1.File_plinth_v1_resource_proto.Services().ByName("ResourceService"), plinthgw.RegisterResourceServiceHandler},
	{plinthv1.File_plinth_v1_billing_proto.Services().ByName("BillingService"), plinthgw.RegisterBillingServiceHandler},
	{plinthv1.File_plinth_v1_analysis_proto.Services().ByName("AnalysisService"), plinthgw.RegisterAnalysisServiceHandler},
}

func endpointOf(service protoreflect.ServiceDescriptor) *plinthv1.Endpoint {
	endpoint, _ := proto.GetExtension(service.Options(), plinthv1.E_Endpoint).(*plinthv1.Endpoint)
	return endpoint
}

// backendAddresses: where to dial each served service, by its full name.
func backendAddresses(getenv func(string) string) (map[protoreflect.FullName]string, error) {
	out := map[protoreflect.FullName]string{}
	for _, s := range servedServices {
		addr, err := serviceAddress(getenv, s.desc)
		if err != nil {
			return nil, err
		}
		out[s.desc.FullName()] = addr
	}
	return out, nil
}

// serviceAddress is where to dial a backend: its (plinth.v1.endpoint)
// variable, else the default address the proto declares.
func serviceAddress(getenv func(string) string, service protoreflect.ServiceDescriptor) (string, error) {
	endpoint := endpointOf(service)
	if endpoint.GetAddressVariable() == "" || endpoint.GetName() == "" {
		return "", fmt.Errorf("%s declares no (plinth.v1.endpoint) with a name and an address variable", service.FullName())
	}
	return hostPort(getenv, endpoint.GetAddressVariable(), endpoint.GetDefaultAddress())
}
