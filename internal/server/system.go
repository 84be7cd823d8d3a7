package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/version"
)

// readyTimeout bounds the database ping of /readyz.
const readyTimeout = 2 * time.Second

// Health is the body of the health endpoints.
type Health struct {
	Status string `json:"status" example:"ok"`
}

// HealthOutput is the response of the health endpoints.
type HealthOutput struct {
	Body Health
}

// VersionOutput is the response of GET /api/v1/version.
type VersionOutput struct {
	Body version.Info
}

var systemTags = []string{"System"}

func registerSystem(api huma.API, s *Server) {
	huma.Register(api, operation.Public(http.MethodGet, "/healthz", "healthz",
		"Liveness: the process answers", systemTags),
		func(context.Context, *struct{}) (*HealthOutput, error) {
			return &HealthOutput{Body: Health{Status: "ok"}}, nil
		})

	ready := operation.Public(http.MethodGet, "/readyz", "readyz",
		"Readiness: the database answers", systemTags)
	ready.Errors = []int{http.StatusServiceUnavailable}
	huma.Register(api, ready, func(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
		pctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		if err := s.cfg.Store.Ping(pctx); err != nil {
			s.cfg.Logger.Warn("Readiness check failed", "error", err)
			return nil, huma.Error503ServiceUnavailable("database unreachable")
		}
		return &HealthOutput{Body: Health{Status: "ok"}}, nil
	})

	huma.Register(api, operation.Public(http.MethodGet, "/api/v1/version", "get-version",
		"Version of the server", systemTags),
		func(context.Context, *struct{}) (*VersionOutput, error) {
			return &VersionOutput{Body: version.Get()}, nil
		})

	metricsOp := operation.Public(http.MethodGet, "/metrics", "metrics",
		"Prometheus metrics in the text exposition format", systemTags)
	metricsOp.Responses = map[string]*huma.Response{"200": {
		Description: "Metrics",
		Content:     map[string]*huma.MediaType{"text/plain; version=0.0.4": {}},
	}}
	// The controllers the server hosts (controller-runtime's reconcile,
	// work queue and client metrics, labelled by controller and cluster)
	// register on controller-runtime's registry: it is served here too.
	metricsHandler := promhttp.HandlerFor(prometheus.Gatherers{s.metrics.registry, ctrlmetrics.Registry}, promhttp.HandlerOpts{})
	huma.Register(api, metricsOp, func(context.Context, *struct{}) (*huma.StreamResponse, error) {
		return &huma.StreamResponse{Body: func(ctx huma.Context) {
			r, w := humago.Unwrap(ctx)
			metricsHandler.ServeHTTP(w, r)
		}}, nil
	})

	docsOp := operation.Public(http.MethodGet, "/docs", "docs",
		"API reference page (HTML, works offline)", systemTags)
	docsOp.Responses = map[string]*huma.Response{"200": {
		Description: "The reference page",
		Content:     map[string]*huma.MediaType{"text/html": {}},
	}}
	huma.Register(api, docsOp, func(context.Context, *struct{}) (*huma.StreamResponse, error) {
		return &huma.StreamResponse{Body: func(ctx huma.Context) {
			ctx.SetHeader("Content-Type", "text/html; charset=utf-8")
			ctx.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
			if err := renderDocs(ctx.BodyWriter(), api.OpenAPI()); err != nil {
				s.cfg.Logger.Error("Render API reference failed", "error", err)
			}
		}}, nil
	})
}
