package dev.autolog.core.instrumentation;

import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Which methods of a matched class get a {@link MethodHook}, decided from the class file alone
 * (access flags, name and descriptor), so no class is loaded to decide.
 */
@FunctionalInterface
public interface MethodMatcher {
  /**
   * @param access the method's access flags ({@link Opcodes}{@code .ACC_*})
   * @param name the method's name
   * @param descriptor the method's descriptor, e.g. {@code (Lorg/tribuo/Dataset;)Lorg/tribuo/Model;}
   */
  boolean matches(int access, String name, String descriptor);

  /** Both this and {@code other}. */
  default MethodMatcher and(MethodMatcher other) {
    return (access, name, descriptor) -> matches(access, name, descriptor) && other.matches(access, name, descriptor);
  }

  /** Methods called one of {@code names}. */
  static MethodMatcher named(String... names) {
    Set<String> set = Set.of(names);
    return (access, name, descriptor) -> set.contains(name);
  }

  /** Public methods. */
  static MethodMatcher isPublic() {
    return (access, name, descriptor) -> (access & Opcodes.ACC_PUBLIC) != 0;
  }

  /** Methods the compiler did not generate as bridges (covariant returns, generics); they call the real method. */
  static MethodMatcher notBridge() {
    return (access, name, descriptor) -> (access & Opcodes.ACC_BRIDGE) == 0;
  }

  /** Methods taking exactly {@code count} parameters. */
  static MethodMatcher takesArguments(int count) {
    return (access, name, descriptor) -> Type.getArgumentTypes(descriptor).length == count;
  }

  /** Methods whose parameter {@code index} is of the class {@code className} (binary name, e.g. {@code org.tribuo.Dataset}). */
  static MethodMatcher takesArgument(int index, String className) {
    String wanted = "L" + className.replace('.', '/') + ";";
    return (access, name, descriptor) -> {
      Type[] arguments = Type.getArgumentTypes(descriptor);
      return index < arguments.length && arguments[index].getDescriptor().equals(wanted);
    };
  }

  /** Methods {@code matcher} does not match. */
  static MethodMatcher not(MethodMatcher matcher) {
    return (access, name, descriptor) -> !matcher.matches(access, name, descriptor);
  }
}
