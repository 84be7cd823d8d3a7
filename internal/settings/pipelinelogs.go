package settings

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// PipelineLogs are the settings of the pipeline log store
// (internal/logstore): where the logs of pipeline steps are kept.
type PipelineLogs struct {
	// Store is fs (files under Dir) or s3 (files under Dir while a step
	// runs, then objects in an S3 bucket).
	Store string
	// Dir holds the logs (fs) or the logs being written (s3); empty means
	// DATA-DIR/pipeline-logs. See Config.PipelineLogDir.
	Dir string
	// S3 is the bucket of the s3 store.
	S3 PipelineLogsS3
}

// PipelineLogsS3 is where the s3 log store keeps sealed logs.
type PipelineLogsS3 struct {
	// Endpoint is the S3 server's host[:port], without a scheme.
	Endpoint string
	Bucket   string
	// Prefix starts every object name.
	Prefix string
	// Region is the bucket's region; empty asks the server.
	Region      string
	AccessKeyID string
	// SecretAccessKey, or the file SecretAccessKeyFile holds it (a mounted
	// Kubernetes Secret); exactly one of the two is set.
	SecretAccessKey     string
	SecretAccessKeyFile string
	// Insecure talks plain HTTP.
	Insecure bool
	// CAFile is a PEM bundle of the authorities trusted for HTTPS, added to
	// the system's.
	CAFile string
}

// Log store kinds.
const (
	PipelineLogStoreFS = "fs"
	PipelineLogStoreS3 = "s3"
)

// PipelineLogDir is where the log store writes, defaulting under the data
// directory.
func (c *Config) PipelineLogDir() string {
	if c.PipelineLogs.Dir != "" {
		return c.PipelineLogs.Dir
	}
	return filepath.Join(c.DataDir, "pipeline-logs")
}

// pipelineLogSettings are declared apart from the rest of the table, as
// one concern; they come last in the documentation.
var pipelineLogSettings = []Setting{
	{Name: "pipeline-log-store", Scope: Serve, Usage: "where pipeline step logs are kept: fs (files under pipeline-log-dir) or s3 (files while a step runs, then uploaded to the bucket below when the log is sealed)", def: constant(PipelineLogStoreFS),
		set: func(c *Config, v string) error { c.PipelineLogs.Store = v; return nil }},
	{Name: "pipeline-log-dir", Scope: Serve, Usage: "directory of pipeline step logs (with s3: of the logs being written and of those not uploaded yet) (default DATA-DIR/pipeline-logs)", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.Dir = v; return nil }},
	{Name: "pipeline-log-s3-endpoint", Scope: Serve, Usage: "S3 server of the s3 log store, host[:port] without a scheme (s3.amazonaws.com, minio.example.com:9000)", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.Endpoint = v; return nil }},
	{Name: "pipeline-log-s3-bucket", Scope: Serve, Usage: "bucket of the s3 log store; it must exist", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.Bucket = v; return nil }},
	{Name: "pipeline-log-s3-prefix", Scope: Serve, Usage: "start of every log's object name, a folder of the bucket: PREFIX/NAMESPACE/EXECUTION/STAGE-STEP.log (empty: none)", def: constant("pipeline-logs"),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.Prefix = v; return nil }},
	{Name: "pipeline-log-s3-region", Scope: Serve, Usage: "region of the bucket (default: asked of the server)", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.Region = v; return nil }},
	{Name: "pipeline-log-s3-access-key-id", Scope: Serve, Usage: "access key id the s3 log store signs with", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.AccessKeyID = v; return nil }},
	{Name: "pipeline-log-s3-secret-access-key", Scope: Serve, Secret: true, Usage: "secret access key of pipeline-log-s3-access-key-id (or use pipeline-log-s3-secret-access-key-file)", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.SecretAccessKey = v; return nil }},
	{Name: "pipeline-log-s3-secret-access-key-file", Scope: Serve, Usage: "file holding the secret access key (a mounted Kubernetes Secret), read at start", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.SecretAccessKeyFile = v; return nil }},
	{Name: "pipeline-log-s3-insecure", Scope: Serve, Bool: true, Usage: "talk plain HTTP to the S3 server instead of HTTPS", def: constant("false"),
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.PipelineLogs.S3.Insecure = b
			return nil
		}},
	{Name: "pipeline-log-s3-ca-file", Scope: Serve, Usage: "PEM certificates of the authorities trusted for the S3 server's HTTPS, besides the system's", def: constant(""),
		set: func(c *Config, v string) error { c.PipelineLogs.S3.CAFile = v; return nil }},
}

// bucketName is S3's rule for bucket names (lower case, digits, dots and
// dashes, 3 to 63 characters, a letter or digit at each end).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// validatePipelineLogs checks the log store's settings; the S3 ones only
// matter, and are only required, with the s3 store.
func (c *Config) validatePipelineLogs() error {
	p := c.PipelineLogs
	switch p.Store {
	case PipelineLogStoreFS:
		if p.S3.Endpoint != "" {
			return &Error{Setting: "pipeline-log-s3-endpoint", Reason: "is set, but pipeline-log-store is fs: set pipeline-log-store to s3 to use it"}
		}
		return nil
	case PipelineLogStoreS3:
	default:
		return &Error{Setting: "pipeline-log-store", Reason: fmt.Sprintf("%q is not one of fs, s3", p.Store)}
	}
	s3 := p.S3
	switch {
	case s3.Endpoint == "":
		return &Error{Setting: "pipeline-log-s3-endpoint", Reason: "must be set with pipeline-log-store s3"}
	case strings.Contains(s3.Endpoint, "://"):
		return &Error{Setting: "pipeline-log-s3-endpoint", Reason: fmt.Sprintf("%q must be host[:port], without a scheme (pipeline-log-s3-insecure chooses plain HTTP)", s3.Endpoint)}
	case strings.ContainsAny(s3.Endpoint, "/?# "):
		return &Error{Setting: "pipeline-log-s3-endpoint", Reason: fmt.Sprintf("%q must be host[:port], without a path", s3.Endpoint)}
	case s3.Bucket == "":
		return &Error{Setting: "pipeline-log-s3-bucket", Reason: "must be set with pipeline-log-store s3"}
	case !bucketName.MatchString(s3.Bucket) || strings.Contains(s3.Bucket, ".."):
		return &Error{Setting: "pipeline-log-s3-bucket", Reason: fmt.Sprintf("%q is not a valid bucket name", s3.Bucket)}
	case s3.AccessKeyID == "":
		return &Error{Setting: "pipeline-log-s3-access-key-id", Reason: "must be set with pipeline-log-store s3"}
	case s3.SecretAccessKey == "" && s3.SecretAccessKeyFile == "":
		return &Error{Setting: "pipeline-log-s3-secret-access-key", Reason: "must be set (WHEELHOUSE_PIPELINE_LOG_S3_SECRET_ACCESS_KEY or the configuration file), or pipeline-log-s3-secret-access-key-file"}
	case s3.SecretAccessKey != "" && s3.SecretAccessKeyFile != "":
		return &Error{Setting: "pipeline-log-s3-secret-access-key-file", Reason: "cannot be combined with pipeline-log-s3-secret-access-key"}
	case s3.Insecure && s3.CAFile != "":
		return &Error{Setting: "pipeline-log-s3-ca-file", Reason: "cannot be combined with pipeline-log-s3-insecure (plain HTTP has no certificates)"}
	}
	return nil
}
