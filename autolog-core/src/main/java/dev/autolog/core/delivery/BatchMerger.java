package dev.autolog.core.delivery;

import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.MlflowLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Merges consecutive batches of one run into one request, within MLflow's per-request limits. */
final class BatchMerger {
  private final String runKey;
  private final List<Metric> metrics;
  private final Map<String, String> params;
  private final Map<String, String> tags;

  BatchMerger(Op.LogBatch first) {
    this.runKey = first.runKey();
    this.metrics = new ArrayList<>(first.metrics());
    this.params = new LinkedHashMap<>(first.params());
    this.tags = new LinkedHashMap<>(first.tags());
  }

  /** Adds {@code next} when it belongs to the same run and fits; false (and nothing added) otherwise. */
  boolean add(Op.LogBatch next) {
    if (!next.runKey().equals(runKey)) {
      return false;
    }
    int m = metrics.size() + next.metrics().size();
    int p = params.size() + next.params().size();
    int t = tags.size() + next.tags().size();
    if (m > MlflowLimits.MAX_METRICS_PER_BATCH || p > MlflowLimits.MAX_PARAMS_PER_BATCH
        || t > MlflowLimits.MAX_TAGS_PER_BATCH || m + p + t > MlflowLimits.MAX_ENTITIES_PER_BATCH) {
      return false;
    }
    // A key in both with another value must stay in order: a later tag value wins only if sent later.
    for (Map.Entry<String, String> e : next.params().entrySet()) {
      if (params.containsKey(e.getKey()) && !Objects.equals(params.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    for (Map.Entry<String, String> e : next.tags().entrySet()) {
      if (tags.containsKey(e.getKey()) && !Objects.equals(tags.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    metrics.addAll(next.metrics());
    params.putAll(next.params());
    tags.putAll(next.tags());
    return true;
  }

  Op.LogBatch toOp() {
    return new Op.LogBatch(runKey, metrics, params, tags);
  }
}
