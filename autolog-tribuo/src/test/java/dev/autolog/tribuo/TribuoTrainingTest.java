package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.autolog.tribuo.FileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.Tribuo;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.example.GaussianAnomalyDataSource;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.baseline.DummyClassifierTrainer;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.AdaBoostTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.kernel.KernelSVMTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.example.GaussianClusterDataSource;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.hash.HashingTrainer;
import org.tribuo.hash.MessageDigestHasher;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.kernel.RBF;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.multilabel.baseline.IndependentMultiLabelTrainer;
import org.tribuo.multilabel.example.MultiLabelDataGenerator;
import org.tribuo.multilabel.sgd.objectives.BinaryCrossEntropy;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.baseline.DummyRegressionTrainer;
import org.tribuo.regression.sgd.fm.FMRegressionTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * Real Tribuo training under the module's instrumentation, installed in this JVM: which calls become runs,
 * and what a training run holds. Expected values come from Tribuo itself (the model's provenance,
 * its predictions), never from the agent's code.
 */
class TribuoTrainingTest {
  private static final long SEED = 7L;
  private static FileStore store;
  private static Pair<Dataset<Label>, Dataset<Label>> colours;

  @BeforeAll
  static void install() throws Exception {
    store = InProcessAgent.install();
    colours = TestData.colours(SEED);
  }

  @Test
  void logisticRegressionRunHoldsProvenanceParamsTimestampTagsTimingAndModel() throws Exception {
    AtomicReference<Model<Label>> trained = new AtomicReference<>();
    long[] wallMillis = new long[1];
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> {
      long start = System.nanoTime();
      trained.set(new LogisticRegressionTrainer().train(colours.getA()));
      wallMillis[0] = (System.nanoTime() - start) / 1_000_000 + 1;
    });
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    Model<Label> model = trained.get();
    assertTrue(run.name().matches("LogisticRegressionTrainer-\\d+"), run.name());

    assertEquals("tribuo", run.tag("mlflow.autologging"));
    assertEquals(LogisticRegressionTrainer.class.getName(), run.tag("tribuo.trainer"));
    assertEquals(Tribuo.VERSION, run.tag("tribuo.version"));
    assertEquals(model.getClass().getName(), run.param("model_class"));

    // Every entry of Tribuo's own flattening of the trainer and dataset provenance is a param,
    // except timestamps, which are tags; host-short-name (the configured interface) is left out.
    Map<String, String> expected = new TreeMap<>();
    flatten("trainer", ProvenanceUtil.convertToMap(model.getProvenance().getTrainerProvenance()), expected);
    flatten("dataset", ProvenanceUtil.convertToMap(model.getProvenance().getDatasetProvenance()), expected);
    assertTrue(expected.containsKey("trainer.epochs") && expected.containsKey("trainer.optimiser.class-name")
        && expected.containsKey("dataset.num-examples"), expected.toString());
    String creationTime = "dataset.datasource.datasource-creation-time";
    assertTrue(expected.containsKey(creationTime), expected.toString());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (e.getKey().endsWith("host-short-name")) {
        assertNull(run.param(e.getKey()), e.getKey());
      } else if (e.getKey().equals(creationTime)) {
        assertNull(run.param(e.getKey()), "timestamps are not params");
        assertEquals(e.getValue(), run.tag(e.getKey()));
      } else {
        assertEquals(e.getValue(), run.param(e.getKey()), e.getKey());
      }
    }
    assertEquals("5", run.param("trainer.epochs"));
    assertEquals("300", run.param("dataset.num-examples"));
    assertEquals("4", run.param("dataset.num-features"));
    assertEquals("3", run.param("dataset.num-outputs"));
    assertEquals(model.getProvenance().getTrainingTime().toString(), run.tag("trained-at"));
    // Nothing but the provenance and model_class is a param.
    for (String key : run.params().keySet()) {
      assertTrue(key.equals("model_class") || expected.containsKey(key), key);
    }

    double time = run.value("training_time_ms");
    assertTrue(time >= 0 && time <= wallMillis[0], time + " vs " + wallMillis[0]);

    JsonNode provenance = new ObjectMapper().readTree(run.artifact("provenance.json").toFile());
    assertEquals(new ObjectMapper().valueToTree(ProvenanceUtil.convertToMap(model.getProvenance())), provenance);

    assertEquals(3, run.awaitEnd(), "FINISHED");
    String mlmodel = Files.readString(run.artifact("model/MLmodel"));
    assertTrue(mlmodel.contains("flavors:\n  tribuo:\n    data: model.tribuo\n    format: protobuf\n"), mlmodel);
    assertTrue(mlmodel.contains("    model_class: " + model.getClass().getName() + "\n"), mlmodel);
    assertTrue(mlmodel.contains("    onnx: model.onnx\n    tribuo_version: " + Tribuo.VERSION + "\n"), mlmodel);
    assertTrue(mlmodel.contains("run_id: " + run.id()), mlmodel);
    @SuppressWarnings("unchecked")
    Model<Label> restored = (Model<Label>) Model.deserializeFromFile(run.artifact("model/model.tribuo"));
    assertEquals(predictions(model, colours.getB()), predictions(restored, colours.getB()));
    assertEquals(model.getProvenance(), restored.getProvenance());
    assertTrue(Files.size(run.artifact("model/model.onnx")) > 1000, "LinearSGDModel is ONNXExportable");
  }

  static Stream<Arguments> trainers() {
    Supplier<Dataset<Label>> labels = () -> colours.getA();
    Supplier<Dataset<Regressor>> regression = () -> TestData.regression(SEED).getA();
    Supplier<Dataset<ClusterID>> clusters = () -> new MutableDataset<>(new GaussianClusterDataSource(200, SEED));
    Supplier<Dataset<Event>> events = () -> new MutableDataset<>(new GaussianAnomalyDataSource(200, 0.0f, SEED));
    Supplier<Dataset<MultiLabel>> multiLabels = MultiLabelDataGenerator::generateTrainData;
    SVMParameters<Event> oneClass = new SVMParameters<>(new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), KernelType.RBF);
    oneClass.setGamma(1.0);
    oneClass.setNu(0.1);
    return Stream.of(
        // Abstract bases: AbstractSGDTrainer (linear, factorization machines), AbstractCARTTrainer.
        Arguments.of(new LinearSGDTrainer(new Hinge(), new AdaGrad(0.5), 3, 1000, 1, SEED), labels),
        Arguments.of(new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(0.1), 2, 1000, SEED, 2, 0.1), labels),
        Arguments.of(new CARTClassificationTrainer(4), labels),
        Arguments.of(new XGBoostClassificationTrainer(3), labels),
        Arguments.of(new KernelSVMTrainer(new RBF(1.0), 0.1, 2, SEED), labels),
        // Inherits the interface's default train(Dataset).
        Arguments.of(DummyClassifierTrainer.createMostFrequentTrainer(), labels),
        // Regression trainers.
        Arguments.of(new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 3, 1000, 1, SEED),
            regression),
        Arguments.of(new FMRegressionTrainer(new SquaredLoss(), new AdaGrad(0.1), 2, 1000, SEED, 2, 0.1, true), regression),
        Arguments.of(DummyRegressionTrainer.createMeanTrainer(), regression),
        // KMeansTrainer.train returns KMeansModel: a covariant bridge method.
        Arguments.of(new KMeansTrainer(3, 5, KMeansTrainer.Distance.EUCLIDEAN, 1, SEED), clusters),
        Arguments.of(new LibSVMAnomalyTrainer(oneClass), events),
        Arguments.of(new org.tribuo.multilabel.sgd.linear.LinearSGDTrainer(new BinaryCrossEntropy(), new AdaGrad(0.1), 2, SEED),
            multiLabels),
        // Wrappers: their inner trainers' calls are inner calls.
        Arguments.of(new BaggingTrainer<>(new CARTClassificationTrainer(3), new VotingCombiner(), 3, SEED), labels),
        Arguments.of(new AdaBoostTrainer(new CARTClassificationTrainer(2), 3, SEED), labels),
        Arguments.of(new TransformTrainer<>(new LogisticRegressionTrainer(),
            new TransformationMap(List.of(new MeanStdDevTransformation()))), labels),
        Arguments.of(new HashingTrainer<>(new LogisticRegressionTrainer(), new MessageDigestHasher("SHA-256", "autolog-test-salt")),
            labels),
        Arguments.of(new IndependentMultiLabelTrainer(new CARTClassificationTrainer(2)), multiLabels));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainers")
  <T extends org.tribuo.Output<T>> void everyTrainerKindGivesOneRunPerOutermostCall(Trainer<T> trainer, Supplier<Dataset<T>> data)
      throws Exception {
    Dataset<T> dataset = data.get();
    AtomicReference<Model<T>> trained = new AtomicReference<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> trained.set(trainer.train(dataset)));
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    assertTrue(run.name().matches(trainer.getClass().getSimpleName() + "-\\d+"), run.name());
    assertEquals(trainer.getClass().getName(), run.tag("tribuo.trainer"));
    assertEquals(trained.get().getClass().getName(), run.param("model_class"));
    assertEquals(trainer.getClass().getName(), run.param("trainer.class-name"));
    assertEquals(Integer.toString(dataset.size()), run.param("dataset.num-examples"));
    assertEquals(List.of(0L), run.steps("training_time_ms"));
    assertTrue(Files.isRegularFile(run.artifact("provenance.json")));
    if (trained.get() instanceof WeightedEnsembleModel<T> ensemble) {
      assertTrue(ensemble.getNumModels() >= 2, "the wrapper trained its members inside the one run");
    }
    // The agent saves the model as the job's own serializeToFile does, byte for byte, though its
    // ProtoUtil lookups were answered from one copy of each builder's methods (ModelSaveReflection).
    Path own = Files.createTempFile("autolog-own-", ".tribuo");
    try {
      trained.get().serializeToFile(own);
      assertArrayEquals(Files.readAllBytes(own), Files.readAllBytes(run.artifact("model/model.tribuo")));
    } finally {
      Files.delete(own);
    }
  }

  @Test
  void explicitOverloadWithRunProvenanceAndInvocationCountIsOneRunRecordingBoth() throws Exception {
    Trainer<Label> trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5), 2, 1000, 1, SEED);
    Map<String, Provenance> runProvenance = Map.of("experiment", new StringProvenance("experiment", "colour-v2"));
    AtomicReference<Model<Label>> trained = new AtomicReference<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> trained.set(trainer.train(colours.getA(), runProvenance, 3)));
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    assertEquals("colour-v2", run.param("instance-values.experiment"));
    TrainerProvenance recorded = trained.get().getProvenance().getTrainerProvenance();
    assertEquals(recorded.getInstanceValues().get(TrainerProvenanceImpl.TRAIN_INVOCATION_COUNT).getValue().toString(),
        run.param("trainer.train-invocation-count"));
    assertEquals("3", run.param("trainer.train-invocation-count"));
  }

  @Test
  void eachCallOfOneTrainerIsARunOfItsOwnAndLaterEvaluationsFindTheirModelsRun() throws Exception {
    Trainer<Label> trainer = new CARTClassificationTrainer(3);
    List<Model<Label>> models = new java.util.ArrayList<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> {
      models.add(trainer.train(colours.getA()));
      models.add(trainer.train(TestData.colours(new java.util.Random(SEED + 1), 150, "other")));
    });
    assertEquals(2, runs.size(), runs.keySet().toString());
    List<Run> ordered = List.copyOf(runs.values());
    assertEquals("300", ordered.get(0).param("dataset.num-examples"));
    assertEquals("150", ordered.get(1).param("dataset.num-examples"));
    assertEquals("0", ordered.get(0).param("trainer.train-invocation-count"));
    assertEquals("1", ordered.get(1).param("trainer.train-invocation-count"));

    // The first model, evaluated after the second was trained, logs into the first run.
    double accuracy = new LabelEvaluator().evaluate(models.get(0), colours.getB()).accuracy();
    InProcessAgent.flush();
    assertEquals(accuracy, ordered.get(0).value("eval_accuracy"));
    assertTrue(ordered.get(1).metric("eval_accuracy").isEmpty());
    assertSame(dev.autolog.core.Autolog.runtime().runs().runOf(models.get(0)),
        dev.autolog.core.Autolog.runtime().runs().runOf(models.get(0)));
    assertEquals(ordered.get(0).id(),
        dev.autolog.core.Autolog.runtime().runs().runOf(models.get(0)).handle().info().runId());
  }

  @Test
  void failingTrainIsAFailedRunWithItsParamsAndTheExceptionReachesTheCallerUnchanged() throws Exception {
    MutableDataset<Label> broken = new MutableDataset<>(colours.getA().getProvenance(), new LabelFactory());
    colours.getA().forEach(broken::add);
    broken.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, TestData.FEATURES, new double[] {0, 0, 0, 0}));
    AtomicReference<IllegalArgumentException> thrown = new AtomicReference<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store,
        () -> thrown.set(assertThrows(IllegalArgumentException.class, () -> new LogisticRegressionTrainer().train(broken))));
    assertEquals("The supplied Dataset contained unknown Outputs, and this Trainer is supervised.", thrown.get().getMessage());
    assertEquals("org.tribuo.common.sgd.AbstractSGDTrainer", thrown.get().getStackTrace()[0].getClassName(),
        "the inlined hook calls add no frames");
    Run run = runs.values().iterator().next();
    assertEquals(1, runs.size());
    assertEquals(4, run.awaitEnd(), "FAILED");
    assertEquals("301", run.param("dataset.num-examples"));
    assertNull(run.param("model_class"));
    assertTrue(run.metric("training_time_ms").isEmpty());
    assertFalse(Files.exists(run.artifact("model")), "a failed run logs no model");
  }

  @Test
  void evaluationInsideATrainCallIsPartOfTrainingNotAnEvaluation() throws Exception {
    SelfEvaluatingTrainer trainer = new SelfEvaluatingTrainer();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> trainer.train(colours.getA()));
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    assertEquals(SelfEvaluatingTrainer.class.getName(), run.tag("tribuo.trainer"));
    assertTrue(trainer.accuracy > 0, "the trainer did evaluate");
    assertFalse(run.metricKeys().stream().anyMatch(k -> k.startsWith("eval_")), run.metricKeys().toString());
  }

  /**
   * A user's trainer outside org.tribuo (so its own methods are not instrumented): the interface's
   * default train(Dataset) is, and the inner training and evaluation happen inside it.
   */
  static final class SelfEvaluatingTrainer implements Trainer<Label> {
    private final LogisticRegressionTrainer inner = new LogisticRegressionTrainer();
    double accuracy;

    @Override
    public Model<Label> train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
      Model<Label> model = inner.train(examples, runProvenance);
      accuracy = new LabelEvaluator().evaluate(model, examples).accuracy();
      return model;
    }

    @Override
    public int getInvocationCount() {
      return inner.getInvocationCount();
    }

    @Override
    public TrainerProvenance getProvenance() {
      return inner.getProvenance();
    }
  }

  private static <T extends org.tribuo.Output<T>> List<String> predictions(Model<T> model, Dataset<T> data) {
    return model.predict(data).stream().map(Prediction::getOutput).map(Object::toString).toList();
  }

  /** Dotted keys of a ProvenanceUtil.convertToMap result, the way MLflow params are named. */
  @SuppressWarnings("unchecked")
  static void flatten(String prefix, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> flatten(prefix + "." + k, v, out));
    } else if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
      out.put(prefix, list.toString()); // a list of plain values is one param
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        flatten(prefix + "." + i, list.get(i), out);
      }
    } else {
      out.put(prefix, (String) value);
    }
  }

  @Test
  void provenanceIsAnObjectProvenance() {
    assertInstanceOf(ObjectProvenance.class, new LogisticRegressionTrainer().getProvenance());
    assertNotNull(colours);
  }
}
