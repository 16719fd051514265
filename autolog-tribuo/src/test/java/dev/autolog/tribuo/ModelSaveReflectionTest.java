package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.protos.core.FeatureDomainProto;

/**
 * Tribuo's own {@code ProtoUtil.findMethod}, woven by the agent: while a thread saves a model for
 * the agent it answers from one copy of a builder's methods; on every other thread it copies them
 * as it always did.
 */
class ModelSaveReflectionTest {
  private static Method findMethod;

  @BeforeAll
  static void installAgentAndFindTribuosLookup() throws Exception {
    InProcessAgent.install();
    findMethod = Class.forName(ProtoUtilInstrumentation.PROTO_UTIL)
        .getDeclaredMethod("findMethod", Class.class, String.class, String.class, int.class);
    findMethod.setAccessible(true);
  }

  @Test
  void whileTheAgentSavesAModelALookupAnswersFromOneCopy() throws Exception {
    List<Method> found = new ArrayList<>();
    ModelSaveReflection.whileSaving(() -> {
      found.add(lookUp());
      found.add(lookUp());
      return null;
    });
    assertEquals("setClassName", found.get(0).getName());
    assertSame(found.get(0), found.get(1), "the second lookup copied the methods again");
  }

  @Test
  void anyOtherCallCopiesTheMethodsAsTribuoDoes() throws Exception {
    Method first = lookUp();
    Method second = lookUp();
    assertEquals(first, second);
    assertNotSame(first, second, "a job's own lookup was answered from the agent's copy");
    // Nor does a thread that saved once keep the copy afterwards.
    ModelSaveReflection.whileSaving(this::lookUp);
    assertNotSame(lookUp(), lookUp());
  }

  @Test
  void protoUtilCallsTheBridgeInsteadOfGetMethods() throws Exception {
    Method[] kept = ModelSaveReflection.whileSaving(() -> ModelSaveReflection.publicMethods(FeatureDomainProto.Builder.class));
    assertTrue(kept.length > 20, kept.length + " methods");
    Method found = ModelSaveReflection.whileSaving(this::lookUp);
    assertTrue(java.util.Arrays.stream(kept).anyMatch(m -> m == found),
        "findMethod's answer is not one of the kept methods: it did not call the bridge");
  }

  private Method lookUp() throws Exception {
    return (Method) findMethod.invoke(null, FeatureDomainProto.Builder.class, "set", "className", 1);
  }
}
