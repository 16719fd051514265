package dev.autolog.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.util.fixtures.Fixtures;
import dev.autolog.core.util.fixtures.Greeter;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReflectTest {

  @Test
  void callsAPublicMethodOfAPackagePrivateClassThroughItsPublicInterface() throws Exception {
    Greeter greeter = Fixtures.greeter();
    // The scenario is real: the implementation class's own Method is not accessible from here.
    assertThrows(IllegalAccessException.class,
        () -> greeter.getClass().getMethod("greet", String.class).invoke(greeter, "x"));

    assertEquals("hello bob", Reflect.call(greeter, "greet", "bob"));
    assertEquals(1, Reflect.call(greeter, "count")); // only the call through Reflect got in
    assertEquals("hidden", Reflect.call(greeter, "name")); // declared on a super-interface
  }

  @Test
  void callsJdkInternalImplementationsThroughTheirInterfaces() throws Exception {
    // ImmutableCollections.ListN and Collections.UnmodifiableRandomAccessList are not public, and
    // java.base is not open, so only the public interface method can be invoked.
    assertEquals(2, Reflect.call(List.of(1, 2, 3), "get", 1));
    assertEquals(1, Reflect.call(Collections.unmodifiableList(new ArrayList<>(List.of("a"))), "size"));
    Object entry = Map.of("k", "v").entrySet().iterator().next();
    assertEquals("k", Reflect.call(entry, "getKey"));
  }

  @Test
  void fallsBackToDeclaredMethodsOnNoPublicType() throws Exception {
    assertEquals("secret of hidden", Reflect.call(Fixtures.greeter(), "secret"));
    assertEquals("ppp", Reflect.call(Fixtures.child(), "privateMethod", 3));
  }

  @Test
  void aMissingMethodIsNoSuchMethodEveryTime() {
    Greeter greeter = Fixtures.greeter();
    for (int i = 0; i < 2; i++) { // the second lookup comes from the cache
      NoSuchMethodException e = assertThrows(NoSuchMethodException.class, () -> Reflect.call(greeter, "absent"));
      assertTrue(e.getMessage().endsWith("HiddenGreeter.absent/0"), e.getMessage());
    }
    assertThrows(NoSuchMethodException.class, () -> Reflect.call(greeter, "greet"));
  }

  @Test
  void anExceptionFromTheMethodIsWrappedAndAnErrorIsRethrown() {
    Object thrower = Fixtures.thrower();
    InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> Reflect.call(thrower, "fails"));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    AssertionError error = assertThrows(AssertionError.class, () -> Reflect.call(thrower, "breaks"));
    assertEquals("an error", error.getMessage());
  }

  @Test
  void tryCallAnswersNullInsteadOfThrowing() {
    Greeter greeter = Fixtures.greeter();
    assertEquals("hello amy", Reflect.tryCall(greeter, "greet", "amy"));
    assertNull(Reflect.tryCall(greeter, "absent"));
    assertNull(Reflect.tryCall(Fixtures.thrower(), "fails"));
    assertNull(Reflect.tryCall(null, "anything"));
  }

  @Test
  void fieldReadsOwnAndInheritedFields() {
    Object child = Fixtures.child();
    assertEquals(42, Reflect.field(child, "own"));
    assertEquals("from parent", Reflect.field(child, "inherited"));
    assertEquals("child's", Reflect.field(child, "shadowed")); // the nearest declaration wins
    assertNull(Reflect.field(child, "absent"));
  }

  @Test
  void isAFollowsSuperclassesAndInterfaces() {
    Object child = Fixtures.child();
    assertTrue(Reflect.isA(child, "dev.autolog.core.util.fixtures.Parent"));
    assertTrue(Reflect.isA(child, "dev.autolog.core.util.fixtures.Named"));
    assertTrue(Reflect.isA(child, "java.lang.Object"));
    assertTrue(Reflect.isA(Fixtures.greeter(), "dev.autolog.core.util.fixtures.Named")); // via Greeter
    assertTrue(Reflect.isA(new ArrayList<>(), "java.util.Collection")); // via List, via a superclass
    assertFalse(Reflect.isA(child, "dev.autolog.core.util.fixtures.Greeter"));
    assertFalse(Reflect.isA((Object) null, "java.lang.Object"));
  }

  @Test
  void classNearLoadsThroughTheObjectsLoader() {
    assertSame(Greeter.class, Reflect.classNear(Fixtures.greeter(), "dev.autolog.core.util.fixtures.Greeter"));
    assertNull(Reflect.classNear(Fixtures.greeter(), "no.such.Type"));
  }

  @Test
  void callStaticCallsAStaticMethodByName() throws Exception {
    assertEquals(42, Reflect.callStatic(getClass().getClassLoader(), "java.lang.Integer", "parseInt",
        new Class<?>[] {String.class}, "42"));
  }
}
