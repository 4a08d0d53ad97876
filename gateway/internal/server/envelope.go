package server

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"plinth/gateway/internal/fastjson"
)

const jsonContentType = "application/json; charset=utf-8"

// envelopeMarshaler writes responses as {"success": true, ...fields of the
// response message} (the messages hold `data` and, for lists, `meta`), with
// snake_case names and every field present (unset ones as null): fastjson,
// or protojson for what fastjson leaves to it.
type envelopeMarshaler struct {
	runtime.JSONPb
}

func newEnvelopeMarshaler() *envelopeMarshaler {
	return &envelopeMarshaler{runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
}

func (m *envelopeMarshaler) ContentType(any) string { return jsonContentType }

func (m *envelopeMarshaler) Marshal(v any) ([]byte, error) {
	if msg, ok := v.(proto.Message); ok {
		// The hot path: fastjson writes the same JSON as protojson without its
		// per-call reflection, straight after the envelope's own key.
		m := msg.ProtoReflect()
		b := make([]byte, 0, sizeHint(m.Descriptor().FullName()))
		b = append(b, `{"success":true,`...)
		if b, err := fastjson.AppendFields(b, m); err == nil {
			if b[len(b)-1] == ',' { // a message without fields
				b = b[:len(b)-1]
			}
			b = append(b, '}')
			rememberSize(m.Descriptor().FullName(), len(b))
			return b, nil
		}
	}
	inner, err := m.JSONPb.Marshal(v)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(proto.Message); !ok {
		return inner, nil
	}
	return wrapSuccess(inner), nil
}

// The buffer of a response starts at the size of the type's previous one
// (plus a margin): proto.Size, which sized it before, walked the whole
// message by reflection — a third of the envelope's cost on a list page.
var lastSizes sync.Map // protoreflect.FullName → *atomic.Int64

func sizeHint(name protoreflect.FullName) int {
	if v, ok := lastSizes.Load(name); ok {
		return int(v.(*atomic.Int64).Load())*9/8 + 64
	}
	return 512
}

func rememberSize(name protoreflect.FullName, n int) {
	v, ok := lastSizes.Load(name)
	if !ok {
		v, _ = lastSizes.LoadOrStore(name, new(atomic.Int64))
	}
	v.(*atomic.Int64).Store(int64(n))
}

func wrapSuccess(inner []byte) []byte {
	inner = bytes.TrimSpace(inner)
	var out bytes.Buffer
	out.Grow(len(inner) + 16)
	out.WriteString(`{"success":true`)
	if len(inner) > 2 {
		out.WriteByte(',')
		out.Write(inner[1:])
	} else {
		out.WriteByte('}')
	}
	return out.Bytes()
}

// httpCodeMetadata is set by a backend that wants 201/202/204 instead of 200.
const httpCodeMetadata = "x-http-code"

func forwardHTTPCode(ctx context.Context, w http.ResponseWriter, _ proto.Message) error {
	md, ok := runtime.ServerMetadataFromContext(ctx)
	if !ok {
		return nil
	}
	if vals := md.HeaderMD.Get(httpCodeMetadata); len(vals) > 0 {
		if code, err := strconv.Atoi(vals[0]); err == nil && code >= 200 && code < 300 {
			if code == http.StatusNoContent {
				w.Header().Del("Content-Type")
			}
			w.WriteHeader(code)
		}
	}
	return nil
}
