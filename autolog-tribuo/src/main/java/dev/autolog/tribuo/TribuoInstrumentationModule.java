package dev.autolog.tribuo;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * Tribuo: every trainer's {@code train}, every evaluator's {@code evaluate}, and cross-validation;
 * and one call in the serialization the agent uses to save models ({@link ProtoUtilInstrumentation}).
 */
public final class TribuoInstrumentationModule implements InstrumentationModule {
  /** The bridge the instrumented methods call, named so that loading this class does not load it. */
  static final String BRIDGE = "dev.autolog.bootstrap.TribuoBridge";

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
   * Every hooked method takes a dataset ({@code train}) or a model ({@code evaluate}) first,
   * except {@code CrossValidation.evaluate()}, whose class names itself; {@code ProtoUtil} holds
   * its {@code findMethod}'s descriptor. Of the two thousand Tribuo classes a job may load, only
   * trainers, evaluators, their callers and {@code ProtoUtil} hold one of these.
   */
  @Override
  public List<String> classFileMarkers() {
    return List.of("(Lorg/tribuo/Dataset;", "(Lorg/tribuo/Model;",
        CrossValidationInstrumentation.CROSS_VALIDATION.replace('.', '/'),
        ProtoUtilInstrumentation.FIND_METHOD_DESCRIPTOR);
  }

  @Override
  public List<String> bridgeClasses() {
    return List.of(BRIDGE + "$Hooks", BRIDGE);
  }

  @Override
  public void connectHooks() {
    TribuoHooks.connect();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(TrainInstrumentation.instrumentation(), EvaluationInstrumentation.instrumentation(),
        CrossValidationInstrumentation.instrumentation(), ProtoUtilInstrumentation.instrumentation());
  }
}
