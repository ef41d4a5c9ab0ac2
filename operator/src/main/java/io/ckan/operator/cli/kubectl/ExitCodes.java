package io.ckan.operator.cli.kubectl;

/**
 * What {@code kubectl ckan} exits with, for scripts. {@code diff} follows {@code diff(1)} and {@code kubectl diff}:
 * 1 means "the revisions differ", not an error; every error is 2 or more.
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** Done: shown, or the request written. */
  public static final int OK = 0;
  /** {@code diff}: the two revisions differ. */
  public static final int DIFFERENT = 1;
  /** Wrong command, flag or argument; nothing was sent to the API server. */
  public static final int USAGE = 2;
  /** The instance (or a revision of it) does not exist. */
  public static final int NOT_FOUND = 3;
  /** Refused before writing: the request cannot have the effect asked for (the message says why and what to do). */
  public static final int REFUSED = 4;
  /** The API server could not be reached or refused the request (kubeconfig, RBAC, network). */
  public static final int API_ERROR = 5;
}
