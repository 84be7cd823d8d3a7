package store

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseDSN(t *testing.T) {
	for _, tc := range []struct {
		name, dsn string
		dialect   string
		where     string
		mysql     string // the go-sql-driver DSN, for mysql
		wantErr   string
	}{
		{name: "sqlite absolute", dsn: "sqlite:///var/lib/wh/wheelhouse.db", dialect: DialectSQLite, where: "/var/lib/wh/wheelhouse.db"},
		{name: "sqlite relative", dsn: "sqlite://data/wh.db", dialect: DialectSQLite, where: "data/wh.db"},
		{name: "sqlite full sync", dsn: "sqlite:///x.db?synchronous=full", dialect: DialectSQLite, where: "/x.db"},
		{name: "sqlite unknown param", dsn: "sqlite:///x.db?cache=shared", wantErr: "unknown parameter"},
		{name: "sqlite empty", dsn: "sqlite://", wantErr: "no path"},
		{name: "postgres", dsn: "postgres://wh:pw@db.example:6543/wh?sslmode=disable", dialect: DialectPostgres, where: "db.example:6543"},
		{name: "postgresql default port", dsn: "postgresql://wh@10.0.0.1/wh", dialect: DialectPostgres, where: "10.0.0.1:5432"},
		{name: "postgres socket", dsn: "postgres:///wh?host=/run/postgresql", dialect: DialectPostgres, where: "/run/postgresql"},
		{
			name: "mysql", dsn: "mysql://wh:p%40ss@127.0.0.1:3307/wheelhouse?tls=false", dialect: DialectMySQL, where: "127.0.0.1:3307",
			mysql: "wh:p@ss@tcp(127.0.0.1:3307)/wheelhouse?clientFoundRows=true&collation=utf8mb4_bin&parseTime=true&timeout=10s&tls=false",
		},
		{
			name: "mysql keeps charset", dsn: "mysql://wh:pw@db:3306/wh?charset=utf8mb4", dialect: DialectMySQL, where: "db:3306",
			mysql: "wh:pw@tcp(db:3306)/wh?clientFoundRows=true&parseTime=true&timeout=10s&charset=utf8mb4",
		},
		{name: "mysql no db", dsn: "mysql://wh:pw@db:3306/", wantErr: "must name one database"},
		{name: "mysql bad param", dsn: "mysql://wh:pw@db:3306/wh?timeout=never", wantErr: "invalid parameters"},
		{name: "no scheme", dsn: "/var/lib/wh.db", wantErr: "must start with sqlite://"},
		{name: "unknown scheme", dsn: "mongodb://x", wantErr: "unsupported database scheme"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDSN(tc.dsn, DefaultConnectTimeout)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "pw") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.dialect != tc.dialect || d.where != tc.where {
				t.Fatalf("dialect %q where %q, want %q %q", d.dialect, d.where, tc.dialect, tc.where)
			}
			if tc.mysql != "" {
				if got := d.mysql.FormatDSN(); got != tc.mysql {
					t.Fatalf("mysql DSN\n got %s\nwant %s", got, tc.mysql)
				}
			}
		})
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestOpenUnreachable(t *testing.T) {
	port := closedPort(t)
	const password = "s3cr3t-Pa55"
	for _, tc := range []struct {
		dsn, want string
	}{
		{fmt.Sprintf("postgres://wh:%s@127.0.0.1:%d/wh?sslmode=disable", password, port), fmt.Sprintf("connect to postgres at 127.0.0.1:%d: connection refused", port)},
		{fmt.Sprintf("mysql://wh:%s@127.0.0.1:%d/wh", password, port), fmt.Sprintf("connect to mysql at 127.0.0.1:%d: connection refused", port)},
	} {
		t.Run(tc.want, func(t *testing.T) {
			s, err := Open(t.Context(), tc.dsn, Options{ConnectTimeout: 5 * time.Second})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if err.Error() != tc.want {
				t.Fatalf("err = %q, want %q", err, tc.want)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Fatalf("err does not wrap ECONNREFUSED: %v", err)
			}
			var ce *ConnectError
			if !errors.As(err, &ce) {
				t.Fatalf("err is %T, want *ConnectError", err)
			}
		})
	}
}

// TestOpenWrongPassword checks that a server refusing the credentials gives
// a one-line error without the password (on servers that check passwords).
func TestOpenWrongPassword(t *testing.T) {
	admin := os.Getenv(envMySQLDSN)
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set", envMySQLDSN)
		}
		return
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	const password = "definitely-Wrong-pw"
	u.User = url.UserPassword(u.User.Username(), password)
	_, err = Open(t.Context(), u.String(), Options{})
	if err == nil {
		t.Fatal("Open with a wrong password succeeded")
	}
	want := fmt.Sprintf("connect to mysql at %s: Access denied for user", u.Host)
	if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %q, want a line starting %q without the password", err, want)
	}
}

func TestSQLiteSettings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s := openStore(t, "sqlite://"+filepath.Join(dir, "wh.db"))
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Fatalf("database directory mode %04o, want 0700", info.Mode().Perm())
	}
	if s.Dialect() != DialectSQLite {
		t.Fatalf("Dialect = %q", s.Dialect())
	}
	// Every pooled connection must carry the settings: check several at once.
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 4 {
		conn, err := s.sqlDB.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"busy_timeout", "5000"},
			{"foreign_keys", "1"},
			{"synchronous", "1"},
		} {
			var got string
			if err := conn.QueryRowContext(t.Context(), "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != p.want {
				t.Errorf("PRAGMA %s = %s, want %s", p.pragma, got, p.want)
			}
		}
	}
	full := openStore(t, "sqlite://"+filepath.Join(dir, "full.db")+"?synchronous=FULL")
	var sync string
	if err := full.DB().Raw("PRAGMA synchronous").Scan(&sync).Error; err != nil || sync != "2" {
		t.Fatalf("synchronous=FULL gives PRAGMA synchronous %q, %v", sync, err)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestLoggerHidesParameters checks that logged SQL keeps its placeholders
// and never shows parameter values.
func TestLoggerHidesParameters(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "wh.db"), Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const secret = "PARAM-SECRET-VALUE"
	err = s.DB().Exec("INSERT INTO no_such_table (v) VALUES (?)", secret).Error
	if err == nil {
		t.Fatal("insert into a missing table succeeded")
	}
	out := buf.String()
	if !strings.Contains(out, "no_such_table") || !strings.Contains(out, "?") {
		t.Fatalf("failed statement not logged with its placeholder:\n%s", out)
	}
	if strings.Contains(out, secret) {
		t.Fatalf("log shows a parameter value:\n%s", out)
	}
}

func TestStoreBasics(t *testing.T) {
	eachDatabase(t, false, func(t *testing.T, s *Store, dsn string) {
		want, _, _ := strings.Cut(dsn, "://")
		if want == "postgresql" {
			want = DialectPostgres
		}
		if s.Dialect() != want {
			t.Fatalf("Dialect = %q, want %q", s.Dialect(), want)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		if u, err := url.Parse(dsn); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok && strings.Contains(s.Where(), pw) {
				t.Fatalf("Where shows the password: %s", s.Where())
			}
		}
		if s.Where() == "" {
			t.Fatal("Where is empty")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(t.Context()); err == nil {
			t.Fatal("Ping after Close succeeded")
		}
	})
}
