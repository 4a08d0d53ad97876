// Package fastjson writes protobuf messages as the JSON that protojson writes
// with UseProtoNames and EmitUnpopulated (the gateway's REST contract), from
// a plan made once per message type instead of protojson's per-call
// reflection and option checks. On the list route protojson was ~30 % of the
// gateway's CPU (docs/PERFORMANCE.md).
//
// Same JSON value, not the same bytes: protojson's output is deliberately
// unstable in its whitespace. What this package cannot write (google.protobuf.Any,
// a non-finite number in a google.protobuf.Value, invalid UTF-8) it reports
// with ErrUnsupported, and the caller falls back to protojson.
package fastjson

import (
	"encoding/base64"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// ErrUnsupported: use protojson for this message.
var ErrUnsupported = errors.New("fastjson: unsupported message")

type plan struct {
	fields []fieldPlan
}

type fieldPlan struct {
	fd      protoreflect.FieldDescriptor
	key     []byte // `"name":`
	inOneof bool   // real or synthetic (proto3 optional) oneof: omitted when unset
}

var plans sync.Map // protoreflect.FullName → *plan

func planOf(md protoreflect.MessageDescriptor) *plan {
	if p, ok := plans.Load(md.FullName()); ok {
		return p.(*plan)
	}
	fields := md.Fields()
	p := &plan{fields: make([]fieldPlan, fields.Len())}
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		key := appendString(nil, string(fd.Name()))
		p.fields[i] = fieldPlan{fd: fd, key: append(key, ':'), inOneof: fd.ContainingOneof() != nil}
	}
	plans.Store(md.FullName(), p)
	return p
}

// Append appends m as JSON to b.
func Append(b []byte, m protoreflect.Message) ([]byte, error) {
	return appendMessage(b, m)
}

// AppendFields appends m's fields as `"k":v,"k":v` (no braces), so that a
// caller can add its own keys around them (the success envelope).
func AppendFields(b []byte, m protoreflect.Message) ([]byte, error) {
	if isWellKnown(m.Descriptor().FullName()) {
		return nil, ErrUnsupported
	}
	return appendFields(b, m)
}

func appendMessage(b []byte, m protoreflect.Message) ([]byte, error) {
	// The well-known types through their Go types: no reflection per entry.
	switch x := m.Interface().(type) {
	case *structpb.Struct:
		return appendStructpb(b, x)
	case *structpb.Value:
		return appendValuepb(b, x)
	case *structpb.ListValue:
		return appendListpb(b, x)
	case *timestamppb.Timestamp:
		return appendTime(b, x.GetSeconds(), int64(x.GetNanos()))
	case *wrapperspb.StringValue:
		if !utf8.ValidString(x.GetValue()) {
			return nil, ErrUnsupported
		}
		return appendString(b, x.GetValue()), nil
	}
	switch m.Descriptor().FullName() {
	case "google.protobuf.StringValue", "google.protobuf.BoolValue", "google.protobuf.Int32Value",
		"google.protobuf.UInt32Value", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
		"google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.BytesValue":
		fd := m.Descriptor().Fields().ByNumber(1)
		return appendSingular(b, fd, m.Get(fd))
	case "google.protobuf.Empty":
		return append(b, '{', '}'), nil
	}
	if isWellKnown(m.Descriptor().FullName()) {
		// Any, Duration, FieldMask, dynamic Structs...: protojson knows them.
		return nil, ErrUnsupported
	}
	b = append(b, '{')
	b, err := appendFields(b, m)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func isWellKnown(name protoreflect.FullName) bool {
	return len(name) > 16 && name[:16] == "google.protobuf."
}

func appendFields(b []byte, m protoreflect.Message) ([]byte, error) {
	p := planOf(m.Descriptor())
	first := true
	var err error
	for i := range p.fields {
		f := &p.fields[i]
		if f.inOneof && !m.Has(f.fd) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.key...)
		switch {
		case f.fd.IsList():
			b, err = appendList(b, f.fd, m.Get(f.fd).List())
		case f.fd.IsMap():
			return nil, ErrUnsupported // no map in the contract's responses
		case f.fd.Message() != nil && !m.Has(f.fd):
			b = append(b, "null"...)
		default:
			b, err = appendSingular(b, f.fd, m.Get(f.fd))
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

func appendList(b []byte, fd protoreflect.FieldDescriptor, l protoreflect.List) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i := 0; i < l.Len(); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendSingular(b, fd, l.Get(i)); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendSingular(b []byte, fd protoreflect.FieldDescriptor, v protoreflect.Value) ([]byte, error) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		s := v.String()
		if !utf8.ValidString(s) {
			return nil, ErrUnsupported // protojson refuses it; let it say so
		}
		return appendString(b, s), nil
	case protoreflect.BoolKind:
		return strconv.AppendBool(b, v.Bool()), nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		b = append(b, '"')
		return append(strconv.AppendInt(b, v.Int(), 10), '"'), nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		b = append(b, '"')
		return append(strconv.AppendUint(b, v.Uint(), 10), '"'), nil
	case protoreflect.DoubleKind:
		return appendFloat(b, v.Float(), 64), nil
	case protoreflect.FloatKind:
		return appendFloat(b, v.Float(), 32), nil
	case protoreflect.BytesKind:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes())
		return append(b, '"'), nil
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return appendString(b, string(ev.Name())), nil
		}
		return strconv.AppendInt(b, int64(v.Enum()), 10), nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return appendMessage(b, v.Message())
	}
	return nil, ErrUnsupported
}

// appendFloat writes as protojson does: NaN and ±Infinity as strings.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

func appendTime(b []byte, secs, nanos int64) ([]byte, error) {
	// protojson's range: 0001-01-01 to 9999-12-31.
	if secs < -62135596800 || secs > 253402300799 || nanos < 0 || nanos > 999999999 {
		return nil, ErrUnsupported
	}
	t := time.Unix(secs, nanos).UTC()
	b = append(b, '"')
	b = t.AppendFormat(b, "2006-01-02T15:04:05")
	if nanos != 0 { // 3, 6 or 9 digits, as protojson writes them
		frac := strconv.AppendInt(nil, nanos+1000000000, 10)[1:]
		switch {
		case nanos%1000000 == 0:
			frac = frac[:3]
		case nanos%1000 == 0:
			frac = frac[:6]
		}
		b = append(b, '.')
		b = append(b, frac...)
	}
	return append(b, 'Z', '"'), nil
}

func appendStructpb(b []byte, st *structpb.Struct) ([]byte, error) {
	keys := make([]string, 0, len(st.GetFields()))
	for k := range st.GetFields() {
		if !utf8.ValidString(k) {
			return nil, ErrUnsupported
		}
		keys = append(keys, k)
	}
	slices.Sort(keys) // as protojson: a Struct's keys sorted
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if b, err = appendValuepb(b, st.GetFields()[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendListpb(b []byte, l *structpb.ListValue) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i, v := range l.GetValues() {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendValuepb(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendValuepb(b []byte, v *structpb.Value) ([]byte, error) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_NullValue:
		return append(b, "null"...), nil
	case *structpb.Value_NumberValue:
		if math.IsNaN(k.NumberValue) || math.IsInf(k.NumberValue, 0) {
			return nil, ErrUnsupported
		}
		return strconv.AppendFloat(b, k.NumberValue, 'g', -1, 64), nil
	case *structpb.Value_StringValue:
		if !utf8.ValidString(k.StringValue) {
			return nil, ErrUnsupported
		}
		return appendString(b, k.StringValue), nil
	case *structpb.Value_BoolValue:
		return strconv.AppendBool(b, k.BoolValue), nil
	case *structpb.Value_StructValue:
		return appendStructpb(b, k.StructValue)
	case *structpb.Value_ListValue:
		return appendListpb(b, k.ListValue)
	}
	return nil, ErrUnsupported // no kind set: protojson refuses it too
}

// appendString writes s (valid UTF-8) as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hex = "0123456789abcdef"
