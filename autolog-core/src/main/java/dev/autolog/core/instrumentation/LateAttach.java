package dev.autolog.core.instrumentation;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Instruments the modules' classes in a JVM where they may be in use already (an agent attached to a
 * running JVM): a retransformation-capable transformer for the classes loaded from now on, then the
 * modules' classes that have loaded, retransformed through it one at a time. The bridge classes must
 * be in place and connected first.
 */
public final class LateAttach {
  private LateAttach() {}

  /**
   * @param agentLoader the class loader whose view of each bridge class is the connected one
   * @param failed told the internal name of each class that could not be instrumented, and why; the
   *     class stays as it was
   */
  public static void install(Instrumentation inst, List<InstrumentationModule> modules, ClassLoader agentLoader,
      BiConsumer<String, Throwable> failed) {
    ClassFileFilter filter = ClassFileFilter.of(modules);
    WeavingTransformer weaving = new WeavingTransformer(new HookWeaver(modules, agentLoader), failed);
    inst.addTransformer(new ClassFileTransformer() {
      @Override
      public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
          ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || classfileBuffer == null || !filter.accepts(className, classfileBuffer)) {
          return null;
        }
        return weaving.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
      }
    }, true);
    for (Class<?> loaded : inst.getAllLoadedClasses()) {
      String internalName = loaded.getName().replace('.', '/');
      if (inst.isModifiableClass(loaded) && filter.mayAccept(internalName)) {
        try {
          // One at a time: a class that fails must not keep the others unchanged.
          inst.retransformClasses(loaded);
        } catch (Throwable t) {
          failed.accept(internalName, t);
        }
      }
    }
  }
}
