package dev.autolog.core.instrumentation;

import dev.autolog.core.log.AgentLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Applies the modules' {@link TypeInstrumentation}s to class files, with nothing but ASM (Byte
 * Buddy's copy): match the class by name and by the super types its class files name, find the
 * hooked methods, and inline the bridge calls ({@link HookInliner}); in the methods a
 * {@link CallSubstitution} names, send the call it names to its bridge. Other methods are copied
 * as they are. No class is loaded or defined to decide or to transform, and the class's
 * shape (fields, methods, signatures) does not change, so the same transformation serves classes
 * being loaded and classes being retransformed.
 *
 * <p>It replaces Byte Buddy's {@code AgentBuilder} and {@code Advice}, whose own classes (about
 * 1,200 of them) took 0.4 s to load on the job's thread before the first DL4J or Tribuo class
 * could; this loads about 30.
 */
public final class HookWeaver {
  private final List<Candidate> candidates = new ArrayList<>();
  private final ClassLoader agentLoader;
  private final SuperTypes superTypes = new SuperTypes();
  /** Per class loader, per bridge class: whether the loader sees the agent's bridge. */
  private final Map<ClassLoader, Map<String, Boolean>> bridgeVisible = new WeakHashMap<>();

  private record Candidate(String module, TypeInstrumentation instrumentation) {}

  /**
   * @param modules the enabled modules
   * @param agentLoader the class loader whose view of each bridge class is the connected one
   */
  public HookWeaver(List<InstrumentationModule> modules, ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
    for (InstrumentationModule module : modules) {
      for (TypeInstrumentation instrumentation : module.typeInstrumentations()) {
        candidates.add(new Candidate(module.name(), instrumentation));
      }
    }
  }

  /**
   * The class file with the hooks inlined, or null if none applies to it.
   *
   * @param loader the class loader defining the class (null: the bootstrap loader)
   * @param internalName the class's name, e.g. {@code org/tribuo/Trainer}
   * @param classFile its bytes
   * @throws RuntimeException if the class cannot be instrumented (it then loads unchanged)
   */
  public byte[] weave(ClassLoader loader, String internalName, byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    List<MethodHook> hooks = new ArrayList<>();
    List<CallSubstitution> substitutions = new ArrayList<>();
    collectFor(loader, internalName, reader, hooks, substitutions);
    if (hooks.isEmpty() && substitutions.isEmpty()) {
      return null;
    }
    Map<String, MethodHook> hooked = new HashMap<>();
    Map<String, Integer> maxLocals = new HashMap<>();
    Map<String, List<CallSubstitution>> substituted = new HashMap<>();
    reader.accept(new ChangedMethods(hooks, substitutions, hooked, maxLocals, substituted),
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    if (hooked.isEmpty() && substituted.isEmpty()) {
      return null;
    }
    // Sharing the reader's constant pool lets the writer copy every other method's bytes as they are.
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      private boolean framed;

      @Override
      public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        framed = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        String key = name + descriptor;
        List<CallSubstitution> calls = substituted.get(key);
        if (calls != null) {
          next = new CallSubstituter(next, calls);
        }
        MethodHook hook = hooked.get(key);
        return hook == null ? next : new HookInliner(next, internalName, descriptor, hook, maxLocals.get(key), framed);
      }
    }, ClassReader.EXPAND_FRAMES);
    if (AgentLog.isDebug()) {
      AgentLog.debug("instrumented " + internalName.replace('/', '.') + ": hooked " + hooked.keySet()
          + ", calls replaced in " + substituted.keySet());
    }
    return writer.toByteArray();
  }

  /** Adds the hooks and substitutions of every instrumentation matching the class whose bridge its loader sees. */
  private void collectFor(ClassLoader loader, String internalName, ClassReader reader, List<MethodHook> hooks,
      List<CallSubstitution> substitutions) {
    ClassView view = new ClassView() {
      @Override
      public String name() {
        return internalName.replace('/', '.');
      }

      @Override
      public boolean isInterface() {
        return (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0;
      }

      @Override
      public boolean isSubtypeOf(String className) {
        return superTypes.isSubtype(loader, internalName, reader.getSuperName(), reader.getInterfaces(),
            className.replace('.', '/'));
      }
    };
    for (Candidate candidate : candidates) {
      if (candidate.instrumentation().types().matches(view)) {
        for (MethodHook hook : candidate.instrumentation().hooks()) {
          if (seesBridge(loader, hook.bridge(), candidate.module())) {
            hooks.add(hook);
          }
        }
        for (CallSubstitution substitution : candidate.instrumentation().substitutions()) {
          if (seesBridge(loader, substitution.bridge(), candidate.module())) {
            substitutions.add(substitution);
          }
        }
      }
    }
  }

  /**
   * Whether classes of {@code loader} resolve the bridge to the agent's (connected) one. A loader
   * that does not delegate to the bootstrap loader (some plugin systems) would fail every call.
   */
  private boolean seesBridge(ClassLoader loader, String bridge, String module) {
    Map<String, Boolean> known;
    synchronized (bridgeVisible) {
      known = bridgeVisible.computeIfAbsent(loader, l -> new HashMap<>());
    }
    synchronized (known) {
      Boolean visible = known.get(bridge);
      if (visible == null) {
        Class<?> seen = resolve(bridge, loader);
        visible = seen != null && seen == resolve(bridge, agentLoader);
        known.put(bridge, visible);
        if (!visible) {
          AgentLog.warnOnce(module + "-invisible-" + System.identityHashCode(loader),
              module + " classes loaded by " + loader + " cannot see the agent; their training is not logged");
        }
      }
      return visible;
    }
  }

  private static Class<?> resolve(String className, ClassLoader loader) {
    try {
      return Class.forName(className, false, loader);
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * First pass: which methods get which hook, and each one's {@code max_locals}; which methods make
   * a call to replace, and which calls.
   */
  private static final class ChangedMethods extends ClassVisitor {
    private final List<MethodHook> hooks;
    private final List<CallSubstitution> substitutions;
    private final Map<String, MethodHook> hooked;
    private final Map<String, Integer> maxLocals;
    private final Map<String, List<CallSubstitution>> substituted;

    ChangedMethods(List<MethodHook> hooks, List<CallSubstitution> substitutions, Map<String, MethodHook> hooked,
        Map<String, Integer> maxLocals, Map<String, List<CallSubstitution>> substituted) {
      super(Opcodes.ASM9);
      this.hooks = hooks;
      this.substitutions = substitutions;
      this.hooked = hooked;
      this.maxLocals = maxLocals;
      this.substituted = substituted;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      if (name.startsWith("<") || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
        return null;
      }
      String key = name + descriptor;
      MethodHook hook = hookFor(access, name, descriptor);
      List<CallSubstitution> candidates = new ArrayList<>();
      for (CallSubstitution substitution : substitutions) {
        if (substitution.methods().matches(access, name, descriptor)) {
          candidates.add(substitution);
        }
      }
      if (hook == null && candidates.isEmpty()) {
        return null;
      }
      if (hook != null) {
        hooked.put(key, hook);
      }
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitMethodInsn(int opcode, String owner, String callName, String callDescriptor,
            boolean isInterface) {
          for (CallSubstitution substitution : candidates) {
            if (substitution.replaces(opcode, owner, callName, callDescriptor)) {
              List<CallSubstitution> made = substituted.computeIfAbsent(key, k -> new ArrayList<>());
              if (!made.contains(substitution)) {
                made.add(substitution);
              }
            }
          }
        }

        @Override
        public void visitMaxs(int maxStack, int locals) {
          if (hook != null) { // only the inliner needs it
            maxLocals.put(key, locals);
          }
        }
      };
    }

    private MethodHook hookFor(int access, String name, String descriptor) {
      for (MethodHook hook : hooks) {
        if (hook.methods().matches(access, name, descriptor)) {
          if ((access & Opcodes.ACC_STATIC) != 0) {
            throw new IllegalStateException(
                "method " + name + descriptor + " is static; the " + hook.enter() + " hook needs an instance");
          }
          return hook;
        }
      }
      return null;
    }
  }

  /** Second pass, in a method {@link ChangedMethods} chose: sends each call to replace to its bridge. */
  private static final class CallSubstituter extends MethodVisitor {
    private final List<CallSubstitution> substitutions;

    CallSubstituter(MethodVisitor next, List<CallSubstitution> substitutions) {
      super(Opcodes.ASM9, next);
      this.substitutions = substitutions;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      for (CallSubstitution substitution : substitutions) {
        if (substitution.replaces(opcode, owner, name, descriptor)) {
          super.visitMethodInsn(Opcodes.INVOKESTATIC, substitution.bridge().replace('.', '/'),
              substitution.replacement(), substitution.replacementDescriptor(), false);
          return;
        }
      }
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }
  }
}
