package dev.autolog.samples;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A longer legacy DL4J job for the overhead benchmark: the sample classifier's network trained by one
 * {@code fit(iterator, epochs)} call for many epochs (argument, default 200), then evaluated. The sample jobs run
 * for a second or three, so the agent's per-job costs (instrumenting, the first calls, writing the run at exit)
 * dominate their wall-time ratio; this one shows what the agent costs per training step.
 */
public final class Dl4jLongJob {

    private Dl4jLongJob() {
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jLegacyJob.classifierConf());
        net.init();
        DataSetIterator train = SyntheticData.blobTrain();
        net.fit(train, epochs);
        Evaluation eval = net.evaluate(SyntheticData.blobTest());
        System.out.println("epochs=" + net.getEpochCount() + " iterations=" + net.getIterationCount()
                + " accuracy=" + Dl4jLegacyJob.fmt(eval.accuracy()));
    }
}
