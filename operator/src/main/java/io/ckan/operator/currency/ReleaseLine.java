package io.ckan.operator.currency;

import java.time.LocalDate;

/**
 * One CKAN minor line as the release-line table knows it.
 *
 * @param line           {@code X.Y}
 * @param supported      whether CKAN still releases patches for it (false: end-of-life)
 * @param latestPatch    the newest {@code X.Y.Z} of the line
 * @param released       when {@code latestPatch} was released (null when unknown)
 * @param migrationNotes where CKAN documents what upgrading to this line needs
 */
public record ReleaseLine(String line, boolean supported, String latestPatch, LocalDate released,
    String migrationNotes) {}
