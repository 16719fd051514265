package dev.autolog.tribuo;

import static dev.autolog.core.instrumentation.MethodMatcher.named;

import dev.autolog.core.instrumentation.CallSubstitution;
import dev.autolog.core.instrumentation.MethodMatcher;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import dev.autolog.core.instrumentation.TypeMatcher;

/**
 * In {@code org.tribuo.protos.ProtoUtil.findMethod(Class, String, String, int)} (Tribuo 4.3+), the
 * call {@code Class.getMethods()} goes to {@code TribuoBridge.publicMethods(Class)}: see
 * {@link ModelSaveReflection}. Nothing else in Tribuo's serialization changes.
 */
final class ProtoUtilInstrumentation {
  static final String PROTO_UTIL = "org.tribuo.protos.ProtoUtil";
  /** {@code findMethod}'s descriptor; only a class declaring or calling it holds this string. */
  static final String FIND_METHOD_DESCRIPTOR =
      "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;I)Ljava/lang/reflect/Method;";

  private ProtoUtilInstrumentation() {}

  static TypeInstrumentation instrumentation() {
    MethodMatcher findMethod =
        named("findMethod").and((access, name, descriptor) -> descriptor.equals(FIND_METHOD_DESCRIPTOR));
    return new TypeInstrumentation(TypeMatcher.named(PROTO_UTIL),
        new CallSubstitution(findMethod, "java/lang/Class", "getMethods", "()[Ljava/lang/reflect/Method;",
            TribuoInstrumentationModule.BRIDGE, "publicMethods"));
  }
}
