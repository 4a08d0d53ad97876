package contract

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
)

func TestEveryCodeOfTheProtoHasItsFacts(t *testing.T) {
	values := plinthv1.ErrorCode(0).Descriptor().Values()
	if got, want := len(Codes()), values.Len()-1; got != want {
		t.Fatalf("%d codes read, the enum has %d", got, want)
	}
	for _, name := range Codes() {
		c, _ := Lookup(name)
		if c.Status < 400 || c.Meaning == "" || c.When == "" {
			t.Errorf("%s: status %d, meaning %q, when %q", name, c.Status, c.Meaning, c.When)
		}
	}
	if c, ok := Lookup(RateLimited); !ok || c.Status != http.StatusTooManyRequests {
		t.Errorf("RATE_LIMITED: %+v", c)
	}
	if _, ok := Lookup("ERROR_CODE_NOT_FOUND"); ok {
		t.Error("the prefixed name is not a wire name")
	}
}

func TestBareGRPCCodes(t *testing.T) {
	for c, want := range map[codes.Code]string{
		codes.InvalidArgument:    ValidationError,
		codes.OutOfRange:         ValidationError,
		codes.FailedPrecondition: "CONFLICT",
		codes.Canceled:           DeadlineExceeded,
		codes.Unimplemented:      NotImplemented,
		// gRPC's own (a message over its size limit): no rate limit.
		codes.ResourceExhausted: Internal,
		codes.Unknown:           Internal,
		codes.DataLoss:          Internal,
	} {
		if got := Bare(c); got != want {
			t.Errorf("Bare(%v) = %s, want %s", c, got, want)
		}
	}
}

func TestErrorsTableHasARowPerCode(t *testing.T) {
	table := ErrorsTable()
	for _, name := range Codes() {
		if !strings.Contains(table, "| `"+name+"` |") {
			t.Errorf("no row for %s", name)
		}
	}
}
