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

  /**
   * Every instrumented method takes a dataset ({@code train}) or a model ({@code evaluate}) first,
   * except {@code CrossValidation.evaluate()}, whose class names itself. Of the two thousand Tribuo
   * classes a job may load, only trainers, evaluators and their callers hold one of these.
   */
  @Override
  public List<String> classFileMarkers() {
    return List.of("(Lorg/tribuo/Dataset;", "(Lorg/tribuo/Model;",
        CrossValidationInstrumentation.CROSS_VALIDATION.replace('.', '/'));
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
