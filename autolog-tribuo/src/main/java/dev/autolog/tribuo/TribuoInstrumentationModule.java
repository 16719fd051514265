package dev.autolog.tribuo;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.instrumentation.InstrumentationModule;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/** Tribuo: every trainer's {@code train}, every evaluator's {@code evaluate}, and cross-validation. */
public final class TribuoInstrumentationModule implements InstrumentationModule {
  @Override
  public String name() {
    return "tribuo";
  }

  @Override
  public boolean enabled(AutologConfig config) {
    return config.tribuoEnabled();
  }

  @Override
  public List<String> instrumentedPackages() {
    return List.of("org.tribuo.");
  }

  @Override
  public List<String> bridgeClasses() {
    return List.of("dev.autolog.bootstrap.TribuoBridge$Hooks", "dev.autolog.bootstrap.TribuoBridge");
  }

  @Override
  public void connectHooks() {
    TribuoHooks.connect();
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder, ClassLoader agentLoader) {
    builder = TrainInstrumentation.apply(builder, agentLoader);
    builder = EvaluationInstrumentation.apply(builder, agentLoader);
    return CrossValidationInstrumentation.apply(builder, agentLoader);
  }
}
