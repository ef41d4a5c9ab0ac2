/**
 * A simulated Kubernetes cluster for the operator's integration tests, the no-cluster demo and the benchmarks.
 *
 * <p>{@link io.ckan.sim.SimulatedCluster} runs the fabric8 mock API server (CRUD mode) and, on one controller thread,
 * plays the parts the mock lacks for objects labelled {@code app.kubernetes.io/managed-by=ckan-operator}:
 * the Deployment controller and kubelet (status of Deployments), the Job controller (Job status plus a terminated pod
 * carrying the termination message), and CKAN's {@code status_show} ({@link io.ckan.sim.FakeCkan}). What happens is
 * decided by a {@link io.ckan.sim.Scenario} of {@link io.ckan.sim.Behaviour}, {@link io.ckan.sim.JobBehaviour} and
 * {@link io.ckan.sim.CkanBehaviour} rules; all its durations are simulated time, scaled by
 * {@link io.ckan.sim.Scenario#timeScale(double)}.
 *
 * <p>Status is written like the real controllers write it: zero counts are omitted (null), conditions carry the
 * upstream reasons, and a status wiped by a main PUT is written again on the next event.
 *
 * <p>The mock differs from a real API server: no server-side apply or strategic-merge patch (415; JSON patch and JSON
 * merge patch work), set-based label selectors ({@code in}, {@code notin}) are ignored (match everything), a watch
 * replays every existing object as ADDED whatever resourceVersion it starts from, the /status subresource accepts a
 * stale resourceVersion, a main PUT of a built-in kind replaces its status, and there is no garbage collection
 * through ownerReferences (except Job pods, which the simulated Job controller deletes with their Job).
 * {@code metadata.generation} is maintained: 1 on create, +1 on every write that changes anything outside metadata
 * and status.
 */
package io.ckan.sim;
