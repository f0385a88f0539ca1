#!/usr/bin/env bash
# Benchmark of the local control plane (BENCHMARKS.md): warm start to ready, a 3-member StatefulSet of
# starling-node from `kubectl apply` to all pods Ready and to a primary elected, and the memory of the control
# plane's processes at idle. Needs the binaries built (e2e/starling-local up builds them) and no cluster of this
# checkout running: it starts and stops its own.
#   e2e/kube/benchmark.sh [RUNS]    (default 3)
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd -P)
local=$checkout/e2e/starling-local
runs=${1:-3}
sts=$checkout/e2e/src/test/resources/local/node-statefulset.yaml
initiate=$checkout/e2e/src/test/resources/local/initiate-write-read.py
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

"$local" down >/dev/null
echo "| run | up to ready (s) | apply to 3 pods Ready (s) | apply to primary elected, first w:majority write (s) |"
echo "|---:|---:|---:|---:|"
for run in $(seq 1 "$runs"); do
  t0=$(now)
  "$local" up --detach --no-example >/dev/null 2>&1
  t1=$(now)
  "$local" kubectl apply -f "$sts" >/dev/null
  t2=$(now)
  "$local" kubectl -n rs-e2e wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/db --timeout=300s >/dev/null
  t3=$(now)
  "$local" exec -- /usr/bin/python3 -c "$(cat "$initiate")" >/dev/null
  t4=$(now)
  echo "| $run | $(secs "$t0" "$t1") | $(secs "$t2" "$t3") | $(secs "$t2" "$t4") |"
  if [ "$run" -lt "$runs" ]; then "$local" down >/dev/null; fi
done

# Memory at idle, with the 3 members running: every control-plane process of cluster.json, then the members.
state=$checkout/.starling-local/cluster.json
echo
echo "| process | RSS (MB) |"
echo "|---|---:|"
total=0
for name in etcd kube-apiserver kube-controller-manager kube-scheduler coredns kubelet netns-forward; do
  pid=$(sed -n "s/^ *\"$name\" *: *\([0-9]*\).*/\1/p" "$state")
  mb=$(rss_mb "$pid")
  total=$((total + mb))
  echo "| $name | $mb |"
done
sup=$(sed -n 's/^ *"supervisorPid" *: *\([0-9]*\).*/\1/p' "$state")
mb=$(rss_mb "$sup"); total=$((total + mb)); echo "| supervisor (JVM) | $mb |"
echo "| **control plane, total** | **$total** |"
for pod in db-0 db-1 db-2; do
  pid=$(cat "$checkout/.starling-local/kubelet/pods/rs-e2e_$pod/containers/node/pid")
  echo "| starling-node $pod | $(rss_mb "$pid") |"
done
"$local" down >/dev/null
