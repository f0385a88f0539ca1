#!/usr/bin/env bash
# Benchmark of the operator on the local control plane (BENCHMARKS.md): from `kubectl apply` of a ReplicaSet to
# Ready for 3 and 5 members with the time each stage was first seen (pods scheduled, members started, initiated,
# primary elected, Ready), the time to scale by +2 and by -2, and the latency from a spec change to the operator's
# first action. Starts its own cluster (no cluster of this checkout may be running) and stops it at the end.
#   e2e/kube/operator-benchmark.sh [RUNS]    (default 3)
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd -P)
local=$checkout/e2e/starling-local
runs=${1:-3}
ns=bench
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
k() { "$local" kubectl "$@"; }

apply_srs() { # name members
  k apply -f - >/dev/null <<EOF
apiVersion: starling.dev/v1alpha1
kind: ReplicaSet
metadata: {name: $1, namespace: $ns}
spec:
  members: $2
  storage: {size: 1Gi}
  oplogSizeMB: 990
  settings: {electionTimeoutMillis: 2000, heartbeatIntervalMillis: 1000}
EOF
}

# One line: scheduled running configVersion primary ready(observed==generation and Ready True)
observe() { # name
  local pods rs
  pods=$(k -n "$ns" get pods -l "app.kubernetes.io/instance=$1,app.kubernetes.io/name=starling-node" \
    -o 'jsonpath={range .items[*]}{.spec.nodeName}{" "}{.status.phase}{"\n"}{end}' 2>/dev/null || true)
  rs=$(k -n "$ns" get srs "$1" -o 'jsonpath={.status.configVersion}|{.status.primary}|{.status.conditions[?(@.type=="Ready")].status}|{.status.observedGeneration}|{.metadata.generation}|{.status.members[*].name}' 2>/dev/null || true)
  local scheduled running
  scheduled=$(printf '%s\n' "$pods" | grep -c '^[^ ]' || true)
  running=$(printf '%s\n' "$pods" | grep -c 'Running$' || true)
  IFS='|' read -r version primary ready observed generation members <<<"$rs"
  local r=0 count
  count=$(wc -w <<<"$members")
  [ "$ready" = True ] && [ -n "$observed" ] && [ "$observed" = "$generation" ] && r=1
  echo "$scheduled $running ${version:-0} ${primary:-none} $r $count"
}

# Waits until Ready with `members` members; prints the seconds from $2 to each stage: scheduled started
# initiated primary ready
follow() { # name members t0
  local t_sched= t_run= t_init= t_primary= t_ready=
  local deadline=$(( $(date +%s) + 600 ))
  while :; do
    read -r scheduled running version primary ready count <<<"$(observe "$1")"
    local t; t=$(now)
    [ -z "$t_sched" ] && [ "$scheduled" -ge "$2" ] && t_sched=$(secs "$3" "$t")
    [ -z "$t_run" ] && [ "$running" -ge "$2" ] && t_run=$(secs "$3" "$t")
    [ -z "$t_init" ] && [ "$version" != 0 ] && t_init=$(secs "$3" "$t")
    [ -z "$t_primary" ] && [ "$primary" != none ] && t_primary=$(secs "$3" "$t")
    if [ "$ready" = 1 ] && [ "$count" = "$2" ]; then t_ready=$(secs "$3" "$t"); break; fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $1" >&2; exit 1; }
    sleep 0.2
  done
  echo "${t_sched:--} ${t_run:--} ${t_init:--} ${t_primary:--} $t_ready"
}

"$local" down >/dev/null
"$local" up --detach --no-example >/dev/null 2>&1
k create namespace "$ns" >/dev/null
k -n starling-system rollout status deployment/starling-operator --timeout=300s >/dev/null

echo "| members | run | pods scheduled (s) | members started (s) | initiated (s) | primary (s) | Ready (s) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for members in 3 5; do
  for run in $(seq 1 "$runs"); do
    name=b$members-$run
    t0=$(now)
    apply_srs "$name" "$members"
    read -r a b c d e <<<"$(follow "$name" "$members" "$t0")"
    echo "| $members | $run | $a | $b | $c | $d | $e |"
    k -n "$ns" delete srs "$name" --wait=true >/dev/null
    k -n "$ns" delete pvc --all --wait=false >/dev/null
  done
done

echo
echo "| run | scale 3 -> 5, to Ready (s) | scale 5 -> 3, to Ready (s) | spec change to first action (s) |"
echo "|---:|---:|---:|---:|"
for run in $(seq 1 "$runs"); do
  name=s-$run
  apply_srs "$name" 3
  follow "$name" 3 "$(now)" >/dev/null
  t0=$(now); k -n "$ns" scale "srs/$name" --replicas=5 >/dev/null
  up=$(follow "$name" 5 "$t0" | awk '{print $5}')
  t0=$(now); k -n "$ns" scale "srs/$name" --replicas=3 >/dev/null
  down=$(follow "$name" 3 "$t0" | awk '{print $5}')
  t0=$(now); k -n "$ns" patch "srs/$name" --type=merge -p '{"spec":{"oplogSizeMB":1000}}' >/dev/null
  while [ "$(k -n "$ns" get srs "$name" -o 'jsonpath={.status.lastAction.type}')" != ResizeOplog ]; do sleep 0.1; done
  first=$(secs "$t0" "$(now)")
  echo "| $run | $up | $down | $first |"
  k -n "$ns" delete srs "$name" --wait=true >/dev/null
  k -n "$ns" delete pvc --all --wait=false >/dev/null
done
"$local" down >/dev/null
