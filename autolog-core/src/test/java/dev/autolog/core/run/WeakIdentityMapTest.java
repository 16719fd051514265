package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
  private final WeakIdentityMap<String> map = new WeakIdentityMap<>();

  @Test
  void keysAreComparedByIdentityNotEquality() {
    String a = new String("model");
    String b = new String("model");
    map.put(a, "run-a");
    assertEquals("run-a", map.get(a));
    assertNull(map.get(b));
    map.put(b, "run-b");
    assertEquals("run-a", map.get(a));
    assertEquals("run-b", map.get(b));
  }

  @Test
  void putReplacesAndRemoveForgets() {
    Object key = new Object();
    map.put(key, "first");
    map.put(key, "second");
    assertEquals("second", map.get(key));
    map.remove(key);
    assertNull(map.get(key));
  }
}
