package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/status"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	"plinth/gateway/internal/contract"
)

// One error envelope for every failure, whoever detected it (docs/ERRORS.md).
type errorBody struct {
	Success bool      `json:"success"`
	Error   errorInfo `json:"error"`
}

type errorInfo struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Details   []fieldIssue `json:"details"`
	RequestID string       `json:"request_id"`
}

type fieldIssue struct {
	Field string `json:"field"`
	Issue string `json:"issue"`
}

func writeError(w http.ResponseWriter, r *http.Request, httpStatus int, code, message string, details []fieldIssue) {
	if details == nil {
		details = []fieldIssue{}
	}
	body, _ := json.Marshal(errorBody{Error: errorInfo{
		Code: code, Message: message, Details: details, RequestID: requestIDOf(r),
	}})
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Del("Grpc-Metadata-Content-Type")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(body)
}

// grpcErrorHandler is runtime.WithErrorHandler: backend and transcoding errors.
func (g *Gateway) grpcErrorHandler(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, r, http.StatusRequestEntityTooLarge, contract.PayloadTooLarge, "request body too large", nil)
		return
	}
	st := status.Convert(err)
	code := ""
	var details []fieldIssue
	for _, d := range st.Details() {
		if detail, ok := d.(*plinthv1.ErrorDetail); ok {
			code = detail.GetCode()
			for _, v := range detail.GetFieldViolations() {
				details = append(details, fieldIssue{Field: v.GetField(), Issue: v.GetIssue()})
			}
		}
	}
	message := st.Message()
	fromBackend := code != ""
	if !fromBackend {
		code = contract.Bare(st.Code())
		switch code {
		case contract.ValidationError:
			// Raised by the transcoder: malformed JSON, unknown field, bad
			// query parameter or path segment.
			details = []fieldIssue{transcoderIssue(message)}
			message = "invalid request: " + details[0].Field + ": " + details[0].Issue
		case contract.NotImplemented:
			message = "this endpoint is not available yet"
		case contract.Unavailable:
			message = "a backend service is unavailable"
		case contract.DeadlineExceeded:
			message = "the backend did not answer in time"
		case contract.Internal:
			message = "internal error"
		}
	}
	httpStatus := http.StatusInternalServerError
	if c, ok := contract.Lookup(code); ok {
		httpStatus = c.Status
	}
	if httpStatus >= 500 {
		g.logger.WarnContext(r.Context(), "request failed", "code", code, "grpc_code", st.Code().String(), "error", st.Message(), "path", r.URL.Path)
	}
	writeError(w, r, httpStatus, code, message, details)
}

var (
	unknownFieldRe = regexp.MustCompile(`unknown field "([^"]+)"`)
	queryParamRe   = regexp.MustCompile(`parsing field "([^"]+)"`)
	pathParamRe    = regexp.MustCompile(`type mismatch, parameter: ([A-Za-z0-9_.]+)`)
	lineColRe      = regexp.MustCompile(`^\(line \d+:\d+\): `)
)

// transcoderIssue turns protojson/runtime errors into a field and an issue
// without Go type names.
func transcoderIssue(m string) fieldIssue {
	m = strings.TrimPrefix(m, "proto: ")
	if g := unknownFieldRe.FindStringSubmatch(m); g != nil {
		return fieldIssue{Field: g[1], Issue: "unknown field"}
	}
	if g := queryParamRe.FindStringSubmatch(m); g != nil {
		return fieldIssue{Field: g[1], Issue: "invalid value"}
	}
	if g := pathParamRe.FindStringSubmatch(m); g != nil {
		return fieldIssue{Field: g[1], Issue: "invalid value"}
	}
	m = lineColRe.ReplaceAllString(m, "")
	if len(m) > 200 {
		m = m[:200]
	}
	return fieldIssue{Field: "body", Issue: "malformed JSON: " + m}
}

// routingErrorHandler: unknown route → 404, wrong method → 405 (never 501).
func routingErrorHandler(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		writeError(w, r, http.StatusMethodNotAllowed, contract.MethodNotAllowed, "method not allowed on this route", nil)
	case http.StatusBadRequest:
		writeError(w, r, http.StatusBadRequest, contract.ValidationError, "malformed request path", nil)
	default:
		writeError(w, r, http.StatusNotFound, contract.NotFound, "route not found", nil)
	}
}
