package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.PlanInput;
import io.ckan.operator.plan.Planner;
import io.ckan.operator.plan.Step;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.resources.Labels;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** observe -> validate -> plan -> apply -> report. All deciding happens in {@link Planner}. */
// Annotation-only updates (rollback requests) must reach the reconciler, so events are not filtered by generation.
@ControllerConfiguration(name = "ckaninstance", generationAwareEventProcessing = false)
public class CkanInstanceReconciler implements Reconciler<CkanInstance> {

  private final Clock clock;
  private final Consumer<String> journal;
  private final Map<Class<?>, InformerEventSource<? extends HasMetadata, CkanInstance>> sources = new HashMap<>();

  public CkanInstanceReconciler(Clock clock, Consumer<String> journal) {
    this.clock = clock;
    this.journal = journal;
  }

  @Override
  public List<EventSource<?, CkanInstance>> prepareEventSources(EventSourceContext<CkanInstance> context) {
    InformerEventSource<Deployment, CkanInstance> deployments = informer(Deployment.class, context);
    InformerEventSource<Service, CkanInstance> services = informer(Service.class, context);
    InformerEventSource<ConfigMap, CkanInstance> configMaps = informer(ConfigMap.class, context);
    sources.put(Deployment.class, deployments);
    sources.put(Service.class, services);
    sources.put(ConfigMap.class, configMaps);
    return List.of(deployments, services, configMaps);
  }

  private static <R extends HasMetadata> InformerEventSource<R, CkanInstance> informer(Class<R> type,
      EventSourceContext<CkanInstance> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, CkanInstance.class)
        .withName(type.getSimpleName().toLowerCase())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(CkanInstance.class))
        .build(), context);
  }

  @Override
  public UpdateControl<CkanInstance> reconcile(CkanInstance instance, Context<CkanInstance> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String name = instance.getMetadata().getName();
    ClusterObserver.Observed observed = ClusterObserver.observe(name,
        context.getSecondaryResources(Deployment.class), context.getSecondaryResources(Service.class),
        context.getSecondaryResources(ConfigMap.class));
    CkanInstanceSpec spec = instance.getSpec();
    ReleaseOutcome outcome = ReleaseFactory.from(spec);
    RolloutSpec rollout = spec == null || spec.rollout == null ? new RolloutSpec() : spec.rollout;
    int replicas = spec == null || spec.replicas == null ? 1 : spec.replicas;
    boolean paused = spec != null && Boolean.TRUE.equals(spec.paused);
    Plan plan = Planner.plan(new PlanInput(outcome, replicas, rollout, paused, observed.revisions(),
        observed.pointer(), now));

    Release release = outcome instanceof ReleaseOutcome.Ready ready ? ready.release() : null;
    StepApplier applier = new StepApplier(context.getClient(), cacheFiller(), journal);
    Owner owner = Owner.of(instance);
    for (Step step : plan.steps()) {
      applier.apply(step, owner, release, rollout.progressDeadlineSecondsOrDefault(), now);
    }

    CkanInstanceStatus status = StatusReport.build(instance.getMetadata().getGeneration() == null ? 0
        : instance.getMetadata().getGeneration(), observed, plan, instance.getStatus(), now);
    UpdateControl<CkanInstance> control;
    if (StatusReport.differs(instance.getStatus(), status)) {
      CkanInstance patch = new CkanInstance();
      patch.setMetadata(instance.getMetadata());
      patch.setStatus(status);
      control = UpdateControl.patchStatus(patch);
    } else {
      control = UpdateControl.noUpdate();
    }
    plan.requeueAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private StepApplier.WriteListener cacheFiller() {
    return new StepApplier.WriteListener() {
      @Override
      public void created(HasMetadata object) {
        InformerEventSource source = sources.get(object.getClass());
        if (source != null) {
          source.handleRecentResourceCreate(ResourceID.fromResource(object), object);
        }
      }

      @Override
      public void updated(HasMetadata object) {
        InformerEventSource source = sources.get(object.getClass());
        if (source != null) {
          ResourceID id = ResourceID.fromResource(object);
          Object previous = source.get(id).orElse(null);
          if (previous == null) {
            source.handleRecentResourceCreate(id, object);
          } else {
            source.handleRecentResourceUpdate(id, object, (HasMetadata) previous);
          }
        }
      }
    };
  }
}
