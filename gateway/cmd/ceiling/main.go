// ceiling is the yardstick of ./plinth bench (bench/run.sh): the hop Plinth's
// gateway is built on, with nothing of Plinth in it.
//
//	ceiling backend ADDR       a do-nothing ProfileService: GetMyProfile answers a
//	                           fixed profile (the size of a real one), no I/O
//	ceiling mux ADDR BACKEND   a bare grpc-gateway v2 mux in front of BACKEND:
//	                           default marshaler, no middleware, no auth
//
// The bench reports every route as a fraction of `mux` in front of `backend`,
// and runs Plinth's own gateway in front of `backend` too.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
	plinthgw "plinth/gateway/gen/gw"
)

type profiles struct {
	plinthv1.UnimplementedProfileServiceServer
	answer *plinthv1.ProfileResponse
}

func (p *profiles) GetMyProfile(context.Context, *plinthv1.GetMyProfileRequest) (*plinthv1.ProfileResponse, error) {
	return p.answer, nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: ceiling backend ADDR | ceiling mux ADDR BACKEND")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "backend":
		lis, err := net.Listen("tcp", os.Args[2])
		if err != nil {
			log.Fatal(err)
		}
		now := timestamppb.New(time.Now())
		srv := grpc.NewServer()
		plinthv1.RegisterProfileServiceServer(srv, &profiles{answer: &plinthv1.ProfileResponse{Data: &plinthv1.Profile{
			Id: "7af3f241-f649-4475-b032-42c40086ed82", Email: wrapperspb.String("dev@example.com"),
			SubscriptionStatus: "free", SubscriptionTier: "free", CreditsRemaining: 10, CreatedAt: now, UpdatedAt: now,
		}}})
		healthpb.RegisterHealthServer(srv, health.NewServer())
		log.Fatal(srv.Serve(lis))
	case "mux":
		if len(os.Args) != 4 {
			log.Fatal("usage: ceiling mux ADDR BACKEND")
		}
		mux := runtime.NewServeMux()
		opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
		if err := plinthgw.RegisterProfileServiceHandlerFromEndpoint(context.Background(), mux, os.Args[3], opts); err != nil {
			log.Fatal(err)
		}
		log.Fatal(http.ListenAndServe(os.Args[2], mux))
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}
