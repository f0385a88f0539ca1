/**
 * The process kubelet: Kubernetes nodes whose containers are ordinary Linux processes, for the
 * local control plane (docs/LOCAL-CLUSTER.md).
 *
 * <h2>Run it</h2>
 *
 * {@code starling-local up} starts it (as root, in the cluster's network namespace, with {@code
 * nsenter --net} so that the pod namespaces it creates are visible on the host). By hand: {@code
 * java -cp ... dev.starling.e2e.kubelet.ProcessKubelet --kubeconfig F --state-dir D --netns-prefix
 * P --cni-bin B --api-port N --tls-cert C --tls-key K --checkout DIR} (see {@link KubeletOptions}).
 *
 * <h2>How it works</h2>
 *
 * <ul>
 *   <li>{@link NodeAgent} registers Nodes local-1..N and renews their Leases; {@link
 *       LocalProvisioner} serves the default StorageClass {@code standard} from local directories.
 *   <li>{@link PodWorkers} watches the pods bound to those nodes; each gets a {@link PodWorker}
 *       whose sync pass converges the pod from what it observes (its class comment lists the
 *       steps). Decisions are pure and unit-tested: {@link PodEnvironment}, {@link
 *       ContainerCommand}, {@link BackOff}, {@link ProbeSchedule}, {@link ContainerStatusBuilder},
 *       {@link PodStatusBuilder}, {@link PodFiles}, {@link VolumeFiles}, {@link Dockerfile}.
 *   <li>A pod gets a network namespace and eth0 from the CNI plugins ({@link CniPlugin}); each
 *       container is {@code setpriv --pdeathsig KILL ip netns exec <pod ns> unshare --mount --uts
 *       -- sh container-setup.sh ...}, which builds a root on a tmpfs (host /usr read-only, /etc
 *       under an overlay, a private /dev, the image's files, the volumes) and execs the command
 *       chrooted there, keeping the pid ({@link ProcessRuntime}). The pid is in {@code
 *       pods/<ns>_<pod>/containers/<name>/pid}, the output in {@code logs/<name>/<restart>.log}.
 *   <li>Images are a table ({@link ImageTable}): {@code starling/node} is node-image/Dockerfile
 *       plus the built jar and the kubelet's own JDK; {@code starling/toolbox} runs host programs.
 *   <li>Exec probes and hooks run with {@code nsenter --target <pid> --net --mount --uts --root
 *       --wd} as the container's user and with its environment: inside the container's view.
 *   <li>{@link KubeletServer} serves {@code /containerLogs} so that {@code kubectl logs [-f]
 *       [--previous]} works through the API server.
 * </ul>
 *
 * <h2>Not supported</h2>
 *
 * {@code kubectl exec}, {@code attach} and {@code port-forward} (use {@code starling-local exec});
 * resource limits (nothing is enforced; no OOMKilled); a PID namespace per pod (processes see the
 * host's); sidecar init containers (restartPolicy Always on an init container); grpc probes; image
 * pulls of any kind; log timestamps (with {@code timestamps=true} each line carries the time it was
 * read); fsGroup ownership changes (emptyDir and provisioned directories are world-writable
 * instead).
 */
package dev.starling.e2e.kubelet;
