package dev.autolog.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.classification.ROC;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** The reflective extractors against real DL4J 1.0.0-M2.1 objects, without the agent. */
class Dl4jExtractorsTest {

  @Test
  void multiLayerParamsComeFromTheConfigurationWithoutInitializingTheModel() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .updater(new Nesterovs(0.05, 0.8))
        .l1(0.001)
        .weightDecay(0.02)
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new DenseLayer.Builder().name("encoder").nIn(5).nOut(3).activation(Activation.TANH).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);

    Map<String, Object> p = Dl4jParams.of(net);

    assertEquals("MultiLayerNetwork", p.get("model_class"));
    assertEquals(7L, p.get("seed"));
    assertEquals("STOCHASTIC_GRADIENT_DESCENT", p.get("optimization_algo").toString());
    assertEquals(2, p.get("num_layers"));
    assertEquals("Nesterovs", p.get("updater"));
    assertEquals(0.05, p.get("learning_rate"));
    assertEquals(0.8, p.get("updater.momentum"));
    assertEquals(0.001, p.get("l1"));
    assertEquals(0.02, p.get("weight_decay"));
    assertEquals("DenseLayer", p.get("layer.encoder.type"));
    assertEquals(5L, p.get("layer.encoder.n_in"));
    assertEquals(3L, p.get("layer.encoder.n_out"));
    assertEquals("tanh", p.get("layer.encoder.activation").toString());
    assertEquals("Relu", p.get("layer.encoder.weight_init"));
    assertEquals("retain=0.5", p.get("layer.encoder.dropout"));
    assertNull(p.get("layer.encoder.loss"));
    assertTrue(p.get("layer.layer1.loss").toString().contains("MSE"), String.valueOf(p.get("layer.layer1.loss")));
    assertFalse(net.isInitCalled(), "reading params must not initialize the model");
  }

  @Test
  void graphParamsAreNamedAfterVertices() {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(3)
        .updater(new Sgd(0.1))
        .graphBuilder()
        .addInputs("in")
        .addLayer("h", new DenseLayer.Builder().nIn(2).nOut(4).build(), "in")
        .addLayer("out", new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build(), "h")
        .setOutputs("out")
        .build();
    Map<String, Object> p = Dl4jParams.of(new ComputationGraph(conf));
    assertEquals("ComputationGraph", p.get("model_class"));
    assertEquals(3L, p.get("seed"));
    assertEquals(2, p.get("num_layers"));
    assertEquals("Sgd", p.get("updater"));
    assertEquals(0.1, p.get("learning_rate"));
    assertEquals(2L, p.get("layer.h.n_in"));
    assertEquals(4L, p.get("layer.out.n_in"));
  }

  @Test
  void scheduledLearningRateIsFoundAndFixedOneIsNot() {
    MultiLayerNetwork fixed = net(new Sgd(0.1));
    MultiLayerNetwork scheduled = net(new Sgd(new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.1, 5, 0.01))));
    assertSame(LearningRate.NONE, LearningRate.scheduledUpdater(fixed));
    Object updater = LearningRate.scheduledUpdater(scheduled);
    assertTrue(updater instanceof Sgd);
    assertEquals(0.01, ((Sgd) updater).getLearningRate(6, 0), 1e-12);
  }

  @Test
  void classificationRegressionAndRocMetrics() {
    Evaluation eval = new Evaluation(2);
    eval.eval(Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {0, 1}, {1, 0}}),
        Nd4j.createFromArray(new float[][] {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.7f, 0.3f}, {0.6f, 0.4f}}));
    Map<String, Double> c = Dl4jEvaluations.metrics(eval);
    assertEquals(0.75, c.get("eval_accuracy"), 1e-12);
    assertEquals(eval.precision(), c.get("eval_precision"), 1e-12);
    assertEquals(eval.recall(), c.get("eval_recall"), 1e-12);
    assertEquals(eval.f1(), c.get("eval_f1"), 1e-12);

    RegressionEvaluation reg = new RegressionEvaluation(List.of("price", "volume"));
    reg.eval(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}), Nd4j.createFromArray(new float[][] {{1.5f, 2}, {3, 5}}));
    Map<String, Double> r = Dl4jEvaluations.metrics(reg);
    assertEquals(reg.averageMeanSquaredError(), r.get("eval_mse"), 1e-12);
    assertEquals(0.125, r.get("eval_mse_price"), 1e-6);
    assertEquals(0.5, r.get("eval_mse_volume"), 1e-6);
    assertEquals(reg.rSquared(1), r.get("eval_r2_volume"), 1e-12);
    assertTrue(r.containsKey("eval_rmse") && r.containsKey("eval_mae") && r.containsKey("eval_r2"));

    ROC roc = new ROC(0);
    roc.eval(Nd4j.createFromArray(new float[][] {{1}, {0}, {1}, {0}}), Nd4j.createFromArray(new float[][] {{0.9f}, {0.3f}, {0.6f}, {0.7f}}));
    Map<String, Double> a = Dl4jEvaluations.metrics(roc);
    assertEquals(0.75, a.get("eval_auc"), 1e-12);
    assertEquals(roc.calculateAUCPR(), a.get("eval_auprc"), 1e-12);
  }

  @Test
  void evaluationsAreFoundInArraysAndGraphMaps() {
    Evaluation e1 = new Evaluation(2);
    ROC e2 = new ROC(0);
    assertEquals(List.of(e1, e2), Dl4jEvaluations.evaluations(new Object[] {e1, null, e2}));
    assertEquals(List.of(e1, e2), Dl4jEvaluations.evaluations(Map.of(0, new Object[] {e1, e2})));
  }

  @Test
  void listenerIsAttachedOnceAsAProxyOfTheModelsOwnListenerType() throws Exception {
    MultiLayerNetwork net = net(new Sgd(0.1));
    net.init();
    TrainingListenerHandler.attach(net, 1);
    TrainingListenerHandler.attach(net, 1);
    List<TrainingListener> ours = net.getListeners().stream().filter(l -> Proxy.isProxyClass(l.getClass())).toList();
    assertEquals(1, ours.size(), net.getListeners().toString());
    assertEquals("AutologTrainingListener", ours.get(0).toString());
  }

  private static MultiLayerNetwork net(Sgd updater) {
    return new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .updater(updater)
        .list()
        .layer(new OutputLayer.Builder().nIn(2).nOut(2).activation(Activation.SOFTMAX).build())
        .build());
  }
}
