package dev.autolog.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small, fully offline data sets for the sample jobs.
 *
 * <p>Everything is generated with {@link java.util.Random} and a fixed seed, so the data are the same on
 * every run and no file is ever downloaded (the stock Iris iterator would download in DL4J 1.0.0-M2.1).
 */
public final class SyntheticData {

    /** Examples per minibatch for every iterator built here. */
    public static final int BATCH_SIZE = 16;

    /** Number of input features of the blob (classification) data. */
    public static final int BLOB_FEATURES = 4;
    /** Number of classes of the blob data. */
    public static final int BLOB_CLASSES = 3;
    /** Training / test sizes of the blob data (150 / 16 = 10 minibatches: 9 of 16 and 1 of 6). */
    public static final int BLOB_TRAIN = 150;
    public static final int BLOB_TEST = 60;

    /** Number of inputs / outputs of the regression data. */
    public static final int REG_INPUTS = 3;
    public static final int REG_OUTPUTS = 2;
    /** Training / test sizes of the regression data (160 / 16 = 10 full minibatches). */
    public static final int REG_TRAIN = 160;
    public static final int REG_TEST = 64;

    // Class centres, a few standard deviations apart so the task is learnable but not trivial.
    private static final double[][] BLOB_CENTRES = {
            {0.0, 0.0, 0.0, 0.0},
            {2.0, 2.0, -1.0, 1.0},
            {-2.0, 1.5, 1.5, -1.5},
    };
    private static final double BLOB_STDDEV = 1.0;

    // Ground truth of the regression task: y = W x + b + noise.
    private static final double[][] REG_WEIGHTS = {
            {0.5, -1.2, 0.3},
            {-0.7, 0.2, 0.9},
    };
    private static final double[] REG_BIAS = {0.1, -0.2};
    private static final double REG_NOISE = 0.05;

    private SyntheticData() {
    }

    /** Training iterator over the 3-class Gaussian blobs (seeded, shuffled). */
    public static DataSetIterator blobTrain() {
        return iterator(blobs(BLOB_TRAIN, 1234L));
    }

    /** Test iterator over the 3-class Gaussian blobs (a different seed from the training data). */
    public static DataSetIterator blobTest() {
        return iterator(blobs(BLOB_TEST, 5678L));
    }

    /** Training iterator over the linear-plus-noise regression data. */
    public static DataSetIterator regressionTrain() {
        return iterator(regression(REG_TRAIN, 4321L));
    }

    /** Test iterator over the linear-plus-noise regression data. */
    public static DataSetIterator regressionTest() {
        return iterator(regression(REG_TEST, 8765L));
    }

    /** Wraps single-example data sets in a minibatch iterator (synchronous: asyncSupported() is false). */
    static DataSetIterator iterator(List<DataSet> examples) {
        return new ListDataSetIterator<>(examples, BATCH_SIZE);
    }

    /**
     * {@code n} examples drawn round-robin from the three blobs, then shuffled with the same seed,
     * so every minibatch holds a mix of classes. Returned as one-example data sets.
     */
    static List<DataSet> blobs(int n, long seed) {
        Random rnd = new Random(seed);
        List<DataSet> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int cls = i % BLOB_CLASSES;
            float[] x = new float[BLOB_FEATURES];
            for (int f = 0; f < BLOB_FEATURES; f++) {
                x[f] = (float) (BLOB_CENTRES[cls][f] + BLOB_STDDEV * rnd.nextGaussian());
            }
            float[] y = new float[BLOB_CLASSES];
            y[cls] = 1f;
            out.add(example(x, y));
        }
        // Shuffle in Java (not ND4J) so the order depends only on the seed.
        Collections.shuffle(out, new Random(seed));
        return out;
    }

    /** {@code n} examples of y = W x + b + Gaussian noise, with x uniform in [-1, 1]^3. */
    static List<DataSet> regression(int n, long seed) {
        Random rnd = new Random(seed);
        List<DataSet> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = new float[REG_INPUTS];
            for (int f = 0; f < REG_INPUTS; f++) {
                x[f] = (float) (2.0 * rnd.nextDouble() - 1.0);
            }
            float[] y = new float[REG_OUTPUTS];
            for (int o = 0; o < REG_OUTPUTS; o++) {
                double v = REG_BIAS[o];
                for (int f = 0; f < REG_INPUTS; f++) {
                    v += REG_WEIGHTS[o][f] * x[f];
                }
                y[o] = (float) (v + REG_NOISE * rnd.nextGaussian());
            }
            out.add(example(x, y));
        }
        return out;
    }

    // Float arrays, because a network's default data type is FLOAT.
    private static DataSet example(float[] features, float[] labels) {
        return new DataSet(Nd4j.create(new float[][] {features}), Nd4j.create(new float[][] {labels}));
    }
}
