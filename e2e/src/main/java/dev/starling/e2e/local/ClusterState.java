package dev.starling.e2e.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * cluster.json: what {@code down}, {@code status}, {@code exec} and {@code fault} need to find a
 * running cluster. {@code up} writes it before starting the supervisor; the supervisor adds its own
 * pid and each child's as it starts them.
 *
 * @param pids each component's pid, in start order
 */
record ClusterState(
    String id,
    String checkout,
    String netns,
    String bin,
    int apiPort,
    int nodes,
    long upPid,
    long supervisorPid,
    Map<String, Long> pids) {

  ClusterState {
    pids = pids == null ? new LinkedHashMap<>() : new LinkedHashMap<>(pids);
  }

  ClusterState withSupervisor(long pid) {
    return new ClusterState(id, checkout, netns, bin, apiPort, nodes, upPid, pid, pids);
  }

  ClusterState withPid(String component, long pid) {
    Map<String, Long> more = new LinkedHashMap<>(pids);
    more.put(component, pid);
    return new ClusterState(id, checkout, netns, bin, apiPort, nodes, upPid, supervisorPid, more);
  }
}
