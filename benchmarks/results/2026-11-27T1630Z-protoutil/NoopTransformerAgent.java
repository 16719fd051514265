import java.lang.instrument.*;
import java.security.ProtectionDomain;
public final class NoopTransformerAgent {
  public static void premain(String args, Instrumentation inst) {
    if (args != null && args.contains("transformer")) {
      inst.addTransformer(new ClassFileTransformer() {
        @Override public byte[] transform(Module m, ClassLoader l, String n, Class<?> c, ProtectionDomain p, byte[] b) { return null; }
      }, false);
    }
  }
}
