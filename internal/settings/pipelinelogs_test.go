package settings

import (
	"strings"
	"testing"
)

func TestPipelineLogDefaults(t *testing.T) {
	c, err := Load(flags(t, "--data-dir", "/srv/wh"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.PipelineLogs.Store != PipelineLogStoreFS || c.PipelineLogDir() != "/srv/wh/pipeline-logs" {
		t.Errorf("store %q in %q, want fs in /srv/wh/pipeline-logs", c.PipelineLogs.Store, c.PipelineLogDir())
	}
	c, err = Load(flags(t, "--pipeline-log-dir", "/logs"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.PipelineLogDir() != "/logs" {
		t.Errorf("log dir %q, want /logs", c.PipelineLogDir())
	}
}

// TestPipelineLogS3 sets the S3 store from the three sources at once: the
// secret from the environment (it has no flag), the rest from the file and
// flags.
func TestPipelineLogS3(t *testing.T) {
	file := writeFile(t, "pipelineLogStore: s3\npipelineLogS3Bucket: ci-logs\npipelineLogS3AccessKeyID: AKIA1\npipelineLogS3CAFile: /etc/ca.pem\npipelineLogS3Region: eu-west-1\n")
	c, err := Load(flags(t, "--config", file, "--pipeline-log-s3-endpoint", "s3.example.com:9000", "--pipeline-log-s3-prefix", "wh/"),
		env(map[string]string{"WHEELHOUSE_PIPELINE_LOG_S3_SECRET_ACCESS_KEY": "s3cr3t"}))
	if err != nil {
		t.Fatal(err)
	}
	want := PipelineLogsS3{Endpoint: "s3.example.com:9000", Bucket: "ci-logs", Prefix: "wh/", Region: "eu-west-1",
		AccessKeyID: "AKIA1", SecretAccessKey: "s3cr3t", CAFile: "/etc/ca.pem"}
	if c.PipelineLogs.Store != PipelineLogStoreS3 || c.PipelineLogs.S3 != want {
		t.Errorf("got %q %+v, want s3 %+v", c.PipelineLogs.Store, c.PipelineLogs.S3, want)
	}
	c, err = Load(flags(t, "--pipeline-log-store", "s3", "--pipeline-log-s3-endpoint", "127.0.0.1:9000", "--pipeline-log-s3-bucket", "logs",
		"--pipeline-log-s3-access-key-id", "a", "--pipeline-log-s3-secret-access-key-file", "/run/secrets/s3", "--pipeline-log-s3-insecure"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.PipelineLogs.S3.Insecure || c.PipelineLogs.S3.SecretAccessKeyFile != "/run/secrets/s3" {
		t.Errorf("got %+v", c.PipelineLogs.S3)
	}
	if flags(t).Lookup("pipeline-log-s3-secret-access-key") != nil {
		t.Error("the S3 secret must not be a flag (flags show in process listings)")
	}
}

func TestPipelineLogSettingsNameTheSetting(t *testing.T) {
	s3 := []string{"--pipeline-log-store", "s3", "--pipeline-log-s3-endpoint", "s3.example.com", "--pipeline-log-s3-bucket", "logs", "--pipeline-log-s3-access-key-id", "a"}
	secret := map[string]string{"WHEELHOUSE_PIPELINE_LOG_S3_SECRET_ACCESS_KEY": "s3cr3t"}
	with := func(extra ...string) []string { return append(append([]string{}, s3...), extra...) }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
	}{
		{"unknown store", []string{"--pipeline-log-store", "gcs"}, nil, "pipeline-log-store"},
		{"endpoint without s3", []string{"--pipeline-log-s3-endpoint", "s3.example.com"}, nil, "pipeline-log-s3-endpoint"},
		{"no endpoint", with("--pipeline-log-s3-endpoint", ""), secret, "pipeline-log-s3-endpoint"},
		{"endpoint with a scheme", with("--pipeline-log-s3-endpoint", "https://s3.example.com"), secret, "pipeline-log-s3-endpoint"},
		{"endpoint with a path", with("--pipeline-log-s3-endpoint", "s3.example.com/logs"), secret, "pipeline-log-s3-endpoint"},
		{"no bucket", with("--pipeline-log-s3-bucket", ""), secret, "pipeline-log-s3-bucket"},
		{"bad bucket", with("--pipeline-log-s3-bucket", "Logs_Bucket"), secret, "pipeline-log-s3-bucket"},
		{"no access key", with("--pipeline-log-s3-access-key-id", ""), secret, "pipeline-log-s3-access-key-id"},
		{"no secret", s3, nil, "pipeline-log-s3-secret-access-key"},
		{"secret twice", with("--pipeline-log-s3-secret-access-key-file", "/run/s3"), secret, "pipeline-log-s3-secret-access-key-file"},
		{"insecure with a CA", with("--pipeline-log-s3-insecure", "--pipeline-log-s3-ca-file", "/ca.pem"), secret, "pipeline-log-s3-ca-file"},
		{"insecure not a bool", with("--pipeline-log-s3-insecure=perhaps"), secret, "pipeline-log-s3-insecure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(flags(t, tt.args...), env(tt.env))
			var ce *Error
			if !asError(err, &ce) {
				t.Fatalf("want *Error, got %v", err)
			}
			if ce.Setting != tt.setting {
				t.Errorf("error names %q, want %q (%v)", ce.Setting, tt.setting, err)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}
