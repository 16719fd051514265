package dev.autolog.core.run;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * A map from objects, compared by identity and held weakly, to values. Models are keys: two
 * models that are {@code equals} are still two trainings, and a model the job drops must not be
 * kept alive by the agent. Not thread-safe; callers synchronize.
 */
final class WeakIdentityMap<V> {
  private final Map<IdentityRef, V> map = new HashMap<>();
  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();

  V get(Object key) {
    expunge();
    return map.get(new IdentityRef(key, null));
  }

  void put(Object key, V value) {
    expunge();
    map.put(new IdentityRef(key, cleared), value);
  }

  void remove(Object key) {
    expunge();
    map.remove(new IdentityRef(key, null));
  }

  private void expunge() {
    for (Object ref; (ref = cleared.poll()) != null; ) {
      map.remove(ref);
    }
  }

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
      Object mine = get();
      return mine != null && mine == other.get();
    }
  }
}
