package server

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

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
		b := make([]byte, 0, proto.Size(msg)*3/2+64)
		b = append(b, `{"success":true,`...)
		if b, err := fastjson.AppendFields(b, msg.ProtoReflect()); err == nil {
			if b[len(b)-1] == ',' { // a message without fields
				b = b[:len(b)-1]
			}
			return append(b, '}'), nil
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
