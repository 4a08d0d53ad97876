package fastjson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
)

var contract = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// sameAsProtojson: both encoders give the same JSON value.
func sameAsProtojson(t *testing.T, m proto.Message) {
	t.Helper()
	want, err := contract.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Append(nil, m.ProtoReflect())
	if err != nil {
		t.Fatalf("%T: %v", m, err)
	}
	var a, b any
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%T differs\nprotojson: %s\nfastjson:  %s", m, want, got)
	}
}

func TestTheContractsResponsesAreWrittenAsProtojsonWritesThem(t *testing.T) {
	meta, err := structpb.NewStruct(map[string]any{
		"tags": []any{"q3", "ünïcode ✓", "quote \" backslash \\ nl \n tab \t ctl \x01"},
		"n":    1.5e300, "neg": -0.25, "int": 42.0, "yes": true, "none": nil,
		"nested": map[string]any{"b": map[string]any{}, "a": []any{}, "z": []any{1.0, "x", nil, false}},
		"":       "empty key",
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := func(s, n int64) *timestamppb.Timestamp { return &timestamppb.Timestamp{Seconds: s, Nanos: int32(n)} }
	list := &plinthv1.ListResourcesResponse{Meta: &plinthv1.PageMeta{Page: 2, Limit: 20, Total: 50, TotalPages: 3}}
	for i, n := range []int64{0, 445705000, 445705120, 445705123, 1} {
		list.Data = append(list.Data, &plinthv1.Resource{
			Id: "a9ba110f-cb36-4d33-ba82-1be9152c5ef8", UserId: "7b41637d-b003-4afd-a879-6b0853f40a54",
			Title: strings.Repeat("t", i), Content: "Revenue grew 12%.\nCosts were flat. <&> \u2028",
			Metadata: meta, Status: "pending", CreatedAt: ts(1795632135, n), UpdatedAt: ts(0, 0),
			ContentTruncated: i%2 == 0,
		})
	}
	sameAsProtojson(t, list)
	sameAsProtojson(t, &plinthv1.ListResourcesResponse{}) // empty list, null meta
	sameAsProtojson(t, &plinthv1.ProfileResponse{Data: &plinthv1.Profile{
		Id: "x", Email: wrapperspb.String("dev@example.com"), SubscriptionStatus: "free",
		CreditsRemaining: -3, CreatedAt: timestamppb.New(time.Date(2026, 11, 25, 8, 52, 17, 230559000, time.UTC)),
	}})
	sameAsProtojson(t, &plinthv1.AnalysisResponse{Data: &plinthv1.Analysis{
		Id: "x", Output: wrapperspb.String(""), Usage: &plinthv1.Usage{InputTokens: 14}, Attempts: 2,
		StartedAt: ts(-62135596800, 0), CompletedAt: ts(253402300799, 999999999),
	}})
	sameAsProtojson(t, &plinthv1.ListPlansResponse{Data: []*plinthv1.Plan{{Tier: "free"}, {Tier: "pro", PriceId: wrapperspb.String("price_1")}}})
	sameAsProtojson(t, &plinthv1.WebhookReceipt{Received: true})
	// proto3 optional fields: omitted when unset, written when set (even to zero).
	sameAsProtojson(t, &plinthv1.ListResourcesRequest{})
	sameAsProtojson(t, &plinthv1.ListResourcesRequest{Page: proto.Int32(0), Status: proto.String("")})
	sameAsProtojson(t, &plinthv1.StripeWebhookRequest{Payload: []byte{0, 1, 2, 250}})
}

func TestWhatItCannotWriteIsLeftToProtojson(t *testing.T) {
	for _, m := range []proto.Message{
		&plinthv1.Resource{Title: "\xff"},                                                           // invalid UTF-8: protojson refuses
		&plinthv1.Resource{CreatedAt: &timestamppb.Timestamp{Seconds: 1 << 40}},                     // out of range
		&plinthv1.Resource{Metadata: &structpb.Struct{Fields: map[string]*structpb.Value{"k": {}}}}, // Value with no kind
	} {
		if _, err := Append(nil, m.ProtoReflect()); err != ErrUnsupported {
			t.Errorf("%v: err = %v, want ErrUnsupported", m, err)
		}
	}
}

func BenchmarkListPage(b *testing.B) {
	meta, _ := structpb.NewStruct(map[string]any{"tags": []any{"q3", "board"}, "owner": "finance", "score": 3.0})
	list := &plinthv1.ListResourcesResponse{Meta: &plinthv1.PageMeta{Page: 2, Limit: 20, Total: 50, TotalPages: 3}}
	for i := 0; i < 20; i++ {
		list.Data = append(list.Data, &plinthv1.Resource{Id: "a9ba110f-cb36-4d33-ba82-1be9152c5ef8",
			UserId: "7b41637d-b003-4afd-a879-6b0853f40a54", Title: "Quarterly notes",
			Content: strings.Repeat("Revenue grew 12%. Costs were flat.\n", 15), Metadata: meta, Status: "pending",
			CreatedAt: timestamppb.Now(), UpdatedAt: timestamppb.Now()})
	}
	b.Run("protojson", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = contract.Marshal(list)
		}
	})
	b.Run("fastjson", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = Append(make([]byte, 0, 16<<10), list.ProtoReflect())
		}
	})
}
