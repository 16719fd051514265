package dev.autolog.dl4j;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.instrumentation.InstrumentationModule;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

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

  /** The two network classes whose fit and evaluation methods are instrumented. */
  static ElementMatcher<TypeDescription> networkTypes() {
    return ElementMatchers.namedOneOf(
        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
        "org.deeplearning4j.nn.graph.ComputationGraph");
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder, ClassLoader agentLoader) {
    builder = FitInstrumentation.apply(builder, agentLoader);
    builder = EarlyStoppingInstrumentation.apply(builder, agentLoader);
    return EvaluationInstrumentation.apply(builder, agentLoader);
  }
}
