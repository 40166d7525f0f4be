#!/usr/bin/env bash
# Starts a local Redis Cluster for tests and development: 3 masters and 3
# replicas on ports 7101-7106 (override with REDIS_CLUSTER_PORTS), data in
# /tmp. Does nothing if the cluster already answers with cluster_state:ok.
#   bash scripts/redis-cluster.sh          start (idempotent)
#   bash scripts/redis-cluster.sh stop     shut every node down
#   bash scripts/redis-cluster.sh restart PORT
#                                          start one node again (it rejoins, as a replica if it was failed over)
set -euo pipefail
PORTS=(${REDIS_CLUSTER_PORTS:-7101 7102 7103 7104 7105 7106})
DIR=${REDIS_CLUSTER_DIR:-/tmp/liveboard-redis-cluster}

start_node() {
  local port=$1
  mkdir -p "$DIR/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$DIR/$port" --logfile "$DIR/$port/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save "" --appendonly no 9>&-
}

state() { redis-cli -p "${PORTS[0]}" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

if [ "${1:-start}" = restart ]; then
  start_node "$2"
  exit 0
fi

if [ "${1:-start}" = stop ]; then
  for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  exit 0
fi

# Two callers at once (the test projects' global setups) start it once.
exec 9>"${DIR}.lock"
flock 9

if [ "$(state)" = ok ]; then
  echo "Redis Cluster already running on ${PORTS[*]}"
  exit 0
fi

# A half-started cluster from an earlier run is discarded.
for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
rm -rf "$DIR"
for port in "${PORTS[@]}"; do start_node "$port"; done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
nodes=()
for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log"
for _ in $(seq 1 100); do
  if [ "$(state)" = ok ]; then
    echo "Redis Cluster up on ${PORTS[*]}"
    exit 0
  fi
  sleep 0.2
done
echo "Redis Cluster did not reach cluster_state:ok" >&2
exit 1
