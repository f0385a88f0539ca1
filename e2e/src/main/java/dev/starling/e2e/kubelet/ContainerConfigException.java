package dev.starling.e2e.kubelet;

/**
 * A container cannot be started as configured (a missing ConfigMap key, an unsupported field): the
 * kubelet's CreateContainerConfigError. Retried on the next sync, since the cause may go away.
 */
final class ContainerConfigException extends RuntimeException {
  ContainerConfigException(String message) {
    super(message);
  }
}
