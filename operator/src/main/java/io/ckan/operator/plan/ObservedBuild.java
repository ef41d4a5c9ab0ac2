package io.ckan.operator.plan;

import java.util.Map;

/**
 * A release image build Job as the cluster shows it. Builds are shared by every instance of the namespace that needs
 * the same image fingerprint.
 *
 * @param image          {@code repository@sha256:...} once the build pushed it (from the termination message, or
 *                       from the Job's annotations once recorded)
 * @param commits        extension name -> the commit its git ref resolved to
 * @param resultRecorded the result is stored on the Job (no need to read the pod again)
 * @param owned          this instance is among the Job's owners
 * @param message        why it failed, or what it is doing
 * @param lock           the image's locked set as the build reported it ({@code LockedSet.encode}), or null
 */
public record ObservedBuild(String imageFingerprint, String jobName, JobState state, String image,
    Map<String, String> commits, boolean resultRecorded, boolean owned, String message, String lock) {

  public ObservedBuild(String imageFingerprint, String jobName, JobState state, String image,
      Map<String, String> commits, boolean resultRecorded, boolean owned, String message) {
    this(imageFingerprint, jobName, state, image, commits, resultRecorded, owned, message, null);
  }
}
