package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What the simulated cluster does: ordered rules per kind (the first matching rule decides, otherwise the default),
 * plus a global time scale. Thread-safe and mutable at runtime: every change re-evaluates all Deployments, so a demo
 * can break a running revision between two steps.
 *
 * <p>All durations (behaviour delays, {@code spec.progressDeadlineSeconds}, {@code spec.activeDeadlineSeconds}) are
 * simulated time; the wall-clock time is simulated time multiplied by {@link #timeScale()}.
 */
public final class Scenario {

  private final RuleList<Deployment, Behaviour> deploymentRules = new RuleList<>();
  private final RuleList<Job, JobSequence> jobRules = new RuleList<>();
  private final RuleList<Deployment, CkanBehaviour> ckanRules = new RuleList<>();
  private final RuleList<PageRequest, Integer> pageRules = new RuleList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Behaviour defaultBehaviour = Behaviour.healthy();
  private volatile JobBehaviour defaultJobBehaviour = JobBehaviour.succeed();
  private volatile double timeScale = 1.0;

  /** A scenario where everything is healthy: Deployments ready after 2 s, Jobs succeed after 1 s with "{}". */
  public static Scenario create() {
    return new Scenario();
  }

  // ---- time ----

  /** Wall-clock time = simulated time x factor; e.g. 0.001 turns a 600 s progress deadline into 600 ms. */
  public Scenario timeScale(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("time scale must be positive: " + factor);
    }
    this.timeScale = factor;
    return changed();
  }

  public double timeScale() {
    return timeScale;
  }

  /** The wall-clock duration of a simulated one. */
  public Duration toWallClock(Duration simulated) {
    return Behaviour.scale(simulated, timeScale);
  }

  // ---- Deployments ----

  public Scenario defaultBehaviour(Behaviour behaviour) {
    this.defaultBehaviour = Objects.requireNonNull(behaviour);
    return changed();
  }

  public Scenario when(Predicate<Deployment> predicate, Behaviour behaviour) {
    deploymentRules.add(predicate, behaviour);
    return changed();
  }

  /** Deployments whose pod template has a container image containing {@code fragment} (e.g. a digest). */
  public Scenario whenImageContains(String fragment, Behaviour behaviour) {
    return when(imageContains(fragment), behaviour);
  }

  /** Deployments labelled with this instance and revision (web and worker). */
  public Scenario whenRevision(String instance, int revision, Behaviour behaviour) {
    return when(d -> Labels.isRevision(d, instance, revision), behaviour);
  }

  public Scenario whenDeploymentNamed(String name, Behaviour behaviour) {
    return when(d -> name.equals(d.getMetadata().getName()), behaviour);
  }

  public Behaviour behaviourFor(Deployment deployment) {
    return deploymentRules.firstMatch(deployment).orElse(defaultBehaviour);
  }

  // ---- Jobs ----

  public Scenario defaultJobBehaviour(JobBehaviour behaviour) {
    this.defaultJobBehaviour = Objects.requireNonNull(behaviour);
    return changed();
  }

  /**
   * Jobs matching the predicate get the behaviours in order: the first such Job the first behaviour, the next Job the
   * second one, ...; the last behaviour repeats (so {@code whenJob(p, fail(..), succeed(..))} fails once).
   */
  public Scenario whenJob(Predicate<Job> predicate, JobBehaviour first, JobBehaviour... then) {
    jobRules.add(predicate, new JobSequence(first, then));
    return changed();
  }

  /** Jobs whose name starts with {@code namePrefix}. */
  public Scenario whenJob(String namePrefix, JobBehaviour first, JobBehaviour... then) {
    return whenJob(j -> j.getMetadata().getName().startsWith(namePrefix), first, then);
  }

  /** Jobs with label {@code app.kubernetes.io/component=<component>} (build or migrate). */
  public Scenario whenJobComponent(String component, JobBehaviour first, JobBehaviour... then) {
    return whenJob(j -> Labels.has(j, Labels.COMPONENT, component), first, then);
  }

  /** Decides the behaviour of a new Job; advances the matching rule's sequence, so call it once per Job. */
  public JobBehaviour jobBehaviourFor(Job job) {
    return jobRules.firstMatch(job).map(JobSequence::next).orElse(defaultJobBehaviour);
  }

  // ---- CKAN status_show ----

  public Scenario ckanWhen(Predicate<Deployment> predicate, CkanBehaviour behaviour) {
    ckanRules.add(predicate, behaviour);
    return changed();
  }

  public Scenario ckanWhenRevision(String instance, int revision, CkanBehaviour behaviour) {
    return ckanWhen(d -> Labels.isRevision(d, instance, revision), behaviour);
  }

  public Scenario ckanWhenImageContains(String fragment, CkanBehaviour behaviour) {
    return ckanWhen(imageContains(fragment), behaviour);
  }

  public CkanBehaviour ckanBehaviourFor(Deployment deployment) {
    return ckanRules.firstMatch(deployment).orElse(CkanBehaviour.normal());
  }

  // ---- CKAN's dependencies: shared by every revision, like the real ones ----

  private volatile boolean solrDown;
  private volatile boolean databaseDown;

  /**
   * Solr is down for every Deployment: {@code package_search} answers as a real CKAN 2.11.5 did with Solr stopped
   * (recorded: HTTP 500, Search Connection Error), and so does the dataset page; status_show still answers.
   */
  public Scenario solrDown(boolean down) {
    this.solrDown = down;
    return changed();
  }

  public boolean solrDown() {
    return solrDown;
  }

  /**
   * PostgreSQL is down for every Deployment: every request answers HTTP 500, status_show included, as a real CKAN
   * 2.11.5 did with PostgreSQL stopped (recorded: it reads system_info from the database before each request).
   */
  public Scenario databaseDown(boolean down) {
    this.databaseDown = down;
    return changed();
  }

  public boolean databaseDown() {
    return databaseDown;
  }

  private volatile boolean redisDown;

  /**
   * Redis is down for every Deployment: where a Deployment keeps sessions in Redis ({@code CKAN___SESSION_TYPE=redis})
   * a request with a session cookie, and every page, answers HTTP 500 as recorded; the API without a cookie answers.
   */
  public Scenario redisDown(boolean down) {
    this.redisDown = down;
    return changed();
  }

  public boolean redisDown() {
    return redisDown;
  }

  // ---- pages a smoke check asks for (rollout.checks[]) ----

  /** A GET of a page (not the action API) of one Deployment's CKAN. */
  public record PageRequest(Deployment deployment, String path) {}

  /** Revision {@code revision}'s CKAN answers {@code path} with {@code status} (e.g. a page it broke: 500). */
  public Scenario pageWhenRevision(String instance, int revision, String path, int status) {
    pageRules.add(r -> r.path().equals(path) && Labels.isRevision(r.deployment(), instance, revision), status);
    return changed();
  }

  /** The status a rule gives this page, if any (otherwise {@link CkanPages} answers as CKAN does). */
  public java.util.Optional<Integer> pageStatusFor(Deployment deployment, String path) {
    return pageRules.firstMatch(new PageRequest(deployment, path));
  }

  // ---- images: what an image really contains (see CkanStartEmulation) ----

  /**
   * What images whose reference contains {@code fragment} contain.
   *
   * @param version the CKAN version installed (null: whatever the revision expects)
   * @param lacks   plugins the image does not have
   */
  public record Image(String fragment, String version, List<String> lacks) {}

  private final List<Image> images = new CopyOnWriteArrayList<>();

  /** Images matching {@code fragment} run CKAN {@code version}: the operator's start command refuses another. */
  public Scenario imageRunsCkan(String fragment, String version) {
    images.add(0, new Image(fragment, version, List.of()));
    return changed();
  }

  /** Images matching {@code fragment} lack these plugins: the operator's start command refuses to start. */
  public Scenario imageLacksPlugins(String fragment, String... plugins) {
    images.add(0, new Image(fragment, null, List.of(plugins)));
    return changed();
  }

  /** The first image rule matching this reference, or null. */
  public Image image(String reference) {
    return reference == null ? null
        : images.stream().filter(i -> reference.contains(i.fragment())).findFirst().orElse(null);
  }

  // ---- housekeeping ----

  /** Drops all rules (Deployment, Job and CKAN); keeps the defaults and the time scale. */
  public Scenario clearRules() {
    deploymentRules.clear();
    jobRules.clear();
    images.clear();
    ckanRules.clear();
    pageRules.clear();
    return changed();
  }

  /** Called after every change (the cluster uses it to re-evaluate everything). */
  public void addChangeListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  private Scenario changed() {
    listeners.forEach(Runnable::run);
    return this;
  }

  private static Predicate<Deployment> imageContains(String fragment) {
    Objects.requireNonNull(fragment, "fragment");
    return d -> containers(d).stream().map(Container::getImage).anyMatch(i -> i != null && i.contains(fragment));
  }

  static List<Container> containers(Deployment deployment) {
    return Optional.ofNullable(deployment.getSpec()).map(s -> s.getTemplate()).map(PodTemplateSpec::getSpec)
        .map(s -> s.getContainers()).orElse(List.of());
  }

  /** A rule's behaviours handed out in order, the last one repeating. */
  private static final class JobSequence {
    private final List<JobBehaviour> behaviours;
    private final AtomicInteger next = new AtomicInteger();

    JobSequence(JobBehaviour first, JobBehaviour... then) {
      List<JobBehaviour> all = new ArrayList<>();
      all.add(Objects.requireNonNull(first));
      all.addAll(List.of(then));
      this.behaviours = List.copyOf(all);
    }

    JobBehaviour next() {
      int i = next.getAndIncrement();
      return behaviours.get(Math.min(i, behaviours.size() - 1));
    }
  }
}
