package io.ckan.operator.resources;

import io.ckan.operator.api.BackupSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the backup Job {@code <instance>-r<N>-backup} that runs before revision N's migration, and the restore Job
 * {@code kubectl ckan restore} creates. Both run the scripts of {@link BackupScripts} with the PostgreSQL client image
 * ({@code spec.backup.image}), the database URLs as secretKeyRefs (the same Secrets the migration Job reads), under
 * the restricted Pod Security Standard; an S3 destination adds the AWS CLI image for the transfer (after the dump, or
 * before the restore). No retries ({@code backoffLimit: 0}) and no TTL: the Job's outcome is what the operator reads.
 */
public final class BackupObjects {
  private BackupObjects() {}

  public static final String BACKUP = "backup";
  public static final String RESTORE = "restore";
  public static final String MOUNT = "/backups";
  public static final long DEADLINE_SECONDS = 3600;
  /** The postgres images' user and group (alpine: 70). */
  static final long POSTGRES_UID = 70;
  static final String VOLUME = "backups";
  static final String TERMINATION_LOG = "/dev/termination-log";

  public static String backupJobName(String instance, int revision) {
    return instance + "-r" + revision + "-" + BACKUP;
  }

  /** The restore Job's name: the instance's, and a hash of the backup and the request's token. */
  public static String restoreJobName(String instance, String backup, String token) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest((backup + "#" + token)
          .getBytes(StandardCharsets.UTF_8));
      return instance + "-" + RESTORE + "-" + HexFormat.of().formatHex(hash).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory inside the backup volume (or the bucket's prefix) where an instance's backups live. */
  static String directory(BackupSpec spec, String instance) {
    return spec.pvc != null && spec.pvc.directory != null ? spec.pvc.directory : instance;
  }

  static String prefix(BackupSpec spec, String instance) {
    return spec.s3.prefix != null ? spec.s3.prefix : instance;
  }

  /** The backup of revision {@code revision}, named {@code backupName} ({@link BackupScripts#backupName}). */
  public static Job backup(Owner owner, CkanInstanceSpec spec, int revision, String backupName) {
    BackupSpec b = spec.backup;
    String dir = MOUNT + "/" + directory(b, owner.name());
    boolean datastore = hasDatastore(spec, owner.name());
    Container dump = pg("dump", b, BackupScripts.backup(dir, owner.name(), backupName, datastore,
        b.pvc != null ? Integer.valueOf(b.retentionOrDefault()) : null), databaseEnv(spec, owner.name()));
    List<Container> init = new ArrayList<>();
    List<Container> main = new ArrayList<>();
    if (b.s3 != null) {
      init.add(dump);
      main.add(aws("upload", b, BackupScripts.upload(dir, b.s3.endpoint, b.s3.bucket, prefix(b, owner.name()),
          owner.name(), backupName, b.retentionOrDefault())));
    } else {
      main.add(dump);
    }
    Map<String, String> labels = Labels.revision(owner.name(), BACKUP, revision);
    return job(owner, backupJobName(owner.name(), revision), labels, backupName, b, init, main);
  }

  /** A restore of backup {@code backupName} into the instance's databases. */
  public static Job restore(Owner owner, CkanInstanceSpec spec, String backupName, String token) {
    BackupSpec b = spec.backup;
    if (!BackupScripts.isBackupName(backupName)) {
      throw new IllegalArgumentException("not a backup name: " + backupName);
    }
    String dir = MOUNT + "/" + directory(b, owner.name());
    List<Container> init = new ArrayList<>();
    if (b.pvc == null) {
      init.add(aws("download", b, BackupScripts.download(dir, b.s3.endpoint, b.s3.bucket,
          prefix(b, owner.name()), backupName)));
    }
    Container restore = pg("restore", b, BackupScripts.restore(dir, backupName, hasDatastore(spec, owner.name())),
        databaseEnv(spec, owner.name()));
    return job(owner, restoreJobName(owner.name(), backupName, token), Labels.instance(owner.name(), RESTORE),
        backupName, b, init, List.of(restore));
  }

  private static Job job(Owner owner, String name, Map<String, String> labels, String backupName, BackupSpec b,
      List<Container> init, List<Container> main) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.BACKUP, backupName);
    return new JobBuilder()
        .withMetadata(owner.meta(name, labels, annotations))
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(DEADLINE_SECONDS)
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withSecurityContext(RestrictedSecurity.pod(POSTGRES_UID, POSTGRES_UID))
              .withInitContainers(init)
              .withContainers(main)
              .withVolumes(volume(b), new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static Volume volume(BackupSpec b) {
    VolumeBuilder v = new VolumeBuilder().withName(VOLUME);
    return b.pvc != null ? v.withNewPersistentVolumeClaim().withClaimName(b.pvc.claimName).endPersistentVolumeClaim()
        .build() : v.withNewEmptyDir().endEmptyDir().build();
  }

  private static Container pg(String name, BackupSpec b, String script, List<EnvVar> env) {
    return container(name, b.imageOrDefault(), script, env);
  }

  private static Container aws(String name, BackupSpec b, String script) {
    List<EnvVar> env = new ArrayList<>();
    env.add(secret("AWS_ACCESS_KEY_ID", b.s3.accessKeyId));
    env.add(secret("AWS_SECRET_ACCESS_KEY", b.s3.secretAccessKey));
    env.add(new EnvVarBuilder().withName("AWS_DEFAULT_REGION").withValue(b.s3.region == null ? "us-east-1"
        : b.s3.region).build());
    return container(name, b.s3.image, script, env);
  }

  private static Container container(String name, String image, String script, List<EnvVar> env) {
    List<EnvVar> all = new ArrayList<>(env);
    all.add(new EnvVarBuilder().withName("HOME").withValue("/tmp").build());
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withCommand("sh", "-c", script)
        .withEnv(all)
        .addNewVolumeMount().withName(VOLUME).withMountPath(MOUNT).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .withSecurityContext(RestrictedSecurity.container())
        .build();
  }

  private static EnvVar secret(String name, SecretKeyRef ref) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(ref.name)
        .withKey(ref.key).endSecretKeyRef().endValueFrom().build();
  }

  /** The database URLs of the instance, exactly the secretKeyRefs its migration Job gets. */
  static List<EnvVar> databaseEnv(CkanInstanceSpec spec, String instance) {
    return RuntimeEnv.secretEnv(spec, instance).stream().filter(e -> e.getName().equals(BackupScripts.DATABASE_URL_ENV)
        || e.getName().equals(BackupScripts.DATASTORE_URL_ENV)).toList();
  }

  static boolean hasDatastore(CkanInstanceSpec spec, String instance) {
    return databaseEnv(spec, instance).stream().anyMatch(e -> e.getName().equals(BackupScripts.DATASTORE_URL_ENV));
  }
}
