package store

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Dialect names returned by (*Store).Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
	DialectMySQL    = "mysql"
)

// dsn is a parsed database DSN. Its secret-bearing fields are never put in
// an error or a log line; where is the part that is safe to show.
type dsn struct {
	dialect string
	// where is "HOST:PORT" for servers and the file path for SQLite.
	where string
	// password is kept only to scrub it from driver errors.
	password string
	// sqlitePath and sqliteSync are set for SQLite.
	sqlitePath string
	sqliteSync string
	// postgres is the DSN handed to pgx.
	postgres string
	// mysql is the go-sql-driver configuration.
	mysql *mysql.Config
}

// parseDSN understands sqlite://PATH, postgres:// (or postgresql://) URLs
// as libpq takes them, and mysql://USER:PASS@HOST:PORT/DB?PARAMS. Its
// errors never contain the DSN.
func parseDSN(s string, connectTimeout time.Duration) (*dsn, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return nil, errors.New("database DSN must start with sqlite://, postgres:// or mysql://")
	}
	switch scheme {
	case "sqlite":
		return parseSQLiteDSN(rest)
	case "postgres", "postgresql":
		return parsePostgresDSN(s)
	case "mysql":
		return parseMySQLDSN(s, connectTimeout)
	default:
		return nil, fmt.Errorf("unsupported database scheme %q (want sqlite, postgres or mysql)", scheme)
	}
}

// parseSQLiteDSN takes PATH[?synchronous=NORMAL|FULL]. The only parameter
// lets an operator who wants power-loss durability ask for FULL.
func parseSQLiteDSN(rest string) (*dsn, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, errors.New("sqlite DSN has no path: want sqlite://PATH")
	}
	d := &dsn{dialect: DialectSQLite, where: path, sqlitePath: path, sqliteSync: "NORMAL"}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return nil, errors.New("sqlite DSN has an invalid query string")
		}
		for k, v := range q {
			if k != "synchronous" {
				return nil, fmt.Errorf("sqlite DSN: unknown parameter %q (only synchronous is accepted)", k)
			}
			switch sync := strings.ToUpper(v[len(v)-1]); sync {
			case "NORMAL", "FULL", "EXTRA":
				d.sqliteSync = sync
			default:
				return nil, fmt.Errorf("sqlite DSN: synchronous=%q is not NORMAL, FULL or EXTRA", v[len(v)-1])
			}
		}
	}
	return d, nil
}

// sqliteDriverDSN is the glebarez/go-sqlite DSN: WAL journal, a 5 s busy
// timeout, foreign keys on, and transactions that take the write lock when
// they begin (so a read-then-write transaction never fails with
// SQLITE_BUSY half way, and migrations hold the write lock throughout).
func (d *dsn) sqliteDriverDSN() string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+d.sqliteSync+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return d.sqlitePath + "?" + q.Encode()
}

// prepareSQLiteFile creates the database file's parent directory (mode
// 0700) and the file itself (mode 0600) if they are missing, and takes
// group and other permissions away from an existing file and its -wal and
// -shm companions. The database holds password hashes and sealed
// credentials; SQLite would create it 0644 under the usual umask and
// gives the companions the database file's mode.
func (d *dsn) prepareSQLiteFile() error {
	if strings.Contains(d.sqlitePath, "?") {
		return errors.New("sqlite path must not contain '?'")
	}
	dir := filepath.Dir(d.sqlitePath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(d.sqlitePath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	for _, p := range []string{d.sqlitePath, d.sqlitePath + "-wal", d.sqlitePath + "-shm"} {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check database file: %w", err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, info.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("restrict database file %s to its owner: %w", p, err)
			}
		}
	}
	return nil
}

func parsePostgresDSN(s string) (*dsn, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole DSN, password included: drop it.
		return nil, errors.New("postgres DSN is not a valid URL")
	}
	d := &dsn{dialect: DialectPostgres, postgres: s}
	d.password, _ = u.User.Password()
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = u.Query().Get("host")
	}
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = u.Query().Get("port")
	}
	if port == "" {
		port = "5432"
	}
	if strings.HasPrefix(host, "/") {
		d.where = host
	} else {
		d.where = net.JoinHostPort(host, port)
	}
	return d, nil
}

// parseMySQLDSN translates mysql://USER:PASS@HOST:PORT/DB?PARAMS into the
// go-sql-driver configuration USER:PASS@tcp(HOST:PORT)/DB?PARAMS with
// parseTime=true, loc=UTC, the utf8mb4 character set (unless PARAMS chose
// a charset or collation),
// clientFoundRows (so an UPDATE that changes nothing still counts the row it
// matched) and a dial timeout.
func parseMySQLDSN(s string, connectTimeout time.Duration) (*dsn, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("mysql DSN is not a valid URL")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, errors.New("mysql DSN has no host: want mysql://USER:PASS@HOST:PORT/DB")
	}
	if port == "" {
		port = "3306"
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, errors.New("mysql DSN must name one database: mysql://USER:PASS@HOST:PORT/DB")
	}
	addr := net.JoinHostPort(host, port)
	// Let the driver parse the parameters (it knows them all), with no
	// credentials in the string it may echo in an error.
	cfg, err := mysql.ParseDSN("tcp(" + addr + ")/" + db + "?" + u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("mysql DSN has invalid parameters: %v", err)
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	if cfg.Timeout == 0 {
		cfg.Timeout = connectTimeout
	}
	q := u.Query()
	if q.Get("charset") == "" && q.Get("collation") == "" {
		// The handshake collation makes the connection utf8mb4 without the
		// extra round trip of a charset=utf8mb4 SET NAMES.
		cfg.Collation = "utf8mb4_bin"
	}
	return &dsn{dialect: DialectMySQL, where: addr, password: cfg.Passwd, mysql: cfg}, nil
}

// scrub removes the DSN's password, plain and URL-encoded, from a message.
func (d *dsn) scrub(msg string) string {
	if d.password == "" {
		return msg
	}
	for _, p := range []string{d.password, url.QueryEscape(d.password), url.PathEscape(d.password)} {
		if p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}
