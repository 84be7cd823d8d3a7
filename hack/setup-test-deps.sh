#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, so that `make test`
# works on a fresh machine. `make test` and .ci/run call it; it is safe to
# run again, and quick (no package manager call) when everything is there.
#
# Where it cannot install (not root, or no apt-get) it prints the one
# command to run and fails. Set WHEELHOUSE_SKIP_TEST_DEPS=1 to skip it
# entirely (a machine that provides these programs some other way).
#
# Each package, and the program the tests look for to know it is there:
#   postgresql       /usr/lib/postgresql/*/bin/initdb  store suite (hack/testdb.sh)
#   mariadb-server   mariadbd, mariadb-install-db       store suite (hack/testdb.sh)
#   chromium         chromium                           the console's browser tests
#   git              git                                pipeline tests (git over HTTP)
#   docker-registry  docker-registry                    registry tests (Docker Registry v2)
#   apache2-utils    htpasswd                           registry tests (htpasswd auth)
#   buildah          buildah                            pipeline tests (image builds)
#   podman           podman                             pipeline tests (running steps)
#   runc             runc                               podman's runtime (crun fails here)
#   busybox-static   /bin/busybox                       pipeline tests (a base image that runs RUN lines and scripts)
#   gcc              gcc                                make tools: Gitea's build (cgo, SQLite) for internal/forge
# web/ installs its own npm packages (npm ci); nothing npm-side here.
set -euo pipefail

log() { echo "setup-test-deps: $*" >&2; }

# has_program succeeds when the program is on PATH or in the sbin
# directories, which an ordinary user's PATH often lacks.
has_program() {
	command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" || -x "/usr/local/sbin/$1" || -x "/sbin/$1" ]]
}

# present succeeds when the tests will find what package $1 provides.
present() {
	case "$1" in
	postgresql) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ;;
	mariadb-server) has_program mariadbd && has_program mariadb-install-db ;;
	apache2-utils) has_program htpasswd ;;
	fonts-noto-cjk) compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK-*' >/dev/null ;;
	busybox-static) [[ -x /bin/busybox ]] ;;
	*) has_program "$1" ;;
	esac
}

# fonts-noto-cjk: the console's screenshots in Chinese show characters, not boxes.
PACKAGES=(postgresql mariadb-server chromium fonts-noto-cjk git docker-registry apache2-utils buildah podman runc busybox-static gcc)

if [[ -n "${WHEELHOUSE_SKIP_TEST_DEPS:-}" ]]; then
	exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	present "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
	log "missing: ${missing[*]} (Debian package names), and there is no apt-get to install them with"
	log "install them with your package manager; on Debian or Ubuntu: sudo $install_cmd"
	exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
	log "missing: ${missing[*]}; installing needs root. Run:"
	echo "  sudo apt-get update && sudo $install_cmd" >&2
	exit 1
fi

log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt or dpkg run (an engineer's, unattended-upgrades)
# rather than failing on its lock.
apt=(apt-get -q -o DPkg::Lock::Timeout=600)
"${apt[@]}" update >&2
"${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null >&2

# Debian's postinst starts the database servers it has just installed on
# the default ports. The tests start their own on free ports
# (hack/testdb.sh); stop the packaged ones this run started, so that they
# neither hold memory nor clash with anything. Servers that were installed
# before are left alone: they may be the developer's own.
for pkg in "${missing[@]}"; do
	case "$pkg" in
	postgresql)
		pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _ status _; do
			if [[ "$status" == online* ]]; then
				pg_ctlcluster "$version" "$cluster" stop || true
			fi
		done
		;;
	mariadb-server)
		if [[ -f /run/mysqld/mysqld.pid ]] && kill -0 "$(cat /run/mysqld/mysqld.pid)" 2>/dev/null; then
			service mariadb stop >&2 || true
		fi
		;;
	esac
done

still=()
for pkg in "${missing[@]}"; do
	present "$pkg" || still+=("$pkg")
done
if ((${#still[@]} > 0)); then
	log "installed, yet still not found: ${still[*]}"
	exit 1
fi
log "installed ${missing[*]}"
