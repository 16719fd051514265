package dev.autolog.core.instrumentation;

import java.util.Arrays;
import java.util.List;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inlines one {@link MethodHook} into one method, leaving the method's own instructions, line
 * numbers and exception handlers as they were (a stack trace through it is unchanged):
 *
 * <pre>
 *   try { token = Bridge.enter(..); } catch (Throwable t) { token = null; }
 *   try {
 *     (the method's code; each return stores its value and jumps to the normal exit)
 *   } catch (Throwable thrown) {        // after the method's own handlers, so only what escapes
 *     try { Bridge.exit(token, .., thrown); } catch (Throwable t) { }
 *     throw thrown;
 *   }
 *   normal exit:
 *   try { Bridge.exit(token, .., returned, null); } catch (Throwable t) { }
 *   return returned;
 * </pre>
 *
 * The token lives in a new local after the method's own ({@code maxLocals} of the original), the
 * returned value or the thrown exception in the one after it. The class must be read with
 * {@code ClassReader.EXPAND_FRAMES}: every stack map frame of the method is extended with the
 * token's slot, and the inserted code's frames are written out in full, so no frame is computed
 * and no class is loaded.
 *
 * <p>It assumes what javac generates, as DL4J and Tribuo are: a return instruction finds only its
 * value on the operand stack (the jump to the normal exit declares an empty one), and a method's
 * code can grow by about a hundred bytes (if not, ASM refuses it and the class loads unchanged).
 */
final class HookInliner extends MethodVisitor {
  private static final String OBJECT = "java/lang/Object";
  private static final String THROWABLE = "java/lang/Throwable";
  private static final Object[] NO_STACK = {};
  private static final Object[] THROWABLE_ON_STACK = {THROWABLE};

  private final MethodHook hook;
  private final String bridge;
  private final Type[] arguments;
  private final Type returnType;
  private final int tokenSlot;
  private final int resultSlot;
  private final boolean writeFrames;
  /** The frame's locals on entry: this, then the parameters. */
  private final Object[] entryLocals;

  private final Label bodyStart = new Label();
  private final Label bodyEnd = new Label();
  private final Label thrownExit = new Label();
  private final Label normalExit = new Label();
  private boolean started;
  private boolean returns;

  /**
   * @param next where the instrumented method goes
   * @param owner internal name of the class declaring the method
   * @param descriptor the method's descriptor (an instance method's)
   * @param maxLocals the method's {@code max_locals}
   * @param writeFrames whether the class file has stack map frames (version 50 and later)
   */
  HookInliner(MethodVisitor next, String owner, String descriptor, MethodHook hook, int maxLocals,
      boolean writeFrames) {
    super(Opcodes.ASM9, next);
    this.hook = hook;
    this.bridge = hook.bridge().replace('.', '/');
    this.arguments = Type.getArgumentTypes(descriptor);
    this.returnType = Type.getReturnType(descriptor);
    this.tokenSlot = maxLocals;
    this.resultSlot = maxLocals + 1;
    this.writeFrames = writeFrames;
    entryLocals = new Object[arguments.length + 1];
    entryLocals[0] = owner;
    for (int i = 0; i < arguments.length; i++) {
      entryLocals[i + 1] = frameType(arguments[i]);
    }
  }

  /**
   * The entry call, placed before the method's first instruction, label or frame: the class reader
   * has reported the method's exception handlers by then, so the catch-all registered here comes
   * after them in the exception table and sees only what they let through.
   */
  private void start() {
    if (started) {
      return;
    }
    started = true;
    Label enterStart = new Label();
    Label enterEnd = new Label();
    Label enterFailed = new Label();
    super.visitTryCatchBlock(enterStart, enterEnd, enterFailed, THROWABLE);
    super.visitTryCatchBlock(bodyStart, bodyEnd, thrownExit, THROWABLE);
    super.visitLabel(enterStart);
    pushValues(hook.enterValues(), false, false);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, hook.enter(), hook.enterDescriptor(), false);
    super.visitVarInsn(Opcodes.ASTORE, tokenSlot);
    super.visitLabel(enterEnd);
    super.visitJumpInsn(Opcodes.GOTO, bodyStart);
    super.visitLabel(enterFailed);
    frame(locals(), THROWABLE_ON_STACK);
    super.visitInsn(Opcodes.POP);
    super.visitInsn(Opcodes.ACONST_NULL);
    super.visitVarInsn(Opcodes.ASTORE, tokenSlot);
    super.visitLabel(bodyStart);
    frame(locals(OBJECT), NO_STACK);
    // The method's own first instruction may carry a frame too; two frames may not share an offset.
    super.visitInsn(Opcodes.NOP);
  }

  @Override
  public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
    start();
    if (type != Opcodes.F_NEW) {
      throw new IllegalStateException("expanded frames expected (ClassReader.EXPAND_FRAMES)");
    }
    // The token's slot is beyond every local the method uses: it holds the token throughout.
    Object[] extended = pad(Arrays.copyOf(local, numLocal), OBJECT);
    super.visitFrame(Opcodes.F_NEW, extended.length, extended, numStack, stack);
  }

  @Override
  public void visitInsn(int opcode) {
    start();
    if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
      returns = true;
      if (opcode != Opcodes.RETURN) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), resultSlot);
      }
      super.visitJumpInsn(Opcodes.GOTO, normalExit);
    } else {
      super.visitInsn(opcode);
    }
  }

  @Override
  public void visitIntInsn(int opcode, int operand) {
    start();
    super.visitIntInsn(opcode, operand);
  }

  @Override
  public void visitVarInsn(int opcode, int varIndex) {
    start();
    super.visitVarInsn(opcode, varIndex);
  }

  @Override
  public void visitTypeInsn(int opcode, String type) {
    start();
    super.visitTypeInsn(opcode, type);
  }

  @Override
  public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
    start();
    super.visitFieldInsn(opcode, owner, name, descriptor);
  }

  @Override
  public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
    start();
    super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
  }

  @Override
  public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bootstrapMethodHandle,
      Object... bootstrapMethodArguments) {
    start();
    super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
  }

  @Override
  public void visitJumpInsn(int opcode, Label label) {
    start();
    super.visitJumpInsn(opcode, label);
  }

  @Override
  public void visitLabel(Label label) {
    start();
    super.visitLabel(label);
  }

  @Override
  public void visitLdcInsn(Object value) {
    start();
    super.visitLdcInsn(value);
  }

  @Override
  public void visitIincInsn(int varIndex, int increment) {
    start();
    super.visitIincInsn(varIndex, increment);
  }

  @Override
  public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
    start();
    super.visitTableSwitchInsn(min, max, dflt, labels);
  }

  @Override
  public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
    start();
    super.visitLookupSwitchInsn(dflt, keys, labels);
  }

  @Override
  public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
    start();
    super.visitMultiANewArrayInsn(descriptor, numDimensions);
  }

  @Override
  public void visitLineNumber(int line, Label start) {
    start();
    super.visitLineNumber(line, start);
  }

  /** The exits, placed after the method's last instruction, out of reach of its exception handlers. */
  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    start();
    super.visitLabel(bodyEnd);
    super.visitLabel(thrownExit);
    frame(locals(OBJECT), THROWABLE_ON_STACK);
    super.visitVarInsn(Opcodes.ASTORE, resultSlot);
    callExit(locals(OBJECT, THROWABLE), false, true);
    super.visitVarInsn(Opcodes.ALOAD, resultSlot);
    super.visitInsn(Opcodes.ATHROW);
    if (returns) {
      boolean isVoid = returnType.getSort() == Type.VOID;
      Object[] locals = isVoid ? locals(OBJECT) : locals(OBJECT, frameType(returnType));
      super.visitLabel(normalExit);
      frame(locals, NO_STACK);
      callExit(locals, !isVoid, false);
      if (!isVoid) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), resultSlot);
      }
      super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }
    // At most 7 values (8 slots with a long or double being boxed), pushed on an empty stack.
    super.visitMaxs(Math.max(maxStack, 8), resultSlot + 2);
  }

  /** The exit call, with whatever it throws dropped; {@code locals} are the frame's at this point. */
  private void callExit(Object[] locals, boolean returned, boolean thrown) {
    Label start = new Label();
    Label end = new Label();
    Label failed = new Label();
    Label done = new Label();
    super.visitTryCatchBlock(start, end, failed, THROWABLE);
    super.visitLabel(start);
    pushValues(hook.exitValues(), returned, thrown);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, hook.exit(), hook.exitDescriptor(), false);
    super.visitLabel(end);
    super.visitJumpInsn(Opcodes.GOTO, done);
    super.visitLabel(failed);
    frame(locals, THROWABLE_ON_STACK);
    super.visitInsn(Opcodes.POP);
    super.visitLabel(done);
    frame(locals, NO_STACK);
  }

  /**
   * Pushes {@code values} as the bridge takes them.
   *
   * @param returned whether the result slot holds the returned value
   * @param thrown whether the result slot holds the thrown exception
   */
  private void pushValues(List<HookValue> values, boolean returned, boolean thrown) {
    for (HookValue value : values) {
      switch (value) {
        case THIS -> super.visitVarInsn(Opcodes.ALOAD, 0);
        case TOKEN -> super.visitVarInsn(Opcodes.ALOAD, tokenSlot);
        case RETURNED -> {
          if (returned) {
            pushBoxed(returnType, resultSlot);
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
        case THROWN -> {
          if (thrown) {
            super.visitVarInsn(Opcodes.ALOAD, resultSlot);
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
        default -> {
          int index = value.argumentIndex();
          if (index < arguments.length) {
            pushBoxed(arguments[index], argumentSlot(index));
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
      }
    }
  }

  private int argumentSlot(int index) {
    int slot = 1;
    for (int i = 0; i < index; i++) {
      slot += arguments[i].getSize();
    }
    return slot;
  }

  /** Loads the local {@code slot} of type {@code type}, boxing a primitive. */
  private void pushBoxed(Type type, int slot) {
    super.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
    String box = switch (type.getSort()) {
      case Type.BOOLEAN -> "java/lang/Boolean";
      case Type.CHAR -> "java/lang/Character";
      case Type.BYTE -> "java/lang/Byte";
      case Type.SHORT -> "java/lang/Short";
      case Type.INT -> "java/lang/Integer";
      case Type.FLOAT -> "java/lang/Float";
      case Type.LONG -> "java/lang/Long";
      case Type.DOUBLE -> "java/lang/Double";
      default -> null;
    };
    if (box != null) {
      super.visitMethodInsn(Opcodes.INVOKESTATIC, box, "valueOf", "(" + type.getDescriptor() + ")L" + box + ";", false);
    }
  }

  private void frame(Object[] locals, Object[] stack) {
    if (writeFrames) {
      super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
    }
  }

  /** The entry locals, then {@code extra} from the token's slot on. */
  private Object[] locals(Object... extra) {
    return pad(entryLocals, extra);
  }

  /** {@code locals}, then unusable slots up to the token's, then {@code extra}. */
  private Object[] pad(Object[] locals, Object... extra) {
    int slots = 0;
    for (Object local : locals) {
      slots += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
    }
    int padding = tokenSlot - slots;
    if (padding < 0) {
      throw new IllegalStateException("a frame uses " + slots + " locals, max_locals is " + tokenSlot);
    }
    Object[] result = Arrays.copyOf(locals, locals.length + padding + extra.length);
    Arrays.fill(result, locals.length, locals.length + padding, Opcodes.TOP);
    System.arraycopy(extra, 0, result, locals.length + padding, extra.length);
    return result;
  }

  /** How a stack map frame names a value of {@code type}. */
  private static Object frameType(Type type) {
    return switch (type.getSort()) {
      case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
      case Type.FLOAT -> Opcodes.FLOAT;
      case Type.LONG -> Opcodes.LONG;
      case Type.DOUBLE -> Opcodes.DOUBLE;
      case Type.ARRAY -> type.getDescriptor();
      default -> type.getInternalName();
    };
  }
}
