package dev.autolog.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A job that trains several models at the same time, one per thread, as hyperparameter sweeps
 * often do: each model its own fit and evaluation. Prints each model's iteration count and
 * accuracy, in model order.
 */
public final class ConcurrentTrainingJob {
    private static final int MODELS = 3;

    private ConcurrentTrainingJob() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(MODELS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int m = 0; m < MODELS; m++) {
            int epochs = 2 + m; // different lengths, so a mixed-up metric would show
            results.add(pool.submit(() -> {
                MultiLayerNetwork net = new MultiLayerNetwork(Dl4jLegacyJob.classifierConf());
                net.init();
                DataSetIterator train = SyntheticData.blobTrain();
                DataSetIterator test = SyntheticData.blobTest();
                start.await(); // all threads train at once
                net.fit(train, epochs);
                Evaluation eval = net.evaluate(test);
                return "model" + epochs + ".iterationCount=" + net.getIterationCount()
                        + "\nmodel" + epochs + ".accuracy=" + Dl4jLegacyJob.fmt(eval.accuracy());
            }));
        }
        start.countDown();
        for (Future<String> result : results) {
            System.out.println(result.get());
        }
        pool.shutdown();
        System.out.println("done");
    }
}
