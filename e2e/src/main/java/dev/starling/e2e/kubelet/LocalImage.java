package dev.starling.e2e.kubelet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the process kubelet runs for an image reference: the image's run configuration (from its
 * Dockerfile) and the local files that stand for the image's contents.
 *
 * @param image the reference as written in the pod spec
 * @param env the image's ENV, PATH included
 * @param files bound into the container at their target path
 * @param user the image's USER, null for root
 */
record LocalImage(
    String image,
    List<String> entrypoint,
    List<String> cmd,
    Map<String, String> env,
    String workdir,
    List<String> volumes,
    List<ImageFile> files,
    String user) {

  /** A host file or directory that appears at {@code target} inside the container, read-only. */
  record ImageFile(Path source, String target) {}
}
