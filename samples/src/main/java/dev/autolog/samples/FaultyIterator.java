package dev.autolog.samples;

import java.util.List;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A DataSetIterator that behaves like the one it wraps until the N-th call to {@code next()}, and then
 * either throws or ends the JVM. Used to simulate a job that crashes, or is killed, in the middle of
 * {@code fit}.
 *
 * <p>{@link #asyncSupported()} is {@code false} on purpose: otherwise DL4J would wrap this iterator in an
 * AsyncDataSetIterator, {@code next()} would run on a prefetch thread, and the exception would reach
 * {@code fit}'s caller wrapped in another one.
 */
public final class FaultyIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private enum Fault { THROW, EXIT, STALL }

    private final DataSetIterator delegate;
    private final int faultyCall;   // 1-based index of the next() call that misbehaves
    private final Fault fault;
    private final int exitCode;
    private int calls;

    private FaultyIterator(DataSetIterator delegate, int faultyCall, Fault fault, int exitCode) {
        this.delegate = delegate;
        this.faultyCall = faultyCall;
        this.fault = fault;
        this.exitCode = exitCode;
    }

    /** {@code next()} throws {@code IllegalStateException("sample failure")} on the given (1-based) call. */
    public static FaultyIterator throwingOn(DataSetIterator delegate, int call) {
        return new FaultyIterator(delegate, call, Fault.THROW, 0);
    }

    /** {@code next()} calls {@code System.exit(exitCode)} on the given (1-based) call. */
    public static FaultyIterator exitingOn(DataSetIterator delegate, int call, int exitCode) {
        return new FaultyIterator(delegate, call, Fault.EXIT, exitCode);
    }

    /**
     * {@code next()} prints {@code stalled} on the given (1-based) call and then blocks until the
     * process is stopped from outside (a signal), as a job hanging on its data source would.
     */
    public static FaultyIterator stallingOn(DataSetIterator delegate, int call) {
        return new FaultyIterator(delegate, call, Fault.STALL, 0);
    }

    @Override
    public DataSet next() {
        countCallAndMaybeFail();
        return delegate.next();
    }

    @Override
    public DataSet next(int num) {
        // fit() does not use this overload; count it anyway so the fault fires whichever one is called.
        countCallAndMaybeFail();
        return delegate.next(num);
    }

    private void countCallAndMaybeFail() {
        calls++;
        if (calls != faultyCall) {
            return;
        }
        if (fault == Fault.THROW) {
            throw new IllegalStateException("sample failure");
        }
        if (fault == Fault.STALL) {
            System.out.println("stalled");
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // keep stalling: only the process's end stops it
                }
            }
        }
        // Simulates the process being stopped mid-training; shutdown hooks still run, exit() never returns.
        System.exit(exitCode);
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public int inputColumns() {
        return delegate.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return delegate.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return delegate.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public int batch() {
        return delegate.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        delegate.setPreProcessor(preProcessor);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return delegate.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return delegate.getLabels();
    }
}
