package io.ckan.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command: it must converge and print the promised timeline. */
class DemoTest {
  @Test
  void demoConvergesAndPrintsTheTimeline() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("pointer set to revision 1"), out);
    assertTrue(out.contains("started: image registry.example.org/ckan/portal:2.11.5-"), out);
    assertTrue(out.contains("image builds: 1 "), out);
    assertTrue(out.contains("pointer moved from revision 1 to revision 2"), out);
    assertTrue(out.contains("scaled revision 2 to 3 (spec.replicas changed (in place))"), out);
    assertTrue(out.contains("InvalidSpec") || out.contains("spec.extensions[0].pip"), out);
    // the image without the plugin never gets ready: the start command refuses it (recorded from the real CKAN)
    assertTrue(out.contains("revision 3 verdict Failed (ProgressDeadlineExceeded"), out);
    assertTrue(out.contains("revision 4 verdict RolledBack (AutoRevert"), out);
    assertTrue(out.contains("pointer moved from revision 4 to revision 2 [AutoRevert]"), out);
    assertTrue(out.contains("pointer moved from revision 2 to revision 1 [Rollback]"), out);
    assertTrue(out.contains("migration portal-r1-migrate started"), out);
    assertTrue(out.contains("revision 5 migrated: schema 4b6a3f2e1d0c -> 9c1e5a7b3d2f"), out);
    assertTrue(out.contains("RollbackBlockedBySchema"), out);
    assertTrue(out.contains("pointer Service 'portal' selects revision 6"), out);
    assertTrue(out.contains("DEMO OK"), out);
  }
}
