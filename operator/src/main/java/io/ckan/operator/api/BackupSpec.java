package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * spec.backup: a {@code pg_dump -Fc} of the CKAN database (and the DataStore's) before every migrating rollout, to a
 * PersistentVolumeClaim, an S3-compatible bucket, or both (the dumps are kept on the volume and copied to the bucket).
 * Field patterns are mirrored by {@code release.BackupCheck}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.pvc) || has(self.s3)", message = "set a destination: pvc, s3 or both")
public class BackupSpec {
  public static final int DEFAULT_RETENTION = 5;
  public static final int MAX_RETENTION = 100;
  /**
   * The PostgreSQL client image (pg_dump, pg_restore) when spec.backup.image is not set: PostgreSQL 17's client reads
   * servers from 9.2 to 17. Tag and digest as pinned in public projects (docker.io/library/postgres).
   */
  public static final String DEFAULT_IMAGE =
      "postgres:17-alpine@sha256:742f40ea20b9ff2ff31db5458d127452988a2164df9e17441e191f3b72252193";

  @JsonPropertyDescription("Take backups (default true when spec.backup is set). false keeps the settings but skips "
      + "the backup before migrations.")
  public Boolean enabled;

  @Min(1)
  @Max(MAX_RETENTION)
  @JsonPropertyDescription("Backups kept (default 5): older dumps and backup Jobs of the instance are deleted.")
  public Integer retention;

  @Pattern(Patterns.IMAGE_BY_DIGEST)
  @Size(max = Patterns.IMAGE_MAX)
  @JsonPropertyDescription("PostgreSQL client image pinned by digest (pg_dump, pg_restore); its major version must "
      + "be at least the database server's. Default: " + DEFAULT_IMAGE + ".")
  public String image;

  @JsonPropertyDescription("Destination: a PersistentVolumeClaim in the instance's namespace (with s3 too: the dumps "
      + "are kept here and copied to the bucket; restores read them from here).")
  public PvcDestination pvc;

  @JsonPropertyDescription("Destination: an S3-compatible bucket, credentials from a Secret.")
  public S3Destination s3;

  public boolean enabledOrDefault() {
    return !Boolean.FALSE.equals(enabled);
  }

  public int retentionOrDefault() {
    return retention == null ? DEFAULT_RETENTION : retention;
  }

  public String imageOrDefault() {
    return image == null ? DEFAULT_IMAGE : image;
  }

  /** An existing PersistentVolumeClaim; the dumps go to its root (or {@code directory}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PvcDestination {
    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @Size(max = Patterns.OBJECT_NAME_MAX)
    @JsonPropertyDescription("Name of the PersistentVolumeClaim (it must exist; the operator does not create it).")
    public String claimName;

    @Pattern(Patterns.RELATIVE_PATH)
    @Size(max = Patterns.RELATIVE_PATH_MAX)
    @JsonPropertyDescription("Directory inside the volume (default: the instance's name).")
    public String directory;
  }

  /** A bucket of an S3-compatible object store. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class S3Destination {
    @Required
    @Pattern(Patterns.SERVICE_URL)
    @Size(max = Patterns.SERVICE_URL_MAX)
    @JsonPropertyDescription("Endpoint URL, e.g. https://s3.eu-central-1.amazonaws.com or http://minio.backup:9000.")
    public String endpoint;

    @Required
    @Pattern(Patterns.BUCKET)
    @Size(max = Patterns.BUCKET_MAX)
    @JsonPropertyDescription("Bucket name (3 to 63 lowercase letters, digits, dots and dashes).")
    public String bucket;

    @Pattern(Patterns.RELATIVE_PATH)
    @Size(max = Patterns.RELATIVE_PATH_MAX)
    @JsonPropertyDescription("Key prefix (default: the instance's name).")
    public String prefix;

    @Pattern(Patterns.QUEUE)
    @Size(max = Patterns.QUEUE_MAX)
    @JsonPropertyDescription("Region (default us-east-1).")
    public String region;

    @Required
    @JsonPropertyDescription("Access key id (secretKeyRef).")
    public SecretKeyRef accessKeyId;

    @Required
    @JsonPropertyDescription("Secret access key (secretKeyRef).")
    public SecretKeyRef secretAccessKey;

    @Required
    @Pattern(Patterns.IMAGE_BY_DIGEST)
    @Size(max = Patterns.IMAGE_MAX)
    @JsonPropertyDescription("An image with the AWS CLI (aws s3 cp/ls/rm), pinned by digest: the operator ships no "
        + "default for it.")
    public String image;
  }
}
