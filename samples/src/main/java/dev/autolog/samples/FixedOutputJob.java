package dev.autolog.samples;

/**
 * A job that only prints fixed lines (two on stdout, one on stderr) and exits with the code given as its
 * argument (default 0). It trains nothing, so it shows what the agent alone does to a job, at the cost of a bare
 * JVM start.
 */
public final class FixedOutputJob {

    private FixedOutputJob() {
    }

    public static void main(String[] args) {
        System.out.println("fixed output, line 1");
        System.out.println("fixed output, line 2: 3.1416");
        System.err.println("fixed error output");
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
