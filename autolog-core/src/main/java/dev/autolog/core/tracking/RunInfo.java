package dev.autolog.core.tracking;

/**
 * What a tracker answers when it creates a run.
 *
 * @param runId the tracker's run id
 * @param experimentId the experiment the run belongs to
 * @param artifactUri where the run's artifacts live
 */
public record RunInfo(String runId, String experimentId, String artifactUri) {}
