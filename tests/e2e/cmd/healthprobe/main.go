// Command healthprobe does what a kubelet's gRPC probe does: one
// grpc.health.v1.Health/Check to ADDRESS (service "" unless given), exit 0
// when it answers SERVING. Used by tests/deploy to run the manifests' probes.
//
//	healthprobe ADDRESS [SERVICE]
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: healthprobe ADDRESS [SERVICE]")
		os.Exit(2)
	}
	service := ""
	if len(os.Args) > 2 {
		service = os.Args[2]
	}
	conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	// The kubelet's default probe timeout.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: service})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if resp.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
		fmt.Fprintln(os.Stderr, resp.GetStatus())
		os.Exit(1)
	}
}
