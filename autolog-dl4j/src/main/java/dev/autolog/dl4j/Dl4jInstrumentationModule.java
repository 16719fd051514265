package dev.autolog.dl4j;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.instrumentation.InstrumentationModule;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/** Deeplearning4j: training ({@code fit}), early stopping and evaluation of MLN and CG. */
public final class Dl4jInstrumentationModule implements InstrumentationModule {
  @Override
  public String name() {
    return "dl4j";
  }

  @Override
  public boolean enabled(AutologConfig config) {
    return config.dl4jEnabled();
  }

  @Override
  public List<String> instrumentedPackages() {
    return List.of("org.deeplearning4j.");
  }

  @Override
  public List<String> bridgeClasses() {
    return List.of("dev.autolog.bootstrap.Dl4jBridge$Hooks", "dev.autolog.bootstrap.Dl4jBridge");
  }

  @Override
  public void connectHooks() {
    Dl4jHooks.connect();
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder, ClassLoader agentLoader) {
    builder = FitInstrumentation.apply(builder, agentLoader);
    builder = EarlyStoppingInstrumentation.apply(builder, agentLoader);
    return EvaluationInstrumentation.apply(builder, agentLoader);
  }
}
