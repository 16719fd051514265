package dev.autolog.core.instrumentation;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies one advice class to the methods a matcher selects, reading and resolving the advice
 * class once, the first time a class is transformed. Byte Buddy's {@code Transformer.ForAdvice}
 * does the same work again for every class it transforms (a few milliseconds each, at class-load
 * time on the job's thread). The advice class is named, not referenced, so the agent never loads it.
 */
public final class ResolvedAdvice implements AgentBuilder.Transformer {
  private final ClassLoader agentLoader;
  private final ElementMatcher<? super MethodDescription> methods;
  private final String adviceClass;
  private volatile AsmVisitorWrapper visitor;

  /**
   * @param agentLoader the class loader whose resources hold the advice class's bytes
   * @param methods the methods to advise
   * @param adviceClass binary name of the class with the {@code @Advice.OnMethodEnter/Exit} methods
   */
  public ResolvedAdvice(ClassLoader agentLoader, ElementMatcher<? super MethodDescription> methods, String adviceClass) {
    this.agentLoader = agentLoader;
    this.methods = methods;
    this.adviceClass = adviceClass;
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
      JavaModule module, ProtectionDomain protectionDomain) {
    return builder.visit(visitor());
  }

  private AsmVisitorWrapper visitor() {
    AsmVisitorWrapper resolved = visitor;
    if (resolved == null) {
      synchronized (this) {
        resolved = visitor;
        if (resolved == null) {
          ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(agentLoader);
          TypeDescription advice = TypePool.Default.of(locator).describe(adviceClass).resolve();
          resolved = Advice.to(advice, locator).on(methods);
          visitor = resolved;
        }
      }
    }
    return resolved;
  }
}
