#!/usr/bin/env bash
# Installs what the test suites need from the OS: Chromium for Playwright,
# pgvector for the machine's own PostgreSQL server, replication connections from
# 127.0.0.1 (the read-replica test), and PgBouncer and HAProxy
# for the fleet test (with --with-python also
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

# ---- streaming replication from 127.0.0.1 (the read-replica test) ----
# The replica test takes a base backup of this server (`pg_basebackup -R`)
# and runs it as a hot standby on another port. `all` in pg_hba.conf does not
# match replication connections, so one line is added for them, trusted like
# the server's other local connections; wal_level must be replica or logical
# (the default). Reloaded, not restarted.
PG_HBA="/etc/postgresql/${PG_MAJOR}/main/pg_hba.conf"
if [ -f "$PG_HBA" ]; then
  if $SUDO grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$PG_HBA"; then
    log "replication from 127.0.0.1 already allowed"
  else
    log "allowing replication connections from 127.0.0.1 in ${PG_HBA}"
    printf '# driftline: the read-replica test streams from this server\nhost replication all 127.0.0.1/32 trust\n' | $SUDO tee -a "$PG_HBA" >/dev/null
    $SUDO pg_ctlcluster "$PG_MAJOR" main reload || true
  fi
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

# ---- PgBouncer and HAProxy for the fleet test ----
# Only the binaries: the fleet test starts its own instances, as its own user,
# with the committed deploy/ configs in a temp dir. The packages' system
# services are stopped and disabled so they hold no ports.
fleet_missing=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || fleet_missing+=(pgbouncer)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || fleet_missing+=(haproxy)
if [ "${#fleet_missing[@]}" -gt 0 ]; then
  log "installing ${fleet_missing[*]}"
  apt_update_once
  # policy-rc.d exit 101 keeps dpkg from starting the services on install.
  POLICY=/usr/sbin/policy-rc.d
  ADDED_POLICY=0
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod +x "$POLICY"
    ADDED_POLICY=1
  fi
  $SUDO apt-get install -y -qq "${fleet_missing[@]}" >/dev/null || { [ "$ADDED_POLICY" = 1 ] && $SUDO rm -f "$POLICY"; exit 1; }
  if [ "$ADDED_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now pgbouncer haproxy >/dev/null 2>&1 || true
  fi
else
  log "pgbouncer and haproxy already installed"
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
