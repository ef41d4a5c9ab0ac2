package io.ckan.operator.release;

import io.ckan.operator.api.BackupSpec;
import io.ckan.operator.api.Patterns;
import java.util.List;

/** spec.backup, checked as its CRD schema checks it: a destination, names by pattern, secrets by reference. */
final class BackupCheck {
  private BackupCheck() {}

  static void backup(BackupSpec backup, List<FieldError> errors) {
    if (backup == null) {
      return;
    }
    Checks.range(errors, "spec.backup.retention", backup.retention, 1, BackupSpec.MAX_RETENTION);
    Checks.text(errors, "spec.backup.image", backup.image, Tokens.IMAGE_BY_DIGEST,
        "must be pinned by digest: repository@sha256:<64 hex digits>");
    imageLength(errors, "spec.backup.image", backup.image);
    if (backup.pvc == null && backup.s3 == null) {
      errors.add(new FieldError("spec.backup", "set a destination: pvc, s3 or both"));
    }
    if (backup.pvc != null) {
      Checks.requiredText(errors, "spec.backup.pvc.claimName", backup.pvc.claimName, Tokens.OBJECT_NAME,
          "is not a PersistentVolumeClaim name");
      Checks.text(errors, "spec.backup.pvc.directory", backup.pvc.directory, Tokens.RELATIVE_PATH,
          "is not a relative path");
    }
    BackupSpec.S3Destination s3 = backup.s3;
    if (s3 != null) {
      Checks.requiredText(errors, "spec.backup.s3.endpoint", s3.endpoint, Tokens.SERVICE_URL,
          "must be an http(s) URL without credentials, e.g. https://s3.eu-central-1.amazonaws.com");
      Checks.requiredText(errors, "spec.backup.s3.bucket", s3.bucket, Tokens.BUCKET, "is not a bucket name");
      Checks.text(errors, "spec.backup.s3.prefix", s3.prefix, Tokens.RELATIVE_PATH, "is not a key prefix");
      Checks.text(errors, "spec.backup.s3.region", s3.region, Tokens.QUEUE, "is not a region such as eu-central-1");
      Checks.required(errors, "spec.backup.s3.accessKeyId", s3.accessKeyId, "a secretKeyRef");
      Checks.secretKeyRef(errors, "spec.backup.s3.accessKeyId", s3.accessKeyId);
      Checks.required(errors, "spec.backup.s3.secretAccessKey", s3.secretAccessKey, "a secretKeyRef");
      Checks.secretKeyRef(errors, "spec.backup.s3.secretAccessKey", s3.secretAccessKey);
      Checks.requiredText(errors, "spec.backup.s3.image", s3.image, Tokens.IMAGE_BY_DIGEST,
          "must be an AWS CLI image pinned by digest: repository@sha256:<64 hex digits>");
      imageLength(errors, "spec.backup.s3.image", s3.image);
    }
  }

  /** The schema's maxLength: the image pattern alone repeats path segments without bound. */
  private static void imageLength(List<FieldError> errors, String at, String image) {
    if (image != null && image.length() > Patterns.IMAGE_MAX) {
      errors.add(new FieldError(at, "is " + image.length() + " characters long, at most " + Patterns.IMAGE_MAX));
    }
  }
}
