package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BackupSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backup and restore Jobs for an S3 destination: dump first, then the transfer, credentials by reference. */
class BackupObjectsTest {
  static final Owner OWNER = new Owner("portal", "ns", "uid-1");
  static final String NAME = "portal-r3-0123456789ab";
  static final String AWS = "registry.example.org/aws-cli@sha256:" + "b".repeat(64);

  static CkanInstanceSpec spec() {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = "2.11.5";
    spec.services = io.ckan.operator.TestServices.external();
    spec.services.datastoreWriteUrl = new SecretKeyRef("ckan-db", "datastore");
    spec.backup = new BackupSpec();
    spec.backup.s3 = new BackupSpec.S3Destination();
    spec.backup.s3.endpoint = "http://minio.backup:9000";
    spec.backup.s3.bucket = "ckan-backups";
    spec.backup.s3.accessKeyId = new SecretKeyRef("backup-s3", "id");
    spec.backup.s3.secretAccessKey = new SecretKeyRef("backup-s3", "key");
    spec.backup.s3.image = AWS;
    spec.backup.retention = 4;
    return spec;
  }

  static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void anS3BackupDumpsInAnInitContainerThenUploadsAndPrunesTheBucket() {
    Job job = BackupObjects.backup(OWNER, spec(), 3, NAME);
    assertEquals("portal-r3-backup", job.getMetadata().getName());
    assertEquals("3", job.getMetadata().getLabels().get("ckan.io/revision"));
    assertEquals(0, job.getSpec().getBackoffLimit());
    var pod = job.getSpec().getTemplate().getSpec();
    Container dump = pod.getInitContainers().get(0);
    Container upload = pod.getContainers().get(0);
    assertEquals(BackupSpec.DEFAULT_IMAGE, dump.getImage());
    assertEquals(AWS, upload.getImage());
    assertTrue(dump.getCommand().get(2).contains("pg_dump") && dump.getCommand().get(2).contains(NAME
        + ".datastore.dump"), "both databases");
    assertTrue(!dump.getCommand().get(2).contains("grep -E"), "no pruning in a scratch directory");
    String script = upload.getCommand().get(2);
    assertTrue(script.contains("aws --endpoint-url http://minio.backup:9000 s3 cp \"$f\" "
        + "\"s3://ckan-backups/portal/$f\""), script);
    assertTrue(script.contains("tail -n +5"), "keeps 4: " + script);
    assertEquals("backup-s3", env(upload, "AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName());
    assertNull(env(upload, "AWS_SECRET_ACCESS_KEY").getValue());
    assertEquals(spec().services.databaseUrl.name, env(dump, "CKAN_SQLALCHEMY_URL").getValueFrom().getSecretKeyRef()
        .getName());
    assertTrue(upload.getEnv().stream().noneMatch(e -> e.getName().startsWith("CKAN_")), "the upload sees no database");
    assertTrue(pod.getVolumes().get(0).getEmptyDir() != null, "scratch space, no PVC");
    for (Container c : List.of(dump, upload)) {
      assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
      assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    }
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
  }

  @Test
  void anS3RestoreDownloadsFirstAndEachTokenNamesItsOwnJob() {
    Job job = BackupObjects.restore(OWNER, spec(), NAME, "t1");
    var pod = job.getSpec().getTemplate().getSpec();
    assertTrue(pod.getInitContainers().get(0).getCommand().get(2).contains("s3 cp \"s3://ckan-backups/portal/" + NAME
        + ".dump\" ."));
    assertTrue(pod.getContainers().get(0).getCommand().get(2).contains("pg_restore"));
    assertEquals(BackupObjects.restoreJobName("portal", NAME, "t1"), job.getMetadata().getName());
    assertNotEquals(job.getMetadata().getName(), BackupObjects.restoreJobName("portal", NAME, "t2"));
    assertTrue(job.getMetadata().getName().length() <= 63);
  }
}
