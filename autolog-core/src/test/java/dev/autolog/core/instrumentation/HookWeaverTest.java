package dev.autolog.core.instrumentation;

import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_0;
import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_1;
import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_2;
import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THIS;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.config.AutologConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The weaver on real class files: fixture classes are woven and defined by a class loader of their
 * own (so the JVM verifies them, stack map frames included), then run. Each test compares with the
 * same class unwoven, loaded by a second loader.
 */
class HookWeaverTest {
  private static final String FIXTURE = "dev.autolog.core.instrumentation.fixture.";
  private static final List<HookValue> ENTER = List.of(THIS, ARGUMENT_0, ARGUMENT_1, ARGUMENT_2);
  private static final List<HookValue> EXIT = List.of(TOKEN, THIS, ARGUMENT_0, RETURNED, THROWN);

  private final HookWeaver weaver = new HookWeaver(List.of(module(
      new TypeInstrumentation(TypeMatcher.nameStartsWith(FIXTURE).and(TypeMatcher.hasSuperType(FIXTURE + "Trainable")),
          List.of(hook(MethodMatcher.named("fit")), hook(MethodMatcher.named("train", "evaluate")))),
      new TypeInstrumentation(TypeMatcher.named(FIXTURE + "StaticFit"), hook(MethodMatcher.named("fit"))),
      new TypeInstrumentation(TypeMatcher.named(FIXTURE + "MethodFinder"), publicMethods(MethodMatcher.named("find"))))),
      HookWeaverTest.class.getClassLoader());

  @BeforeEach
  void reset() {
    RecordingBridge.reset();
  }

  @Test
  void primitivesOfEverySizeAreBoxedInAndOutAndTheResultIsUnchanged() throws Exception {
    Object network = woven("Network");
    Object plain = plain("Network");

    Object sum = call(network, "fit", new Class<?>[] {int.class, long.class, double.class}, 5, 7L, 2.5);
    assertEquals(call(plain, "fit", new Class<?>[] {int.class, long.class, double.class}, 5, 7L, 2.5), sum);
    assertEquals(List.of(Arrays.asList(network, 5, 7L, 2.5)), RecordingBridge.enters);
    assertEquals(List.of(Arrays.asList(RecordingBridge.tokens.get(0), network, 5, sum, null)), RecordingBridge.exits);
    assertEquals(Long.class, sum.getClass());

    RecordingBridge.reset();
    assertEquals(8.5, call(network, "fit", new Class<?>[] {double.class}, 4.25));
    assertEquals(Arrays.asList(network, 4.25, null, null), RecordingBridge.enters.get(0), "missing arguments are null");
    assertEquals(8.5, RecordingBridge.exits.get(0).get(3));

    RecordingBridge.reset();
    int[] values = (int[]) call(network, "fit", new Class<?>[] {int.class, char.class}, 3, 'a');
    assertArrayEquals(new int[] {97, 98, 99}, values);
    assertEquals(Arrays.asList(network, 3, 'a', null), RecordingBridge.enters.get(0));
    assertSame(values, RecordingBridge.exits.get(0).get(3));
  }

  @Test
  void aVoidMethodReportsNoReturnedValue() throws Exception {
    Object network = woven("Network");
    assertNull(call(network, "fit", new Class<?>[0]));
    assertEquals(1, RecordingBridge.enters.size());
    List<Object> exit = RecordingBridge.exits.get(0);
    assertEquals(Arrays.asList(network, null, null), exit.subList(1, 4));
    assertNull(exit.get(4));
  }

  @Test
  void anExceptionReachesTheExitAndThenTheCallerUnchangedWithTheSameStackTrace() throws Exception {
    Throwable woven = thrownBy(woven("Network"));
    Throwable plain = thrownBy(plain("Network"));
    assertEquals(IllegalStateException.class, woven.getClass());
    assertEquals("boom", woven.getMessage());
    assertSame(woven, RecordingBridge.exits.get(0).get(4), "the exit gets the exception the caller gets");
    assertNull(RecordingBridge.exits.get(0).get(3));
    StackTraceElement wovenTop = woven.getStackTrace()[0];
    StackTraceElement plainTop = plain.getStackTrace()[0];
    assertEquals(plainTop.getMethodName(), wovenTop.getMethodName());
    assertEquals(plainTop.getLineNumber(), wovenTop.getLineNumber(), "line numbers are kept");
    assertTrue(wovenTop.getLineNumber() > 0);
  }

  @Test
  void anExceptionTheMethodHandlesItselfIsNotSeenByTheExit() throws Exception {
    Object network = woven("Network");
    assertEquals("text abc", call(network, "fit", new Class<?>[] {String.class}, "abc"));
    assertEquals("number 12", call(network, "fit", new Class<?>[] {String.class}, "12"));
    assertEquals(2, RecordingBridge.exits.size());
    assertEquals("text abc", RecordingBridge.exits.get(0).get(3));
    assertNull(RecordingBridge.exits.get(0).get(4));
    assertNull(RecordingBridge.exits.get(1).get(4));
  }

  @Test
  void whatTheBridgeThrowsIsDroppedAndTheMethodBehavesAsWithout() throws Exception {
    Object network = woven("Network");
    RecordingBridge.failEnter = true;
    RecordingBridge.failExit = true;
    assertEquals(20L, call(network, "fit", new Class<?>[] {int.class, long.class, double.class}, 2, 10L, 0.5));
    assertNull(RecordingBridge.exits.get(0).get(0), "a failed entry leaves a null token");
    Throwable thrown = thrownBy(network);
    assertEquals("boom", thrown.getMessage(), "the method's own exception, not the bridge's");
    assertEquals(2, RecordingBridge.exits.size());
  }

  @Test
  void interfaceDefaultMethodsAndSubtypesFoundThroughClassFilesAreHooked() throws Exception {
    Object network = woven("Network");
    // Trainable's default train runs in the woven interface (the woven Network implements it).
    assertEquals("data x3", call(network, "train", new Class<?>[] {String.class, int.class}, "data", 3));
    assertEquals(Arrays.asList(network, "data", 3, null), RecordingBridge.enters.get(0));
    assertEquals("evaluated d", call(network, "evaluate", new Class<?>[] {String.class}, "d"));
    assertEquals(2, RecordingBridge.exits.size());
    assertEquals("evaluated d", RecordingBridge.exits.get(1).get(3));
  }

  @Test
  void classesThatMatchNothingAreNotRewritten() throws Exception {
    assertNull(weaver.weave(getClass().getClassLoader(), internal("BaseTrainer"), bytes("BaseTrainer")),
        "an abstract fit has no code to hook");
    assertNull(weaver.weave(getClass().getClassLoader(), "dev/autolog/core/instrumentation/RecordingBridge",
        resource("RecordingBridge.class")), "outside the matched names");
  }

  @Test
  void aMatchingStaticMethodIsRefusedSoTheClassLoadsUnchanged() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> weaver.weave(getClass().getClassLoader(), internal("StaticFit"), bytes("StaticFit")));
    assertTrue(e.getMessage().contains("fit(Ljava/lang/String;)Ljava/lang/String; is static"), e.getMessage());
  }

  @Test
  void aLoaderThatCannotSeeTheAgentsBridgeGetsNoHooks() throws Exception {
    // It finds the fixture's class files (so the type matches) and a copy of the bridge of its own.
    java.net.URL testClasses = HookWeaverTest.class.getProtectionDomain().getCodeSource().getLocation();
    try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(new java.net.URL[] {testClasses}, null)) {
      assertNotNull(isolated.loadClass(RecordingBridge.class.getName()));
      assertNull(weaver.weave(isolated, internal("Network"), bytes("Network")));
    }
    assertNotNull(weaver.weave(getClass().getClassLoader(), internal("Network"), bytes("Network")));
  }

  @Test
  void aSubstitutedCallGoesToTheBridgeInTheMatchedStaticMethodOnly() throws Exception {
    Class<?> woven = new FixtureLoader(true).loadClass(FIXTURE + "MethodFinder");
    Class<?> plain = new FixtureLoader(false).loadClass(FIXTURE + "MethodFinder");
    Method find = woven.getMethod("find", Class.class, String.class);

    assertEquals(plain.getMethod("find", Class.class, String.class).invoke(null, StringBuilder.class, "reverse"),
        find.invoke(null, StringBuilder.class, "reverse"));
    assertEquals(List.of(StringBuilder.class), RecordingBridge.methodsAskedFor);
    // Its caller reaches it unchanged, and the method it does not match keeps its own call.
    Object finder = woven.getConstructor().newInstance();
    assertEquals("isEmpty/0", call(finder, "findOnString", new Class<?>[0]));
    assertEquals(String.class.getMethods().length, call(finder, "count", new Class<?>[] {Class.class}, String.class));
    assertEquals(List.of(StringBuilder.class, String.class), RecordingBridge.methodsAskedFor);
    // What the original call throws is thrown as before.
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> find.invoke(null, String.class, "noSuchMethod"));
    assertEquals(IllegalArgumentException.class, e.getCause().getClass());
  }

  @Test
  void aMatchedMethodThatMakesNoSuchCallLeavesTheClassUnchanged() {
    HookWeaver substitutesOnly = new HookWeaver(List.of(module(new TypeInstrumentation(
        TypeMatcher.named(FIXTURE + "StaticFit"), publicMethods(MethodMatcher.named("fit"))))),
        HookWeaverTest.class.getClassLoader());
    assertNull(substitutesOnly.weave(getClass().getClassLoader(), internal("StaticFit"), bytes("StaticFit")));
  }

  private Throwable thrownBy(Object network) throws Exception {
    Method fit = network.getClass().getMethod("fit", String.class, boolean.class);
    InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> fit.invoke(network, "boom", true));
    assertNotNull(e.getCause());
    return e.getCause();
  }

  private static Object call(Object target, String name, Class<?>[] types, Object... args) throws Exception {
    return target.getClass().getMethod(name, types).invoke(target, args);
  }

  private Object woven(String simpleName) throws Exception {
    return new FixtureLoader(true).loadClass(FIXTURE + simpleName).getConstructor().newInstance();
  }

  private Object plain(String simpleName) throws Exception {
    return new FixtureLoader(false).loadClass(FIXTURE + simpleName).getConstructor().newInstance();
  }

  private static String internal(String simpleName) {
    return (FIXTURE + simpleName).replace('.', '/');
  }

  private static byte[] bytes(String simpleName) {
    return resource("fixture/" + simpleName + ".class");
  }

  private static byte[] resource(String path) {
    try (InputStream in = HookWeaverTest.class.getResourceAsStream(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Defines the fixture classes itself, woven or not; everything else (the bridge) comes from the test's loader. */
  private final class FixtureLoader extends ClassLoader {
    private final boolean weave;

    FixtureLoader(boolean weave) {
      super(HookWeaverTest.class.getClassLoader());
      this.weave = weave;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(FIXTURE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          byte[] original = bytes(name.substring(FIXTURE.length()));
          byte[] woven = weave ? weaver.weave(this, name.replace('.', '/'), original) : null;
          byte[] bytes = woven == null ? original : woven;
          loaded = defineClass(name, bytes, 0, bytes.length);
        }
        return loaded;
      }
    }
  }

  private static MethodHook hook(MethodMatcher methods) {
    return new MethodHook(methods, RecordingBridge.class.getName(), "enter", ENTER, "exit", EXIT);
  }

  private static CallSubstitution publicMethods(MethodMatcher methods) {
    return new CallSubstitution(methods, "java/lang/Class", "getMethods", "()[Ljava/lang/reflect/Method;",
        RecordingBridge.class.getName(), "publicMethods");
  }

  private static InstrumentationModule module(TypeInstrumentation... instrumentations) {
    return new InstrumentationModule() {
      @Override
      public String name() {
        return "fixture";
      }

      @Override
      public boolean enabled(AutologConfig config) {
        return true;
      }

      @Override
      public List<String> instrumentedPackages() {
        return List.of(FIXTURE);
      }

      @Override
      public List<String> bridgeClasses() {
        return List.of(RecordingBridge.class.getName());
      }

      @Override
      public void connectHooks() {}

      @Override
      public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(instrumentations);
      }
    };
  }
}
