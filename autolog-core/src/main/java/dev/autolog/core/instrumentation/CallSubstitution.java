package dev.autolog.core.instrumentation;

import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One call inside the methods {@code methods} matches, sent to a static method of a bridge
 * instead: every {@code invokevirtual owner.name descriptor} in them becomes
 * {@code invokestatic bridge.replacement}, which takes the receiver and then the call's arguments
 * and returns what the call returns. The operand stack is the same before and after, so nothing
 * else in the method changes: not its frames, its line numbers or its exception handlers.
 *
 * <p>This is for work the agent itself makes a library do (saving a model), where the library
 * repeats an expensive call whose answer cannot change. The replacement must answer as the call
 * would, and make the call itself for any thread the agent is not working on, so the job's own
 * calls behave as before.
 *
 * @param methods the methods of a matched class whose calls are replaced; static ones too
 * @param owner internal name of the class declaring the called method, e.g. {@code java/lang/Class}
 * @param name the called method's name
 * @param descriptor the called method's descriptor, e.g. {@code ()[Ljava/lang/reflect/Method;}
 * @param bridge binary name of the bridge class, which every class loader of the library must see
 * @param replacement name of the bridge's static method
 */
public record CallSubstitution(MethodMatcher methods, String owner, String name, String descriptor, String bridge,
    String replacement) {

  /** The replacement's descriptor: the receiver, then the call's parameters. */
  String replacementDescriptor() {
    Type call = Type.getMethodType(descriptor);
    Type[] arguments = call.getArgumentTypes();
    Type[] withReceiver = new Type[arguments.length + 1];
    withReceiver[0] = Type.getObjectType(owner);
    System.arraycopy(arguments, 0, withReceiver, 1, arguments.length);
    return Type.getMethodDescriptor(call.getReturnType(), withReceiver);
  }

  /** Whether the instruction {@code opcode owner.name descriptor} is the call to replace. */
  boolean replaces(int opcode, String callOwner, String callName, String callDescriptor) {
    return opcode == Opcodes.INVOKEVIRTUAL && owner.equals(callOwner)
        && name.equals(callName) && descriptor.equals(callDescriptor);
  }
}
