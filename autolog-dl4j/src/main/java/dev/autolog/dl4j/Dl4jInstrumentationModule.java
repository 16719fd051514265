package dev.autolog.dl4j;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import java.util.List;

/** Deeplearning4j: training ({@code fit}), early stopping and evaluation of MLN and CG. */
public final class Dl4jInstrumentationModule implements InstrumentationModule {
  /** The bridge the instrumented methods call, named so that loading this class does not load it. */
  static final String BRIDGE = "dev.autolog.bootstrap.Dl4jBridge";

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

  /**
   * The network classes hold their own names; every early-stopping trainer declares {@code fit()}
   * (and {@code pretrain()}) returning an {@code EarlyStoppingResult}. Of DL4J's few thousand
   * classes only these and the classes referring to a network pass, so the rest load without being
   * parsed.
   */
  @Override
  public List<String> classFileMarkers() {
    return List.of("org/deeplearning4j/nn/multilayer/MultiLayerNetwork", "org/deeplearning4j/nn/graph/ComputationGraph",
        "()Lorg/deeplearning4j/earlystopping/EarlyStoppingResult;");
  }

  @Override
  public List<String> bridgeClasses() {
    return List.of(BRIDGE + "$Hooks", BRIDGE);
  }

  @Override
  public void connectHooks() {
    Dl4jHooks.connect();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(FitInstrumentation.instrumentation(), EarlyStoppingInstrumentation.instrumentation(),
        EvaluationInstrumentation.instrumentation());
  }
}
