package dev.autolog.tribuo;

import dev.autolog.core.run.ModelRun;
import dev.autolog.core.tracking.RunInfo;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * Run bookkeeping Tribuo needs beyond what {@code RunManager} offers today.
 *
 * <p><b>Keys.</b> A Tribuo run is opened by a train call on a <i>trainer</i>, and the model only
 * exists once the call returns; the same trainer trains many models (cross-validation folds, a
 * loop over datasets), each its own run. So every outermost train call enters the RunManager with
 * a fresh key object of its own (a {@link TribuoHooks.RunKey}), and when the call returns the
 * model is {@linkplain #associate associated} with that key here: later evaluations of the model
 * enter the RunManager with the key and land in the run that trained it. The map holds models
 * weakly (by identity) and their keys strongly, so a key lives exactly as long as its model.
 * With a core {@code RunManager.associate(Object model, ModelRun run)} this map would go away.
 *
 * <p><b>Parents.</b> A cross-validation fold's run must be a child of the cross-validation run.
 * RunManager creates runs with no parent (or the job's parent run when {@code nested} is on), so
 * {@link #linkToParent} sets the child's {@code mlflow.parentRunId} tag once the parent run has
 * its tracker id (after any flush: the end of each fold's training call flushes). With a core
 * {@code RunManager.enterTraining(Object, String, String, ModelRun parent)} the child would be
 * created with its parent instead.
 */
final class TribuoRuns {
  private static final Map<IdentityRef, Object> KEYS = new HashMap<>();
  private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

  private TribuoRuns() {}

  /** Records that {@code model} was trained by the call the RunManager knows as {@code key}. */
  static synchronized void associate(Object model, Object key) {
    expunge();
    KEYS.put(new IdentityRef(model, COLLECTED), key);
  }

  /** The key {@code model}'s run is known by: its training call's, or the model itself when it was not trained here. */
  static synchronized Object keyOf(Object model) {
    expunge();
    Object key = KEYS.get(new IdentityRef(model, null));
    return key == null ? model : key;
  }

  /** Sets {@code child}'s parent tag to {@code parent}'s run id; false while the parent has none yet. */
  static boolean linkToParent(ModelRun child, ModelRun parent) {
    RunInfo info = parent.handle().info();
    if (info == null) {
      return false;
    }
    child.setTag("mlflow.parentRunId", info.runId());
    return true;
  }

  private static void expunge() {
    for (Object ref; (ref = COLLECTED.poll()) != null; ) {
      KEYS.remove(ref);
    }
  }

  /** A weak reference compared by referent identity. */
  private static final class IdentityRef extends WeakReference<Object> {
    private final int hash;

    IdentityRef(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof IdentityRef other)) {
        return false;
      }
      Object referent = get();
      return referent != null && referent == other.get();
    }
  }
}
