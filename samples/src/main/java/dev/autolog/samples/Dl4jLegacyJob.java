package dev.autolog.samples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingGraphTrainer;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.classification.ROCMultiClass;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A "legacy" Deeplearning4j training job: a plain main program that knows nothing about MLflow or any agent.
 *
 * <p>Usage: {@code Dl4jLegacyJob [all|classifier|epoch-loop|regression|graph|early-stopping|reuse] [--fail] [--exit-during-fit] [--stall-during-fit]}
 * <ul>
 *   <li>the section name (default {@code all}) selects what to run;</li>
 *   <li>{@code --fail}: the classifier's fit gets an iterator that throws {@code IllegalStateException("sample failure")}
 *       on its 2nd batch, and the exception leaves {@code main} (non-zero exit);</li>
 *   <li>{@code --exit-during-fit}: the classifier's fit gets an iterator that calls {@code System.exit(3)} on its 3rd batch.</li>
 *   <li>{@code --stall-during-fit}: the classifier's fit gets an iterator that prints {@code stalled} on its 3rd batch
 *       and blocks until the process is stopped (e.g. by SIGTERM).</li>
 * </ul>
 * The flags only affect the classifier section.
 *
 * <p>Stdout is deterministic (fixed seeds, numbers rounded to 4 decimals, no timings) so that it can be compared
 * byte for byte between a run with and a run without an agent.
 */
public final class Dl4jLegacyJob {

    static final List<String> SECTIONS = List.of("classifier", "epoch-loop", "regression", "graph", "early-stopping", "reuse");

    private static final long SEED = 42L;

    private Dl4jLegacyJob() {
    }

    public static void main(String[] args) {
        List<String> argList = Arrays.asList(args);
        boolean fail = argList.contains("--fail");
        boolean exitDuringFit = argList.contains("--exit-during-fit");
        boolean stallDuringFit = argList.contains("--stall-during-fit");
        String section = argList.stream().filter(a -> !a.startsWith("--")).findFirst().orElse("all");

        if (!section.equals("all") && !SECTIONS.contains(section)) {
            System.err.println("Unknown section '" + section + "'. Expected one of: all, " + String.join(", ", SECTIONS));
            System.exit(2);
        }

        if (runs(section, "classifier")) {
            classifier(fail, exitDuringFit, stallDuringFit);
        }
        if (runs(section, "epoch-loop")) {
            epochLoop();
        }
        if (runs(section, "regression")) {
            regression();
        }
        if (runs(section, "graph")) {
            graph();
        }
        if (runs(section, "early-stopping")) {
            earlyStopping();
        }
        if (runs(section, "reuse")) {
            reuse();
        }
        System.out.println("done");
    }

    private static boolean runs(String selected, String section) {
        return selected.equals("all") || selected.equals(section);
    }

    /** a. The usual single call {@code fit(iterator, epochs)}, then classification metrics and ROC. */
    static void classifier(boolean fail, boolean exitDuringFit, boolean stallDuringFit) {
        header("classifier");
        MultiLayerNetwork net = new MultiLayerNetwork(classifierConf());
        net.init();
        DataSetIterator trainIter = SyntheticData.blobTrain();
        DataSetIterator testIter = SyntheticData.blobTest();

        // Fault injection happens inside fit, i.e. after the model is built and training has started.
        if (fail) {
            trainIter = FaultyIterator.throwingOn(trainIter, 2);
        } else if (exitDuringFit) {
            trainIter = FaultyIterator.exitingOn(trainIter, 3, 3);
        } else if (stallDuringFit) {
            trainIter = FaultyIterator.stallingOn(trainIter, 3);
        }

        net.fit(trainIter, 15);

        Evaluation eval = net.evaluate(testIter);
        testIter.reset();
        ROCMultiClass roc = net.evaluateROCMultiClass(testIter, 0); // 0 threshold steps = exact AUC
        print("classifier", "params", Long.toString(net.numParams()));
        print("classifier", "epochCount", Integer.toString(net.getEpochCount()));
        print("classifier", "iterationCount", Integer.toString(net.getIterationCount()));
        print("classifier", "accuracy", fmt(eval.accuracy()));
        print("classifier", "f1", fmt(eval.f1()));
        print("classifier", "averageAUC", fmt(roc.calculateAverageAUC()));
    }

    /** b. Old-style training: a hand-written epoch loop, then a few single-minibatch fits. */
    static void epochLoop() {
        header("epoch-loop");
        MultiLayerNetwork net = new MultiLayerNetwork(classifierConf());
        net.init();
        DataSetIterator trainIter = SyntheticData.blobTrain();
        DataSetIterator testIter = SyntheticData.blobTest();

        for (int epoch = 0; epoch < 5; epoch++) {
            net.fit(trainIter);
            trainIter.reset();
        }
        // Some old examples then "fine-tune" on individual minibatches.
        for (int i = 0; i < 3; i++) {
            net.fit(trainIter.next());
        }
        trainIter.reset();

        Evaluation eval = net.evaluate(testIter);
        print("epoch-loop", "epochCount", Integer.toString(net.getEpochCount()));
        print("epoch-loop", "iterationCount", Integer.toString(net.getIterationCount()));
        print("epoch-loop", "accuracy", fmt(eval.accuracy()));
        print("epoch-loop", "f1", fmt(eval.f1()));
    }

    /** c. A regressor: identity output and MSE loss, then regression metrics. */
    static void regression() {
        header("regression");
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                // The learning rate decays by 10% per epoch.
                .updater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, 0.01, 0.9)))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(SyntheticData.REG_INPUTS).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(16).nOut(SyntheticData.REG_OUTPUTS).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSetIterator trainIter = SyntheticData.regressionTrain();
        DataSetIterator testIter = SyntheticData.regressionTest();

        net.fit(trainIter, 10);

        RegressionEvaluation eval = net.evaluateRegression(testIter);
        print("regression", "params", Long.toString(net.numParams()));
        print("regression", "epochCount", Integer.toString(net.getEpochCount()));
        print("regression", "iterationCount", Integer.toString(net.getIterationCount()));
        print("regression", "averageMSE", fmt(eval.averageMeanSquaredError()));
        print("regression", "averageR2", fmt(eval.averageRSquared()));
    }

    /** d. The same kind of classifier, written as a ComputationGraph. */
    static void graph() {
        header("graph");
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder()
                        .nIn(SyntheticData.BLOB_FEATURES).nOut(16).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16).nOut(SyntheticData.BLOB_CLASSES).activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        DataSetIterator trainIter = SyntheticData.blobTrain();
        DataSetIterator testIter = SyntheticData.blobTest();

        graph.fit(trainIter, 10);

        Evaluation eval = graph.evaluate(testIter);
        print("graph", "params", Long.toString(graph.numParams()));
        print("graph", "epochCount", Integer.toString(graph.getEpochCount()));
        print("graph", "iterationCount", Integer.toString(graph.getIterationCount()));
        print("graph", "accuracy", fmt(eval.accuracy()));

        // The same graph architecture once more, trained by an early-stopping session of at most 5 epochs.
        ComputationGraph esGraph = new ComputationGraph(conf.clone());
        esGraph.init();
        trainIter.reset();
        testIter.reset();
        EarlyStoppingConfiguration<ComputationGraph> esConf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(5))
                .scoreCalculator(new DataSetLossCalculator(testIter, true))
                .modelSaver(new InMemoryModelSaver<>())
                .build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(esConf, esGraph, trainIter).fit();
        print("graph", "earlyStopping.totalEpochs", Integer.toString(result.getTotalEpochs()));
        print("graph", "earlyStopping.bestEpoch", Integer.toString(result.getBestModelEpoch()));
    }

    /** e. Early stopping on the test loss: at most 12 epochs, stop after 4 epochs without improvement. */
    static void earlyStopping() {
        header("early-stopping");
        MultiLayerNetwork net = new MultiLayerNetwork(classifierConf());
        net.init();
        DataSetIterator trainIter = SyntheticData.blobTrain();
        DataSetIterator testIter = SyntheticData.blobTest();

        EarlyStoppingConfiguration<MultiLayerNetwork> esConf = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .epochTerminationConditions(
                        new MaxEpochsTerminationCondition(12),
                        new ScoreImprovementEpochTerminationCondition(4))
                .scoreCalculator(new DataSetLossCalculator(testIter, true)) // average loss over the test set
                .evaluateEveryNEpochs(1)
                .modelSaver(new InMemoryModelSaver<>())
                .build();
        EarlyStoppingTrainer trainer = new EarlyStoppingTrainer(esConf, net, trainIter);

        EarlyStoppingResult<MultiLayerNetwork> result = trainer.fit();

        // getBestModelScore() is 0.0 in M2.1 (the saved clone loses its score), so read the score history instead.
        Double bestScore = result.getScoreVsEpoch().get(result.getBestModelEpoch());
        print("early-stopping", "terminationReason", String.valueOf(result.getTerminationReason()));
        print("early-stopping", "terminationDetails", result.getTerminationDetails());
        print("early-stopping", "bestEpoch", Integer.toString(result.getBestModelEpoch()));
        print("early-stopping", "totalEpochs", Integer.toString(result.getTotalEpochs()));
        print("early-stopping", "bestScore", bestScore == null ? "n/a" : fmt(bestScore));
        // The trainer trained our own net. It SETS the epoch count to the last 0-based epoch (11 after 12 epochs)
        // instead of incrementing it; the iteration count is the number of minibatches fitted.
        print("early-stopping", "epochCount", Integer.toString(net.getEpochCount()));
        print("early-stopping", "iterationCount", Integer.toString(net.getIterationCount()));
    }

    /**
     * f. Reuse: a model built from a trained model's cloned configuration and trained again, and a
     * model saved to disk, loaded back and only evaluated.
     */
    static void reuse() {
        header("reuse");
        MultiLayerNetwork trained = new MultiLayerNetwork(classifierConf());
        trained.init();
        DataSetIterator trainIter = SyntheticData.blobTrain();
        DataSetIterator testIter = SyntheticData.blobTest();
        trained.fit(trainIter, 3);

        // The cloned configuration carries the trained model's iteration and epoch counters.
        MultiLayerNetwork again = new MultiLayerNetwork(trained.getLayerWiseConfigurations().clone());
        again.init();
        trainIter.reset();
        again.fit(trainIter, 2);
        print("reuse", "cloned.iterationCount", Integer.toString(again.getIterationCount()));

        try {
            File saved = Files.createTempFile("legacy-model", ".zip").toFile();
            saved.deleteOnExit();
            ModelSerializer.writeModel(trained, saved, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(saved);
            Evaluation eval = restored.evaluate(testIter);
            print("reuse", "restored.accuracy", fmt(eval.accuracy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 4 -> 16 -> 3 classifier: Adam 0.01, L2 1e-4, dropout on the hidden layer, Xavier, softmax + MCXENT. */
    static MultiLayerConfiguration classifierConf() {
        return new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(0.01))
                .l2(1e-4)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(SyntheticData.BLOB_FEATURES).nOut(16).activation(Activation.RELU)
                        .dropOut(0.9) // DL4J's dropOut(p) is the probability to RETAIN an activation
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16).nOut(SyntheticData.BLOB_CLASSES).activation(Activation.SOFTMAX).build())
                .build();
    }

    private static void header(String section) {
        System.out.println("== " + section + " ==");
    }

    private static void print(String section, String key, String value) {
        System.out.println(section + "." + key + "=" + value);
    }

    /** Fixed locale and 4 decimals: stable output whatever the machine's locale. */
    static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }
}
