package logstore

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config configures an S3 store.
type S3Config struct {
	// Dir is where logs are written while their steps run (an FS store's
	// directory); a sealed log leaves it once uploaded.
	Dir string
	// Endpoint is the S3 server's host[:port], without a scheme.
	Endpoint string
	// Bucket holds the logs; it must exist.
	Bucket string
	// Prefix starts every object name (a "/" is added if it lacks one):
	// objects are PREFIX<namespace>/<execution>/<stage>-<step>.log.
	Prefix string
	// Region is the bucket's region; empty asks the server.
	Region string
	// AccessKeyID and SecretAccessKey sign every request. The secret is
	// never logged, and never part of an error.
	AccessKeyID, SecretAccessKey string
	// Insecure talks plain HTTP instead of HTTPS.
	Insecure bool
	// RootCAs are the certificate authorities trusted for HTTPS; nil means
	// the system's.
	RootCAs *x509.CertPool
	// RetryInterval is how often Run uploads again the sealed logs an
	// earlier upload failed for (default 1m).
	RetryInterval time.Duration
	// Logger tells about uploads Run retried (default: discarded).
	Logger *slog.Logger
}

// LogValue keeps the secret out of any log line that prints the config.
func (c S3Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("endpoint", c.Endpoint), slog.String("bucket", c.Bucket), slog.String("prefix", c.Prefix),
		slog.String("region", c.Region), slog.String("accessKeyID", c.AccessKeyID), slog.Bool("insecure", c.Insecure))
}

const (
	defaultRetryInterval = time.Minute
	// s3Poll bounds how often a follower waiting for a log asks S3 whether
	// it was uploaded meanwhile (by another process); the local file is
	// looked at every defaultPoll.
	s3Poll = 2 * time.Second
	// closeUploadTimeout bounds the upload a writer's Close makes (Close
	// has no context); a log it could not upload in time is retried by Run.
	closeUploadTimeout = 5 * time.Minute
	// partSize bounds what an upload holds in memory (minio-go buffers a
	// part where it cannot read the file twice).
	partSize = 16 << 20
	// maxRetries is minio-go's attempts per request: a few, so that an
	// unreachable server is reported in seconds (Run retries later anyway).
	maxRetries = 3
)

// ErrUnreachable is returned (wrapped, with the endpoint named) when the S3
// server cannot be reached. A log whose upload failed on it is kept
// locally, readable and sealed, and uploaded by Run later.
var ErrUnreachable = errors.New("S3 server unreachable")

// S3 keeps logs in an S3 bucket. A log is written to a local FS store while
// its step runs, so that following it costs nothing remote and it survives
// a restart as the FS store's logs do; once sealed (Close, or Seal) it is
// uploaded whole and its local file removed. Reads look at the local file
// first, then at the bucket (with a Range request for an offset), so a log
// is readable throughout.
//
// An upload that fails (S3 unreachable, credentials refused) is reported by
// the Close or Seal that tried it, and the log stays in the local directory,
// sealed and readable; Run uploads such logs again every RetryInterval, and
// at its start (logs sealed before a restart).
type S3 struct {
	local    *FS
	client   *minio.Client
	endpoint string
	bucket   string
	prefix   string
	accessID string
	retry    time.Duration
	logger   *slog.Logger

	// deleting is held for writing by Delete and for reading by uploads,
	// so that no upload puts an object back after Delete removed it.
	deleting sync.RWMutex
	mu       sync.Mutex
	// uploading holds the logs being uploaded: a second upload of the
	// same log (a retry during Close's) is not started.
	uploading map[Key]bool
}

// NewS3 returns an S3 store. It makes no request: an S3 server that is
// down when the server starts only delays uploads.
func NewS3(cfg S3Config) (*S3, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("S3 log store: the endpoint must be set")
	case strings.Contains(cfg.Endpoint, "://"):
		return nil, fmt.Errorf("S3 log store: endpoint %q must be host[:port], without a scheme", cfg.Endpoint)
	case cfg.Bucket == "":
		return nil, errors.New("S3 log store: the bucket must be set")
	}
	local, err := NewFS(cfg.Dir)
	if err != nil {
		return nil, err
	}
	transport, err := minio.DefaultTransport(!cfg.Insecure)
	if err != nil {
		return nil, fmt.Errorf("S3 log store: %w", err)
	}
	if cfg.RootCAs != nil && transport.TLSClientConfig != nil {
		transport.TLSClientConfig.RootCAs = cfg.RootCAs
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKeyID, cfg.SecretAccessKey, ""),
		Secure:     !cfg.Insecure,
		Transport:  transport,
		Region:     cfg.Region,
		MaxRetries: maxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 log store: endpoint %q: %w", cfg.Endpoint, err)
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = defaultRetryInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &S3{
		local: local, client: client, endpoint: cfg.Endpoint, bucket: cfg.Bucket,
		prefix: normalizePrefix(cfg.Prefix), accessID: cfg.AccessKeyID,
		retry: cfg.RetryInterval, logger: cfg.Logger, uploading: map[Key]bool{},
	}, nil
}

// normalizePrefix makes prefix a "directory" of the bucket: no leading
// slash, one trailing slash (or empty).
func normalizePrefix(prefix string) string {
	prefix = strings.TrimLeft(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix
}

func (s *S3) executionPrefix(namespace, execution string) string {
	return s.prefix + namespace + "/" + execution + "/"
}

func (s *S3) objectName(key Key) string {
	return s.executionPrefix(key.Namespace, key.Execution) + stepName(key) + logSuffix
}

// Create starts the log of key in the local directory; its Close seals it
// and uploads it.
func (s *S3) Create(ctx context.Context, key Key) (io.WriteCloser, error) {
	w, err := s.local.Create(ctx, key)
	if err != nil {
		return nil, err
	}
	return &s3Writer{WriteCloser: w, store: s, key: key}, nil
}

// s3Writer uploads its log when closed.
type s3Writer struct {
	io.WriteCloser
	store *S3
	key   Key
}

// Close seals the log and uploads it. When the upload fails the log is
// sealed and kept locally (readable, followers end) and the error says so;
// Run uploads it later.
func (w *s3Writer) Close() error {
	if err := w.WriteCloser.Close(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeUploadTimeout)
	defer cancel()
	return w.store.upload(ctx, w.key)
}

// Open reads the log of key from offset: the local file while there is
// one, else the uploaded object (an offset past its end reads nothing).
func (s *S3) Open(ctx context.Context, key Key, offset int64) (io.ReadCloser, error) {
	rc, err := s.local.Open(ctx, key, offset)
	if !errors.Is(err, ErrNotFound) {
		return rc, err
	}
	return s.openObject(ctx, key, offset)
}

// openObject reads the uploaded log of key from offset, with a Range
// request. Uploads finish before the local file is removed, so a log that
// is absent locally is either in the bucket or was never written.
func (s *S3) openObject(ctx context.Context, key Key, offset int64) (io.ReadCloser, error) {
	var opts minio.GetObjectOptions
	if offset > 0 {
		if err := opts.SetRange(offset, 0); err != nil {
			return nil, err
		}
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.objectName(key), opts)
	if err != nil {
		return nil, s.describe(err, "read log "+keyName(key))
	}
	// GetObject sends nothing until asked; Stat sends the request, so that
	// a missing log or an unreachable server is told here.
	if _, err = obj.Stat(); err == nil {
		return obj, nil
	}
	_ = obj.Close()
	switch resp := minio.ToErrorResponse(err); {
	case resp.Code == minio.NoSuchKey:
		return nil, fmt.Errorf("log %s: %w", keyName(key), ErrNotFound)
	// An offset at or past the end. Servers answer 416 with or without
	// the InvalidRange body (versitygw sends none).
	case resp.Code == minio.InvalidRange || resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return io.NopCloser(strings.NewReader("")), nil
	default:
		return nil, s.describe(err, "read log "+keyName(key))
	}
}

// Follow follows the log of key as the FS store does while it is written
// locally; once uploaded it sends the rest from the bucket and returns nil.
// A follower waiting for a log that is not created yet also asks the
// bucket, every few seconds, in case another process wrote and uploaded it.
func (s *S3) Follow(ctx context.Context, key Key, offset int64, send func([]byte) error) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := validateOffset(offset); err != nil {
		return err
	}
	var asked time.Time
	elsewhere := func(ctx context.Context, pos int64, send func([]byte) error, gone bool) (bool, error) {
		if !gone && !asked.IsZero() && time.Since(asked) < s3Poll {
			return false, nil
		}
		asked = time.Now()
		rc, err := s.openObject(ctx, key, pos)
		if errors.Is(err, ErrNotFound) {
			if gone { // removed locally, yet not uploaded: deleted
				return true, fmt.Errorf("log %s was deleted: %w", keyName(key), ErrNotFound)
			}
			return false, nil
		}
		if err != nil {
			return true, err
		}
		defer rc.Close()
		if err := sendAll(rc, send); err != nil {
			return true, fmt.Errorf("read log %s: %w", keyName(key), err)
		}
		return true, nil
	}
	return s.local.follow(ctx, key, offset, send, elsewhere)
}

// sendAll sends r's bytes in chunks of at most chunkSize.
func sendAll(r io.Reader, send func([]byte) error) error {
	buf := make([]byte, chunkSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if err := send(buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Seal seals the execution's logs as the FS store does, then uploads every
// sealed log of the execution still held locally. The logs are sealed (and
// their followers end) even when an upload fails; the error names it.
func (s *S3) Seal(ctx context.Context, namespace, execution, line string) error {
	if err := validateExecution(namespace, execution); err != nil {
		return err
	}
	sealErr := s.local.Seal(ctx, namespace, execution, line)
	return errors.Join(sealErr, s.uploadExecution(ctx, namespace, execution))
}

// Delete removes the execution's logs from the local directory and from
// the bucket. It waits for uploads in progress, so none of them puts a log
// back afterwards. When the bucket cannot be reached the local logs are
// gone already and the error says why the objects are not; calling Delete
// again finishes the job.
func (s *S3) Delete(ctx context.Context, namespace, execution string) error {
	if err := validateExecution(namespace, execution); err != nil {
		return err
	}
	s.deleting.Lock()
	defer s.deleting.Unlock()
	if err := s.local.Delete(ctx, namespace, execution); err != nil {
		return err
	}
	doing := fmt.Sprintf("delete logs of %s/%s", namespace, execution)
	// The names are listed first, then removed: an execution has a log per
	// step, a short list, and listing to the end before removing keeps the
	// two requests' goroutines apart.
	listCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var objects []minio.ObjectInfo
	for obj := range s.client.ListObjects(listCtx, s.bucket, minio.ListObjectsOptions{Prefix: s.executionPrefix(namespace, execution), Recursive: true}) {
		if obj.Err != nil {
			return s.describe(obj.Err, doing)
		}
		objects = append(objects, obj)
	}
	names := make(chan minio.ObjectInfo, len(objects))
	for _, obj := range objects {
		names <- obj
	}
	close(names)
	var errs []error
	for rerr := range s.client.RemoveObjects(ctx, s.bucket, names, minio.RemoveObjectsOptions{}) {
		errs = append(errs, fmt.Errorf("%s: %w", rerr.ObjectName, rerr.Err))
	}
	if err := errors.Join(errs...); err != nil {
		return s.describe(err, doing)
	}
	return nil
}
