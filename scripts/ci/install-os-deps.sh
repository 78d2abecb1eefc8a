#!/usr/bin/env bash
# Installs what the test suites need from the OS: Chromium for Playwright and
# pgvector for the machine's own PostgreSQL server (with --with-python also
# Debian's scipy stack, for reference values and numpy benchmark baselines). Idempotent: a second run does nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { printf '[os-deps] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
}

# ---- PostgreSQL server: detect its major version, start it if it is down ----
pg_major() {
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header 2>/dev/null | awk 'NR==1{print $1}'
  fi
}
PG_MAJOR="$(pg_major || true)"
if [ -z "$PG_MAJOR" ]; then
  log "no PostgreSQL cluster found: installing the distribution's server"
  apt_update_once
  $SUDO apt-get install -y -qq postgresql >/dev/null
  PG_MAJOR="$(pg_major)"
fi
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
log "PostgreSQL major version ${PG_MAJOR}"
if ! pg_lsclusters --no-header | awk 'NR==1{print $4}' | grep -q online; then
  log "starting PostgreSQL ${PG_MAJOR}"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
fi

# ---- pgvector ----
have_vector() {
  [ -f "/usr/share/postgresql/${PG_MAJOR}/extension/vector.control" ]
}
if have_vector; then
  log "pgvector already installed"
else
  apt_update_once
  if apt-cache show "postgresql-${PG_MAJOR}-pgvector" >/dev/null 2>&1; then
    log "installing postgresql-${PG_MAJOR}-pgvector from the distribution"
    $SUDO apt-get install -y -qq "postgresql-${PG_MAJOR}-pgvector" >/dev/null
  else
    log "no pgvector binary for PostgreSQL ${PG_MAJOR}: building 0.8.x from the trixie source package"
    # Reuse the mirror this machine is already configured with.
    MIRROR="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    if [ -z "$MIRROR" ]; then
      MIRROR="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)"
    fi
    SRC_LIST=/etc/apt/sources.list.d/driftline-trixie-src.sources
    if [ ! -f "$SRC_LIST" ]; then
      printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$MIRROR" | $SUDO tee "$SRC_LIST" >/dev/null
      $SUDO apt-get update -qq
    fi
    # Pin the dev headers to the running server's version so the server is not upgraded.
    SERVER_VERSION="$(dpkg-query -W -f='${Version}' "postgresql-${PG_MAJOR}")"
    $SUDO apt-get install -y -qq dpkg-dev build-essential \
      "postgresql-server-dev-${PG_MAJOR}=${SERVER_VERSION}" >/dev/null
    BUILD_DIR="$(mktemp -d)"
    (
      cd "$BUILD_DIR"
      apt-get source -qq pgvector >/dev/null 2>&1
      cd pgvector-*/
      make -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
      $SUDO make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
    )
    rm -rf "$BUILD_DIR"
  fi
  have_vector || { log "pgvector install failed"; exit 1; }
  log "pgvector installed"
fi

# ---- Chromium for Playwright, Python scipy stack for reference values ----
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
# scipy/numpy/sklearn only to regenerate reference values or run the numpy benchmark baselines.
if [ "${1:-}" = "--with-python" ]; then
  /usr/bin/python3 -c 'import scipy, numpy, sklearn' >/dev/null 2>&1 || missing+=(python3-scipy python3-numpy python3-sklearn)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  apt_update_once
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
log "done"
